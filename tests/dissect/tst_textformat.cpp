#include "dissect/textformat.h"

#include <QRandomGenerator>
#include <QTest>
#include <arpa/inet.h>

// The text forms every column and -T fields value goes through.
class TestTextFormat : public QObject
{
    Q_OBJECT
private slots:
    void ipv6MatchesInetNtop()
    {
        // Wireshark prints IPv6 addresses with the C library's inet_ntop; ours must agree on
        // every shape: zero runs of each length and place, ties, embedded IPv4.
        QRandomGenerator rng(20261124);
        for (int n = 0; n < 200000; ++n) {
            uint8_t a[16];
            const uint32_t zeroMask = rng.generate();
            for (int g = 0; g < 8; ++g) {
                const bool zero = zeroMask & (1u << g);
                const uint16_t v =
                    zero ? 0 : uint16_t(rng.bounded(4) == 0 ? rng.bounded(16) : rng.generate());
                a[2 * g] = uint8_t(v >> 8);
                a[2 * g + 1] = uint8_t(v);
            }
            if (n % 7 == 0) { // IPv4-mapped and -compatible shapes
                std::memset(a, 0, 10);
                a[10] = a[11] = (n % 14 == 0) ? 0xff : 0;
            }
            char expected[INET6_ADDRSTRLEN];
            QVERIFY(inet_ntop(AF_INET6, a, expected, sizeof expected));
            std::string ours;
            pl::text::appendIPv6(ours, a);
            if (ours != expected)
                QFAIL(qPrintable(
                    QStringLiteral("%1 != inet_ntop %2")
                        .arg(QString::fromStdString(ours), QString::fromLatin1(expected))));
        }
    }

    void fixedForms()
    {
        std::string s;
        const uint8_t mac[6] = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x0c};
        pl::text::appendEther(s, mac);
        QCOMPARE(s, std::string("00:1b:21:aa:bb:0c"));
        s.clear();
        pl::text::appendHex(s, 0x800, 4);
        QCOMPARE(s, std::string("0x0800"));
        s.clear();
        pl::text::appendSecondsNs(s, 1120622255, 938066000);
        QCOMPARE(s, std::string("1120622255.938066000"));
        s.clear();
        pl::text::appendSecondsNs(s, -1, 500000000);
        QCOMPARE(s, std::string("-0.500000000"));
        s.clear();
        pl::text::appendBitPattern(s, 0x45, 0xf0, 8);
        QCOMPARE(s, std::string("0100 ...."));
    }

    void escapedKeepsOneLine()
    {
        // A name from a hostile file cannot add lines to a tree; UTF-8 stays readable.
        std::string out;
        pl::text::appendEscaped(out, std::string_view("silly!\r\neth\t2\\\x01\x7f\0x", 18));
        QCOMPARE(out, std::string("silly!\\r\\neth\\t2\\\\\\x01\\x7f\\x00x"));
        out.clear();
        pl::text::appendEscaped(out, "caf\xc3\xa9 eth0");
        QCOMPARE(out, std::string("caf\xc3\xa9 eth0"));
    }
};

QTEST_APPLESS_MAIN(TestTextFormat)
#include "tst_textformat.moc"
