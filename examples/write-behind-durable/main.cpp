// Write-behind with a durable queue: writes are acknowledged at once and reach the database
// later, in batches. The instance crashes before its first flush; because every write was
// also pushed to a queue in the shared cache, the restarted instance replays them and nothing
// is lost.
//
//   write-behind-durable /tmp/orders.sqlite [REDIS_URL]
//
// Without a Redis URL the shared cache is Cache Lab's embedded store, in virtual time.

#include <cachelab/lab/lab.h>

#include <QCoreApplication>
#include <QTextStream>

using namespace cachelab;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = app.arguments();
    if (args.size() < 2 || args.size() > 3) {
        err << "usage: write-behind-durable SQLITE_FILE [REDIS_URL]\n";
        return 2;
    }

    LabConfig config;
    config.pattern = PatternKind::WriteBehind;
    config.options.durable = true;
    config.options.flush = 2 * kSecond;
    config.databasePath = args.at(1);
    if (args.size() == 3) {
        config.store.url = args.at(2);
        config.store.prefix = "cachelab-example:";
    }

    try {
        Lab lab(config);
        lab.store().clear();
        lab.database().clear();

        const QStringList orders{"order:1", "order:2", "order:3"};
        for (const QString &key : orders)
            lab.runUntilDone(lab.start(Operation::Kind::Write, 0, key, "paid"));
        out << "acknowledged " << orders.size() << " writes; rows in the database: "
            << lab.database().rows().size() << '\n';

        lab.crash(0); // before the first flush: the in-process queue is gone
        out << "instance crashed; writes lost so far: "
            << lab.metrics().total(Counter::LostWrites) << '\n';

        lab.settle(); // the restarted instance replays the durable queue and flushes
        int committed = 0;
        for (const QString &key : orders) {
            const auto row = lab.database().load(key);
            out << key << " = " << (row ? QString::fromUtf8(row->value) : "(missing)") << '\n';
            committed += row ? 1 : 0;
        }
        lab.store().clear();
        return committed == orders.size() ? 0 : 1;
    } catch (const Error &e) {
        err << e.message() << '\n';
        return 1;
    }
}
