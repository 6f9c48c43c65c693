#pragma once

#include <QStringList>
#include <QTextStream>

namespace cachelab::cli {

/// Exit statuses of the contract in SCENARIOS.md.
enum ExitCode { Passed = 0, ExpectationsFailed = 1, InvalidInput = 2 };

/// `cachelab-cli run FILE [--json] [--mermaid OUT] [--trace OUT] [--db PATH]`.
int run(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace cachelab::cli
