#pragma once

#include "traceevent.h"

#include <QJsonObject>
#include <QList>

#include <variant>

namespace cachelab {

/// A trace as JSON: {"format": "cachelab-trace", "version": 1, "clients": N, "events": […]}.
/// Deterministic (sorted keys, no wall-clock time), so one scenario always gives the same
/// bytes, and loadable again for replay.
QJsonObject traceToJson(const QList<TraceEvent> &events, int clients);

struct LoadedTrace
{
    int clients = 1;
    QList<TraceEvent> events;
};

/// Reads what traceToJson wrote. A damaged or foreign document gives a message saying what
/// is wrong with it, and nothing else.
std::variant<LoadedTrace, QString> traceFromJson(const QJsonObject &json);

} // namespace cachelab
