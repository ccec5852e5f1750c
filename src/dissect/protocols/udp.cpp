// UDP, the User Datagram Protocol (IP protocol 17).
// Specification: RFC 768; checksum over the IPv6 pseudo-header and the ban on a zero
// checksum over IPv6: RFC 8200 section 8.1.
//
//   0      7 8     15 16    23 24    31
//  +--------+--------+--------+--------+
//  |     Source      |   Destination   |
//  |      Port       |      Port       |
//  +--------+--------+--------+--------+
//  |                 |                 |
//  |     Length      |    Checksum     |
//  +--------+--------+--------+--------+
//  |          data octets ...
//  +---------------- ...

#include "checksum.h"
#include "dissection.h"
#include "tcpconversations.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F {
    SrcPort,
    DstPort,
    Port,
    Length,
    Checksum,
    ChecksumCalc,
    ChecksumStatus,
    Stream,
    Payload,
    Count
};

// Wireshark's proto_checksum_enum_e.

constexpr FieldDef kFields[] = {
    {"udp.srcport", "Source Port", FieldType::UInt16, Base::Dec},
    {"udp.dstport", "Destination Port", FieldType::UInt16, Base::Dec},
    {"udp.port", "Source or Destination Port", FieldType::UInt16, Base::Dec},
    {"udp.length", "Length", FieldType::UInt16, Base::Dec},
    {"udp.checksum", "Checksum", FieldType::UInt16, Base::Hex},
    {"udp.checksum_calculated", "Calculated Checksum", FieldType::UInt16, Base::Hex},
    {"udp.checksum.status", "Checksum Status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"udp.stream", "Stream index", FieldType::UInt32, Base::Dec},
    {"udp.payload", "Payload", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E { LengthBad, ChecksumZero, ChecksumBad, ECount };
constexpr FieldDef kExperts[] = {
    {"udp.length.bad", "Bad length value", FieldType::None},
    {"udp.checksum.zero", "Illegal checksum value (0)", FieldType::None},
    {"udp.checksum.bad", "Bad checksum", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;

struct UdpConversation
{
};
using UdpConversations = ConversationTable<UdpConversation>;

void addStatus(Dissection &d, Item parent, checksum::Status st)
{
    Item it = d.addGenerated(parent, s_f[ChecksumStatus], st);
    if (it)
        d.setText(it, "Checksum Status: " + std::string(nameOf(checksum::kStatusNames, st)));
}

/// udp.stream per frame, for revisits (a type of its own: Session keys state by type).
struct UdpStreamLog : FrameLog<uint32_t>
{
};

void dissectUdp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("UDP");
    // Inside an ICMP error only part of the datagram is usually quoted. Like Wireshark,
    // verify the checksum and name the stream when the whole datagram is there.
    const bool quoted = d.columnsFrozen();
    const uint16_t sport = r.u16(0), dport = r.u16(2);

    Item udp = d.addProtocol(parent, s_f.protocol(), r, 0, 8);
    if (udp)
        d.setText(udp, "User Datagram Protocol, Src Port: " + text::uintString(sport) +
                           ", Dst Port: " + text::uintString(dport));
    d.addUInt(udp, s_f[SrcPort], r, 0, 2);
    d.addUInt(udp, s_f[DstPort], r, 2, 2);
    d.flag(d.addUInt(udp, s_f[Port], r, 0, 2), Hidden);
    d.flag(d.addUInt(udp, s_f[Port], r, 2, 2), Hidden);
    std::string &info = d.info();
    info.clear();
    text::appendUInt(info, sport);
    info += " \xe2\x86\x92 "; // U+2192, as Wireshark writes it
    text::appendUInt(info, dport);

    if (quoted && !r.has(0, 8))
        return; // a quoted header cut short is expected, not an error

    const uint16_t length = r.u16(4);
    const size_t ipPayload = r.reported();
    Item len = d.addUInt(udp, s_f[Length], r, 4, 2);
    if (length < 8) {
        d.setText(len, "Length: " + text::uintString(length) + " (bogus, must be >= 8)");
        d.expert(len, r, 4, 2, Severity::Error, ExpertGroup::Malformed,
                 "Bad length value " + text::uintString(length) + " < 8", Malformed,
                 s_ei[LengthBad]);
        info += " [BAD UDP LENGTH " + text::uintString(length) + " < 8]";
        return;
    }
    const bool tooLong = length > ipPayload;
    if (tooLong && !quoted) {
        d.setText(len, "Length: " + text::uintString(length) + " (bogus, payload length " +
                           text::uintString(ipPayload) + ")");
        d.expert(len, r, 4, 2, Severity::Error, ExpertGroup::Malformed,
                 "Bad length value " + text::uintString(length) + " > IP payload length", Malformed,
                 s_ei[LengthBad]);
        info += " [BAD UDP LENGTH " + text::uintString(length) + " > IP PAYLOAD LENGTH]";
    }
    info += " Len=";
    text::appendUInt(info, length - 8u);

    // The datagram is `length` bytes; what the IP layer carries beyond that is padding.
    const Reader dgram = r.sub(0, length);

    const uint16_t cksum = r.u16(6);
    Item ck = d.addUInt(udp, s_f[Checksum], r, 6, 2);
    std::string hex;
    if (ck)
        text::appendHex(hex, cksum, 4);
    if (cksum == 0 && d.net.version != 6) {
        // RFC 768: zero means the sender computed none.
        if (ck)
            d.setText(ck, "Checksum: " + hex + " [zero-value ignored]");
        addStatus(d, ck, checksum::StatusNotPresent);
    } else if (cksum == 0 && !quoted) {
        // RFC 8200 8.1: over IPv6 the checksum is mandatory.
        if (ck)
            d.setText(ck, "Checksum: " + hex + " [zero-value illegal]");
        d.expert(ck, r, 6, 2, Severity::Error, ExpertGroup::Protocol, "Illegal checksum value (0)",
                 0, s_ei[ChecksumZero]);
        d.flag(ck, BadChecksum);
        addStatus(d, ck, checksum::StatusIllegal);
        info += " [ILLEGAL CHECKSUM (0)]";
    } else if (d.prefs.verifyChecksums && !tooLong && (d.net.version == 4 || d.net.version == 6) &&
               dgram.captured() == length) {
        uint64_t sum = checksum::pseudoHeader(d.net.version, d.net.src, d.net.dst, 17, length);
        sum = checksum::add(sum, dgram.ptr(0, 6), 6);
        sum = checksum::add(sum, dgram.ptr(8, length - 8), length - 8);
        uint16_t calc = checksum::finish(sum);
        if (calc == 0)
            calc = 0xffff; // RFC 768: a computed zero is sent as all ones
        const bool good = calc == cksum;
        std::string calcHex;
        text::appendHex(calcHex, calc, 4);
        if (good) {
            if (ck)
                d.setText(ck, "Checksum: " + hex + " [correct]");
        } else {
            if (ck)
                d.setText(ck, "Checksum: " + hex + " incorrect, should be " + calcHex +
                                  " (maybe caused by \"UDP checksum offload\"?)");
            d.expert(ck, r, 6, 2, Severity::Error, ExpertGroup::Checksum, checksum::badText(calc),
                     0, s_ei[ChecksumBad]);
            d.flag(ck, BadChecksum);
        }
        d.addGenerated(ck, s_f[ChecksumCalc], calc);
        addStatus(d, udp, good ? checksum::StatusGood : checksum::StatusBad);
    } else {
        if (ck)
            d.setText(ck, "Checksum: " + hex + " [unverified]");
        addStatus(d, udp, checksum::StatusUnverified);
    }

    {
        // The stream index as the first pass numbered it, also when the frame comes again.
        auto &log = d.session().state<UdpStreamLog>();
        const uint32_t *logged = d.logged(log);
        uint32_t index = 0;
        if (logged) {
            index = *logged;
        } else {
            bool reversed = false, created = false;
            const ConversationKey key = ConversationKey::make(d.net, sport, dport, reversed);
            index = d.session().state<UdpConversations>().findOrCreate(key, created).index;
            if (d.recording())
                log.record(d.frame().number, index);
        }
        d.addGenerated(udp, s_f[Stream], index);
        d.transport = {17, sport, dport, index};
    }

    const Reader payload = dgram.sub(8);
    if (payload.reported() == 0)
        return;
    if ((udp || d.interest()) && r.capturedFrom(8) > 0) {
        // Wireshark's udp.payload spans the whole IP payload after the header, even when
        // the UDP length is shorter; the label and the next layer use the UDP length.
        Item pl = d.addBytes(udp, s_f[Payload], r, 8, r.capturedFrom(8));
        if (pl)
            d.setText(pl, "UDP payload (" + text::uintString(payload.reported()) + " bytes)");
    }
    if (!d.dispatchPorts(Table::UdpPort, sport, dport, payload, parent) &&
        !d.tryHeuristics(Table::UdpPort, payload, parent))
        d.data(payload, parent);
}

} // namespace

void register_udp(Registry &reg)
{
    s_f = reg.addProtocol({"udp", "UDP", "User Datagram Protocol"}, kFields);
    reg.setCrossConversation(s_f[Stream]); // numbered in the order conversations appear
    s_ei = reg.addFields(kExperts);
    reg.addDissector(Table::IpProto, 17, dissectUdp);
}

} // namespace pl::proto
