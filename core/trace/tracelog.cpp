#include "tracelog.h"

namespace cachelab {

TraceLog::TraceLog(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity))
{}

quint64 TraceLog::record(TraceEvent event)
{
    if (!m_enabled)
        return 0;
    event.id = m_nextId++;
    if (m_listener)
        m_listener(event);
    if (qsizetype(m_ring.size()) < m_capacity) {
        m_ring.push_back(std::move(event));
    } else {
        m_ring[m_head] = std::move(event);
        m_head = (m_head + 1) % m_capacity;
    }
    return m_nextId - 1;
}

void TraceLog::note(TimeUs time, Participant over, const QString &text, quint8 flags, quint64 opId)
{
    if (!m_enabled)
        return;
    TraceEvent e;
    e.opId = opId;
    e.time = time;
    e.from = e.to = over;
    e.kind = EventKind::Note;
    e.verb = Verb::Text;
    e.flags = flags;
    e.text = text;
    record(std::move(e));
}

QList<TraceEvent> TraceLog::events() const
{
    QList<TraceEvent> out;
    out.reserve(qsizetype(m_ring.size()));
    for (qsizetype i = 0; i < qsizetype(m_ring.size()); ++i)
        out.append(m_ring[(m_head + i) % qsizetype(m_ring.size())]);
    return out;
}

void TraceLog::clear()
{
    m_ring.clear();
    m_head = 0;
    m_nextId = 1;
}

} // namespace cachelab
