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

#include "checksum.h"
#include "dissection.h"
#include "ethertypes.h"
#include "textformat.h"

#include <algorithm>

namespace pl::proto {

namespace {

enum F {
    Dst,
    DstLg,
    DstIg,
    Src,
    SrcLg,
    SrcIg,
    Addr,
    Lg,
    Ig,
    Type,
    Len,
    Padding,
    Trailer,
    Fcs,
    FcsStatus,
    Count
};

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
    {"eth.padding", "Padding", FieldType::Bytes},
    {"eth.trailer", "Trailer", FieldType::Bytes},
    {"eth.fcs", "Frame check sequence", FieldType::UInt32, Base::Hex},
    {"eth.fcs.status", "FCS Status", FieldType::UInt8, Base::None, 0, checksum::kStatusNames},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E { LenPastEnd, PaddingBad, ECount };
constexpr FieldDef kExperts[] = {
    {"eth.len.past_end", "Length field value goes past the end of the payload", FieldType::None},
    {"eth.padding_bad", "Padding identification may be inaccurate and impact trailer dissector",
     FieldType::None},
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

/// Ethernet II or 802.3 framing; `fcsPossible`: the frame may end in an FCS (a capture's own
/// link layer), not when it was carried inside another protocol (VXLAN, GRE, SLL).
void dissectEthernetFrame(Dissection &d, const Reader &r, Item parent, bool fcsPossible)
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
        handOnWithTrailer(d, r, 14, eth, s_f[Trailer], fcsPossible, [&](const Reader &payload) {
            dispatchEtherType(d, type, payload, parent);
        });
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
    if (type < r.reportedFrom(14))
        addEthernetTrailer(d, eth, r, 14 + type, s_f[Trailer], fcsPossible);
}

void dissectEthernet(Dissection &d, const Reader &r, Item parent)
{
    dissectEthernetFrame(d, r, parent, true);
}

} // namespace

void dissectEthernetWithoutFcs(Dissection &d, const Reader &r, Item parent)
{
    dissectEthernetFrame(d, r, parent, false);
}

void addEthernetTrailer(Dissection &d, Item link, const Reader &r, size_t at, FieldId trailerField,
                        bool fcsPossible)
{
    // Wireshark's rules (tshark shows the same): a frame of at least 60 bytes whose payload
    // ends before byte 60 was padded up to 60 (IEEE 802.3 clause 4.2.3.3, the minimum
    // frame less its FCS), when those bytes are zeros; a frame of 64 bytes or more is taken
    // to end in a 4-byte FCS when the bytes left hold one; what remains is a trailer.
    size_t captured = r.capturedFrom(at), reported = r.reportedFrom(at);
    if (captured == 0)
        return; // nothing of it was captured: nothing to show
    const uint64_t frameLength = d.frame().wireLen;
    const bool maybePadded = frameLength >= 60 && frameLength - reported < 60;
    size_t padding = 0;
    if (maybePadded) {
        padding = size_t(60 - (frameLength - reported));
        if (padding > captured)
            return; // the padding was cut by the snapshot length: tshark shows nothing either
        for (size_t i = 0; i < padding; ++i)
            if (r.u8(at + i) != 0) {
                padding = 0;
                break;
            }
        if (padding) {
            d.addBytes(link, s_f[Padding], r, at, padding);
            captured -= padding;
            reported -= padding;
        }
    }
    bool hasFcs = false;
    if (fcsPossible && r.reported() >= 64 && reported >= 4) {
        reported -= 4;
        captured = std::min(captured, reported);
        hasFcs = true;
    }
    const size_t trailerAt = at + padding;
    if (captured != 0) {
        Item trailer = d.addBytes(link, trailerField, r, trailerAt, captured);
        if (maybePadded && padding == 0)
            d.expert(trailer, r, trailerAt, 0, Severity::Note, ExpertGroup::Protocol,
                     "Didn't find padding of zeros, and an undecoded trailer exists. There may "
                     "be padding of non-zeros.",
                     0, s_ei[PaddingBad]);
    }
    const size_t fcsAt = trailerAt + captured;
    if (!hasFcs || !r.has(fcsAt, 4))
        return; // an FCS cut by the snapshot length is not shown (as in tshark)
    const uint32_t fcs = r.u32(fcsAt);
    Item it = d.addUInt(link, s_f[Fcs], r, fcsAt, 4);
    if (it) {
        std::string label = "Frame check sequence: ";
        text::appendHex(label, fcs, 8);
        label += " [unverified]";
        d.setText(it, std::move(label));
    }
    Item status = d.addValue(link, s_f[FcsStatus], r, fcsAt, 0, checksum::StatusUnverified);
    if (status) {
        d.setText(status, "FCS Status: Unverified");
        d.flag(status, Generated);
    }
}

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
