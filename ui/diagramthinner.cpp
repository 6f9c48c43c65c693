#include "diagramthinner.h"

#include <cmath>

namespace cachelab::ui {

namespace {

// The rate is measured over this much wall time.
constexpr double kWindowWallSeconds = 2.0;
// Thinning stops only when the rate falls clearly below the readable one (no flicker).
constexpr double kStopRate = DiagramThinner::kReadableRate * 0.75;
// Operations that never finish (their instance crashed) are forgotten past this many.
constexpr qsizetype kMaxTracked = 20'000;
// Times kept for the rate, should update() not be called for a long while.
constexpr std::size_t kMaxTimes = 200'000;

int niceAtLeast(double n)
{
    int nice = 1;
    for (int decade = 1; decade <= 100'000'000; decade *= 10) {
        for (const int m : {1, 2, 5}) {
            nice = m * decade;
            if (nice >= n)
                return nice;
        }
    }
    return nice;
}

bool isRed(const TraceEvent &e)
{
    return e.flags & (Stale | Lost | Dirty | Failure);
}

bool finishes(const TraceEvent &e)
{
    return e.from == e.to && e.from.role == Role::App && e.kind == EventKind::Return;
}

} // namespace

void DiagramThinner::reset()
{
    *this = DiagramThinner();
}

bool DiagramThinner::accept(const TraceEvent &e)
{
    m_times.push_back(e.time);
    if (m_times.size() > kMaxTimes)
        m_times.pop_front(); // update() has not been called for a long while
    m_maxOperation = std::max(m_maxOperation, e.opId);
    const bool draw = decide(e);
    if (e.opId != 0 && finishes(e))
        m_drawn.remove(e.opId);
    if (!draw)
        ++m_skipped;
    return draw;
}

bool DiagramThinner::decide(const TraceEvent &e)
{
    if (m_keepOneIn <= 1 && m_drawn.isEmpty())
        return true;
    const bool ofOperation = e.opId != 0 && !(e.flags & Background);
    if (ofOperation) {
        auto it = m_drawn.find(e.opId);
        if (it == m_drawn.end()) {
            if (m_drawn.size() >= kMaxTracked)
                m_drawn.clear();
            // An operation that began before thinning did is drawn to its end.
            const bool draw = e.opId <= m_unthinnedUpTo ||
                              m_operations++ % quint64(std::max(1, m_keepOneIn)) == 0;
            it = m_drawn.insert(e.opId, draw);
        }
        if (*it)
            return true;
        if (!isRed(e))
            return false;
    } else if (m_keepOneIn <= 1) {
        return true;
    }
    // Red messages of operations not drawn, and background work: within their own budget,
    // refilled in wall time.
    const double wallSeconds = double(std::max<TimeUs>(0, e.time - m_tokensAt)) / double(kSecond) /
                               std::max(m_speed, 1e-6);
    m_tokens = std::min(kExtraRate, m_tokens + wallSeconds * kExtraRate);
    m_tokensAt = std::max(m_tokensAt, e.time);
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

void DiagramThinner::update(TimeUs now, double speed, bool allowed)
{
    m_speed = std::max(speed, 1e-6);
    const TimeUs window = std::max<TimeUs>(1, TimeUs(kWindowWallSeconds * m_speed * kSecond));
    while (!m_times.empty() && m_times.front() <= now - window)
        m_times.pop_front();
    m_rate = double(m_times.size()) / kWindowWallSeconds;
    int keep = 1;
    if (m_rate > kReadableRate || (thinning() && m_rate > kStopRate))
        keep = niceAtLeast(m_rate / kReadableRate);
    if (keep > 1 && !thinning() && !allowed)
        keep = 1; // never starts without a workload
    if (keep > 1 && !thinning()) {
        m_skipped = 0;
        m_unthinnedUpTo = m_maxOperation;
        m_tokensAt = now;
        m_tokens = kExtraRate;
    }
    m_keepOneIn = keep;
}

} // namespace cachelab::ui
