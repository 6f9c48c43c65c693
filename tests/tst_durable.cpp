// The durable write-behind queue loses nothing and undoes nothing: a replay after a crash
// never writes an entry over a newer committed version of its key, whatever step of the
// queue's life the cache failed at. Scenarios run through the parser and the runner, as
// `cachelab-cli run` runs them, in virtual time.

#include "testsupport.h"

#include "patterns/writebehind.h"
#include "scenario/runner.h"

#include <QDataStream>
#include <QIODevice>

#include <QTest>

using namespace Qt::StringLiterals;
using namespace cachelab;

namespace {

struct Outcome
{
    scenario::RunResult result;
    QList<QByteArray> list; ///< what is left of the durable queue's list
};

Outcome runScenario(const QString &text)
{
    Outcome o;
    auto parsed = scenario::parse(text, u"durable.cls"_s);
    if (auto *error = std::get_if<scenario::ParseError>(&parsed)) {
        o.result.fatal = error->toString();
        return o;
    }
    LabConfig base;
    base.tracing = false;
    base.maxEvents = kDefaultMaxEvents;
    scenario::Runner runner(std::get<scenario::Scenario>(std::move(parsed)), nullptr, nullptr,
                            base);
    o.result = runner.run();
    o.list = runner.lab().store().listRange(u"write-queue:A"_s);
    return o;
}

QString describe(const scenario::RunResult &r)
{
    QStringList lines;
    for (const auto &f : r.failures)
        lines << u"line %1: expected %2, got %3"_s.arg(f.line).arg(f.text, f.actual);
    if (!r.fatal.isEmpty())
        lines << r.fatal;
    return lines.join(u"; "_s);
}

} // namespace

class TestDurable : public QObject
{
    Q_OBJECT

private slots:
    void replayNeverRollsAKeyBack_data();
    void replayNeverRollsAKeyBack();
    void replayDropsWhatTheDatabaseAlreadyHas();
    void replayWaitsForTheCache();
    void replayGivesUpOnACacheThatStaysDown();
    void itemsCarryTheirVersion();
    void oldItemsAreStillRead();
};

void TestDurable::replayNeverRollsAKeyBack_data()
{
    QTest::addColumn<int>("failAt");
    QTest::addColumn<bool>("crashWhileDown");
    // crashWhileDown: the restarted instance cannot read its list until the cache is back.
    // batch=1: v1 is flushed as soon as it is queued; its commit lands about 27 ms later and
    // the list trim about 52 ms later. A failure from 1 to 120 ms after the write hits the
    // queue before, during and after each of those steps, every millisecond.
    for (int t = 1; t <= 120; ++t) {
        QTest::addRow("cache fails %d ms after the write", t) << t << false;
        QTest::addRow("crash while the cache is down, %d ms after the write", t) << t << true;
    }
}

void TestDurable::replayNeverRollsAKeyBack()
{
    QFETCH(int, failAt);
    QFETCH(bool, crashWhileDown);
    const QString text = u"pattern write-behind durable=on batch=1\n"
                         "write k v1\n"
                         "wait %1ms\n"
                         "fail cache\n"
                         "wait 20ms\n"
                         "%2"
                         "recover cache\n"
                         "write k v2\n"
                         "settle\n"
                         "crash\n"
                         "settle\n"
                         "expect db k = v2\n"
                         "expect metric lost.writes = 0\n"_s.arg(failAt)
                             .arg(crashWhileDown ? u"crash\nwait 10ms\n"_s : QString());
    const Outcome o = runScenario(text);
    QVERIFY2(o.result.ok(), qPrintable(describe(o.result)));
    QCOMPARE(o.result.metrics.value(u"lost.writes"_s), 0);
    QCOMPARE(o.result.passed, 2);
    // Whatever was replayed or dropped, the list is empty at the end: nothing is left to
    // roll the key back at the next restart either.
    QCOMPARE(o.list.size(), 0);
}

void TestDurable::replayDropsWhatTheDatabaseAlreadyHas()
{
    // v1 is committed, its trim fails; v2 is committed and trimmed. The replay finds v1's
    // item older than the database's row: it is dropped, not written, and taken off the list.
    const Outcome o = runScenario(u"pattern write-behind durable=on batch=1\n"
                                  "write k v1\n"
                                  "wait 43ms\n"
                                  "fail cache\n"
                                  "wait 20ms\n"
                                  "recover cache\n"
                                  "write k v2\n"
                                  "settle\n"
                                  "expect db k version 2\n"
                                  "crash\n"
                                  "settle\n"
                                  "expect db k = v2\n"
                                  "expect db k version 2\n"
                                  "expect metric db.writes = 2\n"_s);
    QVERIFY2(o.result.ok(), qPrintable(describe(o.result)));
    QCOMPARE(o.list.size(), 0);
}

void TestDurable::replayWaitsForTheCache()
{
    // The instance restarts while the cache is down: it cannot read its list, and tries
    // again (after 1 s) instead of leaving the writes there until some later restart.
    const Outcome o = runScenario(u"pattern write-behind durable=on flush=30s\n"
                                  "write k v1\n"
                                  "fail cache\n"
                                  "crash\n"
                                  "wait 500ms\n"
                                  "recover cache\n"
                                  "settle\n"
                                  "expect db k = v1\n"
                                  "expect metric lost.writes = 0\n"_s);
    QVERIFY2(o.result.ok(), qPrintable(describe(o.result)));
    QVERIFY(o.result.virtualTime < 2 * testsupport::s); // long before the first flush (30 s)
    QCOMPARE(o.list.size(), 0);
}

void TestDurable::replayGivesUpOnACacheThatStaysDown()
{
    // retries=2: the list is tried at 0, 1 s and 3 s, then left alone; settle does not wait
    // for ever, and the writes are still in the list for the next restart.
    const Outcome o = runScenario(u"pattern write-behind durable=on flush=30s retries=2\n"
                                  "write k v1\n"
                                  "fail cache\n"
                                  "crash\n"
                                  "settle\n"
                                  "expect db k missing\n"_s);
    QVERIFY2(o.result.fatal.isEmpty(), qPrintable(o.result.fatal));
    QVERIFY2(o.result.failures.isEmpty(), qPrintable(describe(o.result)));
    QVERIFY(o.result.virtualTime >= 3 * testsupport::s);
    QVERIFY(o.result.virtualTime < 4 * testsupport::s);
    QCOMPARE(o.list.size(), 1);
}

void TestDurable::itemsCarryTheirVersion()
{
    QueuedWrite w;
    w.key = u"user:1"_s;
    w.value = "Ann";
    w.enqueuedAt = 1234;
    w.version = 7;
    const auto back = WriteBehind::decode(WriteBehind::encode(w));
    QVERIFY(back);
    QCOMPARE(back->key, w.key);
    QCOMPARE(back->value, w.value);
    QCOMPARE(back->enqueuedAt, w.enqueuedAt);
    QCOMPARE(back->version, 7);

    QueuedWrite gone;
    gone.key = u"user:2"_s;
    gone.version = 3;
    const auto deleted = WriteBehind::decode(WriteBehind::encode(gone));
    QVERIFY(deleted);
    QVERIFY(!deleted->value);
    QCOMPARE(deleted->version, 3);

    QVERIFY(!WriteBehind::decode("not a queue item"));
}

void TestDurable::oldItemsAreStillRead()
{
    // Format 1, as a lab before versions wrote it: key, has value, value, enqueued at.
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << quint8(1) << u"order:1"_s << true << QByteArray("3 lamps") << TimeUs(42);
    const auto w = WriteBehind::decode(bytes);
    QVERIFY(w);
    QCOMPARE(w->key, u"order:1"_s);
    QCOMPARE(w->value, QByteArray("3 lamps"));
    QCOMPARE(w->enqueuedAt, 42);
    QCOMPARE(w->version, 0); // unknown: replayed, as before (at least once)
}

QTEST_GUILESS_MAIN(TestDurable)
#include "tst_durable.moc"
