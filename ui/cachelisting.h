#pragma once

#include <lab/lab.h>

#include <QObject>

namespace cachelab::ui {

/// The shared cache's entries for the state panels, listed without holding up the GUI. On
/// the embedded store a listing is made at once; on Redis (asynchronous on the event loop) it
/// goes out as SCAN and one pipeline, and the panels keep the last listing until the new one
/// arrives — so a slow or stopped Redis never freezes a frame.
class CacheListing final : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    const QList<CacheItem> &entries() const { return m_entries; }
    /// Lists `lab`'s cache. At most one listing is in flight; asking again meanwhile lists
    /// once more after it. Returns true when entries() is up to date already (a synchronous
    /// store); otherwise listed() follows.
    bool request(Lab &lab);

Q_SIGNALS:
    /// A listing from the cache has arrived: entries() changed.
    void listed();
    /// The cache could not be listed (it is down, say); entries() keeps the last listing.
    void failed(const QString &message);

private:
    void arrived(quint64 generation, QList<CacheItem> items);

    QList<CacheItem> m_entries;
    Lab *m_lab = nullptr;     // whose entries these are
    quint64 m_generation = 0; // bumped when the lab changes: a late listing is dropped
    bool m_inFlight = false;
    bool m_again = false;
};

} // namespace cachelab::ui
