#include "scenario/scenario.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace cachelab;
using namespace cachelab::scenario;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(cachelab::scenario::Command::Type)
Q_DECLARE_METATYPE(cachelab::scenario::Expectation::Subject)
Q_DECLARE_METATYPE(cachelab::scenario::Compare)
Q_DECLARE_METATYPE(cachelab::PatternKind)
Q_DECLARE_METATYPE(cachelab::PatternOptions)

namespace {

QString describe(const std::variant<Scenario, ParseError> &result)
{
    if (const auto *error = std::get_if<ParseError>(&result))
        return error->toString();
    return u"parsed without error"_s;
}

} // namespace

// Macros rather than helpers: QVERIFY has to return from the test function itself.
#define PARSE_OK(var, text)                                                                        \
    const auto var##Result = parse((text), u"t.cls"_s);                                            \
    QVERIFY2(std::holds_alternative<Scenario>(var##Result), qPrintable(describe(var##Result)));    \
    const Scenario &var = std::get<Scenario>(var##Result)

#define PARSE_ERROR(var, text)                                                                     \
    const auto var##Result = parse((text), u"t.cls"_s);                                            \
    QVERIFY2(std::holds_alternative<ParseError>(var##Result), "expected a parse error");           \
    const ParseError &var = std::get<ParseError>(var##Result)

class TestScenarioParser : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void patternNames_data();
    void patternNames();
    void patternOptions_data();
    void patternOptions();
    void optionsApplyInOrder();
    void clientsLatencyAndSeed();
    void setupInAnyOrder();

    void operations_data();
    void operations();
    void expectations_data();
    void expectations();
    void asPrefixAppliesToEverything();

    void linesTextAndNarration();
    void title_data();
    void title();
    void bomAndCrlf();
    void values_data();
    void values();
    void oneMebibyteValue();
    void valueLimit();
    void keyLimit();

    void errors_data();
    void errors();
    void errorToString();

    void compare_data();
    void compare();

    void parseFileReadsUtf8();
    void parseFileErrors_data();
    void parseFileErrors();
    void parseFileMissing();
    void parseFileDirectory();

    void neverCrashes();
};

// ---- setup -------------------------------------------------------------------------------

void TestScenarioParser::defaults()
{
    PARSE_OK(s, u"pattern cache-aside\n"_s);
    QCOMPARE(s.fileName, u"t.cls"_s);
    QCOMPARE(s.pattern, PatternKind::CacheAside);
    QCOMPARE(s.clients, 1);
    QCOMPARE(s.seed, quint64(1));
    QCOMPARE(s.title, QString());
    QVERIFY(s.commands.isEmpty());
    const PatternOptions defaults;
    QCOMPARE(s.options.ttl, defaults.ttl);
    QCOMPARE(s.options.singleFlight, false);
    QCOMPARE(s.latencies.cache, kMillisecond);
    QCOMPARE(s.latencies.l1, 0);
    QCOMPARE(s.latencies.dbRead, 50 * kMillisecond);
    QCOMPARE(s.latencies.dbWrite, 50 * kMillisecond);
}

void TestScenarioParser::patternNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<PatternKind>("kind");
    QTest::newRow("cache-aside") << u"cache-aside"_s << PatternKind::CacheAside;
    QTest::newRow("write-through") << u"write-through"_s << PatternKind::WriteThrough;
    QTest::newRow("write-behind") << u"write-behind"_s << PatternKind::WriteBehind;
    QTest::newRow("refresh-ahead") << u"refresh-ahead"_s << PatternKind::RefreshAhead;
    QTest::newRow("around") << u"around"_s << PatternKind::Around;
    QTest::newRow("multi-level") << u"multi-level"_s << PatternKind::MultiLevel;
    QTest::newRow("circuit-breaker") << u"circuit-breaker"_s << PatternKind::CircuitBreaker;
}

void TestScenarioParser::patternNames()
{
    QFETCH(QString, name);
    QFETCH(PatternKind, kind);
    PARSE_OK(s, u"pattern "_s + name);
    QCOMPARE(s.pattern, kind);
}

void TestScenarioParser::patternOptions_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<PatternOptions>("expected");

    PatternOptions common;
    common.ttl = 5 * 60 * kSecond;
    common.jitter = 0.1;
    common.singleFlight = true;
    common.negativeTtl = 30 * kSecond;
    QTest::newRow("common")
        << u"pattern cache-aside ttl=5m jitter=10% single-flight=on negative-ttl=30s"_s << common;

    PatternOptions behind;
    behind.batch = 5;
    behind.flush = 10 * kSecond;
    behind.coalesce = true;
    behind.durable = true;
    behind.retries = 0;
    QTest::newRow("write-behind")
        << u"pattern write-behind batch=5 flush=10s coalesce=on durable=on retries=0"_s << behind;

    PatternOptions ahead;
    ahead.threshold = 0.5;
    ahead.minAccess = 3;
    QTest::newRow("refresh-ahead")
        << u"pattern refresh-ahead threshold=0.5 min-access=3"_s << ahead;

    PatternOptions levels;
    levels.l1Ttl = 1 * 60 * kSecond;
    levels.l2Ttl = 10 * 60 * kSecond;
    levels.l1Capacity = 50;
    levels.invalidate = false;
    QTest::newRow("multi-level")
        << u"pattern multi-level l1-ttl=1m l2-ttl=10m l1-capacity=50 invalidate=off"_s << levels;

    PatternOptions breaker;
    breaker.failures = 3;
    breaker.openTimeout = 500 * kMillisecond;
    QTest::newRow("circuit-breaker")
        << u"pattern circuit-breaker failures=3 open-timeout=500ms"_s << breaker;

    PatternOptions spaced;
    spaced.ttl = 2 * kSecond;
    spaced.batch = 7;
    QTest::newRow("tabs and spaces") << u"pattern\twrite-behind   ttl=2s\t batch=7  "_s << spaced;
}

void TestScenarioParser::patternOptions()
{
    QFETCH(QString, line);
    QFETCH(PatternOptions, expected);
    PARSE_OK(s, line);
    const PatternOptions &o = s.options;
    QCOMPARE(o.ttl, expected.ttl);
    QCOMPARE(o.jitter, expected.jitter);
    QCOMPARE(o.singleFlight, expected.singleFlight);
    QCOMPARE(o.negativeTtl, expected.negativeTtl);
    QCOMPARE(o.batch, expected.batch);
    QCOMPARE(o.flush, expected.flush);
    QCOMPARE(o.coalesce, expected.coalesce);
    QCOMPARE(o.durable, expected.durable);
    QCOMPARE(o.retries, expected.retries);
    QCOMPARE(o.threshold, expected.threshold);
    QCOMPARE(o.minAccess, expected.minAccess);
    QCOMPARE(o.l1Ttl, expected.l1Ttl);
    QCOMPARE(o.l2Ttl, expected.l2Ttl);
    QCOMPARE(o.l1Capacity, expected.l1Capacity);
    QCOMPARE(o.invalidate, expected.invalidate);
    QCOMPARE(o.failures, expected.failures);
    QCOMPARE(o.openTimeout, expected.openTimeout);
}

void TestScenarioParser::optionsApplyInOrder()
{
    PARSE_OK(s, u"pattern cache-aside ttl=1m ttl=2m"_s);
    QCOMPARE(s.options.ttl, 2 * 60 * kSecond);
}

void TestScenarioParser::clientsLatencyAndSeed()
{
    PARSE_OK(s, u"pattern write-behind\n"
                "clients 26\n"
                "latency db=20ms cache=2ms\n"
                "latency db-write=7ms l1=500us\n"
                "seed 18446744073709551615\n"_s);
    QCOMPARE(s.clients, 26);
    QCOMPARE(s.latencies.cache, 2 * kMillisecond);
    QCOMPARE(s.latencies.l1, 500);
    QCOMPARE(s.latencies.dbRead, 20 * kMillisecond);
    QCOMPARE(s.latencies.dbWrite, 7 * kMillisecond);
    QCOMPARE(s.seed, std::numeric_limits<quint64>::max());

    PARSE_OK(t, u"pattern around\nlatency db-read=1s\nseed 0"_s);
    QCOMPARE(t.latencies.dbRead, kSecond);
    QCOMPARE(t.latencies.dbWrite, 50 * kMillisecond);
    QCOMPARE(t.seed, quint64(0));
}

void TestScenarioParser::setupInAnyOrder()
{
    PARSE_OK(s, u"seed 9\nclients 2\nlatency cache=3ms\npattern around\nas B read k"_s);
    QCOMPARE(s.seed, quint64(9));
    QCOMPARE(s.clients, 2);
    QCOMPARE(s.latencies.cache, 3 * kMillisecond);
    QCOMPARE(s.pattern, PatternKind::Around);
    QCOMPARE(s.commands.size(), 1);
    QCOMPARE(s.commands[0].client, 1);
}

// ---- operations and expectations ---------------------------------------------------------

void TestScenarioParser::operations_data()
{
    using T = Command::Type;
    QTest::addColumn<QString>("line");
    QTest::addColumn<Command::Type>("type");
    QTest::addColumn<int>("client");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("count");
    QTest::addColumn<qint64>("duration");

    QTest::newRow("read") << u"read user:1"_s << T::Read << 0 << u"user:1"_s << QByteArray() << 0
                          << qint64(0);
    QTest::newRow("write") << u"write user:1 {\"name\": \"Ann\"}"_s << T::Write << 0 << u"user:1"_s
                           << QByteArray(R"({"name": "Ann"})") << 0 << qint64(0);
    QTest::newRow("delete") << u"delete product:42"_s << T::Delete << 0 << u"product:42"_s
                            << QByteArray() << 0 << qint64(0);
    QTest::newRow("invalidate") << u"invalidate k"_s << T::Invalidate << 0 << u"k"_s << QByteArray()
                                << 0 << qint64(0);
    QTest::newRow("spawn read") << u"spawn read k"_s << T::SpawnRead << 0 << u"k"_s << QByteArray()
                                << 0 << qint64(0);
    QTest::newRow("spawn write") << u"spawn write k v 2"_s << T::SpawnWrite << 0 << u"k"_s
                                 << QByteArray("v 2") << 0 << qint64(0);
    QTest::newRow("burst") << u"burst 50 read hot"_s << T::Burst << 0 << u"hot"_s << QByteArray()
                           << 50 << qint64(0);
    QTest::newRow("burst max") << u"burst 100000 read hot"_s << T::Burst << 0 << u"hot"_s
                               << QByteArray() << 100000 << qint64(0);
    QTest::newRow("wait us") << u"wait 500us"_s << T::Wait << 0 << QString() << QByteArray() << 0
                             << qint64(500);
    QTest::newRow("wait ms") << u"wait 5ms"_s << T::Wait << 0 << QString() << QByteArray() << 0
                             << qint64(5000);
    QTest::newRow("wait s") << u"wait 2s"_s << T::Wait << 0 << QString() << QByteArray() << 0
                            << qint64(2'000'000);
    QTest::newRow("wait m") << u"wait 3m"_s << T::Wait << 0 << QString() << QByteArray() << 0
                            << qint64(180'000'000);
    QTest::newRow("wait h") << u"wait 1h"_s << T::Wait << 0 << QString() << QByteArray() << 0
                            << qint64(3'600'000'000);
    QTest::newRow("settle") << u"settle"_s << T::Settle << 0 << QString() << QByteArray() << 0
                            << qint64(0);
    QTest::newRow("db put") << u"db put k hello world"_s << T::DbPut << 0 << u"k"_s
                            << QByteArray("hello world") << 0 << qint64(0);
    QTest::newRow("db delete") << u"db delete k"_s << T::DbDelete << 0 << u"k"_s << QByteArray()
                               << 0 << qint64(0);
    QTest::newRow("db seed") << u"db seed 100"_s << T::DbSeed << 0 << QString() << QByteArray()
                             << 100 << qint64(0);
    QTest::newRow("db seed max") << u"db seed 1000000"_s << T::DbSeed << 0 << QString()
                                 << QByteArray() << 1000000 << qint64(0);
    QTest::newRow("fail cache") << u"fail cache"_s << T::FailCache << 0 << QString() << QByteArray()
                                << 0 << qint64(0);
    QTest::newRow("fail cache writes") << u"fail cache writes"_s << T::FailCacheWrites << 0
                                       << QString() << QByteArray() << 0 << qint64(0);
    QTest::newRow("fail db") << u"fail db"_s << T::FailDb << 0 << QString() << QByteArray() << 0
                             << qint64(0);
    QTest::newRow("recover cache") << u"recover cache"_s << T::RecoverCache << 0 << QString()
                                   << QByteArray() << 0 << qint64(0);
    QTest::newRow("recover db") << u"recover db"_s << T::RecoverDb << 0 << QString() << QByteArray()
                                << 0 << qint64(0);
    QTest::newRow("crash") << u"crash"_s << T::Crash << 0 << QString() << QByteArray() << 0
                           << qint64(0);
    QTest::newRow("as B read") << u"as B read k"_s << T::Read << 1 << u"k"_s << QByteArray() << 0
                               << qint64(0);
    QTest::newRow("as C write") << u"as C write k v"_s << T::Write << 2 << u"k"_s << QByteArray("v")
                                << 0 << qint64(0);
    QTest::newRow("as A crash") << u"as A crash"_s << T::Crash << 0 << QString() << QByteArray()
                                << 0 << qint64(0);
    QTest::newRow("extra spaces") << u"  as   B\tburst  3   read\tk  "_s << T::Burst << 1 << u"k"_s
                                  << QByteArray() << 3 << qint64(0);
}

void TestScenarioParser::operations()
{
    QFETCH(QString, line);
    QFETCH(Command::Type, type);
    QFETCH(int, client);
    QFETCH(QString, key);
    QFETCH(QByteArray, value);
    QFETCH(int, count);
    QFETCH(qint64, duration);

    PARSE_OK(s, u"pattern cache-aside\nclients 3\n"_s + line + u'\n');
    QCOMPARE(s.commands.size(), 1);
    const Command &c = s.commands.first();
    QCOMPARE(c.type, type);
    QCOMPARE(c.line, 3);
    QCOMPARE(c.text, line.trimmed());
    QCOMPARE(c.client, client);
    QCOMPARE(c.key, key);
    QCOMPARE(c.value, value);
    QCOMPARE(c.count, count);
    QCOMPARE(c.duration, duration);
}

void TestScenarioParser::expectations_data()
{
    using S = Expectation::Subject;
    QTest::addColumn<QString>("line");
    QTest::addColumn<Expectation::Subject>("subject");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("missing");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<Compare>("op");
    QTest::addColumn<qint64>("number");
    QTest::addColumn<QString>("name");

    const auto E = Compare::Equal;
    QTest::newRow("result =") << u"expect result = Ann Smith"_s << S::Result << QString() << false
                              << QByteArray("Ann Smith") << E << qint64(0) << QString();
    QTest::newRow("result =, no space") << u"expect result =v1"_s << S::Result << QString() << false
                                        << QByteArray("v1") << E << qint64(0) << QString();
    QTest::newRow("result = missing (a value)")
        << u"expect result = missing"_s << S::Result << QString() << false << QByteArray("missing")
        << E << qint64(0) << QString();
    QTest::newRow("result missing") << u"expect result missing"_s << S::Result << QString() << true
                                    << QByteArray() << E << qint64(0) << QString();
    QTest::newRow("error") << u"expect error"_s << S::Error << QString() << false << QByteArray()
                           << E << qint64(0) << QString();
    QTest::newRow("ok") << u"expect ok"_s << S::Ok << QString() << false << QByteArray() << E
                        << qint64(0) << QString();
    QTest::newRow("cache =") << u"expect cache user:1 = {\"a\": [1, 2]}"_s << S::Cache
                             << u"user:1"_s << false << QByteArray(R"({"a": [1, 2]})") << E
                             << qint64(0) << QString();
    QTest::newRow("cache missing") << u"expect cache user:1 missing"_s << S::Cache << u"user:1"_s
                                   << true << QByteArray() << E << qint64(0) << QString();
    QTest::newRow("l1 =") << u"expect l1 k = v"_s << S::L1 << u"k"_s << false << QByteArray("v")
                          << E << qint64(0) << QString();
    QTest::newRow("l1 missing") << u"expect l1 k missing"_s << S::L1 << u"k"_s << true
                                << QByteArray() << E << qint64(0) << QString();
    QTest::newRow("db =") << u"expect db k = = v ="_s << S::Db << u"k"_s << false
                          << QByteArray("= v =") << E << qint64(0) << QString();
    QTest::newRow("db missing") << u"expect db k missing"_s << S::Db << u"k"_s << true
                                << QByteArray() << E << qint64(0) << QString();
    QTest::newRow("db version") << u"expect db k version 3"_s << S::DbVersion << u"k"_s << false
                                << QByteArray() << E << qint64(3) << QString();
    QTest::newRow("db = version (a value)")
        << u"expect db k = version 3"_s << S::Db << u"k"_s << false << QByteArray("version 3") << E
        << qint64(0) << QString();
    QTest::newRow("ttl <") << u"expect ttl k < 30s"_s << S::Ttl << u"k"_s << false << QByteArray()
                           << Compare::Less << qint64(30 * kSecond) << QString();
    QTest::newRow("ttl <=") << u"expect ttl k <= 5m"_s << S::Ttl << u"k"_s << false << QByteArray()
                            << Compare::LessEqual << qint64(300 * kSecond) << QString();
    QTest::newRow("ttl =") << u"expect ttl k = 1h"_s << S::Ttl << u"k"_s << false << QByteArray()
                           << Compare::Equal << qint64(3600 * kSecond) << QString();
    QTest::newRow("ttl >=") << u"expect ttl k >= 500us"_s << S::Ttl << u"k"_s << false
                            << QByteArray() << Compare::GreaterEqual << qint64(500) << QString();
    QTest::newRow("ttl >") << u"expect ttl k > 0s"_s << S::Ttl << u"k"_s << false << QByteArray()
                           << Compare::Greater << qint64(0) << QString();
    QTest::newRow("queue") << u"expect queue 4"_s << S::Queue << QString() << false << QByteArray()
                           << E << qint64(4) << QString();
    QTest::newRow("queue 0") << u"expect queue 0"_s << S::Queue << QString() << false
                             << QByteArray() << E << qint64(0) << QString();
    QTest::newRow("breaker closed") << u"expect breaker closed"_s << S::Breaker << QString()
                                    << false << QByteArray() << E << qint64(0) << u"closed"_s;
    QTest::newRow("breaker open") << u"expect breaker open"_s << S::Breaker << QString() << false
                                  << QByteArray() << E << qint64(0) << u"open"_s;
    QTest::newRow("breaker half-open") << u"expect breaker half-open"_s << S::Breaker << QString()
                                       << false << QByteArray() << E << qint64(0) << u"half-open"_s;

    const char *metrics[] = {"reads",       "writes",      "cache.hits", "cache.misses",
                             "l1.hits",     "l1.misses",   "db.reads",   "db.writes",
                             "stale.reads", "lost.writes", "refreshes",  "breaker.opens",
                             "errors"};
    for (const char *metric : metrics) {
        const QString name = QString::fromLatin1(metric);
        QTest::addRow("metric %s", metric)
            << u"expect metric "_s + name + u" >= 2"_s << S::Metric << QString() << false
            << QByteArray() << Compare::GreaterEqual << qint64(2) << name;
    }
    QTest::newRow("metric <") << u"expect metric errors < 1"_s << S::Metric << QString() << false
                              << QByteArray() << Compare::Less << qint64(1) << u"errors"_s;
    QTest::newRow("metric = big") << u"expect metric reads = 9223372036854775807"_s << S::Metric
                                  << QString() << false << QByteArray() << E
                                  << std::numeric_limits<qint64>::max() << u"reads"_s;
}

void TestScenarioParser::expectations()
{
    QFETCH(QString, line);
    QFETCH(Expectation::Subject, subject);
    QFETCH(QString, key);
    QFETCH(bool, missing);
    QFETCH(QByteArray, value);
    QFETCH(Compare, op);
    QFETCH(qint64, number);
    QFETCH(QString, name);

    PARSE_OK(s, u"pattern circuit-breaker\n\n"_s + line);
    QCOMPARE(s.commands.size(), 1);
    const Command &c = s.commands.first();
    QCOMPARE(c.type, Command::Type::Expect);
    QCOMPARE(c.line, 3);
    QCOMPARE(c.text, line);
    QCOMPARE(c.client, 0);
    const Expectation &e = c.expect;
    QCOMPARE(e.subject, subject);
    QCOMPARE(e.key, key);
    QCOMPARE(e.missing, missing);
    QCOMPARE(e.value, value);
    QCOMPARE(e.op, op);
    QCOMPARE(e.number, number);
    QCOMPARE(e.name, name);
}

void TestScenarioParser::asPrefixAppliesToEverything()
{
    PARSE_OK(s, u"pattern write-behind\nclients 3\n"
                "as C expect queue 2\n"
                "as B expect result missing\n"
                "as B db put k v\n"
                "as C wait 1s\n"
                "expect ok\n"_s);
    QCOMPARE(s.commands.size(), 5);
    QCOMPARE(s.commands[0].client, 2);
    QCOMPARE(s.commands[0].expect.subject, Expectation::Subject::Queue);
    QCOMPARE(s.commands[0].expect.number, 2);
    QCOMPARE(s.commands[1].client, 1);
    QCOMPARE(s.commands[1].expect.subject, Expectation::Subject::Result);
    QVERIFY(s.commands[1].expect.missing);
    QCOMPARE(s.commands[2].client, 1);
    QCOMPARE(s.commands[2].type, Command::Type::DbPut);
    QCOMPARE(s.commands[3].client, 2);
    QCOMPARE(s.commands[3].duration, kSecond);
    QCOMPARE(s.commands[4].client, 0);
}

// ---- lines, narration, values ------------------------------------------------------------

void TestScenarioParser::linesTextAndNarration()
{
    const QString text = u"# Stale reads with two clients\n"      // 1
                         "#\n"                                    // 2
                         "# A reads, B writes behind its back.\n" // 3
                         "\n"                                     // 4
                         "pattern cache-aside ttl=1h\n"           // 5
                         "clients 2\n"                            // 6
                         "\n"                                     // 7
                         "# First, A warms the cache.\n"          // 8
                         "   read user:1   \n"                    // 9
                         "#no space\n"                            // 10
                         "#  two spaces\n"                        // 11
                         "    #\n"                                // 12
                         "as B write user:1 v2\n"                 // 13
                         "read user:1\n"                          // 14
                         "# block one\n"                          // 15
                         "\n"                                     // 16
                         "# block two\n"                          // 17
                         "expect result = v1\n"_s;                // 18
    PARSE_OK(s, text);
    QCOMPARE(s.title, u"Stale reads with two clients"_s);
    QCOMPARE(s.commands.size(), 4);

    QCOMPARE(s.commands[0].line, 9);
    QCOMPARE(s.commands[0].text, u"read user:1"_s);
    QCOMPARE(s.commands[0].narration, u"First, A warms the cache."_s);

    QCOMPARE(s.commands[1].line, 13);
    QCOMPARE(s.commands[1].text, u"as B write user:1 v2"_s);
    QCOMPARE(s.commands[1].narration, u"no space\n two spaces\n"_s);

    QCOMPARE(s.commands[2].line, 14);
    QCOMPARE(s.commands[2].narration, QString());

    QCOMPARE(s.commands[3].line, 18);
    QCOMPARE(s.commands[3].narration, u"block one\nblock two"_s);
}

void TestScenarioParser::title_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("title");
    QTest::newRow("no comment") << u"pattern around\n# not a title\nread k"_s << QString();
    QTest::newRow("first line") << u"# Title\n# more\npattern around"_s << u"Title"_s;
    QTest::newRow("framed") << u"#\n#   Framed title  \n#\npattern around"_s << u"Framed title"_s;
    QTest::newRow("after blank lines")
        << u"\n\n# Late title\n\n# other\npattern around"_s << u"Late title"_s;
    QTest::newRow("only the first block") << u"#\n\n# second block\npattern around"_s << QString();
}

void TestScenarioParser::title()
{
    QFETCH(QString, text);
    QFETCH(QString, title);
    PARSE_OK(s, text);
    QCOMPARE(s.title, title);
}

void TestScenarioParser::bomAndCrlf()
{
    PARSE_OK(s, u"\uFEFF# Title\r\npattern cache-aside\r\n\r\n# say\r\nwrite k v w\r\n"_s);
    QCOMPARE(s.title, u"Title"_s);
    QCOMPARE(s.commands.size(), 1);
    QCOMPARE(s.commands[0].line, 5);
    QCOMPARE(s.commands[0].value, QByteArray("v w"));
    QCOMPARE(s.commands[0].text, u"write k v w"_s);
    QCOMPARE(s.commands[0].narration, u"say"_s);

    PARSE_ERROR(e, u"\uFEFFpattern cache-aside\r\nreed k\r\n"_s);
    QCOMPARE(e.line, 2);
}

void TestScenarioParser::values_data()
{
    QTest::addColumn<QString>("written");
    QTest::addColumn<QString>("expected");
    QTest::newRow("json") << uR"({"name": "Ann", "tags": ["a", "b"]})"_s
                          << uR"({"name": "Ann", "tags": ["a", "b"]})"_s;
    QTest::newRow("hash inside") << uR"({"tag":"#1"})"_s << uR"({"tag":"#1"})"_s;
    QTest::newRow("hash first") << u"#not a comment"_s << u"#not a comment"_s;
    QTest::newRow("quotes") << u"'single' \"double\" `back`"_s << u"'single' \"double\" `back`"_s;
    QTest::newRow("non-ASCII") << u"Zoë Ünïcødé 名前 😀 – ok"_s << u"Zoë Ünïcødé 名前 😀 – ok"_s;
    QTest::newRow("inner spacing kept") << u"a   b\tc"_s << u"a   b\tc"_s;
    QTest::newRow("outer spacing trimmed") << u"   padded \t "_s << u"padded"_s;
    QTest::newRow("equals") << u"= x"_s << u"= x"_s;
    QTest::newRow("backslashes") << uR"(C:\path\n)"_s << uR"(C:\path\n)"_s;
}

void TestScenarioParser::values()
{
    QFETCH(QString, written);
    QFETCH(QString, expected);
    const QByteArray utf8 = expected.toUtf8();

    PARSE_OK(s, u"pattern cache-aside\n"
                "write k "_s +
                    written +
                    u"\n"
                    "spawn write k "_s +
                    written +
                    u"\n"
                    "db put k "_s +
                    written +
                    u"\n"
                    "expect result = "_s +
                    written +
                    u"\n"
                    "expect cache k = "_s +
                    written +
                    u"\n"
                    "expect l1 k = "_s +
                    written +
                    u"\n"
                    "expect db k = "_s +
                    written + u"\n"_s);
    QCOMPARE(s.commands.size(), 7);
    QCOMPARE(s.commands[0].value, utf8);
    QCOMPARE(s.commands[1].value, utf8);
    QCOMPARE(s.commands[2].value, utf8);
    for (qsizetype i = 3; i < s.commands.size(); ++i) {
        QCOMPARE(s.commands[i].expect.value, utf8);
        QVERIFY(!s.commands[i].expect.missing);
    }
}

void TestScenarioParser::oneMebibyteValue()
{
    // Every byte value class in a long value: ASCII, a two-byte and a four-byte sequence.
    QString big;
    const QString chunk = u"{\"k\": \"é😀 #x\"} "_s;
    while (big.toUtf8().size() < 1024 * 1024)
        big += chunk.repeated(1024);
    big = big.trimmed();
    const QByteArray utf8 = big.toUtf8();
    QVERIFY(utf8.size() >= 1024 * 1024);

    PARSE_OK(s, u"pattern cache-aside\nwrite big "_s + big + u"\nexpect cache big = "_s + big);
    QCOMPARE(s.commands.size(), 2);
    QVERIFY(s.commands[0].value == utf8);
    QVERIFY(s.commands[1].expect.value == utf8);
    QCOMPARE(s.commands[0].line, 2);
    QCOMPARE(s.commands[1].line, 3);
}

void TestScenarioParser::valueLimit()
{
    const QString tooBig(16 * 1024 * 1024 + 1, u'x');
    PARSE_ERROR(e, u"pattern cache-aside\n\nwrite k "_s + tooBig);
    QCOMPARE(e.line, 3);
    QVERIFY2(e.message.contains(u"16 MiB"_s), qPrintable(e.message));

    const QString atLimit(16 * 1024 * 1024, u'x');
    PARSE_OK(s, u"pattern cache-aside\nwrite k "_s + atLimit);
    QCOMPARE(s.commands[0].value.size(), 16 * 1024 * 1024);
}

void TestScenarioParser::keyLimit()
{
    const QString longest(1024, u'k');
    PARSE_OK(s, u"pattern cache-aside\nread "_s + longest);
    QCOMPARE(s.commands[0].key, longest);

    // Bytes, not characters: 512 'é' are 1024 bytes of UTF-8, one more is too many.
    const QString accented(512, u'é');
    PARSE_OK(t, u"pattern cache-aside\nread "_s + accented);
    QCOMPARE(t.commands[0].key, accented);

    PARSE_ERROR(e, u"pattern cache-aside\nread "_s + accented + u'x');
    QCOMPARE(e.line, 2);
    QVERIFY2(e.message.contains(u"1025 bytes"_s), qPrintable(e.message));
    QVERIFY2(e.message.contains(u"1024"_s), qPrintable(e.message));

    PARSE_ERROR(f, u"pattern cache-aside\nexpect cache "_s + longest + u"k missing");
    QCOMPARE(f.line, 2);
}

// ---- errors ------------------------------------------------------------------------------

void TestScenarioParser::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QStringList>("fragments");

    const QString p = u"pattern cache-aside\n"_s; // line 1
    const auto row = [](const char *name, const QString &text, int line,
                        const QStringList &fragments) {
        QTest::newRow(name) << text << line << fragments;
    };
    const QString noPattern = u"the scenario has no pattern line (add e.g. `pattern cache-aside` "
                              "at the top)"_s;

    // the pattern line
    row("empty file", QString(), 1, {noPattern});
    row("only comments and blanks", u"# a\n\n# b\n"_s, 1, {noPattern});
    row("setup without pattern", u"clients 2\nlatency db=1ms\n"_s, 1, {noPattern});
    row("operation before pattern", u"# intro\n\nclients 2\nread k\npattern around"_s, 4,
        {noPattern});
    row("expectation before pattern", u"\nexpect ok"_s, 2, {noPattern});
    row("misspelt pattern", u"patern cache-aside\nread k"_s, 1, {u"unknown command \"patern\""_s});
    row("pattern twice", p + u"pattern around"_s, 2, {u"already set on line 1"_s});
    row("pattern without name", u"pattern"_s, 1, {u"pattern needs a name"_s, u"cache-aside"_s});
    row("unknown pattern", u"pattern cache-asid"_s, 1,
        {u"unknown pattern \"cache-asid\""_s, u"write-behind"_s, u"circuit-breaker"_s});
    row("unknown option", u"pattern cache-aside frobnicate=1"_s, 1,
        {u"\"frobnicate\""_s, u"cache-aside"_s, u"ttl"_s});
    row("option of another pattern", u"pattern cache-aside batch=5"_s, 1,
        {u"\"batch\""_s, u"cache-aside"_s});
    row("option of multi-level on refresh-ahead", u"pattern refresh-ahead l1-ttl=5m"_s, 1,
        {u"\"l1-ttl\""_s, u"refresh-ahead"_s});
    row("bad option value", u"pattern cache-aside ttl=5x"_s, 1, {u"ttl"_s, u"\"5x\""_s});
    row("bad bool", u"pattern write-behind coalesce=yes"_s, 1, {u"coalesce"_s, u"on or off"_s});
    row("option without =", u"pattern cache-aside ttl 5m"_s, 1,
        {u"\"ttl\" is not an option setting"_s, u"name=value"_s});
    row("option without name", u"pattern cache-aside =5m"_s, 1, {u"\"=5m\""_s});

    // setup after the first operation or expectation
    row("pattern after operation", p + u"read k\npattern around"_s, 3,
        {u"pattern must come before the first operation (line 2)"_s});
    row("clients after operation", p + u"\nwait 1s\n\nclients 2"_s, 5,
        {u"clients must come before the first operation (line 3)"_s});
    row("latency after expectation", p + u"expect ok\nlatency db=1ms"_s, 3,
        {u"latency must come before the first operation"_s});
    row("seed after operation", p + u"settle\nseed 4"_s, 3,
        {u"seed must come before the first operation"_s});

    // clients, latency, seed
    row("clients missing", p + u"clients"_s, 2, {u"clients needs a number from 1 to 26"_s});
    row("clients 0", p + u"clients 0"_s, 2, {u"from 1 to 26"_s, u"\"0\""_s});
    row("clients 27", p + u"clients 27"_s, 2, {u"from 1 to 26"_s, u"\"27\""_s});
    row("clients -1", p + u"clients -1"_s, 2, {u"\"-1\""_s});
    row("clients x", p + u"clients two"_s, 2, {u"\"two\""_s});
    row("clients extra", p + u"clients 2 3"_s, 2, {u"unexpected \"3\""_s, u"clients N"_s});
    row("clients twice", p + u"clients 2\nclients 3"_s, 3, {u"already set on line 2"_s});
    row("latency empty", p + u"latency"_s, 2, {u"PART=DURATION"_s});
    row("latency unknown part", p + u"latency redis=1ms"_s, 2, {u"\"redis\""_s, u"db-read"_s});
    row("latency bad duration", p + u"latency db=fast"_s, 2,
        {u"\"fast\" is not a duration"_s, u"500us"_s});
    row("latency without =", p + u"latency db 5ms"_s, 2, {u"\"db\""_s, u"PART=DURATION"_s});
    row("seed missing", p + u"seed"_s, 2, {u"seed needs a whole number"_s});
    row("seed negative", p + u"seed -1"_s, 2, {u"\"-1\""_s});
    row("seed overflow", p + u"seed 18446744073709551616"_s, 2, {u"\"18446744073709551616\""_s});
    row("seed twice", p + u"seed 1\nseed 2"_s, 3, {u"already set on line 2"_s});

    // commands
    row("unknown command", p + u"reed k"_s, 2,
        {u"unknown command \"reed\" (expected read, write, delete"_s});
    row("read without key", p + u"read"_s, 2, {u"read needs a key: read KEY"_s});
    row("read two keys", p + u"read a b"_s, 2, {u"unexpected \"b\""_s, u"read KEY"_s});
    row("trailing comment", p + u"read a # why"_s, 2,
        {u"unexpected \"#\""_s, u"line of its own"_s});
    row("write without key", p + u"write"_s, 2, {u"write needs a key and a value"_s});
    row("write without value", p + u"write k   "_s, 2, {u"write needs a value after the key"_s});
    row("delete without key", p + u"delete"_s, 2, {u"delete needs a key"_s});
    row("delete two keys", p + u"delete a b"_s, 2, {u"unexpected \"b\""_s});
    row("invalidate without key", p + u"invalidate"_s, 2, {u"invalidate needs a key"_s});
    row("spawn alone", p + u"spawn"_s, 2, {u"spawn read KEY, spawn write KEY VALUE"_s});
    row("spawn copy", p + u"spawn copy k"_s, 2, {u"spawn delete KEY or spawn invalidate KEY"_s});
    row("spawn read without key", p + u"spawn read"_s, 2, {u"spawn read needs a key"_s});
    row("spawn read extra", p + u"spawn read k v"_s, 2, {u"unexpected \"v\""_s});
    row("spawn write without value", p + u"spawn write k"_s, 2,
        {u"spawn write needs a value after the key"_s});
    const QString burstUsage = u"burst needs a count, a \"read\" and a key: burst N read KEY"_s;
    row("burst alone", p + u"burst"_s, 2, {burstUsage});
    row("burst without read", p + u"burst 3"_s, 2, {burstUsage});
    row("burst write", p + u"burst 3 write k"_s, 2, {burstUsage});
    row("burst without key", p + u"burst 3 read"_s, 2, {burstUsage});
    row("burst zero", p + u"burst 0 read k"_s, 2, {u"from 1 to 100000"_s, u"\"0\""_s});
    row("burst too many", p + u"burst 100001 read k"_s, 2, {u"\"100001\""_s});
    {
        // Eleven bursts at the bound: the eleventh would pass a million readers in all.
        QString many = p;
        for (int i = 0; i < 11; ++i)
            many += u"burst 100000 read k\nsettle\n"_s;
        row("bursts too many in all", many, 22, {u"more than 1000000 reads in all"_s});
    }
    row("burst not a number", p + u"burst many read k"_s, 2, {u"\"many\""_s});
    row("burst extra", p + u"burst 2 read k k2"_s, 2, {u"unexpected \"k2\""_s});
    row("wait without duration", p + u"wait"_s, 2, {u"wait needs a duration"_s});
    row("wait bad unit", p + u"wait 5x"_s, 2,
        {u"\"5x\" is not a duration"_s, u"500us, 5ms, 2s, 3m, 1h"_s});
    row("wait no unit", p + u"wait 5"_s, 2, {u"\"5\" is not a duration"_s});
    row("wait negative", p + u"wait -1s"_s, 2, {u"\"-1s\" is not a duration"_s});
    row("wait fraction", p + u"wait 1.5s"_s, 2, {u"\"1.5s\" is not a duration"_s});
    row("wait extra", p + u"wait 1s 2s"_s, 2, {u"unexpected \"2s\""_s});
    row("settle now", p + u"settle now"_s, 2, {u"unexpected \"now\""_s, u"settle"_s});
    row("crash extra", p + u"crash B"_s, 2, {u"unexpected \"B\""_s});
    row("db alone", p + u"db"_s, 2, {u"db needs put, delete or seed"_s});
    row("db get", p + u"db get k"_s, 2, {u"db needs put, delete or seed"_s});
    row("db put without value", p + u"db put k"_s, 2, {u"db put needs a value after the key"_s});
    row("db put without key", p + u"db put"_s, 2, {u"db put needs a key and a value"_s});
    row("db delete without key", p + u"db delete"_s, 2, {u"db delete needs a key"_s});
    row("db delete extra", p + u"db delete a b"_s, 2, {u"unexpected \"b\""_s});
    row("db seed without count", p + u"db seed"_s, 2, {u"db seed needs a count"_s});
    row("db seed zero", p + u"db seed 0"_s, 2, {u"from 1 to 1000000"_s});
    row("db seed too many", p + u"db seed 1000001"_s, 2, {u"\"1000001\""_s});
    row("fail alone", p + u"fail"_s, 2, {u"fail needs a part: fail cache or fail db"_s});
    row("fail redis", p + u"fail redis"_s, 2, {u"\"redis\""_s, u"fail cache or fail db"_s});
    row("recover alone", p + u"recover"_s, 2, {u"recover cache or recover db"_s});
    row("fail extra", p + u"fail cache now"_s, 2, {u"unexpected \"now\""_s});

    // as CLIENT
    row("as alone", p + u"as"_s, 2, {u"as needs a client and an operation"_s});
    row("as lowercase", p + u"as a read k"_s, 2, {u"\"a\" is not a client"_s});
    row("as two letters", p + u"as AB read k"_s, 2, {u"\"AB\" is not a client"_s});
    row("as without operation", p + u"as A"_s, 2, {u"as A needs an operation"_s});
    row("as twice", p + u"as A as A read k"_s, 2, {u"only once"_s});
    row("as before setup", p + u"as A clients 2"_s, 2, {u"not clients"_s});
    row("client beyond one", p + u"as B read k"_s, 2,
        {u"client B does not exist: the scenario has 1 client (A)"_s});
    row("client beyond two", p + u"clients 2\nread k\nas C expect ok"_s, 4,
        {u"client C does not exist: the scenario has 2 clients (A, B)"_s});
    row("client Z", p + u"clients 25\nas Z read k"_s, 3, {u"client Z does not exist"_s});

    // expectations
    const QString subjects = u"result, error, ok, cache, l1, db, ttl, queue, breaker or metric"_s;
    row("expect alone", p + u"expect"_s, 2, {subjects});
    row("expect unknown", p + u"expect weather sunny"_s, 2,
        {u"unknown expectation \"weather\""_s, subjects});
    row("expect result alone", p + u"expect result"_s, 2, {u"\"= VALUE\" or \"missing\""_s});
    row("expect result = nothing", p + u"expect result =   "_s, 2,
        {u"a value is missing after \"=\""_s});
    row("expect result word", p + u"expect result v1"_s, 2,
        {u"got \"v1\""_s, u"expect result = VALUE"_s});
    row("expect result missing extra", p + u"expect result missing now"_s, 2,
        {u"unexpected \"now\""_s});
    row("expect error extra", p + u"expect error 404"_s, 2, {u"unexpected \"404\""_s});
    row("expect ok extra", p + u"expect ok then"_s, 2, {u"unexpected \"then\""_s});
    row("expect cache alone", p + u"expect cache"_s, 2, {u"expect cache needs a key"_s});
    row("expect cache key alone", p + u"expect cache k"_s, 2, {u"\"= VALUE\" or \"missing\""_s});
    row("expect l1 word", p + u"expect l1 k v"_s, 2, {u"got \"v\""_s, u"expect l1 KEY"_s});
    row("expect db alone", p + u"expect db"_s, 2, {u"expect db needs a key"_s});
    row("expect db version alone", p + u"expect db k version"_s, 2, {u"needs a version number"_s});
    row("expect db version word", p + u"expect db k version two"_s, 2,
        {u"\"two\" is not a whole number"_s});
    row("expect db version extra", p + u"expect db k version 2 3"_s, 2, {u"unexpected \"3\""_s});
    row("expect ttl alone", p + u"expect ttl"_s, 2, {u"expect ttl needs a key"_s});
    row("expect ttl without op", p + u"expect ttl k"_s, 2, {u"comparison"_s, u"missing"_s});
    row("expect ttl bad op", p + u"expect ttl k ~ 5s"_s, 2,
        {u"\"~\" is not a comparison"_s, u"<, <=, =, >= or >"_s});
    row("expect ttl ==", p + u"expect ttl k == 5s"_s, 2, {u"\"==\" is not a comparison"_s});
    row("expect ttl glued", p + u"expect ttl k <=5s"_s, 2, {u"\"<=5s\" is not a comparison"_s});
    row("expect ttl without duration", p + u"expect ttl k <"_s, 2, {u"needs a duration"_s});
    row("expect ttl bad duration", p + u"expect ttl k < 5x"_s, 2, {u"\"5x\" is not a duration"_s});
    row("expect ttl extra", p + u"expect ttl k < 5s ok"_s, 2, {u"unexpected \"ok\""_s});
    row("expect queue alone", p + u"expect queue"_s, 2, {u"expect queue N"_s});
    row("expect queue negative", p + u"expect queue -1"_s, 2, {u"\"-1\" is not a whole number"_s});
    row("expect breaker alone", p + u"expect breaker"_s, 2, {u"closed, open or half-open"_s});
    row("expect breaker ajar", p + u"expect breaker ajar"_s, 2,
        {u"unknown breaker state \"ajar\""_s, u"closed, open or half-open"_s});
    row("expect breaker extra", p + u"expect breaker open now"_s, 2, {u"unexpected \"now\""_s});
    row("expect metric alone", p + u"expect metric"_s, 2, {u"expect metric needs a name"_s});
    row("expect metric unknown", p + u"expect metric hits = 1"_s, 2,
        {u"unknown metric \"hits\""_s,
         u"reads, writes, cache.hits, cache.misses, l1.hits, l1.misses, db.reads, db.writes, "
         "stale.reads, lost.writes, refreshes, breaker.opens, errors"_s});
    row("expect metric without op", p + u"expect metric reads"_s, 2, {u"comparison"_s});
    row("expect metric without number", p + u"expect metric reads >="_s, 2, {u"needs a number"_s});
    row("expect metric word", p + u"expect metric reads = many"_s, 2,
        {u"\"many\" is not a whole number"_s});
    row("expect metric overflow", p + u"expect metric reads = 9223372036854775808"_s, 2,
        {u"not a whole number"_s});
    row("expect metric extra", p + u"expect metric reads = 1 2"_s, 2, {u"unexpected \"2\""_s});

    // What the author wrote is quoted as is, even when it looks like a placeholder.
    row("percent signs quoted", p + u"wait %2s"_s, 2, {u"\"%2s\" is not a duration"_s});
    row("percent signs in clients", p + u"clients %1"_s, 2, {u"got \"%1\""_s, u"1 to 26"_s});

    // The first error wins, and lines are counted through comments, blanks and CRLF.
    row("first error wins", p + u"\n# x\r\nread k\r\nsettle now\r\nreed k"_s, 5,
        {u"unexpected \"now\""_s});
}

void TestScenarioParser::errors()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(QStringList, fragments);

    PARSE_ERROR(e, text);
    QCOMPARE(e.fileName, u"t.cls"_s);
    QCOMPARE(e.line, line);
    for (const QString &fragment : fragments)
        QVERIFY2(e.message.contains(fragment), qPrintable(e.message + u"\n  lacks: "_s + fragment));
    QCOMPARE(e.toString(), u"t.cls:"_s + QString::number(line) + u": "_s + e.message);
}

void TestScenarioParser::errorToString()
{
    QCOMPARE((ParseError{u"lessons/a.cls"_s, 12, u"bad"_s}.toString()), u"lessons/a.cls:12: bad"_s);
    QCOMPARE((ParseError{u"a.cls"_s, 0, u"cannot open"_s}.toString()), u"a.cls: cannot open"_s);
}

// ---- compare -----------------------------------------------------------------------------

void TestScenarioParser::compare_data()
{
    QTest::addColumn<Compare>("op");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<bool>("below"); // compare(1, op, 2)
    QTest::addColumn<bool>("equal"); // compare(2, op, 2)
    QTest::addColumn<bool>("above"); // compare(3, op, 2)
    QTest::newRow("<") << Compare::Less << u"<"_s << true << false << false;
    QTest::newRow("<=") << Compare::LessEqual << u"<="_s << true << true << false;
    QTest::newRow("=") << Compare::Equal << u"="_s << false << true << false;
    QTest::newRow(">=") << Compare::GreaterEqual << u">="_s << false << true << true;
    QTest::newRow(">") << Compare::Greater << u">"_s << false << false << true;
}

void TestScenarioParser::compare()
{
    QFETCH(Compare, op);
    QFETCH(QString, symbol);
    QFETCH(bool, below);
    QFETCH(bool, equal);
    QFETCH(bool, above);
    QCOMPARE(compareSymbol(op), symbol);
    QCOMPARE(scenario::compare(1, op, 2), below);
    QCOMPARE(scenario::compare(2, op, 2), equal);
    QCOMPARE(scenario::compare(3, op, 2), above);

    // The symbol a message prints is the one the parser reads back.
    PARSE_OK(s, u"pattern cache-aside\nexpect metric reads "_s + symbol + u" 2"_s);
    QCOMPARE(s.commands[0].expect.op, op);
}

// ---- files -------------------------------------------------------------------------------

void TestScenarioParser::parseFileReadsUtf8()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"lesson.cls"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\xEF\xBB\xBF# Caf\xC3\xA9 lesson\r\npattern cache-aside\r\n"
               "write k {\"n\": \"Zo\xC3\xAB\"}\r\n");
    file.close();

    const auto result = parseFile(path);
    QVERIFY2(std::holds_alternative<Scenario>(result), qPrintable(describe(result)));
    const Scenario &s = std::get<Scenario>(result);
    QCOMPARE(s.fileName, path);
    QCOMPARE(s.title, u"Café lesson"_s);
    QCOMPARE(s.commands.size(), 1);
    QCOMPARE(s.commands[0].line, 3);
    QCOMPARE(s.commands[0].value, QByteArray("{\"n\": \"Zo\xC3\xAB\"}"));

    // A parse error names the file as it was given.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("pattern cache-aside\nwait soon\n");
    file.close();
    const auto bad = parseFile(path);
    QVERIFY(std::holds_alternative<ParseError>(bad));
    QCOMPARE(std::get<ParseError>(bad).line, 2);
    QVERIFY(std::get<ParseError>(bad).toString().startsWith(path + u":2: "_s));
}

void TestScenarioParser::parseFileErrors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("latin-1") << QByteArray("pattern cache-aside\nwrite k caf\xE9\n") << 2
                             << u"is not UTF-8 text"_s;
    QTest::newRow("truncated at the end")
        << QByteArray("pattern cache-aside\nwrite k \xE2\x82") << 2 << u"is not UTF-8 text"_s;
    QTest::newRow("lone continuation")
        << QByteArray("\x80pattern cache-aside\n") << 1 << u"is not UTF-8 text"_s;
    QTest::newRow("overlong") << QByteArray("# a\n# b\n\xC0\xAF\n") << 3 << u"is not UTF-8 text"_s;
    QTest::newRow("NUL") << QByteArray("pattern cache-aside\nread k\0ey\n", 31) << 2
                         << u"binary file"_s;
    QTest::newRow("binary") << QByteArray("\x7F"
                                          "ELF\x02\x01\x01\0\0\0",
                                          10)
                            << 1 << u"binary file"_s;
}

void TestScenarioParser::parseFileErrors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, line);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"bad.cls"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();

    const auto result = parseFile(path);
    QVERIFY2(std::holds_alternative<ParseError>(result), "expected an error");
    const ParseError &e = std::get<ParseError>(result);
    QCOMPARE(e.fileName, path);
    QCOMPARE(e.line, line);
    QVERIFY2(e.message.contains(fragment), qPrintable(e.message));
    QVERIFY2(e.message.contains(path), qPrintable(e.message));
}

void TestScenarioParser::parseFileMissing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"nowhere.cls"_s);
    const auto result = parseFile(path);
    QVERIFY(std::holds_alternative<ParseError>(result));
    const ParseError &e = std::get<ParseError>(result);
    QCOMPARE(e.line, 0);
    QCOMPARE(e.fileName, path);
    QVERIFY2(e.message.startsWith(u"cannot open "_s + path + u": "_s), qPrintable(e.message));
    QVERIFY2(e.message.size() > (u"cannot open "_s + path + u": "_s).size(),
             "the reason is missing");
    QCOMPARE(e.toString(), path + u": "_s + e.message);
}

void TestScenarioParser::parseFileDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto result = parseFile(dir.path());
    QVERIFY(std::holds_alternative<ParseError>(result));
    const ParseError &e = std::get<ParseError>(result);
    QCOMPARE(e.line, 0);
    QVERIFY2(e.message.startsWith(u"cannot "_s), qPrintable(e.message));
}

// ---- robustness --------------------------------------------------------------------------

void TestScenarioParser::neverCrashes()
{
    // Lines glued from the language's own words and from hostile characters: whatever the
    // mix, parse() returns a scenario or an error on a line that exists.
    const QStringList words = {
        u"pattern"_s,
        u"cache-aside"_s,
        u"write-behind"_s,
        u"batch=3"_s,
        u"ttl="_s,
        u"="_s,
        u"clients"_s,
        u"26"_s,
        u"0"_s,
        u"latency"_s,
        u"db=5ms"_s,
        u"seed"_s,
        u"as"_s,
        u"B"_s,
        u"read"_s,
        u"write"_s,
        u"spawn"_s,
        u"burst"_s,
        u"wait"_s,
        u"settle"_s,
        u"db"_s,
        u"put"_s,
        u"seed"_s,
        u"fail"_s,
        u"recover"_s,
        u"cache"_s,
        u"crash"_s,
        u"expect"_s,
        u"result"_s,
        u"missing"_s,
        u"version"_s,
        u"ttl"_s,
        u"<="_s,
        u"metric"_s,
        u"reads"_s,
        u"breaker"_s,
        u"half-open"_s,
        u"queue"_s,
        u"#"_s,
        u"k"_s,
        u"5s"_s,
        u"99999999999999999999"_s,
        u"-1"_s,
        u"\r"_s,
        u"\t"_s,
        u"\uFEFF"_s,
        u"\u00A0"_s,
        u"\u2028"_s,
        u"😀"_s,
        QString(QChar(0xD800)),
        QString(QChar(0)),
        u"{\"a\":1}"_s,
    };
    QRandomGenerator random(20240607);
    for (int round = 0; round < 3000; ++round) {
        QString text;
        const int lines = int(random.bounded(8));
        for (int l = 0; l < lines; ++l) {
            const int n = int(random.bounded(7));
            for (int w = 0; w < n; ++w) {
                text += words[random.bounded(words.size())];
                if (random.bounded(4) != 0)
                    text += u' ';
            }
            text += u'\n';
        }
        const auto result = parse(text, u"fuzz.cls"_s);
        if (const auto *e = std::get_if<ParseError>(&result)) {
            QVERIFY2(e->line >= 1 && e->line <= qMax(1, int(text.count(u'\n')) + 1),
                     qPrintable(e->toString()));
            QVERIFY(!e->message.isEmpty());
        }
    }
}

QTEST_GUILESS_MAIN(TestScenarioParser)
#include "tst_scenarioparser.moc"
