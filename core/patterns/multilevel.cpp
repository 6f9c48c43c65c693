#include "multilevel.h"
#include "patternstate.h"

#include "../time/duration.h"

#include <QCoreApplication>

namespace cachelab {

MultiLevel::MultiLevel(PatternEnv &env, int client, const Lifetime &lifetime)
    : Pattern(env, client, lifetime)
{}

QString MultiLevel::channel() const
{
    return QStringLiteral("invalidate:") + m_env.namespaceTag;
}

void MultiLevel::start()
{
    // The subscription is this instance's own connection to the cache, opened at start-up.
    m_subscription = m_env.cache.store().subscribe(
        channel(), [this](const QString &, const QByteArray &message) { onInvalidation(message); });
}

int MultiLevel::crash()
{
    if (m_subscription)
        m_env.cache.store().unsubscribe(m_subscription);
    m_subscription = 0;
    return 0;
}

void MultiLevel::onInvalidation(const QByteArray &message)
{
    // "<origin>\n<client>\n<key>": an instance does not need its own messages.
    const QList<QByteArray> parts = message.split('\n');
    if (parts.size() < 3)
        return;
    const QString origin = QString::fromUtf8(parts[0]);
    const int from = parts[1].toInt();
    const QString key = QString::fromUtf8(message.mid(parts[0].size() + parts[1].size() + 2));
    if (origin == m_env.origin && from == m_client)
        return;
    // The message travels from the cache to this instance: half a cache round trip.
    const TimeUs travel = m_env.latencies.cache / 2;
    const Participant l1{Role::L1, qint8(m_client)};
    if (m_env.trace.enabled()) {
        TraceEvent e;
        e.time = m_env.scheduler.now();
        e.duration = travel;
        e.from = Participant::cache();
        e.to = l1;
        e.kind = EventKind::Async;
        e.verb = Verb::Invalidation;
        e.key = key;
        e.flags = Background;
        m_env.trace.record(std::move(e));
    }
    const Caller c = backgroundCaller(Role::L1);
    m_env.scheduler.callAt(m_env.scheduler.now() + travel, [this, c, key] {
        if (c.lifetime->epoch() != c.epoch)
            return;
        if (const Entry *e = m_l1.find(key)) {
            m_lru.erase(e->lru);
            m_l1.remove(key);
        }
    });
}

void MultiLevel::l1Send(const Caller &c, Verb verb, const QString &key)
{
    if (!m_env.trace.enabled())
        return;
    TraceEvent e;
    e.opId = c.opId;
    e.time = m_env.scheduler.now();
    e.duration = m_env.latencies.l1 / 2;
    e.from = c.from;
    e.to = Participant{Role::L1, qint8(m_client)};
    e.kind = verb == Verb::L1Get ? EventKind::Call : EventKind::Async;
    e.verb = verb;
    e.key = key;
    m_env.trace.record(std::move(e));
}

Task<std::optional<ReadResult>> MultiLevel::l1Get(Caller c, QString key)
{
    l1Send(c, Verb::L1Get, key);
    const TimeUs half = m_env.latencies.l1 / 2;
    co_await pause(c, half);
    std::optional<ReadResult> result;
    Entry *entry = m_l1.find(key);
    if (entry && entry->expiresAt <= m_env.scheduler.now() && !m_options.textbook) {
        // Expired entries are never served (the source's L1, textbook=on, forgets to check).
        m_lru.erase(entry->lru);
        m_l1.remove(key);
        entry = nullptr;
    }
    if (entry) {
        m_lru.splice(m_lru.begin(), m_lru, entry->lru);
        result = entry->record;
    }
    m_env.metrics.add(result ? Counter::L1Hits : Counter::L1Misses, m_client);
    if (m_env.trace.enabled()) {
        TraceEvent e;
        e.opId = c.opId;
        e.time = m_env.scheduler.now();
        e.duration = m_env.latencies.l1 - half;
        e.from = Participant{Role::L1, qint8(m_client)};
        e.to = c.from;
        e.kind = EventKind::Return;
        e.verb = result ? Verb::Hit : Verb::Miss;
        e.key = key;
        if (result) {
            e.value = result->value;
            e.version = result->version;
            e.flags = result->found ? NoFlags : Negative;
        }
        m_env.trace.record(std::move(e));
    }
    co_await pause(c, m_env.latencies.l1 - half);
    co_return result;
}

void MultiLevel::l1Put(const Caller &c, const QString &key, const ReadResult &record, TimeUs ttl)
{
    l1Send(c, Verb::L1Set, key);
    const TimeUs expiresAt = m_env.scheduler.now() + ttl;
    if (Entry *entry = m_l1.find(key)) {
        entry->record = record;
        entry->expiresAt = expiresAt;
        m_lru.splice(m_lru.begin(), m_lru, entry->lru);
        return;
    }
    // The source's L1 is a plain dictionary (textbook=on): it grows without bound.
    if (m_l1.size() >= m_options.l1Capacity && !m_options.textbook) {
        m_l1.remove(m_lru.back());
        m_lru.pop_back();
    }
    m_lru.push_front(key);
    m_l1.insert(key, Entry{record, expiresAt, m_lru.begin()});
}

void MultiLevel::l1Evict(const Caller &c, const QString &key)
{
    l1Send(c, Verb::L1Evict, key);
    if (const Entry *entry = m_l1.find(key)) {
        m_lru.erase(entry->lru);
        m_l1.remove(key);
    }
}

QList<L1Item> MultiLevel::l1() const
{
    QList<L1Item> items;
    const TimeUs now = m_env.scheduler.now();
    for (const auto &[key, entry] : m_l1) {
        // An expired textbook entry is still served, so it is still shown (with no TTL left).
        if (entry.expiresAt > now || m_options.textbook)
            items.append(L1Item{key, entry.record, std::max<TimeUs>(0, entry.expiresAt - now)});
    }
    std::sort(items.begin(), items.end(),
              [](const L1Item &a, const L1Item &b) { return a.key < b.key; });
    return items;
}

TimeUs MultiLevel::l1Ttl(const ReadResult &result) const
{
    // A "no such row" is remembered no longer in L1 than negative-ttl allows in L2.
    return result.found ? m_options.l1Ttl : std::min(m_options.l1Ttl, m_options.negativeTtl);
}

Task<ReadResult> MultiLevel::read(Caller c, const QString &key)
{
    const std::optional<ReadResult> local = co_await l1Get(c, key);
    if (local)
        co_return *local;
    if (m_options.guardsReads()) {
        // L2 with the mechanisms; L1 keeps what the read answered.
        const ReadResult result = co_await guardedRead(c, key, key, m_options.effectiveL2Ttl());
        if (result.found || m_options.negativeTtl > 0)
            l1Put(c, key, result, l1Ttl(result));
        co_return result;
    }
    const Lookup found = co_await lookup(c, key);
    if (found.entry) {
        const ReadResult result = fromCached(*found.entry);
        l1Put(c, key, result, l1Ttl(result));
        co_return result;
    }
    Loaded loaded = co_await load(c, key);
    if (loaded.leader && !found.cacheFailed) {
        try {
            co_await fillOrThrow(c, key, loaded.record, m_options.effectiveL2Ttl());
        } catch (const CacheError &) {
            // Counted and drawn by the proxy; the L1 still gets the row below.
        }
    }
    const ReadResult result = fromRecord(loaded.record);
    if (result.found || m_options.negativeTtl > 0)
        l1Put(c, key, result, l1Ttl(result));
    co_return result;
}

Task<void> MultiLevel::sendInvalidation(Caller c, QString key)
{
    co_await m_env.cache.remove(c, key);
    if (m_options.invalidate) {
        const QByteArray message =
            m_env.origin.toUtf8() + '\n' + QByteArray::number(m_client) + '\n' + key.toUtf8();
        co_await m_env.cache.publish(c, channel(), key, message);
    }
}

Task<void> MultiLevel::evictEverywhere(Caller c, QString key)
{
    l1Evict(c, key);
    bool sent = true;
    try {
        co_await sendInvalidation(c, key);
    } catch (const CacheError &) {
        sent = false;
    }
    if (sent)
        co_return;
    if (m_options.backplaneRetry <= 0) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "other instances may still serve the old %1 from L1")
                 .arg(key),
             Stale, c.opId);
        co_return;
    }
    if (!m_unsent.contains(key))
        m_unsent.append(key);
    note(c.from,
         QCoreApplication::translate("Patterns",
                                     "invalidation of %1 kept: retried every %2 until it goes "
                                     "through")
             .arg(key, formatDuration(m_options.backplaneRetry)),
         NoFlags, c.opId);
    if (!m_retrying)
        m_env.scheduler.spawn(retryUnsent(backgroundCaller(Role::App)));
}

Task<void> MultiLevel::retryUnsent(Caller c)
{
    m_retrying = true;
    while (!m_unsent.isEmpty()) {
        co_await pause(c, m_options.backplaneRetry);
        // Both steps again, for each kept key in order; a failure keeps it (and the rest).
        while (!m_unsent.isEmpty()) {
            const QString key = m_unsent.first();
            bool sent = true;
            try {
                co_await sendInvalidation(c, key);
            } catch (const CacheError &) {
                sent = false;
            }
            if (!sent)
                break;
            m_unsent.removeAll(key);
        }
    }
    m_retrying = false;
}

Task<void> MultiLevel::evictAfterWrite(Caller c, QString key)
{
    if (!m_options.textbook) {
        co_await evictEverywhere(c, key);
        co_return;
    }
    // The source's write deletes the key from L2 only: no L1, not even its own, hears of it.
    try {
        co_await m_env.cache.remove(c, key);
    } catch (const CacheError &) {
    }
    note(c.from,
         QCoreApplication::translate("Patterns", "textbook: every L1 may still hold the old %1")
             .arg(key),
         Stale, c.opId);
}

Task<void> MultiLevel::write(Caller c, QString key, QByteArray value)
{
    co_await m_env.db.store(c, key, value);
    co_await evictAfterWrite(c, key);
}

Task<void> MultiLevel::remove(Caller c, QString key)
{
    co_await m_env.db.remove(c, key);
    co_await evictAfterWrite(c, key);
}

Task<void> MultiLevel::invalidate(Caller c, QString key)
{
    co_await evictEverywhere(c, key);
}

} // namespace cachelab

namespace cachelab {

PatternState MultiLevel::state() const
{
    PatternState s;
    s.l1 = l1();
    return s;
}

} // namespace cachelab
