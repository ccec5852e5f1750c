#include "app/spoolrecovery.h"

#include "app/capturecontroller.h"
#include "capfile/capturefilereader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pl {
namespace {

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

QString tr(const char *text)
{
    return QCoreApplication::translate("pl::SpoolRecovery", text);
}

uint32_t swapped(uint32_t v, bool swap)
{
    return swap ? __builtin_bswap32(v) : v;
}

bool readAt(int fd, void *data, size_t size, off_t at)
{
    ssize_t r;
    do
        r = ::pread(fd, data, size, at);
    while (r < 0 && errno == EINTR);
    return r == ssize_t(size);
}

/// The end of the last whole pcapng block, when the file ends in a block cut short (a crash
/// in the middle of a write): `cut` is then true. Damage in the middle of a file is not
/// ours to cut away (another tool may still make sense of it): `cut` stays false.
off_t completeBlocksEnd(int fd, bool &cut)
{
    cut = false;
    struct stat st;
    if (::fstat(fd, &st) != 0)
        return -1;
    const off_t size = st.st_size;
    constexpr uint32_t kShb = 0x0A0D0D0A, kMagic = 0x1A2B3C4D;
    bool swap = false;
    off_t at = 0;
    while (at < size) {
        uint32_t head[3];
        if (size - at < off_t(sizeof head)) {
            cut = true;
            return at;
        }
        if (!readAt(fd, head, sizeof head, at))
            return -1;
        if (head[0] == kShb) {
            if (head[2] == kMagic)
                swap = false;
            else if (__builtin_bswap32(head[2]) == kMagic)
                swap = true;
            else
                return at;
        }
        const uint32_t len = swapped(head[1], swap);
        if (len < 12 || len % 4)
            return at;
        if (off_t(len) > size - at) {
            cut = true;
            return at;
        }
        uint32_t trailer;
        if (!readAt(fd, &trailer, 4, at + off_t(len) - 4) || swapped(trailer, swap) != len)
            return at;
        at += off_t(len);
    }
    return at;
}

QDateTime timeOf(const Frame &f)
{
    return QDateTime::fromMSecsSinceEpoch(f.tsSec * 1000 + f.tsNsec / 1000000, Qt::UTC);
}

} // namespace

SpoolOwner::~SpoolOwner()
{
    release(false);
}

SpoolOwner::SpoolOwner(SpoolOwner &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)),
      m_error(std::move(other.m_error))
{
}

SpoolOwner &SpoolOwner::operator=(SpoolOwner &&other) noexcept
{
    if (this != &other) {
        release(false);
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
        m_error = std::move(other.m_error);
    }
    return *this;
}

bool SpoolOwner::acquire(const QString &path)
{
    release(false);
    m_error.clear();
    const QByteArray name = QFile::encodeName(path);
    int fd;
    do
        fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        m_error = path + QStringLiteral(": ") + errnoText(errno);
        return false;
    }
    int r;
    do
        r = ::flock(fd, LOCK_EX | LOCK_NB);
    while (r != 0 && errno == EINTR);
    if (r != 0) {
        const int err = errno;
        ::close(fd);
        m_error = err == EWOULDBLOCK ? tr("%1 belongs to a running PacketLens session").arg(path)
                                     : path + QStringLiteral(": ") + errnoText(err);
        return false;
    }
    // The previous owner may have deleted (and another created) the file between our open
    // and our lock: only the file still under this name counts.
    struct stat mine, now;
    if (::fstat(fd, &mine) != 0 || ::stat(name.constData(), &now) != 0 ||
        mine.st_dev != now.st_dev || mine.st_ino != now.st_ino) {
        ::close(fd);
        m_error = tr("%1 was removed by another session").arg(path);
        return false;
    }
    m_fd = fd;
    m_path = path;
    return true;
}

bool SpoolOwner::create(const QString &path)
{
    release(false);
    m_error.clear();
    const QByteArray name = QFile::encodeName(path);
    int fd;
    do
        fd = ::open(name.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        m_error = path + QStringLiteral(": ") + errnoText(errno);
        return false;
    }
    ::close(fd);
    // Between creating and locking, a recovering session may take the empty file for a
    // crashed one and delete it; acquire() then notices the name no longer leads to it.
    if (acquire(path))
        return true;
    QFile::remove(path);
    return false;
}

bool SpoolOwner::release(bool deleteFile)
{
    if (m_fd < 0)
        return true;
    bool ok = true;
    // Deleted while still locked: no other session can adopt it in between.
    if (deleteFile && ::unlink(QFile::encodeName(m_path).constData()) != 0 && errno != ENOENT) {
        m_error = m_path + QStringLiteral(": ") + errnoText(errno);
        ok = false;
    }
    ::close(m_fd); // drops the flock
    m_fd = -1;
    return ok;
}

bool SpoolOwner::isOwned(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool owned = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return owned;
}

SpoolRecovery::SpoolRecovery(const QString &directory)
    : m_directory(directory.isEmpty() ? CaptureController::spoolDirectory() : directory)
{
}

QStringList SpoolRecovery::nameFilters()
{
    return {QStringLiteral("capture-*.pcapng")};
}

SpoolInfo SpoolRecovery::inspect(const QString &path)
{
    SpoolInfo info;
    info.path = path;
    const QFileInfo fi(path);
    info.size = fi.size();
    info.modified = fi.lastModified();
    CaptureFileReader reader;
    if (!reader.open(path.toStdString())) {
        info.damaged = true;
        info.damage = QString::fromStdString(reader.error());
        return info;
    }
    reader.setZeroCopy(true);
    CapturedPacket p;
    while (reader.next(p)) {
        if (info.packets++ == 0)
            info.first = timeOf(p.frame);
        info.last = timeOf(p.frame);
    }
    info.damaged = reader.damaged();
    if (info.damaged)
        info.damage = QString::fromStdString(reader.error());
    for (const CaptureInterface &ifc : reader.interfaces())
        info.interfaces << QString::fromStdString(ifc.name);
    return info;
}

QList<SpoolInfo> SpoolRecovery::orphans()
{
    QList<SpoolInfo> found;
    const QFileInfoList files =
        QDir(m_directory)
            .entryInfoList(nameFilters(), QDir::Files | QDir::NoSymLinks | QDir::Hidden,
                           QDir::Time | QDir::Reversed);
    for (const QFileInfo &file : files) {
        const QString path = file.absoluteFilePath();
        // Holding the lock while reading: a session cannot start owning it half-way through.
        SpoolOwner probe;
        if (!probe.acquire(path))
            continue;
        SpoolInfo info = inspect(path);
        if (info.packets == 0) {
            // Nothing to recover: a session that crashed before its first packet.
            probe.release(true);
            continue;
        }
        found << info;
    }
    return found;
}

bool SpoolRecovery::adopt(const QString &path, SpoolOwner &owner, QString *error)
{
    if (!owner.acquire(path)) {
        if (error)
            *error = owner.errorString();
        return false;
    }
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = path + QStringLiteral(": ") + errnoText(errno);
        owner.release(false);
        return false;
    }
    bool cut = false;
    const off_t end = completeBlocksEnd(fd, cut);
    // The crash stopped a write half-way: what follows the last whole block is a fragment of
    // the batch that was being written, unreadable by any tool.
    if (cut && end >= 0 && ::ftruncate(fd, end) != 0) {
        const int err = errno;
        ::close(fd);
        owner.release(false);
        if (error)
            *error = path + QStringLiteral(": ") + errnoText(err);
        return false;
    }
    ::close(fd);
    return true;
}

bool SpoolRecovery::discard(const QString &path, QString *error)
{
    SpoolOwner owner;
    if (!owner.acquire(path) || !owner.release(true)) {
        if (error)
            *error = owner.errorString();
        return false;
    }
    return true;
}

} // namespace pl
