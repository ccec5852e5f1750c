#pragma once

#include "capture/interfacelist.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QList>
#include <QTimer>

#include <functional>
#include <vector>

namespace pl {

/// The network interfaces one can capture on, with their addresses and a live packets/s
/// history, for the start page and the capture dialog. Everything comes from
/// capture::listInterfaces() (rtnetlink), so no privilege is needed. While live, the list is
/// re-read every second: interfaces that appear or disappear are inserted or removed with exact
/// row ranges (never a reset, so a view's selection survives), and the rate of each interface
/// is the change of its packet counters over the elapsed time.
class InterfaceListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Addresses, Traffic, ColumnCount };
    enum Role {
        InterfaceNameRole = Qt::UserRole + 1, ///< QString: the kernel's name ("eth0")
        LinkTypeRole,                         ///< uint: LINKTYPE_*, 0 when not capturable
        HistoryRole,    ///< QList<qreal>: the last HistoryLength rates, oldest first
        RateRole,       ///< qreal: the newest rate in packets/s (invalid before two samples)
        UpRole,         ///< bool: administratively up
        CapturableRole, ///< bool: PacketRing can capture on it (linkType != 0)
    };
    /// Rates kept per interface: one minute at the live refresh interval.
    static constexpr int HistoryLength = 60;
    static constexpr int RefreshIntervalMs = 1000;

    /// Where the interfaces come from; tests inject fakes with chosen counters.
    using Source = std::function<std::vector<capture::InterfaceInfo>()>;

    /// Lists the real interfaces (capture::listInterfaces()).
    explicit InterfaceListModel(QObject *parent = nullptr);
    /// Lists what `source` returns. Reads it once at once; rates need a second refresh.
    explicit InterfaceListModel(Source source, QObject *parent = nullptr);

    /// Starts or stops the one-second refresh (stop it while nobody looks).
    void setLive(bool live);
    bool isLive() const { return m_timer.isActive(); }

    /// Re-reads the source as of `nowMs` (any monotonic milliseconds): rows are inserted,
    /// removed and updated, and one rate per interface is appended to its history.
    void refresh(qint64 nowMs);
    /// refresh() at the model's own monotonic clock; what the live timer calls.
    void refreshNow();

    /// The row of interface `name`, or -1.
    int rowOf(const QString &name) const;
    /// The name of `row`'s interface.
    QString interfaceName(int row) const;
    /// Why the last listing failed (real source only), empty when it worked.
    QString errorString() const { return m_error; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "1,234 pkt/s": how the Traffic column and the sparkline write a rate.
    static QString rateText(qreal rate);

signals:
    /// After every refresh, whatever changed.
    void refreshed();

private:
    struct Row
    {
        capture::InterfaceInfo info;
        QString name;
        QStringList addresses;
        quint64 lastPackets = 0;
        qint64 lastMs = 0;
        QList<qreal> history;
    };

    static quint64 packetCount(const capture::InterfaceInfo &info);
    static bool sameInterface(const capture::InterfaceInfo &a, const capture::InterfaceInfo &b);
    static Row makeRow(const capture::InterfaceInfo &info, qint64 nowMs);
    /// refresh(); with `sample` false the counters only become the base of the next rate.
    void update(qint64 nowMs, bool sample);

    Source m_source;
    QList<Row> m_rows;
    QString m_error;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

} // namespace pl
