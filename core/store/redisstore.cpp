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
// mistaken for one of ours: 'C' 'L' format flags version(8, big-endian)
// [compute time(8, big-endian) when flag 4 is set] value…
constexpr char kMagic0 = 'C';
constexpr char kMagic1 = 'L';
constexpr char kFormat = 1;
constexpr int kHeader = 4 + 8;
constexpr char kHasComputeTime = 4;

// Leases live on the server, so every instance of every lab sees the same ones. Both steps are
// Lua scripts, which Redis runs atomically: nothing can slip in between "no value" and "the
// lease is mine", or between "my lease is still valid" and the SET. KEYS: the entry, its lease
// (a hash, so listings that show only strings never show it), the lease counter.
constexpr char kGetOrLease[] = R"lua(
local v = redis.call('GET', KEYS[1])
if v then return {1, v, redis.call('PTTL', KEYS[1])} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {0, 0} end
local t = redis.call('HINCRBY', KEYS[3], 'next', 1)
redis.call('HSET', KEYS[2], 'token', t)
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return {0, t}
)lua";
// KEYS: the entry, its lease. ARGV: token, value, TTL in ms (0: none).
constexpr char kFillWithLease[] = R"lua(
if redis.call('HGET', KEYS[2], 'token') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2])
else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
)lua";

QByteArray milliseconds(TimeUs ttl)
{
    if (ttl <= 0)
        return "0";
    return QByteArray::number(std::max<qint64>(1, (ttl + kMillisecond - 1) / kMillisecond));
}

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
    const bool timed = record.computeTime > 0;
    out += char((record.absent ? 1 : 0) | (record.pending ? 2 : 0) | (timed ? kHasComputeTime : 0));
    char number[8];
    qToBigEndian<qint64>(record.version, number);
    out.append(number, 8);
    if (timed) {
        qToBigEndian<qint64>(record.computeTime, number);
        out.append(number, 8);
    }
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
    qsizetype at = kHeader;
    if ((bytes[3] & kHasComputeTime) != 0) {
        if (bytes.size() < kHeader + 8)
            return std::nullopt;
        r.computeTime = qFromBigEndian<qint64>(bytes.constData() + kHeader);
        at += 8;
    }
    r.value = bytes.mid(at);
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
    if (m_options.eventLoop) {
        m_async = newAsyncConnection();
        m_asyncSubscriber = newAsyncConnection();
    }
}

RedisStore::~RedisStore() = default;

std::unique_ptr<AsyncRedisConnection> RedisStore::newAsyncConnection() const
{
    return std::make_unique<AsyncRedisConnection>(m_url, m_options.connectTimeoutMs,
                                                  m_options.commandTimeoutMs);
}

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

RedisValue RedisStore::command(const QList<QByteArray> &args)
{
    const Commands commands{args};
    std::vector<RedisValue> values = pipeline(commands);
    checkReplies(commands, values);
    return std::move(values.front());
}

std::vector<RedisValue> RedisStore::pipeline(const Commands &commands)
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
    std::vector<RedisValue> values;
    values.reserve(std::size_t(commands.size()));
    for (qsizetype i = 0; i < commands.size(); ++i) {
        void *raw = nullptr;
        if (redisGetReply(c, &raw) != REDIS_OK || !raw)
            lost(QString::fromLatin1(commands[i].first()));
        const Reply r(static_cast<redisReply *>(raw));
        values.push_back(RedisValue::of(r.get()));
    }
    return values;
}

namespace {

// Suspends a coroutine until an asynchronous pipeline has its answer. The state is shared with
// the connection's callback, so a coroutine destroyed while it waits (its lab went away) is
// never resumed.
struct AwaitAnswer
{
    struct State
    {
        RedisAnswer answer;
        std::coroutine_handle<> waiting; // set once the coroutine is really suspended
        bool answered = false;
        bool abandoned = false;
    };

    AsyncRedisConnection &connection;
    RedisStore::Commands commands;
    std::function<void(std::coroutine_handle<>)> resume;
    std::shared_ptr<State> state = std::make_shared<State>();

    AwaitAnswer(AsyncRedisConnection &c, RedisStore::Commands cmds,
                std::function<void(std::coroutine_handle<>)> r)
        : connection(c)
        , commands(std::move(cmds))
        , resume(std::move(r))
    {}
    AwaitAnswer(const AwaitAnswer &) = delete;
    AwaitAnswer &operator=(const AwaitAnswer &) = delete;
    ~AwaitAnswer() { state->abandoned = !state->answered; }

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h)
    {
        connection.send(std::move(commands), [s = state, resume = resume](RedisAnswer a) {
            s->answer = std::move(a);
            s->answered = true;
            if (s->waiting && !s->abandoned)
                resume(s->waiting);
        });
        if (state->answered)
            return false; // failed at once, inside send(): go on without suspending
        state->waiting = h;
        return true;
    }
    RedisAnswer await_resume() { return std::move(state->answer); }
};

} // namespace

Task<std::vector<RedisValue>> RedisStore::pipelineAsync(Commands commands)
{
    const Commands sent = commands;
    RedisAnswer answer = co_await AwaitAnswer(*m_async, std::move(commands),
                                              [this](std::coroutine_handle<> h) { resume(h); });
    if (answer.error)
        throw *answer.error;
    checkReplies(sent, answer.values);
    co_return std::move(answer.values);
}

void RedisStore::waitForReplies(int timeoutMs)
{
    if (m_async)
        m_async->waitForReplies(timeoutMs);
}

void RedisStore::checkReplies(const Commands &commands, const std::vector<RedisValue> &values) const
{
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!values[i].isError())
            continue;
        const QString message = QString::fromUtf8(values[i].text);
        if (message.startsWith(u"NOAUTH") || message.startsWith(u"WRONGPASS"))
            throw CacheError(
                CacheError::Kind::Authentication,
                tr("Redis at %1 asks for a password again: %2").arg(m_url.where(), message));
        throw CacheError(CacheError::Kind::Protocol,
                         tr("Redis at %1 answered %2 with an error: %3")
                             .arg(m_url.where(),
                                  QString::fromLatin1(commands.value(qsizetype(i)).value(0)),
                                  message));
    }
}

std::optional<CachedRecord> RedisStore::getReply(const std::vector<RedisValue> &r) const
{
    if (!r[0].isString())
        return std::nullopt;
    return recordOf(r[0].text);
}

RedisStore::Commands RedisStore::getWithTtlCommand(const QString &k) const
{
    const QByteArray name = key(k);
    return {{"GET", name}, {"PTTL", name}};
}

std::optional<std::pair<CachedRecord, TimeUs>>
RedisStore::getWithTtlReply(const std::vector<RedisValue> &r) const
{
    if (!r[0].isString())
        return std::nullopt;
    const auto record = recordOf(r[0].text);
    if (!record)
        return std::nullopt;
    const long long ms = r[1].isInteger() ? r[1].integer : -1;
    return std::pair{*record, ms < 0 ? TimeUs(-1) : TimeUs(ms) * kMillisecond};
}

RedisStore::Commands RedisStore::setCommand(const QString &k, const CachedRecord &record,
                                            TimeUs ttl) const
{
    // Every change voids the key's lease (the second command), so no slow reader's fill can
    // put an older value back over it.
    if (record.absent && !m_options.versioned) {
        // Plain values have no room for "no such row": the next read goes to the database.
        return {{"DEL", key(k)}, {"DEL", leaseKey(k)}};
    }
    if (ttl > 0)
        return {{"SET", key(k), valueOf(record), "PX", milliseconds(ttl)}, {"DEL", leaseKey(k)}};
    return {{"SET", key(k), valueOf(record)}, {"DEL", leaseKey(k)}};
}

RedisStore::Commands RedisStore::getOrLeaseCommand(const QString &k, TimeUs leaseTtl) const
{
    return {{"EVAL", kGetOrLease, "3", key(k), leaseKey(k), key(QStringLiteral("(leases)")),
             milliseconds(std::max<TimeUs>(1, leaseTtl))}};
}

LeaseLookup RedisStore::getOrLeaseReply(const std::vector<RedisValue> &r) const
{
    LeaseLookup result;
    const QList<RedisValue> &e = r[0].elements;
    if (e.size() == 3 && e[0].integer == 1 && e[1].isString()) {
        if (const auto record = recordOf(e[1].text)) {
            const long long ms = e[2].isInteger() ? e[2].integer : -1;
            result.hit = std::pair{*record, ms < 0 ? TimeUs(-1) : TimeUs(ms) * kMillisecond};
        }
        return result;
    }
    if (e.size() == 2 && e[1].isInteger())
        result.token = quint64(std::max<long long>(0, e[1].integer));
    return result;
}

RedisStore::Commands RedisStore::fillWithLeaseCommand(const QString &k, const CachedRecord &record,
                                                      TimeUs ttl, quint64 token) const
{
    return {{"EVAL", kFillWithLease, "2", key(k), leaseKey(k), QByteArray::number(token),
             valueOf(record), milliseconds(ttl)}};
}

bool RedisStore::removeReply(const std::vector<RedisValue> &r)
{
    return r[0].isInteger() && r[0].integer > 0;
}

LeaseLookup RedisStore::getOrLease(const QString &k, TimeUs leaseTtl)
{
    const Commands c = getOrLeaseCommand(k, leaseTtl);
    const auto r = pipeline(c);
    checkReplies(c, r);
    return getOrLeaseReply(r);
}

bool RedisStore::fillWithLease(const QString &k, const CachedRecord &record, TimeUs ttl,
                               quint64 token)
{
    const Commands c = fillWithLeaseCommand(k, record, ttl, token);
    const auto r = pipeline(c);
    checkReplies(c, r);
    return r[0].isInteger() && r[0].integer == 1;
}

Task<LeaseLookup> RedisStore::getOrLeaseAsync(QString k, TimeUs leaseTtl)
{
    co_return getOrLeaseReply(co_await pipelineAsync(getOrLeaseCommand(k, leaseTtl)));
}

Task<bool> RedisStore::fillWithLeaseAsync(QString k, CachedRecord record, TimeUs ttl, quint64 token)
{
    const auto r = co_await pipelineAsync(fillWithLeaseCommand(k, record, ttl, token));
    co_return r[0].isInteger() && r[0].integer == 1;
}

QList<QByteArray> RedisStore::listRangeReply(const std::vector<RedisValue> &r)
{
    QList<QByteArray> items;
    for (const RedisValue &v : r[0].elements)
        items.append(v.text);
    return items;
}

RedisStore::Commands RedisStore::listRemoveCommand(const QString &list,
                                                   const QList<QByteArray> &items) const
{
    Commands commands;
    const QByteArray name = key(list);
    for (const QByteArray &item : items)
        commands.append({"LREM", name, "1", item});
    return commands;
}

std::optional<CachedRecord> RedisStore::get(const QString &k)
{
    const Commands c = getCommand(k);
    const auto r = pipeline(c);
    checkReplies(c, r);
    return getReply(r);
}

std::optional<std::pair<CachedRecord, TimeUs>> RedisStore::getWithTtl(const QString &k)
{
    const Commands c = getWithTtlCommand(k);
    const auto r = pipeline(c);
    checkReplies(c, r);
    return getWithTtlReply(r);
}

void RedisStore::set(const QString &k, const CachedRecord &record, TimeUs ttl)
{
    const Commands c = setCommand(k, record, ttl);
    checkReplies(c, pipeline(c));
}

bool RedisStore::remove(const QString &k)
{
    const Commands c = removeCommand(k);
    const auto r = pipeline(c);
    checkReplies(c, r);
    return removeReply(r);
}

std::optional<TimeUs> RedisStore::ttl(const QString &k)
{
    const RedisValue r = command({"PTTL", key(k)});
    if (!r.isInteger() || r.integer == -2)
        return std::nullopt;
    return r.integer < 0 ? TimeUs(-1) : TimeUs(r.integer) * kMillisecond;
}

void RedisStore::listPush(const QString &list, const QByteArray &item)
{
    const Commands c = listPushCommand(list, item);
    checkReplies(c, pipeline(c));
}

QList<QByteArray> RedisStore::listRange(const QString &list)
{
    const Commands c = listRangeCommand(list);
    const auto r = pipeline(c);
    checkReplies(c, r);
    return listRangeReply(r);
}

void RedisStore::listRemove(const QString &list, const QList<QByteArray> &items)
{
    if (items.isEmpty())
        return;
    const Commands c = listRemoveCommand(list, items);
    checkReplies(c, pipeline(c));
}

void RedisStore::publish(const QString &channel, const QByteArray &message)
{
    const Commands c = publishCommand(channel, message);
    checkReplies(c, pipeline(c));
    published(channel, message);
}

void RedisStore::published(const QString &channel, const QByteArray &message)
{
    const bool listening = std::any_of(m_subscriptions.cbegin(), m_subscriptions.cend(),
                                       [&](const Subscription &s) { return s.channel == channel; });
    if (listening && m_subscriber)
        m_ownInFlight.append(key(channel) + '\n' + message);
}

Task<std::optional<CachedRecord>> RedisStore::getAsync(QString k)
{
    co_return getReply(co_await pipelineAsync(getCommand(k)));
}

Task<std::optional<std::pair<CachedRecord, TimeUs>>> RedisStore::getWithTtlAsync(QString k)
{
    co_return getWithTtlReply(co_await pipelineAsync(getWithTtlCommand(k)));
}

Task<void> RedisStore::setAsync(QString k, CachedRecord record, TimeUs ttl)
{
    co_await pipelineAsync(setCommand(k, record, ttl));
}

Task<bool> RedisStore::removeAsync(QString k)
{
    co_return removeReply(co_await pipelineAsync(removeCommand(k)));
}

Task<void> RedisStore::listPushAsync(QString list, QByteArray item)
{
    co_await pipelineAsync(listPushCommand(list, item));
}

Task<QList<QByteArray>> RedisStore::listRangeAsync(QString list)
{
    co_return listRangeReply(co_await pipelineAsync(listRangeCommand(list)));
}

Task<void> RedisStore::listRemoveAsync(QString list, QList<QByteArray> items)
{
    if (!items.isEmpty())
        co_await pipelineAsync(listRemoveCommand(list, items));
}

Task<void> RedisStore::publishAsync(QString channel, QByteArray message)
{
    co_await pipelineAsync(publishCommand(channel, message));
    published(channel, message);
}

QByteArray RedisStore::scanPattern() const
{
    return globEscaped(m_options.prefix.toUtf8()) + '*';
}

QList<CacheItem> RedisStore::itemsOf(const QList<QByteArray> &keys,
                                     const std::vector<RedisValue> &typeGetTtl) const
{
    QList<CacheItem> items;
    const qsizetype prefixLength = m_options.prefix.toUtf8().size();
    for (qsizetype i = 0; i < keys.size(); ++i) {
        // Lists (durable queues) live under the prefix too: only strings are entries.
        const RedisValue &type = typeGetTtl[std::size_t(3 * i)];
        const RedisValue &value = typeGetTtl[std::size_t(3 * i + 1)];
        const RedisValue &ttl = typeGetTtl[std::size_t(3 * i + 2)];
        if (type.text != "string" || !value.isString())
            continue;
        const auto record = recordOf(value.text);
        if (!record)
            continue;
        const long long ms = ttl.isInteger() ? ttl.integer : -1;
        items.append(CacheItem{QString::fromUtf8(keys[i].mid(prefixLength)), *record,
                               ms < 0 ? TimeUs(-1) : TimeUs(ms) * kMillisecond});
    }
    std::sort(items.begin(), items.end(),
              [](const CacheItem &a, const CacheItem &b) { return a.key < b.key; });
    return items;
}

namespace {

RedisStore::Commands typeGetTtlOf(const QList<QByteArray> &keys)
{
    RedisStore::Commands commands;
    commands.reserve(3 * keys.size());
    for (const QByteArray &name : keys)
        commands << QList<QByteArray>{"TYPE", name} << QList<QByteArray>{"GET", name}
                 << QList<QByteArray>{"PTTL", name};
    return commands;
}

// SCAN's reply: the next cursor and a page of keys.
bool readScanPage(const RedisValue &r, QByteArray &cursor, QList<QByteArray> &keys)
{
    if (!r.isArray() || r.elements.size() != 2)
        return false;
    cursor = r.elements[0].text;
    for (const RedisValue &k : r.elements[1].elements)
        keys.append(k.text);
    return true;
}

} // namespace

QList<CacheItem> RedisStore::scan()
{
    QList<QByteArray> keys;
    QByteArray cursor = "0";
    do {
        if (!readScanPage(command({"SCAN", cursor, "MATCH", scanPattern(), "COUNT", "500"}), cursor,
                          keys))
            break;
    } while (cursor != "0");
    if (keys.isEmpty())
        return {};
    return itemsOf(keys, pipeline(typeGetTtlOf(keys)));
}

void RedisStore::scanAsync(std::function<void(QList<CacheItem>)> done,
                           std::function<void(const QString &)> failed)
{
    if (!m_async) {
        CacheStore::scanAsync(std::move(done), std::move(failed));
        return;
    }
    scanFrom("0", std::make_shared<QList<QByteArray>>(), std::move(done), std::move(failed));
}

void RedisStore::scanFrom(QByteArray cursor, std::shared_ptr<QList<QByteArray>> keys,
                          std::function<void(QList<CacheItem>)> done,
                          std::function<void(const QString &)> failed)
{
    // Page by page, then every entry in one pipeline; each step waits on the event loop.
    m_async->send({{"SCAN", cursor, "MATCH", scanPattern(), "COUNT", "500"}},
                  [this, keys, done, failed](RedisAnswer page) {
                      QByteArray next;
                      if (page.error) {
                          failed(page.error->message());
                          return;
                      }
                      if (!readScanPage(page.values.front(), next, *keys) || next == "0") {
                          if (keys->isEmpty()) {
                              done({});
                              return;
                          }
                          m_async->send(typeGetTtlOf(*keys),
                                        [this, keys, done, failed](RedisAnswer entries) {
                                            if (entries.error)
                                                failed(entries.error->message());
                                            else
                                                done(itemsOf(*keys, entries.values));
                                        });
                          return;
                      }
                      scanFrom(next, keys, done, failed);
                  });
}

void RedisStore::clear()
{
    QByteArray cursor = "0";
    do {
        QList<QByteArray> found;
        if (!readScanPage(command({"SCAN", cursor, "MATCH", scanPattern(), "COUNT", "500"}), cursor,
                          found))
            break;
        if (found.isEmpty())
            continue;
        QList<QByteArray> unlink{"UNLINK"};
        unlink.append(found);
        command(unlink);
    } while (cursor != "0");
}

int RedisStore::subscribe(const QString &channel, Subscriber subscriber)
{
    const int id = m_nextSubscription++;
    m_subscriptions.insert(id, Subscription{channel, std::move(subscriber)});
    // A new connection subscribes to every channel, this one included.
    m_subscriber.reset();
    if (m_asyncSubscriber)
        m_asyncSubscriber = newAsyncConnection();
    m_subscriberRetryAtMs = 0;
    resubscribe();
    if (m_asyncSubscriber) // set-up: listening when this returns, as on the blocking path
        m_asyncSubscriber->waitUntilConfirmed(m_options.connectTimeoutMs);
    return id;
}

void RedisStore::unsubscribe(int id)
{
    m_subscriptions.remove(id);
    if (m_subscriptions.isEmpty()) {
        m_subscriber.reset();
        if (m_asyncSubscriber)
            m_asyncSubscriber = newAsyncConnection();
    }
}

QList<QByteArray> RedisStore::subscribedChannels() const
{
    QList<QByteArray> channels;
    for (const auto &s : std::as_const(m_subscriptions)) {
        if (!channels.contains(key(s.channel)))
            channels.append(key(s.channel));
    }
    return channels;
}

void RedisStore::deliver(const QByteArray &channel, const QByteArray &message)
{
    m_ownInFlight.removeOne(channel + '\n' + message);
    const auto subscriptions = m_subscriptions; // a subscriber may unsubscribe
    for (const auto &s : subscriptions) {
        if (key(s.channel) == channel)
            s.subscriber(s.channel, message);
    }
}

void RedisStore::resubscribeAsync()
{
    if (m_subscriptions.isEmpty() || m_asyncSubscriber->subscribed() ||
        m_clock.elapsed() < m_subscriberRetryAtMs)
        return;
    m_asyncSubscriber->subscribe(
        subscribedChannels(),
        [this](const QByteArray &channel, const QByteArray &message) { deliver(channel, message); },
        [this](const CacheError &) {
            m_subscriberRetryAtMs = m_clock.elapsed() + 1000; // missed messages are the lesson
        });
}

void RedisStore::resubscribe()
{
    if (m_asyncSubscriber) {
        resubscribeAsync();
        return;
    }
    if (m_subscriptions.isEmpty() || m_subscriber || m_clock.elapsed() < m_subscriberRetryAtMs)
        return;
    try {
        Context c = connect();
        for (const QByteArray &channel : subscribedChannels()) {
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
    if (m_asyncSubscriber) {
        // Messages come on the event loop; this only takes in what is there already, for
        // a caller driving time without one (a paced lab).
        m_asyncSubscriber->poll(0);
        return;
    }
    if (!m_subscriber) {
        m_ownInFlight.clear(); // sent while no one listened: lost, as on a real network
        return;
    }
    QDeadlineTimer deadline(1000);
    for (;;) {
        // Wait only while our own messages are still on their way, and never for long.
        // (On an event loop nothing waits: a GUI keeps drawing, and the message comes later.)
        const int timeoutMs = m_ownInFlight.isEmpty() || m_async
                                  ? 0
                                  : int(std::max<qint64>(0, deadline.remainingTime()));
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
            deliver(bytes(r->element[1]), bytes(r->element[2]));
        }
    }
}

} // namespace cachelab
