#pragma once

#include "scenario.h"

#include "../lab/lab.h"

#include <QMap>

namespace cachelab::scenario {

/// How far a TTL read from a real server may be from the expected one (see Runner::check).
inline constexpr TimeUs kRealTimeTolerance = 50 * kMillisecond;

/// An expectation that did not hold.
struct Failure
{
    int line = 0;
    QString text;   ///< what was expected, as written after "expect"
    QString actual; ///< what was found instead
};

/// The outcome of a whole run, as `cachelab-cli run` reports it.
struct RunResult
{
    int passed = 0;
    QList<Failure> failures;
    QMap<QString, qint64> metrics; ///< every counter, summed over clients
    TimeUs virtualTime = 0;
    QString fatal; ///< set when the run could not go on (the database file became unusable…)
    /// Failed calls to the cache or the database while no `fail` was in force: the lab's
    /// parts failed by themselves (a full disk, a locked file, a Redis out of memory).
    qint64 unrequestedErrors = 0;
    QString unrequestedError; ///< "FILE:LINE: …" with the first such failure's own words
    bool ok() const { return failures.isEmpty() && fatal.isEmpty() && unrequestedErrors == 0; }
};

/// Plays a scenario on a Lab, one command at a time. Headless callers use run(); the GUI
/// calls beginNext() and lets the scheduler move with the wall clock while waiting() is true,
/// so the same file plays at any speed and gives the same trace.
class Runner
{
public:
    explicit Runner(Scenario scenario, std::unique_ptr<CacheStore> store = {},
                    std::unique_ptr<Database> db = {}, LabConfig base = {});

    Lab &lab() { return *m_lab; }
    const Scenario &scenario() const { return m_scenario; }

    bool finished() const { return m_next >= m_scenario.commands.size(); }
    /// The command started last (nullptr before the first).
    const Command *current() const;
    /// Starts the next command; expectations are checked here, at once.
    void beginNext();
    /// True while the current command still needs virtual time to pass.
    bool waiting() const;
    /// Lets virtual time pass until the current command is done.
    void finishCurrent();
    /// Lets virtual time pass until the current command is done or time `t` is reached.
    void advanceTowards(TimeUs t);

    /// Runs every remaining command.
    RunResult run();
    RunResult result() const;

    /// Called after each expectation with the failure, if it failed (for the GUI).
    void
    setExpectationListener(std::function<void(const Command &, const std::optional<Failure> &)> l)
    {
        m_expectationListener = std::move(l);
    }

private:
    std::optional<Failure> check(const Command &command);
    /// Attributes the errors since the last call to the `fail` state in force meanwhile, and
    /// the budget's end to the command that ran out of it.
    void account();
    void execute(const Command &command);

    Scenario m_scenario;
    std::unique_ptr<Lab> m_lab;
    qsizetype m_next = 0;
    quint64 m_waitingFor = 0; // operation id
    TimeUs m_waitUntil = -1;
    bool m_settling = false;
    int m_passed = 0;
    QList<Failure> m_failures;
    QString m_fatal;
    qint64 m_errorsSeen = 0;
    qint64 m_unrequestedErrors = 0;
    QString m_unrequestedError;
    std::function<void(const Command &, const std::optional<Failure> &)> m_expectationListener;
};

} // namespace cachelab::scenario
