#pragma once

// Runs cachelab-cli (CACHELAB_CLI, set by tests/CMakeLists.txt) as a user would and keeps
// what it said: shared by the tests that drive the command line.

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

struct CliRun
{
    bool finished = false; ///< ended by itself within the time-out
    bool crashed = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QString describe() const
    {
        return QStringLiteral("exit %1%2\n--- stdout ---\n%3\n--- stderr ---\n%4")
            .arg(exitCode)
            .arg(crashed     ? QStringLiteral(" (crashed)")
                 : !finished ? QStringLiteral(" (did not finish)")
                             : QString())
            .arg(QString::fromUtf8(out.left(4000)), QString::fromUtf8(err.left(4000)));
    }
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline CliRun runCli(const QStringList &arguments, int timeoutMs = 120'000)
{
    QProcess process;
    process.start(QString::fromUtf8(CACHELAB_CLI), arguments, QIODevice::ReadOnly);
    CliRun run;
    if (!process.waitForStarted(timeoutMs)) {
        run.err = process.errorString().toUtf8();
        return run;
    }
    run.finished = process.waitForFinished(timeoutMs);
    if (!run.finished) {
        process.kill();
        process.waitForFinished(timeoutMs);
    }
    run.crashed = process.exitStatus() == QProcess::CrashExit;
    run.exitCode = run.crashed ? -1 : process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

/// The run ended by itself, without crashing, with this exit status.
#define VERIFY_RUN(run, expectedExit)                                                              \
    QVERIFY2((run).finished && !(run).crashed && (run).exitCode == (expectedExit),                 \
             qPrintable((run).describe()))
