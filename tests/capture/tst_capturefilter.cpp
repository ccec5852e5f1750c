// Capture filters: compiled by libpcap for the interface's link type; errors are pcap's own.
// No privileges and no network needed (the expressions name no hosts, so nothing is resolved).

#include "capture/capturefilter.h"

#include <QTest>

#include <vector>

using pl::capture::compileFilter;
using pl::capture::runFilter;

namespace {

constexpr uint32_t kEthernet = 1;
constexpr uint32_t kRaw = 101;

/// IPv4 + UDP 10.99.1.2:40000 -> 10.99.1.1:dport with a 4-byte payload.
std::vector<uint8_t> ipUdp(uint16_t dport)
{
    std::vector<uint8_t> p = {0x45,
                              0x00,
                              0x00,
                              0x20,
                              0x00,
                              0x01,
                              0x40,
                              0x00,
                              0x40,
                              0x11,
                              0x00,
                              0x00, // IPv4
                              10,
                              99,
                              1,
                              2,
                              10,
                              99,
                              1,
                              1, // addresses
                              0x9c,
                              0x40,
                              uint8_t(dport >> 8),
                              uint8_t(dport),
                              0x00,
                              0x0c,
                              0x00,
                              0x00, // UDP
                              0xde,
                              0xad,
                              0xbe,
                              0xef};
    return p;
}

std::vector<uint8_t> ethernet(const std::vector<uint8_t> &payload, uint16_t type = 0x0800)
{
    const uint8_t header[14] = {
        0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, uint8_t(type >> 8), uint8_t(type)};
    std::vector<uint8_t> p(sizeof header + payload.size());
    std::copy(std::begin(header), std::end(header), p.begin());
    std::copy(payload.begin(), payload.end(), p.begin() + sizeof header);
    return p;
}

uint32_t verdict(const std::string &expr, uint32_t linkType, const std::vector<uint8_t> &frame,
                 uint32_t snaplen = 262144)
{
    std::vector<sock_filter> program;
    std::string error;
    if (!compileFilter(expr, linkType, snaplen, program, error))
        qFatal("filter \"%s\" did not compile: %s", expr.c_str(), error.c_str());
    return runFilter(program, frame.data(), uint32_t(frame.size()), uint32_t(frame.size()));
}

} // namespace

class TestCaptureFilter : public QObject
{
    Q_OBJECT
private slots:
    void goodFiltersCompile_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<uint>("linkType");
        for (uint lt : {kEthernet, kRaw}) {
            const QString suffix = QStringLiteral(" / %1").arg(lt);
            QTest::newRow(qPrintable(QStringLiteral("empty") + suffix)) << QString() << lt;
            QTest::newRow(qPrintable(QStringLiteral("udp port") + suffix))
                << QStringLiteral("udp port 5555") << lt;
            QTest::newRow(qPrintable(QStringLiteral("net and proto") + suffix))
                << QStringLiteral("tcp and net 10.99.0.0/16 and not port 22") << lt;
            QTest::newRow(qPrintable(QStringLiteral("icmp or ip6") + suffix))
                << QStringLiteral("icmp or ip6") << lt;
            QTest::newRow(qPrintable(QStringLiteral("byte test") + suffix))
                << QStringLiteral("ip[0] & 0xf > 5") << lt;
            QTest::newRow(qPrintable(QStringLiteral("service name") + suffix))
                << QStringLiteral("tcp port http") << lt;
        }
        QTest::newRow("vlan / 1") << QStringLiteral("vlan and udp") << uint(kEthernet);
        QTest::newRow("ether host / 1")
            << QStringLiteral("ether host 02:00:00:00:00:01") << uint(kEthernet);
        QTest::newRow("radiotap") << QStringLiteral("wlan type data") << 127u;
    }
    void goodFiltersCompile()
    {
        QFETCH(QString, expr);
        QFETCH(uint, linkType);
        std::vector<sock_filter> program;
        std::string error = "stale";
        QVERIFY2(compileFilter(expr.toStdString(), linkType, 262144, program, error),
                 error.c_str());
        QVERIFY(!program.empty());
        QVERIFY(program.size() <= BPF_MAXINSNS);
        QCOMPARE(error, std::string());
        // Every path ends in a return; the last instruction always is one.
        QCOMPARE(BPF_CLASS(program.back().code), uint16_t(BPF_RET));
    }

    void badFiltersGivePcapsMessage_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<uint>("linkType");
        QTest::addColumn<QString>("message");
        // Messages as libpcap 1.10 words them (tcpdump prints the same after "tcpdump: ").
        QTest::newRow("syntax") << QStringLiteral("udp port") << uint(kEthernet)
                                << QStringLiteral("syntax error");
        QTest::newRow("syntax raw")
            << QStringLiteral("tcp and and udp") << uint(kRaw) << QStringLiteral("syntax error");
        QTest::newRow("port range") << QStringLiteral("port 99999") << uint(kEthernet)
                                    << QStringLiteral("illegal port number 99999 > 65535");
        QTest::newRow("ether proto") << QStringLiteral("ether proto foo") << uint(kEthernet)
                                     << QStringLiteral("unknown ether proto 'foo'");
        QTest::newRow("unknown service")
            << QStringLiteral("tcp port no-such-service-pl") << uint(kEthernet)
            << QStringLiteral("unknown port 'no-such-service-pl'");
        QTest::newRow("vlan on raw IP")
            << QStringLiteral("vlan") << uint(kRaw) << QStringLiteral("no VLAN support for Raw IP");
        QTest::newRow("ether on raw IP")
            << QStringLiteral("ether host 02:00:00:00:00:01") << uint(kRaw)
            << QStringLiteral("ethernet addresses supported only on");
    }
    void badFiltersGivePcapsMessage()
    {
        QFETCH(QString, expr);
        QFETCH(uint, linkType);
        QFETCH(QString, message);
        std::vector<sock_filter> program(3);
        std::string error;
        QVERIFY(!compileFilter(expr.toStdString(), linkType, 262144, program, error));
        QVERIFY(program.empty());
        QVERIFY2(QString::fromStdString(error).contains(message), error.c_str());
    }

    void semanticsOnCraftedFrames()
    {
        const auto to5555 = ipUdp(5555);
        const auto to6666 = ipUdp(6666);
        // Accepted packets get the snaplen as the verdict: the kernel keeps that many bytes.
        QCOMPARE(verdict("udp port 5555", kEthernet, ethernet(to5555)), 262144u);
        QCOMPARE(verdict("udp port 5555", kEthernet, ethernet(to6666)), 0u);
        QCOMPARE(verdict("udp port 5555", kRaw, to5555), 262144u);
        QCOMPARE(verdict("udp port 5555", kRaw, to6666), 0u);
        QCOMPARE(verdict("dst host 10.99.1.1 and src host 10.99.1.2", kRaw, to6666), 262144u);
        QCOMPARE(verdict("host 10.99.9.9", kRaw, to6666), 0u);
        QCOMPARE(verdict("tcp", kEthernet, ethernet(to5555)), 0u);
        QCOMPARE(verdict("arp", kEthernet, ethernet(to5555)), 0u);
        QCOMPARE(verdict("arp", kEthernet, ethernet(to5555, 0x0806)), 262144u);
        QCOMPARE(verdict("ether src 02:00:00:00:00:02", kEthernet, ethernet(to5555)), 262144u);
        // The link type matters: an Ethernet program does not understand raw IP.
        QCOMPARE(verdict("udp port 5555", kEthernet, to5555), 0u);
        // The empty filter takes everything, truncated to the snaplen.
        QCOMPARE(verdict("", kEthernet, ethernet(to6666), 96), 96u);
        QCOMPARE(verdict("udp", kEthernet, ethernet(to6666), 64), 64u);
    }

    void dropAllDropsEverything()
    {
        const auto program = pl::capture::dropAllProgram();
        QCOMPARE(program.size(), size_t(1));
        const auto frame = ethernet(ipUdp(5555));
        QCOMPARE(runFilter(program, frame.data(), uint32_t(frame.size()), uint32_t(frame.size())),
                 0u);
    }
};

QTEST_GUILESS_MAIN(TestCaptureFilter)
#include "tst_capturefilter.moc"
