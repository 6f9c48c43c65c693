#pragma once

// A private PostgreSQL server for one test binary: initdb and pg_ctl in a temporary folder, a
// free loopback port, a password-protected user, removed again when the object goes away. Run as
// root (as CI is), the server runs as the "postgres" user, since PostgreSQL refuses to run as
// root. Tests skip with the reason when no server can be started, except under CI=true, where
// that is a failure.

#include "redisserver.h" // freePort()

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

class PostgresServer
{
public:
    PostgresServer() = default;
    ~PostgresServer() { stop(); }
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    static constexpr const char *kUser = "cachelab";
    static constexpr const char *kPassword = "s3cret 'quoted\"";

    /// Starts the server. Returns an empty string on success, else why it could not start.
    QString start()
    {
        const QString bin = binaries();
        if (bin.isEmpty())
            return QStringLiteral(
                "PostgreSQL is not installed (Debian: apt-get install postgresql)");
        if (!m_dir.isValid())
            return QStringLiteral("no temporary folder for PostgreSQL");
        if (::geteuid() == 0) {
            const passwd *pw = ::getpwnam("postgres");
            if (!pw)
                return QStringLiteral("running as root, and there is no postgres user to run "
                                      "the server as");
            m_runAs = QStringLiteral("postgres");
            if (::chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid, pw->pw_gid) != 0)
                return QStringLiteral("cannot hand the temporary folder to postgres");
        }
        const QString password = m_dir.filePath(QStringLiteral("password"));
        {
            QFile f(password);
            if (!f.open(QIODevice::WriteOnly))
                return QStringLiteral("cannot write the password file");
            f.write(kPassword);
        }
        if (::geteuid() == 0) {
            const passwd *pw = ::getpwnam("postgres");
            if (::chown(QFile::encodeName(password).constData(), pw->pw_uid, pw->pw_gid) != 0)
                return QStringLiteral("cannot hand the password file to postgres");
        }
        m_data = m_dir.filePath(QStringLiteral("data"));
        QString out;
        if (!run(bin + QStringLiteral("/initdb"),
                 {QStringLiteral("-D"), m_data, QStringLiteral("-U"), QLatin1String(kUser),
                  QStringLiteral("--pwfile=") + password, QStringLiteral("--auth=scram-sha-256"),
                  QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
                  QStringLiteral("--no-sync")},
                 &out))
            return QStringLiteral("initdb failed: ") + out;
        m_port = RedisServer::freePort();
        const QString options =
            QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off "
                           "-c full_page_writes=off")
                .arg(m_port)
                .arg(m_dir.path());
        if (!run(bin + QStringLiteral("/pg_ctl"),
                 {QStringLiteral("-D"), m_data, QStringLiteral("-o"), options, QStringLiteral("-l"),
                  m_dir.filePath(QStringLiteral("server.log")), QStringLiteral("-w"),
                  QStringLiteral("start")},
                 &out))
            return QStringLiteral("pg_ctl start failed: ") + out + log();
        m_bin = bin;
        return {};
    }

    void stop()
    {
        if (m_bin.isEmpty())
            return;
        run(m_bin + QStringLiteral("/pg_ctl"),
            {QStringLiteral("-D"), m_data, QStringLiteral("-m"), QStringLiteral("immediate"),
             QStringLiteral("-w"), QStringLiteral("stop")},
            nullptr);
        m_bin.clear();
    }

    int port() const { return m_port; }
    /// The URL of database `database` (the server has "postgres"; createDatabase() makes more).
    QString url(const QString &database = QStringLiteral("postgres"),
                const QString &query = {}) const
    {
        return QStringLiteral("postgresql://%1:%2@127.0.0.1:%3/%4%5")
            .arg(QLatin1String(kUser),
                 QString::fromLatin1(QUrl::toPercentEncoding(QLatin1String(kPassword))))
            .arg(m_port)
            .arg(database, query);
    }
    QString log() const
    {
        QFile f(m_dir.filePath(QStringLiteral("server.log")));
        return f.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(f.readAll()) : QString();
    }

private:
    static QString binaries()
    {
        const QStringList versions =
            QDir(QStringLiteral("/usr/lib/postgresql"))
                .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
        for (const QString &v : versions) {
            const QString bin = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(v);
            if (QFile::exists(bin + QStringLiteral("/initdb")))
                return bin;
        }
        const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
        return initdb.isEmpty() ? QString() : QFileInfo(initdb).absolutePath();
    }

    bool run(const QString &program, const QStringList &args, QString *output) const
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        if (m_runAs.isEmpty())
            p.start(program, args);
        else
            p.start(QStringLiteral("runuser"),
                    QStringList{QStringLiteral("-u"), m_runAs, QStringLiteral("--"), program} +
                        args);
        const bool ok =
            p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return ok;
    }

    QTemporaryDir m_dir;
    QString m_data;
    QString m_bin;
    QString m_runAs;
    int m_port = 0;
};

/// In a test function: start `server` or skip (fail under CI) with the reason.
#define START_POSTGRES_OR_SKIP(server) START_SERVER_OR_SKIP(server, "PostgreSQL")
