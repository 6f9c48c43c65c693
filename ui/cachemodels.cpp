#include "cachemodels.h"

#include "diagramview.h"
#include "labtext.h"

#include <errors.h>

#include <QBrush>
#include <QFont>

namespace cachelab::ui {

namespace {

QString valueText(const CachedRecord &r)
{
    return r.absent ? CacheModel::tr("(no such row)") : displayValue(r.value, 40);
}

QVariant divergedForeground(bool diverged)
{
    return diverged ? QVariant(QBrush(errorColor())) : QVariant();
}

// Whether the cache's copy of a key tells something else than the database (core's rule).
bool diverges(const CachedRecord &cached, const RowInfo *row)
{
    const Truth truth{row ? row->version : 0, row && !row->deleted};
    return cachelab::diverges(Copy{!cached.absent, cached.version, cached.pending}, truth);
}

double fraction(TimeUs left, TimeUs full)
{
    if (left < 0 || full <= 0)
        return -1.0;
    return std::clamp(double(left) / double(full), 0.0, 1.0);
}

} // namespace

// --- CacheModel ------------------------------------------------------------------------------

int CacheModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CacheModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Version:
        return tr("Version");
    case Ttl:
        return tr("TTL");
    }
    return {};
}

QVariant CacheModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const TimeUs left = row.expiresAt < 0 ? -1 : std::max<TimeUs>(0, row.expiresAt - m_now);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Key:
            return row.key;
        case Value:
            return valueText(row.record);
        case Version:
            if (row.record.pending && row.diverged)
                return tr("v%1, not yet in the DB").arg(row.record.version);
            return row.record.absent ? QStringLiteral("—") : versionText(row.record.version);
        case Ttl:
            return row.expiresAt < 0 ? tr("no expiry") : formatSpan(left);
        }
        break;
    case Qt::ToolTipRole:
        if (row.diverged) {
            return tr("The cache holds %1, the database %2.")
                .arg(row.record.absent ? tr("\"no such row\"") : versionText(row.record.version),
                     row.dbVersion > 0 ? versionText(row.dbVersion) : tr("nothing"));
        }
        if (index.column() == Value)
            return QString::fromUtf8(row.record.value);
        break;
    case Qt::ForegroundRole:
        return divergedForeground(row.diverged);
    case FractionRole:
        return index.column() == Ttl ? fraction(left, row.fullTtl) : -1.0;
    case DivergedRole:
        return row.diverged;
    case MicrosecondsRole:
        return index.column() == Ttl ? QVariant(qint64(left)) : QVariant();
    case Qt::AccessibleTextRole:
        if (index.column() == Ttl)
            return row.expiresAt < 0 ? tr("no expiry") : tr("%1 left").arg(formatSpan(left));
        break;
    }
    return {};
}

void CacheModel::refresh(Lab &lab)
{
    QList<CacheItem> items;
    try {
        items = lab.store().scan();
    } catch (const Error &) {
        return; // a real cache that is unreachable: keep showing what we last saw
    }
    refresh(lab, items);
}

void CacheModel::refresh(Lab &lab, const QList<CacheItem> &items)
{
    m_now = lab.now();
    QHash<QString, RowInfo> rows;
    try {
        for (const RowInfo &row : lab.database().rows())
            rows.insert(row.key, row);
    } catch (const Error &) {
        return; // a real cache that is unreachable: keep showing what we last saw
    }
    const PatternOptions &options = lab.config().options;
    const bool byKey = lab.config().pattern != PatternKind::Around; // memo keys are hashes
    const TimeUs configured =
        lab.config().pattern == PatternKind::MultiLevel ? options.effectiveL2Ttl() : options.ttl;
    QList<Row> next;
    next.reserve(items.size());
    for (const CacheItem &item : std::as_const(items)) {
        Row row;
        row.key = item.key;
        row.record = item.record;
        row.expiresAt = item.ttl < 0 ? -1 : m_now + item.ttl;
        row.fullTtl = std::max(item.ttl, item.record.absent ? options.negativeTtl : configured);
        if (byKey) {
            const auto it = rows.constFind(item.key);
            const RowInfo *info = it == rows.cend() ? nullptr : &*it;
            row.dbVersion = info ? info->version : 0;
            row.diverged = diverges(item.record, info);
        }
        next.append(row);
    }
    syncRows(m_rows, std::move(next), [](const Row &r) -> QString { return r.key; });
}

bool CacheModel::setNow(TimeUs now)
{
    m_now = now;
    columnChanged(Ttl);
    return std::any_of(m_rows.cbegin(), m_rows.cend(),
                       [now](const Row &r) { return r.expiresAt >= 0 && r.expiresAt <= now; });
}

// --- L1Model ---------------------------------------------------------------------------------

int L1Model::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant L1Model::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Client:
        return tr("App");
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Version:
        return tr("Version");
    case Ttl:
        return tr("TTL");
    }
    return {};
}

QVariant L1Model::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const TimeUs left = std::max<TimeUs>(0, row.expiresAt - m_now);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Client:
            return participantName(Participant::app(row.client), m_clients);
        case Key:
            return row.item.key;
        case Value:
            return row.item.record.found ? displayValue(row.item.record.value, 40)
                                         : CacheModel::tr("(no such row)");
        case Version:
            return versionText(row.item.record.version);
        case Ttl:
            return formatSpan(left);
        }
        break;
    case Qt::ToolTipRole:
        if (row.diverged)
            return tr("Older than the database: a read here would be stale.");
        break;
    case Qt::ForegroundRole:
        return divergedForeground(row.diverged);
    case FractionRole:
        return index.column() == Ttl ? fraction(left, row.fullTtl) : -1.0;
    case DivergedRole:
        return row.diverged;
    case MicrosecondsRole:
        return index.column() == Ttl ? QVariant(qint64(left)) : QVariant();
    }
    return {};
}

void L1Model::refresh(Lab &lab)
{
    m_now = lab.now();
    m_clients = lab.clients();
    QList<Row> next;
    for (int client = 0; client < lab.clients(); ++client) {
        for (const L1Item &item : lab.pattern(client).l1()) {
            Row row{client, item, m_now + item.ttl, std::max(item.ttl, lab.config().options.l1Ttl),
                    false};
            const Truth truth{lab.database().version(item.key), lab.database().exists(item.key)};
            row.diverged =
                diverges(Copy{item.record.found, item.record.version, item.record.pending}, truth);
            next.append(row);
        }
    }
    syncRows(m_rows, std::move(next), [](const Row &r) -> QString {
        return QString::number(r.client) + u'\x1f' + r.item.key;
    });
}

bool L1Model::setNow(TimeUs now)
{
    m_now = now;
    columnChanged(Ttl);
    return std::any_of(m_rows.cbegin(), m_rows.cend(),
                       [now](const Row &r) { return r.expiresAt <= now; });
}

// --- DatabaseModel ---------------------------------------------------------------------------

int DatabaseModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatabaseModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Version:
        return tr("Version");
    case Changed:
        return tr("Changed");
    case InCache:
        return tr("Cache has");
    }
    return {};
}

QVariant DatabaseModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Key:
            return row.info.key;
        case Value:
            return row.info.deleted ? tr("(deleted)") : displayValue(row.info.value, 40);
        case Version:
            return versionText(row.info.version);
        case Changed:
            return formatClock(row.info.updatedAt);
        case InCache:
            if (!row.cached)
                return QStringLiteral("—");
            if (row.cached->absent)
                return CacheModel::tr("(no such row)");
            return QStringLiteral("%1 (%2)").arg(displayValue(row.cached->value, 40),
                                                 versionText(row.cached->version));
        }
        break;
    case Qt::ToolTipRole:
        if (row.diverged) {
            return tr("The cache disagrees with the database: it holds %1, the database %2.")
                .arg(row.cached->absent
                         ? CacheModel::tr("(no such row)")
                         : QStringLiteral("%1 (%2)").arg(displayValue(row.cached->value),
                                                         versionText(row.cached->version)),
                     QStringLiteral("%1 (%2)").arg(displayValue(row.info.value),
                                                   versionText(row.info.version)));
        }
        if (index.column() == Value)
            return QString::fromUtf8(row.info.value);
        break;
    case Qt::ForegroundRole:
        return divergedForeground(row.diverged);
    case Qt::FontRole:
        if (row.info.deleted) {
            QFont font;
            font.setStrikeOut(true);
            return font;
        }
        break;
    case DivergedRole:
        return row.diverged;
    case FractionRole:
        return -1.0;
    }
    return {};
}

void DatabaseModel::refresh(Lab &lab)
{
    QList<CacheItem> items;
    try {
        items = lab.store().scan();
    } catch (const Error &) {
        return;
    }
    refresh(lab, items);
}

void DatabaseModel::refresh(Lab &lab, const QList<CacheItem> &items)
{
    QList<RowInfo> rows;
    QHash<QString, CachedRecord> cached;
    try {
        rows = lab.database().rows();
    } catch (const Error &) {
        return;
    }
    for (const CacheItem &item : items)
        cached.insert(item.key, item.record);
    const Pattern &pattern = lab.pattern(0);
    QList<Row> next;
    next.reserve(rows.size());
    for (const RowInfo &info : std::as_const(rows)) {
        Row row{info, std::nullopt, false};
        const auto it = cached.constFind(pattern.cacheKeyFor(info.key));
        if (it != cached.cend()) {
            row.cached = *it;
            row.diverged = diverges(*it, &info);
        }
        next.append(row);
    }
    syncRows(m_rows, std::move(next), [](const Row &r) -> QString { return r.info.key; });
}

bool DatabaseModel::setNow(TimeUs)
{
    return false;
}

} // namespace cachelab::ui
