// CaptureController against a fake helper (this binary, re-executed through PACKETLENS_HELPER
// with PL_FAKE_HELPER set): limits (packets, seconds, MiB), the ring buffer, and a spool
// write error (RLIMIT_FSIZE) that pauses the capture, keeps every packet and resumes into the
// same file. Packets carry their sequence number in their first 8 bytes.

#include "app/capturecontroller.h"
#include "capfile/capturefilereader.h"
#include "ipc/helperconnection.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>

#include <sys/resource.h>
#include <unistd.h>

using namespace pl;
using pl::ipc::HelperConnection;

namespace {

quint64 envNumber(const char *name, quint64 fallback)
{
    bool ok = false;
    const quint64 v = qEnvironmentVariable(name).toULongLong(&ok);
    return ok ? v : fallback;
}

/// The fake helper: PL_FAKE_PACKETS packets (0: a batch every PL_FAKE_INTERVAL_MS until
/// Stop) in batches of PL_FAKE_BATCH, PL_FAKE_SIZE bytes each, numbered from PL_FAKE_FIRST,
/// on interfaces "eth0" and "eth1" with ids from PL_FAKE_IDBASE; then waits for Stop.
int fakeHelper(int argc, char **argv)
{
    QString socket;
    for (int i = 1; i + 1 < argc; ++i)
        if (qstrcmp(argv[i], "--socket") == 0)
            socket = QString::fromLocal8Bit(argv[i + 1]);
    const quint64 packets = envNumber("PL_FAKE_PACKETS", 10);
    const quint64 batchSize = envNumber("PL_FAKE_BATCH", 5);
    const quint64 size = std::max<quint64>(8, envNumber("PL_FAKE_SIZE", 100));
    const quint64 first = envNumber("PL_FAKE_FIRST", 0);
    const quint32 idBase = quint32(envNumber("PL_FAKE_IDBASE", 1));
    const int interval = int(envNumber("PL_FAKE_INTERVAL_MS", 20));

    HelperConnection c;
    if (!c.connectTo(socket))
        return 10;
    if (!c.send(ipc::Hello{ipc::kProtocolVersion, QStringLiteral("fake"), QString(), getpid()}))
        return 11;
    ipc::Message m;
    if (!c.poll(m, 5000) || !std::holds_alternative<ipc::Config>(m))
        return 12;
    ipc::Started started;
    started.interfaces << ipc::StartedInterface{idBase, QStringLiteral("eth0"), 1}
                       << ipc::StartedInterface{idBase + 1, QStringLiteral("eth1"), 1};
    if (!c.send(started))
        return 13;
    quint64 seq = first;
    auto batch = [&] {
        ipc::PacketBatch b;
        for (quint64 i = 0; i < batchSize; ++i, ++seq) {
            ipc::PacketRecord r;
            r.interfaceId = idBase + quint32(seq % 2);
            r.tsSec = 1700000000 + qint64(seq);
            r.bytes = QByteArray(qsizetype(size), char(seq));
            std::memcpy(r.bytes.data(), &seq, 8);
            r.wireLen = quint32(size);
            b.packets << r;
        }
        return c.send(b);
    };
    if (packets) {
        while (seq < first + packets)
            if (!batch())
                return 14;
    }
    for (;;) {
        if (c.poll(m, packets ? 10000 : interval)) {
            if (std::holds_alternative<ipc::Stop>(m)) {
                c.send(ipc::Stats{{}, 0, seq - first});
                return 0;
            }
        } else if (c.closed()) {
            return 3;
        } else if (!packets && !batch()) {
            return 15;
        }
    }
}

/// Sequence numbers of the packets in a spool, in file order; `interfaces` gets their names.
QList<quint64> sequences(const QString &path, QStringList *interfaces = nullptr,
                         bool *damaged = nullptr)
{
    QList<quint64> seqs;
    CaptureFileReader r;
    if (!r.open(path.toStdString()))
        return seqs;
    CapturedPacket p;
    while (r.next(p)) {
        quint64 seq = 0;
        std::memcpy(&seq, p.frame.data, 8);
        seqs << seq;
    }
    if (damaged)
        *damaged = r.damaged();
    if (interfaces) {
        interfaces->clear();
        for (const CaptureInterface &i : r.interfaces())
            *interfaces << QString::fromStdString(i.name);
    }
    return seqs;
}

QList<quint64> range(quint64 from, quint64 to)
{
    QList<quint64> out;
    for (quint64 i = from; i < to; ++i)
        out << i;
    return out;
}

void fakeRun(quint64 packets, quint64 batch, quint64 size, quint64 first = 0, quint32 idBase = 1)
{
    qputenv("PL_FAKE_PACKETS", QByteArray::number(packets));
    qputenv("PL_FAKE_BATCH", QByteArray::number(batch));
    qputenv("PL_FAKE_SIZE", QByteArray::number(size));
    qputenv("PL_FAKE_FIRST", QByteArray::number(first));
    qputenv("PL_FAKE_IDBASE", QByteArray::number(idBase));
}

ipc::Config twoInterfaces()
{
    ipc::Config c;
    c.interfaces = {QStringLiteral("eth0"), QStringLiteral("eth1")};
    return c;
}
const ipc::Config kConfig = twoInterfaces();

} // namespace

class TestCaptureController : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("cache"))));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_home.path()));
        qputenv("PACKETLENS_HELPER", QFile::encodeName(QCoreApplication::applicationFilePath()));
        qputenv("PL_FAKE_HELPER", "1");
    }

    void cleanup()
    {
        // Every test leaves its spools to the next start... except here: start afresh.
        const QDir dir(CaptureController::spoolDirectory());
        const QStringList left = dir.entryList(QDir::Files);
        for (const QString &f : left)
            QFile::remove(dir.filePath(f));
    }

    void spoolIsOwnedUntilReleased()
    {
        fakeRun(10, 5, 100);
        CaptureController c;
        QSignalSpy finished(&c, &CaptureController::finished);
        QVERIFY2(c.start(kConfig), qPrintable(c.errorString()));
        QCOMPARE(c.state(), CaptureController::State::Capturing);
        QTRY_COMPARE_WITH_TIMEOUT(c.captured(), quint64(10), 10000);
        c.stop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(c.state(), CaptureController::State::Idle);
        const QString path = c.spoolPath();
        QStringList names;
        // Helper ids 1 and 2 become spool ids 0 and 1.
        QCOMPARE(sequences(path, &names), range(0, 10));
        QCOMPARE(names, (QStringList{QStringLiteral("eth0"), QStringLiteral("eth1")}));
        // Finished but not saved or discarded: still the session's, not offered for recovery.
        QVERIFY(c.ownsSpool());
        QVERIFY(SpoolOwner::isOwned(path));
        QVERIFY(SpoolRecovery().orphans().isEmpty());
        QVERIFY(c.release(true));
        QVERIFY(!c.ownsSpool());
        QVERIFY(!QFileInfo::exists(path));
    }

    void destroyedSessionLeavesARecoverableSpool()
    {
        fakeRun(10, 5, 100);
        QString path;
        {
            CaptureController c;
            QVERIFY(c.start(kConfig));
            QTRY_COMPARE_WITH_TIMEOUT(c.captured(), quint64(10), 10000);
            path = c.spoolPath();
        }
        const QList<SpoolInfo> found = SpoolRecovery().orphans();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().path, path);
        QCOMPARE(found.first().packets, quint64(10));
    }

    void stopsAfterPackets()
    {
        fakeRun(40, 10, 100);
        CaptureController c;
        c.setLimits({.packets = 25});
        QSignalSpy limit(&c, &CaptureController::limitReached);
        QSignalSpy finished(&c, &CaptureController::finished);
        QVERIFY(c.start(kConfig));
        QVERIFY(finished.wait(10000));
        QCOMPARE(limit.size(), 1);
        QCOMPARE(limit.first().first().value<CaptureController::Limit>(),
                 CaptureController::Limit::Packets);
        QCOMPARE(c.captured(), quint64(25));
        QCOMPARE(sequences(c.spoolPath()), range(0, 25));
    }

    void stopsAfterSeconds()
    {
        fakeRun(0, 2, 100);
        CaptureController c;
        c.setLimits({.seconds = 1});
        QSignalSpy limit(&c, &CaptureController::limitReached);
        QSignalSpy finished(&c, &CaptureController::finished);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(c.start(kConfig));
        QVERIFY(finished.wait(10000));
        QCOMPARE(limit.size(), 1);
        QCOMPARE(limit.first().first().value<CaptureController::Limit>(),
                 CaptureController::Limit::Seconds);
        QVERIFY2(clock.elapsed() >= 1000 && clock.elapsed() < 5000,
                 qPrintable(QString::number(clock.elapsed())));
        QVERIFY(c.captured() > 0);
        // Nothing after the limit: the spool holds exactly what was counted.
        QCOMPARE(quint64(sequences(c.spoolPath()).size()), c.captured());
    }

    void stopsAfterMegabytes()
    {
        fakeRun(300, 10, 10000); // 3 MB offered
        CaptureController c;
        c.setLimits({.megabytes = 1});
        QSignalSpy limit(&c, &CaptureController::limitReached);
        QSignalSpy finished(&c, &CaptureController::finished);
        QVERIFY(c.start(kConfig));
        QVERIFY(finished.wait(10000));
        QCOMPARE(limit.size(), 1);
        QCOMPARE(limit.first().first().value<CaptureController::Limit>(),
                 CaptureController::Limit::Megabytes);
        const qint64 size = QFileInfo(c.spoolPath()).size();
        QVERIFY2(size >= (1 << 20) && size < (1 << 20) + 10100, qPrintable(QString::number(size)));
        QCOMPARE(sequences(c.spoolPath()), range(0, c.captured()));
    }

    void ringBufferKeepsTheNewestFiles()
    {
        fakeRun(500, 10, 10000); // about 5 MB into files of 1 MiB, 2 kept
        CaptureController c;
        c.setLimits({.ringFileMiB = 1, .ringFiles = 2});
        QSignalSpy rotated(&c, &CaptureController::spoolRotated);
        QSignalSpy dropped(&c, &CaptureController::ringFileDropped);
        QSignalSpy finished(&c, &CaptureController::finished);
        QVERIFY(c.start(kConfig));
        const QString firstFile = c.spoolPath();
        QTRY_COMPARE_WITH_TIMEOUT(c.captured(), quint64(500), 10000);
        c.stop();
        QVERIFY(finished.wait(10000));

        QCOMPARE(rotated.size(), 4); // 5 files: ~104 packets of 10 KB in each
        QCOMPARE(rotated.last().first().toString(), c.spoolPath());
        QCOMPARE(dropped.size(), 3);
        QCOMPARE(dropped.first().first().toString(), firstFile);
        QVERIFY(!QFileInfo::exists(firstFile));
        const QStringList kept = c.spoolPaths();
        QCOMPARE(kept.size(), 2);
        QCOMPARE(kept.last(), c.spoolPath());
        QCOMPARE(QDir(CaptureController::spoolDirectory()).entryList(QDir::Files).size(), 2);
        // The kept files hold the newest packets, in order, with nothing missing between them.
        QList<quint64> seqs;
        for (const QString &file : kept) {
            QStringList names;
            seqs += sequences(file, &names);
            QCOMPARE(names.size(), 2);
            QVERIFY(QFileInfo(file).size() < (1 << 20) + 10100);
        }
        QCOMPARE(c.droppedOnPurpose(), dropped.last().at(2).toULongLong());
        QCOMPARE(seqs, range(c.droppedOnPurpose(), 500));
        QCOMPARE(c.captured(), quint64(500));
        QVERIFY(c.release(true));
        QVERIFY(QDir(CaptureController::spoolDirectory()).entryList(QDir::Files).isEmpty());
    }

    void diskFullPausesAndResumes()
    {
        // The spool cannot grow past ~20 KB (EFBIG: as good as a full disk), then space is
        // freed and the capture resumed.
        struct rlimit saved;
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        std::signal(SIGXFSZ, SIG_IGN);
        fakeRun(50, 5, 1000);
        CaptureController c;
        QSignalSpy failed(&c, &CaptureController::spoolFailed);
        QSignalSpy states(&c, &CaptureController::stateChanged);
        QSignalSpy finished(&c, &CaptureController::finished);
        struct rlimit tight = saved;
        tight.rlim_cur = 20000;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &tight), 0);
        QVERIFY(c.start(kConfig));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QCOMPARE(c.state(), CaptureController::State::Paused);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("File too large")));
        QTRY_VERIFY_WITH_TIMEOUT(!c.isCapturing(), 10000); // the helper was stopped
        QVERIFY(finished.isEmpty());
        QCOMPARE(c.state(), CaptureController::State::Paused);
        const QString path = c.spoolPath();
        // The file reads back whole; what is not in it waits in memory.
        bool damaged = true;
        const QList<quint64> onDisk = sequences(path, nullptr, &damaged);
        QVERIFY(!damaged);
        QVERIFY(onDisk.size() > 5 && onDisk.size() < 20);
        QCOMPARE(onDisk, range(0, quint64(onDisk.size())));
        QCOMPARE(c.captured(), quint64(onDisk.size()));
        QCOMPARE(c.captured() + c.pendingPackets(), quint64(50));

        // Still full: resume() says so and stays paused, keeping everything.
        QVERIFY(!c.resume());
        QCOMPARE(c.state(), CaptureController::State::Paused);
        QCOMPARE(c.captured() + c.pendingPackets(), quint64(50));

        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);
        // The new helper run numbers its interfaces differently: the spool keeps its two.
        fakeRun(10, 5, 1000, 50, 7);
        QSignalSpy resumed(&c, &CaptureController::resumed);
        QVERIFY2(c.resume(), qPrintable(c.errorString()));
        QCOMPARE(c.pendingPackets(), quint64(0));
        QCOMPARE(c.state(), CaptureController::State::Capturing);
        QVERIFY(resumed.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(c.captured(), quint64(60), 10000);
        c.stop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(c.spoolPath(), path);
        QStringList names;
        QCOMPARE(sequences(path, &names, &damaged), range(0, 60));
        QVERIFY(!damaged);
        QCOMPARE(names, (QStringList{QStringLiteral("eth0"), QStringLiteral("eth1")}));
        QVERIFY(
            states.contains(QVariantList{QVariant::fromValue(CaptureController::State::Paused)}));
    }
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet("PL_FAKE_HELPER") && argc > 2)
        return fakeHelper(argc, argv);
    QCoreApplication app(argc, argv);
    TestCaptureController test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_capturecontroller.moc"
