#pragma once

#include "dissect/frame.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pl {

/// What the writer records about one capture interface.
struct WriterInterface
{
    uint32_t linkType = 1;     ///< LINKTYPE_* (16 bits; 1 = Ethernet)
    uint32_t snapLen = 262144; ///< longer packets are cut to it; 0 = no limit (pcap: 262144)
    std::string name;          ///< pcapng if_name ("eth0"); not stored in pcap
    std::string description;   ///< pcapng if_description; not stored in pcap
    /// pcapng time stamp units per second (if_tsresol): a power of 10 (1, 10, ... 10^19) or
    /// of 2 (2 ... 2^63), what the reader's CaptureInterface::tsUnitsPerSecond can hold.
    /// Copy the source's to keep its time stamps exactly; 1e6 (pcapng's default) is written
    /// without if_tsresol, like tshark/editcap do. Other values are refused by addInterface().
    /// pcap ignores it: the format decides (PcapUsec 1e6, PcapNsec 1e9).
    uint64_t tsUnitsPerSecond = 1000000000;
};

/// Writes pcapng or pcap (µs or ns) capture files, for `-w`, export and the GUI's spool.
///
/// Writes go through a large buffer straight to the file descriptor (no stdio); every
/// write(2) is checked, EINTR and partial writes are retried, and the first I/O error sticks:
/// every later call returns false and error() keeps saying why ("FILE: No space left on
/// device"). flush() pushes the buffer to the kernel, so a crash of this process loses
/// nothing flushed. Files are created with mode 0600 (like dumpcap: captures hold other
/// people's traffic). Not thread-safe.
///
/// A write error never leaves a regular file ending in half a block: the file is cut back
/// (ftruncate) to the end of the last complete block (pcapng block, pcap header or record)
/// that reached the kernel, so every byte left in it reads back. packetsWritten(),
/// bytesWritten() and interfaces() then describe the file as cut back, rolledBack() is
/// true, and once the cause is gone (the user freed space) clearError() lets writing go on
/// from there. Blocks accepted but not yet handed to the kernel are lost with the error:
/// callers that must keep every packet keep their own copy until flush() succeeds.
class CaptureFileWriter
{
public:
    enum class Format { PcapNg, PcapUsec, PcapNsec };

    CaptureFileWriter();
    /// Closes the file; an error at that point is lost, so call close() first.
    ~CaptureFileWriter();
    CaptureFileWriter(const CaptureFileWriter &) = delete;
    CaptureFileWriter &operator=(const CaptureFileWriter &) = delete;

    /// Opens `path` for writing (creates or truncates; "-" is standard output, which close()
    /// flushes but leaves open). pcapng: writes the Section Header Block with shb_os (from
    /// uname, "Linux 6.1.0-...") and shb_userappl = `application` ("PacketLens 0.1.0"), and
    /// flushes it, so an unwritable target fails here. pcap: nothing until the first
    /// addInterface(). A writer still open is closed first. false: error() says why.
    bool open(const std::string &path, Format format, const std::string &application);

    /// pcapng: writes an Interface Description Block (link type, snaplen, if_name,
    /// if_description, if_tsresol from tsUnitsPerSecond, left out for 1e6) and returns its id
    /// (0, 1, ...). A tsUnitsPerSecond that is no power of 10 or 2 is an error.
    /// pcap: the first call writes the file header with its link type and snaplen and returns
    /// 0; later calls with the same link type return 0 as well (packets are cut to the first
    /// snaplen), another link type is an error; the stored interface's tsUnitsPerSecond says
    /// 1e6 or 1e9, by format. -1 on error.
    int addInterface(const WriterInterface &ifc);

    /// Writes one packet for an id addInterface() returned: pcapng Enhanced Packet Block (time
    /// stamp in the interface's units, one opt_comment per comment, each cut to 65535 bytes),
    /// pcap record (µs, rounded down, or ns; comments are dropped: pcap cannot hold them).
    /// pcapng rounding: the unit count that the reader turns back into the same nanosecond
    /// when there is one (so times read from a 2^-n interface survive exactly), else rounded
    /// down (1.0000005 s is 1000000 µs). frame.capLen bytes
    /// of frame.data are written, cut to the interface's snaplen; the original length stays
    /// frame.wireLen (at least the captured length). frame.linkType is not looked at.
    /// A time stamp the format cannot hold (before 1970; pcap after 2106-02-07, pcapng past
    /// 2^64 units: 2554 for ns, year 586524 for µs) fails this packet only, without writing
    /// anything: the file stays good.
    bool write(const Frame &frame, uint32_t interfaceId,
               const std::vector<std::string> &comments = {});

    /// Hands all buffered bytes to the kernel. false on an I/O error (disk full, broken pipe).
    bool flush();
    /// flush() and then fdatasync(), for a spool that must survive a power cut. Descriptors
    /// that cannot sync (pipes, terminals, /dev/null) count as synced.
    bool sync();
    /// Flushes and closes. false on any I/O error since open(), including close(2)'s own.
    bool close();

    /// After a write error: the file was cut back to its last complete block (see the class
    /// comment). False for targets that cannot be cut (pipes, /dev/full) or when cutting failed.
    bool rolledBack() const { return m_rolledBack; }
    /// After a rollback: forgets the error so that writes go on at the end of the cut-back
    /// file (the next block starts where the damaged one did). false (error() unchanged) when
    /// there was no rollback or the writer is closed. A later failure rolls back again.
    bool clearError();

    bool isOpen() const { return m_fd >= 0; }
    /// An I/O error stopped the writer (sticky until clearError()); false after errors that
    /// refused one call only (a time stamp out of range, an unknown interface).
    bool hasIoError() const { return m_ioError != 0; }
    /// "FILE: reason" of the last failure; empty if none.
    const std::string &error() const { return m_error; }
    /// Packets accepted by write().
    uint64_t packetsWritten() const { return m_packets; }
    /// File size once flushed: every byte accepted so far, file header and blocks included.
    uint64_t bytesWritten() const { return m_bytes; }
    Format format() const { return m_format; }
    /// Interfaces added so far (pcap: at most one).
    const std::vector<WriterInterface> &interfaces() const { return m_interfaces; }

private:
    bool append(const void *data, size_t size);
    bool appendU16(uint16_t v) { return append(&v, 2); }
    bool appendU32(uint32_t v) { return append(&v, 4); }
    bool appendOption(uint16_t code, const void *value, size_t size);
    bool drain();
    /// Writes `size` bytes that belong at `fileOffset`; m_writtenEnd follows its progress.
    bool writeAll(const uint8_t *data, size_t size, uint64_t fileOffset);
    bool ioFailed(int err);
    bool usage(const std::string &reason);
    void reset();
    /// A complete block (or pcap header/record) has been appended.
    void endBlock();
    /// Cuts the file back to m_safe after a failed write(2).
    void rollBack();

    /// Where the file stands at a block boundary.
    struct Mark
    {
        uint64_t bytes = 0;
        uint64_t packets = 0;
        size_t interfaces = 0;
    };

    int m_fd = -1;
    bool m_ownsFd = false;
    Format m_format = Format::PcapNg;
    std::string m_name; ///< path for messages ("standard output" for "-")
    std::string m_error;
    int m_ioError = 0; ///< errno of the first I/O failure; sticky
    std::vector<uint8_t> m_buf;
    size_t m_used = 0;
    uint64_t m_packets = 0;
    uint64_t m_bytes = 0;
    std::vector<WriterInterface> m_interfaces;
    Mark m_lastBlock; ///< end of the last complete block appended (maybe still buffered)
    Mark m_safe;      ///< end of the last complete block handed to the kernel
    std::vector<Mark> m_bufferedBlocks; ///< ends of the blocks completed since the last drain
    uint64_t m_writtenEnd = 0;          ///< file offset a write(2) in progress has reached
    bool m_rolledBack = false;
};

} // namespace pl
