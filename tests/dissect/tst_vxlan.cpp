#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

// tcpdump's vxlan.pcap frame 1: an ICMP echo request from 192.168.203.3 in VNI 100, sent
// from 192.168.203.1 to 192.168.202.1 (UDP 45149 -> 4789, checksum 0).
constexpr const char *kCorpusFrame1 =
    "00 16 3e 08 71 cf 36 dc 85 1e b3 40 08 00 45 00 00 86 d2 c0 40 00 40 11 51 52 c0 a8 cb 01"
    "c0 a8 ca 01 b0 5d 12 b5 00 72 00 00 08 00 00 00 00 00 64 00 00 30 88 01 00 02 00 16 3e 37"
    "f6 04 08 00 45 00 00 54 00 00 40 00 40 01 23 4f c0 a8 cb 03 c0 a8 cb 05 08 00 f6 f2 05 0c"
    "00 01 fc e2 97 51 00 00 00 00 a6 f8 02 00 00 00 00 00 10 11 12 13 14 15 16 17 18 19 1a 1b"
    "1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37";

// tests/data/vxlan-crafted.pcap: Ethernet/IPv4 192.0.2.1 -> 192.0.2.2, UDP 50000 -> 4789.
constexpr const char *kOuter = "00 00 5e 00 53 02 00 00 5e 00 53 01 08 00 45 00 00 56 12 34 00 00"
                               "40 11 e4 5f c0 00 02 01 c0 00 02 02 c3 50 12 b5 00 42 00 00";
constexpr const char *kInner = "02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 24 12 34 00 00"
                               "3f 01 55 a3 0a 00 00 01 0a 00 00 02 08 00 66 27 00 42 00 01 61 62"
                               "63 64 65 66 67 68";

std::vector<uint8_t> crafted(const char *vxlanHeader)
{
    std::vector<uint8_t> b = hex(kOuter);
    for (const auto &part : {hex(vxlanHeader), hex(kInner)})
        b.insert(b.end(), part.begin(), part.end());
    return b;
}

} // namespace

class TestVxlan : public QObject
{
    Q_OBJECT
private slots:
    void corpusFrame()
    {
        Dissected p(hex(kCorpusFrame1), 1);
        QCOMPARE(p.value("vxlan.flags"), QStringLiteral("0x0800"));
        QCOMPARE(p.range("vxlan.flags"), QStringLiteral("42+2"));
        QCOMPARE(p.label("vxlan.flags"), QStringLiteral("Flags: 0x0800, VXLAN Network ID (VNI)"));
        QCOMPARE(p.label("vxlan.flag_g"),
                 QStringLiteral("0... .... .... .... = GBP Extension: Not defined"));
        QCOMPARE(p.value("vxlan.flag_i"), QStringLiteral("1"));
        QCOMPARE(p.label("vxlan.flag_i"),
                 QStringLiteral(".... 1... .... .... = VXLAN Network ID (VNI): True"));
        QCOMPARE(p.label("vxlan.flag_d"),
                 QStringLiteral(".... .... .0.. .... = Don't Learn: False"));
        QCOMPARE(p.label("vxlan.flag_a"),
                 QStringLiteral(".... .... .... 0... = Policy Applied: False"));
        QCOMPARE(p.label("vxlan.flags_reserved"),
                 QStringLiteral(".000 .000 0.00 .000 = Reserved(R): 0x0000"));
        QCOMPARE(p.value("vxlan.gbp"), QStringLiteral("0"));
        QCOMPARE(p.range("vxlan.gbp"), QStringLiteral("44+2"));
        QCOMPARE(p.value("vxlan.vni"), QStringLiteral("100"));
        QCOMPARE(p.range("vxlan.vni"), QStringLiteral("46+3"));
        QCOMPARE(p.label("vxlan.vni"), QStringLiteral("VXLAN Network Identifier (VNI): 100"));
        QCOMPARE(p.value("vxlan.reserved8"), QStringLiteral("0"));
        QCOMPARE(p.range("vxlan.reserved8"), QStringLiteral("49+1"));
        QCOMPARE(p.range("vxlan"), QStringLiteral("42+8"));
        QVERIFY(p.hasText(QStringLiteral("\nVirtual eXtensible Local Area Network\n")));

        // The inner frame is dissected and owns the columns.
        QCOMPARE(p.value("eth.src", 1), QStringLiteral("00:16:3e:37:f6:04"));
        QCOMPARE(p.range("eth"), QStringLiteral("0+14"));
        QCOMPARE(p.value("ip.src", 1), QStringLiteral("192.168.203.3"));
        QCOMPARE(p.value("ip.ttl", 1), QStringLiteral("64"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(p.source(), QStringLiteral("192.168.203.3"));
        QCOMPARE(p.destination(), QStringLiteral("192.168.203.5"));
        QVERIFY(p.info().startsWith(QStringLiteral("Echo (ping) request")));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void groupPolicyFlags()
    {
        Dissected p(crafted("88 c8 12 34 ab cd ef 00"), 1);
        QCOMPARE(p.label("vxlan.flags"),
                 QStringLiteral("Flags: 0x88c8, GBP Extension, VXLAN Network ID (VNI), Don't "
                                "Learn, Policy Applied"));
        QCOMPARE(p.label("vxlan.flag_g"),
                 QStringLiteral("1... .... .... .... = GBP Extension: Defined"));
        QCOMPARE(p.value("vxlan.flag_d"), QStringLiteral("1"));
        QCOMPARE(p.value("vxlan.flag_a"), QStringLiteral("1"));
        // 0xc8 also sets a reserved bit (0x80); tshark shows it only in Reserved(R).
        QCOMPARE(p.value("vxlan.flags_reserved"), QStringLiteral("0x0080"));
        QCOMPARE(p.value("vxlan.gbp"), QStringLiteral("4660"));
        QCOMPARE(p.value("vxlan.vni"), QStringLiteral("11259375"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
    }

    void reservedBitsAreNotNamed()
    {
        Dissected p(crafted("08 01 00 00 00 00 2a 00"), 1);
        QCOMPARE(p.label("vxlan.flags"), QStringLiteral("Flags: 0x0801, VXLAN Network ID (VNI)"));
        QCOMPARE(p.value("vxlan.flags_reserved"), QStringLiteral("0x0001"));
    }

    void headerPastTheUdpLength()
    {
        // UDP says 3 bytes of payload: the VNI is not there at all.
        Dissected p(hex("00 00 5e 00 53 02 00 00 5e 00 53 01 08 00 45 00 00 1f 12 34 00 00 40 11"
                        "e4 96 c0 00 02 01 c0 00 02 02 c3 50 12 b5 00 0b 00 00 08 00 00"),
                    1);
        QVERIFY(p.malformed());
        QCOMPARE(p.protocol(), QStringLiteral("VxLAN"));
        QCOMPARE(p.info(), QStringLiteral("[Malformed Packet]"));
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: VXLAN]")));
        QCOMPARE(p.value("vxlan.flags"), QStringLiteral("0x0800"));
        QCOMPARE(p.value("vxlan.vni"), QStringLiteral("<absent>"));
    }

    void captureCutInsideTheHeader()
    {
        std::vector<uint8_t> b = crafted("08 00 00 00 00 00 07 00");
        const auto wire = uint32_t(b.size());
        b.resize(42 + 5);
        Dissected p(std::move(b), 1, wire);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: VXLAN truncated]")));
        QCOMPARE(p.protocol(), QStringLiteral("VxLAN"));
        QCOMPARE(p.source(), QStringLiteral("192.0.2.1"));
    }

    void captureCutInsideTheInnerFrame()
    {
        std::vector<uint8_t> b = crafted("08 00 00 00 00 00 07 00");
        const auto wire = uint32_t(b.size());
        b.resize(42 + 8 + 10);
        Dissected p(std::move(b), 1, wire);
        QVERIFY(p.truncated());
        QCOMPARE(p.value("vxlan.vni"), QStringLiteral("7"));
        QCOMPARE(p.protocol(), QStringLiteral("Ethernet"));
        QVERIFY(
            p.hasText(QStringLiteral("[Packet size limited during capture: Ethernet truncated]")));
    }

    void emptyInnerFrame()
    {
        Dissected p(hex("00 00 5e 00 53 02 00 00 5e 00 53 01 08 00 45 00 00 24 12 34 00 00 40 11"
                        "e4 91 c0 00 02 01 c0 00 02 02 c3 50 12 b5 00 10 00 00 08 00 00 00 00 00"
                        "2a 00"),
                    1);
        QVERIFY(p.malformed());
        QCOMPARE(p.value("vxlan.vni"), QStringLiteral("42"));
        QCOMPARE(p.protocol(), QStringLiteral("Ethernet"));
    }

    void summaryModeMatches()
    {
        Dissected s(hex(kCorpusFrame1), 1, 0, nullptr, {}, pl::Dissection::Mode::Summary);
        Dissected t(hex(kCorpusFrame1), 1);
        QCOMPARE(s.info(), t.info());
        QCOMPARE(s.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(s.source(), QStringLiteral("192.168.203.3"));
    }
};

QTEST_APPLESS_MAIN(TestVxlan)
#include "tst_vxlan.moc"
