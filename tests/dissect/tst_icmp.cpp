#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

std::vector<uint8_t> eth(const char *ipHex)
{
    std::vector<uint8_t> b = hex("02 00 00 00 00 02 | 02 00 00 00 00 01 | 08 00");
    const std::vector<uint8_t> ip = hex(ipHex);
    b.insert(b.end(), ip.begin(), ip.end());
    return b;
}

// IcmpPackets.pcap frames 9 and 10: ping 8.8.8.8 and its reply, 48 bytes of data.
constexpr const char *kEchoRequest =
    "02 1a 11 f0 c8 3b 60 33 4b 13 c5 58 08 00 45 00 00 54 26 ef 00 00 40 01 57 f9 c0 a8 2b 09"
    "08 08 08 08 08 00 bb b3 d7 3b 00 00 51 a7 d6 7d 00 04 51 e4 08 09 0a 0b 0c 0d 0e 0f 10 11"
    "12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f"
    "30 31 32 33 34 35 36 37";
constexpr const char *kEchoReply =
    "60 33 4b 13 c5 58 02 1a 11 f0 c8 3b 08 00 45 00 00 54 00 00 00 00 28 01 96 e8 08 08 08 08"
    "c0 a8 2b 09 00 00 c3 b3 d7 3b 00 00 51 a7 d6 7d 00 04 51 e4 08 09 0a 0b 0c 0d 0e 0f 10 11"
    "12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f"
    "30 31 32 33 34 35 36 37";

// A 28-byte quote (IPv4 header + 8 bytes) of a datagram to 8.8.8.8 whose total length is 60:
// the quoted header claims more than is quoted, as every real ICMP error's does. Protocol 253
// keeps the test independent of the transport dissectors.
#define QUOTED "45 00 00 3c 12 34 00 00 01 fd d4 cf c0 a8 01 0a 08 08 08 08 de ad be ef de ad be ef"

} // namespace

class TestIcmp : public QObject
{
    Q_OBJECT
private slots:
    void echoRequestAndReply()
    {
        pl::Session session;
        std::vector<uint8_t> reqBytes = hex(kEchoRequest);
        std::vector<uint8_t> repBytes = hex(kEchoReply);
        pl::Frame req;
        req.data = reqBytes.data();
        req.capLen = req.wireLen = uint32_t(reqBytes.size());
        req.linkType = 1;
        req.tsSec = 1370000000;
        req.number = 9;
        pl::Frame rep = req;
        rep.data = repBytes.data();
        rep.capLen = rep.wireLen = uint32_t(repBytes.size());
        rep.tsNsec = 492204000;
        rep.number = 10;

        Dissected r(reqBytes, 1, 0, &session);
        // Dissected numbers its frame 1; redo both with real numbers in one session.
        pl::Dissection d(pl::Dissection::Mode::Tree);
        d.dissect(req, &session);
        QCOMPARE(QString::fromStdString(d.infoColumn()),
                 QStringLiteral("Echo (ping) request  id=0xd73b, seq=0/0, ttl=64"));
        QCOMPARE(QString::fromStdString(std::string(d.protocolColumn())), QStringLiteral("ICMP"));
        d.dissect(rep, &session);
        QCOMPARE(QString::fromStdString(d.infoColumn()),
                 QStringLiteral("Echo (ping) reply    id=0xd73b, seq=0/0, ttl=40 (request in 9)"));

        QCOMPARE(r.value("icmp.type"), QStringLiteral("8"));
        QCOMPARE(r.label("icmp.type"), QStringLiteral("Type: 8 (Echo (ping) request)"));
        QCOMPARE(r.label("icmp.code"), QStringLiteral("Code: 0"));
        QCOMPARE(r.value("icmp.checksum"), QStringLiteral("0xbbb3"));
        QCOMPARE(r.label("icmp.checksum"), QStringLiteral("Checksum: 0xbbb3 [correct]"));
        QCOMPARE(r.value("icmp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(r.label("icmp.checksum.status"), QStringLiteral("[Checksum Status: Good]"));
        QCOMPARE(r.value("icmp.ident"), QStringLiteral("55099"));
        QCOMPARE(r.value("icmp.ident_le"), QStringLiteral("15319"));
        QCOMPARE(r.label("icmp.ident"), QStringLiteral("Identifier (BE): 55099 (0xd73b)"));
        QCOMPARE(r.label("icmp.ident_le"), QStringLiteral("Identifier (LE): 15319 (0x3bd7)"));
        QCOMPARE(r.value("icmp.seq"), QStringLiteral("0"));
        QCOMPARE(r.value("icmp.seq_le"), QStringLiteral("0"));
        QCOMPARE(r.range("icmp"), QStringLiteral("34+64"));
        QCOMPARE(r.range("icmp.ident_le"), QStringLiteral("38+2"));
        QCOMPARE(r.range("icmp.seq"), QStringLiteral("40+2"));
        QCOMPARE(r.range("data.data"), QStringLiteral("42+56"));
        QVERIFY(r.hasText(QStringLiteral("    Data (56 bytes)\n")));
        QCOMPARE(r.source(), QStringLiteral("192.168.43.9"));
        QVERIFY(!r.malformed() && !r.truncated() && !r.badChecksum());

        // The reply, in tree form, points back at its request.
        Dissected again(repBytes, 1, 0, &session);
        QCOMPARE(again.value("icmp.type"), QStringLiteral("0"));
        QCOMPARE(again.label("icmp.type"), QStringLiteral("Type: 0 (Echo (ping) reply)"));
    }

    void replyWithoutRequest()
    {
        Dissected p(hex(kEchoReply), 1);
        QCOMPARE(p.info(), QStringLiteral("Echo (ping) reply    id=0xd73b, seq=0/0, ttl=40"));
        QCOMPARE(p.value("icmp.resp_to"), QStringLiteral("<absent>"));
    }

    void unreachableQuotesTheDatagram()
    {
        // IcmpPackets.pcap frame 12: host unreachable quoting a whole echo request.
        Dissected p(hex("00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 c0 00 70 ce 30 00 00 40 01"
                        "97 8f 0a 00 00 07 0a 00 00 07 03 01 fc fe 00 00 00 00 45 00 00 54 27 db"
                        "40 00 40 01 fe 58 0a 00 00 07 0a 00 00 6f 08 00 25 e5 0c 75 00 04 41 3e"
                        "9f 56 f2 09 08 00 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19"
                        "1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31"
                        "32 33 34 35 36 37"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Destination unreachable (Host unreachable)"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(p.source(), QStringLiteral("10.0.0.7"));
        QCOMPARE(p.destination(), QStringLiteral("10.0.0.7"));
        QCOMPARE(p.label("icmp.code"), QStringLiteral("Code: 1 (Host unreachable)"));
        QCOMPARE(p.value("icmp.unused"), QStringLiteral("00000000"));
        QCOMPARE(p.value("icmp.checksum.status", 0), QStringLiteral("1"));

        // Outer and inner headers both in the tree, as tshark -T fields prints them.
        QCOMPARE(p.value("ip.src", 0), QStringLiteral("10.0.0.7"));
        QCOMPARE(p.value("ip.src", 1), QStringLiteral("10.0.0.7"));
        QCOMPARE(p.value("ip.dst", 1), QStringLiteral("10.0.0.111"));
        QCOMPARE(p.value("icmp.type", 1), QStringLiteral("8"));
        QCOMPARE(p.value("icmp.seq", 0), QStringLiteral("4"));
        QCOMPARE(p.value("icmp.checksum.status", 1), QStringLiteral("2"));
        QVERIFY(p.hasText(
            QStringLiteral("        Checksum: 0x25e5 [unverified] [in ICMP error packet]\n")));
        // The quoted IPv4 sits under the ICMP item.
        QVERIFY(p.hasText(
            QStringLiteral("    Internet Protocol Version 4, Src: 10.0.0.7, Dst: 10.0.0.111\n")));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void fragmentationNeededWithShortQuote()
    {
        Dissected p(eth("45 00 00 38 12 34 00 00 fe 01 d5 cc 0a 09 09 09 c0 a8 01 0a"
                        " 03 04 bc 48 00 00 05 78 " QUOTED),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Destination unreachable (Fragmentation needed)"));
        QCOMPARE(p.value("icmp.unused"), QStringLiteral("0000"));
        QCOMPARE(p.value("icmp.mtu"), QStringLiteral("1400"));
        QCOMPARE(p.range("icmp.mtu"), QStringLiteral("40+2"));
        QCOMPARE(p.label("icmp.mtu"), QStringLiteral("MTU of next hop: 1400"));
        QCOMPARE(p.value("ip.len", 1), QStringLiteral("60"));
        QCOMPARE(p.value("ip.ttl", 1), QStringLiteral("1"));
        // The quote is cut where RFC 792 says: no marks, no "exceeds" note, outer columns.
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
        QVERIFY(!p.hasText(QStringLiteral("exceeds packet length")));
        QCOMPARE(p.source(), QStringLiteral("10.9.9.9"));
        QCOMPARE(p.destination(), QStringLiteral("192.168.1.10"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
        QCOMPARE(p.d.net.src[0], uint8_t(10)); // restored after the quote
    }

    void otherErrors_data()
    {
        QTest::addColumn<QString>("ipHex");
        QTest::addColumn<QString>("info");
        QTest::newRow("source quench")
            << QStringLiteral("45 00 00 38 12 34 00 00 40 01 54 8f 0a 00 00 01 0a 00 00 02 04 00 "
                              "c0 c4 00 00 00 00 " QUOTED)
            << QStringLiteral("Source quench (flow control)");
        QTest::newRow("parameter problem")
            << QStringLiteral("45 00 00 38 12 34 00 00 40 01 54 8f 0a 00 00 01 0a 00 00 02 0c 00 "
                              "a4 c4 14 00 00 00 " QUOTED)
            << QStringLiteral("Parameter problem    (Pointer indicates the error)");
        QTest::newRow("time exceeded")
            << QStringLiteral("45 00 00 38 12 34 00 00 40 01 54 8f 0a 00 00 01 0a 00 00 02 0b 01 "
                              "b9 c3 00 00 00 00 " QUOTED)
            << QStringLiteral("Time-to-live exceeded (Fragment reassembly time exceeded)");
        QTest::newRow("unknown code")
            << QStringLiteral("45 00 00 38 12 34 00 00 40 01 54 8f 0a 00 00 01 0a 00 00 02 03 63 "
                              "c1 61 00 00 00 00 " QUOTED)
            << QStringLiteral("Destination unreachable (Unknown code: 99)");
    }

    void otherErrors()
    {
        QFETCH(QString, ipHex);
        QFETCH(QString, info);
        Dissected p(eth(ipHex.toLatin1().constData()), 1);
        QCOMPARE(p.info(), info);
        QCOMPARE(p.value("icmp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("ip.dst", 1), QStringLiteral("8.8.8.8"));
        QCOMPARE(p.source(), QStringLiteral("10.0.0.1"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void parameterProblemPointer()
    {
        Dissected p(eth("45 00 00 38 12 34 00 00 40 01 54 8f 0a 00 00 01 0a 00 00 02 0c 00 a4 c4"
                        " 14 00 00 00 " QUOTED),
                    1);
        QCOMPARE(p.value("icmp.pointer"), QStringLiteral("20"));
        QCOMPARE(p.value("icmp.unused"), QStringLiteral("000000"));
        QCOMPARE(p.range("icmp.unused"), QStringLiteral("39+3"));
    }

    void redirect()
    {
        // IcmpPackets.pcap frame 2: host redirect quoting an echo request.
        Dissected p(hex("00 20 78 e1 5a 80 00 10 7b 81 43 e3 08 00 45 00 00 38 62 3d 00 00 ff 01"
                        "d8 1e 0a 02 63 63 0a 02 0a 02 05 01 38 3e 0a 02 63 62 45 00 00 3c 3a 00"
                        "00 00 1f 01 fc b3 0a 02 0a 02 0a 03 47 07 08 00 1a 5c 02 00 31 00"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Redirect             (Redirect for host)"));
        QCOMPARE(p.value("icmp.redir_gw"), QStringLiteral("10.2.99.98"));
        QCOMPARE(p.label("icmp.redir_gw"), QStringLiteral("Gateway Address: 10.2.99.98"));
        QCOMPARE(p.value("icmp.ident", 0), QStringLiteral("512"));
        QCOMPARE(p.value("icmp.seq_le", 0), QStringLiteral("49"));
        QCOMPARE(p.value("ip.checksum.status", 1), QStringLiteral("1"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void timestampRequest()
    {
        // IcmpPackets.pcap frame 7.
        Dissected p(hex("00 a0 d1 be 97 dd 00 11 2f 36 8c da 08 00 45 00 00 28 8e 00 00 00 80 01"
                        "2a b7 c0 a8 00 66 c0 a8 00 67 0d 00 94 76 39 30 00 00 00 f6 24 63 00 00"
                        "00 00 00 00 00 00"),
                    1);
        QCOMPARE(p.value("icmp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.info(), QStringLiteral("Timestamp request    id=0x3930, seq=0/0, ttl=128"));
        QCOMPARE(p.value("icmp.originate_timestamp"), QStringLiteral("16131171"));
        QCOMPARE(p.label("icmp.originate_timestamp"),
                 QStringLiteral("Originate Timestamp: 16131171 (4 hours, 28 minutes, 51.171 "
                                "seconds after midnight UTC)"));
        QCOMPARE(p.label("icmp.receive_timestamp"),
                 QStringLiteral("Receive Timestamp: 0 (0 seconds after midnight UTC)"));
        QCOMPARE(p.range("icmp.transmit_timestamp"), QStringLiteral("50+4"));
    }

    void addressMaskRequest()
    {
        // IcmpPackets.pcap frame 14 (60 bytes with Ethernet padding).
        Dissected p(hex("30 46 9a 23 fb fa 08 00 27 cb a9 f2 08 00 45 00 00 20 74 1e 00 00 40 01"
                        "dd a4 0a 00 00 06 ad c2 71 52 11 00 38 f3 b0 0c 06 00 00 00 00 00 00 00"
                        "00 00 00 00 00 00 00 00 00 00 00 00"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Address mask request id=0xb00c, seq=1536/6, ttl=64"));
        QCOMPARE(p.value("icmp.address_mask"), QStringLiteral("0.0.0.0"));
        QCOMPARE(p.value("icmp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.range("icmp"), QStringLiteral("34+12"));
    }

    void routerDiscovery()
    {
        Dissected adv(
            eth("45 00 00 2c 12 34 00 00 01 01 bd 9b 0a 00 00 01 e0 00 00 01"
                " 09 00 d9 f6 02 02 07 08 0a 00 00 01 00 00 00 00 0a 00 00 02 ff ff ff fb"),
            1);
        QCOMPARE(adv.info(),
                 QStringLiteral("Mobile IP Advertisement (Normal router advertisement)"));
        QCOMPARE(adv.label("icmp.type"), QStringLiteral("Type: 9 (Mobile IP Advertisement)"));
        QCOMPARE(adv.value("icmp.num_addrs"), QStringLiteral("2"));
        QCOMPARE(adv.value("icmp.addr_entry_size"), QStringLiteral("2"));
        QCOMPARE(adv.label("icmp.lifetime"), QStringLiteral("Lifetime: 1800 (30 minutes)"));
        QCOMPARE(adv.value("icmp.router_address", 1), QStringLiteral("10.0.0.2"));
        QCOMPARE(adv.value("icmp.pref_level", 1), QStringLiteral("-5"));
        QCOMPARE(adv.value("icmp.checksum.status"), QStringLiteral("1"));

        Dissected sol(eth("45 00 00 1c 12 34 00 00 01 01 bd aa 0a 00 00 01 e0 00 00 02"
                          " 0a 00 f5 ff 00 00 00 00"),
                      1);
        QCOMPARE(sol.info(), QStringLiteral("Router solicitation "));
        QCOMPARE(sol.value("icmp.checksum.status"), QStringLiteral("1"));
    }

    void unknownType()
    {
        Dissected p(eth("45 00 00 1f 12 34 00 00 40 01 54 a8 0a 00 00 01 0a 00 00 02"
                        " c8 07 41 78 01 02 03 04 78 79 7a"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("Unknown ICMP (obsolete or malformed?)"));
        QCOMPARE(p.label("icmp.type"),
                 QStringLiteral("Type: 200 (Unknown ICMP (obsolete or malformed?))"));
        QCOMPARE(p.label("icmp.code"), QStringLiteral("Code: 7"));
        QCOMPARE(p.value("icmp.checksum.status"), QStringLiteral("1"));
    }

    void badChecksum()
    {
        Dissected p(eth("45 00 00 28 12 34 00 00 40 01 54 9f 0a 00 00 01 0a 00 00 02"
                        " 08 00 be ef 12 34 00 08 68 65 6c 6c 6f 20 77 6f 72 6c 64 21"),
                    1);
        QCOMPARE(p.value("icmp.checksum.status"), QStringLiteral("0"));
        QCOMPARE(p.label("icmp.checksum"),
                 QStringLiteral("Checksum: 0xbeef incorrect, should be 0x53d4"));
        QVERIFY(p.hasText(QStringLiteral("Bad checksum [should be 0x53d4]")));
        QVERIFY(p.badChecksum());
        QVERIFY(!p.malformed());
        // The Info column does not mention it (tshark's default does not validate).
        QCOMPARE(p.info(), QStringLiteral("Echo (ping) request  id=0x1234, seq=8/2048, ttl=64"));
    }

    void cutByCapture()
    {
        // 4 of the ICMP message's 20 bytes captured: truncated, before any Info text.
        std::vector<uint8_t> b = eth("45 00 00 28 12 34 00 00 40 01 54 9f 0a 00 00 01 0a 00 00 02"
                                     " 08 00 53 d3");
        Dissected p(b, 1, uint32_t(b.size() + 16));
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QVERIFY(!p.info().contains(QStringLiteral("Echo")));
        QVERIFY(p.hasText(QStringLiteral("[Packet size limited during capture: ICMP truncated]")));
        QCOMPARE(p.protocol(), QStringLiteral("ICMP"));
    }

    void cutByIpLength()
    {
        // The frame holds 26 of the 28 bytes the IP header announces: the ICMP header ends
        // inside the sequence number, which is malformed, not a capture cut.
        Dissected p(eth("45 00 00 1c 12 34 00 00 40 01 54 ab 0a 00 00 01 0a 00 00 02 08 00 e5 c2"
                        " 12 34"),
                    1);
        QVERIFY(p.malformed());
        QVERIFY(!p.truncated());
        QVERIFY(p.info().startsWith(QStringLiteral("Echo (ping) request")));
        QCOMPARE(p.value("icmp.ident"), QStringLiteral("4660"));
        QCOMPARE(p.value("icmp.seq"), QStringLiteral("<absent>"));
        QVERIFY(p.hasText(QStringLiteral("IPv4 total length exceeds packet length (26 bytes)")));
    }
};

QTEST_APPLESS_MAIN(TestIcmp)
#include "tst_icmp.moc"
