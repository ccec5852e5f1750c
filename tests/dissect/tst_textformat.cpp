#include "dissect/textformat.h"

#include <QRandomGenerator>
#include <QTest>
#include <arpa/inet.h>
#include <cstdint>
#include <string>
#include <vector>

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

    void uintMatchesToString()
    {
        // Every digit count, both sides of each power of ten, both sides of 2^32 (where
        // writeUInt leaves 32-bit arithmetic), and every number below 100000.
        std::vector<uint64_t> values = {0, 1, 9, 0xffffffffull, 0x100000000ull, UINT64_MAX};
        for (uint64_t p = 10; p != 0 && p <= UINT64_MAX / 10; p *= 10)
            for (uint64_t v : {p - 1, p, p + 1, p * 5 + 7})
                values.push_back(v);
        values.push_back(10000000000000000000ull - 1);
        values.push_back(10000000000000000000ull);
        for (uint64_t v = 0; v < 100000; ++v) // every value of the one- to four-digit paths
            values.push_back(v);
        QRandomGenerator64 rng(7);
        for (int i = 0; i < 100000; ++i)
            values.push_back(rng.generate() >> rng.bounded(64));
        for (const uint64_t v : values) {
            char buf[pl::text::kMaxUIntText];
            const std::string ours(buf, pl::text::writeUInt(buf, v));
            QCOMPARE(ours, std::to_string(v));
            std::string appended = "x";
            pl::text::appendUInt(appended, v);
            std::string expected = "x"; // not "x" + ...: GCC 12 warns falsely (-Wrestrict)
            expected += std::to_string(v);
            QCOMPARE(appended, expected);
        }
    }

    void ipv4MatchesInetNtop()
    {
        for (unsigned v = 0; v < 256; ++v) {
            const uint8_t a[4] = {uint8_t(v), uint8_t(255 - v), uint8_t(v / 3), uint8_t(v * 7)};
            char expected[INET_ADDRSTRLEN];
            QVERIFY(inet_ntop(AF_INET, a, expected, sizeof expected));
            std::string ours;
            pl::text::appendIPv4(ours, a);
            QCOMPARE(ours, std::string(expected));
        }
    }

    void secondsForms()
    {
        const struct
        {
            int64_t sec;
            uint32_t nsec;
            int digits;
            const char *text;
        } cases[] = {{0, 0, 6, "0.000000"},
                     {0, 779000, 6, "0.000779"},
                     {12, 999999999, 9, "12.999999999"},
                     {12, 999999999, 3, "12.999"},
                     {5, 123, 0, "5"},
                     {-3, 0, 6, "-3.000000"},
                     {-1, 500000000, 9, "-0.500000000"},
                     {INT64_MIN, 0, 0, "-9223372036854775808"},
                     {1120622255, 938066000, 9, "1120622255.938066000"}};
        for (const auto &c : cases) {
            std::string s;
            pl::text::appendSecondsNs(s, c.sec, c.nsec, c.digits);
            QCOMPARE(s, std::string(c.text));
        }
    }

    // A disabled appender (Dissection::setColumns(false)) leaves the string as it was.
    void disabledAppenderWritesNothing()
    {
        std::string out = "kept";
        {
            pl::text::StringAppender a(out, false);
            a.put("ab");
            a.put('c');
            a.putUInt(12345);
            a.put(std::string(1000, 'x')); // past the buffer
            a.commit(a.reserve(16) + 16);
            a.flush();
        }
        QCOMPARE(out, std::string("kept"));
    }

    void appenderKeepsOrder()
    {
        // Pieces larger than the appender's buffer, and flushes in between, keep their order.
        std::string out = "<";
        std::string expected = "<";
        {
            pl::text::StringAppender a(out);
            for (int i = 0; i < 200; ++i) {
                a.put("ab");
                a.putUInt(uint64_t(i) * 1000003);
                a.put(' ');
                expected += "ab" + std::to_string(uint64_t(i) * 1000003) + ' ';
                if (i % 50 == 0) {
                    const std::string big(300 + i, char('a' + i % 26));
                    a.put(big);
                    expected += big;
                }
            }
            a.flush();
            QCOMPARE(out, expected);
            out += '|'; // after flush(), direct writes land in order
            expected += '|';
            a.put("end");
            expected += "end";
        }
        QCOMPARE(out, expected);
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
