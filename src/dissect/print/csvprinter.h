#pragma once

#include "summaryline.h"

#include <string>
#include <string_view>

namespace pl::print {

/// Wireshark's File > Export Packet Dissections > As CSV (4.0): the default columns, every
/// value in double quotes, one line a packet ending in `\n`:
/// `"No.","Time","Source","Destination","Protocol","Length","Info"`.
/// Values are escaped as Wireshark does (g_strescape, then `\"` turned into `""`), so a
/// spreadsheet reads quotes and commas back; the Info column's `→` becomes ` > `.
void appendCsvHeader(std::string &out);

/// One packet's line: number, time since the first packet in the capture's precision (blank
/// for a packet without a time), addresses, protocol, length on the wire, Info.
void appendCsvRow(std::string &out, const SummaryColumns &c);

/// One value as Wireshark quotes it, e.g. `say "hi"` → `"say ""hi"""`.
void appendCsvValue(std::string &out, std::string_view value);

} // namespace pl::print
