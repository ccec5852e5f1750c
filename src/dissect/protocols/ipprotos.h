#pragma once

// IP protocol numbers (IANA "Assigned Internet Protocol Numbers") as Wireshark names them,
// shared by IPv4's Protocol and IPv6's Next Header fields.

#include "fielddef.h"

namespace pl::proto {

inline constexpr ValueName kIpProtoNames[] = {
    {0, "IPv6 Hop-by-Hop Option"},
    {1, "ICMP"},
    {2, "IGMP"},
    {4, "IPIP"},
    {6, "TCP"},
    {17, "UDP"},
    {41, "IPv6"},
    {43, "Routing Header for IPv6"},
    {44, "Fragment Header for IPv6"},
    {47, "Generic Routing Encapsulation"},
    {50, "Encap Security Payload"},
    {51, "Authentication Header"},
    {58, "ICMPv6"},
    {59, "IPv6 No Next Header"},
    {60, "Destination Options for IPv6"},
    {89, "OSPF IGP"},
    {103, "PIM"},
    {112, "Virtual Router Redundancy Protocol"},
    {132, "SCTP"},
    {135, "Mobility Header"},
    {136, "UDPLite"},
    {139, "Host Identity Protocol"},
    {140, "Shim6 Protocol"},
    {143, "Ethernet"},
};

} // namespace pl::proto
