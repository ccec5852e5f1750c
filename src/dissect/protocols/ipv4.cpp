// Internet Protocol version 4 (ethertype 0x0800; IP protocol 4 for IP-in-IP).
// Specification: RFC 791 (header, options), RFC 2474/3168 (DS field and ECN), RFC 2113 (Router
// Alert), RFC 1108 (Security option), RFC 1071 (header checksum).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Version|  IHL  |    DSCP   |ECN|          Total Length         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Identification        |Flags|      Fragment Offset    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Time to Live |    Protocol   |         Header Checksum       |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                       Source Address                          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Destination Address                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Options (IHL > 5)          |    Padding    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Options are type-length-value except EOL (0) and NOP (1), which are one byte. Fragments
// (RFC 791 3.2, More Fragments or an offset) are reassembled per (src, dst, id, protocol) as
// Wireshark does (fragmentreassembler.h): the fragment that completes a datagram dissects its
// payload from a `Reassembled IPv4 (N bytes)` data source; the others show their bytes as data
// and, once known (a revisit), `[Reassembled in #N]`.

#include "checksum.h"
#include "dissection.h"
#include "dscp.h"
#include "fragmentreassembler.h"
#include "ipprotos.h"
#include "session.h"
#include "textformat.h"

#include <cstring>

namespace pl::proto {

namespace {

// clang-format off
enum F {
    Version, HdrLen, DsField, Dscp, Ecn, Len, Id, Flags, FlagRb, FlagDf, FlagMf, FragOffset, Ttl,
    Proto, Checksum, ChecksumCalc, ChecksumStatus, Src, Dst, Addr, CurRt, OptType, OptCopy,
    OptClass, OptNumber, OptLen, OptPtr, RecRt, EmptyRt, SrcRt, OptRa, OptSid, OptOverflow,
    OptFlag, OptTimeStamp, OptTimeStampAddr, SecSec, SecComp, SecHr, SecTcc, SecCl, SecAuthFlags,
    SecGenser, SecSiopEsi, SecSci, SecNsa, SecDoe, SecUnassigned, SecFti, CipsoDoi, Count,
};
// clang-format on

// The short forms Wireshark puts in the DS field's summary line.
constexpr ValueName kDscpShort[] = {
    {0, "CS0"},   {1, "LE"},           {8, "CS1"},   {10, "AF11"}, {12, "AF12"}, {14, "AF13"},
    {16, "CS2"},  {18, "AF21"},        {20, "AF22"}, {22, "AF23"}, {24, "CS3"},  {26, "AF31"},
    {28, "AF32"}, {30, "AF33"},        {32, "CS4"},  {34, "AF41"}, {36, "AF42"}, {38, "AF43"},
    {40, "CS5"},  {44, "VOICE-ADMIT"}, {46, "EF"},   {48, "CS6"},  {56, "CS7"},
};

constexpr ValueName kOptClassNames[] = {
    {0, "Control"},
    {1, "Reserved for future use"},
    {2, "Debugging and measurement"},
    {3, "Reserved for future use"},
};

constexpr ValueName kOptNumberNames[] = {
    {0, "End of Option List (EOL)"},
    {1, "No-Operation (NOP)"},
    {2, "Security"},
    {3, "Loose source route"},
    {4, "Time stamp"},
    {5, "Extended security"},
    {6, "Commercial IP security option"},
    {7, "Record route"},
    {8, "Stream identifier"},
    {9, "Strict source route"},
    {10, "Experimental Measurement"},
    {11, "MTU probe"},
    {12, "MTU Reply"},
    {13, "Experimental Flow Control"},
    {14, "Experimental Access Control"},
    {15, "Ask Estrin"},
    {16, "IMI Traffic Descriptor"},
    {17, "Extended Internet Protocol"},
    {18, "Traceroute"},
    {19, "Address Extension"},
    {20, "Router Alert"},
    {21, "Selective Directed Broadcast"},
    {22, "Unassigned"},
    {23, "Dynamic Packet State"},
    {24, "Upstream Multicast Packet"},
    {25, "Quick-Start"},
    {30, "RFC 3692-style experiment"},
};

constexpr ValueName kTsFlagNames[] = {
    {0, "Time stamps only"},
    {1, "Time stamp and address"},
    {3, "Time stamps for prespecified addresses"},
};

constexpr ValueName kSecNames[] = {
    {0x0000, "Unclassified"}, {0xf135, "Confidential"}, {0x789a, "EFTO"},
    {0xbc4d, "MMMM"},         {0x5e26, "PROG"},         {0xaf13, "Restricted"},
    {0xd788, "Secret"},       {0x6bc5, "Top secret"},   {0x35e2, "Reserved"},
    {0x9af1, "Reserved"},     {0x4d78, "Reserved"},     {0x24bd, "Reserved"},
    {0x135e, "Reserved"},     {0x89af, "Reserved"},     {0xc4d6, "Reserved"},
    {0xe26b, "Reserved"},
};

constexpr ValueName kSecClNames[] = {
    {0x01, "Reserved 4"}, {0x3d, "Top secret"}, {0x5a, "Secret"},       {0x96, "Confidential"},
    {0x66, "Reserved 3"}, {0xcc, "Reserved 2"}, {0xab, "Unclassified"}, {0xf1, "Reserved 1"},
};

constexpr std::string_view kProt = "Datagram protected in accordance with its rules";
constexpr std::string_view kNotProt = "Datagram not protected in accordance with its rules";

constexpr FieldDef kFields[] = {
    {"ip.version", "Version", FieldType::UInt8, Base::Dec, 0xf0},
    {"ip.hdr_len", "Header Length", FieldType::UInt8, Base::Dec, 0x0f},
    {"ip.dsfield", "Differentiated Services Field", FieldType::UInt8, Base::Hex},
    {"ip.dsfield.dscp", "Differentiated Services Codepoint", FieldType::UInt8, Base::Dec, 0xfc,
     kDscpNames},
    {"ip.dsfield.ecn", "Explicit Congestion Notification", FieldType::UInt8, Base::Dec, 0x03,
     kEcnNames},
    {"ip.len", "Total Length", FieldType::UInt16, Base::Dec},
    // Base::Hex with a "0x1b68 (7016)" label: tshark prints BASE_HEX_DEC values in hex.
    {"ip.id", "Identification", FieldType::UInt16, Base::Hex},
    {"ip.flags", "Flags", FieldType::UInt8, Base::Hex, 0xe0},
    {"ip.flags.rb", "Reserved bit", FieldType::Boolean, Base::None, 0x80},
    {"ip.flags.df", "Don't fragment", FieldType::Boolean, Base::None, 0x40},
    {"ip.flags.mf", "More fragments", FieldType::Boolean, Base::None, 0x20},
    {"ip.frag_offset", "Fragment Offset", FieldType::UInt16, Base::Dec, 0x1fff},
    {"ip.ttl", "Time to Live", FieldType::UInt8, Base::Dec},
    {"ip.proto", "Protocol", FieldType::UInt8, Base::Dec, 0, kIpProtoNames},
    {"ip.checksum", "Header Checksum", FieldType::UInt16, Base::Hex},
    {"ip.checksum_calculated", "Calculated Checksum", FieldType::UInt16, Base::Hex},
    {"ip.checksum.status", "Header checksum status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"ip.src", "Source Address", FieldType::IPv4},
    {"ip.dst", "Destination Address", FieldType::IPv4},
    {"ip.addr", "Source or Destination Address", FieldType::IPv4},
    {"ip.cur_rt", "Current Route", FieldType::IPv4},
    {"ip.opt.type", "Type", FieldType::UInt8, Base::Dec},
    {"ip.opt.type.copy",
     "Copy on fragmentation",
     FieldType::Boolean,
     Base::None,
     0x80,
     {},
     {},
     "Yes",
     "No"},
    {"ip.opt.type.class", "Class", FieldType::UInt8, Base::Dec, 0x60, kOptClassNames},
    {"ip.opt.type.number", "Number", FieldType::UInt8, Base::Dec, 0x1f, kOptNumberNames},
    {"ip.opt.len", "Length", FieldType::UInt8, Base::Dec},
    {"ip.opt.ptr", "Pointer", FieldType::UInt8, Base::Dec},
    {"ip.rec_rt", "Recorded Route", FieldType::IPv4},
    {"ip.empty_rt", "Empty Route", FieldType::IPv4},
    {"ip.src_rt", "Source Route", FieldType::IPv4},
    {"ip.opt.ra", "Router Alert", FieldType::UInt16, Base::Dec},
    {"ip.opt.sid", "Stream Identifier", FieldType::UInt16, Base::Dec},
    {"ip.opt.overflow", "Overflow", FieldType::UInt8, Base::Dec, 0xf0},
    {"ip.opt.flag", "Flag", FieldType::UInt8, Base::Hex, 0x0f, kTsFlagNames},
    {"ip.opt.time_stamp", "Time stamp", FieldType::UInt32, Base::Dec},
    {"ip.opt.time_stamp_addr", "Address", FieldType::IPv4},
    {"ip.opt.sec_rfc791_sec", "Security", FieldType::UInt16, Base::Hex, 0, kSecNames},
    {"ip.opt.sec_rfc791_comp", "Compartments", FieldType::UInt16, Base::Dec},
    {"ip.opt.sec_rfc791_hr", "Handling Restrictions", FieldType::String},
    {"ip.opt.sec_rfc791_tcc", "Transmission Control Code", FieldType::String},
    {"ip.opt.sec_cl", "Classification Level", FieldType::UInt8, Base::Hex, 0, kSecClNames},
    {"ip.opt.sec_prot_auth_flags", "Protection Authority Flags", FieldType::UInt8, Base::Hex},
    {"ip.opt.sec_prot_auth_genser",
     "GENSER",
     FieldType::Boolean,
     Base::None,
     0x80,
     {},
     {},
     kProt,
     kNotProt},
    {"ip.opt.sec_prot_auth_siop_esi",
     "SIOP-ESI",
     FieldType::Boolean,
     Base::None,
     0x40,
     {},
     {},
     kProt,
     kNotProt},
    {"ip.opt.sec_prot_auth_sci",
     "SCI",
     FieldType::Boolean,
     Base::None,
     0x20,
     {},
     {},
     kProt,
     kNotProt},
    {"ip.opt.sec_prot_auth_nsa",
     "NSA",
     FieldType::Boolean,
     Base::None,
     0x10,
     {},
     {},
     kProt,
     kNotProt},
    {"ip.opt.sec_prot_auth_doe",
     "DOE",
     FieldType::Boolean,
     Base::None,
     0x08,
     {},
     {},
     kProt,
     kNotProt},
    {"ip.opt.sec_prot_auth_unassigned", "Unassigned", FieldType::UInt8, Base::Hex, 0x06},
    {"ip.opt.sec_prot_auth_fti",
     "Field Termination Indicator",
     FieldType::Boolean,
     Base::None,
     0x01,
     {},
     {},
     "Additional octet contains additional protection authority flags",
     "Final octet"},
    {"ip.cipso.doi", "DOI", FieldType::UInt32, Base::Dec},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E {
    OptLenInvalid,
    PtrBefore,
    PtrMiddle,
    SuboptTooLong,
    Nop,
    BogusVersion,
    BogusHdrLen,
    BogusLength,
    ChecksumBad,
    TtlLncb,
    TtlTooSmall,
    ECount
};
constexpr FieldDef kExperts[] = {
    {"ip.opt.len.invalid", "Invalid length for option", FieldType::None},
    {"ip.opt.ptr.before_address", "Pointer points before first address", FieldType::None},
    {"ip.opt.ptr.middle_address", "Pointer points to middle of address", FieldType::None},
    {"ip.subopt_too_long", "Suboption would go past end of option", FieldType::None},
    {"ip.nop", "4 NOP in a row - a router may have removed some options", FieldType::None},
    {"ip.bogus_ip_version", "Bogus IP version", FieldType::None},
    {"ip.bogus_header_length", "Bogus IP header length", FieldType::None},
    {"ip.bogus_ip_length", "Bogus IP length", FieldType::None},
    {"ip.checksum_bad.expert", "Bad checksum", FieldType::None},
    {"ip.ttl.lncb", "Time To Live", FieldType::None},
    {"ip.ttl.too_small", "Time To Live", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

// Defragmentation (fragmentreassembler.h): Wireshark's reassembly fields. All depend on other
// frames.
enum R {
    RFragments,
    RFragment,
    ROverlap,
    ROverlapConflict,
    RMultipleTails,
    RTooLong,
    RError,
    RCount,
    RReassembledIn,
    RLength,
    RData,
    RFieldCount
};
constexpr FieldDef kReassemblyFields[] = {
    {"ip.fragments", "IPv4 Fragments", FieldType::Bytes},
    {"ip.fragment", "IPv4 Fragment", FieldType::FrameNum, Base::Dec},
    {"ip.fragment.overlap", "Fragment overlap", FieldType::Boolean},
    {"ip.fragment.overlap.conflict", "Conflicting data in fragment overlap", FieldType::Boolean},
    {"ip.fragment.multipletails", "Multiple tail fragments found", FieldType::Boolean},
    {"ip.fragment.toolongfragment", "Fragment too long", FieldType::Boolean},
    {"ip.fragment.error", "Defragmentation error", FieldType::FrameNum, Base::Dec},
    {"ip.fragment.count", "Fragment count", FieldType::UInt32, Base::Dec},
    {"ip.reassembled_in", "Reassembled IPv4 in frame", FieldType::FrameNum, Base::Dec},
    {"ip.reassembled.length", "Reassembled IPv4 length", FieldType::UInt32, Base::Dec},
    {"ip.reassembled.data", "Reassembled IPv4 data", FieldType::Bytes},
};
static_assert(std::size(kReassemblyFields) == RFieldCount);
FieldBlock s_r;

/// The datagrams being reassembled in a capture (Session state).
struct Ipv4Fragments
{
    FragmentReassembler reassembler;
};

FieldBlock s_f;

// Option types (the whole type octet: copy flag, class and number).
enum Opt : uint8_t {
    OptEol = 0,
    OptNop = 1,
    OptRr = 7,
    OptTs = 68,
    OptSec = 130,
    OptLsrr = 131,
    OptCipso = 134,
    OptSidT = 136,
    OptSsrr = 137,
    OptRaT = 148,
};

std::string_view optionName(uint8_t type)
{
    switch (type) {
    case OptEol:
        return "End of Options List (EOL)";
    case OptNop:
        return "No-Operation (NOP)";
    case OptRr:
        return "Record Route";
    case OptTs:
        return "Time Stamp";
    case OptSec:
        return "Security";
    case OptLsrr:
        return "Loose Source Route";
    case OptCipso:
        return "Commercial Security";
    case OptSidT:
        return "Stream ID";
    case OptSsrr:
        return "Strict Source Route";
    case OptRaT:
        return "Router Alert";
    default:
        return {};
    }
}

/// The smallest length a known option may have.
size_t optionMinLength(uint8_t type)
{
    switch (type) {
    case OptRr:
    case OptLsrr:
    case OptSsrr:
    case OptSec:
        return 3;
    case OptTs:
        return 4;
    case OptRaT:
    case OptSidT:
        return 4;
    case OptCipso:
        return 6;
    default:
        return 2;
    }
}

void appendHexNoPrefix(std::string &out, uint64_t v, int digits)
{
    std::string tmp;
    text::appendHex(tmp, v, digits);
    out.append(tmp, 2);
}

void appendBytesWord(std::string &out, size_t n, std::string_view what = "byte")
{
    text::appendUInt(out, n);
    out += ' ';
    out += what;
    if (n != 1)
        out += 's';
}

/// `Name` or `Unknown (0x1e)` for an option type.
std::string optionLabelName(uint8_t type)
{
    const std::string_view name = optionName(type);
    if (!name.empty())
        return std::string(name);
    std::string s = "Unknown (";
    text::appendHex(s, type, 2);
    s += ')';
    return s;
}

/// Adds the type octet with its copy/class/number breakdown.
void addOptionType(Dissection &d, Item opt, const Reader &r, size_t at)
{
    Item type = d.addUInt(opt, s_f[OptType], r, at, 1);
    d.addUInt(type, s_f[OptCopy], r, at, 1);
    d.addUInt(type, s_f[OptClass], r, at, 1);
    d.addUInt(type, s_f[OptNumber], r, at, 1);
}

/// The state the option walk shares with the header: where a source route says the datagram
/// is finally going.
struct RouteInfo
{
    size_t finalDstAt = 0; ///< offset in the header of the final destination, 0 when none
};

/// RFC 791 3.1: a source route not yet completed carries the final destination as its last
/// address; the header's destination is only the next hop. Mirrors how Wireshark picks the
/// address it shows as the destination.
size_t findFinalDestination(const Reader &r, size_t hdrLen)
{
    size_t at = 20;
    while (at < hdrLen && r.has(at, 1)) {
        const uint8_t type = r.u8(at);
        if (type == OptEol)
            break;
        if (type == OptNop) {
            ++at;
            continue;
        }
        if (at + 1 >= hdrLen || !r.has(at + 1, 1))
            break;
        const size_t len = r.u8(at + 1);
        if (len < 2 || len > hdrLen - at)
            break;
        if ((type == OptLsrr || type == OptSsrr) && len >= 3 && r.has(at, len)) {
            const size_t ptr = r.u8(at + 2);
            if (ptr < 4 || (ptr & 3) || ptr > len || len < 7)
                return 0;
            return at + ((len - 3) / 4) * 4 - 1;
        }
        at += len;
    }
    return 0;
}

void optionExpert(Dissection &d, Item parent, const Reader &r, size_t at, size_t len,
                  std::string message)
{
    // Inside a quoted packet the header is still whole, so a lying option length is a lie of
    // the quoted packet: show it, but the frame is only malformed when it is its own header.
    d.expert(parent, r, at, len, Severity::Warning, ExpertGroup::Protocol, message,
             d.columnsFrozen() ? 0 : Malformed, s_ei[OptLenInvalid]);
}

void dissectRoute(Dissection &d, Item opt, const Reader &r, size_t at, size_t len, uint8_t type,
                  size_t finalDstAt)
{
    const size_t ptr = r.u8(at + 2);
    Item ptrItem = d.addUInt(opt, s_f[OptPtr], r, at + 2, 1);
    if (ptr < 4) {
        d.expert(ptrItem, r, at + 2, 1, Severity::Warning, ExpertGroup::Protocol,
                 "Pointer points before first address", 0, s_ei[PtrBefore]);
        return;
    }
    if ((ptr - 4) % 4 != 0) {
        d.expert(ptrItem, r, at + 2, 1, Severity::Warning, ExpertGroup::Protocol,
                 "Pointer points to middle of address", 0, s_ei[PtrMiddle]);
        return;
    }
    for (size_t off = 3; off + 4 <= len; off += 4) {
        const size_t a = at + off;
        const bool used = off + 1 < ptr;
        int field;
        if (type == OptRr)
            field = used ? RecRt : EmptyRt;
        else if (used)
            field = RecRt;
        else if (a == finalDstAt)
            field = Dst;
        else
            field = SrcRt;
        Item it = d.addBytes(opt, s_f[field], r, a, 4);
        if (field == Dst)
            d.flag(d.addBytes(opt, s_f[Addr], r, a, 4), Hidden);
        if (it && off + 1 == ptr && field != Dst) {
            std::string label(d.registry().field(s_f[field]).name);
            label += ": ";
            text::appendIPv4(label, r.ptr(a, 4));
            label += " <- (next)";
            d.setText(it, std::move(label));
        }
    }
}

void dissectTimestamp(Dissection &d, Item opt, const Reader &r, size_t at, size_t len)
{
    d.addUInt(opt, s_f[OptPtr], r, at + 2, 1);
    d.addUInt(opt, s_f[OptOverflow], r, at + 3, 1);
    const uint8_t flag = r.u8(at + 3) & 0x0f;
    Item flagItem = d.addUInt(opt, s_f[OptFlag], r, at + 3, 1);
    if (flagItem && nameOf(kTsFlagNames, flag).empty()) {
        std::string label;
        text::appendBitPattern(label, r.u8(at + 3), 0x0f, 8);
        label += " = Flag: Unknown (";
        text::appendHex(label, flag, 1);
        label += ')';
        d.setText(flagItem, std::move(label));
    }
    const bool withAddress = flag == 1 || flag == 3;
    const size_t entry = withAddress ? 8 : 4;
    for (size_t off = 4; off < len; off += entry) {
        if (len - off < entry) {
            d.expert(opt, r, at + off, len - off, Severity::Warning, ExpertGroup::Malformed,
                     "Suboption would go past end of option", 0, s_ei[SuboptTooLong]);
            break;
        }
        if (withAddress) {
            d.addBytes(opt, s_f[OptTimeStampAddr], r, at + off, 4);
            d.addUInt(opt, s_f[OptTimeStamp], r, at + off + 4, 4);
        } else {
            d.addUInt(opt, s_f[OptTimeStamp], r, at + off, 4);
        }
    }
}

void dissectSecurity(Dissection &d, Item opt, const Reader &r, size_t at, size_t len)
{
    if (len == 11) {
        // RFC 791 form: security, compartments, handling restrictions, TCC.
        d.addUInt(opt, s_f[SecSec], r, at + 2, 2);
        d.addUInt(opt, s_f[SecComp], r, at + 4, 2);
        auto str = [&](size_t from, size_t n) {
            std::string s;
            for (size_t i = 0; i < n; ++i) {
                const uint8_t c = r.u8(from + i);
                if (c == 0)
                    break;
                s += c >= 0x20 && c < 0x7f ? char(c) : '.';
            }
            return s;
        };
        d.addString(opt, s_f[SecHr], r, at + 6, 2, d.tree() ? str(at + 6, 2) : std::string());
        d.addString(opt, s_f[SecTcc], r, at + 8, 3, d.tree() ? str(at + 8, 3) : std::string());
        return;
    }
    // RFC 1108: classification level, then protection authority flag octets.
    d.addUInt(opt, s_f[SecCl], r, at + 2, 1);
    if (len < 4)
        return;
    const uint8_t flags = r.u8(at + 3);
    Item fl = d.addUInt(opt, s_f[SecAuthFlags], r, at + 3, 1);
    if (fl) {
        std::string label = "Protection Authority Flags: ";
        text::appendHex(label, flags, 2);
        static constexpr std::pair<uint8_t, std::string_view> kNames[] = {
            {0x80, "GENSER"}, {0x40, "SIOP-ESI"}, {0x20, "SCI"}, {0x10, "NSA"}, {0x08, "DOE"}};
        for (const auto &[bit, name] : kNames) {
            if (flags & bit) {
                label += ", ";
                label += name;
            }
        }
        d.setText(fl, std::move(label));
    }
    for (int f : {SecGenser, SecSiopEsi, SecSci, SecNsa, SecDoe, SecUnassigned, SecFti})
        d.addUInt(fl, s_f[f], r, at + 3, 1);
}

/// Walks the options in `[20, hdrLen)`. Every read is inside the header, which the caller has
/// made sure is captured; a length that points past it ends the walk with a note.
void dissectOptions(Dissection &d, Item ip, const Reader &r, size_t hdrLen, size_t finalDstAt)
{
    const size_t optLen = hdrLen - 20;
    Item opts;
    std::string summary;
    if (ip) {
        summary = "Options: (";
        appendBytesWord(summary, optLen);
        summary += ')';
        opts = d.addText(ip, r, 20, optLen, summary);
    }
    int nops = 0;
    size_t at = 20;
    while (at < hdrLen) {
        const uint8_t type = r.u8(at);
        if (type == OptNop) {
            if (++nops == 4)
                d.expert(opts, r, at, 1, Severity::Warning, ExpertGroup::Protocol,
                         "4 NOP in a row - a router may have removed some options", 0, s_ei[Nop]);
        } else {
            nops = 0;
        }
        if (type == OptEol || type == OptNop) {
            Item opt;
            if (opts)
                opt = d.addText(opts, r, at, 1,
                                type == OptEol ? "IP Option - End of Options List (EOL)"
                                               : "IP Option - No-Operation (NOP)");
            addOptionType(d, opt, r, at);
            ++at;
            if (type == OptEol)
                break; // RFC 791: the end of the list; the rest is padding.
            continue;
        }
        const std::string_view known = optionName(type);
        auto problem = [&](std::string_view what, size_t len) {
            std::string msg = optionLabelName(type);
            msg += what;
            optionExpert(d, opts, r, at, len, std::move(msg));
        };
        if (at + 1 >= hdrLen) {
            problem(" (length byte past end of options)", hdrLen - at);
            break;
        }
        const size_t len = r.u8(at + 1);
        if (len < 2) {
            std::string what = " (with too-short option length = ";
            appendBytesWord(what, len);
            what += ')';
            problem(what, hdrLen - at);
            break;
        }
        if (len > hdrLen - at) {
            std::string what = " (option length = ";
            appendBytesWord(what, len);
            what += " says option goes past end of options)";
            problem(what, hdrLen - at);
            break;
        }
        const size_t minLen = optionMinLength(type);
        const bool tooShort = !known.empty() && len < minLen;
        if (known.empty()) {
            // Not decoded: keep what the user needs to look it up (type, length, bytes), as
            // plain lines so that -T fields stays what tshark prints.
            if (opts) {
                std::string label = optionLabelName(type);
                label += " (";
                appendBytesWord(label, len);
                label += ')';
                Item opt = d.addText(opts, r, at, len, std::move(label));
                std::string t = "Type: ";
                text::appendUInt(t, type);
                d.addText(opt, r, at, 1, std::move(t));
                std::string l = "Length: ";
                text::appendUInt(l, len);
                d.addText(opt, r, at + 1, 1, std::move(l));
                if (len > 2) {
                    std::string v = "Data: ";
                    text::appendHexBytes(v, r.ptr(at + 2, len - 2), len - 2);
                    d.addText(opt, r, at + 2, len - 2, std::move(v));
                }
            }
            at += len;
            continue;
        }

        Item opt;
        if (opts) {
            std::string label = "IP Option - ";
            label += known;
            label += " (";
            // Wireshark names fixed-size options by their defined size, whatever the byte says.
            appendBytesWord(label, (type == OptRaT || type == OptSidT) && !tooShort ? 4 : len);
            label += ')';
            if (type == OptRaT && !tooShort) {
                const uint16_t v = r.u16(at + 2);
                label += v == 0 ? ": Router shall examine packet (" : ": Reserved (";
                text::appendUInt(label, v);
                label += ')';
            }
            opt = d.addText(opts, r, at, len, std::move(label));
        }
        addOptionType(d, opt, r, at);
        Item lenItem = d.addUInt(opt, s_f[OptLen], r, at + 1, 1);
        if (tooShort) {
            std::string msg(known);
            msg += " (with option length = ";
            appendBytesWord(msg, len);
            msg += "; should be >= ";
            text::appendUInt(msg, minLen);
            msg += ')';
            optionExpert(d, lenItem, r, at + 1, 1, std::move(msg));
            break;
        }
        if (opts) {
            summary += ", ";
            summary += known;
        }
        if ((type == OptRaT || type == OptSidT) && len != 4) {
            std::string msg(known);
            msg += " (with option length = ";
            appendBytesWord(msg, len);
            msg += "; should be 4)";
            optionExpert(d, lenItem, r, at + 1, 1, std::move(msg));
        }
        switch (type) {
        case OptRr:
        case OptLsrr:
        case OptSsrr:
            dissectRoute(d, opt, r, at, len, type, finalDstAt);
            break;
        case OptTs:
            dissectTimestamp(d, opt, r, at, len);
            break;
        case OptSec:
            dissectSecurity(d, opt, r, at, len);
            break;
        case OptRaT: {
            Item ra = d.addUInt(opt, s_f[OptRa], r, at + 2, 2);
            if (ra) {
                const uint16_t v = r.u16(at + 2);
                std::string label = v == 0 ? "Router Alert: Router shall examine packet ("
                                           : "Router Alert: Reserved (";
                text::appendUInt(label, v);
                label += ')';
                d.setText(ra, std::move(label));
            }
            break;
        }
        case OptSidT:
            d.addUInt(opt, s_f[OptSid], r, at + 2, 2);
            break;
        case OptCipso:
            d.addUInt(opt, s_f[CipsoDoi], r, at + 2, 4);
            break;
        default:
            break;
        }
        at += len;
    }
    d.setText(opts, std::move(summary));
}

std::string_view protoName(uint8_t proto)
{
    const std::string_view n = nameOf(kIpProtoNames, proto);
    return n.empty() ? std::string_view("Unknown") : n;
}

void appendChecksumTail(std::string &label, uint16_t computed)
{
    label += " incorrect, should be ";
    text::appendHex(label, computed, 4);
    label += "(may be caused by \"IP checksum offload\"?)";
}

// Wireshark shows a BASE_NONE status by name only: "[Header checksum status: Good]".
void addStatus(Dissection &d, Item ip, uint8_t status)
{
    Item it = d.addGenerated(ip, s_f[ChecksumStatus], status);
    if (it) {
        std::string label = "Header checksum status: ";
        label += nameOf(checksum::kStatusNames, status);
        d.setText(it, std::move(label));
    }
}

const FragmentFields &fragmentFields()
{
    static const FragmentFields f{
        s_r[RFragments],     s_r[RFragment], s_r[ROverlap], s_r[ROverlapConflict],
        s_r[RMultipleTails], s_r[RTooLong],  s_r[RError],   s_r[RCount],
        s_r[RReassembledIn], s_r[RLength],   s_r[RData],
    };
    return f;
}

/// Dispatches the payload of a reassembled datagram, or shows the protocol's number and data
/// (as dissectIPv4 does for a whole one, written out there for its fast path).
void dispatchPayload(Dissection &d, const Reader &payload, Item parent, uint8_t proto)
{
    if (d.dispatch(Table::IpProto, proto, payload, parent))
        return;
    std::string &info = d.info();
    info.assign(protoName(proto));
    info += " (";
    text::appendUInt(info, proto);
    info += ')';
    d.data(payload, parent);
}

/// Defragmentation (Wireshark's ip.defragment): true when this fragment completed its
/// datagram and the datagram's payload was dissected. Otherwise `reassembledIn` is the frame
/// that completes it, when known (a revisit), or 0.
bool defragment(Dissection &d, const Reader &r, Item ip, Item parent, const Reader &payload,
                size_t len, uint16_t id, uint8_t proto, size_t fragOffset, bool more,
                uint64_t &reassembledIn)
{
    // Like Wireshark: not inside an ICMP error's quoted packet, and only with every byte the
    // total length claims captured (a cut capture or a lying length is not joined).
    if (!d.prefs.ipDefragment || d.columnsFrozen() || len == 0 || !payload.has(0, len))
        return false;
    auto &state = d.session().state<Ipv4Fragments>();
    const FragmentKey key = FragmentKey::ipv4(r.ptr(12, 4), r.ptr(16, 4), id, proto);
    const Frame &frame = d.frame();
    if (uint64_t(fragOffset) + len > FragmentReassembler::Limits{}.maxDatagramLength) {
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
        const auto outcome = state.reassembler.add(key, frame.number, frame.tsSec,
                                                   frame.hasTimestamp, uint32_t(fragOffset),
                                                   {payload.ptr(0, len), len}, more, d.recording());
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
    std::string name = "Reassembled IPv4 (";
    text::appendUInt(name, dg->length);
    name += " bytes)";
    const int src = d.addSource(std::move(name), dg->bytes);
    if (!src)
        return false;
    addFragmentTree(d, ip, fragmentFields(), *dg, src, "IPv4");
    Dissection::SourceScope scope(d, src);
    dispatchPayload(d, d.sourceReader(size_t(src)), parent, proto);
    return true;
}

/// A fragment (More Fragments or an offset): joined to its datagram, or shown as data with
/// tshark's Info. Out of line: whole datagrams, the common case, keep a small frame.
[[gnu::noinline]] void dissectFragment(Dissection &d, const Reader &r, Item ip, Item parent,
                                       size_t hdrLen, size_t totalLen)
{
    // Read again here rather than passed: fewer values live across the caller's fast path.
    const uint16_t id = r.u16(4);
    const uint8_t proto = r.u8(9);
    const size_t fragOffset = size_t(r.u16(6) & 0x1fff) * 8;
    const bool more = r.u16(6) & 0x2000;
    const size_t len = totalLen - hdrLen;
    const Reader payload = r.sub(hdrLen, len);
    uint64_t reassembledIn = 0;
    if (defragment(d, r, ip, parent, payload, len, id, proto, fragOffset, more, reassembledIn))
        return;
    // A fragment's bytes are not a header of the next layer.
    std::string &info = d.info();
    info = "Fragmented IP protocol (proto=";
    info += protoName(proto);
    info += ' ';
    text::appendUInt(info, proto);
    info += ", off=";
    text::appendUInt(info, fragOffset);
    info += ", ID=";
    appendHexNoPrefix(info, id, 4);
    info += ')';
    if (reassembledIn) {
        info += " [Reassembled in #";
        text::appendUInt(info, reassembledIn);
        info += ']';
        Item in = d.addGenerated(ip, s_r[RReassembledIn], reassembledIn);
        if (in) {
            std::string label = "Reassembled IPv4 in frame: ";
            text::appendUInt(label, reassembledIn);
            d.setText(in, std::move(label));
        }
    }
    d.data(payload, parent);
}

void dissectIPv4(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("IPv4");
    const uint8_t vhl = r.u8(0);
    const unsigned version = vhl >> 4;
    if (version == 6) {
        // Wireshark hands an IPv6 header found under ethertype 0x0800 (or IP-in-IP 4) to IPv6.
        if (d.dispatch(Table::EtherType, 0x86dd, r, parent))
            return;
    }
    const uint8_t malformed = d.columnsFrozen() ? 0 : Malformed;
    Item ip = d.addProtocol(parent, s_f.protocol(), r, 0, 20);
    if (ip)
        d.setText(ip, "Internet Protocol Version 4");
    Item verItem = d.addUInt(ip, s_f[Version], r, 0, 1);
    if (version != 4) {
        d.expert(verItem, r, 0, 1, Severity::Error, ExpertGroup::Protocol, "Bogus IPv4 version",
                 malformed, s_ei[BogusVersion]);
        std::string &info = d.info();
        info = "Bogus IPv4 version (";
        text::appendUInt(info, version);
        info += ", must be 4)";
        return;
    }

    const size_t hdrLen = size_t(vhl & 0x0f) * 4;
    Item hl = d.addValue(ip, s_f[HdrLen], r, 0, 1, hdrLen);
    if (hl) {
        std::string label;
        text::appendBitPattern(label, vhl, 0x0f, 8);
        label += " = Header Length: ";
        text::appendUInt(label, hdrLen);
        label += " bytes (";
        text::appendUInt(label, vhl & 0x0f);
        label += ')';
        d.setText(hl, std::move(label));
    }
    if (hdrLen < 20) {
        std::string msg = "Bogus IP header length (";
        text::appendUInt(msg, hdrLen);
        msg += ", must be at least 20)";
        d.expert(hl, r, 0, 1, Severity::Error, ExpertGroup::Protocol, msg, malformed,
                 s_ei[BogusHdrLen]);
        d.info() = std::move(msg);
        return;
    }
    d.setLength(ip, hdrLen < r.captured() ? hdrLen : r.captured());

    const uint8_t ds = r.u8(1);
    Item dsItem = d.addUInt(ip, s_f[DsField], r, 1, 1);
    if (dsItem) {
        std::string label = "Differentiated Services Field: ";
        text::appendHex(label, ds, 2);
        label += " (DSCP: ";
        const std::string_view dscp = nameOf(kDscpShort, ds >> 2);
        label += dscp.empty() ? std::string_view("Unknown") : dscp;
        label += ", ECN: ";
        label += kEcnShort[ds & 3];
        label += ')';
        d.setText(dsItem, std::move(label));
    }
    Item dscpItem = d.addUInt(dsItem, s_f[Dscp], r, 1, 1);
    if (dscpItem && nameOf(kDscpNames, ds >> 2).empty()) {
        std::string label;
        text::appendBitPattern(label, ds, 0xfc, 8);
        label += " = Differentiated Services Codepoint: Unknown (";
        text::appendUInt(label, ds >> 2);
        label += ')';
        d.setText(dscpItem, std::move(label));
    }
    d.addUInt(dsItem, s_f[Ecn], r, 1, 1);

    size_t totalLen = r.u16(2);
    Item lenItem;
    if (totalLen == 0) {
        // A zero total length is what TCP segmentation offload leaves in captures taken on the
        // sending host: take the layer's length instead, as Wireshark does.
        totalLen = r.reported();
        lenItem = d.addValue(ip, s_f[Len], r, 2, 2, totalLen);
        if (lenItem) {
            std::string label = "[Total Length: ";
            text::appendUInt(label, totalLen);
            label += " bytes (reported as 0, presumed to be because of \"TCP segmentation "
                     "offload\" (TSO))]";
            d.setText(lenItem, std::move(label));
        }
    } else {
        lenItem = d.addUInt(ip, s_f[Len], r, 2, 2);
    }
    if (totalLen < hdrLen) {
        if (lenItem) {
            std::string label = "Total Length: ";
            text::appendUInt(label, totalLen);
            label += " bytes (bogus, less than header length ";
            text::appendUInt(label, hdrLen);
            label += ')';
            d.setText(lenItem, std::move(label));
        }
        d.expert(lenItem, r, 2, 2, Severity::Error, ExpertGroup::Protocol, "Bogus IP length",
                 malformed, s_ei[BogusLength]);
        std::string &info = d.info();
        info = "Bogus IP length (";
        text::appendUInt(info, totalLen);
        info += ", less than header length ";
        text::appendUInt(info, hdrLen);
        info += ')';
        return;
    }
    if (totalLen > r.reported() && !d.columnsFrozen()) {
        // The bytes are not on the wire at all (not a capture cut): dissect what is there.
        std::string msg = "IPv4 total length exceeds packet length (";
        text::appendUInt(msg, r.reported());
        msg += " bytes)";
        d.expert(lenItem, r, 2, 2, Severity::Error, ExpertGroup::Protocol, msg, 0,
                 s_ei[BogusLength]);
    }
    d.claimLength(r, totalLen); // what follows the datagram is the link layer's trailer

    const uint16_t id = r.u16(4);
    Item idItem = d.addUInt(ip, s_f[Id], r, 4, 2);
    if (idItem) {
        std::string label = "Identification: ";
        text::appendHex(label, id, 4);
        label += " (";
        text::appendUInt(label, id);
        label += ')';
        d.setText(idItem, std::move(label));
    }
    const uint16_t fragWord = r.u16(6);
    const uint8_t flags = uint8_t(fragWord >> 13);
    Item flagsItem = d.addUInt(ip, s_f[Flags], r, 6, 1);
    if (flagsItem) {
        std::string label;
        text::appendBitPattern(label, fragWord >> 8, 0xe0, 8);
        label += " = Flags: ";
        text::appendHex(label, flags, 1);
        if (flags & 4)
            label += ", Reserved bit";
        if (flags & 2)
            label += ", Don't fragment";
        if (flags & 1)
            label += ", More fragments";
        d.setText(flagsItem, std::move(label));
    }
    d.addUInt(flagsItem, s_f[FlagRb], r, 6, 1);
    d.addUInt(flagsItem, s_f[FlagDf], r, 6, 1);
    d.addUInt(flagsItem, s_f[FlagMf], r, 6, 1);
    const size_t fragOffset = size_t(fragWord & 0x1fff) * 8;
    // The field holds 8-byte units (what -T fields prints); the tree shows bytes.
    Item fo = d.addUInt(ip, s_f[FragOffset], r, 6, 2);
    if (fo) {
        std::string label;
        text::appendBitPattern(label, fragWord, 0x1fff, 16);
        label += " = Fragment Offset: ";
        text::appendUInt(label, fragOffset);
        d.setText(fo, std::move(label));
    }

    const uint8_t ttl = r.u8(8);
    Item ttlItem = d.addUInt(ip, s_f[Ttl], r, 8, 1);

    const uint8_t proto = r.u8(9);
    Item protoItem = d.addUInt(ip, s_f[Proto], r, 9, 1);
    if (protoItem && nameOf(kIpProtoNames, proto).empty()) {
        std::string label = "Protocol: Unknown (";
        text::appendUInt(label, proto);
        label += ')';
        d.setText(protoItem, std::move(label));
    }

    // Header checksum: verified when the whole header is captured.
    const uint16_t stored = r.u16(10);
    Item ck = d.addUInt(ip, s_f[Checksum], r, 10, 2);
    if (d.prefs.verifyChecksums && r.has(0, hdrLen)) {
        const uint8_t *h = r.ptr(0, hdrLen);
        uint64_t sum = checksum::add(0, h, 10);
        sum = checksum::add(sum, h + 12, hdrLen - 12);
        const uint16_t computed = checksum::finish(sum);
        const bool good = computed == stored;
        if (ck) {
            std::string label = "Header Checksum: ";
            text::appendHex(label, stored, 4);
            if (good)
                label += " [correct]";
            else
                appendChecksumTail(label, computed);
            d.setText(ck, std::move(label));
        }
        if (!good) {
            const std::string msg = checksum::badText(computed);
            // A quoted header (ICMP error) may have been rewritten by the router that quoted
            // it; show the mismatch but do not mark the frame for it.
            const uint8_t bad = d.columnsFrozen() ? 0 : BadChecksum;
            d.expert(ck, r, 10, 2, Severity::Error, ExpertGroup::Checksum, msg, bad,
                     s_ei[ChecksumBad]);
            d.flag(ck, bad);
        }
        addStatus(d, ip, good ? 1 : 0);
        d.addGenerated(ip, s_f[ChecksumCalc], computed);
    } else {
        if (ck) {
            std::string label = "Header Checksum: ";
            text::appendHex(label, stored, 4);
            label += " [unverified]";
            d.setText(ck, std::move(label));
        }
        addStatus(d, ip, 2);
    }

    r.require(12, 8);
    size_t finalDstAt = hdrLen > 20 ? findFinalDestination(r, hdrLen) : 0;
    if (finalDstAt && !r.has(finalDstAt, 4))
        finalDstAt = 0;
    const size_t dstAt = finalDstAt ? finalDstAt : 16;

    d.addBytes(ip, s_f[Src], r, 12, 4);
    d.flag(d.addBytes(ip, s_f[Addr], r, 12, 4), Hidden);
    if (finalDstAt) {
        d.addBytes(ip, s_f[CurRt], r, 16, 4);
    } else {
        d.addBytes(ip, s_f[Dst], r, 16, 4);
        d.flag(d.addBytes(ip, s_f[Addr], r, 16, 4), Hidden);
    }

    if (ttlItem || d.interest()) { // summary mode: collected for a display filter
        // Wireshark's notes on suspicious TTLs (RFC 3171 local network control block).
        const uint8_t *dst = r.ptr(dstAt, 4);
        const bool lncb = dst[0] == 224 && dst[1] == 0 && dst[2] == 0;
        const bool multicast = (dst[0] & 0xf0) == 0xe0;
        if (lncb && ttl != 1) {
            d.expert(ttlItem, r, 8, 1, Severity::Note, ExpertGroup::Sequence,
                     "\"Time To Live\" != 1 for a packet sent to the Local Network Control Block "
                     "(see RFC 3171)",
                     0, s_ei[TtlLncb]);
        } else if (!multicast && ttl < 5) {
            std::string msg = "\"Time To Live\" only ";
            text::appendUInt(msg, ttl);
            d.expert(ttlItem, r, 8, 1, Severity::Note, ExpertGroup::Sequence, msg, 0,
                     s_ei[TtlTooSmall]);
        }
    }

    if (hdrLen > 20) {
        r.require(20, hdrLen - 20);
        dissectOptions(d, ip, r, hdrLen, finalDstAt);
    }

    if (ip) {
        std::string label = "Internet Protocol Version 4, Src: ";
        text::appendIPv4(label, r.ptr(12, 4));
        label += ", Dst: ";
        text::appendIPv4(label, r.ptr(dstAt, 4));
        if (finalDstAt) {
            label += ", Via: ";
            text::appendIPv4(label, r.ptr(16, 4));
        }
        d.setText(ip, std::move(label));
    }
    d.setSource(Address::IPv4, r.ptr(12, 4));
    d.setDestination(Address::IPv4, r.ptr(dstAt, 4));
    d.net.version = 4;
    d.net.hopLimit = ttl;
    std::memcpy(d.net.src, r.ptr(12, 4), 4);
    std::memcpy(d.net.dst, r.ptr(dstAt, 4), 4);

    const Reader payload = r.sub(hdrLen, totalLen - hdrLen);
    if ((flags & 1) || fragOffset != 0) {
        // Only fragments reach the reassembler: the fast path over whole datagrams is this test.
        dissectFragment(d, r, ip, parent, hdrLen, totalLen);
        return;
    }
    if (d.dispatch(Table::IpProto, proto, payload, parent))
        return;
    std::string &info = d.info();
    info.assign(protoName(proto));
    info += " (";
    text::appendUInt(info, proto);
    info += ')';
    d.data(payload, parent);
}

} // namespace

void register_ipv4(Registry &reg)
{
    s_f = reg.addProtocol({"ip", "IPv4", "Internet Protocol Version 4"}, kFields);
    s_ei = reg.addFields(kExperts);
    s_r = reg.addFields(kReassemblyFields);
    for (int f = 0; f < RFieldCount; ++f)
        reg.setCrossFrame(s_r[f]); // which fragments joined, and where, depends on the others
    reg.addDissector(Table::EtherType, 0x0800, dissectIPv4);
    reg.addDissector(Table::IpProto, 4, dissectIPv4);
}

} // namespace pl::proto
