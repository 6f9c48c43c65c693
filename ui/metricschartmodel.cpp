#include "metricschartmodel.h"

#include <QLocale>

namespace cachelab::ui {

MetricsChartModel::MetricsChartModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

MetricsChartModel::~MetricsChartModel() = default;

void MetricsChartModel::setLab(Lab *lab)
{
    beginResetModel();
    // The sampler never armed a timer (see the class comment), so it may outlive its lab;
    // it is only never asked again.
    m_sampler.reset();
    m_lab = lab;
    m_rows.clear();
    if (lab)
        m_sampler = std::make_unique<MetricsSampler>(*lab, kInterval, kWindow, 2);
    endResetModel();
    if (lab)
        sampleNow();
}

bool MetricsChartModel::sampleIfDue()
{
    if (!m_lab)
        return false;
    if (!m_rows.empty() && m_lab->now() - m_rows.back().time < kInterval)
        return false;
    sampleNow();
    return true;
}

void MetricsChartModel::sampleNow()
{
    if (!m_lab)
        return;
    if (!m_rows.empty() && m_lab->now() <= m_rows.back().time)
        return; // nothing new: one row per instant
    const MetricsSample s = m_sampler->sample();
    if (int(m_rows.size()) >= kCapacity) {
        beginRemoveRows({}, 0, 0);
        m_rows.pop_front();
        endRemoveRows();
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back(s);
    endInsertRows();
    Q_EMIT sampled();
}

void MetricsChartModel::freeze()
{
    m_sampler.reset();
    m_lab = nullptr;
}

int MetricsChartModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MetricsChartModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double MetricsChartModel::value(int row, Column c) const
{
    const MetricsSample &s = m_rows[std::size_t(row)];
    const auto ms = [](TimeUs us) { return double(us) / 1000.0; };
    switch (c) {
    case Time:
        return double(s.time) / double(kSecond);
    case HitRatio:
        return s.hitRatio * 100.0;
    case ReadP50:
        return ms(s.readP50);
    case ReadP95:
        return ms(s.readP95);
    case ReadP99:
        return ms(s.readP99);
    case WriteP50:
        return ms(s.writeP50);
    case WriteP95:
        return ms(s.writeP95);
    case WriteP99:
        return ms(s.writeP99);
    case DbReadsPerSecond:
        return s.dbReadsPerSecond;
    case DbWritesPerSecond:
        return s.dbWritesPerSecond;
    case QueueDepth:
        return s.queueDepth;
    case StaleReads:
        return double(s.staleReads);
    case LostWrites:
        return double(s.lostWrites);
    case ColumnCount:
        break;
    }
    return 0;
}

QVariant MetricsChartModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const double v = value(index.row(), Column(index.column()));
    switch (role) {
    case Qt::DisplayRole: {
        const int decimals = index.column() == Time                                         ? 3
                             : index.column() >= StaleReads || index.column() == QueueDepth ? 0
                                                                                            : 1;
        return QLocale().toString(v, 'f', decimals);
    }
    case Qt::EditRole:
        return v;
    case Qt::TextAlignmentRole:
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant MetricsChartModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Time:
        return tr("Time (s)");
    case HitRatio:
        return tr("Hit ratio (%)");
    case ReadP50:
        return tr("Read p50 (ms)");
    case ReadP95:
        return tr("Read p95 (ms)");
    case ReadP99:
        return tr("Read p99 (ms)");
    case WriteP50:
        return tr("Write p50 (ms)");
    case WriteP95:
        return tr("Write p95 (ms)");
    case WriteP99:
        return tr("Write p99 (ms)");
    case DbReadsPerSecond:
        return tr("DB reads/s");
    case DbWritesPerSecond:
        return tr("DB writes/s");
    case QueueDepth:
        return tr("Write queue");
    case StaleReads:
        return tr("Stale reads");
    case LostWrites:
        return tr("Lost writes");
    case ColumnCount:
        break;
    }
    return {};
}

QList<QPointF> MetricsChartModel::points(Column c, double fromSeconds) const
{
    QList<QPointF> out;
    for (const QList<QPointF> &run : segments(c, fromSeconds))
        out += run;
    return out;
}

QList<QList<QPointF>> MetricsChartModel::segments(Column c, double fromSeconds) const
{
    QList<QList<QPointF>> out;
    // Samples are in time order: start at the first one in range.
    const TimeUs from = TimeUs(fromSeconds * double(kSecond));
    auto it = std::lower_bound(m_rows.begin(), m_rows.end(), from,
                               [](const MetricsSample &s, TimeUs t) { return s.time < t; });
    // A window in which nothing finished has no hit ratio and no latency (not a zero one).
    const bool needsOperations = c >= HitRatio && c <= WriteP99;
    bool open = false;
    for (int row = int(it - m_rows.begin()); row < int(m_rows.size()); ++row) {
        if (needsOperations && m_rows[std::size_t(row)].operations == 0) {
            open = false;
            continue;
        }
        if (!open)
            out.append(QList<QPointF>());
        open = true;
        out.back().append(QPointF(value(row, Time), value(row, c)));
    }
    return out;
}

double MetricsChartModel::lastSeconds() const
{
    return m_rows.empty() ? 0.0 : double(m_rows.back().time) / double(kSecond);
}

} // namespace cachelab::ui
