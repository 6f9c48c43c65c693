// Traces: the bounded log, the labels drawn on the arrows, the Mermaid and JSON exporters and
// the JSON importer. Some traces are built by hand, others come from a real Lab run.

#include "lab/lab.h"
#include "trace/mermaid.h"
#include "trace/traceevent.h"
#include "trace/tracejson.h"
#include "trace/tracelog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using namespace cachelab;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(cachelab::TraceEvent)

namespace {

Participant part(Role role, int client = 0)
{
    return Participant{role, qint8(role == Role::Cache || role == Role::DB ? -1 : client)};
}

TraceEvent traceEvent(Participant from, Participant to, EventKind kind, Verb verb,
                      const QString &key = {})
{
    TraceEvent e;
    e.from = from;
    e.to = to;
    e.kind = kind;
    e.verb = verb;
    e.key = key;
    return e;
}

TraceEvent textEvent(const QString &text)
{
    TraceEvent e =
        traceEvent(Participant::cache(), Participant::cache(), EventKind::Note, Verb::Text);
    e.text = text;
    return e;
}

QStringList lines(const QString &text)
{
    return text.split(u'\n', Qt::SkipEmptyParts);
}

QStringList participantLines(const QString &mermaid)
{
    QStringList out;
    for (const QString &line : lines(mermaid)) {
        if (line.trimmed().startsWith(u"participant "))
            out.append(line.trimmed());
    }
    return out;
}

// Compares every field; QCOMPARE has to return from the test function, hence a macro.
#define COMPARE_EVENTS(actual, expected)                                                           \
    do {                                                                                           \
        const TraceEvent &a_ = (actual);                                                           \
        const TraceEvent &e_ = (expected);                                                         \
        QCOMPARE(a_.id, e_.id);                                                                    \
        QCOMPARE(a_.opId, e_.opId);                                                                \
        QCOMPARE(a_.time, e_.time);                                                                \
        QCOMPARE(a_.duration, e_.duration);                                                        \
        QVERIFY(a_.from == e_.from);                                                               \
        QVERIFY(a_.to == e_.to);                                                                   \
        QCOMPARE(int(a_.kind), int(e_.kind));                                                      \
        QCOMPARE(int(a_.verb), int(e_.verb));                                                      \
        QCOMPARE(a_.flags, e_.flags);                                                              \
        QCOMPARE(a_.key, e_.key);                                                                  \
        QCOMPARE(a_.value, e_.value);                                                              \
        QCOMPARE(a_.version, e_.version);                                                          \
        QCOMPARE(a_.number, e_.number);                                                            \
        QCOMPARE(a_.text, e_.text);                                                                \
    } while (false)

// A real run: a cold read of a row another system wrote.
QList<TraceEvent> coldReadTrace(int clients = 1)
{
    LabConfig config;
    config.clients = clients;
    Lab lab(config);
    lab.databasePut(u"user:1"_s, "Ann");
    lab.runUntilDone(lab.start(Operation::Kind::Read, 0, u"user:1"_s));
    return lab.trace().events();
}

QJsonObject roundTripThroughText(const QJsonObject &json)
{
    return QJsonDocument::fromJson(QJsonDocument(json).toJson(QJsonDocument::Compact)).object();
}

QList<TraceEvent> everyFieldEvents()
{
    QList<TraceEvent> events;
    TraceEvent full = traceEvent(part(Role::Queue, 1), Participant::db(), EventKind::Call,
                                 Verb::Batch, u"user:1"_s);
    full.id = 7;
    full.opId = 3;
    full.time = 51'500;
    full.duration = 25'000;
    full.flags = Background | Lost;
    full.value = QByteArray("\xff\x00\x01 binary", 10);
    full.version = -1;
    full.number = 3;
    full.text = u"a note; with # and\nnewline"_s;
    events.append(full);

    TraceEvent hit = traceEvent(Participant::cache(), part(Role::Breaker, 2), EventKind::Return,
                                Verb::Hit, u"ключ:1"_s);
    hit.id = 8;
    hit.time = 52'000;
    hit.value = u"Zoë 🍕"_s.toUtf8();
    hit.version = 5;
    hit.number = 3600 * kSecond;
    hit.flags = Negative | Stale | Failure;
    events.append(hit);

    TraceEvent nul = traceEvent(part(Role::App, 25), part(Role::L1, 25), EventKind::Async,
                                Verb::Invalidation, u"k"_s);
    nul.id = 9;
    nul.value = QByteArray("a\0b", 3); // valid UTF-8 with a NUL in it
    events.append(nul);

    TraceEvent note = textEvent(u"the cache is down"_s);
    note.id = 10;
    note.time = 9'000'000'000LL;
    note.flags = Failure;
    events.append(note);
    return events;
}

} // namespace

class TestTrace : public QObject
{
    Q_OBJECT

private slots:
    void ringKeepsTheNewest();
    void ringCapacityEdges();
    void listenerSeesEveryEvent();
    void disabledLogRecordsNothing();
    void disabledLabRecordsNothing();

    void describeLabels_data();
    void describeLabels();
    void displayValueEscapesAndShortens_data();
    void displayValueEscapesAndShortens();
    void shortenedValueIsValidText();
    void participantNames();

    void mermaidOfARealRun();
    void mermaidParticipantOrder();
    void mermaidNamesClients();
    void mermaidArrowsAndNumbers();
    void mermaidEscapesHashAndSemicolon();
    void mermaidStaleInRedBox();
    void mermaidLostWritesInRedBox();
    void mermaidBackgroundNote();

    void jsonRoundTripsEveryField();
    void jsonRoundTripsEveryKindAndVerb();
    void jsonRoundTripsARealRun();
    void jsonIsDeterministic();
    void jsonRejectsForeignDocuments_data();
    void jsonRejectsForeignDocuments();
};

// --- TraceLog ------------------------------------------------------------------------------

void TestTrace::ringKeepsTheNewest()
{
    TraceLog log(5);
    QCOMPARE(log.capacity(), 5);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(log.record(textEvent(u"e%1"_s.arg(i))), quint64(i));
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.events().constFirst().text, u"e1"_s);

    for (int i = 4; i <= 12; ++i)
        log.record(textEvent(u"e%1"_s.arg(i)));
    QCOMPARE(log.size(), 5);
    QCOMPARE(log.total(), quint64(12));
    const QList<TraceEvent> kept = log.events();
    QCOMPARE(kept.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(kept[i].id, quint64(8 + i)); // oldest first
        QCOMPARE(kept[i].text, u"e%1"_s.arg(8 + i));
    }

    log.clear();
    QCOMPARE(log.size(), 0);
    QCOMPARE(log.total(), quint64(0));
    QCOMPARE(log.record(textEvent(u"fresh"_s)), quint64(1));
    QCOMPARE(log.events().constFirst().text, u"fresh"_s);
}

void TestTrace::ringCapacityEdges()
{
    TraceLog zero(0); // never less than one
    QCOMPARE(zero.capacity(), 1);
    zero.record(textEvent(u"a"_s));
    zero.record(textEvent(u"b"_s));
    QCOMPARE(zero.size(), 1);
    QCOMPARE(zero.events().constFirst().text, u"b"_s);
    QCOMPARE(zero.total(), quint64(2));

    TraceLog exact(3);
    for (int i = 1; i <= 6; ++i) // exactly two laps
        exact.record(textEvent(QString::number(i)));
    QCOMPARE(exact.events().constFirst().text, u"4"_s);
    QCOMPARE(exact.events().constLast().text, u"6"_s);
}

void TestTrace::listenerSeesEveryEvent()
{
    TraceLog log(2);
    QList<quint64> seen;
    log.setListener([&](const TraceEvent &e) { seen.append(e.id); });
    for (int i = 0; i < 4; ++i)
        log.record(textEvent(u"x"_s));
    QCOMPARE(seen, (QList<quint64>{1, 2, 3, 4})); // even those the ring then drops
}

void TestTrace::disabledLogRecordsNothing()
{
    TraceLog log(10);
    int heard = 0;
    log.setListener([&](const TraceEvent &) { ++heard; });
    log.setEnabled(false);
    QVERIFY(!log.enabled());
    log.record(textEvent(u"ignored"_s));
    QCOMPARE(log.size(), 0);
    QCOMPARE(log.total(), quint64(0));
    QCOMPARE(heard, 0);
    log.setEnabled(true);
    log.record(textEvent(u"kept"_s));
    QCOMPARE(log.events().constLast().text, u"kept"_s);
}

void TestTrace::disabledLabRecordsNothing()
{
    LabConfig config;
    config.tracing = false;
    config.pattern = PatternKind::WriteBehind; // background work, notes, enqueues
    config.options.flush = kSecond;
    Lab lab(config);
    lab.databasePut(u"a"_s, "1");
    lab.runUntilDone(lab.start(Operation::Kind::Read, 0, u"a"_s));
    lab.runUntilDone(lab.start(Operation::Kind::Write, 0, u"a"_s, "2"));
    lab.setCacheFailing(true);
    lab.runUntilDone(lab.start(Operation::Kind::Read, 0, u"a"_s));
    lab.setCacheFailing(false);
    lab.crash(0);
    lab.settle();
    QVERIFY(!lab.trace().enabled());
    QCOMPARE(lab.trace().size(), 0);
    QCOMPARE(lab.trace().total(), quint64(0));
    QCOMPARE(lab.metrics().total(Counter::Reads), 2); // the run itself happened
}

// --- labels --------------------------------------------------------------------------------

void TestTrace::describeLabels_data()
{
    QTest::addColumn<TraceEvent>("event");
    QTest::addColumn<QString>("label");
    const Participant app = Participant::app(0);
    const Participant cache = Participant::cache();
    const Participant db = Participant::db();
    auto with = [](TraceEvent e, const std::function<void(TraceEvent &)> &change) {
        change(e);
        return e;
    };

    QTest::newRow("GET") << traceEvent(app, cache, EventKind::Call, Verb::Get, u"user:1"_s)
                         << u"GET user:1"_s;
    QTest::newRow("miss") << traceEvent(cache, app, EventKind::Return, Verb::Miss, u"user:1"_s)
                          << u"miss"_s;
    QTest::newRow("SETEX") << with(traceEvent(app, cache, EventKind::Call, Verb::Set, u"user:1"_s),
                                   [](TraceEvent &e) { e.number = 30 * kSecond; })
                           << u"SETEX user:1 30s"_s;
    QTest::newRow("SETEX odd TTL")
        << with(traceEvent(app, cache, EventKind::Call, Verb::Set, u"user:1"_s),
                [](TraceEvent &e) { e.number = 3600 * kSecond - 500; })
        << u"SETEX user:1 3599999.5ms"_s;
    QTest::newRow("SET") << traceEvent(app, cache, EventKind::Call, Verb::Set, u"user:1"_s)
                         << u"SET user:1"_s;
    QTest::newRow("hit") << with(traceEvent(cache, app, EventKind::Return, Verb::Hit, u"user:1"_s),
                                 [](TraceEvent &e) {
                                     e.value = "Ann";
                                     e.version = 3;
                                 })
                         << u"hit Ann (v3)"_s;
    QTest::newRow("hit with TTL") << with(traceEvent(cache, app, EventKind::Return, Verb::Hit,
                                                     u"user:1"_s),
                                          [](TraceEvent &e) {
                                              e.value = "Ann";
                                              e.version = 3;
                                              e.number = 90 * kSecond;
                                          })
                                  << u"hit Ann (v3), TTL 90s"_s;
    QTest::newRow("hit unflushed") << with(traceEvent(cache, app, EventKind::Return, Verb::Hit),
                                           [](TraceEvent &e) {
                                               e.value = "Bob";
                                               e.version = 4;
                                               e.flags = Pending;
                                           })
                                   << u"hit Bob (v4, not yet in the DB)"_s;
    QTest::newRow("negative hit") << with(traceEvent(cache, app, EventKind::Return, Verb::Hit),
                                          [](TraceEvent &e) { e.flags = Negative; })
                                  << u"hit: no such row"_s;
    QTest::newRow("DEL") << traceEvent(app, cache, EventKind::Call, Verb::Del, u"k"_s)
                         << u"DEL k"_s;
    QTest::newRow("SELECT") << traceEvent(app, db, EventKind::Call, Verb::Select, u"k"_s)
                            << u"SELECT k"_s;
    QTest::newRow("UPSERT") << with(traceEvent(app, db, EventKind::Call, Verb::Upsert, u"k"_s),
                                    [](TraceEvent &e) { e.value = "v"; })
                            << u"UPSERT k = v"_s;
    QTest::newRow("row") << with(traceEvent(db, app, EventKind::Return, Verb::Row, u"k"_s),
                                 [](TraceEvent &e) {
                                     e.value = "Ann";
                                     e.version = 2;
                                 })
                         << u"row Ann (v2)"_s;
    QTest::newRow("no row") << traceEvent(db, app, EventKind::Return, Verb::NoRow) << u"no row"_s;
    QTest::newRow("batch") << with(traceEvent(part(Role::Queue), db, EventKind::Call, Verb::Batch),
                                   [](TraceEvent &e) { e.number = 3; })
                           << u"batch write of 3 row(s)"_s;
    QTest::newRow("committed one") << with(traceEvent(db, app, EventKind::Return, Verb::Committed),
                                           [](TraceEvent &e) { e.version = 4; })
                                   << u"committed v4"_s;
    QTest::newRow("committed rows") << with(traceEvent(db, app, EventKind::Return, Verb::Committed),
                                            [](TraceEvent &e) { e.number = 3; })
                                    << u"committed 3 row(s)"_s;
    QTest::newRow("failed") << with(traceEvent(cache, app, EventKind::Return, Verb::Failed),
                                    [](TraceEvent &e) { e.text = u"the cache is down"_s; })
                            << u"failed: the cache is down"_s;
    QTest::newRow("result") << with(traceEvent(app, app, EventKind::Return, Verb::Result, u"k"_s),
                                    [](TraceEvent &e) {
                                        e.value = "Ann";
                                        e.version = 1;
                                    })
                            << u"k = Ann (v1)"_s;
    QTest::newRow("result not found")
        << with(traceEvent(app, app, EventKind::Return, Verb::Result, u"k"_s),
                [](TraceEvent &e) { e.flags = Negative; })
        << u"k: not found"_s;
    QTest::newRow("result error") << with(traceEvent(app, app, EventKind::Return, Verb::Result,
                                                     u"k"_s),
                                          [](TraceEvent &e) {
                                              e.flags = Failure;
                                              e.text = u"boom"_s;
                                          })
                                  << u"error: boom"_s;
    QTest::newRow("rejected") << traceEvent(part(Role::Breaker), app, EventKind::Return,
                                            Verb::Rejected)
                              << u"open: skip the cache"_s;
    QTest::newRow("PUBLISH") << traceEvent(app, cache, EventKind::Call, Verb::Publish, u"k"_s)
                             << u"PUBLISH invalidate k"_s;
    QTest::newRow("LTRIM") << with(traceEvent(part(Role::Queue), cache, EventKind::Call,
                                              Verb::ListAck),
                                   [](TraceEvent &e) { e.number = 2; })
                           << u"LTRIM queue (2 done)"_s;
    QTest::newRow("note") << textEvent(u"crashed and restarted"_s) << u"crashed and restarted"_s;
    QTest::newRow("long value") << with(traceEvent(app, db, EventKind::Call, Verb::Upsert, u"k"_s),
                                        [](TraceEvent &e) { e.value = QByteArray(30, 'x'); })
                                << u"UPSERT k = "_s + QString(24, u'x') + u'…';
}

void TestTrace::describeLabels()
{
    QFETCH(TraceEvent, event);
    QFETCH(QString, label);
    QCOMPARE(describe(event), label);
}

void TestTrace::displayValueEscapesAndShortens_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("maxChars");
    QTest::addColumn<QString>("shown");
    QTest::newRow("plain") << QByteArray("Ann") << 24 << u"Ann"_s;
    QTest::newRow("empty") << QByteArray() << 24 << QString();
    QTest::newRow("newline") << QByteArray("a\nb") << 24 << u"a\\nb"_s;
    QTest::newRow("tab") << QByteArray("a\tb") << 24 << u"a\\tb"_s;
    QTest::newRow("carriage return") << QByteArray("a\rb") << 24 << u"a\\x0db"_s;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << 24 << u"a\\x00b"_s;
    QTest::newRow("escape sequence") << QByteArray("\x1b[31mred") << 24 << u"\\x1b[31mred"_s;
    QTest::newRow("invalid UTF-8") << QByteArray("a\xff") << 24 << u"a\\xfffd"_s;
    QTest::newRow("non-ASCII") << u"Zoë 北京"_s.toUtf8() << 24 << u"Zoë 北京"_s;
    QTest::newRow("exactly the limit") << QByteArray(24, 'x') << 24 << QString(24, u'x');
    QTest::newRow("one over") << QByteArray(25, 'x') << 24 << QString(24, u'x') + u'…';
    QTest::newRow("1 MiB") << QByteArray(1024 * 1024, 'y') << 10 << QString(10, u'y') + u'…';
    QTest::newRow("short limit") << QByteArray("abcdef") << 3 << u"abc…"_s;
}

void TestTrace::displayValueEscapesAndShortens()
{
    QFETCH(QByteArray, value);
    QFETCH(int, maxChars);
    QFETCH(QString, shown);
    QCOMPARE(displayValue(value, maxChars), shown);
}

void TestTrace::shortenedValueIsValidText()
{
    // Shortening must not cut a character in half: "ab🍕🍕" shown in 3 characters.
    const QString shown = displayValue(u"ab🍕🍕"_s.toUtf8(), 3);
    bool valid = true;
    for (qsizetype i = 0; i < shown.size(); ++i) {
        if (shown[i].isHighSurrogate())
            valid = valid && i + 1 < shown.size() && shown[i + 1].isLowSurrogate();
        else if (shown[i].isLowSurrogate())
            valid = valid && i > 0 && shown[i - 1].isHighSurrogate();
    }
    QVERIFY2(valid,
             qPrintable(u"not valid text: "_s + QString::fromLatin1(shown.toUtf8().toHex())));
    QVERIFY(shown.startsWith(u"ab"_s));
    QVERIFY(shown.endsWith(u'…'));
}

void TestTrace::participantNames()
{
    QCOMPARE(participantName(Participant::app(0), 1), u"App"_s);
    QCOMPARE(participantName(Participant::app(1), 2), u"App B"_s);
    QCOMPARE(participantName(part(Role::L1, 2), 3), u"L1 C"_s);
    QCOMPARE(participantName(Participant::cache(), 3), u"Cache"_s);
    QCOMPARE(participantName(Participant::db(), 3), u"DB"_s);
    QCOMPARE(participantName(part(Role::Refresher, 0), 1), u"Refresher"_s);
}

// --- Mermaid -------------------------------------------------------------------------------

void TestTrace::mermaidOfARealRun()
{
    const QString mermaid = toMermaid(coldReadTrace(), 1);
    const QString expected = uR"(sequenceDiagram
    participant AppA as App
    participant Cache
    participant DB
    Note over DB: 1. another system wrote user:1 = Ann (v1)
    AppA->>Cache: 2. GET user:1
    Cache-->>AppA: 3. miss
    AppA->>DB: 4. SELECT user:1
    DB-->>AppA: 5. row Ann (v1)
    AppA->>Cache: 6. SETEX user:1 1h
    Cache-->>AppA: 7. OK
    AppA-->>AppA: 8. user:1 = Ann (v1)
)"_s;
    QCOMPARE(mermaid, expected);
}

void TestTrace::mermaidParticipantOrder()
{
    // Lifelines in caching-patterns.md's order, whatever order the events name them in.
    const QList<TraceEvent> events{
        traceEvent(part(Role::Refresher), Participant::db(), EventKind::Call, Verb::Select, u"k"_s),
        traceEvent(part(Role::Queue), Participant::cache(), EventKind::Call, Verb::ListPush,
                   u"k"_s),
        traceEvent(part(Role::Breaker), part(Role::L1), EventKind::Call, Verb::Get, u"k"_s),
        traceEvent(Participant::app(0), part(Role::Refresher), EventKind::Async, Verb::Trigger,
                   u"k"_s),
    };
    QCOMPARE(participantLines(toMermaid(events, 1)),
             (QStringList{u"participant AppA as App"_s, u"participant L1A as L1"_s,
                          u"participant BreakerA as Breaker"_s, u"participant Cache"_s,
                          u"participant QueueA as Queue"_s,
                          u"participant RefresherA as Refresher"_s, u"participant DB"_s}));
}

void TestTrace::mermaidNamesClients()
{
    const QString mermaid = toMermaid(coldReadTrace(2), 2);
    QCOMPARE(participantLines(mermaid), (QStringList{u"participant AppA as App A"_s,
                                                     u"participant Cache"_s, u"participant DB"_s}));
    const QList<TraceEvent> events{
        traceEvent(Participant::app(1), part(Role::L1, 1), EventKind::Call, Verb::L1Get, u"k"_s),
        traceEvent(Participant::app(0), Participant::cache(), EventKind::Call, Verb::Get, u"k"_s),
        traceEvent(Participant::cache(), part(Role::L1, 0), EventKind::Async, Verb::Invalidation,
                   u"k"_s),
    };
    const QString two = toMermaid(events, 2);
    QCOMPARE(participantLines(two),
             (QStringList{u"participant AppA as App A"_s, u"participant AppB as App B"_s,
                          u"participant L1A as L1 A"_s, u"participant L1B as L1 B"_s,
                          u"participant Cache"_s}));
    QVERIFY(two.contains(u"    AppB->>L1B: 1. L1 get k\n"_s));
    QVERIFY(two.contains(u"    Cache-)L1A: 3. invalidate k\n"_s));
}

void TestTrace::mermaidArrowsAndNumbers()
{
    TraceEvent reply = traceEvent(Participant::cache(), Participant::app(0), EventKind::Return,
                                  Verb::Failed, u"k"_s);
    reply.text = u"the cache is down"_s;
    reply.flags = Failure;
    const QList<TraceEvent> events{
        traceEvent(Participant::app(0), Participant::cache(), EventKind::Call, Verb::Get, u"k"_s),
        reply,
        textEvent(u"a note is numbered as on screen"_s),
        traceEvent(Participant::app(0), part(Role::Queue), EventKind::Async, Verb::Enqueue, u"k"_s),
    };
    const QStringList out = lines(toMermaid(events, 1));
    QCOMPARE(out.mid(out.size() - 4),
             (QStringList{u"    AppA->>Cache: 1. GET k"_s,
                          u"    Cache-->>AppA: 2. failed: the cache is down"_s,
                          u"    Note over Cache: 3. a note is numbered as on screen"_s,
                          u"    AppA-)QueueA: 4. enqueue k"_s}));
}

void TestTrace::mermaidEscapesHashAndSemicolon()
{
    // Mermaid reads ';' as the end of a statement and '#' as the start of an entity code.
    TraceEvent upsert =
        traceEvent(Participant::app(0), Participant::db(), EventKind::Call, Verb::Upsert, u"k;1"_s);
    upsert.value = "a#b";
    TraceEvent note = textEvent(u"line one\nline two; #3"_s);
    const QString mermaid = toMermaid({upsert, note}, 1);
    QVERIFY2(mermaid.contains(u"AppA->>DB: 1. UPSERT k#59;1 = a#35;b\n"_s), qPrintable(mermaid));
    QVERIFY2(mermaid.contains(u"Note over Cache: 2. line one line two#59; #35;3\n"_s),
             qPrintable(mermaid));
    QVERIFY(!mermaid.contains(u"a#b"_s));
}

void TestTrace::mermaidStaleInRedBox()
{
    TraceEvent stale = traceEvent(Participant::app(0), Participant::app(0), EventKind::Return,
                                  Verb::Result, u"user:1"_s);
    stale.value = "old";
    stale.version = 1;
    stale.flags = Stale;
    stale.text = u"stale: got v1, the database has v2"_s;
    const QList<TraceEvent> events{
        traceEvent(Participant::app(0), Participant::cache(), EventKind::Call, Verb::Get,
                   u"user:1"_s),
        stale,
    };
    const QStringList out = lines(toMermaid(events, 1));
    const qsizetype at = out.indexOf(
        u"    AppA-->>AppA: 2. user:1 = old (v1) (stale: got v1, the database has v2)"_s);
    QVERIFY2(at > 0, qPrintable(out.join(u'\n')));
    QCOMPARE(out[at - 1], u"    rect rgb(255, 200, 200)"_s);
    QCOMPARE(out[at + 1], u"    end"_s);
    QCOMPARE(out.count(u"    end"_s), 1); // only the stale one is boxed
}

void TestTrace::mermaidLostWritesInRedBox()
{
    // A real lost write: write-behind acknowledges, then the instance crashes with its queue.
    LabConfig config;
    config.pattern = PatternKind::WriteBehind;
    Lab lab(config);
    lab.runUntilDone(lab.start(Operation::Kind::Write, 0, u"order:1"_s, "lamp"));
    lab.crash(0);
    QCOMPARE(lab.metrics().total(Counter::LostWrites), 1);
    const QStringList out = lines(toMermaid(lab.trace().events(), 1));
    qsizetype at = -1;
    for (qsizetype i = 0; i < out.size(); ++i) {
        if (out[i].contains(u"lost"_s))
            at = i;
    }
    QVERIFY2(at > 0, qPrintable(out.join(u'\n')));
    QCOMPARE(out[at - 1], u"    rect rgb(255, 200, 200)"_s);
    QVERIFY(at + 1 < out.size());
    QCOMPARE(out[at + 1], u"    end"_s);
}

void TestTrace::mermaidBackgroundNote()
{
    TraceEvent flush =
        traceEvent(part(Role::Queue), Participant::db(), EventKind::Call, Verb::Batch);
    flush.number = 2;
    flush.flags = Background;
    TraceEvent committed =
        traceEvent(Participant::db(), part(Role::Queue), EventKind::Return, Verb::Committed);
    committed.number = 2;
    committed.flags = Background;
    const QList<TraceEvent> events{
        traceEvent(Participant::app(0), Participant::cache(), EventKind::Call, Verb::Get, u"k"_s),
        flush, committed, flush};
    const QStringList out = lines(toMermaid(events, 1));
    const QStringList expected{u"    AppA->>Cache: 1. GET k"_s,
                               u"    Note over QueueA,DB: in the background"_s,
                               u"    QueueA->>DB: 2. batch write of 2 row(s)"_s,
                               u"    DB-->>QueueA: 3. committed 2 row(s)"_s,
                               u"    QueueA->>DB: 4. batch write of 2 row(s)"_s};
    QCOMPARE(out.mid(out.size() - 5), expected); // one note per stretch of background work
}

// --- JSON ----------------------------------------------------------------------------------

void TestTrace::jsonRoundTripsEveryField()
{
    const QList<TraceEvent> events = everyFieldEvents();
    const QJsonObject json = traceToJson(events, 3);
    QCOMPARE(json.value(u"format"_s).toString(), u"cachelab-trace"_s);
    QCOMPARE(json.value(u"version"_s).toInt(), 1);
    QCOMPARE(json.value(u"clients"_s).toInt(), 3);
    const QJsonObject first = json.value(u"events"_s).toArray().at(0).toObject();
    QVERIFY(first.contains(u"value_base64"_s)); // not UTF-8: kept as bytes
    QCOMPARE(first.value(u"label"_s).toString(), u"batch write of 3 row(s)"_s);

    const auto loaded = traceFromJson(roundTripThroughText(json));
    QVERIFY2(
        std::holds_alternative<LoadedTrace>(loaded),
        qPrintable(std::get_if<QString>(&loaded) ? *std::get_if<QString>(&loaded) : QString()));
    const LoadedTrace &trace = std::get<LoadedTrace>(loaded);
    QCOMPARE(trace.clients, 3);
    QCOMPARE(trace.events.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i)
        COMPARE_EVENTS(trace.events[i], events[i]);
}

void TestTrace::jsonRoundTripsEveryKindAndVerb()
{
    QList<TraceEvent> events;
    quint64 id = 0;
    for (int kind = 0; kind <= int(EventKind::Note); ++kind) {
        for (int verb = 0; verb <= int(Verb::Text); ++verb) {
            TraceEvent e = traceEvent(Participant::app(0), Participant::cache(), EventKind(kind),
                                      Verb(verb), u"k"_s);
            e.id = ++id;
            e.time = TimeUs(id) * 1000;
            events.append(e);
        }
    }
    const auto loaded = traceFromJson(roundTripThroughText(traceToJson(events, 1)));
    QVERIFY(std::holds_alternative<LoadedTrace>(loaded));
    const QList<TraceEvent> &back = std::get<LoadedTrace>(loaded).events;
    QCOMPARE(back.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i)
        COMPARE_EVENTS(back[i], events[i]);
}

void TestTrace::jsonRoundTripsARealRun()
{
    const QList<TraceEvent> events = coldReadTrace(2);
    const auto loaded = traceFromJson(roundTripThroughText(traceToJson(events, 2)));
    QVERIFY(std::holds_alternative<LoadedTrace>(loaded));
    const LoadedTrace &trace = std::get<LoadedTrace>(loaded);
    QCOMPARE(trace.events.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i)
        COMPARE_EVENTS(trace.events[i], events[i]);
    QCOMPARE(toMermaid(trace.events, trace.clients), toMermaid(events, 2));
}

void TestTrace::jsonIsDeterministic()
{
    const QByteArray one = QJsonDocument(traceToJson(coldReadTrace(), 1)).toJson();
    const QByteArray two = QJsonDocument(traceToJson(coldReadTrace(), 1)).toJson();
    QCOMPARE(one, two);
}

void TestTrace::jsonRejectsForeignDocuments_data()
{
    QTest::addColumn<QJsonObject>("document");
    QTest::addColumn<QString>("complaint");

    const QJsonObject good = traceToJson(everyFieldEvents(), 3);
    auto withEvent = [&](int index, const std::function<void(QJsonObject &)> &change) {
        QJsonObject doc = good;
        QJsonArray events = doc.value(u"events"_s).toArray();
        QJsonObject e = events.at(index).toObject();
        change(e);
        events.replace(index, e);
        doc.insert(u"events"_s, events);
        return doc;
    };
    auto with = [&](const QString &key, const QJsonValue &value) {
        QJsonObject doc = good;
        if (value.isUndefined())
            doc.remove(key);
        else
            doc.insert(key, value);
        return doc;
    };

    QTest::newRow("not a trace") << QJsonObject{{u"hello"_s, u"world"_s}} << u"format"_s;
    QTest::newRow("wrong format") << with(u"format"_s, u"other-trace"_s) << u"format"_s;
    QTest::newRow("wrong version") << with(u"version"_s, 2) << u"version 2"_s;
    QTest::newRow("no clients") << with(u"clients"_s, QJsonValue(QJsonValue::Undefined))
                                << u"clients"_s;
    QTest::newRow("too many clients") << with(u"clients"_s, 27) << u"clients"_s;
    QTest::newRow("unknown role") << withEvent(1, [](QJsonObject &e) {
        e.insert(u"from"_s, QJsonObject{{u"role"_s, u"Printer"_s}});
    }) << u"event 2 is damaged: it names an unknown participant"_s;
    QTest::newRow("client out of range") << withEvent(0, [](QJsonObject &e) {
        e.insert(u"to"_s, QJsonObject{{u"role"_s, u"App"_s}, {u"client"_s, 26}});
    }) << u"event 1 is damaged: it names an unknown participant"_s;
    QTest::newRow("no participant")
        << withEvent(2, [](QJsonObject &e) { e.remove(u"to"_s); }) << u"participant"_s;
    QTest::newRow("negative time") << withEvent(0, [](QJsonObject &e) { e.insert(u"t_us"_s, -1); })
                                   << u"event 1 is damaged: its time is missing or negative"_s;
    QTest::newRow("no time") << withEvent(3, [](QJsonObject &e) { e.remove(u"t_us"_s); })
                             << u"event 4 is damaged: its time is missing or negative"_s;
    QTest::newRow("negative duration")
        << withEvent(0, [](QJsonObject &e) { e.insert(u"duration_us"_s, -5); }) << u"negative"_s;
    QTest::newRow("unknown verb") << withEvent(0, [](QJsonObject &e) {
        e.insert(u"verb"_s, u"explode"_s);
    }) << u"kind or verb"_s;
    QTest::newRow("unknown kind") << withEvent(0, [](QJsonObject &e) {
        e.insert(u"kind"_s, u"shout"_s);
    }) << u"kind or verb"_s;
}

void TestTrace::jsonRejectsForeignDocuments()
{
    QFETCH(QJsonObject, document);
    QFETCH(QString, complaint);
    const auto loaded = traceFromJson(document);
    QVERIFY2(std::holds_alternative<QString>(loaded), "the document should have been refused");
    const QString message = std::get<QString>(loaded);
    QVERIFY2(message.contains(complaint), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
