#include "scheduler.h"

#include "../errors.h"

#include <QDebug>

#include <algorithm>
#include <limits>

namespace cachelab {

void Scheduler::Root::promise_type::unlink() noexcept
{
    if (prev)
        prev->next = next;
    else
        scheduler->m_roots = next;
    if (next)
        next->prev = prev;
}

void Scheduler::reportUnlessCrashed(std::exception_ptr e,
                                    const std::function<void(std::exception_ptr)> &onError)
{
    try {
        std::rethrow_exception(e);
    } catch (const InstanceCrashed &) {
        // Work of an instance that crashed: it just stops, as it would with its process.
    } catch (...) {
        onError(std::current_exception());
    }
}

Scheduler::Scheduler()
    : m_errorHandler([](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception &ex) {
            qWarning("cachelab: a background task failed: %s", ex.what());
        } catch (...) {
            qWarning("cachelab: a background task failed");
        }
    })
{}

Scheduler::~Scheduler()
{
    m_heap.clear();
    while (m_roots) {
        Root::promise_type *p = m_roots;
        p->unlink();
        std::coroutine_handle<Root::promise_type>::from_promise(*p).destroy();
    }
}

void Scheduler::setErrorHandler(std::function<void(std::exception_ptr)> handler)
{
    m_errorHandler = std::move(handler);
}

void Scheduler::Root::promise_type::unhandled_exception() const noexcept
{
    reportUnlessCrashed(std::current_exception(), scheduler->m_errorHandler);
}

void Scheduler::adopt(Root root, bool spawnerWaits)
{
    const auto handle = std::exchange(root.m_handle, {});
    auto &p = handle.promise();
    p.scheduler = this;
    p.next = m_roots;
    if (p.next)
        p.next->prev = &p;
    m_roots = &p;
    m_spawning += int(spawnerWaits);
    handle.resume();
    m_spawning -= int(spawnerWaits);
}

struct Scheduler::Horizon
{
    Scheduler &s;
    TimeUs saved;
    Horizon(Scheduler &scheduler, TimeUs limit)
        : s(scheduler)
        , saved(scheduler.m_horizon)
    {
        s.m_horizon = limit;
    }
    ~Horizon() { s.m_horizon = saved; }
};

void Scheduler::spawnAhead(Root root, TimeUs spawnerNext)
{
    // Strictly before the spawner's next step: at that very time the queue decides, as it
    // would have without eager mode.
    const Horizon before(*this, std::min(m_horizon, spawnerNext - 1));
    adopt(std::move(root), false);
}

// The queue is a binary min-heap on (time, seq), written out rather than std::push_heap and
// std::pop_heap: it takes the event's fields in registers, moves each displaced event once,
// and the bench (tests/bench/bench_simulate) showed the difference. (time, seq) pairs are
// unique, so the order events run in is the same whatever the heap's shape.
void Scheduler::push(TimeUs time, std::uint64_t seq, std::coroutine_handle<> handle,
                     std::uint32_t slot)
{
    std::size_t i = m_heap.size();
    m_heap.emplace_back();
    Event *heap = m_heap.data();
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (heap[parent].time < time || (heap[parent].time == time && heap[parent].seq < seq))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    Event &e = heap[i]; // field by field: a temporary copied whole stalls on the store buffer
    e.time = time;
    e.seq = seq;
    e.handle = handle;
    e.slot = slot;
}

Scheduler::Event Scheduler::popFront()
{
    const Event first = m_heap.front();
    const Event last = m_heap.back();
    m_heap.pop_back();
    const std::size_t n = m_heap.size();
    Event *heap = m_heap.data();
    std::size_t i = 0;
    for (std::size_t child = 1; child < n; child = 2 * i + 1) {
        if (child + 1 < n && earlier(heap[child + 1], heap[child]))
            ++child;
        if (!earlier(heap[child], last))
            break;
        heap[i] = heap[child];
        i = child;
    }
    if (n > 0)
        heap[i] = last;
    return first;
}

void Scheduler::resumeAt(TimeUs at, std::coroutine_handle<> h)
{
    push(std::clamp(at, now(), kEndOfTime), ++m_seq, h, 0);
}

Scheduler::TimerId Scheduler::callAt(TimeUs at, std::function<void()> fn)
{
    std::uint32_t slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(m_callbacks.size());
        m_callbacks.emplace_back();
        m_callbackIds.push_back(0);
    }
    const TimerId id = ++m_seq;
    m_callbacks[slot] = std::move(fn);
    m_callbackIds[slot] = id;
    push(std::clamp(at, now(), kEndOfTime), id, {}, slot);
    return id;
}

void Scheduler::cancel(TimerId id)
{
    // The heap entry stays; it finds its slot reassigned or empty and does nothing.
    for (std::uint32_t slot = 0; slot < m_callbackIds.size(); ++slot) {
        if (m_callbackIds[slot] == id && m_callbacks[slot]) {
            m_callbacks[slot] = nullptr;
            m_callbackIds[slot] = 0;
            m_freeSlots.push_back(slot);
            return;
        }
    }
}

void Scheduler::runEvent(const Event &e)
{
    m_clock.advanceTo(e.time);
    ++m_eventsRun;
    if (e.handle) {
        e.handle.resume();
        return;
    }
    if (m_callbackIds[e.slot] != e.seq || !m_callbacks[e.slot])
        return; // cancelled
    auto fn = std::move(m_callbacks[e.slot]);
    m_callbacks[e.slot] = nullptr;
    m_callbackIds[e.slot] = 0;
    m_freeSlots.push_back(e.slot);
    fn();
}

bool Scheduler::step()
{
    if (m_heap.empty() || m_eventsRun >= m_budget)
        return false;
    if (m_pacer)
        m_pacer(m_heap.front().time); // may schedule work of its own (messages that arrived)
    const Event e = popFront();
    m_eagerStreak = 0;
    runEvent(e);
    return true;
}

void Scheduler::runUntil(TimeUs t)
{
    const Horizon horizon(*this, t);
    while (!m_heap.empty() && m_heap.front().time <= t) {
        if (!step())
            return; // out of budget: the clock stays where the last event left it
    }
    if (m_pacer && t > now()) {
        m_pacer(t);
        while (!m_heap.empty() && m_heap.front().time <= t) { // delivered while waiting
            if (!step())
                return;
        }
    }
    if (t > now())
        m_clock.advanceTo(t);
}

bool Scheduler::runWhile(const std::function<bool()> &keepGoing)
{
    const Horizon horizon(*this, std::numeric_limits<TimeUs>::max());
    while (!m_heap.empty() && keepGoing()) {
        if (!step())
            return false;
    }
    return true;
}

TimeUs Scheduler::nextEventTime() const
{
    return m_heap.empty() ? -1 : m_heap.front().time;
}

} // namespace cachelab
