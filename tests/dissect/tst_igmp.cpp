#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

/// Ethernet + IPv4 (protocol 2, TTL 1, 192.168.1.10 -> 224.0.0.1, correct header checksum)
/// around an IGMP message. The IGMP bytes come from tests/data/igmp.pcap (checksums
/// included), which tshark 4.0 decodes as the comments say. `cut` drops captured bytes from
/// the end (the wire length stays).
Dissected igmp(const char *body, size_t cut = 0)
{
    const std::vector<uint8_t> msg = hex(body);
    std::vector<uint8_t> b = hex("01 00 5e 00 00 01 | 00 11 22 33 44 55 | 08 00");
    std::vector<uint8_t> ip = hex("45 c0 00 00 12 34 00 00 01 02 00 00 c0 a8 01 0a e0 00 00 01");
    const size_t total = ip.size() + msg.size();
    ip[2] = uint8_t(total >> 8);
    ip[3] = uint8_t(total);
    pltest::setIpv4Checksum(ip.data(), ip.size());
    b.insert(b.end(), ip.begin(), ip.end());
    b.insert(b.end(), msg.begin(), msg.end());
    const auto wire = uint32_t(b.size());
    b.resize(b.size() - cut);
    return Dissected(std::move(b), 1, wire);
}

constexpr const char *kV3Report =
    "22 00 70 29 00 00 00 06 04 00 00 00 ef 01 01 01 03 00 00 00 ef 01 01 02 01 00 00 02 e8 01"
    "01 01 0a 01 01 01 0a 01 01 02 02 01 00 01 e8 01 01 02 0a 01 01 03 de ad be ef 05 00 00 01"
    "e8 01 01 03 0a 01 01 04 06 00 00 01 e8 01 01 04 0a 01 01 05";

} // namespace

class TestIgmp : public QObject
{
    Q_OBJECT
private slots:
    void v1QueryAndReport()
    {
        Dissected q = igmp("11 00 ee ff 00 00 00 00");
        QCOMPARE(q.protocol(), QStringLiteral("IGMPv1"));
        QCOMPARE(q.info(), QStringLiteral("Membership Query"));
        QCOMPARE(q.value("igmp.version"), QStringLiteral("1"));
        QCOMPARE(q.label("igmp.version"), QStringLiteral("[IGMP Version: 1]"));
        QCOMPARE(q.label("igmp.type"), QStringLiteral("Type: Membership Query (0x11)"));
        QCOMPARE(q.value("igmp.reserved"), QStringLiteral("00"));
        QCOMPARE(q.range("igmp.reserved"), QStringLiteral("35+1"));
        QCOMPARE(q.label("igmp.checksum"), QStringLiteral("Checksum: 0xeeff [correct]"));
        QCOMPARE(q.label("igmp.checksum.status"), QStringLiteral("[Checksum Status: Good]"));
        QCOMPARE(q.value("igmp.maddr"), QStringLiteral("0.0.0.0"));
        QCOMPARE(q.range("igmp"), QStringLiteral("34+8"));
        QCOMPARE(q.value("igmp.max_resp"), QStringLiteral("<absent>"));

        Dissected r = igmp("12 00 0b fb e0 01 02 03");
        QCOMPARE(r.info(), QStringLiteral("Membership Report"));
        QCOMPARE(r.value("igmp.maddr"), QStringLiteral("224.1.2.3"));
        QCOMPARE(r.range("igmp.maddr"), QStringLiteral("38+4"));
        QVERIFY(!r.malformed() && !r.truncated() && !r.badChecksum());
    }

    void v2_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("info");
        QTest::addColumn<QString>("maxResp");
        QTest::newRow("general query") << QStringLiteral("11 64 ee 9b 00 00 00 00")
                                       << QStringLiteral("Membership Query, general")
                                       << QStringLiteral("Max Resp Time: 10.0 sec (0x64)");
        QTest::newRow("group query")
            << QStringLiteral("11 0a fe f2 ef 01 01 01")
            << QStringLiteral("Membership Query, specific for group 239.1.1.1")
            << QStringLiteral("Max Resp Time: 1.0 sec (0x0a)");
        QTest::newRow("report") << QStringLiteral("16 00 09 04 e0 00 00 fb")
                                << QStringLiteral("Membership Report group 224.0.0.251")
                                << QStringLiteral("Max Resp Time: 0.0 sec (0x00)");
        QTest::newRow("leave") << QStringLiteral("17 00 f8 fc ef 01 01 01")
                               << QStringLiteral("Leave Group 239.1.1.1")
                               << QStringLiteral("Max Resp Time: 0.0 sec (0x00)");
    }

    void v2()
    {
        QFETCH(QString, body);
        QFETCH(QString, info);
        QFETCH(QString, maxResp);
        Dissected p = igmp(body.toLatin1().constData());
        QCOMPARE(p.protocol(), QStringLiteral("IGMPv2"));
        QCOMPARE(p.info(), info);
        QCOMPARE(p.label("igmp.max_resp"), maxResp);
        QCOMPARE(p.range("igmp.max_resp"), QStringLiteral("35+1"));
        QCOMPARE(p.value("igmp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("igmp.version"), QStringLiteral("2"));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void v3GeneralQuery()
    {
        Dissected p = igmp("11 64 ec 1e 00 00 00 00 02 7d 00 00");
        QCOMPARE(p.protocol(), QStringLiteral("IGMPv3"));
        QCOMPARE(p.info(), QStringLiteral("Membership Query, general"));
        QCOMPARE(p.value("igmp.max_resp"), QStringLiteral("100"));
        QCOMPARE(p.label("igmp.s"),
                 QStringLiteral(".... 0... = S: Do not suppress router side processing"));
        QCOMPARE(p.label("igmp.qrv"), QStringLiteral(".... .010 = QRV: 2"));
        QCOMPARE(p.value("igmp.qqic"), QStringLiteral("125"));
        QCOMPARE(p.value("igmp.num_src"), QStringLiteral("0"));
        QCOMPARE(p.range("igmp.num_src"), QStringLiteral("44+2"));
        QCOMPARE(p.value("igmp.max_resp.exp"), QStringLiteral("<absent>"));
    }

    void v3SourceQueryWithExponentialTime()
    {
        Dissected p = igmp("11 8a d9 db ef 02 02 02 0f 90 00 02 0a 00 00 01 0a 00 00 02");
        QCOMPARE(p.info(), QStringLiteral("Membership Query, specific for group 239.2.2.2, "
                                          "sources {10.0.0.1, 10.0.0.2}"));
        // RFC 3376 4.1.1: (0xa | 0x10) << (0 + 3) = 208 tenths.
        QCOMPARE(p.value("igmp.max_resp"), QStringLiteral("208"));
        QCOMPARE(p.label("igmp.max_resp"), QStringLiteral("Max Resp Time: 20.8 sec (0x8a)"));
        QCOMPARE(p.label("igmp.max_resp.exp"), QStringLiteral(".000 .... = Exponent: 0x0"));
        QCOMPARE(p.value("igmp.max_resp.mant"), QStringLiteral("0x0a"));
        QCOMPARE(p.label("igmp.max_resp.mant"), QStringLiteral(".... 1010 = Mantissa: 0xa"));
        QCOMPARE(p.label("igmp.s"),
                 QStringLiteral(".... 1... = S: SUPPRESS router side processing"));
        QCOMPARE(p.value("igmp.qrv"), QStringLiteral("7"));
        QCOMPARE(p.value("igmp.qqic"), QStringLiteral("144"));
        QCOMPARE(p.value("igmp.saddr", 0), QStringLiteral("10.0.0.1"));
        QCOMPARE(p.value("igmp.saddr", 1), QStringLiteral("10.0.0.2"));
        QCOMPARE(p.range("igmp.saddr"), QStringLiteral("46+4"));
        QCOMPARE(p.range("igmp"), QStringLiteral("34+20"));
    }

    void v3ReportRecords()
    {
        Dissected p = igmp(kV3Report);
        QCOMPARE(p.protocol(), QStringLiteral("IGMPv3"));
        QCOMPARE(p.info(),
                 QStringLiteral("Membership Report / Join group 239.1.1.1 for any sources / Leave "
                                "group 239.1.1.2 / Join group 232.1.1.1 for sources in {10.1.1.1, "
                                "10.1.1.2} / Join group 232.1.1.2, for source not {10.1.1.3} / "
                                "Group 232.1.1.3, new source {10.1.1.4} / Group 232.1.1.4, block "
                                "source {10.1.1.5}"));
        QCOMPARE(p.label("igmp.checksum"), QStringLiteral("Checksum: 0x7029 [correct]"));
        QCOMPARE(p.value("igmp.reserved", 1), QStringLiteral("0000"));
        QCOMPARE(p.value("igmp.num_grp_recs"), QStringLiteral("6"));
        QCOMPARE(p.value("igmp.record_type", 2), QStringLiteral("1"));
        QCOMPARE(p.label("igmp.record_type"),
                 QStringLiteral("Record Type: Change To Exclude Mode (4)"));
        QCOMPARE(p.value("igmp.maddr", 3), QStringLiteral("232.1.1.2"));
        QCOMPARE(p.value("igmp.aux_data_len", 3), QStringLiteral("1"));
        QCOMPARE(p.value("igmp.aux_data"), QStringLiteral("deadbeef"));
        QCOMPARE(p.range("igmp.aux_data"), QStringLiteral("86+4"));
        QCOMPARE(p.nodes("igmp.saddr").size(), size_t(5));
        QVERIFY(p.hasText(QStringLiteral("    Group Record : 232.1.1.2  Mode Is Exclude\n"
                                         "        Record Type: Mode Is Exclude (2)\n"
                                         "        Aux Data Len: 1\n"
                                         "        Num Src: 1\n"
                                         "        Multicast Address: 232.1.1.2\n"
                                         "        Source Address: 10.1.1.3\n"
                                         "        Aux Data: deadbeef\n")));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void badChecksum()
    {
        Dissected p = igmp("16 00 12 34 e0 00 00 fc");
        QCOMPARE(p.label("igmp.checksum"),
                 QStringLiteral("Checksum: 0x1234 incorrect, should be 0x0903"));
        QCOMPARE(p.value("igmp.checksum.status"), QStringLiteral("0"));
        QVERIFY(p.hasText(
            QStringLiteral("[Expert Info (Error/Checksum): Bad checksum [should be 0x0903]]")));
        QCOMPARE(p.nodes("igmp.bad_checksum").size(), size_t(1));
        QVERIFY(p.badChecksum());
        QCOMPARE(p.info(), QStringLiteral("Membership Report group 224.0.0.252"));
    }

    void sourceCountPastTheEnd()
    {
        // A record claiming 1000 sources with one present: tshark lists the one, then marks
        // the packet malformed, Info cut where the next source was to be written.
        Dissected p = igmp("22 00 d4 f1 00 00 00 01 01 00 03 e8 e8 09 09 09 0a 09 09 09");
        QVERIFY(p.malformed());
        QVERIFY(!p.truncated());
        QCOMPARE(p.nodes("igmp.saddr").size(), size_t(1));
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: IGMP]")));
        QVERIFY(p.info().startsWith(
            QStringLiteral("Membership Report / Join group 232.9.9.9 for sources in {10.9.9.9, ")));
        QCOMPARE(p.protocol(), QStringLiteral("IGMPv3"));

        Dissected q = igmp("11 64 e0 29 00 00 00 00 02 7d 01 f4 0a 00 00 01");
        QVERIFY(q.malformed());
        QCOMPARE(q.value("igmp.num_src"), QStringLiteral("500"));
        QVERIFY(
            q.info().startsWith(QStringLiteral("Membership Query, general, sources {10.0.0.1, ")));
    }

    void recordCountPastTheEnd()
    {
        Dissected p = igmp("22 00 e9 f4 00 00 ff ff 04 00 00 00 ef 01 01 09");
        QVERIFY(p.malformed());
        QCOMPARE(p.value("igmp.num_grp_recs"), QStringLiteral("65535"));
        QCOMPARE(p.nodes("igmp.record_type").size(), size_t(1));
        QVERIFY(p.info().startsWith(
            QStringLiteral("Membership Report / Join group 239.1.1.9 for any sources")));
    }

    void truncatedCapture()
    {
        Dissected p = igmp("16 00 09 04 e0 00 00 fb", 2);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QCOMPARE(p.label("igmp.checksum"), QStringLiteral("Checksum: 0x0904 [unverified]"));
        QCOMPARE(p.value("igmp.checksum.status"), QStringLiteral("2"));
        QCOMPARE(p.value("igmp.maddr"), QStringLiteral("<absent>"));
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: IGMP truncated]")));
        QVERIFY(p.info().startsWith(QStringLiteral("Membership Report")));
    }

    void unknownType()
    {
        Dissected p = igmp("7f 00 7c f9 01 02 03 04");
        QCOMPARE(p.protocol(), QStringLiteral("IGMP"));
        QCOMPARE(p.info(), QStringLiteral("Unknown Type:0x7f"));
        QCOMPARE(p.label("igmp.type"), QStringLiteral("Type: Unknown (0x7f)"));
        QCOMPARE(p.value("igmp.data"), QStringLiteral("007cf901020304"));
        QCOMPARE(p.range("igmp.data"), QStringLiteral("35+7"));
        QCOMPARE(p.value("igmp.version"), QStringLiteral("<absent>"));
    }

    void summaryModeMatches()
    {
        // Summary mode reads the same bytes: the same columns and marks, no tree.
        const std::vector<uint8_t> bytes = igmp(kV3Report).bytes;
        Dissected s(bytes, 1, 0, nullptr, {}, pl::Dissection::Mode::Summary);
        QCOMPARE(s.info(), igmp(kV3Report).info());
        QCOMPARE(s.protocol(), QStringLiteral("IGMPv3"));
        QVERIFY(!s.malformed());
    }
};

QTEST_APPLESS_MAIN(TestIgmp)
#include "tst_igmp.moc"
