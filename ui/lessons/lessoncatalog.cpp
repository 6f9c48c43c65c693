#include "lessoncatalog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace cachelab::ui {

LessonEntry describeLesson(const QString &text, const QString &resource)
{
    LessonEntry entry;
    entry.resource = resource;
    entry.id = QFileInfo(resource).completeBaseName();
    entry.number = entry.id.section(u'-', 0, 0).toInt();
    bool seenTitle = false;
    for (const QString &raw : text.split(u'\n')) {
        const QString line = raw.trimmed();
        if (!seenTitle && line.startsWith(u"lesson ")) {
            entry.title = line.mid(7).trimmed();
            seenTitle = true;
        } else if (seenTitle && line.startsWith(u'#')) {
            entry.summary = line.mid(1).trimmed();
            break;
        } else if (seenTitle && !line.isEmpty()) {
            break; // no summary comment: the lesson has begun
        }
    }
    return entry;
}

QList<LessonEntry> lessonCatalog()
{
    const bool german = QLocale().language() == QLocale::German;
    const QDir english(QStringLiteral(":/lessons"));
    QList<LessonEntry> out;
    for (const QString &name :
         english.entryList({QStringLiteral("*.cls")}, QDir::Files, QDir::Name)) {
        QString path = english.filePath(name);
        const QString translated = QStringLiteral(":/lessons/de/") + name;
        if (german && QFile::exists(translated))
            path = translated;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        out.append(describeLesson(QString::fromUtf8(file.readAll()), path));
    }
    return out;
}

} // namespace cachelab::ui
