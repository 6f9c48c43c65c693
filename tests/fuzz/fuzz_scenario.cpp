// Scenario files: the parser, then the runner on whatever the parser accepts.

#include "fuzzsupport.h"

#include <scenario/runner.h>

using namespace cachelab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    auto parsed = scenario::parse(fuzz::text(data, size), QStringLiteral("fuzz.cls"));
    if (auto *s = std::get_if<scenario::Scenario>(&parsed)) {
        try {
            scenario::Runner runner(std::move(*s), {}, {}, fuzz::boundedLab());
            runner.run();
        } catch (const Error &) {
            // A lab that cannot be opened says so; that is an answer, not a crash.
        }
    }
    return 0;
}
