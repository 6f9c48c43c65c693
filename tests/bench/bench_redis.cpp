// Cache-aside hits against a real redis-server over one connection: pattern reads per second
// beside raw hiredis GETs per second, in the same run. Modelled latencies are zero, so what is
// measured is the pattern's own overhead on top of the round trip.
//
//   bench_redis PORT [READS]          (tests/bench/bench_redis.sh starts a server and runs it)

#include <lab/lab.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <hiredis/hiredis.h>

using namespace cachelab;

namespace {

double rawGets(int port, int reads)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    const char *set[] = {"SET", "cachelab-bench:raw", "value"};
    freeReplyObject(redisCommandArgv(c, 3, set, nullptr));
    const char *get[] = {"GET", "cachelab-bench:raw"};
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < reads; ++i)
        freeReplyObject(redisCommandArgv(c, 2, get, nullptr));
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    redisFree(c);
    return reads / seconds;
}

Task<void> drive(Lab &lab, QString key, int reads)
{
    for (int i = 0; i < reads; ++i)
        co_await lab.perform(Operation::Kind::Read, 0, key);
}

double patternReads(int port, int reads)
{
    LabConfig config;
    config.pattern = PatternKind::CacheAside;
    config.tracing = false;
    config.latencies = Latencies{0, 0, 0, 0};
    config.store.url = QStringLiteral("redis://127.0.0.1:%1").arg(port);
    config.store.prefix = QStringLiteral("cachelab-bench:");
    Lab lab(config);
    lab.databasePut(QStringLiteral("user:1"), "value");
    lab.runUntilDone(lab.start(Operation::Kind::Read, 0, QStringLiteral("user:1"))); // warm
    QElapsedTimer timer;
    timer.start();
    lab.scheduler().spawn(drive(lab, QStringLiteral("user:1"), reads));
    lab.scheduler().runWhile([] { return true; });
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (lab.metrics().total(Counter::CacheHits) < reads)
        qFatal("the benchmark's reads were not all hits");
    lab.store().clear();
    return reads / seconds;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2)
        qFatal("usage: bench_redis PORT [READS]");
    const int port = QString::fromLocal8Bit(argv[1]).toInt();
    const int reads = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 100'000;
    // Interleaved, best of three each: both see the same machine.
    double raw = 0, pattern = 0;
    for (int run = 0; run < 3; ++run) {
        raw = std::max(raw, rawGets(port, reads));
        pattern = std::max(pattern, patternReads(port, reads));
    }
    QTextStream out(stdout);
    out << QStringLiteral("raw hiredis GET:           %1 per second\n").arg(raw, 0, 'f', 0);
    out << QStringLiteral("cache-aside pattern reads: %1 per second (%2 of raw; target 0.9)\n")
               .arg(pattern, 0, 'f', 0)
               .arg(pattern / raw, 0, 'f', 3);
    return 0;
}
