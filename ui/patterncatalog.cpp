#include "patterncatalog.h"

#include <QCoreApplication>

namespace cachelab::ui {

namespace {

// Free functions have no tr() of their own; this gives them one, in a context lupdate sees.
struct PatternCatalog
{
    Q_DECLARE_TR_FUNCTIONS(PatternCatalog)
};

} // namespace

QString shortPatternName(PatternKind kind)
{
    switch (kind) {
    case PatternKind::CacheAside:
        return PatternCatalog::tr("Cache-aside");
    case PatternKind::WriteThrough:
        return PatternCatalog::tr("Write-through");
    case PatternKind::WriteBehind:
        return PatternCatalog::tr("Write-behind");
    case PatternKind::RefreshAhead:
        return PatternCatalog::tr("Refresh-ahead");
    case PatternKind::Around:
        return PatternCatalog::tr("Around");
    case PatternKind::MultiLevel:
        return PatternCatalog::tr("Multi-level");
    case PatternKind::CircuitBreaker:
        return PatternCatalog::tr("Circuit breaker");
    }
    return {};
}

PatternText patternText(PatternKind kind)
{
    switch (kind) {
    case PatternKind::CacheAside:
        return {PatternCatalog::tr("Cache-aside"),
                PatternCatalog::tr(
                    "The application asks the cache first. On a miss it reads the row from the "
                    "database and leaves a copy in the cache for next time. A write goes to the "
                    "database, then deletes the cached copy."),
                PatternCatalog::tr(
                    "The first read of every key pays for the database. Many readers missing the "
                    "same key at once all go to the database (a stampede). A slow reader can put "
                    "an old row back after a writer deleted it, and that stale copy lives until "
                    "its TTL ends."),
                PatternCatalog::tr(
                    "The default choice for read-heavy data when a little staleness is "
                    "acceptable, and when the application must keep working without its cache.")};
    case PatternKind::WriteThrough:
        return {PatternCatalog::tr("Write-through"),
                PatternCatalog::tr(
                    "Every write goes to the database and, once it has committed, into the cache "
                    "with its new version. Reads look in the cache first, as in cache-aside."),
                PatternCatalog::tr(
                    "Writes wait for two round trips. Two writers racing can leave the older "
                    "value in the cache. Data that is written but never read still fills the "
                    "cache."),
                PatternCatalog::tr(
                    "Data that is read soon after it is written and must not be served old: "
                    "profiles, settings, balances.")};
    case PatternKind::WriteBehind:
        return {PatternCatalog::tr("Write-behind"),
                PatternCatalog::tr(
                    "A write goes into the cache and a queue in the application, and is "
                    "acknowledged at once. The queue is written to the database later, in "
                    "batches, when it is full or when the flush interval comes round."),
                PatternCatalog::tr(
                    "The fastest writes and the fewest database round trips, but the database "
                    "lags behind. When the process dies, everything still in a volatile queue is "
                    "lost although the user was told it was saved. A durable queue survives, at "
                    "the price of writing some rows twice."),
                PatternCatalog::tr(
                    "High write rates where losing or delaying a few writes is tolerable: "
                    "counters, activity streams, telemetry.")};
    case PatternKind::RefreshAhead:
        return {PatternCatalog::tr("Refresh-ahead"),
                PatternCatalog::tr(
                    "Reads work like cache-aside, but a read that finds an entry close to the end "
                    "of its TTL asks a background refresher to load it again. Hot keys are "
                    "renewed before they expire, so their readers never wait for the database."),
                PatternCatalog::tr(
                    "Extra database reads for keys that would not have been read again. Entries "
                    "are still only as fresh as the last refresh. Cold keys gain nothing."),
                PatternCatalog::tr(
                    "A small set of hot keys that change slowly: home pages, popular products, "
                    "configuration.")};
    case PatternKind::Around:
        return {PatternCatalog::tr("Around (memoizing decorator)"),
                PatternCatalog::tr(
                    "A wrapper around a function caches its results. The key is built from a "
                    "prefix, the function's name and a stable hash of its arguments, so equal "
                    "calls share one entry and one call can be invalidated on its own."),
                PatternCatalog::tr(
                    "Invisible to callers, which is also its risk: nobody sees what is cached or "
                    "for how long. The invalidation must build exactly the same key as the "
                    "lookup, or it deletes nothing."),
                PatternCatalog::tr(
                    "Expensive, pure-ish functions and reports, added without touching the code "
                    "that calls them.")};
    case PatternKind::MultiLevel:
        return {PatternCatalog::tr("Multi-level (L1 + L2)"),
                PatternCatalog::tr(
                    "Each application instance keeps a small cache in its own memory (L1) in "
                    "front of the shared cache (L2). A write tells every instance to drop its L1 "
                    "copy through a publish/subscribe channel."),
                PatternCatalog::tr(
                    "L1 hits cost nothing, but every instance holds its own copy. If an "
                    "invalidation is lost or switched off, other instances serve the old value "
                    "until their L1 TTL ends."),
                PatternCatalog::tr(
                    "Very hot keys read by many instances, where even a network round trip to "
                    "the shared cache is too slow.")};
    case PatternKind::CircuitBreaker:
        return {PatternCatalog::tr("Cache with a circuit breaker"),
                PatternCatalog::tr(
                    "Cache-aside behind a breaker. After several cache failures in a row the "
                    "breaker opens and reads go straight to the database. After a timeout one "
                    "trial call is let through: success closes the breaker, failure opens it "
                    "again."),
                PatternCatalog::tr(
                    "While open, every read loads the database, so it must be able to take the "
                    "load. Too low a threshold opens on a hiccup; too high keeps readers waiting "
                    "on a dead cache."),
                PatternCatalog::tr(
                    "Any cache that can fail or slow down without taking the application with "
                    "it.")};
    }
    return {};
}

} // namespace cachelab::ui
