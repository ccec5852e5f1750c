#include "capture/privileges.h"

#include <algorithm>
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
#include <sys/stat.h>
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

bool isInstalledHelperPath(const std::string &helperPath)
{
    const std::string tail = "/libexec/packetlens/packetlens-capture";
    return helperPath.size() > tail.size() &&
           helperPath.compare(helperPath.size() - tail.size(), tail.size(), tail) == 0;
}

bool helperDeniedToUser(const std::string &path)
{
    struct stat st
    {
    };
    if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    return ::access(path.c_str(), X_OK) != 0 && errno == EACCES;
}

bool helperHasFileCapabilities(const std::string &path)
{
    cap_t caps = cap_get_file(path.c_str());
    if (!caps)
        return false;
    cap_flag_value_t raw = CAP_CLEAR;
    cap_get_flag(caps, CAP_NET_RAW, CAP_PERMITTED, &raw);
    cap_free(caps);
    return raw == CAP_SET;
}

CapabilityHintContext capabilityHintContext(const std::string &helperPath,
                                            const std::string &userName)
{
    CapabilityHintContext c;
    c.helperPath = helperPath;
    c.userName = userName;
    c.installed = isInstalledHelperPath(helperPath);
    c.fileCapabilities = helperHasFileCapabilities(helperPath);
    if (userName.empty() && helperDeniedToUser(helperPath))
        c.problem = CapabilityHintContext::Problem::NotExecutable;

    const group *g = ::getgrnam(kCaptureGroup);
    if (!g)
        return c;
    c.groupExists = true;
    const gid_t gid = g->gr_gid;
    // Copied out: the next getpw* call may reuse the static buffer getgrnam returned.
    std::vector<std::string> members;
    for (char **m = g->gr_mem; m && *m; ++m)
        members.emplace_back(*m);

    std::string name = userName;
    gid_t primary = gid_t(-1);
    const passwd *pw = userName.empty() ? ::getpwuid(::getuid()) : ::getpwnam(userName.c_str());
    if (pw) {
        primary = pw->pw_gid;
        if (name.empty())
            name = pw->pw_name;
    }
    const bool listed =
        primary == gid || std::find(members.begin(), members.end(), name) != members.end();
    if (!userName.empty()) {
        // Someone else's session cannot be seen from here: listed is the best there is.
        c.membership = listed ? GroupMembership::Active : GroupMembership::None;
        return c;
    }
    bool active = ::getegid() == gid;
    const int n = ::getgroups(0, nullptr);
    if (n > 0) {
        std::vector<gid_t> groups(static_cast<size_t>(n));
        const int got = ::getgroups(n, groups.data());
        for (int i = 0; i < got; ++i)
            active = active || groups[size_t(i)] == gid;
    }
    // A user added with usermod is listed at once, but a session keeps the groups it
    // started with: such a user must log in again, and nothing else helps.
    c.membership = active   ? GroupMembership::Active
                   : listed ? GroupMembership::PendingLogin
                            : GroupMembership::None;
    return c;
}

std::string capabilityProblemSummary(const CapabilityHintContext &c)
{
    if (c.problem == CapabilityHintContext::Problem::NotExecutable)
        return "You may not run the capture helper " + c.helperPath + ".";
    return "The capture helper has no permission to capture (it lacks CAP_NET_RAW).";
}

std::string captureFixSteps(const CapabilityHintContext &c)
{
    using Problem = CapabilityHintContext::Problem;
    using Client = CapabilityHintContext::Client;
    const std::string group = kCaptureGroup;
    const std::string user = c.userName.empty() ? std::string("$USER") : c.userName;
    const std::string usermod = "sudo usermod -aG " + group + " " + user;
    const std::string relogin = "then log out and back in, so that your session gets the group";
    std::string out = "Two ways to fix it:\n1. For good, with no password at each capture:\n";

    if (c.problem == Problem::NotExecutable) {
        if (!c.groupExists) {
            out += "     sudo chmod 0755 " + c.helperPath + "\n";
        } else if (c.membership == GroupMembership::PendingLogin) {
            out += "   You are in the " + group +
                   " group already, but this session started "
                   "before you joined it: log out and back in (or restart).\n";
        } else {
            out += "     " + usermod + "\n   " + relogin + ".\n";
        }
    } else {
        out += "     sudo setcap cap_net_raw,cap_net_admin=eip " + c.helperPath + "\n";
        if (c.installed && c.groupExists) {
            if (c.membership == GroupMembership::None)
                out += "     " + usermod + "\n   " + relogin + ".\n";
            else if (c.membership == GroupMembership::PendingLogin)
                out += "   and log out and back in: you joined the " + group +
                       " group after this session started.\n";
            out += "   The Debian package sets these capabilities when it installs the helper; "
                   "they are gone here (a file system without file capabilities, or a replaced "
                   "file).\n";
        } else {
            if (!c.installed)
                out += "   Every build replaces the helper and loses the capabilities: run "
                       "setcap again after building.\n";
            out += "   With the Debian package, the helper gets its capabilities at installation "
                   "and only members of the " +
                   group + " group may run it: there, only\n     " + usermod + "\n   is needed (" +
                   relogin + ").\n";
        }
    }

    out += "2. For one capture, with an administrator's password: ";
    switch (c.client) {
    case Client::Application:
        if (c.pkexecAvailable) {
            out += "\"Retry with pkexec\" runs the helper as root through pkexec";
            out += c.installed ? std::string(" (polkit action ") + kPolkitAction + ")" : "";
            out += "; it gives up every privilege right after opening its sockets.";
        } else {
            out += "pkexec is not installed. Install it\n     sudo apt-get install pkexec\n   "
                   "and PacketLens offers \"Retry with pkexec\" here.";
        }
        break;
    case Client::Cli:
        out += "run packetlens-cli through sudo, as with tshark\n     sudo packetlens-cli ...\n"
               "   (the helper still drops to your user after opening its sockets, but "
               "packetlens-cli then decodes the packets as root).";
        break;
    case Client::Helper:
        out += "the PacketLens application runs the helper through pkexec (\"Retry with "
               "pkexec\"; needs the pkexec package).";
        break;
    }
    return out;
}

std::string missingCapabilityHint(const CapabilityHintContext &c)
{
    std::string why;
    if (c.problem == CapabilityHintContext::Problem::NotExecutable) {
        why = c.groupExists ? "Only members of the " + std::string(kCaptureGroup) +
                                  " group may run the capture helper " + c.helperPath + ".\n"
                            : "The capture helper " + c.helperPath + " is not executable.\n";
    } else {
        why = "The capture helper " + c.helperPath +
              " needs the CAP_NET_RAW capability (and CAP_NET_ADMIN for promiscuous mode) "
              "to open its capture sockets, and does not have it.\n";
    }
    return why + captureFixSteps(c);
}

std::string missingCapabilityHint(const std::string &helperPath)
{
    CapabilityHintContext c = capabilityHintContext(helperPath);
    // The helper runs, so it may be executed; what it lacks is the capability.
    c.problem = CapabilityHintContext::Problem::NoCapability;
    return missingCapabilityHint(c);
}

} // namespace pl::capture
