#pragma once

#include <QStringList>
#include <QTextStream>

namespace cachelab::cli {

/// Exit statuses of the contract in SCENARIOS.md.
enum ExitCode { Passed = 0, ExpectationsFailed = 1, InvalidInput = 2 };

/// `cachelab-cli run FILE [--json] [--mermaid OUT] [--trace OUT] [--db PATH]`.
int run(const QStringList &arguments, QTextStream &out, QTextStream &err);

/// `cachelab-cli simulate --pattern P [--option k=v …] --requests N --keys K --dist D
/// --write-ratio R --clients C --seed S [--rate R] [--crash-halfway] [--json]`.
int simulate(const QStringList &arguments, QTextStream &out, QTextStream &err);

/// `cachelab-cli compare` with the workload flags of simulate and `--json|--csv|--markdown`.
int compare(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace cachelab::cli
