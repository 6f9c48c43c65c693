#pragma once

#include <QString>

namespace cachelab {

/// Installs Cache Lab's catalogue and Qt's own for `code` ("en", "de"; empty: the system
/// locale) in place of the ones installed before, and makes that locale the default. The
/// catalogues are .qm files in the resources under :/i18n, linked into every program that
/// links cachelab_core. English has a catalogue too: it holds only the plural forms.
/// Returns false when there is no catalogue for that language (English stays).
bool installLanguage(const QString &code);

} // namespace cachelab
