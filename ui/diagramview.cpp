#include "diagramview.h"

#include "labtext.h"

#include <QAccessible>
#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>

#include <cmath>

namespace cachelab::ui {

namespace {

constexpr double kMinZoom = 0.5;
constexpr double kMaxZoom = 3.0;
// Big enough to read from the back of a classroom at zoom 1.
constexpr int kBasePixelSize = 17;

double progressOf(const TraceEvent &e, TimeUs now)
{
    if (e.duration <= 0)
        return 1.0;
    return std::clamp(double(now - e.time) / double(e.duration), 0.0, 1.0);
}

bool isRed(const TraceEvent &e)
{
    return e.flags & (Stale | Lost | Dirty | Failure);
}

// Each role has a hue of its own, mixed into the palette's button colour so that it works on
// light and dark palettes alike.
QColor roleTint(Role role, const QPalette &palette)
{
    static constexpr int hues[] = {210, 170, 30, 120, 280, 50, 330, 15}; // App … Relay, DB
    const QColor base = palette.color(QPalette::Button);
    const QColor hue = QColor::fromHsv(hues[int(role)], 160, base.lightness() > 128 ? 230 : 150);
    const double mix = 0.35;
    return QColor::fromRgbF(float(base.redF() * (1 - mix) + hue.redF() * mix),
                            float(base.greenF() * (1 - mix) + hue.greenF() * mix),
                            float(base.blueF() * (1 - mix) + hue.blueF() * mix));
}

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace

QColor errorColor()
{
    return QColor(0xE5, 0x39, 0x35);
}

DiagramView::DiagramView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Sequence diagram"));
    setAccessibleDescription(tr("Messages between the application, its caches and the database, "
                                "newest at the bottom. Up and Down select a message."));
    viewport()->setAutoFillBackground(false);
    setFrameShape(QFrame::NoFrame);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_settingScroll)
            return;
        const bool atEnd = value >= verticalScrollBar()->maximum();
        if (atEnd != m_follow) {
            m_follow = atEnd;
            Q_EMIT followChanged(m_follow);
        }
    });
    relayout();
}

void DiagramView::reset(const QList<Participant> &participants, int clients)
{
    m_participants = participants;
    m_clients = clients;
    m_rows.clear();
    m_yBase = m_yNext = 0;
    m_droppedHeight = 0;
    m_now = 0;
    m_lastArrival = 0;
    m_selected = 0;
    m_highlighted.clear();
    relayout();
    setFollow(true);
    m_accessibleDirty = true;
    viewport()->update();
}

int DiagramView::column(Participant p) const
{
    return int(m_participants.indexOf(p));
}

void DiagramView::append(const TraceEvent &event)
{
    for (const Participant p : {event.from, event.to}) {
        if (column(p) < 0) {
            // A lifeline nobody announced: put it where caching-patterns.md would.
            const auto order = [](Participant q) { return int(q.role) * 64 + q.client; };
            qsizetype at = 0;
            while (at < m_participants.size() && order(m_participants[at]) < order(p))
                ++at;
            m_participants.insert(at, p);
            relayout();
        }
    }
    Row row{event, m_yNext, rowHeight(m_geometry, event)};
    m_yNext += row.height;
    m_lastArrival = std::max(m_lastArrival, event.time + event.duration);
    m_rows.push_back(std::move(row));
    while (int(m_rows.size()) > kHistory) {
        m_droppedHeight += m_rows.front().height;
        m_rows.pop_front();
    }
    m_yBase = m_rows.front().y;
    m_accessibleDirty = true;
    if (!m_scrollDirty) {
        m_scrollDirty = true;
        // A burst of messages costs one scroll-bar update, in the next frame at the latest.
        QMetaObject::invokeMethod(this, &DiagramView::flushPending, Qt::QueuedConnection);
    }
}

void DiagramView::flushPending()
{
    if (!m_scrollDirty)
        return;
    m_scrollDirty = false;
    // Keep what the reader looks at still while old rows fall off the top.
    const int keep = verticalScrollBar()->value() - int(m_droppedHeight);
    m_droppedHeight = 0;
    updateScrollBars();
    if (m_follow) {
        scrollToNewest();
    } else {
        m_settingScroll = true;
        verticalScrollBar()->setValue(std::max(0, keep));
        m_settingScroll = false;
    }
    viewport()->update();
}

void DiagramView::scrollContentsBy(int, int)
{
    // Every frame repaints what is visible anyway; a blit would only be overwritten.
    viewport()->update();
}

void DiagramView::setTime(TimeUs now)
{
    flushPending();
    const bool moving = m_now < m_lastArrival || now < m_lastArrival;
    m_now = now;
    if (moving)
        viewport()->update();
    if (m_accessibleDirty)
        updateAccessibleText();
}

int DiagramView::travellingCount() const
{
    int n = 0;
    for (auto it = m_rows.rbegin(); it != m_rows.rend(); ++it) {
        if (it->event.time + it->event.duration > m_now)
            ++n;
        else if (it->event.time + 60 * kSecond < m_now)
            break; // nothing travels that long
    }
    return n;
}

QList<TraceEvent> DiagramView::messages() const
{
    QList<TraceEvent> out;
    out.reserve(qsizetype(m_rows.size()));
    for (const Row &row : m_rows)
        out.append(row.event);
    return out;
}

void DiagramView::setZoom(double zoom)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(zoom, m_zoom))
        return;
    m_zoom = zoom;
    relayout();
    if (m_follow)
        scrollToNewest();
    viewport()->update();
    Q_EMIT zoomChanged(m_zoom);
}

void DiagramView::zoomIn()
{
    setZoom(m_zoom * 1.15);
}

void DiagramView::zoomOut()
{
    setZoom(m_zoom / 1.15);
}

void DiagramView::setFollow(bool follow)
{
    flushPending();
    if (follow)
        scrollToNewest();
    if (follow != m_follow) {
        m_follow = follow;
        Q_EMIT followChanged(follow);
    }
}

DiagramView::Geometry DiagramView::geometry(int width) const
{
    Geometry g;
    g.zoom = m_zoom;
    g.font = font();
    g.font.setPixelSize(std::max(8, int(std::lround(kBasePixelSize * m_zoom))));
    g.bold = g.font;
    g.bold.setBold(true);
    const QFontMetrics fm(g.font);
    g.lineHeight = fm.height();
    g.headerHeight = int(g.lineHeight * 2.4);
    g.margin = int(12 * m_zoom);
    const int n = std::max<qsizetype>(1, m_participants.size());
    const int minSpacing = int(std::lround(118 * m_zoom));
    g.spacing = std::max(minSpacing, (width - 2 * g.margin) / n);
    g.contentWidth = 2 * g.margin + n * g.spacing;
    for (int i = 0; i < n; ++i)
        g.columnX.append(g.margin + g.spacing * i + g.spacing / 2);
    return g;
}

QString DiagramView::noteText(const TraceEvent &e) const
{
    // The red note under a flagged message; failures already say why in their label.
    if (e.kind == EventKind::Note || e.text.isEmpty() || !isRed(e))
        return {};
    if (e.verb == Verb::Failed || e.verb == Verb::Text ||
        (e.verb == Verb::Result && (e.flags & Failure) && !(e.flags & Stale)))
        return {};
    return e.text;
}

int DiagramView::rowHeight(const Geometry &g, const TraceEvent &e) const
{
    const int pad = int(6 * g.zoom);
    const int wrap = int(g.spacing * 2.2);
    if (e.kind == EventKind::Note) {
        const QFontMetrics fm(g.font);
        const QRect r =
            fm.boundingRect(QRect(0, 0, wrap, 10000), Qt::TextWordWrap, describe(e, 40));
        return r.height() + 4 * pad;
    }
    int h = int(g.lineHeight * 2.2);
    if (e.from == e.to)
        h += g.lineHeight / 2;
    const QString note = noteText(e);
    if (!note.isEmpty()) {
        const QFontMetrics fm(g.font);
        const QRect r = fm.boundingRect(QRect(0, 0, wrap, 10000), Qt::TextWordWrap, note);
        h += r.height() + 3 * pad;
    }
    return h;
}

void DiagramView::relayout()
{
    m_geometry = geometry(viewport()->width());
    qint64 y = m_yBase;
    for (Row &row : m_rows) {
        row.y = y;
        row.height = rowHeight(m_geometry, row.event);
        y += row.height;
    }
    m_yNext = y;
    updateScrollBars();
}

qint64 DiagramView::contentHeight() const
{
    return m_yNext - m_yBase + m_geometry.lineHeight;
}

void DiagramView::updateScrollBars()
{
    const int visible = viewport()->height() - m_geometry.headerHeight;
    m_settingScroll = true;
    verticalScrollBar()->setPageStep(std::max(1, visible));
    verticalScrollBar()->setSingleStep(m_geometry.lineHeight * 2);
    verticalScrollBar()->setRange(0, int(std::max<qint64>(0, contentHeight() - visible)));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(m_geometry.spacing / 4);
    horizontalScrollBar()->setRange(0, std::max(0, m_geometry.contentWidth - viewport()->width()));
    m_settingScroll = false;
}

void DiagramView::scrollToNewest()
{
    m_settingScroll = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    m_settingScroll = false;
}

void DiagramView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
    if (m_follow)
        scrollToNewest();
}

void DiagramView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::LanguageChange:
        setAccessibleName(tr("Sequence diagram"));
        setAccessibleDescription(
            tr("Messages between the application, its caches and the "
               "database, newest at the bottom. Up and Down select a message."));
        relayout();
        viewport()->update();
        break;
    case QEvent::PaletteChange:
        viewport()->update();
        break;
    default:
        break;
    }
}

void DiagramView::paintHeader(QPainter &p, const Geometry &g, int top, int height) const
{
    const QPalette &pal = palette();
    p.fillRect(QRect(0, top, g.contentWidth, height), pal.color(QPalette::Window));
    p.setFont(g.bold);
    const int boxW = std::min(
        g.spacing - int(10 * g.zoom),
        QFontMetrics(g.bold).horizontalAdvance(QStringLiteral("Refresher B")) + int(24 * g.zoom));
    for (qsizetype i = 0; i < m_participants.size(); ++i) {
        const Participant part = m_participants[i];
        const QRect box(g.columnX[i] - boxW / 2, top + height / 6, boxW, height * 2 / 3);
        p.setPen(QPen(pal.color(QPalette::WindowText), 1.5 * g.zoom));
        p.setBrush(roleTint(part.role, pal));
        p.drawRoundedRect(box, 6 * g.zoom, 6 * g.zoom);
        p.setPen(pal.color(QPalette::ButtonText));
        p.drawText(box, Qt::AlignCenter, participantName(part, m_clients));
    }
    p.setPen(QPen(pal.color(QPalette::Mid), 1));
    p.drawLine(0, top + height - 1, g.contentWidth, top + height - 1);
}

void DiagramView::paintLifelines(QPainter &p, const Geometry &g, int top, int bottom) const
{
    QPen pen(withAlpha(palette().color(QPalette::Text), 90), std::max(1.0, 1.5 * g.zoom),
             Qt::DashLine);
    p.setPen(pen);
    for (const int x : g.columnX)
        p.drawLine(x, top, x, bottom);
}

void DiagramView::paintNote(QPainter &p, const Geometry &g, const QRect &area, int centerX,
                            const QString &text, bool red) const
{
    const QPalette &pal = palette();
    const QFontMetrics fm(g.font);
    const int pad = int(6 * g.zoom);
    const int wrap = int(g.spacing * 2.2);
    QRect textRect = fm.boundingRect(QRect(0, 0, wrap, 10000), Qt::TextWordWrap, text);
    const int w = textRect.width() + 2 * pad;
    int left = std::clamp(centerX - w / 2, pad, std::max(pad, g.contentWidth - w - pad));
    const QRect box(left, area.top() + pad, w, textRect.height() + 2 * pad);
    p.setPen(QPen(red ? errorColor() : pal.color(QPalette::Mid), 1.5 * g.zoom));
    p.setBrush(red ? withAlpha(errorColor(), 40) : pal.color(QPalette::ToolTipBase));
    if (red) {
        // an opaque base first, so the tint does not show the lifelines through
        p.fillRect(box, pal.color(QPalette::Base));
    }
    p.drawRoundedRect(box, 4 * g.zoom, 4 * g.zoom);
    p.setPen(red ? pal.color(QPalette::Text) : pal.color(QPalette::ToolTipText));
    p.setFont(g.font);
    p.drawText(box.adjusted(pad, pad, -pad, -pad), Qt::TextWordWrap | Qt::AlignHCenter, text);
}

void DiagramView::paintRow(QPainter &p, const Geometry &g, const Row &row, int y,
                           bool arrived) const
{
    const TraceEvent &e = row.event;
    const QPalette &pal = palette();
    const bool red = isRed(e);
    const int fromCol = column(e.from);
    const int toCol = column(e.to);
    if (fromCol < 0 || toCol < 0)
        return;
    const int x1 = g.columnX[fromCol];
    const int x2 = g.columnX[toCol];
    const bool selected = e.id == m_selected;

    if (e.flags & Background) {
        // Work nobody waits for, set apart by a tinted band and a stripe at the left.
        p.fillRect(QRect(0, y, g.contentWidth, row.height),
                   withAlpha(pal.color(QPalette::Highlight), 38));
        p.fillRect(QRect(0, y, int(5 * g.zoom), row.height),
                   withAlpha(pal.color(QPalette::Highlight), 150));
    }
    if (m_highlighted.contains(e.id)) {
        // Amber reads on both palettes and is neither the selection's blue nor errors' red.
        const QColor amber(0xF2, 0xA9, 0x00);
        p.fillRect(QRect(0, y, g.contentWidth, row.height), withAlpha(amber, 70));
        p.fillRect(QRect(0, y, int(8 * g.zoom), row.height), amber);
    }
    if (selected) {
        p.setPen(QPen(pal.color(QPalette::Highlight), 2 * g.zoom));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRect(1, y + 1, g.contentWidth - 3, row.height - 3));
    }

    if (e.kind == EventKind::Note) {
        paintNote(p, g, QRect(0, y, g.contentWidth, row.height), x1,
                  QStringLiteral("%1. %2").arg(e.id).arg(describe(e, 40)), red);
        return;
    }

    const double progress = arrived ? 1.0 : progressOf(e, m_now);
    // A message on its way is what the class should look at: drawn in the highlight colour
    // and heavier than the ones that have arrived.
    const bool travelling = progress < 1.0;
    const QColor ink = red          ? errorColor()
                       : travelling ? pal.color(QPalette::Highlight)
                                    : pal.color(QPalette::Text);
    const QFontMetrics fm(g.font);
    const QString label = QStringLiteral("%1. %2").arg(e.id).arg(describe(e, 24));
    const int labelW = fm.horizontalAdvance(label);
    const int arrowY = y + int(g.lineHeight * 1.55);
    QPen pen(ink, std::max(1.5, (travelling ? 3.4 : 2.2) * g.zoom));
    if (e.kind == EventKind::Return)
        pen.setStyle(Qt::DashLine);
    const double head = (travelling ? 12 : 9) * g.zoom;

    int labelX;
    int labelBase;
    if (x1 == x2) {
        // A message to oneself (the operation's result): a small loop to the right.
        const int loopW = int(g.spacing * 0.22);
        const int loopH = int(g.lineHeight * 0.9);
        QPainterPath path;
        path.moveTo(x1, arrowY - loopH / 2);
        path.lineTo(x1 + loopW, arrowY - loopH / 2);
        path.lineTo(x1 + loopW, arrowY + loopH / 2);
        path.lineTo(x1 + head, arrowY + loopH / 2);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        QPolygonF tip({QPointF(x1, arrowY + loopH / 2),
                       QPointF(x1 + head, arrowY + loopH / 2 - head / 2),
                       QPointF(x1 + head, arrowY + loopH / 2 + head / 2)});
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        p.drawPolygon(tip);
        labelX = x1 + loopW + int(8 * g.zoom);
        labelBase = arrowY + fm.ascent() / 2 - fm.descent() / 2;
    } else {
        const int dir = x2 > x1 ? 1 : -1;
        const double headX = x1 + (x2 - x1) * progress;
        if (progress < 1.0) {
            // Where it is going, faintly.
            p.setPen(QPen(withAlpha(ink, 150), std::max(1.2, 1.8 * g.zoom), Qt::DotLine));
            p.drawLine(QPointF(x1, arrowY), QPointF(x2, arrowY));
        }
        p.setPen(pen);
        p.drawLine(QPointF(x1, arrowY), QPointF(headX - dir * head * 0.6, arrowY));
        QPolygonF tip({QPointF(headX, arrowY),
                       QPointF(headX - dir * head * 1.4, arrowY - head * 0.6),
                       QPointF(headX - dir * head * 1.4, arrowY + head * 0.6)});
        if (e.kind == EventKind::Async) {
            // Nobody waits for it: an open arrowhead, as Mermaid draws "-)".
            p.setPen(QPen(ink, std::max(1.5, 2.2 * g.zoom)));
            p.drawPolyline(QPolygonF({tip[1], tip[0], tip[2]}));
        } else {
            p.setPen(Qt::NoPen);
            p.setBrush(ink);
            p.drawPolygon(tip);
        }
        const int left = std::min(x1, x2);
        const int span = std::abs(x2 - x1);
        labelX = labelW <= span - 8 ? left + (span - labelW) / 2 : left + int(6 * g.zoom);
        labelX = std::clamp(labelX, 2, std::max(2, g.contentWidth - labelW - 2));
        labelBase = arrowY - fm.descent() - int(5 * g.zoom);
    }
    // A halo of the background behind the label keeps it readable across lifelines.
    const QRect labelRect(labelX - 3, labelBase - fm.ascent() - 1, labelW + 6, fm.height() + 2);
    p.fillRect(labelRect, withAlpha((e.flags & Background) ? pal.color(QPalette::Base)
                                                           : pal.color(QPalette::Base),
                                    215));
    p.setPen(ink);
    p.setFont(e.verb == Verb::Result || travelling ? g.bold : g.font);
    p.drawText(labelX, labelBase, label);

    const QString note = noteText(e);
    if (!note.isEmpty()) {
        const int noteTop = arrowY + int(g.lineHeight * 0.5);
        paintNote(p, g, QRect(0, noteTop, g.contentWidth, y + row.height - noteTop),
                  x1 == x2 ? x1 + int(g.spacing * 0.6) : (x1 + x2) / 2, note, true);
    }
}

void DiagramView::setBanner(const QString &text)
{
    if (text == m_banner)
        return;
    m_banner = text;
    viewport()->update();
    if (QAccessible::isActive() && !text.isEmpty())
        setAccessibleDescription(text);
}

void DiagramView::paintBanner(QPainter &p, const Geometry &g, const QRect &area) const
{
    // Drawn over the newest rows' top edge, in the palette's highlight, so that it cannot be
    // mistaken for a message.
    const QPalette &pal = palette();
    QFont font = g.font;
    font.setPixelSize(std::max(8, int(g.font.pixelSize() * 0.85)));
    const QFontMetrics fm(font);
    const int pad = int(8 * g.zoom);
    const int maxW = std::max(100, area.width() - 4 * pad);
    const QRect text =
        fm.boundingRect(QRect(0, 0, maxW, 10000), Qt::TextWordWrap | Qt::AlignHCenter, m_banner);
    QRect box(0, 0, text.width() + 2 * pad, text.height() + pad);
    box.moveCenter(QPoint(area.center().x(), 0));
    box.moveTop(area.top() + pad / 2);
    QColor fill = pal.color(QPalette::Highlight);
    fill.setAlpha(235);
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    p.drawRoundedRect(box, 6 * g.zoom, 6 * g.zoom);
    p.setPen(pal.color(QPalette::HighlightedText));
    p.setFont(font);
    p.drawText(box.adjusted(pad, pad / 2, -pad, 0), Qt::TextWordWrap | Qt::AlignHCenter, m_banner);
}

void DiagramView::paintEvent(QPaintEvent *)
{
    flushPending();
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const Geometry &g = m_geometry;
    const int w = viewport()->width();
    const int h = viewport()->height();
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.translate(-horizontalScrollBar()->value(), 0);
    const int top = g.headerHeight;
    paintLifelines(p, g, top, h);

    // Visible rows: content y in [scroll, scroll + h - header).
    const qint64 scroll = m_yBase + verticalScrollBar()->value();
    const qint64 bottom = scroll + h - top;
    auto it = std::partition_point(m_rows.begin(), m_rows.end(),
                                   [&](const Row &r) { return r.y + r.height <= scroll; });
    p.save();
    p.setClipRect(QRect(horizontalScrollBar()->value(), top, w, h - top));
    for (; it != m_rows.end() && it->y < bottom; ++it)
        paintRow(p, g, *it, top + int(it->y - scroll), false);
    p.restore();
    paintHeader(p, g, 0, top);
    if (!m_banner.isEmpty())
        paintBanner(p, g, QRect(horizontalScrollBar()->value(), top, w, h - top));
    if (m_rows.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.setFont(g.font);
        p.drawText(
            QRect(horizontalScrollBar()->value(), top, w, h - top),
            Qt::AlignCenter | Qt::TextWordWrap,
            tr("Messages appear here as they happen.\nStart a read or a write, or press Play."));
    }
}

int DiagramView::rowAt(QPoint pos) const
{
    if (pos.y() < m_geometry.headerHeight)
        return -1;
    const qint64 y = m_yBase + verticalScrollBar()->value() + pos.y() - m_geometry.headerHeight;
    auto it = std::partition_point(m_rows.begin(), m_rows.end(),
                                   [&](const Row &r) { return r.y + r.height <= y; });
    if (it == m_rows.end() || it->y > y)
        return -1;
    return int(it - m_rows.begin());
}

void DiagramView::select(int index, bool activate)
{
    flushPending();
    if (index < 0 || index >= int(m_rows.size()))
        return;
    const Row &row = m_rows[std::size_t(index)];
    m_selected = row.event.id;
    // Bring it into view.
    const int visible = viewport()->height() - m_geometry.headerHeight;
    const qint64 rel = row.y - m_yBase;
    if (rel < verticalScrollBar()->value())
        verticalScrollBar()->setValue(int(rel));
    else if (rel + row.height > verticalScrollBar()->value() + visible)
        verticalScrollBar()->setValue(int(rel + row.height - visible));
    viewport()->update();
    if (QAccessible::isActive()) {
        setAccessibleDescription(
            QStringLiteral("%1. %2").arg(row.event.id).arg(describe(row.event, 40)));
    }
    if (activate)
        Q_EMIT messageActivated(row.event);
}

std::optional<TraceEvent> DiagramView::selectedMessage() const
{
    for (const Row &row : m_rows) {
        if (row.event.id == m_selected)
            return row.event;
    }
    return std::nullopt;
}

void DiagramView::setHighlighted(const QList<quint64> &ids)
{
    m_highlighted = ids;
    flushPending();
    const Row *first = nullptr;
    const Row *last = nullptr;
    for (const Row &row : m_rows) {
        if (ids.contains(row.event.id)) {
            first = first ? first : &row;
            last = &row;
        }
    }
    if (first) {
        setFollow(false);
        const int visible = viewport()->height() - m_geometry.headerHeight;
        const qint64 top = first->y - m_yBase;
        const qint64 bottom = last->y + last->height - m_yBase;
        // All of them with some context above when they fit; otherwise the last one, which
        // is where a goal broke or a reveal was decided.
        const qint64 value =
            bottom - top <= visible * 3 / 4 ? top - visible / 6 : bottom - visible * 3 / 4;
        verticalScrollBar()->setValue(int(std::max<qint64>(0, value)));
    }
    viewport()->update();
}

void DiagramView::selectMessage(quint64 id)
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].event.id == id) {
            select(int(i), true);
            return;
        }
    }
}

void DiagramView::mousePressEvent(QMouseEvent *event)
{
    const int index = rowAt(event->position().toPoint());
    if (index >= 0)
        select(index, true);
    QAbstractScrollArea::mousePressEvent(event);
}

void DiagramView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        if (event->angleDelta().y() > 0)
            zoomIn();
        else if (event->angleDelta().y() < 0)
            zoomOut();
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void DiagramView::keyPressEvent(QKeyEvent *event)
{
    int current = -1;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].event.id == m_selected)
            current = int(i);
    }
    switch (event->key()) {
    case Qt::Key_Up:
        select(current < 0 ? int(m_rows.size()) - 1 : std::max(0, current - 1), true);
        break;
    case Qt::Key_Down:
        select(current < 0 ? int(m_rows.size()) - 1 : current + 1, true);
        break;
    case Qt::Key_Home:
        select(0, true);
        break;
    case Qt::Key_End:
        select(int(m_rows.size()) - 1, true);
        setFollow(true);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool DiagramView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = rowAt(help->pos());
        if (index >= 0) {
            const TraceEvent &e = m_rows[std::size_t(index)].event;
            QString tip = QStringLiteral("%1. %2").arg(e.id).arg(describe(e, 200));
            if (!e.text.isEmpty() && e.verb != Verb::Text && e.verb != Verb::Failed)
                tip += u'\n' + e.text;
            QToolTip::showText(help->globalPos(), tip, viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void DiagramView::updateAccessibleText()
{
    m_accessibleDirty = false;
    if (!QAccessible::isActive() || m_rows.empty())
        return;
    const TraceEvent &e = m_rows.back().event;
    setAccessibleDescription(tr("%n message(s). Newest: %1", nullptr, int(m_rows.size()))
                                 .arg(QStringLiteral("%1. %2").arg(e.id).arg(describe(e, 40))));
}

QSize DiagramView::exportSize(int maxRows) const
{
    const int first = std::max(0, int(m_rows.size()) - maxRows);
    const qint64 height = m_rows.empty() ? 0 : m_yNext - m_rows[std::size_t(first)].y;
    return QSize(m_geometry.contentWidth,
                 int(m_geometry.headerHeight + height + m_geometry.lineHeight));
}

void DiagramView::renderForExport(QPainter &p, int maxRows) const
{
    const Geometry &g = m_geometry;
    const QSize size = exportSize(maxRows);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));
    paintLifelines(p, g, g.headerHeight, size.height());
    const int first = std::max(0, int(m_rows.size()) - maxRows);
    const qint64 origin = m_rows.empty() ? 0 : m_rows[std::size_t(first)].y;
    for (std::size_t i = std::size_t(first); i < m_rows.size(); ++i)
        paintRow(p, g, m_rows[i], g.headerHeight + int(m_rows[i].y - origin), true);
    paintHeader(p, g, 0, g.headerHeight);
}

} // namespace cachelab::ui
