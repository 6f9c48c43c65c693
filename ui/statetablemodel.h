#pragma once

#include <lab/lab.h>

#include <QAbstractTableModel>
#include <QSet>

namespace cachelab::ui {

/// Base of the state panels' models: rows that come from the lab as a whole list on each
/// frame, turned into row insertions and removals (so views keep their selection and scroll),
/// plus live columns (TTLs, ages, countdowns) that change with time alone.
class StateTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum DataRole {
        FractionRole = Qt::UserRole + 1, ///< double 0..1 for a bar, -1 for none
        DivergedRole,                    ///< bool: cache and database disagree on this key
        StateRole,                       ///< int: a BreakerState
        MicrosecondsRole,                ///< qint64: the raw time behind a live column
    };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : size();
    }

    /// Reads the lab's current state.
    virtual void refresh(Lab &lab) = 0;
    /// Time moved: live columns change. Returns true when a row has run out (time to refresh).
    virtual bool setNow(TimeUs now) = 0;
    /// Headers are translated when asked for: tell the views to ask again.
    void retranslate() { Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1); }

protected:
    virtual int size() const = 0;

    /// Replaces `rows` by `next`, row by row where keys persist in the same order.
    template<typename Row, typename KeyOf>
    void syncRows(QList<Row> &rows, QList<Row> next, KeyOf keyOf);
    /// Every row of `column` changed.
    void columnChanged(int column)
    {
        if (size() > 0)
            Q_EMIT dataChanged(index(0, column), index(size() - 1, column));
    }
};

template<typename Row, typename KeyOf>
void StateTableModel::syncRows(QList<Row> &rows, QList<Row> next, KeyOf keyOf)
{
    QSet<QString> nextKeys;
    for (const Row &r : std::as_const(next))
        nextKeys.insert(keyOf(r));
    if (nextKeys.size() != next.size()) { // not keyed uniquely: no way to tell rows apart
        beginResetModel();
        rows = std::move(next);
        endResetModel();
        return;
    }
    for (qsizetype i = rows.size() - 1; i >= 0; --i) {
        if (!nextKeys.contains(keyOf(rows[i]))) {
            beginRemoveRows({}, int(i), int(i));
            rows.removeAt(i);
            endRemoveRows();
        }
    }
    QSet<QString> kept;
    for (const Row &r : std::as_const(rows))
        kept.insert(keyOf(r));
    qsizetype j = 0;
    for (const Row &r : std::as_const(next)) {
        if (!kept.contains(keyOf(r)))
            continue;
        if (keyOf(rows[j++]) != keyOf(r)) { // reordered: start over
            beginResetModel();
            rows = std::move(next);
            endResetModel();
            return;
        }
    }
    for (qsizetype i = 0; i < next.size(); ++i) {
        if (i >= rows.size() || keyOf(rows[i]) != keyOf(next[i])) {
            beginInsertRows({}, int(i), int(i));
            rows.insert(i, next[i]);
            endInsertRows();
        }
    }
    rows = std::move(next);
    if (!rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(rows.size()) - 1, columnCount() - 1));
}

} // namespace cachelab::ui
