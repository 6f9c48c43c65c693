#include "mermaid.h"

#include <QMap>

namespace cachelab {

namespace {

QString mermaidId(Participant p)
{
    QString id = participantName(p, 2);
    id.remove(u' ');
    return id;
}

// Mermaid reads ';' as a statement end and '#' as an entity start; newlines end a message.
QString escaped(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'#')
            out += QStringLiteral("#35;");
        else if (c == u';')
            out += QStringLiteral("#59;");
        else if (c == u'\n')
            out += u' ';
        else
            out += c;
    }
    return out;
}

int order(Participant p)
{
    return int(p.role) * 64 + p.client + 1;
}

} // namespace

QString toMermaid(const QList<TraceEvent> &events, int clients)
{
    QMap<int, Participant> used;
    for (const TraceEvent &e : events) {
        used.insert(order(e.from), e.from);
        used.insert(order(e.to), e.to);
    }
    QString out = QStringLiteral("sequenceDiagram\n");
    for (const Participant &p : std::as_const(used)) {
        const QString id = mermaidId(p);
        const QString name = participantName(p, clients);
        out += id == name ? QStringLiteral("    participant %1\n").arg(id)
                          : QStringLiteral("    participant %1 as %2\n").arg(id, name);
    }
    bool inBackground = false;
    quint64 position = 0;
    for (const TraceEvent &e : events) {
        // The diagram's number: notes count too, and a log that dropped its oldest events
        // keeps the numbers of the rest (events made by hand, without one, count from 1).
        ++position;
        const quint64 number = e.id > 0 ? e.id : position;
        const QString from = mermaidId(e.from);
        const QString to = mermaidId(e.to);
        if (e.kind == EventKind::Note) {
            const bool red = e.flags & (Stale | Lost | Dirty);
            if (red)
                out += QStringLiteral("    rect rgb(255, 200, 200)\n");
            out += QStringLiteral("    Note over %1: %2. %3\n")
                       .arg(from)
                       .arg(number)
                       .arg(escaped(describe(e, 40)));
            if (red)
                out += QStringLiteral("    end\n");
            continue;
        }
        const bool background = e.flags & Background;
        if (background && !inBackground && e.kind == EventKind::Call) {
            out += QStringLiteral("    Note over %1,%2: in the background\n").arg(from, to);
        }
        inBackground = background;
        const bool red = e.flags & (Stale | Lost | Dirty);
        if (red)
            out += QStringLiteral("    rect rgb(255, 200, 200)\n");
        const char *arrow = e.kind == EventKind::Return  ? "-->>"
                            : e.kind == EventKind::Async ? "-)"
                                                         : "->>";
        QString label = QStringLiteral("%1. %2").arg(number).arg(describe(e, 40));
        if (!e.text.isEmpty() && e.verb != Verb::Text && e.verb != Verb::Failed &&
            !(e.verb == Verb::Result && (e.flags & Failure)))
            label += QStringLiteral(" (%1)").arg(e.text);
        out +=
            QStringLiteral("    %1%2%3: %4\n").arg(from, QLatin1String(arrow), to, escaped(label));
        if (red)
            out += QStringLiteral("    end\n");
    }
    return out;
}

} // namespace cachelab
