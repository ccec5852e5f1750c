// SpoolOwner and SpoolRecovery with crafted spool files: a spool owned by a live session (in
// this process or another) is not offered, one whose owner was killed is; a spool cut in the
// middle of a block by a crash counts the packets before the cut and is cut back to them when
// adopted; spools without packets are cleaned away.

#include "app/spoolrecovery.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace pl;

namespace {

constexpr int64_t kFirstSecond = 1700000000;

/// Writes a spool like the controller does: interfaces eth0 and wlan0, `packets` packets of
/// 100 + i bytes a second apart (alternating interfaces), flushed.
bool writeSpool(const QString &path, int packets)
{
    CaptureFileWriter w;
    if (!w.open(path.toStdString(), CaptureFileWriter::Format::PcapNg, "PacketLens test") ||
        w.addInterface({1, 0, "eth0", {}}) != 0 || w.addInterface({1, 0, "wlan0", {}}) != 1)
        return false;
    for (int i = 0; i < packets; ++i) {
        std::vector<uint8_t> bytes(size_t(100 + i), uint8_t(i));
        Frame f;
        f.data = bytes.data();
        f.capLen = f.wireLen = uint32_t(bytes.size());
        f.tsSec = kFirstSecond + i;
        f.tsNsec = 250000000;
        if (!w.write(f, uint32_t(i % 2)))
            return false;
    }
    return w.close();
}

QStringList paths(const QList<SpoolInfo> &list)
{
    QStringList out;
    for (const SpoolInfo &i : list)
        out << QFileInfo(i.path).fileName();
    return out;
}

} // namespace

class TestSpoolRecovery : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString spool(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void init()
    {
        const QStringList left = QDir(m_dir.path()).entryList(QDir::Files);
        for (const QString &f : left)
            QFile::remove(m_dir.filePath(f));
    }

    void listsOrphansWithTheirContents()
    {
        QVERIFY(writeSpool(spool("capture-20240101-100000-11.pcapng"), 5));
        QVERIFY(writeSpool(spool("other.pcapng"), 5)); // not a spool name: none of ours
        const QList<SpoolInfo> found = SpoolRecovery(m_dir.path()).orphans();
        QCOMPARE(paths(found), QStringList{QStringLiteral("capture-20240101-100000-11.pcapng")});
        const SpoolInfo &info = found.first();
        QCOMPARE(info.packets, quint64(5));
        QCOMPARE(info.interfaces, (QStringList{QStringLiteral("eth0"), QStringLiteral("wlan0")}));
        QCOMPARE(info.first.toMSecsSinceEpoch(), kFirstSecond * 1000 + 250);
        QCOMPARE(info.last.toMSecsSinceEpoch(), (kFirstSecond + 4) * 1000 + 250);
        QCOMPARE(info.size, QFileInfo(info.path).size());
        QVERIFY(!info.damaged);
        QVERIFY(QFileInfo::exists(spool("other.pcapng")));
    }

    void ownedSpoolIsNotListed()
    {
        const QString path = spool("capture-20240101-100000-12.pcapng");
        QVERIFY(writeSpool(path, 3));
        {
            SpoolOwner owner;
            QVERIFY2(owner.acquire(path), qPrintable(owner.errorString()));
            QVERIFY(SpoolOwner::isOwned(path));
            QVERIFY(SpoolRecovery(m_dir.path()).orphans().isEmpty());
            // Nobody else can adopt or discard it meanwhile.
            SpoolOwner second;
            QVERIFY(!SpoolRecovery::adopt(path, second));
            QString error;
            QVERIFY(!SpoolRecovery::discard(path, &error));
            QVERIFY(error.contains(QStringLiteral("running PacketLens session")));
            QVERIFY(QFileInfo::exists(path));
        }
        // Released without deleting: a crashed-looking spool, offered again.
        QVERIFY(!SpoolOwner::isOwned(path));
        QCOMPARE(SpoolRecovery(m_dir.path()).orphans().size(), 1);
    }

    void ownerKilledMakesItAnOrphan()
    {
        const QString path = spool("capture-20240101-100000-13.pcapng");
        QVERIFY(writeSpool(path, 4));
        // Another process owns it, the way a running PacketLens does (flock on the spool).
        int ready[2];
        QCOMPARE(::pipe(ready), 0);
        const QByteArray name = QFile::encodeName(path);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            const int fd = ::open(name.constData(), O_RDONLY);
            const char ok = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 'y' : 'n';
            [[maybe_unused]] ssize_t n = ::write(ready[1], &ok, 1);
            for (;;)
                ::pause();
        }
        ::close(ready[1]);
        char ok = 0;
        QCOMPARE(::read(ready[0], &ok, 1), ssize_t(1));
        ::close(ready[0]);
        QCOMPARE(ok, 'y');
        QVERIFY(SpoolRecovery(m_dir.path()).orphans().isEmpty());
        // The owner crashes: the kernel drops its lock, no stale lock to clean up.
        ::kill(child, SIGKILL);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        const QList<SpoolInfo> found = SpoolRecovery(m_dir.path()).orphans();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().packets, quint64(4));
        QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("capture-20240101-100000-13.pcapng")});
    }

    void cutMidBlockCountsWhatCameBefore()
    {
        const QString path = spool("capture-20240101-100000-14.pcapng");
        QVERIFY(writeSpool(path, 7));
        const qint64 sevenPackets = QFileInfo(path).size();
        QVERIFY(writeSpool(path, 8));
        // The crash came while the eighth packet's block was being written.
        QVERIFY(QFile::resize(path, QFileInfo(path).size() - 30));

        const QList<SpoolInfo> found = SpoolRecovery(m_dir.path()).orphans();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().packets, quint64(7));
        QVERIFY(found.first().damaged);
        QVERIFY(!found.first().damage.isEmpty());
        QCOMPARE(found.first().last.toMSecsSinceEpoch(), (kFirstSecond + 6) * 1000 + 250);

        // Adopted: cut back to the seven whole packets, so it reads (and saves) cleanly.
        SpoolOwner owner;
        QString error;
        QVERIFY2(SpoolRecovery::adopt(path, owner, &error), qPrintable(error));
        QVERIFY(owner.owns());
        QCOMPARE(owner.path(), path);
        QCOMPARE(QFileInfo(path).size(), sevenPackets);
        CaptureFileReader reader;
        QVERIFY(reader.open(path.toStdString()));
        QVERIFY(reader.buildIndex());
        QCOMPARE(reader.packetCount(), uint64_t(7));
        QVERIFY(!reader.damaged());
        CapturedPacket p;
        QVERIFY(reader.readPacket(6, p));
        QCOMPARE(p.frame.capLen, 106u);
        QCOMPARE(int(p.frame.data[0]), 6);
        // Adopted means owned: no longer offered.
        QVERIFY(SpoolRecovery(m_dir.path()).orphans().isEmpty());
        QVERIFY(owner.release(true));
        QVERIFY(!QFileInfo::exists(path));
    }

    void cutInsideTheBlockHeader()
    {
        const QString path = spool("capture-20240101-100000-15.pcapng");
        QVERIFY(writeSpool(path, 3));
        const qint64 whole = QFileInfo(path).size();
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        QCOMPARE(f.write("\x06\x00\x00", 3), qint64(3)); // 3 bytes of the next block's type
        f.close();
        QCOMPARE(SpoolRecovery::inspect(path).packets, quint64(3));
        SpoolOwner owner;
        QVERIFY(SpoolRecovery::adopt(path, owner));
        QCOMPARE(QFileInfo(path).size(), whole);
    }

    void emptySpoolsAreCleaned()
    {
        QVERIFY(writeSpool(spool("capture-20240101-100000-16.pcapng"), 0)); // interfaces only
        QFile zero(spool("capture-20240101-100000-17.pcapng")); // crashed before the header
        QVERIFY(zero.open(QIODevice::WriteOnly));
        zero.close();
        QVERIFY(writeSpool(spool("capture-20240101-100000-18.pcapng"), 2));
        const QList<SpoolInfo> found = SpoolRecovery(m_dir.path()).orphans();
        QCOMPARE(paths(found), QStringList{QStringLiteral("capture-20240101-100000-18.pcapng")});
        QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("capture-20240101-100000-18.pcapng")});
    }

    void discardDeletes()
    {
        const QString path = spool("capture-20240101-100000-19.pcapng");
        QVERIFY(writeSpool(path, 2));
        QString error;
        QVERIFY2(SpoolRecovery::discard(path, &error), qPrintable(error));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!SpoolRecovery::discard(path, &error)); // nothing left to discard
        QVERIFY(error.contains(QStringLiteral("No such file")));
    }

    void createOwnsANewFileOnly()
    {
        const QString path = spool("capture-20240101-100000-20.pcapng");
        SpoolOwner owner;
        QVERIFY2(owner.create(path), qPrintable(owner.errorString()));
        QVERIFY(SpoolOwner::isOwned(path));
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());
        // An empty spool of a live session is not cleaned away.
        QVERIFY(SpoolRecovery(m_dir.path()).orphans().isEmpty());
        QVERIFY(QFileInfo::exists(path));
        SpoolOwner again;
        QVERIFY(!again.create(path)); // never someone else's file
        QVERIFY(QFileInfo::exists(path));
        // Moving ownership keeps the lock.
        SpoolOwner moved(std::move(owner));
        QVERIFY(!owner.owns());
        QVERIFY(SpoolOwner::isOwned(path));
        QVERIFY(moved.release(true));
        QVERIFY(!QFileInfo::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestSpoolRecovery)
#include "tst_spoolrecovery.moc"
