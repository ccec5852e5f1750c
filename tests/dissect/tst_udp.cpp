#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

// Crafted 10.0.0.1:41086 -> 10.0.0.2:5000 with 31 bytes of 'x' (checked with tshark); the
// UDP length and checksum bytes are patched per test.
std::vector<uint8_t> datagram(uint16_t length, uint16_t checksum)
{
    std::vector<uint8_t> b = hex("0011223344550066778899aa08004500003b00010000401166af0a0000010a00"
                                 "0002a07e13880027b087787878787878787878787878787878787878787878"
                                 "7878787878787878787878");
    b[38] = uint8_t(length >> 8);
    b[39] = uint8_t(length);
    b[40] = uint8_t(checksum >> 8);
    b[41] = uint8_t(checksum);
    return b;
}

} // namespace

class TestUdp : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (pl::Registry::instance().findField("ip.src") < 0 ||
            pl::Registry::instance().findField("ipv6.src") < 0)
            QSKIP("IPv4/IPv6 dissectors are not built yet");
    }

    void fieldsAndRanges()
    {
        Dissected p(datagram(39, 0xb087), 1);
        QCOMPARE(p.protocol(), QStringLiteral("UDP"));
        QCOMPARE(p.info(), QStringLiteral("41086 \u2192 5000 Len=31"));
        QCOMPARE(p.value("udp.srcport"), QStringLiteral("41086"));
        QCOMPARE(p.range("udp.srcport"), QStringLiteral("34+2"));
        QCOMPARE(p.value("udp.dstport"), QStringLiteral("5000"));
        QCOMPARE(p.value("udp.port", 1), QStringLiteral("5000"));
        QCOMPARE(p.value("udp.length"), QStringLiteral("39"));
        QCOMPARE(p.range("udp.length"), QStringLiteral("38+2"));
        QCOMPARE(p.value("udp.checksum"), QStringLiteral("0xb087"));
        QCOMPARE(p.label("udp.checksum"), QStringLiteral("Checksum: 0xb087 [correct]"));
        QCOMPARE(p.value("udp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.label("udp.checksum.status"), QStringLiteral("[Checksum Status: Good]"));
        QCOMPARE(p.value("udp.checksum_calculated"), QStringLiteral("0xb087"));
        QCOMPARE(p.value("udp.stream"), QStringLiteral("0"));
        QCOMPARE(p.range("udp.payload"), QStringLiteral("42+31"));
        QCOMPARE(p.label("udp.payload"), QStringLiteral("UDP payload (31 bytes)"));
        QCOMPARE(p.value("data.len"), QStringLiteral("31"));
        QVERIFY(
            p.hasText(QStringLiteral("User Datagram Protocol, Src Port: 41086, Dst Port: 5000")));
        QVERIFY(!p.malformed() && !p.badChecksum());
    }

    void streamsBothDirections()
    {
        pl::Session s;
        Dissected a(datagram(39, 0xb087), 1, 0, &s);
        // The reply 10.0.0.2:5000 -> 10.0.0.1:41086 belongs to the same stream.
        Dissected b(hex("0011223344550066778899aa08004500001f00010000401166cb0a0000020a000001"
                        "1388a07e000b4756787878"),
                    1, 0, &s);
        QCOMPARE(b.info(), QStringLiteral("5000 \u2192 41086 Len=3"));
        QCOMPARE(b.value("udp.stream"), QStringLiteral("0"));
        QCOMPARE(b.value("udp.checksum.status"), QStringLiteral("1"));
        std::vector<uint8_t> other = datagram(39, 0);
        other[35] ^= 1; // another source port
        Dissected c(other, 1, 0, &s);
        QCOMPARE(c.value("udp.stream"), QStringLiteral("1"));
    }

    void zeroChecksumIPv4MeansNone()
    {
        Dissected p(datagram(39, 0), 1);
        QCOMPARE(p.value("udp.checksum.status"), QStringLiteral("3"));
        QCOMPARE(p.label("udp.checksum"), QStringLiteral("Checksum: 0x0000 [zero-value ignored]"));
        QCOMPARE(p.label("udp.checksum.status"), QStringLiteral("[Checksum Status: Not present]"));
        QCOMPARE(p.info(), QStringLiteral("41086 \u2192 5000 Len=31"));
        QVERIFY(!p.badChecksum());
    }

    void badChecksum()
    {
        Dissected p(datagram(39, 0x1234), 1);
        QCOMPARE(p.value("udp.checksum.status"), QStringLiteral("0"));
        QCOMPARE(p.value("udp.checksum_calculated"), QStringLiteral("0xb087"));
        QCOMPARE(p.label("udp.checksum"),
                 QStringLiteral("Checksum: 0x1234 incorrect, should be 0xb087 (maybe caused by "
                                "\"UDP checksum offload\"?)"));
        QVERIFY(p.hasText(QStringLiteral("Bad checksum [should be 0xb087]")));
        QVERIFY(p.badChecksum());
        QCOMPARE(p.info(), QStringLiteral("41086 \u2192 5000 Len=31")); // Info unchanged
    }

    void ipv6Checksums()
    {
        const char *v6 = "0011223344550066778899aa86dd60000000000b114020010db8000000000000"
                         "00000000000120010db8000000000000000000000002138803e8000bc890616263";
        Dissected good(hex(v6), 1);
        QCOMPARE(good.value("udp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(good.info(), QStringLiteral("5000 \u2192 1000 Len=3"));
        std::vector<uint8_t> zero = hex(v6);
        zero[60] = zero[61] = 0;
        Dissected z(zero, 1);
        // RFC 8200: zero is illegal over IPv6.
        QCOMPARE(z.value("udp.checksum.status"), QStringLiteral("4"));
        QCOMPARE(z.label("udp.checksum"), QStringLiteral("Checksum: 0x0000 [zero-value illegal]"));
        QVERIFY(z.hasText(QStringLiteral("Illegal checksum value (0)")));
        QCOMPARE(z.info(), QStringLiteral("5000 \u2192 1000 Len=3 [ILLEGAL CHECKSUM (0)]"));
        QVERIFY(z.badChecksum());
        std::vector<uint8_t> bad = hex(v6);
        bad[61] ^= 0xff;
        Dissected b(bad, 1);
        QCOMPARE(b.value("udp.checksum.status"), QStringLiteral("0"));
        QCOMPARE(b.value("udp.checksum_calculated"), QStringLiteral("0xc890"));
    }

    void lengthTooSmall()
    {
        Dissected p(datagram(4, 0xb0aa), 1);
        QVERIFY(p.malformed());
        QCOMPARE(p.info(), QStringLiteral("41086 \u2192 5000 [BAD UDP LENGTH 4 < 8]"));
        QCOMPARE(p.label("udp.length"), QStringLiteral("Length: 4 (bogus, must be >= 8)"));
        QVERIFY(p.hasText(QStringLiteral("Bad length value 4 < 8")));
        QCOMPARE(p.value("udp.checksum"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("data.len"), QStringLiteral("<absent>"));
    }

    void lengthBeyondIpPayload()
    {
        Dissected p(datagram(60, 0xb072), 1);
        QVERIFY(p.malformed());
        QCOMPARE(p.info(), QStringLiteral(
                               "41086 \u2192 5000 [BAD UDP LENGTH 60 > IP PAYLOAD LENGTH] Len=52"));
        QCOMPARE(p.label("udp.length"), QStringLiteral("Length: 60 (bogus, payload length 39)"));
        QVERIFY(p.hasText(QStringLiteral("Bad length value 60 > IP payload length")));
        QCOMPARE(p.value("udp.checksum.status"), QStringLiteral("2"));
        // The payload is clipped to what the IP layer carries.
        QCOMPARE(p.value("data.len"), QStringLiteral("31"));
    }

    void lengthShorterThanIpPayload()
    {
        // 20-byte datagram in 39 bytes of IP payload: the rest is trailer, not UDP data.
        Dissected p(datagram(20, 0xb09a), 1);
        QCOMPARE(p.info(), QStringLiteral("41086 \u2192 5000 Len=12"));
        QCOMPARE(p.value("udp.checksum_calculated"), QStringLiteral("0x64ea"));
        QCOMPARE(p.label("udp.payload"), QStringLiteral("UDP payload (12 bytes)"));
        QCOMPARE(p.value("data.len"), QStringLiteral("12"));
        QVERIFY(!p.malformed());
    }

    void truncatedCapture()
    {
        // tcpdump udp-length-heapoverflow.pcap: 38 bytes captured of a huge frame.
        Dissected p(hex("303030303030303030303030 0800 4530303030300000301130303030303030 30"
                        "303030303030"),
                    1, 262144);
        QVERIFY(p.truncated());
        QCOMPARE(p.value("udp.srcport"), QStringLiteral("12336"));
        QCOMPARE(p.value("udp.length"), QStringLiteral("<absent>"));
        QVERIFY(p.info().startsWith(QStringLiteral("12336 \u2192 12336")));
    }

    void dnsQueryOverUdp()
    {
        // tcpdump dns_udp.pcap frame 1.
        Dissected p(hex("001122334466001122334455080045000054 59cd00004011 94aec0a8010bd157f912"
                        "abbe00350040782459340120000100000000000103777777077463706475"
                        "6d70036f7267000001000100002910000000000000 0c000a000842f5d00996f90b13"),
                    1);
        QCOMPARE(p.value("udp.srcport"), QStringLiteral("43966"));
        QCOMPARE(p.value("udp.dstport"), QStringLiteral("53"));
        QCOMPARE(p.value("udp.length"), QStringLiteral("64"));
        QCOMPARE(p.value("udp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("udp.stream"), QStringLiteral("0"));
    }

    void hostileBytesNeverCrash()
    {
        const std::vector<uint8_t> base = datagram(39, 0xb087);
        for (size_t n = 0; n <= base.size(); ++n) {
            std::vector<uint8_t> b(base.begin(), base.begin() + long(n));
            Dissected p(b, 1, uint32_t(base.size()));
            Dissected q(b, 1);
        }
        for (uint32_t len = 0; len < 70000; len += 997) {
            Dissected p(datagram(uint16_t(len), 0x1111), 1);
        }
    }
};

QTEST_APPLESS_MAIN(TestUdp)
#include "tst_udp.moc"
