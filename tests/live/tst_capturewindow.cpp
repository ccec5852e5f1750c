// Live capture in the application: Capture > Start through the helper, packets spooled to a
// pcapng file that the packet list follows, in network namespaces this test makes. Needs root
// (CI runs as root); skips otherwise.

#include "analysis/sessionexporter.h"
#include "app/capturecontroller.h"
#include "app/exportdialog.h"
#include "app/mainwindow.h"
#include "app/packetlistmodel.h"
#include "capfile/capturefilereader.h"
#include "capture/netnsfixture.h"
#include "cli/clirun.h"
#include "dialoganswer.h"

#include <QAbstractButton>
#include <QAction>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>

using namespace pltest;

namespace {

/// Namespaces a and b of the test's own, joined by veth va (10.99.N.1, in a) and vb
/// (10.99.N.2, in b); removed with the object.
struct VethPair
{
    explicit VethPair(const QString &name) : netns(name) {}
    /// false (why says it) where namespaces cannot be made: the test skips.
    bool addNamespaces()
    {
        a = netns.add(&why);
        b = a.isEmpty() ? QString() : netns.add(&why);
        return !b.isEmpty();
    }
    bool link(int subnet)
    {
        const QString net = QStringLiteral("10.99.%1.").arg(subnet);
        return ipIn(a, QStringLiteral("link add va type veth peer name vb netns ") + b, &why) &&
               ipIn(a, QStringLiteral("addr add ") + net + QStringLiteral("1/24 dev va"), &why) &&
               ipIn(b, QStringLiteral("addr add ") + net + QStringLiteral("2/24 dev vb"), &why) &&
               ipIn(a, QStringLiteral("link set va up"), &why) &&
               ipIn(b, QStringLiteral("link set vb up"), &why);
    }
    Netns netns;
    QString a, b, why;
};

} // namespace

class TestCaptureWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;

private slots:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("live capture tests need root to make network namespaces (CI runs as root)");
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_home.path());
        // The spool goes to the test's own cache directory, the helper is the one just built.
        qputenv("XDG_CACHE_HOME", m_home.path().toUtf8());
        qputenv("PACKETLENS_HELPER", PACKETLENS_HELPER);
    }

    void captureFollowStop()
    {
        VethPair pair(QStringLiteral("gui"));
        if (!pair.addNamespaces())
            QSKIP(qPrintable(QStringLiteral("cannot make network namespaces here: ") + pair.why));
        QVERIFY2(pair.link(4), qPrintable(pair.why));
        const QString &a = pair.a, &b = pair.b;

        // The helper inherits the namespace of the thread that starts it: this one.
        NetnsScope inA(a);
        QVERIFY(inA.ok());
        pl::MainWindow w;
        w.show();
        QVERIFY(w.startCapture(pl::ipc::Config{.interfaces = {QStringLiteral("va")},
                                               .filter = QStringLiteral("udp port 5555")}));
        QTRY_VERIFY_WITH_TIMEOUT(w.windowTitle().startsWith(QStringLiteral("Capturing from va")),
                                 10000);

        const int sender = udpSocket(b, "10.99.4.2", 4444);
        QVERIFY(sender >= 0);
        const QByteArray payload(63, 'x');
        for (int i = 0; i < 20; ++i) {
            QVERIFY(sendUdp(sender, "10.99.4.1", 6666, payload.constData(), 10)); // filtered out
            QVERIFY(
                sendUdp(sender, "10.99.4.1", 5555, payload.constData(), size_t(payload.size())));
        }
        ::close(sender);

        // The list follows the spool as the helper delivers, and keeps the newest in view.
        QTRY_COMPARE_WITH_TIMEOUT(w.packetModel()->rowCount(), 20, 10000);
        QVERIFY(w.autoScroll());
        // Picking a packet pauses the following.
        w.packetList()->selectRow(2);
        QVERIFY(!w.autoScroll());
        const QModelIndex info = w.packetModel()->index(0, pl::PacketListModel::Info);
        QCOMPARE(info.data().toString(), QStringLiteral("4444 → 5555 Len=63"));
        QCOMPARE(w.packetModel()->index(19, pl::PacketListModel::Protocol).data().toString(),
                 QStringLiteral("UDP"));

        const QString spool = w.captureController()->spoolPath();
        w.stopCapture();
        QTRY_VERIFY_WITH_TIMEOUT(!w.captureController()->isCapturing(), 10000);
        QCOMPARE(w.captureController()->captured(), quint64(20));

        // Nothing captured is lost: the spool is a complete pcapng file with every packet.
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(spool.toStdString()), reader.error().c_str());
        QVERIFY(reader.buildIndex());
        QCOMPARE(reader.packetCount(), uint64_t(20));
        QCOMPARE(reader.interfaces().size(), size_t(1));
        QCOMPARE(reader.interfaces().front().name, std::string("va"));

        // The live capture saved in each capture format reads back with the same packets,
        // bytes and times, by us and by tshark.
        QTemporaryDir out;
        const std::pair<const char *, pl::SessionExporter::Format> formats[] = {
            {"live.pcapng", pl::SessionExporter::Format::PcapNg},
            {"live.pcap", pl::SessionExporter::Format::PcapUsec},
            {"live-ns.pcap", pl::SessionExporter::Format::PcapNsec},
        };
        const QString tshark = tsharkPath();
        const QStringList fields{QStringLiteral("-T"), QStringLiteral("fields"),
                                 QStringLiteral("-e"), QStringLiteral("frame.time_epoch"),
                                 QStringLiteral("-e"), QStringLiteral("frame.len"),
                                 QStringLiteral("-e"), QStringLiteral("data.data")};
        const RunResult original =
            tshark.isEmpty()
                ? RunResult{}
                : runProgram(tshark, QStringList{QStringLiteral("-r"), spool} + fields);
        for (const auto &[name, format] : formats) {
            const QString target = out.filePath(QString::fromLatin1(name));
            pl::SessionExporter::Options options;
            options.format = format;
            QSignalSpy done(w.exporter(), &pl::SessionExporter::finished);
            QVERIFY(w.exportPackets(target, options));
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
            QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
            pl::CaptureFileReader back;
            QVERIFY2(back.open(target.toStdString()), back.error().c_str());
            QVERIFY(reader.open(spool.toStdString()));
            pl::CapturedPacket p, q;
            int n = 0;
            while (back.next(p)) {
                QVERIFY(reader.next(q));
                QCOMPARE(p.bytes, q.bytes);
                QCOMPARE(p.frame.tsSec, q.frame.tsSec);
                const uint32_t nsec = format == pl::SessionExporter::Format::PcapUsec
                                          ? q.frame.tsNsec / 1000 * 1000
                                          : q.frame.tsNsec;
                QCOMPARE(p.frame.tsNsec, nsec);
                ++n;
            }
            QCOMPARE(n, 20);
            if (!tshark.isEmpty() && format != pl::SessionExporter::Format::PcapUsec) {
                const RunResult copy =
                    runProgram(tshark, QStringList{QStringLiteral("-r"), target} + fields);
                QCOMPARE(copy.out, original.out);
                QCOMPARE(copy.out.count('\n'), 20);
            }
        }
    }

    void restartStartsAgainAndKeepsTheSpool()
    {
        VethPair pair(QStringLiteral("restart"));
        if (!pair.addNamespaces())
            QSKIP(qPrintable(QStringLiteral("cannot make network namespaces here: ") + pair.why));
        QVERIFY2(pair.link(6), qPrintable(pair.why));
        const QString &a = pair.a, &b = pair.b;
        NetnsScope inA(a);
        pl::MainWindow w;
        w.show();
        const pl::ipc::Config config{.interfaces = {QStringLiteral("va")},
                                     .filter = QStringLiteral("udp port 5555"),
                                     .snaplen = 100};
        QVERIFY(w.startCapture(config));
        QTRY_VERIFY_WITH_TIMEOUT(w.windowTitle().startsWith(QStringLiteral("Capturing from va")),
                                 10000);
        const int sender = udpSocket(b, "10.99.6.2", 4444);
        QVERIFY(sender >= 0);
        const QByteArray payload(300, 'r');
        for (int i = 0; i < 5; ++i)
            QVERIFY(sendUdp(sender, "10.99.6.1", 5555, payload.constData(), 300));
        QTRY_COMPARE_WITH_TIMEOUT(w.packetModel()->rowCount(), 5, 10000);
        const QString firstSpool = w.captureController()->spoolPath();

        // Capture > Restart: the first capture's packets are saved (as Wireshark asks), then a
        // new capture with the same options.
        QTemporaryDir out;
        const QString first = out.filePath(QStringLiteral("first.pcapng"));
        answerNextDialog([first](QWidget *dialog) {
            auto *box = qobject_cast<QMessageBox *>(dialog);
            QVERIFY(box && box->text().contains(QStringLiteral("before restarting")));
            box->button(QMessageBox::Save)->click();
            answerNextDialog([first](QWidget *next) {
                auto *save = qobject_cast<pl::ExportDialog *>(next);
                QVERIFY(save);
                save->setTargetPath(first);
                save->accept();
            });
        });
        QSignalSpy started(w.captureController(), &pl::CaptureController::started);
        w.findChild<QAction *>(QStringLiteral("actionRestartCapture"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty(), 10000);
        QVERIFY(w.captureController()->spoolPath() != firstSpool);
        QVERIFY(!QFile::exists(firstSpool)); // saved, so its spool is gone
        QCOMPARE(w.captureController()->config(), config);
        QTRY_COMPARE_WITH_TIMEOUT(w.packetModel()->rowCount(), 0, 10000);
        for (int i = 0; i < 3; ++i)
            QVERIFY(sendUdp(sender, "10.99.6.1", 5555, payload.constData(), 300));
        ::close(sender);
        QTRY_COMPARE_WITH_TIMEOUT(w.packetModel()->rowCount(), 3, 10000);
        // The snaplen applies: 342-byte frames are cut to 100 bytes.
        QCOMPARE(w.packetModel()->index(0, pl::PacketListModel::Length).data().toString(),
                 QStringLiteral("342"));
        w.stopCapture();
        QTRY_VERIFY_WITH_TIMEOUT(!w.captureController()->isCapturing(), 10000);
        // The status bar shows the capture's duration, frozen now.
        const QList<QLabel *> status = w.statusBar()->findChildren<QLabel *>();
        QVERIFY(std::any_of(status.begin(), status.end(), [](QLabel *l) {
            return l->text().contains(QStringLiteral(" · 00:00:0"));
        }));

        pl::CaptureFileReader reader;
        for (const auto &[path, count] :
             {std::pair{first, 5}, {w.captureController()->spoolPath(), 3}}) {
            QVERIFY2(reader.open(path.toStdString()), reader.error().c_str());
            QVERIFY(reader.buildIndex());
            QCOMPARE(reader.packetCount(), uint64_t(count));
            QCOMPARE(reader.interfaces().front().snapLen, 100u);
        }
    }

    void helperCrashKeepsWhatWasCaptured()
    {
        VethPair pair(QStringLiteral("crash"));
        if (!pair.addNamespaces())
            QSKIP(qPrintable(QStringLiteral("cannot make network namespaces here: ") + pair.why));
        QVERIFY2(pair.link(5), qPrintable(pair.why));
        const QString &a = pair.a, &b = pair.b;
        NetnsScope inA(a);
        pl::MainWindow w;
        QSignalSpy failed(w.captureController(), &pl::CaptureController::failed);
        QVERIFY(w.startCapture(pl::ipc::Config{.interfaces = {QStringLiteral("va")},
                                               .filter = QStringLiteral("udp port 5555")}));
        QTRY_VERIFY_WITH_TIMEOUT(w.windowTitle().startsWith(QStringLiteral("Capturing from va")),
                                 10000);
        const int sender = udpSocket(b, "10.99.5.2", 4444);
        QVERIFY(sender >= 0);
        for (int i = 0; i < 10; ++i)
            QVERIFY(sendUdp(sender, "10.99.5.1", 5555, "crash test", 10));
        ::close(sender);
        QTRY_COMPARE_WITH_TIMEOUT(w.packetModel()->rowCount(), 10, 10000);

        // The helper dies: the capture stops with a message, and nothing captured is lost.
        const QString spool = w.captureController()->spoolPath();
        QVERIFY(w.captureController()->helperPid() > 0);
        ::kill(pid_t(w.captureController()->helperPid()), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.captureController()->isCapturing(), 10000);
        QCOMPARE(w.packetModel()->rowCount(), 10);
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(spool.toStdString()), reader.error().c_str());
        QVERIFY(reader.buildIndex());
        QCOMPARE(reader.packetCount(), uint64_t(10));
    }

    void badFilterIsRefused()
    {
        pl::MainWindow w;
        // The helper refuses it with pcap's message; the window says so and stays usable.
        QSignalSpy failed(w.captureController(), &pl::CaptureController::failed);
        QVERIFY(w.startCapture(pl::ipc::Config{.interfaces = {QStringLiteral("lo")},
                                               .filter = QStringLiteral("udp port")}));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("syntax error")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.captureController()->isCapturing(), 10000);
    }
};

QTEST_MAIN(TestCaptureWindow)
#include "tst_capturewindow.moc"
