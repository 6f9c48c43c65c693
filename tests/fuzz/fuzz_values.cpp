// The small languages of the command line: Redis URLs, durations, key distributions, option
// lists and sweep ranges.

#include "fuzzsupport.h"

#include <patterns/options.h>
#include <store/redisurl.h>
#include <time/duration.h>
#include <workload/sweep.h>

using namespace cachelab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString input = fuzz::text(data, size);
    (void)parseRedisUrl(input);
    if (const auto d = parseDuration(input))
        (void)formatDuration(*d);
    else
        (void)durationError(input);
    (void)KeyDistribution::parse(input);
    auto axis = SweepAxis::parse(input);
    if (auto *a = std::get_if<SweepAxis>(&axis)) {
        SweepSpec spec;
        spec.patterns = QList<PatternKind>(std::begin(kAllPatterns), std::end(kAllPatterns));
        spec.axis = *a;
        (void)spec.validate();
    }
    for (const PatternKind kind : kAllPatterns) {
        PatternOptions options;
        (void)applyOptionList(options, kind, input);
    }
    return 0;
}
