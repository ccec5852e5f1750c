// End to end: packetlens-cli starts packetlens-capture, which captures on veth pairs inside
// network namespaces this test makes, and the packets come back over the local socket. The
// traffic never leaves those namespaces. Needs root (CI runs as root); skips otherwise.

#include "capture/netnsfixture.h"
#include "ipc/clientsession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <netinet/ip_icmp.h>
#include <thread>

using namespace pltest;

namespace {

const QString kCli = QStringLiteral(PACKETLENS_CLI);
const QString kHelper = QStringLiteral(PACKETLENS_HELPER);

/// packetlens-cli run inside namespace `ns` (`ip netns exec` execs it: the pid is the CLI's).
class LiveCli
{
public:
    LiveCli(const QString &ns, const QStringList &args, const QStringList &prefix = {},
            const QString &helper = kHelper)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PACKETLENS_HELPER"), helper);
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral("ip"),
                        QStringList{QStringLiteral("netns"), QStringLiteral("exec"), ns} + prefix +
                            QStringList{kCli} + args);
    }
    ~LiveCli()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    /// Waits for "Capturing on" (the helper's sockets are open and filtered).
    bool waitStarted(int ms = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (!m_err.contains("Capturing on") && t.elapsed() < ms) {
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
            m_err += m_process.readAllStandardError();
        }
        return m_err.contains("Capturing on");
    }
    bool finish(int ms = 30000)
    {
        const bool done = m_process.waitForFinished(ms);
        m_out += m_process.readAllStandardOutput();
        m_err += m_process.readAllStandardError();
        return done;
    }
    qint64 pid() const { return m_process.processId(); }
    /// Ctrl+C as a terminal sends it: to the whole process group (run the CLI under
    /// `setsid` so that the group is the CLI's and its helper's, not the test's).
    void interruptGroup() { ::killpg(pid_t(m_process.processId()), SIGINT); }
    int exitCode() const { return m_process.exitCode(); }
    QList<QByteArray> lines() const
    {
        QList<QByteArray> l = m_out.split('\n');
        if (!l.isEmpty() && l.last().isEmpty())
            l.removeLast();
        return l;
    }
    const QByteArray &err() const { return m_err; }

private:
    QProcess m_process;
    QByteArray m_out, m_err;
};

/// Capture namespace A with veth va 10.99.2.1 and sender namespace B with vb 10.99.2.2; a
/// second pair vc 10.99.3.1 (A) <-> vd 10.99.3.2 (B) when `second`.
struct Topology
{
    Netns netns{QStringLiteral("live")};
    QString a, b, why;

    bool make(bool second = false)
    {
        a = netns.add(&why);
        b = a.isEmpty() ? QString() : netns.add(&why);
        if (b.isEmpty())
            return false;
        auto pair = [&](const char *x, const char *y, const char *ax, const char *ay) {
            return ipIn(a,
                        QStringLiteral("link add %1 type veth peer name %2 netns %3")
                            .arg(QLatin1String(x), QLatin1String(y), b),
                        &why) &&
                   ipIn(a,
                        QStringLiteral("addr add %1/24 dev %2")
                            .arg(QLatin1String(ax), QLatin1String(x)),
                        &why) &&
                   ipIn(b,
                        QStringLiteral("addr add %1/24 dev %2")
                            .arg(QLatin1String(ay), QLatin1String(y)),
                        &why) &&
                   ipIn(a, QStringLiteral("link set %1 up").arg(QLatin1String(x)), &why) &&
                   ipIn(b, QStringLiteral("link set %1 up").arg(QLatin1String(y)), &why);
        };
        return pair("va", "vb", "10.99.2.1", "10.99.2.2") &&
               (!second || pair("vc", "vd", "10.99.3.1", "10.99.3.2"));
    }
};

struct RunResult
{
    int exitCode = -1;
    QByteArray out;
};

RunResult runProgram(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    RunResult r;
    if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit)
        r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    return r;
}

QByteArray payload(int seq)
{
    return QByteArray("packetlens seq ") + QByteArray::number(seq).rightJustified(8, '0') +
           QByteArray(40, '.');
}

/// Sends `count` numbered datagrams from B (10.99.2.2:4444 or `from`) to `to`:`port`.
bool sendDatagrams(const QString &ns, const char *from, const char *to, uint16_t port, int count)
{
    const int fd = udpSocket(ns, from, 4444);
    if (fd < 0)
        return false;
    bool ok = true;
    for (int i = 0; i < count && ok; ++i) {
        const QByteArray p = payload(i);
        ok = sendUdp(fd, to, port, p.constData(), size_t(p.size()));
    }
    ::close(fd);
    return ok;
}

QList<qint64> childrenOf(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/task/%1/children").arg(pid));
    QList<qint64> out;
    if (f.open(QIODevice::ReadOnly))
        for (const QByteArray &p : f.readAll().split(' '))
            if (!p.trimmed().isEmpty())
                out << p.trimmed().toLongLong();
    return out;
}

QByteArray statusField(qint64 pid, const char *name)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(name))
            return line.mid(int(qstrlen(name))).trimmed();
    return {};
}

} // namespace

class TestLiveCapture : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("live capture tests need root to make network namespaces (CI runs as root)");
        Topology t;
        if (!t.make())
            QSKIP(qPrintable(QStringLiteral("cannot make network namespaces here: ") + t.why));
    }

    void udpArrivesOnceInOrderWithBytesAndTimes()
    {
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        const int n = 10000;
        LiveCli cli(t.a, {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-f"),
                          QStringLiteral("udp port 5555"), QStringLiteral("-c"), QString::number(n),
                          QStringLiteral("-T"), QStringLiteral("fields"), QStringLiteral("-e"),
                          QStringLiteral("frame.time_epoch"), QStringLiteral("-e"),
                          QStringLiteral("udp.dstport"), QStringLiteral("-e"),
                          QStringLiteral("data.data")});
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, n));
        QVERIFY2(cli.finish(), cli.err().constData());
        QCOMPARE(cli.exitCode(), 0);

        const QList<QByteArray> lines = cli.lines();
        QCOMPARE(lines.size(), n);
        double last = 0;
        for (int i = 0; i < n; ++i) {
            const QList<QByteArray> f = lines[i].split('\t');
            QCOMPARE(f.size(), 3);
            const double t = f[0].toDouble();
            QVERIFY2(t >= last, lines[i].constData()); // monotonic kernel timestamps
            last = t;
            QCOMPARE(f[1], QByteArray("5555"));
            QCOMPARE(f[2], payload(i).toHex()); // each exactly once, in order, bytes intact
        }
        QVERIFY2(cli.err().contains(QByteArray::number(n) + " packets captured, 0 dropped"),
                 cli.err().constData());
    }

    void summaryLinesOfUdpIcmpAndTcp()
    {
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        LiveCli cli(t.a, {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-f"),
                          QStringLiteral("icmp or udp port 5555 or tcp port 7777"),
                          QStringLiteral("-a"), QStringLiteral("duration:3")});
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, 2));

        // ICMP echo from B; the kernel in A answers it.
        {
            NetnsScope inB(t.b);
            QVERIFY(inB.ok());
            const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
            QVERIFY(fd >= 0);
            uint8_t echo[16] = {8,   0,   0,   0,   0x12, 0x34, 0,   1,
                                'p', 'i', 'n', 'g', '!',  '!',  '!', '!'};
            uint32_t sum = 0;
            for (size_t i = 0; i < sizeof echo; i += 2)
                sum += uint32_t(echo[i] << 8 | echo[i + 1]);
            while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
            echo[2] = uint8_t(~sum >> 8);
            echo[3] = uint8_t(~sum);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            inet_pton(AF_INET, "10.99.2.1", &to.sin_addr);
            QCOMPARE(
                ::sendto(fd, echo, sizeof echo, 0, reinterpret_cast<sockaddr *>(&to), sizeof to),
                ssize_t(sizeof echo));
            ::close(fd);
        }
        // A TCP connection from B to a listener in A, carrying a few bytes.
        int listener = -1;
        {
            NetnsScope inA(t.a);
            QVERIFY(inA.ok());
            listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_port = htons(7777);
            inet_pton(AF_INET, "10.99.2.1", &sin.sin_addr);
            QCOMPARE(::bind(listener, reinterpret_cast<sockaddr *>(&sin), sizeof sin), 0);
            QCOMPARE(::listen(listener, 1), 0);
        }
        {
            NetnsScope inB(t.b);
            const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_port = htons(7777);
            inet_pton(AF_INET, "10.99.2.1", &sin.sin_addr);
            QCOMPARE(::connect(c, reinterpret_cast<sockaddr *>(&sin), sizeof sin), 0);
            const int s = ::accept(listener, nullptr, nullptr);
            QVERIFY(s >= 0);
            QCOMPARE(::write(c, "hello", 5), ssize_t(5));
            char buf[8];
            QCOMPARE(::read(s, buf, sizeof buf), ssize_t(5));
            ::close(c);
            ::close(s);
        }
        ::close(listener);
        QVERIFY2(cli.finish(), cli.err().constData());
        QCOMPARE(cli.exitCode(), 0);
        const QString out = QString::fromUtf8(cli.lines().join('\n'));
        const auto has = [&](const char *pattern) {
            return QRegularExpression(QString::fromUtf8(pattern)).match(out).hasMatch();
        };
        QVERIFY2(has(R"(10\.99\.2\.2 → 10\.99\.2\.1\s+UDP 105 4444 → 5555 Len=63)"),
                 qPrintable(out));
        QVERIFY2(
            has(R"(10\.99\.2\.2 → 10\.99\.2\.1\s+ICMP 50 Echo \(ping\) request\s+id=0x1234, seq=1/256, ttl=64)"),
            qPrintable(out));
        QVERIFY2(has(R"(10\.99\.2\.1 → 10\.99\.2\.2\s+ICMP 50 Echo \(ping\) reply)"),
                 qPrintable(out));
        QVERIFY2(has(R"(TCP 74 \d+ → 7777 \[SYN\] Seq=0 Win=\d+ Len=0 MSS=1460 SACK_PERM)"),
                 qPrintable(out));
        QVERIFY2(has(R"(TCP 74 7777 → \d+ \[SYN, ACK\] Seq=0 Ack=1)"), qPrintable(out));
        QVERIFY2(has(R"(TCP 71 \d+ → 7777 \[PSH, ACK\] Seq=1 Ack=1 Win=\d+ Len=5)"),
                 qPrintable(out));
        QVERIFY2(has(R"(\[FIN, ACK\])"), qPrintable(out));
    }

    void twoInterfacesKeepTheirIds()
    {
        Topology t;
        QVERIFY2(t.make(true), qPrintable(t.why));
        LiveCli cli(t.a, {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-i"),
                          QStringLiteral("vc"), QStringLiteral("-f"), QStringLiteral("udp"),
                          QStringLiteral("-c"), QStringLiteral("10"), QStringLiteral("-T"),
                          QStringLiteral("fields"), QStringLiteral("-e"),
                          QStringLiteral("frame.interface_id"), QStringLiteral("-e"),
                          QStringLiteral("ip.dst")});
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, 5));
        QVERIFY(sendDatagrams(t.b, "10.99.3.2", "10.99.3.1", 5555, 5));
        QVERIFY2(cli.finish(), cli.err().constData());
        int first = 0, second = 0;
        for (const QByteArray &l : cli.lines()) {
            if (l == "0\t10.99.2.1")
                ++first;
            else if (l == "1\t10.99.3.1")
                ++second;
            else
                QFAIL(l.constData());
        }
        QCOMPARE(first, 5);
        QCOMPARE(second, 5);
    }

    void helperDecodesColumnsOnlyWhenAsked()
    {
        // The application and -w keep only the bytes: their helper skips the dissection.
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        for (const bool summaries : {true, false}) {
            NetnsScope inA(t.a); // the helper inherits this thread's namespace
            QVERIFY(inA.ok());
            pl::ipc::ClientSession session;
            QList<pl::ipc::PacketRecord> got;
            bool started = false;
            connect(&session, &pl::ipc::ClientSession::started, this, [&] { started = true; });
            connect(&session, &pl::ipc::ClientSession::packets, this,
                    [&](const pl::ipc::PacketBatch &b) { got += b.packets; });
            pl::ipc::Config config;
            config.interfaces = {QStringLiteral("va")};
            config.filter = QStringLiteral("udp port 5555");
            config.summaries = summaries;
            QVERIFY2(session.start(kHelper, {}, config), qPrintable(session.errorString()));
            QTRY_VERIFY_WITH_TIMEOUT(started, 10000);
            QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, 3));
            QTRY_COMPARE_WITH_TIMEOUT(got.size(), 3, 10000);
            session.stop();
            for (const pl::ipc::PacketRecord &r : std::as_const(got)) {
                QCOMPARE(r.bytes.size(), 42 + payload(0).size());
                QCOMPARE(r.protocol, summaries ? QStringLiteral("UDP") : QString());
                QCOMPARE(r.info.isEmpty(), !summaries);
            }
        }
    }

    void filterLetsThroughOnlyMatches()
    {
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        LiveCli cli(t.a, {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-f"),
                          QStringLiteral("udp port 5555"), QStringLiteral("-c"),
                          QStringLiteral("20"), QStringLiteral("-T"), QStringLiteral("fields"),
                          QStringLiteral("-e"), QStringLiteral("udp.dstport")});
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        for (int round = 0; round < 20; ++round) { // interleaved: 6666 must never show
            QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 6666, 1));
            QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, 1));
        }
        QVERIFY2(cli.finish(), cli.err().constData());
        QCOMPARE(cli.lines(), QList<QByteArray>(20, QByteArray("5555")));
    }

    void ctrlCStopsCleanlyAndWritesPcapng()
    {
        Topology t;
        QVERIFY2(t.make(true), qPrintable(t.why));
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("live.pcapng"));
        LiveCli cli(t.a,
                    {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-i"),
                     QStringLiteral("vc"), QStringLiteral("-f"), QStringLiteral("udp"),
                     QStringLiteral("-w"), file},
                    {QStringLiteral("setsid")});
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, 30));
        QVERIFY(sendDatagrams(t.b, "10.99.3.2", "10.99.3.1", 5555, 20));
        // No wait: what the helper still holds when Ctrl+C comes must be delivered too.
        cli.interruptGroup();
        QVERIFY2(cli.finish(), cli.err().constData());
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY2(cli.err().contains("50 packets captured, 0 dropped"), cli.err().constData());
        QVERIFY(cli.lines().isEmpty()); // -w prints no packets

        // Read back by PacketLens itself: one interface block per interface, every packet.
        const RunResult back = runProgram(kCli, {QStringLiteral("-r"), file, QStringLiteral("-T"),
                                                 QStringLiteral("fields"), QStringLiteral("-e"),
                                                 QStringLiteral("frame.interface_id"),
                                                 QStringLiteral("-e"), QStringLiteral("ip.dst")});
        QCOMPARE(back.exitCode, 0);
        QCOMPARE(back.out.count("0\t10.99.2.1\n"), 30);
        QCOMPARE(back.out.count("1\t10.99.3.1\n"), 20);
        // And by tshark, where installed: same count, interface names from the IDBs.
        const QString tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
        if (!tshark.isEmpty()) {
            const RunResult ts = runProgram(
                tshark, {QStringLiteral("-r"), file, QStringLiteral("-T"), QStringLiteral("fields"),
                         QStringLiteral("-e"), QStringLiteral("frame.interface_name")});
            QCOMPARE(ts.exitCode, 0);
            QCOMPARE(ts.out.count("va\n"), 30);
            QCOMPARE(ts.out.count("vc\n"), 20);
        }
    }

    void badFilterAndBadInterfaceAreRefused()
    {
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        LiveCli bad(t.a, {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-f"),
                          QStringLiteral("udp port")});
        QVERIFY(bad.finish());
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY2(bad.err().contains("syntax error"), bad.err().constData()); // pcap's words
        QVERIFY(bad.lines().isEmpty());

        LiveCli missing(t.a, {QStringLiteral("-i"), QStringLiteral("nosuch0")});
        QVERIFY(missing.finish());
        QCOMPARE(missing.exitCode(), 2);
        QVERIFY2(missing.err().contains("nosuch0"), missing.err().constData());
    }

    void helperExitsWhenTheClientDies()
    {
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        LiveCli cli(t.a, {QStringLiteral("-i"), QStringLiteral("va")});
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        const QList<qint64> helpers = childrenOf(cli.pid());
        QCOMPARE(helpers.size(), 1);
        const qint64 helper = helpers.front();
        QVERIFY(QFile::exists(QStringLiteral("/proc/%1").arg(helper)));
        ::kill(pid_t(cli.pid()), SIGKILL);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 3000 && statusField(helper, "State:").size() &&
               !statusField(helper, "State:").startsWith('Z'))
            QTest::qWait(20);
        QVERIFY2(timer.elapsed() < 1000,
                 qPrintable(QStringLiteral("helper still alive after %1 ms").arg(timer.elapsed())));
    }

    void unprivilegedUserWithFileCapabilities()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("setcap")).isEmpty() ||
            QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            QSKIP("setcap or setpriv missing (apt-get install libcap2-bin util-linux)");
        Topology t;
        QVERIFY2(t.make(), qPrintable(t.why));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                              QFileDevice::ExeOther | QFileDevice::ReadGroup |
                                              QFileDevice::ExeGroup);
        const QString withCaps = dir.filePath(QStringLiteral("with-caps"));
        const QString withoutCaps = dir.filePath(QStringLiteral("without-caps"));
        QVERIFY(QFile::copy(kHelper, withCaps));
        QVERIFY(QFile::copy(kHelper, withoutCaps));
        QProcess setcap;
        setcap.start(QStringLiteral("setcap"),
                     {QStringLiteral("cap_net_raw,cap_net_admin=eip"), withCaps});
        setcap.waitForFinished();
        if (setcap.exitCode() != 0)
            QSKIP(qPrintable(QStringLiteral("file capabilities unsupported here: ") +
                             QString::fromLocal8Bit(setcap.readAllStandardError())));

        const QStringList asNobody = {QStringLiteral("setpriv"), QStringLiteral("--reuid=65534"),
                                      QStringLiteral("--regid=65534"),
                                      QStringLiteral("--clear-groups")};
        LiveCli cli(t.a,
                    {QStringLiteral("-i"), QStringLiteral("va"), QStringLiteral("-f"),
                     QStringLiteral("udp port 5555"), QStringLiteral("-c"), QStringLiteral("5")},
                    asNobody, withCaps);
        QVERIFY2(cli.waitStarted(), cli.err().constData());
        const QList<qint64> helpers = childrenOf(cli.pid());
        QCOMPARE(helpers.size(), 1);
        // While it captures, the helper holds no capability at all and runs as the user.
        QCOMPARE(statusField(helpers.front(), "CapEff:"), QByteArray("0000000000000000"));
        QCOMPARE(statusField(helpers.front(), "CapPrm:"), QByteArray("0000000000000000"));
        QVERIFY(statusField(helpers.front(), "Uid:").startsWith("65534"));
        QVERIFY(sendDatagrams(t.b, "10.99.2.2", "10.99.2.1", 5555, 5));
        QVERIFY2(cli.finish(), cli.err().constData());
        QCOMPARE(cli.exitCode(), 0);
        QCOMPARE(cli.lines().size(), 5);

        LiveCli denied(t.a, {QStringLiteral("-i"), QStringLiteral("va")}, asNobody, withoutCaps);
        QVERIFY(denied.finish());
        QCOMPARE(denied.exitCode(), 2);
        QVERIFY2(denied.err().contains("setcap cap_net_raw,cap_net_admin=eip"),
                 denied.err().constData());
    }
};

QTEST_GUILESS_MAIN(TestLiveCapture)
#include "tst_livecapture.moc"
