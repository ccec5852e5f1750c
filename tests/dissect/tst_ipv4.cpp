#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

// Ethernet II header (02:00:00:00:00:01 -> 02:00:00:00:00:02, IPv4) before each test header.
std::vector<uint8_t> eth(const char *ipHex)
{
    std::vector<uint8_t> b = hex("02 00 00 00 00 02 | 02 00 00 00 00 01 | 08 00");
    const std::vector<uint8_t> ip = hex(ipHex);
    b.insert(b.end(), ip.begin(), ip.end());
    return b;
}

// IP protocol 253 (RFC 3692 experiments) has no dissector: the payload stays data, so these
// tests do not depend on the transport dissectors.
constexpr const char *kBasic = "45 b8 00 18 1b 68 40 00 40 fd 52 16 c0 a8 01 0a 0a 00 00 01"
                               " de ad be ef";

} // namespace

class TestIPv4 : public QObject
{
    Q_OBJECT
private slots:
    void headerFieldsRangesLabels()
    {
        Dissected p(eth(kBasic), 1);
        QCOMPARE(p.value("ip.version"), QStringLiteral("4"));
        QCOMPARE(p.value("ip.hdr_len"), QStringLiteral("20"));
        QCOMPARE(p.value("ip.dsfield"), QStringLiteral("0xb8"));
        QCOMPARE(p.value("ip.dsfield.dscp"), QStringLiteral("46"));
        QCOMPARE(p.value("ip.dsfield.ecn"), QStringLiteral("0"));
        QCOMPARE(p.value("ip.len"), QStringLiteral("24"));
        QCOMPARE(p.value("ip.id"), QStringLiteral("0x1b68"));
        QCOMPARE(p.value("ip.flags"), QStringLiteral("0x02"));
        QCOMPARE(p.value("ip.flags.rb"), QStringLiteral("0"));
        QCOMPARE(p.value("ip.flags.df"), QStringLiteral("1"));
        QCOMPARE(p.value("ip.flags.mf"), QStringLiteral("0"));
        QCOMPARE(p.value("ip.frag_offset"), QStringLiteral("0"));
        QCOMPARE(p.value("ip.ttl"), QStringLiteral("64"));
        QCOMPARE(p.value("ip.proto"), QStringLiteral("253"));
        QCOMPARE(p.value("ip.checksum"), QStringLiteral("0x5216"));
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("ip.src"), QStringLiteral("192.168.1.10"));
        QCOMPARE(p.value("ip.dst"), QStringLiteral("10.0.0.1"));
        QCOMPARE(p.value("ip.addr", 0), QStringLiteral("192.168.1.10"));
        QCOMPARE(p.value("ip.addr", 1), QStringLiteral("10.0.0.1"));

        QCOMPARE(p.range("ip"), QStringLiteral("14+20"));
        QCOMPARE(p.range("ip.version"), QStringLiteral("14+1"));
        QCOMPARE(p.range("ip.dsfield.ecn"), QStringLiteral("15+1"));
        QCOMPARE(p.range("ip.len"), QStringLiteral("16+2"));
        QCOMPARE(p.range("ip.frag_offset"), QStringLiteral("20+2"));
        QCOMPARE(p.range("ip.checksum"), QStringLiteral("24+2"));
        QCOMPARE(p.range("ip.src"), QStringLiteral("26+4"));
        QCOMPARE(p.range("ip.dst"), QStringLiteral("30+4"));
        QCOMPARE(p.range("data.data"), QStringLiteral("34+4"));

        QCOMPARE(p.label("ip"),
                 QStringLiteral("Internet Protocol Version 4, Src: 192.168.1.10, Dst: 10.0.0.1"));
        QCOMPARE(p.label("ip.version"), QStringLiteral("0100 .... = Version: 4"));
        QCOMPARE(p.label("ip.hdr_len"), QStringLiteral(".... 0101 = Header Length: 20 bytes (5)"));
        QCOMPARE(p.label("ip.dsfield"),
                 QStringLiteral("Differentiated Services Field: 0xb8 (DSCP: EF, ECN: Not-ECT)"));
        QCOMPARE(p.label("ip.dsfield.dscp"),
                 QStringLiteral("1011 10.. = Differentiated Services Codepoint: Expedited "
                                "Forwarding (46)"));
        QCOMPARE(p.label("ip.dsfield.ecn"),
                 QStringLiteral(".... ..00 = Explicit Congestion Notification: Not ECN-Capable "
                                "Transport (0)"));
        QCOMPARE(p.label("ip.len"), QStringLiteral("Total Length: 24"));
        QCOMPARE(p.label("ip.id"), QStringLiteral("Identification: 0x1b68 (7016)"));
        QCOMPARE(p.label("ip.flags"), QStringLiteral("010. .... = Flags: 0x2, Don't fragment"));
        QCOMPARE(p.label("ip.flags.df"), QStringLiteral(".1.. .... = Don't fragment: Set"));
        QCOMPARE(p.label("ip.frag_offset"),
                 QStringLiteral("...0 0000 0000 0000 = Fragment Offset: 0"));
        QCOMPARE(p.label("ip.ttl"), QStringLiteral("Time to Live: 64"));
        QCOMPARE(p.label("ip.proto"), QStringLiteral("Protocol: Unknown (253)"));
        QCOMPARE(p.label("ip.checksum"), QStringLiteral("Header Checksum: 0x5216 [correct]"));
        QCOMPARE(p.label("ip.checksum.status"), QStringLiteral("[Header checksum status: Good]"));
        QCOMPARE(p.label("ip.src"), QStringLiteral("Source Address: 192.168.1.10"));

        QCOMPARE(p.protocol(), QStringLiteral("IPv4"));
        QCOMPARE(p.source(), QStringLiteral("192.168.1.10"));
        QCOMPARE(p.destination(), QStringLiteral("10.0.0.1"));
        QCOMPARE(p.info(), QStringLiteral("Unknown (253)"));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
        // ip.addr is for filters only: not in the visible tree.
        QVERIFY(!p.hasText(QStringLiteral("Source or Destination Address")));
    }

    void ethernetPaddingIsNotPayload()
    {
        // A 60-byte Ethernet frame: the IPv4 total length (24) decides where the payload ends.
        std::vector<uint8_t> b = eth(kBasic);
        b.resize(60, 0);
        Dissected p(b, 1);
        QCOMPARE(p.value("data.data"), QStringLiteral("deadbeef"));
        QCOMPARE(p.value("data.len"), QStringLiteral("4"));
    }

    void summaryModeMatchesColumns()
    {
        const std::vector<uint8_t> b = eth(kBasic);
        pl::Frame f;
        f.data = b.data();
        f.capLen = f.wireLen = uint32_t(b.size());
        f.linkType = 1;
        f.number = 1;
        pl::Dissection d(pl::Dissection::Mode::Summary);
        d.dissect(f, nullptr);
        QCOMPARE(QString::fromStdString(d.infoColumn()), QStringLiteral("Unknown (253)"));
        QCOMPARE(QString::fromStdString(d.source().toString()), QStringLiteral("192.168.1.10"));
        QCOMPARE(d.flags(), uint8_t(0));
        QCOMPARE(d.net.version, uint8_t(4));
    }

    void badChecksum()
    {
        // udp-length-heapoverflow.pcap: header bytes all 0x30, checksum 0x3030 (should be
        // 0x699d), total length 12336 on a 262144-byte wire frame.
        const std::vector<uint8_t> b =
            hex("30 30 30 30 30 30 30 30 30 30 30 30 08 00 45 30 30 30 30 30 00 00 30 11 30 30"
                "30 30 30 30 30 30 30 30 30 30 30 30");
        Dissected p(b, 1, 262144);
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("0"));
        QCOMPARE(p.value("ip.checksum_calculated"), QStringLiteral("0x699d"));
        QCOMPARE(p.label("ip.checksum"),
                 QStringLiteral("Header Checksum: 0x3030 incorrect, should be 0x699d(may be "
                                "caused by \"IP checksum offload\"?)"));
        QVERIFY(p.hasText(QStringLiteral("Bad checksum [should be 0x699d]")));
        QVERIFY(p.badChecksum());
        QCOMPARE(p.value("ip.len"), QStringLiteral("12336"));
        QCOMPARE(p.label("ip.dsfield"),
                 QStringLiteral("Differentiated Services Field: 0x30 (DSCP: AF12, ECN: Not-ECT)"));
        // The wire frame holds the whole datagram: no "exceeds packet length" note.
        QVERIFY(!p.hasText(QStringLiteral("exceeds packet length")));
        QCOMPARE(p.source(), QStringLiteral("48.48.48.48"));
    }

    void checksumsNotVerifiedWhenTurnedOff()
    {
        // The CLI's summary lines turn verification off: the bad header checksum above is
        // then Unverified (tshark's default) and the frame carries no bad-checksum mark,
        // while the columns stay exactly what they were.
        const std::vector<uint8_t> b =
            hex("30 30 30 30 30 30 30 30 30 30 30 30 08 00 45 30 30 30 30 30 00 00 30 11 30 30"
                "30 30 30 30 30 30 30 30 30 30 30 30");
        pl::Preferences off;
        off.verifyChecksums = false;
        Dissected verified(b, 1, 262144);
        Dissected p(b, 1, 262144, nullptr, off);
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("2"));
        QCOMPARE(p.value("ip.checksum_calculated"), QStringLiteral("<absent>"));
        QVERIFY(!p.badChecksum());
        QVERIFY(verified.badChecksum());
        QCOMPARE(p.info(), verified.info());
        QCOMPARE(p.protocol(), verified.protocol());
        Dissected summary(b, 1, 262144, nullptr, off, pl::Dissection::Mode::Summary);
        QCOMPARE(summary.info(), verified.info());
        QVERIFY(!summary.badChecksum());
    }

    void headerCutByCaptureIsUnverified()
    {
        // IHL 7 with 8 option bytes; the capture stops inside the options.
        std::vector<uint8_t> b = eth("47 00 00 20 12 34 00 00 40 fd 2e 9e 0a 00 00 01 0a 00 00 02"
                                     " 01 01 1e 06 01 02 03 04 de ad be ef");
        b.resize(14 + 22);
        Dissected p(b, 1, 14 + 32);
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("2"));
        QCOMPARE(p.label("ip.checksum"), QStringLiteral("Header Checksum: 0x2e9e [unverified]"));
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QVERIFY(!p.badChecksum());
    }

    void bogusHeaderLength()
    {
        // ipv4_invalid_hdr_length.pcap: IHL 4.
        Dissected p(hex("c0 d6 82 36 03 2b f0 4d a2 3d 5d a3 08 00 44 00 00 54 f1 a6 00 00 40 11"
                        "45 94 8c d3 09 ce 2d 21 7f 9c 98 b7 00 35 00 40 6e"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Bogus IP header length (16, must be at least 20)"));
        QCOMPARE(p.protocol(), QStringLiteral("IPv4"));
        QCOMPARE(p.label("ip.hdr_len"), QStringLiteral(".... 0100 = Header Length: 16 bytes (4)"));
        QCOMPARE(p.label("ip"), QStringLiteral("Internet Protocol Version 4"));
        QVERIFY(p.hasText(QStringLiteral("Bogus IP header length (16, must be at least 20)")));
        QVERIFY(p.malformed());
        // Nothing past the bogus field: the columns keep the link layer's addresses.
        QCOMPARE(p.value("ip.src"), QStringLiteral("<absent>"));
        QCOMPARE(p.source(), QStringLiteral("f0:4d:a2:3d:5d:a3"));
    }

    void bogusTotalLength()
    {
        Dissected p(eth("45 00 00 0c 12 34 00 00 40 fd 53 bf 0a 00 00 01 0a 00 00 02 de ad be ef"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Bogus IP length (12, less than header length 20)"));
        QCOMPARE(p.label("ip.len"),
                 QStringLiteral("Total Length: 12 bytes (bogus, less than header length 20)"));
        QVERIFY(p.hasText(QStringLiteral("Bogus IP length")));
        QVERIFY(p.malformed());
        QCOMPARE(p.value("data.data"), QStringLiteral("<absent>"));
    }

    void totalLengthBeyondPacket()
    {
        // Total length 60 in a 24-byte datagram: noted, and what is there is dissected.
        Dissected p(eth("45 00 00 3c 12 34 00 00 40 fd 53 8f 0a 00 00 01 0a 00 00 02 de ad be ef"),
                    1);
        QVERIFY(p.hasText(QStringLiteral("IPv4 total length exceeds packet length (24 bytes)")));
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("data.data"), QStringLiteral("deadbeef"));
        QCOMPARE(p.info(), QStringLiteral("Unknown (253)"));
    }

    void zeroTotalLengthFromSegmentationOffload()
    {
        Dissected p(eth("45 00 00 00 12 34 00 00 40 fd 53 cb 0a 00 00 01 0a 00 00 02 de ad be ef"),
                    1);
        QCOMPARE(p.value("ip.len"), QStringLiteral("24"));
        QCOMPARE(p.label("ip.len"),
                 QStringLiteral("[Total Length: 24 bytes (reported as 0, presumed to be because "
                                "of \"TCP segmentation offload\" (TSO))]"));
        QCOMPARE(p.value("data.data"), QStringLiteral("deadbeef"));
        QVERIFY(!p.malformed());
    }

    void bogusVersion()
    {
        Dissected p(eth("55 00 00 18 12 34 00 00 40 fd 43 b3 0a 00 00 01 0a 00 00 02 de ad be ef"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Bogus IPv4 version (5, must be 4)"));
        QCOMPARE(p.label("ip.version"), QStringLiteral("0101 .... = Version: 5"));
        QVERIFY(p.malformed());
        QCOMPARE(p.value("ip.src"), QStringLiteral("<absent>"));
    }

    void truncatedFixedHeader()
    {
        std::vector<uint8_t> b = eth(kBasic);
        b.resize(14 + 10);
        Dissected p(b, 1, 14 + 24);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: IPv4 truncated]")));
    }

    void fragmentsAreNotDissected()
    {
        // A middle fragment of a UDP datagram (MF set, offset 185 units = 1480 bytes).
        Dissected mid(eth("45 00 00 1c 1e a0 20 b9 40 11 27 76 0a 00 00 01 0a 00 00 02"
                          " de ad be ef de ad be ef"),
                      1);
        QCOMPARE(mid.info(),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=1480, ID=1ea0)"));
        QCOMPARE(mid.protocol(), QStringLiteral("IPv4"));
        QCOMPARE(mid.value("ip.frag_offset"), QStringLiteral("185"));
        QCOMPARE(mid.label("ip.frag_offset"),
                 QStringLiteral("...0 0000 1011 1001 = Fragment Offset: 1480"));
        QCOMPARE(mid.label("ip.flags"), QStringLiteral("001. .... = Flags: 0x1, More fragments"));
        QCOMPARE(mid.value("ip.flags.mf"), QStringLiteral("1"));
        QCOMPARE(mid.value("data.data"), QStringLiteral("deadbeefdeadbeef"));
        QCOMPARE(mid.value("udp.srcport"), QStringLiteral("<absent>"));

        // The last fragment (MF clear, offset 2960) is not a UDP header either.
        Dissected last(eth("45 00 00 1c 1e a0 01 72 40 11 46 bd 0a 00 00 01 0a 00 00 02"
                           " de ad be ef de ad be ef"),
                       1);
        QCOMPARE(last.info(),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=2960, ID=1ea0)"));
        QCOMPARE(last.value("data.len"), QStringLiteral("8"));
        QVERIFY(!last.malformed());
    }

    void fragmentsJoinInOneSession()
    {
        // The two fragments of a UDP datagram (8-byte header + 8 bytes) in one Session: the
        // second completes it, dissects UDP over `Reassembled IPv4 (16 bytes)` and lists both.
        const std::vector<uint8_t> first = eth("45 00 00 1c 00 07 20 00 40 11 00 00 0a 00 00 01"
                                               " 0a 00 00 02 04 d2 27 0f 00 10 00 00"),
                                   second = eth("45 00 00 1c 00 07 00 01 40 11 00 00 0a 00 00 01"
                                                " 0a 00 00 02 de ad be ef de ad be ef");
        pl::Session session;
        pl::Dissection d(pl::Dissection::Mode::Tree);
        pl::Frame f;
        f.linkType = 1;
        for (uint64_t n : {1, 2}) {
            const std::vector<uint8_t> &b = n == 1 ? first : second;
            f.data = b.data();
            f.capLen = f.wireLen = uint32_t(b.size());
            f.number = n;
            d.dissect(f, &session);
        }
        QCOMPARE(std::string(d.protocolColumn()), std::string("UDP"));
        QCOMPARE(d.infoColumn(), std::string("1234 → 9999 Len=8"));
        QCOMPARE(d.sourceName(1), std::string("Reassembled IPv4 (16 bytes)"));
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(d.sourceBytes(1).data()), 16).toHex(),
                 QByteArray("04d2270f00100000deadbeefdeadbeef"));
        std::string labels;
        const pl::FieldTree &t = d.fieldTree();
        for (size_t i = 1; i < t.size(); ++i)
            if (t.node(int32_t(i)).source == 1 && t.node(int32_t(i)).parent >= 0)
                labels += pl::fieldformat::label(pl::Registry::instance(), t, int32_t(i),
                                                 d.nodeData(t.node(int32_t(i)))) +
                          "\n";
        QVERIFY2(labels.find("[2 IPv4 Fragments (16 bytes): #1(8), #2(8)]\n"
                             "[Frame: 1, payload: 0-7 (8 bytes)]\n"
                             "[Frame: 2, payload: 8-15 (8 bytes)]\n"
                             "[Fragment count: 2]\n"
                             "[Reassembled IPv4 length: 16]\n") == 0,
                 labels.c_str());

        // ip.defragment off (tshark -o ip.defragment:FALSE): each stays a fragment.
        pl::Preferences off;
        off.ipDefragment = false;
        pl::Session s2;
        Dissected a(first, 1, 0, &s2, off);
        QCOMPARE(a.info(), QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=0, ID=0007)"));
        QCOMPARE(a.d.sourceCount(), size_t(1));
    }

    void ipInIp()
    {
        Dissected p(eth("45 00 00 2c 12 34 00 00 40 04 54 98 0a 00 00 01 0a 00 00 02"
                        " 45 00 00 18 12 34 00 00 40 fd 61 b0 01 01 01 01 02 02 02 02 de ad be ef"),
                    1);
        QCOMPARE(p.value("ip.src", 0), QStringLiteral("10.0.0.1"));
        QCOMPARE(p.value("ip.src", 1), QStringLiteral("1.1.1.1"));
        QCOMPARE(p.label("ip.proto"), QStringLiteral("Protocol: IPIP (4)"));
        QCOMPARE(p.source(), QStringLiteral("1.1.1.1"));
        QCOMPARE(p.destination(), QStringLiteral("2.2.2.2"));
        QCOMPARE(p.info(), QStringLiteral("Unknown (253)"));
        QCOMPARE(p.range("data.data"), QStringLiteral("54+4"));
    }

    void recordRoute()
    {
        Dissected p(eth("48 00 00 24 12 34 00 00 40 fd 3f 91 0a 00 00 01 0a 00 00 02"
                        " 07 0b 08 0a 01 01 01 00 00 00 00 00 de ad be ef"),
                    1);
        QCOMPARE(p.value("ip.hdr_len"), QStringLiteral("32"));
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("1"));
        QVERIFY(p.hasText(QStringLiteral("Options: (12 bytes), Record Route")));
        QVERIFY(p.hasText(QStringLiteral("IP Option - Record Route (11 bytes)")));
        QCOMPARE(p.value("ip.opt.type", 0), QStringLiteral("7"));
        QCOMPARE(p.value("ip.opt.type", 1), QStringLiteral("0"));
        QCOMPARE(p.label("ip.opt.type.copy"),
                 QStringLiteral("0... .... = Copy on fragmentation: No"));
        QCOMPARE(p.label("ip.opt.type.class"), QStringLiteral(".00. .... = Class: Control (0)"));
        QCOMPARE(p.label("ip.opt.type.number"),
                 QStringLiteral("...0 0111 = Number: Record route (7)"));
        QCOMPARE(p.value("ip.opt.len"), QStringLiteral("11"));
        QCOMPARE(p.value("ip.opt.ptr"), QStringLiteral("8"));
        QCOMPARE(p.value("ip.rec_rt"), QStringLiteral("10.1.1.1"));
        QCOMPARE(p.range("ip.rec_rt"), QStringLiteral("37+4"));
        QCOMPARE(p.label("ip.empty_rt"), QStringLiteral("Empty Route: 0.0.0.0 <- (next)"));
        QVERIFY(p.hasText(QStringLiteral("IP Option - End of Options List (EOL)")));
        QCOMPARE(p.value("data.data"), QStringLiteral("deadbeef"));
        QVERIFY(!p.malformed());
    }

    void timestampVariants()
    {
        Dissected only(eth("48 00 00 24 12 34 00 00 40 fd f3 e2 0a 00 00 01 0a 00 00 02"
                           " 44 0c 0d 00 00 00 03 e8 00 00 07 d0 de ad be ef"),
                       1);
        QVERIFY(only.hasText(QStringLiteral("Options: (12 bytes), Time Stamp")));
        QCOMPARE(only.value("ip.opt.flag"), QStringLiteral("0x00"));
        QCOMPARE(only.label("ip.opt.flag"),
                 QStringLiteral(".... 0000 = Flag: Time stamps only (0x0)"));
        QCOMPARE(only.label("ip.opt.overflow"), QStringLiteral("0000 .... = Overflow: 0"));
        QCOMPARE(only.value("ip.opt.time_stamp", 0), QStringLiteral("1000"));
        QCOMPARE(only.value("ip.opt.time_stamp", 1), QStringLiteral("2000"));
        QCOMPARE(only.value("ip.opt.time_stamp_addr"), QStringLiteral("<absent>"));

        Dissected addr(eth("4a 00 00 2c 12 34 00 00 40 fd e6 6e 0a 00 00 01 0a 00 00 02"
                           " 44 14 0d 11 0a 01 01 01 00 00 00 05 0a 02 02 02 00 00 00 00"
                           " de ad be ef"),
                       1);
        QCOMPARE(addr.value("ip.opt.overflow"), QStringLiteral("1"));
        QCOMPARE(addr.label("ip.opt.flag"),
                 QStringLiteral(".... 0001 = Flag: Time stamp and address (0x1)"));
        QCOMPARE(addr.value("ip.opt.time_stamp_addr", 1), QStringLiteral("10.2.2.2"));
        QCOMPARE(addr.value("ip.opt.time_stamp", 0), QStringLiteral("5"));
        QCOMPARE(addr.range("ip.opt.time_stamp_addr"), QStringLiteral("38+4"));

        Dissected pre(eth("48 00 00 24 12 34 00 00 40 fd f4 85 0a 00 00 01 0a 00 00 02"
                          " 44 0c 05 03 0a 09 09 09 00 00 00 00 de ad be ef"),
                      1);
        QCOMPARE(pre.label("ip.opt.flag"),
                 QStringLiteral(".... 0011 = Flag: Time stamps for prespecified addresses (0x3)"));
        QCOMPARE(pre.value("ip.opt.time_stamp_addr"), QStringLiteral("10.9.9.9"));
        QVERIFY(!only.malformed() && !addr.malformed() && !pre.malformed());
    }

    void routerAlertSecurityStreamId()
    {
        Dissected ra(eth("46 00 00 1c 12 34 00 00 40 fd be aa 0a 00 00 01 0a 00 00 02"
                         " 94 04 00 00 de ad be ef"),
                     1);
        QVERIFY(ra.hasText(QStringLiteral("Options: (4 bytes), Router Alert")));
        QVERIFY(ra.hasText(
            QStringLiteral("IP Option - Router Alert (4 bytes): Router shall examine packet (0)")));
        QCOMPARE(ra.value("ip.opt.ra"), QStringLiteral("0"));
        QCOMPARE(ra.label("ip.opt.ra"),
                 QStringLiteral("Router Alert: Router shall examine packet (0)"));
        QCOMPARE(ra.label("ip.opt.type.copy"),
                 QStringLiteral("1... .... = Copy on fragmentation: Yes"));

        Dissected sec(eth("48 00 00 24 12 34 00 00 40 fd dd 65 0a 00 00 01 0a 00 00 02"
                          " 82 0b f1 35 00 00 00 00 00 00 00 00 de ad be ef"),
                      1);
        QCOMPARE(sec.value("ip.opt.sec_rfc791_sec"), QStringLiteral("0xf135"));
        QCOMPARE(sec.label("ip.opt.sec_rfc791_sec"),
                 QStringLiteral("Security: Confidential (0xf135)"));
        QCOMPARE(sec.value("ip.opt.sec_rfc791_comp"), QStringLiteral("0"));
        QCOMPARE(sec.range("ip.opt.sec_rfc791_tcc"), QStringLiteral("42+3"));

        Dissected sec1108(eth("46 00 00 1c 12 34 00 00 40 fd 25 2a 0a 00 00 01 0a 00 00 02"
                              " 82 04 ab 80 de ad be ef"),
                          1);
        QCOMPARE(sec1108.label("ip.opt.sec_cl"),
                 QStringLiteral("Classification Level: Unclassified (0xab)"));
        QCOMPARE(sec1108.label("ip.opt.sec_prot_auth_flags"),
                 QStringLiteral("Protection Authority Flags: 0x80, GENSER"));
        QCOMPARE(sec1108.value("ip.opt.sec_prot_auth_genser"), QStringLiteral("1"));

        Dissected sid(eth("46 00 00 1c 12 34 00 00 40 fd b8 76 0a 00 00 01 0a 00 00 02"
                          " 88 04 12 34 de ad be ef"),
                      1);
        QVERIFY(sid.hasText(QStringLiteral("IP Option - Stream ID (4 bytes)")));
        QCOMPARE(sid.label("ip.opt.sid"), QStringLiteral("Stream Identifier: 4660"));
        QVERIFY(!ra.malformed() && !sec.malformed() && !sec1108.malformed() && !sid.malformed());
    }

    void sourceRouteNamesTheFinalDestination()
    {
        // LSRR, pointer 4: 10.1.1.1 next, 10.2.2.2 the final destination; the header's
        // destination 10.0.0.2 is only the current hop.
        Dissected p(eth("48 00 00 24 12 34 00 00 40 fd c3 83 0a 00 00 01 0a 00 00 02"
                        " 83 0b 04 0a 01 01 01 0a 02 02 02 01 de ad be ef"),
                    1);
        QCOMPARE(p.value("ip.dst"), QStringLiteral("10.2.2.2"));
        QCOMPARE(p.range("ip.dst"), QStringLiteral("41+4"));
        QCOMPARE(p.value("ip.cur_rt"), QStringLiteral("10.0.0.2"));
        QCOMPARE(p.range("ip.cur_rt"), QStringLiteral("30+4"));
        QCOMPARE(p.value("ip.addr", 1), QStringLiteral("10.2.2.2"));
        QCOMPARE(p.label("ip.src_rt"), QStringLiteral("Source Route: 10.1.1.1 <- (next)"));
        QCOMPARE(p.label("ip"), QStringLiteral("Internet Protocol Version 4, Src: 10.0.0.1, Dst: "
                                               "10.2.2.2, Via: 10.0.0.2"));
        QCOMPARE(p.destination(), QStringLiteral("10.2.2.2"));
        QVERIFY(p.hasText(QStringLiteral("Options: (12 bytes), Loose Source Route")));
        QVERIFY(p.hasText(QStringLiteral("IP Option - No-Operation (NOP)")));
        QCOMPARE(p.d.net.dst[3], uint8_t(2));
        QCOMPARE(p.d.net.dst[0], uint8_t(10));
        QCOMPARE(p.d.net.dst[1], uint8_t(2));

        // SSRR already completed (pointer past the last address): both are recorded hops and
        // the header's destination is the destination.
        Dissected done(eth("48 00 00 24 12 34 00 00 40 fd b5 84 0a 00 00 01 0a 00 00 02"
                           " 89 0b 0c 0a 01 01 01 0a 02 02 02 00 de ad be ef"),
                       1);
        QCOMPARE(done.value("ip.dst"), QStringLiteral("10.0.0.2"));
        QCOMPARE(done.value("ip.rec_rt", 1), QStringLiteral("10.2.2.2"));
        QCOMPARE(done.value("ip.cur_rt"), QStringLiteral("<absent>"));
        QVERIFY(done.hasText(QStringLiteral("IP Option - Strict Source Route (11 bytes)")));
    }

    void unknownOptionAndNops()
    {
        Dissected p(eth("47 00 00 20 12 34 00 00 40 fd 2e 9e 0a 00 00 01 0a 00 00 02"
                        " 01 01 1e 06 01 02 03 04 de ad be ef"),
                    1);
        QVERIFY(p.hasText(QStringLiteral("    Options: (8 bytes)\n")));
        QVERIFY(p.hasText(QStringLiteral("Unknown (0x1e) (6 bytes)")));
        QVERIFY(p.hasText(QStringLiteral("Data: 01020304")));
        // Only the two NOPs are typed fields, as in tshark.
        QCOMPARE(p.nodes("ip.opt.type").size(), size_t(2));
        QVERIFY(!p.malformed());

        Dissected nops(eth("46 00 00 1c 12 34 00 00 40 fd 50 ad 0a 00 00 01 0a 00 00 02"
                           " 01 01 01 01 de ad be ef"),
                       1);
        QVERIFY(nops.hasText(
            QStringLiteral("4 NOP in a row - a router may have removed some options")));
        QCOMPARE(nops.nodes("ip.opt.type").size(), size_t(4));
    }

    void optionLengthsThatLie_data()
    {
        QTest::addColumn<QString>("ipHex");
        QTest::addColumn<QString>("message");
        QTest::newRow("length 0") << QStringLiteral("46 00 00 1c 12 34 00 00 40 fd 51 a8 0a 00 00 "
                                                    "01 0a 00 00 02 01 07 00 00 de ad be ef")
                                  << QStringLiteral(
                                         "Record Route (with too-short option length = 0 bytes)");
        QTest::newRow("length 1") << QStringLiteral("46 00 00 1c 12 34 00 00 40 fd 50 a8 0a 00 00 "
                                                    "01 0a 00 00 02 01 07 01 00 de ad be ef")
                                  << QStringLiteral(
                                         "Record Route (with too-short option length = 1 byte)");
        QTest::newRow("past header")
            << QStringLiteral("47 00 00 20 12 34 00 00 40 fd 28 a0 0a 00 00 01 0a 00 00 02 01 07 "
                              "28 04 00 00 00 00 de ad be ef")
            << QStringLiteral(
                   "Record Route (option length = 40 bytes says option goes past end of options)");
        // The length byte itself would be the first payload byte; here there is no payload
        // at all, so reading it would run off the frame.
        QTest::newRow("length byte past header")
            << QStringLiteral(
                   "46 00 00 18 12 34 00 00 40 fd 50 1e 0a 00 00 01 0a 00 00 02 01 01 01 94")
            << QStringLiteral("Router Alert (length byte past end of options)");
        QTest::newRow("shorter than minimum")
            << QStringLiteral("46 00 00 1c 12 34 00 00 40 fd 4b ad 0a 00 00 01 0a 00 00 02 07 02 "
                              "00 00 de ad be ef")
            << QStringLiteral("Record Route (with option length = 2 bytes; should be >= 3)");
    }

    void optionLengthsThatLie()
    {
        QFETCH(QString, ipHex);
        QFETCH(QString, message);
        Dissected p(eth(ipHex.toLatin1().constData()), 1);
        QVERIFY2(p.hasText(message), qPrintable(p.dump()));
        QVERIFY(p.malformed());
        // The walk stays inside the header: no bounds error, the payload is still dissected.
        QVERIFY(!p.truncated());
        QVERIFY(!p.hasText(QStringLiteral("[Malformed Packet")));
        QCOMPARE(p.value("ip.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.info(), QStringLiteral("Unknown (253)"));
    }

    void routerAlertWrongLength()
    {
        Dissected p(eth("47 00 00 20 12 34 00 00 40 fd bd a2 0a 00 00 01 0a 00 00 02"
                        " 94 08 00 00 00 00 00 00 de ad be ef"),
                    1);
        QVERIFY(
            p.hasText(QStringLiteral("Router Alert (with option length = 8 bytes; should be 4)")));
        QVERIFY(p.hasText(QStringLiteral("IP Option - Router Alert (4 bytes)")));
        QCOMPARE(p.value("ip.opt.len"), QStringLiteral("8"));
        QVERIFY(p.malformed());
    }
};

QTEST_APPLESS_MAIN(TestIPv4)
#include "tst_ipv4.moc"
