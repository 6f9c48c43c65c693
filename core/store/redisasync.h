#pragma once

#include "redisurl.h"

#include "../errors.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

struct redisAsyncContext;
struct redisReply;
class QSocketNotifier;

namespace cachelab {

/// One reply from Redis, owned (hiredis frees its own reply objects as soon as the callback
/// that received them returns).
struct RedisValue
{
    int type = 0;          ///< REDIS_REPLY_STRING, _ARRAY, _INTEGER, _NIL, _STATUS, _ERROR
    QByteArray text;       ///< strings, statuses and errors
    long long integer = 0; ///< integers
    QList<RedisValue> elements;

    static RedisValue of(const redisReply *reply);
    bool isString() const;
    bool isInteger() const;
    bool isArray() const;
    bool isError() const;
};

/// What a pipeline of commands came to: a value per command, or why there are none.
struct RedisAnswer
{
    std::vector<RedisValue> values;
    std::optional<CacheError> error;
};

/// A connection to Redis through hiredis's asynchronous API, driven by the Qt event loop of
/// the thread it lives on: commands are written when the socket can take them and answered
/// when their replies arrive, so nobody waits for the server while it thinks — or while it is
/// stopped.
///
/// What hiredis 0.14 leaves to its user, this class does:
/// - the event hooks, on two QSocketNotifiers (hiredis's own `adapters/qt.h` is not used: its
///   destructor writes into the context after hiredis has freed it on a lost connection);
/// - time-outs (0.14 has none for asynchronous commands): a watchdog fails every command that
///   has waited longer than the command time-out and drops the connection, so that a late
///   reply is never taken for the answer to a later command;
/// - AUTH and SELECT on every new connection, sent ahead of the first command;
/// - reconnecting on the next command after a loss, with a growing backoff.
class AsyncRedisConnection
{
    Q_DECLARE_TR_FUNCTIONS(AsyncRedisConnection)

public:
    using Done = std::function<void(RedisAnswer)>;

    AsyncRedisConnection(RedisUrl url, int connectTimeoutMs, int commandTimeoutMs);
    ~AsyncRedisConnection();
    AsyncRedisConnection(const AsyncRedisConnection &) = delete;
    AsyncRedisConnection &operator=(const AsyncRedisConnection &) = delete;

    /// Sends `commands` as one pipeline; `done` gets their replies, in order, once the last
    /// has arrived (or the error that ended them). `done` runs from the event loop — or at
    /// once, inside send(), when the commands cannot even be sent (the server is known to be
    /// unreachable), so a caller must be ready for both.
    void send(QList<QList<QByteArray>> commands, Done done);

    /// Makes this a subscriber connection: SUBSCRIBE to `channels`, then `message` for every
    /// message published on one of them, from the event loop. `lost` runs once if the
    /// connection goes away (messages published meanwhile are lost, as on any network); call
    /// subscribe() again to listen anew. Never blocks, like send().
    using Message = std::function<void(const QByteArray &channel, const QByteArray &message)>;
    void subscribe(const QList<QByteArray> &channels, Message message,
                   std::function<void(const CacheError &)> lost);
    bool subscribed() const { return m_context && m_onMessage; }
    /// Waits (without an event loop) until the server has confirmed the subscription, at
    /// most `timeoutMs`; true if it has. For set-up, where "subscribed" must mean it.
    bool waitUntilConfirmed(int timeoutMs);
    /// Handles whatever has arrived on the socket, waiting up to `timeoutMs` for it; for a
    /// caller that drives time without an event loop.
    void poll(int timeoutMs);

    /// Pipelines sent and not answered yet.
    int pending() const { return int(m_batches.size()); }

    /// Waits up to `timeoutMs` for the socket and handles what arrives, without a Qt event
    /// loop: for callers that must have an answer before they go on (settling a scenario).
    void waitForReplies(int timeoutMs);

private:
    struct Batch
    {
        quint64 id = 0;
        QList<QByteArray> names; ///< each command's name, for messages
        std::vector<RedisValue> values;
        Done done;
        qint64 deadlineMs = 0;
    };

    bool connectIfNeeded(const QList<QByteArray> &firstCommand, const Done &done);
    void queue(const QList<QByteArray> &args, quint64 batch);
    void received(quint64 batch, const redisReply *reply);
    void pushed(const redisReply *reply); // on a subscriber connection
    void checkDeadlines();
    /// Fails every pipeline still waiting with `error` and closes the connection.
    void drop(const CacheError &error);
    void watchSockets(bool read, bool write);
    CacheError lostDuring(const QByteArray &command) const;

    static void onReply(redisAsyncContext *context, void *reply, void *batch);
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void addRead(void *self);
    static void delRead(void *self);
    static void addWrite(void *self);
    static void delWrite(void *self);
    static void cleanup(void *self);

    RedisUrl m_url;
    int m_connectTimeoutMs;
    int m_commandTimeoutMs;
    redisAsyncContext *m_context = nullptr;
    bool m_connected = false;
    std::unique_ptr<QSocketNotifier> m_reader;
    std::unique_ptr<QSocketNotifier> m_writer;
    std::deque<Batch> m_batches; // in the order their replies will come
    quint64 m_nextBatch = 1;
    QTimer m_watchdog;
    QElapsedTimer m_clock;
    qint64 m_retryAtMs = 0;
    int m_backoffMs = 0;
    QString m_lostReason; // why hiredis closed the connection, for the replies it fails
    Message m_onMessage;
    bool m_confirmed = false; // the server answered SUBSCRIBE
    std::function<void(const CacheError &)> m_onLost;
};

} // namespace cachelab
