#pragma once

#include "clock.h"

#include <QString>
#include <QStringView>

#include <optional>

namespace cachelab {

/// Parses "500us", "5ms", "2s", "3m", "1h" (an integer and a unit), up to kMaxDuration
/// (100 years). nullopt if malformed or longer.
std::optional<TimeUs> parseDuration(QStringView text);
/// Why parseDuration() refused `text`, for people: malformed, or longer than 100 years.
QString durationError(QStringView text);

/// Formats a duration exactly, in the largest unit that divides it: "1h", "30s", "250ms",
/// "40us"; otherwise milliseconds with the decimals needed ("1500ms", "29999.5ms").
QString formatDuration(TimeUs us);

} // namespace cachelab
