#pragma once

#include "traceevent.h"

#include <QList>

namespace cachelab {

/// Writes events as a Mermaid `sequenceDiagram`: lifelines in the order of caching-patterns.md
/// (App, L1, Breaker, Cache, Queue, Refresher, DB), numbered messages, dashed replies,
/// background work introduced by a note, stale reads and lost writes in red boxes.
QString toMermaid(const QList<TraceEvent> &events, int clients);

} // namespace cachelab
