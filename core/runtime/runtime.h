#pragma once

#include "../lab/lab.h"

#include <QFuture>
#include <QObject>
#include <QPromise>

#include <functional>
#include <memory>
#include <type_traits>

class QThread;

namespace cachelab {

/// How a Runtime is set up: the pattern and its options, the cache and the database, as for a
/// Lab, but with a real application's defaults: no modelled latency, plain values in Redis,
/// no trace.
struct RuntimeConfig
{
    PatternKind pattern = PatternKind::CacheAside;
    PatternOptions options;
    /// Application instances in this process (each its own pattern object: own L1, own queue).
    int instances = 1;
    /// Empty: the embedded store; else a Redis URL. `store.versioned` is false here: values are
    /// the application's bytes (see RedisStore::Options::versioned for what that gives up).
    StoreLocation store = plainStore();
    /// An SQLite file, or ":memory:".
    QString databasePath = QStringLiteral(":memory:");
    /// Added on top of the real calls; zero unless a program wants to feel a slow network.
    Latencies latencies = Latencies{0, 0, 0, 0};
    /// Keep the sequence-diagram trace (the lab's TraceLog) of this many messages; 0: none.
    qsizetype traceCapacity = 0;

    static StoreLocation plainStore()
    {
        StoreLocation s;
        s.versioned = false;
        return s;
    }
};

/// Cache Lab's patterns for a real program: runs them on a Qt event loop in wall time, so
/// TTLs expire, write-behind queues flush, refresh-ahead refreshes and breakers close on real
/// timers, with nobody pumping anything.
///
/// Inside it is a Lab whose scheduler keeps wall time: its clock is the time since the Runtime
/// started, and one precise QTimer is armed for the scheduler's next event. The Lab lives on
/// the Runtime's own thread. Redis is called through hiredis's asynchronous API on that
/// thread's event loop, so operations overlap: a hundred reads in flight wait for Redis
/// together, not one after another, and a stopped Redis holds up only the operations that
/// need it (each fails after the command time-out). Database calls (Qt SQL) are blocking, on
/// that thread; either way the thread the Runtime was created in — a GUI — never waits.
///
/// Results are QFutures: each call has exactly one answer, which a caller can chain with
/// `.then(context, …)`, watch with a QFutureWatcher or, in a test, wait for. The signal
/// finished() reports every operation too, for code that would rather listen in one place.
class Runtime final : public QObject
{
    Q_OBJECT

public:
    /// What an operation came to.
    struct Result
    {
        bool ok = false;
        QString error;        ///< why it failed, for people
        bool found = false;   ///< a read found a value
        QByteArray value;     ///< what a read returned
        TimeUs took = 0;      ///< wall time from start to finish, in microseconds
        bool crashed = false; ///< the instance was crashed while it ran
    };

    /// Opens the cache and the database (on the Runtime's thread; the constructor waits for
    /// that, at most the connect timeout) and starts the patterns. Throws CacheError or
    /// DatabaseError with a message that says what to do.
    explicit Runtime(RuntimeConfig config, QObject *parent = nullptr);
    ~Runtime() override;

    QFuture<Result> read(const QString &key, int instance = 0);
    QFuture<Result> write(const QString &key, const QByteArray &value, int instance = 0);
    QFuture<Result> remove(const QString &key, int instance = 0);
    /// The instance dies and restarts: what was only in its memory (a volatile write-behind
    /// queue, its L1) is gone; a durable queue is replayed by the new one.
    QFuture<void> crash(int instance = 0);
    /// Finishes once nothing is in flight and no background work (flush, refresh) is pending.
    QFuture<void> whenIdle();

    /// Runs `fn(lab)` on the Runtime's thread, between events, and gives back what it
    /// returns: for looking at the database or the cache (`lab.database().load(key)`),
    /// seeding rows, or the counters. An exception it throws comes out of the future.
    template<typename F> auto inLab(F fn) -> QFuture<std::invoke_result_t<F, Lab &>>;

Q_SIGNALS:
    /// Every operation, when it is over (emitted on the Runtime's own thread of affinity).
    void finished(const QString &key, const cachelab::Runtime::Result &result);
    /// Background work failed where no caller waits (a flush that could not reach the
    /// database, for example).
    void backgroundError(const QString &message);

private:
    class Engine;
    void post(std::function<void(Lab &)> job);
    QFuture<Result> operate(Operation::Kind kind, int instance, const QString &key,
                            const QByteArray &value);

    QThread *m_thread = nullptr;
    Engine *m_engine = nullptr; // lives on m_thread
};

template<typename F> auto Runtime::inLab(F fn) -> QFuture<std::invoke_result_t<F, Lab &>>
{
    using R = std::invoke_result_t<F, Lab &>;
    auto promise = std::make_shared<QPromise<R>>();
    QFuture<R> future = promise->future();
    promise->start();
    post([promise, fn = std::move(fn)](Lab &lab) mutable {
        try {
            if constexpr (std::is_void_v<R>)
                fn(lab);
            else
                promise->addResult(fn(lab));
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    });
    return future;
}

} // namespace cachelab
