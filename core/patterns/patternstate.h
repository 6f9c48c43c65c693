#pragma once

#include "pattern.h"

#include <QList>

#include <optional>

namespace cachelab {

/// What one application instance shows the state panels. A part the pattern does not have
/// is absent (nullopt), so a view shows exactly the panels the pattern has without asking
/// which pattern it is.
struct PatternState
{
    std::optional<QList<QueuedWrite>> writeQueue;   ///< write-behind
    TimeUs nextFlushAt = -1;                        ///< write-behind: the next timed flush
    std::optional<QList<RefreshItem>> refreshQueue; ///< refresh-ahead
    std::optional<QList<L1Item>> l1;                ///< multi-level
    std::optional<BreakerStatus> breaker;           ///< circuit-breaker
};

} // namespace cachelab
