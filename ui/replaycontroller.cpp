#include "replaycontroller.h"

#include "labtext.h"

#include <QDir>
#include <QFile>

namespace cachelab::ui {

namespace {

bool sameMessage(const TraceEvent &a, const TraceEvent &b)
{
    return a.time == b.time && a.duration == b.duration && a.from == b.from && a.to == b.to &&
           a.kind == b.kind && a.verb == b.verb && a.flags == b.flags && a.key == b.key &&
           a.version == b.version && a.number == b.number;
}

} // namespace

std::variant<Session, QString> ReplayController::readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    }
    // A session is text; anything far larger than the biggest one Cache Lab writes is not one.
    constexpr qint64 kMaxBytes = 512 * 1024 * 1024;
    if (file.size() > kMaxBytes)
        return tr("%1 is too large to be a Cache Lab session.").arg(QDir::toNativeSeparators(path));
    auto loaded = sessionFromJson(file.readAll());
    if (const auto *problem = std::get_if<QString>(&loaded))
        return tr("%1: %2").arg(QDir::toNativeSeparators(path), *problem);
    return loaded;
}

ReplayController::ReplayController(Session session, QObject *parent)
    : QObject(parent)
    , m_player(std::move(session))
{
    // Once through: metrics for the charts on an even grid, then the messages compared with
    // those the session recorded.
    const TimeUs total = m_player.duration();
    const TimeUs step = std::max<TimeUs>(MetricsChartModel::kInterval,
                                         total / (MetricsChartModel::kCapacity - 1) + 1);
    m_metrics.setLab(&m_player.lab());
    for (TimeUs t = step; t < total + step; t += step) {
        m_player.seek(std::min(t, total));
        m_metrics.sampleNow();
    }
    m_metrics.freeze();
    const QList<TraceEvent> recorded = m_player.session().trace;
    const QList<TraceEvent> replayed = m_player.lab().trace().events();
    if (replayed.size() < recorded.size()) {
        m_divergence = tr("the replay made %1 messages, the session recorded %2")
                           .arg(replayed.size())
                           .arg(recorded.size());
    } else {
        // The recorded trace is the newest part of the session (a bounded ring): line it up
        // with the end of the replay's.
        const qsizetype offset = replayed.size() - recorded.size();
        for (qsizetype i = 0; i < recorded.size(); ++i) {
            if (!sameMessage(replayed[offset + i], recorded[i])) {
                m_divergence =
                    tr("from %1 on, the replay differs from the recording (message "
                       "%2: recorded \"%3\", replayed \"%4\")")
                        .arg(formatClock(recorded[i].time))
                        .arg(recorded[i].id)
                        .arg(describe(recorded[i], 60), describe(replayed[offset + i], 60));
                break;
            }
        }
    }
    m_player.seek(0);
    listen();

    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(16);
    connect(&m_timer, &QTimer::timeout, this, &ReplayController::tick);
    m_wall.start();
}

void ReplayController::seek(TimeUs t)
{
    t = std::clamp<TimeUs>(t, 0, duration());
    const bool back = t < position();
    m_player.seek(t);
    if (back)
        listen(); // a new lab
    Q_EMIT positionChanged(position(), back);
}

void ReplayController::listen()
{
    m_player.lab().trace().setListener([this](const TraceEvent &e) { Q_EMIT traceEvent(e); });
}

void ReplayController::setPlaying(bool playing)
{
    if (playing == m_playing)
        return;
    if (playing && position() >= duration())
        seek(0); // like a video at its end: play starts it again
    m_playing = playing;
    m_lastTickNs = m_wall.nsecsElapsed();
    if (playing)
        m_timer.start();
    else
        m_timer.stop();
    Q_EMIT playingChanged(playing);
}

void ReplayController::tick()
{
    const qint64 nowNs = m_wall.nsecsElapsed();
    const qint64 elapsed = std::min<qint64>(nowNs - m_lastTickNs, 100'000'000);
    m_lastTickNs = nowNs;
    seek(position() + TimeUs(double(elapsed) / 1000.0 * m_speed));
    if (position() >= duration())
        setPlaying(false);
}

} // namespace cachelab::ui
