// Figures for the desktop app, printed, never asserted:
//   1. start to first drawn window (process start → the diagram's first paint);
//   2. frames per second with 200 messages in flight, in the live loop at 1× and as the cost of
//      one full repaint of the diagram;
//   3. resident memory (VmRSS) before and after 100,000 operations through the GUI, with the
//      diagram's bounded history;
//   4. frames per second with a 500 operations/s workload at 1x and the live charts on (the
//      diagram thinned, the panels and the charts following), and the CPU time it costs;
//   5. resident memory over 1,000,000 workload operations with the charts on, at a fast pace
//      (virtual time driven in steps of 250 ms, the window painting between them).
// Run it on a real display or under xvfb-run; the offscreen platform works too.
// BENCH_OPS and BENCH_WORKLOAD_OPS change the operation counts of 3 and 5.

#include <chartspanel.h>
#include <diagramview.h>
#include <labcontroller.h>
#include <mainwindow.h>
#include <metricschartmodel.h>
#include <replaycontroller.h>
#include <sessionlog.h>

#include <session/session.h>
#include <workload/workload.h>

#include <QAbstractScrollArea>
#include <QApplication>
#include <QChartView>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

using namespace cachelab;
using namespace cachelab::ui;

namespace {

QElapsedTimer &sinceStart()
{
    static QElapsedTimer timer;
    return timer;
}

long vmRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toLong();
    }
    return -1;
}

// Counts paints of a widget (the diagram's viewport).
class PaintCounter final : public QObject
{
public:
    int paints = 0;
    qint64 firstPaintMs = -1;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            if (firstPaintMs < 0)
                firstPaintMs = sinceStart().elapsed();
            ++paints;
        }
        return false;
    }
};

// Runs the event loop for `ms` of wall time, idle between events (as app.exec() would be).
void runEventLoop(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void waitWall(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

} // namespace

// Milliseconds since the kernel started this process (dynamic loading included), 10 ms steps.
double msSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    QFile uptime(QStringLiteral("/proc/uptime"));
    if (!stat.open(QIODevice::ReadOnly) || !uptime.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = stat.readAll();
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    const double startTicks = fields.value(19).toDouble(); // field 22 of the whole line
    const double up = uptime.readAll().split(' ').front().toDouble();
    return (up - startTicks / double(sysconf(_SC_CLK_TCK))) * 1000.0;
}

int main(int argc, char *argv[])
{
    const double beforeMain = msSinceProcessStart();
    sinceStart().start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cache Lab Bench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui"));
    std::printf("platform: %s\n", qPrintable(QGuiApplication::platformName()));

    // 1. Start to first drawn window.
    PaintCounter counter;
    auto window = std::make_unique<MainWindow>(AppSettings());
    window->diagram()->viewport()->installEventFilter(&counter);
    if (const auto error = window->startLab(PatternKind::CacheAside))
        qFatal("%s", qPrintable(*error));
    window->resize(1280, 720);
    window->show();
    while (counter.firstPaintMs < 0 && sinceStart().elapsed() < 10'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    std::printf("start to first drawn window: %lld ms from main(), about %.0f ms from exec()\n",
                counter.firstPaintMs, double(counter.firstPaintMs) + beforeMain);

    LabController &c = *window->controller();
    // BENCH_WORKLOAD_ONLY=1: parts 4 and 5 only (for a profiler).
    if (!qEnvironmentVariableIsSet("BENCH_WORKLOAD_ONLY")) {
        // 2. 200 messages in flight: 200 concurrent reads of a cold key while each cache call takes
        //    20 s of virtual time, so every GET travels for 10 s at 1×.
        LabConfig slow;
        slow.latencies.cache = 20 * kSecond;
        slow.latencies.dbRead = slow.latencies.dbWrite = 20 * kSecond;
        c.setBaseConfig(slow);
        if (const auto error = window->startLab(PatternKind::CacheAside))
            qFatal("%s", qPrintable(*error));
        c.setSpeed(1.0);
        c.setSkipQuietTime(false);
        c.setPlaying(false);
        for (int i = 0; i < 200; ++i)
            c.startOperation(Operation::Kind::Read, 0, QStringLiteral("product:42"));
        c.advanceBy(kSecond);
        std::printf("messages in flight: %d\n", window->diagram()->travellingCount());
        c.setPlaying(true);
        const int before = counter.paints;
        QElapsedTimer live;
        live.start();
        waitWall(3000);
        const double liveFps = (counter.paints - before) * 1000.0 / double(live.elapsed());
        std::printf(
            "live loop, 1x, 200 in flight: %.1f frames/s (%d frames in %lld ms; timer 60 Hz)\n",
            liveFps, counter.paints - before, live.elapsed());
        c.setPlaying(false);
        std::printf("still in flight after the live run: %d\n",
                    window->diagram()->travellingCount());
        // The cost of one frame: time moves a little and the whole viewport is repainted.
        QElapsedTimer paint;
        paint.start();
        constexpr int kFrames = 300;
        for (int i = 0; i < kFrames; ++i) {
            window->diagram()->setTime(c.now() + i * 10 * kMillisecond);
            window->diagram()->viewport()->repaint();
        }
        const double perFrame = double(paint.nsecsElapsed()) / 1e6 / kFrames;
        std::printf("diagram repaint, 200 in flight: %.2f ms/frame (%.0f frames/s possible)\n",
                    perFrame, 1000.0 / perFrame);

        // 3. Memory over 100,000 operations (reads and writes over 1,000 keys), bounded history.
        c.setBaseConfig(LabConfig());
        if (const auto error = window->startLab(PatternKind::CacheAside))
            qFatal("%s", qPrintable(*error));
        c.setPlaying(false);
        c.advanceBy(kSecond);
        QCoreApplication::processEvents();
        const long rssBefore = vmRssKiB();
        QRandomGenerator random(42);
        QElapsedTimer ops;
        ops.start();
        const int kOperations = qEnvironmentVariableIntValue("BENCH_OPS") > 0
                                    ? qEnvironmentVariableIntValue("BENCH_OPS")
                                    : 100'000;
        constexpr int kBatch = 100;
        long rssAt10k = 0;
        long rssAt50k = 0;
        for (int done = 0; done < kOperations; done += kBatch) {
            for (int i = 0; i < kBatch; ++i) {
                const QString key = QStringLiteral("item:%1").arg(random.bounded(1000));
                if (random.bounded(10) < 8)
                    c.startOperation(Operation::Kind::Read, 0, key);
                else
                    c.startOperation(Operation::Kind::Write, 0, key, QByteArray::number(done + i));
            }
            c.advanceBy(200 * kMillisecond);
            if ((done / kBatch) % 50 == 0)
                QCoreApplication::processEvents(); // let the window paint now and then
            if (done + kBatch == 10'000)
                rssAt10k = vmRssKiB();
            if (done + kBatch == 50'000)
                rssAt50k = vmRssKiB();
        }
        const long rssAfter = vmRssKiB();
        std::printf("%d operations through the GUI: %.1f s wall, %llu trace events\n", kOperations,
                    double(ops.elapsed()) / 1000.0,
                    static_cast<unsigned long long>(c.lab()->trace().total()));
        std::printf("diagram keeps %d messages (cap %d); trace ring keeps %lld\n",
                    window->diagram()->messageCount(), DiagramView::kHistory,
                    static_cast<long long>(c.lab()->trace().size()));
        std::printf("VmRSS: before %ld KiB, after 10,000 ops %ld KiB, 50,000 ops %ld KiB, "
                    "100,000 ops %ld KiB\n",
                    rssBefore, rssAt10k, rssAt50k, rssAfter);

    } // parts 2 and 3

    // 4. A 500 operations/s workload with the live charts on, at 1x (the diagram thinned to a
    //    trickle) and at 0.05x, the default speed (more of it drawn, arrows moving every frame).
    for (const double speed : {1.0, 0.05}) {
        if (const auto error = window->startLab(PatternKind::CacheAside))
            qFatal("%s", qPrintable(*error));
        window->workloadDock()->show();
        window->chartsDock()->show();
        c.setSpeed(speed);
        QCoreApplication::processEvents();
        WorkloadSpec steady;
        steady.rate = 500;
        steady.requests = 1'000'000;
        steady.keys = 1000;
        steady.distribution.kind = KeyDistribution::Kind::Zipf;
        steady.writeRatio = 0.1;
        if (const auto error = c.startWorkload(steady))
            qFatal("%s", qPrintable(*error));
        runEventLoop(1000); // settle
        std::vector<qint64> gaps;
        QElapsedTimer gap;
        const auto frameConnection = QObject::connect(&c, &LabController::timeAdvanced, [&] {
            gaps.push_back(gap.nsecsElapsed());
            gap.restart();
        });
        const int paintsBefore = counter.paints;
        const int redrawsBefore = window->chartsPanel()->redraws();
        const qint64 issuedBefore = c.workload()->issued();
        const double cpuBefore = cpuSeconds();
        QElapsedTimer workloadClock;
        workloadClock.start();
        gap.start();
        runEventLoop(5000);
        const double wall = double(workloadClock.elapsed()) / 1000.0;
        QObject::disconnect(frameConnection);
        std::sort(gaps.begin(), gaps.end());
        const auto gapMs = [&](double p) {
            return gaps.empty() ? 0.0
                                : double(gaps[std::min(gaps.size() - 1,
                                                       std::size_t(p * double(gaps.size())))]) /
                                      1e6;
        };
        std::printf("workload 500 ops/s at %gx, charts on: %.1f frames/s, frame interval p50 "
                    "%.1f ms, p99 %.1f ms, worst %.1f ms; %.1f diagram paints/s, %.1f chart "
                    "redraws/s\n",
                    speed, double(gaps.size()) / wall, gapMs(0.5), gapMs(0.99), gapMs(1.0),
                    (counter.paints - paintsBefore) / wall,
                    (window->chartsPanel()->redraws() - redrawsBefore) / wall);
        std::printf("  %.0f operations/s of virtual time issued, the diagram draws 1 operation in "
                    "%d, CPU %.0f%% of one core\n",
                    double(c.workload()->issued() - issuedBefore) / wall / speed,
                    window->thinner().keepOneIn(), 100.0 * (cpuSeconds() - cpuBefore) / wall);
        // What the two periodic jobs cost a frame that runs them.
        QElapsedTimer job;
        job.start();
        for (int i = 0; i < 20; ++i) {
            window->chartsPanel()->redraw();
            QCoreApplication::processEvents(); // the charts' scenes take in their new points
            for (int chart = 0; chart < ChartsPanel::ChartCount; ++chart)
                window->chartsPanel()->view(ChartsPanel::Chart(chart))->viewport()->repaint();
        }
        const double chartMs = double(job.nsecsElapsed()) / 20e6;
        job.restart();
        for (int i = 0; i < 20; ++i) {
            window->refreshPanels();
            window->centralWidget()->repaint();
        }
        const double panelsMs = double(job.nsecsElapsed()) / 20e6;
        std::printf("  one chart redraw (6 charts, painted) %.1f ms; one state-panel refresh "
                    "(painted) %.1f ms\n",
                    chartMs, panelsMs);
        c.stopWorkload();
        c.setPlaying(false);
    }

    // 5. Memory over a million workload operations, the charts on, at a fast pace.
    if (const auto error = window->startLab(PatternKind::CacheAside))
        qFatal("%s", qPrintable(*error));
    c.setPlaying(false);
    c.setSpeed(10.0);
    const qint64 million = qEnvironmentVariableIntValue("BENCH_WORKLOAD_OPS") > 0
                               ? qEnvironmentVariableIntValue("BENCH_WORKLOAD_OPS")
                               : 1'000'000;
    WorkloadSpec fast;
    fast.keys = 1000;
    fast.distribution.kind = KeyDistribution::Kind::Zipf;
    fast.writeRatio = 0.1;
    fast.rate = 1000; // 1,000 s of virtual time: more samples than the charts keep
    fast.requests = million;
    if (const auto error = c.startWorkload(fast))
        qFatal("%s", qPrintable(*error));
    c.setPlaying(false);
    c.advanceBy(kSecond);
    QCoreApplication::processEvents();
    const long rssStart = vmRssKiB();
    std::printf("VmRSS over %lld workload operations (1,000/s virtual, steps of 250 ms):\n"
                "  start %ld KiB\n",
                static_cast<long long>(million), rssStart);
    QElapsedTimer millionClock;
    millionClock.start();
    qint64 nextReport = million / 10;
    while (c.workloadRunning() || c.lab()->inFlight() > 0) {
        c.advanceBy(250 * kMillisecond);
        QCoreApplication::processEvents();
        if (c.workload()->issued() >= nextReport) {
            std::printf("  %7lld ops: %ld KiB (diagram %d messages, chart %d samples, "
                        "session log %lld entries, %lld KiB%s)\n",
                        static_cast<long long>(c.workload()->issued()), vmRssKiB(),
                        window->diagram()->messageCount(), window->chartModel()->rowCount(),
                        static_cast<long long>(c.sessionLog().size()),
                        static_cast<long long>(c.sessionLog().bytes() / 1024),
                        c.sessionLog().full() ? ", full" : "");
            nextReport += million / 10;
        }
    }
    std::printf("  %lld operations in %.1f s of wall time (%.0f ops/s through the GUI)\n",
                static_cast<long long>(c.workload()->issued()),
                double(millionClock.elapsed()) / 1000.0,
                double(c.workload()->issued()) / (double(millionClock.elapsed()) / 1000.0));

    // 6. Replaying the longest session the app records (the log full, 200,000 commands).
    QElapsedTimer replayClock;
    replayClock.start();
    const auto recorded = c.session();
    if (const auto *problem = std::get_if<QString>(&recorded))
        qFatal("%s", qPrintable(*problem));
    const QByteArray json = sessionToJson(std::get<Session>(recorded));
    const qint64 saveMs = replayClock.restart();
    auto loaded = sessionFromJson(json);
    const qint64 loadMs = replayClock.restart();
    ReplayController replay(std::get<Session>(std::move(loaded)));
    const qint64 openMs = replayClock.restart();
    replay.seek(replay.duration() / 2);
    const qint64 forwardMs = replayClock.restart();
    replay.seek(replay.duration() / 4);
    const qint64 backMs = replayClock.restart();
    std::printf("replay of %lld commands over %.0f s of virtual time (%.1f MB of JSON): save "
                "%lld ms, read %lld ms, open (played through once, checked) %lld ms, seek forward "
                "to the middle %lld ms, back to a quarter %lld ms%s\n",
                static_cast<long long>(c.sessionLog().size()),
                double(replay.duration()) / double(kSecond), double(json.size()) / 1e6,
                static_cast<long long>(saveMs), static_cast<long long>(loadMs),
                static_cast<long long>(openMs), static_cast<long long>(forwardMs),
                static_cast<long long>(backMs),
                replay.divergence().isEmpty() ? "; replay matches the recording" : "; DIFFERS");
    return 0;
}
