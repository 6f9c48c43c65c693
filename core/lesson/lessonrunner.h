#pragma once

#include "evidence.h"
#include "lesson.h"

#include "../scenario/runner.h"

#include <memory>

namespace cachelab::lesson {

/// A task as its check found it.
struct TaskOutcome
{
    int task = 0;
    bool passed = false;
    QList<GoalFailure> failures; ///< in file order: the first is the one to show
    QString fatal;               ///< the settings could not be applied, or the run broke off
    QString hint;                ///< after a failed check: the next hint (empty: none left)
};

/// Plays a lesson the way a learner meets it, one step at a time (LESSONS.md). The GUI
/// calls begin() for each step and lets virtual time pass for commands through commands();
/// headless callers use runToStop(). It stops for the learner at a `task` until check()
/// passes or showSolution(); predictions are opened at `predict`, answered with answer()
/// and decided at `reveal` (revealed()). Outcomes are plain data; the lab on show changes
/// when a task is solved (the lab listener is told).
class LessonRunner
{
public:
    /// Builds the first lab; throws Error (CacheError, DatabaseError) when it cannot.
    explicit LessonRunner(Lesson lesson, LabConfig base = {});
    ~LessonRunner();
    LessonRunner(const LessonRunner &) = delete;
    LessonRunner &operator=(const LessonRunner &) = delete;

    const Lesson &lesson() const { return m_lesson; }
    Lab &lab();
    scenario::Runner &commands();

    // --- step by step ---------------------------------------------------------------------
    bool finished() const { return !atTask() && m_step >= m_lesson.steps.size(); }
    /// The step begin() takes next (the task itself while stopped at it); nullptr at the end.
    const Step *next() const;
    void begin();
    /// True while the command begun last still needs virtual time.
    bool waiting() const;
    void finishCurrent();
    /// Begins and finishes commands until a say, predict, reveal or task is next.
    void runToStop();
    bool atTask() const { return m_atTask; }

    void answer(int prediction, const QString &answer);
    /// The outcomes of the last reveal, and of every reveal so far.
    const QList<PredictionOutcome> &revealed() const { return m_revealed; }
    const QList<PredictionOutcome> &outcomes() const { return m_outcomes; }

    /// Whether the current task allows every setting; a message if not.
    std::optional<QString> checkAllowed(const QList<Setting> &learner) const;
    /// Checks the current task with `learner` (on top of the earlier tasks' settings) in a
    /// lab of its own, and leaves the lesson where it is.
    TaskOutcome tryTask(const QList<Setting> &learner);
    /// The learner presses Check: on a pass the lesson goes on in that lab.
    TaskOutcome check(const QList<Setting> &learner);
    /// Show Solution: the author's settings, and the lesson goes on with them.
    TaskOutcome showSolution();
    /// The settings of every task solved so far.
    const QList<Setting> &settings() const { return m_settings; }
    /// The lab of the last check that failed (its trace holds the messages a GoalFailure
    /// names), until the next check; nullptr if the last check passed or broke off.
    Lab *failedCheckLab();

    // --- what the run found ---------------------------------------------------------------
    int expectationsPassed() const { return m_passed; }
    const QList<scenario::Failure> &expectationFailures() const { return m_failures; }
    QString fatal() const;
    /// Goals count as expectations (`cachelab-cli run` on a lesson).
    void setGoalsAreExpectations(bool on) { m_goalsAreExpectations = on; }

    void setTraceListener(TraceLog::Listener listener);
    void setOperationListener(std::function<void(const Operation &)> listener);
    void setLabListener(std::function<void()> listener) { m_labListener = std::move(listener); }

private:
    struct Run;
    struct Trial;
    std::unique_ptr<Run> makeRun(const QList<Setting> &settings, QString &error);
    Trial runTask(const QList<Setting> &learner);
    TaskOutcome adopt(Trial trial);
    void count(const scenario::Command &command, const std::optional<scenario::Failure> &f);
    const Task &currentTask() const;

    Lesson m_lesson;
    LabConfig m_base;
    QStringList m_keys;
    std::unique_ptr<Run> m_run;
    std::unique_ptr<Run> m_failedCheck;
    qsizetype m_step = 0;
    bool m_atTask = false;
    int m_hintsShown = 0;
    QList<Setting> m_settings;
    QList<OpenPrediction> m_open;
    QHash<int, QString> m_answers;
    QList<PredictionOutcome> m_revealed;
    QList<PredictionOutcome> m_outcomes;
    int m_passed = 0;
    QList<scenario::Failure> m_failures;
    bool m_goalsAreExpectations = false;
    TraceLog::Listener m_traceListener;
    std::function<void(const Operation &)> m_operationListener;
    std::function<void()> m_labListener;
};

} // namespace cachelab::lesson
