// The desktop app: command line, settings, translators, then the main window.
//
//   cachelab [SCENARIO] [--redis URL] [--db URL] [--lang CODE] [--dark]
//            [--workload [--run SECONDS]] [--compare] [--tradeoffs] [--replay FILE [--at SECONDS]]
//            [--screenshot PNG [--until LINE] [--save-session FILE]]

#include <appsettings.h>
#include <chartspanel.h>
#include <comparisonrunner.h>
#include <comparisonwindow.h>
#include <labcontroller.h>
#include <lessonhub.h>
#include <mainwindow.h>
#include <measure/tradeoffswindow.h>
#include <replaycontroller.h>
#include <theme.h>
#include <workloadpanel.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMessageBox>
#include <QScreen>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cache Lab"));
    QApplication::setOrganizationDomain(QStringLiteral("cachelab.example.org"));
    QApplication::setApplicationName(QStringLiteral("Cache Lab"));
    QApplication::setApplicationVersion(QStringLiteral(CACHELAB_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.example.cachelab"));

    // The language comes first, so that --help is already translated.
    cachelab::ui::AppSettings settings = cachelab::ui::AppSettings::load();
    QString language = settings.language;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg == u"--lang" && i + 1 < argc)
            language = QString::fromLocal8Bit(argv[i + 1]);
        else if (arg.startsWith(u"--lang="))
            language = arg.mid(7);
    }
    cachelab::ui::applyLanguage(language);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Watch caching patterns behave."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("scenario"),
        QCoreApplication::translate("main", "A scenario file (*.cls) to play."),
        QStringLiteral("[SCENARIO]"));
    const QCommandLineOption lang(
        QStringLiteral("lang"), QCoreApplication::translate("main", "Use language CODE (en, de)."),
        QStringLiteral("CODE"));
    const QCommandLineOption redis(
        QStringLiteral("redis"),
        QCoreApplication::translate("main", "Use the Redis server at URL as the shared cache."),
        QStringLiteral("URL"));
    const QCommandLineOption db(
        QStringLiteral("db"),
        QCoreApplication::translate(
            "main", "Use the database at URL: an SQLite file path, sqlite:///path, :memory: or "
                    "postgresql://user@host/database (default: in memory)."),
        QStringLiteral("URL"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate(
            "main", "Play the scenario to its end (or run what --workload, --compare or --replay "
                    "ask for), save the window as the PNG image FILE and quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption until(
        QStringLiteral("until"),
        QCoreApplication::translate("main",
                                    "With --screenshot: stop after the command on line LINE."),
        QStringLiteral("LINE"));
    const QCommandLineOption dark(QStringLiteral("dark"),
                                  QCoreApplication::translate("main", "Use a dark palette."));
    const QCommandLineOption workload(
        QStringLiteral("workload"),
        QCoreApplication::translate("main", "Start a workload (the Workload panel's defaults) on "
                                            "the lab and show the live charts."));
    const QCommandLineOption run(
        QStringLiteral("run"),
        QCoreApplication::translate(
            "main", "With --workload and --screenshot: let SECONDS of virtual time pass first "
                    "(default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption compare(
        QStringLiteral("compare"),
        QCoreApplication::translate("main", "Open the comparison of the patterns. With "
                                            "--screenshot: run it and save that window."));
    const QCommandLineOption tradeoffs(
        QStringLiteral("tradeoffs"),
        QCoreApplication::translate("main", "Open the trade-off curves. With --screenshot: run "
                                            "them (TTL from 1 s to 1 h) and save that window."));
    // Not "--session": QGuiApplication takes -session for X11 session management.
    const QCommandLineOption session(
        QStringLiteral("replay"),
        QCoreApplication::translate("main", "Replay the saved session FILE."),
        QStringLiteral("FILE"));
    const QCommandLineOption at(
        QStringLiteral("at"),
        QCoreApplication::translate("main", "With --replay: move the replay to SECONDS of "
                                            "virtual time."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption saveSession(
        QStringLiteral("save-session"),
        QCoreApplication::translate(
            "main", "With --screenshot: also save the session played so far as FILE."),
        QStringLiteral("FILE"));
    parser.addOptions({lang, redis, db, screenshot, until, dark, workload, run, compare, tradeoffs,
                       session, at, saveSession});
    parser.process(app);

    const bool shooting = parser.isSet(screenshot);
    if (parser.isSet(redis))
        settings.redisUrl = parser.value(redis);
    if (parser.isSet(db))
        settings.databasePath = parser.value(db);
    if (parser.isSet(dark))
        settings.dark = true;
    if (shooting) {
        // A screenshot shows the defaults, not whatever the last session chose.
        settings.speed = cachelab::ui::AppSettings().speed;
        settings.dark = parser.isSet(dark);
    }
    cachelab::ui::applyTheme(settings.dark);

    const auto fail = [&](const QString &title, const QString &message) {
        if (shooting) {
            QTextStream(stderr) << QCoreApplication::translate("main", "cachelab: %1").arg(message)
                                << Qt::endl;
        } else {
            QMessageBox::critical(nullptr, title, message);
        }
        return 2;
    };
    if (parser.positionalArguments().size() > 1)
        return fail(QCoreApplication::translate("main", "Cache Lab"),
                    QCoreApplication::translate("main", "Give at most one scenario file."));
    if (shooting && parser.positionalArguments().isEmpty() && !parser.isSet(workload) &&
        !parser.isSet(compare) && !parser.isSet(tradeoffs) && !parser.isSet(session))
        return fail(QCoreApplication::translate("main", "Cache Lab"),
                    QCoreApplication::translate(
                        "main", "--screenshot needs a scenario file to play, --workload, "
                                "--compare, --tradeoffs or --replay."));

    cachelab::ui::MainWindow window(settings);
    cachelab::ui::LessonHub lessons(&window);
    lessons.install();
    // A screenshot plays the file as the headless runner does: a real Redis is then paced by
    // core against the wall clock, so its TTLs agree with the story.
    window.controller()->setPacedByCore(shooting);
    const QString scenario = parser.positionalArguments().value(0);
    const auto error =
        scenario.isEmpty() ? window.startExampleLab() : window.openScenario(scenario);
    if (error)
        return fail(QCoreApplication::translate("main", "Cache Lab cannot start"), *error);

    if (parser.isSet(session)) {
        if (const auto problem = window.openSession(parser.value(session)))
            return fail(QCoreApplication::translate("main", "Cache Lab cannot open the session"),
                        *problem);
        if (parser.isSet(at))
            window.replay()->seek(cachelab::TimeUs(parser.value(at).toDouble() * 1e6));
    }
    if (parser.isSet(workload)) {
        window.workloadDock()->show();
        window.chartsDock()->show();
    }

    if (shooting) {
        window.resize(1280, 720);
        window.show();
        QCoreApplication::processEvents();
        if (!parser.isSet(session))
            window.playToEnd(parser.value(until).toInt());
        if (parser.isSet(workload) && !parser.isSet(session)) {
            if (const auto problem = window.workloadPanel()->start())
                return fail(QCoreApplication::translate("main", "Cache Lab"), *problem);
            // Virtual time as the frames would move it, a tenth of a second at a time, with
            // the window painting now and then.
            const auto total = cachelab::TimeUs(parser.value(run).toDouble() * 1e6);
            auto *c = window.controller();
            c->setPlaying(false);
            for (cachelab::TimeUs done = 0; done < total; done += 100'000) {
                c->advanceBy(std::min<cachelab::TimeUs>(100'000, total - done));
                QCoreApplication::processEvents();
            }
            window.refreshPanels(); // not a tenth of a second late, as under load
            window.workloadPanel()->updateState();
            window.chartsPanel()->redraw();
        }
        QWidget *shot = &window;
        // A measuring window at the projector's size, run to its end (five minutes at most).
        const auto runToEnd = [](auto *measuring) {
            measuring->resize(1280, 720);
            measuring->run();
            QElapsedTimer waited;
            waited.start();
            while (measuring->running() && waited.elapsed() < 300'000)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            return measuring;
        };
        if (parser.isSet(compare))
            shot = runToEnd(window.showComparison());
        if (parser.isSet(tradeoffs))
            shot = runToEnd(window.showTradeoffs());
        // Let layouts settle and the diagram paint what it now holds.
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
        if (parser.isSet(saveSession)) {
            if (const auto problem = window.saveSession(parser.value(saveSession)))
                return fail(QCoreApplication::translate("main", "Cache Lab"), *problem);
        }
        const QString path = parser.value(screenshot);
        if (!shot->grab().save(path, "PNG"))
            return fail(QCoreApplication::translate("main", "Cache Lab"),
                        QCoreApplication::translate("main", "cannot write %1").arg(path));
        return 0;
    }
    window.showOnScreen();
    // Without a file or a mode to start in, a learner begins with the curriculum.
    if (scenario.isEmpty() && !parser.isSet(session) && !parser.isSet(workload) &&
        !parser.isSet(compare))
        lessons.showBrowser();
    if (parser.isSet(workload) && !parser.isSet(session)) {
        if (const auto problem = window.workloadPanel()->start())
            QMessageBox::warning(&window, QCoreApplication::translate("main", "Cache Lab"),
                                 *problem);
    }
    if (parser.isSet(compare))
        window.showComparison();
    if (parser.isSet(tradeoffs))
        window.showTradeoffs();
    return app.exec();
}
