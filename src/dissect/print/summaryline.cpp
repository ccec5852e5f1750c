#include "summaryline.h"

#include "dissect/textformat.h"

#include <algorithm>

namespace pl::print {

namespace {

// tshark's default columns: No. right-aligned in 5, Time right-aligned in 10, Source
// right-aligned in 12, " → ", Destination left-aligned in 12; the rest unpadded.
constexpr size_t kNumberWidth = 5, kTimeWidth = 10, kAddressWidth = 12;
constexpr std::string_view kArrow = " \u2192 ";

// The line is built in a stack buffer and appended to `out` in one piece: this runs once per
// packet, and appending column by column cost a call, a capacity check and a memcpy call per
// piece. Right-aligned columns are formatted into a scratch block first and then copied as a
// whole fixed-size block (the bytes past the text are garbage that the next column
// overwrites), so neither padding nor copying needs a call or a loop.
constexpr size_t kScratch = 48; // >= every writer's longest text, its scratch byte included
static_assert(kScratch >= text::kMaxUIntText && kScratch >= text::kMaxSecondsText &&
              kScratch >= Address::kMaxText);
constexpr size_t kPad = 16; // >= every column width
static_assert(kPad >= kNumberWidth && kPad >= kTimeWidth && kPad >= kAddressWidth);

/// Copies the `n` bytes of `scratch` to `o` right-aligned in `width` columns; writes up to
/// kPad + kScratch bytes.
char *putRight(char *o, const char *scratch, size_t n, size_t width)
{
    std::memset(o, ' ', kPad);
    if (n < width)
        o += width - n;
    std::memcpy(o, scratch, kScratch);
    return o + n;
}

/// Pads the text from `start` to `o` to `width` columns on the right; writes up to kPad bytes.
char *padRight(char *start, char *o, size_t width)
{
    std::memset(o, ' ', kPad);
    return size_t(o - start) < width ? start + width : o;
}

/// The columns up to the Protocol one: kPrefixMax bytes at most, plus the scratch of the
/// last copy.
constexpr size_t kPrefixMax = kPad + kScratch + 1 + kPad + kScratch + 1 + kPad + kScratch +
                              kArrow.size() + kPad + kScratch + 1;

constexpr size_t kLineBuffer = 512;
static_assert(kPrefixMax < kLineBuffer);

char *writeNumberAndTime(char *o, uint64_t number, bool hasTime, int64_t relSec, uint32_t relNsec,
                         int digits)
{
    // Both texts' lengths are known before they are written, so they go straight to their
    // right-aligned place: no scratch copy whose loads would wait on the stores just made.
    std::memset(o, ' ', kPad);
    const size_t n = size_t(text::decimalDigits(number));
    o = text::writeUInt(o + (n < kNumberWidth ? kNumberWidth - n : 0), number);
    *o++ = ' ';
    // tshark leaves the column blank for a frame without a time; else the file's precision.
    if (!hasTime) {
        std::memset(o, ' ', kPad);
        o += kTimeWidth;
    } else if (relSec >= 0) {
        const int fraction = std::clamp(digits, 0, 9);
        const size_t t = size_t(text::decimalDigits(uint64_t(relSec)) + fraction + (fraction > 0));
        std::memset(o, ' ', kPad);
        o = text::writeSecondsNs(o + (t < kTimeWidth ? kTimeWidth - t : 0), relSec, relNsec,
                                 digits);
    } else { // before the first frame (a file out of order): a sign, rarely
        char scratch[kScratch];
        o = putRight(o, scratch,
                     size_t(text::writeSecondsNs(scratch, relSec, relNsec, digits) - scratch),
                     kTimeWidth);
    }
    *o++ = ' ';
    return o;
}

/// Protocol, Length, Info and the newline, after the prefix in `line` (`o` its end).
void finishLine(std::string &out, char *line, char *o, std::string_view protocol, uint32_t length,
                std::string_view info)
{
    // What does not fit in the buffer (a long Info) is appended on its own.
    if (size_t(o - line) + protocol.size() + 2 + text::kMaxUIntText + info.size() + 1 <=
        kLineBuffer) {
        std::memcpy(o, protocol.data(), protocol.size());
        o += protocol.size();
        *o++ = ' ';
        o = text::writeUInt(o, length);
        *o++ = ' ';
        std::memcpy(o, info.data(), info.size());
        o += info.size();
        *o++ = '\n';
        out.append(line, size_t(o - line));
        return;
    }
    out.append(line, size_t(o - line));
    out += protocol;
    out += ' ';
    text::appendUInt(out, length);
    out += ' ';
    out += info;
    out += '\n';
}

} // namespace

void appendSummaryLine(std::string &out, const SummaryColumns &c)
{
    char line[kLineBuffer];
    char *o = writeNumberAndTime(line, c.number, c.hasTime, c.relSec, c.relNsec, c.digits);
    // The address columns come as text here (a live capture's records): any length.
    if (c.source.size() + c.destination.size() + kArrow.size() + 2 * kPad + 1 >
        kLineBuffer - size_t(o - line)) {
        out.append(line, size_t(o - line));
        if (c.source.size() < kAddressWidth)
            out.append(kAddressWidth - c.source.size(), ' ');
        out += c.source;
        out += kArrow;
        out += c.destination;
        if (c.destination.size() < kAddressWidth)
            out.append(kAddressWidth - c.destination.size(), ' ');
        out += ' ';
        o = line;
    } else {
        std::memset(o, ' ', kPad);
        if (c.source.size() < kAddressWidth)
            o += kAddressWidth - c.source.size();
        std::memcpy(o, c.source.data(), c.source.size());
        o += c.source.size();
        std::memcpy(o, kArrow.data(), kArrow.size());
        o += kArrow.size();
        char *start = o;
        std::memcpy(o, c.destination.data(), c.destination.size());
        o = padRight(start, o + c.destination.size(), kAddressWidth);
        *o++ = ' ';
    }
    finishLine(out, line, o, c.protocol, c.length, c.info);
}

void appendSummaryLine(std::string &out, const Dissection &d, int64_t relSec, uint32_t relNsec,
                       int digits)
{
    const Frame &f = d.frame();
    char line[kLineBuffer];
    char *o = writeNumberAndTime(line, f.number, f.hasTimestamp, relSec, relNsec, digits);
    char scratch[kScratch];
    o = putRight(o, scratch, size_t(d.source().writeTo(scratch) - scratch), kAddressWidth);
    std::memcpy(o, kArrow.data(), kArrow.size());
    o += kArrow.size();
    char *start = o;
    o = padRight(start, d.destination().writeTo(o), kAddressWidth);
    *o++ = ' ';
    finishLine(out, line, o, d.protocolColumn(), f.wireLen, d.infoColumn());
}

} // namespace pl::print
