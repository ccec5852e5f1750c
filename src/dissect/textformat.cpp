#include "textformat.h"

#include <charconv>

namespace pl::text {

namespace {
constexpr char kHex[] = "0123456789abcdef";
} // namespace

namespace {
constexpr char kPairs[] = "00010203040506070809101112131415161718192021222324"
                          "25262728293031323334353637383940414243444546474849"
                          "50515253545556575859606162636465666768697071727374"
                          "75767778798081828384858687888990919293949596979899";

// Two digits a step from the table, written back to front; 32-bit arithmetic where the
// value allows it (most numbers in Info are ports, lengths and 32-bit sequence numbers).
template <class U> char *writeDigits(char *end, U v)
{
    char *p = end;
    while (v >= 100) {
        const unsigned k = unsigned(v % 100) * 2;
        v /= 100;
        *--p = kPairs[k + 1];
        *--p = kPairs[k];
    }
    if (v >= 10) {
        *--p = kPairs[v * 2 + 1];
        *--p = kPairs[v * 2];
    } else {
        *--p = char('0' + v);
    }
    return p;
}
} // namespace

void appendUInt(std::string &out, uint64_t v)
{
    if (v < 10) {
        out += char('0' + v);
        return;
    }
    char buf[20];
    char *end = buf + sizeof buf;
    char *p = v <= 0xffffffffu ? writeDigits(end, uint32_t(v)) : writeDigits(end, v);
    out.append(p, size_t(end - p));
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

void appendEther(std::string &out, const uint8_t *p)
{
    appendHexBytes(out, p, 6, ':');
}

void appendIPv4(std::string &out, const uint8_t *p)
{
    char buf[16];
    size_t n = 0;
    for (int i = 0; i < 4; ++i) {
        if (i)
            buf[n++] = '.';
        const unsigned v = p[i];
        if (v >= 100)
            buf[n++] = char('0' + v / 100);
        if (v >= 10)
            buf[n++] = char('0' + v / 10 % 10);
        buf[n++] = char('0' + v % 10);
    }
    out.append(buf, n);
}

void appendIPv6(std::string &out, const uint8_t *p)
{
    // RFC 5952 with glibc inet_ntop's choices (which Wireshark prints): the first longest
    // run of two or more zero groups becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d keep the
    // embedded IPv4 address. Written out here because inet_ntop formats through sprintf,
    // which showed in the summary-mode profile.
    uint16_t w[8];
    for (int i = 0; i < 8; ++i)
        w[i] = uint16_t(p[2 * i] << 8 | p[2 * i + 1]);
    int bestBase = -1, bestLen = 0;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0)
            ++j;
        if (j - i > bestLen) {
            bestBase = i;
            bestLen = j - i;
        }
        i = j;
    }
    if (bestLen < 2)
        bestBase = -1;
    char buf[48];
    char *o = buf;
    for (int i = 0; i < 8; ++i) {
        if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
            if (i == bestBase)
                *o++ = ':';
            continue;
        }
        if (i != 0)
            *o++ = ':';
        if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
            out.append(buf, o);
            appendIPv4(out, p + 12);
            return;
        }
        o = std::to_chars(o, buf + sizeof buf, w[i], 16).ptr;
    }
    if (bestBase >= 0 && bestBase + bestLen == 8)
        *o++ = ':';
    out.append(buf, o);
}

void appendSecondsNs(std::string &out, int64_t sec, uint32_t nsec, int digits)
{
    if (sec < 0 && nsec > 0) {
        // -0.5 s is stored as sec=-1, nsec=500000000.
        out += '-';
        appendUInt(out, uint64_t(-(sec + 1)));
        nsec = 1000000000u - nsec;
    } else {
        appendInt(out, sec);
    }
    digits = digits < 0 ? 0 : digits > 9 ? 9 : digits;
    if (digits == 0)
        return;
    char frac[10];
    frac[0] = '.';
    for (int i = 9; i >= 1; --i) {
        frac[i] = char('0' + nsec % 10);
        nsec /= 10;
    }
    out.append(frac, size_t(digits) + 1);
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
        case '\\': out += '\\'; break;
        case '\a': out += 'a'; break;
        case '\b': out += 'b'; break;
        case '\f': out += 'f'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        case '\v': out += 'v'; break;
        default:
            out += 'x';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
}

} // namespace pl::text
