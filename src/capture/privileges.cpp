#include "capture/privileges.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include <grp.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace pl::capture {

namespace {

std::string errnoText(const std::string &what, int err)
{
    return what + ": " + std::strerror(err);
}

std::string capName(int cap)
{
    std::string result;
    if (char *name = cap_to_name(cap)) {
        result = name;
        cap_free(name);
    } else {
        result = "cap_" + std::to_string(cap);
    }
    for (char &c : result)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return result;
}

bool parseUid(const char *text, uid_t &uid)
{
    if (!text || !*text)
        return false;
    char *end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno || *end || v >= uid_t(-1))
        return false;
    uid = uid_t(v);
    return true;
}

/// Switches to `uid` (named by `source` in errors), with that user's supplementary groups.
bool switchToUser(uid_t uid, const char *source, std::string &error)
{
    // getpwuid_r: the buffer size the system suggests, or a generous default.
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? size_t(size) : 16384);
    passwd pw{};
    passwd *found = nullptr;
    const int rc = getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found);
    if (rc != 0 || !found) {
        error = std::string(source) + " " + std::to_string(uid) + " is not a known user" +
                (rc ? ": " + std::string(std::strerror(rc)) : std::string());
        return false;
    }
    if (initgroups(pw.pw_name, pw.pw_gid) != 0)
        return error = errnoText("initgroups", errno), false;
    if (setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid) != 0)
        return error = errnoText("setresgid", errno), false;
    if (setresuid(uid, uid, uid) != 0)
        return error = errnoText("setresuid", errno), false;
    return true;
}

} // namespace

CapabilityState currentCapabilities()
{
    CapabilityState state;
    std::ifstream in("/proc/self/status");
    std::string line;
    auto field = [&](const char *key, uint64_t &out) {
        const size_t n = std::strlen(key);
        if (line.compare(0, n, key) == 0)
            out = std::strtoull(line.c_str() + n, nullptr, 16);
    };
    while (std::getline(in, line)) {
        field("CapInh:", state.inheritable);
        field("CapPrm:", state.permitted);
        field("CapEff:", state.effective);
        field("CapBnd:", state.bounding);
        field("CapAmb:", state.ambient);
    }
    return state;
}

bool hasCapability(int cap)
{
    if (cap < 0 || !cap_valid(cap))
        return false;
    cap_t caps = cap_get_proc();
    if (!caps)
        return false;
    cap_flag_value_t effective = CAP_CLEAR, permitted = CAP_CLEAR;
    cap_get_flag(caps, cap_value_t(cap), CAP_EFFECTIVE, &effective);
    cap_get_flag(caps, cap_value_t(cap), CAP_PERMITTED, &permitted);
    bool result = effective == CAP_SET;
    if (!result && permitted == CAP_SET) {
        const cap_value_t value = cap;
        result =
            cap_set_flag(caps, CAP_EFFECTIVE, 1, &value, CAP_SET) == 0 && cap_set_proc(caps) == 0;
    }
    cap_free(caps);
    return result;
}

bool dropAllPrivileges(std::string &error, std::string *summary)
{
    error.clear();
    const CapabilityState before = currentCapabilities();

    // The bounding set limits what any later execve could gain; dropping it needs CAP_SETPCAP,
    // which only a root-started helper has. With plain file capabilities this is skipped, and
    // PR_SET_NO_NEW_PRIVS below covers execve instead.
    if (CAP_IS_SUPPORTED(CAP_SETPCAP) && hasCapability(CAP_SETPCAP)) {
        for (cap_value_t c = 0; c <= CAP_LAST_CAP; ++c) {
            if (cap_drop_bound(c) != 0 && errno != EINVAL)
                return error =
                           errnoText("dropping " + capName(c) + " from the bounding set", errno),
                       false;
        }
        // Root without capabilities would regain them on execve: lock that door too.
        if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED) != 0)
            return error = errnoText("PR_SET_SECUREBITS", errno), false;
    }

    // Switching user needs CAP_SETUID/CAP_SETGID, so it comes before clearing the sets. Uid 0
    // without capabilities still owns root's files, so a root-started helper never decodes as
    // root: it becomes the user who ran pkexec or sudo, or else "nobody".
    bool switched = false;
    uid_t target = 0;
    if (getuid() == 0 || geteuid() == 0) {
        const char *source = "PKEXEC_UID";
        if (!parseUid(std::getenv(source), target) || target == 0) {
            source = "SUDO_UID";
            if (!parseUid(std::getenv(source), target) || target == 0) {
                source = "the user nobody";
                const passwd *nobody = getpwnam("nobody");
                target = nobody ? nobody->pw_uid : uid_t(65534);
            }
        }
        if (!switchToUser(target, source, error))
            return false;
        switched = true;
    }

    cap_t empty = cap_init(); // all three sets clear
    if (!empty)
        return error = errnoText("cap_init", errno), false;
    const int rc = cap_set_proc(empty);
    const int setErr = errno;
    cap_free(empty);
    if (rc != 0)
        return error = errnoText("cap_set_proc (clearing all capabilities)", setErr), false;

    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return error = errnoText("clearing the ambient capability set", errno), false;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return error = errnoText("PR_SET_NO_NEW_PRIVS", errno), false;

    const CapabilityState after = currentCapabilities();
    if (after.effective != 0 || after.permitted != 0 || after.inheritable != 0 ||
        after.ambient != 0) {
        error = "capabilities still present after dropping them (CapEff=" +
                std::to_string(after.effective) + " CapPrm=" + std::to_string(after.permitted) +
                ")";
        return false;
    }
    if (switched) {
        if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || getuid() != target ||
            geteuid() != target) {
            error = "could regain root after switching to uid " + std::to_string(target);
            return false;
        }
    }

    if (summary) {
        std::string names;
        int count = 0;
        const uint64_t held = before.permitted | before.effective;
        for (int c = 0; c < 64; ++c) {
            if (held & (uint64_t(1) << c))
                ++count;
        }
        if (count == 0) {
            names = "no capabilities";
        } else if (count <= 4) {
            for (int c = 0; c < 64; ++c) {
                if (!(held & (uint64_t(1) << c)))
                    continue;
                names += names.empty() ? "" : ", ";
                names += capName(c);
            }
        } else {
            names = "all " + std::to_string(count) + " capabilities";
        }
        *summary = "dropped " + names + "; CapEff=0 CapPrm=0; uid " + std::to_string(getuid());
    }
    return true;
}

std::string missingCapabilityHint(const std::string &helperPath)
{
    return "packetlens-capture needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode) to "
           "capture. Run:\n  sudo setcap cap_net_raw,cap_net_admin=eip " +
           helperPath + "\nand add yourself to the " + kCaptureGroup +
           " group:\n  sudo usermod -aG " + kCaptureGroup +
           " $USER\n(then log in again so the group applies).";
}

} // namespace pl::capture
