#include "../capfile/fieldmultiset.h"
#include "packetbuilder.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <memory>
#include <string>

using pltest::Dissected;
using pltest::hex;

namespace {

constexpr uint32_t kRawIp = 101; // LINKTYPE_RAW: the IPv4 header is the frame's first byte

/// A DNS message built field by field.
struct Msg
{
    std::vector<uint8_t> b;

    Msg &u8(uint8_t v)
    {
        b.push_back(v);
        return *this;
    }
    Msg &u16(uint16_t v) { return u8(uint8_t(v >> 8)).u8(uint8_t(v)); }
    Msg &u32(uint32_t v) { return u16(uint16_t(v >> 16)).u16(uint16_t(v)); }
    Msg &bytes(const std::vector<uint8_t> &v)
    {
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
    Msg &header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
    {
        return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }
    /// Labels of `dotted` and the root byte.
    Msg &name(const std::string &dotted)
    {
        size_t start = 0;
        while (start < dotted.size()) {
            size_t dot = dotted.find('.', start);
            if (dot == std::string::npos)
                dot = dotted.size();
            u8(uint8_t(dot - start));
            for (size_t i = start; i < dot; ++i)
                u8(uint8_t(dotted[i]));
            start = dot + 1;
        }
        return u8(0);
    }
    Msg &question(const std::string &n, uint16_t type, uint16_t cls = 1)
    {
        return name(n).u16(type).u16(cls);
    }
    /// A record whose owner is a pointer to offset 12 (the first question's name).
    Msg &record(uint16_t type, uint32_t ttl, const std::vector<uint8_t> &rdata, uint16_t cls = 1)
    {
        return u16(0xc00c).u16(type).u16(cls).u32(ttl).u16(uint16_t(rdata.size())).bytes(rdata);
    }
};

std::vector<uint8_t> nameBytes(const std::string &dotted)
{
    Msg m;
    m.name(dotted);
    return m.b;
}

uint16_t finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

uint32_t sumBytes(const std::vector<uint8_t> &b, size_t from, size_t to, uint32_t sum = 0)
{
    for (size_t i = from; i < to; i += 2)
        sum += uint32_t(b[i]) << 8 | (i + 1 < to ? b[i + 1] : 0);
    return sum;
}

/// IPv4 (10.0.0.1 <-> 10.0.0.2, `toServer` picks the direction) carrying UDP or TCP with
/// correct checksums, so nothing but DNS can be flagged.
std::vector<uint8_t> ipv4(uint8_t proto, bool toServer, const std::vector<uint8_t> &l4)
{
    std::vector<uint8_t> b = {0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    if (!toServer)
        std::swap_ranges(b.begin() + 12, b.begin() + 16, b.begin() + 16);
    const size_t total = 20 + l4.size();
    b[2] = uint8_t(total >> 8);
    b[3] = uint8_t(total);
    const uint16_t hc = finish(sumBytes(b, 0, 20));
    b[10] = uint8_t(hc >> 8);
    b[11] = uint8_t(hc);
    b.insert(b.end(), l4.begin(), l4.end());
    // Transport checksum over the pseudo-header.
    uint32_t sum = sumBytes(b, 12, 20) + proto + uint32_t(l4.size());
    sum = sumBytes(b, 20, b.size(), sum);
    uint16_t c = finish(sum);
    if (proto == 17 && c == 0)
        c = 0xffff;
    const size_t at = 20 + (proto == 17 ? 6 : 16);
    b[at] = uint8_t(c >> 8);
    b[at + 1] = uint8_t(c);
    return b;
}

std::vector<uint8_t> udp(uint16_t sport, uint16_t dport, const std::vector<uint8_t> &payload,
                         bool toServer = true)
{
    Msg u;
    u.u16(sport).u16(dport).u16(uint16_t(8 + payload.size())).u16(0).bytes(payload);
    return ipv4(17, toServer, u.b);
}

std::vector<uint8_t> tcp(uint16_t sport, uint16_t dport, uint32_t seq,
                         const std::vector<uint8_t> &payload, bool toServer = true)
{
    Msg t;
    t.u16(sport).u16(dport).u32(seq).u32(1).u8(0x50).u8(0x18).u16(65535).u16(0).u16(0);
    t.bytes(payload);
    return ipv4(6, toServer, t.b);
}

std::vector<uint8_t> withLength(const std::vector<uint8_t> &m)
{
    Msg t;
    t.u16(uint16_t(m.size())).bytes(m);
    return t.b;
}

constexpr size_t kDns = 28; // the DNS message's offset in a raw IPv4/UDP frame

/// A frame dissected as number `number` at `sec` seconds in `session`.
std::unique_ptr<Dissected> at(std::vector<uint8_t> b, pl::Session &session, uint64_t number,
                              int64_t sec, uint32_t nsec = 0)
{
    auto p = std::make_unique<Dissected>(std::move(b), kRawIp); // own session: leaves `session`
    p->frame.number = number;
    p->frame.tsSec = sec;
    p->frame.tsNsec = nsec;
    p->d.dissect(p->frame, &session);
    session.frameDone(number);
    return p;
}

std::vector<uint8_t> query(uint16_t id, const std::string &n, uint16_t type = 1)
{
    Msg m;
    m.header(id, 0x0100, 1, 0, 0, 0).question(n, type);
    return m.b;
}

std::vector<uint8_t> answerA(uint16_t id, const std::string &n, uint16_t flags = 0x8180)
{
    Msg m;
    m.header(id, flags, 1, 1, 0, 0).question(n, 1).record(1, 60, {10, 1, 2, 3});
    return m.b;
}

/// The frames of a little-endian microsecond pcap file (our test captures).
struct PcapFile
{
    uint32_t linkType = 0;
    std::vector<std::vector<uint8_t>> frames;
    std::vector<std::pair<int64_t, uint32_t>> times;
};

bool readPcap(const QString &path, PcapFile &out)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray all = f.readAll();
    auto le32 = [&](qsizetype at) {
        return uint32_t(uint8_t(all[at])) | uint32_t(uint8_t(all[at + 1])) << 8 |
               uint32_t(uint8_t(all[at + 2])) << 16 | uint32_t(uint8_t(all[at + 3])) << 24;
    };
    if (all.size() < 24 || le32(0) != 0xa1b2c3d4)
        return false;
    out.linkType = le32(20);
    for (qsizetype at = 24; at + 16 <= all.size();) {
        const uint32_t len = le32(at + 8);
        if (at + 16 + qsizetype(len) > all.size())
            return false;
        out.times.push_back({int64_t(le32(at)), le32(at + 4) * 1000});
        out.frames.emplace_back(all.begin() + at + 16, all.begin() + at + 16 + len);
        at += 16 + len;
    }
    return true;
}

} // namespace

class TestDns : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (pl::Registry::instance().findField("udp.srcport") < 0)
            QSKIP("UDP is not built yet");
    }

    void queryWithEdnsCookie()
    {
        Msg m;
        m.header(0x5934, 0x0120, 1, 0, 0, 1).question("www.tcpdump.org", 1);
        m.u8(0).u16(41).u16(4096).u8(0).u8(0).u16(0x8000).u16(12); // OPT, DO bit
        m.u16(10).u16(8).bytes(hex("42f5d00996f90b13"));
        Dissected p(udp(40000, 53, m.b), kRawIp);
        QCOMPARE(p.protocol(), QStringLiteral("DNS"));
        QCOMPARE(p.info(), QStringLiteral("Standard query 0x5934 A www.tcpdump.org OPT"));
        QVERIFY(p.hasText(QStringLiteral("Domain Name System (query)")));
        QCOMPARE(p.value("dns.id"), QStringLiteral("0x5934"));
        QCOMPARE(p.range("dns.id"), QStringLiteral("28+2"));
        QCOMPARE(p.value("dns.flags"), QStringLiteral("0x0120"));
        QCOMPARE(p.label("dns.flags"), QStringLiteral("Flags: 0x0120 Standard query"));
        QCOMPARE(p.label("dns.flags.recdesired"),
                 QStringLiteral(".... ...1 .... .... = Recursion desired: Do query recursively"));
        QCOMPARE(p.label("dns.flags.authenticated"),
                 QStringLiteral(".... .... ..1. .... = AD bit: Set"));
        QCOMPARE(p.value("dns.flags.rcode"), QStringLiteral("<absent>")); // queries have none
        QCOMPARE(p.value("dns.flags.recavail"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("dns.count.queries"), QStringLiteral("1"));
        QCOMPARE(p.value("dns.count.add_rr"), QStringLiteral("1"));
        QCOMPARE(p.range("dns.count.add_rr"), QStringLiteral("38+2"));
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("www.tcpdump.org"));
        QCOMPARE(p.range("dns.qry.name"), QStringLiteral("40+17"));
        QCOMPARE(p.label("dns.qry.name.len"), QStringLiteral("[Name Length: 15]"));
        QCOMPARE(p.value("dns.count.labels"), QStringLiteral("3"));
        QCOMPARE(p.label("dns.qry.type"), QStringLiteral("Type: A (Host Address) (1)"));
        QCOMPARE(p.value("dns.qry.class"), QStringLiteral("0x0001"));
        QCOMPARE(p.label("dns.qry.class"), QStringLiteral("Class: IN (0x0001)"));
        QVERIFY(
            p.hasText(QStringLiteral("    Queries\n        www.tcpdump.org: type A, class IN\n")));
        QCOMPARE(p.value("dns.resp.name"), QStringLiteral("<Root>"));
        QCOMPARE(p.label("dns.resp.type"), QStringLiteral("Type: OPT (41)"));
        QCOMPARE(p.value("dns.resp.class"), QStringLiteral("<absent>"));
        QCOMPARE(p.label("dns.rr.udp_payload_size"), QStringLiteral("UDP payload size: 4096"));
        QCOMPARE(p.value("dns.resp.ext_rcode"), QStringLiteral("0x00"));
        QCOMPARE(p.value("dns.resp.edns0_version"), QStringLiteral("0"));
        QCOMPARE(p.label("dns.resp.z.do"),
                 QStringLiteral("1... .... .... .... = DO bit: Accepts DNSSEC security RRs"));
        QCOMPARE(p.label("dns.opt"), QStringLiteral("Option: COOKIE"));
        QCOMPARE(p.label("dns.opt.code"), QStringLiteral("Option Code: COOKIE (10)"));
        QCOMPARE(p.value("dns.opt.len"), QStringLiteral("8"));
        QCOMPARE(p.value("dns.opt.cookie.client"), QStringLiteral("42f5d00996f90b13"));
        QCOMPARE(p.range("dns.opt.cookie.client"), QStringLiteral("76+8"));
        QCOMPARE(p.label("dns.opt.cookie.server"), QStringLiteral("Server Cookie: <MISSING>"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void responseRecords()
    {
        Msg m;
        m.header(0x4444, 0x8583, 1, 9, 1, 0).question("c.example", 255);
        m.record(1, 60, {192, 0, 2, 1});
        m.record(28, 300, hex("20010db8000000000000000000000001"));
        m.record(5, 0x80000001u, nameBytes("alias.example"));
        m.record(2, 86400, nameBytes("ns.example"));
        m.record(12, 90061, nameBytes("ptr.example"));
        Msg mx;
        mx.u16(10).name("mail.example");
        m.record(15, 300, mx.b);
        m.record(16, 300, hex("0568656c6c6f 03613d62"));
        Msg srv;
        srv.u16(1).u16(2).u16(80).name("srv.example");
        m.record(33, 300, srv.b);
        m.record(65280, 300, hex("dead"));
        Msg soa;
        soa.name("a.root-servers.net").name("nstld.example").u32(2019021202).u32(1800);
        soa.u32(900).u32(604800).u32(86400);
        m.record(6, 85758, soa.b);
        Dissected p(udp(53, 40000, m.b, false), kRawIp);
        QCOMPARE(p.info(),
                 QStringLiteral("Standard query response 0x4444 No such name ANY c.example "
                                "A 192.0.2.1 AAAA 2001:db8::1 CNAME alias.example NS ns.example "
                                "PTR ptr.example MX 10 mail.example TXT SRV 1 2 80 srv.example "
                                "Unknown (65280) SOA a.root-servers.net"));
        QVERIFY(p.hasText(QStringLiteral("Domain Name System (response)")));
        QCOMPARE(p.label("dns.flags"),
                 QStringLiteral("Flags: 0x8583 Standard query response, No such name"));
        QCOMPARE(p.label("dns.flags.rcode"),
                 QStringLiteral(".... .... .... 0011 = Reply code: No such name (3)"));
        QCOMPARE(p.label("dns.qry.type"),
                 QStringLiteral("Type: * (A request for all records the server/cache has "
                                "available) (255)"));
        QCOMPARE(p.value("dns.a"), QStringLiteral("192.0.2.1"));
        QCOMPARE(p.range("dns.a"), QStringLiteral("67+4"));
        QVERIFY(p.hasText(QStringLiteral("c.example: type A, class IN, addr 192.0.2.1\n")));
        QCOMPARE(p.label("dns.resp.ttl"), QStringLiteral("Time to live: 60 (1 minute)"));
        QCOMPARE(p.value("dns.resp.len"), QStringLiteral("4"));
        QCOMPARE(p.value("dns.aaaa"), QStringLiteral("2001:db8::1"));
        QCOMPARE(p.value("dns.cname"), QStringLiteral("alias.example"));
        QVERIFY(p.hasText(QStringLiteral("Time to live: 2147483649 (24855 days, 3 hours, 14 "
                                         "minutes, 9 seconds)")));
        QVERIFY(p.hasText(QStringLiteral(
            "[Expert Info (Warning/Protocol): The uppermost bit of the TTL is set (RFC 2181, "
            "section 8)]")));
        QCOMPARE(p.value("dns.ns"), QStringLiteral("ns.example"));
        QVERIFY(p.hasText(QStringLiteral("Time to live: 90061 (1 day, 1 hour, 1 minute, 1 "
                                         "second)")));
        QCOMPARE(p.value("dns.ptr.domain_name"), QStringLiteral("ptr.example"));
        QVERIFY(p.hasText(QStringLiteral("c.example: type PTR, class IN, ptr.example\n")));
        QCOMPARE(p.value("dns.mx.preference"), QStringLiteral("10"));
        QCOMPARE(p.value("dns.mx.mail_exchange"), QStringLiteral("mail.example"));
        QVERIFY(p.hasText(
            QStringLiteral("c.example: type MX, class IN, preference 10, mx mail.example\n")));
        QCOMPARE(p.value("dns.txt"), QStringLiteral("hello"));
        QCOMPARE(p.value("dns.txt", 1), QStringLiteral("a=b"));
        QCOMPARE(p.value("dns.txt.length", 1), QStringLiteral("3"));
        QCOMPARE(p.value("dns.srv.service"), QStringLiteral("c"));
        QCOMPARE(p.value("dns.srv.proto"), QStringLiteral("example"));
        QCOMPARE(p.value("dns.srv.name"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("dns.srv.port"), QStringLiteral("80"));
        QCOMPARE(p.value("dns.srv.target"), QStringLiteral("srv.example"));
        QVERIFY(p.hasText(QStringLiteral("c.example: type SRV, class IN, priority 1, weight 2, "
                                         "port 80, target srv.example\n")));
        QCOMPARE(p.value("dns.data"), QStringLiteral("dead"));
        QVERIFY(p.hasText(QStringLiteral("Dissector for DNS Type (65280) code not implemented")));
        QCOMPARE(p.value("dns.soa.mname"), QStringLiteral("a.root-servers.net"));
        QCOMPARE(p.value("dns.soa.rname"), QStringLiteral("nstld.example"));
        QCOMPARE(p.value("dns.soa.serial_number"), QStringLiteral("2019021202"));
        QCOMPARE(p.label("dns.soa.refresh_interval"),
                 QStringLiteral("Refresh Interval: 1800 (30 minutes)"));
        QCOMPARE(p.label("dns.soa.expire_limit"), QStringLiteral("Expire limit: 604800 (7 days)"));
        QVERIFY(p.hasText(QStringLiteral("    Authoritative nameservers\n        c.example: type "
                                         "SOA, class IN, mname a.root-servers.net\n")));
        QVERIFY(!p.malformed() && !p.truncated());
        // The summary pass writes the same Info column.
        Dissected s(p.bytes, kRawIp, 0, nullptr, {}, pl::Dissection::Mode::Summary);
        QCOMPARE(s.info(), p.info());
        QCOMPARE(s.protocol(), QStringLiteral("DNS"));
    }

    void matchesQueriesAndResponses()
    {
        pl::Session s;
        s.setRemembersFrames(true);
        auto q = at(udp(1111, 53, query(0x2222, "b.example", 28)), s, 1, 100);
        QCOMPARE(q->value("dns.response_in"), QStringLiteral("<absent>")); // not known yet
        auto q2 = at(udp(1111, 53, query(0x2222, "b.example", 28)), s, 2, 101);
        QCOMPARE(q2->value("dns.retransmit_request_in"), QStringLiteral("1"));
        QCOMPARE(q2->value("dns.retransmission"), QStringLiteral("1"));
        QVERIFY(q2->hasText(QStringLiteral("[Expert Info (Warning/Protocol): DNS query "
                                           "retransmission. Original request in frame 1]")));
        auto r = at(udp(53, 1111, answerA(0x2222, "b.example"), false), s, 3, 102, 500000000);
        QCOMPARE(r->value("dns.response_to"), QStringLiteral("1"));
        QCOMPARE(r->label("dns.response_to"), QStringLiteral("[Request In: 1]"));
        QCOMPARE(r->value("dns.time"), QStringLiteral("2.500000000"));
        QCOMPARE(r->label("dns.time"), QStringLiteral("[Time: 2.500000000 seconds]"));
        QCOMPARE(r->value("dns.unsolicited"), QStringLiteral("<absent>"));
        auto r2 = at(udp(53, 1111, answerA(0x2222, "b.example"), false), s, 4, 103);
        QCOMPARE(r2->value("dns.retransmit_response_in"), QStringLiteral("3"));
        QVERIFY(r2->hasText(QStringLiteral("DNS response retransmission. Original response in "
                                           "frame 3")));
        // A response to nothing, on another port.
        auto u = at(udp(53, 2222, answerA(0x3333, "c.example"), false), s, 5, 104);
        QCOMPARE(u->value("dns.unsolicited"), QStringLiteral("1"));
        QCOMPARE(u->label("dns.unsolicited"), QStringLiteral("[Unsolicited: True]"));
        // Revisits say the same, and a query now knows its response.
        auto again = at(udp(1111, 53, query(0x2222, "b.example", 28)), s, 1, 100);
        QCOMPARE(again->value("dns.response_in"), QStringLiteral("3"));
        QCOMPARE(again->label("dns.response_in"), QStringLiteral("[Response In: 3]"));
        auto rAgain = at(udp(53, 1111, answerA(0x2222, "b.example"), false), s, 3, 102, 500000000);
        QCOMPARE(rAgain->value("dns.response_to"), QStringLiteral("1"));
        QCOMPARE(rAgain->value("dns.time"), QStringLiteral("2.500000000"));
        auto q2Again = at(udp(1111, 53, query(0x2222, "b.example", 28)), s, 2, 101);
        QCOMPARE(q2Again->value("dns.retransmit_request_in"), QStringLiteral("1"));
        // Cross-frame fields are declared so (tst_crossframe relies on it).
        const auto &reg = pl::Registry::instance();
        for (const char *f : {"dns.response_in", "dns.response_to", "dns.time", "dns.unsolicited",
                              "dns.retransmission", "dns.retransmit_request_in"})
            QVERIFY2(reg.isCrossFrame(reg.findField(f)), f);
        QVERIFY(!reg.isCrossFrame(reg.findField("dns.qry.name")));
    }

    void mdns()
    {
        Msg m;
        m.header(0, 0x8400, 1, 1, 0, 1).question("host.local", 1, 0x8001);
        m.record(1, 120, {192, 168, 1, 3}, 0x8001);
        m.u8(0).u16(41).u16(0x05a0).u8(0).u8(0).u16(0).u16(0);
        Dissected p(udp(5353, 5353, m.b), kRawIp);
        QCOMPARE(p.protocol(), QStringLiteral("MDNS"));
        QVERIFY(p.hasText(QStringLiteral("Multicast Domain Name System (response)")));
        QCOMPARE(p.info(), QStringLiteral("Standard query response 0x0000 A host.local, \"QU\" "
                                          "question A, cache flush 192.168.1.3 OPT"));
        QVERIFY(p.hasText(QStringLiteral("host.local: type A, class IN, \"QU\" question\n")));
        QCOMPARE(p.label("dns.qry.class"),
                 QStringLiteral(".000 0000 0000 0001 = Class: IN (0x0001)"));
        QCOMPARE(p.label("dns.qry.qu"),
                 QStringLiteral("1... .... .... .... = \"QU\" question: True"));
        QCOMPARE(p.value("dns.resp.cache_flush"), QStringLiteral("1"));
        QVERIFY(p.hasText(QStringLiteral("host.local: type A, class IN, cache flush, addr "
                                         "192.168.1.3\n")));
        QCOMPARE(p.value("dns.rr.udp_payload_size"), QStringLiteral("0x05a0"));
        QCOMPARE(p.value("dns.resp.cache_flush", 1), QStringLiteral("0"));
        QVERIFY(!p.malformed());
    }

    void llmnr()
    {
        Msg m;
        m.header(0x5555, 0x0700, 1, 0, 0, 0).question("host", 1);
        Dissected p(udp(5355, 5355, m.b), kRawIp);
        QCOMPARE(p.protocol(), QStringLiteral("LLMNR"));
        QCOMPARE(p.info(), QStringLiteral("Standard query 0x5555 A host"));
        QVERIFY(p.hasText(QStringLiteral("Link-local Multicast Name Resolution (query)")));
        QCOMPARE(p.label("dns.flags.conflict"),
                 QStringLiteral(".... .1.. .... .... = Conflict: The sender received multiple "
                                "responses"));
        QCOMPARE(p.label("dns.flags.tentative"),
                 QStringLiteral(".... ...1 .... .... = Tentative: Tentative"));
        QCOMPARE(p.value("dns.flags.recdesired"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("dns.count.labels"), QStringLiteral("1"));
    }

    void tcpSeveralMessages()
    {
        std::vector<uint8_t> seg = withLength(query(0x10, "a.example", 1));
        const std::vector<uint8_t> second = withLength(query(0x11, "a.example", 28));
        seg.insert(seg.end(), second.begin(), second.end());
        Dissected p(tcp(4000, 53, 2, seg), kRawIp);
        QCOMPARE(p.protocol(), QStringLiteral("DNS"));
        QCOMPARE(p.info(), QStringLiteral("Standard query 0x0011 AAAA a.example")); // the last
        QCOMPARE(p.nodes("dns").size(), size_t(2));
        QCOMPARE(p.value("dns.length"), QStringLiteral("27"));
        QCOMPARE(p.range("dns.length"), QStringLiteral("40+2"));
        QCOMPARE(p.value("dns.id", 1), QStringLiteral("0x0011"));
        QCOMPARE(p.range("dns.id"), QStringLiteral("42+2"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void tcpLengthPastSegment()
    {
        // The prefix says 200 bytes; the segment has a 27-byte message. Without reassembly
        // the start is shown and the cut marked, not called malformed.
        std::vector<uint8_t> seg = withLength(query(0x12, "a.example", 1));
        seg[0] = 0;
        seg[1] = 200;
        pl::Preferences prefs;
        prefs.tcpReassemble = false;
        Dissected p(tcp(4000, 53, 2, seg), kRawIp, 0, nullptr, prefs);
        QCOMPARE(p.value("dns.length"), QStringLiteral("200"));
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("a.example"));
        QCOMPARE(p.info(),
                 QStringLiteral("Standard query 0x0012 A a.example[BoundErrorUnreassembled "
                                "Packet]"));
        QVERIFY(p.hasText(QStringLiteral("[BoundError Unreassembled Packet: DNS]")));
        QVERIFY(p.hasText(QStringLiteral("[Expert Info (Note/Reassemble): Unreassembled fragment "
                                         "(change preferences to enable reassembly)]")));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void selfPointer()
    {
        Msg m;
        m.header(0x3333, 0x0100, 1, 0, 0, 0).u16(0xc00c).u16(1).u16(1);
        Dissected p(udp(3333, 53, m.b), kRawIp);
        QCOMPARE(p.info(), QStringLiteral("Standard query 0x3333 A <Name contains a pointer that "
                                          "loops>"));
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<Name contains a pointer that loops>"));
        QCOMPARE(p.range("dns.qry.name"), QStringLiteral("40+2"));
        QCOMPARE(p.value("dns.qry.name.len"), QStringLiteral("36"));
        QCOMPARE(p.value("dns.count.labels"), QStringLiteral("1"));
        QVERIFY(!p.malformed());
    }

    void pointerLoop()
    {
        // "a" then a pointer to the pointer itself; and a label pointing back to its start.
        Msg m;
        m.header(0x3334, 0x0100, 2, 0, 0, 0).u8(1).u8('a').u16(0xc00e).u16(1).u16(1);
        m.u8(63);
        for (int i = 0; i < 63; ++i)
            m.u8('x');
        m.u16(0xc00c).u16(1).u16(1);
        Dissected p(udp(3334, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<Name contains a pointer that loops>"));
        QCOMPARE(p.range("dns.qry.name"), QStringLiteral("40+4"));
        QCOMPARE(p.value("dns.qry.name", 1),
                 QStringLiteral("<Name contains a pointer that loops>"));
        QCOMPARE(p.value("dns.qry.type", 1), QStringLiteral("1"));
        QVERIFY(!p.malformed());
    }

    void pointerChainIsBounded()
    {
        // 300 pointers each to the next: legal but absurd; bounded, called a loop.
        Msg m;
        m.header(1, 0x0100, 1, 0, 0, 0);
        for (int i = 0; i < 300; ++i)
            m.u16(uint16_t(0xc000 | (12 + 2 * (i + 1))));
        m.u8(0).u16(1).u16(1);
        Dissected p(udp(3335, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<Name contains a pointer that loops>"));
    }

    void forwardPointer()
    {
        Msg m;
        m.header(0x3340, 0x0100, 1, 0, 0, 0).u16(0xc012).u16(1).u16(1).name("fwd.example");
        Dissected p(udp(3340, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("fwd.example"));
        QCOMPARE(p.value("dns.extraneous.data"), QStringLiteral("03667764076578616d706c6500"));
        QCOMPARE(p.value("dns.extraneous.length"), QStringLiteral("13"));
        QVERIFY(p.hasText(QStringLiteral("Extraneous Data (13 bytes)")));
    }

    void pointerPastEnd()
    {
        Msg m;
        m.header(0x3335, 0x0100, 1, 0, 0, 0).u8(1).u8('a').u16(0xc0ff).u16(1).u16(1);
        Dissected p(udp(3335, 53, m.b), kRawIp);
        QVERIFY(p.malformed());
        QCOMPARE(p.info(), QStringLiteral("Standard query 0x3335[Malformed Packet]"));
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: DNS]")));
    }

    void labelPastEnd()
    {
        Msg m;
        m.header(0x3336, 0x0100, 1, 0, 0, 0).u8(0x3f).u8('a').u8('b').u8('c');
        Dissected p(udp(3336, 53, m.b), kRawIp);
        QVERIFY(p.malformed());
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<absent>"));
    }

    void unknownExtendedLabel()
    {
        // "a", then an extended label type (01xxxxxx): the name ends there, as in Wireshark.
        Msg m;
        m.header(0x40, 0x0100, 1, 0, 0, 0).u8(1).u8('a').u8(0x46).u16(28).u16(1);
        Dissected p(udp(3336, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<Unknown extended label>"));
        QCOMPARE(p.range("dns.qry.name"), QStringLiteral("40+3"));
        QCOMPARE(p.value("dns.qry.type"), QStringLiteral("28"));
        QVERIFY(!p.malformed());
    }

    void extendedLabelType()
    {
        Msg m;
        m.header(5, 0x0100, 1, 0, 0, 0).u8(0x41).u8(0).u16(1).u16(1);
        Dissected p(udp(3336, 53, m.b), kRawIp);
        QVERIFY(p.malformed());
    }

    void nameTooLong()
    {
        std::string n;
        for (int i = 0; i < 5; ++i)
            n += (i ? "." : "") + std::string(60, 'a');
        Msg m;
        m.header(0x3338, 0x0100, 1, 0, 0, 0).question(n, 1);
        Dissected p(udp(3338, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<Name too long>"));
        QCOMPARE(p.range("dns.qry.name"), QStringLiteral("40+306"));
        QCOMPARE(p.value("dns.qry.name.len"), QStringLiteral("15"));
        QCOMPARE(p.value("dns.qry.type"), QStringLiteral("1"));
        QVERIFY(!p.malformed());
    }

    void manyLabels()
    {
        // 130 one-byte labels: 259 characters, past 255.
        Msg m;
        m.header(0x3339, 0x0100, 1, 0, 0, 0);
        for (int i = 0; i < 130; ++i)
            m.u8(1).u8('x');
        m.u8(0).u16(1).u16(1);
        Dissected p(udp(3339, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("<Name too long>"));
        QCOMPARE(p.range("dns.qry.name"), QStringLiteral("40+261"));
    }

    void unprintableLabels()
    {
        Msg m;
        m.header(0x3341, 0x0100, 1, 0, 0, 0).bytes(hex("05612e6201ff00")).u16(1).u16(1);
        Dissected p(udp(3341, 53, m.b), kRawIp);
        QCOMPARE(p.value("dns.qry.name"), QStringLiteral("a.b\\001\ufffd"));
        QCOMPARE(p.value("dns.qry.name.len"), QStringLiteral("5"));
        QCOMPARE(p.value("dns.count.labels"), QStringLiteral("2"));
    }

    void hugeCountInTinyPacket()
    {
        Msg m;
        m.header(0x3337, 0x8180, 0, 65535, 0, 0)
            .u8(0)
            .u16(1)
            .u16(1)
            .u32(1)
            .u16(4)
            .bytes({1, 2, 3, 4});
        QElapsedTimer t;
        t.start();
        Dissected p(udp(53, 3337, m.b, false), kRawIp);
        QVERIFY(t.elapsed() < 2000);
        QVERIFY(p.malformed());
        QCOMPARE(p.info(), QStringLiteral("Standard query response 0x3337 A 1.2.3.4[Malformed "
                                          "Packet]"));
        QCOMPARE(p.value("dns.a"), QStringLiteral("1.2.3.4"));
    }

    void hostileBigMessageIsFast()
    {
        // ~64 KB of records whose names all walk a long pointer chain: bounded work per name.
        Msg m;
        m.header(1, 0x8180, 0, 65535, 0, 0);
        const size_t chainStart = 12;
        for (int i = 0; i < 120; ++i)
            m.u16(uint16_t(0xc000 | (chainStart + 2 * (i + 1))));
        m.u16(0xc00c); // back to the start: a loop
        while (m.b.size() < 65000)
            m.u16(0xc00c).u16(1).u16(1).u32(1).u16(0);
        QElapsedTimer t;
        t.start();
        Dissected p(udp(53, 3337, m.b, false), kRawIp, 0, nullptr, {},
                    pl::Dissection::Mode::Summary);
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    void truncatedCapture()
    {
        // Captured up to the middle of the question: truncated, not malformed.
        std::vector<uint8_t> b = udp(40000, 53, query(7, "www.example.com", 1));
        const uint32_t wire = uint32_t(b.size());
        b.resize(kDns + 18);
        Dissected p(b, kRawIp, wire);
        QVERIFY(p.truncated());
        QVERIFY(!p.malformed());
        QCOMPARE(p.value("dns.id"), QStringLiteral("0x0007"));
    }

    void shortHeader()
    {
        Dissected p(udp(1, 53, hex("00 07 01 00 00")), kRawIp);
        QVERIFY(p.malformed());
        QCOMPARE(p.value("dns.flags"), QStringLiteral("0x0100"));
        QCOMPARE(p.value("dns.count.queries"), QStringLiteral("<absent>"));
    }

    void optionPastRecord()
    {
        Msg m;
        m.header(9, 0x0100, 0, 0, 0, 1).u8(0).u16(41).u16(1232).u32(0).u16(12);
        m.u16(10).u16(40).bytes(std::vector<uint8_t>(8, 0));
        Dissected p(udp(1, 53, m.b), kRawIp);
        QVERIFY(p.malformed());
        QCOMPARE(p.value("dns.opt.len"), QStringLiteral("40"));
        QCOMPARE(p.info(), QStringLiteral("Standard query 0x0009 OPT[Malformed Packet]"));
    }

    void captures_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *f : {"dns-crafted.pcap", "dns-loopback.pcap"})
            QTest::newRow(f) << QStringLiteral(PACKETLENS_SOURCE_DIR "/tests/data/") +
                                    QLatin1String(f);
    }

    // Over our captures: summary mode collecting every field finds what the tree has, writes
    // the same Info column, and a revisit in reverse order says what the first pass said.
    void captures()
    {
        QFETCH(QString, file);
        PcapFile pcap;
        QVERIFY2(readPcap(file, pcap), qPrintable(file));
        QVERIFY(!pcap.frames.empty());
        const pl::FieldInterest all(pl::Registry::instance().fieldCount(), 1);
        pl::Session treeSession, summarySession;
        treeSession.setRemembersFrames(true);
        pl::Dissection tree(pl::Dissection::Mode::Tree), summary(pl::Dissection::Mode::Summary);
        summary.setInterest(&all);
        std::vector<pl::Frame> frames(pcap.frames.size());
        std::vector<std::vector<pltest::Occurrence>> firstPass;
        std::vector<std::string> firstInfo;
        for (size_t i = 0; i < frames.size(); ++i) {
            pl::Frame &f = frames[i];
            f.data = pcap.frames[i].data();
            f.capLen = f.wireLen = uint32_t(pcap.frames[i].size());
            f.linkType = pcap.linkType;
            f.number = i + 1;
            f.tsSec = pcap.times[i].first;
            f.tsNsec = pcap.times[i].second;
            tree.dissect(f, &treeSession);
            treeSession.frameDone(f.number);
            summary.dissect(f, &summarySession);
            summarySession.frameDone(f.number);
            const auto t = pltest::occurrences(tree), s = pltest::occurrences(summary);
            if (t != s) {
                std::vector<pltest::Occurrence> onlyTree, onlySummary;
                pltest::difference(t, s, onlyTree, onlySummary);
                QString why;
                for (const auto &o : onlyTree)
                    why += QStringLiteral("\n tree only: ") + QString::fromStdString(describe(o));
                for (const auto &o : onlySummary)
                    why +=
                        QStringLiteral("\n summary only: ") + QString::fromStdString(describe(o));
                QFAIL(qPrintable(QStringLiteral("frame %1:%2").arg(i + 1).arg(why)));
            }
            QCOMPARE(QString::fromStdString(summary.infoColumn()),
                     QString::fromStdString(tree.infoColumn()));
            firstPass.push_back(t);
            firstInfo.push_back(tree.infoColumn());
        }
        for (size_t i = frames.size(); i-- > 0;) {
            treeSession.nextSerial();
            tree.dissect(frames[i], &treeSession);
            auto again = pltest::occurrences(tree);
            // Known only once later frames were seen: a query's response, the frame that
            // completes a TCP message.
            std::erase_if(again, [](const pltest::Occurrence &o) {
                return o.field == "dns.response_in" || o.field == "tcp.reassembled_in";
            });
            if (again != firstPass[i]) {
                std::vector<pltest::Occurrence> onlyFirst, onlyAgain;
                pltest::difference(firstPass[i], again, onlyFirst, onlyAgain);
                QString why;
                for (const auto &o : onlyFirst)
                    why += QStringLiteral("\n first pass only: ") +
                           QString::fromStdString(describe(o));
                for (const auto &o : onlyAgain)
                    why +=
                        QStringLiteral("\n revisit only: ") + QString::fromStdString(describe(o));
                QFAIL(qPrintable(QStringLiteral("frame %1:%2").arg(i + 1).arg(why)));
            }
            QCOMPARE(tree.infoColumn(), firstInfo[i]);
        }
    }
};

QTEST_GUILESS_MAIN(TestDns)
#include "tst_dns.moc"
