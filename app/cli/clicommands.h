#pragma once

#include <QCoreApplication>
#include <scenario/runner.h>

#include <QStringList>
#include <QTextStream>

class QCommandLineParser;

namespace cachelab::cli {

/// The context of the tool's own messages (free functions have no tr() of their own).
struct Cli
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

/// Exit statuses of the contract in SCENARIOS.md.
enum ExitCode { Passed = 0, ExpectationsFailed = 1, InvalidInput = 2 };

/// `cachelab-cli run FILE [--json] [--mermaid OUT] [--trace OUT] [--db URL]`.
int run(const QStringList &arguments, QTextStream &out, QTextStream &err);

/// `cachelab-cli lesson FILE [--answers FILE.json] [--json]` (LESSONS.md).
int lesson(const QStringList &arguments, QTextStream &out, QTextStream &err);

/// A command's --help: Qt's help text, with the usage line naming `cachelab-cli COMMAND`
/// instead of the path the program was started by.
QString commandHelp(const QCommandLineParser &parser, const char *command);

/// What `run` writes besides its summary.
struct RunOutputs
{
    bool json = false;
    QString mermaid; ///< a path, or empty
    QString trace;   ///< a path, or empty
};

/// Writes a finished run's files and summary as `run` does; returns the exit status.
int reportRun(const scenario::RunResult &result, Lab &lab, const QString &file,
              const RunOutputs &outputs, QTextStream &out, QTextStream &err);

/// `run` on a lesson: predictions and says skipped, each task run with its solution.
int runLesson(const QString &path, const LabConfig &base, const RunOutputs &outputs,
              QTextStream &out, QTextStream &err);

/// `cachelab-cli simulate --pattern P [--option k=v …] --requests N --keys K --dist D
/// --write-ratio R --clients C --seed S [--rate R] [--crash-halfway] [--json]`.
int simulate(const QStringList &arguments, QTextStream &out, QTextStream &err);

/// `cachelab-cli compare` with the workload flags of simulate, `--seeds N --jobs J` and
/// `--json|--csv|--markdown`.
int compare(const QStringList &arguments, QTextStream &out, QTextStream &err);

/// `cachelab-cli sweep --vary NAME=… [--pattern P|all …] [--option k=v …] [--seeds N]
/// [--jobs J]` with the workload flags of simulate and `--json|--csv|--markdown`.
int sweep(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace cachelab::cli
