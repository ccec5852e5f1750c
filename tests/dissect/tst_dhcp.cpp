#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {

using Bytes = std::vector<uint8_t>;

void append(Bytes &b, const Bytes &more)
{
    b.insert(b.end(), more.begin(), more.end());
}

Bytes option(uint8_t code, const Bytes &value)
{
    Bytes b{code, uint8_t(value.size())};
    append(b, value);
    return b;
}

Bytes text(const char *s)
{
    return Bytes(s, s + strlen(s));
}

/// Ethernet + IPv4 (checksum computed) + UDP (no checksum) around `payload`; `udpLength`
/// overrides the UDP length field (a datagram shorter than its IP payload).
Bytes udp4(const Bytes &payload, uint16_t sport = 68, uint16_t dport = 67, int udpLength = -1)
{
    Bytes f = hex("ffffffffffff 000b8201fc42 0800");
    const size_t total = 20 + 8 + payload.size();
    Bytes ip = {
        0x45, 0, uint8_t(total >> 8), uint8_t(total), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0,
        0,    9};
    pltest::setIpv4Checksum(ip.data());
    append(f, ip);
    const size_t ulen = udpLength >= 0 ? size_t(udpLength) : 8 + payload.size();
    append(f, {uint8_t(sport >> 8), uint8_t(sport), uint8_t(dport >> 8), uint8_t(dport),
               uint8_t(ulen >> 8), uint8_t(ulen), 0, 0});
    append(f, payload);
    return f;
}

/// The fixed BOOTP header (236 bytes) of client 00:0b:82:01:fc:42, then the magic cookie.
Bytes bootp(uint8_t op, uint32_t xid, bool cookie = true, const Bytes &sname = {},
            const Bytes &file = {})
{
    Bytes b = {op, 1, 6, 0, uint8_t(xid >> 24), uint8_t(xid >> 16), uint8_t(xid >> 8), uint8_t(xid),
               0,  0, 0, 0};
    b.resize(b.size() + 16, 0);                      // ciaddr yiaddr siaddr giaddr
    b[16] = 192, b[17] = 168, b[18] = 0, b[19] = 10; // yiaddr
    append(b, hex("000b8201fc42 00000000000000000000"));
    Bytes s = sname;
    s.resize(64, 0);
    append(b, s);
    Bytes fl = file;
    fl.resize(128, 0);
    append(b, fl);
    if (cookie)
        append(b, hex("63825363"));
    return b;
}

constexpr size_t kDhcp = 42; // frame offset of the BOOTP header

} // namespace

class TestDhcp : public QObject
{
    Q_OBJECT
private slots:
    void discoverFieldsRangesLabels()
    {
        Bytes p = bootp(1, 0x3d1d);
        append(p, option(53, {1}));
        append(p, option(61, hex("01000b8201fc42")));
        append(p, option(55, {1, 3, 6, 42}));
        p.push_back(255);
        append(p, Bytes(7, 0));
        Dissected d(udp4(p), 1);
        QCOMPARE(d.protocol(), QStringLiteral("DHCP"));
        QCOMPARE(d.info(), QStringLiteral("DHCP Discover - Transaction ID 0x3d1d"));
        QVERIFY(d.hasText(QStringLiteral("Dynamic Host Configuration Protocol (Discover)\n")));
        QCOMPARE(d.label("dhcp.type"), QStringLiteral("Message type: Boot Request (1)"));
        QCOMPARE(d.range("dhcp.type"), QStringLiteral("42+1"));
        QCOMPARE(d.label("dhcp.hw.type"), QStringLiteral("Hardware type: Ethernet (0x01)"));
        QCOMPARE(d.value("dhcp.id"), QStringLiteral("0x00003d1d"));
        QCOMPARE(d.range("dhcp.id"), QStringLiteral("46+4"));
        QCOMPARE(d.label("dhcp.flags"), QStringLiteral("Bootp flags: 0x0000 (Unicast)"));
        QCOMPARE(d.label("dhcp.flags.bc"),
                 QStringLiteral("0... .... .... .... = Broadcast flag: Unicast"));
        QCOMPARE(d.label("dhcp.flags.reserved"),
                 QStringLiteral(".000 0000 0000 0000 = Reserved flags: 0x0000"));
        QCOMPARE(d.value("dhcp.ip.your"), QStringLiteral("192.168.0.10"));
        QCOMPARE(d.range("dhcp.ip.relay"), QStringLiteral("66+4"));
        QCOMPARE(d.value("dhcp.hw.mac_addr"), QStringLiteral("00:0b:82:01:fc:42"));
        QCOMPARE(d.range("dhcp.hw.mac_addr"), QStringLiteral("70+6"));
        QCOMPARE(d.label("dhcp.hw.addr_padding"),
                 QStringLiteral("Client hardware address padding: 00000000000000000000"));
        QCOMPARE(d.label("dhcp.server"), QStringLiteral("Server host name not given"));
        QCOMPARE(d.range("dhcp.server"), QStringLiteral("86+64"));
        QCOMPARE(d.value("dhcp.server"), QString());
        QCOMPARE(d.label("dhcp.file"), QStringLiteral("Boot file name not given"));
        QCOMPARE(d.label("dhcp.cookie"), QStringLiteral("Magic cookie: DHCP"));
        QCOMPARE(d.value("dhcp.cookie"), QStringLiteral("99.130.83.99"));
        QCOMPARE(d.range("dhcp.cookie"), QStringLiteral("278+4"));
        // Options: tshark's dhcp.option.type of the end option is 0.
        const QStringList types = {QStringLiteral("53"), QStringLiteral("61"), QStringLiteral("55"),
                                   QStringLiteral("0")};
        for (int i = 0; i < types.size(); ++i)
            QCOMPARE(d.value("dhcp.option.type", size_t(i)), types[i]);
        QCOMPARE(d.range("dhcp.option.type"), QStringLiteral("282+3"));
        QCOMPARE(d.label("dhcp.option.type"),
                 QStringLiteral("Option: (53) DHCP Message Type (Discover)"));
        QCOMPARE(d.label("dhcp.option.length"), QStringLiteral("Length: 1"));
        QCOMPARE(d.label("dhcp.option.dhcp"), QStringLiteral("DHCP: Discover (1)"));
        QCOMPARE(d.range("dhcp.option.dhcp"), QStringLiteral("284+1"));
        QCOMPARE(d.value("dhcp.option.value"), QStringLiteral("01"));
        QCOMPARE(d.value("dhcp.hw.mac_addr", 1), QStringLiteral("00:0b:82:01:fc:42"));
        QCOMPARE(d.range("dhcp.option.request_list_item"), QStringLiteral("296+1"));
        QCOMPARE(d.value("dhcp.option.request_list_item", 3), QStringLiteral("42"));
        QVERIFY(d.hasText(QStringLiteral(
            "        Parameter Request List Item: (42) Network Time Protocol Servers\n")));
        QVERIFY(d.hasText(QStringLiteral("    Option: (255) End\n        Option End: 255\n")));
        QCOMPARE(d.label("dhcp.option.padding"), QStringLiteral("Padding: 00000000000000"));
        QCOMPARE(d.range("dhcp.option.padding"), QStringLiteral("301+7"));
        QVERIFY(!d.malformed() && !d.truncated());
    }

    void replyOptionsByName()
    {
        Bytes p = bootp(2, 0x12345678);
        append(p, option(53, {5}));
        append(p, option(1, {255, 255, 255, 0}));
        append(p, option(2, {0xff, 0xff, 0xf1, 0xf0}));
        append(p, option(3, {10, 0, 0, 1, 10, 0, 0, 2}));
        append(p, option(6, {8, 8, 8, 8}));
        append(p, option(12, text("myhost")));
        append(p, option(15, text("example.com")));
        append(p, option(51, {0, 0, 0xa8, 0xb3}));
        append(p, option(58, {0xff, 0xff, 0xff, 0xff}));
        append(p, option(54, {10, 0, 0, 1}));
        append(p, option(60, text("MSFT 5.0")));
        append(p, option(19, {1}));
        append(p, option(80, {}));
        append(p, option(200, {0xaa, 0xbb}));
        p.push_back(255);
        Dissected d(udp4(p, 67, 68), 1);
        QCOMPARE(d.info(), QStringLiteral("DHCP ACK      - Transaction ID 0x12345678"));
        QVERIFY(d.hasText(QStringLiteral("    Option: (1) Subnet Mask (255.255.255.0)\n")));
        QCOMPARE(d.value("dhcp.option.subnet_mask"), QStringLiteral("255.255.255.0"));
        QCOMPARE(d.value("dhcp.option.time_offset"), QStringLiteral("-3600"));
        QCOMPARE(d.label("dhcp.option.time_offset"),
                 QStringLiteral("Time Offset: (-3600s) -1 hour"));
        QCOMPARE(d.value("dhcp.option.router", 1), QStringLiteral("10.0.0.2"));
        QVERIFY(d.hasText(QStringLiteral("    Option: (3) Router\n")));
        QCOMPARE(d.label("dhcp.option.domain_name_server"),
                 QStringLiteral("Domain Name Server: 8.8.8.8"));
        QCOMPARE(d.value("dhcp.option.hostname"), QStringLiteral("myhost"));
        QCOMPARE(d.label("dhcp.option.domain_name"), QStringLiteral("Domain Name: example.com"));
        QCOMPARE(
            d.label("dhcp.option.ip_address_lease_time"),
            QStringLiteral("IP Address Lease Time: (43187s) 11 hours, 59 minutes, 47 seconds"));
        QCOMPARE(d.label("dhcp.option.renewal_time_value"),
                 QStringLiteral("Renewal Time Value: (4294967295s) infinity"));
        QVERIFY(d.hasText(QStringLiteral("    Option: (54) DHCP Server Identifier (10.0.0.1)\n")));
        QCOMPARE(d.value("dhcp.option.vendor_class_id"), QStringLiteral("MSFT 5.0"));
        QCOMPARE(d.label("dhcp.option.ip_forwarding"), QStringLiteral("IP Forwarding: Enabled"));
        QVERIFY(d.hasText(QStringLiteral("    Option: (80) Rapid commit\n        Length: 0\n"
                                         "        Value: <MISSING>\n")));
        QVERIFY(d.hasText(QStringLiteral("    Option: (200) Unassigned\n        Length: 2\n"
                                         "        Value: aabb\n")));
        QVERIFY(!d.malformed());
    }

    void leasequeryMessageTypes()
    {
        Bytes p = bootp(1, 1);
        append(p, option(53, {10}));
        p.push_back(255);
        Dissected q(udp4(p, 67, 67), 1);
        QCOMPARE(q.info(), QStringLiteral("DHCP Lease query - Transaction ID 0x1"));
        Bytes a = bootp(2, 1);
        append(a, option(53, {13}));
        append(a, option(91, {0, 0, 0, 13}));
        append(a, option(92, {10, 50, 4, 4}));
        a.push_back(255);
        Dissected r(udp4(a, 67, 67), 1);
        QCOMPARE(r.info(), QStringLiteral("DHCP Lease Active - Transaction ID 0x1"));
        QCOMPARE(r.label("dhcp.option.client_last_transaction_time"),
                 QStringLiteral("Client last transaction time: (13s) 13 seconds"));
        QCOMPARE(r.value("dhcp.option.associated_ip_option"), QStringLiteral("10.50.4.4"));
        Bytes u = bootp(1, 1);
        append(u, option(53, {0x63}));
        u.push_back(255);
        Dissected x(udp4(u), 1);
        QCOMPARE(x.info(), QStringLiteral("DHCP Unknown Message Type (0x63) - Transaction ID 0x1"));
        QCOMPARE(x.label("dhcp.option.dhcp"), QStringLiteral("DHCP: Unknown (99)"));
    }

    void plainBootpAndShortVendorArea()
    {
        Bytes p = bootp(2, 7, false);
        append(p, Bytes(64, 1));
        Dissected d(udp4(p, 67, 68), 1);
        QCOMPARE(d.protocol(), QStringLiteral("BOOTP"));
        QCOMPARE(d.info(), QStringLiteral("Boot Reply"));
        QCOMPARE(d.value("dhcp.bootp"), QStringLiteral("1"));
        QCOMPARE(d.range("dhcp.vendor_specific_options"), QStringLiteral("278+64"));
        QCOMPARE(d.label("dhcp.vendor_specific_options"),
                 QStringLiteral("Bootp vendor specific options: ") +
                     QStringLiteral("01").repeated(36) + QStringLiteral("\u2026"));
        QVERIFY(!d.malformed());

        // The cookie two bytes early (tcpdump/dhcp-rfc4388.pcap frame 43): not a cookie,
        // and the 64-byte vendor area runs past the datagram.
        Bytes s = bootp(1, 1, false);
        s.resize(234);
        append(s, hex("63825363 35010aff 00000000000000000000"));
        Dissected m(udp4(s), 1);
        QCOMPARE(m.protocol(), QStringLiteral("BOOTP"));
        QCOMPARE(m.info(), QStringLiteral("Boot Request from 00:0b:82:01:fc:42 "
                                          "(00:0b:82:01:fc:42)[Malformed Packet]"));
        QVERIFY(m.malformed());
        QVERIFY(m.hasText(QStringLiteral("[Malformed Packet: DHCP/BOOTP]")));
    }

    void optionLengthPastTheEnd()
    {
        Bytes p = bootp(1, 0x12345678);
        append(p, option(53, {1}));
        append(p, hex("0c20616263")); // host name of 32 bytes, 3 present
        Dissected d(udp4(p), 1);
        QCOMPARE(d.info(),
                 QStringLiteral("DHCP Discover - Transaction ID 0x12345678[Malformed Packet]"));
        QCOMPARE(d.protocol(), QStringLiteral("DHCP"));
        QVERIFY(d.malformed());
        QVERIFY(d.hasText(QStringLiteral("    Option: (12) Host Name\n        Length: 32\n")));
        QCOMPARE(d.value("dhcp.option.hostname"), QStringLiteral("<absent>"));
        QVERIFY(d.hasText(QStringLiteral("[Malformed Packet: DHCP/BOOTP]")));
    }

    void endOptionMissing()
    {
        Bytes p = bootp(1, 0x12345678);
        append(p, option(53, {1}));
        append(p, option(12, text("abc")));
        Dissected d(udp4(p), 1);
        QVERIFY(!d.malformed());
        QVERIFY(
            d.hasText(QStringLiteral("    [Expert Info (Error/Protocol): End option missing]")));
        QCOMPARE(d.nodes("dhcp.end_option_missing").size(), size_t(1));
    }

    void truncatedCapture()
    {
        Bytes p = bootp(1, 0x3d1d);
        append(p, option(53, {1}));
        p.push_back(255);
        Bytes f = udp4(p);
        const uint32_t wire = uint32_t(f.size());
        f.resize(96);
        Dissected d(f, 1, wire);
        QVERIFY(d.truncated() && !d.malformed());
        QCOMPARE(d.protocol(), QStringLiteral("BOOTP"));
        QCOMPARE(d.info(),
                 QStringLiteral("Boot Request from 00:0b:82:01:fc:42 "
                                "(00:0b:82:01:fc:42)[Packet size limited during capture]"));
        QVERIFY(d.hasText(
            QStringLiteral("[Packet size limited during capture: DHCP/BOOTP truncated]")));
        QCOMPARE(d.range("dhcp.hw.addr_padding"), QStringLiteral("76+10"));
        QCOMPARE(d.value("dhcp.server"), QStringLiteral("<absent>"));
    }

    void optionOverload()
    {
        Bytes sname = option(12, text("snamehost"));
        sname.push_back(255);
        Bytes file = option(15, text("file.example"));
        file.push_back(255);
        Bytes p = bootp(2, 0x12345678, true, sname, file);
        append(p, option(53, {5}));
        append(p, option(52, {3}));
        p.push_back(255);
        Dissected d(udp4(p, 67, 68), 1);
        QVERIFY(!d.malformed());
        QCOMPARE(
            d.label("dhcp.option.option_overload"),
            QStringLiteral("Option Overload: Boot file and server host names hold options (3)"));
        QCOMPARE(d.value("dhcp.option.hostname"), QStringLiteral("snamehost"));
        QCOMPARE(d.range("dhcp.option.hostname"), QStringLiteral("88+9"));
        QCOMPARE(d.value("dhcp.option.domain_name"), QStringLiteral("file.example"));
        QCOMPARE(d.range("dhcp.option.domain_name"), QStringLiteral("152+12"));
        QCOMPARE(d.value("dhcp.server"), QStringLiteral("<absent>"));
        QVERIFY(d.hasText(QStringLiteral("    Server name option overloaded by DHCP\n")));
        QVERIFY(d.hasText(QStringLiteral("        Server host name option overload\n"
                                         "            Option: (12) Host Name\n")));
        QCOMPARE(d.nodes("dhcp.boot_filename_overloaded_by_dhcp").size(), size_t(1));

        // An option in the sname field running past it is malformed, not read from `file`.
        Bytes bad = option(12, Bytes(70, 'x'));
        bad.resize(64);
        Bytes q = bootp(2, 1, true, bad);
        append(q, option(53, {5}));
        append(q, option(52, {2}));
        q.push_back(255);
        Dissected m(udp4(q, 67, 68), 1);
        QVERIFY(m.malformed());
    }

    void namesGiven()
    {
        Bytes p = bootp(2, 1, true, text("srv1"), text("/boot/pxe"));
        append(p, option(53, {2}));
        p.push_back(255);
        Dissected d(udp4(p, 67, 68), 1);
        QCOMPARE(d.label("dhcp.server"), QStringLiteral("Server host name: srv1"));
        QCOMPARE(d.value("dhcp.file"), QStringLiteral("/boot/pxe"));
        QCOMPARE(d.info(), QStringLiteral("DHCP Offer    - Transaction ID 0x1"));
    }

    void wrongFixedLengths()
    {
        Bytes p = bootp(1, 1);
        append(p, option(53, {8}));
        append(p, option(1, {255, 255, 255}));
        append(p, option(3, {1, 2, 3, 4, 5}));
        p.push_back(255);
        Dissected d(udp4(p), 1);
        QVERIFY(!d.malformed());
        QVERIFY(
            d.hasText(QStringLiteral("    Option: (1) Subnet Mask\n        Length: 3\n"
                                     "        Value: ffffff\n"
                                     "        [Expert Info (Error/Protocol): length isn't 4]")));
        QCOMPARE(d.value("dhcp.option.router"), QStringLiteral("1.2.3.4"));
        QVERIFY(d.hasText(
            QStringLiteral("[Expert Info (Error/Protocol): Option length isn't a multiple of 4]")));
    }

    void hugeNumbersOfOptions()
    {
        Bytes p = bootp(1, 1);
        append(p, option(53, {1}));
        for (int i = 0; i < 400; ++i)
            append(p, option(12, {'x'}));
        append(p, Bytes(3000, 0)); // one padding run, one item
        p.push_back(255);
        Dissected d(udp4(p), 1);
        QVERIFY(!d.malformed());
        QCOMPARE(d.nodes("dhcp.option.hostname").size(), size_t(400));
        QCOMPARE(d.nodes("dhcp.option.padding").size(), size_t(1));
        QCOMPARE(d.range("dhcp.option.padding"),
                 QStringLiteral("%1+3000").arg(kDhcp + 240 + 3 + 1200));
    }

    void relayAgentDomainSearchRoutes()
    {
        Bytes p = bootp(1, 1);
        append(p, option(53, {1}));
        Bytes agent = option(1, text("eth0/1"));
        append(agent, option(2, hex("001122334455")));
        append(agent, option(5, {10, 1, 2, 0}));
        append(agent, option(6, text("sub")));
        append(p, option(82, agent));
        append(p, option(119, hex("076578616d706c6503636f6d00 04636f7270c000")));
        append(p, option(121, {24, 192, 168, 1, 10, 0, 0, 1, 0, 10, 0, 0, 254}));
        append(p, option(1, {}));
        append(p, option(12, {}));
        p.push_back(255);
        Dissected d(udp4(p), 1);
        QVERIFY(!d.malformed());
        QCOMPARE(d.label("dhcp.option.agent_information_option.suboption"),
                 QStringLiteral("Option 82 Suboption: (1) Agent Circuit ID"));
        QCOMPARE(d.range("dhcp.option.agent_information_option.suboption"),
                 QStringLiteral("287+8"));
        QCOMPARE(d.value("dhcp.option.agent_information_option.agent_circuit_id"),
                 QStringLiteral("657468302f31"));
        QCOMPARE(d.value("dhcp.option.agent_information_option.agent_remote_id"),
                 QStringLiteral("001122334455"));
        QVERIFY(d.hasText(QStringLiteral("Option 82 Suboption: (5) Link selection (10.1.2.0)\n")));
        QCOMPARE(d.value("dhcp.option.agent_information_option.subscriber_id"),
                 QStringLiteral("sub"));
        QCOMPARE(d.value("dhcp.option.dhcp_dns_domain_search_list_fqdn"),
                 QStringLiteral("example.com"));
        QCOMPARE(d.value("dhcp.option.dhcp_dns_domain_search_list_fqdn", 1),
                 QStringLiteral("corp.example.com"));
        QCOMPARE(d.label("dhcp.option.classless_static_route"),
                 QStringLiteral(" 192.168.1.0/24-10.0.0.1"));
        QVERIFY(d.hasText(QStringLiteral("         default-10.0.0.254\n")));
        QVERIFY(
            d.hasText(QStringLiteral("    Option: (1) Subnet Mask\n        Length: 0\n"
                                     "        Value: <MISSING>\n"
                                     "        [Expert Info (Error/Protocol): length isn't 4]")));
        QVERIFY(d.hasText(QStringLiteral("        Value: <MISSING>\n        Host Name: \n")));
    }

    void hostileDomainSearchAndEmptyType()
    {
        // Pointers that loop (to themselves and to each other) end; no hang, no overread.
        Bytes p = bootp(1, 1);
        append(p, option(53, {1}));
        append(p, option(119, hex("c000 c004 c002 03616263")));
        p.push_back(255);
        Dissected d(udp4(p), 1);
        QVERIFY(!d.nodes("dhcp.option.dhcp_dns_domain_search_list_fqdn").empty());
        // An empty message type option is malformed, as in Wireshark.
        Bytes e = bootp(1, 1);
        append(e, option(53, {}));
        e.push_back(255);
        Dissected m(udp4(e), 1);
        QVERIFY(m.malformed());
        QCOMPARE(m.protocol(), QStringLiteral("BOOTP"));
    }

    void wiresharkQuirks()
    {
        // Seconds sent little-endian (0x0200): shown swapped, with a note.
        Bytes p = bootp(1, 1);
        p[8] = 2;
        append(p, option(53, {1}));
        p.push_back(255);
        Dissected d(udp4(p), 1);
        QCOMPARE(d.value("dhcp.secs"), QStringLiteral("2"));
        QCOMPARE(d.nodes("dhcp.secs_le").size(), size_t(1));
        QCOMPARE(d.value("dhcp.bootp"), QStringLiteral("<absent>"));

        // A hardware address length over 16: no address, a note; Info shows the bytes.
        Bytes q = bootp(1, 1);
        q[2] = 20;
        append(q, option(53, {1}));
        q.push_back(255);
        Dissected a(udp4(q), 1);
        QVERIFY(a.hasText(QStringLiteral("    Client address not given\n")));
        QCOMPARE(a.value("dhcp.hw.addr_padding"), QStringLiteral("<absent>"));

        // Options cut by the capture: Wireshark's first pass over them fails before any
        // item is added, after the Info column was written.
        Bytes r = bootp(1, 1);
        append(r, option(53, {1}));
        append(r, option(12, text("a-long-enough-host-name")));
        r.push_back(255);
        Bytes f = udp4(r);
        const uint32_t wire = uint32_t(f.size());
        f.resize(f.size() - 10);
        Dissected t(f, 1, wire);
        QVERIFY(t.truncated());
        QCOMPARE(t.value("dhcp.type"), QStringLiteral("<absent>"));
        QCOMPARE(t.protocol(), QStringLiteral("BOOTP"));
        QCOMPARE(t.info(),
                 QStringLiteral("Boot Request from 00:0b:82:01:fc:42 "
                                "(00:0b:82:01:fc:42)[Packet size limited during capture]"));

        // No message type option: the hidden "Frame is BOOTP".
        Bytes b = bootp(2, 1);
        append(b, option(1, {255, 255, 255, 0}));
        b.push_back(255);
        Dissected n(udp4(b, 67, 68), 1);
        QCOMPARE(n.value("dhcp.bootp"), QStringLiteral("1"));
        QCOMPARE(n.protocol(), QStringLiteral("BOOTP"));
    }

    void summaryModeColumnsAlike()
    {
        Bytes p = bootp(1, 0x3d1d);
        append(p, option(53, {3}));
        p.push_back(255);
        Dissected d(udp4(p), 1, 0, nullptr, {}, pl::Dissection::Mode::Summary);
        QCOMPARE(d.protocol(), QStringLiteral("DHCP"));
        QCOMPARE(d.info(), QStringLiteral("DHCP Request  - Transaction ID 0x3d1d"));
    }
};

QTEST_APPLESS_MAIN(TestDhcp)
#include "tst_dhcp.moc"
