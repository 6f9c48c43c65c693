#pragma once

#include <QString>

#include <stdexcept>

namespace cachelab {

/// Base of every failure core reports. The message is written for a person: it says what
/// failed and, where it can, what to do about it.
class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {}
    const QString &message() const { return m_message; }

private:
    QString m_message;
};

/// A call to the cache failed (it is down, refused, timed out, …).
class CacheError : public Error
{
public:
    enum class Kind {
        Unavailable,
        Refused,
        Timeout,
        Authentication,
        BadDatabase,
        Disconnected,
        Protocol,
        TooLarge
    };
    CacheError(Kind kind, const QString &message)
        : Error(message)
        , m_kind(kind)
    {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

/// A call to the database failed (it is down, the file is locked or unwritable, …).
class DatabaseError : public Error
{
public:
    enum class Kind {
        Unavailable,
        Open,
        Query,
        Locked,
        ReadOnly,
        Full,
        Corrupt,
        Schema,
        Location,       ///< not a database URL this build can open
        Authentication, ///< the server refused the user or the password
    };
    DatabaseError(Kind kind, const QString &message)
        : Error(message)
        , m_kind(kind)
    {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

/// Thrown into the coroutines of an application instance that crashed while they were in
/// flight: the process that ran them is gone, so they never finish.
class InstanceCrashed : public Error
{
public:
    InstanceCrashed()
        : Error(QStringLiteral("the application instance crashed"))
    {}
};

} // namespace cachelab
