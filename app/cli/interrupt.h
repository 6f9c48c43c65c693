#pragma once

#include <QString>

#include <functional>

namespace cachelab::cli {

/// Exit status of a long run stopped by Ctrl-C (SIGINT), as shells report 128 + SIGINT.
inline constexpr int kInterrupted = 130;

/// From now on SIGINT no longer kills the process: it sets a flag that long runs poll, so
/// that they stop at once and print what they measured so far.
void catchInterrupts();
bool interrupted();

/// A progress callback for core's long runs: returns false once Ctrl-C was pressed, and when
/// standard error is a terminal shows "`what`: 42%" there, redrawn at most five times a second
/// (nothing when the output goes to a file or a pipe).
std::function<bool(double)> terminalProgress(const QString &what);
/// Clears the progress line, if one was drawn.
void endProgress();

} // namespace cachelab::cli
