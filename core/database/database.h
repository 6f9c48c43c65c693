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

/// One committed change of a key, as the change log (cdc=on) has it.
struct Change
{
    qint64 sequence = 0; ///< 1, 2, 3… in commit order
    QString key;
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

    /// Change-data-capture (cdc=on): from now on every committed change of a row — the
    /// application's and anybody else's — is logged in the same transaction. Idempotent.
    virtual void enableChangeLog() = 0;
    /// The logged changes after `sequence`, oldest first, at most `limit`. Changes up to
    /// `sequence` have been relayed: the log may forget them.
    virtual QList<Change> changesAfter(qint64 sequence, int limit) = 0;
    /// Whether changes after `sequence` are waiting (the lab's knowledge; no modelled call).
    virtual bool hasChangesAfter(qint64 sequence) const = 0;
};

} // namespace cachelab
