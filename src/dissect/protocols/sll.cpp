// Linux cooked capture v1 (LINKTYPE_LINUX_SLL = 113): the pseudo link header libpcap writes
// for "any" device captures and for links whose own header it cannot keep.
// Specification: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Packet type          |     ARPHRD_ type (hatype)     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Link-layer address length    |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  |            Link-layer address (8 bytes, halen used)           |
//  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                               |         Protocol type         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The protocol type is an ethertype, or for values <= 1536 a Linux ETH_P_* number (1 = raw
// 802.3 frame without its MAC header, 3 = a whole Ethernet frame, 4 = 802.2 LLC ...), or on
// ARPHRD_IPGRE a GRE protocol type. This file also holds what SLL v2 shares (sll.h).

#include "sll.h"
#include "arphrd.h"
#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace sll {

namespace {

constexpr ValueName kPktTypeNames[] = {
    {0, "Unicast to us"},           {1, "Broadcast"},  {2, "Multicast"},
    {3, "Unicast to another host"}, {4, "Sent by us"},
};

// Linux ETH_P_* values that the protocol field carries instead of an ethertype.
constexpr uint16_t kLinuxEthernet = 0x0003;
constexpr uint16_t kLinuxMaxProtocol = 1536; // above it, an ethertype

constexpr ValueName kLinuxProtocolNames[] = {
    {0x0001, "Raw 802.3"},  {0x0003, "Ethernet"}, {0x0004, "802.2 LLC"},
    {0x0007, "PPP (HDLC)"}, {0x000c, "CAN"},      {0x000d, "CAN FD"},
    {0x0017, "IrDA LAP"},   {0x00f5, "ISI"},      {0x00f6, "IEEE 802.15.4"},
};

constexpr FieldDef kFields[] = {
    {"sll.pkttype", "Packet type", FieldType::UInt16, Base::Dec, 0, kPktTypeNames},
    {"sll.hatype", "Link-layer address type", FieldType::UInt16, Base::Dec, 0, kArpHrdNames},
    {"sll.halen", "Link-layer address length", FieldType::UInt16, Base::Dec},
    {"sll.src.eth", "Source", FieldType::Ether},
    {"sll.src.ipv4", "Source", FieldType::IPv4},
    {"sll.src.other", "Source", FieldType::Bytes},
    {"sll.unused", "Unused", FieldType::Bytes},
    {"sll.ltype", "Protocol", FieldType::UInt16, Base::Hex, 0, kLinuxProtocolNames},
    {"sll.gretype", "Protocol", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"sll.etype", "Protocol", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"sll.ifindex", "Interface index", FieldType::UInt32, Base::Dec},
    {"sll.trailer", "Trailer", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

constexpr size_t kAddressField = 8;

} // namespace

const FieldBlock &fields()
{
    return s_f;
}

void appendPacketType(std::string &out, uint32_t pktType)
{
    const std::string_view name = nameOf(kPktTypeNames, pktType);
    if (!name.empty()) {
        out += name;
        return;
    }
    out += "Unknown (";
    text::appendUInt(out, pktType);
    out += ')';
}

void addAddress(Dissection &d, Item sll, const Reader &r, size_t at, size_t halen)
{
    const size_t used = halen < kAddressField ? halen : kAddressField;
    if (used == 6) {
        d.addBytes(sll, s_f[SrcEth], r, at, 6);
        d.setSource(Address::Ether, r.ptr(at, 6));
    } else if (used == 4) {
        d.addBytes(sll, s_f[SrcIpv4], r, at, 4);
        d.setSource(Address::IPv4, r.ptr(at, 4));
    } else if (used > 0) {
        d.addBytes(sll, s_f[SrcOther], r, at, used);
    }
    if (used < kAddressField)
        d.addBytes(sll, s_f[Unused], r, at + used, kAddressField - used);
}

void addProtocolField(Dissection &d, Item sll, const Reader &r, size_t at, uint16_t protocol,
                      uint16_t hatype)
{
    int field = EType;
    if (protocol <= kLinuxMaxProtocol)
        field = LType;
    else if (hatype == kArpHrdIpGre)
        field = GreType;
    d.addUInt(sll, s_f[field], r, at, 2);
}

void dispatchPayload(Dissection &d, uint16_t protocol, const Reader &r, size_t at, Item sll,
                     Item parent)
{
    const Reader payload = r.sub(at);
    if (protocol > kLinuxMaxProtocol) {
        // GRE protocol types are ethertypes (RFC 2784), so one table serves both. An
        // ethertype nobody dissects leaves the packet type in Info, as Wireshark does.
        d.etherTypeLayer();
        // tshark applies Ethernet's padding rule here too, to the whole cooked frame.
        handOnWithTrailer(d, r, at, sll, s_f[Trailer], false, [&](const Reader &p) {
            if (!d.dispatch(Table::EtherType, protocol, p, parent))
                d.data(p, parent);
        });
        return;
    }
    // A whole Ethernet frame follows; anything else (raw 802.3 IPX, 802.2 LLC, CAN, ...) is
    // not dissected by this build and stays data.
    if (protocol == kLinuxEthernet) {
        d.call(dissectEthernetWithoutFcs, payload, parent);
        return;
    }
    d.data(payload, parent);
}

} // namespace sll

namespace {

using namespace sll;

constexpr uint16_t kArpHrdNetlink = 824;
constexpr uint32_t kLinkTypeNetlink = 253;

void dissectSll(Dissection &d, const Reader &r, Item parent)
{
    // Netlink messages captured on nlmon come with a cooked header of their own layout,
    // which is what LINKTYPE_NETLINK frames hold: the netlink dissector owns them whole.
    if (r.has(2, 2) && r.u16(2) == kArpHrdNetlink &&
        d.dispatch(Table::LinkType, kLinkTypeNetlink, r, parent))
        return;
    d.setProtocol("SLL");
    // Fields are read one by one so that a header cut short still shows what it has.
    const uint16_t pktType = r.u16(0);
    d.info().clear();
    appendPacketType(d.info(), pktType);

    Item item = d.addProtocol(parent, s_f.protocol(), r, 0, 16);
    d.setText(item, "Linux cooked capture v1");
    d.addUInt(item, s_f[PktType], r, 0, 2);
    const uint16_t hatype = r.u16(2);
    d.addUInt(item, s_f[HaType], r, 2, 2);
    const uint16_t halen = r.u16(4);
    d.addUInt(item, s_f[HaLen], r, 4, 2);
    addAddress(d, item, r, 6, halen);
    const uint16_t protocol = r.u16(14);
    addProtocolField(d, item, r, 14, protocol, hatype);
    dispatchPayload(d, protocol, r, 16, item, parent);
}

} // namespace

void register_sll(Registry &reg)
{
    s_f = reg.addProtocol({"sll", "SLL", "Linux cooked capture"}, kFields);
    reg.addDissector(Table::LinkType, 113, dissectSll);
}

} // namespace pl::proto
