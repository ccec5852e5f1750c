// Generic Routing Encapsulation (IP protocol 47), with the enhanced GRE header of PPTP.
// Specification: RFC 2784 (GRE), RFC 2890 (key and sequence number extensions), RFC 1701
// (the routing field and strict source route bit of the original GRE), RFC 2637 section 4.1
// (PPTP's enhanced GRE: version 1, the key split into payload length and call id, and an
// acknowledgment number).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |      Checksum (optional)      |       Offset (optional)       |  C or R
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Key (optional) / PPTP: Payload Length    |  Call ID          |  K
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                 Sequence Number (optional)                    |  S
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Acknowledgment Number (PPTP, optional)               |  A, version 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Routing (optional, RFC 1701)               |  R
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The payload is handed on by its protocol type, an ethertype. GRE in GRE nests through IP;
// Dissection::call() bounds the depth, so a packet of a thousand nested headers stops there.

#include "checksum.h"
#include "dissection.h"
#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace {

// clang-format off
enum F {
    FlagsAndVersion, FlagChecksum, FlagRouting, FlagKey, FlagSequence, FlagStrictRoute,
    FlagRecursion, FlagAck, FlagReserved, FlagVersion, FlagReserved0, Proto, Checksum,
    ChecksumStatus, Offset, Key, PayloadLength, CallId, Sequence, Ack, Routing, RoutingFamily,
    RoutingSreOffset, RoutingSreLength, RoutingInformation, Count,
};
// clang-format on

constexpr uint16_t kChecksumBit = 0x8000, kRoutingBit = 0x4000, kKeyBit = 0x2000,
                   kSequenceBit = 0x1000, kAckBit = 0x0080;
constexpr uint16_t kPpp = 0x880b, kTransparentEthernet = 0x6558;

constexpr ValueName kVersionNames[] = {{0, "GRE"}, {1, "Enhanced GRE"}};

// Wireshark's GRE names for protocol types, which differ from its ethertype names (`IP`).
constexpr ValueName kTypeNames[] = {
    {0x0000, "Possible GRE keepalive packet"},
    {0x0800, "IP"},
    {0x0806, "ARP"},
    {0x22eb, "ERSPAN III"},
    {0x6558, "Transparent Ethernet bridging"},
    {0x6559, "Frame Relay"},
    {0x8137, "IPX"},
    {0x86dd, "IPv6"},
    {0x880b, "PPP"},
    {0x883e, "WCCP"},
    {0x8847, "MPLS label switched packet"},
    {0x88be, "ERSPAN"},
    {0x88d2, "CDMA2000 A10 3GPP2 Packet"},
    {0x894f, "Network Service Header"},
};

#define GRE_FLAG(abbrev, name, mask)                                                               \
    {                                                                                              \
        abbrev, name, FieldType::Boolean, Base::None, mask, {}, {}, "Yes", "No"                    \
    }

constexpr FieldDef kFields[] = {
    {"gre.flags_and_version", "Flags and Version", FieldType::UInt16, Base::Hex},
    GRE_FLAG("gre.flags.checksum", "Checksum Bit", 0x8000),
    GRE_FLAG("gre.flags.routing", "Routing Bit", 0x4000),
    GRE_FLAG("gre.flags.key", "Key Bit", 0x2000),
    GRE_FLAG("gre.flags.sequence_number", "Sequence Number Bit", 0x1000),
    GRE_FLAG("gre.flags.strict_source_route", "Strict Source Route Bit", 0x0800),
    {"gre.flags.recursion_control", "Recursion control", FieldType::UInt16, Base::Dec, 0x0700},
    GRE_FLAG("gre.flags.ack", "Acknowledgment", 0x0080),
    {"gre.flags.reserved", "Flags (Reserved)", FieldType::UInt16, Base::Dec, 0x0078},
    {"gre.flags.version", "Version", FieldType::UInt16, Base::Dec, 0x0007, kVersionNames},
    // Version 0 has no A bit: Wireshark's reserved flags take its place.
    {"gre.flags.reserved", "Flags (Reserved)", FieldType::UInt16, Base::Dec, 0x00f8},
    {"gre.proto", "Protocol Type", FieldType::UInt16, Base::Hex, 0, kTypeNames},
    {"gre.checksum", "Checksum", FieldType::UInt16, Base::Hex},
    {"gre.checksum.status", "Checksum Status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"gre.offset", "Offset", FieldType::UInt16, Base::Dec},
    {"gre.key", "Key", FieldType::UInt32, Base::Hex},
    {"gre.key.payload_length", "Payload Length", FieldType::UInt16, Base::Dec},
    {"gre.key.call_id", "Call ID", FieldType::UInt16, Base::Dec},
    {"gre.sequence_number", "Sequence Number", FieldType::UInt32, Base::Dec},
    {"gre.ack_number", "Acknowledgment Number", FieldType::UInt32, Base::Dec},
    {"gre.routing", "Routing", FieldType::None},
    {"gre.routing.address_family", "Address Family", FieldType::UInt16, Base::Dec},
    {"gre.routing.sre_offset", "SRE Offset", FieldType::UInt8, Base::Dec},
    {"gre.routing.src_length", "SRE Length", FieldType::UInt8, Base::Dec},
    {"gre.routing.information", "Routing Information", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

#undef GRE_FLAG

enum E { ChecksumIncorrect, ECount };
constexpr FieldDef kExperts[] = {
    {"gre.checksum.incorrect", "Incorrect GRE Checksum", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;

// Wireshark writes an unknown type in upper-case hex here (`0x88A8 (unknown)`).
void appendUnknownType(std::string &out, uint16_t type)
{
    static constexpr char kDigits[] = "0123456789ABCDEF";
    out += "0x";
    for (int shift = 12; shift >= 0; shift -= 4)
        out += kDigits[(type >> shift) & 0xf];
}

void addChecksum(Dissection &d, Item gre, const Reader &r, bool present)
{
    Item sum = d.addUInt(gre, s_f[Checksum], r, 4, 2);
    const uint16_t value = r.u16(4);
    // RFC 2784 2.5: the checksum covers the GRE header and the payload. Verified only when
    // the C bit says it is there and every byte of the packet was captured.
    checksum::Status st = checksum::StatusUnverified;
    uint16_t expected = 0;
    if (present && r.captured() == r.reported()) {
        const uint16_t over =
            checksum::finish(checksum::add(0, r.ptr(0, r.captured()), r.captured()));
        st = over == 0 ? checksum::StatusGood : checksum::StatusBad;
        if (st == checksum::StatusBad) {
            // The value the field should hold: the sum with the field taken as zero.
            uint64_t s = checksum::add(0, r.ptr(0, 4), 4);
            s = checksum::add(s, r.ptr(6, r.captured() - 6), r.captured() - 6);
            expected = checksum::finish(s);
        }
    }
    if (sum)
        d.setText(sum, checksum::itemLabel(value, st, expected));
    if (st == checksum::StatusBad) {
        std::string msg = "Incorrect GRE Checksum [should be ";
        text::appendHex(msg, expected, 4);
        msg += ']';
        d.expert(sum, r, 4, 2, Severity::Warning, ExpertGroup::Protocol, msg, BadChecksum,
                 s_ei[ChecksumIncorrect]);
    }
    Item status = d.addGenerated(gre, s_f[ChecksumStatus], st);
    if (status)
        d.setText(status, "Checksum Status: " + std::string(nameOf(checksum::kStatusNames, st)));
}

/// RFC 1701 source route entries, up to the null SRE (family 0, length 0). Wireshark lists
/// each entry's fields beside its `Routing` item, not under it.
size_t addRouting(Dissection &d, Item gre, const Reader &r, size_t at)
{
    for (;;) {
        r.require(at, 4);
        const uint16_t family = r.u16(at);
        const uint8_t length = r.u8(at + 3);
        const size_t have = r.capturedFrom(at);
        d.addBytes(gre, s_f[Routing], r, at, 4 + size_t(length) < have ? 4 + size_t(length) : have);
        d.addUInt(gre, s_f[RoutingFamily], r, at, 2);
        d.addUInt(gre, s_f[RoutingSreOffset], r, at + 2, 1);
        d.addUInt(gre, s_f[RoutingSreLength], r, at + 3, 1);
        at += 4;
        if (family == 0 && length == 0)
            return at;
        d.addBytes(gre, s_f[RoutingInformation], r, at, length);
        at += length; // every step reads at least 4 bytes: the loop ends with the packet
    }
}

void dissectGre(Dissection &d, const Reader &r, Item parent)
{
    // Wireshark reads flags and type before naming the column: a shorter header leaves the
    // column to the IP layer, while the malformed mark names GRE.
    if (!r.has(0, 4)) {
        d.markLayerError(parent, r.frameOffset(r.captured()), r.reported() >= 4, "GRE");
        return;
    }
    d.setProtocol("GRE");
    const uint16_t flags = r.u16(0);
    const uint16_t type = r.u16(2);
    const uint8_t version = flags & 0x7;
    const bool enhanced = type == kPpp && version == 1; // RFC 2637 4.1: PPTP's header

    const std::string_view typeName = nameOf(kTypeNames, type);
    if (!d.columnsFrozen() && d.columns()) {
        std::string &info = d.info();
        info = "Encapsulated ";
        if (typeName.empty()) {
            appendUnknownType(info, type);
            info += " (unknown)";
        } else {
            info += typeName;
        }
    }

    Item gre = d.addProtocol(parent, s_f.protocol(), r, 0, 4);
    if (gre) {
        std::string label = "Generic Routing Encapsulation (";
        if (typeName.empty()) {
            appendUnknownType(label, type);
            label += " - unknown";
        } else {
            label += typeName;
        }
        label += ')';
        d.setText(gre, std::move(label));
    }
    Item fv = d.addUInt(gre, s_f[FlagsAndVersion], r, 0, 2);
    for (int f = FlagChecksum; f <= FlagRecursion; ++f)
        d.addUInt(fv, s_f[f], r, 0, 2);
    if (version == 1) {
        d.addUInt(fv, s_f[FlagAck], r, 0, 2);
        d.addUInt(fv, s_f[FlagReserved], r, 0, 2);
    } else {
        d.addUInt(fv, s_f[FlagReserved0], r, 0, 2);
    }
    d.addUInt(fv, s_f[FlagVersion], r, 0, 2);
    d.addUInt(gre, s_f[Proto], r, 2, 2);

    size_t at = 4;
    if (flags & (kChecksumBit | kRoutingBit)) {
        r.require(at, 4);
        addChecksum(d, gre, r, flags & kChecksumBit);
        d.addUInt(gre, s_f[Offset], r, 6, 2);
        at += 4;
        d.setLength(gre, at);
    }
    if (flags & kKeyBit) {
        if (enhanced) {
            d.addUInt(gre, s_f[PayloadLength], r, at, 2);
            d.addUInt(gre, s_f[CallId], r, at + 2, 2);
        } else {
            d.addUInt(gre, s_f[Key], r, at, 4);
        }
        at += 4;
        d.setLength(gre, at);
    }
    if (flags & kSequenceBit) {
        d.addUInt(gre, s_f[Sequence], r, at, 4);
        at += 4;
        d.setLength(gre, at);
    }
    if (enhanced && (flags & kAckBit)) {
        d.addUInt(gre, s_f[Ack], r, at, 4);
        at += 4;
        d.setLength(gre, at);
    }
    if (flags & kRoutingBit) {
        at = addRouting(d, gre, r, at);
        d.setLength(gre, at);
    }

    const Reader payload = r.sub(at);
    if (payload.reported() == 0)
        return; // PPTP sends acknowledgments alone, with no payload
    bool done = false;
    switch (type) {
    case 0x0800: // IPv4
    case 0x86dd: // IPv6
        // Wireshark's IPv4 and IPv6 dissectors start by clearing the Info column: an inner
        // packet cut before its own text shows none, not "Encapsulated IP". (Its Ethernet
        // dissector does not: there "Encapsulated ..." stays.)
        d.info().clear();
        done = d.dispatch(Table::EtherType, type, payload, parent);
        break;
    case kTransparentEthernet:
        d.call(dissectEthernetWithoutFcs, payload, parent);
        done = true;
        break;
    case 0x0806: // ARP
    case kPpp:   // PPP (ppp.cpp, by its ethertype)
        done = d.dispatch(Table::EtherType, type, payload, parent);
        break;
    default:
        break;
    }
    if (!done)
        d.data(payload, gre); // tshark shows an undissected payload under the GRE item
}

} // namespace

void register_gre(Registry &reg)
{
    s_f = reg.addProtocol({"gre", "GRE", "Generic Routing Encapsulation"}, kFields);
    s_ei = reg.addFields(kExperts);
    reg.addDissector(Table::IpProto, 47, dissectGre);
}

} // namespace pl::proto
