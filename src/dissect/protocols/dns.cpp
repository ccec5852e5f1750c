// DNS, the Domain Name System, over UDP and TCP port 53; mDNS (UDP 5353) and LLMNR (UDP 5355)
// through the same code.
// Specification: RFC 1035 (messages, name compression), RFC 3596 (AAAA), RFC 2782 (SRV),
// RFC 6891 (EDNS(0), OPT), RFC 7873 (cookies), RFC 6762 (mDNS: the QU and cache-flush bits),
// RFC 4795 (LLMNR: the C and T flags), RFC 7766 (DNS over TCP: 2-byte length prefix).
//
//                                  1  1  1  1  1  1
//    0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |                      ID                       |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |                    QDCOUNT                    |
//  |                    ANCOUNT                    |
//  |                    NSCOUNT                    |
//  |                    ARCOUNT                    |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  | questions: NAME, TYPE (16), CLASS (16)        |
//  | records:   NAME, TYPE, CLASS, TTL (32),       |
//  |            RDLENGTH (16), RDATA               |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
// Names are labels (length byte 0..63 and the bytes) ending in a zero byte, or a pointer
// (two bytes, top bits 11) to a name elsewhere in the message. Pointers may point anywhere,
// also forwards and into themselves: the walk below is bounded in bytes and jumps.

#include "dissection.h"
#include "textformat.h"

#include <cstring>
#include <deque>
#include <unordered_map>

namespace pl::proto {

namespace {

// Wireshark's record type names (the tree's Type line); the Info column shows the short form.
constexpr ValueName kTypes[] = {
    {0, "Unused"},
    {1, "A (Host Address)"},
    {2, "NS (authoritative Name Server)"},
    {3, "MD (Mail Destination)"},
    {4, "MF (Mail Forwarder)"},
    {5, "CNAME (Canonical NAME for an alias)"},
    {6, "SOA (Start Of a zone of Authority)"},
    {7, "MB (MailBox domain name)"},
    {8, "MG (Mail Group member)"},
    {9, "MR (Mail Rename domain)"},
    {10, "NULL RR"},
    {11, "WKS (Well Known Service)"},
    {12, "PTR (domain name PoinTeR)"},
    {13, "HINFO (host information)"},
    {14, "MINFO (Mailbox or mail list information)"},
    {15, "MX (Mail eXchange)"},
    {16, "TXT (Text strings)"},
    {17, "RP (Responsible Person)"},
    {18, "AFSDB (AFS Data Base location)"},
    {19, "X25 (XX.25 PSDN address)"},
    {20, "ISDN (ISDN address)"},
    {21, "RT (Route Through)"},
    {22, "NSAP (NSAP address)"},
    {23, "NSAP-PTR (NSAP domain name pointer)"},
    {24, "SIG (security signature)"},
    {25, "KEY (security key)"},
    {26, "PX (X.400 mail mapping information)"},
    {27, "GPOS (Geographical Position)"},
    {28, "AAAA (IPv6 Address)"},
    {29, "LOC (Location Information)"},
    {30, "NXT (Next Domain)"},
    {31, "EID (Endpoint Identifier)"},
    {32, "NIMLOC (Nimrod Locator)"},
    {33, "SRV (Server Selection)"},
    {34, "ATMA (ATM Address)"},
    {35, "NAPTR (Naming Authority Pointer)"},
    {36, "KX (Key Exchanger)"},
    {37, "CERT"},
    {38, "A6 (OBSOLETE - use AAAA)"},
    {39, "DNAME"},
    {40, "SINK"},
    {41, "OPT"},
    {42, "APL"},
    {43, "DS (Delegation Signer)"},
    {44, "SSHFP (SSH Key Fingerprint)"},
    {45, "IPSECKEY"},
    {46, "RRSIG (Resource Record Signature)"},
    {47, "NSEC (Next Secure)"},
    {48, "DNSKEY (DNS Public Key)"},
    {49, "DHCID"},
    {50, "NSEC3"},
    {51, "NSEC3PARAM"},
    {52, "TLSA"},
    {55, "HIP (Host Identity Protocol)"},
    {57, "RKEY"},
    {58, "TALINK (Trust Anchor LINK)"},
    {59, "CDS (Child DS)"},
    {60, "CDNSKEY (DNSKEY(s) the Child wants reflected in DS)"},
    {61, "OPENPGPKEY (OpenPGP Key)"},
    {62, "CSYNC (Child-to-Parent Synchronization)"},
    {63, "ZONEMD"},
    {64, "SVCB (General Purpose Service Endpoints)"},
    {65, "HTTPS (HTTPS Specific Service Endpoints)"},
    {99, "SPF"},
    {100, "UINFO"},
    {101, "UID"},
    {102, "GID"},
    {103, "UNSPEC"},
    {104, "NID (NodeID)"},
    {105, "L32 (Locator32)"},
    {106, "L64 (Locator64)"},
    {107, "LP (Locator FQDN)"},
    {108, "EUI48"},
    {109, "EUI64"},
    {249, "TKEY (Transaction Key)"},
    {250, "TSIG (Transaction Signature)"},
    {251, "IXFR (incremental transfer)"},
    {252, "AXFR (transfer of an entire zone)"},
    {253, "MAILB (mailbox-related RRs)"},
    {254, "MAILA (mail agent RRs)"},
    {255, "* (A request for all records the server/cache has available)"},
    {256, "URI"},
    {257, "CAA (Certification Authority Restriction)"},
    {32768, "TA (DNSSEC Trust Authorities)"},
    {32769, "DLV (DNSSEC Lookaside Validation)"},
    {65281, "WINS"},
    {65282, "WINS-R"},
    {65422, "XPF"},
};

// Types whose Info text is not the long name's first word.
std::string_view shortType(uint16_t type)
{
    switch (type) {
    case 10:
        return "NULL";
    case 253:
        return "MAILA";
    case 254:
        return "MAILB";
    case 255:
        return "ANY";
    default:
        break;
    }
    std::string_view n = nameOf(kTypes, type);
    const size_t p = n.find(" (");
    return p == std::string_view::npos ? n : n.substr(0, p);
}

constexpr ValueName kClasses[] = {
    {1, "IN"}, {2, "CS"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
};

constexpr ValueName kOpcodes[] = {
    {0, "Standard query"},           {1, "Inverse query"},  {2, "Server status request"},
    {4, "Zone change notification"}, {5, "Dynamic update"}, {6, "DNS Stateful operations (DSO)"},
};

constexpr ValueName kRcodes[] = {
    {0, "No error"},          {1, "Format error"},      {2, "Server failure"},
    {3, "No such name"},      {4, "Not implemented"},   {5, "Refused"},
    {6, "Name exists"},       {7, "RRset exists"},      {8, "RRset does not exist"},
    {9, "Not authoritative"}, {10, "Name out of zone"}, {11, "DSO-Type not implemented"},
};

constexpr ValueName kOptCodes[] = {
    {0, "Reserved"},
    {1, "LLQ - Long-lived query"},
    {2, "UL - Update lease"},
    {3, "NSID - Name Server Identifier"},
    {4, "Owner (reserved)"},
    {5, "DAU - DNSSEC Algorithm Understood (RFC6975)"},
    {6, "DHU - DS Hash Understood (RFC6975)"},
    {7, "N3U - NSEC3 Hash Understood (RFC6975)"},
    {8, "CSUBNET - Client subnet"},
    {9, "EDNS EXPIRE (RFC7314)"},
    {10, "COOKIE"},
    {11, "EDNS TCP Keepalive"},
    {12, "PADDING"},
    {13, "CHAIN"},
    {15, "Extended DNS Error"},
};

constexpr ValueName kDnssecAlgorithms[] = {
    {1, "RSA/MD5"},
    {2, "Diffie-Hellman"},
    {3, "DSA"},
    {4, "Elliptic curve crypto"},
    {5, "RSA/SHA1"},
    {6, "DSA + NSEC3/SHA1"},
    {7, "RSA/SHA1 + NSEC3/SHA1"},
    {8, "RSA/SHA-256"},
    {10, "RSA/SHA-512"},
    {12, "GOST R 34.10-2001"},
    {13, "ECDSA Curve P-256 with SHA-256"},
    {14, "ECDSA Curve P-386 with SHA-386"}, // sic, as Wireshark 4.0 shows it
    {15, "Ed25519"},
    {16, "Ed448"},
    {252, "Indirect key"},
    {253, "Private, domain name"},
    {254, "Private, OID"},
};

constexpr ValueName kDsDigests[] = {
    {0, "Reserved digest"}, {1, "SHA-1"}, {2, "SHA-256"}, {3, "GOST R 34.11-94"}, {4, "SHA-384"},
};

constexpr ValueName kNsec3Hashes[] = {{0, "Reserved"}, {1, "SHA-1"}};

constexpr ValueName kEcsFamilies[] = {{1, "IPv4"}, {2, "IPv6"}};

// RFC 8914 extended DNS error codes.
constexpr ValueName kEdeCodes[] = {
    {0, "Other Error"},
    {1, "Unsupported DNSKEY Algorithm"},
    {2, "Unsupported DS Digest Type"},
    {3, "Stale Answer"},
    {4, "Forged Answer"},
    {5, "DNSSEC Indeterminate"},
    {6, "DNSSEC Bogus"},
    {7, "Signature Expired"},
    {8, "Signature Not Yet Valid"},
    {9, "DNSKEY Missing"},
    {10, "RRSIGs Missing"},
    {11, "No Zone Key Bit Set"},
    {12, "NSEC Missing"},
    {13, "Cached Error"},
    {14, "Not Ready"},
    {15, "Blocked"},
    {16, "Censored"},
    {17, "Filtered"},
    {18, "Prohibited"},
    {19, "Stale NXDomain Answer"},
    {20, "Not Authoritative"},
    {21, "Not Supported"},
    {22, "No Reachable Authority"},
    {23, "Network Error"},
    {24, "Invalid Data"},
    {25, "Signature Expired before Valid"},
    {26, "Too Early"},
    {27, "Unsupported NSEC3 Iterations Value"},
    {28, "Unable to conform to policy"},
    {29, "Synthesized"},
};

enum F {
    Length,
    Id,
    Flags,
    FResponse,
    FOpcode,
    FAuthoritative,
    FConflictQuery,
    FConflictResponse,
    FTruncated,
    FRecDesired,
    FTentative,
    FRecAvail,
    FZ,
    FAdBit,
    FAuthenticated,
    FCheckDisable,
    FRcode,
    CountQueries,
    CountZones,
    CountAnswers,
    CountPrerequisites,
    CountAuth,
    CountUpdates,
    CountAdd,
    QryName,
    QryNameLen,
    CountLabels,
    QryType,
    QryClass,
    QryClassM,
    QryQu,
    RespName,
    RespType,
    RespClass,
    RespClassM,
    RespCacheFlush,
    RespTtl,
    RespLen,
    A,
    Aaaa,
    Cname,
    Ns,
    Ptr,
    MxPreference,
    MxExchange,
    TxtLength,
    Txt,
    SoaMname,
    SoaRname,
    SoaSerial,
    SoaRefresh,
    SoaRetry,
    SoaExpire,
    SoaMinimum,
    SrvService,
    SrvProto,
    SrvName,
    SrvPriority,
    SrvWeight,
    SrvPort,
    SrvTarget,
    UdpPayloadSize,
    UdpPayloadSizeM,
    ExtRcode,
    Edns0Version,
    Z,
    ZDo,
    ZReserved,
    Opt,
    OptCode,
    OptLen,
    OptData,
    CookieClient,
    CookieServer,
    OptDau,
    OptDhu,
    OptN3u,
    EcsFamily,
    EcsNetmask,
    EcsScope,
    EcsAddr,
    EcsAddr4,
    EcsAddr6,
    KeepaliveTimeout,
    Padding,
    ChainFqdn,
    EdeInfoCode,
    EdeExtraText,
    Data,
    ExtraData,
    ExtraLength,
    ResponseIn,
    ResponseTo,
    Time,
    Retransmission,
    RetransmitRequestIn,
    RetransmitResponseIn,
    Unsolicited,
    Count
};

constexpr FieldDef boolField(std::string_view abbrev, std::string_view name, uint64_t mask,
                             std::string_view t, std::string_view f)
{
    return {abbrev, name, FieldType::Boolean, Base::None, mask, {}, {}, t, f};
}

constexpr FieldDef kFields[] = {
    {"dns.length", "Length", FieldType::UInt16, Base::Dec},
    {"dns.id", "Transaction ID", FieldType::UInt16, Base::Hex},
    {"dns.flags", "Flags", FieldType::UInt16, Base::Hex},
    boolField("dns.flags.response", "Response", 0x8000, "Message is a response",
              "Message is a query"),
    {"dns.flags.opcode", "Opcode", FieldType::UInt16, Base::Dec, 0x7800, kOpcodes},
    boolField("dns.flags.authoritative", "Authoritative", 0x0400,
              "Server is an authority for domain", "Server is not an authority for domain"),
    boolField("dns.flags.conflict", "Conflict", 0x0400, "The sender received multiple responses",
              "None"),
    boolField("dns.flags.conflict", "Conflict", 0x0400, "The name is not considered unique",
              "The name is considered unique"),
    boolField("dns.flags.truncated", "Truncated", 0x0200, "Message is truncated",
              "Message is not truncated"),
    boolField("dns.flags.recdesired", "Recursion desired", 0x0100, "Do query recursively",
              "Don't do query recursively"),
    boolField("dns.flags.tentative", "Tentative", 0x0100, "Tentative", "Not tentative"),
    boolField("dns.flags.recavail", "Recursion available", 0x0080,
              "Server can do recursive queries", "Server can't do recursive queries"),
    boolField("dns.flags.z", "Z", 0x0040, "reserved - incorrect!", "reserved (0)"),
    boolField("dns.flags.authenticated", "AD bit", 0x0020, "Set", "Not set"),
    boolField("dns.flags.authenticated", "Answer authenticated", 0x0020,
              "Answer/authority portion was authenticated by the server",
              "Answer/authority portion was not authenticated by the server"),
    boolField("dns.flags.checkdisable", "Non-authenticated data", 0x0010, "Acceptable",
              "Unacceptable"),
    {"dns.flags.rcode", "Reply code", FieldType::UInt16, Base::Dec, 0x000f, kRcodes},
    {"dns.count.queries", "Questions", FieldType::UInt16, Base::Dec},
    {"dns.count.zones", "Zones", FieldType::UInt16, Base::Dec},
    {"dns.count.answers", "Answer RRs", FieldType::UInt16, Base::Dec},
    {"dns.count.prerequisites", "Prerequisites", FieldType::UInt16, Base::Dec},
    {"dns.count.auth_rr", "Authority RRs", FieldType::UInt16, Base::Dec},
    {"dns.count.updates", "Updates", FieldType::UInt16, Base::Dec},
    {"dns.count.add_rr", "Additional RRs", FieldType::UInt16, Base::Dec},
    {"dns.qry.name", "Name", FieldType::String},
    {"dns.qry.name.len", "Name Length", FieldType::UInt16, Base::Dec},
    {"dns.count.labels", "Label Count", FieldType::UInt16, Base::Dec},
    {"dns.qry.type", "Type", FieldType::UInt16, Base::Dec, 0, kTypes},
    {"dns.qry.class", "Class", FieldType::UInt16, Base::Hex, 0, kClasses},
    {"dns.qry.class", "Class", FieldType::UInt16, Base::Hex, 0x7fff, kClasses},
    boolField("dns.qry.qu", "\"QU\" question", 0x8000, "True", "False"),
    {"dns.resp.name", "Name", FieldType::String},
    {"dns.resp.type", "Type", FieldType::UInt16, Base::Dec, 0, kTypes},
    {"dns.resp.class", "Class", FieldType::UInt16, Base::Hex, 0, kClasses},
    {"dns.resp.class", "Class", FieldType::UInt16, Base::Hex, 0x7fff, kClasses},
    boolField("dns.resp.cache_flush", "Cache flush", 0x8000, "True", "False"),
    {"dns.resp.ttl", "Time to live", FieldType::UInt32, Base::Dec},
    {"dns.resp.len", "Data length", FieldType::UInt16, Base::Dec},
    {"dns.a", "Address", FieldType::IPv4},
    {"dns.aaaa", "AAAA Address", FieldType::IPv6},
    {"dns.cname", "CNAME", FieldType::String},
    {"dns.ns", "Name Server", FieldType::String},
    {"dns.ptr.domain_name", "Domain Name", FieldType::String},
    {"dns.mx.preference", "Preference", FieldType::UInt16, Base::Dec},
    {"dns.mx.mail_exchange", "Mail Exchange", FieldType::String},
    {"dns.txt.length", "TXT Length", FieldType::UInt8, Base::Dec},
    {"dns.txt", "TXT", FieldType::String},
    {"dns.soa.mname", "Primary name server", FieldType::String},
    {"dns.soa.rname", "Responsible authority's mailbox", FieldType::String},
    {"dns.soa.serial_number", "Serial Number", FieldType::UInt32, Base::Dec},
    {"dns.soa.refresh_interval", "Refresh Interval", FieldType::UInt32, Base::Dec},
    {"dns.soa.retry_interval", "Retry Interval", FieldType::UInt32, Base::Dec},
    {"dns.soa.expire_limit", "Expire limit", FieldType::UInt32, Base::Dec},
    {"dns.soa.minimum_ttl", "Minimum TTL", FieldType::UInt32, Base::Dec},
    {"dns.srv.service", "Service", FieldType::String},
    {"dns.srv.proto", "Protocol", FieldType::String},
    {"dns.srv.name", "Name", FieldType::String},
    {"dns.srv.priority", "Priority", FieldType::UInt16, Base::Dec},
    {"dns.srv.weight", "Weight", FieldType::UInt16, Base::Dec},
    {"dns.srv.port", "Port", FieldType::UInt16, Base::Dec},
    {"dns.srv.target", "Target", FieldType::String},
    // Wireshark shows plain DNS's payload size in decimal, mDNS's under the cache-flush bit.
    {"dns.rr.udp_payload_size", "UDP payload size", FieldType::UInt16, Base::Dec},
    {"dns.rr.udp_payload_size", "UDP payload size", FieldType::UInt16, Base::Hex, 0x7fff},
    {"dns.resp.ext_rcode", "Higher bits in extended RCODE", FieldType::UInt8, Base::Hex},
    {"dns.resp.edns0_version", "EDNS0 version", FieldType::UInt8, Base::Dec},
    {"dns.resp.z", "Z", FieldType::UInt16, Base::Hex},
    boolField("dns.resp.z.do", "DO bit", 0x8000, "Accepts DNSSEC security RRs",
              "Cannot handle DNSSEC security RRs"),
    {"dns.resp.z.reserved", "Reserved", FieldType::UInt16, Base::Hex, 0x7fff},
    {"dns.opt", "Option", FieldType::None},
    {"dns.opt.code", "Option Code", FieldType::UInt16, Base::Dec, 0, kOptCodes},
    {"dns.opt.len", "Option Length", FieldType::UInt16, Base::Dec},
    {"dns.opt.data", "Option Data", FieldType::Bytes},
    {"dns.opt.cookie.client", "Client Cookie", FieldType::Bytes},
    {"dns.opt.cookie.server", "Server Cookie", FieldType::Bytes},
    {"dns.opt.dau", "DAU", FieldType::UInt8, Base::Dec, 0, kDnssecAlgorithms},
    {"dns.opt.dhu", "DHU", FieldType::UInt8, Base::Dec, 0, kDsDigests},
    {"dns.opt.n3u", "N3U", FieldType::UInt8, Base::Dec, 0, kNsec3Hashes},
    {"dns.opt.client.family", "Family", FieldType::UInt16, Base::Dec, 0, kEcsFamilies},
    {"dns.opt.client.netmask", "Source Netmask", FieldType::UInt8, Base::Dec},
    {"dns.opt.client.scope", "Scope Netmask", FieldType::UInt8, Base::Dec},
    {"dns.opt.client.addr", "Client Subnet", FieldType::Bytes},
    {"dns.opt.client.addr4", "Client Subnet", FieldType::IPv4},
    {"dns.opt.client.addr6", "Client Subnet", FieldType::IPv6},
    {"dns.opt.edns_tcp_keepalive.timeout", "Timeout", FieldType::UInt16, Base::Dec},
    {"dns.opt.padding", "Padding", FieldType::Bytes},
    {"dns.opt.chain.fqdn", "Closest Trust Point", FieldType::String},
    {"dns.opt.ext_error.info_code", "Info Code", FieldType::UInt16, Base::Dec, 0, kEdeCodes},
    {"dns.opt.ext_error.extra_text", "Extra Text", FieldType::String},
    {"dns.data", "Data", FieldType::Bytes},
    {"dns.extraneous.data", "Extraneous Data Bytes", FieldType::Bytes},
    {"dns.extraneous.length", "Extraneous Data Length", FieldType::Int32},
    {"dns.response_in", "Response In", FieldType::FrameNum},
    {"dns.response_to", "Request In", FieldType::FrameNum},
    {"dns.time", "Time", FieldType::RelTime},
    boolField("dns.retransmission", "Retransmission", 0, "True", "False"),
    {"dns.retransmit_request_in", "Retransmitted request. Original request in",
     FieldType::FrameNum},
    {"dns.retransmit_response_in", "Retransmitted response. Original response in",
     FieldType::FrameNum},
    boolField("dns.unsolicited", "Unsolicited", 0, "True", "False"),
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names).
enum E { TtlHighBit, UndecodedType, RetransmitRequest, RetransmitResponse, ECount };
constexpr FieldDef kExperts[] = {
    {"dns.ttl.high_bit_set", "The uppermost bit of the TTL is set (RFC 2181, section 8)",
     FieldType::None},
    {"dns.undecoded.type", "Undecoded option", FieldType::None},
    {"dns.retransmit_request", "DNS query retransmission", FieldType::None},
    {"dns.retransmit_response", "DNS response retransmission", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);

FieldBlock s_f;
FieldBlock s_ei;
FieldId s_mdns = -1;
FieldId s_llmnr = -1;

enum class Flavor : uint8_t { Dns, Mdns, Llmnr };

// --- Names -----------------------------------------------------------------------------------

/// RFC 1035 2.3.4: 255 octets at most on the wire; Wireshark applies the bound to the text.
constexpr size_t kMaxNameText = 255;
/// Pointer jumps a name may take. A real name needs one per suffix it shares; a chain of
/// pointers to pointers is legal but useless, and without this bound every name of a
/// hostile message could walk the whole message.
constexpr int kMaxJumps = 128;

constexpr std::string_view kRoot = "<Root>";
constexpr std::string_view kLoops = "<Name contains a pointer that loops>";
constexpr std::string_view kTooLong = "<Name too long>";
constexpr std::string_view kUnknownExtended = "<Unknown extended label>";

/// A name read from a message: its text in a buffer of its own (no allocation: summary mode
/// reads every name of every packet for the Info column) and its length where it starts.
/// The text is Wireshark's: control bytes as C escapes (`\n`) or `\ooo`, bytes that are not
/// UTF-8 as U+FFFD.
struct DnsName
{
    char buf[kMaxNameText * 4 + 1];
    size_t len = 0;
    size_t rawLen = 0;  ///< label bytes and dots, before escaping
    size_t wireLen = 0; ///< bytes at the name's position, up to the end or the first pointer
    std::string_view special;

    std::string_view view() const { return special.empty() ? std::string_view(buf, len) : special; }
    /// Wireshark's Name Length: the unescaped text's; 0 for a one-character name.
    uint16_t length() const
    {
        const size_t n = special.empty() ? rawLen : special.size();
        return n <= 1 ? 0 : uint16_t(n);
    }
    /// Wireshark's Label Count: the dots of the text plus one, 0 for a one-character name.
    uint16_t labels() const
    {
        if (length() == 0)
            return 0;
        uint16_t n = 1;
        for (char c : view())
            n += c == '.';
        return n;
    }
    void append(const uint8_t *p, size_t n);
};

/// Length of the UTF-8 sequence at p[0..n), 0 when it is not one.
size_t utf8Length(const uint8_t *p, size_t n)
{
    const uint8_t c = p[0];
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf; // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (len > n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; ++i)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

void DnsName::append(const uint8_t *p, size_t n)
{
    rawLen += n;
    for (size_t i = 0; i < n;) {
        const uint8_t c = p[i];
        static constexpr char kEscapes[] = "abtnvfr"; // \a (7) .. \r (13)
        if (c >= 7 && c <= 13) {
            buf[len++] = '\\';
            buf[len++] = kEscapes[c - 7];
            ++i;
        } else if (c < 0x20 || c == 0x7f) {
            buf[len++] = '\\';
            buf[len++] = char('0' + (c >> 6));
            buf[len++] = char('0' + ((c >> 3) & 7));
            buf[len++] = char('0' + (c & 7));
            ++i;
        } else if (c < 0x80) {
            buf[len++] = char(c);
            ++i;
        } else if (const size_t u = utf8Length(p + i, n - i)) {
            std::memcpy(buf + len, p + i, u);
            len += u;
            i += u;
        } else {
            std::memcpy(buf + len, "\xef\xbf\xbd", 3); // U+FFFD
            len += 3;
            ++i;
        }
    }
}

[[noreturn]] void malformedAt(const Reader &m, size_t at)
{
    throw BoundsError{BoundsError::Kind::Malformed, m.frameOffset(at)};
}

/// Reads the name at `at` of message `m` (pointers are offsets into `m`). Never reads outside
/// `m`; a pointer loop, an over-long name and an unknown extended label type (RFC 6891
/// deprecated them) become Wireshark's texts, a label running past the end or the reserved
/// label type 10 throws.
void readName(const Reader &m, size_t at, DnsName &n)
{
    n.len = 0;
    n.rawLen = 0;
    n.wireLen = 0;
    n.special = {};
    size_t pos = at;
    size_t walked = 0; // bytes of labels and pointers visited: past the message's size, a loop
    int jumps = 0;
    bool jumped = false, tooLong = false;
    for (;;) {
        const uint8_t b = m.u8(pos);
        if ((b & 0xc0) == 0xc0) {
            const size_t target = size_t(b & 0x3f) << 8 | m.u8(pos + 1);
            if (!jumped) {
                n.wireLen = pos + 2 - at;
                jumped = true;
            }
            walked += 2;
            if (++jumps > kMaxJumps || walked > m.reported()) {
                n.special = kLoops;
                return;
            }
            if (tooLong)
                break;
            pos = target;
            continue;
        }
        if (b == 0x41) {
            // RFC 2673 bit-string label (experimental, withdrawn): a count of bits (0 means
            // 256) and their bytes. Skipped, its text is not shown.
            const size_t bits = m.u8(pos + 1);
            const size_t bytes = ((bits ? bits : 256) + 7) / 8;
            m.require(pos + 2, bytes);
            walked += 2 + bytes;
            if (walked > m.reported()) {
                n.special = kLoops;
                if (!jumped)
                    n.wireLen = pos + 2 + bytes - at;
                return;
            }
            pos += 2 + bytes;
            continue;
        }
        if ((b & 0xc0) == 0x40) { // another extended label type: the name ends here
            if (pos == at)
                malformedAt(m, pos); // Wireshark: a name needs more than that byte
            if (!jumped)
                n.wireLen = pos + 1 - at;
            n.special = kUnknownExtended;
            return;
        }
        if (b & 0xc0)
            malformedAt(m, pos); // 10: reserved
        if (b == 0) {
            if (!jumped)
                n.wireLen = pos + 1 - at;
            break;
        }
        const uint8_t *label = m.ptr(pos + 1, b);
        walked += 1 + size_t(b);
        if (walked > m.reported()) {
            n.special = kLoops;
            if (!jumped)
                n.wireLen = pos + 1 + b - at;
            return;
        }
        if (!tooLong) {
            if (n.rawLen + (n.rawLen ? 1 : 0) + b > kMaxNameText) {
                tooLong = true;
            } else {
                if (n.rawLen) {
                    n.buf[n.len++] = '.';
                    ++n.rawLen;
                }
                n.append(label, b);
            }
        }
        pos += 1 + size_t(b);
        if (tooLong && jumped)
            break; // the wire length is known; the text is not shown
    }
    if (tooLong)
        n.special = kTooLong;
    else if (n.rawLen == 0)
        n.special = kRoot;
}

// --- Cross-frame: queries and their responses ---------------------------------------------------

/// One query seen and what answered it, by (transport, stream, transaction id).
struct Transaction
{
    uint64_t query = 0;    ///< frame of the first query
    uint64_t response = 0; ///< frame of the first response, 0 while unanswered
    int64_t sec = 0;       ///< the query's time
    uint32_t nsec = 0;
};

/// What the first pass decided for one DNS message, said again on a revisit.
struct Match
{
    enum Kind : uint8_t { Query, RetransmittedQuery, Response, RetransmittedResponse, Unsolicited };
    Kind kind = Query;
    uint64_t other = 0; ///< the original query / response / the query answered
    int64_t sec = 0;    ///< Response: the time since the query
    uint32_t nsec = 0;
};

struct DnsLog : FrameLog<Match>
{
};

struct DnsTransactions
{
    /// Transactions and answered queries remembered; the oldest are forgotten past this, so a
    /// hostile capture cannot grow memory without limit.
    static constexpr size_t kMax = 100000;
    std::unordered_map<uint64_t, Transaction> byKey;
    std::deque<uint64_t> order;
    std::unordered_map<uint64_t, uint64_t> responseIn; // query frame -> response frame
    std::deque<uint64_t> responseOrder;

    /// A new transaction for `key`, replacing an answered one. Each key is queued once, so
    /// the queue stays as small as the map whatever the traffic repeats.
    Transaction &create(uint64_t key)
    {
        auto [it, inserted] = byKey.try_emplace(key);
        if (inserted) {
            order.push_back(key);
            while (byKey.size() > kMax && !order.empty()) {
                byKey.erase(order.front()); // never `key`: it is at the back
                order.pop_front();
            }
        }
        it->second = {};
        return it->second;
    }
    void answered(uint64_t query, uint64_t response)
    {
        if (responseIn.size() >= kMax && !responseOrder.empty()) {
            responseIn.erase(responseOrder.front());
            responseOrder.pop_front();
        }
        if (responseIn.emplace(query, response).second)
            responseOrder.push_back(query);
    }
};

Match matchMessage(Dissection &d, uint16_t id, bool response)
{
    const Frame &fr = d.frame();
    auto &st = d.session().state<DnsTransactions>();
    const uint64_t key =
        uint64_t(d.transport.proto) << 56 | uint64_t(d.transport.stream) << 16 | id;
    Match m;
    auto it = st.byKey.find(key);
    if (!response) {
        if (it != st.byKey.end() && it->second.response == 0 && it->second.query != fr.number) {
            m.kind = Match::RetransmittedQuery;
            m.other = it->second.query;
            return m;
        }
        Transaction &t = st.create(key);
        t.query = fr.number;
        t.sec = fr.tsSec;
        t.nsec = fr.tsNsec;
        m.kind = Match::Query;
        return m;
    }
    if (it == st.byKey.end()) {
        m.kind = Match::Unsolicited;
        return m;
    }
    Transaction &t = it->second;
    if (t.response != 0 && t.response != fr.number) {
        m.kind = Match::RetransmittedResponse;
        m.other = t.response;
        return m;
    }
    t.response = fr.number;
    st.answered(t.query, fr.number);
    m.kind = Match::Response;
    m.other = t.query;
    timeDifference(fr.tsSec, fr.tsNsec, t.sec, t.nsec, m.sec, m.nsec);
    return m;
}

// --- Text helpers ---------------------------------------------------------------------------

/// Wireshark's time in seconds as words: `86400 (1 day)`, `85758 (23 hours, 49 minutes, 18
/// seconds)`, `0 (0 seconds)`.
void appendDuration(std::string &out, uint32_t secs)
{
    text::appendUInt(out, secs);
    out += " (";
    const uint32_t parts[] = {secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60};
    const char *names[] = {"day", "hour", "minute", "second"};
    bool any = false;
    for (int i = 0; i < 4; ++i) {
        if (parts[i] == 0 && !(i == 3 && !any))
            continue;
        if (any)
            out += ", ";
        text::appendUInt(out, parts[i]);
        out += ' ';
        out += names[i];
        if (parts[i] != 1)
            out += 's';
        any = true;
    }
    out += ')';
}

void appendTypeText(std::string &out, uint16_t type)
{
    const std::string_view s = shortType(type);
    if (s.empty()) {
        out += "Unknown (";
        text::appendUInt(out, type);
        out += ')';
    } else {
        out += s;
    }
}

void appendClassText(std::string &out, uint16_t cls)
{
    const std::string_view c = nameOf(kClasses, cls);
    out += c.empty() ? std::string_view("Unknown") : c;
}

// --- The message ------------------------------------------------------------------------------

struct Ctx
{
    Dissection &d;
    const Reader &m; ///< the message, pointers count from its first byte
    Flavor flavor;
    bool info; ///< the Info column is written
};

/// Adds a name field; its text is copied into the tree only when somebody reads it.
Item addName(Ctx &c, Item parent, int field, size_t at, const DnsName &n)
{
    const FieldId f = s_f[field];
    if (!parent && !c.d.wants(f)) {
        c.m.require(at, n.wireLen);
        return {};
    }
    return c.d.addString(parent, f, c.m, at, n.wireLen, std::string(n.view()));
}

/// What a question and a record begin with: the owner name (read into `name`), the type and
/// the class. mDNS takes the class's top bit for the QU / cache-flush flag (RFC 6762 5.4,
/// 10.2).
struct EntryHead
{
    size_t typeAt;
    uint16_t type;
    uint16_t cls;
    bool topBit; ///< mDNS only: the class's top bit
    bool mdns;
};

EntryHead readEntryHead(const Ctx &c, size_t at, DnsName &name)
{
    readName(c.m, at, name);
    const size_t typeAt = at + name.wireLen;
    const uint16_t rawClass = c.m.u16(typeAt + 2);
    const bool mdns = c.flavor == Flavor::Mdns;
    return {typeAt, c.m.u16(typeAt), uint16_t(mdns ? rawClass & 0x7fff : rawClass),
            mdns && (rawClass & 0x8000), mdns};
}

size_t dissectQuestion(Ctx &c, size_t at, Item queries)
{
    Dissection &d = c.d;
    const Reader &m = c.m;
    DnsName name;
    const auto [typeAt, type, cls, qu, mdns] = readEntryHead(c, at, name);

    Item q = d.addText(queries, m, at, name.wireLen + 4, {});
    if (q) {
        std::string label(name.view());
        label += ": type ";
        appendTypeText(label, type);
        label += ", class ";
        appendClassText(label, cls);
        if (mdns)
            label += qu ? ", \"QU\" question" : ", \"QM\" question";
        d.setText(q, std::move(label));
    }
    addName(c, q, QryName, at, name);
    d.flag(d.addValue(q, s_f[QryNameLen], m, at, name.wireLen, name.length()), Generated);
    d.flag(d.addValue(q, s_f[CountLabels], m, at, name.wireLen, name.labels()), Generated);
    d.addUInt(q, s_f[QryType], m, typeAt, 2);
    if (mdns) {
        d.addUInt(q, s_f[QryClassM], m, typeAt + 2, 2);
        d.addUInt(q, s_f[QryQu], m, typeAt + 2, 2);
    } else {
        d.addUInt(q, s_f[QryClass], m, typeAt + 2, 2);
    }
    if (c.info) {
        std::string &info = d.info();
        info += ' ';
        appendTypeText(info, type);
        info += ' ';
        info += name.view();
        if (mdns)
            info += qu ? ", \"QU\" question" : ", \"QM\" question";
    }
    return typeAt + 4;
}

void addTimeValue(Ctx &c, Item parent, int field, size_t at, std::string_view name)
{
    Item it = c.d.addUInt(parent, s_f[field], c.m, at, 4);
    if (it) {
        std::string label(name);
        label += ": ";
        appendDuration(label, c.m.u32(at));
        c.d.setText(it, std::move(label));
    }
}

/// A string field from raw bytes, escaped like names; built only when somebody reads it.
void addText(Dissection &d, Item parent, int field, const Reader &r, size_t at, size_t len)
{
    const uint8_t *p = r.ptr(at, len);
    const FieldId f = s_f[field];
    if (!parent && !d.wants(f))
        return;
    size_t n = 0;
    while (n < len && p[n] != 0) // Wireshark shows such text up to a NUL
        ++n;
    DnsName t;
    std::string value;
    for (size_t done = 0; done < n;) { // in pieces that fit the name buffer
        const size_t piece = std::min(n - done, kMaxNameText);
        t.len = 0;
        t.append(p + done, piece);
        value.append(t.buf, t.len);
        done += piece;
    }
    d.addString(parent, f, r, at, len, std::move(value));
}

/// A bytes field of length 0 shows `Name: <MISSING>`, as Wireshark does.
void addBytesOrMissing(Dissection &d, Item parent, int field, const Reader &r, size_t at,
                       size_t len, std::string_view name)
{
    Item it = d.addBytes(parent, s_f[field], r, at, len);
    if (it && len == 0)
        d.setText(it, std::string(name) + ": <MISSING>");
}

void dissectOpt(Ctx &c, Item rr, const Reader &rd)
{
    Dissection &d = c.d;
    size_t at = 0;
    while (at < rd.reported()) {
        const uint16_t code = rd.u16(at);
        const uint16_t len = rd.u16(at + 2);
        Item opt = d.addValue(rr, s_f[Opt], rd, at,
                              std::min<size_t>(4 + size_t(len), rd.capturedFrom(at)), 0);
        if (opt) {
            std::string label = "Option: ";
            const std::string_view n = nameOf(kOptCodes, code);
            if (n.empty()) {
                label += "Unknown (";
                text::appendUInt(label, code);
                label += ')';
            } else {
                label += n;
            }
            d.setText(opt, std::move(label));
        }
        d.addUInt(opt, s_f[OptCode], rd, at, 2);
        d.addUInt(opt, s_f[OptLen], rd, at + 2, 2);
        addBytesOrMissing(d, opt, OptData, rd, at + 4, len, "Option Data");
        const size_t v = at + 4; // the option's value
        size_t next = v + len;
        switch (code) {
        case 5:
        case 6:
        case 7: // RFC 6975: one algorithm number a byte
            for (size_t i = 0; i < len; ++i)
                d.addUInt(opt, s_f[code == 5 ? OptDau : code == 6 ? OptDhu : OptN3u], rd, v + i, 1);
            break;
        case 8: { // RFC 7871 client subnet: family, two prefix lengths, the address's bytes
            const uint16_t family = rd.u16(v);
            d.addUInt(opt, s_f[EcsFamily], rd, v, 2);
            d.addUInt(opt, s_f[EcsNetmask], rd, v + 2, 1);
            d.addUInt(opt, s_f[EcsScope], rd, v + 3, 1);
            const size_t alen = len > 4 ? len - 4u : 0;
            const size_t full = family == 1 ? 4 : family == 2 ? 16 : 0;
            if (full == 0) {
                d.addBytes(opt, s_f[EcsAddr], rd, v + 4, alen);
                break;
            }
            // Only the prefix's bytes are sent; Wireshark shows the address padded with zeros.
            const size_t shown = std::min(alen, full);
            uint8_t addr[16] = {};
            std::memcpy(addr, rd.ptr(v + 4, shown), shown);
            Item a = d.addBytes(opt, s_f[family == 1 ? EcsAddr4 : EcsAddr6], rd, v + 4, shown);
            if (a && shown != full) {
                std::string label = "Client Subnet: ";
                if (family == 1)
                    text::appendIPv4(label, addr);
                else
                    text::appendIPv6(label, addr);
                d.setText(a, std::move(label));
            }
            break;
        }
        case 10:
            // RFC 7873: an 8-byte client cookie, then the server's. Like Wireshark, read the
            // client's 8 bytes whatever the option's length says and go on after them.
            d.addBytes(opt, s_f[CookieClient], rd, v, 8);
            if (len > 8) {
                d.addBytes(opt, s_f[CookieServer], rd, v + 8, len - 8u);
            } else {
                if (len == 8)
                    addBytesOrMissing(d, opt, CookieServer, rd, v + 8, 0, "Server Cookie");
                next = v + 8;
            }
            break;
        case 11: // RFC 7828: the timeout only in responses
            if (len >= 2)
                d.addUInt(opt, s_f[KeepaliveTimeout], rd, v, 2);
            break;
        case 12:
            addBytesOrMissing(d, opt, Padding, rd, v, len, "Padding");
            break;
        case 13:
            addText(d, opt, ChainFqdn, rd, v, len);
            break;
        case 15: // RFC 8914
            d.addUInt(opt, s_f[EdeInfoCode], rd, v, 2);
            if (len > 2)
                addText(d, opt, EdeExtraText, rd, v + 2, len - 2u);
            break;
        default:
            break;
        }
        at = next;
    }
}

/// The record's part of the Info column: ` A 1.2.3.4`, ` MX 10 mx.example`, ` OPT`. Written
/// before the record's length is checked, as Wireshark does.
void appendRecordInfo(Ctx &c, uint16_t type, bool cacheFlush, size_t dataAt, uint16_t rdlen)
{
    const Reader &m = c.m;
    std::string &info = c.d.info();
    info += ' ';
    appendTypeText(info, type);
    if (cacheFlush)
        info += ", cache flush";
    if (rdlen == 0)
        return; // no data (RFC 2136 updates delete with empty records)
    // Everything is read before anything is written: a record cut short leaves only its
    // type in the column, as in Wireshark.
    DnsName n;
    switch (type) {
    case 1: {
        const uint8_t *a = m.ptr(dataAt, 4);
        info += ' ';
        text::appendIPv4(info, a);
        return;
    }
    case 28: {
        const uint8_t *a = m.ptr(dataAt, 16);
        info += ' ';
        text::appendIPv6(info, a);
        return;
    }
    case 15: {
        const uint16_t pref = m.u16(dataAt);
        readName(m, dataAt + 2, n);
        info += ' ';
        text::appendUInt(info, pref);
        break;
    }
    case 33: {
        const uint16_t v[3] = {m.u16(dataAt), m.u16(dataAt + 2), m.u16(dataAt + 4)};
        readName(m, dataAt + 6, n);
        for (uint16_t x : v) {
            info += ' ';
            text::appendUInt(info, x);
        }
        break;
    }
    case 2:
    case 5:
    case 6:
    case 12:
        readName(m, dataAt, n);
        break;
    default:
        return;
    }
    info += ' ';
    info += n.view();
}

size_t dissectRecord(Ctx &c, size_t at, Item section)
{
    Dissection &d = c.d;
    const Reader &m = c.m;
    DnsName name;
    const auto [typeAt, type, cls, topBit, mdns] = readEntryHead(c, at, name);
    const uint32_t ttl = m.u32(typeAt + 4);
    const uint16_t rdlen = m.u16(typeAt + 8);
    const size_t dataAt = typeAt + 10;
    const bool opt = type == 41;
    const bool cacheFlush = topBit && !opt;
    if (c.info) // mDNS: Info names the top class bit of an OPT too
        appendRecordInfo(c, type, topBit, dataAt, rdlen);
    m.require(dataAt, rdlen); // Wireshark reads the whole record before showing it
    const Reader rd = m.sub(dataAt, rdlen);

    Item rr = d.addText(section, m, at, dataAt + rdlen - at, {});
    std::string label; // the record's line, built only for the tree
    if (rr) {
        label = name.view();
        label += ": type ";
        appendTypeText(label, type);
        if (!opt) {
            label += ", class ";
            appendClassText(label, cls);
            if (cacheFlush)
                label += ", cache flush";
        }
    }

    if (type == 33) {
        // SRV owners read _Service._Proto.Name (RFC 2782): Wireshark shows the three parts.
        const std::string_view v = name.view();
        const size_t dot1 = v.find('.');
        const size_t dot2 = dot1 == std::string_view::npos ? dot1 : v.find('.', dot1 + 1);
        auto part = [&](int field, std::string_view s) {
            const FieldId f = s_f[field];
            if (rr || d.wants(f))
                d.addString(rr, f, m, at, name.wireLen, std::string(s));
        };
        part(SrvService, v.substr(0, dot1));
        if (dot1 != std::string_view::npos)
            part(SrvProto,
                 v.substr(dot1 + 1, dot2 == std::string_view::npos ? std::string_view::npos
                                                                   : dot2 - dot1 - 1));
        if (dot2 != std::string_view::npos)
            part(SrvName, v.substr(dot2 + 1));
    } else {
        addName(c, rr, RespName, at, name);
    }
    d.addUInt(rr, s_f[RespType], m, typeAt, 2);
    if (opt) {
        if (mdns) {
            d.addUInt(rr, s_f[UdpPayloadSizeM], m, typeAt + 2, 2);
            d.addUInt(rr, s_f[RespCacheFlush], m, typeAt + 2, 2);
        } else {
            d.addUInt(rr, s_f[UdpPayloadSize], m, typeAt + 2, 2);
        }
        d.addUInt(rr, s_f[ExtRcode], m, typeAt + 4, 1);
        d.addUInt(rr, s_f[Edns0Version], m, typeAt + 5, 1);
        Item z = d.addUInt(rr, s_f[Z], m, typeAt + 6, 2);
        d.addUInt(z, s_f[ZDo], m, typeAt + 6, 2);
        d.addUInt(z, s_f[ZReserved], m, typeAt + 6, 2);
    } else {
        if (mdns) {
            d.addUInt(rr, s_f[RespClassM], m, typeAt + 2, 2);
            d.addUInt(rr, s_f[RespCacheFlush], m, typeAt + 2, 2);
        } else {
            d.addUInt(rr, s_f[RespClass], m, typeAt + 2, 2);
        }
        Item t = d.addUInt(rr, s_f[RespTtl], m, typeAt + 4, 4);
        if (t) {
            std::string tl = "Time to live: ";
            appendDuration(tl, ttl);
            d.setText(t, std::move(tl));
        }
        if (ttl & 0x80000000u)
            d.expert(t, m, typeAt + 4, 4, Severity::Warning, ExpertGroup::Protocol,
                     "The uppermost bit of the TTL is set (RFC 2181, section 8)", 0,
                     s_ei[TtlHighBit]);
    }
    d.addUInt(rr, s_f[RespLen], m, typeAt + 8, 2);

    // The record's data; `label` gets what the line shows after the class.
    DnsName target;
    auto nameData = [&](int field, size_t off, const char *prefix) {
        readName(m, dataAt + off, target);
        addName(c, rr, field, dataAt + off, target);
        if (rr) {
            label += prefix;
            label += target.view();
        }
        return dataAt + off + target.wireLen;
    };
    switch (type) {
    case 1:
    case 28: {
        const size_t len = type == 1 ? 4 : 16;
        if (rdlen != len)
            goto undecoded;
        d.addBytes(rr, s_f[type == 1 ? A : Aaaa], rd, 0, len);
        if (rr) {
            label += ", addr ";
            if (type == 1)
                text::appendIPv4(label, rd.ptr(0, 4));
            else
                text::appendIPv6(label, rd.ptr(0, 16));
        }
        break;
    }
    case 2:
        nameData(Ns, 0, ", ns ");
        break;
    case 5:
        nameData(Cname, 0, ", cname ");
        break;
    case 12:
        nameData(Ptr, 0, ", ");
        break;
    case 15:
        d.addUInt(rr, s_f[MxPreference], rd, 0, 2);
        if (rr) {
            label += ", preference ";
            text::appendUInt(label, rd.u16(0));
        }
        nameData(MxExchange, 2, ", mx ");
        break;
    case 16: {
        size_t p = 0;
        while (p < rd.reported()) {
            const uint8_t len = rd.u8(p);
            d.addUInt(rr, s_f[TxtLength], rd, p, 1);
            const uint8_t *s = rd.ptr(p + 1, len);
            const FieldId f = s_f[Txt];
            if (rr || d.wants(f))
                d.addString(rr, f, rd, p + 1, len,
                            std::string(reinterpret_cast<const char *>(s), len));
            p += 1 + size_t(len);
        }
        break;
    }
    case 6: {
        const size_t rnameAt = nameData(SoaMname, 0, ", mname ");
        DnsName rname;
        readName(m, rnameAt, rname);
        addName(c, rr, SoaRname, rnameAt, rname);
        const size_t nums = rnameAt + rname.wireLen;
        d.addUInt(rr, s_f[SoaSerial], m, nums, 4);
        addTimeValue(c, rr, SoaRefresh, nums + 4, "Refresh Interval");
        addTimeValue(c, rr, SoaRetry, nums + 8, "Retry Interval");
        addTimeValue(c, rr, SoaExpire, nums + 12, "Expire limit");
        addTimeValue(c, rr, SoaMinimum, nums + 16, "Minimum TTL");
        break;
    }
    case 33:
        d.addUInt(rr, s_f[SrvPriority], rd, 0, 2);
        d.addUInt(rr, s_f[SrvWeight], rd, 2, 2);
        d.addUInt(rr, s_f[SrvPort], rd, 4, 2);
        if (rr) {
            label += ", priority ";
            text::appendUInt(label, rd.u16(0));
            label += ", weight ";
            text::appendUInt(label, rd.u16(2));
            label += ", port ";
            text::appendUInt(label, rd.u16(4));
        }
        nameData(SrvTarget, 6, ", target ");
        break;
    case 41:
        if (rr)
            d.setText(rr, std::move(label));
        dissectOpt(c, rr, rd);
        return dataAt + rdlen;
    default:
    undecoded:
        if (shortType(type).empty()) {
            std::string msg = "Dissector for DNS Type (";
            text::appendUInt(msg, type);
            msg += ") code not implemented, Contact Wireshark developers if you want this "
                   "supported";
            d.expert(rr, m, dataAt, rdlen, Severity::Note, ExpertGroup::Undecoded, msg, 0,
                     s_ei[UndecodedType]);
        }
        if (rdlen > 0)
            d.addBytes(rr, s_f[Data], rd, 0, rdlen);
        break;
    }
    if (rr)
        d.setText(rr, std::move(label));
    return dataAt + rdlen;
}

std::string_view opcodeText(uint16_t opcode)
{
    const std::string_view n = nameOf(kOpcodes, opcode);
    return n.empty() ? std::string_view("Unknown operation") : n;
}

std::string_view rcodeText(uint16_t rcode)
{
    const std::string_view n = nameOf(kRcodes, rcode);
    return n.empty() ? std::string_view("Unknown error") : n;
}

/// One DNS message. `r`/`at`/`len`: where the protocol item goes (with TCP's length prefix);
/// `m`: the message itself.
void dissectMessage(Dissection &d, const Reader &r, size_t at, size_t len, const Reader &m,
                    Item parent, Flavor flavor, bool tcp)
{
    const FieldId proto = flavor == Flavor::Mdns    ? s_mdns
                          : flavor == Flavor::Llmnr ? s_llmnr
                                                    : s_f.protocol();
    const bool infoOn = d.columns() && !d.columnsFrozen();
    if (infoOn)
        d.info().clear(); // also when the header is cut short, as Wireshark
    const uint16_t id = m.u16(0);
    const uint16_t flags = m.u16(2);
    const bool response = flags & 0x8000;
    const uint16_t opcode = (flags >> 11) & 0xf;
    const uint16_t rcode = flags & 0xf;

    Item top = d.addProtocol(parent, proto, r, at, std::min(len, r.capturedFrom(at)));
    if (top) {
        std::string label = flavor == Flavor::Mdns    ? "Multicast Domain Name System"
                            : flavor == Flavor::Llmnr ? "Link-local Multicast Name Resolution"
                                                      : "Domain Name System";
        label += response ? " (response)" : " (query)";
        d.setText(top, std::move(label));
    }
    if (tcp)
        d.addUInt(top, s_f[Length], r, at, 2);

    Ctx c{d, m, flavor, infoOn};
    if (c.info) {
        std::string &info = d.info();
        const std::string_view op = nameOf(kOpcodes, opcode);
        if (op.empty()) {
            info += "Unknown operation (";
            text::appendUInt(info, opcode);
            info += ')';
        } else {
            info += op;
        }
        if (response)
            info += " response";
        info += ' ';
        text::appendHex(info, id, 4);
        if (response && rcode != 0) {
            info += ' ';
            const std::string_view rc = nameOf(kRcodes, rcode);
            if (rc.empty()) {
                info += "Unknown error (";
                text::appendUInt(info, rcode);
                info += ')';
            } else {
                info += rc;
            }
        }
    }

    // Which query this answers, or which message this repeats: decided once in the first
    // pass, in capture order, and said again on a revisit.
    Match match;
    bool matched = false;
    {
        auto &log = d.session().state<DnsLog>();
        if (const Match *logged = d.logged(log)) {
            match = *logged;
            matched = true;
        } else if (!d.revisit()) {
            match = matchMessage(d, id, response);
            matched = true;
            if (d.recording())
                log.record(d.frame().number, match);
        }
    }

    Item idItem = d.addUInt(top, s_f[Id], m, 0, 2);
    if (matched && match.kind == Match::RetransmittedQuery) {
        std::string msg = "DNS query retransmission. Original request in frame ";
        text::appendUInt(msg, match.other);
        d.expert(idItem, m, 0, 2, Severity::Warning, ExpertGroup::Protocol, msg, 0,
                 s_ei[RetransmitRequest]);
    } else if (matched && match.kind == Match::RetransmittedResponse) {
        std::string msg = "DNS response retransmission. Original response in frame ";
        text::appendUInt(msg, match.other);
        d.expert(idItem, m, 0, 2, Severity::Warning, ExpertGroup::Protocol, msg, 0,
                 s_ei[RetransmitResponse]);
    }

    Item fl = d.addUInt(top, s_f[Flags], m, 2, 2);
    if (fl) {
        std::string label = "Flags: ";
        text::appendHex(label, flags, 4);
        label += ' ';
        label += opcodeText(opcode);
        if (response) {
            label += " response, ";
            label += rcodeText(rcode);
        }
        d.setText(fl, std::move(label));
    }
    d.addUInt(fl, s_f[FResponse], m, 2, 2);
    d.addUInt(fl, s_f[FOpcode], m, 2, 2);
    if (flavor == Flavor::Llmnr) {
        d.addUInt(fl, s_f[response ? FConflictResponse : FConflictQuery], m, 2, 2);
        d.addUInt(fl, s_f[FTruncated], m, 2, 2);
        d.addUInt(fl, s_f[FTentative], m, 2, 2);
    } else {
        if (response)
            d.addUInt(fl, s_f[FAuthoritative], m, 2, 2);
        d.addUInt(fl, s_f[FTruncated], m, 2, 2);
        d.addUInt(fl, s_f[FRecDesired], m, 2, 2);
        if (response)
            d.addUInt(fl, s_f[FRecAvail], m, 2, 2);
        d.addUInt(fl, s_f[FZ], m, 2, 2);
        if (response)
            d.addUInt(fl, s_f[FAuthenticated], m, 2, 2);
        else if (flags & 0x0020) // Wireshark shows a query's AD bit only when set
            d.addUInt(fl, s_f[FAdBit], m, 2, 2);
        d.addUInt(fl, s_f[FCheckDisable], m, 2, 2);
    }
    if (response)
        d.addUInt(fl, s_f[FRcode], m, 2, 2);

    const bool update = opcode == 5; // RFC 2136 renames the sections
    const uint16_t counts[4] = {m.u16(4), m.u16(6), m.u16(8), m.u16(10)};
    d.addUInt(top, s_f[update ? CountZones : CountQueries], m, 4, 2);
    d.addUInt(top, s_f[update ? CountPrerequisites : CountAnswers], m, 6, 2);
    d.addUInt(top, s_f[update ? CountUpdates : CountAuth], m, 8, 2);
    d.addUInt(top, s_f[CountAdd], m, 10, 2);

    // Every record takes at least one byte, so a count larger than the message ends in a
    // bounds error at its end, never in a long loop.
    size_t pos = 12;
    if (counts[0] > 0) {
        Item queries = d.addText(top, m, pos, 0, update ? "Zone" : "Queries");
        const size_t start = pos;
        for (uint32_t i = 0; i < counts[0]; ++i)
            pos = dissectQuestion(c, pos, queries);
        if (queries)
            d.setLength(queries, pos - start);
    }
    static constexpr std::string_view kSections[3] = {"Answers", "Authoritative nameservers",
                                                      "Additional records"};
    static constexpr std::string_view kUpdateSections[3] = {"Prerequisites", "Updates",
                                                            "Additional records"};
    for (int s = 0; s < 3; ++s) {
        if (counts[s + 1] == 0)
            continue;
        Item sec =
            d.addText(top, m, pos, 0, std::string(update ? kUpdateSections[s] : kSections[s]));
        const size_t start = pos;
        for (uint32_t i = 0; i < counts[s + 1]; ++i)
            pos = dissectRecord(c, pos, sec);
        if (sec)
            d.setLength(sec, pos - start);
    }

    if (pos < m.reported() && m.capturedFrom(pos) > 0) {
        const size_t extra = m.capturedFrom(pos);
        Item ex = d.addText(top, m, pos, extra, {});
        if (ex)
            d.setText(ex, "Extraneous Data (" + text::uintString(extra) + " bytes)");
        d.addBytes(ex, s_f[ExtraData], m, pos, extra);
        d.addGenerated(ex, s_f[ExtraLength], extra);
    }

    if (!matched)
        return;
    switch (match.kind) {
    case Match::Query:
        if (d.revisit()) {
            // Known only once the response was seen: a revisit can say where it is.
            const auto &st = d.session().state<DnsTransactions>();
            const auto it = st.responseIn.find(d.frame().number);
            if (it != st.responseIn.end())
                d.addGenerated(top, s_f[ResponseIn], it->second);
        }
        break;
    case Match::Response:
        d.addGenerated(top, s_f[ResponseTo], match.other);
        d.addGenerated(top, s_f[Time], uint64_t(match.sec), match.nsec);
        break;
    case Match::RetransmittedQuery:
        d.addGenerated(top, s_f[RetransmitRequestIn], match.other);
        d.addGenerated(top, s_f[Retransmission], 1);
        break;
    case Match::RetransmittedResponse:
        d.addGenerated(top, s_f[RetransmitResponseIn], match.other);
        d.addGenerated(top, s_f[Retransmission], 1);
        break;
    case Match::Unsolicited:
        d.addGenerated(top, s_f[Unsolicited], 1);
        break;
    }
}

void dissectUdpMessage(Dissection &d, const Reader &r, Item parent, Flavor flavor,
                       std::string_view column)
{
    d.setProtocol(column);
    dissectMessage(d, r, 0, r.reported(), r, parent, flavor, false);
}

void dissectDnsUdp(Dissection &d, const Reader &r, Item parent)
{
    dissectUdpMessage(d, r, parent, Flavor::Dns, "DNS");
}

void dissectMdns(Dissection &d, const Reader &r, Item parent)
{
    dissectUdpMessage(d, r, parent, Flavor::Mdns, "MDNS");
}

void dissectLlmnr(Dissection &d, const Reader &r, Item parent)
{
    dissectUdpMessage(d, r, parent, Flavor::Llmnr, "LLMNR");
}

/// DNS over TCP (RFC 7766 8): each message after a 2-byte length; a segment may hold several
/// and the last may continue in the next segments.
void dissectDnsTcp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("DNS");
    size_t at = 0;
    while (at < r.reported()) {
        const size_t left = r.reportedFrom(at);
        if (left < 2) {
            if (d.canDesegment()) {
                d.desegment(at, 2 - left);
                return;
            }
            r.require(at, 2); // a lone byte: nothing to show but the cut
        }
        const size_t len = r.u16(at);
        const bool partial = 2 + len > left;
        if (partial && d.canDesegment()) {
            d.desegment(at, 2 + len - left);
            return;
        }
        const Reader msg = r.sub(at + 2, len);
        if (!partial) {
            dissectMessage(d, r, at, 2 + len, msg, parent, Flavor::Dns, true);
            at += 2 + len;
            continue;
        }
        // Without reassembly a message cut at the segment's end is not malformed: show what
        // is there and, as Wireshark does, note the cut as an unreassembled fragment.
        try {
            dissectMessage(d, r, at, left, msg, parent, Flavor::Dns, true);
        } catch (const BoundsError &e) {
            if (e.kind == BoundsError::Kind::Truncated) // the capture's snap length
                throw;
        }
        Item un = d.addText(parent, r, 0, 0, "[BoundError Unreassembled Packet: DNS]");
        d.expert(un, r, 0, 0, Severity::Note, ExpertGroup::Reassemble,
                 "Unreassembled fragment (change preferences to enable reassembly)");
        if (d.columns() && !d.columnsFrozen())
            d.info() += "[BoundErrorUnreassembled Packet]";
        return;
    }
}

} // namespace

void register_dns(Registry &reg)
{
    s_f = reg.addProtocol({"dns", "DNS", "Domain Name System"}, kFields);
    s_ei = reg.addFields(kExperts);
    s_mdns = reg.addProtocol({"mdns", "mDNS", "Multicast Domain Name System"}, {}).protocol();
    s_llmnr =
        reg.addProtocol({"llmnr", "LLMNR", "Link-local Multicast Name Resolution"}, {}).protocol();
    // Which query a response answers, and repeats: known from earlier frames only.
    for (int f : {ResponseIn, ResponseTo, Time, Retransmission, RetransmitRequestIn,
                  RetransmitResponseIn, Unsolicited})
        reg.setCrossFrame(s_f[f]);
    for (int f : {RetransmitRequest, RetransmitResponse})
        reg.setCrossFrame(s_ei[f]);
    reg.addDissector(Table::UdpPort, 53, dissectDnsUdp);
    reg.addDissector(Table::TcpPort, 53, dissectDnsTcp);
    reg.addDissector(Table::UdpPort, 5353, dissectMdns);
    reg.addDissector(Table::UdpPort, 5355, dissectLlmnr);
}

} // namespace pl::proto
