// Cache-aside in front of an SQLite file, with a real Redis as the shared cache, in real time
// on the Qt event loop.
//
//   cache-aside-redis redis://127.0.0.1:6379 /tmp/users.sqlite
//
// The first read misses and loads the row from the database; the second is served by Redis.
// After the TTL (one second, Redis's own) the entry is gone and the third read goes to the
// database again. Nobody pumps anything: cachelab::Runtime keeps the time, and every call to
// Redis goes through hiredis's asynchronous API, so the event loop is never held up.

#include <cachelab/runtime/runtime.h>

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

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

    RuntimeConfig config;
    config.pattern = PatternKind::CacheAside;
    config.options.ttl = 1 * kSecond;
    config.store.url = app.arguments().at(1);
    config.store.prefix = "cachelab-example:"; // every key of ours lives under it
    config.databasePath = app.arguments().at(2);

    try {
        Runtime runtime(config); // connects to both, or throws with a message that says why

        // Set-up and looking inside run on the runtime's own thread, between events.
        runtime
            .inLab([](Lab &lab) {
                lab.store().clear(); // only the keys under our prefix
                lab.databasePut("user:1", "Ann");
            })
            .waitForFinished();
        const auto databaseReads = [&runtime] {
            return runtime.inLab([](Lab &lab) { return lab.metrics().total(Counter::DbReads); })
                .result();
        };
        const auto report = [&](const char *what, const Runtime::Result &r) {
            out << what << ": user:1 = " << (r.ok ? QString::fromUtf8(r.value) : r.error) << " in "
                << r.took / 1000.0 << " ms; database reads so far: " << databaseReads() << '\n';
            out.flush();
        };

        // A read, and when it is answered another: each call gives a QFuture.
        runtime.read("user:1")
            .then(&app,
                  [&](const Runtime::Result &r) {
                      report("first read (a miss: loaded from the database)", r);
                      return runtime.read("user:1");
                  })
            .unwrap()
            .then(&app, [&](const Runtime::Result &r) {
                report("second read (a hit: served by Redis)", r);
                // Meanwhile Redis lets the entry expire, on its own clock.
                QTimer::singleShot(1500, &app, [&] {
                    runtime.read("user:1").then(&app, [&](const Runtime::Result &third) {
                        report("third read, after the TTL (from the database again)", third);
                        runtime.inLab([](Lab &lab) { lab.store().clear(); }).waitForFinished();
                        app.exit(databaseReads() == 2 ? 0 : 1);
                    });
                });
            });
        return app.exec();
    } catch (const Error &e) { // Redis unreachable, the file locked, …: the message says which
        err << e.message() << '\n';
        return 1;
    }
}
