#include "capturecontroller.h"

#include "capture/privileges.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>
#include <utility>

namespace pl {
namespace {
constexpr quint64 kMiB = quint64(1) << 20;
}

CaptureController::CaptureController(QObject *parent) : QObject(parent)
{
    m_secondsLimit.setSingleShot(true);
    m_secondsLimit.setTimerType(Qt::PreciseTimer); // a coarse timer may end it 5% early
    connect(&m_secondsLimit, &QTimer::timeout, this, [this] {
        hitLimit(Limit::Seconds, tr("The capture stopped after %n second(s), as its limit says.",
                                    nullptr, int(m_limits.seconds)));
    });
}

CaptureController::~CaptureController()
{
    if (m_session)
        m_session->stop();
    m_spool.close();
    // m_files' owners release their spools without deleting them: recoverable next time.
}

QString CaptureController::spoolDirectory()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    const QString dir = base + QStringLiteral("/packetlens");
    QDir().mkpath(dir);
    QFile::setPermissions(dir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return dir;
}

CaptureController::State CaptureController::state() const
{
    if (m_paused)
        return State::Paused;
    return m_session ? State::Capturing : State::Idle;
}

QStringList CaptureController::spoolPaths() const
{
    QStringList paths;
    for (const SpoolFile &f : m_files)
        paths << f.owner.path();
    return paths;
}

quint64 CaptureController::spooledBytes() const
{
    return m_closedBytes + (m_spool.isOpen() ? m_spool.bytesWritten() : 0);
}

bool CaptureController::start(const ipc::Config &config, Launch launch)
{
    if (m_session || m_paused) {
        m_error = tr("a capture is already running");
        return false;
    }
    if (helperProgram().isEmpty()) {
        m_error = tr("the capture helper packetlens-capture was not found beside the "
                     "application; set PACKETLENS_HELPER to its path");
        return false;
    }
    if (launch == Launch::Pkexec && pkexecProgram().isEmpty()) {
        m_error = tr("pkexec is not installed (Debian package pkexec)");
        return false;
    }
    // The window should have asked Save/Discard first; never delete what it did not decide.
    if (!m_files.empty())
        release(false);
    m_config = config;
    m_launch = launch;
    m_limits = m_nextLimits;
    m_interfaces.clear();
    m_spoolIdOf.clear();
    m_queue.clear();
    m_queueWritten = 0;
    m_captured = m_dropped = m_droppedBefore = m_droppedOnPurpose = m_closedBytes = 0;
    m_activeMs = 0;
    m_limitHit = m_stopRequested = false;
    m_error.clear();
    if (!openSpoolFile(&m_error))
        return false;
    if (!startSession()) {
        release(true);
        return false;
    }
    return true;
}

bool CaptureController::openSpoolFile(QString *error)
{
    const QString path = newSpoolPath();
    SpoolFile file;
    // Owned from the moment it exists: SpoolRecovery never takes it for a crashed session's.
    if (!file.owner.create(path)) {
        *error = file.owner.errorString();
        return false;
    }
    if (!m_spool.open(path.toStdString(), CaptureFileWriter::Format::PcapNg,
                      "PacketLens " PACKETLENS_VERSION)) {
        *error = QString::fromStdString(m_spool.error());
        file.owner.release(true);
        return false;
    }
    // A ring file repeats every interface in the same order: the ids stay the same.
    for (const WriterInterface &ifc : m_interfaces)
        m_spool.addInterface(ifc);
    if (!m_spool.flush()) {
        *error = QString::fromStdString(m_spool.error());
        m_spool.close();
        file.owner.release(true);
        return false;
    }
    m_files.push_back(std::move(file));
    m_spoolPath = path;
    m_fileConfirmed = 0;
    return true;
}

bool CaptureController::startSession()
{
    QString program = helperProgram();
    if (m_launch == Launch::Direct && capture::helperDeniedToUser(program.toStdString())) {
        // It cannot even start: the same failure as a helper without its capabilities, through
        // the event loop as that one comes (start() has returned by then), pkexec offered.
        m_deniedPending = true;
        const quint64 generation = ++m_generation;
        QMetaObject::invokeMethod(
            this,
            [this, generation, program] {
                if (generation != m_generation || !std::exchange(m_deniedPending, false))
                    return;
                capture::CapabilityHintContext c =
                    capture::capabilityHintContext(program.toStdString());
                fail(QString::fromStdString(capture::capabilityProblemSummary(c)),
                     permissionHint(program, true), true);
                finishCapture();
            },
            Qt::QueuedConnection);
        return true;
    }
    QStringList arguments;
    if (m_launch == Launch::Pkexec) {
        // pkexec execs the helper in place, so the helper keeps the pid the session checks.
        arguments << program;
        program = pkexecProgram();
    }
    m_session = std::make_unique<ipc::ClientSession>();
    const quint64 generation = ++m_generation;
    connect(m_session.get(), &ipc::ClientSession::started, this, &CaptureController::onStarted);
    connect(m_session.get(), &ipc::ClientSession::packets, this, &CaptureController::onPackets);
    connect(m_session.get(), &ipc::ClientSession::stats, this, [this](const ipc::Stats &s) {
        quint64 dropped = s.helperDropped;
        for (const auto &i : s.interfaces)
            dropped += i.kernelDropped;
        m_dropped = dropped;
    });
    connect(m_session.get(), &ipc::ClientSession::error, this, &CaptureController::onSessionError);
    // Queued: the session must not be deleted inside its own signal. The generation tells a
    // late call of a session already replaced (resume() right after a pause) from the current.
    connect(
        m_session.get(), &ipc::ClientSession::finished, this,
        [this, generation] { sessionEnded(generation); }, Qt::QueuedConnection);
    // The spool keeps the bytes and the store dissects them: the helper's columns would go
    // unused.
    ipc::Config sent = m_config;
    sent.summaries = false;
    if (!m_session->start(program, arguments, sent)) {
        m_error = m_session->errorString();
        m_session.reset();
        return false;
    }
    return true;
}

void CaptureController::onSessionError(const ipc::Error &e)
{
    const bool pkexec = m_launch == Launch::Pkexec;
    if (e.code == quint32(ipc::ErrorCode::NoPermission)) {
        // The helper's own hint cannot know the application: this one offers pkexec or says
        // how to get it, for the helper this application runs.
        fail(e.message, permissionHint(helperProgram()), !pkexec);
        return;
    }
    // pkexec exits 126 when the password dialog was dismissed or authorization refused, 127
    // when it could not ask (no polkit agent): not the helper's failure.
    static const QLatin1String kExited("the capture helper exited with status ");
    if (pkexec && e.code == quint32(ipc::ErrorCode::HelperFailed) &&
        (e.message == kExited + QLatin1String("126") ||
         e.message == kExited + QLatin1String("127"))) {
        fail(tr("pkexec did not run the capture helper: the administrator's password was not "
                "given, or no polkit authentication agent is running."),
             e.hint);
        return;
    }
    fail(e.message, e.hint, false);
}

void CaptureController::stop()
{
    m_stopRequested = true;
    if (m_session) {
        m_session->requestStop();
        return;
    }
    if (m_paused)
        QMetaObject::invokeMethod(this, &CaptureController::finishPaused, Qt::QueuedConnection);
}

void CaptureController::stopAndWait()
{
    m_stopRequested = true;
    if (m_session)
        m_session->stop();
    else if (m_paused)
        finishPaused();
}

bool CaptureController::resume()
{
    if (!m_paused) {
        m_error = tr("the capture is not paused");
        return false;
    }
    if (m_session) {
        // The helper is still handing over what it held; those packets join the queue.
        m_session->stop();
        sessionEnded(m_generation);
    }
    if (m_spool.isOpen() && m_spool.hasIoError() && !m_spool.clearError()) {
        m_closedBytes += m_spool.bytesWritten(); // still counts towards the MiB limit
        m_spool.close(); // could not be cut back to a clean end: go on in a new file
    }
    if (!m_spool.isOpen()) {
        if (!openSpoolFile(&m_error))
            return false;
        emit spoolRotated(m_spoolPath);
    }
    // Interfaces lost in the rollback (an interface block cut short) are written again.
    for (size_t i = m_spool.interfaces().size(); i < m_interfaces.size(); ++i)
        m_spool.addInterface(m_interfaces[i]);
    m_queueWritten = 0;
    if (!writeQueue())
        return false; // spoolError() said why; still paused
    emit packetsWritten(m_captured);
    if (m_limitHit) {
        setPaused(false);
        finishCapture();
        return true;
    }
    m_resuming = true;
    if (!startSession()) {
        m_resuming = false;
        return false;
    }
    setPaused(false);
    m_error.clear(); // the failure that paused it is over
    return true;
}

bool CaptureController::release(bool deleteFile)
{
    m_deniedPending = false; // the window has moved on: no late failure for this capture
    if (m_session) {
        m_stopRequested = true;
        m_session->stop();
        sessionEnded(m_generation);
    }
    if (m_paused)
        finishPaused();
    m_spool.close();
    bool ok = true;
    while (!m_files.empty()) {
        SpoolFile &f = m_files.front();
        if (!f.owner.release(deleteFile)) {
            m_error = f.owner.errorString();
            ok = false;
        }
        m_files.pop_front();
    }
    return ok;
}

void CaptureController::onStarted(const ipc::Started &s)
{
    QStringList names;
    m_spoolIdOf.clear();
    for (const auto &ifc : s.interfaces) {
        names << ifc.name;
        const WriterInterface wanted{ifc.linkType, m_config.snaplen, ifc.name.toStdString(), {}};
        // After resume() the helper numbers its interfaces afresh: the same interface keeps
        // its spool id, so the store sees one interface, not a copy per run.
        const auto same =
            std::find_if(m_interfaces.begin(), m_interfaces.end(), [&](const WriterInterface &w) {
                return w.linkType == wanted.linkType && w.snapLen == wanted.snapLen &&
                       w.name == wanted.name;
            });
        quint32 id = quint32(same - m_interfaces.begin());
        if (same == m_interfaces.end()) {
            m_interfaces.push_back(wanted);
            id = quint32(m_interfaces.size() - 1);
        }
        m_spoolIdOf.insert(ifc.id, id);
    }
    for (size_t i = m_spool.interfaces().size(); i < m_interfaces.size(); ++i)
        m_spool.addInterface(m_interfaces[i]);
    if (!m_spool.flush())
        return spoolError();
    m_activeClock.start();
    if (m_limits.seconds)
        m_secondsLimit.start(
            int(std::max<qint64>(0, qint64(m_limits.seconds) * 1000 - m_activeMs)));
    if (std::exchange(m_resuming, false))
        emit resumed();
    else
        emit started(m_spoolPath, names);
}

void CaptureController::onPackets(const ipc::PacketBatch &b)
{
    // After a limit the rest is not captured; while paused it waits in memory for resume().
    if (m_limitHit)
        return;
    for (const ipc::PacketRecord &rec : b.packets) {
        const auto id = m_spoolIdOf.constFind(rec.interfaceId);
        if (id != m_spoolIdOf.constEnd()) // the session already refuses unknown ids
            m_queue.append({rec, *id});
    }
    if (m_paused)
        return;
    if (writeQueue())
        emit packetsWritten(m_captured);
}

bool CaptureController::writeQueue()
{
    while (m_queueWritten < m_queue.size()) {
        const quint64 count = m_captured + quint64(m_queueWritten);
        if (m_limits.packets && count >= m_limits.packets) {
            m_queue.resize(m_queueWritten);
            hitLimit(Limit::Packets,
                     tr("The capture stopped after %n packet(s), as its limit says.", nullptr,
                        int(m_limits.packets)));
            break;
        }
        if (m_limits.megabytes && spooledBytes() >= m_limits.megabytes * kMiB) {
            m_queue.resize(m_queueWritten);
            hitLimit(
                Limit::Megabytes,
                tr("The capture stopped after %1 MiB, as its limit says.").arg(m_limits.megabytes));
            break;
        }
        if (m_limits.ringFileMiB && m_spool.packetsWritten() > 0 &&
            m_spool.bytesWritten() >= m_limits.ringFileMiB * kMiB && !rotate())
            return false;
        const Queued &q = m_queue.at(m_queueWritten);
        if (!m_spool.write(ipc::frameOf(q.record), q.spoolId)) {
            if (m_spool.hasIoError()) {
                spoolError();
                return false;
            }
            // Refused alone (a time stamp pcapng cannot hold): it cannot be kept anywhere.
            qWarning("packetlens: packet not spooled: %s", m_spool.error().c_str());
            m_queue.removeAt(m_queueWritten);
            continue;
        }
        ++m_queueWritten;
    }
    // Flushed with every batch: the application may crash, the packets are on disk.
    if (!m_spool.flush()) {
        spoolError();
        return false;
    }
    confirm();
    return true;
}

void CaptureController::confirm()
{
    m_queue.remove(0, m_queueWritten);
    m_captured += quint64(m_queueWritten);
    m_queueWritten = 0;
    m_fileConfirmed = m_spool.packetsWritten();
    if (!m_files.empty()) {
        m_files.back().packets = m_spool.packetsWritten();
        m_files.back().bytes = m_spool.bytesWritten();
    }
}

bool CaptureController::rotate()
{
    const quint64 bytes = m_spool.bytesWritten();
    if (!m_spool.close()) {
        m_closedBytes += bytes;
        spoolError();
        return false;
    }
    confirm();
    m_closedBytes += bytes;
    QString error;
    if (!openSpoolFile(&error)) {
        m_error = error;
        spoolError();
        return false;
    }
    emit spoolRotated(m_spoolPath);
    while (m_limits.ringFiles > 0 && m_files.size() > size_t(m_limits.ringFiles)) {
        SpoolFile &oldest = m_files.front();
        const QString path = oldest.owner.path();
        const quint64 packets = oldest.packets;
        oldest.owner.release(true);
        m_files.pop_front();
        m_droppedOnPurpose += packets;
        emit ringFileDropped(path, packets, m_droppedOnPurpose);
    }
    return true;
}

void CaptureController::spoolError()
{
    // The writer's reason when it has one; else what the caller set (a new file that could
    // not be made says why there).
    if ((m_spool.hasIoError() || !m_spool.isOpen()) && !m_spool.error().empty())
        m_error = QString::fromStdString(m_spool.error());
    if (m_error.isEmpty())
        m_error = tr("the spool file cannot be written");
    if (m_spool.rolledBack()) {
        // The file was cut back to its last complete block: the queued packets in it are
        // safe, the rest stay queued and are written again by resume().
        const quint64 onDisk =
            m_spool.packetsWritten() - std::min<quint64>(m_fileConfirmed, m_spool.packetsWritten());
        m_queueWritten = qsizetype(std::min<quint64>(onDisk, quint64(m_queueWritten)));
        confirm();
    }
    // Otherwise where the file ends is not known: resume() goes on in a new file with every
    // queued packet.
    m_queueWritten = 0;
    if (m_activeClock.isValid())
        m_activeMs += m_activeClock.elapsed();
    m_activeClock.invalidate();
    m_secondsLimit.stop();
    const QString message = tr("The capture is paused: the spool file cannot be written (%1). "
                               "Free some space, then resume the capture.")
                                .arg(m_error);
    if (m_session)
        m_session->requestStop();
    if (m_finishing)
        return; // the capture is ending: finishPaused() reports what is lost
    const bool wasPaused = std::exchange(m_paused, true);
    emit spoolFailed(message);
    if (!wasPaused)
        emit stateChanged(State::Paused);
}

void CaptureController::hitLimit(Limit limit, const QString &message)
{
    if (m_limitHit)
        return;
    m_limitHit = true;
    m_secondsLimit.stop();
    emit limitReached(limit, message);
    if (m_session)
        m_session->requestStop();
}

void CaptureController::setPaused(bool paused)
{
    if (std::exchange(m_paused, paused) != paused)
        emit stateChanged(state());
}

void CaptureController::sessionEnded(quint64 generation)
{
    if (generation != m_generation || !m_session)
        return;
    m_session.reset();
    m_droppedBefore += std::exchange(m_dropped, 0);
    if (m_activeClock.isValid())
        m_activeMs += m_activeClock.elapsed();
    m_activeClock.invalidate();
    m_secondsLimit.stop();
    m_resuming = false;
    if (m_paused) {
        if (m_stopRequested)
            finishPaused();
        else
            emit stateChanged(State::Paused);
        return;
    }
    finishCapture();
}

void CaptureController::finishPaused()
{
    if (!m_paused)
        return;
    // One last try (the user may have freed space); what still cannot be written is lost,
    // and said so.
    m_finishing = true;
    if (!m_queue.isEmpty() && m_spool.isOpen() && m_spool.clearError()) {
        m_queueWritten = 0;
        writeQueue();
    }
    m_finishing = false;
    m_paused = false;
    if (!m_queue.isEmpty()) {
        m_error = tr("%n packet(s) could not be written to the spool file and are lost: %1",
                     nullptr, int(m_queue.size()))
                      .arg(QString::fromStdString(m_spool.error()));
        m_queue.clear();
        emit failed(m_error, {}, false);
    }
    finishCapture();
}

void CaptureController::finishCapture()
{
    if (m_spool.isOpen() && !m_spool.close() && m_error.isEmpty())
        fail(QString::fromStdString(m_spool.error()));
    if (!m_files.empty())
        m_files.back().bytes = m_spool.bytesWritten();
    emit stateChanged(State::Idle);
    emit finished();
}

QString CaptureController::newSpoolPath()
{
    // Never an existing file's name: a restart within the same second must not truncate the
    // spool it just finished.
    const QString stem =
        spoolDirectory() +
        QStringLiteral("/capture-%1-%2")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss")))
            .arg(QCoreApplication::applicationPid());
    // Nor a name this controller used before in the same second: a ring deletes its oldest
    // files, and a new file taking a deleted one's name would sort among the oldest.
    int n = 1;
    QString path = stem + QStringLiteral(".pcapng");
    while (QFileInfo::exists(path) || (stem == m_lastStem && n <= m_lastSerial))
        path = stem + QStringLiteral("-%1.pcapng").arg(++n);
    m_lastStem = stem;
    m_lastSerial = n;
    return path;
}

QString CaptureController::helperProgram()
{
    const QString found = ipc::ClientSession::findHelper();
    if (!found.isEmpty())
        return found;
    // findHelper() skips what this user may not execute; the installed helper may be just that.
    const QString installed = QDir::cleanPath(QCoreApplication::applicationDirPath() +
                                              QStringLiteral("/../libexec/packetlens/"
                                                             "packetlens-capture"));
    return capture::helperDeniedToUser(installed.toStdString()) ? installed : QString();
}

QString CaptureController::permissionHint(const QString &helperPath, bool notExecutable)
{
    capture::CapabilityHintContext c = capture::capabilityHintContext(helperPath.toStdString());
    c.problem = notExecutable ? capture::CapabilityHintContext::Problem::NotExecutable
                              : capture::CapabilityHintContext::Problem::NoCapability;
    c.client = capture::CapabilityHintContext::Client::Application;
    c.pkexecAvailable = !pkexecProgram().isEmpty();
    return QString::fromStdString(capture::missingCapabilityHint(c));
}

QString CaptureController::pkexecProgram()
{
    const QString forced = qEnvironmentVariable("PACKETLENS_PKEXEC");
    if (!forced.isEmpty())
        return forced;
    return QStandardPaths::findExecutable(QStringLiteral("pkexec"));
}

void CaptureController::fail(const QString &message, const QString &hint, bool permission)
{
    m_error = message;
    emit failed(message, hint, permission);
    if (m_session && m_session->isRunning())
        QMetaObject::invokeMethod(this, &CaptureController::stop, Qt::QueuedConnection);
}

} // namespace pl
