// The main window as a user drives it: open a capture, select a packet, click a field and see
// its bytes, click a byte and see its field.

#include "analysis/packetfinder.h"
#include "app/capturecontroller.h"
#include "app/coloringrules.h"
#include "app/displayfilteredit.h"
#include "app/exportdialog.h"
#include "app/findbar.h"
#include "app/gotopacketbar.h"
#include "app/hexview.h"
#include "app/mainwindow.h"
#include "app/packetlistmodel.h"
#include "app/prototreemodel.h"
#include "app/spoolrecovery.h"
#include "app/startpage.h"
#include "capfile/capturefilereader.h"
#include "dialoganswer.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCompleter>
#include <QDataStream>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <functional>

using pl::MainWindow;
using pl::ProtoTreeModel;
using pltest::answerNextDialog;

namespace {

QString corpusFile(const char *relative)
{
    return qEnvironmentVariable("PACKETLENS_CORPUS") + QLatin1Char('/') + QLatin1String(relative);
}

QModelIndex findTopLevel(const QAbstractItemModel *m, const QString &prefix)
{
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex i = m->index(r, 0);
        if (i.data().toString().startsWith(prefix))
            return i;
    }
    return {};
}

QModelIndex findField(const QAbstractItemModel *m, const QString &name,
                      const QModelIndex &parent = {})
{
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        if (i.data(ProtoTreeModel::FieldNameRole).toString() == name)
            return i;
        const QModelIndex below = findField(m, name, i);
        if (below.isValid())
            return below;
    }
    return {};
}

qulonglong currentFrame(MainWindow &w)
{
    return w.packetList()->currentIndex().data(pl::PacketListModel::FrameNumberRole).toULongLong();
}

// Types `filter` into the filter bar and presses Enter; waits for the list when it applies.
bool typeFilter(MainWindow &w, const QString &filter)
{
    QLineEdit *edit = w.filterEdit()->lineEdit();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, filter);
    w.filterEdit()->completer()->popup()->hide();
    QSignalSpy applied(w.packetModel(), &pl::PacketListModel::filterApplied);
    QTest::keyClick(edit, Qt::Key_Return);
    return applied.wait(30000);
}

QAction *submenuAction(QMenu *menu, const QString &submenu, int entry)
{
    auto *sub = menu->findChild<QMenu *>(submenu);
    return sub && entry < sub->actions().size() ? sub->actions().at(entry) : nullptr;
}

// A pcap of `count` small IPv4/UDP packets: enough rows for a search the user can watch.
bool writeUdpCapture(const QString &path, int count)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s.setByteOrder(QDataStream::LittleEndian);
    s << quint32(0xa1b2c3d4) << quint16(2) << quint16(4) << qint32(0) << quint32(0)
      << quint32(65535) << quint32(1); // LINKTYPE_ETHERNET
    QByteArray frame(60, 0);
    frame.replace(0, 14, QByteArray::fromHex("0200000000010200000000020800"));
    frame.replace(14, 28,
                  QByteArray::fromHex("4500002e000000004011000a0a0000010a000002" // IPv4
                                      "d43100350014000000")                      // UDP
                      .left(28));
    for (int i = 0; i < count; ++i) {
        s << quint32(1700000000 + i / 1000) << quint32(i % 1000 * 1000) << quint32(60)
          << quint32(60);
        s.writeRawData(frame.constData(), int(frame.size()));
    }
    return f.write(out) == out.size();
}

void writeScript(const QString &path, const QByteArray &body)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\n" + body);
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_settings;

private slots:
    void initTestCase()
    {
        // Settings go to a directory of the test's own, never the user's configuration.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        if (!QFile::exists(corpusFile("tcpdump/print-flags.pcap")))
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
    }

    void openSelectClick()
    {
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QAbstractItemModelTester listTester(w.packetModel());
        QAbstractItemModelTester treeTester(w.treeModel());
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QCOMPARE(w.windowTitle(), QStringLiteral("print-flags.pcap — PacketLens"));
        QTRY_COMPARE(w.packetModel()->rowCount(), 10); // tshark counts 10 packets
        QTRY_VERIFY(!w.store()->isLoading());

        // The first packet is selected: its layers as Wireshark shows them.
        QTRY_VERIFY(w.treeModel()->rowCount() > 0);
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 1: 74 bytes on wire")).isValid());
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Ethernet II, Src: ")).isValid());
        QVERIFY(findTopLevel(w.treeModel(),
                             QStringLiteral("Internet Protocol Version 4, Src: 127.0.0.1, Dst: "
                                            "127.0.0.1"))
                    .isValid());
        QVERIFY(findTopLevel(w.treeModel(),
                             QStringLiteral("Transmission Control Protocol, Src Port: 55920, Dst "
                                            "Port: 80"))
                    .isValid());

        // Selecting the fourth packet shows its HTTP-carrying segment.
        w.packetList()->selectRow(3);
        QTRY_VERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 4: 268 bytes")).isValid());

        // Click a field: its bytes are highlighted.
        const QModelIndex ttl = findField(w.treeModel(), QStringLiteral("ip.ttl"));
        QVERIFY(ttl.isValid());
        QCOMPARE(ttl.data().toString(), QStringLiteral("Time to Live: 64"));
        w.detailTree()->setCurrentIndex(ttl);
        QCOMPARE(w.hexView()->highlightOffset(), 22);
        QCOMPARE(w.hexView()->highlightLength(), 1);

        // The context menus' copies: the field's line, its value, a filter for it.
        QCOMPARE(w.copyText(MainWindow::CopyWhat::ItemLine), QStringLiteral("Time to Live: 64"));
        QCOMPARE(w.copyText(MainWindow::CopyWhat::ItemValue), QStringLiteral("64"));
        QCOMPARE(w.copyText(MainWindow::CopyWhat::ItemFilter), QStringLiteral("ip.ttl == 64"));
        const QModelIndex flags = findField(w.treeModel(), QStringLiteral("tcp.flags"));
        QCOMPARE(w.treeModel()->filterExpression(flags), QStringLiteral("tcp.flags == 0x0018"));
        const QModelIndex ip = findTopLevel(w.treeModel(), QStringLiteral("Internet Protocol"));
        QCOMPARE(w.treeModel()->filterExpression(ip), QStringLiteral("ip"));
        QCOMPARE(w.copyText(MainWindow::CopyWhat::PacketSummary),
                 QStringLiteral("4\t0.001357\t127.0.0.1\t127.0.0.1\tHTTP\t268\tGET / HTTP/1.1 "));

        // Click a byte: its innermost field is selected in the tree (byte 23: ip.proto).
        pl::HexView *hex = w.hexView();
        QTest::mouseClick(hex->viewport(), Qt::LeftButton, {}, hex->byteRect(23).center());
        QCOMPARE(w.detailTree()->currentIndex().data(ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("ip.proto"));
        QCOMPARE(hex->highlightOffset(), 23);
    }

    void settingsAndRecentFilesPersist()
    {
        const QString file = corpusFile("tcpdump/dns_udp.pcap");
        {
            MainWindow w;
            w.show();
            QVERIFY(w.openFile(file, true));
            QCOMPARE(w.recentFiles().value(0), QFileInfo(file).absoluteFilePath());
            w.packetModel()->setTimeFormat(pl::PacketListModel::TimeFormat::Epoch);
            w.close(); // saves geometry, splitter, columns and the time format
        }
        MainWindow again;
        QCOMPARE(again.packetModel()->timeFormat(), pl::PacketListModel::TimeFormat::Epoch);
        QCOMPARE(again.recentFiles().value(0), QFileInfo(file).absoluteFilePath());
    }

    void failedCaptureKeepsTheOpenFile()
    {
        MainWindow w;
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        const QByteArray saved = qgetenv("PACKETLENS_HELPER");
        qputenv("PACKETLENS_HELPER", "/nonexistent/packetlens-capture");
        QVERIFY(!w.startCapture(
            pl::ipc::Config{.interfaces = {QStringLiteral("lo")}, .filter = QString()}));
        qputenv("PACKETLENS_HELPER", saved);
        QCOMPARE(w.packetModel()->rowCount(), 10);
        QCOMPARE(w.windowTitle(), QStringLiteral("print-flags.pcap — PacketLens"));
        QVERIFY(!w.captureController()->isCapturing());
    }

    void viewMenuPersists()
    {
        const QString file = corpusFile("tcpdump/print-flags.pcap");
        int normalPointSize = 0;
        {
            MainWindow w;
            w.show();
            QVERIFY(w.openFile(file, true));
            normalPointSize = w.packetList()->font().pointSize();
            // View > Zoom In twice: the list, the tree and the bytes grow two points.
            auto *zoomIn = w.findChild<QAction *>(QStringLiteral("actionZoomIn"));
            zoomIn->trigger();
            zoomIn->trigger();
            QCOMPARE(w.packetList()->font().pointSize(), normalPointSize + 2);
            QCOMPARE(w.detailTree()->font().pointSize(), normalPointSize + 2);
            // View > Packet Bytes off hides the hex pane.
            w.findChild<QAction *>(QStringLiteral("actionShowPacketBytes"))->trigger();
            QVERIFY(w.hexView()->isHidden());
            // View > Packet List Columns > Protocol off hides that column.
            auto *columns = w.findChild<QMenu *>(QStringLiteral("menuColumns"));
            QCOMPARE(columns->actions().size(), int(pl::PacketListModel::ColumnCount));
            columns->actions()[pl::PacketListModel::Protocol]->trigger();
            QVERIFY(w.packetList()->isColumnHidden(pl::PacketListModel::Protocol));
            w.close();
        }
        MainWindow again;
        QCOMPARE(again.zoom(), 2);
        QCOMPARE(again.packetList()->font().pointSize(), normalPointSize + 2);
        QVERIFY(again.hexView()->isHidden());
        QVERIFY(!again.findChild<QAction *>(QStringLiteral("actionShowPacketBytes"))->isChecked());
        QVERIFY(again.packetList()->isColumnHidden(pl::PacketListModel::Protocol));
        auto *columns = again.findChild<QMenu *>(QStringLiteral("menuColumns"));
        QVERIFY(!columns->actions()[pl::PacketListModel::Protocol]->isChecked());
        // Normal Size undoes the zoom; the column comes back from the same menu.
        again.findChild<QAction *>(QStringLiteral("actionNormalSize"))->trigger();
        QCOMPARE(again.packetList()->font().pointSize(), normalPointSize);
        columns->actions()[pl::PacketListModel::Protocol]->trigger();
        QVERIFY(!again.packetList()->isColumnHidden(pl::PacketListModel::Protocol));
        again.findChild<QAction *>(QStringLiteral("actionShowPacketBytes"))->trigger();
        again.close();
    }

    void goToNextAndPreviousPacket()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QTRY_COMPARE(w.packetList()->currentIndex().row(), 0);
        auto *next = w.findChild<QAction *>(QStringLiteral("actionNextPacket"));
        auto *previous = w.findChild<QAction *>(QStringLiteral("actionPreviousPacket"));
        next->trigger();
        next->trigger();
        QCOMPARE(w.packetList()->currentIndex().row(), 2);
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 3: ")).isValid());
        previous->trigger();
        QCOMPARE(w.packetList()->currentIndex().row(), 1);
        w.findChild<QAction *>(QStringLiteral("actionLastPacket"))->trigger();
        next->trigger(); // stays on the last one
        QCOMPARE(w.packetList()->currentIndex().row(), 9);
    }

    void permissionFailureOffersPkexec()
    {
        // A helper without its capabilities exits 77 with the fix on stderr; the window shows
        // the fix and offers pkexec, which runs the same helper for the same capture.
        QTemporaryDir dir;
        const QString helper = dir.filePath(QStringLiteral("packetlens-capture"));
        const QString pkexec = dir.filePath(QStringLiteral("pkexec"));
        const QString pkexecArgs = dir.filePath(QStringLiteral("pkexec-args"));
        writeScript(helper, "echo 'no permission: sudo setcap cap_net_raw,cap_net_admin=eip "
                            "packetlens-capture' >&2\nexit 77\n");
        writeScript(pkexec, QByteArray("echo \"$@\" > ") + pkexecArgs.toUtf8() + "\nexec \"$@\"\n");
        const QByteArray savedHelper = qgetenv("PACKETLENS_HELPER");
        qputenv("PACKETLENS_HELPER", helper.toUtf8());
        qputenv("PACKETLENS_PKEXEC", pkexec.toUtf8());

        MainWindow w;
        w.show();
        QSignalSpy failed(w.captureController(), &pl::CaptureController::failed);
        QVERIFY(
            w.startCapture(pl::ipc::Config{.interfaces = {QStringLiteral("lo")}, .filter = {}}));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY(failed.first().at(2).toBool()); // a permission failure
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr);
        QVERIFY(box->informativeText().contains(QStringLiteral("sudo setcap")));
        QAbstractButton *retry = nullptr;
        for (QAbstractButton *b : box->buttons())
            if (b->text() == QStringLiteral("Retry with pkexec"))
                retry = b;
        QVERIFY(retry);
        QTRY_VERIFY_WITH_TIMEOUT(!w.captureController()->isCapturing(), 10000);
        failed.clear();
        retry->click();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pkexecArgs), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QFile args(pkexecArgs);
        QVERIFY(args.open(QIODevice::ReadOnly));
        QVERIFY(args.readAll().startsWith(helper.toUtf8() + " --socket "));

        qputenv("PACKETLENS_HELPER", savedHelper);
        qunsetenv("PACKETLENS_PKEXEC");
    }

    void startPageOpensAndCloseReturns()
    {
        const QString file = corpusFile("tcpdump/dns_udp.pcap");
        MainWindow w;
        w.show();
        // Nothing open: the start page, with its interfaces sampled while it shows.
        QVERIFY(w.showsStartPage());
        auto *page = w.findChild<pl::StartPage *>();
        QVERIFY(page && page->isVisible() && page->isLive());
        QVERIFY(w.openFile(file, true));
        QVERIFY(!w.showsStartPage());
        QVERIFY(!page->isLive());
        // File > Close: back to the start page, which lists the file; Enter on it reopens it.
        w.findChild<QAction *>(QStringLiteral("actionClose"))->trigger();
        QVERIFY(w.showsStartPage());
        QCOMPARE(w.packetModel()->rowCount(), 0);
        QCOMPARE(w.windowTitle(), QStringLiteral("PacketLens"));
        QCOMPARE(page->recentFiles().value(0), QFileInfo(file).absoluteFilePath());
        QListView *recent = page->recentFilesView();
        recent->setFocus();
        recent->setCurrentIndex(recent->model()->index(0, 0));
        QTest::keyClick(recent, Qt::Key_Return);
        QTRY_VERIFY(!w.showsStartPage());
        QCOMPARE(w.windowTitle(), QStringLiteral("dns_udp.pcap — PacketLens"));
    }

    void sortByHeaderKeepsTheSelectedPacket()
    {
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QAbstractItemModelTester tester(w.packetModel());
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        w.packetList()->selectRow(3);
        QTRY_VERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 4: ")).isValid());

        // A click on the Length header sorts by length; frame 4 stays selected and shown.
        QSignalSpy sorted(w.packetModel(), &pl::PacketListModel::sortingFinished);
        QHeaderView *header = w.packetList()->horizontalHeader();
        const int x = header->sectionViewportPosition(pl::PacketListModel::Length) + 10;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QTRY_VERIFY(!sorted.isEmpty());
        QCOMPARE(header->sortIndicatorSection(), int(pl::PacketListModel::Length));
        QCOMPARE(w.packetList()->currentIndex().data(pl::PacketListModel::FrameNumberRole),
                 QVariant(qulonglong(4)));
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 4: ")).isValid());
        int previous = 0;
        for (int r = 0; r < w.packetModel()->rowCount(); ++r) {
            const int length =
                w.packetModel()->index(r, pl::PacketListModel::Length).data().toInt();
            QVERIFY(length >= previous);
            previous = length;
        }
        QVERIFY(w.packetModel()->index(0, 0).data().toInt() != 1); // not capture order
        // Selecting a row shows that row's packet, not the one at that capture position.
        w.packetList()->selectRow(0);
        const auto first = w.packetModel()->index(0, 0).data().toString();
        QTRY_VERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame %1: ").arg(first)).isValid());
        // Back to capture order: the selected packet stays selected.
        w.packetList()->selectRow(5);
        const QVariant picked =
            w.packetList()->currentIndex().data(pl::PacketListModel::FrameNumberRole);
        w.findChild<QAction *>(QStringLiteral("actionCaptureOrder"))->trigger();
        QCOMPARE(header->sortIndicatorSection(), -1);
        QCOMPARE(w.packetList()->currentIndex().data(pl::PacketListModel::FrameNumberRole), picked);
        QCOMPARE(w.packetList()->currentIndex().row(), picked.toInt() - 1);
        QCOMPARE(w.packetModel()->index(0, 0).data().toString(), QStringLiteral("1"));
    }

    void markPackets()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        auto *mark = w.findChild<QAction *>(QStringLiteral("actionMarkPacket"));
        auto *nextMark = w.findChild<QAction *>(QStringLiteral("actionNextMark"));
        QVERIFY(!nextMark->isEnabled());
        w.packetList()->selectRow(2);
        mark->trigger();
        w.packetList()->selectRow(6);
        mark->trigger();
        QVERIFY(w.packetModel()->isMarked(2) && w.packetModel()->isMarked(6));
        QVERIFY(nextMark->isEnabled());
        // Wireshark's black rows.
        QCOMPARE(w.packetModel()->index(2, 0).data(Qt::BackgroundRole).value<QColor>(),
                 QColor(Qt::black));
        const QList<QLabel *> labels = w.statusBar()->findChildren<QLabel *>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel *l) {
            return l->text().contains(QStringLiteral("Marked: 2"));
        }));
        w.packetList()->selectRow(0);
        nextMark->trigger();
        QCOMPARE(w.packetList()->currentIndex().row(), 2);
        nextMark->trigger();
        QCOMPARE(w.packetList()->currentIndex().row(), 6);
        w.findChild<QAction *>(QStringLiteral("actionPreviousMark"))->trigger();
        QCOMPARE(w.packetList()->currentIndex().row(), 2);
        mark->trigger(); // unmarks
        QVERIFY(!w.packetModel()->isMarked(2));
        w.findChild<QAction *>(QStringLiteral("actionUnmarkAll"))->trigger();
        QCOMPARE(w.packetModel()->markedCount(), 0);
        QVERIFY(!nextMark->isEnabled());
    }

    void packetComments()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("pcapng-test-generator/le_basic_test009.pcapng"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        // The file's comment on packet 1, above the frame as in Wireshark.
        QTRY_VERIFY(findTopLevel(w.treeModel(), QStringLiteral("Packet comments")).isValid());
        const QModelIndex comments = findTopLevel(w.treeModel(), QStringLiteral("Packet comments"));
        QCOMPARE(w.treeModel()->index(0, 0, comments).data().toString(),
                 QStringLiteral("test009-1"));

        // Edit > Add New Packet Comment: the dialog's text joins the file's comment.
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setTextValue(QStringLiteral("seen twice"));
            dialog->accept();
        });
        w.findChild<QAction *>(QStringLiteral("actionAddComment"))->trigger();
        const QModelIndex after = findTopLevel(w.treeModel(), QStringLiteral("Packet comments"));
        QCOMPARE(w.treeModel()->rowCount(after), 2);
        QCOMPARE(w.treeModel()->index(1, 0, after).data().toString(), QStringLiteral("seen twice"));
        QCOMPARE(w.store()->editedComments().value(1),
                 (QStringList{QStringLiteral("test009-1"), QStringLiteral("seen twice")}));

        // Delete Packet Comments: none left, in the tree either.
        w.findChild<QAction *>(QStringLiteral("actionDeleteComments"))->trigger();
        QVERIFY(!findTopLevel(w.treeModel(), QStringLiteral("Packet comments")).isValid());
        QVERIFY(w.store()->comments(0).isEmpty());
    }

    void exportKeepsCommentsAndRanges()
    {
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QVERIFY(!w.hasUnsavedPackets());
        w.store()->setComments(3, {QStringLiteral("the request")});
        QVERIFY(w.hasUnsavedPackets()); // an edited comment is not in any file yet

        // Save As with the whole capture: pcapng with the comment, and nothing unsaved.
        auto *saveAs = w.findChild<QAction *>(QStringLiteral("actionSaveAs"));
        QVERIFY(saveAs->isEnabled());
        const QString saved = dir.filePath(QStringLiteral("saved.pcapng"));
        QSignalSpy finished(w.exporter(), &pl::SessionExporter::finished);
        pl::SessionExporter::Options all;
        QVERIFY(w.exportPackets(saved, all));
        QVERIFY(!saveAs->isEnabled()); // one export at a time
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        pl::CaptureFileReader reader;
        QVERIFY(reader.open(saved.toStdString()));
        pl::CapturedPacket p;
        int n = 0;
        while (reader.next(p)) {
            ++n;
            QCOMPARE(p.comments.size(), size_t(p.frame.number == 4 ? 1 : 0));
        }
        QCOMPARE(n, 10);

        // The dialog: a bad range says what is wrong and cannot be accepted; marks count.
        w.packetModel()->setMarked(1, true);
        w.packetModel()->setMarked(5, true);
        pl::ExportDialog::Packets packets{10, 4, w.packetModel()->markBits(), false, {}};
        pl::ExportDialog dialog(pl::ExportDialog::Purpose::ExportPackets, packets, &w);
        dialog.setTargetPath(dir.filePath(QStringLiteral("part.pcap")));
        dialog.setRangeText(QStringLiteral("2-4,x"));
        QVERIFY(!dialog.canAccept());
        QCOMPARE(dialog.problem(), QStringLiteral("\"x\" at character 5 is not a packet number"));
        dialog.setRangeText(QStringLiteral("8-"));
        QVERIFY(dialog.canAccept());
        QCOMPARE(dialog.range().toString(), QStringLiteral("8-10"));
        dialog.setChoice(pl::ExportDialog::Choice::Marked);
        QCOMPARE(dialog.range().toString(), QStringLiteral("2,6"));
        dialog.setChoice(pl::ExportDialog::Choice::FirstToLastMarked);
        QCOMPARE(dialog.range().toString(), QStringLiteral("2-6"));
        dialog.setChoice(pl::ExportDialog::Choice::Selected);
        QCOMPARE(dialog.range().toString(), QStringLiteral("4"));
        dialog.setFormat(pl::SessionExporter::Format::PcapUsec);
        QVERIFY(dialog.targetPath().endsWith(QStringLiteral("part.pcap")));

        // A failed export leaves the old file as it was and says why.
        finished.clear();
        QVERIFY(w.exportPackets(dir.filePath(QStringLiteral("no/such/dir/x.pcapng")), all));
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("no/such/dir")));
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr);
        box->close();
    }

    void unsavedPacketsAskFirst()
    {
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        w.store()->setComments(0, {QStringLiteral("keep me")});
        auto *close = w.findChild<QAction *>(QStringLiteral("actionClose"));

        // Cancel: nothing changes.
        answerNextDialog([](QWidget *dialog) {
            auto *box = qobject_cast<QMessageBox *>(dialog);
            QVERIFY(box && box->text().contains(QStringLiteral("save the captured packets")));
            box->button(QMessageBox::Cancel)->click();
        });
        close->trigger();
        QVERIFY(!w.showsStartPage());
        QCOMPARE(w.packetModel()->rowCount(), 10);

        // Save: the Save As dialog, then the file, then the start page.
        const QString saved = dir.filePath(QStringLiteral("kept.pcapng"));
        answerNextDialog([saved](QWidget *dialog) {
            qobject_cast<QMessageBox *>(dialog)->button(QMessageBox::Save)->click();
            answerNextDialog([saved](QWidget *next) {
                auto *save = qobject_cast<pl::ExportDialog *>(next);
                QVERIFY(save);
                save->setTargetPath(saved);
                save->accept();
            });
        });
        close->trigger();
        QTRY_VERIFY(w.showsStartPage());
        pl::CaptureFileReader reader;
        QVERIFY(reader.open(saved.toStdString()));
        pl::CapturedPacket p;
        QVERIFY(reader.next(p));
        QCOMPARE(p.comments, std::vector<std::string>{"keep me"});
    }

    void recoverACrashedCapture()
    {
        // A spool nobody owns, as a crashed session leaves it.
        QTemporaryDir cache;
        const QByteArray savedCache = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
        const QString spool = pl::CaptureController::spoolDirectory() +
                              QStringLiteral("/capture-20261124-101010-4242.pcapng");
        QVERIFY(QFile::copy(corpusFile("pcapng-test-generator/le_basic_test009.pcapng"), spool));
        {
            MainWindow w;
            w.show();
            answerNextDialog([](QWidget *dialog) {
                auto *box = qobject_cast<QMessageBox *>(dialog);
                QVERIFY(box && box->text().contains(QStringLiteral("left behind")));
                for (QAbstractButton *b : box->buttons())
                    if (b->text() == QStringLiteral("Recover"))
                        b->click();
            });
            w.offerRecovery();
            QVERIFY(!w.showsStartPage());
            QTRY_VERIFY(!w.store()->isLoading());
            QVERIFY(w.packetModel()->rowCount() > 0);
            QVERIFY(w.hasUnsavedPackets()); // recovered, not yet saved anywhere
            QVERIFY(pl::SpoolOwner::isOwned(spool));

            // Discarding it deletes the spool for good.
            answerNextDialog([](QWidget *dialog) {
                qobject_cast<QMessageBox *>(dialog)->button(QMessageBox::Discard)->click();
            });
            w.findChild<QAction *>(QStringLiteral("actionClose"))->trigger();
            QVERIFY(w.showsStartPage());
            QVERIFY(!QFile::exists(spool));
        }
        qputenv("XDG_CACHE_HOME", savedCache);
    }

    void damagedAndRefusedFiles()
    {
        MainWindow w;
        QVERIFY(!w.openFile(corpusFile("libpcap/pcap-invalid-version-1.pcap"), true));
        QCOMPARE(w.packetModel()->rowCount(), 0);
        QCOMPARE(w.windowTitle(), QStringLiteral("PacketLens"));
    }

    void displayFilterBar()
    {
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QAbstractItemModelTester tester(w.packetModel());
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QTRY_COMPARE(w.statusText(), QStringLiteral("Packets: 10 · Displayed: 10 (100.0%) · "
                                                    "Dropped: 0"));
        w.packetList()->selectRow(2);
        QCOMPARE(currentFrame(w), 3ull);

        // Typed and Enter: fewer rows, the same packet still selected, the counts.
        QVERIFY(typeFilter(w, QStringLiteral("frame.number <= 4")));
        QCOMPARE(w.packetModel()->rowCount(), 4);
        QCOMPARE(currentFrame(w), 3ull);
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 3: ")).isValid());
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Packets: 10 · Displayed: 4 (40.0%)")),
                 qPrintable(w.statusText()));
        QCOMPARE(w.filterEdit()->state(), pl::DisplayFilterEdit::State::Valid);

        // The selected packet is filtered out: the nearest displayed one is selected.
        QVERIFY(typeFilter(w, QStringLiteral("frame.number >= 6")));
        QCOMPARE(w.packetModel()->rowCount(), 5);
        QCOMPARE(currentFrame(w), 6ull);
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 6: ")).isValid());

        // A bad filter: the rows stay, the error shows under the bar and in the status bar.
        QLineEdit *edit = w.filterEdit()->lineEdit();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Delete);
        QTest::keyClicks(edit, QStringLiteral("tcp.prot == 1"));
        w.filterEdit()->completer()->popup()->hide();
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(w.packetModel()->rowCount(), 5);
        QCOMPARE(w.filterEdit()->state(), pl::DisplayFilterEdit::State::Invalid);
        auto *message = w.filterEdit()->findChild<QLabel *>(QStringLiteral("displayFilterMessage"));
        QVERIFY(message && message->isVisible());
        QVERIFY(message->text().contains(QStringLiteral("tcp.prot")));
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("tcp.prot")));
        QCOMPARE(w.store()->displayFilter().text(), std::string("frame.number >= 6"));

        // Cleared: every packet again; the selected one stays.
        QSignalSpy applied(w.packetModel(), &pl::PacketListModel::filterApplied);
        edit->clear();
        QTest::keyClick(edit, Qt::Key_Return);
        QVERIFY(applied.wait(30000));
        QCOMPARE(w.packetModel()->rowCount(), 10);
        QCOMPARE(currentFrame(w), 6ull);

        // A new file opens under the filter applied.
        QVERIFY(typeFilter(w, QStringLiteral("frame.number <= 2")));
        QVERIFY(w.openFile(corpusFile("tcpdump/dns_udp.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QTRY_COMPARE(w.packetModel()->rowCount(), 2);
    }

    void treeMenuAppliesAndPreparesFilters()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        w.packetList()->selectRow(3);
        QTRY_VERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 4: ")).isValid());
        const QModelIndex port = findField(w.treeModel(), QStringLiteral("tcp.srcport"));
        QVERIFY(port.isValid());

        // Apply as Filter > Selected: `field == value`, applied.
        std::unique_ptr<QMenu> menu(w.createTreeContextMenu(port));
        QAction *selected = submenuAction(menu.get(), QStringLiteral("applyAsFilter"), 0);
        QVERIFY(selected);
        QSignalSpy applied(w.packetModel(), &pl::PacketListModel::filterApplied);
        selected->trigger();
        QVERIFY(applied.wait(30000));
        QCOMPARE(w.filterEdit()->text(), QStringLiteral("tcp.srcport == 55920"));
        QCOMPARE(w.filterEdit()->appliedText(), QStringLiteral("tcp.srcport == 55920"));
        const int rows = w.packetModel()->rowCount();
        QVERIFY(rows > 0 && rows < 10);
        for (int r = 0; r < rows; ++r) {
            // The client's segments: TCP's Info, or the HTTP request it carries.
            const QString info =
                w.packetModel()->index(r, pl::PacketListModel::Info).data().toString();
            QVERIFY2(info.startsWith(QStringLiteral("55920 → 80")) ||
                         info == QStringLiteral("GET / HTTP/1.1 "),
                     qPrintable(info));
        }
        QCOMPARE(currentFrame(w), 4ull);

        // Prepare as Filter > …and not Selected on the TTL: in the bar, not applied.
        QTRY_VERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 4: ")).isValid());
        const QModelIndex ttl = findField(w.treeModel(), QStringLiteral("ip.ttl"));
        QVERIFY(ttl.isValid());
        menu.reset(w.createTreeContextMenu(ttl));
        applied.clear();
        submenuAction(menu.get(), QStringLiteral("prepareAsFilter"), 4)->trigger();
        QCOMPARE(w.filterEdit()->text(),
                 QStringLiteral("(tcp.srcport == 55920) && !(ip.ttl == 64)"));
        QCOMPARE(w.filterEdit()->appliedText(), QStringLiteral("tcp.srcport == 55920"));
        QCOMPARE(w.packetModel()->rowCount(), rows);
        QVERIFY(!applied.wait(300));

        // A protocol item gives its name alone.
        const QModelIndex ip = findTopLevel(w.treeModel(), QStringLiteral("Internet Protocol"));
        QCOMPARE(w.treeItemFilter(ip), QStringLiteral("ip"));
    }

    void goToPacket()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());

        // Ctrl+G's bar: a number and Enter selects that packet and closes the bar.
        w.findChild<QAction *>(QStringLiteral("actionGoToPacket"))->trigger();
        QVERIFY(w.goToBar()->isVisible());
        QTest::keyClicks(w.goToBar()->lineEdit(), QStringLiteral("7"));
        QTest::keyClick(w.goToBar()->lineEdit(), Qt::Key_Return);
        QCOMPARE(currentFrame(w), 7ull);
        QVERIFY(!w.goToBar()->isVisible());
        QVERIFY(findTopLevel(w.treeModel(), QStringLiteral("Frame 7: ")).isValid());

        // A number the capture does not have: the bar says so and stays.
        w.findChild<QAction *>(QStringLiteral("actionGoToPacket"))->trigger();
        w.goToBar()->lineEdit()->setText(QStringLiteral("99"));
        QTest::keyClick(w.goToBar()->lineEdit(), Qt::Key_Return);
        QVERIFY(w.goToBar()->isVisible());
        QVERIFY2(w.goToBar()->error().contains(QStringLiteral("does not exist")),
                 qPrintable(w.goToBar()->error()));
        QCOMPARE(currentFrame(w), 7ull);
        QTest::keyClick(w.goToBar()->lineEdit(), Qt::Key_Escape);
        QVERIFY(!w.goToBar()->isVisible());

        // A packet the display filter hides cannot be gone to.
        QVERIFY(w.applyDisplayFilter(QStringLiteral("frame.number <= 4")));
        QTRY_COMPARE(w.packetModel()->rowCount(), 4);
        QString error;
        QVERIFY(!w.goToPacket(7, &error));
        QCOMPARE(error, QStringLiteral("Packet 7 is not displayed"));
        QVERIFY(w.goToPacket(2, &error));
        QCOMPARE(currentFrame(w), 2ull);

        // First / Last / Next / Previous move over the displayed rows.
        w.findChild<QAction *>(QStringLiteral("actionLastPacket"))->trigger();
        QCOMPARE(currentFrame(w), 4ull);
        w.findChild<QAction *>(QStringLiteral("actionPreviousPacket"))->trigger();
        QCOMPARE(currentFrame(w), 3ull);
        w.findChild<QAction *>(QStringLiteral("actionFirstPacket"))->trigger();
        QCOMPARE(currentFrame(w), 1ull);
    }

    void findPacket()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QTRY_COMPARE(currentFrame(w), 1ull);
        w.findChild<QAction *>(QStringLiteral("actionFindPacket"))->trigger();
        QVERIFY(w.findBar()->isVisible());
        pl::FindQuery q;
        q.method = pl::FindQuery::Method::DisplayFilter;
        q.text = QStringLiteral("frame.number == 5");
        w.findBar()->setQuery(q);
        QVERIFY(w.findBar()->find(true));
        QCOMPARE(currentFrame(w), 5ull);
        q.text = QStringLiteral("frame.number == 99");
        w.findBar()->setQuery(q);
        QVERIFY(w.findBar()->find(true));
        QCOMPARE(w.findBar()->message(), QStringLiteral("No packet matched"));
        QCOMPARE(currentFrame(w), 5ull);
        emit w.findBar()->closed();
        QVERIFY(!w.findBar()->isVisible());
    }

    void longFindCanBeCancelled()
    {
        // A slow search (string in the detail tree, found nowhere) over many packets: a
        // progress dialog comes up and its Cancel stops the search; the selection stays.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("many.pcap"));
        QVERIFY(writeUdpCapture(path, 200000));
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(path, true));
        QTRY_VERIFY_WITH_TIMEOUT(!w.store()->isLoading(), 60000);
        QCOMPARE(w.packetModel()->rowCount(), 200000);
        w.packetList()->selectRow(10);
        w.findChild<QAction *>(QStringLiteral("actionFindPacket"))->trigger();
        pl::FindQuery q;
        q.method = pl::FindQuery::Method::String;
        q.scope = pl::FindQuery::Scope::Tree;
        q.text = QStringLiteral("no such label anywhere");
        w.findBar()->setQuery(q);
        QString label;
        answerNextDialog([&label](QWidget *dialog) {
            auto *progress = qobject_cast<QProgressDialog *>(dialog);
            QVERIFY(progress);
            label = progress->labelText();
            progress->cancel();
        });
        QElapsedTimer clock;
        clock.start();
        QVERIFY(w.findBar()->find(true));
        QCOMPARE(label, QStringLiteral("Searching…"));
        QCOMPARE(w.findBar()->message(), QStringLiteral("Search cancelled"));
        QCOMPARE(w.packetList()->currentIndex().row(), 10);
        QVERIFY(!QApplication::activeModalWidget());
        qInfo("cancelled after %lld ms", qint64(clock.elapsed()));
    }

    void coloringRulesColourTheList()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        const QColor fg(0x12, 0x34, 0x56), bg(0xfe, 0xdc, 0xba);
        w.setColoringRules({pl::ColoringRule{QStringLiteral("Fourth"),
                                             QStringLiteral("frame.number == 4"), fg, bg, true},
                            pl::ColoringRule{QStringLiteral("Off"), QStringLiteral("tcp"),
                                             Qt::black, Qt::red, false}});
        auto background = [&w](int row) {
            return w.packetModel()->index(row, 0).data(Qt::BackgroundRole);
        };
        QCOMPARE(background(3).value<QColor>(), bg);
        QCOMPARE(w.packetModel()->index(3, 0).data(Qt::ForegroundRole).value<QColor>(), fg);
        QVERIFY(!background(0).isValid()); // the disabled rule colours nothing
        // View > Colorize Packet List off: no colours.
        auto *colorize = w.findChild<QAction *>(QStringLiteral("actionColorize"));
        QVERIFY(colorize->isChecked());
        colorize->trigger();
        QVERIFY(!background(3).isValid());
        colorize->trigger();
        QCOMPARE(background(3).value<QColor>(), bg);
        // Under a display filter the rule follows its packet.
        QVERIFY(w.applyDisplayFilter(QStringLiteral("frame.number >= 3")));
        QTRY_COMPARE(w.packetModel()->rowCount(), 8);
        QCOMPARE(background(1).value<QColor>(), bg);
    }

    void exportDisplayedPackets()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        QVERIFY(w.applyDisplayFilter(QStringLiteral("frame.number <= 3 || frame.number == 9")));
        QTRY_COMPARE(w.packetModel()->rowCount(), 4);
        bool checked = false;
        answerNextDialog([&checked](QWidget *dialog) {
            auto *d = qobject_cast<pl::ExportDialog *>(dialog);
            QVERIFY(d);
            QVERIFY(d->displayedOnly()); // Wireshark's default with a filter
            QCOMPARE(d->range().toString(), QStringLiteral("1-3,9"));
            d->setDisplayedOnly(false);
            QCOMPARE(d->range().toString(), QStringLiteral("1-10"));
            d->setDisplayedOnly(true);
            d->setRangeText(QStringLiteral("2-"));
            QCOMPARE(d->range().toString(), QStringLiteral("2-3,9"));
            checked = true;
            d->reject();
        });
        w.findChild<QAction *>(QStringLiteral("actionExportPackets"))->trigger();
        QVERIFY(checked);
    }

    void exportDisplayedCountIsTheListsRows()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_VERIFY(!w.store()->isLoading());
        // "Displayed" counts what the list shows, with a filter applied and while the next
        // filter's pass still runs (the list keeps the applied filter's rows until it ends).
        auto displayedInDialog = [&w] {
            qulonglong displayed = 0;
            answerNextDialog([&displayed, &w](QWidget *dialog) {
                auto *d = qobject_cast<pl::ExportDialog *>(dialog);
                QVERIFY(d);
                QVERIFY(d->displayedOnly());
                d->setChoice(pl::ExportDialog::Choice::All);
                displayed = d->range().count(quint64(w.store()->count()));
                d->reject();
            });
            w.findChild<QAction *>(QStringLiteral("actionExportPackets"))->trigger();
            return displayed;
        };
        QVERIFY(w.applyDisplayFilter(QStringLiteral("frame.number >= 4 && frame.number != 7")));
        QTRY_COMPARE(w.packetModel()->rowCount(), 6);
        QCOMPARE(displayedInDialog(), 6ull);

        QVERIFY(w.applyDisplayFilter(QStringLiteral("frame.number == 1")));
        QVERIFY(w.store()->isFiltering());
        QCOMPARE(w.packetModel()->rowCount(), 6);
        QCOMPARE(displayedInDialog(), 6ull);
        QTRY_COMPARE(w.packetModel()->rowCount(), 1);
        QCOMPARE(displayedInDialog(), 1ull);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
