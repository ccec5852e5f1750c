// The capture helper's end of the session with the client.
#pragma once

#include "ipc/codec.h"

#include <QByteArray>
#include <QString>

namespace pl::ipc {

/// Connects to the client's QLocalServer socket and exchanges messages with it. Built on plain
/// non-blocking socket calls, so it needs no Qt event loop (nor a QCoreApplication): the
/// helper's main loop poll()s socketDescriptor() together with its capture rings.
///
/// Typical loop: poll() the descriptor for POLLIN (plus POLLOUT while pendingBytes() > 0);
/// then call poll(msg, 0) until it returns false, and flush() when writable. Check closed()
/// after each: it turns true as soon as the client is gone (EOF, reset) or sent a bad frame.
class HelperConnection
{
public:
    HelperConnection() = default;
    ~HelperConnection();
    HelperConnection(const HelperConnection &) = delete;
    HelperConnection &operator=(const HelperConnection &) = delete;

    /// Blocking connect to the AF_UNIX stream socket at `socketPath` (as QLocalServer listens),
    /// retried until `timeoutMs` while the server is not yet listening.
    bool connectTo(const QString &socketPath, int timeoutMs = 2000);

    /// Queues `m` and writes until everything queued is sent or `timeoutMs` passed (then false
    /// with the rest still queued). False when the socket is gone or `m` exceeds its bound.
    bool send(const Message &m, int timeoutMs = 5000);

    /// Queues `m` and writes what the socket takes now, without blocking. False when the socket
    /// is gone or `m` exceeds its size bound (see encode()).
    bool enqueue(const Message &m);
    /// Writes what the socket takes now from the queue; false when the socket is gone.
    bool flush();
    /// Encoded bytes queued but not yet written to the socket.
    qsizetype pendingBytes() const { return m_out.size() - m_outPos; }

    /// Non-blocking check (waits at most `timeoutMs`) for a message from the client (Config at
    /// start, Stop later). False when none arrived; then closed() tells whether the peer went
    /// away or sent a malformed frame (errorText() says which).
    bool poll(Message &out, int timeoutMs);

    bool closed() const { return m_fd < 0; }
    /// -1 once closed.
    int socketDescriptor() const { return m_fd; }
    /// The client's pid from SO_PEERCRED at connect time, 0 when unknown.
    qint64 peerPid() const { return m_peerPid; }
    QString errorText() const { return m_error; }

    void close();

private:
    enum class Io { Progress, WouldBlock, Gone };
    Io readSome();
    Io writeSome();
    void fail(const QString &text);

    int m_fd = -1;
    qint64 m_peerPid = 0;
    Decoder m_decoder{Decoder::Side::Helper};
    QByteArray m_out;
    qsizetype m_outPos = 0;
    QString m_error;
};

} // namespace pl::ipc
