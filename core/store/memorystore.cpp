#include "memorystore.h"

#include <QCoreApplication>

#include <algorithm>

namespace cachelab {

MemoryStore::MemoryStore(const Clock &clock, int maxKeys)
    : m_clock(clock)
    , m_maxKeys(maxKeys)
{}

QString MemoryStore::describe() const
{
    return QCoreApplication::translate("MemoryStore", "embedded store");
}

const MemoryStore::Entry *MemoryStore::live(const QString &key)
{
    Entry *e = m_entries.find(key);
    if (!e)
        return nullptr;
    if (e->expiresAt >= 0 && e->expiresAt <= m_clock.now()) {
        erase(key, *e);
        return nullptr;
    }
    if (m_maxKeys > 0)
        m_lru.splice(m_lru.begin(), m_lru, e->lru);
    return e;
}

void MemoryStore::erase(const QString &key, const Entry &e)
{
    if (m_maxKeys > 0)
        m_lru.erase(e.lru);
    m_entries.remove(key);
}

void MemoryStore::sweepExpired()
{
    // Expiry is lazy, as in Redis; an occasional sweep keeps memory flat when keys that
    // expired are never read again.
    const TimeUs now = m_clock.now();
    m_entries.removeIf([&](const QString &, const Entry &e) {
        if (e.expiresAt < 0 || e.expiresAt > now)
            return false;
        if (m_maxKeys > 0)
            m_lru.erase(e.lru);
        return true;
    });
    m_sweepAt = std::max<qsizetype>(1024, m_entries.size() * 2);
}

std::optional<CachedRecord> MemoryStore::get(const QString &key)
{
    if (const Entry *e = live(key))
        return e->record;
    return std::nullopt;
}

std::optional<std::pair<CachedRecord, TimeUs>> MemoryStore::getWithTtl(const QString &key)
{
    if (const Entry *e = live(key))
        return std::pair{e->record, e->expiresAt < 0 ? TimeUs(-1) : e->expiresAt - m_clock.now()};
    return std::nullopt;
}

void MemoryStore::set(const QString &key, const CachedRecord &record, TimeUs ttl)
{
    if (!m_leases.isEmpty())
        m_leases.remove(key); // a change voids the key's lease
    const TimeUs expiresAt = ttl > 0 ? m_clock.now() + ttl : -1;
    if (Entry *e = m_entries.find(key)) {
        e->record = record;
        e->expiresAt = expiresAt;
        if (m_maxKeys > 0)
            m_lru.splice(m_lru.begin(), m_lru, e->lru);
        return;
    }
    if (m_entries.size() >= m_sweepAt)
        sweepExpired();
    if (m_maxKeys > 0 && m_entries.size() >= m_maxKeys) {
        m_entries.remove(m_lru.back());
        m_lru.pop_back();
        ++m_evictions;
    }
    Entry entry{record, expiresAt, {}};
    if (m_maxKeys > 0)
        entry.lru = m_lru.insert(m_lru.begin(), key);
    m_entries.insert(key, std::move(entry));
}

bool MemoryStore::remove(const QString &key)
{
    if (!m_leases.isEmpty())
        m_leases.remove(key);
    const Entry *e = live(key);
    if (!e)
        return false;
    erase(key, *e);
    return true;
}

std::optional<TimeUs> MemoryStore::ttl(const QString &key)
{
    if (const Entry *e = live(key))
        return e->expiresAt < 0 ? TimeUs(-1) : e->expiresAt - m_clock.now();
    return std::nullopt;
}

LeaseLookup MemoryStore::getOrLease(const QString &key, TimeUs leaseTtl)
{
    LeaseLookup result;
    result.hit = getWithTtl(key);
    if (result.hit)
        return result;
    const TimeUs now = m_clock.now();
    const auto out = m_leases.constFind(key);
    if (out != m_leases.cend() && out->expiresAt > now)
        return result; // somebody else is loading it
    result.token = m_nextLease++;
    m_leases.insert(key, Lease{result.token, now + std::max<TimeUs>(1, leaseTtl)});
    return result;
}

bool MemoryStore::fillWithLease(const QString &key, const CachedRecord &record, TimeUs ttl,
                                quint64 token)
{
    const auto lease = m_leases.constFind(key);
    if (lease == m_leases.cend() || lease->token != token || lease->expiresAt <= m_clock.now())
        return false;
    set(key, record, ttl); // ends the lease too
    return true;
}

QList<CacheItem> MemoryStore::scan()
{
    const TimeUs now = m_clock.now();
    QList<CacheItem> items;
    items.reserve(m_entries.size());
    for (const auto &[key, e] : m_entries) {
        if (e.expiresAt >= 0 && e.expiresAt <= now)
            continue;
        items.append(CacheItem{key, e.record, e.expiresAt < 0 ? -1 : e.expiresAt - now});
    }
    std::sort(items.begin(), items.end(),
              [](const CacheItem &a, const CacheItem &b) { return a.key < b.key; });
    return items;
}

void MemoryStore::clear()
{
    m_entries.clear();
    m_lru.clear();
    m_leases.clear();
    m_lists.clear();
}

void MemoryStore::listPush(const QString &list, const QByteArray &item)
{
    m_lists[list].append(item);
}

QList<QByteArray> MemoryStore::listRange(const QString &list)
{
    return m_lists.value(list);
}

void MemoryStore::listRemove(const QString &list, const QList<QByteArray> &items)
{
    auto it = m_lists.find(list);
    if (it == m_lists.end())
        return;
    for (const QByteArray &item : items)
        it->removeOne(item);
    if (it->isEmpty())
        m_lists.erase(it);
}

void MemoryStore::publish(const QString &channel, const QByteArray &message)
{
    // Copy first: a subscriber may unsubscribe while being called.
    const auto subscriptions = m_subscriptions;
    for (const auto &s : subscriptions) {
        if (s.channel == channel)
            s.subscriber(channel, message);
    }
}

int MemoryStore::subscribe(const QString &channel, Subscriber subscriber)
{
    const int id = m_nextSubscription++;
    m_subscriptions.insert(id, Subscription{channel, std::move(subscriber)});
    return id;
}

void MemoryStore::unsubscribe(int id)
{
    m_subscriptions.remove(id);
}

} // namespace cachelab
