#pragma once

#include <QAbstractTableModel>

namespace pl {

class PacketStore;

/// The packet list: a thin table over a PacketStore. Rows arrive in the store's batches
/// (exact beginInsertRows ranges); cell text is asked of the store, which computes it on
/// demand, so only the rows a view shows ever cost anything.
class PacketListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Time, Source, Destination, Protocol, Length, Info, ColumnCount };
    enum Role {
        FlagsRole = Qt::UserRole + 1, ///< uint: the frame's NodeFlag bits
        FrameNumberRole,              ///< qulonglong: the 1-based frame number
    };
    /// How the Time column reads (Wireshark's View > Time Display Format).
    enum class TimeFormat {
        Relative, ///< seconds since the first packet
        Absolute, ///< local date and time
        Delta,    ///< seconds since the previous packet
        Utc,      ///< UTC date and time
        Epoch,    ///< seconds since 1970-01-01
    };

    explicit PacketListModel(PacketStore *store, QObject *parent = nullptr);

    PacketStore *store() const { return m_store; }
    TimeFormat timeFormat() const { return m_timeFormat; }
    /// Changes the Time column's text (dataChanged for that column).
    void setTimeFormat(TimeFormat format);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The store's row (capture order) shown at view row `row`, and back (-1 when not shown).
    qsizetype storeRow(int row) const { return row; }
    int viewRow(qsizetype storeRow) const { return storeRow < m_rows ? int(storeRow) : -1; }

    /// The Time column's text of `row` in the current format.
    QString timeText(int row) const;

private:
    void onAppended(qsizetype first, qsizetype last);

    PacketStore *m_store;
    int m_rows = 0;
    TimeFormat m_timeFormat = TimeFormat::Relative;
};

} // namespace pl
