#pragma once

#include "capfile/capturefilewriter.h"
#include "ipc/clientsession.h"

#include <QObject>
#include <QStringList>
#include <memory>

namespace pl {

/// Live capture for the application: starts the helper through a ClientSession and appends
/// every packet it delivers to a spool pcapng file (flushed with every batch, so a crash of
/// the application loses at most one batch). The packet store follows that file.
class CaptureController : public QObject
{
    Q_OBJECT
public:
    explicit CaptureController(QObject *parent = nullptr);
    ~CaptureController() override;

    /// How the helper is run: directly (it has its file capabilities), or through pkexec, which
    /// asks for an administrator's password and runs it as root (it drops everything to the
    /// calling user right after opening its sockets, as always).
    enum class Launch { Direct, Pkexec };

    /// Starts capturing as `config` says (interfaces, tcpdump-syntax filter, snaplen,
    /// promiscuous mode, buffer); false with errorString() when the spool or the helper cannot
    /// be started (nothing is emitted then).
    bool start(const ipc::Config &config, Launch launch = Launch::Direct);
    /// What the running (or last) capture was started with: Restart starts it again.
    const ipc::Config &config() const { return m_config; }
    /// Asks the helper to stop and returns at once: it delivers what it holds, then the spool
    /// is closed and finished() follows through the event loop.
    void stop();
    /// Stops and waits for the helper to end (the window closing, another file opening).
    void stopAndWait();
    bool isCapturing() const { return m_session != nullptr; }
    /// The running helper's pid (0 when none).
    qint64 helperPid() const { return m_session ? m_session->helperPid() : 0; }
    QString spoolPath() const { return m_spoolPath; }
    QString errorString() const { return m_error; }
    quint64 captured() const { return m_captured; }
    quint64 dropped() const { return m_dropped; }

    /// Where spool files go: $XDG_CACHE_HOME/packetlens (created 0700).
    static QString spoolDirectory();
    /// pkexec's path ($PACKETLENS_PKEXEC overrides it), or "" when it is not installed.
    static QString pkexecProgram();

signals:
    /// The helper opened its sockets and dropped its privileges; the spool holds the interfaces.
    void started(const QString &spoolPath, const QStringList &interfaces);
    void packetsWritten(quint64 captured);
    /// A capture error; `hint` names the fix when there is one. `permission`: the helper lacks
    /// its capabilities (start(config, Launch::Pkexec) is the other way then).
    void failed(const QString &message, const QString &hint, bool permission);
    void finished();

private:
    static QString newSpoolPath();
    void onStarted(const ipc::Started &s);
    void onPackets(const ipc::PacketBatch &b);
    void onFinished();
    void fail(const QString &message, const QString &hint = {}, bool permission = false);

    std::unique_ptr<ipc::ClientSession> m_session;
    CaptureFileWriter m_spool;
    ipc::Config m_config;
    QString m_spoolPath;
    QString m_error;
    quint64 m_captured = 0;
    quint64 m_dropped = 0;
};

} // namespace pl
