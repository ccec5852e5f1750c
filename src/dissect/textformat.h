#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
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

// --- Writers into a caller's char buffer -------------------------------------------------------
// The summary fast path formats every packet's columns; appending piece by piece to a
// std::string costs an out-of-line call, a capacity check and a memcpy call per piece, which
// was a large part of the time spent per packet. These write into a buffer the caller has made
// big enough (the sizes below) and return the end of what they wrote.

/// The longest texts the writers produce.
constexpr size_t kMaxUIntText = 20;    ///< 18446744073709551615
constexpr size_t kMaxIPv4Text = 15;    ///< 255.255.255.255
constexpr size_t kMaxIPv6Text = 45;    ///< ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255
constexpr size_t kMaxEtherText = 17;   ///< 00:11:22:33:44:55
constexpr size_t kMaxSecondsText = 31; ///< -9223372036854775808.123456789

/// "00" "01" ... "99": two digits a step.
inline constexpr char kDigitPairs[] = "00010203040506070809101112131415161718192021222324"
                                      "25262728293031323334353637383940414243444546474849"
                                      "50515253545556575859606162636465666768697071727374"
                                      "75767778798081828384858687888990919293949596979899";

/// Decimal digits of `v` (1 for 0).
inline int decimalDigits(uint64_t v)
{
    static constexpr uint64_t kPow10[] = {1ull,
                                          10ull,
                                          100ull,
                                          1000ull,
                                          10000ull,
                                          100000ull,
                                          1000000ull,
                                          10000000ull,
                                          100000000ull,
                                          1000000000ull,
                                          10000000000ull,
                                          100000000000ull,
                                          1000000000000ull,
                                          10000000000000ull,
                                          100000000000000ull,
                                          1000000000000000ull,
                                          10000000000000000ull,
                                          100000000000000000ull,
                                          1000000000000000000ull,
                                          10000000000000000000ull};
    // log10 from log2 (1233/4096 ~ log10(2)), corrected by one comparison: no loop. v | 1
    // has as many digits as v, and counts 0 as one digit.
    v |= 1;
    const int t = (int(std::bit_width(v)) * 1233) >> 12;
    return t + (v >= kPow10[t]);
}

/// Eight decimal digits of `v` (< 10^8, leading zeros included) as ASCII in a word whose
/// first byte in memory is the most significant digit: two digits per lane with multiplies
/// and masks (SWAR), so that no division and no branch depends on the value.
inline uint64_t eightDigits(uint32_t v)
{
    // Lanes of 32 bits: the high four digits in the low lane (first in memory, little-endian).
    uint64_t x = v / 10000 + (uint64_t(v % 10000) << 32);
    // Each 4-digit lane into two 2-digit lanes of 16 bits: q = n / 100 by 10486 / 2^20.
    const uint64_t hundreds = ((x * 10486) >> 20) & 0x0000007F0000007Full;
    x = hundreds | ((x - hundreds * 100) << 16);
    // Each 2-digit lane into two digits of 8 bits: q = n / 10 by 103 / 2^10.
    const uint64_t tens = ((x * 103) >> 10) & 0x000F000F000F000Full;
    x = tens | ((x - tens * 10) << 8);
    x |= 0x3030303030303030ull;
    if constexpr (std::endian::native == std::endian::big)
        x = __builtin_bswap64(x);
    return x;
}

/// The last `n` (1..8) digits of an eightDigits() word, moved to its first bytes in memory.
inline uint64_t lastDigits(uint64_t digits, int n)
{
    if constexpr (std::endian::native == std::endian::little)
        return digits >> (8 * (8 - n));
    else
        return digits << (8 * (8 - n));
}

char *writeUIntLong(char *o, uint64_t v);

/// `v` in decimal at `o`; returns the end of the text. Writes up to kMaxUIntText bytes: past
/// the text's end they are scratch, overwritten by what the caller writes next.
inline char *writeUInt(char *o, uint64_t v)
{
    if (v < 100) { // Len=0, Seq=1, Ack=1: one or two digits, "07" read from its second byte
        std::memcpy(o, kDigitPairs + v * 2 + (v < 10), 2);
        return o + 1 + (v >= 10);
    }
    if (v < 10000) { // windows, lengths, well-known ports: two pairs, the leading zero shifted out
        const uint32_t hi = uint32_t(v) / 100, lo = uint32_t(v) % 100;
        const int n = 3 + (v >= 1000);
        // Joined in a register: two 2-byte stores read back as one word would wait for them.
        uint16_t first, second;
        std::memcpy(&first, kDigitPairs + hi * 2, 2);
        std::memcpy(&second, kDigitPairs + lo * 2, 2);
        uint32_t w;
        if constexpr (std::endian::native == std::endian::little)
            w = (uint32_t(first) | uint32_t(second) << 16) >> 8 * (4 - n);
        else
            w = (uint32_t(first) << 16 | second) << 8 * (4 - n);
        std::memcpy(o, &w, 4);
        return o + n;
    }
    if (v < 100000000) { // ports, lengths, most sequence numbers: one word, no branch on digits
        const int n = decimalDigits(v);
        const uint64_t digits = lastDigits(eightDigits(uint32_t(v)), n); // no leading zeros
        std::memcpy(o, &digits, 8);
        return o + n;
    }
    if (v <= 0xffffffffu) { // 9 or 10 digits: TCP timestamps, raw sequence numbers
        const uint32_t high = uint32_t(v / 100000000); // 1..42
        // One or two digits without a branch: "07" read from its second byte is "7".
        std::memcpy(o, kDigitPairs + high * 2 + (high < 10), 2);
        o += 1 + (high >= 10);
        const uint64_t digits = eightDigits(uint32_t(v % 100000000));
        std::memcpy(o, &digits, 8);
        return o + 8;
    }
    return writeUIntLong(o, v);
}

/// A dotted quad at `o`, kMaxIPv4Text bytes (it writes one more as scratch).
char *writeIPv4(char *o, const uint8_t *p);
/// RFC 5952 text as appendIPv6 writes it, kMaxIPv6Text bytes at most (it writes one more as
/// scratch: groups are stored four bytes at a time, but only texts of up to 39 bytes end in
/// a group).
char *writeIPv6(char *o, const uint8_t *p);
/// 00:11:22:33:44:55, kMaxEtherText bytes (it writes one more as scratch).
char *writeEther(char *o, const uint8_t *p);
/// As appendSecondsNs, kMaxSecondsText bytes at most.
char *writeSecondsNs(char *o, int64_t sec, uint32_t nsec, int digits = 9);

/// Builds text in a buffer of its own and appends it to a std::string in one piece when full
/// and when it goes out of scope (also while an exception unwinds: text written before a
/// BoundsError still reaches the Info column before the error mark is added). Code that writes
/// to the same string directly must flush() first, or the pieces come out of order.
class StringAppender
{
public:
    /// `enabled` false: every write is dropped before any formatting (a summary nobody reads,
    /// see Dissection::setColumns).
    explicit StringAppender(std::string &out, bool enabled = true) : m_out(out), m_on(enabled) {}
    ~StringAppender() { flush(); }
    StringAppender(const StringAppender &) = delete;
    StringAppender &operator=(const StringAppender &) = delete;

    void flush()
    {
        if (m_p != m_buf)
            spill();
    }
    /// Room for `n` more bytes in the buffer (n <= kSize).
    [[gnu::always_inline]] char *reserve(size_t n)
    {
        if (!m_on)
            return m_buf; // scratch: commit() keeps nothing
        if (size_t(m_buf + kSize - m_p) < n)
            spill();
        return m_p;
    }
    /// Ends a write of at most reserve()'s n bytes that stopped at `end`.
    void commit(char *end)
    {
        if (m_on)
            m_p = end;
    }

    // Always inline: with a literal the copy becomes a few moves; a call would cost more than
    // the copy (the point of this class).
    [[gnu::always_inline]] void put(char c)
    {
        if (!m_on)
            return;
        *reserve(1) = c;
        ++m_p;
    }
    [[gnu::always_inline]] void put(std::string_view s)
    {
        if (!m_on)
            return;
        if (s.size() > kSize) {
            putLong(s);
            return;
        }
        std::memcpy(reserve(s.size()), s.data(), s.size());
        m_p += s.size();
    }
    [[gnu::always_inline]] void putUInt(uint64_t v)
    {
        if (m_on)
            m_p = writeUInt(reserve(kMaxUIntText), v);
    }

private:
    [[gnu::noinline]] void spill()
    {
        m_out.append(m_buf, size_t(m_p - m_buf));
        m_p = m_buf;
    }
    [[gnu::noinline]] void putLong(std::string_view s)
    {
        flush();
        m_out.append(s);
    }

    static constexpr size_t kSize = 256;
    std::string &m_out;
    bool m_on;
    char *m_p = m_buf;
    char m_buf[kSize];
};

inline std::string uintString(uint64_t v)
{
    std::string s;
    appendUInt(s, v);
    return s;
}

} // namespace pl::text
