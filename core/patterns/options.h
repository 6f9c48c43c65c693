#pragma once

#include "../time/clock.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace cachelab {

enum class PatternKind {
    CacheAside,
    WriteThrough,
    WriteBehind,
    RefreshAhead,
    Around,
    MultiLevel,
    CircuitBreaker,
};

inline constexpr PatternKind kAllPatterns[] = {
    PatternKind::CacheAside,     PatternKind::WriteThrough, PatternKind::WriteBehind,
    PatternKind::RefreshAhead,   PatternKind::Around,       PatternKind::MultiLevel,
    PatternKind::CircuitBreaker,
};

/// The scenario name of a pattern: "cache-aside", "write-behind", …
QString patternName(PatternKind kind);
std::optional<PatternKind> patternFromName(QStringView name);

/// Every option of every pattern, with the defaults of SCENARIOS.md. Durations are virtual
/// microseconds; fractions are 0..1.
struct PatternOptions
{
    // common
    TimeUs ttl = 3600 * kSecond;
    double jitter = 0.0;
    bool singleFlight = false;
    TimeUs negativeTtl = 0;
    // write-behind
    int batch = 100;
    TimeUs flush = 30 * kSecond;
    bool coalesce = false;
    bool durable = false;
    int retries = 3;
    // refresh-ahead
    double threshold = 0.8;
    int minAccess = 1;
    // multi-level; l2Ttl follows ttl unless set
    TimeUs l1Ttl = 5 * 60 * kSecond;
    std::optional<TimeUs> l2Ttl;
    int l1Capacity = 1000;
    bool invalidate = true;
    TimeUs backplaneRetry = 0; ///< 0: off; else failed invalidations are retried this often
    // circuit-breaker
    int failures = 5;
    /// Also open when, of the last `window` cache calls, this share or more failed (0: only
    /// consecutive failures count, as in version 1).
    int window = 0;
    double failureRatio = 0.5;
    TimeUs openTimeout = 60 * kSecond;
    // around
    QString prefix = QStringLiteral("memo:");
    // every pattern: run the source material's example class, mistakes included
    bool textbook = false;
    // beyond the textbook (SCENARIOS.md 1.1): the patterns that load on a miss
    bool lease = false;
    TimeUs leaseWait = 10 * kMillisecond;
    TimeUs leaseTtl = 10 * kSecond;
    bool xfetch = false; ///< early=xfetch
    double beta = 1.0;
    TimeUs swr = 0;
    TimeUs staleIfError = 0;
    TimeUs throttle = 30 * kSecond;
    TimeUs softTimeout = 0; ///< 0: off
    TimeUs hardTimeout = 0; ///< 0: off
    // cache-aside: change-data-capture
    bool cdc = false;
    TimeUs cdcLag = 100 * kMillisecond;

    TimeUs effectiveL2Ttl() const { return l2Ttl.value_or(ttl); }
    /// How long an entry stays in the shared cache past its TTL (swr, stale-if-error).
    TimeUs kept() const { return std::max(swr, staleIfError); }
    /// Whether a read needs the guarded path (any mechanism of a read is on).
    bool guardsReads() const
    {
        return lease || xfetch || swr > 0 || staleIfError > 0 || softTimeout > 0 || hardTimeout > 0;
    }

    Q_DECLARE_TR_FUNCTIONS(PatternOptions)
};

/// Describes one option for people and for validation.
struct OptionInfo
{
    QString name;         ///< "ttl", "single-flight", …
    QString defaultValue; ///< as written in a scenario: "1h", "off", "0.8"
    QString summary;      ///< one translated line
};

/// The options `kind` accepts, in the order SCENARIOS.md lists them.
QList<OptionInfo> optionsOf(PatternKind kind);

/// Sets option `name` to `value` (scenario syntax). Returns a message for people when the
/// pattern has no such option or the value is malformed, and leaves `options` unchanged.
std::optional<QString> applyOption(PatternOptions &options, PatternKind kind, const QString &name,
                                   const QString &value);

/// One `name=value` word of an option list.
struct OptionSetting
{
    QString name;
    QString value;
};

/// Splits an option list as a `pattern` line writes it ("ttl=30s single-flight=on") into its
/// settings, checking only their shape. On a malformed word returns a message that quotes it.
std::optional<QString> splitOptionList(QStringView text, QList<OptionSetting> &settings);

/// Applies an option list to `options` for `kind`: all of it, or (on the first word that is
/// malformed or that the pattern rejects) nothing, with a message that quotes the word.
std::optional<QString> applyOptionList(PatternOptions &options, PatternKind kind, QStringView text);

/// With `textbook=on` only the options of the source's class may be changed (SCENARIOS.md,
/// "Textbook code"): a message naming the first other changed option, else nullopt.
std::optional<QString> textbookConflict(const PatternOptions &options, PatternKind kind);

/// The value of option `name` in scenario syntax ("30s", "on", "0.8"); empty if unknown.
QString optionValue(const PatternOptions &options, const QString &name);
/// `name=value` for every option of `kind` whose value differs from the default, in
/// optionsOf() order: what a `pattern` line needs to recreate `options`.
QStringList changedOptions(const PatternOptions &options, PatternKind kind);

/// Modelled round-trip times of one call to each participant.
struct Latencies
{
    TimeUs cache = kMillisecond;
    TimeUs l1 = 0;
    TimeUs dbRead = 50 * kMillisecond;
    TimeUs dbWrite = 50 * kMillisecond;
};

/// Sets a latency by scenario part name (cache, l1, db, db-read, db-write).
std::optional<QString> applyLatency(Latencies &latencies, const QString &part, TimeUs value);

} // namespace cachelab
