#include "settings.h"

#include "../time/duration.h"

#include <QCoreApplication>

namespace cachelab::lesson {

namespace {

class Settings
{
    Q_DECLARE_TR_FUNCTIONS(LessonSettings)

public:
    static std::optional<QString> parse(QStringView text, Setting &setting);
    static std::optional<QString> allowed(const Setting &setting, const Allowance &allow);
    static std::optional<QString> apply(scenario::Scenario &scenario, const Setting &setting);
};

constexpr int kMaxClients = 26;

std::optional<QString> Settings::parse(QStringView text, Setting &setting)
{
    text = text.trimmed();
    setting = Setting{};
    setting.text = text.toString();
    const QList<QStringView> words = text.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty())
        return tr("a setting is empty (write e.g. ttl=5s, latency db=20ms, clients 2 or "
                  "pattern write-through)");
    const QStringView first = words.constFirst();
    if (first == u"latency") {
        setting.kind = Setting::Kind::Latency;
        if (words.size() < 2)
            return tr("latency needs at least one PART=DURATION, e.g. latency db=20ms");
        for (qsizetype i = 1; i < words.size(); ++i) {
            const QStringView word = words[i];
            const qsizetype equals = word.indexOf(u'=');
            if (equals <= 0)
                return tr("\"%1\" is not a latency setting: write PART=DURATION, e.g. db=20ms")
                    .arg(word);
            const auto duration = parseDuration(word.sliced(equals + 1));
            if (!duration)
                return tr("\"%1\" is not a duration (write an integer and a unit: 500us, 5ms, "
                          "2s, 3m, 1h)")
                    .arg(word.sliced(equals + 1));
            Latencies probe;
            const QString part = word.first(equals).toString();
            if (auto error = applyLatency(probe, part, *duration))
                return error;
            setting.latencies.append({part, *duration});
        }
        return std::nullopt;
    }
    if (first == u"clients") {
        setting.kind = Setting::Kind::Clients;
        bool ok = false;
        const int n = words.size() == 2 ? words[1].toInt(&ok) : 0;
        if (!ok || n < 1 || n > kMaxClients)
            return tr("clients needs one number from 1 to %1: clients 2").arg(kMaxClients);
        setting.clients = n;
        return std::nullopt;
    }
    if (first == u"pattern") {
        setting.kind = Setting::Kind::Pattern;
        const auto kind = words.size() == 2 ? patternFromName(words[1]) : std::nullopt;
        if (!kind)
            return tr("pattern needs one pattern name, e.g. pattern write-through");
        setting.pattern = *kind;
        return std::nullopt;
    }
    setting.kind = Setting::Kind::Options;
    return splitOptionList(text, setting.options);
}

std::optional<QString> Settings::allowed(const Setting &setting, const Allowance &allow)
{
    switch (setting.kind) {
    case Setting::Kind::Options:
        for (const OptionSetting &o : setting.options) {
            if (!allow.options.contains(o.name))
                return tr("the task does not allow changing %1").arg(o.name);
        }
        return std::nullopt;
    case Setting::Kind::Latency:
        for (const auto &[part, duration] : setting.latencies) {
            // `allow latency db` lets both halves of the database's latency change.
            const bool viaDb = (part == u"db-read" || part == u"db-write") &&
                               allow.latencyParts.contains(QStringLiteral("db"));
            if (!allow.latencyParts.contains(part) && !viaDb)
                return tr("the task does not allow changing latency %1").arg(part);
        }
        return std::nullopt;
    case Setting::Kind::Clients:
        if (!allow.clients)
            return tr("the task does not allow changing the number of clients");
        return std::nullopt;
    case Setting::Kind::Pattern:
        if (!allow.patterns.contains(setting.pattern))
            return tr("the task does not allow the pattern %1").arg(patternName(setting.pattern));
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<QString> Settings::apply(scenario::Scenario &scenario, const Setting &setting)
{
    switch (setting.kind) {
    case Setting::Kind::Options:
        for (const OptionSetting &o : setting.options) {
            if (auto error = applyOption(scenario.options, scenario.pattern, o.name, o.value))
                return error;
        }
        return textbookConflict(scenario.options, scenario.pattern);
    case Setting::Kind::Latency:
        for (const auto &[part, duration] : setting.latencies) {
            if (auto error = applyLatency(scenario.latencies, part, duration))
                return error;
        }
        return std::nullopt;
    case Setting::Kind::Clients: {
        int used = 1;
        for (const scenario::Command &c : scenario.commands)
            used = std::max(used, c.client + 1);
        if (setting.clients < used)
            return tr("the lesson's commands use %1 clients; clients %2 would remove some")
                .arg(used)
                .arg(setting.clients);
        scenario.clients = setting.clients;
        return std::nullopt;
    }
    case Setting::Kind::Pattern:
        scenario.pattern = setting.pattern;
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

std::optional<QString> parseSetting(QStringView text, Setting &setting)
{
    return Settings::parse(text, setting);
}

std::optional<QString> checkAllowed(const Setting &setting, const Allowance &allow)
{
    return Settings::allowed(setting, allow);
}

std::optional<QString> applySettings(scenario::Scenario &scenario, const QList<Setting> &settings)
{
    scenario::Scenario changed = scenario;
    for (const bool patterns : {true, false}) {
        for (const Setting &s : settings) {
            if ((s.kind == Setting::Kind::Pattern) != patterns)
                continue;
            if (auto error = Settings::apply(changed, s))
                return QStringLiteral("%1: %2").arg(s.text, *error);
        }
    }
    scenario = std::move(changed);
    return std::nullopt;
}

} // namespace cachelab::lesson
