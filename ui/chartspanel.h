#pragma once

#include "metricschartmodel.h"

#include <QTimer>
#include <QWidget>

#include <array>
#include <limits>
#include <optional>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace cachelab::ui {

/// The live charts of the current lab, against virtual time: hit ratio, read and write latency
/// percentiles, database reads and writes per second, the write-behind queue, stale reads and
/// lost writes. Each chart shows the newest kVisibleSeconds of virtual time and is redrawn at
/// most kRedrawHz times a second of wall time, whatever the speed: a chart that moves faster
/// cannot be read, and redrawing the six costs about 10 ms (measured by bench_gui), which every
/// frame would take from the diagram and five times a second costs one frame in twelve a few
/// milliseconds.
class ChartsPanel final : public QWidget
{
    Q_OBJECT

public:
    enum Chart {
        HitRatioChart,
        ReadLatencyChart,
        WriteLatencyChart,
        DatabaseChart,
        QueueChart,
        AnomaliesChart,
        ChartCount
    };
    static constexpr double kVisibleSeconds = 60;
    static constexpr int kRedrawHz = 5;

    explicit ChartsPanel(MetricsChartModel *model, QWidget *parent = nullptr);

    QChartView *view(Chart chart) const { return m_charts[chart].view; }
    /// Shows another model's samples (the replay's), up to `untilSeconds` of virtual time.
    void setModel(MetricsChartModel *model);
    MetricsChartModel *model() const { return m_model; }
    void setUntil(double untilSeconds);
    /// The points a chart's series `index` shows now (tests, the benchmark).
    QList<QPointF> shownPoints(Chart chart, int index) const;
    /// The same, as the runs drawn between gaps.
    QList<QList<QPointF>> shownSegments(Chart chart, int index) const;
    /// Shows the write-behind queue's chart or not: only a pattern with a queue has one.
    void setQueueShown(bool shown);
    /// Pulls the model's newest samples into the charts now.
    void redraw();
    /// How many times the charts were redrawn (the benchmark counts them).
    int redraws() const { return m_redraws; }

    /// One chart, or the whole panel, as a PNG image. Returns a message on failure.
    std::optional<QString> saveChart(Chart chart, const QString &path);
    std::optional<QString> saveAll(const QString &path);
    /// Asks for a file name and saves (the context menu's and the Measure menu's action).
    void saveChartDialog(Chart chart);
    void saveAllDialog();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    struct Line
    {
        MetricsChartModel::Column column;
        QLineSeries *series = nullptr; // the first run, and the legend's entry
        QList<QLineSeries *> more;     // the runs after a gap, made as needed
    };
    struct ChartParts
    {
        QChartView *view = nullptr;
        QChart *chart = nullptr;
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
        QList<Line> lines;
        double fixedMax = 0; // > 0: the y axis always ends here (hit ratio: 100 %)
    };
    void addChart(Chart chart, const QList<MetricsChartModel::Column> &columns,
                  double fixedMax = 0);
    void applyPalette();
    void stylePen(const Line &line, QLineSeries *series);
    void layOut();
    void retranslate();
    void showMenu(Chart chart, const QPoint &pos);

    MetricsChartModel *m_model = nullptr;
    QMetaObject::Connection m_sampledConnection;
    QMetaObject::Connection m_resetConnection;
    double m_until = std::numeric_limits<double>::infinity();
    std::array<ChartParts, ChartCount> m_charts;
    QTimer m_timer;
    bool m_dirty = true;
    int m_redraws = 0;
};

} // namespace cachelab::ui
