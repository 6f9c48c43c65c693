#include "sweep.h"

#include "comparison.h"

#include "../time/duration.h"
#include "../time/framepool.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace cachelab {

// ---- statistics ------------------------------------------------------------------------

namespace {

/// Student's t for a two-sided 95% interval with `df` degrees of freedom.
double tQuantile(int df)
{
    static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                        2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                        2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                        2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df <= int(std::size(kTable)))
        return kTable[df - 1];
    return 1.960 + 2.5 / df; // within 0.002 of the exact quantile beyond 30
}

} // namespace

Estimate estimate(const std::vector<double> &samples)
{
    Estimate e;
    e.samples = int(samples.size());
    if (samples.empty())
        return e;
    double sum = 0;
    for (double x : samples)
        sum += x;
    e.mean = sum / double(samples.size());
    if (samples.size() < 2)
        return e;
    double squares = 0;
    for (double x : samples)
        squares += (x - e.mean) * (x - e.mean);
    const double sd = std::sqrt(squares / double(samples.size() - 1));
    e.halfWidth = tQuantile(e.samples - 1) * sd / std::sqrt(double(samples.size()));
    return e;
}

// ---- measures --------------------------------------------------------------------------

namespace {

struct MeasureText
{
    Q_DECLARE_TR_FUNCTIONS(MeasureText)
};

} // namespace

QString measureKey(Measure m)
{
    switch (m) {
    case Measure::HitRatio:
        return QStringLiteral("hit_ratio");
    case Measure::StaleReadRate:
        return QStringLiteral("stale_read_rate");
    case Measure::DbReadsPer1k:
        return QStringLiteral("db_reads_per_1k");
    case Measure::DbWritesPer1k:
        return QStringLiteral("db_writes_per_1k");
    case Measure::ReadP50:
        return QStringLiteral("read_p50_ms");
    case Measure::ReadP99:
        return QStringLiteral("read_p99_ms");
    case Measure::WriteP50:
        return QStringLiteral("write_p50_ms");
    case Measure::WriteP99:
        return QStringLiteral("write_p99_ms");
    case Measure::LostWrites:
        return QStringLiteral("lost_writes");
    }
    return {};
}

std::optional<Measure> measureFromKey(QStringView key)
{
    for (const Measure m : kAllMeasures) {
        if (measureKey(m) == key)
            return m;
    }
    return std::nullopt;
}

QString measureLabel(Measure m)
{
    switch (m) {
    case Measure::HitRatio:
        return MeasureText::tr("hit ratio");
    case Measure::StaleReadRate:
        return MeasureText::tr("stale reads (share of reads)");
    case Measure::DbReadsPer1k:
        return MeasureText::tr("database reads per 1,000 operations");
    case Measure::DbWritesPer1k:
        return MeasureText::tr("database writes per 1,000 operations");
    case Measure::ReadP50:
        return MeasureText::tr("read p50 (ms)");
    case Measure::ReadP99:
        return MeasureText::tr("read p99 (ms)");
    case Measure::WriteP50:
        return MeasureText::tr("write p50 (ms)");
    case Measure::WriteP99:
        return MeasureText::tr("write p99 (ms)");
    case Measure::LostWrites:
        return MeasureText::tr("writes lost at the crash");
    }
    return {};
}

bool lowerIsBetter(Measure m)
{
    return m != Measure::HitRatio;
}

double measureOf(const SimulationResult &r, Measure m)
{
    switch (m) {
    case Measure::HitRatio:
        return r.hitRatio;
    case Measure::StaleReadRate:
        return staleReadRate(r);
    case Measure::DbReadsPer1k:
        return perThousand(r, QStringLiteral("db.reads"));
    case Measure::DbWritesPer1k:
        return perThousand(r, QStringLiteral("db.writes"));
    case Measure::ReadP50:
        return double(r.readP50) / 1000.0;
    case Measure::ReadP99:
        return double(r.readP99) / 1000.0;
    case Measure::WriteP50:
        return double(r.writeP50) / 1000.0;
    case Measure::WriteP99:
        return double(r.writeP99) / 1000.0;
    case Measure::LostWrites:
        return double(r.metrics.value(QStringLiteral("lost.writes")));
    }
    return 0;
}

// ---- the axis --------------------------------------------------------------------------

namespace {

enum class AxisKind { Option, Workload, Latency };

const QStringList kWorkloadFields = {QStringLiteral("write-ratio"), QStringLiteral("keys"),
                                     QStringLiteral("clients"), QStringLiteral("rate")};
const QStringList kWholeNumbers = {QStringLiteral("batch"),      QStringLiteral("retries"),
                                   QStringLiteral("min-access"), QStringLiteral("l1-capacity"),
                                   QStringLiteral("failures"),   QStringLiteral("keys"),
                                   QStringLiteral("clients")};
constexpr int kMaxPoints = 1000;
constexpr int kMaxSeeds = 1000;
constexpr qint64 kMaxRuns = 1'000'000;

AxisKind axisKind(const QString &name)
{
    if (name.startsWith(u"latency."))
        return AxisKind::Latency;
    return kWorkloadFields.contains(name) ? AxisKind::Workload : AxisKind::Option;
}

/// The default of option `name` in the first pattern that has it (empty if none does).
QString optionDefault(const QString &name)
{
    for (const PatternKind kind : kAllPatterns) {
        for (const OptionInfo &info : optionsOf(kind)) {
            if (info.name == name)
                return info.defaultValue;
        }
    }
    return {};
}

bool takesDuration(const QString &name)
{
    if (axisKind(name) == AxisKind::Latency)
        return true;
    const QString fallback = optionDefault(name);
    return axisKind(name) == AxisKind::Option && parseDuration(fallback).has_value();
}

/// Rounds to three significant digits, so that log-spaced points have readable labels.
double roundSignificant(double x)
{
    if (x == 0)
        return 0;
    const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::abs(x))));
    return std::round(x * scale) / scale;
}

/// "15.3s" where formatDuration() would say "15300ms": rounded points read better in seconds.
QString durationLabel(TimeUs us)
{
    if (us >= kSecond && us % kSecond != 0 && us < 60 * kSecond)
        return QString::number(double(us) / double(kSecond), 'g', 3) + u's';
    return formatDuration(us);
}

std::vector<double> spaced(double from, double to, int n, bool logarithmic)
{
    std::vector<double> points;
    for (int i = 0; i < n; ++i) {
        const double t = double(i) / double(n - 1);
        points.push_back(logarithmic ? from * std::pow(to / from, t) : from + (to - from) * t);
    }
    return points;
}

} // namespace

std::variant<SweepAxis, QString> SweepAxis::parse(const QString &text)
{
    const qsizetype eq = text.indexOf(u'=');
    if (eq <= 0 || eq == text.size() - 1)
        return tr("\"%1\": expected NAME=V1,V2,… or NAME=FROM..TO:N (add \"log\" for "
                  "logarithmic steps)")
            .arg(text);
    SweepAxis axis;
    axis.name = text.left(eq).trimmed();
    const QString spec = text.mid(eq + 1).trimmed();
    const qsizetype dots = spec.indexOf(QStringLiteral(".."));
    if (dots < 0) {
        for (const QString &value : spec.split(u',')) {
            const QString v = value.trimmed();
            if (v.isEmpty())
                return tr("%1: an empty value in \"%2\"").arg(axis.name, spec);
            axis.values << v;
            axis.labels << v;
        }
        if (axis.values.size() > kMaxPoints)
            return tr("%1: at most %2 values").arg(axis.name).arg(kMaxPoints);
        return axis;
    }

    // A range: FROM..TO:N[log]
    const qsizetype colon = spec.indexOf(u':', dots);
    if (colon < 0)
        return tr("%1: a range needs its number of points, e.g. %1=%2..%3:10")
            .arg(axis.name, spec.left(dots), spec.mid(dots + 2));
    QString count = spec.mid(colon + 1).trimmed();
    axis.logarithmic = count.endsWith(QStringLiteral("log"));
    if (axis.logarithmic)
        count.chop(3);
    bool ok = false;
    const int n = count.toInt(&ok);
    if (!ok || n < 2 || n > kMaxPoints)
        return tr("%1: the number of points must be a whole number from 2 to %2, got \"%3\"")
            .arg(axis.name)
            .arg(kMaxPoints)
            .arg(spec.mid(colon + 1));
    const QString fromText = spec.left(dots).trimmed();
    const QString toText = spec.mid(dots + 2, colon - dots - 2).trimmed();

    double from = 0, to = 0;
    const bool durations = takesDuration(axis.name);
    const bool percent = fromText.endsWith(u'%') && toText.endsWith(u'%');
    if (durations) {
        const auto a = parseDuration(fromText), b = parseDuration(toText);
        if (!a)
            return tr("%1: %2").arg(axis.name, durationError(fromText));
        if (!b)
            return tr("%1: %2").arg(axis.name, durationError(toText));
        from = double(*a);
        to = double(*b);
    } else {
        bool okFrom = false, okTo = false;
        from = (percent ? fromText.chopped(1) : fromText).toDouble(&okFrom);
        to = (percent ? toText.chopped(1) : toText).toDouble(&okTo);
        if (!okFrom || !okTo || !std::isfinite(from) || !std::isfinite(to))
            return tr("%1: \"%2\" is not a range of numbers").arg(axis.name, spec);
    }
    if (from == to)
        return tr("%1: the range %2..%3 has no width").arg(axis.name, fromText, toText);
    if (axis.logarithmic && (from <= 0 || to <= 0))
        return tr("%1: logarithmic steps need both ends above zero").arg(axis.name);

    const bool whole = durations || kWholeNumbers.contains(axis.name);
    for (double x : spaced(from, to, n, axis.logarithmic)) {
        x = whole ? std::round(axis.logarithmic ? roundSignificant(x) : x) : roundSignificant(x);
        QString value, label;
        if (durations) {
            value = QStringLiteral("%1us").arg(qint64(x));
            label = durationLabel(TimeUs(x));
        } else {
            value = label = whole ? QString::number(qint64(x)) : QString::number(x, 'g', 6);
            if (percent)
                value = label = value + u'%';
        }
        if (!axis.values.isEmpty() && axis.values.constLast() == value)
            continue; // whole numbers close together: one point each
        axis.values << value;
        axis.labels << label;
    }
    return axis;
}

// ---- the spec --------------------------------------------------------------------------

namespace {

bool hasOption(PatternKind kind, const QString &name)
{
    const QList<OptionInfo> options = optionsOf(kind);
    return std::any_of(options.cbegin(), options.cend(),
                       [&](const OptionInfo &o) { return o.name == name; });
}

/// Sets a workload field or a latency from the axis; a message if the value does not fit.
std::optional<QString> applyAxis(const QString &name, const QString &value, WorkloadSpec &workload,
                                 Latencies &latencies)
{
    bool ok = false;
    if (name.startsWith(u"latency.")) {
        const auto d = parseDuration(value);
        if (!d)
            return durationError(value);
        return applyLatency(latencies, name.mid(8), *d);
    }
    if (name == u"write-ratio") {
        workload.writeRatio = value.toDouble(&ok);
        if (!ok || !(workload.writeRatio >= 0 && workload.writeRatio <= 1))
            return SweepSpec::tr("expected a number from 0 to 1, got \"%1\"").arg(value);
    } else if (name == u"keys") {
        workload.keys = value.toInt(&ok);
        if (!ok || workload.keys < 1 || workload.keys > 10'000'000)
            return SweepSpec::tr("expected a whole number from 1 to 10000000, got \"%1\"")
                .arg(value);
    } else if (name == u"clients") {
        workload.clients = value.toInt(&ok);
        if (!ok || workload.clients < 1 || workload.clients > 26)
            return SweepSpec::tr("expected a whole number from 1 to 26, got \"%1\"").arg(value);
    } else if (name == u"rate") {
        workload.rate = value.toDouble(&ok);
        if (!ok || !(workload.rate >= 0.001 && workload.rate <= 1e9))
            return SweepSpec::tr("expected requests per second from 0.001 to 1000000000, got "
                                 "\"%1\"")
                .arg(value);
    }
    return std::nullopt;
}

} // namespace

std::variant<SweepRun, QString> SweepSpec::run(PatternKind kind, int point, int seed) const
{
    const SweepSpec &spec = *this;
    SweepRun run{kind, {}, spec.workload, spec.base};
    run.workload.crashHalfway = true; // so that every point also says what a crash costs
    run.workload.seed = spec.workload.seed + quint64(seed);
    for (auto it = spec.options.cbegin(); it != spec.options.cend(); ++it) {
        if (hasOption(kind, it.key())) {
            if (const auto error = applyOption(run.options, kind, it.key(), it.value()))
                return QStringLiteral("%1=%2: %3").arg(it.key(), it.value(), *error);
        }
    }
    if (spec.axis) {
        const QString &name = spec.axis->name;
        const QString &value = spec.axis->values[point];
        const auto error = axisKind(name) == AxisKind::Option
                               ? applyOption(run.options, kind, name, value)
                               : applyAxis(name, value, run.workload, run.config.latencies);
        if (error)
            return QStringLiteral("%1=%2: %3").arg(name, value, *error);
    }
    return run;
}

QList<PatternKind> SweepSpec::participants() const
{
    if (!axis || axisKind(axis->name) != AxisKind::Option)
        return patterns;
    QList<PatternKind> out;
    for (const PatternKind kind : patterns) {
        if (hasOption(kind, axis->name))
            out << kind;
    }
    return out;
}

std::optional<QString> SweepSpec::validate() const
{
    if (patterns.isEmpty())
        return tr("no pattern to run");
    if (seeds < 1 || seeds > kMaxSeeds)
        return tr("--seeds: expected a whole number from 1 to %1, got %2")
            .arg(kMaxSeeds)
            .arg(seeds);
    if (jobs < 0 || jobs > 256)
        return tr("--jobs: expected a whole number from 1 to 256, got %1").arg(jobs);
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        if (std::none_of(patterns.cbegin(), patterns.cend(),
                         [&](PatternKind k) { return hasOption(k, it.key()); }))
            return tr("--option %1: no chosen pattern has this option").arg(it.key());
    }
    if (axis) {
        if (axisKind(axis->name) == AxisKind::Option && optionDefault(axis->name).isEmpty())
            return tr("--vary %1: not a pattern option, a workload setting (write-ratio, keys, "
                      "clients, rate) or a latency (latency.cache, latency.db, …)")
                .arg(axis->name);
        if (participants().isEmpty())
            return tr("--vary %1: no chosen pattern has this option").arg(axis->name);
    }
    const qint64 points = axis ? axis->values.size() : 1;
    const qint64 runs = points * participants().size() * seeds;
    if (runs > kMaxRuns)
        return tr("%1 runs asked for (points × patterns × seeds); at most %2")
            .arg(runs)
            .arg(kMaxRuns);
    // Every value must fit every participant: found now, not after an hour of runs.
    for (qint64 p = 0; p < points; ++p) {
        for (const PatternKind kind : participants()) {
            const auto run = this->run(kind, int(p));
            if (const auto *error = std::get_if<QString>(&run))
                return tr("%1: %2").arg(patternName(kind), *error);
        }
    }
    return std::nullopt;
}

// ---- running ---------------------------------------------------------------------------

SweepResult sweep(const SweepSpec &spec, const Progress &progress,
                  const std::function<void(const SweepPoint &)> &onPoint)
{
    SweepResult result;
    result.spec = spec;
    QElapsedTimer wall;
    wall.start();
    if (const auto error = spec.validate()) {
        result.error = *error;
        return result;
    }
    const QList<PatternKind> patterns = spec.participants();
    const int points = spec.axis ? int(spec.axis->values.size()) : 1;
    const int perGroup = spec.seeds;                  // runs of one point and pattern
    const int groups = points * int(patterns.size()); // in output order
    const int total = groups * perGroup;
    const int jobs = std::clamp(
        spec.jobs > 0 ? spec.jobs : int(std::max(1u, std::thread::hardware_concurrency())), 1,
        total);

    std::mutex mutex;
    std::condition_variable finished;
    std::map<int, SimulationResult> done; // runs of groups not yet reported
    int completed = 0;
    QString firstError;
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};

    auto worker = [&] {
        for (;;) {
            const int i = next.fetch_add(1);
            if (i >= total || stop.load())
                break;
            const int group = i / perGroup;
            const PatternKind kind = patterns[group % patterns.size()];
            const auto setup = spec.run(kind, group / int(patterns.size()), i % perGroup);
            const SweepRun &run = std::get<SweepRun>(setup); // validate() has tried every one
            SimulationResult r = simulate(run.pattern, run.options, run.workload, run.config,
                                          [&](double) { return !stop.load(); });
            std::lock_guard lock(mutex);
            if (!r.error.isEmpty() && firstError.isEmpty()) {
                firstError = QStringLiteral("%1: %2").arg(patternName(kind), r.error);
                stop = true;
            }
            done.emplace(i, std::move(r));
            ++completed;
            finished.notify_one();
        }
        detail::releaseFramePool();
    };
    std::vector<std::thread> threads;
    for (int j = 0; j < jobs; ++j)
        threads.emplace_back(worker);

    int reported = 0; // groups handed to onPoint
    {
        std::unique_lock lock(mutex);
        int seen = 0;
        while (reported < groups) {
            finished.wait(lock, [&] { return stop.load() || completed != seen; });
            seen = completed;
            if (!firstError.isEmpty())
                break;
            // Hand over every group whose runs are all in, in order.
            while (reported < groups) {
                const int first = reported * perGroup;
                bool complete = true;
                for (int s = 0; s < perGroup && complete; ++s)
                    complete = done.count(first + s) && !done.at(first + s).cancelled;
                if (!complete)
                    break;
                SweepPoint point;
                point.index = reported / int(patterns.size());
                point.pattern = patterns[reported % patterns.size()];
                for (const Measure m : kAllMeasures) {
                    std::vector<double> samples;
                    for (int s = 0; s < perGroup; ++s)
                        samples.push_back(measureOf(done.at(first + s), m));
                    point.measures[std::size_t(m)] = estimate(samples);
                }
                for (int s = 0; s < perGroup; ++s)
                    done.erase(first + s);
                result.points.append(point);
                ++reported;
                lock.unlock();
                if (onPoint)
                    onPoint(point);
                lock.lock();
            }
            if (progress && !stop.load()) {
                const double share = double(completed) / double(total);
                lock.unlock();
                const bool goOn = progress(share);
                lock.lock();
                if (!goOn)
                    stop = true;
            }
            if (stop.load())
                break;
        }
    }
    stop = true;
    for (std::thread &t : threads)
        t.join();
    if (!firstError.isEmpty()) {
        result.error = firstError;
        result.points.clear();
    } else {
        result.cancelled = result.points.size() < groups;
    }
    result.wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    return result;
}

// ---- output ----------------------------------------------------------------------------

namespace {

QJsonObject toJson(const Estimate &e)
{
    return {{QStringLiteral("mean"), e.mean},
            {QStringLiteral("low"), e.low()},
            {QStringLiteral("high"), e.high()}};
}

QString valueLabel(const SweepResult &r, const SweepPoint &p)
{
    return r.spec.axis ? r.spec.axis->labels[p.index] : QString();
}

QString number(double x)
{
    return QString::number(x, 'g', 6);
}

/// "0.912 ± 0.004": as many decimals as the interval deserves, at least three figures.
QString withInterval(const Estimate &e)
{
    const double scale = std::max(std::abs(e.mean), e.halfWidth);
    const int decimals = scale >= 100 ? 1 : scale >= 10 ? 2 : scale >= 1 ? 3 : 4;
    if (e.halfWidth == 0 && e.mean == std::round(e.mean))
        return QString::number(qint64(e.mean)); // every seed gave the same whole number
    QString s = QString::number(e.mean, 'f', decimals);
    if (e.halfWidth > 0)
        s += QStringLiteral(" ± ") + QString::number(e.halfWidth, 'f', decimals);
    return s;
}

QString csvField(QString s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n'))
        return s;
    s.replace(u'"', QStringLiteral("\"\""));
    return u'"' + s + u'"';
}

} // namespace

QJsonObject SweepResult::toJson() const
{
    QJsonArray list;
    for (const SweepPoint &p : points) {
        QJsonObject o{{QStringLiteral("pattern"), patternName(p.pattern)}};
        if (spec.axis)
            o.insert(QStringLiteral("value"), valueLabel(*this, p));
        for (const Measure m : kAllMeasures)
            o.insert(measureKey(m), cachelab::toJson(p[m]));
        list.append(o);
    }
    QJsonObject options;
    for (auto it = spec.options.cbegin(); it != spec.options.cend(); ++it)
        options.insert(it.key(), it.value());
    QJsonObject json{{QStringLiteral("workload"), spec.workload.toJson()},
                     {QStringLiteral("options"), options},
                     {QStringLiteral("seeds"), spec.seeds},
                     {QStringLiteral("points"), list},
                     {QStringLiteral("wall_seconds"), wallSeconds}};
    if (spec.axis) {
        json.insert(
            QStringLiteral("vary"),
            QJsonObject{{QStringLiteral("name"), spec.axis->name},
                        {QStringLiteral("values"), QJsonArray::fromStringList(spec.axis->labels)},
                        {QStringLiteral("log"), spec.axis->logarithmic}});
    }
    if (cancelled)
        json.insert(QStringLiteral("partial"), true);
    return json;
}

QString SweepResult::toCsv() const
{
    QStringList header;
    if (spec.axis)
        header << csvField(spec.axis->name);
    header << QStringLiteral("pattern") << QStringLiteral("seeds");
    for (const Measure m : kAllMeasures) {
        const QString key = measureKey(m);
        header << key + QStringLiteral("_mean") << key + QStringLiteral("_low")
               << key + QStringLiteral("_high");
    }
    QString out = header.join(u',') + u'\n';
    for (const SweepPoint &p : points) {
        QStringList fields;
        if (spec.axis)
            fields << csvField(valueLabel(*this, p));
        fields << patternName(p.pattern) << QString::number(spec.seeds);
        for (const Measure m : kAllMeasures)
            fields << number(p[m].mean) << number(p[m].low()) << number(p[m].high());
        out += fields.join(u',') + u'\n';
    }
    return out;
}

QString SweepResult::toMarkdown() const
{
    QString out;
    const QList<PatternKind> patterns = spec.participants();
    if (!spec.axis) {
        // One row per pattern. In each column the best mean is bold; "≈" marks a pattern
        // whose interval overlaps the best one's: the difference is not significant.
        out += u"| " + tr("pattern");
        for (const Measure m : kAllMeasures)
            out += u" | " + measureLabel(m);
        out += QStringLiteral(" |\n| ---");
        for (int i = 0; i < kMeasureCount; ++i)
            out += QStringLiteral(" | ---:");
        out += QStringLiteral(" |\n");
        std::array<const SweepPoint *, kMeasureCount> best{};
        for (const SweepPoint &p : points) {
            for (const Measure m : kAllMeasures) {
                const SweepPoint *&b = best[std::size_t(m)];
                if (!b || (lowerIsBetter(m) ? p[m].mean < (*b)[m].mean : p[m].mean > (*b)[m].mean))
                    b = &p;
            }
        }
        for (const SweepPoint &p : points) {
            out += u"| " + patternName(p.pattern);
            for (const Measure m : kAllMeasures) {
                const SweepPoint *b = best[std::size_t(m)];
                QString cell = withInterval(p[m]);
                if (b == &p)
                    cell = u"**" + cell + u"**";
                else if (spec.seeds > 1 && p[m].overlaps((*b)[m]))
                    cell = u"≈ " + cell;
                out += u" | " + cell;
            }
            out += QStringLiteral(" |\n");
        }
        out += tr("\n%n seed(s); mean ± half of the 95% confidence interval. Bold: the best of "
                  "a column; ≈: not significantly different from it (the intervals overlap).\n",
                  nullptr, spec.seeds);
    } else {
        // One table per measure: the axis down, the patterns across.
        for (const Measure m : kAllMeasures) {
            out += QStringLiteral("### %1\n\n| %2").arg(measureLabel(m), spec.axis->name);
            for (const PatternKind kind : patterns)
                out += u" | " + patternName(kind);
            out += QStringLiteral(" |\n| ---:");
            for (qsizetype i = 0; i < patterns.size(); ++i)
                out += QStringLiteral(" | ---:");
            out += QStringLiteral(" |\n");
            for (qsizetype at = 0; at < points.size(); at += patterns.size()) {
                out += u"| " + valueLabel(*this, points[at]);
                for (qsizetype k = 0; k < patterns.size() && at + k < points.size(); ++k)
                    out += u" | " + withInterval(points[at + k][m]);
                out += QStringLiteral(" |\n");
            }
            out += u'\n';
        }
        out += tr("%n seed(s) per point; mean ± half of the 95% confidence interval.\n", nullptr,
                  spec.seeds);
    }
    out += tr("Workload: %1 requests, %2 keys, %3, write ratio %4, %n client(s), first seed %5; "
              "every instance crashes halfway through.\n",
              nullptr, spec.workload.clients)
               .arg(spec.workload.requests)
               .arg(spec.workload.keys)
               .arg(spec.workload.distribution.toString())
               .arg(spec.workload.writeRatio)
               .arg(spec.workload.seed);
    if (cancelled)
        out += tr("Interrupted: the points after the last row are missing.\n");
    return out;
}

} // namespace cachelab
