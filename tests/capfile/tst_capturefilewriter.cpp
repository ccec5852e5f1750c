// CaptureFileWriter: pcapng with several interfaces, comments and nanosecond times (also past
// 2106), pcap in µs and ns, read back with CaptureFileReader and, where installed, checked
// with capinfos and tshark; block layout; write errors (/dev/full, bad paths, bad time
// stamps); standard output, including a non-blocking pipe that forces partial writes.

#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <functional>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using pl::CapturedPacket;
using pl::CaptureFileReader;
using pl::CaptureFileWriter;
using pl::Frame;
using pl::WriterInterface;

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint32_t kLinkEthernet = 1;
constexpr uint32_t kLinkRaw = 101;

Bytes payload(size_t n, uint8_t seed)
{
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = uint8_t(seed + i * 7);
    return b;
}

/// What a test writes and expects back.
struct Packet
{
    uint32_t interfaceId = 0;
    Bytes data;
    uint32_t wireLen = 0;
    int64_t sec = 0;
    uint32_t nsec = 0;
    std::vector<std::string> comments;
};

Frame frameOf(const Packet &p)
{
    Frame f;
    f.data = p.data.data();
    f.capLen = uint32_t(p.data.size());
    f.wireLen = p.wireLen ? p.wireLen : uint32_t(p.data.size());
    f.tsSec = p.sec;
    f.tsNsec = p.nsec;
    return f;
}

std::string path(const QTemporaryDir &dir, const char *name)
{
    return dir.filePath(QString::fromLatin1(name)).toStdString();
}

QByteArray fileBytes(const std::string &p)
{
    QFile f(QString::fromStdString(p));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

uint32_t le32(const QByteArray &b, qsizetype at)
{
    uint32_t v;
    std::memcpy(&v, b.constData() + at, 4);
    return v;
}

/// Walks a pcapng file block by block: every length a multiple of 4, every trailer equal to
/// its header, nothing left over. Returns the block types in order.
std::vector<uint32_t> pcapngBlocks(const QByteArray &b)
{
    std::vector<uint32_t> types;
    qsizetype at = 0;
    while (at < b.size()) {
        if (b.size() - at < 12) {
            qWarning("trailing %lld bytes", (long long)(b.size() - at));
            return {};
        }
        const uint32_t len = le32(b, at + 4);
        if (len % 4 || len < 12 || len > b.size() - at || le32(b, at + len - 4) != len) {
            qWarning("bad block at %lld: length %u", (long long)at, len);
            return {};
        }
        types.push_back(le32(b, at));
        at += len;
    }
    return types;
}

QString tool(const char *name)
{
    return QStandardPaths::findExecutable(QString::fromLatin1(name));
}

QString run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning() << program << args << p.readAllStandardError();
        return {};
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

/// Restores standard output when the test leaves, whatever happens.
class StdoutRedirect
{
public:
    explicit StdoutRedirect(int fd)
    {
        std::fflush(stdout);
        m_saved = ::dup(STDOUT_FILENO);
        ::dup2(fd, STDOUT_FILENO);
    }
    ~StdoutRedirect() { restore(); }
    void restore()
    {
        if (m_saved < 0)
            return;
        ::dup2(m_saved, STDOUT_FILENO);
        ::close(m_saved);
        m_saved = -1;
    }

private:
    int m_saved = -1;
};

/// A numbered packet: its first 8 bytes are `seq`; odd lengths, so blocks carry padding.
Bytes numbered(uint64_t seq)
{
    Bytes b = payload(150 + seq % 51, uint8_t(seq));
    std::memcpy(b.data(), &seq, 8);
    return b;
}

bool copyFile(const std::string &from, const std::string &to)
{
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = in >= 0 && out >= 0;
    char buf[65536];
    ssize_t n = 0;
    while (ok && (n = ::read(in, buf, sizeof buf)) > 0)
        ok = ::write(out, buf, size_t(n)) == n;
    ok = ok && n == 0;
    if (in >= 0)
        ::close(in);
    if (out >= 0)
        ok = ::close(out) == 0 && ok;
    return ok;
}

/// What a forked writer saw when its file stopped growing.
struct RollbackRun
{
    std::string result; ///< "ok", "skip: why", or what went wrong
    uint64_t packetsAtFailure = 0, bytesAtFailure = 0, sizeAtFailure = 0, attempted = 0;
    uint64_t finalPackets = 0;
    bool rolledBack = false;
    std::string error;
};

/// In a forked child (no Qt there): `setUp` makes the file at `file` unable to grow past some
/// size; numbered packets go in batches of 10, each flushed, until a flush or write fails.
/// Then `release` makes room again, the cut-back file is copied to `snapshot`, clearError()
/// lets the writer go on, the lost packets and 5 more are written, and the file is closed and
/// copied to `finalCopy` (the file may live in a mount only the child sees).
RollbackRun runRollback(const std::string &file, const std::string &snapshot,
                        const std::string &finalCopy, const std::function<std::string()> &setUp,
                        const std::function<void()> &release)
{
    int fds[2];
    RollbackRun run;
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        run.result = "pipe failed";
        return run;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        run.result = "fork failed";
        return run;
    }
    if (pid == 0) {
        ::close(fds[0]);
        RollbackRun r;
        r.result = setUp();
        if (r.result == "ok") {
            CaptureFileWriter w;
            if (!w.open(file, CaptureFileWriter::Format::PcapNg, "rollback test") ||
                w.addInterface({1, 0, "eth0", {}}) != 0 || !w.flush()) {
                r.result = "open failed: " + w.error();
            } else {
                uint64_t seq = 0;
                bool ok = true;
                while (ok && seq < 100000) {
                    for (int i = 0; i < 10 && ok; ++i, ++seq) {
                        const Bytes b = numbered(seq);
                        Frame f;
                        f.data = b.data();
                        f.capLen = f.wireLen = uint32_t(b.size());
                        f.tsSec = 1700000000 + int64_t(seq);
                        ok = w.write(f, 0);
                    }
                    ok = ok && w.flush();
                }
                r.attempted = seq;
                r.packetsAtFailure = w.packetsWritten();
                r.bytesAtFailure = w.bytesWritten();
                r.rolledBack = w.rolledBack();
                r.error = w.error();
                struct stat st;
                r.sizeAtFailure = ::stat(file.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
                release();
                if (!copyFile(file, snapshot))
                    r.result = "snapshot failed";
                else if (!w.clearError())
                    r.result = "clearError refused";
                for (uint64_t s = w.packetsWritten(); r.result == "ok" && s < seq + 5; ++s) {
                    const Bytes b = numbered(s);
                    Frame f;
                    f.data = b.data();
                    f.capLen = f.wireLen = uint32_t(b.size());
                    f.tsSec = 1700000000 + int64_t(s);
                    if (!w.write(f, 0))
                        r.result = "write after clearError failed: " + w.error();
                }
                r.finalPackets = w.packetsWritten();
                if (r.result == "ok" && !w.close())
                    r.result = "close failed: " + w.error();
                if (r.result == "ok" && !copyFile(file, finalCopy))
                    r.result = "final copy failed";
            }
        }
        const std::string line =
            r.result + "\n" + std::to_string(r.packetsAtFailure) + " " +
            std::to_string(r.bytesAtFailure) + " " + std::to_string(r.sizeAtFailure) + " " +
            std::to_string(r.attempted) + " " + std::to_string(r.finalPackets) + " " +
            std::to_string(int(r.rolledBack)) + "\n" + r.error;
        [[maybe_unused]] ssize_t n = ::write(fds[1], line.data(), line.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            text.append(buf, size_t(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        run.result = "child died";
        return run;
    }
    const size_t a = text.find('\n'), b = text.find('\n', a + 1);
    run.result = text.substr(0, a);
    int rolled = 0;
    std::sscanf(text.c_str() + a + 1, "%lu %lu %lu %lu %lu %d", &run.packetsAtFailure,
                &run.bytesAtFailure, &run.sizeAtFailure, &run.attempted, &run.finalPackets,
                &rolled);
    run.rolledBack = rolled != 0;
    run.error = b == std::string::npos ? std::string() : text.substr(b + 1);
    return run;
}

/// Reads every packet; they must be numbered 0, 1, 2, ... with their exact bytes.
QString checkNumbered(const std::string &file, uint64_t expected)
{
    CaptureFileReader r;
    if (!r.open(file))
        return QString::fromStdString(r.error());
    CapturedPacket p;
    uint64_t seq = 0;
    for (; r.next(p); ++seq) {
        const Bytes want = numbered(seq);
        if (p.frame.capLen != want.size() || std::memcmp(p.frame.data, want.data(), want.size()))
            return QStringLiteral("packet %1 is not the one written").arg(seq);
    }
    if (r.damaged())
        return QStringLiteral("damaged: ") + QString::fromStdString(r.error());
    if (seq != expected)
        return QStringLiteral("%1 packets, expected %2").arg(seq).arg(expected);
    if (pcapngBlocks(fileBytes(file)).empty())
        return QStringLiteral("not a sequence of whole blocks");
    return {};
}

} // namespace

class TestCaptureFileWriter : public QObject
{
    Q_OBJECT

private slots:
    void pcapngRoundTrip();
    void pcapRoundTrip_data();
    void pcapRoundTrip();
    void pcapngAgreesWithTshark();
    void pcapAgreesWithTshark();
    void pcapngResolutions_data();
    void pcapngResolutions();
    void manyAndLargePackets();
    void devFull();
    void devFullLargeWrite();
    void openErrors();
    void usageErrors();
    void standardOutput();
    void nonBlockingPipe();
    void rollbackAtFileSizeLimit();
    void rollbackOnFullFileSystem();

private:
    /// The pcapng file most tests look at: Ethernet and raw IP interfaces, comments, odd
    /// lengths (padding), a packet cut by snaplen, a time after 2106 and one at 0.
    std::vector<Packet> writeSample(const std::string &file, CaptureFileWriter::Format format);
    QTemporaryDir m_dir;
};

std::vector<Packet> TestCaptureFileWriter::writeSample(const std::string &file,
                                                       CaptureFileWriter::Format format)
{
    const bool ng = format == CaptureFileWriter::Format::PcapNg;
    std::vector<Packet> packets;
    packets.push_back({0, payload(60, 1), 0, 1700000000, 123456789, {"hello", "second comment"}});
    packets.push_back({ng ? 1u : 0u, payload(41, 2), 0, 1700000001, 1, {}});
    packets.push_back({0, payload(1514, 3), 1514, 1700000001, 999999999, {"caf\xc3\xa9"}});
    // Cut by interface 1's snaplen of 64 (pcap: its only interface, snaplen 64 too).
    packets.push_back({ng ? 1u : 0u, payload(100, 4), 0, 1700000002, 500, {}});
    packets.push_back({0, payload(0, 5), 77, 0, 0, {""}}); // no bytes captured, empty comment
    if (ng)                                                // pcap's seconds end in 2106
        packets.push_back({1, payload(3, 6), 0, 4500000000LL, 999999999, {"after 2106"}});

    CaptureFileWriter w;
    if (!w.open(file, format, "PacketLens test 1.0"))
        qFatal("open: %s", w.error().c_str());
    WriterInterface eth;
    eth.linkType = kLinkEthernet;
    eth.snapLen = ng ? 262144 : 64;
    eth.name = "veth-a";
    eth.description = "first test interface";
    if (w.addInterface(eth) != 0)
        qFatal("addInterface: %s", w.error().c_str());
    if (ng) {
        WriterInterface raw;
        raw.linkType = kLinkRaw;
        raw.snapLen = 64;
        raw.name = "tun0";
        if (w.addInterface(raw) != 1)
            qFatal("addInterface: %s", w.error().c_str());
    }
    for (const Packet &p : packets)
        if (!w.write(frameOf(p), p.interfaceId, p.comments))
            qFatal("write: %s", w.error().c_str());
    if (!w.close())
        qFatal("close: %s", w.error().c_str());
    if (w.packetsWritten() != packets.size())
        qFatal("packetsWritten %llu", (unsigned long long)w.packetsWritten());
    if (w.bytesWritten() != uint64_t(fileBytes(file).size()))
        qFatal("bytesWritten %llu", (unsigned long long)w.bytesWritten());

    // What a reader should see: the snaplen cut keeps the original length.
    for (Packet &p : packets) {
        if (p.wireLen == 0)
            p.wireLen = uint32_t(p.data.size());
        if (p.data.size() > 64 && (!ng ? true : p.interfaceId == 1))
            p.data.resize(64);
        if (!ng)
            p.comments.clear();
    }
    return packets;
}

void TestCaptureFileWriter::pcapngRoundTrip()
{
    const std::string file = path(m_dir, "roundtrip.pcapng");
    const std::vector<Packet> expected = writeSample(file, CaptureFileWriter::Format::PcapNg);

    const std::vector<uint32_t> blocks = pcapngBlocks(fileBytes(file));
    const std::vector<uint32_t> want = {0x0A0D0D0A, 1, 1, 6, 6, 6, 6, 6, 6};
    QCOMPARE(blocks, want);

    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    QCOMPARE(r.format(), CaptureFileReader::Format::PcapNg);
    QCOMPARE(r.interfaces().size(), size_t(2));
    QCOMPARE(r.interfaces()[0].linkType, kLinkEthernet);
    QCOMPARE(r.interfaces()[0].snapLen, 262144u);
    QCOMPARE(r.interfaces()[0].name, std::string("veth-a"));
    QCOMPARE(r.interfaces()[0].description, std::string("first test interface"));
    QCOMPARE(r.interfaces()[0].tsUnitsPerSecond, uint64_t(1000000000));
    QCOMPARE(r.interfaces()[1].linkType, kLinkRaw);
    QCOMPARE(r.interfaces()[1].snapLen, 64u);
    QCOMPARE(r.interfaces()[1].name, std::string("tun0"));
    QCOMPARE(r.interfaces()[1].description, std::string());
    const std::string shb = r.sectionDescription();
    QVERIFY2(shb.find("OS: Linux ") != std::string::npos, shb.c_str());
    QVERIFY2(shb.find("Application: PacketLens test 1.0") != std::string::npos, shb.c_str());

    CapturedPacket p;
    for (size_t i = 0; i < expected.size(); ++i) {
        const Packet &e = expected[i];
        QVERIFY2(r.next(p), r.error().c_str());
        QCOMPARE(p.frame.number, uint64_t(i + 1));
        QCOMPARE(p.frame.interfaceId, e.interfaceId);
        QCOMPARE(p.frame.linkType, e.interfaceId ? kLinkRaw : kLinkEthernet);
        QCOMPARE(p.frame.capLen, uint32_t(e.data.size()));
        QCOMPARE(p.frame.wireLen, e.wireLen);
        QCOMPARE(Bytes(p.frame.data, p.frame.data + p.frame.capLen), e.data);
        QCOMPARE(p.frame.tsSec, e.sec);
        QCOMPARE(p.frame.tsNsec, e.nsec);
        QCOMPARE(p.comments, e.comments);
    }
    QVERIFY(!r.next(p));
    QVERIFY2(!r.damaged(), r.error().c_str());
}

void TestCaptureFileWriter::pcapRoundTrip_data()
{
    QTest::addColumn<bool>("nsec");
    QTest::newRow("microseconds") << false;
    QTest::newRow("nanoseconds") << true;
}

void TestCaptureFileWriter::pcapRoundTrip()
{
    QFETCH(bool, nsec);
    const std::string file = path(m_dir, nsec ? "roundtrip-ns.pcap" : "roundtrip-us.pcap");
    const auto format =
        nsec ? CaptureFileWriter::Format::PcapNsec : CaptureFileWriter::Format::PcapUsec;
    const std::vector<Packet> expected = writeSample(file, format);

    const QByteArray b = fileBytes(file);
    QVERIFY(b.size() >= 24);
    QCOMPARE(le32(b, 0), nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
    QCOMPARE(le32(b, 16), 64u); // snaplen
    QCOMPARE(le32(b, 20), kLinkEthernet);

    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    QCOMPARE(r.format(), CaptureFileReader::Format::Pcap);
    QCOMPARE(r.interfaces().size(), size_t(1));
    QCOMPARE(r.interfaces()[0].linkType, kLinkEthernet);
    QCOMPARE(r.interfaces()[0].tsUnitsPerSecond, uint64_t(nsec ? 1000000000 : 1000000));
    CapturedPacket p;
    for (const Packet &e : expected) {
        QVERIFY2(r.next(p), r.error().c_str());
        QCOMPARE(p.frame.interfaceId, 0u);
        QCOMPARE(p.frame.capLen, uint32_t(e.data.size()));
        QCOMPARE(p.frame.wireLen, e.wireLen);
        QCOMPARE(Bytes(p.frame.data, p.frame.data + p.frame.capLen), e.data);
        QCOMPARE(p.frame.tsSec, e.sec);
        // Microseconds round down: 123456789 ns is 123456 µs.
        QCOMPARE(p.frame.tsNsec, nsec ? e.nsec : e.nsec / 1000 * 1000);
        QVERIFY(p.comments.empty());
    }
    QVERIFY(!r.next(p));
    QVERIFY2(!r.damaged(), r.error().c_str());
}

void TestCaptureFileWriter::pcapngAgreesWithTshark()
{
    const QString tshark = tool("tshark"), capinfos = tool("capinfos");
    if (tshark.isEmpty() || capinfos.isEmpty())
        QSKIP("tshark or capinfos is not installed");
    const std::string file = path(m_dir, "tshark.pcapng");
    const std::vector<Packet> expected = writeSample(file, CaptureFileWriter::Format::PcapNg);
    const QString qfile = QString::fromStdString(file);

    const QString count = run(capinfos, {QStringLiteral("-c"), QStringLiteral("-M"), qfile});
    QVERIFY2(count.contains(QStringLiteral("Number of packets:   %1").arg(expected.size())),
             qPrintable(count));

    const QString fields = run(
        tshark, {QStringLiteral("-r"), qfile, QStringLiteral("-T"), QStringLiteral("fields"),
                 QStringLiteral("-e"), QStringLiteral("frame.time_epoch"), QStringLiteral("-e"),
                 QStringLiteral("frame.len"), QStringLiteral("-e"), QStringLiteral("frame.cap_len"),
                 QStringLiteral("-e"), QStringLiteral("frame.interface_id"), QStringLiteral("-e"),
                 QStringLiteral("frame.interface_name"), QStringLiteral("-e"),
                 QStringLiteral("frame.comment")});
    const QStringList lines = fields.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), qsizetype(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
        const Packet &e = expected[i];
        const QString time =
            QStringLiteral("%1.%2").arg(e.sec).arg(e.nsec, 9, 10, QLatin1Char('0'));
        QStringList comments;
        for (const std::string &c : e.comments)
            comments << QString::fromStdString(c);
        const QString want =
            QStringList{time,
                        QString::number(e.wireLen),
                        QString::number(e.data.size()),
                        QString::number(e.interfaceId),
                        e.interfaceId ? QStringLiteral("tun0") : QStringLiteral("veth-a"),
                        comments.join(QLatin1Char(','))}
                .join(QLatin1Char('\t'));
        QCOMPARE(lines[qsizetype(i)], want);
    }
}

void TestCaptureFileWriter::pcapAgreesWithTshark()
{
    const QString tshark = tool("tshark"), capinfos = tool("capinfos");
    if (tshark.isEmpty() || capinfos.isEmpty())
        QSKIP("tshark or capinfos is not installed");
    for (bool nsec : {false, true}) {
        const std::string file = path(m_dir, nsec ? "tshark-ns.pcap" : "tshark-us.pcap");
        const std::vector<Packet> expected = writeSample(
            file, nsec ? CaptureFileWriter::Format::PcapNsec : CaptureFileWriter::Format::PcapUsec);
        const QString qfile = QString::fromStdString(file);
        const QString info = run(
            capinfos, {QStringLiteral("-c"), QStringLiteral("-t"), QStringLiteral("-M"), qfile});
        QVERIFY2(info.contains(QStringLiteral("Number of packets:   %1").arg(expected.size())),
                 qPrintable(info));
        QVERIFY2(info.contains(nsec ? QStringLiteral("File type:           nsecpcap\n")
                                    : QStringLiteral("File type:           pcap\n")),
                 qPrintable(info));
        const QString fields = run(tshark, {QStringLiteral("-r"), qfile, QStringLiteral("-T"),
                                            QStringLiteral("fields"), QStringLiteral("-e"),
                                            QStringLiteral("frame.time_epoch"),
                                            QStringLiteral("-e"), QStringLiteral("frame.len"),
                                            QStringLiteral("-e"), QStringLiteral("frame.cap_len")});
        const QStringList lines = fields.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), qsizetype(expected.size()));
        for (size_t i = 0; i < expected.size(); ++i) {
            const Packet &e = expected[i];
            const uint32_t ns = nsec ? e.nsec : e.nsec / 1000 * 1000;
            const QString want = QStringLiteral("%1.%2\t%3\t%4")
                                     .arg(e.sec)
                                     .arg(ns, 9, 10, QLatin1Char('0'))
                                     .arg(e.wireLen)
                                     .arg(e.data.size());
            QCOMPARE(lines[qsizetype(i)], want);
        }
    }
}

__extension__ typedef unsigned __int128 U128;

void TestCaptureFileWriter::pcapngResolutions_data()
{
    QTest::addColumn<quint64>("units");
    QTest::addColumn<int>("tsresol"); // the option's byte; -1: no option (pcapng's 10^-6)
    QTest::addColumn<bool>("withTshark");
    QTest::newRow("microseconds") << quint64(1000000) << -1 << true;
    QTest::newRow("nanoseconds") << quint64(1000000000) << 9 << true;
    QTest::newRow("milliseconds") << quint64(1000) << 3 << true;
    QTest::newRow("picoseconds") << quint64(1000000000000) << 12 << false;
    // 2^-20 s does not divide into whole ns: the reader rounds down to ns, the writer must
    // find the original count again.
    QTest::newRow("2^-20") << (quint64(1) << 20) << (0x80 | 20) << false;
}

void TestCaptureFileWriter::pcapngResolutions()
{
    QFETCH(quint64, units);
    QFETCH(int, tsresol);
    QFETCH(bool, withTshark);
    const std::string file = path(m_dir, "resolution.pcapng");

    // The last unit count 64 bits hold, as whole seconds and ns (rounded down, as read).
    const uint64_t maxUnits = ~uint64_t(0);
    const int64_t lastSec = int64_t(maxUnits / units);
    const uint32_t lastNsec = uint32_t(U128(maxUnits % units) * 1000000000u / units);

    struct Time
    {
        int64_t sec;
        uint32_t nsec;
        int64_t wantSec;
        uint32_t wantNsec;
    };
    // What a unit count reads back as (the reader's rule: rounded down to ns).
    auto read = [&](uint64_t count) {
        return Time{int64_t(count / units), uint32_t(U128(count % units) * 1000000000u / units), 0,
                    0};
    };
    std::vector<Time> times;
    const uint64_t u = units;
    for (uint64_t count :
         {uint64_t(0), uint64_t(1), u * 1700000000 + u / 3, maxUnits - 1, maxUnits}) {
        const Time t = read(count);
        times.push_back({t.sec, t.nsec, t.sec, t.nsec}); // exact in these units: unchanged
    }
    // Finer than the unit: rounded down to it (1.0000005 s in µs is 1.000000 s).
    if (units <= 1000000000 && 1000000000 % units == 0) {
        const uint32_t step = uint32_t(1000000000 / units);
        if (step > 1)
            times.push_back({1700000001, step + step / 2, 1700000001, step});
    }
    QCOMPARE(times[4].sec, lastSec);
    QCOMPARE(times[4].nsec, lastNsec);

    CaptureFileWriter w;
    QVERIFY2(w.open(file, CaptureFileWriter::Format::PcapNg, "PacketLens"), w.error().c_str());
    WriterInterface ifc;
    ifc.name = "res0";
    ifc.tsUnitsPerSecond = units;
    QVERIFY2(w.addInterface(ifc) == 0, w.error().c_str());
    QCOMPARE(w.interfaces()[0].tsUnitsPerSecond, uint64_t(units));
    const Bytes data = payload(20, 7);
    for (const Time &t : times) {
        Packet p{0, data, 0, t.sec, t.nsec, {}};
        QVERIFY2(w.write(frameOf(p), 0), w.error().c_str());
    }
    // One unit past 64 bits fails, names the resolution and writes nothing.
    Packet late{0, data, 0, lastSec + 1, 0, {}};
    QVERIFY(!w.write(frameOf(late), 0));
    QVERIFY2(w.error().find("past what 64 bits of " + std::to_string(units)) != std::string::npos,
             w.error().c_str());
    QVERIFY(!w.hasIoError());
    QVERIFY2(w.close(), w.error().c_str());

    // The IDB (right after the SHB): if_tsresol only when it is not pcapng's default.
    const QByteArray b = fileBytes(file);
    const qsizetype idb = qsizetype(le32(b, 4));
    QCOMPARE(le32(b, idb), 1u);
    const qsizetype idbEnd = idb + qsizetype(le32(b, idb + 4)) - 4;
    int found = -1;
    for (qsizetype at = idb + 16; at + 4 <= idbEnd;) {
        const uint16_t code = uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8);
        const uint16_t len = uint16_t(uint8_t(b[at + 2]) | uint8_t(b[at + 3]) << 8);
        if (code == 0)
            break;
        if (code == 9) {
            QCOMPARE(len, uint16_t(1));
            found = uint8_t(b[at + 4]);
        }
        at += 4 + ((len + 3) & ~3);
    }
    QCOMPARE(found, tsresol);

    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    QCOMPARE(r.interfaces().size(), size_t(1));
    QCOMPARE(r.interfaces()[0].tsUnitsPerSecond, uint64_t(units));
    CapturedPacket p;
    for (const Time &t : times) {
        QVERIFY2(r.next(p), r.error().c_str());
        QCOMPARE(p.frame.tsSec, t.wantSec);
        QCOMPARE(p.frame.tsNsec, t.wantNsec);
    }
    QVERIFY(!r.next(p));
    QVERIFY2(!r.damaged(), r.error().c_str());

    const QString tshark = tool("tshark");
    if (!withTshark || tshark.isEmpty())
        return;
    const QString fields = run(tshark, {QStringLiteral("-r"), QString::fromStdString(file),
                                        QStringLiteral("-T"), QStringLiteral("fields"),
                                        QStringLiteral("-e"), QStringLiteral("frame.time_epoch")});
    const QStringList lines = fields.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), qsizetype(times.size()));
    for (size_t i = 0; i < times.size(); ++i)
        QCOMPARE(lines[qsizetype(i)], QStringLiteral("%1.%2")
                                          .arg(times[i].wantSec)
                                          .arg(times[i].wantNsec, 9, 10, QLatin1Char('0')));
}

void TestCaptureFileWriter::manyAndLargePackets()
{
    // Crosses the write buffer many times, and writes packets bigger than the buffer itself.
    const std::string file = path(m_dir, "many.pcapng");
    CaptureFileWriter w;
    QVERIFY2(w.open(file, CaptureFileWriter::Format::PcapNg, "PacketLens"), w.error().c_str());
    WriterInterface ifc;
    ifc.snapLen = 0; // no limit
    QCOMPARE(w.addInterface(ifc), 0);
    std::vector<Bytes> sent;
    for (int i = 0; i < 5000; ++i) {
        const size_t len = i % 1000 == 999 ? (size_t(3) << 20) + size_t(i % 7) : size_t(i % 1517);
        sent.push_back(payload(len, uint8_t(i)));
        Frame f;
        f.data = sent.back().data();
        f.capLen = f.wireLen = uint32_t(len);
        f.tsSec = 1700000000 + i;
        f.tsNsec = uint32_t(i);
        QVERIFY2(w.write(f, 0, i % 3 ? std::vector<std::string>{} : std::vector<std::string>{"c"}),
                 w.error().c_str());
    }
    QVERIFY2(w.close(), w.error().c_str());
    QCOMPARE(w.bytesWritten(), uint64_t(QFileInfo(QString::fromStdString(file)).size()));

    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    CapturedPacket p;
    for (size_t i = 0; i < sent.size(); ++i) {
        QVERIFY2(r.next(p), r.error().c_str());
        QCOMPARE(p.frame.capLen, uint32_t(sent[i].size()));
        QVERIFY(std::equal(sent[i].begin(), sent[i].end(), p.frame.data));
        QCOMPARE(p.frame.tsSec, int64_t(1700000000 + i));
        QCOMPARE(p.frame.tsNsec, uint32_t(i));
        QCOMPARE(p.comments.size(), size_t(i % 3 ? 0 : 1));
    }
    QVERIFY(!r.next(p));
    QVERIFY(!r.damaged());
}

void TestCaptureFileWriter::devFull()
{
    if (::access("/dev/full", W_OK) != 0)
        QSKIP("/dev/full is not writable here");
    const std::string full = "/dev/full: No space left on device";
    {
        // pcapng flushes its section header at open: the failure shows before any capture.
        CaptureFileWriter w;
        QVERIFY(!w.open("/dev/full", CaptureFileWriter::Format::PcapNg, "PacketLens"));
        QCOMPARE(w.error(), full);
        QVERIFY(!w.isOpen());
        QVERIFY(!w.close());
        QCOMPARE(w.error(), full);
    }
    for (auto format : {CaptureFileWriter::Format::PcapUsec, CaptureFileWriter::Format::PcapNsec}) {
        CaptureFileWriter w;
        // Buffered: the header and the first packets are accepted; flush must then tell.
        QVERIFY2(w.open("/dev/full", format, "PacketLens"), w.error().c_str());
        QCOMPARE(w.addInterface(WriterInterface()), 0);
        const Bytes data = payload(100, 1);
        Frame f;
        f.data = data.data();
        f.capLen = f.wireLen = 100;
        QVERIFY(w.write(f, 0));
        QVERIFY(!w.flush());
        QCOMPARE(w.error(), full);
        // Sticky: nothing more is accepted, and close() reports it too.
        QVERIFY(!w.write(f, 0));
        QVERIFY(!w.sync());
        QVERIFY(!w.flush());
        QVERIFY(!w.close());
        QCOMPARE(w.error(), full);
    }
    {
        CaptureFileWriter w; // close() alone must report it as well
        QVERIFY(w.open("/dev/full", CaptureFileWriter::Format::PcapUsec, "PacketLens"));
        QCOMPARE(w.addInterface(WriterInterface()), 0);
        QVERIFY(!w.close());
        QCOMPARE(w.error(), full);
    }
}

void TestCaptureFileWriter::devFullLargeWrite()
{
    if (::access("/dev/full", W_OK) != 0)
        QSKIP("/dev/full is not writable here");
    // Once the buffer fills, write() itself fails: a capture loop sees it without flushing.
    CaptureFileWriter w;
    QVERIFY(w.open("/dev/full", CaptureFileWriter::Format::PcapNsec, "PacketLens"));
    QCOMPARE(w.addInterface(WriterInterface()), 0);
    const Bytes data = payload(1500, 1);
    Frame f;
    f.data = data.data();
    f.capLen = f.wireLen = 1500;
    int accepted = 0;
    while (w.write(f, 0) && accepted < 10000)
        ++accepted;
    QVERIFY(accepted < 1000);
    QCOMPARE(w.error(), std::string("/dev/full: No space left on device"));
    QVERIFY(!w.close());
}

void TestCaptureFileWriter::openErrors()
{
    CaptureFileWriter w;
    const std::string missing = path(m_dir, "no/such/dir/x.pcapng");
    QVERIFY(!w.open(missing, CaptureFileWriter::Format::PcapNg, "PacketLens"));
    QCOMPARE(w.error(), missing + ": No such file or directory");
    QVERIFY(!w.isOpen());
    const std::string dir = m_dir.path().toStdString();
    QVERIFY(!w.open(dir, CaptureFileWriter::Format::PcapNg, "PacketLens"));
    QCOMPARE(w.error(), dir + ": Is a directory");

    // Created private (captures hold other people's traffic), truncated when it exists.
    const std::string file = path(m_dir, "truncate.pcap");
    {
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(5000, 'x'));
    }
    QVERIFY(w.open(file, CaptureFileWriter::Format::PcapUsec, "PacketLens"));
    QVERIFY(w.close());
    QCOMPARE(QFileInfo(QString::fromStdString(file)).size(), 0);
    const std::string fresh = path(m_dir, "fresh.pcapng");
    QVERIFY(w.open(fresh, CaptureFileWriter::Format::PcapNg, "PacketLens"));
    QVERIFY(w.close());
    QCOMPARE(QFileInfo(QString::fromStdString(fresh)).permissions() & 0x0077, 0);
}

void TestCaptureFileWriter::usageErrors()
{
    const std::string file = path(m_dir, "usage.pcap");
    CaptureFileWriter w;
    const Bytes data = payload(20, 1);
    Frame f;
    f.data = data.data();
    f.capLen = f.wireLen = 20;
    QVERIFY(!w.write(f, 0)); // not open
    QVERIFY(w.open(file, CaptureFileWriter::Format::PcapUsec, "PacketLens"));
    QVERIFY(!w.write(f, 0)); // no interface yet
    QCOMPARE(w.error(), file + ": packet for interface 0, but 0 interface(s) added");
    WriterInterface eth;
    QCOMPARE(w.addInterface(eth), 0);
    QCOMPARE(w.addInterface(eth), 0); // same link type: the same interface
    WriterInterface raw;
    raw.linkType = kLinkRaw;
    QCOMPARE(w.addInterface(raw), -1);
    QVERIFY2(w.error().find("pcap files hold one link type only") != std::string::npos,
             w.error().c_str());
    QVERIFY(!w.write(f, 1));

    // Time stamps pcap cannot hold fail that packet only.
    f.tsSec = -1;
    QVERIFY(!w.write(f, 0));
    QVERIFY2(w.error().find("before 1970") != std::string::npos, w.error().c_str());
    f.tsSec = 0x100000000LL;
    QVERIFY(!w.write(f, 0));
    QVERIFY2(w.error().find("2106") != std::string::npos, w.error().c_str());
    f.tsSec = 0xFFFFFFFFLL; // the last second pcap holds
    f.tsNsec = 999999999;
    QVERIFY2(w.write(f, 0), w.error().c_str());
    f.tsSec = 10;
    f.tsNsec = 2500000000u; // more than a second of nanoseconds: carried
    QVERIFY2(w.write(f, 0), w.error().c_str());
    QCOMPARE(w.packetsWritten(), uint64_t(2));
    QVERIFY2(w.close(), w.error().c_str()); // packet refusals are not I/O errors

    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    CapturedPacket p;
    QVERIFY(r.next(p));
    QCOMPARE(p.frame.tsSec, int64_t(0xFFFFFFFFLL));
    QCOMPARE(p.frame.tsNsec, 999999000u);
    QVERIFY(r.next(p));
    QCOMPARE(p.frame.tsSec, int64_t(12));
    QCOMPARE(p.frame.tsNsec, 500000000u);
    QVERIFY(!r.next(p));

    // pcapng: 64 bits of nanoseconds reach 2554, not further; link types are 16 bits.
    const std::string ng = path(m_dir, "usage.pcapng");
    QVERIFY(w.open(ng, CaptureFileWriter::Format::PcapNg, "PacketLens"));
    WriterInterface big;
    big.linkType = 0x10000;
    QCOMPARE(w.addInterface(big), -1);
    QCOMPARE(w.addInterface(eth), 0);
    f.tsSec = 18446744073LL; // 2554-07-21
    f.tsNsec = 709551615;
    QVERIFY2(w.write(f, 0), w.error().c_str());
    f.tsNsec = 709551616;
    QVERIFY(!w.write(f, 0));
    QVERIFY2(w.error().find("2554") != std::string::npos, w.error().c_str());
    QVERIFY(!w.write(f, 1));
    // Time resolutions the reader could not read back: neither a power of 10 nor of 2.
    for (uint64_t units : {uint64_t(0), uint64_t(3), uint64_t(1000) * 1024}) {
        WriterInterface odd = eth;
        odd.tsUnitsPerSecond = units;
        QCOMPARE(w.addInterface(odd), -1);
        QVERIFY2(w.error().find("neither a power of 10 nor a power of 2") != std::string::npos,
                 w.error().c_str());
    }
    QCOMPARE(w.interfaces().size(), size_t(1));
    QVERIFY(w.close());
    QVERIFY(r.open(ng));
    QVERIFY(r.next(p));
    QCOMPARE(p.frame.tsSec, int64_t(18446744073LL));
    QCOMPARE(p.frame.tsNsec, 709551615u);
    QVERIFY(!r.next(p));
    QVERIFY(!r.damaged());
}

void TestCaptureFileWriter::standardOutput()
{
    const std::string file = path(m_dir, "stdout.pcapng");
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    QVERIFY(fd >= 0);
    const Bytes data = payload(33, 9);
    // No QVERIFY while redirected: Qt Test reports on standard output.
    bool ok = false, stillOpen = false;
    std::string error;
    {
        StdoutRedirect redirect(fd);
        CaptureFileWriter w;
        Frame f;
        f.data = data.data();
        f.capLen = f.wireLen = 33;
        f.tsSec = 1;
        ok = w.open("-", CaptureFileWriter::Format::PcapNg, "PacketLens") &&
             w.addInterface(WriterInterface()) == 0 && w.write(f, 0, {"via stdout"}) && w.close();
        error = w.error();
        // close() flushed standard output but left it open.
        stillOpen = ::fcntl(STDOUT_FILENO, F_GETFD) != -1;
    }
    QVERIFY2(ok, error.c_str());
    QVERIFY(stillOpen);
    ::close(fd);
    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    CapturedPacket p;
    QVERIFY(r.next(p));
    QCOMPARE(Bytes(p.frame.data, p.frame.data + p.frame.capLen), data);
    QCOMPARE(p.comments, std::vector<std::string>{"via stdout"});
    QVERIFY(!r.next(p));
}

void TestCaptureFileWriter::nonBlockingPipe()
{
    // A non-blocking pipe with a slow reader: write(2) returns EAGAIN and short counts, and
    // still every byte must arrive, in order.
    int fds[2];
    QVERIFY(::pipe2(fds, O_CLOEXEC) == 0);
    QVERIFY(::fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
    QByteArray received;
    std::thread reader([&] {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n <= 0)
                break;
            received.append(buf, n);
            if (received.size() % 8 == 0)
                ::usleep(50);
        }
    });
    std::vector<Bytes> sent;
    bool ok = true;
    std::string error;
    {
        StdoutRedirect redirect(fds[1]);
        ::close(fds[1]);
        CaptureFileWriter w;
        ok = w.open("-", CaptureFileWriter::Format::PcapNsec, "PacketLens");
        ok = ok && w.addInterface(WriterInterface()) == 0;
        for (int i = 0; ok && i < 3000; ++i) {
            sent.push_back(payload(size_t(i % 1500), uint8_t(i)));
            Frame f;
            f.data = sent.back().data();
            f.capLen = f.wireLen = uint32_t(sent.back().size());
            f.tsSec = i;
            ok = w.write(f, 0);
        }
        ok = ok && w.close();
        error = w.error();
        redirect.restore(); // the last write end closes: the reader sees the end
    }
    reader.join();
    ::close(fds[0]);
    QVERIFY2(ok, error.c_str());

    const std::string file = path(m_dir, "pipe.pcap");
    {
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(received);
    }
    CaptureFileReader r;
    QVERIFY2(r.open(file), r.error().c_str());
    CapturedPacket p;
    for (size_t i = 0; i < sent.size(); ++i) {
        QVERIFY2(r.next(p), r.error().c_str());
        QCOMPARE(Bytes(p.frame.data, p.frame.data + p.frame.capLen), sent[i]);
        QCOMPARE(p.frame.tsSec, int64_t(i));
    }
    QVERIFY(!r.next(p));
    QVERIFY(!r.damaged());
}

void TestCaptureFileWriter::rollbackAtFileSizeLimit()
{
    // RLIMIT_FSIZE stops the file at a size that is no block boundary: write(2) first writes
    // part of a block, then fails with EFBIG. Root is bound by it too.
    const std::string file = path(m_dir, "fsize.pcapng");
    const std::string snapshot = path(m_dir, "fsize-snapshot.pcapng");
    const std::string final = path(m_dir, "fsize-final.pcapng");
    constexpr rlim_t kLimit = 40000 + 123;
    const RollbackRun run = runRollback(
        file, snapshot, final,
        [] {
            std::signal(SIGXFSZ, SIG_IGN); // EFBIG rather than death
            struct rlimit rl;
            ::getrlimit(RLIMIT_FSIZE, &rl);
            rl.rlim_cur = kLimit;
            return ::setrlimit(RLIMIT_FSIZE, &rl) == 0 ? std::string("ok")
                                                       : std::string("setrlimit failed");
        },
        [] {
            struct rlimit rl;
            ::getrlimit(RLIMIT_FSIZE, &rl);
            rl.rlim_cur = rl.rlim_max;
            ::setrlimit(RLIMIT_FSIZE, &rl);
        });
    QCOMPARE(QString::fromStdString(run.result), QStringLiteral("ok"));
    QCOMPARE(QString::fromStdString(run.error), QString::fromStdString(file + ": File too large"));
    QVERIFY(run.rolledBack);
    // The failure came mid-batch: some packets of it are on disk, the cut one is not.
    QVERIFY(run.packetsAtFailure > 0 && run.packetsAtFailure < run.attempted);
    QVERIFY(run.bytesAtFailure <= kLimit && run.bytesAtFailure > kLimit - 300);
    QCOMPARE(run.sizeAtFailure, run.bytesAtFailure);
    const QString cut = checkNumbered(snapshot, run.packetsAtFailure);
    QVERIFY2(cut.isEmpty(), qPrintable(cut));
    QCOMPARE(uint64_t(QFileInfo(QString::fromStdString(snapshot)).size()), run.bytesAtFailure);
    // After clearError() the lost packets were written again: nothing is missing or doubled.
    QCOMPARE(run.finalPackets, run.attempted + 5);
    const QString whole = checkNumbered(final, run.finalPackets);
    QVERIFY2(whole.isEmpty(), qPrintable(whole));
}

void TestCaptureFileWriter::rollbackOnFullFileSystem()
{
    // A real ENOSPC: a 64 KiB tmpfs in a mount namespace of the child's own.
    if (::geteuid() != 0)
        QSKIP("mounting a tmpfs needs root (CI runs as root)");
    const std::string mount = path(m_dir, "tiny");
    QVERIFY(QDir().mkpath(QString::fromStdString(mount)));
    const std::string file = mount + "/spool.pcapng", ballast = mount + "/ballast";
    const std::string snapshot = path(m_dir, "full-snapshot.pcapng");
    const std::string final = path(m_dir, "full-final.pcapng");
    const RollbackRun run = runRollback(
        file, snapshot, final,
        [&]() -> std::string {
            if (::unshare(CLONE_NEWNS) != 0)
                return std::string("skip: unshare: ") + std::strerror(errno);
            if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                ::mount("tmpfs", mount.c_str(), "tmpfs", 0, "size=64k,mode=0700") != 0)
                return std::string("skip: mount: ") + std::strerror(errno);
            const int fd = ::open(ballast.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
            const Bytes junk(16384, 0xAA);
            const bool ok = fd >= 0 && ::write(fd, junk.data(), junk.size()) == 16384;
            if (fd >= 0)
                ::close(fd);
            return ok ? std::string("ok") : std::string("ballast failed");
        },
        [&] { ::unlink(ballast.c_str()); });
    if (run.result.rfind("skip: ", 0) == 0)
        QSKIP(run.result.c_str());
    QCOMPARE(QString::fromStdString(run.result), QStringLiteral("ok"));
    QCOMPARE(QString::fromStdString(run.error),
             QString::fromStdString(file + ": No space left on device"));
    QVERIFY(run.rolledBack);
    QVERIFY(run.packetsAtFailure > 0 && run.packetsAtFailure < run.attempted);
    QCOMPARE(run.sizeAtFailure, run.bytesAtFailure);
    const QString cut = checkNumbered(snapshot, run.packetsAtFailure);
    QVERIFY2(cut.isEmpty(), qPrintable(cut));
    QCOMPARE(run.finalPackets, run.attempted + 5);
    const QString whole = checkNumbered(final, run.finalPackets);
    QVERIFY2(whole.isEmpty(), qPrintable(whole));
}

QTEST_GUILESS_MAIN(TestCaptureFileWriter)
#include "tst_capturefilewriter.moc"
