#include <mainwindow.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cache Lab"));
    QApplication::setOrganizationDomain(QStringLiteral("cachelab.example.org"));
    QApplication::setApplicationName(QStringLiteral("Cache Lab"));
    QApplication::setApplicationVersion(QStringLiteral(CACHELAB_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.example.cachelab"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Watch caching patterns behave."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QCoreApplication::translate("main", "Use language CODE (en, de)."),
                                  QStringLiteral("CODE"));
    parser.addOption(lang);
    parser.process(app);

    const QLocale locale = parser.isSet(lang) ? QLocale(parser.value(lang)) : QLocale();
    QTranslator translator;
    if (translator.load(locale, QStringLiteral("cachelab"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qtTranslator);

    cachelab::ui::MainWindow window;
    window.show();
    return app.exec();
}
