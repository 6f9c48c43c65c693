#pragma once

#include "workload.h"

namespace cachelab {

/// What the source material's comparison table says of a pattern, in its own words
/// ("Medium (miss penalty)", "Eventual"); empty where it does not rate the pattern.
struct TextbookRating
{
    QString readLatency;
    QString writeLatency;
    QString consistency;
    QString complexity;
};
TextbookRating textbookRating(PatternKind kind);

/// One workload through every pattern, each on a fresh lab, every instance crashing halfway
/// through so that what a crash costs is measured too.
struct Comparison
{
    WorkloadSpec workload;
    QList<SimulationResult> results;
    bool cancelled = false; ///< the last result is partial, the patterns after it missing
    QString error;          ///< a pattern's run could not do what was asked: no figures

    QJsonObject toJson() const;
    QString toCsv() const;
    QString toMarkdown() const;
};

/// Runs the comparison. `options` apply to every pattern that has them. `progress` gets the
/// share of the whole comparison done (0..1) and may cancel it by returning false.
Comparison compare(WorkloadSpec workload, const QMap<QString, QString> &options = {},
                   const Progress &progress = {}, const LabConfig &base = simulationConfig());

/// Per-thousand-operations and rate figures of a result, as the table shows them.
double perThousand(const SimulationResult &r, const QString &counter);
double staleReadRate(const SimulationResult &r);

} // namespace cachelab
