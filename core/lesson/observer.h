#pragma once

#include "../lab/lab.h"

#include <QHash>

namespace cachelab::lesson {

/// What a lesson needs to know of a run beyond the lab's state at one moment: the operations
/// that finished, in order, and the values each watched key has had in the database or the
/// shared cache. It takes the lab's trace and operation listeners and passes every event on
/// to the forwards, so a GUI can still listen.
class Observer
{
public:
    struct Finished
    {
        quint64 id = 0;
        Operation::Kind kind = Operation::Kind::Read;
        int client = 0;
        QString key;
        bool ok = false;
        bool found = false;
        QByteArray value;
        bool stale = false;
    };

    Observer(Lab &lab, const QStringList &watchedKeys);
    ~Observer();
    Observer(const Observer &) = delete;
    Observer &operator=(const Observer &) = delete;

    Lab &lab() const { return m_lab; }
    const QList<Finished> &finished() const { return m_finished; }
    /// The values `key` has had so far, as text, in order of first appearance.
    QStringList valuesOf(const QString &key) const { return m_values.value(key); }

    void setForwards(TraceLog::Listener trace, std::function<void(const Operation &)> operations);

private:
    void sample(const QString &key);

    Lab &m_lab;
    QHash<QString, QString> m_watched; // a key as messages carry it (cache key too) -> the key
    QHash<QString, QString> m_cacheKeys; // key -> where it lives in the shared cache
    QStringList m_keys;
    QHash<QString, QStringList> m_values;
    QList<Finished> m_finished;
    TraceLog::Listener m_traceForward;
    std::function<void(const Operation &)> m_operationForward;
};

} // namespace cachelab::lesson
