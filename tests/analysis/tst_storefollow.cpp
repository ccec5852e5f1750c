// The packet store following a spool that a live capture is still writing: rows appear as
// packets are flushed, and the load finishes cleanly when following stops.

#include "analysis/packetstore.h"
#include "capfile/capturefilewriter.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestStoreFollow : public QObject
{
    Q_OBJECT
private slots:
    void rowsAppearAsTheSpoolGrows()
    {
        QTemporaryDir dir;
        const QString spool = dir.filePath(QStringLiteral("spool.pcapng"));
        pl::CaptureFileWriter w;
        QVERIFY(w.open(spool.toStdString(), pl::CaptureFileWriter::Format::PcapNg, "test"));
        QCOMPARE(w.addInterface({1, 262144, "eth0", {}}), 0);
        QVERIFY(w.flush());

        pl::PacketStore store;
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY2(store.follow(spool), qPrintable(store.errorString()));
        QVERIFY(store.isFollowing());

        // ARP requests, as a capture would spool them, in two batches.
        const uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,    0, 0, 0,    0,
                                 1,    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
                                 2,    0,    0,    0,    0,    1,    10,   0, 0, 1,    0,
                                 0,    0,    0,    0,    0,    10,   0,    0, 2};
        auto batch = [&](int n, int64_t t) {
            for (int i = 0; i < n; ++i) {
                pl::Frame f;
                f.data = arp;
                f.capLen = f.wireLen = sizeof arp;
                f.tsSec = t + i;
                QVERIFY(w.write(f, 0));
            }
            QVERIFY(w.flush());
        };
        batch(5, 100);
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(5), 5000);
        QCOMPARE(store.row(0).info, QStringLiteral("Who has 10.0.0.2? Tell 10.0.0.1"));
        QVERIFY(finished.isEmpty()); // still following: more may come
        batch(5, 200);
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(10), 5000);
        QCOMPARE(store.row(9).tsSec, int64_t(204));

        QVERIFY(w.close());
        store.stopFollowing();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QVERIFY(!store.damaged());
        QCOMPARE(store.count(), qsizetype(10));
    }

    void openingAFileEndsFollowing()
    {
        // Following a spool, then opening an ordinary (here damaged) file: that file is read
        // as it is — it finishes, and its cut end is damage, not "more to come".
        QTemporaryDir dir;
        const QString spool = dir.filePath(QStringLiteral("spool.pcapng"));
        pl::CaptureFileWriter w;
        QVERIFY(w.open(spool.toStdString(), pl::CaptureFileWriter::Format::PcapNg, "test"));
        QCOMPARE(w.addInterface({1, 262144, "eth0", {}}), 0);
        const uint8_t bytes[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,
                                   0,    0,    0,    0,    1,    0x88, 0xb5};
        for (int i = 0; i < 3; ++i) {
            pl::Frame f;
            f.data = bytes;
            f.capLen = f.wireLen = sizeof bytes;
            f.tsSec = i;
            QVERIFY(w.write(f, 0));
        }
        QVERIFY(w.close());
        QFile::copy(spool, dir.filePath(QStringLiteral("cut.pcapng")));
        QFile cut(dir.filePath(QStringLiteral("cut.pcapng")));
        QVERIFY(cut.open(QIODevice::ReadWrite));
        QVERIFY(cut.resize(cut.size() - 30));
        cut.close();

        pl::PacketStore store;
        QVERIFY(store.follow(spool));
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(3), 5000);
        QSignalSpy finished(&store, &pl::PacketStore::loadingFinished);
        QVERIFY(store.open(cut.fileName()));
        QVERIFY(!store.isFollowing());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QVERIFY(store.damaged());
        QCOMPARE(store.count(), qsizetype(2));
    }
};

QTEST_GUILESS_MAIN(TestStoreFollow)
#include "tst_storefollow.moc"
