// cachelab::Runtime in wall time on the Qt event loop: TTLs expire and write-behind flushes
// happen by themselves, a stopped Redis server does not stop the caller's event loop, and plain
// values are what another Redis client reads. Waits are for real events, with timeouts.

#include "redisserver.h"

#include <database/sqldatabase.h>
#include <runtime/runtime.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <hiredis/hiredis.h>

using namespace cachelab;

namespace {

// A plain hiredis client: how another service sees the server.
QByteArray rawGet(int port, const QByteArray &key)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!c || c->err) {
        redisFree(c);
        return "<no connection>";
    }
    auto *r = static_cast<redisReply *>(redisCommand(c, "GET %b", key.constData(), key.size()));
    QByteArray out = !r                              ? QByteArray("<no reply>")
                     : r->type == REDIS_REPLY_NIL    ? QByteArray("<nil>")
                     : r->type == REDIS_REPLY_STRING ? QByteArray(r->str, qsizetype(r->len))
                                                     : QByteArray("<not a string>");
    freeReplyObject(r);
    redisFree(c);
    return out;
}

RuntimeConfig cacheAside(TimeUs ttl)
{
    RuntimeConfig config;
    config.pattern = PatternKind::CacheAside;
    config.options.ttl = ttl;
    return config;
}

qint64 dbReads(Runtime &runtime)
{
    return runtime.inLab([](Lab &lab) { return lab.metrics().total(Counter::DbReads); }).result();
}

} // namespace

class TestRuntime : public QObject
{
    Q_OBJECT

private slots:
    void embeddedTtlExpiresInWallTime()
    {
        Runtime runtime(cacheAside(300 * kMillisecond));
        runtime.inLab([](Lab &lab) { lab.databasePut(QStringLiteral("user:1"), "Ann"); })
            .waitForFinished();
        QElapsedTimer clock;
        clock.start();
        const Runtime::Result first = runtime.read(QStringLiteral("user:1")).result();
        QVERIFY2(first.ok, qPrintable(first.error));
        QCOMPARE(first.value, QByteArray("Ann"));
        QVERIFY(first.took < 50 * kMillisecond);
        QCOMPARE(runtime.read(QStringLiteral("user:1")).result().value, QByteArray("Ann"));
        QCOMPARE(dbReads(runtime), 1); // the second read was a hit

        auto cached = [&] {
            return runtime
                .inLab(
                    [](Lab &lab) { return lab.store().get(QStringLiteral("user:1")).has_value(); })
                .result();
        };
        QVERIFY(cached());
        QTRY_VERIFY_WITH_TIMEOUT(!cached(), 5000);
        QVERIFY2(clock.elapsed() >= 300, "the entry expired before its TTL in wall time");
        QCOMPARE(runtime.read(QStringLiteral("user:1")).result().value, QByteArray("Ann"));
        QCOMPARE(dbReads(runtime), 2);
    }

    void writeBehindFlushesByItself()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("orders.sqlite"));
        RuntimeConfig config;
        config.pattern = PatternKind::WriteBehind;
        config.options.flush = 200 * kMillisecond;
        config.databasePath = path;
        Runtime runtime(config);
        QSignalSpy finished(&runtime, &Runtime::finished);
        const auto written = runtime.write(QStringLiteral("order:1"), "paid").result();
        QVERIFY2(written.ok, qPrintable(written.error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000); // queued to this thread

        // Another connection to the file, as another program would open it: the row arrives
        // with nobody calling the runtime.
        SqlDatabase other(path);
        QVERIFY(!other.load(QStringLiteral("order:1")));
        QTRY_VERIFY_WITH_TIMEOUT(other.load(QStringLiteral("order:1")).has_value(), 5000);
        QCOMPARE(other.load(QStringLiteral("order:1"))->value, QByteArray("paid"));
        runtime.whenIdle().waitForFinished();
    }

    void unknownInstanceIsAClearError()
    {
        Runtime runtime(cacheAside(kSecond));
        const auto r = runtime.read(QStringLiteral("k"), 3).result();
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"no instance 3"), qPrintable(r.error));
    }

    void redisValuesArePlainAndExpire()
    {
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        RuntimeConfig config = cacheAside(400 * kMillisecond);
        config.store.url = server.url();
        config.store.prefix = QStringLiteral("app:");
        Runtime runtime(config);
        runtime.inLab([](Lab &lab) { lab.databasePut(QStringLiteral("user:1"), "Ann"); })
            .waitForFinished();
        QCOMPARE(runtime.read(QStringLiteral("user:1")).result().value, QByteArray("Ann"));
        QCOMPARE(rawGet(server.port(), "app:user:1"), QByteArray("Ann")); // no header
        QCOMPARE(runtime.read(QStringLiteral("user:1")).result().value, QByteArray("Ann"));
        QCOMPARE(dbReads(runtime), 1);
        // A value another service put there is read as it is.
        QCOMPARE(runtime
                     .inLab([](Lab &lab) {
                         lab.store().set(QStringLiteral("user:2"), CachedRecord{"Bob", 0}, 0);
                         return lab.store().get(QStringLiteral("user:2"))->value;
                     })
                     .result(),
                 QByteArray("Bob"));
        QCOMPARE(rawGet(server.port(), "app:user:2"), QByteArray("Bob"));
        QTRY_COMPARE_WITH_TIMEOUT(rawGet(server.port(), "app:user:1"), QByteArray("<nil>"), 5000);
        QCOMPARE(runtime.read(QStringLiteral("user:1")).result().value, QByteArray("Ann"));
        QCOMPARE(dbReads(runtime), 2);
    }

    void theLabKeepsItsVersionHeader()
    {
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        LabConfig config;
        config.store.url = server.url();
        Lab lab(config);
        lab.databasePut(QStringLiteral("user:1"), "Ann");
        lab.runUntilDone(lab.start(Operation::Kind::Read, 0, QStringLiteral("user:1")));
        const QByteArray raw = rawGet(server.port(), "cachelab:user:1");
        QCOMPARE(raw.size(), 12 + 3);
        QVERIFY(raw.startsWith("CL"));
        QVERIFY(raw.endsWith("Ann"));
    }

    void aStoppedRedisDoesNotStopTheEventLoop()
    {
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        RuntimeConfig config = cacheAside(10 * kSecond);
        config.store.url = server.url();
        config.store.commandTimeoutMs = 20000; // the call hangs until the server goes on
        Runtime runtime(config);
        runtime.inLab([](Lab &lab) { lab.databasePut(QStringLiteral("user:1"), "Ann"); })
            .waitForFinished();

        int ticks = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });
        ticker.start();

        server.freeze();
        QFuture<Runtime::Result> read = runtime.read(QStringLiteral("user:1"));
        QTRY_VERIFY_WITH_TIMEOUT(ticks >= 20, 5000);
        QVERIFY2(!read.isFinished(), "the read should hang while the server is stopped");
        server.resume();
        QTRY_VERIFY_WITH_TIMEOUT(read.isFinished(), 10000);
        QVERIFY2(read.result().ok, qPrintable(read.result().error));
        QCOMPARE(read.result().value, QByteArray("Ann"));
    }

    void readsInFlightWaitForRedisTogether()
    {
        // Through hiredis's asynchronous API every read is sent at once: with the server
        // stopped, all fifty are in flight together (a blocking client would hold the
        // Runtime's thread on the first), and all fifty are answered once it goes on.
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        RuntimeConfig config = cacheAside(10 * kSecond);
        config.store.url = server.url();
        config.store.commandTimeoutMs = 20000;
        Runtime runtime(config);
        runtime.inLab([](Lab &lab) { lab.databaseSeed(50); }).waitForFinished();

        server.freeze();
        QList<QFuture<Runtime::Result>> reads;
        for (int i = 1; i <= 50; ++i)
            reads.append(runtime.read(Lab::seedKey(i)));
        const int inFlight =
            runtime.inLab([](Lab &lab) { return lab.store().pendingCommands(); }).result();
        server.resume();
        QCOMPARE(inFlight, 50);
        for (int i = 0; i < reads.size(); ++i) {
            const Runtime::Result r = reads[i].result();
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.value, QByteArray("item ") + QByteArray::number(i + 1));
        }
        runtime.whenIdle().waitForFinished();
        QCOMPARE(dbReads(runtime), 50);
    }

    void aStoppedRedisTimesOutAndTheNextCallReconnects()
    {
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        RuntimeConfig config = cacheAside(10 * kSecond);
        config.store.url = server.url();
        config.store.commandTimeoutMs = 300;
        Runtime runtime(config);
        runtime.inLab([](Lab &lab) { lab.databasePut(QStringLiteral("user:1"), "Ann"); })
            .waitForFinished();

        server.freeze();
        const Runtime::Result stalled = runtime.read(QStringLiteral("user:1")).result();
        server.resume();
        // Whatever the pattern made of it, the call that met the stopped server failed with a
        // message that says what happened.
        const QString error =
            runtime.inLab([](Lab &lab) { return lab.metrics().lastError(); }).result();
        QVERIFY2(error.contains(u"did not answer GET within 300 ms"), qPrintable(error));
        QVERIFY(!stalled.ok || stalled.value == "Ann");

        // The dropped connection is opened again by the next call (after a short backoff).
        QTRY_VERIFY_WITH_TIMEOUT(runtime.read(QStringLiteral("user:1")).result().ok &&
                                     rawGet(server.port(), "cachelab:user:1") == "Ann",
                                 5000);
    }

    void aPasswordAndADatabaseIndexReachTheEventLoopConnection()
    {
        // The asynchronous connection sends AUTH and SELECT before the first command.
        RedisServer server(QStringLiteral("s3cr\"et'"));
        START_REDIS_OR_SKIP(server);
        RuntimeConfig config = cacheAside(10 * kSecond);
        // Written in the URL percent-encoded, as URLs want it.
        config.store.url = u"redis://:"_qs +
                           QString::fromLatin1(QUrl::toPercentEncoding(u"s3cr\"et'"_qs)) +
                           u"@127.0.0.1:"_qs + QString::number(server.port()) + u"/3"_qs;
        std::unique_ptr<Runtime> opened;
        try {
            opened = std::make_unique<Runtime>(config);
        } catch (const Error &e) {
            QFAIL(qPrintable(e.message()));
        }
        Runtime &runtime = *opened;
        runtime.inLab([](Lab &lab) { lab.databasePut(QStringLiteral("user:1"), "Ann"); })
            .waitForFinished();
        const Runtime::Result first = runtime.read(QStringLiteral("user:1")).result();
        QVERIFY2(first.ok, qPrintable(first.error));
        QCOMPARE(runtime.read(QStringLiteral("user:1")).result().value, QByteArray("Ann"));
        QCOMPARE(dbReads(runtime), 1); // the second read was a hit in database 3
        QCOMPARE(
            runtime.inLab([](Lab &lab) { return lab.metrics().total(Counter::Errors); }).result(),
            qint64(0));
    }

    void anotherInstancesWriteEvictsMyL1OverRedis()
    {
        // Multi-level on two instances: the invalidation travels over a Redis channel, on
        // the runtime's event loop (the subscriber connection is asynchronous too).
        RedisServer server;
        START_REDIS_OR_SKIP(server);
        RuntimeConfig config;
        config.pattern = PatternKind::MultiLevel;
        config.options.l1Ttl = 3600 * kSecond; // only an invalidation can evict it
        config.instances = 2;
        config.store.url = server.url();
        Runtime runtime(config);
        runtime.inLab([](Lab &lab) { lab.databasePut(QStringLiteral("user:1"), "Ann"); })
            .waitForFinished();
        QCOMPARE(runtime.read(QStringLiteral("user:1"), 0).result().value, QByteArray("Ann"));
        const auto inMyL1 = [&runtime] {
            return runtime
                .inLab([](Lab &lab) {
                    for (const L1Item &item : lab.pattern(0).l1()) {
                        if (item.key == u"user:1")
                            return item.record.value;
                    }
                    return QByteArray();
                })
                .result();
        };
        QCOMPARE(inMyL1(), QByteArray("Ann"));

        QVERIFY(runtime.write(QStringLiteral("user:1"), "Bob", 1).result().ok);
        QTRY_COMPARE_WITH_TIMEOUT(inMyL1(), QByteArray(), 5000); // evicted by the message
        QCOMPARE(runtime.read(QStringLiteral("user:1"), 0).result().value, QByteArray("Bob"));
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
