#include "lessonwindow.h"

#include "lessonprogress.h"

#include <diagramview.h>
#include <labtext.h>

#include <errors.h>
#include <lesson/play.h>
#include <lesson/settings.h>
#include <time/duration.h>

#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace cachelab::ui {

namespace {

constexpr int kMaxChoices = 4;

/// A label for the panel's prose; `scale` enlarges the text that the learner reads first.
QLabel *wrappingLabel(const QString &objectName, QWidget *parent, double scale = 1.0)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    if (scale != 1.0) {
        QFont f = label->font();
        f.setPointSizeF(f.pointSizeF() * scale);
        label->setFont(f);
    }
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return label;
}

QLabel *heading(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    QFont f = label->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.25);
    label->setFont(f);
    return label;
}

QPushButton *bigButton(const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(parent);
    button->setObjectName(objectName);
    button->setMinimumHeight(button->fontMetrics().height() * 2 + 8);
    QFont f = button->font();
    f.setPointSizeF(f.pointSizeF() * 1.1);
    button->setFont(f);
    return button;
}

QString numbersText(const QList<quint64> &ids)
{
    QStringList parts;
    for (const quint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(QStringLiteral(", "));
}

/// The engine's answer words as the learner reads them; values (Ann, 10) stay as they are.
class ChoiceWords
{
    Q_DECLARE_TR_FUNCTIONS(LessonWindow)

public:
    static QString label(const QString &choice)
    {
        static const char *const words[][2] = {
            {"hit", QT_TR_NOOP("hit")},         {"miss", QT_TR_NOOP("miss")},
            {"yes", QT_TR_NOOP("yes")},         {"no", QT_TR_NOOP("no")},
            {"missing", QT_TR_NOOP("missing")}, {"closed", QT_TR_NOOP("closed")},
            {"open", QT_TR_NOOP("open")},       {"half-open", QT_TR_NOOP("half-open")}};
        for (const auto &w : words) {
            if (choice == QLatin1String(w[0]))
                return tr(w[1]);
        }
        return choice;
    }
};

QString choiceLabel(const QString &choice)
{
    return ChoiceWords::label(choice);
}

/// A page's widgets stacked from the top, the rest of the height left empty.
QVBoxLayout *pageLayout(QWidget *page)
{
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    return layout;
}

} // namespace

LessonWindow::LessonWindow(const LabConfig &base, LessonProgress *progress, QWidget *parent)
    : QMainWindow(parent)
    , m_base(base)
    , m_progress(progress)
{
    setObjectName(QStringLiteral("lessonWindow"));
    setFocusPolicy(Qt::StrongFocus);
    m_confirm = [this] {
        return QMessageBox::question(
                   this, tr("Show the solution?"),
                   tr("The lesson goes on with the author's settings, and this task counts as "
                      "solved with help. Show the solution?")) == QMessageBox::Yes;
    };
    auto *toolbar = addToolBar(QString());
    toolbar->setObjectName(QStringLiteral("lessonToolBar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_lessonsAction = toolbar->addAction(QIcon(QStringLiteral(":/icons/open.svg")), QString(), this,
                                         &LessonWindow::browserRequested);
    m_restartAction = toolbar->addAction(QIcon(QStringLiteral(":/icons/restart.svg")), QString(),
                                         this, [this] { open(m_entry); });
    toolbar->addSeparator();
    // A projector needs the diagram larger; the panel is already a size up.
    m_zoomOutAction = toolbar->addAction(QIcon(QStringLiteral(":/icons/zoom-out.svg")), QString(),
                                         this, [this] { m_diagram->zoomOut(); });
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    m_zoomInAction = toolbar->addAction(QIcon(QStringLiteral(":/icons/zoom-in.svg")), QString(),
                                        this, [this] { m_diagram->zoomIn(); });
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_diagram = new DiagramView(splitter);
    m_diagram->setObjectName(QStringLiteral("lessonDiagram"));
    m_diagram->setZoom(1.15);
    buildPanel();
    auto *scroll = new QScrollArea(splitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_pages->parentWidget());
    scroll->setMinimumWidth(420);
    splitter->addWidget(m_diagram);
    splitter->addWidget(scroll);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    setCentralWidget(splitter);
    retranslate();
    resize(1280, 720);
}

LessonWindow::~LessonWindow() = default;

// --- the panel -----------------------------------------------------------------------------

void LessonWindow::buildPanel()
{
    auto *panel = new QWidget(this);
    panel->setObjectName(QStringLiteral("lessonPanel"));
    // Read from the back of a classroom: everything in the panel a size larger.
    QFont larger = panel->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.25);
    panel->setFont(larger);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);
    m_title = heading(QStringLiteral("lessonTitle"), panel);
    m_title->setWordWrap(true);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_title->setFont(f);
    m_step = new QLabel(panel);
    m_step->setObjectName(QStringLiteral("lessonStep"));
    m_pages = new QStackedWidget(panel);
    m_pages->addWidget(buildSayPage(panel));
    m_pages->addWidget(buildPredictPage(panel));
    m_pages->addWidget(buildRevealPage(panel));
    m_pages->addWidget(buildTaskPage(panel));
    m_pages->addWidget(buildFinishedPage(panel));
    layout->addWidget(m_title);
    layout->addWidget(m_step);
    layout->addWidget(m_pages, 1);
}

QWidget *LessonWindow::buildSayPage(QWidget *panel)
{
    auto *page = new QWidget(panel);
    auto *layout = pageLayout(page);
    m_sayText = wrappingLabel(QStringLiteral("sayText"), page, 1.2);
    m_sayNext = bigButton(QStringLiteral("nextButton"), page);
    connect(m_sayNext, &QPushButton::clicked, this, &LessonWindow::next);
    layout->addWidget(m_sayText);
    layout->addWidget(m_sayNext);
    layout->addStretch(1);
    return page;
}

QWidget *LessonWindow::buildPredictPage(QWidget *panel)
{
    auto *page = new QWidget(panel);
    auto *layout = pageLayout(page);
    m_predictHeading = heading(QStringLiteral("predictHeading"), page);
    m_question = wrappingLabel(QStringLiteral("question"), page, 1.2);
    layout->addWidget(m_predictHeading);
    layout->addWidget(m_question);
    for (int i = 0; i < kMaxChoices; ++i) {
        QPushButton *b = bigButton(QStringLiteral("choice%1").arg(i + 1), page);
        connect(b, &QPushButton::clicked, this, [this, i] { choose(i); });
        m_choiceButtons.append(b);
        layout->addWidget(b);
    }
    m_numberRow = new QWidget(page);
    auto *row = new QHBoxLayout(m_numberRow);
    row->setContentsMargins(0, 0, 0, 0);
    m_number = new QSpinBox(m_numberRow);
    m_number->setObjectName(QStringLiteral("numberAnswer"));
    m_number->setRange(0, 1'000'000);
    m_number->setMinimumHeight(m_number->fontMetrics().height() * 2 + 8);
    QFont nf = m_number->font();
    nf.setPointSizeF(nf.pointSizeF() * 1.3);
    m_number->setFont(nf);
    m_answerButton = bigButton(QStringLiteral("answerButton"), m_numberRow);
    connect(m_answerButton, &QPushButton::clicked, this, &LessonWindow::answerNumber);
    connect(m_number, &QSpinBox::editingFinished, this, [this] {
        if (m_number->hasFocus() && m_pages->currentIndex() == int(Page::Predict))
            answerNumber();
    });
    row->addWidget(m_number, 1);
    row->addWidget(m_answerButton, 1);
    layout->addWidget(m_numberRow);
    m_predictHint = new QLabel(page);
    m_predictHint->setObjectName(QStringLiteral("predictHint"));
    m_predictHint->setWordWrap(true);
    m_predictHint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_predictHint);
    layout->addStretch(1);
    return page;
}

QWidget *LessonWindow::buildRevealPage(QWidget *panel)
{
    auto *page = new QWidget(panel);
    auto *layout = pageLayout(page);
    m_revealText = wrappingLabel(QStringLiteral("revealText"), page, 1.1);
    m_revealNext = bigButton(QStringLiteral("revealNext"), page);
    connect(m_revealNext, &QPushButton::clicked, this, &LessonWindow::next);
    layout->addWidget(m_revealText);
    layout->addWidget(m_revealNext);
    layout->addStretch(1);
    return page;
}

QWidget *LessonWindow::buildTaskPage(QWidget *panel)
{
    auto *page = new QWidget(panel);
    auto *layout = pageLayout(page);
    m_taskHeading = heading(QStringLiteral("taskHeading"), page);
    m_taskText = wrappingLabel(QStringLiteral("taskText"), page, 1.1);
    m_form = new QWidget(page);
    m_formLayout = new QFormLayout(m_form);
    m_formLayout->setContentsMargins(0, 0, 0, 0);
    m_formLayout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto *buttons = new QHBoxLayout;
    m_check = bigButton(QStringLiteral("checkButton"), page);
    m_check->setDefault(true);
    m_solution = bigButton(QStringLiteral("solutionButton"), page);
    connect(m_check, &QPushButton::clicked, this, &LessonWindow::check);
    connect(m_solution, &QPushButton::clicked, this, &LessonWindow::showSolution);
    buttons->addWidget(m_check, 1);
    buttons->addWidget(m_solution, 1);
    m_taskResult = wrappingLabel(QStringLiteral("taskResult"), page);
    m_hintText = wrappingLabel(QStringLiteral("hints"), page);
    m_taskNext = bigButton(QStringLiteral("taskNext"), page);
    connect(m_taskNext, &QPushButton::clicked, this, &LessonWindow::next);
    layout->addWidget(m_taskHeading);
    layout->addWidget(m_taskText);
    layout->addWidget(m_form);
    layout->addLayout(buttons);
    layout->addWidget(m_taskResult);
    layout->addWidget(m_hintText);
    layout->addWidget(m_taskNext);
    layout->addStretch(1);
    return page;
}

QWidget *LessonWindow::buildFinishedPage(QWidget *panel)
{
    auto *page = new QWidget(panel);
    auto *layout = pageLayout(page);
    m_finishedText = wrappingLabel(QStringLiteral("finishedText"), page);
    QFont f = m_finishedText->font();
    f.setPointSizeF(f.pointSizeF() * 1.1);
    m_finishedText->setFont(f);
    m_nextLesson = bigButton(QStringLiteral("nextLessonButton"), page);
    m_backToLessons = bigButton(QStringLiteral("backToLessons"), page);
    connect(m_nextLesson, &QPushButton::clicked, this,
            [this] { Q_EMIT nextLessonRequested(m_entry.id); });
    connect(m_backToLessons, &QPushButton::clicked, this, &LessonWindow::browserRequested);
    layout->addWidget(m_finishedText);
    layout->addWidget(m_nextLesson);
    layout->addWidget(m_backToLessons);
    layout->addStretch(1);
    return page;
}

void LessonWindow::retranslate()
{
    setWindowTitle(m_entry.title.isEmpty() ? tr("Lesson — Cache Lab")
                                           : tr("%1 — Cache Lab").arg(m_entry.title));
    m_title->setText(m_entry.title);
    m_lessonsAction->setText(tr("Lessons"));
    m_lessonsAction->setToolTip(tr("Back to the list of lessons"));
    m_restartAction->setText(tr("Start Over"));
    m_restartAction->setToolTip(tr("Play this lesson again from its beginning"));
    m_zoomInAction->setText(tr("Zoom In"));
    m_zoomInAction->setToolTip(tr("Draw the diagram larger (Ctrl++)"));
    m_zoomOutAction->setText(tr("Zoom Out"));
    m_zoomOutAction->setToolTip(tr("Draw the diagram smaller (Ctrl+-)"));
    m_sayNext->setText(tr("Next  (Space)"));
    m_predictHeading->setText(tr("Predict"));
    m_answerButton->setText(tr("Answer"));
    m_revealNext->setText(tr("Next  (Space)"));
    m_taskHeading->setText(tr("Your task"));
    m_check->setText(tr("Check"));
    m_solution->setText(tr("Show Solution…"));
    m_taskNext->setText(tr("Go On  (Space)"));
    m_nextLesson->setText(tr("Next Lesson"));
    m_backToLessons->setText(tr("All Lessons"));
    updateStepLabel();
}

void LessonWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void LessonWindow::keyPressEvent(QKeyEvent *event)
{
    const auto page = Page(m_pages->currentIndex());
    const bool forward = event->key() == Qt::Key_Space || event->key() == Qt::Key_Right;
    if (forward && (page == Page::Say || page == Page::Reveal ||
                    (page == Page::Task && m_taskNext->isVisible()))) {
        next();
        return;
    }
    const int digit = event->key() - Qt::Key_1;
    if (page == Page::Predict && digit >= 0 && digit < kMaxChoices &&
        m_choiceButtons[digit]->isVisible()) {
        choose(digit);
        return;
    }
    QMainWindow::keyPressEvent(event);
}

// --- playing -------------------------------------------------------------------------------

std::optional<QString> LessonWindow::open(const LessonEntry &entry, bool resume)
{
    auto parsed = lesson::parseFile(entry.resource);
    if (auto *e = std::get_if<scenario::ParseError>(&parsed))
        return e->toString();
    lesson::Lesson l = std::get<lesson::Lesson>(std::move(parsed));
    // The choices of a result/cache/db prediction are the values its key has had up to the
    // reveal, so they come from playing the lesson once ahead (the run is deterministic).
    QHash<int, QStringList> choices;
    try {
        auto played = lesson::play(l, std::nullopt, m_base);
        if (auto *e = std::get_if<scenario::ParseError>(&played))
            return e->toString();
        for (const lesson::PredictionOutcome &o :
             std::get<lesson::LessonReport>(played).predictions)
            choices.insert(o.prediction, o.choices);
        m_runner = std::make_unique<lesson::LessonRunner>(std::move(l), m_base);
    } catch (const Error &e) {
        return e.message();
    }
    m_entry = entry;
    m_choices = choices;
    m_stops = int(
        std::count_if(m_runner->lesson().steps.cbegin(), m_runner->lesson().steps.cend(),
                      [](const lesson::Step &s) { return s.type != lesson::Step::Type::Command; }));
    m_done = 0;
    m_resumeAt = 0;
    LessonRecord &r = record();
    r.title = entry.title;
    if (resume && !r.finished)
        m_resumeAt = r.stops;
    m_progress->lastLesson = entry.id;
    save();
    retranslate();
    advance();
    return std::nullopt;
}

void LessonWindow::advance()
{
    m_runner->runToStop();
    showLab(m_runner->lab());
    if (!m_runner->fatal().isEmpty()) {
        showProblem(m_runner->fatal());
        return;
    }
    const lesson::Step *step = m_runner->next();
    if (!step) {
        showFinished();
        return;
    }
    const lesson::Lesson &l = m_runner->lesson();
    m_runner->begin();
    updateStepLabel();
    switch (step->type) {
    case lesson::Step::Type::Say:
        showSay(l.says[step->index].text);
        break;
    case lesson::Step::Type::Predict:
        showPrediction(step->index);
        break;
    case lesson::Step::Type::Reveal:
        showReveal();
        break;
    case lesson::Step::Type::Task:
        showTask(step->index);
        break;
    case lesson::Step::Type::Command:
        break; // runToStop() went past every command
    }
}

void LessonWindow::stopDone()
{
    ++m_done;
    LessonRecord &r = record();
    r.stops = m_done;
    save();
    advance();
}

void LessonWindow::next()
{
    const auto page = Page(m_pages->currentIndex());
    if (page == Page::Say || page == Page::Reveal || (page == Page::Task && m_taskPassed))
        stopDone();
}

void LessonWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    // The window keeps the keys (Space, Right, 1–4) unless the learner types in a field.
    if (page != Page::Task)
        setFocus();
}

void LessonWindow::showLab(Lab &lab, const QList<quint64> &highlight, const QString &banner)
{
    const int clients = lab.clients();
    m_diagram->reset(participantsFor(lab.config().pattern, clients, lab.config().options), clients);
    const QList<TraceEvent> events = lab.trace().events();
    for (qsizetype i = std::max<qsizetype>(0, events.size() - DiagramView::kHistory);
         i < events.size(); ++i)
        m_diagram->append(events[i]);
    m_diagram->setTime(lab.now());
    m_diagram->setBanner(banner);
    m_diagram->setFollow(true);
    m_diagram->setHighlighted(highlight);
}

void LessonWindow::updateStepLabel()
{
    if (m_runner)
        m_step->setText(tr("Lesson %1 · step %2 of %3")
                            .arg(m_entry.number)
                            .arg(std::min(m_done + 1, m_stops))
                            .arg(m_stops));
}

void LessonWindow::showSay(const QString &text)
{
    if (fastForwarding()) {
        stopDone();
        return;
    }
    m_sayText->setText(text.toHtmlEscaped());
    showPage(Page::Say);
}

void LessonWindow::showPrediction(int index)
{
    const lesson::Prediction &p = m_runner->lesson().predictions[index];
    m_prediction = index;
    if (fastForwarding()) {
        const LessonRecord &r = record();
        for (const PredictionRecord &done : r.predictions) {
            if (done.line == p.line && !done.answer.isEmpty())
                m_runner->answer(index, done.answer);
        }
        stopDone();
        return;
    }
    m_question->setText(p.question.toHtmlEscaped());
    const bool numeric = lesson::isNumeric(p.kind);
    const QStringList choices = m_choices.value(index);
    for (int i = 0; i < kMaxChoices; ++i) {
        QPushButton *b = m_choiceButtons[i];
        const bool shown = !numeric && i < choices.size();
        b->setVisible(shown);
        b->setEnabled(shown);
        if (shown)
            b->setText(tr("%1   %2").arg(i + 1).arg(choiceLabel(choices[i])));
    }
    m_numberRow->setVisible(numeric);
    m_number->setValue(0);
    m_predictHint->setText(numeric ? tr("Type a whole number and press Answer (or Enter).")
                                   : tr("Click an answer or press its number key."));
    showPage(Page::Predict);
    if (numeric) {
        m_number->setFocus();
        m_number->selectAll();
    }
}

void LessonWindow::choose(int choice)
{
    const QStringList choices = m_choices.value(m_prediction);
    if (Page(m_pages->currentIndex()) != Page::Predict || choice < 0 || choice >= choices.size())
        return;
    answer(choices[choice]);
}

void LessonWindow::answerNumber()
{
    if (Page(m_pages->currentIndex()) == Page::Predict)
        answer(QString::number(m_number->value()));
}

void LessonWindow::answer(const QString &text)
{
    // Kept at once, so that a learner who stops before the reveal resumes with it.
    const lesson::Prediction &p = m_runner->lesson().predictions[m_prediction];
    PredictionRecord &rec = record().prediction(p.line);
    rec.question = p.question;
    rec.answer = text;
    m_runner->answer(m_prediction, text);
    stopDone();
}

void LessonWindow::showReveal()
{
    const lesson::Lesson &l = m_runner->lesson();
    QList<quint64> marked;
    QString html;
    LessonRecord &r = record();
    for (const lesson::PredictionOutcome &o : m_runner->revealed()) {
        const lesson::Prediction &p = l.predictions[o.prediction];
        PredictionRecord &rec = r.prediction(p.line);
        rec.question = p.question;
        rec.answer = o.answer.value_or(QString());
        rec.truth = o.truth;
        rec.correct = o.correct;
        marked += o.decidedBy;
        const QString colour = o.correct ? QStringLiteral("#2E9E44") : errorColor().name();
        const QString verdict = !o.decided  ? tr("Could not be decided")
                                : o.correct ? tr("✔ Right")
                                            : tr("✘ Not quite");
        html += QStringLiteral("<p><span style='color:%1; font-weight:bold; font-size:large'>%2"
                               "</span><br><i>%3</i><br>")
                    .arg(colour, verdict, p.question.toHtmlEscaped());
        html += tr("You said: <b>%1</b>")
                    .arg(o.answer ? choiceLabel(*o.answer).toHtmlEscaped() : tr("nothing"));
        html += QStringLiteral("<br>");
        if (o.decided) {
            html += tr("It was: <b>%1</b>").arg(choiceLabel(o.truth).toHtmlEscaped());
            if (!o.decidedBy.isEmpty())
                html +=
                    QStringLiteral("<br>") + tr("Decided by message(s) %1, marked in the diagram.",
                                                nullptr, int(o.decidedBy.size()))
                                                 .arg(numbersText(o.decidedBy));
        } else {
            html += o.reason.toHtmlEscaped();
        }
        html += QStringLiteral("</p>");
    }
    save();
    if (fastForwarding()) {
        stopDone();
        return;
    }
    m_revealText->setText(html);
    m_diagram->setHighlighted(marked);
    showPage(Page::Reveal);
}

// --- tasks ---------------------------------------------------------------------------------

void LessonWindow::showTask(int index)
{
    const lesson::Task &task = m_runner->lesson().tasks[index];
    m_task = index;
    m_taskPassed = false;
    m_hints.clear();
    const TaskRecord &rec = record().task(task.line);
    if (fastForwarding() && (rec.passed || rec.solutionShown)) {
        lesson::TaskOutcome outcome;
        if (rec.solutionShown) {
            outcome = m_runner->showSolution();
        } else {
            QList<lesson::Setting> settings;
            for (const QString &text : rec.settings) {
                lesson::Setting s;
                if (!lesson::parseSetting(text, s))
                    settings.append(s);
            }
            outcome = m_runner->check(settings);
        }
        if (outcome.passed) {
            stopDone();
            return;
        }
        showLab(m_runner->lab());
    }
    m_resumeAt = m_done; // from here on the learner plays
    m_taskText->setText(task.text.toHtmlEscaped());
    buildTaskForm(task);
    m_taskResult->clear();
    m_taskResult->hide();
    m_hintText->clear();
    m_hintText->hide();
    m_taskNext->hide();
    m_check->setEnabled(true);
    m_solution->setEnabled(!task.solution.isEmpty());
    m_form->setEnabled(true);
    showPage(Page::Task);
}

void LessonWindow::buildTaskForm(const lesson::Task &task)
{
    while (m_formLayout->rowCount() > 0)
        m_formLayout->removeRow(0);
    m_optionFields.clear();
    m_latencyFields.clear();
    m_clients = nullptr;
    m_pattern = nullptr;
    const LabConfig &config = m_runner->lab().config();
    for (const QString &name : task.allow.options) {
        auto *field = new QLineEdit(optionValue(config.options, name), m_form);
        field->setObjectName(QStringLiteral("option:") + name);
        field->setProperty("initial", field->text());
        connect(field, &QLineEdit::returnPressed, this, &LessonWindow::check);
        m_formLayout->addRow(name, field);
        m_optionFields.insert(name, field);
    }
    for (const QString &part : task.allow.latencyParts) {
        const Latencies &lat = config.latencies;
        const TimeUs now = part == u"cache"      ? lat.cache
                           : part == u"l1"       ? lat.l1
                           : part == u"db-write" ? lat.dbWrite
                                                 : lat.dbRead;
        auto *field = new QLineEdit(formatDuration(now), m_form);
        field->setObjectName(QStringLiteral("latency:") + part);
        field->setProperty("initial", field->text());
        connect(field, &QLineEdit::returnPressed, this, &LessonWindow::check);
        m_formLayout->addRow(tr("latency %1").arg(part), field);
        m_latencyFields.insert(part, field);
    }
    if (task.allow.clients) {
        m_clients = new QSpinBox(m_form);
        m_clients->setObjectName(QStringLiteral("clients"));
        m_clients->setRange(1, 26);
        m_clients->setValue(m_runner->lab().clients());
        m_clients->setProperty("initial", m_clients->value());
        m_formLayout->addRow(tr("clients"), m_clients);
    }
    if (!task.allow.patterns.isEmpty()) {
        m_pattern = new QComboBox(m_form);
        m_pattern->setObjectName(QStringLiteral("pattern"));
        m_pattern->addItem(patternName(config.pattern));
        for (const PatternKind p : task.allow.patterns) {
            if (p != config.pattern)
                m_pattern->addItem(patternName(p));
        }
        m_formLayout->addRow(tr("pattern"), m_pattern);
    }
    m_form->setVisible(m_formLayout->rowCount() > 0);
}

std::variant<QList<lesson::Setting>, QString> LessonWindow::learnerSettings() const
{
    QStringList texts;
    QStringList options;
    for (auto it = m_optionFields.cbegin(); it != m_optionFields.cend(); ++it) {
        const QString value = it.value()->text().trimmed();
        if (value != it.value()->property("initial").toString())
            options.append(it.key() + u'=' + value);
    }
    options.sort();
    if (!options.isEmpty())
        texts.append(options.join(u' '));
    QStringList latencies;
    for (auto it = m_latencyFields.cbegin(); it != m_latencyFields.cend(); ++it) {
        const QString value = it.value()->text().trimmed();
        if (value != it.value()->property("initial").toString())
            latencies.append(it.key() + u'=' + value);
    }
    latencies.sort();
    if (!latencies.isEmpty())
        texts.append(QStringLiteral("latency ") + latencies.join(u' '));
    if (m_clients && m_clients->value() != m_clients->property("initial").toInt())
        texts.append(QStringLiteral("clients %1").arg(m_clients->value()));
    if (m_pattern && m_pattern->currentIndex() > 0)
        texts.append(QStringLiteral("pattern ") + m_pattern->currentText());
    QList<lesson::Setting> out;
    for (const QString &text : std::as_const(texts)) {
        lesson::Setting s;
        if (auto message = lesson::parseSetting(text, s))
            return *message;
        out.append(s);
    }
    return out;
}

void LessonWindow::check()
{
    if (Page(m_pages->currentIndex()) != Page::Task || m_taskPassed)
        return;
    const auto settings = learnerSettings();
    if (auto *message = std::get_if<QString>(&settings)) {
        m_taskResult->setText(tr("<b>Cannot use that:</b> %1").arg(message->toHtmlEscaped()));
        m_taskResult->show();
        return;
    }
    const auto &learner = std::get<QList<lesson::Setting>>(settings);
    if (auto message = m_runner->checkAllowed(learner)) {
        m_taskResult->setText(tr("<b>Cannot use that:</b> %1").arg(message->toHtmlEscaped()));
        m_taskResult->show();
        return;
    }
    const lesson::Task &task = m_runner->lesson().tasks[m_task];
    TaskRecord &rec = record().task(task.line);
    rec.text = task.text;
    ++rec.tries;
    const lesson::TaskOutcome outcome = m_runner->check(learner);
    if (outcome.passed) {
        rec.passed = true;
        rec.settings.clear();
        for (const lesson::Setting &s : learner)
            rec.settings.append(s.text);
    }
    save();
    showTaskOutcome(outcome, false);
}

void LessonWindow::showSolution()
{
    if (Page(m_pages->currentIndex()) != Page::Task || m_taskPassed || !m_confirm())
        return;
    const lesson::Task &task = m_runner->lesson().tasks[m_task];
    const lesson::TaskOutcome outcome = m_runner->showSolution();
    TaskRecord &rec = record().task(task.line);
    rec.text = task.text;
    if (outcome.passed) {
        rec.solutionShown = true;
        rec.settings.clear();
        for (const lesson::Setting &s : task.solution)
            rec.settings.append(s.text);
    }
    save();
    showTaskOutcome(outcome, true);
}

void LessonWindow::showTaskOutcome(const lesson::TaskOutcome &outcome, bool solution)
{
    const lesson::Task &task = m_runner->lesson().tasks[m_task];
    if (outcome.passed) {
        m_taskPassed = true;
        QString html = QStringLiteral("<p><span style='color:#2E9E44; font-weight:bold; "
                                      "font-size:large'>%1</span></p>")
                           .arg(solution ? tr("The author's solution") : tr("✔ Passed"));
        QStringList settings;
        for (const lesson::Setting &s : task.solution)
            settings.append(s.text.toHtmlEscaped());
        if (solution)
            html += tr("<p>The lesson goes on with: <b>%1</b></p>").arg(settings.join(u"; "));
        else
            html += tr("<p>Every goal holds. The lesson goes on in this lab.</p>");
        m_taskResult->setText(html);
        m_taskResult->show();
        m_check->setEnabled(false);
        m_solution->setEnabled(false);
        m_form->setEnabled(false);
        m_taskNext->show();
        m_taskNext->setFocus();
        showLab(m_runner->lab());
        return;
    }
    QString html;
    QList<quint64> marked;
    if (!outcome.fatal.isEmpty()) {
        html = tr("<b>The lab could not run:</b> %1").arg(outcome.fatal.toHtmlEscaped());
    } else if (!outcome.failures.isEmpty()) {
        const lesson::GoalFailure &f = outcome.failures.constFirst();
        marked = f.messages;
        html = QStringLiteral("<p><span style='color:%1; font-weight:bold; font-size:large'>%2"
                              "</span></p>")
                   .arg(errorColor().name(), tr("✘ Not yet"));
        html += tr("<p>Goal <b>%1</b> does not hold: found <b>%2</b>.</p>")
                    .arg(f.text.toHtmlEscaped(), f.actual.toHtmlEscaped());
        html += tr("<p>The diagram now shows the run of your check.</p>");
        if (!f.messages.isEmpty())
            html += tr("<p>Message(s) %1 broke it, marked in the diagram.</p>", nullptr,
                       int(f.messages.size()))
                        .arg(numbersText(f.messages));
        if (outcome.failures.size() > 1)
            html += tr("<p>%n more goal(s) do not hold either.</p>", nullptr,
                       int(outcome.failures.size() - 1));
    }
    m_taskResult->setText(html);
    m_taskResult->show();
    if (!outcome.hint.isEmpty())
        m_hints.append(outcome.hint);
    if (!m_hints.isEmpty()) {
        QString hints = QStringLiteral("<b>%1</b><ol>").arg(tr("Hints"));
        for (const QString &h : std::as_const(m_hints))
            hints += QStringLiteral("<li>%1</li>").arg(h.toHtmlEscaped());
        m_hintText->setText(hints + QStringLiteral("</ol>"));
        m_hintText->show();
    }
    if (Lab *lab = m_runner->failedCheckLab())
        showLab(*lab, marked);
}

// --- the end -------------------------------------------------------------------------------

void LessonWindow::showFinished()
{
    LessonRecord &r = record();
    r.finished = true;
    ++r.completions;
    r.stops = 0;
    m_resumeAt = 0;
    save();
    int tasksPassed = 0;
    int solutions = 0;
    for (const TaskRecord &t : std::as_const(r.tasks)) {
        tasksPassed += t.passed && !t.solutionShown ? 1 : 0;
        solutions += t.solutionShown ? 1 : 0;
    }
    QString html = QStringLiteral("<p><span style='font-weight:bold; font-size:large'>%1"
                                  "</span></p>")
                       .arg(tr("Lesson finished"));
    html += QStringLiteral("<p>") +
            tr("%1 of %n prediction(s) right.", nullptr, int(r.predictions.size()))
                .arg(r.correctCount()) +
            QStringLiteral("</p>");
    if (!r.tasks.isEmpty())
        html += QStringLiteral("<p>") +
                tr("Tasks solved on your own: %1 of %n.", nullptr, int(r.tasks.size()))
                    .arg(tasksPassed) +
                (solutions > 0 ? QStringLiteral(" ") + tr("Solution shown: %n.", nullptr, solutions)
                               : QString()) +
                QStringLiteral("</p>");
    m_finishedText->setText(html);
    m_step->setText(tr("Lesson %1 · done").arg(m_entry.number));
    showPage(Page::Finished);
}

void LessonWindow::showProblem(const QString &message)
{
    m_finishedText->setText(
        tr("<p><b>The lesson cannot go on:</b> %1</p>").arg(message.toHtmlEscaped()));
    showPage(Page::Finished);
}

LessonRecord &LessonWindow::record()
{
    return m_progress->record(m_entry.id);
}

void LessonWindow::save()
{
    LessonRecord &r = record();
    r.updated = QDateTime::currentDateTimeUtc();
    if (auto problem = m_progress->save())
        statusBar()->showMessage(tr("Your progress was not saved: %1").arg(*problem));
}

} // namespace cachelab::ui
