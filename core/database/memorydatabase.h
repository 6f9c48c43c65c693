#pragma once

#include "database.h"

#include "../keymap.h"

namespace cachelab {

/// A database held in a hash table, with the same versions and tombstones as SqlDatabase.
/// Simulations and comparisons use it: what they measure happens in virtual time, where the
/// database costs its modelled latency whatever it is made of, and a hash table lets a
/// comparison of a million operations finish in about a second. Scenarios and the GUI use
/// real SQLite.
class MemoryDatabase final : public Database
{
public:
    QString describe() const override;
    std::optional<Record> load(const QString &key) override;
    qint64 store(const QString &key, const QByteArray &value, TimeUs at) override;
    qint64 remove(const QString &key, TimeUs at) override;
    QList<qint64> writeBatch(const QList<RowWrite> &rows, TimeUs at) override;
    qint64 version(const QString &key) const override;
    bool exists(const QString &key) const override;
    QList<RowInfo> rows() override;
    void clear() override
    {
        m_rows.clear();
        m_changes.clear();
    }
    void enableChangeLog() override { m_logging = true; }
    QList<Change> changesAfter(qint64 sequence, int limit) override;
    bool hasChangesAfter(qint64 sequence) const override { return m_lastChange > sequence; }

private:
    struct Row
    {
        QByteArray value;
        qint64 version = 0;
        TimeUs updatedAt = 0;
        bool deleted = false;
    };
    void logChange(const QString &key);

    KeyMap<Row> m_rows;
    bool m_logging = false;
    QList<Change> m_changes; // not yet relayed
    qint64 m_lastChange = 0;
};

} // namespace cachelab
