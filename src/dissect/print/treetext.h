#pragma once

#include "dissect/dissection.h"

#include <string>

namespace pl::print {

/// Appends the detail tree as tshark -V prints it: one item a line, four spaces a level,
/// hidden items left out.
void appendTreeText(std::string &out, const Dissection &d);

/// Appends tshark's -x hex and ASCII dump: `0000  45 00 …   E.…`, 16 bytes a line.
void appendHexDump(std::string &out, const uint8_t *data, size_t len);

/// The frame's hex dump, and when the dissection added data sources (reassembled bytes),
/// each source under its name (`Frame (74 bytes):`, `Reassembled TCP (1460 bytes):`), as tshark -x
/// prints them.
void appendHexDumps(std::string &out, const Dissection &d);

} // namespace pl::print
