// Internet Group Management Protocol (IP protocol 2), versions 1 to 3.
// Specification: RFC 1112 appendix I (IGMPv1), RFC 2236 (IGMPv2), RFC 3376 sections 4.1 and
// 4.2 (IGMPv3 query and report). Version detection per RFC 3376 section 7.1: a query of 12
// or more bytes is IGMPv3, a shorter one with a zero Max Resp Code IGMPv1, else IGMPv2.
//
//   IGMPv1/v2 (8 bytes)
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      | Max Resp Time |           Checksum            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Group Address                         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   IGMPv3 query (type 0x11): the above, then
//  | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |
//  |                 Source Address [1 .. N]                       |
//
//   IGMPv3 report (type 0x22)
//  |  Type = 0x22  |    Reserved   |           Checksum            |
//  |           Reserved            |  Number of Group Records (M)  |
//  |  Group Record [1 .. M]: Record Type | Aux Data Len | Number of Sources (N)
//  |                         Multicast Address
//  |                         Source Address [1 .. N]
//  |                         Auxiliary Data (Aux Data Len 32-bit words)
//
// Counts (sources, records) are never trusted: each step reads through the Reader, so a
// count past the end stops at the bytes with a malformed mark, as in Wireshark.

#include "checksum.h"
#include "dissection.h"
#include "textformat.h"

#include <cstdio>

namespace pl::proto {

namespace {

// clang-format off
enum F {
    Version, Type, Reserved, Checksum, ChecksumStatus, MaxResp, MaxRespExp, MaxRespMant, Maddr,
    S, Qrv, Qqic, NumSrc, Saddr, NumGrpRecs, RecordType, AuxDataLen, AuxData, Data, Count,
};
// clang-format on

enum IgmpType : uint8_t {
    Query = 0x11,
    V1Report = 0x12,
    V2Report = 0x16,
    V2Leave = 0x17,
    V3Report = 0x22,
};

constexpr ValueName kTypeNames[] = {
    {0x11, "Membership Query"},  {0x12, "Membership Report"}, {0x13, "DVMRP"},
    {0x16, "Membership Report"}, {0x17, "Leave Group"},       {0x22, "Membership Report"},
};

enum RecordKind : uint8_t {
    ModeIsInclude = 1,
    ModeIsExclude,
    ChangeToInclude,
    ChangeToExclude,
    AllowNewSources,
    BlockOldSources,
};

constexpr ValueName kRecordTypeNames[] = {
    {1, "Mode Is Include"},        {2, "Mode Is Exclude"},   {3, "Change To Include Mode"},
    {4, "Change To Exclude Mode"}, {5, "Allow New Sources"}, {6, "Block Old Sources"},
};

constexpr FieldDef kFields[] = {
    {"igmp.version", "IGMP Version", FieldType::UInt8, Base::Dec},
    {"igmp.type", "Type", FieldType::UInt8, Base::Hex, 0, kTypeNames},
    {"igmp.reserved", "Reserved", FieldType::Bytes},
    {"igmp.checksum", "Checksum", FieldType::UInt16, Base::Hex},
    {"igmp.checksum.status", "Checksum Status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"igmp.max_resp", "Max Resp Time", FieldType::UInt8, Base::Dec},
    {"igmp.max_resp.exp", "Exponent", FieldType::UInt8, Base::Hex, 0x70},
    {"igmp.max_resp.mant", "Mantissa", FieldType::UInt8, Base::Hex, 0x0f},
    {"igmp.maddr", "Multicast Address", FieldType::IPv4},
    {"igmp.s",
     "S",
     FieldType::Boolean,
     Base::None,
     0x08,
     {},
     {},
     "SUPPRESS router side processing",
     "Do not suppress router side processing"},
    {"igmp.qrv", "QRV", FieldType::UInt8, Base::Dec, 0x07},
    {"igmp.qqic", "QQIC", FieldType::UInt8, Base::Dec},
    {"igmp.num_src", "Num Src", FieldType::UInt16, Base::Dec},
    {"igmp.saddr", "Source Address", FieldType::IPv4},
    {"igmp.num_grp_recs", "Num Group Records", FieldType::UInt16, Base::Dec},
    {"igmp.record_type", "Record Type", FieldType::UInt8, Base::Dec, 0, kRecordTypeNames},
    {"igmp.aux_data_len", "Aux Data Len", FieldType::UInt8, Base::Dec},
    {"igmp.aux_data", "Aux Data", FieldType::Bytes},
    {"igmp.data", "Data", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

enum E { BadChecksum_, ECount };
constexpr FieldDef kExperts[] = {
    {"igmp.bad_checksum", "Bad checksum", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;

void appendAddress(std::string &out, const Reader &r, size_t at)
{
    text::appendIPv4(out, r.ptr(at, 4));
}

/// The checksum covers the whole IGMP message (RFC 2236 section 2.3, RFC 3376 4.1.2);
/// verified only when every byte of it was captured.
void addChecksum(Dissection &d, Item igmp, const Reader &r)
{
    Item sum = d.addUInt(igmp, s_f[Checksum], r, 2, 2);
    const uint16_t value = r.u16(2);
    checksum::Status st = checksum::StatusUnverified;
    uint16_t expected = 0;
    if (d.prefs.verifyChecksums && r.captured() == r.reported()) {
        const size_t n = r.captured();
        st = checksum::finish(checksum::add(0, r.ptr(0, n), n)) == 0 ? checksum::StatusGood
                                                                     : checksum::StatusBad;
        if (st == checksum::StatusBad) {
            uint64_t s = checksum::add(0, r.ptr(0, 2), 2);
            s = checksum::add(s, r.ptr(4, n - 4), n - 4);
            expected = checksum::finish(s);
        }
    }
    if (sum)
        d.setText(sum, checksum::itemLabel(value, st, expected));
    if (st == checksum::StatusBad)
        d.expert(sum, r, 2, 2, Severity::Error, ExpertGroup::Checksum, checksum::badText(expected),
                 BadChecksum, s_ei[BadChecksum_]);
    Item status = d.addGenerated(igmp, s_f[ChecksumStatus], st);
    if (status)
        d.setText(status, "Checksum Status: " + std::string(nameOf(checksum::kStatusNames, st)));
}

/// `Max Resp Time: 10.0 sec (0x64)`: the time in tenths of a second, then the code.
void setMaxRespLabel(Dissection &d, Item it, uint32_t tenths, uint8_t code)
{
    if (!it)
        return;
    char buf[64];
    const int n = snprintf(buf, sizeof buf, "Max Resp Time: %u.%u sec (0x%02x)", tenths / 10,
                           tenths % 10, code);
    d.setText(it, std::string(buf, size_t(n > 0 ? n : 0)));
}

void setVersion(Dissection &d, Item igmp, uint8_t version)
{
    static constexpr std::string_view kNames[] = {"IGMP", "IGMPv1", "IGMPv2", "IGMPv3"};
    d.setProtocol(kNames[version]);
    d.addGenerated(igmp, s_f[Version], version);
}

void dissectV1(Dissection &d, Item igmp, const Reader &r, uint8_t type)
{
    d.info() = nameOf(kTypeNames, type);
    d.addBytes(igmp, s_f[Reserved], r, 1, 1);
    addChecksum(d, igmp, r);
    d.addBytes(igmp, s_f[Maddr], r, 4, 4);
}

void dissectV2(Dissection &d, Item igmp, const Reader &r, uint8_t type)
{
    std::string &info = d.info();
    info = nameOf(kTypeNames, type);
    const uint8_t code = r.u8(1);
    setMaxRespLabel(d, d.addUInt(igmp, s_f[MaxResp], r, 1, 1), code, code);
    addChecksum(d, igmp, r);
    d.addBytes(igmp, s_f[Maddr], r, 4, 4);
    if (!d.columns())
        return;
    if (type == Query) {
        if (r.u32(4) == 0) {
            info += ", general";
        } else {
            info += ", specific for group ";
            appendAddress(info, r, 4);
        }
    } else {
        info += type == V2Leave ? " " : " group ";
        appendAddress(info, r, 4);
    }
}

/// Adds `count` source addresses from `at` and lists them in the Info column as
/// `{a, b}`, each written as it is read so a count past the end leaves `{a, ` there.
size_t addSources(Dissection &d, Item parent, const Reader &r, size_t at, uint16_t count)
{
    std::string &info = d.info();
    for (uint32_t i = 0; i < count; ++i, at += 4) {
        d.addBytes(parent, s_f[Saddr], r, at, 4);
        if (d.columns()) {
            appendAddress(info, r, at);
            info += i + 1 < count ? ", " : "}";
        }
    }
    return at;
}

void dissectV3Query(Dissection &d, Item igmp, const Reader &r)
{
    std::string &info = d.info();
    info = "Membership Query";
    // RFC 3376 4.1.1: codes from 128 are a floating point value, (mant | 0x10) << (exp + 3).
    const uint8_t code = r.u8(1);
    const uint32_t tenths =
        code < 128 ? code : uint32_t((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
    Item resp = d.addValue(igmp, s_f[MaxResp], r, 1, 1, tenths);
    setMaxRespLabel(d, resp, tenths, code);
    if (code >= 128) {
        d.addUInt(resp, s_f[MaxRespExp], r, 1, 1);
        d.addUInt(resp, s_f[MaxRespMant], r, 1, 1);
    }
    addChecksum(d, igmp, r);
    d.addBytes(igmp, s_f[Maddr], r, 4, 4);
    d.addUInt(igmp, s_f[S], r, 8, 1);
    d.addUInt(igmp, s_f[Qrv], r, 8, 1);
    d.addUInt(igmp, s_f[Qqic], r, 9, 1);
    d.addUInt(igmp, s_f[NumSrc], r, 10, 2);
    // Wireshark writes the group text once the fixed part is read (a capture cut before the
    // source count leaves `Membership Query` alone).
    if (d.columns()) {
        if (r.u32(4) == 0) {
            info += ", general";
        } else {
            info += ", specific for group ";
            appendAddress(info, r, 4);
        }
    }
    const uint16_t num = r.u16(10);
    if (num && d.columns())
        info += num > 1 ? ", sources {" : ", source {";
    addSources(d, igmp, r, 12, num);
}

/// Wireshark's Info text for a group record (before its sources, if any).
void appendRecordInfo(std::string &info, const Reader &r, size_t maddrAt, uint8_t type,
                      uint16_t num)
{
    info += " / ";
    const bool many = num > 1;
    const auto group = [&](std::string_view before) {
        info += before;
        appendAddress(info, r, maddrAt);
    };
    if (num == 0) {
        switch (type) {
        case ModeIsInclude:
        case ChangeToInclude:
            group("Leave group ");
            break;
        case ModeIsExclude:
        case ChangeToExclude:
            group("Join group ");
            info += " for any sources";
            break;
        case AllowNewSources:
            group("Group ");
            info += ", ALLOW_NEW_SOURCES but no source specified (?)";
            break;
        case BlockOldSources:
            group("Group ");
            info += ", BLOCK_OLD_SOURCES but no source specified (?)";
            break;
        default:
            group("Group ");
            info += ", unknown record type (?)";
            break;
        }
        return;
    }
    switch (type) {
    case ModeIsInclude:
    case ChangeToInclude:
        group("Join group ");
        info += many ? " for sources in {" : " for source {";
        break;
    case ModeIsExclude:
    case ChangeToExclude:
        group("Join group ");
        info += many ? ", for sources not in {" : ", for source not {";
        break;
    case AllowNewSources:
        group("Group ");
        info += many ? ", new sources {" : ", new source {";
        break;
    case BlockOldSources:
        group("Group ");
        info += many ? ", block sources {" : ", block source {";
        break;
    default:
        group("Group ");
        info += ", unknown record type (?), sources {";
        break;
    }
}

void dissectV3Report(Dissection &d, Item igmp, const Reader &r)
{
    d.info() = "Membership Report";
    d.addBytes(igmp, s_f[Reserved], r, 1, 1);
    addChecksum(d, igmp, r);
    d.addBytes(igmp, s_f[Reserved], r, 4, 2);
    d.addUInt(igmp, s_f[NumGrpRecs], r, 6, 2);
    const uint16_t records = r.u16(6);
    size_t at = 8;
    for (uint32_t i = 0; i < records; ++i) {
        // Each record reads at least its 8-byte header: a count past the end stops here.
        r.require(at, 8);
        const uint8_t type = r.u8(at);
        const uint8_t aux = r.u8(at + 1);
        const uint16_t num = r.u16(at + 2);
        const size_t len = 8 + 4 * size_t(num) + 4 * size_t(aux);
        Item rec;
        if (igmp) {
            std::string label = "Group Record : ";
            appendAddress(label, r, at + 4);
            label += "  ";
            label += nameOf(kRecordTypeNames, type);
            rec = d.addText(igmp, r, at, len, std::move(label));
        }
        d.addUInt(rec, s_f[RecordType], r, at, 1);
        d.addUInt(rec, s_f[AuxDataLen], r, at + 1, 1);
        d.addUInt(rec, s_f[NumSrc], r, at + 2, 2);
        d.addBytes(rec, s_f[Maddr], r, at + 4, 4);
        if (d.columns())
            appendRecordInfo(d.info(), r, at + 4, type, num);
        at = addSources(d, rec, r, at + 8, num);
        if (aux) {
            d.addBytes(rec, s_f[AuxData], r, at, 4 * size_t(aux));
            at += 4 * size_t(aux);
        }
    }
}

void dissectMessage(Dissection &d, const Reader &r, Item parent)
{
    // Wireshark reads what decides the version before it adds the IGMP item and names the
    // column: a capture cut there leaves both to the IP layer (the mark still names IGMP).
    const uint8_t type = r.u8(0);
    uint8_t version = 0;
    switch (type) {
    case Query:
        version = r.reported() >= 12 ? 3 : (r.u8(1) == 0 ? 1 : 2);
        break;
    case V1Report:
        version = 1;
        break;
    case V2Report:
    case V2Leave:
        version = 2;
        break;
    case V3Report:
        version = 3;
        break;
    default:
        break;
    }
    d.setProtocol("IGMP");
    Item igmp = d.addProtocol(parent, s_f.protocol(), r, 0, r.reported());
    if (version == 0) {
        // DVMRP, PIMv1, mtrace and IGMPv0 share the protocol number; not dissected here.
        if (d.columns()) {
            std::string &info = d.info();
            info = "Unknown Type:";
            text::appendHex(info, type, 2);
        }
        d.addUInt(igmp, s_f[Type], r, 0, 1);
        // The captured rest: a cut capture is no error here (as in Wireshark).
        if (r.captured() > 1)
            d.addBytes(igmp, s_f[Data], r, 1, r.captured() - 1);
        return;
    }
    setVersion(d, igmp, version);
    d.addUInt(igmp, s_f[Type], r, 0, 1);
    if (version == 1)
        dissectV1(d, igmp, r, type);
    else if (version == 2)
        dissectV2(d, igmp, r, type);
    else if (type == Query)
        dissectV3Query(d, igmp, r);
    else
        dissectV3Report(d, igmp, r);
}

void dissectIgmp(Dissection &d, const Reader &r, Item parent)
{
    // The Protocol column names the version (`IGMPv3`) but Wireshark's malformed mark names
    // the layer `IGMP`: bounds errors are caught here to write the mark by hand.
    if (r.reported() == 0)
        return; // tshark shows nothing for an empty IGMP payload, not even a mark
    try {
        dissectMessage(d, r, parent);
    } catch (const BoundsError &e) {
        d.markLayerError(parent, e.frameOffset, e.kind == BoundsError::Kind::Truncated, "IGMP");
    }
}

} // namespace

void register_igmp(Registry &reg)
{
    s_f = reg.addProtocol({"igmp", "IGMP", "Internet Group Management Protocol"}, kFields);
    s_ei = reg.addFields(kExperts);
    reg.addDissector(Table::IpProto, 2, dissectIgmp);
}

} // namespace pl::proto
