#include "carrayprinter.h"

#include "dissect/textformat.h"

namespace pl::print {

namespace {
constexpr size_t kPerLine = 8;
} // namespace

void appendCArray(std::string &out, uint64_t number, const uint8_t *data, size_t len)
{
    if (len == 0)
        return;
    out += "/* Frame (";
    text::appendUInt(out, len);
    out += len == 1 ? " byte) */\n" : " bytes) */\n";
    out += "static const unsigned char pkt";
    text::appendUInt(out, number);
    out += '[';
    text::appendUInt(out, len);
    out += "] = {\n";

    static constexpr char kHex[] = "0123456789abcdef";
    std::string ascii;
    for (size_t i = 0; i < len; ++i) {
        const uint8_t c = data[i];
        out += "0x";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
        char shown = (c >= 0x20 && c < 0x7f) ? char(c) : '.';
        // Wireshark would print "*/" as is and end the comment early: the file must compile.
        if (shown == '/' && !ascii.empty() && ascii.back() == '*')
            shown = '.';
        ascii += shown;
        if (i + 1 == len) {
            // Pad a short last line to where a full line's ", " would end, so the comments
            // line up: a missing byte is "0x.., " (6 characters).
            const size_t rem = len % kPerLine;
            if (rem)
                out.append((kPerLine - rem) * 6, ' ');
            out += "  /* ";
            out += ascii;
            out += " */\n};\n\n";
        } else if ((i + 1) % kPerLine == 0) {
            out += ", /* ";
            out += ascii;
            out += " */\n";
            ascii.clear();
        } else {
            out += ", ";
        }
    }
}

} // namespace pl::print
