#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {
const char *const kEth = "ffffffffffff 020000000001 ";
const char *const kArp = "0001 0800 06 04 0001 020000000001 c0a80001 000000000000 c0a80002";

std::vector<uint8_t> frame(const std::string &tagsAndPayload)
{
    return hex((std::string(kEth) + tagsAndPayload).c_str());
}
} // namespace

class TestVlan : public QObject
{
    Q_OBJECT
private slots:
    void singleTag()
    {
        // PRI 7, DEI 0, ID 100, unknown inner type 0x88b5.
        Dissected p(frame("8100 e064 88b5 aaaa"), 1);
        QCOMPARE(p.value("vlan.priority"), QStringLiteral("7"));
        QCOMPARE(p.label("vlan.priority"),
                 QStringLiteral("111. .... .... .... = Priority: Network Control (7)"));
        QCOMPARE(p.value("vlan.dei"), QStringLiteral("0"));
        QCOMPARE(p.label("vlan.dei"), QStringLiteral("...0 .... .... .... = DEI: Ineligible"));
        QCOMPARE(p.value("vlan.id"), QStringLiteral("100"));
        QCOMPARE(p.label("vlan.id"), QStringLiteral(".... 0000 0110 0100 = ID: 100"));
        QCOMPARE(p.range("vlan.id"), QStringLiteral("14+2"));
        QCOMPARE(p.value("vlan.etype"), QStringLiteral("0x88b5"));
        QCOMPARE(p.range("vlan.etype"), QStringLiteral("16+2"));
        QCOMPARE(p.range("vlan"), QStringLiteral("14+4"));
        QVERIFY(p.hasText(QStringLiteral("802.1Q Virtual LAN, PRI: 7, DEI: 0, ID: 100\n")));
        QCOMPARE(p.protocol(), QStringLiteral("VLAN"));
        QCOMPARE(p.info(), QStringLiteral("PRI: 7  DEI: 0  ID: 100"));
        QCOMPARE(p.value("data.data"), QStringLiteral("aaaa"));
        QCOMPARE(p.range("data.data"), QStringLiteral("18+2"));
        QCOMPARE(p.source(), QStringLiteral("02:00:00:00:00:01"));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void qinqProviderThenCustomerThenArp()
    {
        // As in 802.1ad_QinQ.pcap: S-tag 200, C-tag 2001, ARP.
        Dissected p(frame(std::string("88a8 00c8 8100 07d1 0806 ") + kArp), 1);
        QCOMPARE(p.value("ieee8021ad.id"), QStringLiteral("200"));
        QCOMPARE(p.range("ieee8021ad.id"), QStringLiteral("14+2"));
        QCOMPARE(p.label("ieee8021ad.priority"),
                 QStringLiteral("000. .... .... .... = Priority: 0"));
        QCOMPARE(p.label("ieee8021ad.dei"), QStringLiteral("...0 .... .... .... = DEI: 0"));
        QCOMPARE(p.value("ieee8021ah.etype"), QStringLiteral("0x8100"));
        QVERIFY(p.hasText(QStringLiteral("IEEE 802.1ad, ID: 200\n")));
        QCOMPARE(p.value("vlan.id"), QStringLiteral("2001"));
        QCOMPARE(p.range("vlan.id"), QStringLiteral("18+2"));
        QCOMPARE(p.value("vlan.etype"), QStringLiteral("0x0806"));
        QCOMPARE(p.value("arp.opcode"), QStringLiteral("1"));
        QCOMPARE(p.range("arp.opcode"), QStringLiteral("28+2"));
        QCOMPARE(p.protocol(), QStringLiteral("ARP"));
        QCOMPARE(p.info(), QStringLiteral("Who has 192.168.0.2? Tell 192.168.0.1"));
        // Ethernet's addresses stay in the columns.
        QCOMPARE(p.destination(), QStringLiteral("ff:ff:ff:ff:ff:ff"));
    }

    void stackedCustomerTagsAreSeparateItems()
    {
        // 0x8100 then 0x9100: two vlan items; -T fields lists "outer,inner".
        Dissected p(frame(std::string("8100 300a 9100 a00b 0806 ") + kArp), 1);
        QCOMPARE(p.nodes("vlan").size(), size_t(2));
        QCOMPARE(p.value("vlan.id", 0), QStringLiteral("10"));
        QCOMPARE(p.value("vlan.id", 1), QStringLiteral("11"));
        QCOMPARE(p.value("vlan.priority", 0), QStringLiteral("1"));
        QCOMPARE(p.value("vlan.priority", 1), QStringLiteral("5"));
        QCOMPARE(p.value("vlan.dei", 0), QStringLiteral("1"));
        QCOMPARE(p.value("vlan.etype", 0), QStringLiteral("0x9100"));
        QCOMPARE(p.value("vlan.etype", 1), QStringLiteral("0x0806"));
        QCOMPARE(p.protocol(), QStringLiteral("ARP"));
    }

    void providerTagWithUnknownType()
    {
        Dissected p(frame("88a8 f064 8806 aaaa"), 1);
        QCOMPARE(p.value("ieee8021ad.priority"), QStringLiteral("7"));
        QCOMPARE(p.value("ieee8021ad.dei"), QStringLiteral("1"));
        QCOMPARE(p.protocol(), QStringLiteral("802.1ad"));
        QCOMPARE(p.info(), QStringLiteral("PRI: 7  DROP: 1 ID: 100"));
        QCOMPARE(p.value("data.data"), QStringLiteral("aaaa"));
    }

    void lengthInsteadOfType()
    {
        Dissected ok(frame("8100 f064 0003 aaaa03 0000"), 1);
        QCOMPARE(ok.value("vlan.len"), QStringLiteral("3"));
        QCOMPARE(ok.range("vlan.len"), QStringLiteral("16+2"));
        QCOMPARE(ok.value("vlan.etype"), QStringLiteral("<absent>"));
        QCOMPARE(ok.value("vlan.dei"), QStringLiteral("1"));
        QCOMPARE(ok.value("data.data"), QStringLiteral("aaaa03"));
        QVERIFY(!ok.malformed());

        // A length that lies: malformed, with Wireshark's expert text.
        Dissected lie(frame("8100 f064 0010 aaaa03"), 1);
        QCOMPARE(lie.value("vlan.len"), QStringLiteral("16"));
        QVERIFY(lie.malformed());
        QVERIFY(lie.hasText(QStringLiteral("Length field value goes past the end of the payload")));
        QCOMPARE(lie.value("data.data"), QStringLiteral("aaaa03"));
    }

    void tooManyTags()
    {
        std::string tags;
        for (int i = 1; i <= 25; ++i) {
            char buf[16];
            snprintf(buf, sizeof buf, "8100%04x", i);
            tags += buf;
        }
        Dissected p(frame(tags + "0806" + kArp), 1);
        // Wireshark stops at 20 tags and names the 21st only in Info.
        QCOMPARE(p.nodes("vlan.id").size(), size_t(20));
        QCOMPARE(p.nodes("vlan").size(), size_t(21));
        QCOMPARE(p.value("vlan.id", 19), QStringLiteral("20"));
        QVERIFY(p.hasText(QStringLiteral("Too many nested VLAN tags")));
        QCOMPARE(p.info(), QStringLiteral("PRI: 0  DEI: 0  ID: 21"));
        QCOMPARE(p.value("arp.opcode"), QStringLiteral("<absent>"));
        QVERIFY(!p.malformed());
    }

    void thousandsOfTagsDoNotRecurse()
    {
        // Alternating S- and C-tags never reach the 802.1Q limit quickly but must not
        // recurse or overflow either; the frame is cut at the end of the capture.
        std::string tags;
        for (int i = 0; i < 3000; ++i)
            tags += "88a8 0001 8100 0002 ";
        tags += "88a8 00";
        Dissected p(frame(tags), 1, 100000);
        QVERIFY(p.hasText(QStringLiteral("Too many nested VLAN tags")));
        QCOMPARE(p.nodes("vlan").size(), size_t(21));

        std::string provider;
        for (int i = 0; i < 5000; ++i)
            provider += "88a8 0001 ";
        provider += "88";
        Dissected q(frame(provider), 1, 100000);
        QCOMPARE(q.nodes("ieee8021ad").size(), size_t(5000));
        QVERIFY(q.truncated());
        QVERIFY(!q.malformed());
    }

    void truncatedTag()
    {
        Dissected cut(frame("8100 f0"), 1, 64);
        QVERIFY(cut.truncated());
        QVERIFY(!cut.malformed());
        QVERIFY(
            cut.hasText(QStringLiteral("[Packet size limited during capture: VLAN truncated]")));
        Dissected shortFrame(frame("8100 f064 08"), 1);
        QVERIFY(shortFrame.malformed());
        QCOMPARE(shortFrame.protocol(), QStringLiteral("VLAN"));
        QCOMPARE(shortFrame.value("vlan.id"), QStringLiteral("100"));
        QCOMPARE(shortFrame.value("vlan.etype"), QStringLiteral("<absent>"));
    }
};

QTEST_APPLESS_MAIN(TestVlan)
#include "tst_vlan.moc"
