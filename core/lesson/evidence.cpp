#include "evidence.h"

#include "../metrics/metrics.h"

#include <QCoreApplication>
#include <QSet>

namespace cachelab::lesson {

namespace {

class Evidence
{
    Q_DECLARE_TR_FUNCTIONS(LessonEvidence)

public:
    static QString noRead(const Prediction &p)
    {
        return tr("the reveal cannot decide the %1 prediction on line %2: no read of client %3 "
                  "completed between them")
            .arg(kindName(p.kind))
            .arg(p.line)
            .arg(QChar(u'A' + p.client));
    }
    static QString noBreaker(const Prediction &p)
    {
        return tr("the breaker prediction on line %1 has no breaker to look at: the pattern is "
                  "not circuit-breaker")
            .arg(p.line);
    }
};

const QString kMissing = QStringLiteral("missing");

bool isLookupReply(const TraceEvent &e)
{
    return e.kind == EventKind::Return && (e.from.role == Role::Cache || e.from.role == Role::L1) &&
           (e.verb == Verb::Hit || e.verb == Verb::Miss || e.verb == Verb::Failed);
}

bool isLookupCall(const TraceEvent &e)
{
    return e.kind == EventKind::Call && (e.to.role == Role::Cache || e.to.role == Role::L1) &&
           (e.verb == Verb::Get || e.verb == Verb::GetWithTtl || e.verb == Verb::L1Get);
}

bool isOutcome(const TraceEvent &e)
{
    return e.kind == EventKind::Return && e.from.role == Role::App && e.from == e.to;
}

/// The messages of one operation that say where its answer came from.
struct ReadTrail
{
    QList<quint64> lookups; // the calls to the caches and their replies
    quint64 carrier = 0;    // the reply that brought the value back
    quint64 outcome = 0;    // the operation's own result
    bool servedByCache = false;
};

ReadTrail trailOf(const QList<TraceEvent> &events, quint64 opId)
{
    ReadTrail t;
    for (const TraceEvent &e : events) {
        if (e.opId != opId)
            continue;
        if (isLookupCall(e) || isLookupReply(e))
            t.lookups.append(e.id);
        if (e.kind == EventKind::Return && e.verb == Verb::Hit &&
            (e.from.role == Role::Cache || e.from.role == Role::L1)) {
            t.servedByCache = true;
            t.carrier = e.id;
        } else if (e.kind == EventKind::Return && e.from.role == Role::DB &&
                   (e.verb == Verb::Row || e.verb == Verb::NoRow)) {
            t.servedByCache = false;
            t.carrier = e.id;
        } else if (isOutcome(e)) {
            t.outcome = e.id;
        }
    }
    return t;
}

/// The last call that changed `key` at `target` (a verb in `verbs`) and its reply; or a note
/// over `target` naming the key (changes made behind the application's back), if later.
QList<quint64> lastChange(const QList<TraceEvent> &events, Role target, const QString &key,
                          std::initializer_list<Verb> verbs)
{
    qsizetype call = -1;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const TraceEvent &e = events[i];
        const bool changes = e.kind == EventKind::Call && e.to.role == target && e.key == key &&
                             std::find(verbs.begin(), verbs.end(), e.verb) != verbs.end();
        const bool behindBack =
            e.kind == EventKind::Note && e.from.role == target && e.text.contains(key);
        if (changes || behindBack)
            call = i;
    }
    if (call < 0)
        return {};
    const TraceEvent &c = events[call];
    QList<quint64> ids{c.id};
    for (qsizetype i = call + 1; c.kind == EventKind::Call && i < events.size(); ++i) {
        const TraceEvent &r = events[i];
        if (r.kind == EventKind::Return && r.opId == c.opId && r.from == c.to && r.to == c.from) {
            ids.append(r.id);
            break;
        }
    }
    return ids;
}

QList<quint64> cacheChange(const Observer &o, const QString &key)
{
    return lastChange(o.lab().trace().events(), Role::Cache, o.lab().pattern(0).cacheKeyFor(key),
                      {Verb::Set, Verb::Del});
}

QList<quint64> dbChange(const Observer &o, const QString &key)
{
    return lastChange(o.lab().trace().events(), Role::DB, key,
                      {Verb::Upsert, Verb::Delete, Verb::Batch});
}

bool countsIn(const TraceEvent &e, Counter c, const QSet<quint64> &reads,
              const QSet<quint64> &writes)
{
    const bool reply = e.kind == EventKind::Return;
    switch (c) {
    case Counter::Reads:
        return isOutcome(e) && reads.contains(e.opId);
    case Counter::Writes:
        return isOutcome(e) && writes.contains(e.opId);
    case Counter::CacheHits:
        return reply && e.from.role == Role::Cache && e.verb == Verb::Hit;
    case Counter::CacheMisses:
        return reply && e.from.role == Role::Cache &&
               (e.verb == Verb::Miss || e.verb == Verb::LeaseOut);
    case Counter::L1Hits:
        return reply && e.from.role == Role::L1 && e.verb == Verb::Hit;
    case Counter::L1Misses:
        return reply && e.from.role == Role::L1 && e.verb == Verb::Miss;
    case Counter::DbReads:
        return e.kind == EventKind::Call && e.to.role == Role::DB && e.verb == Verb::Select;
    case Counter::DbWrites:
        return reply && e.from.role == Role::DB && e.verb == Verb::Committed;
    case Counter::StaleReads:
        return isOutcome(e) && (e.flags & Stale);
    case Counter::LostWrites: // lost in a flush, or with the queue of a crashed instance
        return (e.flags & Lost) ||
               (e.kind == EventKind::Note && e.from.role == Role::App && (e.flags & Failure));
    case Counter::Refreshes:
        return e.kind == EventKind::Call && e.from.role == Role::Refresher && e.to.role == Role::DB;
    case Counter::BreakerOpens:
        return e.kind == EventKind::Note && e.from.role == Role::Breaker && (e.flags & Failure);
    case Counter::Errors:
        return reply && e.verb == Verb::Failed;
    case Counter::DirtyReads:
        return isOutcome(e) && (e.flags & Dirty);
    case Counter::LeaseWaits:
        return reply && e.verb == Verb::LeaseOut;
    case Counter::LeaseRefused:
        return reply && e.verb == Verb::LeaseVoided;
    case Counter::CdcPolls:
        return e.kind == EventKind::Call && e.verb == Verb::ChangeRead;
    case Counter::CdcDeletions:
        return e.kind == EventKind::Call && e.from.role == Role::Relay && e.verb == Verb::Del;
    case Counter::EarlyRecomputes: // told by notes over the reader, not by a message of their own
    case Counter::StaleServed:
    case Counter::FailsafeAnswers:
        return false;
    case Counter::Count_:
        break;
    }
    return false;
}

QList<quint64> counterMessages(const Observer &o, Counter c, quint64 after)
{
    QSet<quint64> reads;
    QSet<quint64> writes;
    for (const Observer::Finished &f : o.finished()) {
        if (f.kind == Operation::Kind::Read)
            reads.insert(f.id);
        else if (f.kind != Operation::Kind::Invalidate)
            writes.insert(f.id);
    }
    QList<quint64> ids;
    for (const TraceEvent &e : o.lab().trace().events()) {
        if (e.id > after && countsIn(e, c, reads, writes))
            ids.append(e.id);
    }
    return ids;
}

/// The messages of a client's write queue since its instance last crashed (a crash takes
/// a volatile queue with it): the writes queued and the flushes that emptied it.
QList<quint64> queueMessages(const Observer &o, int client)
{
    const Participant queue{Role::Queue, qint8(client)};
    QList<quint64> ids;
    for (const TraceEvent &e : o.lab().trace().events()) {
        if (e.kind == EventKind::Note && e.from == Participant::app(client) && (e.flags & Failure))
            ids.clear();
        else if (e.from == queue || e.to == queue)
            ids.append(e.id);
    }
    return ids;
}

QList<quint64> lastNoteOver(const Observer &o, Participant p)
{
    quint64 last = 0;
    for (const TraceEvent &e : o.lab().trace().events()) {
        if (e.kind == EventKind::Note && e.from == p)
            last = e.id;
    }
    return last ? QList<quint64>{last} : QList<quint64>{};
}

/// When nothing changed what a prediction asks about, the messages that show what happened
/// instead: the last one carrying the key (a miss, an enqueue) …
QList<quint64> lastAbout(const Observer &o, const QString &key)
{
    const QString cacheKey = o.lab().pattern(0).cacheKeyFor(key);
    quint64 last = 0;
    for (const TraceEvent &e : o.lab().trace().events()) {
        if (e.kind != EventKind::Note && (e.key == key || e.key == cacheKey))
            last = e.id;
    }
    return last ? QList<quint64>{last} : QList<quint64>{};
}

/// … or the outcomes of the operations that finished since the prediction (reads that were
/// served without the counter growing).
QList<quint64> outcomesSince(const Observer &o, quint64 after)
{
    QList<quint64> ids;
    for (const TraceEvent &e : o.lab().trace().events()) {
        if (e.id > after && isOutcome(e))
            ids.append(e.id);
    }
    return ids;
}

QString valueOrMissing(bool found, const QByteArray &value)
{
    return found ? QString::fromUtf8(value) : kMissing;
}

QStringList valueChoices(const Observer &o, const QString &key, const QString &truth)
{
    QStringList choices = o.valuesOf(key);
    choices.removeAll(kMissing);
    if (truth != kMissing && !choices.contains(truth))
        choices.append(truth);
    choices.append(kMissing);
    return choices;
}

QString cacheValue(const Observer &o, const QString &key)
{
    const auto entry = o.lab().store().get(o.lab().pattern(0).cacheKeyFor(key));
    return entry && !entry->absent ? QString::fromUtf8(entry->value) : kMissing;
}

QString dbValue(const Observer &o, const QString &key)
{
    const auto row = o.lab().database().load(key);
    return row ? QString::fromUtf8(row->value) : kMissing;
}

} // namespace

OpenPrediction openPrediction(const Lesson &lesson, int index, const Observer &observer)
{
    const Prediction &p = lesson.predictions[index];
    OpenPrediction open;
    open.prediction = index;
    open.lastMessage = observer.lab().trace().total();
    open.finished = observer.finished().size();
    if (p.kind == Prediction::Kind::Metric) {
        if (const auto c = counterFromName(p.name))
            open.counter = observer.lab().metrics().total(*c);
    }
    return open;
}

PredictionOutcome decide(const Lesson &lesson, const OpenPrediction &open, const Observer &observer)
{
    using K = Prediction::Kind;
    const Prediction &p = lesson.predictions[open.prediction];
    Lab &lab = observer.lab();
    PredictionOutcome out;
    out.prediction = open.prediction;

    if (isReadBased(p.kind)) {
        const Observer::Finished *read = nullptr;
        for (qsizetype i = open.finished; i < observer.finished().size() && !read; ++i) {
            const Observer::Finished &f = observer.finished()[i];
            if (f.kind == Operation::Kind::Read && f.client == p.client)
                read = &f;
        }
        if (!read) {
            out.decided = false;
            out.reason = Evidence::noRead(p);
            return out;
        }
        const ReadTrail trail = trailOf(lab.trace().events(), read->id);
        if (p.kind == K::Hit) {
            out.truth = trail.servedByCache ? QStringLiteral("hit") : QStringLiteral("miss");
            out.choices = {QStringLiteral("hit"), QStringLiteral("miss")};
            out.decidedBy = trail.lookups;
        } else {
            if (trail.carrier)
                out.decidedBy.append(trail.carrier);
            if (trail.outcome)
                out.decidedBy.append(trail.outcome);
            if (p.kind == K::Stale) {
                out.truth = read->stale ? QStringLiteral("yes") : QStringLiteral("no");
                out.choices = {QStringLiteral("yes"), QStringLiteral("no")};
            } else {
                // A read that failed returned nothing the database or cache had: "error".
                out.truth =
                    read->ok ? valueOrMissing(read->found, read->value) : QStringLiteral("error");
                out.choices = valueChoices(observer, read->key, out.truth);
                if (!read->ok)
                    out.choices.append(out.truth);
            }
        }
        return out;
    }

    switch (p.kind) {
    case K::Metric: {
        const auto c = counterFromName(p.name);
        out.truth = QString::number(c ? lab.metrics().total(*c) - open.counter : 0);
        if (c)
            out.decidedBy = counterMessages(observer, *c, open.lastMessage);
        if (out.decidedBy.isEmpty())
            out.decidedBy = outcomesSince(observer, open.lastMessage);
        break;
    }
    case K::Cache:
        out.truth = cacheValue(observer, p.key);
        out.choices = valueChoices(observer, p.key, out.truth);
        out.decidedBy = cacheChange(observer, p.key);
        if (out.decidedBy.isEmpty())
            out.decidedBy = lastAbout(observer, p.key);
        break;
    case K::Db:
        out.truth = dbValue(observer, p.key);
        out.choices = valueChoices(observer, p.key, out.truth);
        out.decidedBy = dbChange(observer, p.key);
        if (out.decidedBy.isEmpty())
            out.decidedBy = lastAbout(observer, p.key);
        break;
    case K::Breaker: {
        const auto status = lab.pattern(p.client).breaker();
        if (!status) {
            out.decided = false;
            out.reason = Evidence::noBreaker(p);
            return out;
        }
        out.truth = breakerStateName(status->state);
        out.choices = {QStringLiteral("closed"), QStringLiteral("open"),
                       QStringLiteral("half-open")};
        out.decidedBy = lastNoteOver(observer, Participant{Role::Breaker, qint8(p.client)});
        if (out.decidedBy.isEmpty())
            out.decidedBy = outcomesSince(observer, open.lastMessage);
        break;
    }
    case K::Queue:
        out.truth = QString::number(lab.pattern(p.client).writeQueue().size());
        out.decidedBy = queueMessages(observer, p.client);
        if (out.decidedBy.isEmpty())
            out.decidedBy = outcomesSince(observer, open.lastMessage);
        break;
    default:
        break;
    }
    return out;
}

bool sameAnswer(const Prediction &p, const QString &answer, const QString &truth)
{
    const QString a = answer.trimmed();
    if (isNumeric(p.kind)) {
        bool ok = false;
        const qint64 n = a.toLongLong(&ok);
        return ok && n == truth.toLongLong();
    }
    if (p.kind == Prediction::Kind::Result || p.kind == Prediction::Kind::Cache ||
        p.kind == Prediction::Kind::Db)
        return a == truth;
    return a.compare(truth, Qt::CaseInsensitive) == 0;
}

namespace {

QList<quint64> subjectMessages(const scenario::Command &command, const Observer &observer)
{
    using S = scenario::Expectation::Subject;
    const scenario::Expectation &x = command.expect;
    const auto lastOf = [&](bool readsOnly) -> const Observer::Finished * {
        const Observer::Finished *last = nullptr;
        for (const Observer::Finished &f : observer.finished()) {
            if (f.client == command.client && (!readsOnly || f.kind == Operation::Kind::Read))
                last = &f;
        }
        return last;
    };
    switch (x.subject) {
    case S::Result:
    case S::Error:
    case S::Ok: {
        const Observer::Finished *op = lastOf(x.subject == S::Result);
        if (!op)
            return {};
        const ReadTrail trail = trailOf(observer.lab().trace().events(), op->id);
        QList<quint64> ids;
        if (trail.carrier && x.subject == S::Result)
            ids.append(trail.carrier);
        if (trail.outcome)
            ids.append(trail.outcome);
        return ids;
    }
    case S::Cache:
    case S::Ttl:
        return cacheChange(observer, x.key);
    case S::L1: {
        // Only this client's L1: every instance has its own.
        const Participant l1{Role::L1, qint8(command.client)};
        QList<TraceEvent> own;
        for (const TraceEvent &e : observer.lab().trace().events()) {
            if (e.from == l1 || e.to == l1)
                own.append(e);
        }
        return lastChange(own, Role::L1, x.key, {Verb::L1Set, Verb::L1Evict});
    }
    case S::Db:
    case S::DbVersion:
        return dbChange(observer, x.key);
    case S::Queue:
        return queueMessages(observer, command.client);
    case S::Breaker:
        return lastNoteOver(observer, Participant{Role::Breaker, qint8(command.client)});
    case S::Metric: {
        const auto c = counterFromName(x.name);
        return c ? counterMessages(observer, *c, 0) : QList<quint64>{};
    }
    }
    return {};
}

} // namespace

QList<quint64> evidenceFor(const scenario::Command &command, const Observer &observer)
{
    QList<quint64> ids = subjectMessages(command, observer);
    if (ids.isEmpty() && !command.expect.key.isEmpty())
        ids = lastAbout(observer, command.expect.key);
    if (ids.isEmpty()) {
        const QList<quint64> outcomes = outcomesSince(observer, 0);
        if (!outcomes.isEmpty())
            ids.append(outcomes.constLast());
    }
    return ids;
}

} // namespace cachelab::lesson
