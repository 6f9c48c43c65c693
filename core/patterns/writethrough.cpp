#include "writethrough.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cachelab {

bool truthyAsJson(const QByteArray &value)
{
    if (value.isEmpty())
        return false;
    // QJsonDocument only parses arrays and objects: wrap the value to read scalars too.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + value + ']', &error);
    if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
        return true;
    const QJsonValue v = doc.array().at(0);
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    case QJsonValue::Bool:
        return v.toBool();
    case QJsonValue::Double:
        return v.toDouble() != 0.0;
    case QJsonValue::String:
        return !v.toString().isEmpty();
    case QJsonValue::Array:
        return !v.toArray().isEmpty();
    case QJsonValue::Object:
        return !v.toObject().isEmpty();
    }
    return true;
}

Task<ReadResult> WriteThrough::read(Caller c, const QString &key)
{
    if (m_options.textbook)
        return textbookRead(c, key);
    return Pattern::read(c, key);
}

Task<ReadResult> WriteThrough::textbookRead(Caller c, QString key)
{
    const Lookup found = co_await lookup(c, key);
    if (found.entry)
        co_return fromCached(*found.entry);
    Loaded loaded = co_await load(c, key);
    if (!loaded.record || found.cacheFailed)
        co_return fromRecord(loaded.record);
    if (truthyAsJson(loaded.record->value))
        co_await fill(c, key, loaded.record);
    else
        note(c.from,
             QCoreApplication::translate("Patterns", "%1 is false as JSON: not cached").arg(key),
             NoFlags, c.opId);
    co_return fromRecord(loaded.record);
}

Task<void> WriteThrough::textbookWrite(Caller c, QString key, QByteArray value)
{
    const DatabaseProxy::OpenWrite open = co_await m_env.db.writeUncommitted(c, key, value);
    CachedRecord entry{value, open.version, false};
    co_await m_env.cache.set(c, key, std::move(entry), jittered(m_options.ttl) + m_options.kept());
    co_await m_env.db.commit(c, open);
}

Task<void> WriteThrough::write(Caller c, QString key, QByteArray value)
{
    if (m_options.textbook) {
        co_await textbookWrite(c, key, value);
        co_return;
    }
    // The database first: a value that failed to commit must never be served from the cache.
    const qint64 version = co_await m_env.db.store(c, key, value);
    try {
        CachedRecord entry{value, version, false};
        co_await m_env.cache.set(c, key, std::move(entry),
                                 jittered(m_options.ttl) + m_options.kept());
    } catch (const CacheError &) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "committed, but the cache may still hold the old %1")
                 .arg(key),
             Stale, c.opId);
    }
}

Task<void> WriteThrough::remove(Caller c, QString key)
{
    co_await m_env.db.remove(c, key);
    try {
        co_await m_env.cache.remove(c, key);
    } catch (const CacheError &) {
        note(c.from,
             QCoreApplication::translate("Patterns",
                                         "deleted, but the cache may still hold the old %1")
                 .arg(key),
             Stale, c.opId);
    }
}

} // namespace cachelab
