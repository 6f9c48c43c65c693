#include "writebehind.h"
#include "patternstate.h"

#include <QCoreApplication>
#include <QDataStream>
#include <QHash>
#include <QIODevice>

namespace cachelab {

namespace {

// A failed flush is retried after 1 s, 2 s, 4 s … (never longer than the flush interval).
TimeUs backoff(int attempt, TimeUs flushInterval)
{
    const TimeUs delay = kSecond << std::min(attempt - 1, 20);
    return std::min(delay, std::max(flushInterval, kSecond));
}

} // namespace

WriteBehind::WriteBehind(PatternEnv &env, int client, const Lifetime &lifetime)
    : Pattern(env, client, lifetime)
{}

QString WriteBehind::listName() const
{
    return QStringLiteral("write-queue:%1%2").arg(m_env.namespaceTag, QChar(u'A' + m_client));
}

// Format 2 adds the version the write was promised when it was acknowledged: a replay
// compares it with the database's, so an item whose write is already committed (its trim
// failed) is never written again over a newer row. Format 1 items (no version) are still read.
constexpr quint8 kItemFormat = 2;

QByteArray WriteBehind::encode(const QueuedWrite &w)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << kItemFormat << w.key << bool(w.value) << w.value.value_or(QByteArray()) << w.enqueuedAt
        << w.version;
    return bytes;
}

std::optional<QueuedWrite> WriteBehind::decode(const QByteArray &bytes)
{
    QDataStream in(bytes);
    in.setVersion(QDataStream::Qt_6_4);
    quint8 format = 0;
    QueuedWrite w;
    bool hasValue = false;
    QByteArray value;
    in >> format;
    if (format != 1 && format != kItemFormat)
        return std::nullopt;
    in >> w.key >> hasValue >> value >> w.enqueuedAt;
    if (format >= 2)
        in >> w.version;
    if (in.status() != QDataStream::Ok || !in.atEnd())
        return std::nullopt;
    if (hasValue)
        w.value = value;
    return w;
}

// The source's writer waits on its queue with a 1 s timeout and flushes when it times out.
constexpr TimeUs kTextbookIdle = kSecond;

void WriteBehind::start()
{
    m_lastFlushAt = m_env.scheduler.now();
    if (m_options.textbook)
        return; // no timer: the writer flushes on its own rules (textbookTriggers)
    m_env.scheduler.spawn(tick(backgroundCaller(Role::Queue)));
    if (m_options.durable)
        m_env.scheduler.spawn(replay(backgroundCaller(Role::Queue)));
}

int WriteBehind::crash()
{
    if (m_options.durable)
        return 0; // every acknowledged write is in the shared cache's list
    int lost = 0;
    for (std::size_t i = m_inFlightCommitted ? std::size_t(m_inFlight) : 0; i < m_queue.size(); ++i)
        lost += m_queue[i].merged;
    if (lost > 0) {
        note(Participant{Role::Queue, qint8(m_client)},
             tr("crash: %n acknowledged write(s) lost with the queue", nullptr, lost), Lost);
    }
    return std::max(0, lost);
}

QList<QueuedWrite> WriteBehind::writeQueue() const
{
    return QList<QueuedWrite>(m_queue.begin(), m_queue.end());
}

Task<void> WriteBehind::write(Caller c, QString key, QByteArray value)
{
    co_await writeAhead(c, key, value);
}

Task<void> WriteBehind::remove(Caller c, QString key)
{
    // A queued delete is written to the cache as a "no such row" marker: a read before the
    // flush must not load the row again from the database that still has it.
    co_await writeAhead(c, key, std::nullopt);
}

QueuedWrite *WriteBehind::mergeTarget(const QString &key)
{
    if (!m_options.coalesce)
        return nullptr;
    // The key's latest entry, unless the flush has taken it (then so are all before it).
    const auto it = m_latest.constFind(key);
    if (it == m_latest.cend() || *it < m_erased)
        return nullptr;
    const quint64 at = *it - m_erased;
    if (at >= m_queue.size() || m_queue[at].key != key || m_queue[at].inFlight)
        return nullptr;
    return &m_queue[at];
}

void WriteBehind::indexLatest()
{
    m_latest.clear();
    if (!m_options.coalesce)
        return;
    for (std::size_t i = std::size_t(m_inFlight); i < m_queue.size(); ++i)
        m_latest.insert(m_queue[i].key, m_erased + i);
}

void WriteBehind::countPending(const QString &key, int delta)
{
    auto it = m_pending.find(key);
    if (it == m_pending.end())
        it = m_pending.insert(key, 0);
    *it += delta;
    if (*it <= 0)
        m_pending.erase(it);
}

qint64 WriteBehind::nextVersion(const QString &key) const
{
    // The database will give this write the version after the committed one and after every
    // queued write of the key ahead of it. (Knowing the committed version is the lab's
    // knowledge of the truth, like the stale-read check; it costs no call.) Counted per key as
    // the queue changes, not by walking it: a backlog of N writes costs N, not N².
    return m_env.db.database().version(key) + m_pending.value(key) + 1;
}

Task<void> WriteBehind::writeAhead(Caller c, QString key, std::optional<QByteArray> value)
{
    QueuedWrite write{key, value, m_env.scheduler.now(), false, 1, 0, {}};
    const QueuedWrite *target = mergeTarget(key);
    write.version = target ? target->version : nextVersion(key);
    CachedRecord entry{value.value_or(QByteArray()), write.version, !value.has_value(), true};
    co_await m_env.cache.set(c, key, std::move(entry), jittered(m_options.ttl));
    if (m_options.durable) {
        const QByteArray item = encode(write);
        co_await m_env.cache.listPush(c, listName(), key, item);
        write.listItems.append(item);
    }
    // If the flush took the merge target meanwhile, the write is queued on its own; the
    // version in the cache is then one short of the one it will get, which the stale-read
    // check errs on the side of calling stale. Rare, and drawn as it is.
    enqueue(c, std::move(write));
}

void WriteBehind::enqueue(const Caller &c, QueuedWrite write)
{
    write.enqueuedAt = m_env.scheduler.now();
    if (m_env.trace.enabled()) {
        TraceEvent e;
        e.opId = c.opId;
        e.time = m_env.scheduler.now();
        e.from = c.from;
        e.to = Participant{Role::Queue, qint8(m_client)};
        e.kind = EventKind::Async;
        e.verb = Verb::Enqueue;
        e.key = write.key;
        e.value = write.value.value_or(QByteArray());
        e.version = write.version;
        e.flags = Pending;
        e.number = qint64(m_queue.size()) + 1;
        m_env.trace.record(std::move(e));
    }
    if (QueuedWrite *target = mergeTarget(write.key)) {
        target->value = write.value;
        target->version = std::max(target->version, write.version);
        target->merged += 1;
        target->listItems += write.listItems;
    } else {
        countPending(write.key, 1);
        if (m_options.coalesce)
            m_latest.insert(write.key, m_erased + m_queue.size());
        m_queue.push_back(std::move(write));
    }
    if (m_options.textbook) {
        textbookTriggers();
        return;
    }
    if (int(m_queue.size()) - m_inFlight >= m_options.batch)
        flushSoon();
}

void WriteBehind::textbookTriggers()
{
    // Every write ends the writer's wait: the idle timer of the one before no longer counts.
    ++m_lastWrite;
    m_nextFlushAt = -1;
    if (int(m_queue.size()) - m_inFlight >= m_options.batch ||
        m_env.scheduler.now() - m_lastFlushAt > m_options.flush) {
        flushSoon();
        return;
    }
    armIdleTimer();
}

void WriteBehind::armIdleTimer()
{
    const quint64 write = m_lastWrite;
    m_nextFlushAt = m_env.scheduler.now() + kTextbookIdle;
    const Caller c = backgroundCaller(Role::Queue);
    m_env.scheduler.callAt(m_nextFlushAt, [this, c, write] {
        if (c.lifetime->epoch() == c.epoch && write == m_lastWrite)
            flushWhenIdle();
    });
}

void WriteBehind::flushWhenIdle()
{
    m_nextFlushAt = -1;
    if (!m_queue.empty())
        flushSoon();
}

void WriteBehind::flushSoon()
{
    if (!m_flushing)
        m_env.scheduler.spawn(flushAll(backgroundCaller(Role::Queue)));
}

Task<void> WriteBehind::tick(Caller c)
{
    for (;;) {
        m_nextFlushAt = m_env.scheduler.now() + m_options.flush;
        co_await pause(c, m_options.flush);
        if (!m_queue.empty())
            flushSoon();
    }
}

Task<void> WriteBehind::replay(Caller c)
{
    // Until the list is read, the queue is not known to be empty: settle waits for it. A
    // cache that stays down leaves the list where it is, for the next restart.
    ++m_backgroundCalls;
    QList<QByteArray> items;
    for (int attempt = 0;; ++attempt) {
        try {
            items = co_await m_env.cache.listRange(c, listName());
            break;
        } catch (const CacheError &) {
        }
        if (attempt >= m_options.retries) {
            --m_backgroundCalls;
            note(c.from,
                 tr("cannot read the durable queue: the cache is down; it stays there for the "
                    "next restart"),
                 Failure);
            co_return;
        }
        note(c.from, tr("cannot read the durable queue: the cache is down; trying again"), Failure);
        try {
            co_await pause(c, backoff(attempt + 1, m_options.flush));
        } catch (...) {
            --m_backgroundCalls;
            throw;
        }
    }
    --m_backgroundCalls;
    std::deque<QueuedWrite> replayed;
    QList<QByteArray> committed;  // items whose write the database already has
    QHash<QString, qint64> ahead; // replayed writes of a key so far
    for (const QByteArray &bytes : std::as_const(items)) {
        std::optional<QueuedWrite> w = decode(bytes);
        if (!w)
            continue; // not ours to read (a newer format?): left in the list, never destroyed
        const qint64 inDatabase = m_env.db.database().version(w->key);
        // The write was promised w->version; a database at that version or beyond has it (its
        // trim failed before the crash) or a newer write: writing it again would undo that.
        // Format 1 items carry no version (0) and are replayed, as before: at least once.
        if (w->version > 0 && w->version <= inDatabase) {
            committed.append(bytes);
            continue;
        }
        w->listItems = {bytes};
        qint64 &n = ahead[w->key];
        w->version = nextVersion(w->key) + n++;
        replayed.push_back(std::move(*w));
    }
    if (!committed.isEmpty()) {
        note(c.from, tr("restart: %n write(s) of the durable queue already in the database, "
                        "dropped",
                        nullptr, int(committed.size())));
        m_env.scheduler.spawn(trim(c, committed));
    }
    if (replayed.empty())
        co_return;
    note(c.from,
         tr("restart: %n write(s) replayed from the durable queue", nullptr, int(replayed.size())));
    // Replayed writes go first: they are older than anything written since the restart.
    for (const QueuedWrite &w : replayed)
        countPending(w.key, 1);
    m_queue.insert(m_queue.begin() + m_inFlight, replayed.begin(), replayed.end());
    indexLatest(); // every entry behind the batch moved
    flushSoon();
}

Task<void> WriteBehind::trim(Caller c, QList<QByteArray> items)
{
    ++m_backgroundCalls;
    try {
        co_await m_env.cache.listRemove(c, listName(), items);
        --m_backgroundCalls;
    } catch (const CacheError &) {
        --m_backgroundCalls;
        // The entries stay in the list and are written again after a restart: a durable
        // queue delivers at least once, not exactly once. Their versions keep a replay from
        // writing them over a newer row.
    }
}

Task<void> WriteBehind::flushAll(Caller c)
{
    if (m_flushing)
        co_return;
    m_flushing = true;
    try {
        // The source's writer flushes one batch and then goes back to waiting: what came in
        // meanwhile waits for the next trigger, unless it already fills a batch.
        do {
            co_await flushBatch(c);
        } while (!m_queue.empty() &&
                 (!m_options.textbook || int(m_queue.size()) >= m_options.batch));
    } catch (...) {
        m_flushing = false;
        throw;
    }
    m_flushing = false;
    if (m_options.textbook && !m_queue.empty()) {
        // The writer takes what came in during the flush and waits again, 1 s at most from
        // now: the idle timers of those writes no longer count.
        ++m_lastWrite;
        armIdleTimer();
    }
}

Task<void> WriteBehind::flushBatch(Caller c)
{
    m_inFlight = std::min(int(m_queue.size()), m_options.batch);
    m_inFlightCommitted = false;
    QList<RowWrite> rows;
    rows.reserve(m_inFlight);
    for (int i = 0; i < m_inFlight; ++i) {
        m_queue[std::size_t(i)].inFlight = true;
        rows.append(RowWrite{m_queue[std::size_t(i)].key, m_queue[std::size_t(i)].value});
    }
    const int n = m_inFlight;
    int writes = 0;              // acknowledged writes in this batch
    QList<QByteArray> listItems; // and their items in the durable list
    for (int i = 0; i < n; ++i) {
        writes += m_queue[std::size_t(i)].merged;
        listItems += m_queue[std::size_t(i)].listItems;
    }
    for (int attempt = 0;; ++attempt) {
        bool failed = false;
        try {
            std::function<void()> committed = [this] {
                m_inFlightCommitted = true;
                // The database's versions count these now.
                for (int i = 0; i < m_inFlight; ++i)
                    countPending(m_queue[std::size_t(i)].key, -1);
            };
            co_await m_env.db.writeBatch(c, rows, std::move(committed));
        } catch (const DatabaseError &) {
            failed = true;
        }
        if (!failed)
            break;
        if (m_options.textbook) {
            // The source's writer logs the error and drops the batch: no retry.
            m_env.metrics.add(Counter::LostWrites, m_client, writes);
            note(c.from,
                 tr("textbook: the failed batch is dropped, %n write(s) lost", nullptr, writes),
                 Lost | Failure);
            break;
        }
        if (attempt >= m_options.retries) {
            m_env.metrics.add(Counter::LostWrites, m_client, writes);
            note(c.from, tr("gave up after %n retries: writes lost", nullptr, m_options.retries),
                 Lost | Failure);
            break;
        }
        co_await pause(c, backoff(attempt + 1, m_options.flush));
    }
    if (!m_inFlightCommitted) {
        for (int i = 0; i < n; ++i)
            countPending(m_queue[std::size_t(i)].key, -1);
    }
    m_queue.erase(m_queue.begin(), m_queue.begin() + n);
    m_erased += quint64(n);
    m_lastFlushAt = m_env.scheduler.now(); // the source notes the time once the flush is over
    m_inFlight = 0;
    m_inFlightCommitted = false;
    if (m_options.durable)
        co_await trim(c, std::move(listItems));
}

} // namespace cachelab

namespace cachelab {

PatternState WriteBehind::state() const
{
    PatternState s;
    s.writeQueue = writeQueue();
    s.nextFlushAt = nextFlushAt();
    return s;
}

} // namespace cachelab
