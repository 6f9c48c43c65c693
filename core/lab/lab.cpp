#include "lab.h"

#include "../database/memorydatabase.h"
#include "../database/sqldatabase.h"
#include "../patterns/around.h"
#include "../patterns/cacheaside.h"
#include "../patterns/circuitbreaker.h"
#include "../patterns/multilevel.h"
#include "../patterns/refreshahead.h"
#include "../patterns/writebehind.h"
#include "../patterns/writethrough.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QThread>

namespace cachelab {

namespace {

QString newOrigin()
{
    static QAtomicInt labs;
    return QStringLiteral("%1-%2")
        .arg(QCoreApplication::applicationPid())
        .arg(labs.fetchAndAddRelaxed(1));
}

} // namespace

Lab::Lab(LabConfig config, std::unique_ptr<CacheStore> store, std::unique_ptr<Database> db)
    : m_config(std::move(config))
    , m_scheduler(std::make_unique<Scheduler>())
    , m_trace(m_config.traceCapacity)
    , m_metrics(m_config.clients)
    , m_random(m_config.seed)
    , m_store(store ? std::move(store) : openCacheStore(m_config.store, m_scheduler->clock()))
    , m_db(db ? std::move(db)
           : m_config.databasePath == kHashTableDatabase
               ? std::unique_ptr<Database>(std::make_unique<MemoryDatabase>())
               : std::make_unique<SqlDatabase>(m_config.databasePath))
    , m_cacheProxy(ProxyEnv{*m_scheduler, m_trace, m_metrics, m_config.latencies}, *m_store)
    , m_dbProxy(ProxyEnv{*m_scheduler, m_trace, m_metrics, m_config.latencies}, *m_db)
    , m_env{*m_scheduler,     m_cacheProxy,          m_dbProxy,          m_metrics,
            m_trace,          m_config.options,      m_config.latencies, m_random,
            m_config.clients, m_config.namespaceTag, newOrigin()}
{
    m_config.clients = std::clamp(m_config.clients, 1, 26);
    m_trace.setEnabled(m_config.tracing);
    if (m_config.maxEvents > 0)
        m_scheduler->setEventBudget(m_config.maxEvents);
    for (int client = 0; client < m_config.clients; ++client) {
        auto instance = std::make_unique<Instance>();
        instance->pattern = makePattern(client, instance->lifetime);
        m_instances.push_back(std::move(instance));
    }
    for (auto &instance : m_instances)
        instance->pattern->start();
    if (m_config.options.cdc) {
        m_db->enableChangeLog();
        m_scheduler->spawn(relayChanges());
    }
    if (m_store->realTime() && m_config.paced) {
        m_wallClock.start();
        m_scheduler->setPacer([this](TimeUs t) {
            // Real time: wait until the wall clock reaches t, listening for messages. When the
            // lab is late instead (a busy machine), the wall clock's origin moves up to t: what
            // was set in the server then lives at least as long, in real time, as its TTL says
            // in virtual time, and never expires later than the scenario expects.
            for (;;) {
                m_store->pump();
                m_store->waitForReplies(0); // an answer that came in is the next event
                if (const TimeUs next = m_scheduler->nextEventTime(); next >= 0 && next < t)
                    return;
                const TimeUs ahead = t - (m_wallClock.nsecsElapsed() / 1000 - m_wallLag);
                if (ahead <= 0) {
                    m_wallLag -= ahead;
                    return;
                }
                QThread::usleep(static_cast<unsigned long>(std::min<TimeUs>(ahead, 1000)));
            }
        });
    }
    if (m_store->asynchronous()) {
        m_store->setResumer([this](std::coroutine_handle<> h) {
            TimeUs at = now();
            if (m_answerTime)
                at = std::max(at, m_answerTime());
            else if (m_wallClock.isValid())
                at = std::max(at, m_wallClock.nsecsElapsed() / 1000 - m_wallLag);
            m_scheduler->resumeAt(at, h);
            if (m_answerWake)
                m_answerWake();
        });
    }
}

Lab::~Lab()
{
    // Coroutine frames go first, while everything they refer to still exists.
    m_scheduler.reset();
}

std::unique_ptr<Pattern> Lab::makePattern(int client, const Lifetime &lifetime)
{
    switch (m_config.pattern) {
    case PatternKind::CacheAside:
        return std::make_unique<CacheAside>(m_env, client, lifetime);
    case PatternKind::WriteThrough:
        return std::make_unique<WriteThrough>(m_env, client, lifetime);
    case PatternKind::WriteBehind:
        return std::make_unique<WriteBehind>(m_env, client, lifetime);
    case PatternKind::RefreshAhead:
        return std::make_unique<RefreshAhead>(m_env, client, lifetime);
    case PatternKind::Around:
        return std::make_unique<Around>(m_env, client, lifetime);
    case PatternKind::MultiLevel:
        return std::make_unique<MultiLevel>(m_env, client, lifetime);
    case PatternKind::CircuitBreaker:
        return std::make_unique<CircuitBreaker>(m_env, client, lifetime);
    }
    Q_UNREACHABLE();
}

void Lab::setAcknowledgementListener(std::function<void(const Operation &, qint64)> listener)
{
    m_ackListener = std::move(listener);
}

void Lab::setOperationListener(std::function<void(const Operation &)> listener)
{
    m_listener = std::move(listener);
}

const std::optional<Lab::Outcome> &Lab::lastOperation(int client) const
{
    const Instance &instance = *m_instances[std::size_t(client)];
    return instance.lastWasRead ? instance.lastRead : instance.lastChange;
}

const std::optional<Lab::Outcome> &Lab::lastRead(int client) const
{
    return m_instances[std::size_t(client)]->lastRead;
}

Task<Operation> Lab::perform(Operation::Kind kind, int client, QString key, QByteArray value)
{
    return operate<Task<Operation>>(kind, client, std::move(key), std::move(value));
}

Scheduler::Root Lab::operation(Operation::Kind kind, int client, QString key, QByteArray value)
{
    return operate<Scheduler::Root>(kind, client, std::move(key), std::move(value));
}

template<typename Coroutine>
Coroutine Lab::operate(Operation::Kind kind, int client, QString key, QByteArray value)
{
    Instance &instance = *m_instances[std::size_t(client)];
    Operation op;
    op.id = ++m_nextOperation;
    op.kind = kind;
    op.client = client;
    op.key = std::move(key);
    op.value = std::move(value);
    op.startedAt = now();
    ++m_inFlight;
    if (kind == Operation::Kind::Read)
        m_metrics.add(Counter::Reads, client);
    else if (kind != Operation::Kind::Invalidate)
        m_metrics.add(Counter::Writes, client);

    const Caller c{&instance.lifetime, instance.lifetime.epoch(), op.id, Participant::app(client)};
    Pattern &pattern = *instance.pattern;
    try {
        switch (kind) {
        case Operation::Kind::Read:
            op.result = co_await pattern.read(c, op.key);
            break;
        case Operation::Kind::Write:
            co_await pattern.write(c, op.key, op.value);
            break;
        case Operation::Kind::Delete:
            co_await pattern.remove(c, op.key);
            break;
        case Operation::Kind::Invalidate:
            co_await pattern.invalidate(c, op.key);
            break;
        }
        op.ok = true;
    } catch (const InstanceCrashed &) {
        op.crashed = true;
        op.error = tr("the instance crashed before the operation finished");
    } catch (const Error &e) {
        op.error = e.message();
    }
    finish(op);
    if constexpr (std::is_same_v<Coroutine, Task<Operation>>)
        co_return std::move(op);
}

void Lab::finish(Operation &op)
{
    --m_inFlight;
    m_running.remove(op.id);
    op.finishedAt = now();
    if (op.crashed)
        return; // nobody is left to see the outcome
    if (m_ackListener && op.ok &&
        (op.kind == Operation::Kind::Write || op.kind == Operation::Kind::Delete)) {
        const Pattern &pattern = *m_instances[std::size_t(op.client)]->pattern;
        m_ackListener(op, pattern.acknowledgedVersion(op.key));
    }
    const TimeUs took = op.finishedAt - op.startedAt;
    if (op.kind == Operation::Kind::Read && op.ok) {
        op.truthVersion = m_db->version(op.key);
        const Copy copy{op.result.found, op.result.version, op.result.pending};
        // exists() is only asked when the answer matters (a "no such row"): this is hot.
        op.stale = copy.found || copy.pending
                       ? isStale(copy, Truth{op.truthVersion, true})
                       : isStale(copy, Truth{op.truthVersion, m_db->exists(op.key)});
        if (op.stale)
            m_metrics.add(Counter::StaleReads, op.client);
        op.dirty =
            op.result.found && m_dbProxy.commitFailed(op.key, op.result.version, op.result.value);
        if (op.dirty)
            m_metrics.add(Counter::DirtyReads, op.client);
    }
    if (op.kind == Operation::Kind::Read)
        m_metrics.readLatency().record(took);
    else if (op.kind != Operation::Kind::Invalidate)
        m_metrics.writeLatency().record(took);

    if (m_trace.enabled()) {
        TraceEvent e;
        e.opId = op.id;
        e.time = now();
        e.from = e.to = Participant::app(op.client);
        e.kind = EventKind::Return;
        e.verb =
            op.ok ? (op.kind == Operation::Kind::Read ? Verb::Result : Verb::Ok) : Verb::Result;
        e.key = op.key;
        e.value = op.result.value;
        e.version = op.result.version;
        e.number = took;
        if (!op.ok) {
            e.flags |= Failure;
            e.text = op.error;
        } else if (op.kind == Operation::Kind::Read && !op.result.found) {
            e.flags |= Negative;
        }
        if (op.stale) {
            e.flags |= Stale;
            e.text = op.result.found
                         ? tr("stale: got v%1, the database has v%2")
                               .arg(op.result.version)
                               .arg(op.truthVersion)
                         : tr("stale: got nothing, the database has v%1").arg(op.truthVersion);
        }
        if (op.dirty) {
            e.flags |= Dirty;
            e.text =
                tr("dirty: got v%1, which the database never committed").arg(op.result.version);
        }
        m_trace.record(std::move(e));
    }

    Instance &instance = *m_instances[std::size_t(op.client)];
    instance.lastWasRead = op.kind == Operation::Kind::Read;
    std::optional<Outcome> &last = instance.lastWasRead ? instance.lastRead : instance.lastChange;
    if (!last)
        last.emplace();
    last->ok = op.ok;
    if (!op.error.isNull() || !last->error.isNull())
        last->error = op.error;
    if (instance.lastWasRead)
        last->result = op.result;
    if (m_listener)
        m_listener(op);
}

quint64 Lab::start(Operation::Kind kind, int client, const QString &key, const QByteArray &value)
{
    const quint64 id = m_nextOperation + 1; // operation() takes this id synchronously
    m_running.insert(id);
    m_scheduler->spawn(operation(kind, client, key, value));
    return id;
}

void Lab::launch(Operation::Kind kind, int client, const QString &key, const QByteArray &value)
{
    m_scheduler->spawn(operation(kind, client, key, value));
}

void Lab::runUntilDone(quint64 id)
{
    if (!m_store->asynchronous()) {
        m_scheduler->runWhile([&] { return isRunning(id); });
        return;
    }
    while (isRunning(id)) {
        if (awaitAnswers())
            continue;
        if (!m_scheduler->step())
            return;
    }
}

bool Lab::awaitAnswers()
{
    if (m_store->pendingCommands() == 0)
        return false;
    m_store->waitForReplies(kAnswerWaitMs); // each command has its time-out: this ends
    return true;
}

void Lab::setAnswerDelivery(std::function<TimeUs()> at, std::function<void()> wake)
{
    m_answerTime = std::move(at);
    m_answerWake = std::move(wake);
}

void Lab::stateNote(Participant over, const QString &text, quint8 flags)
{
    m_trace.note(now(), over, text, flags);
}

void Lab::setCacheFailing(bool failing)
{
    if (failing == m_cacheProxy.failing())
        return;
    m_cacheProxy.setFailing(failing);
    stateNote(Participant::cache(), failing ? tr("the cache is down") : tr("the cache is back"),
              failing ? quint8(Failure) : quint8(NoFlags));
}

void Lab::setCacheWritesFailing(bool failing)
{
    if (failing == m_cacheProxy.writesFailing())
        return;
    m_cacheProxy.setWritesFailing(failing);
    stateNote(Participant::cache(),
              failing ? tr("the cache is full: writes fail, reads work")
                      : tr("the cache takes writes again"),
              failing ? quint8(Failure) : quint8(NoFlags));
}

void Lab::setDatabaseFailing(bool failing)
{
    if (failing == m_dbProxy.failing())
        return;
    m_dbProxy.setFailing(failing);
    stateNote(Participant::db(), failing ? tr("the database is down") : tr("the database is back"),
              failing ? quint8(Failure) : quint8(NoFlags));
}

void Lab::crash(int client)
{
    Instance &instance = *m_instances[std::size_t(client)];
    const int lost = instance.pattern->crash();
    if (lost > 0)
        m_metrics.add(Counter::LostWrites, client, lost);
    instance.lifetime.endEpoch();
    instance.retired.push_back(std::move(instance.pattern));
    instance.lastChange.reset();
    instance.lastRead.reset();
    instance.lastWasRead = false;
    stateNote(Participant::app(client), tr("crashed and restarted: in-process state is gone"),
              Failure);
    instance.pattern = makePattern(client, instance.lifetime);
    instance.pattern->start();
}

void Lab::databasePut(const QString &key, const QByteArray &value)
{
    const qint64 version = m_db->store(key, value, now());
    stateNote(Participant::db(),
              tr("another system wrote %1 = %2 (v%3)").arg(key, displayValue(value)).arg(version));
}

void Lab::databaseDelete(const QString &key)
{
    m_db->remove(key, now());
    stateNote(Participant::db(), tr("another system deleted %1").arg(key));
}

QString Lab::seedKey(int i)
{
    return QStringLiteral("item:%1").arg(i);
}

void Lab::databaseSeed(int rows)
{
    std::vector<QString> keys;
    keys.reserve(std::size_t(std::max(0, rows)));
    for (int i = 1; i <= rows; ++i)
        keys.push_back(seedKey(i));
    databaseSeed(keys);
}

void Lab::databaseSeed(const std::vector<QString> &keys)
{
    QList<RowWrite> batch;
    batch.reserve(qsizetype(keys.size()));
    for (std::size_t i = 0; i < keys.size(); ++i)
        batch.append(RowWrite{keys[i], QStringLiteral("item %1").arg(i + 1).toUtf8()});
    m_db->writeBatch(batch, now());
    stateNote(Participant::db(), tr("seeded %n row(s): item:1 …", nullptr, int(keys.size())));
}

Task<void> Lab::relayChanges()
{
    const Caller relay{nullptr, 0, 0, Participant::relay()};
    const TimeUs lag = m_config.options.cdcLag;
    for (;;) {
        // Every cdc-lag from the lab's start; a poll that overran skips to the next tick.
        const TimeUs tick = later(now() / lag * lag, lag);
        co_await m_scheduler->sleep(tick - now());
        QList<Change> changes;
        // settle waits for what this poll will find (and for a backlog the cache refused)
        m_relaying = m_relaying || m_db->hasChangesAfter(m_relayed);
        try {
            changes = co_await m_dbProxy.readChanges(relay, m_relayed);
        } catch (const DatabaseError &) {
            m_relaying = false;
            continue; // drawn and counted by the proxy; the next poll tries again
        }
        m_relaying = !changes.isEmpty();
        bool carried = true;
        for (const Change &change : std::as_const(changes)) {
            try {
                co_await m_cacheProxy.remove(relay, change.key);
            } catch (const CacheError &) {
                carried = false; // the same change again at the next poll: none is skipped
                break;
            }
            m_metrics.add(Counter::CdcDeletions, 0);
            m_relayed = change.sequence;
        }
        m_relaying = !carried; // a backlog the cache refused is still in flight
    }
}

bool Lab::busy() const
{
    if (m_inFlight > 0 || m_store->pendingCommands() > 0)
        return true;
    if (m_config.options.cdc && (m_relaying || m_db->hasChangesAfter(m_relayed)))
        return true; // changes the relay has still to carry to the cache
    for (const auto &instance : m_instances) {
        if (instance->pattern->busy())
            return true;
    }
    return false;
}

bool Lab::settle(TimeUs limit)
{
    const TimeUs deadline = later(now(), limit);
    if (!m_store->asynchronous()) {
        m_scheduler->runWhile([&] { return busy() && m_scheduler->nextEventTime() <= deadline; });
        return !busy();
    }
    while (busy()) {
        if (awaitAnswers())
            continue;
        const TimeUs next = m_scheduler->nextEventTime();
        if (next < 0 || next > deadline || !m_scheduler->step())
            break;
    }
    return !busy();
}

} // namespace cachelab
