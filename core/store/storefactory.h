#pragma once

#include "cachestore.h"

#include <memory>

namespace cachelab {

/// Where the shared cache lives, as a person writes it: empty for the embedded store, or
/// `redis://[[user]:password@]host[:port][/db]`, or `unix:///path/to/redis.sock`.
struct StoreLocation
{
    QString url;
    QString prefix = QStringLiteral("cachelab:"); ///< every Redis key lives under it
    int connectTimeoutMs = 1000;
    int commandTimeoutMs = 500;
    /// Redis values carry Cache Lab's version header (RedisStore::Options::versioned): on for
    /// the lab, whose stale-read and divergence checks need it; cachelab::Runtime turns it off.
    bool versioned = true;
    /// Redis only: the patterns' commands go through hiredis's asynchronous API on the Qt
    /// event loop of the thread that opens the store, so they never block it (the GUI and
    /// cachelab::Runtime turn this on; the command line waits, as command lines do).
    bool eventLoop = false;

    bool embedded() const { return url.isEmpty(); }
};

/// Opens the cache at `location`: the embedded MemoryStore on `clock`, or a RedisStore that
/// has connected once. Throws CacheError with a message that says what to do.
std::unique_ptr<CacheStore> openCacheStore(const StoreLocation &location, const Clock &clock);

} // namespace cachelab
