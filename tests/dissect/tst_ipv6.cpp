#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

// Ethernet header in front of the crafted IPv6 packets (ethertype 0x86dd).
constexpr const char *kEth = "00 11 22 33 44 55 00 66 77 88 99 aa 86 dd";
// fe80::200:0:0:1 -> fe80::200:0:0:2, the addresses of the crafted packets.
constexpr const char *kAddrs = "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 01"
                               "fe 80 00 00 00 00 00 00 02 00 00 00 00 00 00 02";

std::vector<uint8_t> eth(const char *ipv6Header, const char *rest)
{
    return hex((QByteArray(kEth) + ipv6Header + kAddrs + rest).constData());
}

} // namespace

class TestIPv6 : public QObject
{
    Q_OBJECT
private slots:
    void fixedHeaderFields()
    {
        // Traffic class 0xb9 (EF, ECT(1)), flow label 0xabcde, no next header.
        Dissected p(eth("6b 9a bc de 00 00 3b ff", ""), 1);
        QCOMPARE(p.value("ipv6.version"), QStringLiteral("6"));
        QCOMPARE(p.value("ipv6.tclass"), QStringLiteral("0x000000b9"));
        QCOMPARE(p.value("ipv6.tclass.dscp"), QStringLiteral("46"));
        QCOMPARE(p.value("ipv6.tclass.ecn"), QStringLiteral("1"));
        QCOMPARE(p.value("ipv6.flow"), QStringLiteral("0x0abcde"));
        QCOMPARE(p.value("ipv6.plen"), QStringLiteral("0"));
        QCOMPARE(p.value("ipv6.nxt"), QStringLiteral("59"));
        QCOMPARE(p.value("ipv6.hlim"), QStringLiteral("255"));
        QCOMPARE(p.value("ipv6.src"), QStringLiteral("fe80::200:0:0:1"));
        QCOMPARE(p.value("ipv6.dst"), QStringLiteral("fe80::200:0:0:2"));
        QCOMPARE(p.value("ipv6.addr", 0), QStringLiteral("fe80::200:0:0:1"));
        QCOMPARE(p.value("ipv6.addr", 1), QStringLiteral("fe80::200:0:0:2"));
        QCOMPARE(p.range("ipv6.tclass"), QStringLiteral("14+4"));
        QCOMPARE(p.range("ipv6.flow"), QStringLiteral("15+3"));
        QCOMPARE(p.range("ipv6.plen"), QStringLiteral("18+2"));
        QCOMPARE(p.range("ipv6.src"), QStringLiteral("22+16"));
        QCOMPARE(p.range("ipv6.dst"), QStringLiteral("38+16"));
        QCOMPARE(p.range("ipv6"), QStringLiteral("14+40"));
        QCOMPARE(p.label("ipv6.version"), QStringLiteral("0110 .... = Version: 6"));
        QCOMPARE(p.label("ipv6.tclass"),
                 QStringLiteral(".... 1011 1001 .... .... .... .... .... = Traffic Class: 0xb9 "
                                "(DSCP: EF PHB, ECN: ECT(1))"));
        QCOMPARE(p.label("ipv6.tclass.dscp"),
                 QStringLiteral(".... 1011 10.. .... .... .... .... .... = Differentiated "
                                "Services Codepoint: Expedited Forwarding (46)"));
        QCOMPARE(p.label("ipv6.tclass.ecn"),
                 QStringLiteral(".... .... ..01 .... .... .... .... .... = Explicit Congestion "
                                "Notification: ECN-Capable Transport codepoint '01' (1)"));
        QCOMPARE(p.label("ipv6.flow"),
                 QStringLiteral(".... 1010 1011 1100 1101 1110 = Flow Label: 0xabcde"));
        QCOMPARE(p.label("ipv6.nxt"), QStringLiteral("Next Header: IPv6 No Next Header (59)"));
        QVERIFY(p.hasText(QStringLiteral(
            "Internet Protocol Version 6, Src: fe80::200:0:0:1, Dst: fe80::200:0:0:2")));
        QCOMPARE(p.protocol(), QStringLiteral("IPv6"));
        QCOMPARE(p.source(), QStringLiteral("fe80::200:0:0:1"));
        QCOMPARE(p.destination(), QStringLiteral("fe80::200:0:0:2"));
        QCOMPARE(p.info(), QStringLiteral("IPv6 no next header"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void noNextHeaderKeepsBytesAsData()
    {
        Dissected p(eth("60 00 00 00 00 03 3b ff", "01 02 03"), 1);
        QCOMPARE(p.value("data.data"), QStringLiteral("010203"));
        QCOMPARE(p.range("data.data"), QStringLiteral("54+3"));
        QCOMPARE(p.info(), QStringLiteral("IPv6 no next header"));
    }

    void payloadLengthClipsEthernetPadding()
    {
        // plen 3; the Ethernet frame carries 5 more bytes of padding that are not IPv6's.
        Dissected p(eth("60 00 00 00 00 03 3b ff", "01 02 03 00 00 00 00 00"), 1);
        QCOMPARE(p.value("data.data"), QStringLiteral("010203"));
    }

    void hopByHopOptions()
    {
        // From icmpv6.pcap frame 2: HBH with Router Alert (MLD) and PadN, then MLDv2 report.
        Dissected p(hex("33 33 00 00 00 16 00 15 17 cc e5 46 86 dd 60 00"
                        "00 00 00 24 00 01 fe 80 00 00 00 00 00 00 02 15"
                        "17 ff fe cc e5 46 ff 02 00 00 00 00 00 00 00 00"
                        "00 00 00 00 00 16 3a 00 05 02 00 00 01 00 8f 00"
                        "1f c5 00 00 00 01 04 00 00 00 ff 02 00 00 00 00"
                        "00 00 00 00 0d b8 11 22 33 44"),
                    1);
        QCOMPARE(p.value("ipv6.hopopts.nxt"), QStringLiteral("58"));
        QCOMPARE(p.value("ipv6.hopopts.len"), QStringLiteral("0"));
        QCOMPARE(p.value("ipv6.hopopts.len_oct"), QStringLiteral("8"));
        QCOMPARE(p.range("ipv6.hopopts"), QStringLiteral("54+8"));
        QCOMPARE(p.value("ipv6.opt.type", 0), QStringLiteral("0x05"));
        QCOMPARE(p.value("ipv6.opt.length", 0), QStringLiteral("2"));
        QCOMPARE(p.value("ipv6.opt.router_alert"), QStringLiteral("0"));
        QCOMPARE(p.range("ipv6.opt.router_alert"), QStringLiteral("58+2"));
        QCOMPARE(p.label("ipv6.opt.router_alert"), QStringLiteral("Router Alert: MLD (0)"));
        QCOMPARE(p.value("ipv6.opt.type", 1), QStringLiteral("0x01"));
        QCOMPARE(p.value("ipv6.opt.length", 1), QStringLiteral("0"));
        QCOMPARE(p.label("ipv6.opt.type.action"),
                 QStringLiteral("00.. .... = Action: Skip and continue (0)"));
        QCOMPARE(p.label("ipv6.opt.type.change"), QStringLiteral("..0. .... = May Change: No"));
        QCOMPARE(p.label("ipv6.opt.type.rest"), QStringLiteral("...0 0101 = Low-Order Bits: 0x05"));
        const QString dump = p.dump();
        QVERIFY(dump.contains(QStringLiteral("    IPv6 Hop-by-Hop Option\n"
                                             "        Next Header: ICMPv6 (58)\n"
                                             "        Length: 0\n"
                                             "        [Length: 8 bytes]\n"
                                             "        Router Alert\n"
                                             "            Type: Router Alert (0x05)\n")));
        QVERIFY(dump.contains(QStringLiteral("        PadN\n")));
        QVERIFY(dump.contains(QStringLiteral("PadN: <none>")));
        QCOMPARE(p.range("ipv6"), QStringLiteral("14+48"));
        QVERIFY(!p.malformed());
    }

    void pad1AndUnknownOption()
    {
        Dissected p(eth("60 00 00 00 00 08 00 ff", "3b 00 3e 01 ab 00 01 00"), 1);
        QCOMPARE(p.value("ipv6.opt.unknown"), QStringLiteral("ab"));
        QCOMPARE(p.range("ipv6.opt.unknown"), QStringLiteral("58+1"));
        QVERIFY(p.hasText(QStringLiteral("Experimental (0x3E)")));
        QVERIFY(p.hasText(QStringLiteral("        Pad1\n            Type: Pad1 (0x00)\n")));
        QCOMPARE(p.info(), QStringLiteral("IPv6 no next header"));
        QVERIFY(!p.malformed());
    }

    void destinationOptionsThenIcmpv6()
    {
        Dissected p(
            eth("60 00 00 00 00 10 3c ff", "3a 00 01 04 00 00 00 00 | 80 00 7e b5 00 01 00 02"), 1);
        QCOMPARE(p.value("ipv6.dstopts.nxt"), QStringLiteral("58"));
        QCOMPARE(p.value("ipv6.opt.padn"), QStringLiteral("00000000"));
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMPv6"));
        QCOMPARE(p.info(), QStringLiteral("Echo (ping) request id=0x0001, seq=2, hop limit=255"));
        QVERIFY(p.hasText(QStringLiteral("    Destination Options for IPv6\n")));
    }

    void hopByHopNotFirst()
    {
        Dissected p(
            eth("60 00 00 00 00 10 3c ff", "00 00 01 04 00 00 00 00 | 3b 00 01 04 00 00 00 00"), 1);
        QVERIFY(p.hasText(QStringLiteral(
            "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header")));
        QCOMPARE(p.info(), QStringLiteral("IPv6 no next header"));
    }

    void routingType0SetsFinalDestination()
    {
        // ipv6-routing-header.pcap frame 2: two addresses, segments left 2, ICMPv6 echo whose
        // checksum is only right over the final destination (RFC 8200 8.1).
        Dissected p(hex("00 13 c4 c7 84 f0 00 12 3f ae 22 f7 86 dd 60 00"
                        "00 00 00 30 2b 05 22 00 00 00 00 00 02 44 02 12"
                        "3f ff fe ae 22 f7 22 00 00 00 00 00 02 11 00 02"
                        "00 00 00 00 00 02 3a 04 00 02 00 00 00 00 22 00"
                        "00 00 00 00 02 10 00 02 00 00 00 00 00 04 22 00"
                        "00 00 00 00 02 40 00 02 00 00 00 00 00 04 80 00"
                        "d3 7b 00 00 00 00"),
                    1);
        QCOMPARE(p.value("ipv6.routing.type"), QStringLiteral("0"));
        QCOMPARE(p.value("ipv6.routing.segleft"), QStringLiteral("2"));
        QCOMPARE(p.value("ipv6.routing.len_oct"), QStringLiteral("40"));
        QCOMPARE(p.value("ipv6.routing.src.reserved"), QStringLiteral("00000000"));
        QCOMPARE(p.value("ipv6.routing.src.addr", 0), QStringLiteral("2200::210:2:0:0:4"));
        QCOMPARE(p.value("ipv6.routing.src.addr", 1), QStringLiteral("2200::240:2:0:0:4"));
        QCOMPARE(p.range("ipv6.routing.src.addr"), QStringLiteral("62+16"));
        QCOMPARE(p.label("ipv6.routing.src.addr"), QStringLiteral("Address[1]: 2200::210:2:0:0:4"));
        QVERIFY(p.hasText(QStringLiteral("Routing Header for IPv6 (Source Route)")));
        QVERIFY(p.hasText(QStringLiteral("Routing header type is deprecated")));
        QCOMPARE(p.value("ipv6.dst"), QStringLiteral("2200::211:2:0:0:2"));
        QCOMPARE(p.destination(), QStringLiteral("2200::240:2:0:0:4"));
        QCOMPARE(p.value("icmpv6.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.info(), QStringLiteral("Echo (ping) request id=0x0000, seq=0, hop limit=5"));
        QVERIFY(!p.badChecksum() && !p.malformed());
    }

    void routingType2()
    {
        Dissected p(eth("60 00 00 00 00 18 2b ff",
                        "3b 02 02 01 00 00 00 00"
                        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 99"),
                    1);
        QCOMPARE(p.value("ipv6.routing.mipv6.home_address"), QStringLiteral("2001:db8::99"));
        QVERIFY(p.hasText(QStringLiteral("Routing Header for IPv6 (Type 2 Routing)")));
        QCOMPARE(p.destination(), QStringLiteral("2001:db8::99"));
    }

    void segmentRouting()
    {
        Dissected p(eth("60 00 00 00 00 28 2b ff",
                        "3b 04 04 01 01 00 00 00"
                        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
                        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"),
                    1);
        QCOMPARE(p.value("ipv6.routing.srh.last_entry"), QStringLiteral("1"));
        QCOMPARE(p.value("ipv6.routing.srh.flags"), QStringLiteral("0x00"));
        QCOMPARE(p.value("ipv6.routing.srh.tag"), QStringLiteral("0000"));
        QCOMPARE(p.value("ipv6.routing.srh.addr", 0), QStringLiteral("2001:db8::1"));
        QCOMPARE(p.value("ipv6.routing.srh.addr", 1), QStringLiteral("2001:db8::2"));
        QVERIFY(p.hasText(QStringLiteral("Address[0]: 2001:db8::1")));
        QVERIFY(p.hasText(QStringLiteral("Routing Header for IPv6 (Segment Routing)")));
        // Segment List[0] is the final destination.
        QCOMPARE(p.destination(), QStringLiteral("2001:db8::1"));
    }

    void unknownRoutingTypeAsData()
    {
        Dissected p(
            eth("60 00 00 00 00 10 2b ff", "3b 01 07 01 00 00 00 00 01 02 03 04 05 06 07 08"), 1);
        QCOMPARE(p.value("ipv6.routing.unknown_data"), QStringLiteral("000000000102030405060708"));
        QCOMPARE(p.range("ipv6.routing.unknown_data"), QStringLiteral("58+12"));
        QVERIFY(p.hasText(QStringLiteral("Routing Header for IPv6 (Unknown type 7)")));
        QVERIFY(p.hasText(QStringLiteral("Undecoded IPv6 routing header field")));
        QCOMPARE(p.destination(), QStringLiteral("fe80::200:0:0:2"));
    }

    void firstFragmentIsNotDissected()
    {
        // Offset 0 with M set: the UDP header is only the start of a datagram.
        Dissected p(
            eth("60 00 00 00 00 10 2c ff", "11 00 00 01 00 00 00 2a | 30 39 00 35 00 08 ff ff"), 1);
        QCOMPARE(p.value("ipv6.fraghdr.nxt"), QStringLiteral("17"));
        QCOMPARE(p.value("ipv6.fraghdr.offset"), QStringLiteral("0"));
        QCOMPARE(p.value("ipv6.fraghdr.more"), QStringLiteral("1"));
        QCOMPARE(p.value("ipv6.fraghdr.ident"), QStringLiteral("0x0000002a"));
        QCOMPARE(p.range("ipv6.fraghdr.ident"), QStringLiteral("58+4"));
        QCOMPARE(p.label("ipv6.fraghdr.offset"),
                 QStringLiteral("0000 0000 0000 0... = Offset: 0 (0 bytes)"));
        QCOMPARE(p.label("ipv6.fraghdr.more"),
                 QStringLiteral(".... .... .... ...1 = More Fragments: Yes"));
        QCOMPARE(p.info(), QStringLiteral("IPv6 fragment (off=0 more=y ident=0x0000002a nxt=17)"));
        QCOMPARE(p.protocol(), QStringLiteral("IPv6"));
        QCOMPARE(p.value("data.data"), QStringLiteral("303900350008ffff"));
        QCOMPARE(p.range("data.data"), QStringLiteral("62+8"));
        QVERIFY(p.nodes("udp").empty());
    }

    void fragmentsJoinInOneSession()
    {
        // The two fragments of a UDP datagram in one Session: the second (offset 8, M clear)
        // completes it: UDP over `Reassembled IPv6 (16 bytes)`, the fragments after the
        // fragment header as tshark shows them.
        const std::vector<uint8_t> first = eth("60 00 00 00 00 10 2c ff",
                                               "11 00 00 01 00 00 00 2a | 04 d2 27 0f 00 10 00 00"),
                                   second =
                                       eth("60 00 00 00 00 10 2c ff",
                                           "11 00 00 08 00 00 00 2a | de ad be ef de ad be ef");
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
        QCOMPARE(d.sourceName(1), std::string("Reassembled IPv6 (16 bytes)"));
        std::string labels;
        const pl::FieldTree &t = d.fieldTree();
        for (size_t i = 1; i < t.size(); ++i)
            if (t.node(int32_t(i)).source == 1)
                labels += pl::fieldformat::label(pl::Registry::instance(), t, int32_t(i),
                                                 d.nodeData(t.node(int32_t(i)))) +
                          "\n";
        QVERIFY2(labels.find("[2 IPv6 Fragments (16 bytes): #1(8), #2(8)]\n"
                             "[Frame: 1, payload: 0-7 (8 bytes)]\n"
                             "[Frame: 2, payload: 8-15 (8 bytes)]\n"
                             "[Fragment count: 2]\n"
                             "[Reassembled IPv6 length: 16]\n") == 0,
                 labels.c_str());
    }

    void laterFragment()
    {
        Dissected p(
            eth("60 00 00 00 00 10 2c ff", "11 00 00 08 00 00 00 2a | 30 39 00 35 00 08 ff ff"), 1);
        QCOMPARE(p.value("ipv6.fraghdr.offset"), QStringLiteral("1"));
        QCOMPARE(p.value("ipv6.fraghdr.more"), QStringLiteral("0"));
        QCOMPARE(p.info(), QStringLiteral("IPv6 fragment (off=8 more=n ident=0x0000002a nxt=17)"));
        QVERIFY(p.nodes("udp").empty());
    }

    void atomicFragmentIsDissected()
    {
        Dissected p(
            eth("60 00 00 00 00 10 2c ff", "3a 00 00 00 00 00 00 2a | 80 00 7e b5 00 01 00 02"), 1);
        QCOMPARE(p.value("icmpv6.type"), QStringLiteral("128"));
        QCOMPARE(p.protocol(), QStringLiteral("ICMPv6"));
    }

    void headerShorterThan40IsMalformed()
    {
        // tcpdump's ipv6_invalid_length.pcap: the frame ends 39 bytes into the header.
        Dissected p(hex("c0 d6 82 36 03 2b f0 4d a2 3d 5d a3 86 dd 60 09"
                        "d8 d8 00 40 11 40 26 05 bc 80 30 10 01 04 00 00"
                        "00 00 8c d3 09 ce 26 00 3c 00 e0 00 00 19 00 00"
                        "00 00 00 00 00"),
                    1);
        QVERIFY(p.malformed());
        QVERIFY(!p.truncated());
        QVERIFY(p.hasText(QStringLiteral("IPv6 header must be exactly 40 bytes")));
        QVERIFY(
            p.info().startsWith(QStringLiteral("Invalid IPv6 header (39 bytes, need exactly 40)")));
        QVERIFY(p.info().contains(QStringLiteral("[Malformed Packet]")));
        QCOMPARE(p.value("ipv6.flow"), QStringLiteral("0x09d8d8"));
        QCOMPARE(p.value("ipv6.src"), QStringLiteral("2605:bc80:3010:104::8cd3:9ce"));
        QCOMPARE(p.value("ipv6.dst"), QStringLiteral("<absent>"));
        QCOMPARE(p.source(), QStringLiteral("2605:bc80:3010:104::8cd3:9ce"));
        QCOMPARE(p.protocol(), QStringLiteral("IPv6"));
    }

    void headerCutBySnaplenIsTruncated()
    {
        std::vector<uint8_t> b = eth("60 00 00 00 00 03 3b ff", "01 02 03");
        const auto wire = uint32_t(b.size());
        b.resize(14 + 30);
        Dissected p(b, 1, wire);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
    }

    void payloadCutBySnaplenIsTruncated()
    {
        std::vector<uint8_t> b =
            eth("60 00 00 00 00 10 3c ff", "3a 00 01 04 00 00 00 00 | 80 00 7e b5 00 01 00 02");
        const auto wire = uint32_t(b.size());
        b.resize(14 + 44); // inside the destination options header
        Dissected p(b, 1, wire);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
    }

    void payloadLengthBeyondFrame()
    {
        // plen 100 but 8 bytes follow: Wireshark warns and dissects what is there.
        Dissected p(eth("60 00 00 00 00 64 3a ff", "80 00 7e b5 00 01 00 02"), 1);
        QVERIFY(p.hasText(QStringLiteral("IPv6 payload length exceeds framing length (8 bytes)")));
        QCOMPARE(p.value("icmpv6.echo.sequence_number"), QStringLiteral("2"));
        QVERIFY(!p.malformed());
    }

    void payloadLengthZero()
    {
        Dissected p(eth("60 00 00 00 00 00 3a ff", "80 00 7e b5 00 01 00 02"), 1);
        QVERIFY(p.hasText(QStringLiteral("IPv6 payload length equals 0")));
        QVERIFY(p.malformed()); // ICMPv6 gets no bytes at all, as in Wireshark
    }

    void extensionLengthLies()
    {
        // A hop-by-hop header claiming 48 bytes in a 4-byte payload.
        Dissected p(eth("60 00 00 00 00 04 00 ff", "3a 05 01 00"), 1);
        QVERIFY(p.malformed());
        QVERIFY(!p.truncated());
        QVERIFY(p.info().startsWith(QStringLiteral("IPv6 hop-by-hop options")));
        QVERIFY(p.nodes("icmpv6").empty());
    }

    void routingLengthLies()
    {
        Dissected p(eth("60 00 00 00 00 04 2b ff", "3a 05 00 01"), 1);
        QVERIFY(p.malformed());
        QVERIFY(p.info().startsWith(QStringLiteral("IPv6 routing")));
    }

    void fragmentHeaderCut()
    {
        Dissected p(eth("60 00 00 00 00 04 2c ff", "3a 00 00 01"), 1);
        QVERIFY(p.malformed());
    }

    void optionLengthLies()
    {
        // A PadN claiming 200 bytes inside an 8-byte header.
        Dissected p(eth("60 00 00 00 00 08 3c ff", "3b 00 01 c8 00 00 00 00"), 1);
        QVERIFY(p.malformed());
    }

    void bogusVersion()
    {
        Dissected p(eth("40 00 00 00 00 00 3b 40", ""), 1);
        QVERIFY(p.malformed());
        QVERIFY(p.hasText(QStringLiteral("Bogus IPv6 version")));
        QCOMPARE(p.value("ipv6.version"), QStringLiteral("4"));
        QCOMPARE(p.value("ipv6.src"), QStringLiteral("<absent>"));
    }

    void longChainIsBounded()
    {
        // 40 destination options headers in a row: stops with an error, no recursion.
        QByteArray chain;
        for (int i = 0; i < 40; ++i)
            chain += "3c 00 01 04 00 00 00 00 ";
        const QByteArray hdr = "60 00 00 00 01 40 3c ff";
        Dissected p(hex((QByteArray(kEth) + hdr + kAddrs + chain).constData()), 1);
        QVERIFY(p.hasText(QStringLiteral("Too many IPv6 extension headers")));
        QVERIFY(p.malformed());
    }

    void summaryModeMatchesTree()
    {
        std::vector<uint8_t> b =
            eth("60 00 00 00 00 10 2c ff", "11 00 00 01 00 00 00 2a | 30 39 00 35 00 08 ff ff");
        pl::Frame f;
        f.data = b.data();
        f.capLen = f.wireLen = uint32_t(b.size());
        f.linkType = 1;
        f.number = 1;
        pl::Dissection d(pl::Dissection::Mode::Summary);
        d.dissect(f, nullptr);
        QCOMPARE(QString::fromStdString(d.infoColumn()),
                 QStringLiteral("IPv6 fragment (off=0 more=y ident=0x0000002a nxt=17)"));
        QCOMPARE(QString::fromStdString(d.destination().toString()),
                 QStringLiteral("fe80::200:0:0:2"));
    }
};

QTEST_APPLESS_MAIN(TestIPv6)
#include "tst_ipv6.moc"
