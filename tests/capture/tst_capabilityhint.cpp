// The text that tells a user how to let the capture helper capture: the exact commands for
// the installed (Debian package) layout and for a build tree, and what the system says.

#include "capture/privileges.h"

#include <QTemporaryDir>
#include <QTest>

#include <grp.h>
#include <sys/stat.h>

#include <fstream>

using pl::capture::CapabilityHintContext;
using pl::capture::GroupMembership;
using Problem = CapabilityHintContext::Problem;
using Client = CapabilityHintContext::Client;

namespace {

const std::string kInstalled = "/usr/libexec/packetlens/packetlens-capture";
const std::string kBuilt = "/home/ann/src/packetlens/build/src/helper/packetlens-capture";

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

CapabilityHintContext installed(GroupMembership membership, Client client = Client::Application)
{
    CapabilityHintContext c;
    c.helperPath = kInstalled;
    c.installed = true;
    c.groupExists = true;
    c.membership = membership;
    c.client = client;
    return c;
}

} // namespace

class TestCapabilityHint : public QObject
{
    Q_OBJECT

private slots:
    // The package's helper lost its capabilities, and the user is not in the group: both
    // commands, for the exact path, and "log in again".
    void installedNotInGroup()
    {
        const std::string hint =
            pl::capture::missingCapabilityHint(installed(GroupMembership::None));
        QVERIFY2(has(hint, "sudo setcap cap_net_raw,cap_net_admin=eip " + kInstalled + "\n"),
                 hint.c_str());
        QVERIFY2(has(hint, "sudo usermod -aG packetlens $USER\n"), hint.c_str());
        QVERIFY2(has(hint, "log out and back in"), hint.c_str());
        QVERIFY2(has(hint, "The Debian package sets these capabilities"), hint.c_str());
        QVERIFY2(has(hint, "CAP_NET_RAW"), hint.c_str());
    }

    // In the group already: no usermod to type again.
    void installedInGroup()
    {
        const std::string active =
            pl::capture::missingCapabilityHint(installed(GroupMembership::Active));
        QVERIFY(has(active, "sudo setcap cap_net_raw,cap_net_admin=eip " + kInstalled));
        QVERIFY2(!has(active, "usermod"), active.c_str());
        QVERIFY(!has(active, "log out"));
        // Joined, but this session predates it: only logging in again helps.
        const std::string pending =
            pl::capture::missingCapabilityHint(installed(GroupMembership::PendingLogin));
        QVERIFY2(!has(pending, "usermod"), pending.c_str());
        QVERIFY2(has(pending, "log out and back in"), pending.c_str());
    }

    // A build tree's helper: setcap on that path, a note that a rebuild loses it, and what the
    // package would need instead (only the usermod).
    void buildTree()
    {
        CapabilityHintContext c;
        c.helperPath = kBuilt;
        c.client = Client::Application;
        const std::string hint = pl::capture::missingCapabilityHint(c);
        QVERIFY2(has(hint, "sudo setcap cap_net_raw,cap_net_admin=eip " + kBuilt + "\n"),
                 hint.c_str());
        QVERIFY2(has(hint, "run setcap again after building"), hint.c_str());
        QVERIFY2(has(hint, "With the Debian package"), hint.c_str());
        QVERIFY2(has(hint, "only\n     sudo usermod -aG packetlens $USER\n"), hint.c_str());
        QVERIFY(!has(hint, kInstalled));
    }

    // The package's helper is 0750 root:packetlens: outside the group it cannot even start.
    // The fix is the group, not setcap (the package did that).
    void notExecutable()
    {
        CapabilityHintContext c = installed(GroupMembership::None);
        c.problem = Problem::NotExecutable;
        const std::string hint = pl::capture::missingCapabilityHint(c);
        QVERIFY2(has(hint, "Only members of the packetlens group may run the capture helper " +
                               kInstalled),
                 hint.c_str());
        QVERIFY2(has(hint, "sudo usermod -aG packetlens $USER\n"), hint.c_str());
        QVERIFY2(!has(hint, "setcap"), hint.c_str());
        QCOMPARE(pl::capture::capabilityProblemSummary(c),
                 "You may not run the capture helper " + kInstalled + ".");
        c.membership = GroupMembership::PendingLogin;
        const std::string pending = pl::capture::missingCapabilityHint(c);
        QVERIFY2(has(pending, "this session started before you joined it"), pending.c_str());
        QVERIFY(!has(pending, "usermod"));
    }

    // The second fix depends on who shows it: the application's button (or how to install
    // pkexec), the CLI's sudo.
    void secondFix()
    {
        CapabilityHintContext c = installed(GroupMembership::None);
        c.pkexecAvailable = true;
        std::string hint = pl::capture::missingCapabilityHint(c);
        QVERIFY2(has(hint, "\"Retry with pkexec\""), hint.c_str());
        QVERIFY2(has(hint, "polkit action org.packetlens.capture"), hint.c_str());
        QVERIFY(!has(hint, "apt-get"));

        c.pkexecAvailable = false;
        hint = pl::capture::missingCapabilityHint(c);
        QVERIFY2(has(hint, "sudo apt-get install pkexec\n"), hint.c_str());

        c.client = Client::Cli;
        hint = pl::capture::missingCapabilityHint(c);
        QVERIFY2(has(hint, "sudo packetlens-cli"), hint.c_str());
        QVERIFY(!has(hint, "Retry with pkexec"));
        // The same first fix whoever shows it.
        QVERIFY(has(hint, "sudo setcap cap_net_raw,cap_net_admin=eip " + kInstalled + "\n"));
        QVERIFY(has(hint, "sudo usermod -aG packetlens $USER\n"));
    }

    // Shown to root for the user behind sudo: that user's name, not $USER (which is root).
    void namedUser()
    {
        CapabilityHintContext c = installed(GroupMembership::None);
        c.userName = "ann";
        const std::string steps = pl::capture::captureFixSteps(c);
        QVERIFY2(has(steps, "sudo usermod -aG packetlens ann\n"), steps.c_str());
        QVERIFY(!has(steps, "$USER"));
    }

    // What the system says: the layout from the path, the group from getgrnam, a file this
    // user may not execute (mode 0644 refuses even root).
    void detection()
    {
        QVERIFY(pl::capture::isInstalledHelperPath(kInstalled));
        QVERIFY(
            pl::capture::isInstalledHelperPath("/opt/pl/libexec/packetlens/packetlens-capture"));
        QVERIFY(!pl::capture::isInstalledHelperPath(kBuilt));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("packetlens-capture")).toStdString();
        std::ofstream(path) << "#!/bin/sh\nexit 0\n";
        QVERIFY(::chmod(path.c_str(), 0644) == 0);
        QVERIFY(pl::capture::helperDeniedToUser(path));
        CapabilityHintContext c = pl::capture::capabilityHintContext(path);
        QCOMPARE(c.problem, Problem::NotExecutable);
        QVERIFY(!c.installed);
        QVERIFY(!c.fileCapabilities);
        QCOMPARE(c.groupExists, ::getgrnam(pl::capture::kCaptureGroup) != nullptr);
        if (!c.groupExists)
            QCOMPARE(c.membership, GroupMembership::None);

        QVERIFY(::chmod(path.c_str(), 0755) == 0);
        QVERIFY(!pl::capture::helperDeniedToUser(path));
        QCOMPARE(pl::capture::capabilityHintContext(path).problem, Problem::NoCapability);
        QVERIFY(!pl::capture::helperDeniedToUser(path + ".missing")); // not found is not denied
    }

    // The helper's own hint (what it prints when run by hand) names the same commands.
    void helperHint()
    {
        const std::string hint = pl::capture::missingCapabilityHint(kInstalled);
        QVERIFY2(has(hint, "sudo setcap cap_net_raw,cap_net_admin=eip " + kInstalled),
                 hint.c_str());
        QVERIFY2(has(hint, "sudo usermod -aG packetlens $USER"), hint.c_str());
        QVERIFY2(has(hint, "pkexec"), hint.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCapabilityHint)
#include "tst_capabilityhint.moc"
