#pragma once

#include "../patterns/options.h"
#include "../time/clock.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <variant>

namespace cachelab::scenario {

/// A comparison in `expect ttl` and `expect metric`.
enum class Compare { Less, LessEqual, Equal, GreaterEqual, Greater };

bool compare(qint64 actual, Compare op, qint64 expected);
QString compareSymbol(Compare op);

/// What an `expect` line checks (see SCENARIOS.md, "Expectations").
struct Expectation
{
    enum class Subject {
        Result,    // expect result = VALUE | missing
        Error,     // expect error
        Ok,        // expect ok
        Cache,     // expect cache KEY = VALUE | missing
        L1,        // expect l1 KEY = VALUE | missing
        Db,        // expect db KEY = VALUE | missing
        DbVersion, // expect db KEY version N
        Ttl,       // expect ttl KEY OP DURATION
        Queue,     // expect queue N
        Breaker,   // expect breaker closed|open|half-open
        Metric,    // expect metric NAME OP N
    };
    Subject subject = Subject::Ok;
    QString key;                 // Cache, L1, Db, DbVersion, Ttl
    bool missing = false;        // Result, Cache, L1, Db: "missing" instead of "= VALUE"
    QByteArray value;            // Result, Cache, L1, Db
    Compare op = Compare::Equal; // Ttl, Metric (Queue and DbVersion use Equal)
    qint64 number = 0;           // DbVersion, Queue, Metric, Ttl (microseconds)
    QString name;                // Metric: "cache.hits"; Breaker: "closed", "open", "half-open"
};

/// One line of a scenario that does something once setup is over.
struct Command
{
    enum class Type {
        Read,            // read KEY
        Write,           // write KEY VALUE
        Delete,          // delete KEY
        Invalidate,      // invalidate KEY
        SpawnRead,       // spawn read KEY
        SpawnWrite,      // spawn write KEY VALUE
        SpawnDelete,     // spawn delete KEY (extension)
        SpawnInvalidate, // spawn invalidate KEY (extension)
        Burst,           // burst N read KEY
        Wait,            // wait DURATION
        Settle,          // settle
        DbPut,           // db put KEY VALUE
        DbDelete,        // db delete KEY
        DbSeed,          // db seed N
        FailCache,       // fail cache
        FailCacheWrites, // fail cache writes (extension): writes fail, reads work
        FailDb,          // fail db
        RecoverCache,
        RecoverDb,
        Crash,  // crash
        Expect, // expect …
    };
    Type type = Type::Settle;
    int line = 0;      ///< 1-based line in the file
    QString text;      ///< the line as written, trimmed (for messages)
    QString narration; ///< the comment lines just above this command, '#' removed
    int client = 0;    ///< 0 = A, 1 = B, … (`as CLIENT` prefix)
    QString key;
    QByteArray value;    ///< UTF-8
    int count = 0;       ///< Burst N, DbSeed N
    TimeUs duration = 0; ///< Wait
    Expectation expect;  ///< Expect
};

/// A parsed scenario file: its setup and its commands in order.
struct Scenario
{
    QString fileName;
    PatternKind pattern = PatternKind::CacheAside;
    PatternOptions options;
    int clients = 1;
    Latencies latencies;
    quint64 seed = 1; ///< `seed N` (extension): the random seed for TTL jitter
    QString title;    ///< the first comment block of the file, if any
    QList<Command> commands;
};

/// An error in a scenario file, reported as FILE:LINE: message.
struct ParseError
{
    QString fileName;
    int line = 0;
    QString message;

    QString toString() const;
};

/// Parses scenario text. Every problem stops the parse: the first one is returned.
/// Never throws.
std::variant<Scenario, ParseError> parse(const QString &text, const QString &fileName);

/// Reads and parses a file (UTF-8). A file that cannot be read is a ParseError at line 0.
std::variant<Scenario, ParseError> parseFile(const QString &path);

} // namespace cachelab::scenario
