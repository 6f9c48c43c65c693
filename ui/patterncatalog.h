#pragma once

#include <patterns/options.h>

#include <QString>

namespace cachelab::ui {

/// What the app tells a person about a pattern, in its own words.
struct PatternText
{
    QString title;     ///< "Cache-aside"
    QString summary;   ///< how it works, two or three sentences
    QString tradeOffs; ///< what it costs and what can go wrong
    QString whenToUse; ///< where it fits
};

PatternText patternText(PatternKind kind);
/// The pattern in a word or two, for table rows and chart axes: "Around", "Circuit breaker".
QString shortPatternName(PatternKind kind);

} // namespace cachelab::ui
