// The packet list model over a loading store: batched insertions that QAbstractItemModelTester
// checks, the column texts, time formats, colors and flag roles.

#include "analysis/packetstore.h"
#include "app/packetlistmodel.h"
#include "capfile/capturefilewriter.h"
#include "dissect/fieldtree.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QDateTime>
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

namespace {

using Model = pl::PacketListModel;

// A pcap of `count` Ethernet/IPv4/UDP packets, 1 ms apart.
bool writeFile(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapUsec, "test") ||
        w.addInterface({}) != 0)
        return false;
    uint8_t pkt[60] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88,
                       0x99, 0xaa, 0x08, 0x00, 0x45, 0x00, 0x00, 46,   0x00, 0x00,
                       0x40, 0x00, 64,   17,   0x00, 0x00, 10,   0,    0,    1,
                       10,   0,    0,    2,    0x9c, 0x40, 0x13, 0x88, 0x00, 26};
    for (int i = 0; i < count; ++i) {
        pkt[29] = uint8_t(1 + i % 32);
        pl::Frame f;
        f.data = pkt;
        f.capLen = f.wireLen = sizeof pkt;
        f.tsSec = 1700000000 + i / 1000;
        f.tsNsec = uint32_t(i % 1000) * 1000000u;
        if (!w.write(f, 0))
            return false;
    }
    return w.close();
}

bool waitLoaded(pl::PacketStore &store)
{
    if (!store.isLoading())
        return true;
    QSignalSpy done(&store, &pl::PacketStore::loadingFinished);
    return done.wait(60000) || !store.isLoading();
}

QString text(const Model &m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

} // namespace

class TestPacketListModel : public QObject
{
    Q_OBJECT
private:
    QString m_corpus;

    QString corpusFile(const QString &name)
    {
        if (m_corpus.isEmpty())
            return {};
        return QDir(m_corpus).filePath(name);
    }

private slots:
    void initTestCase()
    {
        const QString corpus = qEnvironmentVariable("PACKETLENS_CORPUS");
        if (!corpus.isEmpty() && QDir(corpus).exists())
            m_corpus = corpus;
    }

    void insertionsWhileLoading()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString file = tmp.filePath(QStringLiteral("many.pcap"));
        constexpr int kCount = 60000;
        QVERIFY(writeFile(file, kCount));

        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(model.rowCount(), kCount);
        QVERIFY(inserted.count() >= 1);
        int next = 0;
        for (const QList<QVariant> &args : inserted) {
            QCOMPARE(args.at(1).toInt(), next);
            next = args.at(2).toInt() + 1;
        }
        QCOMPARE(next, kCount);
        QCOMPARE(text(model, kCount - 1, Model::Number), QString::number(kCount));
        QCOMPARE(text(model, kCount - 1, Model::Time), QStringLiteral("59.999000"));
        QCOMPARE(text(model, 5, Model::Source), QStringLiteral("10.0.0.6"));
        QCOMPARE(text(model, 5, Model::Protocol), QStringLiteral("UDP"));
        QCOMPARE(model.data(model.index(5, 0), Model::FrameNumberRole).toULongLong(), 6ull);
        QCOMPARE(model.data(model.index(5, Model::Protocol), Qt::BackgroundRole).value<QColor>(),
                 QColor(0xda, 0xee, 0xff));

        // Closing resets the model.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        store.close();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 0);
        // A second file into the same model, again under the tester.
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(model.rowCount(), kCount);
    }

    void headers()
    {
        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.columnCount(), 7);
        QCOMPARE(model.rowCount(), 0);
        const QStringList expected = {QStringLiteral("No."),      QStringLiteral("Time"),
                                      QStringLiteral("Source"),   QStringLiteral("Destination"),
                                      QStringLiteral("Protocol"), QStringLiteral("Length"),
                                      QStringLiteral("Info")};
        for (int c = 0; c < model.columnCount(); ++c)
            QCOMPARE(model.headerData(c, Qt::Horizontal).toString(), expected.at(c));
    }

    void cellsAndTimeFormats()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(store.open(corpusFile(QStringLiteral("tcpdump/print-flags.pcap"))));
        QVERIFY(waitLoaded(store));
        QCOMPARE(model.rowCount(), 10);
        // tshark -r print-flags.pcap: "2   0.000056    127.0.0.1 → 127.0.0.1    TCP 74 80 → ..."
        QCOMPARE(text(model, 1, Model::Number), QStringLiteral("2"));
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("0.000056"));
        QCOMPARE(text(model, 1, Model::Source), QStringLiteral("127.0.0.1"));
        QCOMPARE(text(model, 1, Model::Destination), QStringLiteral("127.0.0.1"));
        QCOMPARE(text(model, 1, Model::Protocol), QStringLiteral("TCP"));
        QCOMPARE(text(model, 1, Model::Length), QStringLiteral("74"));
        QVERIFY(
            text(model, 1, Model::Info).startsWith(QStringLiteral("80 \u2192 55920 [SYN, ACK]")));
        QCOMPARE(model.data(model.index(1, Model::Number), Qt::TextAlignmentRole)
                         .value<Qt::Alignment>() &
                     Qt::AlignRight,
                 Qt::AlignRight);
        QCOMPARE(model.data(model.index(1, Model::Protocol), Qt::BackgroundRole).value<QColor>(),
                 QColor(0xe7, 0xe6, 0xff));
        QCOMPARE(model.data(model.index(1, 0), Model::FlagsRole).toUInt(), 0u);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setTimeFormat(Model::TimeFormat::Epoch);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(), model.index(0, Model::Time));
        QCOMPARE(changed.at(0).at(1).toModelIndex(), model.index(9, Model::Time));
        // tshark -t e: 1120622255.938122; tshark -t ud: 2005-07-06 03:57:35.938122
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("1120622255.938122"));
        model.setTimeFormat(Model::TimeFormat::Utc);
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("2005-07-06 03:57:35.938122"));
        model.setTimeFormat(Model::TimeFormat::Absolute);
        QCOMPARE(text(model, 1, Model::Time),
                 QDateTime::fromSecsSinceEpoch(1120622255)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                     QStringLiteral(".938122"));
        model.setTimeFormat(Model::TimeFormat::Delta);
        QCOMPARE(text(model, 0, Model::Time), QStringLiteral("0.000000"));
        QCOMPARE(text(model, 1, Model::Time), QStringLiteral("0.000056"));
        model.setTimeFormat(Model::TimeFormat::Relative);
        QCOMPARE(changed.count(), 5);
        model.setTimeFormat(Model::TimeFormat::Relative); // no change, no signal
        QCOMPARE(changed.count(), 5);
        QCOMPARE(text(model, 0, Model::Time), QStringLiteral("0.000000"));
    }

    void malformedIsFlagged()
    {
        if (m_corpus.isEmpty())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        pl::PacketStore store;
        Model model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(store.open(corpusFile(QStringLiteral("pcapplusplus/tcp-malformed.pcap"))));
        QVERIFY(waitLoaded(store));
        QVERIFY(model.rowCount() >= 1);
        const QModelIndex i = model.index(0, Model::Info);
        QVERIFY(model.data(i, Model::FlagsRole).toUInt() & pl::NodeFlag::Malformed);
        QVERIFY(model.data(i).toString().endsWith(QStringLiteral("[Malformed Packet]")));
        QCOMPARE(model.data(i, Qt::BackgroundRole).value<QColor>(), QColor(0xff, 0x80, 0x80));
    }
};

QTEST_MAIN(TestPacketListModel)
#include "tst_packetlistmodel.moc"
