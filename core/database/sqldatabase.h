#pragma once

#include "database.h"
#include "databaseurl.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlQuery>

class QSqlError;

namespace cachelab {

/// The database on Qt SQL: SQLite (a file in WAL mode, or in memory) or PostgreSQL (QPSQL),
/// in Cache Lab's own `records` table or in the application's table named by the URL
/// (DatabaseUrl). Prepared statements with bound values only; table and column names, which
/// SQL cannot bind, are plain names checked by the parser and quoted by the driver.
class SqlDatabase final : public Database
{
    Q_DECLARE_TR_FUNCTIONS(SqlDatabase)

public:
    /// Opens (and creates if needed) the database at `location`: a path, ":memory:" or a URL
    /// (parseDatabaseUrl). Throws DatabaseError with a message that names the place and what
    /// to do: Location for a URL this build cannot open, never a stray file.
    explicit SqlDatabase(const QString &location = QStringLiteral(":memory:"));
    explicit SqlDatabase(const DatabaseUrl &url);
    ~SqlDatabase() override;
    SqlDatabase(const SqlDatabase &) = delete;
    SqlDatabase &operator=(const SqlDatabase &) = delete;

    QString describe() const override;
    const DatabaseUrl &url() const { return m_url; }
    /// The SQLite file (or ":memory:"); empty for PostgreSQL.
    QString path() const
    {
        return m_url.driver == DatabaseUrl::Driver::SQLite ? m_url.path : QString();
    }
    /// The Qt SQL connection name, for tests that need a second look at the same file.
    QString connectionName() const { return m_connection; }

    std::optional<Record> load(const QString &key) override;
    qint64 store(const QString &key, const QByteArray &value, TimeUs at) override;
    qint64 remove(const QString &key, TimeUs at) override;
    QList<qint64> writeBatch(const QList<RowWrite> &rows, TimeUs at) override;
    qint64 version(const QString &key) const override;
    bool exists(const QString &key) const override;
    QList<RowInfo> rows() override;
    void clear() override;
    void enableChangeLog() override;
    QList<Change> changesAfter(qint64 sequence, int limit) override;
    /// (Only what this lab committed is known without a query; the relay's polls read the
    /// rest.)
    bool hasChangesAfter(qint64 sequence) const override
    {
        Q_UNUSED(sequence)
        return m_unrelayed;
    }

private:
    struct Truth
    {
        qint64 version = 0;
        bool deleted = false;
        TimeUs updatedAt = 0; // the application's table keeps no time; Cache Lab does
    };
    using Pending = QHash<QString, Truth>; // a batch's writes, before they are committed

    void open();
    void createOwnTable(QSqlQuery &setup);
    void checkColumns(QSqlQuery &setup) const; // throws Schema
    void prepareStatements();
    void readTruth(QSqlQuery &setup);
    Truth truthOf(const QString &key, const Pending &pending) const;
    qint64 applyRow(const RowWrite &row, TimeUs at, Pending &pending); // in a transaction
    void exec(QSqlQuery &query, const char *what);
    QVariant bound(const QByteArray &value) const;
    QByteArray bytesOf(const QVariant &value) const;
    void checkIntegrity(QSqlQuery &query) const;   // throws Corrupt
    QString name(const QString &identifier) const; // quoted by the driver
    QString where() const;
    [[noreturn]] void fail(const QSqlError &error, const char *what) const;
    [[noreturn]] void failPostgres(const QSqlError &error, const char *what) const;

    bool sqlite() const { return m_url.driver == DatabaseUrl::Driver::SQLite; }
    /// Whether the versions live in the table (Cache Lab's own, or a version column).
    bool versionsInTable() const { return m_url.ownTable() || !m_url.versionColumn.isEmpty(); }

    DatabaseUrl m_url;
    QString m_connection;
    QString m_table, m_key, m_value, m_version; // quoted names
    QSqlQuery m_load;
    QSqlQuery m_upsert;
    QSqlQuery m_delete;
    bool m_valueIsText = false;    // the application's value column holds text, not bytes
    QHash<QString, Truth> m_truth; // committed versions, mirrored so truth checks are free
    bool m_logging = false;
    qint64 m_lastChange = 0;  // the newest sequence when the log was enabled here
    bool m_unrelayed = false; // this lab committed changes the relay has not read yet
    QSqlQuery m_changes;
    QSqlQuery m_forget;
};

} // namespace cachelab
