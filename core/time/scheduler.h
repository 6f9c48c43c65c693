#pragma once

#include "clock.h"
#include "task.h"

#include <coroutine>
#include <cstdint>
#include <functional>
#include <vector>

namespace cachelab {

/// The one discrete-event loop of a run. Everything that takes time — a modelled call, a
/// write-behind flush, a breaker timeout — is an event here, ordered by virtual time and then
/// by the order it was scheduled, so a run is deterministic. Single-threaded by design.
class Scheduler
{
public:
    using TimerId = std::uint64_t;

    Scheduler();
    ~Scheduler();
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;

    const Clock &clock() const { return m_clock; }
    TimeUs now() const { return m_clock.now(); }

    /// Starts a coroutine now, without waiting for it. It runs until its first suspension
    /// before spawn() returns. An exception that escapes it goes to the error handler.
    void spawn(Task<void> task);

    /// Resumes a suspended coroutine at virtual time `at` (never earlier than now).
    void resumeAt(TimeUs at, std::coroutine_handle<> h);

    /// Calls `fn` at virtual time `at`. The returned id can cancel it.
    TimerId callAt(TimeUs at, std::function<void()> fn);
    void cancel(TimerId id);

    /// An awaitable that lets `d` of virtual time pass; zero or less does not suspend.
    struct Sleep
    {
        Scheduler *scheduler;
        TimeUs duration;
        bool await_ready() const noexcept { return duration <= 0; }
        void await_suspend(std::coroutine_handle<> h) const
        {
            scheduler->resumeAt(scheduler->now() + duration, h);
        }
        void await_resume() const noexcept {}
    };
    Sleep sleep(TimeUs d) { return Sleep{this, d}; }

    /// Runs the earliest event. Returns false when nothing is scheduled.
    bool step();
    /// Runs every event due at or before `t`, then sets the clock to `t`.
    void runUntil(TimeUs t);
    /// Runs events while `keepGoing()` is true and events remain, at most `maxEvents` of them.
    /// Returns false if it stopped because the limit was reached.
    bool runWhile(const std::function<bool()> &keepGoing, std::uint64_t maxEvents = 50'000'000);

    bool idle() const { return m_heap.empty(); }
    /// Time of the next event, or -1 when nothing is scheduled.
    TimeUs nextEventTime() const;
    std::size_t pendingEvents() const { return m_heap.size(); }
    std::uint64_t eventsRun() const { return m_eventsRun; }

    /// Called with an event's time before it runs (and with the target of runUntil), to hold
    /// virtual time back to the wall clock when a real server keeps real time.
    void setPacer(std::function<void(TimeUs)> pacer) { m_pacer = std::move(pacer); }

    /// Where exceptions that escape spawned coroutines go (default: qWarning).
    void setErrorHandler(std::function<void(std::exception_ptr)> handler);

    struct Root; // the frame that owns a spawned coroutine (defined in scheduler.cpp)

private:
    struct Event
    {
        TimeUs time;
        std::uint64_t seq;
        std::coroutine_handle<> handle; // resumed if set, else the callback in `slot` runs
        std::uint32_t slot;
    };
    struct Later
    {
        bool operator()(const Event &a, const Event &b) const
        {
            return a.time != b.time ? a.time > b.time : a.seq > b.seq;
        }
    };

    void push(Event e);
    void runEvent(const Event &e);

    SimClock m_clock;
    std::vector<Event> m_heap;
    std::uint64_t m_seq = 0;
    std::uint64_t m_eventsRun = 0;
    std::vector<std::function<void()>> m_callbacks; // indexed by slot; empty when free
    std::vector<std::uint64_t> m_callbackIds;
    std::vector<std::uint32_t> m_freeSlots;
    std::function<void(std::exception_ptr)> m_errorHandler;
    std::function<void(TimeUs)> m_pacer;
    void *m_roots = nullptr; // intrusive list of running spawned coroutines (Root frames)
};

} // namespace cachelab
