#pragma once

#include "cacheaside.h"

#include <QCoreApplication>

#include <vector>

namespace cachelab {

/// Cache-aside behind a circuit breaker. After `failures` consecutive cache failures the
/// breaker opens and reads go straight to the database, sparing a sick cache and the readers'
/// time. With `window=N` it also counts as resilience4j's count-based sliding window does:
/// once N calls have been seen, it opens when `failure-ratio` of the last N failed — so a
/// cache that fails only its writes (a full Redis), whose reads in between keep resetting
/// the consecutive count, is noticed too. After `open-timeout` it turns half-open and lets one
/// trial call through: success closes it, failure opens it again. (The source material's breaker
/// can never leave the open state: it only looks at the clock when a call fails, and while open no
/// call is made.)
class CircuitBreaker final : public CacheAside
{
    Q_DECLARE_TR_FUNCTIONS(CircuitBreaker)

public:
    using CacheAside::CacheAside;

    Task<ReadResult> read(Caller c, const QString &key) override;
    Task<void> write(Caller c, QString key, QByteArray value) override;
    Task<void> remove(Caller c, QString key) override;
    Task<void> invalidate(Caller c, QString key) override;

    std::optional<BreakerStatus> breaker() const override;

    PatternState state() const override;

protected:
    Caller viaCache(const Caller &c) const override;
    bool cacheAdmits(const Caller &c, const QString &cacheKey) override;
    void cacheAnswered(const Caller &c, bool ok) override;

private:
    /// Whether a call to the cache may go out now; if not, draws the refusal.
    bool admit(const Caller &c, const QString &key);
    void succeeded(const Caller &c);
    void failed(const Caller &c);
    void enter(BreakerState state, const QString &why);
    Task<void> halfOpenLater(Caller c, quint64 opening);
    Task<void> guardedRemove(Caller c, QString key);

    /// One call's outcome into the window; true when the window says "open".
    bool recordInWindow(bool failed);
    void clearWindow();

    BreakerState m_state = BreakerState::Closed;
    int m_failures = 0;
    std::vector<bool> m_window; // the last `window` outcomes, a ring (true: failed)
    std::size_t m_windowNext = 0;
    std::size_t m_windowSeen = 0;
    int m_windowFailures = 0;
    bool m_trialInFlight = false;
    TimeUs m_trialAt = -1;
    quint64 m_openings = 0;
};

} // namespace cachelab
