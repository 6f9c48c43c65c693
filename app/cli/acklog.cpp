#include "acklog.h"
#include "clicommands.h"

#include <lab/lab.h>

#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>

#include <unistd.h>

namespace cachelab::cli {

bool AckLog::open(const QString &path)
{
    m_file.setFileName(path);
    return m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered);
}

void AckLog::attach(Lab &lab)
{
    lab.setAcknowledgementListener(
        [this](const Operation &op, qint64 version) { append(op, version); });
}

void AckLog::append(const Operation &op, qint64 version)
{
    if (!m_error.isEmpty())
        return;
    const bool deleted = op.kind == Operation::Kind::Delete;
    QJsonObject line{{QStringLiteral("client"), QString(QChar(u'A' + op.client))},
                     {QStringLiteral("key"), op.key},
                     {QStringLiteral("version"), version},
                     {QStringLiteral("time_us"), op.finishedAt}};
    if (deleted)
        line.insert(QStringLiteral("deleted"), true);
    else
        line.insert(QStringLiteral("value"), QString::fromUtf8(op.value));
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    // Unbuffered: write() hands the line to the kernel at once, which is all a kill -9 needs;
    // fdatasync() also keeps it through a crash of the machine. That costs a disk flush per
    // write, which is the price of a log that may be trusted after any crash.
    // (A device such as /dev/null cannot be synced, and needs not be.)
    if (m_file.write(bytes) != bytes.size() ||
        (::fdatasync(m_file.handle()) != 0 && errno != EINVAL)) {
        m_error = Cli::tr("cannot write the acknowledgement log %1: %2")
                      .arg(m_file.fileName(), m_file.errorString());
    }
}

} // namespace cachelab::cli
