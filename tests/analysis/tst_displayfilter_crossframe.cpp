// DisplayFilter::readsCrossFrameFields: whether a filter reads a field that depends on other
// frames (Registry::isCrossFrame), which decides if the filter pass may split the frames by
// the addresses they travel between over two threads, a session each.
// tests/capfile/tst_crossframe checks the marks.

#include "analysis/displayfilter.h"

#include <QTest>

using pl::DisplayFilter;

class TestDisplayFilterCrossFrame : public QObject
{
    Q_OBJECT
private slots:
    void readsCrossFrameFields_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("crossFrame");
        QTest::addColumn<bool>("crossConversation"); // numbering, times across the capture
        QTest::newRow("port") << "tcp.port == 80" << false << false;
        QTest::newRow("stream") << "tcp.stream == 1" << true << true;
        QTest::newRow("empty") << "" << false << false;
        QTest::newRow("protocol") << "tcp" << false << false;
        QTest::newRow("raw seq") << "tcp.seq_raw == 1" << false << false;
        QTest::newRow("relative seq") << "tcp.seq == 1" << true << false;
        QTest::newRow("udp.stream") << "udp.stream == 0" << true << true;
        QTest::newRow("time delta") << "frame.time_delta > 1" << true << true;
        QTest::newRow("time relative") << "frame.time_relative > 1" << true << true;
        QTest::newRow("absolute time") << "frame.time_epoch > 1" << false << false;
        QTest::newRow("icmp resp_to") << "icmp.resp_to" << true << false;
        QTest::newRow("tcp analysis") << "tcp.analysis.flags" << true << false;
        QTest::newRow("either side") << "ip.src == 10.0.0.1 or tcp.ack == 1" << true << false;
        QTest::newRow("negated") << "!(udp.stream == 2) && udp.port == 53" << true << true;
        QTest::newRow("frame fields") << "frame.len > 100 && frame.number < 5" << false << false;
    }

    void readsCrossFrameFields()
    {
        QFETCH(QString, filter);
        QFETCH(bool, crossFrame);
        QFETCH(bool, crossConversation);
        const DisplayFilter f = DisplayFilter::compile(filter.toStdString());
        QVERIFY2(f.ok(), f.error().text.c_str());
        QCOMPARE(f.readsCrossFrameFields(), crossFrame);
        QCOMPARE(f.readsCrossConversationFields(), crossConversation);
    }

    void invalidFilterReadsNothing()
    {
        // A filter that did not compile matches nothing: nothing it reads matters.
        const DisplayFilter f = DisplayFilter::compile("tcp.stream ==");
        QVERIFY(!f.ok());
        QVERIFY(!f.readsCrossFrameFields());
        QVERIFY(!f.readsCrossConversationFields());
    }
};

QTEST_APPLESS_MAIN(TestDisplayFilterCrossFrame)
#include "tst_displayfilter_crossframe.moc"
