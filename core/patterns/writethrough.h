#pragma once

#include "pattern.h"

namespace cachelab {

/// Write-through: every write goes to the database and, once committed, into the cache with
/// its new version, so reads after a write hit. Writes pay both round trips.
class WriteThrough final : public Pattern
{
public:
    using Pattern::Pattern;

    Task<ReadResult> read(Caller c, const QString &key) override;
    Task<void> write(Caller c, QString key, QByteArray value) override;
    Task<void> remove(Caller c, QString key) override;

private:
    /// The source's write: the SETEX inside the still open transaction, before its commit.
    Task<void> textbookWrite(Caller c, QString key, QByteArray value);
    /// The source's read: a loaded row is cached only if its value is true as JSON.
    Task<ReadResult> textbookRead(Caller c, QString key);
};

/// Python's truth of `value` read as JSON (`if data:`): false for "", 0, false, null, [] and
/// {}; a value that is not JSON is a non-empty string, so true.
bool truthyAsJson(const QByteArray &value);

} // namespace cachelab
