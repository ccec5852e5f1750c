// Virtual eXtensible Local Area Network (UDP port 4789): an Ethernet frame carried in UDP.
// Specification: RFC 7348 section 5; the Group Based Policy extension (G, D, A bits and the
// Group Policy ID) from draft-smith-vxlan-group-policy, which Wireshark decodes by default.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |G|R|R|R|I|R|R|R|R|D|R|R|A|R|R|R|       Group Policy ID         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          VXLAN Network Identifier (VNI)       |   Reserved    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Inner Ethernet frame ...
//
// The inner frame is dissected by the Ethernet dissector, so its addresses, protocol and Info
// replace the outer ones in the columns, as in Wireshark.

#include "dissection.h"
#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F { Flags, FlagG, FlagI, FlagD, FlagA, FlagsReserved, Gbp, Vni, Reserved8, Count };

constexpr uint16_t kVxlanPort = 4789;

constexpr FieldDef kFields[] = {
    {"vxlan.flags", "Flags", FieldType::UInt16, Base::Hex},
    {"vxlan.flag_g",
     "GBP Extension",
     FieldType::Boolean,
     Base::None,
     0x8000,
     {},
     {},
     "Defined",
     "Not defined"},
    {"vxlan.flag_i",
     "VXLAN Network ID (VNI)",
     FieldType::Boolean,
     Base::None,
     0x0800,
     {},
     {},
     "True",
     "False"},
    {"vxlan.flag_d",
     "Don't Learn",
     FieldType::Boolean,
     Base::None,
     0x0040,
     {},
     {},
     "True",
     "False"},
    {"vxlan.flag_a",
     "Policy Applied",
     FieldType::Boolean,
     Base::None,
     0x0008,
     {},
     {},
     "True",
     "False"},
    {"vxlan.flags_reserved", "Reserved(R)", FieldType::UInt16, Base::Hex, 0x77b7},
    {"vxlan.gbp", "Group Policy ID", FieldType::UInt16, Base::Dec},
    {"vxlan.vni", "VXLAN Network Identifier (VNI)", FieldType::UInt24, Base::Dec},
    {"vxlan.reserved8", "Reserved", FieldType::UInt8, Base::Dec},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

// Wireshark's bitmask header: the value, then the name of every flag that is set.
std::string flagsLabel(uint16_t flags)
{
    std::string label = "Flags: ";
    text::appendHex(label, flags, 4);
    for (int f : {FlagG, FlagI, FlagD, FlagA})
        if (flags & kFields[f].mask) {
            label += ", ";
            label += kFields[f].name;
        }
    return label;
}

void dissectHeader(Dissection &d, const Reader &r, Item parent);

void dissectVxlan(Dissection &d, const Reader &r, Item parent)
{
    // Wireshark's column says `VxLAN` but its malformed mark names the layer `VXLAN`: the
    // header's bounds errors are caught here to write the mark by hand.
    d.setProtocol("VxLAN");
    d.info().clear(); // the inner frame writes its own; UDP's ports text would stay otherwise
    try {
        dissectHeader(d, r, parent);
    } catch (const BoundsError &e) {
        d.markLayerError(parent, e.frameOffset, e.kind == BoundsError::Kind::Truncated, "VXLAN");
        return;
    }
    // The inner frame is a whole Ethernet frame (no FCS, RFC 7348 section 5).
    d.call(dissectEthernetWithoutFcs, r.sub(8), parent);
}

void dissectHeader(Dissection &d, const Reader &r, Item parent)
{
    Item vx = d.addProtocol(parent, s_f.protocol(), r, 0, 8);
    d.setText(vx, "Virtual eXtensible Local Area Network");

    Item flags = d.addUInt(vx, s_f[Flags], r, 0, 2);
    if (flags)
        d.setText(flags, flagsLabel(r.u16(0)));
    for (int f : {FlagG, FlagI, FlagD, FlagA, FlagsReserved})
        d.addUInt(flags, s_f[f], r, 0, 2);
    d.addUInt(vx, s_f[Gbp], r, 2, 2);
    d.addUInt(vx, s_f[Vni], r, 4, 3);
    d.addUInt(vx, s_f[Reserved8], r, 7, 1);
}

} // namespace

void register_vxlan(Registry &reg)
{
    s_f = reg.addProtocol({"vxlan", "VXLAN", "Virtual eXtensible Local Area Network"}, kFields);
    reg.addDissector(Table::UdpPort, kVxlanPort, dissectVxlan);
}

} // namespace pl::proto
