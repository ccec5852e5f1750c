// QUIC (IETF), the visible headers: long header packets (Initial, 0-RTT, Handshake, Retry),
// Version Negotiation and short (1-RTT) headers, several coalesced in one UDP datagram.
// Found by heuristic on any UDP port, as Wireshark does (QUIC has no default port there); a
// conversation once recognised stays QUIC. Nothing is decrypted: the payload (and, under
// header protection, the packet number) shows as data.
// Specification: RFC 9000 section 17 (packet formats), 16 (variable-length integers);
// RFC 8999 (version-independent properties); RFC 9369 (version 2 numbers).
//
//  Long header (RFC 9000 17.2):
//  +-+-+-+-+-+-+-+-+
//  |1|1|T T|X X X X|  form, fixed bit, type, type-specific bits
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Version (32)                          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | DCID Len (8)  |  Destination Connection ID (0..160) ...
//  | SCID Len (8)  |  Source Connection ID (0..160) ...
//  | Initial: Token Length (i), Token; Initial/0-RTT/Handshake: Length (i), Packet Number,
//  | Payload; Retry: Retry Token, Retry Integrity Tag (128); Version 0: Supported Versions
//  Short header (RFC 9000 17.3): |0|1|S|R R|K|P P| Destination Connection ID, PN, payload

#include "dissection.h"
#include "textformat.h"

#include <unordered_map>

namespace pl::proto {

namespace {

enum F {
    PacketLength,
    HeaderForm,
    FixedBit,
    LongPacketType,
    VnUnused,
    Version,
    Dcil,
    Dcid,
    Scil,
    Scid,
    TokenLength,
    Token,
    Length,
    SupportedVersion,
    RetryToken,
    RetryTag,
    Short,
    SpinBit,
    RemainingPayload,
    Count
};

constexpr ValueName kHeaderForms[] = {{0, "Short Header"}, {1, "Long Header"}};
constexpr ValueName kLongTypes[] = {{0, "Initial"}, {1, "0-RTT"}, {2, "Handshake"}, {3, "Retry"}};

constexpr FieldDef kFields[] = {
    {"quic.packet_length", "Packet Length", FieldType::UInt32, Base::Dec},
    {"quic.header_form", "Header Form", FieldType::UInt8, Base::Dec, 0x80, kHeaderForms},
    {"quic.fixed_bit", "Fixed Bit", FieldType::Boolean, Base::None, 0x40, {}, {}, "True", "False"},
    {"quic.long.packet_type", "Packet Type", FieldType::UInt8, Base::Dec, 0x30, kLongTypes},
    {"quic.vn.unused", "Unused", FieldType::UInt8, Base::Hex, 0x7f},
    {"quic.version", "Version", FieldType::UInt32, Base::Hex},
    {"quic.dcil", "Destination Connection ID Length", FieldType::UInt8, Base::Dec},
    {"quic.dcid", "Destination Connection ID", FieldType::Bytes},
    {"quic.scil", "Source Connection ID Length", FieldType::UInt8, Base::Dec},
    {"quic.scid", "Source Connection ID", FieldType::Bytes},
    {"quic.token_length", "Token Length", FieldType::UInt64, Base::Dec},
    {"quic.token", "Token", FieldType::Bytes},
    {"quic.length", "Length", FieldType::UInt64, Base::Dec},
    {"quic.supported_version", "Supported Version", FieldType::UInt32, Base::Hex},
    {"quic.retry_token", "Retry Token", FieldType::Bytes},
    {"quic.retry_integrity_tag", "Retry Integrity Tag", FieldType::Bytes},
    {"quic.short", "QUIC Short Header", FieldType::None},
    {"quic.spin_bit", "Spin Bit", FieldType::Boolean, Base::None, 0x20, {}, {}, "True", "False"},
    {"quic.remaining_payload", "Remaining Payload", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

// RFC 9000 17.2: a connection ID is at most 20 bytes in version 1.
constexpr size_t kMaxCid = 20;

// Wireshark's quic_draft_version(): which draft a version number speaks (0: not QUIC).
int draftOf(uint32_t v)
{
    if (v >> 8 == 0xff0000)
        return int(v & 0xff);
    if (v == 0xfaceb001)
        return 22;
    if (v == 0xfaceb002 || v == 0xfaceb00e)
        return 27;
    if ((v & 0x0f0f0f0f) == 0x0a0a0a0a) // RFC 9000 15: versions reserved to force negotiation
        return 29;
    if (v == 1)
        return 34;
    if (v == 0x709a50c4 || v == 0x6b3343cf) // version 2 (RFC 9369) and its last draft
        return 100;
    return 0;
}

// Wireshark's quic_version_vals (a range table): `Version: 1 (0x00000001)`.
std::string versionName(uint32_t v)
{
    struct Range
    {
        uint32_t lo, hi;
        std::string_view name;
    };
    static constexpr Range kRanges[] = {
        {0x0, 0x0, "Version Negotiation"},
        {0x1, 0x1, "1"},
        {0x45474700, 0x454747ff, "Quant"},
        {0x50435130, 0x50435131, "Picoquic internal"},
        {0x50524f58, 0x50524f58, "Proxied QUIC (PROX)"},
        {0x51303433, 0x51303433, "Google Q043"},
        {0x51303434, 0x51303434, "Google Q044"},
        {0x51303436, 0x51303436, "Google Q046"},
        {0x51303530, 0x51303530, "Google Q050"},
        {0x51474f00, 0x51474fff, "QGO (QUIC GO)"},
        {0x54303530, 0x54303530, "Google T050"},
        {0x54303531, 0x54303531, "Google T051"},
        {0x91c17000, 0x91c170ff, "Quicly"},
        {0xabcd0000, 0xabcd000f, "MsQuic"},
        {0xf0f0f0f0, 0xf0f0f0ff, "ETH Zürich (Measurability experiments)"},
        {0xf0f0f1f0, 0xf0f0f1ff, "Telecom Italia (Measurability experiments)"},
        {0xf123f0c0, 0xf123f0cf, "MozQuic"},
        {0xfaceb001, 0xfaceb001, "Facebook mvfst (draft-22)"},
        {0xfaceb002, 0xfaceb002, "Facebook mvfst (draft-27)"},
        {0xfaceb003, 0xfaceb00d, "Facebook mvfst"},
        {0xfaceb00e, 0xfaceb00e, "Facebook mvfst (Experimental)"},
        {0xfaceb00f, 0xfaceb00f, "Facebook mvfst"},
        {0xff020000, 0xff020000, "v2-draft-00"},
        {0x709a50c4, 0x709a50c4, "v2-draft-01"},
        {0x6b3343cf, 0x6b3343cf, "2"},
    };
    std::string s;
    if (v >= 0xff000004 && v <= 0xff000022) {
        s = "draft-";
        const uint32_t n = v & 0xff;
        if (n < 10)
            s += '0';
        text::appendUInt(s, n);
    } else {
        for (const Range &r : kRanges)
            if (v >= r.lo && v <= r.hi)
                s = r.name;
    }
    if (s.empty())
        s = "Unknown";
    s += " (";
    text::appendHex(s, v, 8);
    s += ')';
    if ((v & 0x0f0f0f0f) == 0x0a0a0a0a)
        s += " (GREASE)";
    return s;
}

void addVersion(Dissection &d, Item parent, int field, const Reader &r, size_t at)
{
    Item it = d.addUInt(parent, s_f[field], r, at, 4);
    if (it)
        d.setText(it, std::string(kFields[field].name) + ": " + versionName(r.u32(at)));
}

// RFC 9000 16: the two top bits give the length, 1, 2, 4 or 8 bytes. Adds the field.
uint64_t addVarint(Dissection &d, Item parent, int field, const Reader &r, size_t at, size_t &len)
{
    len = size_t(1) << (r.u8(at) >> 6);
    uint64_t v = r.uint(at, len) & (~uint64_t(0) >> (64 - 8 * len + 2));
    d.addValue(parent, s_f[field], r, at, len, v);
    return v;
}

struct State
{
    // udp.stream -> the first frame the heuristic recognised QUIC in (Wireshark's
    // conversation dissector: later datagrams of the conversation are QUIC too).
    std::unordered_map<uint32_t, uint64_t> convs;
};
constexpr size_t kMaxConvs = 65536;

void appendCid(std::string &s, const char *tag, const Reader &r, size_t at, size_t len)
{
    s += tag;
    text::appendHexBytes(s, r.ptr(at, len), len);
}

// Where the packet at the start of `r` ends, read without adding anything: the rest of the
// datagram for the packets without a Length field, and when a length lies (the dissection
// then finds the lie and marks it).
size_t packetEnd(const Reader &r)
{
    const size_t all = r.reported();
    if (!r.has(0, 6) || !(r.u8(0) & 0x80) || r.u32(1) == 0 || (r.u8(0) >> 4 & 3) == 3)
        return all;
    size_t at = 6 + r.u8(5);
    if (!r.has(at, 1))
        return all;
    at += 1 + r.u8(at);
    auto varint = [&](uint64_t &v) {
        if (!r.has(at, 1))
            return false;
        const size_t n = size_t(1) << (r.u8(at) >> 6);
        if (!r.has(at, n))
            return false;
        v = r.uint(at, n) & (~uint64_t(0) >> (64 - 8 * n + 2));
        at += n;
        return true;
    };
    uint64_t v = 0;
    if ((r.u8(0) >> 4 & 3) == 0) {
        if (!varint(v) || v > all - at)
            return all;
        at += size_t(v);
    }
    if (!varint(v) || v > all - at)
        return all;
    return at + size_t(v);
}

// One packet at the start of `r`; returns its length.
size_t dissectPacket(Dissection &d, const Reader &r, Item parent, bool firstInDatagram)
{
    const uint8_t first = r.u8(0);
    const size_t packetLen = packetEnd(r);
    Item quic = d.addProtocol(parent, s_f.protocol(), r, 0, packetLen);
    if (quic)
        d.setText(quic, "QUIC IETF");
    d.addGenerated(quic, s_f[PacketLength], packetLen);
    std::string *info = firstInDatagram && d.columns() ? &d.info() : nullptr;
    if (info)
        info->clear();

    if (!(first & 0x80)) {
        Item sh = d.addUInt(quic, s_f[Short], r, 0, 1);
        d.addUInt(sh, s_f[HeaderForm], r, 0, 1);
        d.addUInt(sh, s_f[FixedBit], r, 0, 1);
        d.addUInt(sh, s_f[SpinBit], r, 0, 1);
        // The DCID length is the connection's (not in the packet); the key phase bit is
        // under header protection: Wireshark without keys shows KP0.
        if (r.reported() > 1)
            d.addBytes(quic, s_f[RemainingPayload], r, 1, r.reported() - 1);
        if (info)
            *info = "Protected Payload (KP0)";
        return r.reported();
    }

    const uint32_t version = r.u32(1);
    const uint8_t type = (first >> 4) & 3;
    d.addUInt(quic, s_f[HeaderForm], r, 0, 1);
    if (version == 0) {
        d.addUInt(quic, s_f[VnUnused], r, 0, 1);
    } else {
        if (type != 3)
            d.addUInt(quic, s_f[FixedBit], r, 0, 1);
        d.addUInt(quic, s_f[LongPacketType], r, 0, 1);
    }
    addVersion(d, quic, Version, r, 1);
    size_t at = 5;
    const size_t dcil = r.u8(at);
    d.addUInt(quic, s_f[Dcil], r, at, 1);
    ++at;
    if (dcil > 0)
        d.addBytes(quic, s_f[Dcid], r, at, dcil);
    const size_t dcidAt = at;
    at += dcil;
    const size_t scil = r.u8(at);
    d.addUInt(quic, s_f[Scil], r, at, 1);
    ++at;
    if (scil > 0)
        d.addBytes(quic, s_f[Scid], r, at, scil);
    const size_t scidAt = at;
    at += scil;
    if (info) {
        *info = version == 0 ? std::string_view("Version Negotiation") : nameOf(kLongTypes, type);
        appendCid(*info, ", DCID=", r, dcidAt, dcil);
        if (scil > 0)
            appendCid(*info, ", SCID=", r, scidAt, scil);
    }

    size_t end = r.reported();
    if (version == 0) {
        for (; at + 4 <= end; at += 4)
            addVersion(d, quic, SupportedVersion, r, at);
    } else if (type == 3) {
        // Retry: the token runs to the 16-byte integrity tag at the end (RFC 9000 17.2.5).
        if (end < at + 16)
            r.require(at, 16); // fewer bytes than the tag: malformed
        if (end - 16 > at)
            d.addBytes(quic, s_f[RetryToken], r, at, end - 16 - at);
        d.addBytes(quic, s_f[RetryTag], r, end - 16, 16);
    } else {
        size_t n = 0;
        if (type == 0) {
            const uint64_t tokenLen = addVarint(d, quic, TokenLength, r, at, n);
            at += n;
            if (tokenLen > r.reportedFrom(at))
                r.require(at, r.reported()); // a token past the datagram: malformed
            if (tokenLen > 0)
                d.addBytes(quic, s_f[Token], r, at, size_t(tokenLen));
            at += size_t(tokenLen);
        }
        const uint64_t len = addVarint(d, quic, Length, r, at, n);
        at += n;
        if (len > r.reportedFrom(at))
            r.require(at, r.reported()); // a Length past the datagram: malformed
        // Packet number and payload are protected (RFC 9001 5.4): shown as they are.
        if (len > 0)
            d.addBytes(quic, s_f[RemainingPayload], r, at, size_t(len));
        end = at + size_t(len);
    }
    return end;
}

void dissectQuic(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("QUIC");
    size_t at = 0;
    bool first = true;
    // Coalesced packets (RFC 9000 12.2): each long header packet with a Length may be
    // followed by another; a short header packet or zero padding ends the datagram.
    while (at < r.reported() && r.capturedFrom(at) > 0) {
        if (!first && r.u8(at) == 0)
            break;
        const size_t len = dissectPacket(d, r.sub(at), parent, first);
        if (len == 0)
            break;
        at += len;
        first = false;
    }
}

bool looksLikeLongHeader(const Reader &r)
{
    if (r.captured() < 13 || !(r.u8(0) & 0x80) || draftOf(r.u32(1)) < 11)
        return false;
    const size_t dcil = r.u8(5);
    if (dcil > kMaxCid || 6 + dcil >= r.captured())
        return false;
    return r.u8(6 + dcil) <= kMaxCid;
}

bool heuristicQuic(Dissection &d, const Reader &r, Item parent)
{
    if (d.transport.proto != 17 || r.captured() == 0)
        return false;
    State &st = d.session().state<State>();
    auto it = st.convs.find(d.transport.stream);
    const bool known = it != st.convs.end() && d.frame().number >= it->second;
    if (!known) {
        if (!looksLikeLongHeader(r))
            return false;
        if (!d.revisit()) {
            if (st.convs.size() >= kMaxConvs)
                st.convs.clear();
            st.convs.emplace(d.transport.stream, d.frame().number);
        }
    }
    dissectQuic(d, r, parent);
    return true;
}

} // namespace

void register_quic(Registry &reg)
{
    s_f = reg.addProtocol({"quic", "QUIC", "QUIC IETF"}, kFields);
    // A conversation recognised once stays QUIC (Version Negotiation, short headers).
    reg.setCrossFrame(s_f.protocol());
    for (int f = 0; f < Count; ++f)
        reg.setCrossFrame(s_f[f]);
    reg.addHeuristic(Table::UdpPort, heuristicQuic);
}

} // namespace pl::proto
