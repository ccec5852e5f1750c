// Sorting the packet list in a worker: each column's order must agree with the text the user
// sees in that column (PacketStore::row(), checked pair by pair along the sorted list), ties
// must keep capture order, addresses must sort as numbers, and a new request must replace a
// running one without its result ever showing up.

#include "analysis/packetsorter.h"
#include "analysis/packetstore.h"
#include "capfile/capturefilewriter.h"
#include "corpusfiles.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "storewait.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using Key = pl::PacketSorter::Key;
using Order = pl::PacketSorter::Order;

const Key kKeys[] = {Key::Number,      Key::Time,     Key::Delta,  Key::Source,
                     Key::Destination, Key::Protocol, Key::Length, Key::Info};

const char *keyName(Key k)
{
    static const char *const names[] = {"Number",      "Time",     "Delta",  "Source",
                                        "Destination", "Protocol", "Length", "Info"};
    return names[int(k)];
}

// An address column's text read back: (kind, bytes) in the order the sorter promises
// (empty, MAC, IPv4, IPv6).
std::array<uint8_t, 17> parseAddress(const QString &text, bool *ok)
{
    std::array<uint8_t, 17> a{};
    *ok = true;
    const QByteArray t = text.toLatin1();
    if (t.isEmpty())
        return a;
    if (inet_pton(AF_INET, t.constData(), a.data() + 1) == 1) {
        a[0] = 2;
        return a;
    }
    if (inet_pton(AF_INET6, t.constData(), a.data() + 1) == 1) {
        a[0] = 3;
        return a;
    }
    unsigned m[6];
    if (t.size() == 17 && sscanf(t.constData(), "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2],
                                 &m[3], &m[4], &m[5]) == 6) {
        a[0] = 1;
        for (int i = 0; i < 6; ++i)
            a[size_t(1 + i)] = uint8_t(m[i]);
        return a;
    }
    *ok = false;
    return a;
}

template <class T> int threeWay(const T &a, const T &b)
{
    return a < b ? -1 : b < a ? 1 : 0;
}

struct TimeKey
{
    int64_t sec;
    uint32_t nsec;
    bool operator<(const TimeKey &o) const { return sec != o.sec ? sec < o.sec : nsec < o.nsec; }
};

// Compares two rows (capture indexes i and j) by what the user sees in the column.
class RowOrder
{
public:
    RowOrder(const std::vector<pl::PacketStore::Row> &rows) : m_rows(rows) {}

    int compare(Key key, size_t i, size_t j, bool *ok) const
    {
        const pl::PacketStore::Row &a = m_rows[i], &b = m_rows[j];
        *ok = true;
        switch (key) {
        case Key::Number:
            return threeWay(a.number, b.number);
        case Key::Time:
        case Key::Delta:
            return threeWay(timeKey(key, i), timeKey(key, j));
        case Key::Source:
        case Key::Destination: {
            bool okA, okB;
            const auto x = parseAddress(key == Key::Source ? a.source : a.destination, &okA);
            const auto y = parseAddress(key == Key::Source ? b.source : b.destination, &okB);
            *ok = okA && okB;
            return threeWay(x, y);
        }
        case Key::Protocol:
            return threeWay(a.protocol.toUtf8(), b.protocol.toUtf8());
        case Key::Length:
            return threeWay(a.length, b.length);
        case Key::Info:
            return threeWay(a.info.toUtf8(), b.info.toUtf8());
        }
        return 0;
    }

private:
    // The Time column's order: no time stamp (empty text) first; Delta against the previous
    // packet in capture order.
    TimeKey timeKey(Key key, size_t i) const
    {
        const pl::PacketStore::Row &r = m_rows[i];
        if (!r.hasTime)
            return {std::numeric_limits<int64_t>::min(), 0};
        if (key == Key::Time)
            return {r.tsSec, r.tsNsec};
        if (i == 0)
            return {0, 0};
        TimeKey d;
        pl::timeDifference(r.tsSec, r.tsNsec, m_rows[i - 1].tsSec, m_rows[i - 1].tsNsec, d.sec,
                           d.nsec);
        return d;
    }

    const std::vector<pl::PacketStore::Row> &m_rows;
};

// Every row of `path` as the packet list shows it.
bool loadRows(const QString &path, std::vector<pl::PacketStore::Row> &rows)
{
    pl::PacketStore store;
    if (!store.open(path) || !pltest::waitLoaded(store))
        return false;
    rows.clear();
    for (qsizetype i = 0; i < store.count(); ++i)
        rows.push_back(store.row(i));
    return true;
}

// Sorts through the asynchronous API, as the packet list does.
bool sortAsync(pl::PacketSorter &sorter, const QString &path, qsizetype count, Key key,
               Qt::SortOrder order, Order &result)
{
    QSignalSpy spy(&sorter, &pl::PacketSorter::sorted);
    const quint64 id = sorter.sort(path, count, key, order);
    if (!spy.wait(60000) || spy.size() != 1 || spy.at(0).at(0).toULongLong() != id)
        return false;
    result = spy.at(0).at(1).value<Order>();
    return true;
}

// `order` is a permutation of 0..n-1 whose adjacent rows are in order by `key`, ties in
// capture order. Returns an empty string or what is wrong.
QString checkOrder(const std::vector<pl::PacketStore::Row> &rows, const Order &order, size_t n,
                   Key key, Qt::SortOrder direction)
{
    if (size_t(order.size()) != n)
        return QStringLiteral("%1 rows, expected %2").arg(order.size()).arg(n);
    std::vector<bool> seen(n);
    for (const quint32 r : order) {
        if (r >= n || seen[r])
            return QStringLiteral("not a permutation (row %1)").arg(r);
        seen[r] = true;
    }
    const RowOrder cmp(rows);
    for (size_t k = 0; k + 1 < n; ++k) {
        const size_t i = order[k], j = order[k + 1];
        bool ok;
        int c = cmp.compare(key, i, j, &ok);
        if (!ok)
            return QStringLiteral("unreadable address in frame %1 or %2").arg(i + 1).arg(j + 1);
        if (direction == Qt::DescendingOrder)
            c = -c;
        if (c > 0 || (c == 0 && i > j))
            return QStringLiteral("frame %1 (\"%2\" / \"%3\") before frame %4 (\"%5\" / \"%6\")")
                .arg(i + 1)
                .arg(rows[i].source, rows[i].info)
                .arg(j + 1)
                .arg(rows[j].source, rows[j].info);
    }
    return {};
}

// A pcap of Ethernet frames: IPv4/UDP from 20 sources (10.0.0.1 .. 10.0.0.20), IPv6/UDP,
// and ARP (a MAC source); lengths and times repeat (ties), one time stamp goes backwards.
bool writeMixed(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapNsec, "test") ||
        w.addInterface({}) != 0)
        return false;
    for (int i = 0; i < count; ++i) {
        std::vector<uint8_t> p = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                                  0x02, 0x00, 0x00, 0x00, 0x00, uint8_t(i % 5)};
        const int kind = i % 7;
        const int payload = (i * 37) % 50;
        if (kind < 4) {
            const uint16_t total = uint16_t(28 + payload);
            const uint8_t ip[] = {0x08,
                                  0x00,
                                  0x45,
                                  0x00,
                                  uint8_t(total >> 8),
                                  uint8_t(total),
                                  0,
                                  0,
                                  0x40,
                                  0,
                                  64,
                                  17,
                                  0,
                                  0,
                                  10,
                                  0,
                                  0,
                                  uint8_t(1 + (i * 7) % 20),
                                  10,
                                  0,
                                  uint8_t(i % 3),
                                  uint8_t(1 + i % 11)};
            p.insert(p.end(), std::begin(ip), std::end(ip));
        } else if (kind < 6) {
            const uint16_t len = uint16_t(8 + payload);
            uint8_t ip6[42] = {0x86, 0xdd, 0x60, 0, 0, 0, uint8_t(len >> 8), uint8_t(len), 17, 64};
            ip6[10] = kind == 4 ? 0x20 : 0xfe; // 2001:db8::x or fe80::x
            ip6[11] = kind == 4 ? 0x01 : 0x80;
            ip6[12] = kind == 4 ? 0x0d : 0;
            ip6[13] = kind == 4 ? 0xb8 : 0;
            ip6[25] = uint8_t(1 + i % 13);
            ip6[26] = 0x20;
            ip6[27] = 0x01;
            ip6[41] = uint8_t(1 + i % 4);
            p.insert(p.end(), std::begin(ip6), std::end(ip6));
        } else {
            const uint8_t arp[] = {0x08, 0x06, 0,  1,
                                   0x08, 0,    6,  4,
                                   0,    1,    2,  0,
                                   0,    0,    0,  uint8_t(i % 5),
                                   10,   0,    0,  uint8_t(1 + i % 9),
                                   0,    0,    0,  0,
                                   0,    0,    10, 0,
                                   0,    1};
            p.insert(p.end(), std::begin(arp), std::end(arp));
        }
        if (kind < 6) {
            const uint16_t udpLen = uint16_t(8 + payload);
            const uint8_t udp[] = {
                uint8_t(0x9c + i % 3), 0x40, 0x13, uint8_t(0x88 + i % 2), uint8_t(udpLen >> 8),
                uint8_t(udpLen),       0,    0};
            p.insert(p.end(), std::begin(udp), std::end(udp));
            p.insert(p.end(), size_t(payload), uint8_t(i));
        }
        while (p.size() < 60)
            p.push_back(0);
        pl::Frame f;
        f.data = p.data();
        f.capLen = f.wireLen = uint32_t(p.size());
        // Pairs of packets share a time stamp; frame 101 goes back a second.
        f.tsSec = 1700000000 + i / 20 - (i == 100 ? 1 : 0);
        f.tsNsec = uint32_t((i / 2) % 10) * 100000000u;
        if (!w.write(f, 0))
            return false;
    }
    return w.close();
}

} // namespace

class TestPacketSorter : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QString m_mixed;
    std::vector<pl::PacketStore::Row> m_mixedRows;
    static constexpr int kMixed = 300;

    void everyKey(const QString &file, const std::vector<pl::PacketStore::Row> &rows, size_t count)
    {
        pl::PacketSorter sorter;
        for (const Key key : kKeys) {
            for (const Qt::SortOrder dir : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                Order order;
                QVERIFY2(sortAsync(sorter, file, qsizetype(count), key, dir, order), keyName(key));
                const QString error = checkOrder(rows, order, count, key, dir);
                QVERIFY2(error.isEmpty(),
                         qPrintable(QStringLiteral("%1 %2: %3")
                                        .arg(QLatin1String(keyName(key)),
                                             dir == Qt::AscendingOrder ? QStringLiteral("asc")
                                                                       : QStringLiteral("desc"),
                                             error)));
            }
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_mixed = m_tmp.filePath(QStringLiteral("mixed.pcap"));
        QVERIFY(writeMixed(m_mixed, kMixed));
        QVERIFY(loadRows(m_mixed, m_mixedRows));
        QCOMPARE(m_mixedRows.size(), size_t(kMixed));
        // The file holds what the checks below rely on.
        QCOMPARE(m_mixedRows[6].protocol, QStringLiteral("ARP"));
        QVERIFY(m_mixedRows[6].source.contains(QLatin1Char(':')));
        QVERIFY(m_mixedRows[4].source.startsWith(QLatin1String("2001:db8::")));
    }

    void corpusFiles_data()
    {
        QTest::addColumn<QString>("file");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        for (const QString &f : pltest::corpusCaptures())
            QTest::newRow(qPrintable(f)) << pltest::corpusDir() + QLatin1Char('/') + f;
    }

    void corpusFiles()
    {
        QFETCH(QString, file);
        std::vector<pl::PacketStore::Row> rows;
        QVERIFY(loadRows(file, rows));
        everyKey(file, rows, rows.size());
    }

    void syntheticEveryKey() { everyKey(m_mixed, m_mixedRows, m_mixedRows.size()); }

    void orderIsNotCaptureOrder()
    {
        // The checks above would pass an unsorted list only if the file were sorted already.
        Order order;
        pl::PacketSorter sorter;
        for (const Key key : {Key::Time, Key::Delta, Key::Source, Key::Destination, Key::Protocol,
                              Key::Length, Key::Info}) {
            QVERIFY(sortAsync(sorter, m_mixed, kMixed, key, Qt::AscendingOrder, order));
            bool identity = true;
            for (int i = 0; i < order.size(); ++i)
                identity = identity && order[i] == quint32(i);
            QVERIFY2(!identity, keyName(key));
        }
    }

    void addressesAreNumeric()
    {
        pl::PacketSorter sorter;
        Order order;
        QVERIFY(sortAsync(sorter, m_mixed, kMixed, Key::Source, Qt::AscendingOrder, order));
        int at9 = -1, at10 = -1, firstMac = -1, firstV4 = -1, firstV6 = -1;
        for (int v = 0; v < order.size(); ++v) {
            const QString &s = m_mixedRows[order[v]].source;
            if (s == QLatin1String("10.0.0.9") && at9 < 0)
                at9 = v;
            if (s == QLatin1String("10.0.0.10") && at10 < 0)
                at10 = v;
            if (s.count(QLatin1Char(':')) == 5 && firstMac < 0)
                firstMac = v;
            if (s.startsWith(QLatin1String("10.")) && firstV4 < 0)
                firstV4 = v;
            if (s.contains(QLatin1String("::")) && firstV6 < 0)
                firstV6 = v;
        }
        QVERIFY(at9 >= 0 && at10 >= 0);
        QVERIFY2(at9 < at10, "10.0.0.9 must come before 10.0.0.10");
        QVERIFY(firstMac >= 0 && firstMac < firstV4 && firstV4 < firstV6);
        // As text, 10.0.0.10 would come first: the order is really numeric.
        QVERIFY(QStringLiteral("10.0.0.10") < QStringLiteral("10.0.0.9"));
    }

    void tiesKeepCaptureOrder()
    {
        // Frames 1 and 2 share a time stamp: both directions list 1 before 2.
        QCOMPARE(m_mixedRows[0].tsNsec, m_mixedRows[1].tsNsec);
        QCOMPARE(m_mixedRows[0].tsSec, m_mixedRows[1].tsSec);
        pl::PacketSorter sorter;
        for (const Qt::SortOrder dir : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            Order order;
            QVERIFY(sortAsync(sorter, m_mixed, kMixed, Key::Time, dir, order));
            const qsizetype a = order.indexOf(0u), b = order.indexOf(1u);
            QCOMPARE(b, a + 1);
        }
        // Frame 101 is stamped before frame 100: it comes first ascending, last descending.
        Order order;
        QVERIFY(sortAsync(sorter, m_mixed, kMixed, Key::Time, Qt::AscendingOrder, order));
        QVERIFY(order.indexOf(100u) < order.indexOf(99u));
        QVERIFY(sortAsync(sorter, m_mixed, kMixed, Key::Time, Qt::DescendingOrder, order));
        QVERIFY(order.indexOf(100u) > order.indexOf(99u));
        // Delta: frame 101's negative delta is the smallest.
        QVERIFY(sortAsync(sorter, m_mixed, kMixed, Key::Delta, Qt::AscendingOrder, order));
        QCOMPARE(order.first(), 100u);
    }

    void numberNeedsNoFile()
    {
        pl::PacketSorter sorter;
        Order order;
        QVERIFY(sortAsync(sorter, QStringLiteral("/nonexistent.pcap"), 4, Key::Number,
                          Qt::DescendingOrder, order));
        QCOMPARE(order, Order({3, 2, 1, 0}));
    }

    void fewerRowsThanTheFile()
    {
        // Sorting while loading: only the rows announced so far.
        pl::PacketSorter sorter;
        for (const Key key : {Key::Source, Key::Info, Key::Delta}) {
            Order order;
            QVERIFY(sortAsync(sorter, m_mixed, 50, key, Qt::DescendingOrder, order));
            const QString error = checkOrder(m_mixedRows, order, 50, key, Qt::DescendingOrder);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
    }

    void moreRowsThanTheFile()
    {
        // A file shorter than asked for (cut meanwhile): the missing rows come last.
        Order order;
        QVERIFY(pl::PacketSorter::computeOrder(m_mixed, kMixed + 3, Key::Length, Qt::AscendingOrder,
                                               order));
        QCOMPARE(order.size(), qsizetype(kMixed + 3));
        QCOMPARE(order.mid(kMixed), Order({kMixed, kMixed + 1, kMixed + 2}));
        QVERIFY(
            checkOrder(m_mixedRows, order.first(kMixed), kMixed, Key::Length, Qt::AscendingOrder)
                .isEmpty());
    }

    void missingFileFails()
    {
        pl::PacketSorter sorter;
        QSignalSpy failed(&sorter, &pl::PacketSorter::failed);
        QSignalSpy sorted(&sorter, &pl::PacketSorter::sorted);
        const quint64 id = sorter.sort(m_tmp.filePath(QStringLiteral("gone.pcap")), 10, Key::Info,
                                       Qt::AscendingOrder);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).toULongLong(), id);
        QVERIFY(!failed.at(0).at(1).toString().isEmpty());
        QVERIFY(sorted.isEmpty());
        QVERIFY(!sorter.isBusy());
    }

    void newRequestReplacesTheRunningOne()
    {
        const QString big = m_tmp.filePath(QStringLiteral("big.pcap"));
        constexpr int kBig = 100000;
        QVERIFY(writeMixed(big, kBig));
        pl::PacketSorter sorter;
        QSignalSpy sorted(&sorter, &pl::PacketSorter::sorted);
        const quint64 first = sorter.sort(big, kBig, Key::Info, Qt::AscendingOrder);
        QVERIFY(sorter.isBusy());
        const quint64 second = sorter.sort(big, 1000, Key::Length, Qt::DescendingOrder);
        QVERIFY(second > first);
        QCOMPARE(sorter.currentRequest(), second);
        QVERIFY(sorted.wait(60000));
        QCOMPARE(sorted.size(), 1);
        QCOMPARE(sorted.at(0).at(0).toULongLong(), second);
        QCOMPARE(sorted.at(0).at(1).value<Order>().size(), qsizetype(1000));
        QVERIFY(!sorter.isBusy());

        // cancel(): that result never comes; the next request's does. Its delivery is queued
        // behind anything the cancelled one could have posted, so nothing else slips in.
        sorter.sort(big, kBig, Key::Source, Qt::AscendingOrder);
        sorter.cancel();
        QVERIFY(!sorter.isBusy());
        const quint64 last = sorter.sort(big, 5, Key::Number, Qt::AscendingOrder);
        QVERIFY(sorted.wait(10000));
        QCOMPARE(sorted.size(), 2);
        QCOMPARE(sorted.at(1).at(0).toULongLong(), last);

        // A cancel flag already set stops the synchronous sort.
        std::atomic<bool> stop{true};
        Order order;
        QVERIFY(!pl::PacketSorter::computeOrder(big, kBig, Key::Info, Qt::AscendingOrder, order,
                                                nullptr, &stop));

        // The destructor stops a running sort promptly.
        QElapsedTimer clock;
        clock.start();
        {
            pl::PacketSorter gone;
            gone.sort(big, kBig, Key::Info, Qt::DescendingOrder);
        }
        QVERIFY2(clock.elapsed() < 2000, "the destructor waited for the whole sort");
    }
};

QTEST_GUILESS_MAIN(TestPacketSorter)
#include "tst_packetsorter.moc"
