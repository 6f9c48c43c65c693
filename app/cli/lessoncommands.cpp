#include "clicommands.h"

#include <errors.h>
#include <lesson/play.h>
#include <lesson/settings.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cachelab::cli {

namespace {

/// Reads `--answers FILE.json`; a message if it is not what LESSONS.md shows.
std::optional<QString> readAnswers(const QString &path, lesson::Answers &answers)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Cli::tr("cannot open %1: %2").arg(path, file.errorString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (doc.isNull())
        return Cli::tr("%1 is not JSON: %2").arg(path, error.errorString());
    if (!doc.isObject())
        return Cli::tr("%1: expected an object with \"predictions\" and \"tasks\"").arg(path);
    const QJsonObject root = doc.object();
    const QJsonValue predictions = root.value(QStringLiteral("predictions"));
    const QJsonValue tasks = root.value(QStringLiteral("tasks"));
    if (!(predictions.isArray() || predictions.isUndefined() || predictions.isNull()) ||
        !(tasks.isArray() || tasks.isUndefined() || tasks.isNull()))
        return Cli::tr("%1: \"predictions\" and \"tasks\" must be arrays").arg(path);
    for (const QJsonValue v : predictions.toArray()) {
        if (v.isNull())
            answers.predictions.append(std::nullopt);
        else if (v.isString())
            answers.predictions.append(v.toString());
        else if (v.isDouble())
            answers.predictions.append(QString::number(v.toInteger()));
        else
            return Cli::tr("%1: a prediction's answer must be a string or null").arg(path);
    }
    for (const QJsonValue v : tasks.toArray()) {
        if (v.isNull()) {
            answers.tasks.append(std::nullopt);
            continue;
        }
        if (!v.isArray())
            return Cli::tr("%1: a task's answer must be a list of settings or null").arg(path);
        QList<lesson::Setting> settings;
        for (const QJsonValue s : v.toArray()) {
            lesson::Setting setting;
            if (!s.isString())
                return Cli::tr("%1: a setting must be a string such as \"ttl=5s\"").arg(path);
            if (auto message = lesson::parseSetting(s.toString(), setting))
                return QStringLiteral("%1: %2").arg(path, *message);
            settings.append(setting);
        }
        answers.tasks.append(settings);
    }
    return std::nullopt;
}

QJsonArray numbers(const QList<quint64> &ids)
{
    QJsonArray a;
    for (const quint64 id : ids)
        a.append(qint64(id));
    return a;
}

QJsonValue clientJson(int client)
{
    return client < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(QString(QChar(u'A' + client)));
}

QJsonObject predictionJson(const lesson::Lesson &l, const lesson::PredictionOutcome &o)
{
    const lesson::Prediction &p = l.predictions[o.prediction];
    QJsonObject json{
        {QStringLiteral("line"), p.line},
        {QStringLiteral("kind"), lesson::kindName(p.kind)},
        {QStringLiteral("client"), clientJson(p.client)},
        {QStringLiteral("question"), p.question},
        {QStringLiteral("answer"), o.answer ? QJsonValue(*o.answer) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("truth"), o.truth},
        {QStringLiteral("correct"), o.correct},
        {QStringLiteral("decided_by"), numbers(o.decidedBy)}};
    if (p.kind == lesson::Prediction::Kind::Metric)
        json.insert(QStringLiteral("name"), p.name);
    if (!p.key.isEmpty())
        json.insert(QStringLiteral("key"), p.key);
    if (!lesson::isNumeric(p.kind))
        json.insert(QStringLiteral("choices"), QJsonArray::fromStringList(o.choices));
    return json;
}

QJsonArray goalsJson(const QList<lesson::GoalFailure> &failures)
{
    QJsonArray a;
    for (const lesson::GoalFailure &f : failures) {
        a.append(QJsonObject{{QStringLiteral("line"), f.line},
                             {QStringLiteral("text"), f.text},
                             {QStringLiteral("actual"), f.actual},
                             {QStringLiteral("messages"), numbers(f.messages)}});
    }
    return a;
}

QJsonObject reportJson(const lesson::Lesson &l, const lesson::LessonReport &r)
{
    QJsonArray predictions;
    for (const auto &o : r.predictions)
        predictions.append(predictionJson(l, o));
    QJsonArray tasks;
    for (const lesson::TaskReport &t : r.tasks) {
        const lesson::Task &task = l.tasks[t.task];
        tasks.append(QJsonObject{{QStringLiteral("line"), task.line},
                                 {QStringLiteral("text"), task.text},
                                 {QStringLiteral("passed"), t.passed},
                                 {QStringLiteral("solution_passes"), t.solutionPasses},
                                 {QStringLiteral("untouched_fails"), t.untouchedFails},
                                 {QStringLiteral("failed_goals"), goalsJson(t.failedGoals)}});
    }
    QJsonArray failures;
    for (const auto &f : r.expectationFailures) {
        failures.append(QJsonObject{{QStringLiteral("line"), f.line},
                                    {QStringLiteral("text"), f.text},
                                    {QStringLiteral("actual"), f.actual}});
    }
    QJsonObject json{{QStringLiteral("lesson"), l.title},
                     {QStringLiteral("predictions"), predictions},
                     {QStringLiteral("tasks"), tasks},
                     {QStringLiteral("expectations"),
                      QJsonObject{{QStringLiteral("passed"), r.expectationsPassed},
                                  {QStringLiteral("failed"), int(r.expectationFailures.size())},
                                  {QStringLiteral("failures"), failures}}}};
    if (!r.fatal.isEmpty())
        json.insert(QStringLiteral("error"), r.fatal);
    return json;
}

QString joined(const QList<quint64> &ids)
{
    QStringList parts;
    for (const quint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(u", ");
}

void printGoals(const QString &file, const QList<lesson::GoalFailure> &failures, QTextStream &out)
{
    for (const lesson::GoalFailure &f : failures) {
        out << Cli::tr("%1:%2:   goal %3 does not hold: got %4 (messages %5)\n")
                   .arg(file)
                   .arg(f.line)
                   .arg(f.text, f.actual, joined(f.messages));
    }
}

void printReport(const lesson::Lesson &l, const lesson::LessonReport &r, bool learner,
                 QTextStream &out)
{
    const QString file = l.fileName();
    for (const auto &o : r.predictions) {
        const lesson::Prediction &p = l.predictions[o.prediction];
        const QString verdict = !o.answer   ? Cli::tr("unanswered")
                                : o.correct ? Cli::tr("right")
                                            : Cli::tr("wrong (answered %1)").arg(*o.answer);
        out << Cli::tr("%1:%2: predict %3: %4 — %5; decided by messages %6\n")
                   .arg(file)
                   .arg(p.line)
                   .arg(lesson::kindName(p.kind), o.truth, verdict, joined(o.decidedBy));
    }
    for (const lesson::TaskReport &t : r.tasks) {
        const lesson::Task &task = l.tasks[t.task];
        out << Cli::tr("%1:%2: task %3: %4\n")
                   .arg(file)
                   .arg(task.line)
                   .arg(task.text, t.passed ? Cli::tr("passed") : Cli::tr("not passed"));
        if (!t.solutionPasses) {
            out << Cli::tr("%1:%2:   the solution does not pass\n").arg(file).arg(task.line);
            printGoals(file, t.solutionFailures, out);
        }
        if (!t.untouchedFails)
            out << Cli::tr("%1:%2:   the task passes untouched: it teaches nothing\n")
                       .arg(file)
                       .arg(task.line);
        if (!t.fatal.isEmpty())
            out << QStringLiteral("%1:%2:   %3\n").arg(file).arg(task.line).arg(t.fatal);
        if (learner && !t.passed)
            printGoals(file, t.failedGoals, out);
    }
    for (const auto &f : r.expectationFailures)
        out << QStringLiteral("%1:%2: expected %3, got %4\n")
                   .arg(file)
                   .arg(f.line)
                   .arg(f.text, f.actual);
    if (!r.fatal.isEmpty())
        out << r.fatal << u'\n';
    int passed = 0;
    for (const lesson::TaskReport &t : r.tasks)
        passed += t.passed ? 1 : 0;
    // Two counts, two plurals: the tasks' sentence, then the expectations'.
    out << Cli::tr("%1: %2 of %n task(s) passed", nullptr, int(r.tasks.size()))
               .arg(file)
               .arg(passed)
        << Cli::tr(", %n expectation(s) held, %1 failed\n", nullptr, r.expectationsPassed)
               .arg(r.expectationFailures.size());
}

} // namespace

int lesson(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Plays a Cache Lab lesson as a learner would and checks every task."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), Cli::tr("The lesson file (*.cls)."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  Cli::tr("Print the outcome as one JSON object."));
    const QCommandLineOption answersOption(
        QStringLiteral("answers"), Cli::tr("Answer the predictions and tasks from FILE.json."),
        QStringLiteral("FILE.json"));
    parser.addOptions({json, answersOption});
    if (!parser.parse(arguments)) {
        err << Cli::tr("cachelab-cli lesson: %1\n").arg(parser.errorText());
        return InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << commandHelp(parser, "lesson");
        return Passed;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1) {
        err << Cli::tr("cachelab-cli lesson: expected exactly one lesson file, got %1\n")
                   .arg(files.size());
        return InvalidInput;
    }
    auto parsed = lesson::parseFile(files.constFirst());
    if (auto *e = std::get_if<scenario::ParseError>(&parsed)) {
        err << e->toString() << u'\n';
        return InvalidInput;
    }
    const lesson::Lesson l = std::get<lesson::Lesson>(std::move(parsed));

    std::optional<lesson::Answers> answers;
    if (parser.isSet(answersOption)) {
        lesson::Answers given;
        auto message = readAnswers(parser.value(answersOption), given);
        if (!message)
            message = lesson::checkAnswers(l, given);
        if (message) {
            err << Cli::tr("cachelab-cli lesson: --answers: %1\n").arg(*message);
            return InvalidInput;
        }
        answers = given;
    }

    std::variant<lesson::LessonReport, scenario::ParseError> played;
    try {
        LabConfig base;
        base.maxEvents = kDefaultMaxEvents;
        played = lesson::play(l, answers, base);
    } catch (const Error &e) {
        err << Cli::tr("cachelab-cli lesson: %1\n").arg(e.message());
        return InvalidInput;
    }
    if (auto *e = std::get_if<scenario::ParseError>(&played)) {
        err << e->toString() << u'\n';
        return InvalidInput;
    }
    const lesson::LessonReport &report = std::get<lesson::LessonReport>(played);
    if (parser.isSet(json))
        out << QString::fromUtf8(
                   QJsonDocument(reportJson(l, report)).toJson(QJsonDocument::Compact))
            << u'\n';
    else
        printReport(l, report, answers.has_value(), out);
    return report.ok() ? Passed : ExpectationsFailed;
}

int runLesson(const QString &path, const LabConfig &base, const RunOutputs &outputs,
              QTextStream &out, QTextStream &err)
{
    auto parsed = lesson::parseFile(path);
    if (auto *e = std::get_if<scenario::ParseError>(&parsed)) {
        err << e->toString() << u'\n';
        return InvalidInput;
    }
    const lesson::Lesson l = std::get<lesson::Lesson>(std::move(parsed));
    std::unique_ptr<lesson::LessonRunner> runner;
    try {
        runner = lesson::runAsScenario(l, base);
    } catch (const Error &e) {
        err << Cli::tr("cachelab-cli run: %1\n").arg(e.message());
        return InvalidInput;
    }
    return reportRun(lesson::runResult(*runner), runner->lab(), path, outputs, out, err);
}

} // namespace cachelab::cli
