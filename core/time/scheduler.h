#pragma once

#include "clock.h"
#include "task.h"

#include <coroutine>
#include <cstdint>
#include <functional>
#include <limits>
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
    /// before spawn() returns. An exception that escapes it goes to the error handler; a
    /// result it produces is dropped.
    void spawn(Task<void> task);
    template<typename T> void spawn(Task<T> task);

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
        bool await_ready() const noexcept
        {
            return duration <= 0 || scheduler->passEagerly(duration);
        }
        void await_suspend(std::coroutine_handle<> h) const
        {
            scheduler->resumeAt(later(scheduler->now(), duration), h);
        }
        void await_resume() const noexcept {}
    };
    Sleep sleep(TimeUs d) { return Sleep{this, d}; }

    /// Runs the earliest event. Returns false when nothing is scheduled.
    bool step();
    /// Runs every event due at or before `t`, then sets the clock to `t`.
    void runUntil(TimeUs t);
    /// Runs events while `keepGoing()` is true and events remain. Returns false if it stopped
    /// because the event budget ran out.
    bool runWhile(const std::function<bool()> &keepGoing);

    /// At most `events` events in the scheduler's whole life (default: no limit). Once they
    /// have run, nothing more runs: step() returns false, run loops return, the clock stays,
    /// and exhausted() tells why — so a run that would take hours stops with a message instead.
    void setEventBudget(std::uint64_t events) { m_budget = events; }
    std::uint64_t eventBudget() const { return m_budget; }
    bool exhausted() const { return m_eventsRun >= m_budget && !m_heap.empty(); }

    /// Eager mode, for headless bulk runs (simulations, benchmarks): a sleep that would be the
    /// very next event anyway does not go through the queue — the clock jumps and the
    /// coroutine goes on. The order and times of everything are exactly those of the normal
    /// mode (ties still queue; a spawned coroutine never jumps ahead of its spawner; a run
    /// never passes the time it was asked to stop at); only the bookkeeping is skipped.
    void setEager(bool on) { m_eager = on; }

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

    /// A coroutine the scheduler owns from its start: declare a coroutine as returning Root
    /// and hand what it returns to spawn(). Nobody awaits it; an exception that escapes it
    /// goes to the error handler. (spawn(Task) wraps the task in one of these; a coroutine
    /// that is only ever spawned saves that frame by being a Root itself.)
    ///
    /// Roots form an intrusive list, so that a scheduler destroyed mid-run can free every
    /// coroutine still suspended in it (children are owned by the Task objects inside their
    /// parents' frames: destroying the root frees the whole chain).
    class [[nodiscard]] Root
    {
    public:
        struct promise_type
        {
            Scheduler *scheduler = nullptr;
            promise_type *prev = nullptr;
            promise_type *next = nullptr;

            Root get_return_object() noexcept
            {
                return Root(std::coroutine_handle<promise_type>::from_promise(*this));
            }
            std::suspend_always initial_suspend() const noexcept { return {}; }
            struct Final
            {
                bool await_ready() const noexcept { return false; }
                void await_suspend(std::coroutine_handle<promise_type> h) const noexcept
                {
                    h.promise().unlink();
                    h.destroy();
                }
                void await_resume() const noexcept {}
            };
            Final final_suspend() const noexcept { return {}; }
            void return_void() const noexcept {}
            void unhandled_exception() const noexcept;
            void unlink() noexcept;

            static void *operator new(std::size_t size) { return detail::allocateFrame(size); }
            static void operator delete(void *frame, std::size_t size) noexcept
            {
                detail::freeFrame(frame, size);
            }
        };

        Root(Root &&other) noexcept
            : m_handle(std::exchange(other.m_handle, {}))
        {}
        Root &operator=(Root &&) = delete;
        ~Root()
        {
            if (m_handle) // never spawned: it never started either
                m_handle.destroy();
        }

    private:
        friend class Scheduler;
        explicit Root(std::coroutine_handle<promise_type> h) noexcept
            : m_handle(h)
        {}
        std::coroutine_handle<promise_type> m_handle;
    };
    void spawn(Root root) { adopt(std::move(root)); }

    /// Starts `root` now for a spawner whose next step is at `spawnerNext` (not before now):
    /// right after this returns, the spawner sleeps until then and does nothing else. With a
    /// plain spawn() eager mode cannot let the new coroutine's sleeps skip the queue, since its
    /// spawner waits at the current time; here they may, until just before `spawnerNext`, so a
    /// request that is over before the next one arrives never touches the queue. The order of
    /// everything is that of spawn() (WorkloadDriver starts its requests with it).
    void spawnAhead(Root root, TimeUs spawnerNext);

private:
    template<typename T> static Root runRoot(Task<T> task);
    void adopt(Root root, bool spawnerWaits = true);
    static void reportUnlessCrashed(std::exception_ptr e,
                                    const std::function<void(std::exception_ptr)> &onError);

    struct Event
    {
        TimeUs time;
        std::uint64_t seq;
        std::coroutine_handle<> handle; // resumed if set, else the callback in `slot` runs
        std::uint64_t slot; // (64 bits: no padding, so an event copies as 2 × 16 bytes)
    };
    static bool earlier(const Event &a, const Event &b)
    {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }

    void push(TimeUs time, std::uint64_t seq, std::coroutine_handle<> handle, std::uint32_t slot);
    Event popFront();
    bool passEagerly(TimeUs d) noexcept;
    struct Horizon; // scoped: how far a running loop may let eager sleeps go
    void runEvent(const Event &e);

    SimClock m_clock;
    std::vector<Event> m_heap;
    std::uint64_t m_seq = 0;
    std::uint64_t m_eventsRun = 0;
    std::uint64_t m_budget = std::numeric_limits<std::uint64_t>::max();
    std::vector<std::function<void()>> m_callbacks; // indexed by slot; empty when free
    std::vector<std::uint64_t> m_callbackIds;
    std::vector<std::uint32_t> m_freeSlots;
    std::function<void(std::exception_ptr)> m_errorHandler;
    std::function<void(TimeUs)> m_pacer;
    bool m_eager = false;
    TimeUs m_horizon = -1; // eager sleeps may not end later; -1 outside run loops
    int m_spawning = 0;    // spawns under way whose spawner waits, on the stack, at this time
    int m_eagerStreak = 0; // eager sleeps since the loop last had control
    Root::promise_type *m_roots = nullptr; // running spawned coroutines
};

template<typename T> Scheduler::Root Scheduler::runRoot(Task<T> task)
{
    co_await std::move(task); // an exception goes on to Root's unhandled_exception()
}

template<typename T> void Scheduler::spawn(Task<T> task)
{
    adopt(runRoot(std::move(task)));
}

inline bool Scheduler::passEagerly(TimeUs d) noexcept
{
    if (!m_eager || m_spawning > 0 || m_pacer || m_eventsRun >= m_budget)
        return false;
    const TimeUs t = later(m_clock.now(), d);
    // Strictly before the next event (a tie keeps its queue order), within the loop's horizon,
    // and a bounded number of times in a row, so a periodic timer still hands control back.
    if (t > m_horizon || (!m_heap.empty() && m_heap.front().time <= t) || ++m_eagerStreak > 64)
        return false;
    m_clock.advanceTo(t);
    return true;
}

inline void Scheduler::spawn(Task<void> task)
{
    adopt(runRoot(std::move(task)));
}

} // namespace cachelab
