#pragma once

#include <QCoreApplication>
#include <QString>

#include <variant>

namespace cachelab {

/// Where the source of truth lives, as a person writes it on the command line or in Settings:
///
/// - `:memory:` (or `sqlite::memory:`): SQLite in memory, gone with the lab;
/// - a path without a scheme, or `sqlite:///absolute/path`, `sqlite:relative/path`: an SQLite
///   file, created when missing;
/// - `postgresql://[user[:password]@]host[:port]/database` (also `postgres://`): PostgreSQL
///   through Qt's QPSQL driver; the password may come from CACHELAB_DB_PASSWORD instead.
///
/// Any of them may end in `?table=T&key=K&value=V[&version=N]` to use the application's own
/// table instead of Cache Lab's `records` (then Cache Lab keeps the versions when the table has
/// no version column), and PostgreSQL also takes `connect_timeout=S` (seconds).
struct DatabaseUrl
{
    enum class Driver { SQLite, PostgreSQL };
    Driver driver = Driver::SQLite;
    QString path = QStringLiteral(":memory:"); ///< SQLite: the file, or ":memory:"
    QString host;                              ///< PostgreSQL
    int port = 5432;
    QString user;
    QString password;
    QString database;
    int connectTimeoutS = 5;

    /// The application's table, when the URL names one; empty: Cache Lab's own `records`.
    QString table;
    QString keyColumn;
    QString valueColumn;
    QString versionColumn; ///< empty: the versions are Cache Lab's, kept beside the table

    bool inMemory() const { return driver == Driver::SQLite && path == u":memory:"; }
    bool ownTable() const { return table.isEmpty(); }
    /// What messages and the status bar name: the file, or user@host:port/database. Never the
    /// password.
    QString where() const;

    Q_DECLARE_TR_FUNCTIONS(DatabaseUrl)
};

/// Parses `text`; returns a message for people when it is not a database location this build
/// can open (an unknown scheme is an error, never a file named after the text).
std::variant<DatabaseUrl, QString> parseDatabaseUrl(const QString &text,
                                                    const QString &passwordFromEnvironment = {});

} // namespace cachelab
