#include "proxies.h"

#include <algorithm>

#include <QCoreApplication>

namespace cachelab {

namespace {

TimeUs firstHalf(TimeUs latency)
{
    return latency / 2;
}

void record(TraceLog &trace, const Caller &c, TimeUs now, TimeUs duration, Participant from,
            Participant to, EventKind kind, Verb verb, const QString &key, TraceEvent details = {})
{
    details.opId = c.opId;
    details.time = now;
    details.duration = duration;
    details.from = from;
    details.to = to;
    details.kind = kind;
    details.verb = verb;
    details.key = key;
    if (c.from.role == Role::Queue || c.from.role == Role::Refresher || c.from.role == Role::Relay)
        details.flags |= Background;
    trace.record(std::move(details));
}

/// What a hit's reply carries: the entry, and its remaining TTL when the call asked for it.
TraceEvent hitDetails(const CachedRecord &entry, qint64 ttl = 0)
{
    TraceEvent details;
    details.value = entry.value;
    details.version = entry.version;
    details.number = ttl;
    details.flags = (entry.absent ? Negative : NoFlags) | (entry.pending ? Pending : NoFlags);
    return details;
}

} // namespace

// --- CacheProxy ----------------------------------------------------------------------------

CacheProxy::CacheProxy(ProxyEnv env, CacheStore &store)
    : m_env(env)
    , m_store(&store)
{}

TimeUs CacheProxy::sendCall(const Caller &c, Verb verb, const QString &key, const QByteArray &value,
                            qint64 version, qint64 number, quint8 flags)
{
    const TimeUs half = firstHalf(m_env.latencies.cache);
    if (m_env.trace.enabled()) {
        TraceEvent details;
        details.value = value;
        details.version = version;
        details.number = number;
        details.flags = flags;
        record(m_env.trace, c, m_env.scheduler.now(), half, c.from, Participant::cache(),
               EventKind::Call, verb, key, std::move(details));
    }
    return half;
}

void CacheProxy::sendReply(const Caller &c, Verb verb, const QString &key, TimeUs duration,
                           const TraceEvent &details)
{
    if (m_env.trace.enabled()) {
        record(m_env.trace, c, m_env.scheduler.now(), duration, Participant::cache(), c.from,
               EventKind::Return, verb, key, details);
    }
}

std::optional<CacheError> CacheProxy::down(bool write) const
{
    if (m_failing)
        return CacheError(CacheError::Kind::Unavailable, tr("the cache is down"));
    if (write && m_writesFailing) // Redis's own words at maxmemory with noeviction
        return CacheError(CacheError::Kind::Protocol,
                          tr("OOM command not allowed when used memory > 'maxmemory'"));
    return std::nullopt;
}

void CacheProxy::replyFailure(const Caller &c, const QString &key, TimeUs duration,
                              const CacheError &e)
{
    m_env.metrics.addError(c.from.client, e.message());
    TraceEvent details;
    details.flags = Failure;
    details.text = e.message();
    sendReply(c, Verb::Failed, key, duration, details);
}

Task<std::optional<CachedRecord>> CacheProxy::get(Caller c, const QString &key)
{
    const TimeUs half = sendCall(c, Verb::Get, key);
    co_await m_env.scheduler.sleep(half);
    c.checkAlive();
    std::optional<CachedRecord> result;
    std::optional<CacheError> error = down();
    if (!error) {
        try {
            // (An if, not ?: : GCC 12 awaited getAsync() through ?: on a synchronous store.)
            if (m_store->asynchronous())
                result = co_await m_store->getAsync(key);
            else
                result = m_store->get(key);
        } catch (const CacheError &e) {
            error = e;
        }
    }
    const TimeUs rest = m_env.latencies.cache - half;
    if (error) {
        replyFailure(c, key, rest, *error);
    } else if (m_env.trace.enabled()) {
        sendReply(c, result ? Verb::Hit : Verb::Miss, key, rest,
                  result ? hitDetails(*result) : TraceEvent{});
    }
    co_await m_env.scheduler.sleep(rest);
    c.checkAlive();
    if (error)
        throw *error;
    co_return result;
}

Task<std::optional<std::pair<CachedRecord, TimeUs>>> CacheProxy::getWithTtl(Caller c, QString key)
{
    const TimeUs half = sendCall(c, Verb::GetWithTtl, key);
    co_await m_env.scheduler.sleep(half);
    c.checkAlive();
    std::optional<std::pair<CachedRecord, TimeUs>> result;
    std::optional<CacheError> error = down();
    if (!error) {
        try {
            if (m_store->asynchronous())
                result = co_await m_store->getWithTtlAsync(key);
            else
                result = m_store->getWithTtl(key);
        } catch (const CacheError &e) {
            error = e;
        }
    }
    const TimeUs rest = m_env.latencies.cache - half;
    if (error) {
        replyFailure(c, key, rest, *error);
    } else if (m_env.trace.enabled()) {
        sendReply(c, result ? Verb::Hit : Verb::Miss, key, rest,
                  result ? hitDetails(result->first, result->second) : TraceEvent{});
    }
    co_await m_env.scheduler.sleep(rest);
    c.checkAlive();
    if (error)
        throw *error;
    co_return result;
}

Task<LeaseLookup> CacheProxy::getOrLease(Caller c, QString key, TimeUs leaseTtl)
{
    const TimeUs half = sendCall(c, Verb::LeaseGet, key);
    co_await m_env.scheduler.sleep(half);
    c.checkAlive();
    LeaseLookup result;
    std::optional<CacheError> error = down();
    if (!error) {
        try {
            if (m_store->asynchronous())
                result = co_await m_store->getOrLeaseAsync(key, leaseTtl);
            else
                result = m_store->getOrLease(key, leaseTtl);
        } catch (const CacheError &e) {
            error = e;
        }
    }
    const TimeUs rest = m_env.latencies.cache - half;
    if (error) {
        replyFailure(c, key, rest, *error);
    } else if (m_env.trace.enabled()) {
        TraceEvent details;
        Verb verb = Verb::LeaseOut;
        if (result.hit) {
            verb = Verb::Hit;
            details = hitDetails(result.hit->first, result.hit->second);
        } else if (result.token > 0) {
            verb = Verb::Miss;
            details.number = qint64(result.token);
        }
        sendReply(c, verb, key, rest, details);
    }
    co_await m_env.scheduler.sleep(rest);
    c.checkAlive();
    if (error)
        throw *error;
    co_return result;
}

Task<bool> CacheProxy::fillWithLease(Caller c, QString key, CachedRecord record, TimeUs ttl,
                                     quint64 token)
{
    const TimeUs half = sendCall(c, Verb::LeaseSet, key, record.value, record.version,
                                 qint64(token), record.absent ? Negative : NoFlags);
    co_await m_env.scheduler.sleep(half);
    c.checkAlive();
    bool filled = false;
    std::optional<CacheError> error = down(true);
    if (!error) {
        try {
            if (m_store->asynchronous())
                filled = co_await m_store->fillWithLeaseAsync(key, record, ttl, token);
            else
                filled = m_store->fillWithLease(key, record, ttl, token);
        } catch (const CacheError &e) {
            error = e;
        }
    }
    const TimeUs rest = m_env.latencies.cache - half;
    if (error) {
        replyFailure(c, key, rest, *error);
    } else if (m_env.trace.enabled()) {
        TraceEvent details;
        details.number = qint64(token);
        sendReply(c, filled ? Verb::Ok : Verb::LeaseVoided, key, rest, details);
    }
    co_await m_env.scheduler.sleep(rest);
    c.checkAlive();
    if (error)
        throw *error;
    co_return filled;
}

template<typename Op, typename AsyncOp>
Task<void> CacheProxy::call(Caller c, Verb verb, QString key, TraceEvent sent, Op op,
                            AsyncOp asyncOp)
{
    const TimeUs half = firstHalf(m_env.latencies.cache);
    if (m_env.trace.enabled()) {
        record(m_env.trace, c, m_env.scheduler.now(), half, c.from, Participant::cache(),
               EventKind::Call, verb, key, std::move(sent));
    }
    co_await m_env.scheduler.sleep(half);
    c.checkAlive();
    TraceEvent reply;
    std::optional<CacheError> error = down(verb != Verb::ListRead); // every other call here writes
    if (!error) {
        try {
            if (m_store->asynchronous())
                co_await asyncOp(reply);
            else
                op(reply);
        } catch (const CacheError &e) {
            error = e;
        }
    }
    const TimeUs rest = m_env.latencies.cache - half;
    if (error)
        replyFailure(c, key, rest, *error);
    else
        sendReply(c, Verb::Ok, key, rest, reply);
    co_await m_env.scheduler.sleep(rest);
    c.checkAlive();
    if (error)
        throw *error;
}

// Each command below twice: run at once on a synchronous store, awaited on an asynchronous
// one (whose Task is only made when it is used: the embedded store never pays for a frame).

Task<void> CacheProxy::set(Caller c, QString key, CachedRecord record, TimeUs ttl)
{
    TraceEvent sent;
    if (m_env.trace.enabled()) {
        sent.value = record.value;
        sent.version = record.version;
        sent.number = ttl;
        sent.flags = (record.absent ? Negative : NoFlags) | (record.pending ? Pending : NoFlags);
    }
    co_await call(
        c, Verb::Set, key, std::move(sent), [&](TraceEvent &) { m_store->set(key, record, ttl); },
        [&](TraceEvent &) { return m_store->setAsync(key, record, ttl); });
}

Task<bool> CacheProxy::remove(Caller c, QString key)
{
    bool removed = false;
    co_await call(
        c, Verb::Del, key, {}, [&](TraceEvent &) { removed = m_store->remove(key); },
        [&](TraceEvent &) -> Task<void> { removed = co_await m_store->removeAsync(key); });
    co_return removed;
}

Task<void> CacheProxy::publish(Caller c, QString channel, QString key, QByteArray message)
{
    co_await call(
        c, Verb::Publish, key, {}, [&](TraceEvent &) { m_store->publish(channel, message); },
        [&](TraceEvent &) { return m_store->publishAsync(channel, message); });
}

Task<void> CacheProxy::listPush(Caller c, QString list, QString key, QByteArray item)
{
    co_await call(
        c, Verb::ListPush, key, {}, [&](TraceEvent &) { m_store->listPush(list, item); },
        [&](TraceEvent &) { return m_store->listPushAsync(list, item); });
}

Task<QList<QByteArray>> CacheProxy::listRange(Caller c, QString list)
{
    QList<QByteArray> items;
    co_await call(
        c, Verb::ListRead, QString(), {},
        [&](TraceEvent &reply) {
            items = m_store->listRange(list);
            reply.number = items.size(); // the reply says how many came back
        },
        [&](TraceEvent &reply) -> Task<void> {
            items = co_await m_store->listRangeAsync(list);
            reply.number = items.size();
        });
    co_return items;
}

Task<void> CacheProxy::listRemove(Caller c, QString list, QList<QByteArray> items)
{
    TraceEvent sent;
    sent.number = items.size();
    co_await call(
        c, Verb::ListAck, QString(), std::move(sent),
        [&](TraceEvent &) { m_store->listRemove(list, items); },
        [&](TraceEvent &) { return m_store->listRemoveAsync(list, items); });
}

// --- DatabaseProxy -------------------------------------------------------------------------

DatabaseProxy::DatabaseProxy(ProxyEnv env, Database &db)
    : m_env(env)
    , m_db(db)
{}

namespace {

// The database half of a call: trace, latency, fault, the same shape for every statement.
struct DbCall
{
    ProxyEnv &env;
    const Caller &c;
    TimeUs latency;

    TimeUs send(Verb verb, const QString &key, TraceEvent details = {}) const
    {
        const TimeUs half = firstHalf(latency);
        if (env.trace.enabled()) {
            record(env.trace, c, env.scheduler.now(), half, c.from, Participant::db(),
                   EventKind::Call, verb, key, std::move(details));
        }
        return half;
    }
    void reply(Verb verb, const QString &key, TraceEvent details = {}) const
    {
        if (env.trace.enabled()) {
            record(env.trace, c, env.scheduler.now(), latency - firstHalf(latency),
                   Participant::db(), c.from, EventKind::Return, verb, key, std::move(details));
        }
    }
    std::optional<DatabaseError> fail(const QString &key, const DatabaseError &e) const
    {
        env.metrics.addError(c.from.client, e.message());
        TraceEvent details;
        details.flags = Failure;
        details.text = e.message();
        reply(Verb::Failed, key, details);
        return e;
    }
};

DatabaseError databaseDown()
{
    return DatabaseError(DatabaseError::Kind::Unavailable,
                         DatabaseProxy::tr("the database is down"));
}

} // namespace

Task<std::optional<Record>> DatabaseProxy::load(Caller c, const QString &key)
{
    const DbCall call{m_env, c, m_env.latencies.dbRead};
    co_await m_env.scheduler.sleep(call.send(Verb::Select, key));
    c.checkAlive();
    m_env.metrics.add(Counter::DbReads, c.from.client);
    std::optional<Record> result;
    std::optional<DatabaseError> error;
    try {
        if (m_failing)
            throw databaseDown();
        result = m_db.load(key);
        TraceEvent details;
        if (result) {
            details.value = result->value;
            details.version = result->version;
        }
        call.reply(result ? Verb::Row : Verb::NoRow, key, details);
    } catch (const DatabaseError &e) {
        error = call.fail(key, e);
    }
    co_await m_env.scheduler.sleep(m_env.latencies.dbRead - firstHalf(m_env.latencies.dbRead));
    c.checkAlive();
    if (error)
        throw *error;
    co_return result;
}

Task<QList<Change>> DatabaseProxy::readChanges(Caller c, qint64 sequence)
{
    constexpr int kBatch = 1000; // changes relayed per poll, so a backlog cannot stall a poll
    const bool drawn = m_db.hasChangesAfter(sequence);
    const DbCall call{m_env, c, m_env.latencies.dbRead};
    TraceEvent sent;
    sent.number = sequence;
    const TimeUs half = firstHalf(call.latency);
    if (drawn)
        call.send(Verb::ChangeRead, QString(), sent);
    co_await m_env.scheduler.sleep(half);
    m_env.metrics.add(Counter::CdcPolls, c.from.client);
    QList<Change> changes;
    std::optional<DatabaseError> error;
    try {
        if (m_failing)
            throw databaseDown();
        changes = m_db.changesAfter(sequence, kBatch);
        if (drawn) {
            TraceEvent details;
            details.number = changes.size();
            call.reply(Verb::Changes, QString(), details);
        }
    } catch (const DatabaseError &e) {
        if (drawn)
            error = call.fail(QString(), e);
        else
            error = e;
    }
    co_await m_env.scheduler.sleep(call.latency - half);
    if (error)
        throw *error;
    co_return changes;
}

Task<qint64> DatabaseProxy::store(Caller c, QString key, QByteArray value)
{
    const DbCall call{m_env, c, m_env.latencies.dbWrite};
    TraceEvent sent;
    sent.value = value;
    co_await m_env.scheduler.sleep(call.send(Verb::Upsert, key, sent));
    c.checkAlive();
    qint64 version = 0;
    std::optional<DatabaseError> error;
    try {
        if (m_failing)
            throw databaseDown();
        version = m_db.store(key, value, m_env.scheduler.now());
        m_env.metrics.add(Counter::DbWrites, c.from.client);
        TraceEvent details;
        details.version = version;
        call.reply(Verb::Committed, key, details);
    } catch (const DatabaseError &e) {
        error = call.fail(key, e);
    }
    co_await m_env.scheduler.sleep(m_env.latencies.dbWrite - firstHalf(m_env.latencies.dbWrite));
    c.checkAlive();
    if (error)
        throw *error;
    co_return version;
}

Task<qint64> DatabaseProxy::remove(Caller c, QString key)
{
    const DbCall call{m_env, c, m_env.latencies.dbWrite};
    co_await m_env.scheduler.sleep(call.send(Verb::Delete, key));
    c.checkAlive();
    qint64 version = 0;
    std::optional<DatabaseError> error;
    try {
        if (m_failing)
            throw databaseDown();
        version = m_db.remove(key, m_env.scheduler.now());
        m_env.metrics.add(Counter::DbWrites, c.from.client);
        TraceEvent details;
        details.version = version;
        call.reply(Verb::Committed, key, details);
    } catch (const DatabaseError &e) {
        error = call.fail(key, e);
    }
    co_await m_env.scheduler.sleep(m_env.latencies.dbWrite - firstHalf(m_env.latencies.dbWrite));
    c.checkAlive();
    if (error)
        throw *error;
    co_return version;
}

Task<QList<qint64>> DatabaseProxy::writeBatch(Caller c, QList<RowWrite> rows,
                                              std::function<void()> onCommitted)
{
    const DbCall call{m_env, c, m_env.latencies.dbWrite};
    TraceEvent sent;
    sent.number = rows.size();
    const QString key = rows.size() == 1 ? rows.constFirst().key : QString();
    co_await m_env.scheduler.sleep(call.send(Verb::Batch, key, sent));
    c.checkAlive();
    QList<qint64> versions;
    std::optional<DatabaseError> error;
    try {
        if (m_failing)
            throw databaseDown();
        versions = m_db.writeBatch(rows, m_env.scheduler.now());
        m_env.metrics.add(Counter::DbWrites, c.from.client, rows.size());
        if (onCommitted)
            onCommitted();
        TraceEvent details;
        details.number = rows.size();
        details.version = versions.isEmpty() ? 0 : versions.constLast();
        call.reply(Verb::Committed, key, details);
    } catch (const DatabaseError &e) {
        error = call.fail(key, e);
    }
    co_await m_env.scheduler.sleep(m_env.latencies.dbWrite - firstHalf(m_env.latencies.dbWrite));
    c.checkAlive();
    if (error)
        throw *error;
    co_return versions;
}

Task<DatabaseProxy::OpenWrite> DatabaseProxy::writeUncommitted(Caller c, QString key,
                                                               QByteArray value)
{
    const DbCall call{m_env, c, m_env.latencies.dbWrite};
    TraceEvent sent;
    sent.value = value;
    co_await m_env.scheduler.sleep(call.send(Verb::TxUpsert, key, sent));
    c.checkAlive();
    OpenWrite write{key, value, 0};
    std::optional<DatabaseError> error;
    if (m_failing)
        error = call.fail(key, databaseDown());
    else {
        write.version = m_db.version(key) + 1;
        call.reply(Verb::Ok, key);
    }
    co_await m_env.scheduler.sleep(m_env.latencies.dbWrite - firstHalf(m_env.latencies.dbWrite));
    c.checkAlive();
    if (error)
        throw *error;
    co_return write;
}

Task<qint64> DatabaseProxy::commit(Caller c, OpenWrite write)
{
    const DbCall call{m_env, c, m_env.latencies.dbWrite};
    co_await m_env.scheduler.sleep(call.send(Verb::Commit, write.key));
    c.checkAlive();
    qint64 version = 0;
    std::optional<DatabaseError> error;
    try {
        if (m_failing)
            throw databaseDown();
        version = m_db.store(write.key, write.value, m_env.scheduler.now());
        m_env.metrics.add(Counter::DbWrites, c.from.client);
        // The same value committed after all: reading it is no longer dirty.
        m_failedCommits.removeIf([&](const OpenWrite &w) {
            return w.key == write.key && w.version == version && w.value == write.value;
        });
        TraceEvent details;
        details.version = version;
        call.reply(Verb::Committed, write.key, details);
    } catch (const DatabaseError &e) {
        m_failedCommits.append(write);
        error = call.fail(write.key, e);
    }
    co_await m_env.scheduler.sleep(m_env.latencies.dbWrite - firstHalf(m_env.latencies.dbWrite));
    c.checkAlive();
    if (error)
        throw *error;
    co_return version;
}

bool DatabaseProxy::commitFailed(const QString &key, qint64 version, const QByteArray &value) const
{
    return std::any_of(m_failedCommits.cbegin(), m_failedCommits.cend(), [&](const OpenWrite &w) {
        return w.version == version && w.key == key && w.value == value;
    });
}

} // namespace cachelab
