#include "clicommands.h"
#include "interrupt.h"

#include <workload/comparison.h>
#include <workload/sweep.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>

namespace cachelab::cli {

namespace {

/// The workload flags shared by simulate and compare.
struct WorkloadOptions
{
    QCommandLineOption requests{QStringLiteral("requests"),
                                Cli::tr("Number of requests (default 10000)."), QStringLiteral("N"),
                                QStringLiteral("10000")};
    QCommandLineOption keys{QStringLiteral("keys"),
                            Cli::tr("Number of distinct keys (default 1000)."), QStringLiteral("K"),
                            QStringLiteral("1000")};
    QCommandLineOption dist{
        QStringLiteral("dist"),
        Cli::tr("Key distribution: uniform, zipf:S or hot:X:Y (default uniform)."),
        QStringLiteral("DIST"), QStringLiteral("uniform")};
    QCommandLineOption writeRatio{
        QStringLiteral("write-ratio"),
        Cli::tr("Share of requests that are writes, 0 to 1 (default 0.1)."), QStringLiteral("R"),
        QStringLiteral("0.1")};
    QCommandLineOption clients{QStringLiteral("clients"),
                               Cli::tr("Application instances, 1 to 26 (default 1)."),
                               QStringLiteral("C"), QStringLiteral("1")};
    QCommandLineOption seed{QStringLiteral("seed"), Cli::tr("Random seed (default 1)."),
                            QStringLiteral("S"), QStringLiteral("1")};
    QCommandLineOption rate{QStringLiteral("rate"),
                            Cli::tr("Requests per second of virtual time (default 1000)."),
                            QStringLiteral("R"), QStringLiteral("1000")};
    QCommandLineOption option{
        QStringLiteral("option"),
        Cli::tr("A pattern option as in scenarios, such as ttl=30s (repeatable)."),
        QStringLiteral("k=v")};

    QCommandLineOption maxEvents{QStringLiteral("max-events"),
                                 Cli::tr("Stop with an error after N scheduler events (default 64 "
                                         "per request plus ten million)."),
                                 QStringLiteral("N")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions(
            {requests, keys, dist, writeRatio, clients, seed, rate, option, maxEvents});
    }

    /// Reads the flags; on error returns the message (with the flag's name in it).
    std::optional<QString> read(const QCommandLineParser &parser, WorkloadSpec &spec,
                                QMap<QString, QString> &options) const
    {
        bool ok = false;
        spec.requests = parser.value(requests).toLongLong(&ok);
        if (!ok || spec.requests < 1 || spec.requests > 100'000'000)
            return Cli::tr("--requests: expected a whole number from 1 to 100000000, got \"%1\"")
                .arg(parser.value(requests));
        spec.keys = parser.value(keys).toInt(&ok);
        if (!ok || spec.keys < 1 || spec.keys > 10'000'000)
            return Cli::tr("--keys: expected a whole number from 1 to 10000000, got \"%1\"")
                .arg(parser.value(keys));
        const auto d = KeyDistribution::parse(parser.value(dist));
        if (const auto *error = std::get_if<QString>(&d))
            return Cli::tr("--dist: %1").arg(*error);
        spec.distribution = std::get<KeyDistribution>(d);
        spec.writeRatio = parser.value(writeRatio).toDouble(&ok);
        if (!ok || !(spec.writeRatio >= 0 && spec.writeRatio <= 1))
            return Cli::tr("--write-ratio: expected a number from 0 to 1, got \"%1\"")
                .arg(parser.value(writeRatio));
        spec.clients = parser.value(clients).toInt(&ok);
        if (!ok || spec.clients < 1 || spec.clients > 26)
            return Cli::tr("--clients: expected a whole number from 1 to 26, got \"%1\"")
                .arg(parser.value(clients));
        spec.seed = parser.value(seed).toULongLong(&ok);
        if (!ok)
            return Cli::tr("--seed: expected a whole number, got \"%1\"").arg(parser.value(seed));
        spec.rate = parser.value(rate).toDouble(&ok);
        if (!ok || !(spec.rate >= 0.001 && spec.rate <= 1e9))
            return Cli::tr("--rate: expected requests per second from 0.001 to 1000000000, got "
                           "\"%1\"")
                .arg(parser.value(rate));
        if (parser.isSet(maxEvents)) {
            spec.maxEvents = parser.value(maxEvents).toULongLong(&ok);
            if (!ok || spec.maxEvents == 0)
                return Cli::tr("--max-events: expected a whole number above 0, got \"%1\"")
                    .arg(parser.value(maxEvents));
        }
        for (const QString &pair : parser.values(option)) {
            const qsizetype eq = pair.indexOf(u'=');
            if (eq <= 0)
                return Cli::tr("--option: expected NAME=VALUE (such as ttl=30s), got \"%1\"")
                    .arg(pair);
            options.insert(pair.left(eq), pair.mid(eq + 1));
        }
        return std::nullopt;
    }
};

bool parseOrFail(QCommandLineParser &parser, const QStringList &arguments, QTextStream &err,
                 const char *command)
{
    if (parser.parse(arguments))
        return true;
    err << Cli::tr("cachelab-cli %1: %2\n").arg(QLatin1String(command), parser.errorText());
    return false;
}

/// --seeds and --jobs, shared by compare and sweep.
struct RepeatOptions
{
    QCommandLineOption seeds{QStringLiteral("seeds"),
                             Cli::tr("Run every point with N seeds, from --seed on, and report "
                                     "95% confidence intervals (sweep: default 3)."),
                             QStringLiteral("N")};
    QCommandLineOption jobs{QStringLiteral("jobs"),
                            Cli::tr("Run on J threads (default: one per core); the results do "
                                    "not depend on it."),
                            QStringLiteral("J")};

    void addTo(QCommandLineParser &parser) const { parser.addOptions({seeds, jobs}); }

    std::optional<QString> read(const QCommandLineParser &parser, SweepSpec &spec) const
    {
        bool ok = true;
        if (parser.isSet(seeds)) {
            spec.seeds = parser.value(seeds).toInt(&ok);
            if (!ok || spec.seeds < 1 || spec.seeds > 1000)
                return Cli::tr("--seeds: expected a whole number from 1 to 1000, got \"%1\"")
                    .arg(parser.value(seeds));
        }
        if (parser.isSet(jobs)) {
            spec.jobs = parser.value(jobs).toInt(&ok);
            if (!ok || spec.jobs < 1 || spec.jobs > 256)
                return Cli::tr("--jobs: expected a whole number from 1 to 256, got \"%1\"")
                    .arg(parser.value(jobs));
        }
        return std::nullopt;
    }
};

/// --json, --csv or --markdown (the default), at most one.
struct FormatOptions
{
    enum class Format { Markdown, Json, Csv };
    QCommandLineOption json{QStringLiteral("json"), Cli::tr("Print JSON.")};
    QCommandLineOption csv{QStringLiteral("csv"), Cli::tr("Print CSV.")};
    QCommandLineOption markdown{QStringLiteral("markdown"),
                                Cli::tr("Print a Markdown table (the default).")};

    void addTo(QCommandLineParser &parser) const { parser.addOptions({json, csv, markdown}); }

    std::optional<Format> read(const QCommandLineParser &parser) const
    {
        if (int(parser.isSet(json)) + int(parser.isSet(csv)) + int(parser.isSet(markdown)) > 1)
            return std::nullopt;
        return parser.isSet(json)  ? Format::Json
               : parser.isSet(csv) ? Format::Csv
                                   : Format::Markdown;
    }
};

/// Runs a sweep with terminal progress and prints it; CSV rows are printed as they come.
int printSweep(const SweepSpec &spec, FormatOptions::Format format, const char *command,
               QTextStream &out, QTextStream &err)
{
    catchInterrupts();
    bool headerDone = false;
    auto streamCsv = [&](const SweepPoint &point) {
        SweepResult one;
        one.spec = spec;
        one.points = {point};
        const QString csv = one.toCsv();
        const qsizetype headerEnd = csv.indexOf(u'\n') + 1;
        out << (headerDone ? csv.mid(headerEnd) : csv);
        out.flush();
        headerDone = true;
    };
    const SweepResult r = cachelab::sweep(spec, terminalProgress(QLatin1String(command)),
                                          format == FormatOptions::Format::Csv
                                              ? std::function<void(const SweepPoint &)>(streamCsv)
                                              : nullptr);
    endProgress();
    if (!r.error.isEmpty()) {
        err << Cli::tr("cachelab-cli %1: %2\n").arg(QLatin1String(command), r.error);
        return InvalidInput;
    }
    switch (format) {
    case FormatOptions::Format::Json:
        out << QString::fromUtf8(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact)) << u'\n';
        break;
    case FormatOptions::Format::Csv:
        if (!headerDone)
            out << r.toCsv(); // no point finished: the header alone
        break;
    case FormatOptions::Format::Markdown:
        out << r.toMarkdown();
        break;
    }
    return r.cancelled ? kInterrupted : Passed;
}

} // namespace

int simulate(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Runs a workload through one pattern and measures it."));
    parser.addHelpOption();
    const QCommandLineOption pattern(QStringLiteral("pattern"),
                                     Cli::tr("The pattern (cache-aside, …)."), QStringLiteral("P"));
    const QCommandLineOption crash(
        QStringLiteral("crash-halfway"),
        Cli::tr("Crash every instance when half the requests are issued."));
    const QCommandLineOption json(QStringLiteral("json"), Cli::tr("Print the figures as JSON."));
    WorkloadOptions workload;
    parser.addOptions({pattern, crash, json});
    workload.addTo(parser);
    if (!parseOrFail(parser, arguments, err, "simulate"))
        return InvalidInput;
    if (parser.isSet(QStringLiteral("help"))) {
        out << commandHelp(parser, "simulate");
        return Passed;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << Cli::tr("cachelab-cli simulate: unexpected argument \"%1\"\n")
                   .arg(parser.positionalArguments().constFirst());
        return InvalidInput;
    }
    const auto kind = patternFromName(parser.value(pattern));
    if (!kind) {
        err << Cli::tr(
                   "cachelab-cli simulate: --pattern: expected one of cache-aside, write-through, "
                   "write-behind, refresh-ahead, around, multi-level, circuit-breaker; got "
                   "\"%1\"\n")
                   .arg(parser.value(pattern));
        return InvalidInput;
    }
    WorkloadSpec spec;
    QMap<QString, QString> rawOptions;
    if (const auto error = workload.read(parser, spec, rawOptions)) {
        err << Cli::tr("cachelab-cli simulate: %1\n").arg(*error);
        return InvalidInput;
    }
    spec.crashHalfway = parser.isSet(crash);
    PatternOptions options;
    for (auto it = rawOptions.cbegin(); it != rawOptions.cend(); ++it) {
        if (const auto error = applyOption(options, *kind, it.key(), it.value())) {
            err << Cli::tr("cachelab-cli simulate: --option %1=%2: %3\n")
                       .arg(it.key(), it.value(), *error);
            return InvalidInput;
        }
    }
    if (const auto error = textbookConflict(options, *kind)) {
        err << Cli::tr("cachelab-cli simulate: %1\n").arg(*error);
        return InvalidInput;
    }
    catchInterrupts();
    const SimulationResult r = cachelab::simulate(*kind, options, spec, simulationConfig(),
                                                  terminalProgress(Cli::tr("simulate")));
    endProgress();
    if (!r.error.isEmpty()) {
        err << Cli::tr("cachelab-cli simulate: %1\n").arg(r.error);
        return InvalidInput;
    }
    const int status = r.cancelled ? kInterrupted : Passed;
    if (parser.isSet(json)) {
        out << QString::fromUtf8(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact)) << u'\n';
        return status;
    }
    if (r.cancelled) {
        out << Cli::tr("Interrupted: the figures below are partial, %1 of the %2 requests.\n")
                   .arg(r.requests)
                   .arg(spec.requests);
    }
    out << Cli::tr("%1: %2 requests in %3 s of wall time (%4 per second)\n")
               .arg(patternName(*kind))
               .arg(r.requests)
               .arg(r.wallSeconds, 0, 'f', 3)
               .arg(r.opsPerSecond, 0, 'f', 0);
    out << Cli::tr("hit ratio %1; read p50/p95/p99 %2/%3/%4 us; write p50/p95/p99 %5/%6/%7 us\n")
               .arg(r.hitRatio, 0, 'f', 4)
               .arg(r.readP50)
               .arg(r.readP95)
               .arg(r.readP99)
               .arg(r.writeP50)
               .arg(r.writeP95)
               .arg(r.writeP99);
    for (auto it = r.metrics.cbegin(); it != r.metrics.cend(); ++it)
        out << QStringLiteral("  %1 = %2\n").arg(it.key()).arg(it.value());
    return status;
}

int compare(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Cli::tr("Runs one workload through every pattern and prints a "
                                             "table of measured figures beside the textbook's."));
    parser.addHelpOption();
    FormatOptions formats;
    RepeatOptions repeat;
    WorkloadOptions workload;
    formats.addTo(parser);
    repeat.addTo(parser);
    workload.addTo(parser);
    if (!parseOrFail(parser, arguments, err, "compare"))
        return InvalidInput;
    if (parser.isSet(QStringLiteral("help"))) {
        out << commandHelp(parser, "compare");
        return Passed;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << Cli::tr("cachelab-cli compare: unexpected argument \"%1\"\n")
                   .arg(parser.positionalArguments().constFirst());
        return InvalidInput;
    }
    const auto format = formats.read(parser);
    if (!format) {
        err << Cli::tr("cachelab-cli compare: choose one of --json, --csv, --markdown\n");
        return InvalidInput;
    }
    SweepSpec seeded;
    QMap<QString, QString> options;
    if (const auto error = workload.read(parser, seeded.workload, options)) {
        err << Cli::tr("cachelab-cli compare: %1\n").arg(*error);
        return InvalidInput;
    }
    if (const auto error = repeat.read(parser, seeded)) {
        err << Cli::tr("cachelab-cli compare: %1\n").arg(*error);
        return InvalidInput;
    }
    // With --seeds every pattern runs once per seed, and the table gives intervals.
    if (parser.isSet(repeat.seeds)) {
        seeded.patterns = QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
        seeded.options = options;
        if (const auto error = seeded.validate()) {
            err << Cli::tr("cachelab-cli compare: %1\n").arg(*error);
            return InvalidInput;
        }
        return printSweep(seeded, *format, "compare", out, err);
    }
    // An option must fit at least one pattern, and be well formed for it.
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        std::optional<QString> lastError;
        bool fits = false;
        for (const PatternKind kind : kAllPatterns) {
            PatternOptions probe;
            const auto error = applyOption(probe, kind, it.key(), it.value());
            fits = fits || !error;
            if (error && !error->startsWith(u"unknown") && !error->contains(u"has no option"))
                lastError = error;
        }
        if (!fits) {
            err << Cli::tr("cachelab-cli compare: --option %1=%2: %3\n")
                       .arg(it.key(), it.value(),
                            lastError.value_or(Cli::tr("no pattern has this option")));
            return InvalidInput;
        }
    }
    // With textbook=on, every pattern must get only the options its source's class has.
    for (const PatternKind kind : kAllPatterns) {
        PatternOptions patternOptions;
        for (auto it = options.cbegin(); it != options.cend(); ++it)
            applyOption(patternOptions, kind, it.key(), it.value());
        if (const auto error = textbookConflict(patternOptions, kind)) {
            err << Cli::tr("cachelab-cli compare: %1\n").arg(*error);
            return InvalidInput;
        }
    }
    catchInterrupts();
    const Comparison c =
        cachelab::compare(seeded.workload, options, terminalProgress(Cli::tr("compare")));
    endProgress();
    if (!c.error.isEmpty()) {
        err << Cli::tr("cachelab-cli compare: %1\n").arg(c.error);
        return InvalidInput;
    }
    if (c.cancelled && *format != FormatOptions::Format::Json) {
        out << Cli::tr("Interrupted: the last row is partial and the patterns after it did not "
                       "run.\n");
    }
    switch (*format) {
    case FormatOptions::Format::Json:
        out << QString::fromUtf8(QJsonDocument(c.toJson()).toJson(QJsonDocument::Compact)) << u'\n';
        break;
    case FormatOptions::Format::Csv:
        out << c.toCsv();
        break;
    case FormatOptions::Format::Markdown:
        out << c.toMarkdown();
        break;
    }
    return c.cancelled ? kInterrupted : Passed;
}

int sweep(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Varies one setting and measures every chosen pattern at each value, over "
                "several seeds."));
    parser.addHelpOption();
    const QCommandLineOption pattern(
        QStringLiteral("pattern"),
        Cli::tr("A pattern to measure, or all (repeatable; default all)."), QStringLiteral("P"));
    const QCommandLineOption vary(
        QStringLiteral("vary"),
        Cli::tr("The setting to vary and its values: NAME=V1,V2,… or NAME=FROM..TO:N, with "
                "\"log\" after N for logarithmic steps. NAME is a pattern option (ttl, batch, "
                "…), write-ratio, keys, clients, rate, or latency.cache, latency.db, …"),
        QStringLiteral("NAME=VALUES"));
    FormatOptions formats;
    RepeatOptions repeat;
    WorkloadOptions workload;
    parser.addOptions({pattern, vary});
    formats.addTo(parser);
    repeat.addTo(parser);
    workload.addTo(parser);
    if (!parseOrFail(parser, arguments, err, "sweep"))
        return InvalidInput;
    if (parser.isSet(QStringLiteral("help"))) {
        out << commandHelp(parser, "sweep");
        return Passed;
    }
    auto fail = [&](const QString &message) {
        err << Cli::tr("cachelab-cli sweep: %1\n").arg(message);
        return InvalidInput;
    };
    if (!parser.positionalArguments().isEmpty())
        return fail(
            Cli::tr("unexpected argument \"%1\"").arg(parser.positionalArguments().constFirst()));
    const auto format = formats.read(parser);
    if (!format)
        return fail(Cli::tr("choose one of --json, --csv, --markdown"));
    if (!parser.isSet(vary))
        return fail(Cli::tr("--vary is required, e.g. --vary ttl=1s..1h:12log"));
    if (parser.values(vary).size() > 1)
        return fail(Cli::tr("--vary: a sweep varies one setting"));

    SweepSpec spec;
    for (const QString &value : parser.values(pattern)) {
        for (const QString &name : value.split(u',', Qt::SkipEmptyParts)) {
            if (name == u"all") {
                spec.patterns =
                    QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
                continue;
            }
            const auto kind = patternFromName(name.trimmed());
            if (!kind)
                return fail(Cli::tr("--pattern: expected all or one of cache-aside, "
                                    "write-through, write-behind, refresh-ahead, around, "
                                    "multi-level, circuit-breaker; got \"%1\"")
                                .arg(name));
            if (!spec.patterns.contains(*kind))
                spec.patterns.append(*kind);
        }
    }
    if (spec.patterns.isEmpty())
        spec.patterns = QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
    const auto axis = SweepAxis::parse(parser.value(vary));
    if (const auto *error = std::get_if<QString>(&axis))
        return fail(Cli::tr("--vary %1").arg(*error));
    spec.axis = std::get<SweepAxis>(axis);
    if (const auto error = workload.read(parser, spec.workload, spec.options))
        return fail(*error);
    if (const auto error = repeat.read(parser, spec))
        return fail(*error);
    if (const auto error = spec.validate())
        return fail(*error);
    return printSweep(spec, *format, "sweep", out, err);
}

} // namespace cachelab::cli
