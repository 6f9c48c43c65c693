// The Redis backend against a real redis-server that each test starts on a free loopback port:
// URL parsing, typed connection failures, binary-safe commands, prefix discipline, timeouts,
// a server killed and restarted mid-run, invalidations across labs, a durable queue that
// survives a killed process.

#include "redisserver.h"

#include <database/sqldatabase.h>
#include <errors.h>
#include <lab/lab.h>
#include <store/redisstore.h>
#include <store/storefactory.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <hiredis/hiredis.h>

using namespace cachelab;

namespace {

// A plain hiredis connection, to look at the server the way another program would.
struct RawRedis
{
    explicit RawRedis(int port)
        : c(redisConnect("127.0.0.1", port))
    {}
    ~RawRedis() { redisFree(c); }
    QByteArray run(const QList<QByteArray> &args)
    {
        std::vector<const char *> argv;
        std::vector<size_t> len;
        for (const auto &a : args) {
            argv.push_back(a.constData());
            len.push_back(size_t(a.size()));
        }
        auto *r = static_cast<redisReply *>(
            redisCommandArgv(c, int(argv.size()), argv.data(), len.data()));
        if (!r)
            return "<no reply>";
        QByteArray out = r->type == REDIS_REPLY_INTEGER ? QByteArray::number(r->integer)
                         : r->type == REDIS_REPLY_NIL   ? QByteArray("<nil>")
                                                        : QByteArray(r->str, qsizetype(r->len));
        freeReplyObject(r);
        return out;
    }
    redisContext *c;
};

std::unique_ptr<CacheStore> open(const QString &url, const SimClock &clock)
{
    StoreLocation location;
    location.url = url;
    return openCacheStore(location, clock);
}

CacheError::Kind failureKind(const QString &url)
{
    SimClock clock;
    try {
        open(url, clock);
    } catch (const CacheError &e) {
        return e.kind();
    }
    return CacheError::Kind::TooLarge; // "did not fail"
}

} // namespace

class TestRedis : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        START_REDIS_OR_SKIP(m_server);
        RawRedis raw(m_server.port());
        raw.run({"SET", "other:key", "theirs"});
        raw.run({"SET", "cachelab-lookalike", "theirs too"});
    }

    void cleanupTestCase()
    {
        // Keys of others survive every test of this file, clear() included.
        RawRedis raw(m_server.port());
        QCOMPARE(raw.run({"GET", "other:key"}), QByteArray("theirs"));
        QCOMPARE(raw.run({"GET", "cachelab-lookalike"}), QByteArray("theirs too"));
    }

    void urlParsing_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("database");
        QTest::newRow("host") << u"redis://localhost"_qs << u"localhost:6379"_qs << QString()
                              << QString() << 0;
        QTest::newRow("port and db")
            << u"redis://10.1.2.3:6380/4"_qs << u"10.1.2.3:6380"_qs << QString() << QString() << 4;
        QTest::newRow("password") << u"redis://:s3cret@h:7000"_qs << u"h:7000"_qs << QString()
                                  << u"s3cret"_qs << 0;
        QTest::newRow("user and password")
            << u"redis://ann:p%40ss@h/2"_qs << u"h:6379"_qs << u"ann"_qs << u"p@ss"_qs << 2;
        QTest::newRow("unix socket") << u"unix:///run/redis/redis.sock"_qs
                                     << u"/run/redis/redis.sock"_qs << QString() << QString() << 0;
    }
    void urlParsing()
    {
        QFETCH(QString, url);
        const auto parsed = parseRedisUrl(url);
        if (const auto *error = std::get_if<QString>(&parsed))
            QFAIL(qPrintable(*error));
        const RedisUrl r = std::get<RedisUrl>(parsed);
        QTEST(r.where(), "where");
        QTEST(r.user, "user");
        QTEST(r.password, "password");
        QTEST(r.database, "database");
    }

    void badUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("says");
        QTest::newRow("scheme") << u"http://h"_qs << u"scheme"_qs;
        QTest::newRow("no host") << u"redis://"_qs << u"no host"_qs;
        QTest::newRow("db not a number") << u"redis://h/x"_qs << u"database"_qs;
        QTest::newRow("empty socket") << u"unix://"_qs << u"socket"_qs;
        QTest::newRow("spaces") << u" redis://h"_qs << u"not a valid"_qs;
        QTest::newRow("unknown parameter") << u"redis://h?speed=9"_qs << u"unknown parameter"_qs;
        QTest::newRow("bad timeout") << u"redis://h?command_timeout=-3"_qs << u"milliseconds"_qs;
    }
    void badUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, says);
        const auto parsed = parseRedisUrl(url);
        QVERIFY(std::holds_alternative<QString>(parsed));
        QVERIFY2(std::get<QString>(parsed).contains(says), qPrintable(std::get<QString>(parsed)));
    }

    void timeoutsInTheUrl()
    {
        const auto parsed =
            parseRedisUrl(u"redis://h:7/1?connect_timeout=250&command_timeout=80"_qs);
        const RedisUrl r = std::get<RedisUrl>(parsed);
        QCOMPARE(r.connectTimeoutMs, 250);
        QCOMPARE(r.commandTimeoutMs, 80);
        QCOMPARE(r.database, 1);
    }

    void passwordFromEnvironment()
    {
        const auto parsed = parseRedisUrl(u"redis://h"_qs, u"fromenv"_qs);
        QCOMPARE(std::get<RedisUrl>(parsed).password, u"fromenv"_qs);
        const auto explicitWins = parseRedisUrl(u"redis://:inurl@h"_qs, u"fromenv"_qs);
        QCOMPARE(std::get<RedisUrl>(explicitWins).password, u"inurl"_qs);
    }

    void refusedConnectionIsTyped()
    {
        const int port = RedisServer::freePort();
        const QString url = QStringLiteral("redis://127.0.0.1:%1").arg(port);
        QCOMPARE(failureKind(url), CacheError::Kind::Refused);
        SimClock clock;
        try {
            open(url, clock);
            QFAIL("connecting to a closed port succeeded");
        } catch (const CacheError &e) {
            QVERIFY2(e.message().contains(QString::number(port)), qPrintable(e.message()));
            QVERIFY2(e.message().contains(u"refused"), qPrintable(e.message()));
        }
    }

    void passwords()
    {
        RedisServer locked(u"open-sesame"_qs);
        START_REDIS_OR_SKIP(locked);
        const QString noPassword = u"redis://127.0.0.1:"_qs + QString::number(locked.port());
        const QString wrongPassword =
            u"redis://:wrong@127.0.0.1:"_qs + QString::number(locked.port());
        QCOMPARE(failureKind(noPassword), CacheError::Kind::Authentication);
        QCOMPARE(failureKind(wrongPassword), CacheError::Kind::Authentication);
        SimClock clock;
        try {
            open(noPassword, clock);
        } catch (const CacheError &e) {
            QVERIFY2(e.message().contains(u"needs a password"), qPrintable(e.message()));
        }
        auto store = open(locked.url(), clock);
        store->set(u"k"_qs, CachedRecord{"v", 1, false}, 0);
        QCOMPARE(store->get(u"k"_qs)->value, QByteArray("v"));

        qputenv("CACHELAB_REDIS_PASSWORD", "open-sesame");
        auto fromEnvironment = open(noPassword, clock);
        qunsetenv("CACHELAB_REDIS_PASSWORD");
        QCOMPARE(fromEnvironment->get(u"k"_qs)->value, QByteArray("v"));
    }

    void wrongDatabaseIndex()
    {
        QCOMPARE(failureKind(m_server.url() + u"/99"), CacheError::Kind::BadDatabase);
    }

    void leasesAreKeptAndCheckedOnTheServer()
    {
        // Two stores are two instances of a lab (or two labs): the lease lives in Redis.
        SimClock clock;
        auto a = open(m_server.url(), clock);
        auto b = open(m_server.url(), clock);
        a->clear();
        const QString key = uR"(lease "quoted" key)"_qs;
        const LeaseLookup first = a->getOrLease(key, 10 * kSecond);
        QVERIFY(!first.hit);
        QVERIFY(first.token > 0);
        const LeaseLookup second = b->getOrLease(key, 10 * kSecond);
        QVERIFY(!second.hit);
        QCOMPARE(second.token, quint64(0)); // out already: wait
        QVERIFY(b->scan().isEmpty());       // a lease is no entry

        // A delete voids it: the holder's fill is refused, and the key stays empty.
        b->remove(key);
        QVERIFY(!a->fillWithLease(key, CachedRecord{"old", 1, false}, 30 * kSecond, first.token));
        QVERIFY(!a->get(key));

        // A fresh lease, held to the end: the fill goes in, with its TTL, and ends the lease.
        const LeaseLookup third = b->getOrLease(key, 10 * kSecond);
        QVERIFY(third.token > first.token);
        QVERIFY(b->fillWithLease(key, CachedRecord{"new", 2, false, false, 3 * kSecond},
                                 30 * kSecond, third.token));
        const LeaseLookup hit = a->getOrLease(key, 10 * kSecond);
        QVERIFY(hit.hit);
        QCOMPARE(hit.hit->first.value, QByteArray("new"));
        QCOMPARE(hit.hit->first.computeTime, 3 * kSecond); // xfetch's delta travels along
        QVERIFY(hit.hit->second > 29 * kSecond && hit.hit->second <= 30 * kSecond);
        QVERIFY(!b->fillWithLease(key, CachedRecord{"again", 3, false}, 0, third.token));

        // A lease expires on the server by itself.
        b->remove(key);
        const LeaseLookup shortLease = a->getOrLease(key, 50 * kMillisecond);
        QVERIFY(shortLease.token > 0);
        RawRedis probe(m_server.port());
        const QByteArray leaseName = QByteArray("cachelab:") + key.toUtf8() + " (lease)";
        QCOMPARE(probe.run({"TYPE", leaseName}), QByteArray("hash"));
        QTRY_COMPARE_WITH_TIMEOUT(probe.run({"EXISTS", leaseName}), QByteArray("0"), 2000);
        QVERIFY(b->getOrLease(key, 10 * kSecond).token > shortLease.token);
        a->clear();
        RawRedis raw(m_server.port());
        QCOMPARE(raw.run({"EXISTS", "cachelab:(leases)"}), QByteArray("0")); // clear() took all
    }

    void commandsAreBinarySafeAndPrefixed()
    {
        SimClock clock;
        auto store = open(m_server.url(), clock);
        store->clear();
        const QByteArray binary("nul\0in\0side\xff\xfe", 14);
        const QString quoted = uR"(key "with" 'quotes' \ and ✓)"_qs;
        store->set(quoted, CachedRecord{binary, 7, false}, 30 * kSecond);
        const auto back = store->getWithTtl(quoted);
        QVERIFY(back);
        QCOMPARE(back->first.value, binary);
        QCOMPARE(back->first.version, qint64(7));
        QVERIFY(back->second > 29 * kSecond && back->second <= 30 * kSecond);

        const QByteArray big(1 << 20, 'x');
        store->set(u"big"_qs, CachedRecord{big, 1, false}, 0);
        QCOMPARE(store->get(u"big"_qs)->value, big);
        QCOMPARE(store->ttl(u"big"_qs), std::optional<TimeUs>(-1));

        store->set(u"gone"_qs, CachedRecord{{}, 0, true}, kSecond);
        QVERIFY(store->get(u"gone"_qs)->absent);
        QVERIFY(store->remove(u"gone"_qs));
        QVERIFY(!store->remove(u"gone"_qs));
        QVERIFY(!store->ttl(u"gone"_qs));

        RawRedis raw(m_server.port());
        QCOMPARE(raw.run({"EXISTS", "cachelab:big"}), QByteArray("1"));
        QCOMPARE(raw.run({"EXISTS", "big"}), QByteArray("0"));

        store->listPush(u"q"_qs, "one");
        store->listPush(u"q"_qs, QByteArray("t\0wo", 4));
        store->listPush(u"q"_qs, "three");
        store->listPush(u"q"_qs, "one");
        store->listRemove(u"q"_qs, {"one", "three"}); // the first "one" only
        QCOMPARE(store->listRange(u"q"_qs), (QList<QByteArray>{QByteArray("t\0wo", 4), "one"}));

        const QList<CacheItem> items = store->scan();
        QStringList keys;
        for (const auto &i : items)
            keys << i.key;
        QCOMPARE(keys, (QStringList{u"big"_qs, quoted}));

        store->clear();
        QVERIFY(store->scan().isEmpty());
        QVERIFY(store->listRange(u"q"_qs).isEmpty());
        QCOMPARE(raw.run({"GET", "other:key"}), QByteArray("theirs"));
    }

    void hungServerTimesOutAndRecovers()
    {
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        SimClock clock;
        StoreLocation location;
        location.url = server.url() + u"?command_timeout=300";
        auto store = openCacheStore(location, clock);
        store->set(u"k"_qs, CachedRecord{"v", 1, false}, 0);

        server.freeze();
        QElapsedTimer waited;
        waited.start();
        try {
            store->get(u"k"_qs);
            QFAIL("a frozen server answered");
        } catch (const CacheError &e) {
            QCOMPARE(e.kind(), CacheError::Kind::Timeout);
            QVERIFY2(e.message().contains(u"300 ms"), qPrintable(e.message()));
        }
        QVERIFY2(waited.elapsed() < 3000, "the timeout did not end the wait");
        server.resume();
        // The store reconnects by itself once the backoff has passed.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                try {
                    return store->get(u"k"_qs).has_value();
                } catch (const CacheError &) {
                    return false;
                }
            }(),
            10000);
    }

    void stoppedServerAtConnectIsATimeout()
    {
        // A stopped redis-server still completes the TCP handshake (the kernel does it), so
        // the first connection hangs in its PING: that is a timeout, not a closed connection.
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        server.freeze();
        SimClock clock;
        StoreLocation location;
        location.url = server.url() + u"?command_timeout=200"_qs;
        try {
            openCacheStore(location, clock);
            server.resume();
            QFAIL("a stopped server was reported as reachable");
        } catch (const CacheError &e) {
            server.resume();
            QCOMPARE(e.kind(), CacheError::Kind::Timeout);
            QVERIFY2(e.message().contains(u"did not answer within 200 ms"),
                     qPrintable(e.message()));
            QVERIFY2(e.message().contains(u"stopped or overloaded"), qPrintable(e.message()));
        }
    }

    void serverKilledAndRestartedMidRun()
    {
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        LabConfig config;
        config.pattern = PatternKind::CircuitBreaker;
        config.options.failures = 2;
        config.options.openTimeout = 300 * kMillisecond;
        config.store.url = server.url();
        config.store.commandTimeoutMs = 300;
        Lab lab(config);
        lab.store().clear();
        lab.databasePut(u"user:1"_qs, "Ann");
        auto read = [&] {
            const quint64 id = lab.start(Operation::Kind::Read, 0, u"user:1"_qs);
            lab.runUntilDone(id);
            return *lab.lastRead(0);
        };
        QVERIFY(read().ok); // miss, loads, fills
        QVERIFY(read().ok); // hit
        QCOMPARE(lab.metrics().total(Counter::CacheHits), qint64(1));

        server.stop();
        for (int i = 0; i < 3; ++i) {
            const auto r = read();
            QVERIFY2(r.ok, qPrintable(r.error)); // the database answers while the cache is gone
            QCOMPARE(r.result.value, QByteArray("Ann"));
        }
        QCOMPARE(lab.pattern(0).breaker()->state, BreakerState::Open);
        QCOMPARE(lab.metrics().total(Counter::BreakerOpens), qint64(1));

        QVERIFY(server.start().isEmpty());
        lab.advance(400 * kMillisecond); // real time: the open timeout passes
        QCOMPARE(lab.pattern(0).breaker()->state, BreakerState::HalfOpen);
        QVERIFY(read().ok); // the trial reaches the restarted server
        QCOMPARE(lab.pattern(0).breaker()->state, BreakerState::Closed);
    }

    void aBusyMachineDoesNotStretchATtl()
    {
        // The lab falls behind the wall clock (the machine was busy for 400 ms before the first
        // read): a value filled then must still be gone when the scenario's TTL has passed in
        // virtual time, or a demo on a loaded machine reads a value its TTL has already ended.
        LabConfig config;
        config.pattern = PatternKind::CacheAside;
        config.options.ttl = kSecond;
        config.store.url = m_server.url();
        config.store.prefix = u"cachelab-test-busy:"_qs;
        Lab lab(config);
        lab.store().clear();
        lab.databasePut(u"user:1"_qs, "Ann");
        QThread::msleep(400); // stands for a machine busy with something else, not for a wait
        auto read = [&] { lab.runUntilDone(lab.start(Operation::Kind::Read, 0, u"user:1"_qs)); };
        read(); // miss, fills with PX 1000
        read(); // hit
        lab.advance(kSecond + 20 * kMillisecond);
        read(); // the TTL has ended: a miss again
        QCOMPARE(lab.metrics().total(Counter::CacheHits), qint64(1));
        QCOMPARE(lab.metrics().total(Counter::CacheMisses), qint64(2));
        lab.store().clear();
    }

    void ownMessagesArriveBeforeTimeMovesOn()
    {
        // The lab's instances share this process: a message one of them published is
        // delivered by the next pump, however busy the machine, so a demo's timing holds.
        SimClock clock;
        auto store = open(m_server.url(), clock);
        QList<QByteArray> received;
        const int id = store->subscribe(
            u"channel"_qs, [&](const QString &, const QByteArray &m) { received.append(m); });
        for (int i = 0; i < 50; ++i) {
            const QByteArray message = "message " + QByteArray::number(i);
            store->publish(u"channel"_qs, message);
            store->pump();
            QCOMPARE(received.size(), i + 1);
            QCOMPARE(received.last(), message);
        }
        store->unsubscribe(id);
        store->publish(u"channel"_qs, "nobody listens");
        store->pump(); // returns at once: nothing is awaited
        QCOMPARE(received.size(), 50);
    }

    void invalidationsCrossLabs()
    {
        // Two labs stand for two processes: separate connections, separate origins.
        LabConfig config;
        config.pattern = PatternKind::MultiLevel;
        config.store.url = m_server.url();
        config.store.prefix = u"cachelab-test-ml:"_qs;
        Lab first(config);
        Lab second(config);
        first.store().clear();
        first.databasePut(u"k"_qs, "old");
        second.databasePut(u"k"_qs, "old");
        first.runUntilDone(first.start(Operation::Kind::Read, 0, u"k"_qs));
        QCOMPARE(first.pattern(0).l1().size(), qsizetype(1));

        second.runUntilDone(second.start(Operation::Kind::Write, 0, u"k"_qs, "new"));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                first.pump();
                first.advance(kMillisecond);
                return first.pattern(0).l1().isEmpty();
            }(),
            5000);
        first.store().clear();
    }

    void durableQueueSurvivesAKilledProcess()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"lab.sqlite"_qs);
        LabConfig config;
        config.pattern = PatternKind::WriteBehind;
        config.options.durable = true;
        config.options.flush = 3600 * kSecond;
        config.store.url = m_server.url();
        config.store.prefix = u"cachelab-test-wb:"_qs;
        config.databasePath = db;
        {
            Lab doomed(config);
            doomed.store().clear();
            for (int i = 1; i <= 3; ++i)
                doomed.runUntilDone(doomed.start(Operation::Kind::Write, 0,
                                                 QStringLiteral("order:%1").arg(i), "x"));
            QCOMPARE(doomed.pattern(0).writeQueue().size(), qsizetype(3));
            RawRedis raw(m_server.port());
            QCOMPARE(raw.run({"LLEN", "cachelab-test-wb:write-queue:A"}), QByteArray("3"));
        } // killed: the queue was never flushed
        Lab restarted(config);
        QVERIFY(restarted.settle(10 * kSecond));
        for (int i = 1; i <= 3; ++i)
            QCOMPARE(restarted.database().load(QStringLiteral("order:%1").arg(i))->value,
                     QByteArray("x"));
        RawRedis raw(m_server.port());
        QCOMPARE(raw.run({"LLEN", "cachelab-test-wb:write-queue:A"}), QByteArray("0"));
        restarted.store().clear();
    }

    void aFullRedisOpensABreakerWithAWindow()
    {
        // A real server out of memory with noeviction: reads work, every SET is refused.
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        RawRedis raw(server.port());
        QCOMPARE(raw.run({"CONFIG", "SET", "maxmemory-policy", "noeviction"}), QByteArray("OK"));
        QCOMPARE(raw.run({"CONFIG", "SET", "maxmemory", "1"}), QByteArray("OK"));

        const auto run = [&](int window) {
            LabConfig config;
            config.pattern = PatternKind::CircuitBreaker;
            config.options.failures = 3;
            config.options.window = window;
            config.options.failureRatio = 0.5;
            config.store.url = server.url();
            auto lab = std::make_unique<Lab>(config);
            lab->databaseSeed(20);
            for (int i = 1; i <= 6; ++i)
                lab->runUntilDone(lab->start(Operation::Kind::Read, 0, Lab::seedKey(i)));
            return lab;
        };
        const auto consecutive = run(0);
        QCOMPARE(consecutive->pattern(0).breaker()->state, BreakerState::Closed);
        QCOMPARE(consecutive->metrics().total(Counter::Errors), qint64(6));
        QVERIFY2(consecutive->metrics().lastError().contains(u"OOM command not allowed"),
                 qPrintable(consecutive->metrics().lastError()));

        const auto windowed = run(10);
        QCOMPARE(windowed->pattern(0).breaker()->state, BreakerState::Open);
        QCOMPARE(windowed->metrics().total(Counter::BreakerOpens), qint64(1));
        QCOMPARE(windowed->metrics().total(Counter::Errors), qint64(5)); // the 6th skips it
    }

private:
    RedisServer m_server;
};

QTEST_GUILESS_MAIN(TestRedis)
#include "tst_redis.moc"
