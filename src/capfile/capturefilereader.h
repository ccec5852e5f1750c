#pragma once

#include "dissect/frame.h"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace pl {

/// One capture interface: the pcap file header, or one pcapng Interface Description Block.
struct CaptureInterface
{
    uint32_t linkType = 0;               ///< LINKTYPE_* value
    uint32_t snapLen = 0;                ///< 0 = not limited / not set
    std::string name, description;       ///< pcapng if_name / if_description
    uint64_t tsUnitsPerSecond = 1000000; ///< from if_tsresol (pcap: 1e6 or 1e9)
    int64_t tsOffsetSeconds = 0;         ///< if_tsoffset
    uint32_t section = 0;                ///< which SHB (0-based) it belongs to

    /// Fraction digits its times are shown with: 6 for microseconds, 9 for nanoseconds.
    int timeDigits() const
    {
        int digits = 0;
        for (uint64_t u = 1; u < tsUnitsPerSecond && digits < 9; u *= 10)
            ++digits;
        return digits;
    }
};

/// One packet read from a capture file. Reuse one object across next() calls: its vectors
/// keep their capacity, so steady-state reading does not allocate.
struct CapturedPacket
{
    /// frame.data points into `bytes` (or, with setZeroCopy(), into the reader); number is 1-based;
    /// interfaceId is the index into CaptureFileReader::interfaces() (global over all pcapng
    /// sections).
    Frame frame;
    std::vector<uint8_t> bytes;
    std::vector<std::string> comments; ///< pcapng opt_comment of the packet
    uint64_t fileOffset = 0;           ///< where its record/block starts
    bool hasTimestamp = true;          ///< false for pcapng Simple Packet Blocks (ts is 0)
};

/// Reads pcap (µs/ns, both byte orders) and pcapng (several sections, interfaces, resolutions)
/// files sequentially with buffered reads, and indexes packet offsets for random access.
/// The file is never held in memory; the index costs 8 bytes a packet.
///
/// Error texts read "FILE: byte OFFSET: reason". open() refuses what libpcap refuses; damage
/// found later stops next() after the last good packet (damaged() then tells it apart from
/// a clean end). A clean end is not final: next() looks again, so a file still being written
/// can be followed. Not thread-safe: use one reader per thread.
class CaptureFileReader
{
public:
    enum class Format { Unknown, Pcap, PcapNg };

    CaptureFileReader();
    ~CaptureFileReader();
    CaptureFileReader(const CaptureFileReader &) = delete;
    CaptureFileReader &operator=(const CaptureFileReader &) = delete;

    /// Opens and checks the file header (pcap) or first section header (pcapng) and reads
    /// the Interface Description Blocks that follow it. false: error() says why.
    bool open(const std::string &path);
    void close();

    /// The next packet in file order. false at the end of the file or at damage.
    bool next(CapturedPacket &p);
    /// Zero-copy reading: next() and readPacket() leave `bytes` empty and point frame.data
    /// into the reader's own buffer, valid only until the next call on this reader. For
    /// loops that look at each packet once (the CLI); saves a copy of every packet.
    void setZeroCopy(bool on) { m_zeroCopy = on; }
    /// Following a file that another process is still writing (a capture's spool): a record
    /// or block cut off at the end of the file is not damage yet, only the end for now; the
    /// next call to next() looks again.
    void setFollowing(bool on) { m_following = on; }
    /// next() (or buildIndex()) stopped at damage, not at a clean end.
    bool damaged() const { return m_damaged; }
    const std::string &error() const { return m_error; }

    /// Packets indexed so far (by next() or buildIndex()).
    uint64_t packetCount() const { return m_offsets.size(); }
    /// Scans to the end, indexing every packet, without moving next()'s position.
    /// false on damage (the index then holds the good part).
    bool buildIndex();
    /// Random access, 0-based, through the index of file offsets.
    bool readPacket(uint64_t index, CapturedPacket &p);

    Format format() const { return m_format; }
    const std::string &path() const { return m_path; }
    uint64_t fileSize() const { return m_fileSize; }
    /// Interfaces seen so far, over all sections (CapturedPacket::frame.interfaceId indexes it).
    const std::vector<CaptureInterface> &interfaces() const { return m_interfaces; }
    /// Sections (pcapng SHBs) seen so far; pcap files have one.
    uint32_t sectionCount() const;
    /// opt_comment(s) of the first section header block.
    std::vector<std::string> sectionComments() const;
    /// shb_hardware / shb_os / shb_userappl of the first section, e.g.
    /// "Hardware: x; OS: Linux 6.1; Application: dumpcap"; empty if none.
    std::string sectionDescription() const;
    /// pcapng blocks seen so far, by block type (0x0A0D0D0A SHB, 1 IDB, 2 PB, 3 SPB, 4 NRB,
    /// 5 ISB, 6 EPB, 0xBAD / 0x40000BAD custom, ...). Empty for pcap.
    const std::map<uint32_t, uint64_t> &blockCounts() const { return m_blockCounts; }
    /// Short name of a pcapng block type ("SHB", "EPB", "CB", "DCB", ...; "0x..." if unknown).
    static std::string blockTypeName(uint32_t type);

private:
    struct Section
    {
        uint64_t start = 0;
        bool swap = false;
        uint32_t firstInterface = 0; ///< index in m_interfaces of its interface 0
        uint32_t interfaceCount = 0;
        std::vector<std::string> comments;
        std::string hardware, os, application;
    };
    /// A read position with its own buffer: next(), buildIndex() and readPacket() each have
    /// one, so random access does not disturb sequential reading.
    struct Cursor
    {
        uint64_t offset = 0;  ///< next record/block
        uint64_t number = 0;  ///< packets passed so far
        uint32_t section = 0; ///< index in m_sections
        std::vector<uint8_t> buf;
        uint64_t bufOffset = 0; ///< file offset of buf[0]
        size_t bufLen = 0;
        size_t readAhead = 0; ///< bytes a refill reads at least (0: the whole buffer)
        bool done = false;
    };
    enum class Step { Packet, Other, End, Damage };

    const uint8_t *packetBytes(CapturedPacket &p, const uint8_t *data, size_t len);
    const uint8_t *fetch(Cursor &c, uint64_t off, size_t n, size_t &avail);
    const uint8_t *fetchSlow(Cursor &c, uint64_t off, size_t n, size_t &avail);
    void refreshFileSize();
    bool fail(uint64_t offset, const std::string &reason);
    Step damage(uint64_t offset, const std::string &reason);
    Step incomplete(uint64_t offset, const std::string &reason);
    bool openPcap();
    bool openPcapNg();
    Step pcapRecord(Cursor &c, CapturedPacket *p);
    Step pcapngBlock(Cursor &c, CapturedPacket *p);
    Step sectionHeader(Cursor &c, const uint8_t *b, uint32_t len, bool swap, bool learn);
    Step interfaceDescription(Cursor &c, const uint8_t *b, uint32_t len, bool learn);
    Step packetBlock(Cursor &c, uint32_t type, const uint8_t *b, uint32_t len, CapturedPacket *p);
    Step step(Cursor &c, CapturedPacket *p);
    void resetCursor(Cursor &c, size_t bufSize);

    std::string m_path;
    int m_fd = -1;
    uint64_t m_fileSize = 0;
    Format m_format = Format::Unknown;
    std::string m_error;
    bool m_damaged = false;
    int m_ioError = 0; ///< errno of a failed read, reported with the next error

    // pcap
    bool m_pcapSwap = false;
    bool m_zeroCopy = false;
    bool m_following = false;
    bool m_pcapNsec = false;
    uint32_t m_pcapRecordHeader = 16; ///< 24 for the modified (Kuznetzov) format
    uint32_t m_pcapMaxCapLen = 0;

    // What scanning has learned so far; it covers the file up to m_knownEnd. A cursor
    // behind m_knownEnd replays without learning again.
    uint64_t m_knownEnd = 0;
    /// The packet index: the file offset of each packet. Chunked, so that growing it never
    /// copies (or faults in) the whole index at once while a reader holds the file.
    std::deque<uint64_t> m_offsets;
    std::vector<Section> m_sections;
    std::vector<CaptureInterface> m_interfaces;
    std::map<uint32_t, uint64_t> m_blockCounts;

    Cursor m_seq;
    Cursor m_random;
};

} // namespace pl
