#pragma once

#include "cachestore.h"

#include "../keymap.h"

#include <QHash>
#include <QMap>

#include <list>

namespace cachelab {

/// The embedded cache: Redis-like semantics (TTL, lists, publish/subscribe) in virtual time,
/// in this process, so the app runs on a machine with no server at all. With a key limit it
/// evicts the least recently used entry, as Redis's allkeys-lru does.
class MemoryStore final : public CacheStore
{
public:
    explicit MemoryStore(const Clock &clock, int maxKeys = 0);

    QString describe() const override;

    std::optional<CachedRecord> get(const QString &key) override;
    std::optional<std::pair<CachedRecord, TimeUs>> getWithTtl(const QString &key) override;
    void set(const QString &key, const CachedRecord &record, TimeUs ttl) override;
    bool remove(const QString &key) override;
    std::optional<TimeUs> ttl(const QString &key) override;
    LeaseLookup getOrLease(const QString &key, TimeUs leaseTtl) override;
    bool fillWithLease(const QString &key, const CachedRecord &record, TimeUs ttl,
                       quint64 token) override;
    QList<CacheItem> scan() override;
    void clear() override;

    void listPush(const QString &list, const QByteArray &item) override;
    QList<QByteArray> listRange(const QString &list) override;
    void listRemove(const QString &list, const QList<QByteArray> &items) override;

    void publish(const QString &channel, const QByteArray &message) override;
    int subscribe(const QString &channel, Subscriber subscriber) override;
    void unsubscribe(int id) override;

    int size() const { return int(m_entries.size()); }
    quint64 evictions() const { return m_evictions; }

private:
    struct Entry
    {
        CachedRecord record;
        TimeUs expiresAt = -1; // -1: never
        std::list<QString>::iterator lru;
    };
    const Entry *live(const QString &key);
    void erase(const QString &key, const Entry &e);
    void sweepExpired();

    const Clock &m_clock;
    int m_maxKeys;
    KeyMap<Entry> m_entries;
    std::list<QString> m_lru; // front: most recently used; only kept with a key limit
    qsizetype m_sweepAt = 1024;
    quint64 m_evictions = 0;
    struct Lease
    {
        quint64 token = 0;
        TimeUs expiresAt = 0;
    };
    QHash<QString, Lease> m_leases; // only while lease=on hands them out
    quint64 m_nextLease = 1;
    QHash<QString, QList<QByteArray>> m_lists;
    struct Subscription
    {
        QString channel;
        Subscriber subscriber;
    };
    QMap<int, Subscription> m_subscriptions;
    int m_nextSubscription = 1;
};

} // namespace cachelab
