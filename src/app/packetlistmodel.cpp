#include "packetlistmodel.h"

#include "analysis/packetstore.h"
#include "dissect/fieldtree.h"
#include "dissect/frame.h"
#include "dissect/textformat.h"

#include <QColor>
#include <QDateTime>
#include <QTimeZone>

#include <bit>

namespace pl {

namespace {

// Seconds with 6 decimals (Wireshark's default "automatic" precision for µs captures).
QString secondsText(int64_t sec, uint32_t nsec)
{
    std::string text;
    text::appendSecondsNs(text, sec, nsec, 6);
    return QString::fromStdString(text);
}

QString dateTimeText(int64_t sec, uint32_t nsec, bool utc)
{
    const QDateTime t = utc ? QDateTime::fromSecsSinceEpoch(sec, QTimeZone::utc())
                            : QDateTime::fromSecsSinceEpoch(sec);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.")) +
           QStringLiteral("%1").arg(nsec / 1000u, 6, 10, QLatin1Char('0'));
}

// Wireshark's default coloring rules, the light backgrounds of the common protocols.
QVariant protocolBackground(const QString &protocol)
{
    struct Color
    {
        QLatin1String name;
        QRgb rgb;
    };
    static const Color colors[] = {
        {QLatin1String("TCP"), qRgb(0xe7, 0xe6, 0xff)},
        {QLatin1String("UDP"), qRgb(0xda, 0xee, 0xff)},
        {QLatin1String("ARP"), qRgb(0xfa, 0xf0, 0xd7)},
        {QLatin1String("ICMP"), qRgb(0xfc, 0xe0, 0xff)},
        {QLatin1String("ICMPv6"), qRgb(0xfc, 0xe0, 0xff)},
    };
    for (const Color &c : colors)
        if (protocol == c.name)
            return QColor(c.rgb);
    return {};
}

// Broken packets stand out whatever their protocol.
constexpr QRgb kBadColor = qRgb(0xff, 0x80, 0x80);
// Wireshark's marked packets: white on black, over any coloring rule.
constexpr QRgb kMarkedBackground = qRgb(0, 0, 0);
constexpr QRgb kMarkedForeground = qRgb(0xff, 0xff, 0xff);

} // namespace

PacketListModel::PacketListModel(PacketStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_store(store), m_sorter(new PacketSorter(this))
{
    m_seen = int(store->count());
    m_filtered = !store->displayFilter().isEmpty();
    rebuildMapping();
    connect(store, &PacketStore::packetsAppended, this, &PacketListModel::onAppended);
    connect(store, &PacketStore::displayFilterApplied, this, &PacketListModel::onFilterApplied);
    connect(store, &PacketStore::coloringRulesChanged, this, [this] {
        if (m_rows > 0)
            emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1),
                             {Qt::BackgroundRole, Qt::ForegroundRole});
    });
    connect(store, &PacketStore::aboutToClose, this, [this] {
        m_sorter->cancel();
        beginResetModel();
    });
    connect(store, &PacketStore::closed, this, [this] {
        m_rows = 0;
        m_seen = 0;
        m_order.clear();
        m_mapped = false;
        m_filtered = false;
        m_view = {};
        m_inverse = {};
        const bool hadMarks = m_markedCount > 0;
        m_marks = {};
        m_markedCount = 0;
        endResetModel();
        setSorting(false);
        setSortState(-1, Qt::AscendingOrder);
        if (hadMarks)
            emit marksChanged();
    });
    connect(m_sorter, &PacketSorter::sorted, this, &PacketListModel::onSorted);
    connect(m_sorter, &PacketSorter::failed, this,
            [this](quint64 request, const QString &) { onSortFailed(request); });
}

bool PacketListModel::shown(qsizetype storeRow) const
{
    return !m_filtered || m_store->isDisplayed(storeRow);
}

void PacketListModel::rebuildMapping()
{
    m_mapped = m_filtered || !m_order.isEmpty();
    m_view = {};
    m_inverse = {};
    if (!m_mapped) {
        m_rows = m_seen;
        return;
    }
    m_view.reserve(size_t(m_filtered ? m_store->displayedCount() : m_seen));
    for (const auto s : std::as_const(m_order))
        if (shown(qsizetype(s)))
            m_view.push_back(uint32_t(s));
    for (qsizetype s = m_order.size(); s < m_seen; ++s)
        if (shown(s))
            m_view.push_back(uint32_t(s));
    m_inverse.assign(size_t(m_seen), -1);
    for (size_t v = 0; v < m_view.size(); ++v)
        m_inverse[m_view[v]] = int32_t(v);
    m_rows = int(m_view.size());
}

void PacketListModel::onFilterApplied()
{
    beginResetModel();
    m_filtered = !m_store->displayFilter().isEmpty();
    m_seen = int(m_store->count());
    if (m_order.size() > m_seen)
        m_order.clear(); // cannot happen: rows only grow until a close
    rebuildMapping();
    endResetModel();
    emit filterApplied();
}

void PacketListModel::onAppended(qsizetype first, qsizetype last)
{
    // The store announces consecutive batches; a gap would mean rows announced before this
    // model existed, which the constructor already counted.
    if (last < m_seen)
        return;
    first = qMax<qsizetype>(first, m_seen);
    const bool storeFiltered = !m_store->displayFilter().isEmpty();
    if (storeFiltered != m_filtered) {
        if (m_seen == 0) {
            m_filtered = storeFiltered; // a new file under the filter already applied
            m_mapped = m_filtered || !m_order.isEmpty();
        } else if (!m_store->isFiltering()) {
            // No pass will tell: take the store's verdicts now.
            m_seen = int(last + 1);
            onFilterApplied();
            return;
        }
        // Otherwise a pass is running and displayFilterApplied() rebuilds everything soon;
        // until then new rows follow the rows' current rule.
    }
    if (!m_mapped) {
        // View row == store row: the range is the store's.
        beginInsertRows({}, int(first), int(last));
        m_seen = m_rows = int(last + 1);
        endInsertRows();
        return;
    }
    std::vector<uint32_t> added;
    for (qsizetype s = first; s <= last; ++s)
        if (shown(s))
            added.push_back(uint32_t(s));
    m_inverse.resize(size_t(last + 1), -1);
    m_seen = int(last + 1);
    if (added.empty())
        return;
    // While sorted, new rows go after the sorted ones in capture order, as Wireshark does.
    beginInsertRows({}, m_rows, m_rows + int(added.size()) - 1);
    for (const uint32_t s : added) {
        m_inverse[s] = int32_t(m_view.size());
        m_view.push_back(s);
    }
    m_rows = int(m_view.size());
    endInsertRows();
}

qsizetype PacketListModel::storeRow(int row) const
{
    if (row < 0 || row >= m_rows)
        return -1;
    return m_mapped ? qsizetype(m_view[size_t(row)]) : qsizetype(row);
}

int PacketListModel::viewRow(qsizetype storeRow) const
{
    if (storeRow < 0 || storeRow >= m_seen)
        return -1;
    if (!m_mapped)
        return int(storeRow);
    return size_t(storeRow) < m_inverse.size() ? m_inverse[size_t(storeRow)] : -1;
}

void PacketListModel::setSorting(bool sorting)
{
    if (sorting == m_sorting)
        return;
    m_sorting = sorting;
    if (sorting)
        emit sortingStarted();
    else
        emit sortingFinished();
}

void PacketListModel::setSortState(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    emit sortOrderChanged(column, order);
}

void PacketListModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount || (column == Number && order == Qt::AscendingOrder)) {
        m_sorter->cancel();
        applyOrder({});
        setSortState(column == Number ? Number : -1, order);
        setSorting(false);
        return;
    }
    if (column == Number || m_seen == 0 || m_store->filePath().isEmpty()) {
        // No pass over the file needed: answered now.
        m_sorter->cancel();
        PacketSorter::Order reversed;
        if (column == Number)
            PacketSorter::computeOrder({}, m_seen, PacketSorter::Key::Number, order, reversed);
        applyOrder(std::move(reversed));
        setSortState(column, order);
        setSorting(false);
        return;
    }
    PacketSorter::Key key = PacketSorter::Key::Info;
    switch (Column(column)) {
    case Number:
    case ColumnCount:
        break;
    case Time:
        key =
            m_timeFormat == TimeFormat::Delta ? PacketSorter::Key::Delta : PacketSorter::Key::Time;
        break;
    case Source:
        key = PacketSorter::Key::Source;
        break;
    case Destination:
        key = PacketSorter::Key::Destination;
        break;
    case Protocol:
        key = PacketSorter::Key::Protocol;
        break;
    case Length:
        key = PacketSorter::Key::Length;
        break;
    case Info:
        key = PacketSorter::Key::Info;
        break;
    }
    m_pendingColumn = column;
    m_pendingOrder = order;
    m_request = m_sorter->sort(m_store->filePath(), m_seen, key, order);
    setSorting(true);
}

void PacketListModel::resetSortOrder()
{
    m_sorter->cancel();
    applyOrder({});
    setSortState(-1, Qt::AscendingOrder);
    setSorting(false);
}

void PacketListModel::onSorted(quint64 request, const PacketSorter::Order &order)
{
    if (request != m_request)
        return;
    // Rows only grow between a request and its result (a close cancels the request).
    if (order.size() <= m_seen) {
        applyOrder(order);
        setSortState(m_pendingColumn, m_pendingOrder);
    }
    setSorting(false);
}

void PacketListModel::onSortFailed(quint64 request)
{
    if (request != m_request)
        return;
    setSorting(false);
    // The order shown stays: a header that already shows the new column can go back.
    emit sortOrderChanged(m_sortColumn, m_sortOrder);
}

void PacketListModel::applyOrder(PacketSorter::Order order)
{
    if (order.isEmpty() && m_order.isEmpty())
        return; // capture order already
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    std::vector<qsizetype> packets;
    packets.reserve(size_t(from.size()));
    for (const QModelIndex &i : from)
        packets.push_back(storeRow(i.row()));
    m_order = std::move(order);
    rebuildMapping(); // the same rows (the filter did not change), in the new order
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i)
        to.append(index(viewRow(packets[size_t(i)]), from[i].column()));
    changePersistentIndexList(from, to);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void PacketListModel::setTimeFormat(TimeFormat format)
{
    if (format == m_timeFormat)
        return;
    m_timeFormat = format;
    if (m_rows > 0)
        emit dataChanged(index(0, Time), index(m_rows - 1, Time), {Qt::DisplayRole});
}

void PacketListModel::setRuleColors(const QList<QPair<QColor, QColor>> &foregroundBackground)
{
    m_useRules = true;
    m_ruleColors = foregroundBackground;
    if (m_rows > 0)
        emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1),
                         {Qt::BackgroundRole, Qt::ForegroundRole});
}

int PacketListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int PacketListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PacketListModel::timeText(int row) const
{
    const qsizetype packet = storeRow(row);
    if (packet < 0)
        return {};
    const PacketStore::Row r = m_store->row(packet);
    if (!r.hasTime)
        return {};
    int64_t sec;
    uint32_t nsec;
    switch (m_timeFormat) {
    case TimeFormat::Relative:
        timeDifference(r.tsSec, r.tsNsec, m_store->firstSec(), m_store->firstNsec(), sec, nsec);
        return secondsText(sec, nsec);
    case TimeFormat::Delta: {
        // Since the previous packet in capture order, whatever the view's order (Wireshark's
        // frame.time_delta).
        if (packet == 0)
            return secondsText(0, 0);
        const PacketStore::Row prev = m_store->row(packet - 1);
        timeDifference(r.tsSec, r.tsNsec, prev.tsSec, prev.tsNsec, sec, nsec);
        return secondsText(sec, nsec);
    }
    case TimeFormat::Absolute:
        return dateTimeText(r.tsSec, r.tsNsec, false);
    case TimeFormat::Utc:
        return dateTimeText(r.tsSec, r.tsNsec, true);
    case TimeFormat::Epoch:
        return secondsText(r.tsSec, r.tsNsec);
    }
    return {};
}

QVariant PacketListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const qsizetype packet = storeRow(row);
    switch (role) {
    case Qt::DisplayRole: {
        if (index.column() == Time)
            return timeText(row);
        const PacketStore::Row r = m_store->row(packet);
        switch (index.column()) {
        case Number:
            return QString::number(r.number);
        case Source:
            return r.source;
        case Destination:
            return r.destination;
        case Protocol:
            return r.protocol;
        case Length:
            return QString::number(r.length);
        case Info:
            return r.info;
        }
        return {};
    }
    case Qt::TextAlignmentRole:
        if (index.column() == Number || index.column() == Time || index.column() == Length)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::BackgroundRole: {
        if (markedStoreRow(packet))
            return QColor(kMarkedBackground);
        if (m_useRules) {
            if (m_ruleColors.isEmpty())
                return {}; // colouring off
            const int rule = m_store->row(packet).colorRule;
            if (rule >= 0 && rule < m_ruleColors.size() && m_ruleColors[rule].second.isValid())
                return m_ruleColors[rule].second;
            return {};
        }
        const PacketStore::Row r = m_store->row(packet);
        if (r.flags & (NodeFlag::Malformed | NodeFlag::BadChecksum))
            return QColor(kBadColor);
        return protocolBackground(r.protocol);
    }
    case Qt::ForegroundRole:
        if (markedStoreRow(packet))
            return QColor(kMarkedForeground);
        if (m_useRules && !m_ruleColors.isEmpty()) {
            const int rule = m_store->row(packet).colorRule;
            if (rule >= 0 && rule < m_ruleColors.size() && m_ruleColors[rule].first.isValid())
                return m_ruleColors[rule].first;
        }
        return {};
    case MarkedRole:
        return markedStoreRow(packet);
    case FlagsRole:
        return uint(m_store->row(packet).flags);
    case FrameNumberRole:
        return qulonglong(m_store->row(packet).number);
    }
    return {};
}

bool PacketListModel::markedStoreRow(qsizetype storeRow) const
{
    return storeRow >= 0 && testBit(m_marks, uint64_t(storeRow));
}

void PacketListModel::markRowChanged(int viewRow)
{
    emit dataChanged(index(viewRow, 0), index(viewRow, ColumnCount - 1),
                     {Qt::BackgroundRole, Qt::ForegroundRole, MarkedRole});
}

void PacketListModel::setMarked(int viewRow, bool marked)
{
    const qsizetype packet = storeRow(viewRow);
    if (packet < 0 || markedStoreRow(packet) == marked)
        return;
    putBit(m_marks, uint64_t(packet), marked);
    m_markedCount += marked ? 1 : -1;
    markRowChanged(viewRow);
    emit marksChanged();
}

void PacketListModel::toggleMark(int viewRow)
{
    setMarked(viewRow, !isMarked(viewRow));
}

bool PacketListModel::isMarked(int viewRow) const
{
    return markedStoreRow(storeRow(viewRow));
}

int PacketListModel::nextMarked(int viewRow, bool forward) const
{
    if (m_markedCount == 0 || m_rows == 0)
        return -1;
    // Marks are few and kept by packet: walk the set bits and keep the view row at the
    // smallest distance in the wanted direction, rather than scan a million view rows.
    const qsizetype n = m_rows;
    const qsizetype from = viewRow >= 0 && viewRow < n ? viewRow : (forward ? -1 : n);
    int best = -1;
    qsizetype bestDistance = n + 1;
    for (size_t w = 0; w < m_marks.size(); ++w) {
        for (uint64_t bits = m_marks[w]; bits != 0; bits &= bits - 1) {
            const qsizetype packet = qsizetype(w * 64 + size_t(std::countr_zero(bits)));
            const int v = this->viewRow(packet);
            if (v < 0)
                continue;
            const qsizetype distance = ((forward ? v - from : from - v) - 1 + 2 * n) % n;
            if (distance < bestDistance) {
                bestDistance = distance;
                best = v;
            }
        }
    }
    return best;
}

void PacketListModel::clearMarks()
{
    if (m_markedCount == 0)
        return;
    m_marks = {};
    m_markedCount = 0;
    if (m_rows > 0)
        emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1),
                         {Qt::BackgroundRole, Qt::ForegroundRole, MarkedRole});
    emit marksChanged();
}

QVariant PacketListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::Alignment(
            (section == Number || section == Time || section == Length ? Qt::AlignRight
                                                                       : Qt::AlignLeft) |
            Qt::AlignVCenter));
    if (role != Qt::DisplayRole)
        return {};
    static const char *const names[ColumnCount] = {"No.",      "Time",   "Source", "Destination",
                                                   "Protocol", "Length", "Info"};
    return QString::fromLatin1(names[section]);
}

} // namespace pl
