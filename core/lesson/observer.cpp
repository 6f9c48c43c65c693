#include "observer.h"

namespace cachelab::lesson {

Observer::Observer(Lab &lab, const QStringList &watchedKeys)
    : m_lab(lab)
    , m_keys(watchedKeys)
{
    // Computed once: the listener also runs while an instance is being replaced (a crash's
    // note), when there is no pattern to ask.
    for (const QString &key : watchedKeys) {
        const QString cacheKey = lab.pattern(0).cacheKeyFor(key);
        m_watched.insert(key, key);
        m_watched.insert(cacheKey, key);
        m_cacheKeys.insert(key, cacheKey);
    }
    m_lab.trace().setListener([this](const TraceEvent &e) {
        // Every change of the cache or the database is followed at once by a message (its
        // reply, or a note for changes made behind the application's back), so sampling at
        // each message sees every value a key takes.
        if (e.key.isEmpty()) {
            for (const QString &key : std::as_const(m_keys))
                sample(key);
        } else if (const auto it = m_watched.constFind(e.key); it != m_watched.cend()) {
            sample(*it);
        }
        if (m_traceForward)
            m_traceForward(e);
    });
    m_lab.setOperationListener([this](const Operation &op) {
        m_finished.append(Finished{op.id, op.kind, op.client, op.key, op.ok, op.result.found,
                                   op.result.value, op.stale});
        if (m_operationForward)
            m_operationForward(op);
    });
}

Observer::~Observer()
{
    m_lab.trace().setListener({});
    m_lab.setOperationListener({});
}

void Observer::setForwards(TraceLog::Listener trace,
                           std::function<void(const Operation &)> operations)
{
    m_traceForward = std::move(trace);
    m_operationForward = std::move(operations);
}

void Observer::sample(const QString &key)
{
    QStringList &values = m_values[key];
    const auto add = [&](const QByteArray &value) {
        const QString text = QString::fromUtf8(value);
        if (!values.contains(text))
            values.append(text);
    };
    if (const auto row = m_lab.database().load(key))
        add(row->value);
    if (const auto entry = m_lab.store().get(m_cacheKeys.value(key)); entry && !entry->absent)
        add(entry->value);
}

} // namespace cachelab::lesson
