#pragma once

#include "../time/clock.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace cachelab {

/// What a cache entry holds: the value and the database version it was built from.
struct CachedRecord
{
    QByteArray value;
    qint64 version = 0;
    bool absent = false; ///< a cached "no such row" (negative caching, or a queued delete)
    /// Written by the application ahead of the database (write-behind): not committed yet;
    /// `version` is the one the write will get when its queue is flushed.
    bool pending = false;

    friend bool operator==(const CachedRecord &, const CachedRecord &) = default;
};

/// One entry as listed for display.
struct CacheItem
{
    QString key;
    CachedRecord record;
    TimeUs ttl = -1; ///< remaining time to live; -1 when the entry never expires
};

/// The shared cache, as the patterns see it: Redis-like commands with TTLs, a list for durable
/// queues, and publish/subscribe for invalidation. Calls are synchronous and may throw
/// CacheError; latency and faults are added by CacheProxy, not here.
class CacheStore
{
public:
    using Subscriber = std::function<void(const QString &channel, const QByteArray &message)>;

    virtual ~CacheStore() = default;

    /// A short description for people: "embedded store", "Redis at 127.0.0.1:6379".
    virtual QString describe() const = 0;
    /// True when the store keeps real time (a server's own TTLs): the lab then paces virtual
    /// time to the wall clock.
    virtual bool realTime() const { return false; }
    /// Delivers messages that arrived for subscribers; called often by whoever drives time.
    virtual void pump() {}

    virtual std::optional<CachedRecord> get(const QString &key) = 0;
    /// The entry and its remaining TTL in one round trip (-1: no expiry).
    virtual std::optional<std::pair<CachedRecord, TimeUs>> getWithTtl(const QString &key) = 0;
    /// Stores `record` under `key`; `ttl` <= 0 means no expiry.
    virtual void set(const QString &key, const CachedRecord &record, TimeUs ttl) = 0;
    /// Removes `key`; true if it was there.
    virtual bool remove(const QString &key) = 0;
    /// Remaining TTL of `key`: nullopt when missing, -1 when it never expires.
    virtual std::optional<TimeUs> ttl(const QString &key) = 0;

    /// Every live entry, sorted by key, for display and checks (never for the hot path).
    virtual QList<CacheItem> scan() = 0;
    /// Removes every entry this store owns.
    virtual void clear() = 0;

    /// A list used as a durable queue: append, read all, remove acknowledged items.
    virtual void listPush(const QString &list, const QByteArray &item) = 0;
    virtual QList<QByteArray> listRange(const QString &list) = 0;
    /// Removes the first occurrence of each of `items` (a durable queue's acknowledgement).
    virtual void listRemove(const QString &list, const QList<QByteArray> &items) = 0;

    virtual void publish(const QString &channel, const QByteArray &message) = 0;
    /// Calls `subscriber` for every message published on `channel` (by anyone). Returns an id
    /// for unsubscribe().
    virtual int subscribe(const QString &channel, Subscriber subscriber) = 0;
    virtual void unsubscribe(int id) = 0;
};

} // namespace cachelab
