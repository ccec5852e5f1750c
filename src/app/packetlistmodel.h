#pragma once

#include "analysis/packetsorter.h"
#include "analysis/rowbits.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QPair>

#include <cstdint>
#include <vector>

namespace pl {

class PacketStore;

/// The packet list: a thin table over a PacketStore. Rows arrive in the store's batches
/// (exact beginInsertRows ranges); cell text is asked of the store, which computes it on
/// demand, so only the rows a view shows ever cost anything.
///
/// Sorting (sort(), a header click) runs in a PacketSorter's worker thread and returns at
/// once; the new order is applied as one layout change that keeps persistent indexes (the
/// selection) on their packets. While sorted, packets that arrive later are appended at the
/// end in capture order, as Wireshark does, until the next sort. Marks (Wireshark's Ctrl+M)
/// belong to packets, not to view rows, so they survive sorting.
///
/// Display filter: only the packets the store displays (PacketStore::isDisplayed) are rows,
/// in the current sort order. When the store finishes a filter pass (displayFilterApplied)
/// the rows are rebuilt with a model reset (filterApplied() follows); packets announced later
/// are appended only when displayed. Colours come from the coloring rules the store
/// evaluates (Row::colorRule) once setRuleColors() was called; before that, a built-in set.
class PacketListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Time, Source, Destination, Protocol, Length, Info, ColumnCount };
    enum Role {
        FlagsRole = Qt::UserRole + 1, ///< uint: the frame's NodeFlag bits
        FrameNumberRole,              ///< qulonglong: the 1-based frame number
        MarkedRole,                   ///< bool: the packet is marked
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
    /// Changes the Time column's text (dataChanged for that column). A Time sort already
    /// applied keeps its order.
    void setTimeFormat(TimeFormat format);

    /// Rows shown: the packets the display filter lets through (all without one).
    qsizetype displayedCount() const { return m_rows; }
    /// Whether a display filter limits the rows (as of the last filter pass).
    bool isFiltered() const { return m_filtered; }

    /// (foreground, background) of each coloring rule, in the store's rule order
    /// (PacketStore::setColoringRules): a row takes the colours of Row::colorRule. An empty
    /// list switches colouring off (View > Colorize Packet List); marks still show. Until this
    /// is first called, a built-in set colours common protocols and broken packets.
    void setRuleColors(const QList<QPair<QColor, QColor>> &foregroundBackground);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Starts sorting the rows announced so far by `column` (Time by the time stamp, or by the
    /// time since the previous packet when the format is Delta) and returns at once; the order
    /// changes when the worker is done (sortingFinished()). No. ascending, or a column of -1
    /// (a cleared header sort indicator), is capture order, applied at once; No. descending is
    /// applied at once too. A sort still running is replaced.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    /// Back to capture order now (View > Capture order); a sort still running is cancelled.
    void resetSortOrder();
    /// The column of the order shown, -1 for capture order, and its direction.
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    /// A sort is running in the worker.
    bool isSorting() const { return m_sorting; }

    /// The store's row (capture order) shown at view row `row` (-1 when out of range), and
    /// back (-1 when not shown). Both O(1).
    qsizetype storeRow(int row) const;
    int viewRow(qsizetype storeRow) const;

    /// The Time column's text of view row `row` in the current format (Delta: since the
    /// previous packet in capture order, whatever the sort).
    QString timeText(int row) const;

    /// Marks: kept per packet (store row), so they follow it through sorts; cleared when the
    /// store closes. Marked rows paint white on black, as in Wireshark.
    void setMarked(int viewRow, bool marked);
    void toggleMark(int viewRow);
    bool isMarked(int viewRow) const;
    qsizetype markedCount() const { return m_markedCount; }
    /// The nearest marked view row after `viewRow` (forward) or before it (backward), wrapping
    /// around the list; `viewRow` itself only when it is the only marked row. -1 = from the
    /// start (forward) or end (backward). -1 when nothing is marked.
    int nextMarked(int viewRow, bool forward = true) const;
    /// Unmarks every packet.
    void clearMarks();
    /// The marks as bits by store row (bit i of word i/64 is frame i+1), for an export.
    const RowBits &markBits() const { return m_marks; }

signals:
    /// A sort went to the worker: a busy note may show until sortingFinished().
    void sortingStarted();
    /// The sort was applied, replaced by an immediate order, cancelled or failed.
    void sortingFinished();
    /// The order shown changed column or direction (-1: capture order), e.g. to update the
    /// header's sort indicator after resetSortOrder() or a close.
    void sortOrderChanged(int column, Qt::SortOrder order);
    /// A packet was marked or unmarked, or all marks went.
    void marksChanged();
    /// The rows were rebuilt for the display filter the store just applied (after the reset).
    void filterApplied();

private:
    void onAppended(qsizetype first, qsizetype last);
    void onFilterApplied();
    /// Rebuilds the view rows from the sort order, the display filter and the rows seen.
    void rebuildMapping();
    bool shown(qsizetype storeRow) const;
    void onSorted(quint64 request, const PacketSorter::Order &order);
    void onSortFailed(quint64 request);
    void applyOrder(PacketSorter::Order order);
    void setSorting(bool sorting);
    void setSortState(int column, Qt::SortOrder order);
    bool markedStoreRow(qsizetype storeRow) const;
    void markRowChanged(int viewRow);

    PacketStore *m_store;
    PacketSorter *m_sorter;
    int m_rows = 0; ///< view rows
    int m_seen = 0; ///< store rows taken in (displayed or not)
    TimeFormat m_timeFormat = TimeFormat::Relative;

    // While sorted: m_order[i] = the store row at position i of the sorted rows, for the rows
    // the sort covered; rows past them (appended later) follow in capture order. Empty in
    // capture order.
    PacketSorter::Order m_order;
    // Capture order without a filter (the common case, and a million rows): view row == store
    // row and no arrays. Otherwise (m_mapped) m_view[viewRow] = storeRow and m_inverse[storeRow]
    // = viewRow or -1 for a row not displayed.
    bool m_mapped = false;
    bool m_filtered = false; ///< the store's display filter limits the rows
    std::vector<uint32_t> m_view;
    std::vector<int32_t> m_inverse;
    bool m_useRules = false;
    QList<QPair<QColor, QColor>> m_ruleColors;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    int m_pendingColumn = -1;
    Qt::SortOrder m_pendingOrder = Qt::AscendingOrder;
    quint64 m_request = 0;
    bool m_sorting = false;

    RowBits m_marks; ///< bit per store row
    qsizetype m_markedCount = 0;
};

} // namespace pl
