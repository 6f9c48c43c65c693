#include "diagramexport.h"

#include "diagramview.h"

#include <lab/lab.h>
#include <trace/mermaid.h>

#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace cachelab::ui {

namespace {

// Free functions have no tr() of their own; this gives them one, in a context lupdate sees.
struct DiagramExport
{
    Q_DECLARE_TR_FUNCTIONS(DiagramExport)
};

// PNGs past this many rows get too tall to open comfortably; SVG has no such limit.
constexpr int kPngRows = 400;

} // namespace

std::optional<QString> exportDiagramSvg(const DiagramView &view, const QString &path)
{
    const QSize size = view.exportSize(DiagramView::kHistory);
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(DiagramExport::tr("Cache Lab sequence diagram"));
    svg.setDescription(
        DiagramExport::tr("Messages between the application, its caches and the database."));
    QPainter painter;
    if (!painter.begin(&svg))
        return DiagramExport::tr("Cannot write %1").arg(path);
    view.renderForExport(painter, DiagramView::kHistory);
    painter.end();
    return std::nullopt;
}

std::optional<QString> exportDiagramPng(const DiagramView &view, const QString &path)
{
    const QSize size = view.exportSize(kPngRows);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return DiagramExport::tr("The diagram is too large for one picture; export it as SVG.");
    QPainter painter(&image);
    view.renderForExport(painter, kPngRows);
    painter.end();
    if (!image.save(path, "PNG"))
        return DiagramExport::tr("Cannot write %1").arg(path);
    return std::nullopt;
}

std::optional<QString> exportDiagramMermaid(Lab &lab, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return DiagramExport::tr("Cannot write %1: %2").arg(path, file.errorString());
    file.write(toMermaid(lab.trace().events(), lab.clients()).toUtf8());
    if (!file.commit())
        return DiagramExport::tr("Cannot write %1: %2").arg(path, file.errorString());
    return std::nullopt;
}

} // namespace cachelab::ui
