// Workloads, simulations, the pattern comparison, the metrics sampler and recorded sessions.

#include <lab/lab.h>
#include <metrics/sampler.h>
#include <session/session.h>
#include <workload/comparison.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <cmath>

using namespace cachelab;

namespace {

WorkloadSpec slowSpec(qint64 requests, int keys, double writeRatio)
{
    WorkloadSpec w;
    w.requests = requests;
    w.keys = keys;
    w.writeRatio = writeRatio;
    w.rate = 1; // one request a second: nothing overlaps, every figure can be worked out
    return w;
}

QJsonObject withoutWallClock(QJsonObject o)
{
    o.remove(QStringLiteral("wall_seconds"));
    o.remove(QStringLiteral("ops_per_second"));
    return o;
}

int runCli(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr)
{
    QProcess cli;
    cli.start(QStringLiteral(CACHELAB_CLI), args);
    if (!cli.waitForFinished(120000))
        return -1;
    if (out)
        *out = cli.readAllStandardOutput();
    if (err)
        *err = cli.readAllStandardError();
    return cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
}

} // namespace

class TestWorkload : public QObject
{
    Q_OBJECT

private slots:
    void zipfRankFrequenciesFollowTheory()
    {
        const int n = 1000;
        const double s = 0.99;
        const ZipfDistribution zipf(n, s);
        Random random(7);
        std::vector<int> counts(n);
        const int draws = 1'000'000;
        for (int i = 0; i < draws; ++i)
            ++counts[std::size_t(zipf(random))];
        // Theory: p(r) = r^-s / H(n, s). Each of the first ten ranks within 4 standard
        // deviations of a binomial count (a 1-in-15,000 event per rank if the code is right).
        double h = 0;
        for (int r = 1; r <= n; ++r)
            h += std::pow(r, -s);
        for (int rank = 0; rank < 10; ++rank) {
            const double p = std::pow(rank + 1, -s) / h;
            QCOMPARE(zipf.probability(rank), p);
            const double expected = p * draws;
            const double sigma = std::sqrt(draws * p * (1 - p));
            QVERIFY2(std::abs(counts[std::size_t(rank)] - expected) < 4 * sigma,
                     qPrintable(QStringLiteral("rank %1: %2 draws, theory %3 ± %4")
                                    .arg(rank + 1)
                                    .arg(counts[std::size_t(rank)])
                                    .arg(expected)
                                    .arg(sigma)));
        }
        // And the head is heavy: rank 1 is drawn about twice as often as rank 2.
        QVERIFY(counts[0] > 1.9 * counts[1] && counts[0] < 2.1 * counts[1]);
    }

    void hotSetShares()
    {
        const auto parsed = KeyDistribution::parse(u"hot:10:90"_qs);
        QVERIFY(std::holds_alternative<KeyDistribution>(parsed));
        const KeyChooser choose(std::get<KeyDistribution>(parsed), 1000);
        Random random(3);
        int hot = 0;
        const int draws = 1'000'000;
        std::vector<int> perKey(1000);
        for (int i = 0; i < draws; ++i) {
            const int k = choose(random);
            ++perKey[std::size_t(k)];
            hot += k < 100;
        }
        QVERIFY2(std::abs(hot / double(draws) - 0.9) < 0.002, qPrintable(QString::number(hot)));
        // Within the hot set, and within the rest, keys are equally likely.
        QVERIFY(*std::min_element(perKey.begin(), perKey.begin() + 100) > 8000);
        QVERIFY(*std::max_element(perKey.begin() + 100, perKey.end()) < 200);
    }

    void uniformIsFlat()
    {
        const KeyChooser choose(KeyDistribution{}, 10);
        Random random(11);
        std::vector<int> counts(10);
        for (int i = 0; i < 100'000; ++i)
            ++counts[std::size_t(choose(random))];
        for (int c : counts)
            QVERIFY2(std::abs(c - 10'000) < 500, qPrintable(QString::number(c)));
    }

    void badDistributions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("unknown") << u"gauss"_qs;
        QTest::newRow("zipf without exponent") << u"zipf"_qs;
        QTest::newRow("zipf negative") << u"zipf:-1"_qs;
        QTest::newRow("hot share over 100") << u"hot:10:120"_qs;
        QTest::newRow("hot all keys") << u"hot:100:50"_qs;
        QTest::newRow("hot not numbers") << u"hot:a:b"_qs;
    }
    void badDistributions()
    {
        QFETCH(QString, text);
        const auto parsed = KeyDistribution::parse(text);
        QVERIFY(std::holds_alternative<QString>(parsed));
        QVERIFY(std::get<QString>(parsed).contains(text));
    }

    void sameSeedSameRun()
    {
        WorkloadSpec w;
        w.requests = 20'000;
        w.keys = 500;
        w.distribution = std::get<KeyDistribution>(KeyDistribution::parse(u"zipf:1.1"_qs));
        w.clients = 3;
        w.seed = 42;
        const auto a = simulate(PatternKind::MultiLevel, {}, w);
        const auto b = simulate(PatternKind::MultiLevel, {}, w);
        QCOMPARE(withoutWallClock(a.toJson()), withoutWallClock(b.toJson()));
        w.seed = 43;
        const auto c = simulate(PatternKind::MultiLevel, {}, w);
        QVERIFY(withoutWallClock(a.toJson()) != withoutWallClock(c.toJson()));
    }

    void eagerSchedulingGivesTheSameRun_data()
    {
        QTest::addColumn<int>("pattern");
        for (const PatternKind kind : kAllPatterns)
            QTest::newRow(qPrintable(patternName(kind))) << int(kind);
    }
    void eagerSchedulingGivesTheSameRun()
    {
        // Eager mode skips the queue for sleeps that would be the next event anyway; every
        // figure of the run, latency percentiles included, must come out the same.
        QFETCH(int, pattern);
        WorkloadSpec w;
        w.requests = 4'000;
        w.keys = 50;
        w.writeRatio = 0.3;
        w.clients = 3;
        w.rate = 2'000;
        w.crashHalfway = true;
        w.distribution = std::get<KeyDistribution>(KeyDistribution::parse(u"zipf:1.2"_qs));
        PatternOptions options;
        options.ttl = 2 * kSecond;
        options.flush = 300 * kMillisecond;
        options.batch = 7;
        const auto kind = PatternKind(pattern);
        const auto queued = simulate(kind, options, w, simulationConfig(), {}, false);
        const auto eager = simulate(kind, options, w, simulationConfig(), {}, true);
        QCOMPARE(withoutWallClock(eager.toJson()), withoutWallClock(queued.toJson()));
    }

    void sqliteAndHashTableGiveTheSameFigures()
    {
        WorkloadSpec w;
        w.requests = 3'000;
        w.keys = 200;
        w.writeRatio = 0.3;
        LabConfig sqlite;
        const auto onSqlite = simulate(PatternKind::WriteBehind, {}, w, sqlite);
        const auto onTable = simulate(PatternKind::WriteBehind, {}, w);
        QCOMPARE(withoutWallClock(onSqlite.toJson()), withoutWallClock(onTable.toJson()));
    }

    void figuresWorkedOutByHand()
    {
        // Ten reads of one key, a second apart: one cold miss, nine hits.
        const auto r = simulate(PatternKind::CacheAside, {}, slowSpec(10, 1, 0.0));
        QCOMPARE(r.requests, qint64(10));
        QCOMPARE(r.hitRatio, 0.9);
        QCOMPARE(r.readP50, TimeUs(1000));  // a hit: one cache round trip
        QCOMPARE(r.readP99, TimeUs(52000)); // the miss: GET 1 ms + SELECT 50 ms + SETEX 1 ms
        QCOMPARE(r.metrics.value(u"db.reads"_qs), qint64(1));
        QCOMPARE(perThousand(r, u"db.reads"_qs), 100.0);

        // Write-through writes: UPSERT 50 ms then SETEX 1 ms.
        const auto wt = simulate(PatternKind::WriteThrough, {}, slowSpec(4, 1, 1.0));
        QCOMPARE(wt.writeP50, TimeUs(51000));
        QCOMPARE(wt.metrics.value(u"db.writes"_qs), qint64(4));

        // Write-behind: a write is one cache round trip; the volatile queue dies at the crash.
        WorkloadSpec w = slowSpec(10, 1, 1.0);
        w.crashHalfway = true;
        const auto wb = simulate(PatternKind::WriteBehind, {}, w);
        QCOMPARE(wb.writeP50, TimeUs(1000));
        QCOMPARE(wb.metrics.value(u"lost.writes"_qs), qint64(5)); // five acknowledged, none flushed
        QCOMPARE(wb.metrics.value(u"db.writes"_qs), qint64(5));   // the five after the restart
    }

    void comparisonCoversEveryPatternWithTheTextbookBeside()
    {
        WorkloadSpec w;
        w.requests = 2'000;
        w.keys = 100;
        const Comparison c = compare(w);
        QCOMPARE(c.results.size(), qsizetype(std::size(kAllPatterns)));
        const QJsonObject json = c.toJson();
        QVERIFY(json.value(u"workload"_qs).toObject().value(u"crash_halfway"_qs).toBool());
        const QJsonObject first = json.value(u"results"_qs).toArray().first().toObject();
        for (const char *field : {"pattern", "requests", "metrics", "hit_ratio", "latency_us",
                                  "wall_seconds", "ops_per_second", "textbook"})
            QVERIFY2(first.contains(QLatin1String(field)), field);
        QCOMPARE(first.value(u"textbook"_qs).toObject().value(u"consistency"_qs).toString(),
                 u"Eventual"_qs);
        // Write-behind is the one that loses writes at the crash; its writes are the fastest.
        const SimulationResult &wb = c.results[2];
        QCOMPARE(wb.pattern, PatternKind::WriteBehind);
        QVERIFY(wb.metrics.value(u"lost.writes"_qs) > 0);
        for (const SimulationResult &r : c.results) {
            if (r.pattern != PatternKind::WriteBehind) {
                QCOMPARE(r.metrics.value(u"lost.writes"_qs), qint64(0));
                QVERIFY(r.writeP50 > wb.writeP50);
            }
        }
        const QString markdown = c.toMarkdown();
        QVERIFY(markdown.startsWith(u"| pattern | hit ratio |"));
        QCOMPARE(markdown.count(u"\n| "), 1 + 7);
        const QStringList csv = c.toCsv().split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(csv.size(), 8);
        QVERIFY(csv[1].startsWith(u"cache-aside,"));
        QVERIFY(csv[1].contains(u"\"Medium (miss penalty)\"") ||
                csv[1].contains(u"Medium (miss penalty)"));
    }

    void comparisonCanBeCancelled()
    {
        WorkloadSpec w;
        w.requests = 50'000;
        int calls = 0;
        const Comparison c = compare(w, {}, [&](double share) {
            ++calls;
            return share < 0.2;
        });
        QVERIFY(c.cancelled);
        QVERIFY(c.results.size() < 7);
        QVERIFY(calls > 1);
    }

    void samplerWindows()
    {
        LabConfig config;
        config.pattern = PatternKind::CacheAside;
        Lab lab(config);
        lab.databaseSeed(1);
        MetricsSampler sampler(lab, 100 * kMillisecond, kSecond);
        sampler.start();
        // Reads 10 ms apart for half a second. The first six miss: until the first reader's
        // SETEX lands at 51.5 ms, every reader misses too (a small stampede).
        for (int i = 0; i < 50; ++i) {
            lab.start(Operation::Kind::Read, 0, u"item:1"_qs);
            lab.advance(10 * kMillisecond);
        }
        const MetricsSample s = sampler.sample();
        QCOMPARE(s.time, TimeUs(500 * kMillisecond));
        QCOMPARE(s.readP50, TimeUs(1000));
        QCOMPARE(s.readP99, TimeUs(52000));
        QCOMPARE(s.hitRatio, 44.0 / 50.0);
        QCOMPARE(s.dbReadsPerSecond, 12.0); // six database reads in the half second so far
        // A second later the window holds only hits.
        for (int i = 0; i < 100; ++i) {
            lab.start(Operation::Kind::Read, 0, u"item:1"_qs);
            lab.advance(10 * kMillisecond);
        }
        const MetricsSample later = sampler.sample();
        QCOMPARE(later.hitRatio, 1.0);
        QCOMPARE(later.readP99, TimeUs(1000));
        QCOMPARE(later.dbReadsPerSecond, 0.0);
        QVERIFY(sampler.samples().size() >= 15); // the timer sampled every 100 ms meanwhile
    }

    void sessionRoundTripAndReplay()
    {
        LabConfig config;
        config.pattern = PatternKind::WriteBehind;
        config.options.flush = 2 * kSecond;
        config.clients = 2;
        Lab lab(config);
        SessionRecorder recorder(config);
        auto issue = [&](int client, const QString &command, Operation::Kind kind,
                         const QString &key, const QByteArray &value = {}) {
            recorder.record(lab.now(), client, command);
            lab.start(kind, client, key, value);
        };
        issue(0, u"spawn write user:1 Ann"_qs, Operation::Kind::Write, u"user:1"_qs, "Ann");
        lab.advance(300 * kMillisecond);
        issue(1, u"spawn read user:1"_qs, Operation::Kind::Read, u"user:1"_qs);
        lab.advance(2 * kSecond);
        issue(1, u"spawn delete user:1"_qs, Operation::Kind::Delete, u"user:1"_qs);
        lab.advance(kSecond);
        const Session recorded = recorder.session(lab);

        const auto loaded = sessionFromJson(sessionToJson(recorded));
        QVERIFY2(
            std::holds_alternative<Session>(loaded),
            qPrintable(std::get_if<QString>(&loaded) ? *std::get_if<QString>(&loaded) : QString()));
        SessionPlayer player(std::get<Session>(loaded));
        QCOMPARE(player.duration(), lab.now());
        player.seek(player.duration());
        // The replay makes the same messages…
        const auto replayed = player.lab().trace().events();
        QCOMPARE(replayed.size(), recorded.trace.size());
        for (qsizetype i = 0; i < replayed.size(); ++i)
            QCOMPARE(describe(replayed[i]), describe(recorded.trace[i]));
        // …and the same panels, at the end and at any moment in between.
        QCOMPARE(player.lab().database().rows().size(), lab.database().rows().size());
        player.seek(500 * kMillisecond); // back: after A's write, before the flush
        QCOMPARE(player.position(), TimeUs(500 * kMillisecond));
        QCOMPARE(player.lab().pattern(0).writeQueue().size(), qsizetype(1));
        QVERIFY(!player.lab().database().load(u"user:1"_qs));
        player.seek(2500 * kMillisecond); // forward: flushed at 2 s
        QCOMPARE(player.lab().pattern(0).writeQueue().size(), qsizetype(0));
        QCOMPARE(player.lab().database().load(u"user:1"_qs)->value, QByteArray("Ann"));
    }

    void damagedSessions_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("says");
        QTest::newRow("not json") << QByteArray("{\"format\": ") << u"not JSON"_qs;
        QTest::newRow("foreign") << QByteArray("{\"format\": \"something-else\"}")
                                 << u"not a Cache Lab session"_qs;
        QTest::newRow("newer") << QByteArray("{\"format\": \"cachelab-session\", \"version\": 9}")
                               << u"newer"_qs;
        QTest::newRow("bad scenario")
            << QByteArray("{\"format\": \"cachelab-session\", \"version\": 1, \"duration_us\": 5,"
                          " \"scenario\": \"pattern cache-aside\\nreed x\\n\", \"trace\": {}}")
            << u"line 2"_qs;
        QTest::newRow("bad trace")
            << QByteArray(
                   "{\"format\": \"cachelab-session\", \"version\": 1, \"duration_us\": 5,"
                   " \"scenario\": \"pattern cache-aside\\n\", \"trace\": {\"format\": \"x\"}}")
            << u"trace is damaged"_qs;
        QTest::newRow("negative duration")
            << QByteArray("{\"format\": \"cachelab-session\", \"version\": 1, \"duration_us\": -5}")
            << u"duration"_qs;
    }
    void damagedSessions()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, says);
        const auto loaded = sessionFromJson(bytes);
        QVERIFY(std::holds_alternative<QString>(loaded));
        QVERIFY2(std::get<QString>(loaded).contains(says), qPrintable(std::get<QString>(loaded)));
    }

    void cliSimulateJson()
    {
        QByteArray out;
        QCOMPARE(runCli({u"simulate"_qs, u"--pattern"_qs, u"refresh-ahead"_qs, u"--option"_qs,
                         u"ttl=2s"_qs, u"--requests"_qs, u"5000"_qs, u"--keys"_qs, u"50"_qs,
                         u"--dist"_qs, u"zipf:0.99"_qs, u"--write-ratio"_qs, u"0.05"_qs,
                         u"--clients"_qs, u"2"_qs, u"--seed"_qs, u"9"_qs, u"--json"_qs},
                        &out),
                 0);
        const QJsonObject json = QJsonDocument::fromJson(out).object();
        QCOMPARE(json.value(u"pattern"_qs).toString(), u"refresh-ahead"_qs);
        QCOMPARE(json.value(u"requests"_qs).toInt(), 5000);
        QVERIFY(json.value(u"metrics"_qs).toObject().value(u"refreshes"_qs).toInt() > 0);
        const QJsonObject read =
            json.value(u"latency_us"_qs).toObject().value(u"read"_qs).toObject();
        QVERIFY(read.contains(u"p50"_qs) && read.contains(u"p95"_qs) && read.contains(u"p99"_qs));
        QVERIFY(json.value(u"ops_per_second"_qs).toDouble() > 0);
    }

    void cliRejectsBadFlags_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("no pattern") << QStringList{u"simulate"_qs} << u"--pattern"_qs;
        QTest::newRow("bad pattern")
            << QStringList{u"simulate"_qs, u"--pattern"_qs, u"lru"_qs} << u"\"lru\""_qs;
        QTest::newRow("option of another pattern")
            << QStringList{u"simulate"_qs, u"--pattern"_qs, u"cache-aside"_qs, u"--option"_qs,
                           u"batch=5"_qs}
            << u"batch"_qs;
        QTest::newRow("bad ratio")
            << QStringList{u"compare"_qs, u"--write-ratio"_qs, u"2"_qs} << u"--write-ratio"_qs;
        QTest::newRow("bad dist") << QStringList{u"compare"_qs, u"--dist"_qs, u"zipf"_qs}
                                  << u"--dist"_qs;
        QTest::newRow("two formats")
            << QStringList{u"compare"_qs, u"--csv"_qs, u"--json"_qs} << u"one of"_qs;
        QTest::newRow("unknown flag") << QStringList{u"compare"_qs, u"--fast"_qs} << u"fast"_qs;
        QTest::newRow("option nobody has")
            << QStringList{u"compare"_qs, u"--option"_qs, u"speed=9"_qs} << u"speed"_qs;
        QTest::newRow("textbook with an option the source lacks")
            << QStringList{u"simulate"_qs,    u"--pattern"_qs, u"write-behind"_qs, u"--option"_qs,
                           u"textbook=on"_qs, u"--option"_qs,  u"durable=on"_qs}
            << u"no option durable"_qs;
        QTest::newRow("textbook compared with an option some sources lack")
            << QStringList{u"compare"_qs, u"--option"_qs, u"textbook=on"_qs, u"--option"_qs,
                           u"jitter=5%"_qs}
            << u"no option jitter"_qs;
    }
    void cliRejectsBadFlags()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QByteArray err;
        QCOMPARE(runCli(args, nullptr, &err), 2);
        QVERIFY2(QString::fromUtf8(err).contains(says), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestWorkload)
#include "tst_workload.moc"
