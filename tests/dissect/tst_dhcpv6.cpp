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

Bytes option(uint16_t code, const Bytes &value)
{
    return Bytes{uint8_t(code >> 8), uint8_t(code), uint8_t(value.size() >> 8),
                 uint8_t(value.size())} +
           value;
}

/// Ethernet + IPv6 fe80::1 -> ff02::1:2 + UDP 546 -> 547 (no checksum) around `payload`.
Bytes udp6(const Bytes &payload, uint16_t sport = 546, uint16_t dport = 547)
{
    const size_t ulen = 8 + payload.size();
    return hex("333300010002 000102030405 86dd") +
           Bytes{0x60, 0, 0, 0, uint8_t(ulen >> 8), uint8_t(ulen), 17, 64} +
           hex("fe800000000000000000000000000001 ff020000000000000000000000010002") +
           Bytes{uint8_t(sport >> 8),
                 uint8_t(sport),
                 uint8_t(dport >> 8),
                 uint8_t(dport),
                 uint8_t(ulen >> 8),
                 uint8_t(ulen),
                 0,
                 0} +
           payload;
}

constexpr size_t kMsg = 62; // frame offset of the DHCPv6 message

const Bytes kClientId = option(1, hex("00030001000102030405"));
const Bytes kServerId = option(2, hex("000100011846488c001122334455"));

} // namespace

class TestDhcpv6 : public QObject
{
    Q_OBJECT
private slots:
    void advertiseWithIaNa()
    {
        // tcpdump/dhcpv6-ia-na.pcap frame 2 (checked with tshark).
        const Bytes iaaddr = option(5, hex("2a0000010001020038e6b22ec440acdf 00001194 00001c20"));
        const Bytes msg = hex("0290b45c") + option(3, hex("02030405 00000e10 00001518") + iaaddr) +
                          kClientId + kServerId;
        Dissected d(udp6(msg, 547, 546), 1);
        QCOMPARE(d.protocol(), QStringLiteral("DHCPv6"));
        QCOMPARE(d.info(), QStringLiteral("Advertise XID: 0x90b45c IAA: "
                                          "2a00:1:1:200:38e6:b22e:c440:acdf CID: "
                                          "00030001000102030405 "));
        QCOMPARE(d.label("dhcpv6.msgtype"), QStringLiteral("Message type: Advertise (2)"));
        QCOMPARE(d.value("dhcpv6.xid"), QStringLiteral("0x90b45c"));
        QCOMPARE(d.range("dhcpv6.xid"), QStringLiteral("63+3"));
        QCOMPARE(d.value("dhcpv6.option.type_str"),
                 QStringLiteral("Identity Association for Non-temporary Address"));
        QCOMPARE(d.range("dhcpv6.option.type_str"), QStringLiteral("66+44"));
        QCOMPARE(d.label("dhcpv6.option.type"),
                 QStringLiteral("Option: Identity Association for Non-temporary Address (3)"));
        QCOMPARE(d.value("dhcpv6.option.length"), QStringLiteral("40"));
        QCOMPARE(d.value("dhcpv6.iaid"), QStringLiteral("02030405"));
        QCOMPARE(d.label("dhcpv6.iaid.t1"), QStringLiteral("T1: 3600"));
        QCOMPARE(d.value("dhcpv6.iaid.t2"), QStringLiteral("5400"));
        QCOMPARE(d.value("dhcpv6.iaaddr.ip"), QStringLiteral("2a00:1:1:200:38e6:b22e:c440:acdf"));
        QCOMPARE(d.range("dhcpv6.iaaddr.ip"), QStringLiteral("86+16"));
        QCOMPARE(d.label("dhcpv6.iaaddr.pref_lifetime"),
                 QStringLiteral("Preferred lifetime: 4500"));
        QCOMPARE(d.value("dhcpv6.iaaddr.valid_lifetime"), QStringLiteral("7200"));
        QCOMPARE(d.value("dhcpv6.duid.bytes"), QStringLiteral("00030001000102030405"));
        QCOMPARE(d.label("dhcpv6.duid.type"), QStringLiteral("DUID Type: link-layer address (3)"));
        QCOMPARE(d.label("dhcpv6.duidll.hwtype"), QStringLiteral("Hardware type: Ethernet (1)"));
        QCOMPARE(d.value("dhcpv6.duidll.link_layer_addr"), QStringLiteral("00:01:02:03:04:05"));
        QVERIFY(d.hasText(QStringLiteral("DUID Type: link-layer address plus time (1)\n")));
        QCOMPARE(d.value("dhcpv6.duidllt.time"),
                 QStringLiteral("Nov 26, 2012 15:34:36.000000000 UTC"));
        QCOMPARE(d.range("dhcpv6.duidllt.time"), QStringLiteral("132+4"));
        QCOMPARE(d.value("dhcpv6.duidllt.link_layer_addr"), QStringLiteral("00:11:22:33:44:55"));
        QVERIFY(d.hasText(QStringLiteral("    Identity Association for Non-temporary Address\n"
                                         "        Option: Identity Association for Non-temporary "
                                         "Address (3)\n        Length: 40\n")));
        QVERIFY(
            d.hasText(QStringLiteral("        IA Address\n            Option: IA Address (5)\n")));
        QVERIFY(!d.malformed());
    }

    void commonOptions()
    {
        const Bytes msg =
            hex("07001234") + kServerId + option(13, hex("0002") + Bytes{'n', 'o', ' ', 'a'}) +
            option(23, hex("20010db8000000000000000000000053 20010db8000000000000000000000054")) +
            option(24, hex("076578616d706c6503636f6d00 04636f7270076578616d706c6500")) +
            option(14, {}) + option(6, hex("00170018")) + option(8, hex("0064")) +
            option(999, hex("aabb"));
        Dissected d(udp6(msg, 547, 546), 1);
        QCOMPARE(d.info(), QStringLiteral("Reply XID: 0x001234 "));
        QCOMPARE(d.label("dhcpv6.status_code"), QStringLiteral("Status Code: NoAddrAvail (2)"));
        QCOMPARE(d.value("dhcpv6.status_msg"), QStringLiteral("no a"));
        QVERIFY(d.hasText(QStringLiteral("         2 DNS server address: 2001:db8::54\n")));
        QCOMPARE(d.value("dhcpv6.dns_server"), QStringLiteral("2001:db8::53"));
        QCOMPARE(d.value("dhcpv6.search_list_entry"), QStringLiteral("example.com."));
        QCOMPARE(d.value("dhcpv6.search_list_entry", 1), QStringLiteral("corp.example."));
        QVERIFY(d.hasText(QStringLiteral("        Domain name suffix search list\n"
                                         "            List entry: example.com.\n")));
        QVERIFY(d.hasText(QStringLiteral("    Rapid Commit\n        Option: Rapid Commit (14)\n"
                                         "        Length: 0\n")));
        QVERIFY(d.hasText(QStringLiteral("Requested Option code: Domain Search List (24)\n")));
        QCOMPARE(d.label("dhcpv6.elapsed_time"), QStringLiteral("Elapsed time: 1000ms"));
        QVERIFY(d.hasText(QStringLiteral("    DHCP option 999\n        Option: Unknown (999)\n")));
        QVERIFY(!d.malformed());
    }

    void relayForwardNesting()
    {
        const Bytes inner = hex("01005555") + kClientId;
        const Bytes relay = hex("0c01") + hex("20010db8000000000000000000000001") +
                            hex("fe800000000000000000000000000001") +
                            option(18, {'e', 't', 'h', '0'}) + option(9, inner);
        Dissected d(udp6(relay, 547, 547), 1);
        QCOMPARE(d.info(), QStringLiteral("Relay-forw L: 2001:db8::1 Solicit XID: 0x005555 CID: "
                                          "00030001000102030405 "));
        QCOMPARE(d.value("dhcpv6.hopcount"), QStringLiteral("1"));
        QCOMPARE(d.value("dhcpv6.peeraddr"), QStringLiteral("fe80::1"));
        QCOMPARE(d.value("dhcpv6.interface_id"), QStringLiteral("65746830"));
        QCOMPARE(d.value("dhcpv6.msgtype", 1), QStringLiteral("1"));
        QCOMPARE(d.value("dhcpv6.xid"), QStringLiteral("0x005555"));
        QCOMPARE(d.nodes("dhcpv6").size(), size_t(2));
    }

    void nestingIsBounded()
    {
        Bytes msg = hex("01005555") + kClientId;
        for (int i = 0; i < 60; ++i)
            msg = hex("0c00") + Bytes(32, 0) + option(9, msg);
        Dissected d(udp6(msg, 547, 547), 1);
        QVERIFY(!d.malformed());
        QVERIFY(d.nodes("dhcpv6").size() <= 34);
        QVERIFY(d.nodes("dhcpv6").size() >= 30);
    }

    void optionLengthPastEnd()
    {
        // A client identifier claiming 48 bytes of the 2 present.
        Dissected d(udp6(hex("07000077 00010030 0003")), 1);
        QVERIFY(d.malformed());
        QCOMPARE(d.value("dhcpv6.option.length"), QStringLiteral("48"));
        QCOMPARE(d.value("dhcpv6.duid.bytes"), QStringLiteral("<absent>"));
        QVERIFY(d.hasText(QStringLiteral("[Malformed Packet: DHCPv6]")));
        QCOMPARE(d.info(), QStringLiteral("Reply XID: 0x000077 [Malformed Packet]"));

        // Cut inside the transaction id by the capture: truncated.
        Bytes f = udp6(hex("01001234") + kClientId);
        const uint32_t wire = uint32_t(f.size());
        f.resize(kMsg + 2);
        Dissected t(f, 1, wire);
        QVERIFY(t.truncated() && !t.malformed());
    }

    void unknownMessageType()
    {
        Dissected d(udp6(hex("14000024")), 1);
        QCOMPARE(d.info(), QStringLiteral("Message Type 20 XID: 0x000024 "));
        QCOMPARE(d.label("dhcpv6.msgtype"), QStringLiteral("Message type: Unknown (20)"));
    }
};

QTEST_APPLESS_MAIN(TestDhcpv6)
#include "tst_dhcpv6.moc"
