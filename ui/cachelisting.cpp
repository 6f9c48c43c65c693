#include "cachelisting.h"

namespace cachelab::ui {

bool CacheListing::request(Lab &lab)
{
    if (&lab != m_lab) {
        m_lab = &lab;
        ++m_generation;
        m_entries.clear();
        m_inFlight = false;
        m_again = false;
    }
    CacheStore &store = lab.store();
    if (!store.asynchronous()) {
        try {
            m_entries = store.scan();
        } catch (const Error &e) {
            Q_EMIT failed(e.message()); // keep showing what we last saw
        }
        return true;
    }
    if (m_inFlight) {
        m_again = true;
        return false;
    }
    m_inFlight = true;
    const quint64 generation = m_generation;
    // The store drops these callbacks unanswered if it goes away first (a new lab).
    store.scanAsync([this, generation](QList<CacheItem> items) { arrived(generation, items); },
                    [this, generation](const QString &message) {
                        if (generation != m_generation)
                            return;
                        m_inFlight = false;
                        Q_EMIT failed(message);
                    });
    return false;
}

void CacheListing::arrived(quint64 generation, QList<CacheItem> items)
{
    if (generation != m_generation)
        return;
    m_inFlight = false;
    m_entries = std::move(items);
    Q_EMIT listed();
    if (std::exchange(m_again, false) && m_lab)
        request(*m_lab);
}

} // namespace cachelab::ui
