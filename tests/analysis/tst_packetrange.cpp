// Packet ranges as typed in Export Specified Packets: `1-10,20,30-`.

#include "analysis/packetrange.h"

#include <QTest>

using pl::PacketRange;

class TestPacketRange : public QObject
{
    Q_OBJECT

private slots:
    void parsesWiresharkSyntax_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<quint64>("countOf100");
        QTest::newRow("list") << "1-10,20,30-"
                              << "1-10,20,30-" << quint64(10 + 1 + 71);
        QTest::newRow("one") << "7"
                             << "7" << quint64(1);
        QTest::newRow("from start") << "-5"
                                    << "1-5" << quint64(5);
        QTest::newRow("spaces") << " 3 - 4 ,  9 12 "
                                << "3-4,9,12" << quint64(4);
        QTest::newRow("merged") << "5-9,1-3,4,8-12"
                                << "1-12" << quint64(12);
        QTest::newRow("reversed") << "10-1"
                                  << "1-10" << quint64(10);
        QTest::newRow("open end swallows") << "50-,60-70,200"
                                           << "50-" << quint64(51);
        QTest::newRow("past the end") << "95-120"
                                      << "95-120" << quint64(6);
        QTest::newRow("empty") << ""
                               << "" << quint64(0);
    }

    void parsesWiresharkSyntax()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QFETCH(quint64, countOf100);
        QString error;
        const PacketRange r = PacketRange::parse(text, &error);
        QVERIFY2(r.isValid(), qPrintable(error));
        QCOMPARE(r.toString(), canonical);
        QCOMPARE(r.count(100), countOf100);
        // The canonical text reads back as the same range.
        QCOMPARE(PacketRange::parse(r.toString()).spans(), r.spans());
        // contains() agrees with count() frame by frame.
        quint64 n = 0;
        for (uint64_t f = 1; f <= 100; ++f)
            n += r.contains(f);
        QCOMPARE(n, countOf100);
        QVERIFY(!r.contains(0));
    }

    void containsAtTheEdges()
    {
        const PacketRange r = PacketRange::parse(u"3-5,9,20-");
        const uint64_t in[] = {3, 4, 5, 9, 20, 21, 1000000, PacketRange::kEnd};
        const uint64_t out[] = {1, 2, 6, 8, 10, 19};
        for (uint64_t f : in)
            QVERIFY2(r.contains(f), qPrintable(QString::number(f)));
        for (uint64_t f : out)
            QVERIFY2(!r.contains(f), qPrintable(QString::number(f)));
    }

    void errorsSayWhatAndWhere_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("letter") << "1-10,x"
                                << "\"x\" at character 6 is not a packet number";
        QTest::newRow("trailing junk") << "12a"
                                       << "\"a\" at character 3 is not a packet number";
        QTest::newRow("lone dash") << "4,-"
                                   << "\"-\" at character 3 needs a packet number on at least "
                                      "one side";
        QTest::newRow("zero") << "0-4"
                              << "packet 0 at character 1 does not exist: packets are "
                                 "numbered from 1";
        QTest::newRow("double dash") << "1--4"
                                     << "\"-\" at character 3 is not a packet number";
        QTest::newRow("too big") << "99999999999999999999999"
                                 << "\"9\" at character 1 is not a packet number";
    }

    void errorsSayWhatAndWhere()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        QString error;
        const PacketRange r = PacketRange::parse(text, &error);
        QVERIFY(!r.isValid());
        QCOMPARE(error, message);
    }
};

QTEST_GUILESS_MAIN(TestPacketRange)
#include "tst_packetrange.moc"
