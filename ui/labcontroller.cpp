#include "labcontroller.h"

#include <errors.h>

#include <QCoreApplication>

namespace cachelab::ui {

namespace {

// One frame at 60 Hz. A stalled frame (a dialog, a breakpoint) is not made up for: a wall-clock
// jump larger than this cap would make messages teleport instead of travel.
constexpr int kFrameMs = 16;
constexpr qint64 kMaxFrameNs = 100'000'000;
// Quiet stretches longer than this (in wall time at the current speed) are skipped, leaving
// this much lead-in so the next message is seen leaving.
constexpr double kQuietWallSeconds = 0.4;
constexpr double kLeadInWallSeconds = 0.15;

} // namespace

LabController::LabController(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(kFrameMs);
    connect(&m_timer, &QTimer::timeout, this, &LabController::tick);
    m_timer.start(); // also while paused: TTL bars and countdowns stay honest after a step
    m_wall.start();
}

LabController::~LabController()
{
    // Core's callbacks point here; the lab (and its coroutines) go first, then the workloads
    // whose coroutines it held.
    m_runner.reset();
    m_ownLab.reset();
    m_workload.reset();
    m_stoppedWorkloads.clear();
}

const scenario::Scenario *LabController::scenario() const
{
    return m_runner ? &m_runner->scenario() : nullptr;
}

bool LabController::scenarioFinished() const
{
    return !m_runner || (m_runner->finished() && !m_runner->waiting()) || !m_fatal.isEmpty();
}

std::optional<QString> LabController::startLab(PatternKind pattern, const PatternOptions &options,
                                               int clients)
{
    LabConfig config = m_base;
    config.pattern = pattern;
    config.options = options;
    config.clients = clients;
    config.paced = m_pacedByCore;
    config.store.eventLoop = true; // Redis answers on the event loop: a frame never waits
    std::unique_ptr<Lab> lab;
    try {
        lab = std::make_unique<Lab>(config);
    } catch (const Error &e) {
        return e.message();
    }
    m_scenario.reset();
    m_pattern = pattern;
    m_options = options;
    m_clients = clients;
    return adopt(nullptr, std::move(lab));
}

std::optional<QString> LabController::loadScenario(const QString &path)
{
    auto parsed = scenario::parseFile(path);
    if (const auto *error = std::get_if<scenario::ParseError>(&parsed))
        return error->toString();
    return loadScenario(std::get<scenario::Scenario>(std::move(parsed)));
}

std::optional<QString> LabController::loadScenario(scenario::Scenario s)
{
    std::unique_ptr<scenario::Runner> runner;
    LabConfig config = m_base;
    config.paced = m_pacedByCore;
    config.store.eventLoop = true; // Redis answers on the event loop: a frame never waits
    try {
        runner = std::make_unique<scenario::Runner>(s, nullptr, nullptr, config);
    } catch (const Error &e) {
        return e.message();
    }
    m_scenario = std::move(s);
    return adopt(std::move(runner), nullptr);
}

std::optional<QString> LabController::restart()
{
    if (m_scenario)
        return loadScenario(*m_scenario);
    return startLab(m_pattern, m_options, m_clients);
}

std::optional<QString> LabController::adopt(std::unique_ptr<scenario::Runner> runner,
                                            std::unique_ptr<Lab> lab)
{
    // The old lab's coroutines may still refer to it: drop it only once the new one exists.
    m_runner = std::move(runner);
    m_ownLab = std::move(lab);
    m_lab = m_runner ? &m_runner->lab() : m_ownLab.get();
    // The old lab's scheduler freed the workloads' coroutines: the drivers can go now.
    const bool hadWorkload = m_workload != nullptr;
    m_workload.reset();
    m_stoppedWorkloads.clear();
    m_workloadWasRunning = false;
    m_workloadStopped = false;
    m_seededKeys = 0;
    m_log.reset(m_lab->config());
    m_unsaved = false;
    m_commandIndex = -1;
    m_waitUntil = -1;
    m_lastArrival = 0;
    m_arrivals.clear();
    m_fatal.clear();
    m_ended = false;
    m_stoppedAtEnd = false;
    m_lastEmittedTime = -1;
    connectLab();
    setPlaying(false);
    if (hadWorkload)
        Q_EMIT workloadChanged();
    if (speedLocked() && m_speed != 1.0) {
        m_speed = 1.0;
        Q_EMIT speedChanged(m_speed);
    }
    Q_EMIT labReset();
    // What the lab drew while it was being built (a durable queue's replay starts at once).
    for (const TraceEvent &e : m_lab->trace().events())
        noteEvent(e);
    m_dirty = true;
    endFrame();
    return std::nullopt;
}

void LabController::connectLab()
{
    m_lab->trace().setListener([this](const TraceEvent &e) { noteEvent(e); });
    m_lab->setOperationListener([this](const Operation &op) {
        m_dirty = true;
        Q_EMIT operationFinished(op);
    });
    if (m_runner) {
        m_runner->setExpectationListener(
            [this](const scenario::Command &command, const std::optional<scenario::Failure> &f) {
                Q_EMIT expectationChecked(command, !f, f ? f->actual : QString());
            });
    }
}

void LabController::noteEvent(const TraceEvent &e)
{
    const TimeUs arrival = e.time + e.duration;
    m_lastArrival = std::max(m_lastArrival, arrival);
    if (arrival > now())
        m_arrivals.insert(arrival);
    m_dirty = true;
    Q_EMIT traceEvent(e);
}

void LabController::setPlaying(bool playing)
{
    if (playing == m_playing)
        return;
    m_playing = playing;
    m_lastTickNs = m_wall.nsecsElapsed();
    Q_EMIT playingChanged(playing);
}

void LabController::setSpeed(double speed)
{
    speed = speedLocked() ? 1.0 : std::clamp(speed, 0.01, 10.0);
    if (speed == m_speed)
        return;
    m_speed = speed;
    Q_EMIT speedChanged(speed);
}

bool LabController::canBeginNext() const
{
    return m_runner && m_fatal.isEmpty() && !m_runner->finished() && !m_runner->waiting();
}

bool LabController::waitingOnWait() const
{
    return m_runner && m_waitUntil >= 0 && m_runner->waiting();
}

void LabController::beginCommand()
{
    const TimeUs at = m_lab->now();
    m_runner->beginNext();
    ++m_commandIndex;
    const scenario::Command &command = *m_runner->current();
    m_log.command(at, command);
    m_waitUntil =
        command.type == scenario::Command::Type::Wait ? m_lab->now() + command.duration : -1;
    m_dirty = true;
    Q_EMIT commandStarted(m_commandIndex, command);
    const QString message = m_runner->result().fatal;
    if (!message.isEmpty() && m_fatal.isEmpty()) {
        m_fatal = message;
        Q_EMIT fatal(m_fatal);
    }
}

void LabController::runTo(TimeUs target)
{
    if (!m_lab)
        return;
    Scheduler &scheduler = m_lab->scheduler();
    // Event by event, so every command begins at the very instant the headless runner would
    // begin it: the same file gives the same trace at any speed.
    for (;;) {
        if (canBeginNext()) {
            beginCommand();
            continue;
        }
        TimeUs limit = target;
        if (waitingOnWait())
            limit = std::min(limit, m_waitUntil);
        const TimeUs next = scheduler.nextEventTime();
        if (next >= 0 && next <= limit) {
            scheduler.step();
            continue;
        }
        if (m_lab->now() < limit)
            scheduler.runUntil(limit);
        if (canBeginNext())
            continue;
        break;
    }
}

TimeUs LabController::nextArrival() const
{
    auto it = m_arrivals.upper_bound(now());
    return it == m_arrivals.end() ? -1 : *it;
}

TimeUs LabController::nextQuietEnd() const
{
    // The next moment something happens: an event, the end of a scenario wait, or the start
    // of the next command.
    if (canBeginNext())
        return now();
    TimeUs next = m_lab->scheduler().nextEventTime();
    if (waitingOnWait())
        next = next < 0 ? m_waitUntil : std::min(next, m_waitUntil);
    return next;
}

void LabController::tick()
{
    const qint64 nowNs = m_wall.nsecsElapsed();
    const qint64 elapsedNs = std::min(nowNs - m_lastTickNs, kMaxFrameNs);
    m_lastTickNs = nowNs;
    if (m_lab && m_lab->realTime())
        m_lab->pump(); // invalidation messages from other labs on the same Redis
    if (m_playing && m_lab) {
        m_arrivals.erase(m_arrivals.begin(), m_arrivals.upper_bound(now()));
        TimeUs target = now() + TimeUs(double(elapsedNs) / 1000.0 * m_speed);
        if (m_skipQuiet && !speedLocked() && m_arrivals.empty()) {
            const TimeUs quietEnd = nextQuietEnd();
            const auto wall = [this](double seconds) {
                return TimeUs(seconds * m_speed * kSecond);
            };
            if (quietEnd > 0 && quietEnd - now() > wall(kQuietWallSeconds)) {
                const TimeUs from = now();
                m_lab->scheduler().runUntil(quietEnd - wall(kLeadInWallSeconds));
                Q_EMIT quietTimeSkipped(from, now());
                target = now();
            }
        }
        runTo(target);
        if (m_runner && scenarioFinished() && !m_stoppedAtEnd && m_arrivals.empty()) {
            // A finished scenario stops where its story ends; play goes on from there, and
            // the lab stays usable by hand.
            m_stoppedAtEnd = true;
            setPlaying(false);
        }
    }
    endFrame();
}

void LabController::endFrame()
{
    m_arrivals.erase(m_arrivals.begin(), m_arrivals.upper_bound(now()));
    std::erase_if(m_stoppedWorkloads, [](const auto &w) { return !w->running(); });
    if (m_workloadWasRunning && !workloadRunning()) {
        m_workloadWasRunning = false;
        Q_EMIT workloadChanged();
    }
    if (m_runner && !m_ended && scenarioFinished()) {
        m_ended = true;
        Q_EMIT scenarioEnded(m_fatal.isEmpty() && m_runner->result().ok());
    }
    if (m_lab && now() != m_lastEmittedTime) {
        m_lastEmittedTime = now();
        Q_EMIT timeAdvanced(now());
    }
    if (m_dirty) {
        m_dirty = false;
        Q_EMIT stateChanged();
    }
}

void LabController::step()
{
    if (!m_lab)
        return;
    setPlaying(false);
    Scheduler &scheduler = m_lab->scheduler();
    const quint64 before = m_lab->trace().total();
    const auto recorded = [&] { return m_lab->trace().total() != before; };
    // Periodic timers (a write-behind flush tick on an empty queue) draw nothing: give up
    // after an hour of virtual time without a message.
    const TimeUs horizon = now() + 3600 * kSecond;
    for (;;) {
        if (canBeginNext()) {
            beginCommand();
            if (recorded())
                break;
            continue;
        }
        const TimeUs arrival = nextArrival();
        TimeUs limit = arrival;
        if (waitingOnWait())
            limit = limit < 0 ? m_waitUntil : std::min(limit, m_waitUntil);
        const TimeUs next = scheduler.nextEventTime();
        if (next >= 0 && (limit < 0 || next <= limit)) {
            if (next > horizon)
                break;
            scheduler.step();
            if (recorded())
                break;
            continue;
        }
        if (limit < 0)
            break; // nothing will ever happen again
        scheduler.runUntil(limit);
        if (limit == arrival || !canBeginNext())
            break; // a message arrived
    }
    endFrame();
}

void LabController::advanceBy(TimeUs d)
{
    if (!m_lab)
        return;
    runTo(now() + d);
    endFrame();
}

void LabController::runToEnd(int untilLine)
{
    if (!m_runner)
        return;
    while (m_fatal.isEmpty()) {
        if (m_runner->waiting()) {
            m_runner->finishCurrent();
            m_waitUntil = -1;
            const QString message = m_runner->result().fatal;
            if (!message.isEmpty()) {
                m_fatal = message;
                Q_EMIT fatal(m_fatal);
            }
            continue;
        }
        if (m_runner->finished())
            break;
        if (untilLine > 0 && m_commandIndex >= 0 && m_runner->current()->line >= untilLine)
            break;
        beginCommand();
    }
    m_arrivals.erase(m_arrivals.begin(), m_arrivals.upper_bound(now()));
    endFrame();
}

quint64 LabController::startOperation(Operation::Kind kind, int client, const QString &key,
                                      const QByteArray &value)
{
    if (!m_lab)
        return 0;
    client = std::clamp(client, 0, m_lab->clients() - 1);
    m_log.operation(m_lab->now(), kind, client, key, value);
    m_unsaved = true;
    const quint64 id = m_lab->start(kind, client, key, value);
    m_dirty = true;
    return id;
}

void LabController::setCacheFailing(bool failing)
{
    if (m_lab && failing != m_lab->cacheFailing()) {
        m_log.cacheFailing(m_lab->now(), failing);
        m_unsaved = true;
        m_lab->setCacheFailing(failing);
        m_dirty = true;
    }
}

void LabController::setDatabaseFailing(bool failing)
{
    if (m_lab && failing != m_lab->databaseFailing()) {
        m_log.databaseFailing(m_lab->now(), failing);
        m_unsaved = true;
        m_lab->setDatabaseFailing(failing);
        m_dirty = true;
    }
}

void LabController::crash(int client)
{
    if (m_lab) {
        client = std::clamp(client, 0, m_lab->clients() - 1);
        m_log.crash(m_lab->now(), client);
        m_unsaved = true;
        m_lab->crash(client);
        m_dirty = true;
    }
}

void LabController::databasePut(const QString &key, const QByteArray &value)
{
    if (!m_lab)
        return;
    try {
        m_log.databasePut(m_lab->now(), key, value);
        m_unsaved = true;
        m_lab->databasePut(key, value);
    } catch (const Error &e) {
        Q_EMIT fatal(e.message());
    }
    m_dirty = true;
}

// --- workloads and sessions ------------------------------------------------------------------

std::optional<QString> LabController::startWorkload(const WorkloadSpec &spec)
{
    if (!m_lab)
        return tr("There is no lab to run the workload on.");
    if (workloadRunning())
        return tr("A workload is running already: stop it first.");
    if (spec.requests < 1 || spec.keys < 1 || spec.clients < 1 || !(spec.rate > 0))
        return tr("A workload needs at least one request, one key, one client and a rate above "
                  "zero.");
    if (spec.keys > m_seededKeys) {
        // The rows the requests ask for, as simulate() has them: without them every read
        // would miss and nothing would ever be cached.
        try {
            m_log.databaseSeed(m_lab->now(), spec.keys);
            m_unsaved = true;
            m_lab->databaseSeed(spec.keys);
        } catch (const Error &e) {
            return e.message();
        }
        m_seededKeys = spec.keys;
    }
    if (m_workload)
        m_stoppedWorkloads.push_back(std::move(m_workload));
    m_workload = std::make_unique<WorkloadDriver>(*m_lab, spec);
    m_workload->setIssueAfterInstant(true); // as a replay of the session will issue them
    m_workloadStopped = false;
    m_workload->setIssueListener(
        [this](Operation::Kind kind, int client, const QString &key, const QByteArray &value) {
            m_log.operation(m_lab->now(), kind, client, key, value);
            m_unsaved = true;
        });
    m_workload->start();
    m_workloadWasRunning = m_workload->running();
    m_dirty = true;
    Q_EMIT workloadChanged();
    if (!speedLocked())
        setPlaying(true);
    endFrame();
    return std::nullopt;
}

void LabController::stopWorkload()
{
    if (!workloadRunning())
        return;
    m_workload->stop();
    m_workloadStopped = true;
    m_workloadWasRunning = false;
    Q_EMIT workloadChanged();
}

std::variant<Session, QString> LabController::session()
{
    if (!m_lab)
        return tr("There is no lab to save.");
    return m_log.session(*m_lab);
}

} // namespace cachelab::ui
