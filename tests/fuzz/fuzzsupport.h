#pragma once

// What every fuzz target shares: the bytes as text, and a lab that cannot run for long.

#include <lab/lab.h>

#include <QString>

#include <cstddef>
#include <cstdint>

namespace cachelab::fuzz {

inline QString text(const std::uint8_t *data, std::size_t size)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
}

/// The hash-table database and a small event budget: a fuzzed file runs in milliseconds, and
/// a run that wants more stops with the budget's message, as it would for a user.
inline LabConfig boundedLab()
{
    LabConfig config;
    config.databasePath = kHashTableDatabase;
    config.maxEvents = 200'000;
    config.traceCapacity = 2'000;
    return config;
}

} // namespace cachelab::fuzz
