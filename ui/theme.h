#pragma once

#include <QString>

namespace cachelab::ui {

/// Light (the platform's own palette) or dark (Fusion with a dark palette), switchable live.
void applyTheme(bool dark);

/// Loads the app's and Qt's catalogues for `code` ("en", "de"; empty: the system locale) and
/// installs them in place of the previous ones; widgets then get a LanguageChange event.
/// Returns false when no catalogue exists for that language (English stays).
bool applyLanguage(const QString &code);

} // namespace cachelab::ui
