#pragma once

#include <cstdint>
#include <string>
#include <string_view>

/// Fast text helpers shared by columns, tree labels and -T fields output.
namespace pl::text {

void appendUInt(std::string &out, uint64_t v);
void appendInt(std::string &out, int64_t v);
/// `0x` and `digits` lower-case hex digits, zero-padded.
void appendHex(std::string &out, uint64_t v, int digits);
/// Lower-case hex of `len` bytes, with `sep` between bytes when it is not 0.
void appendHexBytes(std::string &out, const uint8_t *p, size_t len, char sep = 0);
void appendEther(std::string &out, const uint8_t *p);
void appendIPv4(std::string &out, const uint8_t *p);
/// RFC 5952 text, character for character what glibc's inet_ntop writes: lower case, the
/// first longest run of zero groups (length >= 2) compressed, IPv4-mapped/compatible forms.
void appendIPv6(std::string &out, const uint8_t *p);
/// `seconds.fraction` with `digits` (0..9) fraction digits, cut not rounded, e.g.
/// `1120622255.938066000` with nine; negatives keep their sign.
void appendSecondsNs(std::string &out, int64_t sec, uint32_t nsec, int digits = 9);
/// Wireshark's bit picture for a masked field: `.... 0101` for mask 0x0f value 5 of 8 bits.
/// Text from a packet or a file for one line of a tree: control characters become C escapes
/// (`\n`, `\t`, `\x7f`) as Wireshark shows them, so a hostile name cannot break the line
/// structure of `-V` output or the detail pane; other bytes (UTF-8 included) are kept.
void appendEscaped(std::string &out, std::string_view s);
void appendBitPattern(std::string &out, uint64_t raw, uint64_t mask, int bits);

inline std::string uintString(uint64_t v)
{
    std::string s;
    appendUInt(s, v);
    return s;
}

} // namespace pl::text
