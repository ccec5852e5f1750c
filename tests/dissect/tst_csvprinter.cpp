// The dissection export printers (CSV, C arrays, plain text) checked for the exact layout
// Wireshark 4.0 writes (epan/print.c and file.c), and parsed back.

#include "dissect/print/carrayprinter.h"
#include "dissect/print/csvprinter.h"
#include "dissect/print/textprinter.h"
#include "dissect/print/treetext.h"
#include "packetbuilder.h"

#include <QRegularExpression>
#include <QTest>

#include "csvparse.h"

using pltest::Dissected;
using pltest::hex;
using pltest::parseCsv;

namespace {

// 10.0.0.1:41086 -> 10.0.0.2:5000, 31 bytes of 'x' (the UDP test's datagram).
std::vector<uint8_t> udpFrame()
{
    return hex("0011223344550066778899aa08004500003b00010000401166af0a0000010a00"
               "0002a07e13880027b087787878787878787878787878787878787878787878"
               "7878787878787878787878");
}

} // namespace

class TestCsvPrinter : public QObject
{
    Q_OBJECT
private slots:
    void csvHeaderIsWiresharks()
    {
        std::string out;
        pl::print::appendCsvHeader(out);
        QCOMPARE(QString::fromStdString(out),
                 QStringLiteral("\"No.\",\"Time\",\"Source\",\"Destination\",\"Protocol\","
                                "\"Length\",\"Info\"\n"));
    }

    void csvQuotesCommasAndEscapes()
    {
        const std::string info = "say \"hi\", then 80 \u2192 443 [SYN, ACK]\tend\\";
        pl::print::SummaryColumns c;
        c.number = 12;
        c.relSec = 3;
        c.relNsec = 141592000;
        c.digits = 6;
        c.source = "10.0.0.1";
        c.destination = "fe80::1";
        c.protocol = "TCP";
        c.length = 74;
        c.info = info;
        std::string out;
        pl::print::appendCsvHeader(out);
        pl::print::appendCsvRow(out, c);
        // Wireshark 4.0: g_strescape (tab, backslash), quote doubled, the arrow as " > ".
        QCOMPARE(QString::fromStdString(out.substr(out.find('\n') + 1)),
                 QStringLiteral("\"12\",\"3.141592\",\"10.0.0.1\",\"fe80::1\",\"TCP\",\"74\","
                                "\"say \"\"hi\"\", then 80  >  443 [SYN, ACK]\\tend\\\\\"\n"));

        const auto rows = parseCsv(QString::fromStdString(out));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0], (QStringList{QStringLiteral("No."), QStringLiteral("Time"),
                                       QStringLiteral("Source"), QStringLiteral("Destination"),
                                       QStringLiteral("Protocol"), QStringLiteral("Length"),
                                       QStringLiteral("Info")}));
        QCOMPARE(rows[1].size(), 7);
        QCOMPARE(rows[1][0], QStringLiteral("12"));
        QCOMPARE(rows[1][6], QStringLiteral("say \"hi\", then 80  >  443 [SYN, ACK]\\tend\\\\"));
    }

    void csvNonAsciiAndNoTime()
    {
        pl::print::SummaryColumns c;
        c.number = 1;
        c.hasTime = false; // a Simple Packet Block: blank, as the summary line
        c.info = "caf\u00e9\n";
        std::string out;
        pl::print::appendCsvRow(out, c);
        // g_strescape writes bytes outside printable ASCII as octal escapes.
        QCOMPARE(QString::fromStdString(out),
                 QStringLiteral("\"1\",\"\",\"\",\"\",\"\",\"0\",\"caf\\303\\251\\n\"\n"));
    }

    void cArrayLayout()
    {
        std::vector<uint8_t> b = hex("00 1b 21 3a 4c 11 00 0c 41 42");
        std::string out;
        pl::print::appendCArray(out, 7, b.data(), b.size());
        QCOMPARE(QString::fromStdString(out),
                 QStringLiteral("/* Frame (10 bytes) */\n"
                                "static const unsigned char pkt7[10] = {\n"
                                "0x00, 0x1b, 0x21, 0x3a, 0x4c, 0x11, 0x00, 0x0c, /* ..!:L... */\n"
                                "0x41, 0x42                                      /* AB */\n"
                                "};\n\n"));
        out.clear();
        b.resize(8);
        pl::print::appendCArray(out, 1, b.data(), b.size());
        QCOMPARE(QString::fromStdString(out),
                 QStringLiteral("/* Frame (8 bytes) */\n"
                                "static const unsigned char pkt1[8] = {\n"
                                "0x00, 0x1b, 0x21, 0x3a, 0x4c, 0x11, 0x00, 0x0c  /* ..!:L... */\n"
                                "};\n\n"));
        out.clear();
        pl::print::appendCArray(out, 2, b.data(), 1);
        QVERIFY(out.starts_with("/* Frame (1 byte) */\n"));
        out.clear();
        pl::print::appendCArray(out, 3, b.data(), 0);
        QVERIFY(out.empty()); // Wireshark skips a data source without bytes
    }

    void cArrayCommentNeverCloses()
    {
        const std::string bytes = "a*/b";
        std::string out;
        pl::print::appendCArray(out, 1, reinterpret_cast<const uint8_t *>(bytes.data()),
                                bytes.size());
        QVERIFY(out.find("/* a*.b */") != std::string::npos);
        QCOMPARE(int(std::count(out.begin(), out.end(), '/')), 4); // two comments, both closed
    }

    void cArrayValuesParseBack()
    {
        std::vector<uint8_t> b(300);
        for (size_t i = 0; i < b.size(); ++i)
            b[i] = uint8_t(i * 7 + 3);
        std::string out;
        pl::print::appendCArray(out, 42, b.data(), b.size());
        const QString text = QString::fromStdString(out);
        const qsizetype open = text.indexOf(QLatin1Char('{'));
        const qsizetype close = text.indexOf(QStringLiteral("};"));
        QString body = text.mid(open + 1, close - open - 1);
        body.remove(QRegularExpression(QStringLiteral("/\\*[^\\n]*\\*/")));
        QList<uint8_t> values;
        const auto parts = body.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &part : parts) {
            bool ok = false;
            values << uint8_t(part.trimmed().toUInt(&ok, 16));
            QVERIFY2(ok, qPrintable(part));
        }
        QCOMPARE(values.size(), qsizetype(b.size()));
        for (size_t i = 0; i < b.size(); ++i)
            QCOMPARE(values[qsizetype(i)], b[i]);
        QVERIFY(text.contains(QStringLiteral("static const unsigned char pkt42[300] = {\n")));
        // Every line but the last holds eight bytes.
        QCOMPARE(text.count(QStringLiteral("0x")), 300);
        QCOMPARE(text.count(QLatin1Char('\n')), 2 + (300 + 7) / 8 + 2);
    }

    void textHeadingAndSummary()
    {
        std::string out;
        pl::print::TextPrinter::appendHeading(out);
        QCOMPARE(QString::fromStdString(out),
                 QStringLiteral("No.     Time           Source                Destination        "
                                "   Protocol Length Info\n"));
        pl::print::SummaryColumns c;
        c.number = 1;
        c.digits = 6;
        c.source = "10.0.0.1";
        c.destination = "10.0.0.2";
        c.protocol = "UDP";
        c.length = 73;
        c.info = "41086 \u2192 5000 Len=31";
        out.clear();
        pl::print::TextPrinter::appendSummary(out, c);
        QCOMPARE(QString::fromStdString(out),
                 QStringLiteral("      1 0.000000       10.0.0.1              10.0.0.2           "
                                "   UDP      73     41086 \u2192 5000 Len=31\n"));
    }

    void textPacketSequence()
    {
        Dissected p(udpFrame(), 1);
        pl::print::SummaryColumns c;
        c.number = 1;
        c.protocol = "UDP";
        c.info = "x";
        std::string tree, dump, heading, summary;
        pl::print::appendTreeText(tree, p.d);
        pl::print::appendHexDump(dump, p.bytes.data(), p.bytes.size());
        pl::print::TextPrinter::appendHeading(heading);
        pl::print::TextPrinter::appendSummary(summary, c);
        QVERIFY(tree.starts_with("Frame 1:"));

        // Wireshark's print_packet(): heading, summary, blank, tree, blank, hex; a blank line
        // and the heading again before the next packet.
        pl::print::TextPrinter all({true, true, true});
        std::string out;
        all.appendFrame(out, c, p.d);
        all.appendFrame(out, c, p.d);
        const std::string one = heading + summary + "\n" + tree + "\n" + dump;
        QCOMPARE(QString::fromStdString(out), QString::fromStdString(one + "\n" + one));

        // Summary lines only: one heading, no blank lines.
        pl::print::TextPrinter lines({true, false, false});
        out.clear();
        lines.appendFrame(out, c, p.d);
        lines.appendFrame(out, c, p.d);
        QCOMPARE(QString::fromStdString(out), QString::fromStdString(heading + summary + summary));

        // Details only: trees separated by a blank line.
        pl::print::TextPrinter details({false, true, false});
        out.clear();
        details.appendFrame(out, c, p.d);
        details.appendFrame(out, c, p.d);
        QCOMPARE(QString::fromStdString(out), QString::fromStdString(tree + "\n" + tree));
    }
};

QTEST_APPLESS_MAIN(TestCsvPrinter)
#include "tst_csvprinter.moc"
