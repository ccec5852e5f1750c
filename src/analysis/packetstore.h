#pragma once

#include "analysis/displayfilter.h"
#include "analysis/rowbits.h"
#include "capfile/capturefilereader.h"
#include "dissect/dissection.h"
#include "dissect/preferences.h"

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
#include <vector>

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
///
/// Display filter: one bit per row says whether the row is displayed. Rows the first pass
/// dissects after setDisplayFilter() are filtered by it as it goes, before they are announced;
/// the rows it had dissected before are filtered by a second pass over the file on another
/// thread (its own reader and a fresh session from frame 1, so stateful fields come out as in
/// the first pass). Its result reaches the main thread as a queued event, like announcements.
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
        /// Index (in setColoringRules()' order) of the first coloring rule that matches the
        /// packet; -1: none does.
        int colorRule = -1;
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

    // --- Display filter ---

    /// Applies `filter` to every row, asynchronously: rows announced so far keep their old
    /// state until displayFilterApplied() (filterProgress() meanwhile); rows announced from now
    /// on are filtered before packetsAppended(). A later call supersedes a pass still running.
    /// The filter stays set for files opened later. The empty filter displays every row; a
    /// filter that did not compile displays none (do not apply one).
    void setDisplayFilter(const DisplayFilter &filter);
    const DisplayFilter &displayFilter() const { return m_filter; }
    /// Whether announced `row` passes the display filter (true for every row without one).
    /// Valid inside a packetsAppended() handler for the rows it announces.
    bool isDisplayed(qsizetype row) const;
    /// Displayed rows among the announced ones.
    qsizetype displayedCount() const { return m_displayedCount; }
    /// setDisplayFilter()'s pass over the rows loaded before it is still running.
    bool isFiltering() const { return m_filtering; }

    /// Coloring rules in order of priority: row() sets Row::colorRule to the first that
    /// matches. Clears the row cache and emits coloringRulesChanged().
    void setColoringRules(const std::vector<DisplayFilter> &rules);
    const std::vector<DisplayFilter> &coloringRules() const { return m_colorRules; }

    /// Whether `row` passes `filter` (Find, Go to): the packet is dissected again with the
    /// store's session, on the calling (main) thread. false for an invalid row.
    bool matches(qsizetype row, const DisplayFilter &filter);

    // --- Preferences ---

    /// The dissection preferences (relative sequence numbers, TCP reassembly, IPv4/IPv6
    /// defragmentation) of every dissection the store makes: its first pass, rows, dissect(),
    /// matches() and the display filter's pass. Only those four are taken from `prefs`; whether
    /// checksums are verified stays the store's own decision (what a row or filter needs).
    /// Changed preferences change what earlier frames leave for later ones, so the capture is
    /// dissected again from frame 1, like Wireshark: the file is opened again (aboutToClose(),
    /// closed(), then packetsAppended() as it loads), keeping the display filter and the
    /// comments the user edited. A live capture still being written cannot be read again
    /// while it grows: then the preferences are only noted and apply from the next open() or
    /// follow(); the result is false and preferencesPending() is true.
    /// true: in effect now (nothing open, nothing changed, or the capture is being re-read).
    bool setPreferences(const Preferences &prefs);
    /// The preferences set last (in effect for the next capture even while pending).
    const Preferences &preferences() const { return m_prefs; }
    /// setPreferences() was deferred: the capture open was dissected with other preferences.
    bool preferencesPending() const;
    /// The preferences the open capture is dissected with (preferences() unless pending), for
    /// a pass over its file that must agree with the packet list (Follow Stream, expert info).
    /// Its verifyChecksums is not the store's: set your own.
    const Preferences &activePreferences() const { return m_activePrefs; }

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
    /// setDisplayFilter()'s pass is done: isDisplayed() and displayedCount() are final for
    /// every row announced so far (one signal per setDisplayFilter() that was not superseded
    /// or ended by close()/open()).
    void displayFilterApplied();
    /// The pass has filtered `done` of the `total` rows it covers; at most about every 100 ms.
    void filterProgress(qsizetype done, qsizetype total);
    /// setColoringRules() changed the rules: rows must be asked for again.
    void coloringRulesChanged();

private:
    struct Shared;
    void runWorker(std::shared_ptr<Shared> shared, uint64_t generation, Preferences prefs);
    void announce(uint64_t generation, qsizetype total, int64_t firstSec, uint32_t firstNsec,
                  int digits);
    void finish(uint64_t generation, bool damaged, const QString &error);
    void stopWorker();
    void stopPass();
    void passFinished(uint64_t generation, uint64_t filterGeneration,
                      std::shared_ptr<const RowBits> bits, uint64_t rows);
    bool load(const QString &path, bool following);
    /// The four dissection preferences of `from`, into `to` (verifyChecksums untouched).
    static void copyDissectionPrefs(const Preferences &from, Preferences &to);
    /// Gives `d` the open capture's dissection preferences (a revisit of the store's session).
    void applyPreferences(Dissection &d) const;

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

    DisplayFilter m_filter;
    uint64_t m_filterGeneration = 0; ///< tells a superseded pass's events apart
    /// Bit per announced row (and, once a pass is done, per row it covered): displayed.
    RowBits m_displayed;
    qsizetype m_displayedCount = 0;
    bool m_filtering = false;
    /// The first pass filtered rows from here on with m_filter; the rows before it are
    /// setDisplayFilter()'s pass's (until it is done, they show the previous filter's state).
    uint64_t m_switchRow = 0;
    bool m_passDone = true;
    std::thread m_pass;
    std::atomic<bool> m_passCancel{false};

    Preferences m_prefs;       ///< what setPreferences() asked for
    Preferences m_activePrefs; ///< what the open capture's first pass was dissected with

    std::vector<DisplayFilter> m_colorRules;
    FieldInterest m_colorInterest; ///< what every rule reads, for m_rowDissection
    Dissection m_matchDissection{Dissection::Mode::Summary};
    CapturedPacket m_matchPacket;
};

} // namespace pl
