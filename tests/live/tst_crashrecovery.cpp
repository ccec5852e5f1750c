// Crash recovery end to end: the real `packetlens -i va -k` captures inside a namespace pair,
// numbered UDP datagrams go through, the application is killed with SIGKILL, and
// SpoolRecovery then offers its spool, which holds every datagram delivered before the kill
// (the last batch at most is lost). Needs root (CI runs as root); skips otherwise.

#include "app/spoolrecovery.h"
#include "capfile/capturefilereader.h"
#include "capture/netnsfixture.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <sys/prctl.h>

using namespace pltest;

namespace {

constexpr int kFirstBurst = 60;
constexpr int kSecondBurst = 40;
constexpr uint16_t kPort = 5555;
constexpr size_t kUdpPayloadOffset = 14 + 20 + 8; // Ethernet, IPv4 without options, UDP

QByteArray datagram(int n)
{
    return QStringLiteral("packetlens datagram %1 ").arg(n, 5, 10, QLatin1Char('0')).toLatin1() +
           QByteArray(40 + n % 13, char('a' + n % 26));
}

/// The UDP payloads to port 5555 in a capture file; `damaged` says whether it ended in damage.
QList<QByteArray> payloads(const QString &path, bool *damaged = nullptr)
{
    QList<QByteArray> out;
    pl::CaptureFileReader reader;
    if (!reader.open(path.toStdString()))
        return out;
    pl::CapturedPacket p;
    while (reader.next(p)) {
        if (p.frame.capLen <= kUdpPayloadOffset)
            continue;
        out << QByteArray(reinterpret_cast<const char *>(p.frame.data) + kUdpPayloadOffset,
                          qsizetype(p.frame.capLen - kUdpPayloadOffset));
    }
    if (damaged)
        *damaged = reader.damaged();
    return out;
}

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private slots:
    void killedApplicationIsRecovered()
    {
        if (::geteuid() != 0)
            QSKIP("live capture tests need root to make network namespaces (CI runs as root)");
        Netns netns(QStringLiteral("crashrec"));
        QString why;
        const QString a = netns.add(&why), b = a.isEmpty() ? QString() : netns.add(&why);
        if (b.isEmpty())
            QSKIP(qPrintable(QStringLiteral("cannot make network namespaces here: ") + why));
        QVERIFY2(ipIn(a, QStringLiteral("link add va type veth peer name vb netns ") + b, &why) &&
                     ipIn(a, QStringLiteral("addr add 10.99.7.1/24 dev va"), &why) &&
                     ipIn(b, QStringLiteral("addr add 10.99.7.2/24 dev vb"), &why) &&
                     ipIn(a, QStringLiteral("link set va up"), &why) &&
                     ipIn(b, QStringLiteral("link set vb up"), &why),
                 qPrintable(why));

        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString cache = home.filePath(QStringLiteral("cache"));
        const QString spoolDir = cache + QStringLiteral("/packetlens");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), cache);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
        env.insert(QStringLiteral("PACKETLENS_HELPER"), QStringLiteral(PACKETLENS_HELPER));

        QProcess app;
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        // Should this test die first, the application must not outlive it (it would hold
        // ctest's output pipe open, and a capture running).
        app.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        {
            // The application, and the helper it starts, capture in namespace a.
            NetnsScope inA(a);
            QVERIFY(inA.ok());
            // The test runs as root (namespaces); the application refuses root unless told.
            app.start(QStringLiteral(PACKETLENS_APP),
                      {QStringLiteral("--allow-root"), QStringLiteral("-i"), QStringLiteral("va"),
                       QStringLiteral("-f"), QStringLiteral("udp port %1").arg(kPort),
                       QStringLiteral("-k")});
            QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));
        }
        auto killApp = qScopeGuard([&app] {
            if (app.state() != QProcess::NotRunning) {
                app.kill();
                app.waitForFinished(5000);
            }
        });

        // The spool appears once the capture runs; it is owned, so not offered for recovery.
        QString spool;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QStringList files =
                    QDir(spoolDir).entryList(pl::SpoolRecovery::nameFilters(), QDir::Files);
                if (files.size() != 1)
                    return false;
                spool = spoolDir + QLatin1Char('/') + files.first();
                // The interface block is written when the helper has started.
                pl::CaptureFileReader r;
                return r.open(spool.toStdString()) && !r.interfaces().empty();
            }(),
            20000);
        QVERIFY(pl::SpoolOwner::isOwned(spool));
        QVERIFY(pl::SpoolRecovery(spoolDir).orphans().isEmpty());

        const int sender = udpSocket(b, "10.99.7.2", 4444);
        QVERIFY(sender >= 0);
        auto closeSender = qScopeGuard([sender] { ::close(sender); });
        for (int i = 0; i < kFirstBurst; ++i) {
            const QByteArray d = datagram(i);
            QVERIFY(sendUdp(sender, "10.99.7.1", kPort, d.constData(), size_t(d.size())));
        }
        // Flushed batch by batch: all of them reach the file while the application runs.
        QTRY_COMPARE_WITH_TIMEOUT(payloads(spool).size(), kFirstBurst, 20000);

        // More traffic, and the application dies in the middle of it.
        for (int i = kFirstBurst; i < kFirstBurst + kSecondBurst; ++i) {
            const QByteArray d = datagram(i);
            QVERIFY(sendUdp(sender, "10.99.7.1", kPort, d.constData(), size_t(d.size())));
        }
        ::kill(pid_t(app.processId()), SIGKILL);
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitStatus(), QProcess::CrashExit);

        // The next start: the spool has no live owner and is offered.
        const QList<pl::SpoolInfo> orphans = pl::SpoolRecovery(spoolDir).orphans();
        QCOMPARE(orphans.size(), 1);
        QCOMPARE(orphans.first().path, spool);
        QCOMPARE(orphans.first().interfaces, QStringList{QStringLiteral("va")});
        QVERIFY(orphans.first().packets >= quint64(kFirstBurst));

        pl::SpoolOwner owner;
        QString error;
        QVERIFY2(pl::SpoolRecovery::adopt(spool, owner, &error), qPrintable(error));
        bool damaged = true;
        const QList<QByteArray> got = payloads(spool, &damaged);
        QVERIFY(!damaged);
        QCOMPARE(quint64(got.size()), orphans.first().packets);
        // Every datagram delivered before the kill, in order, byte for byte; of the burst
        // that raced the kill, a prefix (the batch in flight is the most that may be lost).
        QVERIFY(got.size() >= kFirstBurst && got.size() <= kFirstBurst + kSecondBurst);
        for (int i = 0; i < got.size(); ++i)
            QCOMPARE(got.at(i), datagram(i));
        qInfo("recovered %lld datagrams; the first %d were in the spool before the kill",
              static_cast<long long>(got.size()), kFirstBurst);
        QVERIFY(owner.release(true));
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
