#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <linux/filter.h>

#include "dissect/frame.h"

namespace pl::capture {

/// What to capture on one interface.
struct RingConfig
{
    std::string interface;     ///< interface name, in the caller's network namespace
    uint32_t snaplen = 262144; ///< bytes kept per packet (0 = 262144)
    bool promiscuous = true;
    size_t bufferBytes = 32u << 20; ///< ring size; rounded to whole blocks, at least two
    int blockTimeoutMs = 50;        ///< TPACKET_V3 retire timeout: packets show within ~100 ms
    std::string filter;             ///< tcpdump syntax; empty = everything
    /// Leave the drop-all filter in place and compile `filter` only in applyFilter(), which
    /// the helper calls after dropping its privileges.
    bool deferFilter = false;
};

/// What walkBlock needs to know about the ring a block comes from.
struct BlockLayout
{
    size_t blockSize = 0;
    uint32_t snaplen = 262144;
    uint32_t linkType = 1;
    uint32_t interfaceId = 0;
    bool loopback = false; ///< skip PACKET_OUTGOING copies
};

/// Hands each packet of one retired TPACKET_V3 block (tpacket_block_desc at `block`,
/// `layout.blockSize` bytes) to `fn` and returns how many. Trusts nothing in the block:
/// offset_to_first_pkt, num_pkts, tp_next_offset, tp_mac and tp_snaplen are all bounded by the
/// block, so a corrupt block yields fewer packets, never an access outside it. It may write
/// inside the block (to put back a stripped VLAN tag). PacketRing::read() uses it; public for
/// tests with crafted blocks.
int walkBlock(uint8_t *block, const BlockLayout &layout,
              const std::function<void(const Frame &)> &fn);

/// One AF_PACKET socket with a TPACKET_V3 receive ring, bound to one interface, with the
/// capture filter attached in the kernel. Opening needs CAP_NET_RAW; reading needs nothing,
/// so the helper opens every ring, drops its privileges, then reads.
class PacketRing
{
public:
    enum class ErrorCode { None, NoPermission, NoSuchInterface, BadFilter, Other, InterfaceDown };
    struct Stats
    {
        /// Packets that passed the filter, including the dropped ones (the kernel's tp_packets,
        /// what tcpdump calls "received by filter").
        uint64_t received = 0;
        uint64_t dropped = 0; ///< the ring was full (tp_drops)
    };

    PacketRing();
    ~PacketRing(); ///< closes the socket (which leaves promiscuous mode) and unmaps the ring
    PacketRing(const PacketRing &) = delete;
    PacketRing &operator=(const PacketRing &) = delete;

    /// Needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode on some kernels). Compiles the
    /// filter for the interface's link type first, so a bad filter is refused before any
    /// socket exists (unless RingConfig::deferFilter: then applyFilter() does it). Then: AF_PACKET
    /// SOCK_RAW socket with protocol 0 (nothing is queued yet), a drop-all filter, PACKET_VERSION
    /// TPACKET_V3, PACKET_RESERVE (room to put back VLAN tags), PACKET_RX_RING, mmap, bind to the
    /// interface with ETH_P_ALL, promiscuous membership if asked, release anything the ring holds,
    /// and only then the real filter (deferred: the drop-all filter stays until applyFilter()). So
    /// no packet that fails the filter is ever handed to read(). False: errorCode() and errorText()
    /// ("what: strerror") say why; a later open() may retry. NoPermission for EPERM/EACCES (show
    /// missingCapabilityHint()), NoSuchInterface, BadFilter (errorText is pcap's message),
    /// InterfaceDown (the interface is not up, as tcpdump refuses it), Other (including device
    /// types PacketRing cannot frame, see linkTypeForArphrd).
    bool open(const RingConfig &config, uint32_t interfaceId);
    /// With RingConfig::deferFilter: compiles the filter (BadFilter with pcap's message when
    /// it is wrong), releases what the ring holds and attaches it; packets flow from then on.
    /// Needs no privilege.
    bool applyFilter();
    void close();

    ErrorCode errorCode() const { return m_errorCode; }
    const std::string &errorText() const { return m_errorText; }
    bool isOpen() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    uint32_t linkType() const { return m_linkType; }
    uint32_t interfaceId() const { return m_interfaceId; }
    const std::string &name() const { return m_name; }
    uint32_t snaplen() const { return m_snaplen; }
    size_t ringBytes() const { return m_blockSize * m_blockCount; }
    /// Instructions in the attached filter (for diagnostics; 1 for an empty filter).
    size_t filterLength() const { return m_filterLength; }

    /// Hands every packet of the blocks the kernel has retired to `fn` in ring order,
    /// returning each block to the kernel after its last packet; when none is ready, first
    /// waits up to `timeoutMs` (0 = don't wait, -1 = forever) with poll(). Frame::data points
    /// into the ring and is valid during the call only; tsSec/tsNsec come from the kernel's
    /// receive timestamp, wireLen from tp_len, capLen from tp_snaplen (never beyond the block
    /// or the snaplen), linkType and interfaceId are set, number is 0 (the caller numbers).
    /// VLAN tags the kernel stripped are put back. Loopback's outgoing copies are skipped (each
    /// packet on lo would otherwise appear twice), as libpcap does.
    /// Returns the number of packets handed over, or -1 on a socket error (errorText set,
    /// e.g. the interface went down or disappeared).
    int read(int timeoutMs, const std::function<void(const Frame &)> &fn);

    /// Cumulative kernel counters (PACKET_STATISTICS resets on each read; this accumulates).
    Stats stats();

private:
    bool fail(ErrorCode code, std::string text);
    bool failErrno(const std::string &what, int err);
    bool attachFilter(const std::vector<sock_filter> &program, const char *what);
    void releaseAllBlocks();
    bool attachRealFilter(const std::vector<struct sock_filter> &program);

    int m_fd = -1;
    uint8_t *m_ring = nullptr;
    size_t m_blockSize = 0;
    size_t m_blockCount = 0;
    size_t m_current = 0;
    uint32_t m_snaplen = 0;
    uint32_t m_linkType = 0;
    uint32_t m_interfaceId = 0;
    int m_ifindex = 0;
    bool m_loopback = false;
    size_t m_filterLength = 0;
    std::string m_name;
    std::string m_pendingFilter;
    Stats m_stats;
    ErrorCode m_errorCode = ErrorCode::None;
    std::string m_errorText;
};

} // namespace pl::capture
