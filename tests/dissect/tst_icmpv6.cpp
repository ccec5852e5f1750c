#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

constexpr const char *kEth = "00 11 22 33 44 55 00 66 77 88 99 aa 86 dd";
// fe80::200:0:0:1 -> fe80::200:0:0:2
constexpr const char *kAddrs = "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 01"
                               "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 02";

std::vector<uint8_t> eth(const char *ipv6Header, const char *icmp, const char *addrs = kAddrs)
{
    return hex((QByteArray(kEth) + ipv6Header + addrs + icmp).constData());
}

// icmpv6.pcap frame 1: Router Advertisement with prefix, RDNSS, DNSSL, MTU, SLLA, ...
constexpr const char *kRouterAdvertisement = "33 33 00 00 00 01 b0 99 28 c8 d6 6c 86 dd 60 00"
                                             "00 00 00 b0 3a ff fe 80 00 00 00 00 00 00 b2 99"
                                             "28 ff fe c8 d6 6c ff 02 00 00 00 00 00 00 00 00"
                                             "00 00 00 00 00 01 86 00 24 01 40 20 00 0f 00 00"
                                             "00 00 00 00 00 00 03 04 48 c0 00 27 8d 00 00 09"
                                             "3a 80 00 00 00 00 22 22 33 33 44 44 55 55 66 00"
                                             "00 00 00 00 00 00 19 05 00 00 00 00 00 05 ab cd"
                                             "00 00 00 00 00 00 00 00 00 00 00 00 ef ef 12 34"
                                             "56 78 00 00 00 00 00 00 00 00 00 00 00 01 1f 07"
                                             "00 00 00 00 00 05 07 65 78 61 6d 70 6c 65 03 63"
                                             "6f 6d 00 07 65 78 61 6d 70 6c 65 03 6f 72 67 00"
                                             "04 64 6f 6d 31 04 64 6f 6d 32 03 74 6c 64 00 00"
                                             "00 00 00 00 00 00 05 01 00 00 00 00 00 64 01 01"
                                             "b0 99 28 c8 d6 6c 07 01 00 00 00 00 13 88 08 01"
                                             "00 00 c3 51 00 0f";

// An echo request fe80::200:0:0:2 -> fe80::200:0:0:1 (id 0x55, seq 7) as quoted by errors.
constexpr const char *kQuotedEcho = "60 00 00 00 00 0c 3a 03 fe 80 00 00 00 00 00 00"
                                    "02 00 00 00 00 00 00 02 fe 80 00 00 00 00 00 00"
                                    "02 00 00 00 00 00 00 01 80 00 8b 67 00 55 00 07"
                                    "78 79 7a 77";

} // namespace

class TestIcmpv6 : public QObject
{
    Q_OBJECT
private slots:
    void echoRequestAndReply()
    {
        pl::Session session;
        Dissected req(
            eth("60 00 00 00 00 10 3a 40", "80 00 da e5 12 34 00 01 61 62 63 64 65 66 67 68"), 1, 0,
            &session);
        QCOMPARE(req.value("icmpv6.type"), QStringLiteral("128"));
        QCOMPARE(req.value("icmpv6.code"), QStringLiteral("0"));
        QCOMPARE(req.value("icmpv6.checksum"), QStringLiteral("0xdae5"));
        QCOMPARE(req.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(req.label("icmpv6.checksum"), QStringLiteral("Checksum: 0xdae5 [correct]"));
        QCOMPARE(req.label("icmpv6.checksum.status"), QStringLiteral("[Checksum Status: Good]"));
        QCOMPARE(req.value("icmpv6.echo.identifier"), QStringLiteral("0x1234"));
        QCOMPARE(req.value("icmpv6.echo.sequence_number"), QStringLiteral("1"));
        QCOMPARE(req.range("icmpv6.echo.identifier"), QStringLiteral("58+2"));
        QCOMPARE(req.range("icmpv6"), QStringLiteral("54+16"));
        QCOMPARE(req.label("icmpv6.type"), QStringLiteral("Type: Echo (ping) request (128)"));
        QCOMPARE(req.value("data.data"), QStringLiteral("6162636465666768"));
        QCOMPARE(req.protocol(), QStringLiteral("ICMPv6"));
        QCOMPARE(req.info(), QStringLiteral("Echo (ping) request id=0x1234, seq=1, hop limit=64"));

        // The reply, later in the same capture, names its request (frame 1).
        std::vector<uint8_t> b =
            hex((QByteArray(kEth) + "60 00 00 00 00 10 3a 40"
                                    "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 02"
                                    "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 01"
                                    "81 00 d9 e5 12 34 00 01 61 62 63 64 65 66 67 68")
                    .constData());
        pl::Frame f;
        f.data = b.data();
        f.capLen = f.wireLen = uint32_t(b.size());
        f.linkType = 1;
        f.number = 2;
        pl::Dissection d(pl::Dissection::Mode::Summary);
        d.dissect(f, &session);
        QCOMPARE(QString::fromStdString(d.infoColumn()),
                 QStringLiteral("Echo (ping) reply id=0x1234, seq=1, hop limit=64 (request in 1)"));
    }

    void badChecksum()
    {
        Dissected p(eth("60 00 00 00 00 0a 3a 40", "80 00 00 00 12 34 00 01 61 62"), 1);
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("0"));
        QCOMPARE(p.label("icmpv6.checksum"),
                 QStringLiteral("Checksum: 0x0000 incorrect, should be 0x0b1f"));
        QVERIFY(p.hasText(QStringLiteral("Bad checksum [should be 0x0b1f]")));
        QVERIFY(p.badChecksum());
        QVERIFY(!p.malformed());
        QCOMPARE(p.info(), QStringLiteral("Echo (ping) request id=0x1234, seq=1, hop limit=64"));
    }

    void uncapturedChecksumIsUnverified()
    {
        std::vector<uint8_t> b =
            eth("60 00 00 00 00 10 3a 40", "80 00 da e5 12 34 00 01 61 62 63 64 65 66 67 68");
        const auto wire = uint32_t(b.size());
        b.resize(b.size() - 4);
        Dissected p(b, 1, wire);
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("2"));
        QVERIFY(!p.badChecksum());
    }

    void routerAdvertisement()
    {
        Dissected p(hex(kRouterAdvertisement), 1);
        QCOMPARE(p.info(), QStringLiteral("Router Advertisement from b0:99:28:c8:d6:6c"));
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("icmpv6.nd.ra.cur_hop_limit"), QStringLiteral("64"));
        QCOMPARE(p.value("icmpv6.nd.ra.flag"), QStringLiteral("0x20"));
        QCOMPARE(
            p.label("icmpv6.nd.ra.flag"),
            QStringLiteral("Flags: 0x20, Home Agent, Prf (Default Router Preference): Medium"));
        QCOMPARE(p.value("icmpv6.nd.ra.flag.h"), QStringLiteral("1"));
        QCOMPARE(p.label("icmpv6.nd.ra.flag.prf"),
                 QStringLiteral("...0 0... = Prf (Default Router Preference): Medium (0)"));
        QCOMPARE(p.value("icmpv6.nd.ra.router_lifetime"), QStringLiteral("15"));
        QCOMPARE(p.value("icmpv6.nd.ra.reachable_time"), QStringLiteral("0"));
        QCOMPARE(p.value("icmpv6.nd.ra.retrans_timer"), QStringLiteral("0"));
        QCOMPARE(p.value("icmpv6.opt.type", 0), QStringLiteral("3"));
        QCOMPARE(p.value("icmpv6.opt.length", 0), QStringLiteral("4"));
        QCOMPARE(p.value("icmpv6.opt.prefix.length"), QStringLiteral("72"));
        QCOMPARE(p.value("icmpv6.opt.prefix.flag"), QStringLiteral("0xc0"));
        QCOMPARE(p.value("icmpv6.opt.prefix.valid_lifetime"), QStringLiteral("2592000"));
        QCOMPARE(p.value("icmpv6.opt.prefix.preferred_lifetime"), QStringLiteral("604800"));
        QCOMPARE(p.value("icmpv6.opt.prefix"), QStringLiteral("2222:3333:4444:5555:6600::"));
        QCOMPARE(p.range("icmpv6.opt.prefix"), QStringLiteral("86+16"));
        QVERIFY(p.hasText(
            QStringLiteral("ICMPv6 Option (Prefix information : 2222:3333:4444:5555:6600::/72)")));
        QVERIFY(p.hasText(QStringLiteral(
            "Flag: 0xc0, On-link flag(L), Autonomous address-configuration flag(A)")));
        QVERIFY(p.hasText(QStringLiteral("        Length: 4 (32 bytes)\n")));
        QCOMPARE(p.value("icmpv6.opt.rdnss.lifetime"), QStringLiteral("5"));
        QCOMPARE(p.value("icmpv6.opt.rdnss", 0), QStringLiteral("abcd::efef"));
        QCOMPARE(p.value("icmpv6.opt.rdnss", 1), QStringLiteral("1234:5678::1"));
        QVERIFY(p.hasText(
            QStringLiteral("ICMPv6 Option (Recursive DNS Server abcd::efef 1234:5678::1)")));
        QCOMPARE(p.value("icmpv6.opt.mtu"), QStringLiteral("100"));
        QVERIFY(p.hasText(QStringLiteral("ICMPv6 Option (MTU : 100)")));
        QCOMPARE(p.value("icmpv6.opt.linkaddr"), QStringLiteral("b0:99:28:c8:d6:6c"));
        QCOMPARE(p.value("icmpv6.opt.src_linkaddr"), QStringLiteral("b0:99:28:c8:d6:6c"));
        QVERIFY(p.hasText(
            QStringLiteral("ICMPv6 Option (Source link-layer address : b0:99:28:c8:d6:6c)")));
        QCOMPARE(p.value("icmpv6.opt.advertisement_interval"), QStringLiteral("5000"));
        QCOMPARE(p.value("icmpv6.opt.home_agent_preference"), QStringLiteral("50001"));
        QCOMPARE(p.value("icmpv6.opt.home_agent_lifetime"), QStringLiteral("15"));
        QVERIFY(!p.malformed());
    }

    void neighborSolicitationAndAdvertisement()
    {
        Dissected ns(eth("60 00 00 00 00 20 3a ff",
                         "87 00 0f 7c 00 00 00 00 fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 09"
                         "01 01 00 11 22 33 44 55"),
                     1);
        QCOMPARE(ns.value("icmpv6.nd.ns.target_address"), QStringLiteral("fe80::200:0:0:9"));
        QCOMPARE(ns.range("icmpv6.nd.ns.target_address"), QStringLiteral("62+16"));
        QCOMPARE(ns.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(
            ns.info(),
            QStringLiteral("Neighbor Solicitation for fe80::200:0:0:9 from 00:11:22:33:44:55"));

        Dissected na(eth("60 00 00 00 00 20 3a ff",
                         "88 00 2d 6a e0 00 00 00 fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 09"
                         "02 01 00 11 22 33 44 66"),
                     1);
        QCOMPARE(na.value("icmpv6.nd.na.flag"), QStringLiteral("0xe0000000"));
        QCOMPARE(na.value("icmpv6.nd.na.flag.r"), QStringLiteral("1"));
        QCOMPARE(na.value("icmpv6.nd.na.flag.rsv"), QStringLiteral("0"));
        QCOMPARE(na.label("icmpv6.nd.na.flag"),
                 QStringLiteral("Flags: 0xe0000000, Router, Solicited, Override"));
        QCOMPARE(na.value("icmpv6.nd.na.target_address"), QStringLiteral("fe80::200:0:0:9"));
        QCOMPARE(na.value("icmpv6.opt.target_linkaddr"), QStringLiteral("00:11:22:33:44:66"));
        QCOMPARE(na.info(), QStringLiteral("Neighbor Advertisement fe80::200:0:0:9 (rtr, sol, ovr) "
                                           "is at 00:11:22:33:44:66"));
    }

    void redirectWithRedirectedHeader()
    {
        Dissected p(eth("60 00 00 00 00 48 3a ff",
                        "89 00 6d 3c 00 00 00 00 fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 09"
                        "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 02"
                        "02 01 00 11 22 33 44 66 04 03 00 00 00 00 00 00"
                        "60 00 00 00 00 00 3b ff fe 80 00 00 00 00 00 00"),
                    1);
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("icmpv6.nd.rd.target_address"), QStringLiteral("fe80::200:0:0:9"));
        QCOMPARE(p.value("icmpv6.rd.na.destination_address"), QStringLiteral("fe80::200:0:0:2"));
        QCOMPARE(p.info(), QStringLiteral("Redirect is at 00:11:22:33:44:66"));
        QVERIFY(p.hasText(QStringLiteral("ICMPv6 Option (Redirected header)")));
        // The 16 quoted bytes are a cut IPv6 header: noted, but the frame is not malformed.
        QVERIFY(p.hasText(QStringLiteral("IPv6 header must be exactly 40 bytes")));
        QCOMPARE(p.nodes("ipv6.version").size(), size_t(2));
        QVERIFY(!p.malformed() && !p.truncated());
        QCOMPARE(p.protocol(), QStringLiteral("ICMPv6"));
        QCOMPARE(p.destination(), QStringLiteral("fe80::200:0:0:2"));
    }

    void optionLengthZeroStops()
    {
        Dissected p(
            eth("60 00 00 00 00 10 3a ff", "85 00 12 94 00 00 00 00 01 00 00 11 22 33 44 55"), 1);
        QVERIFY(p.hasText(QStringLiteral("Invalid option length (Zero)")));
        QVERIFY(p.malformed());
        QCOMPARE(p.nodes("icmpv6.opt").size(), size_t(1));
        QCOMPARE(p.info(), QStringLiteral("Router Solicitation"));
    }

    void optionLengthBeyondMessage()
    {
        Dissected p(
            eth("60 00 00 00 00 10 3a ff", "85 00 00 00 00 00 00 00 01 04 00 11 22 33 44 55"), 1);
        QVERIFY(p.malformed());
    }

    void mldv2ReportAndQuery()
    {
        // icmpv6.pcap frame 2 and 3.
        Dissected report(hex("33 33 00 00 00 16 00 15 17 cc e5 46 86 dd 60 00"
                             "00 00 00 24 00 01 fe 80 00 00 00 00 00 00 02 15"
                             "17 ff fe cc e5 46 ff 02 00 00 00 00 00 00 00 00"
                             "00 00 00 00 00 16 3a 00 05 02 00 00 01 00 8f 00"
                             "1f c5 00 00 00 01 04 00 00 00 ff 02 00 00 00 00"
                             "00 00 00 00 0d b8 11 22 33 44"),
                         1);
        QCOMPARE(report.info(), QStringLiteral("Multicast Listener Report Message v2"));
        QCOMPARE(report.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(report.value("icmpv6.mldr.nb_mcast_records"), QStringLiteral("1"));
        QCOMPARE(report.value("icmpv6.mldr.mar.record_type"), QStringLiteral("4"));
        QCOMPARE(report.value("icmpv6.mldr.mar.multicast_address"),
                 QStringLiteral("ff02::db8:1122:3344"));
        QCOMPARE(report.range("icmpv6.mldr.mar"), QStringLiteral("70+20"));
        QVERIFY(report.hasText(
            QStringLiteral("Multicast Address Record Changed to exclude: ff02::db8:1122:3344")));
        QCOMPARE(report.value("icmpv6.reserved"), QStringLiteral("0000"));

        Dissected query(hex("33 33 00 00 00 01 b0 a8 6e 0c d4 e8 86 dd 60 00"
                            "00 00 00 24 00 01 fe 80 00 00 00 00 00 00 b2 a8"
                            "6e ff fe 0c d4 e8 ff 02 00 00 00 00 00 00 00 00"
                            "00 00 00 00 00 01 3a 00 05 02 00 00 01 00 82 00"
                            "62 3a 27 10 00 00 00 00 00 00 00 00 00 00 00 00"
                            "00 00 00 00 00 00 02 3c 00 00"),
                        1);
        QCOMPARE(query.info(), QStringLiteral("Multicast Listener Query"));
        QCOMPARE(query.value("icmpv6.mld.maximum_response_code"), QStringLiteral("10000"));
        QCOMPARE(query.value("icmpv6.mld.multicast_address"), QStringLiteral("::"));
        QCOMPARE(query.value("icmpv6.mld.flag"), QStringLiteral("0x02"));
        QCOMPARE(query.value("icmpv6.mld.flag.qrv"), QStringLiteral("2"));
        QCOMPARE(query.value("icmpv6.mld.qqi"), QStringLiteral("60"));
        QCOMPARE(query.value("icmpv6.mld.nb_sources"), QStringLiteral("0"));
        QCOMPARE(query.value("icmpv6.checksum.status"), QStringLiteral("1"));
    }

    void mldv2RecordCountLies()
    {
        // Claims 3 records, carries one.
        Dissected p(eth("60 00 00 00 00 1c 3a 01",
                        "8f 00 00 00 00 00 00 03 04 00 00 00 ff 02 00 00 00 00 00 00 00 00 0d b8"
                        "11 22 33 44"),
                    1);
        QVERIFY(p.malformed());
        QCOMPARE(p.nodes("icmpv6.mldr.mar").size(), size_t(1));
    }

    void mldv1()
    {
        Dissected p(eth("60 00 00 00 00 18 3a ff",
                        "82 00 78 c0 03 e8 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
                    1);
        QCOMPARE(p.value("icmpv6.mld.maximum_response_delay"), QStringLiteral("1000"));
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.info(), QStringLiteral("Multicast Listener Query"));
    }

    void destinationUnreachableQuotesPacket()
    {
        const QByteArray icmp = QByteArray("01 04 63 b7 00 00 00 00") + kQuotedEcho;
        Dissected p(eth("60 00 00 00 00 3c 3a ff", icmp.constData()), 1);
        QCOMPARE(p.info(), QStringLiteral("Destination Unreachable (Port unreachable)"));
        QCOMPARE(p.label("icmpv6.code"), QStringLiteral("Code: 4 (Port unreachable)"));
        QCOMPARE(p.value("icmpv6.checksum.status", 0), QStringLiteral("1"));
        // The quoted echo: dissected under the ICMPv6 item, checksum not verified.
        QCOMPARE(p.value("icmpv6.checksum.status", 1), QStringLiteral("2"));
        QVERIFY(p.hasText(QStringLiteral("Checksum: 0x8b67 [unverified] [in ICMP error packet]")));
        QCOMPARE(p.value("ipv6.src", 1), QStringLiteral("fe80::200:0:0:2"));
        QCOMPARE(p.value("icmpv6.echo.sequence_number"), QStringLiteral("7"));
        QCOMPARE(p.range("ipv6.src"), QStringLiteral("22+16"));
        const QString dump = p.dump();
        QVERIFY(dump.contains(QStringLiteral(
            "\n    Internet Protocol Version 6, Src: fe80::200:0:0:2, Dst: fe80::200:0:0:1\n")));
        QVERIFY(dump.contains(QStringLiteral("\n    Internet Control Message Protocol v6\n")));
        // Columns belong to the outer packet.
        QCOMPARE(p.source(), QStringLiteral("fe80::200:0:0:1"));
        QCOMPARE(p.destination(), QStringLiteral("fe80::200:0:0:2"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMPv6"));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void packetTooBigAndParameterProblem()
    {
        const QByteArray ptb = QByteArray("02 00 5d bb 00 00 05 00") + kQuotedEcho;
        Dissected p(eth("60 00 00 00 00 3c 3a ff", ptb.constData()), 1);
        QCOMPARE(p.value("icmpv6.mtu"), QStringLiteral("1280"));
        QCOMPARE(p.info(), QStringLiteral("Packet Too Big"));
        QCOMPARE(p.value("icmpv6.checksum.status", 0), QStringLiteral("1"));

        const QByteArray param = QByteArray("04 01 60 92 00 00 00 28") + kQuotedEcho;
        Dissected q(eth("60 00 00 00 00 3c 3a ff", param.constData()), 1);
        QCOMPARE(q.value("icmpv6.pointer"), QStringLiteral("40"));
        QCOMPARE(q.info(),
                 QStringLiteral("Parameter Problem (unrecognized Next Header type encountered)"));
        QCOMPARE(q.value("icmpv6.checksum.status", 0), QStringLiteral("1"));
    }

    void cutQuoteDoesNotMarkFrame()
    {
        Dissected p(eth("60 00 00 00 00 1c 3a ff",
                        "01 03 63 11 00 00 00 00 60 00 00 00 00 0c 3a 03 fe 80 00 00 00 00 00 00"
                        "02 00 00 00"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Destination Unreachable (Address unreachable)"));
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QVERIFY(p.hasText(QStringLiteral("IPv6 header must be exactly 40 bytes")));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void nestedQuote()
    {
        // An error quoting an error quoting an echo: both quotes nest under their ICMPv6.
        const QByteArray inner = QByteArray("60 00 00 00 00 34 3a 03"
                                            "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 02"
                                            "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 01"
                                            "03 00 00 00 00 00 00 00") +
                                 kQuotedEcho;
        const QByteArray outer = QByteArray("01 04 00 00 00 00 00 00") + inner;
        Dissected p(eth("60 00 00 00 00 6c 3a ff", outer.constData()), 1);
        QCOMPARE(p.nodes("icmpv6").size(), size_t(3));
        QCOMPARE(p.value("icmpv6.type", 2), QStringLiteral("128"));
        QCOMPARE(p.info(), QStringLiteral("Destination Unreachable (Port unreachable)"));
        QCOMPARE(p.source(), QStringLiteral("fe80::200:0:0:1"));
        QVERIFY(p.badChecksum()); // the outer checksum is 0 here
        QVERIFY(!p.malformed());
    }

    void headerOnlyIsMalformed()
    {
        Dissected p(eth("60 00 00 00 00 02 3a ff", "80 00"), 1);
        QVERIFY(p.malformed());
    }

    void unknownType()
    {
        Dissected p(eth("60 00 00 00 00 08 3a ff", "05 00 00 00 00 00 00 00"), 1);
        QCOMPARE(p.info(), QStringLiteral("Unknown (5)"));
        QCOMPARE(p.value("icmpv6.type"), QStringLiteral("5"));
    }
};

QTEST_APPLESS_MAIN(TestIcmpv6)
#include "tst_icmpv6.moc"
