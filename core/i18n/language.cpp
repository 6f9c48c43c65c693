#include "language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>

namespace cachelab {

namespace {

// Installed translators, so that a new language replaces the old one.
std::unique_ptr<QTranslator> &installed(int which)
{
    static std::unique_ptr<QTranslator> translators[2];
    return translators[which];
}

void replace(int which, std::unique_ptr<QTranslator> translator)
{
    auto &slot = installed(which);
    if (slot)
        QCoreApplication::removeTranslator(slot.get());
    slot = std::move(translator);
    if (slot)
        QCoreApplication::installTranslator(slot.get());
}

} // namespace

bool installLanguage(const QString &code)
{
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    QLocale::setDefault(locale);

    auto app = std::make_unique<QTranslator>();
    const QString dir = QStringLiteral(":/i18n");
    const bool found = app->load(locale, QStringLiteral("cachelab"), QStringLiteral("_"), dir);
    // Languages without a catalogue read the source texts, whose plurals live in cachelab_en.
    if (!found && !app->load(QStringLiteral("cachelab_en"), dir))
        app.reset();
    replace(0, std::move(app));

    auto qt = std::make_unique<QTranslator>();
    if (!qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        qt.reset();
    replace(1, std::move(qt));
    return found || locale.language() == QLocale::English;
}

} // namespace cachelab
