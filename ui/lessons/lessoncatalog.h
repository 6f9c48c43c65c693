#pragma once

#include <QList>
#include <QString>

namespace cachelab::ui {

/// One lesson of the curriculum as the browser lists it.
struct LessonEntry
{
    QString id;       ///< the file's base name, "03-write-invalidates": the same in every language
    int number = 0;   ///< from the file name: the curriculum's order
    QString title;    ///< the `lesson` line
    QString summary;  ///< the first comment line after it
    QString resource; ///< ":/lessons/de/03-write-invalidates.cls"
};

/// The lessons compiled into the app (:/lessons), in curriculum order, in the UI's language:
/// the German file when the default locale is German and one exists, the English one otherwise.
QList<LessonEntry> lessonCatalog();

/// Reads title and summary from a lesson file's text.
LessonEntry describeLesson(const QString &text, const QString &resource);

} // namespace cachelab::ui
