#include "csvprinter.h"

#include "dissect/textformat.h"

namespace pl::print {

namespace {

constexpr std::string_view kArrow = "\u2192";

bool isArrowByte(uint8_t c)
{
    return kArrow.find(char(c)) != std::string_view::npos;
}

} // namespace

void appendCsvValue(std::string &out, std::string_view value)
{
    // Wireshark runs g_strescape() over the value with the arrow's bytes as exceptions, turns
    // each arrow into " > " and each \" into "" (so a CSV reader sees a doubled quote). Doing
    // the same, byte for byte, keeps files diffable against Wireshark's.
    out += '"';
    for (size_t i = 0; i < value.size(); ++i) {
        const uint8_t c = uint8_t(value[i]);
        if (value.substr(i, kArrow.size()) == kArrow) {
            out += " > ";
            i += kArrow.size() - 1;
            continue;
        }
        switch (c) {
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\v':
            out += "\\v";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\"\"";
            break;
        default:
            if ((c < 0x20 || c >= 0x7f) && !isArrowByte(c)) {
                out += '\\';
                out += char('0' + ((c >> 6) & 7));
                out += char('0' + ((c >> 3) & 7));
                out += char('0' + (c & 7));
            } else {
                out += char(c);
            }
        }
    }
    out += '"';
}

void appendCsvHeader(std::string &out)
{
    out += "\"No.\",\"Time\",\"Source\",\"Destination\",\"Protocol\",\"Length\",\"Info\"\n";
}

void appendCsvRow(std::string &out, const SummaryColumns &c)
{
    thread_local std::string scratch;
    scratch.clear();
    text::appendUInt(scratch, c.number);
    appendCsvValue(out, scratch);
    out += ',';
    scratch.clear();
    if (c.hasTime)
        text::appendSecondsNs(scratch, c.relSec, c.relNsec, c.digits);
    appendCsvValue(out, scratch);
    out += ',';
    appendCsvValue(out, c.source);
    out += ',';
    appendCsvValue(out, c.destination);
    out += ',';
    appendCsvValue(out, c.protocol);
    out += ',';
    scratch.clear();
    text::appendUInt(scratch, c.length);
    appendCsvValue(out, scratch);
    out += ',';
    appendCsvValue(out, c.info);
    out += '\n';
}

} // namespace pl::print
