#pragma once

#include "traceevent.h"

#include <QList>

#include <functional>
#include <vector>

namespace cachelab {

/// The bounded history of a run's messages: a ring that keeps the newest `capacity` events,
/// so memory stays flat however long a run goes. Recording can be switched off entirely
/// (benchmarks, comparisons); ids keep counting either way only while it is on.
class TraceLog
{
public:
    using Listener = std::function<void(const TraceEvent &)>;

    explicit TraceLog(qsizetype capacity = 20000);

    bool enabled() const { return m_enabled; }
    void setEnabled(bool on) { m_enabled = on; }

    /// Numbers the event, keeps it and tells the listener. Returns the id given (0, and
    /// nothing else happens, while recording is off).
    quint64 record(TraceEvent event);

    /// Events in order, oldest first (at most capacity()).
    QList<TraceEvent> events() const;
    qsizetype size() const { return qsizetype(m_ring.size()); }
    qsizetype capacity() const { return m_capacity; }
    /// Events recorded since the start, including those the ring has dropped.
    quint64 total() const { return m_nextId - 1; }
    void clear();

    /// Records a note over `over` at `time` (a remark, not a message), if recording is on.
    void note(TimeUs time, Participant over, const QString &text, quint8 flags = NoFlags,
              quint64 opId = 0);

    /// One listener (the UI's adapter); called synchronously for each recorded event.
    void setListener(Listener listener) { m_listener = std::move(listener); }

private:
    qsizetype m_capacity;
    std::vector<TraceEvent> m_ring;
    qsizetype m_head = 0; // index of the oldest event once the ring is full
    quint64 m_nextId = 1;
    bool m_enabled = true;
    Listener m_listener;
};

} // namespace cachelab
