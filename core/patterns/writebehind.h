#pragma once

#include "pattern.h"

#include <QCoreApplication>
#include <QHash>

#include <deque>

namespace cachelab {

/// Write-behind (write-back): a write goes to the cache and into this instance's queue and is
/// acknowledged at once; the queue is written to the database later, in batches. Fast writes,
/// fewer database round trips — and writes that die with the process unless the queue is
/// durable (kept in the shared cache and replayed on restart).
class WriteBehind final : public Pattern
{
    Q_DECLARE_TR_FUNCTIONS(WriteBehind)

public:
    WriteBehind(PatternEnv &env, int client, const Lifetime &lifetime);

    void start() override;
    int crash() override;

    Task<void> write(Caller c, QString key, QByteArray value) override;
    Task<void> remove(Caller c, QString key) override;

    bool busy() const override
    {
        return !m_queue.empty() || m_backgroundCalls > 0 || Pattern::busy();
    }
    QList<QueuedWrite> writeQueue() const override;
    TimeUs nextFlushAt() const override { return m_nextFlushAt; }
    qint64 acknowledgedVersion(const QString &key) const override { return nextVersion(key) - 1; }

    /// The shared cache's list that holds the durable queue of `client` (0: A) in a lab whose
    /// namespace tag is `namespaceTag`.
    static QString listName(const QString &namespaceTag, int client);

    /// Durable queue entries as stored in the shared cache's list.
    static QByteArray encode(const QueuedWrite &w);
    static std::optional<QueuedWrite> decode(const QByteArray &bytes);

    PatternState state() const override;

private:
    Task<void> writeAhead(Caller c, QString key, std::optional<QByteArray> value);
    void enqueue(const Caller &c, QueuedWrite write);
    QueuedWrite *mergeTarget(const QString &key);
    qint64 nextVersion(const QString &key) const;
    void countPending(const QString &key, int delta);
    void indexLatest();
    Task<void> tick(Caller c);
    Task<void> replay(Caller c);
    /// Takes `items` off the durable list (a failure leaves them for the next replay).
    Task<void> trim(Caller c, QList<QByteArray> items);
    Task<void> flushAll(Caller c);
    Task<void> flushBatch(Caller c);
    void flushSoon();
    /// The source's writer (textbook=on): flushes when a write comes more than `flush` after
    /// the last flush, or when its 1 s wait for the next write times out.
    void textbookTriggers();
    void armIdleTimer();
    void flushWhenIdle();
    QString listName() const;

    std::deque<QueuedWrite> m_queue; // front: oldest; the first m_inFlight are being written
    int m_inFlight = 0;
    QHash<QString, int> m_pending;    // per key: entries the database's version does not count
    QHash<QString, quint64> m_latest; // coalesce: per key, its latest entry (see m_erased)
    quint64 m_erased = 0;             // entries ever taken off the front: m_queue[i] is number
                                      // m_erased + i
    bool m_inFlightCommitted = false;
    bool m_flushing = false;
    int m_backgroundCalls = 0; // replay and list trims in flight: work settle must wait for
    TimeUs m_nextFlushAt = -1;
    TimeUs m_lastFlushAt = 0; // textbook: when the writer last flushed (or started)
    quint64 m_lastWrite = 0;  // textbook: counts writes, so an idle timer knows it is the latest
};

} // namespace cachelab
