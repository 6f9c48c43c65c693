#pragma once

#include "../time/clock.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace cachelab {

/// A row as the database holds it.
struct Record
{
    QByteArray value;
    qint64 version = 0;
};

/// One row of a batch: a value to store, or (no value) a row to delete.
struct RowWrite
{
    QString key;
    std::optional<QByteArray> value;
};

/// A row as listed for display, with its last change.
struct RowInfo
{
    QString key;
    QByteArray value;
    qint64 version = 0;
    TimeUs updatedAt = 0;
    bool deleted = false;
};

/// The source of truth, as the patterns see it. Every committed change of a key raises its
/// version by one, deletes included (a deleted row keeps its version as a tombstone), so
/// "which write is newer" always has an answer. Calls are synchronous and throw
/// DatabaseError; latency and faults are added by DatabaseProxy.
class Database
{
public:
    virtual ~Database() = default;

    virtual QString describe() const = 0;

    virtual std::optional<Record> load(const QString &key) = 0;
    /// Inserts or updates `key`; returns the new version.
    virtual qint64 store(const QString &key, const QByteArray &value, TimeUs at) = 0;
    /// Deletes `key`; returns the new (tombstone) version, or the old one if there was no row.
    virtual qint64 remove(const QString &key, TimeUs at) = 0;
    /// Applies every row in one transaction: all of them or none. Returns the new versions.
    virtual QList<qint64> writeBatch(const QList<RowWrite> &rows, TimeUs at) = 0;

    /// The committed version of `key` (0: never written). This is the lab's knowledge of the
    /// truth, used to detect stale reads; it is not a modelled call and costs no latency.
    virtual qint64 version(const QString &key) const = 0;
    /// Whether `key` has a live row (not deleted), by the same knowledge as version().
    virtual bool exists(const QString &key) const = 0;
    /// Every row, tombstones included, sorted by key.
    virtual QList<RowInfo> rows() = 0;
    /// Removes every row (a fresh lab).
    virtual void clear() = 0;
};

} // namespace cachelab
