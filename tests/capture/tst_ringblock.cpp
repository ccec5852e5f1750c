// walkBlock on crafted TPACKET_V3 blocks: good ones decode, lying ones never reach outside
// the block (the buffers are exactly one block long, so ASan sees any overrun).

#include "capture/packetring.h"

#include <QTest>

#include <cstring>
#include <vector>

#include <linux/if_packet.h>

using pl::Frame;
using pl::capture::BlockLayout;
using pl::capture::walkBlock;

namespace {

constexpr size_t kBlock = 4096;
constexpr uint32_t kFirst = 48; // offset_to_first_pkt: after the block descriptor
constexpr uint16_t kMac = 82;   // where the kernel puts an Ethernet frame's first byte

struct Block
{
    std::vector<uint8_t> bytes = std::vector<uint8_t>(kBlock);
    void header(uint32_t numPkts, uint32_t first = kFirst)
    {
        tpacket_block_desc d{};
        d.version = TPACKET_V3;
        d.hdr.bh1.block_status = TP_STATUS_USER;
        d.hdr.bh1.num_pkts = numPkts;
        d.hdr.bh1.offset_to_first_pkt = first;
        d.hdr.bh1.blk_len = kBlock;
        std::memcpy(bytes.data(), &d, sizeof d);
    }
    /// A packet header at `off` whose frame is `len` bytes of `fill`.
    void packet(size_t off, uint32_t next, uint32_t snaplen, uint32_t len, uint16_t mac,
                uint8_t fill, uint32_t sec = 1, uint32_t status = TP_STATUS_USER)
    {
        tpacket3_hdr h{};
        h.tp_next_offset = next;
        h.tp_sec = sec;
        h.tp_nsec = 5;
        h.tp_snaplen = snaplen;
        h.tp_len = len;
        h.tp_status = status;
        h.tp_mac = mac;
        std::memcpy(bytes.data() + off, &h, sizeof h);
        const size_t n = std::min<size_t>(snaplen, kBlock > off + mac ? kBlock - off - mac : 0);
        std::memset(bytes.data() + off + mac, fill, n);
    }
};

struct Seen
{
    std::vector<std::vector<uint8_t>> frames;
    std::vector<uint32_t> wireLens;
    std::function<void(const Frame &)> fn()
    {
        return [this](const Frame &f) {
            frames.emplace_back(f.data, f.data + f.capLen);
            wireLens.push_back(f.wireLen);
        };
    }
};

BlockLayout layout(uint32_t snaplen = 262144)
{
    BlockLayout l;
    l.blockSize = kBlock;
    l.snaplen = snaplen;
    l.interfaceId = 4;
    return l;
}

} // namespace

class TestRingBlock : public QObject
{
    Q_OBJECT
private slots:
    void wellFormedBlock()
    {
        Block b;
        b.header(3);
        b.packet(kFirst, 208, 100, 100, kMac, 0xaa);
        b.packet(kFirst + 208, 208, 60, 1500, kMac, 0xbb);
        b.packet(kFirst + 416, 0, 42, 42, kMac, 0xcc, 2);
        Seen seen;
        uint32_t ids = 0;
        int64_t lastSec = 0;
        QCOMPARE(walkBlock(b.bytes.data(), layout(),
                           [&](const Frame &f) {
                               seen.fn()(f);
                               ids |= f.interfaceId;
                               lastSec = f.tsSec;
                               QCOMPARE(f.tsNsec, 5u);
                               QCOMPARE(f.linkType, 1u);
                           }),
                 3);
        QCOMPARE(seen.frames.size(), size_t(3));
        QCOMPARE(seen.frames[0], std::vector<uint8_t>(100, 0xaa));
        QCOMPARE(seen.frames[1], std::vector<uint8_t>(60, 0xbb));
        QCOMPARE(seen.wireLens[1], 1500u);
        QCOMPARE(seen.frames[2], std::vector<uint8_t>(42, 0xcc));
        QCOMPARE(ids, 4u);
        QCOMPARE(lastSec, int64_t(2));
    }

    void snaplenClamps()
    {
        Block b;
        b.header(1);
        b.packet(kFirst, 0, 200, 200, kMac, 0x11);
        Seen seen;
        QCOMPARE(walkBlock(b.bytes.data(), layout(64), seen.fn()), 1);
        QCOMPARE(seen.frames[0].size(), size_t(64));
        QCOMPARE(seen.wireLens[0], 200u);
    }

    void vlanTagPutBack()
    {
        Block b;
        b.header(1);
        b.packet(kFirst, 0, 60, 60, kMac, 0x22, 1, TP_STATUS_USER | TP_STATUS_VLAN_VALID);
        tpacket3_hdr h;
        std::memcpy(&h, b.bytes.data() + kFirst, sizeof h);
        h.hv1.tp_vlan_tci = 0x2007;
        std::memcpy(b.bytes.data() + kFirst, &h, sizeof h);
        Seen seen;
        QCOMPARE(walkBlock(b.bytes.data(), layout(), seen.fn()), 1);
        const auto &f = seen.frames[0];
        QCOMPARE(f.size(), size_t(64));
        QCOMPARE(seen.wireLens[0], 64u);
        QCOMPARE(f[11], uint8_t(0x22));
        QCOMPARE(f[12], uint8_t(0x81));
        QCOMPARE(f[13], uint8_t(0x00));
        QCOMPARE(f[14], uint8_t(0x20));
        QCOMPARE(f[15], uint8_t(0x07));
        QCOMPARE(f[16], uint8_t(0x22));
    }

    void lyingBlocksStayInside_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("expected");
        QTest::newRow("snaplen past the block") << 0 << 1;
        QTest::newRow("tp_mac past the block") << 1 << 0;
        QTest::newRow("tp_mac inside the header") << 2 << 0;
        QTest::newRow("next offset past the block") << 3 << 1;
        QTest::newRow("first packet past the block") << 4 << 0;
        QTest::newRow("first packet inside the descriptor") << 5 << 0;
        QTest::newRow("header straddles the end") << 6 << 0;
        QTest::newRow("huge num_pkts, chain ends") << 7 << 2;
        QTest::newRow("frame ends exactly at the block end") << 8 << 1;
        QTest::newRow("block smaller than a descriptor") << 9 << 0;
    }
    void lyingBlocksStayInside()
    {
        QFETCH(int, kind);
        QFETCH(int, expected);
        Block b;
        BlockLayout l = layout();
        switch (kind) {
        case 0:
            b.header(1);
            b.packet(kFirst, 0, 0xffffffff, 0xffffffff, kMac, 1);
            break;
        case 1:
            b.header(1);
            b.packet(kFirst, 0, 10, 10, 0xffff, 1);
            break;
        case 2:
            b.header(1);
            b.packet(kFirst, 0, 10, 10, 4, 1);
            break;
        case 3:
            b.header(5);
            b.packet(kFirst, 0x7fffffff, 10, 10, kMac, 1);
            break;
        case 4:
            b.header(1, 0xfffffff0);
            break;
        case 5:
            b.header(1, 8);
            break;
        case 6:
            b.header(1, kBlock - 20);
            break;
        case 7:
            b.header(0xffffffff);
            b.packet(kFirst, 200, 10, 10, kMac, 1);
            b.packet(kFirst + 200, 0, 10, 10, kMac, 2);
            break;
        case 8: {
            b.header(1);
            const uint32_t mac = uint32_t(kBlock - kFirst - 100);
            b.packet(kFirst, 0, 100, 100, uint16_t(mac), 3);
            break;
        }
        case 9:
            b.header(1);
            b.packet(kFirst, 0, 10, 10, kMac, 1);
            l.blockSize = 16;
            break;
        }
        // The walk must stay within this copy: exactly blockSize bytes.
        std::vector<uint8_t> exact(b.bytes.begin(), b.bytes.begin() + l.blockSize);
        Seen seen;
        QCOMPARE(walkBlock(exact.data(), l, seen.fn()), expected);
        for (const auto &f : seen.frames)
            QVERIFY(f.size() <= kBlock);
    }
};

QTEST_GUILESS_MAIN(TestRingBlock)
#include "tst_ringblock.moc"
