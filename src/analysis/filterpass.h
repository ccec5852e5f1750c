#pragma once

#include "analysis/displayfilter.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pl {

/// One bit per packet (bit i of word i / 64: packet i, 0-based, is displayed). 1M packets
/// cost 128 KiB.
using RowBits = std::vector<uint64_t>;

inline bool testBit(const RowBits &bits, uint64_t i)
{
    return i / 64 < bits.size() && (bits[i / 64] >> (i % 64) & 1);
}

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
uint64_t countBits(const RowBits &bits, uint64_t rows);

/// What filterPass() found.
struct FilterPassResult
{
    RowBits bits;      ///< bit per packet read: the filter matched
    uint64_t rows = 0; ///< packets read (fewer than asked when the file ends or is damaged)
    bool cancelled = false;
};

/// Evaluates `filter` on the first `count` packets of the capture file `path`: its own
/// reader, a fresh session and a summary dissection with the filter's interest, in capture
/// order from frame 1, so that fields which depend on earlier frames (tcp.stream, relative
/// sequence numbers, frame.time_delta) have the values the store's first pass gave them.
///
/// Runs on the calling thread; reading the file and dissecting overlap on two threads when
/// that pays, and when the filter reads no cross-frame field (readsCrossFrameFields()),
/// batches of frames are dissected on two threads, each batch with a fresh session.
/// `cancel` is looked at before every frame (a cancelled pass returns once the frames being
/// dissected are done, with `cancelled` set and the bits of a prefix of the capture);
/// `progress(done)` is called at most about every 100 ms. `following`: the file is a
/// spool still being written (a record cut off at its end is not damage).
FilterPassResult filterPass(const std::string &path, bool following, uint64_t count,
                            const DisplayFilter &filter, const std::atomic<bool> &cancel,
                            const std::function<void(uint64_t done)> &progress);

} // namespace pl
