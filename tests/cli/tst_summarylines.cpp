// Differential test of the default one-line output (`packetlens-cli -r FILE`) against
// `tshark -n -r FILE` for every readable corpus file.
//
// -n turns off every name resolution: without it tshark shows MAC vendors ("RadDataC_5a:fb:3f")
// and "Broadcast" where PacketLens prints the address (checked in nameResolutionIsOff()).
//
// What is compared:
// - No., Time and Length for every frame (they do not depend on dissection);
// - the whole line, byte for byte, for frames whose tshark Protocol column names a protocol
//   PacketLens implements now (kImplemented, plus link-layer-only frames). Frames of other
//   protocols are counted and the count printed.
//
// TCP's reassembly and analysis marks (" [TCP segment of a reassembled PDU]", "[TCP
// Retransmission] ", "[TCP Dup ACK 3#1] ", ...) are compared like the rest of the line.
//
// Differences that stay are listed in kAllowances with (file, frame, reason).

#include "clirun.h"

#include <QDir>
#include <QDirIterator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace pltest;

namespace {

// tshark's Protocol column texts for the protocols PacketLens dissects now.
const QSet<QString> kImplemented = {
    QStringLiteral("ARP"),
    QStringLiteral("RARP"),
    QStringLiteral("IPv4"),
    QStringLiteral("IPv6"),
    QStringLiteral("ICMP"),
    QStringLiteral("ICMPv6"),
    QStringLiteral("TCP"),
    QStringLiteral("UDP"),
    QStringLiteral("MPTCP"),
    QStringLiteral("DHCP"),
    QStringLiteral("BOOTP"),
    QStringLiteral("DHCPv6"),
    QStringLiteral("NTP"),
    QStringLiteral("DNS"),
    QStringLiteral("MDNS"),
    QStringLiteral("LLMNR"),
    QStringLiteral("HTTP"),
    QStringLiteral("HTTP/XML"),
    QStringLiteral("SSDP"),
    QStringLiteral("TLSv1"),
    QStringLiteral("TLSv1.1"),
    QStringLiteral("TLSv1.2"),
    QStringLiteral("TLSv1.3"),
    QStringLiteral("QUIC"),
    QStringLiteral("VxLAN"),
    QStringLiteral("GRE"),
    QStringLiteral("PPP"),
    QStringLiteral("PPP LCP"),
    QStringLiteral("IGMPv1"),
    QStringLiteral("IGMPv2"),
    QStringLiteral("IGMPv3"),
    // Frames that end at the link layer.
    QStringLiteral("Ethernet"),
    QStringLiteral("VLAN"),
    QStringLiteral("SLL"),
};

/// A kept difference in one frame (frame 0: every frame of the file).
struct Allowance
{
    const char *file;
    int frame;
    const char *reason;
};

const Allowance kAllowances[] = {
    {"tcpdump/tfo-5c1fa7f9ae91.pcap", 13,
     "a SYN carrying 4 bytes of Fast Open data to an unknown port: tshark hands them to a "
     "heuristic that asks for more and marks the SYN as a reassembled PDU's segment; we do not "
     "hand a SYN's data on (tshark does not dissect it either)"},
};

const Allowance *allowanceFor(const QString &relative, int frame)
{
    for (const Allowance &a : kAllowances)
        if (relative == QLatin1String(a.file) && (a.frame == 0 || a.frame == frame))
            return &a;
    return nullptr;
}

struct Line
{
    QString text; ///< the whole line (tshark's: TCP analysis labels stripped)
    int number = 0;
    QString time, source, destination, protocol, length, info;
};

// `%5u %10s %12s → %-12s PROTOCOL LENGTH INFO`; the Time column is blank for frames without
// a timestamp, Source/Destination for frames without addresses, and Protocol may hold spaces
// ("Netlink route").
const QRegularExpression
    kLine(QStringLiteral("^ *(\\d+) +(\\S*) +(\\S*) \u2192 (\\S*) +(.+?) (\\d+) (.*)$"));
const QRegularExpression kEtherType(QStringLiteral("^0x[0-9a-f]{4}$"));

bool parse(const QString &text, Line &out)
{
    const QRegularExpressionMatch m = kLine.match(text);
    if (!m.hasMatch())
        return false;
    out.text = text;
    out.number = m.captured(1).toInt();
    out.time = m.captured(2);
    out.source = m.captured(3);
    out.destination = m.captured(4);
    out.protocol = m.captured(5);
    out.length = m.captured(6);
    out.info = m.captured(7);
    return true;
}

QStringList textLines(const QByteArray &out)
{
    QStringList l = QString::fromUtf8(out).split(QLatin1Char('\n'));
    if (!l.isEmpty() && l.last().isEmpty())
        l.removeLast();
    return l;
}

/// True when tshark's line shows a protocol PacketLens dissects now (and nothing above it).
bool implemented(const Line &theirs)
{
    if (!kImplemented.contains(theirs.protocol) && !kEtherType.match(theirs.protocol).hasMatch())
        return false;
    return true;
}

} // namespace

class TestSummaryLines : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (tsharkPath().isEmpty())
            QSKIP("tshark is not installed (apt-get install tshark): no summary-line "
                  "differential test");
        if (!QDir(corpusDir()).exists())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
    }

    // The comparison relies on -n showing raw MAC addresses; make sure it does.
    void nameResolutionIsOff()
    {
        const QString file = corpusFile(QStringLiteral("tcpdump/dhcp-rfc4388.pcap"));
        const RunResult resolved = runProgram(tsharkPath(), {QStringLiteral("-r"), file});
        const RunResult raw =
            runProgram(tsharkPath(), {QStringLiteral("-n"), QStringLiteral("-r"), file});
        QCOMPARE(raw.exitCode, 0);
        // The resolving run proves the check is meaningful with this tshark.
        QVERIFY(resolved.out.contains("Broadcast") || resolved.out.contains("AristaNe_"));
        QVERIFY(!raw.out.contains("Broadcast"));
        QVERIFY(!raw.out.contains("AristaNe_"));
        QVERIFY(raw.out.contains("a6:82:4b:c9:a1:a7 \xe2\x86\x92 ff:ff:ff:ff:ff:ff ARP 60"));
    }

    void sameLinesAsTshark_data()
    {
        QTest::addColumn<QString>("relative");
        const QStringList files = pltest::corpusCaptures();
        QVERIFY(files.size() > 40);
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << f;
    }

    void sameLinesAsTshark()
    {
        QFETCH(QString, relative);
        const QString file = corpusFile(relative);
        const RunResult ours = runCli({QStringLiteral("-r"), file});
        const RunResult theirs =
            runProgram(tsharkPath(), {QStringLiteral("-n"), QStringLiteral("-r"), file});
        QCOMPARE(ours.exitCode, 0);
        QCOMPARE(theirs.exitCode, 0);

        // tshark 4.0 shows pcapng Custom Blocks as frames (Protocol "PCAPNG"); PacketLens
        // skips them, as they hold no packet. They take a frame number and, being the first
        // frame, become the time reference, so in such files only the frames' order, not
        // No. or Time, can be compared.
        QList<Line> a, b;
        for (const QString &l : textLines(ours.out)) {
            Line line;
            QVERIFY2(parse(l, line), qPrintable(QStringLiteral("unparsable line: ") + l));
            a << line;
        }
        int customBlocks = 0;
        for (QString l : textLines(theirs.out)) {
            Line line;
            QVERIFY2(parse(l, line), qPrintable(QStringLiteral("unparsable tshark line: ") + l));
            if (line.protocol == QLatin1String("PCAPNG")) {
                ++customBlocks;
                continue;
            }
            b << line;
        }
        QCOMPARE(a.size(), b.size());

        QStringList problems;
        int compared = 0, above = 0, allowed = 0;
        auto differ = [&](int frame, const char *what, const QString &x, const QString &y) {
            problems << QStringLiteral("frame %1 %2:\n    ours   \"%3\"\n    tshark \"%4\"")
                            .arg(frame)
                            .arg(QLatin1String(what), x, y);
        };
        for (int i = 0; i < a.size(); ++i) {
            const Line &x = a[i];
            const Line &y = b[i];
            const int frame = i + 1;
            if (x.length != y.length)
                differ(frame, "Length", x.length, y.length);
            if (customBlocks == 0) {
                if (x.number != y.number)
                    differ(frame, "No.", QString::number(x.number), QString::number(y.number));
                if (x.time != y.time)
                    differ(frame, "Time", x.time, y.time);
            }
            if (!implemented(y)) {
                ++above;
                continue;
            }
            if (allowanceFor(relative, frame)) {
                ++allowed;
                continue;
            }
            ++compared;
            const bool same = customBlocks == 0
                                  ? x.text == y.text
                                  : (x.source == y.source && x.destination == y.destination &&
                                     x.protocol == y.protocol && x.info == y.info);
            if (!same)
                differ(frame, "line", x.text, y.text);
        }
        qInfo("%s: %d frames compared, %d dissected by tshark above TCP/UDP (later issues), "
              "%d allowed differences%s",
              qPrintable(relative), compared, above, allowed,
              customBlocks ? qPrintable(QStringLiteral(", %1 tshark custom-block frames "
                                                       "skipped (No./Time not compared)")
                                            .arg(customBlocks))
                           : "");
        if (!problems.isEmpty())
            QFAIL(qPrintable(QStringLiteral("%1 differences from tshark -n in %2:\n  %3")
                                 .arg(problems.size())
                                 .arg(relative, problems.mid(0, 30).join(QStringLiteral("\n  ")))));
    }
};

QTEST_GUILESS_MAIN(TestSummaryLines)
#include "tst_summarylines.moc"
