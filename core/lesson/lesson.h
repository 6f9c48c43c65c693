#pragma once

#include "../scenario/scenario.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <variant>

namespace cachelab::lesson {

/// One SETTING, as a `solution` line or a learner's answer writes it (LESSONS.md, "Tasks"):
/// option assignments, or one of `latency PART=DURATION …`, `clients N`, `pattern NAME`.
struct Setting
{
    enum class Kind { Options, Latency, Clients, Pattern };
    Kind kind = Kind::Options;
    QList<OptionSetting> options;
    QList<std::pair<QString, TimeUs>> latencies; ///< part, round trip
    int clients = 1;
    PatternKind pattern = PatternKind::CacheAside;
    QString text; ///< as written
};

/// What a task lets the learner change (its `allow` lines).
struct Allowance
{
    QStringList options;
    QStringList latencyParts;
    bool clients = false;
    QList<PatternKind> patterns;
};

/// A `predict` line: a question decided by the run at the next `reveal`.
struct Prediction
{
    enum class Kind { Hit, Result, Stale, Metric, Cache, Db, Breaker, Queue };
    Kind kind = Kind::Hit;
    int line = 0;
    int client = -1;  ///< -1 for the kinds that belong to no client (metric, cache, db)
    QString name;     ///< Metric: the counter
    QString key;      ///< Cache, Db
    QString question; ///< the rest of the line
    int revealLine = 0;
};

/// "hit", "result", … as LESSONS.md names the kinds.
QString kindName(Prediction::Kind kind);
/// hit, result and stale are decided by a read.
bool isReadBased(Prediction::Kind kind);
/// metric and queue are answered with a whole number and have no choices.
bool isNumeric(Prediction::Kind kind);

/// A `goal` line: an expectation checked where it stands when the task is checked.
struct Goal
{
    int line = 0;
    QString text; ///< as written after "goal"
};

/// A `task` … `end task` block.
struct Task
{
    int line = 0;
    int endLine = 0;
    QString text;
    Allowance allow;
    QList<Goal> goals;
    QStringList hints;
    QList<Setting> solution;
};

/// A `say` line.
struct Say
{
    int line = 0;
    QString text;
};

/// One thing the lesson does, in file order.
struct Step
{
    enum class Type { Command, Say, Predict, Reveal, Task };
    Type type = Type::Command;
    int line = 0;
    int index = 0;     ///< into Scenario::commands, Lesson::says, predictions or tasks
    int task = -1;     ///< the task whose body holds it, -1 outside tasks
    bool goal = false; ///< a Command that is a task's goal
};

/// A parsed lesson: a scenario (its setup and every command, goals included as
/// expectations) and the lesson's own lines around it.
struct Lesson
{
    QString title;
    scenario::Scenario scenario;
    QList<Say> says;
    QList<Prediction> predictions;
    QList<Task> tasks;
    QList<Step> steps;

    QString fileName() const { return scenario.fileName; }
};

/// True when `text` has a `lesson` line: it is to be read as a lesson, not a scenario.
bool isLesson(QStringView text);

/// True when the file at `path` can be read and is a lesson.
bool isLessonFile(const QString &path);

/// Parses lesson text. The first problem stops the parse and is returned. Never throws.
std::variant<Lesson, scenario::ParseError> parse(const QString &text, const QString &fileName);

/// Reads a file as scenario::parseFile does (UTF-8, size limits) and parses it as a lesson.
std::variant<Lesson, scenario::ParseError> parseFile(const QString &path);

/// Reads a file's text with scenario::parseFile's checks; a ParseError if it cannot be read.
std::variant<QString, scenario::ParseError> readFile(const QString &path);

} // namespace cachelab::lesson
