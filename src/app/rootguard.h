#pragma once

#include <QString>

#include <sys/types.h>

namespace pl {

/// Decides whether the desktop application may run with the effective user id it has, and
/// says why not. Only the capture helper may hold privileges (and only while it opens its
/// sockets): the application decodes packets off the network, which anyone may craft to
/// attack a decoder, so it refuses to run as root unless --allow-root says otherwise.
/// What counts is the effective uid: sudo, pkexec and a setuid bit all make it 0.
class RootGuard
{
public:
    enum class Verdict {
        Run,       ///< not root: nothing to say
        RunAsRoot, ///< root, and the override is given: run, with a warning on stderr
        Refuse,    ///< root without the override: say why (refusalText()) and exit
    };

    /// The command-line option that allows running as root.
    static QString overrideOption() { return QStringLiteral("allow-root"); }
    /// Exit status when the application refuses to run.
    static constexpr int kExitRefused = 1;

    static Verdict decide(uid_t effectiveUid, bool allowRoot);

    /// Who is asking, for the text: the user behind sudo (SUDO_USER) or pkexec (PKEXEC_UID),
    /// empty when root logged in as root.
    struct Invoker
    {
        QString userName; ///< "" when not known
        QString via;      ///< "sudo", "pkexec" or ""
    };
    /// Reads SUDO_USER / PKEXEC_UID from the environment.
    static Invoker invokerFromEnvironment();

    /// The refusal: why, how to capture instead (the helper's fixes for `helperPath`, as
    /// capture::captureFixSteps() says them, or that it already has its capabilities), and the
    /// override. `helperPath` may be empty (no helper found).
    static QString refusalText(const Invoker &invoker, const QString &helperPath,
                               bool pkexecAvailable);
    /// One line for stderr when running as root through the override.
    static QString overrideWarning();
};

} // namespace pl
