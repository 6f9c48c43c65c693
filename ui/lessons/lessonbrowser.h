#pragma once

#include "lessoncatalog.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace cachelab::ui {

class LessonProgress;

/// The curriculum: every lesson in order with its number, title and one-line summary, a tick
/// for each one finished, Resume where the learner stopped, and "Just explore" for the open
/// lab. Also exports the learner's record and opens someone's exported record.
class LessonBrowser final : public QDialog
{
    Q_OBJECT

public:
    LessonBrowser(LessonProgress *progress, QWidget *parent = nullptr);

    /// Reads the catalogue again (the language may have changed) and the progress.
    void refresh();
    const QList<LessonEntry> &lessons() const { return m_lessons; }
    QTreeWidget *list() const { return m_list; }

    /// Writes the learner's record to `path` as one JSON file; a message if it cannot.
    std::optional<QString> exportProgress(const QString &path);
    /// Shows the record in an exported file (a learner's, for a teacher); a message if the
    /// file cannot be read. Returns the dialog shown.
    std::variant<QDialog *, QString> openRecord(const QString &path);

Q_SIGNALS:
    void lessonChosen(const cachelab::ui::LessonEntry &entry, bool resume);
    void exploreChosen();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void startSelected();
    void resume();
    void exportDialog();
    void openRecordDialog();
    const LessonEntry *resumeEntry() const;

    LessonProgress *m_progress;
    QList<LessonEntry> m_lessons;
    QLabel *m_heading = nullptr;
    QLabel *m_intro = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_explore = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_openRecord = nullptr;
};

} // namespace cachelab::ui
