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
    const auto it = m_rows.constFind(key);
    if (it == m_rows.cend() || it->deleted)
        return std::nullopt;
    return Record{it->value, it->version};
}

qint64 MemoryDatabase::store(const QString &key, const QByteArray &value, TimeUs at)
{
    RowInfo &row = m_rows[key];
    row.key = key;
    row.value = value;
    row.version += 1;
    row.updatedAt = at;
    row.deleted = false;
    return row.version;
}

qint64 MemoryDatabase::remove(const QString &key, TimeUs at)
{
    const auto it = m_rows.find(key);
    if (it == m_rows.end())
        return 0;
    if (!it->deleted) {
        it->value.clear();
        it->version += 1;
        it->updatedAt = at;
        it->deleted = true;
    }
    return it->version;
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
    const auto it = m_rows.constFind(key);
    return it == m_rows.cend() ? 0 : it->version;
}

bool MemoryDatabase::exists(const QString &key) const
{
    const auto it = m_rows.constFind(key);
    return it != m_rows.cend() && !it->deleted;
}

QList<RowInfo> MemoryDatabase::rows()
{
    QList<RowInfo> out(m_rows.cbegin(), m_rows.cend());
    std::sort(out.begin(), out.end(),
              [](const RowInfo &a, const RowInfo &b) { return a.key < b.key; });
    return out;
}

} // namespace cachelab
