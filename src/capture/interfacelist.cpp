#include "capture/interfacelist.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pl::capture {

namespace {

// rtnetlink rather than getifaddrs + /sys/class/net: sysfs shows the namespace of whoever
// mounted it, not the caller's (a helper or test that setns()'d would list the wrong
// interfaces), and getifaddrs only exposes the 32-bit counters.

class Fd
{
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

std::string errnoText(const char *what, int err)
{
    return std::string(what) + ": " + std::strerror(err);
}

/// Walks the rtattrs in [p, p + len), every access bounded by the range.
template <typename Fn> void forEachAttr(const uint8_t *p, size_t len, Fn &&fn)
{
    while (len >= sizeof(rtattr)) {
        rtattr a;
        std::memcpy(&a, p, sizeof a);
        if (a.rta_len < sizeof(rtattr) || a.rta_len > len)
            return;
        fn(a.rta_type, p + RTA_LENGTH(0), size_t(a.rta_len) - RTA_LENGTH(0));
        const size_t step = RTA_ALIGN(a.rta_len);
        if (step >= len)
            return;
        p += step;
        len -= step;
    }
}

/// Sends one dump request and hands each answer message's payload (after nlmsghdr) to `fn`.
template <typename Fn>
bool dump(int fd, uint16_t type, uint16_t answer, uint8_t family, uint32_t seq, std::string &error,
          Fn &&fn)
{
    struct
    {
        nlmsghdr nh;
        rtgenmsg gen;
    } req{};
    req.nh.nlmsg_len = sizeof(req);
    req.nh.nlmsg_type = type;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = seq;
    req.gen.rtgen_family = family;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, &req, sizeof req, 0, reinterpret_cast<sockaddr *>(&kernel), sizeof kernel) <
        0) {
        error = errnoText("rtnetlink send", errno);
        return false;
    }
    // The kernel sizes dump messages to the reader's buffer up to 32 KiB; 64 KiB is ample.
    std::vector<uint8_t> buffer(64 * 1024);
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = errnoText("rtnetlink receive", errno);
            return false;
        }
        if (size_t(n) > buffer.size()) {
            error = "rtnetlink receive: message truncated";
            return false;
        }
        size_t left = size_t(n);
        const uint8_t *p = buffer.data();
        while (left >= sizeof(nlmsghdr)) {
            nlmsghdr h;
            std::memcpy(&h, p, sizeof h);
            if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > left) {
                error = "rtnetlink: malformed message";
                return false;
            }
            if (h.nlmsg_seq == seq) {
                if (h.nlmsg_type == NLMSG_DONE)
                    return true;
                if (h.nlmsg_type == NLMSG_ERROR) {
                    nlmsgerr e{};
                    std::memcpy(&e, p + NLMSG_HDRLEN,
                                std::min(sizeof e, size_t(h.nlmsg_len) - NLMSG_HDRLEN));
                    error = errnoText("rtnetlink dump", e.error ? -e.error : EIO);
                    return false;
                }
                if (h.nlmsg_type == answer)
                    fn(p + NLMSG_HDRLEN, size_t(h.nlmsg_len) - NLMSG_HDRLEN);
            }
            const size_t step = NLMSG_ALIGN(h.nlmsg_len);
            if (step >= left)
                break;
            p += step;
            left -= step;
        }
    }
}

std::string formatAddress(int family, const uint8_t *addr, unsigned prefix)
{
    char text[INET6_ADDRSTRLEN] = {};
    if (!::inet_ntop(family, addr, text, sizeof text))
        return {};
    return std::string(text) + '/' + std::to_string(prefix);
}

} // namespace

uint32_t linkTypeForArphrd(uint16_t arphrd)
{
    // libpcap's table (pcap-linux.c, map_arphrd_to_dlt) for the types it opens with SOCK_RAW;
    // the values are LINKTYPE_* as written to files.
    switch (arphrd) {
    case ARPHRD_ETHER:
    case ARPHRD_METRICOM:
    case ARPHRD_LOOPBACK: // Linux loopback frames carry a zeroed Ethernet header
        return 1;         // LINKTYPE_ETHERNET
    case ARPHRD_EETHER:
        return 2; // LINKTYPE_EXP_ETHERNET
    case ARPHRD_AX25:
        return 202; // LINKTYPE_AX25_KISS
    case ARPHRD_PRONET:
        return 4;
    case ARPHRD_CHAOS:
        return 5;
    case ARPHRD_IEEE802:
    case ARPHRD_IEEE802_TR:
        return 6; // LINKTYPE_IEEE802_5
    case ARPHRD_ARCNET:
        return 129; // LINKTYPE_ARCNET_LINUX
    case ARPHRD_FDDI:
        return 10;
    case ARPHRD_CISCO:
        return 104;   // LINKTYPE_C_HDLC
    case ARPHRD_NONE: // tun and WireGuard: IP packets without a link header
    case ARPHRD_TUNNEL:
    case ARPHRD_TUNNEL6:
    case ARPHRD_SIT:
    case ARPHRD_SLIP:
    case ARPHRD_CSLIP:
    case ARPHRD_SLIP6:
    case ARPHRD_CSLIP6:
    case ARPHRD_ADAPT:
    case ARPHRD_RAWHDLC:
    case ARPHRD_DLCI:
    case ARPHRD_RAWIP:
        return 101; // LINKTYPE_RAW
    case ARPHRD_IEEE80211:
        return 105; // LINKTYPE_IEEE802_11
    case ARPHRD_IEEE80211_PRISM:
        return 119; // LINKTYPE_PRISM_HEADER
    case ARPHRD_IEEE80211_RADIOTAP:
        return 127; // LINKTYPE_IEEE802_11_RADIOTAP
    case ARPHRD_IEEE802154:
        return 230; // LINKTYPE_IEEE802_15_4_NOFCS
    case ARPHRD_CAN:
        return 227; // LINKTYPE_CAN_SOCKETCAN
    case ARPHRD_NETLINK:
        return 253; // LINKTYPE_NETLINK
    case ARPHRD_VSOCKMON:
        return 271; // LINKTYPE_VSOCK
    default:
        return 0;
    }
}

std::vector<InterfaceInfo> listInterfaces(std::string *error)
{
    std::string err;
    std::vector<InterfaceInfo> result;
    if (error)
        error->clear();
    auto fail = [&](std::string text) {
        if (error)
            *error = std::move(text);
        return std::vector<InterfaceInfo>{};
    };

    Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (fd.get() < 0)
        return fail(errnoText("rtnetlink socket", errno));

    std::map<int, InterfaceInfo> byIndex;
    bool ok = dump(
        fd.get(), RTM_GETLINK, RTM_NEWLINK, AF_UNSPEC, 1, err, [&](const uint8_t *p, size_t len) {
            if (len < sizeof(ifinfomsg))
                return;
            ifinfomsg ifi;
            std::memcpy(&ifi, p, sizeof ifi);
            InterfaceInfo info;
            info.index = ifi.ifi_index;
            info.arphrd = ifi.ifi_type;
            info.linkType = linkTypeForArphrd(ifi.ifi_type);
            info.up = ifi.ifi_flags & IFF_UP;
            info.running = ifi.ifi_flags & IFF_RUNNING;
            info.loopback = ifi.ifi_flags & IFF_LOOPBACK;
            bool have64 = false;
            forEachAttr(
                p + NLMSG_ALIGN(sizeof ifi), len - std::min(len, NLMSG_ALIGN(sizeof ifi)),
                [&](unsigned type, const uint8_t *data, size_t size) {
                    if (type == IFLA_IFNAME) {
                        info.name.assign(reinterpret_cast<const char *>(data),
                                         strnlen(reinterpret_cast<const char *>(data), size));
                    } else if (type == IFLA_STATS64 && size >= sizeof(rtnl_link_stats64)) {
                        rtnl_link_stats64 s;
                        std::memcpy(&s, data, sizeof s);
                        info.rxPackets = s.rx_packets;
                        info.txPackets = s.tx_packets;
                        have64 = true;
                    } else if (type == IFLA_STATS && !have64 && size >= sizeof(rtnl_link_stats)) {
                        rtnl_link_stats s;
                        std::memcpy(&s, data, sizeof s);
                        info.rxPackets = s.rx_packets;
                        info.txPackets = s.tx_packets;
                    }
                });
            if (info.index > 0 && !info.name.empty())
                byIndex[info.index] = std::move(info);
        });
    if (!ok)
        return fail(err);

    ok = dump(
        fd.get(), RTM_GETADDR, RTM_NEWADDR, AF_UNSPEC, 2, err, [&](const uint8_t *p, size_t len) {
            if (len < sizeof(ifaddrmsg))
                return;
            ifaddrmsg ifa;
            std::memcpy(&ifa, p, sizeof ifa);
            auto it = byIndex.find(int(ifa.ifa_index));
            if (it == byIndex.end() || (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6))
                return;
            const size_t addrLen = ifa.ifa_family == AF_INET ? 4 : 16;
            // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point
            // links, so it only counts when there is no IFA_LOCAL.
            std::string local, address;
            forEachAttr(p + NLMSG_ALIGN(sizeof ifa), len - std::min(len, NLMSG_ALIGN(sizeof ifa)),
                        [&](unsigned type, const uint8_t *data, size_t size) {
                            if (size < addrLen)
                                return;
                            if (type == IFA_LOCAL)
                                local = formatAddress(ifa.ifa_family, data, ifa.ifa_prefixlen);
                            else if (type == IFA_ADDRESS)
                                address = formatAddress(ifa.ifa_family, data, ifa.ifa_prefixlen);
                        });
            const std::string &text = local.empty() ? address : local;
            if (!text.empty())
                it->second.addresses.push_back(text);
        });
    if (!ok)
        return fail(err);

    result.reserve(byIndex.size());
    for (auto &entry : byIndex)
        result.push_back(std::move(entry.second));
    return result;
}

std::string interfacesAsText(const std::vector<InterfaceInfo> &interfaces)
{
    std::string out;
    for (const InterfaceInfo &i : interfaces) {
        std::string flags;
        auto flag = [&](bool set, const char *word) {
            if (!set)
                return;
            if (!flags.empty())
                flags += ',';
            flags += word;
        };
        flag(i.up, "up");
        flag(i.running, "running");
        flag(i.loopback, "loopback");
        std::string addresses;
        for (const std::string &a : i.addresses) {
            if (!addresses.empty())
                addresses += ',';
            addresses += a;
        }
        out += std::to_string(i.index) + '\t' + i.name + '\t' + std::to_string(i.linkType) + '\t' +
               (flags.empty() ? "-" : flags) + '\t' + (addresses.empty() ? "-" : addresses) + '\t' +
               std::to_string(i.rxPackets) + '\t' + std::to_string(i.txPackets) + '\n';
    }
    return out;
}

} // namespace pl::capture
