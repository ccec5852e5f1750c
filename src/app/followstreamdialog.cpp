#include "followstreamdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTextEdit>
#include <QVBoxLayout>

#include <algorithm>

namespace pl {

namespace {

// Wireshark's default follow colours: client red on pink, server blue on lavender.
const QColor kForeground[2] = {QColor(0x7f, 0x00, 0x00), QColor(0x00, 0x00, 0x7f)};
const QColor kBackground[2] = {QColor(0xfb, 0xed, 0xed), QColor(0xed, 0xed, 0xfb)};

QString humanBytes(uint64_t n)
{
    return QLocale().formattedDataSize(qint64(n), 0, QLocale::DataSizeTraditionalFormat);
}

} // namespace

FollowStreamDialog::FollowStreamDialog(FollowedStream stream, QWidget *parent)
    : QDialog(parent), m_stream(std::move(stream))
{
    const bool tcp = m_stream.kind == FollowedStream::Kind::Tcp;
    setWindowTitle(tr("Follow %1 Stream (%2)")
                       .arg(tcp ? QStringLiteral("TCP") : QStringLiteral("UDP"),
                            QString::fromStdString(m_stream.filter())));
    resize(820, 620);

    m_text = new QTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_summary = new QLabel(this);
    m_directionBox = new QComboBox(this);
    const QString a = QString::fromStdString(m_stream.peers[0]);
    const QString b = QString::fromStdString(m_stream.peers[1]);
    m_directionBox->addItem(
        tr("Entire conversation (%1)").arg(humanBytes(m_stream.sent[0] + m_stream.sent[1])));
    m_directionBox->addItem(tr("%1 → %2 (%3)").arg(a, b, humanBytes(m_stream.sent[0])));
    m_directionBox->addItem(tr("%1 → %2 (%3)").arg(b, a, humanBytes(m_stream.sent[1])));
    m_modeBox = new QComboBox(this);
    m_modeBox->addItem(tr("ASCII"), int(streamformat::Mode::Ascii));
    m_modeBox->addItem(tr("Hex Dump"), int(streamformat::Mode::Hex));
    m_modeBox->addItem(tr("C Arrays"), int(streamformat::Mode::CArrays));
    m_modeBox->addItem(tr("Raw"), int(streamformat::Mode::Raw));
    connect(m_directionBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setDirection(Direction(i)); });
    connect(m_modeBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMode(streamformat::Mode(m_modeBox->itemData(i).toInt())); });

    m_findEdit = new QLineEdit(this);
    m_findEdit->setPlaceholderText(tr("Find in the stream"));
    m_findStatus = new QLabel(this);
    auto *findNext = new QPushButton(tr("Find &Next"), this);
    auto doFind = [this] {
        const bool found = find(m_findEdit->text());
        m_findStatus->setText(found || m_findEdit->text().isEmpty() ? QString() : tr("Not found"));
    };
    connect(findNext, &QPushButton::clicked, this, doFind);
    connect(m_findEdit, &QLineEdit::returnPressed, this, doFind);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *filterOut =
        buttons->addButton(tr("Filter Out This Stream"), QDialogButtonBox::ActionRole);
    QPushButton *saveButton = buttons->addButton(tr("Save as…"), QDialogButtonBox::ActionRole);
    connect(filterOut, &QPushButton::clicked, this, [this] {
        emit filterRequested(
            QStringLiteral("!(%1)").arg(QString::fromStdString(m_stream.filter())));
        accept();
    });
    connect(saveButton, &QPushButton::clicked, this, &FollowStreamDialog::saveAs);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *viewRow = new QHBoxLayout;
    viewRow->addWidget(m_directionBox, 1);
    viewRow->addWidget(new QLabel(tr("Show data as"), this));
    viewRow->addWidget(m_modeBox);
    auto *findRow = new QHBoxLayout;
    findRow->addWidget(new QLabel(tr("Find:"), this));
    findRow->addWidget(m_findEdit, 1);
    findRow->addWidget(findNext);
    findRow->addWidget(m_findStatus);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_summary);
    layout->addLayout(viewRow);
    layout->addLayout(findRow);
    layout->addWidget(buttons);

    int packets[2] = {}, turns = 0;
    for (size_t i = 0; i < m_stream.chunks.size(); ++i) {
        ++packets[m_stream.chunks[i].peer];
        turns += i > 0 && m_stream.chunks[i].peer != m_stream.chunks[i - 1].peer;
    }
    QString summary = tr("%n client pkt(s), ", nullptr, packets[0]) +
                      tr("%n server pkt(s), ", nullptr, packets[1]) +
                      tr("%n turn(s).", nullptr, turns);
    if (m_stream.missing[0] || m_stream.missing[1])
        summary += tr(" %1 not captured (lost segments).")
                       .arg(humanBytes(m_stream.missing[0] + m_stream.missing[1]));
    if (m_stream.cut)
        summary +=
            tr(" Cut after %1: the rest is not shown.").arg(humanBytes(StreamFollower::kMaxBytes));
    m_summary->setText(summary);
    render();
}

void FollowStreamDialog::setMode(streamformat::Mode mode)
{
    m_mode = mode;
    const int i = m_modeBox->findData(int(mode));
    if (i >= 0 && m_modeBox->currentIndex() != i)
        m_modeBox->setCurrentIndex(i);
    render();
}

void FollowStreamDialog::setDirection(Direction direction)
{
    m_direction = direction;
    if (m_directionBox->currentIndex() != int(direction))
        m_directionBox->setCurrentIndex(int(direction));
    render();
}

void FollowStreamDialog::render()
{
    m_text->clear();
    QTextCursor cursor(m_text->document());
    uint64_t offset[2] = {};
    size_t number[2] = {};
    for (const StreamChunk &c : m_stream.chunks) {
        const bool shown = m_direction == Direction::Both ||
                           (m_direction == Direction::ClientToServer) == (c.peer == 0);
        if (shown) {
            std::string s = streamformat::chunk(c, m_mode, offset[c.peer], number[c.peer]);
            if (m_mode == streamformat::Mode::CArrays || m_mode == streamformat::Mode::Hex)
                s += '\n'; // a blank line between packets, as Wireshark's dialog
            if (m_mode == streamformat::Mode::Ascii) // CR LF ends a line once
                s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
            QTextCharFormat format;
            format.setForeground(kForeground[c.peer]);
            format.setBackground(kBackground[c.peer]);
            cursor.insertText(QString::fromLatin1(s.data(), qsizetype(s.size())), format);
        }
        offset[c.peer] += c.bytes.size();
        ++number[c.peer];
    }
    m_text->moveCursor(QTextCursor::Start);
}

QString FollowStreamDialog::text() const
{
    return m_text->toPlainText();
}

QByteArray FollowStreamDialog::bytes() const
{
    QByteArray out;
    for (const StreamChunk &c : m_stream.chunks)
        if (!c.missing && (m_direction == Direction::Both ||
                           (m_direction == Direction::ClientToServer) == (c.peer == 0)))
            out.append(reinterpret_cast<const char *>(c.bytes.data()), qsizetype(c.bytes.size()));
    return out;
}

bool FollowStreamDialog::save(const QString &path, QString *error) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error)
            *error = f.errorString();
        return false;
    }
    const QByteArray data = m_mode == streamformat::Mode::Raw ? bytes() : text().toUtf8();
    if (f.write(data) != data.size() || !f.flush()) {
        if (error)
            *error = f.errorString();
        return false;
    }
    return true;
}

void FollowStreamDialog::saveAs()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Stream Content As…"));
    if (path.isEmpty())
        return;
    QString error;
    if (!save(path, &error))
        QMessageBox::warning(this, tr("Save Stream Content"),
                             tr("Could not write %1: %2").arg(path, error));
}

bool FollowStreamDialog::find(const QString &text)
{
    if (text.isEmpty())
        return false;
    if (m_text->find(text))
        return true;
    m_text->moveCursor(QTextCursor::Start); // wrap around
    return m_text->find(text);
}

} // namespace pl
