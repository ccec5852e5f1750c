#pragma once

#include "analysis/streamfollower.h"

#include <optional>
#include <string>
#include <string_view>

namespace pl::streamformat {

/// How a followed stream is shown: tshark's -z follow modes (ascii, hex, raw) and the Follow
/// Stream dialog's views (those three and C arrays).
enum class Mode : uint8_t { Ascii, Hex, Raw, CArrays };

/// `ascii`, `hex`, `raw` (tshark's names; `carrays` too); nullopt for others.
std::optional<Mode> parseMode(std::string_view name);

/// One chunk in `mode`, as tshark prints it after the length line (Ascii: printable bytes,
/// CR and LF as they are, every other byte `.`; Hex: `%08X` offsets counted from
/// `peerOffset`, 16 bytes a line; Raw: one hex line; CArrays: `char peer0_3[] = { ... };`
/// with `number` the chunk's index among its peer's).
std::string chunk(const StreamChunk &c, Mode mode, uint64_t peerOffset, size_t number);

/// tshark's `-z follow,<tcp|udp>,<mode>,<index>` report (ascii, hex or raw), byte for byte.
std::string tsharkReport(const FollowedStream &s, Mode mode);

} // namespace pl::streamformat
