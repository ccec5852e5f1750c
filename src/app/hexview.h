#pragma once

#include <QAbstractScrollArea>
#include <QByteArray>
#include <QList>
#include <QString>

class QTabBar;

namespace pl {

/// The bytes pane: `0000  45 00 00 3c …  E..<`, 16 bytes a line (an extra gap after 8), the
/// offset, hex and ASCII columns painted directly (no widget or item per byte), in the
/// system's fixed-width font. Shows one highlighted range (the selected field's bytes) and a
/// cursor byte moved with the mouse or the keyboard; both report the byte through
/// byteClicked() so the detail tree can follow.
///
/// A packet may have several data sources (the frame, a reassembled TCP PDU or IP datagram):
/// then tabs under the bytes name them, `Frame (74 bytes)`, `Reassembled TCP (1460 bytes)`,
/// as in Wireshark, and the view shows one source at a time. The highlight belongs to one
/// source; offsets (highlight, cursor, clicks) count in the source shown.
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
    /// One tab: its name and bytes.
    struct Source
    {
        QString name;
        QByteArray bytes;
    };

    explicit HexView(QWidget *parent = nullptr);

    /// Shows new bytes (a new packet) as the only source, no tabs: clears the highlight and
    /// the cursor, scrolls to the top.
    void setData(const QByteArray &data);
    /// Shows a packet's data sources, the frame first; tabs when there is more than one.
    /// Shows the first, clears the highlight and the cursor.
    void setSources(const QList<Source> &sources);
    /// The bytes shown (the current source's).
    const QByteArray &data() const { return m_data; }

    int sourceCount() const { return int(m_sources.size()); }
    QString sourceName(int source) const;
    /// The source shown (0: the frame).
    int currentSource() const { return m_current; }
    /// Shows source `source` (what clicking its tab does); its highlight comes back if it
    /// has it. Out of range: ignored.
    void setCurrentSource(int source);
    /// The tabs (hidden with a single source), for tests and the window.
    QTabBar *tabBar() const { return m_tabs; }

    /// Highlights exactly `length` bytes from `offset` (clamped to the data) of the source
    /// shown and scrolls them into view; a length of 0 clears the highlight.
    void setHighlight(int offset, int length);
    /// Shows source `source` and highlights its bytes `offset`..`offset+length` (a tree item
    /// of a reassembled PDU selects its tab).
    void setHighlight(int source, int offset, int length);
    /// The highlight in the source shown (0, 0 when that source has none).
    int highlightOffset() const { return m_hlSource == m_current ? m_hlOffset : 0; }
    int highlightLength() const { return m_hlSource == m_current ? m_hlLength : 0; }

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
    /// A byte of the source shown (currentSource()) was clicked or reached with the keyboard.
    void byteClicked(int offset);
    /// Another source is shown (a tab was clicked, or setCurrentSource/setHighlight).
    void currentSourceChanged(int source);
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
    /// Puts `data` on screen: no cursor, scrolled to the top.
    void showBytes(const QByteArray &data);
    /// The tab bar under the bytes, in the viewport's bottom margin.
    void layoutTabs();

    QByteArray m_data;
    QList<Source> m_sources;
    QTabBar *m_tabs;
    int m_current = 0;
    int m_hlSource = 0; ///< the source m_hlOffset/m_hlLength are in
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
