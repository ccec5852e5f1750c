#pragma once

#include "analysis/expertcollector.h"

#include <QAbstractItemModel>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace pl {

/// The Expert Information tree, as Wireshark's dialog shows it: severities (Error, Warning,
/// Note, Chat, Comment) at the top, the summaries of that severity below them (message,
/// group, protocol, count), the packets of each summary below those. A thin adapter over an
/// ExpertReport snapshot; it can leave out the packets a display filter hides and the
/// summaries a search does not match.
class ExpertInfoModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        SeverityColumn,
        SummaryColumn,
        GroupColumn,
        ProtocolColumn,
        CountColumn,
        ColumnCount
    };
    enum Role {
        FrameRole = Qt::UserRole + 1, ///< quint64: a packet row's frame number (0 for others)
        SeverityRole,                 ///< int: pl::Severity of the row
        KindRole,                     ///< int: Kind
    };
    enum class Kind { Severity, Summary, Packet };

    explicit ExpertInfoModel(QObject *parent = nullptr);

    /// Shows `report` (null: nothing).
    void setReport(std::shared_ptr<const ExpertReport> report);
    std::shared_ptr<const ExpertReport> report() const { return m_report; }
    /// Keeps only packets for which `displayed(frame)` is true (null: every packet), as
    /// Wireshark's "Limit to Display Filter"; summaries left without packets go.
    void setDisplayedFilter(std::function<bool(quint64 frame)> displayed);
    /// Keeps only the summaries whose message, group or protocol contains `text` (any case).
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

    /// Notes shown (every packet row under every summary).
    quint64 shownNotes() const { return m_shownNotes; }
    Kind kind(const QModelIndex &index) const;
    /// The frame number of a packet row, 0 for other rows.
    quint64 frameOf(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The colour Wireshark gives a severity (the rows and the status bar's dot).
    static QColor severityColor(Severity s);

private:
    struct SeverityRow
    {
        Severity severity;
        quint64 count = 0;
        std::vector<int> summaries; ///< indexes in m_summaries
    };
    struct SummaryRow
    {
        const ExpertReport::Summary *summary;
        int severityRow;             ///< parent
        int row;                     ///< among the parent's children
        std::vector<uint32_t> notes; ///< the notes shown (all, or the displayed ones)
    };
    void rebuild();
    bool matchesSearch(const ExpertReport::Summary &s) const;

    std::shared_ptr<const ExpertReport> m_report;
    std::function<bool(quint64)> m_displayed;
    QString m_search;
    std::vector<SeverityRow> m_severities;
    std::vector<SummaryRow> m_summaries;
    quint64 m_shownNotes = 0;
};

} // namespace pl
