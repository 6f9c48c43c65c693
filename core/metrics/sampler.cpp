#include "sampler.h"

#include "../lab/lab.h"

namespace cachelab {

namespace {

// The p-th percentile of the samples in `now` that are not in `then`.
TimeUs windowPercentile(const std::map<TimeUs, quint64> &now, const std::map<TimeUs, quint64> &then,
                        double p, quint64 *count = nullptr)
{
    std::vector<std::pair<TimeUs, quint64>> diff;
    quint64 total = 0;
    for (const auto &[value, n] : now) {
        const auto it = then.find(value);
        const quint64 d = n - (it == then.end() ? 0 : it->second);
        if (d) {
            diff.emplace_back(value, d);
            total += d;
        }
    }
    if (count)
        *count = total;
    if (!total)
        return 0;
    const double wanted = double(total) * p / 100.0;
    quint64 seen = 0;
    for (const auto &[value, d] : diff) {
        seen += d;
        if (double(seen) >= wanted - 1e-9)
            return value;
    }
    return diff.back().first;
}

} // namespace

MetricsSampler::MetricsSampler(Lab &lab, TimeUs interval, TimeUs window, qsizetype capacity)
    : m_lab(lab)
    , m_interval(std::max<TimeUs>(1, interval))
    , m_window(std::max(window, interval))
    , m_capacity(std::max<qsizetype>(1, capacity))
{}

MetricsSampler::~MetricsSampler()
{
    stop();
}

void MetricsSampler::start()
{
    stop();
    sample();
    arm();
}

void MetricsSampler::stop()
{
    if (m_timer)
        m_lab.scheduler().cancel(m_timer);
    m_timer = 0;
}

void MetricsSampler::arm()
{
    m_timer = m_lab.scheduler().callAt(m_lab.now() + m_interval, [this] {
        m_timer = 0;
        sample();
        arm();
    });
}

MetricsSample MetricsSampler::sample()
{
    const Metrics &m = m_lab.metrics();
    Snapshot now{m_lab.now(), {}, m.readLatency().counts(), m.writeLatency().counts()};
    for (int i = 0; i < kCounterCount; ++i)
        now.totals[std::size_t(i)] = m.total(Counter(i));
    while (m_snapshots.size() > 1 && now.time - m_snapshots[1].time >= m_window)
        m_snapshots.pop_front();
    const Snapshot &then = m_snapshots.empty() ? now : m_snapshots.front();

    auto delta = [&](Counter c) {
        return now.totals[std::size_t(c)] - then.totals[std::size_t(c)];
    };
    MetricsSample s;
    s.time = now.time;
    const qint64 hits = delta(Counter::CacheHits) + delta(Counter::L1Hits);
    const qint64 lookups = hits + delta(Counter::CacheMisses);
    s.hitRatio = lookups ? double(hits) / double(lookups) : 0.0;
    quint64 reads = 0, writes = 0;
    s.readP50 = windowPercentile(now.reads, then.reads, 50, &reads);
    s.readP95 = windowPercentile(now.reads, then.reads, 95);
    s.readP99 = windowPercentile(now.reads, then.reads, 99);
    s.writeP50 = windowPercentile(now.writes, then.writes, 50, &writes);
    s.writeP95 = windowPercentile(now.writes, then.writes, 95);
    s.writeP99 = windowPercentile(now.writes, then.writes, 99);
    s.operations = qint64(reads + writes);
    const double seconds = double(now.time - then.time) / double(kSecond);
    s.dbReadsPerSecond = seconds > 0 ? double(delta(Counter::DbReads)) / seconds : 0;
    s.dbWritesPerSecond = seconds > 0 ? double(delta(Counter::DbWrites)) / seconds : 0;
    for (int c = 0; c < m_lab.clients(); ++c)
        s.queueDepth += int(m_lab.pattern(c).writeQueue().size());
    s.staleReads = now.totals[std::size_t(Counter::StaleReads)];
    s.lostWrites = now.totals[std::size_t(Counter::LostWrites)];

    m_snapshots.push_back(std::move(now));
    m_samples.push_back(s);
    while (qsizetype(m_samples.size()) > m_capacity)
        m_samples.pop_front();
    return s;
}

} // namespace cachelab
