#pragma once

#include <QCoreApplication>
#include <QString>

#include <optional>
#include <variant>

namespace cachelab {

/// A parsed Redis location: `redis://[[user]:password@]host[:port][/db]` or
/// `unix:///path/to/redis.sock`, either optionally followed by
/// `?connect_timeout=MS&command_timeout=MS`.
struct RedisUrl
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 6379;
    QString socketPath; ///< set for unix:// locations
    QString user;
    QString password;
    int database = 0;
    int connectTimeoutMs = -1; ///< from `?connect_timeout=MS`; -1: not given
    int commandTimeoutMs = -1; ///< from `?command_timeout=MS`; -1: not given

    /// "127.0.0.1:6379" or the socket path: what messages name. Never shows the password.
    QString where() const;

    Q_DECLARE_TR_FUNCTIONS(RedisUrl)
};

/// Parses `url`; the password may also come from `passwordFromEnvironment` (the value of
/// CACHELAB_REDIS_PASSWORD) when the URL has none. Returns a message for people on error.
std::variant<RedisUrl, QString> parseRedisUrl(const QString &url,
                                              const QString &passwordFromEnvironment = {});

} // namespace cachelab
