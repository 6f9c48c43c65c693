#pragma once

#include "caller.h"

#include "../database/database.h"
#include "../metrics/metrics.h"
#include "../patterns/options.h"
#include "../store/cachestore.h"
#include "../time/scheduler.h"
#include "../trace/tracelog.h"

#include <QCoreApplication>

#include <functional>

namespace cachelab {

/// What every proxy needs: the clock, the trace, the counters, the latencies.
struct ProxyEnv
{
    Scheduler &scheduler;
    TraceLog &trace;
    Metrics &metrics;
    const Latencies &latencies;
};

/// The shared cache as the patterns call it. Each call is drawn as a message, charged its
/// modelled latency (it takes effect half-way, its reply arrives at the end), and fails while
/// the cache is marked down. So every arrow on the diagram is a call that really happened.
class CacheProxy
{
    Q_DECLARE_TR_FUNCTIONS(CacheProxy)

public:
    CacheProxy(ProxyEnv env, CacheStore &store);

    CacheStore &store() { return *m_store; }
    void setStore(CacheStore &store) { m_store = &store; }
    bool failing() const { return m_failing; }
    void setFailing(bool failing) { m_failing = failing; }
    bool writesFailing() const { return m_writesFailing; }
    void setWritesFailing(bool failing) { m_writesFailing = failing; }

    Task<std::optional<CachedRecord>> get(Caller c, const QString &key);
    Task<std::optional<std::pair<CachedRecord, TimeUs>>> getWithTtl(Caller c, QString key);
    Task<void> set(Caller c, QString key, CachedRecord record, TimeUs ttl);
    Task<bool> remove(Caller c, QString key);
    /// lease=on: the entry, or a miss that hands the reader the key's lease (token > 0), or a
    /// miss while somebody else holds it (token 0).
    Task<LeaseLookup> getOrLease(Caller c, QString key, TimeUs leaseTtl);
    /// Fills `key` only if lease `token` still holds; false (drawn as refused) when voided.
    Task<bool> fillWithLease(Caller c, QString key, CachedRecord record, TimeUs ttl, quint64 token);
    Task<void> publish(Caller c, QString channel, QString key, QByteArray message);
    Task<void> listPush(Caller c, QString list, QString key, QByteArray item);
    Task<QList<QByteArray>> listRange(Caller c, QString list);
    Task<void> listRemove(Caller c, QString list, QList<QByteArray> items);

private:
    TimeUs sendCall(const Caller &c, Verb verb, const QString &key, const QByteArray &value = {},
                    qint64 version = 0, qint64 number = 0, quint8 flags = 0);
    void sendReply(const Caller &c, Verb verb, const QString &key, TimeUs duration,
                   const TraceEvent &details = {});
    /// The failure a call meets while the cache is marked down (or full, for a write).
    std::optional<CacheError> down(bool write = false) const;
    /// One modelled call answered with OK: drawn, charged its latency, the command done
    /// half-way (unless the cache is down) — `op(reply)` on a synchronous store, `co_await
    /// asyncOp(reply)` on an asynchronous one — the reply drawn, the failure (if any) thrown
    /// at the end.
    template<typename Op, typename AsyncOp>
    Task<void> call(Caller c, Verb verb, QString key, TraceEvent sent, Op op, AsyncOp asyncOp);
    void replyFailure(const Caller &c, const QString &key, TimeUs duration, const CacheError &e);

    ProxyEnv m_env;
    CacheStore *m_store;
    bool m_failing = false;
    bool m_writesFailing = false;
};

/// The database as the patterns call it; the same idea as CacheProxy.
class DatabaseProxy
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseProxy)

public:
    DatabaseProxy(ProxyEnv env, Database &db);

    Database &database() { return m_db; }
    bool failing() const { return m_failing; }
    void setFailing(bool failing) { m_failing = failing; }

    Task<std::optional<Record>> load(Caller c, const QString &key);
    Task<qint64> store(Caller c, QString key, QByteArray value);
    Task<qint64> remove(Caller c, QString key);
    /// The change-data-capture relay reads the change log after `sequence` (cdc=on). A poll
    /// that finds nothing new is not drawn, or the diagram would be nothing but polls.
    Task<QList<Change>> readChanges(Caller c, qint64 sequence);
    /// One transaction. `onCommitted` runs at the moment the rows are committed (before the
    /// reply travels back), so a crash in between can tell what reached the database.
    Task<QList<qint64>> writeBatch(Caller c, QList<RowWrite> rows,
                                   std::function<void()> onCommitted = {});

    /// A write inside a transaction that is still open: done, not committed (textbook
    /// write-through). `version` is the one a commit would give it.
    struct OpenWrite
    {
        QString key;
        QByteArray value;
        qint64 version = 0;
    };
    /// Sends the write of a transaction that stays open across calls. Nothing is committed:
    /// the lab holds the row until commit(), which applies it in one transaction.
    Task<OpenWrite> writeUncommitted(Caller c, QString key, QByteArray value);
    /// Commits an open write; on a failure the row is never written and the value is
    /// remembered as one whose commit failed.
    Task<qint64> commit(Caller c, OpenWrite write);
    /// Whether `value` at `version` of `key` is a value whose commit failed: a read that
    /// returns it is a dirty read.
    bool commitFailed(const QString &key, qint64 version, const QByteArray &value) const;

private:
    ProxyEnv m_env;
    Database &m_db;
    bool m_failing = false;
    QList<OpenWrite> m_failedCommits;
};

} // namespace cachelab
