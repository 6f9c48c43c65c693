#include "sqldatabase.h"

#include "../errors.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlRecord>

#include <algorithm>

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

SqlDatabase::SqlDatabase(const QString &location)
    : SqlDatabase([&] {
        const auto parsed =
            parseDatabaseUrl(location, qEnvironmentVariable("CACHELAB_DB_PASSWORD"));
        if (const auto *error = std::get_if<QString>(&parsed))
            throw DatabaseError(DatabaseError::Kind::Location, *error);
        return std::get<DatabaseUrl>(parsed);
    }())
{}

SqlDatabase::SqlDatabase(const DatabaseUrl &url)
    : m_url(url)
    , m_connection(nextConnectionName())
{
    open();
}

void SqlDatabase::open()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(
        sqlite() ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), m_connection);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(m_connection);
        throw DatabaseError(DatabaseError::Kind::Location,
                            sqlite() ? tr("The SQLite driver of Qt SQL is not installed (Debian: "
                                          "libqt6sql6-sqlite).")
                                     : tr("The PostgreSQL driver of Qt SQL is not installed "
                                          "(Debian: libqt6sql6-psql)."));
    }
    // A file this constructor creates and then cannot use is removed again: a failed open
    // leaves nothing behind (an empty file would open "fine" next time and hide the problem).
    const bool file = sqlite() && !m_url.inMemory();
    const bool created = file && !QFileInfo::exists(m_url.path);
    if (sqlite()) {
        db.setDatabaseName(m_url.path);
        // Wait a little for a lock held by another program, never long enough to freeze a
        // window.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=250"));
    } else {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.database);
        db.setConnectOptions(QStringLiteral("connect_timeout=%1").arg(m_url.connectTimeoutS));
    }
    const bool opened = db.open();
    try {
        if (!opened)
            fail(db.lastError(), "open");
        const bool own = m_url.ownTable();
        m_table = name(own ? QStringLiteral("records") : m_url.table);
        m_key = name(own ? QStringLiteral("key") : m_url.keyColumn);
        m_value = name(own ? QStringLiteral("value") : m_url.valueColumn);
        m_version = name(own ? QStringLiteral("version") : m_url.versionColumn);
        QSqlQuery setup(db);
        if (file && !created)
            checkIntegrity(setup);
        if (file) {
            // WAL lets a reader (the GUI's database panel, another process) look while we
            // write.
            if (!setup.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
                fail(setup.lastError(), "open");
        }
        if (!sqlite() && !setup.exec(QStringLiteral("SET client_min_messages TO warning")))
            fail(setup.lastError(), "open");
        if (own)
            createOwnTable(setup);
        checkColumns(setup);
        readTruth(setup);
        prepareStatements();
    } catch (...) {
        m_load = QSqlQuery();
        m_upsert = QSqlQuery();
        m_delete = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
        if (created) {
            for (const char *suffix : {"", "-wal", "-shm", "-journal"})
                QFile::remove(m_url.path + QLatin1String(suffix));
        }
        throw;
    }
}

QString SqlDatabase::name(const QString &identifier) const
{
    if (identifier.isEmpty())
        return {};
    return QSqlDatabase::database(m_connection, false)
        .driver()
        ->escapeIdentifier(identifier, QSqlDriver::FieldName);
}

void SqlDatabase::createOwnTable(QSqlQuery &setup)
{
    // The same columns on every driver; only the type of bytes differs.
    const QString bytes = sqlite() ? QStringLiteral("BLOB") : QStringLiteral("BYTEA");
    if (!setup.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS records ("
                                   " key TEXT PRIMARY KEY NOT NULL,"
                                   " value %1 NOT NULL,"
                                   " version BIGINT NOT NULL,"
                                   " updated_us BIGINT NOT NULL,"
                                   " deleted INTEGER NOT NULL DEFAULT 0)")
                        .arg(bytes)))
        fail(setup.lastError(), "open");
}

void SqlDatabase::checkColumns(QSqlQuery &setup) const
{
    setup.finish();
    const QSqlRecord record = QSqlDatabase::database(m_connection, false).record(m_table);
    const bool own = m_url.ownTable();
    if (record.isEmpty() && !own) {
        throw DatabaseError(DatabaseError::Kind::Schema,
                            tr("%1 has no table \"%2\": name an existing table in table=, or "
                               "leave table= out to use Cache Lab's own.")
                                .arg(where(), m_url.table));
    }
    QStringList wanted;
    if (own)
        wanted = {QStringLiteral("key"), QStringLiteral("value"), QStringLiteral("version"),
                  QStringLiteral("updated_us"), QStringLiteral("deleted")};
    else
        wanted = {m_url.keyColumn, m_url.valueColumn};
    if (!own && !m_url.versionColumn.isEmpty())
        wanted.append(m_url.versionColumn);
    QStringList missing;
    for (const QString &column : std::as_const(wanted)) {
        if (!record.contains(column))
            missing.append(column);
    }
    if (missing.isEmpty())
        return;
    if (own) {
        // A records table made by something else: say so, rather than fail later on a
        // column.
        throw DatabaseError(DatabaseError::Kind::Schema,
                            tr("%1 has a table \"records\" that is not Cache Lab's: it lacks the "
                               "column(s) %2. Choose another database, or remove that table.",
                               nullptr, int(missing.size()))
                                .arg(where(), missing.join(QStringLiteral(", "))));
    }
    throw DatabaseError(DatabaseError::Kind::Schema,
                        tr("The table \"%1\" in %2 has no column(s) %3: name its columns in "
                           "key=, value= and version=.",
                           nullptr, int(missing.size()))
                            .arg(m_url.table, where(), missing.join(QStringLiteral(", "))));
}

void SqlDatabase::readTruth(QSqlQuery &setup)
{
    QString sql;
    if (m_url.ownTable())
        sql = QStringLiteral("SELECT key, version, deleted FROM records");
    else if (!m_url.versionColumn.isEmpty())
        sql = QStringLiteral("SELECT %1, %2 FROM %3").arg(m_key, m_version, m_table);
    else
        sql = QStringLiteral("SELECT %1 FROM %2").arg(m_key, m_table);
    setup.setForwardOnly(true);
    if (!setup.exec(sql))
        fail(setup.lastError(), "open");
    // Rows of the application's table without a version column start at version 1: from
    // here on Cache Lab counts their changes.
    const int columns = setup.record().count();
    while (setup.next()) {
        Truth truth;
        truth.version = columns > 1 ? setup.value(1).toLongLong() : 1;
        truth.deleted = columns > 2 && setup.value(2).toInt() != 0;
        m_truth.insert(setup.value(0).toString(), truth);
    }
    setup.finish();
}

void SqlDatabase::prepareStatements()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    m_load = QSqlQuery(db);
    m_upsert = QSqlQuery(db);
    m_delete = QSqlQuery(db);
    // Forward-only results skip Qt's row cache: a point query then costs what the driver
    // costs.
    m_load.setForwardOnly(true);
    m_upsert.setForwardOnly(true);
    m_delete.setForwardOnly(true);
    QString load, upsert, remove;
    if (m_url.ownTable()) {
        load = QStringLiteral("SELECT value, version FROM records WHERE key = ? AND deleted = 0");
        upsert = QStringLiteral(
            "INSERT INTO records (key, value, version, updated_us, deleted) VALUES (?, ?, 1, ?, 0)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " version = records.version + 1, updated_us = excluded.updated_us, deleted = 0"
            " RETURNING version");
        remove = QStringLiteral("UPDATE records SET value = ?, version = version + 1,"
                                " updated_us = ?, deleted = 1 WHERE key = ? AND deleted = 0"
                                " RETURNING version");
    } else if (!m_url.versionColumn.isEmpty()) {
        // The application's table with its own version column: Cache Lab raises it by one on
        // every change, as it does in its own table. The key column must be unique.
        load = QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4 = ?")
                   .arg(m_value, m_version, m_table, m_key);
        upsert = QStringLiteral("INSERT INTO %1 (%2, %3, %4) VALUES (?, ?, ?) ON CONFLICT (%2)"
                                " DO UPDATE SET %3 = excluded.%3, %4 = %1.%4 + 1 RETURNING %4")
                     .arg(m_table, m_key, m_value, m_version);
        remove = QStringLiteral("DELETE FROM %1 WHERE %2 = ? RETURNING %3")
                     .arg(m_table, m_key, m_version);
    } else {
        load = QStringLiteral("SELECT %1 FROM %2 WHERE %3 = ?").arg(m_value, m_table, m_key);
        upsert = QStringLiteral("INSERT INTO %1 (%2, %3) VALUES (?, ?) ON CONFLICT (%2)"
                                " DO UPDATE SET %3 = excluded.%3")
                     .arg(m_table, m_key, m_value);
        remove = QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(m_table, m_key);
    }
    if (!m_load.prepare(load))
        fail(m_load.lastError(), "open");
    if (!m_upsert.prepare(upsert))
        fail(m_upsert.lastError(), "open");
    if (!m_delete.prepare(remove))
        fail(m_delete.lastError(), "open");
    const QSqlRecord record = db.record(m_table);
    m_valueIsText =
        !m_url.ownTable() && record.field(m_url.valueColumn).metaType().id() == QMetaType::QString;
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
                            .arg(QFileInfo(m_url.path).absoluteFilePath(),
                                 problems.mid(0, 3).join(QStringLiteral("; "))));
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
    QString place;
    if (m_url.inMemory())
        place = tr("SQLite in memory");
    else if (sqlite())
        place = tr("SQLite at %1").arg(QFileInfo(m_url.path).absoluteFilePath());
    else
        place = tr("PostgreSQL at %1").arg(m_url.where());
    if (!m_url.ownTable())
        place = tr("%1, table %2").arg(place, m_url.table);
    return place;
}

QString SqlDatabase::where() const
{
    if (m_url.inMemory())
        return tr("the in-memory database");
    if (sqlite())
        return tr("the database %1").arg(QFileInfo(m_url.path).absoluteFilePath());
    return tr("the PostgreSQL database %1").arg(m_url.where());
}

void SqlDatabase::fail(const QSqlError &error, const char *what) const
{
    if (!sqlite())
        failPostgres(error, what);
    const auto kind = kindOf(error);
    const QString place = where();
    const QString reason = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    switch (kind) {
    case DatabaseError::Kind::Locked:
        throw DatabaseError(kind, tr("Cannot write to %1: it is locked by another program; close "
                                     "it or choose another file.")
                                      .arg(place));
    case DatabaseError::Kind::Full:
        throw DatabaseError(kind, tr("Cannot write to %1: the disk is full (%2). Free some space, "
                                     "or choose a file on another disk.")
                                      .arg(place, reason));
    case DatabaseError::Kind::Corrupt:
        throw DatabaseError(kind, tr("%1 is damaged or is not an SQLite database (%2). Restore "
                                     "it from a copy, or choose another file.")
                                      .arg(place, reason));
    case DatabaseError::Kind::ReadOnly:
        throw DatabaseError(kind, tr("Cannot write to %1 (%2); choose a file in a folder you can "
                                     "write to.")
                                      .arg(place, reason));
    default:
        if (qstrcmp(what, "open") == 0) {
            throw DatabaseError(DatabaseError::Kind::Open,
                                tr("Cannot open %1: %2. Choose a file in a folder you can write "
                                   "to, or use :memory:.")
                                    .arg(place, reason));
        }
        throw DatabaseError(kind, tr("Could not %1 in %2: %3").arg(tr(what), place, reason));
    }
}

void SqlDatabase::failPostgres(const QSqlError &error, const char *what) const
{
    // PostgreSQL's SQLSTATE codes where the server sent one; libpq's own words where the
    // connection never got that far.
    const QString code = error.nativeErrorCode();
    const QString reason =
        (error.databaseText().isEmpty() ? error.text() : error.databaseText()).simplified();
    const bool opening = qstrcmp(what, "open") == 0;
    using Kind = DatabaseError::Kind;
    if (code.startsWith(u"28") || reason.contains(u"password authentication failed") ||
        reason.contains(u"no password supplied") ||
        (reason.contains(u"role \"") && reason.contains(u"does not exist"))) {
        throw DatabaseError(Kind::Authentication,
                            tr("PostgreSQL at %1:%2 refused the user \"%3\" (%4). Check the user "
                               "and the password in the URL or in CACHELAB_DB_PASSWORD.")
                                .arg(m_url.host)
                                .arg(m_url.port)
                                .arg(m_url.user, reason));
    }
    if (code == u"3D000" || (reason.contains(u"database \"") && reason.contains(u"does not exist")))
        throw DatabaseError(Kind::Open, tr("PostgreSQL at %1:%2 has no database \"%3\". Create it "
                                           "(createdb %3) or name another one in the URL.")
                                            .arg(m_url.host)
                                            .arg(m_url.port)
                                            .arg(m_url.database));
    if (opening && (code.isEmpty() || code.startsWith(u"08")))
        throw DatabaseError(Kind::Unavailable,
                            tr("Cannot reach PostgreSQL at %1:%2 (%3). Start the server, or "
                               "correct the host and port in the URL.")
                                .arg(m_url.host)
                                .arg(m_url.port)
                                .arg(reason));
    if (code.startsWith(u"08") || code.startsWith(u"57P"))
        throw DatabaseError(Kind::Unavailable,
                            tr("Lost the connection to %1 (%2).").arg(where(), reason));
    if (code == u"53100")
        throw DatabaseError(
            Kind::Full,
            tr("Cannot write to %1: the server's disk is full (%2).").arg(where(), reason));
    if (code == u"25006" || code == u"42501")
        throw DatabaseError(Kind::ReadOnly, tr("Cannot write to %1: %2. The server lets this user "
                                               "read only; connect as another user.")
                                                .arg(where(), reason));
    if (code == u"55P03" || code == u"40P01" || code == u"40001")
        throw DatabaseError(Kind::Locked, tr("Cannot write to %1: another session holds a lock "
                                             "(%2). Try again, or end that session.")
                                              .arg(where(), reason));
    if (opening)
        throw DatabaseError(Kind::Open, tr("Cannot open %1: %2.").arg(where(), reason));
    throw DatabaseError(Kind::Query, tr("Could not %1 in %2: %3").arg(tr(what), where(), reason));
}

void SqlDatabase::exec(QSqlQuery &query, const char *what)
{
    if (!query.exec())
        fail(query.lastError(), what);
}

SqlDatabase::Truth SqlDatabase::truthOf(const QString &key, const Pending &pending) const
{
    if (const auto it = pending.constFind(key); it != pending.cend())
        return *it;
    return m_truth.value(key);
}

QVariant SqlDatabase::bound(const QByteArray &value) const
{
    // A null QByteArray would bind as SQL NULL; an empty value is a value. A text column gets
    // text, so that the application reads what it wrote.
    if (m_valueIsText)
        return QString::fromUtf8(value);
    return value.isNull() ? QByteArray("") : value;
}

QByteArray SqlDatabase::bytesOf(const QVariant &value) const
{
    return m_valueIsText ? value.toString().toUtf8() : value.toByteArray();
}

std::optional<Record> SqlDatabase::load(const QString &key)
{
    m_load.bindValue(0, key);
    exec(m_load, QT_TRANSLATE_NOOP("SqlDatabase", "read a row"));
    std::optional<Record> result;
    if (m_load.next()) {
        const qint64 version = versionsInTable() ? m_load.value(1).toLongLong()
                                                 : std::max<qint64>(1, m_truth.value(key).version);
        result = Record{bytesOf(m_load.value(0)), version};
    }
    m_load.finish();
    return result;
}

qint64 SqlDatabase::applyRow(const RowWrite &row, TimeUs at, Pending &pending)
{
    const Truth before = truthOf(row.key, pending);
    const bool own = m_url.ownTable();
    qint64 version = before.version;
    if (row.value) {
        m_upsert.bindValue(0, row.key);
        m_upsert.bindValue(1, bound(*row.value));
        if (own)
            m_upsert.bindValue(2, at);
        else if (!m_url.versionColumn.isEmpty())
            m_upsert.bindValue(2, before.version + 1); // a row back after a delete goes on
        exec(m_upsert, QT_TRANSLATE_NOOP("SqlDatabase", "write a row"));
        if (versionsInTable())
            version = m_upsert.next() ? m_upsert.value(0).toLongLong() : 0;
        else
            version = before.version + 1;
        m_upsert.finish();
        pending.insert(row.key, Truth{version, false, at});
        return version;
    }
    if (own) {
        m_delete.bindValue(0, QByteArray(""));
        m_delete.bindValue(1, at);
        m_delete.bindValue(2, row.key);
    } else {
        m_delete.bindValue(0, row.key);
    }
    exec(m_delete, QT_TRANSLATE_NOOP("SqlDatabase", "delete a row"));
    bool removed = false;
    if (own) {
        removed = m_delete.next();
        if (removed)
            version = m_delete.value(0).toLongLong();
    } else if (!m_url.versionColumn.isEmpty()) {
        removed = m_delete.next();
        if (removed) // the row is gone; its tombstone's version is Cache Lab's
            version = std::max(m_delete.value(0).toLongLong(), before.version) + 1;
    } else {
        removed = m_delete.numRowsAffected() > 0;
        if (removed)
            version = before.version + 1;
    }
    m_delete.finish();
    if (removed)
        pending.insert(row.key, Truth{version, true, at});
    return version;
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
    Pending pending;
    try {
        for (const RowWrite &row : rows)
            versions.append(applyRow(row, at, pending));
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
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        m_truth.insert(it.key(), it.value());
    if (m_logging && !rows.isEmpty())
        m_unrelayed = true; // the triggers logged it in this transaction
    return versions;
}

void SqlDatabase::enableChangeLog()
{
    if (m_logging)
        return;
    // The log is written by triggers on the table, inside the transaction of each change: a
    // change committed by anybody — this lab, `db put`, another program — is logged, and a
    // change rolled back is not.
    QSqlQuery setup(QSqlDatabase::database(m_connection, false));
    const char *what = QT_TRANSLATE_NOOP("SqlDatabase", "create the change log");
    QStringList statements;
    if (sqlite()) {
        statements << QStringLiteral("CREATE TABLE IF NOT EXISTS cachelab_changes ("
                                     "seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL)");
        const QString trigger =
            QStringLiteral("CREATE TRIGGER IF NOT EXISTS cachelab_changes_%1 AFTER %2 ON %3 "
                           "BEGIN INSERT INTO cachelab_changes (key) VALUES (%4.%5); END");
        statements << trigger.arg(QStringLiteral("insert"), QStringLiteral("INSERT"), m_table,
                                  QStringLiteral("NEW"), m_key)
                   << trigger.arg(QStringLiteral("update"), QStringLiteral("UPDATE"), m_table,
                                  QStringLiteral("NEW"), m_key)
                   << trigger.arg(QStringLiteral("delete"), QStringLiteral("DELETE"), m_table,
                                  QStringLiteral("OLD"), m_key);
    } else {
        statements << QStringLiteral("CREATE TABLE IF NOT EXISTS cachelab_changes ("
                                     "seq BIGSERIAL PRIMARY KEY, key TEXT NOT NULL)")
                   << QStringLiteral(
                          "CREATE OR REPLACE FUNCTION cachelab_log_change() RETURNS trigger "
                          "LANGUAGE plpgsql AS $$ BEGIN "
                          "IF TG_OP = 'DELETE' THEN "
                          "INSERT INTO cachelab_changes (key) VALUES (OLD.%1); RETURN OLD; "
                          "END IF; "
                          "INSERT INTO cachelab_changes (key) VALUES (NEW.%1); RETURN NEW; "
                          "END $$")
                          .arg(m_key)
                   << QStringLiteral("CREATE OR REPLACE TRIGGER cachelab_changes AFTER INSERT OR "
                                     "UPDATE OR DELETE ON %1 FOR EACH ROW EXECUTE FUNCTION "
                                     "cachelab_log_change()")
                          .arg(m_table);
    }
    for (const QString &sql : std::as_const(statements)) {
        if (!setup.exec(sql))
            fail(setup.lastError(), what);
    }
    // Changes from before this lab are not its business: start after the newest.
    if (!setup.exec(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM cachelab_changes")) ||
        !setup.next())
        fail(setup.lastError(), what);
    m_lastChange = setup.value(0).toLongLong();
    m_changes = QSqlQuery(QSqlDatabase::database(m_connection, false));
    m_forget = QSqlQuery(QSqlDatabase::database(m_connection, false));
    if (!m_changes.prepare(QStringLiteral(
            "SELECT seq, key FROM cachelab_changes WHERE seq > ? ORDER BY seq LIMIT ?")) ||
        !m_forget.prepare(QStringLiteral("DELETE FROM cachelab_changes WHERE seq <= ?")))
        fail(m_changes.lastError(), what);
    m_logging = true;
}

QList<Change> SqlDatabase::changesAfter(qint64 sequence, int limit)
{
    QList<Change> changes;
    if (!m_logging)
        return changes;
    sequence = std::max(sequence, m_lastChange); // older changes are not this lab's business
    m_forget.bindValue(0, sequence);
    exec(m_forget, QT_TRANSLATE_NOOP("SqlDatabase", "forget relayed changes"));
    m_changes.bindValue(0, sequence);
    m_changes.bindValue(1, std::max(0, limit));
    exec(m_changes, QT_TRANSLATE_NOOP("SqlDatabase", "read the change log"));
    while (m_changes.next())
        changes.append(Change{m_changes.value(0).toLongLong(), m_changes.value(1).toString()});
    m_changes.finish();
    if (changes.size() < limit)
        m_unrelayed = false; // read to the end
    return changes;
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
    QString sql;
    const bool own = m_url.ownTable();
    if (own)
        sql = QStringLiteral("SELECT key, value, version, updated_us, deleted FROM records");
    else if (!m_url.versionColumn.isEmpty())
        sql = QStringLiteral("SELECT %1, %2, %3 FROM %4").arg(m_key, m_value, m_version, m_table);
    else
        sql = QStringLiteral("SELECT %1, %2 FROM %3").arg(m_key, m_value, m_table);
    if (!query.exec(sql))
        fail(query.lastError(), QT_TRANSLATE_NOOP("SqlDatabase", "list the rows"));
    QList<RowInfo> result;
    QSet<QString> live;
    while (query.next()) {
        RowInfo row;
        row.key = query.value(0).toString();
        row.value = bytesOf(query.value(1));
        const Truth truth = m_truth.value(row.key);
        if (own) {
            row.version = query.value(2).toLongLong();
            row.updatedAt = query.value(3).toLongLong();
            row.deleted = query.value(4).toInt() != 0;
        } else {
            row.version = m_url.versionColumn.isEmpty() ? std::max<qint64>(1, truth.version)
                                                        : query.value(2).toLongLong();
            row.updatedAt = truth.updatedAt;
            live.insert(row.key);
        }
        result.append(row);
    }
    // The application's table keeps no tombstones; Cache Lab remembers its deletes.
    if (!own) {
        for (auto it = m_truth.cbegin(); it != m_truth.cend(); ++it) {
            if (it->deleted && !live.contains(it.key()))
                result.append(RowInfo{it.key(), {}, it->version, it->updatedAt, true});
        }
    }
    // Sorted here, not by ORDER BY, so that every driver and collation lists them alike.
    std::sort(result.begin(), result.end(),
              [](const RowInfo &a, const RowInfo &b) { return a.key < b.key; });
    return result;
}

void SqlDatabase::clear()
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("DELETE FROM %1").arg(m_table)))
        fail(query.lastError(), QT_TRANSLATE_NOOP("SqlDatabase", "remove every row"));
    m_truth.clear();
    if (m_logging && !query.exec(QStringLiteral("DELETE FROM cachelab_changes")))
        fail(query.lastError(), QT_TRANSLATE_NOOP("SqlDatabase", "remove every row"));
    m_unrelayed = false;
}

} // namespace cachelab
