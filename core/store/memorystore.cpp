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
    // A const lookup: the hot path never detaches or mutates the table.
    const auto it = std::as_const(m_entries).find(key);
    if (it == m_entries.cend())
        return nullptr;
    if (it->expiresAt >= 0 && it->expiresAt <= m_clock.now()) {
        erase(m_entries.find(key));
        return nullptr;
    }
    if (m_maxKeys > 0)
        m_lru.splice(m_lru.begin(), m_lru, it->lru);
    return &*it;
}

void MemoryStore::erase(QHash<QString, Entry>::iterator it)
{
    if (m_maxKeys > 0)
        m_lru.erase(it->lru);
    m_entries.erase(it);
}

void MemoryStore::sweepExpired()
{
    // Expiry is lazy, as in Redis; an occasional sweep keeps memory flat when keys that
    // expired are never read again.
    const TimeUs now = m_clock.now();
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->expiresAt >= 0 && it->expiresAt <= now) {
            if (m_maxKeys > 0)
                m_lru.erase(it->lru);
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
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
    const TimeUs expiresAt = ttl > 0 ? m_clock.now() + ttl : -1;
    auto it = m_entries.find(key);
    if (it != m_entries.end()) {
        it->record = record;
        it->expiresAt = expiresAt;
        if (m_maxKeys > 0)
            m_lru.splice(m_lru.begin(), m_lru, it->lru);
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
    if (!live(key))
        return false;
    erase(m_entries.find(key));
    return true;
}

std::optional<TimeUs> MemoryStore::ttl(const QString &key)
{
    if (const Entry *e = live(key))
        return e->expiresAt < 0 ? TimeUs(-1) : e->expiresAt - m_clock.now();
    return std::nullopt;
}

QList<CacheItem> MemoryStore::scan()
{
    const TimeUs now = m_clock.now();
    QList<CacheItem> items;
    items.reserve(m_entries.size());
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->expiresAt >= 0 && it->expiresAt <= now)
            continue;
        items.append(CacheItem{it.key(), it->record, it->expiresAt < 0 ? -1 : it->expiresAt - now});
    }
    std::sort(items.begin(), items.end(),
              [](const CacheItem &a, const CacheItem &b) { return a.key < b.key; });
    return items;
}

void MemoryStore::clear()
{
    m_entries.clear();
    m_lru.clear();
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
