// The hex pane: cell geometry both ways, clicks and keys reporting bytes, highlight scrolling,
// copy formats (the hex dump is tshark -x's), and painting.

#include "app/hexview.h"
#include "app/mainwindow.h"
#include "app/packetlistmodel.h"
#include "app/prototreemodel.h"
#include "dissect/packetbuilder.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QImage>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <functional>

using pl::HexView;

namespace {

QByteArray counting(int n)
{
    QByteArray data(n, '\0');
    for (int i = 0; i < n; ++i)
        data[i] = char(i * 7 + 3);
    return data;
}

// print-flags.pcap frame 1 (Ethernet/IPv4/TCP SYN, 74 bytes).
QByteArray tcpSyn()
{
    return QByteArray::fromHex("000000000000000000000000080045000"
                               "03c1b6840004006215 27f0000017f000001"
                               "da70005037588 97e00000000a0027fff14210000"
                               "0204400c0402080a4ddc921600000000 01030302");
}

// tshark -r print-flags.pcap -x -c 1
const char kTsharkX[] = "0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.\n"
                        "0010  00 3c 1b 68 40 00 40 06 21 52 7f 00 00 01 7f 00   .<.h@.@.!R......\n"
                        "0020  00 01 da 70 00 50 37 58 89 7e 00 00 00 00 a0 02   ...p.P7X.~......\n"
                        "0030  7f ff 14 21 00 00 02 04 40 0c 04 02 08 0a 4d dc   ...!....@.....M.\n"
                        "0040  92 16 00 00 00 00 01 03 03 02                     ..........\n";

// A 32-byte IPv4/UDP datagram (TTL 33, 10.0.0.1 -> 10.0.0.2), the reassembled source.
QByteArray innerDatagram()
{
    return QByteArray::fromHex("45000020abcd00002111d9fd0a0000010a000002"
                               "04d2162e000c0000deadbeef");
}

bool fullyVisible(const HexView &v, int offset)
{
    return v.viewport()->rect().contains(v.byteRect(offset)) &&
           v.viewport()->rect().contains(v.byteRect(offset, HexView::Column::Ascii));
}

} // namespace

class TestHexView : public QObject
{
    Q_OBJECT

private slots:
    void geometryRoundTrip()
    {
        HexView v;
        v.setData(counting(100));
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        for (int i = 0; i < 100; ++i) {
            const QRect hex = v.byteRect(i), ascii = v.byteRect(i, HexView::Column::Ascii);
            QVERIFY(v.viewport()->rect().contains(hex));
            QCOMPARE(v.offsetAt(hex.center()), i);
            QCOMPARE(v.offsetAt(hex.topLeft()), i);
            QCOMPARE(v.offsetAt(hex.bottomRight()), i);
            QCOMPARE(v.offsetAt(ascii.center()), i);
            QCOMPARE(v.offsetAt(ascii.topLeft()), i);
            QCOMPARE(v.offsetAt(ascii.bottomRight()), i);
            QVERIFY(hex.right() < v.byteRect(0, HexView::Column::Ascii).left());
            if (i % 16)
                QVERIFY(hex.left() > v.byteRect(i - 1).right());
        }
        // Not bytes: the offset column, past the last byte, the gap between the halves.
        QCOMPARE(v.offsetAt(QPoint(1, v.byteRect(0).center().y())), -1);
        QCOMPARE(v.offsetAt(v.byteRect(99).center() + QPoint(0, 2 * v.byteRect(99).height())), -1);
        QCOMPARE(v.offsetAt(QPoint(v.byteRect(99).right() + 3 * v.byteRect(99).width(),
                                   v.byteRect(99).center().y())),
                 -1);
        QCOMPARE(v.offsetAt(QPoint((v.byteRect(7).right() + v.byteRect(8).left()) / 2,
                                   v.byteRect(7).center().y())),
                 -1);
        QVERIFY(v.byteRect(100).isNull());
        QVERIFY(v.byteRect(-1).isNull());
        // The 7 lines fit: no scrolling needed.
        QCOMPARE(v.verticalScrollBar()->maximum(), 0);
    }

    void clickAndHover()
    {
        HexView v;
        v.setData(counting(100));
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QSignalSpy clicked(&v, &HexView::byteClicked);
        QTest::mouseClick(v.viewport(), Qt::LeftButton, {}, v.byteRect(37).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 37);
        QCOMPARE(v.cursorOffset(), 37);
        QTest::mouseClick(v.viewport(), Qt::LeftButton, {},
                          v.byteRect(50, HexView::Column::Ascii).center());
        QCOMPARE(clicked.count(), 2);
        QCOMPARE(clicked.at(1).at(0).toInt(), 50);
        // A click beside the bytes selects nothing.
        QTest::mouseClick(v.viewport(), Qt::LeftButton, {}, QPoint(1, 1));
        QCOMPARE(clicked.count(), 2);

        QSignalSpy hovered(&v, &HexView::byteHovered);
        QTest::mouseMove(v.viewport(), v.byteRect(20).center());
        QTRY_VERIFY(!hovered.isEmpty());
        QCOMPARE(hovered.last().at(0).toInt(), 20);
    }

    void highlightScrollsIntoView()
    {
        HexView v;
        v.setData(counting(4000)); // 250 lines
        v.resize(v.sizeHint().width(), 10 * v.fontMetrics().lineSpacing());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QVERIFY(v.verticalScrollBar()->maximum() > 200);
        v.verticalScrollBar()->setValue(v.verticalScrollBar()->maximum());
        QVERIFY(!fullyVisible(v, 14));
        v.setHighlight(14, 20);
        QCOMPARE(v.highlightOffset(), 14);
        QCOMPARE(v.highlightLength(), 20);
        QVERIFY(fullyVisible(v, 14));
        QVERIFY(fullyVisible(v, 33));
        v.setHighlight(3950, 30);
        QVERIFY(fullyVisible(v, 3950));
        QVERIFY(fullyVisible(v, 3979));
        // A range taller than the pane shows its start.
        v.setHighlight(100, 2000);
        QVERIFY(fullyVisible(v, 100));
        // Clamped to the data; 0 clears.
        v.setHighlight(3990, 50);
        QCOMPARE(v.highlightLength(), 10);
        v.setHighlight(5, 0);
        QCOMPARE(v.highlightLength(), 0);
        QCOMPARE(v.copyText(HexView::CopyFormat::Hex).size(), 8000);
        // The cell geometry still round-trips when scrolled.
        v.verticalScrollBar()->setValue(100);
        const int top = 100 * 16;
        QCOMPARE(v.offsetAt(v.byteRect(top + 5).center()), top + 5);
        QCOMPARE(v.offsetAt(v.byteRect(top + 21, HexView::Column::Ascii).center()), top + 21);
    }

    void copyFormats()
    {
        HexView v;
        v.setData(tcpSyn());
        QCOMPARE(v.data().size(), 74);
        QCOMPARE(v.copyText(HexView::CopyFormat::HexDump), QString::fromLatin1(kTsharkX));
        QCOMPARE(v.copyText(HexView::CopyFormat::Hex), QString::fromLatin1(tcpSyn().toHex()));
        v.setHighlight(14, 4);
        QCOMPARE(v.copyText(HexView::CopyFormat::CArray),
                 QStringLiteral("unsigned char pkt[] = {0x45, 0x00, 0x00, 0x3c};"));
        QCOMPARE(v.copyText(HexView::CopyFormat::Hex), QStringLiteral("4500003c"));
        QCOMPARE(v.copyText(HexView::CopyFormat::Text), QStringLiteral("E..<"));
        QCOMPARE(v.copyText(HexView::CopyFormat::HexDump),
                 QStringLiteral("000e  45 00 00 3c                                       E..<\n"));
        v.setHighlight(26, 18); // IPv4 addresses and TCP ports: two dump lines
        QCOMPARE(v.copyText(HexView::CopyFormat::HexDump),
                 QStringLiteral("001a  7f 00 00 01 7f 00 00 01 da 70 00 50 37 58 89 7e   "
                                ".........p.P7X.~\n"
                                "002a  00 00") +
                     QString(45, QLatin1Char(' ')) + QStringLiteral("..\n"));
        QCOMPARE(HexView::formatBytes(QByteArray(), 0, 0, HexView::CopyFormat::CArray),
                 QStringLiteral("unsigned char pkt[] = {};"));
        QCOMPARE(HexView::formatBytes(tcpSyn(), 70, 100, HexView::CopyFormat::Hex),
                 QStringLiteral("01030302"));
        // Frames past 64 KiB get wider offsets, as in tshark.
        const QString big =
            HexView::formatBytes(counting(70000), 69984, 16, HexView::CopyFormat::HexDump);
        QVERIFY2(big.startsWith(QStringLiteral("11160  ")), qPrintable(big));

        v.setHighlight(14, 4);
        v.copy();
        QCOMPARE(QGuiApplication::clipboard()->text(), v.copyText(HexView::CopyFormat::HexDump));
        QGuiApplication::clipboard()->clear();
        QTest::keyClick(&v, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("000e  45 00 00 3c                                       E..<\n"));
    }

    void keyboardCursor()
    {
        HexView v;
        v.setData(counting(100));
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QSignalSpy clicked(&v, &HexView::byteClicked);
        QTest::mouseClick(v.viewport(), Qt::LeftButton, {}, v.byteRect(37).center());
        const auto key = [&](int k, Qt::KeyboardModifiers mods = {}) {
            QTest::keyClick(&v, Qt::Key(k), mods);
            return clicked.isEmpty() ? -2 : clicked.last().at(0).toInt();
        };
        QCOMPARE(key(Qt::Key_Right), 38);
        QCOMPARE(key(Qt::Key_Down), 54);
        QCOMPARE(key(Qt::Key_Left), 53);
        QCOMPARE(key(Qt::Key_Up), 37);
        QCOMPARE(key(Qt::Key_Home), 32);
        QCOMPARE(key(Qt::Key_End), 47);
        QCOMPARE(key(Qt::Key_End, Qt::ControlModifier), 99);
        QCOMPARE(key(Qt::Key_Right), 99); // stays on the last byte
        QCOMPARE(key(Qt::Key_Down), 99);
        QCOMPARE(key(Qt::Key_Home, Qt::ControlModifier), 0);
        QCOMPARE(key(Qt::Key_Left), 0);
        QCOMPARE(key(Qt::Key_PageDown), 99); // the whole packet is one page
        QCOMPARE(v.cursorOffset(), 99);

        // Without a cursor the keys start from the highlight.
        HexView w;
        w.setData(counting(4000));
        w.resize(w.sizeHint().width(), 10 * w.fontMetrics().lineSpacing());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy wClicked(&w, &HexView::byteClicked);
        w.setHighlight(200, 4);
        QTest::keyClick(&w, Qt::Key_Right);
        QCOMPARE(wClicked.last().at(0).toInt(), 201);
        QTest::keyClick(&w, Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(wClicked.last().at(0).toInt(), 3999);
        QVERIFY(fullyVisible(w, 3999)); // the cursor is scrolled into view
        QTest::keyClick(&w, Qt::Key_PageUp);
        QVERIFY(wClicked.last().at(0).toInt() < 3999 - 16);
        QVERIFY(fullyVisible(w, wClicked.last().at(0).toInt()));
    }

    void painting()
    {
        HexView v;
        QVERIFY(!v.grab().toImage().isNull()); // empty
        v.setData(tcpSyn());
        v.resize(v.sizeHint());
        v.setHighlight(14, 20);
        QTest::mouseClick(v.viewport(), Qt::LeftButton, {}, v.byteRect(40).center());
        const QImage image = v.grab().toImage();
        QVERIFY(!image.isNull());
        QCOMPARE(image.size() / image.devicePixelRatio(), v.size());
        // The highlight is painted: a highlighted cell differs from a plain one's background.
        const QImage vp = v.viewport()->grab().toImage();
        const QPoint inHl = v.byteRect(14).topLeft() + QPoint(1, 1);
        const QPoint plain = v.byteRect(60).topLeft() + QPoint(1, 1);
        QVERIFY(vp.pixelColor(inHl) != vp.pixelColor(plain));
        QVERIFY(v.sizeHint().width() > v.byteRect(0, HexView::Column::Ascii).left());
        QVERIFY(v.minimumSizeHint().width() < v.sizeHint().width());

        // Data bigger than 64 KiB: wider offsets, still consistent geometry.
        v.setData(counting(70000));
        v.setHighlight(69990, 10);
        QVERIFY(!v.grab().toImage().isNull());
        QCOMPARE(v.offsetAt(v.byteRect(69995).center()), 69995);
    }

    void sourceTabs()
    {
        // One source: no tabs. Two: `Frame (74 bytes)` and the reassembled bytes under the
        // hex, the frame shown first; a highlight belongs to its source and comes back with it.
        HexView v;
        v.setData(tcpSyn());
        v.resize(v.sizeHint());
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QCOMPARE(v.sourceCount(), 1);
        QVERIFY(!v.tabBar()->isVisible());

        QSignalSpy switched(&v, &HexView::currentSourceChanged);
        v.setSources({{QStringLiteral("Frame (74 bytes)"), tcpSyn()},
                      {QStringLiteral("Reassembled TCP (32 bytes)"), innerDatagram()}});
        v.resize(v.sizeHint());
        QCOMPARE(v.sourceCount(), 2);
        QVERIFY(v.tabBar()->isVisible());
        QCOMPARE(v.tabBar()->count(), 2);
        QCOMPARE(v.tabBar()->tabText(0), QStringLiteral("Frame (74 bytes)"));
        QCOMPARE(v.tabBar()->tabText(1), QStringLiteral("Reassembled TCP (32 bytes)"));
        QCOMPARE(v.tabBar()->currentIndex(), 0);
        QCOMPARE(v.currentSource(), 0);
        QCOMPARE(v.data(), tcpSyn());
        QCOMPARE(switched.count(), 0);
        // The tabs sit under the bytes, not over them.
        QVERIFY(v.tabBar()->geometry().top() > v.viewport()->geometry().bottom());
        QVERIFY(v.rect().contains(v.tabBar()->geometry()));

        v.setHighlight(1, 8, 4);
        QCOMPARE(v.currentSource(), 1);
        QCOMPARE(v.tabBar()->currentIndex(), 1);
        QCOMPARE(v.data(), innerDatagram());
        QCOMPARE(v.highlightOffset(), 8);
        QCOMPARE(v.highlightLength(), 4);
        QCOMPARE(switched.count(), 1);
        QCOMPARE(v.copyText(HexView::CopyFormat::Hex), QStringLiteral("2111d9fd"));

        // The user clicks the frame's tab: its bytes, no highlight there; back: it returns.
        QTest::mouseClick(v.tabBar(), Qt::LeftButton, {}, v.tabBar()->tabRect(0).center());
        QCOMPARE(v.currentSource(), 0);
        QCOMPARE(v.data(), tcpSyn());
        QCOMPARE(v.highlightLength(), 0);
        QCOMPARE(switched.count(), 2);
        QCOMPARE(switched.last().at(0).toInt(), 0);
        QTest::mouseClick(v.tabBar(), Qt::LeftButton, {}, v.tabBar()->tabRect(1).center());
        QCOMPARE(v.currentSource(), 1);
        QCOMPARE(v.highlightOffset(), 8);
        QCOMPARE(v.highlightLength(), 4);

        // A click reports the byte of the source shown; past its end is no byte.
        QSignalSpy clicked(&v, &HexView::byteClicked);
        QTest::mouseClick(v.viewport(), Qt::LeftButton, {}, v.byteRect(20).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.last().at(0).toInt(), 20);
        QCOMPARE(v.byteRect(40), QRect());

        // A new packet with only a frame: the tabs go.
        v.setData(tcpSyn());
        QCOMPARE(v.sourceCount(), 1);
        QVERIFY(!v.tabBar()->isVisible());
        QCOMPARE(v.currentSource(), 0);
        QCOMPARE(v.highlightLength(), 0);
    }

    void treeAndTabsBothWays()
    {
        // The detail tree and the tabbed bytes wired as the main window wires them (tree
        // item -> its source's tab and bytes; byte of a tab -> that source's item), on a
        // dissection with a reassembled source built by hand.
        pltest::Dissected p(
            pltest::hex("00 00 00 00 00 00 00 00 00 00 00 00 08 00"
                        "45 00 00 3c 1b 68 40 00 40 06 21 52 7f 00 00 01 7f 00 00 01"
                        "da 70 00 50 37 58 89 7e 00 00 00 00 a0 02 7f ff 14 21 00 00"
                        "02 04 40 0c 04 02 08 0a 4d dc 92 16 00 00 00 00 01 03 03 02"),
            1);
        const QByteArray inner = innerDatagram();
        const int src = p.d.addSource("Reassembled TCP (32 bytes)",
                                      std::vector<uint8_t>(inner.begin(), inner.end()));
        {
            pl::Dissection::SourceScope scope(p.d, src);
            QVERIFY(p.d.dispatch(pl::Table::EtherType, 0x0800, p.d.sourceReader(size_t(src)),
                                 pl::Item{p.nodes("tcp").at(0)}));
        }
        pl::ProtoTreeModel model;
        model.setPacket(p.d);
        QTreeView tree;
        tree.setModel(&model);
        HexView hex;
        QList<HexView::Source> sources;
        for (int i = 0; i < model.sourceCount(); ++i)
            sources.append({model.sourceName(i), model.sourceBytes(i)});
        hex.setSources(sources);
        QObject::connect(tree.selectionModel(), &QItemSelectionModel::currentChanged, &hex,
                         [&](const QModelIndex &i) {
                             hex.setHighlight(i.data(pl::ProtoTreeModel::SourceRole).toInt(),
                                              i.data(pl::ProtoTreeModel::OffsetRole).toInt(),
                                              i.data(pl::ProtoTreeModel::LengthRole).toInt());
                         });
        QObject::connect(&hex, &HexView::byteClicked, &tree, [&](int offset) {
            tree.setCurrentIndex(model.indexForOffset(hex.currentSource(), offset));
        });
        hex.resize(hex.sizeHint());
        hex.show();
        QVERIFY(QTest::qWaitForWindowExposed(&hex));
        QCOMPARE(hex.tabBar()->tabText(0), QStringLiteral("Frame (74 bytes)"));

        // Tree -> bytes: the inner TTL selects the reassembled tab and its byte 8.
        QModelIndexList all;
        std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
            for (int r = 0; r < model.rowCount(parent); ++r) {
                const QModelIndex i = model.index(r, 0, parent);
                all << i;
                walk(i);
            }
        };
        walk({});
        QModelIndex innerTtl, outerTtl;
        for (const QModelIndex &i : std::as_const(all)) {
            if (i.data().toString() == QStringLiteral("Time to Live: 33"))
                innerTtl = i;
            if (i.data().toString() == QStringLiteral("Time to Live: 64"))
                outerTtl = i;
        }
        QVERIFY(innerTtl.isValid() && outerTtl.isValid());
        tree.setCurrentIndex(innerTtl);
        QCOMPARE(hex.currentSource(), 1);
        QCOMPARE(hex.highlightOffset(), 8);
        QCOMPARE(hex.highlightLength(), 1);
        // ... and the frame's TTL goes back to the frame's tab, byte 22.
        tree.setCurrentIndex(outerTtl);
        QCOMPARE(hex.currentSource(), 0);
        QCOMPARE(hex.highlightOffset(), 22);
        QCOMPARE(hex.highlightLength(), 1);

        // Bytes -> tree: byte 22 of the frame is its TTL, byte 22 of the PDU the inner
        // UDP destination port (the same offset, another item).
        QTest::mouseClick(hex.tabBar(), Qt::LeftButton, {}, hex.tabBar()->tabRect(1).center());
        QCOMPARE(hex.currentSource(), 1);
        QTest::mouseClick(hex.viewport(), Qt::LeftButton, {}, hex.byteRect(22).center());
        QCOMPARE(tree.currentIndex().data(pl::ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("udp.dstport"));
        QCOMPARE(hex.currentSource(), 1);
        QCOMPARE(hex.highlightOffset(), 22);
        QCOMPARE(hex.highlightLength(), 2);
        QTest::mouseClick(hex.tabBar(), Qt::LeftButton, {}, hex.tabBar()->tabRect(0).center());
        QTest::mouseClick(hex.viewport(), Qt::LeftButton, {}, hex.byteRect(22).center());
        QCOMPARE(tree.currentIndex(), outerTtl);
        QCOMPARE(hex.currentSource(), 0);
    }

    void mainWindowReassembledTabs()
    {
        // The window on a capture where TCP reassembles an HTTP response over three segments
        // (tests/data/http-split.pcap, frame 14): the tabs, a tree item of the PDU selecting
        // its tab and bytes, a byte of the PDU's tab selecting its item.
        QTemporaryDir settings;
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
        pl::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(
            w.openFile(QStringLiteral(PACKETLENS_SOURCE_DIR "/tests/data/http-split.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QVERIFY(w.packetModel()->rowCount() >= 14);
        w.packetList()->selectRow(13);
        HexView *hex = w.hexView();
        if (hex->sourceCount() < 2)
            QSKIP("TCP reassembly does not give frame 14 a reassembled source yet");
        QCOMPARE(hex->sourceName(0), QStringLiteral("Frame (1956 bytes)"));
        QVERIFY(hex->sourceName(1).startsWith(QStringLiteral("Reassembled TCP (")));
        QVERIFY(hex->tabBar()->isVisible());
        QCOMPARE(hex->currentSource(), 0);

        // The first item of the reassembled source with bytes: the tree selects its tab.
        pl::ProtoTreeModel *m = w.treeModel();
        QModelIndex inPdu;
        std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
            for (int r = 0; r < m->rowCount(parent) && !inPdu.isValid(); ++r) {
                const QModelIndex i = m->index(r, 0, parent);
                if (i.data(pl::ProtoTreeModel::SourceRole).toInt() == 1 &&
                    i.data(pl::ProtoTreeModel::LengthRole).toInt() > 0 && parent.isValid())
                    inPdu = i;
                walk(i);
            }
        };
        walk({});
        QVERIFY(inPdu.isValid());
        w.detailTree()->setCurrentIndex(inPdu);
        QCOMPARE(hex->currentSource(), 1);
        QCOMPARE(hex->data(), m->sourceBytes(1));
        QCOMPARE(hex->highlightOffset(), inPdu.data(pl::ProtoTreeModel::OffsetRole).toInt());
        QCOMPARE(hex->highlightLength(), inPdu.data(pl::ProtoTreeModel::LengthRole).toInt());

        // A byte of the PDU's tab: an item of the PDU holding it.
        QTest::mouseClick(hex->viewport(), Qt::LeftButton, {}, hex->byteRect(2).center());
        const QModelIndex picked = w.detailTree()->currentIndex();
        QCOMPARE(picked.data(pl::ProtoTreeModel::SourceRole).toInt(), 1);
        QVERIFY(picked.data(pl::ProtoTreeModel::OffsetRole).toInt() <= 2);
        // The frame's tab: a byte there selects a frame item (byte 23: ip.proto).
        QTest::mouseClick(hex->tabBar(), Qt::LeftButton, {}, hex->tabBar()->tabRect(0).center());
        QCOMPARE(hex->currentSource(), 0);
        QTest::mouseClick(hex->viewport(), Qt::LeftButton, {}, hex->byteRect(23).center());
        QCOMPARE(w.detailTree()->currentIndex().data(pl::ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("ip.proto"));

        // A packet without reassembly: no tabs.
        w.packetList()->selectRow(0);
        QCOMPARE(hex->sourceCount(), 1);
        QVERIFY(!hex->tabBar()->isVisible());
    }
};

QTEST_MAIN(TestHexView)
#include "tst_hexview.moc"
