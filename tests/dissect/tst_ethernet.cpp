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

    void paddingAndFrameCheckSequence()
    {
        // A UDP datagram of 28 bytes: 42 bytes of frame, zero padding to 60, then four more
        // bytes in a 64-byte frame, taken as its FCS (tshark does the same).
        std::vector<uint8_t> f = pltest::udpv4Frame(1, 2, 1000, 2000, "");
        f.resize(60, 0);
        for (uint8_t b : {0xde, 0xad, 0xbe, 0xef})
            f.push_back(b);
        Dissected p(f, 1);
        QCOMPARE(p.range("eth.padding"), QStringLiteral("42+18"));
        QCOMPARE(p.value("eth.padding"), QString(36, QLatin1Char('0')));
        QCOMPARE(p.range("eth.fcs"), QStringLiteral("60+4"));
        QCOMPARE(p.label("eth.fcs"),
                 QStringLiteral("Frame check sequence: 0xdeadbeef [unverified]"));
        QCOMPARE(p.value("eth.fcs.status"), QStringLiteral("2"));
        QVERIFY(p.hasText(QStringLiteral("[FCS Status: Unverified]")));
        QCOMPARE(p.value("eth.trailer"), QStringLiteral("<absent>"));
        // The payload's protocols end where IPv4's total length says.
        QCOMPARE(p.value("udp.length"), QStringLiteral("8"));
    }

    void paddingOfNonZerosIsATrailer()
    {
        std::vector<uint8_t> f = pltest::udpv4Frame(1, 2, 1000, 2000, "");
        f.resize(60, 0x20);
        Dissected p(f, 1);
        QCOMPARE(p.value("eth.padding"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("eth.trailer"), QStringLiteral("202020202020202020202020202020202020"));
        QCOMPARE(p.range("eth.trailer"), QStringLiteral("42+18"));
        QVERIFY(p.hasText(QStringLiteral(
            "[Expert Info (Note/Protocol): Didn't find padding of zeros, and an undecoded trailer "
            "exists. There may be padding of non-zeros.]")));
        QCOMPARE(p.value("eth.fcs"), QStringLiteral("<absent>")); // 60 bytes: no FCS
    }

    void cutTrailersShowWhatWasCaptured()
    {
        // Cut by the snapshot length inside the padding: nothing is shown, nothing read past.
        std::vector<uint8_t> f = pltest::udpv4Frame(1, 2, 1000, 2000, "");
        f.resize(44, 0);
        Dissected cut(f, 1, 64);
        QCOMPARE(cut.value("eth.padding"), QStringLiteral("<absent>"));
        QCOMPARE(cut.value("eth.trailer"), QStringLiteral("<absent>"));
        QCOMPARE(cut.value("eth.fcs"), QStringLiteral("<absent>"));
        QVERIFY(!cut.malformed());
        // A long frame cut inside its FCS: the trailer shows, the FCS does not.
        std::vector<uint8_t> g = pltest::udpv4Frame(1, 2, 1000, 2000, std::string(100, 'x'));
        const size_t end = g.size();
        g.resize(end + 10, 0xaa);
        g.resize(g.size() - 2);
        Dissected long_(g, 1, uint32_t(end + 10));
        QCOMPARE(long_.value("eth.trailer"), QStringLiteral("aaaaaaaaaaaa"));
        QCOMPARE(long_.value("eth.fcs"), QStringLiteral("<absent>"));
        // A total length past the frame leaves no trailer.
        std::vector<uint8_t> h = pltest::udpv4Frame(1, 2, 1000, 2000, "");
        h[16] = 0x01; // total length 256 + 28
        h.resize(60, 0);
        Dissected lying(h, 1);
        QCOMPARE(lying.value("eth.padding"), QStringLiteral("<absent>"));
        QCOMPARE(lying.value("eth.trailer"), QStringLiteral("<absent>"));
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
