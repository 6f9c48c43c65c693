// SqlDatabase: the source of truth on Qt SQL. Versions, tombstones, hostile keys, the
// application's own table, database URLs, persistence, WAL, all-or-nothing batches and the
// failures a person has to act on. Built twice: tst_database on SQLite (real files in a
// QTemporaryDir), tst_database_postgres (CACHELAB_TEST_POSTGRES) on a PostgreSQL server the
// test starts itself; the tests of behaviour run on both, a second Qt SQL connection looks at
// what was written.

#include "database/databaseurl.h"
#include "database/sqldatabase.h"
#include "errors.h"
#ifdef CACHELAB_TEST_POSTGRES
#include "pgserver.h"
#endif

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace cachelab;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(cachelab::DatabaseError::Kind)

namespace {

// Another connection to the same file, as another program (or the GUI's panel) would open.
class SecondConnection
{
public:
    explicit SecondConnection(const QString &location)
        : m_name(u"tst-database-second-%1"_s.arg(++s_counter))
    {
        const auto parsed = parseDatabaseUrl(location);
        const DatabaseUrl url = std::get<DatabaseUrl>(parsed);
        const bool sqlite = url.driver == DatabaseUrl::Driver::SQLite;
        QSqlDatabase db = QSqlDatabase::addDatabase(sqlite ? u"QSQLITE"_s : u"QPSQL"_s, m_name);
        db.setDatabaseName(sqlite ? url.path : url.database);
        db.setHostName(url.host);
        db.setPort(url.port);
        db.setUserName(url.user);
        db.setPassword(url.password);
        m_open = db.open();
    }
    ~SecondConnection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    SecondConnection(const SecondConnection &) = delete;
    SecondConnection &operator=(const SecondConnection &) = delete;

    bool isOpen() const { return m_open; }
    /// Runs `sql`; returns an empty string on success, else the error.
    QString exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql))
            return q.lastError().text();
        return {};
    }
    /// The first column of the first row of `sql`.
    QVariant scalar(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }

private:
    static inline int s_counter = 0;
    QString m_name;
    bool m_open = false;
};

QByteArray allBytes()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

// Runs `f`, which must throw DatabaseError; gives back the error (nullopt: it did not throw).
std::optional<DatabaseError> errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const DatabaseError &e) {
        return e;
    }
    return std::nullopt;
}

RowWrite put(const QString &key, const QByteArray &value)
{
    return RowWrite{key, value};
}

#ifdef CACHELAB_TEST_POSTGRES
PostgresServer *server = nullptr;
#endif

// A database nobody has written to yet: SQLite in memory, or the test server's database with
// Cache Lab's table emptied and the application tables of earlier tests dropped.
QString fresh()
{
#ifdef CACHELAB_TEST_POSTGRES
    const QString url = server->url();
    SecondConnection other(url);
    for (const char *table : {"records", "orders", "items"})
        other.exec(u"DROP TABLE IF EXISTS "_s + QLatin1String(table));
    return url;
#else
    return u":memory:"_s;
#endif
}

// A database another connection can look at too: a file for SQLite (in-memory databases are
// private to their connection), the server's for PostgreSQL. `query` is the URL's tail.
QString shared(const QTemporaryDir &dir, const QString &query = {})
{
#ifdef CACHELAB_TEST_POSTGRES
    Q_UNUSED(dir);
    fresh();
    return server->url(u"postgres"_s, query);
#else
    return u"sqlite:"_s + dir.filePath(u"shared.db"_s) + query;
#endif
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private slots:
#ifdef CACHELAB_TEST_POSTGRES
    void initTestCase();
    void cleanupTestCase();
    void wrongPasswordIsRefused();
    void unreachableServer();
    void missingDatabase();
    void everyDemo_data();
    void everyDemo();
#else
    void urls_data();
    void urls();
    void badUrls_data();
    void badUrls();
    void unknownSchemeLeavesNoFile();
#endif
    void applicationTableWithVersions();
    void applicationTableWithoutVersions();
    void applicationTableMistakes();
    void versionsStartAtOneAndGrow();
    void deleteKeepsATombstone();
    void deleteOfAMissingRow();
    void batchReturnsVersionsInOrder();
    void emptyBatch();
    void rowsListsTombstonesSorted();
    void clearForgetsEverything();
    void changeLogCatchesEveryCommittedChange();
#ifndef CACHELAB_TEST_POSTGRES
    void inMemoryDatabasesAreSeparate();
#endif

    void valuesRoundTrip_data();
    void valuesRoundTrip();
    void emptyValue();
    void keysRoundTrip_data();
    void keysRoundTrip();
    void keysAreExact();

#ifndef CACHELAB_TEST_POSTGRES
    void fileDatabasePersistsAcrossReopen();
    void fileDatabaseIsInWalMode();
    void batchIsAllOrNothing();
    void inMemoryBatchIsAllOrNothing();
    void unwritablePath_data();
    void unwritablePath();
    void lockedDatabase();
    void damagedFileIsFoundAtOpen();
    void fileThatIsNotADatabase();
    void foreignRecordsTable();
    void failedOpenLeavesNoFileBehind();
    void describe();
#endif
};

void TestDatabase::versionsStartAtOneAndGrow()
{
    SqlDatabase db(fresh());
    QCOMPARE(db.version(u"k"_s), 0);
    QVERIFY(!db.exists(u"k"_s));
    QVERIFY(!db.load(u"k"_s));
    for (qint64 v = 1; v <= 5; ++v) {
        QCOMPARE(db.store(u"k"_s, "value " + QByteArray::number(v), v * 10), v);
        QCOMPARE(db.version(u"k"_s), v);
        const auto row = db.load(u"k"_s);
        QVERIFY(row);
        QCOMPARE(row->version, v);
        QCOMPARE(row->value, "value " + QByteArray::number(v));
    }
    QCOMPARE(db.store(u"other"_s, "x", 0), 1); // per key
    QVERIFY(db.exists(u"k"_s));
}

void TestDatabase::deleteKeepsATombstone()
{
    SqlDatabase db(fresh());
    db.store(u"k"_s, "a", 0);
    db.store(u"k"_s, "b", 0);
    QCOMPARE(db.remove(u"k"_s, 100), 3); // a delete is a change: the version grows
    QCOMPARE(db.version(u"k"_s), 3);
    QVERIFY(!db.exists(u"k"_s));
    QVERIFY(!db.load(u"k"_s));
    QCOMPARE(db.remove(u"k"_s, 200), 3); // deleting a deleted row changes nothing
    QCOMPARE(db.version(u"k"_s), 3);
    QCOMPARE(db.store(u"k"_s, "c", 300), 4); // and it comes back with the next version
    QVERIFY(db.exists(u"k"_s));
    QCOMPARE(db.load(u"k"_s)->value, QByteArray("c"));
    QCOMPARE(db.load(u"k"_s)->version, 4);
}

void TestDatabase::deleteOfAMissingRow()
{
    SqlDatabase db(fresh());
    QCOMPARE(db.remove(u"never"_s, 0), 0);
    QCOMPARE(db.version(u"never"_s), 0);
    QVERIFY(!db.exists(u"never"_s));
    QVERIFY(db.rows().isEmpty());
}

void TestDatabase::batchReturnsVersionsInOrder()
{
    SqlDatabase db(fresh());
    db.store(u"a"_s, "a1", 0);
    const QList<qint64> versions = db.writeBatch(
        {put(u"a"_s, "a2"), put(u"b"_s, "b1"), RowWrite{u"a"_s, std::nullopt}, put(u"b"_s, "b2")},
        50);
    QCOMPARE(versions, (QList<qint64>{2, 1, 3, 2}));
    QCOMPARE(db.version(u"a"_s), 3);
    QVERIFY(!db.exists(u"a"_s));
    QCOMPARE(db.version(u"b"_s), 2);
    QCOMPARE(db.load(u"b"_s)->value, QByteArray("b2"));
}

void TestDatabase::emptyBatch()
{
    SqlDatabase db(fresh());
    QVERIFY(db.writeBatch({}, 0).isEmpty());
    QCOMPARE(db.store(u"k"_s, "v", 0), 1);
}

void TestDatabase::rowsListsTombstonesSorted()
{
    SqlDatabase db(fresh());
    db.store(u"user:2"_s, "Bob", 20);
    db.store(u"user:1"_s, "Ann", 10);
    db.store(u"item:1"_s, "lamp", 30);
    db.remove(u"user:2"_s, 40);
    const QList<RowInfo> rows = db.rows();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].key, u"item:1"_s);
    QCOMPARE(rows[1].key, u"user:1"_s);
    QCOMPARE(rows[1].value, QByteArray("Ann"));
    QCOMPARE(rows[1].version, 1);
    QCOMPARE(rows[1].updatedAt, 10);
    QVERIFY(!rows[1].deleted);
    QCOMPARE(rows[2].key, u"user:2"_s);
    QVERIFY(rows[2].deleted);
    QCOMPARE(rows[2].version, 2);
    QCOMPARE(rows[2].updatedAt, 40);
    QCOMPARE(rows[2].value, QByteArray());
}

void TestDatabase::changeLogCatchesEveryCommittedChange()
{
    QTemporaryDir dir;
    const QString location = shared(dir);
    SqlDatabase db(location);
    db.store(u"before"_s, "x", 1); // before the log existed: not this lab's business
    db.enableChangeLog();
    db.enableChangeLog(); // twice is once
    QVERIFY(!db.hasChangesAfter(0));
    QVERIFY(db.changesAfter(0, 100).isEmpty());

    db.store(u"a"_s, "1", 10);
    db.remove(u"a"_s, 20);
    QVERIFY(db.hasChangesAfter(0));
    {
        // Behind the application's back: another program, plain SQL. The trigger logs it.
        SecondConnection other(location);
        QVERIFY(other.isOpen());
        QCOMPARE(other.exec(u"UPDATE records SET version = version + 1 WHERE key = 'before'"_s),
                 QString());
    }
    const QList<Change> changes = db.changesAfter(0, 100);
    QStringList keys;
    for (const Change &c : changes)
        keys << c.key;
    QCOMPARE(keys, (QStringList{u"a"_s, u"a"_s, u"before"_s}));
    QVERIFY(changes[0].sequence < changes[1].sequence && changes[1].sequence < changes[2].sequence);
    QVERIFY(!db.hasChangesAfter(0)); // read to the end

    QCOMPARE(db.changesAfter(0, 2).size(), 2); // at most `limit`
    // What was relayed is forgotten: the log holds only the relay's backlog.
    QVERIFY(db.changesAfter(changes.last().sequence, 100).isEmpty());
    SecondConnection other(location);
    QCOMPARE(other.scalar(u"SELECT COUNT(*) FROM cachelab_changes"_s).toInt(), 0);
}

void TestDatabase::clearForgetsEverything()
{
    SqlDatabase db(fresh());
    db.store(u"a"_s, "1", 0);
    db.remove(u"a"_s, 0);
    db.store(u"b"_s, "2", 0);
    db.clear();
    QVERIFY(db.rows().isEmpty());
    QCOMPARE(db.version(u"a"_s), 0);
    QCOMPARE(db.version(u"b"_s), 0);
    QVERIFY(!db.exists(u"b"_s));
    QCOMPARE(db.store(u"a"_s, "again", 0), 1);
}

#ifndef CACHELAB_TEST_POSTGRES
void TestDatabase::inMemoryDatabasesAreSeparate()
{
    SqlDatabase one;
    SqlDatabase two;
    QVERIFY(one.connectionName() != two.connectionName());
    one.store(u"k"_s, "v", 0);
    QVERIFY(!two.load(u"k"_s));
    QCOMPARE(two.version(u"k"_s), 0);
}

#endif

void TestDatabase::valuesRoundTrip_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("plain") << QByteArray("Ann");
    QTest::newRow("quotes") << QByteArray(R"(it's "quoted" `and` \escaped\)");
    QTest::newRow("SQL") << QByteArray("x'); DROP TABLE records;--");
    QTest::newRow("JSON") << QByteArray(R"({"name": "Zoë", "tags": ["a\"b", null], "n": 1.5})");
    QTest::newRow("non-ASCII") << u"Ærøskøbing 北京 🍕 ﷽ e\u0301"_s.toUtf8();
    QTest::newRow("NUL bytes") << QByteArray("a\0b\0\0c", 6);
    QTest::newRow("all 256 bytes") << allBytes();
    QTest::newRow("invalid UTF-8") << QByteArray("\xff\xfe\xc3\x28\x80");
    QTest::newRow("blob literal") << QByteArray("x''");
    QByteArray big(1024 * 1024, '\0');
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char((i * 197 + 3) % 256);
    QTest::newRow("1 MiB") << big;
}

void TestDatabase::valuesRoundTrip()
{
    QFETCH(QByteArray, value);
    SqlDatabase db(fresh());
    QCOMPARE(db.store(u"k"_s, value, 0), 1);
    const auto row = db.load(u"k"_s);
    QVERIFY(row);
    QCOMPARE(row->value.size(), value.size());
    QCOMPARE(row->value, value);
    QCOMPARE(db.rows().constFirst().value, value);
    QCOMPARE(db.writeBatch({put(u"k"_s, value), put(u"k2"_s, value)}, 0), (QList<qint64>{2, 1}));
    QCOMPARE(db.load(u"k2"_s)->value, value);
}

void TestDatabase::emptyValue()
{
    // An empty value is a value: storing it must not fail, and it must read back empty (not as
    // a missing row). Both an empty and a null QByteArray are empty values.
    SqlDatabase db(fresh());
    QCOMPARE(db.store(u"empty"_s, QByteArray(""), 0), 1);
    QVERIFY(db.load(u"empty"_s));
    QCOMPARE(db.load(u"empty"_s)->value, QByteArray());

    const auto error = errorOf([&] { db.store(u"null"_s, QByteArray(), 0); });
    QVERIFY2(!error, error ? qPrintable(error->message()) : "");
    if (!error) {
        QVERIFY(db.load(u"null"_s));
        QCOMPARE(db.load(u"null"_s)->value, QByteArray());
    }
}

void TestDatabase::keysRoundTrip_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("SQL injection") << u"x'); DROP TABLE records;--"_s;
    QTest::newRow("single quotes") << u"it's"_s;
    QTest::newRow("double quotes") << uR"(say "hi")"_s;
    QTest::newRow("JSON") << uR"({"id": 1, "name": "Ann"})"_s;
    QTest::newRow("percent and underscore") << u"100%_done"_s;
    QTest::newRow("non-ASCII") << u"användare:Åsa:東京:🍕"_s;
    QTest::newRow("combining") << u"cafe\u0301"_s;
    QTest::newRow("spaces and tabs") << u" a\tb "_s;
    QTest::newRow("long") << QString(4000, u'k');
}

void TestDatabase::keysRoundTrip()
{
    QFETCH(QString, key);
    SqlDatabase db(fresh());
    db.store(u"canary"_s, "still here", 0);
    QCOMPARE(db.store(key, "v1", 0), 1);
    QCOMPARE(db.store(key, "v2", 0), 2);
    QCOMPARE(db.load(key)->value, QByteArray("v2"));
    QCOMPARE(db.version(key), 2);
    QVERIFY(db.exists(key));
    const QList<RowInfo> rows = db.rows();
    QCOMPARE(rows.size(), 2); // the table survived, and nothing else appeared
    QVERIFY(rows[0].key == key || rows[1].key == key);
    QCOMPARE(db.load(u"canary"_s)->value, QByteArray("still here"));
    QCOMPARE(db.remove(key, 0), 3);
    QVERIFY(!db.load(key));
    QVERIFY(db.load(u"canary"_s));
}

void TestDatabase::keysAreExact()
{
    SqlDatabase db(fresh());
    db.store(u"user:1"_s, "lower", 0);
    db.store(u"User:1"_s, "upper", 0);
    db.store(u"user:1 "_s, "trailing space", 0);
    db.store(u"caf\u00e9"_s, "composed", 0);
    db.store(u"cafe\u0301"_s, "decomposed", 0);
    QCOMPARE(db.load(u"user:1"_s)->value, QByteArray("lower"));
    QCOMPARE(db.load(u"User:1"_s)->value, QByteArray("upper"));
    QCOMPARE(db.load(u"user:1 "_s)->value, QByteArray("trailing space"));
    QCOMPARE(db.load(u"caf\u00e9"_s)->value, QByteArray("composed"));
    QCOMPARE(db.load(u"cafe\u0301"_s)->value, QByteArray("decomposed"));
    QVERIFY(!db.load(u"user:%"_s)); // no LIKE anywhere
    QCOMPARE(db.rows().size(), 5);
}

#ifndef CACHELAB_TEST_POSTGRES
void TestDatabase::fileDatabasePersistsAcrossReopen()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cachelab.db"_s);
    {
        SqlDatabase db(path);
        db.store(u"user:1"_s, "Ann", 10);
        db.store(u"user:1"_s, "Anna", 20);
        db.store(u"user:2"_s, QByteArray("b\0in", 4), 30);
        db.store(u"gone"_s, "x", 40);
        db.remove(u"gone"_s, 50);
        QCOMPARE(db.path(), path);
    }
    {
        SqlDatabase db(path);
        QCOMPARE(db.load(u"user:1"_s)->value, QByteArray("Anna"));
        QCOMPARE(db.version(u"user:1"_s), 2);
        QCOMPARE(db.load(u"user:2"_s)->value, QByteArray("b\0in", 4));
        QCOMPARE(db.version(u"gone"_s), 2); // the tombstone's version survived too
        QVERIFY(!db.exists(u"gone"_s));
        QVERIFY(db.exists(u"user:1"_s));
        QCOMPARE(db.store(u"user:1"_s, "Ann again", 60), 3);
        QCOMPARE(db.store(u"gone"_s, "back", 70), 3);
    }
    SqlDatabase db(path);
    QCOMPARE(db.version(u"user:1"_s), 3);
    QCOMPARE(db.load(u"gone"_s)->value, QByteArray("back"));
    QCOMPARE(db.rows().size(), 3);
}

void TestDatabase::fileDatabaseIsInWalMode()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"wal.db"_s);
    SqlDatabase db(path);
    db.store(u"k"_s, "v", 0);
    SecondConnection other(path);
    QVERIFY(other.isOpen());
    QCOMPARE(other.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    // The other connection sees committed rows at once.
    QCOMPARE(other.scalar(u"SELECT value FROM records WHERE key = 'k'"_s).toByteArray(),
             QByteArray("v"));
}

void TestDatabase::batchIsAllOrNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"batch.db"_s);
    SqlDatabase db(path);
    db.store(u"a"_s, "a-old", 0);
    SecondConnection other(path);
    QVERIFY(other.isOpen());
    QCOMPARE(other.exec(u"CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.key = 'poison' "
                        "BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"_s),
             QString());

    const QList<RowWrite> batch{put(u"a"_s, "a-new"), put(u"b"_s, "b"), put(u"poison"_s, "p"),
                                put(u"c"_s, "c")};
    const auto error = errorOf([&] { db.writeBatch(batch, 100); });
    QVERIFY2(error, "the batch should have failed");
    QVERIFY2(error->message().contains(u"poisoned row"_s), qPrintable(error->message()));
    QVERIFY2(error->message().contains(path), qPrintable(error->message()));

    // Nothing of it happened: not a, not b, in our view or on disk.
    QCOMPARE(db.load(u"a"_s)->value, QByteArray("a-old"));
    QCOMPARE(db.version(u"a"_s), 1);
    QVERIFY(!db.load(u"b"_s));
    QCOMPARE(db.version(u"b"_s), 0);
    QVERIFY(!db.exists(u"b"_s));
    QCOMPARE(db.version(u"c"_s), 0);
    QCOMPARE(other.scalar(u"SELECT count(*) FROM records"_s).toInt(), 1);
    QCOMPARE(other.scalar(u"SELECT value FROM records WHERE key = 'a'"_s).toByteArray(),
             QByteArray("a-old"));

    // The connection is not left inside a transaction: good batches and writes still work.
    QCOMPARE(db.writeBatch({put(u"a"_s, "a-new"), put(u"b"_s, "b"), put(u"c"_s, "c")}, 200),
             (QList<qint64>{2, 1, 1}));
    QCOMPARE(db.store(u"d"_s, "d", 300), 1);
    QCOMPARE(other.scalar(u"SELECT count(*) FROM records"_s).toInt(), 4);
    QCOMPARE(db.load(u"a"_s)->value, QByteArray("a-new"));

    // A failing single write is all-or-nothing too.
    QVERIFY(errorOf([&] { db.store(u"poison"_s, "p", 400); }));
    QVERIFY(!db.exists(u"poison"_s));
    QCOMPARE(db.version(u"poison"_s), 0);
}

void TestDatabase::inMemoryBatchIsAllOrNothing()
{
    SqlDatabase db;
    db.store(u"a"_s, "a-old", 0);
    {
        // The same connection (an in-memory database exists only there).
        QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
        QVERIFY2(q.exec(u"CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.key = 'poison' "
                        "BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"_s),
                 qPrintable(q.lastError().text()));
    }
    const auto error = errorOf([&] {
        db.writeBatch({put(u"a"_s, "a-new"), put(u"b"_s, "b"), put(u"poison"_s, "p")}, 0);
    });
    QVERIFY(error);
    QCOMPARE(error->kind(), DatabaseError::Kind::Query);
    QCOMPARE(db.load(u"a"_s)->value, QByteArray("a-old"));
    QCOMPARE(db.version(u"a"_s), 1);
    QVERIFY(!db.load(u"b"_s));
    QCOMPARE(db.rows().size(), 1);
    QVERIFY2(error->message().contains(u"poisoned row"_s), qPrintable(error->message()));
    QVERIFY2(!error->message().contains(u"The database the in-memory database"_s),
             qPrintable(error->message()));
    QCOMPARE(db.writeBatch({put(u"a"_s, "a-new"), put(u"b"_s, "b")}, 0), (QList<qint64>{2, 1}));
}

void TestDatabase::unwritablePath_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("inside /proc") << u"/proc/nope/cachelab.db"_s;
    QTest::newRow("missing folder") << u"%1/no/such/folder/cachelab.db"_s;
}

void TestDatabase::unwritablePath()
{
    QFETCH(QString, path);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    if (path.contains(u"%1"))
        path = path.arg(dir.path());
    const int connections = int(QSqlDatabase::connectionNames().size());
    const auto error = errorOf([&] { SqlDatabase db(path); });
    QVERIFY2(error, "opening should have failed");
    QCOMPARE(error->kind(), DatabaseError::Kind::Open);
    QVERIFY2(error->message().contains(path), qPrintable(error->message()));
    // A failed open leaves no Qt SQL connection behind.
    QCOMPARE(int(QSqlDatabase::connectionNames().size()), connections);
}

void TestDatabase::lockedDatabase()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"locked.db"_s);
    SqlDatabase db(path);
    db.store(u"a"_s, "before", 0);
    SecondConnection other(path);
    QVERIFY(other.isOpen());
    QCOMPARE(other.exec(u"BEGIN EXCLUSIVE"_s), QString());

    const auto single = errorOf([&] { db.store(u"a"_s, "during", 10); });
    QVERIFY2(single, "a write under another program's lock should fail");
    QCOMPARE(single->kind(), DatabaseError::Kind::Locked);
    QVERIFY2(single->message().contains(u"locked"_s), qPrintable(single->message()));
    QVERIFY2(single->message().contains(path), qPrintable(single->message()));

    const auto batch = errorOf([&] {
        db.writeBatch({put(u"a"_s, "batch"), put(u"b"_s, "batch")}, 20);
    });
    QVERIFY2(batch, "a batch under another program's lock should fail");
    QCOMPARE(batch->kind(), DatabaseError::Kind::Locked);
    QVERIFY2(batch->message().contains(u"locked"_s), qPrintable(batch->message()));

    // WAL: reading still works while another program writes.
    QCOMPARE(db.load(u"a"_s)->value, QByteArray("before"));

    QCOMPARE(other.exec(u"ROLLBACK"_s), QString());
    QCOMPARE(db.load(u"a"_s)->value, QByteArray("before")); // neither was applied
    QCOMPARE(db.version(u"a"_s), 1);
    QVERIFY(!db.exists(u"b"_s));
    QCOMPARE(db.version(u"b"_s), 0);
    QCOMPARE(db.store(u"a"_s, "after", 30), 2); // and the lock's end is the problem's end
}

void TestDatabase::describe()
{
    SqlDatabase memory;
    QCOMPARE(memory.describe(), u"SQLite in memory"_s);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"d.db"_s);
    SqlDatabase file(path);
    QCOMPARE(file.describe(), u"SQLite at "_s + path);
}

void TestDatabase::damagedFileIsFoundAtOpen()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"damaged.db"_s);
    {
        SqlDatabase db(path);
        for (int i = 0; i < 2000; ++i) // several pages of rows and of the key index
            db.store(u"key:%1"_s.arg(i), QByteArray(200, 'x'), i);
    }
    // Scribble over the middle of the file (past the header page), as a failing disk would.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 size = file.size();
    QVERIFY(size > 64 * 1024);
    QVERIFY(file.seek(size / 2));
    QVERIFY(file.write(QByteArray(16 * 1024, '\xA5')) == 16 * 1024);
    file.close();

    const auto error = errorOf([&] { SqlDatabase db(path); });
    QVERIFY2(error, "a damaged file should be refused at open");
    QCOMPARE(error->kind(), DatabaseError::Kind::Corrupt);
    QVERIFY2(error->message().contains(u"damaged"_s), qPrintable(error->message()));
    QVERIFY2(error->message().contains(path), qPrintable(error->message()));
    QVERIFY(QFileInfo::exists(path)); // the learner's file is theirs: never deleted
}

void TestDatabase::fileThatIsNotADatabase()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"notes.txt"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("These are a teacher's notes, not a database.\n").repeated(200));
    file.close();

    const auto error = errorOf([&] { SqlDatabase db(path); });
    QVERIFY2(error, "a text file should be refused");
    QCOMPARE(error->kind(), DatabaseError::Kind::Corrupt);
    QVERIFY2(error->message().contains(u"not an SQLite database"_s), qPrintable(error->message()));
    QCOMPARE(QFileInfo(path).size(), qint64(200 * 45)); // untouched
}

void TestDatabase::foreignRecordsTable()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"foreign.db"_s);
    {
        SecondConnection other(path);
        QVERIFY(other.isOpen());
        QCOMPARE(other.exec(u"CREATE TABLE records (id INTEGER PRIMARY KEY, value TEXT)"_s),
                 QString());
    }
    const auto error = errorOf([&] { SqlDatabase db(path); });
    QVERIFY2(error, "a records table of another program should be refused");
    QCOMPARE(error->kind(), DatabaseError::Kind::Schema);
    QVERIFY2(error->message().contains(u"key, version, updated_us, deleted"_s),
             qPrintable(error->message()));
    QVERIFY2(!error->message().contains(u"write to"_s), qPrintable(error->message()));
}

void TestDatabase::failedOpenLeavesNoFileBehind()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The folder is writable but the database cannot be set up in it: a directory stands
    // where SQLite's WAL file must go, so switching to WAL fails after the file was created.
    const QString path = dir.filePath(u"fresh.db"_s);
    QVERIFY(QDir(dir.path()).mkdir(u"fresh.db-wal"_s));
    QVERIFY(QFile(dir.filePath(u"fresh.db-wal/x"_s)).open(QIODevice::WriteOnly));
    const auto error = errorOf([&] { SqlDatabase db(path); });
    QVERIFY2(error, "the open should have failed");
    QVERIFY2(!QFileInfo::exists(path), "a failed open left an empty database file behind");
}

#endif

// The application's own table: Cache Lab reads and writes it through the URL's mapping, raises
// its version column, keeps tombstones beside it, and creates no table of its own there.
void TestDatabase::applicationTableWithVersions()
{
    QTemporaryDir dir;
    const QString location = shared(dir);
    {
        SecondConnection app(location);
        QVERIFY(app.isOpen());
        QCOMPARE(app.exec(u"CREATE TABLE orders (id TEXT PRIMARY KEY, payload TEXT NOT NULL,"
                          " rev BIGINT NOT NULL, note TEXT)"_s),
                 QString());
        QCOMPARE(app.exec(u"INSERT INTO orders (id, payload, rev) VALUES ('o:1', 'lamp', 7)"_s),
                 QString());
    }
    SqlDatabase db(location + u"?table=orders&key=id&value=payload&version=rev"_s);
    QVERIFY2(db.describe().contains(u"table orders"_s), qPrintable(db.describe()));
    QCOMPARE(db.version(u"o:1"_s), 7);
    QCOMPARE(db.load(u"o:1"_s)->value, QByteArray("lamp"));
    QCOMPARE(db.load(u"o:1"_s)->version, 7);
    QCOMPARE(db.store(u"o:1"_s, "desk", 10), 8);
    QCOMPARE(db.store(u"o:2"_s, u"Stuhl für Zoë"_s.toUtf8(), 20), 1);
    QCOMPARE(db.remove(u"o:1"_s, 30), 9);
    QVERIFY(!db.exists(u"o:1"_s));
    QVERIFY(!db.load(u"o:1"_s));
    const QList<RowInfo> rows = db.rows();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].key, u"o:1"_s);
    QVERIFY(rows[0].deleted);
    QCOMPARE(rows[0].version, 9);
    QCOMPARE(rows[1].version, 1);
    QCOMPARE(db.store(u"o:1"_s, "back", 40), 10); // versions go on after the delete

    // What the application reads is its own text, not Cache Lab's bytes; no table was added.
    SecondConnection app(location);
    QCOMPARE(app.scalar(u"SELECT payload FROM orders WHERE id = 'o:2'"_s).toString(),
             u"Stuhl für Zoë"_s);
    QCOMPARE(app.scalar(u"SELECT rev FROM orders WHERE id = 'o:1'"_s).toLongLong(), 10);
    QCOMPARE(app.scalar(u"SELECT count(*) FROM orders"_s).toInt(), 2);
    QVERIFY(QSqlDatabase::database(db.connectionName(), false).record(u"records"_s).isEmpty());
}

// Without a version column the versions are Cache Lab's: rows found at open start at 1.
void TestDatabase::applicationTableWithoutVersions()
{
    QTemporaryDir dir;
    const QString location = shared(dir);
    {
        SecondConnection app(location);
        QCOMPARE(app.exec(u"CREATE TABLE items (sku TEXT PRIMARY KEY, name TEXT)"_s), QString());
        QCOMPARE(app.exec(u"INSERT INTO items VALUES ('s:1', 'pen'), ('s:2', 'ink')"_s), QString());
    }
    SqlDatabase db(location + u"?table=items&key=sku&value=name"_s);
    QCOMPARE(db.version(u"s:1"_s), 1);
    QCOMPARE(db.store(u"s:1"_s, "quill", 0), 2);
    QCOMPARE(db.load(u"s:1"_s)->version, 2);
    QCOMPARE(
        db.writeBatch(
            {put(u"s:3"_s, "nib"), put(u"s:3"_s, "nib 2"), RowWrite{u"s:2"_s, std::nullopt}}, 5),
        (QList<qint64>{1, 2, 2}));
    QCOMPARE(db.remove(u"never"_s, 6), 0);
    QCOMPARE(db.rows().size(), 3); // s:1, s:2 (a tombstone), s:3
    QVERIFY(db.rows()[1].deleted);
    db.clear();
    QVERIFY(db.rows().isEmpty());
    SecondConnection app(location);
    QCOMPARE(app.scalar(u"SELECT count(*) FROM items"_s).toInt(), 0);
}

void TestDatabase::applicationTableMistakes()
{
    QTemporaryDir dir;
    const QString location = shared(dir);
    {
        SecondConnection app(location);
        QCOMPARE(app.exec(u"CREATE TABLE items (sku TEXT PRIMARY KEY, name TEXT)"_s), QString());
    }
    const auto noTable = errorOf([&] { SqlDatabase(location + u"?table=orders&key=a&value=b"_s); });
    QVERIFY(noTable);
    QCOMPARE(noTable->kind(), DatabaseError::Kind::Schema);
    QVERIFY2(noTable->message().contains(u"no table \"orders\""_s), qPrintable(noTable->message()));
    const auto noColumns =
        errorOf([&] { SqlDatabase(location + u"?table=items&key=sku&value=title&version=rev"_s); });
    QVERIFY(noColumns);
    QCOMPARE(noColumns->kind(), DatabaseError::Kind::Schema);
    QVERIFY2(noColumns->message().contains(u"title, rev: name its columns"_s),
             qPrintable(noColumns->message()));
    const auto injected = errorOf(
        [&] { SqlDatabase(location + u"?table=items;DROP%20TABLE%20items&key=sku&value=name"_s); });
    QVERIFY(injected);
    QCOMPARE(injected->kind(), DatabaseError::Kind::Location);
    SecondConnection app(location);
    QVERIFY(app.scalar(u"SELECT count(*) FROM items"_s).isValid()); // still there
}

#ifdef CACHELAB_TEST_POSTGRES

void TestDatabase::initTestCase()
{
    server = new PostgresServer;
    START_POSTGRES_OR_SKIP(*server);
}

void TestDatabase::cleanupTestCase()
{
    delete server;
    server = nullptr;
}

void TestDatabase::wrongPasswordIsRefused()
{
    const QString url = u"postgresql://cachelab:wrong@127.0.0.1:%1/postgres"_s.arg(server->port());
    const auto error = errorOf([&] { SqlDatabase db(url); });
    QVERIFY(error);
    QCOMPARE(error->kind(), DatabaseError::Kind::Authentication);
    QVERIFY2(error->message().contains(u"refused the user \"cachelab\""_s),
             qPrintable(error->message()));
    QVERIFY2(!error->message().contains(u"wrong"_s), "the message shows the password");
}

void TestDatabase::unreachableServer()
{
    const int port = RedisServer::freePort();
    const auto error = errorOf([&] {
        SqlDatabase db(
            u"postgresql://cachelab@127.0.0.1:%1/postgres?connect_timeout=2"_s.arg(port));
    });
    QVERIFY(error);
    QCOMPARE(error->kind(), DatabaseError::Kind::Unavailable);
    QVERIFY2(error->message().contains(u"Cannot reach PostgreSQL at 127.0.0.1:%1"_s.arg(port)),
             qPrintable(error->message()));
}

void TestDatabase::missingDatabase()
{
    const auto error = errorOf([&] { SqlDatabase db(server->url(u"shop"_s)); });
    QVERIFY(error);
    QCOMPARE(error->kind(), DatabaseError::Kind::Open);
    QVERIFY2(error->message().contains(u"has no database \"shop\""_s) &&
                 error->message().contains(u"createdb shop"_s),
             qPrintable(error->message()));
}

// Every demo holds the same expectations with PostgreSQL as the source of truth.
void TestDatabase::everyDemo_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(CACHELAB_SCENARIO_DIR));
    const QStringList files = dir.entryList({QStringLiteral("*.cls")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 14);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << dir.filePath(file);
}

void TestDatabase::everyDemo()
{
    QFETCH(QString, path);
    QProcess cli;
    cli.start(QStringLiteral(CACHELAB_CLI), {u"run"_s, path, u"--db"_s, server->url()});
    QVERIFY(cli.waitForFinished(5 * 60 * 1000));
    const QString output =
        QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError());
    QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0, qPrintable(output));
}

#else

void TestDatabase::urls_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("table");
    QTest::newRow("memory") << u":memory:"_s << false << u":memory:"_s << QString() << QString();
    QTest::newRow("sqlite memory")
        << u"sqlite::memory:"_s << false << u":memory:"_s << QString() << QString();
    QTest::newRow("relative path") << u"lab.db"_s << false << u"lab.db"_s << QString() << QString();
    QTest::newRow("drive letter") << u"C:/lab.db"_s << false << u"C:/lab.db"_s << QString()
                                  << QString();
    QTest::newRow("sqlite absolute") << u"sqlite:///var/tmp/lab%20one.db"_s << false
                                     << u"/var/tmp/lab one.db"_s << QString() << QString();
    QTest::newRow("sqlite relative") << u"sqlite:data/lab.db?table=t&key=k&value=v"_s << false
                                     << u"data/lab.db"_s << QString() << u"t"_s;
    QTest::newRow("postgresql") << u"postgresql://ann:p%40ss@db.example:6543/shop"_s << true
                                << u"ann@db.example:6543/shop"_s << u"p@ss"_s << QString();
    QTest::newRow("postgres, default port")
        << u"postgres://db/shop?table=orders&key=id&value=body&version=rev"_s << true
        << u"db:5432/shop"_s << QString() << u"orders"_s;
}

void TestDatabase::urls()
{
    QFETCH(QString, text);
    const auto parsed = parseDatabaseUrl(text);
    if (const auto *error = std::get_if<QString>(&parsed))
        QFAIL(qPrintable(*error));
    const DatabaseUrl url = std::get<DatabaseUrl>(parsed);
    QTEST(url.driver == DatabaseUrl::Driver::PostgreSQL, "postgres");
    QTEST(url.where(), "where");
    QTEST(url.password, "password");
    QTEST(url.table, "table");
}

void TestDatabase::badUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("says");
    QTest::newRow("Qt driver name") << u"QPSQL:host=db"_s << u"no database of the kind \"QPSQL\""_s;
    QTest::newRow("unknown scheme") << u"mysql://db/shop"_s << u"of the kind \"mysql\""_s;
    QTest::newRow("no database") << u"postgresql://ann@db"_s << u"names no database"_s;
    QTest::newRow("no host") << u"postgresql:///shop"_s << u"names no host"_s;
    QTest::newRow("bad port") << u"postgresql://db:99999/shop"_s << u"PostgreSQL URL"_s;
    QTest::newRow("unknown parameter")
        << u"postgresql://db/shop?colour=red"_s << u"unknown parameter \"colour\""_s;
    QTest::newRow("table without columns") << u"sqlite:lab.db?table=t"_s << u"key= and value="_s;
    QTest::newRow("columns without table") << u"sqlite:lab.db?key=k"_s << u"add table="_s;
    QTest::newRow("not a plain name")
        << u"sqlite:lab.db?table=t%22x&key=k&value=v"_s << u"not a plain table or column name"_s;
    QTest::newRow("sqlite with host") << u"sqlite://host/lab.db"_s << u"not a valid SQLite URL"_s;
    QTest::newRow("spaces around") << u" lab.db"_s << u"is not a database"_s;
}

void TestDatabase::badUrls()
{
    QFETCH(QString, text);
    QFETCH(QString, says);
    const auto parsed = parseDatabaseUrl(text);
    const auto *error = std::get_if<QString>(&parsed);
    QVERIFY2(error, "accepted");
    QVERIFY2(error->contains(says), qPrintable(*error));
}

void TestDatabase::unknownSchemeLeavesNoFile()
{
    QTemporaryDir dir;
    const QString old = QDir::currentPath();
    QDir::setCurrent(dir.path());
    const auto error = errorOf([] { SqlDatabase db(u"QPSQL:host=db"_s); });
    QDir::setCurrent(old);
    QVERIFY(error);
    QCOMPARE(error->kind(), DatabaseError::Kind::Location);
    QVERIFY2(QDir(dir.path()).isEmpty(), "a file was created for a URL");
}

#endif

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
