// The seven patterns, driven through a Lab in virtual time. Each test states the behaviour the
// pattern documents (or the pitfall it shows) and, where the model fixes the timing, the exact
// microsecond: a call takes effect half its latency after it is sent and replies after the other
// half (defaults: cache 1ms, database 50ms, L1 0).

#include "testsupport.h"

#include "patterns/around.h"
#include "patterns/writebehind.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace cachelab;
using namespace cachelab::testsupport;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(cachelab::PatternKind)

namespace {

const QString kUser = u"user:1"_s;

void addPatternColumn()
{
    QTest::addColumn<PatternKind>("kind");
}

QString sha1Prefix(const QByteArray &canonical)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha1).toHex().left(16));
}

// Drives Around::memoize() for any function, as application code would.
Task<void> memoizeTwice(Around &around, Caller c, QString function, QJsonArray args,
                        Memoizer::Function fn, QList<ReadResult> &results)
{
    QJsonArray first = args;
    results.append(co_await around.memoize(c, function, std::move(first), fn));
    QJsonArray second = args;
    results.append(co_await around.memoize(c, function, std::move(second), fn));
}

Task<void> invalidateMemo(const Memoizer &memo, Caller c, QString function, QJsonArray args)
{
    co_await const_cast<Memoizer &>(memo).invalidate(c, function, args);
}

Caller appCaller()
{
    return Caller{nullptr, 0, 0, Participant::app(0)};
}

} // namespace

class TestPatterns : public QObject
{
    Q_OBJECT

private slots:
    // Every pattern
    void coldReadReturnsTheDatabaseValue_data();
    void coldReadReturnsTheDatabaseValue();
    void missingRowReadsAsNotFound_data();
    void missingRowReadsAsNotFound();
    void readsSurviveAFailingCache_data();
    void readsSurviveAFailingCache();
    void writesWithAFailingCache_data();
    void writesWithAFailingCache();
    void readYourOwnWrite_data();
    void readYourOwnWrite();
    void deleteThenRead_data();
    void deleteThenRead();
    void invalidateDropsTheCachedCopy_data();
    void invalidateDropsTheCachedCopy();
    void singleFlightForEveryPattern_data();
    void singleFlightForEveryPattern();
    void negativeTtlEndsForEveryPattern_data();
    void negativeTtlEndsForEveryPattern();

    // Cache-aside
    void staleAndDivergedRules_data();
    void staleAndDivergedRules();
    void cacheAsideColdReadTimeline();
    void cacheAsideWriteInvalidates();
    void cacheAsideStampede();
    void singleFlightCuresTheStampede();
    void singleFlightSharesTheLeadersFailure();
    void singleFlightIsPerInstance();
    void cacheAsideRace();
    void negativeTtl();
    void withoutNegativeTtlMissesAreNotCached();
    void jitterStaysWithinBounds();
    void jitterIsDeterministicBySeed();
    void cacheDownCountsErrors();

    // Write-through
    void writeThroughCachesTheNewVersion();
    void writeThroughRemove();
    void writeThroughRace();

    // Write-behind
    void writeBehindWriteIsOneCacheRoundTrip_data();
    void writeBehindWriteIsOneCacheRoundTrip();
    void writeBehindQueueGrows();
    void writeBehindFlushesAtTheInterval();
    void writeBehindFlushesAtBatchSize();
    void writeBehindCoalesce_data();
    void writeBehindCoalesce();
    void writeBehindCrashLosesAVolatileQueue();
    void writeBehindCrashCountsCoalescedWrites();
    void writeBehindDurableQueueIsReplayed();
    void writeBehindDurableCoalescedQueueSurvivesACrash();
    void writeBehindCrashDuringAFlush_data();
    void writeBehindCrashDuringAFlush();
    void writeBehindRetriesThenLosesWrites();
    void writeBehindRetrySucceedsWhenTheDatabaseIsBack();
    void writeBehindDeleteThenReadBeforeTheFlush();
    void writeBehindStaleReadAfterTheFlushIsCounted();

    // Refresh-ahead
    void refreshOnlyInsideTheWindow_data();
    void refreshOnlyInsideTheWindow();
    void refreshOnlyAfterMinAccess();
    void neverTwoRefreshesOfOneKey();
    void refreshesOfDifferentKeysQueue();
    void hotKeyNeverMisses();

    // Around
    void aroundCacheKeyFormat();
    void aroundReadsUnderTheMemoKey();
    void aroundInvalidatesOneCallOnly();
    void memoizerKeyFor();
    void memoizeAnyFunction();

    // Multi-level
    void l1HitCostsNothing();
    void l1HitCostsTheL1Latency();
    void l1CapacityEvictsLeastRecentlyUsed();
    void l1TtlExpiry();
    void writeEvictsOtherInstancesL1();
    void invalidateOffLeavesOtherL1Stale();
    void crashEmptiesTheL1();

    // Circuit breaker
    void breakerOpensAfterConsecutiveFailures();
    void openBreakerMakesNoCacheCalls();
    void breakerHalfOpensExactlyAfterTheTimeout();
    void aCacheFullForWritesNeverOpensAConsecutiveBreaker();
    void aWindowOpensTheBreakerOnAFailureRatio();
    void aWindowForgetsItsOldestCall();
    void trialSuccessCloses();
    void trialFailureReopens();
    void onlyOneTrialAtATime();
    void onlyOneTrialAtATimeWhenItFails();
    void successResetsTheFailureCount();
};

// =============================================================================================
// Every pattern
// =============================================================================================

namespace {

void addEveryPattern()
{
    addPatternColumn();
    for (PatternKind kind : kAllPatterns)
        QTest::newRow(qPrintable(patternName(kind))) << kind;
}

} // namespace

void TestPatterns::coldReadReturnsTheDatabaseValue_data()
{
    addEveryPattern();
}

void TestPatterns::coldReadReturnsTheDatabaseValue()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind));
    h.lab.databasePut(kUser, "Ann");

    const Operation cold = h.read(kUser);
    QVERIFY2(cold.ok, qPrintable(cold.error));
    QVERIFY(cold.result.found);
    QCOMPARE(cold.result.value, QByteArray("Ann"));
    QCOMPARE(cold.result.version, 1);
    QVERIFY(!cold.stale);
    QCOMPARE(took(cold), 52 * ms); // GET 1ms + SELECT 50ms + SETEX 1ms (L1: 0)
    QCOMPARE(h.metric(Counter::DbReads), 1);
    QCOMPARE(h.metric(Counter::CacheMisses), 1);

    const Operation warm = h.read(kUser);
    QVERIFY(warm.ok);
    QCOMPARE(warm.result.value, QByteArray("Ann"));
    QCOMPARE(warm.result.version, 1);
    QCOMPARE(took(warm), kind == PatternKind::MultiLevel ? 0 : 1 * ms);
    QCOMPARE(h.metric(Counter::DbReads), 1);
    QCOMPARE(h.metric(Counter::CacheHits) + h.metric(Counter::L1Hits), 1);
    QCOMPARE(h.metric(Counter::StaleReads), 0);
    QCOMPARE(h.metric(Counter::Reads), 2);
    QCOMPARE(h.metric(Counter::Errors), 0);
}

void TestPatterns::missingRowReadsAsNotFound_data()
{
    addEveryPattern();
}

void TestPatterns::missingRowReadsAsNotFound()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind));
    const Operation op = h.read(u"ghost"_s);
    QVERIFY2(op.ok, qPrintable(op.error));
    QVERIFY(!op.result.found);
    QVERIFY(!op.stale);
    QCOMPARE(took(op), 51 * ms); // nothing to cache without negative-ttl
    QVERIFY(!h.cached(h.lab.pattern(0).cacheKeyFor(u"ghost"_s)));
    QCOMPARE(h.metric(Counter::DbReads), 1);
}

void TestPatterns::readsSurviveAFailingCache_data()
{
    addPatternColumn();
    QTest::addColumn<qint64>("errorsAfterTwoReads");
    for (PatternKind kind : kAllPatterns) {
        // Multi-level: the second read is served by the instance's own L1.
        QTest::newRow(qPrintable(patternName(kind)))
            << kind << qint64(kind == PatternKind::MultiLevel ? 1 : 2);
    }
}

void TestPatterns::readsSurviveAFailingCache()
{
    QFETCH(PatternKind, kind);
    QFETCH(qint64, errorsAfterTwoReads);
    Harness h(labConfig(kind));
    h.lab.databasePut(kUser, "Ann");
    h.lab.setCacheFailing(true);

    const Operation first = h.read(kUser);
    QVERIFY2(first.ok, qPrintable(first.error));
    QCOMPARE(first.result.value, QByteArray("Ann"));
    QCOMPARE(took(first), 51 * ms); // the failed GET, then the database; no SETEX
    QCOMPARE(h.metric(Counter::Errors), 1);
    QCOMPARE(h.metric(Counter::DbReads), 1);

    const Operation second = h.read(kUser);
    QVERIFY(second.ok);
    QCOMPARE(second.result.value, QByteArray("Ann"));
    QCOMPARE(h.metric(Counter::Errors), errorsAfterTwoReads);

    h.lab.setCacheFailing(false);
    QVERIFY(h.read(kUser).ok);
}

void TestPatterns::writesWithAFailingCache_data()
{
    addEveryPattern();
}

void TestPatterns::writesWithAFailingCache()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind));
    h.lab.setCacheFailing(true);
    const Operation op = h.write(kUser, "Ann");
    QCOMPARE(h.metric(Counter::Errors), 1);
    h.lab.setCacheFailing(false);
    h.lab.settle();
    if (kind == PatternKind::WriteBehind) {
        // The cache is where write-behind keeps the write until it is flushed: no cache, no
        // acknowledgement. The application must be told.
        QVERIFY(!op.ok);
        QVERIFY2(op.error.contains(u"cache is down"_s), qPrintable(op.error));
        QVERIFY(!h.lab.lastOperation(0)->ok);
        QVERIFY(!h.dbRow(kUser));
        QVERIFY(h.lab.pattern(0).writeQueue().isEmpty());
        QCOMPARE(h.metric(Counter::LostWrites), 0); // never acknowledged, so never lost
    } else {
        // The others commit to the database first; a failed cache step is not the writer's
        // error (it is drawn and counted).
        QVERIFY2(op.ok, qPrintable(op.error));
        QCOMPARE(h.dbRow(kUser)->value, QByteArray("Ann"));
        QCOMPARE(h.metric(Counter::DbWrites), 1);
    }
}

void TestPatterns::readYourOwnWrite_data()
{
    addEveryPattern();
}

void TestPatterns::readYourOwnWrite()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind));
    h.lab.databasePut(kUser, "old");
    QCOMPARE(h.read(kUser).result.value, QByteArray("old")); // now cached
    QVERIFY(h.write(kUser, "new").ok);
    const Operation now = h.read(kUser);
    QCOMPARE(now.result.value, QByteArray("new"));
    QVERIFY(!now.stale);
    QVERIFY(h.lab.settle());
    QCOMPARE(h.dbRow(kUser)->value, QByteArray("new"));
    QCOMPARE(h.dbRow(kUser)->version, 2);
    const Operation later = h.read(kUser);
    QCOMPARE(later.result.value, QByteArray("new"));
    QCOMPARE(h.metric(Counter::StaleReads), 0);
}

void TestPatterns::deleteThenRead_data()
{
    addEveryPattern();
}

void TestPatterns::deleteThenRead()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind));
    h.lab.databasePut(kUser, "Ann");
    QVERIFY(h.read(kUser).result.found);
    const Operation del = h.remove(kUser);
    QVERIFY2(del.ok, qPrintable(del.error));
    QVERIFY(h.lab.settle());
    QVERIFY(!h.lab.database().exists(kUser));
    QCOMPARE(h.lab.database().version(kUser), 2);
    const Operation after = h.read(kUser);
    QVERIFY(after.ok);
    QVERIFY(!after.result.found);
    QVERIFY(!after.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 0);
}

void TestPatterns::invalidateDropsTheCachedCopy_data()
{
    addEveryPattern();
}

void TestPatterns::invalidateDropsTheCachedCopy()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    const QString cacheKey = h.lab.pattern(0).cacheKeyFor(kUser);
    QVERIFY(h.cached(cacheKey));
    const Operation inv = h.invalidate(kUser);
    QVERIFY2(inv.ok, qPrintable(inv.error));
    QVERIFY(!h.cached(cacheKey));
    QVERIFY(h.lab.pattern(0).l1().isEmpty());
    QCOMPARE(h.metric(Counter::Writes), 0); // not a write
    const Operation again = h.read(kUser);
    QCOMPARE(again.result.value, QByteArray("Ann"));
    QCOMPARE(took(again), 52 * ms);
    QCOMPARE(h.metric(Counter::DbReads), 2);
    QCOMPARE(h.lab.database().version(kUser), 1); // the database is not touched
}

void TestPatterns::singleFlightForEveryPattern_data()
{
    addEveryPattern();
}

void TestPatterns::singleFlightForEveryPattern()
{
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind, {{"single-flight", "on"}}));
    h.lab.databasePut(kUser, "Ann");
    QList<quint64> ids;
    for (int i = 0; i < 8; ++i)
        ids.append(h.startRead(kUser));
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::DbReads), 1);
    for (quint64 id : std::as_const(ids)) {
        const Operation op = h.finished(id);
        QVERIFY(op.ok);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QVERIFY(!op.stale);
    }
    QCOMPARE(h.metric(Counter::StaleReads), 0);
    // Only the leader fills the cache (Pattern::load's `leader`): one SETEX for one load.
    if (kind == PatternKind::Around)
        QCOMPARE(h.count(Verb::Set, EventKind::Call), 1);
}

void TestPatterns::negativeTtlEndsForEveryPattern_data()
{
    addEveryPattern();
}

void TestPatterns::negativeTtlEndsForEveryPattern()
{
    // negative-ttl is "how long a missing row is remembered as missing": not longer.
    QFETCH(PatternKind, kind);
    Harness h(labConfig(kind, {{"negative-ttl", "5s"}}));
    QVERIFY(!h.read(u"ghost"_s).result.found);
    QVERIFY(!h.read(u"ghost"_s).result.found);
    QCOMPARE(h.metric(Counter::DbReads), 1); // the second one was answered from a cache
    h.lab.databasePut(u"ghost"_s, "here now");
    // The marker's SETEX landed at 51.5ms; multi-level's L1 took it at 52ms, when the reply came.
    h.runUntil(52'000 + 5 * s);
    const Operation op = h.read(u"ghost"_s);
    QVERIFY(op.result.found);
    if (op.result.found)
        QCOMPARE(op.result.value, QByteArray("here now"));
}

// =============================================================================================
// Cache-aside
// =============================================================================================

void TestPatterns::staleAndDivergedRules_data()
{
    QTest::addColumn<bool>("found");
    QTest::addColumn<qint64>("version");
    QTest::addColumn<bool>("pending");
    QTest::addColumn<qint64>("truthVersion");
    QTest::addColumn<bool>("exists");
    QTest::addColumn<bool>("stale");
    QTest::addColumn<bool>("diverged");
    QTest::newRow("current value")
        << true << qint64(3) << false << qint64(3) << true << false << false;
    QTest::newRow("older value") << true << qint64(2) << false << qint64(3) << true << true << true;
    QTest::newRow("value of a deleted row")
        << true << qint64(2) << false << qint64(3) << false << true << true;
    QTest::newRow("written ahead")
        << true << qint64(4) << true << qint64(3) << true << false << true;
    QTest::newRow("written ahead, flushed")
        << true << qint64(4) << true << qint64(4) << true << false << false;
    QTest::newRow("queued delete")
        << false << qint64(4) << true << qint64(3) << true << false << true;
    QTest::newRow("no such row, none there")
        << false << qint64(0) << false << qint64(0) << false << false << false;
    QTest::newRow("no such row, but there is")
        << false << qint64(0) << false << qint64(1) << true << true << true;
}

void TestPatterns::staleAndDivergedRules()
{
    // The one rule the stale-read counter and the GUI's red rows share (core/lab/truth.h).
    QFETCH(bool, found);
    QFETCH(qint64, version);
    QFETCH(bool, pending);
    QFETCH(qint64, truthVersion);
    QFETCH(bool, exists);
    const Copy copy{found, version, pending};
    const Truth truth{truthVersion, exists};
    QTEST(isStale(copy, truth), "stale");
    QTEST(diverges(copy, truth), "diverged");
}

void TestPatterns::cacheAsideColdReadTimeline()
{
    Harness h(labConfig(PatternKind::CacheAside, {{"ttl", "30s"}}));
    h.lab.databasePut(kUser, "Ann");
    const Operation op = h.read(kUser);
    QCOMPARE(op.startedAt, 0);
    QCOMPARE(op.finishedAt, 52 * ms);

    struct Step
    {
        Verb verb;
        EventKind kind;
        TimeUs at;
    };
    const Step steps[] = {
        {Verb::Get, EventKind::Call, 0},
        {Verb::Miss, EventKind::Return, 500},
        {Verb::Select, EventKind::Call, 1 * ms},
        {Verb::Row, EventKind::Return, 26 * ms},
        {Verb::Set, EventKind::Call, 51 * ms},
        {Verb::Ok, EventKind::Return, 51'500},
        {Verb::Result, EventKind::Return, 52 * ms},
    };
    QList<TraceEvent> events;
    for (const TraceEvent &e : h.lab.trace().events()) {
        if (e.opId == op.id)
            events.append(e);
    }
    QCOMPARE(events.size(), qsizetype(std::size(steps)));
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(int(events[i].verb), int(steps[i].verb));
        QCOMPARE(int(events[i].kind), int(steps[i].kind));
        QCOMPARE(events[i].time, steps[i].at);
    }
    QCOMPARE(events[4].number, 30 * s); // SETEX user:1 30s

    // The SETEX took effect at 51.5ms: at 52ms half a millisecond of the TTL is gone.
    QCOMPARE(h.lab.store().ttl(kUser), std::optional<TimeUs>(30 * s - 500));
    QCOMPARE(h.cached(kUser)->record.version, 1);

    const Operation hit = h.read(kUser);
    QCOMPARE(hit.startedAt, 52 * ms);
    QCOMPARE(hit.finishedAt, 53 * ms);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
    QCOMPARE(h.count(Verb::Select), 1);
}

void TestPatterns::cacheAsideWriteInvalidates()
{
    Harness h(labConfig(PatternKind::CacheAside));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser); // cached at 52ms
    const quint64 write = h.startWrite(kUser, "Bob");
    // The row commits at 77ms, the DEL lands at 102.5ms: a read in between still hits the
    // old value. That window is cache-aside's price.
    h.runUntil(80 * ms);
    const Operation between = h.read(kUser);
    QCOMPARE(between.result.value, QByteArray("Ann"));
    QVERIFY(between.stale);
    h.lab.runUntilDone(write);
    const Operation w = h.finished(write);
    QVERIFY(w.ok);
    QCOMPARE(took(w), 51 * ms); // UPSERT 50ms + DEL 1ms
    QVERIFY(!h.cached(kUser));
    QCOMPARE(h.dbRow(kUser)->version, 2);

    const Operation after = h.read(kUser);
    QCOMPARE(after.result.value, QByteArray("Bob"));
    QCOMPARE(after.result.version, 2);
    QVERIFY(!after.stale);
    QCOMPARE(h.metric(Counter::CacheMisses), 2);
    QCOMPARE(h.metric(Counter::DbReads), 2);
    QCOMPARE(h.metric(Counter::StaleReads), 1);
    QCOMPARE(h.metric(Counter::DbWrites), 1);
    QCOMPARE(h.metric(Counter::Writes), 1);
}

void TestPatterns::cacheAsideStampede()
{
    Harness h(labConfig(PatternKind::CacheAside));
    h.lab.databasePut(kUser, "Ann");
    QList<quint64> ids;
    for (int i = 0; i < 10; ++i)
        ids.append(h.startRead(kUser));
    QVERIFY(h.lab.settle());
    for (quint64 id : std::as_const(ids)) {
        const Operation op = h.finished(id);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QCOMPARE(op.finishedAt, 52 * ms);
    }
    QCOMPARE(h.metric(Counter::CacheMisses), 10);
    QCOMPARE(h.metric(Counter::DbReads), 10); // ten misses, ten queries: the stampede
    QCOMPARE(h.count(Verb::Set, EventKind::Call), 10);
}

void TestPatterns::singleFlightCuresTheStampede()
{
    Harness h(labConfig(PatternKind::CacheAside, {{"single-flight", "on"}}));
    h.lab.databasePut(kUser, "Ann");
    QList<quint64> ids;
    for (int i = 0; i < 10; ++i)
        ids.append(h.startRead(kUser));
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::CacheMisses), 10);
    QCOMPARE(h.metric(Counter::DbReads), 1);
    QCOMPARE(h.count(Verb::Select), 1);
    QCOMPARE(h.count(Verb::Set, EventKind::Call), 1); // only the leader fills the cache
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const Operation op = h.finished(ids[i]);
        QVERIFY(op.ok);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QCOMPARE(op.result.version, 1);
        QVERIFY(!op.stale);
        // The joiners have the row when the leader does (51ms); the leader then fills (52ms).
        QCOMPARE(op.finishedAt, i == 0 ? 52 * ms : 51 * ms);
    }
    QCOMPARE(h.metric(Counter::StaleReads), 0);
    QCOMPARE(h.cachedValue(kUser), QByteArray("Ann"));
}

void TestPatterns::singleFlightSharesTheLeadersFailure()
{
    Harness h(labConfig(PatternKind::CacheAside, {{"single-flight", "on"}}));
    h.lab.databasePut(kUser, "Ann");
    h.lab.setDatabaseFailing(true);
    QList<quint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(h.startRead(kUser));
    QVERIFY(h.lab.settle());
    for (quint64 id : std::as_const(ids)) {
        const Operation op = h.finished(id);
        QVERIFY(!op.ok);
        QVERIFY2(op.error.contains(u"database is down"_s), qPrintable(op.error));
    }
    QCOMPARE(h.metric(Counter::DbReads), 1);
    QCOMPARE(h.metric(Counter::Errors), 1);
    // The failed flight is gone: the next miss loads again.
    h.lab.setDatabaseFailing(false);
    QCOMPARE(h.read(kUser).result.value, QByteArray("Ann"));
    QCOMPARE(h.metric(Counter::DbReads), 2);
}

void TestPatterns::singleFlightIsPerInstance()
{
    Harness h(labConfig(PatternKind::CacheAside, {{"single-flight", "on"}}, 2));
    h.lab.databasePut(kUser, "Ann");
    for (int i = 0; i < 3; ++i) {
        h.startRead(kUser, 0);
        h.startRead(kUser, 1);
    }
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::DbReads), 2);
    QCOMPARE(h.lab.metrics().of(Counter::DbReads, 0), 1);
    QCOMPARE(h.lab.metrics().of(Counter::DbReads, 1), 1);
}

void TestPatterns::cacheAsideRace()
{
    LabConfig config = labConfig(PatternKind::CacheAside, {{"ttl", "30s"}}, 2);
    config.latencies.dbRead = 200 * ms;
    config.latencies.dbWrite = 20 * ms;
    Harness h(std::move(config));
    h.lab.databasePut(kUser, "old");

    // A's slow query sees "old" at 101ms. B commits "new" at 110ms; its DEL lands at 120.5ms
    // and finds nothing. A's SETEX of "old" lands at 201.5ms.
    const quint64 slow = h.startRead(kUser, 0);
    h.runUntil(100 * ms);
    const Operation w = h.write(kUser, "new", 1);
    QVERIFY(w.ok);
    QCOMPARE(w.finishedAt, 121 * ms);
    QVERIFY(!h.cached(kUser));
    h.lab.runUntilDone(slow);
    QVERIFY(h.lab.settle());
    QCOMPARE(h.lab.now(), 202 * ms);

    const Operation a = h.finished(slow);
    QCOMPARE(a.result.value, QByteArray("old"));
    QVERIFY(a.stale); // stale when it returned: the database had v2
    QCOMPARE(a.truthVersion, 2);
    QCOMPARE(h.cachedValue(kUser), QByteArray("old"));
    QCOMPARE(h.cached(kUser)->record.version, 1);
    QCOMPARE(h.cached(kUser)->ttl, 30 * s - 500);
    QCOMPARE(h.dbRow(kUser)->value, QByteArray("new"));
    QCOMPARE(h.metric(Counter::StaleReads), 1);

    const Operation b = h.read(kUser, 1);
    QCOMPARE(b.result.value, QByteArray("old"));
    QVERIFY(b.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 2);

    h.lab.advance(30 * s); // only expiry heals it
    const Operation healed = h.read(kUser, 1);
    QCOMPARE(healed.result.value, QByteArray("new"));
    QCOMPARE(h.metric(Counter::StaleReads), 2);
}

void TestPatterns::negativeTtl()
{
    Harness h(labConfig(PatternKind::CacheAside, {{"negative-ttl", "5s"}}));
    const Operation first = h.read(u"ghost"_s);
    QVERIFY(first.ok);
    QVERIFY(!first.result.found);
    QCOMPARE(took(first), 52 * ms); // the absence is cached: SETEX included
    const auto entry = h.cached(u"ghost"_s);
    QVERIFY(entry);
    QVERIFY(entry->record.absent);
    QCOMPARE(entry->ttl, 5 * s - 500);

    const Operation second = h.read(u"ghost"_s);
    QVERIFY(!second.result.found);
    QCOMPARE(took(second), 1 * ms);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
    QCOMPARE(h.metric(Counter::DbReads), 1);
    QVERIFY(!second.stale);

    // The pitfall: the row appears, the cache still says "no such row" until the TTL ends.
    h.lab.databasePut(u"ghost"_s, "here now");
    const Operation denied = h.read(u"ghost"_s);
    QVERIFY(!denied.result.found);
    QVERIFY(denied.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 1);

    h.runUntil(51'500 + 5 * s); // the entry expires exactly now
    const Operation fresh = h.read(u"ghost"_s);
    QCOMPARE(fresh.result.value, QByteArray("here now"));
    QCOMPARE(h.metric(Counter::DbReads), 2);
    QCOMPARE(h.cached(u"ghost"_s)->ttl, 3600 * s - 500); // found rows get the normal TTL
}

void TestPatterns::withoutNegativeTtlMissesAreNotCached()
{
    Harness h(labConfig(PatternKind::CacheAside));
    h.read(u"ghost"_s);
    h.read(u"ghost"_s);
    QVERIFY(!h.cached(u"ghost"_s));
    QCOMPARE(h.metric(Counter::DbReads), 2);
    QCOMPARE(h.count(Verb::Set), 0);
}

namespace {

QList<TimeUs> jitteredTtls(const char *jitter, quint64 seed, int keys)
{
    LabConfig config = labConfig(PatternKind::CacheAside, {{"ttl", "100s"}, {"jitter", jitter}});
    config.seed = seed;
    Harness h(std::move(config));
    h.lab.databaseSeed(keys);
    for (int i = 1; i <= keys; ++i)
        h.read(u"item:%1"_s.arg(i));
    QList<TimeUs> ttls;
    for (const TraceEvent &e : h.events(Verb::Set, EventKind::Call))
        ttls.append(e.number);
    return ttls;
}

} // namespace

void TestPatterns::jitterStaysWithinBounds()
{
    const QList<TimeUs> ttls = jitteredTtls("10%", 1, 60);
    QCOMPARE(ttls.size(), 60);
    TimeUs lo = ttls.first(), hi = ttls.first();
    for (TimeUs t : ttls) {
        QVERIFY2(t >= 90 * s && t <= 110 * s, qPrintable(QString::number(t)));
        lo = std::min(lo, t);
        hi = std::max(hi, t);
    }
    QVERIFY2(hi - lo > 10 * s, "the TTLs should spread over the ±10% band");
    QCOMPARE(jitteredTtls("0%", 1, 5), (QList<TimeUs>(5, 100 * s)));

    // What the cache holds is what the SETEX said, minus the half millisecond it travelled.
    Harness h(labConfig(PatternKind::CacheAside, {{"ttl", "100s"}, {"jitter", "10%"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    QCOMPARE(h.cached(kUser)->ttl, h.events(Verb::Set, EventKind::Call).first().number - 500);
}

void TestPatterns::jitterIsDeterministicBySeed()
{
    const QList<TimeUs> one = jitteredTtls("10%", 7, 20);
    QCOMPARE(jitteredTtls("10%", 7, 20), one);
    QVERIFY(jitteredTtls("10%", 8, 20) != one);
}

void TestPatterns::cacheDownCountsErrors()
{
    Harness h(labConfig(PatternKind::CacheAside));
    h.lab.databasePut(kUser, "Ann");
    h.lab.setCacheFailing(true);
    for (int i = 0; i < 3; ++i) {
        const Operation op = h.read(kUser);
        QVERIFY(op.ok);
        QCOMPARE(op.result.value, QByteArray("Ann"));
    }
    QCOMPARE(h.metric(Counter::Errors), 3); // one failed GET per read
    QCOMPARE(h.metric(Counter::DbReads), 3);
    QCOMPARE(h.count(Verb::Failed), 3);

    const Operation w = h.write(kUser, "Bob"); // committed; only its DEL failed
    QVERIFY(w.ok);
    QCOMPARE(h.metric(Counter::Errors), 4);
    QCOMPARE(h.dbRow(kUser)->value, QByteArray("Bob"));
    bool warned = false;
    for (const TraceEvent &e : h.lab.trace().events())
        warned |= e.kind == EventKind::Note && (e.flags & Stale) && e.opId == w.id;
    QVERIFY2(warned, "a note should say the cache may still hold the old value");

    h.lab.setCacheFailing(false);
    QCOMPARE(h.read(kUser).result.value, QByteArray("Bob"));
    QCOMPARE(h.cachedValue(kUser), QByteArray("Bob"));
    QCOMPARE(h.metric(Counter::Errors), 4);
}

// =============================================================================================
// Write-through
// =============================================================================================

void TestPatterns::writeThroughCachesTheNewVersion()
{
    Harness h(labConfig(PatternKind::WriteThrough));
    h.lab.databasePut(kUser, "old");
    h.read(kUser);
    const Operation w = h.write(kUser, "new");
    QVERIFY(w.ok);
    QCOMPARE(took(w), 51 * ms); // UPSERT 50ms + SETEX 1ms
    const auto entry = h.cached(kUser);
    QVERIFY(entry);
    QCOMPARE(entry->record.value, QByteArray("new"));
    QCOMPARE(entry->record.version, 2);
    QCOMPARE(entry->ttl, 3600 * s - 500);

    const Operation r = h.read(kUser);
    QCOMPARE(took(r), 1 * ms);
    QCOMPARE(r.result.value, QByteArray("new"));
    QCOMPARE(r.result.version, 2);
    QVERIFY(!r.stale);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
    QCOMPARE(h.metric(Counter::DbReads), 1);

    // A key written before it was ever read is a hit from the start.
    QVERIFY(h.write(u"fresh"_s, "v").ok);
    QCOMPARE(took(h.read(u"fresh"_s)), 1 * ms);
    QCOMPARE(h.metric(Counter::CacheMisses), 1);
}

void TestPatterns::writeThroughRemove()
{
    Harness h(labConfig(PatternKind::WriteThrough));
    QVERIFY(h.write(kUser, "Ann").ok);
    QVERIFY(h.cached(kUser));
    const Operation del = h.remove(kUser);
    QVERIFY(del.ok);
    QCOMPARE(took(del), 51 * ms);
    QVERIFY(!h.cached(kUser));
    QVERIFY(!h.lab.database().exists(kUser));
    QCOMPARE(h.lab.database().version(kUser), 2);
    QVERIFY(!h.read(kUser).result.found);
}

void TestPatterns::writeThroughRace()
{
    // A read that missed fills the cache with what it loaded, even after a newer write.
    LabConfig config = labConfig(PatternKind::WriteThrough, {{"ttl", "30s"}}, 2);
    config.latencies.dbRead = 200 * ms;
    config.latencies.dbWrite = 20 * ms;
    Harness h(std::move(config));
    h.lab.databasePut(kUser, "old");
    const quint64 slow = h.startRead(kUser, 0); // its query sees "old" at 101ms
    h.runUntil(100 * ms);
    QVERIFY(h.write(kUser, "new", 1).ok); // SETEX "new" lands at 120.5ms
    QCOMPARE(h.cachedValue(kUser), QByteArray("new"));
    h.lab.runUntilDone(slow); // SETEX "old" lands at 201.5ms
    QCOMPARE(h.cachedValue(kUser), QByteArray("old"));
    QCOMPARE(h.cached(kUser)->ttl, 30 * s - 500);
    QVERIFY(h.finished(slow).stale);
    QVERIFY(h.read(kUser, 1).stale);
    QCOMPARE(h.metric(Counter::StaleReads), 2);
    QVERIFY(h.write(kUser, "newer", 1).ok); // the next write repairs it
    QCOMPARE(h.read(kUser, 1).result.value, QByteArray("newer"));
    QCOMPARE(h.metric(Counter::StaleReads), 2);
}

// =============================================================================================
// Write-behind
// =============================================================================================

void TestPatterns::writeBehindWriteIsOneCacheRoundTrip_data()
{
    QTest::addColumn<QString>("durable");
    QTest::addColumn<TimeUs>("latency");
    QTest::newRow("volatile queue") << u"off"_s << 1 * ms;
    QTest::newRow("durable queue") << u"on"_s << 2 * ms; // SETEX, then RPUSH
}

void TestPatterns::writeBehindWriteIsOneCacheRoundTrip()
{
    QFETCH(QString, durable);
    QFETCH(TimeUs, latency);
    Harness h(labConfig(PatternKind::WriteBehind, {{"durable", durable == u"on" ? "on" : "off"}}));
    const Operation w = h.write(u"order:1"_s, "lamp");
    QVERIFY(w.ok);
    QCOMPARE(took(w), latency);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 1);
    QVERIFY(!h.dbRow(u"order:1"_s));
    QCOMPARE(h.metric(Counter::DbWrites), 0);
    const auto entry = h.cached(u"order:1"_s);
    QVERIFY(entry);
    QCOMPARE(entry->record.value, QByteArray("lamp"));
    QVERIFY(entry->record.pending);
    QCOMPARE(entry->record.version, 1); // the version its flush will commit

    // Read-your-write from the cache, before the database has it; not counted as stale.
    const Operation r = h.read(u"order:1"_s);
    QCOMPARE(r.result.value, QByteArray("lamp"));
    QCOMPARE(r.result.version, 1);
    QVERIFY(r.result.pending);
    QVERIFY(!r.stale);
}

void TestPatterns::writeBehindQueueGrows()
{
    Harness h(labConfig(PatternKind::WriteBehind));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(h.write(u"order:%1"_s.arg(i), QByteArray::number(i)).ok);
    h.runUntil(29 * s);
    const QList<QueuedWrite> queue = h.lab.pattern(0).writeQueue();
    QCOMPARE(queue.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(queue[i].key, u"order:%1"_s.arg(i + 1));
        QCOMPARE(queue[i].enqueuedAt, TimeUs(i + 1) * ms);
        QVERIFY(!queue[i].inFlight);
    }
    QCOMPARE(h.metric(Counter::DbWrites), 0);
    QCOMPARE(h.count(Verb::Enqueue, EventKind::Async), 5);
}

void TestPatterns::writeBehindFlushesAtTheInterval()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"flush", "10s"}}));
    QCOMPARE(h.lab.pattern(0).nextFlushAt(), 10 * s);
    QVERIFY(h.write(u"order:1"_s, "lamp").ok);
    QVERIFY(h.write(u"order:2"_s, "desk").ok);

    h.runUntil(10 * s + 25 * ms - 1); // the batch was sent at 10s and lands at 10.025s
    QVERIFY(!h.dbRow(u"order:1"_s));
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 2);
    QVERIFY(h.lab.pattern(0).writeQueue().first().inFlight);
    h.runUntil(10 * s + 25 * ms);
    QCOMPARE(h.dbRow(u"order:1"_s)->value, QByteArray("lamp"));
    QCOMPARE(h.dbRow(u"order:2"_s)->value, QByteArray("desk"));
    QCOMPARE(h.metric(Counter::DbWrites), 2);
    h.runUntil(10 * s + 50 * ms - 1);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 2); // until the commit's reply is back
    h.runUntil(10 * s + 50 * ms);
    QVERIFY(h.lab.pattern(0).writeQueue().isEmpty());
    QCOMPARE(h.lab.pattern(0).nextFlushAt(), 20 * s);

    const QList<TraceEvent> batches = h.events(Verb::Batch, EventKind::Call);
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].time, 10 * s);
    QCOMPARE(batches[0].number, 2);
    QVERIFY(batches[0].flags & Background);
    h.runUntil(60 * s); // an empty queue is not flushed
    QCOMPARE(h.count(Verb::Batch, EventKind::Call), 1);
}

void TestPatterns::writeBehindFlushesAtBatchSize()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"batch", "3"}, {"flush", "30s"}}));
    h.write(u"a"_s, "1");
    h.write(u"b"_s, "2");
    QCOMPARE(h.count(Verb::Batch), 0);
    h.write(u"c"_s, "3"); // the third entry is enqueued at 3ms: the batch goes out at once
    const QList<TraceEvent> batches = h.events(Verb::Batch, EventKind::Call);
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].time, 3 * ms);
    QCOMPARE(batches[0].number, 3);
    h.runUntil(28 * ms - 1);
    QVERIFY(!h.dbRow(u"a"_s));
    h.runUntil(28 * ms);
    QCOMPARE(h.dbRow(u"a"_s)->value, QByteArray("1"));
    QCOMPARE(h.dbRow(u"c"_s)->value, QByteArray("3"));
    QCOMPARE(h.metric(Counter::DbWrites), 3);
    QVERIFY(h.lab.settle());
    QCOMPARE(h.lab.now(), 53 * ms);
}

void TestPatterns::writeBehindCoalesce_data()
{
    QTest::addColumn<bool>("coalesce");
    QTest::newRow("coalesce=off") << false;
    QTest::newRow("coalesce=on") << true;
}

void TestPatterns::writeBehindCoalesce()
{
    QFETCH(bool, coalesce);
    Harness h(labConfig(PatternKind::WriteBehind, {{"coalesce", coalesce ? "on" : "off"}}));
    h.write(u"k"_s, "1");
    h.write(u"k"_s, "2");
    h.write(u"other"_s, "x");
    h.write(u"k"_s, "3");
    const QList<QueuedWrite> queue = h.lab.pattern(0).writeQueue();
    if (coalesce) {
        QCOMPARE(queue.size(), 2);
        QCOMPARE(queue[0].key, u"k"_s);
        QCOMPARE(queue[0].value, std::optional<QByteArray>("3"));
        QCOMPARE(queue[0].merged, 3);
        QCOMPARE(queue[1].key, u"other"_s);
    } else {
        QCOMPARE(queue.size(), 4);
    }
    QVERIFY(h.lab.settle());
    QCOMPARE(h.dbRow(u"k"_s)->value, QByteArray("3"));
    QCOMPARE(h.dbRow(u"k"_s)->version, coalesce ? 1 : 3);
    QCOMPARE(h.metric(Counter::DbWrites), coalesce ? 2 : 4);
    QCOMPARE(h.metric(Counter::Writes), 4);
    QCOMPARE(h.metric(Counter::LostWrites), 0);
}

void TestPatterns::writeBehindCrashLosesAVolatileQueue()
{
    Harness h(labConfig(PatternKind::WriteBehind));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(h.write(u"order:%1"_s.arg(i), "x").ok); // acknowledged
    h.lab.advance(10 * s);
    h.lab.crash(0);
    QCOMPARE(h.metric(Counter::LostWrites), 3);
    QVERIFY(h.lab.pattern(0).writeQueue().isEmpty());
    QVERIFY(!h.lab.lastOperation(0)); // the new process knows nothing of the old one
    QVERIFY(h.lab.settle());
    h.lab.advance(60 * s);
    for (int i = 1; i <= 3; ++i)
        QVERIFY(!h.dbRow(u"order:%1"_s.arg(i)));
    QCOMPARE(h.metric(Counter::DbWrites), 0);
    QCOMPARE(h.metric(Counter::LostWrites), 3);
    // The cache still shows the values the database never got.
    QCOMPARE(h.cachedValue(u"order:1"_s), QByteArray("x"));
}

void TestPatterns::writeBehindCrashCountsCoalescedWrites()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"coalesce", "on"}}));
    h.write(u"k"_s, "1");
    h.write(u"k"_s, "2");
    h.write(u"k"_s, "3");
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 1);
    h.lab.crash(0);
    QCOMPARE(h.metric(Counter::LostWrites), 3); // three acknowledged writes died
}

void TestPatterns::writeBehindDurableQueueIsReplayed()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"durable", "on"}, {"flush", "30s"}}));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(h.write(u"order:%1"_s.arg(i), QByteArray::number(i)).ok);
    QCOMPARE(h.lab.store().listRange(u"write-queue:A"_s).size(), 3);
    h.lab.advance(10 * s);
    h.lab.crash(0);
    QCOMPARE(h.metric(Counter::LostWrites), 0);
    h.lab.advance(1 * ms); // LRANGE: one cache round trip
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 3);
    QVERIFY(h.lab.settle());
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(h.dbRow(u"order:%1"_s.arg(i))->value, QByteArray::number(i));
    QCOMPARE(h.metric(Counter::DbWrites), 3);
    QCOMPARE(h.metric(Counter::LostWrites), 0);
    QVERIFY(h.lab.pattern(0).writeQueue().isEmpty());
    QVERIFY(h.lab.store().listRange(u"write-queue:A"_s).isEmpty()); // trimmed after the commit
    QVERIFY(h.lab.now() < 11 * s); // replayed at once, not at the next flush
}

void TestPatterns::writeBehindDurableCoalescedQueueSurvivesACrash()
{
    // durable=on promises that no acknowledged write dies with the process, coalescing or not.
    Harness h(labConfig(PatternKind::WriteBehind,
                        {{"durable", "on"}, {"coalesce", "on"}, {"batch", "1"}, {"flush", "30s"}}));
    // Each write is SETEX + RPUSH (2ms). z is enqueued at 2ms and flushed at once (batch=1);
    // while it is in flight x, y and x again are queued, the second x merged into the first.
    h.startWrite(u"z"_s, "z1");
    h.runUntil(2 * ms);
    for (const auto &[key, value] : {std::pair{"x", "x1"}, {"y", "y1"}, {"x", "x2"}}) {
        const quint64 id = h.startWrite(QString::fromLatin1(key), value);
        h.lab.runUntilDone(id);
    }
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 3); // z (in flight), x (2 writes), y
    QCOMPARE(h.lab.store().listRange(u"write-queue:A"_s).size(), 4);
    // z commits at 27ms and is trimmed at 53ms; x goes out at 53ms and is trimmed at 104ms;
    // y goes out at 104ms and would commit at 129ms. The instance dies in between.
    h.runUntil(110 * ms);
    QStringList listed;
    for (const QByteArray &item : h.lab.store().listRange(u"write-queue:A"_s))
        listed.append(WriteBehind::decode(item).value_or(QueuedWrite{}).key);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 1); // y, in flight
    QVERIFY2(listed.contains(u"y"_s), qPrintable(listed.join(u',')));
    h.lab.crash(0);
    QCOMPARE(h.metric(Counter::LostWrites), 0);
    QVERIFY(h.lab.settle());
    QCOMPARE(h.dbRow(u"z"_s)->value, QByteArray("z1"));
    QCOMPARE(h.dbRow(u"x"_s)->value, QByteArray("x2"));
    QVERIFY(h.dbRow(u"y"_s).has_value());
    if (h.dbRow(u"y"_s))
        QCOMPARE(h.dbRow(u"y"_s)->value, QByteArray("y1"));
}

void TestPatterns::writeBehindCrashDuringAFlush_data()
{
    QTest::addColumn<TimeUs>("crashAt");
    QTest::addColumn<qint64>("lost");
    // flush=10s: the batch is sent at 10s, commits at 10.025s, its reply is back at 10.05s.
    QTest::newRow("before the commit") << 10 * s + 10 * ms << qint64(3);
    QTest::newRow("after the commit") << 10 * s + 30 * ms << qint64(0);
}

void TestPatterns::writeBehindCrashDuringAFlush()
{
    QFETCH(TimeUs, crashAt);
    QFETCH(qint64, lost);
    Harness h(labConfig(PatternKind::WriteBehind, {{"flush", "10s"}}));
    for (int i = 1; i <= 3; ++i)
        h.write(u"order:%1"_s.arg(i), "x");
    h.runUntil(crashAt);
    h.lab.crash(0);
    QCOMPARE(h.metric(Counter::LostWrites), lost);
    QVERIFY(h.lab.settle());
    h.lab.advance(30 * s);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(h.lab.database().exists(u"order:%1"_s.arg(i)), lost == 0);
    QCOMPARE(h.metric(Counter::LostWrites), lost);
}

void TestPatterns::writeBehindRetriesThenLosesWrites()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"flush", "10s"}, {"retries", "2"}}));
    QVERIFY(h.write(u"cart:1"_s, "lamp").ok);
    h.lab.setDatabaseFailing(true);
    // Attempts at 10s, then 1s and 2s after each failure's reply: 11.05s and 13.1s.
    h.runUntil(13 * s + 150 * ms - 1);
    QCOMPARE(h.metric(Counter::Errors), 3);
    QCOMPARE(h.metric(Counter::LostWrites), 0);
    QCOMPARE(h.lab.pattern(0).writeQueue().size(), 1);
    h.runUntil(13 * s + 150 * ms); // the last failure's reply: given up
    QCOMPARE(h.metric(Counter::LostWrites), 1);
    QVERIFY(h.lab.pattern(0).writeQueue().isEmpty());
    QList<TimeUs> attempts;
    for (const TraceEvent &e : h.events(Verb::Batch, EventKind::Call))
        attempts.append(e.time);
    QCOMPARE(attempts, (QList<TimeUs>{10 * s, 11 * s + 50 * ms, 13 * s + 100 * ms}));

    h.lab.setDatabaseFailing(false);
    QVERIFY(h.lab.settle());
    h.lab.advance(60 * s);
    QVERIFY(!h.dbRow(u"cart:1"_s));
    QCOMPARE(h.metric(Counter::DbWrites), 0);
    QCOMPARE(h.metric(Counter::Errors), 3);
}

void TestPatterns::writeBehindRetrySucceedsWhenTheDatabaseIsBack()
{
    Harness h(labConfig(PatternKind::WriteBehind, {{"flush", "10s"}, {"retries", "2"}}));
    h.write(u"cart:1"_s, "lamp");
    h.lab.setDatabaseFailing(true);
    h.runUntil(12 * s);
    QCOMPARE(h.metric(Counter::Errors), 2);
    h.lab.setDatabaseFailing(false);
    h.runUntil(13 * s + 125 * ms); // the third attempt commits
    QCOMPARE(h.dbRow(u"cart:1"_s)->value, QByteArray("lamp"));
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::LostWrites), 0);
    QCOMPARE(h.metric(Counter::DbWrites), 1);
}

void TestPatterns::writeBehindDeleteThenReadBeforeTheFlush()
{
    // A delete is acknowledged like a write: the instance must not read the row back before
    // the flush, nor put it back in the cache for the rest of a TTL.
    Harness h(labConfig(PatternKind::WriteBehind, {{"flush", "10s"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    QVERIFY(h.remove(kUser).ok);
    const Operation before = h.read(kUser);
    QVERIFY(!before.result.found);
    QVERIFY(h.lab.settle());
    QVERIFY(!h.lab.database().exists(kUser));
    const Operation after = h.read(kUser);
    QVERIFY(!after.result.found);
    QCOMPARE(h.metric(Counter::StaleReads), 0);
}

void TestPatterns::writeBehindStaleReadAfterTheFlushIsCounted()
{
    // A stale read is one that returned an older version than the database held (DESIGN.md).
    Harness h(labConfig(PatternKind::WriteBehind, {{"flush", "10s"}}));
    QVERIFY(h.write(kUser, "mine").ok);
    QVERIFY(h.lab.settle()); // flushed: the database has v1 = "mine"
    QCOMPARE(h.lab.database().version(kUser), 1);
    h.lab.databasePut(kUser, "theirs"); // v2, behind the application's back
    const Operation op = h.read(kUser);
    QCOMPARE(op.result.value, QByteArray("mine")); // v1 from the cache, while v2 is the truth
    QVERIFY(op.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 1);
}

// =============================================================================================
// Refresh-ahead (ttl=10s, threshold=0.8: refresh when less than 2s are left)
// =============================================================================================

void TestPatterns::refreshOnlyInsideTheWindow_data()
{
    QTest::addColumn<TimeUs>("readAt");
    QTest::addColumn<bool>("refresh");
    QTest::addColumn<bool>("miss");
    // The cold read's SETEX lands at 51.5ms: the entry lives until 10.0515s. A read's GET
    // looks half a millisecond after the read starts.
    QTest::newRow("early") << 5 * s << false << false;
    QTest::newRow("exactly 2s left") << 8 * s + 51 * ms << false << false;
    QTest::newRow("1us inside") << 8 * s + 51 * ms + 1 << true << false;
    QTest::newRow("1us left") << 10 * s + 51 * ms - 1 << true << false;
    QTest::newRow("expired") << 10 * s + 51 * ms << false << true;
}

void TestPatterns::refreshOnlyInsideTheWindow()
{
    QFETCH(TimeUs, readAt);
    QFETCH(bool, refresh);
    QFETCH(bool, miss);
    Harness h(labConfig(PatternKind::RefreshAhead, {{"ttl", "10s"}, {"threshold", "0.8"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    h.runUntil(readAt);
    const Operation op = h.read(kUser);
    QCOMPARE(op.result.value, QByteArray("Ann"));
    QCOMPARE(took(op), miss ? 52 * ms : 1 * ms); // a reader never waits for a refresh
    QCOMPARE(h.lab.pattern(0).refreshQueue().size(), refresh ? 1 : 0);
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::Refreshes), refresh ? 1 : 0);
    QCOMPARE(h.metric(Counter::CacheMisses), miss ? 2 : 1);
    QCOMPARE(h.metric(Counter::DbReads), refresh || miss ? 2 : 1);
    if (refresh) {
        // The Refresher's SETEX landed half a millisecond before its reply: a fresh 10s.
        QCOMPARE(h.cached(kUser)->ttl, 10 * s - 500);
        QCOMPARE(h.count(Verb::Trigger, EventKind::Async), 1);
    }
}

void TestPatterns::refreshOnlyAfterMinAccess()
{
    Harness h(labConfig(PatternKind::RefreshAhead,
                        {{"ttl", "10s"}, {"threshold", "0.8"}, {"min-access", "3"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser); // 1st read of the key
    h.runUntil(9 * s);
    h.read(kUser); // 2nd, inside the window: not yet
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::Refreshes), 0);
    h.read(kUser); // 3rd
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::Refreshes), 1);
}

void TestPatterns::neverTwoRefreshesOfOneKey()
{
    Harness h(labConfig(PatternKind::RefreshAhead, {{"ttl", "10s"}, {"threshold", "0.8"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    h.runUntil(9 * s);
    for (int i = 0; i < 5; ++i) // five readers at once find the entry in its window
        h.startRead(kUser);
    // More readers while the refresh is in flight (its SETEX lands at 9.0515s).
    for (TimeUs t = 9 * s + 5 * ms; t < 9 * s + 60 * ms; t += 5 * ms) {
        h.runUntil(t);
        QVERIFY(h.lab.pattern(0).refreshQueue().size() <= 1);
        h.startRead(kUser);
    }
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::Refreshes), 1);
    QCOMPARE(h.metric(Counter::DbReads), 2);
    QCOMPARE(h.count(Verb::Trigger, EventKind::Async), 1);
    QCOMPARE(h.metric(Counter::CacheMisses), 1);
}

void TestPatterns::refreshesOfDifferentKeysQueue()
{
    Harness h(labConfig(PatternKind::RefreshAhead, {{"ttl", "10s"}}));
    h.lab.databasePut(u"a"_s, "1");
    h.lab.databasePut(u"b"_s, "2");
    h.read(u"a"_s);
    h.read(u"b"_s);
    h.runUntil(9 * s);
    h.startRead(u"a"_s);
    h.startRead(u"b"_s);
    h.runUntil(9 * s + 1 * ms);
    const QList<RefreshItem> queue = h.lab.pattern(0).refreshQueue();
    QCOMPARE(queue.size(), 2);
    QVERIFY(queue[0].running);
    QVERIFY(!queue[1].running); // one Refresher: one refresh at a time
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::Refreshes), 2);
    QCOMPARE(h.lab.now(), 9 * s + 1 * ms + 2 * 51 * ms);
}

void TestPatterns::hotKeyNeverMisses()
{
    Harness h(labConfig(PatternKind::RefreshAhead, {{"ttl", "10s"}, {"threshold", "0.8"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser);
    for (int i = 1; i <= 60; ++i) {
        h.runUntil(TimeUs(i) * s);
        const Operation op = h.read(kUser);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QCOMPARE(took(op), 1 * ms);
    }
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::CacheMisses), 1);
    QCOMPARE(h.metric(Counter::CacheHits), 60);
    QCOMPARE(h.metric(Counter::StaleReads), 0);
    QVERIFY(h.metric(Counter::Refreshes) >= 6);
    QCOMPARE(h.metric(Counter::DbReads), 1 + h.metric(Counter::Refreshes));
}

// =============================================================================================
// Around
// =============================================================================================

void TestPatterns::aroundCacheKeyFormat()
{
    Harness h(labConfig(PatternKind::Around));
    const QString key = h.lab.pattern(0).cacheKeyFor(kUser);
    static const QRegularExpression format(u"^memo:load_record:[0-9a-f]{16}$"_s);
    QVERIFY2(format.match(key).hasMatch(), qPrintable(key));
    // SHA-1 of the canonical JSON ["user:1"]: the same on every run and every machine.
    QCOMPARE(key, u"memo:load_record:86f7ec23e284ae31"_s);
    QCOMPARE(key, u"memo:load_record:"_s + sha1Prefix(QByteArrayLiteral("[\"user:1\"]")));

    Harness again(labConfig(PatternKind::Around));
    QCOMPARE(again.lab.pattern(0).cacheKeyFor(kUser), key);
    QCOMPARE(h.lab.pattern(0).cacheKeyFor(u"user:2"_s), u"memo:load_record:7ac34dc2d9538442"_s);

    Harness prefixed(labConfig(PatternKind::Around, {{"prefix", "app:"}}));
    QCOMPARE(prefixed.lab.pattern(0).cacheKeyFor(kUser), u"app:load_record:86f7ec23e284ae31"_s);
}

void TestPatterns::aroundReadsUnderTheMemoKey()
{
    Harness h(labConfig(PatternKind::Around));
    h.lab.databasePut(kUser, "Ann");
    const QString memoKey = h.lab.pattern(0).cacheKeyFor(kUser);
    QCOMPARE(took(h.read(kUser)), 52 * ms);
    QVERIFY(!h.cached(kUser));
    QCOMPARE(h.cachedValue(memoKey), QByteArray("Ann"));
    QCOMPARE(h.cached(memoKey)->record.version, 1);
    QCOMPARE(h.events(Verb::Get).first().key, memoKey);
    QCOMPARE(took(h.read(kUser)), 1 * ms);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
}

void TestPatterns::aroundInvalidatesOneCallOnly()
{
    Harness h(labConfig(PatternKind::Around));
    h.lab.databasePut(u"user:1"_s, "Ann");
    h.lab.databasePut(u"user:2"_s, "Bob");
    h.read(u"user:1"_s);
    h.read(u"user:2"_s);
    const QString key1 = h.lab.pattern(0).cacheKeyFor(u"user:1"_s);
    const QString key2 = h.lab.pattern(0).cacheKeyFor(u"user:2"_s);
    QVERIFY(key1 != key2);
    QVERIFY(h.cached(key1) && h.cached(key2));

    const Operation inv = h.invalidate(u"user:1"_s);
    QVERIFY(inv.ok);
    QCOMPARE(took(inv), 1 * ms); // one DEL
    QVERIFY(!h.cached(key1));
    QVERIFY(h.cached(key2));
    QCOMPARE(h.events(Verb::Del).last().key, key1);

    QVERIFY(h.write(u"user:2"_s, "Bobby").ok); // a write invalidates its own call's entry
    QVERIFY(!h.cached(key2));
    QCOMPARE(h.read(u"user:2"_s).result.value, QByteArray("Bobby"));
    QCOMPARE(h.metric(Counter::StaleReads), 0);
}

void TestPatterns::memoizerKeyFor()
{
    Harness h(labConfig(PatternKind::Around));
    const auto *around = dynamic_cast<const Around *>(&h.lab.pattern(0));
    QVERIFY(around);
    const Memoizer &memo = around->memoizer();
    QCOMPARE(memo.keyFor(u"load_record"_s, QJsonArray{kUser}), h.lab.pattern(0).cacheKeyFor(kUser));
    QCOMPARE(memo.keyFor(u"f"_s, QJsonArray{1, u"a"_s}), u"memo:f:c566b0f481060011"_s);
    QCOMPARE(memo.keyFor(u"f"_s, QJsonArray{1, u"a"_s}),
             u"memo:f:"_s + sha1Prefix(QByteArrayLiteral("[1,\"a\"]")));
    QVERIFY(memo.keyFor(u"f"_s, QJsonArray{1, 2}) != memo.keyFor(u"f"_s, QJsonArray{2, 1}));
    QVERIFY(memo.keyFor(u"f"_s, QJsonArray{1}) != memo.keyFor(u"f"_s, QJsonArray{u"1"_s}));
    QVERIFY(memo.keyFor(u"f"_s, QJsonArray{1}) != memo.keyFor(u"g"_s, QJsonArray{1}));
    QJsonArray nested;
    nested.append(QJsonArray());
    QVERIFY(memo.keyFor(u"f"_s, QJsonArray()) != memo.keyFor(u"f"_s, nested));
    // Object arguments are canonical: the order the fields were given in does not matter.
    QJsonObject ab;
    ab.insert(u"a"_s, 1);
    ab.insert(u"b"_s, 2);
    QJsonObject ba;
    ba.insert(u"b"_s, 2);
    ba.insert(u"a"_s, 1);
    QCOMPARE(memo.keyFor(u"f"_s, QJsonArray{ab}), memo.keyFor(u"f"_s, QJsonArray{ba}));
}

void TestPatterns::memoizeAnyFunction()
{
    Harness h(labConfig(PatternKind::Around, {{"ttl", "30s"}}));
    auto *around = dynamic_cast<Around *>(&h.lab.pattern(0));
    QVERIFY(around);
    int calls = 0;
    Memoizer::Function price = [&calls](Caller) -> Task<std::optional<Record>> {
        ++calls;
        Record r{QByteArrayLiteral("42"), 1};
        co_return r;
    };
    QJsonArray args;
    args.append(u"lamp"_s);
    args.append(2);
    QList<ReadResult> results;
    const Caller caller = appCaller();
    h.lab.scheduler().spawn(memoizeTwice(*around, caller, u"price"_s, args, price, results));
    h.lab.scheduler().runWhile([] { return true; });
    QCOMPARE(results.size(), 2);
    QCOMPARE(calls, 1); // the second call was served from the cache
    QCOMPARE(results[0].value, QByteArray("42"));
    QCOMPARE(results[1].value, QByteArray("42"));
    const QString key = around->memoizer().keyFor(u"price"_s, args);
    QVERIFY(key.startsWith(u"memo:price:"_s));
    QCOMPARE(h.cachedValue(key), QByteArray("42"));

    QJsonArray otherArgs;
    otherArgs.append(u"desk"_s);
    h.lab.scheduler().spawn(memoizeTwice(*around, caller, u"price"_s, otherArgs, price, results));
    h.lab.scheduler().runWhile([] { return true; });
    QCOMPARE(calls, 2);
    const QString otherKey = around->memoizer().keyFor(u"price"_s, otherArgs);

    h.lab.scheduler().spawn(invalidateMemo(around->memoizer(), caller, u"price"_s, args));
    h.lab.scheduler().runWhile([] { return true; });
    QVERIFY(!h.cached(key));
    QVERIFY(h.cached(otherKey));
}

// =============================================================================================
// Multi-level
// =============================================================================================

void TestPatterns::l1HitCostsNothing()
{
    Harness h(labConfig(PatternKind::MultiLevel));
    h.lab.databasePut(kUser, "Ann");
    QCOMPARE(took(h.read(kUser)), 52 * ms);
    QCOMPARE(h.l1Keys(0), QStringList{kUser});
    for (int i = 0; i < 3; ++i) {
        const Operation op = h.read(kUser);
        QCOMPARE(took(op), 0);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QCOMPARE(op.result.version, 1);
    }
    QCOMPARE(h.metric(Counter::L1Hits), 3);
    QCOMPARE(h.metric(Counter::L1Misses), 1);
    QCOMPARE(h.metric(Counter::CacheHits), 0);
    QCOMPARE(h.count(Verb::Get, EventKind::Call), 1); // the shared cache was asked once
}

void TestPatterns::l1HitCostsTheL1Latency()
{
    LabConfig config = labConfig(PatternKind::MultiLevel);
    config.latencies.l1 = 200;
    Harness h(std::move(config));
    h.lab.databasePut(kUser, "Ann");
    QCOMPARE(took(h.read(kUser)), 52 * ms + 200);
    QCOMPARE(took(h.read(kUser)), 200);
}

void TestPatterns::l1CapacityEvictsLeastRecentlyUsed()
{
    Harness h(labConfig(PatternKind::MultiLevel, {{"l1-capacity", "2"}}));
    h.lab.databaseSeed(3);
    h.read(u"item:1"_s);
    h.read(u"item:2"_s);
    h.read(u"item:1"_s); // L1 hit: item:2 is now the least recently used
    h.read(u"item:3"_s);
    QCOMPARE(h.l1Keys(0), (QStringList{u"item:1"_s, u"item:3"_s}));
    QCOMPARE(h.metric(Counter::L1Hits), 1);
    const Operation back = h.read(u"item:2"_s); // from L2 now
    QCOMPARE(back.result.value, QByteArray("item 2"));
    QCOMPARE(took(back), 1 * ms);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
    QCOMPARE(h.metric(Counter::DbReads), 3);
    QCOMPARE(h.l1Keys(0), (QStringList{u"item:2"_s, u"item:3"_s}));
}

void TestPatterns::l1TtlExpiry()
{
    Harness h(labConfig(PatternKind::MultiLevel, {{"l1-ttl", "10s"}}));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser); // put in L1 at 52ms: it lives until 10.052s
    QCOMPARE(h.lab.pattern(0).l1().constFirst().ttl, 10 * s);
    h.runUntil(10 * s + 52 * ms - 1);
    QCOMPARE(took(h.read(kUser)), 0);
    QCOMPARE(h.metric(Counter::L1Hits), 1);
    h.runUntil(10 * s + 52 * ms);
    QVERIFY(h.l1Keys(0).isEmpty());
    const Operation op = h.read(kUser);
    QCOMPARE(took(op), 1 * ms); // L1 miss, L2 hit
    QCOMPARE(op.result.value, QByteArray("Ann"));
    QCOMPARE(h.metric(Counter::L1Misses), 2);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
    QCOMPARE(h.l1Keys(0), QStringList{kUser});
}

void TestPatterns::writeEvictsOtherInstancesL1()
{
    Harness h(labConfig(PatternKind::MultiLevel, {}, 2));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser, 0);
    h.read(kUser, 1); // from L2 into B's L1, done at 53ms
    QCOMPARE(h.l1Keys(1), QStringList{kUser});
    QCOMPARE(h.metric(Counter::DbReads), 1);

    // A writes at 53ms: UPSERT replies at 103ms, DEL at 104ms, PUBLISH lands at 104.5ms; the
    // message needs half a cache round trip more to reach B.
    const quint64 w = h.startWrite(kUser, "Bob", 0);
    h.runUntil(105 * ms - 1);
    QVERIFY(h.l1Keys(0).isEmpty()); // A dropped its own copy when the write committed
    QCOMPARE(h.l1Keys(1), QStringList{kUser});
    h.runUntil(105 * ms);
    QVERIFY(h.l1Keys(1).isEmpty());
    h.lab.runUntilDone(w);
    QCOMPARE(h.finished(w).finishedAt, 105 * ms);
    QVERIFY(!h.cached(kUser));
    const QList<TraceEvent> invalidations = h.events(Verb::Invalidation, EventKind::Async);
    QCOMPARE(invalidations.size(), 1);
    QCOMPARE(invalidations[0].to, (Participant{Role::L1, 1}));
    QCOMPARE(invalidations[0].time, 104'500);

    const Operation b = h.read(kUser, 1);
    QCOMPARE(b.result.value, QByteArray("Bob"));
    QVERIFY(!b.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 0);
}

void TestPatterns::invalidateOffLeavesOtherL1Stale()
{
    Harness h(labConfig(PatternKind::MultiLevel, {{"invalidate", "off"}, {"l1-ttl", "10s"}}, 2));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser, 0);
    h.read(kUser, 1); // B's L1 copy lives until 10.053s
    QVERIFY(h.write(kUser, "Bob", 0).ok);
    QCOMPARE(h.count(Verb::Publish), 0);
    QCOMPARE(h.l1Keys(1), QStringList{kUser});

    const Operation stale = h.read(kUser, 1);
    QCOMPARE(stale.result.value, QByteArray("Ann"));
    QVERIFY(stale.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 1);
    QCOMPARE(h.read(kUser, 0).result.value, QByteArray("Bob")); // the writer itself is fine

    h.runUntil(10 * s + 53 * ms - 1);
    QVERIFY(h.read(kUser, 1).stale);
    h.runUntil(10 * s + 53 * ms); // B's L1 TTL is over
    const Operation healed = h.read(kUser, 1);
    QCOMPARE(healed.result.value, QByteArray("Bob"));
    QVERIFY(!healed.stale);
    QCOMPARE(h.metric(Counter::StaleReads), 2);
}

void TestPatterns::crashEmptiesTheL1()
{
    Harness h(labConfig(PatternKind::MultiLevel, {}, 2));
    h.lab.databasePut(kUser, "Ann");
    h.read(kUser, 1);
    QCOMPARE(h.l1Keys(1), QStringList{kUser});
    h.lab.crash(1);
    QVERIFY(h.l1Keys(1).isEmpty());
    QCOMPARE(took(h.read(kUser, 1)), 1 * ms); // L2 survived the crash
    // The restarted instance still hears invalidations; the dead one is no longer subscribed.
    QVERIFY(h.write(kUser, "Bob", 0).ok);
    h.lab.advance(1 * ms);
    QVERIFY(h.l1Keys(1).isEmpty());
    QCOMPARE(h.count(Verb::Invalidation), 1);
    QCOMPARE(h.read(kUser, 1).result.value, QByteArray("Bob"));
}

// =============================================================================================
// Circuit breaker (failures=3, open-timeout=10s)
// =============================================================================================

namespace {

LabConfig breakerConfig()
{
    return labConfig(PatternKind::CircuitBreaker, {{"failures", "3"}, {"open-timeout", "10s"}});
}

BreakerStatus breakerOf(Harness &h, int client = 0)
{
    return h.lab.pattern(client).breaker().value_or(BreakerStatus{});
}

// Three reads with the cache down: the third failure (its GET reply at 103ms) opens it.
void openTheBreaker(Harness &h)
{
    h.lab.databasePut(kUser, "Ann");
    h.lab.setCacheFailing(true);
    for (int i = 0; i < 3; ++i)
        h.read(kUser);
}

} // namespace

void TestPatterns::breakerOpensAfterConsecutiveFailures()
{
    Harness h(breakerConfig());
    h.lab.databasePut(kUser, "Ann");
    h.lab.setCacheFailing(true);
    for (int i = 1; i <= 2; ++i) {
        const Operation op = h.read(kUser);
        QVERIFY(op.ok);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QCOMPARE(took(op), 51 * ms);
        QCOMPARE(breakerOf(h).state, BreakerState::Closed);
        QCOMPARE(breakerOf(h).consecutiveFailures, i);
    }
    QCOMPARE(h.metric(Counter::BreakerOpens), 0);
    const Operation third = h.read(kUser);
    QVERIFY(third.ok);
    QCOMPARE(third.result.value, QByteArray("Ann"));
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
    QCOMPARE(breakerOf(h).trialAt, 103 * ms + 10 * s);
    QCOMPARE(h.metric(Counter::BreakerOpens), 1);
    QCOMPARE(h.metric(Counter::Errors), 3);
}

void TestPatterns::openBreakerMakesNoCacheCalls()
{
    Harness h(breakerConfig());
    openTheBreaker(h);
    const qsizetype gets = h.count(Verb::Get, EventKind::Call);
    QCOMPARE(gets, 3);
    for (int i = 0; i < 4; ++i) {
        const Operation op = h.read(kUser);
        QVERIFY(op.ok);
        QCOMPARE(op.result.value, QByteArray("Ann"));
        QCOMPARE(took(op), 50 * ms); // straight to the database: no time lost on the cache
    }
    QCOMPARE(h.count(Verb::Get, EventKind::Call), gets);
    QCOMPARE(h.count(Verb::Rejected, EventKind::Return), 4);
    QCOMPARE(h.metric(Counter::Errors), 3);
    QCOMPARE(h.metric(Counter::DbReads), 7);

    const Operation w = h.write(kUser, "Bob"); // its DEL is not sent either
    QVERIFY(w.ok);
    QCOMPARE(took(w), 50 * ms);
    QCOMPARE(h.count(Verb::Del, EventKind::Call), 0);
    QCOMPARE(h.metric(Counter::Errors), 3);
    QCOMPARE(h.dbRow(kUser)->value, QByteArray("Bob"));
    QCOMPARE(h.metric(Counter::BreakerOpens), 1);
}

// A cache full for writes (Redis at maxmemory, noeviction): every read's GET succeeds, every
// fill's SET fails, so consecutive failures never pass one.
void TestPatterns::aCacheFullForWritesNeverOpensAConsecutiveBreaker()
{
    Harness h(breakerConfig());
    h.lab.databaseSeed(20);
    h.lab.setCacheWritesFailing(true);
    for (int i = 1; i <= 20; ++i) {
        const Operation op = h.read(Lab::seedKey(i));
        QVERIFY(op.ok);
        QCOMPARE(op.result.value, QByteArray("item ") + QByteArray::number(i));
        QCOMPARE(breakerOf(h).consecutiveFailures, 1);
    }
    QCOMPARE(breakerOf(h).state, BreakerState::Closed);
    QCOMPARE(h.metric(Counter::BreakerOpens), 0);
    QCOMPARE(h.metric(Counter::Errors), 20);
    QVERIFY2(h.lab.metrics().lastError().contains(u"OOM command not allowed"),
             qPrintable(h.lab.metrics().lastError()));
    QCOMPARE(h.count(Verb::Get, EventKind::Call), 20); // every read still asked the cache
}

void TestPatterns::aWindowOpensTheBreakerOnAFailureRatio()
{
    Harness h(labConfig(
        PatternKind::CircuitBreaker,
        {{"failures", "3"}, {"open-timeout", "10s"}, {"window", "10"}, {"failure-ratio", "0.5"}}));
    h.lab.databaseSeed(20);
    h.lab.setCacheWritesFailing(true);
    // Each read is two calls, a good GET and a failed SET: 4 reads leave 4 of 8 failed,
    // the window not full yet; the fifth fills it with 5 of 10.
    for (int i = 1; i <= 4; ++i) {
        QVERIFY(h.read(Lab::seedKey(i)).ok);
        QCOMPARE(breakerOf(h).state, BreakerState::Closed);
    }
    QVERIFY(h.read(Lab::seedKey(5)).ok);
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
    QCOMPARE(h.metric(Counter::BreakerOpens), 1);
    bool noted = false;
    for (const TraceEvent &e : h.lab.trace().events())
        noted = noted || e.text.contains(u"5 of the last 10 cache call");
    QVERIFY(noted);
    // Open: reads go to the database and no longer touch the cache.
    const qsizetype gets = h.count(Verb::Get, EventKind::Call);
    QVERIFY(h.read(Lab::seedKey(6)).ok);
    QCOMPARE(h.count(Verb::Get, EventKind::Call), gets);
}

void TestPatterns::aWindowForgetsItsOldestCall()
{
    Harness h(labConfig(PatternKind::CircuitBreaker,
                        {{"failures", "100"}, {"window", "4"}, {"failure-ratio", "0.75"}}));
    h.lab.databaseSeed(20);
    h.lab.setCacheWritesFailing(true);
    // GET ok, SET fails, GET ok, SET fails: 2 of 4, below 3 of 4.
    QVERIFY(h.read(Lab::seedKey(1)).ok);
    QVERIFY(h.read(Lab::seedKey(2)).ok);
    QCOMPARE(breakerOf(h).state, BreakerState::Closed);
    // Now the cache is down altogether: GET fails (the read goes to the database and makes
    // no fill), so the window holds ok, fail, ok, fail → fail, ok, fail, fail: 3 of 4.
    h.lab.setCacheFailing(true);
    QVERIFY(h.read(Lab::seedKey(3)).ok);
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
}

void TestPatterns::breakerHalfOpensExactlyAfterTheTimeout()
{
    Harness h(breakerConfig());
    openTheBreaker(h);
    h.runUntil(103 * ms + 10 * s - 1);
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
    h.runUntil(103 * ms + 10 * s);
    QCOMPARE(breakerOf(h).state, BreakerState::HalfOpen);
    QCOMPARE(breakerOf(h).trialAt, -1);
    h.lab.advance(60 * s); // it waits for a trial however long it takes
    QCOMPARE(breakerOf(h).state, BreakerState::HalfOpen);
}

void TestPatterns::trialSuccessCloses()
{
    Harness h(breakerConfig());
    openTheBreaker(h);
    h.lab.setCacheFailing(false);
    h.runUntil(103 * ms + 10 * s);
    const Operation trial = h.read(kUser);
    QVERIFY(trial.ok);
    QCOMPARE(trial.result.value, QByteArray("Ann"));
    QCOMPARE(breakerOf(h).state, BreakerState::Closed);
    QCOMPARE(breakerOf(h).consecutiveFailures, 0);
    QCOMPARE(h.count(Verb::Get, EventKind::Call), 4);
    QCOMPARE(h.cachedValue(kUser), QByteArray("Ann")); // the trial's miss filled the cache
    QCOMPARE(took(h.read(kUser)), 1 * ms);
    QCOMPARE(h.metric(Counter::CacheHits), 1);
    QCOMPARE(h.metric(Counter::BreakerOpens), 1);
}

void TestPatterns::trialFailureReopens()
{
    Harness h(breakerConfig());
    openTheBreaker(h);
    const TimeUs halfOpenAt = 103 * ms + 10 * s;
    h.runUntil(halfOpenAt);
    const Operation trial = h.read(kUser); // the cache is still down
    QVERIFY(trial.ok);
    QCOMPARE(trial.result.value, QByteArray("Ann"));
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
    QCOMPARE(h.metric(Counter::BreakerOpens), 2);
    QCOMPARE(h.metric(Counter::Errors), 4);
    QCOMPARE(breakerOf(h).trialAt, halfOpenAt + 1 * ms + 10 * s); // from the failed reply
    h.read(kUser);
    QCOMPARE(h.metric(Counter::Errors), 4); // open again: no calls

    h.lab.setCacheFailing(false);
    h.runUntil(halfOpenAt + 1 * ms + 10 * s);
    QCOMPARE(breakerOf(h).state, BreakerState::HalfOpen);
    h.read(kUser);
    QCOMPARE(breakerOf(h).state, BreakerState::Closed);
}

void TestPatterns::onlyOneTrialAtATime()
{
    Harness h(breakerConfig());
    openTheBreaker(h);
    h.lab.setCacheFailing(false);
    h.runUntil(103 * ms + 10 * s);
    const qsizetype gets = h.count(Verb::Get, EventKind::Call);
    const qsizetype rejected = h.count(Verb::Rejected);
    QList<quint64> ids;
    for (int i = 0; i < 3; ++i)
        ids.append(h.startRead(kUser));
    QCOMPARE(h.count(Verb::Get, EventKind::Call), gets + 1); // one trial
    QCOMPARE(h.count(Verb::Rejected), rejected + 2);         // the others skip the cache
    QVERIFY(h.lab.settle());
    for (quint64 id : std::as_const(ids))
        QCOMPARE(h.finished(id).result.value, QByteArray("Ann"));
    QCOMPARE(breakerOf(h).state, BreakerState::Closed);
    QCOMPARE(h.count(Verb::Set, EventKind::Call), 1); // only the trial fills the cache
}

void TestPatterns::onlyOneTrialAtATimeWhenItFails()
{
    Harness h(breakerConfig());
    openTheBreaker(h);
    h.runUntil(103 * ms + 10 * s);
    for (int i = 0; i < 3; ++i)
        h.startRead(kUser);
    QVERIFY(h.lab.settle());
    QCOMPARE(h.metric(Counter::Errors), 4); // one failed trial, not three
    QCOMPARE(h.metric(Counter::BreakerOpens), 2);
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
}

void TestPatterns::successResetsTheFailureCount()
{
    Harness h(breakerConfig());
    h.lab.databasePut(kUser, "Ann");
    h.lab.setCacheFailing(true);
    h.read(kUser);
    h.read(kUser);
    QCOMPARE(breakerOf(h).consecutiveFailures, 2);
    h.lab.setCacheFailing(false);
    h.read(kUser); // a success: the count starts again
    QCOMPARE(breakerOf(h).consecutiveFailures, 0);
    h.lab.setCacheFailing(true);
    h.read(kUser);
    h.read(kUser);
    QCOMPARE(breakerOf(h).state, BreakerState::Closed);
    h.read(kUser);
    QCOMPARE(breakerOf(h).state, BreakerState::Open);
    QCOMPARE(h.metric(Counter::BreakerOpens), 1);
}

QTEST_GUILESS_MAIN(TestPatterns)
#include "tst_patterns.moc"
