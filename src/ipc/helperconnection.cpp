// The helper's side of the session: a non-blocking AF_UNIX stream socket driven by poll().

#include "ipc/helperconnection.h"

#include <QDeadlineTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace pl::ipc {

namespace {

QString systemError(const char *what)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(what),
                                        QString::fromLocal8Bit(strerror(errno)));
}

int remainingMs(const QDeadlineTimer &deadline)
{
    if (deadline.isForever())
        return -1;
    return int(std::max<qint64>(0, deadline.remainingTime()));
}

} // namespace

HelperConnection::~HelperConnection()
{
    close();
}

void HelperConnection::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

void HelperConnection::fail(const QString &text)
{
    if (m_error.isEmpty())
        m_error = text;
    close();
}

bool HelperConnection::connectTo(const QString &socketPath, int timeoutMs)
{
    close();
    m_error.clear();
    const QByteArray path = socketPath.toLocal8Bit();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.isEmpty() || size_t(path.size()) >= sizeof(addr.sun_path)) {
        m_error = QStringLiteral("socket path is empty or too long: %1").arg(socketPath);
        return false;
    }
    memcpy(addr.sun_path, path.constData(), path.size());

    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            m_error = systemError("socket");
            return false;
        }
        if (::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) == 0) {
            m_fd = fd;
            break;
        }
        const int err = errno;
        ::close(fd);
        // The server may not be listening yet (ENOENT) or its backlog may be full (EAGAIN).
        const bool retry = err == ENOENT || err == ECONNREFUSED || err == EAGAIN || err == EINTR;
        if (!retry || deadline.hasExpired()) {
            errno = err;
            m_error = systemError("connect");
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    fcntl(m_fd, F_SETFL, fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (getsockopt(m_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
        m_peerPid = cred.pid;
    return true;
}

HelperConnection::Io HelperConnection::writeSome()
{
    while (m_outPos < m_out.size()) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outPos, m_out.size() - m_outPos,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            m_outPos += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return Io::WouldBlock;
        fail(systemError("send"));
        return Io::Gone;
    }
    m_out.clear();
    m_outPos = 0;
    return Io::Progress;
}

HelperConnection::Io HelperConnection::readSome()
{
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            m_decoder.feed(buffer, n);
            return Io::Progress;
        }
        if (n == 0) {
            fail(QStringLiteral("the client closed the connection"));
            return Io::Gone;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return Io::WouldBlock;
        fail(systemError("recv"));
        return Io::Gone;
    }
}

bool HelperConnection::enqueue(const Message &m)
{
    if (closed())
        return false;
    const QByteArray frame = encode(m);
    if (frame.isEmpty()) {
        m_error = QStringLiteral("%1 message exceeds its size bound")
                      .arg(messageTypeName(quint16(typeOf(m))));
        return false;
    }
    if (m_outPos > 0 && m_outPos >= m_out.size() / 2) {
        m_out.remove(0, m_outPos);
        m_outPos = 0;
    }
    m_out.append(frame);
    return writeSome() != Io::Gone;
}

bool HelperConnection::flush()
{
    return !closed() && writeSome() != Io::Gone;
}

bool HelperConnection::send(const Message &m, int timeoutMs)
{
    if (!enqueue(m))
        return false;
    const QDeadlineTimer deadline(timeoutMs);
    while (pendingBytes() > 0) {
        pollfd p{m_fd, POLLOUT, 0};
        const int r = ::poll(&p, 1, remainingMs(deadline));
        if (r < 0 && errno != EINTR) {
            fail(systemError("poll"));
            return false;
        }
        if (r == 0 && deadline.hasExpired()) {
            m_error = QStringLiteral("timed out writing to the client");
            return false;
        }
        if (writeSome() == Io::Gone)
            return false;
    }
    return true;
}

bool HelperConnection::poll(Message &out, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        switch (m_decoder.next(out)) {
        case Decoder::Status::Ok:
            return true;
        case Decoder::Status::Error:
            fail(QStringLiteral("protocol error from the client: %1").arg(m_decoder.errorText()));
            return false;
        case Decoder::Status::NeedMore:
            break;
        }
        if (closed())
            return false;
        // Read first without waiting: data may be there already, and EOF must be seen even
        // when timeoutMs is 0.
        const Io io = readSome();
        if (io == Io::Progress)
            continue;
        if (io == Io::Gone || deadline.hasExpired())
            return false;
        pollfd p{m_fd, short(POLLIN | (pendingBytes() > 0 ? POLLOUT : 0)), 0};
        const int r = ::poll(&p, 1, remainingMs(deadline));
        if (r < 0 && errno != EINTR) {
            fail(systemError("poll"));
            return false;
        }
        if ((p.revents & POLLOUT) && writeSome() == Io::Gone)
            return false;
        if (r == 0 && deadline.hasExpired())
            return false;
    }
}

} // namespace pl::ipc
