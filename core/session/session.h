#pragma once

#include "../lab/lab.h"
#include "../scenario/runner.h"

#include <QCoreApplication>

#include <memory>
#include <variant>

namespace cachelab {

/// A recorded session: the lab's setup and what was done to it, written as a scenario whose
/// commands are spaced by `wait`s at their virtual times, and the trace it produced. Virtual
/// time is deterministic, so replaying the scenario to any moment rebuilds every panel exactly
/// as it was; the stored trace is what the session showed (and what a replay must match).
struct Session
{
    QString scenario;
    int clients = 1;
    QList<TraceEvent> trace;
    TimeUs duration = 0;

    Q_DECLARE_TR_FUNCTIONS(Session)
};

/// Writes what happens to a lab as scenario lines, with their virtual times.
class SessionRecorder
{
public:
    /// Starts a session for a lab made from `config` (its setup lines are written at once).
    explicit SessionRecorder(const LabConfig &config);

    /// Records one scenario command (without "as X", which `client` adds) issued at `at`.
    void record(TimeUs at, int client, const QString &command);
    QString scenarioText() const { return m_lines.join(u'\n') + u'\n'; }

    /// The session so far, with the lab's trace and current time.
    Session session(Lab &lab) const;

private:
    QStringList m_lines;
    TimeUs m_last = 0;
    int m_clients = 1;
};

QByteArray sessionToJson(const Session &session);
/// Reads a saved session. A damaged or foreign file gives a message that says what is wrong
/// and where, and nothing else.
std::variant<Session, QString> sessionFromJson(const QByteArray &bytes);

/// Replays a session like a video: seek() to any virtual time, forwards or back.
class SessionPlayer
{
public:
    /// The session's scenario must parse; sessionFromJson() has checked that.
    explicit SessionPlayer(Session session);

    const Session &session() const { return m_session; }
    TimeUs duration() const { return m_session.duration; }
    /// Brings the lab to virtual time `t` (0..duration), rebuilding it when going back.
    void seek(TimeUs t);
    TimeUs position() const;
    Lab &lab() { return m_runner->lab(); }

private:
    void restart();

    Session m_session;
    scenario::Scenario m_scenario;
    std::unique_ptr<scenario::Runner> m_runner;
};

} // namespace cachelab
