// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 = 276): SLL v1 reordered, with the interface
// index added, so that "any" device captures say which interface a packet came on.
// Specification: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Protocol type         |        Reserved (MBZ)         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                        Interface index                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     ARPHRD_ type (hatype)     |  Packet type  | Address len.  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |            Link-layer address (8 bytes, halen used)           |
//  +                                                               +
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Fields and dispatch are those of SLL v1 (sll.cpp, sll.h); Wireshark shows both as "sll".
// The reserved field has no display-filter name in Wireshark 4.0 and is not shown.

#include "sll.h"

namespace pl::proto {

namespace {

using namespace sll;

constexpr size_t kHeaderLen = 20;

void dissectSll2(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("SLL");
    // Unlike v1, Wireshark checks the whole header before adding anything.
    r.require(0, kHeaderLen);
    const FieldBlock &f = fields();
    // Wireshark 4.0 puts the packet type in Info by reading 2 bytes at offset 10, i.e. the
    // packet type and the address length together ("Unknown (1030)" for 4 and 6). Info
    // must match tshark, so the same 2 bytes are named here.
    d.info().clear();
    appendPacketType(d.info(), r.u16(10));

    Item item = d.addProtocol(parent, f.protocol(), r, 0, kHeaderLen);
    d.setText(item, "Linux cooked capture v2");
    const uint16_t protocol = r.u16(0);
    const uint16_t hatype = r.u16(8);
    addProtocolField(d, item, r, 0, protocol, hatype);
    d.addUInt(item, f[IfIndex], r, 4, 4);
    d.addUInt(item, f[HaType], r, 8, 2);
    d.addUInt(item, f[PktType], r, 10, 1);
    d.addUInt(item, f[HaLen], r, 11, 1);
    addAddress(d, item, r, 12, r.u8(11));
    dispatchPayload(d, protocol, r, kHeaderLen, item, parent);
}

} // namespace

void register_sll2(Registry &reg)
{
    reg.addDissector(Table::LinkType, 276, dissectSll2);
}

} // namespace pl::proto
