// The measuring half of the desktop app, without its window: the live charts' model and panel,
// the comparison's table model and its worker thread, the diagram's thinning and the session
// log. Virtual time throughout; only the worker test waits for a real thread (QTRY_*).

#include <chartspanel.h>
#include <comparisonmodel.h>
#include <comparisonrunner.h>
#include <diagramthinner.h>
#include <metricschartmodel.h>
#include <sessionlog.h>

#include <lab/lab.h>
#include <workload/comparison.h>

#include <QChartView>
#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFont>
#include <QImage>
#include <QLocale>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cachelab;
using namespace cachelab::ui;

namespace {

LabConfig config(PatternKind kind)
{
    LabConfig c;
    c.pattern = kind;
    return c;
}

double at(const MetricsChartModel &m, int row, MetricsChartModel::Column c)
{
    return m.value(row, c);
}

TraceEvent message(quint64 id, quint64 op, TimeUs time, quint8 flags = NoFlags, bool result = false)
{
    TraceEvent e;
    e.id = id;
    e.opId = op;
    e.time = time;
    e.duration = 500;
    e.from = Participant::app(0);
    e.to = result ? Participant::app(0) : Participant::cache();
    e.kind = result ? EventKind::Return : EventKind::Call;
    e.verb = result ? Verb::Result : Verb::Get;
    e.flags = flags;
    e.key = QStringLiteral("item:1");
    return e;
}

// Operations of three messages each (GET, its reply, the result), `perSecond` of them a second
// of virtual time from `from` for `seconds`: what the thinner sees of a workload.
struct Feed
{
    quint64 nextId = 1;
    quint64 nextOp = 1;
    int drawn = 0;
    int total = 0;
    QSet<quint64> drawnOps;
    QSet<quint64> partialOps;

    void run(DiagramThinner &t, TimeUs from, double seconds, int perSecond, double speed,
             bool workload, quint8 flags = NoFlags)
    {
        const TimeUs gap = kSecond / perSecond;
        const TimeUs frame = TimeUs(16'000 * speed); // 60 frames a second of wall time
        TimeUs nextFrame = from + frame;
        for (TimeUs now = from; now < from + TimeUs(seconds * double(kSecond)); now += gap) {
            const quint64 op = nextOp++;
            int mine = 0;
            for (int i = 0; i < 3; ++i) {
                const bool last = i == 2;
                ++total;
                if (t.accept(
                        message(nextId++, op, now + i, last ? flags : quint8(NoFlags), last))) {
                    ++drawn;
                    ++mine;
                }
            }
            if (mine == 3)
                drawnOps.insert(op);
            else if (mine > 0)
                partialOps.insert(op);
            while (now >= nextFrame) {
                t.update(nextFrame, speed, workload);
                nextFrame += frame;
            }
        }
    }
};

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chartModelFollowsAKnownRun();
    void chartModelShowsQueueAndLostWrites();
    void chartModelIsBounded();
    void chartsPanelDrawsTheModel();
    void chartsLeaveGapsWhereNothingHappened();
    void comparisonTable();
    void comparisonTableLeavesOutTheCancelledPattern();
    void comparisonWorkerFinishes();
    void comparisonWorkerCanBeCancelled();
    void comparisonRunnerGoesAwayMidRun();
    void thinnerKeepsWholeOperations();
    void thinnerNeverThinsWithoutAWorkload();
    void thinnerDrawsRedWithinABudget();
    void sessionLogWritesScenarioLines();
    void sessionLogIsBounded();
};

void TestCharts::chartModelFollowsAKnownRun()
{
    // The core sampler test's run, seen through the chart model: reads 10 ms apart of one key
    // for half a second; the first six miss (until the first SETEX lands at 51.5 ms).
    Lab lab(config(PatternKind::CacheAside));
    lab.databaseSeed(1);
    MetricsChartModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy sampled(&model, &MetricsChartModel::sampled);
    model.setLab(&lab);
    QCOMPARE(model.rowCount(), 1); // at t = 0
    for (int i = 0; i < 50; ++i) {
        lab.start(Operation::Kind::Read, 0, QStringLiteral("item:1"));
        lab.advance(10 * kMillisecond);
        model.sampleIfDue(); // as the GUI's frames do
    }
    QCOMPARE(model.rowCount(), 6); // 0, 100, …, 500 ms
    QCOMPARE(sampled.count(), 6);
    QCOMPARE(model.columnCount(), int(MetricsChartModel::ColumnCount));
    const int last = model.rowCount() - 1;
    QCOMPARE(at(model, last, MetricsChartModel::Time), 0.5);
    QCOMPARE(at(model, last, MetricsChartModel::HitRatio), 88.0); // 44 hits in 50 lookups
    QCOMPARE(at(model, last, MetricsChartModel::ReadP50), 1.0);   // a hit: one cache round trip
    QCOMPARE(at(model, last, MetricsChartModel::ReadP99), 52.0);  // GET + SELECT + SETEX
    QCOMPARE(at(model, last, MetricsChartModel::DbReadsPerSecond), 12.0);
    QCOMPARE(at(model, last, MetricsChartModel::DbWritesPerSecond), 0.0);
    QCOMPARE(at(model, last, MetricsChartModel::StaleReads), 0.0);
    // At 100 ms the six misses had finished and four hits: a hit ratio of 4 in 10.
    QCOMPARE(at(model, 1, MetricsChartModel::HitRatio), 40.0);
    QCOMPARE(model.index(last, MetricsChartModel::HitRatio).data().toString(),
             QLocale().toString(88.0, 'f', 1));
    QCOMPARE(model.index(last, MetricsChartModel::Time).data(Qt::EditRole).toDouble(), 0.5);
    QVERIFY(!model.headerData(MetricsChartModel::ReadP99, Qt::Horizontal).toString().isEmpty());

    // The series: the hit ratio has no point at t = 0 (nothing had finished), the rates have.
    const QList<QPointF> hits = model.points(MetricsChartModel::HitRatio);
    QCOMPARE(hits.size(), 5);
    QCOMPARE(hits.front(), QPointF(0.1, 40.0));
    QCOMPARE(hits.back(), QPointF(0.5, 88.0));
    QCOMPARE(model.points(MetricsChartModel::DbReadsPerSecond).size(), 6);
    QCOMPARE(model.points(MetricsChartModel::DbReadsPerSecond, 0.35).size(), 2);

    // No new sample within an interval, one once it has passed.
    QVERIFY(!model.sampleIfDue());
    lab.advance(50 * kMillisecond);
    QVERIFY(!model.sampleIfDue());
    lab.advance(50 * kMillisecond);
    QVERIFY(model.sampleIfDue());
    QCOMPARE(model.rowCount(), 7);

    // A new lab: the rows start over.
    Lab other(config(PatternKind::WriteThrough));
    model.setLab(&other);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.lastSeconds(), 0.0);
}

void TestCharts::chartModelShowsQueueAndLostWrites()
{
    LabConfig c = config(PatternKind::WriteBehind);
    c.options.flush = 10 * kSecond;
    Lab lab(c);
    MetricsChartModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLab(&lab);
    for (int i = 1; i <= 3; ++i)
        lab.start(Operation::Kind::Write, 0, QStringLiteral("score:%1").arg(i), "10");
    lab.advance(200 * kMillisecond);
    model.sampleNow();
    QCOMPARE(at(model, model.rowCount() - 1, MetricsChartModel::QueueDepth), 3.0);
    QCOMPARE(at(model, model.rowCount() - 1, MetricsChartModel::WriteP50), 1.0);
    QCOMPARE(at(model, model.rowCount() - 1, MetricsChartModel::LostWrites), 0.0);
    lab.crash(0); // the volatile queue dies with the instance
    lab.advance(100 * kMillisecond);
    model.sampleNow();
    QCOMPARE(at(model, model.rowCount() - 1, MetricsChartModel::QueueDepth), 0.0);
    QCOMPARE(at(model, model.rowCount() - 1, MetricsChartModel::LostWrites), 3.0);
}

void TestCharts::chartModelIsBounded()
{
    Lab lab(config(PatternKind::CacheAside));
    MetricsChartModel model;
    model.setLab(&lab);
    for (int i = 0; i < MetricsChartModel::kCapacity + 245; ++i) {
        lab.advance(MetricsChartModel::kInterval);
        model.sampleIfDue();
    }
    // The tester checks the whole model at every change: it watches the last few only.
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 5; ++i) {
        lab.advance(MetricsChartModel::kInterval);
        model.sampleIfDue();
    }
    QCOMPARE(model.rowCount(), MetricsChartModel::kCapacity);
    // The oldest went: the first row is 251 intervals in.
    QCOMPARE(at(model, 0, MetricsChartModel::Time), 25.1);
    QCOMPARE(model.lastSeconds(), (MetricsChartModel::kCapacity + 250) * 0.1);
}

void TestCharts::chartsPanelDrawsTheModel()
{
    Lab lab(config(PatternKind::CacheAside));
    lab.databaseSeed(10);
    MetricsChartModel model;
    ChartsPanel panel(&model);
    panel.resize(900, 300);
    model.setLab(&lab);
    for (int i = 0; i < 900; ++i) { // 90 s: more than the panel's 60 s window
        lab.start(Operation::Kind::Read, 0, QStringLiteral("item:%1").arg(1 + i % 10));
        lab.advance(100 * kMillisecond);
        model.sampleIfDue();
    }
    panel.redraw();
    const QList<QPointF> shown = panel.shownPoints(ChartsPanel::HitRatioChart, 0);
    const QList<QPointF> expected = model.points(
        MetricsChartModel::HitRatio, model.lastSeconds() - ChartsPanel::kVisibleSeconds);
    QCOMPARE(shown, expected);
    QVERIFY(shown.front().x() >= 30.0 - 1e-9);
    QCOMPARE(shown.back().y(), 100.0); // every key cached long ago
    QCOMPARE(panel.shownPoints(ChartsPanel::ReadLatencyChart, 2).size(), expected.size());
    // Replay: the same panel on another model, cut at a moment.
    panel.setUntil(45.0);
    panel.redraw();
    QVERIFY(panel.shownPoints(ChartsPanel::HitRatioChart, 0).back().x() <= 45.0);

    QTemporaryDir dir;
    QVERIFY(!panel.saveChart(ChartsPanel::ReadLatencyChart, dir.filePath(QStringLiteral("c.png"))));
    QVERIFY(!panel.saveAll(dir.filePath(QStringLiteral("all.png"))));
    QCOMPARE(QImage(dir.filePath(QStringLiteral("all.png"))).size(), panel.size());
    QVERIFY(!QImage(dir.filePath(QStringLiteral("c.png"))).isNull());
    QVERIFY(panel.saveAll(dir.filePath(QStringLiteral("no/such/folder/x.png"))));
}

void TestCharts::chartsLeaveGapsWhereNothingHappened()
{
    Lab lab(config(PatternKind::CacheAside));
    lab.databaseSeed(10);
    MetricsChartModel model;
    ChartsPanel panel(&model);
    panel.resize(900, 300);
    model.setLab(&lab);
    const auto readFor = [&](int tenths) {
        for (int i = 0; i < tenths; ++i) {
            lab.start(Operation::Kind::Read, 0, QStringLiteral("item:%1").arg(1 + i % 10));
            lab.advance(100 * kMillisecond);
            model.sampleIfDue();
        }
    };
    readFor(100);                   // 10 s of reads,
    for (int i = 0; i < 100; ++i) { // 10 s of nothing,
        lab.advance(100 * kMillisecond);
        model.sampleIfDue();
    }
    readFor(100); // and reads again
    panel.redraw();

    // The hit ratio is undefined while nobody reads: two runs, nothing drawn in between.
    const QList<QList<QPointF>> runs = panel.shownSegments(ChartsPanel::HitRatioChart, 0);
    QCOMPARE(runs.size(), 2);
    QVERIFY2(
        runs[0].back().x() <= 11.0 && runs[1].front().x() >= 20.0,
        qPrintable(QStringLiteral("%1 .. %2").arg(runs[0].back().x()).arg(runs[1].front().x())));
    for (const QPointF &p : runs[1])
        QVERIFY(p.y() > 0); // the keys are still cached when the reads come back
    // Database load is a real zero when idle: one unbroken line.
    QCOMPARE(panel.shownSegments(ChartsPanel::DatabaseChart, 0).size(), 1);

    // Only a pattern with a queue shows the queue's chart.
    panel.show();
    panel.setQueueShown(false);
    QVERIFY(!panel.view(ChartsPanel::QueueChart)->isVisible());
    QVERIFY(panel.view(ChartsPanel::AnomaliesChart)->isVisible());
    panel.setQueueShown(true);
    QVERIFY(panel.view(ChartsPanel::QueueChart)->isVisible());
}

void TestCharts::comparisonTable()
{
    // Ten reads of one key, a second apart: every pattern's figures can be worked out by hand.
    WorkloadSpec w;
    w.requests = 10;
    w.keys = 1;
    w.writeRatio = 0;
    w.rate = 1;
    const Comparison c = compare(w);
    QCOMPARE(c.results.size(), qsizetype(std::size(kAllPatterns)));

    ComparisonModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setComparison(c);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(model.columnCount(), int(ComparisonModel::ColumnCount));
    const auto text = [&](int row, ComparisonModel::Column col) {
        return model.index(row, col).data().toString();
    };
    const QLocale l;
    // Cache-aside: one cold miss (GET 1 ms + SELECT 50 ms + SETEX 1 ms), nine hits of 1 ms;
    // the crash halfway loses nothing the shared cache holds.
    QCOMPARE(text(0, ComparisonModel::Pattern), QStringLiteral("Cache-aside"));
    QCOMPARE(text(0, ComparisonModel::HitRatio),
             QStringLiteral("%1 %").arg(l.toString(90.0, 'f', 1)));
    QCOMPARE(text(0, ComparisonModel::ReadP50),
             QStringLiteral("%1 ms").arg(l.toString(1.0, 'f', 1)));
    QCOMPARE(text(0, ComparisonModel::ReadP99),
             QStringLiteral("%1 ms").arg(l.toString(52.0, 'f', 1)));
    QCOMPARE(text(0, ComparisonModel::DbReadsPerThousand), l.toString(100.0, 'f', 1));
    QCOMPARE(text(0, ComparisonModel::LostWrites), QStringLiteral("0"));
    QCOMPARE(model.index(0, ComparisonModel::HitRatio).data(ComparisonModel::NumberRole).toDouble(),
             0.9);
    // The textbook beside each measured column, in its own words; "—" where it is silent.
    QCOMPARE(text(0, ComparisonModel::TextbookRead), QStringLiteral("Medium (miss penalty)"));
    QCOMPARE(text(0, ComparisonModel::TextbookConsistency), QStringLiteral("Eventual"));
    QCOMPARE(text(1, ComparisonModel::TextbookConsistency), QStringLiteral("Strong"));
    QCOMPARE(text(2, ComparisonModel::TextbookWrite), QStringLiteral("Very Low"));
    QCOMPARE(text(5, ComparisonModel::Pattern), QStringLiteral("Multi-level"));
    QCOMPARE(text(5, ComparisonModel::TextbookRead), QStringLiteral("—"));
    QVERIFY(ComparisonModel::isTextbook(ComparisonModel::TextbookRead));
    QVERIFY(!ComparisonModel::isTextbook(ComparisonModel::ReadP50));
    QVERIFY(
        model.index(0, ComparisonModel::TextbookRead).data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(
        !model.index(0, ComparisonModel::TextbookRead).data(ComparisonModel::NumberRole).isValid());
    // Every row agrees with core's result it shows.
    for (int r = 0; r < model.rowCount(); ++r) {
        const SimulationResult &res = c.results[r];
        QCOMPARE(model.number(r, ComparisonModel::ReadP99), double(res.readP99) / 1000.0);
        QCOMPARE(model.number(r, ComparisonModel::StaleReadRate), staleReadRate(res));
        QCOMPARE(model.number(r, ComparisonModel::DbWritesPerThousand),
                 perThousand(res, QStringLiteral("db.writes")));
    }
    QCOMPARE(model.headerData(ComparisonModel::TextbookRead, Qt::Horizontal).toString(),
             QStringLiteral("Textbook:\nread latency"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestCharts::comparisonTableLeavesOutTheCancelledPattern()
{
    WorkloadSpec w;
    w.requests = 20'000;
    const Comparison c = compare(w, {}, [](double share) { return share < 0.3; });
    QVERIFY(c.cancelled);
    ComparisonModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setComparison(c);
    QCOMPARE(model.rowCount(), int(c.results.size()) - 1);
    QCOMPARE(model.rowCount(), 2); // cache-aside and write-through finished before 30 %
}

void TestCharts::comparisonWorkerFinishes()
{
    ComparisonRunner runner;
    QSignalSpy progress(&runner, &ComparisonRunner::progress);
    QSignalSpy finished(&runner, &ComparisonRunner::finished);
    WorkloadSpec w;
    w.requests = 5'000;
    w.keys = 100;
    QVERIFY(runner.start(w, {{QStringLiteral("ttl"), QStringLiteral("30s")}}));
    QVERIFY(runner.running());
    QVERIFY(!runner.start(w)); // one at a time
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60'000);
    QVERIFY(!runner.running());
    const auto c = finished.front().front().value<Comparison>();
    QVERIFY(!c.cancelled);
    QCOMPARE(c.results.size(), qsizetype(std::size(kAllPatterns)));
    QCOMPARE(c.results.front().requests, qint64(5'000));
    QVERIFY(progress.count() > 10);
    QCOMPARE(progress.back().front().toDouble(), 1.0);
    // The same workload on this thread gives the same figures: the worker used its own labs.
    const Comparison here = compare(w, {{QStringLiteral("ttl"), QStringLiteral("30s")}});
    QCOMPARE(c.toCsv(), here.toCsv());
    // And it runs again.
    QVERIFY(runner.start(w));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60'000);
}

void TestCharts::comparisonWorkerCanBeCancelled()
{
    ComparisonRunner runner;
    QSignalSpy progress(&runner, &ComparisonRunner::progress);
    QSignalSpy finished(&runner, &ComparisonRunner::finished);
    WorkloadSpec w;
    w.requests = 5'000'000; // a minute or more if it were not cancelled
    QVERIFY(runner.start(w));
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 60'000); // under way
    runner.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60'000);
    const auto c = finished.front().front().value<Comparison>();
    QVERIFY(c.cancelled);
    QVERIFY(c.results.size() < qsizetype(std::size(kAllPatterns)));
    QVERIFY(progress.back().front().toDouble() < 1.0);
    QVERIFY(!runner.running());
}

void TestCharts::comparisonRunnerGoesAwayMidRun()
{
    // Closing the window mid-run: the runner cancels and waits for its thread, briefly.
    auto runner = std::make_unique<ComparisonRunner>();
    QSignalSpy progress(runner.get(), &ComparisonRunner::progress);
    WorkloadSpec w;
    w.requests = 5'000'000;
    QVERIFY(runner->start(w));
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1, 60'000);
    QElapsedTimer clock;
    clock.start();
    runner.reset();
    QVERIFY2(clock.elapsed() < 5'000, qPrintable(QString::number(clock.elapsed())));
}

void TestCharts::thinnerKeepsWholeOperations()
{
    DiagramThinner t;
    Feed feed;
    // 100 operations a second at 1x: 300 messages a second, fifteen times too many.
    feed.run(t, 0, 0.5, 100, 1.0, true);
    feed.run(t, kSecond / 2, 3.0, 100, 1.0, true);
    QVERIFY(t.thinning());
    QCOMPARE(t.keepOneIn(), 20); // 300 / 20 = 15 a second, the first "nice" N above 15
    QVERIFY(std::abs(t.rate() - 300.0) < 5);
    // Whatever was drawn was drawn whole: no call without its result.
    QVERIFY2(feed.partialOps.isEmpty(), qPrintable(QString::number(feed.partialOps.size())));
    QVERIFY(feed.drawnOps.size() < 100);
    QVERIFY(t.skipped() > 0);
    // Slower: 1 in 5 (60 a second), then every message again below the readable rate.
    Feed slow;
    slow.nextId = feed.nextId;
    slow.nextOp = feed.nextOp;
    slow.run(t, 4 * kSecond, 3.0, 30, 1.0, true);
    QCOMPARE(t.keepOneIn(), 5);
    slow.run(t, 7 * kSecond, 3.0, 4, 1.0, true);
    QVERIFY(!t.thinning());
    QVERIFY(slow.partialOps.isEmpty());
    // The same stream at a tenth of the speed is readable: 30 messages a second.
    DiagramThinner slowed;
    Feed tenth;
    tenth.run(slowed, 0, 3.0, 100, 0.1, true);
    QCOMPARE(slowed.keepOneIn(), 2);
}

void TestCharts::thinnerNeverThinsWithoutAWorkload()
{
    // A burst by hand or a scenario: every message, however many.
    DiagramThinner t;
    Feed feed;
    feed.run(t, 0, 2.0, 200, 1.0, false);
    QVERIFY(!t.thinning());
    QCOMPARE(feed.drawn, feed.total);
    QVERIFY(t.rate() > 500);
    t.reset();
    QCOMPARE(t.rate(), 0.0);
}

void TestCharts::thinnerDrawsRedWithinABudget()
{
    DiagramThinner t;
    Feed quiet;
    quiet.run(t, 0, 2.0, 100, 1.0, true);
    QVERIFY(t.thinning());
    // Every result red for two seconds: the red ones of operations not drawn come through,
    // a few a second, not all of them.
    Feed red;
    red.nextId = quiet.nextId;
    red.nextOp = quiet.nextOp;
    red.run(t, 2 * kSecond, 2.0, 100, 1.0, true, Stale);
    const int wholeOps = int(red.drawnOps.size());
    const int redOnly = int(red.partialOps.size());
    QVERIFY2(redOnly > 0, "red messages of operations not drawn are drawn");
    QVERIFY2(redOnly <= int(2 * DiagramThinner::kExtraRate) + 7,
             qPrintable(QString::number(redOnly)));
    QVERIFY(wholeOps + redOnly < 200);
    // Background work (no operation) is drawn within the same budget.
    TraceEvent flush = message(red.nextId++, 0, 4 * kSecond + 300'000, Background);
    QVERIFY(t.accept(flush));
}

void TestCharts::sessionLogWritesScenarioLines()
{
    LabConfig c = config(PatternKind::WriteBehind);
    c.clients = 2;
    c.options.flush = 2 * kSecond;
    Lab lab(c);
    SessionLog log;
    log.reset(c);
    log.operation(0, Operation::Kind::Write, 0, QStringLiteral("user:1"), "Ann");
    scenario::Command read;
    read.type = scenario::Command::Type::Read;
    read.client = 1;
    read.key = QStringLiteral("user:1");
    log.command(300 * kMillisecond, read);
    scenario::Command wait;
    wait.type = scenario::Command::Type::Wait;
    wait.duration = kSecond;
    log.command(300 * kMillisecond, wait); // not recorded: time is in the next line's time
    log.cacheFailing(kSecond, true);
    log.cacheFailing(1500 * kMillisecond, false);
    log.crash(2 * kSecond, 1);
    log.databasePut(2 * kSecond, QStringLiteral("user:2"), "Bob");
    log.databaseSeed(2 * kSecond, 5);
    QCOMPARE(log.size(), 7);
    lab.advance(3 * kSecond);
    const auto session = log.session(lab);
    QVERIFY(std::holds_alternative<Session>(session));
    const QString text = std::get<Session>(session).scenario;
    QVERIFY2(text.contains(QStringLiteral("pattern write-behind flush=2s\nclients 2\n")),
             qPrintable(text));
    QVERIFY2(
        text.contains(QStringLiteral("\nspawn write user:1 Ann\nwait 300000us\nas B spawn read "
                                     "user:1\nwait 700000us\nfail cache\nwait 500000us\n"
                                     "recover cache\nwait 500000us\nas B crash\n"
                                     "db put user:2 Bob\ndb seed 5\nwait 1000000us\n")),
        qPrintable(text));
    QCOMPARE(std::get<Session>(session).duration, 3 * kSecond);
    // It is a session core reads back.
    QVERIFY(std::holds_alternative<Session>(
        sessionFromJson(sessionToJson(std::get<Session>(session)))));

    // A value a scenario line cannot carry: the session cannot be saved, and says why.
    log.operation(3 * kSecond, Operation::Kind::Write, 0, QStringLiteral("user:3"), " padded ");
    const auto refused = log.session(lab);
    QVERIFY(std::holds_alternative<QString>(refused));
    QVERIFY2(std::get<QString>(refused).contains(QStringLiteral("user:3")),
             qPrintable(std::get<QString>(refused)));
}

void TestCharts::sessionLogIsBounded()
{
    LabConfig c = config(PatternKind::CacheAside);
    Lab lab(c);
    SessionLog log;
    log.reset(c);
    const QString key = QStringLiteral("item:1");
    for (qsizetype i = 0; i < SessionLog::kMaxEntries + 10; ++i)
        log.operation(TimeUs(i) * 10, Operation::Kind::Read, 0, key, {});
    QCOMPARE(log.size(), SessionLog::kMaxEntries);
    QVERIFY(log.full());
    QCOMPARE(log.fullAt(), TimeUs(SessionLog::kMaxEntries) * 10 - 1);
    lab.advance(TimeUs(SessionLog::kMaxEntries) * 20);
    const auto session = log.session(lab);
    QVERIFY(std::holds_alternative<Session>(session));
    QCOMPARE(std::get<Session>(session).duration, log.fullAt());
}

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
