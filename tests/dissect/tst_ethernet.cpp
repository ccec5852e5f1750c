#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

class TestEthernet : public QObject
{
    Q_OBJECT
private slots:
    void fieldsAndRanges()
    {
        // Unknown ethertype 0x88b5 (local experimental) with 4 payload bytes.
        Dissected p(hex("ff ff ff ff ff ff | 02 1b 21 aa bb cc | 88 b5 | de ad be ef"), 1);
        QCOMPARE(p.value("eth.dst"), QStringLiteral("ff:ff:ff:ff:ff:ff"));
        QCOMPARE(p.value("eth.src"), QStringLiteral("02:1b:21:aa:bb:cc"));
        QCOMPARE(p.value("eth.type"), QStringLiteral("0x88b5"));
        QCOMPARE(p.range("eth.src"), QStringLiteral("6+6"));
        QCOMPARE(p.range("eth.type"), QStringLiteral("12+2"));
        QCOMPARE(p.value("eth.src.lg"), QStringLiteral("1"));
        QCOMPARE(p.value("eth.dst.ig"), QStringLiteral("1"));
        QCOMPARE(p.value("eth.addr", 1), QStringLiteral("02:1b:21:aa:bb:cc"));
        QCOMPARE(p.label("eth.src.lg"),
                 QStringLiteral(".... ..1. .... .... .... .... = LG bit: Locally administered "
                                "address (this is NOT the factory default)"));
        QCOMPARE(p.source(), QStringLiteral("02:1b:21:aa:bb:cc"));
        QCOMPARE(p.info(), QStringLiteral("Ethernet type 0x88b5"));
        QCOMPARE(p.value("data.data"), QStringLiteral("deadbeef"));
        QCOMPARE(p.range("data.data"), QStringLiteral("14+4"));
        QVERIFY(p.hasText(QStringLiteral("Data (4 bytes)")));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void truncatedHeader()
    {
        // 10 bytes captured of a 60-byte frame: the header itself is cut.
        Dissected p(hex("ff ff ff ff ff ff 02 1b 21 aa"), 1, 60);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QVERIFY(p.info().contains(QStringLiteral("[Packet size limited during capture]")));
        QVERIFY(
            p.hasText(QStringLiteral("[Packet size limited during capture: Ethernet truncated]")));
    }

    void shortFrameIsMalformed()
    {
        // The frame is complete on the wire yet too short for a header: malformed.
        Dissected p(hex("ff ff ff ff ff ff 02 1b 21 aa"), 1);
        QVERIFY(p.malformed());
        QVERIFY(p.info().contains(QStringLiteral("[Malformed Packet]")));
    }

    void ieee8023LengthBeyondFrame()
    {
        Dissected p(hex("01 80 c2 00 00 00 02 1b 21 aa bb cc 00 40 42 42 03"), 1);
        QCOMPARE(p.value("eth.len"), QStringLiteral("64"));
        QVERIFY(p.malformed());
        QVERIFY(p.hasText(QStringLiteral("IEEE 802.3 Ethernet")));
    }

    void unknownLinkTypeKeepsBytes()
    {
        Dissected p(hex("01 02 03"), 9999);
        QCOMPARE(p.value("data.len"), QStringLiteral("3"));
        QCOMPARE(p.value("frame.len"), QStringLiteral("3"));
        QCOMPARE(p.info(), QStringLiteral("Link type 9999 is not supported"));
    }
};

QTEST_APPLESS_MAIN(TestEthernet)
#include "tst_ethernet.moc"
