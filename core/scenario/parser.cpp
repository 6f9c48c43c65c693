#include "scenario.h"

#include "../metrics/metrics.h"
#include "../time/duration.h"

#include <QCoreApplication>
#include <QFile>
#include <QStringDecoder>
#include <QStringList>

#include <limits>

namespace cachelab::scenario {

namespace {

constexpr qsizetype kMaxKeyBytes = 1024;
constexpr qsizetype kMaxValueBytes = 16 * 1024 * 1024;
// A scenario is written by hand; a file this large is almost surely the wrong file, and
// reading it whole would only exhaust memory.
constexpr qint64 kMaxFileBytes = 128 * 1024 * 1024;
constexpr int kMaxClients = 26;
// Bounds `burst` and `db seed`: the runner materialises one coroutine or one row per unit.
// A burst's readers are all in flight at once (about 3 KB each with their trace), so a burst
// has a tighter bound, and so has a file's sum of them (each costs about a second per 100,000).
constexpr int kMaxCount = 1'000'000;
constexpr int kMaxBurst = 100'000;
constexpr qint64 kMaxBurstsInAll = 1'000'000;

constexpr char16_t kByteOrderMark = 0xFEFF;

/// Walks one line token by token and hands out "the rest of the line" for values, which
/// may contain spaces and so cannot be tokens.
class Cursor
{
public:
    explicit Cursor(QStringView line)
        : m_line(line)
    {}

    QStringView next()
    {
        skipSpace();
        const qsizetype start = m_pos;
        while (m_pos < m_line.size() && !m_line[m_pos].isSpace())
            ++m_pos;
        return m_line.sliced(start, m_pos - start);
    }

    /// Consumes `c` if it is the next non-space character.
    bool skip(QChar c)
    {
        skipSpace();
        if (m_pos < m_line.size() && m_line[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    QStringView rest()
    {
        const QStringView result = m_line.sliced(m_pos).trimmed();
        m_pos = m_line.size();
        return result;
    }

    bool atEnd()
    {
        skipSpace();
        return m_pos == m_line.size();
    }

private:
    void skipSpace()
    {
        while (m_pos < m_line.size() && m_line[m_pos].isSpace())
            ++m_pos;
    }

    QStringView m_line;
    qsizetype m_pos = 0;
};

/// Only ASCII digits: QString::toULongLong would also take "+5" and " 5".
std::optional<quint64> parseUnsigned(QStringView text, quint64 maximum)
{
    if (text.isEmpty())
        return std::nullopt;
    quint64 n = 0;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        const quint64 digit = c.unicode() - u'0';
        if (n > (maximum - digit) / 10)
            return std::nullopt;
        n = n * 10 + digit;
    }
    return n;
}

std::optional<Compare> parseCompare(QStringView text)
{
    if (text == u"<")
        return Compare::Less;
    if (text == u"<=")
        return Compare::LessEqual;
    if (text == u"=")
        return Compare::Equal;
    if (text == u">=")
        return Compare::GreaterEqual;
    if (text == u">")
        return Compare::Greater;
    return std::nullopt;
}

const QStringList &metricNames()
{
    static const QStringList names = [] {
        QStringList all;
        for (int i = 0; i < kCounterCount; ++i)
            all.append(counterName(Counter(i)));
        return all;
    }();
    return names;
}

QString patternNames()
{
    QStringList names;
    for (const PatternKind kind : kAllPatterns)
        names.append(patternName(kind));
    return names.join(u", ");
}

QString clientNames(int clients)
{
    QStringList names;
    for (int i = 0; i < clients; ++i)
        names.append(QChar(u'A' + i));
    return names.join(u", ");
}

QString noPatternMessage()
{
    return QCoreApplication::translate("ScenarioParser",
                                       "the scenario has no pattern line (add e.g. "
                                       "`pattern cache-aside` at the top)");
}

QString notADurationMessage(QStringView text)
{
    return durationError(text);
}

bool isSetupWord(QStringView word)
{
    return word == u"pattern" || word == u"clients" || word == u"latency" || word == u"seed";
}

/// One pass over the lines. Every method that can fail returns false after storing the
/// message in m_error; the line is known to run().
class Parser
{
    Q_DECLARE_TR_FUNCTIONS(ScenarioParser)

public:
    explicit Parser(const QString &fileName) { m_scenario.fileName = fileName; }

    std::variant<Scenario, ParseError> run(QStringView text);

private:
    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }

    void addComment(QStringView line);
    bool parseLine(QStringView line);

    bool parseSetup(QStringView word, Cursor &cursor);
    bool parsePattern(Cursor &cursor);
    bool parseClients(Cursor &cursor);
    bool parseLatency(Cursor &cursor);
    bool parseSeed(Cursor &cursor);

    bool parseOperation(QStringView word, Cursor &cursor, Command &command);
    bool parseExpectation(Cursor &cursor, Expectation &expect);
    bool parseValueOrMissing(Cursor &cursor, Expectation &expect, const QString &usage);

    bool takeKey(Cursor &cursor, QString &key, const QString &missing);
    bool takeValue(Cursor &cursor, QByteArray &value, const QString &missing);
    bool takeCount(Cursor &cursor, int &count, const QString &missing, const QString &what,
                   int maximum = kMaxCount);
    bool takeNumber(Cursor &cursor, qint64 &number, const QString &missing);
    bool takeCompare(Cursor &cursor, Compare &op, const QString &usage);
    bool takeDuration(Cursor &cursor, TimeUs &duration, const QString &missing);
    bool takePart(Cursor &cursor, bool &isCache, const QString &verb);
    bool expectEnd(Cursor &cursor, const QString &usage);

    Scenario m_scenario;
    QString m_error;
    int m_line = 0;
    QStringList m_narration; // comment lines since the previous statement
    bool m_seenContent = false;
    bool m_inTitleBlock = false;
    int m_patternLine = 0;
    int m_clientsLine = 0;
    int m_seedLine = 0;
    int m_firstCommandLine = 0;
    qint64 m_burstReaders = 0; // started by every burst so far
};

std::variant<Scenario, ParseError> Parser::run(QStringView text)
{
    if (text.startsWith(QChar(kByteOrderMark)))
        text = text.sliced(1);

    // Splitting on '\n' and trimming each line accepts CRLF as well as LF.
    const QList<QStringView> lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        m_line = int(i + 1);
        const QStringView line = lines[i].trimmed();
        if (line.isEmpty()) {
            m_inTitleBlock = false;
            continue;
        }
        if (line.startsWith(u'#')) {
            addComment(line);
            continue;
        }
        m_seenContent = true;
        m_inTitleBlock = false;
        if (!parseLine(line))
            return ParseError{m_scenario.fileName, m_line, m_error};
        // Narration belongs to the statement right below it, setup lines included, so the
        // file's title block does not end up narrating the first operation.
        m_narration.clear();
    }

    // Had there been an operation, the missing pattern would have been reported there.
    if (m_patternLine == 0)
        return ParseError{m_scenario.fileName, 1, noPatternMessage()};
    return m_scenario;
}

void Parser::addComment(QStringView line)
{
    QStringView comment = line.sliced(1);
    if (comment.startsWith(u' '))
        comment = comment.sliced(1);
    m_narration.append(comment.toString());

    // The title is the first line of the comment block the file opens with; a bare "#"
    // that only frames the block is skipped.
    if (!m_seenContent) {
        m_seenContent = true;
        m_inTitleBlock = true;
    }
    if (m_inTitleBlock && m_scenario.title.isEmpty())
        m_scenario.title = comment.trimmed().toString();
}

bool Parser::parseLine(QStringView line)
{
    Cursor cursor(line);
    QStringView word = cursor.next();

    Command command;
    command.line = m_line;
    command.text = line.toString();

    if (word == u"as") {
        const QStringView client = cursor.next();
        if (client.isEmpty())
            return fail(tr("as needs a client and an operation: as B read KEY"));
        if (client.size() != 1 || client[0] < u'A' || client[0] > u'Z') {
            return fail(tr("\"%1\" is not a client: clients are named by one capital letter "
                           "(A, B, C, …)")
                            .arg(client));
        }
        command.client = client[0].unicode() - u'A';
        word = cursor.next();
        if (word.isEmpty())
            return fail(tr("as %1 needs an operation after it, e.g. as %1 read KEY").arg(client));
        if (word == u"as")
            return fail(tr("as can be given only once per line"));
        if (isSetupWord(word))
            return fail(tr("as can only prefix an operation or an expectation, not %1").arg(word));
    }

    if (isSetupWord(word))
        return parseSetup(word, cursor);

    const bool first = m_firstCommandLine == 0;
    if (first)
        m_firstCommandLine = m_line;

    command.narration = m_narration.join(u'\n');
    if (!parseOperation(word, cursor, command))
        return false;
    // Setup may not follow an operation, so the pattern can no longer appear. A malformed
    // first line is reported as such first: it may be a misspelt `pattern`.
    if (first && m_patternLine == 0)
        return fail(noPatternMessage());
    if (command.client >= m_scenario.clients) {
        const QString name = QString(QChar(u'A' + command.client));
        if (m_scenario.clients == 1) {
            return fail(tr("client %1 does not exist: the scenario has 1 client (A); "
                           "add `clients N` to the setup")
                            .arg(name));
        }
        return fail(tr("client %1 does not exist: the scenario has %2 clients (%3)")
                        .arg(name)
                        .arg(m_scenario.clients)
                        .arg(clientNames(m_scenario.clients)));
    }
    m_scenario.commands.append(std::move(command));
    return true;
}

// ---- setup -------------------------------------------------------------------------------

bool Parser::parseSetup(QStringView word, Cursor &cursor)
{
    if (m_firstCommandLine != 0) {
        return fail(tr("%1 must come before the first operation (line %2)")
                        .arg(word)
                        .arg(m_firstCommandLine));
    }
    if (word == u"pattern")
        return parsePattern(cursor);
    if (word == u"clients")
        return parseClients(cursor);
    if (word == u"latency")
        return parseLatency(cursor);
    return parseSeed(cursor);
}

bool Parser::parsePattern(Cursor &cursor)
{
    if (m_patternLine != 0) {
        return fail(tr("the pattern is already set on line %1; a scenario has one pattern line")
                        .arg(m_patternLine));
    }
    const QStringView name = cursor.next();
    if (name.isEmpty())
        return fail(tr("pattern needs a name: %1").arg(patternNames()));
    const auto kind = patternFromName(name);
    if (!kind)
        return fail(tr("unknown pattern \"%1\" (expected %2)").arg(name, patternNames()));
    m_scenario.pattern = *kind;

    for (QStringView setting = cursor.next(); !setting.isEmpty(); setting = cursor.next()) {
        const qsizetype equals = setting.indexOf(u'=');
        if (equals <= 0) {
            return fail(tr("\"%1\" is not an option setting: write name=value without spaces, "
                           "e.g. ttl=5m")
                            .arg(setting));
        }
        const QString option = setting.first(equals).toString();
        const QString value = setting.sliced(equals + 1).toString();
        if (auto error = applyOption(m_scenario.options, *kind, option, value))
            return fail(*error);
    }
    if (auto error = textbookConflict(m_scenario.options, *kind))
        return fail(*error);
    m_patternLine = m_line;
    return true;
}

bool Parser::parseClients(Cursor &cursor)
{
    if (m_clientsLine != 0)
        return fail(tr("clients is already set on line %1").arg(m_clientsLine));
    const QStringView text = cursor.next();
    const auto n = parseUnsigned(text, kMaxClients);
    if (!n || *n < 1) {
        return fail(
            tr("clients needs a number from 1 to %1, got \"%2\"").arg(kMaxClients).arg(text));
    }
    if (!expectEnd(cursor, QStringLiteral("clients N")))
        return false;
    m_scenario.clients = int(*n);
    m_clientsLine = m_line;
    return true;
}

bool Parser::parseLatency(Cursor &cursor)
{
    QStringView setting = cursor.next();
    if (setting.isEmpty()) {
        return fail(tr("latency needs at least one PART=DURATION, e.g. latency cache=2ms "
                       "db=20ms"));
    }
    for (; !setting.isEmpty(); setting = cursor.next()) {
        const qsizetype equals = setting.indexOf(u'=');
        if (equals <= 0) {
            return fail(tr("\"%1\" is not a latency setting: write PART=DURATION without "
                           "spaces, e.g. db=20ms")
                            .arg(setting));
        }
        const QString part = setting.first(equals).toString();
        const QStringView text = setting.sliced(equals + 1);
        const auto duration = parseDuration(text);
        if (!duration)
            return fail(tr("latency %1: %2").arg(part, notADurationMessage(text)));
        if (auto error = applyLatency(m_scenario.latencies, part, *duration))
            return fail(*error);
    }
    return true;
}

bool Parser::parseSeed(Cursor &cursor)
{
    if (m_seedLine != 0)
        return fail(tr("seed is already set on line %1").arg(m_seedLine));
    const QStringView text = cursor.next();
    const auto n = parseUnsigned(text, std::numeric_limits<quint64>::max());
    if (!n) {
        return fail(tr("seed needs a whole number from 0 to %1, got \"%2\"")
                        .arg(std::numeric_limits<quint64>::max())
                        .arg(text));
    }
    if (!expectEnd(cursor, QStringLiteral("seed N")))
        return false;
    m_scenario.seed = *n;
    m_seedLine = m_line;
    return true;
}

// ---- operations --------------------------------------------------------------------------

bool Parser::parseOperation(QStringView word, Cursor &cursor, Command &command)
{
    using T = Command::Type;

    if (word == u"read" || word == u"delete" || word == u"invalidate") {
        command.type = word == u"read" ? T::Read : word == u"delete" ? T::Delete : T::Invalidate;
        const QString usage = word.toString() + u" KEY";
        return takeKey(cursor, command.key, tr("%1 needs a key: %2").arg(word, usage)) &&
               expectEnd(cursor, usage);
    }
    if (word == u"write") {
        command.type = T::Write;
        return takeKey(cursor, command.key, tr("write needs a key and a value: write KEY VALUE")) &&
               takeValue(cursor, command.value, tr("write needs a value after the key"));
    }
    if (word == u"spawn") {
        const QStringView what = cursor.next();
        if (what == u"read") {
            command.type = T::SpawnRead;
            return takeKey(cursor, command.key, tr("spawn read needs a key: spawn read KEY")) &&
                   expectEnd(cursor, QStringLiteral("spawn read KEY"));
        }
        if (what == u"write") {
            command.type = T::SpawnWrite;
            return takeKey(cursor, command.key,
                           tr("spawn write needs a key and a value: spawn write KEY VALUE")) &&
                   takeValue(cursor, command.value, tr("spawn write needs a value after the key"));
        }
        // Extension: deletes and invalidations that do not wait (recorded sessions use them).
        if (what == u"delete") {
            command.type = T::SpawnDelete;
            return takeKey(cursor, command.key, tr("spawn delete needs a key: spawn delete KEY")) &&
                   expectEnd(cursor, QStringLiteral("spawn delete KEY"));
        }
        if (what == u"invalidate") {
            command.type = T::SpawnInvalidate;
            return takeKey(cursor, command.key,
                           tr("spawn invalidate needs a key: spawn invalidate KEY")) &&
                   expectEnd(cursor, QStringLiteral("spawn invalidate KEY"));
        }
        return fail(tr("spawn starts an operation without waiting: spawn read KEY, spawn write "
                       "KEY VALUE, spawn delete KEY or spawn invalidate KEY"));
    }
    if (word == u"burst") {
        command.type = T::Burst;
        const QString missing = tr("burst needs a count, a \"read\" and a key: burst N read KEY");
        if (!takeCount(cursor, command.count, missing, QStringLiteral("burst"), kMaxBurst))
            return false;
        m_burstReaders += command.count;
        if (m_burstReaders > kMaxBurstsInAll) {
            return fail(tr("the bursts of this file would start more than %1 reads in all; "
                           "split it into several files")
                            .arg(kMaxBurstsInAll));
        }
        if (cursor.next() != u"read")
            return fail(missing);
        return takeKey(cursor, command.key, missing) &&
               expectEnd(cursor, QStringLiteral("burst N read KEY"));
    }
    if (word == u"wait") {
        command.type = T::Wait;
        return takeDuration(cursor, command.duration, tr("wait needs a duration: wait 5s")) &&
               expectEnd(cursor, QStringLiteral("wait DURATION"));
    }
    if (word == u"settle") {
        command.type = T::Settle;
        return expectEnd(cursor, QStringLiteral("settle"));
    }
    if (word == u"crash") {
        command.type = T::Crash;
        return expectEnd(cursor, QStringLiteral("crash"));
    }
    if (word == u"db") {
        const QStringView what = cursor.next();
        if (what == u"put") {
            command.type = T::DbPut;
            return takeKey(cursor, command.key,
                           tr("db put needs a key and a value: db put KEY VALUE")) &&
                   takeValue(cursor, command.value, tr("db put needs a value after the key"));
        }
        if (what == u"delete") {
            command.type = T::DbDelete;
            return takeKey(cursor, command.key, tr("db delete needs a key: db delete KEY")) &&
                   expectEnd(cursor, QStringLiteral("db delete KEY"));
        }
        if (what == u"seed") {
            command.type = T::DbSeed;
            return takeCount(cursor, command.count, tr("db seed needs a count: db seed N"),
                             QStringLiteral("db seed")) &&
                   expectEnd(cursor, QStringLiteral("db seed N"));
        }
        return fail(tr("db needs put, delete or seed: db put KEY VALUE, db delete KEY or "
                       "db seed N"));
    }
    if (word == u"fail") {
        // fail cache writes: writes fail, reads work (a Redis at maxmemory, noeviction).
        Cursor probe = cursor;
        if (probe.next() == u"cache" && probe.next() == u"writes") {
            cursor = probe;
            command.type = T::FailCacheWrites;
            return expectEnd(cursor, QStringLiteral("fail cache writes"));
        }
    }
    if (word == u"fail" || word == u"recover") {
        bool isCache = false;
        if (!takePart(cursor, isCache, word.toString()))
            return false;
        if (word == u"fail")
            command.type = isCache ? T::FailCache : T::FailDb;
        else
            command.type = isCache ? T::RecoverCache : T::RecoverDb;
        return true;
    }
    if (word == u"expect") {
        command.type = T::Expect;
        return parseExpectation(cursor, command.expect);
    }
    return fail(tr("unknown command \"%1\" (expected read, write, delete, invalidate, spawn, "
                   "burst, wait, settle, db, fail, recover, crash, expect or as; setup: "
                   "pattern, clients, latency, seed)")
                    .arg(word));
}

// ---- expectations ------------------------------------------------------------------------

bool Parser::parseExpectation(Cursor &cursor, Expectation &expect)
{
    using S = Expectation::Subject;
    const QStringView subject = cursor.next();

    if (subject == u"result") {
        expect.subject = S::Result;
        return parseValueOrMissing(cursor, expect,
                                   tr("expect result = VALUE or expect result missing"));
    }
    if (subject == u"error" || subject == u"ok") {
        expect.subject = subject == u"error" ? S::Error : S::Ok;
        return expectEnd(cursor, u"expect " + subject.toString());
    }
    if (subject == u"cache" || subject == u"l1") {
        expect.subject = subject == u"cache" ? S::Cache : S::L1;
        const QString usage = tr("expect %1 KEY = VALUE or expect %1 KEY missing").arg(subject);
        return takeKey(cursor, expect.key, tr("expect %1 needs a key: %2").arg(subject, usage)) &&
               parseValueOrMissing(cursor, expect, usage);
    }
    if (subject == u"db") {
        expect.subject = S::Db;
        const QString usage =
            tr("expect db KEY = VALUE, expect db KEY missing or expect db KEY version N");
        if (!takeKey(cursor, expect.key, tr("expect db needs a key: %1").arg(usage)))
            return false;
        Cursor lookahead = cursor;
        if (lookahead.next() == u"version") {
            cursor = lookahead;
            expect.subject = S::DbVersion;
            return takeNumber(cursor, expect.number,
                              tr("expect db KEY version needs a version number: "
                                 "expect db KEY version N")) &&
                   expectEnd(cursor, QStringLiteral("expect db KEY version N"));
        }
        return parseValueOrMissing(cursor, expect, usage);
    }
    if (subject == u"ttl") {
        expect.subject = S::Ttl;
        const QString usage = tr("expect ttl KEY OP DURATION, e.g. expect ttl user:1 <= 30s");
        return takeKey(cursor, expect.key, tr("expect ttl needs a key: %1").arg(usage)) &&
               takeCompare(cursor, expect.op, usage) &&
               takeDuration(
                   cursor, expect.number,
                   tr("expect ttl needs a duration after the comparison: %1").arg(usage)) &&
               expectEnd(cursor, usage);
    }
    if (subject == u"queue") {
        expect.subject = S::Queue;
        return takeNumber(cursor, expect.number,
                          tr("expect queue needs a number of entries: expect queue N")) &&
               expectEnd(cursor, QStringLiteral("expect queue N"));
    }
    if (subject == u"breaker") {
        expect.subject = S::Breaker;
        const QStringView state = cursor.next();
        if (state != u"closed" && state != u"open" && state != u"half-open") {
            return fail(state.isEmpty()
                            ? tr("expect breaker needs a state: closed, open or half-open")
                            : tr("unknown breaker state \"%1\" (expected closed, open or "
                                 "half-open)")
                                  .arg(state));
        }
        expect.name = state.toString();
        return expectEnd(cursor, QStringLiteral("expect breaker closed|open|half-open"));
    }
    if (subject == u"metric") {
        expect.subject = S::Metric;
        const QString usage = tr("expect metric NAME OP N, e.g. expect metric db.reads = 1");
        const QStringView name = cursor.next();
        if (name.isEmpty())
            return fail(tr("expect metric needs a name: %1").arg(usage));
        if (!metricNames().contains(name)) {
            return fail(tr("unknown metric \"%1\" (known metrics: %2)")
                            .arg(name, metricNames().join(u", ")));
        }
        expect.name = name.toString();
        return takeCompare(cursor, expect.op, usage) &&
               takeNumber(cursor, expect.number,
                          tr("expect metric needs a number after the comparison: %1").arg(usage)) &&
               expectEnd(cursor, usage);
    }
    if (subject.isEmpty()) {
        return fail(tr("expect needs something to check: result, error, ok, cache, l1, db, "
                       "ttl, queue, breaker or metric"));
    }
    return fail(tr("unknown expectation \"%1\" (expected result, error, ok, cache, l1, db, "
                   "ttl, queue, breaker or metric)")
                    .arg(subject));
}

bool Parser::parseValueOrMissing(Cursor &cursor, Expectation &expect, const QString &usage)
{
    // "=" need not be followed by a space: "= x" and "=x" both mean the value "x".
    if (cursor.skip(u'='))
        return takeValue(cursor, expect.value, tr("a value is missing after \"=\": %1").arg(usage));
    const QStringView word = cursor.next();
    if (word == u"missing") {
        expect.missing = true;
        return expectEnd(cursor, usage);
    }
    if (word.isEmpty())
        return fail(tr("expected \"= VALUE\" or \"missing\": %1").arg(usage));
    return fail(tr("expected \"= VALUE\" or \"missing\", got \"%1\": %2").arg(word, usage));
}

// ---- arguments ---------------------------------------------------------------------------

bool Parser::takeKey(Cursor &cursor, QString &key, const QString &missing)
{
    const QStringView token = cursor.next();
    if (token.isEmpty())
        return fail(missing);
    const qsizetype bytes = token.toUtf8().size();
    if (bytes > kMaxKeyBytes) {
        return fail(tr("the key is %1 bytes long; a key can be at most %2 bytes")
                        .arg(bytes)
                        .arg(kMaxKeyBytes));
    }
    key = token.toString();
    return true;
}

bool Parser::takeValue(Cursor &cursor, QByteArray &value, const QString &missing)
{
    const QStringView text = cursor.rest();
    if (text.isEmpty())
        return fail(missing);
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() > kMaxValueBytes) {
        return fail(tr("the value is %1 bytes long; a value can be at most %2 bytes (16 MiB)")
                        .arg(utf8.size())
                        .arg(kMaxValueBytes));
    }
    value = std::move(utf8);
    return true;
}

bool Parser::takeCount(Cursor &cursor, int &count, const QString &missing, const QString &what,
                       int maximum)
{
    const QStringView text = cursor.next();
    if (text.isEmpty())
        return fail(missing);
    const auto n = parseUnsigned(text, quint64(maximum));
    if (!n || *n < 1) {
        return fail(
            tr("%1 needs a count from 1 to %2, got \"%3\"").arg(what).arg(maximum).arg(text));
    }
    count = int(*n);
    return true;
}

bool Parser::takeNumber(Cursor &cursor, qint64 &number, const QString &missing)
{
    const QStringView text = cursor.next();
    if (text.isEmpty())
        return fail(missing);
    const auto n = parseUnsigned(text, std::numeric_limits<qint64>::max());
    if (!n)
        return fail(tr("\"%1\" is not a whole number (0, 1, 2, …)").arg(text));
    number = qint64(*n);
    return true;
}

bool Parser::takeCompare(Cursor &cursor, Compare &op, const QString &usage)
{
    const QStringView text = cursor.next();
    const auto parsed = parseCompare(text);
    if (!parsed) {
        if (text.isEmpty())
            return fail(tr("a comparison (<, <=, =, >= or >) is missing: %1").arg(usage));
        return fail(
            tr("\"%1\" is not a comparison (expected <, <=, =, >= or >): %2").arg(text, usage));
    }
    op = *parsed;
    return true;
}

bool Parser::takeDuration(Cursor &cursor, TimeUs &duration, const QString &missing)
{
    const QStringView text = cursor.next();
    if (text.isEmpty())
        return fail(missing);
    const auto parsed = parseDuration(text);
    if (!parsed)
        return fail(notADurationMessage(text));
    duration = *parsed;
    return true;
}

bool Parser::takePart(Cursor &cursor, bool &isCache, const QString &verb)
{
    const QStringView part = cursor.next();
    if (part != u"cache" && part != u"db") {
        if (part.isEmpty())
            return fail(tr("%1 needs a part: %1 cache or %1 db").arg(verb));
        return fail(tr("%1 cannot act on \"%2\" (expected %1 cache or %1 db)").arg(verb, part));
    }
    isCache = part == u"cache";
    return expectEnd(cursor, verb + u' ' + part.toString());
}

bool Parser::expectEnd(Cursor &cursor, const QString &usage)
{
    if (cursor.atEnd())
        return true;
    const QStringView extra = cursor.next();
    if (extra.startsWith(u'#')) {
        return fail(tr("unexpected \"%1\": a comment must be on a line of its own (write: %2)")
                        .arg(extra, usage));
    }
    return fail(tr("unexpected \"%1\" at the end of the line (write: %2)").arg(extra, usage));
}

} // namespace

bool compare(qint64 actual, Compare op, qint64 expected)
{
    switch (op) {
    case Compare::Less:
        return actual < expected;
    case Compare::LessEqual:
        return actual <= expected;
    case Compare::Equal:
        return actual == expected;
    case Compare::GreaterEqual:
        return actual >= expected;
    case Compare::Greater:
        return actual > expected;
    }
    return false;
}

QString compareSymbol(Compare op)
{
    switch (op) {
    case Compare::Less:
        return QStringLiteral("<");
    case Compare::LessEqual:
        return QStringLiteral("<=");
    case Compare::Equal:
        return QStringLiteral("=");
    case Compare::GreaterEqual:
        return QStringLiteral(">=");
    case Compare::Greater:
        return QStringLiteral(">");
    }
    return {};
}

QString ParseError::toString() const
{
    // Line 0 means the file as a whole (it could not be read), as compilers print it.
    if (line <= 0)
        return fileName + u": " + message;
    return fileName + u':' + QString::number(line) + u": " + message;
}

std::variant<Scenario, ParseError> parse(const QString &text, const QString &fileName)
{
    return Parser(fileName).run(text);
}

std::variant<Scenario, ParseError> parseFile(const QString &path)
{
    const auto error = [&](int line, const QString &message) {
        return ParseError{path, line, message};
    };

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return error(0, QCoreApplication::translate("ScenarioParser", "cannot open %1: %2")
                            .arg(path, file.errorString()));
    }
    // Reading one byte past the limit tells a file at the limit from a larger one, also
    // for files whose size is unknown in advance (pipes, /dev/…).
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError) {
        return error(0, QCoreApplication::translate("ScenarioParser", "cannot read %1: %2")
                            .arg(path, file.errorString()));
    }
    if (bytes.size() > kMaxFileBytes) {
        return error(0, QCoreApplication::translate(
                            "ScenarioParser", "%1 is larger than %2 MiB: it is not a scenario file")
                            .arg(path)
                            .arg(kMaxFileBytes / (1024 * 1024)));
    }

    const auto lineOf = [&](qsizetype offset) {
        return int(QByteArrayView(bytes).first(offset).count('\n') + 1);
    };
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0) {
        return error(lineOf(nul),
                     QCoreApplication::translate("ScenarioParser",
                                                 "%1 is a binary file (it contains NUL bytes), "
                                                 "not a scenario")
                         .arg(path));
    }

    // Stateless: a sequence cut off at the end of the file is an error, not kept for later.
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError()) {
        // A UTF-8 sequence never contains the byte '\n', so decoding line by line finds
        // the first bad line.
        int line = 1;
        for (qsizetype start = 0; start <= bytes.size(); ++line) {
            qsizetype end = bytes.indexOf('\n', start);
            if (end < 0)
                end = bytes.size();
            QStringDecoder lineDecoder(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
            // decode() is lazy: the bytes are only decoded once the result becomes a QString.
            const QString decoded =
                lineDecoder.decode(QByteArrayView(bytes).sliced(start, end - start));
            if (lineDecoder.hasError())
                break;
            start = end + 1;
        }
        return error(line,
                     QCoreApplication::translate(
                         "ScenarioParser", "%1 is not UTF-8 text (save it as UTF-8 and try again)")
                         .arg(path));
    }
    return parse(text, path);
}

} // namespace cachelab::scenario
