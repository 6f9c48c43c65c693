#include "traceevent.h"

#include "../time/duration.h"

#include <QCoreApplication>

namespace cachelab {

namespace {

// Free functions have no tr() of their own; this gives them one, in a context lupdate sees.
struct Trace
{
    Q_DECLARE_TR_FUNCTIONS(Trace)
};

QString versionText(const TraceEvent &e)
{
    if (e.flags & Pending)
        return Trace::tr("v%1, not yet in the DB").arg(e.version);
    return QStringLiteral("v%1").arg(e.version);
}

} // namespace

QString participantName(Participant p, int clients)
{
    QString base;
    switch (p.role) {
    case Role::App:
        base = QStringLiteral("App");
        break;
    case Role::L1:
        base = QStringLiteral("L1");
        break;
    case Role::Breaker:
        base = QStringLiteral("Breaker");
        break;
    case Role::Cache:
        return QStringLiteral("Cache");
    case Role::Queue:
        base = QStringLiteral("Queue");
        break;
    case Role::Refresher:
        base = QStringLiteral("Refresher");
        break;
    case Role::Relay:
        return QStringLiteral("CDC relay");
    case Role::DB:
        return QStringLiteral("DB");
    }
    if (clients > 1 && p.client >= 0)
        base += u' ' + QChar(u'A' + p.client);
    return base;
}

QString displayValue(const QByteArray &value, int maxChars)
{
    const QString text = QString::fromUtf8(value);
    QString out;
    out.reserve(std::min<qsizetype>(text.size(), maxChars + 1));
    int shown = 0; // characters as a reader counts them: a surrogate pair is one
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (shown >= maxChars) {
            out += u'…';
            break;
        }
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            out += c;
            out += text[++i];
        } else if (c == u'\n') {
            out += QStringLiteral("\\n");
        } else if (c == u'\t') {
            out += QStringLiteral("\\t");
        } else if (c.unicode() < 0x20 || c == QChar::ReplacementCharacter || c.isSurrogate()) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
        ++shown;
    }
    return out;
}

QString describe(const TraceEvent &e, int maxValue)
{
    const QString v = displayValue(e.value, maxValue);
    switch (e.verb) {
    case Verb::Get:
        return QStringLiteral("GET ") + e.key;
    case Verb::GetWithTtl:
        return QStringLiteral("GET+PTTL ") + e.key;
    case Verb::Set:
        return e.number > 0 ? QStringLiteral("SETEX %1 %2").arg(e.key, formatDuration(e.number))
                            : QStringLiteral("SET ") + e.key;
    case Verb::Del:
        return QStringLiteral("DEL ") + e.key;
    case Verb::Publish:
        return QStringLiteral("PUBLISH invalidate ") + e.key;
    case Verb::ListPush:
        return QStringLiteral("RPUSH queue ") + e.key;
    case Verb::ListAck:
        return QStringLiteral("LTRIM queue (%1 done)").arg(e.number);
    case Verb::ListRead:
        return QStringLiteral("LRANGE queue");
    case Verb::L1Get:
        return Trace::tr("L1 get %1").arg(e.key);
    case Verb::L1Set:
        return Trace::tr("L1 put %1").arg(e.key);
    case Verb::L1Evict:
        return Trace::tr("L1 evict %1").arg(e.key);
    case Verb::Select:
        return QStringLiteral("SELECT ") + e.key;
    case Verb::Upsert:
        return QStringLiteral("UPSERT %1 = %2").arg(e.key, v);
    case Verb::Delete:
        return QStringLiteral("DELETE ") + e.key;
    case Verb::TxUpsert:
        return QStringLiteral("BEGIN; UPSERT %1 = %2").arg(e.key, v);
    case Verb::Commit:
        return QStringLiteral("COMMIT");
    case Verb::Batch:
        return Trace::tr("batch write of %n row(s)", nullptr, int(e.number));
    case Verb::Enqueue:
        return Trace::tr("enqueue %1").arg(e.key);
    case Verb::Trigger:
        return Trace::tr("refresh %1").arg(e.key);
    case Verb::Guard:
        return Trace::tr("guard %1").arg(e.key);
    case Verb::Invalidation:
        return Trace::tr("invalidate %1").arg(e.key);
    case Verb::Hit:
        if (e.flags & Negative)
            return Trace::tr("hit: no such row");
        if (e.number > 0)
            return Trace::tr("hit %1 (%2), TTL %3")
                .arg(v, versionText(e), formatDuration(e.number));
        return Trace::tr("hit %1 (%2)").arg(v, versionText(e));
    case Verb::Miss:
        if (e.number > 0) // lease=on: the reader holds the key's lease now
            return Trace::tr("miss, lease #%1").arg(e.number);
        return Trace::tr("miss");
    case Verb::Ok:
        return Trace::tr("OK");
    case Verb::Failed:
        return Trace::tr("failed: %1").arg(e.text);
    case Verb::Row:
        return Trace::tr("row %1 (%2)").arg(v, versionText(e));
    case Verb::NoRow:
        return Trace::tr("no row");
    case Verb::Committed:
        return e.number > 1 ? Trace::tr("committed %n row(s)", nullptr, int(e.number))
                            : Trace::tr("committed %1").arg(versionText(e));
    case Verb::Rejected:
        return Trace::tr("open: skip the cache");
    case Verb::Result:
        if (e.flags & Failure)
            return Trace::tr("error: %1").arg(e.text);
        if (e.key.isEmpty())
            return Trace::tr("done");
        if (e.flags & Negative)
            return Trace::tr("%1: not found").arg(e.key);
        return Trace::tr("%1 = %2 (%3)").arg(e.key, v, versionText(e));
    case Verb::LeaseGet:
        return Trace::tr("GET %1 (lease on a miss)").arg(e.key);
    case Verb::LeaseSet:
        return Trace::tr("SET %1 %2 if lease #%3 holds").arg(e.key, v).arg(e.number);
    case Verb::LeaseOut:
        return Trace::tr("miss: lease out, wait");
    case Verb::LeaseVoided:
        return Trace::tr("refused: lease #%1 voided").arg(e.number);
    case Verb::ChangeRead:
        return Trace::tr("read change log after #%1").arg(e.number);
    case Verb::Changes:
        return Trace::tr("%n change(s)", nullptr, int(e.number));
    case Verb::Text:
        return e.text;
    }
    return {};
}

} // namespace cachelab
