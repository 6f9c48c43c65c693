#pragma once

#include <lab/lab.h>
#include <scenario/scenario.h>
#include <session/session.h>

#include <QCoreApplication>
#include <QHash>

#include <deque>
#include <variant>
#include <vector>

namespace cachelab::ui {

/// What was done to the controller's lab — by hand, by a scenario or by a workload — with the
/// virtual time it happened, kept compactly and turned into a core SessionRecorder's scenario
/// lines when the session is saved.
///
/// Why not feed a SessionRecorder as things happen: it keeps every command as text lines (a
/// `wait` and the command, ~180 bytes per operation), and a workload issues hundreds of
/// operations a second. Here an operation costs 24 bytes (keys are kept once, in a table; a
/// write's value is kept beside), and the log stops at kMaxEntries: memory stays bounded however
/// long the lab runs, and what was recorded until then can still be saved and replayed.
class SessionLog final
{
    Q_DECLARE_TR_FUNCTIONS(SessionLog)

public:
    static constexpr qsizetype kMaxEntries = 200'000;

    /// Starts over for a lab made from `config`.
    void reset(const LabConfig &config);

    void operation(TimeUs at, Operation::Kind kind, int client, const QString &key,
                   const QByteArray &value);
    /// A scenario command as it begins: waiting forms become their `spawn` forms (the waits
    /// are the recorded times), expectations and waits are not recorded.
    void command(TimeUs at, const scenario::Command &command);
    void cacheFailing(TimeUs at, bool failing);
    void databaseFailing(TimeUs at, bool failing);
    void crash(TimeUs at, int client);
    void databasePut(TimeUs at, const QString &key, const QByteArray &value);
    void databaseSeed(TimeUs at, int rows);

    qsizetype size() const { return qsizetype(m_entries.size()); }
    /// Bytes the log holds, roughly (the benchmark reports it).
    qsizetype bytes() const;
    /// The log reached kMaxEntries at fullAt(): what came later is not in it.
    bool full() const { return m_fullAt >= 0; }
    TimeUs fullAt() const { return m_fullAt; }

    /// The session so far (or up to fullAt()), or why it cannot be written down.
    std::variant<Session, QString> session(Lab &lab) const;

private:
    using Type = scenario::Command::Type;
    struct Entry
    {
        TimeUs at = 0;
        quint32 key = 0;   // index in m_keys
        quint32 value = 0; // index in m_values + 1; 0: none
        qint32 count = 0;
        quint8 type = 0; // a Type
        qint8 client = 0;
    };
    static_assert(sizeof(Entry) == 24);
    void add(TimeUs at, Type type, int client, const QString &key = {},
             const QByteArray &value = {}, int count = 0);
    QString text(const Entry &e) const;

    LabConfig m_config;
    std::deque<Entry> m_entries; // grows in chunks: no doubling, no copying
    QHash<QString, quint32> m_keyIndex;
    std::vector<QString> m_keys;
    std::deque<QByteArray> m_values;
    TimeUs m_fullAt = -1;
    QString m_problem; // why the session cannot be saved, once something unsayable happened
};

} // namespace cachelab::ui
