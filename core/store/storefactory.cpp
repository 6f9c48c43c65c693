#include "storefactory.h"

#include "memorystore.h"
#include "redisstore.h"

#include "../errors.h"

namespace cachelab {

std::unique_ptr<CacheStore> openCacheStore(const StoreLocation &location, const Clock &clock)
{
    if (location.embedded())
        return std::make_unique<MemoryStore>(clock);
    const auto parsed =
        parseRedisUrl(location.url, qEnvironmentVariable("CACHELAB_REDIS_PASSWORD"));
    if (const auto *error = std::get_if<QString>(&parsed))
        throw CacheError(CacheError::Kind::Unavailable, *error);
    RedisStore::Options options;
    options.prefix = location.prefix;
    options.versioned = location.versioned;
    options.eventLoop = location.eventLoop;
    const RedisUrl url = std::get<RedisUrl>(parsed);
    options.connectTimeoutMs =
        url.connectTimeoutMs > 0 ? url.connectTimeoutMs : location.connectTimeoutMs;
    options.commandTimeoutMs =
        url.commandTimeoutMs > 0 ? url.commandTimeoutMs : location.commandTimeoutMs;
    return std::make_unique<RedisStore>(url, options);
}

} // namespace cachelab
