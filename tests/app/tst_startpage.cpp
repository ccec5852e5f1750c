// The start page as a user meets it: a capture filter that turns red with pcap's message, a
// double-click on an interface that asks for a capture (or refuses, saying why), Start/Enter
// on several interfaces, and the recent files.

#include "app/capturefilteredit.h"
#include "app/interfacelistmodel.h"
#include "app/startpage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "fakeinterface.h"

using pl::CaptureFilterEdit;
using pl::InterfaceListModel;
using pl::StartPage;
using pl::ipc::Config;
using pltest::fakeInterface;

namespace {

// The colour the user sees in the middle of the edit's right half (past the text, left of
// the clear button).
QColor editBackground(QLineEdit *edit)
{
    const QImage image = edit->grab().toImage();
    return image.pixelColor(image.width() * 3 / 4, image.height() / 2);
}

bool isReddish(const QColor &c)
{
    return c.red() > 200 && c.green() < c.red() - 30 && c.blue() < c.red() - 30;
}

bool isGreenish(const QColor &c)
{
    return c.green() > 200 && c.red() < c.green() - 20 && c.blue() < c.green() - 20;
}

void doubleClick(QAbstractItemView *view, const QModelIndex &index)
{
    const QRect rect = view->visualRect(index);
    // A real double-click is a click followed by a double-click event; the view needs both.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
}

struct Page
{
    explicit Page(InterfaceListModel *model = nullptr) : page(nullptr, model)
    {
        QObject::connect(&page, &StartPage::captureRequested,
                         [this](const Config &c) { requests.append(c); });
        page.resize(900, 600);
        page.show();
    }
    StartPage page;
    QList<Config> requests;
};

} // namespace

class TestStartPage : public QObject
{
    Q_OBJECT

private slots:
    void invalidFilterTurnsRedAndRefusesDoubleClick()
    {
        Page p;
        QVERIFY(QTest::qWaitForWindowExposed(&p.page));
        QAbstractItemModelTester tester(p.page.interfaceModel());
        const int lo = p.page.interfaceModel()->rowOf(QStringLiteral("lo"));
        QVERIFY(lo >= 0);
        CaptureFilterEdit *edit = p.page.filterEdit();
        const QColor neutral = editBackground(edit);
        QVERIFY(!isReddish(neutral) && !isGreenish(neutral));

        edit->setFocus();
        QTest::keyClicks(edit, QStringLiteral("tcp port"));
        const QString pcapMessage = CaptureFilterEdit::compileError(QStringLiteral("tcp port"), 1);
        QVERIFY(!pcapMessage.isEmpty());
        QTRY_VERIFY(p.page.message().contains(pcapMessage));
        QVERIFY(!edit->isValid());
        QCOMPARE(edit->errorString(), pcapMessage);
        QVERIFY2(isReddish(editBackground(edit)), qPrintable(editBackground(edit).name()));

        doubleClick(p.page.interfaceView(), p.page.interfaceModel()->index(lo, 0));
        QCOMPARE(p.requests.size(), 0);
        QVERIFY(p.page.message().contains(pcapMessage));
        QVERIFY(!p.page.startButton()->isEnabled());

        // Finishing the expression turns it green and clears the message.
        QSignalSpy validity(edit, &CaptureFilterEdit::validityChanged);
        QTest::keyClicks(edit, QStringLiteral(" 80"));
        QVERIFY(validity.wait(2000));
        QCOMPARE(validity.last().at(0).toBool(), true);
        QVERIFY(isGreenish(editBackground(edit)));
        QVERIFY(p.page.message().isEmpty());

        // Emptied: neutral again.
        edit->clear();
        QCOMPARE(editBackground(edit), neutral);
    }

    void doubleClickOnLoopbackRequestsCapture()
    {
        Page p;
        QVERIFY(QTest::qWaitForWindowExposed(&p.page));
        const int lo = p.page.interfaceModel()->rowOf(QStringLiteral("lo"));
        QVERIFY(lo >= 0);
        p.page.setFilter(QStringLiteral("tcp port 80"));
        QCOMPARE(p.page.filter(), QStringLiteral("tcp port 80"));
        doubleClick(p.page.interfaceView(), p.page.interfaceModel()->index(lo, 0));
        QCOMPARE(p.requests.size(), 1);
        QCOMPARE(p.requests[0].interfaces, QStringList{QStringLiteral("lo")});
        QCOMPARE(p.requests[0].filter, QStringLiteral("tcp port 80"));
        QCOMPARE(p.requests[0].snaplen, 262144u); // the page's defaults
    }

    void enterStartsAllSelected()
    {
        std::vector<pl::capture::InterfaceInfo> list = {
            fakeInterface(1, "lo"), fakeInterface(3, "eth0"), fakeInterface(5, "tun0", 101),
            fakeInterface(7, "ppp0", 0)};
        InterfaceListModel model([&list] { return list; });
        Page p(&model);
        QVERIFY(QTest::qWaitForWindowExposed(&p.page));
        Config options;
        options.snaplen = 1500;
        options.promiscuous = false;
        p.page.setCaptureOptions(options);
        QTableView *view = p.page.interfaceView();

        // Nothing selected: Start is disabled and Enter says why.
        QVERIFY(!p.page.startButton()->isEnabled());
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(p.requests.size(), 0);
        QVERIFY(!p.page.message().isEmpty());

        // Click eth0, Ctrl+click tun0, Enter.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(model.index(1, 0)).center());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          view->visualRect(model.index(2, 0)).center());
        // ppp0 cannot be captured on: Ctrl+clicking it selects nothing.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          view->visualRect(model.index(3, 0)).center());
        QCOMPARE(p.page.selectedInterfaces(),
                 (QStringList{QStringLiteral("eth0"), QStringLiteral("tun0")}));
        QVERIFY(p.page.startButton()->isEnabled());
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(p.requests.size(), 1);
        QCOMPARE(p.requests[0].interfaces,
                 (QStringList{QStringLiteral("eth0"), QStringLiteral("tun0")}));
        QCOMPARE(p.requests[0].snaplen, 1500u);
        QCOMPARE(p.requests[0].promiscuous, false);

        // A filter that compiles for Ethernet but not for tun0's raw IP is refused for the
        // pair; double-clicking eth0 alone still works.
        p.page.setFilter(QStringLiteral("ether broadcast"));
        QVERIFY(!p.page.filterEdit()->isValid());
        QVERIFY(!p.page.startButton()->isEnabled());
        p.page.startButton()->click();
        QCOMPARE(p.requests.size(), 1);
        p.page.setSelectedInterfaces({QStringLiteral("eth0")});
        QVERIFY(p.page.filterEdit()->isValid());
        QVERIFY(p.page.startButton()->isEnabled());
        p.page.startButton()->click();
        QCOMPARE(p.requests.size(), 2);
        QCOMPARE(p.requests[1].interfaces, QStringList{QStringLiteral("eth0")});
        QCOMPARE(p.requests[1].filter, QStringLiteral("ether broadcast"));
        // Double-clicking tun0 checks the filter against tun0's link type.
        doubleClick(view, model.index(2, 0));
        QCOMPARE(p.requests.size(), 2);
        QVERIFY(p.page.message().contains(QStringLiteral("tun0")));

        // Enter in the filter field starts too.
        p.page.setSelectedInterfaces({QStringLiteral("lo")});
        p.page.setFilter(QStringLiteral("udp"));
        QTest::keyClick(p.page.filterEdit(), Qt::Key_Enter);
        QCOMPARE(p.requests.size(), 3);
        QCOMPARE(p.requests[2].interfaces, QStringList{QStringLiteral("lo")});

        // The selection survives an interface appearing above it (a reused low index).
        p.page.setSelectedInterfaces({QStringLiteral("tun0")});
        list.insert(list.begin() + 1, fakeInterface(2, "veth0"));
        model.refresh(100'000);
        QCOMPARE(model.rowOf(QStringLiteral("tun0")), 3);
        QCOMPARE(p.page.selectedInterfaces(), QStringList{QStringLiteral("tun0")});
    }

    void recentFiles()
    {
        QTemporaryDir dir;
        const QString there = dir.filePath(QStringLiteral("http.pcap"));
        const QString gone = dir.filePath(QStringLiteral("gone.pcapng"));
        {
            QFile f(there);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(2048, 'x'));
        }
        Page p;
        QVERIFY(QTest::qWaitForWindowExposed(&p.page));
        QSignalSpy opened(&p.page, &StartPage::openRequested);
        QSignalSpy openDialog(&p.page, &StartPage::openDialogRequested);
        p.page.setRecentFiles({there, gone});
        QCOMPARE(p.page.recentFiles(), (QStringList{there, gone}));
        QListView *view = p.page.recentFilesView();
        QVERIFY(view->isVisible());
        QAbstractItemModelTester tester(view->model());
        const QModelIndex thereIndex = view->model()->index(0, 0);
        const QModelIndex goneIndex = view->model()->index(1, 0);
        QVERIFY(thereIndex.data().toString().contains(QStringLiteral("http.pcap")));
        QVERIFY(thereIndex.data().toString().contains(QStringLiteral("KiB")) ||
                thereIndex.data().toString().contains(QStringLiteral("KB")));
        QVERIFY(goneIndex.data().toString().contains(QStringLiteral("not found")));
        QVERIFY(!(goneIndex.flags() & Qt::ItemIsEnabled)); // greyed

        doubleClick(view, goneIndex);
        QCOMPARE(opened.size(), 0);
        doubleClick(view, thereIndex);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened[0][0].toString(), there);
        // By keyboard: the current item and Enter.
        view->setFocus();
        view->setCurrentIndex(thereIndex);
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(opened.size(), 2);

        // A file deleted while the page was hidden is greyed when it shows again.
        p.page.hide();
        QVERIFY(QFile::remove(there));
        p.page.show();
        QVERIFY(!(view->model()->index(0, 0).flags() & Qt::ItemIsEnabled));

        p.page.openButton()->click();
        QCOMPARE(openDialog.size(), 1);

        p.page.setRecentFiles({});
        QVERIFY(!view->isVisible());
    }

    void liveFollowsSetLive()
    {
        Page p;
        QVERIFY(!p.page.isLive());
        p.page.setLive(true);
        QVERIFY(p.page.interfaceModel()->isLive());
        p.page.setLive(false);
        QVERIFY(!p.page.interfaceModel()->isLive());
    }
};

QTEST_MAIN(TestStartPage)
#include "tst_startpage.moc"
