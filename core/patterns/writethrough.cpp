#include "writethrough.h"

#include <QCoreApplication>

namespace cachelab {

Task<void> WriteThrough::write(Caller c, QString key, QByteArray value)
{
    // The database first: a value that failed to commit must never be served from the cache.
    const qint64 version = co_await m_env.db.store(c, key, value);
    try {
        CachedRecord entry{value, version, false};
        co_await m_env.cache.set(c, key, std::move(entry), jittered(m_options.ttl));
    } catch (const CacheError &) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "committed, but the cache may still hold the old %1")
                 .arg(key),
             Stale, c.opId);
    }
}

Task<void> WriteThrough::remove(Caller c, QString key)
{
    co_await m_env.db.remove(c, key);
    try {
        co_await m_env.cache.remove(c, key);
    } catch (const CacheError &) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "deleted, but the cache may still hold the old %1")
                 .arg(key),
             Stale, c.opId);
    }
}

} // namespace cachelab
