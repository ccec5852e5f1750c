#include "textformat.h"

#include <array>
#include <bit>
#include <charconv>

namespace pl::text {

namespace {
constexpr char kHex[] = "0123456789abcdef";
// Each byte's two lower-case hex digits.
constexpr auto kHexPairs = [] {
    std::array<std::array<char, 2>, 256> t{};
    for (unsigned v = 0; v < 256; ++v)
        t[v] = {kHex[v >> 4], kHex[v & 0xf]};
    return t;
}();
} // namespace

char *writeUIntLong(char *o, uint64_t v)
{
    const int n = decimalDigits(v);
    char *p = o + n;
    // Eight digits a step from the end; the first step leaves fewer than eight.
    while (v >= 100000000) {
        const uint64_t digits = eightDigits(uint32_t(v % 100000000));
        v /= 100000000;
        p -= 8;
        std::memcpy(p, &digits, 8);
    }
    const uint64_t digits = eightDigits(uint32_t(v));
    char head[8];
    std::memcpy(head, &digits, 8);
    const size_t rest = size_t(p - o); // the digits of v, 1..8
    std::memcpy(o, head + 8 - rest, rest);
    return o + n;
}

void appendUInt(std::string &out, uint64_t v)
{
    char buf[kMaxUIntText];
    out.append(buf, size_t(writeUInt(buf, v) - buf));
}

void appendInt(std::string &out, int64_t v)
{
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

void appendHex(std::string &out, uint64_t v, int digits)
{
    char buf[18];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n++] = kHex[v & 0xf];
        v >>= 4;
    } while (v != 0 && n < 16);
    while (n < digits && n < 16)
        buf[sizeof buf - 1 - n++] = '0';
    out += "0x";
    out.append(buf + sizeof buf - n, size_t(n));
}

void appendHexBytes(std::string &out, const uint8_t *p, size_t len, char sep)
{
    out.reserve(out.size() + len * 3);
    for (size_t i = 0; i < len; ++i) {
        if (sep && i)
            out += sep;
        out += kHex[p[i] >> 4];
        out += kHex[p[i] & 0xf];
    }
}

char *writeEther(char *o, const uint8_t *p)
{
    for (int i = 0; i < 6; ++i) {
        o[0] = kHex[p[i] >> 4];
        o[1] = kHex[p[i] & 0xf];
        o[2] = ':';
        o += 3;
    }
    return o - 1; // no ':' after the last byte
}

void appendEther(std::string &out, const uint8_t *p)
{
    char buf[kMaxEtherText + 1];
    out.append(buf, size_t(writeEther(buf, p) - buf));
}

namespace {
// Each byte value's decimal text in the first three chars and its length in the fourth: a
// dotted quad is then four 4-byte copies, with no division.
struct DecimalByte
{
    char text[4];
};
constexpr auto kDecimalBytes = [] {
    std::array<DecimalByte, 256> t{};
    for (unsigned v = 0; v < 256; ++v) {
        char *c = t[v].text;
        int n = 0;
        if (v >= 100)
            c[n++] = char('0' + v / 100);
        if (v >= 10)
            c[n++] = char('0' + v / 10 % 10);
        c[n++] = char('0' + v % 10);
        c[3] = char(n);
    }
    return t;
}();
} // namespace

char *writeIPv4(char *o, const uint8_t *p)
{
    for (int i = 0; i < 4; ++i) {
        const DecimalByte &b = kDecimalBytes[p[i]];
        std::memcpy(o, b.text, 4); // the length byte is overwritten by what follows
        o += b.text[3];
        *o++ = '.';
    }
    return o - 1; // no '.' after the last byte
}

void appendIPv4(std::string &out, const uint8_t *p)
{
    char buf[kMaxIPv4Text + 1];
    out.append(buf, size_t(writeIPv4(buf, p) - buf));
}

char *writeIPv6(char *out, const uint8_t *p)
{
    // RFC 5952 with glibc inet_ntop's choices (which Wireshark prints): the first longest
    // run of two or more zero groups becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d keep the
    // embedded IPv4 address. Written out here because inet_ntop formats through sprintf,
    // which showed in the summary-mode profile.
    uint16_t w[8];
    unsigned zeros = 0; // bit i: group i is zero
    for (int i = 0; i < 8; ++i) {
        w[i] = uint16_t(p[2 * i] << 8 | p[2 * i + 1]);
        zeros |= unsigned(w[i] == 0) << i;
    }
    // The first longest run of zero groups, a run per step (at most four).
    int bestBase = -1, bestLen = 0;
    for (unsigned m = zeros; m != 0;) {
        const int start = std::countr_zero(m);
        const int len = std::countr_one(m >> start);
        if (len > bestLen) {
            bestBase = start;
            bestLen = len;
        }
        m &= ~(((1u << len) - 1) << start);
    }
    if (bestLen < 2)
        bestBase = -1;
    char *o = out;
    for (int i = 0; i < 8; ++i) {
        if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
            if (i == bestBase)
                *o++ = ':';
            continue;
        }
        if (i != 0)
            *o++ = ':';
        if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
            return writeIPv4(o, p + 12);
        }
        // 1..4 lower-case hex digits without leading zeros, as inet_ntop writes a group: all
        // four from two byte-pair lookups, shifted so that the leading zeros fall off, then
        // stored at once (the bytes past the n digits are scratch that what follows overwrites).
        const unsigned v = w[i];
        const int n = (int(std::bit_width(v | 1)) + 3) / 4;
        uint32_t four;
        std::memcpy(&four, kHexPairs[v >> 8].data(), 2);
        std::memcpy(reinterpret_cast<char *>(&four) + 2, kHexPairs[v & 0xff].data(), 2);
        if constexpr (std::endian::native == std::endian::little)
            four >>= 8 * (4 - n);
        else
            four <<= 8 * (4 - n);
        std::memcpy(o, &four, 4);
        o += n;
    }
    if (bestBase >= 0 && bestBase + bestLen == 8)
        *o++ = ':';
    return o;
}

void appendIPv6(std::string &out, const uint8_t *p)
{
    char buf[kMaxIPv6Text + 1];
    out.append(buf, size_t(writeIPv6(buf, p) - buf));
}

char *writeSecondsNs(char *o, int64_t sec, uint32_t nsec, int digits)
{
    if (sec < 0) {
        *o++ = '-';
        if (nsec > 0) {
            // -0.5 s is stored as sec=-1, nsec=500000000.
            o = writeUInt(o, uint64_t(-(sec + 1)));
            nsec = 1000000000u - nsec;
        } else {
            o = writeUInt(o, uint64_t(0) - uint64_t(sec));
        }
    } else {
        o = writeUInt(o, uint64_t(sec));
    }
    digits = digits < 0 ? 0 : digits > 9 ? 9 : digits;
    if (digits == 0)
        return o;
    if (nsec >= 1000000000u) // only the nine fraction digits are shown
        nsec %= 1000000000u;
    // Straight to `o`, not through a buffer read back: a load spanning the stores just made
    // cannot take their bytes from the store buffer and waits for them (the summary line's
    // time column showed as 3% of the CLI's samples that way).
    o[0] = '.';
    o[1] = char('0' + nsec / 100000000);
    const uint64_t rest = eightDigits(nsec % 100000000);
    std::memcpy(o + 2, &rest, 8); // all nine, of which the first `digits` stay
    return o + digits + 1;
}

void appendSecondsNs(std::string &out, int64_t sec, uint32_t nsec, int digits)
{
    char buf[kMaxSecondsText];
    out.append(buf, size_t(writeSecondsNs(buf, sec, nsec, digits) - buf));
}

void appendBitPattern(std::string &out, uint64_t raw, uint64_t mask, int bits)
{
    for (int i = bits - 1; i >= 0; --i) {
        const uint64_t bit = uint64_t(1) << i;
        out += (mask & bit) ? ((raw & bit) ? '1' : '0') : '.';
        if (i > 0 && i % 4 == 0)
            out += ' ';
    }
}

void appendEscaped(std::string &out, std::string_view s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != 0x7f && c != '\\') {
            out += c;
            continue;
        }
        out += '\\';
        switch (c) {
        case '\\':
            out += '\\';
            break;
        case '\a':
            out += 'a';
            break;
        case '\b':
            out += 'b';
            break;
        case '\f':
            out += 'f';
            break;
        case '\n':
            out += 'n';
            break;
        case '\r':
            out += 'r';
            break;
        case '\t':
            out += 't';
            break;
        case '\v':
            out += 'v';
            break;
        default:
            out += 'x';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
}

} // namespace pl::text
