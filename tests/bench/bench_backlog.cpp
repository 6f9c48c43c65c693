// A write-behind backlog: the database is down while N writes of distinct keys are
// acknowledged (they pile up in the queue), then it comes back and the queue drains. Prints
// the wall time of the whole run for N = 10k, 20k, 40k and 80k, with a volatile and with a
// durable queue, on SQLite in memory (what `run` uses) and on the hash-table database (what
// `simulate` uses): a queue linear in its length doubles its time when N doubles.
//
//   build/tests/bench/bench_backlog [MAX_N [sqlite|table]]

#include <lab/lab.h>
#include <patterns/options.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace cachelab;

namespace {

Task<void> drive(Lab &lab, int writes)
{
    for (int i = 0; i < writes; ++i)
        co_await lab.perform(Operation::Kind::Write, 0, QStringLiteral("k:%1").arg(i), "v");
}

struct Figures
{
    double seconds = 0;
    qint64 committed = 0;
    qint64 lost = 0;
};

Figures measure(int writes, bool durable, const QString &database)
{
    LabConfig config;
    config.databasePath = database;
    config.pattern = PatternKind::WriteBehind;
    config.tracing = false;
    // Enough retries that nothing is given up while the database is down (the backoff stops
    // growing at the flush interval).
    applyOption(config.options, config.pattern, QStringLiteral("retries"), QStringLiteral("1000"));
    applyOption(config.options, config.pattern, QStringLiteral("durable"),
                durable ? QStringLiteral("on") : QStringLiteral("off"));
    QElapsedTimer timer;
    timer.start();
    Lab lab(config);
    lab.setDatabaseFailing(true);
    lab.scheduler().spawn(drive(lab, writes));
    // Every write is acknowledged after one or two cache round trips (1 ms each).
    lab.advance(TimeUs(writes) * 2 * kMillisecond + kSecond);
    lab.setDatabaseFailing(false);
    lab.settle();
    Figures f;
    f.seconds = double(timer.nsecsElapsed()) / 1e9;
    f.committed = lab.metrics().total(Counter::DbWrites);
    f.lost = lab.metrics().total(Counter::LostWrites);
    return f;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int maxN = argc > 1 ? QByteArray(argv[1]).toInt() : 80'000;
    QTextStream out(stdout);
    QJsonArray rows;
    const QString databases[] = {QStringLiteral(":memory:"), kHashTableDatabase};
    const QByteArray only = argc > 2 ? QByteArray(argv[2]) : QByteArray();
    for (const QString &database : databases) {
        if (!only.isEmpty() && (only == "table") != (database == kHashTableDatabase))
            continue;
        for (const bool durable : {false, true}) {
            for (int n = 10'000; n <= maxN; n *= 2) {
                const Figures f = measure(n, durable, database);
                out << QStringLiteral(
                           "%1, %2 queue, %3 writes: %4 s (%5 rows committed, %6 lost)\n")
                           .arg(database == kHashTableDatabase ? QStringLiteral("hash table")
                                                               : QStringLiteral("SQLite"))
                           .arg(durable ? QStringLiteral("durable") : QStringLiteral("volatile"))
                           .arg(n, 6)
                           .arg(f.seconds, 0, 'f', 3)
                           .arg(f.committed)
                           .arg(f.lost);
                out.flush();
                rows.append(QJsonObject{{QStringLiteral("database"), database},
                                        {QStringLiteral("durable"), durable},
                                        {QStringLiteral("writes"), n},
                                        {QStringLiteral("seconds"), f.seconds},
                                        {QStringLiteral("committed"), f.committed},
                                        {QStringLiteral("lost"), f.lost}});
            }
        }
    }
    out << QString::fromUtf8(QJsonDocument(rows).toJson(QJsonDocument::Compact)) << '\n';
    return 0;
}
