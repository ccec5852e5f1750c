#include "capturecontroller.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace pl {

CaptureController::CaptureController(QObject *parent) : QObject(parent) {}

CaptureController::~CaptureController()
{
    if (m_session)
        m_session->stop();
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

bool CaptureController::start(const ipc::Config &config, Launch launch)
{
    if (m_session) {
        m_error = tr("a capture is already running");
        return false;
    }
    const QString helper = ipc::ClientSession::findHelper();
    if (helper.isEmpty()) {
        m_error = tr("the capture helper packetlens-capture was not found beside the "
                     "application; set PACKETLENS_HELPER to its path");
        return false;
    }
    QString program = helper;
    QStringList arguments;
    if (launch == Launch::Pkexec) {
        // pkexec execs the helper in place, so the helper keeps the pid the session checks.
        program = pkexecProgram();
        if (program.isEmpty()) {
            m_error = tr("pkexec is not installed (Debian package pkexec)");
            return false;
        }
        arguments << helper;
    }
    m_spoolPath = newSpoolPath();
    if (!m_spool.open(m_spoolPath.toStdString(), CaptureFileWriter::Format::PcapNg,
                      "PacketLens " PACKETLENS_VERSION) ||
        !m_spool.flush()) {
        m_error = QString::fromStdString(m_spool.error());
        return false;
    }
    m_config = config;
    m_session = std::make_unique<ipc::ClientSession>();
    connect(m_session.get(), &ipc::ClientSession::started, this, &CaptureController::onStarted);
    connect(m_session.get(), &ipc::ClientSession::packets, this, &CaptureController::onPackets);
    connect(m_session.get(), &ipc::ClientSession::stats, this, [this](const ipc::Stats &s) {
        quint64 dropped = s.helperDropped;
        for (const auto &i : s.interfaces)
            dropped += i.kernelDropped;
        m_dropped = dropped;
    });
    connect(m_session.get(), &ipc::ClientSession::error, this, [this](const ipc::Error &e) {
        fail(e.message, e.hint, e.code == quint32(ipc::ErrorCode::NoPermission));
    });
    connect(m_session.get(), &ipc::ClientSession::finished, this, &CaptureController::onFinished,
            Qt::QueuedConnection);
    m_captured = m_dropped = 0;
    // The spool keeps the bytes and the store dissects them: the helper's columns would go
    // unused.
    ipc::Config sent = config;
    sent.summaries = false;
    if (!m_session->start(program, arguments, sent)) {
        m_error = m_session->errorString();
        m_session.reset();
        m_spool.close();
        QFile::remove(m_spoolPath);
        return false;
    }
    return true;
}

void CaptureController::stop()
{
    if (m_session)
        m_session->requestStop();
}

void CaptureController::stopAndWait()
{
    if (m_session)
        m_session->stop();
}

void CaptureController::onStarted(const ipc::Started &s)
{
    QStringList names;
    for (const auto &ifc : s.interfaces) {
        names << ifc.name;
        if (m_spool.addInterface({ifc.linkType, m_config.snaplen, ifc.name.toStdString(), {}}) < 0)
            return fail(QString::fromStdString(m_spool.error()));
    }
    if (!m_spool.flush())
        return fail(QString::fromStdString(m_spool.error()));
    emit started(m_spoolPath, names);
}

void CaptureController::onPackets(const ipc::PacketBatch &b)
{
    for (const ipc::PacketRecord &rec : b.packets) {
        if (!m_spool.write(ipc::frameOf(rec), rec.interfaceId))
            return fail(QString::fromStdString(m_spool.error()));
        ++m_captured;
    }
    // Flushed with every batch: the application may crash, the packets are on disk.
    if (!m_spool.flush())
        return fail(QString::fromStdString(m_spool.error()));
    emit packetsWritten(m_captured);
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
    QString path = stem + QStringLiteral(".pcapng");
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = stem + QStringLiteral("-%1.pcapng").arg(n);
    return path;
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

void CaptureController::onFinished()
{
    if (!m_spool.close() && m_error.isEmpty())
        fail(QString::fromStdString(m_spool.error()));
    m_session.reset();
    emit finished();
}

} // namespace pl
