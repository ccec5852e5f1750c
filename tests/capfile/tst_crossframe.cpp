// The display filter pass dissects frames on two threads when the filter reads no
// cross-frame field (Registry::isCrossFrame, DisplayFilter::readsCrossFrameFields): the
// frames between each pair of IP addresses go to one thread (framePartition), each thread
// with a session of its own. That is only right if every field whose value depends on frames
// between other addresses is declared (Registry::setCrossConversation). This test dissects
// every corpus file, and the
// repository's reassembly and tunnel captures, twice: in order with one Session (the truth),
// and split as the filter pass splits them, with default preferences (TCP reassembly and IP
// defragmentation on). Every field collected differently for some frame must be marked
// cross-conversation. The harsher split, batches of consecutive frames with a fresh Session each
// (with reassembly off, where only the fields that depend on earlier frames can differ),
// checks that the marks cover every field that depends on any other frame.

#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "dissect/dissection.h"
#include "dissect/framepartition.h"
#include "fieldmultiset.h"

#include <QTest>

#include <map>
#include <memory>
#include <set>

namespace {

// The fields seen to differ over the whole run, for the summary at the end.
std::map<std::string, int> g_differing;

/// Dissects frames fed in capture order twice: with one session, and split, each part with
/// its own session; notes the fields collected otherwise.
class BatchComparison
{
public:
    /// `batch` > 0: batches of `batch` consecutive frames, a fresh session each, reassembly
    /// off. 0: the filter pass's split (framePartition), default preferences.
    explicit BatchComparison(int batch) : m_batch(uint64_t(batch))
    {
        // Both in summary mode collecting every field (tst_fieldcollection shows that is
        // what tree mode has).
        m_truth.setInterest(&m_all);
        m_batched.setInterest(&m_all);
        // Batches cut messages and datagrams that span them: with reassembly on, every field
        // above IP would depend on the segments and fragments before.
        if (m_batch)
            for (pl::Dissection *d : {&m_truth, &m_batched}) {
                d->prefs.tcpReassemble = false;
                d->prefs.ipDefragment = false;
                d->prefs.ipv6Defragment = false;
            }
    }

    void feed(const pl::Frame &frame)
    {
        pl::Session *split;
        if (m_batch == 0) {
            split = &m_parts[pl::framePartition(frame, kParts)];
        } else {
            if (m_index++ % m_batch == 0)
                m_batchSession = std::make_unique<pl::Session>(); // a worker's empty start
            split = m_batchSession.get();
        }
        m_truth.dissect(frame, &m_truthSession);
        const std::vector<pltest::Occurrence> want = pltest::occurrences(m_truth);
        m_batched.dissect(frame, split);
        const std::vector<pltest::Occurrence> got = pltest::occurrences(m_batched);
        if (want == got)
            return;
        pltest::difference(want, got, m_onlyTruth, m_onlyBatch);
        // Each field only once per frame in the totals, however many occurrences differ.
        std::set<std::string> frameFields;
        auto check = [&](const pltest::Occurrence &o, const char *side) {
            frameFields.insert(o.field);
            // Batches: any field that depends on another frame must be marked. The split by
            // addresses: any that depends on frames between other addresses.
            const bool marked =
                m_batch ? m_reg.isCrossFrame(o.id) : m_reg.isCrossConversation(o.id);
            if (marked || !m_reported.insert(o.field).second)
                return;
            m_report += QStringLiteral("  frame %1: %2 is not marked %3 (%4 %5)\n")
                            .arg(frame.number)
                            .arg(QString::fromStdString(o.field),
                                 m_batch ? QStringLiteral("cross-frame")
                                         : QStringLiteral("cross-conversation"),
                                 QLatin1String(side), QString::fromStdString(pltest::describe(o)));
        };
        for (const pltest::Occurrence &o : m_onlyTruth)
            check(o, "in order only:");
        for (const pltest::Occurrence &o : m_onlyBatch)
            check(o, "split only:");
        for (const std::string &f : frameFields) {
            ++g_differing[f];
            m_differing.insert(f);
        }
    }

    /// One line per unmarked field that differed (empty: all is well).
    const QString &report() const { return m_report; }
    /// Every field that differed, marked or not.
    const std::set<std::string> &differing() const { return m_differing; }

private:
    const pl::Registry &m_reg = pl::Registry::instance();
    const pl::FieldInterest m_all = pl::FieldInterest(m_reg.fieldCount(), 1);
    const uint64_t m_batch;
    uint64_t m_index = 0;
    pl::Dissection m_truth{pl::Dissection::Mode::Summary};
    pl::Dissection m_batched{pl::Dissection::Mode::Summary};
    pl::Session m_truthSession;
    std::unique_ptr<pl::Session> m_batchSession;
    // The filter pass splits in two; more parts split harder (nearly a session a pair of
    // addresses), and the rule is the same.
    static constexpr uint32_t kParts = 16;
    pl::Session m_parts[kParts];
    std::vector<pltest::Occurrence> m_onlyTruth, m_onlyBatch;
    std::set<std::string> m_reported;
    std::set<std::string> m_differing;
    QString m_report;
};

std::vector<uint8_t> hex(const char *text)
{
    const QByteArray bytes = QByteArray::fromHex(QByteArray(text).replace(' ', ""));
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

} // namespace

class TestCrossFrame : public QObject
{
    Q_OBJECT
private slots:
    void wellKnownFieldsAreMarked()
    {
        const pl::Registry &reg = pl::Registry::instance();
        auto marked = [&](std::string_view name) {
            const auto ids = reg.fieldsNamed(name);
            if (ids.empty())
                qFatal("no field %s", std::string(name).c_str());
            return std::all_of(ids.begin(), ids.end(),
                               [&](pl::FieldId f) { return reg.isCrossFrame(f); });
        };
        for (const char *name : {"tcp.stream", "frame.time_delta", "frame.time_relative", "tcp.seq",
                                 "tcp.ack", "udp.stream"})
            QVERIFY2(marked(name), name);
        // Numbering and times across the capture depend on frames between other addresses;
        // what a conversation builds up does not.
        auto acrossConversations = [&](std::string_view name) {
            const auto ids = reg.fieldsNamed(name);
            return std::all_of(ids.begin(), ids.end(),
                               [&](pl::FieldId f) { return reg.isCrossConversation(f); });
        };
        for (const char *name : {"tcp.stream", "udp.stream", "frame.time_delta",
                                 "frame.time_delta_displayed", "frame.time_relative"})
            QVERIFY2(acrossConversations(name), name);
        for (const char *name : {"tcp.seq", "tcp.analysis.retransmission", "dns.response_in",
                                 "http.request_in", "icmp.resp_to", "tcp.time_relative"})
            QVERIFY2(marked(name) && !acrossConversations(name), name);
        // Marking everything would be safe and useless: fields of the frame alone are not.
        for (const char *name : {"tcp.port", "tcp.seq_raw", "ip.src", "frame.number", "frame.len",
                                 "frame.time", "udp.port", "tcp.flags.syn"})
            QVERIFY2(!marked(name), name);
        QVERIFY(!reg.isCrossFrame(-1));
        QVERIFY(!reg.isCrossFrame(pl::FieldId(reg.fieldCount())));
    }

    void batchesAgreeOnUnmarkedFields_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("batch");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        for (const QString &f : pltest::corpusCaptures()) {
            // 0: the filter pass's split by addresses; 7: batches; 1: every frame alone.
            for (int batch : {0, 7, 1})
                QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(f).arg(batch)))
                    << pltest::corpusDir() + QLatin1Char('/') + f << batch;
        }
        // Messages over segments, fragments, tunnels and loss: what the split must keep
        // together.
        const QString data = QStringLiteral(PACKETLENS_SOURCE_DIR "/tests/data/");
        for (const char *f :
             {"http-split.pcap", "tls-12-split.pcap", "tls-13-split.pcap", "dns-loopback.pcap",
              "ipfrag-crafted.pcap", "vxlan-crafted.pcap", "gre.pcap", "tcp-loss.pcap",
              "tcp-analysis-crafted.pcap", "quic-crafted.pcap", "dhcp-options.pcap", "ssdp.pcap"})
            QTest::newRow(qPrintable(QStringLiteral("data/%1/0").arg(QLatin1String(f))))
                << data + QLatin1String(f) << 0;
    }

    void batchesAgreeOnUnmarkedFields()
    {
        QFETCH(QString, file);
        QFETCH(int, batch);
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(file.toStdString()), reader.error().c_str());
        BatchComparison cmp(batch);
        pl::CapturedPacket p;
        while (reader.next(p))
            cmp.feed(p.frame);
        const QString &report = cmp.report();
        if (!report.isEmpty())
            QFAIL(qPrintable(
                QStringLiteral("%1, %2 collect these fields otherwise than one "
                               "in-order pass:\n%3")
                    .arg(file, batch ? QStringLiteral("batches of %1 frames with a fresh "
                                                      "session each")
                                           .arg(batch)
                                     : QStringLiteral("sessions split by addresses"))
                    .arg(report)));
    }

    // What the corpus has no example of: an ICMPv6 echo reply, SACK blocks. Hand-built
    // frames dissected alone (batches of 1) must differ exactly in marked fields, and do
    // differ in these: the marks are needed.
    void handBuiltFramesNeedTheirMarks()
    {
        const std::vector<std::vector<uint8_t>> frames = {
            // Ethernet, IPv6 fe80::1 -> fe80::2, ICMPv6 echo request id 1 seq 1.
            hex("000000000002 000000000001 86dd 60000000 0008 3a 40"
                "fe800000000000000000000000000001 fe800000000000000000000000000002"
                "80 00 0000 0001 0001"),
            // The echo reply: icmpv6.resp_to names frame 1 only with frame 1's state.
            hex("000000000001 000000000002 86dd 60000000 0008 3a 40"
                "fe800000000000000000000000000002 fe800000000000000000000000000001"
                "81 00 0000 0001 0001"),
            // Ethernet, IPv4 10.0.0.1:1000 -> 10.0.0.2:80, SYN seq 1000.
            hex("000000000002 000000000001 0800 45000028 0000 4000 40 06 0000 0a000001 0a000002"
                "03e8 0050 000003e8 00000000 5002 ffff 0000 0000"),
            // 10.0.0.2:80 -> 10.0.0.1:1000, ACK 1501 with SACK 1101-1201: the edges are
            // relative to the SYN's sequence number, which a fresh session has not seen.
            hex("000000000001 000000000002 0800 45000034 0000 4000 40 06 0000 0a000002 0a000001"
                "0050 03e8 00001388 000005dd 8010 ffff 0000 0000"
                "01 01 05 0a 0000044d 000004b1"),
        };
        BatchComparison cmp(1);
        for (size_t i = 0; i < frames.size(); ++i) {
            pl::Frame f;
            f.data = frames[i].data();
            f.capLen = f.wireLen = uint32_t(frames[i].size());
            f.linkType = 1;
            f.tsSec = 1700000000 + int64_t(i);
            f.number = i + 1;
            cmp.feed(f);
        }
        QVERIFY2(cmp.report().isEmpty(), qPrintable(cmp.report()));
        for (const char *name : {"icmpv6.resp_to", "tcp.options.sack_le", "tcp.options.sack_re",
                                 "tcp.ack", "frame.time_delta", "frame.time_relative"})
            QVERIFY2(cmp.differing().count(name), name);
    }

    void cleanupTestCase()
    {
        // What the corpus and the hand-built frames exercised: marked fields seen to differ,
        // and marked fields never seen differing (declared from reading the dissector alone).
        const pl::Registry &reg = pl::Registry::instance();
        QString seen, unseen;
        for (const auto &[field, frames] : g_differing)
            seen += QStringLiteral(" %1(%2)").arg(QString::fromStdString(field)).arg(frames);
        for (size_t f = 0; f < reg.fieldCount(); ++f) {
            const std::string name(reg.field(pl::FieldId(f)).abbrev);
            if (reg.isCrossFrame(pl::FieldId(f)) && !g_differing.count(name))
                unseen += QLatin1Char(' ') + QString::fromStdString(name);
        }
        qInfo("fields differing (frames):%s", qPrintable(seen));
        qInfo("marked, never seen differing:%s", qPrintable(unseen));
    }
};

QTEST_APPLESS_MAIN(TestCrossFrame)
#include "tst_crossframe.moc"
