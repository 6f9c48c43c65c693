// The discrete-event scheduler, the coroutine Task, SingleFlight and the seeded generators:
// the plumbing every pattern stands on. Everything here runs in virtual time.

#include "errors.h"
#include "patterns/singleflight.h"
#include "time/random.h"
#include "time/scheduler.h"
#include "workload/distribution.h"

#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace cachelab;
using namespace Qt::StringLiterals;

namespace {

// Counts live objects, so a test can see that coroutine frames and callbacks were freed (the
// sanitizer build also sees how).
class Tracker
{
public:
    explicit Tracker(int &live)
        : m_live(&live)
    {
        ++*m_live;
    }
    Tracker(const Tracker &other)
        : m_live(other.m_live)
    {
        ++*m_live;
    }
    Tracker &operator=(const Tracker &) = delete;
    ~Tracker() { --*m_live; }

private:
    int *m_live;
};

QString stamp(const QString &name, TimeUs at)
{
    return name + u'@' + QString::number(at);
}

Task<void> logAfter(Scheduler &s, QStringList &log, QString name, TimeUs delay)
{
    co_await s.sleep(delay);
    log.append(stamp(name, s.now()));
}

// --- values and exceptions through nested tasks -------------------------------------------

Task<int> doubledLater(Scheduler &s, int v, TimeUs delay)
{
    co_await s.sleep(delay);
    co_return v * 2;
}

Task<int> twoSteps(Scheduler &s, int v)
{
    const int a = co_await doubledLater(s, v, 10);
    const int b = co_await doubledLater(s, a, 5);
    co_return a + b;
}

Task<std::unique_ptr<QString>> moveOnlyLater(Scheduler &s)
{
    co_await s.sleep(1);
    co_return std::make_unique<QString>(u"owned"_s);
}

Task<int> depth(int n)
{
    if (n == 0)
        co_return 0;
    const int below = co_await depth(n - 1);
    co_return below + 1;
}

Task<int> throwsAfter(Scheduler &s, TimeUs delay)
{
    co_await s.sleep(delay);
    throw DatabaseError(DatabaseError::Kind::Locked, u"the row is locked"_s);
    co_return 0;
}

Task<int> throwsAtOnce()
{
    throw CacheError(CacheError::Kind::Refused, u"refused"_s);
    co_return 0;
}

// Awaits without catching: the exception must pass through this frame to its awaiter.
Task<int> passesThrough(Scheduler &s)
{
    const int v = co_await throwsAfter(s, 7);
    co_return v + 1;
}

Task<void> voidThrows(Scheduler &s)
{
    co_await s.sleep(3);
    throw Error(u"void task failed"_s);
}

// A coroutine the scheduler owns from the start (Scheduler::Root).
Scheduler::Root rootThrowsAfter(Scheduler &s, TimeUs delay, QString message)
{
    co_await s.sleep(delay);
    throw Error(message);
}

Scheduler::Root rootLogs(Scheduler &s, QStringList &log, QString name, TimeUs delay, int &live)
{
    const Tracker alive(live);
    log.append(stamp(name + u" starts"_s, s.now()));
    co_await s.sleep(delay);
    log.append(stamp(name + u" done"_s, s.now()));
}

// An arrival source: each request may run ahead until the next one arrives; the last one,
// with no next arrival, is a plain spawn.
Task<void> arrivals(Scheduler &s, QStringList &log, QList<TimeUs> gaps, TimeUs work, int &live)
{
    co_await s.sleep(gaps.first());
    for (int i = 1; i <= gaps.size(); ++i) {
        log.append(stamp(u"arrival "_s + QString::number(i), s.now()));
        const QString name = u"request "_s + QString::number(i);
        if (i == gaps.size()) {
            s.spawn(rootLogs(s, log, name, work, live));
            break;
        }
        const TimeUs next = s.now() + gaps[i];
        s.spawnAhead(rootLogs(s, log, name, work, live), next);
        co_await s.sleep(next - s.now());
    }
}

// --- co_return of lvalues ----------------------------------------------------------------

struct Holder
{
    QHash<QString, QString> map;
    std::vector<int> numbers;

    Task<QString> lookup(QString key)
    {
        auto it = map.find(key);
        co_return it.value(); // an lvalue inside the map: must be copied, not moved
    }
    Task<std::vector<int>> all() { co_return numbers; } // a member: an lvalue too
};

Task<std::vector<int>> returnsReference(std::vector<int> &v)
{
    co_return v;
}

// --- GCC 12: aggregates passed to a coroutine must be named locals ------------------------

struct Entry
{
    QString key;
    QByteArray value;
    Tracker tracker;
};

Task<QString> consume(Scheduler &s, Entry e)
{
    co_await s.sleep(2);
    co_return e.key + u'=' + QString::fromUtf8(e.value);
}

Task<void> passesNamedAggregate(Scheduler &s, int &live, QString &out)
{
    // The safe form (core/time/task.h): build the aggregate first, then move it in.
    Entry entry{u"user:1"_s, QByteArrayLiteral("Ann"), Tracker(live)};
    out = co_await consume(s, std::move(entry));
}

// --- frames that stay suspended -----------------------------------------------------------

struct Forever
{
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept {}
};

Task<void> holdsTracker(Scheduler &s, int &live, TimeUs delay)
{
    Tracker t(live);
    co_await s.sleep(delay);
}

Task<void> nestedHolder(Scheduler &s, int &live)
{
    Tracker t(live);
    co_await holdsTracker(s, live, 1000);
    co_await holdsTracker(s, live, 1000);
}

Task<void> suspendedForever(int &live)
{
    Tracker t(live);
    Forever never;
    co_await never;
}

Task<void> joinFlight(SingleFlight<QString> &flights, QString key, QStringList &log, QString name,
                      Scheduler &s)
{
    // Declared outside any if-condition: it lives across the co_await (GCC 12, task.h).
    std::shared_ptr<SingleFlight<QString>::Flight> flight = flights.find(key);
    SingleFlight<QString>::Join join{flight};
    try {
        const QString value = co_await join;
        log.append(stamp(name + u'=' + value, s.now()));
    } catch (const Error &e) {
        log.append(stamp(name + u'!' + e.message(), s.now()));
    }
}

Task<void> joinFlightTracked(SingleFlight<QString> &flights, QString key, int &live)
{
    Tracker t(live);
    std::shared_ptr<SingleFlight<QString>::Flight> flight = flights.find(key);
    SingleFlight<QString>::Join join{flight};
    (void)co_await join;
}

Task<void> ticker(Scheduler &s, int &ticks)
{
    for (;;) {
        co_await s.sleep(1);
        ++ticks;
    }
}

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT

private slots:
    void eventsRunByTimeThenBySchedulingOrder();
    void sameScheduleSameRun();
    void timersAndResumesInterleaveInSchedulingOrder();
    void eventsScheduledWhileRunning();
    void pastTimesRunNow();
    void sleepZeroDoesNotSuspend();
    void runUntilSetsTheClock();
    void stepAndIntrospection();
    void runWhileStopsAtTheLimit();

    void nestedTaskValues();
    void moveOnlyValues();
    void deepAwaitChain();
    void nestedExceptionsReachTheAwaiter();
    void exceptionBeforeFirstSuspension();
    void spawnedExceptionsGoToTheHandler();
    void unspawnedRootNeverRuns();
    void spawnAheadKeepsTheOrder_data();
    void spawnAheadKeepsTheOrder();
    void coReturnOfAnLvalueCopies();
    void aggregateArgumentsAsNamedLocals();

    void spawnRunsToFirstSuspension();
    void destroyedSchedulerFreesSuspendedCoroutines();
    void finishedCoroutinesFreeThemselves();

    void callAtAndCancel();
    void cancelledSlotReusedLater();
    void cancelFromInsideACallback();

    void singleFlightJoinersGetTheLeadersValue();
    void singleFlightJoinersGetTheLeadersException();
    void singleFlightJoinAfterLanding();
    void singleFlightNewFlightAfterLanding();

    void randomIsDeterministicForASeed();
    void randomMatchesTheReference();
    void randomRanges();
    void zipfIsDeterministicForASeed();
    void zipfProbabilities();
    void zipfDrawsAreTheInverseOfTheCdf();
    void zipfFrequencies();
};

// --- ordering ----------------------------------------------------------------------------

void TestScheduler::eventsRunByTimeThenBySchedulingOrder()
{
    Scheduler s;
    QStringList log;
    auto note = [&](const QString &name) {
        return [&log, &s, name] { log.append(stamp(name, s.now())); };
    };

    s.callAt(20, note(u"timer20-first"_s));
    s.spawn(logAfter(s, log, u"task10-first"_s, 10));
    s.callAt(10, note(u"timer10"_s));
    s.callAt(5, note(u"timer5"_s));
    s.spawn(logAfter(s, log, u"task10-second"_s, 10));
    s.callAt(20, note(u"timer20-second"_s));
    s.spawn(logAfter(s, log, u"task0"_s, 0)); // runs at once, inside spawn()

    while (s.step()) {
    }
    const QStringList expected{u"task0@0"_s,          u"timer5@5"_s,         u"task10-first@10"_s,
                               u"timer10@10"_s,       u"task10-second@10"_s, u"timer20-first@20"_s,
                               u"timer20-second@20"_s};
    QCOMPARE(log, expected);
}

void TestScheduler::sameScheduleSameRun()
{
    // 300 events on 20 distinct instants, coroutines and callbacks mixed: the run must be
    // exactly "sorted by time, ties in the order they were scheduled", every time.
    auto run = [](quint64 seed) {
        Scheduler s;
        QStringList log;
        Random r(seed);
        for (int i = 0; i < 300; ++i) {
            const TimeUs at = TimeUs(r.below(20)) * 100 + 100;
            if (i % 2) {
                s.callAt(at, [&log, &s, i] { log.append(stamp(QString::number(i), s.now())); });
            } else {
                s.spawn(logAfter(s, log, QString::number(i), at));
            }
        }
        s.runUntil(1'000'000);
        return log;
    };
    Random r(99);
    std::vector<std::pair<TimeUs, int>> planned;
    for (int i = 0; i < 300; ++i)
        planned.emplace_back(TimeUs(r.below(20)) * 100 + 100, i);
    std::stable_sort(planned.begin(), planned.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList expected;
    for (const auto &[at, i] : planned)
        expected.append(stamp(QString::number(i), at));

    const QStringList first = run(99);
    QCOMPARE(first, expected);
    QCOMPARE(run(99), first);
    QVERIFY(run(100) != first);
}

void TestScheduler::timersAndResumesInterleaveInSchedulingOrder()
{
    // Timers (callAt) and coroutine resumptions (sleep) share one order of scheduling: a timer
    // set just before a sleep that ends at the same instant runs first, and so on.
    Scheduler s;
    QStringList log;
    QStringList expected;
    for (int i = 0; i < 40; ++i) {
        const QString timer = u"timer%1"_s.arg(i);
        const QString task = u"task%1"_s.arg(i);
        s.callAt(10, [&log, &s, timer] { log.append(stamp(timer, s.now())); });
        s.spawn(logAfter(s, log, task, 10));
        expected << stamp(timer, 10) << stamp(task, 10);
    }
    s.runUntil(10);
    QCOMPARE(log, expected);
}

void TestScheduler::eventsScheduledWhileRunning()
{
    // An event scheduled for "now" by a running event goes after everything already due now.
    Scheduler s;
    QStringList log;
    s.callAt(10, [&] {
        log.append(stamp(u"a"_s, s.now()));
        s.callAt(10, [&] { log.append(stamp(u"a-child"_s, s.now())); });
        s.callAt(11, [&] { log.append(stamp(u"a-later"_s, s.now())); });
    });
    s.callAt(10, [&] { log.append(stamp(u"b"_s, s.now())); });
    s.runUntil(10);
    QCOMPARE(log, (QStringList{u"a@10"_s, u"b@10"_s, u"a-child@10"_s}));
    QCOMPARE(s.now(), 10);
    s.runUntil(100);
    QCOMPARE(log.last(), u"a-later@11"_s);
}

void TestScheduler::pastTimesRunNow()
{
    Scheduler s;
    s.runUntil(500);
    QStringList log;
    s.callAt(100, [&] { log.append(stamp(u"late"_s, s.now())); });
    s.callAt(500, [&] { log.append(stamp(u"now"_s, s.now())); });
    QCOMPARE(s.nextEventTime(), 500);
    s.runUntil(500);
    QCOMPARE(log, (QStringList{u"late@500"_s, u"now@500"_s}));
    QCOMPARE(s.now(), 500); // the clock never goes back
}

void TestScheduler::sleepZeroDoesNotSuspend()
{
    Scheduler s;
    QStringList log;
    auto body = [](Scheduler &s, QStringList &log) -> Task<void> {
        log.append(u"before"_s);
        co_await s.sleep(0);
        log.append(u"after zero"_s);
        co_await s.sleep(-5);
        log.append(u"after negative"_s);
        co_await s.sleep(1);
        log.append(stamp(u"after one"_s, s.now()));
    };
    s.spawn(body(s, log));
    QCOMPARE(log, (QStringList{u"before"_s, u"after zero"_s, u"after negative"_s}));
    QCOMPARE(s.pendingEvents(), std::size_t(1));
    QCOMPARE(s.eventsRun(), quint64(0));
    QVERIFY(s.step());
    QCOMPARE(log.last(), u"after one@1"_s);
    QVERIFY(s.idle());
}

void TestScheduler::runUntilSetsTheClock()
{
    Scheduler s;
    QCOMPARE(s.now(), 0);
    s.runUntil(1000);
    QCOMPARE(s.now(), 1000); // with nothing to run, the clock still moves
    QCOMPARE(s.clock().now(), 1000);

    QStringList log;
    s.spawn(logAfter(s, log, u"t1500"_s, 500));
    s.spawn(logAfter(s, log, u"t2500"_s, 1500));
    s.runUntil(1499);
    QVERIFY(log.isEmpty());
    QCOMPARE(s.now(), 1499);
    s.runUntil(1500); // an event due exactly at t runs
    QCOMPARE(log, QStringList{u"t1500@1500"_s});
    QCOMPARE(s.now(), 1500);
    s.runUntil(2000);
    QCOMPARE(s.now(), 2000);
    QCOMPARE(s.nextEventTime(), 2500);
    s.runUntil(10); // never backwards
    QCOMPARE(s.now(), 2000);
    QCOMPARE(log.size(), 1);
    s.runUntil(3000);
    QCOMPARE(log, (QStringList{u"t1500@1500"_s, u"t2500@2500"_s}));
    QCOMPARE(s.now(), 3000);
}

void TestScheduler::stepAndIntrospection()
{
    Scheduler s;
    QVERIFY(s.idle());
    QCOMPARE(s.nextEventTime(), -1);
    QVERIFY(!s.step());
    int calls = 0;
    s.callAt(30, [&] { ++calls; });
    s.callAt(20, [&] { ++calls; });
    QCOMPARE(s.pendingEvents(), std::size_t(2));
    QCOMPARE(s.nextEventTime(), 20);
    QVERIFY(s.step());
    QCOMPARE(s.now(), 20); // step() moves the clock to the event it runs
    QCOMPARE(s.eventsRun(), quint64(1));
    QVERIFY(s.step());
    QCOMPARE(s.now(), 30);
    QVERIFY(!s.step());
    QCOMPARE(calls, 2);
    QCOMPARE(s.eventsRun(), quint64(2));
}

void TestScheduler::runWhileStopsAtTheLimit()
{
    Scheduler s;
    int ticks = 0;
    s.spawn(ticker(s, ticks));
    s.setEventBudget(100);
    QVERIFY(!s.runWhile([] { return true; })); // never idle: the budget stops it
    QCOMPARE(ticks, 100);
    QVERIFY(s.exhausted());
    QVERIFY(!s.step());
    const TimeUs stoppedAt = s.now();
    s.runUntil(stoppedAt + 1000); // nothing runs, and the clock does not pretend it did
    QCOMPARE(ticks, 100);
    QCOMPARE(s.now(), stoppedAt);

    s.setEventBudget(200);
    QVERIFY(!s.exhausted());
    QVERIFY(s.runWhile([&] { return ticks < 150; }));
    QCOMPARE(ticks, 150);
    QCOMPARE(s.now(), 150);
}

// --- tasks ---------------------------------------------------------------------------------

void TestScheduler::nestedTaskValues()
{
    Scheduler s;
    int result = 0;
    TimeUs at = -1;
    auto outer = [](Scheduler &s, int &result, TimeUs &at) -> Task<void> {
        result = co_await twoSteps(s, 3);
        at = s.now();
    };
    s.spawn(outer(s, result, at));
    QCOMPARE(result, 0);
    s.runUntil(14);
    QCOMPARE(result, 0);
    s.runUntil(15);
    QCOMPARE(result, 6 + 12);
    QCOMPARE(at, 15);
}

void TestScheduler::moveOnlyValues()
{
    Scheduler s;
    QString text;
    auto outer = [](Scheduler &s, QString &text) -> Task<void> {
        std::unique_ptr<QString> p = co_await moveOnlyLater(s);
        text = *p;
    };
    s.spawn(outer(s, text));
    s.runUntil(1);
    QCOMPARE(text, u"owned"_s);
}

void TestScheduler::deepAwaitChain()
{
    Scheduler s;
    int result = -1;
    auto outer = [](int &result) -> Task<void> { result = co_await depth(5000); };
    s.spawn(outer(result));
    QCOMPARE(result, 5000);
}

void TestScheduler::nestedExceptionsReachTheAwaiter()
{
    Scheduler s;
    QStringList log;
    auto outer = [](Scheduler &s, QStringList &log) -> Task<void> {
        try {
            (void)co_await passesThrough(s); // thrown two frames down, after a suspension
            log.append(u"no exception"_s);
        } catch (const DatabaseError &e) {
            log.append(stamp(e.message(), s.now()));
            log.append(e.kind() == DatabaseError::Kind::Locked ? u"locked"_s : u"other"_s);
        }
        try {
            co_await voidThrows(s);
            log.append(u"no exception"_s);
        } catch (const Error &e) {
            log.append(stamp(e.message(), s.now()));
        }
        // A task that threw does not poison the next one.
        log.append(QString::number(co_await doubledLater(s, 21, 0)));
    };
    s.spawn(outer(s, log));
    s.runUntil(100);
    QCOMPARE(log, (QStringList{u"the row is locked@7"_s, u"locked"_s, u"void task failed@10"_s,
                               u"42"_s}));
}

void TestScheduler::exceptionBeforeFirstSuspension()
{
    Scheduler s;
    QString caught;
    auto outer = [](QString &caught) -> Task<void> {
        try {
            (void)co_await throwsAtOnce();
        } catch (const CacheError &e) {
            caught = e.message();
        }
    };
    s.spawn(outer(caught));
    QCOMPARE(caught, u"refused"_s);
}

void TestScheduler::spawnedExceptionsGoToTheHandler()
{
    Scheduler s;
    QStringList errors;
    s.setErrorHandler([&](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const Error &error) {
            errors.append(stamp(error.message(), s.now()));
        }
    });
    s.spawn(voidThrows(s));
    s.spawn(rootThrowsAfter(s, 4, u"root failed"_s)); // a Root coroutine, spawned as it is
    auto crashes = [](Scheduler &s) -> Task<void> {
        co_await s.sleep(5);
        throw InstanceCrashed();
    };
    auto rootCrashes = [](Scheduler &s) -> Scheduler::Root {
        co_await s.sleep(6);
        throw InstanceCrashed();
    };
    s.spawn(crashes(s)); // work of a crashed instance just stops: nobody is told
    s.spawn(rootCrashes(s));
    s.runUntil(100);
    QCOMPARE(errors, (QStringList{u"void task failed@3"_s, u"root failed@4"_s}));
}

void TestScheduler::unspawnedRootNeverRuns()
{
    Scheduler s;
    QStringList log;
    int live = 0;
    {
        auto root = rootLogs(s, log, u"never"_s, 5, live);
        QCOMPARE(live, 0); // created suspended: its body has not begun
    }                      // dropped without being spawned: its frame is freed (ASan checks)
    QVERIFY(log.isEmpty());
    QVERIFY(s.idle());
    s.spawn(rootLogs(s, log, u"once"_s, 5, live));
    QCOMPARE(live, 1);
    s.runUntil(10);
    QCOMPARE(log, (QStringList{u"once starts@0"_s, u"once done@5"_s}));
    QCOMPARE(live, 0);
}

void TestScheduler::spawnAheadKeepsTheOrder_data()
{
    QTest::addColumn<bool>("eager");
    QTest::newRow("queued") << false;
    QTest::newRow("eager") << true;
}

void TestScheduler::spawnAheadKeepsTheOrder()
{
    // Requests take 10; they arrive at 5, 25, 30 and 40.
    QFETCH(bool, eager);
    Scheduler s;
    s.setEager(eager);
    QStringList log;
    int live = 0;
    s.spawn(arrivals(s, log, {5, 20, 5, 10}, 10, live));
    s.runWhile([] { return true; });
    // The same run in both modes; at 40 request 3 ends before arrival 4, as it would have with
    // plain spawns.
    QCOMPARE(log,
             (QStringList{u"arrival 1@5"_s, u"request 1 starts@5"_s, u"request 1 done@15"_s,
                          u"arrival 2@25"_s, u"request 2 starts@25"_s, u"arrival 3@30"_s,
                          u"request 3 starts@30"_s, u"request 2 done@35"_s, u"request 3 done@40"_s,
                          u"arrival 4@40"_s, u"request 4 starts@40"_s, u"request 4 done@50"_s}));
    QCOMPARE(live, 0);
    // Queued: 4 arrivals and 4 request ends are events. Eager: request 1 is over before
    // arrival 2, and nothing is due before arrivals 2 and 3, so none of those is an event.
    QCOMPARE(s.eventsRun(), eager ? std::uint64_t(5) : std::uint64_t(8));
}

void TestScheduler::coReturnOfAnLvalueCopies()
{
    Scheduler s;
    Holder holder;
    holder.map.insert(u"user:1"_s, u"Ann"_s);
    holder.numbers = {1, 2, 3};
    std::vector<int> outside{4, 5, 6};
    QString fromMap;
    std::vector<int> fromMember;
    std::vector<int> fromReference;
    auto outer = [](Holder &h, std::vector<int> &outside, QString &a, std::vector<int> &b,
                    std::vector<int> &c) -> Task<void> {
        a = co_await h.lookup(u"user:1"_s);
        b = co_await h.all();
        c = co_await returnsReference(outside);
    };
    s.spawn(outer(holder, outside, fromMap, fromMember, fromReference));
    QCOMPARE(fromMap, u"Ann"_s);
    QCOMPARE(holder.map.value(u"user:1"_s), u"Ann"_s); // QCoro 0.8 would have emptied it
    QCOMPARE(fromMember, (std::vector<int>{1, 2, 3}));
    QCOMPARE(holder.numbers, (std::vector<int>{1, 2, 3}));
    QCOMPARE(fromReference, (std::vector<int>{4, 5, 6}));
    QCOMPARE(outside, (std::vector<int>{4, 5, 6}));
}

void TestScheduler::aggregateArgumentsAsNamedLocals()
{
    int live = 0;
    QString out;
    {
        Scheduler s;
        s.spawn(passesNamedAggregate(s, live, out));
        QVERIFY(live > 0); // the aggregate is alive in the suspended frames
        s.runUntil(10);
        QCOMPARE(out, u"user:1=Ann"_s);
        QCOMPARE(live, 0); // each copy destroyed exactly once
    }
    QCOMPARE(live, 0);
}

// --- spawn and lifetime ---------------------------------------------------------------------

void TestScheduler::spawnRunsToFirstSuspension()
{
    Scheduler s;
    QStringList log;
    auto body = [](Scheduler &s, QStringList &log) -> Task<void> {
        log.append(u"started"_s);
        const int v = co_await doubledLater(s, 1, 0); // completes without suspending
        log.append(u"nested done " + QString::number(v));
        co_await s.sleep(10);
        log.append(stamp(u"resumed"_s, s.now()));
    };
    s.spawn(body(s, log));
    QCOMPARE(log, (QStringList{u"started"_s, u"nested done 2"_s}));
    QCOMPARE(s.pendingEvents(), std::size_t(1));
    QCOMPARE(s.nextEventTime(), 10);
    s.runUntil(10);
    QCOMPARE(log.last(), u"resumed@10"_s);
}

void TestScheduler::destroyedSchedulerFreesSuspendedCoroutines()
{
    int live = 0;
    auto s = std::make_unique<Scheduler>();
    SingleFlight<QString> flights(*s);
    (void)flights.start(u"k"_s); // a flight that will never land

    s->spawn(nestedHolder(*s, live));                   // suspended two frames deep, on a timer
    s->spawn(suspendedForever(live));                   // suspended on nothing at all
    s->spawn(joinFlightTracked(flights, u"k"_s, live)); // suspended on a SingleFlight
    s->spawn(holdsTracker(*s, live, 5));                // will finish before the end
    Tracker captured(live);
    s->callAt(1'000'000, [captured] {}); // a callback that never runs
    QCOMPARE(live, 2 + 1 + 1 + 1 + 2);

    s->runUntil(1500); // one finished, nestedHolder is in its second child
    QCOMPARE(live, 2 + 1 + 1 + 0 + 2);

    s.reset();
    QCOMPARE(live, 1); // only `captured` itself; no frame leaked (ASan checks the rest)
}

void TestScheduler::finishedCoroutinesFreeThemselves()
{
    int live = 0;
    Scheduler s;
    for (int i = 0; i < 100; ++i)
        s.spawn(holdsTracker(s, live, i % 7));
    s.runUntil(10);
    QCOMPARE(live, 0);
    QVERIFY(s.idle());
}

// --- timers --------------------------------------------------------------------------------

void TestScheduler::callAtAndCancel()
{
    Scheduler s;
    QStringList log;
    const auto a = s.callAt(10, [&] { log.append(stamp(u"a"_s, s.now())); });
    const auto b = s.callAt(20, [&] { log.append(stamp(u"b"_s, s.now())); });
    const auto c = s.callAt(30, [&] { log.append(stamp(u"c"_s, s.now())); });
    QVERIFY(a != b && b != c && a != c);
    s.cancel(b);
    s.cancel(b);      // twice: harmless
    s.cancel(987654); // unknown: harmless
    s.runUntil(100);
    QCOMPARE(log, (QStringList{u"a@10"_s, u"c@30"_s}));
    s.cancel(a); // after it ran: harmless
    const auto d = s.callAt(150, [&] { log.append(stamp(u"d"_s, s.now())); });
    QVERIFY(d != a);
    s.runUntil(200);
    QCOMPARE(log.last(), u"d@150"_s);
    QCOMPARE(log.size(), 3);
}

void TestScheduler::cancelledSlotReusedLater()
{
    // A cancelled timer's heap entry stays behind; a new timer that reuses its slot must still
    // run at its own time, not at the cancelled one's.
    Scheduler s;
    QStringList log;
    const auto early = s.callAt(100, [&] { log.append(stamp(u"cancelled"_s, s.now())); });
    s.cancel(early);
    s.callAt(200, [&] { log.append(stamp(u"reuser"_s, s.now())); });
    s.runUntil(150);
    QVERIFY(log.isEmpty());
    s.runUntil(250);
    QCOMPARE(log, QStringList{u"reuser@200"_s});
}

void TestScheduler::cancelFromInsideACallback()
{
    Scheduler s;
    QStringList log;
    Scheduler::TimerId victim = 0;
    s.callAt(10, [&] {
        log.append(u"first"_s);
        s.cancel(victim);
    });
    victim = s.callAt(10, [&] { log.append(u"victim"_s); });
    s.callAt(10, [&] { log.append(u"third"_s); });
    s.runUntil(10);
    QCOMPARE(log, (QStringList{u"first"_s, u"third"_s}));
}

// --- SingleFlight --------------------------------------------------------------------------

void TestScheduler::singleFlightJoinersGetTheLeadersValue()
{
    Scheduler s;
    SingleFlight<QString> flights(s);
    QStringList log;
    const auto flight = flights.start(u"user:1"_s);
    QCOMPARE(flights.inFlight(), 1);
    QCOMPARE(flights.find(u"user:1"_s), flight);
    QVERIFY(!flights.find(u"user:2"_s));
    for (int i = 0; i < 4; ++i)
        s.spawn(joinFlight(flights, u"user:1"_s, log, u"j%1"_s.arg(i), s));
    QVERIFY(log.isEmpty());
    s.callAt(50, [&] { flights.finish(u"user:1"_s, flight, u"Ann"_s); });
    s.runUntil(49);
    QVERIFY(log.isEmpty());
    s.runUntil(50);
    QCOMPARE(log, (QStringList{u"j0=Ann@50"_s, u"j1=Ann@50"_s, u"j2=Ann@50"_s, u"j3=Ann@50"_s}));
    QCOMPARE(flights.inFlight(), 0);
    QVERIFY(!flights.find(u"user:1"_s));
    QVERIFY(flight->waiters.empty());
}

void TestScheduler::singleFlightJoinersGetTheLeadersException()
{
    Scheduler s;
    SingleFlight<QString> flights(s);
    QStringList log;
    const auto flight = flights.start(u"user:1"_s);
    for (int i = 0; i < 3; ++i)
        s.spawn(joinFlight(flights, u"user:1"_s, log, u"j%1"_s.arg(i), s));
    s.callAt(50, [&] {
        flights.fail(
            u"user:1"_s, flight,
            std::make_exception_ptr(DatabaseError(DatabaseError::Kind::Unavailable, u"db down"_s)));
    });
    s.runUntil(100);
    QCOMPARE(log, (QStringList{u"j0!db down@50"_s, u"j1!db down@50"_s, u"j2!db down@50"_s}));
    QCOMPARE(flights.inFlight(), 0);
}

void TestScheduler::singleFlightJoinAfterLanding()
{
    Scheduler s;
    SingleFlight<QString> flights(s);
    QStringList log;
    const auto flight = flights.start(u"k"_s);
    flights.finish(u"k"_s, flight, u"v"_s);
    // Someone who still holds the flight joins late: no suspension, the value at once.
    auto late = [](std::shared_ptr<SingleFlight<QString>::Flight> flight, QStringList &log,
                   Scheduler &s) -> Task<void> {
        SingleFlight<QString>::Join join{flight};
        const QString v = co_await join;
        log.append(stamp(v, s.now()));
    };
    s.spawn(late(flight, log, s));
    QCOMPARE(log, QStringList{u"v@0"_s});
    QVERIFY(s.idle());
}

void TestScheduler::singleFlightNewFlightAfterLanding()
{
    // A flight that lands must not remove a newer flight of the same key.
    Scheduler s;
    SingleFlight<int> flights(s);
    const auto first = flights.start(u"k"_s);
    const auto second = flights.start(u"k"_s); // replaces it in the table
    flights.finish(u"k"_s, first, 1);
    QCOMPARE(flights.find(u"k"_s), second);
    flights.finish(u"k"_s, second, 2);
    QVERIFY(!flights.find(u"k"_s));
}

// --- seeded generators ----------------------------------------------------------------------

void TestScheduler::randomIsDeterministicForASeed()
{
    Random a(42), b(42), c(43);
    bool differs = false;
    for (int i = 0; i < 1000; ++i) {
        const quint64 x = a.next();
        QCOMPARE(b.next(), x);
        differs |= c.next() != x;
    }
    QVERIFY(differs);
    a.reseed(42);
    Random fresh(42);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(a.next(), fresh.next());
}

void TestScheduler::randomMatchesTheReference()
{
    // xoshiro256** seeded by splitmix64, computed independently (Python): the same numbers on
    // every machine and every standard library.
    Random one(1);
    QCOMPARE(one.next(), 0xb3f2af6d0fc710c5ULL);
    QCOMPARE(one.next(), 0x853b559647364ceaULL);
    QCOMPARE(one.next(), 0x92f89756082a4514ULL);
    Random answer(42);
    QCOMPARE(answer.next(), 0x15780b2e0c2ec716ULL);
    QCOMPARE(answer.next(), 0x6104d9866d113a7eULL);
    QCOMPARE(answer.next(), 0xae17533239e499a1ULL);
}

void TestScheduler::randomRanges()
{
    Random r(7);
    double sum = 0;
    for (int i = 0; i < 100000; ++i) {
        const double u = r.uniform();
        QVERIFY(u >= 0.0 && u < 1.0);
        sum += u;
        QVERIFY(r.below(10) < 10);
    }
    QVERIFY(qAbs(sum / 100000 - 0.5) < 0.01);
    QCOMPARE(r.below(0), quint64(0));
    QCOMPARE(r.below(1), quint64(0));
}

void TestScheduler::zipfIsDeterministicForASeed()
{
    const ZipfDistribution zipf(1000, 1.1);
    Random a(5), b(5), c(6);
    QList<int> first, second, third;
    for (int i = 0; i < 500; ++i) {
        first.append(zipf(a));
        second.append(zipf(b));
        third.append(zipf(c));
    }
    QCOMPARE(first, second);
    QVERIFY(first != third);
    for (int rank : std::as_const(first))
        QVERIFY(rank >= 0 && rank < 1000);
}

void TestScheduler::zipfProbabilities()
{
    const ZipfDistribution zipf(100, 1.0);
    QCOMPARE(zipf.size(), 100);
    double sum = 0;
    for (int r = 0; r < 100; ++r)
        sum += zipf.probability(r);
    QVERIFY(qAbs(sum - 1.0) < 1e-12);
    double harmonic = 0;
    for (int k = 1; k <= 100; ++k)
        harmonic += 1.0 / k;
    QVERIFY(qAbs(zipf.probability(0) - 1.0 / harmonic) < 1e-12);
    QVERIFY(qAbs(zipf.probability(9) - zipf.probability(0) / 10) < 1e-12); // 1/(r+1)^s
    for (int r = 1; r < 100; ++r)
        QVERIFY(zipf.probability(r) < zipf.probability(r - 1));
    QCOMPARE(zipf.probability(-1), 0.0);
    QCOMPARE(zipf.probability(100), 0.0);

    const ZipfDistribution flat(4, 0.0);
    for (int r = 0; r < 4; ++r)
        QVERIFY(qAbs(flat.probability(r) - 0.25) < 1e-12);
    const ZipfDistribution single(1, 1.2);
    Random rnd(3);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(single(rnd), 0);
}

void TestScheduler::zipfDrawsAreTheInverseOfTheCdf()
{
    // The guide table must land exactly where a search of the CDF would, at the edges too.
    for (const auto &[n, s] :
         {std::pair{10'000, 0.99}, {1000, 1.1}, {7, 0.0}, {1, 1.0}, {300, 3.0}}) {
        const ZipfDistribution zipf(n, s);
        std::vector<double> cdf;
        for (int r = 0; r < n; ++r)
            cdf.push_back(zipf.cumulative(r));
        auto search = [&](double u) {
            return int(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
        };
        std::vector<double> probes{0.0, std::nextafter(1.0, 0.0)};
        for (int r = 0; r + 1 < n; ++r) {
            probes.push_back(cdf[std::size_t(r)]);
            probes.push_back(std::nextafter(cdf[std::size_t(r)], 0.0));
        }
        for (int j = 0; j <= n; ++j) // the guide's own bucket edges
            probes.push_back(std::min(std::nextafter(1.0, 0.0), double(j) / n));
        Random random(9);
        for (int i = 0; i < 20'000; ++i)
            probes.push_back(random.uniform());
        for (const double u : probes)
            QVERIFY2(zipf.rankAt(u) == search(u),
                     qPrintable(u"n=%1 s=%2 u=%3: %4, the CDF says %5"_s.arg(n)
                                    .arg(s)
                                    .arg(u, 0, 'g', 17)
                                    .arg(zipf.rankAt(u))
                                    .arg(search(u))));
    }
}

void TestScheduler::zipfFrequencies()
{
    const ZipfDistribution zipf(50, 1.0);
    Random r(11);
    std::vector<int> counts(50, 0);
    const int draws = 200000;
    for (int i = 0; i < draws; ++i)
        ++counts[std::size_t(zipf(r))];
    for (int rank : {0, 1, 4, 49}) {
        const double seen = double(counts[std::size_t(rank)]) / draws;
        QVERIFY2(
            qAbs(seen - zipf.probability(rank)) < 0.005,
            qPrintable(u"rank %1: %2 vs %3"_s.arg(rank).arg(seen).arg(zipf.probability(rank))));
    }
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
