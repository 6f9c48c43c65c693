#include "comparisonrunner.h"

#include <QThread>

namespace cachelab::ui {

ComparisonWorker::ComparisonWorker(WorkloadSpec workload, QMap<QString, QString> options,
                                   LabConfig base, std::shared_ptr<std::atomic_bool> cancel)
    : m_workload(std::move(workload))
    , m_options(std::move(options))
    , m_base(std::move(base))
    , m_cancel(std::move(cancel))
{}

void ComparisonWorker::run()
{
    int lastPermille = -1;
    const Comparison c = compare(
        m_workload, m_options,
        [this, &lastPermille](double share) {
            // Every permille at most: the GUI thread repaints the bar, it need not do so 700 times.
            const int permille = int(share * 1000);
            if (permille != lastPermille) {
                lastPermille = permille;
                Q_EMIT progress(share);
            }
            return !m_cancel->load();
        },
        m_base);
    Q_EMIT done(c);
}

ComparisonRunner::ComparisonRunner(QObject *parent)
    : QObject(parent)
{}

ComparisonRunner::~ComparisonRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->quit();
        m_thread->wait();
    }
}

bool ComparisonRunner::start(const WorkloadSpec &workload, const QMap<QString, QString> &options,
                             const LabConfig &base)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("comparison"));
    auto *worker = new ComparisonWorker(workload, options, base, m_cancel);
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &ComparisonWorker::run);
    connect(worker, &ComparisonWorker::progress, this, &ComparisonRunner::progress);
    connect(worker, &ComparisonWorker::done, this, [this](const Comparison &c) {
        // Queued: this runs in the GUI thread once the worker is done with compare().
        QThread *thread = m_thread;
        m_thread = nullptr;
        thread->quit();
        thread->wait();
        thread->deleteLater();
        Q_EMIT finished(c);
    });
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread->start(QThread::LowPriority);
    return true;
}

void ComparisonRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace cachelab::ui
