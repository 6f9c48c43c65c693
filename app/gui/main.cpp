// The desktop app: command line, settings, translators, then the main window.
//
//   cachelab [SCENARIO] [--redis URL] [--db PATH] [--lang CODE] [--dark]
//            [--screenshot PNG [--until LINE]]

#include <appsettings.h>
#include <labcontroller.h>
#include <mainwindow.h>
#include <theme.h>

#include <QApplication>
#include <QCommandLineParser>
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
            "main", "Keep the database in the SQLite file PATH (default: in memory)."),
        QStringLiteral("PATH"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate(
            "main",
            "Play the scenario to its end, save the window as the PNG image FILE and quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption until(
        QStringLiteral("until"),
        QCoreApplication::translate("main",
                                    "With --screenshot: stop after the command on line LINE."),
        QStringLiteral("LINE"));
    const QCommandLineOption dark(QStringLiteral("dark"),
                                  QCoreApplication::translate("main", "Use a dark palette."));
    parser.addOptions({lang, redis, db, screenshot, until, dark});
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
    if (shooting && parser.positionalArguments().isEmpty())
        return fail(
            QCoreApplication::translate("main", "Cache Lab"),
            QCoreApplication::translate("main", "--screenshot needs a scenario file to play."));

    cachelab::ui::MainWindow window(settings);
    // A screenshot plays the file as the headless runner does: a real Redis is then paced by
    // core against the wall clock, so its TTLs agree with the story.
    window.controller()->setPacedByCore(shooting);
    const QString scenario = parser.positionalArguments().value(0);
    const auto error = scenario.isEmpty() ? window.startLab(cachelab::PatternKind::CacheAside)
                                          : window.openScenario(scenario);
    if (error)
        return fail(QCoreApplication::translate("main", "Cache Lab cannot start"), *error);

    if (shooting) {
        window.resize(1280, 720);
        window.show();
        QCoreApplication::processEvents();
        window.playToEnd(parser.value(until).toInt());
        // Let layouts settle and the diagram paint what it now holds.
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
        const QString path = parser.value(screenshot);
        if (!window.grab().save(path, "PNG"))
            return fail(QCoreApplication::translate("main", "Cache Lab"),
                        QCoreApplication::translate("main", "cannot write %1").arg(path));
        return 0;
    }
    window.show();
    return app.exec();
}
