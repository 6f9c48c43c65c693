// Lesson files: the parser, then a headless play (every task checked with its solution and
// untouched) of whatever the parser accepts.

#include "fuzzsupport.h"

#include <lesson/lesson.h>
#include <lesson/play.h>

using namespace cachelab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    auto parsed = lesson::parse(fuzz::text(data, size), QStringLiteral("fuzz.cls"));
    if (auto *l = std::get_if<lesson::Lesson>(&parsed)) {
        try {
            lesson::play(*l, std::nullopt, fuzz::boundedLab());
        } catch (const Error &) {
        }
    }
    return 0;
}
