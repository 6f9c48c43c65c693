#pragma once

#include "distribution.h"

#include "../lab/lab.h"

#include <QJsonObject>

#include <functional>
#include <variant>

namespace cachelab {

/// How keys are drawn: uniformly, by Zipf's law with exponent s, or from a hot set (x% of
/// the keys get y% of the requests).
struct KeyDistribution
{
    enum class Kind { Uniform, Zipf, HotSet };
    Kind kind = Kind::Uniform;
    double exponent = 0.99;   ///< Zipf
    double hotKeys = 0.1;     ///< HotSet: share of keys that are hot (0..1)
    double hotRequests = 0.9; ///< HotSet: share of requests that go to them (0..1)

    /// "uniform", "zipf:0.99", "hot:10:90" (percentages).
    static std::variant<KeyDistribution, QString> parse(const QString &text);
    QString toString() const;
};

/// Draws key indexes 0..n-1 with a KeyDistribution; deterministic for a Random's seed.
class KeyChooser
{
public:
    KeyChooser(const KeyDistribution &distribution, int keys);
    int operator()(Random &random) const;

private:
    KeyDistribution m_distribution;
    int m_keys;
    int m_hot;
    std::optional<ZipfDistribution> m_zipf;
};

/// A stream of application requests: how many, how fast, what mix, which keys, from how
/// many clients. The same seed gives the same requests.
struct WorkloadSpec
{
    qint64 requests = 10'000;
    int keys = 1'000;
    KeyDistribution distribution;
    double writeRatio = 0.1;
    int clients = 1;
    double rate = 1'000; ///< requests per second of virtual time (Poisson arrivals)
    quint64 seed = 1;
    /// Every instance crashes (and restarts) when half the requests have been issued, so
    /// what a crash costs each pattern is measured too.
    bool crashHalfway = false;
    /// The run's scheduler event budget; 0: defaultMaxEvents(). A run that needs more stops
    /// with SimulationResult::error rather than report fewer requests than were asked.
    std::uint64_t maxEvents = 0;
    /// Generous: no pattern comes near 64 events a request.
    std::uint64_t defaultMaxEvents() const { return 64 * std::uint64_t(requests) + 10'000'000; }

    QJsonObject toJson() const;
};

/// The figures of one pattern under one workload.
struct SimulationResult
{
    PatternKind pattern = PatternKind::CacheAside;
    qint64 requests = 0;
    QMap<QString, qint64> metrics;
    double hitRatio = 0;
    TimeUs readP50 = 0, readP95 = 0, readP99 = 0;
    TimeUs writeP50 = 0, writeP95 = 0, writeP99 = 0;
    TimeUs virtualTime = 0;
    quint64 events = 0; ///< scheduler events the run took (eager sleeps are not events)
    double wallSeconds = 0;
    double opsPerSecond = 0;
    bool cancelled = false; ///< stopped on request: the figures are those measured so far
    /// Set when the run could not do what was asked (its event budget ran out): the figures
    /// are not those of the workload and must not be reported as such.
    QString error;

    /// The JSON of `cachelab-cli simulate --json`.
    QJsonObject toJson() const;
};

/// A LabConfig whose database is the hash table (see simulate()). simulate() also runs its
/// scheduler in eager mode (Scheduler::setEager) unless `eager` is false: same results, faster.
inline LabConfig simulationConfig()
{
    LabConfig c;
    c.databasePath = kHashTableDatabase;
    return c;
}

/// Called now and then with the share of requests issued (0..1); return false to cancel.
using Progress = std::function<bool(double)>;

/// Runs `workload` through `pattern` on a fresh lab, tracing off, as fast as the CPU allows.
/// The lab uses `base`'s store and database; its default database here is the hash table
/// (kHashTableDatabase): the figures are the same as with SQLite, the wall time is not.
SimulationResult simulate(PatternKind pattern, const PatternOptions &options,
                          const WorkloadSpec &workload, LabConfig base = simulationConfig(),
                          const Progress &progress = {}, bool eager = true);

/// Drives `workload` on an existing lab from now on: open-loop arrivals, settles at the end.
/// Used by simulate() and by the GUI's workload panel (which runs it in real time).
class WorkloadDriver
{
public:
    WorkloadDriver(Lab &lab, WorkloadSpec workload);
    /// Starts issuing requests (a coroutine on the lab's scheduler).
    void start();
    /// Stops issuing new requests; those in flight finish.
    void stop() { m_stopped = true; }
    bool running() const { return m_running; }
    qint64 issued() const { return m_issued; }
    const WorkloadSpec &spec() const { return m_spec; }
    /// The keys requests go to: Lab::seedKey(1) … seedKey(spec().keys).
    const std::vector<QString> &keyNames() const { return m_keyNames; }

    /// Told of every request just before it is issued, at the lab's current time (the GUI
    /// writes them into the session it records). Unset by default: simulate() pays one test.
    using IssueListener = std::function<void(Operation::Kind kind, int client, const QString &key,
                                             const QByteArray &value)>;
    void setIssueListener(IssueListener listener) { m_issueListener = std::move(listener); }
    /// Issue each request only once everything else due at its instant has run, as a scenario
    /// begins its commands (off by default: simulate() keeps its order and speed). The GUI sets
    /// it, so that the session it records (commands at virtual times) replays message for
    /// message: without it, a request that falls on the very microsecond of another message
    /// would go first live and second in the replay.
    void setIssueAfterInstant(bool on) { m_issueAfterInstant = on; }

private:
    Task<void> run();
    TimeUs nextGap();

    Lab &m_lab;
    WorkloadSpec m_spec;
    KeyChooser m_keys;
    Random m_random;
    std::vector<QString> m_keyNames;
    IssueListener m_issueListener;
    bool m_issueAfterInstant = false;
    qint64 m_issued = 0;
    bool m_stopped = false;
    bool m_running = false;
};

} // namespace cachelab
