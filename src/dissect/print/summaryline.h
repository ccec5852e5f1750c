#pragma once

#include "dissect/dissection.h"

#include <string>

namespace pl::print {

/// How the Time column is shown (tshark's -t).
enum class TimeFormat : uint8_t { Relative, Absolute, Delta, Epoch, Utc };

/// Appends tshark's default one-line form of a dissected frame:
/// `    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 55920 → 80 [SYN] …`
/// `relSec/relNsec` is the time since the first frame; `digits` the file's time precision.
void appendSummaryLine(std::string &out, const Dissection &d, int64_t relSec, uint32_t relNsec,
                       int digits);

/// The Source, Destination, Protocol and Info columns as a GUI or CSV shows them.
std::string sourceText(const Dissection &d);
std::string destinationText(const Dissection &d);

} // namespace pl::print
