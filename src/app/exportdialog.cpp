#include "exportdialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace pl {

namespace {

using Format = SessionExporter::Format;

struct FormatChoice
{
    Format format;
    const char *name;
};

// Wireshark's file type names in its save dialogs.
constexpr FormatChoice kCaptureFormats[] = {
    {Format::PcapNg, QT_TRANSLATE_NOOP("ExportDialog", "pcapng")},
    {Format::PcapUsec, QT_TRANSLATE_NOOP("ExportDialog", "pcap (microseconds)")},
    {Format::PcapNsec, QT_TRANSLATE_NOOP("ExportDialog", "pcap (nanoseconds)")},
};
constexpr FormatChoice kDissectionFormats[] = {
    {Format::Text, QT_TRANSLATE_NOOP("ExportDialog", "Plain text")},
    {Format::Csv, QT_TRANSLATE_NOOP("ExportDialog", "CSV")},
    {Format::Json, QT_TRANSLATE_NOOP("ExportDialog", "JSON")},
    {Format::CArrays, QT_TRANSLATE_NOOP("ExportDialog", "C arrays")},
};

// The frames of `range` whose bit is set (bit i of word i/64 is frame i+1), up to frame `n`.
PacketRange intersect(const PacketRange &range, const RowBits &bits, uint64_t n)
{
    std::vector<PacketRange::Span> spans;
    const uint64_t limit = std::min<uint64_t>(n, uint64_t(bits.size()) * 64);
    for (const PacketRange::Span &s : range.spans()) {
        const uint64_t last = std::min(s.last, limit);
        for (uint64_t f = s.first; f <= last; ++f) {
            if (!testBit(bits, f - 1))
                continue;
            if (!spans.empty() && spans.back().last == f - 1)
                spans.back().last = f;
            else
                spans.push_back({f, f});
        }
    }
    return PacketRange::fromSpans(std::move(spans));
}

} // namespace

ExportDialog::ExportDialog(Purpose purpose, const Packets &packets, QWidget *parent)
    : QDialog(parent), m_purpose(purpose), m_packets(packets), m_path(new QLineEdit(this)),
      m_format(new QComboBox(this)), m_choices(new QButtonGroup(this)),
      m_captured(new QRadioButton(tr("&Captured"), this)),
      m_displayed(new QRadioButton(tr("&Displayed"), this)), m_rangeText(new QLineEdit(this)),
      m_textSummary(new QCheckBox(tr("&Summary line"), this)),
      m_textDetails(new QCheckBox(tr("&Details"), this)),
      m_textBytes(new QCheckBox(tr("&Bytes"), this)), m_problem(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    const bool dissections = purpose == Purpose::ExportDissections;
    setWindowTitle(purpose == Purpose::SaveAs          ? tr("Save Capture As")
                   : purpose == Purpose::ExportPackets ? tr("Export Specified Packets")
                                                       : tr("Export Packet Dissections"));
    for (const FormatChoice &f : dissections ? std::span<const FormatChoice>(kDissectionFormats)
                                             : std::span<const FormatChoice>(kCaptureFormats))
        m_format->addItem(tr(f.name), int(f.format));

    auto *browse = new QPushButton(tr("&Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    // Packet Range, with the count each choice takes (Wireshark's "Captured" column).
    auto *rangeBox = new QGroupBox(tr("Packet Range"), this);
    auto *rangeLayout = new QFormLayout(rangeBox);
    // Wireshark's Captured / Displayed columns, as one choice that applies to every row.
    auto *columns = new QHBoxLayout;
    columns->addWidget(m_captured);
    columns->addWidget(m_displayed);
    columns->addStretch(1);
    rangeLayout->addRow(columns);
    auto *view = new QButtonGroup(this);
    view->addButton(m_captured);
    view->addButton(m_displayed);
    m_displayed->setEnabled(packets.filtered);
    (packets.filtered && purpose != Purpose::SaveAs ? m_displayed : m_captured)->setChecked(true);
    m_captured->setVisible(packets.filtered);
    m_displayed->setVisible(packets.filtered);
    const struct
    {
        Choice choice;
        QString text;
    } choices[] = {
        {Choice::All, tr("&All packets")},
        {Choice::Selected, tr("&Selected packet only")},
        {Choice::Marked, tr("&Marked packets only")},
        {Choice::FirstToLastMarked, tr("&First to last marked")},
        {Choice::Range, tr("&Range:")},
    };
    for (const auto &c : choices) {
        auto *button = new QRadioButton(c.text, rangeBox);
        m_choices->addButton(button, int(c.choice));
        if (c.choice == Choice::Range) {
            m_rangeText->setPlaceholderText(tr("e.g. 1-10,20,30-"));
            rangeLayout->addRow(button, m_rangeText);
        } else {
            auto *count = new QLabel(rangeBox);
            m_counts.append({c.choice, count});
            rangeLayout->addRow(button, count);
        }
    }
    updateCounts();
    m_choices->button(int(Choice::All))->setChecked(true);

    auto *textBox = new QGroupBox(tr("Packet Format"), this);
    auto *textLayout = new QHBoxLayout(textBox);
    textLayout->addWidget(m_textSummary);
    textLayout->addWidget(m_textDetails);
    textLayout->addWidget(m_textBytes);
    textLayout->addStretch(1);
    m_textSummary->setChecked(true);
    m_textDetails->setChecked(true);
    textBox->setVisible(dissections);

    m_problem->setStyleSheet(QStringLiteral("color: #c00000"));
    m_problem->setWordWrap(true);

    auto *form = new QFormLayout;
    auto *fileLabel = new QLabel(tr("&File:"), this); // a layout field gets no buddy by itself
    fileLabel->setBuddy(m_path);
    form->addRow(fileLabel, pathRow);
    m_path->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 50);
    form->addRow(tr("&Format:"), m_format);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(rangeBox);
    layout->addWidget(textBox);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_path, &QLineEdit::textChanged, this, &ExportDialog::update);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        // Keep the file name's suffix in step with the format, as Wireshark's dialog does.
        const QString path = m_path->text();
        if (!path.isEmpty()) {
            const QFileInfo info(path);
            const QString base =
                info.completeBaseName().isEmpty() ? info.fileName() : info.completeBaseName();
            m_path->setText(
                info.dir().filePath(base + QLatin1Char('.') + SessionExporter::suffix(format())));
        }
        update();
    });
    connect(m_choices, &QButtonGroup::idClicked, this, &ExportDialog::update);
    connect(m_displayed, &QRadioButton::toggled, this, [this] {
        updateCounts();
        update();
    });
    connect(m_rangeText, &QLineEdit::textEdited, this, [this] {
        m_choices->button(int(Choice::Range))->setChecked(true);
        update();
    });
    for (QCheckBox *box : {m_textSummary, m_textDetails, m_textBytes})
        connect(box, &QCheckBox::toggled, this, &ExportDialog::update);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    update();
}

QString ExportDialog::targetPath() const
{
    return m_path->text().trimmed();
}

void ExportDialog::setTargetPath(const QString &path)
{
    m_path->setText(path);
}

SessionExporter::Format ExportDialog::format() const
{
    return Format(m_format->currentData().toInt());
}

void ExportDialog::setFormat(SessionExporter::Format format)
{
    const int i = m_format->findData(int(format));
    if (i >= 0)
        m_format->setCurrentIndex(i);
}

ExportDialog::Choice ExportDialog::choice() const
{
    return Choice(m_choices->checkedId());
}

void ExportDialog::setChoice(Choice choice)
{
    m_choices->button(int(choice))->setChecked(true);
    update();
}

void ExportDialog::setRangeText(const QString &text)
{
    m_rangeText->setText(text);
    m_choices->button(int(Choice::Range))->setChecked(true);
    update();
}

bool ExportDialog::displayedOnly() const
{
    return m_packets.filtered && m_displayed->isChecked();
}

void ExportDialog::setDisplayedOnly(bool displayed)
{
    (displayed && m_packets.filtered ? m_displayed : m_captured)->setChecked(true);
    updateCounts();
    update();
}

void ExportDialog::updateCounts()
{
    for (const auto &[choice, label] : std::as_const(m_counts)) {
        PacketRange r = capturedRange(choice);
        if (displayedOnly())
            r = intersect(r, m_packets.displayedBits, m_packets.count);
        const quint64 n = r.count(m_packets.count);
        label->setText(QString::number(n));
        m_choices->button(int(choice))->setEnabled(n > 0);
    }
}

PacketRange ExportDialog::range() const
{
    const PacketRange r = capturedRange(choice());
    if (!r.isValid() || !displayedOnly())
        return r;
    return intersect(r, m_packets.displayedBits, m_packets.count);
}

PacketRange ExportDialog::capturedRange(Choice choice) const
{
    const uint64_t n = m_packets.count;
    switch (choice) {
    case Choice::All:
        // Closed at the packets the user sees: a growing spool may hold more by now.
        return PacketRange::fromSpans({{1, n}});
    case Choice::Selected:
        return m_packets.selected
                   ? PacketRange::fromSpans({{m_packets.selected, m_packets.selected}})
                   : PacketRange::fromSpans({});
    case Choice::Marked:
        return SessionExporter::rangeOfBits(m_packets.markBits, n);
    case Choice::FirstToLastMarked:
        return SessionExporter::firstToLastOfBits(m_packets.markBits, n);
    case Choice::Range: {
        const PacketRange typed = PacketRange::parse(m_rangeText->text());
        if (!typed.isValid())
            return typed;
        // Only the packets that exist: `30-` means up to the last one shown.
        std::vector<PacketRange::Span> spans;
        for (const PacketRange::Span &s : typed.spans())
            if (s.first <= n)
                spans.push_back({s.first, std::min<uint64_t>(s.last, n)});
        return PacketRange::fromSpans(std::move(spans));
    }
    }
    return PacketRange::fromSpans({});
}

SessionExporter::Options ExportDialog::options() const
{
    SessionExporter::Options o;
    o.format = format();
    o.range = range();
    o.textSummary = m_textSummary->isChecked();
    o.textDetails = m_textDetails->isChecked();
    o.textBytes = m_textBytes->isChecked();
    return o;
}

bool ExportDialog::canAccept() const
{
    return m_problemText.isEmpty();
}

QString ExportDialog::problem() const
{
    return m_problemText;
}

void ExportDialog::browse()
{
    const QString filter = m_format->currentText() +
                           QStringLiteral(" (*.%1);;").arg(SessionExporter::suffix(format())) +
                           tr("All files (*)");
    const QString path = QFileDialog::getSaveFileName(this, windowTitle(), targetPath(), filter,
                                                      nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        m_path->setText(path);
}

void ExportDialog::update()
{
    QString problem;
    if (choice() == Choice::Range) {
        QString error;
        if (!PacketRange::parse(m_rangeText->text(), &error).isValid())
            problem = error;
    }
    if (problem.isEmpty() && range().count(m_packets.count) == 0)
        problem = tr("No packets in this range.");
    if (problem.isEmpty() && format() == Format::Text && !m_textSummary->isChecked() &&
        !m_textDetails->isChecked() && !m_textBytes->isChecked())
        problem = tr("Choose at least one part of the packet to write.");
    if (problem.isEmpty() && targetPath().isEmpty())
        problem = tr("Name the file to write.");
    else if (problem.isEmpty() && QFileInfo(targetPath()).isDir())
        problem = tr("%1 is a directory.").arg(targetPath());
    m_problemText = problem;
    m_problem->setText(problem);
    m_rangeText->setStyleSheet(choice() == Choice::Range && !problem.isEmpty() &&
                                       !PacketRange::parse(m_rangeText->text()).isValid()
                                   ? QStringLiteral("background: #ffd0d0")
                                   : QString());
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(problem.isEmpty());
}

} // namespace pl
