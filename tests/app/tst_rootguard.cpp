// The application refuses to run as root unless --allow-root says so, and says why and what
// to do instead. The decision is tested for every case whoever runs the test; the program
// itself only where the test runs as root (CI).

#include "app/rootguard.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using pl::RootGuard;

class TestRootGuard : public QObject
{
    Q_OBJECT

private slots:
    void decision()
    {
        QCOMPARE(RootGuard::decide(1000, false), RootGuard::Verdict::Run);
        QCOMPARE(RootGuard::decide(1000, true), RootGuard::Verdict::Run);
        QCOMPARE(RootGuard::decide(0, false), RootGuard::Verdict::Refuse);
        QCOMPARE(RootGuard::decide(0, true), RootGuard::Verdict::RunAsRoot);
        QCOMPARE(RootGuard::overrideOption(), QStringLiteral("allow-root"));
    }

    // Why (only the helper holds privileges; hostile packets decoded as root), what to do
    // instead (the helper's fixes, for the user behind sudo), and the override.
    void refusalSaysWhyAndHow()
    {
        QTemporaryDir dir;
        const QString helper = dir.filePath(QStringLiteral("packetlens-capture"));
        QFile f(helper);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\nexit 0\n");
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                 QFileDevice::ExeOwner | QFileDevice::ExeOther));

        const QString text =
            RootGuard::refusalText({QStringLiteral("ann"), QStringLiteral("sudo")}, helper, true);
        QVERIFY2(text.startsWith(QStringLiteral("PacketLens does not run as root.\n\n")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Only its capture helper needs privileges")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("craft packets to attack a decoder")));
        QVERIFY2(text.contains(QStringLiteral("Start PacketLens as yourself, without sudo.")),
                 qPrintable(text));
        // No capabilities on this file: the fix, for its exact path, and the pkexec way.
        QVERIFY2(text.contains(QStringLiteral("sudo setcap cap_net_raw,cap_net_admin=eip ") +
                               helper + QLatin1Char('\n')),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("sudo usermod -aG packetlens ann\n")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Retry with pkexec")));
        QVERIFY2(text.endsWith(QStringLiteral("start it with --allow-root.")), qPrintable(text));

        const QString plain = RootGuard::refusalText({}, helper, false);
        QVERIFY(plain.contains(QStringLiteral("Start PacketLens as a normal user.")));
        QVERIFY(plain.contains(QStringLiteral("sudo usermod -aG packetlens $USER\n")));
        QVERIFY(plain.contains(QStringLiteral("sudo apt-get install pkexec")));
        QVERIFY(RootGuard::refusalText({}, {}, false).contains(QStringLiteral("not found")));
        QVERIFY(RootGuard::overrideWarning().contains(QStringLiteral("--allow-root")));
    }

    void invokerFromEnvironment()
    {
        const QByteArray sudo = qgetenv("SUDO_USER"), pkexec = qgetenv("PKEXEC_UID");
        qputenv("SUDO_USER", "ann");
        RootGuard::Invoker who = RootGuard::invokerFromEnvironment();
        QCOMPARE(who.userName, QStringLiteral("ann"));
        QCOMPARE(who.via, QStringLiteral("sudo"));
        qunsetenv("SUDO_USER");
        qputenv("PKEXEC_UID", "65534");
        who = RootGuard::invokerFromEnvironment();
        QCOMPARE(who.via, QStringLiteral("pkexec"));
        qunsetenv("PKEXEC_UID");
        QVERIFY(RootGuard::invokerFromEnvironment().via.isEmpty());
        if (!sudo.isNull())
            qputenv("SUDO_USER", sudo);
        if (!pkexec.isNull())
            qputenv("PKEXEC_UID", pkexec);
    }

    // The program: as root it exits at once with the text on stderr (offscreen: no box to
    // wait on); with --allow-root it starts and warns. Not root: nothing to refuse.
    void programAsRoot()
    {
        if (::geteuid() != 0)
            QSKIP("the refusal needs root (CI runs as root); the decision is tested above");
        const QString app =
            QCoreApplication::applicationDirPath() + QStringLiteral("/../src/app/packetlens");
        if (!QFileInfo::exists(app))
            QSKIP("the packetlens program is not built beside this test");
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());

        QProcess refused;
        refused.setProcessEnvironment(env);
        refused.start(app, {});
        QVERIFY(refused.waitForFinished(20000));
        QCOMPARE(refused.exitCode(), RootGuard::kExitRefused);
        const QByteArray err = refused.readAllStandardError();
        QVERIFY2(err.contains("packetlens: PacketLens does not run as root."), err.constData());
        QVERIFY2(err.contains("--allow-root"), err.constData());

        // Without a display at all (sudo from a console) it still explains, not aborts.
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        QProcess headless;
        headless.setProcessEnvironment(env);
        headless.start(app, {});
        QVERIFY(headless.waitForFinished(20000));
        QCOMPARE(headless.exitStatus(), QProcess::NormalExit);
        QCOMPARE(headless.exitCode(), RootGuard::kExitRefused);
        QVERIFY(headless.readAllStandardError().contains("does not run as root"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

        QProcess allowed;
        allowed.setProcessEnvironment(env);
        allowed.start(app, {QStringLiteral("--allow-root")});
        QByteArray warned;
        QTRY_VERIFY_WITH_TIMEOUT(
            (warned += allowed.readAllStandardError()).contains("running as root (--allow-root)"),
            20000);
        QCOMPARE(allowed.state(), QProcess::Running); // the window runs
        allowed.kill();
        allowed.waitForFinished(5000);
    }
};

QTEST_GUILESS_MAIN(TestRootGuard)
#include "tst_rootguard.moc"
