#pragma once

#include <workload/comparison.h>

#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>

class QThread;

namespace cachelab::ui {

/// Runs core's compare() in a worker thread, on core objects of its own (every pattern gets a
/// fresh lab there; nothing of the GUI's lab is touched), and reports progress and the result
/// back to the GUI thread through queued signals. The GUI never waits for it, except for the
/// moment a cancelled run needs to notice (a hundredth of one pattern's requests) when the
/// runner is destroyed.
class ComparisonRunner final : public QObject
{
    Q_OBJECT

public:
    explicit ComparisonRunner(QObject *parent = nullptr);
    ~ComparisonRunner() override;

    /// Starts a comparison; false if one is running already.
    bool start(const WorkloadSpec &workload, const QMap<QString, QString> &options = {},
               const LabConfig &base = simulationConfig());
    /// Asks the running comparison to stop; finished() follows with cancelled set.
    void cancel();
    bool running() const { return m_thread != nullptr; }

Q_SIGNALS:
    /// The share done, 0..1 (at most a few hundred times per run).
    void progress(double share);
    void finished(const cachelab::Comparison &comparison);

private:
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

/// The object that lives in the worker thread (internal to ComparisonRunner).
class ComparisonWorker final : public QObject
{
    Q_OBJECT

public:
    ComparisonWorker(WorkloadSpec workload, QMap<QString, QString> options, LabConfig base,
                     std::shared_ptr<std::atomic_bool> cancel);
    void run();

Q_SIGNALS:
    void progress(double share);
    void done(const cachelab::Comparison &comparison);

private:
    WorkloadSpec m_workload;
    QMap<QString, QString> m_options;
    LabConfig m_base;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace cachelab::ui
