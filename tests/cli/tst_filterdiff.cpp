// Display filters compared with tshark's over the whole corpus: for every filter below, the
// packets `packetlens-cli -Y` selects must be those `tshark -Y` selects. A difference kept
// is listed in kKnownDifferences with its reason; any other fails.
//
// Running tshark once per filter and file would take minutes, so the corpus is merged into
// one pcapng file (mergecap -a, file after file) and each filter runs once on it in both
// programs, side by side. Differences are reported per corpus file and frame. tshark shows a
// few pcapng blocks that are not packets as frames of their own, so its frame numbers are
// mapped to ours by length and time first.

#include "capfile/capturefilereader.h"
#include "clirun.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace pltest;

namespace {

// Each construct of the language at least once; the in-sets use tshark 4.0's commas (it
// refuses `{80 443}`, which PacketLens also accepts).
const char *const kFilters[] = {
    // presence, protocols
    "tcp",
    "udp",
    "arp",
    "icmp || icmpv6",
    "ipv6 && !icmpv6",
    "tcp.options.sack_perm",
    "vlan",
    // comparison operators and their spellings; integers in decimal, hex and octal
    "ip.ttl == 64",
    "ip.ttl eq 64",
    "ip.ttl == 0x40",
    "ip.ttl == 0100",
    "ip.ttl gt 100",
    "tcp.srcport > 1024",
    "tcp.dstport >= 1024 and tcp.dstport le 8080",
    "frame.len < 100",
    "frame.len <= 60",
    "tcp.window_size lt 1000",
    "ip.proto ne 6",
    "ip.proto != 17 && ip",
    "tcp.window_size_value ge 65535",
    // contains, matches
    "tcp contains \"GET\"",
    "frame contains 00:00:00:00:00:00",
    "udp contains 01:00",
    "frame matches \"HTTP/1\\\\.[01]\"",
    "tcp matches \"(?i)host: \"",
    // membership with ranges
    "tcp.port in {80, 443, 8080}",
    "tcp.port in {1000..2000, 80}",
    "ip.proto in {1, 17}",
    "frame.number in {1, 3..5, 9}", // before tshark's first extra frame: numbers agree
    // logic and parentheses
    "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.flags.syn == 1 and tcp.flags.ack == 1",
    "tcp.flags.fin == 1 || tcp.flags.reset == 1",
    "tcp.flags.reset == 1 or icmp",
    "!tcp",
    "not ip and not ipv6",
    "!(tcp.port == 80) && tcp",
    "(udp || tcp) && ip.len > 500",
    // booleans
    "tcp.flags.syn == True",
    "tcp.flags.push == 0",
    "tcp.flags.ack == False",
    // MAC addresses, byte strings, slices
    "eth.dst == ff:ff:ff:ff:ff:ff",
    "eth.addr == ff:ff:ff:ff:ff:ff",
    "eth.addr != ff:ff:ff:ff:ff:ff",
    "eth.dst[0:3] == 01:00:5e",
    "eth.src[0:3] == 00:1b:21",
    "frame[0:2] == ff:ff",
    "tcp.payload[0:4] == 47:45:54:20",
    "ip.src[0] == 7f",
    // IPv4, CIDR
    "ip.src == 127.0.0.1",
    "ip.addr == 10.0.0.0/8",
    "ip.addr == 192.168.0.0/16",
    "ip.addr != 127.0.0.1",
    "ip.dst == 224.0.0.0/4",
    // IPv6, CIDR
    "ipv6.addr == ::1",
    "ipv6.src == fe80::/10",
    "ipv6.addr == 2001:db8::/32",
    "ipv6.addr != fe80::/10",
    // strings
    "frame.protocols contains \"icmp\"",
    "frame.protocols == \"eth:ethertype:ip:tcp\"",
    "tcp.flags.str == \"\xc2\xb7\xc2\xb7\xc2\xb7\xc2\xb7\xc2\xb7\xc2\xb7\xc2\xb7"
    "A\xc2\xb7\xc2\xb7\xc2\xb7\xc2\xb7\"",
    // frame fields
    "frame.number <= 3",
    "frame.cap_len != frame.len",
    "frame.time_relative > 1.5",
    // pseudo-fields, == and !=
    "tcp.port == 80",
    "udp.port == 53",
    "udp.port != 53",
    "tcp.port != 80",
    "ip.addr == 127.0.0.1",
    "ip.flags.mf == 1",
    "ipv6.nxt == 58",
    "tcp.len > 0",
    // expert and malformed
    "_ws.malformed",
    "_ws.expert",
};

// Why tshark selects other packets: each is a difference of dissection, not of the filter
// language (the same fields, when both have them, give the same answers).
const char kRxAfs[] = "tshark's RX/AFS dissectors find the reassembled datagrams of frames 98 "
                      "and 114 malformed; PacketLens has no RX dissector (their UDP payload is "
                      "data)";
const char kBadChecksum[] =
    "this comparison runs tshark with tcp.check_checksum on, and then tshark does not reassemble "
    "a segment whose checksum is bad (loopback offload): frame 6 stays TCP; PacketLens verifies "
    "checksums for the tree but reassembles regardless, as tshark does by default";
const char kSynData[] = "tshark does not dissect the data a SYN carries (TCP Fast Open) any "
                        "further: its frame.protocols has no data layer";
const char kFarFuture[] =
    "frames 2 and 60+ carry timestamps centuries away (a bogus if_tsresol): their "
    "frame.time_relative is beyond 2^63 ns, where tshark's time comparison wraps";

/// Known differences, by filter and corpus file, with the reason. A difference not listed
/// fails the test.
struct KnownDifference
{
    const char *filter;
    const char *file;
    const char *reason;
};
const KnownDifference kKnownDifferences[] = {
    {"frame.protocols == \"eth:ethertype:ip:tcp\"", "pcapplusplus/nanosecs_big_endian.pcap",
     kBadChecksum},
    {"frame.protocols == \"eth:ethertype:ip:tcp\"", "tcpdump/tfo-5c1fa7f9ae91.pcap", kSynData},
    {"frame.time_relative > 1.5", "pcapplusplus/pcapng-example.pcapng", kFarFuture},
    {"_ws.malformed", "tcpdump/afs.pcap", kRxAfs},
    {"_ws.expert", "tcpdump/afs.pcap", kRxAfs},
};

struct Frame
{
    uint32_t capLen;
    int64_t sec;
    uint32_t nsec;
};

QByteArray run(QProcess &p)
{
    if (!p.waitForFinished(300000))
        return "<timeout>";
    return p.readAllStandardOutput();
}

std::vector<uint64_t> numbers(const QByteArray &out)
{
    std::vector<uint64_t> n;
    for (const QByteArray &line : out.split('\n'))
        if (!line.trimmed().isEmpty())
            n.push_back(line.trimmed().toULongLong());
    return n;
}

} // namespace

class TestFilterDiff : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_merged;
    QString m_tshark;
    QStringList m_files;             ///< corpus files, in merge order
    std::vector<uint64_t> m_fileEnd; ///< last frame number (ours) of each file
    std::vector<uint64_t> m_map;     ///< tshark frame number -> ours (0: not a packet here)

    /// The corpus file of merged frame `frame`, and its number in that file.
    std::pair<QString, uint64_t> where(uint64_t frame) const
    {
        for (size_t i = 0; i < m_fileEnd.size(); ++i)
            if (frame <= m_fileEnd[i])
                return {m_files[int(i)], frame - (i ? m_fileEnd[i - 1] : 0)};
        return {QStringLiteral("?"), frame};
    }

private slots:
    void initTestCase()
    {
        if (!haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        m_tshark = tsharkPath();
        const QString mergecap = QStandardPaths::findExecutable(QStringLiteral("mergecap"));
        if (m_tshark.isEmpty() || mergecap.isEmpty())
            QSKIP("tshark or mergecap is not installed (apt-get install tshark): no comparison");

        // Our own count of each file's packets, to name the file of a merged frame.
        std::vector<Frame> frames;
        QStringList paths;
        for (const QString &f : corpusCaptures()) {
            pl::CaptureFileReader reader;
            if (!reader.open(corpusFile(f).toStdString()))
                continue;
            pl::CapturedPacket p;
            while (reader.next(p))
                frames.push_back({p.frame.capLen, p.frame.tsSec, p.frame.tsNsec});
            if (reader.damaged()) // mergecap keeps what comes before the damage too
                qWarning("%s: %s", qPrintable(f), reader.error().c_str());
            m_files << f;
            m_fileEnd.push_back(frames.size());
            paths << corpusFile(f);
        }
        m_merged = m_dir.filePath(QStringLiteral("corpus.pcapng"));
        const RunResult merge = runProgram(
            mergecap, QStringList{QStringLiteral("-a"), QStringLiteral("-F"),
                                  QStringLiteral("pcapng"), QStringLiteral("-w"), m_merged} +
                          paths);
        QVERIFY2(merge.exitCode == 0, merge.err.constData());

        // The merged file holds exactly the packets we read from each file, in order.
        pl::CaptureFileReader merged;
        QVERIFY2(merged.open(m_merged.toStdString()), merged.error().c_str());
        pl::CapturedPacket p;
        size_t n = 0;
        while (merged.next(p)) {
            QVERIFY(n < frames.size());
            QCOMPARE(p.frame.capLen, frames[n].capLen);
            QCOMPARE(p.frame.tsSec, frames[n].sec);
            ++n;
        }
        QCOMPARE(n, frames.size());

        // tshark's frames mapped to ours by length and time, in order: it shows some pcapng
        // blocks that are not packets (systemd journal, custom blocks) as frames too.
        const RunResult ts =
            runProgram(m_tshark, {QStringLiteral("-n"), QStringLiteral("-r"), m_merged,
                                  QStringLiteral("-T"), QStringLiteral("fields"),
                                  QStringLiteral("-e"), QStringLiteral("frame.cap_len"),
                                  QStringLiteral("-e"), QStringLiteral("frame.time_epoch")});
        QCOMPARE(ts.exitCode, 0);
        const QList<QByteArray> lines = ts.out.trimmed().split('\n');
        m_map.assign(size_t(lines.size()) + 1, 0);
        size_t ours = 0;
        for (int i = 0; i < lines.size(); ++i) {
            const QList<QByteArray> cols = lines[i].split('\t');
            if (cols.size() < 2 || ours >= frames.size())
                continue;
            const QList<QByteArray> t = cols[1].split('.');
            const int64_t sec = t.value(0).toLongLong();
            const uint32_t nsec = uint32_t(t.value(1).leftJustified(9, '0').toULong());
            const Frame &f = frames[ours];
            if (cols[0].toUInt() == f.capLen && sec == f.sec && nsec == f.nsec)
                m_map[size_t(i) + 1] = ++ours;
        }
        QVERIFY2(ours == frames.size(),
                 qPrintable(QStringLiteral("only %1 of %2 frames found in tshark's output")
                                .arg(ours)
                                .arg(frames.size())));
    }

    void sameFramesAsTshark_data()
    {
        QTest::addColumn<QString>("filter");
        for (const char *f : kFilters)
            QTest::newRow(f) << QString::fromUtf8(f);
    }

    void sameFramesAsTshark()
    {
        QFETCH(QString, filter);
        const QStringList common{QStringLiteral("-r"), m_merged,
                                 QStringLiteral("-Y"), filter,
                                 QStringLiteral("-T"), QStringLiteral("fields"),
                                 QStringLiteral("-e"), QStringLiteral("frame.number")};
        // Both at once: the machine has two cores.
        QProcess ourProcess, theirProcess;
        ourProcess.start(QStringLiteral(PACKETLENS_CLI), common);
        // PacketLens verifies checksums (tshark does not by default): its bad-checksum notes
        // are compared with tshark's verifying too, as the tree differential does.
        theirProcess.start(
            m_tshark, QStringList{QStringLiteral("-n"), QStringLiteral("-o"),
                                  QStringLiteral("ip.check_checksum:TRUE"), QStringLiteral("-o"),
                                  QStringLiteral("tcp.check_checksum:TRUE"), QStringLiteral("-o"),
                                  QStringLiteral("udp.check_checksum:TRUE")} +
                          common);
        const QByteArray ourOut = run(ourProcess), theirOut = run(theirProcess);
        QVERIFY2(theirProcess.exitCode() == 0, theirProcess.readAllStandardError().constData());
        QVERIFY2(ourProcess.exitCode() == 0, ourProcess.readAllStandardError().constData());

        std::set<uint64_t> ours, theirs;
        for (const uint64_t n : numbers(ourOut))
            ours.insert(n);
        for (const uint64_t n : numbers(theirOut))
            if (n < m_map.size() && m_map[n])
                theirs.insert(m_map[n]);

        // Differences per file; a file whose differences are all known is fine.
        std::map<QString, QStringList> byFile;
        for (const uint64_t n : ours)
            if (!theirs.count(n)) {
                const auto [file, local] = where(n);
                byFile[file] << QStringLiteral("+%1").arg(local);
            }
        for (const uint64_t n : theirs)
            if (!ours.count(n)) {
                const auto [file, local] = where(n);
                byFile[file] << QStringLiteral("-%1").arg(local);
            }
        QString report;
        for (const auto &[file, frames] : byFile) {
            bool known = false;
            for (const KnownDifference &k : kKnownDifferences)
                if (filter == QString::fromUtf8(k.filter) && file == QLatin1String(k.file))
                    known = true;
            if (known)
                continue;
            report += QStringLiteral("  %1: frames %2 (+ only PacketLens, - only tshark)\n")
                          .arg(file, frames.mid(0, 12).join(QLatin1Char(' ')));
        }
        if (!report.isEmpty())
            QFAIL(qPrintable(QStringLiteral("`%1` selects other packets than tshark's:\n%2")
                                 .arg(filter, report)));
    }
};

QTEST_GUILESS_MAIN(TestFilterDiff)
#include "tst_filterdiff.moc"
