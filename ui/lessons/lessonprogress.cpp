#include "lessonprogress.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QStandardPaths>

namespace cachelab::ui {

namespace {

const QString kFormat = QStringLiteral("cachelab-lesson-progress");

QString s(const char *key)
{
    return QString::fromLatin1(key);
}

QJsonObject predictionJson(const PredictionRecord &p)
{
    return {{s("line"), p.line},
            {s("question"), p.question},
            {s("answer"), p.answer.isEmpty() ? QJsonValue() : QJsonValue(p.answer)},
            {s("truth"), p.truth},
            {s("correct"), p.correct}};
}

PredictionRecord predictionFrom(const QJsonObject &o)
{
    return {o.value(s("line")).toInt(), o.value(s("question")).toString(),
            o.value(s("answer")).toString(), o.value(s("truth")).toString(),
            o.value(s("correct")).toBool()};
}

QJsonObject taskJson(const TaskRecord &t)
{
    return {{s("line"), t.line},
            {s("text"), t.text},
            {s("tries"), t.tries},
            {s("passed"), t.passed},
            {s("solution_shown"), t.solutionShown},
            {s("settings"), QJsonArray::fromStringList(t.settings)}};
}

TaskRecord taskFrom(const QJsonObject &o)
{
    TaskRecord t;
    t.line = o.value(s("line")).toInt();
    t.text = o.value(s("text")).toString();
    t.tries = o.value(s("tries")).toInt();
    t.passed = o.value(s("passed")).toBool();
    t.solutionShown = o.value(s("solution_shown")).toBool();
    for (const QJsonValue v : o.value(s("settings")).toArray())
        t.settings.append(v.toString());
    return t;
}

} // namespace

PredictionRecord &LessonRecord::prediction(int line)
{
    for (PredictionRecord &p : predictions) {
        if (p.line == line)
            return p;
    }
    predictions.append(PredictionRecord{line, {}, {}, {}, false});
    return predictions.last();
}

TaskRecord &LessonRecord::task(int line)
{
    for (TaskRecord &t : tasks) {
        if (t.line == line)
            return t;
    }
    TaskRecord t;
    t.line = line;
    tasks.append(t);
    return tasks.last();
}

int LessonRecord::correctCount() const
{
    return int(std::count_if(predictions.cbegin(), predictions.cend(),
                             [](const PredictionRecord &p) { return p.correct; }));
}

QString LessonProgress::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("lesson-progress.json"));
}

std::variant<LessonProgress, QString> LessonProgress::read(const QString &path)
{
    QFile file(path);
    if (!file.exists()) {
        LessonProgress empty;
        empty.path = path;
        return empty;
    }
    if (!file.open(QIODevice::ReadOnly))
        return tr("cannot open %1: %2").arg(path, file.errorString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (doc.isNull())
        return tr("%1: not JSON (%2 at byte %3)").arg(path, error.errorString()).arg(error.offset);
    auto out = fromJson(doc.object(), path);
    if (auto *progress = std::get_if<LessonProgress>(&out))
        progress->path = path;
    return out;
}

std::optional<QString> LessonProgress::write(const QString &path) const
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("cannot write %1: %2").arg(path, file.errorString());
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return tr("cannot write %1: %2").arg(path, file.errorString());
    return std::nullopt;
}

QJsonObject LessonProgress::toJson() const
{
    QJsonArray lessons;
    for (const LessonRecord &r : m_records) {
        QJsonArray predictions;
        for (const PredictionRecord &p : r.predictions)
            predictions.append(predictionJson(p));
        QJsonArray tasks;
        for (const TaskRecord &t : r.tasks)
            tasks.append(taskJson(t));
        lessons.append(QJsonObject{{s("id"), r.id},
                                   {s("title"), r.title},
                                   {s("finished"), r.finished},
                                   {s("completions"), r.completions},
                                   {s("stops"), r.stops},
                                   {s("updated"), r.updated.toString(Qt::ISODate)},
                                   {s("predictions"), predictions},
                                   {s("tasks"), tasks}});
    }
    QJsonObject json{{s("format"), kFormat},
                     {s("version"), 1},
                     {s("last_lesson"), lastLesson},
                     {s("lessons"), lessons}};
    if (!learner.isEmpty())
        json.insert(s("learner"), learner);
    if (exported.isValid())
        json.insert(s("exported"), exported.toString(Qt::ISODate));
    return json;
}

std::variant<LessonProgress, QString> LessonProgress::fromJson(const QJsonObject &json,
                                                               const QString &path)
{
    if (json.value(s("format")).toString() != kFormat)
        return tr("%1 is not a Cache Lab lesson record (no \"format\": \"%2\")").arg(path, kFormat);
    if (json.value(s("version")).toInt() != 1)
        return tr("%1: version %2 of the lesson record is not known to this Cache Lab")
            .arg(path)
            .arg(json.value(s("version")).toInt());
    LessonProgress out;
    out.lastLesson = json.value(s("last_lesson")).toString();
    out.learner = json.value(s("learner")).toString();
    out.exported = QDateTime::fromString(json.value(s("exported")).toString(), Qt::ISODate);
    for (const QJsonValue v : json.value(s("lessons")).toArray()) {
        const QJsonObject o = v.toObject();
        LessonRecord r;
        r.id = o.value(s("id")).toString();
        if (r.id.isEmpty())
            return tr("%1: a lesson without an \"id\"").arg(path);
        r.title = o.value(s("title")).toString();
        r.finished = o.value(s("finished")).toBool();
        r.completions = o.value(s("completions")).toInt();
        r.stops = o.value(s("stops")).toInt();
        r.updated = QDateTime::fromString(o.value(s("updated")).toString(), Qt::ISODate);
        for (const QJsonValue p : o.value(s("predictions")).toArray())
            r.predictions.append(predictionFrom(p.toObject()));
        for (const QJsonValue t : o.value(s("tasks")).toArray())
            r.tasks.append(taskFrom(t.toObject()));
        out.m_records.append(r);
    }
    return out;
}

LessonRecord &LessonProgress::record(const QString &id)
{
    for (LessonRecord &r : m_records) {
        if (r.id == id)
            return r;
    }
    LessonRecord r;
    r.id = id;
    m_records.append(r);
    return m_records.last();
}

const LessonRecord *LessonProgress::find(const QString &id) const
{
    for (const LessonRecord &r : m_records) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

QString LessonProgress::html() const
{
    QString out;
    out += u"<h2>"_qs +
           (learner.isEmpty() ? tr("Lesson record")
                              : tr("Lesson record of %1").arg(learner.toHtmlEscaped())) +
           u"</h2>"_qs;
    if (exported.isValid())
        out += u"<p>"_qs +
               tr("Exported %1").arg(QLocale().toString(exported, QLocale::ShortFormat)) +
               u"</p>"_qs;
    if (m_records.isEmpty())
        out += u"<p>"_qs + tr("No lesson started yet.") + u"</p>"_qs;
    for (const LessonRecord &r : m_records) {
        out += u"<h3>"_qs + r.title.toHtmlEscaped() + u"</h3><p>"_qs;
        out += r.finished ? tr("Finished (%n time(s)).", nullptr, r.completions)
                          : tr("Not finished yet.");
        out += u" "_qs + tr("%1 of %n prediction(s) right.", nullptr, int(r.predictions.size()))
                             .arg(r.correctCount());
        out += u"</p>"_qs;
        if (!r.predictions.isEmpty()) {
            out += u"<table border=1 cellpadding=4 cellspacing=0><tr><th>"_qs + tr("Question") +
                   u"</th><th>"_qs + tr("Answer") + u"</th><th>"_qs + tr("Truth") +
                   u"</th><th>"_qs + tr("Right?") + u"</th></tr>"_qs;
            for (const PredictionRecord &p : r.predictions) {
                out += u"<tr><td>"_qs + p.question.toHtmlEscaped() + u"</td><td>"_qs +
                       (p.answer.isEmpty() ? tr("(none)") : p.answer.toHtmlEscaped()) +
                       u"</td><td>"_qs + p.truth.toHtmlEscaped() + u"</td><td>"_qs +
                       (p.correct ? tr("right") : tr("wrong")) + u"</td></tr>"_qs;
            }
            out += u"</table>"_qs;
        }
        for (const TaskRecord &t : r.tasks) {
            const QString verdict = t.solutionShown ? tr("solution shown")
                                    : t.passed      ? tr("passed")
                                                    : tr("not passed yet");
            out += u"<p><b>"_qs + tr("Task:") + u"</b> "_qs + t.text.toHtmlEscaped() + u"<br>"_qs +
                   tr("%n check(s), %1.", nullptr, t.tries).arg(verdict);
            if (!t.settings.isEmpty())
                out += u" "_qs + tr("Settings: %1").arg(t.settings.join(u"; ").toHtmlEscaped());
            out += u"</p>"_qs;
        }
    }
    return out;
}

} // namespace cachelab::ui
