#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes operator+(Bytes a, const Bytes &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// Ethernet + IPv4 (checksum computed) + UDP (no checksum) 127.0.0.1:40000 -> :123;
/// `udpLength` overrides the UDP length field.
Bytes udp4(const Bytes &payload, uint16_t sport = 40000, uint16_t dport = 123, int udpLength = -1)
{
    Bytes f = hex("000000000000 000000000000 0800");
    const size_t total = 20 + 8 + payload.size();
    Bytes ip = {0x45,
                0,
                uint8_t(total >> 8),
                uint8_t(total),
                0,
                0,
                0,
                0,
                64,
                17,
                0,
                0,
                127,
                0,
                0,
                1,
                127,
                0,
                0,
                1};
    pltest::setIpv4Checksum(ip.data());
    f.insert(f.end(), ip.begin(), ip.end());
    const size_t ulen = udpLength >= 0 ? size_t(udpLength) : 8 + payload.size();
    const Bytes udp = {uint8_t(sport >> 8),
                       uint8_t(sport),
                       uint8_t(dport >> 8),
                       uint8_t(dport),
                       uint8_t(ulen >> 8),
                       uint8_t(ulen),
                       0,
                       0};
    f.insert(f.end(), udp.begin(), udp.end());
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

// pcapplusplus/many_interfaces-1.pcapng frame 6 (checked with tshark).
const char kClient[] = "23020aec00000d0b00000af611fd0cfd"
                       "d97b623cbfe49dcd d97b6437ad7fd089 d97b6437b6d0e9b0 d97b647e296af531";

} // namespace

class TestNtp : public QObject
{
    Q_OBJECT
private slots:
    void clientFieldsRangesLabels()
    {
        Dissected d(udp4(hex(kClient)), 1);
        QCOMPARE(d.protocol(), QStringLiteral("NTP"));
        QCOMPARE(d.info(), QStringLiteral("NTP Version 4, client"));
        QVERIFY(d.hasText(QStringLiteral("Network Time Protocol (NTP Version 4, client)\n")));
        QCOMPARE(d.value("ntp.flags"), QStringLiteral("0x23"));
        QCOMPARE(d.label("ntp.flags"),
                 QStringLiteral("Flags: 0x23, Leap Indicator: no warning, Version number: NTP "
                                "Version 4, Mode: client"));
        QCOMPARE(d.label("ntp.flags.li"),
                 QStringLiteral("00.. .... = Leap Indicator: no warning (0)"));
        QCOMPARE(d.label("ntp.flags.vn"),
                 QStringLiteral("..10 0... = Version number: NTP Version 4 (4)"));
        QCOMPARE(d.value("ntp.flags.mode"), QStringLiteral("3"));
        QCOMPARE(d.label("ntp.flags.mode"), QStringLiteral(".... .011 = Mode: client (3)"));
        QCOMPARE(d.label("ntp.stratum"),
                 QStringLiteral("Peer Clock Stratum: secondary reference (2)"));
        QCOMPARE(d.range("ntp.stratum"), QStringLiteral("43+1"));
        QCOMPARE(d.label("ntp.ppoll"), QStringLiteral("Peer Polling Interval: 10 (1024 seconds)"));
        QCOMPARE(d.value("ntp.precision"), QStringLiteral("236"));
        QCOMPARE(d.label("ntp.precision"),
                 QStringLiteral("Peer Clock Precision: 0.000001 seconds"));
        QCOMPARE(d.value("ntp.rootdelay"), QStringLiteral("3339"));
        QCOMPARE(d.label("ntp.rootdelay"), QStringLiteral("Root Delay: 0.050949 seconds"));
        QCOMPARE(d.label("ntp.rootdispersion"),
                 QStringLiteral("Root Dispersion: 0.042816 seconds"));
        QCOMPARE(d.value("ntp.refid"), QStringLiteral("11fd0cfd"));
        QCOMPARE(d.label("ntp.refid"), QStringLiteral("Reference ID: 17.253.12.253"));
        QCOMPARE(d.range("ntp.refid"), QStringLiteral("54+4"));
        QCOMPARE(d.value("ntp.reftime"), QStringLiteral("Aug 16, 2015 19:25:48.749582159 UTC"));
        QCOMPARE(d.range("ntp.reftime"), QStringLiteral("58+8"));
        QCOMPARE(d.label("ntp.org"),
                 QStringLiteral("Origin Timestamp: Aug 16, 2015 19:34:15.677731545 UTC"));
        QCOMPARE(d.value("ntp.rec"), QStringLiteral("Aug 16, 2015 19:34:15.714125256 UTC"));
        QCOMPARE(d.value("ntp.xmt"), QStringLiteral("Aug 16, 2015 19:35:26.161788296 UTC"));
        QCOMPARE(d.range("ntp.xmt"), QStringLiteral("82+8"));
        QVERIFY(!d.malformed());
    }

    void erasNullAndReferenceIds()
    {
        // Server, stratum 1 "GPS", NULL reference time, era 1 receive time, max fraction.
        Dissected d(udp4(hex("240104e9 00010000 00008000 47505300"
                             "0000000000000000 e900000080000000 10000000ffffffff 7fffffff12345678"),
                         123, 40000),
                    1);
        QCOMPARE(d.info(), QStringLiteral("NTP Version 4, server"));
        QCOMPARE(d.label("ntp.refid"), QStringLiteral("Reference ID: Global Position System"));
        QCOMPARE(d.label("ntp.precision"),
                 QStringLiteral("Peer Clock Precision: 0.000000 seconds"));
        QCOMPARE(d.label("ntp.rootdelay"), QStringLiteral("Root Delay: 1.000000 seconds"));
        QCOMPARE(d.label("ntp.rootdispersion"),
                 QStringLiteral("Root Dispersion: 0.500000 seconds"));
        QCOMPARE(d.value("ntp.reftime"), QStringLiteral("NULL"));
        QCOMPARE(d.label("ntp.reftime"), QStringLiteral("Reference Timestamp: NULL"));
        QCOMPARE(d.value("ntp.org"), QStringLiteral("Nov 16, 2023 02:42:08.500000000 UTC"));
        QCOMPARE(d.value("ntp.rec"), QStringLiteral("Aug 10, 2044 03:52:32.999999999 UTC"));
        QCOMPARE(d.value("ntp.xmt"), QStringLiteral("Feb 26, 2104 09:42:23.071111110 UTC"));

        Dissected k(udp4(hex("1c001100 ffffffff 00000000 52415445") + Bytes(32, 0), 123, 40000), 1);
        QCOMPARE(k.label("ntp.refid"),
                 QStringLiteral("Reference ID: Unidentified reference source 'RATE'"));
        QCOMPARE(k.label("ntp.ppoll"),
                 QStringLiteral("Peer Polling Interval: 17 (131072 seconds)"));
        QCOMPARE(k.label("ntp.rootdelay"), QStringLiteral("Root Delay: 65535.999985 seconds"));
        QCOMPARE(k.label("ntp.stratum"),
                 QStringLiteral("Peer Clock Stratum: unspecified or invalid (0)"));
        Dissected n(udp4(hex("e3000020 00000000 00000000 00000000") + Bytes(32, 0)), 1);
        QCOMPARE(n.label("ntp.refid"), QStringLiteral("Reference ID: NULL"));
        QCOMPARE(n.label("ntp.ppoll"), QStringLiteral("Peer Polling Interval: invalid (0)"));
        QCOMPARE(n.label("ntp.precision"),
                 QStringLiteral("Peer Clock Precision: 4294967296.000000 seconds"));
        QCOMPARE(n.label("ntp.flags.li"),
                 QStringLiteral("11.. .... = Leap Indicator: unknown (clock unsynchronized) (3)"));
        Dissected u(udp4(hex("5c10037a 00000000 00000000 0a000001") + Bytes(32, 0), 123, 40000), 1);
        QCOMPARE(u.label("ntp.stratum"), QStringLiteral("Peer Clock Stratum: unsynchronized (16)"));
        QCOMPARE(u.label("ntp.refid"), QStringLiteral("Reference ID: 10.0.0.1"));
    }

    void keyIdAndDigest()
    {
        Dissected d(udp4(hex("1502 06ec 00000000 00000000 7f000001") + Bytes(32, 0) + Bytes(20, 0)),
                    1);
        QCOMPARE(d.info(), QStringLiteral("NTP Version 2, broadcast"));
        QCOMPARE(d.value("ntp.keyid"), QStringLiteral("00000000"));
        QCOMPARE(d.range("ntp.mac"), QStringLiteral("94+16"));
    }

    void truncatedAndMalformed()
    {
        // The datagram claims 30 bytes of NTP: the header is cut short (malformed).
        Bytes p = hex("d401 06ec 00000000 00000000 50505300") + Bytes(32, 0);
        p.resize(30);
        Dissected m(udp4(p, 123, 40000), 1);
        QVERIFY(m.malformed());
        QCOMPARE(m.info(), QStringLiteral("NTP Version 2, server[Malformed Packet]"));
        QCOMPARE(m.label("ntp.refid"), QStringLiteral("Reference ID: Generic pulse-per-second"));
        QCOMPARE(m.value("ntp.org"), QStringLiteral("<absent>"));
        QVERIFY(m.hasText(QStringLiteral("[Malformed Packet: NTP]")));

        // The capture stopped inside the transmit timestamp (truncated).
        Bytes f = udp4(hex(kClient));
        const uint32_t wire = uint32_t(f.size());
        f.resize(f.size() - 4);
        Dissected t(f, 1, wire);
        QVERIFY(t.truncated() && !t.malformed());
        QCOMPARE(t.value("ntp.rec"), QStringLiteral("Aug 16, 2015 19:34:15.714125256 UTC"));
        QCOMPARE(t.value("ntp.xmt"), QStringLiteral("<absent>"));
    }

    void summaryModeColumnsAlike()
    {
        Dissected d(udp4(hex(kClient)), 1, 0, nullptr, {}, pl::Dissection::Mode::Summary);
        QCOMPARE(d.protocol(), QStringLiteral("NTP"));
        QCOMPARE(d.info(), QStringLiteral("NTP Version 4, client"));
    }
};

QTEST_APPLESS_MAIN(TestNtp)
#include "tst_ntp.moc"
