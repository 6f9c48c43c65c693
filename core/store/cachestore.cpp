#include "cachestore.h"

#include "../errors.h"

namespace cachelab {

void CacheStore::scanAsync(std::function<void(QList<CacheItem>)> done,
                           std::function<void(const QString &)> failed)
{
    QList<CacheItem> items;
    try {
        items = scan();
    } catch (const CacheError &e) {
        failed(e.message());
        return;
    }
    done(std::move(items));
}

} // namespace cachelab
