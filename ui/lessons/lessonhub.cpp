#include "lessonhub.h"

#include "lessonbrowser.h"
#include "lessonwindow.h"

#include <QAction>
#include <QEvent>
#include <QFile>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QToolBar>

namespace cachelab::ui {

LessonHub::LessonHub(QMainWindow *lab, const QString &progressPath)
    : QObject(lab)
    , m_lab(lab)
{
    const QString path = progressPath.isEmpty() ? LessonProgress::defaultPath() : progressPath;
    auto read = LessonProgress::read(path);
    if (auto *problem = std::get_if<QString>(&read)) {
        // Keep the damaged file for whoever wants to look at it; start a fresh record.
        m_loadProblem = *problem;
        QFile::remove(path + QStringLiteral(".damaged"));
        QFile::rename(path, path + QStringLiteral(".damaged"));
        m_progress.path = path;
    } else {
        m_progress = std::get<LessonProgress>(std::move(read));
    }
    m_action = new QAction(QIcon(QStringLiteral(":/icons/open.svg")), QString(), this);
    m_action->setObjectName(QStringLiteral("lessonsAction"));
    m_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_action, &QAction::triggered, this, &LessonHub::showBrowser);
    m_lab->installEventFilter(this);
    retranslate();
}

LessonHub::~LessonHub()
{
    // Both point at m_progress: the lesson window is a top-level window of its own, and the
    // browser, a child of the lab window, would otherwise outlive the hub.
    delete m_window;
    delete m_browser;
}

LessonWindow *LessonHub::lessonWindow() const
{
    return m_window;
}

void LessonHub::install()
{
    QMenuBar *bar = m_lab->menuBar();
    m_menu = new QMenu(bar);
    m_menu->addAction(m_action);
    const QList<QAction *> menus = bar->actions();
    bar->insertMenu(menus.isEmpty() ? nullptr : menus.last(), m_menu); // before Help
    auto *toolbar = m_lab->findChild<QToolBar *>(QStringLiteral("playback"));
    if (!toolbar)
        toolbar = m_lab->findChild<QToolBar *>();
    if (toolbar) {
        const QList<QAction *> actions = toolbar->actions();
        toolbar->insertAction(actions.isEmpty() ? nullptr : actions.first(), m_action);
        toolbar->insertSeparator(actions.isEmpty() ? nullptr : actions.first());
    }
    retranslate();
}

LessonBrowser *LessonHub::browser()
{
    if (!m_browser) {
        m_browser = new LessonBrowser(&m_progress, m_lab);
        connect(m_browser, &LessonBrowser::lessonChosen, this,
                [this](const LessonEntry &entry, bool resume) {
                    if (auto problem = openLesson(entry, resume))
                        QMessageBox::warning(m_lab, tr("Cannot open the lesson"), *problem);
                });
        connect(m_browser, &LessonBrowser::exploreChosen, this, [this] {
            if (m_window)
                m_window->hide();
            m_lab->raise();
            m_lab->activateWindow();
        });
    }
    return m_browser;
}

void LessonHub::showBrowser()
{
    LessonBrowser *b = browser();
    // Over the window the learner is looking at: the lesson's, when one is on show.
    QWidget *over =
        m_window && m_window->isVisible() ? static_cast<QWidget *>(m_window.data()) : m_lab;
    if (b->parentWidget() != over)
        b->setParent(over, b->windowFlags());
    b->refresh();
    b->show();
    b->raise();
    b->activateWindow();
    if (!m_loadProblem.isEmpty()) {
        QMessageBox::warning(b, tr("Lessons"),
                             tr("Your saved progress could not be read, so the lessons start "
                                "afresh (the old file was kept as *.damaged): %1")
                                 .arg(m_loadProblem));
        m_loadProblem.clear();
    }
}

std::optional<QString> LessonHub::openLesson(const LessonEntry &entry, bool resume)
{
    if (!m_window) {
        LabConfig base;
        base.maxEvents = kDefaultMaxEvents; // as the CLI plays lessons: embedded and bounded
        m_window = new LessonWindow(base, &m_progress);
        m_window->setWindowIcon(m_lab->windowIcon());
        connect(m_window, &LessonWindow::browserRequested, this, &LessonHub::showBrowser);
        connect(m_window, &LessonWindow::nextLessonRequested, this, &LessonHub::openNextAfter);
    }
    if (auto problem = m_window->open(entry, resume))
        return problem;
    m_window->resize(m_lab->size());
    m_window->move(m_lab->pos());
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
    return std::nullopt;
}

void LessonHub::openNextAfter(const QString &id)
{
    const QList<LessonEntry> lessons = lessonCatalog();
    for (qsizetype i = 0; i + 1 < lessons.size(); ++i) {
        if (lessons[i].id == id) {
            if (auto problem = openLesson(lessons[i + 1]))
                QMessageBox::warning(m_window, tr("Cannot open the lesson"), *problem);
            return;
        }
    }
    showBrowser(); // the last lesson: back to the curriculum
}

bool LessonHub::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_lab && event->type() == QEvent::LanguageChange)
        retranslate();
    return QObject::eventFilter(watched, event);
}

void LessonHub::retranslate()
{
    m_action->setText(tr("Lessons"));
    m_action->setToolTip(tr("The lessons: learn each pattern step by step (Ctrl+L)"));
    if (m_menu)
        m_menu->setTitle(tr("L&essons"));
}

} // namespace cachelab::ui
