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

// tshark prints times with the capture's precision: 6 digits for microsecond files.
void appendTime(std::string &out, int64_t sec, uint32_t nsec, int digits)
{
    text::appendSecondsNs(out, sec, nsec);
    const size_t cut = size_t(9 - (digits < 0 ? 0 : digits > 9 ? 9 : digits));
    out.resize(out.size() - cut);
    if (out.back() == '.')
        out.pop_back();
}

} // namespace

void appendSummaryLine(std::string &out, const Dissection &d, int64_t relSec, uint32_t relNsec,
                       int digits)
{
    // Columns are formatted into a scratch string and padded as they are appended, so the
    // output buffer never has to move text to insert padding.
    thread_local std::string scratch;
    const Frame &f = d.frame();
    scratch.clear();
    text::appendUInt(scratch, f.number);
    appendLeft(out, scratch, 5);
    out += ' ';
    scratch.clear();
    if (f.hasTimestamp) // tshark leaves the column blank for a frame without a time
        appendTime(scratch, relSec, relNsec, digits);
    appendLeft(out, scratch, 10);
    out += ' ';
    scratch.clear();
    d.source().appendTo(scratch);
    appendLeft(out, scratch, 12);
    out += " \u2192 ";
    scratch.clear();
    d.destination().appendTo(scratch);
    appendRight(out, scratch, 12);
    out += ' ';
    out += d.protocolColumn();
    out += ' ';
    text::appendUInt(out, f.wireLen);
    out += ' ';
    out += d.infoColumn();
    out += '\n';
}

std::string sourceText(const Dissection &d)
{
    return d.source().toString();
}

std::string destinationText(const Dissection &d)
{
    return d.destination().toString();
}

} // namespace pl::print
