#include "memorydatabase.h"

#include <QCoreApplication>

#include <algorithm>

namespace cachelab {

QString MemoryDatabase::describe() const
{
    return QCoreApplication::translate("MemoryDatabase", "in-memory table");
}

std::optional<Record> MemoryDatabase::load(const QString &key)
{
    const Row *row = m_rows.find(key);
    if (!row || row->deleted)
        return std::nullopt;
    return Record{row->value, row->version};
}

qint64 MemoryDatabase::store(const QString &key, const QByteArray &value, TimeUs at)
{
    Row &row = m_rows[key];
    row.value = value;
    row.version += 1;
    row.updatedAt = at;
    row.deleted = false;
    logChange(key);
    return row.version;
}

qint64 MemoryDatabase::remove(const QString &key, TimeUs at)
{
    Row *row = m_rows.find(key);
    if (!row)
        return 0;
    if (!row->deleted) {
        row->value.clear();
        row->version += 1;
        row->updatedAt = at;
        row->deleted = true;
        logChange(key);
    }
    return row->version;
}

void MemoryDatabase::logChange(const QString &key)
{
    if (m_logging)
        m_changes.append(Change{++m_lastChange, key});
}

QList<Change> MemoryDatabase::changesAfter(qint64 sequence, int limit)
{
    // What was relayed is forgotten, so the log stays as long as the relay's backlog.
    qsizetype relayed = 0;
    while (relayed < m_changes.size() && m_changes[relayed].sequence <= sequence)
        ++relayed;
    m_changes.remove(0, relayed);
    return m_changes.mid(0, std::max(0, limit));
}

QList<qint64> MemoryDatabase::writeBatch(const QList<RowWrite> &rows, TimeUs at)
{
    QList<qint64> versions;
    versions.reserve(rows.size());
    for (const RowWrite &row : rows)
        versions.append(row.value ? store(row.key, *row.value, at) : remove(row.key, at));
    return versions;
}

qint64 MemoryDatabase::version(const QString &key) const
{
    const Row *row = m_rows.find(key);
    return row ? row->version : 0;
}

bool MemoryDatabase::exists(const QString &key) const
{
    const Row *row = m_rows.find(key);
    return row && !row->deleted;
}

QList<RowInfo> MemoryDatabase::rows()
{
    QList<RowInfo> out;
    out.reserve(m_rows.size());
    for (const auto &[key, row] : m_rows)
        out.append(RowInfo{key, row.value, row.version, row.updatedAt, row.deleted});
    std::sort(out.begin(), out.end(),
              [](const RowInfo &a, const RowInfo &b) { return a.key < b.key; });
    return out;
}

} // namespace cachelab
