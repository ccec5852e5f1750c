// Analyze > Expert Information: the model's grouping (severity, summary, packets) with counts,
// search and the display-filter limit; the dialog over a real capture (collection on a
// worker, double-click selecting the packet); the main window's status bar indicator.

#include "analysis/expertcollector.h"
#include "analysis/packetstore.h"
#include "app/expertinfodialog.h"
#include "app/expertinfomodel.h"
#include "app/mainwindow.h"
#include "app/packetlistmodel.h"
#include "corpusfiles.h"
#include "storewait.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QBrush>
#include <QCheckBox>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using pl::ExpertGroup;
using pl::ExpertInfoModel;
using pl::ExpertReport;
using pl::Severity;

namespace {

/// A summary whose notes all say `message` (or, with `numbered`, `message` and the frame).
ExpertReport::Summary summary(Severity sev, ExpertGroup group, const char *protocol,
                              const char *text, std::vector<uint64_t> frames,
                              const char *message = nullptr, bool numbered = false)
{
    ExpertReport::Summary s;
    s.severity = sev;
    s.group = group;
    s.protocol = protocol;
    s.summary = text;
    s.frames = std::move(frames);
    for (const uint64_t f : s.frames) {
        std::string m = message ? message : text;
        if (numbered)
            m += std::to_string(f);
        s.messageOf.push_back(uint32_t(s.messages.size()));
        s.messages.push_back(m);
    }
    return s;
}

/// A report as the collector sorts it: severity down, then message.
std::shared_ptr<const ExpertReport> handMadeReport()
{
    auto r = std::make_shared<ExpertReport>();
    r->summaries = {
        summary(Severity::Error, ExpertGroup::Checksum, "IPv4", "Bad checksum", {4, 9},
                "Bad checksum [should be 0x", true),
        summary(Severity::Error, ExpertGroup::Malformed, "DNS",
                "Malformed Packet (Exception occurred)", {7}),
        summary(Severity::Warning, ExpertGroup::Sequence, "TCP", "Connection reset (RST)", {10}),
        summary(Severity::Chat, ExpertGroup::Sequence, "TCP", "Connection establish request (SYN)",
                {1, 3, 5}, "Connection establish request (SYN): server port 80"),
        summary(Severity::Chat, ExpertGroup::Sequence, "HTTP", "GET / HTTP/1.1\r\n", {6}),
    };
    r->framesRead = 10;
    return r;
}

/// Every row's columns, indented by depth.
void dump(const QAbstractItemModel &m, const QModelIndex &parent, int depth, QString &out)
{
    for (int r = 0; r < m.rowCount(parent); ++r) {
        QStringList cells;
        for (int c = 0; c < m.columnCount(parent); ++c)
            cells << m.index(r, c, parent).data().toString();
        out +=
            QString(depth * 2, QLatin1Char(' ')) + cells.join(QLatin1Char('|')) + QLatin1Char('\n');
        dump(m, m.index(r, 0, parent), depth + 1, out);
    }
}

QString dump(const QAbstractItemModel &m)
{
    QString out;
    dump(m, {}, 0, out);
    return out;
}

/// The first packet row of the summary whose message starts with `message`.
QModelIndex packetRow(const ExpertInfoModel &m, const QString &message, int nth = 0)
{
    for (int s = 0; s < m.rowCount(); ++s) {
        const QModelIndex sev = m.index(s, 0);
        for (int g = 0; g < m.rowCount(sev); ++g) {
            const QModelIndex sum = m.index(g, 0, sev);
            if (m.index(g, ExpertInfoModel::SummaryColumn, sev)
                    .data()
                    .toString()
                    .startsWith(message) &&
                m.rowCount(sum) > nth)
                return m.index(nth, 0, sum);
        }
    }
    return {};
}

void doubleClick(QTreeView *view, const QModelIndex &index)
{
    view->expand(index.parent().parent());
    view->expand(index.parent());
    view->scrollTo(index);
    const QPoint at = view->visualRect(index).center();
    // A real double-click is a click followed by a double-click event; the view needs both.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
}

QString corpusFile(const char *relative)
{
    return pltest::corpusDir() + QLatin1Char('/') + QLatin1String(relative);
}

} // namespace

class TestExpertInfoDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // The main window's settings go to a directory of the test's own.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void grouping()
    {
        ExpertInfoModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);
        m.setReport(handMadeReport());
        QCOMPARE(m.columnCount(), 5);
        QCOMPARE(m.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Severity"));
        QCOMPARE(m.headerData(4, Qt::Horizontal).toString(), QStringLiteral("Count"));
        // Severities (those present, highest first) with their totals; summaries with their
        // group, protocol and count; the packets under them, numbers in the first column.
        // The summary row says the summary, a packet row its own message.
        QCOMPARE(dump(m),
                 QStringLiteral("Error||||3\n"
                                "  |Bad checksum|Checksum|IPv4|2\n"
                                "    4|Bad checksum [should be 0x4|Checksum|IPv4|\n"
                                "    9|Bad checksum [should be 0x9|Checksum|IPv4|\n"
                                "  |Malformed Packet (Exception occurred)|Malformed|DNS|1\n"
                                "    7|Malformed Packet (Exception occurred)|Malformed|DNS|\n"
                                "Warning||||1\n"
                                "  |Connection reset (RST)|Sequence|TCP|1\n"
                                "    10|Connection reset (RST)|Sequence|TCP|\n"
                                "Chat||||4\n"
                                "  |Connection establish request (SYN)|Sequence|TCP|3\n"
                                "    1|Connection establish request (SYN): server port 80"
                                "|Sequence|TCP|\n"
                                "    3|Connection establish request (SYN): server port 80"
                                "|Sequence|TCP|\n"
                                "    5|Connection establish request (SYN): server port 80"
                                "|Sequence|TCP|\n"
                                "  |GET / HTTP/1.1\\r\\n|Sequence|HTTP|1\n"
                                "    6|GET / HTTP/1.1\\r\\n|Sequence|HTTP|\n"));
        QCOMPARE(m.shownNotes(), quint64(8));
        const QModelIndex rst = packetRow(m, QStringLiteral("Connection reset"));
        QCOMPARE(m.frameOf(rst), quint64(10));
        QCOMPARE(rst.data(ExpertInfoModel::FrameRole).toULongLong(), quint64(10));
        QCOMPARE(m.kind(rst), ExpertInfoModel::Kind::Packet);
        QCOMPARE(m.kind(rst.parent()), ExpertInfoModel::Kind::Summary);
        QCOMPARE(m.kind(rst.parent().parent()), ExpertInfoModel::Kind::Severity);
        QCOMPARE(m.frameOf(rst.parent()), quint64(0));
        QCOMPARE(rst.parent().parent().data(ExpertInfoModel::SeverityRole).toInt(),
                 int(Severity::Warning));
        // Severity rows wear Wireshark's colours.
        QCOMPARE(m.index(0, 0).data(Qt::BackgroundRole).value<QBrush>().color(),
                 ExpertInfoModel::severityColor(Severity::Error));

        m.setReport(nullptr);
        QCOMPARE(m.rowCount(), 0);
    }

    void searchAndLimit()
    {
        ExpertInfoModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setReport(handMadeReport());
        // Search: any case, in the message, group or protocol; empty severities go.
        m.setSearchText(QStringLiteral("CONNECTION"));
        // Warning, the RST summary and its packet; Chat, the SYN summary and its 3 packets.
        QCOMPARE(dump(m).count(QLatin1Char('\n')), 3 + 5);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("Warning"));
        m.setSearchText(QStringLiteral("checksum"));
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.shownNotes(), quint64(2));
        m.setSearchText(QStringLiteral("dns"));
        QCOMPARE(m.shownNotes(), quint64(1));
        m.setSearchText(QStringLiteral("nothing like it"));
        QCOMPARE(m.rowCount(), 0);
        m.setSearchText(QString());
        QCOMPARE(m.shownNotes(), quint64(8));

        // The display filter shows odd frames only: counts shrink, emptied summaries go.
        m.setDisplayedFilter([](quint64 frame) { return frame % 2 == 1; });
        QCOMPARE(m.shownNotes(), quint64(5)); // 9, 7, 1, 3, 5
        QCOMPARE(m.index(0, ExpertInfoModel::CountColumn).data().toULongLong(), quint64(2));
        QVERIFY(!packetRow(m, QStringLiteral("Connection reset")).isValid());
        QVERIFY(!packetRow(m, QStringLiteral("GET")).isValid());
        QCOMPARE(m.frameOf(packetRow(m, QStringLiteral("Bad checksum"))), quint64(9));
        QCOMPARE(m.rowCount(), 2); // Error, Chat
        m.setDisplayedFilter({});
        QCOMPARE(m.shownNotes(), quint64(8));
    }

    void dialogOnCapture()
    {
        if (!pltest::haveCorpus())
            QSKIP("no corpus");
        pl::PacketStore store;
        QVERIFY(store.open(corpusFile("tcpdump/print-flags.pcap")));
        QVERIFY(pltest::waitLoaded(store));
        pl::ExpertCollector collector;
        pl::ExpertInfoDialog dialog(&collector, &store);
        QAbstractItemModelTester tester(dialog.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy finished(&collector, &pl::ExpertCollector::finished);
        dialog.refresh();
        QVERIFY(collector.isRunning());
        QVERIFY(finished.wait(30000));
        ExpertInfoModel &m = *dialog.model();
        // print-flags: bad checksums (Error), SYN, SYN+ACK, FIN and HTTP lines (Chat).
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("Error"));
        const QModelIndex syn = packetRow(m, QStringLiteral("Connection establish request"));
        QVERIFY(syn.isValid());
        QCOMPARE(m.frameOf(syn), quint64(1));
        QCOMPARE(m.index(syn.row(), ExpertInfoModel::ProtocolColumn, syn.parent()).data(),
                 QVariant(QStringLiteral("TCP")));
        const quint64 all = m.shownNotes();
        QVERIFY(all >= 6);
        QVERIFY(dialog.statusText().contains(QStringLiteral("10 packet(s) read")));
        // A second refresh of the same capture does not collect again.
        dialog.refresh();
        QVERIFY(!collector.isRunning());

        // Limit to Display Filter: only SYN packets displayed -> only their notes.
        QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
        store.setDisplayFilter(pl::DisplayFilter::compile("tcp.flags.syn == 1"));
        QVERIFY(applied.wait(20000));
        dialog.limitToDisplayFilter()->setChecked(true);
        QVERIFY(m.shownNotes() < all);
        QVERIFY(packetRow(m, QStringLiteral("Connection establish request")).isValid());
        QVERIFY(!packetRow(m, QStringLiteral("Connection finish")).isValid());
        // Another display filter while limited: the limit follows it.
        store.setDisplayFilter(pl::DisplayFilter::compile("tcp.flags.fin == 1"));
        QVERIFY(applied.wait(20000));
        QVERIFY(!packetRow(m, QStringLiteral("Connection establish request")).isValid());
        QVERIFY(packetRow(m, QStringLiteral("Connection finish")).isValid());
        dialog.limitToDisplayFilter()->setChecked(false);
        QCOMPARE(m.shownNotes(), all);

        // The search box filters summaries.
        dialog.searchEdit()->setText(QStringLiteral("finish"));
        QCOMPARE(m.rowCount(), 1);
        dialog.searchEdit()->clear();

        // Double-clicking a packet row asks for that packet.
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy activated(&dialog, &pl::ExpertInfoDialog::packetActivated);
        const QModelIndex fin = packetRow(m, QStringLiteral("Connection finish"), 1);
        QVERIFY(fin.isValid());
        doubleClick(dialog.view(), fin);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toULongLong(), m.frameOf(fin));
        // A summary row is not a packet.
        doubleClick(dialog.view(), fin.parent());
        QCOMPARE(activated.count(), 1);
    }

    void mainWindowIndicatorAndSelection()
    {
        if (!pltest::haveCorpus())
            QSKIP("no corpus");
        pl::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QToolButton *dot = w.expertIndicator();
        QVERIFY(dot);
        QCOMPARE(dot->property("severity").toInt(), 0);
        // The indicator sits at the bottom left of the status bar.
        QVERIFY(dot->mapTo(&w, QPoint(0, 0)).x() < w.width() / 4);

        QSignalSpy finished(w.expertCollector(), &pl::ExpertCollector::finished);
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        // Collected once the file has loaded, without asking: the dot turns Error-red.
        QVERIFY(finished.wait(30000));
        QCOMPARE(dot->property("severity").toInt(), int(Severity::Error));
        QVERIFY(dot->toolTip().contains(QStringLiteral("Error")));

        // Clicking the dot opens the dialog; a packet row's double-click selects the packet.
        QTest::mouseClick(dot, Qt::LeftButton);
        auto *dialog = w.findChild<pl::ExpertInfoDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QVERIFY(!w.expertCollector()->isRunning()); // the report of this file was there
        const QModelIndex fin = packetRow(*dialog->model(), QStringLiteral("Connection finish"));
        QVERIFY(fin.isValid());
        const quint64 frame = dialog->model()->frameOf(fin);
        doubleClick(dialog->view(), fin);
        QTRY_COMPARE(w.packetList()->currentIndex().row(), int(frame - 1));
        dialog->close();

        // Analyze > Expert Information opens the same dialog.
        const auto actions = w.findChildren<QAction *>(QStringLiteral("actionExpertInfo"));
        QCOMPARE(actions.size(), 1);
        actions.first()->trigger();
        QTRY_VERIFY(dialog->isVisible());
        dialog->close();

        // Closing the capture forgets the notes: the dot goes grey.
        w.closeCapture();
        QCOMPARE(dot->property("severity").toInt(), 0);
        QCOMPARE(dialog->model()->rowCount(), 0);
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestExpertInfoDialog)
#include "tst_expertinfodialog.moc"
