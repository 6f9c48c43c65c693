#pragma once

#include "cacheaside.h"

#include "../keymap.h"

#include <deque>

namespace cachelab {

/// Refresh-ahead: reads are served from the cache as in cache-aside, but a read that finds an
/// entry near the end of its TTL asks the background refresher to load it again, so a hot key
/// is renewed before it expires and its readers never pay for a miss. Writes are cache-aside's.
class RefreshAhead final : public CacheAside
{
public:
    using CacheAside::CacheAside;

    Task<ReadResult> read(Caller c, const QString &key) override;

    bool busy() const override { return !m_queue.empty() || Pattern::busy(); }
    QList<RefreshItem> refreshQueue() const override;

    PatternState state() const override;

protected:
    void onFreshHit(const Caller &c, const QString &key, TimeUs left) override;

private:
    void schedule(const Caller &c, const QString &key);
    Task<void> work(Caller c);

    KeyMap<int> m_reads;             // reads per key in this instance, for min-access
    std::deque<RefreshItem> m_queue; // front is running when m_working
    bool m_working = false;
};

} // namespace cachelab
