// The unprivileged client's end of a capture session (the CLI now, the GUI later).
#pragma once

#include "ipc/codec.h"

#include <QObject>
#include <QProcess>
#include <QSet>
#include <QTimer>

#include <memory>

class QLocalServer;
class QLocalSocket;
class QTemporaryDir;

namespace pl::ipc {

/// Starts the capture helper and talks to it over a private local socket. Needs a running
/// event loop; everything arrives through the signals, in the order the helper sent it.
class ClientSession : public QObject
{
    Q_OBJECT
public:
    explicit ClientSession(QObject *parent = nullptr);
    ~ClientSession() override;

    /// Creates a fresh 0700 directory under $XDG_RUNTIME_DIR (fallback: a private temporary
    /// directory, also 0700) with a QLocalServer socket in it, starts `helperProgram` with
    /// `arguments` + {"--socket", path} through QProcess, accepts only the connection whose
    /// SO_PEERCRED pid equals the helper's pid (others are closed, logged with qWarning and
    /// counted: refusedPeers()), and sends it `config` at once; the helper answers Hello once
    /// its sockets are open and its privileges dropped.
    /// False (errorString() says why) when the directory, the socket or the process cannot be
    /// made; nothing is emitted then.
    bool start(const QString &helperProgram, const QStringList &arguments, const Config &config);
    /// Where packetlens-capture is: $PACKETLENS_HELPER, else beside the running program as
    /// installed (../libexec/packetlens/), else as built (../helper/). Empty when none exists.
    static QString findHelper();

    /// Sends Stop, then waits (blocking, still delivering what the helper sends meanwhile) for
    /// the helper to exit, killing it after 2 s. finished() has been emitted when it returns.
    void stop();
    /// Sends Stop and returns at once: what the helper still holds arrives through the event
    /// loop, then finished(); the helper is killed if it has not exited 2 s later. For a GUI,
    /// which must not wait the helper's last ring drain (about 150 ms).
    void requestStop();

    bool isRunning() const { return m_process && !m_finished; }
    int refusedPeers() const { return m_refused; }
    /// The listening socket's path ("" before start() and after the session ended).
    QString socketPath() const { return m_socketPath; }
    /// Why start() failed.
    QString errorString() const { return m_errorString; }
    /// The helper's pid (0 when not started).
    qint64 helperPid() const { return m_helperPid; }
    /// The helper's stderr so far (its last 64 KiB).
    QString helperStandardError() const { return QString::fromLocal8Bit(m_stderr); }

signals:
    void hello(const pl::ipc::Hello &hello);
    void started(const pl::ipc::Started &started);
    void packets(const pl::ipc::PacketBatch &batch);
    void stats(const pl::ipc::Stats &stats);
    /// From the helper, or a local one: the helper crashed or failed to run (HelperFailed), a
    /// protocol error (Protocol, VersionMismatch; the session is then closed), or the helper
    /// exited with kExitNoPermission (NoPermission; its stderr text is the hint).
    void error(const pl::ipc::Error &error);
    /// The helper is gone and the session is over; -1 when it crashed or was killed.
    void finished(int exitCode);

private:
    bool makeSocketDirectory();
    void cleanup();
    void onNewConnection();
    void onReadyRead();
    void onSocketDisconnected();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onStandardError();
    void handle(Message &&m);
    void abortSession(ErrorCode code, const QString &text);
    void drainSocket();
    void finish();

    QProcess *m_process = nullptr;
    QLocalServer *m_server = nullptr;
    QLocalSocket *m_socket = nullptr;
    std::unique_ptr<QTemporaryDir> m_dir;
    QTimer m_killTimer;
    Decoder m_decoder{Decoder::Side::Client};
    Config m_config;
    QString m_socketPath;
    QString m_errorString;
    QByteArray m_stderr;
    qint64 m_helperPid = 0;
    int m_refused = 0;
    int m_exitCode = 0;
    bool m_crashed = false;
    bool m_gotHello = false;
    QSet<quint32> m_interfaceIds; ///< ids the helper's Started named
    bool m_errorReported = false; ///< an Error was emitted: no second, vaguer one at exit
    bool m_aborted = false;
    bool m_stopping = false;
    bool m_processDone = false;
    bool m_finished = false;
};

} // namespace pl::ipc
