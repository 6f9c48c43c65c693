#include "comparisonwindow.h"

#include "chartstyle.h"
#include "comparisonmodel.h"
#include "comparisonrunner.h"
#include "patterncatalog.h"
#include "workloadform.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCloseEvent>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

namespace cachelab::ui {

namespace {

std::optional<QString> writeText(const QString &path, const QString &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text | QIODevice::Truncate) ||
        file.write(text.toUtf8()) < 0) {
        return ComparisonWindow::tr("Cannot write %1: %2")
            .arg(QDir::toNativeSeparators(path), file.errorString());
    }
    return std::nullopt;
}

// Parses "ttl=30s single-flight=on": each option must be one that at least one pattern has,
// with a value it accepts. Returns the options or a message.
std::variant<QMap<QString, QString>, QString> parseOptions(const QString &text)
{
    QList<OptionSetting> settings;
    if (const auto malformed = splitOptionList(text, settings))
        return *malformed;
    QMap<QString, QString> options;
    for (const OptionSetting &setting : settings) {
        std::optional<QString> firstProblem;
        bool anyAccepts = false;
        for (const PatternKind kind : kAllPatterns) {
            PatternOptions probe;
            const auto problem = applyOption(probe, kind, setting.name, setting.value);
            anyAccepts |= !problem;
            if (problem && !firstProblem)
                firstProblem = problem;
        }
        if (!anyAccepts)
            return QStringLiteral("%1=%2: %3")
                .arg(setting.name, setting.value, firstProblem.value_or(QString()));
        options.insert(setting.name, setting.value);
    }
    return options;
}

} // namespace

ComparisonWindow::ComparisonWindow(const LabConfig &base, QWidget *parent)
    : QDialog(parent)
    , m_base(base)
    , m_form(new WorkloadForm(this))
    , m_optionsLabel(new QLabel(this))
    , m_options(new QLineEdit(this))
    , m_crashNote(new QLabel(this))
    , m_run(new QPushButton(QIcon(QStringLiteral(":/icons/play.svg")), QString(), this))
    , m_cancel(new QPushButton(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
    , m_csv(new QPushButton(this))
    , m_markdown(new QPushButton(this))
    , m_close(new QPushButton(this))
    , m_model(new ComparisonModel(this))
    , m_runner(new ComparisonRunner(this))
{
    setObjectName(QStringLiteral("comparison"));
    setWindowFlag(Qt::WindowMaximizeButtonHint);
    setSizeGripEnabled(true);
    // A comparison measures the patterns, not the person's database: the hash-table database
    // gives the same figures as SQLite, many times faster (see simulate()).
    m_base.databasePath = kHashTableDatabase;
    WorkloadSpec defaults = m_form->spec();
    defaults.requests = 100'000;
    defaults.rate = 1000;
    m_form->setSpec(defaults);
    m_options->setPlaceholderText(QStringLiteral("ttl=30s single-flight=on"));
    m_options->setClearButtonEnabled(true);
    m_optionsLabel->setBuddy(m_options);
    m_crashNote->setWordWrap(true);
    m_crashNote->setForegroundRole(QPalette::PlaceholderText);

    auto *workload = new QGroupBox(this);
    workload->setObjectName(QStringLiteral("workloadBox"));
    auto *workloadLayout = new QHBoxLayout(workload);
    workloadLayout->addWidget(m_form, 3);
    auto *right = new QVBoxLayout;
    auto *optionsRow = new QHBoxLayout;
    optionsRow->addWidget(m_optionsLabel);
    optionsRow->addWidget(m_options, 1);
    right->addLayout(optionsRow);
    right->addWidget(m_crashNote);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    right->addLayout(runRow);
    m_status->setWordWrap(true);
    right->addWidget(m_status);
    right->addStretch();
    workloadLayout->addLayout(right, 2);
    m_progress->setRange(0, 1000);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setDefaultAlignment(
        Qt::Alignment(Qt::AlignCenter | Qt::TextWordWrap));
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setMinimumSectionSize(40);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setWordWrap(false);

    auto *charts = new QWidget(this);
    auto *chartRow = new QHBoxLayout(charts);
    chartRow->setContentsMargins(0, 0, 0, 0);
    chartRow->setSpacing(4);
    for (QChartView *&view : m_bars) {
        view = new QChartView(new QChart, charts);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(180, 180);
        view->chart()->setAnimationOptions(QChart::NoAnimation);
        chartRow->addWidget(view);
    }

    m_split = new QSplitter(Qt::Vertical, this);
    auto *split = m_split;
    split->addWidget(m_table);
    split->addWidget(charts);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_csv);
    bottom->addWidget(m_markdown);
    bottom->addStretch();
    bottom->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(workload);
    layout->addWidget(split, 1);
    layout->addLayout(bottom);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &ComparisonWindow::cancel);
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    connect(m_csv, &QPushButton::clicked, this, [this] { exportDialog(false); });
    connect(m_markdown, &QPushButton::clicked, this, [this] { exportDialog(true); });
    connect(m_runner, &ComparisonRunner::progress, this,
            [this](double share) { m_progress->setValue(int(share * 1000)); });
    connect(m_runner, &ComparisonRunner::finished, this, &ComparisonWindow::onFinished);
    connect(m_options, &QLineEdit::returnPressed, this, [this] { run(); });

    retranslate();
    updateCharts();
    updateButtons();
    resize(1280, 720);
}

ComparisonWindow::~ComparisonWindow() = default;

bool ComparisonWindow::running() const
{
    return m_runner->running();
}

bool ComparisonWindow::run()
{
    if (running())
        return false;
    const auto options = parseOptions(m_options->text());
    if (const auto *problem = std::get_if<QString>(&options)) {
        m_options->setStyleSheet(QStringLiteral("color: #e53935"));
        m_status->setText(*problem);
        return false;
    }
    m_options->setStyleSheet(QString());
    const WorkloadSpec workload = m_form->spec();
    m_progress->setValue(0);
    m_clock.start();
    m_runner->start(workload, std::get<QMap<QString, QString>>(options), m_base);
    m_status->setText(tr("Running every pattern on its own lab, one after the other…"));
    updateButtons();
    return true;
}

void ComparisonWindow::cancel()
{
    if (!running())
        return;
    m_runner->cancel();
    m_status->setText(tr("Cancelling…"));
}

void ComparisonWindow::onFinished(const Comparison &comparison)
{
    m_model->setComparison(comparison);
    fitTable();
    const int done = m_model->rowCount();
    const double seconds = double(m_clock.elapsed()) / 1000.0;
    if (comparison.cancelled) {
        m_status->setText(
            tr("Cancelled: %1 of %2 patterns finished.").arg(done).arg(std::size(kAllPatterns)));
    } else {
        m_progress->setValue(1000);
        m_status->setText(tr("Done: %1 requests through each of the %2 patterns in %3 s of "
                             "wall time.")
                              .arg(QLocale().toString(comparison.workload.requests))
                              .arg(done)
                              .arg(QLocale().toString(seconds, 'f', 2)));
    }
    updateCharts();
    updateButtons();
    Q_EMIT resultsShown();
}

void ComparisonWindow::fitTable()
{
    // Every row in view, and the charts below get the rest.
    const int rows = std::max(int(std::size(kAllPatterns)), m_model->rowCount());
    int height = m_table->horizontalHeader()->sizeHint().height() +
                 rows * m_table->verticalHeader()->defaultSectionSize() +
                 2 * m_table->frameWidth() + 2;
    if (m_table->horizontalHeader()->length() > m_table->viewport()->width())
        height += m_table->horizontalScrollBar()->sizeHint().height();
    const QList<int> sizes = m_split->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (total > height)
        m_split->setSizes({height, total - height});
}

void ComparisonWindow::updateButtons()
{
    const bool busy = running();
    m_run->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_form->setEnabled(!busy);
    m_options->setEnabled(!busy);
    const bool any = m_model->rowCount() > 0;
    m_csv->setEnabled(any && !busy);
    m_markdown->setEnabled(any && !busy);
}

void ComparisonWindow::updateCharts()
{
    struct Spec
    {
        QString title;
        QList<ComparisonModel::Column> columns;
        QStringList names;
        QList<SeriesColor> colors;
        double scale; // shares are shown in %
        double fixedMax = 0;
    };
    const std::array<Spec, BarsCount> specs{{
        {tr("Hit ratio (%)"),
         {ComparisonModel::HitRatio},
         {tr("hit ratio")},
         {SeriesColor::Main},
         100,
         100},
        {tr("Read latency (ms)"),
         {ComparisonModel::ReadP50, ComparisonModel::ReadP99},
         {tr("p50"), tr("p99")},
         {SeriesColor::Good, SeriesColor::Bad},
         1},
        {tr("Write latency (ms)"),
         {ComparisonModel::WriteP50, ComparisonModel::WriteP99},
         {tr("p50"), tr("p99")},
         {SeriesColor::Good, SeriesColor::Bad},
         1},
        {tr("Database rows per 1,000 operations"),
         {ComparisonModel::DbReadsPerThousand, ComparisonModel::DbWritesPerThousand},
         {tr("reads"), tr("writes")},
         {SeriesColor::Main, SeriesColor::Second},
         1},
        {tr("Writes lost at the crash"),
         {ComparisonModel::LostWrites},
         {tr("lost writes")},
         {SeriesColor::Bad},
         1},
    }};
    const int rows = m_model->rowCount();
    // Horizontal bars list the first category at the bottom: feed them bottom-up so the
    // patterns read top-down in the table's order.
    QStringList categories;
    for (int r = rows - 1; r >= 0; --r)
        categories << m_model->index(r, ComparisonModel::Pattern).data().toString();
    for (int b = 0; b < BarsCount; ++b) {
        const Spec &spec = specs[std::size_t(b)];
        QChart *chart = m_bars[std::size_t(b)]->chart();
        chart->removeAllSeries();
        for (QAbstractAxis *axis : chart->axes()) {
            chart->removeAxis(axis);
            delete axis;
        }
        auto *series = new QHorizontalBarSeries;
        double top = 0;
        for (qsizetype s = 0; s < spec.columns.size(); ++s) {
            auto *set = new QBarSet(spec.names.value(s));
            set->setColor(seriesColor(spec.colors.value(s), palette()));
            set->setBorderColor(Qt::transparent);
            set->setLabelColor(palette().color(QPalette::WindowText));
            for (int r = rows - 1; r >= 0; --r) {
                const double v = m_model->number(r, spec.columns[s]) * spec.scale;
                top = std::max(top, v);
                set->append(v);
            }
            series->append(set);
        }
        // Numbers at the bars where one set leaves room for them; pairs would overlap (the
        // table has every figure).
        series->setLabelsVisible(rows > 0 && spec.columns.size() == 1);
        series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
        series->setLabelsFormat(QStringLiteral("@value"));
        series->setLabelsPrecision(3);
        chart->addSeries(series);
        auto *patterns = new QBarCategoryAxis;
        patterns->append(categories);
        auto *values = new QValueAxis;
        const double span = spec.fixedMax > 0 ? spec.fixedMax : std::max(top * 1.15, 1.0);
        const double step = niceStep(span, spec.fixedMax > 0 ? 2 : 3);
        values->setTickType(QValueAxis::TicksDynamic);
        values->setTickAnchor(0);
        values->setTickInterval(step);
        values->setRange(0, spec.fixedMax > 0 ? spec.fixedMax : step * std::ceil(span / step));
        values->setLabelFormat(step >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.2g"));
        chart->addAxis(patterns, Qt::AlignLeft);
        chart->addAxis(values, Qt::AlignBottom);
        series->attachAxis(patterns);
        series->attachAxis(values);
        chart->setTitle(spec.title);
        chart->legend()->setVisible(spec.columns.size() > 1);
        chart->legend()->setAlignment(Qt::AlignBottom);
        styleChart(chart, palette());
        m_bars[std::size_t(b)]->setBackgroundBrush(palette().brush(QPalette::Base));
        m_bars[std::size_t(b)]->setAccessibleName(spec.title);
    }
}

std::optional<QString> ComparisonWindow::saveCsv(const QString &path) const
{
    return writeText(path, m_model->comparison().toCsv());
}

std::optional<QString> ComparisonWindow::saveMarkdown(const QString &path) const
{
    return writeText(path, m_model->comparison().toMarkdown());
}

void ComparisonWindow::exportDialog(bool markdown)
{
    const QString path =
        markdown
            ? QFileDialog::getSaveFileName(this, tr("Export Comparison as Markdown"),
                                           QStringLiteral("comparison.md"), tr("Markdown (*.md)"))
            : QFileDialog::getSaveFileName(this, tr("Export Comparison as CSV"),
                                           QStringLiteral("comparison.csv"),
                                           tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    const auto error = markdown ? saveMarkdown(path) : saveCsv(path);
    if (error)
        QMessageBox::warning(this, tr("Export failed"), *error);
    else
        m_status->setText(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

void ComparisonWindow::retranslate()
{
    setWindowTitle(tr("Compare the Patterns — Cache Lab"));
    if (auto *box = findChild<QGroupBox *>(QStringLiteral("workloadBox")))
        box->setTitle(tr("One workload through all seven patterns"));
    m_optionsLabel->setText(tr("Options:"));
    m_options->setToolTip(tr("Pattern options, as a scenario writes them; each applies to "
                             "every pattern that has it"));
    m_crashNote->setText(tr("Each pattern runs on a fresh lab of its own, in virtual time, and "
                            "every instance crashes halfway through, so that what a crash "
                            "costs is measured too. Beside the figures: the source material's "
                            "own words (in italics)."));
    m_run->setText(tr("Compare"));
    m_run->setToolTip(tr("Run the workload through every pattern (in the background)"));
    m_cancel->setText(tr("Cancel"));
    m_progress->setAccessibleName(tr("Comparison progress"));
    m_table->setAccessibleName(tr("Comparison results"));
    m_csv->setText(tr("Export CSV…"));
    m_markdown->setText(tr("Export Markdown…"));
    m_close->setText(tr("Close"));
    if (m_status->text().isEmpty() || !m_model->rowCount())
        m_status->setText(tr("Set up a workload and press Compare."));
    m_model->retranslate();
    updateCharts();
}

void ComparisonWindow::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange)
        updateCharts();
}

void ComparisonWindow::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    fitTable();
}

void ComparisonWindow::closeEvent(QCloseEvent *event)
{
    cancel(); // a run nobody waits for any more
    QDialog::closeEvent(event);
}

} // namespace cachelab::ui
