#include "comparison.h"

#include "../time/framepool.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace cachelab {

namespace {

// The ratings are the source's words; they are shown in the reader's language.
QString tr(const char *text)
{
    return QCoreApplication::translate("Textbook", text);
}

} // namespace

TextbookRating textbookRating(PatternKind kind)
{
    // The source's "Performance Characteristics" table, cell for cell. It rates five patterns.
    switch (kind) {
    case PatternKind::CacheAside:
        return {tr("Medium (miss penalty)"), tr("Low"), tr("Eventual"), tr("Low")};
    case PatternKind::WriteThrough:
        return {tr("Low"), tr("High"), tr("Strong"), tr("Medium")};
    case PatternKind::WriteBehind:
        return {tr("Low"), tr("Very Low"), tr("Eventual"), tr("High")};
    case PatternKind::RefreshAhead:
        return {tr("Very Low"), tr("Low"), tr("Eventual"), tr("Medium")};
    case PatternKind::Around:
        return {tr("Medium"), tr("Low"), tr("Eventual"), tr("Low")};
    case PatternKind::MultiLevel:
    case PatternKind::CircuitBreaker:
        return {};
    }
    return {};
}

double perThousand(const SimulationResult &r, const QString &counter)
{
    return r.requests ? 1000.0 * double(r.metrics.value(counter)) / double(r.requests) : 0.0;
}

double staleReadRate(const SimulationResult &r)
{
    const qint64 reads = r.metrics.value(QStringLiteral("reads"));
    return reads ? double(r.metrics.value(QStringLiteral("stale.reads"))) / double(reads) : 0.0;
}

Comparison compare(WorkloadSpec workload, const QMap<QString, QString> &options,
                   const Progress &progress, const LabConfig &base)
{
    Comparison c;
    workload.crashHalfway = true;
    c.workload = workload;
    const int count = int(std::size(kAllPatterns));
    for (int i = 0; i < count; ++i) {
        const PatternKind kind = kAllPatterns[i];
        PatternOptions patternOptions;
        for (auto it = options.cbegin(); it != options.cend(); ++it)
            applyOption(patternOptions, kind, it.key(), it.value()); // where the pattern has it
        Progress inner;
        if (progress)
            inner = [&](double share) { return progress((i + share) / count); };
        SimulationResult r = simulate(kind, patternOptions, workload, base, inner);
        c.cancelled = r.cancelled;
        if (!r.error.isEmpty()) {
            c.error = QStringLiteral("%1: %2").arg(patternName(kind), r.error);
            c.results.clear();
            break;
        }
        c.results.append(std::move(r));
        if (c.cancelled)
            break;
    }
    if (progress && !c.cancelled)
        progress(1.0);
    // Comparisons usually run in a worker thread that ends afterwards: hand its pooled
    // coroutine frames back now (only free blocks are pooled, so this is safe anywhere).
    detail::releaseFramePool();
    return c;
}

QJsonObject Comparison::toJson() const
{
    QJsonArray list;
    for (const SimulationResult &r : results) {
        QJsonObject o = r.toJson();
        const TextbookRating t = textbookRating(r.pattern);
        o.insert(QStringLiteral("textbook"),
                 QJsonObject{{QStringLiteral("read_latency"), t.readLatency},
                             {QStringLiteral("write_latency"), t.writeLatency},
                             {QStringLiteral("consistency"), t.consistency},
                             {QStringLiteral("complexity"), t.complexity}});
        list.append(o);
    }
    QJsonObject json{{QStringLiteral("workload"), workload.toJson()},
                     {QStringLiteral("results"), list}};
    if (cancelled)
        json.insert(QStringLiteral("partial"), true);
    return json;
}

namespace {

struct Row
{
    QString pattern;
    QStringList cells;
};

QList<Row> rows(const Comparison &c)
{
    QList<Row> out;
    for (const SimulationResult &r : c.results) {
        const TextbookRating t = textbookRating(r.pattern);
        auto ms = [](TimeUs us) { return QString::number(double(us) / 1000.0, 'f', 1); };
        out.append(
            Row{patternName(r.pattern),
                {QString::number(r.hitRatio, 'f', 3), ms(r.readP50), ms(r.readP99), t.readLatency,
                 ms(r.writeP50), ms(r.writeP99), t.writeLatency,
                 QString::number(perThousand(r, QStringLiteral("db.reads")), 'f', 1),
                 QString::number(perThousand(r, QStringLiteral("db.writes")), 'f', 1),
                 QString::number(staleReadRate(r) * 100, 'f', 2), t.consistency,
                 QString::number(r.metrics.value(QStringLiteral("lost.writes"))), t.complexity}});
    }
    return out;
}

const QStringList kColumns = {
    QStringLiteral("pattern"),
    QStringLiteral("hit ratio"),
    QStringLiteral("read p50 ms"),
    QStringLiteral("read p99 ms"),
    QStringLiteral("textbook read"),
    QStringLiteral("write p50 ms"),
    QStringLiteral("write p99 ms"),
    QStringLiteral("textbook write"),
    QStringLiteral("db reads/1k ops"),
    QStringLiteral("db writes/1k ops"),
    QStringLiteral("stale reads %"),
    QStringLiteral("textbook consistency"),
    QStringLiteral("writes lost at crash"),
    QStringLiteral("textbook complexity"),
};

QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n'))
        return s;
    QString quoted = s;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

} // namespace

QString Comparison::toCsv() const
{
    QString out;
    QStringList header;
    for (const QString &c : kColumns)
        header << csvField(c);
    out += header.join(u',') + u'\n';
    for (const Row &r : rows(*this)) {
        QStringList fields{csvField(r.pattern)};
        for (const QString &cell : r.cells)
            fields << csvField(cell);
        out += fields.join(u',') + u'\n';
    }
    return out;
}

QString Comparison::toMarkdown() const
{
    QString out = QStringLiteral("| %1 |\n|").arg(kColumns.join(QStringLiteral(" | ")));
    for (qsizetype i = 0; i < kColumns.size(); ++i)
        out += i == 0 ? QStringLiteral(" --- |") : QStringLiteral(" ---: |");
    out += u'\n';
    for (const Row &r : rows(*this)) {
        QStringList cells = r.cells;
        for (QString &c : cells) {
            if (c.isEmpty())
                c = QStringLiteral("—");
            c.replace(u'|', QStringLiteral("\\|"));
        }
        out += QStringLiteral("| %1 | %2 |\n").arg(r.pattern, cells.join(QStringLiteral(" | ")));
    }
    out += QStringLiteral("\nWorkload: %1 requests, %2 keys, %3, write ratio %4, %5 client(s), "
                          "seed %6; every instance crashes halfway through. \"—\": the source "
                          "material does not rate this pattern.\n")
               .arg(workload.requests)
               .arg(workload.keys)
               .arg(workload.distribution.toString())
               .arg(workload.writeRatio)
               .arg(workload.clients)
               .arg(workload.seed);
    return out;
}

} // namespace cachelab
