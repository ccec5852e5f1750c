#pragma once

#include "analysis/packetrange.h"
#include "analysis/rowbits.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace pl {

/// Copies packets read by a CaptureFileReader into a CaptureFileWriter with their interfaces
/// and comments: what `packetlens-cli -r IN -w OUT` and the exporter's capture formats share.
/// pcapng gets every interface of the source in its order (so interface ids stay the same),
/// with name, description, link type and snaplen. pcap holds one link type: the first packet
/// written sets it, a packet of another link type fails with an error that says so, and the
/// snaplen is the largest of the source's interfaces, so no packet is cut.
class PacketCopier
{
public:
    /// `fileName` names the target in error messages.
    PacketCopier(const CaptureFileReader &reader, CaptureFileWriter &writer, std::string fileName)
        : m_reader(reader), m_writer(writer), m_name(std::move(fileName))
    {
    }

    /// Writes `p` (as read from the reader) with `comments`, or with its own when null.
    /// false: error() says why ("FILE: reason"); the writer's file is then not usable.
    bool write(const CapturedPacket &p, const std::vector<std::string> *comments = nullptr);
    /// Completes the file: a pcap file without packets still gets its header (the source's
    /// first link type), so that readers accept it. false: error().
    bool finish();
    const std::string &error() const { return m_error; }

private:
    bool addInterfaces();
    int writerId(uint32_t readerInterface);

    const CaptureFileReader &m_reader;
    CaptureFileWriter &m_writer;
    std::string m_name;
    std::vector<int> m_ids; ///< writer id per reader interface (-1: none yet)
    std::string m_error;
    uint64_t m_pcapFirstPacket = 0; ///< the packet that set the pcap link type
};

/// Exports packets of a capture file (an opened file or a live capture's spool) to another
/// file: capture formats (pcapng, pcap) and Wireshark's packet dissections (CSV, JSON, plain
/// text, C arrays).
///
/// The target is written as a temporary file in its directory (mode 0600, or the target's
/// mode when it exists) that is flushed, synced and renamed over the target only when
/// complete. Whatever fails (an unwritable directory, a full disk, a packet pcap cannot hold)
/// or a cancel removes the temporary file and leaves an existing target untouched; the error
/// names the target and the reason ("FILE: No space left on device").
///
/// Dissection formats dissect every packet from the first to the last exported one in
/// capture order, with one session, as the packet store's first pass does, so that
/// conversation state (relative sequence numbers) is what the packet list shows; packets not
/// exported are dissected in summary mode only. Frame numbers are 1-based positions in the
/// source file. Time columns count from the first packet of the file, not of the export.
///
/// start() runs the export in a worker thread; exportFile() is the same, synchronously, for
/// the CLI and tests.
class SessionExporter : public QObject
{
    Q_OBJECT
public:
    enum class Format {
        PcapNg,   ///< pcapng, nanosecond time stamps, interfaces and packet comments kept
        PcapUsec, ///< pcap, microseconds (time stamps cut, comments dropped)
        PcapNsec, ///< pcap with nanosecond time stamps
        Csv,      ///< Wireshark's Export Packet Dissections > As CSV
        Json,     ///< the same JSON as `packetlens-cli -T json` (`-x` with Options::jsonRaw)
        Text,     ///< Wireshark's Export Packet Dissections > As Plain Text
        CArrays,  ///< Wireshark's Export Packet Dissections > As C Arrays
    };

    struct Options
    {
        Format format = Format::PcapNg;
        /// Which frames (1-based numbers in the source file): all by default. A frame the
        /// file does not hold is not an error. For a spool that is still growing, close the
        /// range at the packets the user sees (`1-N`): an open end takes whatever is written.
        PacketRange range = PacketRange::fromSpans({PacketRange::Span{}});
        /// pcapng: comments by frame number that replace the file's own for that frame (the
        /// application's edits; an empty list removes them). Other frames keep theirs.
        QHash<quint64, QStringList> comments;
        // Text format parts (Wireshark's "Packet Format" choices).
        bool textSummary = true;                ///< the column heading and summary line
        bool textDetails = true;                ///< the details tree, all expanded
        bool textBytes = false;                 ///< the hex dump
        bool tcpRelativeSequenceNumbers = true; ///< as the packet list shows them
        /// JSON: each field's bytes, offset, length, bitmask and type as `"name_raw": [...]`
        /// (`packetlens-cli -T json -x`, tshark's form). On, because an export is read for
        /// where each field lies, not only for its value.
        bool jsonRaw = true;
    };

    struct Result
    {
        bool ok = false;
        bool cancelled = false;
        QString error;              ///< why it failed ("FILE: reason"); empty when ok or cancelled
        quint64 packets = 0;        ///< packets exported
        bool sourceDamaged = false; ///< the source ended in damage; the packets before it went out
        QString sourceError;        ///< the reader's description of that damage
    };

    /// Progress callback: source bytes read so far and the source's size.
    using ProgressFn = std::function<void(qint64 done, qint64 total)>;

    explicit SessionExporter(QObject *parent = nullptr);
    /// Cancels a running export and waits for it (nothing is left behind).
    ~SessionExporter() override;

    /// Starts exporting `source` to `target` in a worker thread; progress() and finally
    /// finished() follow. false when an export is already running.
    bool start(const QString &source, const QString &target, const Options &options);
    /// Stops the running export: the temporary file is removed, the target is untouched, and
    /// finished(false, QString()) follows with result().cancelled set.
    void cancel();
    bool isRunning() const { return m_running; }
    /// The outcome of the last finished export.
    const Result &result() const { return m_result; }

    /// The same export, synchronously, in the calling thread. `cancel` (may be null) is
    /// polled between packets; `progress` (may be empty) is called now and then. A record
    /// cut off at the end of the source (a spool still being written, a capture that was
    /// killed) ends the export cleanly; damage before that ends it with sourceDamaged set
    /// and the packets before it exported.
    static Result exportFile(const QString &source, const QString &target, const Options &options,
                             const std::atomic<bool> *cancel = nullptr,
                             const ProgressFn &progress = {});

    /// The file name suffix Wireshark uses for a format ("pcapng", "pcap", "csv", "json",
    /// "txt", "c"), for save dialogs.
    static QString suffix(Format format);
    /// Whether `format` is a capture file (pcapng/pcap) rather than a dissection export.
    static bool isCaptureFormat(Format format)
    {
        return format == Format::PcapNg || format == Format::PcapUsec || format == Format::PcapNsec;
    }

    // Building ranges from what the application keeps.

    /// Frames whose bit is set in `bits` (bit i of word i/64 is frame i+1, as
    /// PacketListModel keeps marks), among the first `count` frames: "marked packets".
    static PacketRange rangeOfBits(const RowBits &bits, uint64_t count);
    /// From the first to the last set bit, everything between included: "first to last
    /// marked". Empty when no bit is set.
    static PacketRange firstToLastOfBits(const RowBits &bits, uint64_t count);
    /// The given frame numbers, in any order, duplicates allowed ("selected", "displayed").
    static PacketRange rangeOfFrames(std::vector<uint64_t> frames);

signals:
    /// Source bytes read so far of `total`; about every 100 ms.
    void progress(qint64 done, qint64 total);
    /// The export ended: ok, or `error` says why; an empty error with ok false: cancelled.
    void finished(bool ok, const QString &error);

private:
    void finish(const Result &result);

    std::thread m_worker;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    Result m_result;
};

} // namespace pl
