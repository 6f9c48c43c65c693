#include "appsettings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace cachelab::ui {

namespace {

constexpr auto kRedis = "backend/redisUrl";
constexpr auto kDatabase = "database/path";
constexpr auto kLanguage = "ui/language";
constexpr auto kDark = "ui/dark";
constexpr auto kSpeed = "playback/speed";
constexpr auto kSkip = "playback/skipQuietTime";

TimeUs readLatency(const QSettings &s, const char *key, TimeUs fallback)
{
    return s.value(QLatin1String(key), fallback).toLongLong();
}

} // namespace

AppSettings AppSettings::load()
{
    const QSettings s;
    AppSettings a;
    a.redisUrl = s.value(QLatin1String(kRedis)).toString();
    a.databasePath = s.value(QLatin1String(kDatabase)).toString();
    a.latencies.cache = readLatency(s, "latency/cacheUs", a.latencies.cache);
    a.latencies.l1 = readLatency(s, "latency/l1Us", a.latencies.l1);
    a.latencies.dbRead = readLatency(s, "latency/dbReadUs", a.latencies.dbRead);
    a.latencies.dbWrite = readLatency(s, "latency/dbWriteUs", a.latencies.dbWrite);
    a.language = s.value(QLatin1String(kLanguage)).toString();
    a.dark = s.value(QLatin1String(kDark), false).toBool();
    a.speed = s.value(QLatin1String(kSpeed), a.speed).toDouble();
    a.skipQuietTime = s.value(QLatin1String(kSkip), true).toBool();
    return a;
}

void AppSettings::save() const
{
    QSettings s;
    s.setValue(QLatin1String(kRedis), redisUrl);
    s.setValue(QLatin1String(kDatabase), databasePath);
    s.setValue(QLatin1String("latency/cacheUs"), qint64(latencies.cache));
    s.setValue(QLatin1String("latency/l1Us"), qint64(latencies.l1));
    s.setValue(QLatin1String("latency/dbReadUs"), qint64(latencies.dbRead));
    s.setValue(QLatin1String("latency/dbWriteUs"), qint64(latencies.dbWrite));
    s.setValue(QLatin1String(kLanguage), language);
    s.setValue(QLatin1String(kDark), dark);
    s.setValue(QLatin1String(kSpeed), speed);
    s.setValue(QLatin1String(kSkip), skipQuietTime);
}

QString AppSettings::defaultDatabaseFile()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("cachelab.sqlite"));
}

LabConfig AppSettings::labConfig() const
{
    LabConfig config;
    config.store.url = redisUrl;
    config.databasePath = databasePath.isEmpty() ? QStringLiteral(":memory:") : databasePath;
    // The default file's folder is the app's own: on a fresh machine nobody has made it yet.
    // (A folder the user chose that is missing stays an error the user sees.)
    if (databasePath == defaultDatabaseFile())
        QDir().mkpath(QFileInfo(databasePath).absolutePath());
    config.latencies = latencies;
    return config;
}

} // namespace cachelab::ui
