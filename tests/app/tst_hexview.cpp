// The hex pane: cell geometry both ways, clicks and keys reporting bytes, highlight scrolling,
// copy formats (the hex dump is tshark -x's), and painting.

#include "app/hexview.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

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
};

QTEST_MAIN(TestHexView)
#include "tst_hexview.moc"
