#include "summaryline.h"

#include "dissect/textformat.h"

namespace pl::print {

namespace {

void appendLeft(std::string &out, std::string_view s, size_t width)
{
    if (s.size() < width)
        out.append(width - s.size(), ' ');
    out += s;
}

void appendRight(std::string &out, std::string_view s, size_t width)
{
    out += s;
    if (s.size() < width)
        out.append(width - s.size(), ' ');
}

} // namespace

void appendSummaryLine(std::string &out, const SummaryColumns &c)
{
    // Columns are formatted into a scratch string and padded as they are appended, so the
    // output buffer never has to move text to insert padding.
    thread_local std::string scratch;
    scratch.clear();
    text::appendUInt(scratch, c.number);
    appendLeft(out, scratch, 5);
    out += ' ';
    scratch.clear();
    if (c.hasTime) // tshark leaves the column blank for a frame without a time
        text::appendSecondsNs(scratch, c.relSec, c.relNsec, c.digits); // the file's precision
    appendLeft(out, scratch, 10);
    out += ' ';
    appendLeft(out, c.source, 12);
    out += " \u2192 ";
    appendRight(out, c.destination, 12);
    out += ' ';
    out += c.protocol;
    out += ' ';
    text::appendUInt(out, c.length);
    out += ' ';
    out += c.info;
    out += '\n';
}

void appendSummaryLine(std::string &out, const Dissection &d, int64_t relSec, uint32_t relNsec,
                       int digits)
{
    thread_local std::string src, dst;
    src.clear();
    dst.clear();
    d.source().appendTo(src);
    d.destination().appendTo(dst);
    const Frame &f = d.frame();
    appendSummaryLine(out, SummaryColumns{f.number, f.hasTimestamp, relSec, relNsec, digits, src,
                                          dst, d.protocolColumn(), f.wireLen, d.infoColumn()});
}

} // namespace pl::print
