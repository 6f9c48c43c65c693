#include "sessionlog.h"

#include <QCoreApplication>

namespace cachelab::ui {

namespace {

// A scenario line can carry a value only if it is not empty, has no line break and does not
// start or end with a space (the parser trims the rest of the line).
bool sayable(const QByteArray &value)
{
    return !value.isEmpty() && !value.contains('\n') && !value.contains('\r') &&
           value.trimmed() == value;
}

} // namespace

void SessionLog::reset(const LabConfig &config)
{
    m_config = config;
    m_entries.clear();
    m_entries.shrink_to_fit();
    m_keyIndex.clear();
    m_keys.clear();
    m_keys.push_back(QString()); // index 0: no key
    m_values.clear();
    m_fullAt = -1;
    m_problem.clear();
}

qsizetype SessionLog::bytes() const
{
    qsizetype n = qsizetype(m_entries.size() * sizeof(Entry));
    for (const QString &k : m_keys)
        n += qsizetype(sizeof(QString)) + k.size() * 2;
    for (const QByteArray &v : m_values)
        n += qsizetype(sizeof(QByteArray)) + v.size();
    return n;
}

void SessionLog::add(TimeUs at, Type type, int client, const QString &key, const QByteArray &value,
                     int count)
{
    if (full())
        return;
    if (qsizetype(m_entries.size()) >= kMaxEntries) {
        // Everything before this instant is in the log; from it on, nothing is.
        m_fullAt = std::max<TimeUs>(0, at - 1);
        return;
    }
    const bool hasValue = type == Type::SpawnWrite || type == Type::DbPut;
    if (hasValue && !sayable(value) && m_problem.isEmpty()) {
        m_problem = tr("the value \"%1\" of %2 cannot be written into a session (a value must "
                       "be one line, not empty, without spaces at either end)")
                        .arg(QString::fromUtf8(value.left(40)), key);
    }
    Entry e;
    e.at = at;
    e.type = quint8(type);
    e.client = qint8(client);
    e.count = count;
    if (!key.isEmpty()) {
        auto it = m_keyIndex.constFind(key);
        if (it == m_keyIndex.cend()) {
            it = m_keyIndex.insert(key, quint32(m_keys.size()));
            m_keys.push_back(key);
        }
        e.key = *it;
    }
    if (hasValue) {
        m_values.push_back(value);
        e.value = quint32(m_values.size());
    }
    m_entries.push_back(e);
}

void SessionLog::operation(TimeUs at, Operation::Kind kind, int client, const QString &key,
                           const QByteArray &value)
{
    switch (kind) {
    case Operation::Kind::Read:
        return add(at, Type::SpawnRead, client, key);
    case Operation::Kind::Write:
        return add(at, Type::SpawnWrite, client, key, value);
    case Operation::Kind::Delete:
        return add(at, Type::SpawnDelete, client, key);
    case Operation::Kind::Invalidate:
        return add(at, Type::SpawnInvalidate, client, key);
    }
}

void SessionLog::command(TimeUs at, const scenario::Command &c)
{
    Type type = c.type;
    switch (c.type) {
    case Type::Read:
        type = Type::SpawnRead;
        break;
    case Type::Write:
        type = Type::SpawnWrite;
        break;
    case Type::Delete:
        type = Type::SpawnDelete;
        break;
    case Type::Invalidate:
        type = Type::SpawnInvalidate;
        break;
    case Type::Wait:
    case Type::Settle:
    case Type::Expect:
        return; // time passing is in the recorded times; checks change nothing
    default:
        break;
    }
    add(at, type, c.client, c.key, c.value, c.count);
}

void SessionLog::cacheFailing(TimeUs at, bool failing)
{
    add(at, failing ? Type::FailCache : Type::RecoverCache, 0);
}

void SessionLog::databaseFailing(TimeUs at, bool failing)
{
    add(at, failing ? Type::FailDb : Type::RecoverDb, 0);
}

void SessionLog::crash(TimeUs at, int client)
{
    add(at, Type::Crash, client);
}

void SessionLog::databasePut(TimeUs at, const QString &key, const QByteArray &value)
{
    add(at, Type::DbPut, 0, key, value);
}

void SessionLog::databaseSeed(TimeUs at, int rows)
{
    add(at, Type::DbSeed, 0, {}, {}, rows);
}

QString SessionLog::text(const Entry &e) const
{
    const QString &key = m_keys[e.key];
    const QString value = e.value ? QString::fromUtf8(m_values[e.value - 1]) : QString();
    switch (Type(e.type)) {
    case Type::SpawnRead:
        return QStringLiteral("spawn read ") + key;
    case Type::SpawnWrite:
        return QStringLiteral("spawn write %1 %2").arg(key, value);
    case Type::SpawnDelete:
        return QStringLiteral("spawn delete ") + key;
    case Type::SpawnInvalidate:
        return QStringLiteral("spawn invalidate ") + key;
    case Type::Burst:
        return QStringLiteral("burst %1 read %2").arg(e.count).arg(key);
    case Type::DbPut:
        return QStringLiteral("db put %1 %2").arg(key, value);
    case Type::DbDelete:
        return QStringLiteral("db delete ") + key;
    case Type::DbSeed:
        return QStringLiteral("db seed %1").arg(e.count);
    case Type::FailCache:
        return QStringLiteral("fail cache");
    case Type::FailCacheWrites:
        return QStringLiteral("fail cache writes");
    case Type::FailDb:
        return QStringLiteral("fail db");
    case Type::RecoverCache:
        return QStringLiteral("recover cache");
    case Type::RecoverDb:
        return QStringLiteral("recover db");
    case Type::Crash:
        return QStringLiteral("crash");
    case Type::Read:
    case Type::Write:
    case Type::Delete:
    case Type::Invalidate:
    case Type::Wait:
    case Type::Settle:
    case Type::Expect:
        break; // never stored (see command())
    }
    return {};
}

std::variant<Session, QString> SessionLog::session(Lab &lab) const
{
    if (!m_problem.isEmpty())
        return m_problem;
    SessionRecorder recorder(m_config);
    for (const Entry &e : m_entries) {
        // Commands that concern no instance are written without "as X".
        const Type type = Type(e.type);
        const bool perClient = type != Type::DbPut && type != Type::DbDelete &&
                               type != Type::DbSeed && type != Type::FailCache &&
                               type != Type::FailCacheWrites && type != Type::FailDb &&
                               type != Type::RecoverCache && type != Type::RecoverDb;
        recorder.record(e.at, perClient ? e.client : 0, text(e));
    }
    Session s = recorder.session(lab);
    if (full()) {
        // What was recorded ends where the log filled up; so do the session and its trace.
        s.duration = m_fullAt;
        s.trace.erase(std::remove_if(s.trace.begin(), s.trace.end(),
                                     [this](const TraceEvent &e) { return e.time > m_fullAt; }),
                      s.trace.end());
    }
    return s;
}

} // namespace cachelab::ui
