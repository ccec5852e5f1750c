// ICMPv6: errors, echo, Neighbor Discovery and Multicast Listener Discovery (IP protocol 58).
// Specification: RFC 4443 (ICMPv6), RFC 4861 (Neighbor Discovery), RFC 8106 (RDNSS),
// RFC 2710 (MLDv1), RFC 3810 (MLDv2).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |     Code      |          Checksum             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Message Body                          |
//
// Errors (types 1-4) carry 4 bytes (unused, MTU or pointer) and as much of the offending
// packet as fits; that packet is dissected under the ICMPv6 item with the columns frozen.
// Neighbor Discovery messages end in options, each `type, length (8-octet units), data`.
// The checksum covers an IPv6 pseudo-header with next header 58 (RFC 4443 2.3).

#include "checksum.h"
#include "dissection.h"
#include "session.h"
#include "textformat.h"

#include <array>
#include <cstring>
#include <map>

namespace pl::proto {

namespace {

enum F {
    Type,
    Code,
    Checksum,
    ChecksumStatus,
    Reserved,
    Data,
    Mtu,
    Pointer,
    EchoId,
    EchoSeq,
    RespTo,
    RaCurHopLimit,
    RaFlag,
    RaFlagM,
    RaFlagO,
    RaFlagH,
    RaFlagPrf,
    RaFlagP,
    RaFlagRsv,
    RaRouterLifetime,
    RaReachableTime,
    RaRetransTimer,
    NsTarget,
    NaFlag,
    NaFlagR,
    NaFlagS,
    NaFlagO,
    NaFlagRsv,
    NaTarget,
    RdTarget,
    RdDestination,
    Opt,
    OptType,
    OptLength,
    OptReserved,
    OptLinkAddr,
    OptLinkAddrBytes,
    OptSrcLinkAddr,
    OptTargetLinkAddr,
    OptPrefixLength,
    OptPrefixFlag,
    OptPrefixFlagL,
    OptPrefixFlagA,
    OptPrefixFlagR,
    OptPrefixFlagRsv,
    OptPrefixValid,
    OptPrefixPreferred,
    OptPrefix,
    OptRedirected,
    OptMtu,
    OptAdvInterval,
    OptHaPreference,
    OptHaLifetime,
    OptRdnssLifetime,
    OptRdnss,
    MldMaxDelay,
    MldMcast,
    MldMaxCode,
    MldFlag,
    MldFlagS,
    MldFlagQrv,
    MldFlagRsv,
    MldQqi,
    MldNbSources,
    MldSource,
    MldrNbRecords,
    MldrMar,
    MldrType,
    MldrAuxLen,
    MldrNbSources,
    MldrMcast,
    MldrSource,
    MldrAux,
    Count
};

constexpr ValueName kTypeNames[] = {
    {1, "Destination Unreachable"},
    {2, "Packet Too Big"},
    {3, "Time Exceeded"},
    {4, "Parameter Problem"},
    {100, "Private experimentation"},
    {101, "Private experimentation"},
    {127, "Reserved for expansion of ICMPv6 error messages"},
    {128, "Echo (ping) request"},
    {129, "Echo (ping) reply"},
    {130, "Multicast Listener Query"},
    {131, "Multicast Listener Report"},
    {132, "Multicast Listener Done"},
    {133, "Router Solicitation"},
    {134, "Router Advertisement"},
    {135, "Neighbor Solicitation"},
    {136, "Neighbor Advertisement"},
    {137, "Redirect"},
    {138, "Router Renumbering"},
    {139, "Node Information Query"},
    {140, "Node Information Reply"},
    {141, "Inverse Neighbor Discovery Solicitation"},
    {142, "Inverse Neighbor Discovery Advertisement"},
    {143, "Multicast Listener Report Message v2"},
    {144, "Home Agent Address Discovery Request"},
    {145, "Home Agent Address Discovery Reply"},
    {146, "Mobile Prefix Solicitation"},
    {147, "Mobile Prefix Advertisement"},
    {148, "Certification Path Solicitation"},
    {149, "Certification Path Advertisement"},
    {150, "Experimental Mobility"},
    {151, "Multicast Router Advertisement"},
    {152, "Multicast Router Solicitation"},
    {153, "Multicast Router Termination"},
    {154, "FMIPv6"},
    {155, "RPL Control"},
    {156, "Locator Update"},
    {157, "Duplicate Address Request"},
    {158, "Duplicate Address Confirmation"},
    {159, "MPL Control Message"},
    {160, "Extended Echo request"},
    {161, "Extended Echo reply"},
    {200, "Private experimentation"},
    {201, "Private experimentation"},
    {255, "Reserved for expansion of ICMPv6 informational messages"},
};
constexpr ValueName kUnreachCodes[] = {
    {0, "no route to destination"},
    {1, "Administratively prohibited"},
    {2, "Beyond scope of source address"},
    {3, "Address unreachable"},
    {4, "Port unreachable"},
    {5, "Source address failed ingress/egress policy"},
    {6, "Reject route to destination"},
    {7, "Error in Source Routing Header"},
};
constexpr ValueName kTimeExceededCodes[] = {
    {0, "hop limit exceeded in transit"},
    {1, "fragment reassembly time exceeded"},
};
constexpr ValueName kParamProblemCodes[] = {
    {0, "erroneous header field encountered"},
    {1, "unrecognized Next Header type encountered"},
    {2, "unrecognized IPv6 option encountered"},
    {3, "IPv6 First Fragment has incomplete IPv6 Header Chain"},
};
constexpr ValueName kPrfNames[] = {{0, "Medium"}, {1, "High"}, {2, "Reserved"}, {3, "Low"}};
constexpr ValueName kOptNames[] = {
    {1, "Source link-layer address"},
    {2, "Target link-layer address"},
    {3, "Prefix information"},
    {4, "Redirected header"},
    {5, "MTU"},
    {7, "Advertisement Interval"},
    {8, "Home Agent Information"},
    {25, "Recursive DNS Server"},
    {31, "DNS Search List Option"},
};
constexpr ValueName kRecordTypes[] = {
    {1, "Include"},
    {2, "Exclude"},
    {3, "Changed to include"},
    {4, "Changed to exclude"},
    {5, "Allow new sources"},
    {6, "Block old sources"},
};

constexpr FieldDef kFields[] = {
    {"icmpv6.type", "Type", FieldType::UInt8, Base::Dec, 0, kTypeNames},
    {"icmpv6.code", "Code", FieldType::UInt8, Base::Dec},
    {"icmpv6.checksum", "Checksum", FieldType::UInt16, Base::Hex},
    {"icmpv6.checksum.status", "Checksum Status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"icmpv6.reserved", "Reserved", FieldType::Bytes},
    {"icmpv6.data", "Data", FieldType::Bytes},
    {"icmpv6.mtu", "MTU", FieldType::UInt32, Base::Dec},
    {"icmpv6.pointer", "Pointer", FieldType::UInt32, Base::Dec},
    {"icmpv6.echo.identifier", "Identifier", FieldType::UInt16, Base::Hex},
    {"icmpv6.echo.sequence_number", "Sequence", FieldType::UInt16, Base::Dec},
    {"icmpv6.resp_to", "Response To", FieldType::FrameNum, Base::Dec},
    {"icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", FieldType::UInt8, Base::Dec},
    {"icmpv6.nd.ra.flag", "Flags", FieldType::UInt8, Base::Hex},
    {"icmpv6.nd.ra.flag.m", "Managed address configuration", FieldType::Boolean, Base::None, 0x80},
    {"icmpv6.nd.ra.flag.o", "Other configuration", FieldType::Boolean, Base::None, 0x40},
    {"icmpv6.nd.ra.flag.h", "Home Agent", FieldType::Boolean, Base::None, 0x20},
    {"icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", FieldType::UInt8, Base::Dec, 0x18,
     kPrfNames},
    {"icmpv6.nd.ra.flag.p", "Proxy", FieldType::Boolean, Base::None, 0x04},
    {"icmpv6.nd.ra.flag.rsv", "Reserved", FieldType::UInt8, Base::Dec, 0x03},
    {"icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", FieldType::UInt16, Base::Dec},
    {"icmpv6.nd.ra.reachable_time", "Reachable time (ms)", FieldType::UInt32, Base::Dec},
    {"icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", FieldType::UInt32, Base::Dec},
    {"icmpv6.nd.ns.target_address", "Target Address", FieldType::IPv6},
    {"icmpv6.nd.na.flag", "Flags", FieldType::UInt32, Base::Hex},
    {"icmpv6.nd.na.flag.r", "Router", FieldType::Boolean, Base::None, 0x80000000},
    {"icmpv6.nd.na.flag.s", "Solicited", FieldType::Boolean, Base::None, 0x40000000},
    {"icmpv6.nd.na.flag.o", "Override", FieldType::Boolean, Base::None, 0x20000000},
    {"icmpv6.nd.na.flag.rsv", "Reserved", FieldType::UInt32, Base::Dec, 0x1fffffff},
    {"icmpv6.nd.na.target_address", "Target Address", FieldType::IPv6},
    {"icmpv6.nd.rd.target_address", "Target Address", FieldType::IPv6},
    {"icmpv6.rd.na.destination_address", "Destination Address", FieldType::IPv6},
    {"icmpv6.opt", "ICMPv6 Option", FieldType::None},
    {"icmpv6.opt.type", "Type", FieldType::UInt8, Base::Dec, 0, kOptNames},
    {"icmpv6.opt.length", "Length", FieldType::UInt8, Base::Dec},
    {"icmpv6.opt.reserved", "Reserved", FieldType::None},
    // Wireshark prints a 6-byte link-layer address like a MAC and other lengths as bytes.
    {"icmpv6.opt.linkaddr", "Link-layer address", FieldType::Ether},
    {"icmpv6.opt.linkaddr", "Link-layer address", FieldType::Bytes},
    {"icmpv6.opt.src_linkaddr", "Source Link-layer address", FieldType::Ether},
    {"icmpv6.opt.target_linkaddr", "Target Link-layer address", FieldType::Ether},
    {"icmpv6.opt.prefix.length", "Prefix Length", FieldType::UInt8, Base::Dec},
    {"icmpv6.opt.prefix.flag", "Flag", FieldType::UInt8, Base::Hex},
    {"icmpv6.opt.prefix.flag.l", "On-link flag(L)", FieldType::Boolean, Base::None, 0x80},
    {"icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", FieldType::Boolean,
     Base::None, 0x40},
    {"icmpv6.opt.prefix.flag.r", "Router address flag(R)", FieldType::Boolean, Base::None, 0x20},
    {"icmpv6.opt.prefix.flag.reserved", "Reserved", FieldType::UInt8, Base::Dec, 0x1f},
    {"icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", FieldType::UInt32, Base::Dec},
    {"icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", FieldType::UInt32, Base::Dec},
    {"icmpv6.opt.prefix", "Prefix", FieldType::IPv6},
    {"icmpv6.opt.redirected_packet", "Redirected Packet", FieldType::None},
    {"icmpv6.opt.mtu", "MTU", FieldType::UInt32, Base::Dec},
    {"icmpv6.opt.advertisement_interval", "Advertisement Interval", FieldType::UInt32, Base::Dec},
    // Wireshark 4.0 names both fields "Home Agent Preference".
    {"icmpv6.opt.home_agent_preference", "Home Agent Preference", FieldType::UInt16, Base::Dec},
    {"icmpv6.opt.home_agent_lifetime", "Home Agent Preference", FieldType::UInt16, Base::Dec},
    {"icmpv6.opt.rdnss.lifetime", "Lifetime", FieldType::UInt32, Base::Dec},
    {"icmpv6.opt.rdnss", "Recursive DNS Servers", FieldType::IPv6},
    {"icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", FieldType::UInt16,
     Base::Dec},
    {"icmpv6.mld.multicast_address", "Multicast Address", FieldType::IPv6},
    {"icmpv6.mld.maximum_response_code", "Maximum Response Code", FieldType::UInt16, Base::Dec},
    {"icmpv6.mld.flag", "Flags", FieldType::UInt8, Base::Hex},
    {"icmpv6.mld.flag.s",
     "Suppress Router-Side Processing",
     FieldType::Boolean,
     Base::None,
     0x08,
     {},
     {},
     "True",
     "False"},
    {"icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", FieldType::UInt8, Base::Dec,
     0x07},
    {"icmpv6.mld.flag.reserved", "Reserved", FieldType::UInt8, Base::Dec, 0xf0},
    {"icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", FieldType::UInt8, Base::Dec},
    {"icmpv6.mld.nb_sources", "Number of Sources", FieldType::UInt16, Base::Dec},
    {"icmpv6.mld.source_address", "Source Address", FieldType::IPv6},
    {"icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", FieldType::UInt16,
     Base::Dec},
    {"icmpv6.mldr.mar", "Multicast Address Record", FieldType::None},
    {"icmpv6.mldr.mar.record_type", "Record Type", FieldType::UInt8, Base::Dec, 0, kRecordTypes},
    {"icmpv6.mldr.mar.aux_data_len", "Aux Data Len", FieldType::UInt8, Base::Dec},
    {"icmpv6.mldr.mar.nb_sources", "Number of Sources", FieldType::UInt16, Base::Dec},
    {"icmpv6.mldr.mar.multicast_address", "Multicast Address", FieldType::IPv6},
    {"icmpv6.mldr.mar.source_address", "Source Address", FieldType::IPv6},
    {"icmpv6.mldr.mar.auxiliary_data", "Auxiliary Data", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E { InvalidOptionLength, ChecksumBad, ECount };
constexpr FieldDef kExperts[] = {
    {"icmpv6.invalid_option_length", "Invalid Option Length", FieldType::None},
    {"icmpv6.checksum_bad.expert", "Bad checksum", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;

/// Echo requests seen so far, to name the request a reply answers (tshark's "request in").
struct EchoRequests
{
    struct Key
    {
        std::array<uint8_t, 32> addrs; ///< requester, then responder
        uint32_t idSeq;
        auto operator<=>(const Key &) const = default;
    };
    std::map<Key, uint64_t> frames;
};

/// For each echo reply of the first pass, the frame of the request it matched (0: none).
struct EchoReplyLog : FrameLog<uint64_t>
{
};

ValueNames codeNames(uint8_t type)
{
    switch (type) {
    case 1:
        return kUnreachCodes;
    case 3:
        return kTimeExceededCodes;
    case 4:
        return kParamProblemCodes;
    default:
        return {};
    }
}

uint8_t frameMark(const Dissection &d, uint8_t flag)
{
    return d.columnsFrozen() ? 0 : flag;
}

void appendMac(std::string &out, const Reader &r, size_t at)
{
    text::appendEther(out, r.ptr(at, 6));
}

/// The packet quoted at `at` of `r` (an error's invoking packet, a redirected header),
/// dissected as IPv6 under `item` without touching the columns or the frame's marks.
void dissectQuote(Dissection &d, const Reader &r, size_t at, Item item)
{
    if (at >= r.reported())
        return;
    const NetworkLayer saved = d.net;
    const bool was = d.freezeColumns(true);
    d.dispatch(Table::EtherType, 0x86dd, r.sub(at), item);
    d.freezeColumns(was);
    d.net = saved;
}

/// Neighbor Discovery options from `at` to the end of `r`.
void dissectOptions(Dissection &d, const Reader &r, size_t at, Item icmp)
{
    while (at < r.reported()) {
        const uint8_t type = r.u8(at);
        const uint8_t units = r.u8(at + 1);
        const size_t len = size_t(units) * 8;
        const std::string_view name = nameOf(kOptNames, type);
        // The option's range as far as it was captured (its data is checked below).
        Item opt = d.addValue(icmp, s_f[Opt], r, at,
                              std::min(std::max<size_t>(len, 2), r.capturedFrom(at)), 0);
        std::string label;
        if (opt) {
            label = "ICMPv6 Option (";
            if (name.empty()) {
                label += "Unknown ";
                text::appendUInt(label, type);
            } else {
                label += name;
            }
        }
        d.addUInt(opt, s_f[OptType], r, at, 1);
        Item l = d.addUInt(opt, s_f[OptLength], r, at + 1, 1);
        if (l) {
            std::string ltext = "Length: ";
            text::appendUInt(ltext, units);
            ltext += " (";
            text::appendUInt(ltext, len);
            ltext += " bytes)";
            d.setText(l, std::move(ltext));
        }
        if (units == 0) {
            // RFC 4861 4.6: a zero length must be discarded; it would also loop forever.
            d.expert(l, r, at + 1, 1, Severity::Error, ExpertGroup::Malformed,
                     "Invalid option length (Zero)", frameMark(d, Malformed),
                     s_ei[InvalidOptionLength]);
            d.setText(opt, std::move(label));
            return;
        }
        r.require(at, len);
        const Reader o = r.sub(at, len);
        switch (type) {
        case 1:
        case 2: {
            const std::string_view infoText = type == 1 ? " from " : " is at ";
            if (len == 8) {
                d.addBytes(opt, s_f[OptLinkAddr], o, 2, 6);
                d.flag(
                    d.addBytes(opt, s_f[type == 1 ? OptSrcLinkAddr : OptTargetLinkAddr], o, 2, 6),
                    Hidden);
                label += " : ";
                appendMac(label, o, 2);
                std::string &info = d.info();
                info += infoText;
                appendMac(info, o, 2);
            } else {
                d.addBytes(opt, s_f[OptLinkAddrBytes], o, 2, len - 2);
            }
            break;
        }
        case 3: {
            if (len != 32)
                break;
            d.addUInt(opt, s_f[OptPrefixLength], o, 2, 1);
            Item f = d.addUInt(opt, s_f[OptPrefixFlag], o, 3, 1);
            if (f) {
                const uint8_t flags = o.u8(3);
                std::string ftext = "Flag: ";
                text::appendHex(ftext, flags, 2);
                if (flags & 0x80)
                    ftext += ", On-link flag(L)";
                if (flags & 0x40)
                    ftext += ", Autonomous address-configuration flag(A)";
                if (flags & 0x20)
                    ftext += ", Router address flag(R)";
                d.setText(f, std::move(ftext));
            }
            d.addUInt(f, s_f[OptPrefixFlagL], o, 3, 1);
            d.addUInt(f, s_f[OptPrefixFlagA], o, 3, 1);
            d.addUInt(f, s_f[OptPrefixFlagR], o, 3, 1);
            d.addUInt(f, s_f[OptPrefixFlagRsv], o, 3, 1);
            d.addUInt(opt, s_f[OptPrefixValid], o, 4, 4);
            d.addUInt(opt, s_f[OptPrefixPreferred], o, 8, 4);
            d.addValue(opt, s_f[OptReserved], o, 12, 4, 0);
            d.addBytes(opt, s_f[OptPrefix], o, 16, 16);
            label += " : ";
            text::appendIPv6(label, o.ptr(16, 16));
            label += '/';
            text::appendUInt(label, o.u8(2));
            break;
        }
        case 4:
            d.addValue(opt, s_f[OptReserved], o, 2, 6, 0);
            d.addValue(opt, s_f[OptRedirected], o, 8, len - 8, 0);
            dissectQuote(d, o, 8, opt);
            break;
        case 5:
            d.addValue(opt, s_f[OptReserved], o, 2, 2, 0);
            d.addUInt(opt, s_f[OptMtu], o, 4, 4);
            label += " : ";
            text::appendUInt(label, o.u32(4));
            break;
        case 7:
            d.addValue(opt, s_f[OptReserved], o, 2, 2, 0);
            d.addUInt(opt, s_f[OptAdvInterval], o, 4, 4);
            label += " : ";
            text::appendUInt(label, o.u32(4));
            break;
        case 8:
            d.addValue(opt, s_f[OptReserved], o, 2, 2, 0);
            d.addUInt(opt, s_f[OptHaPreference], o, 4, 2);
            d.addUInt(opt, s_f[OptHaLifetime], o, 6, 2);
            break;
        case 25: {
            d.addValue(opt, s_f[OptReserved], o, 2, 2, 0);
            d.addUInt(opt, s_f[OptRdnssLifetime], o, 4, 4);
            for (size_t a = 8; a + 16 <= len; a += 16) {
                d.addBytes(opt, s_f[OptRdnss], o, a, 16);
                label += ' ';
                text::appendIPv6(label, o.ptr(a, 16));
            }
            break;
        }
        default:
            d.addBytes(opt, s_f[Data], o, 2, len - 2);
            break;
        }
        if (opt) {
            label += ')';
            d.setText(opt, std::move(label));
        }
        at += len;
    }
}

void dissectEcho(Dissection &d, const Reader &r, Item icmp, uint8_t type)
{
    const uint16_t id = r.u16(4);
    const uint16_t seq = r.u16(6);
    d.addUInt(icmp, s_f[EchoId], r, 4, 2);
    d.addUInt(icmp, s_f[EchoSeq], r, 6, 2);
    std::string &info = d.info();
    info = type == 128 ? "Echo (ping) request id=" : "Echo (ping) reply id=";
    text::appendHex(info, id, 4);
    info += ", seq=";
    text::appendUInt(info, seq);
    info += ", hop limit=";
    text::appendUInt(info, d.net.hopLimit);
    if (!d.columnsFrozen() && d.net.version == 6) {
        EchoRequests &seen = d.session().state<EchoRequests>();
        EchoRequests::Key key{};
        const bool request = type == 128;
        std::memcpy(key.addrs.data(), request ? d.net.src : d.net.dst, 16);
        std::memcpy(key.addrs.data() + 16, request ? d.net.dst : d.net.src, 16);
        key.idSeq = uint32_t(id) << 16 | seq;
        // A reply names the request the first pass matched, also when seen again.
        const uint64_t number = d.frame().number;
        auto &log = d.session().state<EchoReplyLog>();
        const uint64_t *logged = d.logged(log);
        uint64_t match = 0;
        if (logged) {
            match = *logged;
        } else if (request) {
            seen.frames.try_emplace(key, number);
        } else if (auto it = seen.frames.find(key);
                   it != seen.frames.end() && it->second < number) {
            match = it->second;
        }
        if (!logged && d.recording())
            log.record(number, match);
        if (match) {
            d.addGenerated(icmp, s_f[RespTo], match);
            info += " (request in ";
            text::appendUInt(info, match);
            info += ')';
        }
    }
    if (r.reported() > 8)
        d.data(r.sub(8), icmp);
}

void dissectMld(Dissection &d, const Reader &r, Item icmp, uint8_t type)
{
    if (type == 130 && r.reported() >= 28) {
        // RFC 3810 5.1: an MLDv2 query is at least 28 bytes; a 24-byte one is MLDv1.
        d.addUInt(icmp, s_f[MldMaxCode], r, 4, 2);
        d.addBytes(icmp, s_f[Reserved], r, 6, 2);
        d.addBytes(icmp, s_f[MldMcast], r, 8, 16);
        Item f = d.addUInt(icmp, s_f[MldFlag], r, 24, 1);
        d.addUInt(f, s_f[MldFlagS], r, 24, 1);
        d.addUInt(f, s_f[MldFlagQrv], r, 24, 1);
        d.addUInt(f, s_f[MldFlagRsv], r, 24, 1);
        d.addUInt(icmp, s_f[MldQqi], r, 25, 1);
        const uint16_t n = r.u16(26);
        d.addUInt(icmp, s_f[MldNbSources], r, 26, 2);
        for (size_t i = 0; i < n; ++i)
            d.addBytes(icmp, s_f[MldSource], r, 28 + 16 * i, 16);
        return;
    }
    d.addUInt(icmp, s_f[MldMaxDelay], r, 4, 2);
    d.addBytes(icmp, s_f[Reserved], r, 6, 2);
    d.addBytes(icmp, s_f[MldMcast], r, 8, 16);
}

void dissectMldv2Report(Dissection &d, const Reader &r, Item icmp)
{
    d.addBytes(icmp, s_f[Reserved], r, 4, 2);
    const uint16_t records = r.u16(6);
    d.addUInt(icmp, s_f[MldrNbRecords], r, 6, 2);
    size_t at = 8;
    for (uint16_t i = 0; i < records; ++i) {
        const uint8_t rtype = r.u8(at);
        const size_t aux = size_t(r.u8(at + 1)) * 4;
        const size_t nsrc = r.u16(at + 2);
        const size_t len = 20 + nsrc * 16 + aux;
        // The record's range as far as it was captured (all of it is checked below).
        Item mar = d.addValue(icmp, s_f[MldrMar], r, at, std::min(len, r.capturedFrom(at)), 0);
        if (mar) {
            std::string label = "Multicast Address Record ";
            const std::string_view name = nameOf(kRecordTypes, rtype);
            if (name.empty()) {
                label += "Unknown (";
                text::appendUInt(label, rtype);
                label += ')';
            } else {
                label += name;
            }
            label += ": ";
            text::appendIPv6(label, r.ptr(at + 4, 16));
            d.setText(mar, std::move(label));
        }
        d.addUInt(mar, s_f[MldrType], r, at, 1);
        d.addUInt(mar, s_f[MldrAuxLen], r, at + 1, 1);
        d.addUInt(mar, s_f[MldrNbSources], r, at + 2, 2);
        d.addBytes(mar, s_f[MldrMcast], r, at + 4, 16);
        for (size_t s = 0; s < nsrc; ++s)
            d.addBytes(mar, s_f[MldrSource], r, at + 20 + 16 * s, 16);
        if (aux)
            d.addBytes(mar, s_f[MldrAux], r, at + 20 + 16 * nsrc, aux);
        r.require(at, len);
        at += len;
    }
}

/// Adds the flags and returns tshark's short form of them for the Info column.
std::string addNaFlags(Dissection &d, const Reader &r, Item icmp)
{
    const uint32_t flags = r.u32(4);
    Item f = d.addUInt(icmp, s_f[NaFlag], r, 4, 4);
    std::string label = "Flags: ";
    text::appendHex(label, flags, 8);
    std::string brief;
    constexpr struct
    {
        uint32_t bit;
        std::string_view name, abbrev;
    } kBits[] = {{0x80000000, "Router", "rtr"},
                 {0x40000000, "Solicited", "sol"},
                 {0x20000000, "Override", "ovr"}};
    for (const auto &b : kBits) {
        if (!(flags & b.bit))
            continue;
        label += ", ";
        label += b.name;
        if (!brief.empty())
            brief += ", ";
        brief += b.abbrev;
    }
    d.setText(f, std::move(label));
    d.addUInt(f, s_f[NaFlagR], r, 4, 4);
    d.addUInt(f, s_f[NaFlagS], r, 4, 4);
    d.addUInt(f, s_f[NaFlagO], r, 4, 4);
    d.addUInt(f, s_f[NaFlagRsv], r, 4, 4);
    return brief.empty() ? std::string("none") : brief;
}

void addRaFlags(Dissection &d, const Reader &r, Item icmp)
{
    const uint8_t flags = r.u8(5);
    Item f = d.addUInt(icmp, s_f[RaFlag], r, 5, 1);
    if (f) {
        std::string label = "Flags: ";
        text::appendHex(label, flags, 2);
        if (flags & 0x80)
            label += ", Managed address configuration";
        if (flags & 0x40)
            label += ", Other configuration";
        if (flags & 0x20)
            label += ", Home Agent";
        label += ", Prf (Default Router Preference): ";
        label += nameOf(kPrfNames, (flags >> 3) & 3);
        if (flags & 0x04)
            label += ", Proxy";
        d.setText(f, std::move(label));
    }
    for (int k : {RaFlagM, RaFlagO, RaFlagH, RaFlagPrf, RaFlagP, RaFlagRsv})
        d.addUInt(f, s_f[k], r, 5, 1);
}

void addChecksum(Dissection &d, const Reader &r, Item icmp)
{
    const uint16_t value = r.u16(2);
    Item ck = d.addUInt(icmp, s_f[Checksum], r, 2, 2);
    std::string label = "Checksum: ";
    text::appendHex(label, value, 4);
    uint64_t status = 2;
    if (d.columnsFrozen()) {
        // The quoted packet is usually cut short; its checksum cannot be checked.
        label += " [unverified] [in ICMP error packet]";
    } else if (d.prefs.verifyChecksums && d.net.version == 6 && r.captured() == r.reported()) {
        const size_t len = r.reported();
        uint64_t sum = checksum::pseudoHeader(6, d.net.src, d.net.dst, 58, uint32_t(len));
        sum = checksum::add(sum, r.ptr(0, 2), 2);
        sum = checksum::add(sum, r.ptr(4, len - 4), len - 4);
        const uint16_t expected = checksum::finish(sum);
        if (expected == value) {
            status = 1;
            label += " [correct]";
        } else {
            status = 0;
            label += " incorrect, should be ";
            text::appendHex(label, expected, 4);
            const std::string msg = checksum::badText(expected);
            d.expert(ck, r, 2, 2, Severity::Warning, ExpertGroup::Checksum, msg, 0,
                     s_ei[ChecksumBad]);
            d.flag(ck, BadChecksum);
        }
    } else {
        label += " [unverified]";
    }
    d.setText(ck, std::move(label));
    Item st = d.addGenerated(icmp, s_f[ChecksumStatus], status);
    if (st) {
        // Wireshark shows this BASE_NONE status by name alone.
        std::string text = "Checksum Status: ";
        text += nameOf(checksum::kStatusNames, status);
        d.setText(st, std::move(text));
    }
}

void dissectIcmpv6(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("ICMPv6");
    d.info().clear();
    Item icmp = d.addProtocol(parent, s_f.protocol(), r, 0, r.captured());
    d.setText(icmp, "Internet Control Message Protocol v6");
    const uint8_t type = r.u8(0);
    d.addUInt(icmp, s_f[Type], r, 0, 1);
    const uint8_t code = r.u8(1);
    Item c = d.addUInt(icmp, s_f[Code], r, 1, 1);
    const ValueNames codes = codeNames(type);
    const std::string_view codeName = nameOf(codes, code);
    if (c && !codeName.empty()) {
        std::string label = "Code: ";
        text::appendUInt(label, code);
        label += " (";
        label += codeName;
        label += ')';
        d.setText(c, std::move(label));
    }
    addChecksum(d, r, icmp);

    std::string &info = d.info();
    const std::string_view typeName = nameOf(kTypeNames, type);
    info.clear();
    if (typeName.empty()) {
        info = "Unknown (";
        text::appendUInt(info, type);
        info += ')';
    } else {
        info = typeName;
    }
    if (!codes.empty()) {
        info += " (";
        if (!codeName.empty()) {
            info += codeName;
        } else if (type == 1) {
            info += "Unknown";
        } else {
            info += "Unknown (";
            text::appendUInt(info, code);
            info += ')';
        }
        info += ')';
    }

    switch (type) {
    case 1:
    case 3:
        d.addBytes(icmp, s_f[Reserved], r, 4, 4);
        dissectQuote(d, r, 8, icmp);
        break;
    case 2:
        d.addUInt(icmp, s_f[Mtu], r, 4, 4);
        dissectQuote(d, r, 8, icmp);
        break;
    case 4:
        d.addUInt(icmp, s_f[Pointer], r, 4, 4);
        dissectQuote(d, r, 8, icmp);
        break;
    case 128:
    case 129:
        dissectEcho(d, r, icmp, type);
        break;
    case 130:
    case 131:
    case 132:
        dissectMld(d, r, icmp, type);
        break;
    case 133:
        d.addBytes(icmp, s_f[Reserved], r, 4, 4);
        dissectOptions(d, r, 8, icmp);
        break;
    case 134:
        d.addUInt(icmp, s_f[RaCurHopLimit], r, 4, 1);
        addRaFlags(d, r, icmp);
        d.addUInt(icmp, s_f[RaRouterLifetime], r, 6, 2);
        d.addUInt(icmp, s_f[RaReachableTime], r, 8, 4);
        d.addUInt(icmp, s_f[RaRetransTimer], r, 12, 4);
        dissectOptions(d, r, 16, icmp);
        break;
    case 135:
        d.addBytes(icmp, s_f[Reserved], r, 4, 4);
        d.addBytes(icmp, s_f[NsTarget], r, 8, 16);
        info += " for ";
        text::appendIPv6(info, r.ptr(8, 16));
        dissectOptions(d, r, 24, icmp);
        break;
    case 136: {
        const std::string flags = addNaFlags(d, r, icmp);
        d.addBytes(icmp, s_f[NaTarget], r, 8, 16);
        info += ' ';
        text::appendIPv6(info, r.ptr(8, 16));
        info += " (";
        info += flags;
        info += ')';
        dissectOptions(d, r, 24, icmp);
        break;
    }
    case 137:
        d.addBytes(icmp, s_f[Reserved], r, 4, 4);
        d.addBytes(icmp, s_f[RdTarget], r, 8, 16);
        d.addBytes(icmp, s_f[RdDestination], r, 24, 16);
        dissectOptions(d, r, 40, icmp);
        break;
    case 143:
        dissectMldv2Report(d, r, icmp);
        break;
    default:
        if (r.reported() > 4)
            d.data(r.sub(4), icmp);
        break;
    }
}

} // namespace

void register_icmpv6(Registry &reg)
{
    s_f = reg.addProtocol({"icmpv6", "ICMPv6", "Internet Control Message Protocol v6"}, kFields);
    reg.setCrossFrame(s_f[RespTo]); // the echo request an earlier frame carried
    s_ei = reg.addFields(kExperts);
    reg.addDissector(Table::IpProto, 58, dissectIcmpv6);
}

} // namespace pl::proto
