#pragma once

#include "clock.h"

#include <QString>
#include <QStringView>

#include <optional>

namespace cachelab {

/// Parses "500us", "5ms", "2s", "3m", "1h" (an integer and a unit). nullopt if malformed.
std::optional<TimeUs> parseDuration(QStringView text);

/// Formats a duration the way a person writes it: "1h", "30s", "1.5s", "250ms", "40us".
QString formatDuration(TimeUs us);

} // namespace cachelab
