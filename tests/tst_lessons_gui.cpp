// The lessons in the desktop app under the offscreen platform: the browser, a real lesson
// driven through its panels as a learner would (keys and buttons), the progress file and the
// exported record. Assertions are on what the learner sees: texts, buttons, marked messages.

#include <diagramview.h>
#include <helpdialog.h>
#include <lessonbrowser.h>
#include <lessoncatalog.h>
#include <lessonhub.h>
#include <lessonprogress.h>
#include <lessonwindow.h>
#include <mainwindow.h>

#include <i18n/language.h>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolBar>
#include <QTreeWidget>

using namespace cachelab;
using namespace cachelab::ui;

namespace {

/// The English lessons in the source tree: the app must offer every one of them.
int shippedLessons()
{
    return int(QDir(QStringLiteral(CACHELAB_LESSON_DIR))
                   .entryList({QStringLiteral("*.cls")}, QDir::Files)
                   .size());
}

template<typename T> T *child(QWidget *parent, const QString &name)
{
    T *w = parent->findChild<T *>(name);
    if (!w)
        qFatal("no widget named %s", qPrintable(name));
    return w;
}

QString text(QWidget *parent, const char *name)
{
    return child<QLabel>(parent, QString::fromLatin1(name))->text();
}

QPushButton *button(QWidget *parent, const QString &name)
{
    return child<QPushButton>(parent, name);
}

/// The message numbers a text names ("Decided by messages 3, 4", "… by message 3").
QList<quint64> numbersAfter(const QString &html, const QString &lead)
{
    QList<quint64> out;
    const qsizetype at = html.indexOf(lead);
    if (at < 0)
        return out;
    static const QRegularExpression number(QStringLiteral("^s?\\s*,?\\s*(\\d+)"));
    QString rest = html.mid(at + lead.size());
    for (auto m = number.match(rest); m.hasMatch(); m = number.match(rest)) {
        out.append(m.captured(1).toULongLong());
        rest = rest.mid(m.capturedLength());
    }
    return out;
}

QList<quint64> drawnIds(const DiagramView &view)
{
    QList<quint64> out;
    for (const TraceEvent &e : view.messages())
        out.append(e.id);
    return out;
}

LessonEntry entryNamed(const QString &id)
{
    for (const LessonEntry &e : lessonCatalog()) {
        if (e.id == id)
            return e;
    }
    qFatal("no lesson %s", qPrintable(id));
}

} // namespace

class TestLessonsGui : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void catalogueInEnglishAndGerman();
    void browserListsTheCurriculum();
    void helpListsEveryShortcutOnce();
    void playsALessonThroughItsPanels();
    void aTaskPassesWithTheLearnersOwnSetting();
    void resumesWhereTheLearnerStopped();
    void aPatternTaskOffersOnlyTheAllowedPattern();
    void damagedOrForeignRecordsAreRefused();
    void aGermanLearnerGetsTheGermanLesson();

private:
    QString progressPath() const { return m_dir.filePath(QStringLiteral("progress.json")); }

    QTemporaryDir m_dir;
    AppSettings m_settings;
};

void TestLessonsGui::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QVERIFY(installLanguage(QStringLiteral("en"))); // the English plural forms
}

void TestLessonsGui::init()
{
    QFile::remove(progressPath());
}

void TestLessonsGui::catalogueInEnglishAndGerman()
{
    const QList<LessonEntry> english = lessonCatalog();
    QCOMPARE(english.size(), shippedLessons());
    for (int i = 1; i < english.size(); ++i)
        QVERIFY(english[i].number > english[i - 1].number); // in teaching order
    QCOMPARE(english[0].title, u"The first read misses, the next one hits"_qs);
    QCOMPARE(english[0].summary, u"A cache starts out empty. Watch who answers each read."_qs);
    QVERIFY(english[0].resource.startsWith(u":/lessons/01-"));

    QVERIFY(installLanguage(QStringLiteral("de")));
    const QList<LessonEntry> german = lessonCatalog();
    installLanguage(QStringLiteral("en"));
    QCOMPARE(german.size(), shippedLessons());
    QCOMPARE(german[0].title, u"Der erste Lesezugriff verfehlt, der nächste trifft"_qs);
    QVERIFY(german[0].resource.startsWith(u":/lessons/de/01-"));
    QCOMPARE(german[0].id, english[0].id); // progress is the same lesson in either language
}

void TestLessonsGui::helpListsEveryShortcutOnce()
{
    // The whole app as it starts: the lab window with the lessons installed.
    MainWindow lab(m_settings);
    LessonHub hub(&lab, progressPath());
    hub.install();
    HelpDialog *help = lab.showHelp(HelpDialog::Page::Shortcuts);
    QVERIFY(help && help->isVisible());
    const QStringList rows = help->shortcutRows();
    QVERIFY2(rows.size() > 15, qPrintable(rows.join(u'\n')));
    QVERIFY2(rows.contains(u"Lessons\tCtrl+L"_qs), qPrintable(rows.join(u'\n')));
    QVERIFY2(rows.contains(u"Step\tF6, PgDown, ."_qs), qPrintable(rows.join(u'\n')));
    // No key does two things: an ambiguous shortcut does nothing at all.
    QHash<QString, QString> owner;
    for (const QString &row : rows) {
        const QString action = row.section(u'\t', 0, 0);
        for (const QString &key : row.section(u'\t', 1).split(u", "_qs)) {
            QVERIFY2(!owner.contains(key) || owner[key] == action,
                     qPrintable(u"%1: %2 and %3"_qs.arg(key, owner[key], action)));
            owner.insert(key, action);
        }
    }
    lab.showHelp();
    QCOMPARE(lab.findChildren<HelpDialog *>().size(), 1); // one help window at a time
}

void TestLessonsGui::browserListsTheCurriculum()
{
    MainWindow lab(m_settings);
    LessonHub hub(&lab, progressPath());
    hub.install();
    // "Lessons" in the menu bar and on the toolbar.
    bool inMenu = false;
    for (QAction *menu : lab.menuBar()->actions())
        inMenu = inMenu || (menu->menu() && menu->menu()->actions().contains(hub.lessonsAction()));
    QVERIFY(inMenu);
    QVERIFY(lab.findChild<QToolBar *>(QStringLiteral("playback"))
                ->actions()
                .contains(hub.lessonsAction()));
    QCOMPARE(hub.lessonsAction()->text(), u"Lessons"_qs);

    hub.lessonsAction()->trigger();
    LessonBrowser *browser = hub.browser();
    QVERIFY(browser->isVisible());
    QTreeWidget *list = browser->list();
    QCOMPARE(list->topLevelItemCount(), shippedLessons());
    QCOMPARE(list->topLevelItem(0)->text(1), u"1"_qs);
    QCOMPARE(list->topLevelItem(0)->text(2), u"The first read misses, the next one hits"_qs);
    QCOMPARE(list->topLevelItem(2)->text(3).replace(u'\n', u' '),
             u"Cache-aside writes the database and then deletes the key from the cache."_qs);
    QCOMPARE(list->topLevelItem(0)->text(0), QString()); // nothing finished yet
    QVERIFY(!button(browser, QStringLiteral("resumeButton"))->isVisible());
    QPushButton *explore = button(browser, QStringLiteral("exploreButton"));
    QCOMPARE(explore->text(), u"Just Explore the Lab"_qs);
    explore->click();
    QVERIFY(!browser->isVisible());
    QVERIFY(!hub.lessonWindow()); // the ordinary lab, no lesson
}

void TestLessonsGui::playsALessonThroughItsPanels()
{
    MainWindow lab(m_settings);
    LessonHub hub(&lab, progressPath());
    hub.install();
    QVERIFY(!hub.openLesson(entryNamed(QStringLiteral("01-first-miss-and-hit"))));
    LessonWindow *w = hub.lessonWindow();
    QVERIFY(w->isVisible());
    QCOMPARE(text(w, "lessonTitle"), u"The first read misses, the next one hits"_qs);

    // A say waits for Next.
    QCOMPARE(text(w, "sayText"), u"The application asks the cache first and the database only "
                                 u"when the cache has nothing."_qs);
    QCOMPARE(text(w, "lessonStep"), u"Lesson 1 · step 1 of 9"_qs);
    QVERIFY(button(w, QStringLiteral("nextButton"))->isVisible());
    QTest::keyClick(w, Qt::Key_Space);

    // A prediction: the question and its choices as buttons.
    QCOMPARE(text(w, "question"),
             u"The cache has never seen user:1. Will this read be served by the cache?"_qs);
    QCOMPARE(button(w, QStringLiteral("choice1"))->text(), u"1   hit"_qs);
    QCOMPARE(button(w, QStringLiteral("choice2"))->text(), u"2   miss"_qs);
    QVERIFY(!button(w, QStringLiteral("choice3"))->isVisible());
    QVERIFY(!child<QSpinBox>(w, QStringLiteral("numberAnswer"))->isVisible());
    QTest::keyClick(w, Qt::Key_2); // miss: right

    // The reveal: right, the truth, and the deciding messages marked in the diagram.
    QString reveal = text(w, "revealText");
    QVERIFY2(reveal.contains(u"Right"), qPrintable(reveal));
    QVERIFY(reveal.contains(u"It was: <b>miss</b>"));
    const QList<quint64> decided = numbersAfter(reveal, QStringLiteral("Decided by message"));
    QVERIFY(!decided.isEmpty());
    QCOMPARE(w->diagram()->highlighted(), decided);
    for (const quint64 id : decided)
        QVERIFY(drawnIds(*w->diagram()).contains(id));
    QTest::keyClick(w, Qt::Key_Right);

    QCOMPARE(text(w, "sayText"), u"That read copied the row into the cache, for 30 seconds."_qs);
    button(w, QStringLiteral("nextButton"))->click();
    // Second read: answered wrong on purpose.
    QCOMPARE(text(w, "question"), u"Will a second read a moment later be served by the cache?"_qs);
    button(w, QStringLiteral("choice2"))->click(); // miss: wrong
    // A numeric prediction gets a number field, no choice buttons.
    QCOMPARE(text(w, "question"),
             u"How many times will the database be asked during the next two reads?"_qs);
    QVERIFY(!button(w, QStringLiteral("choice1"))->isVisible());
    auto *number = child<QSpinBox>(w, QStringLiteral("numberAnswer"));
    QVERIFY(number->isVisible());
    number->setValue(0);
    button(w, QStringLiteral("answerButton"))->click();

    reveal = text(w, "revealText");
    QVERIFY2(reveal.contains(u"Not quite"), qPrintable(reveal));
    QVERIFY(reveal.contains(u"You said: <b>miss</b>"));
    QVERIFY(reveal.contains(u"It was: <b>hit</b>"));
    QVERIFY(reveal.contains(u"You said: <b>0</b>"));
    QVERIFY(!w->diagram()->highlighted().isEmpty());
    QTest::keyClick(w, Qt::Key_Space);
    QTest::keyClick(w, Qt::Key_Space); // the say before the task

    // The task: its text, only ttl unlocked, Check and Show Solution.
    QCOMPARE(text(w, "taskText"), u"Reads come every 40 seconds here. Keep the copy alive long "
                                  u"enough that the second read is a hit."_qs);
    auto *ttl = child<QLineEdit>(w, QStringLiteral("option:ttl"));
    QVERIFY(ttl->isVisible());
    QCOMPARE(ttl->text(), u"30s"_qs);
    QCOMPARE(w->findChildren<QLineEdit *>(QRegularExpression(QStringLiteral("^(option|latency):")))
                 .size(),
             1);
    QVERIFY(!w->findChild<QSpinBox *>(QStringLiteral("clients")));
    QVERIFY(!w->findChild<QComboBox *>(QStringLiteral("pattern")));
    QPushButton *check = button(w, QStringLiteral("checkButton"));
    QPushButton *solution = button(w, QStringLiteral("solutionButton"));
    QVERIFY(check->isEnabled());
    QVERIFY(solution->isEnabled());
    QVERIFY(!child<QLabel>(w, QStringLiteral("hints"))->isVisible());

    // Checked untouched: it fails, names the goal and what was found, marks the messages,
    // and gives the first hint.
    check->click();
    const QString result = text(w, "taskResult");
    QVERIFY2(result.contains(u"Goal <b>metric db.reads = 1</b> does not hold: found <b>2</b>"),
             qPrintable(result));
    const QList<quint64> broke = numbersAfter(result, QStringLiteral("Message"));
    QVERIFY(!broke.isEmpty());
    QCOMPARE(w->diagram()->highlighted(), broke);
    for (const quint64 id : broke)
        QVERIFY(drawnIds(*w->diagram()).contains(id));
    QVERIFY(result.contains(u"The diagram now shows the run of your check."));
    QVERIFY(child<QLabel>(w, QStringLiteral("hints"))->isVisible());
    QVERIFY(text(w, "hints").contains(u"Each copy is kept for the TTL of the pattern line."));
    QVERIFY(!text(w, "hints").contains(u"40 seconds later"));
    QVERIFY(!button(w, QStringLiteral("taskNext"))->isVisible());
    QTest::keyClick(w, Qt::Key_Space); // not passed: Space does not go on
    QVERIFY(check->isVisible());
    // The next failed check adds the next hint, one at a time.
    check->click();
    QVERIFY(text(w, "hints").contains(u"Each copy is kept for the TTL of the pattern line."));
    QVERIFY(text(w, "hints").contains(u"The second read comes 40 seconds later"));

    // Show Solution asks first; declining changes nothing.
    int asked = 0;
    w->setConfirmSolution([&] {
        ++asked;
        return false;
    });
    solution->click();
    QCOMPARE(asked, 1);
    QVERIFY(check->isEnabled());
    w->setConfirmSolution([&] {
        ++asked;
        return true;
    });
    solution->click();
    QCOMPARE(asked, 2);
    QVERIFY(text(w, "taskResult").contains(u"ttl=1m"));
    QVERIFY(!check->isEnabled());
    QVERIFY(!solution->isEnabled());
    QVERIFY(button(w, QStringLiteral("taskNext"))->isVisible());
    QVERIFY(w->diagram()->highlighted().isEmpty());
    QTest::keyClick(w, Qt::Key_Space);

    QVERIFY(text(w, "finishedText").contains(u"Lesson finished"));
    QVERIFY(text(w, "finishedText").contains(u"2 of 3 predictions right."));
    QVERIFY(text(w, "finishedText").contains(u"Solution shown: 1."));

    // The progress on disk, read back as the app would read it tomorrow.
    auto read = LessonProgress::read(progressPath());
    QVERIFY(std::holds_alternative<LessonProgress>(read));
    const LessonProgress &saved = std::get<LessonProgress>(read);
    const LessonRecord *r = saved.find(QStringLiteral("01-first-miss-and-hit"));
    QVERIFY(r);
    QVERIFY(r->finished);
    QCOMPARE(r->predictions.size(), 3);
    QCOMPARE(r->predictions[0].answer, u"miss"_qs);
    QVERIFY(r->predictions[0].correct);
    QCOMPARE(r->predictions[1].answer, u"miss"_qs);
    QCOMPARE(r->predictions[1].truth, u"hit"_qs);
    QVERIFY(!r->predictions[1].correct);
    QCOMPARE(r->tasks.size(), 1);
    QCOMPARE(r->tasks[0].tries, 2);
    QVERIFY(r->tasks[0].solutionShown);

    // The browser now ticks the lesson; a new hub (the app started again) sees the same.
    LessonHub again(&lab, progressPath());
    again.showBrowser();
    QCOMPARE(again.browser()->list()->topLevelItem(0)->text(0), u"✔"_qs);
    QCOMPARE(again.browser()->list()->topLevelItem(1)->text(0), QString());

    // Export for a teacher: one file with the answers, tries and passes.
    const QString exported = m_dir.filePath(QStringLiteral("record.json"));
    QVERIFY(!again.browser()->exportProgress(exported));
    QFile file(exported);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonObject lesson = json.value(u"lessons"_qs).toArray().at(0).toObject();
    QCOMPARE(lesson.value(u"id"_qs).toString(), u"01-first-miss-and-hit"_qs);
    QCOMPARE(lesson.value(u"completions"_qs).toInt(), 1);
    QCOMPARE(lesson.value(u"predictions"_qs).toArray().at(1).toObject().value(u"answer"_qs),
             QJsonValue(u"miss"_qs));
    QCOMPARE(lesson.value(u"tasks"_qs).toArray().at(0).toObject().value(u"tries"_qs).toInt(), 2);
    QVERIFY(json.contains(u"exported"_qs));

    // ... and the teacher opens it.
    auto opened = again.browser()->openRecord(exported);
    QVERIFY(std::holds_alternative<QDialog *>(opened));
    const QString shown =
        child<QTextBrowser>(std::get<QDialog *>(opened), QStringLiteral("recordText"))
            ->toPlainText();
    QVERIFY2(shown.contains(u"The first read misses, the next one hits"), qPrintable(shown));
    QVERIFY(shown.contains(u"2 of 3 predictions right."));
    QVERIFY(shown.contains(u"2 checks, solution shown."));
}

void TestLessonsGui::aTaskPassesWithTheLearnersOwnSetting()
{
    MainWindow lab(m_settings);
    LessonHub hub(&lab, progressPath());
    QVERIFY(!hub.openLesson(entryNamed(QStringLiteral("01-first-miss-and-hit"))));
    LessonWindow *w = hub.lessonWindow();
    w->next();
    w->choose(1);
    w->next();
    w->next();
    w->choose(0);
    w->answerNumber();
    w->next();
    w->next();
    auto *ttl = child<QLineEdit>(w, QStringLiteral("option:ttl"));
    ttl->setText(QStringLiteral("10 minutes"));
    button(w, QStringLiteral("checkButton"))->click();
    QVERIFY2(text(w, "taskResult").contains(u"Cannot use that"), qPrintable(text(w, "taskResult")));
    QVERIFY(button(w, QStringLiteral("checkButton"))->isEnabled());
    ttl->setText(QStringLiteral("2m"));
    button(w, QStringLiteral("checkButton"))->click();
    QVERIFY2(text(w, "taskResult").contains(u"Passed"), qPrintable(text(w, "taskResult")));
    QVERIFY(!text(w, "hints").contains(u"TTL")); // a pass gives no hint
    QVERIFY(button(w, QStringLiteral("taskNext"))->isVisible());
    button(w, QStringLiteral("taskNext"))->click();
    QVERIFY(text(w, "finishedText").contains(u"Tasks solved on your own: 1 of 1."));
    const LessonRecord *r = hub.progress().find(QStringLiteral("01-first-miss-and-hit"));
    QCOMPARE(r->tasks[0].tries, 1); // the refused setting was no try
    QVERIFY(r->tasks[0].passed);
    QCOMPARE(r->tasks[0].settings, QStringList{u"ttl=2m"_qs});
}

void TestLessonsGui::resumesWhereTheLearnerStopped()
{
    MainWindow lab(m_settings);
    {
        LessonHub hub(&lab, progressPath());
        QVERIFY(!hub.openLesson(entryNamed(QStringLiteral("03-write-invalidates"))));
        LessonWindow *w = hub.lessonWindow();
        w->next(); // the say
        // A result/cache prediction offers the values the key has had, then missing.
        QCOMPARE(text(w, "question"),
                 u"What does the cache hold for user:1 right after the write?"_qs);
        QCOMPARE(button(w, QStringLiteral("choice1"))->text(), u"1   Ann"_qs);
        QCOMPARE(button(w, QStringLiteral("choice3"))->text(), u"3   missing"_qs);
        QTest::keyClick(w, Qt::Key_3);
    } // the learner closes the app here
    LessonHub hub(&lab, progressPath());
    hub.showBrowser();
    QPushButton *resume = button(hub.browser(), QStringLiteral("resumeButton"));
    QVERIFY(resume->isVisible());
    QCOMPARE(resume->text(), u"Resume lesson 3 at step 3"_qs);
    QCOMPARE(hub.browser()->list()->topLevelItem(2)->text(0), u"▶"_qs);
    resume->click();
    LessonWindow *w = hub.lessonWindow();
    QVERIFY(w && w->isVisible());
    QCOMPARE(text(w, "lessonStep"), u"Lesson 3 · step 3 of 9"_qs);
    QCOMPARE(text(w, "question"), u"And the database?"_qs);
    QTest::keyClick(w, Qt::Key_2);
    // The earlier answer counts at the reveal as if never interrupted.
    const QString reveal = text(w, "revealText");
    QVERIFY2(reveal.contains(u"You said: <b>missing</b>"), qPrintable(reveal));
    QCOMPARE(reveal.count(u"Right"), 2);
}

void TestLessonsGui::aPatternTaskOffersOnlyTheAllowedPattern()
{
    MainWindow lab(m_settings);
    LessonHub hub(&lab, progressPath());
    QVERIFY(!hub.openLesson(entryNamed(QStringLiteral("03-write-invalidates"))));
    LessonWindow *w = hub.lessonWindow();
    while (!w->findChild<QComboBox *>(QStringLiteral("pattern"))) {
        w->next();
        w->choose(0);
    }
    auto *pattern = child<QComboBox>(w, QStringLiteral("pattern"));
    QCOMPARE(pattern->count(), 2);
    QCOMPARE(pattern->itemText(0), u"cache-aside"_qs);
    QCOMPARE(pattern->itemText(1), u"write-through"_qs);
    QVERIFY(!w->findChild<QLineEdit *>(QStringLiteral("option:ttl")));
    pattern->setCurrentIndex(1);
    button(w, QStringLiteral("checkButton"))->click();
    QVERIFY2(text(w, "taskResult").contains(u"Passed"), qPrintable(text(w, "taskResult")));
}

void TestLessonsGui::damagedOrForeignRecordsAreRefused()
{
    MainWindow lab(m_settings);
    const QString damaged = m_dir.filePath(QStringLiteral("damaged.json"));
    {
        QFile f(damaged);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"something else\"}");
    }
    LessonHub hub(&lab, progressPath());
    auto opened = hub.browser()->openRecord(damaged);
    QVERIFY(std::holds_alternative<QString>(opened));
    QVERIFY2(std::get<QString>(opened).contains(u"is not a Cache Lab lesson record"),
             qPrintable(std::get<QString>(opened)));
    QVERIFY(std::get<QString>(opened).contains(damaged));

    // A damaged progress file is set aside, and the learner starts afresh.
    QFile::copy(damaged, progressPath());
    LessonHub fresh(&lab, progressPath());
    QVERIFY(fresh.loadProblem().contains(u"is not a Cache Lab lesson record"));
    QVERIFY(fresh.progress().records().isEmpty());
    QVERIFY(QFile::exists(progressPath() + u".damaged"_qs));
}

void TestLessonsGui::aGermanLearnerGetsTheGermanLesson()
{
    QVERIFY(installLanguage(QStringLiteral("de")));
    {
        MainWindow lab(m_settings);
        LessonHub hub(&lab, progressPath());
        hub.install();
        QCOMPARE(hub.lessonsAction()->text(), u"Lektionen"_qs);
        hub.showBrowser();
        QCOMPARE(hub.browser()->list()->topLevelItem(0)->text(2),
                 u"Der erste Lesezugriff verfehlt, der nächste trifft"_qs);
        QVERIFY(!hub.openLesson(hub.browser()->lessons().at(0)));
        LessonWindow *w = hub.lessonWindow();
        QCOMPARE(text(w, "sayText"), u"Die Anwendung fragt zuerst den Cache und nur dann die "
                                     u"Datenbank, wenn der Cache nichts hat."_qs);
        QCOMPARE(button(w, QStringLiteral("nextButton"))->text(), u"Weiter  (Leertaste)"_qs);
        QTest::keyClick(w, Qt::Key_Space);
        QCOMPARE(button(w, QStringLiteral("choice1"))->text(), u"1   Treffer"_qs);
        QTest::keyClick(w, Qt::Key_1);
        QVERIFY(text(w, "revealText").contains(u"Nicht ganz"));
        QVERIFY(text(w, "revealText").contains(u"Tatsächlich: <b>Fehlschlag</b>"));
    }
    QVERIFY(installLanguage(QStringLiteral("en")));
}

QTEST_MAIN(TestLessonsGui)
#include "tst_lessons_gui.moc"
