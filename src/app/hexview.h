#pragma once

#include <QAbstractScrollArea>
#include <QByteArray>

namespace pl {

/// The bytes pane: `0000  45 00 00 3c …  E..<`, 16 bytes a line (an extra gap after 8), the
/// offset, hex and ASCII columns painted directly (no widget or item per byte), in the
/// system's fixed-width font. Shows one highlighted range (the selected field's bytes) and a
/// cursor byte moved with the mouse or the keyboard; both report the byte through
/// byteClicked() so the detail tree can follow.
class HexView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    enum class CopyFormat {
        HexDump, ///< tshark -x lines: offset, hex, ASCII
        Hex,     ///< continuous lower-case hex
        Text,    ///< printable ASCII, '.' for the rest
        CArray,  ///< `unsigned char pkt[] = {0x45, 0x00};`
    };
    Q_ENUM(CopyFormat)
    enum class Column { Hex, Ascii };

    explicit HexView(QWidget *parent = nullptr);

    /// Shows new bytes (a new packet): clears the highlight and the cursor, scrolls to the top.
    void setData(const QByteArray &data);
    const QByteArray &data() const { return m_data; }

    /// Highlights exactly `length` bytes from `offset` (clamped to the data) and scrolls them
    /// into view; a length of 0 clears the highlight.
    void setHighlight(int offset, int length);
    int highlightOffset() const { return m_hlOffset; }
    int highlightLength() const { return m_hlLength; }

    /// The keyboard cursor's byte, -1 when none.
    int cursorOffset() const { return m_cursor; }

    /// The byte under a point of the viewport (hex or ASCII cell), -1 when none.
    int offsetAt(const QPoint &viewportPos) const;
    /// Where byte `offset` is painted, in viewport coordinates (null rect when out of range).
    QRect byteRect(int offset, Column column = Column::Hex) const;

    /// The highlighted bytes, or all of them when nothing is highlighted, as text.
    QString copyText(CopyFormat format) const;
    /// Bytes `offset`..`offset+length` of `data` as text (the formatting of copyText()).
    /// HexDump labels lines with frame offsets starting at `offset`.
    static QString formatBytes(const QByteArray &data, int offset, int length, CopyFormat format);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    /// Copies copyText(HexDump) to the clipboard (Ctrl+C).
    void copy();

signals:
    void byteClicked(int offset);
    /// The byte under the mouse changed; -1 when the mouse left the bytes.
    void byteHovered(int offset);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void updateMetrics();
    void updateScrollBars();
    int lineCount() const { return int((m_data.size() + 15) / 16); }
    int visibleLines() const;
    int hexColumn(int byteInLine) const; ///< in characters from the left edge
    int asciiColumn(int byteInLine) const;
    int lineChars() const; ///< width of a full line in characters
    void scrollToLines(int first, int last);
    void moveCursorTo(int offset);
    void setHovered(int offset);

    QByteArray m_data;
    int m_hlOffset = 0;
    int m_hlLength = 0;
    int m_cursor = -1;
    int m_hovered = -1;
    int m_offsetDigits = 4;
    int m_charWidth = 8;
    int m_lineHeight = 16;
    int m_ascent = 12;
    int m_margin = 4;
};

} // namespace pl
