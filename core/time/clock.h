#pragma once

#include <QtGlobal>

#include <limits>

namespace cachelab {

/// Microseconds of virtual time since the start of a run.
using TimeUs = qint64;

inline constexpr TimeUs kMillisecond = 1000;
inline constexpr TimeUs kSecond = 1000 * kMillisecond;
inline constexpr TimeUs kYear = 365 * 24 * 3600 * kSecond;

/// The longest duration accepted anywhere (scenario, option, latency, session): 100 years.
inline constexpr TimeUs kMaxDuration = 100 * kYear;
/// Virtual time never passes this (about 73,000 years). Any time up to it plus any accepted
/// duration still fits in 64 bits, so sums of a time and a duration cannot overflow.
inline constexpr TimeUs kEndOfTime = std::numeric_limits<TimeUs>::max() / 4;
static_assert(kEndOfTime + 4 * kMaxDuration > kEndOfTime);

/// `t + d`, never past kEndOfTime (and never before 0 for a non-negative `t`).
constexpr TimeUs later(TimeUs t, TimeUs d) noexcept
{
    if (d >= kEndOfTime - t)
        return kEndOfTime;
    return t + d;
}

/// Where "now" comes from. The scheduler owns the only clock that moves.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual TimeUs now() const = 0;
};

/// A clock that only moves when the scheduler advances it: the heart of virtual time.
class SimClock final : public Clock
{
public:
    TimeUs now() const override { return m_now; }
    void advanceTo(TimeUs t) { m_now = t; }

private:
    TimeUs m_now = 0;
};

} // namespace cachelab
