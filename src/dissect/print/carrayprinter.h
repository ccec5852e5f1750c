#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pl::print {

/// Wireshark's File > Export Packet Dissections > As C Arrays for one frame:
///
///     /* Frame (74 bytes) */
///     static const unsigned char pkt1[74] = {
///     0x00, 0x1b, 0x21, 0x3a, 0x4c, 0x11, 0x00, 0x0c, /* ..!:L... */
///     ...
///     0x01, 0x02                                      /* .. */
///     };
///
/// followed by a blank line: eight bytes a line with their printable ASCII in a comment
/// aligned after them. Wireshark writes one array per data source; a frame here has one, the
/// frame itself. Nothing is written for a frame without bytes (as Wireshark skips it). Unlike
/// Wireshark, a `*/` in the ASCII comment is shown as `*.`, so the file always compiles.
void appendCArray(std::string &out, uint64_t number, const uint8_t *data, size_t len);

} // namespace pl::print
