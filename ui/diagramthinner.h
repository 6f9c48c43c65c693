#pragma once

#include <trace/traceevent.h>

#include <QHash>

#include <deque>

namespace cachelab::ui {

/// Decides which messages the diagram draws when a workload sends more than a person can read.
///
/// What is kept, and why: whole operations, one in N, chosen when an operation sends its first
/// message. A random sample of single messages would draw calls without their replies and
/// replies without their calls, and the diagram would stop being true; a sampled operation is
/// drawn from its first message to its result, so every drawn story is complete. Red messages
/// (stale reads, lost writes, failures) and background work (flushes, refreshes, notes such as a
/// crash) are drawn even when their operation is not — they are what a student looks for under
/// load — within a budget of their own, so that a storm of failures cannot flood the diagram
/// either. N is chosen so that about kReadableRate messages a second of wall time are drawn,
/// from the rate measured over the last two seconds of wall time at the current speed, and
/// rounded to 2, 5, 10, 20, 50… so that the banner that says so does not flicker.
///
/// Thinning is only ever switched on while a workload runs: a scenario or a burst by hand is
/// short and deliberate, and every one of its messages is the lesson.
class DiagramThinner final
{
public:
    /// Messages per second of wall time that a person can still follow.
    static constexpr double kReadableRate = 20.0;
    /// Red and background messages of operations that are not drawn, per wall second.
    static constexpr double kExtraRate = 6.0;

    void reset();
    /// Counts `e` for the rate and says whether the diagram draws it.
    bool accept(const TraceEvent &e);
    /// Once per frame: measures the rate at `now` for `speed` (virtual per wall time) and picks
    /// how much to keep. `allowed`: a workload is running (thinning may start).
    void update(TimeUs now, double speed, bool allowed);

    bool thinning() const { return m_keepOneIn > 1; }
    /// One operation in this many is drawn (1: every message).
    int keepOneIn() const { return m_keepOneIn; }
    /// Messages per second of wall time at the speed of the last update().
    double rate() const { return m_rate; }
    /// Messages not drawn since thinning last started.
    qint64 skipped() const { return m_skipped; }

private:
    bool decide(const TraceEvent &e);

    std::deque<TimeUs> m_times;   // of recent messages, in virtual time
    QHash<quint64, bool> m_drawn; // operation id → drawn, while the operation runs
    quint64 m_operations = 0;     // operations seen while thinning, for one-in-N
    quint64 m_maxOperation = 0;   // the newest operation id seen
    quint64 m_unthinnedUpTo = 0;  // operations up to this id began before thinning did
    int m_keepOneIn = 1;
    double m_rate = 0;
    double m_speed = 1;
    double m_tokens = kExtraRate;
    TimeUs m_tokensAt = 0;
    qint64 m_skipped = 0;
};

} // namespace cachelab::ui
