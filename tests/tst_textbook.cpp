// Textbook mode (textbook=on): each pattern runs the source material's example class, mistakes
// included (SCENARIOS.md, "Textbook code"). Each test shows the mistake in virtual time and,
// where it helps, that textbook=off does not make it. Defaults: cache 1ms, database 50ms.

#include "testsupport.h"

#include "patterns/writethrough.h"
#include "scenario/scenario.h"
#include "trace/mermaid.h"

#include <QTest>

using namespace cachelab;
using namespace cachelab::testsupport;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(cachelab::PatternKind)

namespace {

const QString kUser = u"user:1"_s;

QString parseMessage(const QString &text)
{
    const auto result = scenario::parse(text, u"t.cls"_s);
    if (const auto *error = std::get_if<scenario::ParseError>(&result))
        return error->toString();
    return {};
}

} // namespace

class TestTextbook : public QObject
{
    Q_OBJECT

private slots:
    void onlyTheSourcesOptionsCombine_data();
    void onlyTheSourcesOptionsCombine();
    void optionListIsAllOrNothing();
    void dirtyReadsIsACounter();

    void writeThroughIsThreeCallsWithTheSetexBeforeTheCommit();
    void failedCommitLeavesADirtyValue();
    void labWriteThroughCommitsFirst();
    void falseValuesAreNeverCached_data();
    void falseValuesAreNeverCached();

    void failedBatchIsDroppedAtOnce();
    void flushesOneSecondAfterTheLastWrite();
    void writeLongAfterTheLastFlushFlushesAtOnce();
    void fullBatchFlushesAndTheQueueCountsTheWritersBatch();

    void refreshAheadQueuesDuplicates();
    void aroundInvalidatesTheKeyWithoutPrefix();
    void multiLevelL1NeverExpiresAndNeverFills();
    void multiLevelWriteTellsNoL1();
    void breakerNeverClosesOnceOpen();
};

void TestTextbook::onlyTheSourcesOptionsCombine_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("forbidden"); // empty: the line is fine
    QTest::newRow("cache-aside ttl") << u"cache-aside ttl=5m textbook=on"_s << QString();
    QTest::newRow("cache-aside single-flight")
        << u"cache-aside textbook=on single-flight=on"_s << u"single-flight"_s;
    QTest::newRow("write-through negative-ttl")
        << u"write-through negative-ttl=5s textbook=on"_s << u"negative-ttl"_s;
    QTest::newRow("write-through jitter")
        << u"write-through textbook=on jitter=10%"_s << u"jitter"_s;
    QTest::newRow("write-behind batch flush")
        << u"write-behind batch=5 flush=10s textbook=on"_s << QString();
    QTest::newRow("write-behind retries")
        << u"write-behind textbook=on retries=5"_s << u"retries"_s;
    QTest::newRow("write-behind durable")
        << u"write-behind textbook=on durable=on"_s << u"durable"_s;
    QTest::newRow("write-behind coalesce")
        << u"write-behind coalesce=on textbook=on"_s << u"coalesce"_s;
    QTest::newRow("refresh-ahead threshold min-access")
        << u"refresh-ahead threshold=0.5 min-access=2 textbook=on"_s << QString();
    QTest::newRow("around prefix") << u"around prefix=u: textbook=on"_s << QString();
    QTest::newRow("multi-level l1-ttl l2-ttl")
        << u"multi-level l1-ttl=1s l2-ttl=1m textbook=on"_s << QString();
    QTest::newRow("multi-level l1-capacity")
        << u"multi-level textbook=on l1-capacity=10"_s << u"l1-capacity"_s;
    QTest::newRow("multi-level invalidate")
        << u"multi-level textbook=on invalidate=off"_s << u"invalidate"_s;
    QTest::newRow("circuit-breaker failures open-timeout")
        << u"circuit-breaker failures=2 open-timeout=5s textbook=on"_s << QString();
    QTest::newRow("circuit-breaker ttl jitter")
        << u"circuit-breaker textbook=on jitter=5%"_s << u"jitter"_s;
    QTest::newRow("off combines with anything")
        << u"write-behind textbook=off durable=on retries=1"_s << QString();
}

void TestTextbook::onlyTheSourcesOptionsCombine()
{
    QFETCH(QString, line);
    QFETCH(QString, forbidden);
    const QString message = parseMessage(u"# textbook\npattern "_s + line + u"\nread k\n"_s);
    if (forbidden.isEmpty()) {
        QVERIFY2(message.isEmpty(), qPrintable(message));
        return;
    }
    QVERIFY2(message.startsWith(u"t.cls:2: "_s), qPrintable(message));
    QVERIFY2(message.contains(u"textbook=on"_s), qPrintable(message));
    QVERIFY2(message.contains(u"no option "_s + forbidden), qPrintable(message));
}

void TestTextbook::optionListIsAllOrNothing()
{
    PatternOptions options;
    const auto error =
        applyOptionList(options, PatternKind::WriteBehind, u"ttl=5m textbook=on durable=on");
    QVERIFY(error);
    QVERIFY2(error->contains(u"durable"_s), qPrintable(*error));
    QCOMPARE(options.ttl, PatternOptions().ttl);
    QVERIFY(!options.textbook);

    QVERIFY(!applyOptionList(options, PatternKind::WriteBehind, u"ttl=5m textbook=on batch=3"));
    QVERIFY(options.textbook);
    QCOMPARE(options.batch, 3);
    QCOMPARE(changedOptions(options, PatternKind::WriteBehind),
             QStringList({u"ttl=5m"_s, u"batch=3"_s, u"textbook=on"_s}));

    const auto bad = applyOptionList(options, PatternKind::Around, u"textbook=maybe");
    QVERIFY(bad && bad->contains(u"on or off"_s));
}

void TestTextbook::dirtyReadsIsACounter()
{
    QCOMPARE(counterFromName(u"dirty.reads"), Counter::DirtyReads);
    QCOMPARE(counterName(Counter::DirtyReads), u"dirty.reads"_s);
    QVERIFY(parseMessage(u"pattern write-through\nexpect metric dirty.reads = 0\n"_s).isEmpty());
}

void TestTextbook::writeThroughIsThreeCallsWithTheSetexBeforeTheCommit()
{
    Harness h(labConfig(PatternKind::WriteThrough, {{"textbook", "on"}}));
    const Operation w = h.write(kUser, "Ann");
    QVERIFY(w.ok);
    QCOMPARE(took(w), 101 * ms); // UPSERT 50ms + SETEX 1ms + COMMIT 50ms

    QList<Verb> calls;
    for (const TraceEvent &e : h.lab.trace().events()) {
        if (e.kind == EventKind::Call && e.opId == w.id)
            calls.append(e.verb);
    }
    QCOMPARE(calls, QList<Verb>({Verb::TxUpsert, Verb::Set, Verb::Commit}));
    QCOMPARE(h.lab.database().version(kUser), 1);
    QCOMPARE(h.metric(Counter::DbWrites), 1);
    QCOMPARE(h.cachedValue(kUser), QByteArray("Ann"));
    QCOMPARE(h.cached(kUser)->record.version, 1);
}

void TestTextbook::failedCommitLeavesADirtyValue()
{
    Harness h(labConfig(PatternKind::WriteThrough, {{"textbook", "on"}}, 2));
    h.lab.databasePut(kUser, "Ann");
    const quint64 id = h.startWrite(kUser, "Bob");
    // The SETEX takes effect at 50.5ms; the COMMIT is sent at 51ms and lands at 76ms.
    h.runUntil(60 * ms);
    QCOMPARE(h.cachedValue(kUser), QByteArray("Bob"));
    QCOMPARE(h.lab.database().load(kUser)->value, QByteArray("Ann"));
    h.lab.setDatabaseFailing(true);
    h.lab.runUntilDone(id);
    QVERIFY(!h.finished(id).ok);
    h.lab.setDatabaseFailing(false);

    QCOMPARE(h.lab.database().version(kUser), 1);
    QCOMPARE(h.metric(Counter::DbWrites), 0);
    const Operation r = h.read(kUser, 1);
    QCOMPARE(r.result.value, QByteArray("Bob"));
    QVERIFY(r.dirty);
    QVERIFY(!r.stale);
    QCOMPARE(h.metric(Counter::DirtyReads), 1);
    QCOMPARE(h.metric(Counter::StaleReads), 0);
    QVERIFY(h.events(Verb::Result).constLast().flags & Dirty);
    // The exported diagram draws it in red, like a stale read.
    const QString mermaid = toMermaid(h.lab.trace().events(), 2);
    const qsizetype dirty = mermaid.indexOf(u"dirty: got v2"_s);
    QVERIFY2(dirty > 0, qPrintable(mermaid));
    QVERIFY(mermaid.lastIndexOf(u"rect rgb(255, 200, 200)"_s, dirty) >
            mermaid.lastIndexOf(u"\n    end\n"_s, dirty));

    // Once the same value is committed after all, reading it is no longer dirty.
    QVERIFY(h.write(kUser, "Bob").ok);
    QVERIFY(!h.read(kUser, 1).dirty);
    QCOMPARE(h.metric(Counter::DirtyReads), 1);
}

void TestTextbook::labWriteThroughCommitsFirst()
{
    Harness h(labConfig(PatternKind::WriteThrough, {}, 2));
    h.lab.databasePut(kUser, "Ann");
    const quint64 id = h.startWrite(kUser, "Bob");
    h.runUntil(10 * ms); // the UPSERT lands at 25ms
    h.lab.setDatabaseFailing(true);
    h.lab.runUntilDone(id);
    QVERIFY(!h.finished(id).ok);
    h.lab.setDatabaseFailing(false);
    QVERIFY(!h.cached(kUser));
    QCOMPARE(h.read(kUser, 1).result.value, QByteArray("Ann"));
    QCOMPARE(h.metric(Counter::DirtyReads), 0);
    QCOMPARE(h.count(Verb::Commit), 0);
}

void TestTextbook::falseValuesAreNeverCached_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("truthy");
    QTest::newRow("empty bytes") << QByteArray() << false;
    QTest::newRow("empty string") << QByteArray("\"\"") << false;
    QTest::newRow("zero") << QByteArray("0") << false;
    QTest::newRow("zero point zero") << QByteArray("0.0") << false;
    QTest::newRow("false") << QByteArray("false") << false;
    QTest::newRow("null") << QByteArray("null") << false;
    QTest::newRow("empty list") << QByteArray("[]") << false;
    QTest::newRow("empty object") << QByteArray(" { } ") << false;
    QTest::newRow("one") << QByteArray("1") << true;
    QTest::newRow("true") << QByteArray("true") << true;
    QTest::newRow("string") << QByteArray("\"x\"") << true;
    QTest::newRow("list") << QByteArray("[0]") << true;
    QTest::newRow("object") << QByteArray("{\"a\":0}") << true;
    QTest::newRow("not JSON") << QByteArray("Ann") << true;
}

void TestTextbook::falseValuesAreNeverCached()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, truthy);
    QCOMPARE(truthyAsJson(value), truthy);

    Harness h(labConfig(PatternKind::WriteThrough, {{"textbook", "on"}}));
    h.lab.databasePut(kUser, value);
    QCOMPARE(h.read(kUser).result.value, value);
    QCOMPARE(h.read(kUser).result.value, value);
    QCOMPARE(bool(h.cached(kUser)), truthy);
    QCOMPARE(h.metric(Counter::DbReads), truthy ? 1 : 2);

    Harness lab(labConfig(PatternKind::WriteThrough));
    lab.lab.databasePut(kUser, value);
    lab.read(kUser);
    lab.read(kUser);
    QCOMPARE(lab.metric(Counter::DbReads), 1);
}

void TestTextbook::failedBatchIsDroppedAtOnce()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"textbook", "on"}}));
    QVERIFY(h.write(kUser, "Ann").ok); // acknowledged at 1ms
    QVERIFY(h.write(u"user:2"_s, "Bob").ok);
    h.lab.setDatabaseFailing(true);
    // The writer flushes 1 s after the last write (2ms); the batch call fails at 1.027s and
    // the writer hears of it with the reply at 1.052s: the whole batch is lost there and then.
    h.runUntil(1002 * ms);
    QCOMPARE(h.count(Verb::Batch), 1);
    QCOMPARE(h.metric(Counter::LostWrites), 0);
    h.runUntil(1052 * ms);
    QCOMPARE(h.metric(Counter::LostWrites), 2);
    QVERIFY(h.lab.pattern(0).writeQueue().isEmpty());
    h.lab.setDatabaseFailing(false);
    h.runUntil(5 * 60 * s);
    QCOMPARE(h.count(Verb::Batch), 1); // never retried
    QVERIFY(!h.dbRow(kUser));
    QCOMPARE(h.cachedValue(kUser), QByteArray("Ann"));

    // The lab's write-behind retries the same failure.
    Harness lab(labConfig(PatternKind::WriteBehind, {{"flush", "1s"}}));
    QVERIFY(lab.write(kUser, "Ann").ok);
    lab.lab.setDatabaseFailing(true);
    lab.runUntil(1100 * ms);
    lab.lab.setDatabaseFailing(false);
    lab.runUntil(10 * s);
    QCOMPARE(lab.metric(Counter::LostWrites), 0);
    QCOMPARE(lab.dbRow(kUser)->value, QByteArray("Ann"));
}

void TestTextbook::flushesOneSecondAfterTheLastWrite()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"textbook", "on"}, {"flush", "30s"}}));
    QVERIFY(h.write(kUser, "a").ok); // enqueued at 1ms
    h.runUntil(500 * ms);
    QVERIFY(h.write(kUser, "b").ok); // at 501ms: the idle timer starts again
    h.runUntil(1400 * ms);
    QCOMPARE(h.count(Verb::Batch), 0);
    QCOMPARE(h.lab.pattern(0).nextFlushAt(), 1501 * ms);
    h.runUntil(1501 * ms);
    QCOMPARE(h.count(Verb::Batch), 1); // one call for both writes: no coalescing
    h.runUntil(1600 * ms);
    QCOMPARE(h.metric(Counter::DbWrites), 2);
    QCOMPARE(h.lab.database().version(kUser), 2);
}

void TestTextbook::writeLongAfterTheLastFlushFlushesAtOnce()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"textbook", "on"}, {"flush", "2s"}}));
    // Writes every 900ms never let the idle timer run out; the third comes 2.7 s after the
    // writer started (its "last flush") and is flushed at once, with the two before it.
    for (int i = 0; i < 3; ++i) {
        h.runUntil(TimeUs(i + 1) * 900 * ms);
        h.startWrite(kUser, QByteArray::number(i));
    }
    h.runUntil(2700 * ms + 1 * ms);
    QCOMPARE(h.count(Verb::Batch), 1);
    QCOMPARE(h.events(Verb::Batch, EventKind::Call).constFirst().number, 3);
    h.runUntil(3 * s);
    QCOMPARE(h.lab.database().version(kUser), 3);
}

void TestTextbook::fullBatchFlushesAndTheQueueCountsTheWritersBatch()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"textbook", "on"}, {"batch", "2"}}));
    QVERIFY(h.write(u"a"_s, "1").ok);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 1);
    QVERIFY(h.write(u"b"_s, "2").ok); // the batch is full: flushed at 2ms
    QCOMPARE(h.count(Verb::Batch), 1);
    // While the batch is on its way, its writes are still not in the database.
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 2);
    QVERIFY(h.write(u"c"_s, "3").ok);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 3);
    h.runUntil(60 * ms);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 1);
    QCOMPARE(h.metric(Counter::DbWrites), 2);
    // The last one is not flushed with the finished batch: the writer takes it and waits 1 s
    // for another, from the end of its flush (52ms).
    QCOMPARE(h.count(Verb::Batch), 1);
    h.runUntil(1051 * ms);
    QCOMPARE(h.count(Verb::Batch), 1);
    h.runUntil(1052 * ms);
    QCOMPARE(h.count(Verb::Batch), 2);
}

void TestTextbook::refreshAheadQueuesDuplicates()
{
    for (const bool textbook : {true, false}) {
        Harness h(labConfig(
            PatternKind::RefreshAhead,
            {{"ttl", "10s"}, {"threshold", "0.5"}, {"textbook", textbook ? "on" : "off"}}));
        h.lab.databasePut(kUser, "Ann");
        h.read(kUser);
        h.runUntil(6 * s);
        for (int i = 0; i < 3; ++i)
            h.read(kUser);
        // The first refresh is running; the other reads queued theirs behind it (or not).
        const auto queue = h.lab.pattern(0).refreshQueue();
        QCOMPARE(queue.size(), textbook ? 3 : 1);
        QVERIFY(queue.constFirst().running);
        h.runUntil(7 * s);
        QCOMPARE(h.metric(Counter::Refreshes), textbook ? 3 : 1);
        QCOMPARE(h.metric(Counter::DbReads), textbook ? 4 : 2);
    }
}

void TestTextbook::aroundInvalidatesTheKeyWithoutPrefix()
{
    Harness h(labConfig(PatternKind::Around, {{"prefix", "user:"}, {"textbook", "on"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    const QString saved = h.lab.pattern(0).cacheKeyFor(kUser);
    QVERIFY(saved.startsWith(u"user:load_record:"_s));
    QVERIFY(h.cached(saved));

    QVERIFY(h.invalidate(kUser).ok);
    const QList<TraceEvent> dels = h.events(Verb::Del, EventKind::Call);
    QCOMPARE(dels.size(), 1);
    QCOMPARE(u"user:"_s + dels.constFirst().key, saved);
    QVERIFY(h.cached(saved));

    QVERIFY(h.write(kUser, "Anna").ok);
    const Operation r = h.read(kUser);
    QCOMPARE(r.result.value, QByteArray("Ann"));
    QVERIFY(r.stale);

    Harness lab(labConfig(PatternKind::Around, {{"prefix", "user:"}}));
    lab.lab.databasePut(kUser, "Ann");
    lab.read(kUser);
    QVERIFY(lab.invalidate(kUser).ok);
    QVERIFY(!lab.cached(saved));
}

void TestTextbook::multiLevelL1NeverExpiresAndNeverFills()
{
    Harness h(labConfig(PatternKind::MultiLevel, {{"l1-ttl", "1s"}, {"textbook", "on"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    h.lab.databasePut(kUser, "Anna");
    h.invalidate(u"other"_s);
    h.runUntil(2 * 3600 * s); // past l1-ttl and the 1h L2 TTL
    const Operation r = h.read(kUser);
    QCOMPARE(r.result.value, QByteArray("Ann"));
    QVERIFY(r.stale);
    QCOMPARE(h.metric(Counter::L1Hits), 1);
    QCOMPARE(h.metric(Counter::DbReads), 1);
    QVERIFY(h.l1Keys(0).contains(kUser)); // shown, since it is served

    // 1001 keys in an L1 whose lab default holds 1000: none is evicted.
    for (int i = 0; i < 1001; ++i) {
        h.lab.databasePut(u"k"_s + QString::number(i), "v");
        h.read(u"k"_s + QString::number(i));
    }
    QCOMPARE(h.l1Keys(0).size(), 1002);
    QCOMPARE(h.metric(Counter::L1Hits), 1);
}

void TestTextbook::multiLevelWriteTellsNoL1()
{
    Harness h(labConfig(PatternKind::MultiLevel, {{"textbook", "on"}}, 2));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser, 0);
    h.read(kUser, 1);
    QVERIFY(h.write(kUser, "Bob", 0).ok);
    h.runUntil(h.lab.now() + 10 * ms);
    QCOMPARE(h.count(Verb::Publish), 0);
    QCOMPARE(h.count(Verb::L1Evict), 0);
    QVERIFY(!h.cached(kUser));                                  // L2 lost it
    QCOMPARE(h.read(kUser, 0).result.value, QByteArray("Ann")); // even the writer's own L1
    QCOMPARE(h.read(kUser, 1).result.value, QByteArray("Ann"));
    QCOMPARE(h.metric(Counter::StaleReads), 2);
}

void TestTextbook::breakerNeverClosesOnceOpen()
{
    Harness h(labConfig(PatternKind::CircuitBreaker,
                        {{"failures", "2"}, {"open-timeout", "1s"}, {"textbook", "on"}}));
    h.lab.databasePut(kUser, "Ann");
    h.lab.setCacheFailing(true);
    h.read(kUser);
    h.read(kUser);
    QCOMPARE(h.lab.pattern(0).breaker()->state, BreakerState::Open);
    QCOMPARE(h.lab.pattern(0).breaker()->trialAt, -1);
    h.lab.setCacheFailing(false);
    h.runUntil(h.lab.now() + 10 * 60 * s);
    QCOMPARE(h.lab.pattern(0).breaker()->state, BreakerState::Open);
    const qsizetype gets = h.count(Verb::Get, EventKind::Call);
    QCOMPARE(h.read(kUser).result.value, QByteArray("Ann"));
    QCOMPARE(h.count(Verb::Get, EventKind::Call), gets); // the cache is never asked again
    QCOMPARE(h.lab.pattern(0).breaker()->state, BreakerState::Open);
    QCOMPARE(h.metric(Counter::BreakerOpens), 1);
}

QTEST_GUILESS_MAIN(TestTextbook)
#include "tst_textbook.moc"
