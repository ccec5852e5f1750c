#include "packetbuilder.h"

#include <QTest>

#include <memory>
#include <random>

using pltest::Dissected;
using pltest::hex;

namespace {

constexpr uint32_t kRawIp = 101;   // LINKTYPE_RAW: the IPv4 header is the frame's first byte
constexpr size_t kTcpPayload = 40; // IPv4 (20) + TCP (20)

/// Big-endian byte writer for handshake messages; vectors get their length prefix on close.
struct Bytes
{
    std::vector<uint8_t> b;
    Bytes &u8(uint32_t v)
    {
        b.push_back(uint8_t(v));
        return *this;
    }
    Bytes &u16(uint32_t v) { return u8(v >> 8).u8(v); }
    Bytes &u24(uint32_t v) { return u8(v >> 16).u16(v); }
    Bytes &u32(uint32_t v) { return u16(v >> 16).u16(v); }
    Bytes &raw(const std::vector<uint8_t> &v)
    {
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
    Bytes &str(std::string_view s)
    {
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    /// Appends `inner` after a `width`-byte length.
    Bytes &vec(int width, const Bytes &inner)
    {
        const auto n = uint32_t(inner.b.size());
        if (width == 1)
            u8(n);
        else if (width == 2)
            u16(n);
        else
            u24(n);
        return raw(inner.b);
    }
};

Bytes ext(uint16_t type, const Bytes &data)
{
    Bytes e;
    e.u16(type).vec(2, data);
    return e;
}

Bytes record(uint8_t type, uint16_t version, const Bytes &body)
{
    Bytes r;
    r.u8(type).u16(version).vec(2, body);
    return r;
}

Bytes handshake(uint8_t type, const Bytes &body)
{
    Bytes h;
    h.u8(type).vec(3, body);
    return h;
}

std::vector<uint8_t> random32()
{
    std::vector<uint8_t> r(32);
    for (size_t i = 0; i < r.size(); ++i)
        r[i] = uint8_t(0x10 + i);
    return r;
}

/// A TLS 1.3 ClientHello as browsers send it (RFC 8446 4.1.2), SNI example.com.
Bytes clientHello()
{
    Bytes sni, alpn, versions, groups, sigs, ks, ecpf, psk, pad;
    sni.vec(2, Bytes().u8(0).vec(2, Bytes().str("example.com")));
    alpn.vec(2, Bytes().vec(1, Bytes().str("h2")).vec(1, Bytes().str("http/1.1")));
    versions.vec(1, Bytes().u16(0x0a0a).u16(0x0304).u16(0x0303));
    groups.vec(2, Bytes().u16(0x001d).u16(0x0017));
    sigs.vec(2, Bytes().u16(0x0403).u16(0x0301));
    ks.vec(2, Bytes().u16(0x001d).vec(2, Bytes().raw(std::vector<uint8_t>(32, 0xab))));
    ecpf.vec(1, Bytes().u8(0));
    psk.vec(1, Bytes().u8(1));
    pad.raw(std::vector<uint8_t>(5, 0));
    Bytes exts;
    exts.raw(ext(0, sni).b)
        .raw(ext(16, alpn).b)
        .raw(ext(43, versions).b)
        .raw(ext(10, groups).b)
        .raw(ext(13, sigs).b)
        .raw(ext(51, ks).b)
        .raw(ext(11, ecpf).b)
        .raw(ext(45, psk).b)
        .raw(ext(35, Bytes()).b)
        .raw(ext(21, pad).b);
    Bytes body;
    body.u16(0x0303).raw(random32()).vec(1, Bytes());
    body.vec(2, Bytes().u16(0x0a0a).u16(0x1301).u16(0xc02b));
    body.vec(1, Bytes().u8(0));
    body.vec(2, exts);
    return record(22, 0x0301, handshake(1, body));
}

Bytes serverHello13()
{
    Bytes exts;
    exts.raw(ext(43, Bytes().u16(0x0304)).b)
        .raw(ext(51, Bytes().u16(0x001d).vec(2, Bytes().raw(std::vector<uint8_t>(32, 0xcd)))).b);
    Bytes body;
    body.u16(0x0303).raw(random32()).vec(1, Bytes().raw(std::vector<uint8_t>(32, 0x77)));
    body.u16(0x1301).u8(0).vec(2, exts);
    return record(22, 0x0303, handshake(2, body));
}

uint32_t sumBytes(const std::vector<uint8_t> &b, size_t from, size_t to, uint32_t sum = 0)
{
    for (size_t i = from; i < to; i += 2)
        sum += uint32_t(b[i] << 8 | (i + 1 < to ? b[i + 1] : 0));
    return sum;
}

uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

/// 10.0.0.1:40000 -> 10.0.0.2:`port` (or back, `toServer` false), TCP with correct checksums.
std::vector<uint8_t> tcpFrame(const std::vector<uint8_t> &payload, uint32_t seq,
                              bool toServer = true, uint16_t port = 443)
{
    Bytes t;
    const uint16_t sport = toServer ? 40000 : port, dport = toServer ? port : 40000;
    t.u16(sport).u16(dport).u32(seq).u32(1).u8(0x50).u8(0x18).u16(65535).u16(0).u16(0);
    t.raw(payload);
    Bytes ip;
    ip.u8(0x45).u8(0).u16(uint16_t(20 + t.b.size())).u16(1).u16(0x4000).u8(64).u8(6).u16(0);
    ip.u32(toServer ? 0x0a000001 : 0x0a000002).u32(toServer ? 0x0a000002 : 0x0a000001);
    std::vector<uint8_t> b = ip.b;
    const uint16_t hc = fold(sumBytes(b, 0, 20));
    b[10] = uint8_t(hc >> 8);
    b[11] = uint8_t(hc);
    b.insert(b.end(), t.b.begin(), t.b.end());
    const uint16_t c = fold(sumBytes(b, 20, b.size(), sumBytes(b, 12, 20) + 6 + t.b.size()));
    b[36] = uint8_t(c >> 8);
    b[37] = uint8_t(c);
    return b;
}

std::unique_ptr<Dissected> inSession(std::vector<uint8_t> b, pl::Session &s, uint64_t number,
                                     pl::Preferences prefs = {})
{
    auto p = std::make_unique<Dissected>(std::move(b), kRawIp, 0, nullptr, prefs);
    p->frame.number = number;
    p->d.prefs = prefs;
    p->d.dissect(p->frame, &s);
    s.frameDone(number);
    return p;
}

pl::Preferences noReassembly()
{
    pl::Preferences p;
    p.tcpReassemble = false;
    return p;
}

bool hasExpert(const Dissected &p, const char *abbrev)
{
    return !p.nodes(abbrev).empty();
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (pl::Registry::instance().findField("tcp.srcport") < 0)
            QSKIP("TCP is not built yet");
    }

    void clientHelloFields()
    {
        Dissected p(tcpFrame(clientHello().b, 1), kRawIp);
        QCOMPARE(p.protocol(), QStringLiteral("TLSv1"));
        QCOMPARE(p.info(), QStringLiteral("Client Hello"));
        const size_t r = kTcpPayload;
        QCOMPARE(p.value("tls.record.content_type"), QStringLiteral("22"));
        QCOMPARE(p.label("tls.record.content_type"),
                 QStringLiteral("Content Type: Handshake (22)"));
        QCOMPARE(p.value("tls.record.version"), QStringLiteral("0x0301"));
        QCOMPARE(p.label("tls.record.version"), QStringLiteral("Version: TLS 1.0 (0x0301)"));
        QCOMPARE(p.range("tls.record.length"), QStringLiteral("%1+2").arg(r + 3));
        QCOMPARE(p.value("tls.handshake.type"), QStringLiteral("1"));
        QCOMPARE(p.label("tls.handshake.type"), QStringLiteral("Handshake Type: Client Hello (1)"));
        QCOMPARE(p.range("tls.handshake.type"), QStringLiteral("%1+1").arg(r + 5));
        QCOMPARE(p.value("tls.handshake.version"), QStringLiteral("0x0303"));
        QCOMPARE(p.range("tls.handshake.random"), QStringLiteral("%1+32").arg(r + 11));
        QCOMPARE(p.range("tls.handshake.random_bytes"), QStringLiteral("%1+28").arg(r + 15));
        QCOMPARE(p.value("tls.handshake.session_id_length"), QStringLiteral("0"));
        QCOMPARE(p.value("tls.handshake.cipher_suites_length"), QStringLiteral("6"));
        QCOMPARE(p.value("tls.handshake.ciphersuite", 0), QStringLiteral("0x0a0a"));
        QCOMPARE(p.label("tls.handshake.ciphersuite"),
                 QStringLiteral("Cipher Suite: Reserved (GREASE) (0x0a0a)"));
        QCOMPARE(p.value("tls.handshake.ciphersuite", 1), QStringLiteral("0x1301"));
        QCOMPARE(p.value("tls.handshake.ciphersuite", 2), QStringLiteral("0xc02b"));
        QVERIFY(p.hasText(QStringLiteral("Cipher Suites (3 suites)")));
        QVERIFY(p.hasText(QStringLiteral("Cipher Suite: TLS_AES_128_GCM_SHA256 (0x1301)")));
        QVERIFY(p.hasText(QStringLiteral("Compression Methods (1 method)")));
        QCOMPARE(p.label("tls.handshake.comp_method"),
                 QStringLiteral("Compression Method: null (0)"));
        // Extensions.
        QVERIFY(p.hasText(QStringLiteral("Extension: server_name (len=16)")));
        QCOMPARE(p.value("tls.handshake.extension.type", 0), QStringLiteral("0"));
        QCOMPARE(p.value("tls.handshake.extension.len", 0), QStringLiteral("16"));
        QCOMPARE(p.value("tls.handshake.extensions_server_name_list_len"), QStringLiteral("14"));
        QCOMPARE(p.value("tls.handshake.extensions_server_name_type"), QStringLiteral("0"));
        QCOMPARE(p.value("tls.handshake.extensions_server_name_len"), QStringLiteral("11"));
        QCOMPARE(p.value("tls.handshake.extensions_server_name"), QStringLiteral("example.com"));
        QCOMPARE(p.label("tls.handshake.extensions_server_name"),
                 QStringLiteral("Server Name: example.com"));
        const size_t sniAt = r + 9 + 2 + 32 + 1 + 8 + 2 + 2 + 4 + 2 + 1 + 2;
        QCOMPARE(p.range("tls.handshake.extensions_server_name"),
                 QStringLiteral("%1+11").arg(sniAt));
        QVERIFY(p.hasText(QStringLiteral("Server Name Indication extension")));
        QCOMPARE(p.value("tls.handshake.extensions_alpn_str", 0), QStringLiteral("h2"));
        QCOMPARE(p.value("tls.handshake.extensions_alpn_str", 1), QStringLiteral("http/1.1"));
        QCOMPARE(p.value("tls.handshake.extensions.supported_version", 0),
                 QStringLiteral("0x0a0a"));
        QCOMPARE(p.value("tls.handshake.extensions.supported_version", 1),
                 QStringLiteral("0x0304"));
        QVERIFY(p.hasText(QStringLiteral("Supported Version: TLS 1.3 (0x0304)")));
        QCOMPARE(p.value("tls.handshake.extensions_supported_group", 0), QStringLiteral("0x001d"));
        QVERIFY(p.hasText(QStringLiteral("Supported Group: x25519 (0x001d)")));
        QVERIFY(p.hasText(QStringLiteral("Supported Groups (2 groups)")));
        QVERIFY(p.hasText(QStringLiteral("Signature Algorithm: ecdsa_secp256r1_sha256 (0x0403)")));
        // No TLS 1.3 name: the TLS 1.2 hash and signature halves.
        QVERIFY(p.hasText(QStringLiteral("Signature Algorithm: SHA224 RSA (0x0301)")));
        QCOMPARE(p.value("tls.handshake.sig_hash_hash", 1), QStringLiteral("3"));
        QVERIFY(
            p.hasText(QStringLiteral("Key Share Entry: Group: x25519, Key Exchange length: 32")));
        QCOMPARE(p.value("tls.handshake.extensions_key_share_group"), QStringLiteral("29"));
        QCOMPARE(p.value("tls.handshake.extensions_key_share_client_length"), QStringLiteral("36"));
        QCOMPARE(p.value("tls.handshake.extensions_ec_point_format"), QStringLiteral("0"));
        QVERIFY(p.hasText(QStringLiteral("EC point format: uncompressed (0)")));
        QVERIFY(p.hasText(QStringLiteral(
            "PSK Key Exchange Mode: PSK with (EC)DHE key establishment (psk_dhe_ke) (1)")));
        QVERIFY(p.hasText(QStringLiteral("Extension: session_ticket (len=0)")));
        QCOMPARE(p.value("tls.handshake.extensions_padding_data"), QStringLiteral("0000000000"));
        QVERIFY(p.hasText(QStringLiteral("TLSv1 Record Layer: Handshake Protocol: Client Hello")));
        QVERIFY(p.hasText(QStringLiteral("Transport Layer Security")));
        QVERIFY(!p.malformed());
    }

    void serverHelloSetsTls13()
    {
        pl::Session s;
        auto ch = inSession(tcpFrame(clientHello().b, 1), s, 1);
        Bytes flight = serverHello13();
        flight.raw(record(20, 0x0303, Bytes().u8(1)).b);
        flight.raw(record(23, 0x0303, Bytes().raw(std::vector<uint8_t>(20, 0x5a))).b);
        auto sh = inSession(tcpFrame(flight.b, 1, false), s, 2);
        QCOMPARE(sh->info(), QStringLiteral("Server Hello, Change Cipher Spec, Application Data"));
        QCOMPARE(sh->protocol(), QStringLiteral("TLSv1.3"));
        QCOMPARE(sh->value("tls.handshake.extensions.supported_version"), QStringLiteral("0x0304"));
        QCOMPARE(sh->value("tls.handshake.ciphersuite"), QStringLiteral("0x1301"));
        // TLS 1.3 random is all random: no time split (RFC 8446 4.1.3).
        QCOMPARE(sh->value("tls.handshake.random_time"), QStringLiteral("<absent>"));
        // Encrypted records carry the opaque type (RFC 8446 5.2).
        QCOMPARE(sh->value("tls.record.opaque_type"), QStringLiteral("23"));
        QCOMPARE(sh->value("tls.app_data"), QString(QStringLiteral("5a").repeated(20)));
        QCOMPARE(sh->value("tls.app_data_proto"), QStringLiteral("Hypertext Transfer Protocol"));
        QVERIFY(
            sh->hasText(QStringLiteral("TLSv1.2 Record Layer: Handshake Protocol: Server Hello")));
        QVERIFY(sh->hasText(QStringLiteral(
            "TLSv1.3 Record Layer: Application Data Protocol: Hypertext Transfer Protocol")));
        QCOMPARE(sh->nodes("tls.resumed").size(), size_t(0)); // no resumption in TLS 1.3
    }

    void tls12FlightAndResumption()
    {
        pl::Session s;
        auto ch = inSession(tcpFrame(clientHello().b, 1), s, 1);
        Bytes body;
        body.u16(0x0303).raw(random32()).vec(1, Bytes().raw(std::vector<uint8_t>(32, 1)));
        body.u16(0xc02b).u8(0).vec(2, ext(16, Bytes().vec(2, Bytes().vec(1, Bytes().str("h2")))));
        Bytes flight = record(22, 0x0303, handshake(2, body));
        flight.raw(record(20, 0x0303, Bytes().u8(1)).b);
        // Finished under the new keys: starts with an explicit nonce of zeros, which reads
        // as a HelloRequest unless the ChangeCipherSpec is remembered.
        flight.raw(record(22, 0x0303, Bytes().raw(std::vector<uint8_t>(40, 0))).b);
        auto sh = inSession(tcpFrame(flight.b, 1, false), s, 2);
        QCOMPARE(sh->info(),
                 QStringLiteral("Server Hello, Change Cipher Spec, Encrypted Handshake Message"));
        QCOMPARE(sh->protocol(), QStringLiteral("TLSv1.2"));
        QVERIFY(hasExpert(*sh, "tls.resumed"));
        QVERIFY(sh->hasText(QStringLiteral("Handshake Protocol: Encrypted Handshake Message")));
        QCOMPARE(sh->value("tls.handshake.type"), QStringLiteral("2")); // only the ServerHello
        // Application data, after ALPN h2 chose HTTP/2.
        Bytes app = record(23, 0x0303, Bytes().raw(std::vector<uint8_t>(8, 0x42)));
        app.raw(record(21, 0x0303, Bytes().u8(2).u8(40)).b);
        app.raw(record(21, 0x0303, Bytes().raw(std::vector<uint8_t>(26, 0x11))).b);
        auto a = inSession(tcpFrame(app.b, 1 + uint32_t(flight.b.size()), false), s, 3);
        QCOMPARE(a->info(), QStringLiteral("Application Data, Alert (Level: Fatal, Description: "
                                           "Handshake Failure), Encrypted Alert"));
        QCOMPARE(a->value("tls.app_data_proto"), QStringLiteral("HyperText Transfer Protocol 2"));
        QCOMPARE(a->value("tls.alert_message.level"), QStringLiteral("2"));
        QCOMPARE(a->label("tls.alert_message.desc"),
                 QStringLiteral("Description: Handshake Failure (40)"));
        QVERIFY(a->hasText(QStringLiteral("Alert Message: Encrypted Alert")));
    }

    void certificateAndKeyExchange()
    {
        pl::Session s;
        auto ch = inSession(tcpFrame(clientHello().b, 1), s, 1);
        Bytes sh;
        sh.u16(0x0303).raw(random32()).vec(1, Bytes()).u16(0xc02b).u8(0);
        Bytes certs;
        certs.vec(3, Bytes().raw(std::vector<uint8_t>(10, 0x30)));
        certs.vec(3, Bytes().raw(std::vector<uint8_t>(5, 0x31)));
        Bytes ske;
        ske.u8(3).u16(0x001d).vec(1, Bytes().raw(std::vector<uint8_t>(32, 9)));
        ske.u16(0x0403).vec(2, Bytes().raw(std::vector<uint8_t>(8, 7)));
        Bytes msgs;
        msgs.raw(handshake(2, sh).b)
            .raw(handshake(11, Bytes().vec(3, certs)).b)
            .raw(handshake(12, ske).b)
            .raw(handshake(14, Bytes()).b);
        auto f = inSession(tcpFrame(record(22, 0x0303, msgs).b, 1, false), s, 2);
        QCOMPARE(
            f->info(),
            QStringLiteral("Server Hello, Certificate, Server Key Exchange, Server Hello Done"));
        QVERIFY(f->hasText(QStringLiteral(
            "TLSv1.2 Record Layer: Handshake Protocol: Multiple Handshake Messages")));
        QCOMPARE(f->value("tls.handshake.certificates_length"), QStringLiteral("21"));
        QCOMPARE(f->value("tls.handshake.certificate_length", 1), QStringLiteral("5"));
        QCOMPARE(f->value("tls.handshake.certificate", 1), QStringLiteral("3131313131"));
        QCOMPARE(f->value("tls.handshake.server_named_curve"), QStringLiteral("0x001d"));
        QCOMPARE(f->value("tls.handshake.server_point_len"), QStringLiteral("32"));
        QCOMPARE(f->value("tls.handshake.sig"), QStringLiteral("0707070707070707"));
        QVERIFY(f->hasText(QStringLiteral("EC Diffie-Hellman Server Params")));
        QCOMPARE(f->nodes("tls.handshake.type").size(), size_t(4));
        // The client's key exchange, then the ChangeCipherSpec: no resumption note (the
        // ServerHelloDone came, and this is the client).
        Bytes cke = record(22, 0x0303,
                           handshake(16, Bytes().vec(1, Bytes().raw(std::vector<uint8_t>(32, 3)))));
        cke.raw(record(20, 0x0303, Bytes().u8(1)).b);
        auto c = inSession(tcpFrame(cke.b, 1 + uint32_t(clientHello().b.size())), s, 3);
        QCOMPARE(c->info(), QStringLiteral("Client Key Exchange, Change Cipher Spec"));
        QCOMPARE(c->value("tls.handshake.client_point_len"), QStringLiteral("32"));
        QVERIFY(!hasExpert(*c, "tls.resumed"));
    }

    void ja3Fingerprints()
    {
        // JA3: version, suites, extensions, groups, point formats, GREASE left out; the MD5
        // checked with Python's hashlib.
        Dissected p(tcpFrame(clientHello().b, 1), kRawIp);
        QCOMPARE(p.value("tls.handshake.ja3_full"),
                 QStringLiteral("771,4865-49195,0-16-43-10-13-51-11-45-35-21,29-23,0"));
        QCOMPARE(p.value("tls.handshake.ja3"), QStringLiteral("9d8969acf5e4ff326142a75fc45aa6f0"));
        pl::Session s;
        auto ch = inSession(tcpFrame(clientHello().b, 1), s, 1);
        auto sh = inSession(tcpFrame(serverHello13().b, 1, false), s, 2);
        QCOMPARE(sh->value("tls.handshake.ja3s_full"), QStringLiteral("771,4865,43-51"));
        QCOMPARE(sh->value("tls.handshake.ja3s"),
                 QStringLiteral("f4febc55ea12b31ae17cfb7e614afda8"));
    }

    void dheAndCertificateRequest()
    {
        pl::Session s;
        auto ch = inSession(tcpFrame(clientHello().b, 1), s, 1);
        Bytes sh;
        sh.u16(0x0303).raw(random32()).vec(1, Bytes()).u16(0x009e).u8(0); // DHE_RSA_AES128_GCM
        Bytes ske;
        ske.vec(2, Bytes().raw(std::vector<uint8_t>(8, 0xff)))
            .vec(2, Bytes().u8(2))
            .vec(2, Bytes().raw(std::vector<uint8_t>(8, 0x44)))
            .u16(0x0401)
            .vec(2, Bytes().raw(std::vector<uint8_t>(4, 0x55)));
        Bytes req;
        req.vec(1, Bytes().u8(1).u8(64)).vec(2, Bytes().u16(0x0403)).vec(2, Bytes());
        Bytes msgs;
        msgs.raw(handshake(2, sh).b).raw(handshake(12, ske).b).raw(handshake(13, req).b);
        auto f = inSession(tcpFrame(record(22, 0x0303, msgs).b, 1, false), s, 2);
        QCOMPARE(f->info(),
                 QStringLiteral("Server Hello, Server Key Exchange, Certificate Request"));
        QVERIFY(f->hasText(QStringLiteral("Diffie-Hellman Server Params")));
        QCOMPARE(f->value("tls.handshake.p_len"), QStringLiteral("8"));
        QCOMPARE(f->value("tls.handshake.g"), QStringLiteral("02"));
        QCOMPARE(f->value("tls.handshake.ys"), QStringLiteral("4444444444444444"));
        QCOMPARE(f->value("tls.handshake.sig"), QStringLiteral("55555555"));
        QCOMPARE(f->value("tls.handshake.cert_types_count"), QStringLiteral("2"));
        QVERIFY(f->hasText(QStringLiteral("Certificate types (2 types)")));
        QVERIFY(f->hasText(QStringLiteral("Certificate type: ECDSA Sign (64)")));
        QCOMPARE(f->value("tls.handshake.dnames_len"), QStringLiteral("0"));
        auto c =
            inSession(tcpFrame(record(22, 0x0303, handshake(16, Bytes().vec(2, Bytes().u8(7)))).b,
                               1 + uint32_t(clientHello().b.size())),
                      s, 3);
        QVERIFY(c->hasText(QStringLiteral("Diffie-Hellman Client Params")));
        QCOMPARE(c->value("tls.handshake.yc"), QStringLiteral("07"));
    }

    void revisitSaysTheSame()
    {
        // The GUI dissects frames again in any order: the session state each frame began
        // with is replayed (FrameLog), not the state at the end of the capture.
        pl::Session s;
        s.setRemembersFrames(true);
        Bytes body;
        body.u16(0x0303).raw(random32()).vec(1, Bytes()).u16(0xc02b).u8(0);
        Bytes flight = record(22, 0x0303, handshake(2, body));
        flight.raw(record(20, 0x0303, Bytes().u8(1)).b);
        flight.raw(record(22, 0x0303, Bytes().raw(std::vector<uint8_t>(40, 0))).b);
        const auto f1 = tcpFrame(clientHello().b, 1);
        const auto f2 = tcpFrame(flight.b, 1, false);
        QString first[2];
        {
            auto a = inSession(f1, s, 1);
            auto b = inSession(f2, s, 2);
            first[0] = a->info();
            first[1] = b->info();
        }
        auto b = inSession(f2, s, 2);
        auto a = inSession(f1, s, 1);
        QCOMPARE(a->info(), first[0]);
        QCOMPARE(b->info(), first[1]);
        QCOMPARE(b->protocol(), QStringLiteral("TLSv1.2"));
        QVERIFY(hasExpert(*b, "tls.resumed"));
        QCOMPARE(a->protocol(), QStringLiteral("TLSv1"));
    }

    void recordSpanningSegmentsIsReassembled()
    {
        const std::vector<uint8_t> ch = clientHello().b;
        const std::vector<uint8_t> a(ch.begin(), ch.begin() + 60), b(ch.begin() + 60, ch.end());
        pl::Session s;
        auto first = inSession(tcpFrame(a, 1), s, 1);
        QCOMPARE(first->nodes("tls.handshake.type").size(), size_t(0));
        auto second = inSession(tcpFrame(b, 61), s, 2);
        QCOMPARE(second->value("tls.handshake.type"), QStringLiteral("1"));
        QCOMPARE(second->value("tls.handshake.extensions_server_name"),
                 QStringLiteral("example.com"));
        QCOMPARE(second->info(), QStringLiteral("Client Hello"));
        QVERIFY(!second->malformed());
    }

    void partialRecordWithoutReassemblyShowsNothingOfIt()
    {
        // As tshark -o tcp.desegment_tcp_streams:FALSE: the complete record is shown, the cut
        // one is left out (no Malformed: over TCP the rest is in the next segment).
        Bytes two = record(23, 0x0303, Bytes().raw(std::vector<uint8_t>(4, 1)));
        two.raw(record(23, 0x0303, Bytes().raw(std::vector<uint8_t>(100, 2))).b);
        two.b.resize(two.b.size() - 50);
        pl::Session s;
        auto p = inSession(tcpFrame(two.b, 1), s, 1, noReassembly());
        QCOMPARE(p->info(), QStringLiteral("Application Data"));
        QCOMPARE(p->nodes("tls.record").size(), size_t(1));
        QVERIFY(!p->malformed());
    }

    void ignoredUnknownRecordAndContinuation()
    {
        pl::Session s;
        Bytes sh;
        sh.u16(0x0303).raw(random32()).vec(1, Bytes()).u16(0xc02b).u8(0);
        const Bytes hello = record(22, 0x0303, handshake(2, sh));
        auto f = inSession(tcpFrame(hello.b, 1, false), s, 1, noReassembly());
        // A TLS 1.2 session reads the next segment as a record: garbage is an unknown record.
        auto g =
            inSession(tcpFrame(std::vector<uint8_t>(30, 0xd4), 1 + uint32_t(hello.b.size()), false),
                      s, 2, noReassembly());
        QCOMPARE(g->info(), QStringLiteral("Ignored Unknown Record"));
        QVERIFY(hasExpert(*g, "tls.ignored_unknown_record"));
        // An unknown session only takes what looks like a record.
        pl::Session s2;
        auto h = inSession(tcpFrame(std::vector<uint8_t>(30, 0x61), 1), s2, 1, noReassembly());
        QCOMPARE(h->info(), QStringLiteral("Continuation Data"));
        QCOMPARE(h->protocol(), QStringLiteral("TLS"));
    }

    void heuristicOnOtherPort()
    {
        pl::Session s;
        auto p = inSession(tcpFrame(clientHello().b, 1, true, 4433), s, 1);
        QCOMPARE(p->value("tls.handshake.type"), QStringLiteral("1"));
        // The conversation stays TLS.
        auto q = inSession(tcpFrame(record(23, 0x0303, Bytes().u8(1)).b,
                                    1 + uint32_t(clientHello().b.size()), true, 4433),
                           s, 2);
        QCOMPARE(q->info(), QStringLiteral("Application Data"));
        // Application data alone on an unknown port is not taken.
        pl::Session s2;
        auto r = inSession(tcpFrame(record(23, 0x0303, Bytes().u8(1)).b, 1, true, 4433), s2, 1);
        QCOMPARE(r->nodes("tls").size(), size_t(0));
    }

    void hostileLengths()
    {
        // 65535 bytes of cipher suites claimed in a short message: tshark's note, and it goes
        // on (checked with tshark 4.0 on the same bytes).
        {
            Bytes body;
            body.u16(0x0303).raw(random32()).u8(0).u16(0xffff).u16(0x1301);
            Dissected p(tcpFrame(record(22, 0x0301, handshake(1, body)).b, 1), kRawIp);
            QVERIFY(hasExpert(p, "tls.malformed.vector_length"));
            QVERIFY(
                p.hasText(QStringLiteral("Vector length 65535 is too large, truncating it to 2")));
            QVERIFY(!p.malformed());
            QCOMPARE(p.info(), QStringLiteral("Client Hello"));
        }
        // An extension longer than the extensions block: an exception, as tshark's
        // `[Malformed Packet: TLS]`, and nothing of the extension shown.
        {
            Bytes body;
            body.u16(0x0303)
                .raw(random32())
                .u8(0)
                .vec(2, Bytes().u16(0x1301))
                .vec(1, Bytes().u8(0));
            body.vec(2, Bytes().u16(0).u16(500).u16(3));
            Dissected p(tcpFrame(record(22, 0x0301, handshake(1, body)).b, 1), kRawIp);
            QVERIFY(p.malformed());
            QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: TLS]")));
            QCOMPARE(p.info(), QStringLiteral("Client Hello[Malformed Packet]"));
            QCOMPARE(p.value("tls.handshake.extensions_length"), QStringLiteral("6"));
            QCOMPARE(p.nodes("tls.handshake.extension.type").size(), size_t(0));
        }
        // A handshake message longer than its record: the first piece of a fragmented one.
        {
            Bytes body;
            body.u8(1).u24(5000).u16(0x0303);
            Dissected p(tcpFrame(record(22, 0x0301, body).b, 1), kRawIp);
            QCOMPARE(p.info(), QStringLiteral("[Client Hello Fragment]"));
            QVERIFY(p.hasText(
                QStringLiteral("TLSv1 Record Layer: Handshake Protocol: Client Hello (fragment)")));
            QVERIFY(!p.malformed());
        }
        // Nested lengths lying: SNI list longer than the extension, name longer than the list.
        {
            Bytes sni;
            sni.u16(40).u8(0).u16(200).str("a.b");
            Bytes body;
            body.u16(0x0303)
                .raw(random32())
                .u8(0)
                .vec(2, Bytes().u16(0x1301))
                .vec(1, Bytes().u8(0));
            body.vec(2, ext(0, sni));
            Dissected p(tcpFrame(record(22, 0x0301, handshake(1, body)).b, 1), kRawIp);
            QVERIFY(hasExpert(p, "tls.malformed.vector_length"));
        }
        // A record longer than TLS allows (RFC 8446 5.1: 2^14 + 256).
        {
            Bytes big = record(23, 0x0303, Bytes().raw(std::vector<uint8_t>(20000, 0)));
            Dissected p(tcpFrame(big.b, 1), kRawIp, 0, nullptr, noReassembly());
            QVERIFY(hasExpert(p, "tls.record.length.invalid"));
        }
    }

    void mutationsDoNotCrash()
    {
        // Every byte of a ClientHello + ServerHello flight replaced by a few values, in both
        // modes: only bounds-checked reads, no exception escapes.
        Bytes flight = clientHello();
        flight.raw(serverHello13().b);
        std::mt19937 rng(7);
        for (size_t i = 0; i < flight.b.size(); ++i) {
            for (uint8_t v : {uint8_t(0), uint8_t(0xff), uint8_t(rng())}) {
                std::vector<uint8_t> m = flight.b;
                m[i] = v;
                for (auto mode : {pl::Dissection::Mode::Tree, pl::Dissection::Mode::Summary}) {
                    Dissected p(tcpFrame(m, 1), kRawIp, 0, nullptr, {}, mode);
                    Dissected q(tcpFrame(m, 1), kRawIp, 0, nullptr, noReassembly(), mode);
                }
            }
        }
        // Cut short at every length.
        for (size_t n = 0; n < flight.b.size(); n += 7) {
            std::vector<uint8_t> m(flight.b.begin(), flight.b.begin() + long(n));
            Dissected p(tcpFrame(m, 1), kRawIp, 0, nullptr, noReassembly());
        }
    }

    void summaryCollectsLikeTree()
    {
        const auto bytes = tcpFrame(clientHello().b, 1);
        Dissected tree(bytes, kRawIp);
        pl::FieldInterest interest(pl::Registry::instance().fieldCount(), 0);
        for (const char *f : {"tls.handshake.extensions_server_name", "tls.handshake.ciphersuite",
                              "tls.handshake.extensions_alpn_str"})
            for (pl::FieldId id : pl::Registry::instance().fieldsNamed(f))
                interest[size_t(id)] = 1;
        pltest::Dissected sum(bytes, kRawIp, 0, nullptr, {}, pl::Dissection::Mode::Summary);
        sum.d.setInterest(&interest);
        sum.d.dissect(sum.frame, nullptr);
        QCOMPARE(sum.nodes("tls.handshake.extensions_server_name").size(), size_t(1));
        QCOMPARE(sum.value("tls.handshake.extensions_server_name"), QStringLiteral("example.com"));
        QCOMPARE(sum.nodes("tls.handshake.ciphersuite").size(), size_t(3));
        QCOMPARE(sum.nodes("tls.handshake.extensions_alpn_str").size(), size_t(2));
        QCOMPARE(sum.info(), tree.info());
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
