#include "runner.h"

#include "../time/duration.h"

#include <QCoreApplication>

namespace cachelab::scenario {

namespace {

QString quoted(const QByteArray &value)
{
    return u'"' + QString::fromUtf8(value) + u'"';
}

QString describeCached(const std::optional<CachedRecord> &entry)
{
    if (!entry)
        return Runner::tr("missing");
    if (entry->absent)
        return Runner::tr("a cached \"no such row\"");
    return quoted(entry->value);
}

// What an `expect … = VALUE` / `missing` line compares: found-ness and bytes.
std::optional<QString> compareValue(const Expectation &x, bool found, const QByteArray &value,
                                    const QString &actual)
{
    if (x.missing ? !found : (found && value == x.value))
        return std::nullopt;
    return actual;
}

bool compareWithin(qint64 actual, Compare op, qint64 expected, qint64 tolerance)
{
    switch (op) {
    case Compare::Equal:
        return std::abs(actual - expected) <= tolerance;
    case Compare::Less:
        return actual < expected + tolerance;
    case Compare::LessEqual:
        return actual <= expected + tolerance;
    case Compare::Greater:
        return actual > expected - tolerance;
    case Compare::GreaterEqual:
        return actual >= expected - tolerance;
    }
    return false;
}

} // namespace

Runner::Runner(Scenario scenario, std::unique_ptr<CacheStore> store, std::unique_ptr<Database> db,
               LabConfig base)
    : m_scenario(std::move(scenario))
{
    base.pattern = m_scenario.pattern;
    base.options = m_scenario.options;
    base.clients = m_scenario.clients;
    base.latencies = m_scenario.latencies;
    base.seed = m_scenario.seed;
    m_lab = std::make_unique<Lab>(base, std::move(store), std::move(db));
}

const Command *Runner::current() const
{
    return m_next > 0 ? &m_scenario.commands[m_next - 1] : nullptr;
}

bool Runner::waiting() const
{
    if (!m_fatal.isEmpty())
        return false;
    if (m_waitingFor)
        return m_lab->isRunning(m_waitingFor);
    if (m_waitUntil >= 0)
        return m_lab->now() < m_waitUntil;
    if (m_settling)
        return m_lab->busy();
    return false;
}

void Runner::finishCurrent()
{
    if (m_waitingFor) {
        m_lab->runUntilDone(m_waitingFor);
    } else if (m_waitUntil >= 0) {
        m_lab->scheduler().runUntil(m_waitUntil);
    } else if (m_settling && !m_lab->settle()) {
        m_fatal = tr("settle: background work did not finish within a day of virtual time");
    }
    m_waitingFor = 0;
    m_waitUntil = -1;
    m_settling = false;
}

void Runner::advanceTowards(TimeUs t)
{
    if (m_waitUntil >= 0) {
        m_lab->scheduler().runUntil(std::min(t, m_waitUntil));
    } else {
        m_lab->scheduler().runWhile(
            [&] { return waiting() && m_lab->scheduler().nextEventTime() <= t; });
        if (waiting())
            m_lab->scheduler().runUntil(t);
    }
    if (!waiting()) {
        m_waitingFor = 0;
        m_waitUntil = -1;
        m_settling = false;
    }
}

void Runner::account()
{
    const Command *last = current();
    const QString where =
        QStringLiteral("%1:%2").arg(m_scenario.fileName).arg(last ? last->line : 0);
    const qint64 errors = m_lab->metrics().total(Counter::Errors);
    // A hard timeout fails reads on purpose: a scenario that sets one asks for those errors.
    const bool asked = m_lab->cacheFailing() || m_lab->cacheWritesFailing() ||
                       m_lab->databaseFailing() || m_lab->config().options.hardTimeout > 0;
    if (errors > m_errorsSeen && !asked) {
        if (m_unrequestedErrors == 0) {
            m_unrequestedError = tr("%1: a call failed though the scenario made nothing fail: %2")
                                     .arg(where, m_lab->metrics().lastError());
        }
        m_unrequestedErrors += errors - m_errorsSeen;
    }
    m_errorsSeen = errors;
    if (m_fatal.isEmpty() && m_lab->scheduler().exhausted()) {
        m_fatal = tr("%1: the run used up its budget of %2 scheduler events here, so it was "
                     "stopped (background work that never ends, or far too much of it?); "
                     "--max-events raises the budget")
                      .arg(where)
                      .arg(m_lab->scheduler().eventBudget());
    }
}

void Runner::beginNext()
{
    account();
    if (finished() || !m_fatal.isEmpty())
        return;
    const Command &command = m_scenario.commands[m_next++];
    m_waitingFor = 0;
    m_waitUntil = -1;
    m_settling = false;
    try {
        execute(command);
    } catch (const Error &e) {
        m_fatal =
            QStringLiteral("%1:%2: %3").arg(m_scenario.fileName).arg(command.line).arg(e.message());
    }
}

void Runner::execute(const Command &command)
{
    using T = Command::Type;
    using K = Operation::Kind;
    Lab &lab = *m_lab;
    const int client = command.client;
    switch (command.type) {
    case T::Read:
        m_waitingFor = lab.start(K::Read, client, command.key);
        break;
    case T::Write:
        m_waitingFor = lab.start(K::Write, client, command.key, command.value);
        break;
    case T::Delete:
        m_waitingFor = lab.start(K::Delete, client, command.key);
        break;
    case T::Invalidate:
        m_waitingFor = lab.start(K::Invalidate, client, command.key);
        break;
    case T::SpawnRead:
        lab.start(K::Read, client, command.key);
        break;
    case T::SpawnWrite:
        lab.start(K::Write, client, command.key, command.value);
        break;
    case T::SpawnDelete:
        lab.start(K::Delete, client, command.key);
        break;
    case T::SpawnInvalidate:
        lab.start(K::Invalidate, client, command.key);
        break;
    case T::Burst:
        for (int i = 0; i < command.count; ++i)
            lab.start(K::Read, client, command.key);
        break;
    case T::Wait:
        if (command.duration > kEndOfTime - lab.now()) {
            throw Error(tr("wait: the lab's virtual time would pass %1 years, the end of its "
                           "clock")
                            .arg(kEndOfTime / kYear));
        }
        m_waitUntil = lab.now() + command.duration;
        break;
    case T::Settle:
        m_settling = true;
        break;
    case T::DbPut:
        lab.databasePut(command.key, command.value);
        break;
    case T::DbDelete:
        lab.databaseDelete(command.key);
        break;
    case T::DbSeed:
        lab.databaseSeed(command.count);
        break;
    case T::FailCache:
        lab.setCacheFailing(true);
        break;
    case T::FailCacheWrites:
        lab.setCacheWritesFailing(true);
        break;
    case T::FailDb:
        lab.setDatabaseFailing(true);
        break;
    case T::RecoverCache:
        lab.setCacheFailing(false);
        lab.setCacheWritesFailing(false);
        break;
    case T::RecoverDb:
        lab.setDatabaseFailing(false);
        break;
    case T::Crash:
        lab.crash(client);
        break;
    case T::Expect: {
        const auto failure = check(command);
        if (failure)
            m_failures.append(*failure);
        else
            ++m_passed;
        if (m_expectationListener)
            m_expectationListener(command, failure);
        break;
    }
    }
}

std::optional<Failure> Runner::check(const Command &command)
{
    using S = Expectation::Subject;
    const Expectation &x = command.expect;
    Lab &lab = *m_lab;
    const Pattern &pattern = lab.pattern(command.client);
    std::optional<QString> actual; // set when the expectation does not hold

    switch (x.subject) {
    case S::Result: {
        const auto &read = lab.lastRead(command.client);
        if (!read) {
            actual = tr("no completed read");
        } else if (!read->ok) {
            actual = tr("an error (%1)").arg(read->error);
        } else {
            actual = compareValue(x, read->result.found, read->result.value,
                                  read->result.found ? quoted(read->result.value) : tr("missing"));
        }
        break;
    }
    case S::Error:
    case S::Ok: {
        const auto &op = lab.lastOperation(command.client);
        if (!op)
            actual = tr("no completed operation");
        else if (op->ok != (x.subject == S::Ok))
            actual = op->ok ? tr("ok") : tr("error (%1)").arg(op->error);
        break;
    }
    case S::Cache: {
        const auto entry = lab.store().get(pattern.cacheKeyFor(x.key));
        actual = compareValue(x, entry && !entry->absent, entry ? entry->value : QByteArray(),
                              describeCached(entry));
        if (actual && x.missing && !entry)
            actual.reset();
        break;
    }
    case S::L1: {
        if (lab.config().pattern != PatternKind::MultiLevel) {
            actual = tr("no L1 (the pattern is %1)").arg(patternName(lab.config().pattern));
            break;
        }
        std::optional<L1Item> item;
        for (const L1Item &i : pattern.l1()) {
            if (i.key == x.key)
                item = i;
        }
        const bool found = item && item->record.found;
        actual = compareValue(x, found, found ? item->record.value : QByteArray(),
                              !item   ? tr("missing")
                              : found ? quoted(item->record.value)
                                      : tr("a cached \"no such row\""));
        break;
    }
    case S::Db: {
        const auto record = lab.database().load(x.key);
        actual = compareValue(x, record.has_value(), record ? record->value : QByteArray(),
                              record ? quoted(record->value) : tr("missing"));
        break;
    }
    case S::DbVersion: {
        const qint64 version = lab.database().version(x.key);
        if (version != x.number)
            actual = tr("version %1").arg(version);
        break;
    }
    case S::Ttl: {
        const auto ttl = lab.store().ttl(pattern.cacheKeyFor(x.key));
        // A real server keeps its own clock in milliseconds, and real time never lines up to
        // the microsecond: against it a TTL is compared within kRealTimeTolerance.
        const TimeUs tolerance = lab.realTime() ? kRealTimeTolerance : 0;
        if (!ttl)
            actual = tr("missing");
        else if (*ttl < 0)
            actual = tr("no expiry");
        else if (!compareWithin(*ttl, x.op, x.number, tolerance))
            actual = formatDuration(*ttl);
        break;
    }
    case S::Queue: {
        const auto queued = pattern.writeQueue().size();
        if (queued != x.number)
            actual = tr("%1 entries").arg(queued);
        break;
    }
    case S::Breaker: {
        const auto status = pattern.breaker();
        if (!status)
            actual = tr("no breaker (the pattern is %1)").arg(patternName(lab.config().pattern));
        else if (breakerStateName(status->state) != x.name)
            actual = breakerStateName(status->state);
        break;
    }
    case S::Metric: {
        const auto counter = counterFromName(x.name);
        const qint64 value = counter ? lab.metrics().total(*counter) : 0;
        if (!counter || !compare(value, x.op, x.number))
            actual = QString::number(value);
        break;
    }
    }
    if (!actual)
        return std::nullopt;
    QString text = command.text;
    const qsizetype at = text.indexOf(QLatin1String("expect "));
    if (at >= 0)
        text = text.mid(at + 7).trimmed();
    return Failure{command.line, text, *actual};
}

RunResult Runner::run()
{
    while (!finished() && m_fatal.isEmpty()) {
        beginNext();
        finishCurrent();
    }
    account();
    return result();
}

RunResult Runner::result() const
{
    RunResult r;
    r.passed = m_passed;
    r.failures = m_failures;
    r.fatal = m_fatal;
    r.unrequestedErrors = m_unrequestedErrors;
    r.unrequestedError = m_unrequestedError;
    r.virtualTime = m_lab->now();
    for (int i = 0; i < kCounterCount; ++i)
        r.metrics.insert(counterName(Counter(i)), m_lab->metrics().total(Counter(i)));
    return r;
}

} // namespace cachelab::scenario
