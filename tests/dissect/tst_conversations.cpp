#include "dissect/protocols/tcpconversations.h"

#include <QRandomGenerator>
#include <QTest>

// The conversation key (both directions give one key, ordered as memcmp orders addresses)
// and the table behind tcp.stream / udp.stream: stream indexes, data kept per conversation,
// restarts, and the bound.
namespace {

using pl::proto::ConversationKey;
using pl::proto::ConversationKeyHash;

struct Flows
{
    uint32_t value = 0;
};

ConversationKey keyOf(uint32_t host, uint16_t port, bool v6)
{
    pl::NetworkLayer net;
    net.version = v6 ? 6 : 4;
    net.src[0] = 10;
    std::memcpy(net.src + 4, &host, 4);
    net.dst[0] = 192;
    net.dst[15] = uint8_t(host);
    bool reversed = false;
    return ConversationKey::make(net, port, 443, reversed);
}

} // namespace

class TestConversations : public QObject
{
    Q_OBJECT
private slots:
    void keysAreDirectionless()
    {
        pl::NetworkLayer net;
        net.version = 4;
        net.src[3] = 1;
        net.dst[3] = 2;
        bool reversedA = true, reversedB = false;
        const ConversationKey a = ConversationKey::make(net, 1000, 80, reversedA);
        std::swap(net.src, net.dst);
        const ConversationKey b = ConversationKey::make(net, 80, 1000, reversedB);
        QVERIFY(a == b);
        QCOMPARE(ConversationKeyHash{}(a), ConversationKeyHash{}(b));
        QVERIFY(!reversedA);
        QVERIFY(reversedB);
        // Ordered as memcmp orders the bytes (the first differing byte decides).
        net.src[0] = 0x01;
        net.dst[0] = 0x01;
        net.src[15] = 0xff;
        net.dst[14] = 0x01;
        bool reversed = false;
        ConversationKey::make(net, 1, 1, reversed);
        QVERIFY(reversed == (std::memcmp(net.src, net.dst, 16) > 0));
    }

    void addressOrderIsMemcmps()
    {
        QRandomGenerator rng(99);
        for (int i = 0; i < 100000; ++i) {
            uint8_t a[16], b[16];
            for (int k = 0; k < 16; ++k)
                a[k] = uint8_t(rng.bounded(256));
            std::memcpy(b, a, 16);
            const int differ = int(rng.bounded(17)); // 16: equal
            if (differ < 16)
                b[differ] = uint8_t(rng.bounded(256));
            const int expected = std::memcmp(a, b, 16);
            const int ours = pl::proto::compare16(a, b);
            QCOMPARE(ours < 0, expected < 0);
            QCOMPARE(ours > 0, expected > 0);
            QCOMPARE(pl::proto::equal16(a, b), expected == 0);
        }
    }

    void tableIndexesAndBound()
    {
        using Table = pl::proto::ConversationTable<Flows>;
        Table table;
        bool created = false;
        Table::Entry &first = table.findOrCreate(keyOf(1, 1, false), created);
        QVERIFY(created);
        QCOMPARE(first.index, 0u);
        first.data.value = 42;
        QCOMPARE(table.findOrCreate(keyOf(2, 1, true), created).index, 1u);
        QVERIFY(created);
        Table::Entry &again = table.findOrCreate(keyOf(1, 1, false), created);
        QVERIFY(!created);
        QCOMPARE(again.index, 0u);
        QCOMPARE(again.data.value, 42u);
        // A new connection on the same addresses and ports: a new stream, fresh data.
        Table::Entry &restarted = table.restart(keyOf(1, 1, false));
        QCOMPARE(restarted.index, 2u);
        QCOMPARE(restarted.data.value, 0u);
        QCOMPARE(table.size(), size_t(2));
        // Past the bound the oldest are forgotten; one that comes back gets a new index.
        for (uint32_t host = 10; host < 10 + Table::kMaxConversations; ++host)
            table.findOrCreate(keyOf(host, 2, false), created);
        QCOMPARE(table.size(), Table::kMaxConversations);
        Table::Entry &back = table.findOrCreate(keyOf(2, 1, true), created);
        QVERIFY(created);
        QCOMPARE(back.index, uint32_t(3 + Table::kMaxConversations));
        QVERIFY(table.size() <= Table::kMaxConversations);
    }
};

QTEST_APPLESS_MAIN(TestConversations)
#include "tst_conversations.moc"
