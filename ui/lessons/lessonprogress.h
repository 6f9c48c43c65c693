#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace cachelab::ui {

/// A prediction as its reveal decided it.
struct PredictionRecord
{
    int line = 0;
    QString question;
    QString answer; ///< empty: unanswered
    QString truth;
    bool correct = false;
};

/// A task: how often the learner checked it and how it ended.
struct TaskRecord
{
    int line = 0;
    QString text;
    int tries = 0; ///< Check pressed
    bool passed = false;
    bool solutionShown = false;
    QStringList settings; ///< what passed, as `solution` lines write it
};

/// One learner's record of one lesson.
struct LessonRecord
{
    QString id;
    QString title;
    bool finished = false;
    int completions = 0; ///< times played to the end
    int stops = 0;       ///< where the learner stopped: say/predict/reveal/task steps done
    QList<PredictionRecord> predictions;
    QList<TaskRecord> tasks;
    QDateTime updated;

    PredictionRecord &prediction(int line);
    TaskRecord &task(int line);
    int correctCount() const;
};

/// A learner's progress through the lessons: kept as JSON in the app data folder, exported
/// as one file for a teacher, and read back from such a file to be viewed.
class LessonProgress
{
    Q_DECLARE_TR_FUNCTIONS(LessonProgress)

public:
    /// AppDataLocation/lesson-progress.json
    static QString defaultPath();

    /// Reads `path`; a missing file is an empty record. A damaged one gives a message.
    static std::variant<LessonProgress, QString> read(const QString &path);
    /// Writes the whole record to `path`; a message if it cannot.
    std::optional<QString> write(const QString &path) const;

    QJsonObject toJson() const;
    static std::variant<LessonProgress, QString> fromJson(const QJsonObject &json,
                                                          const QString &path);

    LessonRecord &record(const QString &id);
    const LessonRecord *find(const QString &id) const;
    const QList<LessonRecord> &records() const { return m_records; }

    /// The record as a teacher reads it: one section per lesson, HTML.
    QString html() const;

    /// Where save() writes (read() sets it).
    QString path;
    std::optional<QString> save() const { return write(path); }

    /// The lesson the learner had open last: where "Resume" goes.
    QString lastLesson;
    /// Who this record is of (exports carry it).
    QString learner;
    QDateTime exported;

private:
    QList<LessonRecord> m_records;
};

} // namespace cachelab::ui
