#include "lessonbrowser.h"

#include "lessonprogress.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cachelab::ui {

namespace {

enum Column { Done, Number, Title, Summary };

QPushButton *wideButton(const QString &objectName, QWidget *parent)
{
    auto *b = new QPushButton(parent);
    b->setObjectName(objectName);
    b->setMinimumHeight(b->fontMetrics().height() * 2 + 6);
    return b;
}

/// Breaks a summary into lines of about `width` characters: a tree cell draws line breaks and
/// grows its row, where one long line would be cut off with "…".
QString wrapped(const QString &text, int width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines.append(line);
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        lines.append(line);
    return lines.join(u'\n');
}

} // namespace

LessonBrowser::LessonBrowser(LessonProgress *progress, QWidget *parent)
    : QDialog(parent)
    , m_progress(progress)
{
    setObjectName(QStringLiteral("lessonBrowser"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(10);
    m_heading = new QLabel(this);
    QFont f = m_heading->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.5);
    m_heading->setFont(f);
    m_intro = new QLabel(this);
    m_intro->setWordWrap(true);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("lessonList"));
    m_list->setRootIsDecorated(false);
    m_list->setColumnCount(4);
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(Done, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(Number, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(Title, QHeaderView::ResizeToContents);
    m_list->setUniformRowHeights(false);
    QFont lf = m_list->font();
    lf.setPointSizeF(lf.pointSizeF() * 1.1);
    m_list->setFont(lf);
    connect(m_list, &QTreeWidget::itemActivated, this, [this] { startSelected(); });

    m_resume = wideButton(QStringLiteral("resumeButton"), this);
    m_start = wideButton(QStringLiteral("startButton"), this);
    m_start->setDefault(true);
    m_explore = wideButton(QStringLiteral("exploreButton"), this);
    m_export = wideButton(QStringLiteral("exportButton"), this);
    m_openRecord = wideButton(QStringLiteral("openRecordButton"), this);
    connect(m_resume, &QPushButton::clicked, this, &LessonBrowser::resume);
    connect(m_start, &QPushButton::clicked, this, &LessonBrowser::startSelected);
    connect(m_explore, &QPushButton::clicked, this, [this] {
        accept();
        Q_EMIT exploreChosen();
    });
    connect(m_export, &QPushButton::clicked, this, &LessonBrowser::exportDialog);
    connect(m_openRecord, &QPushButton::clicked, this, &LessonBrowser::openRecordDialog);

    auto *main = new QHBoxLayout;
    main->addWidget(m_resume, 2);
    main->addWidget(m_start, 2);
    main->addWidget(m_explore, 2);
    auto *records = new QHBoxLayout;
    records->addStretch(1);
    records->addWidget(m_export);
    records->addWidget(m_openRecord);

    layout->addWidget(m_heading);
    layout->addWidget(m_intro);
    layout->addWidget(m_list, 1);
    layout->addLayout(main);
    layout->addLayout(records);
    resize(1180, 660);
    refresh();
}

void LessonBrowser::refresh()
{
    m_lessons = lessonCatalog();
    const QString selected = m_list->currentItem()
                                 ? m_list->currentItem()->data(Title, Qt::UserRole).toString()
                                 : m_progress->lastLesson;
    m_list->clear();
    QTreeWidgetItem *current = nullptr;
    QTreeWidgetItem *firstOpen = nullptr;
    for (const LessonEntry &e : std::as_const(m_lessons)) {
        auto *item = new QTreeWidgetItem(m_list);
        const LessonRecord *r = m_progress->find(e.id);
        const bool done = r && r->finished;
        const bool stopped = !done && r && r->stops > 0 && e.id == m_progress->lastLesson;
        item->setText(Done, done ? QStringLiteral("✔") : stopped ? QStringLiteral("▶") : QString());
        item->setToolTip(Done, done      ? tr("Finished")
                               : stopped ? tr("Stopped at step %1").arg(r->stops + 1)
                                         : tr("Not finished yet"));
        QFont mark = m_list->font();
        mark.setBold(true);
        item->setFont(Done, mark);
        if (done)
            item->setForeground(Done, QColor(0x2E, 0x9E, 0x44));
        item->setTextAlignment(Done, Qt::AlignCenter);
        item->setText(Number, QString::number(e.number));
        item->setTextAlignment(Number, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(Title, e.title);
        item->setData(Title, Qt::UserRole, e.id);
        QFont bold = m_list->font();
        bold.setBold(true);
        item->setFont(Title, bold);
        item->setText(Summary, wrapped(e.summary, 80));
        item->setToolTip(Summary, e.summary);
        if (e.id == selected)
            current = item;
        if (!done && !firstOpen)
            firstOpen = item;
    }
    if (QTreeWidgetItem *pick = current ? current : firstOpen)
        m_list->setCurrentItem(pick);
    else if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
    retranslate();
}

const LessonEntry *LessonBrowser::resumeEntry() const
{
    const LessonRecord *r = m_progress->find(m_progress->lastLesson);
    if (!r || r->finished || r->stops == 0)
        return nullptr;
    for (const LessonEntry &e : m_lessons) {
        if (e.id == r->id)
            return &e;
    }
    return nullptr;
}

void LessonBrowser::retranslate()
{
    setWindowTitle(tr("Lessons — Cache Lab"));
    m_heading->setText(tr("Learn caching one lesson at a time"));
    int finished = 0;
    for (const LessonEntry &e : std::as_const(m_lessons)) {
        const LessonRecord *r = m_progress->find(e.id);
        finished += r && r->finished ? 1 : 0;
    }
    m_intro->setText(
        tr("Each lesson plays a short story in the lab. You predict what the cache will do, "
           "see why, and then fix a task yourself. %1 of %n lesson(s) finished.",
           nullptr, int(m_lessons.size()))
            .arg(finished));
    m_list->setHeaderLabels({tr("Done"), tr("No."), tr("Lesson"), tr("What it is about")});
    const LessonEntry *r = resumeEntry();
    m_resume->setVisible(r != nullptr);
    m_resume->setDefault(r != nullptr); // Enter goes on where the learner stopped
    m_start->setDefault(r == nullptr);
    if (r) {
        const LessonRecord *rec = m_progress->find(r->id);
        m_resume->setText(tr("Resume lesson %1 at step %2").arg(r->number).arg(rec->stops + 1));
        m_resume->setToolTip(r->title);
    }
    m_start->setText(tr("Start Selected Lesson"));
    m_explore->setText(tr("Just Explore the Lab"));
    m_export->setText(tr("Export My Progress…"));
    m_openRecord->setText(tr("Open a Learner's Record…"));
}

void LessonBrowser::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QDialog::changeEvent(event);
}

void LessonBrowser::startSelected()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString id = item->data(Title, Qt::UserRole).toString();
    for (const LessonEntry &e : std::as_const(m_lessons)) {
        if (e.id == id) {
            accept();
            Q_EMIT lessonChosen(e, false);
            return;
        }
    }
}

void LessonBrowser::resume()
{
    if (const LessonEntry *e = resumeEntry()) {
        const LessonEntry entry = *e;
        accept();
        Q_EMIT lessonChosen(entry, true);
    }
}

std::optional<QString> LessonBrowser::exportProgress(const QString &path)
{
    LessonProgress copy = *m_progress;
    copy.learner = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    copy.exported = QDateTime::currentDateTimeUtc();
    return copy.write(path);
}

std::variant<QDialog *, QString> LessonBrowser::openRecord(const QString &path)
{
    if (!QFile::exists(path))
        return tr("%1 does not exist").arg(path);
    auto read = LessonProgress::read(path);
    if (auto *message = std::get_if<QString>(&read))
        return *message;
    const LessonProgress &record = std::get<LessonProgress>(read);
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("recordDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Lesson record — %1").arg(QFileInfo(path).fileName()));
    auto *layout = new QVBoxLayout(dialog);
    auto *text = new QTextBrowser(dialog);
    text->setObjectName(QStringLiteral("recordText"));
    text->setHtml(record.html());
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(820, 600);
    dialog->show();
    return dialog;
}

void LessonBrowser::exportDialog()
{
    const QString suggested =
        QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
            .filePath(tr("lesson-record.json"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export My Progress"), suggested,
                                                      tr("Lesson records (*.json)"));
    if (path.isEmpty())
        return;
    if (auto problem = exportProgress(path))
        QMessageBox::warning(this, tr("Export My Progress"), *problem);
}

void LessonBrowser::openRecordDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a Learner's Record"),
                                                      QString(), tr("Lesson records (*.json)"));
    if (path.isEmpty())
        return;
    auto opened = openRecord(path);
    if (auto *problem = std::get_if<QString>(&opened))
        QMessageBox::warning(this, tr("Open a Learner's Record"), *problem);
}

} // namespace cachelab::ui
