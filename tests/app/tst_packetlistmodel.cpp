// The packet list model over a loading store: batched insertions that QAbstractItemModelTester
// checks, the column texts, time formats, colors and flag roles, the display filter's rows
// and the coloring rules' colours.

#include "analysis/displayfilter.h"
#include "analysis/packetstore.h"
#include "app/packetlistmodel.h"
#include "capfile/capturefilewriter.h"
#include "dissect/fieldtree.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QDateTime>
#include <QDir>
#include <QItemSelectionModel>
#include <QPersistentModelIndex>
#include <QSignalSpy>

#include "storewait.h"
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

namespace {

using Model = pl::PacketListModel;
using pltest::waitLoaded;

// Ethernet/IPv4/UDP packets `first` .. `first + count - 1`, 1 ms apart, from 10.0.0.1 ..
// 10.0.0.32 in turn.
bool writePackets(pl::CaptureFileWriter &w, int first, int count)
{
    uint8_t pkt[60] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88,
                       0x99, 0xaa, 0x08, 0x00, 0x45, 0x00, 0x00, 46,   0x00, 0x00,
                       0x40, 0x00, 64,   17,   0x00, 0x00, 10,   0,    0,    1,
                       10,   0,    0,    2,    0x9c, 0x40, 0x13, 0x88, 0x00, 26};
    for (int i = first; i < first + count; ++i) {
        pkt[29] = uint8_t(1 + i % 32);
        pl::Frame f;
        f.data = pkt;
        f.capLen = f.wireLen = sizeof pkt;
        f.tsSec = 1700000000 + i / 1000;
        f.tsNsec = uint32_t(i % 1000) * 1000000u;
        if (!w.write(f, 0))
            return false;
    }
    return true;
}

// Starts a capture's spool at `path`: a pcapng file holding its first `count` packets, open
// in `w` for more.
bool startSpool(pl::CaptureFileWriter &w, const QString &path, int count)
{
    return w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapNg, "test") &&
           w.addInterface({1, 262144, "eth0", {}}) == 0 && writePackets(w, 0, count) && w.flush();
}

// A pcap of `count` such packets.
bool writeFile(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapUsec, "test") ||
        w.addInterface({}) != 0)
        return false;
    return writePackets(w, 0, count) && w.close();
}

// A packet list over a store that loaded writeFile()'s `count` packets, its model under
// QAbstractItemModelTester for the whole test.
struct LoadedList
{
    explicit LoadedList(int count)
    {
        loaded = tmp.isValid() && writeFile(file, count) && store.open(file) && waitLoaded(store);
    }
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("packets.pcap"));
    pl::PacketStore store;
    Model model{&store};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::QtTest};
    bool loaded = false;
};

QString text(const Model &m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

qulonglong frameAt(const Model &m, int row)
{
    return m.data(m.index(row, 0), Model::FrameNumberRole).toULongLong();
}

// The Source column's IPv4 address as a number (0 when it is not one).
quint32 sourceAt(const Model &m, int row)
{
    const QStringList parts = text(m, row, Model::Source).split(QLatin1Char('.'));
    quint32 a = 0;
    for (const QString &p : parts)
        a = a << 8 | p.toUInt();
    return parts.size() == 4 ? a : 0;
}

// Sorts and waits for the order to be applied.
bool sortAndWait(Model &m, int column, Qt::SortOrder order)
{
    QSignalSpy finished(&m, &Model::sortingFinished);
    m.sort(column, order);
    return !m.isSorting() || finished.wait(60000);
}

// Applies `filter` to the store and waits for the model to show its rows.
bool filterAndWait(pl::PacketStore &store, Model &m, const char *filter)
{
    const pl::DisplayFilter f = pl::DisplayFilter::compile(filter);
    if (!f.ok())
        return false;
    QSignalSpy applied(&m, &Model::filterApplied);
    store.setDisplayFilter(f);
    return applied.wait(60000);
}

// storeRow() and viewRow() are inverse to each other over every row.
bool mappingIsConsistent(const Model &m)
{
    for (int v = 0; v < m.rowCount(); ++v)
        if (m.viewRow(m.storeRow(v)) != v || frameAt(m, v) != qulonglong(m.storeRow(v)) + 1)
            return false;
    return m.storeRow(m.rowCount()) == -1 && m.viewRow(m.rowCount()) == -1;
}

} // namespace

class TestPacketListModel : public QObject
{
    Q_OBJECT
private:
    QString m_corpus;

    QString corpusFile(const QString &name)
    {
        if (m_corpus.isEmpty())
            return {};
        return QDir(m_corpus).filePath(name);
    }

private slots:
    void initTestCase()
    {
        const QString corpus = qEnvironmentVariable("PACKETLENS_CORPUS");
        if (!corpus.isEmpty() && QDir(corpus).exists())
            m_corpus = corpus;
    }

    void insertionsWhileLoading()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString file = tmp.filePath(QStringLiteral("many.pcap"));
        constexpr int kCount = 60000;
        QVERIFY(writeFile(file, kCount));

        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(model.rowCount(), kCount);
        QVERIFY(inserted.count() >= 1);
        int next = 0;
        for (const QList<QVariant> &args : inserted) {
            QCOMPARE(args.at(1).toInt(), next);
            next = args.at(2).toInt() + 1;
        }
        QCOMPARE(next, kCount);
        QCOMPARE(text(model, kCount - 1, Model::Number), QString::number(kCount));
        QCOMPARE(text(model, kCount - 1, Model::Time), QStringLiteral("59.999000"));
        QCOMPARE(text(model, 5, Model::Source), QStringLiteral("10.0.0.6"));
        QCOMPARE(text(model, 5, Model::Protocol), QStringLiteral("UDP"));
        QCOMPARE(model.data(model.index(5, 0), Model::FrameNumberRole).toULongLong(), 6ull);
        QCOMPARE(model.data(model.index(5, Model::Protocol), Qt::BackgroundRole).value<QColor>(),
                 QColor(0xda, 0xee, 0xff));

        // Closing resets the model.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        store.close();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 0);
        // A second file into the same model, again under the tester.
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(model.rowCount(), kCount);
    }

    void headers()
    {
        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.columnCount(), 7);
        QCOMPARE(model.rowCount(), 0);
        const QStringList expected = {QStringLiteral("No."),      QStringLiteral("Time"),
                                      QStringLiteral("Source"),   QStringLiteral("Destination"),
                                      QStringLiteral("Protocol"), QStringLiteral("Length"),
                                      QStringLiteral("Info")};
        for (int c = 0; c < model.columnCount(); ++c)
            QCOMPARE(model.headerData(c, Qt::Horizontal).toString(), expected.at(c));
    }

    void cellsAndTimeFormats()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(store.open(corpusFile(QStringLiteral("tcpdump/print-flags.pcap"))));
        QVERIFY(waitLoaded(store));
        QCOMPARE(model.rowCount(), 10);
        // tshark -r print-flags.pcap: "2   0.000056    127.0.0.1 → 127.0.0.1    TCP 74 80 → ..."
        QCOMPARE(text(model, 1, Model::Number), QStringLiteral("2"));
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("0.000056"));
        QCOMPARE(text(model, 1, Model::Source), QStringLiteral("127.0.0.1"));
        QCOMPARE(text(model, 1, Model::Destination), QStringLiteral("127.0.0.1"));
        QCOMPARE(text(model, 1, Model::Protocol), QStringLiteral("TCP"));
        QCOMPARE(text(model, 1, Model::Length), QStringLiteral("74"));
        QVERIFY(
            text(model, 1, Model::Info).startsWith(QStringLiteral("80 \u2192 55920 [SYN, ACK]")));
        QCOMPARE(model.data(model.index(1, Model::Number), Qt::TextAlignmentRole)
                         .value<Qt::Alignment>() &
                     Qt::AlignRight,
                 Qt::AlignRight);
        QCOMPARE(model.data(model.index(1, Model::Protocol), Qt::BackgroundRole).value<QColor>(),
                 QColor(0xe7, 0xe6, 0xff));
        QCOMPARE(model.data(model.index(1, 0), Model::FlagsRole).toUInt(), 0u);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setTimeFormat(Model::TimeFormat::Epoch);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(), model.index(0, Model::Time));
        QCOMPARE(changed.at(0).at(1).toModelIndex(), model.index(9, Model::Time));
        // tshark -t e: 1120622255.938122; tshark -t ud: 2005-07-06 03:57:35.938122
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("1120622255.938122"));
        model.setTimeFormat(Model::TimeFormat::Utc);
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("2005-07-06 03:57:35.938122"));
        model.setTimeFormat(Model::TimeFormat::Absolute);
        QCOMPARE(text(model, 1, Model::Time),
                 QDateTime::fromSecsSinceEpoch(1120622255)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                     QStringLiteral(".938122"));
        model.setTimeFormat(Model::TimeFormat::Delta);
        QCOMPARE(text(model, 0, Model::Time), QStringLiteral("0.000000"));
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("0.000056"));
        model.setTimeFormat(Model::TimeFormat::Relative);
        QCOMPARE(changed.count(), 5);
        model.setTimeFormat(Model::TimeFormat::Relative); // no change, no signal
        QCOMPARE(changed.count(), 5);
        QCOMPARE(text(model, 0, Model::Time), QStringLiteral("0.000000"));
    }

    void sortKeepsTheSelectedPacket()
    {
        constexpr int kCount = 2000;
        LoadedList list(kCount);
        QVERIFY(list.loaded);
        pl::PacketStore &store = list.store;
        Model &model = list.model;
        QCOMPARE(model.sortColumn(), -1);

        QItemSelectionModel selection(&model);
        selection.setCurrentIndex(model.index(40, Model::Info),
                                  QItemSelectionModel::SelectCurrent | QItemSelectionModel::Rows);
        const QPersistentModelIndex kept(model.index(40, Model::Source));
        QSignalSpy started(&model, &Model::sortingStarted);
        QSignalSpy finished(&model, &Model::sortingFinished);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        QSignalSpy state(&model, &Model::sortOrderChanged);

        model.sort(Model::Source, Qt::DescendingOrder);
        // It returned before sorting: the worker's order comes later.
        QVERIFY(model.isSorting());
        QCOMPARE(started.size(), 1);
        QCOMPARE(frameAt(model, 0), 1ull);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(layout.size(), 1);
        QCOMPARE(model.sortColumn(), int(Model::Source));
        QCOMPARE(model.sortOrder(), Qt::DescendingOrder);
        QCOMPARE(state.size(), 1);
        QCOMPARE(model.rowCount(), kCount);

        // Highest address first (numerically: 10.0.0.32 before 10.0.0.4), ties by frame.
        QCOMPARE(text(model, 0, Model::Source), QStringLiteral("10.0.0.32"));
        for (int v = 0; v + 1 < kCount; ++v) {
            const quint32 a = sourceAt(model, v), b = sourceAt(model, v + 1);
            QVERIFY(a >= b);
            if (a == b)
                QVERIFY(frameAt(model, v) < frameAt(model, v + 1));
        }
        QVERIFY(mappingIsConsistent(model));
        // The selected packet is still selected, at its new row.
        QCOMPARE(selection.currentIndex().data(Model::FrameNumberRole).toULongLong(), 41ull);
        QCOMPARE(selection.currentIndex().column(), int(Model::Info));
        QVERIFY(selection.isRowSelected(selection.currentIndex().row()));
        QCOMPARE(kept.data(Model::FrameNumberRole).toULongLong(), 41ull);
        QVERIFY(kept.row() != 40);
        QCOMPARE(model.viewRow(40), kept.row());

        // Delta time is still since the previous packet in capture order.
        model.setTimeFormat(Model::TimeFormat::Delta);
        const int firstFrameRow = model.viewRow(0);
        QCOMPARE(text(model, firstFrameRow, Model::Time), QStringLiteral("0.000000"));
        for (int v : {0, 1, kCount - 1})
            if (v != firstFrameRow)
                QCOMPARE(text(model, v, Model::Time), QStringLiteral("0.001000"));
        // Time sorts by the delta in that format: frame 1's 0 comes first.
        QVERIFY(sortAndWait(model, Model::Time, Qt::AscendingOrder));
        QCOMPARE(frameAt(model, 0), 1ull);
        model.setTimeFormat(Model::TimeFormat::Relative);

        // No. descending: at once, without the worker.
        started.clear();
        model.sort(Model::Number, Qt::DescendingOrder);
        QVERIFY(!model.isSorting());
        QVERIFY(started.isEmpty());
        QCOMPARE(frameAt(model, 0), qulonglong(kCount));
        QCOMPARE(kept.data(Model::FrameNumberRole).toULongLong(), 41ull);
        QCOMPARE(kept.row(), kCount - 41);
        QVERIFY(mappingIsConsistent(model));

        // Back to capture order.
        state.clear();
        model.resetSortOrder();
        QCOMPARE(model.sortColumn(), -1);
        QCOMPARE(state.size(), 1);
        QCOMPARE(state.at(0).at(0).toInt(), -1);
        QCOMPARE(kept.row(), 40);
        for (int v = 0; v < kCount; v += 97)
            QCOMPARE(frameAt(model, v), qulonglong(v + 1));
        QVERIFY(mappingIsConsistent(model));
        // A cleared header indicator (column -1) and No. ascending are capture order too.
        QVERIFY(sortAndWait(model, Model::Destination, Qt::AscendingOrder));
        QVERIFY(sortAndWait(model, Model::Source, Qt::DescendingOrder));
        QCOMPARE(frameAt(model, 0), 32ull);
        model.sort(-1, Qt::AscendingOrder);
        QCOMPARE(frameAt(model, 0), 1ull);
        QVERIFY(sortAndWait(model, Model::Length, Qt::DescendingOrder));
        model.sort(Model::Number, Qt::AscendingOrder);
        QCOMPARE(kept.row(), 40);
        QCOMPARE(model.sortColumn(), int(Model::Number));

        // A newer sort replaces a running one; only the newer order is applied.
        layout.clear();
        finished.clear();
        model.sort(Model::Info, Qt::DescendingOrder);
        model.sort(Model::Source, Qt::AscendingOrder);
        QVERIFY(finished.wait(60000));
        QCOMPARE(layout.size(), 1);
        QCOMPARE(model.sortColumn(), int(Model::Source));
        QCOMPARE(text(model, 0, Model::Source), QStringLiteral("10.0.0.1"));

        // Closing while a sort runs: it never lands, the model is reset to capture order.
        finished.clear();
        layout.clear();
        model.sort(Model::Info, Qt::AscendingOrder);
        store.close();
        QCOMPARE(finished.size(), 1);
        QVERIFY(!model.isSorting());
        QCOMPARE(model.sortColumn(), -1);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(store.open(list.file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(frameAt(model, 5), 6ull);
        QVERIFY(layout.isEmpty());
    }

    void rowsArrivingWhileSortedGoLast()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString spool = tmp.filePath(QStringLiteral("spool.pcapng"));
        pl::CaptureFileWriter w;
        QVERIFY(startSpool(w, spool, 100));

        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(store.follow(spool));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 100, 10000);
        QVERIFY(sortAndWait(model, Model::Source, Qt::DescendingOrder));
        QCOMPARE(text(model, 0, Model::Source), QStringLiteral("10.0.0.32"));
        std::vector<qulonglong> before;
        for (int v = 0; v < 100; ++v)
            before.push_back(frameAt(model, v));

        // A live capture goes on: the new packets come after the sorted ones, in capture
        // order, inserted with exact ranges.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(writePackets(w, 100, 50));
        QVERIFY(w.flush());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 150, 10000);
        int next = 100;
        for (const QList<QVariant> &args : inserted) {
            QCOMPARE(args.at(1).toInt(), next);
            next = args.at(2).toInt() + 1;
        }
        QCOMPARE(next, 150);
        for (int v = 0; v < 100; ++v)
            QCOMPARE(frameAt(model, v), before[size_t(v)]);
        for (int v = 100; v < 150; ++v)
            QCOMPARE(frameAt(model, v), qulonglong(v + 1));
        QCOMPARE(model.sortColumn(), int(Model::Source)); // the header still says so
        QVERIFY(mappingIsConsistent(model));

        // The next sort takes them in.
        QVERIFY(sortAndWait(model, Model::Source, Qt::DescendingOrder));
        QCOMPARE(frameAt(model, 0), 32ull);
        QCOMPARE(frameAt(model, 3), 128ull); // 10.0.0.32: frames 32, 64, 96, 128, then .31
        QCOMPARE(text(model, 4, Model::Source), QStringLiteral("10.0.0.31"));
        QCOMPARE(frameAt(model, 149), 129ull); // 10.0.0.1: frames 1, 33, 65, 97, 129
        QVERIFY(mappingIsConsistent(model));
        model.resetSortOrder();
        QCOMPARE(frameAt(model, 149), 150ull);

        QVERIFY(w.close());
        store.stopFollowing();
        QVERIFY(waitLoaded(store));
    }

    void marksFollowThePacket()
    {
        LoadedList list(100);
        QVERIFY(list.loaded);
        pl::PacketStore &store = list.store;
        Model &model = list.model;
        QCOMPARE(model.markedCount(), 0);
        QCOMPARE(model.nextMarked(-1), -1);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy marks(&model, &Model::marksChanged);
        model.setMarked(3, true);
        QCOMPARE(marks.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(), model.index(3, 0));
        QCOMPARE(changed.at(0).at(1).toModelIndex(), model.index(3, Model::ColumnCount - 1));
        model.setMarked(3, true); // already: nothing happens
        QCOMPARE(marks.size(), 1);
        model.toggleMark(10);
        QCOMPARE(model.markedCount(), 2);
        QVERIFY(model.isMarked(3) && model.isMarked(10) && !model.isMarked(4));

        // Wireshark's marked colors, over the protocol's.
        const QModelIndex marked = model.index(3, Model::Protocol);
        QCOMPARE(model.data(marked, Qt::BackgroundRole).value<QColor>(), QColor(Qt::black));
        QCOMPARE(model.data(marked, Qt::ForegroundRole).value<QColor>(), QColor(Qt::white));
        QVERIFY(model.data(marked, Model::MarkedRole).toBool());
        const QModelIndex plain = model.index(4, Model::Protocol);
        QCOMPARE(model.data(plain, Qt::BackgroundRole).value<QColor>(), QColor(0xda, 0xee, 0xff));
        QVERIFY(!model.data(plain, Qt::ForegroundRole).isValid());
        QVERIFY(!model.data(plain, Model::MarkedRole).toBool());

        // Next/previous mark, wrapping around.
        QCOMPARE(model.nextMarked(-1, true), 3);
        QCOMPARE(model.nextMarked(3, true), 10);
        QCOMPARE(model.nextMarked(10, true), 3);
        QCOMPARE(model.nextMarked(50, true), 3);
        QCOMPARE(model.nextMarked(-1, false), 10);
        QCOMPARE(model.nextMarked(3, false), 10);
        QCOMPARE(model.nextMarked(5, false), 3);

        // Sorting moves the marks with their packets (frames 4 and 11).
        model.sort(Model::Number, Qt::DescendingOrder);
        QVERIFY(model.isMarked(96) && model.isMarked(89) && !model.isMarked(3));
        QCOMPARE(model.nextMarked(-1, true), 89);
        QVERIFY(sortAndWait(model, Model::Source, Qt::DescendingOrder));
        const int row4 = model.viewRow(3), row11 = model.viewRow(10);
        QCOMPARE(frameAt(model, row4), 4ull);
        QVERIFY(model.isMarked(row4) && model.isMarked(row11));
        QCOMPARE(model.data(model.index(row4, 0), Qt::BackgroundRole).value<QColor>(),
                 QColor(Qt::black));
        QCOMPARE(model.markedCount(), 2);
        int markedRows = 0;
        for (int v = 0; v < model.rowCount(); ++v)
            markedRows += model.isMarked(v) ? 1 : 0;
        QCOMPARE(markedRows, 2);
        const int first = qMin(row4, row11), second = qMax(row4, row11);
        QCOMPARE(model.nextMarked(first, true), second);
        QCOMPARE(model.nextMarked(second, true), first);
        marks.clear();
        model.toggleMark(row11);
        QCOMPARE(model.markedCount(), 1);
        QCOMPARE(marks.size(), 1);
        QCOMPARE(model.nextMarked(row4, true), row4); // the only one

        // Closing forgets them.
        marks.clear();
        store.close();
        QCOMPARE(marks.size(), 1);
        QCOMPARE(model.markedCount(), 0);
        QVERIFY(store.open(list.file));
        QVERIFY(waitLoaded(store));
        QVERIFY(!model.isMarked(3));
        QCOMPARE(model.nextMarked(-1), -1);

        model.setMarked(0, true);
        model.setMarked(1, true);
        changed.clear();
        model.clearMarks();
        QCOMPARE(model.markedCount(), 0);
        QCOMPARE(changed.size(), 1);
        QVERIFY(!model.isMarked(0));
    }

    void malformedIsFlagged()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(store.open(corpusFile(QStringLiteral("pcapplusplus/tcp-malformed.pcap"))));
        QVERIFY(waitLoaded(store));
        QVERIFY(model.rowCount() >= 1);
        const QModelIndex i = model.index(0, Model::Info);
        QVERIFY(model.data(i, Model::FlagsRole).toUInt() & pl::NodeFlag::Malformed);
        QVERIFY(model.data(i).toString().endsWith(QStringLiteral("[Malformed Packet]")));
        QCOMPARE(model.data(i, Qt::BackgroundRole).value<QColor>(), QColor(0xff, 0x80, 0x80));
    }

    void displayFilterChangesTheRows()
    {
        LoadedList list(200);
        QVERIFY(list.loaded);
        pl::PacketStore &store = list.store;
        Model &model = list.model;
        QCOMPARE(model.rowCount(), 200);
        QVERIFY(!model.isFiltered());

        // Sources go round 10.0.0.1 .. 10.0.0.32: frames 1, 33, 65, ... come from 10.0.0.1.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(filterAndWait(store, model, "ip.src == 10.0.0.1"));
        QCOMPARE(reset.size(), 1);
        QVERIFY(model.isFiltered());
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.displayedCount(), 7);
        for (int v = 0; v < model.rowCount(); ++v) {
            QCOMPARE(frameAt(model, v), qulonglong(1 + 32 * v));
            QCOMPARE(text(model, v, Model::Source), QStringLiteral("10.0.0.1"));
        }
        QCOMPARE(model.viewRow(1), -1); // frame 2 is not displayed
        QCOMPARE(model.viewRow(32), 1);
        QVERIFY(mappingIsConsistent(model));

        // A filter that matches nothing, then none at all: every packet again.
        QVERIFY(filterAndWait(store, model, "ip.src == 192.168.1.1"));
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy applied(&model, &Model::filterApplied);
        store.setDisplayFilter(pl::DisplayFilter());
        QVERIFY(applied.wait(60000));
        QCOMPARE(model.rowCount(), 200);
        QVERIFY(!model.isFiltered());
        QCOMPARE(frameAt(model, 199), 200ull);
    }

    void sortAndFilter()
    {
        LoadedList list(200);
        QVERIFY(list.loaded);
        pl::PacketStore &store = list.store;
        Model &model = list.model;

        // Sorted first, then filtered: the displayed packets in the sorted order.
        QVERIFY(sortAndWait(model, Model::Source, Qt::DescendingOrder));
        QVERIFY(filterAndWait(store, model, "ip.src == 10.0.0.1 || ip.src == 10.0.0.32"));
        QCOMPARE(model.rowCount(), 13); // frames 32, 64, ... 192 and 1, 33, ... 193
        for (int v = 0; v < 6; ++v)
            QCOMPARE(text(model, v, Model::Source), QStringLiteral("10.0.0.32"));
        for (int v = 6; v < 13; ++v)
            QCOMPARE(text(model, v, Model::Source), QStringLiteral("10.0.0.1"));
        QVERIFY(mappingIsConsistent(model));
        QCOMPARE(model.sortColumn(), int(Model::Source));

        // Filtered first, then sorted: still only the displayed packets, a selection kept.
        QItemSelectionModel selection(&model);
        selection.setCurrentIndex(model.index(0, 0), QItemSelectionModel::SelectCurrent);
        const qulonglong picked = frameAt(model, 0);
        QVERIFY(sortAndWait(model, Model::Source, Qt::AscendingOrder));
        QCOMPARE(model.rowCount(), 13);
        QCOMPARE(text(model, 0, Model::Source), QStringLiteral("10.0.0.1"));
        QCOMPARE(frameAt(model, selection.currentIndex().row()), picked);
        QVERIFY(mappingIsConsistent(model));
        // No. descending and back to capture order, still filtered.
        QVERIFY(sortAndWait(model, Model::Number, Qt::DescendingOrder));
        QCOMPARE(frameAt(model, 0), 193ull);
        QCOMPARE(frameAt(model, 12), 1ull);
        model.resetSortOrder();
        QCOMPARE(frameAt(model, 0), 1ull);
        QCOMPARE(frameAt(model, 1), 32ull);
        QCOMPARE(model.rowCount(), 13);

        // Cleared: every packet, in capture order.
        QSignalSpy applied(&model, &Model::filterApplied);
        store.setDisplayFilter(pl::DisplayFilter());
        QVERIFY(applied.wait(60000));
        QCOMPARE(model.rowCount(), 200);
        QVERIFY(mappingIsConsistent(model));
    }

    void rowsArrivingWhileFiltered()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString spool = tmp.filePath(QStringLiteral("spool.pcapng"));
        pl::CaptureFileWriter w;
        QVERIFY(startSpool(w, spool, 100));

        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(store.follow(spool));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 100, 10000);
        QVERIFY(filterAndWait(store, model, "ip.src == 10.0.0.2")); // frames 2, 34, 66, 98
        QCOMPARE(model.rowCount(), 4);

        // The capture goes on: only the displayed new packets are inserted, at the end.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(writePackets(w, 100, 100)); // frames 130, 162, 194 from 10.0.0.2
        QVERIFY(w.flush());
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), 200, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 7, 10000);
        int next = 4;
        for (const QList<QVariant> &args : inserted) {
            QCOMPARE(args.at(1).toInt(), next);
            next = args.at(2).toInt() + 1;
        }
        QCOMPARE(next, 7);
        const qulonglong expected[] = {2, 34, 66, 98, 130, 162, 194};
        for (int v = 0; v < 7; ++v)
            QCOMPARE(frameAt(model, v), expected[v]);
        QVERIFY(mappingIsConsistent(model));

        QVERIFY(w.close());
        store.stopFollowing();
        QVERIFY(waitLoaded(store));
    }

    void coloringRulesColourTheirRows()
    {
        LoadedList list(64);
        QVERIFY(list.loaded);
        pl::PacketStore &store = list.store;
        Model &model = list.model;

        // Two rules; the first that matches wins (10.0.0.1 matches both).
        const QColor fg1(0x10, 0x20, 0x30), bg1(0xa0, 0xb0, 0xc0);
        const QColor fg2(0x01, 0x02, 0x03), bg2(0xf0, 0xe0, 0xd0);
        store.setColoringRules({pl::DisplayFilter::compile("ip.src == 10.0.0.1"),
                                pl::DisplayFilter::compile("ip.src == 10.0.0.0/30")});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setRuleColors({{fg1, bg1}, {fg2, bg2}});
        QVERIFY(!changed.isEmpty()); // views repaint
        auto background = [&model](int row) {
            return model.data(model.index(row, Model::Info), Qt::BackgroundRole);
        };
        auto foreground = [&model](int row) {
            return model.data(model.index(row, Model::Info), Qt::ForegroundRole);
        };
        QCOMPARE(background(0).value<QColor>(), bg1); // 10.0.0.1
        QCOMPARE(foreground(0).value<QColor>(), fg1);
        QCOMPARE(background(1).value<QColor>(), bg2); // 10.0.0.2
        QCOMPARE(foreground(2).value<QColor>(), fg2); // 10.0.0.3
        QVERIFY(!background(3).isValid());            // 10.0.0.4: no rule, no colour
        QCOMPARE(background(32).value<QColor>(), bg1);
        // A mark still shows over a rule's colours.
        model.setMarked(0, true);
        QCOMPARE(background(0).value<QColor>(), QColor(Qt::black));
        model.setMarked(0, false);
        // Colouring off: no colours at all.
        model.setRuleColors({});
        QVERIFY(!background(0).isValid());
        QVERIFY(!foreground(0).isValid());
        // Under a display filter, the rows keep their rules' colours.
        model.setRuleColors({{fg1, bg1}, {fg2, bg2}});
        QVERIFY(filterAndWait(store, model, "ip.src == 10.0.0.2"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(background(0).value<QColor>(), bg2);
        QCOMPARE(background(1).value<QColor>(), bg2);
    }
};

QTEST_MAIN(TestPacketListModel)
#include "tst_packetlistmodel.moc"
