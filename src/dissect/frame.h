#pragma once

#include <cstdint>

namespace pl {

/// One captured packet as the dissectors see it: bytes plus what the capture file or the
/// ring says about them.
struct Frame
{
    const uint8_t *data = nullptr;
    uint32_t capLen = 0;   ///< bytes in `data`
    uint32_t wireLen = 0;  ///< original length on the wire (>= capLen)
    uint32_t linkType = 0; ///< LINKTYPE_* of the interface
    int64_t tsSec = 0;     ///< seconds since the epoch (64-bit: files reach past 2106)
    uint32_t tsNsec = 0;
    uint32_t interfaceId = 0;
    uint64_t number = 0;      ///< 1-based frame number
    bool hasTimestamp = true; ///< false for pcapng Simple Packet Blocks, which carry none
};

} // namespace pl
