#include "textformat.h"

#include <arpa/inet.h>
#include <charconv>

namespace pl::text {

namespace {
constexpr char kHex[] = "0123456789abcdef";
} // namespace

void appendUInt(std::string &out, uint64_t v)
{
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
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
    char *w = buf;
    for (int i = 0; i < 4; ++i) {
        if (i)
            *w++ = '.';
        w = std::to_chars(w, buf + sizeof buf, p[i]).ptr;
    }
    out.append(buf, w);
}

void appendIPv6(std::string &out, const uint8_t *p)
{
    // glibc's inet_ntop follows RFC 5952 and is what Wireshark itself calls.
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, p, buf, sizeof buf))
        out += buf;
}

void appendSecondsNs(std::string &out, int64_t sec, uint32_t nsec)
{
    if (sec < 0 && nsec > 0) {
        // -0.5 s is stored as sec=-1, nsec=500000000.
        out += '-';
        appendUInt(out, uint64_t(-(sec + 1)));
        nsec = 1000000000u - nsec;
    } else {
        appendInt(out, sec);
    }
    char frac[10];
    frac[0] = '.';
    for (int i = 9; i >= 1; --i) {
        frac[i] = char('0' + nsec % 10);
        nsec /= 10;
    }
    out.append(frac, 10);
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

} // namespace pl::text
