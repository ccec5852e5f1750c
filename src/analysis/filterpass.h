#pragma once

#include "analysis/displayfilter.h"
#include "analysis/rowbits.h"
#include "dissect/preferences.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pl {

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
/// that pays. When the filter reads no field that depends on frames between other addresses
/// (readsCrossConversationFields(): tcp.stream, frame.time_delta), the frames are dissected
/// on two threads, split by the pair of IP addresses they travel between (framePartition),
/// each thread with a session of its own: all the other fields depend on lies between the
/// same two addresses.
/// `cancel` is looked at before every frame (a cancelled pass returns once the frames being
/// dissected are done, with `cancelled` set and the bits of a prefix of the capture);
/// `progress(done)` is called at most about every 100 ms. `following`: the file is a
/// spool still being written (a record cut off at its end is not damage).
FilterPassResult filterPass(const std::string &path, bool following, uint64_t count,
                            const DisplayFilter &filter, const std::atomic<bool> &cancel,
                            const std::function<void(uint64_t done)> &progress,
                            const Preferences &prefs = {});

} // namespace pl
