#include "workloadpanel.h"

#include "labcontroller.h"
#include "workloadform.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace cachelab::ui {

WorkloadPanel::WorkloadPanel(LabController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_form(new WorkloadForm(this))
    , m_start(new QPushButton(QIcon(QStringLiteral(":/icons/play.svg")), QString(), this))
    , m_pause(new QPushButton(QIcon(QStringLiteral(":/icons/pause.svg")), QString(), this))
    , m_stop(new QPushButton(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_progress, 1);
    m_status->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(6);
    layout->addWidget(m_form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addStretch();
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);

    connect(m_start, &QPushButton::clicked, this, [this] {
        if (const auto error = start())
            Q_EMIT message(*error);
    });
    connect(m_pause, &QPushButton::clicked, this,
            [this] { m_controller->setPlaying(!m_controller->playing()); });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_controller->stopWorkload();
        Q_EMIT message(tr("Workload stopped; the requests in flight finish."));
    });
    connect(m_controller, &LabController::workloadChanged, this, &WorkloadPanel::updateState);
    connect(m_controller, &LabController::playingChanged, this, &WorkloadPanel::updateState);
    connect(m_controller, &LabController::labReset, this, [this] {
        if (const Lab *lab = m_controller->lab())
            m_form->setMaxClients(lab->clients());
        updateState();
    });
    // Progress is a number a person reads: five times a second is plenty.
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible() && m_controller->workload())
            updateState();
    });
    m_timer.start();
    if (const Lab *lab = m_controller->lab())
        m_form->setMaxClients(lab->clients());
    retranslate();
}

std::optional<QString> WorkloadPanel::start()
{
    const WorkloadSpec spec = m_form->spec();
    auto error = m_controller->startWorkload(spec);
    if (!error) {
        Q_EMIT message(tr("Workload started: %Ln request(s) at %1 a second.", nullptr,
                          int(std::min<qint64>(spec.requests, std::numeric_limits<int>::max())))
                           .arg(QLocale().toString(spec.rate, 'g', 6)));
    }
    updateState();
    return error;
}

void WorkloadPanel::updateState()
{
    const WorkloadDriver *w = m_controller->workload();
    const bool running = m_controller->workloadRunning();
    const bool canRun = m_controller->lab() && !m_controller->speedLocked();
    m_start->setEnabled(!running && m_controller->lab());
    m_pause->setEnabled(running && canRun);
    m_stop->setEnabled(running);
    m_form->setEnabled(!running);
    m_pause->setText(m_controller->playing() ? tr("Pause") : tr("Resume"));
    m_pause->setIcon(QIcon(m_controller->playing() ? QStringLiteral(":/icons/pause.svg")
                                                   : QStringLiteral(":/icons/play.svg")));
    if (!w) {
        m_progress->setValue(0);
        m_status->setText(tr("Requests go to the current pattern of the current lab; the "
                             "diagram, the panels and the charts follow them."));
        return;
    }
    const WorkloadSpec &spec = w->spec();
    const double share = double(w->issued()) / double(std::max<qint64>(1, spec.requests));
    m_progress->setValue(int(share * 1000));
    const QLocale locale;
    const int inFlight = m_controller->lab() ? m_controller->lab()->inFlight() : 0;
    QString text = tr("%1 of %2 requests issued, %3 in flight.")
                       .arg(locale.toString(w->issued()), locale.toString(spec.requests))
                       .arg(inFlight);
    if (running && !m_controller->playing())
        text += u' ' + tr("Paused.");
    else if (!running && w->issued() >= spec.requests)
        text += u' ' + tr("Done.");
    else if (!running)
        text += u' ' + tr("Stopped.");
    m_status->setText(text);
}

void WorkloadPanel::retranslate()
{
    m_start->setText(tr("Start"));
    m_start->setToolTip(tr("Start sending these requests to the current lab"));
    m_pause->setToolTip(tr("Pause or resume virtual time, and with it the workload (Space)"));
    m_stop->setText(tr("Stop"));
    m_stop->setToolTip(tr("Send no more requests; those in flight finish"));
    m_progress->setAccessibleName(tr("Requests issued"));
    updateState();
}

void WorkloadPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

} // namespace cachelab::ui
