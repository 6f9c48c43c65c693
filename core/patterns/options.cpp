#include "options.h"

#include "../time/duration.h"

#include <QCoreApplication>

#include <cmath>

#include <functional>

namespace cachelab {

namespace {

struct PatternNameEntry
{
    PatternKind kind;
    const char16_t *name;
};

constexpr PatternNameEntry kNames[] = {
    {PatternKind::CacheAside, u"cache-aside"},
    {PatternKind::WriteThrough, u"write-through"},
    {PatternKind::WriteBehind, u"write-behind"},
    {PatternKind::RefreshAhead, u"refresh-ahead"},
    {PatternKind::Around, u"around"},
    {PatternKind::MultiLevel, u"multi-level"},
    {PatternKind::CircuitBreaker, u"circuit-breaker"},
};

std::optional<QString> parseBool(const QString &value, bool &out)
{
    if (value == u"on") {
        out = true;
        return std::nullopt;
    }
    if (value == u"off") {
        out = false;
        return std::nullopt;
    }
    return PatternOptions::tr("expected on or off, got \"%1\"").arg(value);
}

std::optional<QString> parseDurationOption(const QString &value, TimeUs &out)
{
    if (const auto d = parseDuration(value)) {
        out = *d;
        return std::nullopt;
    }
    return durationError(value);
}

std::optional<QString> parseCount(const QString &value, int minimum, int &out)
{
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n < minimum || !value.front().isDigit())
        return PatternOptions::tr("expected a whole number of at least %1, got \"%2\"")
            .arg(minimum)
            .arg(value);
    out = n;
    return std::nullopt;
}

std::optional<QString> parsePercent(const QString &value, double &out)
{
    if (!value.endsWith(u'%'))
        return PatternOptions::tr("expected a percentage such as 10%, got \"%1\"").arg(value);
    bool ok = false;
    const double p = value.chopped(1).toDouble(&ok);
    if (!ok || !(p >= 0 && p <= 100))
        return PatternOptions::tr("expected a percentage from 0% to 100%, got \"%1\"").arg(value);
    out = p / 100.0;
    return std::nullopt;
}

std::optional<QString> parseFraction(const QString &value, double &out)
{
    bool ok = false;
    const double f = value.toDouble(&ok);
    if (!ok || !(f > 0 && f < 1))
        return PatternOptions::tr("expected a number between 0 and 1 (such as 0.8), got \"%1\"")
            .arg(value);
    out = f;
    return std::nullopt;
}

std::optional<QString> parsePositiveDuration(const QString &value, const QString &name, TimeUs &out)
{
    TimeUs d = 0;
    if (auto error = parseDurationOption(value, d))
        return error;
    if (d <= 0)
        return PatternOptions::tr("%1 must be longer than 0s").arg(name);
    out = d;
    return std::nullopt;
}

/// A timeout: "off", or a duration longer than 0s.
std::optional<QString> parseTimeout(const QString &value, TimeUs &out)
{
    if (value == u"off") {
        out = 0;
        return std::nullopt;
    }
    TimeUs d = 0;
    if (auto error = parseDurationOption(value, d))
        return PatternOptions::tr("expected off or a duration such as 500ms, got \"%1\"")
            .arg(value);
    if (d <= 0)
        return PatternOptions::tr("a timeout must be longer than 0s (or off)");
    out = d;
    return std::nullopt;
}

using Setter = std::function<std::optional<QString>(PatternOptions &, const QString &)>;

struct OptionSpec
{
    const char *name;
    const char *defaultValue;
    const char *summary;
    bool common;             // every pattern has it
    QList<PatternKind> only; // otherwise, just these
    bool loadsOnMiss;        // single-flight / negative-ttl: patterns that load on a miss
    Setter set;
};

const QList<OptionSpec> &specs()
{
    using K = PatternKind;
    // The patterns that load on a miss through the shared cache (SCENARIOS.md 1.1); the
    // mechanisms against stampedes, stale fills and outages are theirs.
    static const QList<PatternKind> kGuarded = {K::CacheAside, K::WriteThrough, K::RefreshAhead,
                                                K::Around,     K::MultiLevel,   K::CircuitBreaker};
    static const QList<OptionSpec> all = {
        {"ttl",
         "1h",
         QT_TRANSLATE_NOOP("PatternOptions", "How long a cached entry lives."),
         true,
         {},
         false,
         [](PatternOptions &o, const QString &v) { return parseDurationOption(v, o.ttl); }},
        {"jitter",
         "0%",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Each TTL is drawn uniformly within ± this share, so keys cached "
                           "together do not all expire together."),
         true,
         {},
         false,
         [](PatternOptions &o, const QString &v) { return parsePercent(v, o.jitter); }},
        {"single-flight",
         "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Concurrent misses of one key in one instance share a single load."),
         false,
         {},
         true,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.singleFlight); }},
        {"negative-ttl",
         "0s",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "How long a missing row is remembered as missing (0s: not at all)."),
         false,
         {},
         true,
         [](PatternOptions &o, const QString &v) { return parseDurationOption(v, o.negativeTtl); }},
        {"batch",
         "100",
         QT_TRANSLATE_NOOP("PatternOptions", "A queue this long is flushed at once."),
         false,
         {K::WriteBehind},
         false,
         [](PatternOptions &o, const QString &v) { return parseCount(v, 1, o.batch); }},
        {"flush",
         "30s",
         QT_TRANSLATE_NOOP("PatternOptions", "Otherwise the queue is flushed this often."),
         false,
         {K::WriteBehind},
         false,
         [](PatternOptions &o, const QString &v) {
             auto error = parseDurationOption(v, o.flush);
             if (!error && o.flush <= 0) {
                 o.flush = 30 * kSecond;
                 return std::optional<QString>(PatternOptions::tr("flush must be longer than 0s"));
             }
             return error;
         }},
        {"coalesce",
         "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "A newer write of a queued key replaces the older one."),
         false,
         {K::WriteBehind},
         false,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.coalesce); }},
        {"durable",
         "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "The queue lives in the shared cache, survives a crash and is "
                           "replayed on restart."),
         false,
         {K::WriteBehind},
         false,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.durable); }},
        {"retries",
         "3",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "A failed flush is retried this many times; then its writes are lost."),
         false,
         {K::WriteBehind},
         false,
         [](PatternOptions &o, const QString &v) { return parseCount(v, 0, o.retries); }},
        {"threshold",
         "0.8",
         QT_TRANSLATE_NOOP("PatternOptions", "Refresh once this share of the TTL has passed."),
         false,
         {K::RefreshAhead},
         false,
         [](PatternOptions &o, const QString &v) { return parseFraction(v, o.threshold); }},
        {"min-access",
         "1",
         QT_TRANSLATE_NOOP("PatternOptions", "Only keys read at least this often are refreshed."),
         false,
         {K::RefreshAhead},
         false,
         [](PatternOptions &o, const QString &v) { return parseCount(v, 1, o.minAccess); }},
        {"l1-ttl",
         "5m",
         QT_TRANSLATE_NOOP("PatternOptions", "How long an entry lives in an instance's own L1."),
         false,
         {K::MultiLevel},
         false,
         [](PatternOptions &o, const QString &v) { return parseDurationOption(v, o.l1Ttl); }},
        {"l2-ttl",
         "1h",
         QT_TRANSLATE_NOOP("PatternOptions", "How long an entry lives in the shared cache (L2)."),
         false,
         {K::MultiLevel},
         false,
         [](PatternOptions &o, const QString &v) {
             TimeUs t = 0;
             auto error = parseDurationOption(v, t);
             if (!error)
                 o.l2Ttl = t;
             return error;
         }},
        {"l1-capacity",
         "1000",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Entries an L1 holds before it evicts the least recently used."),
         false,
         {K::MultiLevel},
         false,
         [](PatternOptions &o, const QString &v) { return parseCount(v, 1, o.l1Capacity); }},
        {"invalidate",
         "on",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "A write in one instance evicts the key from every instance's L1."),
         false,
         {K::MultiLevel},
         false,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.invalidate); }},
        {"backplane-retry",
         "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "An invalidation the cache failed to take is kept, one per key, and "
                           "retried this often until it goes through (off: it is lost)."),
         false,
         {K::MultiLevel},
         false,
         [](PatternOptions &o, const QString &v) { return parseTimeout(v, o.backplaneRetry); }},
        {"failures",
         "5",
         QT_TRANSLATE_NOOP("PatternOptions", "Consecutive cache failures that open the breaker."),
         false,
         {K::CircuitBreaker},
         false,
         [](PatternOptions &o, const QString &v) { return parseCount(v, 1, o.failures); }},
        {"window",
         "0",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Also open when failure-ratio of the last N cache calls failed "
                           "(0: off)."),
         false,
         {K::CircuitBreaker},
         false,
         [](PatternOptions &o, const QString &v) {
             auto error = parseCount(v, 0, o.window);
             if (!error && o.window > 10000) {
                 o.window = 0;
                 return std::optional<QString>(PatternOptions::tr("window is at most 10000 calls"));
             }
             return error;
         }},
        {"failure-ratio",
         "0.5",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "The share of failed calls in the window that opens the breaker."),
         false,
         {K::CircuitBreaker},
         false,
         [](PatternOptions &o, const QString &v) {
             bool ok = false;
             const double f = v.toDouble(&ok);
             if (!ok || !(f > 0 && f <= 1))
                 return std::optional<QString>(
                     PatternOptions::tr("expected a share of the calls above 0 and at most 1 "
                                        "(such as 0.5), got \"%1\"")
                         .arg(v));
             o.failureRatio = f;
             return std::optional<QString>();
         }},
        {"open-timeout",
         "60s",
         QT_TRANSLATE_NOOP(
             "PatternOptions",
             "How long the breaker stays open before it lets one trial call through."),
         false,
         {K::CircuitBreaker},
         false,
         [](PatternOptions &o, const QString &v) { return parseDurationOption(v, o.openTimeout); }},
        {"prefix",
         "memo:",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Put before the function name and argument hash in each cache key."),
         false,
         {K::Around},
         false,
         [](PatternOptions &o, const QString &v) {
             if (v.contains(u' '))
                 return std::optional<QString>(
                     PatternOptions::tr("a prefix cannot contain spaces"));
             o.prefix = v;
             return std::optional<QString>();
         }},
        // Beyond the textbook (SCENARIOS.md 1.1): the patterns that load on a miss.
        {"lease", "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "A miss hands out a lease: other readers wait for the holder, and a "
                           "write voids it so a slow fill cannot put an old value back."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.lease); }},
        {"lease-wait", "10ms",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "How long a reader waits before it looks again while a lease is out."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) {
             return parsePositiveDuration(v, QStringLiteral("lease-wait"), o.leaseWait);
         }},
        {"lease-ttl", "10s",
         QT_TRANSLATE_NOOP("PatternOptions", "A lease nobody used ends after this long."), false,
         kGuarded, false,
         [](PatternOptions &o, const QString &v) {
             return parsePositiveDuration(v, QStringLiteral("lease-ttl"), o.leaseTtl);
         }},
        {"early", "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "xfetch: a hit may recompute the entry a little before it expires, "
                           "the more likely the closer expiry is and the longer the load takes."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) {
             if (v == u"xfetch" || v == u"off") {
                 o.xfetch = v == u"xfetch";
                 return std::optional<QString>();
             }
             return std::optional<QString>(
                 PatternOptions::tr("expected xfetch or off, got \"%1\"").arg(v));
         }},
        {"beta", "1.0",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "How eagerly xfetch recomputes (above 1: earlier, below 1: later)."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) {
             bool ok = false;
             const double b = v.toDouble(&ok);
             if (!ok || !(b > 0 && b <= 100))
                 return std::optional<QString>(
                     PatternOptions::tr("expected a number above 0 and at most 100 (such as "
                                        "1.0), got \"%1\"")
                         .arg(v));
             o.beta = b;
             return std::optional<QString>();
         }},
        {"swr", "0s",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Stale-while-revalidate: for this long past its TTL an entry is "
                           "served at once while a background load refreshes it."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) { return parseDurationOption(v, o.swr); }},
        {"stale-if-error", "0s",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Fail-safe: for this long past its TTL an entry answers a read whose "
                           "load failed, instead of an error."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) {
             return parseDurationOption(v, o.staleIfError);
         }},
        {"throttle", "30s",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "After a fail-safe answer the old value is served as a hit this long "
                           "before the database is asked again."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) {
             return parsePositiveDuration(v, QStringLiteral("throttle"), o.throttle);
         }},
        {"soft-timeout", "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "A load still running after this long answers with the kept old "
                           "value, if there is one, and goes on in the background."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) { return parseTimeout(v, o.softTimeout); }},
        {"hard-timeout", "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "A load still running after this long fails the read (or answers "
                           "with the kept value under stale-if-error) and is abandoned."),
         false, kGuarded, false,
         [](PatternOptions &o, const QString &v) { return parseTimeout(v, o.hardTimeout); }},
        {"cdc",
         "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Change-data-capture: a relay reads the database's change log and "
                           "deletes every changed key from the cache, writes behind the "
                           "application's back included."),
         false,
         {K::CacheAside},
         false,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.cdc); }},
        {"cdc-lag",
         "100ms",
         QT_TRANSLATE_NOOP("PatternOptions", "How often the relay reads the change log."),
         false,
         {K::CacheAside},
         false,
         [](PatternOptions &o, const QString &v) {
             return parsePositiveDuration(v, QStringLiteral("cdc-lag"), o.cdcLag);
         }},
        {"textbook",
         "off",
         QT_TRANSLATE_NOOP("PatternOptions",
                           "Runs the source material's example class as written, mistakes "
                           "included."),
         true,
         {},
         false,
         [](PatternOptions &o, const QString &v) { return parseBool(v, o.textbook); }},
    };
    return all;
}

/// The options the source's example class of `kind` has: the only ones textbook=on allows.
QStringList textbookOptions(PatternKind kind)
{
    QStringList names{QStringLiteral("ttl"), QStringLiteral("textbook")};
    switch (kind) {
    case PatternKind::WriteBehind:
        names << QStringLiteral("batch") << QStringLiteral("flush");
        break;
    case PatternKind::RefreshAhead:
        names << QStringLiteral("threshold") << QStringLiteral("min-access");
        break;
    case PatternKind::Around:
        names << QStringLiteral("prefix");
        break;
    case PatternKind::MultiLevel:
        names << QStringLiteral("l1-ttl") << QStringLiteral("l2-ttl");
        break;
    case PatternKind::CircuitBreaker:
        names << QStringLiteral("failures") << QStringLiteral("open-timeout");
        break;
    case PatternKind::CacheAside:
    case PatternKind::WriteThrough:
        break;
    }
    return names;
}

bool applies(const OptionSpec &spec, PatternKind kind)
{
    // Every pattern here loads on a miss: write-behind and write-through read through the
    // cache like cache-aside does.
    return spec.common || spec.loadsOnMiss || spec.only.contains(kind);
}

} // namespace

QString patternName(PatternKind kind)
{
    for (const auto &e : kNames) {
        if (e.kind == kind)
            return QString::fromUtf16(e.name);
    }
    return {};
}

std::optional<PatternKind> patternFromName(QStringView name)
{
    for (const auto &e : kNames) {
        if (name == QStringView(e.name))
            return e.kind;
    }
    return std::nullopt;
}

QList<OptionInfo> optionsOf(PatternKind kind)
{
    QList<OptionInfo> result;
    for (const auto &spec : specs()) {
        if (applies(spec, kind)) {
            result.append(OptionInfo{QString::fromLatin1(spec.name),
                                     QString::fromLatin1(spec.defaultValue),
                                     QCoreApplication::translate("PatternOptions", spec.summary)});
        }
    }
    return result;
}

std::optional<QString> applyOption(PatternOptions &options, PatternKind kind, const QString &name,
                                   const QString &value)
{
    for (const auto &spec : specs()) {
        if (name != QLatin1String(spec.name))
            continue;
        if (!applies(spec, kind)) {
            return PatternOptions::tr("the %1 pattern has no option \"%2\"")
                .arg(patternName(kind), name);
        }
        PatternOptions changed = options;
        if (auto error = spec.set(changed, value))
            return PatternOptions::tr("option %1: %2").arg(name, *error);
        options = changed;
        return std::nullopt;
    }
    QStringList known;
    for (const auto &info : optionsOf(kind))
        known.append(info.name);
    return PatternOptions::tr("unknown option \"%1\" (the %2 pattern has: %3)")
        .arg(name, patternName(kind), known.join(QStringLiteral(", ")));
}

std::optional<QString> splitOptionList(QStringView text, QList<OptionSetting> &settings)
{
    QList<OptionSetting> result;
    for (const QStringView word : text.split(u' ', Qt::SkipEmptyParts)) {
        const qsizetype equals = word.indexOf(u'=');
        if (equals <= 0) {
            return PatternOptions::tr(
                       "\"%1\" is not an option setting: write name=value without spaces, "
                       "e.g. ttl=5m")
                .arg(word);
        }
        result.append(
            OptionSetting{word.first(equals).toString(), word.sliced(equals + 1).toString()});
    }
    settings = result;
    return std::nullopt;
}

std::optional<QString> applyOptionList(PatternOptions &options, PatternKind kind, QStringView text)
{
    QList<OptionSetting> settings;
    if (auto error = splitOptionList(text, settings))
        return error;
    PatternOptions changed = options;
    for (const OptionSetting &s : settings) {
        if (auto error = applyOption(changed, kind, s.name, s.value))
            return error;
    }
    if (auto error = textbookConflict(changed, kind))
        return error;
    options = changed;
    return std::nullopt;
}

std::optional<QString> textbookConflict(const PatternOptions &options, PatternKind kind)
{
    if (!options.textbook)
        return std::nullopt;
    const QStringList allowed = textbookOptions(kind);
    for (const QString &setting : changedOptions(options, kind)) {
        const QString name = setting.section(u'=', 0, 0);
        if (!allowed.contains(name)) {
            return PatternOptions::tr("textbook=on runs the source's %1 class, which has no "
                                      "option %2 (with textbook=on only %3 may be set)")
                .arg(patternName(kind), name, allowed.join(QStringLiteral(", ")));
        }
    }
    return std::nullopt;
}

QString optionValue(const PatternOptions &o, const QString &name)
{
    auto onOff = [](bool b) { return b ? QStringLiteral("on") : QStringLiteral("off"); };
    auto percent = [](double f) -> QString { return QString::number(f * 100.0, 'g', 6) + u'%'; };
    if (name == u"ttl")
        return formatDuration(o.ttl);
    if (name == u"jitter")
        return percent(o.jitter);
    if (name == u"single-flight")
        return onOff(o.singleFlight);
    if (name == u"negative-ttl")
        return formatDuration(o.negativeTtl);
    if (name == u"batch")
        return QString::number(o.batch);
    if (name == u"flush")
        return formatDuration(o.flush);
    if (name == u"coalesce")
        return onOff(o.coalesce);
    if (name == u"durable")
        return onOff(o.durable);
    if (name == u"retries")
        return QString::number(o.retries);
    if (name == u"threshold")
        return QString::number(o.threshold, 'g', 6);
    if (name == u"min-access")
        return QString::number(o.minAccess);
    if (name == u"l1-ttl")
        return formatDuration(o.l1Ttl);
    if (name == u"l2-ttl")
        return formatDuration(o.effectiveL2Ttl());
    if (name == u"l1-capacity")
        return QString::number(o.l1Capacity);
    if (name == u"invalidate")
        return onOff(o.invalidate);
    if (name == u"failures")
        return QString::number(o.failures);
    if (name == u"open-timeout")
        return formatDuration(o.openTimeout);
    if (name == u"window")
        return QString::number(o.window);
    if (name == u"failure-ratio")
        return QString::number(o.failureRatio, 'g', 6);
    if (name == u"prefix")
        return o.prefix;
    if (name == u"textbook")
        return onOff(o.textbook);
    auto timeout = [](TimeUs t) { return t > 0 ? formatDuration(t) : QStringLiteral("off"); };
    if (name == u"lease")
        return onOff(o.lease);
    if (name == u"lease-wait")
        return formatDuration(o.leaseWait);
    if (name == u"lease-ttl")
        return formatDuration(o.leaseTtl);
    if (name == u"early")
        return o.xfetch ? QStringLiteral("xfetch") : QStringLiteral("off");
    if (name == u"beta") // "1.0" as the table writes it, "0.75" as typed
        return o.beta == std::floor(o.beta) ? QString::number(o.beta, 'f', 1)
                                            : QString::number(o.beta, 'g', 6);
    if (name == u"swr")
        return formatDuration(o.swr);
    if (name == u"stale-if-error")
        return formatDuration(o.staleIfError);
    if (name == u"throttle")
        return formatDuration(o.throttle);
    if (name == u"soft-timeout")
        return timeout(o.softTimeout);
    if (name == u"hard-timeout")
        return timeout(o.hardTimeout);
    if (name == u"backplane-retry")
        return timeout(o.backplaneRetry);
    if (name == u"cdc")
        return onOff(o.cdc);
    if (name == u"cdc-lag")
        return formatDuration(o.cdcLag);
    return {};
}

QStringList changedOptions(const PatternOptions &options, PatternKind kind)
{
    const PatternOptions defaults;
    QStringList out;
    for (const OptionInfo &info : optionsOf(kind)) {
        const QString value = optionValue(options, info.name);
        // l2-ttl follows ttl unless it was set on its own.
        const bool changed = info.name == u"l2-ttl" ? options.l2Ttl.has_value()
                                                    : value != optionValue(defaults, info.name);
        if (changed)
            out << info.name + u'=' + value;
    }
    return out;
}

std::optional<QString> applyLatency(Latencies &latencies, const QString &part, TimeUs value)
{
    if (part == u"cache")
        latencies.cache = value;
    else if (part == u"l1")
        latencies.l1 = value;
    else if (part == u"db")
        latencies.dbRead = latencies.dbWrite = value;
    else if (part == u"db-read")
        latencies.dbRead = value;
    else if (part == u"db-write")
        latencies.dbWrite = value;
    else
        return PatternOptions::tr(
                   "unknown latency part \"%1\" (use cache, l1, db, db-read or db-write)")
            .arg(part);
    return std::nullopt;
}

} // namespace cachelab
