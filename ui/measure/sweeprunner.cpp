#include "sweeprunner.h"

#include <QThread>

namespace cachelab::ui {

SweepRunner::SweepRunner(QObject *parent)
    : QObject(parent)
{}

SweepRunner::~SweepRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
        delete m_thread; // the queued hand-over that would have deleted it dies with us
    }
}

bool SweepRunner::start(const SweepSpec &spec)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    const auto cancel = m_cancel;
    // The worker thread only computes; every signal crosses to this object's thread queued.
    m_thread = QThread::create([this, spec, cancel] {
        int lastPermille = -1;
        const SweepResult result = sweep(
            spec,
            [&](double share) {
                const int permille = int(share * 1000);
                if (permille != lastPermille) {
                    lastPermille = permille;
                    QMetaObject::invokeMethod(
                        this, [this, share] { Q_EMIT progress(share); }, Qt::QueuedConnection);
                }
                return !cancel->load();
            },
            [&](const SweepPoint &p) {
                QMetaObject::invokeMethod(
                    this, [this, p] { Q_EMIT point(p); }, Qt::QueuedConnection);
            });
        QMetaObject::invokeMethod(
            this,
            [this, result] {
                m_thread->wait();
                m_thread->deleteLater();
                m_thread = nullptr;
                Q_EMIT finished(result);
            },
            Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("sweep"));
    m_thread->start(QThread::LowPriority);
    return true;
}

void SweepRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace cachelab::ui
