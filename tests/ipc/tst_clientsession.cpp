// ClientSession against a fake helper: this same binary re-executed with --fake-helper MODE
// (the helper side uses HelperConnection without any event loop, like the real helper).

#include "ipc/clientsession.h"
#include "ipc/helperconnection.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <cerrno>
#include <csignal>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace pl::ipc;

namespace {

const char kNoCapHint[] =
    "packetlens-capture: CAP_NET_RAW is missing.\n"
    "Fix: sudo setcap cap_net_raw,cap_net_admin=eip /usr/libexec/packetlens-capture\n";

// Exit codes of the fake helper, so the tests can tell how it ended.
enum FakeExit {
    StoppedCleanly = 0,
    SawClose = 3,
    SawCloseAfterGarbage = 4,
    NotClosed = 5,
    Failed = 10
};

Config interfacesConfig(const QString &name)
{
    Config c;
    c.interfaces << name;
    return c;
}

bool waitClosed(HelperConnection &c, int ms = 5000)
{
    Message m;
    const QDeadlineTimer deadline(ms);
    while (!c.closed() && !deadline.hasExpired())
        c.poll(m, 100);
    return c.closed();
}

PacketRecord fakeRecord(int batch, int index, const Config &cfg)
{
    PacketRecord r;
    r.interfaceId = quint32(index % std::max<qsizetype>(1, cfg.interfaces.size())) + 1;
    r.tsSec = 1700000000 + batch;
    r.tsNsec = quint32(index) * 1000;
    r.bytes = QByteArray(20 + index, char(batch));
    r.wireLen = quint32(r.bytes.size()) + 4;
    r.protocol = QStringLiteral("UDP");
    r.source = QStringLiteral("10.99.0.1");
    r.destination = QStringLiteral("10.99.0.2");
    r.info = QStringLiteral("batch %1 record %2 filter=%3 snaplen=%4 promisc=%5")
                 .arg(batch)
                 .arg(index)
                 .arg(cfg.filter)
                 .arg(cfg.snaplen)
                 .arg(cfg.promiscuous);
    return r;
}

PacketRecord streamRecord(quint64 seq)
{
    PacketRecord r;
    r.interfaceId = 1;
    r.tsSec = qint64(seq);
    r.bytes = QByteArray(200 + int(seq % 1000), char(seq));
    r.wireLen = quint32(r.bytes.size());
    r.info = QString::number(seq);
    return r;
}

Stats fakeStats(quint64 delivered)
{
    return Stats{{{1, 100, 2}, {2, 50, 0}}, 7, delivered};
}

int fakeHelper(int argc, char **argv)
{
    QStringList args;
    for (int i = 2; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const QString mode = args.value(0);
    const QString socket = args.value(args.indexOf(QStringLiteral("--socket")) + 1);
    if (mode == QLatin1String("nocap")) {
        fputs(kNoCapHint, stderr);
        return kExitNoPermission;
    }
    if (mode == QLatin1String("delayed")) {
        const QDeadlineTimer deadline(10000);
        while (!QFileInfo::exists(args.value(1)) && !deadline.hasExpired())
            usleep(10000);
    }
    HelperConnection c;
    if (!c.connectTo(socket))
        return Failed;
    if (mode == QLatin1String("v2")) {
        const quint16 future = kProtocolVersion + 1;
        QByteArray frame = encode(Hello{future, QStringLiteral("future"), QString(), getpid()});
        qToBigEndian(future, frame.data() + 6);
        if (::write(c.socketDescriptor(), frame.constData(), frame.size()) != frame.size())
            return Failed;
        return waitClosed(c) ? SawCloseAfterGarbage : NotClosed;
    }
    if (!c.send(Hello{kProtocolVersion, QStringLiteral("fake 1"), QStringLiteral("none (fake)"),
                      getpid()}))
        return Failed;
    if (mode == QLatin1String("garbage")) {
        const QByteArray junk("this is not a frame at all\n");
        if (::write(c.socketDescriptor(), junk.constData(), junk.size()) != junk.size())
            return Failed;
        return waitClosed(c) ? SawCloseAfterGarbage : NotClosed;
    }
    Message m;
    if (!c.poll(m, 5000) || !std::holds_alternative<Config>(m))
        return Failed + 1;
    const Config cfg = std::get<Config>(m);
    if (mode == QLatin1String("crash"))
        raise(SIGKILL);
    Started started;
    for (int i = 0; i < cfg.interfaces.size(); ++i)
        started.interfaces << StartedInterface{quint32(i + 1), cfg.interfaces[i], 1};
    if (!c.send(started))
        return Failed + 2;
    if (mode == QLatin1String("badinterface")) {
        // A record of an interface the helper never started: the client must not index by it.
        PacketBatch batch;
        batch.packets << fakeRecord(0, 0, cfg);
        batch.packets.back().interfaceId = 0xffffffffu;
        c.send(batch);
        return waitClosed(c) ? SawCloseAfterGarbage : NotClosed;
    }
    if (mode == QLatin1String("linger")) {
        // Like the real helper: a long poll that must still wake as soon as the client dies.
        while (!c.closed()) {
            if (c.poll(m, 10000) && std::holds_alternative<Stop>(m))
                return StoppedCleanly;
        }
        return SawClose;
    }
    if (mode == QLatin1String("stream")) {
        // As the real helper should: non-blocking enqueue, the queue capped, flush on POLLOUT.
        quint64 seq = 0;
        for (;;) {
            while (c.pendingBytes() < (1 << 20)) {
                PacketBatch batch;
                for (int i = 0; i < 50; ++i, ++seq)
                    batch.packets << streamRecord(seq);
                if (!c.enqueue(batch))
                    return Failed + 6;
            }
            if (c.poll(m, 5)) {
                if (!std::holds_alternative<Stop>(m))
                    return Failed + 5;
                return c.send(fakeStats(seq)) ? StoppedCleanly : Failed + 7;
            }
            if (c.closed())
                return SawClose;
        }
    }
    quint64 delivered = 0;
    for (int b = 0; b < 3; ++b) {
        PacketBatch batch;
        for (int i = 0; i <= b; ++i)
            batch.packets << fakeRecord(b, i, cfg);
        delivered += batch.packets.size();
        if (!c.send(batch))
            return Failed + 3;
    }
    if (!c.send(fakeStats(delivered)))
        return Failed + 4;
    for (;;) {
        if (c.poll(m, 10000)) {
            if (!std::holds_alternative<Stop>(m))
                return Failed + 5;
            c.send(fakeStats(delivered + 1000));
            return StoppedCleanly;
        }
        if (c.closed())
            return SawClose;
    }
}

// A client in its own process, so the test can kill it: prints the helper's pid and socket.
int fakeClient(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ClientSession session;
    QObject::connect(&session, &ClientSession::started, [&session](const Started &) {
        printf("HELPER %lld %s\n", static_cast<long long>(session.helperPid()),
               qPrintable(session.socketPath()));
        fflush(stdout);
    });
    if (!session.start(QCoreApplication::applicationFilePath(),
                       {QStringLiteral("--fake-helper"), QStringLiteral("linger")},
                       interfacesConfig(QStringLiteral("veth0"))))
        return 1;
    return app.exec();
}

// Connects to the session's socket before the helper does; exits 0 when refused (closed).
int foreignPeer(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLocalSocket s;
    s.connectToServer(QString::fromLocal8Bit(argv[2]));
    if (!s.waitForConnected(2000))
        return 2;
    if (s.state() == QLocalSocket::UnconnectedState || s.waitForDisconnected(5000))
        return 0;
    return 1;
}

// Records what a session emits, in order.
struct Recorder
{
    explicit Recorder(ClientSession &s)
    {
        QObject::connect(&s, &ClientSession::hello, [this](const Hello &h) {
            events << QStringLiteral("hello");
            hello = h;
        });
        QObject::connect(&s, &ClientSession::started, [this](const Started &st) {
            events << QStringLiteral("started");
            started = st;
        });
        QObject::connect(&s, &ClientSession::packets, [this](const PacketBatch &b) {
            events << QStringLiteral("packets %1").arg(b.packets.size());
            batches << b;
        });
        QObject::connect(&s, &ClientSession::stats, [this](const Stats &st) {
            events << QStringLiteral("stats %1").arg(st.delivered);
            stats << st;
        });
        QObject::connect(&s, &ClientSession::error, [this](const Error &e) {
            events << QStringLiteral("error %1").arg(e.code);
            errors << e;
        });
        QObject::connect(&s, &ClientSession::finished, [this](int code) {
            events << QStringLiteral("finished %1").arg(code);
            finished = true;
        });
    }
    QStringList events;
    Hello hello;
    Started started;
    QList<PacketBatch> batches;
    QList<Stats> stats;
    QList<Error> errors;
    bool finished = false;
};

/// Records name a started interface, so a helper that streams needs at least one.
Config oneInterface()
{
    Config cfg;
    cfg.interfaces = {QStringLiteral("eth0")};
    return cfg;
}

QStringList L(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *item : items)
        out << QString::fromLatin1(item);
    return out;
}

QStringList fakeArgs(const QString &mode)
{
    return {QStringLiteral("--fake-helper"), mode};
}

} // namespace

class TestClientSession : public QObject
{
    Q_OBJECT
    QTemporaryDir m_runtime;
    QString m_self;

private slots:
    void initTestCase()
    {
        QVERIFY(m_runtime.isValid());
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime.path()));
        m_self = QCoreApplication::applicationFilePath();
    }

    void orderedSessionInPrivateDirectory()
    {
        const Config cfg{{QStringLiteral("veth0"), QStringLiteral("veth1")},
                         QStringLiteral("udp port 53"),
                         96,
                         false,
                         4,
                         1 << 20};
        ClientSession s;
        Recorder rec(s);
        QVERIFY2(s.start(m_self, fakeArgs(QStringLiteral("normal")), cfg),
                 qPrintable(s.errorString()));
        const QString dir = QFileInfo(s.socketPath()).absolutePath();
        QCOMPARE(QFileInfo(dir).absolutePath(), QFileInfo(m_runtime.path()).absoluteFilePath());
        struct stat st
        {
        };
        QCOMPARE(lstat(QFile::encodeName(dir).constData(), &st), 0);
        QVERIFY(S_ISDIR(st.st_mode));
        QCOMPARE(st.st_mode & 07777, mode_t(0700));
        QCOMPARE(st.st_uid, geteuid());
        QCOMPARE(lstat(QFile::encodeName(s.socketPath()).constData(), &st), 0);
        QVERIFY(S_ISSOCK(st.st_mode));

        QTRY_COMPARE_WITH_TIMEOUT(rec.events.size(), 6, 10000);
        QCOMPARE(rec.events,
                 L({"hello", "started", "packets 1", "packets 2", "packets 3", "stats 6"}));
        QCOMPARE(rec.hello.pid, s.helperPid());
        QCOMPARE(rec.hello.helperVersion, QStringLiteral("fake 1"));
        QCOMPARE(rec.started.interfaces.size(), 2);
        QCOMPARE(rec.started.interfaces[1].name, QStringLiteral("veth1"));
        QCOMPARE(rec.started.interfaces[1].id, 2u);
        for (int b = 0; b < 3; ++b) {
            for (int i = 0; i <= b; ++i)
                QVERIFY(rec.batches[b].packets[i] == fakeRecord(b, i, cfg));
        }
        QCOMPARE(rec.batches[0].packets[0].info,
                 QStringLiteral("batch 0 record 0 filter=udp port 53 snaplen=96 promisc=0"));
        QVERIFY(rec.stats[0] == fakeStats(6));
        QCOMPARE(s.refusedPeers(), 0);

        s.stop(); // blocking: the final Stats and finished() have arrived when it returns
        QCOMPARE(rec.events.mid(6), L({"stats 1006", "finished 0"}));
        QVERIFY(rec.errors.isEmpty());
        QVERIFY(!QFileInfo::exists(dir));
        QVERIFY(!s.isRunning());
    }

    void streamingThenStopLosesNothing_data()
    {
        QTest::addColumn<bool>("blocking");
        QTest::newRow("stop") << true;         // the CLI's
        QTest::newRow("requestStop") << false; // the window's
    }

    void streamingThenStopLosesNothing()
    {
        QFETCH(bool, blocking);
        ClientSession s;
        Recorder rec(s);
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("stream")), oneInterface()));
        QTRY_VERIFY_WITH_TIMEOUT(rec.batches.size() >= 40, 20000);
        if (blocking) {
            s.stop(); // drains what the helper still had queued, then its final Stats
        } else {
            // Returns before the helper is gone; the rest comes through the event loop.
            s.requestStop();
            QVERIFY(!rec.finished);
            QVERIFY(s.isRunning());
            s.requestStop(); // a second request changes nothing
            QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        }
        QCOMPARE(rec.events.last(), QStringLiteral("finished 0"));
        QVERIFY(rec.errors.isEmpty());
        quint64 seq = 0;
        for (const PacketBatch &b : std::as_const(rec.batches)) {
            for (const PacketRecord &r : b.packets) {
                if (!(r == streamRecord(seq)))
                    QFAIL(qPrintable(QStringLiteral("record %1 differs").arg(seq)));
                ++seq;
            }
        }
        QCOMPARE(rec.stats.size(), 1);
        QCOMPARE(rec.stats[0].delivered, seq);
        qInfo("%lld records in %lld batches", static_cast<long long>(seq),
              static_cast<long long>(rec.batches.size()));
    }

    void stopFromASlot()
    {
        // The CLI's -c N stops from inside the packets() handler.
        ClientSession s;
        Recorder rec(s);
        int stops = 0;
        connect(&s, &ClientSession::packets, this, [&] {
            if (stops++ == 0)
                s.stop();
        });
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("stream")), oneInterface()));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        QCOMPARE(rec.events.last(), QStringLiteral("finished 0"));
        QCOMPARE(rec.events.filter(QStringLiteral("finished")).size(), 1);
        QVERIFY(rec.errors.isEmpty());
        QVERIFY(!s.isRunning());
        QTest::qWait(50); // deferred deletions run without touching the finished session
    }

    void helperConnectionWithoutServer()
    {
        HelperConnection c;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!c.connectTo(m_runtime.filePath(QStringLiteral("absent.sock")), 200));
        QVERIFY(timer.elapsed() >= 150); // it retried until the timeout
        QVERIFY(c.errorText().startsWith(QLatin1String("connect: ")));
        QVERIFY(c.closed());
        QCOMPARE(c.socketDescriptor(), -1);
        Message m;
        QVERIFY(!c.poll(m, 0));
        QVERIFY(!c.send(Stop{}));
    }

    void fallbackDirectoryWithoutRuntimeDir()
    {
        qunsetenv("XDG_RUNTIME_DIR");
        ClientSession s;
        Recorder rec(s);
        const bool ok = s.start(m_self, fakeArgs(QStringLiteral("normal")), oneInterface());
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime.path()));
        QVERIFY2(ok, qPrintable(s.errorString()));
        const QString dir = QFileInfo(s.socketPath()).absolutePath();
        QCOMPARE(QFileInfo(dir).absolutePath(), QFileInfo(QDir::tempPath()).absoluteFilePath());
        QCOMPARE(QFileInfo(dir).permissions() & 0x7777, QFile::ReadOwner | QFile::WriteOwner |
                                                            QFile::ExeOwner | QFile::ReadUser |
                                                            QFile::WriteUser | QFile::ExeUser);
        QTRY_VERIFY_WITH_TIMEOUT(rec.events.contains(QStringLiteral("stats 6")), 10000);
        s.stop();
        QCOMPARE(rec.events.last(), QStringLiteral("finished 0"));
        QVERIFY(!QFileInfo::exists(dir));
    }

    void foreignPeerIsRefused()
    {
        QTemporaryDir markers;
        const QString go = markers.filePath(QStringLiteral("go"));
        ClientSession s;
        Recorder rec(s);
        QVERIFY(s.start(m_self, {QStringLiteral("--fake-helper"), QStringLiteral("delayed"), go},
                        interfacesConfig(QStringLiteral("lo"))));
        const QRegularExpression refused(QStringLiteral("refused a connection .* from pid"));
        QTest::ignoreMessage(QtWarningMsg, refused);
        QTest::ignoreMessage(QtWarningMsg, refused);
        QProcess foreign;
        foreign.start(m_self, {QStringLiteral("--foreign-peer"), s.socketPath()});
        QVERIFY(foreign.waitForStarted());
        QVERIFY(foreign.processId() != s.helperPid());
        QTRY_COMPARE_WITH_TIMEOUT(foreign.state(), QProcess::NotRunning, 8000);
        QCOMPARE(foreign.exitCode(), 0); // it was connected, then closed by the session
        QCOMPARE(s.refusedPeers(), 1);

        QLocalSocket own; // this process is not the helper either
        own.connectToServer(s.socketPath());
        QVERIFY(own.waitForConnected(2000));
        QTRY_COMPARE(s.refusedPeers(), 2);
        QTRY_COMPARE(own.state(), QLocalSocket::UnconnectedState);

        QFile marker(go);
        QVERIFY(marker.open(QIODevice::WriteOnly));
        marker.close();
        QTRY_VERIFY_WITH_TIMEOUT(rec.events.contains(QStringLiteral("stats 6")), 10000);
        QCOMPARE(rec.events.first(), QStringLiteral("hello"));
        s.stop();
        QCOMPARE(rec.events.last(), QStringLiteral("finished 0"));
        QCOMPARE(s.refusedPeers(), 2);
    }

    void helperExitsWhenClientIsKilled()
    {
        QProcess client;
        client.start(m_self, {QStringLiteral("--fake-client")});
        QVERIFY(client.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(client.canReadLine(), 10000);
        const QList<QByteArray> words = client.readLine().trimmed().split(' ');
        QCOMPARE(words.size(), 3);
        const pid_t helper = pid_t(words[1].toLongLong());
        QVERIFY(helper > 0);
        const QString dir = QFileInfo(QString::fromLocal8Bit(words[2])).absolutePath();
        QTest::qWait(200); // let the helper settle in its long poll()

        ::kill(pid_t(client.processId()), SIGKILL);
        QElapsedTimer timer;
        timer.start();
        // We are a child subreaper (see main), so the orphaned helper is ours to reap.
        int status = 0;
        pid_t reaped = 0;
        while (reaped == 0 && timer.elapsed() < 5000) {
            reaped = waitpid(helper, &status, WNOHANG);
            // ECHILD until the client is gone and the helper has been reparented to us.
            if (reaped == 0 || (reaped < 0 && errno == ECHILD)) {
                reaped = 0;
                usleep(2000);
            }
        }
        const qint64 elapsed = timer.elapsed();
        qInfo("helper exited %lld ms after the client was killed", static_cast<long long>(elapsed));
        QCOMPARE(reaped, helper);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), int(SawClose));
        QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));
        QVERIFY(client.waitForFinished(2000));
        QDir(dir).removeRecursively(); // the killed client could not clean up
    }

    void missingCapabilityGivesHint()
    {
        ClientSession s;
        Recorder rec(s);
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("nocap")), Config{}));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        QCOMPARE(rec.events, L({"error 1", "finished 77"}));
        QCOMPARE(rec.errors[0].code, quint32(ErrorCode::NoPermission));
        QCOMPARE(rec.errors[0].hint, QString::fromLatin1(kNoCapHint).trimmed());
        QVERIFY(!rec.errors[0].message.isEmpty());
    }

    void garbageClosesSession()
    {
        ClientSession s;
        Recorder rec(s);
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("garbage")), Config{}));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        QCOMPARE(rec.events, L({"hello", "error 5", "finished 4"}));
        QVERIFY2(rec.errors[0].message.startsWith(QLatin1String("oversized frame")),
                 qPrintable(rec.errors[0].message));
    }

    void recordOfUnknownInterfaceClosesSession()
    {
        ClientSession s;
        Recorder rec(s);
        Config cfg;
        cfg.interfaces = {QStringLiteral("eth0")};
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("badinterface")), cfg));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        QCOMPARE(rec.events.mid(0, 3), L({"hello", "started", "error 5"}));
        QVERIFY(rec.batches.isEmpty());
        QVERIFY2(rec.errors[0].message.contains(QLatin1String("4294967295")),
                 qPrintable(rec.errors[0].message));
    }

    void versionMismatch()
    {
        ClientSession s;
        Recorder rec(s);
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("v2")), Config{}));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        QCOMPARE(rec.events, L({"error 4", "finished 4"}));
        QCOMPARE(rec.errors[0].message, QStringLiteral("helper speaks protocol %1, this client %2")
                                            .arg(kProtocolVersion + 1)
                                            .arg(kProtocolVersion));
    }

    void helperCrash()
    {
        ClientSession s;
        Recorder rec(s);
        QVERIFY(s.start(m_self, fakeArgs(QStringLiteral("crash")), Config{}));
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 10000);
        QCOMPARE(rec.events, L({"hello", "error 7", "finished -1"}));
        QCOMPARE(rec.errors[0].message, QStringLiteral("the capture helper crashed"));
    }

    void helperThatCannotStart()
    {
        const QStringList before =
            QDir(m_runtime.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        ClientSession s;
        Recorder rec(s);
        QVERIFY(!s.start(QStringLiteral("/nonexistent/packetlens-capture"), {}, Config{}));
        QVERIFY(s.errorString().contains(QLatin1String("/nonexistent/packetlens-capture")));
        QVERIFY(s.socketPath().isEmpty());
        QCOMPARE(QDir(m_runtime.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), before);
        QTest::qWait(50);
        QVERIFY(rec.events.isEmpty());
    }
};

int main(int argc, char **argv)
{
    if (argc >= 3 && qstrcmp(argv[1], "--fake-helper") == 0)
        return fakeHelper(argc, argv);
    if (argc >= 2 && qstrcmp(argv[1], "--fake-client") == 0)
        return fakeClient(argc, argv);
    if (argc >= 3 && qstrcmp(argv[1], "--foreign-peer") == 0)
        return foreignPeer(argc, argv);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    QCoreApplication app(argc, argv);
    TestClientSession test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_clientsession.moc"
