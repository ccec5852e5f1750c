// Ethernet II and IEEE 802.3 framing (LINKTYPE_ETHERNET = 1).
// Specification: IEEE 802.3-2018 clause 3; Ethernet II type field per RFC 894.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Destination MAC address                    |
//  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                               |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//  |                      Source MAC address                       |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |      Type (>= 0x0600)         |   Payload ...
//  |   or Length (<= 1500, 802.3)  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

#include "dissection.h"
#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F { Dst, DstLg, DstIg, Src, SrcLg, SrcIg, Addr, Lg, Ig, Type, Len, Count };

constexpr FieldDef kFields[] = {
    {"eth.dst", "Destination", FieldType::Ether},
    {"eth.dst.lg",
     "LG bit",
     FieldType::Boolean,
     Base::None,
     0x020000,
     {},
     {},
     "Locally administered address (this is NOT the factory default)",
     "Globally unique address (factory default)"},
    {"eth.dst.ig",
     "IG bit",
     FieldType::Boolean,
     Base::None,
     0x010000,
     {},
     {},
     "Group address (multicast/broadcast)",
     "Individual address (unicast)"},
    {"eth.src", "Source", FieldType::Ether},
    {"eth.src.lg",
     "LG bit",
     FieldType::Boolean,
     Base::None,
     0x020000,
     {},
     {},
     "Locally administered address (this is NOT the factory default)",
     "Globally unique address (factory default)"},
    {"eth.src.ig",
     "IG bit",
     FieldType::Boolean,
     Base::None,
     0x010000,
     {},
     {},
     "Group address (multicast/broadcast)",
     "Individual address (unicast)"},
    {"eth.addr", "Address", FieldType::Ether},
    {"eth.lg", "LG bit", FieldType::Boolean, Base::None, 0x020000},
    {"eth.ig", "IG bit", FieldType::Boolean, Base::None, 0x010000},
    {"eth.type", "Type", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"eth.len", "Length", FieldType::UInt16, Base::Dec},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E { LenPastEnd, ECount };
constexpr FieldDef kExperts[] = {
    {"eth.len.past_end", "Length field value goes past the end of the payload", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;

void addMac(Dissection &d, Item eth, const Reader &r, size_t at, int field, int lg, int ig)
{
    Item mac = d.addBytes(eth, s_f[field], r, at, 6);
    if (!mac && !d.interest()) // summary mode collects them only for a display filter
        return;
    // Wireshark's order under the address: eth.addr (shown), then each bit as the
    // direction's field and, hidden, as the direction-less one (eth.lg, eth.ig).
    d.addBytes(mac, s_f[Addr], r, at, 6);
    d.addUInt(mac, s_f[lg], r, at, 3);
    d.flag(d.addUInt(mac, s_f[Lg], r, at, 3), Hidden);
    d.addUInt(mac, s_f[ig], r, at, 3);
    d.flag(d.addUInt(mac, s_f[Ig], r, at, 3), Hidden);
}

void dissectEthernet(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("Ethernet");
    r.require(0, 14);
    const uint16_t type = r.u16(12);
    const bool ethernetII = type >= 0x0600;

    Item eth = d.addProtocol(parent, s_f.protocol(), r, 0, 14);
    if (eth) {
        std::string label = ethernetII ? "Ethernet II, Src: " : "IEEE 802.3 Ethernet, Src: ";
        text::appendEther(label, r.ptr(6, 6));
        label += ", Dst: ";
        text::appendEther(label, r.ptr(0, 6));
        d.setText(eth, std::move(label));
    }
    addMac(d, eth, r, 0, Dst, DstLg, DstIg);
    addMac(d, eth, r, 6, Src, SrcLg, SrcIg);
    d.setSource(Address::Ether, r.ptr(6, 6));
    d.setDestination(Address::Ether, r.ptr(0, 6));

    if (ethernetII) {
        d.addUInt(eth, s_f[Type], r, 12, 2);
        d.etherTypeLayer();
        dispatchEtherType(d, type, r.sub(14), parent);
        return;
    }
    // 802.3 length field: the payload is `type` bytes (an LLC header this build does not
    // dissect yet); what follows it is padding.
    Item len = d.addUInt(eth, s_f[Len], r, 12, 2);
    if (type > r.reportedFrom(14))
        d.expert(len, r, 12, 2, Severity::Error, ExpertGroup::Malformed,
                 "Length field value goes past the end of the payload", Malformed,
                 s_ei[LenPastEnd]);
    d.info() = "IEEE 802.3 frame, length ";
    text::appendUInt(d.info(), type);
    d.data(r.sub(14, type), parent);
}

} // namespace

void dispatchEtherType(Dissection &d, uint16_t type, const Reader &payload, Item parent)
{
    if (d.dispatch(Table::EtherType, type, payload, parent))
        return;
    if (!d.columnsFrozen()) {
        std::string &info = d.info();
        info = "Ethernet type ";
        text::appendHex(info, type, 4);
    }
    d.data(payload, parent);
}

void register_ethernet(Registry &reg)
{
    s_f = reg.addProtocol({"eth", "Ethernet", "Ethernet II"}, kFields);
    s_ei = reg.addFields(kExperts);
    reg.addDissector(Table::LinkType, 1, dissectEthernet);
}

} // namespace pl::proto
