#include "refreshahead.h"
#include "patternstate.h"

#include <QCoreApplication>

namespace cachelab {

QList<RefreshItem> RefreshAhead::refreshQueue() const
{
    return QList<RefreshItem>(m_queue.begin(), m_queue.end());
}

void RefreshAhead::onFreshHit(const Caller &c, const QString &key, TimeUs left)
{
    const double window = (1.0 - m_options.threshold) * double(m_options.ttl);
    if (left >= 0 && double(left) < window && m_reads[key] >= m_options.minAccess)
        schedule(c, key);
}

Task<ReadResult> RefreshAhead::read(Caller c, const QString &key)
{
    const int reads = ++m_reads[key];
    if (m_options.guardsReads()) // the same refresh window, on the entry's own TTL
        co_return co_await guardedRead(c, key, key, m_options.ttl);
    std::optional<std::pair<CachedRecord, TimeUs>> hit;
    bool cacheFailed = false;
    try {
        hit = co_await m_env.cache.getWithTtl(c, key);
        m_env.metrics.add(hit ? Counter::CacheHits : Counter::CacheMisses, m_client);
    } catch (const CacheError &) {
        cacheFailed = true;
    }
    if (hit) {
        const TimeUs left = hit->second;
        // A cached "no such row" lives negative-ttl, not ttl: its window is measured on that.
        const TimeUs lifetime = hit->first.absent ? m_options.negativeTtl : m_options.ttl;
        const double window = (1.0 - m_options.threshold) * double(lifetime);
        if (left >= 0 && double(left) < window && reads >= m_options.minAccess)
            schedule(c, key);
        co_return fromCached(hit->first);
    }
    Loaded loaded = co_await load(c, key);
    if (loaded.leader && !cacheFailed)
        co_await fill(c, key, loaded.record);
    co_return fromRecord(loaded.record);
}

void RefreshAhead::schedule(const Caller &c, const QString &key)
{
    // One refresh per key at a time: a hot key read a hundred times in its refresh window
    // costs one database query, not a hundred. The source's class (textbook=on) queues
    // every request, duplicates and all.
    for (const auto &item : m_queue) {
        if (item.key == key && !m_options.textbook)
            return;
    }
    m_queue.push_back(RefreshItem{key, m_env.scheduler.now(), false});
    if (m_env.trace.enabled()) {
        TraceEvent e;
        e.opId = c.opId;
        e.time = m_env.scheduler.now();
        e.from = c.from;
        e.to = Participant{Role::Refresher, qint8(m_client)};
        e.kind = EventKind::Async;
        e.verb = Verb::Trigger;
        e.key = key;
        e.flags = Background;
        m_env.trace.record(std::move(e));
    }
    if (!m_working)
        m_env.scheduler.spawn(work(backgroundCaller(Role::Refresher)));
}

Task<void> RefreshAhead::work(Caller c)
{
    m_working = true;
    while (!m_queue.empty()) {
        m_queue.front().running = true;
        const QString key = m_queue.front().key;
        try {
            const auto record = co_await m_env.db.load(c, key);
            co_await fill(c, key, record);
            m_env.metrics.add(Counter::Refreshes, m_client);
        } catch (const DatabaseError &) {
            note(c.from,
                 QCoreApplication::translate("Patterns",
                                             "refresh of %1 failed; the entry expires as usual")
                     .arg(key),
                 Failure);
        }
        m_queue.pop_front();
    }
    m_working = false;
}

} // namespace cachelab

namespace cachelab {

PatternState RefreshAhead::state() const
{
    PatternState s;
    s.refreshQueue = refreshQueue();
    return s;
}

} // namespace cachelab
