// Find Packet: each method and scope finds the packet a user expects, in view order, forward
// and backward, wrapping around once; invalid queries are refused.

#include "analysis/packetfinder.h"
#include "analysis/packetstore.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"
#include "corpusfiles.h"
#include "storewait.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cstring>
#include <vector>

namespace {

using pl::FindQuery;
using pltest::waitLoaded;

constexpr int kPackets = 12;

// Packet i (0-based) of the synthetic capture: Ethernet/IPv4/UDP from 10.0.0.(i+1), source
// port 40000+i, 24 bytes of 'x' payload, except
//   3: payload holds "Hello World"     7: payload holds "hello world"
//   5: payload holds de ad be ef       9: an ARP request "Who has 10.0.0.77? Tell 10.0.0.10"
std::vector<uint8_t> packet(int i)
{
    if (i == 9) {
        std::vector<uint8_t> p = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xaa, 0xbb, 0xcc, 0xdd,
                                  0x0a, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,
                                  0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0x0a, 10,   0,    0,    10,   0,
                                  0,    0,    0,    0,    0,    10,   0,    0,    77};
        p.resize(60, 0);
        return p;
    }
    std::vector<uint8_t> p = {0x00, 0x11,       0x22,           0x33, 0x44, 0x55, 0x00, 0x66, 0x77,
                              0x88, 0x99,       0x00,           0x08, 0x00, 0x45, 0x00, 0x00, 52,
                              0x00, uint8_t(i), 0x40,           0x00, 64,   17,   0x00, 0x00, 10,
                              0,    0,          uint8_t(1 + i), 10,   0,    0,    100};
    p.reserve(p.size() + 8 + 24); // room up front (also keeps GCC 12's -Warray-bounds quiet)
    const uint16_t sport = uint16_t(40000 + i);
    const uint8_t udp[8] = {uint8_t(sport >> 8), uint8_t(sport), 0x13, 0x88, 0, 32, 0, 0};
    p.insert(p.end(), udp, udp + 8);
    std::vector<uint8_t> payload(24, 'x');
    if (i == 3)
        std::memcpy(payload.data() + 4, "Hello World", 11);
    if (i == 7)
        std::memcpy(payload.data() + 2, "hello world", 11);
    if (i == 5) {
        const uint8_t beef[4] = {0xde, 0xad, 0xbe, 0xef};
        std::memcpy(payload.data() + 8, beef, 4);
    }
    p.insert(p.end(), payload.begin(), payload.end());
    return p;
}

// `count` packets: packet(i % kPackets) for each i.
bool writeCapture(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapUsec, "test") ||
        w.addInterface({}) != 0)
        return false;
    for (int i = 0; i < count; ++i) {
        const std::vector<uint8_t> bytes = packet(i % kPackets);
        pl::Frame f;
        f.data = bytes.data();
        f.capLen = f.wireLen = uint32_t(bytes.size());
        f.tsSec = 1700000000;
        f.tsNsec = uint32_t(i) * 1000000u;
        if (!w.write(f, 0))
            return false;
    }
    return w.close();
}

FindQuery query(FindQuery::Method method, const QString &text,
                FindQuery::Scope scope = FindQuery::Scope::Bytes, bool caseSensitive = false)
{
    FindQuery q;
    q.method = method;
    q.scope = scope;
    q.text = text;
    q.caseSensitive = caseSensitive;
    return q;
}

FindQuery str(const QString &text, FindQuery::Scope scope, bool caseSensitive = false)
{
    return query(FindQuery::Method::String, text, scope, caseSensitive);
}

FindQuery hex(const QString &text)
{
    return query(FindQuery::Method::Hex, text);
}

FindQuery filter(const QString &text)
{
    return query(FindQuery::Method::DisplayFilter, text);
}

// The expected answer by brute force: the first row of `matching` (a view-row predicate)
// after `from` in the direction, wrapping, `from` itself last.
template <class Pred> int expectedFind(int count, int from, bool forward, Pred matching)
{
    const bool haveStart = from >= 0 && from < count;
    int v = haveStart ? from : (forward ? -1 : count);
    for (int i = 0; i < count; ++i) {
        v = forward ? (v + 1) % count : (v - 1 + count) % count;
        if (matching(v))
            return v;
    }
    return -1;
}

} // namespace

class TestPacketFinder : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_small;
    pl::PacketStore m_store;
    std::function<qsizetype(int)> identity = [](int v) { return qsizetype(v); };

    int find(pl::PacketFinder &finder, const FindQuery &q, int from, bool forward = true)
    {
        return finder.find(q, int(m_store.count()), identity, from, forward);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_small = m_dir.filePath(QStringLiteral("small.pcap"));
        QVERIFY(writeCapture(m_small, kPackets));
        QVERIFY(m_store.open(m_small));
        QVERIFY(waitLoaded(m_store));
        QCOMPARE(m_store.count(), kPackets);
        // The test's premises, as the packet list shows them.
        QCOMPARE(m_store.row(9).info, QStringLiteral("Who has 10.0.0.77? Tell 10.0.0.10"));
        QCOMPARE(m_store.row(6).info, QStringLiteral("40006 → 5000 Len=24"));
    }

    void validate_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        const int h = int(FindQuery::Method::Hex), s = int(FindQuery::Method::String),
                  f = int(FindQuery::Method::DisplayFilter);
        QTest::newRow("hex colons") << h << QStringLiteral("00:1b:21") << true;
        QTest::newRow("hex plain") << h << QStringLiteral("001B21") << true;
        QTest::newRow("hex spaces") << h << QStringLiteral(" 00 1b 21 ") << true;
        QTest::newRow("hex dashes") << h << QStringLiteral("00-1b-21") << true;
        QTest::newRow("hex odd") << h << QStringLiteral("001b2") << false;
        QTest::newRow("hex not hex") << h << QStringLiteral("00:1g") << false;
        QTest::newRow("hex empty") << h << QString() << false;
        QTest::newRow("hex only separators") << h << QStringLiteral(" : ") << false;
        QTest::newRow("string") << s << QStringLiteral("GET") << true;
        QTest::newRow("string blank is text") << s << QStringLiteral(" ") << true;
        QTest::newRow("string empty") << s << QString() << false;
        QTest::newRow("filter") << f << QStringLiteral("udp.srcport == 40003") << true;
        QTest::newRow("filter unknown field") << f << QStringLiteral("udp.srcprt == 1") << false;
        QTest::newRow("filter bad syntax") << f << QStringLiteral("udp ==") << false;
        QTest::newRow("filter empty") << f << QString() << false;
    }
    void validate()
    {
        QFETCH(int, method);
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QString error;
        QCOMPARE(pl::PacketFinder::validate(query(FindQuery::Method(method), text), &error), valid);
        QCOMPARE(error.isEmpty(), valid); // an invalid query says why
        // find() refuses what validate() refuses, and finds nothing then.
        if (!valid) {
            pl::PacketFinder finder(m_store);
            QCOMPARE(find(finder, query(FindQuery::Method(method), text), -1), -1);
        }
    }

    void parseHex()
    {
        QCOMPARE(pl::PacketFinder::parseHex(QStringLiteral("00:1b:21")),
                 QByteArray::fromHex("001b21"));
        QCOMPARE(pl::PacketFinder::parseHex(QStringLiteral("DE ad.Be-eF")),
                 QByteArray::fromHex("deadbeef"));
        QVERIFY(!pl::PacketFinder::parseHex(QStringLiteral("0x12")));
    }

    void hexValue()
    {
        pl::PacketFinder finder(m_store);
        for (const char *text : {"de:ad:be:ef", "deadbeef", "de ad be ef", "DEADBEEF"}) {
            QCOMPARE(find(finder, hex(QLatin1String(text)), -1), 5);
            QVERIFY(!finder.wrapped());
        }
        // The ARP sender MAC and the Ethernet source of the UDP packets.
        QCOMPARE(find(finder, hex(QStringLiteral("00:aa:bb:cc:dd:0a")), 0), 9);
        QCOMPARE(find(finder, hex(QStringLiteral("00:66:77:88:99:00")), 4, true), 5);
        QCOMPARE(find(finder, hex(QStringLiteral("00:66:77:88:99:00")), 4, false), 3);
        QCOMPARE(find(finder, hex(QStringLiteral("de:ad:be:ef:00")), -1), -1);
    }

    void stringInBytes()
    {
        pl::PacketFinder finder(m_store);
        const auto bytes = FindQuery::Scope::Bytes;
        // Case-insensitive by default: both packets, in order, then around.
        QCOMPARE(find(finder, str(QStringLiteral("HELLO world"), bytes), -1), 3);
        QCOMPARE(find(finder, str(QStringLiteral("HELLO world"), bytes), 3), 7);
        QVERIFY(!finder.wrapped());
        QCOMPARE(find(finder, str(QStringLiteral("HELLO world"), bytes), 7), 3);
        QVERIFY(finder.wrapped());
        // Backward, and around the start.
        QCOMPARE(find(finder, str(QStringLiteral("hello"), bytes), 5, false), 3);
        QVERIFY(!finder.wrapped());
        QCOMPARE(find(finder, str(QStringLiteral("hello"), bytes), 3, false), 7);
        QVERIFY(finder.wrapped());
        QCOMPARE(find(finder, str(QStringLiteral("hello"), bytes), -1, false), 7);
        // Case-sensitive: only the one spelled so; from it, it is found again after a lap.
        QCOMPARE(find(finder, str(QStringLiteral("hello world"), bytes, true), -1), 7);
        QCOMPARE(find(finder, str(QStringLiteral("hello world"), bytes, true), 7), 7);
        QVERIFY(finder.wrapped());
        QCOMPARE(find(finder, str(QStringLiteral("Hello World"), bytes, true), 0), 3);
        QCOMPARE(find(finder, str(QStringLiteral("HELLO WORLD"), bytes, true), 0), -1);
        // Text that is in the columns or the tree, not in the bytes.
        QCOMPARE(find(finder, str(QStringLiteral("Who has"), bytes), -1), -1);
        QCOMPARE(find(finder, str(QStringLiteral("hello  world"), bytes), -1), -1);
    }

    void stringInInfo()
    {
        pl::PacketFinder finder(m_store);
        const auto info = FindQuery::Scope::Info;
        QCOMPARE(find(finder, str(QStringLiteral("who has 10.0.0.77"), info), -1), 9);
        QCOMPARE(find(finder, str(QStringLiteral("who has 10.0.0.77"), info, true), -1), -1);
        QCOMPARE(find(finder, str(QStringLiteral("Who has 10.0.0.77"), info, true), -1), 9);
        QCOMPARE(find(finder, str(QStringLiteral("40006 → 5000"), info), 0), 6);
        QCOMPARE(find(finder, str(QStringLiteral("Len=24"), info), 10, true), 11);
        QCOMPARE(find(finder, str(QStringLiteral("Len=24"), info), 10, false), 8);
        QCOMPARE(find(finder, str(QStringLiteral("Len=24"), info), 11, true), 0);
        QVERIFY(finder.wrapped());
        // Payload and tree text are not in the Info column.
        QCOMPARE(find(finder, str(QStringLiteral("hello"), info), -1), -1);
        QCOMPARE(find(finder, str(QStringLiteral("Source Port"), info), -1), -1);
    }

    void stringInTree()
    {
        pl::PacketFinder finder(m_store);
        const auto tree = FindQuery::Scope::Tree;
        QCOMPARE(find(finder, str(QStringLiteral("source port: 40006"), tree), -1), 6);
        QCOMPARE(find(finder, str(QStringLiteral("Source Port: 40006"), tree, true), -1), 6);
        QCOMPARE(find(finder, str(QStringLiteral("source port: 40006"), tree, true), -1), -1);
        QCOMPARE(find(finder, str(QStringLiteral("Target IP address: 10.0.0.77"), tree), 2), 9);
        QCOMPARE(find(finder, str(QStringLiteral("Address Resolution Protocol"), tree), 9), 9);
        QVERIFY(finder.wrapped());
        QCOMPARE(find(finder, str(QStringLiteral("User Datagram Protocol"), tree), 9, false), 8);
        QCOMPARE(find(finder, str(QStringLiteral("User Datagram Protocol"), tree), 0, false), 11);
        QCOMPARE(find(finder, str(QStringLiteral("no such label"), tree), 4), -1);
    }

    void displayFilter()
    {
        pl::PacketFinder finder(m_store);
        QCOMPARE(find(finder, filter(QStringLiteral("udp.srcport == 40008")), -1), 8);
        QCOMPARE(find(finder, filter(QStringLiteral("arp")), -1), 9);
        QCOMPARE(find(finder, filter(QStringLiteral("arp")), -1, false), 9);
        QCOMPARE(find(finder, filter(QStringLiteral("ip.src == 10.0.0.0/8 && udp")), 4), 5);
        QCOMPARE(find(finder, filter(QStringLiteral("ip.src == 10.0.0.0/8 && udp")), 4, false), 3);
        QCOMPARE(find(finder, filter(QStringLiteral("udp.srcport > 40009")), 11), 10);
        QVERIFY(finder.wrapped());
        QCOMPARE(find(finder, filter(QStringLiteral("udp contains \"hello\"")), -1), 7);
        QCOMPARE(find(finder, filter(QStringLiteral("tcp")), -1), -1);
    }

    // The view's order is the one searched: a sorted (reversed) list and a filtered one.
    void viewOrder()
    {
        pl::PacketFinder finder(m_store);
        const int n = kPackets;
        const auto reversed = [n](int v) { return qsizetype(n - 1 - v); };
        const FindQuery hello = str(QStringLiteral("hello world"), FindQuery::Scope::Bytes);
        // Reversed: store row 7 comes first (view 4), then store row 3 (view 8).
        QCOMPARE(finder.find(hello, n, reversed, -1, true), n - 1 - 7);
        QCOMPARE(finder.find(hello, n, reversed, n - 1 - 7, true), n - 1 - 3);
        QCOMPARE(finder.find(hello, n, reversed, n - 1 - 3, true), n - 1 - 7);
        QVERIFY(finder.wrapped());
        QCOMPARE(finder.find(hello, n, reversed, -1, false), n - 1 - 3);
        // Filtered: only some rows are in the view.
        const QList<qsizetype> shown = {0, 2, 7, 9, 11};
        const auto filtered = [&shown](int v) { return shown.at(v); };
        QCOMPARE(finder.find(hello, int(shown.size()), filtered, -1, true), 2);
        QCOMPARE(finder.find(hello, int(shown.size()), filtered, 2, true), 2);
        QVERIFY(finder.wrapped());
        const FindQuery info = str(QStringLiteral("Tell 10.0.0.10"), FindQuery::Scope::Info);
        QCOMPARE(finder.find(info, int(shown.size()), filtered, 4, false), 3);
        // A view without the packets that match finds nothing.
        const QList<qsizetype> others = {0, 1, 2, 4};
        const auto without = [&others](int v) { return others.at(v); };
        QCOMPARE(finder.find(hello, int(others.size()), without, 1, true), -1);
        QCOMPARE(
            finder.find(hex(QStringLiteral("deadbeef")), int(others.size()), without, 0, false),
            -1);
        // An empty view.
        QCOMPARE(finder.find(hello, 0, identity, -1, true), -1);
    }

    // Every start row, both directions, against a brute-force answer on real captures.
    void corpusAgreesWithBruteForce_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("needle"); // hex value
        QTest::addColumn<QByteArray>("narrow"); // string in bytes, any case
        QTest::addColumn<QString>("infoText");
        // The DHCP magic cookie (its last 3 bytes and the next read "Sc5"), ARP requests.
        QTest::newRow("dhcp") << QStringLiteral("tcpdump/dhcp-rfc4388.pcap")
                              << QByteArray::fromHex("63825363") << QByteArray("sC5")
                              << QStringLiteral("who has");
        QTest::newRow("afs") << QStringLiteral("tcpdump/afs.pcap") << QByteArray("01.01")
                             << QByteArray("gcc: (gnu)") << QStringLiteral("fragmented");
    }
    void corpusAgreesWithBruteForce()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, needle);
        QFETCH(QByteArray, narrow);
        QFETCH(QString, infoText);
        if (!pltest::haveCorpus())
            QSKIP("no corpus");
        const QString path = QDir(pltest::corpusDir()).filePath(file);
        pl::PacketStore store;
        QVERIFY(store.open(path));
        QVERIFY(waitLoaded(store));
        const int n = int(store.count());
        QVERIFY(n > 0);

        // What a user would check by eye: the bytes (case-folded) and the Info column.
        std::vector<bool> inBytes(static_cast<size_t>(n)), inInfo(static_cast<size_t>(n));
        pl::CaptureFileReader reader;
        QVERIFY(reader.open(path.toStdString()));
        pl::CapturedPacket p;
        for (int i = 0; i < n; ++i) {
            QVERIFY(reader.next(p));
            const QByteArray bytes(reinterpret_cast<const char *>(p.frame.data),
                                   qsizetype(p.frame.capLen));
            inBytes[size_t(i)] = bytes.toLower().contains(narrow.toLower());
            inInfo[size_t(i)] = store.row(i).info.contains(infoText, Qt::CaseInsensitive);
        }
        QVERIFY(std::count(inBytes.begin(), inBytes.end(), true) > 1);
        QVERIFY(std::count(inInfo.begin(), inInfo.end(), true) > 1);

        pl::PacketFinder finder(store);
        const FindQuery hexQuery = hex(QString::fromLatin1(needle.toHex(':')));
        const FindQuery bytesQuery =
            str(QString::fromLatin1(narrow.toUpper()), FindQuery::Scope::Bytes);
        const FindQuery infoQuery = str(infoText.toUpper(), FindQuery::Scope::Info);
        // Every row of the small file; a stride on the large one keeps the test short.
        const int stride = n > 100 ? 7 : 1;
        for (int from = -1; from < n; from += stride) {
            for (const bool forward : {true, false}) {
                const int exactBytes = expectedFind(n, from, forward, [&](int v) {
                    return reader.readPacket(uint64_t(v), p) &&
                           QByteArray::fromRawData(reinterpret_cast<const char *>(p.frame.data),
                                                   qsizetype(p.frame.capLen))
                               .contains(needle);
                });
                QCOMPARE(finder.find(hexQuery, n, identity, from, forward), exactBytes);
                QCOMPARE(finder.find(bytesQuery, n, identity, from, forward),
                         expectedFind(n, from, forward, [&](int v) { return inBytes[size_t(v)]; }));
                QCOMPARE(finder.find(infoQuery, n, identity, from, forward),
                         expectedFind(n, from, forward, [&](int v) { return inInfo[size_t(v)]; }));
            }
        }
    }

    void cancelFlagStopsTheSearch()
    {
        const QString path = m_dir.filePath(QStringLiteral("big.pcap"));
        QVERIFY(writeCapture(path, 5000));
        pl::PacketStore store;
        QVERIFY(store.open(path));
        QVERIFY(waitLoaded(store));
        pl::PacketFinder finder(store);
        std::atomic<bool> cancel{true};
        finder.setCancelFlag(&cancel);
        const FindQuery absent = str(QStringLiteral("absent"), FindQuery::Scope::Info);
        QCOMPARE(finder.find(absent, 5000, identity, -1, true), -1);
        QVERIFY(finder.cancelled());
        // A match before the first check is still found.
        QCOMPARE(finder.find(hex(QStringLiteral("deadbeef")), 5000, identity, -1, true), 5);
        QVERIFY(!finder.cancelled());
        cancel = false;
        QCOMPARE(finder.find(absent, 5000, identity, -1, true), -1);
        QVERIFY(!finder.cancelled());

        // The progress callback can stop it too; it hears how far the search got.
        finder.setCancelFlag(nullptr);
        int calls = 0;
        int lastDone = -1;
        finder.setProgressCallback([&](int done, int total) {
            ++calls;
            lastDone = done;
            return total != 5000; // false: stop at the first report
        });
        QCOMPARE(finder.find(absent, 5000, identity, -1, true), -1);
        QVERIFY(finder.cancelled());
        QCOMPARE(calls, 1);
        QVERIFY(lastDone > 0 && lastDone < 5000);
        // Going on: reported, and the search runs to its end.
        finder.setProgressCallback([&calls](int, int) { return ++calls > 0; });
        QCOMPARE(finder.find(str(QStringLiteral("Tell 10.0.0.10"), FindQuery::Scope::Info), 5000,
                             identity, 4990, true),
                 9);
        QVERIFY(finder.wrapped());
        QVERIFY(!finder.cancelled());
    }

    // The store opening another file (same finder): the bytes searched are the new file's.
    void followsTheStoreToAnotherFile()
    {
        const QString other = m_dir.filePath(QStringLiteral("other.pcap"));
        {
            pl::CaptureFileWriter w;
            QVERIFY(w.open(other.toStdString(), pl::CaptureFileWriter::Format::PcapUsec, "t"));
            QCOMPARE(w.addInterface({}), 0);
            std::vector<uint8_t> bytes = packet(0);
            std::memcpy(bytes.data() + 42, "needle", 6);
            pl::Frame f;
            f.data = bytes.data();
            f.capLen = f.wireLen = uint32_t(bytes.size());
            QVERIFY(w.write(f, 0) && w.write(f, 0) && w.close());
        }
        pl::PacketStore store;
        QVERIFY(store.open(m_small));
        QVERIFY(waitLoaded(store));
        pl::PacketFinder finder(store);
        const FindQuery needle = str(QStringLiteral("needle"), FindQuery::Scope::Bytes);
        QCOMPARE(finder.find(needle, int(store.count()), identity, -1, true), -1);
        QCOMPARE(
            finder.find(hex(QStringLiteral("deadbeef")), int(store.count()), identity, -1, true),
            5);
        QVERIFY(store.open(other));
        QVERIFY(waitLoaded(store));
        QCOMPARE(store.count(), 2);
        QCOMPARE(finder.find(needle, int(store.count()), identity, 0, true), 1);
        QCOMPARE(
            finder.find(hex(QStringLiteral("deadbeef")), int(store.count()), identity, -1, true),
            -1);
    }

    // The file removed after loading (the store keeps it open): bytes are still searched.
    void fileRemovedAfterLoading()
    {
        const QString path = m_dir.filePath(QStringLiteral("removed.pcap"));
        QVERIFY(writeCapture(path, kPackets));
        pl::PacketStore store;
        QVERIFY(store.open(path));
        QVERIFY(waitLoaded(store));
        QVERIFY(QFile::remove(path));
        pl::PacketFinder finder(store);
        QCOMPARE(finder.find(hex(QStringLiteral("deadbeef")), kPackets, identity, -1, true), 5);
        QCOMPARE(finder.find(str(QStringLiteral("hello"), FindQuery::Scope::Bytes), kPackets,
                             identity, 3, true),
                 7);
    }

    // Rows the view names that the store does not have are skipped, not crashed on.
    void rowsOutOfRange()
    {
        pl::PacketFinder finder(m_store);
        const auto mapping = [](int v) { return v == 0 ? qsizetype(1000) : qsizetype(5); };
        QCOMPARE(finder.find(hex(QStringLiteral("deadbeef")), 2, mapping, -1, true), 1);
    }
};

QTEST_GUILESS_MAIN(TestPacketFinder)
#include "tst_packetfinder.moc"
