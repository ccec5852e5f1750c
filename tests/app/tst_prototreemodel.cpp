// The detail-tree model: rows are the visible tree items of one packet, with their byte
// ranges, filter names and error marks; a byte offset finds its item; path keys let the
// window keep the same branches open from one packet to the next.

#include "app/prototreemodel.h"
#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "dissect/packetbuilder.h"
#include "dissect/print/treetext.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDir>
#include <QFont>

#include <QTest>

using pl::ProtoTreeModel;

namespace {

// print-flags.pcap frame 1: Ethernet, IPv4 127.0.0.1 -> 127.0.0.1 (TTL 64), TCP 55920 -> 80
// SYN with MSS, SACK permitted, timestamps, NOP and window scale options.
const char *const kTcpSyn = "00 00 00 00 00 00 00 00 00 00 00 00 08 00"
                            "45 00 00 3c 1b 68 40 00 40 06 21 52 7f 00 00 01 7f 00 00 01"
                            "da 70 00 50 37 58 89 7e 00 00 00 00 a0 02 7f ff 14 21 00 00"
                            "02 04 40 0c 04 02 08 0a 4d dc 92 16 00 00 00 00 01 03 03 02";
// The same shape: TTL 63 and IP ID 0x1b69, the header checksum adjusted to stay correct.
const char *const kTcpSynTtl63 = "00 00 00 00 00 00 00 00 00 00 00 00 08 00"
                                 "45 00 00 3c 1b 69 40 00 3f 06 22 51 7f 00 00 01 7f 00 00 01"
                                 "da 70 00 50 37 58 89 7e 00 00 00 00 a0 02 7f ff 14 21 00 00"
                                 "02 04 40 0c 04 02 08 0a 4d dc 92 16 00 00 00 00 01 03 03 02";

pltest::Dissected tcpSyn(const char *hex = kTcpSyn)
{
    return pltest::Dissected(pltest::hex(hex), 1);
}

// A 32-byte IPv4/UDP datagram (TTL 33, 10.0.0.1 -> 10.0.0.2, ports 1234 -> 5678, payload
// de ad be ef): the bytes of a reassembled source.
const char *const kInnerDatagram = "45 00 00 20 ab cd 00 00 21 11 d9 fd 0a 00 00 01 0a 00 00 02"
                                   "04 d2 16 2e 00 0c 00 00 de ad be ef";

/// Adds kInnerDatagram to `p`'s dissection as a second data source, dissected under its TCP
/// item inside a SourceScope: what TCP reassembly does with a PDU that spans segments.
void addReassembledSource(pltest::Dissected &p)
{
    const int src = p.d.addSource("Reassembled TCP (32 bytes)", pltest::hex(kInnerDatagram));
    QCOMPARE(src, 1);
    pl::Dissection::SourceScope scope(p.d, src);
    const pl::Reader r = p.d.sourceReader(size_t(src));
    QVERIFY(p.d.dispatch(pl::Table::EtherType, 0x0800, r, pl::Item{p.nodes("tcp").at(0)}));
}

/// Depth-indented labels of every row, as tshark -V indents them.
void dump(const QAbstractItemModel &m, const QModelIndex &parent, int depth, QString &out)
{
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        out += QString(depth * 4, QLatin1Char(' ')) + i.data().toString() + QLatin1Char('\n');
        dump(m, i, depth + 1, out);
    }
}

void allIndexes(const QAbstractItemModel &m, const QModelIndex &parent, QModelIndexList &out)
{
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        out << i;
        allIndexes(m, i, out);
    }
}

QModelIndex findFlag(const QAbstractItemModel &m, int flag)
{
    QModelIndexList all;
    allIndexes(m, {}, all);
    for (const QModelIndex &i : all)
        if (i.data(ProtoTreeModel::FlagsRole).toInt() & flag)
            return i;
    return {};
}

QModelIndex findLabel(const QAbstractItemModel &m, const QString &label)
{
    QModelIndexList all;
    allIndexes(m, {}, all);
    for (const QModelIndex &i : all)
        if (i.data().toString() == label)
            return i;
    return {};
}

} // namespace

class TestProtoTreeModel : public QObject
{
    Q_OBJECT

private slots:
    void emptyModel()
    {
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.indexForOffset(0).isValid());
        QVERIFY(model.pathKey({}).isEmpty());
        QVERIFY(!model.indexForPathKey(QStringLiteral("ip#0")).isValid());
    }

    void topLevelRows()
    {
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto p = tcpSyn();
        model.setPacket(p.d);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 1);
        QCOMPARE(model.index(0, 0).data().toString(),
                 QStringLiteral("Frame 1: 74 bytes on wire (592 bits), 74 bytes captured (592 "
                                "bits)"));
        QVERIFY(
            model.index(1, 0).data().toString().startsWith(QStringLiteral("Ethernet II, Src: ")));
        QCOMPARE(model.index(2, 0).data().toString(),
                 QStringLiteral("Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1"));
        QVERIFY(model.index(3, 0).data().toString().startsWith(
            QStringLiteral("Transmission Control Protocol, Src Port: 55920, Dst Port: 80")));
        QCOMPARE(model.index(2, 0).data(ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("ip"));
        QCOMPARE(model.index(2, 0).data(ProtoTreeModel::OffsetRole).toInt(), 14);
        QCOMPARE(model.index(2, 0).data(ProtoTreeModel::LengthRole).toInt(), 20);
        QCOMPARE(model.index(3, 0).data(ProtoTreeModel::LengthRole).toInt(), 40);
        QVERIFY(!model.parent(model.index(3, 0)).isValid());
        QVERIFY(!model.index(4, 0).isValid());
        QVERIFY(!model.index(0, 1).isValid());

        // The Dissection is reused for the next packet; the model keeps its own copy.
        pltest::Dissected other(pltest::hex("ff ff ff ff ff ff 00 11 22 33 44 55 08 06"), 1);
        Q_UNUSED(other);
        p.d.dissect(other.frame, nullptr);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(2, 0).data().toString(),
                 QStringLiteral("Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1"));

        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void ttlField()
    {
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto p = tcpSyn();
        model.setPacket(p.d);
        const QModelIndex ip = model.index(2, 0);
        QModelIndex ttl;
        for (int r = 0; r < model.rowCount(ip); ++r)
            if (model.index(r, 0, ip).data().toString() == QStringLiteral("Time to Live: 64"))
                ttl = model.index(r, 0, ip);
        QVERIFY(ttl.isValid());
        QCOMPARE(ttl.parent(), ip);
        QCOMPARE(ttl.data(ProtoTreeModel::OffsetRole).toInt(), 22);
        QCOMPARE(ttl.data(ProtoTreeModel::LengthRole).toInt(), 1);
        QCOMPARE(ttl.data(ProtoTreeModel::FieldNameRole).toString(), QStringLiteral("ip.ttl"));
        QCOMPARE(ttl.data(ProtoTreeModel::FieldValueRole).toString(), QStringLiteral("64"));
        QCOMPARE(ttl.data(ProtoTreeModel::FlagsRole).toInt(), 0);
        QVERIFY(!ttl.data(Qt::BackgroundRole).isValid());
        QVERIFY(ttl.data(Qt::ToolTipRole).toString().contains(QStringLiteral("ip.ttl")));
        QCOMPARE(model.indexForOffset(22), ttl);

        // Hex -T fields form and the deepest item for other bytes.
        const QModelIndex proto = model.indexForOffset(23);
        QCOMPARE(proto.data(ProtoTreeModel::FieldNameRole).toString(), QStringLiteral("ip.proto"));
        QCOMPARE(proto.data(ProtoTreeModel::FieldValueRole).toString(), QStringLiteral("6"));
        QCOMPARE(model.indexForOffset(18).data(ProtoTreeModel::FieldValueRole).toString(),
                 QStringLiteral("0x1b68"));
        QCOMPARE(model.indexForOffset(35).data(ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("tcp.srcport"));
        QCOMPARE(model.indexForOffset(36).data(ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("tcp.dstport"));
        QVERIFY(!model.indexForOffset(74).isValid());
        QVERIFY(!model.indexForOffset(-1).isValid());
        // Every byte of the frame belongs to some item, and that item holds the byte.
        for (int b = 0; b < 74; ++b) {
            const QModelIndex i = model.indexForOffset(b);
            QVERIFY2(i.isValid(), qPrintable(QString::number(b)));
            const int off = i.data(ProtoTreeModel::OffsetRole).toInt();
            QVERIFY(off <= b && b < off + i.data(ProtoTreeModel::LengthRole).toInt());
        }
    }

    void hiddenFieldsAreNotRows()
    {
        ProtoTreeModel model;
        const auto p = tcpSyn();
        model.setPacket(p.d);
        const pl::FieldTree &tree = p.tree();
        int hidden = 0;
        for (size_t i = 1; i < tree.size(); ++i)
            if (tree.node(int32_t(i)).flags & pl::Hidden) {
                ++hidden;
                QVERIFY(!model.indexForNode(int32_t(i)).isValid());
            }
        QVERIFY2(hidden > 0, "the test packet should have hidden fields (ip.addr, tcp.port)");
        QModelIndexList all;
        allIndexes(model, {}, all);
        for (const QModelIndex &i : all) {
            QVERIFY(!(i.data(ProtoTreeModel::FlagsRole).toInt() & pl::Hidden));
            const QString name = i.data(ProtoTreeModel::FieldNameRole).toString();
            QVERIFY2(name != QStringLiteral("ip.addr") && name != QStringLiteral("tcp.port"),
                     qPrintable(name));
            QCOMPARE(model.indexForNode(model.nodeOf(i)), i);
        }
        // The rows are exactly the lines tshark -V prints (hidden items left out).
        std::string text;
        pl::print::appendTreeText(text, p.d);
        QCOMPARE(qsizetype(all.size()), QString::fromStdString(text).count(QLatin1Char('\n')));
    }

    void generatedItems()
    {
        ProtoTreeModel model;
        const auto p = tcpSyn();
        model.setPacket(p.d);
        const QModelIndex gen = findFlag(model, pl::Generated);
        QVERIFY(gen.isValid());
        QVERIFY(gen.data(Qt::FontRole).value<QFont>().italic());
        QCOMPARE(gen.data(Qt::ForegroundRole).value<QBrush>().color(), QColor(0x80, 0x80, 0x80));
        QVERIFY(gen.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Generated")));
    }

    void malformedItem()
    {
        // IPv4 header length 16 (IHL 4): "Bogus IP header length", the packet is malformed.
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QByteArray hex(kTcpSyn);
        hex.replace("08 0045 00", "08 0044 00");
        const pltest::Dissected p(pltest::hex(hex.constData()), 1);
        QVERIFY(p.d.flags() & pl::Malformed);
        model.setPacket(p.d);
        const QModelIndex bad = findFlag(model, pl::Malformed);
        QVERIFY(bad.isValid());
        QVERIFY2(bad.data(Qt::ToolTipRole)
                     .toString()
                     .contains(QStringLiteral(
                         "Malformed: a length field or value is inconsistent with the bytes")),
                 qPrintable(bad.data(Qt::ToolTipRole).toString()));
        const QColor bg = bad.data(Qt::BackgroundRole).value<QBrush>().color();
        QVERIFY(bg.red() > 200 && bg.green() < 128 && bg.blue() < 128);
        QVERIFY(bad.data(Qt::ForegroundRole).value<QBrush>().color().lightness() < 64);
        QVERIFY(bad.parent().isValid()); // under the IP header length it is about
    }

    void truncatedAndWarningItems()
    {
        // Cut inside the TCP options: the capture ends before the header does.
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto bytes = pltest::hex(kTcpSyn);
        bytes.resize(60);
        const pltest::Dissected p(bytes, 1, 74);
        model.setPacket(p.d);
        const QModelIndex cut = findFlag(model, pl::Truncated);
        QVERIFY(cut.isValid());
        QVERIFY2(cut.data(Qt::ToolTipRole)
                     .toString()
                     .contains(QStringLiteral(
                         "Truncated: the capture stopped before these bytes (snapshot length)")),
                 qPrintable(cut.data(Qt::ToolTipRole).toString()));
        QVERIFY(cut.data(Qt::BackgroundRole).isValid());

        // A wrong IP header checksum: a red item explaining the bad checksum.
        QByteArray hex(kTcpSyn);
        hex.replace("21 52", "21 53");
        const pltest::Dissected q(pltest::hex(hex.constData()), 1);
        model.setPacket(q.d);
        const QModelIndex bad = findFlag(model, pl::BadChecksum);
        QVERIFY(bad.isValid());
        QVERIFY(bad.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Bad checksum: ")) ||
                bad.data(Qt::ToolTipRole).toString().contains(QStringLiteral("\nBad checksum: ")));
        QCOMPARE(bad.data(Qt::BackgroundRole).value<QBrush>().color().red(), 0xff);
        const QModelIndex expert = findFlag(model, pl::Expert);
        QVERIFY(expert.isValid());
        // Its line names severity and group as Wireshark does; the tooltip says what they mean.
        QCOMPARE(expert.data().toString(),
                 QStringLiteral("[Expert Info (Error/Checksum): Bad checksum [should be 0x2152]]"));
        QVERIFY(expert.data(Qt::ToolTipRole)
                    .toString()
                    .startsWith(QStringLiteral("Expert info. Error: a serious problem")));
    }

    void pathKeysAcrossPackets()
    {
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto first = tcpSyn();
        model.setPacket(first.d);
        QModelIndexList all;
        allIndexes(model, {}, all);
        QStringList keys;
        for (const QModelIndex &i : all) {
            keys << model.pathKey(i);
            QCOMPARE(model.indexForPathKey(keys.last()), i);
        }
        QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), keys.size()); // unique
        const QModelIndex ttl = model.indexForOffset(22);
        const QString ttlKey = model.pathKey(ttl);
        QCOMPARE(ttlKey, QStringLiteral("ip#0\u001fip.ttl#0"));
        QModelIndex flags;
        for (int r = 0; r < model.rowCount(ttl.parent()); ++r)
            if (model.index(r, 0, ttl.parent()).data(ProtoTreeModel::FieldNameRole) ==
                QStringLiteral("ip.flags"))
                flags = model.index(r, 0, ttl.parent());
        QVERIFY(model.rowCount(flags) > 1);
        const QString flagKey = model.pathKey(model.index(1, 0, flags));
        QVERIFY2(flagKey.startsWith(QStringLiteral("ip#0\u001fip.flags#0\u001fip.flags.")),
                 qPrintable(flagKey));

        const auto second = tcpSyn(kTcpSynTtl63);
        QCOMPARE(second.d.flags(), first.d.flags());
        model.setPacket(second.d);
        QModelIndexList all2;
        allIndexes(model, {}, all2);
        QStringList keys2;
        for (const QModelIndex &i : all2)
            keys2 << model.pathKey(i);
        QCOMPARE(keys2, keys);
        QCOMPARE(model.indexForPathKey(ttlKey).data().toString(),
                 QStringLiteral("Time to Live: 63"));
        QVERIFY(!model.indexForPathKey(QStringLiteral("ip#0\u001fip.ttl#1")).isValid());
        QVERIFY(!model.indexForPathKey(QStringLiteral("udp#0")).isValid());
    }

    void textDump()
    {
        // The whole model against the core's tree text (tshark -V form, hidden items left
        // out), then the IPv4 subtree against a literal: tshark -V's lines for this packet,
        // except the checksum lines (tshark 4.0 does not verify IP checksums by default).
        ProtoTreeModel model;
        pltest::Dissected p(pltest::hex(kTcpSyn), 1);
        p.frame.tsSec = 1120622255;
        p.frame.tsNsec = 938066000;
        p.d.dissect(p.frame, nullptr);
        model.setPacket(p.d);
        QString text;
        dump(model, {}, 0, text);
        std::string reference;
        pl::print::appendTreeText(reference, p.d);
        QCOMPARE(text, QString::fromStdString(reference));

        const QModelIndex ip = model.index(2, 0);
        QString ipText = ip.data().toString() + QLatin1Char('\n');
        dump(model, ip, 1, ipText);
        QCOMPARE(ipText, QString::fromUtf8(kExpectedIpDump));
    }

    void reassembledSource()
    {
        // Items of a reassembled PDU: their offsets count in the PDU, their labels read its
        // bytes (the frame has 0x00 where the PDU has its TTL), a byte of either source finds
        // its own item, and everything survives the Dissection moving on.
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto p = tcpSyn();
        addReassembledSource(p);
        QCOMPARE(p.d.sourceCount(), size_t(2));
        model.setPacket(p.d);
        QCOMPARE(model.sourceCount(), 2);
        QCOMPARE(model.sourceName(0), QStringLiteral("Frame (74 bytes)"));
        QCOMPARE(model.sourceName(1), QStringLiteral("Reassembled TCP (32 bytes)"));
        const auto inner = pltest::hex(kInnerDatagram);
        QCOMPARE(model.sourceBytes(1),
                 QByteArray(reinterpret_cast<const char *>(inner.data()), qsizetype(inner.size())));
        QCOMPARE(model.frameBytes().size(), 74);

        // Reuse the Dissection: the model keeps its copies.
        pltest::Dissected other(pltest::hex("ff ff ff ff ff ff 00 11 22 33 44 55 08 06"), 1);
        p.d.dissect(other.frame, nullptr);

        const QModelIndex innerTtl = findLabel(model, QStringLiteral("Time to Live: 33"));
        QVERIFY(innerTtl.isValid());
        QCOMPARE(innerTtl.data(ProtoTreeModel::SourceRole).toInt(), 1);
        QCOMPARE(innerTtl.data(ProtoTreeModel::OffsetRole).toInt(), 8);
        QCOMPARE(innerTtl.data(ProtoTreeModel::LengthRole).toInt(), 1);
        QCOMPARE(innerTtl.data(ProtoTreeModel::FieldValueRole).toString(), QStringLiteral("33"));
        QVERIFY(innerTtl.data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("1 byte at offset 8 of Reassembled TCP (32 bytes)")));
        const QModelIndex innerIp = findLabel(
            model, QStringLiteral("Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2"));
        QVERIFY(innerIp.isValid());
        QCOMPARE(innerIp.parent().data(ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("tcp"));
        QVERIFY(findLabel(model, QStringLiteral("Source Port: 1234")).isValid());
        // The frame's own items still read the frame.
        const QModelIndex outerTtl = findLabel(model, QStringLiteral("Time to Live: 64"));
        QVERIFY(outerTtl.isValid());
        QCOMPARE(outerTtl.data(ProtoTreeModel::SourceRole).toInt(), 0);

        // Byte 8: the inner TTL in source 1; in the frame, the Ethernet source address.
        QCOMPARE(model.indexForOffset(1, 8), innerTtl);
        QVERIFY(model.indexForOffset(0, 8)
                    .data(ProtoTreeModel::FieldNameRole)
                    .toString()
                    .startsWith(QStringLiteral("eth.src")));
        QCOMPARE(model.indexForOffset(8), model.indexForOffset(0, 8));
        QCOMPARE(model.indexForOffset(0, 22), outerTtl);
        QCOMPARE(model.indexForOffset(1, 20).data(ProtoTreeModel::FieldNameRole).toString(),
                 QStringLiteral("udp.srcport"));
        QVERIFY(!model.indexForOffset(1, 32).isValid());
        QVERIFY(!model.indexForOffset(2, 0).isValid());
        // Every byte of the PDU finds an item of the PDU holding it.
        for (int b = 0; b < 32; ++b) {
            const QModelIndex i = model.indexForOffset(1, b);
            QVERIFY(i.isValid());
            QCOMPARE(i.data(ProtoTreeModel::SourceRole).toInt(), 1);
            const int off = i.data(ProtoTreeModel::OffsetRole).toInt();
            QVERIFY(off <= b && b < off + i.data(ProtoTreeModel::LengthRole).toInt());
        }

        model.clear();
        QCOMPARE(model.sourceCount(), 1);
        QVERIFY(model.sourceBytes(0).isEmpty());
    }

    void corpusPackets_data()
    {
        QTest::addColumn<QString>("file");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        for (const QString &f : pltest::corpusCaptures())
            QTest::newRow(qPrintable(f)) << pltest::corpusDir() + QLatin1Char('/') + f;
    }

    void corpusPackets()
    {
        // Several packets of each file through one model under the tester: resets, indexes,
        // parents, and every byte's item holding that byte.
        QFETCH(QString, file);
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(file.toStdString()), reader.error().c_str());
        ProtoTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        pl::Session session;
        pl::Dissection d(pl::Dissection::Mode::Tree);
        pl::CapturedPacket packet;
        for (int n = 0; n < 12 && reader.next(packet); ++n) {
            d.dissect(packet.frame, &session);
            model.setPacket(d);
            QCOMPARE(qsizetype(model.frameBytes().size()), qsizetype(packet.frame.capLen));
            QModelIndexList all;
            allIndexes(model, {}, all);
            std::string text;
            pl::print::appendTreeText(text, d);
            QCOMPARE(qsizetype(all.size()), QString::fromStdString(text).count(QLatin1Char('\n')));
            for (const QModelIndex &i : all) {
                QVERIFY(!i.data().toString().isEmpty());
                QCOMPARE(model.indexForPathKey(model.pathKey(i)), i);
                (void)i.data(ProtoTreeModel::FieldValueRole);
                (void)i.data(Qt::ToolTipRole);
            }
            for (uint32_t b = 0; b < packet.frame.capLen; ++b) {
                const QModelIndex i = model.indexForOffset(int(b));
                if (!i.isValid())
                    continue;
                const int off = i.data(ProtoTreeModel::OffsetRole).toInt();
                QVERIFY(off <= int(b) && int(b) < off + i.data(ProtoTreeModel::LengthRole).toInt());
            }
        }
    }

private:
    static const char kExpectedIpDump[];
};

const char TestProtoTreeModel::kExpectedIpDump[] =
    R"(Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1
    0100 .... = Version: 4
    .... 0101 = Header Length: 20 bytes (5)
    Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
        0000 00.. = Differentiated Services Codepoint: Default (0)
        .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
    Total Length: 60
    Identification: 0x1b68 (7016)
    010. .... = Flags: 0x2, Don't fragment
        0... .... = Reserved bit: Not set
        .1.. .... = Don't fragment: Set
        ..0. .... = More fragments: Not set
    ...0 0000 0000 0000 = Fragment Offset: 0
    Time to Live: 64
    Protocol: TCP (6)
    Header Checksum: 0x2152 [correct]
    [Header checksum status: Good]
    [Calculated Checksum: 0x2152]
    Source Address: 127.0.0.1
    Destination Address: 127.0.0.1
)";

QTEST_MAIN(TestProtoTreeModel)
#include "tst_prototreemodel.moc"
