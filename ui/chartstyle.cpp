#include "chartstyle.h"

#include "diagramview.h"

#include <QChart>
#include <QCoreApplication>
#include <QDir>
#include <QGraphicsLayout>
#include <QLegend>
#include <QPalette>
#include <QPixmap>
#include <QValueAxis>
#include <QWidget>

#include <cmath>

namespace cachelab::ui {

void styleChart(QChart *chart, const QPalette &palette)
{
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = palette.color(QPalette::Mid);
    grid.setAlpha(110);
    chart->setBackgroundBrush(palette.brush(QPalette::Base));
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setTitleBrush(text);
    QFont title = chart->titleFont();
    title.setPointSizeF(std::max(7.0, QFont().pointSizeF() * 0.95));
    title.setBold(true);
    chart->setTitleFont(title);
    QFont small = QFont();
    small.setPointSizeF(std::max(6.5, QFont().pointSizeF() * 0.8));
    chart->legend()->setFont(small);
    chart->legend()->setLabelColor(text);
    chart->legend()->setBackgroundVisible(false);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsFont(small);
        axis->setLabelsBrush(text);
        axis->setTitleBrush(text);
        axis->setTitleFont(small);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(palette.color(QPalette::Mid));
    }
}

QColor seriesColor(SeriesColor role, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (role) {
    case SeriesColor::Main:
        return dark ? QColor(0x6C, 0xB0, 0xFF) : QColor(0x1F, 0x6F, 0xC5);
    case SeriesColor::Good:
        return dark ? QColor(0x5C, 0xC8, 0x7A) : QColor(0x2E, 0x9E, 0x4F);
    case SeriesColor::Warning:
        return dark ? QColor(0xF2, 0xB1, 0x3C) : QColor(0xD9, 0x8A, 0x00);
    case SeriesColor::Bad:
        return errorColor();
    case SeriesColor::Second:
        return dark ? QColor(0xC3, 0x8B, 0xF0) : QColor(0x8E, 0x44, 0xAD);
    }
    return palette.color(QPalette::Text);
}

double niceStep(double span, int ticks)
{
    const double raw = span / std::max(1, ticks);
    if (!(raw > 0))
        return 1;
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * decade >= raw * (1 - 1e-9))
            return m * decade;
    }
    return 10 * decade;
}

std::optional<QString> saveWidgetPng(QWidget *widget, const QString &path)
{
    const QPixmap pixmap = widget->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        return QCoreApplication::translate("cachelab::ui::ChartsPanel", "Cannot write %1.")
            .arg(QDir::toNativeSeparators(path));
    }
    return std::nullopt;
}

} // namespace cachelab::ui
