#include "workmodels.h"

#include "labtext.h"

#include <QCoreApplication>

namespace cachelab::ui {

QString breakerStateText(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QCoreApplication::translate("BreakerModel", "closed");
    case BreakerState::Open:
        return QCoreApplication::translate("BreakerModel", "open");
    case BreakerState::HalfOpen:
        return QCoreApplication::translate("BreakerModel", "half-open");
    }
    return {};
}

// --- WriteQueueModel -------------------------------------------------------------------------

int WriteQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WriteQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Client:
        return tr("Queue");
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Age:
        return tr("Waiting");
    case State:
        return tr("State");
    }
    return {};
}

QVariant WriteQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const TimeUs age = std::max<TimeUs>(0, m_now - row.write.enqueuedAt);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Client:
            return participantName(Participant{Role::Queue, qint8(row.client)}, m_clients);
        case Key:
            return row.write.key;
        case Value:
            return row.write.value ? displayValue(*row.write.value, 40) : tr("(delete)");
        case Age:
            return formatSpan(age);
        case State: {
            const QString state = row.write.inFlight ? tr("writing") : tr("queued");
            return row.write.merged > 1
                       ? tr("%1, %2 writes merged").arg(state).arg(row.write.merged)
                       : state;
        }
        }
        break;
    case MicrosecondsRole:
        return index.column() == Age ? QVariant(qint64(age)) : QVariant();
    case FractionRole:
        return -1.0;
    }
    return {};
}

void WriteQueueModel::refresh(Lab &lab)
{
    m_now = lab.now();
    m_clients = lab.clients();
    QList<Row> next;
    m_flushes.clear();
    for (int client = 0; client < lab.clients(); ++client) {
        const Pattern &pattern = lab.pattern(client);
        const QList<QueuedWrite> queue = pattern.writeQueue();
        QHash<QString, int> seen;
        for (const QueuedWrite &w : queue) {
            const QString id = w.key + u'\x1f' + QString::number(w.enqueuedAt);
            next.append(Row{client, seen[id]++, w});
        }
        m_flushes.append(Flush{client, int(queue.size()), lab.config().options.batch,
                               pattern.nextFlushAt(), lab.config().options.flush});
    }
    syncRows(m_rows, std::move(next), [](const Row &r) -> QString {
        return QStringLiteral("%1\x1f%2\x1f%3\x1f%4")
            .arg(r.client)
            .arg(r.write.key)
            .arg(r.write.enqueuedAt)
            .arg(r.occurrence);
    });
}

bool WriteQueueModel::setNow(TimeUs now)
{
    m_now = now;
    columnChanged(Age);
    return false;
}

// --- RefreshQueueModel -----------------------------------------------------------------------

int RefreshQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RefreshQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Client:
        return tr("Refresher");
    case Key:
        return tr("Key");
    case Waiting:
        return tr("Waiting");
    case State:
        return tr("State");
    }
    return {};
}

QVariant RefreshQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const TimeUs age = std::max<TimeUs>(0, m_now - row.item.queuedAt);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Client:
            return participantName(Participant{Role::Refresher, qint8(row.client)}, m_clients);
        case Key:
            return row.item.key;
        case Waiting:
            return formatSpan(age);
        case State:
            return row.item.running ? tr("reloading") : tr("waiting");
        }
        break;
    case MicrosecondsRole:
        return index.column() == Waiting ? QVariant(qint64(age)) : QVariant();
    case FractionRole:
        return -1.0;
    }
    return {};
}

void RefreshQueueModel::refresh(Lab &lab)
{
    m_now = lab.now();
    m_clients = lab.clients();
    QList<Row> next;
    for (int client = 0; client < lab.clients(); ++client) {
        for (const RefreshItem &item : lab.pattern(client).refreshQueue())
            next.append(Row{client, item});
    }
    syncRows(m_rows, std::move(next), [](const Row &r) -> QString {
        return QString::number(r.client) + u'\x1f' + r.item.key;
    });
}

bool RefreshQueueModel::setNow(TimeUs now)
{
    m_now = now;
    columnChanged(Waiting);
    return false;
}

// --- BreakerModel ----------------------------------------------------------------------------

int BreakerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BreakerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Client:
        return tr("Breaker");
    case State:
        return tr("State");
    case Failures:
        return tr("Failures");
    case Trial:
        return tr("Trial call");
    }
    return {};
}

QVariant BreakerModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const BreakerStatus &s = row.status;
    const TimeUs left = s.trialAt < 0 ? -1 : std::max<TimeUs>(0, s.trialAt - m_now);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Client:
            return participantName(Participant{Role::Breaker, qint8(row.client)}, m_clients);
        case State:
            return breakerStateText(s.state);
        case Failures:
            return tr("%1 of %2").arg(s.consecutiveFailures).arg(m_threshold);
        case Trial:
            switch (s.state) {
            case BreakerState::Open:
                return tr("in %1").arg(formatSpan(left));
            case BreakerState::HalfOpen:
                return tr("next call");
            case BreakerState::Closed:
                return QStringLiteral("—");
            }
        }
        break;
    case Qt::AccessibleTextRole:
        if (index.column() == State)
            return tr("Breaker %1").arg(breakerStateText(s.state));
        break;
    case StateRole:
        return int(s.state);
    case FractionRole:
        if (index.column() == Trial && left >= 0 && m_openTimeout > 0)
            return std::clamp(double(left) / double(m_openTimeout), 0.0, 1.0);
        return -1.0;
    case MicrosecondsRole:
        return index.column() == Trial ? QVariant(qint64(left)) : QVariant();
    }
    return {};
}

void BreakerModel::refresh(Lab &lab)
{
    m_now = lab.now();
    m_clients = lab.clients();
    m_threshold = lab.config().options.failures;
    m_openTimeout = lab.config().options.openTimeout;
    QList<Row> next;
    for (int client = 0; client < lab.clients(); ++client) {
        if (const auto status = lab.pattern(client).breaker())
            next.append(Row{client, *status});
    }
    syncRows(m_rows, std::move(next),
             [](const Row &r) -> QString { return QString::number(r.client); });
}

bool BreakerModel::setNow(TimeUs now)
{
    m_now = now;
    columnChanged(Trial);
    return false;
}

} // namespace cachelab::ui
