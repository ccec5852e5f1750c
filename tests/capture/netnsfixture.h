#pragma once

// Network namespaces, veth pairs and forked children for the live-capture tests. Every test
// makes its own namespaces (named after the test and its pid), sends traffic only between
// them, and deletes them again, also when a check fails.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pltest {

/// Runs `ip ARGS`; true on exit status 0. `output` gets stdout + stderr.
inline bool ip(const QStringList &args, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("ip"), args);
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished();
        return false;
    }
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

/// Puts the calling thread into a named namespace (/run/netns/NAME) and back on destruction.
/// Sockets keep the namespace they were created in, so a test creates its sockets inside a
/// scope and uses them anywhere.
class NetnsScope
{
public:
    explicit NetnsScope(const QString &name)
    {
        m_home = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        const int target =
            ::open(("/run/netns/" + name.toStdString()).c_str(), O_RDONLY | O_CLOEXEC);
        if (m_home >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0)
            m_entered = true;
        if (target >= 0)
            ::close(target);
    }
    ~NetnsScope()
    {
        if (m_entered && ::setns(m_home, CLONE_NEWNET) != 0) {
            std::perror("setns back to the test's namespace");
            std::abort(); // continuing in the wrong namespace would be worse
        }
        if (m_home >= 0)
            ::close(m_home);
    }
    NetnsScope(const NetnsScope &) = delete;
    NetnsScope &operator=(const NetnsScope &) = delete;
    bool ok() const { return m_entered; }

private:
    int m_home = -1;
    bool m_entered = false;
};

/// Namespaces "pl-<tag>-<pid>-<n>", deleted (with their veths) by the destructor.
class Netns
{
public:
    explicit Netns(const QString &tag) : m_tag(tag) {}
    ~Netns() { cleanup(); }
    Netns(const Netns &) = delete;
    Netns &operator=(const Netns &) = delete;

    /// Creates one more namespace with lo up; empty on failure (`why` says what failed).
    QString add(QString *why = nullptr)
    {
        const QString name =
            QStringLiteral("pl-%1-%2-%3").arg(m_tag).arg(::getpid()).arg(m_names.size());
        QString out;
        if (!ip({QStringLiteral("netns"), QStringLiteral("add"), name}, &out)) {
            if (why)
                *why = QStringLiteral("ip netns add %1 failed: %2").arg(name, out.trimmed());
            return {};
        }
        m_names.push_back(name);
        ip({QStringLiteral("-n"), name, QStringLiteral("link"), QStringLiteral("set"),
            QStringLiteral("lo"), QStringLiteral("up")});
        return name;
    }

    void cleanup()
    {
        for (const QString &name : m_names)
            ip({QStringLiteral("netns"), QStringLiteral("del"), name});
        m_names.clear();
    }

private:
    QString m_tag;
    QStringList m_names;
};

/// Runs `ip -n NS ARGS...` split on spaces; false with the command and its output in `why`.
inline bool ipIn(const QString &ns, const QString &args, QString *why = nullptr)
{
    QStringList list{QStringLiteral("-n"), ns};
    list += args.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString out;
    const bool ok = ip(list, &out);
    if (!ok && why)
        *why = QStringLiteral("ip %1 failed: %2").arg(list.join(QLatin1Char(' ')), out.trimmed());
    return ok;
}

/// A UDP socket bound to addr:port, created inside namespace `ns`; -1 on failure.
inline int udpSocket(const QString &ns, const char *addr, uint16_t port)
{
    NetnsScope scope(ns);
    if (!scope.ok())
        return -1;
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    ::inet_pton(AF_INET, addr, &sin.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&sin), sizeof sin) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline bool sendUdp(int fd, const char *addr, uint16_t port, const void *data, size_t len)
{
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    ::inet_pton(AF_INET, addr, &sin.sin_addr);
    return ::sendto(fd, data, len, 0, reinterpret_cast<sockaddr *>(&sin), sizeof sin) ==
           ssize_t(len);
}

/// Forks; the child runs `fn` (no Qt in there: it must not touch the test's objects) and its
/// returned text comes back through a pipe. `ready` (optional) runs in the parent once the
/// child calls signalReady(fd), e.g. to send traffic it is waiting for. Returns the child's
/// text, or "fork failed" / "child died".
inline std::string runInChild(const std::function<std::string(int readyFd)> &fn,
                              const std::function<void()> &ready = {})
{
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        return "pipe failed";
    const pid_t pid = ::fork();
    if (pid < 0)
        return "fork failed";
    if (pid == 0) {
        ::close(pipeFds[0]);
        const std::string line = "RESULT:" + fn(pipeFds[1]);
        [[maybe_unused]] ssize_t n = ::write(pipeFds[1], line.data(), line.size());
        ::_exit(0);
    }
    ::close(pipeFds[1]);
    std::string text;
    bool readySent = false;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buffer, size_t(n));
        if (!readySent && text.rfind("ready\n", 0) == 0) {
            readySent = true;
            if (ready)
                ready();
        }
    }
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "child died";
    const size_t marker = text.find("RESULT:");
    return marker == std::string::npos ? "no result" : text.substr(marker + 7);
}

/// The child side of runInChild's ready handshake.
inline void signalReady(int fd)
{
    [[maybe_unused]] ssize_t n = ::write(fd, "ready\n", 6);
}

} // namespace pltest
