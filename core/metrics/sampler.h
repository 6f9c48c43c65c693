#pragma once

#include "metrics.h"

#include "../time/scheduler.h"

#include <deque>

namespace cachelab {

class Lab;

/// One point of the live charts: figures over the window that ends at `time`.
struct MetricsSample
{
    TimeUs time = 0;
    double hitRatio = 0; ///< hits / lookups in the window (L1 hits count as hits)
    TimeUs readP50 = 0, readP95 = 0, readP99 = 0;
    TimeUs writeP50 = 0, writeP95 = 0, writeP99 = 0;
    double dbReadsPerSecond = 0; ///< per second of virtual time, over the window
    double dbWritesPerSecond = 0;
    int queueDepth = 0;    ///< write-behind entries queued, all clients, at `time`
    qint64 staleReads = 0; ///< since the start
    qint64 lostWrites = 0; ///< since the start
    qint64 operations = 0; ///< reads and writes finished in the window
};

/// Samples a lab's metrics every `interval` of virtual time into a bounded series, with
/// rolling figures over `window` (percentiles are exact within it: they come from the
/// difference of two latency snapshots).
class MetricsSampler
{
public:
    MetricsSampler(Lab &lab, TimeUs interval = 100 * kMillisecond, TimeUs window = kSecond,
                   qsizetype capacity = 6000);
    ~MetricsSampler();
    MetricsSampler(const MetricsSampler &) = delete;
    MetricsSampler &operator=(const MetricsSampler &) = delete;

    /// Samples now and then every interval, on the lab's scheduler.
    void start();
    void stop();
    /// Takes one sample at the lab's current time.
    MetricsSample sample();

    const std::deque<MetricsSample> &samples() const { return m_samples; }
    TimeUs interval() const { return m_interval; }

private:
    struct Snapshot
    {
        TimeUs time;
        std::array<qint64, kCounterCount> totals;
        std::map<TimeUs, quint64> reads;
        std::map<TimeUs, quint64> writes;
    };
    void arm();

    Lab &m_lab;
    TimeUs m_interval;
    TimeUs m_window;
    qsizetype m_capacity;
    std::deque<Snapshot> m_snapshots; // the window's worth
    std::deque<MetricsSample> m_samples;
    Scheduler::TimerId m_timer = 0;
};

} // namespace cachelab
