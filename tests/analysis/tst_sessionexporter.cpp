// SessionExporter: every corpus file round-trips through pcapng, pcap and pcap-ns (checked by
// our reader and by tshark), ranges and marks choose the packets, the dissection formats parse
// back, and a failed or cancelled export never touches the old target or leaves files behind.

#include "analysis/packetstore.h"
#include "analysis/sessionexporter.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"
#include "corpusfiles.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "csvparse.h"

#include <csignal>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using pl::SessionExporter;
using pltest::parseCsv;
using Format = SessionExporter::Format;

namespace {

struct Packet
{
    std::vector<uint8_t> bytes;
    uint32_t wireLen = 0;
    int64_t sec = 0;
    uint32_t nsec = 0;
    uint32_t interfaceId = 0;
    bool hasTimestamp = true;
    std::vector<std::string> comments;
};

struct Capture
{
    bool opened = false;
    bool damaged = false;
    QString error;
    std::vector<pl::CaptureInterface> interfaces;
    std::vector<Packet> packets;
};

Capture readCapture(const QString &path)
{
    Capture c;
    pl::CaptureFileReader reader;
    if (!reader.open(path.toStdString())) {
        c.error = QString::fromStdString(reader.error());
        return c;
    }
    c.opened = true;
    pl::CapturedPacket p;
    while (reader.next(p)) {
        Packet k;
        k.bytes = p.bytes;
        k.wireLen = p.frame.wireLen;
        k.sec = p.frame.tsSec;
        k.nsec = p.frame.tsNsec;
        k.interfaceId = p.frame.interfaceId;
        k.hasTimestamp = p.hasTimestamp;
        k.comments = p.comments;
        c.packets.push_back(std::move(k));
    }
    c.damaged = reader.damaged();
    c.interfaces = reader.interfaces();
    return c;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

QStringList dirEntries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

QString tshark()
{
    return QStandardPaths::findExecutable(QStringLiteral("tshark"));
}

/// tshark's view of each packet: epoch time, lengths, comments (`-T fields`). Frames
/// without an encapsulation are left out: tshark shows pcapng custom blocks as frames, which
/// hold no packet (our reader skips them), so frame numbers are left out too.
QStringList tsharkFrames(const QString &path, bool *ok)
{
    QProcess p;
    QStringList args{QStringLiteral("-r"), path, QStringLiteral("-T"), QStringLiteral("fields")};
    for (const char *field :
         {"frame.encap_type", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.comment"})
        args << QStringLiteral("-e") << QLatin1String(field);
    p.start(tshark(), args);
    *ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    QStringList frames;
    const QStringList lines =
        QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        if (!line.startsWith(QLatin1Char('\t')))
            frames << line.section(QLatin1Char('\t'), 1);
    }
    return frames;
}

/// A tshark line as pcap (µs) keeps it: the time cut to microseconds, no comment.
QString asPcapUsec(const QString &line)
{
    QStringList f = line.split(QLatin1Char('\t'));
    const qsizetype dot = f[0].indexOf(QLatin1Char('.'));
    if (dot >= 0 && f[0].size() - dot - 1 == 9)
        f[0] = f[0].left(dot + 7) + QStringLiteral("000");
    f[3].clear();
    return f.join(QLatin1Char('\t'));
}

QString withoutComment(const QString &line)
{
    QStringList f = line.split(QLatin1Char('\t'));
    f[3].clear();
    return f.join(QLatin1Char('\t'));
}

/// A pcapng file of `count` small Ethernet frames, for exports that must still be running
/// when they are cancelled.
bool makeBigCapture(const QString &path, int count)
{
    pl::CaptureFileWriter w;
    if (!w.open(path.toStdString(), pl::CaptureFileWriter::Format::PcapNg, "test") ||
        w.addInterface({1, 0, "eth0", {}}) != 0)
        return false;
    std::vector<uint8_t> bytes(60, 0xab);
    pl::Frame f;
    f.data = bytes.data();
    f.capLen = f.wireLen = uint32_t(bytes.size());
    for (int i = 0; i < count; ++i) {
        f.tsSec = 1700000000 + i;
        f.tsNsec = uint32_t(i);
        if (!w.write(f, 0))
            return false;
    }
    return w.close();
}

/// Runs `fn` in a forked child and returns its exit status and what it wrote to the pipe:
/// for limits (RLIMIT_FSIZE) and identities (setuid) the test process must not take on.
struct ChildResult
{
    int status = -1;
    QByteArray text;
};
template <class Fn> ChildResult inChild(Fn fn)
{
    int fds[2];
    if (pipe(fds) != 0)
        return {};
    const pid_t pid = fork();
    if (pid == 0) {
        ::close(fds[0]);
        const std::string msg = fn();
        (void)!::write(fds[1], msg.data(), msg.size());
        _exit(0);
    }
    ::close(fds[1]);
    ChildResult r;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
        r.text.append(buf, n);
    ::close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

QString corpus(const char *relative)
{
    return pltest::corpusDir() + QLatin1Char('/') + QLatin1String(relative);
}

} // namespace

class TestSessionExporter : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!pltest::haveCorpus())
            QSKIP("the shared corpus (PACKETLENS_CORPUS) is not there");
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("format");
        const QStringList files = pltest::corpusCaptures();
        for (const QString &f : files) {
            QTest::addRow("%s pcapng", qPrintable(f)) << f << int(Format::PcapNg);
            QTest::addRow("%s pcap", qPrintable(f)) << f << int(Format::PcapUsec);
            QTest::addRow("%s pcap-ns", qPrintable(f)) << f << int(Format::PcapNsec);
        }
    }

    void roundTrip()
    {
        QFETCH(QString, file);
        QFETCH(int, format);
        const Format fmt = Format(format);
        const QString source = pltest::corpusDir() + QLatin1Char('/') + file;
        const Capture original = readCapture(source);
        if (!original.opened)
            QSKIP(qPrintable(QStringLiteral("our reader refuses it: ") + original.error));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString target = dir.filePath(QStringLiteral("rt.") + SessionExporter::suffix(fmt));
        SessionExporter::Options o;
        o.format = fmt;
        const auto r = SessionExporter::exportFile(source, target, o);

        // What pcap cannot hold must fail, say why, and leave nothing.
        // pcap holds one link type and 32-bit seconds. pcapng keeps each interface's time
        // resolution, so only times moved by an if_tsoffset can fall outside 64 bits of its
        // units (pcapng-example has µs packets at 18446744073204 s, past ns's 2554: they must
        // come back exactly).
        bool severalLinkTypes = false, timeTooLate = false;
        for (const Packet &p : original.packets) {
            severalLinkTypes |= original.interfaces[p.interfaceId].linkType !=
                                original.interfaces[original.packets.front().interfaceId].linkType;
            if (fmt == Format::PcapNg) {
                __extension__ typedef unsigned __int128 U128;
                const U128 units = original.interfaces[p.interfaceId].tsUnitsPerSecond;
                timeTooLate |=
                    p.sec < 0 ||
                    U128(uint64_t(p.sec)) * units + p.nsec * units / 1000000000u > ~uint64_t(0);
            } else
                timeTooLate |= p.sec < 0 || p.sec > int64_t(0xffffffffu);
        }
        if (file == QStringLiteral("pcapplusplus/pcapng-example.pcapng") && fmt == Format::PcapNg)
            QVERIFY(!timeTooLate); // the case this rule exists for: must round-trip
        if ((fmt != Format::PcapNg && severalLinkTypes) || timeTooLate) {
            QVERIFY(!r.ok);
            QVERIFY2(r.error.startsWith(target + QStringLiteral(": ")), qPrintable(r.error));
            if (fmt != Format::PcapNg && severalLinkTypes)
                QVERIFY2(r.error.contains(QStringLiteral("link type")), qPrintable(r.error));
            else
                QVERIFY2(r.error.contains(QStringLiteral("time stamp")), qPrintable(r.error));
            QVERIFY(!QFile::exists(target));
            QCOMPARE(dirEntries(dir.path()), QStringList());
            return;
        }
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.packets, quint64(original.packets.size()));
        QCOMPARE(r.sourceDamaged, original.damaged);
        struct stat st;
        QCOMPARE(::stat(QFile::encodeName(target).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0600)); // captures hold other people's traffic

        const Capture back = readCapture(target);
        QVERIFY2(back.opened, qPrintable(back.error));
        QVERIFY(!back.damaged);
        QCOMPARE(back.packets.size(), original.packets.size());
        for (size_t i = 0; i < original.packets.size(); ++i) {
            const Packet &a = original.packets[i];
            const Packet &b = back.packets[i];
            QVERIFY2(a.bytes == b.bytes, qPrintable(QStringLiteral("packet %1").arg(i + 1)));
            QCOMPARE(b.wireLen, a.wireLen);
            QCOMPARE(b.sec, a.sec);
            QCOMPARE(b.nsec, fmt == Format::PcapUsec ? a.nsec / 1000 * 1000 : a.nsec);
            if (fmt == Format::PcapNg) {
                QCOMPARE(b.interfaceId, a.interfaceId);
                QCOMPARE(b.comments, a.comments);
            }
        }
        if (fmt == Format::PcapNg) {
            QCOMPARE(back.interfaces.size(), original.interfaces.size());
            for (size_t i = 0; i < original.interfaces.size(); ++i) {
                QCOMPARE(back.interfaces[i].name, original.interfaces[i].name);
                QCOMPARE(back.interfaces[i].linkType, original.interfaces[i].linkType);
                QCOMPARE(back.interfaces[i].snapLen, original.interfaces[i].snapLen);
                QCOMPARE(back.interfaces[i].description, original.interfaces[i].description);
                QCOMPARE(back.interfaces[i].tsUnitsPerSecond,
                         original.interfaces[i].tsUnitsPerSecond);
            }
        } else if (!original.packets.empty()) {
            QCOMPARE(back.interfaces.size(), size_t(1));
            QCOMPARE(back.interfaces[0].linkType,
                     original.interfaces[original.packets.front().interfaceId].linkType);
        }

        if (tshark().isEmpty()) {
            qInfo("tshark is not installed: the tshark half of the round trip is skipped");
            return;
        }
        bool exportOk = false;
        if (!m_tsharkOriginal.contains(file)) { // once per file, not per format
            bool ok = false;
            const QStringList frames = tsharkFrames(source, &ok);
            m_tsharkOriginal.insert(file, ok ? frames : QStringList{QStringLiteral("<error>")});
        }
        QStringList expected = m_tsharkOriginal.value(file);
        const bool originalOk = expected != QStringList{QStringLiteral("<error>")};
        const QStringList got = tsharkFrames(target, &exportOk);
        QVERIFY2(exportOk, "tshark refuses the exported file");
        if (!originalOk || original.damaged) {
            qInfo("tshark reports an error on the original: only the export is checked");
            QCOMPARE(got.size(), qsizetype(original.packets.size()));
            return;
        }
        QCOMPARE(got.size(), expected.size());
        QCOMPARE(got.size(), qsizetype(original.packets.size()));
        for (qsizetype i = 0; i < got.size(); ++i) {
            // A Simple Packet Block has no time; an Enhanced Packet Block (all a writer
            // writes) must have one, and it is 0, as our reader says.
            if (!original.packets[size_t(i)].hasTimestamp)
                expected[i].prepend(QStringLiteral("0.000000000"));
            if (fmt == Format::PcapUsec)
                QCOMPARE(got[i], asPcapUsec(expected[i]));
            else if (fmt == Format::PcapNsec)
                QCOMPARE(got[i], withoutComment(expected[i]));
            else
                QCOMPARE(got[i], expected[i]);
        }
    }

    void rangesAndMarks()
    {
        const QString source = corpus("tcpdump/print-flags.pcap");
        const Capture original = readCapture(source);
        QVERIFY(original.packets.size() >= 8);

        const auto check = [&](const pl::PacketRange &range, const QList<int> &frames) {
            const QString target = m_dir->filePath(QStringLiteral("range.pcapng"));
            SessionExporter::Options o;
            o.range = range;
            const auto r = SessionExporter::exportFile(source, target, o);
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.packets, quint64(frames.size()));
            const Capture back = readCapture(target);
            QCOMPARE(back.packets.size(), size_t(frames.size()));
            for (qsizetype i = 0; i < frames.size(); ++i) {
                QVERIFY(back.packets[size_t(i)].bytes ==
                        original.packets[size_t(frames[i] - 1)].bytes);
                QCOMPARE(back.packets[size_t(i)].nsec,
                         original.packets[size_t(frames[i] - 1)].nsec);
            }
            QFile::remove(target);
        };
        check(pl::PacketRange::parse(u"2-4,7"), {2, 3, 4, 7});
        check(pl::PacketRange::parse(u"8-"), {8, 9, 10});
        check(pl::PacketRange::parse(u"9-100"), {9, 10}); // frames the file lacks are no error
        check(pl::PacketRange(), {});

        // Marks as PacketListModel keeps them: bit i is frame i + 1.
        const std::vector<uint64_t> marks{(1u << 1) | (1u << 5) | (1u << 6)};
        QCOMPARE(SessionExporter::rangeOfBits(marks, 10).toString(), QStringLiteral("2,6-7"));
        QCOMPARE(SessionExporter::rangeOfBits(marks, 6).toString(), QStringLiteral("2,6"));
        QCOMPARE(SessionExporter::firstToLastOfBits(marks, 10).toString(), QStringLiteral("2-7"));
        QVERIFY(SessionExporter::firstToLastOfBits({0, 0}, 128).isEmpty());
        std::vector<uint64_t> far(3, 0);
        far[2] = uint64_t(1) << 63; // frame 192
        QCOMPARE(SessionExporter::rangeOfBits(far, 192).toString(), QStringLiteral("192"));
        QCOMPARE(SessionExporter::rangeOfFrames({7, 2, 3, 3, 0}).toString(),
                 QStringLiteral("2-3,7"));
        check(SessionExporter::rangeOfBits(marks, 10), {2, 6, 7});
        check(SessionExporter::firstToLastOfBits(marks, 10), {2, 3, 4, 5, 6, 7});
    }

    void emptyPcapIsStillAPcap()
    {
        const QString target = m_dir->filePath(QStringLiteral("empty.pcap"));
        SessionExporter::Options o;
        o.format = Format::PcapUsec;
        o.range = pl::PacketRange();
        const auto r = SessionExporter::exportFile(corpus("tcpdump/print-flags.pcap"), target, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const Capture back = readCapture(target);
        QVERIFY2(back.opened, qPrintable(back.error));
        QCOMPARE(back.packets.size(), size_t(0));
        QCOMPARE(back.interfaces.size(), size_t(1));
        QCOMPARE(back.interfaces[0].linkType, 1u);
        QFile::remove(target);
    }

    void commentsFromTheApplication()
    {
        const QString source = corpus("pcapng-test-generator/le_basic_test009.pcapng");
        const Capture original = readCapture(source);
        QCOMPARE(original.packets.size(), size_t(2));
        QCOMPARE(original.packets[0].comments, std::vector<std::string>{"test009-1"});
        const QString target = m_dir->filePath(QStringLiteral("comments.pcapng"));

        // Without edits the file's comments stay; with edits they replace them.
        auto r = SessionExporter::exportFile(source, target, {});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(readCapture(target).packets[1].comments, original.packets[1].comments);
        SessionExporter::Options o;
        o.comments.insert(1, {}); // the user deleted it
        o.comments.insert(2, {QStringLiteral("edited, \u00fcber"), QStringLiteral("second")});
        r = SessionExporter::exportFile(source, target, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const Capture back = readCapture(target);
        QCOMPARE(back.packets.size(), size_t(2));
        QVERIFY(back.packets[0].comments.empty());
        QCOMPARE(back.packets[1].comments,
                 (std::vector<std::string>{"edited, \u00fcber", "second"}));
        QCOMPARE(back.interfaces[0].name, std::string("eth0"));

        if (tshark().isEmpty())
            QSKIP("tshark is not installed");
        bool ok = false;
        const QStringList lines = tsharkFrames(target, &ok);
        QVERIFY(ok);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].section(QLatin1Char('\t'), 3), QString());
        QCOMPARE(lines[1].section(QLatin1Char('\t'), 3),
                 QStringLiteral("edited, \u00fcber,second"));
    }

    void csvParsesBack()
    {
        const QString source = corpus("tcpdump/print-flags.pcap");
        pl::PacketStore store;
        QSignalSpy loaded(&store, &pl::PacketStore::loadingFinished);
        QVERIFY(store.open(source));
        QVERIFY(loaded.wait(10000));

        const QString target = m_dir->filePath(QStringLiteral("out.csv"));
        SessionExporter::Options o;
        o.format = Format::Csv;
        const auto r = SessionExporter::exportFile(source, target, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const QByteArray csv = readFile(target);
        QVERIFY(!csv.contains('\r'));
        const auto rows = parseCsv(QString::fromUtf8(csv));
        QCOMPARE(rows.size(), store.count() + 1);
        QCOMPARE(rows[0].join(QLatin1Char('|')),
                 QStringLiteral("No.|Time|Source|Destination|Protocol|Length|Info"));
        bool sawComma = false;
        for (qsizetype i = 0; i < store.count(); ++i) {
            const pl::PacketStore::Row row = store.row(i);
            const QStringList &f = rows[i + 1];
            QCOMPARE(f.size(), 7);
            QCOMPARE(f[0], QString::number(row.number));
            const double rel = double(row.tsSec - store.firstSec()) +
                               (double(row.tsNsec) - double(store.firstNsec())) / 1e9;
            QVERIFY(qAbs(f[1].toDouble() - rel) < 1e-6);
            QCOMPARE(f[1].section(QLatin1Char('.'), 1).size(), store.timeDigits());
            QCOMPARE(f[2], row.source);
            QCOMPARE(f[3], row.destination);
            QCOMPARE(f[4], row.protocol);
            QCOMPARE(f[5], QString::number(row.length));
            QString info = row.info;
            info.replace(QStringLiteral("\u2192"), QStringLiteral(" > "));
            QCOMPARE(f[6], info);
            sawComma |= f[6].contains(QLatin1Char(','));
        }
        QVERIFY2(sawComma, "no Info with a comma: the quoting was not exercised");
    }

    void csvRangeKeepsSessionState()
    {
        // Relative sequence numbers need the conversation's first packets: a range that
        // leaves them out must still show what the packet list shows.
        const QString source = corpus("tcpdump/print-flags.pcap");
        const QString all = m_dir->filePath(QStringLiteral("all.csv"));
        const QString part = m_dir->filePath(QStringLiteral("part.csv"));
        SessionExporter::Options o;
        o.format = Format::Csv;
        QVERIFY(SessionExporter::exportFile(source, all, o).ok);
        o.range = pl::PacketRange::parse(u"5-6");
        QVERIFY(SessionExporter::exportFile(source, part, o).ok);
        const auto allRows = parseCsv(QString::fromUtf8(readFile(all)));
        const auto partRows = parseCsv(QString::fromUtf8(readFile(part)));
        QCOMPARE(partRows.size(), 3);
        QCOMPARE(partRows[1], allRows[5]);
        QCOMPARE(partRows[2], allRows[6]);
    }

    void jsonParsesBack()
    {
        const QString source = corpus("tcpdump/print-flags.pcap");
        const QString target = m_dir->filePath(QStringLiteral("out.json"));
        SessionExporter::Options o;
        o.format = Format::Json;
        o.range = pl::PacketRange::parse(u"2,4");
        const auto r = SessionExporter::exportFile(source, target, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(readFile(target), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.isArray());
        const QJsonArray packets = doc.array();
        QCOMPARE(packets.size(), 2);
        const QStringList numbers{QStringLiteral("2"), QStringLiteral("4")};
        for (int i = 0; i < 2; ++i) {
            const QJsonObject layers = packets[i]
                                           .toObject()[QStringLiteral("_source")]
                                           .toObject()[QStringLiteral("layers")]
                                           .toObject();
            const QJsonObject frame = layers[QStringLiteral("frame")].toObject();
            QCOMPARE(frame[QStringLiteral("frame.number")].toString(), numbers[i]);
            QVERIFY(layers.contains(QStringLiteral("eth")));
            QVERIFY(layers.contains(QStringLiteral("tcp")));
        }
    }

    void textLayout()
    {
        const QString source = corpus("tcpdump/print-flags.pcap");
        const QString target = m_dir->filePath(QStringLiteral("out.txt"));
        SessionExporter::Options o;
        o.format = Format::Text;
        o.textBytes = true;
        o.range = pl::PacketRange::parse(u"1-3");
        const auto r = SessionExporter::exportFile(source, target, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const QString text = QString::fromUtf8(readFile(target));
        const QString heading = QStringLiteral("No.     Time           Source                "
                                               "Destination           Protocol Length Info\n");
        QCOMPARE(text.count(heading), 3);
        QVERIFY(text.startsWith(heading + QStringLiteral("      1 0.000000       ")));
        // Summary, blank, tree, blank, hex; a blank line before the next heading.
        const QStringList packets = text.split(QStringLiteral("\n\n") + heading);
        QCOMPARE(packets.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QStringList parts = packets[i].split(QStringLiteral("\n\n"));
            QCOMPARE(parts.size(), 3);
            QVERIFY(parts[1].startsWith(QStringLiteral("Frame %1:").arg(i + 1)));
            QVERIFY(parts[1].contains(QStringLiteral("\nTransmission Control Protocol")));
            QVERIFY(parts[2].startsWith(QStringLiteral("0000  ")));
        }
        QVERIFY(text.endsWith(QLatin1Char('\n')));
        QVERIFY(!text.endsWith(QStringLiteral("\n\n")));
    }

    void cArraysHoldTheBytes()
    {
        const QString source = corpus("tcpdump/print-flags.pcap");
        const Capture original = readCapture(source);
        const QString target = m_dir->filePath(QStringLiteral("out.c"));
        SessionExporter::Options o;
        o.format = Format::CArrays;
        o.range = pl::PacketRange::parse(u"3,5");
        const auto r = SessionExporter::exportFile(source, target, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const QString text = QString::fromUtf8(readFile(target));
        static const QRegularExpression array(
            QStringLiteral("/\\* Frame \\((\\d+) bytes\\) \\*/\nstatic const unsigned char "
                           "pkt(\\d+)\\[(\\d+)\\] = \\{\n([^}]*)\\};\n\n"));
        auto it = array.globalMatch(text);
        QList<int> frames;
        qsizetype consumed = 0;
        while (it.hasNext()) {
            const auto m = it.next();
            const int n = m.captured(2).toInt();
            frames << n;
            const Packet &p = original.packets[size_t(n - 1)];
            QCOMPARE(m.captured(1).toUInt(), uint(p.bytes.size()));
            QCOMPARE(m.captured(3).toUInt(), uint(p.bytes.size()));
            QString body = m.captured(4);
            body.remove(QRegularExpression(QStringLiteral("/\\*[^\\n]*\\*/")));
            const QStringList values = body.split(QLatin1Char(','), Qt::SkipEmptyParts);
            QCOMPARE(values.size(), qsizetype(p.bytes.size()));
            for (qsizetype i = 0; i < values.size(); ++i)
                QCOMPARE(values[i].trimmed().toUInt(nullptr, 16), uint(p.bytes[size_t(i)]));
            consumed += m.capturedLength();
        }
        QCOMPARE(frames, (QList<int>{3, 5}));
        QCOMPARE(consumed, text.size()); // nothing else in the file
    }

    void missingDirectoryAndNonDirectory()
    {
        const QString source = corpus("tcpdump/print-flags.pcap");
        const QString file = m_dir->filePath(QStringLiteral("plainfile"));
        QVERIFY(writeFile(file, "x"));
        const QString underFile = file + QStringLiteral("/out.pcapng");
        auto r = SessionExporter::exportFile(source, underFile, {});
        QVERIFY(!r.ok);
        QCOMPARE(r.error, underFile + QStringLiteral(": Not a directory"));
        const QString missing = m_dir->filePath(QStringLiteral("nope/out.pcapng"));
        r = SessionExporter::exportFile(source, missing, {});
        QVERIFY(!r.ok);
        QCOMPARE(r.error, missing + QStringLiteral(": No such file or directory"));
        r = SessionExporter::exportFile(source, m_dir->path(), {});
        QVERIFY(!r.ok);
        QCOMPARE(r.error, m_dir->path() + QStringLiteral(": Is a directory"));
        r = SessionExporter::exportFile(m_dir->filePath(QStringLiteral("absent.pcap")),
                                        m_dir->filePath(QStringLiteral("x.pcapng")), {});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("absent.pcap")), qPrintable(r.error));
        QCOMPARE(dirEntries(m_dir->path()), QStringList{QStringLiteral("plainfile")});
        QFile::remove(file);
    }

    void failedExportKeepsOldTarget()
    {
        // pcapng-example holds two link types: pcap cannot, and fails half-way.
        const QString target = m_dir->filePath(QStringLiteral("keep.pcap"));
        const QByteArray old = "the user's previous file";
        QVERIFY(writeFile(target, old));
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                          QFile::ReadOther);
        SessionExporter::Options o;
        o.format = Format::PcapUsec;
        const auto r =
            SessionExporter::exportFile(corpus("pcapplusplus/pcapng-example.pcapng"), target, o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.startsWith(target + QStringLiteral(": packet ")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("save as pcapng")), qPrintable(r.error));
        QCOMPARE(readFile(target), old);
        QCOMPARE(dirEntries(m_dir->path()), QStringList{QStringLiteral("keep.pcap")});

        // A successful export over it keeps its mode.
        o.format = Format::PcapNg;
        QVERIFY(SessionExporter::exportFile(corpus("tcpdump/print-flags.pcap"), target, o).ok);
        struct stat st;
        QCOMPARE(::stat(QFile::encodeName(target).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0644));
        QCOMPARE(readCapture(target).packets.size(), size_t(10));
        QFile::remove(target);
    }

    void diskFullKeepsOldTarget()
    {
        // A file size limit makes write(2) fail as a full disk does, for root too.
        QTemporaryDir sourceDir;
        const QString source = sourceDir.filePath(QStringLiteral("src.pcapng"));
        QVERIFY(makeBigCapture(source, 2000));
        for (const Format fmt : {Format::PcapNg, Format::Text}) {
            const QString target = m_dir->filePath(QStringLiteral("full.out"));
            const QByteArray old = "old contents";
            QVERIFY(writeFile(target, old));
            const ChildResult child = inChild([&] {
                std::signal(SIGXFSZ, SIG_IGN);
                struct rlimit lim
                {
                    4096, 4096
                };
                setrlimit(RLIMIT_FSIZE, &lim);
                SessionExporter::Options o;
                o.format = fmt;
                const auto r = SessionExporter::exportFile(source, target, o);
                return r.ok ? std::string("ok") : r.error.toStdString();
            });
            QCOMPARE(child.status, 0);
            QCOMPARE(QString::fromUtf8(child.text), target + QStringLiteral(": File too large"));
            QCOMPARE(readFile(target), old);
            QCOMPARE(dirEntries(m_dir->path()), QStringList{QStringLiteral("full.out")});
            QFile::remove(target);
        }
    }

    void readOnlyDirectoryKeepsOldTarget()
    {
        QTemporaryDir base;
        QVERIFY(base.isValid());
        const QString dir = base.filePath(QStringLiteral("ro"));
        QVERIFY(QDir().mkdir(dir));
        const QString source = base.filePath(QStringLiteral("src.pcap"));
        QVERIFY(QFile::copy(corpus("tcpdump/print-flags.pcap"), source));
        const QString target = dir + QStringLiteral("/old.pcapng");
        const QByteArray old = "previous export";
        QVERIFY(writeFile(target, old));
        ::chmod(QFile::encodeName(base.path()).constData(), 0755);
        ::chmod(QFile::encodeName(source).constData(), 0644);
        ::chmod(QFile::encodeName(target).constData(), 0666);
        ::chmod(QFile::encodeName(dir).constData(), 0555);

        // Root ignores directory permissions: drop to nobody in a child to see what a user sees.
        const struct passwd *nobody = getpwnam("nobody");
        if (geteuid() == 0 && !nobody)
            QSKIP("running as root without a \"nobody\" user to drop to");
        const ChildResult child = inChild([&] {
            if (geteuid() == 0 && (setgid(nobody->pw_gid) != 0 || setuid(nobody->pw_uid) != 0))
                return std::string("setuid failed");
            const auto r = SessionExporter::exportFile(source, target, {});
            return r.ok ? std::string("ok") : r.error.toStdString();
        });
        ::chmod(QFile::encodeName(dir).constData(), 0755);
        QCOMPARE(child.status, 0);
        QCOMPARE(QString::fromUtf8(child.text), target + QStringLiteral(": Permission denied"));
        QCOMPARE(readFile(target), old);
        QCOMPARE(dirEntries(dir), QStringList{QStringLiteral("old.pcapng")});
    }

    void exportOverItsSource()
    {
        const QString file = m_dir->filePath(QStringLiteral("self.pcapng"));
        QVERIFY(QFile::copy(corpus("pcapplusplus/pcapng-example.pcapng"), file));
        const Capture before = readCapture(file);
        SessionExporter::Options o;
        o.range = pl::PacketRange::parse(u"1-20");
        const auto r = SessionExporter::exportFile(file, file, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const Capture after = readCapture(file);
        QCOMPARE(after.packets.size(), size_t(20));
        QVERIFY(after.packets[19].bytes == before.packets[19].bytes);
        QFile::remove(file);
        QCOMPARE(dirEntries(m_dir->path()), QStringList());
    }

    void cancelLeavesNothing()
    {
        QTemporaryDir dir;
        const QString source = dir.filePath(QStringLiteral("big.pcapng"));
        QVERIFY(makeBigCapture(source, 200000));
        const QString target = dir.filePath(QStringLiteral("out.pcapng"));

        // Synchronous: cancelled from the first progress report.
        std::atomic<bool> stop{false};
        auto r = SessionExporter::exportFile(source, target, {}, &stop,
                                             [&](qint64, qint64) { stop = true; });
        QVERIFY(!r.ok);
        QVERIFY(r.cancelled);
        QVERIFY(r.error.isEmpty());
        QCOMPARE(dirEntries(dir.path()), QStringList{QStringLiteral("big.pcapng")});

        // In the worker thread.
        SessionExporter exporter;
        QSignalSpy finished(&exporter, &SessionExporter::finished);
        QVERIFY(exporter.start(source, target, {}));
        QVERIFY(exporter.isRunning());
        QVERIFY(!exporter.start(source, target, {}));
        exporter.cancel();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QCOMPARE(finished.first().at(1).toString(), QString());
        QVERIFY(exporter.result().cancelled);
        QVERIFY(!exporter.isRunning());
        QCOMPARE(dirEntries(dir.path()), QStringList{QStringLiteral("big.pcapng")});

        // And destroying a running exporter cancels it too.
        {
            SessionExporter doomed;
            QVERIFY(doomed.start(source, target, {}));
        }
        QCOMPARE(dirEntries(dir.path()), QStringList{QStringLiteral("big.pcapng")});
    }

    void asyncExportReportsProgress()
    {
        QTemporaryDir dir;
        const QString source = dir.filePath(QStringLiteral("big.pcapng"));
        QVERIFY(makeBigCapture(source, 50000));
        const QString target = dir.filePath(QStringLiteral("out.csv"));
        SessionExporter exporter;
        QSignalSpy finished(&exporter, &SessionExporter::finished);
        QSignalSpy progress(&exporter, &SessionExporter::progress);
        SessionExporter::Options o;
        o.format = Format::Csv;
        QVERIFY(exporter.start(source, target, o));
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QVERIFY(exporter.result().ok);
        QCOMPARE(exporter.result().packets, quint64(50000));
        QVERIFY(progress.size() >= 2);
        QCOMPARE(progress.last().at(0).toLongLong(), QFileInfo(source).size());
        QCOMPARE(readFile(target).count('\n'), 50001);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir; ///< a fresh one for each test
    QHash<QString, QStringList> m_tsharkOriginal;
};

QTEST_GUILESS_MAIN(TestSessionExporter)
#include "tst_sessionexporter.moc"
