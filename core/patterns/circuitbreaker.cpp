#include "circuitbreaker.h"
#include "patternstate.h"

#include <QCoreApplication>

namespace cachelab {

std::optional<BreakerStatus> CircuitBreaker::breaker() const
{
    return BreakerStatus{m_state, m_failures, m_state == BreakerState::Open ? m_trialAt : -1};
}

void CircuitBreaker::enter(BreakerState state, const QString &why)
{
    m_state = state;
    note(Participant{Role::Breaker, qint8(m_client)},
         tr("breaker %1: %2").arg(breakerStateName(state), why),
         state == BreakerState::Open ? quint8(Failure) : quint8(NoFlags));
}

bool CircuitBreaker::admit(const Caller &c, const QString &key)
{
    if (m_state == BreakerState::Closed)
        return true;
    if (m_state == BreakerState::HalfOpen && !m_trialInFlight) {
        m_trialInFlight = true; // this call is the one trial
        return true;
    }
    if (m_env.trace.enabled()) {
        TraceEvent e;
        e.opId = c.opId;
        e.time = m_env.scheduler.now();
        e.from = Participant::app(m_client);
        e.to = Participant{Role::Breaker, qint8(m_client)};
        e.kind = EventKind::Call;
        e.verb = Verb::Guard;
        e.key = key;
        m_env.trace.record(e);
        std::swap(e.from, e.to);
        e.kind = EventKind::Return;
        e.verb = Verb::Rejected;
        m_env.trace.record(std::move(e));
    }
    return false;
}

bool CircuitBreaker::recordInWindow(bool failed)
{
    const std::size_t size = std::size_t(m_options.window);
    if (size == 0)
        return false;
    if (m_window.size() != size)
        m_window.assign(size, false);
    if (m_windowSeen == size && m_window[m_windowNext])
        --m_windowFailures; // the oldest outcome leaves the window
    m_window[m_windowNext] = failed;
    m_windowFailures += failed ? 1 : 0;
    m_windowNext = (m_windowNext + 1) % size;
    m_windowSeen = std::min(m_windowSeen + 1, size);
    return m_windowSeen == size &&
           double(m_windowFailures) >= m_options.failureRatio * double(size) - 1e-9;
}

void CircuitBreaker::clearWindow()
{
    std::fill(m_window.begin(), m_window.end(), false);
    m_windowNext = 0;
    m_windowSeen = 0;
    m_windowFailures = 0;
}

void CircuitBreaker::succeeded(const Caller &)
{
    m_failures = 0;
    if (m_state == BreakerState::Closed)
        recordInWindow(false);
    if (m_state == BreakerState::HalfOpen) {
        m_trialInFlight = false;
        m_trialAt = -1;
        clearWindow(); // a closed breaker starts counting afresh
        enter(BreakerState::Closed, tr("the trial call succeeded"));
    }
}

void CircuitBreaker::failed(const Caller &c)
{
    ++m_failures;
    const bool trialFailed = m_state == BreakerState::HalfOpen;
    const bool windowSaysOpen = m_state == BreakerState::Closed && recordInWindow(true);
    const bool consecutive = m_state == BreakerState::Closed && m_failures >= m_options.failures;
    if (!trialFailed && !consecutive && !windowSaysOpen)
        return;
    m_trialInFlight = false;
    m_env.metrics.add(Counter::BreakerOpens, m_client);
    const QString why =
        trialFailed   ? tr("the trial call failed")
        : consecutive ? tr("%n consecutive cache failure(s)", nullptr, m_failures)
                      : tr("%1 of the last %n cache call(s) failed", nullptr, m_options.window)
                            .arg(m_windowFailures);
    clearWindow();
    enter(BreakerState::Open, why);
    if (m_options.textbook) {
        // The source's breaker has no way back: no timer, no trial call.
        note(Participant{Role::Breaker, qint8(m_client)}, tr("textbook: open for good"));
        return;
    }
    m_trialAt = m_env.scheduler.now() + m_options.openTimeout;
    m_env.scheduler.spawn(halfOpenLater(c.as(Role::Breaker), ++m_openings));
}

Task<void> CircuitBreaker::halfOpenLater(Caller c, quint64 opening)
{
    c.opId = 0;
    co_await pause(c, m_options.openTimeout);
    if (m_state == BreakerState::Open && m_openings == opening)
        enter(BreakerState::HalfOpen, tr("the next call is a trial"));
}

Caller CircuitBreaker::viaCache(const Caller &c) const
{
    return c.as(Role::Breaker);
}

bool CircuitBreaker::cacheAdmits(const Caller &c, const QString &cacheKey)
{
    return admit(c, cacheKey);
}

void CircuitBreaker::cacheAnswered(const Caller &c, bool ok)
{
    if (ok)
        succeeded(c);
    else
        failed(c);
}

Task<ReadResult> CircuitBreaker::read(Caller c, const QString &key)
{
    if (m_options.guardsReads()) // the same steps, each cache call through the breaker
        co_return co_await guardedRead(c, key, key, m_options.ttl);
    const Caller viaBreaker = c.as(Role::Breaker);
    if (admit(c, key)) {
        const Lookup found = co_await lookup(viaBreaker, key);
        if (found.cacheFailed) {
            failed(c);
        } else {
            succeeded(c);
            if (found.entry)
                co_return fromCached(*found.entry);
        }
        Loaded loaded = co_await load(c, key);
        if (loaded.leader && !found.cacheFailed && admit(c, key)) {
            try {
                co_await fillOrThrow(viaBreaker, key, loaded.record, m_options.ttl);
                succeeded(c);
            } catch (const CacheError &) {
                failed(c);
            }
        }
        co_return fromRecord(loaded.record);
    }
    Loaded loaded = co_await load(c, key);
    co_return fromRecord(loaded.record);
}

Task<void> CircuitBreaker::guardedRemove(Caller c, QString key)
{
    if (!admit(c, key)) {
        note(c.from, tr("the cache may still hold the old %1").arg(key), Stale, c.opId);
        co_return;
    }
    try {
        co_await m_env.cache.remove(c.as(Role::Breaker), key);
        succeeded(c);
    } catch (const CacheError &) {
        failed(c);
        note(c.from, tr("the cache may still hold the old %1").arg(key), Stale, c.opId);
    }
}

Task<void> CircuitBreaker::write(Caller c, QString key, QByteArray value)
{
    co_await m_env.db.store(c, key, value);
    co_await guardedRemove(c, key);
}

Task<void> CircuitBreaker::remove(Caller c, QString key)
{
    co_await m_env.db.remove(c, key);
    co_await guardedRemove(c, key);
}

Task<void> CircuitBreaker::invalidate(Caller c, QString key)
{
    co_await guardedRemove(c, key);
}

} // namespace cachelab

namespace cachelab {

PatternState CircuitBreaker::state() const
{
    PatternState s;
    s.breaker = breaker();
    return s;
}

} // namespace cachelab
