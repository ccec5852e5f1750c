// Internet Control Message Protocol for IPv4 (IP protocol 1).
// Specification: RFC 792 (messages), RFC 950 (address mask), RFC 1191 (next-hop MTU),
// RFC 1256 (router discovery), RFC 1812 section 5.2.7.1 (unreachable codes 13-15).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |     Code      |          Checksum             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Identifier / unused / gateway / pointer / MTU (type-specific) |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Data: echo payload, timestamps, address mask, router entries, |
//  |  or (error messages) the offending IP header + 8 bytes         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Error messages quote the datagram that caused them; it is dissected as IPv4 under the ICMP
// item with the columns frozen, so the tree shows the inner headers while the packet list
// keeps the outer addresses.

#include "checksum.h"
#include "dissection.h"
#include "textformat.h"

#include <cstdio>
#include <cstring>
#include <deque>
#include <unordered_map>

namespace pl::proto {

namespace {

// clang-format off
enum F {
    Type, Code, Checksum, ChecksumStatus, Unused, Ident, IdentLe, Seq, SeqLe, Mtu, NumAddrs,
    AddrEntrySize, Lifetime, Pointer, RouterAddress, PrefLevel, OrigTs, RecvTs, XmitTs,
    AddressMask, RedirGw, RespTo, DataTime, DataTimeRelative, Count,
};
// clang-format on

enum IcmpType : uint8_t {
    EchoReply = 0,
    Unreachable = 3,
    SourceQuench = 4,
    Redirect = 5,
    AltHost = 6,
    EchoRequest = 8,
    RouterAdvert = 9,
    RouterSolicit = 10,
    TimeExceeded = 11,
    ParamProblem = 12,
    TimestampRequest = 13,
    TimestampReply = 14,
    InfoRequest = 15,
    InfoReply = 16,
    MaskRequest = 17,
    MaskReply = 18,
    Photuris = 40,
    ExtEchoRequest = 42,
    ExtEchoReply = 43,
};

constexpr ValueName kTypeNames[] = {
    {0, "Echo (ping) reply"},
    {1, "Reserved"},
    {2, "Reserved"},
    {3, "Destination unreachable"},
    {4, "Source quench (flow control)"},
    {5, "Redirect"},
    {6, "Alternate host address"},
    {8, "Echo (ping) request"},
    {9, "Router advertisement"},
    {10, "Router solicitation"},
    {11, "Time-to-live exceeded"},
    {12, "Parameter problem"},
    {13, "Timestamp request"},
    {14, "Timestamp reply"},
    {15, "Information request"},
    {16, "Information reply"},
    {17, "Address mask request"},
    {18, "Address mask reply"},
    {19, "Reserved (for security)"},
    {30, "Traceroute"},
    {31, "Datagram Conversion Error"},
    {32, "Mobile Host Redirect"},
    {33, "IPv6 Where-Are-You"},
    {34, "IPv6 I-Am-Here"},
    {35, "Mobile Registration Request"},
    {36, "Mobile Registration Reply"},
    {37, "Domain Name Request"},
    {38, "Domain Name Reply"},
    {39, "SKIP"},
    {40, "Photuris"},
    {41, "Experimental mobility protocols"},
    {42, "Extended Echo request"},
    {43, "Extended Echo reply"},
};

constexpr ValueName kUnreachCodes[] = {
    {0, "Network unreachable"},
    {1, "Host unreachable"},
    {2, "Protocol unreachable"},
    {3, "Port unreachable"},
    {4, "Fragmentation needed"},
    {5, "Source route failed"},
    {6, "Destination network unknown"},
    {7, "Destination host unknown"},
    {8, "Source host isolated"},
    {9, "Network administratively prohibited"},
    {10, "Host administratively prohibited"},
    {11, "Network unreachable for TOS"},
    {12, "Host unreachable for TOS"},
    {13, "Communication administratively filtered"},
    {14, "Host precedence violation"},
    {15, "Precedence cutoff in effect"},
};

constexpr ValueName kRedirectCodes[] = {
    {0, "Redirect for network"},
    {1, "Redirect for host"},
    {2, "Redirect for TOS and network"},
    {3, "Redirect for TOS and host"},
};

constexpr ValueName kTimeExceededCodes[] = {
    {0, "Time to live exceeded in transit"},
    {1, "Fragment reassembly time exceeded"},
};

constexpr ValueName kParamProblemCodes[] = {
    {0, "Pointer indicates the error"},
    {1, "Required option missing"},
    {2, "Bad length"},
};

constexpr ValueName kRouterAdvertCodes[] = {
    {0, "Normal router advertisement"},
    {16, "Does not route common traffic"},
};

constexpr ValueName kAltHostCodes[] = {{0, "Alternate address for host"}};

constexpr ValueName kPhoturisCodes[] = {
    {0, "Bad SPI"},           {1, "Authentication Failed"}, {2, "Decompression Failed"},
    {3, "Decryption Failed"}, {4, "Need Authentication"},   {5, "Need Authorization"},
};

constexpr ValueName kExtEchoRequestCodes[] = {{0, "No error"}};

constexpr ValueName kExtEchoReplyCodes[] = {
    {0, "No error"},
    {1, "Malformed Query"},
    {2, "No Such Interface"},
    {3, "No Such Table Entry"},
    {4, "Multiple Interfaces Satisfy Query"},
};

constexpr FieldDef kFields[] = {
    {"icmp.type", "Type", FieldType::UInt8, Base::Dec, 0, kTypeNames},
    {"icmp.code", "Code", FieldType::UInt8, Base::Dec},
    {"icmp.checksum", "Checksum", FieldType::UInt16, Base::Hex},
    {"icmp.checksum.status", "Checksum Status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"icmp.unused", "Unused", FieldType::Bytes},
    {"icmp.ident", "Identifier (BE)", FieldType::UInt16, Base::DecHex},
    {"icmp.ident_le", "Identifier (LE)", FieldType::UInt16, Base::DecHex},
    {"icmp.seq", "Sequence Number (BE)", FieldType::UInt16, Base::DecHex},
    {"icmp.seq_le", "Sequence Number (LE)", FieldType::UInt16, Base::DecHex},
    {"icmp.mtu", "MTU of next hop", FieldType::UInt16, Base::Dec},
    {"icmp.num_addrs", "Number of addresses", FieldType::UInt8, Base::Dec},
    {"icmp.addr_entry_size", "Address entry size", FieldType::UInt8, Base::Dec},
    {"icmp.lifetime", "Lifetime", FieldType::UInt16, Base::Dec},
    {"icmp.pointer", "Pointer", FieldType::UInt32, Base::Dec},
    {"icmp.router_address", "Router address", FieldType::IPv4},
    {"icmp.pref_level", "Preference level", FieldType::Int32, Base::Dec},
    {"icmp.originate_timestamp", "Originate Timestamp", FieldType::UInt32, Base::Dec},
    {"icmp.receive_timestamp", "Receive Timestamp", FieldType::UInt32, Base::Dec},
    {"icmp.transmit_timestamp", "Transmit Timestamp", FieldType::UInt32, Base::Dec},
    {"icmp.address_mask", "Address Mask", FieldType::IPv4},
    {"icmp.redir_gw", "Gateway Address", FieldType::IPv4},
    {"icmp.resp_to", "Request frame", FieldType::FrameNum, Base::Dec},
    {"icmp.data_time", "Timestamp from icmp data", FieldType::AbsTime},
    {"icmp.data_time_relative", "Timestamp from icmp data (relative)", FieldType::RelTime},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E { ChecksumBad, ECount };
constexpr FieldDef kExperts[] = {
    {"icmp.checksum_bad", "Bad checksum", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;

ValueNames codeNames(uint8_t type)
{
    switch (type) {
    case Unreachable:
        return kUnreachCodes;
    case Redirect:
        return kRedirectCodes;
    case AltHost:
        return kAltHostCodes;
    case RouterAdvert:
        return kRouterAdvertCodes;
    case TimeExceeded:
        return kTimeExceededCodes;
    case ParamProblem:
        return kParamProblemCodes;
    case Photuris:
        return kPhoturisCodes;
    case ExtEchoRequest:
        return kExtEchoRequestCodes;
    case ExtEchoReply:
        return kExtEchoReplyCodes;
    default:
        return {};
    }
}

std::string_view typeName(uint8_t type, uint8_t code)
{
    // Wireshark names a router advertisement with a Mobile IP code (RFC 5944 2.1) after
    // Mobile IP; the plain name is left for other codes.
    if (type == RouterAdvert && (code == 0 || code == 16))
        return "Mobile IP Advertisement";
    const std::string_view n = nameOf(kTypeNames, type);
    return n.empty() ? std::string_view("Unknown ICMP (obsolete or malformed?)") : n;
}

bool hasIdentSeq(uint8_t type)
{
    switch (type) {
    case EchoReply:
    case EchoRequest:
    case TimestampRequest:
    case TimestampReply:
    case InfoRequest:
    case InfoReply:
    case MaskRequest:
    case MaskReply:
        return true;
    default:
        return false;
    }
}

bool isError(uint8_t type)
{
    return type == Unreachable || type == SourceQuench || type == Redirect ||
           type == TimeExceeded || type == ParamProblem;
}

/// Wireshark's duration text: `3 minutes, 20 seconds`, `4 hours, 28 minutes, 51.171 seconds`.
void appendDuration(std::string &out, uint64_t secs, uint32_t msecs, bool withMs)
{
    if (secs == 0 && msecs == 0) {
        out += "0 seconds";
        return;
    }
    const uint64_t s = secs % 60, m = secs / 60 % 60, h = secs / 3600 % 24, days = secs / 86400;
    bool sep = false;
    auto part = [&](uint64_t v, std::string_view unit) {
        if (sep)
            out += ", ";
        text::appendUInt(out, v);
        out += ' ';
        out += unit;
        if (v != 1)
            out += 's';
        sep = true;
    };
    if (days)
        part(days, "day");
    if (h)
        part(h, "hour");
    if (m)
        part(m, "minute");
    if (s || msecs) {
        if (withMs && msecs) {
            if (sep)
                out += ", ";
            char buf[32];
            const int n = snprintf(buf, sizeof buf, "%u.%03u seconds", unsigned(s), msecs);
            out.append(buf, size_t(n > 0 ? n : 0));
        } else {
            part(s, "second");
        }
    }
}

void addTimestamp(Dissection &d, Item icmp, const Reader &r, size_t at, int field)
{
    Item it = d.addUInt(icmp, s_f[field], r, at, 4);
    if (!it)
        return;
    constexpr uint32_t kDayMs = 86400 * 1000;
    const uint32_t v = r.u32(at);
    // RFC 792 wants milliseconds since midnight UT; hosts that write them in their own byte
    // order are common enough that Wireshark tries the swapped value.
    uint32_t ms = v;
    if (ms >= kDayMs)
        ms = r.u32le(at);
    std::string label(d.registry().field(s_f[field]).name);
    label += ": ";
    text::appendUInt(label, v);
    if (ms < kDayMs) {
        label += " (";
        appendDuration(label, ms / 1000, ms % 1000, true);
        label += " after midnight UTC)";
    }
    d.setText(it, std::move(label));
}

/// ping(8) writes the time it sent an echo in the first 8 bytes of its data (seconds and
/// microseconds, in the sender's byte order). Like Wireshark, those bytes are shown as a time
/// when either order gives a time within a day of the frame's (true when found).
bool echoTimestamp(Dissection &d, Item icmp, const Reader &r)
{
    if (!r.has(8, 8) || !d.frame().hasTimestamp)
        return false;
    const auto frameSec = uint32_t(d.frame().tsSec);
    auto away = [&](uint32_t sec) { return int32_t(sec - frameSec); }; // 32-bit time wraps
    auto plausible = [&](uint32_t sec, uint32_t usec) {
        return away(sec) > -86400 && away(sec) < 86400 && usec < 1000000;
    };
    uint32_t sec = r.u32(8), usec = r.u32(12);
    if (!plausible(sec, usec)) {
        sec = r.u32le(8);
        usec = r.u32le(12);
        if (!plausible(sec, usec))
            return false;
    }
    // The stamp's full seconds: the frame's, moved by the (small) 32-bit difference.
    const int64_t stampSec = d.frame().tsSec + away(sec);
    d.addTime(icmp, s_f[DataTime], r, 8, 8, stampSec, usec * 1000);
    int64_t relSec;
    uint32_t relNsec;
    timeDifference(d.frame().tsSec, d.frame().tsNsec, stampSec, usec * 1000, relSec, relNsec);
    d.flag(d.addTime(icmp, s_f[DataTimeRelative], r, 8, 8, relSec, relNsec), Generated);
    return true;
}

/// Echo requests seen so far, for `(request in N)` on replies. Bounded: the oldest entries go
/// first once the table is full, so a flood of unanswered pings cannot grow it without end.
struct EchoRequests
{
    struct Key
    {
        uint8_t src[4];
        uint8_t dst[4];
        uint16_t ident;
        uint16_t seq;
        bool operator==(const Key &o) const { return std::memcmp(this, &o, sizeof *this) == 0; }
    };
    struct KeyHash
    {
        size_t operator()(const Key &k) const
        {
            uint64_t h = 1469598103934665603ull;
            const auto *p = reinterpret_cast<const uint8_t *>(&k);
            for (size_t i = 0; i < sizeof k; ++i)
                h = (h ^ p[i]) * 1099511628211ull;
            return size_t(h);
        }
    };
    struct Request
    {
        uint64_t frame;
        int64_t sec;
        uint32_t nsec;
    };
    static constexpr size_t kMax = 65536;
    std::unordered_map<Key, Request, KeyHash> requests;
    std::deque<Key> order;

    void add(const Key &k, const Request &req)
    {
        auto [it, inserted] = requests.insert_or_assign(k, req);
        (void)it;
        if (!inserted)
            return;
        order.push_back(k);
        if (order.size() > kMax) {
            requests.erase(order.front());
            order.pop_front();
        }
    }
};

/// For each echo reply of the first pass, the request it matched (frame 0: none).
struct EchoReplyLog : FrameLog<EchoRequests::Request>
{
};

// Wireshark shows a BASE_NONE status by name only: "[Checksum Status: Good]".
void addStatus(Dissection &d, Item icmp, uint8_t status)
{
    Item it = d.addGenerated(icmp, s_f[ChecksumStatus], status);
    if (it) {
        std::string label = "Checksum Status: ";
        label += nameOf(checksum::kStatusNames, status);
        d.setText(it, std::move(label));
    }
}

void dissectIcmp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("ICMP");
    // Like tshark, a capture cut inside the 8-byte header is reported before anything is
    // shown; a header that the IP length itself cuts short is dissected as far as it goes.
    if (r.reported() >= 8)
        r.require(0, 8);
    const uint8_t type = r.u8(0);
    const uint8_t code = r.u8(1);
    const bool frozen = d.columnsFrozen();
    const std::string_view tname = typeName(type, code);
    const ValueNames codes = codeNames(type);
    std::string codeText;
    if (!codes.empty()) {
        const std::string_view cn = nameOf(codes, code);
        if (cn.empty()) {
            codeText = "Unknown code: ";
            text::appendUInt(codeText, code);
        } else {
            codeText = cn;
        }
    }

    if (!frozen) {
        std::string &info = d.info();
        info.assign(tname);
        if (info.size() < 20)
            info.append(20 - info.size(), ' ');
        if (!codeText.empty()) {
            info += " (";
            info += codeText;
            info += ')';
        }
    }

    Item icmp = d.addProtocol(parent, s_f.protocol(), r, 0, r.captured());
    Item typeItem = d.addUInt(icmp, s_f[Type], r, 0, 1);
    if (typeItem) {
        // Wireshark prints the number first here ("Type: 8 (Echo (ping) request)").
        std::string label = "Type: ";
        text::appendUInt(label, type);
        label += " (";
        label += tname;
        label += ')';
        d.setText(typeItem, std::move(label));
    }
    Item codeItem = d.addUInt(icmp, s_f[Code], r, 1, 1);
    if (codeItem && !codeText.empty()) {
        std::string label = "Code: ";
        text::appendUInt(label, code);
        label += " (";
        label += codeText;
        label += ')';
        d.setText(codeItem, std::move(label));
    }

    const uint16_t stored = r.u16(2);
    Item ck = d.addUInt(icmp, s_f[Checksum], r, 2, 2);
    std::string ckLabel;
    if (ck) {
        ckLabel = "Checksum: ";
        text::appendHex(ckLabel, stored, 4);
    }
    if (frozen) {
        // A quoted message is cut after 8 bytes (RFC 792): its checksum cannot be checked.
        ckLabel += " [unverified] [in ICMP error packet]";
        addStatus(d, icmp, 2);
    } else if (d.prefs.verifyChecksums && r.captured() == r.reported()) {
        const uint16_t computed =
            checksum::finish(checksum::add(0, r.ptr(0, r.captured()), r.captured()));
        if (computed == 0) {
            ckLabel += " [correct]";
            addStatus(d, icmp, 1);
        } else {
            // The sum over the message with the stored value in place is 0 when it is right;
            // the value it should hold is the sum with that field taken as 0.
            uint64_t sum = checksum::add(0, r.ptr(0, 2), 2);
            sum = checksum::add(sum, r.ptr(4, r.captured() - 4), r.captured() - 4);
            const uint16_t expected = checksum::finish(sum);
            ckLabel += " incorrect, should be ";
            text::appendHex(ckLabel, expected, 4);
            const std::string msg = checksum::badText(expected);
            d.expert(ck, r, 2, 2, Severity::Warning, ExpertGroup::Checksum, msg, BadChecksum,
                     s_ei[ChecksumBad]);
            d.flag(ck, BadChecksum);
            addStatus(d, icmp, 0);
        }
    } else {
        ckLabel += " [unverified]";
        addStatus(d, icmp, 2);
    }
    if (ck)
        d.setText(ck, std::move(ckLabel));

    if (hasIdentSeq(type)) {
        const uint16_t ident = r.u16(4);
        d.addUInt(icmp, s_f[Ident], r, 4, 2);
        d.addValue(icmp, s_f[IdentLe], r, 4, 2, r.u16le(4));
        const uint16_t seq = r.u16(6);
        d.addUInt(icmp, s_f[Seq], r, 6, 2);
        d.addValue(icmp, s_f[SeqLe], r, 6, 2, r.u16le(6));
        if (!frozen) {
            std::string &info = d.info();
            info += " id=";
            text::appendHex(info, ident, 4);
            info += ", seq=";
            text::appendUInt(info, seq);
            info += '/';
            text::appendUInt(info, r.u16le(6));
            if (d.net.version == 4) {
                info += ", ttl=";
                text::appendUInt(info, d.net.hopLimit);
            }
        }

        if ((type == EchoRequest || type == EchoReply) && !frozen && d.net.version == 4) {
            EchoRequests &echo = d.session().state<EchoRequests>();
            EchoRequests::Key key{};
            const bool request = type == EchoRequest;
            // The reply flows the other way: key both by the request's direction.
            std::memcpy(key.src, request ? d.net.src : d.net.dst, 4);
            std::memcpy(key.dst, request ? d.net.dst : d.net.src, 4);
            key.ident = ident;
            key.seq = seq;
            const Frame &f = d.frame();
            // A reply names the request the first pass matched, also when seen again.
            auto &log = d.session().state<EchoReplyLog>();
            const EchoRequests::Request *logged = d.logged(log);
            const EchoRequests::Request *match = nullptr;
            if (logged) {
                match = logged->frame ? logged : nullptr;
            } else if (request) {
                echo.add(key, {f.number, f.tsSec, f.tsNsec});
            } else if (auto it = echo.requests.find(key);
                       it != echo.requests.end() && it->second.frame < f.number) {
                match = &it->second;
            }
            if (!logged && d.recording())
                log.record(f.number, match ? *match : EchoRequests::Request{});
            if (match) {
                const EchoRequests::Request &req = *match;
                std::string &info = d.info();
                info += " (request in ";
                text::appendUInt(info, req.frame);
                info += ')';
                d.addGenerated(icmp, s_f[RespTo], req.frame);
                if (icmp) {
                    const int64_t ns =
                        (f.tsSec - req.sec) * 1000000000 + (int64_t(f.tsNsec) - int64_t(req.nsec));
                    char buf[64];
                    const int n =
                        snprintf(buf, sizeof buf, "[Response time: %.3f ms]", double(ns) / 1e6);
                    d.addText(icmp, r, 0, 0, std::string(buf, size_t(n > 0 ? n : 0)));
                }
            }
        }

        switch (type) {
        case TimestampRequest:
        case TimestampReply:
            addTimestamp(d, icmp, r, 8, OrigTs);
            addTimestamp(d, icmp, r, 12, RecvTs);
            addTimestamp(d, icmp, r, 16, XmitTs);
            break;
        case MaskRequest:
        case MaskReply:
            d.addBytes(icmp, s_f[AddressMask], r, 8, 4);
            break;
        case EchoRequest:
        case EchoReply:
            d.data(r.sub(echoTimestamp(d, icmp, r) ? 16 : 8), icmp);
            break;
        default:
            break;
        }
        return;
    }

    switch (type) {
    case Unreachable:
        if (code == 4) {
            d.addBytes(icmp, s_f[Unused], r, 4, 2);
            d.addUInt(icmp, s_f[Mtu], r, 6, 2);
        } else {
            d.addBytes(icmp, s_f[Unused], r, 4, 4);
        }
        break;
    case TimeExceeded:
        d.addBytes(icmp, s_f[Unused], r, 4, 4);
        break;
    case ParamProblem:
        d.addUInt(icmp, s_f[Pointer], r, 4, 1);
        d.addBytes(icmp, s_f[Unused], r, 5, 3);
        break;
    case Redirect:
        d.addBytes(icmp, s_f[RedirGw], r, 4, 4);
        break;
    case RouterAdvert: {
        const size_t num = r.u8(4);
        const size_t entrySize = r.u8(5);
        d.addUInt(icmp, s_f[NumAddrs], r, 4, 1);
        d.addUInt(icmp, s_f[AddrEntrySize], r, 5, 1);
        Item life = d.addUInt(icmp, s_f[Lifetime], r, 6, 2);
        if (life) {
            const uint16_t secs = r.u16(6);
            std::string label = "Lifetime: ";
            text::appendUInt(label, secs);
            label += " (";
            appendDuration(label, secs, 0, false);
            label += ')';
            d.setText(life, std::move(label));
        }
        // RFC 1256: entries are `entrySize` 32-bit words, the first two address and
        // preference; a smaller size cannot hold them.
        const size_t stride = (entrySize < 2 ? 2 : entrySize) * 4;
        size_t at = 8;
        for (size_t i = 0; i < num; ++i, at += stride) {
            d.addBytes(icmp, s_f[RouterAddress], r, at, 4);
            d.addUInt(icmp, s_f[PrefLevel], r, at + 4, 4);
        }
        // Mobile IP extensions (RFC 5944) are not decoded: keep their bytes visible.
        if (at < r.reported())
            d.data(r.sub(at), icmp);
        return;
    }
    default:
        break;
    }

    if (!isError(type))
        return;

    // The quoted datagram: inner headers in the tree, outer packet in the columns.
    if (r.reportedFrom(8) == 0)
        return;
    const Reader quoted = r.sub(8);
    const NetworkLayer savedNet = d.net;
    const bool was = d.freezeColumns(true);
    if (!d.dispatch(Table::EtherType, 0x0800, quoted, icmp))
        d.data(quoted, icmp);
    d.freezeColumns(was);
    d.net = savedNet;
}

} // namespace

void register_icmp(Registry &reg)
{
    s_f = reg.addProtocol({"icmp", "ICMP", "Internet Control Message Protocol"}, kFields);
    reg.setCrossFrame(s_f[RespTo]); // the echo request an earlier frame carried
    s_ei = reg.addFields(kExperts);
    reg.addDissector(Table::IpProto, 1, dissectIcmp);
}

} // namespace pl::proto
