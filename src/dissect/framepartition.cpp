#include "framepartition.h"

namespace pl {

namespace {

constexpr uint16_t kIpv4 = 0x0800, kIpv6 = 0x86dd;

uint16_t be16(const uint8_t *p)
{
    return uint16_t(p[0] << 8 | p[1]);
}

/// FNV-1a over an address: a pair's hash is the sum of its two, the same in both directions.
uint64_t hashAddress(const uint8_t *p, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; ++i)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

/// The offset of the IP header in the frame and its EtherType, or false.
bool findIp(const Frame &f, size_t &at, uint16_t &type)
{
    const uint8_t *b = f.data;
    const size_t n = f.capLen;
    switch (f.linkType) {
    case 1: // Ethernet, with any stack of 802.1Q / 802.1ad tags
        if (n < 14)
            return false;
        type = be16(b + 12);
        at = 14;
        while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
            if (n < at + 4)
                return false;
            type = be16(b + at + 2);
            at += 4;
        }
        return true;
    case 113: // Linux cooked v1: the protocol at 14, 16 bytes of header
        if (n < 16)
            return false;
        type = be16(b + 14);
        at = 16;
        return true;
    case 276: // Linux cooked v2: the protocol first, 20 bytes of header
        if (n < 20)
            return false;
        type = be16(b);
        at = 20;
        return true;
    case 0:
    case 108: { // BSD loopback: a 4-byte address family, in either byte order
        if (n < 4)
            return false;
        const uint32_t le = uint32_t(b[0] | b[1] << 8 | b[2] << 16 | uint32_t(b[3]) << 24);
        const uint32_t be = uint32_t(b[3] | b[2] << 8 | b[1] << 16 | uint32_t(b[0]) << 24);
        const uint32_t family = le < 256 ? le : be;
        type = family == 2 ? kIpv4 : (family == 24 || family == 28 || family == 30) ? kIpv6 : 0;
        at = 4;
        return type != 0;
    }
    case 12:
    case 14:
    case 101: // raw IP: the version says which
        if (n < 1)
            return false;
        type = (b[0] >> 4) == 4 ? kIpv4 : (b[0] >> 4) == 6 ? kIpv6 : 0;
        at = 0;
        return type != 0;
    case 228:
        type = kIpv4;
        at = 0;
        return true;
    case 229:
        type = kIpv6;
        at = 0;
        return true;
    default:
        return false;
    }
}

} // namespace

uint32_t framePartition(const Frame &frame, uint32_t parts)
{
    size_t at = 0;
    uint16_t type = 0;
    if (parts <= 1 || !frame.data || !findIp(frame, at, type))
        return 0;
    const uint8_t *ip = frame.data + at;
    const size_t left = frame.capLen - at;
    uint64_t h;
    if (type == kIpv4 && left >= 20)
        h = hashAddress(ip + 12, 4) + hashAddress(ip + 16, 4);
    else if (type == kIpv6 && left >= 40)
        h = hashAddress(ip + 8, 16) + hashAddress(ip + 24, 16);
    else
        return 0;
    return uint32_t((h ^ (h >> 32)) % parts);
}

} // namespace pl
