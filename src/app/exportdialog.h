#pragma once

#include "analysis/sessionexporter.h"

#include <QDialog>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace pl {

/// File > Save As, Export Specified Packets and Export Packet Dissections: where to, in which
/// format (pcapng, pcap µs/ns, CSV, JSON, plain text, C arrays) and which packets (all,
/// selected, marked, first to last marked, or a range such as `1-10,20,30-`), each choice with
/// its packet count as Wireshark shows them. With a display filter applied, Wireshark's
/// Captured / Displayed choice limits every choice to the displayed packets.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    /// What the window knows about its packets when the dialog opens.
    struct Packets
    {
        quint64 count = 0;    ///< packets in the list
        quint64 selected = 0; ///< frame number of the selected packet, 0: none
        RowBits markBits;     ///< PacketListModel::markBits()
        /// A display filter is applied: displayedBits says which packets it displays (bit i
        /// of word i/64 is frame i+1, as markBits).
        bool filtered = false;
        RowBits displayedBits;
    };
    enum class Purpose { SaveAs, ExportPackets, ExportDissections };

    ExportDialog(Purpose purpose, const Packets &packets, QWidget *parent = nullptr);

    QString targetPath() const;
    void setTargetPath(const QString &path);
    SessionExporter::Format format() const;
    void setFormat(SessionExporter::Format format);

    /// Which packets; `Range` takes rangeText().
    enum class Choice { All, Selected, Marked, FirstToLastMarked, Range };
    Choice choice() const;
    void setChoice(Choice choice);
    /// Only the displayed packets of the choice (Wireshark's "Displayed" column); available
    /// when Packets::filtered, and the default then for exports (not for Save As).
    bool displayedOnly() const;
    void setDisplayedOnly(bool displayed);
    /// Types a range (and chooses Range, as typing in the field does).
    void setRangeText(const QString &text);
    /// The frames the choice means (valid only while canAccept()).
    PacketRange range() const;
    /// The options for SessionExporter: format, range and the text parts.
    SessionExporter::Options options() const;
    /// A target is named, the range parses and holds at least one packet.
    bool canAccept() const;
    /// Why not, when not (the range's error, "No packets", ...).
    QString problem() const;

private:
    void browse();
    void update();
    void updateCounts();
    /// The frames `choice` means among all captured packets.
    PacketRange capturedRange(Choice choice) const;

    Purpose m_purpose;
    Packets m_packets;
    QLineEdit *m_path;
    QComboBox *m_format;
    QButtonGroup *m_choices;
    QRadioButton *m_captured, *m_displayed;
    QList<QPair<Choice, QLabel *>> m_counts;
    QLineEdit *m_rangeText;
    QCheckBox *m_textSummary, *m_textDetails, *m_textBytes;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    QString m_problemText;
};

} // namespace pl
