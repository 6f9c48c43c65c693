#pragma once

#include <QColor>
#include <QString>

#include <optional>

class QPalette;
class QWidget;

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace cachelab::ui {

/// Qt Charts drawn from the application's palette (light or dark), compact enough for a
/// dashboard: small margins, small fonts, grid lines in the palette's mid tone.
void styleChart(QChart *chart, const QPalette &palette);

/// Colours of the charts' series, readable on light and dark backgrounds alike: the first is
/// the "main" line, then the usual p50 (green), p95 (amber), p99 (red) and so on.
enum class SeriesColor { Main, Good, Warning, Bad, Second };
QColor seriesColor(SeriesColor role, const QPalette &palette);

/// A tick interval of 1, 2 or 5 × 10^n giving about `ticks` intervals over `span`.
double niceStep(double span, int ticks = 4);

/// Saves what `widget` shows as a PNG image. Returns a message on failure.
std::optional<QString> saveWidgetPng(QWidget *widget, const QString &path);

} // namespace cachelab::ui
