#include "chartspanel.h"

#include "chartstyle.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QValueAxis>

namespace cachelab::ui {

namespace {

using Column = MetricsChartModel::Column;

SeriesColor colorOf(Column c)
{
    switch (c) {
    case MetricsChartModel::ReadP50:
    case MetricsChartModel::WriteP50:
        return SeriesColor::Good;
    case MetricsChartModel::ReadP95:
    case MetricsChartModel::WriteP95:
    case MetricsChartModel::StaleReads:
        return SeriesColor::Warning;
    case MetricsChartModel::ReadP99:
    case MetricsChartModel::WriteP99:
    case MetricsChartModel::LostWrites:
        return SeriesColor::Bad;
    case MetricsChartModel::DbWritesPerSecond:
        return SeriesColor::Second;
    default:
        return SeriesColor::Main;
    }
}

} // namespace

ChartsPanel::ChartsPanel(MetricsChartModel *model, QWidget *parent)
    : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(2, 2, 2, 2);
    grid->setSpacing(4);
    addChart(HitRatioChart, {MetricsChartModel::HitRatio}, 100);
    addChart(ReadLatencyChart,
             {MetricsChartModel::ReadP50, MetricsChartModel::ReadP95, MetricsChartModel::ReadP99});
    addChart(WriteLatencyChart, {MetricsChartModel::WriteP50, MetricsChartModel::WriteP95,
                                 MetricsChartModel::WriteP99});
    addChart(DatabaseChart,
             {MetricsChartModel::DbReadsPerSecond, MetricsChartModel::DbWritesPerSecond});
    addChart(QueueChart, {MetricsChartModel::QueueDepth});
    addChart(AnomaliesChart, {MetricsChartModel::StaleReads, MetricsChartModel::LostWrites});
    layOut();
    applyPalette();
    retranslate();

    setModel(model);
    m_timer.setInterval(1000 / kRedrawHz);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_dirty && isVisible())
            redraw();
    });
    m_timer.start();
}

void ChartsPanel::layOut()
{
    // Two columns, three rows: the panel lives in a column beside the diagram. Hidden
    // charts leave no hole.
    auto *grid = static_cast<QGridLayout *>(layout());
    int cell = 0;
    for (int c = 0; c < ChartCount; ++c) {
        grid->removeWidget(m_charts[c].view);
        if (m_charts[c].view->isHidden())
            continue;
        grid->addWidget(m_charts[c].view, cell / 2, cell % 2);
        ++cell;
    }
}

void ChartsPanel::setQueueShown(bool shown)
{
    if (m_charts[QueueChart].view->isHidden() != shown)
        return;
    m_charts[QueueChart].view->setHidden(!shown);
    layOut();
}

void ChartsPanel::setModel(MetricsChartModel *model)
{
    disconnect(m_sampledConnection);
    disconnect(m_resetConnection);
    m_model = model;
    m_until = std::numeric_limits<double>::infinity();
    m_sampledConnection =
        connect(model, &MetricsChartModel::sampled, this, [this] { m_dirty = true; });
    m_resetConnection =
        connect(model, &QAbstractItemModel::modelReset, this, [this] { m_dirty = true; });
    m_dirty = true;
}

void ChartsPanel::setUntil(double untilSeconds)
{
    if (untilSeconds == m_until)
        return;
    m_until = untilSeconds;
    m_dirty = true;
}

void ChartsPanel::addChart(Chart which, const QList<MetricsChartModel::Column> &columns,
                           double fixedMax)
{
    ChartParts &parts = m_charts[which];
    parts.chart = new QChart;
    parts.chart->setAnimationOptions(QChart::NoAnimation);
    parts.x = new QValueAxis(parts.chart);
    parts.y = new QValueAxis(parts.chart);
    // Ticks on round numbers (0, 10, 20 s; 0, 25, 50 ms), wherever the window is.
    for (QValueAxis *axis : {parts.x, parts.y}) {
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
    }
    parts.x->setLabelFormat(QStringLiteral("%.0f s"));
    parts.chart->addAxis(parts.x, Qt::AlignBottom);
    parts.chart->addAxis(parts.y, Qt::AlignLeft);
    parts.fixedMax = fixedMax;
    for (const MetricsChartModel::Column c : columns) {
        auto *series = new QLineSeries(parts.chart);
        parts.chart->addSeries(series);
        series->attachAxis(parts.x);
        series->attachAxis(parts.y);
        parts.lines.append(Line{c, series, {}});
    }
    QLegend *legend = parts.chart->legend();
    legend->setVisible(columns.size() > 1);
    legend->setAlignment(Qt::AlignTop);
    if (columns.size() > 1) {
        // Inside the plot, along its top edge: a legend row of its own would take a third of a
        // small chart's height. The y axis leaves room for it (see redraw()).
        legend->detachFromChart();
        legend->setBackgroundVisible(false);
        connect(parts.chart, &QChart::plotAreaChanged, legend, [legend](const QRectF &plot) {
            legend->setGeometry(QRectF(plot.left(), plot.top(), plot.width(),
                                       legend->effectiveSizeHint(Qt::PreferredSize).height()));
            legend->update();
        });
    }
    parts.view = new QChartView(parts.chart, this);
    parts.view->setRenderHint(QPainter::Antialiasing);
    parts.view->setMinimumSize(150, 96);
    parts.view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(parts.view, &QWidget::customContextMenuRequested, this,
            [this, which](const QPoint &pos) { showMenu(which, pos); });
}

void ChartsPanel::applyPalette()
{
    for (ChartParts &parts : m_charts) {
        styleChart(parts.chart, palette());
        parts.view->setBackgroundBrush(palette().brush(QPalette::Base));
        for (const Line &line : std::as_const(parts.lines)) {
            stylePen(line, line.series);
            for (QLineSeries *run : line.more)
                stylePen(line, run);
        }
    }
}

void ChartsPanel::stylePen(const Line &line, QLineSeries *series)
{
    QPen pen(seriesColor(colorOf(line.column), palette()));
    pen.setWidthF(1.8);
    series->setPen(pen);
}

void ChartsPanel::retranslate()
{
    const auto title = [this](Chart c, const QString &text, const QString &tip) {
        m_charts[c].chart->setTitle(text);
        m_charts[c].view->setAccessibleName(text);
        m_charts[c].view->setToolTip(tip);
    };
    title(HitRatioChart, tr("Hit ratio (%)"),
          tr("Share of lookups the cache answered, over the last second of virtual time."));
    title(ReadLatencyChart, tr("Read latency (ms)"),
          tr("How long reads took: half of them took up to p50, 95 % up to p95, 99 % up to "
             "p99 (over the last second of virtual time)."));
    title(WriteLatencyChart, tr("Write latency (ms)"),
          tr("How long writes took until the application had its answer (p50, p95, p99 over "
             "the last second of virtual time)."));
    title(DatabaseChart, tr("Database reads and writes (/s)"),
          tr("Rows the application read from and wrote to the database, per second of "
             "virtual time."));
    title(QueueChart, tr("Write-behind queue (entries)"),
          tr("Writes acknowledged but not yet in the database, all instances together."));
    title(AnomaliesChart, tr("Stale reads, lost writes (total)"),
          tr("Reads that returned an older version than the database held, and acknowledged "
             "writes that will never reach the database, since the lab started."));
    const auto name = [](Column c) {
        switch (c) {
        case MetricsChartModel::ReadP50:
        case MetricsChartModel::WriteP50:
            return tr("p50");
        case MetricsChartModel::ReadP95:
        case MetricsChartModel::WriteP95:
            return tr("p95");
        case MetricsChartModel::ReadP99:
        case MetricsChartModel::WriteP99:
            return tr("p99");
        case MetricsChartModel::DbReadsPerSecond:
            return tr("reads");
        case MetricsChartModel::DbWritesPerSecond:
            return tr("writes");
        case MetricsChartModel::StaleReads:
            return tr("stale reads");
        case MetricsChartModel::LostWrites:
            return tr("lost writes");
        default:
            return QString();
        }
    };
    for (ChartParts &parts : m_charts) {
        for (const Line &line : std::as_const(parts.lines))
            line.series->setName(name(line.column));
    }
}

QList<QList<QPointF>> ChartsPanel::shownSegments(Chart chart, int index) const
{
    const Line &line = m_charts[chart].lines.at(index);
    QList<QList<QPointF>> out;
    for (const QLineSeries *run : QList<QLineSeries *>{line.series} + line.more) {
        if (run->count() > 0)
            out.append(run->points());
    }
    return out;
}

QList<QPointF> ChartsPanel::shownPoints(Chart chart, int index) const
{
    QList<QPointF> out;
    for (const QList<QPointF> &run : shownSegments(chart, index))
        out += run;
    return out;
}

void ChartsPanel::redraw()
{
    m_dirty = false;
    ++m_redraws;
    const double last = std::min(m_model->lastSeconds(), m_until);
    const double first = m_model->rowCount() > 0 ? m_model->value(0, MetricsChartModel::Time) : 0;
    const double from = std::max(first, last - kVisibleSeconds);
    const double to = std::max(last, from + 1.0);
    for (ChartParts &parts : m_charts) {
        double top = 0;
        for (Line &line : parts.lines) {
            QList<QList<QPointF>> runs = m_model->segments(line.column, from);
            for (QList<QPointF> &run : runs) {
                while (!run.isEmpty() && run.back().x() > m_until)
                    run.removeLast();
            }
            runs.removeIf([](const QList<QPointF> &run) { return run.isEmpty(); });
            for (const QList<QPointF> &run : std::as_const(runs)) {
                for (const QPointF &p : run)
                    top = std::max(top, p.y());
            }
            while (line.more.size() + 1 < runs.size()) {
                auto *run = new QLineSeries(parts.chart);
                parts.chart->addSeries(run);
                run->attachAxis(parts.x);
                run->attachAxis(parts.y);
                stylePen(line, run);
                for (QLegendMarker *marker : parts.chart->legend()->markers(run))
                    marker->setVisible(false); // one entry per line, not per run
                line.more.append(run);
            }
            line.series->replace(runs.value(0));
            for (qsizetype i = 0; i < line.more.size(); ++i)
                line.more[i]->replace(runs.value(i + 1));
        }
        const double xStep = niceStep(to - from);
        parts.x->setLabelFormat(xStep < 1 ? QStringLiteral("%.1f s") : QStringLiteral("%.0f s"));
        parts.x->setTickInterval(xStep);
        parts.x->setRange(from, to);
        // Lines stay clear of the legend drawn along the plot's top edge.
        const double headroom = parts.lines.size() > 1 ? 1.6 : 1.1;
        const double yTop = parts.fixedMax > 0 ? parts.fixedMax : std::max(top * headroom, 1.0);
        // Two or three labels: a small chart elides them all when they crowd.
        const double yStep = niceStep(yTop, 2);
        parts.y->setTickInterval(yStep);
        parts.y->setLabelFormat(yStep >= 1     ? QStringLiteral("%.0f")
                                : yStep >= 0.1 ? QStringLiteral("%.1f")
                                               : QStringLiteral("%.2f"));
        parts.y->setRange(0, parts.fixedMax > 0 ? parts.fixedMax
                                                : yStep * std::max(1.0, std::ceil(yTop / yStep)));
    }
}

std::optional<QString> ChartsPanel::saveChart(Chart chart, const QString &path)
{
    redraw();
    return saveWidgetPng(m_charts[chart].view, path);
}

std::optional<QString> ChartsPanel::saveAll(const QString &path)
{
    redraw();
    return saveWidgetPng(this, path);
}

void ChartsPanel::saveChartDialog(Chart chart)
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Chart as PNG"), QStringLiteral("chart.png"), tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (const auto error = saveChart(chart, path))
        QMessageBox::warning(this, tr("Export failed"), *error);
}

void ChartsPanel::saveAllDialog()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Live Charts as PNG"),
                                     QStringLiteral("charts.png"), tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (const auto error = saveAll(path))
        QMessageBox::warning(this, tr("Export failed"), *error);
}

void ChartsPanel::showMenu(Chart chart, const QPoint &pos)
{
    QMenu menu(this);
    menu.addAction(tr("Save This Chart as PNG…"), this, [this, chart] { saveChartDialog(chart); });
    menu.addAction(tr("Save All Charts as PNG…"), this, [this] { saveAllDialog(); });
    menu.exec(m_charts[chart].view->viewport()->mapToGlobal(pos));
}

void ChartsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    else if (event->type() == QEvent::LanguageChange)
        retranslate();
}

void ChartsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    redraw();
}

} // namespace cachelab::ui
