#pragma once

#include "statetablemodel.h"

namespace cachelab::ui {

/// The shared cache: key, value, version and the TTL counting down.
class CacheModel final : public StateTableModel
{
    Q_OBJECT

public:
    enum Column { Key, Value, Version, Ttl, ColumnCount };

    using StateTableModel::StateTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void refresh(Lab &lab) override;
    /// The same, from entries listed already (CacheListing): nothing asks the cache here.
    void refresh(Lab &lab, const QList<CacheItem> &entries);
    bool setNow(TimeUs now) override;

private:
    struct Row
    {
        QString key;
        CachedRecord record;
        TimeUs expiresAt = -1; // -1: never
        TimeUs fullTtl = 0;    // what the bar is a fraction of
        qint64 dbVersion = 0;
        bool diverged = false;
    };
    int size() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
    TimeUs m_now = 0;
};

/// Every instance's own L1 (multi-level): client, key, value, version, TTL.
class L1Model final : public StateTableModel
{
    Q_OBJECT

public:
    enum Column { Client, Key, Value, Version, Ttl, ColumnCount };

    using StateTableModel::StateTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void refresh(Lab &lab) override;
    bool setNow(TimeUs now) override;

private:
    struct Row
    {
        int client = 0;
        L1Item item;
        TimeUs expiresAt = 0;
        TimeUs fullTtl = 0;
        bool diverged = false;
    };
    int size() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
    TimeUs m_now = 0;
    int m_clients = 1;
};

/// The database, the source of truth: key, value, version, last change, and what the cache
/// holds for the key. Rows where the two disagree are marked.
class DatabaseModel final : public StateTableModel
{
    Q_OBJECT

public:
    enum Column { Key, Value, Version, Changed, InCache, ColumnCount };

    using StateTableModel::StateTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void refresh(Lab &lab) override;
    /// The same, from entries listed already (CacheListing): nothing asks the cache here.
    void refresh(Lab &lab, const QList<CacheItem> &entries);
    bool setNow(TimeUs now) override;

private:
    struct Row
    {
        RowInfo info;
        std::optional<CachedRecord> cached;
        bool diverged = false;
    };
    int size() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
};

} // namespace cachelab::ui
