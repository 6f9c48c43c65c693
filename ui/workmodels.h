#pragma once

#include "statetablemodel.h"

namespace cachelab::ui {

/// Write-behind queues: the entries waiting for the database, with their age, and per
/// instance how full the next batch is and when the next flush comes.
class WriteQueueModel final : public StateTableModel
{
    Q_OBJECT

public:
    enum Column { Client, Key, Value, Age, State, ColumnCount };

    /// One instance's queue at a glance.
    struct Flush
    {
        int client = 0;
        int queued = 0;
        int batch = 0;
        TimeUs nextFlushAt = -1;
        TimeUs interval = 0;
    };

    using StateTableModel::StateTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void refresh(Lab &lab) override;
    bool setNow(TimeUs now) override;

    const QList<Flush> &flushes() const { return m_flushes; }
    int clients() const { return m_clients; }
    TimeUs now() const { return m_now; }

private:
    struct Row
    {
        int client = 0;
        int occurrence = 0; // tells equal writes of one key at one instant apart
        QueuedWrite write;
    };
    int size() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
    QList<Flush> m_flushes;
    TimeUs m_now = 0;
    int m_clients = 1;
};

/// Refresh-ahead: the keys waiting for, or getting, a background reload.
class RefreshQueueModel final : public StateTableModel
{
    Q_OBJECT

public:
    enum Column { Client, Key, Waiting, State, ColumnCount };

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
        RefreshItem item;
    };
    int size() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
    TimeUs m_now = 0;
    int m_clients = 1;
};

/// Circuit breakers, one per instance: the state (drawn by BreakerDelegate), consecutive
/// failures against the threshold, and the countdown to the trial call.
class BreakerModel final : public StateTableModel
{
    Q_OBJECT

public:
    enum Column { Client, State, Failures, Trial, ColumnCount };

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
        BreakerStatus status;
    };
    int size() const override { return int(m_rows.size()); }

    QList<Row> m_rows;
    TimeUs m_now = 0;
    TimeUs m_openTimeout = 0;
    int m_threshold = 0;
    int m_clients = 1;
};

/// "closed", "open", "half-open" in the reader's language.
QString breakerStateText(BreakerState state);

} // namespace cachelab::ui
