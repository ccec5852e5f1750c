#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

// tcpdump's pptp.pcap frame 16: an LCP Configuration Request in PPP in enhanced GRE
// (10.1.1.11 -> 10.1.1.10, call id 0, sequence 0).
constexpr const char *kLcpConfigRequest =
    "08 00 20 9f 6b 72 00 00 00 00 00 00 08 00 45 00 00 50 03 bc 00 00 80 2f 20 ad 0a 01 01 0b"
    "0a 01 01 0a 30 01 88 0b 00 30 00 00 00 00 00 00 ff 03 c0 21 01 00 00 2c 05 06 02 19 52 cf"
    "07 02 08 02 0d 03 06 11 04 06 4e 13 17 01 29 f7 6a 90 77 f1 47 2c 83 52 47 f2 71 d6 56 07"
    "00 00 00 0c";

// The same outer headers (IPv4 checksum recomputed by the test) around another PPP frame.
Dissected inGre(const char *pppHex)
{
    std::vector<uint8_t> b = hex("08 00 20 9f 6b 72 00 00 00 00 00 00 08 00"
                                 "45 00 00 00 03 bc 00 00 80 2f 00 00 0a 01 01 0b 0a 01 01 0a"
                                 "30 01 88 0b 00 00 00 00 00 00 00 00");
    const std::vector<uint8_t> ppp = hex(pppHex);
    b.insert(b.end(), ppp.begin(), ppp.end());
    const size_t total = b.size() - 14;
    b[16] = uint8_t(total >> 8);
    b[17] = uint8_t(total);
    pltest::setIpv4Checksum(b.data() + 14);
    b[38] = uint8_t(ppp.size() >> 8); // GRE payload length
    b[39] = uint8_t(ppp.size());
    return Dissected(std::move(b), 1);
}

constexpr const char *kIcmp = "45 00 00 24 12 34 00 00 3f 01 55 a3 0a 00 00 01 0a 00 00 02"
                              "08 00 66 27 00 42 00 01 61 62 63 64 65 66 67 68";

} // namespace

class TestPpp : public QObject
{
    Q_OBJECT
private slots:
    void lcpConfigurationRequest()
    {
        Dissected p(hex(kLcpConfigRequest), 1);
        QCOMPARE(p.protocol(), QStringLiteral("PPP LCP"));
        QCOMPARE(p.info(), QStringLiteral("Configuration Request"));
        QCOMPARE(p.value("ppp.address"), QStringLiteral("0xff"));
        QCOMPARE(p.range("ppp.address"), QStringLiteral("46+1"));
        QCOMPARE(p.value("ppp.control"), QStringLiteral("0x03"));
        QCOMPARE(p.label("ppp.protocol"),
                 QStringLiteral("Protocol: Link Control Protocol (0xc021)"));
        QCOMPARE(p.range("ppp.protocol"), QStringLiteral("48+2"));
        QCOMPARE(p.range("ppp"), QStringLiteral("46+4"));
        QCOMPARE(p.label("ppp.code"), QStringLiteral("Code: Configuration Request (1)"));
        QCOMPARE(p.label("ppp.identifier"), QStringLiteral("Identifier: 0 (0x00)"));
        QCOMPARE(p.value("ppp.length"), QStringLiteral("44"));
        QCOMPARE(p.range("ppp.length"), QStringLiteral("52+2"));
        QCOMPARE(p.range("lcp"), QStringLiteral("50+44"));
        QVERIFY(p.hasText(
            QStringLiteral("\nPPP Link Control Protocol\n    Code: Configuration Request (1)\n")));
        QVERIFY(p.hasText(QStringLiteral(
            "    Options: (40 bytes), Magic Number, Protocol Field Compression, Address and "
            "Control Field Compression, Callback, Multilink MRRU, Multilink Endpoint "
            "Discriminator\n")));
        QVERIFY(p.hasText(QStringLiteral("        Magic Number: 0x021952cf\n"
                                         "            Type: Magic Number (5)\n"
                                         "            Length: 6\n"
                                         "            Magic Number: 0x021952cf\n"
                                         "        Protocol Field Compression\n")));
        QVERIFY(p.hasText(
            QStringLiteral("        Callback: Location is determined during CBCP negotiation\n")));
        QVERIFY(p.hasText(QStringLiteral(
            "        Multilink Endpoint Discriminator: Class: Locally assigned address\n")));
        QCOMPARE(p.value("lcp.opt.magic_number_bytes"), QStringLiteral("0506021952cf"));
        QCOMPARE(p.range("lcp.opt.magic_number_bytes"), QStringLiteral("54+6"));
        QCOMPARE(p.value("lcp.opt.magic_number"), QStringLiteral("0x021952cf"));
        QCOMPARE(p.value("lcp.opt.type", 5), QStringLiteral("19"));
        QCOMPARE(p.nodes("lcp.opt.length").size(), size_t(6));
        QCOMPARE(p.value("lcp.opt.mrru"), QStringLiteral("1614"));
        QCOMPARE(p.value("lcp.opt.data"),
                 QStringLiteral("29f76a9077f1472c835247f271d656070000000c"));
        QCOMPARE(p.range("lcp.opt.data"), QStringLiteral("74+20"));
        QCOMPARE(p.value("gre.key.call_id"), QStringLiteral("0"));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void ipv4InPpp()
    {
        Dissected p = inGre((std::string("ff 03 00 21 ") + kIcmp).c_str());
        QCOMPARE(p.label("ppp.protocol"),
                 QStringLiteral("Protocol: Internet Protocol version 4 (0x0021)"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(p.source(), QStringLiteral("10.0.0.1"));
        QCOMPARE(p.value("ip.src", 1), QStringLiteral("10.0.0.1"));
    }

    void compressedFields()
    {
        // Address/control compressed away and a one-byte protocol (RFC 1661 6.5, 6.6).
        Dissected p = inGre((std::string("21 ") + kIcmp).c_str());
        QCOMPARE(p.value("ppp.address"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("ppp.protocol"), QStringLiteral("0x0021"));
        QCOMPARE(p.range("ppp.protocol"), QStringLiteral("46+1"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));

        Dissected q = inGre((std::string("00 21 ") + kIcmp).c_str());
        QCOMPARE(q.range("ppp.protocol"), QStringLiteral("46+2"));
        QCOMPARE(q.protocol(), QStringLiteral("ICMP"));
    }

    void otherProtocolsAsData()
    {
        Dissected p = inGre("ff 03 80 21 01 01 00 04");
        QCOMPARE(p.info(), QStringLiteral("PPP Internet Protocol Control Protocol (0x8021)"));
        QCOMPARE(p.protocol(), QStringLiteral("PPP"));
        QCOMPARE(p.value("data.data"), QStringLiteral("01010004"));

        Dissected q = inGre("ff 03 12 34 00");
        QCOMPARE(q.info(), QStringLiteral("PPP Unknown (0x1234)"));
    }

    void lcpEchoAndTermination()
    {
        Dissected p = inGre("ff 03 c0 21 09 01 00 08 01 02 03 04");
        QCOMPARE(p.info(), QStringLiteral("Echo Request"));
        QCOMPARE(p.label("ppp.identifier"), QStringLiteral("Identifier: 1 (0x01)"));
        Dissected q = inGre("ff 03 c0 21 05 01 00 04");
        QCOMPARE(q.info(), QStringLiteral("Termination Request"));
        QVERIFY(!q.malformed());
    }

    void hostile()
    {
        // Only the address byte.
        Dissected p = inGre("ff");
        QVERIFY(p.malformed());
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: PPP]")));
        // An LCP length past the packet.
        Dissected q = inGre("ff 03 c0 21 01 01 00 40 05 06 00 00");
        QVERIFY(q.malformed());
        QCOMPARE(q.protocol(), QStringLiteral("PPP LCP"));
        // Options with a zero length never loop.
        Dissected r = inGre("ff 03 c0 21 01 01 00 0c 05 00 05 00 05 00 05 00");
        QVERIFY(r.hasText(QStringLiteral("Options: (8 bytes), Magic Number\n")));
        QCOMPARE(r.nodes("lcp.opt.type").size(), size_t(0));
        // An option longer than the packet's LCP length is not read past it.
        Dissected t = inGre("ff 03 c0 21 01 01 00 08 05 06 00 00");
        QCOMPARE(t.nodes("lcp.opt.type").size(), size_t(0));
        QVERIFY(!t.malformed());
    }
};

QTEST_APPLESS_MAIN(TestPpp)
#include "tst_ppp.moc"
