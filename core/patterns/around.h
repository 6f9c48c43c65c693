#pragma once

#include "../keymap.h"
#include "cacheaside.h"

#include <QJsonArray>

#include <functional>

namespace cachelab {

/// Memoizes any function whose result is worth caching: the cache key is a prefix, the
/// function's name and a stable hash of its arguments, so equal calls share one entry and
/// one call can be invalidated on its own. The same key builder serves lookups and
/// invalidations (the source material's decorator forgets the prefix when invalidating, so
/// its invalidation deletes nothing; ours cannot drift apart).
class Memoizer
{
public:
    using Function = std::function<Task<std::optional<Record>>(Caller)>;

    Memoizer(CacheProxy &cache, QString prefix);

    /// `prefix` + `function` + ':' + the first 16 hex digits of SHA-1 over the canonical JSON
    /// of `args` (compact, object keys sorted by QJsonDocument): stable across runs and
    /// machines, unlike std::hash or Python's hash().
    QString keyFor(const QString &function, const QJsonArray &args) const;
    /// The same key without the prefix: the one the source's invalidation builds.
    QString unprefixedKeyFor(const QString &function, const QJsonArray &args) const;

    /// Forgets the cached result of function(args) only.
    Task<void> invalidate(Caller c, const QString &function, const QJsonArray &args);

private:
    CacheProxy &m_cache;
    QString m_prefix;
};

/// The around (decorator) pattern applied to the lab's one function, load_record(key): a read
/// is a memoized call, a write commits and then invalidates that call's entry.
class Around final : public CacheAside
{
public:
    static constexpr auto kFunction = "load_record";

    Around(PatternEnv &env, int client, const Lifetime &lifetime);

    Task<ReadResult> read(Caller c, const QString &key) override;
    QString cacheKeyFor(const QString &key) const override;
    QString invalidationKeyFor(const QString &key) const override;

    /// The cached result of function(args), or the function's result, which is then cached
    /// (with the pattern's ttl, jitter and negative-ttl). Works for any function.
    Task<ReadResult> memoize(Caller c, QString function, QJsonArray args, Memoizer::Function fn);
    const Memoizer &memoizer() const { return m_memo; }

private:
    Task<ReadResult> memoizeAt(Caller c, QString cacheKey, Memoizer::Function fn);
    /// load_record's key for `key`, derived once: the derivation is a pure function, and
    /// hashing the canonical JSON on every read cost more than the rest of the read.
    const QString &derivedKey(const QString &key) const;

    Memoizer m_memo;
    mutable KeyMap<QString> m_derivedKeys; // record key -> cache key, bounded (see derivedKey)
};

} // namespace cachelab
