// The Follow Stream dialog: views (ASCII, hex dump, C arrays, raw), one direction or both in
// the peers' colours, find with wrap-around, Save (raw bytes in the Raw view) and "Filter Out
// This Stream"; and FollowController over a real capture: the stream of the selected packet,
// its display filter applied, the bytes tshark follows.

#include "analysis/packetstore.h"
#include "app/followcontroller.h"
#include "app/followstreamdialog.h"
#include "corpusfiles.h"
#include "storewait.h"

#include <QComboBox>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

using namespace pl;

namespace {

FollowedStream sample()
{
    FollowedStream s;
    s.found = true;
    s.index = 4;
    s.peers[0] = "10.0.0.1:40000";
    s.peers[1] = "10.0.0.2:80";
    auto chunk = [](uint8_t peer, uint64_t frame, const char *text) {
        return StreamChunk{peer, frame, std::vector<uint8_t>(text, text + strlen(text))};
    };
    s.chunks = {chunk(0, 4, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                chunk(1, 6, "HTTP/1.1 200 OK\r\n\r\nbody"), chunk(0, 8, "\x01\x02")};
    s.sent[0] = 29;
    s.sent[1] = 23;
    return s;
}

} // namespace

class TestFollowStreamDialog : public QObject
{
    Q_OBJECT
private slots:
    void asciiBothDirectionsInColour()
    {
        FollowStreamDialog dialog(sample());
        QCOMPARE(dialog.windowTitle(), QStringLiteral("Follow TCP Stream (tcp.stream eq 4)"));
        QCOMPARE(dialog.text(),
                 QStringLiteral("GET / HTTP/1.1\nHost: a\n\nHTTP/1.1 200 OK\n\nbody.."));
        // The server's text in blue, the client's in red.
        auto *edit = dialog.findChild<QTextEdit *>();
        QTextCursor c(edit->document());
        c.setPosition(1);
        QCOMPARE(c.charFormat().foreground().color(), QColor(0x7f, 0x00, 0x00));
        c.setPosition(int(dialog.text().indexOf(QStringLiteral("200"))) + 1);
        QCOMPARE(c.charFormat().foreground().color(), QColor(0x00, 0x00, 0x7f));
    }

    void oneDirectionAndViews()
    {
        FollowStreamDialog dialog(sample());
        dialog.setDirection(FollowStreamDialog::Direction::ServerToClient);
        QCOMPARE(dialog.text(), QStringLiteral("HTTP/1.1 200 OK\n\nbody"));
        QCOMPARE(dialog.bytes(), QByteArray("HTTP/1.1 200 OK\r\n\r\nbody"));
        dialog.setMode(streamformat::Mode::Raw);
        QCOMPARE(dialog.text(),
                 QStringLiteral("\t485454502f312e3120323030204f4b0d0a0d0a626f6479\n"));
        dialog.setDirection(FollowStreamDialog::Direction::ClientToServer);
        dialog.setMode(streamformat::Mode::CArrays);
        QVERIFY(
            dialog.text().startsWith(QStringLiteral("char peer0_0[] = { /* Packet 4 */\n0x47")));
        QVERIFY(dialog.text().contains(QStringLiteral("char peer0_1[] = { /* Packet 8 */\n0x01, "
                                                      "0x02 };")));
        dialog.setMode(streamformat::Mode::Hex);
        QVERIFY(dialog.text().contains(QStringLiteral("0000001B  01 02")));
        // The combo boxes follow.
        const auto boxes = dialog.findChildren<QComboBox *>();
        QCOMPARE(boxes.size(), 2);
        QCOMPARE(boxes[0]->currentIndex(), 1);
        QCOMPARE(boxes[1]->currentText(), QStringLiteral("Hex Dump"));
    }

    void findWraps()
    {
        FollowStreamDialog dialog(sample());
        QVERIFY(dialog.find(QStringLiteral("HTTP")));
        QVERIFY(dialog.find(QStringLiteral("HTTP")));
        QVERIFY(dialog.find(QStringLiteral("HTTP"))); // the third wraps to the first
        QVERIFY(!dialog.find(QStringLiteral("absent")));
    }

    void saveRawBytesOrText()
    {
        QTemporaryDir dir;
        FollowStreamDialog dialog(sample());
        const QString raw = dir.filePath(QStringLiteral("raw.bin"));
        dialog.setMode(streamformat::Mode::Raw);
        QVERIFY(dialog.save(raw));
        QFile f(raw);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                                         "HTTP/1.1 200 OK\r\n\r\nbody\x01\x02"));
        QString error;
        QVERIFY(!dialog.save(dir.filePath(QStringLiteral("no/such/dir/x")), &error));
        QVERIFY(!error.isEmpty());
    }

    void filterOut()
    {
        FollowStreamDialog dialog(sample());
        QSignalSpy spy(&dialog, &FollowStreamDialog::filterRequested);
        const auto buttons = dialog.findChildren<QPushButton *>();
        for (QPushButton *b : buttons)
            if (b->text() == QStringLiteral("Filter Out This Stream"))
                b->click();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy[0][0].toString(), QStringLiteral("!(tcp.stream eq 4)"));
    }

    void controllerOnACapture()
    {
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        PacketStore store;
        QVERIFY(store.open(pltest::corpusDir() +
                           QStringLiteral("/pcapplusplus/one_ipv6_http_stream.pcap")));
        QVERIFY(pltest::waitLoaded(store));
        QWidget window;
        QMenu analyze;
        qsizetype row = 6; // frame 7: a response completed by reassembly
        QString applied;
        FollowController follow(
            &store, &window, &analyze, [&] { return row; },
            [&](const QString &f) {
                applied = f;
                return true;
            },
            nullptr);
        QCOMPARE(follow.streamOf(row, FollowedStream::Kind::Tcp), qint64(0));
        QCOMPARE(follow.streamOf(row, FollowedStream::Kind::Udp), qint64(-1));
        QWidget *opened = nullptr;
        connect(&follow, &FollowController::dialogOpened, this, [&](QWidget *w) { opened = w; });
        QVERIFY(follow.follow(FollowedStream::Kind::Tcp));
        QCOMPARE(applied, QStringLiteral("tcp.stream eq 0"));
        auto *dialog = qobject_cast<FollowStreamDialog *>(opened);
        QVERIFY(dialog);
        const FollowedStream &s = dialog->stream();
        QCOMPARE(QString::fromStdString(s.peers[0]),
                 QStringLiteral("[2001:618:400::5199:cc70]:35997"));
        // Three requests, three responses (tshark -z follow,tcp,raw,0 agrees byte for byte,
        // tests/cli/tst_follow): the second response spans three segments.
        QVERIFY(dialog->bytes().startsWith("GET /style1.css HTTP/1.1\r\n"));
        QCOMPARE(s.sent[1], uint64_t(5737)); // every byte port 80 sent (tshark: sum of tcp.len)
        QVERIFY(!follow.follow(FollowedStream::Kind::Udp)); // no UDP stream: nothing opens
        dialog->close();
    }
};

QTEST_MAIN(TestFollowStreamDialog)
#include "tst_followstreamdialog.moc"
