// Drives the lesson window to one state a learner meets and leaves it on screen, for the
// screenshots the README and reviews use (taken from outside with `import -window root`):
//
//   lessonshot browser|record|back|predict|reveal|failed|passed|finished [--dark] [--lang de]
//   [--progress FILE]

#include <lessonbrowser.h>
#include <lessoncatalog.h>
#include <lessonhub.h>
#include <lessonwindow.h>
#include <mainwindow.h>
#include <theme.h>

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QTextStream>

using namespace cachelab::ui;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const QString state = args.value(1);
    const qsizetype lang = args.indexOf(QStringLiteral("--lang"));
    applyLanguage(lang > 0 ? args.value(lang + 1) : QStringLiteral("en"));
    applyTheme(args.contains(QStringLiteral("--dark")));
    const qsizetype progress = args.indexOf(QStringLiteral("--progress"));

    AppSettings settings;
    MainWindow lab(settings);
    lab.startLab(cachelab::PatternKind::CacheAside);
    lab.resize(1280, 720);
    lab.show();
    LessonHub hub(&lab, progress > 0 ? args.value(progress + 1) : QString());
    hub.install();
    if (state == u"browser") {
        hub.showBrowser();
        return app.exec();
    }
    if (state == u"record") { // the --progress file as a teacher opens it
        hub.showBrowser();
        auto opened = hub.browser()->openRecord(hub.progress().path);
        if (auto *problem = std::get_if<QString>(&opened)) {
            QTextStream(stderr) << *problem << Qt::endl;
            return 2;
        }
        return app.exec();
    }
    // Lesson 1: a say, a prediction, its reveal, then (after two more) its task.
    const LessonEntry entry = lessonCatalog().value(0);
    if (auto problem = hub.openLesson(entry)) {
        QTextStream(stderr) << *problem << Qt::endl;
        return 2;
    }
    LessonWindow *w = hub.lessonWindow();
    w->setConfirmSolution([] { return true; });
    w->resize(1280, 720);
    w->move(0, 0);
    QCoreApplication::processEvents(); // laid out at its size before the steps are taken
    if (state == u"back") {            // "Lessons" pressed in the lesson window
        Q_EMIT w->browserRequested();
        return app.exec();
    }
    w->next();
    if (state == u"predict")
        return app.exec();
    w->choose(1);
    if (state == u"reveal")
        return app.exec();
    w->next();
    w->next();
    w->choose(1); // wrong on purpose
    w->answerNumber();
    w->next();
    w->next();
    w->check();
    if (state == u"failed")
        return app.exec();
    w->findChild<QLineEdit *>(QStringLiteral("option:ttl"))->setText(QStringLiteral("2m"));
    w->check();
    if (state == u"passed")
        return app.exec();
    w->next();
    if (state == u"finished")
        return app.exec();
    QTextStream(stderr) << "lessonshot: unknown state " << state << Qt::endl;
    return 2;
}
