#pragma once

// Small helpers shared by the core tests: a Lab that remembers how each of its operations ended,
// and shorthands to configure one the way a scenario file would.

#include "lab/lab.h"
#include "patterns/options.h"

#include <QHash>
#include <QString>
#include <QTest>

#include <initializer_list>
#include <utility>

namespace cachelab::testsupport {

inline constexpr TimeUs ms = kMillisecond;
inline constexpr TimeUs s = kSecond;

/// How long an operation took, from its start to its answer.
inline TimeUs took(const Operation &op)
{
    return op.finishedAt - op.startedAt;
}

/// A lab configuration written like a scenario's `pattern` line: options by name and value
/// ("ttl", "30s"), checked by the same parser. A bad option aborts the test run: it is a bug
/// in the test, not in the code under test.
inline LabConfig
labConfig(PatternKind kind,
          std::initializer_list<std::pair<const char *, const char *>> options = {},
          int clients = 1)
{
    LabConfig config;
    config.pattern = kind;
    config.clients = clients;
    for (const auto &[name, value] : options) {
        if (const auto error = applyOption(config.options, kind, QString::fromLatin1(name),
                                           QString::fromLatin1(value)))
            qFatal("testsupport: bad option %s=%s: %s", name, value, qPrintable(*error));
    }
    return config;
}

/// A Lab whose finished operations can be looked up by id, with one-line forms of the usual
/// steps. Operations run by client A unless told otherwise.
class Harness
{
public:
    explicit Harness(LabConfig config)
        : lab(std::move(config))
    {
        lab.setOperationListener([this](const Operation &op) { m_done.insert(op.id, op); });
    }
    Harness(const Harness &) = delete;
    Harness &operator=(const Harness &) = delete;

private:
    QHash<quint64, Operation> m_done; // declared before the lab: it outlives the lab's frames

public:
    Lab lab;

    // --- operations -----------------------------------------------------------------------
    quint64 start(Operation::Kind kind, const QString &key, const QByteArray &value = {},
                  int client = 0)
    {
        return lab.start(kind, client, key, value);
    }
    quint64 startRead(const QString &key, int client = 0)
    {
        return start(Operation::Kind::Read, key, {}, client);
    }
    quint64 startWrite(const QString &key, const QByteArray &value, int client = 0)
    {
        return start(Operation::Kind::Write, key, value, client);
    }
    /// Starts the operation and runs until it is over; gives back how it ended (an Operation
    /// with id 0 if its instance crashed meanwhile: nobody sees the end of those).
    Operation run(Operation::Kind kind, const QString &key, const QByteArray &value = {},
                  int client = 0)
    {
        const quint64 id = start(kind, key, value, client);
        lab.runUntilDone(id);
        return finished(id);
    }
    Operation read(const QString &key, int client = 0)
    {
        return run(Operation::Kind::Read, key, {}, client);
    }
    Operation write(const QString &key, const QByteArray &value, int client = 0)
    {
        return run(Operation::Kind::Write, key, value, client);
    }
    Operation remove(const QString &key, int client = 0)
    {
        return run(Operation::Kind::Delete, key, {}, client);
    }
    Operation invalidate(const QString &key, int client = 0)
    {
        return run(Operation::Kind::Invalidate, key, {}, client);
    }
    bool isDone(quint64 id) const { return m_done.contains(id); }
    Operation finished(quint64 id) const { return m_done.value(id); }

    // --- time -----------------------------------------------------------------------------
    /// Runs everything due up to virtual time `t` (which must not be in the past).
    void runUntil(TimeUs t)
    {
        if (t < lab.now())
            qFatal("testsupport: runUntil(%lld) is in the past (now %lld)", t, lab.now());
        lab.scheduler().runUntil(t);
    }

    // --- what is where --------------------------------------------------------------------
    qint64 metric(Counter c) const { return lab.metrics().total(c); }
    /// The shared cache's entry for `key`, looked at without touching recency (scan()).
    std::optional<CacheItem> cached(const QString &key)
    {
        for (const CacheItem &item : lab.store().scan()) {
            if (item.key == key)
                return item;
        }
        return std::nullopt;
    }
    QByteArray cachedValue(const QString &key)
    {
        const auto item = cached(key);
        return item ? item->record.value : QByteArray();
    }
    std::optional<Record> dbRow(const QString &key) { return lab.database().load(key); }
    QStringList l1Keys(int client)
    {
        QStringList keys;
        for (const L1Item &item : lab.pattern(client).l1())
            keys.append(item.key);
        return keys;
    }
    /// Trace events of one verb (optionally one kind), oldest first.
    QList<TraceEvent> events(Verb verb, std::optional<EventKind> kind = std::nullopt)
    {
        QList<TraceEvent> out;
        for (const TraceEvent &e : lab.trace().events()) {
            if (e.verb == verb && (!kind || e.kind == *kind))
                out.append(e);
        }
        return out;
    }
    qsizetype count(Verb verb, std::optional<EventKind> kind = std::nullopt)
    {
        return events(verb, kind).size();
    }
};

} // namespace cachelab::testsupport
