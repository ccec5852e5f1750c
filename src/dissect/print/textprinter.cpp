#include "textprinter.h"

#include "dissect/textformat.h"
#include "treetext.h"

namespace pl::print {

namespace {

// Wireshark pads each column but the last to the longer of its title and the longest text
// the column can hold (column.c): "0000000" for No., "0000.000000000" for relative times at
// automatic precision, "00000000.000000000000" for addresses, "Protocol", "00000" for Length.
constexpr size_t kNumberWidth = 7;
constexpr size_t kTimeWidth = 14;
constexpr size_t kAddressWidth = 21;
constexpr size_t kProtocolWidth = 8;
constexpr size_t kLengthWidth = 6; // the title "Length" is longer than "00000"

void appendPadded(std::string &out, std::string_view s, size_t width, bool right)
{
    if (right && s.size() < width)
        out.append(width - s.size(), ' ');
    out += s;
    if (!right && s.size() < width)
        out.append(width - s.size(), ' ');
}

} // namespace

void TextPrinter::appendHeading(std::string &out)
{
    appendPadded(out, "No.", kNumberWidth, false);
    out += ' ';
    appendPadded(out, "Time", kTimeWidth, false);
    out += ' ';
    appendPadded(out, "Source", kAddressWidth, false);
    out += ' ';
    appendPadded(out, "Destination", kAddressWidth, false);
    out += ' ';
    appendPadded(out, "Protocol", kProtocolWidth, false);
    out += ' ';
    appendPadded(out, "Length", kLengthWidth, false);
    out += " Info\n";
}

void TextPrinter::appendSummary(std::string &out, const SummaryColumns &c)
{
    thread_local std::string scratch;
    scratch.clear();
    text::appendUInt(scratch, c.number);
    appendPadded(out, scratch, kNumberWidth, true);
    out += ' ';
    scratch.clear();
    if (c.hasTime)
        text::appendSecondsNs(scratch, c.relSec, c.relNsec, c.digits);
    appendPadded(out, scratch, kTimeWidth, false);
    out += ' ';
    appendPadded(out, c.source, kAddressWidth, false);
    out += ' ';
    appendPadded(out, c.destination, kAddressWidth, false);
    out += ' ';
    appendPadded(out, c.protocol, kProtocolWidth, false);
    out += ' ';
    scratch.clear();
    text::appendUInt(scratch, c.length);
    appendPadded(out, scratch, kLengthWidth, false);
    out += ' ';
    out += c.info;
    out += '\n';
}

void TextPrinter::appendFrame(std::string &out, const SummaryColumns &columns, const Dissection &d)
{
    // The order of blank lines and headings follows Wireshark's print_packet() (file.c).
    if (m_separator)
        out += '\n';
    if (m_parts.summary) {
        if (m_heading) {
            appendHeading(out);
            m_heading = false;
        }
        appendSummary(out, columns);
    }
    if (m_parts.details) {
        if (m_parts.summary)
            out += '\n';
        appendTreeText(out, d);
        m_separator = m_heading = true;
    }
    if (m_parts.bytes) {
        if (m_parts.summary || m_parts.details)
            out += '\n';
        appendHexDumps(out, d);
        m_separator = m_heading = true;
    }
}

} // namespace pl::print
