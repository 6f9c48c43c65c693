#include "statepanel.h"

#include "delegates.h"
#include "labtext.h"
#include "workmodels.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QTableView>
#include <QVBoxLayout>

namespace cachelab::ui {

StatePanel::StatePanel(StateTableModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_title(new QLabel(this))
    , m_view(new QTableView(this))
{
    QFont heading = m_title->font();
    heading.setBold(true);
    heading.setPointSizeF(heading.pointSizeF() * 1.1);
    m_title->setFont(heading);
    m_view->setModel(model);
    m_view->setItemDelegate(new BarDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_view, 1);
    // Columns fit their content as rows come and go, within reason: at most once per event
    // loop pass, and measured on the first rows only (a thousand-row table must stay cheap).
    m_view->horizontalHeader()->setResizeContentsPrecision(30);
    const auto fit = [this] { scheduleFit(); };
    connect(model, &QAbstractItemModel::rowsInserted, this, fit);
    connect(model, &QAbstractItemModel::modelReset, this, fit);
    connect(model, &QAbstractItemModel::headerDataChanged, this, fit);
}

void StatePanel::scheduleFit()
{
    if (m_fitPending)
        return;
    m_fitPending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_fitPending = false;
            for (int c = 0; c + 1 < m_model->columnCount(); ++c) {
                m_view->resizeColumnToContents(c);
                // Long values are elided (the tooltip has them); drawn cells keep their size.
                // The cap grows with the type, so a zoomed table still shows its headers.
                const int cap = QFontMetrics(font()).horizontalAdvance(u'M') * 18;
                if (!m_view->itemDelegateForColumn(c))
                    m_view->setColumnWidth(c, std::min(m_view->columnWidth(c), cap));
            }
        },
        Qt::QueuedConnection);
}

void StatePanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        QFont heading = font();
        heading.setBold(true);
        heading.setPointSizeF(heading.pointSizeF() * 1.1);
        m_title->setFont(heading);
        m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(font()).height() + 8);
        scheduleFit(); // zoomed type needs wider columns
    }
}

void StatePanel::setTitle(const QString &title, const QString &description)
{
    m_title->setText(title);
    m_view->setAccessibleName(title);
    m_view->setAccessibleDescription(description);
    m_view->setToolTip(description);
}

void StatePanel::setGauge(QWidget *gauge)
{
    static_cast<QVBoxLayout *>(layout())->insertWidget(1, gauge);
}

FlushGauge::FlushGauge(const WriteQueueModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setAccessibleName(tr("Next flush"));
    connect(model, &QAbstractItemModel::dataChanged, this, qOverload<>(&QWidget::update));
    connect(model, &QAbstractItemModel::rowsInserted, this, qOverload<>(&QWidget::update));
    connect(model, &QAbstractItemModel::rowsRemoved, this, qOverload<>(&QWidget::update));
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        updateGeometry();
        update();
    });
}

QSize FlushGauge::sizeHint() const
{
    const int rows = std::max<qsizetype>(1, m_model->flushes().size());
    return QSize(200, rows * (fontMetrics().height() + 8));
}

void FlushGauge::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int lineH = fontMetrics().height() + 8;
    const TimeUs now = m_model->now();
    int y = 0;
    for (const WriteQueueModel::Flush &f : m_model->flushes()) {
        const QString name =
            participantName(Participant{Role::Queue, qint8(f.client)}, m_model->clients());
        const QRect row(0, y, width(), lineH - 2);
        const int half = (row.width() - 4) / 2;
        // batch fill
        const QRect batch(row.left(), row.top(), half, row.height());
        const double fill = f.batch > 0 ? std::min(1.0, double(f.queued) / f.batch) : 0.0;
        QColor track = palette().color(QPalette::Text);
        track.setAlpha(30);
        p.fillRect(batch, track);
        QColor hl = palette().color(QPalette::Highlight);
        hl.setAlpha(150);
        p.fillRect(QRect(batch.topLeft(), QSize(int(batch.width() * fill), batch.height())), hl);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(batch.adjusted(6, 0, -4, 0), Qt::AlignVCenter,
                   tr("%1: batch %2 of %3").arg(name).arg(f.queued).arg(f.batch));
        // countdown to the flush
        const QRect timer(row.left() + half + 4, row.top(), half, row.height());
        p.fillRect(timer, track);
        if (f.nextFlushAt >= 0 && f.interval > 0) {
            const TimeUs left = std::max<TimeUs>(0, f.nextFlushAt - now);
            const double frac = std::clamp(double(left) / double(f.interval), 0.0, 1.0);
            p.fillRect(QRect(timer.topLeft(), QSize(int(timer.width() * frac), timer.height())),
                       hl);
            p.drawText(timer.adjusted(6, 0, -4, 0), Qt::AlignVCenter,
                       tr("flush in %1").arg(formatSpan(left)));
        }
        y += lineH;
    }
}

} // namespace cachelab::ui
