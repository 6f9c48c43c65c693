#include "session.h"

#include "../time/duration.h"
#include "../trace/tracejson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace cachelab {

SessionRecorder::SessionRecorder(const LabConfig &config)
    : m_clients(config.clients)
{
    m_lines << QStringLiteral("# Recorded session");
    QString pattern = QStringLiteral("pattern ") + patternName(config.pattern);
    for (const QString &option : changedOptions(config.options, config.pattern))
        pattern += u' ' + option;
    m_lines << pattern;
    if (config.clients > 1)
        m_lines << QStringLiteral("clients %1").arg(config.clients);
    const Latencies &l = config.latencies;
    m_lines << QStringLiteral("latency cache=%1 l1=%2 db-read=%3 db-write=%4")
                   .arg(formatDuration(l.cache), formatDuration(l.l1), formatDuration(l.dbRead),
                        formatDuration(l.dbWrite));
    m_lines << QStringLiteral("seed %1").arg(config.seed);
}

void SessionRecorder::record(TimeUs at, int client, const QString &command)
{
    if (at > m_last)
        m_lines << QStringLiteral("wait %1us").arg(at - m_last);
    m_last = std::max(m_last, at);
    m_lines << (client > 0 ? QStringLiteral("as %1 ").arg(QChar(u'A' + client)) : QString()) +
                   command;
}

Session SessionRecorder::session(Lab &lab) const
{
    Session s;
    QStringList lines = m_lines;
    if (lab.now() > m_last)
        lines << QStringLiteral("wait %1us").arg(lab.now() - m_last);
    s.scenario = lines.join(u'\n') + u'\n';
    s.clients = m_clients;
    s.trace = lab.trace().events();
    s.duration = lab.now();
    return s;
}

QByteArray sessionToJson(const Session &session)
{
    const QJsonObject json{
        {QStringLiteral("format"), QStringLiteral("cachelab-session")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("duration_us"), session.duration},
        {QStringLiteral("scenario"), session.scenario},
        {QStringLiteral("trace"), traceToJson(session.trace, session.clients)},
    };
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

std::variant<Session, QString> sessionFromJson(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (doc.isNull())
        return Session::tr("the file is not JSON (%1 at byte %2)")
            .arg(error.errorString())
            .arg(error.offset);
    const QJsonObject json = doc.object();
    if (json.value(QStringLiteral("format")).toString() != u"cachelab-session")
        return Session::tr(
            "this is not a Cache Lab session (its \"format\" is not \"cachelab-session\")");
    if (json.value(QStringLiteral("version")).toInt() != 1)
        return Session::tr("this session was saved by a newer Cache Lab (version %1)")
            .arg(json.value(QStringLiteral("version")).toInt());
    Session s;
    s.scenario = json.value(QStringLiteral("scenario")).toString();
    s.duration = json.value(QStringLiteral("duration_us")).toInteger(-1);
    if (s.duration < 0)
        return Session::tr("the session's duration is missing or negative");
    const auto parsed = scenario::parse(s.scenario, Session::tr("the session's scenario"));
    if (const auto *e = std::get_if<scenario::ParseError>(&parsed))
        return Session::tr("the session's commands are damaged: line %1: %2")
            .arg(e->line)
            .arg(e->message);
    const auto trace = traceFromJson(json.value(QStringLiteral("trace")).toObject());
    if (const auto *e = std::get_if<QString>(&trace))
        return Session::tr("the session's trace is damaged: %1").arg(*e);
    s.clients = std::get<LoadedTrace>(trace).clients;
    s.trace = std::get<LoadedTrace>(trace).events;
    if (std::get<scenario::Scenario>(parsed).clients != s.clients)
        return Session::tr("the session's trace and commands disagree on the number of clients");
    return s;
}

SessionPlayer::SessionPlayer(Session session)
    : m_session(std::move(session))
    , m_scenario(std::get<scenario::Scenario>(scenario::parse(m_session.scenario, QString())))
{
    restart();
}

void SessionPlayer::restart()
{
    LabConfig base;
    base.traceCapacity = std::max<qsizetype>(m_session.trace.size() + 1000, 20000);
    m_runner = std::make_unique<scenario::Runner>(m_scenario, nullptr, nullptr, base);
}

TimeUs SessionPlayer::position() const
{
    return m_runner->lab().now();
}

void SessionPlayer::seek(TimeUs t)
{
    t = std::clamp<TimeUs>(t, 0, m_session.duration);
    if (t < position())
        restart();
    // Start every command due by t; a `wait` that reaches past t stops at t.
    for (;;) {
        if (m_runner->waiting()) {
            m_runner->advanceTowards(t);
            if (m_runner->waiting())
                return; // t reached inside a wait
            continue;
        }
        if (m_runner->finished())
            break;
        m_runner->beginNext();
    }
    m_runner->lab().scheduler().runUntil(t);
}

} // namespace cachelab
