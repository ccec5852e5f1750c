// The packet store's dissection preferences: after setPreferences() every row, tree, match and
// display filter verdict is the one a plain in-order dissection (the CLI's) gives with those
// preferences, and what tshark prints with the same `-o` switch; the capture is dissected
// again from frame 1, keeping the display filter and the comments the user edited; a capture
// still being written keeps its preferences until the next one.

#include "analysis/displayfilter.h"
#include "analysis/packetstore.h"
#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "storewait.h"

#include <QSignalSpy>
#include <QTest>

#include <string>
#include <vector>

namespace {

using pltest::waitLoaded;

QString corpusFile(const char *relative)
{
    return pltest::corpusDir() + QLatin1Char('/') + QLatin1String(relative);
}

pl::Preferences absoluteNumbers()
{
    pl::Preferences p;
    p.tcpRelativeSequenceNumbers = false;
    return p;
}

pl::Preferences noTcpReassembly()
{
    pl::Preferences p;
    p.tcpReassemble = false;
    return p;
}

// The Info column of every packet of `file` from one in-order pass with a fresh session and
// `prefs`: what `packetlens-cli -o ...` prints.
QStringList infoByHand(const QString &file, const pl::Preferences &prefs)
{
    QStringList out;
    pl::CaptureFileReader reader;
    if (!reader.open(file.toStdString()))
        return out;
    pl::Session session;
    pl::Dissection d(pl::Dissection::Mode::Summary);
    d.prefs = prefs;
    d.prefs.verifyChecksums = false;
    pl::CapturedPacket p;
    while (reader.next(p)) {
        d.dissect(p.frame, &session);
        out << QString::fromStdString(d.infoColumn());
    }
    return out;
}

// Which packets of `file` pass `filter`, in-order with `prefs` (every field: tree mode).
std::vector<bool> verdictsByHand(const QString &file, const pl::DisplayFilter &filter,
                                 const pl::Preferences &prefs)
{
    std::vector<bool> out;
    pl::CaptureFileReader reader;
    if (!reader.open(file.toStdString()))
        return out;
    pl::Session session;
    pl::Dissection d(pl::Dissection::Mode::Tree);
    d.prefs = prefs;
    pl::CapturedPacket p;
    while (reader.next(p)) {
        d.dissect(p.frame, &session);
        out.push_back(filter.matches(d));
    }
    return out;
}

QStringList storeInfo(pl::PacketStore &store)
{
    QStringList out;
    for (qsizetype i = 0; i < store.count(); ++i)
        out << store.row(i).info;
    return out;
}

// The value of the first `name` field in a tree dissection, -1 when there is none.
qint64 fieldValue(const pl::Dissection &d, const char *name)
{
    const pl::FieldId id = pl::Registry::instance().findField(name);
    const pl::FieldTree &t = d.fieldTree();
    for (size_t i = 1; i < t.size(); ++i)
        if (t.node(int32_t(i)).field == id)
            return qint64(t.node(int32_t(i)).value);
    return -1;
}

bool hasReassembledTcpSource(const pl::Dissection &d)
{
    for (size_t i = 1; i < d.sourceCount(); ++i)
        if (d.sourceName(i).starts_with("Reassembled TCP"))
            return true;
    return false;
}

// setPreferences() on an open file: it is dissected again (closed, then loaded anew).
bool reDissect(pl::PacketStore &store, const pl::Preferences &prefs)
{
    QSignalSpy closed(&store, &pl::PacketStore::closed);
    if (!store.setPreferences(prefs) || closed.count() != 1 || !store.isLoading())
        return false;
    return waitLoaded(store);
}

} // namespace

class TestStorePreferences : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!pltest::haveCorpus())
            QSKIP("no corpus (PACKETLENS_CORPUS)");
    }

    void defaultsAreWiresharks()
    {
        pl::PacketStore store;
        QVERIFY(store.preferences().tcpRelativeSequenceNumbers);
        QVERIFY(store.preferences().tcpReassemble);
        QVERIFY(store.preferences().ipDefragment);
        QVERIFY(store.preferences().ipv6Defragment);
        QVERIFY(!store.preferencesPending());
    }

    void absoluteSequenceNumbers()
    {
        const QString file = corpusFile("tcpdump/print-flags.pcap");
        pl::PacketStore store;
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(store.count(), qsizetype(10));
        QCOMPARE(storeInfo(store), infoByHand(file, pl::Preferences{}));
        QVERIFY(store.row(0).info.contains(QLatin1String("Seq=0 ")));

        // A tree dissection kept by the caller (the detail pane's) follows the store.
        pl::Dissection tree(pl::Dissection::Mode::Tree);
        pl::CapturedPacket packet;
        QVERIFY(store.dissect(2, tree, packet));
        QCOMPARE(fieldValue(tree, "tcp.seq"), qint64(1));
        QCOMPARE(fieldValue(tree, "tcp.seq_raw"), qint64(928549247));

        QVERIFY(reDissect(store, absoluteNumbers()));
        QVERIFY(!store.preferences().tcpRelativeSequenceNumbers);
        QVERIFY(!store.activePreferences().tcpRelativeSequenceNumbers);
        QVERIFY(!store.preferencesPending());
        QCOMPARE(store.count(), qsizetype(10));
        const QStringList info = storeInfo(store);
        QCOMPARE(info, infoByHand(file, absoluteNumbers()));
        // tshark -o tcp.relative_sequence_numbers:FALSE -r tcpdump/print-flags.pcap
        QVERIFY2(info[0].startsWith(QStringLiteral("55920 → 80 [SYN] Seq=928549246 Win=32767")),
                 qPrintable(info[0]));
        QVERIFY2(info[2].startsWith(
                     QStringLiteral("55920 → 80 [ACK] Seq=928549247 Ack=930778610 Win=32768")),
                 qPrintable(info[2]));
        QVERIFY2(info[4].startsWith(
                     QStringLiteral("80 → 55920 [ACK] Seq=930778610 Ack=928549449 Win=32768")),
                 qPrintable(info[4]));

        QVERIFY(store.dissect(2, tree, packet));
        QCOMPARE(fieldValue(tree, "tcp.seq"), qint64(928549247));
        QCOMPARE(fieldValue(tree, "tcp.seq"), fieldValue(tree, "tcp.seq_raw"));
        QCOMPARE(fieldValue(tree, "tcp.ack"), fieldValue(tree, "tcp.ack_raw"));

        // matches() (Find, Go to) and a display filter set now see the raw numbers too.
        const pl::DisplayFilter raw = pl::DisplayFilter::compile("tcp.seq == 928549247");
        QVERIFY(raw.ok());
        QVERIFY(store.matches(2, raw));
        QVERIFY(!store.matches(0, raw));
        QSignalSpy applied(&store, &pl::PacketStore::displayFilterApplied);
        store.setDisplayFilter(raw);
        QVERIFY(applied.wait(30000));
        const std::vector<bool> expected = verdictsByHand(file, raw, absoluteNumbers());
        QCOMPARE(expected.size(), size_t(10));
        qsizetype shown = 0;
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(store.isDisplayed(qsizetype(i)), bool(expected[i]));
            shown += expected[i];
        }
        QVERIFY(shown > 0);
        QCOMPARE(store.displayedCount(), shown);

        // Back to the default: relative again.
        QVERIFY(reDissect(store, pl::Preferences{}));
        QCOMPARE(storeInfo(store), infoByHand(file, pl::Preferences{}));
        QCOMPARE(store.displayedCount(), qsizetype(0)); // no relative seq is that big
    }

    void tcpReassemblyOff()
    {
        const QString file = corpusFile("pcapplusplus/one_ipv6_http_stream.pcap");
        pl::PacketStore store;
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QVERIFY(store.row(4).info.contains(QLatin1String("[TCP segment of a reassembled PDU]")));
        pl::Dissection tree(pl::Dissection::Mode::Tree);
        pl::CapturedPacket packet;
        QVERIFY(store.dissect(6, tree, packet));
        QVERIFY(hasReassembledTcpSource(tree));

        QVERIFY(reDissect(store, noTcpReassembly()));
        QCOMPARE(storeInfo(store), infoByHand(file, noTcpReassembly()));
        // tshark -o tcp.desegment_tcp_streams:FALSE: `HTTP/1.1 200 OK`, then `Continuation`.
        const pl::PacketStore::Row five = store.row(4);
        QVERIFY2(!five.info.contains(QLatin1String("reassembled")), qPrintable(five.info));
        QCOMPARE(five.info.trimmed(), QStringLiteral("HTTP/1.1 200 OK"));
        QCOMPARE(five.protocol, QStringLiteral("HTTP"));
        QCOMPARE(store.row(6).info, QStringLiteral("Continuation"));
        QVERIFY(store.dissect(6, tree, packet));
        QVERIFY(!hasReassembledTcpSource(tree));
        QCOMPARE(tree.sourceCount(), size_t(1));
    }

    void filterAndCommentsSurvive()
    {
        const QString file = corpusFile("pcapplusplus/one_ipv6_http_stream.pcap");
        pl::PacketStore store;
        const pl::DisplayFilter http = pl::DisplayFilter::compile("http");
        QVERIFY(http.ok());
        store.setDisplayFilter(http);
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        const qsizetype rows = store.count();
        QVERIFY(rows > 10);
        const std::vector<bool> before = verdictsByHand(file, http, pl::Preferences{});
        for (qsizetype i = 0; i < rows; ++i)
            QCOMPARE(store.isDisplayed(i), bool(before[size_t(i)]));
        QVERIFY(!store.isDisplayed(4)); // a segment of a reassembled PDU is TCP
        store.setComments(2, {QStringList{QStringLiteral("look here")}});

        QVERIFY(reDissect(store, noTcpReassembly()));
        QCOMPARE(store.count(), rows);
        QCOMPARE(store.displayFilter().text(), http.text());
        QCOMPARE(store.comments(2), QStringList{QStringLiteral("look here")});
        QCOMPARE(store.editedComments().value(3), QStringList{QStringLiteral("look here")});
        // The filter's verdicts are those of the new preferences: frame 5 is HTTP now.
        const std::vector<bool> after = verdictsByHand(file, http, noTcpReassembly());
        QVERIFY(after != before);
        qsizetype shown = 0;
        for (qsizetype i = 0; i < rows; ++i) {
            QCOMPARE(store.isDisplayed(i), bool(after[size_t(i)]));
            shown += after[size_t(i)];
        }
        QVERIFY(store.isDisplayed(4));
        QCOMPARE(store.displayedCount(), shown);
    }

    void unchangedPreferencesKeepTheCapture()
    {
        pl::PacketStore store;
        QVERIFY(store.open(corpusFile("tcpdump/print-flags.pcap")));
        QVERIFY(waitLoaded(store));
        QSignalSpy closed(&store, &pl::PacketStore::closed);
        pl::Preferences same;
        same.verifyChecksums = false; // not a dissection preference of the user's
        QVERIFY(store.setPreferences(same));
        QCOMPARE(closed.count(), 0);
        QCOMPARE(store.count(), qsizetype(10));
        QVERIFY(!store.isLoading());
    }

    void beforeAnyFile()
    {
        const QString file = corpusFile("tcpdump/print-flags.pcap");
        pl::PacketStore store;
        QVERIFY(store.setPreferences(absoluteNumbers()));
        QVERIFY(store.open(file));
        QVERIFY(waitLoaded(store));
        QCOMPARE(storeInfo(store), infoByHand(file, absoluteNumbers()));
    }

    void liveCaptureKeepsItsPreferences()
    {
        const QString file = corpusFile("tcpdump/print-flags.pcap");
        pl::PacketStore store;
        QSignalSpy appended(&store, &pl::PacketStore::packetsAppended);
        QVERIFY(store.follow(file)); // as if still being written
        QTRY_COMPARE_WITH_TIMEOUT(store.count(), qsizetype(10), 30000);
        QSignalSpy closed(&store, &pl::PacketStore::closed);
        QVERIFY(!store.setPreferences(absoluteNumbers()));
        QCOMPARE(closed.count(), 0);
        QVERIFY(store.preferencesPending());
        QVERIFY(!store.preferences().tcpRelativeSequenceNumbers);
        QVERIFY(store.activePreferences().tcpRelativeSequenceNumbers);
        // Rows, trees and a new filter still agree with the first pass.
        QCOMPARE(storeInfo(store), infoByHand(file, pl::Preferences{}));
        pl::Dissection tree(pl::Dissection::Mode::Tree);
        pl::CapturedPacket packet;
        QVERIFY(store.dissect(2, tree, packet));
        QCOMPARE(fieldValue(tree, "tcp.seq"), qint64(1));
        store.stopFollowing();
        QVERIFY(waitLoaded(store));
        // The next capture (or the same file again) gets them.
        QVERIFY(store.open(file));
        QVERIFY(!store.preferencesPending());
        QVERIFY(waitLoaded(store));
        QCOMPARE(storeInfo(store), infoByHand(file, absoluteNumbers()));
    }
};

QTEST_GUILESS_MAIN(TestStorePreferences)
#include "tst_storepreferences.moc"
