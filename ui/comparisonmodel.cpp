#include "comparisonmodel.h"

#include "patterncatalog.h"

#include <QFont>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

namespace cachelab::ui {

void ComparisonModel::setComparison(const Comparison &comparison)
{
    beginResetModel();
    m_comparison = comparison;
    m_rows.clear();
    for (const SimulationResult &r : comparison.results) {
        if (!r.cancelled)
            m_rows.append(r);
    }
    endResetModel();
}

void ComparisonModel::clear()
{
    setComparison(Comparison());
}

bool ComparisonModel::isTextbook(int column)
{
    return column == TextbookRead || column == TextbookWrite || column == TextbookConsistency ||
           column == TextbookComplexity;
}

int ComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double ComparisonModel::number(int row, Column column) const
{
    const SimulationResult &r = m_rows[row];
    const auto ms = [](TimeUs us) { return double(us) / 1000.0; };
    switch (column) {
    case HitRatio:
        return r.hitRatio;
    case ReadP50:
        return ms(r.readP50);
    case ReadP99:
        return ms(r.readP99);
    case WriteP50:
        return ms(r.writeP50);
    case WriteP99:
        return ms(r.writeP99);
    case DbReadsPerThousand:
        return perThousand(r, QStringLiteral("db.reads"));
    case DbWritesPerThousand:
        return perThousand(r, QStringLiteral("db.writes"));
    case StaleReadRate:
        return staleReadRate(r);
    case LostWrites:
        return double(r.metrics.value(QStringLiteral("lost.writes")));
    default:
        return 0;
    }
}

QString ComparisonModel::textbook(int row, Column column) const
{
    const TextbookRating t = textbookRating(m_rows[row].pattern);
    switch (column) {
    case TextbookRead:
        return t.readLatency;
    case TextbookWrite:
        return t.writeLatency;
    case TextbookConsistency:
        return t.consistency;
    case TextbookComplexity:
        return t.complexity;
    default:
        return {};
    }
}

QVariant ComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto column = Column(index.column());
    const bool book = isTextbook(column);
    switch (role) {
    case Qt::DisplayRole: {
        if (column == Pattern)
            return shortPatternName(m_rows[index.row()].pattern);
        if (book) {
            const QString words = textbook(index.row(), column);
            return words.isEmpty() ? QStringLiteral("—") : words;
        }
        const QLocale locale;
        const double v = number(index.row(), column);
        switch (column) {
        case HitRatio:
        case StaleReadRate:
            return tr("%1 %").arg(locale.toString(v * 100, 'f', column == HitRatio ? 1 : 2));
        case ReadP50:
        case ReadP99:
        case WriteP50:
        case WriteP99:
            return tr("%1 ms").arg(locale.toString(v, 'f', 1));
        case DbReadsPerThousand:
        case DbWritesPerThousand:
            return locale.toString(v, 'f', 1);
        case LostWrites:
            return locale.toString(qint64(v));
        default:
            return {};
        }
    }
    case NumberRole:
        return column == Pattern || book ? QVariant() : QVariant(number(index.row(), column));
    case Qt::TextAlignmentRole:
        if (column == Pattern || book)
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (book) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        if (column == Pattern) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        // The textbook's words are quoted, not measured: set apart in the palette's link tone.
        if (book)
            return QGuiApplication::palette().brush(QPalette::Link);
        return {};
    case Qt::ToolTipRole:
        if (column == Pattern)
            return patternText(m_rows[index.row()].pattern).title;
        if (book && textbook(index.row(), column).isEmpty())
            return tr("The source material does not rate this pattern.");
        if (book)
            return tr("What the source material's comparison table says.");
        return {};
    }
    return {};
}

QVariant ComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case Pattern:
            return tr("Pattern");
        case HitRatio:
            return tr("Hit ratio");
        case ReadP50:
            return tr("Read p50");
        case ReadP99:
            return tr("Read p99");
        case TextbookRead:
            return tr("Textbook:\nread latency");
        case WriteP50:
            return tr("Write p50");
        case WriteP99:
            return tr("Write p99");
        case TextbookWrite:
            return tr("Textbook:\nwrite latency");
        case DbReadsPerThousand:
            return tr("DB reads\nper 1,000 ops");
        case DbWritesPerThousand:
            return tr("DB writes\nper 1,000 ops");
        case StaleReadRate:
            return tr("Stale reads");
        case TextbookConsistency:
            return tr("Textbook:\nconsistency");
        case LostWrites:
            return tr("Writes lost\nat the crash");
        case TextbookComplexity:
            return tr("Textbook:\ncomplexity");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case HitRatio:
            return tr("Lookups the cache answered, of all lookups (L1 hits count as hits)");
        case ReadP50:
        case WriteP50:
            return tr("Half of the operations took at most this long (virtual time)");
        case ReadP99:
        case WriteP99:
            return tr("99 in 100 operations took at most this long (virtual time)");
        case DbReadsPerThousand:
        case DbWritesPerThousand:
            return tr("Database rows read or written per 1,000 application operations");
        case StaleReadRate:
            return tr("Reads that returned an older version than the database held");
        case LostWrites:
            return tr("Acknowledged writes that never reached the database when every "
                      "instance crashed halfway through");
        case TextbookRead:
        case TextbookWrite:
        case TextbookConsistency:
        case TextbookComplexity:
            return tr("The source material's own words for this pattern");
        default:
            return {};
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

void ComparisonModel::retranslate()
{
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace cachelab::ui
