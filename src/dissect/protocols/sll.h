#pragma once

// What Linux cooked capture v1 (sll.cpp) and v2 (sll2.cpp) share: one "sll" protocol with one
// set of fields, as in Wireshark, and the steps both versions take after their fixed header.

#include "dissection.h"

namespace pl::proto::sll {

enum F {
    PktType,
    HaType,
    HaLen,
    SrcEth,
    SrcIpv4,
    SrcOther,
    Unused,
    LType,
    GreType,
    EType,
    IfIndex,
    Trailer,
    Count
};

/// The fields registered by sll.cpp; valid once registration is over.
const FieldBlock &fields();

/// The Info text for a packet type ("Sent by us", "Unknown (5)").
void appendPacketType(std::string &out, uint32_t pktType);

/// Adds the link-layer source address: the first `halen` bytes of the 8-byte address field at
/// `at`, as Ethernet (6), IPv4 (4) or bytes, then the rest of the field as unused. Sets the
/// Source column to the address when it is one the column can show.
void addAddress(Dissection &d, Item sll, const Reader &r, size_t at, size_t halen);

/// Adds the 2-byte protocol field at `at`: a Linux protocol number (<= 1536), a GRE protocol
/// type (on ARPHRD_IPGRE) or an ethertype.
void addProtocolField(Dissection &d, Item sll, const Reader &r, size_t at, uint16_t protocol,
                      uint16_t hatype);

/// Hands the payload, from `at` in the cooked frame `r`, on by the protocol field; what an
/// ethertype's protocol leaves of it is the header's trailer (`sll.trailer`, under `sll`).
void dispatchPayload(Dissection &d, uint16_t protocol, const Reader &r, size_t at, Item sll,
                     Item parent);

} // namespace pl::proto::sll
