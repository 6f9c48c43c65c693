// Sweeps: one setting varied over many values, every pattern measured at each, over seeds,
// on several threads; and `compare --seeds`.

#include <workload/sweep.h>

#include "clirun.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <QTest>

using namespace cachelab;

namespace {

SweepAxis axis(const QString &text)
{
    auto parsed = SweepAxis::parse(text);
    if (const auto *error = std::get_if<QString>(&parsed))
        qFatal("%s", qPrintable(*error));
    return std::get<SweepAxis>(parsed);
}

QString axisError(const QString &text)
{
    auto parsed = SweepAxis::parse(text);
    const auto *error = std::get_if<QString>(&parsed);
    return error ? *error : QString();
}

SweepSpec smallSweep(QList<PatternKind> patterns, const QString &vary, int requests = 3000)
{
    SweepSpec spec;
    spec.patterns = std::move(patterns);
    spec.axis = axis(vary);
    spec.workload.requests = requests;
    spec.workload.keys = 200;
    spec.workload.distribution.kind = KeyDistribution::Kind::Zipf;
    spec.seeds = 3;
    return spec;
}

QJsonArray pointsOf(const SweepResult &r)
{
    return r.toJson().value(u"points").toArray();
}

} // namespace

class TestSweep : public QObject
{
    Q_OBJECT

private slots:
    void listsAndRanges()
    {
        const SweepAxis list = axis(u"ttl=1s, 10s,1m"_qs);
        QCOMPARE(list.name, u"ttl"_qs);
        QCOMPARE(list.values, (QStringList{u"1s"_qs, u"10s"_qs, u"1m"_qs}));

        // Durations on a log scale: readable labels, exact microseconds to apply.
        const SweepAxis ttl = axis(u"ttl=1s..1h:5log"_qs);
        QVERIFY(ttl.logarithmic);
        QCOMPARE(ttl.labels, (QStringList{u"1s"_qs, u"7.75s"_qs, u"1m"_qs, u"465s"_qs, u"1h"_qs}));
        QCOMPARE(ttl.values.constFirst(), u"1000000us"_qs);
        QCOMPARE(ttl.values.constLast(), u"3600000000us"_qs);

        // Whole-number settings stay whole; points that round together are kept once.
        QCOMPARE(axis(u"batch=1..4:7"_qs).values,
                 (QStringList{u"1"_qs, u"2"_qs, u"3"_qs, u"4"_qs}));
        QCOMPARE(axis(u"write-ratio=0..0.5:3"_qs).values,
                 (QStringList{u"0"_qs, u"0.25"_qs, u"0.5"_qs}));
        QCOMPARE(axis(u"jitter=0%..20%:3"_qs).values,
                 (QStringList{u"0%"_qs, u"10%"_qs, u"20%"_qs}));
        QCOMPARE(axis(u"latency.db=10ms..100ms:2"_qs).labels,
                 (QStringList{u"10ms"_qs, u"100ms"_qs}));
    }

    void badAxesSayWhatIsWrong_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("no =") << u"ttl"_qs << u"expected NAME=V1,V2"_qs;
        QTest::newRow("no count") << u"ttl=1s..1h"_qs << u"needs its number of points"_qs;
        QTest::newRow("one point") << u"ttl=1s..1h:1"_qs << u"from 2 to 1000"_qs;
        QTest::newRow("too many") << u"ttl=1s..1h:5000"_qs << u"from 2 to 1000"_qs;
        QTest::newRow("log of zero") << u"ttl=0s..1h:5log"_qs << u"above zero"_qs;
        QTest::newRow("no width") << u"threshold=0.5..0.5:3"_qs << u"no width"_qs;
        QTest::newRow("bad duration") << u"ttl=1x..1h:3"_qs << u"ttl:"_qs;
        QTest::newRow("centuries") << u"ttl=1s..500y:3"_qs << u"ttl:"_qs;
        QTest::newRow("not numbers") << u"threshold=a..b:3"_qs << u"not a range of numbers"_qs;
        QTest::newRow("empty value") << u"ttl=1s,,2s"_qs << u"empty value"_qs;
    }

    void badAxesSayWhatIsWrong()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const QString error = axisError(text);
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void specsAreCheckedBeforeAnythingRuns()
    {
        SweepSpec spec = smallSweep({PatternKind::CacheAside}, u"batch=1,10"_qs);
        QVERIFY(spec.validate()->contains(u"no chosen pattern has this option"));

        // With every pattern, only those that have the option take part.
        spec.patterns = QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
        QVERIFY(!spec.validate());
        QCOMPARE(spec.participants(), QList<PatternKind>{PatternKind::WriteBehind});

        spec.axis = axis(u"ttl=1s,soon"_qs);
        QVERIFY(spec.validate()->contains(u"ttl=soon"));
        spec.axis = axis(u"colour=1,2"_qs);
        QVERIFY(spec.validate()->contains(u"not a pattern option"));
        spec.axis = axis(u"clients=1,30"_qs);
        QVERIFY(spec.validate()->contains(u"1 to 26"));

        spec.axis = axis(u"ttl=1s..1h:1000"_qs);
        spec.seeds = 1000;
        QVERIFY(spec.validate()->contains(u"at most 1000000"));
    }

    void intervals()
    {
        const Estimate e = estimate({1.0, 2.0, 3.0});
        QCOMPARE(e.mean, 2.0);
        QVERIFY(qAbs(e.halfWidth - 4.303 / std::sqrt(3.0)) < 1e-9); // t(2) · sd / √n
        QCOMPARE(estimate({5.0}).halfWidth, 0.0);
        QVERIFY(estimate({1, 2, 3}).overlaps(estimate({4, 5, 6}))); // wide intervals
        QVERIFY(!estimate({1, 1.1, 0.9}).overlaps(estimate({4, 4.1, 3.9})));
    }

    void longerTtlsHitMoreAndLoadTheDatabaseLess()
    {
        const SweepResult r = sweep(smallSweep({PatternKind::CacheAside}, u"ttl=1s..1h:4log"_qs));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.points.size(), 4);
        for (qsizetype i = 1; i < r.points.size(); ++i) {
            QVERIFY(r.points[i][Measure::HitRatio].mean >= r.points[i - 1][Measure::HitRatio].mean);
            QVERIFY(r.points[i][Measure::DbReadsPer1k].mean <=
                    r.points[i - 1][Measure::DbReadsPer1k].mean);
        }
        // A one-second TTL against a 3 s run at 1,000 requests/s: well apart from an hour.
        QVERIFY(!r.points.first()[Measure::HitRatio].overlaps(r.points.last()[Measure::HitRatio]));
        QCOMPARE(r.points.first()[Measure::HitRatio].samples, 3);
    }

    void slowerDatabaseSlowsWriteThroughWrites()
    {
        const SweepResult r = sweep(smallSweep(
            {PatternKind::WriteThrough, PatternKind::WriteBehind}, u"latency.db=10ms,100ms"_qs));
        QCOMPARE(r.points.size(), 4); // value by value, patterns in order
        QCOMPARE(r.points[0].pattern, PatternKind::WriteThrough);
        QCOMPARE(r.points[1].pattern, PatternKind::WriteBehind);
        QVERIFY(r.points[2][Measure::WriteP50].mean > r.points[0][Measure::WriteP50].mean * 5);
        // Write-behind answers from the cache: the database's speed does not show.
        QCOMPARE(r.points[3][Measure::WriteP50].mean, r.points[1][Measure::WriteP50].mean);
    }

    void resultsDoNotDependOnThreads()
    {
        SweepSpec spec =
            smallSweep({PatternKind::CacheAside, PatternKind::MultiLevel, PatternKind::WriteBehind},
                       u"write-ratio=0..0.4:3"_qs, 2000);
        spec.jobs = 1;
        const SweepResult one = sweep(spec);
        spec.jobs = 4;
        const SweepResult four = sweep(spec);
        QCOMPARE(pointsOf(one), pointsOf(four));
        QCOMPARE(pointsOf(one).size(), 9);
        // Seeds differ: the interval has a width.
        QVERIFY(one.points[0][Measure::HitRatio].halfWidth > 0);
    }

    void pointsArriveInOrderAndCanBeCancelled()
    {
        SweepSpec spec = smallSweep({PatternKind::CacheAside, PatternKind::Around},
                                    u"ttl=1s,10s,100s,1000s"_qs, 2000);
        spec.jobs = 2;
        QList<QPair<int, PatternKind>> seen;
        const SweepResult all = sweep(spec, {}, [&](const SweepPoint &p) {
            seen.append({p.index, p.pattern});
        });
        QCOMPARE(seen.size(), 8);
        for (int i = 0; i < seen.size(); ++i) {
            QCOMPARE(seen[i].first, i / 2);
            QCOMPARE(seen[i].second, i % 2 == 0 ? PatternKind::CacheAside : PatternKind::Around);
        }
        QVERIFY(!all.cancelled);

        int calls = 0;
        const SweepResult stopped = sweep(spec, [&](double) { return ++calls < 3; });
        QVERIFY(stopped.cancelled);
        QVERIFY(stopped.points.size() < 8);
        QVERIFY(stopped.toJson().value(u"partial").toBool());
    }

    void cliSweep()
    {
        const CliRun csv = runCli({u"sweep"_qs, u"--vary"_qs, u"ttl=1s,1h"_qs, u"--pattern"_qs,
                                   u"cache-aside,write-through"_qs, u"--requests"_qs, u"2000"_qs,
                                   u"--seeds"_qs, u"2"_qs, u"--csv"_qs});
        QCOMPARE(csv.exitCode, 0);
        const QList<QByteArray> lines = csv.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY(
            lines[0].startsWith("ttl,pattern,seeds,hit_ratio_mean,hit_ratio_low,hit_ratio_high"));
        QVERIFY(lines[1].startsWith("1s,cache-aside,2,"));
        QVERIFY(lines[4].startsWith("1h,write-through,2,"));

        // The same command gives the same figures.
        const CliRun again = runCli({u"sweep"_qs, u"--vary"_qs, u"ttl=1s,1h"_qs, u"--pattern"_qs,
                                     u"cache-aside,write-through"_qs, u"--requests"_qs, u"2000"_qs,
                                     u"--seeds"_qs, u"2"_qs, u"--csv"_qs, u"--jobs"_qs, u"1"_qs});
        QCOMPARE(again.out, csv.out);

        const CliRun md = runCli({u"sweep"_qs, u"--vary"_qs, u"batch=1,50"_qs, u"--requests"_qs,
                                  u"2000"_qs, u"--write-ratio"_qs, u"0.5"_qs});
        QCOMPARE(md.exitCode, 0);
        QVERIFY2(md.out.contains("### database writes per 1,000 operations"), md.out.constData());
        QVERIFY(md.out.contains("| batch | write-behind |"));
        QVERIFY(md.out.contains(" ± "));
    }

    void cliSweepRefusesBadInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no vary") << QStringList{u"sweep"_qs} << u"--vary is required"_qs;
        QTest::newRow("bad pattern")
            << QStringList{u"sweep"_qs, u"--vary"_qs, u"ttl=1s,2s"_qs, u"--pattern"_qs, u"lru"_qs}
            << u"--pattern: expected all or one of"_qs;
        QTest::newRow("bad range") << QStringList{u"sweep"_qs, u"--vary"_qs, u"ttl=1s..1h"_qs}
                                   << u"needs its number of points"_qs;
        QTest::newRow("bad seeds")
            << QStringList{u"sweep"_qs, u"--vary"_qs, u"ttl=1s,2s"_qs, u"--seeds"_qs, u"0"_qs}
            << u"--seeds: expected a whole number from 1 to 1000"_qs;
        QTest::newRow("two formats")
            << QStringList{u"sweep"_qs, u"--vary"_qs, u"ttl=1s,2s"_qs, u"--csv"_qs, u"--json"_qs}
            << u"choose one of"_qs;
        QTest::newRow("option nobody has")
            << QStringList{u"sweep"_qs,  u"--vary"_qs,   u"ttl=1s,2s"_qs, u"--pattern"_qs,
                           u"around"_qs, u"--option"_qs, u"batch=3"_qs}
            << u"--option batch: no chosen pattern has this option"_qs;
    }

    void cliSweepRefusesBadInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliRun run = runCli(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    void compareWithSeedsMarksWhatIsNotSignificant()
    {
        const CliRun md = runCli({u"compare"_qs, u"--seeds"_qs, u"3"_qs, u"--requests"_qs,
                                  u"2000"_qs, u"--dist"_qs, u"zipf:0.99"_qs});
        QCOMPARE(md.exitCode, 0);
        const QString text = QString::fromUtf8(md.out);
        for (const PatternKind kind : kAllPatterns)
            QVERIFY2(text.contains(u"| " + patternName(kind) + u" |"), md.out.constData());
        QVERIFY(text.contains(u"**")); // the best of each column
        QVERIFY(text.contains(u"≈ ")); // close enough to it to be indistinguishable
        QVERIFY(text.contains(u"3 seeds"));

        const CliRun json = runCli(
            {u"compare"_qs, u"--seeds"_qs, u"2"_qs, u"--requests"_qs, u"1000"_qs, u"--json"_qs});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(u"seeds").toInt(), 2);
        const QJsonArray points = o.value(u"points").toArray();
        QCOMPARE(points.size(), qsizetype(std::size(kAllPatterns)));
        const QJsonObject hit = points[0].toObject().value(u"hit_ratio").toObject();
        QVERIFY(hit.value(u"low").toDouble() <= hit.value(u"mean").toDouble());
        QVERIFY(hit.value(u"mean").toDouble() <= hit.value(u"high").toDouble());
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
