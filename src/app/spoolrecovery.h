#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace pl {

/// Marks one spool file as owned by a live session: an exclusive flock(2) on a descriptor of
/// the spool itself, held until release() or destruction.
///
/// flock rather than a QLockFile beside the spool: the kernel drops the lock the moment its
/// process dies, SIGKILL and power cuts included, so there is no stale lock to detect, no
/// pid that another process may have reused, no race between two instances deciding a lock
/// is stale, and no lock file to leave behind. The descriptor is O_CLOEXEC, so the capture
/// helper (or any program the application starts) never inherits the lock. Two owners in the
/// same process exclude each other too (flock belongs to the open file description).
class SpoolOwner
{
public:
    SpoolOwner() = default;
    /// Gives the spool up without deleting it: it becomes a crashed-session spool that the
    /// next start offers to recover.
    ~SpoolOwner();
    SpoolOwner(const SpoolOwner &) = delete;
    SpoolOwner &operator=(const SpoolOwner &) = delete;
    SpoolOwner(SpoolOwner &&other) noexcept;
    SpoolOwner &operator=(SpoolOwner &&other) noexcept;

    /// Takes ownership of the existing file `path`; false with errorString() when it cannot be
    /// opened or another live session owns it. A held spool is released first.
    bool acquire(const QString &path);
    /// Creates `path` (which must not exist; mode 0600) and owns it before anyone can see it
    /// unowned: SpoolRecovery never mistakes a starting session's spool for a crashed one.
    bool create(const QString &path);
    /// Ends ownership; `deleteFile` removes the spool as well (Discard, or saved elsewhere).
    /// false when the file had to be deleted and could not be (errorString() says why).
    bool release(bool deleteFile);
    bool owns() const { return m_fd >= 0; }
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }

    /// Whether a live session owns `path` (another process, or another owner in this one).
    static bool isOwned(const QString &path);

private:
    int m_fd = -1;
    QString m_path;
    QString m_error;
};

/// What a crashed session left in one spool file.
struct SpoolInfo
{
    QString path;
    qint64 size = 0;        ///< bytes on disk
    quint64 packets = 0;    ///< readable packets (those before any damage)
    QStringList interfaces; ///< if_name of each interface, in file order
    QDateTime first, last;  ///< time stamps of the first and last packet (UTC)
    QDateTime modified;     ///< when the session last wrote to it
    bool damaged = false;   ///< the file ends in damage (a block cut by the crash)
    QString damage;         ///< the reader's message about it
};

/// Finds spool files that no live session owns (their application crashed or was killed),
/// so that the next start can offer them: adopt() one to open it like a capture file, or
/// discard() it. The spool directory is CaptureController::spoolDirectory() unless given.
class SpoolRecovery
{
public:
    explicit SpoolRecovery(const QString &directory = QString());

    QString directory() const { return m_directory; }

    /// Spools with no live owner, oldest first, each read through once with
    /// CaptureFileReader. Cleans as it goes: spools without a single readable packet (a
    /// session that crashed before any arrived) are deleted and not listed. Spools owned by a
    /// live session are skipped. (Ownership is a flock, so a crash leaves no lock file.)
    QList<SpoolInfo> orphans();

    /// Reads one spool (counts packets up to damage, interfaces, time range, size).
    static SpoolInfo inspect(const QString &path);

    /// Takes ownership of an orphan (`owner` holds it from now on; the window opens
    /// owner.path() like any capture file and later releases it, deleting it or not).
    /// A spool that ends in a block cut short by the crash is cut back to its last complete
    /// block first, so that it reads cleanly and can be saved. false with `error` when it
    /// is owned by a live session or cannot be opened.
    static bool adopt(const QString &path, class SpoolOwner &owner, QString *error = nullptr);

    /// Deletes an orphan (false with `error` if it is owned by a live session or cannot be
    /// deleted).
    static bool discard(const QString &path, QString *error = nullptr);

    /// The spool file name pattern: "capture-*.pcapng".
    static QStringList nameFilters();

private:
    QString m_directory;
};

} // namespace pl
