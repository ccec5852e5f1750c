#pragma once

#include "dissect/dissection.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace pl {

/// The expert notes of a capture, grouped as Wireshark's Expert Information dialog groups
/// them by default: one Summary per severity, group, protocol and expert field (the field's
/// name is the summary: `Bad checksum`, `Connection establish request (SYN)`; a note without
/// a field of its own is summed up by its message), with every note's frame and message.
struct ExpertReport
{
    /// Notes alike.
    struct Summary
    {
        Severity severity = Severity::Note;
        ExpertGroup group = ExpertGroup::Protocol;
        std::string protocol; ///< Wireshark's short name of the layer: `TCP`, `IPv4`
        std::string summary;  ///< the expert field's name, else the message
        /// The notes: frame numbers (1-based, capture order; a frame twice if noted twice)
        /// and, beside each, its message's index in `messages`.
        std::vector<uint64_t> frames;
        std::vector<uint32_t> messageOf;
        std::vector<std::string> messages; ///< distinct, as the dissectors wrote them
        const std::string &message(size_t note) const { return messages[messageOf[note]]; }
    };

    /// Sorted: severity from Error down to Comment, then by summary, group and protocol.
    std::vector<Summary> summaries;
    uint64_t framesRead = 0; ///< packets dissected (fewer than asked when cancelled or damaged)
    bool cancelled = false;
    std::string error; ///< why the file could not be read, or the damage that stopped it

    /// Notes of severity `s` (every occurrence counts).
    uint64_t count(Severity s) const;
    /// The highest severity of any note; 0 (no Severity) when there is none.
    int highestSeverity() const;
};

/// Wireshark's texts: `Error`, `Warning`, `Note`, `Chat`, `Comment`.
QString severityText(Severity s);
/// Wireshark's group names: `Checksum`, `Sequence`, `Malformed`, ...
QString expertGroupText(ExpertGroup g);
/// Wireshark's short name of a protocol field's protocol (`ip` -> `IPv4`), else its
/// abbreviation in capitals.
std::string protocolShortName(std::string_view abbrev);

/// Reads the first `count` packets of capture file `path` (all: UINT64_MAX) in capture order
/// with a fresh session and a summary dissection that collects the expert fields
/// (_ws.expert, the expert field, the message) and the protocol items, checksums verified, and
/// groups the notes. Each note's protocol is the innermost layer holding its bytes.
/// `cancel` is looked at before every packet; `progress(done)` is called about every 100 ms.
/// Runs on the calling thread. `following`: the file is a spool still being written.
/// `prefs`: the store's dissection preferences (PacketStore::preferences()), so that the notes
/// are those of the packets shown (checksums are verified whatever verifyChecksums says).
ExpertReport collectExperts(const std::string &path, bool following, uint64_t count,
                            const std::atomic<bool> &cancel,
                            const std::function<void(uint64_t done)> &progress,
                            const Preferences &prefs = {});

/// Runs collectExperts() on a worker thread for the application: progress() and finished()
/// arrive on the object's thread. One collection at a time; start() supersedes a running one.
class ExpertCollector : public QObject
{
    Q_OBJECT
public:
    explicit ExpertCollector(QObject *parent = nullptr);
    /// Stops the worker.
    ~ExpertCollector() override;

    /// Collects the first `count` packets of `path` with `prefs` (see collectExperts).
    void start(const QString &path, bool following, quint64 count, const Preferences &prefs = {});
    /// Stops the running collection; finished() follows with a cancelled report.
    void cancel();
    /// Stops and forgets: no finished() for the collection that was running, no report.
    void reset();
    bool isRunning() const { return m_running; }
    /// The last finished report (null before one); it never changes once given out.
    std::shared_ptr<const ExpertReport> report() const { return m_report; }
    /// The capture file of the report or of the running collection.
    QString path() const { return m_path; }
    /// Packets the running (or last) collection covers.
    quint64 total() const { return m_total; }

signals:
    void progress(quint64 done, quint64 total);
    void finished();

private:
    void stopWorker();

    std::thread m_worker;
    std::atomic<bool> m_cancel{false};
    uint64_t m_generation = 0; ///< tells a superseded worker's events apart
    bool m_running = false;
    QString m_path;
    quint64 m_total = 0;
    std::shared_ptr<const ExpertReport> m_report;
};

} // namespace pl
