#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {
constexpr uint32_t kSll2 = 276;
const char *const kArp = "0001 0800 06 04 0001 020000000001 c0a80001 000000000000 c0a80002";
} // namespace

class TestSll2 : public QObject
{
    Q_OBJECT
private slots:
    void fieldsAndRanges()
    {
        Dissected p(
            hex((std::string("0806 0000 00000014 0001 00 06 f03f958f8263 0000 ") + kArp).c_str()),
            kSll2);
        QCOMPARE(p.value("sll.etype"), QStringLiteral("0x0806"));
        QCOMPARE(p.range("sll.etype"), QStringLiteral("0+2"));
        QCOMPARE(p.value("sll.ifindex"), QStringLiteral("20"));
        QCOMPARE(p.range("sll.ifindex"), QStringLiteral("4+4"));
        QCOMPARE(p.label("sll.ifindex"), QStringLiteral("Interface index: 20"));
        QCOMPARE(p.value("sll.hatype"), QStringLiteral("1"));
        QCOMPARE(p.range("sll.hatype"), QStringLiteral("8+2"));
        QCOMPARE(p.value("sll.pkttype"), QStringLiteral("0"));
        QCOMPARE(p.range("sll.pkttype"), QStringLiteral("10+1"));
        QCOMPARE(p.label("sll.pkttype"), QStringLiteral("Packet type: Unicast to us (0)"));
        QCOMPARE(p.value("sll.halen"), QStringLiteral("6"));
        QCOMPARE(p.range("sll.halen"), QStringLiteral("11+1"));
        QCOMPARE(p.value("sll.src.eth"), QStringLiteral("f0:3f:95:8f:82:63"));
        QCOMPARE(p.range("sll.src.eth"), QStringLiteral("12+6"));
        QCOMPARE(p.value("sll.unused"), QStringLiteral("0000"));
        QCOMPARE(p.range("sll.unused"), QStringLiteral("18+2"));
        QCOMPARE(p.range("sll"), QStringLiteral("0+20"));
        QVERIFY(p.hasText(QStringLiteral("Linux cooked capture v2\n")));
        QCOMPARE(p.source(), QStringLiteral("f0:3f:95:8f:82:63"));
        QCOMPARE(p.protocol(), QStringLiteral("ARP"));
        QCOMPARE(p.range("arp.hw.type"), QStringLiteral("20+2"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void infoReadsPacketTypeLikeWireshark()
    {
        // tshark 4.0 names 2 bytes at offset 10 (packet type and address length) in Info.
        Dissected p(hex("88b5 0000 00000003 0001 04 06 010203040506 aaaa ff"), kSll2);
        QCOMPARE(p.protocol(), QStringLiteral("SLL"));
        QCOMPARE(p.info(), QStringLiteral("Unknown (1030)"));
        QCOMPARE(p.value("sll.pkttype"), QStringLiteral("4"));
        QCOMPARE(p.value("data.data"), QStringLiteral("ff"));
        Dissected zero(hex("88b5 0000 00000003 0001 00 00 0102030405060708 ff"), kSll2);
        QCOMPARE(zero.info(), QStringLiteral("Unicast to us"));
        QCOMPARE(zero.value("sll.unused"), QStringLiteral("0102030405060708"));
    }

    void otherAddressesAndLinuxTypes()
    {
        Dissected v4(hex("0800 0000 00000014 0001 04 04 c0a80101 aaaabbbb"), kSll2);
        QCOMPARE(v4.value("sll.src.ipv4"), QStringLiteral("192.168.1.1"));
        QCOMPARE(v4.value("sll.unused"), QStringLiteral("aaaabbbb"));
        QCOMPARE(v4.source(), QStringLiteral("192.168.1.1"));

        Dissected llc(hex("0004 0000 00000014 0001 00 07 01020304050607 08 aaaa03"), kSll2);
        QCOMPARE(llc.value("sll.ltype"), QStringLiteral("0x0004"));
        QCOMPARE(llc.value("sll.src.other"), QStringLiteral("01020304050607"));
        QCOMPARE(llc.range("sll.unused"), QStringLiteral("19+1"));
        QCOMPARE(llc.value("data.data"), QStringLiteral("aaaa03"));

        Dissected big(hex("000c 0000 00000014 ffff 00 09 0102030405060708 aaaa"), kSll2);
        QCOMPARE(big.value("sll.src.other"), QStringLiteral("0102030405060708"));
        QCOMPARE(big.value("sll.unused"), QStringLiteral("<absent>"));
        QCOMPARE(big.label("sll.ltype"), QStringLiteral("Protocol: CAN (0x000c)"));
    }

    void truncatedHeaderShowsNothing()
    {
        // Like Wireshark, the 20-byte header is checked whole before any field is added.
        Dissected p(hex("0800 0000 00000014 0001 00"), kSll2, 60);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QCOMPARE(p.value("sll.etype"), QStringLiteral("<absent>"));
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: SLL truncated]")));
    }

    void shortFrameIsMalformed()
    {
        Dissected p(hex("0800 0000 00000014"), kSll2);
        QVERIFY(p.malformed());
        QCOMPARE(p.protocol(), QStringLiteral("SLL"));
        QVERIFY(p.info().contains(QStringLiteral("[Malformed Packet]")));
    }
};

QTEST_APPLESS_MAIN(TestSll2)
#include "tst_sll2.moc"
