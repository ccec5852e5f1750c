#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {
// Ethernet header to broadcast; the ARP packet follows at offset 14.
std::vector<uint8_t> arp(const std::string &body, const char *type = "0806")
{
    return hex((std::string("ffffffffffff 020000000001 ") + type + body).c_str());
}
const std::string kMac1 = " 020000000001 ";
const std::string kMac2 = " 020000000002 ";
const std::string kZero = " 000000000000 ";
const std::string kA = " c0a80001 ";
const std::string kB = " c0a80002 ";
const std::string kEthIp = "0001 0800 06 04 ";
} // namespace

class TestArp : public QObject
{
    Q_OBJECT
private slots:
    void request()
    {
        Dissected p(arp(kEthIp + "0001" + kMac1 + kA + kZero + kB), 1);
        QCOMPARE(p.value("arp.hw.type"), QStringLiteral("1"));
        QCOMPARE(p.label("arp.hw.type"), QStringLiteral("Hardware type: Ethernet (1)"));
        QCOMPARE(p.range("arp.hw.type"), QStringLiteral("14+2"));
        QCOMPARE(p.value("arp.proto.type"), QStringLiteral("0x0800"));
        QCOMPARE(p.label("arp.proto.type"), QStringLiteral("Protocol type: IPv4 (0x0800)"));
        QCOMPARE(p.value("arp.hw.size"), QStringLiteral("6"));
        QCOMPARE(p.range("arp.hw.size"), QStringLiteral("18+1"));
        QCOMPARE(p.value("arp.proto.size"), QStringLiteral("4"));
        QCOMPARE(p.label("arp.opcode"), QStringLiteral("Opcode: request (1)"));
        QCOMPARE(p.value("arp.src.hw_mac"), QStringLiteral("02:00:00:00:00:01"));
        QCOMPARE(p.range("arp.src.hw_mac"), QStringLiteral("22+6"));
        QCOMPARE(p.value("arp.src.proto_ipv4"), QStringLiteral("192.168.0.1"));
        QCOMPARE(p.range("arp.src.proto_ipv4"), QStringLiteral("28+4"));
        QCOMPARE(p.value("arp.dst.hw_mac"), QStringLiteral("00:00:00:00:00:00"));
        QCOMPARE(p.range("arp.dst.hw_mac"), QStringLiteral("32+6"));
        QCOMPARE(p.value("arp.dst.proto_ipv4"), QStringLiteral("192.168.0.2"));
        QCOMPARE(p.range("arp.dst.proto_ipv4"), QStringLiteral("38+4"));
        QCOMPARE(p.label("arp.dst.proto_ipv4"), QStringLiteral("Target IP address: 192.168.0.2"));
        QCOMPARE(p.value("arp.isgratuitous"), QStringLiteral("<absent>"));
        QCOMPARE(p.range("arp"), QStringLiteral("14+28"));
        QVERIFY(p.hasText(QStringLiteral("Address Resolution Protocol (request)\n")));
        QCOMPARE(p.protocol(), QStringLiteral("ARP"));
        QCOMPARE(p.info(), QStringLiteral("Who has 192.168.0.2? Tell 192.168.0.1"));
        // Wireshark keeps the Ethernet addresses in the columns.
        QCOMPARE(p.source(), QStringLiteral("02:00:00:00:00:01"));
        QCOMPARE(p.destination(), QStringLiteral("ff:ff:ff:ff:ff:ff"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void reply()
    {
        Dissected p(arp(kEthIp + "0002" + kMac2 + kB + kMac1 + kA), 1);
        QCOMPARE(p.info(), QStringLiteral("192.168.0.2 is at 02:00:00:00:00:02"));
        QVERIFY(p.hasText(QStringLiteral("Address Resolution Protocol (reply)\n")));
    }

    void gratuitousAnnouncementProbe()
    {
        Dissected ann(arp(kEthIp + "0001" + kMac1 + kA + kZero + kA), 1);
        QCOMPARE(ann.value("arp.isgratuitous"), QStringLiteral("1"));
        QCOMPARE(ann.label("arp.isgratuitous"), QStringLiteral("[Is gratuitous: True]"));
        QCOMPARE(ann.value("arp.isannouncement"), QStringLiteral("1"));
        QCOMPARE(ann.info(), QStringLiteral("ARP Announcement for 192.168.0.1"));
        QVERIFY(ann.hasText(QStringLiteral("Address Resolution Protocol (ARP Announcement)\n")));

        Dissected req(arp(kEthIp + "0001" + kMac1 + kA + kMac1 + kA), 1);
        QCOMPARE(req.value("arp.isgratuitous"), QStringLiteral("1"));
        QCOMPARE(req.value("arp.isannouncement"), QStringLiteral("<absent>"));
        QCOMPARE(req.info(), QStringLiteral("Gratuitous ARP for 192.168.0.1 (Request)"));
        QVERIFY(
            req.hasText(QStringLiteral("Address Resolution Protocol (request/gratuitous ARP)")));

        Dissected rep(arp(kEthIp + "0002" + kMac1 + kA + kZero + kA), 1);
        QCOMPARE(rep.info(), QStringLiteral("Gratuitous ARP for 192.168.0.1 (Reply)"));
        QVERIFY(rep.hasText(QStringLiteral("Address Resolution Protocol (reply/gratuitous ARP)")));

        Dissected probe(arp(kEthIp + "0001" + kMac1 + "00000000" + kZero + kB), 1);
        QCOMPARE(probe.value("arp.isprobe"), QStringLiteral("1"));
        QCOMPARE(probe.info(), QStringLiteral("Who has 192.168.0.2? (ARP Probe)"));
        QVERIFY(probe.hasText(QStringLiteral("Address Resolution Protocol (ARP Probe)\n")));

        // From 0.0.0.0 but with a target MAC: not a probe.
        Dissected notProbe(arp(kEthIp + "0001" + kMac1 + "00000000" + kMac2 + kB), 1);
        QCOMPARE(notProbe.value("arp.isprobe"), QStringLiteral("<absent>"));
        QCOMPARE(notProbe.info(), QStringLiteral("Who has 192.168.0.2? Tell 0.0.0.0"));
    }

    void rarpAndRelatives()
    {
        Dissected rreq(arp(kEthIp + "0003" + kMac1 + "00000000" + kMac1 + "00000000", "8035"), 1);
        QCOMPARE(rreq.protocol(), QStringLiteral("RARP"));
        QCOMPARE(rreq.info(), QStringLiteral("Who is 02:00:00:00:00:01? Tell 02:00:00:00:00:01"));
        QVERIFY(rreq.hasText(QStringLiteral("Address Resolution Protocol (reverse request)")));
        Dissected rrep(arp(kEthIp + "0004" + kMac2 + kB + kMac1 + kA, "8035"), 1);
        QCOMPARE(rrep.protocol(), QStringLiteral("RARP"));
        QCOMPARE(rrep.info(), QStringLiteral("02:00:00:00:00:01 is at 192.168.0.1"));
        QCOMPARE(rrep.label("arp.opcode"), QStringLiteral("Opcode: reverse reply (4)"));

        Dissected inrep(arp(kEthIp + "0009" + kMac1 + kA + kMac2 + kB), 1);
        QCOMPARE(inrep.protocol(), QStringLiteral("Inverse ARP"));
        QCOMPARE(inrep.info(), QStringLiteral("02:00:00:00:00:01 is at 192.168.0.1"));
        Dissected drarp(arp(kEthIp + "0007" + kMac1 + kA + kZero + kB), 1);
        QCOMPARE(drarp.protocol(), QStringLiteral("DRARP"));
        QCOMPARE(drarp.info(), QStringLiteral("DRARP Error"));
        Dissected mars(arp(kEthIp + "000e" + kMac1 + kA + kZero + kB), 1);
        QCOMPARE(mars.protocol(), QStringLiteral("MARS"));
        QCOMPARE(mars.info(),
                 QStringLiteral("MARS JOIN request from 02:00:00:00:00:01 at 192.168.0.1"));
        Dissected exp(arp(kEthIp + "0018" + kMac1 + kA + kZero + kB), 1);
        QCOMPARE(exp.info(), QStringLiteral("Experimental 1 ( opcode 24 )"));
        Dissected unknown(arp(kEthIp + "001a" + kMac1 + kA + kZero + kB), 1);
        QCOMPARE(unknown.info(), QStringLiteral("Unknown ARP opcode 0x001a"));
        QVERIFY(unknown.hasText(QStringLiteral("Address Resolution Protocol (opcode 0x001a)")));
    }

    void otherSizesAreBytes()
    {
        // IPv6 protocol addresses: shown as bytes, as is the Info text.
        Dissected v6(arp("0001 86dd 06 10 0001" + kMac1 + "20010db8000000000000000000000001" +
                         kZero + "20010db8000000000000000000000002"),
                     1);
        QCOMPARE(v6.value("arp.src.proto"), QStringLiteral("20010db8000000000000000000000001"));
        QCOMPARE(v6.range("arp.src.proto"), QStringLiteral("28+16"));
        QCOMPARE(v6.value("arp.src.proto_ipv4"), QStringLiteral("<absent>"));
        QCOMPARE(v6.info(), QStringLiteral("Who has 20010db8000000000000000000000002? Tell "
                                           "20010db8000000000000000000000001"));
        // No hardware addresses at all.
        Dissected none(arp("0001 0800 00 04 0002" + kA + kB), 1);
        QCOMPARE(none.value("arp.src.hw"), QStringLiteral("<absent>"));
        QCOMPARE(none.value("arp.src.hw_mac"), QStringLiteral("<absent>"));
        QCOMPARE(none.range("arp.dst.proto_ipv4"), QStringLiteral("26+4"));
        QCOMPARE(none.info(), QStringLiteral("192.168.0.1 is at <No address>"));
        // A 6-byte address of a non-Ethernet hardware type is bytes too.
        Dissected odd(arp("3030 0800 03 04 0002 aabbcc" + kA + "ddeeff" + kB), 1);
        QCOMPARE(odd.label("arp.hw.type"), QStringLiteral("Hardware type: Unknown (12336)"));
        QCOMPARE(odd.value("arp.src.hw"), QStringLiteral("aabbcc"));
        QCOMPARE(odd.info(), QStringLiteral("192.168.0.1 is at aabbcc"));
    }

    void hostileSizesFromArpTooLongTha()
    {
        // The frame of tcpdump's arp-too-long-tha.pcap: 802.1ad tag, hardware type 0x3030
        // and 14-byte hardware addresses; 104 bytes captured of 262144.
        std::vector<uint8_t> b =
            hex("303030303030 303030303030 88a8 3030 0806 3030 0800 0e 04 0001");
        b.resize(104, 0x30);
        Dissected p(b, 1, 262144);
        QCOMPARE(p.value("ieee8021ad.id"), QStringLiteral("48"));
        QCOMPARE(p.value("arp.hw.type"), QStringLiteral("12336"));
        QCOMPARE(p.value("arp.hw.size"), QStringLiteral("14"));
        QCOMPARE(p.value("arp.src.hw"), QStringLiteral("3030303030303030303030303030"));
        QCOMPARE(p.range("arp.src.hw"), QStringLiteral("26+14"));
        QCOMPARE(p.value("arp.src.proto_ipv4"), QStringLiteral("48.48.48.48"));
        QCOMPARE(p.range("arp.dst.hw"), QStringLiteral("44+14"));
        QCOMPARE(p.range("arp.dst.proto_ipv4"), QStringLiteral("58+4"));
        QCOMPARE(p.value("arp.isgratuitous"), QStringLiteral("1"));
        QCOMPARE(p.info(), QStringLiteral("Gratuitous ARP for 48.48.48.48 (Request)"));
        QCOMPARE(p.source(), QStringLiteral("30:30:30:30:30:30"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void addressesPastTheEnd()
    {
        // 255-byte hardware addresses in a short frame: malformed, header fields kept.
        Dissected lie(arp("0001 0800 ff 04 0001 0200"), 1);
        QVERIFY(lie.malformed());
        QCOMPARE(lie.value("arp.hw.size"), QStringLiteral("255"));
        QCOMPARE(lie.value("arp.opcode"), QStringLiteral("1"));
        QCOMPARE(lie.value("arp.src.hw"), QStringLiteral("<absent>"));
        QVERIFY(lie.hasText(QStringLiteral("Address Resolution Protocol\n")));
        QVERIFY(lie.hasText(QStringLiteral("[Malformed Packet: ARP]")));
        QCOMPARE(lie.protocol(), QStringLiteral("ARP"));
        QCOMPARE(lie.info(), QStringLiteral("[Malformed Packet]"));
        // The same cut by the capture: truncated.
        Dissected cut(arp(kEthIp + "0001" + kMac1), 1, 60);
        QVERIFY(cut.truncated());
        QVERIFY(!cut.malformed());
        QVERIFY(cut.hasText(QStringLiteral("[Packet size limited during capture: ARP truncated]")));
        // Cut inside the fixed header.
        Dissected header(arp("0001 08"), 1, 60);
        QVERIFY(header.truncated());
        QCOMPARE(header.value("arp.hw.type"), QStringLiteral("1"));
        QCOMPARE(header.value("arp.proto.type"), QStringLiteral("<absent>"));
    }
};

QTEST_APPLESS_MAIN(TestArp)
#include "tst_arp.moc"
