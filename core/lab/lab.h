#pragma once

#include "caller.h"
#include "proxies.h"
#include "truth.h"

#include "../patterns/pattern.h"
#include "../store/storefactory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSet>

#include <memory>
#include <vector>

namespace cachelab {

/// How a lab is set up: the pattern and its options, the number of application instances,
/// the modelled latencies, the random seed (TTL jitter) and tracing.
/// LabConfig::databasePath for the hash-table database of simulations.
inline const QString kHashTableDatabase = QStringLiteral("table:");

struct LabConfig
{
    PatternKind pattern = PatternKind::CacheAside;
    PatternOptions options;
    int clients = 1;
    Latencies latencies;
    quint64 seed = 1;
    qsizetype traceCapacity = 20000;
    bool tracing = true;
    /// Put in the names of this lab's queues and channels in the shared cache, so labs that
    /// share one cache do not read each other's write-behind queues.
    QString namespaceTag;
    /// The shared cache (embedded unless a Redis URL is given) and the database: an SQLite
    /// file, ":memory:" (SQLite in memory, the default) or kHashTableDatabase (MemoryDatabase,
    /// for bulk simulations), used when the Lab is not handed a store or database.
    StoreLocation store;
    QString databasePath = QStringLiteral(":memory:");
    /// With a store that keeps real time, hold virtual time back to the wall clock (1x) while
    /// the lab runs by itself. The GUI drives time from its own frames and turns this off.
    bool paced = true;
    /// At most this many scheduler events in the lab's life (0: no limit); see
    /// Scheduler::setEventBudget. Headless runs set one, so that no input runs for hours.
    std::uint64_t maxEvents = 0;
};

/// The event budget of a headless scenario run unless told otherwise: far above any demo or
/// lesson (the largest use well under a million), far below an hour of work.
inline constexpr std::uint64_t kDefaultMaxEvents = 50'000'000;

/// An application operation and, once it has finished, its outcome.
struct Operation
{
    enum class Kind { Read, Write, Delete, Invalidate };
    quint64 id = 0;
    Kind kind = Kind::Read;
    int client = 0;
    QString key;
    QByteArray value; ///< what a write wrote
    TimeUs startedAt = 0;
    TimeUs finishedAt = -1; ///< -1 while running
    bool ok = false;
    bool crashed = false;    ///< its instance died before it finished
    QString error;           ///< why it failed, for people
    ReadResult result;       ///< what a read returned
    bool stale = false;      ///< a read that returned an older version than the database held
    bool dirty = false;      ///< a read that returned a value whose commit failed
    qint64 truthVersion = 0; ///< the database's version when a read returned
};

/// How an operation ended, as Lab::lastOperation() keeps it. (At namespace scope, not nested
/// in Lab: clang cannot default-construct a nested class with member initialisers inside
/// std::optional members of the class that encloses it.)
struct OperationOutcome
{
    bool ok = false;
    QString error;
    ReadResult result;
};

/// A running lab: one virtual-time scheduler, the shared cache and database behind their
/// instrumented proxies, and N application instances each running the chosen pattern. It is
/// the one object the CLI, the scenario runner, the GUI and the benchmarks drive.
class Lab
{
    Q_DECLARE_TR_FUNCTIONS(Lab)

public:
    /// Uses `store` and `db` if given; otherwise opens config.store and config.databasePath.
    /// Throws CacheError or DatabaseError when they cannot be opened.
    explicit Lab(LabConfig config, std::unique_ptr<CacheStore> store = {},
                 std::unique_ptr<Database> db = {});
    ~Lab();
    Lab(const Lab &) = delete;
    Lab &operator=(const Lab &) = delete;

    const LabConfig &config() const { return m_config; }
    Scheduler &scheduler() { return *m_scheduler; }
    TimeUs now() const { return m_scheduler->now(); }
    TraceLog &trace() { return m_trace; }
    Metrics &metrics() { return m_metrics; }
    const Metrics &metrics() const { return m_metrics; }
    CacheStore &store() { return *m_store; }
    Database &database() { return *m_db; }
    int clients() const { return int(m_instances.size()); }
    Pattern &pattern(int client) { return *m_instances[std::size_t(client)]->pattern; }
    const Pattern &pattern(int client) const { return *m_instances[std::size_t(client)]->pattern; }

    // --- the application's operations --------------------------------------------------
    /// Awaitable forms, for drivers that are coroutines themselves (benchmarks, workloads).
    Task<Operation> perform(Operation::Kind kind, int client, QString key, QByteArray value = {});
    /// Starts an operation and returns its id at once; isRunning(id) tells when it is over.
    quint64 start(Operation::Kind kind, int client, const QString &key,
                  const QByteArray &value = {});
    bool isRunning(quint64 id) const { return m_running.contains(id); }
    /// Starts an operation nobody will ask about by id (workloads): cheaper than start().
    void launch(Operation::Kind kind, int client, const QString &key, const QByteArray &value = {});
    /// The operation as a coroutine for Scheduler::spawn() or spawnAhead(), for a caller
    /// that wants neither its outcome nor its id: what launch() starts.
    Scheduler::Root operation(Operation::Kind kind, int client, QString key, QByteArray value = {});
    int inFlight() const { return m_inFlight; }
    /// What `expect ok|error` and `expect result` look at: the outcome of a client's last
    /// finished operation, and of its last finished read.
    using Outcome = OperationOutcome;
    const std::optional<Outcome> &lastOperation(int client) const;
    const std::optional<Outcome> &lastRead(int client) const;
    /// Called for every operation that finishes (the UI's adapter listens here).
    void setOperationListener(std::function<void(const Operation &)> listener);
    /// Called for every write or delete that succeeded, with the version it has or was
    /// promised, before anything counts or sees its acknowledgement (cachelab-cli --ack-log).
    void setAcknowledgementListener(std::function<void(const Operation &, qint64)> listener);

    // --- the world around the application ------------------------------------------------
    void setCacheFailing(bool failing);
    /// Only the cache's writes fail (SET, DEL, RPUSH, LREM, PUBLISH), with Redis's words for
    /// a full server; reads work. Recovering the cache ends it too.
    void setCacheWritesFailing(bool failing);
    void setDatabaseFailing(bool failing);
    bool cacheFailing() const { return m_cacheProxy.failing(); }
    bool cacheWritesFailing() const { return m_cacheProxy.writesFailing(); }
    bool databaseFailing() const { return m_dbProxy.failing(); }
    /// The instance dies and restarts at once: in-process state is lost, work in flight is
    /// abandoned; acknowledged writes that die with it are counted as lost.
    void crash(int client);
    /// Another system changes the database: no latency, counted in no metric.
    void databasePut(const QString &key, const QByteArray &value);
    void databaseDelete(const QString &key);
    /// Rows item:1 … item:N (values "item 1" …), as the scenario command `seed N` writes them.
    void databaseSeed(int rows);
    /// The same rows, with keys[i] holding seedKey(i + 1): a caller that issues requests for
    /// these keys can share their strings with the database, which then compares keys
    /// without reading them (simulate() does).
    void databaseSeed(const std::vector<QString> &keys);
    /// The key of the i-th seeded row (from 1): "item:i".
    static QString seedKey(int i);

    // --- time ---------------------------------------------------------------------------
    /// True while operations are in flight or background work is pending.
    bool busy() const;
    /// Lets time pass until nothing is busy; false if that did not happen within `limit`.
    bool settle(TimeUs limit = 24 * 3600 * kSecond);
    /// Lets `d` of virtual time pass, running everything due.
    void advance(TimeUs d) { m_scheduler->runUntil(now() + d); }
    /// Runs until operation `id` is over (or nothing is left to run). On an asynchronous
    /// store (Redis on the event loop) a command in flight is waited for before anything
    /// later runs; settle() does the same.
    void runUntilDone(quint64 id);
    /// For a driver of its own (cachelab::Runtime): `at` gives the lab time an answer of an
    /// asynchronous store belongs to when it arrives (default: the lab's clock), and `wake`
    /// runs once its coroutine has been queued to go on.
    void setAnswerDelivery(std::function<TimeUs()> at, std::function<void()> wake);
    /// True when the shared cache keeps real time (Redis): speed is then fixed at 1x.
    bool realTime() const { return m_store->realTime(); }
    /// Delivers invalidation messages that arrived from the cache (call it every frame when
    /// driving time yourself).
    void pump() { m_store->pump(); }

private:
    /// The change-data-capture relay (cdc=on): every cdc-lag from the lab's start it reads
    /// the change log and deletes each changed key from the shared cache.
    Task<void> relayChanges();
    qint64 m_relayed = 0;    // the last change the relay has deleted from the cache
    bool m_relaying = false; // from a poll that will find changes until all are deleted
    /// How long the run loops wait, at most, for an asynchronous store's answer at a time.
    static constexpr int kAnswerWaitMs = 100;
    /// Waits for answers the scheduler cannot see; false when none is awaited.
    bool awaitAnswers();

    // The body of perform() and operation(): an awaitable Task<Operation> or a Root.
    template<typename Coroutine>
    Coroutine operate(Operation::Kind kind, int client, QString key, QByteArray value);

    struct Instance
    {
        Lifetime lifetime;
        std::unique_ptr<Pattern> pattern;
        std::vector<std::unique_ptr<Pattern>> retired; // crashed; their coroutines may unwind
        // The last read and the last other operation; lastOperation() is whichever finished
        // later. Kept apart so a finished read costs one copy, not two.
        std::optional<Outcome> lastRead;
        std::optional<Outcome> lastChange;
        bool lastWasRead = false;
    };

    std::unique_ptr<Pattern> makePattern(int client, const Lifetime &lifetime);
    void finish(Operation &op);
    void stateNote(Participant over, const QString &text, quint8 flags = NoFlags);

    LabConfig m_config;
    std::unique_ptr<Scheduler> m_scheduler;
    TraceLog m_trace;
    Metrics m_metrics;
    Random m_random;
    std::unique_ptr<CacheStore> m_store;
    std::unique_ptr<Database> m_db;
    CacheProxy m_cacheProxy;
    DatabaseProxy m_dbProxy;
    PatternEnv m_env;
    std::vector<std::unique_ptr<Instance>> m_instances;
    QElapsedTimer m_wallClock; // real-time stores: virtual time never runs ahead of it
    TimeUs m_wallLag = 0;
    std::function<TimeUs()> m_answerTime;
    std::function<void()> m_answerWake; // how far the wall clock's origin has moved for a late lab
    QSet<quint64> m_running;            // operations begun with start(), until they finish
    int m_inFlight = 0;                 // every operation, however begun
    quint64 m_nextOperation = 0;
    std::function<void(const Operation &)> m_listener;
    std::function<void(const Operation &, qint64)> m_ackListener;
};

} // namespace cachelab
