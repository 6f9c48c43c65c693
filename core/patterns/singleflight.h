#pragma once

#include "../time/scheduler.h"

#include <QHash>
#include <QString>

#include <coroutine>
#include <memory>
#include <vector>

namespace cachelab {

/// Concurrent misses of one key share one load: the first caller (the leader) loads, the
/// others wait for its result. The cure for a cache stampede within one instance.
template<typename T> class SingleFlight
{
public:
    struct Flight
    {
        std::optional<T> result;
        std::exception_ptr error;
        std::vector<std::coroutine_handle<>> waiters;
        bool done = false;
    };

    /// Awaiting this waits for the flight's outcome (the result, or the leader's exception).
    struct Join
    {
        std::shared_ptr<Flight> flight;
        bool await_ready() const noexcept { return flight->done; }
        void await_suspend(std::coroutine_handle<> h) { flight->waiters.push_back(h); }
        T await_resume() const
        {
            if (flight->error)
                std::rethrow_exception(flight->error);
            return *flight->result;
        }
    };

    explicit SingleFlight(Scheduler &scheduler)
        : m_scheduler(scheduler)
    {}

    /// The flight in progress for `key`, if any.
    std::shared_ptr<Flight> find(const QString &key) const { return m_flights.value(key); }
    qsizetype inFlight() const { return m_flights.size(); }

    /// Starts a flight for `key`; the caller is its leader and must finish or fail it.
    std::shared_ptr<Flight> start(const QString &key)
    {
        auto flight = std::make_shared<Flight>();
        m_flights.insert(key, flight);
        return flight;
    }
    void finish(const QString &key, const std::shared_ptr<Flight> &flight, T result)
    {
        flight->result = std::move(result);
        land(key, flight);
    }
    void fail(const QString &key, const std::shared_ptr<Flight> &flight, std::exception_ptr e)
    {
        flight->error = e;
        land(key, flight);
    }

private:
    void land(const QString &key, const std::shared_ptr<Flight> &flight)
    {
        flight->done = true;
        if (m_flights.value(key) == flight)
            m_flights.remove(key);
        // Waiters resume as events of this instant, in the order they arrived.
        for (auto h : flight->waiters)
            m_scheduler.resumeAt(m_scheduler.now(), h);
        flight->waiters.clear();
    }

    Scheduler &m_scheduler;
    QHash<QString, std::shared_ptr<Flight>> m_flights;
};

} // namespace cachelab
