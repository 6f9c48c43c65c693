#include "cacheaside.h"

#include <QCoreApplication>

namespace cachelab {

Task<void> CacheAside::write(Caller c, QString key, QByteArray value)
{
    co_await m_env.db.store(c, key, value);
    if (!m_options.cdc) // with cdc the relay deletes it, from the change log
        co_await dropCached(c, key);
}

Task<void> CacheAside::remove(Caller c, QString key)
{
    co_await m_env.db.remove(c, key);
    if (!m_options.cdc)
        co_await dropCached(c, key);
}

Task<void> CacheAside::dropCached(Caller c, QString key)
{
    try {
        co_await m_env.cache.remove(c, invalidationKeyFor(key));
    } catch (const CacheError &) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "the cache may still hold the old %1 until its TTL ends")
                 .arg(key),
             Stale, c.opId);
    }
}

} // namespace cachelab
