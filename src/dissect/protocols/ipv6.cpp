// IPv6: the fixed header and the extension header chain (ethertype 0x86dd, IP protocol 41).
// Specification: RFC 8200 (IPv6, extension headers, options, fragment header), RFC 6275 6.4
// (type 2 routing header), RFC 8754 (segment routing header), RFC 2711 (router alert),
// RFC 2675 (jumbo payload), RFC 2474/3168 (traffic class as DSCP and ECN).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Version| Traffic Class |           Flow Label                  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Payload Length        |  Next Header  |   Hop Limit   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Source Address (128 bits)                  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                 Destination Address (128 bits)                |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Extension headers (hop-by-hop 0, routing 43, fragment 44, destination options 60) are
// walked here, not registered in Table::IpProto: they only exist inside IPv6. Options of
// hop-by-hop and destination options headers are type-length-value:
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Next Header  |  Hdr Ext Len  |  Options (TLVs) / type data   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  Hdr Ext Len counts 8-octet units after the first 8 octets.
//
// Fragments (offset != 0 or M set) are reassembled per (src, dst, identification) as Wireshark
// does (fragmentreassembler.h): the fragment that completes a datagram dissects its payload
// from a `Reassembled IPv6 (N bytes)` data source; the others show tshark's "IPv6 fragment
// (...)" Info, their bytes as data and, once known (a revisit), `[Reassembled IPv6 in frame]`.

#include "dissection.h"
#include "dscp.h"
#include "fragmentreassembler.h"
#include "ipprotos.h"
#include "session.h"
#include "textformat.h"

#include <algorithm>
#include <cstring>

namespace pl::proto {

namespace {

enum F {
    Version,
    IpVersion,
    TClass,
    Dscp,
    Ecn,
    Flow,
    Plen,
    Nxt,
    Hlim,
    Src,
    Dst,
    Addr,
    Opt,
    OptType,
    OptAction,
    OptChange,
    OptRest,
    OptLength,
    OptPad1,
    OptPadN,
    OptRouterAlert,
    OptJumbo,
    OptUnknown,
    Count
};

// The short forms Wireshark puts in the Traffic Class line ("EF PHB" where IPv4 says "EF").
constexpr ValueName kDscpShort[] = {
    {0, "CS0"},   {1, "LE"},           {8, "CS1"},     {10, "AF11"}, {12, "AF12"}, {14, "AF13"},
    {16, "CS2"},  {18, "AF21"},        {20, "AF22"},   {22, "AF23"}, {24, "CS3"},  {26, "AF31"},
    {28, "AF32"}, {30, "AF33"},        {32, "CS4"},    {34, "AF41"}, {36, "AF42"}, {38, "AF43"},
    {40, "CS5"},  {44, "VOICE-ADMIT"}, {46, "EF PHB"}, {48, "CS6"},  {56, "CS7"},
};

constexpr ValueName kOptTypeNames[] = {
    {0x00, "Pad1"},
    {0x01, "PadN"},
    {0x04, "Tunnel Encapsulation Limit"},
    {0x05, "Router Alert"},
    {0x07, "CALIPSO"},
    {0x08, "SMF_DPD"},
    {0x1e, "Experimental (0x1E)"},
    {0x26, "Quick-Start"},
    {0x3e, "Experimental (0x3E)"},
    {0x5e, "Experimental (0x5E)"},
    {0x63, "RPL Option"},
    {0x6d, "MPL Option"},
    {0x7e, "Experimental (0x7E)"},
    {0x8b, "ILNP Nonce"},
    {0x8c, "Line-Identification Option"},
    {0x9e, "Experimental (0x9E)"},
    {0xbe, "Experimental (0xBE)"},
    {0xc2, "Jumbo Payload"},
    {0xc9, "Home Address"},
    {0xde, "Experimental (0xDE)"},
    {0xfe, "Experimental (0xFE)"},
};
// RFC 8200 4.2: what a node that does not know the option does with the packet.
constexpr ValueName kOptActionNames[] = {
    {0, "Skip and continue"},
    {1, "Discard"},
    {2, "Discard and send ICMP Parameter Problem"},
    {3, "Discard and send ICMP if not multicast"},
};
constexpr ValueName kRouterAlertNames[] = {
    {0, "MLD"},
    {1, "RSVP"},
    {2, "Active Networks"},
};

constexpr FieldDef kFields[] = {
    {"ipv6.version", "Version", FieldType::UInt8, Base::Dec, 0xf0},
    // Wireshark adds IPv4's version field, hidden, so `ip.version == 6` finds IPv6 too.
    {"ip.version", "Version", FieldType::UInt8, Base::Dec, 0xf0},
    {"ipv6.tclass", "Traffic Class", FieldType::UInt32, Base::Hex, 0x0ff00000},
    {"ipv6.tclass.dscp", "Differentiated Services Codepoint", FieldType::UInt32, Base::Dec,
     0x0fc00000, kDscpNames},
    {"ipv6.tclass.ecn", "Explicit Congestion Notification", FieldType::UInt32, Base::Dec,
     0x00300000, kEcnNames},
    {"ipv6.flow", "Flow Label", FieldType::UInt24, Base::Hex, 0x0fffff},
    {"ipv6.plen", "Payload Length", FieldType::UInt16, Base::Dec},
    {"ipv6.nxt", "Next Header", FieldType::UInt8, Base::Dec, 0, kIpProtoNames},
    {"ipv6.hlim", "Hop Limit", FieldType::UInt8, Base::Dec},
    {"ipv6.src", "Source Address", FieldType::IPv6},
    {"ipv6.dst", "Destination Address", FieldType::IPv6},
    {"ipv6.addr", "Source or Destination Address", FieldType::IPv6},
    {"ipv6.opt", "IPv6 Option", FieldType::None},
    {"ipv6.opt.type", "Type", FieldType::UInt8, Base::Hex, 0, kOptTypeNames},
    {"ipv6.opt.type.action", "Action", FieldType::UInt8, Base::Dec, 0xc0, kOptActionNames},
    {"ipv6.opt.type.change",
     "May Change",
     FieldType::Boolean,
     Base::None,
     0x20,
     {},
     {},
     "Yes",
     "No"},
    {"ipv6.opt.type.rest", "Low-Order Bits", FieldType::UInt8, Base::Hex, 0x1f},
    {"ipv6.opt.length", "Length", FieldType::UInt8, Base::Dec},
    {"ipv6.opt.pad1", "Pad1", FieldType::None},
    {"ipv6.opt.padn", "PadN", FieldType::Bytes},
    {"ipv6.opt.router_alert", "Router Alert", FieldType::UInt16, Base::Dec, 0, kRouterAlertNames},
    {"ipv6.opt.jumbo", "Payload Length", FieldType::UInt32, Base::Dec},
    {"ipv6.opt.unknown", "Unknown Option Payload", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

// Hop-by-hop and destination options share one layout.
enum OptsF { ONxt, OLen, OLenOct, OCount };
constexpr FieldDef kHopFields[] = {
    {"ipv6.hopopts.nxt", "Next Header", FieldType::UInt8, Base::Dec, 0, kIpProtoNames},
    {"ipv6.hopopts.len", "Length", FieldType::UInt8, Base::Dec},
    {"ipv6.hopopts.len_oct", "Length", FieldType::UInt16, Base::Dec, 0, {}, " bytes"},
};
constexpr FieldDef kDstFields[] = {
    {"ipv6.dstopts.nxt", "Next Header", FieldType::UInt8, Base::Dec, 0, kIpProtoNames},
    {"ipv6.dstopts.len", "Length", FieldType::UInt8, Base::Dec},
    {"ipv6.dstopts.len_oct", "Length", FieldType::UInt16, Base::Dec, 0, {}, " bytes"},
};
static_assert(std::size(kHopFields) == OCount && std::size(kDstFields) == OCount);

enum RtF {
    RNxt,
    RLen,
    RLenOct,
    RType,
    RSegLeft,
    RUnknownData,
    RSrcReserved,
    RSrcAddr,
    RMipReserved,
    RMipHome,
    RSrhLastEntry,
    RSrhFlags,
    RSrhTag,
    RSrhAddr,
    RCount
};
constexpr ValueName kRoutingTypeNames[] = {
    {0, "Source Route"},
    {1, "Nimrod"},
    {2, "Type 2 Routing"},
    {3, "RPL Source Route"},
    {4, "Segment Routing"},
    {5, "Compact Routing Header 16"},
    {6, "Compact Routing Header 32"},
    {253, "Experiment 1"},
    {254, "Experiment 2"},
};
constexpr FieldDef kRoutingFields[] = {
    {"ipv6.routing.nxt", "Next Header", FieldType::UInt8, Base::Dec, 0, kIpProtoNames},
    {"ipv6.routing.len", "Length", FieldType::UInt8, Base::Dec},
    {"ipv6.routing.len_oct", "Length", FieldType::UInt16, Base::Dec, 0, {}, " bytes"},
    {"ipv6.routing.type", "Type", FieldType::UInt8, Base::Dec, 0, kRoutingTypeNames},
    {"ipv6.routing.segleft", "Segments Left", FieldType::UInt8, Base::Dec},
    {"ipv6.routing.unknown_data", "Type-Specific Data", FieldType::Bytes},
    {"ipv6.routing.src.reserved", "Reserved", FieldType::Bytes},
    {"ipv6.routing.src.addr", "Address", FieldType::IPv6},
    {"ipv6.routing.mipv6.reserved", "Reserved", FieldType::Bytes},
    {"ipv6.routing.mipv6.home_address", "Home Address", FieldType::IPv6},
    {"ipv6.routing.srh.last_entry", "Last Entry", FieldType::UInt8, Base::Dec},
    {"ipv6.routing.srh.flags", "Flags", FieldType::UInt8, Base::Hex},
    {"ipv6.routing.srh.tag", "Tag", FieldType::Bytes},
    {"ipv6.routing.srh.addr", "Address", FieldType::IPv6},
};
static_assert(std::size(kRoutingFields) == RCount);

enum FragF { FNxt, FReservedOctet, FOffset, FReservedBits, FMore, FIdent, FCount };
constexpr FieldDef kFragFields[] = {
    {"ipv6.fraghdr.nxt", "Next header", FieldType::UInt8, Base::Dec, 0, kIpProtoNames},
    {"ipv6.fraghdr.reserved_octet", "Reserved octet", FieldType::UInt8, Base::Hex},
    {"ipv6.fraghdr.offset", "Offset", FieldType::UInt16, Base::Dec, 0xfff8},
    {"ipv6.fraghdr.reserved_bits", "Reserved bits", FieldType::UInt16, Base::Dec, 0x0006},
    {"ipv6.fraghdr.more",
     "More Fragments",
     FieldType::Boolean,
     Base::None,
     0x0001,
     {},
     {},
     "Yes",
     "No"},
    {"ipv6.fraghdr.ident", "Identification", FieldType::UInt32, Base::Hex},
};
static_assert(std::size(kFragFields) == FCount);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E {
    OptInvalidLen,
    HopNotFirst,
    RoutingDeprecated,
    RoutingSegLeft,
    RoutingUndecoded,
    BogusVersion,
    InvalidHeader,
    PlenZero,
    PlenExceeds,
    JumboMissing,
    ECount
};
constexpr FieldDef kExperts[] = {
    {"ipv6.opt.invalid_len", "Invalid IPv6 option length", FieldType::None},
    {"ipv6.hopopts.not_first",
     "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header", FieldType::None},
    {"ipv6.routing.deprecated", "Routing header type is deprecated", FieldType::None},
    {"ipv6.routing.invalid_segleft",
     "IPv6 Routing Header segments left field must not exceed address count", FieldType::None},
    {"ipv6.routing.undecoded", "Undecoded IPv6 routing header field", FieldType::None},
    {"ipv6.bogus_ipv6_version", "Bogus IP version", FieldType::None},
    {"ipv6.invalid_header", "Invalid IPv6 header", FieldType::None},
    {"ipv6.plen_zero",
     "IPv6 payload length equals 0 (maybe because of \"TCP segmentation offload\" (TSO))",
     FieldType::None},
    {"ipv6.plen_exceeds_framing", "IPv6 payload length does not match expected framing length",
     FieldType::None},
    {"ipv6.opt.jumbo.missing",
     "IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing",
     FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

// Defragmentation (fragmentreassembler.h): Wireshark's reassembly fields. All depend on other
// frames.
enum ReasF {
    RFragments,
    RFragment,
    ROverlap,
    ROverlapConflict,
    RMultipleTails,
    RTooLong,
    RError,
    RFragCount,
    RReassembledIn,
    RLength,
    RData,
    RFieldCount
};
constexpr FieldDef kReassemblyFields[] = {
    {"ipv6.fragments", "IPv6 Fragments", FieldType::None},
    {"ipv6.fragment", "IPv6 Fragment", FieldType::FrameNum, Base::Dec},
    {"ipv6.fragment.overlap", "Fragment overlap", FieldType::Boolean},
    {"ipv6.fragment.overlap.conflict", "Conflicting data in fragment overlap", FieldType::Boolean},
    {"ipv6.fragment.multipletails", "Multiple tail fragments found", FieldType::Boolean},
    {"ipv6.fragment.toolongfragment", "Fragment too long", FieldType::Boolean},
    {"ipv6.fragment.error", "Defragmentation error", FieldType::FrameNum, Base::Dec},
    {"ipv6.fragment.count", "Fragment count", FieldType::UInt32, Base::Dec},
    {"ipv6.reassembled.in", "Reassembled IPv6 in frame", FieldType::FrameNum, Base::Dec},
    {"ipv6.reassembled.length", "Reassembled IPv6 length", FieldType::UInt32, Base::Dec},
    {"ipv6.reassembled.data", "Reassembled IPv6 data", FieldType::Bytes},
};
static_assert(std::size(kReassemblyFields) == RFieldCount);
FieldBlock s_r;

/// The datagrams being reassembled in a capture (Session state).
struct Ipv6Fragments
{
    FragmentReassembler reassembler;
};

FieldBlock s_f;
FieldBlock s_hop;
FieldBlock s_dst;
FieldBlock s_rt;
FieldBlock s_frag;

// RFC 8200 does not bound the chain; real packets carry a handful. More is hostile.
constexpr int kMaxExtensionHeaders = 32;

enum : uint8_t {
    kHopByHop = 0,
    kRouting = 43,
    kFragment = 44,
    kNoNext = 59,
    kDestOpts = 60,
};

/// What the walk of the chain learns that changes the layer above.
struct Chain
{
    const uint8_t *finalDst = nullptr; ///< routing header's final destination (RFC 8200 8.1)
    bool jumbo = false;
    uint32_t jumboLength = 0;
};

uint8_t frameMark(const Dissection &d, uint8_t flag)
{
    // Inside the packet quoted by an ICMPv6 error, a short or odd header is expected.
    return d.columnsFrozen() ? 0 : flag;
}

std::string bitLabel(const Reader &r, size_t at, size_t len, uint64_t mask)
{
    std::string s;
    text::appendBitPattern(s, r.uint(at, len), mask, int(len * 8));
    s += " = ";
    return s;
}

/// The options of a hop-by-hop or destination options header `h` (whole header, `len`
/// bytes declared). Reads go through `h`, so a header longer than the packet throws.
void dissectOptions(Dissection &d, const Reader &h, size_t len, Item parent, Chain &chain)
{
    size_t pos = 2;
    while (pos < len) {
        const uint8_t type = h.u8(pos);
        if (type == 0x00) {
            Item opt = d.addValue(parent, s_f[Opt], h, pos, 1, 0);
            d.setText(opt, "Pad1");
            d.addUInt(opt, s_f[OptType], h, pos, 1);
            d.addValue(opt, s_f[OptPad1], h, pos, 1, 0);
            ++pos;
            continue;
        }
        const uint8_t olen = h.u8(pos + 1);
        // The option's range as far as it was captured (its data is checked below).
        Item opt = d.addValue(parent, s_f[Opt], h, pos,
                              std::min<size_t>(2 + olen, h.capturedFrom(pos)), 0);
        if (opt) {
            const std::string_view name = nameOf(kOptTypeNames, type);
            std::string label;
            if (name.empty()) {
                label = "Unknown IPv6 Option (";
                text::appendUInt(label, type);
                label += ')';
            } else {
                label = name;
            }
            d.setText(opt, std::move(label));
        }
        Item t = d.addUInt(opt, s_f[OptType], h, pos, 1);
        d.addUInt(t, s_f[OptAction], h, pos, 1);
        d.addUInt(t, s_f[OptChange], h, pos, 1);
        d.addUInt(t, s_f[OptRest], h, pos, 1);
        d.addUInt(opt, s_f[OptLength], h, pos + 1, 1);
        const size_t data = pos + 2;
        h.require(data, olen);
        switch (type) {
        case 0x01: {
            Item padn = d.addBytes(opt, s_f[OptPadN], h, data, olen);
            if (olen == 0)
                d.setText(padn, "PadN: <none>");
            break;
        }
        case 0x05:
            if (olen == 2)
                d.addUInt(opt, s_f[OptRouterAlert], h, data, 2);
            else
                d.expert(opt, h, pos + 1, 1, Severity::Error, ExpertGroup::Malformed,
                         "Invalid IPv6 option length", frameMark(d, Malformed),
                         s_ei[OptInvalidLen]);
            break;
        case 0xc2:
            if (olen == 4) {
                d.addUInt(opt, s_f[OptJumbo], h, data, 4);
                chain.jumbo = true;
                chain.jumboLength = h.u32(data);
            } else {
                d.expert(opt, h, pos + 1, 1, Severity::Error, ExpertGroup::Malformed,
                         "Invalid IPv6 option length", frameMark(d, Malformed),
                         s_ei[OptInvalidLen]);
            }
            break;
        default:
            if (olen)
                d.addBytes(opt, s_f[OptUnknown], h, data, olen);
            break;
        }
        pos = data + olen;
    }
}

/// A hop-by-hop or destination options header at `off` of `p`; returns its length.
size_t dissectOptionsHeader(Dissection &d, const Reader &p, size_t off, Item ip, bool hop,
                            bool first, Chain &chain, uint8_t &nxt)
{
    const FieldBlock &f = hop ? s_hop : s_dst;
    const size_t len = (size_t(p.u8(off + 1)) + 1) * 8;
    nxt = p.u8(off);
    Item item = d.addProtocol(ip, f.protocol(), p, off, len);
    d.setText(item, hop ? "IPv6 Hop-by-Hop Option" : "Destination Options for IPv6");
    d.addUInt(item, f[ONxt], p, off, 1);
    d.addUInt(item, f[OLen], p, off + 1, 1);
    d.addGenerated(item, f[OLenOct], len);
    if (hop && !first)
        d.expert(item, p, off, 1, Severity::Error, ExpertGroup::Protocol,
                 "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header", 0,
                 s_ei[HopNotFirst]);
    d.info() = hop ? "IPv6 hop-by-hop options" : "IPv6 destination options";
    dissectOptions(d, p.sub(off, len), len, item, chain);
    return len;
}

void addRouteAddress(Dissection &d, Item parent, FieldId f, const Reader &h, size_t at,
                     size_t index)
{
    Item a = d.addBytes(parent, f, h, at, 16);
    if (!a)
        return;
    std::string label = "Address[";
    text::appendUInt(label, index);
    label += "]: ";
    text::appendIPv6(label, h.ptr(at, 16));
    d.setText(a, std::move(label));
}

size_t dissectRouting(Dissection &d, const Reader &p, size_t off, Item ip, Chain &chain,
                      uint8_t &nxt)
{
    p.require(off, 4);
    nxt = p.u8(off);
    const size_t len = (size_t(p.u8(off + 1)) + 1) * 8;
    const uint8_t type = p.u8(off + 2);
    const uint8_t segLeft = p.u8(off + 3);
    Item item = d.addProtocol(ip, s_rt.protocol(), p, off, len);
    if (item) {
        std::string label = "Routing Header for IPv6 (";
        const std::string_view name = nameOf(kRoutingTypeNames, type);
        if (name.empty()) {
            label += "Unknown type ";
            text::appendUInt(label, type);
        } else {
            label += name;
        }
        label += ')';
        d.setText(item, std::move(label));
    }
    d.addUInt(item, s_rt[RNxt], p, off, 1);
    d.addUInt(item, s_rt[RLen], p, off + 1, 1);
    d.addGenerated(item, s_rt[RLenOct], len);
    Item t = d.addUInt(item, s_rt[RType], p, off + 2, 1);
    if (type == 0)
        d.expert(t, p, off + 2, 1, Severity::Note, ExpertGroup::Deprecated,
                 "Routing header type is deprecated", 0, s_ei[RoutingDeprecated]);
    d.addUInt(item, s_rt[RSegLeft], p, off + 3, 1);
    d.info() = "IPv6 routing";
    // A header that claims more than the payload is malformed before any address is read.
    p.require(off, len);
    const Reader h = p.sub(off, len);

    switch (type) {
    case 0: {
        // RFC 2460 type 0 (deprecated by RFC 5095): 4 reserved bytes, then addresses, the
        // last being the final destination.
        d.addBytes(item, s_rt[RSrcReserved], h, 4, 4);
        const size_t n = (len - 8) / 16;
        for (size_t i = 0; i < n; ++i)
            addRouteAddress(d, item, s_rt[RSrcAddr], h, 8 + 16 * i, i + 1);
        if (segLeft > n)
            d.expert(item, h, 3, 1, Severity::Error, ExpertGroup::Protocol,
                     "IPv6 Routing Header segments left field must not exceed address count", 0,
                     s_ei[RoutingSegLeft]);
        if (segLeft > 0 && n > 0)
            chain.finalDst = h.ptr(8 + 16 * (n - 1), 16);
        break;
    }
    case 2:
        // RFC 6275 6.4: one home address, the final destination.
        d.addBytes(item, s_rt[RMipReserved], h, 4, 4);
        addRouteAddress(d, item, s_rt[RMipHome], h, 8, 1);
        if (segLeft > 0)
            chain.finalDst = h.ptr(8, 16);
        break;
    case 4: {
        // RFC 8754: Segment List[0] is the last segment, the final destination.
        const uint8_t lastEntry = h.u8(4);
        d.addUInt(item, s_rt[RSrhLastEntry], h, 4, 1);
        d.addUInt(item, s_rt[RSrhFlags], h, 5, 1);
        d.addBytes(item, s_rt[RSrhTag], h, 6, 2);
        const size_t room = (len - 8) / 16;
        const size_t n = std::min<size_t>(size_t(lastEntry) + 1, room);
        for (size_t i = 0; i < n; ++i)
            addRouteAddress(d, item, s_rt[RSrhAddr], h, 8 + 16 * i, i);
        if (segLeft > 0 && n > 0)
            chain.finalDst = h.ptr(8, 16);
        break;
    }
    default: {
        Item data = d.addBytes(item, s_rt[RUnknownData], h, 4, len - 4);
        d.expert(data, h, 4, len - 4, Severity::Note, ExpertGroup::Undecoded,
                 "Undecoded IPv6 routing header field", 0, s_ei[RoutingUndecoded]);
        break;
    }
    }
    return len;
}

/// Returns true when the fragment is a whole datagram (an atomic fragment, RFC 6946) whose
/// next header can be dissected.
struct FragmentHeader
{
    uint32_t offset = 0; ///< in bytes
    bool more = false;
    uint32_t ident = 0;
};

bool dissectFragment(Dissection &d, const Reader &p, size_t off, Item ip, uint8_t &nxt,
                     FragmentHeader &fh)
{
    p.require(off, 8);
    nxt = p.u8(off);
    const uint16_t offWord = p.u16(off + 2);
    const uint16_t fragOffset = offWord >> 3;
    const bool more = offWord & 1;
    const uint32_t ident = p.u32(off + 4);
    Item item = d.addProtocol(ip, s_frag.protocol(), p, off, 8);
    d.setText(item, "Fragment Header for IPv6");
    d.addUInt(item, s_frag[FNxt], p, off, 1);
    d.addUInt(item, s_frag[FReservedOctet], p, off + 1, 1);
    Item o = d.addUInt(item, s_frag[FOffset], p, off + 2, 2);
    if (o) {
        std::string label = bitLabel(p, off + 2, 2, 0xfff8);
        label += "Offset: ";
        text::appendUInt(label, fragOffset);
        label += " (";
        text::appendUInt(label, uint32_t(fragOffset) * 8);
        label += " bytes)";
        d.setText(o, std::move(label));
    }
    d.addUInt(item, s_frag[FReservedBits], p, off + 2, 2);
    d.addUInt(item, s_frag[FMore], p, off + 2, 2);
    d.addUInt(item, s_frag[FIdent], p, off + 4, 4);
    fh.offset = uint32_t(fragOffset) * 8;
    fh.more = more;
    fh.ident = ident;
    if (fragOffset == 0 && !more)
        return true;
    std::string &info = d.info();
    info = "IPv6 fragment (off=";
    text::appendUInt(info, uint32_t(fragOffset) * 8);
    info += more ? " more=y ident=" : " more=n ident=";
    text::appendHex(info, ident, 8);
    info += " nxt=";
    text::appendUInt(info, nxt);
    info += ')';
    return false;
}

void addTrafficClass(Dissection &d, Item ip, const Reader &r)
{
    Item tc = d.addUInt(ip, s_f[TClass], r, 0, 4);
    if (!tc) { // summary mode: the bits only for a display filter
        d.addUInt(tc, s_f[Dscp], r, 0, 4);
        d.addUInt(tc, s_f[Ecn], r, 0, 4);
        return;
    }
    const uint32_t word = r.u32(0);
    const uint8_t tclass = uint8_t(word >> 20);
    std::string label = bitLabel(r, 0, 4, 0x0ff00000);
    label += "Traffic Class: ";
    text::appendHex(label, tclass, 2);
    label += " (DSCP: ";
    const std::string_view dscp = nameOf(kDscpShort, tclass >> 2);
    label += dscp.empty() ? std::string_view("Unknown") : dscp;
    label += ", ECN: ";
    label += kEcnShort[tclass & 3];
    label += ')';
    d.setText(tc, std::move(label));
    d.addUInt(tc, s_f[Dscp], r, 0, 4);
    d.addUInt(tc, s_f[Ecn], r, 0, 4);
}

/// The network layer a transport checksum needs, for the payload of `r`'s header. Inlined:
/// it is on the summary fast path of every IPv6 packet.
[[gnu::always_inline]] inline void setNetworkLayer(Dissection &d, const Reader &r,
                                                   const Chain &chain)
{
    d.net.version = 6;
    std::memcpy(d.net.src, r.ptr(8, 16), 16);
    std::memcpy(d.net.dst, chain.finalDst ? chain.finalDst : r.ptr(24, 16), 16);
    d.net.hopLimit = r.u8(7);
}

/// Defragmentation (Wireshark's ipv6.defragment): true when this fragment completed its
/// datagram and the datagram's payload was dissected. Otherwise `reassembledIn` is the frame
/// that completes it, when known (a revisit), or 0.
// Out of line: whole datagrams, the common case, keep a small frame in the caller.
[[gnu::noinline]] bool defragment(Dissection &d, const Reader &r, Item ip, Item parent,
                                  const Reader &fragment, size_t len, const FragmentHeader &fh,
                                  uint8_t nxt, const Chain &chain, uint64_t &reassembledIn)
{
    // Like Wireshark: not inside an ICMPv6 error's quoted packet, and only with every byte the
    // payload length claims captured (a cut capture or a lying length is not joined).
    if (!d.prefs.ipDefragment || d.columnsFrozen() || len == 0 || !fragment.has(0, len))
        return false;
    auto &state = d.session().state<Ipv6Fragments>();
    const FragmentKey key = FragmentKey::ipv6(r.ptr(8, 16), r.ptr(24, 16), fh.ident);
    const Frame &frame = d.frame();
    if (uint64_t(fh.offset) + len > FragmentReassembler::Limits{}.maxDatagramLength) {
        // Its end is past the largest datagram: never joined (bounded memory), flagged alike
        // on every visit.
        Item t = d.addGenerated(ip, s_r[RTooLong], 1);
        if (t)
            d.setText(t, "Fragment too long: True");
        return false;
    }
    const ReassembledDatagram *dg = nullptr;
    if (d.revisit()) {
        dg = state.reassembler.lookup(frame.number, key);
    } else {
        const auto outcome =
            state.reassembler.add(key, frame.number, frame.tsSec, frame.hasTimestamp, fh.offset,
                                  {fragment.ptr(0, len), len}, fh.more, d.recording());
        if (outcome == FragmentReassembler::Outcome::Complete)
            dg = &state.reassembler.completed();
    }
    if (!dg)
        return false;
    if (dg->reassembledIn != frame.number) {
        reassembledIn = dg->reassembledIn;
        return false;
    }
    if (dg->bytes.size() != dg->length) // a revisit after the byte budget dropped them
        return false;
    std::string name = "Reassembled IPv6 (";
    text::appendUInt(name, dg->length);
    name += " bytes)";
    const int src = d.addSource(std::move(name), dg->bytes);
    if (!src)
        return false;
    static const FragmentFields fields{
        s_r[RFragments],     s_r[RFragment], s_r[ROverlap], s_r[ROverlapConflict],
        s_r[RMultipleTails], s_r[RTooLong],  s_r[RError],   s_r[RFragCount],
        s_r[RReassembledIn], s_r[RLength],   s_r[RData],
    };
    addFragmentTree(d, ip, fields, *dg, src, "IPv6");
    Dissection::SourceScope scope(d, src);
    const Reader payload = d.sourceReader(size_t(src));
    if (nxt == kNoNext) {
        d.info() = "IPv6 no next header";
        d.data(payload, parent);
        return true;
    }
    setNetworkLayer(d, r, chain);
    if (!d.dispatch(Table::IpProto, nxt, payload, parent))
        d.data(payload, parent);
    return true;
}

void dissectIPv6(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("IPv6");
    d.info().clear(); // a lower layer's text (raw IP, SLL) is not this packet's summary
    Item ip = d.addProtocol(parent, s_f.protocol(), r, 0, 40);
    const uint8_t version = r.u8(0) >> 4;
    Item ver = d.addUInt(ip, s_f[Version], r, 0, 1);
    d.flag(d.addUInt(ip, s_f[IpVersion], r, 0, 1), Hidden);
    if (version != 6) {
        d.expert(ver, r, 0, 1, Severity::Error, ExpertGroup::Malformed, "Bogus IPv6 version",
                 frameMark(d, Malformed), s_ei[BogusVersion]);
        d.info() = "Bogus IPv6 version (";
        text::appendUInt(d.info(), version);
        d.info() += ')';
        d.setLength(ip, 1);
        d.data(r.sub(1), parent);
        return;
    }
    if (r.reported() < 40) {
        d.expert(ip, r, 0, 1, Severity::Error, ExpertGroup::Malformed,
                 "IPv6 header must be exactly 40 bytes", frameMark(d, Malformed),
                 s_ei[InvalidHeader]);
        std::string &info = d.info();
        info = "Invalid IPv6 header (";
        text::appendUInt(info, r.reported());
        info += " bytes, need exactly 40)";
    }
    addTrafficClass(d, ip, r);
    d.addUInt(ip, s_f[Flow], r, 1, 3);
    const uint16_t plen = r.u16(4);
    Item plenItem = d.addUInt(ip, s_f[Plen], r, 4, 2);
    uint8_t nxt = r.u8(6);
    d.addUInt(ip, s_f[Nxt], r, 6, 1);
    d.addUInt(ip, s_f[Hlim], r, 7, 1);
    // Each address with its hidden ipv6.addr twin, as Wireshark adds them: a header cut
    // after the source still has the source in ipv6.addr.
    d.addBytes(ip, s_f[Src], r, 8, 16);
    d.flag(d.addBytes(ip, s_f[Addr], r, 8, 16), Hidden);
    d.setSource(Address::IPv6, r.ptr(8, 16));
    d.addBytes(ip, s_f[Dst], r, 24, 16);
    d.flag(d.addBytes(ip, s_f[Addr], r, 24, 16), Hidden);
    d.setDestination(Address::IPv6, r.ptr(24, 16));
    if (ip) {
        std::string label = "Internet Protocol Version 6, Src: ";
        text::appendIPv6(label, r.ptr(8, 16));
        label += ", Dst: ";
        text::appendIPv6(label, r.ptr(24, 16));
        d.setText(ip, std::move(label));
    }

    // The payload is what Payload Length says, clipped to what the layer below carried.
    const size_t framing = r.reportedFrom(40);
    size_t payloadLen = plen;
    if (plen == 0 && nxt == kHopByHop) {
        payloadLen = framing; // a jumbogram (RFC 2675); the option gives the length
    } else if (plen == 0) {
        d.expert(plenItem, r, 4, 2, Severity::Chat, ExpertGroup::Protocol,
                 "IPv6 payload length equals 0 (maybe because of \"TCP segmentation offload\" "
                 "(TSO))",
                 0, s_ei[PlenZero]);
    } else if (plen > framing && !d.columnsFrozen()) {
        std::string msg = "IPv6 payload length exceeds framing length (";
        text::appendUInt(msg, framing);
        msg += " bytes)";
        d.expert(plenItem, r, 4, 2, Severity::Warning, ExpertGroup::Protocol, msg, 0,
                 s_ei[PlenExceeds]);
    }
    if (plen != 0)
        d.claimLength(r, 40 + size_t(plen)); // what follows is the link layer's trailer
    Reader p = r.sub(40, payloadLen);

    Chain chain;
    size_t off = 0;
    bool upper = true;
    for (int count = 0; upper; ++count) {
        if (nxt != kHopByHop && nxt != kDestOpts && nxt != kRouting && nxt != kFragment)
            break;
        if (count >= kMaxExtensionHeaders) {
            d.expert(ip, p, off, 0, Severity::Error, ExpertGroup::Malformed,
                     "Too many IPv6 extension headers", frameMark(d, Malformed));
            upper = false;
            break;
        }
        switch (nxt) {
        case kHopByHop:
        case kDestOpts: {
            const bool hop = nxt == kHopByHop;
            off += dissectOptionsHeader(d, p, off, ip, hop, count == 0, chain, nxt);
            if (hop && count == 0 && plen == 0) {
                // RFC 2675: Payload Length 0 with a hop-by-hop header is a jumbogram.
                if (!chain.jumbo) {
                    d.expert(plenItem, r, 4, 2, Severity::Error, ExpertGroup::Malformed,
                             "IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo "
                             "Payload option missing",
                             frameMark(d, Malformed), s_ei[JumboMissing]);
                    upper = false;
                } else {
                    p = r.sub(40, chain.jumboLength);
                }
            }
            break;
        }
        case kRouting:
            off += dissectRouting(d, p, off, ip, chain, nxt);
            break;
        case kFragment: {
            FragmentHeader fh;
            if (!dissectFragment(d, p, off, ip, nxt, fh)) {
                if (chain.finalDst)
                    d.setDestination(Address::IPv6, chain.finalDst);
                d.setLength(ip, 40 + off + 8);
                // Only fragments reach the reassembler, never whole datagrams.
                uint64_t reassembledIn = 0;
                const Reader fragment = p.sub(off + 8);
                const size_t claimed = payloadLen > off + 8 ? payloadLen - off - 8 : 0;
                if (defragment(d, r, ip, parent, fragment, claimed, fh, nxt, chain, reassembledIn))
                    return;
                if (reassembledIn) {
                    Item in = d.addGenerated(ip, s_r[RReassembledIn], reassembledIn);
                    if (in) {
                        std::string label = "Reassembled IPv6 in frame: ";
                        text::appendUInt(label, reassembledIn);
                        d.setText(in, std::move(label));
                    }
                }
                d.data(fragment, parent);
                return;
            }
            off += 8;
            break;
        }
        }
    }
    d.setLength(ip, 40 + off);
    if (!upper)
        return;

    if (off > p.reported())
        p.fail(off, 0);
    const Reader upperLayer = p.sub(off);
    // Like tshark, the Destination column shows where the packet is finally going.
    if (chain.finalDst)
        d.setDestination(Address::IPv6, chain.finalDst);
    if (nxt == kNoNext) {
        d.info() = "IPv6 no next header";
        d.data(upperLayer, parent);
        return;
    }
    setNetworkLayer(d, r, chain);
    if (!d.dispatch(Table::IpProto, nxt, upperLayer, parent))
        d.data(upperLayer, parent);
}

} // namespace

void register_ipv6(Registry &reg)
{
    s_f = reg.addProtocol({"ipv6", "IPv6", "Internet Protocol Version 6"}, kFields);
    s_ei = reg.addFields(kExperts);
    s_r = reg.addFields(kReassemblyFields);
    for (int f = 0; f < RFieldCount; ++f)
        reg.setCrossFrame(s_r[f]); // which fragments joined, and where, depends on the others
    s_hop =
        reg.addProtocol({"ipv6.hopopts", "IPv6 Hop-by-Hop", "IPv6 Hop-by-Hop Option"}, kHopFields);
    s_dst = reg.addProtocol({"ipv6.dstopts", "IPv6 Destination", "Destination Options for IPv6"},
                            kDstFields);
    s_rt = reg.addProtocol({"ipv6.routing", "IPv6 Routing", "Routing Header for IPv6"},
                           kRoutingFields);
    s_frag =
        reg.addProtocol({"ipv6.fraghdr", "IPv6 Fragment", "Fragment Header for IPv6"}, kFragFields);
    reg.addDissector(Table::EtherType, 0x86dd, dissectIPv6);
    reg.addDissector(Table::IpProto, 41, dissectIPv6);
}

} // namespace pl::proto
