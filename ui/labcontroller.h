#pragma once

#include "sessionlog.h"

#include <lab/lab.h>
#include <scenario/runner.h>
#include <workload/workload.h>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <set>

namespace cachelab::ui {

/// Drives one Lab for the GUI: owns it (directly, or through a scenario Runner), moves virtual
/// time with the wall clock (virtual = wall × speed, one advance per frame), plays a scenario
/// command by command exactly as the headless runner would, and turns core's callbacks into Qt
/// signals. Panels repaint on stateChanged(), emitted at most once per frame.
class LabController final : public QObject
{
    Q_OBJECT

public:
    explicit LabController(QObject *parent = nullptr);
    ~LabController() override;

    /// Backend, database file and latencies for the labs started from now on.
    void setBaseConfig(const LabConfig &config) { m_base = config; }
    const LabConfig &baseConfig() const { return m_base; }

    /// A free lab the user drives by hand. Returns an error message for people, or nothing.
    std::optional<QString> startLab(PatternKind pattern, const PatternOptions &options,
                                    int clients);
    /// Parses and loads a scenario; playback starts paused at its first command.
    std::optional<QString> loadScenario(const QString &path);
    std::optional<QString> loadScenario(scenario::Scenario scenario);
    /// The same setup (scenario or free lab) from the beginning.
    std::optional<QString> restart();

    Lab *lab() { return m_lab; }
    const Lab *lab() const { return m_lab; }
    scenario::Runner *runner() { return m_runner.get(); }
    const scenario::Scenario *scenario() const;
    bool scenarioFinished() const;
    /// Index (0-based) of the command started last, -1 before the first.
    int commandIndex() const { return m_commandIndex; }
    QString fatalError() const { return m_fatal; }

    // --- playback -------------------------------------------------------------------------
    bool playing() const { return m_playing; }
    void setPlaying(bool playing);
    double speed() const { return m_speed; }
    /// 0.01×–10×; ignored (kept at 1×) while speedLocked().
    void setSpeed(double speed);
    /// A real Redis keeps real time, so virtual time cannot run faster or slower than the wall.
    bool speedLocked() const { return !m_base.store.embedded() || (m_lab && m_lab->realTime()); }
    /// Whether core paces a real-time lab against the wall clock by itself (headless playing,
    /// --screenshot). Off by default: the controller's frames pace it and pump its messages.
    void setPacedByCore(bool paced) { m_pacedByCore = paced; }
    /// Jump over stretches where no message travels and nothing happens (on by default).
    bool skipQuietTime() const { return m_skipQuiet; }
    void setSkipQuietTime(bool on) { m_skipQuiet = on; }

    /// Runs to the next moment the diagram changes: a message sent or a message arriving.
    void step();
    /// Lets `d` of virtual time pass at once, playing the scenario on the way (tests, benchmarks).
    void advanceBy(TimeUs d);
    /// Plays every remaining scenario command as fast as the CPU allows (the headless runner's
    /// way); with `untilLine` > 0, stops after the command on or before that line.
    void runToEnd(int untilLine = 0);
    TimeUs now() const { return m_lab ? m_lab->now() : 0; }
    /// When the last message recorded so far arrives (messages travel until then).
    TimeUs lastArrival() const { return m_lastArrival; }

    // --- the user's hands -------------------------------------------------------------------
    quint64 startOperation(Operation::Kind kind, int client, const QString &key,
                           const QByteArray &value = {});
    void setCacheFailing(bool failing);
    void setDatabaseFailing(bool failing);
    void crash(int client);
    void databasePut(const QString &key, const QByteArray &value);

    // --- a workload on the current lab ----------------------------------------------------
    /// Starts `spec` on the current lab from now on (seeding item:1 … item:N into the database
    /// first, as simulate() does) and lets time run. Returns a message for people, or nothing.
    std::optional<QString> startWorkload(const WorkloadSpec &spec);
    /// No new requests; those in flight finish.
    void stopWorkload();
    /// Issuing requests (not stopped, not done).
    bool workloadRunning() const
    {
        return m_workload && m_workload->running() && !m_workloadStopped;
    }
    /// The workload started last on this lab (running or not), or nullptr.
    const WorkloadDriver *workload() const { return m_workload.get(); }

    // --- the session: everything done to this lab, with its virtual times -----------------
    const SessionLog &sessionLog() const { return m_log; }
    /// Something was done to the lab (an operation, a fault, a database edit, a scenario
    /// played) since it started or since the session was last saved: closing would lose it.
    bool hasUnsavedWork() const { return m_unsaved; }
    void markSaved() { m_unsaved = false; }
    /// The session so far, ready for sessionToJson(), or why it cannot be saved.
    std::variant<Session, QString> session();

Q_SIGNALS:
    /// A new lab exists (new pattern, clients or scenario): panels and diagram start over.
    void labReset();
    void traceEvent(const cachelab::TraceEvent &event);
    void operationFinished(const cachelab::Operation &operation);
    void commandStarted(int index, const cachelab::scenario::Command &command);
    void expectationChecked(const cachelab::scenario::Command &command, bool held,
                            const QString &actual);
    void scenarioEnded(bool allHeld);
    /// Something in the lab changed; at most once per frame.
    void stateChanged();
    /// Virtual time moved (every frame while playing): countdowns and travelling messages.
    void timeAdvanced(qint64 now);
    void playingChanged(bool playing);
    void speedChanged(double speed);
    void quietTimeSkipped(qint64 from, qint64 to);
    void fatal(const QString &message);
    /// A workload started, was stopped, or issued its last request.
    void workloadChanged();

private:
    std::optional<QString> adopt(std::unique_ptr<scenario::Runner> runner,
                                 std::unique_ptr<Lab> lab);
    void connectLab();
    void noteEvent(const TraceEvent &e);
    void tick();
    void runTo(TimeUs target);
    bool canBeginNext() const;
    void beginCommand();
    bool waitingOnWait() const;
    TimeUs nextArrival() const;
    TimeUs nextQuietEnd() const;
    void endFrame();

    LabConfig m_base;
    std::unique_ptr<scenario::Runner> m_runner;
    std::unique_ptr<Lab> m_ownLab;
    Lab *m_lab = nullptr;
    // what restart() repeats
    std::optional<scenario::Scenario> m_scenario;
    PatternKind m_pattern = PatternKind::CacheAside;
    PatternOptions m_options;
    int m_clients = 1;

    QTimer m_timer;
    QElapsedTimer m_wall;
    qint64 m_lastTickNs = 0;
    bool m_playing = false;
    double m_speed = 0.05;
    bool m_skipQuiet = true;
    bool m_pacedByCore = false;
    bool m_dirty = false;
    bool m_unsaved = false;
    bool m_ended = false;
    bool m_stoppedAtEnd = false;
    TimeUs m_lastEmittedTime = -1;
    TimeUs m_waitUntil = -1;
    TimeUs m_lastArrival = 0;
    std::multiset<TimeUs> m_arrivals; // of messages still travelling
    int m_commandIndex = -1;
    QString m_fatal;

    SessionLog m_log;
    std::unique_ptr<WorkloadDriver> m_workload;
    // Stopped drivers whose coroutine has not yet noticed: they must outlive it.
    std::vector<std::unique_ptr<WorkloadDriver>> m_stoppedWorkloads;
    bool m_workloadWasRunning = false;
    bool m_workloadStopped = false;
    int m_seededKeys = 0;
};

} // namespace cachelab::ui
