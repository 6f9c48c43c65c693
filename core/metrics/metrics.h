#pragma once

#include "../time/clock.h"

#include <QList>
#include <QString>

#include <array>
#include <map>
#include <optional>
#include <vector>

namespace cachelab {

/// The counters of SCENARIOS.md ("Metrics"), in that order.
enum class Counter : int {
    Reads,
    Writes,
    CacheHits,
    CacheMisses,
    L1Hits,
    L1Misses,
    DbReads,
    DbWrites,
    StaleReads,
    LostWrites,
    Refreshes,
    BreakerOpens,
    Errors,
    DirtyReads, ///< reads that returned a value whose commit failed (textbook write-through)
    // the mechanisms beyond the textbook (SCENARIOS.md 1.1)
    LeaseWaits,      ///< a miss while another reader held the key's lease: waited, looked again
    LeaseRefused,    ///< a fill refused because its lease had been voided by a change
    EarlyRecomputes, ///< hits that recomputed ahead of expiry (early=xfetch)
    StaleServed,     ///< reads answered with a kept entry past its TTL (swr, soft-timeout)
    FailsafeAnswers, ///< reads answered with a kept entry because the load failed
    CdcDeletions,    ///< cache deletions made by the change-data-capture relay
    CdcPolls,        ///< reads of the change log by the relay
    Count_
};
inline constexpr int kCounterCount = int(Counter::Count_);

/// "cache.hits" for Counter::CacheHits, and back.
QString counterName(Counter c);
std::optional<Counter> counterFromName(QStringView name);

/// Latencies, counted exactly per distinct microsecond value. A simulated run has few distinct
/// latencies (sums of modelled ones), so this is small and its percentiles are exact; past
/// kMaxDistinct values (real servers) new samples are rounded to three significant digits so
/// memory stays bounded.
class LatencyHistogram
{
public:
    static constexpr std::size_t kMaxDistinct = 50000;

    void record(TimeUs us);
    quint64 count() const { return m_count; }
    /// The smallest sample such that at least `p` (0..100) percent of samples are <= it;
    /// 0 when empty.
    TimeUs percentile(double p) const;
    TimeUs max() const { return m_counts.empty() ? 0 : m_counts.rbegin()->first; }
    double mean() const { return m_count ? double(m_sum) / double(m_count) : 0.0; }
    void clear();
    /// Samples per distinct value, for windows (the difference of two snapshots).
    const std::map<TimeUs, quint64> &counts() const { return m_counts; }

private:
    std::map<TimeUs, quint64> m_counts;
    // Most samples repeat the previous value (every hit costs the same): remember its slot.
    TimeUs m_lastValue = -1;
    quint64 *m_lastSlot = nullptr;
    quint64 m_count = 0;
    qint64 m_sum = 0;
};

/// What a run has counted so far, per client and summed.
class Metrics
{
public:
    explicit Metrics(int clients = 1);

    void add(Counter c, int client, qint64 n = 1)
    {
        m_perClient[std::size_t(client < 0 ? 0 : client)][std::size_t(c)] += n;
    }
    qint64 total(Counter c) const;
    qint64 of(Counter c, int client) const
    {
        return m_perClient[std::size_t(client)][std::size_t(c)];
    }
    int clients() const { return int(m_perClient.size()); }

    /// A failed call: counts it in `errors` and keeps its message as the latest failure's.
    void addError(int client, const QString &message)
    {
        add(Counter::Errors, client);
        m_lastError = message;
    }
    /// What the latest failed call said (empty before the first).
    const QString &lastError() const { return m_lastError; }

    LatencyHistogram &readLatency() { return m_readLatency; }
    LatencyHistogram &writeLatency() { return m_writeLatency; }
    const LatencyHistogram &readLatency() const { return m_readLatency; }
    const LatencyHistogram &writeLatency() const { return m_writeLatency; }

    /// cache.hits / (cache.hits + cache.misses), counting L1 hits as hits; 0 with no lookups.
    double hitRatio() const;
    void clear();

private:
    std::vector<std::array<qint64, kCounterCount>> m_perClient;
    LatencyHistogram m_readLatency;
    LatencyHistogram m_writeLatency;
    QString m_lastError;
};

} // namespace cachelab
