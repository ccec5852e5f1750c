// Capture > Options: the chosen interfaces and options come back in config(), setConfig()
// restores them, and Start stays disabled while the filter does not compile.

#include "app/capturedialog.h"
#include "app/capturefilteredit.h"
#include "app/interfacelistmodel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

#include <algorithm>

#include "fakeinterface.h"

using pl::CaptureDialog;
using pl::InterfaceListModel;
using pl::ipc::Config;
using pltest::fakeInterface;

namespace {

std::vector<pl::capture::InterfaceInfo> fakeInterfaces()
{
    return {fakeInterface(1, "lo"), fakeInterface(2, "eth0"), fakeInterface(3, "tun0", 101),
            fakeInterface(4, "ppp0", 0)};
}

template <typename T> T *only(QObject *parent)
{
    const QList<T *> all = parent->findChildren<T *>();
    return all.size() == 1 ? all.first() : nullptr;
}

} // namespace

class TestCaptureDialog : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        InterfaceListModel model(fakeInterfaces);
        CaptureDialog dialog(nullptr, &model);
        QAbstractItemModelTester tester(&model);
        const Config c = dialog.config();
        QVERIFY(c.interfaces.isEmpty());
        QCOMPARE(c.filter, QString());
        QCOMPARE(c.snaplen, 262144u);
        QCOMPARE(c.promiscuous, true);
        QCOMPARE(c.bufferMiB, 32u);
        // Nothing chosen: nothing to start.
        QVERIFY(!dialog.startButton()->isEnabled());
        QSpinBox *snaplen = dialog.findChildren<QSpinBox *>().at(0);
        QCOMPARE(snaplen->minimum(), 64);
        QCOMPARE(snaplen->maximum(), 262144);
    }

    void configReflectsTheChoices()
    {
        InterfaceListModel model(fakeInterfaces);
        CaptureDialog dialog(nullptr, &model);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTableView *view = dialog.interfaceView();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(model.index(2, 0)).center());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          view->visualRect(model.index(1, 0)).center());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          view->visualRect(model.index(3, 0)).center()); // not capturable
        QVERIFY(dialog.startButton()->isEnabled());

        auto *snaplen = dialog.findChild<QSpinBox *>(QStringLiteral("snaplen"));
        auto *buffer = dialog.findChild<QSpinBox *>(QStringLiteral("buffer"));
        QVERIFY(snaplen && buffer);
        snaplen->selectAll();
        QTest::keyClicks(snaplen, QStringLiteral("1500"));
        buffer->setValue(128);
        QCheckBox *promiscuous = only<QCheckBox>(&dialog);
        QVERIFY(promiscuous);
        promiscuous->setFocus();
        QTest::keyClick(promiscuous, Qt::Key_Space);
        dialog.filterEdit()->setFocus();
        QTest::keyClicks(dialog.filterEdit(), QStringLiteral("udp port 53"));

        const Config c = dialog.config();
        QCOMPARE(c.interfaces, (QStringList{QStringLiteral("eth0"), QStringLiteral("tun0")}));
        QCOMPARE(c.filter, QStringLiteral("udp port 53"));
        QCOMPARE(c.snaplen, 1500u);
        QCOMPARE(c.promiscuous, false);
        QCOMPARE(c.bufferMiB, 128u);
        QCOMPARE(dialog.filter(), QStringLiteral("udp port 53"));
    }

    void setConfigRoundTrips()
    {
        InterfaceListModel model(fakeInterfaces);
        CaptureDialog dialog(nullptr, &model);
        Config c;
        c.interfaces = {QStringLiteral("lo"), QStringLiteral("tun0")};
        c.filter = QStringLiteral("icmp or icmp6");
        c.snaplen = 96;
        c.promiscuous = false;
        c.bufferMiB = 8;
        c.queueLimitBytes = 12345;
        dialog.setConfig(c);
        QCOMPARE(dialog.config(), c);
        QVERIFY(dialog.startButton()->isEnabled());

        // Interfaces that are gone, or cannot be captured on, are not chosen; bounds hold.
        Config stale = c;
        stale.interfaces = {QStringLiteral("wlan0"), QStringLiteral("ppp0"), QStringLiteral("lo")};
        stale.snaplen = 10;
        stale.bufferMiB = 100000;
        dialog.setConfig(stale);
        const Config got = dialog.config();
        QCOMPARE(got.interfaces, QStringList{QStringLiteral("lo")});
        QCOMPARE(got.snaplen, 64u);
        QCOMPARE(got.bufferMiB, 1024u);
    }

    void badFilterDisablesStart()
    {
        InterfaceListModel model(fakeInterfaces);
        CaptureDialog dialog(nullptr, &model);
        Config c;
        c.interfaces = {QStringLiteral("eth0")};
        dialog.setConfig(c);
        QVERIFY(dialog.startButton()->isEnabled());

        dialog.setFilter(QStringLiteral("host and port"));
        QVERIFY(!dialog.startButton()->isEnabled());
        QVERIFY(!dialog.filterError().isEmpty());
        // pcap's message is shown under the filter.
        bool shown = false;
        const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
        for (const QLabel *l : labels)
            shown |= l->text() == dialog.filterError();
        QVERIFY(shown);

        dialog.setFilter(QStringLiteral("ether broadcast"));
        QVERIFY(dialog.startButton()->isEnabled());
        // Choosing a raw-IP interface too makes the Ethernet-only filter invalid.
        c.interfaces = {QStringLiteral("eth0"), QStringLiteral("tun0")};
        c.filter = QStringLiteral("ether broadcast");
        dialog.setConfig(c);
        QVERIFY(!dialog.startButton()->isEnabled());
        QVERIFY(!dialog.filterError().isEmpty());
    }

    void realInterfaces()
    {
        CaptureDialog dialog;
        QVERIFY(dialog.interfaceModel()->isLive());
        Config c;
        c.interfaces = {QStringLiteral("lo")};
        dialog.setConfig(c);
        QCOMPARE(dialog.config().interfaces, QStringList{QStringLiteral("lo")});
    }

    void sharedModelGetsItsLivenessBack()
    {
        InterfaceListModel model(fakeInterfaces);
        QVERIFY(!model.isLive());
        {
            CaptureDialog dialog(nullptr, &model);
            QVERIFY(model.isLive());
        }
        QVERIFY(!model.isLive());
    }

    void limitsRoundTrip()
    {
        InterfaceListModel model(fakeInterfaces);
        CaptureDialog dialog(nullptr, &model);
        QCOMPARE(dialog.limits(), pl::CaptureLimits{}); // no limits unless asked
        const pl::CaptureLimits limits{
            .packets = 1000, .seconds = 60, .megabytes = 0, .ringFileMiB = 100, .ringFiles = 5};
        dialog.setLimits(limits);
        QCOMPARE(dialog.limits(), limits);
        // What the user sees: 0 reads as "no limit", the ring as files of 100 MiB, 5 kept.
        const QList<QSpinBox *> boxes = dialog.findChildren<QSpinBox *>();
        QVERIFY(std::any_of(boxes.begin(), boxes.end(),
                            [](QSpinBox *b) { return b->text() == QStringLiteral("no limit"); }));
        QVERIFY(std::any_of(boxes.begin(), boxes.end(),
                            [](QSpinBox *b) { return b->text() == QStringLiteral("5 files"); }));
    }
};

QTEST_MAIN(TestCaptureDialog)
#include "tst_capturedialog.moc"
