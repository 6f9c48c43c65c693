// The read of the patterns that load on a miss, with the mechanisms production caches add to
// the textbook (SCENARIOS.md 1.1, "Beyond the textbook"): leases, early recomputation,
// stale-while-revalidate, fail-safe, soft and hard timeouts. Each is a few lines of its own
// below, in the order a read meets them.

#include "pattern.h"

#include "../time/duration.h"

#include <QCoreApplication>

#include <cmath>

namespace cachelab {

/// A load that the reader may stop waiting for (soft-timeout, hard-timeout): it runs as a
/// coroutine of its own and reports here, so the reader can leave at a deadline and the load
/// still knows whether to refill the cache when it lands.
struct Pattern::PendingLoad
{
    std::optional<Loaded> loaded;
    std::exception_ptr error;
    bool done = false;
    bool readerLeft = false; ///< the reader answered without it: the load refills on its own
    bool abandoned = false;  ///< hard timeout: whatever it brings is thrown away
    std::coroutine_handle<> waiter;
    Scheduler::TimerId deadline = 0;
};

namespace {

/// Waits until the pending load lands or `deadline` passes (-1: no deadline). Plain pointers
/// only: GCC 12 destroys a braced awaiter temporary twice, which a shared_ptr would not
/// survive. The reader's frame owns the pending load while it waits, and the load cancels
/// the deadline when it lands.
struct AwaitLoad
{
    Scheduler *scheduler;
    Pattern::PendingLoad *pending;
    TimeUs deadline;

    bool await_ready() const noexcept
    {
        return pending->done || (deadline >= 0 && deadline <= scheduler->now());
    }
    void await_suspend(std::coroutine_handle<> h) const
    {
        pending->waiter = h;
        if (deadline < 0)
            return;
        pending->deadline = scheduler->callAt(deadline, [s = scheduler, p = pending, h] {
            if (p->waiter == h) {
                p->waiter = {};
                s->resumeAt(s->now(), h);
            }
        });
    }
    void await_resume() const noexcept {}
};

/// Counts a background coroutine while it runs, so settle waits for it (Pattern::busy()).
struct Counting
{
    int &running;
    explicit Counting(int &n)
        : running(n)
    {
        ++running;
    }
    ~Counting() { --running; }
    Counting(const Counting &) = delete;
    Counting &operator=(const Counting &) = delete;
};

} // namespace

Task<Pattern::Loaded> Pattern::loadShared(Caller c, QString flightKey, Loader loader)
{
    if (!m_options.singleFlight) {
        // (Not inside the braces: GCC 12 copies a co_await result in an initializer list
        // bit by bit, and the row's bytes are then freed twice.)
        std::optional<Record> record = co_await loader(c);
        co_return Loaded{std::move(record), true};
    }
    std::shared_ptr<SingleFlight<std::optional<Record>>::Flight> flight = m_flights.find(flightKey);
    if (flight) {
        SingleFlight<std::optional<Record>>::Join join{flight};
        std::optional<Record> shared = co_await join;
        c.checkAlive();
        co_return Loaded{std::move(shared), false};
    }
    flight = m_flights.start(flightKey);
    std::optional<Record> record;
    try {
        record = co_await loader(c);
    } catch (...) {
        m_flights.fail(flightKey, flight, std::current_exception());
        throw;
    }
    m_flights.finish(flightKey, flight, record);
    co_return Loaded{std::move(record), true};
}

Task<void> Pattern::fillGuarded(Caller c, QString cacheKey, std::optional<Record> record,
                                TimeUs ttl, TimeUs computeTime, quint64 lease)
{
    CachedRecord entry;
    TimeUs lifetime = 0;
    if (record) {
        entry = CachedRecord{record->value, record->version, false, false, computeTime};
        lifetime = jittered(ttl);
    } else if (m_options.negativeTtl > 0) {
        entry = CachedRecord{{}, 0, true, false, computeTime};
        lifetime = jittered(m_options.negativeTtl);
    } else {
        co_return;
    }
    // Kept past its TTL for stale-while-revalidate and fail-safe: the store's TTL covers both,
    // and a read tells the two apart by how much of it is left.
    lifetime += m_options.kept();
    const Caller via = viaCache(c);
    if (!cacheAdmits(c, cacheKey))
        co_return;
    bool filled = true;
    try {
        if (lease == 0)
            co_await m_env.cache.set(via, cacheKey, std::move(entry), lifetime);
        else
            filled = co_await m_env.cache.fillWithLease(via, cacheKey, std::move(entry), lifetime,
                                                        lease);
        if (!filled) {
            m_env.metrics.add(Counter::LeaseRefused, m_client);
            note(c.from,
                 QCoreApplication::translate("Patterns",
                                             "lease voided by a change of %1: the old value "
                                             "stays out of the cache")
                     .arg(cacheKey),
                 NoFlags, c.opId);
        }
        cacheAnswered(c, true);
    } catch (const CacheError &) {
        cacheAnswered(c, false); // drawn by the proxy; the reader has its value
    }
}

bool Pattern::recomputesEarly(const CachedRecord &entry, TimeUs left)
{
    // XFetch (Vattani et al.): recompute when now - delta * beta * ln(U) >= expiry, U in (0, 1].
    if (!m_options.xfetch || entry.computeTime <= 0 || left < 0)
        return false;
    const double u = 1.0 - m_env.random.uniform();
    const double gap = -double(entry.computeTime) * m_options.beta * std::log(u);
    return gap >= double(left);
}

void Pattern::revalidate(QString key, QString cacheKey, TimeUs ttl, Loader loader)
{
    if (m_revalidating.contains(cacheKey))
        return; // one background refresh per key and instance
    m_revalidating.insert(cacheKey);
    m_env.scheduler.spawn(revalidation(backgroundCaller(Role::Refresher), std::move(key),
                                       std::move(cacheKey), ttl, std::move(loader)));
}

Task<void> Pattern::revalidation(Caller c, QString key, QString cacheKey, TimeUs ttl, Loader loader)
{
    const TimeUs started = m_env.scheduler.now();
    const Counting counting{m_backgroundLoads};
    try {
        Loaded loaded = co_await loadShared(c, cacheKey, loader);
        m_env.metrics.add(Counter::Refreshes, m_client);
        if (loaded.leader)
            co_await fillGuarded(c, cacheKey, loaded.record, ttl, m_env.scheduler.now() - started,
                                 0);
    } catch (const DatabaseError &) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "background refresh of %1 failed; the old value stays")
                 .arg(key),
             Failure);
    } catch (const InstanceCrashed &) {
        co_return; // the instance went, with everything it was doing
    }
    m_revalidating.remove(cacheKey);
}

Task<void> Pattern::runPendingLoad(Caller c, QString cacheKey, TimeUs ttl, Loader loader,
                                   std::shared_ptr<PendingLoad> pending, quint64 lease,
                                   bool fillAfter)
{
    const TimeUs started = m_env.scheduler.now();
    const Counting counting{m_backgroundLoads};
    try {
        pending->loaded = co_await loadShared(c, cacheKey, loader);
    } catch (const InstanceCrashed &) {
        pending->error = std::current_exception();
    } catch (const DatabaseError &) {
        pending->error = std::current_exception();
    }
    pending->done = true;
    if (pending->deadline)
        m_env.scheduler.cancel(pending->deadline);
    if (pending->waiter) {
        const auto h = pending->waiter;
        pending->waiter = {};
        m_env.scheduler.resumeAt(m_env.scheduler.now(), h);
        co_return;
    }
    // The reader answered with the kept value at the soft timeout: this load refills alone.
    if (!pending->readerLeft || pending->abandoned || !pending->loaded ||
        !pending->loaded->leader || !fillAfter)
        co_return;
    try {
        co_await fillGuarded(c, cacheKey, pending->loaded->record, ttl,
                             m_env.scheduler.now() - started, lease);
    } catch (const InstanceCrashed &) {
    }
}

Task<ReadResult> Pattern::answerKept(Caller c, QString cacheKey, CachedRecord kept, bool failSafe,
                                     QString why)
{
    if (!failSafe) {
        m_env.metrics.add(Counter::StaleServed, m_client);
        note(c.from,
             QCoreApplication::translate("Patterns", "answered with the kept v%1 of %2: %3")
                 .arg(kept.version)
                 .arg(cacheKey, why),
             NoFlags, c.opId);
        co_return fromCached(kept);
    }
    m_env.metrics.add(Counter::FailsafeAnswers, m_client);
    note(c.from,
         QCoreApplication::translate("Patterns",
                                     "fail-safe: answered with the kept v%1 of %2 (%3); served "
                                     "as a hit for %4")
             .arg(kept.version)
             .arg(cacheKey, why, formatDuration(m_options.throttle)),
         NoFlags, c.opId);
    // Throttle: the old value goes back in as fresh for `throttle`, so the next reads are hits
    // instead of one more failing query each.
    if (cacheAdmits(c, cacheKey)) {
        try {
            co_await m_env.cache.set(viaCache(c), cacheKey, kept,
                                     m_options.throttle + m_options.kept());
            cacheAnswered(c, true);
        } catch (const CacheError &) {
            cacheAnswered(c, false);
        }
    }
    co_return fromCached(kept);
}

Task<ReadResult> Pattern::guardedRead(Caller c, QString key, QString cacheKey, TimeUs ttl,
                                      Loader loader)
{
    if (!loader) {
        loader = [this, key](Caller inner) -> Task<std::optional<Record>> {
            co_return co_await m_env.db.load(inner, key);
        };
    }
    const TimeUs keep = m_options.kept();
    std::optional<CachedRecord> kept; // an entry past its TTL, kept for fail-safe
    quint64 lease = 0;
    bool cacheFailed = false;
    bool early = false;

    // 1. Look in the cache; with leases, a miss may have to wait for the lease holder.
    // (Everything that lives across a co_await is declared out here: GCC 12 mishandles
    // locals of a loop body or an if-condition that do.)
    LeaseLookup found;
    for (;;) {
        if (!cacheAdmits(c, cacheKey)) {
            cacheFailed = true;
            break;
        }
        found = LeaseLookup{};
        try {
            if (m_options.lease)
                found = co_await m_env.cache.getOrLease(viaCache(c), cacheKey, m_options.leaseTtl);
            else
                found.hit = co_await m_env.cache.getWithTtl(viaCache(c), cacheKey);
            cacheAnswered(c, true);
        } catch (const CacheError &) {
            cacheAnswered(c, false);
            cacheFailed = true;
            break;
        }
        lease = found.token;
        if (found.hit) {
            const CachedRecord &entry = found.hit->first;
            const TimeUs left = found.hit->second; // of the whole stay, kept window included
            const bool past = keep > 0 && left >= 0 && left <= keep;
            if (!past) {
                m_env.metrics.add(Counter::CacheHits, m_client);
                const TimeUs fresh = left < 0 ? -1 : left - keep;
                onFreshHit(c, key, fresh);
                if (!recomputesEarly(entry, fresh))
                    co_return fromCached(entry);
                early = true;
                m_env.metrics.add(Counter::EarlyRecomputes, m_client);
                note(c.from,
                     QCoreApplication::translate("Patterns",
                                                 "xfetch: %1 expires in %2, recompute it now")
                         .arg(cacheKey, formatDuration(fresh)),
                     NoFlags, c.opId);
                break;
            }
            const TimeUs over = keep - left; // how long ago its TTL ended
            if (m_options.swr > 0 && over <= m_options.swr) {
                m_env.metrics.add(Counter::CacheHits, m_client);
                m_env.metrics.add(Counter::StaleServed, m_client);
                note(c.from,
                     QCoreApplication::translate("Patterns",
                                                 "%1 is %2 past its TTL: served at once, "
                                                 "refreshed in the background")
                         .arg(cacheKey, formatDuration(over)),
                     NoFlags, c.opId);
                revalidate(key, cacheKey, ttl, loader);
                co_return fromCached(entry);
            }
            kept = entry; // too old to serve, unless the load fails
            m_env.metrics.add(Counter::CacheMisses, m_client);
            break;
        }
        m_env.metrics.add(Counter::CacheMisses, m_client);
        if (!m_options.lease || lease != 0)
            break;
        m_env.metrics.add(Counter::LeaseWaits, m_client); // somebody else holds the lease
        co_await pause(c, m_options.leaseWait);
    }

    // 2. Load, with the timeouts if they are on; a failed load may be covered by a kept value.
    const TimeUs started = m_env.scheduler.now();
    const bool failSafe = m_options.staleIfError > 0;
    const bool fills = !cacheFailed;
    std::optional<Loaded> loaded;
    std::optional<QString> failure;       // a failed load that a kept value covers
    std::shared_ptr<PendingLoad> pending; // with timeouts: the load the reader may leave
    if (m_options.softTimeout <= 0 && m_options.hardTimeout <= 0) {
        try {
            loaded = co_await loadShared(c, cacheKey, loader);
        } catch (const DatabaseError &e) {
            if (!(failSafe && kept))
                throw;
            failure = e.message(); // (no co_await inside a handler)
        }
    } else {
        pending = std::make_shared<PendingLoad>();
        m_env.scheduler.spawn(runPendingLoad(c, cacheKey, ttl, loader, pending, lease, fills));
        if (m_options.softTimeout > 0 && !pending->done) {
            co_await AwaitLoad{&m_env.scheduler, pending.get(), started + m_options.softTimeout};
            c.checkAlive();
            if (!pending->done && kept) {
                pending->readerLeft = true;
                co_return co_await answerKept(
                    c, cacheKey, *kept, false,
                    QCoreApplication::translate("Patterns",
                                                "the load passed its soft timeout of %1 and "
                                                "goes on in the background")
                        .arg(formatDuration(m_options.softTimeout)));
            }
        }
        if (m_options.hardTimeout > 0 && !pending->done) {
            co_await AwaitLoad{&m_env.scheduler, pending.get(), started + m_options.hardTimeout};
            c.checkAlive();
            if (!pending->done) {
                pending->readerLeft = true;
                pending->abandoned = true;
                const QString why = QCoreApplication::translate(
                                        "Patterns", "the load passed its hard timeout of %1")
                                        .arg(formatDuration(m_options.hardTimeout));
                if (failSafe && kept)
                    co_return co_await answerKept(c, cacheKey, *kept, true, why);
                m_env.metrics.addError(m_client, why);
                note(c.from,
                     QCoreApplication::translate("Patterns", "%1: abandoned, the read fails")
                         .arg(why),
                     Failure, c.opId);
                throw DatabaseError(DatabaseError::Kind::Unavailable, why);
            }
        }
        if (!pending->done)
            co_await AwaitLoad{&m_env.scheduler, pending.get(), -1};
        c.checkAlive();
        if (pending->error) {
            try {
                std::rethrow_exception(pending->error);
            } catch (const DatabaseError &e) {
                if (!(failSafe && kept))
                    throw;
                failure = e.message();
            }
        } else {
            loaded = std::move(pending->loaded);
        }
    }
    if (failure)
        co_return co_await answerKept(c, cacheKey, *kept, true, *failure);

    // 3. Fill (under the reader's lease, if it holds one) and answer with what was loaded.
    if (loaded->leader && fills) {
        co_await fillGuarded(c, cacheKey, loaded->record, ttl, m_env.scheduler.now() - started,
                             early ? 0 : lease);
    }
    co_return fromRecord(loaded->record);
}

} // namespace cachelab
