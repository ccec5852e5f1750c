#include "hexview.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTabBar>

#include <algorithm>

namespace pl {

namespace {

constexpr int kBytesPerLine = 16;
constexpr int kTopMargin = 2;
constexpr char kHexDigits[] = "0123456789abcdef";

bool printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

/// Hex digits the offset column needs: 4 like tshark, more for frames past 64 KiB.
int offsetDigitsFor(qsizetype lastOffset)
{
    int digits = 4;
    while (digits < 16 && (quint64(lastOffset) >> (4 * digits)) != 0)
        ++digits;
    return digits;
}

void appendOffset(QString &out, qsizetype offset, int digits)
{
    for (int d = digits - 1; d >= 0; --d)
        out += QLatin1Char(kHexDigits[(quint64(offset) >> (4 * d)) & 0xf]);
}

} // namespace

HexView::HexView(QWidget *parent) : QAbstractScrollArea(parent), m_tabs(new QTabBar(this))
{
    // Wireshark's byte view tabs: under the bytes, named after their source.
    m_tabs->setShape(QTabBar::RoundedSouth);
    m_tabs->setDocumentMode(true);
    m_tabs->setDrawBase(false);
    m_tabs->setExpanding(false);
    m_tabs->setUsesScrollButtons(true);
    m_tabs->setFocusPolicy(Qt::NoFocus);   // the keys move the cursor in the bytes
    m_tabs->setFont(QApplication::font()); // not the fixed font the bytes zoom with
    m_tabs->setVisible(false);
    connect(m_tabs, &QTabBar::currentChanged, this, [this](int i) { setCurrentSource(i); });
    m_sources = {Source{}};
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setCursor(Qt::IBeamCursor);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    updateMetrics();
}

void HexView::setData(const QByteArray &data)
{
    setSources({Source{QString(), data}});
}

void HexView::setSources(const QList<Source> &sources)
{
    m_sources = sources.isEmpty() ? QList<Source>{Source{}} : sources;
    m_current = 0;
    m_hlSource = 0;
    m_hlOffset = 0;
    m_hlLength = 0;
    {
        // Rebuilding the tabs moves their current index: not a user's switch.
        const QSignalBlocker block(m_tabs);
        while (m_tabs->count() > 0)
            m_tabs->removeTab(m_tabs->count() - 1);
        if (m_sources.size() > 1)
            for (const Source &s : std::as_const(m_sources))
                m_tabs->addTab(s.name);
        m_tabs->setCurrentIndex(m_sources.size() > 1 ? 0 : -1);
    }
    m_tabs->setVisible(m_sources.size() > 1);
    layoutTabs();
    showBytes(m_sources.front().bytes);
}

QString HexView::sourceName(int source) const
{
    return source >= 0 && source < m_sources.size() ? m_sources[source].name : QString();
}

void HexView::setCurrentSource(int source)
{
    if (source < 0 || source >= m_sources.size() || source == m_current)
        return;
    m_current = source;
    {
        const QSignalBlocker block(m_tabs);
        m_tabs->setCurrentIndex(source);
    }
    showBytes(m_sources[source].bytes);
    if (highlightLength() > 0)
        scrollToLines(m_hlOffset / kBytesPerLine, (m_hlOffset + m_hlLength - 1) / kBytesPerLine);
    emit currentSourceChanged(source);
}

void HexView::showBytes(const QByteArray &data)
{
    m_data = data;
    m_cursor = -1;
    m_hovered = -1;
    const int digits = offsetDigitsFor(std::max<qsizetype>(0, m_data.size() - 1));
    if (digits != m_offsetDigits) {
        m_offsetDigits = digits;
        updateGeometry();
    }
    verticalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

void HexView::layoutTabs()
{
    const int height = m_sources.size() > 1 ? m_tabs->sizeHint().height() : 0;
    setViewportMargins(0, 0, 0, height);
    if (height > 0) {
        const QRect v = viewport()->geometry();
        m_tabs->setGeometry(v.left(), v.bottom() + 1, v.width(), height);
        m_tabs->raise();
    }
}

void HexView::setHighlight(int source, int offset, int length)
{
    if (source < 0 || source >= m_sources.size())
        return;
    setCurrentSource(source);
    setHighlight(offset, length);
}

void HexView::setHighlight(int offset, int length)
{
    const int size = int(m_data.size());
    offset = std::clamp(offset, 0, size);
    length = std::clamp(length, 0, size - offset);
    if (length == 0)
        offset = 0;
    if (m_hlSource == m_current && offset == m_hlOffset && length == m_hlLength)
        return;
    m_hlSource = m_current;
    m_hlOffset = offset;
    m_hlLength = length;
    if (length > 0)
        scrollToLines(offset / kBytesPerLine, (offset + length - 1) / kBytesPerLine);
    viewport()->update();
}

void HexView::updateMetrics()
{
    const QFontMetrics fm = fontMetrics();
    m_charWidth = std::max(1, fm.horizontalAdvance(QLatin1Char('0')));
    m_lineHeight = std::max(1, fm.lineSpacing());
    m_ascent = fm.ascent();
    m_margin = std::max(2, m_charWidth / 2);
    updateGeometry();
    updateScrollBars();
    viewport()->update();
}

int HexView::hexColumn(int byteInLine) const
{
    // "0000  45 00 … 00  45 …": two spaces after the offset, three characters a byte, one
    // more space between the two halves of eight.
    return m_offsetDigits + 2 + 3 * byteInLine + (byteInLine >= 8 ? 1 : 0);
}

int HexView::asciiColumn(int byteInLine) const
{
    return hexColumn(kBytesPerLine - 1) + 2 + 3 + byteInLine;
}

int HexView::lineChars() const
{
    return asciiColumn(kBytesPerLine - 1) + 1;
}

int HexView::visibleLines() const
{
    return std::max(1, (viewport()->height() - kTopMargin) / m_lineHeight);
}

void HexView::updateScrollBars()
{
    const int visible = visibleLines();
    QScrollBar *v = verticalScrollBar();
    v->setSingleStep(1);
    v->setPageStep(visible);
    v->setRange(0, std::max(0, lineCount() - visible));

    QScrollBar *h = horizontalScrollBar();
    const int contentWidth = 2 * m_margin + lineChars() * m_charWidth;
    h->setSingleStep(m_charWidth);
    h->setPageStep(viewport()->width());
    h->setRange(0, std::max(0, contentWidth - viewport()->width()));
}

void HexView::scrollToLines(int first, int last)
{
    QScrollBar *v = verticalScrollBar();
    const int visible = visibleLines();
    if (first < v->value())
        v->setValue(first);
    else if (last >= v->value() + visible)
        v->setValue(std::min(first, last - visible + 1)); // a tall range shows its start
}

int HexView::offsetAt(const QPoint &pos) const
{
    if (pos.y() < kTopMargin || pos.x() < 0)
        return -1;
    const int line = (pos.y() - kTopMargin) / m_lineHeight + verticalScrollBar()->value();
    if (line >= lineCount())
        return -1;
    const int rel = pos.x() - m_margin + horizontalScrollBar()->value();
    if (rel < 0)
        return -1;
    // In half characters, so a hex cell also answers for half the space on either side.
    const int x2 = 2 * rel / m_charWidth;
    int byte = -1;
    for (int j = 0; j < kBytesPerLine && byte < 0; ++j) {
        if (x2 >= 2 * hexColumn(j) - 1 && x2 < 2 * (hexColumn(j) + 2) + 1)
            byte = j;
        else if (x2 >= 2 * asciiColumn(j) && x2 < 2 * (asciiColumn(j) + 1))
            byte = j;
    }
    if (byte < 0)
        return -1;
    const qsizetype offset = qsizetype(line) * kBytesPerLine + byte;
    return offset < m_data.size() ? int(offset) : -1;
}

QRect HexView::byteRect(int offset, Column column) const
{
    if (offset < 0 || offset >= m_data.size())
        return {};
    const int line = offset / kBytesPerLine, j = offset % kBytesPerLine;
    const int col = column == Column::Hex ? hexColumn(j) : asciiColumn(j);
    const int x = m_margin + col * m_charWidth - horizontalScrollBar()->value();
    const int y = kTopMargin + (line - verticalScrollBar()->value()) * m_lineHeight;
    return QRect(x, y, (column == Column::Hex ? 2 : 1) * m_charWidth, m_lineHeight);
}

void HexView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QPalette &pal = palette();
    p.fillRect(viewport()->rect(), pal.brush(QPalette::Base));
    p.setFont(font());

    const int first = verticalScrollBar()->value();
    const int last = std::min(lineCount(), first + visibleLines() + 1);
    const int xBase = m_margin - horizontalScrollBar()->value();
    const int hlOffset = highlightOffset(), hlLength = highlightLength();
    const int hlEnd = hlOffset + hlLength;
    const QColor dim = pal.color(QPalette::Disabled, QPalette::Text);
    const QColor text = pal.color(QPalette::Text);
    const QColor hlText = pal.color(QPalette::HighlightedText);
    const auto *bytes = reinterpret_cast<const uint8_t *>(m_data.constData());

    QString cell;
    for (int line = first; line < last; ++line) {
        const int y = kTopMargin + (line - first) * m_lineHeight;
        const int lineStart = line * kBytesPerLine;
        const int lineEnd = std::min<int>(lineStart + kBytesPerLine, int(m_data.size()));

        // The highlight as one band per column, spaces between its bytes included.
        const int a = std::max(lineStart, hlOffset), b = std::min(lineEnd, hlEnd);
        if (hlLength > 0 && a < b) {
            const int ja = a - lineStart, jb = b - 1 - lineStart;
            p.fillRect(QRect(xBase + hexColumn(ja) * m_charWidth, y,
                             (hexColumn(jb) + 2 - hexColumn(ja)) * m_charWidth, m_lineHeight),
                       pal.brush(QPalette::Highlight));
            p.fillRect(QRect(xBase + asciiColumn(ja) * m_charWidth, y, (jb - ja + 1) * m_charWidth,
                             m_lineHeight),
                       pal.brush(QPalette::Highlight));
        }

        cell.clear();
        appendOffset(cell, lineStart, m_offsetDigits);
        p.setPen(dim);
        p.drawText(xBase, y + m_ascent, cell);

        for (int off = lineStart; off < lineEnd; ++off) {
            const int j = off - lineStart;
            const uint8_t c = bytes[off];
            p.setPen(off >= hlOffset && off < hlEnd ? hlText : text);
            // One cell at a time: exact columns even if the "fixed" font is not quite fixed.
            const char pair[2] = {kHexDigits[c >> 4], kHexDigits[c & 0xf]};
            cell = QString::fromLatin1(pair, 2);
            p.drawText(xBase + hexColumn(j) * m_charWidth, y + m_ascent, cell);
            cell = printable(c) ? QString(QLatin1Char(char(c))) : QStringLiteral(".");
            p.drawText(xBase + asciiColumn(j) * m_charWidth, y + m_ascent, cell);
        }
    }

    if (m_cursor >= 0 && m_cursor < m_data.size()) {
        p.setPen(QPen(hasFocus() ? text : dim, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(byteRect(m_cursor, Column::Hex).adjusted(-1, 0, 0, -1));
        p.drawRect(byteRect(m_cursor, Column::Ascii).adjusted(0, 0, -1, -1));
    }
}

void HexView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    layoutTabs();
    updateScrollBars();
}

void HexView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateMetrics();
}

void HexView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void HexView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const int offset = offsetAt(event->position().toPoint());
    if (offset < 0)
        return;
    m_cursor = offset;
    viewport()->update();
    emit byteClicked(offset);
}

void HexView::mouseReleaseEvent(QMouseEvent *event)
{
    // The press did the work; taking the release keeps it from reaching the parent.
    if (event->button() == Qt::LeftButton)
        event->accept();
    else
        QAbstractScrollArea::mouseReleaseEvent(event);
}

void HexView::mouseMoveEvent(QMouseEvent *event)
{
    setHovered(offsetAt(event->position().toPoint()));
    QAbstractScrollArea::mouseMoveEvent(event);
}

void HexView::leaveEvent(QEvent *event)
{
    setHovered(-1);
    QAbstractScrollArea::leaveEvent(event);
}

void HexView::setHovered(int offset)
{
    if (offset == m_hovered)
        return;
    m_hovered = offset;
    emit byteHovered(offset);
}

void HexView::moveCursorTo(int offset)
{
    if (m_data.isEmpty())
        return;
    offset = std::clamp(offset, 0, int(m_data.size()) - 1);
    m_cursor = offset;
    scrollToLines(offset / kBytesPerLine, offset / kBytesPerLine);
    viewport()->update();
    emit byteClicked(offset);
}

void HexView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copy();
        return;
    }
    const int from = m_cursor >= 0 ? m_cursor : highlightOffset();
    const int lineStart = from - from % kBytesPerLine;
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    const int page = visibleLines() * kBytesPerLine;
    const int last = int(m_data.size()) - 1;
    switch (event->key()) {
    case Qt::Key_Left:
        moveCursorTo(from - 1);
        break;
    case Qt::Key_Right:
        moveCursorTo(from + 1);
        break;
    case Qt::Key_Up:
        moveCursorTo(from >= kBytesPerLine ? from - kBytesPerLine : from);
        break;
    case Qt::Key_Down:
        moveCursorTo(from + kBytesPerLine <= last ? from + kBytesPerLine : from);
        break;
    case Qt::Key_PageUp:
        moveCursorTo(from >= page ? from - page : from % kBytesPerLine);
        break;
    case Qt::Key_PageDown:
        moveCursorTo(from + page <= last ? from + page : last);
        break;
    case Qt::Key_Home:
        moveCursorTo(ctrl ? 0 : lineStart);
        break;
    case Qt::Key_End:
        moveCursorTo(ctrl ? last : std::min(last, lineStart + kBytesPerLine - 1));
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void HexView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    const QString what = highlightLength() > 0 ? tr("Selected Bytes") : tr("All Bytes");
    const struct
    {
        QString text;
        CopyFormat format;
    } entries[] = {
        {tr("Copy %1 as Hex Dump").arg(what), CopyFormat::HexDump},
        {tr("Copy %1 as Hex").arg(what), CopyFormat::Hex},
        {tr("Copy %1 as Text").arg(what), CopyFormat::Text},
        {tr("Copy %1 as C Array").arg(what), CopyFormat::CArray},
    };
    for (const auto &e : entries) {
        const CopyFormat format = e.format;
        menu.addAction(e.text, this,
                       [this, format] { QGuiApplication::clipboard()->setText(copyText(format)); });
    }
    menu.setEnabled(!m_data.isEmpty());
    menu.exec(event->globalPos());
}

void HexView::copy()
{
    if (!m_data.isEmpty())
        QGuiApplication::clipboard()->setText(copyText(CopyFormat::HexDump));
}

QString HexView::copyText(CopyFormat format) const
{
    if (highlightLength() > 0)
        return formatBytes(m_data, m_hlOffset, m_hlLength, format);
    return formatBytes(m_data, 0, int(m_data.size()), format);
}

QString HexView::formatBytes(const QByteArray &data, int offset, int length, CopyFormat format)
{
    offset = std::clamp(offset, 0, int(data.size()));
    length = std::clamp(length, 0, int(data.size()) - offset);
    const auto *bytes = reinterpret_cast<const uint8_t *>(data.constData()) + offset;
    QString out;
    switch (format) {
    case CopyFormat::HexDump: {
        // tshark -x: no gap between the halves, three spaces before the ASCII.
        const int digits = offsetDigitsFor(std::max(0, offset + length - 1));
        out.reserve((length / kBytesPerLine + 1) * (digits + 70));
        for (int line = 0; line < length; line += kBytesPerLine) {
            appendOffset(out, offset + line, digits);
            out += QLatin1String("  ");
            for (int j = 0; j < kBytesPerLine; ++j) {
                if (line + j < length) {
                    out += QLatin1Char(kHexDigits[bytes[line + j] >> 4]);
                    out += QLatin1Char(kHexDigits[bytes[line + j] & 0xf]);
                    out += QLatin1Char(' ');
                } else {
                    out += QLatin1String("   ");
                }
            }
            out += QLatin1String("  ");
            for (int j = 0; j < kBytesPerLine && line + j < length; ++j)
                out += printable(bytes[line + j]) ? QLatin1Char(char(bytes[line + j]))
                                                  : QLatin1Char('.');
            out += QLatin1Char('\n');
        }
        break;
    }
    case CopyFormat::Hex:
        out.reserve(2 * length);
        for (int i = 0; i < length; ++i) {
            out += QLatin1Char(kHexDigits[bytes[i] >> 4]);
            out += QLatin1Char(kHexDigits[bytes[i] & 0xf]);
        }
        break;
    case CopyFormat::Text:
        out.reserve(length);
        for (int i = 0; i < length; ++i)
            out += printable(bytes[i]) ? QLatin1Char(char(bytes[i])) : QLatin1Char('.');
        break;
    case CopyFormat::CArray:
        out.reserve(6 * length + 28);
        out += QLatin1String("unsigned char pkt[] = {");
        for (int i = 0; i < length; ++i) {
            if (i > 0)
                out += QLatin1String(", ");
            out += QLatin1String("0x");
            out += QLatin1Char(kHexDigits[bytes[i] >> 4]);
            out += QLatin1Char(kHexDigits[bytes[i] & 0xf]);
        }
        out += QLatin1String("};");
        break;
    }
    return out;
}

QSize HexView::sizeHint() const
{
    const int frame = 2 * frameWidth();
    const int width =
        2 * m_margin + lineChars() * m_charWidth + frame + verticalScrollBar()->sizeHint().width();
    const int lines = std::clamp(lineCount(), 4, 12);
    const int tabs = m_sources.size() > 1 ? m_tabs->sizeHint().height() : 0;
    return QSize(width, frame + kTopMargin + lines * m_lineHeight + m_margin + tabs);
}

QSize HexView::minimumSizeHint() const
{
    const int frame = 2 * frameWidth();
    return QSize(2 * m_margin + (hexColumn(7) + 2) * m_charWidth + frame,
                 frame + kTopMargin + 2 * m_lineHeight);
}

} // namespace pl
