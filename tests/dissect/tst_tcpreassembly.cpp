// TCP reassembly of application messages (tcpreassembly.cpp), driven by DNS over TCP, whose
// 2-byte length prefix makes the dissector ask for exactly the bytes it misses: a message
// split over segments, a retransmission in between, two messages and the start of a third in
// one segment, a gap that abandons a message, revisits in any order, the preference off, and
// hostile lengths that must not make TCP hold memory.

#include "packetbuilder.h"

#include <QTest>

using pltest::Dissected;
using pltest::tcpv4Frame;

namespace {

/// A DNS query for example.com (type A), with TCP's 2-byte length in front: 31 bytes.
std::string dnsOverTcp(uint16_t id)
{
    std::string m = {char(id >> 8), char(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    m += std::string("\x07"
                     "example"
                     "\x03"
                     "com",
                     13);
    m += std::string("\x00\x01\x00\x01", 4);
    return std::string{char(m.size() >> 8), char(m.size())} + m;
}

constexpr uint8_t kSyn = 0x02, kAck = 0x10, kPshAck = 0x18;

/// A capture: frames dissected in order with one session, kept for checks and revisits.
struct Capture
{
    pl::Session session;
    pl::Preferences prefs;
    std::vector<std::unique_ptr<Dissected>> frames;

    Capture() { session.setRemembersFrames(true); }

    const Dissected &add(std::vector<uint8_t> bytes)
    {
        frames.push_back(std::make_unique<Dissected>(std::move(bytes), 1, 0, &session, prefs,
                                                     pl::Dissection::Mode::Tree,
                                                     frames.size() + 1));
        return *frames.back();
    }
    /// Frame `number` dissected again (a click in the packet list).
    std::unique_ptr<Dissected> again(uint64_t number) const
    {
        const Dissected &first = *frames[number - 1];
        return std::make_unique<Dissected>(first.bytes, 1, 0, const_cast<pl::Session *>(&session),
                                           prefs, pl::Dissection::Mode::Tree, number);
    }
};

void handshake(Capture &c)
{
    c.add(tcpv4Frame(1, 2, 40000, 53, 100, kSyn, ""));
    c.add(tcpv4Frame(2, 1, 53, 40000, 500, kSyn | kAck, "", 101));
}

} // namespace

class TestTcpReassembly : public QObject
{
    Q_OBJECT
private slots:
    void messageOverTwoSegmentsWithARetransmission()
    {
        Capture c;
        handshake(c);
        const std::string q = dnsOverTcp(0x1234);
        const Dissected &first = c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, q.substr(0, 10)));
        // Held: TCP alone, its segment data, the mark in Info; no DNS yet.
        QCOMPARE(first.protocol(), QStringLiteral("TCP"));
        QVERIFY(first.info().endsWith(QStringLiteral(" [TCP segment of a reassembled PDU]")));
        QCOMPARE(first.value("tcp.segment_data"), QStringLiteral("001d1234010000010000"));
        QCOMPARE(first.range("tcp.segment_data"), QStringLiteral("54+10"));
        QCOMPARE(first.value("dns.id"), QStringLiteral("<absent>"));
        QCOMPARE(first.d.sourceCount(), size_t(1));

        const Dissected &again = c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, q.substr(0, 10)));
        QCOMPARE(again.value("dns.id"), QStringLiteral("<absent>")); // not handed on twice

        const Dissected &last = c.add(tcpv4Frame(1, 2, 40000, 53, 111, kPshAck, q.substr(10)));
        QCOMPARE(last.protocol(), QStringLiteral("DNS"));
        QCOMPARE(last.info(), QStringLiteral("Standard query 0x1234 A example.com"));
        QCOMPARE(last.d.sourceCount(), size_t(2));
        QCOMPARE(QString::fromStdString(last.d.sourceName(1)),
                 QStringLiteral("Reassembled TCP (31 bytes)"));
        const auto bytes = last.d.sourceBytes(1);
        QCOMPARE(std::string(bytes.begin(), bytes.end()), q);
        QVERIFY(last.hasText(QStringLiteral("[2 Reassembled TCP Segments (31 bytes): #3(10), "
                                            "#5(21)]\n    [Frame: 3, payload: 0-9 (10 bytes)]\n"
                                            "    [Frame: 5, payload: 10-30 (21 bytes)]\n"
                                            "    [Segment count: 2]\n"
                                            "    [Reassembled TCP length: 31]\n")));
        QCOMPARE(last.value("tcp.segment", 1), QStringLiteral("5"));
        // DNS's fields lie in the reassembled source, at its offsets.
        QCOMPARE(last.value("dns.qry.name"), QStringLiteral("example.com"));
        const auto ids = last.nodes("dns.id");
        QCOMPARE(ids.size(), size_t(1));
        QCOMPARE(last.tree().node(ids[0]).source, uint8_t(1));
        QCOMPARE(last.tree().node(ids[0]).offset, 2u);
        // This segment's part: the rest of the header, the name, type and class.
        QCOMPARE(last.value("tcp.segment_data"),
                 QStringLiteral("00000000076578616d706c6503636f6d0000010001"));
        QCOMPARE(last.range("tcp.segment_data"), QStringLiteral("54+21"));

        // Revisits, last first: the same tree; the held segment now names where it ended.
        QCOMPARE(c.again(5)->dump(), last.dump());
        const auto held = c.again(3);
        QCOMPARE(held->value("tcp.reassembled_in"), QStringLiteral("5"));
        QVERIFY(held->info().endsWith(QStringLiteral(" [TCP segment of a reassembled PDU]")));
        QCOMPARE(held->value("dns.id"), QStringLiteral("<absent>"));
    }

    void revisitsReadTheMessageAgainFromItsFrames()
    {
        // With a frame reader (the store gives its file), a completed message keeps only
        // where its pieces lie: a revisit reads them from the frames again.
        Capture c;
        int reads = 0;
        bool readable = true;
        c.session.setFrameReader([&](uint64_t number, std::vector<uint8_t> &out) {
            ++reads;
            if (!readable || number == 0 || number > c.frames.size())
                return false;
            out = c.frames[number - 1]->bytes;
            return true;
        });
        handshake(c);
        const std::string q1 = dnsOverTcp(0x1111), q2 = dnsOverTcp(0x2222);
        c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, q1.substr(0, 10)));
        // The rest of the first message and the start of the second: the second's tail is
        // held from the middle of this segment.
        const Dissected &middle =
            c.add(tcpv4Frame(1, 2, 40000, 53, 111, kPshAck, q1.substr(10) + q2.substr(0, 5)));
        QCOMPARE(middle.info(), QStringLiteral("Standard query 0x1111 A example.com"));
        const Dissected &last = c.add(tcpv4Frame(1, 2, 40000, 53, 137, kPshAck, q2.substr(5)));
        QCOMPARE(last.info(), QStringLiteral("Standard query 0x2222 A example.com"));
        QVERIFY(last.hasText(QStringLiteral("[2 Reassembled TCP Segments (31 bytes): #4(5), "
                                            "#5(26)]")));
        QCOMPARE(reads, 0); // the first pass has the bytes

        QCOMPARE(c.again(5)->dump(), last.dump());
        const auto middleAgain = c.again(4);
        QCOMPARE(middleAgain->value("dns.id"), QStringLiteral("0x1111"));
        const auto source = middleAgain->d.sourceBytes(1);
        QCOMPARE(std::string(source.begin(), source.end()), q1);
        // A second pass knows where the held tail ended; that is all it adds.
        QCOMPARE(middleAgain->value("tcp.reassembled_in"), QStringLiteral("5"));
        QCOMPARE(reads, 4); // frames 4 and 5, then 3 and 4

        // The file changed or went away: the revisit says so instead of showing stale bytes.
        readable = false;
        const auto lost = c.again(5);
        QCOMPARE(lost->value("dns.id"), QStringLiteral("<absent>"));
        QVERIFY(lost->hasText(QStringLiteral("[Reassembled TCP data could not be read again "
                                             "from the capture file: see frames 4 to 5]")));
    }

    void twoMessagesAndTheStartOfAThird()
    {
        Capture c;
        handshake(c);
        const std::string a = dnsOverTcp(1), b = dnsOverTcp(2), third = dnsOverTcp(3);
        const Dissected &f =
            c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, a + b + third.substr(0, 5)));
        QCOMPARE(f.nodes("dns.id").size(), size_t(2));
        QCOMPARE(f.value("dns.id", 1), QStringLiteral("0x0002"));
        // The third message's start is held; the segment is not marked, two messages are in it.
        QCOMPARE(f.range("tcp.segment_data"), QStringLiteral("116+5"));
        QVERIFY(!f.info().contains(QStringLiteral("reassembled")));
        const Dissected &rest = c.add(tcpv4Frame(
            1, 2, 40000, 53, uint32_t(101 + a.size() + b.size() + 5), kPshAck, third.substr(5)));
        QCOMPARE(rest.value("dns.id"), QStringLiteral("0x0003"));
        QCOMPARE(rest.value("tcp.reassembled.length"), QStringLiteral("31"));
    }

    void aGapAbandonsTheMessage()
    {
        Capture c;
        handshake(c);
        const std::string q = dnsOverTcp(7), next = dnsOverTcp(8);
        c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, q.substr(0, 10)));
        // Bytes 111..131 were never captured: the next segment starts a message of its own.
        const Dissected &after = c.add(tcpv4Frame(1, 2, 40000, 53, 132, kPshAck, next));
        QCOMPARE(after.value("dns.id"), QStringLiteral("0x0008"));
        QCOMPARE(after.d.sourceCount(), size_t(1));
    }

    void preferenceOff()
    {
        Capture c;
        c.prefs.tcpReassemble = false;
        handshake(c);
        const std::string q = dnsOverTcp(9);
        const Dissected &first = c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, q.substr(0, 10)));
        QVERIFY2(!first.info().contains(QStringLiteral("TCP segment of a reassembled PDU")),
                 qPrintable(first.info()));
        QCOMPARE(first.value("tcp.segment_data"), QStringLiteral("<absent>"));
        const Dissected &last = c.add(tcpv4Frame(1, 2, 40000, 53, 111, kPshAck, q.substr(10)));
        QCOMPARE(last.d.sourceCount(), size_t(1));
        QCOMPARE(last.value("tcp.reassembled.length"), QStringLiteral("<absent>"));
    }

    void hostileLengthsHoldNothingHuge()
    {
        Capture c;
        handshake(c);
        // A length prefix of 65535 with 3 bytes of it: held, waiting for 65534 more bytes.
        const Dissected &f =
            c.add(tcpv4Frame(1, 2, 40000, 53, 101, kPshAck, std::string("\xff\xff\x01", 3)));
        QVERIFY(f.info().endsWith(QStringLiteral(" [TCP segment of a reassembled PDU]")));
        // A thousand small segments follow in sequence; the message never completes, nothing
        // is dissected twice and each segment is only TCP's.
        uint32_t seq = 104;
        for (int i = 0; i < 1000; ++i) {
            const Dissected &g =
                c.add(tcpv4Frame(1, 2, 40000, 53, seq, kPshAck, std::string(60, 'x')));
            seq += 60;
            QCOMPARE(g.value("dns.id"), QStringLiteral("<absent>"));
        }
        // The 65537 bytes arrive: the message is whole and dissected once, malformed as it is.
        const size_t have = 3 + 60000, missing = 65537 - have;
        const Dissected &done =
            c.add(tcpv4Frame(1, 2, 40000, 53, seq, kPshAck, std::string(missing, 'y')));
        QCOMPARE(done.value("tcp.reassembled.length"), QStringLiteral("65537"));
        QVERIFY(done.hasText(QStringLiteral("[1002 Reassembled TCP Segments (65537 bytes)")));
    }
};

QTEST_APPLESS_MAIN(TestTcpReassembly)
#include "tst_tcpreassembly.moc"
