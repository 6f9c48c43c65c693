#pragma once

// A private redis-server for one test: started on a free loopback port, optionally with a
// password, stopped (and never left behind) when the object goes away. Tests that need Redis
// skip with a clear message when no redis-server can be started — except under CI=true, where
// that is a failure, so a missing server can never pass as a green run.

#include <QDeadlineTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

class RedisServer
{
public:
    explicit RedisServer(QString password = {})
        : m_password(std::move(password))
    {}
    ~RedisServer() { stop(); }
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    /// A loopback port nobody listens on right now.
    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        int port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
            port = ntohs(addr.sin_port);
        ::close(fd);
        return port;
    }

    /// Starts the server (again, on the same port after stop()). Returns an empty string on
    /// success, else why it could not start.
    QString start()
    {
        const QString binary = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        if (binary.isEmpty())
            return QStringLiteral(
                "redis-server is not installed (Debian: apt-get install redis-server)");
        if (m_port == 0)
            m_port = freePort();
        QStringList args{QStringLiteral("--port"),       QString::number(m_port),
                         QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                         QStringLiteral("--save"),       QString(),
                         QStringLiteral("--appendonly"), QStringLiteral("no"),
                         QStringLiteral("--daemonize"),  QStringLiteral("no")};
        if (!m_password.isEmpty())
            args << QStringLiteral("--requirepass") << m_password;
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(binary, args);
        if (!m_process.waitForStarted(5000))
            return QStringLiteral("redis-server did not start: ") + m_process.errorString();
        // Ready when it says so: no polling, no sleeping.
        QByteArray output;
        const QDeadlineTimer deadline(10000);
        while (!output.contains("Ready to accept connections") && !deadline.hasExpired()) {
            if (!m_process.waitForReadyRead(int(deadline.remainingTime())))
                break;
            output += m_process.readAll();
        }
        if (!output.contains("Ready to accept connections")) {
            stop();
            return QStringLiteral("redis-server did not get ready: ") +
                   QString::fromLocal8Bit(output);
        }
        return {};
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        resume();
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    /// Freezes the server: it keeps its connections but answers nothing (a hung server).
    void freeze() { ::kill(pid_t(m_process.processId()), SIGSTOP); }
    void resume() { ::kill(pid_t(m_process.processId()), SIGCONT); }

    int port() const { return m_port; }
    QString url() const
    {
        const QString auth = m_password.isEmpty() ? QString() : u':' + m_password + u'@';
        return QStringLiteral("redis://") + auth + QStringLiteral("127.0.0.1:") +
               QString::number(m_port);
    }

private:
    QString m_password;
    int m_port = 0;
    QProcess m_process;
};

/// In a test function: start `server` or skip (fail under CI) with the reason.
#define START_SERVER_OR_SKIP(server, what)                                                         \
    do {                                                                                           \
        const QString why = (server).start();                                                      \
        if (!why.isEmpty()) {                                                                      \
            if (qEnvironmentVariable("CI") == u"true")                                             \
                QFAIL(qPrintable(QStringLiteral("CI needs " what ": ") + why));                    \
            QSKIP(qPrintable(why));                                                                \
        }                                                                                          \
    } while (false)
#define START_REDIS_OR_SKIP(server) START_SERVER_OR_SKIP(server, "Redis")
