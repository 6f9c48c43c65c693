#pragma once

#include "cachestore.h"
#include "redisasync.h"
#include "redisurl.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMap>

#include <memory>

struct redisContext;
struct redisReply;

namespace cachelab {

/// The shared cache on a real Redis server, through hiredis. A good guest on somebody's
/// server: every key, list and channel lives under a prefix (default "cachelab:"); listing and
/// clearing use SCAN and UNLINK on that prefix only — never KEYS, FLUSHDB or FLUSHALL.
/// Arguments are binary-safe. After the server goes away, commands fail fast (CacheError) and
/// the store reconnects with a growing backoff. TTLs are Redis's own, in milliseconds.
class RedisStore final : public CacheStore
{
    Q_DECLARE_TR_FUNCTIONS(RedisStore)

public:
    struct Options
    {
        QString prefix = QStringLiteral("cachelab:");
        int connectTimeoutMs = 1000;
        int commandTimeoutMs = 500;
        /// Each value behind a 12-byte header (format, flags, the database version it was
        /// built from): what the lab needs to tell a stale read, a cached "no such row" and a
        /// pending write-behind entry. Off (plain): a value is the application's bytes, as
        /// another service reads it with GET; versions read as 0, and a cached "no such row"
        /// is not kept (set() of an absent record deletes the key).
        bool versioned = false;
        /// The patterns' commands go through hiredis's asynchronous API on the Qt event loop
        /// of the thread that creates the store (which must run one): asynchronous() is true.
        bool eventLoop = false;
    };

    /// Connects at once; throws CacheError (refused, timed out, authentication failed, wrong
    /// database) when the first connection fails.
    RedisStore(const RedisUrl &url, Options options);
    ~RedisStore() override;

    QString describe() const override;
    bool realTime() const override { return true; }
    /// Delivers the messages that have arrived. Messages this store published itself to a
    /// channel it listens on are waited for (up to a second): the lab's instances share one
    /// process, so a loaded machine must not let virtual time run past their own messages.
    void pump() override;

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

    bool asynchronous() const override { return m_async != nullptr; }
    int pendingCommands() const override { return m_async ? m_async->pending() : 0; }
    void waitForReplies(int timeoutMs) override;
    Task<std::optional<CachedRecord>> getAsync(QString key) override;
    Task<std::optional<std::pair<CachedRecord, TimeUs>>> getWithTtlAsync(QString key) override;
    Task<void> setAsync(QString key, CachedRecord record, TimeUs ttl) override;
    Task<bool> removeAsync(QString key) override;
    Task<LeaseLookup> getOrLeaseAsync(QString key, TimeUs leaseTtl) override;
    Task<bool> fillWithLeaseAsync(QString key, CachedRecord record, TimeUs ttl,
                                  quint64 token) override;
    Task<void> listPushAsync(QString list, QByteArray item) override;
    Task<QList<QByteArray>> listRangeAsync(QString list) override;
    Task<void> listRemoveAsync(QString list, QList<QByteArray> items) override;
    Task<void> publishAsync(QString channel, QByteArray message) override;
    void scanAsync(std::function<void(QList<CacheItem>)> done,
                   std::function<void(const QString &)> failed) override;

    /// How versioned entries are stored: a small header (format, flags, version) before the
    /// value.
    static QByteArray encode(const CachedRecord &record);
    static std::optional<CachedRecord> decode(const QByteArray &bytes);
    bool versioned() const { return m_options.versioned; }

    struct ContextDeleter
    {
        void operator()(redisContext *c) const;
    };
    struct ReplyDeleter
    {
        void operator()(redisReply *r) const;
    };
    using Context = std::unique_ptr<redisContext, ContextDeleter>;
    using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
    using Commands = QList<QList<QByteArray>>;

private:
    Context connect() const;        // a ready connection (AUTH, SELECT done); throws
    redisContext *commandContext(); // reconnects with backoff; throws
    RedisValue command(const QList<QByteArray> &args);
    std::vector<RedisValue> pipeline(const Commands &commands);
    /// The same pipeline on the asynchronous connection: suspends until the replies are in.
    Task<std::vector<RedisValue>> pipelineAsync(Commands commands);
    /// Throws the CacheError an error reply among `values` stands for.
    void checkReplies(const Commands &commands, const std::vector<RedisValue> &values) const;
    [[noreturn]] void lost(const QString &during);

    // Each command once, for both connections: what to send, and what its replies mean.
    Commands getCommand(const QString &k) const { return {{"GET", key(k)}}; }
    std::optional<CachedRecord> getReply(const std::vector<RedisValue> &r) const;
    Commands getWithTtlCommand(const QString &k) const;
    std::optional<std::pair<CachedRecord, TimeUs>>
    getWithTtlReply(const std::vector<RedisValue> &r) const;
    Commands setCommand(const QString &k, const CachedRecord &record, TimeUs ttl) const;
    Commands removeCommand(const QString &k) const
    {
        return {{"DEL", key(k)}, {"DEL", leaseKey(k)}}; // a delete voids the key's lease
    }
    Commands getOrLeaseCommand(const QString &k, TimeUs leaseTtl) const;
    LeaseLookup getOrLeaseReply(const std::vector<RedisValue> &r) const;
    Commands fillWithLeaseCommand(const QString &k, const CachedRecord &record, TimeUs ttl,
                                  quint64 token) const;
    static bool removeReply(const std::vector<RedisValue> &r);
    Commands listPushCommand(const QString &list, const QByteArray &item) const
    {
        return {{"RPUSH", key(list), item}};
    }
    Commands listRangeCommand(const QString &list) const
    {
        return {{"LRANGE", key(list), "0", "-1"}};
    }
    static QList<QByteArray> listRangeReply(const std::vector<RedisValue> &r);
    Commands listRemoveCommand(const QString &list, const QList<QByteArray> &items) const;
    Commands publishCommand(const QString &channel, const QByteArray &message) const
    {
        return {{"PUBLISH", key(channel), message}};
    }
    void published(const QString &channel, const QByteArray &message);
    QByteArray scanPattern() const;
    void scanFrom(QByteArray cursor, std::shared_ptr<QList<QByteArray>> keys,
                  std::function<void(QList<CacheItem>)> done,
                  std::function<void(const QString &)> failed);
    QList<CacheItem> itemsOf(const QList<QByteArray> &keys,
                             const std::vector<RedisValue> &typeGetTtl) const;
    QByteArray key(const QString &k) const { return (m_options.prefix + k).toUtf8(); }
    /// A key's lease: a hash beside it (keys never contain spaces, so this is no key's name).
    QByteArray leaseKey(const QString &k) const { return key(k) + " (lease)"; }
    QByteArray valueOf(const CachedRecord &record) const;
    std::optional<CachedRecord> recordOf(const QByteArray &bytes) const;
    void resubscribe();
    void resubscribeAsync();
    QList<QByteArray> subscribedChannels() const;
    void deliver(const QByteArray &channel, const QByteArray &message);
    std::unique_ptr<AsyncRedisConnection> newAsyncConnection() const;

    RedisUrl m_url;
    Options m_options;
    Context m_context;
    std::unique_ptr<AsyncRedisConnection> m_async;           // the patterns' commands
    std::unique_ptr<AsyncRedisConnection> m_asyncSubscriber; // invalidations (multi-level)
    QElapsedTimer m_clock;
    qint64 m_retryAtMs = 0;
    int m_backoffMs = 0;

    Context m_subscriber;
    qint64 m_subscriberRetryAtMs = 0;
    struct Subscription
    {
        QString channel;
        Subscriber subscriber;
    };
    QMap<int, Subscription> m_subscriptions;
    int m_nextSubscription = 1;
    QList<QByteArray> m_ownInFlight; // channel + '\n' + message, published, not yet received
};

} // namespace cachelab
