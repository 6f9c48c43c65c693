// Throughput of `cachelab-cli simulate`: the same call, on one core, tracing off. The default
// workload is the issue's: 1,000,000 Zipf(0.99) reads of 10,000 keys from one client at the
// default rate. Prints, per pattern, the best of RUNS runs with eager scheduling (what
// simulate uses) and with every sleep through the event queue (the baseline, same run).
//
//   build/tests/bench/bench_simulate [REQUESTS [RUNS [PATTERN|all]]]

#include <workload/workload.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace cachelab;

namespace {

SimulationResult best(PatternKind pattern, const WorkloadSpec &workload, int runs, bool eager)
{
    SimulationResult fastest;
    for (int run = 0; run < runs; ++run) {
        SimulationResult r =
            simulate(pattern, PatternOptions{}, workload, simulationConfig(), {}, eager);
        if (r.opsPerSecond > fastest.opsPerSecond)
            fastest = std::move(r);
    }
    return fastest;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    WorkloadSpec workload;
    workload.requests = args.size() > 1 ? args[1].toLongLong() : 1'000'000;
    workload.keys = 10'000;
    workload.distribution.kind = KeyDistribution::Kind::Zipf;
    workload.distribution.exponent = 0.99;
    workload.writeRatio = 0;
    const int runs = args.size() > 2 ? args[2].toInt() : 3;
    QList<PatternKind> patterns{PatternKind::CacheAside};
    if (args.size() > 3) {
        if (args[3] == u"all") {
            patterns = QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
        } else if (const auto kind = patternFromName(args[3])) {
            patterns = {*kind};
        } else {
            QTextStream(stderr) << "bench_simulate: unknown pattern " << args[3] << '\n';
            return 2;
        }
    }

    QTextStream out(stdout);
    QJsonArray results;
    for (const PatternKind pattern : patterns) {
        const SimulationResult eager = best(pattern, workload, runs, true);
        const SimulationResult queued = best(pattern, workload, runs, false);
        out << QStringLiteral("%1: %2 ops/s eager, %3 ops/s queued (baseline); "
                              "%4 events per request, hit ratio %5\n")
                   .arg(patternName(pattern), -14)
                   .arg(eager.opsPerSecond, 9, 'f', 0)
                   .arg(queued.opsPerSecond, 9, 'f', 0)
                   .arg(double(eager.events) / double(std::max<qint64>(1, eager.requests)), 0, 'f',
                        2)
                   .arg(eager.hitRatio, 0, 'f', 4);
        out.flush();
        results.append(QJsonObject{{QStringLiteral("pattern"), patternName(pattern)},
                                   {QStringLiteral("ops_per_second"), eager.opsPerSecond},
                                   {QStringLiteral("ops_per_second_queued"), queued.opsPerSecond},
                                   {QStringLiteral("target"), 3'000'000}});
    }
    out << QJsonDocument(QJsonObject{{QStringLiteral("requests"), workload.requests},
                                     {QStringLiteral("results"), results}})
               .toJson(QJsonDocument::Compact)
        << '\n';
    return 0;
}
