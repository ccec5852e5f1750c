#include "packetlistmodel.h"

#include "analysis/packetstore.h"
#include "dissect/fieldtree.h"
#include "dissect/frame.h"
#include "dissect/textformat.h"

#include <QColor>
#include <QDateTime>
#include <QTimeZone>

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

} // namespace

PacketListModel::PacketListModel(PacketStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_store(store)
{
    m_rows = int(store->count());
    connect(store, &PacketStore::packetsAppended, this, &PacketListModel::onAppended);
    connect(store, &PacketStore::aboutToClose, this, [this] { beginResetModel(); });
    connect(store, &PacketStore::closed, this, [this] {
        m_rows = 0;
        endResetModel();
    });
}

void PacketListModel::onAppended(qsizetype first, qsizetype last)
{
    // The store announces consecutive batches; a gap would mean rows announced before this
    // model existed, which the constructor already counted.
    if (last < m_rows)
        return;
    first = qMax<qsizetype>(first, m_rows);
    beginInsertRows({}, int(first), int(last));
    m_rows = int(last + 1);
    endInsertRows();
}

void PacketListModel::setTimeFormat(TimeFormat format)
{
    if (format == m_timeFormat)
        return;
    m_timeFormat = format;
    if (m_rows > 0)
        emit dataChanged(index(0, Time), index(m_rows - 1, Time), {Qt::DisplayRole});
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
    const PacketStore::Row r = m_store->row(row);
    if (!r.hasTime)
        return {};
    int64_t sec;
    uint32_t nsec;
    switch (m_timeFormat) {
    case TimeFormat::Relative:
        timeDifference(r.tsSec, r.tsNsec, m_store->firstSec(), m_store->firstNsec(), sec, nsec);
        return secondsText(sec, nsec);
    case TimeFormat::Delta: {
        if (row == 0)
            return secondsText(0, 0);
        const PacketStore::Row prev = m_store->row(row - 1);
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
    switch (role) {
    case Qt::DisplayRole: {
        if (index.column() == Time)
            return timeText(row);
        const PacketStore::Row r = m_store->row(row);
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
        const PacketStore::Row r = m_store->row(row);
        if (r.flags & (NodeFlag::Malformed | NodeFlag::BadChecksum))
            return QColor(kBadColor);
        return protocolBackground(r.protocol);
    }
    case FlagsRole:
        return uint(m_store->row(row).flags);
    case FrameNumberRole:
        return qulonglong(m_store->row(row).number);
    }
    return {};
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
