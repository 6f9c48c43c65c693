#pragma once

#include "cachestore.h"
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
    QList<CacheItem> scan() override;
    void clear() override;

    void listPush(const QString &list, const QByteArray &item) override;
    QList<QByteArray> listRange(const QString &list) override;
    void listRemove(const QString &list, const QList<QByteArray> &items) override;

    void publish(const QString &channel, const QByteArray &message) override;
    int subscribe(const QString &channel, Subscriber subscriber) override;
    void unsubscribe(int id) override;

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

private:
    Context connect() const;        // a ready connection (AUTH, SELECT done); throws
    redisContext *commandContext(); // reconnects with backoff; throws
    Reply command(const QList<QByteArray> &args);
    std::vector<Reply> pipeline(const QList<QList<QByteArray>> &commands);
    [[noreturn]] void lost(const QString &during);
    QByteArray key(const QString &k) const { return (m_options.prefix + k).toUtf8(); }
    QByteArray valueOf(const CachedRecord &record) const;
    std::optional<CachedRecord> recordOf(const QByteArray &bytes) const;
    void resubscribe();

    RedisUrl m_url;
    Options m_options;
    Context m_context;
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
