// Following a capture file that is still being written (the application's spool): what is
// cut off at the end is "not yet", not damage, until following stops.

#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestFollowing : public QObject
{
    Q_OBJECT

    static pl::Frame frame(const uint8_t *data, uint32_t len, int64_t sec)
    {
        pl::Frame f;
        f.data = data;
        f.capLen = f.wireLen = len;
        f.tsSec = sec;
        return f;
    }

private slots:
    void partialBlockIsNotDamageWhileFollowing()
    {
        QTemporaryDir dir;
        const QString full = dir.filePath(QStringLiteral("full.pcapng"));
        const uint8_t bytes[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,
                                   0,    0,    0,    0,    1,    0x88, 0xb5};
        {
            pl::CaptureFileWriter w;
            QVERIFY(w.open(full.toStdString(), pl::CaptureFileWriter::Format::PcapNg, "test"));
            QCOMPARE(w.addInterface({1, 262144, "eth0", {}}), 0);
            for (int i = 0; i < 3; ++i)
                QVERIFY(w.write(frame(bytes, sizeof bytes, 1000 + i), 0));
            QVERIFY(w.close());
        }
        QFile in(full);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();

        // The spool as a reader may find it: the last packet block only half written.
        const QString spool = dir.filePath(QStringLiteral("spool.pcapng"));
        QFile out(spool);
        QVERIFY(out.open(QIODevice::WriteOnly));
        const qsizetype cut = all.size() - 40;
        out.write(all.left(cut));
        out.flush();

        pl::CaptureFileReader reader;
        reader.setFollowing(true);
        QVERIFY2(reader.open(spool.toStdString()), reader.error().c_str());
        pl::CapturedPacket p;
        QVERIFY(reader.next(p));
        QVERIFY(reader.next(p));
        QVERIFY(!reader.next(p));   // the third is not all there yet ...
        QVERIFY(!reader.damaged()); // ... which is not damage

        out.write(all.mid(cut)); // the writer finishes the block
        out.flush();
        QVERIFY(reader.next(p));
        QCOMPARE(p.frame.number, uint64_t(3));
        QCOMPARE(p.frame.tsSec, int64_t(1002));
        QVERIFY(!reader.next(p));
        QVERIFY(!reader.damaged());

        // Not following, the same cut is damage, named with its offset.
        out.resize(cut);
        out.close();
        pl::CaptureFileReader plain;
        QVERIFY(plain.open(spool.toStdString()));
        QVERIFY(plain.next(p) && plain.next(p));
        QVERIFY(!plain.next(p));
        QVERIFY(plain.damaged());
        QVERIFY2(plain.error().find("file ends before the end of") != std::string::npos,
                 plain.error().c_str());
    }
};

QTEST_APPLESS_MAIN(TestFollowing)
#include "tst_following.moc"
