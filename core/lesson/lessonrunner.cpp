#include "lessonrunner.h"

#include "settings.h"

#include <QCoreApplication>
#include <QSet>

namespace cachelab::lesson {

namespace {

class RunnerText
{
    Q_DECLARE_TR_FUNCTIONS(LessonRunner)

public:
    static QString notAtTask() { return tr("the lesson is not at a task"); }
};

// Lessons are short; the whole trace must stay, since decided_by points into it.
constexpr qsizetype kTraceCapacity = 1'000'000;

} // namespace

/// One lab and the scenario runner that plays the lesson's commands on it.
struct LessonRunner::Run
{
    struct Checked
    {
        const scenario::Command *command = nullptr;
        std::optional<scenario::Failure> failure;
        QList<quint64> evidence;
    };
    std::unique_ptr<scenario::Runner> runner;
    std::unique_ptr<Observer> observer; // after runner: it goes first
    qsizetype next = 0;                 // the command to begin next
    bool live = false;                  // the lab on show: expectations count at once
    QList<Checked> checked;             // expectations met while not live
};

/// A task checked in a lab of its own.
struct LessonRunner::Trial
{
    std::unique_ptr<Run> run;
    QList<Setting> settings;
    TaskOutcome outcome;
};

LessonRunner::LessonRunner(Lesson lesson, LabConfig base)
    : m_lesson(std::move(lesson))
    , m_base(std::move(base))
{
    QSet<QString> keys;
    for (const scenario::Command &c : std::as_const(m_lesson.scenario.commands)) {
        if (!c.key.isEmpty())
            keys.insert(c.key);
    }
    for (const Prediction &p : std::as_const(m_lesson.predictions)) {
        if (!p.key.isEmpty())
            keys.insert(p.key);
    }
    m_keys = keys.values();
    m_keys.sort();
    QString error;
    m_run = makeRun({}, error);
    if (!m_run)
        throw Error(error);
    m_run->live = true;
}

LessonRunner::~LessonRunner() = default;

Lab &LessonRunner::lab()
{
    return m_run->runner->lab();
}

scenario::Runner &LessonRunner::commands()
{
    return *m_run->runner;
}

std::unique_ptr<LessonRunner::Run> LessonRunner::makeRun(const QList<Setting> &settings,
                                                         QString &error)
{
    scenario::Scenario sc = m_lesson.scenario;
    if (auto message = applySettings(sc, settings)) {
        error = *message;
        return nullptr;
    }
    LabConfig config = m_base;
    config.tracing = true;
    config.traceCapacity = kTraceCapacity;
    auto run = std::make_unique<Run>();
    try {
        run->runner = std::make_unique<scenario::Runner>(std::move(sc), nullptr, nullptr, config);
        run->runner->lab().store().clear();
    } catch (const Error &e) {
        error = e.message();
        return nullptr;
    }
    run->observer = std::make_unique<Observer>(run->runner->lab(), m_keys);
    Run *r = run.get();
    run->runner->setExpectationListener(
        [this, r](const scenario::Command &c, const std::optional<scenario::Failure> &f) {
            if (r->live) {
                count(c, f);
                return;
            }
            Run::Checked checked{&c, f, {}};
            if (f)
                checked.evidence = evidenceFor(c, *r->observer);
            r->checked.append(checked);
        });
    return run;
}

const Step *LessonRunner::next() const
{
    return m_step < m_lesson.steps.size() ? &m_lesson.steps[m_step] : nullptr;
}

void LessonRunner::begin()
{
    const Step *step = next();
    if (!step || m_atTask || !fatal().isEmpty())
        return;
    switch (step->type) {
    case Step::Type::Command:
        m_run->runner->beginNext();
        ++m_run->next;
        break;
    case Step::Type::Say:
        break;
    case Step::Type::Predict:
        m_open.append(openPrediction(m_lesson, step->index, *m_run->observer));
        break;
    case Step::Type::Reveal:
        m_revealed.clear();
        for (const OpenPrediction &open : std::as_const(m_open)) {
            PredictionOutcome out = decide(m_lesson, open, *m_run->observer);
            if (m_answers.contains(open.prediction))
                out.answer = m_answers.value(open.prediction);
            const Prediction &p = m_lesson.predictions[open.prediction];
            out.correct = out.decided && out.answer && sameAnswer(p, *out.answer, out.truth);
            m_revealed.append(out);
            m_outcomes.append(out);
        }
        m_open.clear();
        break;
    case Step::Type::Task:
        m_atTask = true;
        m_hintsShown = 0;
        return; // stays at the task until it is solved or its solution shown
    }
    ++m_step;
}

bool LessonRunner::waiting() const
{
    return m_run && m_run->runner->waiting();
}

void LessonRunner::finishCurrent()
{
    if (m_run)
        m_run->runner->finishCurrent();
}

void LessonRunner::runToStop()
{
    while (!finished() && !m_atTask && fatal().isEmpty() && next()->type == Step::Type::Command) {
        begin();
        finishCurrent();
    }
}

void LessonRunner::answer(int prediction, const QString &answer)
{
    m_answers.insert(prediction, answer);
}

const Task &LessonRunner::currentTask() const
{
    return m_lesson.tasks[m_lesson.steps[m_step].index];
}

std::optional<QString> LessonRunner::checkAllowed(const QList<Setting> &learner) const
{
    if (!m_atTask)
        return RunnerText::notAtTask();
    for (const Setting &s : learner) {
        if (auto message = lesson::checkAllowed(s, currentTask().allow))
            return QStringLiteral("%1: %2").arg(s.text, *message);
    }
    QList<Setting> all = m_settings + learner;
    scenario::Scenario probe = m_lesson.scenario;
    return applySettings(probe, all);
}

LessonRunner::Trial LessonRunner::runTask(const QList<Setting> &learner)
{
    Trial trial;
    trial.settings = learner;
    trial.outcome.task = m_atTask ? m_lesson.steps[m_step].index : -1;
    if (!m_atTask) {
        trial.outcome.fatal = RunnerText::notAtTask();
        return trial;
    }
    const Task &task = currentTask();
    QString error;
    trial.run = makeRun(m_settings + learner, error);
    if (!trial.run) {
        trial.outcome.fatal = error;
        return trial;
    }
    Run &run = *trial.run;
    const QList<scenario::Command> &commands = m_lesson.scenario.commands;
    while (run.next < commands.size() && commands[run.next].line < task.endLine &&
           run.runner->result().fatal.isEmpty()) {
        run.runner->beginNext();
        run.runner->finishCurrent();
        ++run.next;
    }
    trial.outcome.fatal = run.runner->result().fatal;
    for (const Run::Checked &c : std::as_const(run.checked)) {
        const bool goal = c.command->line > task.line && c.command->line < task.endLine &&
                          std::any_of(task.goals.cbegin(), task.goals.cend(),
                                      [&](const Goal &g) { return g.line == c.command->line; });
        if (!goal || !c.failure)
            continue;
        const auto g = std::find_if(task.goals.cbegin(), task.goals.cend(),
                                    [&](const Goal &x) { return x.line == c.command->line; });
        trial.outcome.failures.append(
            GoalFailure{c.command->line, g->text, c.failure->actual, c.evidence});
    }
    trial.outcome.passed = trial.outcome.failures.isEmpty() && trial.outcome.fatal.isEmpty();
    return trial;
}

TaskOutcome LessonRunner::tryTask(const QList<Setting> &learner)
{
    return runTask(learner).outcome;
}

Lab *LessonRunner::failedCheckLab()
{
    return m_failedCheck ? &m_failedCheck->runner->lab() : nullptr;
}

TaskOutcome LessonRunner::check(const QList<Setting> &learner)
{
    m_failedCheck.reset();
    Trial trial = runTask(learner);
    if (trial.outcome.passed)
        return adopt(std::move(trial));
    m_failedCheck = std::move(trial.run); // the diagram shows where the goals broke
    if (m_atTask && trial.outcome.fatal.isEmpty()) {
        const QStringList &hints = currentTask().hints;
        if (m_hintsShown < hints.size())
            trial.outcome.hint = hints[m_hintsShown++];
    }
    return trial.outcome;
}

TaskOutcome LessonRunner::showSolution()
{
    if (!m_atTask) {
        TaskOutcome out;
        out.fatal = RunnerText::notAtTask();
        return out;
    }
    m_failedCheck.reset();
    Trial trial = runTask(currentTask().solution);
    if (!trial.run)
        return trial.outcome;
    return adopt(std::move(trial));
}

TaskOutcome LessonRunner::adopt(Trial trial)
{
    const Task &task = currentTask();
    for (const Run::Checked &c : std::as_const(trial.run->checked)) {
        if (c.command->line > task.line && c.command->line < task.endLine)
            count(*c.command, c.failure);
    }
    trial.run->checked.clear();
    trial.run->live = true;
    m_settings += trial.settings;
    m_run = std::move(trial.run);
    m_run->observer->setForwards(m_traceListener, m_operationListener);
    m_atTask = false;
    while (m_step < m_lesson.steps.size() && m_lesson.steps[m_step].line <= task.endLine)
        ++m_step;
    if (m_labListener)
        m_labListener();
    return trial.outcome;
}

void LessonRunner::count(const scenario::Command &command,
                         const std::optional<scenario::Failure> &failure)
{
    bool goal = false;
    for (const Task &t : std::as_const(m_lesson.tasks)) {
        for (const Goal &g : t.goals)
            goal = goal || g.line == command.line;
    }
    if (goal && !m_goalsAreExpectations)
        return;
    if (failure)
        m_failures.append(*failure);
    else
        ++m_passed;
}

QString LessonRunner::fatal() const
{
    return m_run ? m_run->runner->result().fatal : QString();
}

void LessonRunner::setTraceListener(TraceLog::Listener listener)
{
    m_traceListener = std::move(listener);
    if (m_run)
        m_run->observer->setForwards(m_traceListener, m_operationListener);
}

void LessonRunner::setOperationListener(std::function<void(const Operation &)> listener)
{
    m_operationListener = std::move(listener);
    if (m_run)
        m_run->observer->setForwards(m_traceListener, m_operationListener);
}

} // namespace cachelab::lesson
