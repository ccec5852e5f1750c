#include "summaryline.h"

#include "dissect/textformat.h"

namespace pl::print {

namespace {

void padLeft(std::string &out, size_t start, size_t width)
{
    const size_t len = out.size() - start;
    if (len < width)
        out.insert(start, width - len, ' ');
}

void padRight(std::string &out, size_t start, size_t width)
{
    const size_t len = out.size() - start;
    if (len < width)
        out.append(width - len, ' ');
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
    const Frame &f = d.frame();
    size_t start = out.size();
    text::appendUInt(out, f.number);
    padLeft(out, start, 5);
    out += ' ';
    start = out.size();
    appendTime(out, relSec, relNsec, digits);
    padLeft(out, start, 10);
    out += ' ';
    start = out.size();
    d.source().appendTo(out);
    padLeft(out, start, 12);
    out += " \u2192 ";
    start = out.size();
    d.destination().appendTo(out);
    padRight(out, start, 12);
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
