#pragma once

#include <QtGlobal>

namespace cachelab {

/// What the database holds for a key, as the lab knows it: the committed version (deletes
/// included, as tombstones) and whether a live row exists.
struct Truth
{
    qint64 version = 0;
    bool exists = false;
};

/// How a copy of a key — a read's result, a cache or L1 entry — stands against the truth.
/// `found`: it holds a value (else a "no such row"); `version`: the version it came from, or
/// for a `pending` write-behind entry the version its write will get.
struct Copy
{
    bool found = false;
    qint64 version = 0;
    bool pending = false;
};

/// Older than what the database holds: a read returning it is a stale read. A value (or a
/// queued delete) is compared by version; a cached "no such row" is stale once the row exists.
inline bool isStale(const Copy &copy, const Truth &truth)
{
    if (copy.found || copy.pending)
        return copy.version < truth.version;
    return truth.exists;
}

/// Not what the database holds (older, or written ahead of it): what the panels mark.
inline bool diverges(const Copy &copy, const Truth &truth)
{
    if (copy.pending)
        return copy.version != truth.version;
    if (!copy.found)
        return truth.exists;
    return !truth.exists || copy.version != truth.version;
}

} // namespace cachelab
