// The capture-file reader over the shared corpus: packet counts (reference table from
// corpus/INDEX.md), pcapng-test-generator block counts (from each file's .txt), libpcap's
// reject files, random access, time stamps checked against tshark 4.0, and, when tshark is
// installed, a per-packet comparison with `tshark -T fields` for every file.

#include "capfile/capturefilereader.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <map>

using pl::CapturedPacket;
using pl::CaptureFileReader;

namespace {

// Packet counts from corpus/INDEX.md (capinfos/tshark 4.0.17); -1: the file must be refused.
const std::map<QString, int> kExpectedCounts = {
    {QStringLiteral("tcpdump/802.1ad_QinQ.pcap"), 2},
    {QStringLiteral("tcpdump/LINKTYPE_RAW_ipv4.pcap"), 1},
    {QStringLiteral("tcpdump/LINKTYPE_RAW_ipv6.pcap"), 1},
    {QStringLiteral("tcpdump/afs.pcap"), 601},
    {QStringLiteral("tcpdump/arp-too-long-tha.pcap"), 1},
    {QStringLiteral("tcpdump/dhcp-rfc4388.pcap"), 54},
    {QStringLiteral("tcpdump/dhcpv6-ia-na.pcap"), 4},
    {QStringLiteral("tcpdump/dns-badcookie.pcap"), 4},
    {QStringLiteral("tcpdump/dns_tcp.pcap"), 11},
    {QStringLiteral("tcpdump/dns_udp.pcap"), 2},
    {QStringLiteral("tcpdump/empty.pcap"), 0},
    {QStringLiteral("tcpdump/icmpv6.pcap"), 5},
    {QStringLiteral("tcpdump/ipv4_invalid_hdr_length.pcap"), 1},
    {QStringLiteral("tcpdump/ipv4_tcp_http_xml.pcap"), 1},
    {QStringLiteral("tcpdump/ipv6-routing-header.pcap"), 4},
    {QStringLiteral("tcpdump/ipv6_invalid_length.pcap"), 1},
    {QStringLiteral("tcpdump/mptcp-v1.pcap"), 20},
    {QStringLiteral("tcpdump/pptp.pcap"), 23},
    {QStringLiteral("tcpdump/print-flags.pcap"), 10},
    {QStringLiteral("tcpdump/tcp-handshake-nano.pcap"), 3},
    {QStringLiteral("tcpdump/tcp_rst_data-trunc.pcap"), 1},
    {QStringLiteral("tcpdump/tfo-5c1fa7f9ae91.pcap"), 14},
    {QStringLiteral("tcpdump/time_2107.pcapng"), 1},
    {QStringLiteral("tcpdump/udp-length-heapoverflow.pcap"), 1},
    {QStringLiteral("tcpdump/vxlan.pcap"), 10},
    {QStringLiteral("pcapplusplus/IcmpPackets.pcap"), 15},
    {QStringLiteral("pcapplusplus/TcpPacketWithOptions.pcap"), 1},
    {QStringLiteral("pcapplusplus/VlanPackets.pcap"), 26},
    {QStringLiteral("pcapplusplus/frag_http_req.pcap"), 11},
    {QStringLiteral("pcapplusplus/ip4_fragments.pcap"), 53},
    {QStringLiteral("pcapplusplus/ip6_fragments.pcap"), 36},
    {QStringLiteral("pcapplusplus/many_interfaces-1.pcapng"), 64},
    {QStringLiteral("pcapplusplus/microsecs_big_endian.pcap"), 13},
    {QStringLiteral("pcapplusplus/nanosecs_big_endian.pcap"), 10},
    {QStringLiteral("pcapplusplus/one_ipv6_http_stream.pcap"), 19},
    {QStringLiteral("pcapplusplus/pcapng-example.pcapng"), 159},
    {QStringLiteral("pcapplusplus/sll2.pcap"), 3},
    {QStringLiteral("pcapplusplus/tcp-malformed.pcap"), 2},
    {QStringLiteral("pcapplusplus/too_many_interfaces.pcapng"), 1},
    {QStringLiteral("pcapng-test-generator/be_advanced_test100.pcapng"), 5},
    {QStringLiteral("pcapng-test-generator/be_basic_test001.pcapng"), 4},
    {QStringLiteral("pcapng-test-generator/le_advanced_test102.pcapng"), 5},
    {QStringLiteral("pcapng-test-generator/le_basic_test001.pcapng"), 4},
    {QStringLiteral("pcapng-test-generator/le_basic_test006.pcapng"), 5},
    {QStringLiteral("pcapng-test-generator/le_basic_test009.pcapng"), 2},
    {QStringLiteral("pcapng-test-generator/le_basic_test010.pcapng"), 4},
    {QStringLiteral("pcapng-test-generator/le_difficult_test202.pcapng"), 8},
    {QStringLiteral("libpcap/linktype-reserved-field-not-zero.pcap"), -1},
    {QStringLiteral("libpcap/pcap-invalid-version-1.pcap"), -1},
    {QStringLiteral("libpcap/pcapng-invalid-vers-1.pcapng"), -1},
    {QStringLiteral("libpcap/shb-option-too-long.pcapng"), -1},
};

QString corpusDir()
{
    return QString::fromLocal8Bit(qgetenv("PACKETLENS_CORPUS"));
}

#define REQUIRE_CORPUS()                                                                           \
    do {                                                                                           \
        if (corpusDir().isEmpty() || !QDir(corpusDir()).exists())                                  \
            QSKIP("PACKETLENS_CORPUS is not set or does not name a directory (ctest sets it to "   \
                  "../shared/corpus); corpus tests skipped");                                      \
    } while (0)

/// Every capture file of the corpus, by path relative to it: the directory is the truth, so
/// a new file without an entry in kExpectedCounts fails the test instead of being ignored.
QStringList corpusFiles()
{
    QStringList out;
    const QDir root(corpusDir());
    QDirIterator it(corpusDir(), {QStringLiteral("*.pcap"), QStringLiteral("*.pcapng")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << root.relativeFilePath(it.next());
    out.sort();
    return out;
}

std::string path(const QString &rel)
{
    return (corpusDir() + QLatin1Char('/') + rel).toStdString();
}

QString epoch(const pl::Frame &f)
{
    return QStringLiteral("%1.%2").arg(f.tsSec).arg(f.tsNsec, 9, 10, QLatin1Char('0'));
}

} // namespace

class TestCapfileCorpus : public QObject
{
    Q_OBJECT
private slots:
    void packetCounts_data()
    {
        QTest::addColumn<QString>("file");
        if (corpusDir().isEmpty() || !QDir(corpusDir()).exists())
            return;
        for (const QString &f : corpusFiles())
            QTest::newRow(qPrintable(f)) << f;
    }

    void packetCounts()
    {
        REQUIRE_CORPUS();
        QFETCH(QString, file);
        const auto it = kExpectedCounts.find(file);
        QVERIFY2(it != kExpectedCounts.end(),
                 qPrintable(QStringLiteral("%1 is not in the expected-count table; add it from "
                                           "INDEX.md")
                                .arg(file)));
        CaptureFileReader r;
        const bool opened = r.open(path(file));
        if (it->second < 0) {
            QVERIFY2(!opened, qPrintable(file));
            QVERIFY(!r.error().empty());
            return;
        }
        QVERIFY2(opened, r.error().c_str());
        CapturedPacket p;
        int n = 0;
        while (r.next(p)) {
            ++n;
            QCOMPARE(p.frame.number, uint64_t(n));
            QCOMPARE(p.frame.capLen, uint32_t(p.bytes.size()));
            QVERIFY(p.frame.data == p.bytes.data());
            QVERIFY(p.frame.wireLen >= p.frame.capLen);
            QVERIFY(p.frame.interfaceId < r.interfaces().size());
            QCOMPARE(p.frame.linkType, r.interfaces()[p.frame.interfaceId].linkType);
        }
        QVERIFY2(!r.damaged(), r.error().c_str());
        QVERIFY2(r.error().empty(), r.error().c_str());
        QCOMPARE(n, it->second);
        QCOMPARE(r.packetCount(), uint64_t(n));
        QVERIFY(r.buildIndex());
        QCOMPARE(r.packetCount(), uint64_t(n));
    }

    void tableHasNoStaleEntries()
    {
        REQUIRE_CORPUS();
        const QStringList files = corpusFiles();
        for (const auto &[name, count] : kExpectedCounts)
            QVERIFY2(files.contains(name), qPrintable(name + QStringLiteral(" is missing")));
    }

    void generatorBlockCounts_data()
    {
        QTest::addColumn<QString>("file");
        if (corpusDir().isEmpty() || !QDir(corpusDir()).exists())
            return;
        for (const QString &f : corpusFiles()) {
            if (f.startsWith(QStringLiteral("pcapng-test-generator/")))
                QTest::newRow(qPrintable(f)) << f;
        }
    }

    void generatorBlockCounts()
    {
        REQUIRE_CORPUS();
        QFETCH(QString, file);
        // The .txt lists "Block counts:" then one "\tNAME: N" line per block type.
        QString txtName = file;
        txtName.replace(QRegularExpression(QStringLiteral("\\.pcapng$")), QStringLiteral(".txt"));
        QFile txt(corpusDir() + QLatin1Char('/') + txtName);
        QVERIFY2(txt.open(QIODevice::ReadOnly), qPrintable(txtName));
        std::map<QString, uint64_t> expected;
        bool inCounts = false;
        const QRegularExpression line(QStringLiteral("^\\s+([A-Z]+):\\s*(\\d+)\\s*$"));
        for (const QString &l : QString::fromUtf8(txt.readAll()).split(QLatin1Char('\n'))) {
            if (l.startsWith(QStringLiteral("Block counts:"))) {
                inCounts = true;
                continue;
            }
            const auto m = line.match(l);
            if (inCounts && m.hasMatch())
                expected[m.captured(1)] = m.captured(2).toULongLong();
            else if (inCounts && !l.trimmed().isEmpty())
                inCounts = false;
        }
        QVERIFY(!expected.empty());

        CaptureFileReader r;
        QVERIFY2(r.open(path(file)), r.error().c_str());
        QVERIFY2(r.buildIndex(), r.error().c_str());
        std::map<QString, uint64_t> got;
        for (const auto &[type, n] : r.blockCounts())
            got[QString::fromStdString(CaptureFileReader::blockTypeName(type))] = n;
        QCOMPARE(got, expected);
    }

    void libpcapRejects_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        // The reasons of libpcap's EXPECTED_ERRORS.txt, as our messages must contain them.
        QTest::newRow("reserved") << QStringLiteral("libpcap/linktype-reserved-field-not-zero.pcap")
                                  << QStringLiteral("linktype-reserved-field-not-zero.pcap: byte "
                                                    "20: savefile linktype reserved field not "
                                                    "zero (0x00300000)");
        QTest::newRow("version") << QStringLiteral("libpcap/pcap-invalid-version-1.pcap")
                                 << QStringLiteral("pcap-invalid-version-1.pcap: byte 4: "
                                                   "unsupported pcap savefile version 1.4");
        QTest::newRow("ngversion") << QStringLiteral("libpcap/pcapng-invalid-vers-1.pcapng")
                                   << QStringLiteral("pcapng-invalid-vers-1.pcapng: byte 12: "
                                                     "unsupported pcapng savefile version 0.1");
        // libpcap does not check the SHB's own trailer and trips on the next block (an IDB of
        // 32 bytes at byte 52); we refuse the SHB itself: its trailer is the same junk.
        QTest::newRow("shboption") << QStringLiteral("libpcap/shb-option-too-long.pcapng")
                                   << QStringLiteral("shb-option-too-long.pcapng: byte 0: block "
                                                     "total length in header 52 and trailer "
                                                     "808464432 don't match");
    }

    void libpcapRejects()
    {
        REQUIRE_CORPUS();
        QFETCH(QString, file);
        QFETCH(QString, reason);
        CaptureFileReader r;
        QVERIFY(!r.open(path(file)));
        const QString err = QString::fromStdString(r.error());
        QVERIFY2(err.endsWith(reason), qPrintable(err));
        QVERIFY2(err.startsWith(QString::fromStdString(path(file))), qPrintable(err));
        CapturedPacket p;
        QVERIFY(!r.next(p));
        QVERIFY(!r.damaged());
    }

    void randomAccess_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("afs") << QStringLiteral("tcpdump/afs.pcap");
        QTest::newRow("pcapng-example") << QStringLiteral("pcapplusplus/pcapng-example.pcapng");
        QTest::newRow("test202") << QStringLiteral(
            "pcapng-test-generator/le_difficult_test202.pcapng");
        QTest::newRow("be100") << QStringLiteral(
            "pcapng-test-generator/be_advanced_test100.pcapng");
    }

    void randomAccess()
    {
        REQUIRE_CORPUS();
        QFETCH(QString, file);
        CaptureFileReader seq;
        QVERIFY2(seq.open(path(file)), seq.error().c_str());
        std::vector<CapturedPacket> all;
        CapturedPacket p;
        while (seq.next(p))
            all.push_back(p);
        QVERIFY(!all.empty());

        // A second reader indexes first, then reads backwards and at random.
        CaptureFileReader r;
        QVERIFY(r.open(path(file)));
        QVERIFY(r.buildIndex());
        QCOMPARE(r.packetCount(), uint64_t(all.size()));
        auto same = [&](uint64_t i) {
            CapturedPacket q;
            QVERIFY2(r.readPacket(i, q), r.error().c_str());
            const CapturedPacket &e = all[i];
            QCOMPARE(q.frame.number, i + 1);
            QCOMPARE(q.bytes, e.bytes);
            QCOMPARE(q.frame.capLen, e.frame.capLen);
            QCOMPARE(q.frame.wireLen, e.frame.wireLen);
            QCOMPARE(q.frame.tsSec, e.frame.tsSec);
            QCOMPARE(q.frame.tsNsec, e.frame.tsNsec);
            QCOMPARE(q.frame.interfaceId, e.frame.interfaceId);
            QCOMPARE(q.frame.linkType, e.frame.linkType);
            QCOMPARE(q.fileOffset, e.fileOffset);
            QCOMPARE(q.comments, e.comments);
            QCOMPARE(q.hasTimestamp, e.hasTimestamp);
        };
        for (uint64_t i = all.size(); i-- > 0;)
            same(i);
        for (uint64_t i = 0, j = 7 % all.size(); i < all.size();
             ++i, j = (j * 31 + 11) % all.size())
            same(j);
        // After buildIndex, next() still starts at the first packet.
        QVERIFY(r.next(p));
        QCOMPARE(p.frame.number, uint64_t(1));
        QCOMPARE(p.bytes, all[0].bytes);
        CapturedPacket q;
        QVERIFY(!r.readPacket(all.size(), q));
    }

    void timestamps_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("epoch"); // tshark -T fields -e frame.time_epoch
        QTest::newRow("pcap LE nsec") << QStringLiteral("tcpdump/tcp-handshake-nano.pcap") << 0
                                      << QStringLiteral("1418145369.924505488");
        QTest::newRow("pcap LE nsec #3") << QStringLiteral("tcpdump/tcp-handshake-nano.pcap") << 2
                                         << QStringLiteral("1418145370.052115157");
        QTest::newRow("pcap BE usec")
            << QStringLiteral("tcpdump/pptp.pcap") << 0 << QStringLiteral("954147395.148077000");
        QTest::newRow("pcap BE nsec") << QStringLiteral("pcapplusplus/nanosecs_big_endian.pcap")
                                      << 0 << QStringLiteral("1766361926.167647291");
        QTest::newRow("after 2106") << QStringLiteral("tcpdump/time_2107.pcapng") << 0
                                    << QStringLiteral("4323283200.000000000");
        QTest::newRow("tsresol 9") << QStringLiteral("pcapplusplus/pcapng-example.pcapng") << 1
                                   << QStringLiteral("2894531997.938836488");
        // tshark 4.0 shows year 586524: a 64-bit microsecond count near 2^64.
        QTest::newRow("year 586524") << QStringLiteral("pcapplusplus/pcapng-example.pcapng") << 59
                                     << QStringLiteral("18446744073204.126329000");
        QTest::newRow("interface 82") << QStringLiteral("pcapplusplus/too_many_interfaces.pcapng")
                                      << 0 << QStringLiteral("1460283000.005015000");
    }

    void timestamps()
    {
        REQUIRE_CORPUS();
        QFETCH(QString, file);
        QFETCH(int, index);
        QFETCH(QString, epoch);
        CaptureFileReader r;
        QVERIFY2(r.open(path(file)), r.error().c_str());
        QVERIFY(r.buildIndex());
        CapturedPacket p;
        QVERIFY(r.readPacket(uint64_t(index), p));
        QCOMPARE(::epoch(p.frame), epoch);
    }

    void time2107IsYear2107()
    {
        REQUIRE_CORPUS();
        CaptureFileReader r;
        QVERIFY(r.open(path(QStringLiteral("tcpdump/time_2107.pcapng"))));
        CapturedPacket p;
        QVERIFY(r.next(p));
        const QDateTime t = QDateTime::fromSecsSinceEpoch(p.frame.tsSec, Qt::UTC);
        QCOMPARE(t.date().year(), 2107);
    }

    void pcapngMetadata()
    {
        REQUIRE_CORPUS();
        CaptureFileReader r;
        QVERIFY(r.open(path(QStringLiteral("pcapplusplus/pcapng-example.pcapng"))));
        QCOMPARE(r.format(), CaptureFileReader::Format::PcapNg);
        QCOMPARE(r.sectionComments().size(), size_t(1));
        QVERIFY(r.sectionComments()[0].starts_with("CLIENT_RANDOM E39B5BF4903C6868"));
        QCOMPARE(r.sectionDescription(),
                 std::string("OS: Linux 3.18.1-1-ARCH; Application: Dumpcap (Wireshark) 1.99.1 "
                             "(Git Rev Unknown from unknown)"));
        QVERIFY(r.buildIndex());
        QCOMPARE(r.interfaces().size(), size_t(2));
        QCOMPARE(r.interfaces()[0].name, std::string("lo"));
        QCOMPARE(r.interfaces()[0].linkType, 1u);
        QCOMPARE(r.interfaces()[0].tsUnitsPerSecond, uint64_t(1000000000));
        QCOMPARE(r.interfaces()[0].snapLen, 262144u);
        QCOMPARE(r.interfaces()[1].linkType, 113u);
        QCOMPARE(r.interfaces()[1].tsUnitsPerSecond, uint64_t(1000000));
        CapturedPacket p;
        QVERIFY(r.readPacket(59, p));
        QCOMPARE(p.comments, std::vector<std::string>{"Packet #1"});

        CaptureFileReader m;
        QVERIFY(m.open(path(QStringLiteral("pcapng-test-generator/le_difficult_test202.pcapng"))));
        QVERIFY(m.buildIndex());
        QCOMPARE(m.sectionCount(), 3u);
        QCOMPARE(m.interfaces().size(), size_t(5));
        QCOMPARE(m.interfaces()[2].name, std::string("silly ethernet interface 2"));
        QCOMPARE(m.interfaces()[2].section, 1u);
        QCOMPARE(m.sectionComments(), std::vector<std::string>{"test202 SHB-0"});
    }

    // Every packet of every corpus file against tshark's frame fields. tshark 4.0 differs
    // from us on purpose in two ways, both normalised here: it lists custom blocks as frames
    // (no time, no interface), and its frame.interface_id is relative to the section.
    void matchesTshark_data()
    {
        QTest::addColumn<QString>("file");
        if (corpusDir().isEmpty() || !QDir(corpusDir()).exists())
            return;
        for (const QString &f : corpusFiles()) {
            if (kExpectedCounts.count(f) && kExpectedCounts.at(f) >= 0)
                QTest::newRow(qPrintable(f)) << f;
        }
    }

    void matchesTshark()
    {
        REQUIRE_CORPUS();
        const QString tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
        if (tshark.isEmpty())
            QSKIP("tshark is not installed; differential check skipped");
        QFETCH(QString, file);
        QProcess proc;
        proc.start(tshark,
                   {QStringLiteral("-r"), QString::fromStdString(path(file)), QStringLiteral("-T"),
                    QStringLiteral("fields"), QStringLiteral("-e"), QStringLiteral("frame.len"),
                    QStringLiteral("-e"), QStringLiteral("frame.cap_len"), QStringLiteral("-e"),
                    QStringLiteral("frame.time_epoch"), QStringLiteral("-e"),
                    QStringLiteral("frame.interface_id"), QStringLiteral("-e"),
                    QStringLiteral("frame.comment")});
        QVERIFY(proc.waitForFinished(60000));
        QStringList expected;
        for (const QString &l : QString::fromUtf8(proc.readAllStandardOutput())
                                    .split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QStringList f = l.split(QLatin1Char('\t'));
            if (f.size() >= 4 && f[2].isEmpty() && f[3].isEmpty())
                continue; // a custom block
            expected << l;
        }

        CaptureFileReader r;
        QVERIFY2(r.open(path(file)), r.error().c_str());
        QStringList got;
        CapturedPacket p;
        while (r.next(p)) {
            QString ifid;
            if (r.format() == CaptureFileReader::Format::PcapNg) {
                const auto &ifs = r.interfaces();
                uint32_t local = 0;
                for (uint32_t i = 0; i < p.frame.interfaceId; ++i)
                    local += ifs[i].section == ifs[p.frame.interfaceId].section;
                ifid = QString::number(local);
            }
            QStringList comments;
            for (const auto &c : p.comments)
                comments << QString::fromStdString(c);
            got << QStringList{QString::number(p.frame.wireLen), QString::number(p.frame.capLen),
                               p.hasTimestamp ? epoch(p.frame) : QString(), ifid,
                               comments.join(QLatin1Char(','))}
                       .join(QLatin1Char('\t'));
        }
        QVERIFY2(!r.damaged(), r.error().c_str());
        QCOMPARE(got, expected);
    }
};

QTEST_APPLESS_MAIN(TestCapfileCorpus)
#include "tst_capfilecorpus.moc"
