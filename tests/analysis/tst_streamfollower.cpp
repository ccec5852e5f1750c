// StreamFollower: a TCP conversation's bytes in sequence order per direction (retransmissions
// once, early segments after the gap before them, never-filled gaps counted), UDP datagrams
// as they come, and the formats tshark's -z follow prints.

#include "analysis/streamfollower.h"
#include "analysis/streamformat.h"
#include "dissect/packetbuilder.h"

#include <QTest>

using namespace pl;

namespace {

using pltest::tcpv4Frame;
using pltest::udpv4Frame;

/// Feeds `frames` in order, as one capture, to a follower of stream `index`.
FollowedStream follow(FollowedStream::Kind kind, uint32_t index,
                      const std::vector<std::vector<uint8_t>> &frames)
{
    StreamFollower follower(kind, index);
    Session session;
    Dissection d(Dissection::Mode::Summary);
    d.setInterest(&follower.interest());
    d.setColumns(false);
    uint64_t number = 0;
    for (const auto &bytes : frames) {
        Frame f;
        f.data = bytes.data();
        f.capLen = f.wireLen = uint32_t(bytes.size());
        f.linkType = 1;
        f.number = ++number;
        d.dissect(f, &session);
        follower.add(d);
    }
    follower.finish();
    return follower.takeResult();
}

QByteArray bytesOf(const FollowedStream &s, uint8_t peer)
{
    QByteArray out;
    for (const StreamChunk &c : s.chunks)
        if (c.peer == peer)
            out.append(reinterpret_cast<const char *>(c.bytes.data()), qsizetype(c.bytes.size()));
    return out;
}

constexpr uint8_t kSyn = 0x02, kAck = 0x10, kPshAck = 0x18;

} // namespace

class TestStreamFollower : public QObject
{
    Q_OBJECT
private slots:
    void tcpInSequenceOrder()
    {
        const std::vector<std::vector<uint8_t>> frames = {
            tcpv4Frame(1, 2, 40000, 80, 1000, kSyn, ""),
            tcpv4Frame(2, 1, 80, 40000, 5000, kSyn | kAck, ""),
            tcpv4Frame(1, 2, 40000, 80, 1001, kPshAck, "GET "),
            tcpv4Frame(1, 2, 40000, 80, 1001, kPshAck, "GET "),     // retransmission
            tcpv4Frame(1, 2, 40000, 80, 1009, kPshAck, "HTTP\r\n"), // early: after "/ab "
            tcpv4Frame(1, 2, 40000, 80, 1005, kPshAck, "/ab "),
            tcpv4Frame(1, 2, 40000, 80, 1003, kPshAck, "T /ab HT"), // overlap: nothing new
            tcpv4Frame(2, 1, 80, 40000, 5001, kPshAck, "HTTP/1.1 200 OK\r\n"),
            tcpv4Frame(3, 2, 40001, 80, 1, kPshAck, "another stream"),
            tcpv4Frame(2, 1, 80, 40000, 5030, kPshAck, "after a gap"), // 11 bytes never came
        };
        const FollowedStream s = follow(FollowedStream::Kind::Tcp, 0, frames);
        QVERIFY(s.found);
        QCOMPARE(QString::fromStdString(s.peers[0]), QStringLiteral("10.0.0.1:40000"));
        QCOMPARE(QString::fromStdString(s.peers[1]), QStringLiteral("10.0.0.2:80"));
        // The overlapping segment (1003..1010) brings nothing new: bytes up to 1014 are in.
        QCOMPARE(bytesOf(s, 0), QByteArray("GET /ab HTTP\r\n"));
        // What waited behind a gap that never filled is not shown (tshark); the gap counts.
        QCOMPARE(bytesOf(s, 1), QByteArray("HTTP/1.1 200 OK\r\n"));
        QCOMPARE(s.sent[0], uint64_t(14));
        QCOMPARE(s.missing[0], uint64_t(0));
        QCOMPARE(s.missing[1], uint64_t(5030 - 5018));
        // Every frame of the stream, with or without payload, and none of the other one.
        QCOMPARE(s.frames.size(), size_t(9));
        QCOMPARE(QString::fromStdString(s.filter()), QStringLiteral("tcp.stream eq 0"));
        // The early segment comes out with the one that filled the gap before it.
        QCOMPARE(s.chunks[1].frame, uint64_t(6));
        QCOMPARE(s.chunks[2].frame, uint64_t(5));
    }

    void otherStreamIndex()
    {
        const std::vector<std::vector<uint8_t>> frames = {
            tcpv4Frame(1, 2, 40000, 80, 1, kPshAck, "one"),
            tcpv4Frame(3, 2, 40001, 80, 1, kPshAck, "two"),
        };
        const FollowedStream s = follow(FollowedStream::Kind::Tcp, 1, frames);
        QCOMPARE(bytesOf(s, 0), QByteArray("two"));
        QCOMPARE(follow(FollowedStream::Kind::Tcp, 7, frames).found, false);
        QCOMPARE(follow(FollowedStream::Kind::Tcp, 7, frames).peers[0], std::string(":0"));
    }

    void udpDatagrams()
    {
        const std::vector<std::vector<uint8_t>> frames = {
            udpv4Frame(1, 2, 5000, 53, "query"), udpv4Frame(2, 1, 53, 5000, "answer"),
            udpv4Frame(1, 2, 5000, 53, "query"), // UDP: a repeat is new data
        };
        const FollowedStream s = follow(FollowedStream::Kind::Udp, 0, frames);
        QCOMPARE(s.chunks.size(), size_t(3));
        QCOMPARE(bytesOf(s, 0), QByteArray("queryquery"));
        QCOMPARE(bytesOf(s, 1), QByteArray("answer"));
    }

    void tsharkFormats()
    {
        FollowedStream s;
        s.found = true;
        s.peers[0] = "10.0.0.1:1";
        s.peers[1] = "10.0.0.2:2";
        s.chunks.push_back({0, 1, {'G', 'E', 'T', '\t', '\r', '\n'}});
        std::vector<uint8_t> big(20);
        for (size_t i = 0; i < big.size(); ++i)
            big[i] = uint8_t('a' + i);
        big[7] = ' ';
        s.chunks.push_back({1, 2, big});
        const std::string rule(67, '=');
        const std::string head = "\n" + rule +
                                 "\nFollow: tcp,%1\nFilter: tcp.stream eq 0\nNode 0: "
                                 "10.0.0.1:1\nNode 1: 10.0.0.2:2\n";
        auto expected = [&](const char *mode, const std::string &body) {
            std::string h = head;
            h.replace(h.find("%1"), 2, mode);
            return h + body + rule + "\n";
        };
        QCOMPARE(streamformat::tsharkReport(s, streamformat::Mode::Ascii),
                 expected("ascii", "6\nGET.\r\n\n\t20\nabcdefg ijklmnopqrst\n"));
        QCOMPARE(streamformat::tsharkReport(s, streamformat::Mode::Raw),
                 expected("raw", "474554090d0a\n\t6162636465666720696a6b6c6d6e6f7071727374\n"));
        QCOMPARE(streamformat::tsharkReport(s, streamformat::Mode::Hex),
                 expected("hex", "00000000  47 45 54 09 0d 0a                                 "
                                 "GET...\n"
                                 "\t00000000  61 62 63 64 65 66 67 20  69 6a 6b 6c 6d 6e 6f 70  "
                                 "abcdefg  ijklmnop\n"
                                 "\t00000010  71 72 73 74                                       "
                                 "qrst\n"));
        QCOMPARE(streamformat::chunk(s.chunks[0], streamformat::Mode::CArrays, 0, 0),
                 std::string("char peer0_0[] = { /* Packet 1 */\n"
                             "0x47, 0x45, 0x54, 0x09, 0x0d, 0x0a };\n"));
    }
};

QTEST_GUILESS_MAIN(TestStreamFollower)
#include "tst_streamfollower.moc"
