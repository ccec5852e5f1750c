// The Frame layer: what the capture says about a packet (lengths, times, interface, comments),
// as tshark -V shows it.

#include "dissect/fieldformat.h"
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

// tcpdump/print-flags.pcap frame 1: a TCP SYN with options (bit fields in IP and TCP).
const char *const kTcpSyn = "00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00 00 3c 1b 68 40 00"
                            "40 06 21 52 7f 00 00 01 7f 00 00 01 da 70 00 50 37 58 89 7e 00 00"
                            "00 00 a0 02 7f ff 14 21 00 00 02 04 40 0c 04 02 08 0a 4d dc 92 16"
                            "00 00 00 00 01 03 03 02";

QJsonObject jsonLayers(const pl::Dissection &d, bool raw)
{
    std::string json;
    pl::print::JsonPrinter printer(raw);
    printer.appendBegin(json);
    printer.appendFrame(json, d);
    printer.appendEnd(json);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("%s", qPrintable(error.errorString()));
    return doc.array()[0]
        .toObject()[QStringLiteral("_source")]
        .toObject()[QStringLiteral("layers")]
        .toObject();
}

/// Walks the tree beside its JSON object and checks every `_raw` entry against the node:
/// bytes (or a bit field's value), offset, length, mask and type. Keys that occur more than
/// once among siblings (ip.addr, tcp.seq_raw beside tcp.seq's raw entry) are skipped: a JSON
/// object keeps only one of them.
void checkRaw(const pl::Dissection &d, int32_t first, const QJsonObject &obj, int &checked,
              QStringList &problems)
{
    const pl::FieldTree &tree = d.fieldTree();
    const pl::Registry &reg = d.registry();
    QHash<QString, int> seen;
    for (int32_t i = first; i >= 0; i = tree.node(i).next) {
        const pl::FieldNode &n = tree.node(i);
        if (n.field >= 0)
            ++seen[QString::fromUtf8(reg.field(n.field).abbrev)];
    }
    for (int32_t i = first; i >= 0; i = tree.node(i).next) {
        const pl::FieldNode &n = tree.node(i);
        const pl::FieldDef *def = n.field >= 0 ? &reg.field(n.field) : nullptr;
        if (!def || def->type == pl::FieldType::None) {
            const std::string label = pl::fieldformat::label(reg, tree, i, d.frame().data);
            if (n.firstChild >= 0)
                checkRaw(d, n.firstChild, obj[QString::fromStdString(label)].toObject(), checked,
                         problems);
            continue;
        }
        const QString abbrev = QString::fromUtf8(def->abbrev);
        const QString rawKey = abbrev + QStringLiteral("_raw");
        const bool expert = abbrev.startsWith(QStringLiteral("_ws.expert"));
        // tcp.seq_raw is also a field: its value hides tcp.seq's `_raw` (in tshark too).
        if (seen[abbrev] == 1 && !expert && !seen.contains(rawKey)) {
            if (n.length == 0) {
                if (obj.contains(rawKey))
                    problems << rawKey + QStringLiteral(": present for an item without bytes");
            } else {
                QString bytes;
                if (def->mask)
                    bytes = QString::number(n.value, 16).toUpper();
                else
                    bytes = QString::fromLatin1(
                        QByteArray(reinterpret_cast<const char *>(d.frame().data) + n.offset,
                                   qsizetype(n.length))
                            .toHex());
                const QJsonArray expected{bytes, qint64(n.offset), qint64(n.length),
                                          qint64(def->mask),
                                          pl::print::wiresharkFieldType(def->type)};
                if (obj[rawKey].toArray() != expected)
                    problems << rawKey + QStringLiteral(": ") +
                                    QString::fromUtf8(QJsonDocument(obj[rawKey].toArray())
                                                          .toJson(QJsonDocument::Compact)) +
                                    QStringLiteral(" expected ") +
                                    QString::fromUtf8(
                                        QJsonDocument(expected).toJson(QJsonDocument::Compact));
                ++checked;
            }
        }
        if (n.firstChild >= 0 && seen[abbrev] == 1) {
            const QString key =
                def->type == pl::FieldType::Protocol ? abbrev : abbrev + QStringLiteral("_tree");
            checkRaw(d, n.firstChild, obj[key].toObject(), checked, problems);
        }
    }
}

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
                                     "    line\\nbreak\n"
                                     "        [Expert Info (Comment/Comment): line\\nbreak]\n"
                                     "            [line\\nbreak]\n";
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

    // -T json -x: every field and protocol with bytes carries `_raw` with the tree's offset
    // and length (tshark's form); without -x there are none.
    void jsonRawEntriesAreTheTree()
    {
        const pltest::Dissected p(pltest::hex(kTcpSyn), 1);
        int checked = 0;
        QStringList problems;
        const QJsonObject layers = jsonLayers(p.d, true);
        checkRaw(p.d, p.tree().node(pl::FieldTree::root()).firstChild, layers, checked, problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY2(checked > 40, qPrintable(QString::number(checked)));

        // Values from tshark -T json -x on the same frame.
        const QJsonArray frameRaw = layers[QStringLiteral("frame_raw")].toArray();
        QCOMPARE(frameRaw.size(), 5);
        QCOMPARE(frameRaw[1].toInt(), 0);
        QCOMPARE(frameRaw[2].toInt(), 74);
        QCOMPARE(frameRaw[4].toInt(), 1); // FT_PROTOCOL
        const QJsonObject ip = layers[QStringLiteral("ip")].toObject();
        QCOMPARE(ip[QStringLiteral("ip.ttl_raw")].toArray(),
                 (QJsonArray{QStringLiteral("40"), 22, 1, 0, 4}));
        QCOMPARE(ip[QStringLiteral("ip.src_raw")].toArray(),
                 (QJsonArray{QStringLiteral("7f000001"), 26, 4, 0, 32}));
        QCOMPARE(ip[QStringLiteral("ip.flags_raw")].toArray(),
                 (QJsonArray{QStringLiteral("2"), 20, 1, 224, 4}));
        QCOMPARE(ip[QStringLiteral("ip.frag_offset_raw")].toArray(),
                 (QJsonArray{QStringLiteral("0"), 20, 2, 8191, 5}));
        const QJsonObject tcp = layers[QStringLiteral("tcp")].toObject();
        QCOMPARE(tcp[QStringLiteral("tcp.flags_tree")]
                     .toObject()[QStringLiteral("tcp.flags.syn_raw")]
                     .toArray(),
                 (QJsonArray{QStringLiteral("1"), 47, 1, 2, 2}));
        QCOMPARE(tcp[QStringLiteral("tcp.options_raw")].toArray()[4].toInt(), 30); // FT_BYTES
        // Generated items without bytes get none, as in tshark.
        QVERIFY(tcp.contains(QStringLiteral("tcp.len")));
        QVERIFY(!tcp.contains(QStringLiteral("tcp.len_raw")));
        QVERIFY(!tcp.contains(QStringLiteral("tcp.stream_raw")));

        const QJsonObject plain = jsonLayers(p.d, false);
        QVERIFY(!plain.contains(QStringLiteral("frame_raw")));
        QVERIFY(!plain[QStringLiteral("ip")].toObject().contains(QStringLiteral("ip.ttl_raw")));
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
