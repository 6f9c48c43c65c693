#pragma once

#include "../time/clock.h"
#include "../time/task.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <coroutine>
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
    /// How long the load that built this entry took (xfetch recomputes early in proportion).
    TimeUs computeTime = 0;

    friend bool operator==(const CachedRecord &, const CachedRecord &) = default;
};

/// What a look-up with leases (`lease=on`) came to: a hit, or a miss with a lease for the
/// reader, or a miss while somebody else holds the key's lease.
struct LeaseLookup
{
    std::optional<std::pair<CachedRecord, TimeUs>> hit; ///< the entry and its remaining TTL
    quint64 token = 0; ///< on a miss: the reader's lease; 0 when one is out already
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
///
/// A store that talks to a server over the Qt event loop is asynchronous(): the patterns'
/// commands then go through the awaitable variants (getAsync() …), whose coroutine is
/// suspended until the server answers and then handed to the resumer — the lab's scheduler —
/// so the thread goes on meanwhile. The synchronous calls stay for set-up and checks.
class CacheStore
{
public:
    using Subscriber = std::function<void(const QString &channel, const QByteArray &message)>;
    using Resumer = std::function<void(std::coroutine_handle<>)>;

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

    /// Leases (memcache's cure for stale fills and stampedes). On a miss, hands out a lease on
    /// `key` that lasts `leaseTtl` unless one is out already. Any later SET or DEL of `key`
    /// voids it, so a fill that would put an old value back is refused.
    virtual LeaseLookup getOrLease(const QString &key, TimeUs leaseTtl) = 0;
    /// Stores `record` only if `token` is still the key's valid lease (and ends the lease);
    /// false when the lease was voided or has expired. Atomic.
    virtual bool fillWithLease(const QString &key, const CachedRecord &record, TimeUs ttl,
                               quint64 token) = 0;

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

    /// True when the awaitable variants below do not block the thread.
    virtual bool asynchronous() const { return false; }
    /// Who resumes a coroutine whose answer has arrived (asynchronous stores only).
    void setResumer(Resumer resumer) { m_resumer = std::move(resumer); }
    /// Commands sent and not answered yet.
    virtual int pendingCommands() const { return 0; }
    /// Waits up to `timeoutMs` for answers and delivers them, without an event loop.
    virtual void waitForReplies(int timeoutMs) { Q_UNUSED(timeoutMs) }

    // The patterns' commands, awaitable. These defaults run the synchronous call at once.
    virtual Task<std::optional<CachedRecord>> getAsync(QString key) { co_return get(key); }
    virtual Task<std::optional<std::pair<CachedRecord, TimeUs>>> getWithTtlAsync(QString key)
    {
        co_return getWithTtl(key);
    }
    virtual Task<void> setAsync(QString key, CachedRecord record, TimeUs ttl)
    {
        set(key, record, ttl);
        co_return;
    }
    virtual Task<bool> removeAsync(QString key) { co_return remove(key); }
    virtual Task<LeaseLookup> getOrLeaseAsync(QString key, TimeUs leaseTtl)
    {
        co_return getOrLease(key, leaseTtl);
    }
    virtual Task<bool> fillWithLeaseAsync(QString key, CachedRecord record, TimeUs ttl,
                                          quint64 token)
    {
        co_return fillWithLease(key, record, ttl, token);
    }
    virtual Task<void> listPushAsync(QString list, QByteArray item)
    {
        listPush(list, item);
        co_return;
    }
    virtual Task<QList<QByteArray>> listRangeAsync(QString list) { co_return listRange(list); }
    virtual Task<void> listRemoveAsync(QString list, QList<QByteArray> items)
    {
        listRemove(list, items);
        co_return;
    }
    virtual Task<void> publishAsync(QString channel, QByteArray message)
    {
        publish(channel, message);
        co_return;
    }
    /// Lists the entries without blocking: `done` gets them later (at once here), or
    /// `failed` the reason there are none.
    virtual void scanAsync(std::function<void(QList<CacheItem>)> done,
                           std::function<void(const QString &)> failed);

protected:
    void resume(std::coroutine_handle<> h) const
    {
        if (m_resumer)
            m_resumer(h);
        else
            h.resume();
    }

private:
    Resumer m_resumer;
};

} // namespace cachelab
