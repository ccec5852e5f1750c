// The display filter engine: every construct of the language evaluated on real frames in
// both dissection modes (tree, and summary collecting the filter's interest), and every
// error message with the token it points at. Expected answers were checked with tshark 4.0
// on the corpus files these frames come from (dns_tcp, dhcp-rfc4388, icmpv6).

#include "analysis/displayfilter.h"
#include "dissect/session.h"

#include <QTest>

#include <map>
#include <thread>

using pl::DisplayFilter;
using pl::Dissection;

namespace {

std::vector<uint8_t> hex(const char *text)
{
    const QByteArray bytes = QByteArray::fromHex(QByteArray(text).replace(' ', ""));
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

// 2020-06-10 09:21:03.720289 UTC, dns_tcp.pcap's first frame.
constexpr int64_t kSec = 1591780863;
constexpr uint32_t kNsec = 720289000;

const std::map<std::string, std::vector<uint8_t>> &frames()
{
    static const std::map<std::string, std::vector<uint8_t>> f = {
        // dns_tcp.pcap #1: 192.168.1.11:33779 -> 209.87.249.18:53 SYN, MSS/SACK_PERM/TS/WS.
        {"syn", hex("00112233446600112233445508004500003c9b28400040061376c0a8010bd157f912"
                    "83f3003523fec80c00000000a002faf00c410000020405b40402080a79e2ca9a0000"
                    "000001030307")},
        // dns_tcp.pcap #4: PSH/ACK carrying a DNS query for www.tcpdump.org (58 bytes).
        {"dns", hex("0011223344660011223344550800450000629b2a40004006134ec0a8010bd157f912"
                    "83f3003523fec80d79d249145018faf0779600000038431901200001000000000001"
                    "037777770774637064756d70036f72670000010001000029100000000000000c000a"
                    "00088f06be7d691442f0")},
        // dhcp-rfc4388.pcap #7: ARP request who-has 10.40.1.1 tell 10.40.2.3.
        {"arp", hex("7483ef07d0a9a6824bc9a1a708060001080006040001a6824bc9a1a70a2802030000"
                    "000000000a280101000000000000000000000000000000000000")},
        // dhcp-rfc4388.pcap #2: ICMP echo request 10.40.2.3 -> 10.30.4.4.
        {"icmp", hex("7483ef07d0a9a6824bc9a1a708004500003061b440004001becc0a2802030a1e0404"
                     "0800b7db402400000000000000000000000000000000000000000000")},
        // icmpv6.pcap #1: router advertisement fe80::b299:28ff:fec8:d66c -> ff02::1.
        {"ra", hex("333300000001b09928c8d66c86dd6000000000b03afffe80000000000000b29928ff"
                   "fec8d66cff020000000000000000000000000001860024014020000f000000000000"
                   "0000030448c000278d0000093a80000000002222333344445555660000000000000019"
                   "05000000000005abcd000000000000000000000000efef1234567800000000000000"
                   "00000000011f07000000000005076578616d706c6503636f6d00076578616d706c65"
                   "036f72670004646f6d3104646f6d3203746c64000000000000000005010000000000"
                   "640101b09928c8d66c070100000000138808010000c351000f")},
        // Built: broadcast UDP 10.1.2.3:5353 -> 172.16.0.9:53, TTL 128, payload "hello".
        {"udp", hex("ffffffffffff001b21aabbcc080045000021123400008011707b0a010203ac100009"
                    "14e90035000d000068656c6c6f")},
        // The same with IHL 4: a malformed IPv4 header.
        {"badip", hex("ffffffffffff001b21aabbcc080044000021123400008011707b0a010203ac100009"
                      "14e90035000d000068656c6c6f")},
    };
    return f;
}

pl::Frame makeFrame(const std::vector<uint8_t> &bytes, int64_t sec, uint32_t nsec, uint64_t number)
{
    pl::Frame fr;
    fr.data = bytes.data();
    fr.capLen = fr.wireLen = uint32_t(bytes.size());
    fr.linkType = 1;
    fr.tsSec = sec;
    fr.tsNsec = nsec;
    fr.number = number;
    return fr;
}

/// Evaluates `f` on a frame dissected in tree mode and in summary mode with f.interest();
/// both must agree. An ARP frame 1.5 s earlier comes first in the same session, so the
/// frame under test has frame.time_relative 1.5.
bool evaluate(const DisplayFilter &f, const std::vector<uint8_t> &bytes, bool *agree,
              int64_t sec = kSec, uint32_t nsec = kNsec)
{
    pl::Session sTree, sSummary;
    Dissection tree(Dissection::Mode::Tree), summary(Dissection::Mode::Summary);
    summary.setInterest(&f.interest());
    const std::vector<uint8_t> &first = frames().at("arp");
    const bool borrow = nsec < 500000000;
    const pl::Frame f1 =
        makeFrame(first, sec - (borrow ? 2 : 1), borrow ? nsec + 500000000 : nsec - 500000000, 1);
    tree.dissect(f1, &sTree);
    summary.dissect(f1, &sSummary);
    const pl::Frame f2 = makeFrame(bytes, sec, nsec, 2);
    tree.dissect(f2, &sTree);
    summary.dissect(f2, &sSummary);
    const bool a = f.matches(tree), b = f.matches(summary);
    *agree = a == b;
    return a;
}

} // namespace

class TestDisplayFilter : public QObject
{
    Q_OBJECT

private slots:
    void matches_data();
    void matches();
    void errors_data();
    void errors();
    void hostileNestingIsAnError();
    void emptyFilter();
    void warnings();
    void interestIsExactlyTheFieldsRead();
    void mergeInterest();
    void copiesShareAndThreadsAgree();
};

void TestDisplayFilter::matches_data()
{
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<bool>("expected");
    auto row = [](const char *frame, const char *filter, bool expected) {
        QTest::addRow("%s: %s", frame, filter)
            << QString::fromUtf8(frame) << QString::fromUtf8(filter) << expected;
    };
    // Presence of protocols and fields.
    row("syn", "tcp", true);
    row("syn", "udp", false);
    row("arp", "arp", true);
    row("arp", "ip", false);
    row("syn", "tcp.options.sack_perm", true);
    row("dns", "tcp.options.sack_perm", false);
    row("ra", "ipv6 && icmpv6", true);
    row("badip", "ip.bogus_header_length && !_ws.malformed", true); // tshark: an expert note only
    row("badip", "_ws.expert", true);
    row("syn", "_ws.expert.severity == 0x00200000", true); // Chat: connection establish
    row("arp", "_ws.malformed || _ws.expert", false);
    // Integers: decimal, hex, octal, binary, every operator spelling.
    row("syn", "tcp.dstport == 53", true);
    row("syn", "tcp.dstport eq 0x35", true);
    row("syn", "tcp.dstport == 065", true);
    row("syn", "tcp.dstport == 0b110101", true);
    row("syn", "tcp.dstport != 53", false);
    row("syn", "tcp.dstport ne 54", true);
    row("syn", "frame.len > 73 && frame.len gt 73 && frame.len >= 74 && frame.len ge 74", true);
    row("syn", "frame.len < 75 and frame.len lt 75 and frame.len <= 74 and frame.len le 74", true);
    row("syn", "frame.len < 74", false);
    row("syn", "ip.ttl == 64 && ip.id == 0x9b28", true);
    row("syn", "frame.number == 2", true);
    row("syn", "tcp.flags == 0x002", true);
    row("syn", "tcp.flags & 0x02", true);
    row("dns", "tcp.flags & 0x02", false);
    row("dns", "tcp.len == 58", true);
    // Value names (case-insensitive, quoted or not) and booleans.
    row("syn", "ip.proto == TCP", true);
    row("syn", "ip.proto == \"tcp\"", true);
    row("udp", "ip.proto == Tcp", false);
    row("syn", "tcp.flags.syn == 1", true);
    row("syn", "tcp.flags.syn == True", true);
    row("syn", "tcp.flags.syn == TRUE", true);
    row("dns", "tcp.flags.syn == False", true);
    row("syn", "tcp.flags.syn == 2", true); // any non-zero number is true, as in tshark
    row("dns", "tcp.flags.syn", true);      // a boolean is present even when false
    // Any-occurrence semantics on the pseudo-fields.
    row("syn", "ip.addr == 192.168.1.11", true);
    row("syn", "ip.addr == 209.87.249.18", true);
    row("syn", "ip.addr != 192.168.1.11", false);
    row("syn", "ip.addr != 1.2.3.4", true);
    row("syn", "!(ip.addr == 192.168.1.11)", false);
    row("syn", "ip.addr ~= 192.168.1.11", true);
    row("syn", "ip.addr any_ne 192.168.1.11", true);
    row("syn", "ip.addr === 192.168.1.11", false);
    row("syn", "ip.addr all_eq 192.168.1.11", false);
    row("syn", "ip.addr !== 1.2.3.4", true);
    row("syn", "ip.addr all_ne 1.2.3.4", true);
    row("syn", "tcp.port == 33779 && tcp.port == 53", true);
    row("udp", "udp.port == 5353", true);
    row("udp", "udp.port in {53}", true);
    row("syn", "eth.addr == 00:11:22:33:44:66", true);
    row("ra", "ipv6.addr == ff02::1", true);
    // An absent field: every comparison is false, its negation true.
    row("arp", "ip.addr != 1.2.3.4", false);
    row("arp", "ip.addr == 1.2.3.4", false);
    row("arp", "!(ip.addr == 1.2.3.4)", true);
    row("arp", "ip.addr ~= 1.2.3.4", false);
    // Addresses: CIDR, ordering, MAC separators.
    row("syn", "ip.src == 192.168.1.0/24", true);
    row("syn", "ip.dst == 192.168.1.0/24", false);
    row("syn", "ip.addr == 192.168.0.0/16", true);
    row("syn", "ip.src == 192.168.1.99/24", true); // host bits ignored, as in tshark
    row("syn", "ip.src == 0.0.0.0/0", true);
    row("syn", "ip.src < 192.168.1.12", true);
    row("syn", "ip.src > 192.168.1.11", false);
    row("icmp", "ip.dst == 10.0.0.0/8 && icmp.type == 8", true);
    row("ra", "ipv6.src == fe80::/10", true);
    row("ra", "ipv6.src == fe80::b299:28ff:fec8:d66c", true);
    row("ra", "ipv6.dst == ff02::/16", true);
    row("ra", "ipv6.dst == ff03::/16", false);
    row("ra", "ipv6.dst == fe00::/7", true); // ff and fe share their first 7 bits
    row("ra", "ipv6.dst == fc00::/7", false);
    row("ra", "ipv6.dst == e000::/4", false);
    row("ra", "ipv6.dst == ff00::/8", true);
    row("syn", "eth.src == 00:11:22:33:44:55", true);
    row("syn", "eth.src == 00-11-22-33-44-55", true);
    row("syn", "eth.src == 0011.2233.4455", true);
    row("syn", "eth.src == 001122334455", true);
    row("syn", "eth.dst > 00:11:22:33:44:55", true);
    row("udp", "eth.dst == ff:ff:ff:ff:ff:ff", true);
    row("arp", "arp.src.proto_ipv4 == 10.40.2.3 && arp.opcode == 1", true);
    // Sets: values, ranges, addresses, CIDR, value names; commas or (deprecated) spaces.
    row("syn", "tcp.port in {80, 443, 8000..8999}", false);
    row("syn", "tcp.port in {80, 443, 50..60}", true);
    row("syn", "tcp.port in {80 53}", true);
    row("syn", "tcp.dstport in {53}", true);
    row("syn", "ip.src in {10.0.0.0/8, 192.168.0.0/16}", true);
    row("syn", "ip.src in {192.168.1.1..192.168.1.20}", true);
    row("syn", "ip.src in {192.168.1.12..192.168.1.20}", false);
    row("syn", "ip.proto in {\"UDP\", 6}", true);
    row("syn", "frame.len in {54, 60, 74}", true);
    // Byte strings, slices, contains.
    row("syn", "eth.src[0:3] == 00:11:22", true);
    row("syn", "eth.src[0:3] == 00:11:23", false);
    row("syn", "eth.src[3:] == 33:44:55", true);
    row("syn", "eth.src[-2:] == 44:55", true);
    row("syn", "eth.src[1-2] == 11:22", true);
    row("syn", "eth.src[5] == 55", true);
    row("syn", "eth.src[:2] == 00:11", true);
    row("syn", "frame[0] == 0", true);
    row("syn", "frame[0:2,4:2] == 00:11:44:66", true);
    row("syn", "frame[70:4] == 01:03:03:07", true);
    row("syn", "frame[70:5]", false); // beyond the frame: no value
    row("syn", "frame[73:]", true);
    row("syn", "frame[74:]", false);
    row("syn", "frame[-100:2] == 00:11", false);
    row("syn", "ip.src[0:2] == c0:a8", true);
    row("ra", "ipv6.src[0:2] == fe:80", true);
    row("syn", "frame[0:2] > 00:10:ff", false); // bytes order by length first
    row("syn", "frame[0:2] > 00:10", true);
    row("dns", "tcp.payload contains \"\\x03www\"", true);
    row("dns", "tcp.payload contains 03:77:77:77", true);
    row("dns", "tcp.payload contains 03777777", true);
    row("dns", "tcp.payload contains \"tcpdump\"", true);
    row("dns", "tcp.payload contains \"TCPDUMP\"", false);
    row("dns", "tcp contains \"tcpdump\"", true);
    row("dns", "ip contains \"tcpdump\"", true);
    row("syn", "tcp contains \"tcpdump\"", false);
    row("dns", "frame contains 'w'", true);
    row("syn", "tcp contains 00:35", true);
    row("syn", "eth.src contains 22:33", true);
    row("udp", "udp contains \"hello\"", true);
    row("udp", "frame[-5:] == \"hello\"", true);
    row("udp", "frame[-5:] == \"hell\\157\"", true);
    row("udp", "frame[-5:] == \"\\x68ello\"", true);
    // Regular expressions: case-insensitive unless (?-i), on bytes and strings.
    row("dns", "tcp.payload matches \"TCPDUMP\"", true);
    row("dns", "tcp.payload matches \"(?-i)TCPDUMP\"", false);
    row("dns", "frame ~ \"tcp.ump\\\\x03org\"", true);
    row("dns", "frame.protocols matches \"^eth:ethertype:ip:tcp\"", true);
    row("dns", "frame.protocols ~ \"udp\"", false);
    // Strings.
    row("syn", "frame.protocols == \"eth:ethertype:ip:tcp\"", true);
    row("syn", "frame.protocols == \"ETH:ethertype:ip:tcp\"", false);
    row("syn", "frame.protocols contains \"ip:tcp\"", true);
    row("syn", "frame.protocols[0:3] == \"eth\"", true);
    row("syn", "frame.protocols[0:3] == 65:74:68", true);
    row("syn", "frame.protocols > \"eth\"", true);
    // Times: frame.time_relative is 1.5 s (a first frame precedes), frame.time absolute.
    row("syn", "frame.time_relative == 1.5", true);
    row("syn", "frame.time_relative > 1.4999", true);
    row("syn", "frame.time_relative < 1.5", false);
    row("syn", "frame.time_relative >= 1", true);
    row("syn", "frame.time_delta <= 1.5", true);
    row("syn", "frame.time_relative > -1", true);
    row("syn", "frame.time == \"2020-06-10 09:21:03.720289 UTC\"", true);
    row("syn", "frame.time > \"2020-06-10 09:21:03.72 UTC\"", true);
    row("syn", "frame.time < \"2020-06-10T09:21:03.9Z\"", true);
    row("syn", "frame.time < \"Jun 10, 2020 09:21:03 UTC\"", false);
    row("syn", "frame.time_epoch > 1591780863.7", true);
    row("syn", "frame.time_epoch > 1591780863.8", false);
    // Two fields.
    row("syn", "tcp.srcport > tcp.dstport", true);
    row("syn", "ip.src == ip.dst", false);
    row("syn", "frame.len == frame.cap_len", true);
    row("syn", "ip.src != ip.dst", true);
    // Logic: precedence (not > and > or), parentheses, word forms.
    row("syn", "tcp.flags.fin == 1 || tcp.flags.syn == 1 && tcp.flags.ack == 0", true);
    row("dns", "tcp.flags.fin == 1 || tcp.flags.syn == 1 && tcp.flags.ack == 0", false);
    row("dns", "(tcp.flags.fin == 1 || tcp.flags.syn == 1) && tcp.flags.ack == 0", false);
    row("syn", "not tcp.flags.ack == 1 or tcp.flags.fin == 1", true);
    row("syn", "!tcp.flags.ack == 1 && !udp", true);
    row("syn", "!!tcp", true);
    row("syn", "udp or (tcp and not (arp or icmp))", true);
    row("syn", "ip.addr == 10.0.0.0/8 && tcp.port in {80, 443}", false);
    row("icmp", "ip.addr==10.0.0.0/8&&!tcp", true);
}

void TestDisplayFilter::matches()
{
    QFETCH(QString, frame);
    QFETCH(QString, filter);
    QFETCH(bool, expected);
    const DisplayFilter f = DisplayFilter::compile(filter.toStdString());
    QVERIFY2(f.ok(), f.error().text.c_str());
    QVERIFY(!f.isEmpty());
    bool agree = false;
    const bool got = evaluate(f, frames().at(frame.toStdString()), &agree);
    QVERIFY2(agree, "tree and summary modes disagree");
    QCOMPARE(got, expected);
}

void TestDisplayFilter::errors_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("length");
    auto row = [](const char *filter, const char *message, int pos, int len) {
        QTest::addRow("%s", filter)
            << QString::fromUtf8(filter) << QString::fromUtf8(message) << pos << len;
    };
    row("tcp.prot == 1",
        "\"tcp.prot\" is neither a field nor a protocol name. Did you mean "
        "\"tcp.port\"?",
        0, 8);
    row("ip.sorc", "\"ip.sorc\" is neither a field nor a protocol name. Did you mean \"ip.src\"?",
        0, 7);
    row("xyzzy.plugh", "\"xyzzy.plugh\" is neither a field nor a protocol name.", 0, 11);
    row("1 == frame.len", "Left side of \"==\" expression must be a field or function, not 1.", 0,
        1);
    row("ip.src == 300.1.1.1", "\"300.1.1.1\" is not a valid IPv4 address.", 10, 9);
    row("ip.src == 1.2.3", "\"1.2.3\" is not a valid IPv4 address.", 10, 5);
    row("ip.src == \"1.2.3.4\"", "IPv4 address cannot be converted from a string (\"1.2.3.4\").",
        10, 9);
    row("ip.src == 10.0.0.0/33", "Netmask bits in a CIDR IPv4 address should be <= 32, not 33", 10,
        11);
    row("ip.src == 10.0.0.0/x", "\"10.0.0.0/x\" is not a valid IPv4 address.", 10, 10);
    row("ipv6.addr == 2001:db8::/129", "Prefix in a IPv6 address should be <= 128, not 129", 13,
        14);
    row("ipv6.addr == 2001:zz8::1", "\"2001:zz8::1\" is not a valid IPv6 address.", 13, 11);
    row("eth.src == 00:11:22",
        "\"00:11:22\" contains too few bytes to be a valid Ethernet address.", 11, 8);
    row("eth.src == 00:11:22:33:44:55:66",
        "\"00:11:22:33:44:55:66\" contains too many bytes to be a valid Ethernet address.", 11, 20);
    row("eth.src == \"00:11:22:33:44:55\"",
        "Ethernet or other MAC address cannot be converted from a string "
        "(\"00:11:22:33:44:55\").",
        11, 19);
    row("frame.len == 1x", "\"1x\" is not a valid number.", 13, 2);
    row("frame.len == 0x", "\"0x\" is not a valid number.", 13, 2);
    row("frame.len == 08", "\"08\" is not a valid number.", 13, 2);
    row("frame.len == \"54\"",
        "Unsigned integer (4 bytes) cannot be converted from a string (\"54\").", 13, 4);
    row("ip.ttl == 300", "\"300\" too big for this field, maximum 255.", 10, 3);
    row("ip.ttl == 0x1ff", "\"0x1ff\" too big for this field, maximum 255.", 10, 5);
    row("tcp.port == 99999", "\"99999\" too big for this field, maximum 65535.", 12, 5);
    row("tcp.seq == 4294967296", "\"4294967296\" too big for this field, maximum 4294967295.", 11,
        10);
    row("ip.ttl == -1", "\"-1\" too small for this field, minimum 0.", 10, 2);
    row("ip.proto == foo", "\"foo\" cannot be found among the possible values for ip.proto.", 12,
        3);
    row("tcp.flags.syn == true",
        "\"true\" cannot be found among the possible values for tcp.flags.syn.", 17, 4);
    row("ip.proto == tcp", "ip.proto and tcp are not of compatible types.", 12, 3);
    row("frame contains \"abc", "The final quote was missing from a quoted string.", 15, 1);
    row("frame contains \"ab\\q\"", "\\q is not a valid character escape sequence", 18, 2);
    row("frame contains zz", "\"zz\" is not a valid byte string.", 15, 2);
    row("frame contains 'ab'", "'ab' is not a valid character constant.", 15, 4);
    row("frame.time_relative > 1e-1", "\"1e-1\" is not a valid time.", 22, 4);
    row("frame.time_relative > \"0.5\"",
        "Time offset cannot be converted from a string "
        "(\"0.5\").",
        22, 5);
    row("frame.time > \"bogus\"",
        "\"bogus\" is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or "
        "\"2011-07-04 12:34:56\"",
        13, 7);
    row("ip.src ==", "Unexpected end of filter expression.", 9, 0);
    row("(tcp", "Unexpected end of filter expression.", 4, 0);
    row("tcp &&", "Unexpected end of filter expression.", 6, 0);
    row("!", "Unexpected end of filter expression.", 1, 0);
    row("tcp)", "\")\" was unexpected in this context.", 3, 1);
    row("()", "\")\" was unexpected in this context.", 1, 1);
    row("&& tcp", "\"&&\" was unexpected in this context.", 0, 2);
    row("ip.src == 1.2.3.4 ip.dst", "\"ip.dst\" was unexpected in this context.", 18, 6);
    row("frame.len = 54", "\"=\" was unexpected in this context.", 10, 1);
    row("tcp ^^ udp", "\"^\" was unexpected in this context.", 4, 1);
    row("tcp.len == 0 == 1", "\"==\" was unexpected in this context.", 13, 2);
    row("tcp.port in {}", "\"}\" was unexpected in this context.", 13, 1);
    row("tcp.port in {80", "Unexpected end of filter expression.", 15, 0);
    row("tcp.port in 80", "\"80\" was unexpected in this context.", 12, 2);
    row("tcp.port in {80..}", "\"}\" was unexpected in this context.", 17, 1);
    row("tcp.srcport[0:1] == 00",
        "\"tcp.srcport\" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence "
        "of bytes.",
        0, 11);
    row("tcp.flags.syn[0] == 1",
        "\"tcp.flags.syn\" is a Boolean and cannot be sliced into a sequence of bytes.", 0, 13);
    row("frame[0:2", "The right bracket was missing from a slice.", 5, 1);
    row("frame[a:2] == 00", "\"a:2\" is not a valid slice range.", 6, 3);
    row("frame[2-1] == 00", "\"2-1\" is not a valid slice range.", 6, 3);
    row("frame matches \"(\"", "Regex compilation error: missing closing parenthesis.", 14, 3);
    row("frame matches 'a'", "Regular expressions must be given as a string.", 14, 3);
    row("tcp.port contains 80",
        "tcp.port (type=Unsigned integer (2 bytes)) cannot participate in contains comparison.", 0,
        8);
    row("ip.src matches \"a\"",
        "ip.src (type=IPv4 address) cannot participate in matches comparison.", 0, 6);
    row("_ws.malformed.expert == 1",
        "_ws.malformed.expert (type=Label) cannot participate in == comparison.", 0, 20);
    row("ip.src & 1", "ip.src (type=IPv4 address) cannot participate in & comparison.", 0, 6);
    row("frame.protocols == frame.len",
        "frame.protocols and frame.len are not of compatible types.", 19, 9);
}

void TestDisplayFilter::errors()
{
    QFETCH(QString, filter);
    QFETCH(QString, message);
    QFETCH(int, position);
    QFETCH(int, length);
    const DisplayFilter f = DisplayFilter::compile(filter.toStdString());
    QVERIFY(!f.ok());
    QCOMPARE(QString::fromStdString(f.error().text), message);
    QCOMPARE(int(f.error().position), position);
    QCOMPARE(int(f.error().length), length);
    // A filter that did not compile matches nothing and needs no field.
    bool agree = false;
    QVERIFY(!evaluate(f, frames().at("syn"), &agree));
    for (uint8_t wanted : f.interest())
        QCOMPARE(wanted, uint8_t(0));
}

// Pasted or hostile text must give an error, not exhaust the stack (parsing and evaluating
// recurse by nesting level); the deepest filters people write still work.
void TestDisplayFilter::hostileNestingIsAnError()
{
    const std::string parens = std::string(100000, '(') + "tcp" + std::string(100000, ')');
    DisplayFilter f = DisplayFilter::compile(parens);
    QVERIFY(!f.ok());
    QCOMPARE(f.error().text, std::string("The filter is nested too deeply: more than 256 levels "
                                         "of parentheses and negations."));
    QCOMPARE(int(f.error().position), 256); // the 257th "("

    f = DisplayFilter::compile(std::string(100000, '!') + "tcp");
    QVERIFY(!f.ok());
    QCOMPARE(int(f.error().position), 256);

    std::string chain = "tcp";
    for (int i = 0; i < 30000; ++i)
        chain += " && tcp";
    f = DisplayFilter::compile(chain);
    QVERIFY(!f.ok());
    QVERIFY2(f.error().text.starts_with("The filter is too long"), f.error().text.c_str());

    // Within the limits: deep, long, and still right.
    const std::string deep = std::string(200, '(') + "tcp" + std::string(200, ')');
    const std::string notNot = std::string(200, '!') + "tcp"; // an even count: tcp
    std::string longChain = "tcp";
    for (int i = 0; i < 900; ++i) // four nodes each: 3601 in all
        longChain += " && tcp || udp";
    for (const std::string &text : {deep, notNot, longChain}) {
        const DisplayFilter ok = DisplayFilter::compile(text);
        QVERIFY2(ok.ok(), ok.error().text.c_str());
        bool agree = false;
        QVERIFY(evaluate(ok, frames().at("syn"), &agree));
        QVERIFY(agree);
    }
}

void TestDisplayFilter::emptyFilter()
{
    for (const char *text : {"", "   ", "\t\n"}) {
        const DisplayFilter f = DisplayFilter::compile(text);
        QVERIFY(f.ok());
        QVERIFY(f.isEmpty());
        QVERIFY(f.error().text.empty());
        QCOMPARE(f.text(), std::string(text));
        bool agree = false;
        QVERIFY(evaluate(f, frames().at("arp"), &agree));
    }
    const DisplayFilter def;
    QVERIFY(def.ok());
    QVERIFY(def.isEmpty());
    QVERIFY(def.interest().empty());
    QVERIFY(!DisplayFilter::compile("tcp").isEmpty());
}

void TestDisplayFilter::warnings()
{
    const DisplayFilter spaced = DisplayFilter::compile("tcp.port in {80 443 8000..8999}");
    QVERIFY(spaced.ok());
    QCOMPARE(spaced.warnings().size(), size_t(1)); // one warning, at the first space
    QCOMPARE(spaced.warnings()[0].position, size_t(16));
    QCOMPARE(spaced.warnings()[0].length, size_t(3));
    QVERIFY(spaced.warnings()[0].text.find("commas") != std::string::npos);
    QVERIFY(DisplayFilter::compile("tcp.port in {80, 443}").warnings().empty());
    QVERIFY(DisplayFilter::compile("ip.addr != 1.2.3.4").warnings().empty());
    QVERIFY(DisplayFilter::compile("tcp.port in {80 443").warnings().empty()); // error instead
}

void TestDisplayFilter::interestIsExactlyTheFieldsRead()
{
    const pl::Registry &reg = pl::Registry::instance();
    const DisplayFilter f =
        DisplayFilter::compile("ip.addr == 10.0.0.0/8 && tcp.port in {80, 443} || frame.len > 5");
    QVERIFY(f.ok());
    QCOMPARE(f.interest().size(), reg.fieldCount());
    std::vector<pl::FieldId> want;
    for (const char *name : {"ip.addr", "tcp.port", "frame.len"})
        for (pl::FieldId id : reg.fieldsNamed(name))
            want.push_back(id);
    for (size_t i = 0; i < f.interest().size(); ++i) {
        const bool expected = std::find(want.begin(), want.end(), pl::FieldId(i)) != want.end();
        QVERIFY2(bool(f.interest()[i]) == expected, reg.field(pl::FieldId(i)).abbrev.data());
    }
}

void TestDisplayFilter::mergeInterest()
{
    const DisplayFilter a = DisplayFilter::compile("tcp");
    const DisplayFilter b = DisplayFilter::compile("udp.port == 53");
    pl::FieldInterest merged;
    pl::mergeInterest(merged, a.interest());
    pl::mergeInterest(merged, b.interest());
    QCOMPARE(merged.size(), pl::Registry::instance().fieldCount());
    for (size_t i = 0; i < merged.size(); ++i)
        QCOMPARE(bool(merged[i]), bool(a.interest()[i]) || bool(b.interest()[i]));
    // Evaluating both on one summary dissection that collected the union.
    Dissection d(Dissection::Mode::Summary);
    d.setInterest(&merged);
    const auto &bytes = frames().at("udp");
    const pl::Frame frame = makeFrame(bytes, kSec, kNsec, 1);
    d.dissect(frame, nullptr);
    QVERIFY(!a.matches(d));
    QVERIFY(b.matches(d));
}

void TestDisplayFilter::copiesShareAndThreadsAgree()
{
    DisplayFilter f =
        DisplayFilter::compile("frame matches \"tcpdump\" && ip.src == 192.168.1.0/24 "
                               "&& frame[0:2,4:2] == 00:11:44:66");
    QVERIFY(f.ok());
    const DisplayFilter copy = f;
    f = DisplayFilter::compile("udp");
    QVERIFY(copy.ok());
    QCOMPARE(copy.text(), std::string("frame matches \"tcpdump\" && ip.src == 192.168.1.0/24 "
                                      "&& frame[0:2,4:2] == 00:11:44:66"));
    // matches() is const and thread-safe: several threads, each with its own Dissection.
    std::vector<std::thread> threads;
    std::vector<int> counts(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            Dissection d(Dissection::Mode::Summary);
            d.setInterest(&copy.interest());
            for (int i = 0; i < 200; ++i) {
                const auto &bytes = frames().at(i % 2 ? "dns" : "syn");
                const pl::Frame frame = makeFrame(bytes, kSec, kNsec, 1);
                d.dissect(frame, nullptr); // the Dissection keeps a pointer to the frame
                counts[size_t(t)] += copy.matches(d);
            }
        });
    }
    for (std::thread &th : threads)
        th.join();
    for (int c : counts)
        QCOMPARE(c, 100);
}

QTEST_GUILESS_MAIN(TestDisplayFilter)
#include "tst_displayfilter.moc"
