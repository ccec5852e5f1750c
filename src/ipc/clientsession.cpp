// The client's end of a capture session: private socket directory, helper process, peer check.

#include "ipc/clientsession.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace pl::ipc {

namespace {

constexpr int kStopTimeoutMs = 2000;
constexpr qsizetype kMaxStderr = 64 * 1024;

// The pid of the process on the other end of a connected AF_UNIX socket, or 0.
qint64 peerPid(qintptr fd)
{
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (fd < 0 || getsockopt(int(fd), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return 0;
    return cred.pid;
}

bool isPrivateDirectory(const QString &path)
{
    struct stat st
    {
    };
    return lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISDIR(st.st_mode) &&
           st.st_uid == geteuid() && (st.st_mode & 07777) == 0700;
}

} // namespace

ClientSession::ClientSession(QObject *parent) : QObject(parent)
{
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process && m_process->state() != QProcess::NotRunning)
            m_process->kill();
    });
}

ClientSession::~ClientSession()
{
    // Receivers may be half destroyed already: end the helper quietly.
    blockSignals(true);
    stop();
}

bool ClientSession::makeSocketDirectory()
{
    // sun_path holds 108 bytes; "/capture.sock" and the 6 random letters must fit.
    constexpr qsizetype kMaxBase = sizeof(sockaddr_un::sun_path) - 40;
    QStringList bases;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime) && QFileInfo(runtime).isDir() &&
        QFile::encodeName(runtime).size() <= kMaxBase)
        bases << runtime;
    bases << QDir::tempPath() << QStringLiteral("/tmp");
    for (const QString &base : std::as_const(bases)) {
        auto dir = std::make_unique<QTemporaryDir>(base + QStringLiteral("/packetlens-XXXXXX"));
        if (!dir->isValid())
            continue;
        // QTemporaryDir creates it 0700 already; make sure no umask or ACL default changed it.
        const QByteArray path = QFile::encodeName(dir->path());
        if (path.size() > kMaxBase + 20 || chmod(path.constData(), 0700) != 0 ||
            !isPrivateDirectory(dir->path()))
            continue;
        m_dir = std::move(dir);
        return true;
    }
    m_errorString = QStringLiteral("cannot create a private socket directory under %1")
                        .arg(bases.join(QStringLiteral(", ")));
    return false;
}

QString ClientSession::findHelper()
{
    const QString env = qEnvironmentVariable("PACKETLENS_HELPER");
    if (!env.isEmpty())
        return env;
    const QString dir = QCoreApplication::applicationDirPath();
    for (const char *relative :
         {"../libexec/packetlens/packetlens-capture", "../helper/packetlens-capture"}) {
        const QString path = QDir::cleanPath(dir + QLatin1Char('/') + QLatin1String(relative));
        if (QFileInfo(path).isExecutable())
            return path;
    }
    return {};
}

bool ClientSession::start(const QString &helperProgram, const QStringList &arguments,
                          const Config &config)
{
    if (isRunning()) {
        m_errorString = QStringLiteral("a capture session is already running");
        return false;
    }
    cleanup();
    m_errorString.clear();
    m_decoder = Decoder(Decoder::Side::Client);
    m_config = config;
    m_stderr.clear();
    m_helperPid = 0;
    m_refused = 0;
    m_exitCode = 0;
    m_crashed = m_gotHello = m_errorReported = m_aborted = m_stopping = m_processDone = false;
    m_interfaceIds.clear();
    m_finished = false;

    if (!makeSocketDirectory())
        return false;
    m_server = new QLocalServer(this);
    const QString path = m_dir->path() + QStringLiteral("/capture.sock");
    if (!m_server->listen(path)) {
        m_errorString =
            QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString());
        cleanup();
        return false;
    }
    m_socketPath = m_server->fullServerName();
    connect(m_server, &QLocalServer::newConnection, this, &ClientSession::onNewConnection);

    m_process = new QProcess(this);
    m_process->setProgram(helperProgram);
    m_process->setArguments(arguments + QStringList{QStringLiteral("--socket"), m_socketPath});
    m_process->setStandardInputFile(QProcess::nullDevice());
    // The helper's stdout would mix with the CLI's own output; its stderr becomes error hints.
    m_process->setStandardOutputFile(QProcess::nullDevice());
    connect(m_process, &QProcess::readyReadStandardError, this, &ClientSession::onStandardError);
    connect(m_process, &QProcess::finished, this, &ClientSession::onProcessFinished);
    m_process->start();
    if (!m_process->waitForStarted(5000)) {
        m_errorString = QStringLiteral("cannot start the capture helper %1: %2")
                            .arg(helperProgram, m_process->errorString());
        cleanup();
        return false;
    }
    m_helperPid = m_process->processId();
    return true;
}

void ClientSession::onNewConnection()
{
    while (QLocalSocket *s = m_server ? m_server->nextPendingConnection() : nullptr) {
        const qint64 pid = peerPid(s->socketDescriptor());
        if (m_socket || pid == 0 || pid != m_helperPid) {
            ++m_refused;
            qWarning("packetlens: refused a connection to the capture socket from pid %lld "
                     "(the helper is pid %lld)",
                     static_cast<long long>(pid), static_cast<long long>(m_helperPid));
            s->abort();
            s->deleteLater();
            continue;
        }
        m_socket = s;
        connect(s, &QLocalSocket::readyRead, this, &ClientSession::onReadyRead);
        connect(s, &QLocalSocket::disconnected, this, &ClientSession::onSocketDisconnected);
        // Nobody else may connect from now on; this also removes the socket file.
        m_server->close();
        // The configuration goes first: the helper opens its sockets with it and drops its
        // privileges before it says Hello, so Hello can report what it dropped.
        const QByteArray frame = encode(m_config);
        if (frame.isEmpty())
            return abortSession(ErrorCode::Internal,
                                QStringLiteral("the capture configuration exceeds its size bound"));
        s->write(frame);
        onReadyRead();
    }
}

void ClientSession::onReadyRead()
{
    while (m_socket && m_socket->bytesAvailable() > 0) {
        m_decoder.feed(m_socket->readAll());
        Message m;
        for (;;) {
            const Decoder::Status status = m_decoder.next(m);
            if (status == Decoder::Status::NeedMore)
                break;
            if (status == Decoder::Status::Error)
                return abortSession(m_decoder.errorCode(), m_decoder.errorText());
            handle(std::move(m));
            if (m_aborted || m_finished)
                return;
        }
    }
}

void ClientSession::handle(Message &&m)
{
    if (!m_gotHello && !std::holds_alternative<Hello>(m) && !std::holds_alternative<Error>(m))
        return abortSession(ErrorCode::Protocol, QStringLiteral("the helper sent %1 before Hello")
                                                     .arg(messageTypeName(quint16(typeOf(m)))));
    if (auto *h = std::get_if<Hello>(&m)) {
        if (m_gotHello)
            return abortSession(ErrorCode::Protocol, QStringLiteral("the helper sent Hello twice"));
        if (h->protocolVersion != kProtocolVersion)
            return abortSession(ErrorCode::VersionMismatch,
                                QStringLiteral("helper speaks protocol %1, this client %2")
                                    .arg(h->protocolVersion)
                                    .arg(kProtocolVersion));
        m_gotHello = true;
        emit hello(*h);
    } else if (auto *s = std::get_if<Started>(&m)) {
        // The helper parses hostile packets: what it says must not be able to make the client
        // index out of bounds. Interface ids are unique and small; records name a started one.
        if (!m_interfaceIds.isEmpty())
            return abortSession(ErrorCode::Protocol,
                                QStringLiteral("the helper sent Started twice"));
        for (const StartedInterface &i : s->interfaces) {
            if (i.id >= quint32(kMaxInterfaces) || m_interfaceIds.contains(i.id))
                return abortSession(ErrorCode::Protocol,
                                    QStringLiteral("the helper named interface id %1 twice or "
                                                   "out of range")
                                        .arg(i.id));
            m_interfaceIds.insert(i.id);
        }
        emit started(*s);
    } else if (auto *b = std::get_if<PacketBatch>(&m)) {
        for (const PacketRecord &r : b->packets)
            if (!m_interfaceIds.contains(r.interfaceId))
                return abortSession(ErrorCode::Protocol,
                                    QStringLiteral("the helper sent a packet of interface id %1, "
                                                   "which it never started")
                                        .arg(r.interfaceId));
        emit packets(*b);
    } else if (auto *st = std::get_if<Stats>(&m)) {
        emit stats(*st);
    } else if (auto *e = std::get_if<Error>(&m)) {
        m_errorReported = true;
        emit error(*e);
    } else {
        abortSession(ErrorCode::Protocol, QStringLiteral("the helper sent a %1 message")
                                              .arg(messageTypeName(quint16(typeOf(m)))));
    }
}

void ClientSession::abortSession(ErrorCode code, const QString &text)
{
    if (m_aborted || m_finished)
        return;
    m_aborted = true;
    m_errorReported = true;
    emit error(makeError(code, text));
    // Closing the socket makes the helper exit within a second; the kill is the safety net.
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (m_server)
        m_server->close();
    if (!m_processDone)
        m_killTimer.start(kStopTimeoutMs);
}

void ClientSession::onSocketDisconnected()
{
    // A helper without its socket is useless; give it the usual time to exit by itself.
    if (!m_processDone && !m_killTimer.isActive())
        m_killTimer.start(kStopTimeoutMs);
}

void ClientSession::onStandardError()
{
    if (!m_process)
        return;
    m_stderr += m_process->readAllStandardError();
    if (m_stderr.size() > kMaxStderr)
        m_stderr.remove(0, m_stderr.size() - kMaxStderr);
}

void ClientSession::drainSocket()
{
    // The helper is gone, so the kernel holds everything it wrote and EOF follows it.
    const QDeadlineTimer deadline(1000);
    onReadyRead();
    while (m_socket && m_socket->state() == QLocalSocket::ConnectedState &&
           !deadline.hasExpired()) {
        if (!m_socket->waitForReadyRead(int(deadline.remainingTime())))
            break;
    }
    onReadyRead();
}

void ClientSession::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_processDone)
        return;
    m_processDone = true;
    m_killTimer.stop();
    m_crashed = status == QProcess::CrashExit;
    m_exitCode = m_crashed ? -1 : exitCode;
    onStandardError();
    drainSocket();
    finish();
}

void ClientSession::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    const QString hint = helperStandardError().trimmed();
    if (!m_crashed && m_exitCode == kExitNoPermission && !m_errorReported) {
        emit error(makeError(ErrorCode::NoPermission,
                             QStringLiteral("the capture helper lacks the capability to capture"),
                             hint));
    } else if (m_crashed && !m_stopping && !m_errorReported) {
        emit error(
            makeError(ErrorCode::HelperFailed, QStringLiteral("the capture helper crashed"), hint));
    } else if (!m_crashed && m_exitCode != 0 && !m_errorReported) {
        emit error(makeError(
            ErrorCode::HelperFailed,
            QStringLiteral("the capture helper exited with status %1").arg(m_exitCode), hint));
    }
    const int code = m_exitCode;
    cleanup();
    emit finished(code);
}

void ClientSession::cleanup()
{
    m_killTimer.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
    if (m_process && m_process->state() == QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    m_dir.reset(); // removes the directory (and the socket file if it is still there)
    m_socketPath.clear();
}

void ClientSession::requestStop()
{
    if (!m_process || m_finished || m_stopping)
        return;
    m_stopping = true;
    if (m_socket && m_socket->state() == QLocalSocket::ConnectedState && m_gotHello) {
        m_socket->write(encode(Stop{}));
        m_socket->flush();
    } else if (m_process->state() != QProcess::NotRunning) {
        // Not connected yet (perhaps still waiting for authentication): ask it to end.
        m_process->terminate();
    }
    if (!m_processDone && !m_killTimer.isActive())
        m_killTimer.start(kStopTimeoutMs);
}

void ClientSession::stop()
{
    if (!m_process || m_finished)
        return;
    requestStop();
    // Keep reading while waiting: a helper blocked on a full socket could not exit.
    const QDeadlineTimer deadline(kStopTimeoutMs);
    while (m_process && !m_processDone && !deadline.hasExpired()) {
        const bool connected = m_socket && m_socket->state() == QLocalSocket::ConnectedState;
        if (connected) {
            if (m_socket->bytesToWrite() > 0)
                m_socket->waitForBytesWritten(0);
            m_socket->waitForReadyRead(20);
            onReadyRead();
        }
        if (m_process && !m_processDone)
            m_process->waitForFinished(connected ? 0 : 20);
    }
    if (m_process && !m_processDone) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
    if (!m_finished) {
        // The process did not report back even after the kill; end the session anyway.
        m_crashed = true;
        m_exitCode = -1;
        finish();
    }
}

} // namespace pl::ipc
