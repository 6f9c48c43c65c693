// Cache-aside in front of an SQLite file, with a real Redis as the shared cache.
//
//   cache-aside-redis redis://127.0.0.1:6379 /tmp/users.sqlite
//
// The first read misses and loads the row from the database; the second is served by Redis.
// Against Redis the lab keeps real time, so the program takes about as long as the calls.

#include <cachelab/lab/lab.h>

#include <QCoreApplication>
#include <QTextStream>

using namespace cachelab;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (app.arguments().size() != 3) {
        err << "usage: cache-aside-redis REDIS_URL SQLITE_FILE\n";
        return 2;
    }

    LabConfig config;
    config.pattern = PatternKind::CacheAside;
    config.options.ttl = 30 * kSecond;
    config.store.url = app.arguments().at(1);
    config.store.prefix = "cachelab-example:";
    config.databasePath = app.arguments().at(2);

    try {
        Lab lab(config);
        lab.store().clear(); // only the keys under our prefix
        lab.databasePut("user:1", "Ann");

        // The outcome of every operation arrives here when it finishes.
        Operation last;
        lab.setOperationListener([&](const Operation &op) { last = op; });

        QStringList seen;
        for (int i = 0; i < 2; ++i) {
            const qint64 hitsBefore = lab.metrics().total(Counter::CacheHits);
            lab.runUntilDone(lab.start(Operation::Kind::Read, 0, "user:1"));
            const bool hit = lab.metrics().total(Counter::CacheHits) > hitsBefore;
            if (!last.ok) {
                err << "read failed: " << last.error << '\n';
                return 1;
            }
            const QString value = QString::fromUtf8(last.result.value);
            out << (hit ? "hit " : "miss") << "  user:1 = " << value << "  ("
                << (last.finishedAt - last.startedAt) / 1000.0 << " ms)\n";
            seen << (hit ? "hit" : "miss");
        }
        out << "database reads: " << lab.metrics().total(Counter::DbReads) << '\n';
        lab.store().clear();
        return seen == QStringList{"miss", "hit"} ? 0 : 1;
    } catch (const Error &e) { // Redis unreachable, the file locked, …: the message says which
        err << e.message() << '\n';
        return 1;
    }
}
