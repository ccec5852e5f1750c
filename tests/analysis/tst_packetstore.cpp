// The packet store: the first pass runs on a worker while rows are announced in batches, and
// every row is read and dissected again on demand with the same result as the CLI's line.

#include "analysis/packetstore.h"
#include "capfile/capturefilewriter.h"
#include "dissect/print/summaryline.h"
#include "dissect/print/treetext.h"
#include "storewait.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#if defined(__SANITIZE_ADDRESS__)
#define PL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PL_ASAN 1
#endif
#endif
#ifdef PL_ASAN
// The sanitizer runtime exports it; its header is not always installed.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

namespace {

using pltest::waitLoaded;

// Heap bytes in use (ASan's own allocator does not answer mallinfo2).
size_t heapInUse()
{
#ifdef PL_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    return mallinfo2().uordblks;
#endif
}

constexpr int kBigCount = 200000;

int digitsOf(const pl::CaptureFileReader &reader, const pl::Frame &f)
{
    const auto &ifs = reader.interfaces();
    uint64_t units = f.interfaceId < ifs.size() ? ifs[f.interfaceId].tsUnitsPerSecond : 1000000;
    int digits = 0;
    for (uint64_t u = 1; u < units && digits < 9; u *= 10)
        ++digits;
    return digits;
}

// What the CLI prints for each packet: one fresh sequential pass, as packetlens-cli -r does.
std::vector<std::string> cliLines(const QString &file, int *digits)
{
    std::vector<std::string> lines;
    pl::CaptureFileReader reader;
    if (!reader.open(file.toStdString()))
        return lines;
    pl::Session session;
    pl::Dissection d(pl::Dissection::Mode::Summary);
    d.prefs.verifyChecksums = false;
    pl::CapturedPacket p;
    int64_t firstSec = 0;
    uint32_t firstNsec = 0;
    while (reader.next(p)) {
        if (lines.empty()) {
            firstSec = p.frame.tsSec;
            firstNsec = p.frame.tsNsec;
            *digits = digitsOf(reader, p.frame);
        }
        d.dissect(p.frame, &session);
        int64_t sec = p.frame.tsSec - firstSec;
        int64_t nsec = int64_t(p.frame.tsNsec) - int64_t(firstNsec);
        if (nsec < 0) {
            nsec += 1000000000;
            --sec;
        }
        std::string line;
        pl::print::appendSummaryLine(line, d, sec, uint32_t(nsec), digitsOf(reader, p.frame));
        lines.push_back(std::move(line));
    }
    return lines;
}

// The same line built from the store's row.
std::string storeLine(pl::PacketStore &store, qsizetype i, int digits)
{
    const pl::PacketStore::Row r = store.row(i);
    int64_t sec = r.tsSec - store.firstSec();
    int64_t nsec = int64_t(r.tsNsec) - int64_t(store.firstNsec());
    if (nsec < 0) {
        nsec += 1000000000;
        --sec;
    }
    const std::string src = r.source.toStdString(), dst = r.destination.toStdString(),
                      proto = r.protocol.toStdString(), info = r.info.toStdString();
    std::string line;
    pl::print::appendSummaryLine(line, pl::print::SummaryColumns{r.number, r.hasTime, sec,
                                                                 uint32_t(nsec), digits, src, dst,
                                                                 proto, r.length, info});
    return line;
}

// A pcap of `count` Ethernet/IPv4/UDP packets between 64 hosts, 1 ms apart.
bool writeBigFile(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapUsec, "test"))
        return false;
    if (w.addInterface({}) != 0)
        return false;
    uint8_t pkt[60] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99,
                       0xaa, 0x08, 0x00, // Ethernet
                       0x45, 0x00, 0x00, 46,   0x00, 0x00, 0x40, 0x00, 64,   17,   0x00,
                       0x00, 10,   0,    0,    1,    10,   0,    0,    2}; // IPv4, then UDP at 34
    for (int i = 0; i < count; ++i) {
        pkt[29] = uint8_t(1 + i % 64);
        pkt[33] = uint8_t(100 + i % 64);
        const uint16_t sport = uint16_t(40000 + i % 64), dport = 5000;
        pkt[34] = uint8_t(sport >> 8);
        pkt[35] = uint8_t(sport);
        pkt[36] = uint8_t(dport >> 8);
        pkt[37] = uint8_t(dport);
        pkt[38] = 0;
        pkt[39] = 26; // UDP length: 8 + 18
        pl::Frame f;
        f.data = pkt;
        f.capLen = f.wireLen = sizeof pkt;
        f.tsSec = 1700000000 + i / 1000;
        f.tsNsec = uint32_t(i % 1000) * 1000000u;
        if (!w.write(f, 0))
            return false;
    }
    return w.close();
}

} // namespace

class TestPacketStore : public QObject
{
    Q_OBJECT
private:
    QString m_corpus;
    QTemporaryDir m_tmp;
    QString m_big;

    QString corpusFile(const QString &name)
    {
        return m_corpus.isEmpty() ? QString() : QDir(m_corpus).filePath(name);
    }

private slots:
    void initTestCase()
    {
        const QString corpus = qEnvironmentVariable("PACKETLENS_CORPUS");
        if (!corpus.isEmpty() && QDir(corpus).exists())
            m_corpus = corpus;
        QVERIFY(m_tmp.isValid());
        m_big = m_tmp.filePath(QStringLiteral("big.pcap"));
        QVERIFY(writeBigFile(m_big, kBigCount));
    }

    void rowsMatchCli_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("count"); // from the corpus's INDEX.md
        // Messages reassembled from segments: a revisit reads them again from the file.
        const QString data = QStringLiteral(PACKETLENS_SOURCE_DIR "/tests/data/");
        QTest::newRow("http-split") << data + QStringLiteral("http-split.pcap") << 50;
        QTest::newRow("tls-12-split") << data + QStringLiteral("tls-12-split.pcap") << 18;
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        QTest::newRow("print-flags")
            << corpusFile(QStringLiteral("tcpdump/print-flags.pcap")) << 10;
        QTest::newRow("dhcp-rfc4388")
            << corpusFile(QStringLiteral("tcpdump/dhcp-rfc4388.pcap")) << 54;
        QTest::newRow("afs") << corpusFile(QStringLiteral("tcpdump/afs.pcap")) << 601;
        QTest::newRow("dns_tcp") << corpusFile(QStringLiteral("tcpdump/dns_tcp.pcap")) << 11;
        QTest::newRow("tcp-handshake-nano")
            << corpusFile(QStringLiteral("tcpdump/tcp-handshake-nano.pcap")) << 3;
        QTest::newRow("IcmpPackets (pcapng)")
            << corpusFile(QStringLiteral("pcapplusplus/IcmpPackets.pcap")) << 15;
        QTest::newRow("empty") << corpusFile(QStringLiteral("tcpdump/empty.pcap")) << 0;
    }

    void rowsMatchCli()
    {
        QFETCH(QString, file);
        QFETCH(int, count);
        int digits = 6;
        const std::vector<std::string> expected = cliLines(file, &digits);
        QCOMPARE(int(expected.size()), count);

        pl::PacketStore store;
        QSignalSpy appended(&store, &pl::PacketStore::packetsAppended);
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY2(store.open(file), qPrintable(store.errorString()));
        QCOMPARE(store.filePath(), file);
        QVERIFY(store.isLoading());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!store.isLoading());
        QVERIFY(!store.damaged());
        QVERIFY(store.errorString().isEmpty());
        QCOMPARE(store.count(), qsizetype(count));
        QCOMPARE(store.timeDigits(), digits);
        // The batches are consecutive and cover every row exactly once.
        qsizetype next = 0;
        for (const QList<QVariant> &args : appended) {
            QCOMPARE(args.at(0).value<qsizetype>(), next);
            QVERIFY(args.at(1).value<qsizetype>() >= next);
            next = args.at(1).value<qsizetype>() + 1;
        }
        QCOMPARE(next, qsizetype(count));

        // Backwards first (every row a revisit out of order, none cached), then forwards. A
        // row is a revisit: a fragment names the frame that completed its datagram, as
        // `tshark -2` does and the CLI's single pass cannot.
        static const QRegularExpression later(QStringLiteral(" \\[Reassembled in #\\d+\\]"));
        auto row = [&](qsizetype i) {
            return QString::fromStdString(storeLine(store, i, digits)).remove(later).toStdString();
        };
        for (qsizetype i = count - 1; i >= 0; --i)
            QCOMPARE(row(i), expected[size_t(i)]);
        for (qsizetype i = 0; i < count; ++i)
            QCOMPARE(row(i), expected[size_t(i)]);

        // The tree of a packet is there for the detail pane, with the packet's bytes.
        if (count > 0) {
            pl::Dissection tree(pl::Dissection::Mode::Tree);
            pl::CapturedPacket packet;
            QVERIFY(store.dissect(count - 1, tree, packet));
            QCOMPARE(packet.frame.number, uint64_t(count));
            QVERIFY(tree.fieldTree().size() > 1);
            QCOMPARE(QString::fromStdString(tree.infoColumn()), store.row(count - 1).info);
        }
        pl::Dissection outside;
        pl::CapturedPacket nothing;
        QVERIFY(!store.dissect(count, outside, nothing));
        QCOMPARE(store.row(count).number, uint64_t(0));

        QSignalSpy closed(&store, &pl::PacketStore::closed);
        store.close();
        QCOMPARE(closed.count(), 1);
        QCOMPARE(store.count(), qsizetype(0));
        QVERIFY(store.filePath().isEmpty());
    }

    void knownRows()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        pl::PacketStore store;
        // Fixed text from tshark 4.0 -r print-flags.pcap.
        QVERIFY(store.open(corpusFile(QStringLiteral("tcpdump/print-flags.pcap"))));
        QVERIFY(waitLoaded(store));
        QCOMPARE(store.count(), qsizetype(10));
        const pl::PacketStore::Row r = store.row(1);
        QCOMPARE(r.number, uint64_t(2));
        QCOMPARE(r.source, QStringLiteral("127.0.0.1"));
        QCOMPARE(r.destination, QStringLiteral("127.0.0.1"));
        QCOMPARE(r.protocol, QStringLiteral("TCP"));
        QCOMPARE(r.length, 74u);
        QCOMPARE(r.info, QStringLiteral("80 \u2192 55920 [SYN, ACK] Seq=0 Ack=1 Win=32767 Len=0 "
                                        "MSS=16396 SACK_PERM TSval=1306300950 TSecr=1306300950 "
                                        "WS=4"));
        QVERIFY(r.hasTime);
        QCOMPARE(r.flags, uint8_t(0));
        QCOMPARE((r.tsSec - store.firstSec()) * 1000000000 + r.tsNsec - store.firstNsec(),
                 int64_t(56000));
    }

    void commentsFromTheFileAndTheUser()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        pl::PacketStore store;
        QSignalSpy changed(&store, &pl::PacketStore::commentsChanged);
        QVERIFY(store.open(
            corpusFile(QStringLiteral("pcapng-test-generator/le_basic_test009.pcapng"))));
        QVERIFY(waitLoaded(store));
        // tshark -T fields -e frame.comment: "test009-1" on the first packet.
        QCOMPARE(store.comments(0), QStringList{QStringLiteral("test009-1")});
        QVERIFY(!store.hasEditedComments());

        // The user's comments replace the file's in the tree and in what an export gets.
        const QStringList mine{QStringLiteral("retransmitted?"), QStringLiteral("ask ops")};
        store.setComments(0, mine);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(store.comments(0), mine);
        QCOMPARE(store.editedComments().value(1), mine);
        pl::Dissection d(pl::Dissection::Mode::Tree);
        pl::CapturedPacket packet;
        QVERIFY(store.dissect(0, d, packet));
        std::string text;
        pl::print::appendTreeText(text, d);
        QVERIFY2(text.rfind("Packet comments\n    retransmitted?\n", 0) == 0, text.c_str());
        QVERIFY(text.find("ask ops") != std::string::npos);
        QVERIFY(text.find("test009-1") == std::string::npos);

        store.close();
        QVERIFY(!store.hasEditedComments());
    }

    void firstRowsBeforeTheEnd()
    {
        pl::PacketStore store;
        QElapsedTimer timer;
        bool loadingAtFirst = false;
        qsizetype firstAnnounced = -1;
        connect(&store, &pl::PacketStore::packetsAppended, this, [&](qsizetype, qsizetype last) {
            if (firstAnnounced < 0) {
                firstAnnounced = last + 1;
                loadingAtFirst = store.isLoading();
                // An announced row can be read while the worker goes on.
                QCOMPARE(store.row(last).number, uint64_t(last + 1));
                QCOMPARE(store.row(0).protocol, QStringLiteral("UDP"));
            }
        });
        QSignalSpy progress(&store, &pl::PacketStore::progress);
        const size_t heapBefore = heapInUse();
        timer.start();
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        const qint64 ms = timer.elapsed();
        const size_t heapAfter = heapInUse();
        QCOMPARE(store.count(), qsizetype(kBigCount));
        QVERIFY(loadingAtFirst);
        QVERIFY(firstAnnounced > 0 && firstAnnounced < kBigCount);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), progress.last().at(1).toLongLong());
        const double perPacket = (double(heapAfter) - double(heapBefore)) / kBigCount;
        qDebug("%d packets loaded in %lld ms; first batch %lld rows; heap growth %.1f bytes a "
               "packet",
               kBigCount, ms, qlonglong(firstAnnounced), perPacket);
        // The offset index (8) and the session's per-frame logs: no per-packet strings.
        QVERIFY2(perPacket < 200, qPrintable(QString::number(perPacket)));

        const pl::PacketStore::Row last = store.row(kBigCount - 1);
        QCOMPARE(last.number, uint64_t(kBigCount));
        QCOMPARE(last.source, QStringLiteral("10.0.0.%1").arg(1 + (kBigCount - 1) % 64));
        QCOMPARE(last.length, 60u);
        QCOMPARE(last.tsSec, int64_t(1700000000 + (kBigCount - 1) / 1000));
        QCOMPARE(store.firstSec(), int64_t(1700000000));
        QVERIFY(last.info.contains(QStringLiteral("5000")));
    }

    void cancelStopsPromptly()
    {
        pl::PacketStore store;
        QSignalSpy appended(&store, &pl::PacketStore::packetsAppended);
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY(store.open(m_big));
        QVERIFY(appended.wait(10000));
        QElapsedTimer timer;
        timer.start();
        store.cancel();
        const qint64 ms = timer.elapsed();
        qDebug("cancel() took %lld ms at %lld packets", ms, qlonglong(store.count()));
        QVERIFY(ms < 500);
        QVERIFY(!store.isLoading());
        QVERIFY(store.cancelled());
        QVERIFY(!store.damaged());
        QCOMPARE(finished.count(), 1);
        const qsizetype n = store.count();
        QVERIFY(n > 0);
        QCOMPARE(store.row(n - 1).number, uint64_t(n));
        // Events the worker had queued change nothing afterwards.
        QTest::qWait(200);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(store.count(), n);
        // Opening again starts over.
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QCOMPARE(store.count(), qsizetype(kBigCount));
        QVERIFY(!store.cancelled());
    }

    void destroyWhileLoading()
    {
        auto store = std::make_unique<pl::PacketStore>();
        QVERIFY(store->open(m_big));
        QTest::qWait(20);
        store.reset(); // joins the worker; its queued events die with the object
        QTest::qWait(50);
    }

    void damagedFile()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        const QString src = corpusFile(QStringLiteral("tcpdump/print-flags.pcap"));
        int digits = 6;
        const std::vector<std::string> expected = cliLines(src, &digits);
        QCOMPARE(expected.size(), size_t(10));
        const QString copy = m_tmp.filePath(QStringLiteral("damaged.pcap"));
        QFile::remove(copy);
        QVERIFY(QFile::copy(src, copy));
        QFile f(copy);
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(f.resize(f.size() - 10)); // the last packet ends early

        pl::PacketStore store;
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY(store.open(copy));
        QVERIFY(finished.wait(10000));
        QVERIFY(store.damaged());
        QVERIFY(store.errorString().startsWith(copy + QStringLiteral(": byte ")));
        qDebug() << store.errorString();
        QCOMPARE(store.count(), qsizetype(9));
        for (qsizetype i = 8; i >= 0; --i)
            QCOMPARE(storeLine(store, i, digits), expected[size_t(i)]);
    }

    void refusedFile()
    {
        const QString junk = m_tmp.filePath(QStringLiteral("junk.pcap"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a capture file at all, just text\n");
        f.close();
        pl::PacketStore store;
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY(!store.open(junk));
        QVERIFY(store.errorString().contains(junk));
        qDebug() << store.errorString();
        QVERIFY(!store.isLoading());
        QCOMPARE(store.count(), qsizetype(0));

        QVERIFY(!store.open(m_tmp.filePath(QStringLiteral("missing.pcap"))));
        QVERIFY(!store.errorString().isEmpty());
        qDebug() << store.errorString();
        QTest::qWait(20);
        QCOMPARE(finished.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPacketStore)
#include "tst_packetstore.moc"
