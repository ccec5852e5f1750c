#include "interfacelistmodel.h"

#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <algorithm>

namespace pl {

namespace {

QString linkTypeName(quint32 linkType)
{
    switch (linkType) {
    case 0:
        return InterfaceListModel::tr("not capturable");
    case 1:
        return InterfaceListModel::tr("Ethernet");
    case 101:
        return InterfaceListModel::tr("raw IP");
    case 105:
        return InterfaceListModel::tr("IEEE 802.11");
    case 113:
        return InterfaceListModel::tr("Linux cooked");
    case 127:
        return InterfaceListModel::tr("802.11 radiotap");
    default:
        return InterfaceListModel::tr("link type %1").arg(linkType);
    }
}

} // namespace

InterfaceListModel::InterfaceListModel(QObject *parent) : InterfaceListModel(Source(), parent)
{
    // The real source remembers why a listing failed, for the page to say so.
    m_source = [this] {
        std::string error;
        auto list = capture::listInterfaces(&error);
        m_error = QString::fromStdString(error);
        return list;
    };
    refreshNow();
}

InterfaceListModel::InterfaceListModel(Source source, QObject *parent)
    : QAbstractTableModel(parent), m_source(std::move(source))
{
    m_clock.start();
    m_timer.setInterval(RefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &InterfaceListModel::refreshNow);
    if (m_source)
        refreshNow();
}

void InterfaceListModel::setLive(bool live)
{
    if (live == m_timer.isActive())
        return;
    if (live) {
        // Fresh counters as the base, without a rate: the first rate after a pause then spans
        // one interval, neither the whole time the page was hidden nor the few milliseconds
        // since the model was made.
        update(m_clock.elapsed(), false);
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void InterfaceListModel::refreshNow()
{
    refresh(m_clock.elapsed());
}

quint64 InterfaceListModel::packetCount(const capture::InterfaceInfo &info)
{
    // Every packet sent on loopback is also received on it: count it once, as a capture on
    // lo shows it once.
    return info.loopback ? info.rxPackets : info.rxPackets + info.txPackets;
}

bool InterfaceListModel::sameInterface(const capture::InterfaceInfo &a,
                                       const capture::InterfaceInfo &b)
{
    // The index alone is reused after a delete; the name alone survives a delete and re-create
    // under a new index (with counters from zero). Both together name one device.
    return a.index == b.index && a.name == b.name;
}

InterfaceListModel::Row InterfaceListModel::makeRow(const capture::InterfaceInfo &info,
                                                    qint64 nowMs)
{
    Row row;
    row.info = info;
    row.name = QString::fromStdString(info.name);
    for (const std::string &a : info.addresses)
        row.addresses.append(QString::fromStdString(a));
    row.lastPackets = packetCount(info);
    row.lastMs = nowMs;
    return row;
}

void InterfaceListModel::refresh(qint64 nowMs)
{
    update(nowMs, true);
}

void InterfaceListModel::update(qint64 nowMs, bool sample)
{
    std::vector<capture::InterfaceInfo> list = m_source ? m_source() : decltype(list)();
    std::stable_sort(list.begin(), list.end(),
                     [](const auto &a, const auto &b) { return a.index < b.index; });
    auto present = [&list](const Row &row) {
        return std::any_of(list.begin(), list.end(),
                           [&row](const auto &i) { return sameInterface(row.info, i); });
    };

    // Gone interfaces first, one contiguous run at a time from the end so rows above keep
    // their numbers.
    for (int r = int(m_rows.size()) - 1; r >= 0; --r) {
        if (present(m_rows[r]))
            continue;
        const int last = r;
        while (r > 0 && !present(m_rows[r - 1]))
            --r;
        beginRemoveRows({}, r, last);
        m_rows.remove(r, last - r + 1);
        endRemoveRows();
    }

    // The survivors are now a subsequence of `list` in the same (index) order: walk both,
    // updating matches and inserting each run of new interfaces where it belongs.
    bool sampled = false;
    int row = 0;
    size_t i = 0;
    auto matches = [&](size_t j) {
        return row < m_rows.size() && sameInterface(m_rows[row].info, list[j]);
    };
    while (i < list.size()) {
        if (matches(i)) {
            Row &r = m_rows[row];
            const capture::InterfaceInfo &info = list[i];
            const bool shown = info.up != r.info.up || info.linkType != r.info.linkType ||
                               info.addresses != r.info.addresses || info.running != r.info.running;
            const quint64 packets = packetCount(info);
            if (nowMs > r.lastMs) {
                // A counter that went backwards was reset (driver reload): no rate this time.
                if (sample && packets >= r.lastPackets) {
                    r.history.append(qreal(packets - r.lastPackets) * 1000.0 /
                                     qreal(nowMs - r.lastMs));
                    if (r.history.size() > HistoryLength)
                        r.history.remove(0, r.history.size() - HistoryLength);
                    sampled = true;
                }
                r.lastPackets = packets;
                r.lastMs = nowMs;
            }
            if (shown) {
                Row fresh = makeRow(info, nowMs);
                r.info = fresh.info;
                r.addresses = fresh.addresses;
                emit dataChanged(index(row, Name), index(row, Addresses));
            } else {
                r.info.rxPackets = info.rxPackets;
                r.info.txPackets = info.txPackets;
            }
            ++row;
            ++i;
            continue;
        }
        size_t end = i;
        while (end < list.size() && !matches(end))
            ++end;
        beginInsertRows({}, row, row + int(end - i) - 1);
        for (size_t j = i; j < end; ++j, ++row)
            m_rows.insert(row, makeRow(list[j], nowMs));
        endInsertRows();
        i = end;
    }
    // Only a source that breaks the index order leaves survivors behind; drop them.
    if (row < m_rows.size()) {
        beginRemoveRows({}, row, int(m_rows.size()) - 1);
        m_rows.resize(row);
        endRemoveRows();
    }

    if (sampled && !m_rows.isEmpty())
        emit dataChanged(index(0, Traffic), index(int(m_rows.size()) - 1, Traffic),
                         {Qt::DisplayRole, Qt::ToolTipRole, HistoryRole, RateRole});
    emit refreshed();
}

int InterfaceListModel::rowOf(const QString &name) const
{
    for (int r = 0; r < m_rows.size(); ++r)
        if (m_rows[r].name == name)
            return r;
    return -1;
}

QString InterfaceListModel::interfaceName(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].name : QString();
}

int InterfaceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int InterfaceListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString InterfaceListModel::rateText(qreal rate)
{
    return tr("%1 pkt/s").arg(QLocale().toString(qRound64(rate)));
}

QVariant InterfaceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows[index.row()];
    switch (role) {
    case InterfaceNameRole:
        return r.name;
    case LinkTypeRole:
        return uint(r.info.linkType);
    case HistoryRole:
        return QVariant::fromValue(r.history);
    case RateRole:
        return r.history.isEmpty() ? QVariant() : QVariant(r.history.last());
    case UpRole:
        return r.info.up;
    case CapturableRole:
        return r.info.linkType != 0;
    case Qt::ForegroundRole:
        // A down interface can still be captured on (it may come up), so it stays enabled but
        // reads as inactive.
        if (!r.info.up)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    default:
        break;
    }

    switch (index.column()) {
    case Name:
        if (role == Qt::DisplayRole)
            return r.info.up ? r.name : tr("%1 (down)").arg(r.name);
        if (role == Qt::ToolTipRole) {
            QString state = !r.info.up       ? tr("down")
                            : r.info.running ? tr("up")
                                             : tr("up, no carrier");
            QString tip = tr("%1: %2, %3").arg(r.name, linkTypeName(r.info.linkType), state);
            if (r.info.linkType == 0)
                tip += QLatin1Char('\n') +
                       tr("PacketLens cannot capture on this kind of device (ARPHRD %1).")
                           .arg(r.info.arphrd);
            return tip;
        }
        break;
    case Addresses:
        if (role == Qt::DisplayRole)
            return r.addresses.join(QStringLiteral(", "));
        if (role == Qt::ToolTipRole && !r.addresses.isEmpty())
            return r.addresses.join(QLatin1Char('\n'));
        break;
    case Traffic:
        if (role == Qt::DisplayRole)
            return r.history.isEmpty() ? QString() : rateText(r.history.last());
        if (role == Qt::ToolTipRole && !r.history.isEmpty()) {
            const qreal peak = *std::max_element(r.history.begin(), r.history.end());
            return tr("Packets per second over the last %n second(s); peak %1", nullptr,
                      int(r.history.size()))
                .arg(rateText(peak));
        }
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

Qt::ItemFlags InterfaceListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return Qt::NoItemFlags;
    // Interfaces PacketRing cannot capture on are listed (the user looks for them) but cannot
    // be chosen.
    if (m_rows[index.row()].info.linkType == 0)
        return Qt::ItemNeverHasChildren;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant InterfaceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Interface");
    case Addresses:
        return tr("Addresses");
    case Traffic:
        return tr("Traffic");
    default:
        return {};
    }
}

} // namespace pl
