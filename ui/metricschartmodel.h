#pragma once

#include <lab/lab.h>
#include <metrics/sampler.h>

#include <QAbstractTableModel>
#include <QPointF>

#include <deque>
#include <memory>

namespace cachelab::ui {

/// The live charts' data: one row per sample of a lab's metrics (core's MetricsSampler),
/// against virtual time, bounded to the newest kCapacity samples so memory stays flat however
/// long the lab runs. Values are in the units the charts show: hit ratio in %, latencies in ms.
///
/// Samples are taken by the GUI's frames (sampleIfDue()), not by a timer on the lab's
/// scheduler: a timer there would be an event every 100 ms, and the controller could then no
/// longer skip quiet stretches of virtual time.
class MetricsChartModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Time,
        HitRatio,
        ReadP50,
        ReadP95,
        ReadP99,
        WriteP50,
        WriteP95,
        WriteP99,
        DbReadsPerSecond,
        DbWritesPerSecond,
        QueueDepth,
        StaleReads,
        LostWrites,
        ColumnCount
    };
    /// Virtual time between samples, and the rolling window of the rates and percentiles.
    static constexpr TimeUs kInterval = 100 * kMillisecond;
    static constexpr TimeUs kWindow = kSecond;
    /// 5 minutes of virtual time at one sample per interval.
    static constexpr int kCapacity = 3000;

    explicit MetricsChartModel(QObject *parent = nullptr);
    ~MetricsChartModel() override;

    /// Samples `lab` from now on (nullptr: nothing); the rows start over.
    void setLab(Lab *lab);
    /// Takes a sample when an interval of virtual time has passed since the last one (call it
    /// every frame). Returns whether it did.
    bool sampleIfDue();
    /// Takes a sample at the lab's current time.
    void sampleNow();
    /// Stops sampling but keeps the rows (the lab may go away now).
    void freeze();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Column `c` of row `row` in the charts' units (Time in seconds).
    double value(int row, Column c) const;
    /// The points of column `c` from `fromSeconds` of virtual time on (x in seconds).
    QList<QPointF> points(Column c, double fromSeconds = 0) const;
    /// The same points cut into runs where the value is defined: a window in which nothing
    /// finished ends a run, so a chart draws a gap there instead of a line across it.
    QList<QList<QPointF>> segments(Column c, double fromSeconds = 0) const;
    /// Virtual time of the newest sample in seconds (0 with none).
    double lastSeconds() const;
    /// Headers are translated when asked for: tell the views to ask again.
    void retranslate() { Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1); }

Q_SIGNALS:
    void sampled();

private:
    Lab *m_lab = nullptr;
    std::unique_ptr<MetricsSampler> m_sampler;
    std::deque<MetricsSample> m_rows;
};

} // namespace cachelab::ui
