#pragma once

#include <trace/traceevent.h>

#include <QAbstractScrollArea>
#include <QList>

#include <deque>
#include <optional>

class QPainter;

namespace cachelab::ui {

/// The live sequence diagram: one lifeline per participant, one row per message, arrows that
/// travel from sender to receiver in the time the modelled call takes.
///
/// Why a QAbstractScrollArea with its own paintEvent and not a QGraphicsView: a busy run keeps
/// 2,000 messages of five or six primitives each, and every frame only the few dozen rows on
/// screen matter. Painting those rows from plain structs is cheaper than keeping ~10,000 scene
/// items in sync, zoom is a single factor, and the very same paint routine renders the SVG and
/// PNG exports. Travel is driven by one clock (setTime(), fed by the LabController's frame).
class DiagramView final : public QAbstractScrollArea
{
    Q_OBJECT

public:
    /// Messages kept for scrolling back; older ones are dropped (memory stays flat).
    static constexpr int kHistory = 2000;

    explicit DiagramView(QWidget *parent = nullptr);

    /// Starts over with these lifelines; `clients` decides "App" or "App A".
    void reset(const QList<Participant> &participants, int clients);
    void append(const TraceEvent &event);
    /// Virtual now: how far each message has travelled.
    void setTime(TimeUs now);
    TimeUs time() const { return m_now; }

    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void zoomIn();
    void zoomOut();
    bool follow() const { return m_follow; }
    void setFollow(bool follow);

    int messageCount() const { return int(m_rows.size()); }
    /// Messages drawn but not yet arrived at their receiver.
    int travellingCount() const;
    QList<TraceEvent> messages() const;
    std::optional<TraceEvent> selectedMessage() const;
    void selectMessage(quint64 id);

    /// Marks these messages (numbers as drawn) with a band, as a lesson's reveal or failed
    /// check points at them, and scrolls the first into view. Empty: none. reset() clears it.
    void setHighlighted(const QList<quint64> &ids);
    QList<quint64> highlighted() const { return m_highlighted; }

    /// A notice over the top of the diagram (empty: none), such as "drawing one operation in
    /// 50": what the reader sees is then not everything that happened, and the diagram says so.
    void setBanner(const QString &text);
    QString banner() const { return m_banner; }

    /// Paints the newest `maxRows` messages (all arrived) at the current zoom, for export.
    QSize exportSize(int maxRows) const;
    void renderForExport(QPainter &painter, int maxRows) const;

Q_SIGNALS:
    void messageActivated(const cachelab::TraceEvent &event);
    void followChanged(bool follow);
    void zoomChanged(double zoom);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Row
    {
        TraceEvent event;
        qint64 y = 0; // top, in content coordinates (grows forever; m_yBase is the first)
        int height = 0;
    };
    struct Geometry
    {
        double zoom = 1;
        QFont font;
        QFont bold;
        int lineHeight = 0;
        int headerHeight = 0;
        int margin = 0;
        int spacing = 0;
        int contentWidth = 0;
        QList<int> columnX;
    };

    Geometry geometry(int width) const;
    void relayout();
    int rowHeight(const Geometry &g, const TraceEvent &e) const;
    int column(Participant p) const;
    void updateScrollBars();
    /// Scroll bars and follow-the-newest are brought up to date once per frame, not per message.
    void flushPending();
    void scrollToNewest();
    qint64 contentHeight() const;
    int rowAt(QPoint viewportPos) const;
    void select(int index, bool activate);
    void updateAccessibleText();
    QString noteText(const TraceEvent &e) const;

    void paintHeader(QPainter &p, const Geometry &g, int top, int height) const;
    void paintLifelines(QPainter &p, const Geometry &g, int top, int bottom) const;
    void paintRow(QPainter &p, const Geometry &g, const Row &row, int y, bool arrived) const;
    void paintNote(QPainter &p, const Geometry &g, const QRect &area, int centerX,
                   const QString &text, bool red) const;
    void paintBanner(QPainter &p, const Geometry &g, const QRect &area) const;

    QList<Participant> m_participants;
    int m_clients = 1;
    std::deque<Row> m_rows;
    qint64 m_yBase = 0; // y of m_rows.front()
    qint64 m_yNext = 0; // y of the next row
    TimeUs m_now = 0;
    TimeUs m_lastArrival = 0;
    double m_zoom = 1.0;
    bool m_follow = true;
    bool m_settingScroll = false;
    quint64 m_selected = 0;
    QList<quint64> m_highlighted;
    Geometry m_geometry;
    bool m_accessibleDirty = false;
    bool m_scrollDirty = false;
    qint64 m_droppedHeight = 0; // of rows dropped since the last flushPending()
    QString m_banner;
};

/// The red of errors, stale reads and lost writes: readable on light and dark backgrounds.
QColor errorColor();

} // namespace cachelab::ui
