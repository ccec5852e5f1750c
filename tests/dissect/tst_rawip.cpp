#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {
const char *const kIPv4 = "4500001c000100004011f7c2c0a80001c0a800020035003500080000";
const char *const kIPv6 = "6000000000003b40"
                          "00000000000000000000000000000001"
                          "00000000000000000000000000000001";

bool registered(uint16_t ethertype)
{
    return pl::Registry::instance().dissector(pl::Table::EtherType, ethertype) != nullptr;
}
} // namespace

class TestRawIp : public QObject
{
    Q_OBJECT
private slots:
    void ipv4ByVersionNibble_data()
    {
        QTest::addColumn<uint>("linkType");
        QTest::newRow("LINKTYPE_RAW") << 101u;
        QTest::newRow("DLT_RAW 12") << 12u;
        QTest::newRow("DLT_RAW 14 (OpenBSD)") << 14u;
    }
    void ipv4ByVersionNibble()
    {
        QFETCH(uint, linkType);
        Dissected p(hex(kIPv4), linkType);
        QCOMPARE(p.range("raw"), QStringLiteral("0+28"));
        QVERIFY(p.hasText(QStringLiteral("Raw packet data\n")));
        QVERIFY(!p.malformed() && !p.truncated());
        if (registered(0x0800)) {
            QCOMPARE(p.value("ip.src"), QStringLiteral("192.168.0.1"));
            QCOMPARE(p.range("ip.src"), QStringLiteral("12+4"));
            QCOMPARE(p.value("data.data"), QStringLiteral("<absent>"));
        } else {
            QCOMPARE(p.value("ip.src"), QStringLiteral("<absent>"));
            QCOMPARE(p.value("data.len"), QStringLiteral("28"));
            QCOMPARE(p.info(), QStringLiteral("Raw packet data"));
        }
    }

    void ipv6ByVersionNibble()
    {
        Dissected p(hex(kIPv6), 101);
        QVERIFY(!p.malformed());
        if (registered(0x86dd))
            QCOMPARE(p.value("ipv6.src"), QStringLiteral("::1"));
        else
            QCOMPARE(p.range("data.data"), QStringLiteral("0+40"));
    }

    void otherVersionIsMalformed()
    {
        Dissected p(hex("00112233"), 101);
        QVERIFY(p.malformed());
        QCOMPARE(p.protocol(), QStringLiteral("N/A"));
        QCOMPARE(p.info(), QStringLiteral("Raw packet data[Malformed Packet]"));
        QVERIFY(p.hasText(QStringLiteral("[Malformed Packet: Raw]")));
        // Wireshark shows no data after the mark.
        QCOMPARE(p.value("data.data"), QStringLiteral("<absent>"));
    }

    void emptyFrame()
    {
        Dissected empty(std::vector<uint8_t>{}, 101);
        QVERIFY(empty.malformed());
        QVERIFY(empty.hasText(QStringLiteral("[Malformed Packet: Raw]")));
        // Nothing captured of a 40-byte packet: truncated, not malformed.
        Dissected cut(std::vector<uint8_t>{}, 101, 40);
        QVERIFY(cut.truncated());
        QVERIFY(!cut.malformed());
    }
};

QTEST_APPLESS_MAIN(TestRawIp)
#include "tst_rawip.moc"
