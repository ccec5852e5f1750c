#pragma once

#include "dissect/dissection.h"

#include <string>

namespace pl::print {

/// How the Time column is shown (tshark's -t).
enum class TimeFormat : uint8_t { Relative, Absolute, Delta, Epoch, Utc };

/// The columns of one summary line, already as text (a live capture's records carry them).
struct SummaryColumns
{
    uint64_t number = 0;
    bool hasTime = true; ///< false: the Time column stays blank
    int64_t relSec = 0;  ///< time since the first frame
    uint32_t relNsec = 0;
    int digits = 6; ///< the capture's time precision
    std::string_view source, destination, protocol;
    uint32_t length = 0;
    std::string_view info;
};

/// Appends tshark's default line for `c`.
void appendSummaryLine(std::string &out, const SummaryColumns &c);

/// Appends tshark's default one-line form of a dissected frame:
/// `    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 55920 → 80 [SYN] …`
/// `relSec/relNsec` is the time since the first frame; `digits` the file's time precision.
void appendSummaryLine(std::string &out, const Dissection &d, int64_t relSec, uint32_t relNsec,
                       int digits);

} // namespace pl::print
