// TCP SEQ/ACK analysis (src/dissect/protocols/tcpanalysis.h and its use in tcp.cpp).
//
// The scenarios are the ones of a crafted capture compared with tshark 4.0.17 (the expected
// values below are what tshark printed for them): each flag, the frame an ACK acknowledges and
// its RTT, bytes in flight and push bytes, the RTO, the times and the completeness. The first
// half drives tcpa::Analyzer directly; the second dissects whole frames, in order and again as
// revisits, and checks the tree, the expert notes and the Info prefixes.

#include "packetbuilder.h"

#include "dissect/print/treetext.h"
#include "dissect/protocols/tcpanalysis.h"

#include <memory>

#include <QTest>

using namespace pl::proto;

namespace {

constexpr int64_t kMs = 1000000; // nanoseconds

/// A conversation between side 0 (the client, ISN 1000) and side 1 (the server, ISN 5000):
/// sequence numbers are given relative, as tshark shows them.
struct Conversation
{
    tcpa::Analyzer a;
    uint64_t frame = 0;

    tcpa::Result send(double ms, int side, uint32_t seq, uint32_t ack, const char *flags,
                      uint32_t window = 65535, uint32_t len = 0,
                      std::initializer_list<std::pair<uint32_t, uint32_t>> sack = {})
    {
        tcpa::Segment s;
        s.frame = ++frame;
        s.time = int64_t(ms * kMs);
        const uint32_t mine = side == 0 ? 1000 : 5000, theirs = side == 0 ? 5000 : 1000;
        s.seq = mine + seq;
        s.ack = theirs + ack;
        s.len = len;
        s.window = window;
        for (const char *f = flags; *f; ++f) {
            switch (*f) {
            case 'S':
                s.flags |= tcpa::kSyn;
                break;
            case 'A':
                s.flags |= tcpa::kAck;
                break;
            case 'F':
                s.flags |= tcpa::kFin;
                break;
            case 'R':
                s.flags |= tcpa::kRst;
                break;
            case 'P':
                s.flags |= tcpa::kPsh;
                break;
            }
        }
        if (!(s.flags & tcpa::kAck))
            s.ack = 0;
        for (const auto &[le, re] : sack) {
            s.sackLe[s.sackCount] = theirs + le;
            s.sackRe[s.sackCount++] = theirs + re;
        }
        return a.analyze(s, side);
    }

    /// SYN, SYN-ACK, ACK at 0, 1 and 2 ms: iRTT 2 ms.
    void handshake()
    {
        send(0, 0, 0, 0, "S");
        send(1, 1, 0, 1, "SA");
        send(2, 0, 1, 1, "A");
    }
};

bool has(const tcpa::Result &r, uint8_t bit)
{
    return r.has & bit;
}

/// A frame kept with its bytes and its dissection.
struct Frame
{
    std::vector<uint8_t> bytes;
    pl::Frame frame;
    std::unique_ptr<pl::Dissection> dissection;
};

/// Ethernet + IPv4 + TCP between 10.0.0.1:40000 (side 0, ISN 1000) and 10.0.0.2:5001 (side 1,
/// ISN 5000); `seq`/`ack` relative; window 1000; `len` bytes of payload.
Frame tcpFrame(uint64_t number, double ms, int side, uint32_t seq, uint8_t flags, uint32_t len,
               uint32_t ack = 1)
{
    Frame f;
    std::vector<uint8_t> &b = f.bytes;
    b = pltest::hex("000000000002 000000000001 0800");
    const uint16_t total = uint16_t(40 + len);
    const uint8_t a[4] = {10, 0, 0, uint8_t(side == 0 ? 1 : 2)};
    const uint8_t z[4] = {10, 0, 0, uint8_t(side == 0 ? 2 : 1)};
    const uint8_t ip[] = {0x45, 0, uint8_t(total >> 8), uint8_t(total), 0, 1, 0, 0, 64, 6, 0, 0};
    b.insert(b.end(), std::begin(ip), std::end(ip));
    b.insert(b.end(), a, a + 4);
    b.insert(b.end(), z, z + 4);
    const uint16_t sport = side == 0 ? 40000 : 5001, dport = side == 0 ? 5001 : 40000;
    const uint32_t s = (side == 0 ? 1000 : 5000) + seq;
    const uint32_t k = (flags & 0x10) ? (side == 0 ? 5000 : 1000) + ack : 0;
    const uint8_t tcp[] = {uint8_t(sport >> 8),
                           uint8_t(sport),
                           uint8_t(dport >> 8),
                           uint8_t(dport),
                           uint8_t(s >> 24),
                           uint8_t(s >> 16),
                           uint8_t(s >> 8),
                           uint8_t(s),
                           uint8_t(k >> 24),
                           uint8_t(k >> 16),
                           uint8_t(k >> 8),
                           uint8_t(k),
                           0x50,
                           flags,
                           0x03,
                           0xe8,
                           0,
                           0,
                           0,
                           0};
    b.insert(b.end(), std::begin(tcp), std::end(tcp));
    b.insert(b.end(), len, uint8_t('x'));
    f.frame.data = b.data();
    f.frame.capLen = f.frame.wireLen = uint32_t(b.size());
    f.frame.linkType = 1;
    f.frame.number = number;
    f.frame.tsSec = 1700000000 + int64_t(ms) / 1000;
    f.frame.tsNsec = uint32_t((int64_t(ms * kMs)) % 1000000000);
    return f;
}

QString treeText(const pl::Dissection &d)
{
    std::string out;
    pl::print::appendTreeText(out, d);
    return QString::fromStdString(out);
}

} // namespace

class TestTcpAnalysis : public QObject
{
    Q_OBJECT
private slots:
    void handshakeAcksAndIrtt()
    {
        Conversation c;
        tcpa::Result syn = c.send(0, 0, 0, 0, "S");
        QVERIFY(!has(syn, tcpa::Result::HasAnalysis)); // tshark: no [SEQ/ACK analysis] at all
        QCOMPARE(syn.completeness, 0);
        tcpa::Result synAck = c.send(1, 1, 0, 1, "SA");
        QCOMPARE(synAck.acksFrame, 1u);
        QCOMPARE(synAck.ackRtt, 1 * kMs);
        QVERIFY(!has(synAck, tcpa::Result::HasIrtt));
        QCOMPARE(synAck.completeness, tcpa::CSyn);
        tcpa::Result ack = c.send(2, 0, 1, 1, "A");
        QCOMPARE(ack.acksFrame, 2u);
        QCOMPARE(ack.irtt, 2 * kMs);
        QCOMPARE(ack.completeness, tcpa::CSyn | tcpa::CSynAck);
        QCOMPARE(ack.timeRelative, 2 * kMs);
        QCOMPARE(ack.timeDelta, 1 * kMs);
        tcpa::Result data = c.send(10, 0, 1, 1, "PA", 65535, 100);
        QCOMPARE(data.flags, 0);
        QCOMPARE(data.bytesInFlight, 100u);
        QCOMPARE(data.pushBytesSent, 100u);
        QCOMPARE(data.completeness, tcpa::CSyn | tcpa::CSynAck | tcpa::CAck);
        QCOMPARE(c.send(11, 1, 1, 101, "A").completeness, 15);
    }

    void retransmissionWithRto()
    {
        Conversation c;
        c.handshake();
        c.send(10, 0, 1, 1, "PA", 65535, 100);   // 4
        c.send(11, 1, 1, 101, "A");              // 5
        c.send(12, 0, 101, 1, "PA", 65535, 100); // 6
        tcpa::Result r = c.send(300, 0, 101, 1, "PA", 65535, 100);
        QCOMPARE(r.flags, tcpa::Retransmission);
        QCOMPARE(r.rtoFrame, 6u);
        QCOMPARE(r.rto, 288 * kMs);
        QCOMPARE(r.bytesInFlight, 100u);
        // The ACK names the original, not the retransmission.
        tcpa::Result ack = c.send(301, 1, 1, 201, "A");
        QCOMPARE(ack.acksFrame, 6u);
        QCOMPARE(ack.ackRtt, 289 * kMs);
    }

    void spuriousRetransmissionAndDupAck()
    {
        Conversation c;
        c.handshake();
        c.send(10, 0, 1, 1, "PA", 65535, 100); // 4
        c.send(11, 1, 1, 101, "A");            // 5
        tcpa::Result r = c.send(200, 0, 1, 1, "PA", 65535, 100);
        QCOMPARE(r.flags, tcpa::SpuriousRetransmission | tcpa::Retransmission);
        QVERIFY(!has(r, tcpa::Result::HasRto));
        tcpa::Result dup = c.send(201, 1, 1, 101, "A");
        QCOMPARE(dup.flags, tcpa::DuplicateAck);
        QCOMPARE(dup.dupAckNum, 1u);
        QCOMPARE(dup.dupAckFrame, 5u);
        QCOMPARE(dup.acksFrame, 6u);
    }

    void aDirectionThatOnlyAcknowledgesHasDuplicateAcks()
    {
        // Joined mid-stream, and the peer's data never captured: the same pure ACK again is a
        // duplicate all the same (tshark counts nextseq from every segment, not only data).
        Conversation c;
        QCOMPARE(c.send(0, 0, 1, 1, "A").flags, 0);
        tcpa::Result first = c.send(1, 0, 1, 1, "A");
        QCOMPARE(first.flags, tcpa::DuplicateAck);
        QCOMPARE(first.dupAckNum, 1u);
        QCOMPARE(first.dupAckFrame, 1u);
        QCOMPARE(c.send(2, 0, 1, 1, "A").dupAckNum, 2u);
        // A new window is an update, not a duplicate.
        QCOMPARE(c.send(3, 0, 1, 1, "A", 1000).flags, tcpa::WindowUpdate);
    }

    void lostSegmentDupAcksFastRetransmission()
    {
        Conversation c;
        c.handshake();
        QCOMPARE(c.send(10, 0, 1, 1, "A", 65535, 100).bytesInFlight, 100u); // 4
        tcpa::Result lost = c.send(10.1, 0, 201, 1, "A", 65535, 100);       // 5
        QCOMPARE(lost.flags, tcpa::LostSegment);
        QVERIFY(!has(lost, tcpa::Result::HasBif)); // none until the peer ACKs again
        QVERIFY(!has(c.send(10.2, 0, 301, 1, "A", 65535, 100), tcpa::Result::HasBif));
        c.send(10.3, 0, 401, 1, "A", 65535, 100);           // 7
        QCOMPARE(c.send(11, 1, 1, 101, "A").acksFrame, 4u); // 8
        for (uint32_t n = 1; n <= 3; ++n) {
            tcpa::Result dup = c.send(11 + 0.1 * n, 1, 1, 101, "A");
            QCOMPARE(dup.flags, tcpa::DuplicateAck);
            QCOMPARE(dup.dupAckNum, n);
            QCOMPARE(dup.dupAckFrame, 8u);
        }
        tcpa::Result fast = c.send(12, 0, 101, 1, "A", 65535, 100);
        QCOMPARE(fast.flags, tcpa::FastRetransmission | tcpa::Retransmission);
        QCOMPARE(fast.bytesInFlight, 400u); // 101..501, the lowest to the highest seen
        QCOMPARE(fast.pushBytesSent, 200u); // the frames after the gap are not counted
        QCOMPARE(c.send(13, 1, 1, 501, "A").acksFrame, 7u);
    }

    void outOfOrder()
    {
        Conversation c;
        c.handshake(); // iRTT 2 ms: the out-of-order threshold
        c.send(10, 0, 1, 1, "A", 65535, 100);
        QCOMPARE(c.send(10.5, 0, 201, 1, "A", 65535, 100).flags, tcpa::LostSegment);
        QCOMPARE(c.send(11, 0, 101, 1, "A", 65535, 100).flags, tcpa::OutOfOrder);
        // ACKs everything seen: not "ACKed unseen", the out-of-order segment moved it on.
        QCOMPARE(c.send(12, 1, 1, 301, "A").flags, 0);
        // Later than the threshold it is a retransmission.
        Conversation late;
        late.handshake();
        late.send(10, 0, 1, 1, "A", 65535, 100);
        late.send(10.5, 0, 201, 1, "A", 65535, 100);
        QCOMPARE(late.send(13, 0, 101, 1, "A", 65535, 100).flags, tcpa::Retransmission);
    }

    void ackedUnseenSegment()
    {
        Conversation c;
        c.handshake();
        c.send(10, 0, 1, 1, "A", 65535, 100);
        QCOMPARE(c.send(12, 1, 1, 301, "A").flags, tcpa::AckLostSegment);
        QCOMPARE(c.send(13, 0, 301, 1, "A", 65535, 100).flags, tcpa::LostSegment);
        tcpa::Result r = c.send(14, 1, 1, 401, "A");
        QCOMPARE(r.flags, tcpa::AckLostSegment); // the lost segment's end was never expected
        QCOMPARE(r.acksFrame, 6u);
    }

    void zeroWindowProbeAndWindowFull()
    {
        Conversation c;
        c.handshake();
        c.send(10, 0, 1, 1, "A", 65535, 1000);
        c.send(11, 1, 1, 1001, "A", 1000);
        tcpa::Result full = c.send(12, 0, 1001, 1, "A", 65535, 1000);
        QCOMPARE(full.flags, tcpa::WindowFull);
        QCOMPARE(full.pushBytesSent, 2000u);
        QCOMPARE(c.send(13, 1, 1, 2001, "A", 0).flags, tcpa::ZeroWindow);
        tcpa::Result probe = c.send(500, 0, 2001, 1, "A", 65535, 1);
        QCOMPARE(probe.flags, tcpa::ZeroWindowProbe);
        QCOMPARE(probe.bytesInFlight, 1u);
        QCOMPARE(c.send(501, 1, 1, 2001, "A", 0).flags,
                 tcpa::ZeroWindow | tcpa::ZeroWindowProbeAck);
        QCOMPARE(c.send(1500, 0, 2001, 1, "A", 65535, 1).flags, tcpa::ZeroWindowProbe);
        QCOMPARE(c.send(1501, 1, 1, 2001, "A", 0).flags,
                 tcpa::ZeroWindow | tcpa::ZeroWindowProbeAck);
        QCOMPARE(c.send(2000, 1, 1, 2001, "A", 4000).flags, tcpa::WindowUpdate);
        tcpa::Result after = c.send(2001, 0, 2001, 1, "A", 65535, 100);
        QCOMPARE(after.flags, 0);
        QCOMPARE(after.bytesInFlight, 100u); // from the probes' start, 2001
    }

    void keepAlive()
    {
        Conversation c;
        c.handshake();
        c.send(10, 0, 1, 1, "PA", 65535, 10);
        c.send(11, 1, 1, 11, "A");
        QCOMPARE(c.send(5000, 0, 10, 1, "A").flags, tcpa::KeepAlive);
        QCOMPARE(c.send(5001, 1, 1, 11, "A").flags, tcpa::KeepAliveAck);
        tcpa::Result oneByte = c.send(9000, 0, 10, 1, "A", 65535, 1);
        QCOMPARE(oneByte.flags, tcpa::KeepAlive); // not a retransmission
        QCOMPARE(oneByte.bytesInFlight, 1u);
        tcpa::Result ack = c.send(9001, 1, 1, 11, "A");
        QCOMPARE(ack.flags, tcpa::KeepAliveAck);
        QCOMPARE(ack.acksFrame, 8u);
    }

    void windowUpdateKeepsTheDuplicateCount()
    {
        Conversation c;
        c.handshake();
        c.send(10, 0, 1, 1, "A", 65535, 100);
        c.send(11, 1, 1, 101, "A", 30000); // 5
        QCOMPARE(c.send(12, 1, 1, 101, "A", 40000).flags, tcpa::WindowUpdate);
        tcpa::Result dup = c.send(13, 1, 1, 101, "A", 40000);
        QCOMPARE(dup.flags, tcpa::DuplicateAck);
        QCOMPARE(dup.dupAckFrame, 5u); // not the window update
        QCOMPARE(c.send(14, 1, 1, 101, "A", 50000).flags, tcpa::WindowUpdate);
        QCOMPARE(c.send(15, 1, 1, 101, "A", 50000).dupAckNum, 2u);
        // FIN, RST and SYN segments are never duplicates.
        QCOMPARE(c.send(16, 1, 1, 101, "FA", 50000).flags, 0);
        QCOMPARE(c.send(17, 0, 101, 2, "FA").completeness, 31); // frame 16's FIN counts now
        QCOMPARE(c.send(18, 1, 2, 102, "A", 50000).completeness, 31);
    }

    void synAndFinRetransmissions()
    {
        Conversation c;
        c.send(0, 0, 0, 0, "S");
        tcpa::Result again = c.send(1000, 0, 0, 0, "S");
        QCOMPARE(again.flags, tcpa::Retransmission);
        QCOMPARE(again.rtoFrame, 1u);
        QCOMPARE(again.rto, 1000 * kMs);
        c.send(1001, 1, 0, 1, "SA");
        QCOMPARE(c.send(1002, 0, 1, 1, "A").irtt, 2 * kMs); // from the last SYN

        Conversation f;
        f.handshake();
        f.send(10, 0, 1, 1, "FA");
        tcpa::Result fin = f.send(300, 0, 1, 1, "FA");
        QCOMPARE(fin.flags, tcpa::Retransmission);
        QCOMPARE(fin.rtoFrame, 4u);
    }

    void midStreamCompleteness()
    {
        Conversation c;
        QCOMPARE(c.send(0, 0, 100, 1, "A", 65535, 100).completeness, 0);
        QCOMPARE(c.send(1, 1, 1, 200, "A").completeness, 0); // the first segment counted nothing
        QCOMPARE(c.send(2, 0, 200, 1, "A", 65535, 100).completeness, tcpa::CAck);
        tcpa::Result r = c.send(3, 1, 1, 500, "A");
        QCOMPARE(r.completeness, tcpa::CAck | tcpa::CData);
        QCOMPARE(r.flags, tcpa::AckLostSegment);
        QVERIFY(!has(r, tcpa::Result::HasIrtt));
    }

    void sackedBytesAreNotInFlight()
    {
        Conversation c;
        c.handshake();
        for (uint32_t i = 0; i < 4; ++i)
            c.send(10 + i, 0, 1 + 1000 * i, 1, "A", 65535, 1000);
        // The receiver lost 1..1001 and holds 1001..3001.
        c.send(15, 1, 1, 1, "A", 65535, 0, {{1001, 3001}});
        tcpa::Result r = c.send(16, 0, 4001, 1, "A", 65535, 1000);
        QCOMPARE(r.bytesInFlight, 5000u - 2000u);
        // A D-SACK block below the ACK still counts: nothing left, no numbers (tshark).
        Conversation d;
        d.handshake();
        d.send(10, 0, 1, 1, "A", 65535, 100);
        d.send(11, 1, 1, 101, "A", 65535, 0, {{1, 101}});
        QVERIFY(!has(d.send(12, 0, 101, 1, "A", 65535, 100), tcpa::Result::HasBif));
        QCOMPARE(d.send(13, 1, 1, 201, "A").acksFrame, 6u);
        QCOMPARE(d.send(14, 0, 201, 1, "A", 65535, 100).pushBytesSent, 300u);
    }

    // Whole frames: the tree, the expert notes, the Info prefixes, and the same on a revisit.
    void dissectedFrames()
    {
        pl::Session session;
        session.setRemembersFrames(true);
        std::vector<Frame> frames;
        frames.push_back(tcpFrame(1, 0, 0, 0, 0x02, 0));
        frames.push_back(tcpFrame(2, 1, 1, 0, 0x12, 0));
        frames.push_back(tcpFrame(3, 2, 0, 1, 0x10, 0));
        frames.push_back(tcpFrame(4, 10, 0, 1, 0x18, 100));
        frames.push_back(tcpFrame(5, 11, 1, 1, 0x10, 0, 101));
        frames.push_back(tcpFrame(6, 12, 1, 1, 0x10, 0, 101));
        frames.push_back(tcpFrame(7, 300, 0, 1, 0x18, 100)); // the data of frame 4 again
        for (int pass = 0; pass < 2; ++pass) {               // in order, then revisits (backwards)
            for (int i = 0; i < int(frames.size()); ++i) {
                Frame &f = frames[pass ? frames.size() - 1 - size_t(i) : size_t(i)];
                f.dissection = std::make_unique<pl::Dissection>(pl::Dissection::Mode::Tree);
                f.dissection->dissect(f.frame, &session);
                session.frameDone(f.frame.number);
            }
            const pl::Dissection &dup = *frames[5].dissection;
            QCOMPARE(QString::fromStdString(dup.infoColumn()),
                     QStringLiteral("[TCP Dup ACK 5#1] 5001 \u2192 40000 [ACK] Seq=1 Ack=101 "
                                    "Win=1000 Len=0"));
            const pl::Dissection &re = *frames[6].dissection;
            QVERIFY(QString::fromStdString(re.infoColumn())
                        .startsWith(QStringLiteral("[TCP Spurious Retransmission] 40000 ")));
            const QString text = treeText(re);
            QVERIFY2(text.contains(QStringLiteral(
                         "    [SEQ/ACK analysis]\n"
                         "        [iRTT: 0.002000000 seconds]\n"
                         "        [Bytes in flight: 100]\n"
                         "        [Bytes sent since last PSH flag: 100]\n"
                         "        [TCP Analysis Flags]\n"
                         "            [Expert Info (Note/Sequence): This frame is a (suspected) "
                         "spurious retransmission]\n")),
                     qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral(
                         "    [Timestamps]\n"
                         "        [Time since first frame in this TCP stream: 0.300000000 "
                         "seconds]\n"
                         "        [Time since previous frame in this TCP stream: 0.288000000 "
                         "seconds]\n")),
                     qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral(
                         "    [Conversation completeness: Incomplete, DATA (15)]\n")),
                     qPrintable(text));
            const QString dupText = treeText(dup);
            QVERIFY2(dupText.contains(QStringLiteral(
                         "        [TCP Analysis Flags]\n"
                         "            [This is a TCP duplicate ack]\n"
                         "        [Duplicate ACK #: 1]\n"
                         "        [Duplicate to the ACK in frame: 5]\n"
                         "            [Expert Info (Note/Sequence): Duplicate ACK (#1)]\n")),
                     qPrintable(dupText));
            QVERIFY(treeText(*frames[0].dissection)
                        .contains(QStringLiteral("[Conversation completeness: Incomplete (0)]")));
            QVERIFY(!treeText(*frames[0].dissection).contains(QStringLiteral("SEQ/ACK")));
        }
    }

    // Summary mode collects the analysis fields a display filter reads.
    void summaryModeCollects()
    {
        pl::Session session;
        pl::FieldInterest interest(pl::Registry::instance().fieldCount(), 0);
        const pl::FieldId retrans =
            pl::Registry::instance().findField("tcp.analysis.retransmission");
        QVERIFY(retrans >= 0);
        interest[size_t(retrans)] = 1;
        std::vector<Frame> frames;
        frames.push_back(tcpFrame(1, 10, 0, 1, 0x18, 100));
        frames.push_back(tcpFrame(2, 300, 0, 1, 0x18, 100));
        int seen = 0;
        for (Frame &f : frames) {
            f.dissection = std::make_unique<pl::Dissection>(pl::Dissection::Mode::Summary);
            f.dissection->setInterest(&interest);
            f.dissection->dissect(f.frame, &session);
            const pl::FieldTree &t = f.dissection->fieldTree();
            for (size_t i = 1; i < t.size(); ++i)
                seen += t.node(int32_t(i)).field == retrans ? int(f.frame.number) : 0;
        }
        QCOMPARE(seen, 2);
    }

    void sequenceNumbersWrap()
    {
        tcpa::Analyzer a;
        tcpa::Segment s;
        s.flags = tcpa::kAck;
        s.window = 1000;
        s.seq = 0xffffff00;
        s.len = 0x100;
        s.frame = 1;
        a.analyze(s, 0);
        s.seq = 0; // the next segment, after the wrap
        s.frame = 2;
        QCOMPARE(a.analyze(s, 0).flags, 0);
        s.seq = 0xffffff00; // the first again
        s.frame = 3;
        s.time = 100 * kMs;
        QCOMPARE(a.analyze(s, 0).flags, tcpa::Retransmission);
    }

    void unackedSegmentsAreBounded()
    {
        tcpa::Analyzer a;
        tcpa::Segment s;
        s.flags = tcpa::kAck;
        s.len = 10;
        for (uint32_t i = 0; i < 10000; ++i) {
            s.frame = i + 1;
            s.seq = i * 10;
            a.analyze(s, 0);
        }
        QVERIFY(a.dir[0].unacked.size() <= tcpa::Direction::kMaxUnacked);
        QVERIFY(a.dir[0].unacked.capacity() <= 2 * tcpa::Direction::kMaxUnacked);
    }
};

QTEST_APPLESS_MAIN(TestTcpAnalysis)
#include "tst_tcpanalysis.moc"
