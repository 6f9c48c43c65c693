#pragma once

#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace cachelab::ui {

class LabController;
class WorkloadForm;

/// Runs a workload on the current lab: the form, Start / Pause / Stop, and how far it has got.
/// Pause is the controller's pause (virtual time stops, and with it the workload); Stop ends
/// the workload (requests in flight finish) and leaves the lab running.
class WorkloadPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit WorkloadPanel(LabController *controller, QWidget *parent = nullptr);

    WorkloadForm *form() const { return m_form; }
    /// Starts the form's workload (what the Start button does). Returns a message on failure.
    std::optional<QString> start();
    QPushButton *startButton() const { return m_start; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *stopButton() const { return m_stop; }
    /// Brings buttons and progress up to date now (tests; a timer does it otherwise).
    void updateState();

Q_SIGNALS:
    /// Something to tell in the status bar.
    void message(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    LabController *m_controller;
    WorkloadForm *m_form;
    QPushButton *m_start;
    QPushButton *m_pause;
    QPushButton *m_stop;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTimer m_timer;
};

} // namespace cachelab::ui
