#pragma once

#include "lessonrunner.h"

#include <QMap>

namespace cachelab::lesson {

/// A learner's answers, in file order (`cachelab-cli lesson --answers`): none is unanswered
/// (a prediction) or untouched (a task).
struct Answers
{
    QList<std::optional<QString>> predictions;
    QList<std::optional<QList<Setting>>> tasks;
};

/// A task as the headless play found it.
struct TaskReport
{
    int task = 0;
    bool passed = false;
    bool solutionPasses = false;
    bool untouchedFails = false;
    /// The goals that failed in the check `passed` speaks of: the learner's, or without
    /// answers the author's solution.
    QList<GoalFailure> failedGoals;
    QList<GoalFailure> solutionFailures;  ///< why the author's solution fails, if it does
    QList<GoalFailure> untouchedFailures; ///< what the learner meets before changing anything
    QString fatal;
};

/// Everything `cachelab-cli lesson` reports.
struct LessonReport
{
    QList<PredictionOutcome> predictions;
    QList<TaskReport> tasks;
    int expectationsPassed = 0;
    QList<scenario::Failure> expectationFailures;
    QString fatal;
    QMap<QString, qint64> metrics;
    TimeUs virtualTime = 0;

    /// Every task passed (and its lint held) and every `expect` held.
    bool ok() const;
};

/// Checks answers against the lesson before anything runs: as many as there are
/// predictions and tasks at most, and only settings each task allows. A message if not.
std::optional<QString> checkAnswers(const Lesson &lesson, const Answers &answers);

/// Plays a lesson headless as LESSONS.md describes `cachelab-cli lesson`: the author's path
/// (each task checked with its solution and untouched, then going on with the solution),
/// and with answers the learner's path. A prediction that its reveal cannot decide is an
/// error of the file, returned as a ParseError at the reveal's line. Throws Error when a
/// lab cannot be built.
std::variant<LessonReport, scenario::ParseError>
play(const Lesson &lesson, const std::optional<Answers> &answers, const LabConfig &base = {});

/// `cachelab-cli run` on a lesson: predictions and says skipped, every task run with its
/// solution, goals counted as expectations. Returns the finished runner (its lab holds the
/// trace to export); throws Error when a lab cannot be built.
std::unique_ptr<LessonRunner> runAsScenario(const Lesson &lesson, const LabConfig &base = {});
/// What `cachelab-cli run` reports of a finished runner.
scenario::RunResult runResult(LessonRunner &runner);

} // namespace cachelab::lesson
