#include "databaseurl.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace cachelab {

namespace {

QString examples()
{
    return DatabaseUrl::tr("use a file path, sqlite:///path/to/file, :memory: or "
                           "postgresql://user[:password]@host[:port]/database");
}

// Table and column names go into SQL text (identifiers cannot be bound): only plain names,
// and the driver quotes them on top.
bool isPlainName(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}$"));
    return plain.match(name).hasMatch();
}

// `?table=…&key=…&value=…&version=…` (and PostgreSQL's connect_timeout): fills `r`, or says
// what is wrong.
QString readQuery(const QString &text, const QUrlQuery &query, DatabaseUrl &r)
{
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        QString *column = name == u"table"     ? &r.table
                          : name == u"key"     ? &r.keyColumn
                          : name == u"value"   ? &r.valueColumn
                          : name == u"version" ? &r.versionColumn
                                               : nullptr;
        if (column) {
            if (!isPlainName(value))
                return DatabaseUrl::tr("\"%1\": %2=%3 is not a plain table or column name "
                                       "(letters, digits and _, not starting with a digit)")
                    .arg(text, name, value);
            *column = value;
        } else if (name == u"connect_timeout" && r.driver == DatabaseUrl::Driver::PostgreSQL) {
            bool ok = false;
            r.connectTimeoutS = value.toInt(&ok);
            if (!ok || r.connectTimeoutS < 1 || r.connectTimeoutS > 600)
                return DatabaseUrl::tr("\"%1\": connect_timeout must be a number of seconds "
                                       "from 1 to 600")
                    .arg(text);
        } else {
            return DatabaseUrl::tr("\"%1\": unknown parameter \"%2\" (use table, key, value "
                                   "and version to name your own table)")
                .arg(text, name);
        }
    }
    if (!r.table.isEmpty() && (r.keyColumn.isEmpty() || r.valueColumn.isEmpty()))
        return DatabaseUrl::tr("\"%1\": with table= name its key= and value= columns too")
            .arg(text);
    if (r.table.isEmpty() &&
        !(r.keyColumn.isEmpty() && r.valueColumn.isEmpty() && r.versionColumn.isEmpty()))
        return DatabaseUrl::tr("\"%1\": key=, value= and version= name columns of a table: "
                               "add table=")
            .arg(text);
    return {};
}

} // namespace

QString DatabaseUrl::where() const
{
    if (driver == Driver::SQLite)
        return path;
    const QString who = user.isEmpty() ? QString() : user + u'@';
    return QStringLiteral("%1%2:%3/%4").arg(who, host).arg(port).arg(database);
}

std::variant<DatabaseUrl, QString> parseDatabaseUrl(const QString &text,
                                                    const QString &passwordFromEnvironment)
{
    DatabaseUrl r;
    if (text.isEmpty() || text != text.trimmed())
        return DatabaseUrl::tr("\"%1\" is not a database: %2").arg(text, examples());
    if (text == u":memory:" || text == u"sqlite::memory:")
        return r;
    // A scheme is two characters or more, so that a drive letter ("C:") stays a path.
    static const QRegularExpression scheme(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]+):"));
    const auto match = scheme.match(text);
    if (!match.hasMatch()) {
        r.path = text;
        return r;
    }
    const QString name = match.captured(1).toLower();
    if (name == u"sqlite") {
        const QString rest = text.mid(match.capturedLength());
        const QUrl url(rest.startsWith(u"//") ? text : QStringLiteral("sqlite:") + rest,
                       QUrl::StrictMode);
        if (!url.isValid() || !url.host().isEmpty())
            return DatabaseUrl::tr("\"%1\" is not a valid SQLite URL: write sqlite:///absolute/"
                                   "path or sqlite:relative/path")
                .arg(text);
        r.path = url.path(QUrl::FullyDecoded);
        if (r.path.isEmpty())
            return DatabaseUrl::tr("\"%1\" names no file: %2").arg(text, examples());
        if (const QString error = readQuery(text, QUrlQuery(url), r); !error.isEmpty())
            return error;
        return r;
    }
    if (name == u"postgresql" || name == u"postgres") {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid())
            return DatabaseUrl::tr("\"%1\" is not a valid PostgreSQL URL: write "
                                   "postgresql://user[:password]@host[:port]/database")
                .arg(text);
        r.driver = DatabaseUrl::Driver::PostgreSQL;
        r.host = url.host();
        if (r.host.isEmpty())
            return DatabaseUrl::tr("\"%1\" names no host: write "
                                   "postgresql://user[:password]@host[:port]/database")
                .arg(text);
        r.port = url.port(5432);
        if (r.port <= 0 || r.port > 65535)
            return DatabaseUrl::tr("\"%1\" has no valid port").arg(text);
        r.database = url.path(QUrl::FullyDecoded).mid(1);
        if (r.database.isEmpty() || r.database.contains(u'/'))
            return DatabaseUrl::tr("\"%1\" names no database: add it after the slash, as in "
                                   "postgresql://ann@localhost/shop")
                .arg(text);
        r.user = url.userName(QUrl::FullyDecoded);
        r.password = url.password(QUrl::FullyDecoded);
        if (r.password.isEmpty())
            r.password = passwordFromEnvironment;
        if (const QString error = readQuery(text, QUrlQuery(url), r); !error.isEmpty())
            return error;
        return r;
    }
    return DatabaseUrl::tr("\"%1\": Cache Lab knows no database of the kind \"%2\": %3 (a file "
                           "whose name has a colon: write ./%1)")
        .arg(text, match.captured(1), examples());
}

} // namespace cachelab
