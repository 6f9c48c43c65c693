#pragma once

#include <QtGlobal>

namespace cachelab {

/// Microseconds of virtual time since the start of a run.
using TimeUs = qint64;

inline constexpr TimeUs kMillisecond = 1000;
inline constexpr TimeUs kSecond = 1000 * kMillisecond;

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
