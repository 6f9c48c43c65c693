// The lesson engine and `cachelab-cli lesson` against LESSONS.md: every error of a file at its
// line, predictions and goals decided by the run (with the message numbers the diagram
// draws), the lint, --answers and --json, and every lesson shipped in resources/lessons.

#include <lesson/lessonrunner.h>
#include <lesson/play.h>
#include <lesson/settings.h>

#include "clirun.h"
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <QTest>

using namespace cachelab;
using namespace Qt::StringLiterals;

namespace {

lesson::Lesson parsed(const QString &text)
{
    auto result = lesson::parse(text, u"t.cls"_s);
    if (auto *e = std::get_if<scenario::ParseError>(&result))
        qFatal("unexpected parse error: %s", qPrintable(e->toString()));
    return std::get<lesson::Lesson>(std::move(result));
}

lesson::LessonReport played(const lesson::Lesson &l,
                            const std::optional<lesson::Answers> &answers = {})
{
    auto result = lesson::play(l, answers);
    if (auto *e = std::get_if<scenario::ParseError>(&result))
        qFatal("unexpected file error: %s", qPrintable(e->toString()));
    return std::get<lesson::LessonReport>(std::move(result));
}

QStringList lessonFiles()
{
    QStringList files;
    const QDir dir(QString::fromUtf8(CACHELAB_LESSON_DIR));
    for (const QString &name : dir.entryList({u"*.cls"_s}, QDir::Files, QDir::Name))
        files.append(dir.filePath(name));
    const QDir de(dir.filePath(u"de"_s));
    for (const QString &name : de.entryList({u"*.cls"_s}, QDir::Files, QDir::Name))
        files.append(de.filePath(name));
    return files;
}

// A lesson with one prediction of each kind around a little cache-aside story.
const QString kEveryKind = uR"(lesson Every kind
pattern cache-aside ttl=1h
db put user:1 Ann
predict hit Will A's read hit?
read user:1
reveal
predict result What will A read after another system changes the row?
predict stale Will it be stale?
predict metric db.reads How many database reads?
db put user:1 Bob
read user:1
reveal
predict cache user:1 What does the cache hold?
predict db user:1 And the database?
write user:1 Cid
reveal
)"_s;

bool writeText(const QString &path, const QString &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(text.toUtf8()) == text.toUtf8().size();
}

} // namespace

class TestLessons : public QObject
{
    Q_OBJECT

private slots:
    void parsesTheModel();
    void fileErrors_data();
    void fileErrors();
    void undecidableRevealIsAFileError();
    void predictionsOfEveryKind();
    void breakerAndQueuePredictions();
    void decidedByNumbersAsDrawn();
    void answersAreJudged();
    void failedGoalHasActualAndMessages();
    void checkGoesOnInTheSolvedLab();
    void hintsOneAtATime();
    void lintCatchesBadTasks();
    void settingsAreChecked();

    void cliJsonShape();
    void cliAnswers();
    void cliInvalidAnswers_data();
    void cliInvalidAnswers();
    void cliRunPlaysLessonAsScenario();
    void cliSummarySaysCountsInWords();

    void curriculumIsComplete();
    void shippedLessonPasses_data();
    void shippedLessonPasses();
    void wrongAnswersAreReportedWrong_data();
    void wrongAnswersAreReportedWrong();
    void germanLessonsRunTheSameLab();

private:
    QTemporaryDir m_dir;
};

void TestLessons::parsesTheModel()
{
    const lesson::Lesson l = parsed(uR"(lesson Title here
pattern cache-aside
clients 2
say Hello
as B predict hit Will B hit?
as B read user:1
reveal
task Do it
allow option ttl single-flight
allow latency db
read user:1
as B goal result missing
hint first
hint second
solution ttl=5s
solution latency db-read=10ms
end task
)"_s);
    QCOMPARE(l.title, u"Title here"_s);
    QCOMPARE(l.says.size(), 1);
    QCOMPARE(l.says[0].line, 4);
    QCOMPARE(l.predictions.size(), 1);
    QCOMPARE(l.predictions[0].client, 1);
    QCOMPARE(l.predictions[0].question, u"Will B hit?"_s);
    QCOMPARE(l.predictions[0].revealLine, 7);
    QCOMPARE(l.tasks.size(), 1);
    const lesson::Task &t = l.tasks[0];
    QCOMPARE(t.line, 8);
    QCOMPARE(t.endLine, 17);
    QCOMPARE(t.allow.options, (QStringList{u"ttl"_s, u"single-flight"_s}));
    QCOMPARE(t.allow.latencyParts, QStringList{u"db"_s});
    QCOMPARE(t.goals.size(), 1);
    QCOMPARE(t.goals[0].line, 12);
    QCOMPARE(t.goals[0].text, u"result missing"_s);
    QCOMPARE(t.hints, (QStringList{u"first"_s, u"second"_s}));
    QCOMPARE(t.solution.size(), 2);
    // Steps in file order; the goal is an expectation of client B inside the task.
    QList<int> lines;
    for (const lesson::Step &s : l.steps)
        lines.append(s.line);
    QCOMPARE(lines, (QList<int>{4, 5, 6, 7, 8, 11, 12}));
    const lesson::Step &goal = l.steps.constLast();
    QVERIFY(goal.goal);
    QCOMPARE(goal.task, 0);
    const scenario::Command &c = l.scenario.commands[goal.index];
    QCOMPARE(c.type, scenario::Command::Type::Expect);
    QCOMPARE(c.client, 1);
    QVERIFY(c.expect.missing);
}

void TestLessons::fileErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");

    const QString head = u"lesson L\npattern cache-aside\n"_s;
    const QString task = u"task T\nread k\ngoal result missing\nsolution ttl=5s\n"_s;
    // Scenario errors keep their lines inside a lesson.
    QTest::newRow("scenario error") << head + u"read k\nwait 5 seconds\n"_s << 4 << u"duration"_s;
    QTest::newRow("no lesson line") << u"pattern cache-aside\nsay x\n"_s << 1 << u"lesson TITLE"_s;
    QTest::newRow("lesson twice") << head + u"lesson Again\n"_s << 3 << u"already"_s;
    QTest::newRow("lesson after pattern")
        << u"pattern cache-aside\nlesson L\n"_s << 2 << u"before the pattern"_s;
    QTest::newRow("lesson without title") << u"lesson\npattern cache-aside\n"_s << 1 << u"title"_s;
    QTest::newRow("setup after say")
        << head + u"say hi\nclients 2\n"_s << 4 << u"before the first operation"_s;
    QTest::newRow("say without text") << head + u"say\n"_s << 3 << u"say TEXT"_s;
    QTest::newRow("unknown kind") << head + u"predict speed Fast?\n"_s << 3 << u"speed"_s;
    QTest::newRow("no question") << head + u"predict hit\n"_s << 3 << u"question"_s;
    QTest::newRow("metric with as")
        << head + u"predict metric as B db.reads N?\n"_s << 3 << u"no client"_s;
    QTest::newRow("unknown metric") << head + u"predict metric speed N?\n"_s << 3 << u"speed"_s;
    QTest::newRow("cache without key") << head + u"predict cache\n"_s << 3 << u"key"_s;
    QTest::newRow("missing client")
        << head + u"predict hit as C Hit?\nread k\nreveal\n"_s << 3 << u"client C"_s;
    QTest::newRow("never revealed")
        << head + u"read k\npredict hit Hit?\nread k\n"_s << 4 << u"never revealed"_s;
    QTest::newRow("reveal without prediction") << head + u"reveal\n"_s << 3 << u"no open"_s;
    QTest::newRow("unrevealed before task")
        << head + u"predict hit Hit?\nread k\n"_s + task + u"end task\n"_s << 5
        << u"line 3 must be revealed"_s;
    QTest::newRow("goal outside task")
        << head + u"goal result missing\n"_s << 3 << u"inside a task"_s;
    QTest::newRow("hint outside task") << head + u"hint x\n"_s << 3 << u"inside a task"_s;
    QTest::newRow("allow outside task")
        << head + u"allow option ttl\n"_s << 3 << u"inside a task"_s;
    QTest::newRow("solution outside task")
        << head + u"solution ttl=5s\n"_s << 3 << u"inside a task"_s;
    QTest::newRow("solution not allowed")
        << head + task + u"end task\n"_s << 6 << u"does not allow changing ttl"_s;
    QTest::newRow("solution pattern not allowed")
        << head +
               u"task T\nread k\ngoal result missing\nallow option ttl\nsolution pattern around\nend task\n"_s
        << 7 << u"does not allow the pattern around"_s;
    QTest::newRow("solution option the pattern lacks")
        << head +
               u"task T\nread k\ngoal result missing\nallow option batch\nsolution batch=5\nend task\n"_s
        << 6 << u"batch"_s;
    QTest::newRow("solution malformed")
        << head + u"task T\nsolution ttl\n"_s << 4 << u"not an option setting"_s;
    QTest::newRow("task without end") << head + u"task T\nread k\n"_s << 3 << u"end task"_s;
    QTest::newRow("end without task") << head + u"end task\n"_s << 3 << u"without a task"_s;
    QTest::newRow("task without goal")
        << head + u"task T\nallow option ttl\nsolution ttl=5s\nend task\n"_s << 6 << u"no goal"_s;
    QTest::newRow("task without solution")
        << head + u"task T\ngoal result missing\nend task\n"_s << 5 << u"no solution"_s;
    QTest::newRow("task in task") << head + u"task T\ntask U\n"_s << 4 << u"inside a task"_s;
    QTest::newRow("predict in task")
        << head + u"task T\npredict hit Hit?\n"_s << 4 << u"inside a task"_s;
    // Of a goal that cannot be read and a solution that is not allowed, the earlier line.
    QTest::newRow("bad goal") << head +
                                     u"task T\ngoal metric speed = 1\nsolution ttl=5s\nend task\n"_s
                              << 4 << u"speed"_s;
    QTest::newRow("allow unknown option")
        << head +
               u"task T\nallow option speed\nread k\ngoal result missing\nsolution speed=1\nend task\n"_s
        << 4 << u"speed"_s;
}

void TestLessons::fileErrors()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(QString, message);
    auto result = lesson::parse(text, u"t.cls"_s);
    const auto *e = std::get_if<scenario::ParseError>(&result);
    QVERIFY2(e, "the file parsed");
    QVERIFY2(e->line == line && e->message.contains(message), qPrintable(e->toString()));
    QVERIFY(e->toString().startsWith(u"t.cls:%1: "_s.arg(line)));

    // The CLI reports it as FILE:LINE and runs nothing.
    const QString path = m_dir.filePath(u"bad.cls"_s);
    QVERIFY(writeText(path, text));
    const CliRun run = runCli({u"lesson"_s, path});
    VERIFY_RUN(run, 2);
    QVERIFY2(run.err.startsWith(u"%1:%2: "_s.arg(path).arg(line).toUtf8()),
             qPrintable(run.describe()));
    QVERIFY(run.out.isEmpty());
}

void TestLessons::undecidableRevealIsAFileError()
{
    // The read is only spawned: nothing has completed when the reveal comes.
    const QString text =
        u"lesson L\npattern cache-aside\npredict hit Hit?\nspawn read k\nreveal\n"_s;
    const lesson::Lesson l = parsed(text);
    auto result = lesson::play(l, std::nullopt);
    const auto *e = std::get_if<scenario::ParseError>(&result);
    QVERIFY(e);
    QCOMPARE(e->line, 5);
    QVERIFY2(e->message.contains(u"line 3"_s), qPrintable(e->message));

    const QString path = m_dir.filePath(u"undecidable.cls"_s);
    QVERIFY(writeText(path, text));
    const CliRun run = runCli({u"lesson"_s, path, u"--json"_s});
    VERIFY_RUN(run, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY(run.err.startsWith(u"%1:5: "_s.arg(path).toUtf8()));
}

void TestLessons::predictionsOfEveryKind()
{
    const lesson::LessonReport r = played(parsed(kEveryKind));
    QCOMPARE(r.predictions.size(), 6);
    const auto truth = [&](int i) { return r.predictions[i].truth; };
    QCOMPARE(truth(0), u"miss"_s);
    QCOMPARE(r.predictions[0].choices, (QStringList{u"hit"_s, u"miss"_s}));
    // The cache still holds Ann: the read returns it, and it is stale.
    QCOMPARE(truth(1), u"Ann"_s);
    QCOMPARE(r.predictions[1].choices, (QStringList{u"Ann"_s, u"Bob"_s, u"missing"_s}));
    QCOMPARE(truth(2), u"yes"_s);
    QCOMPARE(truth(3), u"0"_s);
    QVERIFY(r.predictions[3].choices.isEmpty());
    // Cache-aside's write deletes the key; the database has the new row.
    QCOMPARE(truth(4), u"missing"_s);
    QCOMPARE(truth(5), u"Cid"_s);
    QCOMPARE(r.predictions[5].choices, (QStringList{u"Ann"_s, u"Bob"_s, u"Cid"_s, u"missing"_s}));
    for (const lesson::PredictionOutcome &o : r.predictions) {
        QVERIFY(!o.answer);
        QVERIFY(!o.correct);
        QVERIFY2(!o.decidedBy.isEmpty(), qPrintable(QString::number(o.prediction)));
    }
}

void TestLessons::breakerAndQueuePredictions()
{
    const lesson::LessonReport breaker = played(parsed(uR"(lesson B
pattern circuit-breaker failures=2 open-timeout=10s
db put k v
fail cache
read k
predict breaker State?
read k
reveal
predict breaker And later?
wait 10s
reveal
)"_s));
    QCOMPARE(breaker.predictions[0].truth, u"open"_s);
    QCOMPARE(breaker.predictions[1].truth, u"half-open"_s);
    QCOMPARE(breaker.predictions[0].choices, (QStringList{u"closed"_s, u"open"_s, u"half-open"_s}));

    const lesson::LessonReport queue = played(parsed(uR"(lesson Q
pattern write-behind flush=10s
clients 2
predict queue as B How many?
as B write a 1
as B write b 2
reveal
predict queue as B And after the flush?
wait 11s
reveal
)"_s));
    QCOMPARE(queue.predictions[0].truth, u"2"_s);
    QCOMPARE(queue.predictions[1].truth, u"0"_s);
    QCOMPARE(queue.predictions[0].decidedBy.size(), 2); // the two enqueues
}

void TestLessons::decidedByNumbersAsDrawn()
{
    // The diagram numbers every message, notes included, by its trace id: 1. is the note of
    // `db put`, 2. the GET, 3. its miss, … The numbers must name those very messages.
    const lesson::Lesson l = parsed(kEveryKind);
    lesson::LessonRunner r(l);
    QList<lesson::PredictionOutcome> outcomes;
    while (!r.finished()) {
        r.runToStop();
        if (r.finished())
            break;
        const lesson::Step step = *r.next();
        r.begin();
        if (step.type == lesson::Step::Type::Reveal)
            outcomes += r.revealed();
    }
    const QList<TraceEvent> events = r.lab().trace().events();
    const auto event = [&](quint64 id) {
        for (const TraceEvent &e : events)
            if (e.id == id)
                return e;
        qFatal("no message %llu", id);
    };
    QCOMPARE(outcomes[0].decidedBy, (QList<quint64>{2, 3}));
    QCOMPARE(event(1).kind, EventKind::Note);
    QCOMPARE(event(2).verb, Verb::Get);
    QCOMPARE(event(3).verb, Verb::Miss);
    // The result: the cache's hit that carried Ann, and the read's own answer (stale).
    const QList<quint64> &result = outcomes[1].decidedBy;
    QCOMPARE(result.size(), 2);
    QCOMPARE(event(result[0]).verb, Verb::Hit);
    QCOMPARE(event(result[0]).value, QByteArray("Ann"));
    QVERIFY(event(result[1]).flags & Stale);
    QCOMPARE(outcomes[2].decidedBy, result);
    // db user:1 = Cid: the UPSERT and its commit.
    const QList<quint64> &db = outcomes[5].decidedBy;
    QCOMPARE(db.size(), 2);
    QCOMPARE(event(db[0]).verb, Verb::Upsert);
    QCOMPARE(event(db[1]).verb, Verb::Committed);
    // cache user:1 missing: the DEL that removed it.
    QCOMPARE(event(outcomes[4].decidedBy[0]).verb, Verb::Del);
}

void TestLessons::answersAreJudged()
{
    const lesson::Lesson l = parsed(kEveryKind);
    lesson::Answers answers;
    answers.predictions = {u"miss"_s, u"Bob"_s, u"YES"_s, std::nullopt, u"missing"_s, u"Cid"_s};
    const lesson::LessonReport r = played(l, answers);
    QCOMPARE(r.predictions.size(), 6);
    QVERIFY(r.predictions[0].correct);
    QVERIFY(!r.predictions[1].correct); // Bob is in the database, but the cache answered
    QCOMPARE(*r.predictions[1].answer, u"Bob"_s);
    QVERIFY(r.predictions[2].correct); // words are read without case
    QVERIFY(!r.predictions[3].answer);
    QVERIFY(!r.predictions[3].correct);
    QVERIFY(r.predictions[4].correct);
    QVERIFY(r.predictions[5].correct);
}

const QString kTtlTask = uR"(lesson T
pattern cache-aside ttl=1h
db put k old
read k
db put k new
task Make the read see new.
allow option ttl
wait 10s
read k
goal result = new
goal metric db.reads = 2
hint one
hint two
solution ttl=5s
end task
read k
expect result = new
)"_s;

void TestLessons::failedGoalHasActualAndMessages()
{
    const lesson::Lesson l = parsed(kTtlTask);
    lesson::LessonRunner r(l);
    r.runToStop();
    r.begin(); // the task
    QVERIFY(r.atTask());
    const lesson::TaskOutcome out = r.check({});
    QVERIFY(!out.passed);
    QCOMPARE(out.failures.size(), 2);
    const lesson::GoalFailure &first = out.failures[0];
    QCOMPARE(first.line, 10);
    QCOMPARE(first.text, u"result = new"_s);
    QCOMPARE(first.actual, u"\"old\""_s);
    // The hit that brought "old" back, and the read's answer.
    QCOMPARE(first.messages.size(), 2);
    QCOMPARE(out.failures[1].actual, u"1"_s);
    QVERIFY(r.atTask()); // a failed check leaves the lesson where it was
    const QList<TraceEvent> events = r.lab().trace().events();
    QVERIFY(!events.isEmpty());
}

void TestLessons::checkGoesOnInTheSolvedLab()
{
    const lesson::Lesson l = parsed(kTtlTask);
    lesson::LessonRunner r(l);
    int labChanges = 0;
    r.setLabListener([&] { ++labChanges; });
    r.runToStop();
    r.begin();
    lesson::Setting ttl;
    QVERIFY(!lesson::parseSetting(u"ttl=2s", ttl));
    const lesson::TaskOutcome out = r.check({ttl});
    QVERIFY2(out.passed, out.failures.isEmpty() ? "" : qPrintable(out.failures[0].actual));
    QVERIFY(!r.atTask());
    QCOMPARE(labChanges, 1);
    QCOMPARE(r.settings().size(), 1);
    QCOMPARE(r.lab().config().options.ttl, 2 * kSecond);
    // The lab on show is the checked one: 10 s have passed in it.
    QVERIFY(r.lab().now() >= 10 * kSecond);
    while (!r.finished()) {
        r.runToStop();
        r.begin();
    }
    QCOMPARE(r.expectationsPassed(), 1);
    QVERIFY(r.expectationFailures().isEmpty());
}

void TestLessons::hintsOneAtATime()
{
    lesson::LessonRunner r(parsed(kTtlTask));
    r.runToStop();
    r.begin();
    QCOMPARE(r.check({}).hint, u"one"_s);
    QCOMPARE(r.check({}).hint, u"two"_s);
    QCOMPARE(r.check({}).hint, QString());
    QVERIFY(r.showSolution().passed);
    QVERIFY(!r.atTask());
}

void TestLessons::lintCatchesBadTasks()
{
    // Passes untouched: the read after 10 s goes to the database anyway.
    const lesson::LessonReport untouched = played(parsed(uR"(lesson L
pattern cache-aside ttl=1s
db put k v
task Nothing to do.
allow option ttl
read k
goal result = v
solution ttl=5s
end task
)"_s));
    QCOMPARE(untouched.tasks.size(), 1);
    QVERIFY(untouched.tasks[0].solutionPasses);
    QVERIFY(!untouched.tasks[0].untouchedFails);
    QVERIFY(!untouched.tasks[0].passed);
    QVERIFY(!untouched.ok());

    // A solution that does not make the goal hold.
    const lesson::LessonReport wrong = played(parsed(uR"(lesson L
pattern cache-aside ttl=1h
db put k v
task Impossible.
allow option ttl
read k
goal result = w
solution ttl=5s
end task
)"_s));
    QVERIFY(!wrong.tasks[0].solutionPasses);
    QVERIFY(wrong.tasks[0].untouchedFails);
    QCOMPARE(wrong.tasks[0].solutionFailures.size(), 1);
    QCOMPARE(wrong.tasks[0].solutionFailures[0].actual, u"\"v\""_s);
    QVERIFY(!wrong.ok());

    const lesson::LessonReport good = played(parsed(kTtlTask));
    QVERIFY(good.tasks[0].passed && good.tasks[0].solutionPasses && good.tasks[0].untouchedFails);
    QVERIFY(good.ok());
    QCOMPARE(good.expectationsPassed, 1);
}

void TestLessons::settingsAreChecked()
{
    lesson::Setting s;
    QVERIFY(!lesson::parseSetting(u"single-flight=on ttl=5s", s));
    QCOMPARE(s.kind, lesson::Setting::Kind::Options);
    QCOMPARE(s.options.size(), 2);
    QVERIFY(!lesson::parseSetting(u"latency db-read=20ms cache=2ms", s));
    QCOMPARE(s.kind, lesson::Setting::Kind::Latency);
    QVERIFY(lesson::parseSetting(u"latency db-read=fast", s));
    QVERIFY(lesson::parseSetting(u"clients 0", s));
    QVERIFY(lesson::parseSetting(u"pattern nonsense", s));

    lesson::Allowance allow;
    allow.latencyParts = {u"db"_s};
    QVERIFY(!lesson::parseSetting(u"latency db-read=20ms", s));
    QVERIFY(!lesson::checkAllowed(s, allow)); // `db` covers both of its halves
    QVERIFY(!lesson::parseSetting(u"latency cache=2ms", s));
    QVERIFY(lesson::checkAllowed(s, allow));

    // `clients N` may not drop a client the commands use.
    scenario::Scenario sc =
        parsed(u"lesson L\npattern cache-aside\nclients 3\nas C read k\n"_s).scenario;
    QVERIFY(!lesson::parseSetting(u"clients 2", s));
    QVERIFY(lesson::applySettings(sc, {s}));
    QCOMPARE(sc.clients, 3);
    // A pattern setting applies before the options that need it, whatever their order.
    lesson::Setting batch;
    lesson::Setting pattern;
    QVERIFY(!lesson::parseSetting(u"batch=5", batch));
    QVERIFY(!lesson::parseSetting(u"pattern write-behind", pattern));
    QVERIFY(!lesson::applySettings(sc, {batch, pattern}));
    QCOMPARE(sc.pattern, PatternKind::WriteBehind);
    QCOMPARE(sc.options.batch, 5);
}

void TestLessons::cliJsonShape()
{
    const QString path = m_dir.filePath(u"shape.cls"_s);
    QVERIFY(writeText(path, kEveryKind + u"task T\nallow option ttl\nwait 2h\nread user:1\n"
                                         u"goal result = Cid\nsolution ttl=1h\nend task\n"_s));
    // The write emptied the cache, so the task passes untouched: the lint fails, exit 1.
    const CliRun run = runCli({u"lesson"_s, path, u"--json"_s});
    VERIFY_RUN(run, 1);
    const QJsonObject json = run.json();
    QCOMPARE(json.keys(),
             (QStringList{u"expectations"_s, u"lesson"_s, u"predictions"_s, u"tasks"_s}));
    QCOMPARE(json[u"lesson"].toString(), u"Every kind"_s);
    const QJsonArray predictions = json[u"predictions"].toArray();
    QCOMPARE(predictions.size(), 6);
    const QJsonObject hit = predictions[0].toObject();
    QCOMPARE(hit.keys(),
             (QStringList{u"answer"_s, u"choices"_s, u"client"_s, u"correct"_s, u"decided_by"_s,
                          u"kind"_s, u"line"_s, u"question"_s, u"truth"_s}));
    QCOMPARE(hit[u"line"].toInt(), 4);
    QCOMPARE(hit[u"kind"].toString(), u"hit"_s);
    QCOMPARE(hit[u"client"].toString(), u"A"_s);
    QVERIFY(hit[u"answer"].isNull());
    QCOMPARE(hit[u"truth"].toString(), u"miss"_s);
    QCOMPARE(hit[u"correct"].toBool(), false);
    QCOMPARE(hit[u"decided_by"].toArray(), (QJsonArray{2, 3}));
    const QJsonObject metric = predictions[3].toObject();
    QCOMPARE(metric[u"kind"].toString(), u"metric"_s);
    QCOMPARE(metric[u"name"].toString(), u"db.reads"_s);
    QVERIFY(metric[u"client"].isNull());
    QVERIFY(!metric.contains(u"choices"));
    const QJsonObject cache = predictions[4].toObject();
    QCOMPARE(cache[u"key"].toString(), u"user:1"_s);
    QVERIFY(cache[u"client"].isNull());

    const QJsonObject task = json[u"tasks"].toArray()[0].toObject();
    QCOMPARE(task.keys(), (QStringList{u"failed_goals"_s, u"line"_s, u"passed"_s,
                                       u"solution_passes"_s, u"text"_s, u"untouched_fails"_s}));
    QCOMPARE(task[u"line"].toInt(), 17);
    QCOMPARE(task[u"text"].toString(), u"T"_s);
    QCOMPARE(task[u"solution_passes"].toBool(), true);
    QCOMPARE(task[u"untouched_fails"].toBool(), false);
    QCOMPARE(task[u"passed"].toBool(), false);
    const QJsonObject expectations = json[u"expectations"].toObject();
    QCOMPARE(expectations.keys(), (QStringList{u"failed"_s, u"failures"_s, u"passed"_s}));
}

void TestLessons::cliAnswers()
{
    const QString path = m_dir.filePath(u"answers.cls"_s);
    QVERIFY(writeText(path, kTtlTask));
    const QString answers = m_dir.filePath(u"answers.json"_s);

    // The learner's right setting passes the task.
    QVERIFY(writeText(answers, uR"({"predictions": [], "tasks": [["ttl=3s"]]})"_s));
    CliRun run = runCli({u"lesson"_s, path, u"--answers"_s, answers, u"--json"_s});
    VERIFY_RUN(run, 0);
    QJsonObject task = run.json()[u"tasks"].toArray()[0].toObject();
    QVERIFY(task[u"passed"].toBool());
    QVERIFY(task[u"failed_goals"].toArray().isEmpty());

    // A wrong one fails it, with the goals that failed; the lesson then goes on with the
    // author's solution, so the `expect` after the task still holds.
    QVERIFY(writeText(answers, uR"({"tasks": [["ttl=30s"]]})"_s));
    run = runCli({u"lesson"_s, path, u"--answers"_s, answers, u"--json"_s});
    VERIFY_RUN(run, 1);
    task = run.json()[u"tasks"].toArray()[0].toObject();
    QVERIFY(!task[u"passed"].toBool());
    QVERIFY(task[u"solution_passes"].toBool());
    const QJsonArray failed = task[u"failed_goals"].toArray();
    QCOMPARE(failed.size(), 2);
    QCOMPARE(failed[0].toObject()[u"line"].toInt(), 10);
    QCOMPARE(failed[0].toObject()[u"actual"].toString(), u"\"old\""_s);
    QCOMPARE(failed[0].toObject()[u"text"].toString(), u"result = new"_s);
    QCOMPARE(run.json()[u"expectations"].toObject()[u"passed"].toInt(), 1);

    // null: untouched, and so failed.
    QVERIFY(writeText(answers, uR"({"tasks": [null]})"_s));
    run = runCli({u"lesson"_s, path, u"--answers"_s, answers, u"--json"_s});
    VERIFY_RUN(run, 1);
    QVERIFY(!run.json()[u"tasks"].toArray()[0].toObject()[u"passed"].toBool());

    // Predictions: right, wrong and unanswered.
    const QString every = m_dir.filePath(u"every.cls"_s);
    QVERIFY(writeText(every, kEveryKind));
    QVERIFY(writeText(answers, uR"({"predictions": ["miss", "Bob", null, "0"]})"_s));
    run = runCli({u"lesson"_s, every, u"--answers"_s, answers, u"--json"_s});
    VERIFY_RUN(run, 0); // predictions decide nothing about the exit status
    const QJsonArray p = run.json()[u"predictions"].toArray();
    QCOMPARE(p[0].toObject()[u"correct"].toBool(), true);
    QCOMPARE(p[1].toObject()[u"correct"].toBool(), false);
    QCOMPARE(p[1].toObject()[u"answer"].toString(), u"Bob"_s);
    QVERIFY(p[2].toObject()[u"answer"].isNull());
    QCOMPARE(p[3].toObject()[u"correct"].toBool(), true);
    QVERIFY(p[5].toObject()[u"answer"].isNull());
}

void TestLessons::cliInvalidAnswers_data()
{
    QTest::addColumn<QString>("answers");
    QTest::addColumn<QString>("message");
    QTest::newRow("not allowed") << uR"({"tasks": [["single-flight=on"]]})"_s
                                 << u"does not allow changing single-flight"_s;
    QTest::newRow("not allowed latency")
        << uR"({"tasks": [["latency db=1ms"]]})"_s << u"latency db"_s;
    QTest::newRow("malformed setting") << uR"({"tasks": [["ttl"]]})"_s << u"ttl"_s;
    QTest::newRow("bad value") << uR"({"tasks": [["ttl=soon"]]})"_s << u"soon"_s;
    QTest::newRow("too many tasks") << uR"({"tasks": [null, null]})"_s << u"tasks"_s;
    QTest::newRow("not json") << u"{predictions"_s << u"not JSON"_s;
    QTest::newRow("wrong types") << uR"({"tasks": "ttl=5s"})"_s << u"arrays"_s;
}

void TestLessons::cliInvalidAnswers()
{
    QFETCH(QString, answers);
    QFETCH(QString, message);
    const QString path = m_dir.filePath(u"invalid.cls"_s);
    QVERIFY(writeText(path, kTtlTask));
    const QString file = m_dir.filePath(u"invalid.json"_s);
    QVERIFY(writeText(file, answers));
    const CliRun run = runCli({u"lesson"_s, path, u"--answers"_s, file});
    VERIFY_RUN(run, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(QString::fromUtf8(run.err).contains(message), qPrintable(run.describe()));
}

void TestLessons::cliSummarySaysCountsInWords()
{
    // One task is "1 of 1 task", not "1 of 1 task(s)": plurals come from the catalogues.
    const QString path = m_dir.filePath(u"summary.cls"_s);
    QVERIFY(writeText(path, kTtlTask));
    CliRun run = runCli({u"lesson"_s, path});
    VERIFY_RUN(run, 0);
    QVERIFY2(run.out.endsWith(": 1 of 1 task passed, 1 expectation held, 0 failed\n"),
             qPrintable(run.describe()));
    run = runCli({u"--lang"_s, u"de"_s, u"lesson"_s, path});
    VERIFY_RUN(run, 0);
    QVERIFY2(run.out.endsWith(
                 QString(u": 1 von 1 Aufgabe bestanden, 1 Erwartung erfüllt, 0 nicht erfüllt\n"_s)
                     .toUtf8()),
             qPrintable(run.describe()));
}

void TestLessons::cliRunPlaysLessonAsScenario()
{
    const QString path = m_dir.filePath(u"asscenario.cls"_s);
    QVERIFY(writeText(path, kTtlTask));
    const QString mermaid = m_dir.filePath(u"asscenario.mmd"_s);
    const CliRun run = runCli({u"run"_s, path, u"--json"_s, u"--mermaid"_s, mermaid});
    VERIFY_RUN(run, 0);
    // Both goals and the expect, with the solution's settings.
    const QJsonObject expectations = run.json()[u"expectations"].toObject();
    QCOMPARE(expectations[u"passed"].toInt(), 3);
    QCOMPARE(expectations[u"failed"].toInt(), 0);
    // The lab that goes on is the one the task was checked in: its reads at 0 s and 10 s
    // went to the database, the last one hit.
    QCOMPARE(run.json()[u"metrics"].toObject()[u"db.reads"].toInt(), 2);
    QFile diagram(mermaid);
    QVERIFY(diagram.open(QIODevice::ReadOnly));
    QVERIFY(diagram.readAll().startsWith("sequenceDiagram"));

    // A solution that fails makes the run fail at the goal's line.
    QString broken = kTtlTask;
    broken.replace(u"solution ttl=5s"_s, u"solution ttl=30s"_s);
    QVERIFY(writeText(path, broken));
    const CliRun failing = runCli({u"run"_s, path});
    VERIFY_RUN(failing, 1);
    QVERIFY2(failing.out.contains(u"%1:10: expected result = new"_s.arg(path).toUtf8()),
             qPrintable(failing.describe()));
}

void TestLessons::curriculumIsComplete()
{
    const QStringList files = lessonFiles();
    const QStringList english = files.filter(QRegularExpression(u"lessons/\\d\\d-[^/]*$"_s));
    QVERIFY2(english.size() >= 16, qPrintable(files.join(u'\n')));
    // Every pattern whose textbook code makes a mistake has a lesson that runs it and fixes it.
    QSet<QString> textbookPatterns;
    for (const QString &path : english) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        static const QRegularExpression line(u"^pattern (\\S+) .*textbook=on"_s,
                                             QRegularExpression::MultilineOption);
        const auto match = line.match(text);
        if (match.hasMatch() && text.contains(u"solution textbook=off"))
            textbookPatterns.insert(match.captured(1));
    }
    QCOMPARE(textbookPatterns,
             (QSet<QString>{u"write-through"_s, u"write-behind"_s, u"refresh-ahead"_s, u"around"_s,
                            u"multi-level"_s, u"circuit-breaker"_s}));
    QCOMPARE(files.size(), english.size() * 2);
    for (const QString &path : files) {
        auto result = lesson::parseFile(path);
        const auto *e = std::get_if<scenario::ParseError>(&result);
        QVERIFY2(!e, e ? qPrintable(e->toString()) : "");
        const lesson::Lesson &l = std::get<lesson::Lesson>(result);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(file.readLine().startsWith("lesson "), qPrintable(path));
        QVERIFY2(l.predictions.size() >= 2, qPrintable(path));
        QVERIFY2(!l.tasks.isEmpty(), qPrintable(path));
    }
}

void TestLessons::shippedLessonPasses_data()
{
    QTest::addColumn<QString>("path");
    for (const QString &path : lessonFiles())
        QTest::newRow(
            qPrintable(QDir(QString::fromUtf8(CACHELAB_LESSON_DIR)).relativeFilePath(path)))
            << path;
}

void TestLessons::shippedLessonPasses()
{
    QFETCH(QString, path);
    const CliRun run = runCli({u"lesson"_s, path, u"--json"_s});
    VERIFY_RUN(run, 0);
    for (const QJsonValue t : run.json()[u"tasks"].toArray()) {
        QVERIFY(t[u"solution_passes"].toBool());
        QVERIFY(t[u"untouched_fails"].toBool());
    }
    // And as a scenario: every task with its solution, every goal holding.
    const CliRun asScenario = runCli({u"run"_s, path});
    VERIFY_RUN(asScenario, 0);
}

void TestLessons::wrongAnswersAreReportedWrong_data()
{
    shippedLessonPasses_data();
}

void TestLessons::wrongAnswersAreReportedWrong()
{
    QFETCH(QString, path);
    const CliRun first = runCli({u"lesson"_s, path, u"--json"_s});
    VERIFY_RUN(first, 0);
    const QJsonArray predictions = first.json()[u"predictions"].toArray();

    // A wrong answer for each prediction: another choice, or another number.
    QJsonArray wrong;
    for (const QJsonValue p : predictions) {
        const QString truth = p[u"truth"].toString();
        QString answer = QString::number(truth.toLongLong() + 1);
        for (const QJsonValue c : p[u"choices"].toArray()) {
            if (c.toString() != truth) {
                answer = c.toString();
                break;
            }
        }
        QVERIFY2(answer != truth, qPrintable(truth));
        wrong.append(answer);
    }
    QJsonArray untouched;
    for (qsizetype i = 0; i < first.json()[u"tasks"].toArray().size(); ++i)
        untouched.append(QJsonValue::Null);
    const QString answers = m_dir.filePath(u"wrong.json"_s);
    QVERIFY(writeText(
        answers, QString::fromUtf8(
                     QJsonDocument(QJsonObject{{u"predictions"_s, wrong}, {u"tasks"_s, untouched}})
                         .toJson())));
    const CliRun run = runCli({u"lesson"_s, path, u"--answers"_s, answers, u"--json"_s});
    VERIFY_RUN(run, 1);
    const QJsonArray judged = run.json()[u"predictions"].toArray();
    QCOMPARE(judged.size(), predictions.size());
    for (const QJsonValue p : judged) {
        const QString where = u"line %1"_s.arg(p[u"line"].toInt());
        QVERIFY2(!p[u"correct"].toBool(), qPrintable(where));
        QVERIFY2(p[u"answer"].toString() != p[u"truth"].toString(), qPrintable(where));
        QVERIFY2(!p[u"decided_by"].toArray().isEmpty(), qPrintable(where));
    }
    for (const QJsonValue t : run.json()[u"tasks"].toArray()) {
        const QString where = u"task on line %1"_s.arg(t[u"line"].toInt());
        QVERIFY2(!t[u"passed"].toBool(), qPrintable(where));
        const QJsonArray failed = t[u"failed_goals"].toArray();
        QVERIFY2(!failed.isEmpty(), qPrintable(where));
        const QJsonObject goal = failed[0].toObject();
        QVERIFY(goal[u"line"].toInt() > t[u"line"].toInt());
        QVERIFY(!goal[u"actual"].toString().isEmpty());
        QVERIFY2(!goal[u"messages"].toArray().isEmpty(), qPrintable(where));
    }

    // The right answers, the other way round, are all right.
    QJsonArray right;
    for (const QJsonValue p : predictions)
        right.append(p[u"truth"].toString());
    QVERIFY(writeText(
        answers,
        QString::fromUtf8(QJsonDocument(QJsonObject{{u"predictions"_s, right}}).toJson())));
    const CliRun rightRun = runCli({u"lesson"_s, path, u"--answers"_s, answers, u"--json"_s});
    VERIFY_RUN(rightRun, 1); // the tasks are untouched
    for (const QJsonValue p : rightRun.json()[u"predictions"].toArray())
        QVERIFY2(p[u"correct"].toBool(), qPrintable(QString::number(p[u"line"].toInt())));
}

void TestLessons::germanLessonsRunTheSameLab()
{
    const QDir dir(QString::fromUtf8(CACHELAB_LESSON_DIR));
    for (const QString &name : dir.entryList({u"*.cls"_s}, QDir::Files, QDir::Name)) {
        const auto en = lesson::parseFile(dir.filePath(name));
        const auto de = lesson::parseFile(dir.filePath(u"de/"_s + name));
        QVERIFY2(std::holds_alternative<lesson::Lesson>(de), qPrintable(name));
        const lesson::Lesson &a = std::get<lesson::Lesson>(en);
        const lesson::Lesson &b = std::get<lesson::Lesson>(de);
        QVERIFY2(a.title != b.title, qPrintable(name));
        QCOMPARE(a.scenario.pattern, b.scenario.pattern);
        QCOMPARE(a.scenario.clients, b.scenario.clients);
        QCOMPARE(a.scenario.commands.size(), b.scenario.commands.size());
        for (qsizetype i = 0; i < a.scenario.commands.size(); ++i)
            QCOMPARE(a.scenario.commands[i].text, b.scenario.commands[i].text);
        QCOMPARE(a.predictions.size(), b.predictions.size());
        for (qsizetype i = 0; i < a.predictions.size(); ++i) {
            QCOMPARE(a.predictions[i].kind, b.predictions[i].kind);
            QCOMPARE(a.predictions[i].key, b.predictions[i].key);
            QCOMPARE(a.predictions[i].name, b.predictions[i].name);
            QVERIFY(a.predictions[i].question != b.predictions[i].question);
        }
        QCOMPARE(a.tasks.size(), b.tasks.size());
        for (qsizetype i = 0; i < a.tasks.size(); ++i) {
            QCOMPARE(a.tasks[i].solution.size(), b.tasks[i].solution.size());
            for (qsizetype j = 0; j < a.tasks[i].solution.size(); ++j)
                QCOMPARE(a.tasks[i].solution[j].text, b.tasks[i].solution[j].text);
            QVERIFY(a.tasks[i].text != b.tasks[i].text);
        }
    }
}

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
