// The TPACKET_V3 ring on real interfaces: two private namespaces joined by veth pairs,
//   A: plc0 10.99.1.1/24  <->  B: plc1 10.99.1.2/24
//   A: plc2 10.99.2.1/24  <->  B: plc3 10.99.2.2/24
// B sends with plain UDP/TCP sockets, the rings capture in A. Static neighbour entries keep
// ARP out of the way. Needs root; skips otherwise. Nothing leaves the two namespaces.

#include "capture/interfacelist.h"
#include "capture/netnsfixture.h"
#include "capture/packetring.h"
#include "capture/privileges.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <linux/capability.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/tcp.h>

using pl::Frame;
using pl::capture::PacketRing;
using pl::capture::RingConfig;

namespace {

const char *const kMacA1 = "02:00:0a:63:01:01";
const char *const kMacB1 = "02:00:0a:63:01:02";
const char *const kMacA2 = "02:00:0a:63:02:01";
const char *const kMacB2 = "02:00:0a:63:02:02";
const uint8_t kMacA1Bytes[6] = {0x02, 0x00, 0x0a, 0x63, 0x01, 0x01};
const uint8_t kMacB1Bytes[6] = {0x02, 0x00, 0x0a, 0x63, 0x01, 0x02};

std::vector<uint8_t> payloadFor(uint32_t seq, size_t size = 0)
{
    std::vector<uint8_t> p(size ? size : 16 + seq % 64);
    for (size_t i = 0; i < p.size(); ++i)
        p[i] = uint8_t(seq * 7 + i);
    p[0] = uint8_t(seq >> 24);
    p[1] = uint8_t(seq >> 16);
    p[2] = uint8_t(seq >> 8);
    p[3] = uint8_t(seq);
    return p;
}

uint16_t be16(const uint8_t *p)
{
    return uint16_t(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t *p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

/// An IPv4/UDP datagram inside an Ethernet frame (optionally 802.1Q tagged).
struct Udp
{
    bool ok = false;
    uint16_t vlan = 0xffff;
    uint32_t src = 0, dst = 0;
    uint16_t sport = 0, dport = 0;
    const uint8_t *payload = nullptr;
    size_t payloadLen = 0; ///< from the UDP length field
    size_t headerLen = 0;  ///< bytes before the payload
    uint32_t seq() const { return payloadLen >= 4 ? be32(payload) : 0xffffffff; }
};

Udp parseUdp(const Frame &f)
{
    Udp u;
    size_t off = 12;
    if (f.capLen < 14)
        return u;
    uint16_t type = be16(f.data + 12);
    if (type == 0x8100) {
        if (f.capLen < 18)
            return u;
        u.vlan = be16(f.data + 14) & 0x0fff;
        type = be16(f.data + 16);
        off += 4;
    }
    off += 2;
    if (type != 0x0800 || f.capLen < off + 20 || (f.data[off] >> 4) != 4)
        return u;
    const size_t ihl = size_t(f.data[off] & 0x0f) * 4;
    if (f.data[off + 9] != 17 || f.capLen < off + ihl + 8)
        return u;
    u.src = be32(f.data + off + 12);
    u.dst = be32(f.data + off + 16);
    const uint8_t *udp = f.data + off + ihl;
    u.sport = be16(udp);
    u.dport = be16(udp + 2);
    u.payloadLen = be16(udp + 4) >= 8 ? be16(udp + 4) - 8 : 0;
    u.payload = udp + 8;
    u.headerLen = off + ihl + 8;
    u.ok = true;
    return u;
}

constexpr uint32_t ip4(int a, int b, int c, int d)
{
    return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | uint32_t(d);
}

int64_t nanos(const Frame &f)
{
    return f.tsSec * 1000000000LL + f.tsNsec;
}

/// Reads until `done()` or the deadline; false on a ring error.
bool readUntil(PacketRing &ring, const std::function<void(const Frame &)> &fn,
               const std::function<bool()> &done, int deadlineMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < deadlineMs) {
        if (ring.read(50, fn) < 0)
            return false;
    }
    return true;
}

/// Reads for `ms` milliseconds, whatever comes.
bool readFor(PacketRing &ring, const std::function<void(const Frame &)> &fn, int ms)
{
    return readUntil(
        ring, fn, [] { return false; }, ms);
}

} // namespace

class TestPacketRing : public QObject
{
    Q_OBJECT

    std::unique_ptr<pltest::Netns> m_netns;
    QString m_a, m_b;
    int m_tx1 = -1, m_tx2 = -1;
    std::vector<int> m_sinks;

    std::unique_ptr<PacketRing> openRing(RingConfig config, uint32_t id, const QString &ns = {})
    {
        pltest::NetnsScope scope(ns.isEmpty() ? m_a : ns);
        if (!scope.ok())
            qFatal("cannot enter the test namespace");
        auto ring = std::make_unique<PacketRing>();
        ring->open(config, id);
        return ring;
    }

    static RingConfig config(const char *interface, const char *filter = "")
    {
        RingConfig c;
        c.interface = interface;
        c.filter = filter;
        return c;
    }

    bool setUpNetwork(QString &why)
    {
        const QString a = m_a, b = m_b;
        const QStringList steps = {
            QStringLiteral("%1|link add plc0 address %3 type veth peer name plc1 address %4 "
                           "netns %2")
                .arg(a, b, QLatin1String(kMacA1), QLatin1String(kMacB1)),
            QStringLiteral("%1|link add plc2 address %3 type veth peer name plc3 address %4 "
                           "netns %2")
                .arg(a, b, QLatin1String(kMacA2), QLatin1String(kMacB2)),
            a + QStringLiteral("|addr add 10.99.1.1/24 dev plc0"),
            a + QStringLiteral("|addr add 10.99.2.1/24 dev plc2"),
            b + QStringLiteral("|addr add 10.99.1.2/24 dev plc1"),
            b + QStringLiteral("|addr add 10.99.2.2/24 dev plc3"),
            a + QStringLiteral("|link set plc0 up"),
            a + QStringLiteral("|link set plc2 up"),
            b + QStringLiteral("|link set plc1 up"),
            b + QStringLiteral("|link set plc3 up"),
            a + QStringLiteral("|neigh replace 10.99.1.2 lladdr %1 dev plc0 nud permanent")
                    .arg(QLatin1String(kMacB1)),
            a + QStringLiteral("|neigh replace 10.99.2.2 lladdr %1 dev plc2 nud permanent")
                    .arg(QLatin1String(kMacB2)),
            b + QStringLiteral("|neigh replace 10.99.1.1 lladdr %1 dev plc1 nud permanent")
                    .arg(QLatin1String(kMacA1)),
            b + QStringLiteral("|neigh replace 10.99.2.1 lladdr %1 dev plc3 nud permanent")
                    .arg(QLatin1String(kMacA2)),
        };
        for (const QString &step : steps) {
            const QStringList parts = step.split(QLatin1Char('|'));
            if (!pltest::ipIn(parts[0], parts[1], &why))
                return false;
        }
        m_tx1 = pltest::udpSocket(b, "10.99.1.2", 40000);
        m_tx2 = pltest::udpSocket(b, "10.99.2.2", 40000);
        // Listeners in A so that no ICMP port unreachable answers the datagrams.
        for (const auto &[addr, port] :
             {std::pair{"10.99.1.1", 5555}, {"10.99.1.1", 6666}, {"10.99.2.1", 5555}})
            m_sinks.push_back(pltest::udpSocket(a, addr, uint16_t(port)));
        if (m_tx1 < 0 || m_tx2 < 0 || std::count(m_sinks.begin(), m_sinks.end(), -1)) {
            why = QStringLiteral("could not create the UDP sockets in the namespaces");
            return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("live capture tests need root (network namespaces and CAP_NET_RAW)");
        m_netns = std::make_unique<pltest::Netns>(QStringLiteral("ring"));
        QString why;
        m_a = m_netns->add(&why);
        if (!m_a.isEmpty())
            m_b = m_netns->add(&why);
        if (m_a.isEmpty() || m_b.isEmpty())
            QSKIP(qPrintable(why));
        QVERIFY2(setUpNetwork(why), qPrintable(why));
    }

    void cleanupTestCase()
    {
        for (int fd : m_sinks)
            if (fd >= 0)
                ::close(fd);
        for (int fd : {m_tx1, m_tx2})
            if (fd >= 0)
                ::close(fd);
        m_netns.reset(); // deletes both namespaces and with them the veths
    }

    void tenThousandDatagramsInOrder()
    {
        auto ring = openRing(config("plc0"), 3);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        QCOMPARE(ring->linkType(), 1u);
        QCOMPARE(ring->interfaceId(), 3u);
        QCOMPARE(ring->name(), std::string("plc0"));

        constexpr uint32_t kCount = 10000;
        std::vector<uint32_t> seqs;
        seqs.reserve(kCount);
        int wrongBytes = 0, wrongFrame = 0, backwards = 0;
        int64_t last = 0;
        auto onFrame = [&](const Frame &f) {
            if (nanos(f) < last)
                ++backwards;
            last = nanos(f);
            if (f.linkType != 1 || f.interfaceId != 3 || f.number != 0 || f.capLen != f.wireLen)
                ++wrongFrame;
            const Udp u = parseUdp(f);
            if (!u.ok || u.dport != 5555)
                return;
            const uint32_t seq = u.seq();
            seqs.push_back(seq);
            const auto expected = payloadFor(seq);
            if (u.src != ip4(10, 99, 1, 2) || u.dst != ip4(10, 99, 1, 1) || u.sport != 40000 ||
                u.payloadLen != expected.size() || f.capLen != u.headerLen + expected.size() ||
                std::memcmp(f.data, kMacA1Bytes, 6) != 0 ||
                std::memcmp(f.data + 6, kMacB1Bytes, 6) != 0 ||
                std::memcmp(u.payload, expected.data(), expected.size()) != 0)
                ++wrongBytes;
        };
        for (uint32_t seq = 0; seq < kCount; ++seq) {
            const auto p = payloadFor(seq);
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
            if (seq % 500 == 499)
                QVERIFY(ring->read(0, onFrame) >= 0);
        }
        QVERIFY(readUntil(*ring, onFrame, [&] { return seqs.size() >= kCount; }));
        QCOMPARE(seqs.size(), size_t(kCount));
        for (uint32_t i = 0; i < kCount; ++i) {
            if (seqs[i] != i)
                QFAIL(qPrintable(QStringLiteral("datagram %1 arrived as #%2").arg(seqs[i]).arg(i)));
        }
        QCOMPARE(wrongBytes, 0);
        QCOMPARE(wrongFrame, 0);
        QCOMPARE(backwards, 0);
        const auto stats = ring->stats();
        QVERIFY(stats.received >= kCount);
        QCOMPARE(stats.dropped, uint64_t(0));

        // The interface list counts them too.
        pltest::NetnsScope scope(m_a);
        for (const auto &i : pl::capture::listInterfaces()) {
            if (i.name == "plc0")
                QVERIFY(i.rxPackets >= kCount);
        }
    }

    void filterLetsOnlyMatchesThrough()
    {
        auto ring = openRing(config("plc0", "udp port 5555"), 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        QVERIFY(ring->filterLength() > 1);
        constexpr uint32_t kCount = 1000;
        std::vector<uint32_t> seqs;
        int others = 0;
        auto onFrame = [&](const Frame &f) {
            const Udp u = parseUdp(f);
            if (u.ok && u.dport == 5555)
                seqs.push_back(u.seq());
            else
                ++others;
        };
        for (uint32_t seq = 0; seq < kCount; ++seq) {
            const auto p = payloadFor(seq);
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 6666, p.data(), p.size()));
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 6666, p.data(), p.size()));
        }
        QVERIFY(readUntil(*ring, onFrame, [&] { return seqs.size() >= kCount; }));
        QVERIFY(readFor(*ring, onFrame, 150)); // anything late would show now
        QCOMPARE(others, 0);
        QCOMPARE(seqs.size(), size_t(kCount));
        for (uint32_t i = 0; i < kCount; ++i)
            QCOMPARE(seqs[i], i);
        QCOMPARE(ring->stats().received, uint64_t(kCount));
    }

    void deferredFilterAppliedLater()
    {
        // The helper's order: open while privileged with the filter deferred (nothing flows),
        // drop privileges, then compile and attach the filter.
        auto cfg = config("plc0", "udp port 5555");
        cfg.deferFilter = true;
        auto ring = openRing(cfg, 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        int before = 0;
        const auto p = payloadFor(7);
        for (int i = 0; i < 10; ++i)
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
        QVERIFY(readFor(
            *ring, [&](const Frame &) { ++before; }, 150));
        QCOMPARE(before, 0); // the drop-all filter holds until applyFilter()

        QVERIFY2(ring->applyFilter(), ring->errorText().c_str());
        QVERIFY(ring->filterLength() > 1);
        std::vector<uint32_t> seqs;
        int others = 0;
        auto onFrame = [&](const Frame &f) {
            const Udp u = parseUdp(f);
            if (u.ok && u.dport == 5555)
                seqs.push_back(u.seq());
            else
                ++others;
        };
        for (uint32_t seq = 0; seq < 20; ++seq) {
            const auto q = payloadFor(seq);
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 6666, q.data(), q.size()));
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, q.data(), q.size()));
        }
        QVERIFY(readUntil(*ring, onFrame, [&] { return seqs.size() >= 20; }));
        QCOMPARE(others, 0);
        for (uint32_t i = 0; i < 20; ++i)
            QCOMPARE(seqs[i], i); // nothing from before the filter, nothing twice

        auto badCfg = config("plc0", "udp port");
        badCfg.deferFilter = true;
        auto bad = openRing(badCfg, 0);
        QVERIFY2(bad->isOpen(), bad->errorText().c_str()); // opening does not parse it
        QVERIFY(!bad->applyFilter());
        QVERIFY(bad->errorCode() == pl::capture::PacketRing::ErrorCode::BadFilter);
        QVERIFY2(bad->errorText().find("syntax error") != std::string::npos,
                 bad->errorText().c_str());
    }

    void nothingFromBeforeTheFilter()
    {
        // Traffic the filter rejects is already flowing while rings open: none of it may show.
        std::atomic<bool> stop = false;
        std::atomic<uint64_t> sent = 0;
        std::thread blaster([&] {
            const auto p = payloadFor(1);
            while (!stop) {
                pltest::sendUdp(m_tx1, "10.99.1.1", 6666, p.data(), p.size());
                ++sent;
                std::this_thread::sleep_for(std::chrono::microseconds(20));
            }
        });
        int leaked = 0;
        for (int round = 0; round < 20 && !leaked; ++round) {
            auto ring = openRing(config("plc0", "udp port 5555"), 0);
            if (!ring->isOpen())
                break;
            readFor(
                *ring, [&](const Frame &) { ++leaked; }, 30);
        }
        // Control: the same traffic is visible without the filter.
        int seen = 0;
        {
            auto ring = openRing(config("plc0", "udp port 6666"), 0);
            readUntil(
                *ring, [&](const Frame &) { ++seen; }, [&] { return seen > 10; }, 2000);
        }
        stop = true;
        blaster.join();
        QVERIFY(sent > 100);
        QVERIFY(seen > 10);
        QCOMPARE(leaked, 0);
    }

    void twoInterfacesKeepTheirIds()
    {
        auto ring0 = openRing(config("plc0", "udp port 5555"), 0);
        auto ring1 = openRing(config("plc2", "udp port 5555"), 1);
        QVERIFY(ring0->isOpen() && ring1->isOpen());
        constexpr uint32_t kCount = 300;
        std::vector<uint32_t> seqs0, seqs1;
        int wrong = 0;
        auto on0 = [&](const Frame &f) {
            const Udp u = parseUdp(f);
            if (f.interfaceId != 0 || !u.ok || u.dst != ip4(10, 99, 1, 1))
                ++wrong;
            seqs0.push_back(u.seq());
        };
        auto on1 = [&](const Frame &f) {
            const Udp u = parseUdp(f);
            if (f.interfaceId != 1 || !u.ok || u.dst != ip4(10, 99, 2, 1))
                ++wrong;
            seqs1.push_back(u.seq());
        };
        for (uint32_t seq = 0; seq < kCount; ++seq) {
            const auto p = payloadFor(seq);
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
            QVERIFY(pltest::sendUdp(m_tx2, "10.99.2.1", 5555, p.data(), p.size()));
        }
        QElapsedTimer timer;
        timer.start();
        while ((seqs0.size() < kCount || seqs1.size() < kCount) && timer.elapsed() < 5000) {
            QVERIFY(ring0->read(20, on0) >= 0);
            QVERIFY(ring1->read(20, on1) >= 0);
        }
        QCOMPARE(wrong, 0);
        QCOMPARE(seqs0.size(), size_t(kCount));
        QCOMPARE(seqs1.size(), size_t(kCount));
        for (uint32_t i = 0; i < kCount; ++i) {
            QCOMPARE(seqs0[i], i);
            QCOMPARE(seqs1[i], i);
        }
    }

    void snaplenTruncates()
    {
        RingConfig c = config("plc0", "udp port 5555");
        c.snaplen = 64;
        auto ring = openRing(c, 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        const auto p = payloadFor(77, 500);
        QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
        std::vector<uint8_t> bytes;
        uint32_t capLen = 0, wireLen = 0;
        auto onFrame = [&](const Frame &f) {
            capLen = f.capLen;
            wireLen = f.wireLen;
            bytes.assign(f.data, f.data + f.capLen);
        };
        QVERIFY(readUntil(*ring, onFrame, [&] { return capLen != 0; }));
        QCOMPARE(capLen, 64u);
        QCOMPARE(wireLen, 14u + 20 + 8 + 500);
        QVERIFY(std::memcmp(bytes.data(), kMacA1Bytes, 6) == 0);
        QVERIFY(std::memcmp(bytes.data() + 42, p.data(), 64 - 42) == 0);
    }

    void statsCountDrops()
    {
        RingConfig c = config("plc0", "udp port 5555");
        c.snaplen = 128;
        c.bufferBytes = 64 * 1024;
        auto ring = openRing(c, 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        QVERIFY(ring->ringBytes() <= 128 * 1024);
        constexpr uint32_t kCount = 3000;
        for (uint32_t seq = 0; seq < kCount; ++seq) {
            const auto p = payloadFor(seq, 100);
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
        }
        uint64_t delivered = 0;
        std::vector<uint32_t> seqs;
        auto onFrame = [&](const Frame &f) {
            ++delivered;
            seqs.push_back(parseUdp(f).seq());
        };
        QVERIFY(readFor(*ring, onFrame, 300));
        const auto stats = ring->stats();
        QVERIFY(stats.dropped > 0);
        QVERIFY(delivered > 0);
        QCOMPARE(stats.received, delivered + stats.dropped);
        QVERIFY(stats.received <= kCount);
        QVERIFY(std::is_sorted(seqs.begin(), seqs.end()));
        // Cumulative, not reset by reading.
        const auto again = ring->stats();
        QCOMPARE(again.received, stats.received);
        QCOMPARE(again.dropped, stats.dropped);
        for (uint32_t seq = 0; seq < 10; ++seq) {
            const auto p = payloadFor(seq, 100);
            QVERIFY(pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size()));
        }
        QVERIFY(readFor(*ring, onFrame, 200));
        const auto after = ring->stats();
        QCOMPARE(after.received, stats.received + 10);
        QCOMPARE(after.dropped, stats.dropped);
    }

    void openErrors()
    {
        auto bad = openRing(config("plc0", "udp port"), 0);
        QVERIFY(!bad->isOpen());
        QCOMPARE(bad->errorCode(), PacketRing::ErrorCode::BadFilter);
        QVERIFY2(bad->errorText().find("syntax error") != std::string::npos,
                 bad->errorText().c_str());

        auto missing = openRing(config("plnope0"), 0);
        QCOMPARE(missing->errorCode(), PacketRing::ErrorCode::NoSuchInterface);
        QVERIFY(missing->errorText().find("plnope0") != std::string::npos);
        // Interface names are per namespace: B's plc1 is not in A.
        auto elsewhere = openRing(config("plc1"), 0);
        QCOMPARE(elsewhere->errorCode(), PacketRing::ErrorCode::NoSuchInterface);
        auto empty = openRing(config(""), 0);
        QCOMPARE(empty->errorCode(), PacketRing::ErrorCode::NoSuchInterface);
        auto tooLong = openRing(config("a-name-longer-than-ifnamsiz"), 0);
        QCOMPARE(tooLong->errorCode(), PacketRing::ErrorCode::NoSuchInterface);

        // A down interface is refused like tcpdump does.
        QVERIFY(pltest::ipIn(m_a, QStringLiteral("link add plcd0 type veth peer name plcd1")));
        auto down = openRing(config("plcd0"), 0);
        QCOMPARE(down->errorCode(), PacketRing::ErrorCode::InterfaceDown);
        QVERIFY(pltest::ipIn(m_a, QStringLiteral("link del plcd0")));

        // A ring that failed can be opened again.
        QVERIFY(bad->open(config("plcx"), 0) == false);
        pltest::NetnsScope scope(m_a);
        QVERIFY(bad->open(config("plc0"), 0));
        QCOMPARE(bad->errorCode(), PacketRing::ErrorCode::None);
    }

    void promiscuousMembership()
    {
        auto promiscuity = [&] {
            QString out;
            pltest::ip({QStringLiteral("-n"), m_a, QStringLiteral("-d"), QStringLiteral("link"),
                        QStringLiteral("show"), QStringLiteral("plc0")},
                       &out);
            const int at = out.indexOf(QStringLiteral("promiscuity "));
            return at < 0 ? -1 : out.mid(at + 12).section(QLatin1Char(' '), 0, 0).toInt();
        };
        QCOMPARE(promiscuity(), 0);
        {
            auto ring = openRing(config("plc0"), 0);
            QVERIFY2(ring->isOpen(), ring->errorText().c_str());
            QCOMPARE(promiscuity(), 1);
        }
        QCOMPARE(promiscuity(), 0); // closing the socket leaves promiscuous mode
        RingConfig c = config("plc0");
        c.promiscuous = false;
        auto ring = openRing(c, 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        QCOMPARE(promiscuity(), 0);
    }

    void vlanTagPutBack()
    {
        // A tagged frame sent raw from B: plc0's receive path moves the tag into metadata
        // before the packet socket sees it (as VLAN-offloading NICs do); read() must put it
        // back so the frame reads exactly as it was on the wire.
        int raw = -1, ifindex = 0;
        {
            pltest::NetnsScope scope(m_b);
            raw = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            ifindex = int(::if_nametoindex("plc1"));
        }
        QVERIFY(raw >= 0 && ifindex > 0);
        auto ring = openRing(config("plc0"), 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        std::vector<std::vector<uint8_t>> sent;
        for (uint32_t seq = 0; seq < 20; ++seq) {
            const auto payload = payloadFor(seq);
            const uint16_t udpLen = uint16_t(8 + payload.size());
            const uint16_t ipLen = uint16_t(20 + udpLen);
            std::vector<uint8_t> f(kMacA1Bytes, kMacA1Bytes + 6);
            f.insert(f.end(), kMacB1Bytes, kMacB1Bytes + 6);
            const uint8_t rest[] = {0x81,
                                    0x00,
                                    0x20,
                                    0x07, // 802.1Q, PCP 1, VID 7
                                    0x08,
                                    0x00,
                                    0x45,
                                    0x00,
                                    uint8_t(ipLen >> 8),
                                    uint8_t(ipLen),
                                    0,
                                    1,
                                    0x40,
                                    0,
                                    64,
                                    17,
                                    0,
                                    0,
                                    10,
                                    99,
                                    7,
                                    2,
                                    10,
                                    99,
                                    7,
                                    1,
                                    0x9c,
                                    0x40,
                                    0x15,
                                    0xb3,
                                    uint8_t(udpLen >> 8),
                                    uint8_t(udpLen),
                                    0,
                                    0};
            f.insert(f.end(), std::begin(rest), std::end(rest));
            f.insert(f.end(), payload.begin(), payload.end());
            sockaddr_ll to{};
            to.sll_family = AF_PACKET;
            to.sll_ifindex = ifindex;
            to.sll_halen = 6;
            std::memcpy(to.sll_addr, kMacA1Bytes, 6);
            QCOMPARE(
                ::sendto(raw, f.data(), f.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to),
                ssize_t(f.size()));
            sent.push_back(std::move(f));
        }
        ::close(raw);
        std::vector<std::vector<uint8_t>> captured;
        int wrongLength = 0;
        auto onFrame = [&](const Frame &f) {
            const Udp u = parseUdp(f);
            if (!u.ok || u.dport != 5555 || u.vlan == 0xffff)
                return;
            if (f.wireLen != f.capLen)
                ++wrongLength;
            captured.emplace_back(f.data, f.data + f.capLen);
        };
        QVERIFY(readUntil(*ring, onFrame, [&] { return captured.size() >= sent.size(); }));
        QCOMPARE(wrongLength, 0);
        QCOMPARE(captured.size(), sent.size());
        for (size_t i = 0; i < sent.size(); ++i)
            QCOMPARE(captured[i], sent[i]);
    }

    void tcpBothDirections()
    {
        auto ring = openRing(config("plc0", "tcp port 7000"), 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        int listener = -1, client = -1;
        {
            pltest::NetnsScope scope(m_a);
            listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_port = htons(7000);
            ::inet_pton(AF_INET, "10.99.1.1", &sin.sin_addr);
            QCOMPARE(::bind(listener, reinterpret_cast<sockaddr *>(&sin), sizeof sin), 0);
            QCOMPARE(::listen(listener, 1), 0);
        }
        {
            pltest::NetnsScope scope(m_b);
            client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        }
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(7000);
        ::inet_pton(AF_INET, "10.99.1.1", &to.sin_addr);
        QCOMPARE(::connect(client, reinterpret_cast<sockaddr *>(&to), sizeof to), 0);
        QCOMPARE(::send(client, "hello", 5, 0), ssize_t(5));
        ::close(client);
        const int accepted = ::accept(listener, nullptr, nullptr);
        if (accepted >= 0)
            ::close(accepted);
        ::close(listener);
        int syn = 0, synAck = 0, fromA = 0, fromB = 0;
        auto onFrame = [&](const Frame &f) {
            if (f.capLen < 14 + 20 + 20)
                return;
            const uint8_t flags = f.data[14 + 20 + 13];
            if ((flags & 0x12) == 0x02)
                ++syn;
            if ((flags & 0x12) == 0x12)
                ++synAck;
            (std::memcmp(f.data + 6, kMacA1Bytes, 6) == 0 ? fromA : fromB)++;
        };
        QVERIFY(readUntil(
            *ring, onFrame, [&] { return fromA >= 3 && fromB >= 4; }, 2000));
        QCOMPARE(syn, 1);
        QCOMPARE(synAck, 1);
        QVERIFY(fromA >= 3); // SYN-ACK, ACKs, FIN: A's outgoing packets are captured too
        QVERIFY(fromB >= 4); // SYN, ACK, data, FIN
    }

    void readsAfterPrivilegeDrop()
    {
        auto ring = openRing(config("plc0", "udp port 5555"), 0);
        QVERIFY2(ring->isOpen(), ring->errorText().c_str());
        PacketRing *r = ring.get();
        const std::string result = pltest::runInChild(
            [r](int readyFd) -> std::string {
                ::setenv("PKEXEC_UID", "65534", 1);
                std::string error, summary;
                if (!pl::capture::dropAllPrivileges(error, &summary))
                    return "drop failed: " + error;
                const auto caps = pl::capture::currentCapabilities();
                if (caps.effective || caps.permitted || caps.inheritable)
                    return "capabilities left";
                // Opening another socket must now fail for want of the capability.
                PacketRing another;
                // (The child is in the test's own namespace, where lo exists.)
                if (another.open(config("lo"), 9) ||
                    another.errorCode() != PacketRing::ErrorCode::NoPermission)
                    return "could still open a packet socket: " + another.errorText();
                pltest::signalReady(readyFd);
                uint32_t next = 0;
                bool inOrder = true;
                QElapsedTimer timer;
                timer.start();
                while (next < 100 && timer.elapsed() < 5000) {
                    if (r->read(50, [&](const Frame &f) {
                            inOrder = inOrder && parseUdp(f).seq() == next;
                            ++next;
                        }) < 0)
                        return "read failed: " + r->errorText();
                }
                return "uid=" + std::to_string(::getuid()) + " count=" + std::to_string(next) +
                       " order=" + (inOrder ? "1" : "0") + " summary=" + summary;
            },
            [this] {
                for (uint32_t seq = 0; seq < 100; ++seq) {
                    const auto p = payloadFor(seq);
                    pltest::sendUdp(m_tx1, "10.99.1.1", 5555, p.data(), p.size());
                }
            });
        const int held = __builtin_popcountll(pl::capture::currentCapabilities().permitted);
        QCOMPARE(QString::fromStdString(result),
                 QStringLiteral("uid=65534 count=100 order=1 summary=dropped all %1 "
                                "capabilities; CapEff=0 CapPrm=0; uid 65534")
                     .arg(held));
    }
};

QTEST_GUILESS_MAIN(TestPacketRing)
#include "tst_packetring.moc"
