#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pl::capture {

/// One network interface of the caller's network namespace, as the capture dialog and
/// `packetlens-capture --list-interfaces` show it.
struct InterfaceInfo
{
    std::string name;
    int index = 0;
    /// LINKTYPE_* of what an AF_PACKET SOCK_RAW socket delivers on it (see linkTypeForArphrd);
    /// 0 when PacketRing cannot capture on it.
    uint32_t linkType = 0;
    uint16_t arphrd = 0; ///< the kernel's ARPHRD_* device type
    bool up = false, running = false, loopback = false;
    std::vector<std::string> addresses; ///< "10.0.0.1/24", "fe80::1/64"
    uint64_t rxPackets = 0, txPackets = 0;
};

/// Every interface with its addresses and packet counters, read over rtnetlink (no privileges
/// needed; counters are the kernel's 64-bit ones). Sorted by index. On failure returns an empty
/// list and sets `error`.
std::vector<InterfaceInfo> listInterfaces(std::string *error = nullptr);

/// The machine-readable listing: one line per interface, fields separated by one tab:
///   index  name  linktype  flags  addresses  rx_packets  tx_packets
/// `flags` is a comma-separated subset of "up,running,loopback" in that order, or "-";
/// `addresses` is comma-separated "addr/prefix" or "-". Numbers are decimal. Every line ends
/// with '\n'. Linux refuses whitespace, '/' and ':' in interface names, so a line splits
/// unambiguously on tabs. Example:
///   1\tlo\t1\tup,running,loopback\t127.0.0.1/8,::1/128\t42\t42
std::string interfacesAsText(const std::vector<InterfaceInfo> &interfaces);

/// LINKTYPE_* for an ARPHRD_* type when captured with SOCK_RAW, following libpcap's mapping
/// for the types whose frames arrive with a link-layer header PacketRing can hand on as is;
/// 0 for the types libpcap captures in "cooked" mode (PPP, InfiniBand, unknown ones).
uint32_t linkTypeForArphrd(uint16_t arphrd);

} // namespace pl::capture
