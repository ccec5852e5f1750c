// Capture file writer: pcapng and pcap (µs and ns).
//
// pcap:   https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html, pcap-savefile(5)
// pcapng: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-01.html
//
//   Enhanced Packet Block (what every packet becomes in pcapng):
//   +---------------------------------------------------------------+
//   | Block Type = 6              | Block Total Length              |
//   | Interface ID                | Timestamp (upper 32 bits)       |
//   | Timestamp (lower 32 bits)   | Captured Length                 |
//   | Original Length             / Packet Data, padded to 32 bits  /
//   / Options (opt_comment..., opt_endofopt)                        /
//   | Block Total Length (again)                                    |
//   +---------------------------------------------------------------+
//
// Everything is written in host byte order: the SHB's byte-order magic and the pcap magic
// tell readers which one that is. Interfaces get the if_tsresol their caller asks for
// (default 9: nanoseconds since 1970 in 64 bits, good until 2554; an exported µs interface
// stays µs, good until the year 586524); pcap's 32-bit seconds end in 2106.

#include "capfile/capturefilewriter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace pl {
namespace {

constexpr uint32_t kPcapMagicUsec = 0xa1b2c3d4;
constexpr uint32_t kPcapMagicNsec = 0xa1b23c4d;

constexpr uint32_t kBlockShb = 0x0A0D0D0A;
constexpr uint32_t kBlockIdb = 1;
constexpr uint32_t kBlockEpb = 6;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

constexpr uint16_t kOptEndOfOpt = 0;
constexpr uint16_t kOptComment = 1;
constexpr uint16_t kShbOs = 3;
constexpr uint16_t kShbUserAppl = 4;
constexpr uint16_t kIfName = 2;
constexpr uint16_t kIfDescription = 3;
constexpr uint16_t kIfTsResol = 9;

// libpcap's MAXIMUM_SNAPLEN: what a pcap header says when the caller sets no limit.
constexpr uint32_t kDefaultSnapLen = 262144;
// Big enough that a busy capture costs one write(2) per many packets, small enough to flush
// quickly; a crash-safe spool calls flush() per batch anyway.
constexpr size_t kBufferSize = size_t(1) << 20;
constexpr size_t kMaxOptionLength = 0xFFFF;
constexpr uint64_t kNsPerSec = 1000000000u;

__extension__ typedef unsigned __int128 U128;

constexpr uint32_t pad4(size_t n)
{
    return uint32_t((n + 3u) & ~size_t(3));
}

/// Option values are at most 65535 bytes; a longer string is cut without splitting a UTF-8
/// sequence, so the comment stays valid text.
size_t optionLength(const std::string &s)
{
    if (s.size() <= kMaxOptionLength)
        return s.size();
    size_t n = kMaxOptionLength;
    while (n > 0 && (uint8_t(s[n]) & 0xC0) == 0x80)
        --n;
    return n;
}

/// if_tsresol's byte for `units` per second: 10^-n seconds is n, 2^-n is 0x80 | n. -1 when
/// `units` is neither (the reader's 10^0..10^19 and 2^1..2^63).
int tsResolCode(uint64_t units)
{
    uint64_t p = 1;
    for (int n = 0; n <= 19; ++n, p *= 10)
        if (p == units)
            return n;
    if (units >= 2 && (units & (units - 1)) == 0)
        return 0x80 | __builtin_ctzll(units);
    return -1;
}

/// Time stamp in `units` per second, in 128 bits so that nothing overflows before the caller
/// checks the range. Rounded down, unless one unit more reads back (as the reader rounds:
/// down to whole ns) as exactly `nsec`: then that one, so that a time read from a 2^-n
/// interface, which the reader rounded down to ns, gets its original count back.
U128 unitsSinceEpoch(uint64_t sec, uint32_t nsec, uint64_t units)
{
    const U128 scaled = U128(nsec) * units;
    U128 frac = scaled / kNsPerSec;
    if (scaled % kNsPerSec != 0 && (frac + 1) * kNsPerSec / units == nsec)
        ++frac;
    return U128(sec) * units + frac;
}

size_t optionSize(size_t valueLength)
{
    return 4 + pad4(valueLength);
}

std::string osDescription()
{
    struct utsname u;
    if (::uname(&u) != 0)
        return {};
    return std::string(u.sysname) + " " + u.release;
}

} // namespace

CaptureFileWriter::CaptureFileWriter() = default;

CaptureFileWriter::~CaptureFileWriter()
{
    close();
}

void CaptureFileWriter::reset()
{
    m_fd = -1;
    m_ownsFd = false;
    m_name.clear();
    m_error.clear();
    m_ioError = 0;
    m_used = 0;
    m_packets = 0;
    m_bytes = 0;
    m_interfaces.clear();
    m_lastBlock = m_safe = Mark();
    m_bufferedBlocks.clear();
    m_writtenEnd = 0;
    m_rolledBack = false;
}

void CaptureFileWriter::endBlock()
{
    m_lastBlock = {m_bytes, m_packets, m_interfaces.size()};
    m_bufferedBlocks.push_back(m_lastBlock);
}

void CaptureFileWriter::rollBack()
{
    // Only a regular file we opened can be cut; a pipe's reader already has what it has.
    struct stat st;
    if (!m_ownsFd || ::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    // Shrinking needs no space, so this works on a full disk. The offset moves back too:
    // without O_APPEND the next write would otherwise leave a hole of zeros.
    // The failed write(2) may have taken some whole blocks before the one it cut: keep them.
    for (const Mark &m : m_bufferedBlocks)
        if (m.bytes <= m_writtenEnd && m.bytes > m_safe.bytes)
            m_safe = m;
    m_bufferedBlocks.clear();
    if (::ftruncate(m_fd, off_t(m_safe.bytes)) != 0 ||
        ::lseek(m_fd, off_t(m_safe.bytes), SEEK_SET) != off_t(m_safe.bytes))
        return;
    m_used = 0;
    m_bytes = m_safe.bytes;
    m_packets = m_safe.packets;
    m_interfaces.resize(m_safe.interfaces);
    m_lastBlock = m_safe;
    m_rolledBack = true;
}

bool CaptureFileWriter::clearError()
{
    if (m_fd < 0 || !m_rolledBack)
        return false;
    m_ioError = 0;
    m_error.clear();
    m_rolledBack = false;
    return true;
}

bool CaptureFileWriter::ioFailed(int err)
{
    // The first failure is the one worth reporting; later ones are its consequences.
    if (m_ioError == 0) {
        m_ioError = err;
        m_error = m_name + ": " + std::strerror(err);
    }
    return false;
}

bool CaptureFileWriter::usage(const std::string &reason)
{
    m_error = m_name + ": " + reason;
    return false;
}

bool CaptureFileWriter::open(const std::string &path, Format format, const std::string &application)
{
    if (m_fd >= 0)
        close();
    reset();
    m_format = format;
    if (path == "-") {
        m_name = "standard output";
        m_fd = STDOUT_FILENO;
        m_ownsFd = false;
    } else {
        m_name = path;
        int fd;
        do
            fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            m_error = path + ": " + std::strerror(errno);
            return false;
        }
        m_fd = fd;
        m_ownsFd = true;
    }
    if (m_buf.size() != kBufferSize)
        m_buf.resize(kBufferSize);

    if (format != Format::PcapNg)
        return true; // the pcap header needs the link type: written by addInterface()

    const std::string os = osDescription();
    size_t optLen = 4; // opt_endofopt
    if (!os.empty())
        optLen += optionSize(optionLength(os));
    if (!application.empty())
        optLen += optionSize(optionLength(application));
    const uint32_t total = uint32_t(28 + optLen);
    const int64_t sectionLength = -1; // not known in advance: readers must walk the blocks
    appendU32(kBlockShb);
    appendU32(total);
    appendU32(kByteOrderMagic);
    appendU16(1); // major version
    appendU16(0); // minor version
    append(&sectionLength, 8);
    if (!os.empty())
        appendOption(kShbOs, os.data(), optionLength(os));
    if (!application.empty())
        appendOption(kShbUserAppl, application.data(), optionLength(application));
    appendOption(kOptEndOfOpt, nullptr, 0);
    appendU32(total);
    endBlock();
    // Written now, so that an unwritable target (a full disk, a closed pipe) fails here,
    // before a capture starts, and a reader at the other end of a pipe sees the section.
    if (flush())
        return true;
    if (m_ownsFd)
        ::close(m_fd);
    m_fd = -1;
    m_ownsFd = false;
    return false;
}

int CaptureFileWriter::addInterface(const WriterInterface &ifc)
{
    if (m_fd < 0) {
        m_error = "capture file writer: addInterface() before open()";
        return -1;
    }
    if (m_ioError)
        return -1;
    if (ifc.linkType > 0xFFFF) {
        usage("link type " + std::to_string(ifc.linkType) + " does not fit in 16 bits");
        return -1;
    }

    if (m_format != Format::PcapNg) {
        if (!m_interfaces.empty()) {
            if (m_interfaces[0].linkType == ifc.linkType)
                return 0;
            usage("pcap files hold one link type only (have " +
                  std::to_string(m_interfaces[0].linkType) + ", asked to add " +
                  std::to_string(ifc.linkType) + "); use pcapng for several");
            return -1;
        }
        WriterInterface stored = ifc;
        stored.tsUnitsPerSecond = m_format == Format::PcapNsec ? kNsPerSec : 1000000u;
        if (stored.snapLen == 0)
            stored.snapLen = kDefaultSnapLen;
        appendU32(m_format == Format::PcapNsec ? kPcapMagicNsec : kPcapMagicUsec);
        appendU16(2); // version 2.4
        appendU16(4);
        appendU32(0); // thiszone: time stamps are UTC
        appendU32(0); // sigfigs
        appendU32(stored.snapLen);
        if (!appendU32(stored.linkType))
            return -1;
        m_interfaces.push_back(std::move(stored));
        endBlock();
        return 0;
    }

    const int tsResol = tsResolCode(ifc.tsUnitsPerSecond);
    if (tsResol < 0) {
        usage("time stamp resolution of " + std::to_string(ifc.tsUnitsPerSecond) +
              " units per second is neither a power of 10 nor a power of 2");
        return -1;
    }
    // 10^-6 is pcapng's default: tshark and editcap leave the option out for it, and so do we.
    const bool writeTsResol = tsResol != 6;
    const size_t nameLen = optionLength(ifc.name);
    const size_t descLen = optionLength(ifc.description);
    size_t optLen = 4; // opt_endofopt
    if (writeTsResol)
        optLen += optionSize(1);
    if (nameLen)
        optLen += optionSize(nameLen);
    if (descLen)
        optLen += optionSize(descLen);
    const uint32_t total = uint32_t(20 + optLen);
    appendU32(kBlockIdb);
    appendU32(total);
    appendU16(uint16_t(ifc.linkType));
    appendU16(0); // reserved
    appendU32(ifc.snapLen);
    if (nameLen)
        appendOption(kIfName, ifc.name.data(), nameLen);
    if (descLen)
        appendOption(kIfDescription, ifc.description.data(), descLen);
    if (writeTsResol) {
        const uint8_t code = uint8_t(tsResol);
        appendOption(kIfTsResol, &code, 1);
    }
    appendOption(kOptEndOfOpt, nullptr, 0);
    if (!appendU32(total))
        return -1;
    m_interfaces.push_back(ifc);
    endBlock();
    return int(m_interfaces.size() - 1);
}

bool CaptureFileWriter::write(const Frame &frame, uint32_t interfaceId,
                              const std::vector<std::string> &comments)
{
    if (m_fd < 0) {
        m_error = "capture file writer: write() before open()";
        return false;
    }
    if (m_ioError)
        return false;
    if (interfaceId >= m_interfaces.size())
        return usage("packet for interface " + std::to_string(interfaceId) + ", but " +
                     std::to_string(m_interfaces.size()) + " interface(s) added");
    const WriterInterface &ifc = m_interfaces[interfaceId];
    const uint32_t capLen = ifc.snapLen ? std::min(frame.capLen, ifc.snapLen) : frame.capLen;
    const uint32_t wireLen = std::max(frame.wireLen, frame.capLen);
    if (capLen && !frame.data)
        return usage("packet without data");

    // Normalise first: a nanosecond field of a second or more is carried, as the reader does.
    const int64_t carry = frame.tsNsec / kNsPerSec;
    const uint32_t nsec = uint32_t(frame.tsNsec % kNsPerSec);
    if (frame.tsSec < 0)
        return usage("time stamp " + std::to_string(frame.tsSec) +
                     " is before 1970 and cannot be written");
    if (frame.tsSec > std::numeric_limits<int64_t>::max() - carry)
        return usage("time stamp " + std::to_string(frame.tsSec) + " is out of range");
    const uint64_t sec = uint64_t(frame.tsSec + carry);

    if (m_format != Format::PcapNg) {
        if (sec > 0xFFFFFFFFu)
            return usage("time stamp " + std::to_string(sec) +
                         " is after 2106-02-07, past what pcap can hold; use pcapng");
        const uint32_t frac = m_format == Format::PcapNsec ? nsec : nsec / 1000u;
        appendU32(uint32_t(sec));
        appendU32(frac);
        appendU32(capLen);
        appendU32(wireLen);
        if (!append(frame.data, capLen))
            return false;
        ++m_packets;
        endBlock();
        return true;
    }

    const U128 units = unitsSinceEpoch(sec, nsec, ifc.tsUnitsPerSecond);
    if (units > std::numeric_limits<uint64_t>::max())
        return usage("time stamp " + std::to_string(sec) + " is past what 64 bits of " +
                     std::to_string(ifc.tsUnitsPerSecond) + " units per second can hold" +
                     (ifc.tsUnitsPerSecond == kNsPerSec ? " (the year 2554)" : ""));
    const uint64_t ts = uint64_t(units);

    size_t optLen = 0;
    for (const std::string &c : comments)
        optLen += optionSize(optionLength(c));
    if (optLen)
        optLen += 4; // opt_endofopt
    const uint32_t dataPad = pad4(capLen) - capLen;
    // capLen is at most 2^32-1 and options at most a few MiB per sane caller; refuse a block
    // whose length would not fit rather than write a lie.
    const uint64_t total64 = 32 + uint64_t(capLen) + dataPad + optLen;
    if (total64 > 0xFFFFFFFFu)
        return usage("packet with " + std::to_string(capLen) +
                     " bytes and its comments does not fit in one pcapng block");
    const uint32_t total = uint32_t(total64);

    appendU32(kBlockEpb);
    appendU32(total);
    appendU32(interfaceId);
    appendU32(uint32_t(ts >> 32));
    appendU32(uint32_t(ts));
    appendU32(capLen);
    appendU32(wireLen);
    append(frame.data, capLen);
    static const uint8_t zeros[4] = {};
    append(zeros, dataPad);
    if (optLen) {
        for (const std::string &c : comments)
            appendOption(kOptComment, c.data(), optionLength(c));
        appendOption(kOptEndOfOpt, nullptr, 0);
    }
    if (!appendU32(total))
        return false;
    ++m_packets;
    endBlock();
    return true;
}

bool CaptureFileWriter::appendOption(uint16_t code, const void *value, size_t size)
{
    static const uint8_t zeros[4] = {};
    appendU16(code);
    appendU16(uint16_t(size));
    append(value, size);
    return append(zeros, pad4(size) - size);
}

bool CaptureFileWriter::append(const void *data, size_t size)
{
    if (m_ioError)
        return false;
    if (size == 0)
        return true;
    const auto *p = static_cast<const uint8_t *>(data);
    if (size > m_buf.size() - m_used && !drain())
        return false;
    if (size >= m_buf.size()) {
        // Bigger than the whole buffer: copying it through would only add a copy.
        if (!writeAll(p, size, m_bytes))
            return false;
        m_safe = m_lastBlock; // everything before this block's end is with the kernel now
        m_bufferedBlocks.clear();
    } else {
        std::memcpy(m_buf.data() + m_used, p, size);
        m_used += size;
    }
    m_bytes += size;
    return true;
}

bool CaptureFileWriter::drain()
{
    if (m_used == 0)
        return m_ioError == 0;
    const bool ok = writeAll(m_buf.data(), m_used, m_bytes - m_used);
    m_used = 0;
    // Every byte up to m_bytes reached the kernel, so every complete block did.
    if (ok) {
        m_safe = m_lastBlock;
        m_bufferedBlocks.clear();
    }
    return ok;
}

bool CaptureFileWriter::writeAll(const uint8_t *data, size_t size, uint64_t fileOffset)
{
    m_writtenEnd = fileOffset;
    while (size > 0) {
        const ssize_t r = ::write(m_fd, data, size);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Someone made our stdout non-blocking (a shared pipe): wait, do not drop.
                struct pollfd pfd = {m_fd, POLLOUT, 0};
                if (::poll(&pfd, 1, -1) < 0 && errno != EINTR)
                    return ioFailed(errno);
                continue;
            }
            const int err = errno;
            ioFailed(err);
            rollBack();
            return false;
        }
        if (r == 0) {
            ioFailed(EIO); // write(2) promised progress and made none
            rollBack();
            return false;
        }
        data += r;
        size -= size_t(r);
        m_writtenEnd += uint64_t(r);
    }
    return true;
}

bool CaptureFileWriter::flush()
{
    if (m_fd < 0)
        return m_ioError == 0;
    return drain();
}

bool CaptureFileWriter::sync()
{
    if (!flush())
        return false;
    if (m_fd >= 0 && ::fdatasync(m_fd) != 0 && errno != EINVAL && errno != EROFS)
        return ioFailed(errno);
    return true;
}

bool CaptureFileWriter::close()
{
    if (m_fd < 0)
        return m_ioError == 0;
    bool ok = flush();
    // close(2) is where NFS and some FUSE file systems report a failed write. Not retried
    // on EINTR: on Linux the descriptor is gone either way.
    if (m_ownsFd && ::close(m_fd) != 0 && errno != EINTR)
        ok = ioFailed(errno);
    m_fd = -1;
    m_ownsFd = false;
    return ok && m_ioError == 0;
}

} // namespace pl
