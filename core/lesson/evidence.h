#pragma once

#include "lesson.h"
#include "observer.h"

#include <optional>

namespace cachelab::lesson {

/// A prediction as the reveal decided it.
struct PredictionOutcome
{
    int prediction = 0;            ///< into Lesson::predictions
    std::optional<QString> answer; ///< none: unanswered
    QString truth;                 ///< as a learner types it: hit, no, old, missing, 10, half-open
    bool correct = false;
    /// False when the run could not decide it (no read completed before the reveal): an
    /// error of the file, reported by `reason`.
    bool decided = true;
    QString reason;
    QStringList choices;      ///< empty for the numeric kinds
    QList<quint64> decidedBy; ///< message numbers as the diagram draws them (1., 2., …)
};

/// A goal that did not hold when its task was checked.
struct GoalFailure
{
    int line = 0;
    QString text;            ///< as written after "goal"
    QString actual;          ///< what was found instead
    QList<quint64> messages; ///< the messages that made it fail, numbered as drawn
};

/// Where the lab stood when a prediction was made.
struct OpenPrediction
{
    int prediction = 0;
    quint64 lastMessage = 0; ///< the trace's last message number at the `predict`
    qint64 counter = 0;      ///< metric: the counter then
    qsizetype finished = 0;  ///< how many operations had finished then
};

OpenPrediction openPrediction(const Lesson &lesson, int index, const Observer &observer);
PredictionOutcome decide(const Lesson &lesson, const OpenPrediction &open,
                         const Observer &observer);
/// Whether `answer` says what `truth` says (numbers as numbers, words without case).
bool sameAnswer(const Prediction &prediction, const QString &answer, const QString &truth);
/// The messages behind an expectation's subject: what `goal` line `command` looked at.
QList<quint64> evidenceFor(const scenario::Command &command, const Observer &observer);

} // namespace cachelab::lesson
