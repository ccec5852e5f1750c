// TLS, Transport Layer Security: the record layer and the cleartext handshake (TCP 443, the
// other IANA TLS ports, and a heuristic for a ClientHello/ServerHello on any port).
// Specification: RFC 5246 (TLS 1.2) sections 6.2 and 7.4, RFC 8446 (TLS 1.3) sections 4 and 5,
// RFC 6066 (server_name), RFC 7301 (ALPN), RFC 8422 (ECDHE, ec_point_formats), RFC 8701
// (GREASE). Nothing is decrypted: encrypted records show as data, as tshark without keys.
//
//  TLSPlaintext (one record; several may share a TCP segment, one may span several):
//   0       1       2       3       4       5 ...
//  +-------+-------+-------+-------+-------+----------------------+
//  | type  |    version    |    length     |  fragment (length)   |
//  +-------+-------+-------+-------+-------+----------------------+
//  Handshake (inside type 22 records):
//  +-------+-------+-------+-------+------------------------------+
//  |msg_typ|     length (24 bits)  |  body (length bytes)         |
//  +-------+-------+-------+-------+------------------------------+

#include "dissection.h"
#include "packedframelog.h"
#include "textformat.h"
#include "tlsnames.h"

#include <array>
#include <cmath>
#include <unordered_map>

namespace pl::proto {

namespace {

using namespace tls;

enum F {
    Record,
    ContentType,
    OpaqueType,
    RecordVersion,
    RecordLength,
    AppData,
    AppDataProto,
    ChangeCipherSpec,
    AlertMessage,
    AlertLevel,
    AlertDesc,
    Handshake,
    HsType,
    HsLength,
    HsVersion,
    Random,
    RandomTime,
    RandomBytes,
    SessionIdLen,
    SessionId,
    CipherSuitesLen,
    CipherSuites,
    CipherSuite,
    CompMethodsLen,
    CompMethods,
    CompMethod,
    ExtensionsLen,
    ExtType,
    ExtLen,
    ExtData,
    SniListLen,
    SniType,
    SniLen,
    Sni,
    AlpnLen,
    AlpnList,
    AlpnStrLen,
    AlpnStr,
    SupVersionsLen,
    SupVersion,
    GroupsLen,
    Groups,
    Group,
    SigHashLen,
    SigHashAlgs,
    SigHashAlg,
    SigHashHash,
    SigHashSig,
    EcPfLen,
    EcPfs,
    EcPf,
    KeyShareClientLen,
    KeyShareGroup,
    KeyShareKxLen,
    KeyShareKx,
    KeyShareSelected,
    PskKeModesLen,
    PskKeMode,
    PaddingData,
    RenegLen,
    RenegInfo,
    StatusType,
    StatusResponderIdsLen,
    StatusExtsLen,
    RecordSizeLimit,
    CertificatesLen,
    Certificates,
    CertificateLen,
    Certificate,
    CertReqCtxLen,
    CertReqCtx,
    TicketLifetime,
    TicketAgeAdd,
    TicketNonceLen,
    TicketNonce,
    TicketLen,
    Ticket,
    ClientPointLen,
    ClientPoint,
    ServerCurveType,
    ServerNamedCurve,
    ServerPointLen,
    ServerPoint,
    SigLen,
    Sig,
    EpmsLen,
    Epms,
    VerifyData,
    HeartbeatMode,
    PLen,
    P,
    GLen,
    G,
    YsLen,
    Ys,
    YcLen,
    Yc,
    CertTypesCount,
    CertTypes,
    CertType,
    DnamesLen,
    Ja3Full,
    Ja3,
    Ja3sFull,
    Ja3s,
    Count
};

constexpr ValueName kHeartbeatModes[] = {{1, "Peer allowed to send requests"},
                                         {2, "Peer not allowed to send requests"}};

// The CertificateRequest's ClientCertificateType (RFC 5246 7.4.4, RFC 8422 5.5).
constexpr ValueName kCertTypes[] = {
    {1, "RSA Sign"},     {2, "DSS Sign"},         {3, "RSA Fixed DH"},
    {4, "DSS Fixed DH"}, {21, "GOST R 34.10-94"}, {22, "GOST R 34.10-2001"},
    {64, "ECDSA Sign"},  {65, "RSA Fixed ECDH"},  {66, "ECDSA Fixed ECDH"},
    {80, "IBC Params"},
};

constexpr FieldDef kFields[] = {
    {"tls.record", "Record Layer", FieldType::None},
    {"tls.record.content_type", "Content Type", FieldType::UInt8, Base::Dec, 0, kContentTypes},
    {"tls.record.opaque_type", "Opaque Type", FieldType::UInt8, Base::Dec, 0, kContentTypes},
    {"tls.record.version", "Version", FieldType::UInt16, Base::Hex, 0, kVersions},
    {"tls.record.length", "Length", FieldType::UInt16, Base::Dec},
    {"tls.app_data", "Encrypted Application Data", FieldType::Bytes},
    {"tls.app_data_proto", "Application Data Protocol", FieldType::String},
    {"tls.change_cipher_spec", "Change Cipher Spec Message", FieldType::None},
    {"tls.alert_message", "Alert Message", FieldType::None},
    {"tls.alert_message.level", "Level", FieldType::UInt8, Base::Dec, 0, kAlertLevels},
    {"tls.alert_message.desc", "Description", FieldType::UInt8, Base::Dec, 0, kAlertDescriptions},
    {"tls.handshake", "Handshake Protocol", FieldType::None},
    {"tls.handshake.type", "Handshake Type", FieldType::UInt8, Base::Dec, 0, kHandshakeTypes},
    {"tls.handshake.length", "Length", FieldType::UInt24, Base::Dec},
    {"tls.handshake.version", "Version", FieldType::UInt16, Base::Hex, 0, kVersions},
    {"tls.handshake.random", "Random", FieldType::Bytes},
    {"tls.handshake.random_time", "GMT Unix Time", FieldType::AbsTime},
    {"tls.handshake.random_bytes", "Random Bytes", FieldType::Bytes},
    {"tls.handshake.session_id_length", "Session ID Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.session_id", "Session ID", FieldType::Bytes},
    {"tls.handshake.cipher_suites_length", "Cipher Suites Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.ciphersuites", "Cipher Suites", FieldType::None},
    {"tls.handshake.ciphersuite", "Cipher Suite", FieldType::UInt16, Base::Hex, 0, kCipherSuites},
    {"tls.handshake.comp_methods_length", "Compression Methods Length", FieldType::UInt8,
     Base::Dec},
    {"tls.handshake.comp_methods", "Compression Methods", FieldType::None},
    {"tls.handshake.comp_method", "Compression Method", FieldType::UInt8, Base::Dec, 0,
     kCompMethods},
    {"tls.handshake.extensions_length", "Extensions Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.extension.type", "Type", FieldType::UInt16, Base::Dec, 0, kExtensionTypes},
    {"tls.handshake.extension.len", "Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.extension.data", "Data", FieldType::Bytes},
    {"tls.handshake.extensions_server_name_list_len", "Server Name list length", FieldType::UInt16,
     Base::Dec},
    {"tls.handshake.extensions_server_name_type", "Server Name Type", FieldType::UInt8, Base::Dec,
     0, kServerNameTypes},
    {"tls.handshake.extensions_server_name_len", "Server Name length", FieldType::UInt16,
     Base::Dec},
    {"tls.handshake.extensions_server_name", "Server Name", FieldType::String},
    {"tls.handshake.extensions_alpn_len", "ALPN Extension Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.extensions_alpn_list", "ALPN Protocol", FieldType::None},
    {"tls.handshake.extensions_alpn_str_len", "ALPN string length", FieldType::UInt8, Base::Dec},
    {"tls.handshake.extensions_alpn_str", "ALPN Next Protocol", FieldType::String},
    {"tls.handshake.extensions.supported_versions_len", "Supported Versions length",
     FieldType::UInt8, Base::Dec},
    {"tls.handshake.extensions.supported_version", "Supported Version", FieldType::UInt16,
     Base::Hex, 0, kVersions},
    {"tls.handshake.extensions_supported_groups_length", "Supported Groups List Length",
     FieldType::UInt16, Base::Dec},
    {"tls.handshake.extensions_supported_groups", "Supported Groups List", FieldType::None},
    {"tls.handshake.extensions_supported_group", "Supported Group", FieldType::UInt16, Base::Hex, 0,
     kGroups},
    {"tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", FieldType::UInt16,
     Base::Dec},
    {"tls.handshake.sig_hash_algs", "Signature Algorithms", FieldType::None},
    {"tls.handshake.sig_hash_alg", "Signature Algorithm", FieldType::UInt16, Base::Hex, 0,
     kSigHashAlgs},
    {"tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", FieldType::UInt8, Base::Dec, 0,
     kSigHashHashes},
    {"tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", FieldType::UInt8,
     Base::Dec, 0, kSigHashSigs},
    {"tls.handshake.extensions_ec_point_formats_length", "EC point formats Length",
     FieldType::UInt8, Base::Dec},
    {"tls.handshake.extensions_ec_point_formats", "EC point formats", FieldType::None},
    {"tls.handshake.extensions_ec_point_format", "EC point format", FieldType::UInt8, Base::Dec, 0,
     kEcPointFormats},
    {"tls.handshake.extensions_key_share_client_length", "Client Key Share Length",
     FieldType::UInt16, Base::Dec},
    {"tls.handshake.extensions_key_share_group", "Group", FieldType::UInt16, Base::Dec, 0, kGroups},
    {"tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length",
     FieldType::UInt16, Base::Dec},
    {"tls.handshake.extensions_key_share_key_exchange", "Key Exchange", FieldType::Bytes},
    {"tls.handshake.extensions_key_share_selected_group", "Selected Group", FieldType::UInt16,
     Base::Dec, 0, kGroups},
    {"tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", FieldType::UInt8,
     Base::Dec},
    {"tls.extension.psk_ke_mode", "PSK Key Exchange Mode", FieldType::UInt8, Base::Dec, 0,
     kPskKeModes},
    {"tls.handshake.extensions_padding_data", "Padding Data", FieldType::Bytes},
    {"tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length",
     FieldType::UInt8, Base::Dec},
    {"tls.handshake.extensions_reneg_info", "Renegotiation info", FieldType::Bytes},
    {"tls.handshake.extensions_status_request_type", "Certificate Status Type", FieldType::UInt8,
     Base::Dec, 0, kStatusRequestTypes},
    {"tls.handshake.extensions_status_request_responder_ids_len", "Responder ID list Length",
     FieldType::UInt16, Base::Dec},
    {"tls.handshake.extensions_status_request_exts_len", "Request Extensions Length",
     FieldType::UInt16, Base::Dec},
    {"tls.record_size_limit", "Record Size Limit", FieldType::UInt16, Base::Dec},
    {"tls.handshake.certificates_length", "Certificates Length", FieldType::UInt24, Base::Dec},
    {"tls.handshake.certificates", "Certificates", FieldType::None},
    {"tls.handshake.certificate_length", "Certificate Length", FieldType::UInt24, Base::Dec},
    {"tls.handshake.certificate", "Certificate", FieldType::Bytes},
    {"tls.handshake.certificate_request_context_length", "Certificate Request Context Length",
     FieldType::UInt8, Base::Dec},
    {"tls.handshake.certificate_request_context", "Certificate Request Context", FieldType::Bytes},
    {"tls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint",
     FieldType::UInt32, Base::Dec},
    {"tls.handshake.session_ticket_age_add", "Session Ticket Age Add", FieldType::UInt32,
     Base::Dec},
    {"tls.handshake.session_ticket_nonce_length", "Session Ticket Nonce Length", FieldType::UInt8,
     Base::Dec},
    {"tls.handshake.session_ticket_nonce", "Session Ticket Nonce", FieldType::Bytes},
    {"tls.handshake.session_ticket_length", "Session Ticket Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.session_ticket", "Session Ticket", FieldType::Bytes},
    {"tls.handshake.client_point_len", "Pubkey Length", FieldType::UInt8, Base::Dec},
    {"tls.handshake.client_point", "Pubkey", FieldType::Bytes},
    {"tls.handshake.server_curve_type", "Curve Type", FieldType::UInt8, Base::Hex, 0, kCurveTypes},
    {"tls.handshake.server_named_curve", "Named Curve", FieldType::UInt16, Base::Hex, 0, kGroups},
    {"tls.handshake.server_point_len", "Pubkey Length", FieldType::UInt8, Base::Dec},
    {"tls.handshake.server_point", "Pubkey", FieldType::Bytes},
    {"tls.handshake.sig_len", "Signature Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.sig", "Signature", FieldType::Bytes},
    {"tls.handshake.epms_len", "Encrypted PreMaster length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.epms", "Encrypted PreMaster", FieldType::Bytes},
    {"tls.handshake.verify_data", "Verify Data", FieldType::None},
    {"tls.handshake.extension.heartbeat.mode", "Mode", FieldType::UInt8, Base::Dec, 0,
     kHeartbeatModes},
    {"tls.handshake.p_len", "p Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.p", "p", FieldType::Bytes},
    {"tls.handshake.g_len", "g Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.g", "g", FieldType::Bytes},
    {"tls.handshake.ys_len", "Pubkey Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.ys", "Pubkey", FieldType::Bytes},
    {"tls.handshake.yc_len", "Pubkey Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.yc", "Pubkey", FieldType::Bytes},
    {"tls.handshake.cert_types_count", "Certificate types count", FieldType::UInt8, Base::Dec},
    {"tls.handshake.cert_types", "Certificate types", FieldType::None},
    {"tls.handshake.cert_type", "Certificate type", FieldType::UInt8, Base::Dec, 0, kCertTypes},
    {"tls.handshake.dnames_len", "Distinguished Names Length", FieldType::UInt16, Base::Dec},
    {"tls.handshake.ja3_full", "JA3 Fullstring", FieldType::String},
    {"tls.handshake.ja3", "JA3", FieldType::String},
    {"tls.handshake.ja3s_full", "JA3S Fullstring", FieldType::String},
    {"tls.handshake.ja3s", "JA3S", FieldType::String},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names).
enum E { Ignored, Resumed, VectorLength, TooSmall, TrailingData, RecordLengthInvalid, ECount };
constexpr FieldDef kExperts[] = {
    {"tls.ignored_unknown_record", "Ignored Unknown Record", FieldType::None},
    {"tls.resumed", "This session reuses previously negotiated keys (Session resumption)",
     FieldType::None},
    {"tls.malformed.vector_length", "Variable vector length is outside the permitted range",
     FieldType::None},
    {"tls.malformed.buffer_too_small", "Malformed message, not enough data is available",
     FieldType::None},
    {"tls.malformed.trailing_data", "Undecoded trailing data is present", FieldType::None},
    {"tls.record.length.invalid", "Record fragment length is too small or too large",
     FieldType::None},
};
static_assert(std::size(kExperts) == ECount);

FieldBlock s_f;
FieldBlock s_ei;

// A signature algorithm without a TLS 1.3 name is labelled by its TLS 1.2 hash and signature
// halves (RFC 5246 7.4.1.4.1), `SHA224 RSA (0x0301)`, as Wireshark does.
Item addSigAlg(Dissection &d, Item parent, const Reader &r, size_t at)
{
    Item it = d.addUInt(parent, s_f[SigHashAlg], r, at, 2);
    if (it) {
        const uint16_t v = r.u16(at);
        if (nameOf(kSigHashAlgs, v).empty()) {
            const std::string_view h = nameOf(kSigHashHashes, v >> 8);
            const std::string_view g = nameOf(kSigHashSigs, v & 0xff);
            if (!h.empty() && !g.empty()) {
                std::string l = "Signature Algorithm: ";
                l += h;
                l += ' ';
                l += g;
                l += " (";
                text::appendHex(l, v, 4);
                l += ')';
                d.setText(it, std::move(l));
            }
        }
    }
    d.addUInt(it, s_f[SigHashHash], r, at, 1);
    d.addUInt(it, s_f[SigHashSig], r, at + 1, 1);
    return it;
}

// RFC 8446 5.1: a record carries at most 2^14 bytes plus 2048 of expansion (TLS 1.2's bound,
// RFC 5246 6.2.3); Wireshark flags longer ones.
constexpr size_t kMaxRecord = 16384 + 2048;

enum ContentTypeId : uint8_t { kCcs = 20, kAlert = 21, kHandshake = 22, kAppData = 23, kHb = 24 };
enum HandshakeId : uint8_t {
    kClientHello = 1,
    kServerHello = 2,
    kNewSessionTicket = 4,
    kHelloRetry = 6,
    kCertificate = 11,
    kServerKeyExchange = 12,
    kCertificateRequest = 13,
    kServerHelloDone = 14,
    kClientKeyExchange = 16,
    kFinished = 20,
};
constexpr uint16_t kTls13 = 0x0304;

// MD5 (RFC 1321), for the JA3 fingerprints Wireshark shows under a hello: the MD5 of a text
// of decimal numbers. Not for security.
std::string md5Hex(std::string_view msg)
{
    static const auto k = [] {
        std::array<uint32_t, 64> t{};
        for (size_t i = 0; i < 64; ++i) // RFC 1321 3.4: T[i] = floor(2^32 * |sin(i + 1)|)
            t[i] = uint32_t(std::fabs(std::sin(double(i + 1))) * 4294967296.0);
        return t;
    }();
    static constexpr uint8_t kShift[64] = {
        7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 5,  9,  14, 20, 5,  9,
        14, 20, 5,  9,  14, 20, 5,  9,  14, 20, 4,  11, 16, 23, 4,  11, 16, 23, 4,  11, 16, 23,
        4,  11, 16, 23, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21};
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::string m(msg);
    const uint64_t bits = uint64_t(msg.size()) * 8;
    m += char(0x80);
    while (m.size() % 64 != 56)
        m += char(0);
    for (int i = 0; i < 8; ++i)
        m += char(bits >> (8 * i));
    for (size_t block = 0; block < m.size(); block += 64) {
        uint32_t w[16];
        for (size_t i = 0; i < 16; ++i) {
            const auto *p = reinterpret_cast<const uint8_t *>(m.data() + block + 4 * i);
            w[i] =
                uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (uint32_t i = 0; i < 64; ++i) {
            uint32_t f, g;
            if (i < 16) {
                f = (b & c) | (~b & d);
                g = i;
            } else if (i < 32) {
                f = (d & b) | (~d & c);
                g = (5 * i + 1) % 16;
            } else if (i < 48) {
                f = b ^ c ^ d;
                g = (3 * i + 5) % 16;
            } else {
                f = c ^ (b | ~d);
                g = (7 * i) % 16;
            }
            const uint32_t sum = a + f + k[i] + w[g];
            a = d;
            d = c;
            c = b;
            b += sum << kShift[i] | sum >> (32 - kShift[i]);
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
    }
    std::string out;
    static constexpr char kHex[] = "0123456789abcdef";
    for (uint32_t v : h)
        for (int i = 0; i < 4; ++i) {
            out += kHex[(v >> (8 * i + 4)) & 15];
            out += kHex[(v >> (8 * i)) & 15];
        }
    return out;
}

// RFC 8701: GREASE values are 0x?a?a with both bytes equal; JA3 leaves them out.
bool isGrease(uint32_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

// JA3 (client) / JA3S (server) text of a hello body at [at, end): version, cipher suites,
// extension types, and for the client the groups and point formats, GREASE left out.
// Empty when the hello does not parse.
std::string ja3Text(const Reader &r, size_t at, size_t end, bool client)
{
    std::string s;
    auto list16 = [&](size_t p, size_t n) {
        bool first = true;
        for (size_t i = 0; i + 2 <= n; i += 2) {
            const uint16_t v = r.u16(p + i);
            if (isGrease(v))
                continue;
            if (!first)
                s += '-';
            first = false;
            text::appendUInt(s, v);
        }
    };
    if (!r.has(at, 35) || end < at + 35)
        return {};
    text::appendUInt(s, r.u16(at));
    s += ',';
    size_t p = at + 34;
    p += 1 + r.u8(p);
    if (client) {
        if (!r.has(p, 2) || p + 2 > end || r.u16(p) > end - p - 2)
            return {};
        const size_t n = r.u16(p);
        list16(p + 2, n);
        p += 2 + n;
        if (!r.has(p, 1) || p + 1 > end)
            return {};
        p += 1 + r.u8(p);
    } else {
        if (!r.has(p, 3) || p + 3 > end)
            return {};
        text::appendUInt(s, r.u16(p));
        p += 3;
    }
    s += ',';
    std::string groups, formats;
    if (p + 2 <= end && r.has(p, 2)) {
        const size_t extEnd = std::min(end, p + 2 + r.u16(p));
        p += 2;
        bool first = true;
        while (p + 4 <= extEnd && r.has(p, 4)) {
            const uint16_t type = r.u16(p);
            const size_t len = r.u16(p + 2);
            if (p + 4 + len > extEnd || !r.has(p + 4, len))
                break;
            if (!isGrease(type)) {
                if (!first)
                    s += '-';
                first = false;
                text::appendUInt(s, type);
            }
            if (client && type == 10 && len >= 2) {
                std::swap(s, groups);
                list16(p + 6, std::min<size_t>(r.u16(p + 4), len - 2));
                std::swap(s, groups);
            } else if (client && type == 11 && len >= 1) {
                const size_t n = std::min<size_t>(r.u8(p + 4), len - 1);
                for (size_t i = 0; i < n; ++i) {
                    if (i)
                        formats += '-';
                    text::appendUInt(formats, r.u8(p + 5 + i));
                }
            }
            p += 4 + len;
        }
    }
    if (client) {
        s += ',';
        s += groups;
        s += ',';
        s += formats;
    }
    return s;
}

// Wireshark's ssl_version_short_names: the Protocol column and the record's label.
std::string_view shortName(uint16_t v)
{
    switch (v) {
    case 0x0002:
        return "SSLv2";
    case 0x0300:
        return "SSLv3";
    case 0x0301:
        return "TLSv1";
    case 0x0302:
        return "TLSv1.1";
    case 0x0303:
        return "TLSv1.2";
    case 0x0304:
        return "TLSv1.3";
    case 0x0101:
        return "GMTLS";
    case 0xfeff:
        return "DTLSv1.0";
    case 0xfefd:
        return "DTLSv1.2";
    default:
        return "TLS";
    }
}

// The application protocol a record's data belongs to: from the ServerHello's ALPN, else
// from the port (Wireshark's tls.port table hands 443 to HTTP).
enum App : uint8_t { kAppNone, kAppHttp, kAppHttp2, kAppMysql };
std::string_view appName(uint8_t app)
{
    switch (app) {
    case kAppHttp:
        return "Hypertext Transfer Protocol";
    case kAppHttp2:
        return "HyperText Transfer Protocol 2";
    case kAppMysql:
        return "MySQL Protocol";
    default:
        return {};
    }
}

// What Wireshark remembers about a TLS session (one TCP conversation).
struct Conv
{
    uint16_t version = 0;       // negotiated or first authoritative record version; 0 unknown
    uint16_t cipher = 0;        // the ServerHello's cipher suite
    uint16_t serverPort = 0;    // the side that sent the ServerHello
    uint8_t app = kAppNone;     // from ALPN
    bool resumed = false;       // ServerHello seen without a later ServerHelloDone
    bool ccs[2] = {};           // ChangeCipherSpec seen from the client [0], server [1]
    uint64_t heuristicFrom = 0; // frame where the heuristic took the conversation (0 never)
    bool operator==(const Conv &) const = default;
};

struct State
{
    std::unordered_map<uint32_t, Conv> convs;
    VersionedFrameLog<Conv> log; // by TCP stream
    // The dissection (Session::serial) whose Info column TLS last wrote: a segment that
    // completes one PDU and starts others calls TLS once per piece, and tshark's column then
    // lists them all (TCP fences the column between them).
    uint64_t infoSerial = ~uint64_t(0);
};
// A hostile capture opens many conversations; past this the table starts afresh.
constexpr size_t kMaxConvs = 65536;

// Per call: the session state this payload starts with and updates.
struct Ctx
{
    Dissection &d;
    State &st;
    Conv conv;
    bool fromServer = false;
    bool first = true; // first record of the payload (Info separators)
};

void appendInfo(Ctx &c, std::string_view text)
{
    if (!c.d.columns())
        return;
    std::string &info = c.d.info();
    // TLS owns the column once it shows a record (Wireshark clears it); a payload that only
    // asks TCP for more bytes leaves TCP's text.
    if (c.first && c.st.infoSerial != c.d.session().serial())
        info.clear();
    else if (!info.empty())
        info += ", ";
    c.first = false;
    c.st.infoSerial = c.d.session().serial();
    info += text;
}

bool validContentType(uint8_t t)
{
    return t >= kCcs && t <= kHb;
}

bool validVersion(uint16_t v)
{
    return (v >= 0x0300 && v <= 0x0304) || v == 0x0101;
}

// Wireshark's ssl_looks_like_sslv3: a plausible record header.
bool looksLikeRecord(const Reader &r, size_t at)
{
    if (r.capturedFrom(at) < 3)
        return false;
    return validContentType(r.u8(at)) && validVersion(r.u16(at + 1));
}

// A vector's length byte(s) against what its container has left; the expert note
// Wireshark's ssl_add_vector gives, under the length's item. False: stop decoding the
// container.
bool checkVector(Ctx &c, Item lenItem, const Reader &r, size_t at, size_t lenBytes, size_t declared,
                 size_t available, size_t minLen = 0, size_t maxLen = ~size_t(0))
{
    if (declared <= available && declared >= minLen && declared <= maxLen)
        return true;
    std::string msg = "Vector length ";
    text::appendUInt(msg, declared);
    msg += declared > available ? " is too large, truncating it to " : " is out of range";
    if (declared > available)
        text::appendUInt(msg, available);
    // An Error/Malformed note, but not a malformed frame: tshark goes on after it.
    c.d.expert(lenItem, r, at, lenBytes, Severity::Error, ExpertGroup::Malformed, msg, 0,
               s_ei[VectorLength]);
    return false;
}

void label(Dissection &d, Item it, std::string text)
{
    if (it)
        d.setText(it, std::move(text));
}

// "Cipher Suites (17 suites)", "Compression Methods (1 method)".
std::string counted(std::string_view what, size_t n, std::string_view one, std::string_view many)
{
    std::string s(what);
    s += " (";
    text::appendUInt(s, n);
    s += ' ';
    s += n == 1 ? one : many;
    s += ')';
    return s;
}

// Random: 4 bytes of time then 28 random bytes, except in a TLS 1.3 ServerHello (RFC 8446
// 4.1.3: all 32 random), where Wireshark shows no split.
void addRandom(Ctx &c, Item hs, const Reader &r, size_t at, bool split)
{
    Item rnd = c.d.addBytes(hs, s_f[Random], r, at, 32);
    if (!split)
        return;
    c.d.addValue(rnd, s_f[RandomTime], r, at, 4, r.u32(at));
    c.d.addBytes(rnd, s_f[RandomBytes], r, at + 4, 28);
}

// --- Extensions ---

void dissectSni(Ctx &c, Item ext, const Reader &r, size_t at, size_t end)
{
    Dissection &d = c.d;
    Item sni = d.addText(ext, r, at, end - at, "Server Name Indication extension");
    if (end - at < 2)
        return;
    const size_t listLen = r.u16(at);
    Item len1 = d.addUInt(sni, s_f[SniListLen], r, at, 2);
    at += 2;
    if (!checkVector(c, len1, r, at - 2, 2, listLen, end - at))
        return;
    const size_t listEnd = at + listLen;
    while (at + 3 <= listEnd) {
        d.addUInt(sni, s_f[SniType], r, at, 1);
        const size_t len = r.u16(at + 1);
        Item len2 = d.addUInt(sni, s_f[SniLen], r, at + 1, 2);
        at += 3;
        if (!checkVector(c, len2, r, at - 2, 2, len, listEnd - at))
            return;
        if (d.wants(s_f[Sni]))
            d.addString(sni, s_f[Sni], r, at, len,
                        std::string(reinterpret_cast<const char *>(r.ptr(at, len)), len));
        at += len;
    }
}

void dissectAlpn(Ctx &c, Item ext, const Reader &r, size_t at, size_t end, bool fromServerHello)
{
    Dissection &d = c.d;
    if (end - at < 2)
        return;
    const size_t listLen = r.u16(at);
    Item len3 = d.addUInt(ext, s_f[AlpnLen], r, at, 2);
    at += 2;
    if (!checkVector(c, len3, r, at - 2, 2, listLen, end - at))
        return;
    Item list = d.addUInt(ext, s_f[AlpnList], r, at, listLen);
    const size_t listEnd = at + listLen;
    while (at < listEnd) {
        const size_t len = r.u8(at);
        Item len4 = d.addUInt(list, s_f[AlpnStrLen], r, at, 1);
        ++at;
        if (!checkVector(c, len4, r, at - 1, 1, len, listEnd - at))
            return;
        const std::string_view s(reinterpret_cast<const char *>(r.ptr(at, len)), len);
        if (d.wants(s_f[AlpnStr]))
            d.addString(list, s_f[AlpnStr], r, at, len, std::string(s));
        if (fromServerHello)
            c.conv.app = s == "h2"         ? uint8_t(kAppHttp2)
                         : s == "http/1.1" ? uint8_t(kAppHttp)
                                           : c.conv.app;
        at += len;
    }
}

// A list of 16-bit values after a 16-bit length: groups, signature algorithms.
void dissectU16List(Ctx &c, Item ext, const Reader &r, size_t at, size_t end, int lenField,
                    int listField, int itemField, std::string_view listName, std::string_view many)
{
    Dissection &d = c.d;
    if (end - at < 2)
        return;
    const size_t len = r.u16(at);
    Item len5 = d.addUInt(ext, s_f[lenField], r, at, 2);
    at += 2;
    if (!checkVector(c, len5, r, at - 2, 2, len, end - at))
        return;
    Item list = d.addUInt(ext, s_f[listField], r, at, len);
    label(d, list, counted(listName, len / 2, many.substr(0, many.size() - 1), many));
    for (size_t i = 0; i + 2 <= len; i += 2) {
        if (itemField == SigHashAlg)
            addSigAlg(d, list, r, at + i);
        else
            d.addUInt(list, s_f[itemField], r, at + i, 2);
    }
}

void dissectKeyShareEntry(Ctx &c, Item parent, const Reader &r, size_t &at, size_t end)
{
    Dissection &d = c.d;
    if (end - at < 4) {
        at = end;
        return;
    }
    const uint16_t group = r.u16(at);
    const size_t kxLen = r.u16(at + 2);
    Item entry = d.addText(parent, r, at, 4 + std::min(kxLen, end - at - 4), {});
    if (entry) {
        std::string s = "Key Share Entry: Group: ";
        const std::string_view n = nameOf(kGroups, group);
        s += n.empty() ? std::string_view("Unknown") : n;
        s += ", Key Exchange length: ";
        text::appendUInt(s, kxLen);
        d.setText(entry, std::move(s));
    }
    d.addUInt(entry, s_f[KeyShareGroup], r, at, 2);
    Item len6 = d.addUInt(entry, s_f[KeyShareKxLen], r, at + 2, 2);
    at += 4;
    if (!checkVector(c, len6, r, at - 2, 2, kxLen, end - at)) {
        at = end;
        return;
    }
    d.addBytes(entry, s_f[KeyShareKx], r, at, kxLen);
    at += kxLen;
}

void dissectExtensions(Ctx &c, Item hs, const Reader &r, size_t at, size_t end, uint8_t hsType)
{
    Dissection &d = c.d;
    if (end - at < 2)
        return;
    const size_t total = r.u16(at);
    Item len7 = d.addUInt(hs, s_f[ExtensionsLen], r, at, 2);
    at += 2;
    if (!checkVector(c, len7, r, at - 2, 2, total, end - at))
        return;
    const size_t extsEnd = at + total;
    while (at < extsEnd) {
        if (extsEnd - at < 4) {
            d.expert(hs, r, at, extsEnd - at, Severity::Error, ExpertGroup::Malformed,
                     "Malformed message, not enough data is available", Malformed, s_ei[TooSmall]);
            return;
        }
        const uint16_t type = r.u16(at);
        const size_t len = r.u16(at + 2);
        // An extension past the extensions block: tshark's exception, nothing of it shown.
        r.sub(0, extsEnd).require(at, 4 + len);
        const size_t clipped = len;
        Item ext = d.addText(hs, r, at, 4 + clipped, {});
        if (ext) {
            std::string s = "Extension: ";
            const std::string_view n = nameOf(kExtensionTypes, type);
            s += n.empty() ? std::string_view("Unknown type ") : n;
            if (n.empty())
                text::appendUInt(s, type);
            s += " (len=";
            text::appendUInt(s, len);
            s += ')';
            d.setText(ext, std::move(s));
        }
        d.addUInt(ext, s_f[ExtType], r, at, 2);
        Item len8 = d.addUInt(ext, s_f[ExtLen], r, at + 2, 2);
        at += 4;
        if (!checkVector(c, len8, r, at - 2, 2, len, extsEnd - at))
            return;
        const size_t e = at + len;
        const bool server = hsType == kServerHello || hsType == kHelloRetry;
        switch (type) {
        case 0: // server_name
            if (len > 0)
                dissectSni(c, ext, r, at, e);
            break;
        case 5: // status_request
            if (hsType == kClientHello && len >= 5) {
                d.addUInt(ext, s_f[StatusType], r, at, 1);
                d.addUInt(ext, s_f[StatusResponderIdsLen], r, at + 1, 2);
                d.addUInt(ext, s_f[StatusExtsLen], r, at + 3 + r.u16(at + 1), 2);
            }
            break;
        case 10: // supported_groups
            dissectU16List(c, ext, r, at, e, GroupsLen, Groups, Group, "Supported Groups",
                           "groups");
            break;
        case 11: { // ec_point_formats
            if (len < 1)
                break;
            const size_t n = r.u8(at);
            Item len9 = d.addUInt(ext, s_f[EcPfLen], r, at, 1);
            if (!checkVector(c, len9, r, at, 1, n, e - at - 1))
                break;
            Item list = d.addUInt(ext, s_f[EcPfs], r, at + 1, n);
            label(d, list, "Elliptic curves point formats (" + text::uintString(n) + ")");
            for (size_t i = 0; i < n; ++i)
                d.addUInt(list, s_f[EcPf], r, at + 1 + i, 1);
            break;
        }
        case 13: // signature_algorithms
            dissectU16List(c, ext, r, at, e, SigHashLen, SigHashAlgs, SigHashAlg,
                           "Signature Hash Algorithms", "algorithms");
            break;
        case 16: // application_layer_protocol_negotiation
            dissectAlpn(c, ext, r, at, e, hsType == kServerHello);
            break;
        case 21: // padding
            if (len > 0)
                d.addBytes(ext, s_f[PaddingData], r, at, len);
            break;
        case 15: // heartbeat (RFC 6520 2)
            if (len >= 1)
                d.addUInt(ext, s_f[HeartbeatMode], r, at, 1);
            break;
        case 28: // record_size_limit
            if (len >= 2)
                d.addUInt(ext, s_f[RecordSizeLimit], r, at, 2);
            break;
        case 35: { // session_ticket
            Item data = d.addBytes(ext, s_f[ExtData], r, at, len);
            label(d, data, "Data (" + text::uintString(len) + (len == 1 ? " byte)" : " bytes)"));
            break;
        }
        case 43: // supported_versions
            if (server) {
                if (len >= 2)
                    d.addUInt(ext, s_f[SupVersion], r, at, 2);
            } else if (len >= 1) {
                const size_t n = r.u8(at);
                Item len10 = d.addUInt(ext, s_f[SupVersionsLen], r, at, 1);
                if (!checkVector(c, len10, r, at, 1, n, e - at - 1))
                    break;
                for (size_t i = 0; i + 2 <= n; i += 2)
                    d.addUInt(ext, s_f[SupVersion], r, at + 1 + i, 2);
            }
            break;
        case 45: { // psk_key_exchange_modes
            if (len < 1)
                break;
            const size_t n = r.u8(at);
            Item len11 = d.addUInt(ext, s_f[PskKeModesLen], r, at, 1);
            if (!checkVector(c, len11, r, at, 1, n, e - at - 1))
                break;
            for (size_t i = 0; i < n; ++i)
                d.addUInt(ext, s_f[PskKeMode], r, at + 1 + i, 1);
            break;
        }
        case 51: { // key_share
            if (len == 0)
                break;
            Item ks = d.addText(ext, r, at, len, "Key Share extension");
            size_t p = at;
            if (hsType == kClientHello) {
                const size_t n = r.u16(p);
                Item len12 = d.addUInt(ks, s_f[KeyShareClientLen], r, p, 2);
                p += 2;
                if (!checkVector(c, len12, r, p - 2, 2, n, e - p))
                    break;
                const size_t listEnd = p + n;
                while (p < listEnd)
                    dissectKeyShareEntry(c, ks, r, p, listEnd);
            } else if (hsType == kHelloRetry && len == 2) {
                d.addUInt(ks, s_f[KeyShareSelected], r, p, 2);
            } else {
                dissectKeyShareEntry(c, ks, r, p, e);
            }
            break;
        }
        case 65281: { // renegotiation_info
            if (len < 1)
                break;
            Item ri = d.addText(ext, r, at, len, "Renegotiation Info extension");
            const size_t n = r.u8(at);
            Item len13 = d.addUInt(ri, s_f[RenegLen], r, at, 1);
            if (!checkVector(c, len13, r, at, 1, n, e - at - 1))
                break;
            if (n > 0)
                d.addBytes(ri, s_f[RenegInfo], r, at + 1, n);
            break;
        }
        case 22:    // encrypt_then_mac
        case 23:    // extended_master_secret
        case 18:    // signed_certificate_timestamp
        case 13172: // next_protocol_negotiation
            break;
        default: {
            // Wireshark shows unknown extensions' data even when empty: `Data: <MISSING>`.
            Item data = d.addBytes(ext, s_f[ExtData], r, at, len);
            if (len == 0)
                label(d, data, "Data: <MISSING>");
            break;
        }
        }
        at = e;
    }
}

// --- Handshake messages ---

void dissectHello(Ctx &c, Item hs, const Reader &r, size_t at, size_t end, uint8_t type)
{
    Dissection &d = c.d;
    const bool client = type == kClientHello;
    const size_t helloAt = at;
    r.require(at, 2);
    const uint16_t legacy = r.u16(at);
    d.addUInt(hs, s_f[HsVersion], r, at, 2);
    at += 2;
    // A TLS 1.3 ServerHello names its version in supported_versions (RFC 8446 4.2.1);
    // Wireshark looks it up before dissecting, for the random's split and the session.
    uint16_t chosen = legacy;
    if (!client) {
        size_t p = at + 32;
        if (p < end && r.has(p, 1)) {
            p += 1 + r.u8(p) + 3; // session id, cipher suite, compression
            if (p + 2 <= end && r.has(p, 2)) {
                const size_t extEnd = std::min(end, p + 2 + r.u16(p));
                p += 2;
                while (p + 4 <= extEnd && r.has(p, 4)) {
                    const uint16_t et = r.u16(p);
                    const size_t el = r.u16(p + 2);
                    if (et == 43 && el == 2 && p + 6 <= extEnd && r.has(p + 4, 2))
                        chosen = r.u16(p + 4);
                    p += 4 + el;
                }
            }
        }
    }
    addRandom(c, hs, r, at, client || chosen != kTls13);
    at += 32;
    const size_t sidLen = r.u8(at);
    Item len14 = d.addUInt(hs, s_f[SessionIdLen], r, at, 1);
    ++at;
    if (!checkVector(c, len14, r, at - 1, 1, sidLen, end - at, 0, 32))
        return;
    if (sidLen > 0)
        d.addBytes(hs, s_f[SessionId], r, at, sidLen);
    at += sidLen;
    if (client) {
        const size_t csLen = r.u16(at);
        Item len15 = d.addUInt(hs, s_f[CipherSuitesLen], r, at, 2);
        at += 2;
        if (!checkVector(c, len15, r, at - 2, 2, csLen, end - at, 2, 0xfffe))
            return;
        Item list = d.addUInt(hs, s_f[CipherSuites], r, at, csLen);
        label(d, list, counted("Cipher Suites", csLen / 2, "suite", "suites"));
        for (size_t i = 0; i + 2 <= csLen; i += 2)
            d.addUInt(list, s_f[CipherSuite], r, at + i, 2);
        at += csLen;
        const size_t cmLen = r.u8(at);
        Item len16 = d.addUInt(hs, s_f[CompMethodsLen], r, at, 1);
        ++at;
        if (!checkVector(c, len16, r, at - 1, 1, cmLen, end - at, 1))
            return;
        Item cms = d.addUInt(hs, s_f[CompMethods], r, at, cmLen);
        label(d, cms, counted("Compression Methods", cmLen, "method", "methods"));
        for (size_t i = 0; i < cmLen; ++i)
            d.addUInt(cms, s_f[CompMethod], r, at + i, 1);
        at += cmLen;
    } else {
        c.conv.cipher = r.u16(at);
        d.addUInt(hs, s_f[CipherSuite], r, at, 2);
        d.addUInt(hs, s_f[CompMethod], r, at + 2, 1);
        at += 3;
        if (type == kServerHello) {
            c.conv.version = chosen;
            c.conv.serverPort = d.transport.srcPort;
            // Wireshark assumes an abbreviated handshake until it sees ServerHelloDone.
            c.conv.resumed = chosen != kTls13;
            c.fromServer = true;
        }
    }
    if (at < end)
        dissectExtensions(c, hs, r, at, end, type);
    if (type == kHelloRetry)
        return;
    const int full = client ? Ja3Full : Ja3sFull, hash = client ? Ja3 : Ja3s;
    if (d.wants(s_f[full]) || d.wants(s_f[hash])) {
        std::string text = ja3Text(r, helloAt, end, client);
        if (!text.empty()) {
            std::string md5 = md5Hex(text);
            d.addGeneratedString(hs, s_f[full], std::move(text));
            d.addGeneratedString(hs, s_f[hash], std::move(md5));
        }
    }
}

// A 16-bit length and that many bytes; false (with the expert note) when the length lies.
bool lengthAndBytes(Ctx &c, Item parent, const Reader &r, size_t &at, size_t end, int lenField,
                    int field)
{
    const size_t len = r.u16(at);
    Item len17 = c.d.addUInt(parent, s_f[lenField], r, at, 2);
    at += 2;
    if (!checkVector(c, len17, r, at - 2, 2, len, end - at))
        return false;
    c.d.addBytes(parent, s_f[field], r, at, len);
    at += len;
    return true;
}

// Finite-field DHE suites (RFC 5246 7.4.3).
bool isDhe(uint16_t suite)
{
    const std::string_view n = nameOf(kCipherSuites, suite);
    return n.substr(0, 8) == "TLS_DHE_" || n.substr(0, 11) == "TLS_DH_anon";
}

// ECDHE suites, whose key exchange messages carry an EC point (RFC 8422 5.4, 5.7).
bool isEcdhe(uint16_t suite)
{
    const std::string_view n = nameOf(kCipherSuites, suite);
    return n.substr(0, 10) == "TLS_ECDHE_";
}

void dissectBody(Ctx &c, Item hs, const Reader &r, size_t at, size_t end, uint8_t type)
{
    Dissection &d = c.d;
    switch (type) {
    case kClientHello:
    case kServerHello:
    case kHelloRetry:
        dissectHello(c, hs, r, at, end, type);
        break;
    case kNewSessionTicket: {
        Item t = d.addText(hs, r, at, end - at, "TLS Session Ticket");
        Item life = d.addUInt(t, s_f[TicketLifetime], r, at, 4);
        if (life) {
            const uint32_t s = r.u32(at);
            std::string l = "Session Ticket Lifetime Hint: ";
            text::appendUInt(l, s);
            l += " seconds";
            // Wireshark adds the lifetime as a duration: "(2 hours)".
            if (s > 0) {
                l += " (";
                const uint32_t days = s / 86400, hours = s / 3600 % 24, mins = s / 60 % 60,
                               secs = s % 60;
                std::string parts;
                auto part = [&](uint32_t v, const char *unit) {
                    if (!v)
                        return;
                    if (!parts.empty())
                        parts += ", ";
                    text::appendUInt(parts, v);
                    parts += ' ';
                    parts += unit;
                    if (v != 1)
                        parts += 's';
                };
                part(days, "day");
                part(hours, "hour");
                part(mins, "minute");
                part(secs, "second");
                l += parts + ')';
            }
            d.setText(life, std::move(l));
        }
        at += 4;
        if (c.conv.version == kTls13) {
            d.addUInt(t, s_f[TicketAgeAdd], r, at, 4);
            const size_t nonceLen = r.u8(at + 4);
            Item len18 = d.addUInt(t, s_f[TicketNonceLen], r, at + 4, 1);
            at += 5;
            if (!checkVector(c, len18, r, at - 1, 1, nonceLen, end - at))
                return;
            d.addBytes(t, s_f[TicketNonce], r, at, nonceLen);
            at += nonceLen;
        }
        const size_t len = r.u16(at);
        Item len19 = d.addUInt(t, s_f[TicketLen], r, at, 2);
        at += 2;
        if (!checkVector(c, len19, r, at - 2, 2, len, end - at))
            return;
        d.addBytes(t, s_f[Ticket], r, at, len);
        break;
    }
    case kCertificate: {
        if (c.conv.version == kTls13) {
            const size_t ctxLen = r.u8(at);
            d.addUInt(hs, s_f[CertReqCtxLen], r, at, 1);
            ++at;
            if (ctxLen > 0)
                d.addBytes(hs, s_f[CertReqCtx], r, at, std::min(ctxLen, end - at));
            at += ctxLen;
        }
        if (end < at + 3)
            return;
        const size_t total = r.u24(at);
        Item len20 = d.addUInt(hs, s_f[CertificatesLen], r, at, 3);
        at += 3;
        if (!checkVector(c, len20, r, at - 3, 3, total, end - at))
            return;
        if (total == 0)
            return;
        Item list = d.addUInt(hs, s_f[Certificates], r, at, total);
        label(d, list, "Certificates (" + text::uintString(total) + " bytes)");
        const size_t listEnd = at + total;
        while (at + 3 <= listEnd) {
            const size_t len = r.u24(at);
            Item len21 = d.addUInt(list, s_f[CertificateLen], r, at, 3);
            at += 3;
            if (!checkVector(c, len21, r, at - 3, 3, len, listEnd - at))
                return;
            d.addBytes(list, s_f[Certificate], r, at, len);
            at += len;
            if (c.conv.version == kTls13 && at + 2 <= listEnd) {
                const size_t extLen = r.u16(at);
                d.addUInt(list, s_f[ExtensionsLen], r, at, 2);
                at += 2 + std::min(extLen, listEnd - at - 2);
            }
        }
        break;
    }
    case kServerKeyExchange: {
        if (isDhe(c.conv.cipher)) {
            Item p = d.addText(hs, r, at, end - at, "Diffie-Hellman Server Params");
            if (!lengthAndBytes(c, p, r, at, end, PLen, P) ||
                !lengthAndBytes(c, p, r, at, end, GLen, G) ||
                !lengthAndBytes(c, p, r, at, end, YsLen, Ys))
                return;
            if (c.conv.version >= 0x0303) {
                addSigAlg(d, p, r, at);
                at += 2;
            }
            lengthAndBytes(c, p, r, at, end, SigLen, Sig);
            break;
        }
        if (!isEcdhe(c.conv.cipher))
            break;
        Item p = d.addText(hs, r, at, end - at, "EC Diffie-Hellman Server Params");
        d.addUInt(p, s_f[ServerCurveType], r, at, 1);
        d.addUInt(p, s_f[ServerNamedCurve], r, at + 1, 2);
        const size_t len = r.u8(at + 3);
        Item len22 = d.addUInt(p, s_f[ServerPointLen], r, at + 3, 1);
        at += 4;
        if (!checkVector(c, len22, r, at - 1, 1, len, end - at))
            return;
        d.addBytes(p, s_f[ServerPoint], r, at, len);
        at += len;
        if (c.conv.version >= 0x0303) {
            addSigAlg(d, p, r, at);
            at += 2;
        }
        const size_t sigLen = r.u16(at);
        Item len23 = d.addUInt(p, s_f[SigLen], r, at, 2);
        at += 2;
        if (!checkVector(c, len23, r, at - 2, 2, sigLen, end - at))
            return;
        d.addBytes(p, s_f[Sig], r, at, sigLen);
        break;
    }
    case kClientKeyExchange: {
        if (isEcdhe(c.conv.cipher)) {
            Item p = d.addText(hs, r, at, end - at, "EC Diffie-Hellman Client Params");
            const size_t len = r.u8(at);
            Item len24 = d.addUInt(p, s_f[ClientPointLen], r, at, 1);
            if (!checkVector(c, len24, r, at, 1, len, end - at - 1))
                return;
            d.addBytes(p, s_f[ClientPoint], r, at + 1, len);
        } else if (isDhe(c.conv.cipher)) {
            Item p = d.addText(hs, r, at, end - at, "Diffie-Hellman Client Params");
            lengthAndBytes(c, p, r, at, end, YcLen, Yc);
        } else if (nameOf(kCipherSuites, c.conv.cipher).substr(0, 8) == "TLS_RSA_") {
            Item p = d.addText(hs, r, at, end - at, "RSA Encrypted PreMaster Secret");
            const size_t len = r.u16(at);
            Item len25 = d.addUInt(p, s_f[EpmsLen], r, at, 2);
            if (!checkVector(c, len25, r, at, 2, len, end - at - 2))
                return;
            d.addBytes(p, s_f[Epms], r, at + 2, len);
        }
        break;
    }
    case kFinished:
        d.addUInt(hs, s_f[VerifyData], r, at, end - at);
        break;
    case kCertificateRequest: {
        if (c.conv.version == kTls13)
            break; // context and extensions (RFC 8446 4.3.2): encrypted in practice
        const size_t n = r.u8(at);
        Item len26 = d.addUInt(hs, s_f[CertTypesCount], r, at, 1);
        ++at;
        if (!checkVector(c, len26, r, at - 1, 1, n, end - at))
            return;
        Item types = d.addUInt(hs, s_f[CertTypes], r, at, n);
        label(d, types, counted("Certificate types", n, "type", "types"));
        for (size_t i = 0; i < n; ++i)
            d.addUInt(types, s_f[CertType], r, at + i, 1);
        at += n;
        if (c.conv.version >= 0x0303) {
            dissectU16List(c, hs, r, at, end, SigHashLen, SigHashAlgs, SigHashAlg,
                           "Signature Hash Algorithms", "algorithms");
            at += 2 + r.u16(at);
        }
        d.addUInt(hs, s_f[DnamesLen], r, at, 2);
        break;
    }
    case kServerHelloDone:
        c.conv.resumed = false;
        break;
    default:
        break;
    }
}

// The messages of one handshake record. Returns the record label's tail.
std::string recordLabel(uint16_t version, std::string_view rest);

// The messages of one handshake record; labels the record `shown` Record Layer: ... as it
// goes (an exception inside a message leaves the label right).
void dissectHandshakes(Ctx &c, Item rec, uint16_t shown, const Reader &r, size_t at, size_t end)
{
    Dissection &d = c.d;
    bool first = true;
    while (at < end) {
        const size_t left = end - at;
        const uint8_t type = left >= 1 ? r.u8(at) : 0;
        const std::string_view name = nameOf(kHandshakeTypes, type);
        const size_t len = left >= 4 ? r.u24(at + 1) : 0;
        // After ChangeCipherSpec in this direction the handshake (Finished) is encrypted; an
        // unknown type or a length past the record on the first message means so too.
        if (first && !c.conv.ccs[c.fromServer] && !name.empty() && left >= 4 && len > left - 4) {
            // The start of a message that continues in the next record (RFC 5246 6.2.1
            // allows the split); tshark reassembles those, PacketLens labels the piece.
            Item hs = d.addUInt(rec, s_f[Handshake], r, at, left);
            const std::string what = "Handshake Protocol: " + std::string(name) + " (fragment)";
            label(d, hs, what);
            if (rec) // the label is built only for the tree
                label(d, rec, recordLabel(shown, what));
            if (c.d.columns())
                appendInfo(c, "[" + std::string(name) + " Fragment]");
            return;
        }
        if (first && (c.conv.ccs[c.fromServer] || name.empty() || left < 4 || len > left - 4)) {
            Item hs = d.addUInt(rec, s_f[Handshake], r, at, left);
            label(d, hs, "Handshake Protocol: Encrypted Handshake Message");
            if (rec) // the label is built only for the tree
                if (rec)
                    label(d, rec,
                          recordLabel(shown, "Handshake Protocol: Encrypted Handshake Message"));
            appendInfo(c, "Encrypted Handshake Message");
            return;
        }
        if (name.empty() || left < 4)
            break;
        const size_t body = std::min(len, left - 4);
        Item hs = d.addUInt(rec, s_f[Handshake], r, at, 4 + body);
        if (hs)
            d.setText(hs, "Handshake Protocol: " + std::string(name));
        d.addUInt(hs, s_f[HsType], r, at, 1);
        Item lenItem = d.addUInt(hs, s_f[HsLength], r, at + 1, 3);
        if (len > left - 4)
            d.expert(lenItem, r, at + 1, 3, Severity::Error, ExpertGroup::Malformed,
                     "Malformed message, not enough data is available", Malformed, s_ei[TooSmall]);
        appendInfo(c, name);
        if (rec)
            d.setText(
                rec,
                recordLabel(shown, "Handshake Protocol: " +
                                       std::string(first ? name : "Multiple Handshake Messages")));
        const size_t msgEnd = at + 4 + body;
        dissectBody(c, hs, r.sub(0, msgEnd), at + 4, msgEnd, type);
        at = msgEnd;
        first = false;
    }
}

std::string recordLabel(uint16_t version, std::string_view rest)
{
    std::string s(shortName(version));
    s += " Record Layer: ";
    s += rest;
    return s;
}

// One record at `at`; returns where the next starts, or `r.reported()` to stop.
size_t dissectRecord(Ctx &c, Item tls, const Reader &r, size_t at)
{
    Dissection &d = c.d;
    const size_t avail = r.reportedFrom(at);
    if (avail < 5) {
        if (d.canDesegment())
            d.desegment(at, 5 - avail);
        return r.reported();
    }
    const uint8_t type = r.u8(at);
    const uint16_t version = r.u16(at + 1);
    const size_t len = r.u16(at + 3);
    const uint16_t shown = c.conv.version ? c.conv.version : version;
    if (!validContentType(type)) {
        // A payload that starts inside a record of a known session: no resync possible.
        Item it = d.addText(tls, r, at, r.capturedFrom(at), "Ignored Unknown Record");
        d.expert(it, r, at, r.capturedFrom(at), Severity::Warning, ExpertGroup::Protocol,
                 "Ignored Unknown Record", 0, s_ei[Ignored]);
        appendInfo(c, "Ignored Unknown Record");
        d.setProtocol(shortName(shown));
        return r.reported();
    }
    if (5 + len > avail) {
        // The record runs past the segment: TCP may bring the rest; without reassembly
        // tshark shows nothing of it.
        if (d.canDesegment())
            d.desegment(at, 5 + len - avail);
        return r.reported();
    }
    if (!r.has(at, 5 + len)) // the capture stopped inside the record
        r.require(at, 5 + len);
    // Wireshark sets the session version from the first record that is not a ClientHello.
    if (c.conv.version == 0 && validVersion(version) &&
        (type != kHandshake || (len > 0 && r.u8(at + 5) != kClientHello &&
                                !nameOf(kHandshakeTypes, r.u8(at + 5)).empty())))
        c.conv.version = version;
    const bool tls13 = c.conv.version == kTls13;
    d.setProtocol(shortName(c.conv.version ? c.conv.version : version));

    Item rec = d.addUInt(tls, s_f[Record], r, at, 5 + len);
    d.addUInt(rec, s_f[tls13 && type == kAppData ? OpaqueType : ContentType], r, at, 1);
    d.addUInt(rec, s_f[RecordVersion], r, at + 1, 2);
    Item lenItem = d.addUInt(rec, s_f[RecordLength], r, at + 3, 2);
    if (len > kMaxRecord)
        d.expert(lenItem, r, at + 3, 2, Severity::Error, ExpertGroup::Malformed,
                 "Record fragment length is too small or too large", Malformed,
                 s_ei[RecordLengthInvalid]);
    const size_t body = at + 5, end = body + len;
    switch (type) {
    case kCcs: {
        if (rec) // the label is built only for the tree
            label(d, rec, recordLabel(shown, "Change Cipher Spec Protocol: Change Cipher Spec"));
        Item ccs = d.addUInt(rec, s_f[ChangeCipherSpec], r, body, len);
        appendInfo(c, "Change Cipher Spec");
        if (c.conv.version != kTls13)
            c.conv.ccs[c.fromServer] = true;
        if (c.conv.version != kTls13 && c.fromServer && c.conv.resumed)
            d.expert(ccs, r, body, len, Severity::Note, ExpertGroup::Sequence,
                     "This session reuses previously negotiated keys (Session resumption)", 0,
                     s_ei[Resumed]);
        break;
    }
    case kAlert: {
        const uint8_t level = len == 2 ? r.u8(body) : 0;
        const uint8_t desc = len == 2 ? r.u8(body + 1) : 0;
        const std::string_view levelName = nameOf(kAlertLevels, level);
        const std::string_view descName = nameOf(kAlertDescriptions, desc);
        if (len == 2 && !levelName.empty() && !descName.empty()) {
            std::string alert = "Alert (Level: ";
            alert += levelName;
            alert += ", Description: ";
            alert += descName;
            alert += ')';
            if (rec) // the label is built only for the tree
                label(d, rec, recordLabel(shown, alert));
            appendInfo(c, alert);
            Item msg = d.addUInt(rec, s_f[AlertMessage], r, body, 2);
            d.addUInt(msg, s_f[AlertLevel], r, body, 1);
            d.addUInt(msg, s_f[AlertDesc], r, body + 1, 1);
        } else {
            if (rec) // the label is built only for the tree
                label(d, rec, recordLabel(shown, "Encrypted Alert"));
            appendInfo(c, "Encrypted Alert");
            Item msg = d.addUInt(rec, s_f[AlertMessage], r, body, len);
            label(d, msg, "Alert Message: Encrypted Alert");
        }
        break;
    }
    case kHandshake: {
        dissectHandshakes(c, rec, shown, r, body, end);
        break;
    }
    case kAppData: {
        uint8_t app = c.conv.app;
        if (app == kAppNone) {
            const uint16_t lo = std::min(d.transport.srcPort, d.transport.dstPort);
            app = lo == 443 ? kAppHttp : lo == 3306 ? kAppMysql : kAppNone;
        }
        const std::string_view an = appName(app);
        if (rec)
            label(d, rec,
                  recordLabel(shown, "Application Data Protocol: " +
                                         std::string(an.empty() ? "Application Data" : an)));
        appendInfo(c, "Application Data");
        d.addBytes(rec, s_f[AppData], r, body, len);
        if (!an.empty() && d.wants(s_f[AppDataProto]))
            d.addGeneratedString(rec, s_f[AppDataProto], std::string(an));
        break;
    }
    default:     // heartbeat: encrypted once the handshake is done
        if (rec) // the label is built only for the tree
            label(d, rec, recordLabel(shown, "Heartbeat"));
        appendInfo(c, "Heartbeat");
        break;
    }
    return end;
}

// The records of a payload, one after the other.
void dissectRecords(Ctx &c, Item tls, const Reader &r)
{
    Dissection &d = c.d;
    size_t at = 0;
    while (at < r.reported()) {
        const uint16_t v = c.conv.version;
        // A session known to be TLS 1.0-1.2 reads the next bytes as a record whatever they
        // hold; otherwise (unknown, TLS 1.3) Wireshark first checks they look like one.
        if ((v >= 0x0300 && v <= 0x0303) || v == 0x0101 || looksLikeRecord(r, at)) {
            at = dissectRecord(c, tls, r, at);
        } else if (r.capturedFrom(at) < 3 && d.canDesegment() && r.reportedFrom(at) < 5) {
            d.desegment(at, 5 - r.reportedFrom(at));
            break;
        } else {
            appendInfo(c, "Continuation Data");
            d.setProtocol(shortName(v));
            break;
        }
    }
}

// Dissects a TLS payload with the conversation state `c.conv`.
void dissectPayload(Ctx &c, const Reader &r, Item parent)
{
    Dissection &d = c.d;
    d.setProtocol("TLS");
    Item tls = d.addProtocol(parent, s_f.protocol(), r, 0, r.reported());
    label(d, tls, "Transport Layer Security");
    try {
        dissectRecords(c, tls, r);
    } catch (const BoundsError &e) {
        // tshark names the layer TLS whatever version the Protocol column shows.
        d.markLayerError(parent, e.frameOffset, e.kind == BoundsError::Kind::Truncated, "TLS");
    }
}

State &state(Dissection &d)
{
    return d.session().state<State>();
}

void dissectTls(Dissection &d, const Reader &r, Item parent)
{
    State &st = state(d);
    Ctx c{d, st, {}};
    Conv *live = nullptr;
    if (const Conv *logged = d.logged(st.log)) {
        c.conv = *logged;
    } else if (d.transport.proto == 6) {
        if (st.convs.size() >= kMaxConvs && !st.convs.count(d.transport.stream))
            st.convs.clear();
        live = &st.convs[d.transport.stream];
        c.conv = *live;
        if (d.recording())
            st.log.record(d.frame().number, d.transport.stream, c.conv);
    }
    c.fromServer = c.conv.serverPort ? d.transport.srcPort == c.conv.serverPort
                                     : d.transport.srcPort < d.transport.dstPort;
    try {
        dissectPayload(c, r, parent);
    } catch (...) {
        if (live && !d.revisit())
            *live = c.conv;
        throw;
    }
    if (live && !d.revisit())
        *live = c.conv;
}

// Wireshark's TLS heuristic: a handshake record starting a ClientHello or ServerHello takes
// the conversation for TLS; the conversation's later segments follow.
bool heuristicTls(Dissection &d, const Reader &r, Item parent)
{
    if (d.transport.proto != 6)
        return false;
    State &st = state(d);
    auto it = st.convs.find(d.transport.stream);
    const bool known = it != st.convs.end() && it->second.heuristicFrom != 0 &&
                       d.frame().number >= it->second.heuristicFrom;
    if (!known) {
        if (r.capturedFrom(0) < 6 || r.u8(0) != kHandshake || !validVersion(r.u16(1)))
            return false;
        const uint8_t hs = r.u8(5);
        if ((hs != kClientHello && hs != kServerHello) || r.u16(3) > kMaxRecord)
            return false;
        if (!d.revisit()) {
            if (st.convs.size() >= kMaxConvs && !st.convs.count(d.transport.stream))
                st.convs.clear();
            Conv &conv = st.convs[d.transport.stream];
            if (conv.heuristicFrom == 0)
                conv.heuristicFrom = d.frame().number;
        }
    }
    dissectTls(d, r, parent);
    return true;
}

} // namespace

void register_tls(Registry &reg)
{
    s_f = reg.addProtocol({"tls", "TLS", "Transport Layer Security"}, kFields);
    s_ei = reg.addFields(kExperts);
    // The session's version decides how a record reads (Ignored Unknown Record, opaque type,
    // Encrypted Alert), and the heuristic follows a conversation: every field depends on
    // earlier frames.
    reg.setCrossFrame(s_f.protocol());
    for (int f = 0; f < Count; ++f)
        reg.setCrossFrame(s_f[f]);
    for (int e = 0; e < ECount; ++e)
        reg.setCrossFrame(s_ei[e]);
    // Wireshark's default TLS ports (tshark -G decodes: tcp.port ... tls).
    for (uint32_t port :
         {324u,  443u,  465u,  636u,  802u,  853u,  993u,  995u,  1300u, 2221u,  2443u,  3249u,
          3250u, 3251u, 3252u, 3496u, 5061u, 5671u, 5684u, 5868u, 8883u, 11207u, 19999u, 27017u})
        reg.addDissector(Table::TcpPort, port, dissectTls);
    reg.addHeuristic(Table::TcpPort, heuristicTls);
}

} // namespace pl::proto
