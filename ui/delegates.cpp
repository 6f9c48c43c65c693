#include "delegates.h"

#include "diagramview.h"
#include "statetablemodel.h"
#include "workmodels.h"

#include <QApplication>
#include <QPainter>

namespace cachelab::ui {

void BarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                        const QModelIndex &index) const
{
    const double fraction = index.data(StateTableModel::FractionRole).toDouble();
    if (fraction < 0 || !index.data(StateTableModel::FractionRole).isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    painter->save();
    const QRect bar = option.rect.adjusted(3, 3, -3, -3);
    QColor track = option.palette.color(QPalette::Text);
    track.setAlpha(30);
    painter->fillRect(bar, track);
    QColor fill = fraction < 0.15 ? errorColor() : option.palette.color(QPalette::Highlight);
    fill.setAlpha(140);
    painter->fillRect(QRect(bar.topLeft(), QSize(int(bar.width() * fraction), bar.height())), fill);
    painter->setPen(option.palette.color(QPalette::Text));
    painter->drawText(bar.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
    painter->restore();
}

void BreakerDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    const QVariant stateValue = index.data(StateTableModel::StateRole);
    if (!stateValue.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const auto current = BreakerState(stateValue.toInt());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    constexpr BreakerState states[] = {BreakerState::Closed, BreakerState::HalfOpen,
                                       BreakerState::Open};
    const QRect area = option.rect.adjusted(3, 3, -3, -3);
    const int w = area.width() / 3;
    for (int i = 0; i < 3; ++i) {
        const QRect pill(area.left() + i * w + 2, area.top(), w - 4, area.height());
        const bool lit = states[i] == current;
        QColor colour = states[i] == BreakerState::Open       ? errorColor()
                        : states[i] == BreakerState::HalfOpen ? QColor(0xF2, 0xA9, 0x00)
                                                              : QColor(0x2E, 0x9E, 0x4F);
        QFont font = option.font;
        font.setPointSizeF(font.pointSizeF() * 0.9);
        font.setBold(lit);
        painter->setFont(font);
        if (lit) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(colour);
            painter->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
            painter->setPen(states[i] == BreakerState::HalfOpen ? QColor(Qt::black)
                                                                : QColor(Qt::white));
        } else {
            QColor dim = option.palette.color(QPalette::Text);
            dim.setAlpha(90);
            painter->setPen(QPen(dim, 1.2));
            painter->setBrush(Qt::NoBrush);
            painter->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
        }
        painter->drawText(pill, Qt::AlignCenter, breakerStateText(states[i]));
    }
    painter->restore();
}

QSize BreakerDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * 0.9);
    font.setBold(true);
    const QFontMetrics fm(font);
    int widest = 0;
    for (const BreakerState s : {BreakerState::Closed, BreakerState::HalfOpen, BreakerState::Open})
        widest = std::max(widest, fm.horizontalAdvance(breakerStateText(s)));
    return QSize(3 * (widest + 18),
                 std::max(QStyledItemDelegate::sizeHint(option, index).height(), fm.height() + 10));
}

} // namespace cachelab::ui
