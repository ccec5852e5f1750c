#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

std::vector<uint8_t> operator+(std::vector<uint8_t> a, const std::vector<uint8_t> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// An IPv4 header (192.0.2.1 -> 192.0.2.2, TTL 64, correct checksum) before `payload`.
std::vector<uint8_t> ipv4(uint8_t proto, const std::vector<uint8_t> &payload)
{
    std::vector<uint8_t> ip = hex("45 00 00 00 12 34 00 00 40 00 00 00 c0 00 02 01 c0 00 02 02");
    const size_t total = ip.size() + payload.size();
    ip[2] = uint8_t(total >> 8);
    ip[3] = uint8_t(total);
    ip[9] = proto;
    pltest::setIpv4Checksum(ip.data(), ip.size());
    return ip + payload;
}

std::vector<uint8_t> ether(const std::vector<uint8_t> &ip)
{
    return hex("00 00 5e 00 53 02 | 00 00 5e 00 53 01 | 08 00") + ip;
}

Dissected gre(const char *greHex, const std::vector<uint8_t> &payload = {}, size_t cut = 0)
{
    std::vector<uint8_t> b = ether(ipv4(47, hex(greHex) + payload));
    const auto wire = uint32_t(b.size());
    b.resize(b.size() - cut);
    return Dissected(std::move(b), 1, wire);
}

// An ICMP echo request from 10.0.0.1 to 10.0.0.2 in an IPv4 header (36 bytes).
std::vector<uint8_t> innerIp()
{
    return hex("45 00 00 24 12 34 00 00 3f 01 55 a3 0a 00 00 01 0a 00 00 02"
               "08 00 66 27 00 42 00 01 61 62 63 64 65 66 67 68");
}

} // namespace

class TestGre : public QObject
{
    Q_OBJECT
private slots:
    void plainIpOverGre()
    {
        Dissected p = gre("00 00 08 00", innerIp());
        QCOMPARE(p.value("gre.flags_and_version"), QStringLiteral("0x0000"));
        QCOMPARE(p.range("gre.flags_and_version"), QStringLiteral("34+2"));
        QCOMPARE(p.label("gre.flags.checksum"),
                 QStringLiteral("0... .... .... .... = Checksum Bit: No"));
        // Version 0 has no A bit: its reserved flags take the place.
        QCOMPARE(p.value("gre.flags.ack"), QStringLiteral("<absent>"));
        QCOMPARE(p.label("gre.flags.reserved"),
                 QStringLiteral(".... .... 0000 0... = Flags (Reserved): 0"));
        QCOMPARE(p.label("gre.flags.version"),
                 QStringLiteral(".... .... .... .000 = Version: GRE (0)"));
        QCOMPARE(p.label("gre.proto"), QStringLiteral("Protocol Type: IP (0x0800)"));
        QCOMPARE(p.range("gre"), QStringLiteral("34+4"));
        QVERIFY(p.hasText(QStringLiteral("\nGeneric Routing Encapsulation (IP)\n")));
        // The inner packet owns the columns, as in tshark.
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(p.source(), QStringLiteral("10.0.0.1"));
        QCOMPARE(p.value("ip.src", 1), QStringLiteral("10.0.0.1"));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void checksumKeyAndSequence()
    {
        Dissected p = gre("b0 00 08 00 37 f7 00 00 00 00 10 01 00 00 00 07", innerIp());
        QCOMPARE(p.label("gre.flags.key"), QStringLiteral("..1. .... .... .... = Key Bit: Yes"));
        QCOMPARE(p.label("gre.checksum"), QStringLiteral("Checksum: 0x37f7 [correct]"));
        QCOMPARE(p.value("gre.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("gre.offset"), QStringLiteral("0"));
        QCOMPARE(p.range("gre.offset"), QStringLiteral("40+2"));
        QCOMPARE(p.value("gre.key"), QStringLiteral("0x00001001"));
        QCOMPARE(p.range("gre.key"), QStringLiteral("42+4"));
        QCOMPARE(p.value("gre.sequence_number"), QStringLiteral("7"));
        QCOMPARE(p.range("gre.sequence_number"), QStringLiteral("46+4"));
        QCOMPARE(p.range("gre"), QStringLiteral("34+16"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QVERIFY(!p.badChecksum());
    }

    void badChecksum()
    {
        Dissected p = gre("80 00 08 00 66 ee 00 00", innerIp());
        QCOMPARE(p.label("gre.checksum"),
                 QStringLiteral("Checksum: 0x66ee incorrect, should be 0x77ff"));
        QCOMPARE(p.value("gre.checksum.status"), QStringLiteral("0"));
        QVERIFY(p.hasText(QStringLiteral(
            "[Expert Info (Warning/Protocol): Incorrect GRE Checksum [should be 0x77ff]]")));
        QCOMPARE(p.nodes("gre.checksum.incorrect").size(), size_t(1));
        QVERIFY(p.badChecksum());
    }

    void transparentEthernet()
    {
        Dissected p = gre("20 00 65 58 00 00 00 64",
                          hex("02 00 00 00 00 02 02 00 00 00 00 01 08 00") + innerIp());
        QCOMPARE(p.label("gre.proto"),
                 QStringLiteral("Protocol Type: Transparent Ethernet bridging (0x6558)"));
        QCOMPARE(p.value("gre.key"), QStringLiteral("0x00000064"));
        QCOMPARE(p.value("eth.src", 1), QStringLiteral("02:00:00:00:00:01"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
    }

    void pptpEnhancedGre()
    {
        Dissected p =
            gre("30 81 88 0b 00 28 00 05 00 00 00 03 00 00 00 02", hex("ff 03 00 21") + innerIp());
        QCOMPARE(p.label("gre.flags.version"),
                 QStringLiteral(".... .... .... .001 = Version: Enhanced GRE (1)"));
        QCOMPARE(p.label("gre.flags.ack"),
                 QStringLiteral(".... .... 1... .... = Acknowledgment: Yes"));
        QCOMPARE(p.label("gre.flags.reserved"),
                 QStringLiteral(".... .... .000 0... = Flags (Reserved): 0"));
        QCOMPARE(p.value("gre.key"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("gre.key.payload_length"), QStringLiteral("40"));
        QCOMPARE(p.range("gre.key.payload_length"), QStringLiteral("38+2"));
        QCOMPARE(p.value("gre.key.call_id"), QStringLiteral("5"));
        QCOMPARE(p.value("gre.sequence_number"), QStringLiteral("3"));
        QCOMPARE(p.value("gre.ack_number"), QStringLiteral("2"));
        QCOMPARE(p.range("gre.ack_number"), QStringLiteral("46+4"));
        QCOMPARE(p.value("ppp.protocol"), QStringLiteral("0x0021"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(p.source(), QStringLiteral("10.0.0.1"));
    }

    void pptpAcknowledgmentOnly()
    {
        Dissected p = gre("20 81 88 0b 00 00 00 05 00 00 00 03");
        QCOMPARE(p.protocol(), QStringLiteral("GRE"));
        QCOMPARE(p.info(), QStringLiteral("Encapsulated PPP"));
        QCOMPARE(p.value("gre.ack_number"), QStringLiteral("3"));
        QCOMPARE(p.value("ppp"), QStringLiteral("<absent>"));
        QVERIFY(!p.malformed());
    }

    void keyBitWithoutEnhancedHeader()
    {
        // PPP with version 0, or version 1 with another type: a plain key (as tshark).
        Dissected p = gre("20 80 88 0b 00 04 00 05", hex("ff 03 00 21") + innerIp());
        QCOMPARE(p.value("gre.key"), QStringLiteral("0x00040005"));
        QCOMPARE(p.value("gre.ack_number"), QStringLiteral("<absent>"));
    }

    void unknownType()
    {
        Dissected p = gre("00 00 12 34", hex("01 02 03"));
        QCOMPARE(p.protocol(), QStringLiteral("GRE"));
        QCOMPARE(p.info(), QStringLiteral("Encapsulated 0x1234 (unknown)"));
        QCOMPARE(p.label("gre.proto"), QStringLiteral("Protocol Type: Unknown (0x1234)"));
        QVERIFY(p.hasText(QStringLiteral("\nGeneric Routing Encapsulation (0x1234 - unknown)\n")));
        QCOMPARE(p.value("data.data"), QStringLiteral("010203"));
        QVERIFY(p.hasText(QStringLiteral("\n    Data (3 bytes)\n        Data: 010203\n")));
    }

    void truncatedKey()
    {
        Dissected p = gre("20 00 08 00 00 00 00 05", {}, 2);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QCOMPARE(p.value("gre.key"), QStringLiteral("<absent>"));
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: GRE truncated]")));
        QVERIFY(p.info().startsWith(QStringLiteral("Encapsulated IP")));
    }

    void headerPastTheIpLength()
    {
        Dissected p = gre("20 81 88");
        QVERIFY(p.malformed());
        QCOMPARE(p.protocol(), QStringLiteral("IPv4"));
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: GRE]")));
        QCOMPARE(p.value("gre"), QStringLiteral("<absent>"));
    }

    void routing()
    {
        // RFC 1701: the R bit brings checksum and offset, then SREs up to a null one.
        Dissected p = gre("40 00 08 00 00 00 00 00 08 00 00 04 0a 09 09 09 00 00 00 00", innerIp());
        QCOMPARE(p.label("gre.checksum"), QStringLiteral("Checksum: 0x0000 [unverified]"));
        QCOMPARE(p.value("gre.checksum.status"), QStringLiteral("2"));
        QCOMPARE(p.range("gre.routing"), QStringLiteral("42+8"));
        QCOMPARE(p.nodes("gre.routing").size(), size_t(2));
        QVERIFY(p.hasText(QStringLiteral("    Routing\n    Address Family: 2048\n")));
        QCOMPARE(p.value("gre.routing.address_family", 0), QStringLiteral("2048"));
        QCOMPARE(p.value("gre.routing.src_length", 0), QStringLiteral("4"));
        QCOMPARE(p.value("gre.routing.information"), QStringLiteral("0a090909"));
        QCOMPARE(p.value("gre.routing.address_family", 1), QStringLiteral("0"));
        QCOMPARE(p.range("gre"), QStringLiteral("34+20"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
    }

    void routingWithoutNullEntry()
    {
        // SREs that run off the end: each reads its 4 bytes, so the loop ends there.
        Dissected p = gre("40 00 08 00 00 00 00 00 08 00 00 00 08 00 00 00 08 00 00 00");
        QVERIFY(p.malformed());
        QCOMPARE(p.nodes("gre.routing.address_family").size(), size_t(3));
    }

    void nestedGreStopsAtTheDepthLimit()
    {
        // 60 GRE-in-IPv4 levels: the core bounds the nesting; no crash, a malformed mark.
        std::vector<uint8_t> p = innerIp();
        for (int i = 0; i < 60; ++i)
            p = ipv4(47, hex("00 00 08 00") + p);
        Dissected d(ether(p), 1);
        QVERIFY(d.malformed());
        QVERIFY(d.hasText(QStringLiteral("headers nested too deeply")));
        QVERIFY(d.nodes("gre").size() < 60);
        QVERIFY(d.nodes("gre").size() > 10);
        QCOMPARE(d.value("icmp.type"), QStringLiteral("<absent>"));
    }

    void threeLevelsNest()
    {
        std::vector<uint8_t> p = innerIp();
        for (int i = 0; i < 3; ++i)
            p = ipv4(47, hex("00 00 08 00") + p);
        Dissected d(ether(p), 1);
        QCOMPARE(d.nodes("gre").size(), size_t(3));
        QCOMPARE(d.protocol(), QStringLiteral("ICMP"));
        QVERIFY(!d.malformed());
    }

    void ipv6OverGre()
    {
        Dissected p = gre("00 00 86 dd", hex("60 00 00 00 00 00 3b 40"
                                             "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"
                                             "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02"));
        QCOMPARE(p.label("gre.proto"), QStringLiteral("Protocol Type: IPv6 (0x86dd)"));
        QCOMPARE(p.value("ipv6.dst"), QStringLiteral("::2"));
        QCOMPARE(p.protocol(), QStringLiteral("IPv6"));
    }
};

QTEST_APPLESS_MAIN(TestGre)
#include "tst_gre.moc"
