#pragma once

#include "analysis/streamfollower.h"
#include "analysis/streamformat.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextEdit;

namespace pl {

/// Analyze ▸ Follow ▸ TCP/UDP Stream: the conversation's bytes as the peers sent them, the
/// client's in red and the server's in blue (Wireshark's colours), as ASCII, a hex dump, C
/// arrays or raw hex, both directions or one; find in the text, save to a file (raw bytes in
/// the Raw view, the text otherwise), and "Filter Out This Stream".
class FollowStreamDialog : public QDialog
{
    Q_OBJECT
public:
    /// Which peers are shown: the combo's rows.
    enum class Direction { Both, ClientToServer, ServerToClient };

    explicit FollowStreamDialog(FollowedStream stream, QWidget *parent = nullptr);

    void setMode(streamformat::Mode mode);
    void setDirection(Direction direction);
    /// The text shown (for tests and Save in the text views).
    QString text() const;
    /// The bytes of the peers shown, in order: what Save writes in the Raw view.
    QByteArray bytes() const;
    /// Writes the current view to `path` (the bytes in the Raw view); false with `error`.
    bool save(const QString &path, QString *error = nullptr) const;
    /// Selects the next match of `text` after the cursor (wrapping); false when none.
    bool find(const QString &text);
    const FollowedStream &stream() const { return m_stream; }

signals:
    /// The user asked for a display filter: "Filter Out This Stream" gives `!(tcp.stream eq 3)`.
    void filterRequested(const QString &filter);

private:
    void render();
    void saveAs();

    FollowedStream m_stream;
    streamformat::Mode m_mode = streamformat::Mode::Ascii;
    Direction m_direction = Direction::Both;
    QTextEdit *m_text = nullptr;
    QLabel *m_summary = nullptr;
    QComboBox *m_directionBox = nullptr;
    QComboBox *m_modeBox = nullptr;
    QLineEdit *m_findEdit = nullptr;
    QLabel *m_findStatus = nullptr;
};

} // namespace pl
