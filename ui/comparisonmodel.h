#pragma once

#include <workload/comparison.h>

#include <QAbstractTableModel>

namespace cachelab::ui {

/// The comparison's result table: one row per pattern, the measured figures, and beside each
/// measured column the source material's own rating of it ("Low", "Eventual"), so that a
/// student sees where the textbook holds. The columns are those of core's CSV and Markdown.
class ComparisonModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Pattern,
        HitRatio,
        ReadP50,
        ReadP99,
        TextbookRead,
        WriteP50,
        WriteP99,
        TextbookWrite,
        DbReadsPerThousand,
        DbWritesPerThousand,
        StaleReadRate,
        TextbookConsistency,
        LostWrites,
        TextbookComplexity,
        ColumnCount
    };
    /// The number behind a measured cell (hit ratio and stale reads as shares 0..1,
    /// latencies in ms); bar charts read it.
    static constexpr int NumberRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    /// Shows `comparison`'s finished patterns (a cancelled run's unfinished one is left out).
    void setComparison(const Comparison &comparison);
    const Comparison &comparison() const { return m_comparison; }
    void clear();

    static bool isTextbook(int column);
    double number(int row, Column column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void retranslate();

private:
    QString textbook(int row, Column column) const;

    Comparison m_comparison;
    QList<SimulationResult> m_rows;
};

} // namespace cachelab::ui
