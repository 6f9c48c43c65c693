// Write-behind with a durable queue, in real time: writes are acknowledged at once and reach
// the database later, in batches. The instance crashes before its first flush; because every
// write was also pushed to a queue in the shared cache, the restarted instance replays them
// and nothing is lost.
//
//   write-behind-durable /tmp/orders.sqlite [REDIS_URL]
//
// Without a Redis URL the shared cache is Cache Lab's embedded store. Either way the flush
// runs on a real timer two seconds after the first write; this program simply waits for the
// runtime's futures (a GUI would chain them with .then() instead).

#include <cachelab/runtime/runtime.h>

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

    RuntimeConfig config;
    config.pattern = PatternKind::WriteBehind;
    config.options.durable = true;
    config.options.flush = 2 * kSecond;
    config.databasePath = args.at(1);
    if (args.size() == 3) {
        config.store.url = args.at(2);
        config.store.prefix = "cachelab-example:";
    }

    try {
        Runtime runtime(config);
        runtime
            .inLab([](Lab &lab) {
                lab.store().clear();
                lab.database().clear();
            })
            .waitForFinished();
        const auto rowsInDatabase = [&runtime] {
            return runtime.inLab([](Lab &lab) { return lab.database().rows().size(); }).result();
        };

        const QStringList orders{"order:1", "order:2", "order:3"};
        QList<QFuture<Runtime::Result>> writes;
        for (const QString &key : orders)
            writes.append(runtime.write(key, "paid"));
        for (QFuture<Runtime::Result> &w : writes) {
            if (!w.result().ok) {
                err << "write failed: " << w.result().error << '\n';
                return 1;
            }
        }
        out << "acknowledged " << orders.size()
            << " writes; rows in the database: " << rowsInDatabase() << '\n';

        runtime.crash(0).waitForFinished(); // before the first flush: its own queue is gone
        out << "instance crashed; writes lost so far: "
            << runtime.inLab([](Lab &lab) { return lab.metrics().total(Counter::LostWrites); })
                   .result()
            << '\n';

        // The restarted instance replays the durable queue; the flush follows on its timer.
        runtime.whenIdle().waitForFinished();
        const int committed = runtime
                                  .inLab([&orders](Lab &lab) {
                                      int found = 0;
                                      for (const QString &key : orders) {
                                          const auto row = lab.database().load(key);
                                          found += row && row->value == "paid" ? 1 : 0;
                                      }
                                      lab.store().clear();
                                      return found;
                                  })
                                  .result();
        out << "rows in the database after the replay: " << committed << " of " << orders.size()
            << '\n';
        return committed == orders.size() ? 0 : 1;
    } catch (const Error &e) {
        err << e.message() << '\n';
        return 1;
    }
}
