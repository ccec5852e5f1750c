// ARP and its relatives carried in the same packet format: RARP (ethertype 0x8035), DRARP,
// InARP, MARS and MAPOS opcodes.
// Specification: RFC 826 (ARP), RFC 903 (RARP), RFC 2390 (InARP), RFC 5227 (probes and
// announcements); opcodes per the IANA "ARP Parameters" registry.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Hardware type         |         Protocol type         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Hw size (hln) | Proto size (pln) |           Opcode          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | Sender hardware address (hln) | Sender protocol address (pln) |
//  | Target hardware address (hln) | Target protocol address (pln) |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The sizes come from the packet and are not trusted: a fuzzed 14-byte "MAC" is shown as
// bytes, and addresses that run past the packet end the dissection as malformed. ATM ARP
// (hardware type 19, RFC 2225) has another layout and is shown as data after its types.

#include "arphrd.h"
#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F {
    HwType,
    ProtoType,
    HwSize,
    ProtoSize,
    Opcode,
    IsGratuitous,
    IsProbe,
    IsAnnouncement,
    SrcHw,
    SrcHwMac,
    SrcProto,
    SrcProtoIpv4,
    DstHw,
    DstHwMac,
    DstProto,
    DstProtoIpv4,
    Count
};

enum Op : uint16_t {
    Request = 1,
    Reply = 2,
    RevRequest = 3,
    RevReply = 4,
    DrarpRequest = 5,
    DrarpReply = 6,
    DrarpError = 7,
    InRequest = 8,
    InReply = 9,
    ArpNak = 10,
    MarsFirst = 11,
    MarsLast = 22,
    MaposUnarp = 23,
    Exp1 = 24,
    Exp2 = 25
};

constexpr ValueName kOpcodeNames[] = {
    {0, "reserved"},
    {1, "request"},
    {2, "reply"},
    {3, "reverse request"},
    {4, "reverse reply"},
    {5, "drarp request"},
    {6, "drarp reply"},
    {7, "drarp error"},
    {8, "inverse request"},
    {9, "inverse reply"},
    {10, "arp nak"},
    {11, "mars request"},
    {12, "mars multi"},
    {13, "mars mserv"},
    {14, "mars join"},
    {15, "mars leave"},
    {16, "mars nak"},
    {17, "mars unserv"},
    {18, "mars sjoin"},
    {19, "mars sleave"},
    {20, "mars grouplist request"},
    {21, "mars grouplist reply"},
    {22, "mars redirect map"},
    {23, "mapos unarp"},
    {24, "experimental 1"},
    {25, "experimental 2"},
};

// Info prefixes of the MARS opcodes (11..22), "<prefix> <sender hw> at <sender proto>".
constexpr std::string_view kMarsInfo[] = {
    "MARS request from",           "MARS MULTI request from",   "MARS MSERV request from",
    "MARS JOIN request from",      "MARS LEAVE from",           "MARS NAK from",
    "MARS UNSERV request from",    "MARS SJOIN request from",   "MARS SLEAVE from",
    "MARS grouplist request from", "MARS grouplist reply from", "MARS redirect map from",
};

constexpr FieldDef kFields[] = {
    {"arp.hw.type", "Hardware type", FieldType::UInt16, Base::Dec, 0, kArpHrdNames},
    {"arp.proto.type", "Protocol type", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"arp.hw.size", "Hardware size", FieldType::UInt8, Base::Dec},
    {"arp.proto.size", "Protocol size", FieldType::UInt8, Base::Dec},
    {"arp.opcode", "Opcode", FieldType::UInt16, Base::Dec, 0, kOpcodeNames},
    {"arp.isgratuitous",
     "Is gratuitous",
     FieldType::Boolean,
     Base::None,
     0,
     {},
     {},
     "True",
     "False"},
    {"arp.isprobe", "Is probe", FieldType::Boolean, Base::None, 0, {}, {}, "True", "False"},
    {"arp.isannouncement",
     "Is announcement",
     FieldType::Boolean,
     Base::None,
     0,
     {},
     {},
     "True",
     "False"},
    {"arp.src.hw", "Sender hardware address", FieldType::Bytes},
    {"arp.src.hw_mac", "Sender MAC address", FieldType::Ether},
    {"arp.src.proto", "Sender protocol address", FieldType::Bytes},
    {"arp.src.proto_ipv4", "Sender IP address", FieldType::IPv4},
    {"arp.dst.hw", "Target hardware address", FieldType::Bytes},
    {"arp.dst.hw_mac", "Target MAC address", FieldType::Ether},
    {"arp.dst.proto", "Target protocol address", FieldType::Bytes},
    {"arp.dst.proto_ipv4", "Target IP address", FieldType::IPv4},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

/// Where the four addresses sit and how they read.
struct Layout
{
    size_t hln, pln;
    bool ether, ipv4;
    size_t sha() const { return 8; }
    size_t spa() const { return 8 + hln; }
    size_t tha() const { return 8 + hln + pln; }
    size_t tpa() const { return 8 + 2 * hln + pln; }
    size_t total() const { return 8 + 2 * (hln + pln); }
};

bool allZero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; ++i)
        if (p[i])
            return false;
    return true;
}

void appendHw(std::string &out, const Reader &r, size_t at, const Layout &l)
{
    if (l.hln == 0)
        out += "<No address>";
    else if (l.ether)
        text::appendEther(out, r.ptr(at, 6));
    else
        text::appendHexBytes(out, r.ptr(at, l.hln), l.hln);
}

void appendProto(std::string &out, const Reader &r, size_t at, const Layout &l)
{
    if (l.pln == 0)
        out += "<No address>";
    else if (l.ipv4)
        text::appendIPv4(out, r.ptr(at, 4));
    else
        text::appendHexBytes(out, r.ptr(at, l.pln), l.pln);
}

void addHw(Dissection &d, Item arp, const Reader &r, size_t at, const Layout &l, int bytesF,
           int macF)
{
    if (l.ether)
        d.addBytes(arp, s_f[macF], r, at, 6);
    else if (l.hln > 0)
        d.addBytes(arp, s_f[bytesF], r, at, l.hln);
}

void addProto(Dissection &d, Item arp, const Reader &r, size_t at, const Layout &l, int bytesF,
              int ipv4F)
{
    if (l.ipv4)
        d.addBytes(arp, s_f[ipv4F], r, at, 4);
    else if (l.pln > 0)
        d.addBytes(arp, s_f[bytesF], r, at, l.pln);
}

/// The Protocol column for an opcode (also the name Wireshark gives the packet).
std::string_view protocolName(uint16_t op)
{
    if (op == RevRequest || op == RevReply)
        return "RARP";
    if (op >= DrarpRequest && op <= DrarpError)
        return "DRARP";
    if (op == InRequest || op == InReply)
        return "Inverse ARP";
    if (op >= MarsFirst && op <= MarsLast)
        return "MARS";
    if (op == MaposUnarp)
        return "MAPOS";
    return "ARP";
}

struct Kind
{
    bool gratuitous = false, probe = false, announcement = false;
};

void setInfo(Dissection &d, const Reader &r, uint16_t op, const Layout &l, const Kind &k)
{
    std::string &info = d.info();
    info.clear();
    switch (op) {
    case Request:
        if (k.announcement) {
            info = "ARP Announcement for ";
            appendProto(info, r, l.spa(), l);
        } else if (k.gratuitous) {
            info = "Gratuitous ARP for ";
            appendProto(info, r, l.spa(), l);
            info += " (Request)";
        } else {
            info = "Who has ";
            appendProto(info, r, l.tpa(), l);
            if (k.probe) {
                info += "? (ARP Probe)";
            } else {
                info += "? Tell ";
                appendProto(info, r, l.spa(), l);
            }
        }
        return;
    case Reply:
        if (k.gratuitous) {
            info = "Gratuitous ARP for ";
            appendProto(info, r, l.spa(), l);
            info += " (Reply)";
        } else {
            appendProto(info, r, l.spa(), l);
            info += " is at ";
            appendHw(info, r, l.sha(), l);
        }
        return;
    case RevRequest:
    case DrarpRequest:
    case InRequest:
        info = "Who is ";
        appendHw(info, r, l.tha(), l);
        info += "? Tell ";
        appendHw(info, r, l.sha(), l);
        return;
    case RevReply:
    case DrarpReply:
        appendHw(info, r, l.tha(), l);
        info += " is at ";
        appendProto(info, r, l.tpa(), l);
        return;
    case InReply:
        appendHw(info, r, l.sha(), l);
        info += " is at ";
        appendProto(info, r, l.spa(), l);
        return;
    case DrarpError:
        info = "DRARP Error";
        return;
    case ArpNak:
        info = "ARP NAK";
        return;
    case Exp1:
    case Exp2:
        info = op == Exp1 ? "Experimental 1 ( opcode " : "Experimental 2 ( opcode ";
        text::appendUInt(info, op);
        info += " )";
        return;
    case 0:
        info = "Reserved opcode 0";
        return;
    default:
        break;
    }
    if ((op >= MarsFirst && op <= MarsLast) || op == MaposUnarp) {
        info = op == MaposUnarp ? std::string_view("MAPOS UNARP request from")
                                : kMarsInfo[op - MarsFirst];
        info += ' ';
        appendHw(info, r, l.sha(), l);
        info += " at ";
        appendProto(info, r, l.spa(), l);
        return;
    }
    info = "Unknown ARP opcode ";
    text::appendHex(info, op, 4);
}

std::string protocolLabel(uint16_t op, const Kind &k, bool atm)
{
    std::string label = atm ? "ATM Address Resolution Protocol (" : "Address Resolution Protocol (";
    if (op == Request && k.announcement) {
        label += "ARP Announcement";
    } else if (op == Request && k.probe) {
        label += "ARP Probe";
    } else {
        const std::string_view name = nameOf(kOpcodeNames, op);
        if (name.empty()) {
            label += "opcode ";
            text::appendHex(label, op, 4);
        } else {
            label += name;
        }
        if (k.gratuitous)
            label += "/gratuitous ARP";
    }
    label += ')';
    return label;
}

void dissectArp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("ARP");
    Item arp = d.addProtocol(parent, s_f.protocol(), r, 0, 8);
    d.setText(arp, "Address Resolution Protocol");
    d.addUInt(arp, s_f[HwType], r, 0, 2);
    const uint16_t hwType = r.u16(0);
    d.addUInt(arp, s_f[ProtoType], r, 2, 2);
    const uint16_t protoType = r.u16(2);

    if (hwType == kArpHrdAtm2225) {
        d.setProtocol("ATMARP");
        d.setText(arp, "ATM Address Resolution Protocol");
        d.data(r.sub(4), parent);
        return;
    }

    Layout l;
    l.hln = r.u8(4);
    l.pln = r.u8(5);
    d.addUInt(arp, s_f[HwSize], r, 4, 1);
    d.addUInt(arp, s_f[ProtoSize], r, 5, 1);
    const uint16_t op = r.u16(6);
    d.addUInt(arp, s_f[Opcode], r, 6, 2);
    // From here on the sizes decide; all four addresses must be there before any is shown.
    r.require(8, l.total() - 8);
    d.claimLength(r, l.total()); // what follows is the link layer's padding
    d.setLength(arp, l.total());
    l.ether = (hwType == kArpHrdEther || hwType == kArpHrdIeee802) && l.hln == 6;
    l.ipv4 = (protoType == 0x0800 || protoType == 0x00cc) && l.pln == 4;

    // RFC 5227: sender and target protocol address equal is a gratuitous ARP; a request of
    // it with an all-zero target MAC an announcement; a request from 0.0.0.0 a probe.
    Kind k;
    const uint8_t *spa = r.ptr(l.spa(), l.pln);
    const uint8_t *tpa = r.ptr(l.tpa(), l.pln);
    if (op == Request || op == Reply)
        k.gratuitous = std::memcmp(spa, tpa, l.pln) == 0;
    const bool thaZero = l.ether && allZero(r.ptr(l.tha(), 6), 6);
    if (op == Request) {
        k.announcement = k.gratuitous && thaZero;
        k.probe = !k.gratuitous && thaZero && l.ipv4 && allZero(spa, 4);
    }

    d.setProtocol(protocolName(op));
    if (arp || d.interest()) { // summary mode: collected for a display filter
        if (arp)
            d.setText(arp, protocolLabel(op, k, false));
        if (k.gratuitous)
            d.addGenerated(arp, s_f[IsGratuitous], 1);
        if (k.probe)
            d.addGenerated(arp, s_f[IsProbe], 1);
        if (k.announcement)
            d.addGenerated(arp, s_f[IsAnnouncement], 1);
    }
    addHw(d, arp, r, l.sha(), l, SrcHw, SrcHwMac);
    addProto(d, arp, r, l.spa(), l, SrcProto, SrcProtoIpv4);
    addHw(d, arp, r, l.tha(), l, DstHw, DstHwMac);
    addProto(d, arp, r, l.tpa(), l, DstProto, DstProtoIpv4);
    if (!d.columnsFrozen())
        setInfo(d, r, op, l, k);
}

} // namespace

void register_arp(Registry &reg)
{
    s_f = reg.addProtocol({"arp", "ARP", "Address Resolution Protocol"}, kFields);
    reg.addDissector(Table::EtherType, 0x0806, dissectArp);
    reg.addDissector(Table::EtherType, 0x8035, dissectArp);
}

} // namespace pl::proto
