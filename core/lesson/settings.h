#pragma once

#include "lesson.h"

#include <optional>

namespace cachelab::lesson {

/// Reads one SETTING (`single-flight=on ttl=5s`, `latency db-read=20ms`, `clients 3`,
/// `pattern write-through`), checking its shape; option values are checked by applySettings,
/// against the pattern then in effect. Returns a message for people when it cannot be read.
std::optional<QString> parseSetting(QStringView text, Setting &setting);

/// Whether `allow` lets a learner make `setting`; a message naming what is not allowed.
std::optional<QString> checkAllowed(const Setting &setting, const Allowance &allow);

/// Applies settings to a scenario's setup: every `pattern` setting first, then the others in
/// order (so `solution pattern write-behind` and `solution batch=5` add up either way round).
/// Fails, leaving `scenario` as it was, when the pattern then in effect has no such option or
/// the commands use a client that `clients N` would remove.
std::optional<QString> applySettings(scenario::Scenario &scenario, const QList<Setting> &settings);

} // namespace cachelab::lesson
