#include "rootguard.h"

#include "capture/privileges.h"

#include <QCoreApplication>

#include <pwd.h>

namespace pl {

RootGuard::Verdict RootGuard::decide(uid_t effectiveUid, bool allowRoot)
{
    if (effectiveUid != 0)
        return Verdict::Run;
    return allowRoot ? Verdict::RunAsRoot : Verdict::Refuse;
}

RootGuard::Invoker RootGuard::invokerFromEnvironment()
{
    Invoker who;
    const QString sudoUser = qEnvironmentVariable("SUDO_USER");
    if (!sudoUser.isEmpty() && sudoUser != QLatin1String("root"))
        return {sudoUser, QStringLiteral("sudo")};
    bool ok = false;
    const uint uid = qEnvironmentVariable("PKEXEC_UID").toUInt(&ok);
    if (ok && uid != 0) {
        who.via = QStringLiteral("pkexec");
        if (const passwd *pw = ::getpwuid(uid_t(uid)))
            who.userName = QString::fromLocal8Bit(pw->pw_name);
    }
    return who;
}

QString RootGuard::refusalText(const Invoker &invoker, const QString &helperPath,
                               bool pkexecAvailable)
{
    QString text = QCoreApplication::translate(
        "RootGuard",
        "PacketLens does not run as root.\n\n"
        "Only its capture helper needs privileges, and it gives them up right after opening "
        "its capture sockets. The application decodes packets from the network, and anyone "
        "can craft packets to attack a decoder: decoded as root, such a packet could take "
        "over the whole system.\n\n");
    if (!invoker.via.isEmpty())
        text +=
            QCoreApplication::translate("RootGuard", "Start PacketLens as yourself, without %1.")
                .arg(invoker.via);
    else
        text += QCoreApplication::translate("RootGuard", "Start PacketLens as a normal user.");
    text += QLatin1Char(' ');

    if (helperPath.isEmpty()) {
        text += QCoreApplication::translate(
            "RootGuard", "(The capture helper packetlens-capture was not found beside it.)");
    } else {
        capture::CapabilityHintContext c = capture::capabilityHintContext(
            helperPath.toStdString(), invoker.userName.toStdString());
        c.client = capture::CapabilityHintContext::Client::Application;
        c.pkexecAvailable = pkexecAvailable;
        const bool mayRun =
            !c.groupExists || !c.installed || c.membership == capture::GroupMembership::Active;
        if (c.fileCapabilities && mayRun) {
            text +=
                QCoreApplication::translate(
                    "RootGuard", "The capture helper %1 has its capabilities: it captures for you "
                                 "without root.")
                    .arg(helperPath);
        } else {
            if (c.fileCapabilities) {
                // Installed with its capabilities, only the group is missing.
                c.problem = capture::CapabilityHintContext::Problem::NotExecutable;
            }
            text += QCoreApplication::translate(
                        "RootGuard", "Its capture helper cannot capture for you yet.\n") +
                    QString::fromStdString(capture::captureFixSteps(c));
        }
    }
    text += QCoreApplication::translate("RootGuard",
                                        "\n\nTo run it as root all the same, start it with --%1.")
                .arg(overrideOption());
    return text;
}

QString RootGuard::overrideWarning()
{
    return QCoreApplication::translate(
               "RootGuard",
               "packetlens: running as root (--%1): every packet is decoded with root's "
               "privileges. This could be dangerous.")
        .arg(overrideOption());
}

} // namespace pl
