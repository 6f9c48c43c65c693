#include "redisasync.h"

#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <poll.h>

namespace cachelab {

namespace {

// How often the watchdog looks for commands that have waited too long.
constexpr int kWatchdogMs = 20;

AsyncRedisConnection *owner(const redisAsyncContext *context)
{
    return static_cast<AsyncRedisConnection *>(context->data);
}

void *tag(quint64 batch)
{
    return reinterpret_cast<void *>(static_cast<quintptr>(batch));
}

quint64 untag(void *batch)
{
    return static_cast<quint64>(reinterpret_cast<quintptr>(batch));
}

// The tag of a subscription's callback: hiredis calls it for the confirmation and for every
// message after it, so it belongs to no pipeline.
constexpr quint64 kSubscription = 0;

} // namespace

// --- RedisValue ----------------------------------------------------------------------------

RedisValue RedisValue::of(const redisReply *reply)
{
    RedisValue v;
    v.type = reply->type;
    switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        v.text = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_INTEGER:
        v.integer = reply->integer;
        break;
    case REDIS_REPLY_ARRAY:
        v.elements.reserve(qsizetype(reply->elements));
        for (size_t i = 0; i < reply->elements; ++i)
            v.elements.append(of(reply->element[i]));
        break;
    default:
        break;
    }
    return v;
}

bool RedisValue::isString() const
{
    return type == REDIS_REPLY_STRING;
}

bool RedisValue::isInteger() const
{
    return type == REDIS_REPLY_INTEGER;
}

bool RedisValue::isArray() const
{
    return type == REDIS_REPLY_ARRAY;
}

bool RedisValue::isError() const
{
    return type == REDIS_REPLY_ERROR;
}

// --- AsyncRedisConnection ------------------------------------------------------------------

AsyncRedisConnection::AsyncRedisConnection(RedisUrl url, int connectTimeoutMs, int commandTimeoutMs)
    : m_url(std::move(url))
    , m_connectTimeoutMs(connectTimeoutMs)
    , m_commandTimeoutMs(commandTimeoutMs)
{
    m_clock.start();
    m_watchdog.setInterval(kWatchdogMs);
    QObject::connect(&m_watchdog, &QTimer::timeout, &m_watchdog, [this] { checkDeadlines(); });
}

AsyncRedisConnection::~AsyncRedisConnection()
{
    m_batches.clear(); // nobody is left to tell
    if (redisAsyncContext *context = std::exchange(m_context, nullptr)) {
        context->data = nullptr;
        redisAsyncFree(context);
    }
}

void AsyncRedisConnection::send(QList<QList<QByteArray>> commands, Done done)
{
    if (commands.isEmpty()) {
        done(RedisAnswer{});
        return;
    }
    if (!connectIfNeeded(commands.first(), done))
        return;
    Batch batch;
    batch.id = m_nextBatch++;
    batch.done = std::move(done);
    batch.deadlineMs = m_clock.elapsed() + m_commandTimeoutMs +
                       (m_connected ? 0 : std::max(m_connectTimeoutMs, 0));
    batch.values.reserve(std::size_t(commands.size()));
    for (const auto &args : std::as_const(commands))
        batch.names.append(args.first());
    const quint64 id = batch.id;
    m_batches.push_back(std::move(batch));
    for (const auto &args : std::as_const(commands)) {
        queue(args, id);
        if (!m_context)
            return; // the connection could not take it: the batch has been failed
    }
    if (!m_watchdog.isActive())
        m_watchdog.start();
}

bool AsyncRedisConnection::connectIfNeeded(const QList<QByteArray> &firstCommand, const Done &done)
{
    if (m_context)
        return true;
    const qint64 now = m_clock.elapsed();
    if (now < m_retryAtMs) {
        done(RedisAnswer{{},
                         CacheError(CacheError::Kind::Disconnected,
                                    tr("Redis at %1 is unreachable; the next attempt is in %2 ms")
                                        .arg(m_url.where())
                                        .arg(m_retryAtMs - now))});
        return false;
    }
    redisAsyncContext *context =
        m_url.socketPath.isEmpty() ? redisAsyncConnect(m_url.host.toUtf8().constData(), m_url.port)
                                   : redisAsyncConnectUnix(m_url.socketPath.toUtf8().constData());
    if (!context || context->err) {
        const QString reason = context ? QString::fromLocal8Bit(context->errstr) : QString();
        if (context)
            redisAsyncFree(context);
        m_backoffMs = std::clamp(m_backoffMs * 2, 100, 5000);
        m_retryAtMs = m_clock.elapsed() + m_backoffMs;
        done(RedisAnswer{{},
                         CacheError(CacheError::Kind::Unavailable,
                                    tr("cannot connect to Redis at %1 for %2: %3")
                                        .arg(m_url.where(),
                                             QString::fromLatin1(firstCommand.first()), reason))});
        return false;
    }
    m_context = context;
    m_connected = false;
    m_lostReason.clear();
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &AsyncRedisConnection::addRead;
    context->ev.delRead = &AsyncRedisConnection::delRead;
    context->ev.addWrite = &AsyncRedisConnection::addWrite;
    context->ev.delWrite = &AsyncRedisConnection::delWrite;
    context->ev.cleanup = &AsyncRedisConnection::cleanup;
    redisAsyncSetConnectCallback(context, &AsyncRedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(context, &AsyncRedisConnection::onDisconnect);

    // The connection's own set-up goes first; a failure there fails whatever follows it.
    QList<QList<QByteArray>> setup;
    if (!m_url.password.isEmpty()) {
        setup.append(m_url.user.isEmpty()
                         ? QList<QByteArray>{"AUTH", m_url.password.toUtf8()}
                         : QList<QByteArray>{"AUTH", m_url.user.toUtf8(), m_url.password.toUtf8()});
    }
    if (m_url.database != 0)
        setup.append({"SELECT", QByteArray::number(m_url.database)});
    if (!setup.isEmpty()) {
        send(setup, [this](const RedisAnswer &answer) {
            if (answer.error)
                return; // the commands behind it have failed the same way
            for (const RedisValue &v : answer.values) {
                if (v.isError()) {
                    drop(CacheError(CacheError::Kind::Authentication,
                                    tr("Redis at %1 refused this connection's set-up: %2")
                                        .arg(m_url.where(), QString::fromUtf8(v.text))));
                    return;
                }
            }
        });
    }
    return m_context != nullptr;
}

void AsyncRedisConnection::queue(const QList<QByteArray> &args, quint64 batch)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(std::size_t(args.size()));
    lengths.reserve(std::size_t(args.size()));
    for (const QByteArray &a : args) {
        argv.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    if (redisAsyncCommandArgv(m_context, &AsyncRedisConnection::onReply, tag(batch),
                              int(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
        drop(CacheError(CacheError::Kind::Disconnected,
                        tr("Redis at %1 could not take %2: the connection is closing")
                            .arg(m_url.where(), QString::fromLatin1(args.first()))));
    }
}

void AsyncRedisConnection::subscribe(const QList<QByteArray> &channels, Message message,
                                     std::function<void(const CacheError &)> lost)
{
    QList<QByteArray> command{"SUBSCRIBE"};
    command.append(channels);
    if (!connectIfNeeded(command, [&lost](const RedisAnswer &a) { lost(*a.error); }))
        return;
    m_onMessage = std::move(message);
    m_onLost = std::move(lost);
    m_confirmed = false;
    queue(command, kSubscription);
}

bool AsyncRedisConnection::waitUntilConfirmed(int timeoutMs)
{
    QElapsedTimer waited;
    waited.start();
    while (subscribed() && !m_confirmed && waited.elapsed() < timeoutMs)
        poll(int(timeoutMs - waited.elapsed()));
    return subscribed() && m_confirmed;
}

void AsyncRedisConnection::pushed(const redisReply *reply)
{
    if (!reply) {
        m_context = nullptr; // being freed: the connection is lost
        m_connected = false;
        m_onMessage = nullptr;
        if (auto lost = std::exchange(m_onLost, nullptr))
            lost(lostDuring("SUBSCRIBE"));
        return;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        const QString text = QString::fromUtf8(reply->str, qsizetype(reply->len));
        m_onMessage = nullptr;
        if (auto lost = std::exchange(m_onLost, nullptr))
            lost(CacheError(CacheError::Kind::Protocol,
                            tr("Redis at %1 refused SUBSCRIBE: %2").arg(m_url.where(), text)));
        return;
    }
    // ["subscribe", channel, n] confirms; ["message", channel, payload] is one.
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 || !m_onMessage)
        return;
    const auto text = [](const redisReply *r) { return QByteArray(r->str, qsizetype(r->len)); };
    if (text(reply->element[0]) == "subscribe")
        m_confirmed = true;
    if (text(reply->element[0]) != "message")
        return;
    const Message deliver = m_onMessage; // a subscriber may unsubscribe us meanwhile
    deliver(text(reply->element[1]), text(reply->element[2]));
}

void AsyncRedisConnection::poll(int timeoutMs)
{
    if (!m_context)
        return;
    const short events = short(POLLIN | (m_writer && m_writer->isEnabled() ? POLLOUT : 0));
    pollfd p{m_context->c.fd, events, 0};
    if (::poll(&p, 1, std::max(timeoutMs, 0)) > 0) {
        if ((p.revents & POLLOUT) && m_context)
            redisAsyncHandleWrite(m_context);
        if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && m_context)
            redisAsyncHandleRead(m_context);
    }
}

void AsyncRedisConnection::received(quint64 batch, const redisReply *reply)
{
    if (batch == kSubscription) {
        pushed(reply);
        return;
    }
    if (!reply) {
        // Only a context being freed answers with nothing: hiredis lost the connection (a
        // reset, a read error) and is failing what was in flight. Do not touch it again.
        m_context = nullptr;
        m_connected = false;
    }
    if (m_batches.empty() || m_batches.front().id != batch)
        return; // a pipeline already failed (timed out, dropped)
    Batch &b = m_batches.front();
    if (!reply) {
        const QByteArray command = b.names.value(qsizetype(b.values.size()));
        Done done = std::move(b.done);
        m_batches.pop_front();
        m_backoffMs = 100;
        m_retryAtMs = m_clock.elapsed(); // one immediate attempt, then the backoff grows
        done(RedisAnswer{{}, lostDuring(command)});
        return;
    }
    b.values.push_back(RedisValue::of(reply));
    if (qsizetype(b.values.size()) < b.names.size())
        return;
    RedisAnswer answer{std::move(b.values), std::nullopt};
    Done done = std::move(b.done);
    m_batches.pop_front();
    m_backoffMs = 0;
    if (m_batches.empty())
        m_watchdog.stop();
    done(std::move(answer));
}

CacheError AsyncRedisConnection::lostDuring(const QByteArray &command) const
{
    const QString reason = m_lostReason.isEmpty() ? tr("connection closed") : m_lostReason;
    const QString lower = reason.toLower();
    if (lower.contains(u"refused")) {
        return CacheError(CacheError::Kind::Refused,
                          tr("Redis at %1 refused the connection: is redis-server running "
                             "there, on that port?")
                              .arg(m_url.where()));
    }
    return CacheError(CacheError::Kind::Disconnected,
                      tr("Redis at %1 went away during %2 (%3)")
                          .arg(m_url.where(), QString::fromLatin1(command), reason));
}

void AsyncRedisConnection::checkDeadlines()
{
    if (m_batches.empty()) {
        m_watchdog.stop();
        return;
    }
    const Batch &oldest = m_batches.front();
    if (m_clock.elapsed() < oldest.deadlineMs)
        return;
    const QString command =
        QString::fromLatin1(oldest.names.value(qsizetype(oldest.values.size())));
    drop(CacheError(CacheError::Kind::Timeout,
                    m_connected ? tr("Redis at %1 did not answer %2 within %3 ms")
                                      .arg(m_url.where(), command)
                                      .arg(m_commandTimeoutMs)
                                : tr("Redis at %1 did not accept the connection within %2 ms; "
                                     "check the host and the firewall")
                                      .arg(m_url.where())
                                      .arg(m_connectTimeoutMs + m_commandTimeoutMs)));
}

void AsyncRedisConnection::drop(const CacheError &error)
{
    std::deque<Batch> failed;
    failed.swap(m_batches);
    m_watchdog.stop();
    if (redisAsyncContext *context = std::exchange(m_context, nullptr)) {
        context->data = nullptr; // its last callbacks find no owner
        redisAsyncFree(context); // inside a callback of its own, hiredis frees it afterwards
    }
    m_connected = false;
    m_reader.reset();
    m_writer.reset();
    m_backoffMs = std::clamp(m_backoffMs * 2, 100, 5000);
    m_retryAtMs = m_clock.elapsed() + m_backoffMs;
    m_onMessage = nullptr;
    if (auto lost = std::exchange(m_onLost, nullptr))
        lost(error);
    for (Batch &b : failed)
        b.done(RedisAnswer{{}, error});
}

void AsyncRedisConnection::waitForReplies(int timeoutMs)
{
    if (!m_context || m_batches.empty())
        return;
    poll(int(std::clamp<qint64>(m_batches.front().deadlineMs - m_clock.elapsed(), 0,
                                qint64(std::max(timeoutMs, 0)))));
    checkDeadlines();
}

void AsyncRedisConnection::watchSockets(bool read, bool write)
{
    if (!m_context)
        return;
    if (!m_reader) {
        // One pair per connection, switched on and off as hiredis asks.
        const qintptr fd = m_context->c.fd;
        m_reader = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        m_reader->setEnabled(false);
        QObject::connect(m_reader.get(), &QSocketNotifier::activated, m_reader.get(), [this] {
            if (m_context)
                redisAsyncHandleRead(m_context);
        });
        m_writer = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
        m_writer->setEnabled(false);
        QObject::connect(m_writer.get(), &QSocketNotifier::activated, m_writer.get(), [this] {
            if (m_context)
                redisAsyncHandleWrite(m_context);
        });
    }
    m_reader->setEnabled(read);
    m_writer->setEnabled(write);
}

void AsyncRedisConnection::onReply(redisAsyncContext *context, void *reply, void *batch)
{
    if (AsyncRedisConnection *self = owner(context))
        self->received(untag(batch), static_cast<const redisReply *>(reply));
}

void AsyncRedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    AsyncRedisConnection *self = owner(context);
    if (!self)
        return;
    if (status == REDIS_OK) {
        self->m_connected = true;
        return;
    }
    // hiredis frees the context right after this; what was queued fails with this reason.
    self->m_lostReason = QString::fromLocal8Bit(context->errstr);
}

void AsyncRedisConnection::onDisconnect(const redisAsyncContext *context, int)
{
    if (AsyncRedisConnection *self = owner(context)) {
        self->m_context = nullptr;
        self->m_connected = false;
    }
}

// The event hooks hiredis calls. They are idempotent, as hiredis asks; the notifiers go
// only with the connection (cleanup), which Qt allows even from a notifier's own signal.
void AsyncRedisConnection::addRead(void *self)
{
    auto *c = static_cast<AsyncRedisConnection *>(self);
    c->watchSockets(true, c->m_writer && c->m_writer->isEnabled());
}

void AsyncRedisConnection::delRead(void *self)
{
    auto *c = static_cast<AsyncRedisConnection *>(self);
    c->watchSockets(false, c->m_writer && c->m_writer->isEnabled());
}

void AsyncRedisConnection::addWrite(void *self)
{
    auto *c = static_cast<AsyncRedisConnection *>(self);
    c->watchSockets(c->m_reader && c->m_reader->isEnabled(), true);
}

void AsyncRedisConnection::delWrite(void *self)
{
    auto *c = static_cast<AsyncRedisConnection *>(self);
    c->watchSockets(c->m_reader && c->m_reader->isEnabled(), false);
}

void AsyncRedisConnection::cleanup(void *self)
{
    auto *connection = static_cast<AsyncRedisConnection *>(self);
    connection->m_reader.reset();
    connection->m_writer.reset();
}

} // namespace cachelab
