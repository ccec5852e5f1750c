#include "capture/packetring.h"

#include "capture/capturefilter.h"
#include "capture/interfacelist.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pl::capture {

namespace {

constexpr uint32_t kMaxSnaplen = 262144;
constexpr uint32_t kVlanTagLen = 4;
constexpr uint32_t kLinkTypeEthernet = 1;

/// Where block_status lives: the kernel flips it to TP_STATUS_USER when it retires a block, we
/// flip it back to TP_STATUS_KERNEL to return the block.
uint32_t *blockStatus(uint8_t *block)
{
    return reinterpret_cast<uint32_t *>(block + offsetof(tpacket_block_desc, hdr) +
                                        offsetof(tpacket_hdr_v1, block_status));
}

bool blockReady(uint8_t *block)
{
    return __atomic_load_n(blockStatus(block), __ATOMIC_ACQUIRE) & TP_STATUS_USER;
}

void releaseBlock(uint8_t *block)
{
    __atomic_store_n(blockStatus(block), uint32_t(TP_STATUS_KERNEL), __ATOMIC_RELEASE);
}

size_t roundUpPow2(size_t v)
{
    size_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

size_t roundDownPow2(size_t v)
{
    size_t p = 1;
    while (p * 2 <= v)
        p <<= 1;
    return p;
}

} // namespace

int walkBlock(uint8_t *block, const BlockLayout &layout,
              const std::function<void(const Frame &)> &fn)
{
    // Everything the kernel writes into a block is checked against the block before use:
    // a block is the only memory a packet may span.
    constexpr size_t sllOffset = TPACKET_ALIGN(sizeof(tpacket3_hdr));
    constexpr size_t sllEnd = sllOffset + sizeof(sockaddr_ll);
    if (layout.blockSize < sizeof(tpacket_block_desc))
        return 0;
    int count = 0;
    tpacket_block_desc desc;
    std::memcpy(&desc, block, sizeof desc);
    const size_t limit = layout.blockSize;
    size_t off = desc.hdr.bh1.offset_to_first_pkt;
    for (uint32_t i = 0; i < desc.hdr.bh1.num_pkts; ++i) {
        if (off < sizeof(tpacket_block_desc) || off >= limit || limit - off < sizeof(tpacket3_hdr))
            break;
        tpacket3_hdr h;
        std::memcpy(&h, block + off, sizeof h);
        const size_t room = limit - off; // bytes from this header to the block's end
        bool skip = false;
        if (layout.loopback && room >= sllEnd) {
            sockaddr_ll sll;
            std::memcpy(&sll, block + off + sllOffset, sizeof sll);
            skip = sll.sll_pkttype == PACKET_OUTGOING;
        }
        if (!skip && h.tp_mac >= sizeof(tpacket3_hdr) && h.tp_mac < room) {
            uint8_t *data = block + off + h.tp_mac;
            uint32_t capLen = uint32_t(std::min<size_t>(h.tp_snaplen, room - h.tp_mac));
            uint32_t wireLen = h.tp_len;
            // The driver (or veth) may have taken the 802.1Q tag out into metadata: put it
            // back after the MAC addresses, in the reserve room in front of the frame.
            if ((h.tp_status & TP_STATUS_VLAN_VALID) && layout.linkType == kLinkTypeEthernet &&
                capLen >= 12 && h.tp_mac >= sllEnd + kVlanTagLen) {
                const uint16_t tpid = (h.tp_status & TP_STATUS_VLAN_TPID_VALID)
                                          ? h.hv1.tp_vlan_tpid
                                          : uint16_t(ETH_P_8021Q);
                std::memmove(data - kVlanTagLen, data, 12);
                data -= kVlanTagLen;
                const uint8_t tag[4] = {uint8_t(tpid >> 8), uint8_t(tpid),
                                        uint8_t(h.hv1.tp_vlan_tci >> 8),
                                        uint8_t(h.hv1.tp_vlan_tci)};
                std::memcpy(data + 12, tag, sizeof tag);
                capLen += kVlanTagLen;
                wireLen += kVlanTagLen;
            }
            capLen = std::min(capLen, layout.snaplen);
            Frame frame;
            frame.data = data;
            frame.capLen = capLen;
            frame.wireLen = std::max(wireLen, capLen);
            frame.linkType = layout.linkType;
            frame.tsSec = h.tp_sec;
            frame.tsNsec = h.tp_nsec;
            frame.interfaceId = layout.interfaceId;
            frame.number = 0;
            fn(frame);
            ++count;
        }
        if (h.tp_next_offset == 0 || h.tp_next_offset >= room)
            break;
        off += h.tp_next_offset;
    }
    return count;
}

PacketRing::PacketRing() = default;

PacketRing::~PacketRing()
{
    close();
}

void PacketRing::close()
{
    if (m_ring)
        ::munmap(m_ring, m_blockSize * m_blockCount);
    if (m_fd >= 0)
        ::close(m_fd);
    m_ring = nullptr;
    m_fd = -1;
    m_blockSize = m_blockCount = m_current = 0;
}

bool PacketRing::fail(ErrorCode code, std::string text)
{
    close();
    m_errorCode = code;
    m_errorText = std::move(text);
    return false;
}

bool PacketRing::failErrno(const std::string &what, int err)
{
    ErrorCode code = ErrorCode::Other;
    if (err == EPERM || err == EACCES)
        code = ErrorCode::NoPermission;
    else if (err == ENODEV || err == ENXIO)
        code = ErrorCode::NoSuchInterface;
    else if (err == ENETDOWN)
        code = ErrorCode::InterfaceDown;
    return fail(code, what + ": " + std::strerror(err));
}

bool PacketRing::attachFilter(const std::vector<sock_filter> &program, const char *what)
{
    sock_fprog fprog{};
    fprog.len = static_cast<unsigned short>(program.size());
    fprog.filter = const_cast<sock_filter *>(program.data());
    if (::setsockopt(m_fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) != 0) {
        const int err = errno;
        if (err == EINVAL || err == ENOMEM)
            return fail(ErrorCode::BadFilter,
                        std::string(what) +
                            ": the kernel refused the program: " + std::strerror(err));
        return failErrno(what, err);
    }
    return true;
}

void PacketRing::releaseAllBlocks()
{
    // Follows the kernel's fill order from our position, so read() stays in step with it.
    for (size_t n = 0; n < m_blockCount; ++n) {
        uint8_t *block = m_ring + m_current * m_blockSize;
        if (!blockReady(block))
            break;
        releaseBlock(block);
        m_current = (m_current + 1) % m_blockCount;
    }
}

bool PacketRing::open(const RingConfig &config, uint32_t interfaceId)
{
    close();
    m_errorCode = ErrorCode::None;
    m_errorText.clear();
    m_stats = {};
    m_name = config.interface;
    m_interfaceId = interfaceId;
    m_snaplen = config.snaplen == 0 ? kMaxSnaplen : std::min(config.snaplen, kMaxSnaplen);

    // Interface index, device type and flags, in the caller's namespace and without privileges,
    // so that a bad name or filter is reported as such rather than as a permission problem.
    if (config.interface.empty() || config.interface.size() >= IFNAMSIZ)
        return fail(ErrorCode::NoSuchInterface, "no such interface: \"" + config.interface + "\"");
    {
        const int probe = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (probe < 0)
            return failErrno("socket(AF_UNIX)", errno);
        ifreq ifr{};
        std::memcpy(ifr.ifr_name, config.interface.data(), config.interface.size());
        int err = 0;
        if (::ioctl(probe, SIOCGIFINDEX, &ifr) != 0)
            err = errno;
        m_ifindex = ifr.ifr_ifindex;
        uint16_t arphrd = 0;
        if (!err && ::ioctl(probe, SIOCGIFHWADDR, &ifr) != 0)
            err = errno;
        arphrd = ifr.ifr_hwaddr.sa_family;
        if (!err && ::ioctl(probe, SIOCGIFFLAGS, &ifr) != 0)
            err = errno;
        m_loopback = ifr.ifr_flags & IFF_LOOPBACK;
        ::close(probe);
        if (err == ENODEV)
            return fail(ErrorCode::NoSuchInterface,
                        "no such interface: \"" + config.interface + "\"");
        if (err)
            return failErrno("interface " + config.interface, err);
        m_linkType = linkTypeForArphrd(arphrd);
        if (m_linkType == 0)
            return fail(ErrorCode::Other, "capturing on " + config.interface + " (device type " +
                                              std::to_string(arphrd) + ") is not supported");
    }

    // The filter's accept value is the snaplen: that is how the kernel truncates, so even
    // "no filter" is a program. A deferred filter is compiled later by applyFilter(), once the
    // caller holds no privilege: libpcap's parser then never runs with capabilities.
    std::vector<sock_filter> program;
    if (config.deferFilter) {
        m_pendingFilter = config.filter;
    } else {
        std::string filterError;
        if (!compileFilter(config.filter, m_linkType, m_snaplen, program, filterError))
            return fail(ErrorCode::BadFilter, filterError);
        m_filterLength = program.size();
    }

    // Protocol 0: the socket is hooked into nothing until bind() names ETH_P_ALL, so no
    // packet can be queued before the drop-all filter is in place.
    m_fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return failErrno("socket(AF_PACKET, SOCK_RAW)", errno);
    if (!attachFilter(dropAllProgram(), "SO_ATTACH_FILTER (drop all)"))
        return false;

    const int version = TPACKET_V3;
    if (::setsockopt(m_fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
        return failErrno("PACKET_VERSION TPACKET_V3", errno);
    // Headroom in front of each frame, where read() puts back a VLAN tag the driver stripped.
    const unsigned reserve = kVlanTagLen;
    if (::setsockopt(m_fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof reserve) != 0)
        return failErrno("PACKET_RESERVE", errno);

    // A block must hold the largest frame: headers, the link header slack, reserve, snaplen.
    // Blocks of up to 1 MiB keep the ring responsive (a block is handed over whole) while
    // leaving at least 8 blocks in small rings.
    // Like libpcap, size frames for the largest packet the interface can hand over rather
    // than for a 256 KiB snaplen: 64 KiB covers GRO/LRO aggregates (the kernel cuts anything
    // bigger, and tp_len keeps the true length, so it shows as truncated, not lost). Sizing
    // by snaplen made 512 KiB blocks, so a 1 MiB ring had two and dropped under load.
    const size_t page = size_t(::sysconf(_SC_PAGESIZE));
    const size_t largestPacket = std::min<size_t>(m_snaplen, 65536 + 64);
    const size_t frameMax =
        TPACKET_ALIGN(TPACKET_ALIGN(TPACKET3_HDRLEN) + 16 + reserve + largestPacket);
    const size_t bufferBytes = std::clamp<size_t>(config.bufferBytes, 64 * 1024, size_t(1) << 31);
    size_t blockSize = std::max(roundUpPow2(frameMax + sizeof(tpacket_block_desc) + 64), page);
    blockSize =
        std::max(blockSize, std::min<size_t>(size_t(1) << 20, roundDownPow2(bufferBytes / 8)));
    blockSize = std::max(blockSize, page);
    const size_t blockCount = std::max<size_t>(2, bufferBytes / blockSize);
    const size_t frameSize = std::min(blockSize, frameMax);
    tpacket_req3 req{};
    req.tp_block_size = unsigned(blockSize);
    req.tp_block_nr = unsigned(blockCount);
    req.tp_frame_size = unsigned(frameSize);
    req.tp_frame_nr = unsigned((blockSize / frameSize) * blockCount);
    req.tp_retire_blk_tov = unsigned(std::clamp(config.blockTimeoutMs, 1, 10000));
    if (::setsockopt(m_fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
        return failErrno("PACKET_RX_RING (" + std::to_string(blockCount) + " blocks of " +
                             std::to_string(blockSize) + " bytes)",
                         errno);
    void *ring =
        ::mmap(nullptr, blockSize * blockCount, PROT_READ | PROT_WRITE, MAP_SHARED, m_fd, 0);
    if (ring == MAP_FAILED)
        return failErrno("mmap of the packet ring", errno);
    m_ring = static_cast<uint8_t *>(ring);
    m_blockSize = blockSize;
    m_blockCount = blockCount;
    m_current = 0;

    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = m_ifindex;
    if (::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return failErrno("bind to " + config.interface, errno);
    // bind() succeeds on a down interface and reports ENETDOWN through the socket error.
    int soError = 0;
    socklen_t soLen = sizeof soError;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &soError, &soLen) == 0 && soError != 0)
        return failErrno(config.interface, soError);

    if (config.promiscuous) {
        packet_mreq mreq{};
        mreq.mr_ifindex = m_ifindex;
        mreq.mr_type = PACKET_MR_PROMISC;
        if (::setsockopt(m_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
            return failErrno("promiscuous mode on " + config.interface, errno);
    }

    if (config.deferFilter)
        return true; // the drop-all filter holds until applyFilter()
    return attachRealFilter(program);
}

bool PacketRing::applyFilter()
{
    if (m_fd < 0)
        return fail(ErrorCode::Other, "applyFilter on a ring that is not open");
    std::vector<sock_filter> program;
    std::string filterError;
    if (!compileFilter(m_pendingFilter, m_linkType, m_snaplen, program, filterError))
        return fail(ErrorCode::BadFilter, filterError);
    m_filterLength = program.size();
    return attachRealFilter(program);
}

bool PacketRing::attachRealFilter(const std::vector<sock_filter> &program)
{
    // Belt and braces: whatever the ring took before now, it goes back unread. Then the real
    // filter replaces the drop-all one atomically.
    releaseAllBlocks();
    if (!attachFilter(program, "SO_ATTACH_FILTER"))
        return false;
    // Counters start at the real filter.
    tpacket_stats_v3 discard{};
    socklen_t len = sizeof discard;
    ::getsockopt(m_fd, SOL_PACKET, PACKET_STATISTICS, &discard, &len);
    return true;
}

int PacketRing::read(int timeoutMs, const std::function<void(const Frame &)> &fn)
{
    if (m_fd < 0 || !m_ring) {
        m_errorText = "read on a ring that is not open";
        return -1;
    }
    if (!blockReady(m_ring + m_current * m_blockSize)) {
        if (timeoutMs == 0)
            return 0;
        pollfd p{m_fd, POLLIN | POLLERR, 0};
        const int rc = ::poll(&p, 1, timeoutMs);
        if (rc < 0) {
            if (errno == EINTR)
                return 0;
            m_errorText = std::string("poll: ") + std::strerror(errno);
            return -1;
        }
        if (p.revents & POLLNVAL) {
            m_errorText = "poll: invalid socket";
            return -1;
        }
        if (p.revents & (POLLERR | POLLHUP)) {
            int soError = 0;
            socklen_t soLen = sizeof soError;
            ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &soError, &soLen);
            if (soError == ENETDOWN) {
                m_errorText = m_name + ": the interface went down";
                return -1;
            }
            if (soError != 0) {
                m_errorText = m_name + ": " + std::strerror(soError);
                return -1;
            }
        }
    }

    const BlockLayout layout{m_blockSize, m_snaplen, m_linkType, m_interfaceId, m_loopback};
    int count = 0;
    for (size_t n = 0; n < m_blockCount; ++n) {
        uint8_t *block = m_ring + m_current * m_blockSize;
        if (!blockReady(block))
            break;
        // Returns the block even if `fn` throws: losing the rest of one block beats a ring
        // stuck on a block the kernel never gets back.
        struct Release
        {
            PacketRing *ring;
            uint8_t *block;
            ~Release()
            {
                releaseBlock(block);
                ring->m_current = (ring->m_current + 1) % ring->m_blockCount;
            }
        } release{this, block};
        count += walkBlock(block, layout, fn);
    }
    return count;
}

PacketRing::Stats PacketRing::stats()
{
    if (m_fd >= 0) {
        tpacket_stats_v3 s{};
        socklen_t len = sizeof s;
        if (::getsockopt(m_fd, SOL_PACKET, PACKET_STATISTICS, &s, &len) == 0) {
            m_stats.received += s.tp_packets;
            m_stats.dropped += s.tp_drops;
        }
    }
    return m_stats;
}

} // namespace pl::capture
