#include "redisstore.h"

#include "../errors.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QtEndian>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <poll.h>
#include <sys/time.h>

namespace cachelab {

namespace {

timeval toTimeval(int ms)
{
    return timeval{ms / 1000, (ms % 1000) * 1000};
}

QByteArray bytes(const redisReply *r)
{
    return QByteArray(r->str, qsizetype(r->len));
}

// Entries carry a header so that a value written by somebody else under our prefix is never
// mistaken for one of ours: 'C' 'L' format flags version(8, big-endian) value…
constexpr char kMagic0 = 'C';
constexpr char kMagic1 = 'L';
constexpr char kFormat = 1;
constexpr int kHeader = 4 + 8;

QByteArray globEscaped(const QByteArray &text)
{
    QByteArray out;
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

void RedisStore::ContextDeleter::operator()(redisContext *c) const
{
    redisFree(c);
}

void RedisStore::ReplyDeleter::operator()(redisReply *r) const
{
    freeReplyObject(r);
}

QByteArray RedisStore::encode(const CachedRecord &record)
{
    QByteArray out;
    out.reserve(kHeader + record.value.size());
    out += kMagic0;
    out += kMagic1;
    out += kFormat;
    out += char((record.absent ? 1 : 0) | (record.pending ? 2 : 0));
    char version[8];
    qToBigEndian<qint64>(record.version, version);
    out.append(version, 8);
    out += record.value;
    return out;
}

std::optional<CachedRecord> RedisStore::decode(const QByteArray &bytes)
{
    if (bytes.size() < kHeader || bytes[0] != kMagic0 || bytes[1] != kMagic1 || bytes[2] != kFormat)
        return std::nullopt;
    CachedRecord r;
    r.absent = (bytes[3] & 1) != 0;
    r.pending = (bytes[3] & 2) != 0;
    r.version = qFromBigEndian<qint64>(bytes.constData() + 4);
    r.value = bytes.mid(kHeader);
    return r;
}

QByteArray RedisStore::valueOf(const CachedRecord &record) const
{
    return m_options.versioned ? encode(record) : record.value;
}

std::optional<CachedRecord> RedisStore::recordOf(const QByteArray &bytes) const
{
    if (m_options.versioned)
        return decode(bytes);
    CachedRecord r;
    r.value = bytes;
    return r;
}

RedisStore::RedisStore(const RedisUrl &url, Options options)
    : m_url(url)
    , m_options(std::move(options))
{
    m_clock.start();
    m_context = connect();
}

RedisStore::~RedisStore() = default;

QString RedisStore::describe() const
{
    return tr("Redis at %1, database %2, keys under \"%3\"")
        .arg(m_url.where())
        .arg(m_url.database)
        .arg(m_options.prefix);
}

RedisStore::Context RedisStore::connect() const
{
    const timeval connectTimeout = toTimeval(m_options.connectTimeoutMs);
    Context c(
        m_url.socketPath.isEmpty()
            ? redisConnectWithTimeout(m_url.host.toUtf8().constData(), m_url.port, connectTimeout)
            : redisConnectUnixWithTimeout(m_url.socketPath.toUtf8().constData(), connectTimeout));
    const QString where = m_url.where();
    if (!c)
        throw CacheError(CacheError::Kind::Unavailable, tr("cannot reach Redis at %1").arg(where));
    if (c->err) {
        const QString reason = QString::fromLocal8Bit(c->errstr);
        const QString lower = reason.toLower();
        if (lower.contains(u"refused")) {
            throw CacheError(CacheError::Kind::Refused,
                             tr("Redis at %1 refused the connection: is redis-server running "
                                "there, on that port?")
                                 .arg(where));
        }
        if (lower.contains(u"timed out") || lower.contains(u"temporarily unavailable") ||
            lower.contains(u"in progress")) {
            throw CacheError(CacheError::Kind::Timeout,
                             tr("Redis at %1 did not answer within %2 ms; check the host and "
                                "the firewall")
                                 .arg(where)
                                 .arg(m_options.connectTimeoutMs));
        }
        throw CacheError(CacheError::Kind::Unavailable,
                         tr("cannot connect to Redis at %1: %2").arg(where, reason));
    }
    redisSetTimeout(c.get(), toTimeval(m_options.commandTimeoutMs));

    auto run = [&](QList<QByteArray> args) -> Reply {
        std::vector<const char *> argv;
        std::vector<size_t> lengths;
        for (const QByteArray &a : args) {
            argv.push_back(a.constData());
            lengths.push_back(size_t(a.size()));
        }
        Reply r(static_cast<redisReply *>(
            redisCommandArgv(c.get(), int(argv.size()), argv.data(), lengths.data())));
        if (!r) {
            // Accepted (the kernel does that for a stopped server too) but never answered.
            const QString reason = QString::fromLocal8Bit(c->errstr).toLower();
            if (reason.contains(u"temporarily unavailable") || reason.contains(u"timed out"))
                throw CacheError(CacheError::Kind::Timeout,
                                 tr("Redis at %1 accepted the connection but did not answer "
                                    "within %2 ms: is the server stopped or overloaded?")
                                     .arg(where)
                                     .arg(m_options.commandTimeoutMs));
            throw CacheError(CacheError::Kind::Disconnected,
                             tr("Redis at %1 closed the connection while it was being set up: %2")
                                 .arg(where, QString::fromLocal8Bit(c->errstr)));
        }
        return r;
    };
    auto isError = [](const Reply &r) { return r->type == REDIS_REPLY_ERROR; };
    auto text = [](const Reply &r) { return QString::fromUtf8(bytes(r.get())); };

    if (!m_url.password.isEmpty()) {
        Reply r = m_url.user.isEmpty()
                      ? run({"AUTH", m_url.password.toUtf8()})
                      : run({"AUTH", m_url.user.toUtf8(), m_url.password.toUtf8()});
        if (isError(r)) {
            const QString message = text(r);
            if (message.contains(u"no password is set") ||
                message.contains(u"without any password"))
                throw CacheError(CacheError::Kind::Authentication,
                                 tr("Redis at %1 has no password set, but one was given; remove "
                                    "it from the URL and CACHELAB_REDIS_PASSWORD")
                                     .arg(where));
            throw CacheError(CacheError::Kind::Authentication,
                             tr("Redis at %1 rejected the password (authentication failed); "
                                "check the URL or CACHELAB_REDIS_PASSWORD")
                                 .arg(where));
        }
    }
    Reply ping = run({"PING"});
    if (isError(ping)) {
        if (text(ping).startsWith(u"NOAUTH")) {
            throw CacheError(CacheError::Kind::Authentication,
                             tr("Redis at %1 needs a password: put it in the URL "
                                "(redis://:PASSWORD@host) or in CACHELAB_REDIS_PASSWORD")
                                 .arg(where));
        }
        throw CacheError(CacheError::Kind::Protocol,
                         tr("Redis at %1 refused PING: %2").arg(where, text(ping)));
    }
    if (m_url.database != 0) {
        Reply r = run({"SELECT", QByteArray::number(m_url.database)});
        if (isError(r)) {
            throw CacheError(CacheError::Kind::BadDatabase,
                             tr("Redis at %1 has no database %2 (%3); use a smaller number after "
                                "the slash")
                                 .arg(where)
                                 .arg(m_url.database)
                                 .arg(text(r)));
        }
    }
    return c;
}

redisContext *RedisStore::commandContext()
{
    if (m_context)
        return m_context.get();
    const qint64 now = m_clock.elapsed();
    if (now < m_retryAtMs) {
        throw CacheError(CacheError::Kind::Disconnected,
                         tr("Redis at %1 is unreachable; the next attempt is in %2 ms")
                             .arg(m_url.where())
                             .arg(m_retryAtMs - now));
    }
    try {
        m_context = connect();
        m_backoffMs = 0;
    } catch (const CacheError &) {
        m_backoffMs = std::clamp(m_backoffMs * 2, 100, 5000);
        m_retryAtMs = m_clock.elapsed() + m_backoffMs;
        throw;
    }
    return m_context.get();
}

void RedisStore::lost(const QString &during)
{
    const QString reason = QString::fromLocal8Bit(m_context->errstr);
    const int err = m_context->err;
    m_context.reset();
    m_backoffMs = 100;
    m_retryAtMs = m_clock.elapsed(); // one immediate attempt, then the backoff grows
    const QString lower = reason.toLower();
    if (err == REDIS_ERR_IO &&
        (lower.contains(u"temporarily unavailable") || lower.contains(u"timed out"))) {
        throw CacheError(CacheError::Kind::Timeout, tr("Redis at %1 did not answer %2 within %3 ms")
                                                        .arg(m_url.where(), during)
                                                        .arg(m_options.commandTimeoutMs));
    }
    throw CacheError(
        CacheError::Kind::Disconnected,
        tr("Redis at %1 went away during %2 (%3)")
            .arg(m_url.where(), during, reason.isEmpty() ? tr("connection closed") : reason));
}

RedisStore::Reply RedisStore::command(const QList<QByteArray> &args)
{
    std::vector<Reply> replies = pipeline({args});
    return std::move(replies.front());
}

std::vector<RedisStore::Reply> RedisStore::pipeline(const QList<QList<QByteArray>> &commands)
{
    redisContext *c = commandContext();
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const auto &args : commands) {
        argv.clear();
        lengths.clear();
        for (const QByteArray &a : args) {
            argv.push_back(a.constData());
            lengths.push_back(size_t(a.size()));
        }
        if (redisAppendCommandArgv(c, int(argv.size()), argv.data(), lengths.data()) != REDIS_OK)
            lost(QString::fromLatin1(commands.first().first()));
    }
    std::vector<Reply> replies;
    replies.reserve(std::size_t(commands.size()));
    for (qsizetype i = 0; i < commands.size(); ++i) {
        void *raw = nullptr;
        if (redisGetReply(c, &raw) != REDIS_OK || !raw)
            lost(QString::fromLatin1(commands[i].first()));
        Reply r(static_cast<redisReply *>(raw));
        if (r->type == REDIS_REPLY_ERROR) {
            const QString message = QString::fromUtf8(bytes(r.get()));
            // Drain the rest so the connection stays in step.
            for (qsizetype j = i + 1; j < commands.size(); ++j) {
                void *rest = nullptr;
                if (redisGetReply(c, &rest) == REDIS_OK)
                    freeReplyObject(rest);
                else
                    m_context.reset();
            }
            if (message.startsWith(u"NOAUTH") || message.startsWith(u"WRONGPASS"))
                throw CacheError(
                    CacheError::Kind::Authentication,
                    tr("Redis at %1 asks for a password again: %2").arg(m_url.where(), message));
            throw CacheError(
                CacheError::Kind::Protocol,
                tr("Redis at %1 answered %2 with an error: %3")
                    .arg(m_url.where(), QString::fromLatin1(commands[i].first()), message));
        }
        replies.push_back(std::move(r));
    }
    return replies;
}

std::optional<CachedRecord> RedisStore::get(const QString &k)
{
    Reply r = command({"GET", key(k)});
    if (r->type != REDIS_REPLY_STRING)
        return std::nullopt;
    return recordOf(bytes(r.get()));
}

std::optional<std::pair<CachedRecord, TimeUs>> RedisStore::getWithTtl(const QString &k)
{
    const QByteArray name = key(k);
    std::vector<Reply> r = pipeline({{"GET", name}, {"PTTL", name}});
    if (r[0]->type != REDIS_REPLY_STRING)
        return std::nullopt;
    const auto record = recordOf(bytes(r[0].get()));
    if (!record)
        return std::nullopt;
    const long long ms = r[1]->type == REDIS_REPLY_INTEGER ? r[1]->integer : -1;
    return std::pair{*record, ms < 0 ? TimeUs(-1) : TimeUs(ms) * kMillisecond};
}

void RedisStore::set(const QString &k, const CachedRecord &record, TimeUs ttl)
{
    if (record.absent && !m_options.versioned) {
        // Plain values have no room for "no such row": the next read goes to the database.
        command({"DEL", key(k)});
        return;
    }
    if (ttl > 0) {
        const qint64 ms = std::max<qint64>(1, (ttl + kMillisecond - 1) / kMillisecond);
        command({"SET", key(k), valueOf(record), "PX", QByteArray::number(ms)});
    } else {
        command({"SET", key(k), valueOf(record)});
    }
}

bool RedisStore::remove(const QString &k)
{
    Reply r = command({"DEL", key(k)});
    return r->type == REDIS_REPLY_INTEGER && r->integer > 0;
}

std::optional<TimeUs> RedisStore::ttl(const QString &k)
{
    Reply r = command({"PTTL", key(k)});
    if (r->type != REDIS_REPLY_INTEGER || r->integer == -2)
        return std::nullopt;
    return r->integer < 0 ? TimeUs(-1) : TimeUs(r->integer) * kMillisecond;
}

QList<CacheItem> RedisStore::scan()
{
    const QByteArray pattern = globEscaped(m_options.prefix.toUtf8()) + '*';
    QList<QByteArray> keys;
    QByteArray cursor = "0";
    do {
        Reply r = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "500"});
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2)
            break;
        cursor = bytes(r->element[0]);
        const redisReply *found = r->element[1];
        for (size_t i = 0; i < found->elements; ++i)
            keys.append(bytes(found->element[i]));
    } while (cursor != "0");

    QList<CacheItem> items;
    const qsizetype prefixLength = m_options.prefix.toUtf8().size();
    for (const QByteArray &name : std::as_const(keys)) {
        // TYPE first: lists (durable queues) live under the prefix too, and GET on them fails.
        std::vector<Reply> r = pipeline({{"TYPE", name}});
        if (bytes(r[0].get()) != "string")
            continue;
        std::vector<Reply> entry = pipeline({{"GET", name}, {"PTTL", name}});
        if (entry[0]->type != REDIS_REPLY_STRING)
            continue;
        const auto record = recordOf(bytes(entry[0].get()));
        if (!record)
            continue;
        const long long ms = entry[1]->type == REDIS_REPLY_INTEGER ? entry[1]->integer : -1;
        items.append(CacheItem{QString::fromUtf8(name.mid(prefixLength)), *record,
                               ms < 0 ? TimeUs(-1) : TimeUs(ms) * kMillisecond});
    }
    std::sort(items.begin(), items.end(),
              [](const CacheItem &a, const CacheItem &b) { return a.key < b.key; });
    return items;
}

void RedisStore::clear()
{
    const QByteArray pattern = globEscaped(m_options.prefix.toUtf8()) + '*';
    QByteArray cursor = "0";
    do {
        Reply r = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "500"});
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2)
            break;
        cursor = bytes(r->element[0]);
        const redisReply *found = r->element[1];
        if (found->elements == 0)
            continue;
        QList<QByteArray> unlink{"UNLINK"};
        for (size_t i = 0; i < found->elements; ++i)
            unlink.append(bytes(found->element[i]));
        command(unlink);
    } while (cursor != "0");
}

void RedisStore::listPush(const QString &list, const QByteArray &item)
{
    command({"RPUSH", key(list), item});
}

QList<QByteArray> RedisStore::listRange(const QString &list)
{
    Reply r = command({"LRANGE", key(list), "0", "-1"});
    QList<QByteArray> items;
    if (r->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < r->elements; ++i)
            items.append(bytes(r->element[i]));
    }
    return items;
}

void RedisStore::listRemove(const QString &list, const QList<QByteArray> &items)
{
    if (items.isEmpty())
        return;
    QList<QList<QByteArray>> commands;
    const QByteArray name = key(list);
    for (const QByteArray &item : items)
        commands.append({"LREM", name, "1", item});
    pipeline(commands);
}

void RedisStore::publish(const QString &channel, const QByteArray &message)
{
    command({"PUBLISH", key(channel), message});
    const bool listening = std::any_of(m_subscriptions.cbegin(), m_subscriptions.cend(),
                                       [&](const Subscription &s) { return s.channel == channel; });
    if (listening && m_subscriber)
        m_ownInFlight.append(key(channel) + '\n' + message);
}

int RedisStore::subscribe(const QString &channel, Subscriber subscriber)
{
    const int id = m_nextSubscription++;
    m_subscriptions.insert(id, Subscription{channel, std::move(subscriber)});
    // The next pump() connects again and subscribes to every channel, this one included.
    m_subscriber.reset();
    m_subscriberRetryAtMs = 0;
    resubscribe();
    return id;
}

void RedisStore::unsubscribe(int id)
{
    m_subscriptions.remove(id);
    if (m_subscriptions.isEmpty())
        m_subscriber.reset();
}

void RedisStore::resubscribe()
{
    if (m_subscriptions.isEmpty() || m_subscriber || m_clock.elapsed() < m_subscriberRetryAtMs)
        return;
    try {
        Context c = connect();
        QList<QByteArray> channels;
        for (const auto &s : std::as_const(m_subscriptions)) {
            if (!channels.contains(key(s.channel)))
                channels.append(key(s.channel));
        }
        for (const QByteArray &channel : std::as_const(channels)) {
            const char *argv[] = {"SUBSCRIBE", channel.constData()};
            const size_t lengths[] = {9, size_t(channel.size())};
            Reply r(static_cast<redisReply *>(redisCommandArgv(c.get(), 2, argv, lengths)));
            if (!r || r->type == REDIS_REPLY_ERROR)
                throw CacheError(CacheError::Kind::Protocol, tr("SUBSCRIBE failed"));
        }
        m_subscriber = std::move(c);
    } catch (const CacheError &) {
        m_subscriberRetryAtMs = m_clock.elapsed() + 1000; // missed messages are the lesson
    }
}

void RedisStore::pump()
{
    resubscribe();
    if (!m_subscriber) {
        m_ownInFlight.clear(); // sent while no one listened: lost, as on a real network
        return;
    }
    QDeadlineTimer deadline(1000);
    for (;;) {
        // Wait only while our own messages are still on their way, and never for long.
        const int timeoutMs =
            m_ownInFlight.isEmpty() ? 0 : int(std::max<qint64>(0, deadline.remainingTime()));
        pollfd p{m_subscriber->fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) {
            m_ownInFlight.clear();
            return;
        }
        if (redisBufferRead(m_subscriber.get()) != REDIS_OK) {
            m_subscriber.reset();
            m_subscriberRetryAtMs = m_clock.elapsed() + 100;
            m_ownInFlight.clear();
            return;
        }
        for (;;) {
            void *raw = nullptr;
            if (redisGetReplyFromReader(m_subscriber.get(), &raw) != REDIS_OK) {
                m_subscriber.reset();
                m_ownInFlight.clear();
                return;
            }
            if (!raw)
                break;
            Reply r(static_cast<redisReply *>(raw));
            if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
                bytes(r->element[0]) != "message")
                continue;
            const QByteArray channel = bytes(r->element[1]);
            const QByteArray message = bytes(r->element[2]);
            m_ownInFlight.removeOne(channel + '\n' + message);
            const auto subscriptions = m_subscriptions; // a subscriber may unsubscribe
            for (const auto &s : subscriptions) {
                if (key(s.channel) == channel)
                    s.subscriber(s.channel, message);
            }
        }
    }
}

} // namespace cachelab
