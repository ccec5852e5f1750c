#include "dissect/print/summaryline.h"

#include <QTest>

#include <cstdio>

// tshark's default one-line form: the column widths and padding of appendSummaryLine, for
// columns given as text (a live capture's records) and for a dissected frame. The comparison
// with tshark itself is tests/cli/tst_summarylines.
class TestSummaryLine : public QObject
{
    Q_OBJECT
private slots:
    void paddedColumns()
    {
        pl::print::SummaryColumns c;
        c.number = 7;
        c.relSec = 1;
        c.relNsec = 5000;
        c.source = "10.0.0.1";
        c.destination = "10.0.0.2";
        c.protocol = "UDP";
        c.length = 60;
        c.info = "1 \u2192 2 Len=18";
        std::string out = "prev\n";
        pl::print::appendSummaryLine(out, c);
        QCOMPARE(out, std::string("prev\n    7   1.000005     10.0.0.1 \u2192 10.0.0.2     UDP 60 "
                                  "1 \u2192 2 Len=18\n"));
    }

    void wideColumnsAreNotCut()
    {
        // Wider than the columns: no padding, nothing cut. No time: the column stays blank.
        pl::print::SummaryColumns c;
        c.number = 1234567;
        c.hasTime = false;
        c.digits = 9;
        c.source = "2001:db8:1:0:1ba1:9dc8:8704:61db";
        c.destination = "2001:db8:5f96::bb23";
        c.protocol = "ICMPv6";
        c.length = 118;
        c.info = "Echo (ping) request";
        std::string out;
        pl::print::appendSummaryLine(out, c);
        QCOMPARE(out, std::string("1234567            2001:db8:1:0:1ba1:9dc8:8704:61db \u2192 "
                                  "2001:db8:5f96::bb23 ICMPv6 118 Echo (ping) request\n"));
    }

    void numberAndTimeColumns()
    {
        // The No. and Time columns right-aligned at every width, precision and sign, against
        // printf: written in place, their lengths are worked out before the digits.
        for (const uint64_t number : {1ull, 9ull, 99999ull, 100000ull, 12345678901ull})
            for (const int64_t sec : {0ll, 7ll, 99ll, 12345678ll, 4000000000ll, -1ll, -250ll})
                for (const int digits : {0, 3, 6, 9}) {
                    pl::print::SummaryColumns c;
                    c.number = number;
                    c.relSec = sec;
                    c.relNsec = 123456789;
                    c.digits = digits;
                    c.source = "a";
                    c.destination = "b";
                    c.protocol = "UDP";
                    c.length = 60;
                    c.info = "x";
                    // -1 s + 0.123456789 s is -0.876543211 s.
                    const bool negative = sec < 0;
                    const int64_t whole = negative ? -(sec + 1) : sec;
                    const uint32_t nsec = negative ? 1000000000u - c.relNsec : c.relNsec;
                    std::string time = (negative ? "-" : "") + std::to_string(whole);
                    if (digits > 0) {
                        char frac[16];
                        std::snprintf(frac, sizeof frac, ".%09u", nsec);
                        time += std::string(frac, size_t(digits) + 1);
                    }
                    char head[64];
                    std::snprintf(head, sizeof head, "%5llu %10s ", (unsigned long long)number,
                                  time.c_str());
                    std::string out;
                    pl::print::appendSummaryLine(out, c);
                    const std::string expected =
                        std::string(head) + "           a \u2192 b            UDP 60 x\n";
                    if (out != expected)
                        QFAIL(qPrintable(QString::fromStdString(out + " != " + expected)));
                }
    }

    void longTextGoesAround()
    {
        // Columns too long for the line buffer take the slow path with the same result.
        const std::string longSource(300, 's'), longDest(400, 'd'), longInfo(5000, 'i');
        pl::print::SummaryColumns c;
        c.number = 3;
        c.relSec = -1;
        c.relNsec = 500000000;
        c.digits = 3;
        c.protocol = "TCP";
        c.length = 1514;
        for (int variant = 0; variant < 4; ++variant) {
            c.source = variant & 1 ? std::string_view(longSource) : "a";
            c.destination = variant & 2 ? std::string_view(longDest) : "b";
            c.info = variant == 3 ? std::string_view(longInfo) : "x";
            std::string expected = "    3     -0.500 ";
            if (c.source.size() < 12)
                expected.append(12 - c.source.size(), ' ');
            expected += c.source;
            expected += " \u2192 ";
            expected += c.destination;
            if (c.destination.size() < 12)
                expected.append(12 - c.destination.size(), ' ');
            expected += " TCP 1514 ";
            expected += c.info;
            expected += '\n';
            std::string out;
            pl::print::appendSummaryLine(out, c);
            QCOMPARE(out, expected);
        }
    }

    void dissectedFrameMatchesTextColumns()
    {
        // ARP request: Ethernet addresses in the address columns.
        const uint8_t bytes[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3c, 0x22, 0xfb, 0x34, 0x4c,
                                 0x41, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
                                 0x3c, 0x22, 0xfb, 0x34, 0x4c, 0x41, 0xc0, 0xa8, 0x01, 0x9b, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0xd3};
        pl::Frame f;
        f.data = bytes;
        f.capLen = f.wireLen = sizeof bytes;
        f.linkType = 1;
        f.number = 19;
        pl::Dissection d;
        d.dissect(f, nullptr);
        std::string out;
        pl::print::appendSummaryLine(out, d, 0, 8471000, 6);
        QCOMPARE(out, std::string("   19   0.008471 3c:22:fb:34:4c:41 \u2192 ff:ff:ff:ff:ff:ff ARP "
                                  "42 Who has 192.168.1.211? Tell 192.168.1.155\n"));
        const std::string src = d.source().toString(), dst = d.destination().toString();
        pl::print::SummaryColumns c{19, true,          0, 8471000, 6, src, dst, d.protocolColumn(),
                                    42, d.infoColumn()};
        std::string viaText;
        pl::print::appendSummaryLine(viaText, c);
        QCOMPARE(viaText, out);
    }
};

QTEST_APPLESS_MAIN(TestSummaryLine)
#include "tst_summaryline.moc"
