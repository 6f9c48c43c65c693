#pragma once

#include <QString>

#include <optional>

namespace cachelab {
class Lab;
}

namespace cachelab::ui {

class DiagramView;

/// Every message the diagram keeps, as a vector drawing. Returns a message on failure.
std::optional<QString> exportDiagramSvg(const DiagramView &view, const QString &path);
/// The newest messages as a picture (a very long history would not fit in one image).
std::optional<QString> exportDiagramPng(const DiagramView &view, const QString &path);
/// The lab's trace as a Mermaid sequenceDiagram (core's exporter).
std::optional<QString> exportDiagramMermaid(Lab &lab, const QString &path);

} // namespace cachelab::ui
