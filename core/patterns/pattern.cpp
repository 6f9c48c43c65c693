#include "pattern.h"
#include "patternstate.h"

#include <cmath>

namespace cachelab {

QString breakerStateName(BreakerState s)
{
    switch (s) {
    case BreakerState::Closed:
        return QStringLiteral("closed");
    case BreakerState::Open:
        return QStringLiteral("open");
    case BreakerState::HalfOpen:
        return QStringLiteral("half-open");
    }
    return {};
}

Pattern::Pattern(PatternEnv &env, int client, const Lifetime &lifetime)
    : m_env(env)
    , m_options(env.options)
    , m_client(client)
    , m_lifetime(lifetime)
    , m_epoch(lifetime.epoch())
    , m_flights(env.scheduler)
{}

Pattern::~Pattern() = default;

qint64 Pattern::acknowledgedVersion(const QString &key) const
{
    return m_env.db.database().version(key); // written to the database before the answer
}

Caller Pattern::backgroundCaller(Role role) const
{
    return Caller{&m_lifetime, m_epoch, 0, Participant{role, qint8(m_client)}};
}

Task<void> Pattern::pause(Caller c, TimeUs d)
{
    co_await m_env.scheduler.sleep(d);
    c.checkAlive();
}

void Pattern::note(Participant over, const QString &text, quint8 flags, quint64 opId)
{
    m_env.trace.note(m_env.scheduler.now(), over, text, flags, opId);
}

TimeUs Pattern::jittered(TimeUs ttl)
{
    if (m_options.jitter <= 0 || ttl <= 0)
        return ttl;
    const double factor = 1.0 + m_options.jitter * (2.0 * m_env.random.uniform() - 1.0);
    return std::max<TimeUs>(1, TimeUs(std::llround(double(ttl) * factor)));
}

ReadResult Pattern::fromCached(const CachedRecord &r)
{
    if (r.absent)
        return ReadResult{false, {}, r.version, r.pending};
    return ReadResult{true, r.value, r.version, r.pending};
}

ReadResult Pattern::fromRecord(const std::optional<Record> &r)
{
    if (!r)
        return ReadResult{};
    return ReadResult{true, r->value, r->version, false};
}

Task<Pattern::Lookup> Pattern::lookup(Caller c, QString cacheKey)
{
    Lookup result;
    try {
        result.entry = co_await m_env.cache.get(c, cacheKey);
        m_env.metrics.add(result.entry ? Counter::CacheHits : Counter::CacheMisses, m_client);
    } catch (const CacheError &) {
        result.cacheFailed = true;
    }
    co_return result;
}

Task<Pattern::Loaded> Pattern::load(Caller c, QString key)
{
    if (!m_options.singleFlight) {
        std::optional<Record> record = co_await m_env.db.load(c, key);
        co_return Loaded{std::move(record), true};
    }

    // Declared out here on purpose: GCC 12 mishandles a variable declared in an if-condition
    // that lives across a co_await (the joiners then read freed memory).
    std::shared_ptr<SingleFlight<std::optional<Record>>::Flight> flight = m_flights.find(key);
    if (flight) {
        SingleFlight<std::optional<Record>>::Join join{flight};
        std::optional<Record> shared = co_await join;
        c.checkAlive();
        co_return Loaded{std::move(shared), false};
    }
    flight = m_flights.start(key);
    std::optional<Record> record;
    try {
        record = co_await m_env.db.load(c, key);
    } catch (...) {
        m_flights.fail(key, flight, std::current_exception());
        throw;
    }
    m_flights.finish(key, flight, record);
    co_return Loaded{std::move(record), true};
}

Task<void> Pattern::fillOrThrow(Caller c, QString cacheKey, std::optional<Record> record,
                                TimeUs ttl)
{
    if (record) {
        CachedRecord entry{record->value, record->version, false};
        // Entries stay kept() past their TTL for swr and fail-safe (0 unless those are on).
        co_await m_env.cache.set(c, cacheKey, std::move(entry), jittered(ttl) + m_options.kept());
    } else if (m_options.negativeTtl > 0) {
        CachedRecord noSuchRow{{}, 0, true};
        co_await m_env.cache.set(c, cacheKey, std::move(noSuchRow),
                                 jittered(m_options.negativeTtl) + m_options.kept());
    }
}

Task<void> Pattern::fill(Caller c, QString cacheKey, std::optional<Record> record)
{
    try {
        co_await fillOrThrow(c, cacheKey, std::move(record), m_options.ttl);
    } catch (const CacheError &) {
        // Drawn in red by the proxy and counted in `errors`; the reader has its value.
    }
}

Task<ReadResult> Pattern::read(Caller c, const QString &key)
{
    if (m_options.guardsReads())
        co_return co_await guardedRead(c, key, key, m_options.ttl);
    // Cache-aside's read, written out rather than through lookup()/fill(): this is the
    // hottest path of every benchmark, and each awaited helper costs a coroutine frame.
    std::optional<CachedRecord> entry;
    bool cacheFailed = false;
    try {
        entry = co_await m_env.cache.get(c, key);
        m_env.metrics.add(entry ? Counter::CacheHits : Counter::CacheMisses, m_client);
    } catch (const CacheError &) {
        cacheFailed = true;
    }
    if (entry)
        co_return fromCached(*entry);
    Loaded loaded = co_await load(c, key);
    if (loaded.leader && !cacheFailed)
        co_await fill(c, key, loaded.record);
    co_return fromRecord(loaded.record);
}

Task<void> Pattern::invalidate(Caller c, QString key)
{
    co_await m_env.cache.remove(c, invalidationKeyFor(key));
}

} // namespace cachelab

namespace cachelab {

PatternState Pattern::state() const
{
    return {};
}

} // namespace cachelab
