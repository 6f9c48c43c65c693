#include "play.h"

#include "settings.h"

#include "../metrics/metrics.h"

#include <QCoreApplication>

namespace cachelab::lesson {

namespace {

class PlayText
{
    Q_DECLARE_TR_FUNCTIONS(LessonPlay)

public:
    static QString tooMany(const QString &what, qsizetype given, qsizetype has)
    {
        return tr("%1 answers for %2: the lesson has %3").arg(given).arg(what).arg(has);
    }
    static QString task(int n, int line) { return tr("task %1 (line %2)").arg(n).arg(line); }
};

/// Plays the author's path; lints every task on the way.
std::variant<LessonReport, scenario::ParseError> playAuthor(const Lesson &lesson,
                                                            const LabConfig &base)
{
    LessonReport report;
    LessonRunner r(lesson, base);
    while (!r.finished() && r.fatal().isEmpty()) {
        r.runToStop();
        if (r.finished() || !r.fatal().isEmpty())
            break;
        const Step step = *r.next();
        r.begin();
        if (step.type == Step::Type::Reveal) {
            for (const PredictionOutcome &out : r.revealed()) {
                if (!out.decided)
                    return scenario::ParseError{lesson.fileName(), step.line, out.reason};
                report.predictions.append(out);
            }
        } else if (step.type == Step::Type::Task) {
            TaskReport t;
            t.task = step.index;
            const TaskOutcome untouched = r.tryTask({});
            const TaskOutcome solved = r.showSolution();
            t.solutionPasses = solved.passed;
            t.solutionFailures = solved.failures;
            t.untouchedFails = !untouched.passed && untouched.fatal.isEmpty();
            t.failedGoals = solved.failures;
            t.untouchedFailures = untouched.failures;
            t.passed = t.solutionPasses && t.untouchedFails;
            t.fatal = !solved.fatal.isEmpty() ? solved.fatal : untouched.fatal;
            report.tasks.append(t);
            if (r.atTask()) // the solution could not even be applied
                break;
        }
    }
    report.expectationsPassed = r.expectationsPassed();
    report.expectationFailures = r.expectationFailures();
    report.fatal = r.fatal();
    const scenario::RunResult result = runResult(r);
    report.metrics = result.metrics;
    report.virtualTime = result.virtualTime;
    return report;
}

/// Plays the learner's path: the author's report gives the lint and what the file is.
LessonReport playLearner(const Lesson &lesson, const Answers &answers, const LabConfig &base,
                         const LessonReport &author)
{
    LessonReport report;
    LessonRunner r(lesson, base);
    for (qsizetype i = 0; i < answers.predictions.size(); ++i) {
        if (answers.predictions[i])
            r.answer(int(i), *answers.predictions[i]);
    }
    while (!r.finished() && r.fatal().isEmpty()) {
        r.runToStop();
        if (r.finished() || !r.fatal().isEmpty())
            break;
        const Step step = *r.next();
        r.begin();
        if (step.type == Step::Type::Reveal) {
            report.predictions += r.revealed();
        } else if (step.type == Step::Type::Task) {
            TaskReport t = author.tasks.value(step.index);
            t.task = step.index;
            const auto given = answers.tasks.value(step.index);
            const TaskOutcome out = r.check(given.value_or(QList<Setting>{}));
            t.passed = out.passed;
            t.failedGoals = out.failures;
            t.fatal = out.fatal;
            report.tasks.append(t);
            if (r.atTask()) // failed: the lesson goes on as the author meant it to
                r.showSolution();
            if (r.atTask())
                break;
        }
    }
    report.expectationsPassed = r.expectationsPassed();
    report.expectationFailures = r.expectationFailures();
    report.fatal = r.fatal();
    const scenario::RunResult result = runResult(r);
    report.metrics = result.metrics;
    report.virtualTime = result.virtualTime;
    return report;
}

} // namespace

bool LessonReport::ok() const
{
    for (const TaskReport &t : tasks) {
        if (!t.passed || !t.solutionPasses || !t.untouchedFails)
            return false;
    }
    return expectationFailures.isEmpty() && fatal.isEmpty();
}

std::optional<QString> checkAnswers(const Lesson &lesson, const Answers &answers)
{
    if (answers.predictions.size() > lesson.predictions.size())
        return PlayText::tooMany(QStringLiteral("predictions"), answers.predictions.size(),
                                 lesson.predictions.size());
    if (answers.tasks.size() > lesson.tasks.size())
        return PlayText::tooMany(QStringLiteral("tasks"), answers.tasks.size(),
                                 lesson.tasks.size());
    QList<Setting> earlier;
    for (qsizetype i = 0; i < lesson.tasks.size(); ++i) {
        const Task &task = lesson.tasks[i];
        const auto given = answers.tasks.value(i);
        if (given) {
            const QString where = PlayText::task(int(i + 1), task.line);
            for (const Setting &s : *given) {
                if (auto message = checkAllowed(s, task.allow))
                    return QStringLiteral("%1: %2: %3").arg(where, s.text, *message);
            }
            scenario::Scenario probe = lesson.scenario;
            if (auto message = applySettings(probe, earlier + *given))
                return QStringLiteral("%1: %2").arg(where, *message);
        }
        earlier += task.solution;
    }
    return std::nullopt;
}

std::variant<LessonReport, scenario::ParseError>
play(const Lesson &lesson, const std::optional<Answers> &answers, const LabConfig &base)
{
    auto author = playAuthor(lesson, base);
    if (!answers || std::holds_alternative<scenario::ParseError>(author))
        return author;
    return playLearner(lesson, *answers, base, std::get<LessonReport>(author));
}

std::unique_ptr<LessonRunner> runAsScenario(const Lesson &lesson, const LabConfig &base)
{
    auto r = std::make_unique<LessonRunner>(lesson, base);
    r->setGoalsAreExpectations(true);
    while (!r->finished() && r->fatal().isEmpty()) {
        r->runToStop();
        if (r->finished() || !r->fatal().isEmpty())
            break;
        r->begin();
        if (r->atTask()) {
            r->showSolution();
            if (r->atTask())
                break;
        }
    }
    return r;
}

scenario::RunResult runResult(LessonRunner &runner)
{
    scenario::RunResult result;
    result.passed = runner.expectationsPassed();
    result.failures = runner.expectationFailures();
    result.fatal = runner.fatal();
    const scenario::RunResult commands = runner.commands().result();
    result.unrequestedErrors = commands.unrequestedErrors;
    result.unrequestedError = commands.unrequestedError;
    result.virtualTime = runner.lab().now();
    for (int i = 0; i < kCounterCount; ++i)
        result.metrics.insert(counterName(Counter(i)), runner.lab().metrics().total(Counter(i)));
    return result;
}

} // namespace cachelab::lesson
