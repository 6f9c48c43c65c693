#pragma once

#include "../time/clock.h"

#include <QByteArray>
#include <QString>

namespace cachelab {

/// The roles of caching-patterns.md's diagrams, in the order their lifelines are drawn.
/// Relay is the change-data-capture relay (cdc=on): shared, like Cache and DB.
enum class Role : quint8 { App, L1, Breaker, Cache, Queue, Refresher, Relay, DB };

/// A lifeline: a role, and for the in-process roles (App, L1, Breaker, Queue, Refresher) the
/// client it belongs to. Cache and DB are shared and have client -1.
struct Participant
{
    Role role = Role::App;
    qint8 client = -1;

    static Participant app(int client) { return {Role::App, qint8(client)}; }
    static Participant cache() { return {Role::Cache, -1}; }
    static Participant db() { return {Role::DB, -1}; }
    static Participant relay() { return {Role::Relay, -1}; }

    friend bool operator==(const Participant &, const Participant &) = default;
};

/// Display name of a lifeline: "App", "Cache", or with several clients "App B", "L1 B".
QString participantName(Participant p, int clients);

enum class EventKind : quint8 {
    Call,   ///< a request from one participant to another (solid arrow)
    Return, ///< its reply (dashed arrow)
    Async,  ///< a message nobody waits for: invalidation, enqueue, trigger
    Note,   ///< a remark over a participant: background work starting, a crash, a breaker change
};

/// What a message says; the label is built from it on demand (and translated then).
enum class Verb : quint8 {
    // calls
    Get,
    GetWithTtl,
    Set,
    Del,
    Publish,
    ListPush,
    ListAck,
    ListRead, // to the cache
    L1Get,
    L1Set,
    L1Evict, // to an L1
    Select,
    Upsert,
    Delete,
    Batch,    // to the database
    TxUpsert, // an UPSERT inside a transaction left open (textbook write-through)
    Commit,   // the COMMIT of that transaction
    Enqueue,
    Trigger,
    Guard,        // in-process hand-offs
    Invalidation, // cache -> L1 (async)
    // replies
    Hit,
    Miss,
    Ok,
    Failed,
    Row,
    NoRow,
    Committed,
    Rejected,
    Result,
    // leases (lease=on) and change-data-capture (cdc=on)
    LeaseGet,    ///< GET that hands out a lease on a miss
    LeaseSet,    ///< SET only if the reader's lease is still valid
    LeaseOut,    ///< reply: a miss, and somebody else holds the lease
    LeaseVoided, ///< reply: the fill was refused, its lease was voided
    ChangeRead,  ///< the relay reads the database's change log
    Changes,     ///< its reply: how many changes came back
    // notes
    Text,
};

/// Flags that change how a message is drawn and counted.
enum TraceFlag : quint8 {
    NoFlags = 0,
    Stale = 1 << 0,      ///< this read returned an older version than the database held
    Lost = 1 << 1,       ///< acknowledged writes that will never reach the database
    Failure = 1 << 2,    ///< the call failed
    Background = 1 << 3, ///< work nobody waits for (flush, refresh, invalidation)
    Negative = 1 << 4,   ///< a cached "no such row"
    Pending = 1 << 5,    ///< a value the application wrote that the database has not committed
    Dirty = 1 << 6,      ///< this read returned a value whose commit failed
};

/// One message of the sequence diagram: a call that really happened, in virtual time.
struct TraceEvent
{
    quint64 id = 0;      ///< 1, 2, 3… in order of sending: the number on the diagram
    quint64 opId = 0;    ///< the application operation it belongs to (0: background)
    TimeUs time = 0;     ///< when it was sent
    TimeUs duration = 0; ///< how long it travels (half the round trip of its call)
    Participant from;
    Participant to;
    EventKind kind = EventKind::Call;
    Verb verb = Verb::Text;
    quint8 flags = NoFlags;
    QString key;
    QByteArray value;   ///< the value carried, if any
    qint64 version = 0; ///< the version carried (with Pending: the one it will get)
    qint64 number = 0;  ///< TTL in microseconds for Set/GetWithTtl, a count for Batch/Enqueue
    QString text;       ///< notes and failure messages, already in the reader's language
};

/// The label drawn on the arrow, as in caching-patterns.md: "GET user:1", "miss",
/// "SETEX user:1 30s". Values longer than `maxValue` characters are shortened with "…".
QString describe(const TraceEvent &event, int maxValue = 24);

/// A value as a person should see it: UTF-8 text, control characters escaped, shortened.
QString displayValue(const QByteArray &value, int maxChars = 24);

} // namespace cachelab
