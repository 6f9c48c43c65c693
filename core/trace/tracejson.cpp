#include "tracejson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QStringDecoder>

namespace cachelab {

namespace {

// Free functions have no tr() of their own; this gives them one, in a context lupdate sees.
struct TraceJson
{
    Q_DECLARE_TR_FUNCTIONS(TraceJson)
};

constexpr const char16_t *kRoles[] = {u"App",   u"L1",        u"Breaker", u"Cache",
                                      u"Queue", u"Refresher", u"Relay",   u"DB"};
constexpr const char16_t *kKinds[] = {u"call", u"return", u"async", u"note"};
constexpr const char16_t *kVerbs[] = {
    u"get",       u"get-ttl",   u"set",          u"del",          u"publish",     u"list-push",
    u"list-ack",  u"list-read", u"l1-get",       u"l1-set",       u"l1-evict",    u"select",
    u"upsert",    u"delete",    u"batch",        u"tx-upsert",    u"commit",      u"enqueue",
    u"trigger",   u"guard",     u"invalidation", u"hit",          u"miss",        u"ok",
    u"failed",    u"row",       u"no-row",       u"committed",    u"rejected",    u"result",
    u"lease-get", u"lease-set", u"lease-out",    u"lease-voided", u"change-read", u"changes",
    u"text",
};
static_assert(std::size(kVerbs) == std::size_t(Verb::Text) + 1);

struct FlagName
{
    TraceFlag flag;
    const char16_t *name;
};
constexpr FlagName kFlags[] = {{Stale, u"stale"},       {Lost, u"lost"},
                               {Failure, u"failure"},   {Background, u"background"},
                               {Negative, u"negative"}, {Pending, u"pending"},
                               {Dirty, u"dirty"}};

template<std::size_t N> int indexOf(const char16_t *const (&names)[N], const QString &name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QStringView(names[i]))
            return int(i);
    }
    return -1;
}

QJsonValue participantJson(Participant p)
{
    QJsonObject o{{QStringLiteral("role"), QString::fromUtf16(kRoles[int(p.role)])}};
    if (p.client >= 0)
        o.insert(QStringLiteral("client"), p.client);
    return o;
}

std::optional<Participant> participantFrom(const QJsonValue &v)
{
    const QJsonObject o = v.toObject();
    const int role = indexOf(kRoles, o.value(QStringLiteral("role")).toString());
    const int client = o.value(QStringLiteral("client")).toInt(-1);
    if (role < 0 || client < -1 || client > 25)
        return std::nullopt;
    return Participant{Role(role), qint8(client)};
}

bool isUtf8(const QByteArray &bytes)
{
    auto decoder = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)QString(decoder(bytes));
    return !decoder.hasError();
}

} // namespace

QJsonObject traceToJson(const QList<TraceEvent> &events, int clients)
{
    QJsonArray list;
    for (const TraceEvent &e : events) {
        QJsonObject o{
            {QStringLiteral("id"), qint64(e.id)},
            {QStringLiteral("op"), qint64(e.opId)},
            {QStringLiteral("t_us"), e.time},
            {QStringLiteral("duration_us"), e.duration},
            {QStringLiteral("from"), participantJson(e.from)},
            {QStringLiteral("to"), participantJson(e.to)},
            {QStringLiteral("kind"), QString::fromUtf16(kKinds[int(e.kind)])},
            {QStringLiteral("verb"), QString::fromUtf16(kVerbs[int(e.verb)])},
            {QStringLiteral("label"), describe(e, 80)},
        };
        if (!e.key.isEmpty())
            o.insert(QStringLiteral("key"), e.key);
        if (!e.value.isEmpty()) {
            if (isUtf8(e.value))
                o.insert(QStringLiteral("value"), QString::fromUtf8(e.value));
            else
                o.insert(QStringLiteral("value_base64"), QString::fromLatin1(e.value.toBase64()));
        }
        if (e.version != 0)
            o.insert(QStringLiteral("version"), e.version);
        if (e.number != 0)
            o.insert(QStringLiteral("number"), e.number);
        if (!e.text.isEmpty())
            o.insert(QStringLiteral("text"), e.text);
        QJsonArray flags;
        for (const auto &f : kFlags) {
            if (e.flags & f.flag)
                flags.append(QString::fromUtf16(f.name));
        }
        if (!flags.isEmpty())
            o.insert(QStringLiteral("flags"), flags);
        list.append(o);
    }
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("cachelab-trace")},
                       {QStringLiteral("version"), 1},
                       {QStringLiteral("clients"), clients},
                       {QStringLiteral("events"), list}};
}

std::variant<LoadedTrace, QString> traceFromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("format")).toString() != u"cachelab-trace")
        return TraceJson::tr(
            "this is not a Cache Lab trace (its \"format\" is not \"cachelab-trace\")");
    const int version = json.value(QStringLiteral("version")).toInt();
    if (version < 1)
        return TraceJson::tr("the trace has no valid \"version\"");
    if (version != 1)
        return TraceJson::tr("this trace was written by a newer Cache Lab (version %1)")
            .arg(version);
    LoadedTrace trace;
    trace.clients = json.value(QStringLiteral("clients")).toInt(0);
    if (trace.clients < 1 || trace.clients > 26)
        return TraceJson::tr("the trace names no valid number of clients");
    const QJsonArray list = json.value(QStringLiteral("events")).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject o = list.at(i).toObject();
        auto bad = [&](const char *what) {
            return TraceJson::tr("event %1 is damaged: %2").arg(i + 1).arg(TraceJson::tr(what));
        };
        TraceEvent e;
        e.id = quint64(o.value(QStringLiteral("id")).toInteger(-1));
        e.opId = quint64(o.value(QStringLiteral("op")).toInteger(0));
        e.time = o.value(QStringLiteral("t_us")).toInteger(-1);
        e.duration = o.value(QStringLiteral("duration_us")).toInteger(0);
        if (e.time < 0 || e.duration < 0)
            return bad(QT_TRANSLATE_NOOP("TraceJson", "its time is missing or negative"));
        const auto from = participantFrom(o.value(QStringLiteral("from")));
        const auto to = participantFrom(o.value(QStringLiteral("to")));
        if (!from || !to)
            return bad(QT_TRANSLATE_NOOP("TraceJson", "it names an unknown participant"));
        e.from = *from;
        e.to = *to;
        const int kind = indexOf(kKinds, o.value(QStringLiteral("kind")).toString());
        const int verb = indexOf(kVerbs, o.value(QStringLiteral("verb")).toString());
        if (kind < 0 || verb < 0)
            return bad(QT_TRANSLATE_NOOP("TraceJson", "its kind or verb is unknown"));
        e.kind = EventKind(kind);
        e.verb = Verb(verb);
        e.key = o.value(QStringLiteral("key")).toString();
        if (o.contains(QStringLiteral("value_base64")))
            e.value = QByteArray::fromBase64(
                o.value(QStringLiteral("value_base64")).toString().toLatin1());
        else
            e.value = o.value(QStringLiteral("value")).toString().toUtf8();
        e.version = o.value(QStringLiteral("version")).toInteger(0);
        e.number = o.value(QStringLiteral("number")).toInteger(0);
        e.text = o.value(QStringLiteral("text")).toString();
        for (const QJsonValue &f : o.value(QStringLiteral("flags")).toArray()) {
            for (const auto &known : kFlags) {
                if (f.toString() == QStringView(known.name))
                    e.flags |= known.flag;
            }
        }
        trace.events.append(std::move(e));
    }
    return trace;
}

} // namespace cachelab
