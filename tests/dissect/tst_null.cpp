#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::hex;

namespace {
constexpr uint32_t kNull = 0;
constexpr uint32_t kLoop = 108;
const char *const kPayload = "45 00 00 14";

bool registered(uint16_t ethertype)
{
    return pl::Registry::instance().dissector(pl::Table::EtherType, ethertype) != nullptr;
}
} // namespace

class TestNull : public QObject
{
    Q_OBJECT
private slots:
    void familyInEitherByteOrder_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("label");
        QTest::addColumn<bool>("ipv4");
        QTest::addColumn<bool>("ipv6");
        // Values checked against tshark 4.0 on crafted DLT_NULL files.
        QTest::newRow("AF_INET little-endian") << "02000000"
                                               << "2"
                                               << "Family: IP (2)" << true << false;
        QTest::newRow("AF_INET big-endian") << "00000002"
                                            << "2"
                                            << "Family: IP (2)" << true << false;
        QTest::newRow("NetBSD AF_INET6") << "18000000"
                                         << "24"
                                         << "Family: IPv6 (24)" << false << true;
        QTest::newRow("FreeBSD AF_INET6") << "1c000000"
                                          << "28"
                                          << "Family: IPv6 (28)" << false << true;
        QTest::newRow("macOS AF_INET6 BE") << "0000001e"
                                           << "30"
                                           << "Family: IPv6 (30)" << false << true;
        QTest::newRow("Linux 10 is not IPv6") << "0a000000"
                                              << "10"
                                              << "Family: Unknown (10)" << false << false;
        QTest::newRow("IRIX 16-bit family") << "00000200"
                                            << "2"
                                            << "Family: IP (2)" << true << false;
        QTest::newRow("swapped 16-bit family") << "00020000"
                                               << "2"
                                               << "Family: IP (2)" << true << false;
        QTest::newRow("OSI") << "07000000"
                             << "7"
                             << "Family: OSI (7)" << false << false;
        QTest::newRow("1500 is a family") << "dc050000"
                                          << "1500"
                                          << "Family: Unknown (1500)" << false << false;
    }
    void familyInEitherByteOrder()
    {
        QFETCH(QString, header);
        QFETCH(QString, family);
        QFETCH(QString, label);
        QFETCH(bool, ipv4);
        QFETCH(bool, ipv6);
        Dissected p(hex((header.toStdString() + kPayload).c_str()), kNull);
        QCOMPARE(p.value("null.family"), family);
        QCOMPARE(p.label("null.family"), label);
        QCOMPARE(p.range("null.family"), QStringLiteral("0+4"));
        QCOMPARE(p.value("null.type"), QStringLiteral("<absent>"));
        QCOMPARE(p.range("null"), QStringLiteral("0+4"));
        QVERIFY(p.hasText(QStringLiteral("Null/Loopback\n")));
        // The payload goes to IPv4 / IPv6 when they are registered (what they make of it is
        // their business), else stays data.
        const bool dissected = (ipv4 && registered(0x0800)) || (ipv6 && registered(0x86dd));
        if (ipv4 && registered(0x0800))
            QCOMPARE(p.range("ip"), QStringLiteral("4+4"));
        if (ipv6 && registered(0x86dd))
            QCOMPARE(p.range("ipv6").section(QLatin1Char('+'), 0, 0), QStringLiteral("4"));
        if (!dissected) {
            QCOMPARE(p.value("data.data"), QStringLiteral("45000014"));
            QCOMPARE(p.info(), QStringLiteral("Null/Loopback"));
            QCOMPARE(p.protocol(), QStringLiteral("N/A"));
        }
    }

    void ethertypeInsteadOfFamily()
    {
        // More than 1500 after normalisation: an ethertype, 16 bits of it.
        Dissected p(hex("00001234 ff"), kNull);
        QCOMPARE(p.value("null.type"), QStringLiteral("0x1234"));
        QCOMPARE(p.range("null.type"), QStringLiteral("0+4"));
        QCOMPARE(p.value("null.family"), QStringLiteral("<absent>"));
        Dissected swapped(hex("12345678 ff"), kNull);
        QCOMPARE(swapped.value("null.type"), QStringLiteral("0x5678"));
        // 08 00 45 00: read as an IPv4 header after an ethertype would be, it is not.
        Dissected arp(hex("00000806 0001 0800 06 04 0001 020000000001 c0a80001 000000000000 "
                          "c0a80002"),
                      kNull);
        QCOMPARE(arp.value("null.type"), QStringLiteral("0x0806"));
        QCOMPARE(arp.label("null.type"), QStringLiteral("Type: ARP (0x0806)"));
        QCOMPARE(arp.protocol(), QStringLiteral("ARP"));
        QCOMPARE(arp.range("arp.hw.type"), QStringLiteral("4+2"));
    }

    void loopIsNetworkOrder()
    {
        Dissected p(hex((std::string("00000002") + kPayload).c_str()), kLoop);
        QCOMPARE(p.value("null.family"), QStringLiteral("2"));
        // No byte-order guessing for LINKTYPE_LOOP.
        Dissected le(hex((std::string("02000000") + kPayload).c_str()), kLoop);
        QCOMPARE(le.value("null.family"), QStringLiteral("33554432"));
        QCOMPARE(le.value("data.data"), QStringLiteral("45000014"));
    }

    void truncatedAndMalformed()
    {
        Dissected cut(hex("020000"), kNull, 40);
        QVERIFY(cut.truncated());
        QVERIFY(!cut.malformed());
        QVERIFY(
            cut.hasText(QStringLiteral("[Packet size limited during capture: Null truncated]")));
        Dissected shortFrame(hex("020000"), kNull);
        QVERIFY(shortFrame.malformed());
        QVERIFY(shortFrame.hasText(QStringLiteral("[Malformed Packet: Null]")));
        QCOMPARE(shortFrame.info(), QStringLiteral("Null/Loopback[Malformed Packet]"));
        QCOMPARE(shortFrame.value("null.family"), QStringLiteral("<absent>"));
    }
};

QTEST_APPLESS_MAIN(TestNull)
#include "tst_null.moc"
