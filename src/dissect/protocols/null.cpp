// BSD loopback encapsulation: LINKTYPE_NULL (0), a 4-byte address family in the byte order of
// the host that captured, and LINKTYPE_LOOP (108), the same in network byte order (OpenBSD).
// Specification: https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |               Address family (AF_INET = 2, ...)               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  IPv4 / IPv6 / ... packet
//
// AF_INET6 differs by system: 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly), 30
// (macOS). Linux's 10 never appears in DLT_NULL captures and Wireshark 4.0 does not treat it
// as IPv6, so neither do we. Some systems wrote an ethertype there instead of a family.
//
// The NULL header's byte order is unknown to the reader of the file. We guess it the way
// Wireshark's results show it guesses (checked against tshark 4.0 on crafted headers):
//   x = the 4 bytes read little-endian;
//   if the upper 16 bits are set: a 16-bit family put in the first two bytes (IRIX) when the
//     top byte is 0 and the third byte is < 6, so x >>= 16; otherwise the other byte order,
//     so x is byte-swapped;
//   x > 1500: an ethertype (its low 16 bits), shown as null.type;
//   else a family, with x >> 8 when the low byte is 0 (a byte-swapped 16-bit family).
// Frames starting ff 03 are PPP in HDLC framing, not a family (not dissected here).

#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F { Type, Family, Count };

constexpr ValueName kFamilyNames[] = {
    {2, "IP"},    {7, "OSI"},   {16, "Appletalk"}, {23, "Netware IPX/SPX"},
    {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"},
};

constexpr FieldDef kFields[] = {
    {"null.type", "Type", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"null.family", "Family", FieldType::UInt32, Base::Dec, 0, kFamilyNames},
};
static_assert(std::size(kFields) == Count);

constexpr uint32_t kMaxFamily = 1500; // above it, an ethertype (IEEE 802.3 length limit)

FieldBlock s_f;

void dispatchFamily(Dissection &d, uint32_t family, const Reader &payload, Item parent)
{
    bool done = false;
    if (family == 2)
        done = d.dispatch(Table::EtherType, 0x0800, payload, parent);
    else if (family == 24 || family == 28 || family == 30)
        done = d.dispatch(Table::EtherType, 0x86dd, payload, parent);
    else
        done = d.dispatch(Table::NullFamily, family, payload, parent);
    if (!done)
        d.data(payload, parent);
}

void dissect(Dissection &d, const Reader &r, Item parent, bool networkOrder)
{
    // Wireshark leaves the Protocol column unset ("N/A") unless a payload dissector sets it,
    // yet names the layer "Null" in a malformed mark: that mark is made here by hand.
    d.setProtocol("N/A");
    d.info() = "Null/Loopback";
    Item item = d.addProtocol(parent, s_f.protocol(), r, 0, 4);
    d.setText(item, "Null/Loopback");
    if (!r.has(0, 4)) {
        const bool truncated = r.reported() >= 4;
        d.markLayerError(parent, r.frameOffset(0), truncated, "Null");
        return;
    }
    const Reader payload = r.sub(4);
    if (networkOrder) {
        const uint32_t family = r.u32(0);
        d.addUInt(item, s_f[Family], r, 0, 4);
        dispatchFamily(d, family, payload, parent);
        return;
    }
    if (r.u16(0) == 0xff03) {
        d.data(r.sub(2), parent);
        return;
    }
    uint32_t x = r.u32le(0);
    if (x & 0xffff0000u) {
        if ((x & 0xff000000u) == 0 && ((x >> 16) & 0xff) < 6)
            x >>= 16;
        else
            x = (x >> 24) | (x >> 8 & 0xff00) | (x << 8 & 0xff0000) | (x << 24);
    }
    if (x > kMaxFamily) {
        const auto type = uint16_t(x & 0xffff);
        d.addValue(item, s_f[Type], r, 0, 4, type);
        if (!d.dispatch(Table::EtherType, type, payload, parent))
            d.data(payload, parent);
        return;
    }
    if (x != 0 && (x & 0xff) == 0)
        x >>= 8;
    d.addValue(item, s_f[Family], r, 0, 4, x);
    dispatchFamily(d, x, payload, parent);
}

void dissectNull(Dissection &d, const Reader &r, Item parent)
{
    dissect(d, r, parent, false);
}

void dissectLoop(Dissection &d, const Reader &r, Item parent)
{
    dissect(d, r, parent, true);
}

} // namespace

void register_null(Registry &reg)
{
    s_f = reg.addProtocol({"null", "NULL", "Null/Loopback"}, kFields);
    reg.addDissector(Table::LinkType, 0, dissectNull);
    reg.addDissector(Table::LinkType, 108, dissectLoop);
}

} // namespace pl::proto
