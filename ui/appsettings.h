#pragma once

#include <lab/lab.h>

#include <QString>

namespace cachelab::ui {

/// What the app remembers between runs (QSettings), and what the command line may override.
struct AppSettings
{
    QString redisUrl;     ///< empty: the embedded store
    QString databasePath; ///< empty: SQLite in memory
    Latencies latencies;  ///< for labs started by hand (scenarios bring their own)
    QString language;     ///< "en", "de"; empty: the system's
    bool dark = false;
    double speed = 0.05;
    bool skipQuietTime = true;

    static AppSettings load();
    void save() const;
    /// The default database file under the app data folder.
    static QString defaultDatabaseFile();
    LabConfig labConfig() const;
};

} // namespace cachelab::ui
