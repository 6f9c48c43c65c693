// The desktop app under the offscreen platform: the diagram, the state panels and the
// controller, driven in virtual time by the test (no wall-clock waits), plus the real
// `cachelab` binary for --screenshot.

#include <cachelisting.h>
#include <cachemodels.h>
#include <chartspanel.h>
#include <comparisonmodel.h>
#include <comparisonwindow.h>
#include <delegates.h>
#include <diagramexport.h>
#include <diagramview.h>
#include <labcontroller.h>
#include <mainwindow.h>
#include <measure/tradeoffswindow.h>
#include <metricschartmodel.h>
#include <replaycontroller.h>
#include <settingsdialog.h>
#include <theme.h>
#include <workloadform.h>
#include <workloadpanel.h>
#include <workmodels.h>

#include <session/session.h>

#include <scenario/runner.h>

#include "redisserver.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QAreaSeries>
#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>

using namespace cachelab;
using namespace cachelab::ui;

namespace {

QString scenarioPath(const char *name)
{
    return QDir(QString::fromUtf8(CACHELAB_SCENARIO_DIR)).filePath(QString::fromUtf8(name));
}

// What identifies a message for comparing two runs.
QString fingerprint(const TraceEvent &e)
{
    return QStringLiteral("%1 %2 %3>%4 %5 k=%6 v=%7 f=%8 n=%9")
        .arg(e.time)
        .arg(e.duration)
        .arg(participantName(e.from, 2), participantName(e.to, 2))
        .arg(int(e.verb))
        .arg(e.key)
        .arg(e.version)
        .arg(e.flags)
        .arg(e.number);
}

struct Testers
{
    explicit Testers(MainWindow &w)
    {
        for (QAbstractItemModel *m : std::initializer_list<QAbstractItemModel *>{
                 w.cacheModel(), w.databaseModel(), w.l1Model(), w.writeQueueModel(),
                 w.refreshQueueModel(), w.breakerModel()})
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                m, QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
};

// Everything the state panels show, cell by cell, with the red marks.
QStringList panels(MainWindow &w)
{
    w.refreshPanels();
    QStringList out;
    for (const QAbstractItemModel *m : std::initializer_list<const QAbstractItemModel *>{
             w.cacheModel(), w.databaseModel(), w.writeQueueModel(), w.l1Model(),
             w.breakerModel()}) {
        out << u"-- %1 rows"_qs.arg(m->rowCount());
        for (int r = 0; r < m->rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < m->columnCount(); ++c) {
                const QModelIndex i = m->index(r, c);
                cells << i.data().toString() +
                             (i.data(StateTableModel::DivergedRole).toBool() ? u"!"_qs : QString());
            }
            out << cells.join(u" | ");
        }
    }
    return out;
}

QStringList diagramFingerprints(const DiagramView &view)
{
    QStringList out;
    for (const TraceEvent &e : view.messages())
        out << u"%1 "_qs.arg(e.id) + fingerprint(e);
    return out;
}

// Moves the lab's virtual time on in frames of 100 ms, as the GUI would.
void advance(LabController &c, TimeUs d)
{
    for (TimeUs done = 0; done < d; done += 100 * kMillisecond)
        c.advanceBy(std::min<TimeUs>(100 * kMillisecond, d - done));
}

PatternOptions withOptions(PatternKind kind, const QStringList &words)
{
    PatternOptions options;
    for (const QString &w : words) {
        const auto eq = w.indexOf(u'=');
        const auto problem = applyOption(options, kind, w.left(eq), w.mid(eq + 1));
        if (problem)
            qFatal("%s", qPrintable(*problem));
    }
    return options;
}

} // namespace

class TestGui : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void coldReadDrawsTheWholeStory();
    void writeBehindEntriesLeaveAtTheFlush();
    void failuresLightTheOpenBreaker();
    void multiLevelShowsEveryL1();
    void scenarioPlaysLikeTheHeadlessRunner_data();
    void scenarioPlaysLikeTheHeadlessRunner();
    void steppingGivesTheSameTrace();
    void playingSkipsQuietTimeAndKeepsTheTrace();
    void historyIsBounded();
    void exports();
    void workloadPanelDrivesTheCurrentLab();
    void stoppingAWorkload();
    void replayShowsThePanelsAsTheyWere();
    void busyWorkloadReplaysMessageForMessage();
    void damagedSessionChangesNothing();
    void labBarRefusesWhatIsNotAnOptionList();
    void pausedOperationStaysPausedAndSteps();
    void closingAsksAboutUnsavedWork();
    void theFirstLabHasRowsToRead();
    void firstStartFitsTheScreen();
    void zoomWidensColumnsAndKeepsTheBars();
    void defaultDatabaseFileWorksOnAFreshMachine();
    void comparisonWindowRunsInTheBackground();
    void tradeoffCurvesGrowAndOpenARun();
    void germanCatalogue();
    void screenshotWritesPng();
    void screenshotsOfWorkloadComparisonAndReplay();
    void unreachableRedisExitsTwo();
    void settingsTakeADatabaseUrlAndTestIt();
    void redisModeNeverHoldsUpAFrame();
};

void TestGui::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings must not touch the user's
}

void TestGui::coldReadDrawsTheWholeStory()
{
    MainWindow window{AppSettings()};
    Testers testers(window);
    QVERIFY(!window.startLab(PatternKind::CacheAside,
                             withOptions(PatternKind::CacheAside, {u"ttl=30s"_qs})));
    LabController &c = *window.controller();
    c.setPlaying(false);
    QSignalSpy frames(&c, &LabController::stateChanged);

    c.databasePut(u"user:1"_qs, "Ann");
    const int before = window.diagram()->messageCount();
    c.startOperation(Operation::Kind::Read, 0, u"user:1"_qs);
    // 10 ms in: the SELECT (sent at 1 ms, 25 ms one way) is still on its way.
    c.advanceBy(10 * kMillisecond);
    QVERIFY(window.diagram()->travellingCount() >= 1);
    c.advanceBy(kSecond);
    QVERIFY(!frames.isEmpty());

    QList<Verb> verbs;
    const QList<TraceEvent> messages = window.diagram()->messages();
    for (qsizetype i = before; i < messages.size(); ++i)
        verbs.append(messages[i].verb);
    const QList<Verb> expected{Verb::Get, Verb::Miss, Verb::Select, Verb::Row,
                               Verb::Set, Verb::Ok,   Verb::Result};
    QCOMPARE(verbs, expected);
    QCOMPARE(describe(messages[before]), u"GET user:1"_qs);
    QCOMPARE(describe(messages[before + 4]), u"SETEX user:1 30s"_qs);
    QCOMPARE(window.diagram()->travellingCount(), 0);

    CacheModel &cache = *window.cacheModel();
    QCOMPARE(cache.rowCount(), 1);
    QCOMPARE(cache.index(0, CacheModel::Key).data().toString(), u"user:1"_qs);
    QCOMPARE(cache.index(0, CacheModel::Value).data().toString(), u"Ann"_qs);
    const double fraction =
        cache.index(0, CacheModel::Ttl).data(StateTableModel::FractionRole).toDouble();
    QVERIFY2(fraction > 0.9 && fraction <= 1.0, qPrintable(QString::number(fraction)));
    const qint64 left =
        cache.index(0, CacheModel::Ttl).data(StateTableModel::MicrosecondsRole).toLongLong();
    QVERIFY(left > 28 * kSecond && left < 30 * kSecond);
    // The bar runs down with time alone, and the row goes when the TTL ends.
    c.advanceBy(20 * kSecond);
    QVERIFY(cache.index(0, CacheModel::Ttl).data(StateTableModel::FractionRole).toDouble() < 0.35);
    c.advanceBy(10 * kSecond);
    QCOMPARE(cache.rowCount(), 0);
    QCOMPARE(window.databaseModel()->rowCount(), 1);
}

void TestGui::writeBehindEntriesLeaveAtTheFlush()
{
    MainWindow window{AppSettings()};
    Testers testers(window);
    QVERIFY(!window.startLab(
        PatternKind::WriteBehind,
        withOptions(PatternKind::WriteBehind, {u"flush=10s"_qs, u"batch=100"_qs})));
    LabController &c = *window.controller();
    c.setPlaying(false);
    for (int i = 1; i <= 3; ++i)
        c.startOperation(Operation::Kind::Write, 0, u"score:%1"_qs.arg(i),
                         QByteArray::number(i * 10));
    c.advanceBy(100 * kMillisecond);
    WriteQueueModel &queue = *window.writeQueueModel();
    QCOMPARE(queue.rowCount(), 3);
    QCOMPARE(queue.index(0, WriteQueueModel::Key).data().toString(), u"score:1"_qs);
    QCOMPARE(queue.flushes().size(), 1);
    QCOMPARE(queue.flushes()[0].queued, 3);
    QCOMPARE(window.databaseModel()->rowCount(), 0);
    // Unflushed writes: the cache is ahead of the database.
    QVERIFY(window.cacheModel()->index(0, 0).data(StateTableModel::DivergedRole).toBool());
    c.advanceBy(10 * kSecond);
    QCOMPARE(queue.rowCount(), 0);
    QCOMPARE(window.databaseModel()->rowCount(), 3);
    QVERIFY(!window.databaseModel()->index(0, 0).data(StateTableModel::DivergedRole).toBool());
}

void TestGui::failuresLightTheOpenBreaker()
{
    MainWindow window{AppSettings()};
    Testers testers(window);
    QVERIFY(!window.startLab(
        PatternKind::CircuitBreaker,
        withOptions(PatternKind::CircuitBreaker, {u"failures=3"_qs, u"open-timeout=10s"_qs})));
    LabController &c = *window.controller();
    c.setPlaying(false);
    c.databasePut(u"user:1"_qs, "Ann");
    c.setCacheFailing(true);
    BreakerModel &breaker = *window.breakerModel();
    for (int i = 0; i < 3; ++i) {
        c.startOperation(Operation::Kind::Read, 0, u"user:1"_qs);
        c.advanceBy(kSecond);
        if (i < 2)
            QCOMPARE(breaker.index(0, BreakerModel::State).data(StateTableModel::StateRole).toInt(),
                     int(BreakerState::Closed));
    }
    const QModelIndex state = breaker.index(0, BreakerModel::State);
    QCOMPARE(state.data(StateTableModel::StateRole).toInt(), int(BreakerState::Open));
    const qint64 trial =
        breaker.index(0, BreakerModel::Trial).data(StateTableModel::MicrosecondsRole).toLongLong();
    QVERIFY(trial > 7 * kSecond && trial <= 10 * kSecond);

    // The delegate lights the open state (the right-hand third) in red, and only that one.
    QImage image(300, 30, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    QStyleOptionViewItem option;
    option.rect = image.rect();
    option.palette = window.palette();
    option.font = window.font();
    BreakerDelegate().paint(&painter, option, state);
    painter.end();
    QCOMPARE(image.pixelColor(215, 15).rgb(), errorColor().rgb());
    QVERIFY(image.pixelColor(20, 15).rgb() != QColor(0x2E, 0x9E, 0x4F).rgb());

    // The diagram drew the breaker's change as a red note.
    bool redNote = false;
    for (const TraceEvent &e : window.diagram()->messages())
        redNote |= e.kind == EventKind::Note && e.from.role == Role::Breaker && (e.flags & Failure);
    QVERIFY(redNote);

    c.advanceBy(10 * kSecond);
    QCOMPARE(breaker.index(0, BreakerModel::State).data(StateTableModel::StateRole).toInt(),
             int(BreakerState::HalfOpen));
}

void TestGui::multiLevelShowsEveryL1()
{
    MainWindow window{AppSettings()};
    Testers testers(window);
    QVERIFY(!window.startLab(PatternKind::MultiLevel, {}, 2));
    LabController &c = *window.controller();
    c.setPlaying(false);
    c.databasePut(u"user:1"_qs, "Ann");
    c.startOperation(Operation::Kind::Read, 0, u"user:1"_qs);
    c.advanceBy(kSecond);
    c.startOperation(Operation::Kind::Read, 1, u"user:1"_qs);
    c.advanceBy(kSecond);
    QCOMPARE(window.l1Model()->rowCount(), 2);
    // Another system changes the row: every copy is now older than the truth.
    c.databasePut(u"user:1"_qs, "Bob");
    c.advanceBy(kMillisecond);
    QVERIFY(window.l1Model()->index(1, 0).data(StateTableModel::DivergedRole).toBool());
    QVERIFY(window.databaseModel()->index(0, 0).data(StateTableModel::DivergedRole).toBool());
}

void TestGui::scenarioPlaysLikeTheHeadlessRunner_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QString::fromUtf8(CACHELAB_SCENARIO_DIR));
    for (const QString &name : dir.entryList({u"*.cls"_qs}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestGui::scenarioPlaysLikeTheHeadlessRunner()
{
    QFETCH(QString, file);
    auto parsed = scenario::parseFile(file);
    QVERIFY(std::holds_alternative<scenario::Scenario>(parsed));
    const auto s = std::get<scenario::Scenario>(parsed);

    scenario::Runner headless(s);
    const scenario::RunResult expected = headless.run();
    QStringList want;
    for (const TraceEvent &e : headless.lab().trace().events())
        want.append(fingerprint(e));

    // The GUI's way: frames of uneven length, the scenario advanced between them.
    LabController c;
    QStringList got;
    connect(&c, &LabController::traceEvent, &c,
            [&](const TraceEvent &e) { got.append(fingerprint(e)); });
    QVERIFY(!c.loadScenario(s));
    const TimeUs frames[] = {700, 16'000, 3'000, 250'000, 1'000, 40'000};
    for (int i = 0; !c.scenarioFinished() && i < 100'000; ++i)
        c.advanceBy(frames[i % 6]);
    QVERIFY(c.scenarioFinished());
    QCOMPARE(c.runner()->result().ok(), expected.ok());
    QCOMPARE(c.runner()->result().passed, expected.passed);
    // Background timers may run on after the last command: compare what both recorded.
    QVERIFY2(got.size() >= want.size(), qPrintable(u"%1 < %2"_qs.arg(got.size()).arg(want.size())));
    got.resize(want.size());
    QCOMPARE(got, want);
}

void TestGui::steppingGivesTheSameTrace()
{
    auto parsed = scenario::parseFile(scenarioPath("write-behind-batching.cls"));
    const auto s = std::get<scenario::Scenario>(parsed);
    scenario::Runner headless(s);
    QVERIFY(headless.run().ok());
    QStringList want;
    for (const TraceEvent &e : headless.lab().trace().events())
        want.append(fingerprint(e));

    LabController c;
    QStringList got;
    connect(&c, &LabController::traceEvent, &c,
            [&](const TraceEvent &e) { got.append(fingerprint(e)); });
    QVERIFY(!c.loadScenario(s));
    int steps = 0;
    for (; !c.scenarioFinished() && steps < 10'000; ++steps) {
        const qsizetype before = got.size();
        const TimeUs t = c.now();
        const int command = c.commandIndex();
        c.step();
        // Each step shows a new message, lets one arrive, or moves the story on.
        QVERIFY(got.size() > before || c.now() > t || c.commandIndex() > command);
    }
    QVERIFY(c.scenarioFinished());
    QVERIFY(c.runner()->result().ok());
    QVERIFY(steps > want.size() / 2);
    got.resize(std::min(got.size(), want.size()));
    QCOMPARE(got, want);
}

void TestGui::playingSkipsQuietTimeAndKeepsTheTrace()
{
    // The real frame loop: the wall clock drives virtual time at 10x, and the 9 s of nothing
    // in this file are skipped. Same trace as the headless runner all the same.
    auto parsed = scenario::parseFile(scenarioPath("write-behind-batching.cls"));
    const auto s = std::get<scenario::Scenario>(parsed);
    scenario::Runner headless(s);
    QVERIFY(headless.run().ok());
    QStringList want;
    for (const TraceEvent &e : headless.lab().trace().events())
        want.append(fingerprint(e));

    LabController c;
    QStringList got;
    connect(&c, &LabController::traceEvent, &c,
            [&](const TraceEvent &e) { got.append(fingerprint(e)); });
    QSignalSpy skipped(&c, &LabController::quietTimeSkipped);
    QVERIFY(!c.loadScenario(s));
    c.setSpeed(10.0);
    c.setPlaying(true);
    QTRY_VERIFY_WITH_TIMEOUT(c.scenarioFinished(), 60'000);
    QVERIFY(!skipped.isEmpty());
    QVERIFY(c.runner()->result().ok());
    got.resize(std::min(got.size(), want.size()));
    QCOMPARE(got, want);
}

void TestGui::historyIsBounded()
{
    DiagramView view;
    view.resize(800, 600);
    view.reset({Participant::app(0), Participant::cache(), Participant::db()}, 1);
    for (int i = 1; i <= DiagramView::kHistory + 500; ++i) {
        TraceEvent e;
        e.id = quint64(i);
        e.time = i * 10;
        e.duration = 5;
        e.from = Participant::app(0);
        e.to = Participant::cache();
        e.verb = Verb::Get;
        e.key = u"k%1"_qs.arg(i);
        view.append(e);
    }
    QCOMPARE(view.messageCount(), DiagramView::kHistory);
    QCOMPARE(view.messages().front().id, quint64(501));
    QVERIFY(view.follow());
    view.selectMessage(600);
    QCOMPARE(view.selectedMessage()->key, u"k600"_qs);
}

void TestGui::exports()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.openScenario(scenarioPath("cache-aside-stampede.cls")));
    window.playToEnd();
    QTemporaryDir dir;
    QVERIFY(!exportDiagramSvg(*window.diagram(), dir.filePath(u"d.svg"_qs)));
    QVERIFY(!exportDiagramPng(*window.diagram(), dir.filePath(u"d.png"_qs)));
    QVERIFY(!exportDiagramMermaid(*window.controller()->lab(), dir.filePath(u"d.mmd"_qs)));
    QFile svg(dir.filePath(u"d.svg"_qs));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("GET product:42"));
    QImage png(dir.filePath(u"d.png"_qs));
    QVERIFY(!png.isNull() && png.height() > 1000);
    QFile mermaid(dir.filePath(u"d.mmd"_qs));
    QVERIFY(mermaid.open(QIODevice::ReadOnly));
    QVERIFY(mermaid.readAll().startsWith("sequenceDiagram"));
}

void TestGui::workloadPanelDrivesTheCurrentLab()
{
    MainWindow window{AppSettings()};
    Testers testers(window);
    QAbstractItemModelTester chartTester(window.chartModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!window.startLab(PatternKind::CacheAside));
    LabController &c = *window.controller();
    c.setPlaying(false);
    WorkloadPanel &panel = *window.workloadPanel();
    WorkloadSpec spec;
    spec.requests = 600;
    spec.rate = 200;
    spec.keys = 20;
    spec.writeRatio = 0.2;
    spec.seed = 3;
    spec.distribution.kind = KeyDistribution::Kind::Zipf;
    panel.form()->setSpec(spec);
    QCOMPARE(panel.form()->spec().requests, qint64(600));
    QCOMPARE(panel.form()->spec().distribution.kind, KeyDistribution::Kind::Zipf);
    QSignalSpy changed(&c, &LabController::workloadChanged);
    panel.startButton()->click();
    QVERIFY(c.workloadRunning());
    QVERIFY(c.playing()); // Start lets time run
    QCOMPARE(changed.count(), 1);
    QVERIFY(!panel.startButton()->isEnabled());
    QVERIFY(panel.stopButton()->isEnabled());
    // Pause is the controller's pause.
    panel.pauseButton()->click();
    QVERIFY(!c.playing());
    QCOMPARE(panel.pauseButton()->text(), u"Resume"_qs);
    // The requests' keys exist: the database was seeded as simulate() seeds it.
    window.refreshPanels();
    QCOMPARE(window.databaseModel()->rowCount(), 20);

    // 200 operations a second at 0.05x is about 40 messages a second of wall time: too many to
    // read, so the diagram thins and says so.
    advance(c, kSecond);
    QVERIFY(window.thinner().thinning());
    QVERIFY(!window.diagram()->banner().isEmpty());
    QVERIFY(window.diagram()->banner().contains(
        u"one operation in %1"_qs.arg(window.thinner().keepOneIn())));
    QVERIFY(window.thinner().skipped() > 0);
    advance(c, 3 * kSecond);
    QCOMPARE(c.workload()->issued(), qint64(600));
    QVERIFY(!c.workloadRunning());
    QCOMPARE(changed.count(), 2); // it ended by itself
    advance(c, kSecond);
    QVERIFY(!window.thinner().thinning());
    QVERIFY(window.diagram()->banner().isEmpty());
    panel.updateState();
    QVERIFY(panel.startButton()->isEnabled());

    // What the diagram drew, it drew whole: every operation it shows has all its messages
    // (or only red ones, drawn for being red).
    QHash<quint64, int> inTrace;
    for (const TraceEvent &e : c.lab()->trace().events())
        ++inTrace[e.opId];
    QHash<quint64, int> drawn;
    QHash<quint64, bool> allRed;
    for (const TraceEvent &e : window.diagram()->messages()) {
        if (e.opId == 0)
            continue;
        ++drawn[e.opId];
        allRed[e.opId] = allRed.value(e.opId, true) && (e.flags & (Stale | Lost | Failure));
    }
    QVERIFY(drawn.size() > 20);
    QVERIFY(drawn.size() < 600);
    for (auto it = drawn.cbegin(); it != drawn.cend(); ++it)
        QVERIFY2(it.value() == inTrace.value(it.key()) || allRed.value(it.key()),
                 qPrintable(u"operation %1: %2 of %3"_qs.arg(it.key())
                                .arg(it.value())
                                .arg(inTrace.value(it.key()))));

    // The charts followed, against virtual time.
    MetricsChartModel &chart = *window.chartModel();
    QVERIFY(chart.rowCount() >= 45);
    QCOMPARE(chart.lastSeconds(), double(c.now()) / double(kSecond));
    const QList<QPointF> hits = chart.points(MetricsChartModel::HitRatio);
    QVERIFY(!hits.isEmpty());
    QVERIFY2(hits.back().y() > 50, qPrintable(QString::number(hits.back().y())));
    window.chartsDock()->show();
    window.chartsPanel()->redraw();
    QCOMPARE(window.chartsPanel()->shownPoints(ChartsPanel::HitRatioChart, 0), hits);
}

void TestGui::stoppingAWorkload()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startLab(PatternKind::WriteBehind));
    LabController &c = *window.controller();
    WorkloadSpec spec;
    spec.requests = 100'000;
    spec.rate = 200;
    window.workloadPanel()->form()->setSpec(spec);
    QVERIFY(!window.workloadPanel()->start());
    c.setPlaying(false);
    QVERIFY(c.startWorkload(spec).has_value()); // one at a time
    advance(c, kSecond / 2);
    window.workloadPanel()->stopButton()->click();
    QVERIFY(!c.workloadRunning());
    const qint64 issued = c.workload()->issued();
    QVERIFY(issued > 50 && issued < 150);
    advance(c, kSecond);
    QCOMPARE(c.workload()->issued(), issued);
    QCOMPARE(c.lab()->inFlight(), 0); // those in flight finished
    // Started again at once: a new driver, the old one's coroutine ended safely.
    spec.requests = 10;
    QVERIFY(!c.startWorkload(spec));
    advance(c, kSecond);
    QCOMPARE(c.workload()->issued(), qint64(10));
    // A new lab while a workload runs: it goes with its lab.
    spec.requests = 1000;
    QVERIFY(!c.startWorkload(spec));
    advance(c, 100 * kMillisecond);
    QVERIFY(!window.startLab(PatternKind::CacheAside));
    QVERIFY(!c.workloadRunning());
    QVERIFY(!c.workload());
    advance(c, kSecond);
}

void TestGui::replayShowsThePanelsAsTheyWere()
{
    MainWindow window{AppSettings()};
    Testers testers(window);
    QVERIFY(!window.startLab(PatternKind::WriteBehind,
                             withOptions(PatternKind::WriteBehind, {u"flush=2s"_qs}), 2));
    LabController &c = *window.controller();
    c.setPlaying(false);
    // By hand, faults, another system, and a workload: everything a session records.
    c.startOperation(Operation::Kind::Write, 0, u"user:1"_qs, "Ann");
    advance(c, 300 * kMillisecond);
    c.startOperation(Operation::Kind::Read, 1, u"user:1"_qs);
    advance(c, 200 * kMillisecond);
    c.setCacheFailing(true);
    c.startOperation(Operation::Kind::Read, 0, u"user:2"_qs);
    advance(c, 100 * kMillisecond);
    c.setCacheFailing(false);
    c.databasePut(u"user:2"_qs, "Bob");
    WorkloadSpec spec;
    spec.requests = 40;
    spec.rate = 40;
    spec.keys = 10;
    spec.writeRatio = 0.3;
    spec.clients = 2;
    spec.seed = 7;
    QVERIFY(!c.startWorkload(spec));
    c.setPlaying(false);
    advance(c, 600 * kMillisecond);
    const TimeUs middle = c.now(); // the workload running, writes queued
    const QStringList atMiddle = panels(window);
    QVERIFY(window.writeQueueModel()->rowCount() > 0);
    advance(c, 300 * kMillisecond);
    c.crash(1);
    c.startOperation(Operation::Kind::Delete, 1, u"user:1"_qs);
    c.startOperation(Operation::Kind::Invalidate, 0, u"item:3"_qs);
    advance(c, 3 * kSecond);
    const TimeUs end = c.now();
    const QStringList atEnd = panels(window);
    const QStringList liveDiagram = diagramFingerprints(*window.diagram());
    QVERIFY(liveDiagram.size() > 100);
    Lab *live = c.lab();
    auto *clock = window.findChild<QLabel *>(u"clock"_qs);
    QVERIFY(clock);
    const QString liveClock = clock->text();

    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.cachelab.json"_qs);
    QVERIFY(!window.saveSession(path));
    QVERIFY(!window.openSession(path));
    ReplayController *replay = window.replay();
    QVERIFY(replay);
    QVERIFY2(replay->divergence().isEmpty(), qPrintable(replay->divergence()));
    QCOMPARE(replay->duration(), end);
    QCOMPARE(replay->position(), TimeUs(0));
    QVERIFY(!c.playing());

    replay->seek(end);
    QCOMPARE(panels(window), atEnd);
    QCOMPARE(diagramFingerprints(*window.diagram()), liveDiagram);
    replay->seek(middle); // back
    QCOMPARE(panels(window), atMiddle);
    replay->seek(end); // forward again, message by message
    QCOMPARE(panels(window), atEnd);
    QCOMPARE(diagramFingerprints(*window.diagram()), liveDiagram);
    // The replay's charts: the session's metrics up to now.
    QVERIFY(window.chartsPanel()->model() == replay->metrics());
    QVERIFY(replay->metrics()->rowCount() > 30);

    // Back to the live lab, as it was, from the middle of the replay: the clock too.
    replay->seek(middle);
    QVERIFY(clock->text() != liveClock);
    window.leaveReplay();
    QVERIFY(!window.replay());
    QCOMPARE(c.lab(), live);
    QCOMPARE(c.now(), end);
    QCOMPARE(clock->text(), liveClock);
    QCOMPARE(panels(window), atEnd);
    QVERIFY(window.chartsPanel()->model() == window.chartModel());
}

void TestGui::busyWorkloadReplaysMessageForMessage()
{
    // Hundreds of requests a second after a scenario: some arrive on the very microsecond of
    // another message. Live they must be issued as the replay will issue them (after the
    // instant's other messages), or the replay tells another story from there on.
    MainWindow window{AppSettings()};
    QVERIFY(!window.openScenario(scenarioPath("write-behind-batching.cls")));
    window.playToEnd();
    LabController &c = *window.controller();
    WorkloadSpec spec;
    spec.requests = 2'500;
    spec.rate = 500;
    spec.distribution.kind = KeyDistribution::Kind::Zipf;
    QVERIFY(!c.startWorkload(spec));
    c.setPlaying(false);
    advance(c, 6 * kSecond);
    QVERIFY(!c.workloadRunning());
    const QStringList atEnd = panels(window);
    const auto session = c.session();
    QVERIFY(std::holds_alternative<Session>(session));
    ReplayController replay(std::get<Session>(session));
    QVERIFY2(replay.divergence().isEmpty(), qPrintable(replay.divergence()));
    replay.seek(replay.duration());
    QCOMPARE(replay.lab().trace().total(), c.lab()->trace().total());
    QCOMPARE(replay.lab().metrics().total(Counter::CacheHits),
             c.lab()->metrics().total(Counter::CacheHits));
    QCOMPARE(replay.lab().metrics().total(Counter::StaleReads),
             c.lab()->metrics().total(Counter::StaleReads));
    QCOMPARE(panels(window), atEnd);
}

void TestGui::damagedSessionChangesNothing()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startLab(PatternKind::CacheAside));
    LabController &c = *window.controller();
    c.setPlaying(false);
    c.databasePut(u"user:1"_qs, "Ann");
    c.startOperation(Operation::Kind::Read, 0, u"user:1"_qs);
    advance(c, kSecond);
    const Lab *lab = c.lab();
    const TimeUs now = c.now();
    const quint64 messages = c.lab()->trace().total();
    const QStringList shown = panels(window);
    const QStringList diagram = diagramFingerprints(*window.diagram());
    const QString title = window.windowTitle();

    QTemporaryDir dir;
    const auto write = [&](const char *name, const QByteArray &bytes) {
        QFile f(dir.filePath(QString::fromLatin1(name)));
        f.open(QIODevice::WriteOnly);
        f.write(bytes);
        return f.fileName();
    };
    const QList<QPair<QString, QString>> cases{
        {write("cut.json", "{\"format\": \"cachelab-session\", \"version\": 1, \"scen"),
         u"not JSON"_qs},
        {write("foreign.json", "{\"format\": \"something-else\"}"), u"not a Cache Lab session"_qs},
        {write("bad.json", "{\"format\": \"cachelab-session\", \"version\": 1, \"duration_us\": 5,"
                           " \"scenario\": \"pattern cache-aside\\nreed x\\n\", \"trace\": {}}"),
         u"line 2"_qs},
        {dir.filePath(u"missing.json"_qs), u"Cannot read"_qs},
    };
    for (const auto &[file, says] : cases) {
        const auto error = window.openSession(file);
        QVERIFY2(error && error->contains(says), qPrintable(error.value_or(u"(no error)"_qs)));
        QVERIFY(!window.replay());
        QCOMPARE(c.lab(), lab);
        QCOMPARE(c.now(), now);
        QCOMPARE(c.lab()->trace().total(), messages);
        QCOMPARE(panels(window), shown);
        QCOMPARE(diagramFingerprints(*window.diagram()), diagram);
        QCOMPARE(window.windowTitle(), title);
    }
    // A damaged file while replaying another: the replay stays.
    const QString good = dir.filePath(u"good.json"_qs);
    QVERIFY(!window.saveSession(good));
    QVERIFY(!window.openSession(good));
    ReplayController *replay = window.replay();
    QVERIFY(window.openSession(cases.front().first));
    QCOMPARE(window.replay(), replay);
}

void TestGui::labBarRefusesWhatIsNotAnOptionList()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startLab(PatternKind::CacheAside, PatternOptions{}));
    auto *options = window.findChild<QLineEdit *>(u"labOptions"_qs);
    QVERIFY(options);
    const auto lab = [&] { return window.controller()->lab(); };
    const TimeUs ttlBefore = lab()->config().options.ttl;

    // The hint is the defaults, not a contradiction of them.
    QCOMPARE(options->placeholderText(), u"ttl=1h single-flight=off"_qs);

    // A word without "=": the status bar says which and how; the lab stays as it was.
    options->setText(u"ttl=5m single-flight"_qs);
    QTest::keyClick(options, Qt::Key_Return);
    QVERIFY2(window.statusBar()->currentMessage().contains(
                 u"\"single-flight\" is not an option setting"),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(options->toolTip(), window.statusBar()->currentMessage());
    QCOMPARE(lab()->config().options.ttl, ttlBefore);

    // A value the pattern refuses names the option.
    options->setText(u"ttl=soon"_qs);
    QTest::keyClick(options, Qt::Key_Return);
    QVERIFY2(window.statusBar()->currentMessage().contains(u"ttl"),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(lab()->config().options.ttl, ttlBefore);

    // A good list starts the lab with it.
    options->setText(u"ttl=5m  single-flight=on"_qs);
    QTest::keyClick(options, Qt::Key_Return);
    QCOMPARE(lab()->config().options.ttl, 5 * 60 * kSecond);
    QVERIFY(lab()->config().options.singleFlight);
}

void TestGui::pausedOperationStaysPausedAndSteps()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startLab(PatternKind::CacheAside, PatternOptions{}));
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    LabController &c = *window.controller();
    c.setPlaying(false);
    QSignalSpy shown(&c, &LabController::traceEvent);
    auto *key = window.findChild<QComboBox *>(u"operationKey"_qs);
    QVERIFY(key && key->lineEdit());
    key->setCurrentText(u"user:1"_qs);
    key->lineEdit()->setFocus();

    // Enter in the key field reads; the lab stays paused and says how to go on.
    QTest::keyClick(key->lineEdit(), Qt::Key_Return);
    QVERIFY(!c.playing());
    QVERIFY2(window.statusBar()->currentMessage().startsWith(u"Paused"),
             qPrintable(window.statusBar()->currentMessage()));
    const auto stepped = [&](auto press) {
        const qsizetype before = shown.count();
        const TimeUs t = c.now();
        press();
        return shown.count() > before || c.now() > t;
    };
    // A clicker's Page Down steps even while the key field has the focus.
    QVERIFY(stepped([&] { QTest::keyClick(key->lineEdit(), Qt::Key_PageDown); }));
    QVERIFY(!c.playing());
    // "." is typed into a field, and steps from anywhere else.
    QVERIFY(!stepped([&] { QTest::keyClick(key->lineEdit(), Qt::Key_Period); }));
    QCOMPARE(key->currentText(), u"user:1."_qs);
    window.diagram()->setFocus();
    QVERIFY(stepped([&] { QTest::keyClick(window.diagram(), Qt::Key_Period); }));
    QVERIFY(stepped([&] { QTest::keyClick(window.diagram(), Qt::Key_F6); }));
    QVERIFY(!c.playing());
}

void TestGui::closingAsksAboutUnsavedWork()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startLab(PatternKind::CacheAside, PatternOptions{}));
    window.show();
    // A fresh lab has nothing to lose: it closes without a question.
    QVERIFY(!window.controller()->hasUnsavedWork());
    QVERIFY(window.close());
    window.show();

    window.controller()->startOperation(Operation::Kind::Read, 0, u"user:1"_qs);
    QVERIFY(window.controller()->hasUnsavedWork());
    // The question comes; Cancel keeps the window, Discard closes it.
    const auto answer = [](QMessageBox::StandardButton button) {
        QTimer::singleShot(0, [button] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            QCOMPARE(box->objectName(), u"confirmClose"_qs);
            box->button(button)->click();
        });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!window.close());
    QVERIFY(window.isVisible());
    answer(QMessageBox::Discard);
    QVERIFY(window.close());
}

void TestGui::theFirstLabHasRowsToRead()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startExampleLab());
    LabController &c = *window.controller();
    QVERIFY(!c.hasUnsavedWork()); // nothing the user did
    // The keys the operations bar offers are there, except user:404, which is not on purpose.
    auto *key = window.findChild<QComboBox *>(u"operationKey"_qs);
    QVERIFY(key);
    QCOMPARE(key->currentText(), u"user:1"_qs);
    const quint64 id = c.startOperation(Operation::Kind::Read, 0, key->currentText());
    c.advanceBy(kSecond);
    const auto &read = c.lab()->lastRead(0);
    QVERIFY(read);
    QVERIFY(read->result.found);
    QCOMPARE(read->result.value, QByteArray("Ann"));
    QVERIFY(id > 0);
}

void TestGui::firstStartFitsTheScreen()
{
    QSettings().remove(u"window"_qs); // a first start
    MainWindow window{AppSettings()};
    QVERIFY(!window.startLab(PatternKind::CacheAside, PatternOptions{}));
    window.showOnScreen();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QRect available = window.screen()->availableGeometry();
    QVERIFY2(
        available.contains(window.frameGeometry()),
        qPrintable(u"%1x%2 at %3,%4 on a screen of %5x%6"_qs.arg(window.frameGeometry().width())
                       .arg(window.frameGeometry().height())
                       .arg(window.frameGeometry().x())
                       .arg(window.frameGeometry().y())
                       .arg(available.width())
                       .arg(available.height())));
    // The operations bar, at the bottom, is on the screen too.
    auto *operations = window.findChild<QToolBar *>(u"operations"_qs);
    QVERIFY(operations && operations->isVisible());
    QVERIFY(available.contains(QRect(operations->mapToGlobal(QPoint(0, 0)), operations->size())));
}

void TestGui::zoomWidensColumnsAndKeepsTheBars()
{
    MainWindow window{AppSettings()};
    QVERIFY(!window.startExampleLab());
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.controller()->advanceBy(kSecond);
    for (int i = 0; i < 4; ++i)
        window.diagram()->zoomIn();
    QCoreApplication::processEvents(); // the tables fit their columns once per pass
    QCoreApplication::processEvents();

    // Every header of the state tables is readable, not "us…" or "Versio".
    for (QTableView *table : window.findChildren<QTableView *>()) {
        if (!table->isVisible() || !table->model())
            continue;
        QHeaderView *header = table->horizontalHeader();
        for (int c = 0; c + 1 < header->count(); ++c) {
            const QString title = table->model()->headerData(c, Qt::Horizontal).toString();
            const int needed = QFontMetrics(header->font()).horizontalAdvance(title);
            QVERIFY2(
                header->sectionSize(c) >= needed,
                qPrintable(u"%1: %2 < %3"_qs.arg(title).arg(header->sectionSize(c)).arg(needed)));
        }
    }
    // Every button of the operations bar is still on it, none behind the "»".
    auto *operations = window.findChild<QToolBar *>(u"operations"_qs);
    QVERIFY(operations);
    for (QAction *action : operations->actions()) {
        if (action->isSeparator() || !action->isVisible())
            continue;
        QWidget *button = operations->widgetForAction(action);
        QVERIFY2(button && button->isVisible(), qPrintable(action->text()));
    }
}

void TestGui::defaultDatabaseFileWorksOnAFreshMachine()
{
    QStandardPaths::setTestModeEnabled(true);
    const auto restore = qScopeGuard([] { QStandardPaths::setTestModeEnabled(false); });
    AppSettings settings;
    settings.databasePath = AppSettings::defaultDatabaseFile();
    QDir folder = QFileInfo(settings.databasePath).absoluteDir();
    QVERIFY(folder.removeRecursively());
    QVERIFY(!folder.exists());

    MainWindow window{settings};
    QVERIFY2(!window.startLab(PatternKind::CacheAside, PatternOptions{}),
             "the lab did not start on the default database file");
    QVERIFY(QFileInfo::exists(settings.databasePath));
}

void TestGui::comparisonWindowRunsInTheBackground()
{
    MainWindow window{AppSettings()};
    ComparisonWindow *comparison = window.showComparison();
    QAbstractItemModelTester tester(comparison->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkloadSpec spec;
    spec.requests = 3'000;
    spec.keys = 100;
    comparison->form()->setSpec(spec);
    QSignalSpy shown(comparison, &ComparisonWindow::resultsShown);
    QVERIFY(comparison->run());
    QVERIFY(comparison->running());
    QVERIFY(!comparison->run());
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 60'000);
    QCOMPARE(comparison->model()->rowCount(), 7);
    QTemporaryDir dir;
    QVERIFY(!comparison->saveCsv(dir.filePath(u"c.csv"_qs)));
    QVERIFY(!comparison->saveMarkdown(dir.filePath(u"c.md"_qs)));
    QFile csv(dir.filePath(u"c.csv"_qs));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(csv.readAll()), comparison->model()->comparison().toCsv());
    QFile md(dir.filePath(u"c.md"_qs));
    QVERIFY(md.open(QIODevice::ReadOnly));
    QVERIFY(md.readAll().startsWith("| pattern | hit ratio |"));
    QCOMPARE(window.showComparison(), comparison); // one window, raised again
    // Cancel: a long run stops early and shows what finished.
    spec.requests = 5'000'000;
    comparison->form()->setSpec(spec);
    QVERIFY(comparison->run());
    comparison->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, 60'000);
    QVERIFY(comparison->model()->comparison().cancelled);
    QVERIFY(comparison->model()->rowCount() < 7);
}

void TestGui::tradeoffCurvesGrowAndOpenARun()
{
    MainWindow window{AppSettings()};
    TradeoffsWindow *tradeoffs = window.showTradeoffs();
    QCOMPARE(window.showTradeoffs(), tradeoffs); // one window, raised again
    WorkloadSpec spec;
    spec.requests = 2'000;
    spec.keys = 100;
    tradeoffs->form()->setSpec(spec);
    tradeoffs->setRange(u"ttl"_qs, u"1s"_qs, u"100s"_qs, 3, true);
    tradeoffs->setPatterns({PatternKind::CacheAside, PatternKind::WriteThrough});
    tradeoffs->setMeasure(Measure::HitRatio);
    tradeoffs->setSeeds(2);

    QSignalSpy finished(tradeoffs, &TradeoffsWindow::sweepFinished);
    QVERIFY(tradeoffs->run());
    QVERIFY(!tradeoffs->run()); // one at a time
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60'000);
    QCOMPARE(tradeoffs->result().points.size(), 6);

    // A curve per pattern, with a point per value, inside its band.
    QList<QLineSeries *> curves;
    int bands = 0;
    for (QAbstractSeries *series : tradeoffs->chart()->series()) {
        if (auto *line = qobject_cast<QLineSeries *>(series))
            curves << line;
        bands += qobject_cast<QAreaSeries *>(series) ? 1 : 0;
    }
    QCOMPARE(curves.size(), 2);
    QCOMPARE(bands, 2);
    QCOMPARE(curves[0]->name(), u"cache-aside"_qs);
    QCOMPARE(curves[0]->count(), 3);
    QCOMPARE(curves[0]->at(0).x(), 1.0); // seconds
    QCOMPARE(curves[0]->at(2).x(), 100.0);
    QVERIFY(curves[0]->at(2).y() > curves[0]->at(0).y()); // a longer TTL hits more

    QTemporaryDir dir;
    QVERIFY(!tradeoffs->savePng(dir.filePath(u"t.png"_qs)));
    QVERIFY(!tradeoffs->saveSvg(dir.filePath(u"t.svg"_qs)));
    QVERIFY(!tradeoffs->saveCsv(dir.filePath(u"t.csv"_qs)));
    QVERIFY(!QImage(dir.filePath(u"t.png"_qs)).isNull());
    QFile svg(dir.filePath(u"t.svg"_qs));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
    QFile csv(dir.filePath(u"t.csv"_qs));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readLine().startsWith("ttl,pattern,seeds,hit_ratio_mean"));
    QVERIFY(!tradeoffs->saveCsv(dir.filePath(u"missing/folder/t.csv"_qs))
                 .value_or(QString())
                 .isEmpty());

    // Clicking near the middle point opens write-through with ttl=10s in the lab.
    QSignalSpy opened(tradeoffs, &TradeoffsWindow::openRun);
    Q_EMIT curves[1]->clicked(QPointF(9.0, 0.5));
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened[0][0].value<PatternKind>(), PatternKind::WriteThrough);
    QCOMPARE(opened[0][1].value<PatternOptions>().ttl, 10 * kSecond);
    QCOMPARE(window.controller()->lab()->config().pattern, PatternKind::WriteThrough);
    QCOMPARE(window.controller()->lab()->config().options.ttl, 10 * kSecond);
    QCOMPARE(window.workloadPanel()->form()->spec().requests, 2'000);

    // What is wrong is said, and nothing runs.
    tradeoffs->setPatterns({});
    QVERIFY(!tradeoffs->run());
    tradeoffs->setPatterns({PatternKind::CacheAside});
    tradeoffs->setRange(u"ttl"_qs, u"0s"_qs, u"1h"_qs, 5, true);
    QVERIFY(!tradeoffs->run());

    // Cancel stops a long sweep and keeps what was measured.
    spec.requests = 2'000'000;
    tradeoffs->form()->setSpec(spec);
    tradeoffs->setRange(u"ttl"_qs, u"1s"_qs, u"1h"_qs, 12, true);
    QVERIFY(tradeoffs->run());
    tradeoffs->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60'000);
    QVERIFY(tradeoffs->result().cancelled);
    QVERIFY(tradeoffs->result().points.size() < 12);
}

void TestGui::germanCatalogue()
{
    // The app's own way in: the compiled catalogues from the resources, core's messages
    // included, plurals from their numerus forms.
    QVERIFY(applyLanguage(u"de"_qs));
    TraceEvent batch;
    batch.verb = Verb::Batch;
    batch.number = 3;
    QCOMPARE(describe(batch), u"Stapel von 3 Zeilen schreiben"_qs);
    batch.number = 1;
    QCOMPARE(describe(batch), u"Stapel von 1 Zeile schreiben"_qs);
    TraceEvent miss;
    miss.verb = Verb::Miss;
    QCOMPARE(describe(miss), u"Miss"_qs);
    QCOMPARE(QCoreApplication::translate("cachelab::ui::MainWindow",
                                         "The end: all %n expectation(s) held.", nullptr, 2),
             u"Ende: alle 2 Erwartungen wurden erfüllt."_qs);

    // English has a catalogue of plural forms only.
    QVERIFY(applyLanguage(u"en"_qs));
    batch.number = 1;
    QCOMPARE(describe(batch), u"batch write of 1 row"_qs);
    batch.number = 2;
    QCOMPARE(describe(batch), u"batch write of 2 rows"_qs);
    QCOMPARE(describe(miss), u"miss"_qs);
}

void TestGui::screenshotWritesPng()
{
    QTemporaryDir dir;
    const QString png = dir.filePath(u"shot.png"_qs);
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    env.insert(u"XDG_CONFIG_HOME"_qs, dir.path()); // no settings from a previous session
    app.setProcessEnvironment(env);
    app.start(QString::fromUtf8(CACHELAB_GUI),
              {scenarioPath("write-behind-batching.cls"), u"--screenshot"_qs, png});
    QVERIFY(app.waitForFinished(120'000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1280, 720));
}

void TestGui::screenshotsOfWorkloadComparisonAndReplay()
{
    QTemporaryDir dir;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    env.insert(u"XDG_CONFIG_HOME"_qs, dir.path());
    const auto run = [&](const QStringList &args) {
        QProcess app;
        app.setProcessEnvironment(env);
        app.start(QString::fromUtf8(CACHELAB_GUI), args);
        if (!app.waitForFinished(120'000) || app.exitStatus() != QProcess::NormalExit)
            return QByteArray("did not finish");
        return app.exitCode() == 0 ? QByteArray() : app.readAllStandardError();
    };
    const QString session = dir.filePath(u"s.json"_qs);
    QByteArray error = run({u"--workload"_qs, u"--run"_qs, u"5"_qs, u"--screenshot"_qs,
                            dir.filePath(u"w.png"_qs), u"--save-session"_qs, session});
    QVERIFY2(error.isEmpty(), error.constData());
    error = run({u"--replay"_qs, session, u"--at"_qs, u"2.5"_qs, u"--screenshot"_qs,
                 dir.filePath(u"r.png"_qs)});
    QVERIFY2(error.isEmpty(), error.constData());
    error = run({u"--compare"_qs, u"--screenshot"_qs, dir.filePath(u"c.png"_qs)});
    QVERIFY2(error.isEmpty(), error.constData());
    for (const char *name : {"w.png", "r.png", "c.png"})
        QCOMPARE(QImage(dir.filePath(QString::fromLatin1(name))).size(), QSize(1280, 720));
    // A damaged session: exit status 2, a reason, no picture.
    QFile bad(dir.filePath(u"bad.json"_qs));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{}");
    bad.close();
    QVERIFY(!run({u"--replay"_qs, bad.fileName(), u"--screenshot"_qs, dir.filePath(u"x.png"_qs)})
                 .isEmpty());
    QVERIFY(!QFile::exists(dir.filePath(u"x.png"_qs)));
}

void TestGui::unreachableRedisExitsTwo()
{
    QTemporaryDir dir;
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    env.insert(u"XDG_CONFIG_HOME"_qs, dir.path());
    app.setProcessEnvironment(env);
    // Port 1: nothing listens there. Whether this build has a Redis backend or not, the app
    // must say why it cannot start, and not crash.
    app.start(QString::fromUtf8(CACHELAB_GUI),
              {scenarioPath("cache-aside-race.cls"), u"--redis"_qs, u"redis://127.0.0.1:1"_qs,
               u"--screenshot"_qs, dir.filePath(u"never.png"_qs)});
    QVERIFY(app.waitForFinished(120'000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 2);
    QVERIFY(!app.readAllStandardError().trimmed().isEmpty());
    QVERIFY(!QFile::exists(dir.filePath(u"never.png"_qs)));
}

void TestGui::settingsTakeADatabaseUrlAndTestIt()
{
    // A URL chosen before comes back in its own field; Test says what is wrong in words.
    QTemporaryDir dir;
    AppSettings before;
    before.databasePath =
        u"sqlite:"_qs + dir.filePath(u"shop.db"_qs) + u"?table=items&key=sku&value=name"_qs;
    SettingsDialog dialog(before);
    auto *url = dialog.findChild<QLineEdit *>();
    QLineEdit *field = nullptr;
    for (auto *edit : dialog.findChildren<QLineEdit *>()) {
        if (edit->accessibleName() == u"Database URL")
            field = edit;
    }
    QVERIFY(url && field);
    QCOMPARE(field->text(), before.databasePath);
    QVERIFY(field->isEnabled());
    QPushButton *test = nullptr;
    for (auto *button : dialog.findChildren<QPushButton *>()) {
        if (button->text() == u"T&est")
            test = button;
    }
    QVERIFY(test);
    auto result = [&] {
        QString text;
        for (auto *label : dialog.findChildren<QLabel *>()) {
            if (label->text().startsWith(u"Could not open") || label->text().startsWith(u"Opened"))
                text = label->text();
        }
        return text;
    };
    test->click();
    QVERIFY2(result().contains(u"no table \"items\""), qPrintable(result()));
    field->setText(u"postgresql://ann@127.0.0.1:1/shop?connect_timeout=1"_qs);
    test->click();
    QVERIFY2(result().contains(u"Cannot reach PostgreSQL at 127.0.0.1:1"), qPrintable(result()));
    field->setText(u"sqlite:"_qs + dir.filePath(u"fresh.db"_qs));
    test->click();
    QVERIFY2(result().startsWith(u"Opened SQLite at") && result().contains(u": 0 row"),
             qPrintable(result()));
    QCOMPARE(dialog.settings().databasePath, field->text());
}

void TestGui::redisModeNeverHoldsUpAFrame()
{
    // The GUI sends Redis commands through hiredis's asynchronous API on its own event loop:
    // with the server stopped, a read and the cache panel's listing wait while frames go on;
    // once it goes on, both arrive.
    RedisServer server;
    START_REDIS_OR_SKIP(server);
    LabController c;
    LabConfig base;
    base.store.url = server.url();
    base.store.commandTimeoutMs = 20000; // longer than the test: a blocking call would show
    c.setBaseConfig(base);
    QVERIFY(!c.startLab(PatternKind::CacheAside, PatternOptions{}, 1));
    c.lab()->store().clear();
    c.databasePut(u"user:1"_qs, "Ann");
    CacheListing listing;
    QSignalSpy listed(&listing, &CacheListing::listed);
    QSignalSpy frames(&c, &LabController::timeAdvanced);

    server.freeze();
    c.setPlaying(true);
    const quint64 id = c.startOperation(Operation::Kind::Read, 0, u"user:1"_qs);
    QVERIFY(!listing.request(*c.lab())); // sent, not waited for
    QTRY_VERIFY_WITH_TIMEOUT(frames.count() >= 20, 5000);
    QVERIFY2(c.lab()->isRunning(id), "the read should wait while the server is stopped");
    QCOMPARE(listed.count(), 0);

    server.resume();
    QTRY_VERIFY_WITH_TIMEOUT(!c.lab()->isRunning(id), 10000);
    QVERIFY2(c.lab()->lastRead(0)->ok, qPrintable(c.lab()->lastRead(0)->error));
    QCOMPARE(c.lab()->lastRead(0)->result.value, QByteArray("Ann"));
    QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 1, 5000);
    // That listing was made before the fill; the next one finds the entry.
    QVERIFY(!listing.request(*c.lab()));
    QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 2, 5000);
    QCOMPARE(listing.entries().size(), 1);
    QCOMPARE(listing.entries().first().key, u"user:1"_qs);
    QCOMPARE(listing.entries().first().record.value, QByteArray("Ann"));
}

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
