#pragma once

#include "app/spoolrecovery.h"
#include "capfile/capturefilewriter.h"
#include "ipc/clientsession.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <deque>
#include <memory>
#include <vector>

namespace pl {

/// Limits the user sets for a capture. They are the application's business, not the
/// helper's: the controller applies them to what it spools. 0 everywhere = no limit.
struct CaptureLimits
{
    quint64 packets = 0;   ///< stop after this many packets (exactly: the rest is not written)
    quint64 seconds = 0;   ///< stop after this many seconds of capturing (pauses do not count)
    quint64 megabytes = 0; ///< stop once this many MiB were spooled (over all ring files)
    /// Ring buffer: when the current spool file reaches ringFileMiB MiB, capturing goes on in
    /// a new spool file; with ringFiles > 0 only the newest ringFiles files are kept and older
    /// ones are deleted (their packets dropped on purpose, and said so). ringFileMiB = 0: one
    /// file. ringFiles = 0: new files, none deleted.
    quint64 ringFileMiB = 0;
    int ringFiles = 0;
    bool operator==(const CaptureLimits &) const = default;
};

/// Live capture for the application: starts the helper through a ClientSession and appends
/// every packet it delivers to a spool pcapng file (flushed with every batch, so a crash of
/// the application loses at most one batch). The packet store follows that file.
///
/// The session owns its spool files (a SpoolOwner lock each) from start() until release():
/// while owned, no other PacketLens offers them for recovery; after a crash, SpoolRecovery
/// finds them. A spool write error (disk full) pauses the capture: the helper is stopped,
/// the file is cut back to its last complete block, packets not yet on disk stay in memory,
/// and resume() writes them and starts the helper again, appending to the same file.
class CaptureController : public QObject
{
    Q_OBJECT
public:
    explicit CaptureController(QObject *parent = nullptr);
    /// Stops the helper; spools still owned are released without deleting them (they are
    /// offered for recovery at the next start: never lost by accident).
    ~CaptureController() override;

    /// How the helper is run: directly (it has its file capabilities), or through pkexec, which
    /// asks for an administrator's password and runs it as root (it drops everything to the
    /// calling user right after opening its sockets, as always).
    enum class Launch { Direct, Pkexec };

    /// Idle: no capture (maybe a finished one whose spool is still owned). Capturing: the
    /// helper runs (also while it is stopping). Paused: a spool write error stopped the
    /// helper; resume() or stop().
    enum class State { Idle, Capturing, Paused };
    Q_ENUM(State)
    enum class Limit { Packets, Seconds, Megabytes };
    Q_ENUM(Limit)

    /// Limits for the next start() (a running capture keeps the ones it started with).
    void setLimits(const CaptureLimits &limits) { m_nextLimits = limits; }
    const CaptureLimits &limits() const { return m_nextLimits; }

    /// Starts capturing as `config` says (interfaces, tcpdump-syntax filter, snaplen,
    /// promiscuous mode, buffer) into a new spool, with the limits of setLimits(); false with
    /// errorString() when the spool or the helper cannot be started (nothing is emitted then).
    /// Spools of a previous capture that were not release()d are released without deleting
    /// them (they become recoverable): call release() first.
    bool start(const ipc::Config &config, Launch launch = Launch::Direct);
    /// What the running (or last) capture was started with: Restart starts it again.
    const ipc::Config &config() const { return m_config; }
    /// Asks the helper to stop and returns at once: it delivers what it holds, then the spool
    /// is closed and finished() follows through the event loop. When paused: tries once more
    /// to write the packets held in memory, closes the spool, and finished() follows.
    void stop();
    /// Stops and waits for the helper to end (the window closing, another file opening).
    void stopAndWait();
    /// After spoolFailed(): writes the packets held in memory to the same spool, then starts
    /// the helper again with the same config and launch, appending to the same file (the
    /// interfaces keep their ids). false with errorString() when the spool still cannot be
    /// written (still paused) or the helper cannot start.
    bool resume();
    /// Ends the session's ownership of its spool files (all ring files kept); with
    /// `deleteFile` they are deleted (the user discarded them, or saved them elsewhere).
    /// A running or paused capture is stopped first (stopAndWait()). false with errorString()
    /// when a file could not be deleted.
    bool release(bool deleteFile);
    /// The session owns spool files (captured and not yet saved or discarded).
    bool ownsSpool() const { return !m_files.empty(); }

    State state() const;
    bool isCapturing() const { return m_session != nullptr; }
    bool isPaused() const { return m_paused; }
    /// The running helper's pid (0 when none).
    qint64 helperPid() const { return m_session ? m_session->helperPid() : 0; }
    /// The spool file being written (the newest ring file).
    QString spoolPath() const { return m_spoolPath; }
    /// Every spool file the session owns, oldest first (one unless a ring buffer rotates).
    QStringList spoolPaths() const;
    QString errorString() const { return m_error; }
    /// Packets in the spool files written by this capture (including ring files since
    /// deleted).
    quint64 captured() const { return m_captured; }
    /// Packets the kernel or the helper dropped (over all runs of a resumed capture).
    quint64 dropped() const { return m_droppedBefore + m_dropped; }
    /// Packets in ring files deleted to keep only the newest (dropped on purpose).
    quint64 droppedOnPurpose() const { return m_droppedOnPurpose; }
    /// Packets received but not on disk yet: held in memory while paused.
    quint64 pendingPackets() const { return quint64(m_queue.size()); }
    /// Bytes in the spool files this capture wrote (ring files since deleted included).
    quint64 spooledBytes() const;

    /// Where spool files go: $XDG_CACHE_HOME/packetlens (created 0700).
    static QString spoolDirectory();
    /// pkexec's path ($PACKETLENS_PKEXEC overrides it), or "" when it is not installed.
    static QString pkexecProgram();
    /// The helper to run: ipc::ClientSession::findHelper(), else the installed one when it
    /// exists but this user may not execute it (the Debian package's helper is 0750
    /// root:packetlens), so that the failure can say why and pkexec can still run it.
    static QString helperProgram();
    /// The hint for a helper that may not capture (`notExecutable`: this user may not run
    /// it), from capture::missingCapabilityHint(): the setcap/group fix for this helper and
    /// this system, and "Retry with pkexec" when pkexecProgram() exists, else how to get it.
    static QString permissionHint(const QString &helperPath, bool notExecutable = false);

signals:
    /// The helper opened its sockets and dropped its privileges; the spool holds the interfaces.
    void started(const QString &spoolPath, const QStringList &interfaces);
    /// After resume(): the helper runs again and packets go on into spoolPath().
    void resumed();
    void packetsWritten(quint64 captured);
    /// A capture error; `hint` names the fix when there is one. `permission`: the helper lacks
    /// its capabilities or this user may not run it, and it was run directly:
    /// start(config, Launch::Pkexec) is the other way then. Through pkexec it is never set
    /// (a second pkexec would not help).
    void failed(const QString &message, const QString &hint, bool permission);
    /// The spool could not be written (disk full, ...): the capture is paused (state()
    /// Paused). Everything captured stays, on disk or in memory (pendingPackets()).
    void spoolFailed(const QString &message);
    void stateChanged(pl::CaptureController::State state);
    /// A limit was reached: the capture stops (finished() follows).
    void limitReached(pl::CaptureController::Limit limit, const QString &message);
    /// The ring buffer continued in a new spool file: the window follows `newPath` now.
    void spoolRotated(const QString &newPath);
    /// The ring buffer deleted its oldest file `path` and the `packets` in it (on purpose);
    /// `totalDropped` counts them over the capture.
    void ringFileDropped(const QString &path, quint64 packets, quint64 totalDropped);
    void finished();

private:
    /// A packet received, waiting to be confirmed on disk; `spoolId` is its spool interface.
    struct Queued
    {
        ipc::PacketRecord record;
        quint32 spoolId = 0;
    };
    struct SpoolFile
    {
        SpoolOwner owner;
        quint64 packets = 0;
        quint64 bytes = 0;
    };

    QString newSpoolPath();
    bool startSession();
    bool openSpoolFile(QString *error);
    bool rotate();
    /// Writes the queue to the spool and flushes; false when that paused the capture.
    bool writeQueue();
    void confirm();
    void spoolError();
    void hitLimit(Limit limit, const QString &message);
    void setPaused(bool paused);
    /// The helper of session `generation` is gone (finished() of ClientSession).
    void sessionEnded(quint64 generation);
    void finishPaused();
    void finishCapture();
    void onStarted(const ipc::Started &s);
    void onPackets(const ipc::PacketBatch &b);
    void fail(const QString &message, const QString &hint = {}, bool permission = false);
    /// The session's error, in the application's words where the helper's would mislead.
    void onSessionError(const ipc::Error &e);

    std::unique_ptr<ipc::ClientSession> m_session;
    CaptureFileWriter m_spool;
    std::deque<SpoolFile> m_files; ///< owned spool files, oldest first; back() is written
    /// The spool's interfaces by spool id: a new ring file gets them all again, in order.
    std::vector<WriterInterface> m_interfaces;
    QHash<quint32, quint32> m_spoolIdOf; ///< helper interface id -> spool interface id
    QList<Queued> m_queue;
    qsizetype m_queueWritten = 0; ///< queue entries the writer accepted since the last flush
    quint64 m_fileConfirmed = 0;  ///< packets of the current file known to be on disk
    ipc::Config m_config;
    Launch m_launch = Launch::Direct;
    CaptureLimits m_nextLimits, m_limits;
    QString m_spoolPath;
    QString m_lastStem; ///< newSpoolPath()'s last name without its serial, and that serial
    int m_lastSerial = 0;
    QString m_error;
    quint64 m_generation = 0; ///< counts sessions started
    bool m_paused = false;
    bool m_finishing = false; ///< finishPaused() makes its last try: no new pause
    bool m_limitHit = false;
    bool m_stopRequested = false;
    bool m_resuming = false;
    /// A helper this user may not run: its failure is on its way (queued), no session.
    bool m_deniedPending = false;
    quint64 m_captured = 0;
    quint64 m_dropped = 0, m_droppedBefore = 0;
    quint64 m_droppedOnPurpose = 0;
    quint64 m_closedBytes = 0; ///< bytes of ring files already closed
    QTimer m_secondsLimit;
    QElapsedTimer m_activeClock;
    qint64 m_activeMs = 0; ///< capturing time before the current run
};

} // namespace pl
