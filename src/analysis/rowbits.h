#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace pl {

/// One bit per packet (bit i of word i / 64: packet i, 0-based): displayed packets, marks.
/// 1M packets cost 128 KiB.
using RowBits = std::vector<uint64_t>;

/// Bit `i`; false past the end.
inline bool testBit(const RowBits &bits, uint64_t i)
{
    return i / 64 < bits.size() && (bits[i / 64] >> (i % 64) & 1);
}

/// Sets or clears bit `i`, growing `bits` as needed.
inline void putBit(RowBits &bits, uint64_t i, bool on)
{
    if (bits.size() <= i / 64)
        bits.resize(i / 64 + 1, 0);
    const uint64_t mask = uint64_t(1) << (i % 64);
    if (on)
        bits[i / 64] |= mask;
    else
        bits[i / 64] &= ~mask;
}

/// Set bits among the first `rows` bits.
inline uint64_t countBits(const RowBits &bits, uint64_t rows)
{
    uint64_t n = 0;
    const uint64_t full = rows / 64;
    for (uint64_t w = 0; w < full && w < bits.size(); ++w)
        n += uint64_t(std::popcount(bits[w]));
    if (rows % 64 && full < bits.size())
        n += uint64_t(std::popcount(bits[full] & ((uint64_t(1) << (rows % 64)) - 1)));
    return n;
}

} // namespace pl
