#pragma once

#include <QFile>
#include <QString>

namespace cachelab {
struct Operation;
class Lab;
} // namespace cachelab

namespace cachelab::cli {

/// `--ack-log FILE`: one JSON line per acknowledged write or delete, on disk before the
/// acknowledgement counts, so that after a kill -9 the file says exactly which writes the
/// application was told had succeeded. Appends: a restarted run adds to the same log.
class AckLog final
{
public:
    /// Opens `path` for appending; false (and errorString()) if it cannot.
    bool open(const QString &path);
    /// Logs every acknowledgement of `lab` from now on.
    void attach(Lab &lab);
    /// Set once a line could not be written and synced: the run's acknowledgements are then
    /// not all on disk, which the caller must report.
    const QString &error() const { return m_error; }
    QString errorString() const { return m_file.errorString(); }

private:
    void append(const Operation &op, qint64 version);

    QFile m_file;
    QString m_error;
};

} // namespace cachelab::cli
