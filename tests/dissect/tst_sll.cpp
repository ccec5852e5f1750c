#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {
constexpr uint32_t kSll = 113;
// An ARP request, so that dispatch goes to a protocol this test can rely on.
const char *const kArp = "0001 0800 06 04 0001 020000000001 c0a80001 000000000000 c0a80002";
} // namespace

class TestSll : public QObject
{
    Q_OBJECT
private slots:
    void ethernetAddressAndEthertype()
    {
        Dissected p(hex((std::string("0004 0001 0006 323287aa0402 0000 0806 ") + kArp).c_str()),
                    kSll);
        QCOMPARE(p.value("sll.pkttype"), QStringLiteral("4"));
        QCOMPARE(p.label("sll.pkttype"), QStringLiteral("Packet type: Sent by us (4)"));
        QCOMPARE(p.value("sll.hatype"), QStringLiteral("1"));
        QCOMPARE(p.label("sll.hatype"), QStringLiteral("Link-layer address type: Ethernet (1)"));
        QCOMPARE(p.value("sll.halen"), QStringLiteral("6"));
        QCOMPARE(p.range("sll.halen"), QStringLiteral("4+2"));
        QCOMPARE(p.value("sll.src.eth"), QStringLiteral("32:32:87:aa:04:02"));
        QCOMPARE(p.range("sll.src.eth"), QStringLiteral("6+6"));
        QCOMPARE(p.value("sll.unused"), QStringLiteral("0000"));
        QCOMPARE(p.range("sll.unused"), QStringLiteral("12+2"));
        QCOMPARE(p.value("sll.etype"), QStringLiteral("0x0806"));
        QCOMPARE(p.label("sll.etype"), QStringLiteral("Protocol: ARP (0x0806)"));
        QCOMPARE(p.range("sll.etype"), QStringLiteral("14+2"));
        QCOMPARE(p.value("sll.ltype"), QStringLiteral("<absent>"));
        QCOMPARE(p.range("sll"), QStringLiteral("0+16"));
        QVERIFY(p.hasText(QStringLiteral("Linux cooked capture v1\n")));
        QCOMPARE(p.source(), QStringLiteral("32:32:87:aa:04:02"));
        // ARP took over the columns.
        QCOMPARE(p.protocol(), QStringLiteral("ARP"));
        QCOMPARE(p.info(), QStringLiteral("Who has 192.168.0.2? Tell 192.168.0.1"));
        QCOMPARE(p.range("arp.opcode"), QStringLiteral("22+2"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void noAddressAndUnknownEthertype()
    {
        // PPP link: no link-layer address, all 8 bytes unused; 0x88b5 has no dissector.
        Dissected p(hex("0004 0200 0000 0000000000000000 88b5 deadbeef"), kSll);
        QCOMPARE(p.label("sll.hatype"), QStringLiteral("Link-layer address type: PPP (512)"));
        QCOMPARE(p.value("sll.src.eth"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("sll.unused"), QStringLiteral("0000000000000000"));
        QCOMPARE(p.range("sll.unused"), QStringLiteral("6+8"));
        QCOMPARE(p.protocol(), QStringLiteral("SLL"));
        QCOMPARE(p.info(), QStringLiteral("Sent by us"));
        QCOMPARE(p.source(), QString());
        QCOMPARE(p.value("data.data"), QStringLiteral("deadbeef"));
        QCOMPARE(p.range("data.data"), QStringLiteral("16+4"));
    }

    void addressKinds()
    {
        // halen 4: an IPv4 address (Wireshark decides by length), and the Source column.
        Dissected v4(hex("0000 0001 0004 c0a80101 aabbccdd 88b5"), kSll);
        QCOMPARE(v4.value("sll.src.ipv4"), QStringLiteral("192.168.1.1"));
        QCOMPARE(v4.value("sll.unused"), QStringLiteral("aabbccdd"));
        QCOMPARE(v4.range("sll.unused"), QStringLiteral("10+4"));
        QCOMPARE(v4.source(), QStringLiteral("192.168.1.1"));
        QCOMPARE(v4.info(), QStringLiteral("Unicast to us"));
        // halen 1: bytes.
        Dissected one(hex("0001 0001 0001 0102030405060708 88b5"), kSll);
        QCOMPARE(one.value("sll.src.other"), QStringLiteral("01"));
        QCOMPARE(one.value("sll.unused"), QStringLiteral("02030405060708"));
        QCOMPARE(one.info(), QStringLiteral("Broadcast"));
        // A length beyond the 8-byte field is clipped to it; nothing is unused.
        Dissected big(hex("0007 ffff 00ff 0102030405060708 88b5"), kSll);
        QCOMPARE(big.value("sll.halen"), QStringLiteral("255"));
        QCOMPARE(big.value("sll.src.other"), QStringLiteral("0102030405060708"));
        QCOMPARE(big.range("sll.src.other"), QStringLiteral("6+8"));
        QCOMPARE(big.value("sll.unused"), QStringLiteral("<absent>"));
        QCOMPARE(big.label("sll.hatype"),
                 QStringLiteral("Link-layer address type: Void type, nothing is known (65535)"));
        QCOMPARE(big.info(), QStringLiteral("Unknown (7)"));
        QVERIFY(!big.malformed());
    }

    void linuxProtocolTypes()
    {
        Dissected llc(hex("0000 0001 0006 010203040506 0708 0004 aaaa03"), kSll);
        QCOMPARE(llc.value("sll.ltype"), QStringLiteral("0x0004"));
        QCOMPARE(llc.label("sll.ltype"), QStringLiteral("Protocol: 802.2 LLC (0x0004)"));
        QCOMPARE(llc.value("sll.etype"), QStringLiteral("<absent>"));
        QCOMPARE(llc.value("data.data"), QStringLiteral("aaaa03"));
        Dissected novell(hex("0000 0001 0006 010203040506 0708 0001 ffff"), kSll);
        QCOMPARE(novell.label("sll.ltype"), QStringLiteral("Protocol: Raw 802.3 (0x0001)"));
        QCOMPARE(novell.value("data.data"), QStringLiteral("ffff"));
        // 1536 is still a Linux protocol number, not an ethertype.
        Dissected edge(hex("0000 0001 0006 010203040506 0708 0600 ffff"), kSll);
        QCOMPARE(edge.value("sll.ltype"), QStringLiteral("0x0600"));
        // ARPHRD_IPGRE carries a GRE protocol type.
        Dissected gre(hex("0000 030a 0004 c0a80101 00000000 88b5 ff"), kSll);
        QCOMPARE(gre.value("sll.gretype"), QStringLiteral("0x88b5"));
        QCOMPARE(gre.label("sll.hatype"),
                 QStringLiteral("Link-layer address type: GRE over IP (778)"));
    }

    void wholeEthernetFrame()
    {
        // ETH_P_802_3-less "Ethernet" (3): an Ethernet header follows and is dissected.
        Dissected p(hex("0000 0001 0006 010203040506 0708 0003"
                        "ffffffffffff 021b21aabbcc 88b5 00"),
                    kSll);
        QCOMPARE(p.label("sll.ltype"), QStringLiteral("Protocol: Ethernet (0x0003)"));
        QCOMPARE(p.value("eth.src"), QStringLiteral("02:1b:21:aa:bb:cc"));
        QCOMPARE(p.range("eth.src"), QStringLiteral("22+6"));
        QCOMPARE(p.source(), QStringLiteral("02:1b:21:aa:bb:cc"));
    }

    void truncatedHeader()
    {
        // Cut after the address: the fields before the cut are shown.
        Dissected p(hex("0004 0001 0006 010203040506"), kSll, 60);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QCOMPARE(p.value("sll.src.eth"), QStringLiteral("01:02:03:04:05:06"));
        QCOMPARE(p.value("sll.unused"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("sll.halen"), QStringLiteral("6"));
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: SLL truncated]")));
        QCOMPARE(p.info(), QStringLiteral("Sent by us[Packet size limited during capture]"));
    }

    void shortFrameIsMalformed()
    {
        Dissected p(hex("0000 0001 0006 010203040506 0708"), kSll);
        QVERIFY(p.malformed());
        QCOMPARE(p.value("sll.unused"), QStringLiteral("0708"));
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: SLL]")));
        Dissected empty(std::vector<uint8_t>{}, kSll);
        QVERIFY(empty.malformed());
    }

    void arpInsideTruncatedAfterHeader()
    {
        // The SLL header is whole; the ARP payload is cut: only ARP is marked.
        Dissected p(hex("0004 0001 0006 010203040506 0708 0806 0001 0800 06 04"), kSll, 44);
        QCOMPARE(p.value("sll.etype"), QStringLiteral("0x0806"));
        QVERIFY(p.truncated());
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: ARP truncated]")));
    }
};

QTEST_APPLESS_MAIN(TestSll)
#include "tst_sll.moc"
