#pragma once

#include "metricschartmodel.h"

#include <session/session.h>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <variant>

namespace cachelab::ui {

/// Replays a saved session like a video: seek() to any virtual time, forwards or back (core's
/// SessionPlayer rebuilds the lab), or play it at a speed. The window shows the player's lab:
/// the diagram from its trace up to now, the panels from its state. On opening, the session is
/// played through once to check that the replay makes the very messages the session recorded,
/// and to sample its metrics for the charts.
class ReplayController final : public QObject
{
    Q_OBJECT

public:
    /// Reads a session file: the session, or a message that says what is wrong with the file.
    static std::variant<Session, QString> readFile(const QString &path);

    explicit ReplayController(Session session, QObject *parent = nullptr);

    const Session &session() const { return m_player.session(); }
    TimeUs duration() const { return m_player.duration(); }
    TimeUs position() const { return m_player.position(); }
    /// The lab as it is at position(). A seek back replaces it: do not keep the reference.
    Lab &lab() { return m_player.lab(); }
    /// The whole session's metrics, sampled on opening (the charts show them up to now).
    MetricsChartModel *metrics() { return &m_metrics; }

    /// Brings the replay to `t` (clamped to 0..duration()).
    void seek(TimeUs t);
    bool playing() const { return m_playing; }
    void setPlaying(bool playing);
    double speed() const { return m_speed; }
    void setSpeed(double speed) { m_speed = speed; }

    /// Empty if the replay made the messages the session recorded; otherwise where it first
    /// differs (a session recorded against a real Redis may not replay exactly).
    QString divergence() const { return m_divergence; }

Q_SIGNALS:
    /// A message the replay sends while it moves forward (after a seek back, the lab is new:
    /// read its trace instead).
    void traceEvent(const cachelab::TraceEvent &event);
    /// The replay moved to `t`; `rebuilt`: the lab was made anew (a seek back).
    void positionChanged(qint64 t, bool rebuilt);
    void playingChanged(bool playing);

private:
    void tick();
    void listen();

    SessionPlayer m_player;
    MetricsChartModel m_metrics;
    QString m_divergence;
    QTimer m_timer;
    QElapsedTimer m_wall;
    qint64 m_lastTickNs = 0;
    bool m_playing = false;
    double m_speed = 0.05;
};

} // namespace cachelab::ui
