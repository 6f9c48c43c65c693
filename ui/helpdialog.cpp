#include "helpdialog.h"

#include "diagramview.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QEvent>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cachelab::ui {

namespace {

enum class Sample { Call, Reply, Async, Result, InFlight, Wrong, Background, Marked, Note };

QColor faded(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

/// A message drawn as the diagram draws it, small enough for a table row.
QPixmap sample(Sample kind, const QPalette &pal, qreal dpr)
{
    const QSize size(132, 34);
    QPixmap pixmap(size * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(pal.color(QPalette::Base));
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor ink = kind == Sample::Wrong ? errorColor() : pal.color(QPalette::Text);
    const int y = size.height() / 2;
    const int x1 = 10;
    const int x2 = size.width() - 10;
    const double head = 9;

    if (kind == Sample::Background || kind == Sample::Marked) {
        const QColor tint =
            kind == Sample::Marked ? QColor(0xF2, 0xA9, 0x00) : pal.color(QPalette::Highlight);
        p.fillRect(QRect(QPoint(0, 0), size), faded(tint, kind == Sample::Marked ? 70 : 38));
        p.fillRect(QRect(0, 0, kind == Sample::Marked ? 8 : 5, size.height()),
                   kind == Sample::Marked ? tint : faded(tint, 150));
    }
    if (kind == Sample::Note) {
        const QRect box(x1 + 14, 5, x2 - x1 - 28, size.height() - 10);
        p.setPen(QPen(ink, 1.2));
        p.setBrush(faded(QColor(0xFF, 0xF3, 0xB0), 230));
        p.drawRoundedRect(box, 3, 3);
        return pixmap;
    }
    if (kind == Sample::Result) {
        QPainterPath loop;
        loop.moveTo(x1 + 30, y - 8);
        loop.lineTo(x1 + 60, y - 8);
        loop.lineTo(x1 + 60, y + 8);
        loop.lineTo(x1 + 30 + head, y + 8);
        p.setPen(QPen(ink, 2.2));
        p.drawPath(loop);
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        p.drawPolygon(QPolygonF({QPointF(x1 + 30, y + 8), QPointF(x1 + 30 + head, y + 8 - head / 2),
                                 QPointF(x1 + 30 + head, y + 8 + head / 2)}));
        return pixmap;
    }
    const double headX = kind == Sample::InFlight ? x1 + (x2 - x1) * 0.45 : x2;
    if (kind == Sample::InFlight) {
        p.setPen(QPen(faded(ink, 70), 1.2, Qt::DotLine));
        p.drawLine(QPointF(x1, y), QPointF(x2, y));
    }
    QPen pen(ink, 2.2);
    if (kind == Sample::Reply)
        pen.setStyle(Qt::DashLine);
    p.setPen(pen);
    p.drawLine(QPointF(x1, y), QPointF(headX - head * 0.6, y));
    const QPolygonF tip({QPointF(headX, y), QPointF(headX - head * 1.4, y - head * 0.6),
                         QPointF(headX - head * 1.4, y + head * 0.6)});
    if (kind == Sample::Async) {
        p.drawPolyline(QPolygonF({tip[1], tip[0], tip[2]}));
    } else {
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        p.drawPolygon(tip);
    }
    return pixmap;
}

QString keysText(const QAction *action)
{
    QStringList keys;
    for (const QKeySequence &k : action->shortcuts()) {
        if (!k.isEmpty()) // a standard key this platform has none for
            keys.append(k.toString(QKeySequence::NativeText));
    }
    return keys.join(QStringLiteral(", "));
}

} // namespace

HelpDialog::HelpDialog(QList<QAction *> actions, QWidget *parent)
    : QDialog(parent)
    , m_actions(std::move(actions))
    , m_tabs(new QTabWidget(this))
    , m_firstSteps(new QTextBrowser(this))
    , m_legend(new QScrollArea(this))
    , m_shortcuts(new QTableWidget(this))
{
    setObjectName(QStringLiteral("help"));
    m_shortcuts->setColumnCount(2);
    m_shortcuts->verticalHeader()->hide();
    m_shortcuts->horizontalHeader()->setStretchLastSection(true);
    m_shortcuts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_shortcuts->setSelectionMode(QAbstractItemView::NoSelection);
    // The legend: a grid of drawn samples and wrapped text, which lays out at any width.
    m_legend->setWidgetResizable(true);
    m_legend->setFrameShape(QFrame::NoFrame);
    m_firstSteps->setOpenExternalLinks(false);
    m_tabs->addTab(m_firstSteps, QString());
    m_tabs->addTab(m_legend, QString());
    m_tabs->addTab(m_shortcuts, QString());

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(760, 560);
    retranslate();
}

void HelpDialog::showPage(Page page)
{
    m_tabs->setCurrentIndex(int(page));
}

QStringList HelpDialog::shortcutRows() const
{
    QStringList rows;
    for (int r = 0; r < m_shortcuts->rowCount(); ++r)
        rows.append(m_shortcuts->item(r, 0)->text() + u'\t' + m_shortcuts->item(r, 1)->text());
    return rows;
}

void HelpDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange)
        retranslate();
    QDialog::changeEvent(event);
}

void HelpDialog::retranslate()
{
    setWindowTitle(tr("Cache Lab Help"));
    m_tabs->setTabText(int(Page::FirstSteps), tr("First Steps"));
    m_tabs->setTabText(int(Page::Legend), tr("Reading the Diagram"));
    m_tabs->setTabText(int(Page::Shortcuts), tr("Shortcuts"));
    m_firstSteps->setHtml(
        tr("<h2>First steps</h2>"
           "<ol>"
           "<li><b>Pick a pattern</b> in the lab bar (or File ▸ New Lab…). Its options go in the "
           "field beside it, as a scenario writes them: <tt>ttl=30s single-flight=on</tt>. An "
           "empty field means the defaults.</li>"
           "<li><b>Read a key</b>: type it in the Key field at the bottom and press Enter. The "
           "diagram draws every message the read sends; the panels on the right show the "
           "cache, the database and the queues as they change.</li>"
           "<li><b>Go slowly</b>: pause (Space), then issue an operation and press Step (F6, "
           "Page Down or .) to follow it one message at a time. Click a message to see its "
           "details.</li>"
           "<li><b>Break something</b>: Cache Down, DB Down and Crash are one click away. Red "
           "is what went wrong: a stale or dirty read, a lost write.</li>"
           "<li><b>Open a demo</b> from the Demos menu to watch a known story, or start a "
           "<b>lesson</b> (Lessons, Ctrl+L), which asks you to predict what happens next.</li>"
           "<li><b>Measure</b>: the workload panel drives many clients; in the Measure menu, "
           "Compare runs one workload through every pattern and Trade-off Curves draws how a "
           "setting moves the figures.</li>"
           "</ol>"));
    fillLegend();
    fillShortcuts();
}

void HelpDialog::fillLegend()
{
    const struct
    {
        Sample sample;
        QString text;
    } rows[] = {
        {Sample::Call, tr("A call: the sender waits for the answer (GET, SELECT, SETEX…).")},
        {Sample::Reply, tr("The answer to a call (hit, miss, a row, OK).")},
        {Sample::Async,
         tr("A message nobody waits for: a write queued for later, a refresh started, an "
            "invalidation sent to the other instances.")},
        {Sample::Result,
         tr("The operation's result, as the application sees it, in bold beside its own "
            "lifeline.")},
        {Sample::InFlight,
         tr("A message still on its way: the dotted line is where it goes, the head how far "
            "it has come.")},
        {Sample::Wrong,
         tr("Red: something went wrong — a stale or dirty read, a lost write. The note under "
            "it says what and by how much.")},
        {Sample::Background,
         tr("A tinted band: work in the background (the write-behind queue, the refresher), "
            "which no reader waits for.")},
        {Sample::Marked,
         tr("An amber band: the messages a lesson points at, such as those that decided a "
            "prediction.")},
        {Sample::Note,
         tr("A note: something that happened to the state rather than a message — data put "
            "in the database, an expiry, a breaker changing state, a crash.")},
    };
    const qreal dpr = devicePixelRatioF();
    auto *page = new QWidget;
    page->setAutoFillBackground(true);
    page->setBackgroundRole(QPalette::Base);
    auto *grid = new QGridLayout(page);
    grid->setHorizontalSpacing(18);
    grid->setVerticalSpacing(10);
    for (int r = 0; r < int(std::size(rows)); ++r) {
        auto *picture = new QLabel(page);
        picture->setPixmap(sample(rows[r].sample, palette(), dpr));
        auto *text = new QLabel(rows[r].text, page);
        text->setWordWrap(true);
        grid->addWidget(picture, r, 0, Qt::AlignTop);
        grid->addWidget(text, r, 1);
    }
    grid->setColumnStretch(1, 1);
    grid->setRowStretch(int(std::size(rows)), 1);
    delete m_legend->takeWidget();
    m_legend->setWidget(page);
}

void HelpDialog::fillShortcuts()
{
    m_shortcuts->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    m_shortcuts->setRowCount(0);
    for (const QAction *action : std::as_const(m_actions)) {
        if (action->shortcuts().isEmpty() || action->text().isEmpty())
            continue;
        const int r = m_shortcuts->rowCount();
        m_shortcuts->insertRow(r);
        QString name = action->text();
        name.remove(u'&');
        name.remove(QStringLiteral("…"));
        m_shortcuts->setItem(r, 0, new QTableWidgetItem(name));
        m_shortcuts->setItem(r, 1, new QTableWidgetItem(keysText(action)));
    }
    m_shortcuts->resizeColumnToContents(0);
}

} // namespace cachelab::ui
