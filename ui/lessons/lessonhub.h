#pragma once

#include "lessoncatalog.h"
#include "lessonprogress.h"

#include <lab/lab.h>

#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;
class QMenu;

namespace cachelab::ui {

class LessonBrowser;
class LessonWindow;

/// The lessons' place in the app: the learner's progress (loaded from and saved to the app
/// data folder), the lesson browser, the window a lesson plays in, and the "Lessons" action
/// it adds to the lab window's menu bar and toolbar.
class LessonHub final : public QObject
{
    Q_OBJECT

public:
    /// Loads the progress from `progressPath` (default: LessonProgress::defaultPath()).
    explicit LessonHub(QMainWindow *lab, const QString &progressPath = {});
    ~LessonHub() override;

    /// Adds "Lessons" to the lab window's menu bar (before Help) and its first toolbar.
    void install();
    QAction *lessonsAction() const { return m_action; }

    /// Shows the browser (non-modal, over the lab window).
    void showBrowser();
    LessonBrowser *browser();
    /// The window of the lesson on show, or nullptr before the first.
    LessonWindow *lessonWindow() const;
    std::optional<QString> openLesson(const LessonEntry &entry, bool resume = false);

    LessonProgress &progress() { return m_progress; }
    /// Why the saved progress could not be read (it was set aside), or empty.
    QString loadProblem() const { return m_loadProblem; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void retranslate();
    void openNextAfter(const QString &id);

    QMainWindow *m_lab;
    LessonProgress m_progress;
    QString m_loadProblem;
    QPointer<LessonBrowser> m_browser;
    QPointer<LessonWindow> m_window;
    QAction *m_action = nullptr;
    QMenu *m_menu = nullptr;
};

} // namespace cachelab::ui
