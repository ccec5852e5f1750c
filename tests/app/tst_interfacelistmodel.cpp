// The interface list of the start page and capture dialog: rates from the kernel's counters,
// interfaces coming and going with exact row ranges, and the real rtnetlink listing.

#include "app/interfacelistmodel.h"
#include "app/sparklinedelegate.h"

#include <QAbstractItemModelTester>
#include <QImage>
#include <QItemSelectionModel>
#include <QPainter>
#include <QSet>
#include <QSignalSpy>
#include <QStyleOptionViewItem>
#include <QTableView>
#include <QTest>

#include "fakeinterface.h"

using pl::InterfaceListModel;
using pl::capture::InterfaceInfo;

namespace {

InterfaceInfo iface(int index, const char *name, uint64_t rx = 0, uint64_t tx = 0)
{
    InterfaceInfo i = pltest::fakeInterface(index, name);
    i.arphrd = 1;
    i.rxPackets = rx;
    i.txPackets = tx;
    return i;
}

// A model over `*list`, which the test changes between refreshes.
struct Fake
{
    std::vector<InterfaceInfo> list;
    InterfaceListModel model{[this] { return list; }};
    QAbstractItemModelTester tester{&model};
};

QStringList names(const InterfaceListModel &m)
{
    QStringList n;
    for (int r = 0; r < m.rowCount(); ++r)
        n.append(m.index(r, 0).data(InterfaceListModel::InterfaceNameRole).toString());
    return n;
}

QList<qreal> history(const InterfaceListModel &m, int row)
{
    return m.index(row, InterfaceListModel::Traffic)
        .data(InterfaceListModel::HistoryRole)
        .value<QList<qreal>>();
}

} // namespace

class TestInterfaceListModel : public QObject
{
    Q_OBJECT

private slots:
    void columnsAndAddresses()
    {
        Fake f;
        f.list = {iface(1, "lo"), iface(2, "eth0")};
        f.list[1].addresses = {"192.0.2.2/24", "fe80::1/64"};
        f.model.refresh(0);
        QCOMPARE(f.model.columnCount(), 3);
        QCOMPARE(f.model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Interface"));
        QCOMPARE(f.model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Addresses"));
        QCOMPARE(f.model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Traffic"));
        QCOMPARE(names(f.model), (QStringList{QStringLiteral("lo"), QStringLiteral("eth0")}));
        const QModelIndex addr = f.model.index(1, InterfaceListModel::Addresses);
        QCOMPARE(addr.data().toString(), QStringLiteral("192.0.2.2/24, fe80::1/64"));
        QCOMPARE(addr.data(Qt::ToolTipRole).toString(), QStringLiteral("192.0.2.2/24\nfe80::1/64"));
        QCOMPARE(f.model.index(1, 0).data(InterfaceListModel::LinkTypeRole).toUInt(), 1u);
        // Before a second sample there is no rate to show.
        QVERIFY(history(f.model, 1).isEmpty());
        QVERIFY(f.model.index(1, InterfaceListModel::Traffic).data().toString().isEmpty());
    }

    void ratesFromCounters()
    {
        Fake f;
        f.list = {iface(1, "lo", 1000, 1000), iface(2, "eth0", 100, 50)};
        f.list[0].loopback = true;
        f.model.refresh(10'000);
        QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);

        f.list[0].rxPackets += 40; // loopback: every packet is counted as rx and as tx
        f.list[0].txPackets += 40;
        f.list[1].rxPackets += 200;
        f.list[1].txPackets += 100;
        f.model.refresh(11'000);
        QCOMPARE(history(f.model, 0), (QList<qreal>{40}));
        QCOMPARE(history(f.model, 1), (QList<qreal>{300}));
        QCOMPARE(f.model.index(1, InterfaceListModel::Traffic).data().toString(),
                 QStringLiteral("300 pkt/s"));
        QVERIFY(!changed.isEmpty());
        const QModelIndex topLeft = changed.last().at(0).value<QModelIndex>();
        QCOMPARE(topLeft.column(), int(InterfaceListModel::Traffic));

        // Half a second later, 100 more packets: 200 packets/s.
        f.list[1].rxPackets += 100;
        f.model.refresh(11'500);
        QCOMPARE(history(f.model, 1), (QList<qreal>{300, 200}));
        QCOMPARE(f.model.index(1, 2).data(InterfaceListModel::RateRole).toReal(), 200.0);

        // A counter that went backwards (driver reset) gives no made-up rate.
        f.list[1].rxPackets = 0;
        f.list[1].txPackets = 0;
        f.model.refresh(12'500);
        QCOMPARE(history(f.model, 1), (QList<qreal>{300, 200}));
        f.list[1].rxPackets = 7;
        f.model.refresh(13'500);
        QCOMPARE(history(f.model, 1), (QList<qreal>{300, 200, 7}));
    }

    void historyKeepsOneMinute()
    {
        Fake f;
        f.list = {iface(1, "eth0")};
        f.model.refresh(0);
        for (int s = 1; s <= 75; ++s) {
            f.list[0].rxPackets += uint64_t(s);
            f.model.refresh(s * 1000);
        }
        const QList<qreal> h = history(f.model, 0);
        QCOMPARE(h.size(), InterfaceListModel::HistoryLength);
        QCOMPARE(h.first(), 16.0); // seconds 1..15 scrolled off
        QCOMPARE(h.last(), 75.0);
    }

    void interfacesComeAndGoWithExactRanges()
    {
        Fake f;
        f.list = {iface(1, "lo"), iface(2, "eth0"), iface(7, "wlan0")};
        f.model.refresh(0);
        QItemSelectionModel selection(&f.model);
        selection.select(f.model.index(2, 0),
                         QItemSelectionModel::Select | QItemSelectionModel::Rows);

        QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);

        // Two veth ends appear between eth0 and wlan0 (index order, as `ip link` lists them).
        f.list.insert(f.list.begin() + 2, {iface(4, "veth0"), iface(5, "veth1")});
        f.model.refresh(1000);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 2);
        QCOMPARE(inserted[0][2].toInt(), 3);
        QCOMPARE(names(f.model),
                 (QStringList{QStringLiteral("lo"), QStringLiteral("eth0"), QStringLiteral("veth0"),
                              QStringLiteral("veth1"), QStringLiteral("wlan0")}));
        // The selection followed wlan0 down.
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(selection.selectedRows()[0].row(), 4);

        // eth0 and veth0 go (one run), and a new one appears at the end.
        f.list.erase(f.list.begin() + 1, f.list.begin() + 3);
        f.list.push_back(iface(9, "tun0"));
        inserted.clear();
        f.model.refresh(2000);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed[0][1].toInt(), 1);
        QCOMPARE(removed[0][2].toInt(), 2);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 3);
        QCOMPARE(inserted[0][2].toInt(), 3);
        QCOMPARE(names(f.model), (QStringList{QStringLiteral("lo"), QStringLiteral("veth1"),
                                              QStringLiteral("wlan0"), QStringLiteral("tun0")}));
        QCOMPARE(selection.selectedRows()[0].data(InterfaceListModel::InterfaceNameRole),
                 QVariant(QStringLiteral("wlan0")));

        // Deleted and re-created under the same name: a new device (new index, counters from
        // zero), so the old row goes and the new one comes without a bogus rate.
        removed.clear();
        inserted.clear();
        f.list = {iface(1, "lo"), iface(7, "wlan0"), iface(9, "tun0"), iface(12, "veth1")};
        f.model.refresh(3000);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed[0][1].toInt(), 1);
        QCOMPARE(removed[0][2].toInt(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 3);
        QCOMPARE(inserted[0][2].toInt(), 3);
        QVERIFY(history(f.model, 3).isEmpty());
        QCOMPARE(reset.size(), 0);

        // Everything gone, then back.
        f.list.clear();
        f.model.refresh(4000);
        QCOMPARE(f.model.rowCount(), 0);
        f.list = {iface(1, "lo")};
        f.model.refresh(5000);
        QCOMPARE(names(f.model), QStringList{QStringLiteral("lo")});
        QCOMPARE(reset.size(), 0);
    }

    void downAndUncapturableInterfaces()
    {
        Fake f;
        f.list = {iface(1, "eth0"), iface(2, "eth1"), iface(3, "ppp0")};
        f.list[1].up = f.list[1].running = false;
        f.list[2].linkType = 0;
        f.list[2].arphrd = 512;
        f.model.refresh(0);
        QCOMPARE(f.model.index(0, 0).data().toString(), QStringLiteral("eth0"));
        QVERIFY(!f.model.index(0, 0).data(Qt::ForegroundRole).isValid());
        // Down: greyed and marked, but still selectable (it may come up while capturing).
        QCOMPARE(f.model.index(1, 0).data().toString(), QStringLiteral("eth1 (down)"));
        QCOMPARE(f.model.index(1, 0).data(InterfaceListModel::InterfaceNameRole).toString(),
                 QStringLiteral("eth1"));
        QVERIFY(f.model.index(1, 0).data(Qt::ForegroundRole).isValid());
        QVERIFY(f.model.flags(f.model.index(1, 0)) & Qt::ItemIsSelectable);
        // Not capturable: listed, explained, not choosable.
        QVERIFY(!(f.model.flags(f.model.index(2, 0)) & Qt::ItemIsEnabled));
        QVERIFY(!(f.model.flags(f.model.index(2, 0)) & Qt::ItemIsSelectable));
        QVERIFY(f.model.index(2, 0)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("cannot capture")));
        QVERIFY(!f.model.index(2, 0).data(InterfaceListModel::CapturableRole).toBool());

        // Going up is a dataChanged of that row, not a remove/insert.
        QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
        QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
        f.list[1].up = true;
        f.model.refresh(1000);
        QCOMPARE(removed.size(), 0);
        QCOMPARE(f.model.index(1, 0).data().toString(), QStringLiteral("eth1"));
        bool sawRow1 = false;
        for (const auto &args : std::as_const(changed))
            sawRow1 |= args[0].value<QModelIndex>().row() <= 1 &&
                       args[1].value<QModelIndex>().row() >= 1 &&
                       args[0].value<QModelIndex>().column() == 0;
        QVERIFY(sawRow1);
    }

    void realInterfacesListLoopback()
    {
        InterfaceListModel model;
        QAbstractItemModelTester tester(&model);
        QVERIFY2(model.errorString().isEmpty(), qPrintable(model.errorString()));
        const int lo = model.rowOf(QStringLiteral("lo"));
        QVERIFY(lo >= 0);
        QVERIFY(model.index(lo, InterfaceListModel::Addresses)
                    .data()
                    .toString()
                    .contains(QStringLiteral("127.0.0.1")));
        QVERIFY(model.flags(model.index(lo, 0)) & Qt::ItemIsEnabled);
    }

    void liveRefreshesEverySecond()
    {
        InterfaceListModel model;
        QAbstractItemModelTester tester(&model);
        const int lo = model.rowOf(QStringLiteral("lo"));
        QVERIFY(lo >= 0);
        QSignalSpy refreshed(&model, &InterfaceListModel::refreshed);
        model.setLive(true);
        QVERIFY(model.isLive());
        // Going live re-reads the counters as the base, but milliseconds after the model was
        // made that would be a meaningless rate: none is drawn yet.
        QVERIFY(history(model, lo).isEmpty());
        refreshed.clear();
        QVERIFY(refreshed.wait(3000));
        // Every live refresh after that adds a rate (0 on an idle lo is a rate).
        QCOMPARE(history(model, lo).size(), 1);
        model.setLive(false);
        QVERIFY(!model.isLive());
        refreshed.clear();
        QVERIFY(!refreshed.wait(1500));
    }

    void sparklinePaintsHistory()
    {
        Fake f;
        f.list = {iface(1, "eth0"), iface(2, "idle")};
        f.model.refresh(0);
        for (int s = 1; s <= 30; ++s) {
            f.list[0].rxPackets += uint64_t(s % 10) * 100;
            f.model.refresh(s * 1000);
        }
        f.list.push_back(iface(3, "fresh")); // listed once: no rate yet
        f.model.refresh(31'000);

        QTableView view;
        view.setModel(&f.model);
        pl::SparklineDelegate delegate;
        QStyleOptionViewItem option;
        option.initFrom(&view);
        option.widget = &view;
        option.rect = QRect(0, 0, 300, 30);
        option.state |= QStyle::State_Enabled | QStyle::State_Active;
        const QColor line = option.palette.color(QPalette::Active, QPalette::Highlight);

        auto render = [&](int row) {
            QImage image(300, 30, QImage::Format_ARGB32);
            image.fill(Qt::white);
            QPainter p(&image);
            delegate.paint(&p, option, f.model.index(row, InterfaceListModel::Traffic));
            return image;
        };
        auto lineRows = [&](const QImage &image) {
            // Rows of the image holding line-coloured pixels, left of the text.
            QSet<int> rows;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < 150; ++x)
                    if (qAbs(image.pixelColor(x, y).hue() - line.hue()) < 8 &&
                        image.pixelColor(x, y).saturation() > 120)
                        rows.insert(y);
            return rows;
        };
        // A varying rate draws a line that goes up and down.
        QVERIFY(lineRows(render(0)).size() > 10);
        // Idle: a flat line along the bottom.
        const QSet<int> idle = lineRows(render(1));
        QVERIFY(!idle.isEmpty());
        QVERIFY(idle.size() <= 4);
        QVERIFY(*std::min_element(idle.begin(), idle.end()) > 20);
        // No history: nothing but the background.
        QVERIFY(lineRows(render(2)).isEmpty());
        QCOMPARE(delegate.sizeHint(option, f.model.index(0, InterfaceListModel::Traffic)).width() >
                     100,
                 true);
    }
};

QTEST_MAIN(TestInterfaceListModel)
#include "tst_interfacelistmodel.moc"
