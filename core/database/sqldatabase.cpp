#include "sqldatabase.h"

#include "../errors.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>

namespace cachelab {

namespace {

QString nextConnectionName()
{
    static QAtomicInt counter;
    return QStringLiteral("cachelab-db-%1").arg(counter.fetchAndAddRelaxed(1));
}

// The error classes a person can act on, told apart by SQLite's primary result codes.
DatabaseError::Kind kindOf(const QSqlError &error)
{
    const int code = error.nativeErrorCode().toInt() & 0xff;
    switch (code) {
    case 5: // SQLITE_BUSY
    case 6: // SQLITE_LOCKED
        return DatabaseError::Kind::Locked;
    case 8: // SQLITE_READONLY
        return DatabaseError::Kind::ReadOnly;
    case 14: // SQLITE_CANTOPEN
        return DatabaseError::Kind::Open;
    case 13: // SQLITE_FULL
        return DatabaseError::Kind::Full;
    case 11: // SQLITE_CORRUPT
    case 26: // SQLITE_NOTADB
        return DatabaseError::Kind::Corrupt;
    default:
        return DatabaseError::Kind::Query;
    }
}

} // namespace

SqlDatabase::SqlDatabase(const QString &path)
    : m_path(path)
    , m_connection(nextConnectionName())
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(m_connection);
        throw DatabaseError(DatabaseError::Kind::Open,
                            tr("The SQLite driver of Qt SQL is not installed (Debian: "
                               "libqt6sql6-sqlite)."));
    }
    // A file this constructor creates and then cannot use is removed again: a failed open
    // leaves nothing behind (an empty file would open "fine" next time and hide the problem).
    const bool created = path != u":memory:" && !QFileInfo::exists(path);
    db.setDatabaseName(path);
    // Wait a little for a lock held by another program, never long enough to freeze a window.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=250"));
    const bool opened = db.open();
    try {
        if (!opened)
            fail(db.lastError(), "open");
        QSqlQuery setup(db);
        if (!created && path != u":memory:")
            checkIntegrity(setup);
        if (path != u":memory:") {
            // WAL lets a reader (the GUI's database panel, another process) look while we write.
            if (!setup.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
                fail(setup.lastError(), "open");
        }
        if (!setup.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS records ("
                                       " key TEXT PRIMARY KEY NOT NULL,"
                                       " value BLOB NOT NULL,"
                                       " version INTEGER NOT NULL,"
                                       " updated_us INTEGER NOT NULL,"
                                       " deleted INTEGER NOT NULL DEFAULT 0)")))
            fail(setup.lastError(), "open");
        checkSchema(setup);
        if (!setup.exec(QStringLiteral("SELECT key, version, deleted FROM records")))
            fail(setup.lastError(), "open");
        while (setup.next())
            m_truth.insert(setup.value(0).toString(),
                           Truth{setup.value(1).toLongLong(), setup.value(2).toInt() != 0});

        m_load = QSqlQuery(db);
        m_upsert = QSqlQuery(db);
        m_delete = QSqlQuery(db);
        // Forward-only results skip Qt's row cache: a point query then costs what SQLite costs.
        m_load.setForwardOnly(true);
        m_upsert.setForwardOnly(true);
        m_delete.setForwardOnly(true);
        if (!m_load.prepare(
                QStringLiteral("SELECT value, version FROM records WHERE key = ? AND deleted = 0")))
            fail(m_load.lastError(), "open");
        if (!m_upsert.prepare(QStringLiteral(
                "INSERT INTO records (key, value, version, updated_us, deleted)"
                " VALUES (?, ?, 1, ?, 0)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " version = records.version + 1, updated_us = excluded.updated_us, deleted = 0"
                " RETURNING version")))
            fail(m_upsert.lastError(), "open");
        if (!m_delete.prepare(QStringLiteral(
                "UPDATE records SET value = x'', version = version + 1, updated_us = ?,"
                " deleted = 1 WHERE key = ? AND deleted = 0 RETURNING version")))
            fail(m_delete.lastError(), "open");
    } catch (...) {
        m_load = QSqlQuery();
        m_upsert = QSqlQuery();
        m_delete = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
        if (created) {
            for (const char *suffix : {"", "-wal", "-shm", "-journal"})
                QFile::remove(path + QLatin1String(suffix));
        }
        throw;
    }
}

void SqlDatabase::checkIntegrity(QSqlQuery &query) const
{
    // quick_check reads every page (but not every index entry): seconds for a large file,
    // and it finds what would otherwise surface as a wrong answer in the middle of a lesson.
    if (!query.exec(QStringLiteral("PRAGMA quick_check")))
        fail(query.lastError(), "open");
    QStringList problems;
    while (query.next())
        problems.append(query.value(0).toString());
    query.finish();
    if (problems == QStringList{QStringLiteral("ok")})
        return;
    throw DatabaseError(DatabaseError::Kind::Corrupt,
                        tr("The database %1 is damaged (SQLite's quick_check: %2). Restore it "
                           "from a copy, or choose another file.")
                            .arg(QFileInfo(m_path).absoluteFilePath(),
                                 problems.mid(0, 3).join(QStringLiteral("; "))));
}

void SqlDatabase::checkSchema(QSqlQuery &query) const
{
    // A records table made by something else: say so, rather than fail later on a column.
    if (!query.exec(QStringLiteral("PRAGMA table_info(records)")))
        fail(query.lastError(), "open");
    QStringList columns;
    while (query.next())
        columns.append(query.value(1).toString());
    query.finish();
    QStringList missing;
    for (const char *name : {"key", "value", "version", "updated_us", "deleted"}) {
        if (!columns.contains(QLatin1String(name)))
            missing.append(QLatin1String(name));
    }
    if (missing.isEmpty())
        return;
    throw DatabaseError(
        DatabaseError::Kind::Schema,
        QCoreApplication::translate(
            "SqlDatabase",
            "The database %1 has a table \"records\" that is not Cache Lab's: "
            "it lacks the column(s) %2. Choose another file, or remove that "
            "table.",
            nullptr, int(missing.size()))
            .arg(QFileInfo(m_path).absoluteFilePath(), missing.join(QStringLiteral(", "))));
}

SqlDatabase::~SqlDatabase()
{
    m_load = QSqlQuery();
    m_upsert = QSqlQuery();
    m_delete = QSqlQuery();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString SqlDatabase::describe() const
{
    if (m_path == u":memory:")
        return tr("SQLite in memory");
    return tr("SQLite at %1").arg(QFileInfo(m_path).absoluteFilePath());
}

void SqlDatabase::fail(const QSqlError &error, const char *what) const
{
    const auto kind = kindOf(error);
    const QString where = m_path == u":memory:"
                              ? tr("the in-memory database")
                              : tr("the database %1").arg(QFileInfo(m_path).absoluteFilePath());
    const QString reason = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    switch (kind) {
    case DatabaseError::Kind::Locked:
        throw DatabaseError(kind, tr("Cannot write to %1: it is locked by another program; close "
                                     "it or choose another file.")
                                      .arg(where));
    case DatabaseError::Kind::Full:
        throw DatabaseError(kind, tr("Cannot write to %1: the disk is full (%2). Free some space, "
                                     "or choose a file on another disk.")
                                      .arg(where, reason));
    case DatabaseError::Kind::Corrupt:
        throw DatabaseError(kind, tr("%1 is damaged or is not an SQLite database (%2). Restore "
                                     "it from a copy, or choose another file.")
                                      .arg(where, reason));
    case DatabaseError::Kind::ReadOnly:
        throw DatabaseError(kind, tr("Cannot write to %1 (%2); choose a file in a folder you can "
                                     "write to.")
                                      .arg(where, reason));
    default:
        if (qstrcmp(what, "open") == 0) {
            throw DatabaseError(DatabaseError::Kind::Open,
                                tr("Cannot open %1: %2. Choose a file in a folder you can write "
                                   "to, or use :memory:.")
                                    .arg(where, reason));
        }
        throw DatabaseError(kind, tr("Could not %1 in %2: %3").arg(tr(what), where, reason));
    }
}

void SqlDatabase::exec(QSqlQuery &query, const char *what)
{
    if (!query.exec())
        fail(query.lastError(), what);
}

std::optional<Record> SqlDatabase::load(const QString &key)
{
    m_load.bindValue(0, key);
    exec(m_load, QT_TRANSLATE_NOOP("SqlDatabase", "read a row"));
    std::optional<Record> result;
    if (m_load.next())
        result = Record{m_load.value(0).toByteArray(), m_load.value(1).toLongLong()};
    m_load.finish();
    return result;
}

qint64 SqlDatabase::applyRow(const RowWrite &row, TimeUs at)
{
    if (row.value) {
        m_upsert.bindValue(0, row.key);
        // A null QByteArray would bind as SQL NULL; an empty value is a value.
        m_upsert.bindValue(1, row.value->isNull() ? QByteArray("") : *row.value);
        m_upsert.bindValue(2, at);
        exec(m_upsert, QT_TRANSLATE_NOOP("SqlDatabase", "write a row"));
        const qint64 version = m_upsert.next() ? m_upsert.value(0).toLongLong() : 0;
        m_upsert.finish();
        return version;
    }
    m_delete.bindValue(0, at);
    m_delete.bindValue(1, row.key);
    exec(m_delete, QT_TRANSLATE_NOOP("SqlDatabase", "delete a row"));
    const qint64 newVersion = m_delete.next() ? m_delete.value(0).toLongLong() : version(row.key);
    m_delete.finish();
    return newVersion;
}

qint64 SqlDatabase::store(const QString &key, const QByteArray &value, TimeUs at)
{
    return writeBatch({RowWrite{key, value}}, at).constFirst();
}

qint64 SqlDatabase::remove(const QString &key, TimeUs at)
{
    return writeBatch({RowWrite{key, std::nullopt}}, at).constFirst();
}

QList<qint64> SqlDatabase::writeBatch(const QList<RowWrite> &rows, TimeUs at)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        fail(db.lastError(), QT_TRANSLATE_NOOP("SqlDatabase", "begin a transaction"));
    QList<qint64> versions;
    versions.reserve(rows.size());
    try {
        for (const RowWrite &row : rows)
            versions.append(applyRow(row, at));
    } catch (...) {
        m_upsert.finish();
        m_delete.finish();
        db.rollback();
        throw;
    }
    if (!db.commit()) {
        const QSqlError error = db.lastError();
        db.rollback();
        fail(error, QT_TRANSLATE_NOOP("SqlDatabase", "commit"));
    }
    // Only now is it true: the mirror never holds a version that was rolled back.
    for (qsizetype i = 0; i < rows.size(); ++i)
        m_truth.insert(rows[i].key, Truth{versions[i], !rows[i].value.has_value()});
    return versions;
}

qint64 SqlDatabase::version(const QString &key) const
{
    return m_truth.value(key).version;
}

bool SqlDatabase::exists(const QString &key) const
{
    const auto it = m_truth.constFind(key);
    return it != m_truth.cend() && !it->deleted;
}

QList<RowInfo> SqlDatabase::rows()
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral(
            "SELECT key, value, version, updated_us, deleted FROM records ORDER BY key")))
        fail(query.lastError(), QT_TRANSLATE_NOOP("SqlDatabase", "list the rows"));
    QList<RowInfo> result;
    while (query.next()) {
        result.append(RowInfo{query.value(0).toString(), query.value(1).toByteArray(),
                              query.value(2).toLongLong(), query.value(3).toLongLong(),
                              query.value(4).toInt() != 0});
    }
    return result;
}

void SqlDatabase::clear()
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("DELETE FROM records")))
        fail(query.lastError(), QT_TRANSLATE_NOOP("SqlDatabase", "remove every row"));
    m_truth.clear();
}

} // namespace cachelab
