// Capture file reader: pcap and pcapng.
//
// pcap:   https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html, pcap-savefile(5)
// pcapng: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-01.html
//
//   pcapng block:                         pcap record:
//   +---------------------------------+   +---------------------------------+
//   | Block Type                      |   | Timestamp (seconds)             |
//   | Block Total Length              |   | Timestamp (µs or ns)            |
//   / Block Body (options: code, len, /   | Captured Length                 |
//   /   value padded to 32 bits)      /   | Original Length                 |
//   | Block Total Length (again)      |   / Packet Data                     /
//   +---------------------------------+   +---------------------------------+
//
// Every length comes from the file and is checked before use; a block or record is only
// parsed once all its bytes are in the buffer. Acceptance follows libpcap (what it refuses at
// open we refuse, with its wording where it has one) and the packet view follows tshark.

#include "capfile/capturefilereader.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pl {
namespace {

constexpr uint32_t kPcapMagicUsec = 0xa1b2c3d4;
constexpr uint32_t kPcapMagicNsec = 0xa1b23c4d;
constexpr uint32_t kPcapMagicModified = 0xa1b2cd34; // Alexey Kuznetzov's patched libpcap
constexpr uint32_t kPcapHeaderSize = 24;

constexpr uint32_t kBlockShb = 0x0A0D0D0A;
constexpr uint32_t kBlockIdb = 1;
constexpr uint32_t kBlockPb = 2; // obsolete Packet Block
constexpr uint32_t kBlockSpb = 3;
constexpr uint32_t kBlockNrb = 4;
constexpr uint32_t kBlockIsb = 5;
constexpr uint32_t kBlockEpb = 6;
constexpr uint32_t kBlockSje = 9;
constexpr uint32_t kBlockDsb = 0x0A;
constexpr uint32_t kBlockCb = 0x00000BAD;
constexpr uint32_t kBlockDcb = 0x40000BAD;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

constexpr size_t kSeqBufferSize = size_t(1) << 20;
constexpr size_t kRandomBufferSize = size_t(64) << 10;
constexpr size_t kRandomReadAhead = size_t(4) << 10;
// libpcap's MAXIMUM_SNAPLEN and Wireshark's standard maximum packet size.
constexpr uint32_t kDefaultMaxSnapLen = 262144;
// Whatever a header claims, no record or block may make us buffer more than this.
constexpr uint32_t kMaxRecordSize = 256u << 20;

__extension__ typedef unsigned __int128 U128;

inline uint16_t rd16(const uint8_t *p, bool swap)
{
    uint16_t v;
    std::memcpy(&v, p, 2);
    return swap ? __builtin_bswap16(v) : v;
}

inline uint32_t rd32(const uint8_t *p, bool swap)
{
    uint32_t v;
    std::memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

inline uint64_t rd64(const uint8_t *p, bool swap)
{
    uint64_t v;
    std::memcpy(&v, p, 8);
    return swap ? __builtin_bswap64(v) : v;
}

inline uint32_t pad4(uint32_t n)
{
    return (n + 3u) & ~3u;
}

__attribute__((format(printf, 1, 2))) std::string strf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return std::string(buf, n < 0 ? 0 : std::min<size_t>(size_t(n), sizeof buf - 1));
}

std::string optionString(const uint8_t *v, uint16_t len)
{
    // Strings are not NUL-terminated in pcapng, yet some writers add a NUL and leave junk
    // after it (pcapng-example.pcapng's comments); like Wireshark, stop at the first NUL.
    const void *nul = std::memchr(v, 0, len);
    const size_t n = nul ? size_t(static_cast<const uint8_t *>(nul) - v) : len;
    return std::string(reinterpret_cast<const char *>(v), n);
}

struct OptionError
{
    bool failed = false;
    size_t at = 0; ///< offset of the bad option inside the option area
    uint16_t code = 0;
    uint16_t length = 0;
};

/// Calls f(code, value, length) for each option of an option area; stops at opt_endofopt.
template <typename F> OptionError forEachOption(const uint8_t *p, size_t size, bool swap, F &&f)
{
    size_t pos = 0;
    while (size - pos >= 4) {
        const uint16_t code = rd16(p + pos, swap);
        const uint16_t len = rd16(p + pos + 2, swap);
        if (code == 0)
            break;
        if (len > size - pos - 4)
            return {true, pos, code, len};
        f(code, p + pos + 4, len);
        // The padding of the last option may be missing; the loop ends either way.
        pos = std::min(size, pos + 4 + pad4(len));
    }
    return {};
}

const char *blockLongName(uint32_t type)
{
    switch (type) {
    case kBlockShb:
        return "section header block";
    case kBlockIdb:
        return "interface description block";
    case kBlockPb:
        return "packet block";
    case kBlockSpb:
        return "simple packet block";
    case kBlockEpb:
        return "enhanced packet block";
    default:
        return "block";
    }
}

/// pcapng time stamp in interface units to seconds + nanoseconds, without overflow: the
/// quotient of a 64-bit count may not fit in int64 (1 unit a second), the remainder times 1e9
/// may not fit in 64 bits (2^-n resolutions).
void pcapngTime(uint64_t ts, const CaptureInterface &ifc, int64_t &sec, uint32_t &nsec)
{
    const uint64_t units = std::max<uint64_t>(ifc.tsUnitsPerSecond, 1);
    const uint64_t whole = ts / units;
    nsec = uint32_t(U128(ts % units) * 1000000000u / units);
    int64_t s = whole > uint64_t(std::numeric_limits<int64_t>::max())
                    ? std::numeric_limits<int64_t>::max()
                    : int64_t(whole);
    if (__builtin_add_overflow(s, ifc.tsOffsetSeconds, &s))
        s = ifc.tsOffsetSeconds < 0 ? std::numeric_limits<int64_t>::min()
                                    : std::numeric_limits<int64_t>::max();
    sec = s;
}

} // namespace

CaptureFileReader::CaptureFileReader() = default;

CaptureFileReader::~CaptureFileReader()
{
    close();
}

void CaptureFileReader::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_path.clear();
    m_fileSize = 0;
    m_format = Format::Unknown;
    m_error.clear();
    m_damaged = false;
    m_ioError = 0;
    m_pcapSwap = m_pcapNsec = false;
    m_pcapRecordHeader = 16;
    m_pcapMaxCapLen = 0;
    m_knownEnd = 0;
    m_offsets.clear();
    m_sections.clear();
    m_interfaces.clear();
    m_blockCounts.clear();
    m_seq = Cursor();
    m_random = Cursor();
}

void CaptureFileReader::resetCursor(Cursor &c, size_t bufSize)
{
    c.offset = 0;
    c.number = 0;
    c.section = 0;
    c.bufOffset = 0;
    c.bufLen = 0;
    c.done = false;
    if (c.buf.size() < bufSize)
        c.buf.resize(bufSize);
}

void CaptureFileReader::refreshFileSize()
{
    // The file may be growing (a capture being spooled); look again before calling it short.
    struct stat st;
    if (m_fd >= 0 && ::fstat(m_fd, &st) == 0 && uint64_t(st.st_size) > m_fileSize)
        m_fileSize = uint64_t(st.st_size);
}

inline const uint8_t *CaptureFileReader::fetch(Cursor &c, uint64_t off, size_t n, size_t &avail)
{
    if (off >= c.bufOffset && off + n <= c.bufOffset + c.bufLen) {
        avail = n;
        return c.buf.data() + (off - c.bufOffset);
    }
    return fetchSlow(c, off, n, avail);
}

const uint8_t *CaptureFileReader::fetchSlow(Cursor &c, uint64_t off, size_t n, size_t &avail)
{
    if (off + n > m_fileSize)
        refreshFileSize();
    // Never grow the buffer past the end of the file, whatever a length field claims.
    const size_t want = off >= m_fileSize ? 0 : size_t(std::min<uint64_t>(n, m_fileSize - off));
    if (off >= c.bufOffset && off < c.bufOffset + c.bufLen) {
        const size_t keep = size_t(c.bufOffset + c.bufLen - off);
        std::memmove(c.buf.data(), c.buf.data() + (off - c.bufOffset), keep);
        c.bufLen = keep;
    } else {
        c.bufLen = 0;
    }
    c.bufOffset = off;
    if (want > c.buf.size())
        c.buf.resize(want);
    // Sequential cursors fill the whole buffer: one pread serves many small records. Random
    // access reads a little ahead only, so one packet does not cost a large copy.
    const size_t limit =
        c.readAhead ? std::min(c.buf.size(), std::max(want, c.readAhead)) : c.buf.size();
    while (c.bufLen < want) {
        const ssize_t r =
            ::pread(m_fd, c.buf.data() + c.bufLen, limit - c.bufLen, off_t(c.bufOffset + c.bufLen));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            m_ioError = errno;
            break;
        }
        if (r == 0)
            break;
        c.bufLen += size_t(r);
    }
    avail = std::min(n, c.bufLen);
    return c.buf.data();
}

bool CaptureFileReader::fail(uint64_t offset, const std::string &reason)
{
    m_error = m_path + ": byte " + std::to_string(offset) + ": " + reason;
    if (m_ioError)
        m_error += std::string(" (read error: ") + std::strerror(m_ioError) + ")";
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_format = Format::Unknown;
    return false;
}

CaptureFileReader::Step CaptureFileReader::incomplete(uint64_t offset, const std::string &reason)
{
    // A file being written ends in the middle of what the writer is still writing.
    return m_following ? Step::End : damage(offset, reason);
}

CaptureFileReader::Step CaptureFileReader::damage(uint64_t offset, const std::string &reason)
{
    m_damaged = true;
    m_error = m_path + ": byte " + std::to_string(offset) + ": " + reason;
    if (m_ioError)
        m_error += std::string(" (read error: ") + std::strerror(m_ioError) + ")";
    return Step::Damage;
}

bool CaptureFileReader::open(const std::string &path)
{
    close();
    m_path = path;
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        m_error = path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st;
    if (::fstat(m_fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        m_error = path + ": " + (S_ISDIR(st.st_mode) ? "is a directory" : std::strerror(errno));
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    m_fileSize = uint64_t(st.st_size);
    resetCursor(m_seq, kSeqBufferSize);

    size_t avail = 0;
    const uint8_t *h = fetch(m_seq, 0, 4, avail);
    if (avail < 4)
        return fail(0, avail == 0
                           ? std::string("the file is empty")
                           : strf("file is too short to be a capture file (%zu bytes)", avail));
    const uint32_t native = rd32(h, false);
    for (uint32_t magic : {kPcapMagicUsec, kPcapMagicNsec, kPcapMagicModified}) {
        if (native == magic || __builtin_bswap32(native) == magic)
            return openPcap();
    }
    if (native == kBlockShb)
        return openPcapNg();
    const uint32_t fileOrder =
        uint32_t(h[0]) << 24 | uint32_t(h[1]) << 16 | uint32_t(h[2]) << 8 | uint32_t(h[3]);
    return fail(0, strf("not a pcap or pcapng file (magic 0x%08x)", fileOrder));
}

bool CaptureFileReader::openPcap()
{
    size_t avail = 0;
    const uint8_t *h = fetch(m_seq, 0, kPcapHeaderSize, avail);
    if (avail < kPcapHeaderSize)
        return fail(0, strf("file ends in the middle of the pcap file header (needs %u bytes, "
                            "%zu left)",
                            kPcapHeaderSize, avail));
    const uint32_t native = rd32(h, false);
    m_pcapSwap =
        native != kPcapMagicUsec && native != kPcapMagicNsec && native != kPcapMagicModified;
    const uint32_t magic = rd32(h, m_pcapSwap);
    m_pcapNsec = magic == kPcapMagicNsec;
    m_pcapRecordHeader = magic == kPcapMagicModified ? 24 : 16;
    const uint16_t major = rd16(h + 4, m_pcapSwap);
    const uint16_t minor = rd16(h + 6, m_pcapSwap);
    const uint32_t snapLen = rd32(h + 16, m_pcapSwap);
    const uint32_t linkField = rd32(h + 20, m_pcapSwap);

    // libpcap reads 2.0 .. 2.4 and DG/UX tcpdump's 543.0; everything else is refused.
    if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0)))
        return fail(4, strf("unsupported pcap savefile version %u.%u", major, minor));
    // Bits 16..25 of the link type field are reserved (above them: FCS length and flag).
    if (linkField & 0x03FF0000u)
        return fail(20, strf("savefile linktype reserved field not zero (0x%08x)",
                             linkField & 0x03FF0000u));

    CaptureInterface ifc;
    ifc.linkType = linkField & 0xFFFFu;
    ifc.snapLen = snapLen;
    ifc.tsUnitsPerSecond = m_pcapNsec ? 1000000000u : 1000000u;
    m_interfaces.push_back(ifc);
    Section s;
    s.swap = m_pcapSwap;
    s.interfaceCount = 1;
    m_sections.push_back(s);
    // Like libpcap, a record may exceed a small snaplen up to the usual maximum.
    m_pcapMaxCapLen = std::min(std::max(snapLen, kDefaultMaxSnapLen), kMaxRecordSize);

    m_format = Format::Pcap;
    m_seq.offset = kPcapHeaderSize;
    m_knownEnd = kPcapHeaderSize;
    return true;
}

bool CaptureFileReader::openPcapNg()
{
    m_format = Format::PcapNg;
    const Step s = pcapngBlock(m_seq, nullptr);
    if (s != Step::Other) {
        // damage() has formatted "FILE: byte N: reason"; at open it is a refusal instead.
        m_damaged = false;
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        m_format = Format::Unknown;
        return false;
    }
    // Read the interfaces that follow the section header so that interfaces() is useful
    // before the first packet. Damage there is left for next() to report.
    for (;;) {
        size_t avail = 0;
        const uint8_t *h = fetch(m_seq, m_seq.offset, 8, avail);
        if (avail < 8 || rd32(h, m_sections[m_seq.section].swap) != kBlockIdb)
            break;
        const Step t = pcapngBlock(m_seq, nullptr);
        if (t == Step::Damage) {
            m_seq.done = true;
            break;
        }
        if (t != Step::Other)
            break;
    }
    return true;
}

const uint8_t *CaptureFileReader::packetBytes(CapturedPacket &p, const uint8_t *data, size_t len)
{
    if (m_zeroCopy) {
        p.bytes.clear();
        return data;
    }
    p.bytes.assign(data, data + len);
    return p.bytes.data();
}

CaptureFileReader::Step CaptureFileReader::pcapRecord(Cursor &c, CapturedPacket *p)
{
    const uint32_t hl = m_pcapRecordHeader;
    size_t avail = 0;
    const uint8_t *h = fetch(c, c.offset, hl, avail);
    if (avail == 0)
        return Step::End;
    if (avail < hl)
        return incomplete(c.offset, strf("file ends in the middle of a packet record header "
                                         "(needs %u bytes, %zu left)",
                                         hl, avail));
    const uint32_t sec = rd32(h, m_pcapSwap);
    const uint32_t frac = rd32(h + 4, m_pcapSwap);
    const uint32_t capLen = rd32(h + 8, m_pcapSwap);
    const uint32_t wireLen = rd32(h + 12, m_pcapSwap);
    if (capLen > m_pcapMaxCapLen)
        return damage(c.offset, strf("packet record claims %u bytes, more than the snapshot "
                                     "length allows (at most %u)",
                                     capLen, m_pcapMaxCapLen));
    const uint8_t *r = fetch(c, c.offset, size_t(hl) + capLen, avail);
    if (avail < size_t(hl) + capLen)
        return incomplete(c.offset, strf("file ends in the middle of a packet (needs %u bytes, %zu "
                                         "left)",
                                         capLen, avail > hl ? avail - hl : 0));
    if (c.number == m_offsets.size()) {
        m_offsets.push_back(c.offset);
        m_knownEnd = c.offset + hl + capLen;
    }
    if (p) {
        p->comments.clear();
        p->fileOffset = c.offset;
        p->hasTimestamp = true;
        Frame &f = p->frame;
        f.hasTimestamp = true;
        f.data = packetBytes(*p, r + hl, capLen);
        f.capLen = capLen;
        f.wireLen = std::max(wireLen, capLen);
        f.linkType = m_interfaces[0].linkType;
        f.interfaceId = 0;
        f.comments = {};
        f.number = c.number + 1;
        // A fraction of a second beyond one second is carried, not wrapped.
        const uint32_t perSec = m_pcapNsec ? 1000000000u : 1000000u;
        f.tsSec = int64_t(sec) + frac / perSec;
        f.tsNsec = (frac % perSec) * (m_pcapNsec ? 1u : 1000u);
    }
    c.offset += size_t(hl) + capLen;
    ++c.number;
    return Step::Packet;
}

CaptureFileReader::Step CaptureFileReader::pcapngBlock(Cursor &c, CapturedPacket *p)
{
    size_t avail = 0;
    const uint8_t *h = fetch(c, c.offset, 12, avail);
    if (avail == 0)
        return Step::End;
    if (avail < 12)
        return incomplete(c.offset, strf("file ends in the middle of a block header (needs 12 "
                                         "bytes, %zu left)",
                                         avail));
    bool swap = false;
    uint32_t type = rd32(h, false);
    if (type == kBlockShb) {
        // A new section may change the byte order; its magic says which.
        const uint32_t bom = rd32(h + 8, false);
        if (bom == kByteOrderMagic)
            swap = false;
        else if (__builtin_bswap32(bom) == kByteOrderMagic)
            swap = true;
        else
            return damage(c.offset + 8, strf("section header block has an unknown byte-order "
                                             "magic 0x%08x",
                                             bom));
    } else {
        swap = m_sections[c.section].swap;
        type = rd32(h, swap);
    }
    const uint32_t len = rd32(h + 4, swap);
    if (len < 12)
        return damage(c.offset, strf("block total length %u is less than the minimum of 12", len));
    if (len % 4 != 0)
        return damage(c.offset, strf("block total length %u is not a multiple of 4", len));
    if (len > kMaxRecordSize)
        return damage(c.offset, strf("block total length %u is larger than the maximum of %u", len,
                                     kMaxRecordSize));
    const uint8_t *b = fetch(c, c.offset, len, avail);
    if (avail < len)
        return incomplete(c.offset, strf("file ends before the end of the %s (needs %u bytes, %zu "
                                         "left)",
                                         blockLongName(type), len, avail));
    const uint32_t trailer = rd32(b + len - 4, swap);
    if (trailer != len)
        return damage(c.offset, strf("block total length in header %u and trailer %u don't "
                                     "match",
                                     len, trailer));

    const bool learn = c.offset >= m_knownEnd;
    Step s = Step::Other;
    switch (type) {
    case kBlockShb:
        s = sectionHeader(c, b, len, swap, learn);
        break;
    case kBlockIdb:
        s = interfaceDescription(c, b, len, learn);
        break;
    case kBlockEpb:
    case kBlockSpb:
    case kBlockPb:
        s = packetBlock(c, type, b, len, p);
        break;
    default:
        // NRB, ISB, DSB, custom and unknown blocks carry nothing a packet needs.
        break;
    }
    if (s == Step::Damage)
        return s;
    if (learn) {
        ++m_blockCounts[type];
        m_knownEnd = c.offset + len;
        if (s == Step::Packet)
            m_offsets.push_back(c.offset);
    }
    if (s == Step::Packet)
        ++c.number;
    c.offset += len;
    return s;
}

CaptureFileReader::Step CaptureFileReader::sectionHeader(Cursor &c, const uint8_t *b, uint32_t len,
                                                         bool swap, bool learn)
{
    if (len < 28)
        return damage(c.offset, strf("section header block is too short (%u bytes, at least "
                                     "28)",
                                     len));
    const uint16_t major = rd16(b + 12, swap);
    const uint16_t minor = rd16(b + 14, swap);
    // libpcap and Wireshark read 1.0 and 1.2 (1.2 only announces newer block types).
    if (!(major == 1 && (minor == 0 || minor == 2)))
        return damage(c.offset + 12,
                      strf("unsupported pcapng savefile version %u.%u", major, minor));
    if (!learn) {
        const auto it = std::find_if(m_sections.begin(), m_sections.end(),
                                     [&](const Section &s) { return s.start == c.offset; });
        if (it != m_sections.end())
            c.section = uint32_t(it - m_sections.begin());
        return Step::Other;
    }
    Section sec;
    sec.start = c.offset;
    sec.swap = swap;
    sec.firstInterface = uint32_t(m_interfaces.size());
    const OptionError e =
        forEachOption(b + 24, len - 28, swap, [&](uint16_t code, const uint8_t *v, uint16_t n) {
            switch (code) {
            case 1:
                sec.comments.push_back(optionString(v, n));
                break;
            case 2:
                sec.hardware = optionString(v, n);
                break;
            case 3:
                sec.os = optionString(v, n);
                break;
            case 4:
                sec.application = optionString(v, n);
                break;
            }
        });
    if (e.failed)
        return damage(c.offset + 24 + e.at, strf("option %u of length %u runs past the end of "
                                                 "the section header block at byte %llu",
                                                 e.code, e.length, (unsigned long long)c.offset));
    m_sections.push_back(std::move(sec));
    c.section = uint32_t(m_sections.size() - 1);
    return Step::Other;
}

CaptureFileReader::Step CaptureFileReader::interfaceDescription(Cursor &c, const uint8_t *b,
                                                                uint32_t len, bool learn)
{
    if (!learn)
        return Step::Other;
    Section &sec = m_sections[c.section];
    const bool swap = sec.swap;
    if (len < 20)
        return damage(c.offset, strf("interface description block is too short (%u bytes, at "
                                     "least 20)",
                                     len));
    CaptureInterface ifc;
    ifc.linkType = rd16(b + 8, swap);
    ifc.snapLen = rd32(b + 12, swap);
    ifc.section = c.section;
    int badResolution = -1;
    const OptionError e =
        forEachOption(b + 16, len - 20, swap, [&](uint16_t code, const uint8_t *v, uint16_t n) {
            switch (code) {
            case 2:
                ifc.name = optionString(v, n);
                break;
            case 3:
                ifc.description = optionString(v, n);
                break;
            case 9: {
                if (n < 1)
                    break;
                // High bit clear: 10^-x seconds; set: 2^-x seconds.
                const unsigned exp = v[0] & 0x7f;
                const bool pow2 = v[0] & 0x80;
                if (pow2 ? exp > 63 : exp > 19) {
                    badResolution = v[0];
                    break;
                }
                uint64_t units = 1;
                for (unsigned i = 0; i < exp; ++i)
                    units *= pow2 ? 2 : 10;
                ifc.tsUnitsPerSecond = units;
                break;
            }
            case 14:
                if (n >= 8)
                    ifc.tsOffsetSeconds = int64_t(rd64(v, swap));
                break;
            }
        });
    if (e.failed)
        return damage(c.offset + 16 + e.at, strf("option %u of length %u runs past the end of "
                                                 "the interface description block at byte %llu",
                                                 e.code, e.length, (unsigned long long)c.offset));
    if (badResolution >= 0)
        return damage(c.offset, strf("interface time stamp resolution if_tsresol 0x%02x is "
                                     "finer than 64 bits can count",
                                     badResolution));
    ++sec.interfaceCount;
    m_interfaces.push_back(std::move(ifc));
    return Step::Other;
}

CaptureFileReader::Step CaptureFileReader::packetBlock(Cursor &c, uint32_t type, const uint8_t *b,
                                                       uint32_t len, CapturedPacket *p)
{
    const Section &sec = m_sections[c.section];
    const bool swap = sec.swap;
    uint32_t localIf = 0;
    uint64_t ts = 0;
    uint32_t capLen = 0;
    uint32_t wireLen = 0;
    size_t optStart = 0;
    if (type == kBlockSpb) {
        if (len < 16)
            return damage(c.offset, strf("simple packet block is too short (%u bytes, at least "
                                         "16)",
                                         len));
        if (sec.interfaceCount == 0)
            return damage(c.offset, "simple packet block in a section without an interface "
                                    "description block");
        // No captured length in an SPB: the original length cut by interface 0's snaplen.
        wireLen = rd32(b + 8, swap);
        capLen = std::min(wireLen, len - 16);
        const uint32_t snap = m_interfaces[sec.firstInterface].snapLen;
        if (snap != 0)
            capLen = std::min(capLen, snap);
        optStart = len - 4; // no options
    } else {
        if (len < 32)
            return damage(c.offset, strf("%s is too short (%u bytes, at least 32)",
                                         blockLongName(type), len));
        // The obsolete Packet Block has a 16-bit interface id followed by a drops count.
        localIf = type == kBlockPb ? rd16(b + 8, swap) : rd32(b + 8, swap);
        ts = uint64_t(rd32(b + 12, swap)) << 32 | rd32(b + 16, swap);
        capLen = rd32(b + 20, swap);
        wireLen = rd32(b + 24, swap);
        if (capLen > len - 32)
            return damage(c.offset + 20, strf("captured length %u runs past the end of the %s "
                                              "(room for %u bytes)",
                                              capLen, blockLongName(type), len - 32));
        optStart = 28 + pad4(capLen);
    }
    if (localIf >= sec.interfaceCount)
        return damage(c.offset + 8, strf("%s refers to interface %u, but its section has %u "
                                         "interface(s)",
                                         blockLongName(type), localIf, sec.interfaceCount));
    if (p)
        p->comments.clear();
    const OptionError e = forEachOption(b + optStart, len - 4 - optStart, swap,
                                        [&](uint16_t code, const uint8_t *v, uint16_t n) {
                                            if (code == 1 && p)
                                                p->comments.push_back(optionString(v, n));
                                        });
    if (e.failed)
        return damage(c.offset + optStart + e.at,
                      strf("option %u of length %u runs past the end of the %s at byte %llu",
                           e.code, e.length, blockLongName(type), (unsigned long long)c.offset));
    if (!p)
        return Step::Packet;

    const uint32_t global = sec.firstInterface + localIf;
    const CaptureInterface &ifc = m_interfaces[global];
    const uint8_t *data = b + (type == kBlockSpb ? 12 : 28);
    p->fileOffset = c.offset;
    p->hasTimestamp = type != kBlockSpb;
    Frame &f = p->frame;
    f.hasTimestamp = p->hasTimestamp;
    f.data = packetBytes(*p, data, capLen);
    f.capLen = capLen;
    f.wireLen = std::max(wireLen, capLen);
    f.linkType = ifc.linkType;
    f.interfaceId = global;
    f.section = ifc.section + 1;
    f.interfaceName = ifc.name;
    f.comments = p->comments;
    f.number = c.number + 1;
    if (p->hasTimestamp) {
        pcapngTime(ts, ifc, f.tsSec, f.tsNsec);
    } else {
        f.tsSec = 0;
        f.tsNsec = 0;
    }
    return Step::Packet;
}

CaptureFileReader::Step CaptureFileReader::step(Cursor &c, CapturedPacket *p)
{
    if (m_format == Format::Pcap)
        return pcapRecord(c, p);
    for (;;) {
        const Step s = pcapngBlock(c, p);
        if (s != Step::Other)
            return s;
    }
}

bool CaptureFileReader::next(CapturedPacket &p)
{
    if (m_format == Format::Unknown || m_seq.done)
        return false;
    const Step s = step(m_seq, &p);
    if (s == Step::Packet)
        return true;
    // A clean end is not final: a file being written may grow; damage is.
    if (s == Step::Damage)
        m_seq.done = true;
    return false;
}

bool CaptureFileReader::buildIndex()
{
    if (m_format == Format::Unknown)
        return false;
    if (m_seq.done && m_damaged)
        return false;
    Cursor c;
    resetCursor(c, kSeqBufferSize);
    c.offset = m_knownEnd;
    c.number = m_offsets.size();
    c.section = m_sections.empty() ? 0 : uint32_t(m_sections.size() - 1);
    for (;;) {
        switch (step(c, nullptr)) {
        case Step::Packet:
        case Step::Other:
            break;
        case Step::End:
            return true;
        case Step::Damage:
            return false;
        }
    }
}

bool CaptureFileReader::readPacket(uint64_t index, CapturedPacket &p)
{
    if (m_format == Format::Unknown)
        return false;
    if (index >= m_offsets.size()) {
        m_error = strf("%s: packet index %llu is beyond the %llu packets indexed", m_path.c_str(),
                       (unsigned long long)index, (unsigned long long)m_offsets.size());
        return false;
    }
    if (m_random.buf.empty()) {
        resetCursor(m_random, kRandomBufferSize);
        m_random.readAhead = kRandomReadAhead;
    }
    m_random.offset = m_offsets[index];
    m_random.number = index;
    const auto it = std::upper_bound(m_sections.begin(), m_sections.end(), m_random.offset,
                                     [](uint64_t off, const Section &s) { return off < s.start; });
    m_random.section = it == m_sections.begin() ? 0 : uint32_t(it - m_sections.begin() - 1);
    return step(m_random, &p) == Step::Packet;
}

uint32_t CaptureFileReader::sectionCount() const
{
    return uint32_t(m_sections.size());
}

std::vector<std::string> CaptureFileReader::sectionComments() const
{
    return m_sections.empty() ? std::vector<std::string>() : m_sections.front().comments;
}

std::string CaptureFileReader::sectionDescription() const
{
    if (m_sections.empty())
        return {};
    const Section &s = m_sections.front();
    std::string out;
    auto add = [&out](const char *label, const std::string &v) {
        if (v.empty())
            return;
        if (!out.empty())
            out += "; ";
        out += label;
        out += v;
    };
    add("Hardware: ", s.hardware);
    add("OS: ", s.os);
    add("Application: ", s.application);
    return out;
}

std::string CaptureFileReader::blockTypeName(uint32_t type)
{
    switch (type) {
    case kBlockShb:
        return "SHB";
    case kBlockIdb:
        return "IDB";
    case kBlockPb:
        return "PB";
    case kBlockSpb:
        return "SPB";
    case kBlockNrb:
        return "NRB";
    case kBlockIsb:
        return "ISB";
    case kBlockEpb:
        return "EPB";
    case kBlockSje:
        return "SJE";
    case kBlockDsb:
        return "DSB";
    case kBlockCb:
        return "CB";
    case kBlockDcb:
        return "DCB";
    default:
        return strf("0x%08x", type);
    }
}

} // namespace pl
