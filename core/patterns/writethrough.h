#pragma once

#include "pattern.h"

namespace cachelab {

/// Write-through: every write goes to the database and, once committed, into the cache with
/// its new version, so reads after a write hit. Writes pay both round trips.
class WriteThrough final : public Pattern
{
public:
    using Pattern::Pattern;

    Task<void> write(Caller c, QString key, QByteArray value) override;
    Task<void> remove(Caller c, QString key) override;
};

} // namespace cachelab
