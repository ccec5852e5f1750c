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

/// The message to show when the helper lacks CAP_NET_RAW: names the exact commands that fix it.
std::string missingCapabilityHint(const std::string &helperPath);

/// The group the packaging creates for users allowed to capture.
inline constexpr const char *kCaptureGroup = "packetlens";

/// Exit status of the helper when it lacks the capability (after printing the hint), so the
/// client can tell it apart from other failures.
constexpr int kExitNoPermission = 77;

} // namespace pl::capture
