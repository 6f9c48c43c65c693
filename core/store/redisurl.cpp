#include "redisurl.h"

#include <QCoreApplication>
#include <QUrl>
#include <QUrlQuery>

namespace cachelab {

QString RedisUrl::where() const
{
    return socketPath.isEmpty() ? QStringLiteral("%1:%2").arg(host).arg(port) : socketPath;
}

std::variant<RedisUrl, QString> parseRedisUrl(const QString &text,
                                              const QString &passwordFromEnvironment)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString example =
        RedisUrl::tr("write it as redis://[[user]:password@]host[:port][/db] or "
                     "unix:///path/to/redis.sock");
    if (!url.isValid() || text.trimmed() != text)
        return RedisUrl::tr("\"%1\" is not a valid Redis URL: %2").arg(text, example);
    RedisUrl r;
    if (url.scheme() == u"unix") {
        r.socketPath = url.path();
        if (r.socketPath.isEmpty() || !url.host().isEmpty())
            return RedisUrl::tr("\"%1\" names no socket file: %2").arg(text, example);
    } else if (url.scheme() == u"redis") {
        if (url.host().isEmpty())
            return RedisUrl::tr("\"%1\" names no host: %2").arg(text, example);
        r.host = url.host();
        r.port = url.port(6379);
        if (r.port <= 0 || r.port > 65535)
            return RedisUrl::tr("\"%1\" has no valid port").arg(text);
        const QString path = url.path();
        if (!path.isEmpty() && path != u"/") {
            bool ok = false;
            r.database = path.mid(1).toInt(&ok);
            if (!ok || r.database < 0)
                return RedisUrl::tr(
                           "\"%1\": the database must be a number after the slash, such as /0")
                    .arg(text);
        }
    } else {
        return RedisUrl::tr("\"%1\" is not a Redis URL (the scheme must be redis:// or unix://)")
            .arg(text);
    }
    const QUrlQuery query(url);
    for (const auto &[name, value] : query.queryItems()) {
        bool ok = false;
        const int ms = value.toInt(&ok);
        if (name != u"connect_timeout" && name != u"command_timeout")
            return RedisUrl::tr(
                       "\"%1\": unknown parameter \"%2\" (use connect_timeout or command_timeout, "
                       "in milliseconds)")
                .arg(text, name);
        if (!ok || ms < 1 || ms > 600000)
            return RedisUrl::tr("\"%1\": %2 must be a number of milliseconds from 1 to 600000")
                .arg(text, name);
        (name == u"connect_timeout" ? r.connectTimeoutMs : r.commandTimeoutMs) = ms;
    }
    r.user = url.userName(QUrl::FullyDecoded);
    r.password = url.password(QUrl::FullyDecoded);
    if (r.password.isEmpty())
        r.password = passwordFromEnvironment;
    return r;
}

} // namespace cachelab
