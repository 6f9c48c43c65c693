#pragma once

#include <patterns/options.h>
#include <trace/traceevent.h>

#include <QList>
#include <QString>

namespace cachelab::ui {

/// A span of virtual time for a countdown or an age, rounded for reading at a glance:
/// "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min".
QString formatSpan(TimeUs us);
/// A point in virtual time: "t = 10.103 s".
QString formatClock(TimeUs us);
/// A database version as a person reads it: "v3".
QString versionText(qint64 version);
/// The lifelines a pattern draws, in the order of caching-patterns.md's diagrams.
QList<Participant> participantsFor(PatternKind pattern, int clients,
                                   const PatternOptions &options = {});

} // namespace cachelab::ui
