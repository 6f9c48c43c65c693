// Saved sessions (JSON) and trace files: the loaders, and a replay to a moment of a session
// that loads.

#include "fuzzsupport.h"

#include <session/session.h>
#include <trace/tracejson.h>

#include <QJsonDocument>
#include <QJsonObject>

using namespace cachelab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    if (document.isObject())
        (void)traceFromJson(document.object());
    auto loaded = sessionFromJson(bytes);
    if (auto *session = std::get_if<Session>(&loaded)) {
        try {
            SessionPlayer player(std::move(*session));
            player.seek(std::min<TimeUs>(player.duration(), 10 * kSecond));
        } catch (const Error &) {
        }
    }
    return 0;
}
