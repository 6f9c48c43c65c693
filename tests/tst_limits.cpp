// Nothing a person types can break the lab: every duration has a range, every run has a
// budget, a result is never quietly smaller than what was asked, and a part that fails by
// itself is reported as the error it is. Runs the real cachelab-cli where the contract is the
// command line, and core directly where it is arithmetic (run under UBSan in CI).

#include "testsupport.h"

#include "scenario/runner.h"
#include "time/duration.h"
#include "workload/workload.h"

#include "clirun.h"
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace cachelab;

namespace {

constexpr int kTimeoutMs = 120'000;

// The CPU time process `pid` has used, in clock ticks (user + system, /proc/PID/stat).
qint64 cpuTicks(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Fields after the command name (which may hold spaces) start past its ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 12 ? fields[11].toLongLong() + fields[12].toLongLong() : -1;
}

// True once process `pid` catches SIGINT (its handler is installed): read from the kernel's
// own bookkeeping, so a test can interrupt a run at a known point without sleeping.
bool catchesSigint(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("SigCgt:")) {
            bool ok = false;
            const quint64 mask = line.mid(7).trimmed().toULongLong(&ok, 16);
            return ok && (mask & (quint64(1) << (SIGINT - 1)));
        }
    }
    return false;
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // --- durations ---------------------------------------------------------------------------
    void durationsGoUpToOneHundredYears();
    void longerDurationsAreRefusedWhereTheyAreWritten_data();
    void longerDurationsAreRefusedWhereTheyAreWritten();
    void largestValuesRunThroughEveryPattern_data();
    void largestValuesRunThroughEveryPattern();
    void waitsCannotPassTheEndOfTime();

    // --- budgets and honest results ------------------------------------------------------------
    void endlessBackgroundWorkStopsAtTheBudget();
    void simulateNeverReportsASmallerRun();
    void compareNeverReportsASmallerRun();
    void interruptedSimulationPrintsWhatItMeasured();
    void cancelledSimulationIsMarkedPartial();

    // --- faults nobody asked for ---------------------------------------------------------------
    void unrequestedDatabaseErrorFailsTheRun();
    void requestedFaultsStillPass();
    void databaseFileStartsFromTheScenario();

private:
    QString writeScenario(const QString &name, const QByteArray &text)
    {
        const QString path = m_tmp.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    QTemporaryDir m_tmp;
};

void TestLimits::durationsGoUpToOneHundredYears()
{
    QCOMPARE(parseDuration(u"876000h"), std::optional<TimeUs>(kMaxDuration));
    QCOMPARE(parseDuration(u"3153600000000000us"), std::optional<TimeUs>(kMaxDuration));
    QCOMPARE(parseDuration(u"876001h"), std::nullopt);
    QCOMPARE(parseDuration(u"3153600000000001us"), std::nullopt);
    QCOMPARE(parseDuration(u"99999999999999999999h"), std::nullopt);
    QVERIFY(durationError(u"876001h").contains(u"100 years"_s));
    QVERIFY(durationError(u"5 s").contains(u"not a duration"_s));
    QVERIFY(durationError(u"-5s").contains(u"not a duration"_s));
}

void TestLimits::longerDurationsAreRefusedWhereTheyAreWritten_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::newRow("wait") << QByteArray("pattern cache-aside\nread a\nwait 876001h\n") << 3;
    QTest::newRow("ttl option") << QByteArray("# t\npattern cache-aside ttl=2562047788h\n") << 2;
    QTest::newRow("latency") << QByteArray("pattern cache-aside\nlatency db=2147483648h\n") << 2;
    QTest::newRow("open-timeout") << QByteArray(
                                         "pattern circuit-breaker open-timeout=9999999999999m\n")
                                  << 1;
    QTest::newRow("expect ttl") << QByteArray(
                                       "pattern cache-aside\nwrite a 1\nexpect ttl a < 876001h\n")
                                << 3;
}

void TestLimits::longerDurationsAreRefusedWhereTheyAreWritten()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    const QString path = writeScenario(u"long.cls"_s, text);
    const CliRun run = runCli({u"run"_s, path});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.err.contains(u"long.cls:%1:"_s.arg(line).toUtf8()), qPrintable(run.describe()));
    QVERIFY2(run.err.contains("100 years"), qPrintable(run.describe()));
}

void TestLimits::largestValuesRunThroughEveryPattern_data()
{
    QTest::addColumn<QByteArray>("pattern");
    const char *lines[] = {
        "cache-aside ttl=876000h negative-ttl=876000h jitter=100%",
        "write-through ttl=876000h",
        "write-behind ttl=876000h flush=876000h retries=3",
        "refresh-ahead ttl=876000h threshold=0.99",
        "around ttl=876000h",
        "multi-level ttl=876000h l1-ttl=876000h l2-ttl=876000h",
        "circuit-breaker ttl=876000h open-timeout=876000h failures=1",
    };
    for (const char *line : lines)
        QTest::newRow(line) << QByteArray(line);
}

void TestLimits::largestValuesRunThroughEveryPattern()
{
    // Every time computed from the largest accepted values must fit: UBSan (in CI) turns an
    // overflow anywhere into a failure, and the expectations check the arithmetic came out.
    QFETCH(QByteArray, pattern);
    const QByteArray text = "pattern " + pattern +
                            "\n"
                            "clients 2\n"
                            "latency cache=876000h db=876000h l1=876000h\n"
                            "write k v1\n"
                            "read k\n"
                            "as B read missing\n"
                            "fail cache\n"
                            "spawn read k\n"
                            "wait 876000h\n"
                            "recover cache\n"
                            "wait 876000h\n"
                            "settle\n"
                            "crash\n"
                            "wait 876000h\n"
                            "expect db k = v1\n";
    auto parsed = scenario::parse(QString::fromUtf8(text), u"largest.cls"_s);
    auto *error = std::get_if<scenario::ParseError>(&parsed);
    QVERIFY2(!error, error ? qPrintable(error->toString()) : "");
    LabConfig base;
    base.tracing = false;
    base.maxEvents = kDefaultMaxEvents;
    scenario::Runner runner(std::get<scenario::Scenario>(std::move(parsed)), nullptr, nullptr,
                            base);
    const scenario::RunResult result = runner.run();
    QVERIFY2(result.fatal.isEmpty() || result.fatal.contains(u"did not finish"_s),
             qPrintable(result.fatal));
    QVERIFY(result.virtualTime >= 3 * kMaxDuration);
    QVERIFY(result.virtualTime <= kEndOfTime);
}

void TestLimits::waitsCannotPassTheEndOfTime()
{
    QByteArray text = "pattern cache-aside\n";
    for (int i = 0; i < 800; ++i)
        text += "wait 876000h\n";
    const QString path = writeScenario(u"eternity.cls"_s, text);
    const CliRun run = runCli({u"run"_s, path});
    VERIFY_RUN(run, 2);
    // 73,117 years fit; the wait on line 733 would pass the end of the clock.
    QVERIFY2(run.out.contains("eternity.cls:733: wait:"), qPrintable(run.describe()));
}

void TestLimits::endlessBackgroundWorkStopsAtTheBudget()
{
    // A flush every millisecond for a hundred years would run for days: the budget stops it
    // on the line that asked for it, with a message saying how to go further.
    const QString path = writeScenario(u"endless.cls"_s, "pattern write-behind flush=1ms\n"
                                                         "write k v\n"
                                                         "wait 876000h\n"
                                                         "expect db k = v\n");
    const CliRun run = runCli({u"run"_s, path, u"--max-events"_s, u"200000"_s});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.out.contains("endless.cls:3: the run used up its budget of 200000"),
             qPrintable(run.describe()));
    QVERIFY(run.out.contains("--max-events"));

    const CliRun bad = runCli({u"run"_s, path, u"--max-events"_s, u"lots"_s});
    VERIFY_RUN(bad, 2);
    QVERIFY2(bad.err.contains("--max-events"), qPrintable(bad.describe()));
}

void TestLimits::simulateNeverReportsASmallerRun()
{
    const CliRun run = runCli({u"simulate"_s, u"--pattern"_s, u"write-behind"_s, u"--requests"_s,
                               u"50000"_s, u"--max-events"_s, u"20000"_s, u"--json"_s});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.out.isEmpty(), qPrintable(run.describe())); // no figures at all
    QVERIFY2(run.err.contains("of the 50000 requests"), qPrintable(run.describe()));

    // With the default budget the same run does all it was asked.
    const CliRun full = runCli({u"simulate"_s, u"--pattern"_s, u"write-behind"_s, u"--requests"_s,
                                u"50000"_s, u"--json"_s});
    VERIFY_RUN(full, 0);
    const QJsonObject json = QJsonDocument::fromJson(full.out).object();
    QCOMPARE(json.value(u"requests"_s).toInteger(), 50000);
    QVERIFY(!json.contains(u"partial"_s));
}

void TestLimits::compareNeverReportsASmallerRun()
{
    const CliRun run = runCli({u"compare"_s, u"--requests"_s, u"20000"_s, u"--max-events"_s,
                               u"30000"_s, u"--markdown"_s});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.out.isEmpty(), qPrintable(run.describe()));
    QVERIFY2(run.err.contains("budget of 30000"), qPrintable(run.describe()));
}

void TestLimits::interruptedSimulationPrintsWhatItMeasured()
{
    // Far more than the test waits for: only Ctrl-C ends it early.
    QProcess process;
    process.start(QString::fromUtf8(CACHELAB_CLI),
                  {u"simulate"_s, u"--pattern"_s, u"cache-aside"_s, u"--requests"_s, u"100000000"_s,
                   u"--json"_s},
                  QIODevice::ReadOnly);
    QVERIFY(process.waitForStarted(kTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(catchesSigint(process.processId()), kTimeoutMs);
    // Interrupt it once it has simulated for a while: a fifth of a second of its own CPU time
    // after the handler went in (read from the kernel, so a slow machine only waits longer).
    const qint64 installed = cpuTicks(process.processId());
    QTRY_VERIFY_WITH_TIMEOUT(cpuTicks(process.processId()) >= installed + 20, kTimeoutMs);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    const QJsonObject json = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    QVERIFY(json.value(u"partial"_s).toBool());
    const qint64 requests = json.value(u"requests"_s).toInteger();
    QVERIFY2(requests < 100'000'000, qPrintable(QString::number(requests)));
    QVERIFY(json.value(u"metrics"_s).toObject().value(u"reads"_s).toInteger() > 0);
}

void TestLimits::cancelledSimulationIsMarkedPartial()
{
    WorkloadSpec spec;
    spec.requests = 100'000;
    int calls = 0;
    const SimulationResult r = simulate(PatternKind::CacheAside, {}, spec, simulationConfig(),
                                        [&](double) { return ++calls < 3; });
    QVERIFY(r.cancelled);
    QVERIFY(r.error.isEmpty());
    QVERIFY(r.requests > 0 && r.requests < spec.requests);
    QVERIFY(r.toJson().value(u"partial"_s).toBool());
}

void TestLimits::unrequestedDatabaseErrorFailsTheRun()
{
    // The database refuses one row by itself (as a full disk or a constraint would); the
    // scenario asked for no fault, so the run is not a clean one whatever it expected.
    const QString db = m_tmp.filePath(u"poison.db"_s);
    const QString setup = writeScenario(u"setup.cls"_s, "pattern write-through\nwrite a 1\n");
    VERIFY_RUN(runCli({u"run"_s, setup, u"--db"_s, db}), 0);
    {
        QSqlDatabase sql = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"poison"_s);
        sql.setDatabaseName(db);
        QVERIFY(sql.open());
        QSqlQuery q(sql);
        QVERIFY2(q.exec(u"CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.key = 'poison' "
                        "BEGIN SELECT RAISE(ABORT, 'the disk is full (simulated)'); END"_s),
                 qPrintable(q.lastError().text()));
        sql.close();
    }
    QSqlDatabase::removeDatabase(u"poison"_s);

    const QString path = writeScenario(u"poison.cls"_s, "pattern write-through\n"
                                                        "write b 2\n"
                                                        "write poison 3\n"
                                                        "write c 4\n"
                                                        "expect db c = 4\n");
    const CliRun run = runCli({u"run"_s, path, u"--db"_s, db});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.out.contains("poison.cls:3: a call failed though the scenario made nothing fail"),
             qPrintable(run.describe()));
    QVERIFY2(run.out.contains("the disk is full (simulated)"), qPrintable(run.describe()));

    const CliRun json = runCli({u"run"_s, path, u"--db"_s, db, u"--json"_s});
    VERIFY_RUN(json, 2);
    const QJsonObject unrequested =
        QJsonDocument::fromJson(json.out).object().value(u"unrequested_errors"_s).toObject();
    QCOMPARE(unrequested.value(u"count"_s).toInteger(), 1);
}

void TestLimits::requestedFaultsStillPass()
{
    const QString path = writeScenario(u"asked.cls"_s, "pattern cache-aside\n"
                                                       "write a 1\n"
                                                       "fail db\n"
                                                       "invalidate a\n"
                                                       "read a\n"
                                                       "expect error\n"
                                                       "recover db\n"
                                                       "read a\n"
                                                       "expect result = 1\n");
    const CliRun run = runCli({u"run"_s, path});
    VERIFY_RUN(run, 0);
}

void TestLimits::databaseFileStartsFromTheScenario()
{
    // The same file and the same --db give the same run the second time, as with the cache;
    // --keep-db is there for a run that means to go on where another left off.
    const QString db = m_tmp.filePath(u"again.db"_s);
    const QString path = writeScenario(u"again.cls"_s, "pattern cache-aside\n"
                                                       "write k v\n"
                                                       "expect db k version 1\n");
    VERIFY_RUN(runCli({u"run"_s, path, u"--db"_s, db}), 0);
    VERIFY_RUN(runCli({u"run"_s, path, u"--db"_s, db}), 0);
    const CliRun kept = runCli({u"run"_s, path, u"--db"_s, db, u"--keep-db"_s});
    VERIFY_RUN(kept, 1);
    QVERIFY2(kept.out.contains("again.cls:3: expected db k version 1, got version 2"),
             qPrintable(kept.describe()));
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
