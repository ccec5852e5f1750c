#pragma once

#include <cstdint>
#include <string>

namespace pl::capture {

/// Capability sets as the kernel prints them in /proc/self/status (bit n = capability n).
struct CapabilityState
{
    uint64_t effective = 0, permitted = 0, inheritable = 0, bounding = 0, ambient = 0;
};

/// This process's capability sets, read from /proc/self/status (CapEff, CapPrm, CapInh,
/// CapBnd, CapAmb); all zero if the file cannot be read.
CapabilityState currentCapabilities();

/// True when `cap` (e.g. CAP_NET_RAW) is in the effective set, raising it from the permitted
/// set first when it is only permitted (file capabilities "=p", or after a setuid dance).
bool hasCapability(int cap);

/// Gives up every privilege for good, in the order that keeps each step possible:
///  1. drops the bounding set where CAP_SETPCAP allows it;
///  2. when running as uid 0: initgroups + setgid + setuid to the user who ran pkexec
///     (PKEXEC_UID) or sudo (SUDO_UID), else to "nobody" — uid 0 without capabilities would
///     still own root's files while decoding hostile packets;
///  3. clears the effective, permitted and inheritable sets with libcap (cap_init +
///     cap_set_proc) and the ambient set;
///  4. sets PR_SET_NO_NEW_PRIVS, so no later execve can grant anything back;
///  5. verifies: CapEff and CapPrm read 0 in /proc/self/status, and after a user switch,
///     setuid(0)/setgid(0) fail.
/// Returns false with `error` on any failure; the caller must then exit without capturing.
/// `summary` (optional) is for the hello message, e.g.
/// "dropped CAP_NET_RAW, CAP_NET_ADMIN; CapEff=0 CapPrm=0; uid 1000".
bool dropAllPrivileges(std::string &error, std::string *summary = nullptr);

/// The group the packaging creates for users allowed to capture.
inline constexpr const char *kCaptureGroup = "packetlens";

/// The polkit action the packaging installs for running the helper through pkexec.
inline constexpr const char *kPolkitAction = "org.packetlens.capture";

/// Whether the calling user is in kCaptureGroup.
enum class GroupMembership {
    None,         ///< not a member (or the group does not exist)
    PendingLogin, ///< listed in the group database, but this login session predates it
    Active,       ///< this process carries the group
};

/// Everything the capability hint depends on. capabilityHintContext() fills in what the system
/// says; the client sets who shows the text and whether pkexec is there.
struct CapabilityHintContext
{
    enum class Problem {
        NoCapability,  ///< the helper ran and lacks CAP_NET_RAW (it exited kExitNoPermission)
        NotExecutable, ///< this user may not run the helper (the package's 0750 root:packetlens)
    };
    /// Who shows the hint: the second fix reads differently in each.
    enum class Client {
        Helper,      ///< the helper itself, run by hand
        Application, ///< the desktop application, whose failure box has "Retry with pkexec"
        Cli,         ///< packetlens-cli
    };
    std::string helperPath;
    Problem problem = Problem::NoCapability;
    Client client = Client::Helper;
    /// The helper is an installed one (…/libexec/packetlens/packetlens-capture), as the
    /// Debian package lays it out; otherwise a build tree's.
    bool installed = false;
    bool groupExists = false; ///< kCaptureGroup exists (the Debian package makes it)
    GroupMembership membership = GroupMembership::None;
    /// pkexec is installed (Application: the failure box offers it).
    bool pkexecAvailable = false;
    /// The helper file carries cap_net_raw in its permitted set (setcap was done).
    bool fileCapabilities = false;
    /// Whom `usermod` should add: empty means "$USER", the one typing the command. Set it when
    /// the text is shown to root on behalf of the user who ran sudo.
    std::string userName;
};

/// The context for `helperPath` as this system and this process see it: installed layout,
/// file capabilities, whether kCaptureGroup exists (getgrnam) and the calling user's
/// membership (the group database against getgroups()), and Problem::NotExecutable when the
/// file exists and access(X_OK) refuses it. With `userName` (root speaking for the user who
/// ran sudo), membership is that user's listing in the group database (Active when listed).
/// client and pkexecAvailable are left to the caller.
CapabilityHintContext capabilityHintContext(const std::string &helperPath,
                                            const std::string &userName = {});

/// True for an installed helper's path (…/libexec/packetlens/packetlens-capture).
bool isInstalledHelperPath(const std::string &helperPath);

/// The helper exists at `path` but this user may not execute it (access(X_OK) fails with
/// EACCES): the Debian package's helper for a user outside kCaptureGroup.
bool helperDeniedToUser(const std::string &path);

/// The file at `path` carries cap_net_raw in its permitted set (cap_get_file).
bool helperHasFileCapabilities(const std::string &path);

/// One line saying what is wrong, for a failure's main text.
std::string capabilityProblemSummary(const CapabilityHintContext &context);

/// The two fixes, as commands to copy: (1) for good, give the helper its capabilities and join
/// kCaptureGroup (what the Debian package already did is left out); (2) for one capture, run
/// the helper through pkexec (the application) or packetlens-cli through sudo (the CLI). The
/// one source of this text: the helper, the application, the CLI and the root refusal use it.
std::string captureFixSteps(const CapabilityHintContext &context);

/// The hint for a helper that cannot capture: why, then captureFixSteps().
std::string missingCapabilityHint(const CapabilityHintContext &context);

/// The helper's own hint (Client::Helper) for `helperPath` on this system.
std::string missingCapabilityHint(const std::string &helperPath);

/// Exit status of the helper when it lacks the capability (after printing the hint), so the
/// client can tell it apart from other failures.
constexpr int kExitNoPermission = 77;

} // namespace pl::capture
