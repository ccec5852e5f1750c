// The IPC codec: round trips, incremental decoding, bounds and a deterministic fuzz loop.

#include "ipc/codec.h"

#include <QDataStream>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

using namespace pl::ipc;

namespace {

QString str(const QString &s)
{
    return s.isNull() ? QStringLiteral("<null>") : QLatin1Char('"') + s + QLatin1Char('"');
}

// Every field of a message as text, so a failed comparison shows which field differs.
QString describe(const Message &m)
{
    QStringList f;
    if (const auto *h = std::get_if<Hello>(&m)) {
        f << QStringLiteral("Hello") << QString::number(h->protocolVersion) << str(h->helperVersion)
          << str(h->privileges) << QString::number(h->pid);
    } else if (const auto *c = std::get_if<Config>(&m)) {
        f << QStringLiteral("Config");
        for (const QString &i : c->interfaces)
            f << str(i);
        f << str(c->filter) << QString::number(c->snaplen) << QString::number(c->promiscuous)
          << QString::number(c->bufferMiB) << QString::number(c->queueLimitBytes);
    } else if (const auto *s = std::get_if<Started>(&m)) {
        f << QStringLiteral("Started");
        for (const StartedInterface &i : s->interfaces)
            f << QString::number(i.id) << str(i.name) << QString::number(i.linkType);
    } else if (const auto *b = std::get_if<PacketBatch>(&m)) {
        f << QStringLiteral("PacketBatch");
        for (const PacketRecord &r : b->packets)
            f << QString::number(r.interfaceId) << QString::number(r.tsSec)
              << QString::number(r.tsNsec) << QString::number(r.wireLen)
              << (r.bytes.isNull() ? QStringLiteral("<null>")
                                   : QString::fromLatin1(r.bytes.toHex()))
              << str(r.protocol) << str(r.source) << str(r.destination) << str(r.info)
              << QString::number(r.flags);
    } else if (const auto *st = std::get_if<Stats>(&m)) {
        f << QStringLiteral("Stats");
        for (const InterfaceStats &i : st->interfaces)
            f << QString::number(i.id) << QString::number(i.received)
              << QString::number(i.kernelDropped);
        f << QString::number(st->helperDropped) << QString::number(st->delivered);
    } else if (const auto *e = std::get_if<Error>(&m)) {
        f << QStringLiteral("Error") << QString::number(e->code) << str(e->message) << str(e->hint);
    } else {
        f << QStringLiteral("Stop");
    }
    return f.join(QLatin1Char('|'));
}

PacketRecord record(quint32 i)
{
    PacketRecord r;
    r.interfaceId = i % 3;
    r.tsSec = 1700000000 + i;
    r.tsNsec = 999999999 - i;
    r.bytes = QByteArray::fromHex("00112233445566778899aabbccddeeff0000");
    r.bytes.append(char(i));
    r.wireLen = 1514;
    r.protocol = QStringLiteral("UDP");
    r.source = QStringLiteral("10.99.0.1");
    r.destination = QStringLiteral("fe80::1%veth0");
    r.info = QStringLiteral("%1 → 53 Len=%2 “ünïcödé” 😀").arg(40000 + i).arg(i);
    r.flags = quint8(i);
    return r;
}

QList<Message> samples()
{
    QList<Message> all;
    all << Hello{kProtocolVersion, QStringLiteral("0.1.0"),
                 QStringLiteral("dropped CAP_NET_RAW; CapEff=0 CapPrm=0"), 4242};
    all << Hello{}; // null strings stay null
    all << Config{{QStringLiteral("veth0"), QStringLiteral("lo")},
                  QStringLiteral("udp port 53 and not host 10.99.0.9"),
                  96,
                  false,
                  4,
                  1ull << 33,
                  false};
    all << Config{};
    all << Started{{{1, QStringLiteral("veth0"), 1}, {2, QStringLiteral("lo"), 772}}};
    all << Started{};
    PacketBatch batch;
    for (quint32 i = 0; i < 5; ++i)
        batch.packets << record(i);
    batch.packets[1].bytes = QByteArray(""); // empty but not null
    batch.packets[2].tsSec = -5;             // before the epoch
    all << batch << PacketBatch{};
    all << Stats{{{1, 123456789012ull, 7}, {2, 0, 0}}, 99, 1ull << 40};
    all << Error{quint32(ErrorCode::BadFilter), QStringLiteral("syntax error in filter expression"),
                 QStringLiteral("see pcap-filter(7)")};
    all << Stop{};
    return all;
}

QByteArray header(quint32 length, quint16 type, quint16 version = kProtocolVersion)
{
    QByteArray h(8, 0);
    qToBigEndian(length, h.data());
    qToBigEndian(type, h.data() + 4);
    qToBigEndian(version, h.data() + 6);
    return h;
}

QByteArray frame(quint16 type, const QByteArray &payload)
{
    return header(quint32(payload.size()), type) + payload;
}

// Decodes everything in `bytes`; returns the last status and appends the messages to `out`.
Decoder::Status decodeAll(Decoder &d, const QByteArray &bytes, QList<Message> *out = nullptr)
{
    d.feed(bytes);
    for (;;) {
        Message m;
        const Decoder::Status s = d.next(m);
        if (s != Decoder::Status::Ok)
            return s;
        if (out)
            out->append(m);
    }
}

QString decodeError(const QByteArray &bytes, Decoder::Side side = Decoder::Side::Client)
{
    Decoder d(side);
    if (decodeAll(d, bytes) != Decoder::Status::Error)
        return QStringLiteral("<no error>");
    return d.errorText();
}

} // namespace

class TestCodec : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("index");
        const QList<Message> all = samples();
        for (int i = 0; i < all.size(); ++i)
            QTest::addRow("%d-%s", i, qPrintable(messageTypeName(quint16(typeOf(all[i]))))) << i;
    }

    void roundTrip()
    {
        QFETCH(int, index);
        const Message original = samples().at(index);
        const QByteArray bytes = encode(original);
        QVERIFY(bytes.size() >= kFrameHeaderSize);
        QCOMPARE(qFromBigEndian<quint32>(bytes.constData()), quint32(bytes.size() - 8));
        QCOMPARE(qFromBigEndian<quint16>(bytes.constData() + 4), quint16(typeOf(original)));
        QCOMPARE(qFromBigEndian<quint16>(bytes.constData() + 6), kProtocolVersion);
        QList<Message> out;
        Decoder d;
        QCOMPARE(decodeAll(d, bytes, &out), Decoder::Status::NeedMore);
        QCOMPARE(out.size(), 1);
        QCOMPARE(describe(out[0]), describe(original));
        QVERIFY(out[0] == original);
        QCOMPARE(d.bufferedBytes(), 0);
    }

    void nullAndEmptyStaySeparate()
    {
        PacketBatch b{{record(1)}};
        b.packets[0].bytes = QByteArray();
        b.packets[0].info = QString(QLatin1String(""));
        QList<Message> out;
        Decoder d;
        decodeAll(d, encode(b), &out);
        QCOMPARE(out.size(), 1);
        const PacketRecord &r = std::get<PacketBatch>(out[0]).packets[0];
        QVERIFY(r.bytes.isNull());
        QVERIFY(!r.info.isNull() && r.info.isEmpty());
    }

    void payloadIsQDataStreamFormat()
    {
        // The hand-written payload must be what QDataStream (Qt_6_4, big endian) writes.
        const Hello h{kProtocolVersion, QStringLiteral("1.2 ü"), QStringLiteral("none"), -3};
        QByteArray expected;
        QDataStream s(&expected, QIODevice::WriteOnly);
        s.setVersion(QDataStream::Qt_6_4);
        s << h.protocolVersion << h.helperVersion << h.privileges << h.pid;
        QCOMPARE(encode(h).mid(8).toHex(), expected.toHex());

        const Error e{5, QString(), QStringLiteral("x")};
        const Config c{{QStringLiteral("eth0")}, QStringLiteral("tcp"), 1500, true, 8, 77};
        QByteArray expected2;
        QDataStream s2(&expected2, QIODevice::WriteOnly);
        s2.setVersion(QDataStream::Qt_6_4);
        s2 << e.code << e.message << e.hint;
        s2 << quint32(1) << c.interfaces[0] << c.filter << c.snaplen << c.promiscuous << c.bufferMiB
           << c.queueLimitBytes << c.summaries;
        QCOMPARE((encode(e).mid(8) + encode(c).mid(8)).toHex(), expected2.toHex());
    }

    void byteByByte()
    {
        QByteArray stream;
        const QList<Message> all = samples();
        for (const Message &m : all)
            stream += encode(m);
        Decoder d;
        QList<Message> out;
        for (char c : std::as_const(stream)) {
            QCOMPARE(decodeAll(d, QByteArray(1, c), &out), Decoder::Status::NeedMore);
        }
        QCOMPARE(out.size(), all.size());
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(describe(out[i]), describe(all[i]));
    }

    void truncatedFramesWaitThenComplete()
    {
        for (const Message &m : samples()) {
            const QByteArray bytes = encode(m);
            for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
                Decoder d;
                QList<Message> out;
                QCOMPARE(decodeAll(d, bytes.left(cut), &out), Decoder::Status::NeedMore);
                QVERIFY(out.isEmpty());
                QCOMPARE(decodeAll(d, bytes.mid(cut), &out), Decoder::Status::NeedMore);
                QCOMPARE(out.size(), 1);
                QCOMPARE(describe(out[0]), describe(m));
            }
        }
    }

    void frameErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("code");
        const int protocol = int(ErrorCode::Protocol);
        QTest::newRow("oversized frame")
            << header(16 * 1024 * 1024 + 1, 4)
            << QStringLiteral("oversized frame: 16777217 bytes of payload, the limit is 16777216")
            << protocol;
        QTest::newRow("oversized Hello")
            << header(65537, 1)
            << QStringLiteral("oversized Hello message: 65537 bytes, the bound is 65536")
            << protocol;
        QTest::newRow("unknown type")
            << header(0, 9) << QStringLiteral("unknown message type 9") << protocol;
        QTest::newRow("type zero")
            << header(0, 0) << QStringLiteral("unknown message type 0") << protocol;
        QTest::newRow("version mismatch")
            << header(0, 1, kProtocolVersion + 1)
            << QStringLiteral("helper speaks protocol %1, this client %2")
                   .arg(kProtocolVersion + 1)
                   .arg(kProtocolVersion)
            << int(ErrorCode::VersionMismatch);
        QTest::newRow("garbage text")
            << QByteArray("GET / HTTP/1.1\r\n\r\n")
            << QStringLiteral("oversized frame: 1195725856 bytes of payload, the limit is 16777216")
            << protocol;
    }

    void frameErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, text);
        QFETCH(int, code);
        Decoder d;
        QCOMPARE(decodeAll(d, bytes), Decoder::Status::Error);
        QCOMPARE(d.errorText(), text);
        QCOMPARE(int(d.errorCode()), code);
        // Sticky: a valid frame afterwards does not resynchronise the stream.
        QCOMPARE(decodeAll(d, encode(Stop{})), Decoder::Status::Error);
    }

    void versionMismatchSeenByHelper()
    {
        QCOMPARE(decodeError(header(0, 7, kProtocolVersion + 1), Decoder::Side::Helper),
                 QStringLiteral("client speaks protocol %1, this helper %2")
                     .arg(kProtocolVersion + 1)
                     .arg(kProtocolVersion));
    }

    void payloadErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("text");
        const QByteArray hello = encode(Hello{1, QStringLiteral("v"), QStringLiteral("p"), 1});
        QTest::newRow("trailing garbage")
            << frame(7, "abc")
            << QStringLiteral(
                   "malformed Stop message: trailing garbage: 3 bytes after the payload");
        QTest::newRow("short Hello")
            << frame(1, hello.mid(8, 5))
            << QStringLiteral("malformed Hello message: truncated payload");
        QTest::newRow("string past the end")
            << frame(1, QByteArray::fromHex("000100000064") + QByteArray(10, 'a'))
            << QStringLiteral("malformed Hello message: truncated payload in helper version");
        QTest::newRow("odd string")
            << frame(1, QByteArray::fromHex("000100000003616263"))
            << QStringLiteral("malformed Hello message: helper version: odd UTF-16 byte count 3");
        QTest::newRow("long string")
            << frame(1, QByteArray::fromHex("0001") + header(2 * 257, 0).left(4) +
                            QByteArray(514, 'a'))
            << QStringLiteral("malformed Hello message: helper version: 257 characters exceed the "
                              "bound of 256");
        QByteArray config = encode(Config{}).mid(8);
        config[config.size() - 14] = 7; // the promiscuous byte (then u32, u64, summaries)
        QTest::newRow("bad boolean")
            << frame(2, config)
            << QStringLiteral("malformed Config message: boolean byte 7 is neither 0 nor 1");
        QTest::newRow("huge count")
            << frame(4, QByteArray::fromHex("00100000"))
            << QStringLiteral("malformed PacketBatch message: truncated payload: packet batch "
                              "claims 1048576 entries");
        QTest::newRow("too many interfaces")
            << frame(3, QByteArray::fromHex("00000101") + QByteArray(257 * 12, 0))
            << QStringLiteral(
                   "malformed Started message: interface list: count 257 exceeds the bound of 256");
        PacketRecord r = record(1);
        r.tsNsec = 1000000000;
        QTest::newRow("nanoseconds")
            << encode(PacketBatch{{r}})
            << QStringLiteral(
                   "malformed PacketBatch message: timestamp nanoseconds 1000000000 out of range");
        QByteArray big = encode(PacketBatch{{record(1)}});
        qToBigEndian(quint32(kMaxRecordBytes + 1), big.data() + 8 + 4 + 20);
        QTest::newRow("record bytes")
            << big
            << QStringLiteral("malformed PacketBatch message: packet bytes: 262145 bytes exceed "
                              "the bound of 262144");
    }

    void payloadErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, text);
        QCOMPARE(decodeError(bytes), text);
    }

    void encodeBounds()
    {
        PacketRecord r = record(0);
        r.info = QString(10000, QLatin1Char('x'));
        r.source = QString(255, QLatin1Char('a')) + QString::fromUtf8("😀"); // pair at 255/256
        const QByteArray bytes = encode(PacketBatch{{r}});
        QCOMPARE(bytes.size(), kFrameHeaderSize + kBatchOverhead + recordEncodedSize(r));
        QList<Message> out;
        Decoder d;
        decodeAll(d, bytes, &out);
        QCOMPARE(out.size(), 1);
        const PacketRecord &back = std::get<PacketBatch>(out[0]).packets[0];
        QCOMPARE(back.info.size(), kMaxTextChars);
        QCOMPARE(back.source, QString(255, QLatin1Char('a'))); // the pair is not split

        r = record(0);
        r.bytes = QByteArray(kMaxRecordBytes, 'b');
        QVERIFY(!encode(PacketBatch{{r}}).isEmpty());
        r.bytes.append('c');
        QVERIFY(encode(PacketBatch{{r}}).isEmpty());

        PacketBatch huge;
        r.bytes = QByteArray(kMaxRecordBytes, 'b');
        qsizetype size = kBatchOverhead;
        while (size <= kMaxBatchPayload) {
            huge.packets << r;
            size += recordEncodedSize(r);
        }
        QVERIFY(encode(huge).isEmpty());
        huge.packets.removeLast();
        QVERIFY(!encode(huge).isEmpty());

        Config c;
        for (int i = 0; i <= kMaxInterfaces; ++i)
            c.interfaces << QStringLiteral("veth%1").arg(i);
        QVERIFY(encode(c).isEmpty());
    }

    void fuzz()
    {
        QRandomGenerator rng(20240603);
        QList<QByteArray> seeds;
        for (const Message &m : samples())
            seeds << encode(m);
        int counts[3] = {};
        int decoded = 0;
        for (int iteration = 0; iteration < 100000; ++iteration) {
            QByteArray input;
            const int mode = rng.bounded(4);
            if (mode == 0) { // random bytes, sometimes behind a valid-looking header
                input.resize(rng.bounded(80));
                for (char &c : input)
                    c = char(rng.bounded(256));
                if (rng.bounded(2))
                    input.prepend(header(quint32(input.size()), quint16(rng.bounded(1, 8))));
            } else { // mutated valid frames
                const int frames = 1 + rng.bounded(3);
                for (int f = 0; f < frames; ++f)
                    input += seeds[rng.bounded(seeds.size())];
                const int mutations = 1 + rng.bounded(4);
                for (int k = 0; k < mutations && !input.isEmpty(); ++k) {
                    const qsizetype at = rng.bounded(input.size());
                    switch (rng.bounded(5)) {
                    case 0:
                        input[at] = char(rng.bounded(256));
                        break;
                    case 1:
                        input[at] = char(input[at] ^ (1 << rng.bounded(8)));
                        break;
                    case 2:
                        input.truncate(at);
                        break;
                    case 3:
                        input.insert(at, char(rng.bounded(256)));
                        break;
                    case 4:
                        input.remove(at, 1 + rng.bounded(8));
                        break;
                    }
                }
                if (mode == 3 && input.size() >= 8) // a lying length field
                    qToBigEndian(quint32(rng.bounded(200)), input.data());
            }
            Decoder d(rng.bounded(2) ? Decoder::Side::Client : Decoder::Side::Helper);
            Decoder::Status status = Decoder::Status::NeedMore;
            qsizetype fed = 0;
            int steps = 0;
            while (status != Decoder::Status::Error && (fed < input.size() || steps == 0)) {
                const qsizetype chunk =
                    std::min<qsizetype>(input.size() - fed, 1 + rng.bounded(64));
                d.feed(input.mid(fed, chunk));
                fed += chunk;
                Message m;
                while ((status = d.next(m)) == Decoder::Status::Ok) {
                    // Whatever decodes must encode and decode to the same message again.
                    const QByteArray again = encode(m);
                    QVERIFY(!again.isEmpty());
                    Decoder d2;
                    QList<Message> out;
                    QCOMPARE(decodeAll(d2, again, &out), Decoder::Status::NeedMore);
                    QCOMPARE(out.size(), 1);
                    QVERIFY(out[0] == m);
                    QVERIFY(++steps < 10000);
                    ++decoded;
                }
                ++steps;
            }
            QVERIFY(status == Decoder::Status::NeedMore || status == Decoder::Status::Error);
            if (status == Decoder::Status::Error)
                QVERIFY(!d.errorText().isEmpty());
            ++counts[int(status)];
        }
        qInfo("fuzz: %d messages decoded; inputs ending in need more %d, in error %d", decoded,
              counts[0], counts[2]);
        QVERIFY(decoded > 10000 && counts[0] > 10000 && counts[2] > 10000);
    }
};

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"
