#pragma once

#include <QStyledItemDelegate>

namespace cachelab::ui {

/// Draws a cell with a fraction (StateTableModel::FractionRole) as a bar behind its text: a
/// TTL running down, a countdown to a breaker's trial.
class BarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

/// Draws a breaker's three states side by side with the current one lit.
class BreakerDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace cachelab::ui
