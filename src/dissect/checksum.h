#pragma once

// The Internet checksum (RFC 1071) and the transport pseudo-headers of RFC 768/793 (IPv4)
// and RFC 8200 section 8.1 (IPv6), shared by IPv4, ICMP, ICMPv6, TCP and UDP.

#include "fielddef.h"
#include "textformat.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace pl::checksum {

/// Adds `len` bytes to a one's-complement running sum (an odd tail is padded with zero).
inline uint64_t add(uint64_t sum, const uint8_t *p, size_t len)
{
    // RFC 1071 section 2(B): the one's-complement sum does not depend on byte order, so sum
    // native 32-bit words into a 64-bit accumulator (no carries lost) and swap the folded
    // result once. Four times fewer steps than 16-bit big-endian words.
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint32_t a, b;
        std::memcpy(&a, p + i, 4);
        std::memcpy(&b, p + i + 4, 4);
        acc += a;
        acc += b;
    }
    for (; i + 4 <= len; i += 4) {
        uint32_t a;
        std::memcpy(&a, p + i, 4);
        acc += a;
    }
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    if constexpr (std::endian::native == std::endian::little)
        acc = ((acc & 0xff) << 8) | (acc >> 8);
    sum += acc;
    for (; i + 1 < len; i += 2)
        sum += uint32_t(p[i]) << 8 | p[i + 1];
    if (i < len)
        sum += uint32_t(p[i]) << 8;
    return sum;
}

inline uint64_t addWord(uint64_t sum, uint32_t word)
{
    return sum + (word >> 16) + (word & 0xffff);
}

/// Folds the sum to 16 bits and complements it: 0 over data that includes a correct
/// checksum field, else the checksum the field should hold (with the field taken as 0).
inline uint16_t finish(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum & 0xffff);
}

/// Sum of the pseudo-header for `version` 4 or 6 with the given addresses, upper-layer
/// protocol and upper-layer length.
inline uint64_t pseudoHeader(int version, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                             uint32_t length)
{
    const size_t alen = version == 6 ? 16 : 4;
    uint64_t sum = add(0, src, alen);
    sum = add(sum, dst, alen);
    sum += proto;
    return addWord(sum, length);
}

/// Wireshark's expert text for a wrong checksum: "Bad checksum [should be 0x1c46]".
inline std::string badText(uint16_t expected)
{
    std::string msg = "Bad checksum [should be ";
    text::appendHex(msg, expected, 4);
    msg += ']';
    return msg;
}

/// Wireshark's checksum status values (the `*.checksum.status` fields).
enum Status : uint8_t {
    StatusBad = 0,
    StatusGood = 1,
    StatusUnverified = 2,
    StatusNotPresent = 3,
    StatusIllegal = 4
};
/// Their names (Wireshark's proto_checksum_vals), for every `*.checksum.status` and
/// `*.fcs.status` field.
inline constexpr ValueName kStatusNames[] = {
    {0, "Bad"}, {1, "Good"}, {2, "Unverified"}, {3, "Not present"}, {4, "Illegal"}};

/// The checksum item's label: "Checksum: 0x1c46 [correct]", "Checksum: 0x1c47 incorrect,
/// should be 0x1c46", "Checksum: 0x1c46 [unverified]".
inline std::string itemLabel(uint16_t value, Status status, uint16_t expected)
{
    std::string label = "Checksum: ";
    text::appendHex(label, value, 4);
    if (status == StatusGood) {
        label += " [correct]";
    } else if (status == StatusBad) {
        label += " incorrect, should be ";
        text::appendHex(label, expected, 4);
    } else {
        label += " [unverified]";
    }
    return label;
}

} // namespace pl::checksum
