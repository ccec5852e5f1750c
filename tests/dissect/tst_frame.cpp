// The Frame layer: what the capture says about a packet (lengths, times, interface, comments),
// as tshark -V shows it.

#include "dissect/print/jsonprinter.h"
#include "dissect/print/treetext.h"
#include "packetbuilder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

const char *const kArp = "ff ff ff ff ff ff 00 0b 82 01 fc 42 08 06 00 01 08 00 06 04 00 01"
                         "00 0b 82 01 fc 42 0a 00 00 01 00 00 00 00 00 00 0a 00 00 02";

std::string treeText(const pl::Dissection &d)
{
    std::string out;
    pl::print::appendTreeText(out, d);
    return out;
}

} // namespace

class TestFrame : public QObject
{
    Q_OBJECT
private slots:
    void packetCommentsAboveTheFrame()
    {
        // tshark 4.0 -V on pcapng-test-generator/le_basic_test009.pcapng: each comment with
        // its expert note, in a "Packet comments" item before the Frame.
        const std::vector<std::string> comments{"test009-1", "line\nbreak"};
        std::vector<uint8_t> bytes = pltest::hex(kArp);
        pl::Frame f;
        f.data = bytes.data();
        f.capLen = f.wireLen = uint32_t(bytes.size());
        f.linkType = 1;
        f.number = 1;
        f.comments = comments;
        pl::Dissection d(pl::Dissection::Mode::Tree);
        d.dissect(f, nullptr);
        const std::string text = treeText(d);
        const std::string expected = "Packet comments\n"
                                     "    test009-1\n"
                                     "        [Expert Info (Comment/Comment): test009-1]\n"
                                     "            [test009-1]\n"
                                     "            [Severity level: Comment]\n"
                                     "            [Group: Comment]\n"
                                     "    line\\nbreak\n";
        QCOMPARE(text.substr(0, expected.size()), expected);
        QVERIFY(text.find("\nFrame 1: 42 bytes on wire") != std::string::npos);

        // -T json: the pkt_comment layer with frame.comment, as tshark writes it.
        std::string json;
        pl::print::JsonPrinter printer;
        printer.appendBegin(json);
        printer.appendFrame(json, d);
        printer.appendEnd(json);
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
        const QJsonObject layers = doc.array()[0]
                                       .toObject()[QStringLiteral("_source")]
                                       .toObject()[QStringLiteral("layers")]
                                       .toObject();
        const QJsonObject pkt = layers[QStringLiteral("pkt_comment")].toObject();
        QVERIFY(pkt.contains(QStringLiteral("frame.comment")));
        QVERIFY(layers.contains(QStringLiteral("frame")));
    }

    void noCommentsNoItem()
    {
        const pltest::Dissected p(pltest::hex(kArp), 1);
        QVERIFY(treeText(p.d).rfind("Frame 1: ", 0) == 0);
        QVERIFY(p.nodes("frame.comment").empty());
    }
};

QTEST_APPLESS_MAIN(TestFrame)
#include "tst_frame.moc"
