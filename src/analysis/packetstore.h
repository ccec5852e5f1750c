#pragma once

#include "capfile/capturefilereader.h"
#include "dissect/dissection.h"

#include <QCache>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace pl {

/// The application's packets of one capture file. A worker thread makes the first pass
/// (read + summary dissection, so that the session learns conversations in capture order)
/// and announces packets in batches while it goes; the main thread asks for any announced
/// row at any time and gets it read from the file and dissected again (a revisit).
///
/// Nothing per packet is kept here: the file's bytes stay on disk, the reader's offset index
/// (8 bytes a packet) and the session's per-frame logs are the whole cost. The reader and the
/// session are not thread-safe, so both threads use them under one mutex, which the worker
/// takes for chunks of packets short enough (about a millisecond) not to stall the GUI.
class PacketStore : public QObject
{
    Q_OBJECT
public:
    /// The columns of one packet, computed on demand.
    struct Row
    {
        uint64_t number = 0; ///< 1-based frame number
        int64_t tsSec = 0;   ///< absolute time stamp
        uint32_t tsNsec = 0;
        bool hasTime = true; ///< false for pcapng Simple Packet Blocks
        uint32_t length = 0; ///< length on the wire
        QString source, destination, protocol, info;
        uint8_t flags = 0; ///< NodeFlag bits of the frame (Malformed, Truncated, BadChecksum)
    };

    explicit PacketStore(QObject *parent = nullptr);
    /// Stops the worker.
    ~PacketStore() override;

    /// Closes what was open and starts loading `path`. false: errorString() says why (a
    /// missing file, or one the reader refuses) and nothing loads.
    bool open(const QString &path);
    /// Like open(), for a capture's spool file that is still being written: the first pass
    /// waits at the end for more packets until stopFollowing(), then finishes.
    bool follow(const QString &path);
    void stopFollowing() { m_following = false; }
    bool isFollowing() const { return m_following; }
    /// Stops loading and forgets the file (aboutToClose()/closed() bracket it).
    void close();
    /// Stops loading promptly; what was loaded stays and loadingFinished() is emitted.
    void cancel();
    bool isLoading() const { return m_loading; }
    /// Packets announced so far (rows 0 .. count()-1 can be asked for).
    qsizetype count() const { return m_count; }
    QString filePath() const { return m_path; }
    /// Why open() failed, or where loading met damage ("FILE: byte N: reason").
    QString errorString() const { return m_error; }
    /// Loading stopped at damage in the file; the packets before it are there.
    bool damaged() const { return m_damaged; }
    /// Loading was stopped by cancel().
    bool cancelled() const { return m_cancelledLoad; }

    /// The summary of `row`, computed on demand: the packet is read from the file and dissected
    /// again in summary mode with the store's session (a revisit: same result as the first
    /// pass). Recently used rows are cached (a bounded LRU). An invalid row gives a default Row.
    Row row(qsizetype row);
    /// The packet (its bytes owned by `storage`) and its dissection in the mode of
    /// `dissection` (tree mode for the detail pane and hex view). false for an invalid row or
    /// a read error.
    bool dissect(qsizetype row, Dissection &dissection, CapturedPacket &storage);

    /// The comments of `row`: the ones the user set, else the file's (pcapng opt_comment).
    QStringList comments(qsizetype row);
    /// Replaces the comments of `row` (an empty list deletes them); dissect() shows them and
    /// an export writes them. Kept until the store closes.
    void setComments(qsizetype row, const QStringList &comments);
    /// The comments the user set, by frame number (1-based), for an export.
    QHash<quint64, QStringList> editedComments() const;
    bool hasEditedComments() const { return !m_comments.isEmpty(); }

    /// The time reference: the first packet's time stamp (0 before any packet).
    int64_t firstSec() const { return m_firstSec; }
    uint32_t firstNsec() const { return m_firstNsec; }
    /// Time stamp digits of the first interface (6 for µs files, 9 for ns).
    int timeDigits() const { return m_digits; }

    /// Bound of the row cache.
    static constexpr int kRowCacheSize = 4096;

signals:
    /// Rows first .. last (inclusive) were added; batched, at most about every 100 ms.
    void packetsAppended(qsizetype first, qsizetype last);
    /// Loading ended: at the end of the file, at damage (damaged(), errorString()) or by
    /// cancel() (cancelled()).
    void loadingFinished();
    void progress(qint64 bytesRead, qint64 totalBytes);
    /// The packets are about to go away (close() or a new open()): models reset.
    void aboutToClose();
    void closed();
    void commentsChanged(qsizetype row);

private:
    struct Shared;
    void runWorker(std::shared_ptr<Shared> shared, uint64_t generation);
    void announce(uint64_t generation, qsizetype total, int64_t firstSec, uint32_t firstNsec,
                  int digits);
    void finish(uint64_t generation, bool damaged, const QString &error);
    void stopWorker();
    bool load(const QString &path, bool following);

    std::shared_ptr<Shared> m_shared;
    std::thread m_worker;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_following{false};
    uint64_t m_generation = 0; ///< tells events of an earlier load apart

    QString m_path, m_error;
    qsizetype m_count = 0;
    bool m_loading = false;
    bool m_damaged = false;
    bool m_cancelledLoad = false;
    bool m_haveFirst = false;
    int64_t m_firstSec = 0;
    uint32_t m_firstNsec = 0;
    int m_digits = 6;

    Dissection m_rowDissection{Dissection::Mode::Summary};
    CapturedPacket m_rowPacket;
    QCache<qsizetype, Row> m_rows{kRowCacheSize};
    QHash<qsizetype, QStringList> m_comments; ///< the user's, by row
    CapturedPacket m_commentPacket;
};

} // namespace pl
