// Runs the real cachelab-cli binary, as a teacher or a CI job would, and checks the contract
// of SCENARIOS.md: exit statuses, messages, --json, --trace, --mermaid, --db. Every demo
// scenario shipped in resources/scenarios must pass and replay identically.

#include "clirun.h"
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Generous: a run takes milliseconds, but CI machines are shared and ASan is slow.

bool writeText(const QString &path, const QByteArray &utf8)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(utf8) == utf8.size();
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QDir scenarioDir()
{
    return QDir(QString::fromUtf8(CACHELAB_SCENARIO_DIR));
}

QStringList demoFiles()
{
    return scenarioDir().entryList({u"*.cls"_s}, QDir::Files | QDir::Readable, QDir::Name);
}

// The display names of the diagram's lifelines, in the order they are declared.
QStringList participants(const QString &mermaid)
{
    static const QRegularExpression line(u"^\\s*participant (\\S+)(?: as (.+))?$"_s);
    QStringList names;
    for (const QString &text : mermaid.split(u'\n')) {
        const auto m = line.match(text);
        if (m.hasMatch())
            names.append(m.captured(2).isEmpty() ? m.captured(1) : m.captured(2).trimmed());
    }
    return names;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // The demo scenarios a teacher picks from the menu.
    void demoDirectoryIsFilled();
    void demoScenarioPasses_data();
    void demoScenarioPasses();
    void demoTraceIsByteIdentical_data();
    void demoTraceIsByteIdentical();

    // Output formats.
    void jsonOutput();
    void failingExpectationExitsOne();
    void mermaidDiagram_data();
    void mermaidDiagram();

    // Invalid input: exit 2, nothing runs.
    void invalidScenario_data();
    void invalidScenario();
    void unknownCliOption();
    void missingScenarioFile();
    void unwritableDatabasePath_data();
    void unwritableDatabasePath();
    void helpAndVersion();

    // Data that must survive the trip through cache, database and parser untouched.
    void valuesRoundTrip_data();
    void valuesRoundTrip();
    void oneMebibyteValue();
    void sqlLookingKeys();
    void applicationTableIsNeverEmptiedUnasked();

private:
    QString writeScenario(const QString &name, const QByteArray &text);

    QTemporaryDir m_tmp;
};

void TestCli::initTestCase()
{
    QVERIFY2(m_tmp.isValid(), qPrintable(m_tmp.errorString()));
    const QFileInfo cli(QString::fromUtf8(CACHELAB_CLI));
    QVERIFY2(cli.isExecutable(), qPrintable(cli.filePath() + u" is not an executable"_s));
    QVERIFY2(scenarioDir().exists(), CACHELAB_SCENARIO_DIR);
}

QString TestCli::writeScenario(const QString &name, const QByteArray &text)
{
    const QString path = m_tmp.filePath(name);
    if (!writeText(path, text))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// ---- demos ---------------------------------------------------------------------------------

void TestCli::demoDirectoryIsFilled()
{
    const QStringList files = demoFiles();
    QVERIFY2(files.size() >= 14,
             qPrintable(u"only %1 demo scenarios: %2"_s.arg(files.size()).arg(files.join(u", "))));
    // At least two demos for each of the seven patterns.
    const QStringList patterns = {u"cache-aside"_s,    u"write-through"_s, u"write-behind"_s,
                                  u"refresh-ahead"_s,  u"around"_s,        u"multi-level"_s,
                                  u"circuit-breaker"_s};
    for (const QString &pattern : patterns) {
        int uses = 0;
        for (const QString &file : files) {
            const QString text = QString::fromUtf8(readAll(scenarioDir().filePath(file)));
            static const QRegularExpression patternLine(u"^pattern (\\S+)"_s,
                                                        QRegularExpression::MultilineOption);
            if (patternLine.match(text).captured(1) == pattern)
                ++uses;
        }
        QVERIFY2(uses >= 2, qPrintable(u"%1 has %2 demo(s)"_s.arg(pattern).arg(uses)));
    }
}

void TestCli::demoScenarioPasses_data()
{
    QTest::addColumn<QString>("path");
    for (const QString &file : demoFiles())
        QTest::newRow(qPrintable(file)) << scenarioDir().filePath(file);
}

void TestCli::demoScenarioPasses()
{
    QFETCH(QString, path);
    const QString text = QString::fromUtf8(readAll(path));
    QStringList lines = text.split(u'\n');

    // The first line is the title shown in the menu.
    QVERIFY2(lines.first().startsWith(u"# "_s) && lines.first().size() > 4,
             "the first line must be a `# Title` comment");

    // The file ends by proving what it showed.
    while (!lines.isEmpty() &&
           (lines.last().trimmed().isEmpty() || lines.last().trimmed().startsWith(u'#')))
        lines.removeLast();
    QVERIFY(!lines.isEmpty());
    static const QRegularExpression expectLine(u"^(as [A-Z] )?expect "_s);
    QVERIFY2(expectLine.match(lines.last().trimmed()).hasMatch(),
             qPrintable(u"the last command is not an expectation: "_s + lines.last()));

    const CliRun run = runCli({u"run"_s, path});
    VERIFY_RUN(run, 0);
    QVERIFY2(run.out.contains(" 0 failed"), run.out.constData());
}

void TestCli::demoTraceIsByteIdentical_data()
{
    demoScenarioPasses_data();
}

void TestCli::demoTraceIsByteIdentical()
{
    QFETCH(QString, path);
    const QString name = QFileInfo(path).completeBaseName();
    const QString first = m_tmp.filePath(name + u".1.json"_s);
    const QString second = m_tmp.filePath(name + u".2.json"_s);

    const CliRun a = runCli({u"run"_s, path, u"--trace"_s, first});
    VERIFY_RUN(a, 0);
    const CliRun b = runCli({u"run"_s, path, u"--trace"_s, second});
    VERIFY_RUN(b, 0);

    const QByteArray one = readAll(first);
    const QByteArray two = readAll(second);
    QVERIFY(!one.isEmpty());
    QVERIFY2(one == two, "two runs of the same file gave different traces");
    QJsonParseError error;
    const QJsonDocument trace = QJsonDocument::fromJson(one, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(trace.isObject());
}

// ---- output formats ------------------------------------------------------------------------

void TestCli::jsonOutput()
{
    const QString path = writeScenario(u"json.cls"_s, "# JSON output\n"
                                                      "pattern cache-aside ttl=30s\n"
                                                      "db put user:1 Ann\n"
                                                      "read user:1\n"
                                                      "read user:1\n"
                                                      "expect metric db.reads = 1\n"
                                                      "expect metric cache.hits = 1\n");
    const CliRun run = runCli({u"run"_s, path, u"--json"_s});
    VERIFY_RUN(run, 0);

    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError,
             qPrintable(error.errorString() + u": "_s + QString::fromUtf8(run.out)));
    QVERIFY(doc.isObject());
    const QJsonObject root = doc.object();

    const QJsonObject expectations = root.value(u"expectations"_s).toObject();
    QCOMPARE(expectations.value(u"passed"_s).toInt(-1), 2);
    QCOMPARE(expectations.value(u"failed"_s).toInt(-1), 0);
    QVERIFY(expectations.value(u"failures"_s).isArray());
    QVERIFY(expectations.value(u"failures"_s).toArray().isEmpty());

    const QJsonObject metrics = root.value(u"metrics"_s).toObject();
    const QStringList names = {
        u"reads"_s,     u"writes"_s,        u"cache.hits"_s, u"cache.misses"_s, u"l1.hits"_s,
        u"l1.misses"_s, u"db.reads"_s,      u"db.writes"_s,  u"stale.reads"_s,  u"lost.writes"_s,
        u"refreshes"_s, u"breaker.opens"_s, u"errors"_s};
    QCOMPARE(names.size(), 13);
    for (const QString &name : names)
        QVERIFY2(metrics.value(name).isDouble(), qPrintable(u"metric missing: "_s + name));
    QCOMPARE(metrics.value(u"reads"_s).toInt(), 2);
    QCOMPARE(metrics.value(u"cache.misses"_s).toInt(), 1);
    QCOMPARE(metrics.value(u"db.reads"_s).toInt(), 1);

    // GET 1ms + SELECT 50ms + SETEX 1ms, then a 1ms hit.
    QVERIFY(root.value(u"virtual_time_us"_s).isDouble());
    QCOMPARE(root.value(u"virtual_time_us"_s).toInteger(), 53'000);

    // A failure is reported with its line, its text and what was found.
    const QString failing = writeScenario(u"json-failing.cls"_s, "pattern cache-aside\n"
                                                                 "db put k v\n"
                                                                 "read k\n"
                                                                 "expect result = w\n");
    const CliRun bad = runCli({u"run"_s, failing, u"--json"_s});
    VERIFY_RUN(bad, 1);
    const QJsonObject badRoot = QJsonDocument::fromJson(bad.out).object();
    const QJsonObject badExpectations = badRoot.value(u"expectations"_s).toObject();
    QCOMPARE(badExpectations.value(u"passed"_s).toInt(-1), 0);
    QCOMPARE(badExpectations.value(u"failed"_s).toInt(-1), 1);
    const QJsonObject failure = badExpectations.value(u"failures"_s).toArray().first().toObject();
    QCOMPARE(failure.value(u"line"_s).toInt(), 4);
    QCOMPARE(failure.value(u"text"_s).toString(), u"result = w"_s);
    QCOMPARE(failure.value(u"actual"_s).toString(), u"\"v\""_s);
}

void TestCli::failingExpectationExitsOne()
{
    const QString path =
        writeScenario(u"failing.cls"_s, "# Two wrong expectations and a right one\n"
                                        "pattern cache-aside\n"
                                        "write k v\n"
                                        "expect db k = wrong\n"
                                        "expect db k = v\n"
                                        "expect metric db.writes = 2\n");
    const CliRun run = runCli({u"run"_s, path});
    VERIFY_RUN(run, 1);
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(out.contains(path + u":4: expected db k = wrong, got \"v\"\n"_s), qPrintable(out));
    QVERIFY2(out.contains(path + u":6: expected metric db.writes = 2, got 1\n"_s), qPrintable(out));
    QVERIFY2(!out.contains(path + u":5:"_s), qPrintable(out));
}

void TestCli::mermaidDiagram_data()
{
    QTest::addColumn<QByteArray>("scenario");
    QTest::addColumn<QStringList>("lifelines");

    QTest::newRow("cache-aside") << QByteArray("pattern cache-aside\n"
                                               "db put user:1 Ann\n"
                                               "read user:1\n"
                                               "write user:1 Bob\n"
                                               "expect db user:1 = Bob\n")
                                 << QStringList{u"App"_s, u"Cache"_s, u"DB"_s};
    QTest::newRow("write-behind") << QByteArray("pattern write-behind flush=1s\n"
                                                "write user:1 Ann\n"
                                                "read user:1\n"
                                                "settle\n"
                                                "expect db user:1 = Ann\n")
                                  << QStringList{u"App"_s, u"Cache"_s, u"Queue"_s, u"DB"_s};
}

void TestCli::mermaidDiagram()
{
    QFETCH(QByteArray, scenario);
    QFETCH(QStringList, lifelines);
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    const QString path = writeScenario(tag + u"-mermaid.cls"_s, scenario);
    const QString out = m_tmp.filePath(tag + u".mmd"_s);

    const CliRun run = runCli({u"run"_s, path, u"--mermaid"_s, out});
    VERIFY_RUN(run, 0);
    const QString diagram = QString::fromUtf8(readAll(out));
    QVERIFY2(diagram.startsWith(u"sequenceDiagram\n"_s), qPrintable(diagram.left(200)));
    QCOMPARE(participants(diagram), lifelines);

    // Messages and notes are numbered 1, 2, 3… in order, as the diagram on screen numbers
    // them; calls are solid, replies dashed.
    static const QRegularExpression message(
        u"^\\s*(\\S+?)(->>|-->>|-\\))(\\S+): (\\d+)\\. (.*)$"_s);
    static const QRegularExpression note(u"^\\s*Note over [^:]+: (\\d+)\\. "_s);
    int expected = 0;
    int replies = 0;
    QString firstLabel;
    int firstNumber = 0;
    for (const QString &line : diagram.split(u'\n')) {
        if (const auto n = note.match(line); n.hasMatch()) {
            QCOMPARE(n.captured(1).toInt(), ++expected);
            continue;
        }
        const auto m = message.match(line);
        if (!m.hasMatch())
            continue;
        QCOMPARE(m.captured(4).toInt(), ++expected);
        if (firstNumber == 0) {
            firstNumber = expected;
            firstLabel = m.captured(5);
            QCOMPARE(m.captured(2), u"->>"_s);
        }
        if (m.captured(5) == u"OK"_s || m.captured(5).startsWith(u"miss"_s) ||
            m.captured(5).startsWith(u"hit "_s) || m.captured(5).startsWith(u"row "_s)) {
            QVERIFY2(m.captured(2) == u"-->>"_s, qPrintable(line));
            ++replies;
        }
    }
    QVERIFY2(expected > 4, qPrintable(diagram));
    QVERIFY(replies > 0);
    if (tag == u"cache-aside"_s) {
        QCOMPARE(firstLabel, u"GET user:1"_s);
        QVERIFY2(diagram.contains(u"Cache-->>AppA: %1. miss\n"_s.arg(firstNumber + 1)),
                 qPrintable(diagram));
    } else {
        QCOMPARE(firstLabel, u"SETEX user:1 1h"_s);
        QVERIFY2(diagram.contains(u"QueueA->>DB: "_s), qPrintable(diagram));
    }
}

// ---- invalid input -------------------------------------------------------------------------

void TestCli::invalidScenario_data()
{
    QTest::addColumn<QByteArray>("scenario");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown command") << QByteArray("pattern cache-aside\n"
                                                   "read k\n"
                                                   "frobnicate k\n")
                                     << 3 << u"unknown command \"frobnicate\""_s;
    QTest::newRow("bad duration") << QByteArray("# title\n"
                                                "pattern cache-aside\n"
                                                "read k\n"
                                                "wait 5 seconds\n")
                                  << 4 << u"\"5\" is not a duration"_s;
    QTest::newRow("bad option duration")
        << QByteArray("pattern cache-aside ttl=soon\n") << 1 << u"\"soon\" is not a duration"_s;
    QTest::newRow("unknown option") << QByteArray("\n"
                                                  "pattern cache-aside colour=blue\n"
                                                  "read k\n")
                                    << 2 << u"unknown option \"colour\""_s;
    QTest::newRow("option of another pattern")
        << QByteArray("pattern cache-aside batch=10\nread k\n") << 1
        << u"the cache-aside pattern has no option \"batch\""_s;
    QTest::newRow("missing argument") << QByteArray("pattern write-through\n"
                                                    "write user:1\n")
                                      << 2 << u"write needs a value after the key"_s;
    QTest::newRow("missing key") << QByteArray("pattern cache-aside\n"
                                               "read\n")
                                 << 2 << u"read needs a key"_s;
    QTest::newRow("no pattern") << QByteArray("read k\n") << 1 << u"no pattern line"_s;
    QTest::newRow("client that does not exist") << QByteArray("pattern cache-aside\n"
                                                              "as B read k\n")
                                                << 2 << u"client B does not exist"_s;
    QTest::newRow("setup after an operation") << QByteArray("pattern cache-aside\n"
                                                            "read k\n"
                                                            "clients 2\n")
                                              << 3 << u"must come before the first operation"_s;
}

void TestCli::invalidScenario()
{
    QFETCH(QByteArray, scenario);
    QFETCH(int, line);
    QFETCH(QString, message);

    // A valid run would fail an expectation, so exit 2 can only come from the parse.
    const QString path = writeScenario(u"invalid.cls"_s, scenario + "expect db k = never\n");
    const QString trace = m_tmp.filePath(u"invalid-trace.json"_s);
    const QString mermaid = m_tmp.filePath(u"invalid.mmd"_s);
    QFile::remove(trace);
    QFile::remove(mermaid);

    const CliRun run = runCli({u"run"_s, path, u"--trace"_s, trace, u"--mermaid"_s, mermaid});
    VERIFY_RUN(run, 2);
    const QString err = QString::fromUtf8(run.err);
    const QString prefix = u"%1:%2: "_s.arg(path).arg(line);
    QVERIFY2(err.startsWith(prefix), qPrintable(u"expected "_s + prefix + u"…, got "_s + err));
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY2(run.out.isEmpty(), run.out.constData());
    // Nothing ran, so nothing was traced.
    QVERIFY(!QFile::exists(trace));
    QVERIFY(!QFile::exists(mermaid));
}

void TestCli::unknownCliOption()
{
    const QString path = writeScenario(u"option.cls"_s, "pattern cache-aside\nread k\n");
    const CliRun run = runCli({u"run"_s, path, u"--no-such-option"_s});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.err.contains("no-such-option"), run.err.constData());

    const CliRun command = runCli({u"frobnicate"_s});
    VERIFY_RUN(command, 2);

    const CliRun twoFiles = runCli({u"run"_s, path, path});
    VERIFY_RUN(twoFiles, 2);
}

void TestCli::missingScenarioFile()
{
    const QString path = m_tmp.filePath(u"does-not-exist.cls"_s);
    const QString trace = m_tmp.filePath(u"missing-trace.json"_s);
    const CliRun run = runCli({u"run"_s, path, u"--trace"_s, trace});
    VERIFY_RUN(run, 2);
    QVERIFY2(QString::fromUtf8(run.err).contains(path), run.err.constData());
    QVERIFY(!QFile::exists(trace));
}

void TestCli::unwritableDatabasePath_data()
{
    QTest::addColumn<QString>("db");
    QTest::newRow("inside /proc") << u"/proc/nope/x.db"_s;
    QTest::newRow("missing folder") << m_tmp.filePath(u"no/such/folder/x.db"_s);
}

void TestCli::unwritableDatabasePath()
{
    QFETCH(QString, db);
    const QString path = writeScenario(u"db.cls"_s, "pattern cache-aside\nwrite k v\n"
                                                    "expect db k = v\n");
    const CliRun run = runCli({u"run"_s, path, u"--db"_s, db});
    VERIFY_RUN(run, 2);
    QVERIFY2(QString::fromUtf8(run.err).contains(db), run.err.constData());
    QVERIFY(!QFile::exists(db));
}

void TestCli::helpAndVersion()
{
    const CliRun help = runCli({u"--help"_s});
    VERIFY_RUN(help, 0);
    QVERIFY2(help.out.contains("run FILE"), help.out.constData());

    const CliRun runHelp = runCli({u"run"_s, u"--help"_s});
    VERIFY_RUN(runHelp, 0);
    for (const char *option : {"--json", "--mermaid", "--trace", "--db"})
        QVERIFY2(runHelp.out.contains(option), runHelp.out.constData());
    // Each command's usage line names the command, not the path the program was started by.
    for (const char *command : {"run", "lesson", "simulate", "compare"}) {
        const CliRun commandHelp = runCli({QString::fromLatin1(command), u"--help"_s});
        VERIFY_RUN(commandHelp, 0);
        const QByteArray usage = commandHelp.out.left(commandHelp.out.indexOf('\n'));
        const QByteArray expected = QByteArray("Usage: cachelab-cli ") + command + " [options]";
        QVERIFY2(usage.startsWith(expected), usage.constData());
    }

    const CliRun version = runCli({u"--version"_s});
    VERIFY_RUN(version, 0);
    static const QRegularExpression versionLine(u"^cachelab-cli \\d+\\.\\d+\\.\\d+\\n$"_s);
    QVERIFY2(versionLine.match(QString::fromUtf8(version.out)).hasMatch(), version.out.constData());
}

// ---- data round trips ----------------------------------------------------------------------

void TestCli::valuesRoundTrip_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("quotes") << u"she said \"hi\" and 'bye'"_s;
    QTest::newRow("json") << u"{\"name\": \"Ann\", \"tags\": [\"a\", \"b\"], \"n\": 1.5e3}"_s;
    QTest::newRow("non-ascii") << u"Grüße, 日本語, Ελληνικά, emoji 🚀"_s;
    QTest::newRow("backslashes") << u"C:\\path\\to\\file \\n \\u00e9"_s;
    QTest::newRow("comment and equals signs") << u"a # not a comment = still the value"_s;
    QTest::newRow("sql") << u"x'; DROP TABLE records; --"_s;
}

void TestCli::valuesRoundTrip()
{
    QFETCH(QString, value);
    const QByteArray v = value.toUtf8();
    const QString path = writeScenario(u"value.cls"_s, "pattern cache-aside\n"
                                                       "write doc:1 " +
                                                           v +
                                                           "\n"
                                                           "expect db doc:1 = " +
                                                           v +
                                                           "\n"
                                                           "read doc:1\n"
                                                           "expect result = " +
                                                           v +
                                                           "\n"
                                                           "expect cache doc:1 = " +
                                                           v +
                                                           "\n"
                                                           "db put doc:2 " +
                                                           v +
                                                           "\n"
                                                           "read doc:2\n"
                                                           "expect result = " +
                                                           v + "\n");
    const CliRun run = runCli({u"run"_s, path, u"--trace"_s, m_tmp.filePath(u"value.json"_s)});
    VERIFY_RUN(run, 0);

    // The trace carries the value too, as valid JSON.
    const QJsonDocument trace = QJsonDocument::fromJson(readAll(m_tmp.filePath(u"value.json"_s)));
    QVERIFY(trace.isObject());
    bool found = false;
    for (const QJsonValue &event : trace.object().value(u"events"_s).toArray())
        found = found || event.toObject().value(u"value"_s).toString() == value;
    QVERIFY2(found, "the value does not appear in the trace");
}

void TestCli::oneMebibyteValue()
{
    // Printable, not repetitive, and without spaces at either end (values are trimmed).
    QByteArray value;
    value.reserve(1 << 20);
    quint32 x = 12345;
    while (value.size() < (1 << 20)) {
        x = x * 1103515245u + 12345u;
        value.append(char('!' + (x >> 16) % 94));
    }
    QCOMPARE(value.size(), 1 << 20);

    const QString path = writeScenario(u"big.cls"_s, "pattern write-through\n"
                                                     "write blob:1 " +
                                                         value +
                                                         "\n"
                                                         "expect db blob:1 = " +
                                                         value +
                                                         "\n"
                                                         "expect cache blob:1 = " +
                                                         value +
                                                         "\n"
                                                         "invalidate blob:1\n"
                                                         "read blob:1\n"
                                                         "expect result = " +
                                                         value + "\n");
    const CliRun run = runCli({u"run"_s, path, u"--db"_s, m_tmp.filePath(u"big.db"_s)});
    VERIFY_RUN(run, 0);
    QVERIFY2(run.out.contains(" 3 expectations held, 0 failed"), run.out.constData());
}

void TestCli::sqlLookingKeys()
{
    // Keys are single tokens, so the injection uses SQL comments instead of spaces.
    const QByteArray evilKey = "x';DROP/**/TABLE/**/records;--";
    const QByteArray quoteKey = "a\"b'c`d";
    const QString db = m_tmp.filePath(u"sql.db"_s);

    const QString first =
        writeScenario(u"sql-1.cls"_s, "pattern cache-aside\n"
                                      "write keep:1 kept\n"
                                      "write " +
                                          evilKey +
                                          " x'; DROP TABLE records; --\n"
                                          "write " +
                                          quoteKey +
                                          " quoted\n"
                                          "read " +
                                          evilKey +
                                          "\n"
                                          "expect result = x'; DROP TABLE records; --\n"
                                          "expect cache " +
                                          evilKey +
                                          " = x'; DROP TABLE records; --\n"
                                          "expect db keep:1 = kept\n"
                                          "expect db " +
                                          quoteKey + " = quoted\n");
    const CliRun run = runCli({u"run"_s, first, u"--db"_s, db});
    VERIFY_RUN(run, 0);

    // A second process opens the same file: the table and every row are still there.
    const QString second = writeScenario(u"sql-2.cls"_s, "pattern cache-aside\n"
                                                         "expect db keep:1 = kept\n"
                                                         "expect db keep:1 version 1\n"
                                                         "expect db " +
                                                             evilKey +
                                                             " = x'; DROP TABLE records; --\n"
                                                             "expect db " +
                                                             quoteKey +
                                                             " = quoted\n"
                                                             "read keep:1\n"
                                                             "expect result = kept\n");
    const CliRun again = runCli({u"run"_s, second, u"--db"_s, db, u"--keep-db"_s});
    VERIFY_RUN(again, 0);
}

void TestCli::applicationTableIsNeverEmptiedUnasked()
{
    // A shop's own table: a run would start by emptying it, so the CLI asks for --keep-db.
    const QString file = m_tmp.filePath(u"shop.db"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"shop"_s);
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"CREATE TABLE items (sku TEXT PRIMARY KEY, name TEXT)"_s));
        QVERIFY(q.exec(u"INSERT INTO items VALUES ('s:1', 'pen')"_s));
    }
    QSqlDatabase::removeDatabase(u"shop"_s);
    const QString url = u"sqlite:"_s + file + u"?table=items&key=sku&value=name"_s;
    const QString path = writeScenario(u"shop.cls"_s, "pattern cache-aside\n"
                                                      "read s:1\n"
                                                      "expect result = pen\n"
                                                      "write s:2 ink\n"
                                                      "expect db s:2 = ink\n");
    const CliRun refused = runCli({u"run"_s, path, u"--db"_s, url});
    VERIFY_RUN(refused, 2);
    QVERIFY2(refused.err.contains("your own table \"items\"") && refused.err.contains("--keep-db"),
             qPrintable(refused.describe()));
    const CliRun kept = runCli({u"run"_s, path, u"--db"_s, url, u"--keep-db"_s});
    VERIFY_RUN(kept, 0);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"shop"_s);
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(u"SELECT name FROM items ORDER BY sku"_s, db);
        QStringList names;
        while (q.next())
            names.append(q.value(0).toString());
        QCOMPARE(names, (QStringList{u"pen"_s, u"ink"_s}));
    }
    QSqlDatabase::removeDatabase(u"shop"_s);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
