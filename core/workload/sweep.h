#pragma once

#include "workload.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <array>
#include <functional>
#include <optional>
#include <variant>

namespace cachelab {

/// A mean with its 95% confidence interval (Student's t over the seeds).
struct Estimate
{
    double mean = 0;
    double halfWidth = 0; ///< 0 with a single sample: nothing is known about the spread
    int samples = 0;

    double low() const { return mean - halfWidth; }
    double high() const { return mean + halfWidth; }
    /// True when the two intervals overlap: the difference is not significant.
    bool overlaps(const Estimate &other) const
    {
        return low() <= other.high() && other.low() <= high();
    }
};
Estimate estimate(const std::vector<double> &samples);

/// What a sweep reports for every point.
enum class Measure {
    HitRatio,
    StaleReadRate,
    DbReadsPer1k,
    DbWritesPer1k,
    ReadP50,
    ReadP99,
    WriteP50,
    WriteP99,
    LostWrites,
};
inline constexpr Measure kAllMeasures[] = {
    Measure::HitRatio,      Measure::StaleReadRate, Measure::DbReadsPer1k,
    Measure::DbWritesPer1k, Measure::ReadP50,       Measure::ReadP99,
    Measure::WriteP50,      Measure::WriteP99,      Measure::LostWrites,
};
inline constexpr int kMeasureCount = int(std::size(kAllMeasures));

/// "hit_ratio", "stale_read_rate", "db_reads_per_1k", … (JSON and CSV), and back.
QString measureKey(Measure m);
std::optional<Measure> measureFromKey(QStringView key);
/// "hit ratio", "read p99 (ms)", … for people.
QString measureLabel(Measure m);
/// Whether a smaller figure is the better one (latency, stale reads, database load).
bool lowerIsBetter(Measure m);
/// The figure of one run: ratios as fractions, latencies in milliseconds.
double measureOf(const SimulationResult &r, Measure m);

/// The setting a sweep varies and the values it takes, in order.
struct SweepAxis
{
    QString name; ///< a pattern option ("ttl"), a workload field ("write-ratio") or "latency.db"
    QStringList values; ///< as a scenario writes them ("1000000us", "0.25", "100")
    QStringList labels; ///< for people ("1s", "0.25", "100")
    bool logarithmic = false;

    /// "ttl=1s,10s,1m", or a range: "ttl=1s..1h:12log", "write-ratio=0..0.5:6" (N points,
    /// evenly or logarithmically spaced, whole numbers where the setting takes them).
    static std::variant<SweepAxis, QString> parse(const QString &text);

    Q_DECLARE_TR_FUNCTIONS(SweepAxis)
};

/// What one run of a sweep is: a pattern with its options, the workload and the lab setup.
struct SweepRun
{
    PatternKind pattern = PatternKind::CacheAside;
    PatternOptions options;
    WorkloadSpec workload;
    LabConfig config;
};

/// Every run of a sweep: each pattern at each axis value, for each seed.
struct SweepSpec
{
    QList<PatternKind> patterns;
    QMap<QString, QString> options; ///< fixed pattern options, applied where a pattern has them
    std::optional<SweepAxis> axis;  ///< none: one point per pattern (`compare --seeds`)
    WorkloadSpec workload;          ///< its seed is the first; seeds follow it
    int seeds = 3;
    int jobs = 0; ///< worker threads; 0: one per core. The results do not depend on it.
    LabConfig base = simulationConfig();

    /// The patterns that take part: those that have the axis's option (all of them when the
    /// axis is a workload field or a latency).
    QList<PatternKind> participants() const;
    /// Why the sweep cannot run (an option or axis no pattern has, a malformed value), or
    /// nothing. Checked before anything runs.
    std::optional<QString> validate() const;
    /// The run of `pattern` at axis value `point` with the `seed`-th seed (from 0), or why
    /// a value does not fit the pattern. The GUI opens a clicked point's run in the lab.
    std::variant<SweepRun, QString> run(PatternKind pattern, int point, int seed = 0) const;

    Q_DECLARE_TR_FUNCTIONS(SweepSpec)
};

/// One pattern at one axis value, over every seed.
struct SweepPoint
{
    int index = 0; ///< the axis value's position (0 without an axis)
    PatternKind pattern = PatternKind::CacheAside;
    std::array<Estimate, kMeasureCount> measures{};

    const Estimate &operator[](Measure m) const { return measures[std::size_t(m)]; }
};

struct SweepResult
{
    SweepSpec spec;
    QList<SweepPoint> points; ///< axis value by axis value, patterns in spec order
    bool cancelled = false;   ///< stopped on request: the points after the last are missing
    QString error;            ///< a run could not do what was asked: no figures
    double wallSeconds = 0;

    QJsonObject toJson() const;
    QString toCsv() const;
    QString toMarkdown() const;

    Q_DECLARE_TR_FUNCTIONS(SweepResult)
};

/// Runs every run of `spec` on spec.jobs threads, each run a fresh lab with tracing off.
/// `progress` (on the calling thread) gets the share of runs done and may cancel; `onPoint`
/// gets each point as soon as its runs are done, in order, so a long sweep can be shown (or
/// written out) while it runs. Only the runs of unfinished points are kept in memory.
SweepResult sweep(const SweepSpec &spec, const Progress &progress = {},
                  const std::function<void(const SweepPoint &)> &onPoint = {});

} // namespace cachelab
