// Figures for the desktop app, printed, never asserted:
//   1. start to first drawn window (process start → the diagram's first paint);
//   2. frames per second with 200 messages in flight, in the live loop at 1× and as the cost of
//      one full repaint of the diagram;
//   3. resident memory (VmRSS) before and after 100,000 operations through the GUI, with the
//      diagram's bounded history.
// Run it on a real display or under xvfb-run; the offscreen platform works too.

#include <diagramview.h>
#include <labcontroller.h>
#include <mainwindow.h>

#include <QAbstractScrollArea>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTimer>

#include <cstdio>

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

    // 2. 200 messages in flight: 200 concurrent reads of a cold key while each cache call takes
    //    20 s of virtual time, so every GET travels for 10 s at 1×.
    LabConfig slow;
    slow.latencies.cache = 20 * kSecond;
    slow.latencies.dbRead = slow.latencies.dbWrite = 20 * kSecond;
    LabController &c = *window->controller();
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
    std::printf("live loop, 1x, 200 in flight: %.1f frames/s (%d frames in %lld ms; timer 60 Hz)\n",
                liveFps, counter.paints - before, live.elapsed());
    c.setPlaying(false);
    std::printf("still in flight after the live run: %d\n", window->diagram()->travellingCount());
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
    return 0;
}
