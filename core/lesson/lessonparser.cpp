#include "lesson.h"
#include "settings.h"

#include "../metrics/metrics.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>
#include <QStringDecoder>

#include <algorithm>

namespace cachelab::lesson {

namespace {

constexpr char16_t kByteOrderMark = 0xFEFF;
constexpr qint64 kMaxFileBytes = 128 * 1024 * 1024;

/// A line split into its first words and the text after them.
struct Words
{
    QStringView line;
    qsizetype pos = 0;

    QStringView next()
    {
        while (pos < line.size() && line[pos].isSpace())
            ++pos;
        const qsizetype start = pos;
        while (pos < line.size() && !line[pos].isSpace())
            ++pos;
        return line.sliced(start, pos - start);
    }
    QStringView rest() const { return line.sliced(pos).trimmed(); }
};

bool isSetupWord(QStringView w)
{
    return w == u"pattern" || w == u"clients" || w == u"latency" || w == u"seed";
}

bool isLessonWord(QStringView w)
{
    return w == u"lesson" || w == u"say" || w == u"predict" || w == u"reveal" || w == u"task" ||
           w == u"end" || w == u"allow" || w == u"goal" || w == u"hint" || w == u"solution";
}

std::optional<Prediction::Kind> kindFromName(QStringView name)
{
    using K = Prediction::Kind;
    for (const K k :
         {K::Hit, K::Result, K::Stale, K::Metric, K::Cache, K::Db, K::Breaker, K::Queue})
        if (kindName(k) == name)
            return k;
    return std::nullopt;
}

/// The line numbers a task's later checks report errors at.
struct TaskLines
{
    QList<int> solutionLines;
    QList<std::pair<int, QString>> allowedOptions;
};

/// One pass over the lines: the lesson's own lines are taken out (goals become `expect`
/// lines), the rest is left for the scenario parser at the same line numbers.
class LessonParser
{
    Q_DECLARE_TR_FUNCTIONS(LessonParser)

public:
    explicit LessonParser(const QString &fileName)
        : m_fileName(fileName)
    {}

    std::variant<Lesson, scenario::ParseError> run(QStringView text);

private:
    scenario::ParseError firstError(int line, const QString &message,
                                    const QStringList &forScenario) const;
    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }
    scenario::ParseError error(int line, const QString &message) const
    {
        return scenario::ParseError{m_fileName, line, message};
    }
    bool parseLine(QStringView line, QString &forScenario);
    bool parseLesson(Words &w, int client);
    bool parsePredict(Words &w, int client);
    bool parseReveal(Words &w);
    bool parseTask(Words &w);
    bool parseEnd(Words &w);
    bool parseAllow(Words &w);
    bool needTask(QStringView word);
    bool notInTask(QStringView word);
    void body();
    void addStep(Step::Type type, int index);
    std::optional<scenario::ParseError> checkAfterScenario();

    QString m_fileName;
    Lesson m_lesson;
    QList<Step> m_steps;
    QList<TaskLines> m_taskLines;
    QSet<int> m_goalLines;
    QList<int> m_open; // predictions not yet revealed
    QString m_error;
    int m_line = 0;
    int m_lessonLine = 0;
    int m_patternLine = 0;
    int m_firstBodyLine = 0;
    int m_task = -1; // the task being read
};

std::variant<Lesson, scenario::ParseError> LessonParser::run(QStringView text)
{
    if (text.startsWith(QChar(kByteOrderMark)))
        text = text.sliced(1);
    const QList<QStringView> lines = text.split(u'\n');
    QStringList forScenario;
    forScenario.reserve(lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        m_line = int(i + 1);
        const QStringView line = lines[i].trimmed();
        QString kept = line.toString();
        if (!line.isEmpty() && !line.startsWith(u'#') && !parseLine(line, kept))
            return firstError(m_line, m_error, forScenario);
        forScenario.append(kept);
    }
    if (m_task >= 0) {
        const Task &t = m_lesson.tasks[m_task];
        return firstError(t.line, tr("the task has no `end task` line"), forScenario);
    }
    if (!m_open.isEmpty()) {
        return firstError(m_lesson.predictions[m_open.constFirst()].line,
                          tr("this prediction is never revealed: add a `reveal` line after the "
                             "commands that decide it"),
                          forScenario);
    }
    if (m_lessonLine == 0)
        return error(1, tr("a lesson needs a `lesson TITLE` line before its pattern line"));

    auto parsed = scenario::parse(forScenario.join(u'\n'), m_fileName);
    if (auto *e = std::get_if<scenario::ParseError>(&parsed))
        return *e;
    m_lesson.scenario = std::get<scenario::Scenario>(std::move(parsed));
    m_lesson.scenario.title = m_lesson.title;
    if (auto e = checkAfterScenario())
        return *e;
    return m_lesson;
}

// The lesson's own lines are checked in one pass and the scenario's afterwards; of two
// problems the one on the earlier line is reported, as a reader meets them.
scenario::ParseError LessonParser::firstError(int line, const QString &message,
                                              const QStringList &forScenario) const
{
    if (m_patternLine != 0) {
        const auto parsed = scenario::parse(forScenario.join(u'\n'), m_fileName);
        if (const auto *e = std::get_if<scenario::ParseError>(&parsed); e && e->line < line)
            return *e;
    }
    return error(line, message);
}

bool LessonParser::parseLine(QStringView line, QString &forScenario)
{
    Words w{line};
    QStringView word = w.next();
    int client = -1;
    QStringView clientWord;
    if (word == u"as") {
        clientWord = w.next();
        const QStringView after = w.next();
        if (!isLessonWord(after)) {
            body(); // an operation or an expectation: the scenario parser reads it
            return true;
        }
        if (clientWord.size() != 1 || clientWord[0] < u'A' || clientWord[0] > u'Z') {
            return fail(tr("\"%1\" is not a client: clients are named by one capital letter "
                           "(A, B, C, …)")
                            .arg(clientWord));
        }
        client = clientWord[0].unicode() - u'A';
        word = after;
        if (word != u"goal" && word != u"predict")
            return fail(tr("as can prefix a goal or a prediction, not %1").arg(word));
    }
    if (isSetupWord(word)) {
        if (m_firstBodyLine != 0) {
            return fail(tr("%1 must come before the first operation (line %2)")
                            .arg(word)
                            .arg(m_firstBodyLine));
        }
        if (word == u"pattern" && m_patternLine == 0)
            m_patternLine = m_line;
        return true;
    }
    if (!isLessonWord(word)) {
        body();
        return true;
    }
    forScenario.clear(); // the scenario parser sees an empty line here

    if (word == u"lesson")
        return parseLesson(w, client);
    if (word == u"say") {
        if (!notInTask(word))
            return false;
        body();
        const QString text = w.rest().toString();
        if (text.isEmpty())
            return fail(tr("say needs the text to show: say TEXT"));
        m_lesson.says.append(Say{m_line, text});
        addStep(Step::Type::Say, int(m_lesson.says.size() - 1));
        return true;
    }
    if (word == u"predict")
        return parsePredict(w, client);
    if (word == u"reveal")
        return parseReveal(w);
    if (word == u"task")
        return parseTask(w);
    if (word == u"end")
        return parseEnd(w);
    if (!needTask(word))
        return false;
    Task &task = m_lesson.tasks[m_task];
    if (word == u"allow")
        return parseAllow(w);
    if (word == u"goal") {
        const QStringView rest = w.rest();
        if (rest.isEmpty())
            return fail(tr("goal needs an expectation, e.g. goal metric db.reads = 1"));
        // A goal is an `expect` line checked at its place: the scenario parser reads it so.
        forScenario = (client >= 0 ? QStringLiteral("as %1 ").arg(clientWord) : QString()) +
                      u"expect " + rest.toString();
        m_goalLines.insert(m_line);
        task.goals.append(Goal{m_line, rest.toString()});
        return true;
    }
    if (word == u"hint") {
        const QString text = w.rest().toString();
        if (text.isEmpty())
            return fail(tr("hint needs the text to show: hint TEXT"));
        task.hints.append(text);
        return true;
    }
    // solution
    Setting setting;
    if (auto message = parseSetting(w.rest(), setting))
        return fail(tr("solution: %1").arg(*message));
    task.solution.append(setting);
    m_taskLines[m_task].solutionLines.append(m_line);
    return true;
}

bool LessonParser::parseLesson(Words &w, int client)
{
    if (client >= 0)
        return fail(tr("as cannot prefix lesson"));
    if (m_lessonLine != 0)
        return fail(tr("the lesson line is already on line %1").arg(m_lessonLine));
    if (m_patternLine != 0)
        return fail(tr("lesson must come before the pattern line (line %1)").arg(m_patternLine));
    m_lesson.title = w.rest().toString();
    if (m_lesson.title.isEmpty())
        return fail(tr("lesson needs a title: lesson TITLE"));
    m_lessonLine = m_line;
    return true;
}

bool LessonParser::parsePredict(Words &w, int client)
{
    if (!notInTask(u"predict"))
        return false;
    body();
    using K = Prediction::Kind;
    const QStringView kindWord = w.next();
    const auto kind = kindFromName(kindWord);
    if (!kind) {
        return fail(tr("unknown prediction \"%1\" (expected hit, result, stale, metric, cache, "
                       "db, breaker or queue)")
                        .arg(kindWord));
    }
    Prediction p;
    p.kind = *kind;
    p.line = m_line;
    const bool ofClient = *kind != K::Metric && *kind != K::Cache && *kind != K::Db;
    Words look = w;
    if (look.next() == u"as") {
        const QStringView name = look.next();
        if (!ofClient)
            return fail(
                tr("a %1 prediction belongs to no client: drop `as %2`").arg(kindWord, name));
        if (client >= 0)
            return fail(tr("as can be given only once per line"));
        if (name.size() != 1 || name[0] < u'A' || name[0] > u'Z')
            return fail(tr("\"%1\" is not a client: clients are named by one capital letter "
                           "(A, B, C, …)")
                            .arg(name));
        client = name[0].unicode() - u'A';
        w = look;
    }
    if (!ofClient && client >= 0)
        return fail(tr("a %1 prediction belongs to no client: drop `as`").arg(kindWord));
    p.client = ofClient ? std::max(client, 0) : -1;
    if (*kind == K::Metric) {
        const QStringView name = w.next();
        if (!counterFromName(name)) {
            return fail(name.isEmpty() ? tr("predict metric needs a counter: predict metric "
                                            "db.reads QUESTION")
                                       : tr("unknown metric \"%1\"").arg(name));
        }
        p.name = name.toString();
    } else if (*kind == K::Cache || *kind == K::Db) {
        p.key = w.next().toString();
        if (p.key.isEmpty())
            return fail(tr("predict %1 needs a key: predict %1 KEY QUESTION").arg(kindWord));
    }
    p.question = w.rest().toString();
    if (p.question.isEmpty())
        return fail(tr("predict needs a question for the learner at the end of the line"));
    m_lesson.predictions.append(p);
    m_open.append(int(m_lesson.predictions.size() - 1));
    addStep(Step::Type::Predict, int(m_lesson.predictions.size() - 1));
    return true;
}

bool LessonParser::parseReveal(Words &w)
{
    if (!notInTask(u"reveal"))
        return false;
    body();
    if (!w.rest().isEmpty())
        return fail(tr("unexpected \"%1\" after reveal").arg(w.rest()));
    if (m_open.isEmpty())
        return fail(tr("reveal has no open prediction to decide (add a `predict` line above)"));
    for (const int i : std::as_const(m_open))
        m_lesson.predictions[i].revealLine = m_line;
    m_open.clear();
    addStep(Step::Type::Reveal, 0);
    return true;
}

bool LessonParser::parseTask(Words &w)
{
    if (!notInTask(u"task"))
        return false;
    body();
    if (!m_open.isEmpty()) {
        return fail(tr("the prediction on line %1 must be revealed before the task (add "
                       "`reveal` above)")
                        .arg(m_lesson.predictions[m_open.constFirst()].line));
    }
    Task t;
    t.line = m_line;
    t.text = w.rest().toString();
    if (t.text.isEmpty())
        return fail(tr("task needs the text to show the learner: task TEXT"));
    m_lesson.tasks.append(t);
    m_taskLines.append(TaskLines{});
    m_task = int(m_lesson.tasks.size() - 1);
    addStep(Step::Type::Task, m_task);
    return true;
}

bool LessonParser::parseEnd(Words &w)
{
    if (w.next() != u"task" || !w.rest().isEmpty())
        return fail(tr("end closes a task: end task"));
    if (m_task < 0)
        return fail(tr("end task without a task to close"));
    Task &t = m_lesson.tasks[m_task];
    t.endLine = m_line;
    if (t.goals.isEmpty())
        return fail(
            tr("the task on line %1 has no goal: add `goal EXPECTATION` lines").arg(t.line));
    if (t.solution.isEmpty())
        return fail(
            tr("the task on line %1 has no solution: add `solution SETTING` lines").arg(t.line));
    const QList<int> &lines = m_taskLines[m_task].solutionLines;
    for (qsizetype i = 0; i < t.solution.size(); ++i) {
        if (auto message = checkAllowed(t.solution[i], t.allow)) {
            m_line = lines[i];
            return fail(tr("solution %1: %2").arg(t.solution[i].text, *message));
        }
    }
    m_task = -1;
    return true;
}

bool LessonParser::parseAllow(Words &w)
{
    Allowance &allow = m_lesson.tasks[m_task].allow;
    const QStringView what = w.next();
    const QStringList names = w.rest().toString().split(u' ', Qt::SkipEmptyParts);
    if (what == u"clients") {
        if (!names.isEmpty())
            return fail(tr("allow clients takes nothing after it"));
        allow.clients = true;
        return true;
    }
    if (what != u"option" && what != u"latency" && what != u"pattern")
        return fail(tr("allow needs option NAME …, latency PART …, clients or pattern NAME …"));
    if (names.isEmpty())
        return fail(tr("allow %1 needs at least one name").arg(what));
    for (const QString &name : names) {
        if (what == u"option") {
            allow.options.append(name);
            m_taskLines[m_task].allowedOptions.append({m_line, name});
        } else if (what == u"latency") {
            Latencies probe;
            if (auto message = applyLatency(probe, name, 0))
                return fail(*message);
            allow.latencyParts.append(name);
        } else {
            const auto kind = patternFromName(name);
            if (!kind)
                return fail(tr("unknown pattern \"%1\"").arg(name));
            allow.patterns.append(*kind);
        }
    }
    return true;
}

bool LessonParser::needTask(QStringView word)
{
    if (m_task >= 0)
        return true;
    return fail(tr("%1 belongs inside a task (between `task TEXT` and `end task`)").arg(word));
}

bool LessonParser::notInTask(QStringView word)
{
    if (m_task < 0)
        return true;
    return fail(tr("%1 cannot stand inside a task (the task on line %2 is still open: close it "
                   "with `end task`)")
                    .arg(word)
                    .arg(m_lesson.tasks[m_task].line));
}

void LessonParser::body()
{
    if (m_firstBodyLine == 0)
        m_firstBodyLine = m_line;
}

void LessonParser::addStep(Step::Type type, int index)
{
    Step s;
    s.type = type;
    s.line = m_line;
    s.index = index;
    m_steps.append(s);
}

std::optional<scenario::ParseError> LessonParser::checkAfterScenario()
{
    scenario::Scenario &sc = m_lesson.scenario;
    for (const Prediction &p : std::as_const(m_lesson.predictions)) {
        if (p.client >= sc.clients) {
            return error(p.line, tr("client %1 does not exist: the lesson has %n client(s)",
                                    nullptr, sc.clients)
                                     .arg(QChar(u'A' + p.client)));
        }
    }
    // Every solution must apply on top of the earlier tasks' solutions.
    QList<Setting> earlier;
    for (qsizetype t = 0; t < m_lesson.tasks.size(); ++t) {
        const Task &task = m_lesson.tasks[t];
        QSet<QString> known;
        QList<PatternKind> kinds = task.allow.patterns;
        scenario::Scenario probe = sc;
        applySettings(probe, earlier);
        kinds.append(probe.pattern);
        for (const PatternKind k : std::as_const(kinds))
            for (const OptionInfo &o : optionsOf(k))
                known.insert(o.name);
        for (const auto &[line, name] : std::as_const(m_taskLines[t].allowedOptions)) {
            if (!known.contains(name))
                return error(line, tr("allow option: no pattern of this task has an option "
                                      "\"%1\"")
                                       .arg(name));
        }
        for (qsizetype i = 0; i < task.solution.size(); ++i) {
            QList<Setting> upTo = earlier;
            upTo.append(task.solution.mid(0, i + 1));
            scenario::Scenario s = sc;
            if (auto message = applySettings(s, upTo))
                return error(m_taskLines[t].solutionLines[i], tr("solution %1").arg(*message));
        }
        earlier.append(task.solution);
    }

    QList<Step> steps = m_steps;
    for (qsizetype i = 0; i < sc.commands.size(); ++i) {
        Step s;
        s.type = Step::Type::Command;
        s.line = sc.commands[i].line;
        s.index = int(i);
        s.goal = m_goalLines.contains(s.line);
        steps.append(s);
    }
    std::sort(steps.begin(), steps.end(),
              [](const Step &a, const Step &b) { return a.line < b.line; });
    for (Step &s : steps) {
        for (qsizetype t = 0; t < m_lesson.tasks.size(); ++t) {
            const Task &task = m_lesson.tasks[t];
            if (s.type == Step::Type::Command && s.line > task.line && s.line < task.endLine)
                s.task = int(t);
        }
    }
    m_lesson.steps = steps;
    return std::nullopt;
}

class LessonFile
{
    Q_DECLARE_TR_FUNCTIONS(LessonParser)

public:
    static std::variant<QString, scenario::ParseError> read(const QString &path);
};

std::variant<QString, scenario::ParseError> LessonFile::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return scenario::ParseError{path, 0,
                                    tr("cannot open %1: %2").arg(path, file.errorString())};
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return scenario::ParseError{path, 0,
                                    tr("cannot read %1: %2").arg(path, file.errorString())};
    if (bytes.size() > kMaxFileBytes)
        return scenario::ParseError{path, 0, tr("%1 is too large to be a lesson").arg(path)};
    if (bytes.contains('\0'))
        return scenario::ParseError{path, 0, tr("%1 is a binary file, not a lesson").arg(path)};
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return scenario::ParseError{
            path, 0, tr("%1 is not UTF-8 text (save it as UTF-8 and try again)").arg(path)};
    return text;
}

} // namespace

QString kindName(Prediction::Kind kind)
{
    switch (kind) {
    case Prediction::Kind::Hit:
        return QStringLiteral("hit");
    case Prediction::Kind::Result:
        return QStringLiteral("result");
    case Prediction::Kind::Stale:
        return QStringLiteral("stale");
    case Prediction::Kind::Metric:
        return QStringLiteral("metric");
    case Prediction::Kind::Cache:
        return QStringLiteral("cache");
    case Prediction::Kind::Db:
        return QStringLiteral("db");
    case Prediction::Kind::Breaker:
        return QStringLiteral("breaker");
    case Prediction::Kind::Queue:
        return QStringLiteral("queue");
    }
    return {};
}

bool isReadBased(Prediction::Kind kind)
{
    return kind == Prediction::Kind::Hit || kind == Prediction::Kind::Result ||
           kind == Prediction::Kind::Stale;
}

bool isNumeric(Prediction::Kind kind)
{
    return kind == Prediction::Kind::Metric || kind == Prediction::Kind::Queue;
}

bool isLesson(QStringView text)
{
    for (const QStringView line : text.split(u'\n')) {
        Words w{line};
        if (w.next() == u"lesson")
            return true;
    }
    return false;
}

bool isLessonFile(const QString &path)
{
    const auto text = readFile(path);
    return std::holds_alternative<QString>(text) && isLesson(std::get<QString>(text));
}

std::variant<Lesson, scenario::ParseError> parse(const QString &text, const QString &fileName)
{
    return LessonParser(fileName).run(text);
}

std::variant<QString, scenario::ParseError> readFile(const QString &path)
{
    return LessonFile::read(path);
}

std::variant<Lesson, scenario::ParseError> parseFile(const QString &path)
{
    auto text = readFile(path);
    if (auto *e = std::get_if<scenario::ParseError>(&text))
        return *e;
    return parse(std::get<QString>(text), path);
}

} // namespace cachelab::lesson
