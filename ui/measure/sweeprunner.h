#pragma once

#include <workload/sweep.h>

#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace cachelab::ui {

/// Runs core's sweep() in a worker thread (which spreads the runs over every core) and hands
/// each point to the GUI thread as soon as it is summed up, so curves grow while it runs.
class SweepRunner final : public QObject
{
    Q_OBJECT

public:
    explicit SweepRunner(QObject *parent = nullptr);
    ~SweepRunner() override;

    /// Starts a sweep; false if one is running already. The spec must be valid.
    bool start(const SweepSpec &spec);
    /// Asks the running sweep to stop; finished() follows with cancelled set.
    void cancel();
    bool running() const { return m_thread != nullptr; }

Q_SIGNALS:
    void progress(double share);
    void point(const cachelab::SweepPoint &point);
    void finished(const cachelab::SweepResult &result);

private:
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace cachelab::ui
