#include "tradeoffswindow.h"

#include "sweeprunner.h"

#include <chartstyle.h>
#include <patterncatalog.h>
#include <workloadform.h>

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace cachelab::ui {

namespace {

/// A setting the window offers to vary, with the range it starts from.
struct AxisChoice
{
    const char *name;
    const char *from;
    const char *to;
    int points;
    bool logarithmic;
};

constexpr AxisChoice kChoices[] = {
    {"ttl", "1s", "1h", 12, true},
    {"l1-ttl", "1s", "10m", 8, true},
    {"l1-capacity", "10", "10000", 8, true},
    {"threshold", "0.1", "0.9", 9, false},
    {"batch", "1", "1000", 8, true},
    {"flush", "100ms", "60s", 8, true},
    {"jitter", "0%", "50%", 6, false},
    {"failures", "1", "20", 8, false},
    {"write-ratio", "0", "0.5", 6, false},
    {"keys", "100", "100000", 7, true},
    {"clients", "1", "8", 8, false},
    {"latency.db", "1ms", "500ms", 8, true},
    {"latency.cache", "100us", "20ms", 8, true},
};

QString choiceText(const QString &name)
{
    if (name == u"ttl")
        return TradeoffsWindow::tr("ttl: how long an entry lives");
    if (name == u"l1-ttl")
        return TradeoffsWindow::tr("l1-ttl: how long an in-process copy lives");
    if (name == u"l1-capacity")
        return TradeoffsWindow::tr("l1-capacity: entries an in-process cache holds");
    if (name == u"threshold")
        return TradeoffsWindow::tr("threshold: when refresh-ahead reloads");
    if (name == u"batch")
        return TradeoffsWindow::tr("batch: write-behind's batch size");
    if (name == u"flush")
        return TradeoffsWindow::tr("flush: write-behind's flush interval");
    if (name == u"jitter")
        return TradeoffsWindow::tr("jitter: spread of the TTLs");
    if (name == u"failures")
        return TradeoffsWindow::tr("failures: failures that open the breaker");
    if (name == u"write-ratio")
        return TradeoffsWindow::tr("write-ratio: share of writes");
    if (name == u"keys")
        return TradeoffsWindow::tr("keys: distinct keys");
    if (name == u"clients")
        return TradeoffsWindow::tr("clients: application instances");
    if (name == u"latency.db")
        return TradeoffsWindow::tr("latency.db: database round trip");
    if (name == u"latency.cache")
        return TradeoffsWindow::tr("latency.cache: cache round trip");
    return name;
}

/// Okabe and Ito's colours, told apart with every kind of colour vision, on light and dark.
QColor patternColor(PatternKind kind)
{
    static const QColor colors[] = {QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                                    QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7),
                                    QColor(0x56, 0xB4, 0xE9), QColor(0xE6, 0x9F, 0x00),
                                    QColor(0x99, 0x99, 0x99)};
    return colors[int(kind) % int(std::size(colors))];
}

std::optional<QString> cannotWrite(const QString &path, const QString &why)
{
    return TradeoffsWindow::tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), why);
}

} // namespace

TradeoffsWindow::TradeoffsWindow(const LabConfig &base, QWidget *parent)
    : QDialog(parent)
    , m_base(base)
    , m_varyLabel(new QLabel(this))
    , m_vary(new QComboBox(this))
    , m_rangeLabel(new QLabel(this))
    , m_from(new QLineEdit(this))
    , m_to(new QLineEdit(this))
    , m_pointsLabel(new QLabel(this))
    , m_points(new QSpinBox(this))
    , m_log(new QCheckBox(this))
    , m_measureLabel(new QLabel(this))
    , m_measure(new QComboBox(this))
    , m_seedsLabel(new QLabel(this))
    , m_seeds(new QSpinBox(this))
    , m_patternsLabel(new QLabel(this))
    , m_form(new WorkloadForm(this))
    , m_run(new QPushButton(this))
    , m_cancel(new QPushButton(this))
    , m_export(new QPushButton(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_runner(new SweepRunner(this))
{
    setObjectName(QStringLiteral("tradeoffs"));
    setSizeGripEnabled(true);
    // Simulations run on the embedded store and the hash table, whatever the lab uses.
    m_base.store = {};
    m_base.databasePath = kHashTableDatabase;

    for (const AxisChoice &c : kChoices)
        m_vary->addItem(QString(), QString::fromLatin1(c.name));
    m_points->setRange(2, 50);
    m_seeds->setRange(1, 20);
    m_seeds->setValue(3);
    for (const Measure m : kAllMeasures)
        m_measure->addItem(QString(), int(m));
    for (const PatternKind kind : kAllPatterns) {
        auto *box = new QCheckBox(patternName(kind), this);
        box->setChecked(true);
        m_patternBoxes.append(box);
    }
    WorkloadSpec workload;
    workload.requests = 20'000;
    workload.distribution.kind = KeyDistribution::Kind::Zipf;
    m_form->setSpec(workload);

    auto *settings = new QGridLayout;
    settings->addWidget(m_varyLabel, 0, 0);
    settings->addWidget(m_vary, 0, 1, 1, 4);
    settings->addWidget(m_rangeLabel, 1, 0);
    settings->addWidget(m_from, 1, 1);
    settings->addWidget(new QLabel(QStringLiteral("…"), this), 1, 2);
    settings->addWidget(m_to, 1, 3);
    settings->addWidget(m_log, 1, 4);
    settings->addWidget(m_pointsLabel, 2, 0);
    settings->addWidget(m_points, 2, 1);
    settings->addWidget(m_seedsLabel, 2, 2);
    settings->addWidget(m_seeds, 2, 3);
    settings->addWidget(m_measureLabel, 3, 0);
    settings->addWidget(m_measure, 3, 1, 1, 4);
    settings->addWidget(m_patternsLabel, 4, 0, Qt::AlignTop);
    auto *patterns = new QGridLayout;
    for (qsizetype i = 0; i < m_patternBoxes.size(); ++i)
        patterns->addWidget(m_patternBoxes[i], int(i / 2), int(i % 2));
    settings->addLayout(patterns, 4, 1, 1, 4);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_export);
    auto *controls = new QVBoxLayout;
    controls->addLayout(settings);
    controls->addWidget(m_form);
    controls->addLayout(buttons);
    controls->addWidget(m_progress);
    controls->addWidget(m_status);
    controls->addStretch();
    m_status->setWordWrap(true);

    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(480, 320);
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(controls, 0);
    layout->addWidget(m_view, 1);

    connect(m_vary, &QComboBox::currentIndexChanged, this, &TradeoffsWindow::onAxisChosen);
    connect(m_measure, &QComboBox::currentIndexChanged, this, &TradeoffsWindow::redraw);
    connect(m_run, &QPushButton::clicked, this, &TradeoffsWindow::run);
    connect(m_cancel, &QPushButton::clicked, this, &TradeoffsWindow::cancel);
    connect(m_export, &QPushButton::clicked, this, &TradeoffsWindow::exportDialog);
    connect(m_runner, &SweepRunner::progress, this,
            [this](double share) { m_progress->setValue(int(share * 1000)); });
    connect(m_runner, &SweepRunner::point, this, &TradeoffsWindow::onPoint);
    connect(m_runner, &SweepRunner::finished, this, [this](const SweepResult &r) {
        m_result.cancelled = r.cancelled;
        m_result.error = r.error;
        m_result.wallSeconds = r.wallSeconds;
        m_progress->setValue(r.cancelled || !r.error.isEmpty() ? m_progress->value() : 1000);
        if (!r.error.isEmpty())
            m_status->setText(r.error);
        else if (r.cancelled)
            m_status->setText(
                tr("Cancelled: %n point(s) measured.", nullptr, int(m_result.points.size())));
        else
            m_status->setText(tr("%n run(s) in %1 s. Click a point to open that run in the lab.",
                                 nullptr, int(m_result.points.size()) * m_running.seeds)
                                  .arg(locale().toString(r.wallSeconds, 'f', 1)));
        updateButtons();
        Q_EMIT sweepFinished();
    });
    m_run->setDefault(true); // Return runs the sweep
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    onAxisChosen();
    retranslate();
    updateButtons();
    resize(1180, 640);
}

TradeoffsWindow::~TradeoffsWindow() = default;

void TradeoffsWindow::retranslate()
{
    setWindowTitle(tr("Trade-offs"));
    m_varyLabel->setText(tr("Vary"));
    for (int i = 0; i < m_vary->count(); ++i)
        m_vary->setItemText(i, choiceText(m_vary->itemData(i).toString()));
    m_rangeLabel->setText(tr("From"));
    m_log->setText(tr("Log scale"));
    m_pointsLabel->setText(tr("Points"));
    m_seedsLabel->setText(tr("Seeds"));
    m_seeds->setToolTip(tr("Each point runs once per seed; the band around a curve is the 95% "
                           "confidence interval over the seeds."));
    m_measureLabel->setText(tr("Measure"));
    for (int i = 0; i < m_measure->count(); ++i)
        m_measure->setItemText(i, measureLabel(Measure(m_measure->itemData(i).toInt())));
    m_patternsLabel->setText(tr("Patterns"));
    m_run->setText(tr("Run"));
    m_cancel->setText(tr("Cancel"));
    m_export->setText(tr("Export…"));
    if (!running() && !m_running.axis)
        m_status->setText(tr("Choose what to vary and which patterns to measure, then press Run. "
                             "Each curve shows the chosen measure; its band is the 95% "
                             "confidence interval over the seeds."));
    redraw();
}

void TradeoffsWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange)
        redraw();
    QDialog::changeEvent(event);
}

void TradeoffsWindow::closeEvent(QCloseEvent *event)
{
    cancel();
    QDialog::closeEvent(event);
}

void TradeoffsWindow::onAxisChosen()
{
    const AxisChoice &c = kChoices[std::max(0, m_vary->currentIndex())];
    m_from->setText(QString::fromLatin1(c.from));
    m_to->setText(QString::fromLatin1(c.to));
    m_points->setValue(c.points);
    m_log->setChecked(c.logarithmic);
}

void TradeoffsWindow::setRange(const QString &name, const QString &from, const QString &to,
                               int points, bool logarithmic)
{
    m_vary->setCurrentIndex(std::max(0, m_vary->findData(name)));
    m_from->setText(from);
    m_to->setText(to);
    m_points->setValue(points);
    m_log->setChecked(logarithmic);
}

void TradeoffsWindow::setMeasure(Measure measure)
{
    m_measure->setCurrentIndex(m_measure->findData(int(measure)));
}

void TradeoffsWindow::setPatterns(const QList<PatternKind> &patterns)
{
    for (qsizetype i = 0; i < m_patternBoxes.size(); ++i)
        m_patternBoxes[i]->setChecked(patterns.contains(kAllPatterns[i]));
}

void TradeoffsWindow::setSeeds(int seeds)
{
    m_seeds->setValue(seeds);
}

std::variant<SweepSpec, QString> TradeoffsWindow::spec() const
{
    SweepSpec spec;
    spec.base = m_base;
    spec.workload = m_form->spec();
    spec.seeds = m_seeds->value();
    for (qsizetype i = 0; i < m_patternBoxes.size(); ++i) {
        if (m_patternBoxes[i]->isChecked())
            spec.patterns << kAllPatterns[i];
    }
    if (spec.patterns.isEmpty())
        return tr("Choose at least one pattern.");
    const QString text =
        QStringLiteral("%1=%2..%3:%4%5")
            .arg(m_vary->currentData().toString(), m_from->text().trimmed(), m_to->text().trimmed())
            .arg(m_points->value())
            .arg(m_log->isChecked() ? QStringLiteral("log") : QString());
    auto axis = SweepAxis::parse(text);
    if (const auto *error = std::get_if<QString>(&axis))
        return *error;
    spec.axis = std::get<SweepAxis>(axis);
    if (const auto error = spec.validate())
        return *error;
    return spec;
}

bool TradeoffsWindow::run()
{
    if (m_runner->running())
        return false;
    auto s = spec();
    if (const auto *error = std::get_if<QString>(&s)) {
        m_status->setText(*error);
        return false;
    }
    m_running = std::get<SweepSpec>(s);
    m_result = SweepResult{};
    m_result.spec = m_running;
    m_progress->setValue(0);
    m_status->setText(
        tr("Measuring %n pattern(s)…", nullptr, int(m_running.participants().size())));
    m_runner->start(m_running);
    redraw();
    updateButtons();
    return true;
}

void TradeoffsWindow::cancel()
{
    m_runner->cancel();
}

bool TradeoffsWindow::running() const
{
    return m_runner->running();
}

void TradeoffsWindow::updateButtons()
{
    m_run->setEnabled(!running());
    m_cancel->setEnabled(running());
    m_export->setEnabled(!running() && !m_result.points.isEmpty());
}

void TradeoffsWindow::onPoint(const SweepPoint &point)
{
    m_result.points.append(point);
    redraw();
}

double TradeoffsWindow::xOf(int index) const
{
    QString value = m_running.axis->values[index];
    if (value.endsWith(u"us"))
        return double(value.chopped(2).toLongLong()) / 1e6; // durations in seconds
    if (value.endsWith(u'%'))
        value.chop(1);
    return value.toDouble();
}

void TradeoffsWindow::redraw()
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    const Measure measure = Measure(m_measure->currentData().toInt());
    m_chart->setTitle(measureLabel(measure));
    if (!m_running.axis) {
        styleChart(m_chart, palette());
        return;
    }

    const bool seconds = m_running.axis->values.constFirst().endsWith(u"us");
    QAbstractAxis *x = nullptr;
    if (m_running.axis->logarithmic) {
        auto *log = new QLogValueAxis;
        log->setBase(10);
        log->setLabelFormat(QStringLiteral("%g"));
        x = log;
    } else {
        auto *linear = new QValueAxis;
        linear->setLabelFormat(QStringLiteral("%g"));
        x = linear;
    }
    x->setTitleText(seconds ? tr("%1 (seconds)").arg(m_running.axis->name) : m_running.axis->name);
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%g"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);

    double low = 0, high = 0;
    bool any = false;
    for (const PatternKind kind : m_running.participants()) {
        auto *mean = new QLineSeries;
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        mean->setName(patternName(kind));
        for (const SweepPoint &p : std::as_const(m_result.points)) {
            if (p.pattern != kind)
                continue;
            const Estimate &e = p[measure];
            const double at = xOf(p.index);
            mean->append(at, e.mean);
            upper->append(at, e.high());
            lower->append(at, e.low());
            low = any ? std::min(low, e.low()) : e.low();
            high = any ? std::max(high, e.high()) : e.high();
            any = true;
        }
        const QColor color = patternColor(kind);
        auto *band = new QAreaSeries(upper, lower);
        QColor fill = color;
        fill.setAlpha(50);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);
        m_chart->addSeries(band);
        band->attachAxis(x);
        band->attachAxis(y);
        QPen pen(color);
        pen.setWidthF(2.5);
        mean->setPen(pen);
        mean->setPointsVisible(true);
        m_chart->addSeries(mean);
        mean->attachAxis(x);
        mean->attachAxis(y);
        for (QLegendMarker *marker : m_chart->legend()->markers(band))
            marker->setVisible(false);
        connect(mean, &QLineSeries::clicked, this,
                [this, kind](const QPointF &at) { clicked(kind, at.x()); });
    }
    const double fromX = xOf(0), toX = xOf(int(m_running.axis->values.size()) - 1);
    x->setRange(std::min(fromX, toX), std::max(fromX, toX));
    if (any) {
        const double pad = std::max((high - low) * 0.05, 1e-9);
        y->setRange(low - pad < 0 && low >= 0 ? 0 : low - pad, high + pad);
        y->applyNiceNumbers(); // ticks at round values: 0.55, 0.6 … rather than 0.549759
    }
    styleChart(m_chart, palette()); // after the axes exist: their labels take the palette too
}

void TradeoffsWindow::clicked(PatternKind pattern, double x)
{
    if (!m_running.axis)
        return;
    // The nearest measured value (on the log scale when the axis is one).
    int best = 0;
    auto distance = [&](int i) {
        const double a = xOf(i);
        return m_running.axis->logarithmic && a > 0 && x > 0 ? std::abs(std::log(a / x))
                                                             : std::abs(a - x);
    };
    for (int i = 1; i < m_running.axis->values.size(); ++i) {
        if (distance(i) < distance(best))
            best = i;
    }
    const auto run = m_running.run(pattern, best);
    if (const auto *r = std::get_if<SweepRun>(&run)) {
        m_status->setText(
            tr("Opened %1 with %2=%3 in the lab.")
                .arg(patternName(pattern), m_running.axis->name, m_running.axis->labels[best]));
        Q_EMIT openRun(r->pattern, r->options, r->config.latencies, r->workload);
    }
}

std::optional<QString> TradeoffsWindow::savePng(const QString &path) const
{
    return saveWidgetPng(m_view, path);
}

std::optional<QString> TradeoffsWindow::saveSvg(const QString &path) const
{
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(m_view->size());
    svg.setViewBox(m_view->rect());
    svg.setTitle(windowTitle());
    QPainter painter;
    if (!painter.begin(&svg))
        return cannotWrite(path, tr("the file cannot be created"));
    m_view->render(&painter);
    painter.end();
    if (!QFile::exists(path))
        return cannotWrite(path, tr("the file cannot be created"));
    return std::nullopt;
}

std::optional<QString> TradeoffsWindow::saveCsv(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text | QIODevice::Truncate) ||
        file.write(m_result.toCsv().toUtf8()) < 0)
        return cannotWrite(path, file.errorString());
    return std::nullopt;
}

void TradeoffsWindow::exportDialog()
{
    QString selected;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the curves"), QDir::home().filePath(QStringLiteral("tradeoffs.png")),
        tr("PNG image (*.png);;SVG drawing (*.svg);;CSV table (*.csv)"), &selected);
    if (path.isEmpty())
        return;
    const std::optional<QString> error = path.endsWith(u".svg", Qt::CaseInsensitive) ? saveSvg(path)
                                         : path.endsWith(u".csv", Qt::CaseInsensitive)
                                             ? saveCsv(path)
                                             : savePng(path);
    if (error)
        QMessageBox::warning(this, tr("Export the curves"), *error);
}

} // namespace cachelab::ui
