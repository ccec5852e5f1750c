#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

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
    /// pcapng only: the 1-based section number and the interface's if_name (empty when the
    /// file names none: shown as "unknown"). 0 for formats without interfaces (pcap, a live
    /// ring), where tshark shows no interface lines. The name's bytes belong to the reader.
    uint32_t section = 0;
    std::string_view interfaceName;
    /// Packet comments: pcapng opt_comment, or the ones the user wrote. Owned by the reader's
    /// CapturedPacket (or the caller), like `data`.
    std::span<const std::string> comments;
};

/// a - b as whole seconds and nanoseconds (nsec in 0..999999999; a negative difference has
/// negative seconds: -0.5 s is sec -1, nsec 500000000).
inline void timeDifference(int64_t aSec, uint32_t aNsec, int64_t bSec, uint32_t bNsec, int64_t &sec,
                           uint32_t &nsec)
{
    sec = aSec - bSec;
    int64_t n = int64_t(aNsec) - int64_t(bNsec);
    if (n < 0) {
        n += 1000000000;
        --sec;
    }
    nsec = uint32_t(n);
}

} // namespace pl
