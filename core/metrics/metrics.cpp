#include "metrics.h"

#include <algorithm>

namespace cachelab {

namespace {

constexpr const char16_t *kNames[kCounterCount] = {
    u"reads",         u"writes",           u"cache.hits",   u"cache.misses",     u"l1.hits",
    u"l1.misses",     u"db.reads",         u"db.writes",    u"stale.reads",      u"lost.writes",
    u"refreshes",     u"breaker.opens",    u"errors",       u"dirty.reads",      u"lease.waits",
    u"lease.refused", u"early.recomputes", u"stale.served", u"failsafe.answers", u"cdc.deletions",
    u"cdc.polls",
};

} // namespace

QString counterName(Counter c)
{
    return QString::fromUtf16(kNames[int(c)]);
}

std::optional<Counter> counterFromName(QStringView name)
{
    for (int i = 0; i < kCounterCount; ++i) {
        if (name == QStringView(kNames[i]))
            return Counter(i);
    }
    return std::nullopt;
}

void LatencyHistogram::record(TimeUs us)
{
    us = std::max<TimeUs>(0, us);
    ++m_count;
    m_sum += us;
    if (us == m_lastValue) {
        ++*m_lastSlot;
        return;
    }
    if (m_counts.size() >= kMaxDistinct && !m_counts.contains(us)) {
        TimeUs unit = 1;
        while (us / unit >= 1000)
            unit *= 10;
        us = us / unit * unit;
    }
    m_lastSlot = &++m_counts[us];
    m_lastValue = us;
}

TimeUs LatencyHistogram::percentile(double p) const
{
    if (m_count == 0)
        return 0;
    const double wanted = double(m_count) * std::clamp(p, 0.0, 100.0) / 100.0;
    quint64 seen = 0;
    for (const auto &[value, n] : m_counts) {
        seen += n;
        if (double(seen) >= wanted - 1e-9)
            return value;
    }
    return max();
}

void LatencyHistogram::clear()
{
    m_counts.clear();
    m_lastValue = -1;
    m_lastSlot = nullptr;
    m_count = 0;
    m_sum = 0;
}

Metrics::Metrics(int clients)
{
    m_perClient.resize(std::size_t(std::max(1, clients)));
    clear();
}

qint64 Metrics::total(Counter c) const
{
    qint64 sum = 0;
    for (const auto &counters : m_perClient)
        sum += counters[std::size_t(c)];
    return sum;
}

double Metrics::hitRatio() const
{
    const qint64 hits = total(Counter::CacheHits) + total(Counter::L1Hits);
    // An L1 miss goes on to L2 and is counted there; only L2 misses are real misses.
    const qint64 lookups = hits + total(Counter::CacheMisses);
    return lookups ? double(hits) / double(lookups) : 0.0;
}

void Metrics::clear()
{
    for (auto &counters : m_perClient)
        counters.fill(0);
    m_readLatency.clear();
    m_writeLatency.clear();
    m_lastError.clear();
}

} // namespace cachelab
