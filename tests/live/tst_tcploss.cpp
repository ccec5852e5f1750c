// TCP SEQ/ACK analysis on real loss: a TCP transfer between two network namespaces made by the
// test, over a veth whose sender side drops packets (`tc netem loss 10% delay 5ms reorder 5%`,
// or where the kernel has no netem, a `tc tbf` queue too short for the bursts: tail drops),
// captured with tcpdump on the receiver. The tcp.analysis.* fields packetlens-cli finds in
// that file must be tshark's, frame by frame. The traffic never leaves the namespaces. Needs
// root, tc, tcpdump and tshark; skips otherwise.
//
// Differences kept: none. (tests/data/tcp-loss.pcap is such a capture, checked on every run by
// tst_protocolfields with protocolfields/tcpanalysis.txt.)

#include "capture/netnsfixture.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

#include <netinet/tcp.h>

using namespace pltest;

namespace {

const QString kCli = QStringLiteral(PACKETLENS_CLI);

// Fields with a value; the FT_NONE flags are compared as the frames a filter on them finds.
const QStringList kValueFields = {
    QStringLiteral("frame.number"),
    QStringLiteral("tcp.stream"),
    QStringLiteral("tcp.completeness"),
    QStringLiteral("tcp.time_relative"),
    QStringLiteral("tcp.time_delta"),
    QStringLiteral("tcp.analysis.acks_frame"),
    QStringLiteral("tcp.analysis.ack_rtt"),
    QStringLiteral("tcp.analysis.initial_rtt"),
    QStringLiteral("tcp.analysis.bytes_in_flight"),
    QStringLiteral("tcp.analysis.push_bytes_sent"),
    QStringLiteral("tcp.analysis.rto"),
    QStringLiteral("tcp.analysis.rto_frame"),
    QStringLiteral("tcp.analysis.duplicate_ack_num"),
    QStringLiteral("tcp.analysis.duplicate_ack_frame"),
};
const QStringList kFlags = {
    QStringLiteral("tcp.analysis"),
    QStringLiteral("tcp.analysis.flags"),
    QStringLiteral("tcp.analysis.retransmission"),
    QStringLiteral("tcp.analysis.fast_retransmission"),
    QStringLiteral("tcp.analysis.spurious_retransmission"),
    QStringLiteral("tcp.analysis.out_of_order"),
    QStringLiteral("tcp.analysis.lost_segment"),
    QStringLiteral("tcp.analysis.ack_lost_segment"),
    QStringLiteral("tcp.analysis.duplicate_ack"),
    QStringLiteral("tcp.analysis.window_update"),
    QStringLiteral("tcp.analysis.window_full"),
    QStringLiteral("tcp.analysis.keep_alive"),
    QStringLiteral("tcp.analysis.keep_alive_ack"),
    QStringLiteral("tcp.analysis.zero_window"),
    QStringLiteral("tcp.analysis.zero_window_probe"),
    QStringLiteral("tcp.analysis.zero_window_probe_ack"),
    QStringLiteral("tcp.analysis.reused_ports"),
};

struct Run
{
    bool ok = false;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &args, int ms = 60000)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(ms)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

bool tcIn(const QString &ns, const QString &args, QString *why)
{
    const Run r =
        run(QStringLiteral("ip"),
            QStringList{QStringLiteral("netns"), QStringLiteral("exec"), ns, QStringLiteral("tc")} +
                args.split(QLatin1Char(' ')));
    if (!r.ok && why)
        *why = QStringLiteral("tc %1: %2").arg(args, (r.out + r.err).trimmed());
    return r.ok;
}

/// A TCP socket made inside namespace `ns`; -1 on failure.
int tcpSocket(const QString &ns)
{
    NetnsScope scope(ns);
    return scope.ok() ? ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
}

sockaddr_in address(const char *ip, uint16_t port)
{
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &sin.sin_addr);
    return sin;
}

} // namespace

class TestTcpLoss : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("the loss test needs root to make network namespaces (CI runs as root)");
        for (const char *tool : {"tc", "tcpdump", "tshark"}) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty() &&
                !QFile::exists(QStringLiteral("/usr/sbin/") + QString::fromLatin1(tool)))
                QSKIP(qPrintable(QStringLiteral("%1 is not installed").arg(QLatin1String(tool))));
        }
    }

    void analysisMatchesTshark()
    {
        Netns netns(QStringLiteral("tcploss"));
        QString why;
        const QString a = netns.add(&why), b = netns.add(&why);
        if (a.isEmpty() || b.isEmpty())
            QSKIP(qPrintable(QStringLiteral("cannot make network namespaces here: ") + why));
        const QString va = QStringLiteral("tla%1").arg(::getpid() % 100000);
        const QString vb = QStringLiteral("tlb%1").arg(::getpid() % 100000);
        QVERIFY2(ip({QStringLiteral("link"), QStringLiteral("add"), va, QStringLiteral("netns"), a,
                     QStringLiteral("type"), QStringLiteral("veth"), QStringLiteral("peer"),
                     QStringLiteral("name"), vb, QStringLiteral("netns"), b}),
                 "cannot make the veth pair");
        QVERIFY2(ipIn(a, QStringLiteral("addr add 10.78.0.1/24 dev ") + va, &why), qPrintable(why));
        QVERIFY2(ipIn(b, QStringLiteral("addr add 10.78.0.2/24 dev ") + vb, &why), qPrintable(why));
        QVERIFY2(ipIn(a, QStringLiteral("link set up dev ") + va, &why), qPrintable(why));
        QVERIFY2(ipIn(b, QStringLiteral("link set up dev ") + vb, &why), qPrintable(why));

        // Loss on the data's way (and a little on the ACKs' way back).
        QString lossWhy;
        const bool netem = tcIn(
            a, QStringLiteral("qdisc add dev %1 root netem loss 10% delay 5ms reorder 5%").arg(va),
            &lossWhy);
        if (!netem) {
            qInfo("netem unavailable (%s): dropping with a short tbf queue instead",
                  qPrintable(lossWhy));
            QVERIFY2(
                tcIn(a,
                     QStringLiteral("qdisc add dev %1 root tbf rate 10mbit burst 8kb limit 4kb")
                         .arg(va),
                     &why),
                qPrintable(why));
        }
        QVERIFY2(
            tcIn(
                b,
                QStringLiteral("qdisc add dev %1 root tbf rate 5mbit burst 4kb limit 1600").arg(vb),
                &why),
            qPrintable(why));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("loss.pcap"));
        QProcess tcpdump;
        tcpdump.start(QStringLiteral("ip"),
                      {QStringLiteral("netns"), QStringLiteral("exec"), b,
                       QStringLiteral("tcpdump"), QStringLiteral("-i"), vb, QStringLiteral("-s"),
                       QStringLiteral("96"), QStringLiteral("-U"), QStringLiteral("-w"), file,
                       QStringLiteral("tcp")});
        QByteArray tdErr;
        for (int i = 0; i < 100 && !tdErr.contains("listening on"); ++i) {
            tcpdump.waitForReadyRead(100);
            tdErr += tcpdump.readAllStandardError();
        }
        QVERIFY2(tdErr.contains("listening on"), tdErr.constData());

        // A few hundred KB from A to B; B reads everything, answers "ok" and closes.
        const int listener = tcpSocket(b);
        QVERIFY(listener >= 0);
        const int one = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in serverAddr = address("10.78.0.2", 5001);
        QVERIFY(::bind(listener, reinterpret_cast<sockaddr *>(&serverAddr), sizeof serverAddr) ==
                0);
        QVERIFY(::listen(listener, 1) == 0);
        std::atomic<size_t> received{0};
        std::thread server([&] {
            const int c = ::accept(listener, nullptr, nullptr);
            if (c < 0)
                return;
            char buffer[65536];
            for (;;) {
                const ssize_t n = ::recv(c, buffer, sizeof buffer, 0);
                if (n <= 0)
                    break;
                received += size_t(n);
            }
            [[maybe_unused]] ssize_t w = ::send(c, "ok", 2, MSG_NOSIGNAL);
            ::close(c);
        });
        const int client = tcpSocket(a);
        QVERIFY(client >= 0);
        const timeval timeout{30, 0};
        ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        const bool connected =
            ::connect(client, reinterpret_cast<sockaddr *>(&serverAddr), sizeof serverAddr) == 0;
        constexpr size_t kBytes = 300000;
        size_t sent = 0;
        if (connected) {
            const std::string data(kBytes, 'x');
            while (sent < kBytes) {
                const ssize_t n = ::send(client, data.data() + sent, kBytes - sent, MSG_NOSIGNAL);
                if (n <= 0)
                    break;
                sent += size_t(n);
            }
            ::shutdown(client, SHUT_WR);
            char reply[8];
            [[maybe_unused]] ssize_t r = ::recv(client, reply, sizeof reply, 0);
        }
        ::close(client);
        ::shutdown(listener, SHUT_RDWR); // unblocks accept() if the connect failed
        server.join();
        ::close(listener);
        QTest::qWait(500);
        tcpdump.terminate();
        QVERIFY(tcpdump.waitForFinished(10000));
        QVERIFY(connected);
        QCOMPARE(sent, kBytes);
        QCOMPARE(size_t(received), kBytes);

        // The comparison.
        QStringList fieldArgs{QStringLiteral("-r"), file,
                              QStringLiteral("-T"), QStringLiteral("fields"),
                              QStringLiteral("-E"), QStringLiteral("occurrence=a")};
        for (const QString &f : kValueFields)
            fieldArgs << QStringLiteral("-e") << f;
        const Run theirs = run(QStringLiteral("tshark"), fieldArgs);
        const Run ours = run(kCli, fieldArgs);
        QVERIFY2(theirs.ok, qPrintable(theirs.err));
        QVERIFY2(ours.ok, qPrintable(ours.err));
        const QStringList t = theirs.out.split(QLatin1Char('\n'));
        const QStringList o = ours.out.split(QLatin1Char('\n'));
        QCOMPARE(o.size(), t.size());
        QStringList differences;
        for (qsizetype i = 0; i < t.size(); ++i) {
            if (t[i] != o[i])
                differences << QStringLiteral("  tshark %1\n  ours   %2").arg(t[i], o[i]);
        }
        int flagged = 0;
        for (const QString &flag : kFlags) {
            const QStringList filterArgs{QStringLiteral("-r"), file,
                                         QStringLiteral("-Y"), flag,
                                         QStringLiteral("-T"), QStringLiteral("fields"),
                                         QStringLiteral("-e"), QStringLiteral("frame.number")};
            const Run tf = run(QStringLiteral("tshark"), filterArgs);
            const Run of = run(kCli, filterArgs);
            QVERIFY2(tf.ok && of.ok, qPrintable(tf.err + of.err));
            if (tf.out != of.out)
                differences << QStringLiteral("  %1: tshark frames %2\n  %1: ours frames   %3")
                                   .arg(flag, tf.out.simplified(), of.out.simplified());
            if (flag == QLatin1String("tcp.analysis.flags"))
                flagged = int(tf.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size());
        }
        qInfo("%s: %lld frames, %d with analysis flags", netem ? "netem" : "tbf",
              static_cast<long long>(t.size() - 1), flagged);
        if (!differences.isEmpty()) {
            // Keep the capture for a look.
            const QString kept = QDir::tempPath() + QStringLiteral("/tst_tcploss-failed.pcap");
            QFile::remove(kept);
            QFile::copy(file, kept);
            QFAIL(qPrintable(QStringLiteral("%1 differences from tshark (capture kept in %2):\n")
                                 .arg(differences.size())
                                 .arg(kept) +
                             differences.mid(0, 20).join(QLatin1Char('\n'))));
        }
        QVERIFY2(flagged > 0, "no analysis flags: the transfer saw no loss");
    }
};

QTEST_GUILESS_MAIN(TestTcpLoss)
#include "tst_tcploss.moc"
