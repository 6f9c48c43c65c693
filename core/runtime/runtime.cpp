#include "runtime.h"

#include "../errors.h"

#include <QElapsedTimer>
#include <QHash>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <climits>

namespace cachelab {

namespace {

Runtime::Result resultOf(const Operation &op)
{
    Runtime::Result r;
    r.ok = op.ok;
    r.error = op.error;
    r.found = op.result.found;
    r.value = op.result.value;
    r.took = op.finishedAt >= 0 ? op.finishedAt - op.startedAt : 0;
    r.crashed = op.crashed;
    return r;
}

LabConfig labConfig(const RuntimeConfig &config)
{
    LabConfig lab;
    lab.pattern = config.pattern;
    lab.options = config.options;
    lab.clients = config.instances;
    lab.latencies = config.latencies;
    lab.tracing = config.traceCapacity > 0;
    lab.traceCapacity = std::max<qsizetype>(config.traceCapacity, 1);
    lab.store = config.store;
    lab.store.eventLoop = true; // hiredis on this thread's event loop: nothing blocks it
    lab.databasePath = config.databasePath;
    lab.paced = false; // the Runtime's timer keeps time, not a busy-waiting pacer
    return lab;
}

// How often a Redis store's subscriber socket is read (invalidation messages for L1 caches).
constexpr int kPumpIntervalMs = 20;

} // namespace

/// The Lab and its timers, on the Runtime's thread. Virtual time is wall time: the scheduler
/// is run up to "microseconds since start" whenever something happens, and a single-shot
/// precise timer is armed for its next event.
class Runtime::Engine final : public QObject
{
public:
    explicit Engine(Runtime *owner)
        : m_owner(owner)
    {}

    void open(const RuntimeConfig &config)
    {
        m_lab = std::make_unique<Lab>(labConfig(config));
        m_wall.start();
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        m_timer->setTimerType(Qt::PreciseTimer);
        connect(m_timer, &QTimer::timeout, this, [this] { work({}); });
        if (m_lab->realTime()) {
            m_pump = new QTimer(this);
            m_pump->setInterval(kPumpIntervalMs);
            connect(m_pump, &QTimer::timeout, this, [this] { work({}); });
            m_pump->start();
        }
        m_lab->scheduler().setErrorHandler([this](std::exception_ptr e) {
            QString message = Runtime::tr("a background task failed");
            try {
                std::rethrow_exception(e);
            } catch (const Error &error) {
                message = error.message();
            } catch (const std::exception &error) {
                message = QString::fromLocal8Bit(error.what());
            } catch (...) {
            }
            QMetaObject::invokeMethod(
                m_owner, [owner = m_owner, message] { Q_EMIT owner->backgroundError(message); });
        });
        m_lab->setOperationListener([this](const Operation &op) { finished(op); });
        // An answer from Redis belongs to the moment it arrives; its coroutine goes on now.
        m_lab->setAnswerDelivery([this] { return wallNow(); }, [this] { m_timer->start(0); });
        work({});
    }

    void close()
    {
        m_lab.reset(); // unfinished promises are cancelled as they go
        m_waiting.clear();
        m_idle.clear();
        delete m_timer;
        delete m_pump;
        m_timer = m_pump = nullptr;
    }

    /// Brings the lab's time up to the wall clock, runs `job`, and arms the timer again.
    void work(const std::function<void(Lab &)> &job)
    {
        if (!m_lab)
            return;
        m_lab->pump();
        m_lab->scheduler().runUntil(std::max(wallNow(), m_lab->now()));
        if (job)
            job(*m_lab);
        if (!m_idle.isEmpty() && !m_lab->busy()) {
            for (const auto &promise : std::as_const(m_idle))
                promise->finish();
            m_idle.clear();
        }
        arm();
    }

    void start(Operation::Kind kind, int instance, const QString &key, const QByteArray &value,
               const std::shared_ptr<QPromise<Result>> &promise)
    {
        if (instance < 0 || instance >= m_lab->clients()) {
            Result r;
            r.error = Runtime::tr("there is no instance %1 (this runtime has %n instance(s))",
                                  nullptr, m_lab->clients())
                          .arg(instance);
            promise->addResult(r);
            promise->finish();
            return;
        }
        m_starting = promise; // an operation with nothing to wait for ends inside start()
        const quint64 id = m_lab->start(kind, instance, key, value);
        if (m_starting)
            m_waiting.insert(id, promise);
        m_starting.reset();
    }

    void whenIdle(const std::shared_ptr<QPromise<void>> &promise) { m_idle.append(promise); }

private:
    TimeUs wallNow() const { return m_wall.nsecsElapsed() / 1000; }

    void arm()
    {
        const TimeUs next = m_lab->scheduler().nextEventTime();
        if (next < 0) {
            m_timer->stop();
            return;
        }
        const TimeUs waitUs = std::max<TimeUs>(0, next - wallNow());
        m_timer->start(int(std::min<TimeUs>((waitUs + 999) / 1000, INT_MAX)));
    }

    void finished(const Operation &op)
    {
        std::shared_ptr<QPromise<Result>> promise = m_waiting.take(op.id);
        if (!promise)
            promise = std::exchange(m_starting, nullptr);
        const Result result = resultOf(op);
        if (promise) {
            promise->addResult(result);
            promise->finish();
        }
        QMetaObject::invokeMethod(m_owner, [owner = m_owner, key = op.key, result] {
            Q_EMIT owner->finished(key, result);
        });
    }

    Runtime *m_owner;
    std::unique_ptr<Lab> m_lab;
    QElapsedTimer m_wall;
    QTimer *m_timer = nullptr;
    QTimer *m_pump = nullptr;
    QHash<quint64, std::shared_ptr<QPromise<Result>>> m_waiting;
    std::shared_ptr<QPromise<Result>> m_starting;
    QList<std::shared_ptr<QPromise<void>>> m_idle;
};

Runtime::Runtime(RuntimeConfig config, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_engine(new Engine(this))
{
    m_thread->setObjectName(QStringLiteral("cachelab::Runtime"));
    m_engine->moveToThread(m_thread);
    m_thread->start();
    std::exception_ptr failure;
    QMetaObject::invokeMethod(
        m_engine,
        [&] {
            try {
                m_engine->open(config);
            } catch (...) {
                failure = std::current_exception();
                m_engine->close();
            }
        },
        Qt::BlockingQueuedConnection);
    if (failure) {
        m_thread->quit();
        m_thread->wait();
        delete m_engine;
        m_engine = nullptr;
        std::rethrow_exception(failure);
    }
}

Runtime::~Runtime()
{
    QMetaObject::invokeMethod(
        m_engine, [this] { m_engine->close(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_engine;
}

void Runtime::post(std::function<void(Lab &)> job)
{
    QMetaObject::invokeMethod(m_engine,
                              [engine = m_engine, job = std::move(job)] { engine->work(job); });
}

QFuture<Runtime::Result> Runtime::operate(Operation::Kind kind, int instance, const QString &key,
                                          const QByteArray &value)
{
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(m_engine, [engine = m_engine, kind, instance, key, value, promise] {
        engine->work([&](Lab &) { engine->start(kind, instance, key, value, promise); });
    });
    return future;
}

QFuture<Runtime::Result> Runtime::read(const QString &key, int instance)
{
    return operate(Operation::Kind::Read, instance, key, {});
}

QFuture<Runtime::Result> Runtime::write(const QString &key, const QByteArray &value, int instance)
{
    return operate(Operation::Kind::Write, instance, key, value);
}

QFuture<Runtime::Result> Runtime::remove(const QString &key, int instance)
{
    return operate(Operation::Kind::Delete, instance, key, {});
}

QFuture<void> Runtime::crash(int instance)
{
    return inLab([instance](Lab &lab) {
        if (instance >= 0 && instance < lab.clients())
            lab.crash(instance);
    });
}

QFuture<void> Runtime::whenIdle()
{
    auto promise = std::make_shared<QPromise<void>>();
    QFuture<void> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(m_engine, [engine = m_engine, promise] {
        engine->work([&](Lab &) { engine->whenIdle(promise); });
    });
    return future;
}

} // namespace cachelab
