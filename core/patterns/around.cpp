#include "around.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace cachelab {

Memoizer::Memoizer(CacheProxy &cache, QString prefix)
    : m_cache(cache)
    , m_prefix(std::move(prefix))
{}

QString Memoizer::keyFor(const QString &function, const QJsonArray &args) const
{
    return m_prefix + unprefixedKeyFor(function, args);
}

QString Memoizer::unprefixedKeyFor(const QString &function, const QJsonArray &args) const
{
    const QByteArray canonical = QJsonDocument(args).toJson(QJsonDocument::Compact);
    const QByteArray hash = QCryptographicHash::hash(canonical, QCryptographicHash::Sha1);
    return function + u':' + QString::fromLatin1(hash.toHex().left(16));
}

Task<void> Memoizer::invalidate(Caller c, const QString &function, const QJsonArray &args)
{
    co_await m_cache.remove(c, keyFor(function, args));
}

Around::Around(PatternEnv &env, int client, const Lifetime &lifetime)
    : CacheAside(env, client, lifetime)
    , m_memo(env.cache, env.options.prefix)
{}

const QString &Around::derivedKey(const QString &key) const
{
    if (const QString *known = m_derivedKeys.find(key))
        return *known;
    // A run over more keys than this keeps deriving, in bounded memory.
    constexpr qsizetype kMostRemembered = 1 << 16;
    if (m_derivedKeys.size() >= kMostRemembered)
        m_derivedKeys.clear();
    return m_derivedKeys.insert(key, m_memo.keyFor(QLatin1String(kFunction), QJsonArray{key}));
}

QString Around::cacheKeyFor(const QString &key) const
{
    return derivedKey(key);
}

QString Around::invalidationKeyFor(const QString &key) const
{
    // The source's invalidate() builds the key without the decorator's prefix, so it deletes
    // a key nobody wrote and the saved result lives on until its TTL.
    if (m_options.textbook)
        return m_memo.unprefixedKeyFor(QLatin1String(kFunction), QJsonArray{key});
    return cacheKeyFor(key);
}

Task<ReadResult> Around::read(Caller c, const QString &key)
{
    // The wrapped function: what the application would have called without a cache.
    Memoizer::Function loadRecord = [this, key](Caller inner) -> Task<std::optional<Record>> {
        std::optional<Record> record = co_await m_env.db.load(inner, key);
        co_return record;
    };
    co_return co_await memoizeAt(c, derivedKey(key), std::move(loadRecord));
}

Task<ReadResult> Around::memoize(Caller c, QString function, QJsonArray args, Memoizer::Function fn)
{
    co_return co_await memoizeAt(c, m_memo.keyFor(function, args), std::move(fn));
}

Task<ReadResult> Around::memoizeAt(Caller c, QString cacheKey, Memoizer::Function fn)
{
    if (m_options.guardsReads()) {
        co_return co_await guardedRead(c, cacheKey, cacheKey, m_options.ttl, std::move(fn));
    }
    const Lookup found = co_await lookup(c, cacheKey);
    if (found.entry)
        co_return fromCached(*found.entry);

    // With single-flight, concurrent misses of one call share one run of the function, and
    // only that run fills the cache.
    std::shared_ptr<SingleFlight<std::optional<Record>>::Flight> flight;
    if (m_options.singleFlight)
        flight = m_flights.find(cacheKey);
    if (flight) {
        SingleFlight<std::optional<Record>>::Join join{flight};
        std::optional<Record> shared = co_await join;
        c.checkAlive();
        co_return fromRecord(shared);
    }
    if (m_options.singleFlight)
        flight = m_flights.start(cacheKey);
    std::optional<Record> result;
    try {
        result = co_await fn(c);
    } catch (...) {
        if (flight)
            m_flights.fail(cacheKey, flight, std::current_exception());
        throw;
    }
    if (flight)
        m_flights.finish(cacheKey, flight, result);
    if (!found.cacheFailed)
        co_await fill(c, cacheKey, result);
    co_return fromRecord(result);
}

} // namespace cachelab
