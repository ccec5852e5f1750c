#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

// tcpdump tests/print-flags.pcap frames 1-4: an HTTP connection on loopback (Ethernet, IPv4).
const char *kSyn = "000000000000 000000000000 0800"
                   "4500003c1b6840004006215 27f0000017f000001"
                   "da70 0050 3758897e 00000000 a002 7fff 1421 0000"
                   "020440 0c 0402 080a4ddc921600000000 01 030302";
const char *kSynAck = "000000000000 000000000000 0800"
                      "4500003c000040004006 3cba 7f000001 7f000001"
                      "0050 da70 377a8df1 3758897f a012 7fff 6eb1 0000"
                      "0204400c 0402 080a4ddc92164ddc9216 01 030302";
const char *kAck = "000000000000 000000000000 0800"
                   "450000341b6a400040062158 7f000001 7f000001"
                   "da70 0050 3758897f 377a8df2 8010 2000 37d0 0000"
                   "0101 080a4ddc92164ddc9216";
// Frame 5: the server's ACK of the request, correct checksum.
const char *kServerAck = "000000000000 000000000000 0800"
                         "450000341fe4400040061cde 7f000001 7f000001"
                         "0050 da70 377a8df2 37588a49 8010 2000 3703 0000"
                         "0101 080a4ddc92184ddc9217";

bool haveIp()
{
    return pl::Registry::instance().findField("ip.src") >= 0 &&
           pl::Registry::instance().findField("ipv6.src") >= 0;
}

} // namespace

class TestTcp : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!haveIp())
            QSKIP("IPv4/IPv6 dissectors are not built yet");
    }

    void synWithAllOptions()
    {
        Dissected p(hex(kSyn), 1);
        QCOMPARE(p.protocol(), QStringLiteral("TCP"));
        QCOMPARE(p.info(), QStringLiteral("55920 \u2192 80 [SYN] Seq=0 Win=32767 Len=0 MSS=16396 "
                                          "SACK_PERM TSval=1306300950 TSecr=0 WS=4"));
        QCOMPARE(p.value("tcp.srcport"), QStringLiteral("55920"));
        QCOMPARE(p.range("tcp.srcport"), QStringLiteral("34+2"));
        QCOMPARE(p.value("tcp.dstport"), QStringLiteral("80"));
        QCOMPARE(p.value("tcp.port", 1), QStringLiteral("80"));
        QCOMPARE(p.value("tcp.stream"), QStringLiteral("0"));
        QCOMPARE(p.value("tcp.len"), QStringLiteral("0"));
        QCOMPARE(p.value("tcp.seq"), QStringLiteral("0"));
        QCOMPARE(p.value("tcp.seq_raw"), QStringLiteral("928549246"));
        QCOMPARE(p.range("tcp.seq"), QStringLiteral("38+4"));
        QCOMPARE(p.value("tcp.nxtseq"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.ack"), QStringLiteral("0"));
        QCOMPARE(p.value("tcp.hdr_len"), QStringLiteral("40"));
        QCOMPARE(p.label("tcp.hdr_len"),
                 QStringLiteral("1010 .... = Header Length: 40 bytes (10)"));
        QCOMPARE(p.value("tcp.flags"), QStringLiteral("0x0002"));
        QCOMPARE(p.label("tcp.flags"), QStringLiteral("Flags: 0x002 (SYN)"));
        QCOMPARE(p.value("tcp.flags.syn"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.flags.ack"), QStringLiteral("0"));
        QCOMPARE(p.label("tcp.flags.syn"), QStringLiteral(".... .... ..1. = Syn: Set"));
        QCOMPARE(p.label("tcp.flags.res"), QStringLiteral("000. .... .... = Reserved: Not set"));
        QCOMPARE(p.range("tcp.flags.res"), QStringLiteral("46+1"));
        QCOMPARE(p.range("tcp.flags.fin"), QStringLiteral("47+1"));
        QCOMPARE(p.value("tcp.flags.str"), QString::fromUtf8("··········S·"));
        QCOMPARE(p.value("tcp.window_size_value"), QStringLiteral("32767"));
        QCOMPARE(p.value("tcp.window_size"), QStringLiteral("32767"));
        // A SYN's window is never scaled, and Wireshark shows no factor for it.
        QCOMPARE(p.value("tcp.window_size_scalefactor"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("tcp.checksum"), QStringLiteral("0x1421"));
        QCOMPARE(p.label("tcp.checksum"), QStringLiteral("Checksum: 0x1421 [correct]"));
        QCOMPARE(p.value("tcp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.label("tcp.checksum.status"), QStringLiteral("[Checksum Status: Good]"));
        QCOMPARE(p.value("tcp.urgent_pointer"), QStringLiteral("0"));
        QCOMPARE(p.value("tcp.options"),
                 QStringLiteral("0204400c0402080a4ddc92160000000001030302"));
        QCOMPARE(p.range("tcp.options"), QStringLiteral("54+20"));
        QCOMPARE(p.label("tcp.options"),
                 QStringLiteral("Options: (20 bytes), Maximum segment size, SACK permitted, "
                                "Timestamps, No-Operation (NOP), Window scale"));
        QCOMPARE(p.label("tcp.options.mss"),
                 QStringLiteral("TCP Option - Maximum segment size: 16396 bytes"));
        QCOMPARE(p.value("tcp.options.mss_val"), QStringLiteral("16396"));
        QCOMPARE(p.range("tcp.options.mss_val"), QStringLiteral("56+2"));
        QCOMPARE(p.value("tcp.option_kind", 0), QStringLiteral("2"));
        QCOMPARE(p.label("tcp.option_kind"), QStringLiteral("Kind: Maximum Segment Size (2)"));
        QCOMPARE(p.value("tcp.option_len", 0), QStringLiteral("4"));
        QCOMPARE(p.value("tcp.options.sack_perm"), QStringLiteral("0402"));
        QCOMPARE(p.value("tcp.options.timestamp.tsval"), QStringLiteral("1306300950"));
        QCOMPARE(p.value("tcp.options.timestamp.tsecr"), QStringLiteral("0"));
        QCOMPARE(p.label("tcp.options.timestamp"),
                 QStringLiteral("TCP Option - Timestamps: TSval 1306300950, TSecr 0"));
        QCOMPARE(p.value("tcp.options.nop"), QStringLiteral("01"));
        QCOMPARE(p.value("tcp.options.wscale.shift"), QStringLiteral("2"));
        QCOMPARE(p.value("tcp.options.wscale.multiplier"), QStringLiteral("4"));
        QCOMPARE(p.label("tcp.options.wscale"),
                 QStringLiteral("TCP Option - Window scale: 2 (multiply by 4)"));
        QVERIFY(p.hasText(QStringLiteral("Transmission Control Protocol, Src Port: 55920, Dst "
                                         "Port: 80, Seq: 0, Len: 0")));
        QVERIFY(p.hasText(QStringLiteral("Connection establish request (SYN): server port 80")));
        QVERIFY(!p.malformed() && !p.truncated() && !p.badChecksum());
    }

    void handshakeRelativeNumbersAndScaling()
    {
        pl::Session session;
        Dissected syn(hex(kSyn), 1, 0, &session);
        Dissected synAck(hex(kSynAck), 1, 0, &session);
        QCOMPARE(synAck.info(), QStringLiteral("80 \u2192 55920 [SYN, ACK] Seq=0 Ack=1 Win=32767 "
                                               "Len=0 MSS=16396 SACK_PERM TSval=1306300950 "
                                               "TSecr=1306300950 WS=4"));
        QCOMPARE(synAck.value("tcp.ack"), QStringLiteral("1"));
        QCOMPARE(synAck.value("tcp.ack_raw"), QStringLiteral("928549247"));
        QCOMPARE(synAck.label("tcp.ack"),
                 QStringLiteral("Acknowledgment Number: 1    (relative ack number)"));
        QCOMPARE(synAck.value("tcp.stream"), QStringLiteral("0"));

        Dissected ack(hex(kAck), 1, 0, &session);
        QCOMPARE(ack.info(), QStringLiteral("55920 \u2192 80 [ACK] Seq=1 Ack=1 Win=32768 Len=0 "
                                            "TSval=1306300950 TSecr=1306300950"));
        QCOMPARE(ack.value("tcp.seq"), QStringLiteral("1"));
        QCOMPARE(ack.value("tcp.seq_raw"), QStringLiteral("928549247"));
        QCOMPARE(ack.value("tcp.ack"), QStringLiteral("1"));
        QCOMPARE(ack.value("tcp.ack_raw"), QStringLiteral("930778610"));
        QCOMPARE(ack.value("tcp.window_size_value"), QStringLiteral("8192"));
        QCOMPARE(ack.value("tcp.window_size"), QStringLiteral("32768"));
        QCOMPARE(ack.value("tcp.window_size_scalefactor"), QStringLiteral("4"));
        QCOMPARE(ack.value("tcp.stream"), QStringLiteral("0"));

        Dissected serverAck(hex(kServerAck), 1, 0, &session);
        QCOMPARE(serverAck.info(), QStringLiteral("80 \u2192 55920 [ACK] Seq=1 Ack=203 Win=32768 "
                                                  "Len=0 TSval=1306300952 TSecr=1306300951"));
    }

    void midStreamStartsAtOne()
    {
        // Without the handshake both directions count from 1, and the scale is unknown.
        Dissected p(hex(kAck), 1);
        QCOMPARE(p.value("tcp.seq"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.ack"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.window_size"), QStringLiteral("8192"));
        QCOMPARE(p.value("tcp.window_size_scalefactor"), QStringLiteral("-1"));
        QCOMPARE(p.label("tcp.window_size_scalefactor"),
                 QStringLiteral("[Window size scaling factor: -1 (unknown)]"));
    }

    void payloadSackFinRst()
    {
        // A crafted iperf-like exchange 10.0.0.1:41086 <-> 10.0.0.2:5201, checked with tshark.
        pl::Session s;
        Dissected syn(hex("0011223344550066778899aa08004500003c00010000400666b90a0000010a000002"
                          "a07e1451000003e800000000a002faf07fda0000020405b40402080a0000007b0000"
                          "000001030307"),
                      1, 0, &s);
        QCOMPARE(syn.info(), QStringLiteral("41086 \u2192 5201 [SYN] Seq=0 Win=64240 Len=0 "
                                            "MSS=1460 SACK_PERM TSval=123 TSecr=0 WS=128"));
        Dissected synAck(hex("0011223344550066778899aa08004500003c00010000400666b90a0000020a0000"
                             "011451a07e00001388000003e9a012fe8866e10000020405b40402080a000001c8"
                             "0000007b01030307"),
                         1, 0, &s);
        Dissected data(hex("0011223344550066778899aa08004500003e00010000400666b70a0000010a000002"
                           "a07e1451000003e900001389801801f6720d00000101080a0000007c000001c8"
                           "68656c6c6f776f726c64"),
                       1, 0, &s);
        QCOMPARE(data.info(), QStringLiteral("41086 \u2192 5201 [PSH, ACK] Seq=1 Ack=1 Win=64256 "
                                             "Len=10 TSval=124 TSecr=456"));
        QCOMPARE(data.value("tcp.len"), QStringLiteral("10"));
        QCOMPARE(data.value("tcp.nxtseq"), QStringLiteral("11"));
        QCOMPARE(data.value("tcp.payload"), QStringLiteral("68656c6c6f776f726c64"));
        QCOMPARE(data.range("tcp.payload"), QStringLiteral("66+10"));
        QCOMPARE(data.label("tcp.payload"), QStringLiteral("TCP payload (10 bytes)"));
        QCOMPARE(data.value("data.data"), QStringLiteral("68656c6c6f776f726c64"));
        QCOMPARE(data.protocol(), QStringLiteral("TCP"));

        // SACK edges count in the peer's sequence space.
        Dissected sack(hex("0011223344550066778899aa08004500003400010000400666c10a0000020a000001"
                           "1451a07e00001389000003f3801001fd682c00000101050a00001771000017d5"),
                       1, 0, &s);
        QCOMPARE(sack.info(), QStringLiteral("5201 \u2192 41086 [ACK] Seq=1 Ack=11 Win=65152 Len=0 "
                                             "SLE=5001 SRE=5101"));
        QCOMPARE(sack.value("tcp.options.sack_le"), QStringLiteral("5001"));
        QCOMPARE(sack.value("tcp.options.sack_re"), QStringLiteral("5101"));
        QCOMPARE(sack.range("tcp.options.sack_le"), QStringLiteral("58+4"));
        QCOMPARE(sack.value("tcp.options.sack.count"), QStringLiteral("1"));
        QCOMPARE(sack.label("tcp.options.sack"), QStringLiteral("TCP Option - SACK 5001-5101"));
        QCOMPARE(sack.label("tcp.options.sack_le"), QStringLiteral("left edge = 5001 (relative)"));

        // FIN with a wrong checksum: flagged, Info unchanged.
        Dissected fin(hex("0011223344550066778899aa08004500002800010000400666cd0a0000010a000002"
                          "a07e1451000003f300001389501101f612340000"),
                      1, 0, &s);
        QCOMPARE(fin.info(), QStringLiteral("41086 \u2192 5201 [FIN, ACK] Seq=11 Ack=1 Win=64256 "
                                            "Len=0"));
        QCOMPARE(fin.value("tcp.nxtseq"), QStringLiteral("12"));
        QCOMPARE(fin.value("tcp.checksum.status"), QStringLiteral("0"));
        QCOMPARE(fin.value("tcp.checksum_calculated"), QStringLiteral("0xcd8f"));
        QCOMPARE(fin.label("tcp.checksum"),
                 QStringLiteral("Checksum: 0x1234 incorrect, should be 0xcd8f(maybe caused by "
                                "\"TCP checksum offload\"?)"));
        QVERIFY(fin.hasText(QStringLiteral("Bad checksum [should be 0xcd8f]")));
        QVERIFY(fin.badChecksum());
        QVERIFY(!fin.malformed());

        Dissected rst(hex("0011223344550066778899aa08004500002800010000400666cd0a0000020a000001"
                          "1451a07e000013890000000050040000d3850000"),
                      1, 0, &s);
        QCOMPARE(rst.info(), QStringLiteral("5201 \u2192 41086 [RST] Seq=1 Win=0 Len=0"));
        QCOMPARE(rst.value("tcp.window_size_scalefactor"), QStringLiteral("128"));
        QVERIFY(rst.hasText(QStringLiteral("Connection reset (RST)")));
    }

    void badChecksumOffload()
    {
        // print-flags frame 4 (the HTTP request): checksum left to the NIC, 0xfef2 on the wire.
        pl::Session s;
        Dissected syn(hex(kSyn), 1, 0, &s);
        Dissected synAck(hex(kSynAck), 1, 0, &s);
        Dissected ack(hex(kAck), 1, 0, &s);
        Dissected p(hex(kServerAck), 1, 0, &s);
        QCOMPARE(p.value("tcp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.checksum_calculated"), QStringLiteral("0x3703"));
    }

    void streamsAndPortReuse()
    {
        // tcpdump tfo-5c1fa7f9ae91.pcap frame 1: SYN with an experimental TFO request
        // (kind 254, ExID 0xf989) and a different 4-tuple a stream of its own.
        pl::Session s;
        Dissected a(hex(kSyn), 1, 0, &s);
        Dissected b(hex("1c7ee54ca1cbb0750c0000010800450000 2c00060000ff06f4b3c0a8006403030303"
                        "32f732fe0d05af6400000000600205 78b9660000fe04f989"),
                    1, 0, &s);
        QCOMPARE(b.value("tcp.stream"), QStringLiteral("1"));
        QCOMPARE(b.info(), QStringLiteral("13047 \u2192 13054 [SYN] Seq=0 Win=1400 Len=0 TFO=R"));
        QCOMPARE(b.value("tcp.options.experimental.exid"), QStringLiteral("0xf989"));
        QCOMPARE(b.label("tcp.options.experimental.exid"),
                 QStringLiteral("Experiment Identifier: Fast Open (0xf989)"));
        QCOMPARE(b.nodes("tcp.options.tfo.request").size(), size_t(1));
        QVERIFY(b.hasText(QStringLiteral("TCP Option - Experimental: Fast Open")));
        // The same ports again with another ISN: a new connection, a new stream.
        Dissected c(hex(kSyn), 1, 0, &s);
        QCOMPARE(c.value("tcp.stream"), QStringLiteral("0"));
        std::vector<uint8_t> reused = hex(kSyn);
        reused[40] += 1; // another initial sequence number...
        reused[50] -= 1; // ...and the checksum's high byte compensates
        Dissected d(reused, 1, 0, &s);
        QCOMPARE(d.value("tcp.stream"), QStringLiteral("2"));
        QCOMPARE(d.value("tcp.seq"), QStringLiteral("0"));
    }

    void fastOpenCookieKind34()
    {
        Dissected p(hex("0011223344550066778899aa08004500003400010000400666c10a0000010a000002"
                        "000100020000000a000000008002006439450000220a01020304050607080000"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("1 \u2192 2 [SYN] Seq=0 Win=100 Len=0 TFO=C"));
        QCOMPARE(p.value("tcp.options.tfo.cookie"), QStringLiteral("0102030405060708"));
        QCOMPARE(p.range("tcp.options.tfo.cookie"), QStringLiteral("56+8"));
        QCOMPARE(p.label("tcp.option_kind"), QStringLiteral("Kind: TCP Fast Open Cookie (34)"));
        QVERIFY(p.hasText(QStringLiteral("TCP SYN with TFO Cookie")));
        QVERIFY(p.hasText(QStringLiteral("The SYN packet does not contain a MSS option")));
        QCOMPARE(p.label("tcp.options"),
                 QStringLiteral("Options: (12 bytes), TCP Fast Open, End of "
                                "Option List (EOL), End of Option List "
                                "(EOL)"));
    }

    void mptcpCapable()
    {
        // tcpdump mptcp-v1.pcap frame 3 (Linux cooked capture): MP_CAPABLE with both keys.
        Dissected p(
            hex("0000000100063232 87aa040200000800 450000 48ad8040004006762e0a0001010a000201"
                "821a2714 81fbb5fe 2f2c0b6e d010 0100 173c 0000"
                "0101080a1baf9ea1c337c593 1e14 0101 1fdb5df328bc3def 29a6c86981ad933c"),
            113);
        QCOMPARE(p.protocol(), QStringLiteral("MPTCP"));
        QCOMPARE(p.value("tcp.options.mptcp.subtype"), QStringLiteral("0"));
        QCOMPARE(p.label("tcp.options.mptcp.subtype"),
                 QStringLiteral("0000 .... = Multipath TCP subtype: Multipath Capable (0)"));
        QCOMPARE(p.value("tcp.options.mptcp.version"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.options.mptcp.flags"), QStringLiteral("0x01"));
        QCOMPARE(p.value("tcp.options.mptcp.sha256.flag"), QStringLiteral("1"));
        QCOMPARE(p.value("tcp.options.mptcp.sendkey"), QStringLiteral("2295531734017261039"));
        QCOMPARE(p.range("tcp.options.mptcp.sendkey"), QStringLiteral("72+8"));
        QCOMPARE(p.value("tcp.options.mptcp.recvkey"), QStringLiteral("3001306557161771836"));
        QVERIFY(p.hasText(QStringLiteral("Multipath Transmission Control Protocol: Multipath "
                                         "Capable")));
        QVERIFY(p.info().endsWith(QStringLiteral("TSval=464494241 TSecr=3275212179")));
    }

    void mptcpTooShortIsMalformed()
    {
        Dissected p(hex("0011223344550066778899aa08004500002c00010000400666c90a0000010a000002"
                        "007300c80000000a00000005601000646c1e00001e020000"),
                    1);
        QVERIFY(p.malformed());
        QCOMPARE(p.protocol(), QStringLiteral("MPTCP"));
        QVERIFY(
            p.info().startsWith(QStringLiteral("115 \u2192 200 [ACK] Seq=1 Ack=1 Win=100 Len=0")));
    }

    void unknownAndBadOptions()
    {
        Dissected unknown(hex("0011223344550066778899aa08004500002c00010000400666c90a0000010a00"
                              "0002000100020000000a00000000600200647c9900006304abcd"),
                          1);
        QCOMPARE(unknown.value("tcp.option_kind"), QStringLiteral("99"));
        QCOMPARE(unknown.label("tcp.option_kind"), QStringLiteral("Kind: Unknown (99)"));
        QCOMPARE(unknown.value("tcp.option_len"), QStringLiteral("4"));
        QCOMPARE(unknown.value("tcp.options.unknown.payload"), QStringLiteral("abcd"));
        QCOMPARE(unknown.label("tcp.options"),
                 QStringLiteral("Options: (4 bytes), Unknown (0x63)"));
        QCOMPARE(unknown.info(), QStringLiteral("1 \u2192 2 [SYN] Seq=0 Win=100 Len=0"));

        // Length 0: Wireshark notes it (Note/Sequence) and stops walking the options.
        Dissected zero(hex("0011223344550066778899aa08004500002c00010000400666c90a0000010a000002"
                           "000100020000000a0000000060020064896b000002000000"),
                       1);
        QVERIFY(zero.hasText(
            QStringLiteral("Maximum segment size (with too-short option length = 0 bytes)")));
        QCOMPARE(zero.nodes("tcp.option_kind").size(), size_t(0));
        QVERIFY(!zero.malformed());

        // Past the end of the options: NOP, then an MSS claiming 8 bytes in the 7 left.
        Dissected past(hex("0011223344550066778899aa08004500003000010000400666c50a0000010a000002"
                           "000100020000000a0000000070020064726500000102080000000000"),
                       1);
        QVERIFY(past.hasText(QStringLiteral(
            "Maximum segment size (option length = 8 bytes says option goes past end of "
            "options)")));
        QCOMPARE(past.nodes("tcp.options.nop").size(), size_t(1));
        QCOMPARE(past.info(), QStringLiteral("1 \u2192 2 [SYN] Seq=0 Win=100 Len=0"));

        // EOL followed by non-zero bytes.
        Dissected pad(hex("0011223344550066778899aa08004500003000010000400666c50a0000010a000002"
                          "000100020000000a0000000070020064776500000002040000000000"),
                      1);
        QVERIFY(pad.hasText(QStringLiteral("Non-zero header padding")));
        QCOMPARE(pad.nodes("tcp.options.eol").size(), size_t(1));

        // MSS with length 3: shown with a note, the walk goes on.
        Dissected mss3(hex("0011223344550066778899aa08004500002c00010000400666c90a0000010a000002"
                           "000100020000000a00000000600200648468000002030500"),
                       1);
        QVERIFY(mss3.hasText(QStringLiteral("option length should be 4")));
        QCOMPARE(mss3.nodes("tcp.options.eol").size(), size_t(1));
        QCOMPARE(mss3.nodes("tcp.options.mss_val").size(), size_t(0));

        // Window scale shift 15 is capped at 14.
        Dissected ws(hex("0011223344550066778899aa08004500002c00010000400666c90a0000010a000002"
                         "000100020000000a00000000600200647968000003030f00"),
                     1);
        QCOMPARE(ws.value("tcp.options.wscale.multiplier"), QStringLiteral("16384"));
        QVERIFY(ws.hasText(QStringLiteral("Window scale shift exceeds 14")));
        QVERIFY(ws.info().endsWith(QStringLiteral("WS=16384")));
    }

    void allFlags()
    {
        Dissected p(hex("0011223344550066778899aa08004500002800010000400666cd0a0000010a000002"
                        "000100020000000a000000005fff00648b720000"),
                    1);
        QCOMPARE(p.value("tcp.flags"), QStringLiteral("0x0fff"));
        QCOMPARE(p.label("tcp.flags"), QStringLiteral("Flags: 0xfff (FIN, SYN, RST, PSH, ACK, URG, "
                                                      "ECE, CWR, AE, Reserved)"));
        QCOMPARE(p.value("tcp.flags.str"), QStringLiteral("RRRACEUAPRSF"));
        QCOMPARE(p.value("tcp.flags.ae"), QStringLiteral("1"));
        QCOMPARE(p.info(), QStringLiteral("1 \u2192 2 [FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE, "
                                          "Reserved] Seq=0 Ack=1 Win=100 Urg=0 Len=0"));
    }

    void ipv6PseudoHeader()
    {
        // pcapplusplus one_ipv6_http_stream.pcap frame 1, re-framed in Ethernet.
        Dissected good(hex("0011223344550066778899aa86dd"
                           "6000000000280640200106180400000000000000519 9cc70"
                           "20010618000180000000000000000005"
                           "8c9d00506ad1ace400000000a00216307f690000020405 8c0402080a00dd1ed1"
                           "0000000001030302"),
                       1);
        QCOMPARE(good.value("tcp.checksum.status"), QStringLiteral("1"));
        QCOMPARE(good.info(), QStringLiteral("35997 \u2192 80 [SYN] Seq=0 Win=5680 Len=0 MSS=1420 "
                                             "SACK_PERM TSval=14491345 TSecr=0 WS=4"));
        Dissected bad(hex("0011223344550066778899aa86dd600000000014064020010db80000000000000000"
                          "0000000120010db8000000000000000000000002000100020000000a000000005002"
                          "0064beef0000"),
                      1);
        QCOMPARE(bad.value("tcp.checksum.status"), QStringLiteral("0"));
        QCOMPARE(bad.value("tcp.checksum_calculated"), QStringLiteral("0x53fd"));
        QVERIFY(bad.badChecksum());
    }

    void bogusHeaderLength()
    {
        Dissected p(hex("0011223344550066778899aa08004500002800010000400666cd0a0000010a000002"
                        "000100020000000a0000000040020064ab6f0000"),
                    1);
        QCOMPARE(p.info(), QStringLiteral("1 \u2192 2 [SYN] Seq=0 Win=100, bogus TCP header length "
                                          "(16, must be at least 20)"));
        QVERIFY(p.hasText(QStringLiteral("Bogus TCP header length (16, must be at least 20)")));
        QCOMPARE(p.value("tcp.hdr_len"), QStringLiteral("16"));
        QCOMPARE(p.value("tcp.len"), QStringLiteral("4"));
        QCOMPARE(p.nodes("tcp.flags").size(), size_t(0));
        QVERIFY(p.malformed());
    }

    void headerLongerThanSegment()
    {
        // pcapplusplus tcp-malformed.pcap frame 1: data offset 7 (28 bytes) in a 20-byte
        // segment. Wireshark shows raw numbers and no Len.
        Dissected p(hex("00005e000102 6c277936301c 0800 4500002809584000800 63f3aac132a4a57f083f0"
                        "c20761b657 44505b4da490b97010 0891bbe7e00a 000000000000"),
                    1);
        QVERIFY(p.malformed());
        QVERIFY(p.info().startsWith(
            QStringLiteral("49671 \u2192 25014 [ACK] Seq=1464094811 Ack=1302630585 Win=2193")));
        QVERIFY(!p.info().contains(QStringLiteral("Len=")));
        QCOMPARE(p.value("tcp.seq"), QStringLiteral("1464094811"));
        QCOMPARE(p.value("tcp.hdr_len"), QStringLiteral("28"));
        QCOMPARE(p.value("tcp.urgent_pointer"), QStringLiteral("57354"));
        QCOMPARE(p.value("tcp.len"), QStringLiteral("<absent>"));
        QVERIFY(p.hasText(QStringLiteral("Short segment. Segment/fragment does not contain a full "
                                         "TCP header (might be NMAP or someone else deliberately "
                                         "sending unusual packets)")));
        QVERIFY(p.hasText(
            QStringLiteral("The urgent pointer field is nonzero while the URG flag is not set")));
    }

    void truncatedAndShort()
    {
        // Captured only 12 TCP bytes of 20.
        Dissected cut(hex("0011223344550066778899aa08004500002800010000400666cd0a0000010a000002"
                          "000100020000000a00000000"),
                      1, 54);
        QVERIFY(cut.truncated());
        QVERIFY(!cut.malformed());
        QCOMPARE(cut.value("tcp.srcport"), QStringLiteral("1"));
        QCOMPARE(cut.value("tcp.seq"), QStringLiteral("<absent>"));
        QVERIFY(cut.info().startsWith(QStringLiteral("1 \u2192 2")));

        // A 12-byte segment on the wire is malformed.
        Dissected shortSeg(hex("0011223344550066778899aa08004500002000010000400666d50a0000010a00"
                               "0002000100020000000a00000000"),
                           1);
        QVERIFY(shortSeg.malformed());

        // tcpdump tcp_rst_data-trunc.pcap: a RST carrying its reason, one byte short.
        Dissected rst(hex("002170676f5000907f3e02d008004520006220334000f3064ee3c7cc1f59ac108529"
                          "0050ce8b6063e721736f1989501416998471000042494 72d49503a205b307831"
                          "31633536373 23a333034355d207b706565727d2054435020525354206672"
                          "6f6d2072656d6f74652073797374 65"),
                      1, 112);
        QCOMPARE(rst.info(),
                 QStringLiteral("80 \u2192 52875 [RST, ACK] Seq=1 Ack=1 Win=5785 Len=58"));
        QCOMPARE(rst.value("tcp.len"), QStringLiteral("58"));
        QCOMPARE(rst.value("tcp.checksum.status"), QStringLiteral("2"));
        QCOMPARE(rst.value("tcp.reset_cause"),
                 QStringLiteral("BIG-IP: [0x11c5672:3045] {peer} TCP RST from remote syste"));
        QCOMPARE(rst.value("tcp.payload"), QStringLiteral("<absent>"));
        QVERIFY(!rst.truncated() && !rst.malformed());
    }

    void quotedInIcmpError()
    {
        if (pl::Registry::instance().findField("icmp.type") < 0)
            QSKIP("ICMP dissector not built");
        // Port unreachable quoting IPv4 + the first 8 bytes of a SYN.
        Dissected p(hex("0011223344550066778899aa08004500003800010000400166c20a0000020a000001"
                        "0303444500000000 4500002800010000400666cd0a0000010a000002"
                        "a07e1451000003e8"),
                    1);
        QCOMPARE(p.value("tcp.srcport"), QStringLiteral("41086"));
        QCOMPARE(p.value("tcp.seq"), QStringLiteral("1000"));
        QCOMPARE(p.value("tcp.stream"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("tcp.checksum"), QStringLiteral("<absent>"));
        QVERIFY(!p.malformed() && !p.truncated());
        QVERIFY(!p.info().contains(QStringLiteral("41086")));
    }

    void hostileBytesNeverCrash()
    {
        // Every truncation and every flip of the data offset of a full SYN: no crash, no
        // read past the buffer (ASan guards this).
        const std::vector<uint8_t> base = hex(kSyn);
        for (size_t n = 0; n <= base.size(); ++n) {
            std::vector<uint8_t> b(base.begin(), base.begin() + long(n));
            Dissected p(b, 1, uint32_t(base.size()));
            Dissected q(b, 1);
        }
        for (int off = 0; off < 16; ++off) {
            std::vector<uint8_t> b = base;
            b[46] = uint8_t(off << 4 | (b[46] & 0x0f));
            Dissected p(b, 1);
            for (int len = 0; len < 256; len += 7) {
                b[55] = uint8_t(len);
                Dissected q(b, 1);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestTcp)
#include "tst_tcp.moc"
