#include "clicommands.h"
#include "acklog.h"

#include <database/sqldatabase.h>
#include <errors.h>
#include <lesson/lesson.h>
#include <patterns/writebehind.h>
#include <scenario/runner.h>
#include <time/duration.h>
#include <trace/mermaid.h>
#include <trace/tracejson.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace cachelab::cli {

namespace {

bool writeFile(const QString &path, const QByteArray &bytes, QTextStream &err)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        err << Cli::tr("cachelab-cli: cannot write %1: %2\n").arg(path, file.errorString());
        return false;
    }
    return true;
}

QJsonObject resultJson(const scenario::RunResult &r)
{
    QJsonArray failures;
    for (const auto &f : r.failures) {
        failures.append(QJsonObject{{QStringLiteral("line"), f.line},
                                    {QStringLiteral("text"), f.text},
                                    {QStringLiteral("actual"), f.actual}});
    }
    QJsonObject metrics;
    for (auto it = r.metrics.cbegin(); it != r.metrics.cend(); ++it)
        metrics.insert(it.key(), it.value());
    QJsonObject json{
        {QStringLiteral("expectations"),
         QJsonObject{{QStringLiteral("passed"), r.passed},
                     {QStringLiteral("failed"), int(r.failures.size())},
                     {QStringLiteral("failures"), failures}}},
        {QStringLiteral("metrics"), metrics},
        {QStringLiteral("virtual_time_us"), r.virtualTime},
    };
    if (!r.fatal.isEmpty())
        json.insert(QStringLiteral("error"), r.fatal);
    if (r.unrequestedErrors > 0) {
        json.insert(QStringLiteral("unrequested_errors"),
                    QJsonObject{{QStringLiteral("count"), r.unrequestedErrors},
                                {QStringLiteral("first"), r.unrequestedError}});
    }
    return json;
}

// "write-queue:A: 46 writes, …" for every durable queue in `store` that holds writes.
QString durableQueues(CacheStore &store)
{
    QStringList held;
    for (int client = 0; client < 26; ++client) {
        const QString name = WriteBehind::listName(QString(), client);
        const qsizetype n = store.listRange(name).size();
        if (n > 0)
            held << Cli::tr("%1: %n write(s)", nullptr, int(n)).arg(name);
    }
    return held.join(QStringLiteral(", "));
}

} // namespace

QString commandHelp(const QCommandLineParser &parser, const char *command)
{
    QString help = parser.helpText();
    const QString program = QCoreApplication::arguments().value(0);
    const qsizetype at = help.indexOf(program);
    if (!program.isEmpty() && at >= 0 && at < help.indexOf(u'\n'))
        help.replace(at, program.size(), u"cachelab-cli " + QLatin1String(command));
    return help;
}

int run(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Runs a Cache Lab scenario and checks its expectations."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), Cli::tr("The scenario file (*.cls)."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  Cli::tr("Print the outcome as one JSON object."));
    const QCommandLineOption mermaid(QStringLiteral("mermaid"),
                                     Cli::tr("Write the sequence diagram as Mermaid text to OUT."),
                                     QStringLiteral("OUT"));
    const QCommandLineOption trace(QStringLiteral("trace"),
                                   Cli::tr("Write every message of the run as JSON to OUT."),
                                   QStringLiteral("OUT"));
    const QCommandLineOption db(QStringLiteral("db"),
                                Cli::tr("Use the database at URL: an SQLite file path, "
                                        "sqlite:///path, :memory: or "
                                        "postgresql://user@host/database (default: in memory)."),
                                QStringLiteral("URL"));
    const QCommandLineOption redis(QStringLiteral("redis"),
                                   Cli::tr("Use the Redis server at URL as the shared cache."),
                                   QStringLiteral("URL"));
    const QCommandLineOption prefix(
        QStringLiteral("prefix"), Cli::tr("Keep every Redis key under PREFIX (default cachelab:)."),
        QStringLiteral("PREFIX"), QStringLiteral("cachelab:"));
    const QCommandLineOption keepDb(QStringLiteral("keep-db"),
                                    Cli::tr("Keep the rows already in the --db file (a run "
                                            "normally starts from an empty table, as the "
                                            "scenario defines)."));
    const QCommandLineOption keep(QStringLiteral("keep-cache"),
                                  Cli::tr("Do not clear the keys under the prefix before the run "
                                          "(to share a Redis with another running lab)."));
    const QCommandLineOption discardQueue(
        QStringLiteral("discard-queue"),
        Cli::tr("Clear the prefix even when it holds durable write-behind queues with writes "
                "in them: those acknowledged writes are thrown away (without this, such a run "
                "refuses to start; --keep-cache replays them instead)."));
    const QCommandLineOption ackLog(
        QStringLiteral("ack-log"),
        Cli::tr("Append one JSON line per acknowledged write or delete to FILE (client, key, "
                "version, value or deleted, time_us), synced to disk before the "
                "acknowledgement counts."),
        QStringLiteral("FILE"));
    const QCommandLineOption maxEvents(
        QStringLiteral("max-events"),
        Cli::tr("Stop the run with an error after N scheduler events (default %1).")
            .arg(kDefaultMaxEvents),
        QStringLiteral("N"));
    parser.addOptions(
        {json, mermaid, trace, db, redis, prefix, keep, keepDb, discardQueue, ackLog, maxEvents});

    if (!parser.parse(arguments)) {
        err << Cli::tr("cachelab-cli run: %1\n").arg(parser.errorText());
        return InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << commandHelp(parser, "run");
        return Passed;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1) {
        err << Cli::tr("cachelab-cli run: expected exactly one scenario file, got %1\n")
                   .arg(files.size());
        return InvalidInput;
    }
    if (parser.isSet(prefix) && parser.value(prefix).isEmpty()) {
        err << Cli::tr(
            "cachelab-cli run: --prefix must not be empty: it keeps Cache Lab's keys apart "
            "from everybody else's\n");
        return InvalidInput;
    }

    RunOutputs outputs;
    outputs.json = parser.isSet(json);
    outputs.mermaid = parser.value(mermaid);
    outputs.trace = parser.value(trace);
    LabConfig base;
    base.maxEvents = kDefaultMaxEvents;
    if (parser.isSet(maxEvents)) {
        bool ok = false;
        base.maxEvents = parser.value(maxEvents).toULongLong(&ok);
        if (!ok || base.maxEvents == 0) {
            err << Cli::tr("cachelab-cli run: --max-events: expected a whole number above 0, got "
                           "\"%1\"\n")
                       .arg(parser.value(maxEvents));
            return InvalidInput;
        }
    }
    // A lesson rebuilds its lab for every task check, so it runs on the embedded store and
    // an in-memory database only.
    if (lesson::isLessonFile(files.constFirst())) {
        if (parser.isSet(db) || parser.isSet(redis)) {
            err << Cli::tr("cachelab-cli run: %1 is a lesson: it runs on the embedded cache and an "
                           "in-memory database only (drop --db and --redis)\n")
                       .arg(files.constFirst());
            return InvalidInput;
        }
        return runLesson(files.constFirst(), base, outputs, out, err);
    }

    auto parsed = scenario::parseFile(files.constFirst());
    if (auto *error = std::get_if<scenario::ParseError>(&parsed)) {
        err << error->toString() << u'\n';
        return InvalidInput;
    }
    scenario::Scenario scenario = std::get<scenario::Scenario>(std::move(parsed));

    std::unique_ptr<Database> database;
    try {
        if (parser.isSet(db)) {
            auto sql = std::make_unique<SqlDatabase>(parser.value(db));
            // The same file gives the same run every time, as the cache is cleared too. An
            // application's own table is never emptied unasked.
            if (!parser.isSet(keepDb) && !sql->url().ownTable()) {
                err << Cli::tr("cachelab-cli run: --db names your own table \"%1\": a run "
                               "starts by emptying its database, so add --keep-db to run on "
                               "its rows as they are\n")
                           .arg(sql->url().table);
                return InvalidInput;
            }
            if (!parser.isSet(keepDb))
                sql->clear();
            database = std::move(sql);
        }
    } catch (const Error &e) {
        err << Cli::tr("cachelab-cli run: --db: %1\n").arg(e.message());
        return InvalidInput;
    }

    base.store.url = parser.value(redis);
    base.store.prefix = parser.value(prefix);
    const bool wantTrace = parser.isSet(mermaid) || parser.isSet(trace);
    base.tracing = wantTrace;
    base.traceCapacity = wantTrace ? 2'000'000 : 1;
    std::unique_ptr<scenario::Runner> runner;
    try {
        runner = std::make_unique<scenario::Runner>(std::move(scenario), nullptr,
                                                    std::move(database), base);
        // A run starts from an empty cache, so that it gives the same result every time; on
        // Redis this removes only keys under the prefix (SCAN + UNLINK). But never a durable
        // queue that still holds acknowledged writes, unless told to.
        if (!parser.isSet(keep)) {
            if (!parser.isSet(discardQueue)) {
                if (const QString held = durableQueues(runner->lab().store()); !held.isEmpty()) {
                    err << Cli::tr("cachelab-cli run: %1 holds durable write-behind queues with "
                                   "acknowledged writes not yet in the database (%2). Run with "
                                   "--keep-cache to replay them, or with --discard-queue to "
                                   "throw them away.\n")
                               .arg(runner->lab().store().describe(), held);
                    return InvalidInput;
                }
            }
            runner->lab().store().clear();
        }
    } catch (const Error &e) {
        err << Cli::tr("cachelab-cli run: %1\n").arg(e.message());
        return InvalidInput;
    }
    AckLog acks;
    if (parser.isSet(ackLog)) {
        if (!acks.open(parser.value(ackLog))) {
            err << Cli::tr("cachelab-cli run: --ack-log: cannot open %1: %2\n")
                       .arg(parser.value(ackLog), acks.errorString());
            return InvalidInput;
        }
        acks.attach(runner->lab());
    }
    const scenario::RunResult result = runner->run();
    if (!acks.error().isEmpty()) {
        err << Cli::tr("cachelab-cli run: %1\n").arg(acks.error());
        reportRun(result, runner->lab(), runner->scenario().fileName, outputs, out, err);
        return InvalidInput;
    }
    return reportRun(result, runner->lab(), runner->scenario().fileName, outputs, out, err);
}

int reportRun(const scenario::RunResult &result, Lab &lab, const QString &file,
              const RunOutputs &outputs, QTextStream &out, QTextStream &err)
{
    if (!outputs.mermaid.isEmpty() &&
        !writeFile(outputs.mermaid, toMermaid(lab.trace().events(), lab.clients()).toUtf8(), err))
        return InvalidInput;
    if (!outputs.trace.isEmpty()) {
        const QJsonObject traceJson = traceToJson(lab.trace().events(), lab.clients());
        if (!writeFile(outputs.trace, QJsonDocument(traceJson).toJson(QJsonDocument::Indented),
                       err))
            return InvalidInput;
    }

    if (outputs.json) {
        out << QString::fromUtf8(QJsonDocument(resultJson(result)).toJson(QJsonDocument::Compact))
            << u'\n';
    } else {
        for (const auto &f : result.failures)
            out << Cli::tr("%1:%2: expected %3, got %4\n")
                       .arg(file)
                       .arg(f.line)
                       .arg(f.text, f.actual);
        if (!result.fatal.isEmpty())
            out << result.fatal << u'\n';
        if (result.unrequestedErrors > 0) {
            out << result.unrequestedError << u'\n'
                << Cli::tr("%1: %n call(s) to the cache or the database "
                           "failed while the scenario made nothing fail",
                           nullptr, int(std::min<qint64>(result.unrequestedErrors, INT_MAX)))
                       .arg(file)
                << u'\n';
        }
        out << Cli::tr("%1: %n expectation(s) held, %2 failed; %3 of virtual time\n", nullptr,
                       result.passed)
                   .arg(file)
                   .arg(result.failures.size())
                   .arg(formatDuration(result.virtualTime));
    }
    // The run itself went wrong (out of budget, a part that failed by itself): its figures
    // are not the scenario's, whatever its expectations said.
    if (!result.fatal.isEmpty() || result.unrequestedErrors > 0)
        return InvalidInput;
    return result.ok() ? Passed : ExpectationsFailed;
}

} // namespace cachelab::cli
