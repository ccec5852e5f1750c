#include "packetbuilder.h"

#include <QTest>

#include <memory>
#include <random>

using pltest::Dissected;
using pltest::hex;

namespace {

constexpr uint32_t kRawIp = 101;   // LINKTYPE_RAW: the IPv4 header is the frame's first byte
constexpr size_t kUdpPayload = 28; // IPv4 (20) + UDP (8)

/// 10.0.0.1:50000 -> 10.0.0.2:443 (or back), UDP checksum 0 (none, allowed over IPv4).
std::vector<uint8_t> udpFrame(const std::vector<uint8_t> &payload, bool toServer = true,
                              uint16_t port = 443)
{
    std::vector<uint8_t> b = hex("4500000000014000401100000a0000010a000002");
    if (!toServer)
        std::swap_ranges(b.begin() + 12, b.begin() + 16, b.begin() + 16);
    const size_t total = 28 + payload.size();
    b[2] = uint8_t(total >> 8);
    b[3] = uint8_t(total);
    pltest::setIpv4Checksum(b.data());
    const uint16_t sport = toServer ? 50000 : port, dport = toServer ? port : 50000;
    const size_t ulen = 8 + payload.size();
    for (uint8_t v : {uint8_t(sport >> 8), uint8_t(sport), uint8_t(dport >> 8), uint8_t(dport),
                      uint8_t(ulen >> 8), uint8_t(ulen), uint8_t(0), uint8_t(0)})
        b.push_back(v);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

std::unique_ptr<Dissected> inSession(std::vector<uint8_t> b, pl::Session &s, uint64_t number)
{
    auto p = std::make_unique<Dissected>(std::move(b), kRawIp);
    p->frame.number = number;
    p->d.dissect(p->frame, &s);
    s.frameDone(number);
    return p;
}

// RFC 9000 17.2.2 Initial: c3 (form, fixed, type 0, pn length 4), version 1, DCID 8 bytes
// 8394c8f03e515708 (RFC 9001 A.1's), SCID empty, token length 0, Length 0x4016 = 22 (a
// two-byte varint), then 22 protected bytes.
const char kInitial[] = "c3 00000001 08 8394c8f03e515708 00 00 4016"
                        "00112233445566778899aabbccddeeff001122334455";
// Handshake (type 2), DCID 4 bytes, SCID 2 bytes, Length 5.
const char kHandshake[] = "e1 00000001 04 0a0b0c0d 02 0e0f 05 0102030405";

} // namespace

class TestQuic : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (pl::Registry::instance().findField("udp.srcport") < 0)
            QSKIP("UDP is not built yet");
    }

    void initialPacket()
    {
        Dissected p(udpFrame(hex(kInitial)), kRawIp);
        QCOMPARE(p.protocol(), QStringLiteral("QUIC"));
        QCOMPARE(p.info(), QStringLiteral("Initial, DCID=8394c8f03e515708"));
        const size_t q = kUdpPayload;
        QCOMPARE(p.value("quic.header_form"), QStringLiteral("1"));
        QCOMPARE(p.label("quic.header_form"),
                 QStringLiteral("1... .... = Header Form: Long Header (1)"));
        QCOMPARE(p.value("quic.fixed_bit"), QStringLiteral("1"));
        QCOMPARE(p.label("quic.fixed_bit"), QStringLiteral(".1.. .... = Fixed Bit: True"));
        QCOMPARE(p.value("quic.long.packet_type"), QStringLiteral("0"));
        QCOMPARE(p.label("quic.long.packet_type"),
                 QStringLiteral("..00 .... = Packet Type: Initial (0)"));
        QCOMPARE(p.value("quic.version"), QStringLiteral("0x00000001"));
        QCOMPARE(p.label("quic.version"), QStringLiteral("Version: 1 (0x00000001)"));
        QCOMPARE(p.range("quic.version"), QStringLiteral("%1+4").arg(q + 1));
        QCOMPARE(p.value("quic.dcil"), QStringLiteral("8"));
        QCOMPARE(p.value("quic.dcid"), QStringLiteral("8394c8f03e515708"));
        QCOMPARE(p.range("quic.dcid"), QStringLiteral("%1+8").arg(q + 6));
        QCOMPARE(p.value("quic.scil"), QStringLiteral("0"));
        QCOMPARE(p.value("quic.scid"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("quic.token_length"), QStringLiteral("0"));
        QCOMPARE(p.value("quic.length"), QStringLiteral("22"));
        QCOMPARE(p.range("quic.length"), QStringLiteral("%1+2").arg(q + 16));
        QCOMPARE(p.range("quic.remaining_payload"), QStringLiteral("%1+22").arg(q + 18));
        QCOMPARE(p.value("quic.packet_length"), QStringLiteral("40"));
        QVERIFY(p.hasText(QStringLiteral("QUIC IETF")));
        QVERIFY(!p.malformed());
    }

    void coalescedPackets()
    {
        std::vector<uint8_t> two = hex(kInitial);
        const auto hs = hex(kHandshake);
        two.insert(two.end(), hs.begin(), hs.end());
        Dissected p(udpFrame(two), kRawIp);
        QCOMPARE(p.nodes("quic").size(), size_t(2));
        QCOMPARE(p.value("quic.long.packet_type", 1), QStringLiteral("2"));
        QCOMPARE(p.value("quic.dcid", 1), QStringLiteral("0a0b0c0d"));
        QCOMPARE(p.value("quic.scid", 0), QStringLiteral("0e0f"));
        QCOMPARE(p.value("quic.packet_length", 1), QStringLiteral("19"));
        QCOMPARE(p.value("quic.remaining_payload", 1), QStringLiteral("0102030405"));
        // The Info column shows the first packet, as tshark.
        QCOMPARE(p.info(), QStringLiteral("Initial, DCID=8394c8f03e515708"));
        QVERIFY(!p.malformed());
    }

    void conversationVersionNegotiationRetryShort()
    {
        pl::Session s;
        auto a = inSession(udpFrame(hex(kInitial)), s, 1);
        // Version Negotiation (RFC 9000 17.2.1): version 0, then the supported versions.
        auto vn = inSession(
            udpFrame(hex("8e 00000000 02 aabb 01 cc 00000001 ff00001d 1a2a3a4a"), false), s, 2);
        QCOMPARE(vn->info(), QStringLiteral("Version Negotiation, DCID=aabb, SCID=cc"));
        QCOMPARE(vn->value("quic.vn.unused"), QStringLiteral("0x0e"));
        QCOMPARE(vn->label("quic.version"),
                 QStringLiteral("Version: Version Negotiation (0x00000000)"));
        QCOMPARE(vn->nodes("quic.supported_version").size(), size_t(3));
        QVERIFY(vn->hasText(QStringLiteral("Supported Version: draft-29 (0xff00001d)")));
        QVERIFY(vn->hasText(QStringLiteral("Supported Version: Unknown (0x1a2a3a4a) (GREASE)")));
        QCOMPARE(vn->value("quic.fixed_bit"), QStringLiteral("<absent>"));
        // Retry (17.2.5): token to the 16-byte integrity tag.
        auto retry = inSession(
            udpFrame(hex("f0 00000001 01 aa 02 bbcc 746f6b656e 000102030405060708090a0b0c0d0e0f"),
                     false),
            s, 3);
        QCOMPARE(retry->info(), QStringLiteral("Retry, DCID=aa, SCID=bbcc"));
        QCOMPARE(retry->value("quic.retry_token"), QStringLiteral("746f6b656e"));
        QCOMPARE(retry->value("quic.retry_integrity_tag"),
                 QStringLiteral("000102030405060708090a0b0c0d0e0f"));
        // A short header (17.3) in the same conversation.
        auto sh = inSession(udpFrame(hex("41 8394c8f03e515708 1234 aabbccdd")), s, 4);
        QCOMPARE(sh->info(), QStringLiteral("Protected Payload (KP0)"));
        QCOMPARE(sh->value("quic.header_form"), QStringLiteral("0"));
        QCOMPARE(sh->value("quic.spin_bit"), QStringLiteral("0"));
        QCOMPARE(sh->range("quic.remaining_payload"), QStringLiteral("%1+14").arg(kUdpPayload + 1));
        QVERIFY(sh->hasText(QStringLiteral("QUIC Short Header")));
        // A short header alone is not taken: its bytes prove nothing.
        pl::Session other;
        auto lone = inSession(udpFrame(hex("41 8394c8f03e515708 1234 aabbccdd")), other, 1);
        QCOMPARE(lone->nodes("quic").size(), size_t(0));
    }

    void notQuic()
    {
        // An unknown version, a connection ID over 20 bytes, too short: not QUIC.
        for (const char *h :
             {"c0 12345678 08 0102030405060708 00 00 01 00",
              "c0 00000001 15 0102030405060708090a0b0c0d0e0f1011121314150000", "c0 00000001 00"}) {
            Dissected p(udpFrame(hex(h)), kRawIp);
            QCOMPARE(p.nodes("quic").size(), size_t(0));
        }
    }

    void hostile()
    {
        // Length is an 8-byte varint far past the datagram.
        {
            Dissected p(udpFrame(hex("e1 00000001 01 aa 01 bb c0000000ffffffff 0102")), kRawIp);
            QCOMPARE(p.value("quic.length"), QStringLiteral("4294967295"));
            QVERIFY(p.malformed());
        }
        // A token length past the end.
        {
            Dissected p(udpFrame(hex("c1 00000001 01 aa 01 bb 7fff 0102030405")), kRawIp);
            QCOMPARE(p.value("quic.token_length"), QStringLiteral("16383"));
            QVERIFY(p.malformed());
        }
        // A Retry shorter than its tag.
        {
            Dissected p(udpFrame(hex("f0 00000001 01 aa 01 bb 0102030405")), kRawIp);
            QCOMPARE(p.nodes("quic").size(), size_t(1));
            QVERIFY(p.malformed() || p.truncated());
        }
        // Mutations of a coalesced datagram, both modes.
        std::vector<uint8_t> two = hex(kInitial);
        const auto hs = hex(kHandshake);
        two.insert(two.end(), hs.begin(), hs.end());
        std::mt19937 rng(3);
        for (size_t i = 0; i < two.size(); ++i)
            for (uint8_t v : {uint8_t(0), uint8_t(0xff), uint8_t(rng())}) {
                std::vector<uint8_t> m = two;
                m[i] = v;
                Dissected t(udpFrame(m), kRawIp);
                Dissected s(udpFrame(m), kRawIp, 0, nullptr, {}, pl::Dissection::Mode::Summary);
            }
    }
};

QTEST_GUILESS_MAIN(TestQuic)
#include "tst_quic.moc"
