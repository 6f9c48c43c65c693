#pragma once

#include "pattern.h"

namespace cachelab {

/// Cache-aside (lazy loading): the application looks in the cache, loads from the database on
/// a miss and puts the row in the cache; a write goes to the database and then deletes the
/// cached copy, so the next read loads the new row.
class CacheAside : public Pattern
{
public:
    using Pattern::Pattern;

    Task<void> write(Caller c, QString key, QByteArray value) override;
    Task<void> remove(Caller c, QString key) override;

protected:
    /// The cache half of a write: drop the cached copy. A failure leaves the old value in
    /// the cache until its TTL ends; the write itself has committed, so it is not an error.
    Task<void> dropCached(Caller c, QString key);
};

} // namespace cachelab
