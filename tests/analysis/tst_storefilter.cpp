// The packet store's display filter and coloring rules: the rows it displays are the ones a
// plain in-order dissection of every packet with the same filter selects, whether the filter
// comes before the file, while it loads, while a capture's spool grows, or after; a newer
// filter wins over a pass still running; coloring rules pick the first rule that matches.

#include "analysis/displayfilter.h"
#include "analysis/filterpass.h"
#include "analysis/packetstore.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"
#include "corpusfiles.h"
#include "storewait.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <string>
#include <vector>

namespace {

using pltest::waitLoaded;

pl::DisplayFilter compiled(const char *text)
{
    pl::DisplayFilter f = pl::DisplayFilter::compile(text);
    if (!f.ok())
        qWarning("filter '%s' does not compile: %s", text, f.error().text.c_str());
    return f;
}

// The verdict of `filter` on every packet of `file`, from one in-order pass with a fresh
// session, as the CLI makes it. Tree mode has every field (the store collects only the
// filter's in summary mode); the big synthetic files use summary mode with the filter's
// interest, which is the same and much faster under the sanitizers.
std::vector<bool> byHand(const QString &file, const pl::DisplayFilter &filter, bool tree = true)
{
    std::vector<bool> out;
    pl::CaptureFileReader reader;
    if (!reader.open(file.toStdString()))
        return out;
    pl::Session session;
    pl::Dissection d(tree ? pl::Dissection::Mode::Tree : pl::Dissection::Mode::Summary);
    // Checksums verified, as the detail pane shows them: a filter sees what the user sees.
    d.prefs.verifyChecksums = true;
    if (!tree)
        d.setInterest(&filter.interest());
    pl::CapturedPacket p;
    while (reader.next(p)) {
        d.dissect(p.frame, &session);
        out.push_back(filter.matches(d));
    }
    return out;
}

// Compares the store's verdicts with `expected`; the first difference as text.
QString differences(const pl::PacketStore &store, const std::vector<bool> &expected)
{
    if (size_t(store.count()) != expected.size())
        return QStringLiteral("store has %1 rows, expected %2")
            .arg(store.count())
            .arg(expected.size());
    qsizetype shown = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        if (store.isDisplayed(qsizetype(i)) != expected[i])
            return QStringLiteral("frame %1: displayed %2, expected %3")
                .arg(i + 1)
                .arg(store.isDisplayed(qsizetype(i)))
                .arg(expected[i]);
        shown += expected[i];
    }
    if (store.displayedCount() != shown)
        return QStringLiteral("displayedCount %1, expected %2")
            .arg(store.displayedCount())
            .arg(shown);
    return {};
}

qsizetype countOf(const std::vector<bool> &v)
{
    qsizetype n = 0;
    for (bool b : v)
        n += b;
    return n;
}

// A synthetic Ethernet capture: eight TCP conversations (client 10.0.0.(1+k):4000k -> server
// 10.0.1.1:80, payloads growing the sequence numbers), DNS-like UDP to port 53, other UDP to
// port 5000, and ARP requests; 10 ms apart, with a gap of 0.7 s before every 97th packet.
class Synth
{
public:
    explicit Synth(pl::CaptureFileWriter &w) : m_w(w) {}

    bool write(int count)
    {
        for (int n = 0; n < count; ++n, ++m_i) {
            m_usec += (m_i % 97 == 96) ? 700000 : 10000;
            uint8_t pkt[200] = {};
            size_t len = 0;
            const int kind = m_i % 5;
            if (kind == 4) { // ARP who-has
                const uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,    0, 0, 0,    0,
                                         1,    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
                                         2,    0,    0,    0,    0,    1,    10,   0, 0, 1,    0,
                                         0,    0,    0,    0,    0,    10,   0,    0, 2};
                std::memcpy(pkt, arp, sizeof arp);
                pkt[41] = uint8_t(m_i % 200);
                len = 60;
            } else {
                const bool tcp = kind < 3;
                const int stream = (m_i / 5) % 8;
                const size_t payload = size_t(10 + (m_i * 7) % 90);
                const size_t l4 = tcp ? 20 : 8;
                len = 14 + 20 + l4 + payload;
                const uint8_t eth[14] = {0,    0x11, 0x22, 0x33, 0x44, 0x55, 0,
                                         0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00};
                std::memcpy(pkt, eth, sizeof eth);
                uint8_t *ip = pkt + 14;
                ip[0] = 0x45;
                put16(ip + 2, uint16_t(20 + l4 + payload));
                ip[8] = 64;
                ip[9] = tcp ? 6 : 17;
                const uint8_t src[4] = {10, 0, 0, uint8_t(1 + stream)}, dst[4] = {10, 0, 1, 1};
                std::memcpy(ip + 12, src, 4);
                std::memcpy(ip + 16, dst, 4);
                uint8_t *l = ip + 20;
                if (tcp) {
                    put16(l, uint16_t(40000 + stream));
                    put16(l + 2, 80);
                    put32(l + 4, m_seq[stream]);
                    m_seq[stream] += uint32_t(payload);
                    put32(l + 8, 1000);
                    l[12] = 0x50;
                    l[13] = 0x18; // PSH ACK
                    put16(l + 14, 65535);
                } else {
                    put16(l, uint16_t(50000 + stream));
                    put16(l + 2, (m_i % 3) ? 5000 : 53);
                    put16(l + 4, uint16_t(8 + payload));
                }
                for (size_t k = 0; k < payload; ++k)
                    l[l4 + k] = uint8_t('a' + (m_i + k) % 26);
            }
            pl::Frame f;
            f.data = pkt;
            f.capLen = f.wireLen = uint32_t(len);
            f.tsSec = 1700000000 + m_usec / 1000000;
            f.tsNsec = uint32_t(m_usec % 1000000) * 1000u;
            if (!m_w.write(f, 0))
                return false;
        }
        return true;
    }

private:
    static void put16(uint8_t *p, uint16_t v)
    {
        p[0] = uint8_t(v >> 8);
        p[1] = uint8_t(v);
    }
    static void put32(uint8_t *p, uint32_t v)
    {
        put16(p, uint16_t(v >> 16));
        put16(p + 2, uint16_t(v));
    }

    pl::CaptureFileWriter &m_w;
    int m_i = 0;
    int64_t m_usec = 0;
    uint32_t m_seq[8] = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000};
};

bool writeSynth(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapUsec, "test") ||
        w.addInterface({}) != 0)
        return false;
    Synth s(w);
    return s.write(count) && w.close();
}

// Applies `filter` and waits until it is.
bool applyAndWait(pl::PacketStore &store, const pl::DisplayFilter &filter)
{
    QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
    store.setDisplayFilter(filter);
    return applied.wait(60000);
}

const char *const kSynthFilters[] = {
    "tcp.stream == 1",         "frame.time_delta > 0.5",
    "udp.port == 53 || arp",   "tcp.seq > 1000 && ip.src == 10.0.0.3",
    "frame.len > 100 && !tcp", "frame.time_relative >= 30 && tcp.port in {40002 40005}",
};

} // namespace

class TestStoreFilter : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QString m_synth; // small: every mode, each filter
    QString m_big;   // big enough that loading and a pass take a while
    static constexpr int kSynthCount = 3000;
    static constexpr int kBigCount = 60000;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_synth = m_tmp.filePath(QStringLiteral("synth.pcap"));
        m_big = m_tmp.filePath(QStringLiteral("big.pcap"));
        QVERIFY(writeSynth(m_synth, kSynthCount));
        QVERIFY(writeSynth(m_big, kBigCount));
        for (const char *text : kSynthFilters)
            QVERIFY2(pl::DisplayFilter::compile(text).ok(), text);
    }

    void withoutFilterEveryRowIsDisplayed()
    {
        pl::PacketStore store;
        QVERIFY(store.displayFilter().isEmpty());
        QVERIFY(store.open(m_synth));
        QVERIFY(waitLoaded(store));
        QCOMPARE(store.count(), qsizetype(kSynthCount));
        QCOMPARE(store.displayedCount(), qsizetype(kSynthCount));
        QVERIFY(store.isDisplayed(0));
        QVERIFY(store.isDisplayed(kSynthCount - 1));
        QVERIFY(!store.isDisplayed(kSynthCount)); // not a row
        QVERIFY(!store.isFiltering());
    }

    void corpusFilesMatchByHand_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("filter");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        const char *const filters[] = {
            "tcp",
            "udp && !(udp.port == 53)",
            "icmp || icmpv6 || arp",
            "tcp contains \"GET\" || frame contains 00:00:00:00",
            "ip.addr == 192.168.0.0/16 || ipv6",
            "tcp.flags.syn == 1",
            "frame.len >= 100 && frame.len < 600",
            "tcp.stream == 1",
            "frame.time_delta > 0.5",
            "_ws.malformed || _ws.expert",
            "tcp.len > 0 && tcp.seq > 1",
        };
        for (const QString &file : pltest::corpusCaptures())
            for (const char *f : filters)
                QTest::addRow("%s | %s", qPrintable(file), f)
                    << QDir(pltest::corpusDir()).filePath(file) << QString::fromLatin1(f);
    }

    // After loading, and set before the file is opened (the first pass filters as it goes).
    void corpusFilesMatchByHand()
    {
        QFETCH(QString, file);
        QFETCH(QString, filter);
        const pl::DisplayFilter f = compiled(filter.toUtf8().constData());
        QVERIFY(f.ok());
        const std::vector<bool> expected = byHand(file, f);

        pl::PacketStore after;
        if (!after.open(file))
            QSKIP("the reader refuses this file");
        QVERIFY(waitLoaded(after));
        QVERIFY(applyAndWait(after, f));
        QVERIFY(!after.isFiltering());
        const QString afterDiff = differences(after, expected);
        QVERIFY2(afterDiff.isEmpty(), qPrintable(afterDiff));

        pl::PacketStore before;
        before.setDisplayFilter(f);
        QVERIFY(before.open(file));
        QVERIFY(waitLoaded(before));
        const QString beforeDiff = differences(before, expected);
        QVERIFY2(beforeDiff.isEmpty(), qPrintable(beforeDiff));

        // One row at a time on the main thread (Find), with the store's session.
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(after.matches(qsizetype(i), f) == expected[i],
                     qPrintable(QStringLiteral("frame %1").arg(i + 1)));
    }

    void synthMatchesByHand_data()
    {
        QTest::addColumn<QString>("filter");
        for (const char *f : kSynthFilters)
            QTest::newRow(f) << QString::fromLatin1(f);
    }

    // Stateful fields (tcp.stream, relative sequence numbers, time deltas) come out of the
    // pass as out of an in-order dissection; and the filter is not trivial.
    void synthMatchesByHand()
    {
        QFETCH(QString, filter);
        const pl::DisplayFilter f = compiled(filter.toUtf8().constData());
        const std::vector<bool> expected = byHand(m_synth, f);
        const qsizetype shown = countOf(expected);
        QVERIFY2(shown > 0 && shown < kSynthCount, qPrintable(QString::number(shown)));

        pl::PacketStore store;
        QVERIFY(store.open(m_synth));
        QVERIFY(waitLoaded(store));
        QVERIFY(applyAndWait(store, f));
        const QString diff = differences(store, expected);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        // A revisit of a stateful row (Find) says the same as the pass.
        for (qsizetype i = 0; i < kSynthCount; i += 37)
            QCOMPARE(store.matches(i, f), bool(expected[size_t(i)]));
    }

    void bigMatchesByHand_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("crossFrame");
        // Filters without and with cross-frame fields: both must give the in-order verdicts
        // (without, the pass splits the frames by addresses over two threads).
        QTest::newRow("parallel") << QStringLiteral("udp.port == 53 || ip.src == 10.0.0.3")
                                  << false;
        QTest::newRow("parallel-negated")
            << QStringLiteral("!(tcp.port in {40002 40005})") << false;
        QTest::newRow("in-order") << QStringLiteral("tcp.stream == 3 || frame.time_delta > 0.5")
                                  << true;
        // Relative sequence numbers depend on earlier frames, all between the same addresses:
        // the split pass still applies.
        QTest::newRow("split, cross-frame")
            << QStringLiteral("tcp.seq == 1 && tcp.ack == 1 || ip.src == 10.0.0.3") << true;
    }

    // Past the pipeline's threshold (16384 packets) the pass reads on its own thread.
    void bigMatchesByHand()
    {
        QFETCH(QString, filter);
        QFETCH(bool, crossFrame);
        const pl::DisplayFilter f = compiled(filter.toUtf8().constData());
        QCOMPARE(f.readsCrossFrameFields(), crossFrame);
        QCOMPARE(f.readsCrossConversationFields(),
                 QTest::currentDataTag() == QByteArray("in-order"));
        const std::vector<bool> expected = byHand(m_big, f, false);
        const qsizetype shown = countOf(expected);
        QVERIFY2(shown > 0 && shown < kBigCount, qPrintable(QString::number(shown)));

        pl::PacketStore store;
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QVERIFY(applyAndWait(store, f));
        const QString diff = differences(store, expected);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    // Without cross-frame fields, filterPass splits the frames by the addresses they travel
    // between over two threads, each with a session of its own, with reassembly on or off:
    // the verdicts must be the in-order ones.
    void partitionedPass_data()
    {
        QTest::addColumn<bool>("reassembly");
        QTest::newRow("reassembly on") << true;
        QTest::newRow("reassembly off") << false;
    }
    void partitionedPass()
    {
        QFETCH(bool, reassembly);
        const pl::DisplayFilter f = compiled("udp.port == 53 || ip.src == 10.0.0.3");
        QVERIFY(!f.readsCrossFrameFields());
        const std::vector<bool> expected = byHand(m_big, f, false);
        pl::Preferences prefs;
        prefs.tcpReassemble = prefs.ipDefragment = prefs.ipv6Defragment = reassembly;
        const std::atomic<bool> cancel{false};
        const pl::FilterPassResult r =
            pl::filterPass(m_big.toStdString(), false, kBigCount, f, cancel, {}, prefs);
        QCOMPARE(r.rows, uint64_t(kBigCount));
        QVERIFY(!r.cancelled);
        for (qsizetype i = 0; i < kBigCount; ++i)
            QVERIFY2(pl::testBit(r.bits, uint64_t(i)) == expected[size_t(i)],
                     qPrintable(QString::number(i + 1)));
    }

    void filterWhileLoading()
    {
        const pl::DisplayFilter f = compiled("tcp.stream == 3 || frame.time_delta > 0.5");
        const std::vector<bool> expected = byHand(m_big, f, false);

        pl::PacketStore store;
        QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
        bool setWhileLoading = false;
        bool wrongInHandler = false;
        connect(&store, &pl::PacketStore::packetsAppended, this,
                [&](qsizetype first, qsizetype last) {
                    if (!setWhileLoading) {
                        // After the first rows: the pass covers those, the loader the rest.
                        setWhileLoading = store.isLoading() && last + 1 < kBigCount;
                        store.setDisplayFilter(f);
                        return;
                    }
                    // Once applied, rows are right as they are announced.
                    if (!applied.isEmpty())
                        for (qsizetype i = first; i <= last; ++i)
                            wrongInHandler |= store.isDisplayed(i) != expected[size_t(i)];
                });
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QVERIFY(applied.size() == 1 || applied.wait(60000));
        QVERIFY(setWhileLoading);
        QVERIFY(!wrongInHandler);
        QCOMPARE(applied.size(), 1);
        const QString diff = differences(store, expected);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    void filterSetBeforeOpenIsRightInEveryAnnouncement()
    {
        const pl::DisplayFilter f = compiled("udp.port == 53 || tcp.stream == 6");
        const std::vector<bool> expected = byHand(m_big, f, false);
        pl::PacketStore store;
        store.setDisplayFilter(f);
        qsizetype wrong = 0, seen = 0;
        connect(&store, &pl::PacketStore::packetsAppended, this,
                [&](qsizetype first, qsizetype last) {
                    for (qsizetype i = first; i <= last; ++i, ++seen)
                        wrong += store.isDisplayed(i) != expected[size_t(i)];
                });
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QCOMPARE(seen, qsizetype(kBigCount));
        QCOMPARE(wrong, qsizetype(0));
        QCOMPARE(store.displayedCount(), countOf(expected));
    }

    void followingAGrowingSpool()
    {
        QTemporaryDir dir;
        const QString spool = dir.filePath(QStringLiteral("spool.pcapng"));
        pl::CaptureFileWriter w;
        QVERIFY(w.open(spool.toStdString(), pl::CaptureFileWriter::Format::PcapNg, "test"));
        QCOMPARE(w.addInterface({1, 262144, "eth0", {}}), 0);
        Synth synth(w); // the same packets as m_synth's first 1000
        QVERIFY(synth.write(400));
        QVERIFY(w.flush());

        pl::PacketStore store;
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY(store.follow(spool));
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(400), 10000);

        // Applied to the rows there are; the packets that come later are filtered as they
        // arrive, before they are announced.
        const pl::DisplayFilter f = compiled("tcp.stream == 2 || arp");
        const std::vector<bool> expectedF = byHand(m_synth, f);
        QVERIFY(applyAndWait(store, f));
        QVERIFY(store.displayedCount() > 0);
        qsizetype wrong = 0, checked = 0;
        bool checking = true;
        connect(&store, &pl::PacketStore::packetsAppended, this,
                [&](qsizetype first, qsizetype last) {
                    for (qsizetype i = first; checking && i <= last; ++i, ++checked)
                        wrong += store.isDisplayed(i) != expectedF[size_t(i)];
                });
        QVERIFY(synth.write(300));
        QVERIFY(w.flush());
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(700), 10000);
        checking = false;
        QCOMPARE(checked, qsizetype(300));
        QCOMPARE(wrong, qsizetype(0));

        // A second filter while following: its pass takes the rows so far, the first pass the
        // packets that arrive meanwhile.
        const pl::DisplayFilter g = compiled("frame.time_delta > 0.5 || udp.dstport == 5000");
        QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
        store.setDisplayFilter(g);
        QVERIFY(synth.write(300));
        QVERIFY(w.close());
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(1000), 10000);
        QVERIFY(applied.size() == 1 || applied.wait(10000));
        store.stopFollowing();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(!store.damaged());
        const std::vector<bool> expectedG = byHand(spool, g);
        QCOMPARE(expectedG.size(), size_t(1000));
        const QString diff = differences(store, expectedG);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    void aNewerFilterWinsOverARunningPass()
    {
        const pl::DisplayFilter a = compiled("tcp");
        const pl::DisplayFilter b = compiled("udp.port == 53");
        pl::PacketStore store;
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
        store.setDisplayFilter(a);
        QVERIFY(store.isFiltering());
        QCOMPARE(store.displayedCount(), qsizetype(kBigCount)); // the old state until applied
        store.setDisplayFilter(b);
        QCOMPARE(store.displayFilter().text(), std::string("udp.port == 53"));
        QVERIFY(applied.wait(60000));
        QVERIFY(!store.isFiltering());
        const QString diff = differences(store, byHand(m_big, b, false));
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        // The superseded pass says nothing more.
        QVERIFY(!applied.wait(300));
        QCOMPARE(applied.size(), 1);
    }

    void progressIsReported()
    {
        pl::PacketStore store;
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QSignalSpy progress(&store, &pl::PacketStore::filterProgress);
        QVERIFY(applyAndWait(store, compiled("tcp.stream == 5")));
        for (const QList<QVariant> &p : progress) {
            QVERIFY(p.at(0).value<qsizetype>() <= p.at(1).value<qsizetype>());
            QCOMPARE(p.at(1).value<qsizetype>(), qsizetype(kBigCount));
        }
    }

    void theEmptyFilterShowsEverything()
    {
        pl::PacketStore store;
        QVERIFY(store.open(m_synth));
        QVERIFY(waitLoaded(store));
        QVERIFY(applyAndWait(store, compiled("arp")));
        QCOMPARE(store.displayedCount(), qsizetype(kSynthCount / 5));
        QVERIFY(!store.isDisplayed(0));
        QVERIFY(store.isDisplayed(4));
        QVERIFY(applyAndWait(store, pl::DisplayFilter()));
        QCOMPARE(store.displayedCount(), qsizetype(kSynthCount));
        for (qsizetype i = 0; i < kSynthCount; ++i)
            QVERIFY(store.isDisplayed(i));
    }

    void closingOrOpeningDuringAPass()
    {
        pl::PacketStore store;
        QVERIFY(store.open(m_big));
        QVERIFY(waitLoaded(store));
        QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
        const pl::DisplayFilter f = compiled("tcp.stream == 4");
        store.setDisplayFilter(f);
        store.close();
        QVERIFY(!store.isFiltering());
        QCOMPARE(store.displayedCount(), qsizetype(0));
        store.setDisplayFilter(f);
        QVERIFY(store.open(m_big));              // while the (empty) application is still queued
        store.setDisplayFilter(compiled("arp")); // a pass over whatever is loaded so far
        QVERIFY(store.open(m_synth));            // ends it
        QVERIFY(waitLoaded(store));
        // The filter stays for the next file, which the first pass filters from row 0.
        QCOMPARE(store.displayFilter().text(), std::string("arp"));
        const QString diff = differences(store, byHand(m_synth, store.displayFilter()));
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        QVERIFY(!store.isFiltering());
    }

    void aFilterThatDoesNotCompileDisplaysNothing()
    {
        pl::PacketStore store;
        QVERIFY(store.open(m_synth));
        QVERIFY(waitLoaded(store));
        const pl::DisplayFilter bad = pl::DisplayFilter::compile("tcp.port ==");
        QVERIFY(!bad.ok());
        QVERIFY(applyAndWait(store, bad));
        QCOMPARE(store.displayedCount(), qsizetype(0));
    }

    void coloringRulesPickTheFirstMatch()
    {
        pl::PacketStore store;
        QSignalSpy changed(&store, &pl::PacketStore::coloringRulesChanged);
        QVERIFY(store.open(m_synth));
        QVERIFY(waitLoaded(store));
        QCOMPARE(store.row(0).colorRule, -1); // no rules
        const std::vector<pl::DisplayFilter> rules = {compiled("tcp.stream == 0"), compiled("tcp"),
                                                      compiled("udp.port == 53"), compiled("ip")};
        store.setColoringRules(rules);
        QCOMPARE(changed.size(), 1);
        std::vector<std::vector<bool>> hand;
        for (const pl::DisplayFilter &r : rules)
            hand.push_back(byHand(m_synth, r));
        int used[4] = {};
        for (qsizetype i = 0; i < kSynthCount; ++i) {
            int want = -1;
            for (size_t k = 0; k < rules.size() && want < 0; ++k)
                if (hand[k][size_t(i)])
                    want = int(k);
            const int got = store.row(i).colorRule;
            QVERIFY2(got == want, qPrintable(QStringLiteral("frame %1: rule %2, expected %3")
                                                 .arg(i + 1)
                                                 .arg(got)
                                                 .arg(want)));
            if (want >= 0)
                ++used[want];
        }
        for (int k = 0; k < 4; ++k)
            QVERIFY2(used[k] > 0, qPrintable(QString::number(k))); // every rule wins somewhere

        // New rules reach rows that were cached.
        store.setColoringRules({compiled("arp")});
        QCOMPARE(changed.size(), 2);
        QCOMPARE(store.row(0).colorRule, -1);
        QCOMPARE(store.row(4).colorRule, 0);
        store.setColoringRules({});
        QCOMPARE(store.row(4).colorRule, -1);
    }
};

QTEST_GUILESS_MAIN(TestStoreFilter)
#include "tst_storefilter.moc"
