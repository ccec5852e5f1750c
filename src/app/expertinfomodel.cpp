#include "expertinfomodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace pl {

namespace {

// internalId: the kind in the top two bits; a summary row's index, or for a packet row its
// summary's index (bits 32..61) and its row (bits 0..31).
constexpr quintptr kKindShift = 62;
constexpr quintptr kSeverityKind = 0, kSummaryKind = 1, kPacketKind = 2;

quintptr makeId(quintptr kind, quintptr a, quintptr b = 0)
{
    return (kind << kKindShift) | (a << 32) | b;
}

quintptr kindOf(quintptr id)
{
    return id >> kKindShift;
}

int highPart(quintptr id)
{
    return int((id >> 32) & ((quintptr(1) << 30) - 1));
}

int lowPart(quintptr id)
{
    return int(id & 0xffffffffu);
}

/// Messages shown on one line: CR, LF and tabs as tshark writes them.
QString shownMessage(const std::string &message)
{
    QString out = QString::fromStdString(message);
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char('\r'), QStringLiteral("\\r"));
    out.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    out.replace(QLatin1Char('\t'), QStringLiteral("\\t"));
    return out;
}

} // namespace

ExpertInfoModel::ExpertInfoModel(QObject *parent) : QAbstractItemModel(parent) {}

QColor ExpertInfoModel::severityColor(Severity s)
{
    // Wireshark's expert colours (ui/qt/utils/color_utils.cpp).
    switch (s) {
    case Severity::Comment:
        return QColor(0xb7, 0xf7, 0x74);
    case Severity::Chat:
        return QColor(0x80, 0xb7, 0xf7);
    case Severity::Note:
        return QColor(0xa0, 0xff, 0xff);
    case Severity::Warning:
        return QColor(0xf7, 0xf7, 0x4a);
    case Severity::Error:
        return QColor(0xff, 0x5c, 0x5c);
    }
    return QColor(Qt::gray);
}

void ExpertInfoModel::setReport(std::shared_ptr<const ExpertReport> report)
{
    m_report = std::move(report);
    rebuild();
}

void ExpertInfoModel::setDisplayedFilter(std::function<bool(quint64)> displayed)
{
    m_displayed = std::move(displayed);
    rebuild();
}

void ExpertInfoModel::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    rebuild();
}

bool ExpertInfoModel::matchesSearch(const ExpertReport::Summary &s) const
{
    if (m_search.isEmpty())
        return true;
    return QString::fromStdString(s.summary).contains(m_search, Qt::CaseInsensitive) ||
           QString::fromStdString(s.protocol).contains(m_search, Qt::CaseInsensitive) ||
           expertGroupText(s.group).contains(m_search, Qt::CaseInsensitive);
}

void ExpertInfoModel::rebuild()
{
    beginResetModel();
    m_severities.clear();
    m_summaries.clear();
    m_shownNotes = 0;
    if (m_report) {
        // The report is sorted by severity, highest first: one pass makes the tree.
        for (const ExpertReport::Summary &s : m_report->summaries) {
            if (!matchesSearch(s))
                continue;
            std::vector<uint32_t> notes;
            notes.reserve(m_displayed ? 0 : s.frames.size());
            for (size_t n = 0; n < s.frames.size(); ++n)
                if (!m_displayed || m_displayed(s.frames[n]))
                    notes.push_back(uint32_t(n));
            if (notes.empty())
                continue;
            if (m_severities.empty() || m_severities.back().severity != s.severity)
                m_severities.push_back(SeverityRow{s.severity, 0, {}});
            SeverityRow &sev = m_severities.back();
            sev.count += notes.size();
            m_shownNotes += notes.size();
            sev.summaries.push_back(int(m_summaries.size()));
            m_summaries.push_back(SummaryRow{&s, int(m_severities.size() - 1),
                                             int(sev.summaries.size() - 1), std::move(notes)});
        }
    }
    endResetModel();
}

ExpertInfoModel::Kind ExpertInfoModel::kind(const QModelIndex &index) const
{
    switch (kindOf(index.internalId())) {
    case kSummaryKind:
        return Kind::Summary;
    case kPacketKind:
        return Kind::Packet;
    default:
        return Kind::Severity;
    }
}

quint64 ExpertInfoModel::frameOf(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || kindOf(index.internalId()) != kPacketKind)
        return 0;
    const SummaryRow &row = m_summaries[size_t(highPart(index.internalId()))];
    return row.summary->frames[row.notes[size_t(index.row())]];
}

QModelIndex ExpertInfoModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, makeId(kSeverityKind, 0, quintptr(row)));
    const quintptr pid = parent.internalId();
    if (kindOf(pid) == kSeverityKind) {
        const int summary = m_severities[size_t(lowPart(pid))].summaries[size_t(row)];
        return createIndex(row, column, makeId(kSummaryKind, 0, quintptr(summary)));
    }
    return createIndex(row, column, makeId(kPacketKind, quintptr(lowPart(pid)), quintptr(row)));
}

QModelIndex ExpertInfoModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const quintptr id = child.internalId();
    switch (kindOf(id)) {
    case kSummaryKind: {
        const int sev = m_summaries[size_t(lowPart(id))].severityRow;
        return createIndex(sev, 0, makeId(kSeverityKind, 0, quintptr(sev)));
    }
    case kPacketKind: {
        const int summary = highPart(id);
        return createIndex(m_summaries[size_t(summary)].row, 0,
                           makeId(kSummaryKind, 0, quintptr(summary)));
    }
    default:
        return {};
    }
}

int ExpertInfoModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_severities.size());
    if (parent.column() != 0)
        return 0;
    const quintptr id = parent.internalId();
    switch (kindOf(id)) {
    case kSeverityKind:
        return int(m_severities[size_t(lowPart(id))].summaries.size());
    case kSummaryKind:
        return int(m_summaries[size_t(lowPart(id))].notes.size());
    default:
        return 0;
    }
}

int ExpertInfoModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool ExpertInfoModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QVariant ExpertInfoModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this)
        return {};
    const quintptr id = index.internalId();
    const int col = index.column();
    if (kindOf(id) == kSeverityKind) {
        const SeverityRow &s = m_severities[size_t(lowPart(id))];
        switch (role) {
        case Qt::DisplayRole:
            if (col == SeverityColumn)
                return severityText(s.severity);
            if (col == CountColumn)
                return s.count;
            return {};
        case Qt::BackgroundRole:
            return QBrush(severityColor(s.severity));
        case Qt::ForegroundRole:
            return QBrush(QColor(0x10, 0x10, 0x10)); // dark on the fixed colours, any theme
        case Qt::FontRole: {
            QFont f;
            f.setBold(true);
            return f;
        }
        case Qt::TextAlignmentRole:
            if (col == CountColumn)
                return int(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case SeverityRole:
            return int(s.severity);
        case KindRole:
            return int(Kind::Severity);
        case FrameRole:
            return quint64(0);
        default:
            return {};
        }
    }
    const bool packet = kindOf(id) == kPacketKind;
    const SummaryRow &row = m_summaries[size_t(packet ? highPart(id) : lowPart(id))];
    const ExpertReport::Summary &s = *row.summary;
    const size_t note = packet ? row.notes[size_t(index.row())] : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (col) {
        case SeverityColumn:
            // Wireshark's packet rows carry the packet number in the first column.
            return packet ? QVariant(quint64(s.frames[note])) : QVariant();
        case SummaryColumn:
            // Wireshark's: the summary on its row, each packet's own message on the packet's.
            return packet ? shownMessage(s.message(note)) : shownMessage(s.summary);
        case GroupColumn:
            return expertGroupText(s.group);
        case ProtocolColumn:
            return QString::fromStdString(s.protocol);
        case CountColumn:
            return packet ? QVariant() : QVariant(quint64(row.notes.size()));
        }
        return {};
    case Qt::ToolTipRole:
        if (packet)
            return tr("Packet %1: double-click to select it in the packet list")
                .arg(s.frames[note]);
        return shownMessage(s.summary);
    case Qt::TextAlignmentRole:
        if (col == CountColumn || (packet && col == SeverityColumn))
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SeverityRole:
        return int(s.severity);
    case KindRole:
        return int(packet ? Kind::Packet : Kind::Summary);
    case FrameRole:
        return packet ? quint64(s.frames[note]) : quint64(0);
    default:
        return {};
    }
}

QVariant ExpertInfoModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case SummaryColumn:
        return tr("Summary");
    case GroupColumn:
        return tr("Group");
    case ProtocolColumn:
        return tr("Protocol");
    case CountColumn:
        return tr("Count");
    }
    return {};
}

} // namespace pl
