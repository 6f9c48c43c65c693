// Every demo scenario, run by cachelab-cli against a real redis-server with --redis, must hold
// the same expectations as on the embedded store. Real time runs at 1x, so the demos are split
// in two halves that CTest runs side by side.

#include "redisserver.h"

#include <QDir>
#include <QProcess>
#include <QTest>

class TestRedisDemos : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { START_REDIS_OR_SKIP(m_server); }

    void firstHalf_data() { addDemos(0); }
    void firstHalf() { runDemo(); }
    void secondHalf_data() { addDemos(1); }
    void secondHalf() { runDemo(); }

private:
    void addDemos(int half)
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(CACHELAB_SCENARIO_DIR));
        const QStringList files = dir.entryList({QStringLiteral("*.cls")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 14);
        for (qsizetype i = 0; i < files.size(); ++i) {
            if (i % 2 == half)
                QTest::newRow(qPrintable(files[i])) << dir.filePath(files[i]);
        }
    }

    void runDemo()
    {
        QFETCH(QString, path);
        QProcess cli;
        cli.start(QStringLiteral(CACHELAB_CLI),
                  {QStringLiteral("run"), path, QStringLiteral("--redis"), m_server.url(),
                   QStringLiteral("--prefix"), QStringLiteral("cachelab-demo:")});
        QVERIFY(cli.waitForFinished(5 * 60 * 1000));
        const QString output =
            QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError());
        QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0,
                 qPrintable(output));
    }

    RedisServer m_server;
};

QTEST_GUILESS_MAIN(TestRedisDemos)
#include "tst_redis_demos.moc"
