#pragma once

#include "database.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlQuery>

namespace cachelab {

/// The database on Qt SQL: SQLite by default (a file, in WAL mode, or ":memory:"), prepared
/// statements with bound values only. Another Qt SQL driver is a matter of the driver name and
/// the upsert dialect, not of the callers.
class SqlDatabase final : public Database
{
    Q_DECLARE_TR_FUNCTIONS(SqlDatabase)

public:
    /// Opens (and creates if needed) the database at `path`, or an in-memory one for
    /// ":memory:". Throws DatabaseError with a message that names the path and what to do.
    explicit SqlDatabase(const QString &path = QStringLiteral(":memory:"));
    ~SqlDatabase() override;
    SqlDatabase(const SqlDatabase &) = delete;
    SqlDatabase &operator=(const SqlDatabase &) = delete;

    QString describe() const override;
    QString path() const { return m_path; }
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

private:
    qint64 applyRow(const RowWrite &row, TimeUs at); // inside a transaction; throws
    void exec(QSqlQuery &query, const char *what);
    void checkIntegrity(QSqlQuery &query) const; // throws Corrupt
    void checkSchema(QSqlQuery &query) const;    // throws Schema
    [[noreturn]] void fail(const QSqlError &error, const char *what) const;

    QString m_path;
    QString m_connection;
    QSqlQuery m_load;
    QSqlQuery m_upsert;
    QSqlQuery m_delete;
    struct Truth
    {
        qint64 version = 0;
        bool deleted = false;
    };
    QHash<QString, Truth> m_truth; // committed versions, mirrored so truth checks are free
};

} // namespace cachelab
