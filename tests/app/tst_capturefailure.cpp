// What the window shows when the capture helper may not capture: the two fixes with the exact
// commands, "Retry with pkexec" only when pkexec exists, no second pkexec offer after pkexec,
// and nothing at all (no pkexec, no warning) when the helper just works.
// Fake helpers are shell scripts named by PACKETLENS_HELPER; PACKETLENS_PKEXEC names a fake
// pkexec, and an empty PATH hides any real one.

#include "app/capturecontroller.h"
#include "app/mainwindow.h"

#include <QAbstractButton>
#include <QFile>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using pl::CaptureController;
using pl::MainWindow;

namespace {

void writeScript(const QString &path, const QByteArray &body,
                 QFileDevice::Permissions mode = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                 QFileDevice::ExeOwner)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\n" + body);
    f.close();
    QVERIFY(f.setPermissions(mode));
}

QAbstractButton *retryButton(QMessageBox *box)
{
    for (QAbstractButton *b : box->buttons())
        if (b->text() == QStringLiteral("Retry with pkexec"))
            return b;
    return nullptr;
}

/// Sets an environment variable for one scope.
class ScopedEnv
{
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name), m_saved(qgetenv(name)), m_was(qEnvironmentVariableIsSet(name))
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_was)
            qputenv(m_name, m_saved);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    QByteArray m_saved;
    bool m_was;
};

const pl::ipc::Config kLoopback{.interfaces = {QStringLiteral("lo")}, .filter = {}};

/// A temporary directory for a fake helper and a fake pkexec, which PACKETLENS_HELPER and
/// PACKETLENS_PKEXEC name for as long as this lives; the test writes the scripts.
struct StandIns
{
    QTemporaryDir dir;
    QString path(const char *name) const { return dir.filePath(QLatin1String(name)); }
    const QString helper = path("packetlens-capture");
    const QString pkexec = path("pkexec");
    ScopedEnv helperEnv{"PACKETLENS_HELPER", helper.toUtf8()};
    ScopedEnv pkexecEnv{"PACKETLENS_PKEXEC", pkexec.toUtf8()};
};

} // namespace

class TestCaptureFailure : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_home.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_home.path());
        qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral("cache")).toUtf8());
        qputenv("XDG_RUNTIME_DIR", m_home.path().toUtf8());
    }

    // Exit 77 (no capability) with pkexec present: the fixes for this helper and the button.
    void noCapabilityWithPkexec()
    {
        StandIns s;
        const QString &helper = s.helper;
        writeScript(helper, "echo 'the helper words it otherwise' >&2\nexit 77\n");
        writeScript(s.pkexec, "exit 126\n");

        MainWindow w;
        w.show();
        QSignalSpy failed(w.captureController(), &CaptureController::failed);
        QVERIFY(w.startCapture(kLoopback));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY(failed.first().at(2).toBool());
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr);
        const QString hint = box->informativeText();
        QVERIFY2(hint.contains(QStringLiteral("sudo setcap cap_net_raw,cap_net_admin=eip ") +
                               helper + QLatin1Char('\n')),
                 qPrintable(hint));
        QVERIFY2(hint.contains(QStringLiteral("Two ways to fix it")), qPrintable(hint));
        QVERIFY2(hint.contains(QStringLiteral("sudo usermod -aG packetlens $USER")),
                 qPrintable(hint));
        QVERIFY2(hint.contains(QStringLiteral("\"Retry with pkexec\" runs the helper")),
                 qPrintable(hint));
        QVERIFY(!hint.contains(QStringLiteral("apt-get")));
        QAbstractButton *retry = retryButton(box);
        QVERIFY(retry);

        // The password dialog dismissed (pkexec exits 126): said so, and no button again.
        QTRY_VERIFY_WITH_TIMEOUT(!w.captureController()->isCapturing(), 10000);
        failed.clear();
        retry->click();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY2(failed.first().at(0).toString().startsWith(
                     QStringLiteral("pkexec did not run the capture helper")),
                 qPrintable(failed.first().at(0).toString()));
        QVERIFY(!failed.first().at(2).toBool());
        QMessageBox *second = nullptr;
        QTRY_VERIFY((second = [&]() -> QMessageBox * {
                        for (QMessageBox *b : w.findChildren<QMessageBox *>())
                            if (b != box && b->isVisible())
                                return b;
                        return nullptr;
                    }()) != nullptr);
        QVERIFY(!retryButton(second));
    }

    // No pkexec on this system: no button, and the hint says how to get it.
    void noCapabilityWithoutPkexec()
    {
        StandIns s;
        const QString &helper = s.helper;
        writeScript(helper, "exit 77\n");
        ScopedEnv p("PACKETLENS_PKEXEC", QByteArray()); // no pkexec at all
        ScopedEnv path("PATH", s.path("empty").toUtf8());
        QVERIFY(CaptureController::pkexecProgram().isEmpty());

        MainWindow w;
        w.show();
        QSignalSpy failed(w.captureController(), &CaptureController::failed);
        QVERIFY(w.startCapture(kLoopback));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY(failed.first().at(2).toBool());
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr);
        QVERIFY(!retryButton(box));
        const QString hint = box->informativeText();
        QVERIFY2(hint.contains(QStringLiteral("sudo apt-get install pkexec\n")), qPrintable(hint));
        QVERIFY(
            hint.contains(QStringLiteral("sudo setcap cap_net_raw,cap_net_admin=eip ") + helper));
    }

    // A helper this user may not execute (the package's is 0750 root:packetlens; 0644 refuses
    // even root): not "helper crashed" but why, with pkexec offered, which runs it.
    void helperNotExecutable()
    {
        StandIns s;
        const QString &helper = s.helper;
        writeScript(helper, "exit 0\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const QString pkexecArgs = s.path("pkexec-args");
        writeScript(s.pkexec, "echo \"$@\" > " + pkexecArgs.toUtf8() + "\nexit 1\n");

        MainWindow w;
        w.show();
        QSignalSpy failed(w.captureController(), &CaptureController::failed);
        QSignalSpy finished(w.captureController(), &CaptureController::finished);
        QVERIFY(w.startCapture(kLoopback));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QCOMPARE(failed.first().at(0).toString(),
                 QStringLiteral("You may not run the capture helper ") + helper + QLatin1Char('.'));
        QVERIFY(failed.first().at(2).toBool());
        QTRY_COMPARE(finished.size(), 1);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr);
        QVERIFY2(!box->informativeText().contains(QStringLiteral("setcap")),
                 qPrintable(box->informativeText()));
        QAbstractButton *retry = retryButton(box);
        QVERIFY(retry);
        retry->click();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pkexecArgs), 10000);
        QFile args(pkexecArgs);
        QVERIFY(args.open(QIODevice::ReadOnly));
        QVERIFY(args.readAll().startsWith(helper.toUtf8() + " --socket "));
    }

    // A helper that can capture (its capabilities set, the user in the group): run directly,
    // never through pkexec, and no failure or warning of any kind.
    void workingHelperNeedsNoStep()
    {
        StandIns s;
        const QString ran = s.path("helper-ran");
        writeScript(s.helper, "echo \"$@\" > " + ran.toUtf8() + "\nexit 0\n");
        const QString pkexecRan = s.path("pkexec-ran");
        writeScript(s.pkexec, "touch " + pkexecRan.toUtf8() + "\nexec \"$@\"\n");

        MainWindow w;
        w.show();
        QSignalSpy failed(w.captureController(), &CaptureController::failed);
        QSignalSpy finished(w.captureController(), &CaptureController::finished);
        QVERIFY(w.startCapture(kLoopback));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(QFile::exists(ran));
        QVERIFY(!QFile::exists(pkexecRan));
        QCOMPARE(failed.size(), 0);
        QVERIFY(!w.findChild<QMessageBox *>());
    }

private:
    QTemporaryDir m_home;
};

QTEST_MAIN(TestCaptureFailure)
#include "tst_capturefailure.moc"
