// Wall time of issue 14's sweep: 7 patterns × 12 TTL points (1 s … 1 h, log) × 3 seeds ×
// REQUESTS requests (default 100,000), on 1 thread and on 2, in the same run; and the peak
// memory of a sweep of 12 points beside one of 48, to show that memory does not grow with
// the number of points (each point's runs are freed once it is summed up).
//
//   build/tests/bench/bench_sweep [REQUESTS]

#include <workload/sweep.h>

#include <QCoreApplication>
#include <QTextStream>

#include <sys/resource.h>

using namespace cachelab;

namespace {

SweepSpec spec(qint64 requests, int points, int jobs)
{
    SweepSpec s;
    s.patterns = QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
    s.axis = std::get<SweepAxis>(SweepAxis::parse(QStringLiteral("ttl=1s..1h:%1log").arg(points)));
    s.workload.requests = requests;
    s.workload.keys = 10'000;
    s.workload.distribution.kind = KeyDistribution::Kind::Zipf;
    s.seeds = 3;
    s.jobs = jobs;
    return s;
}

long peakKilobytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 requests = app.arguments().size() > 1 ? app.arguments()[1].toLongLong() : 100'000;
    QTextStream out(stdout);

    const SweepResult one = sweep(spec(requests, 12, 1));
    const SweepResult two = sweep(spec(requests, 12, 2));
    out << QStringLiteral("7 patterns x 12 points x 3 seeds x %1 requests\n").arg(requests);
    out << QStringLiteral("  1 job : %1 s\n").arg(one.wallSeconds, 0, 'f', 2);
    out << QStringLiteral("  2 jobs: %1 s (%2 of 1 job; target <= 0.6; whole sweep target < 3 s)\n")
               .arg(two.wallSeconds, 0, 'f', 2)
               .arg(two.wallSeconds / one.wallSeconds, 0, 'f', 2);
    out << QStringLiteral("  same figures with 1 and 2 jobs: %1\n")
               .arg(one.toJson().value(u"points") == two.toJson().value(u"points") ? u"yes"_qs
                                                                                   : u"NO"_qs);

    const long before = peakKilobytes();
    sweep(spec(requests / 10, 48, 2));
    out << QStringLiteral("peak memory: %1 KiB after the 12-point sweeps, %2 KiB after a 48-point "
                          "one\n")
               .arg(before)
               .arg(peakKilobytes());
    return 0;
}
