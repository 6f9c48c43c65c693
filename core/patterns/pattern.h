#pragma once

#include "options.h"
#include "singleflight.h"

#include "../lab/caller.h"
#include "../lab/proxies.h"
#include "../time/random.h"

#include <QList>
#include <QSet>

#include <functional>
#include <memory>

namespace cachelab {

/// Everything a pattern instance may use. Shared by all instances of a lab.
struct PatternEnv
{
    Scheduler &scheduler;
    CacheProxy &cache;
    DatabaseProxy &db;
    Metrics &metrics;
    TraceLog &trace;
    const PatternOptions &options;
    const Latencies &latencies;
    Random &random;
    int clients = 1;
    QString namespaceTag; ///< distinguishes this lab's queues and channels in a shared cache
    QString origin;       ///< unique per lab (process), so an instance ignores its own messages
};

/// What a read gave the application.
struct ReadResult
{
    bool found = false;
    QByteArray value;
    qint64 version = 0;   ///< the database version the value came from (or will get: pending)
    bool pending = false; ///< written ahead of the database (write-behind), not committed yet
};

/// A write waiting in a write-behind queue.
struct QueuedWrite
{
    QString key;
    std::optional<QByteArray> value; ///< none: a delete
    TimeUs enqueuedAt = 0;
    bool inFlight = false;       ///< part of the batch being written right now
    int merged = 1;              ///< acknowledged writes it stands for (coalescing)
    qint64 version = 0;          ///< the version the write will get when committed
    QList<QByteArray> listItems; ///< its items in the durable queue's list
};

/// A key waiting for, or getting, a background refresh.
struct RefreshItem
{
    QString key;
    TimeUs queuedAt = 0;
    bool running = false;
};

/// An entry of an instance's own L1 cache (multi-level).
struct L1Item
{
    QString key;
    ReadResult record;
    TimeUs ttl = 0;
};

struct PatternState;

enum class BreakerState { Closed, Open, HalfOpen };
QString breakerStateName(BreakerState s); ///< "closed", "open", "half-open"

/// Breaker facts for display and checks.
struct BreakerStatus
{
    BreakerState state = BreakerState::Closed;
    int consecutiveFailures = 0;
    TimeUs trialAt = -1; ///< when the open breaker lets its trial call through (-1: not open)
};

/// One caching pattern running in one application instance. Subclasses read like the
/// pseudocode of their pattern; the shared steps (look up, load on a miss, fill the cache)
/// live here. An instance that crashes is replaced by a fresh Pattern object; the old one is
/// kept alive until its cancelled coroutines have unwound.
class Pattern
{
public:
    Pattern(PatternEnv &env, int client, const Lifetime &lifetime);
    virtual ~Pattern();
    Pattern(const Pattern &) = delete;
    Pattern &operator=(const Pattern &) = delete;

    /// Starts background work (flush timers, subscriptions, queue replay). Called once.
    virtual void start() {}
    /// The process died: returns how many acknowledged writes died with it, and lets go of
    /// shared resources (subscriptions). The object is not used for new work afterwards.
    virtual int crash() { return 0; }

    virtual Task<ReadResult> read(Caller c, const QString &key);
    virtual Task<void> write(Caller c, QString key, QByteArray value) = 0;
    virtual Task<void> remove(Caller c, QString key) = 0;
    virtual Task<void> invalidate(Caller c, QString key);

    /// Where `key` lives in the shared cache (the around pattern memoizes under a hash).
    virtual QString cacheKeyFor(const QString &key) const { return key; }
    /// The key a write or an invalidation deletes: cacheKeyFor() unless a pattern gets it wrong.
    virtual QString invalidationKeyFor(const QString &key) const { return cacheKeyFor(key); }
    /// True while background work is pending (queued writes, refreshes in flight).
    virtual bool busy() const { return m_backgroundLoads > 0; }

    virtual QList<QueuedWrite> writeQueue() const { return {}; }
    virtual TimeUs nextFlushAt() const { return -1; }
    /// The version of `key` that the write just acknowledged has (or, queued, will have).
    virtual qint64 acknowledgedVersion(const QString &key) const;
    virtual QList<RefreshItem> refreshQueue() const { return {}; }
    virtual QList<L1Item> l1() const { return {}; }
    virtual std::optional<BreakerStatus> breaker() const { return std::nullopt; }
    /// Everything the state panels show of this instance (see patternstate.h).
    virtual PatternState state() const;

    int client() const { return m_client; }

protected:
    /// A caller drawn from this instance's `role` lifeline, for background work.
    Caller backgroundCaller(Role role) const;
    /// Lets `d` pass; throws InstanceCrashed if the instance died meanwhile.
    Task<void> pause(Caller c, TimeUs d);

    /// Looks `cacheKey` up in the shared cache: the entry, or nullopt on a miss or a failure.
    struct Lookup
    {
        std::optional<CachedRecord> entry;
        bool cacheFailed = false;
    };
    Task<Lookup> lookup(Caller c, QString cacheKey);
    /// Loads `key` from the database, through single-flight when it is on. `leader` tells
    /// whether this call did the load (and should fill the cache) or joined another's.
    struct Loaded
    {
        std::optional<Record> record;
        bool leader = true;
    };
    Task<Loaded> load(Caller c, QString key);
    /// Puts a loaded row (or, with negative-ttl, its absence) in the shared cache. A cache
    /// failure here is not the reader's problem: it is counted and drawn, and swallowed.
    Task<void> fill(Caller c, QString cacheKey, std::optional<Record> record);
    /// The same, with an explicit TTL for found rows, letting a cache failure through.
    Task<void> fillOrThrow(Caller c, QString cacheKey, std::optional<Record> record, TimeUs ttl);

    /// Loads a row for a read: the database, or what the pattern wraps (around's function).
    using Loader = std::function<Task<std::optional<Record>>(Caller)>;
    /// The read of a pattern that loads on a miss, with the mechanisms of SCENARIOS.md 1.1
    /// (lease, early=xfetch, swr, stale-if-error, soft/hard-timeout); see guardedread.cpp.
    /// `loader` defaults to the database's row of `key`.
    Task<ReadResult> guardedRead(Caller c, QString key, QString cacheKey, TimeUs ttl,
                                 Loader loader = {});
    /// load() for any loader, shared by concurrent misses of `flightKey` under single-flight.
    Task<Loaded> loadShared(Caller c, QString flightKey, Loader loader);

    // What guardedRead() asks of a pattern that stands between it and the cache (the breaker).
    /// The caller whose lifeline the cache calls are drawn from.
    virtual Caller viaCache(const Caller &c) const { return c; }
    /// Whether the cache may be called now for `cacheKey` (false: go straight to the loader).
    virtual bool cacheAdmits(const Caller &c, const QString &cacheKey)
    {
        Q_UNUSED(c)
        Q_UNUSED(cacheKey)
        return true;
    }
    /// How a cache call ended.
    virtual void cacheAnswered(const Caller &c, bool ok)
    {
        Q_UNUSED(c)
        Q_UNUSED(ok)
    }
    /// A fresh hit with `left` of its TTL (-1: none), for refresh-ahead's schedule.
    virtual void onFreshHit(const Caller &c, const QString &key, TimeUs left)
    {
        Q_UNUSED(c)
        Q_UNUSED(key)
        Q_UNUSED(left)
    }

    TimeUs jittered(TimeUs ttl);
    static ReadResult fromCached(const CachedRecord &r);
    static ReadResult fromRecord(const std::optional<Record> &r);
    void note(Participant over, const QString &text, quint8 flags = NoFlags, quint64 opId = 0);

    PatternEnv &m_env;
    const PatternOptions &m_options;
    const int m_client;
    const Lifetime &m_lifetime;
    const quint64 m_epoch;
    SingleFlight<std::optional<Record>> m_flights;

public:
    struct PendingLoad; // a load a reader may stop waiting for (guardedread.cpp)

private:
    Task<void> fillGuarded(Caller c, QString cacheKey, std::optional<Record> record, TimeUs ttl,
                           TimeUs computeTime, quint64 lease);
    bool recomputesEarly(const CachedRecord &entry, TimeUs left);
    void revalidate(QString key, QString cacheKey, TimeUs ttl, Loader loader);
    Task<void> revalidation(Caller c, QString key, QString cacheKey, TimeUs ttl, Loader loader);
    Task<void> runPendingLoad(Caller c, QString cacheKey, TimeUs ttl, Loader loader,
                              std::shared_ptr<PendingLoad> pending, quint64 lease, bool fillAfter);
    Task<ReadResult> answerKept(Caller c, QString cacheKey, CachedRecord kept, bool failSafe,
                                QString why);

    QSet<QString> m_revalidating; // keys with a stale-while-revalidate refresh under way
    int m_backgroundLoads = 0;    // revalidations and timed loads still running
};

} // namespace cachelab
