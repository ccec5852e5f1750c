#include "sessionexporter.h"

#include "dissect/dissection.h"
#include "dissect/print/carrayprinter.h"
#include "dissect/print/csvprinter.h"
#include "dissect/print/jsonprinter.h"
#include "dissect/print/textprinter.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pl {

// --- PacketCopier ---

bool PacketCopier::addInterfaces()
{
    const auto &ifs = m_reader.interfaces();
    while (m_ids.size() < ifs.size()) {
        const CaptureInterface &i = ifs[m_ids.size()];
        // The source's time resolution, so that every time stamp it held fits again, exactly
        // (a µs interface reaches the year 586524, ns ones stop in 2554).
        const int id = m_writer.addInterface(
            {i.linkType, i.snapLen, i.name, i.description, i.tsUnitsPerSecond});
        if (id < 0) {
            m_error = m_writer.error();
            return false;
        }
        m_ids.push_back(id);
    }
    return true;
}

int PacketCopier::writerId(uint32_t ifc)
{
    const auto &ifs = m_reader.interfaces();
    if (m_writer.format() == CaptureFileWriter::Format::PcapNg) {
        // Every interface, in the source's order, so that interface ids stay what they were.
        if (!addInterfaces())
            return -1;
        return ifc < m_ids.size() ? m_ids[ifc] : -1;
    }
    if (ifc >= ifs.size())
        return -1;
    const auto &have = m_writer.interfaces();
    if (!have.empty())
        return have.front().linkType == ifs[ifc].linkType ? 0 : -2;
    // The pcap header's snaplen cuts every packet: the largest of the interfaces that share
    // this link type, 0 (no limit) if any of them has none.
    uint32_t snap = 0;
    for (const CaptureInterface &i : ifs) {
        if (i.linkType != ifs[ifc].linkType)
            continue;
        if (i.snapLen == 0) {
            snap = 0;
            break;
        }
        snap = std::max(snap, i.snapLen);
    }
    if (m_writer.addInterface({ifs[ifc].linkType, snap, ifs[ifc].name, ifs[ifc].description}) < 0)
        return -1;
    return 0;
}

bool PacketCopier::write(const CapturedPacket &p, const std::vector<std::string> *comments)
{
    const uint32_t ifc = p.frame.interfaceId;
    const int id = writerId(ifc);
    if (id == -2) {
        m_error = m_name + ": packet " + std::to_string(p.frame.number) + " has link type " +
                  std::to_string(m_reader.interfaces()[ifc].linkType) + " but packet " +
                  std::to_string(m_pcapFirstPacket) + " has link type " +
                  std::to_string(m_writer.interfaces().front().linkType) +
                  ": a pcap file holds one link type only; save as pcapng";
        return false;
    }
    if (id < 0) {
        m_error = m_writer.error().empty() ? m_name + ": packet " + std::to_string(p.frame.number) +
                                                 " names interface " + std::to_string(ifc) +
                                                 ", which the source file does not describe"
                                           : m_writer.error();
        return false;
    }
    if (m_pcapFirstPacket == 0)
        m_pcapFirstPacket = p.frame.number;
    if (!m_writer.write(p.frame, uint32_t(id), comments ? *comments : p.comments)) {
        m_error = m_writer.error();
        return false;
    }
    return true;
}

bool PacketCopier::finish()
{
    if (m_writer.format() == CaptureFileWriter::Format::PcapNg)
        return addInterfaces(); // interfaces without packets are still part of the capture
    if (!m_writer.interfaces().empty())
        return true;
    // A pcap file without packets still needs its header to be a pcap file.
    const auto &ifs = m_reader.interfaces();
    WriterInterface w;
    if (!ifs.empty())
        w = {ifs.front().linkType, ifs.front().snapLen, {}, {}};
    if (m_writer.addInterface(w) < 0) {
        m_error = m_writer.error();
        return false;
    }
    return true;
}

// --- the export ---

namespace {

std::string errnoText(const std::string &name, int err)
{
    return name + ": " + std::strerror(err);
}

/// The temporary file beside the target: created exclusively, removed unless committed.
class TempFile
{
public:
    explicit TempFile(std::string target) : m_target(std::move(target)) {}
    ~TempFile() { discard(); }

    bool create(std::string &error)
    {
        struct stat st;
        const bool exists = ::stat(m_target.c_str(), &st) == 0;
        if (exists && S_ISDIR(st.st_mode)) {
            error = errnoText(m_target, EISDIR);
            return false;
        }
        const size_t slash = m_target.rfind('/');
        const std::string dir = slash == std::string::npos ? std::string(".")
                                : slash == 0               ? std::string("/")
                                                           : m_target.substr(0, slash);
        const std::string base = slash == std::string::npos ? m_target : m_target.substr(slash + 1);
        // Hidden, in the target's directory: the rename is atomic only within one file system.
        m_temp = (dir == "/" ? dir : dir + "/") + "." + base + ".XXXXXX";
        m_fd = ::mkostemp(m_temp.data(), O_CLOEXEC); // mode 0600
        if (m_fd < 0) {
            const int err = errno;
            m_temp.clear();
            error = errnoText(m_target, err);
            return false;
        }
        if (exists && ::fchmod(m_fd, st.st_mode & 07777) != 0) {
            error = errnoText(m_target, errno);
            return false;
        }
        m_dir = dir;
        return true;
    }

    const std::string &path() const { return m_temp; }
    int fd() const { return m_fd; }
    /// For writers that open the path themselves.
    void closeFd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    /// Buffered writing for the text formats; the first error sticks.
    bool append(const std::string &data, std::string &error)
    {
        size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(m_fd, data.data() + done, data.size() - done);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                error = errnoText(m_target, errno);
                return false;
            }
            done += size_t(n);
        }
        return true;
    }

    /// fsync, close, rename over the target, then make the rename itself durable.
    bool commit(std::string &error)
    {
        if (m_fd >= 0) {
            if (::fsync(m_fd) != 0) {
                error = errnoText(m_target, errno);
                return false;
            }
            const int fd = m_fd;
            m_fd = -1;
            if (::close(fd) != 0) {
                error = errnoText(m_target, errno);
                return false;
            }
        }
        if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
            error = errnoText(m_target, errno);
            return false;
        }
        m_temp.clear();
        const int dirFd = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirFd >= 0) {
            ::fsync(dirFd); // best effort: the file itself is complete and in place
            ::close(dirFd);
        }
        return true;
    }

    void discard()
    {
        closeFd();
        if (!m_temp.empty())
            ::unlink(m_temp.c_str());
        m_temp.clear();
    }

private:
    std::string m_target, m_temp, m_dir;
    int m_fd = -1;
};

/// Error texts of the capture writer name the temporary file: the user knows the target.
QString targetError(std::string error, const std::string &temp, const std::string &target)
{
    for (size_t at = error.find(temp); !temp.empty() && at != std::string::npos;
         at = error.find(temp, at + target.size()))
        error.replace(at, temp.size(), target);
    return QString::fromStdString(error);
}

CaptureFileWriter::Format writerFormat(SessionExporter::Format f)
{
    switch (f) {
    case SessionExporter::Format::PcapUsec:
        return CaptureFileWriter::Format::PcapUsec;
    case SessionExporter::Format::PcapNsec:
        return CaptureFileWriter::Format::PcapNsec;
    default:
        return CaptureFileWriter::Format::PcapNg;
    }
}

std::vector<std::string> toStd(const QStringList &list)
{
    std::vector<std::string> out;
    out.reserve(size_t(list.size()));
    for (const QString &s : list)
        out.push_back(s.toStdString());
    return out;
}

constexpr size_t kFlushAt = 1 << 20;
constexpr qint64 kProgressMs = 100;

} // namespace

SessionExporter::Result SessionExporter::exportFile(const QString &source, const QString &target,
                                                    const Options &o,
                                                    const std::atomic<bool> *cancel,
                                                    const ProgressFn &progress)
{
    Result r;
    // A link is followed: the file it names is replaced, not the link.
    QString resolved = target;
    const QFileInfo info(target);
    if (info.isSymLink() && info.exists())
        resolved = info.canonicalFilePath();
    const std::string targetName = resolved.toStdString();

    CaptureFileReader reader;
    reader.setZeroCopy(true);
    // A record cut off at the end (a spool still being written, a capture that was killed)
    // is the end of the export, not an error.
    reader.setFollowing(true);
    if (!reader.open(source.toStdString())) {
        r.error = QString::fromStdString(reader.error());
        return r;
    }

    TempFile temp(targetName);
    std::string error;
    if (!temp.create(error)) {
        r.error = QString::fromStdString(error);
        return r;
    }

    const bool capture = isCaptureFormat(o.format);
    CaptureFileWriter writer;
    PacketCopier copier(reader, writer, targetName);
    if (capture) {
        temp.closeFd();
        if (!writer.open(temp.path(), writerFormat(o.format), "PacketLens " PACKETLENS_VERSION)) {
            r.error = targetError(writer.error(), temp.path(), targetName);
            return r;
        }
    }

    const bool dissect =
        o.format == Format::Csv || o.format == Format::Json || o.format == Format::Text;
    const bool tree = o.format == Format::Json || (o.format == Format::Text && o.textDetails);
    Dissection summaryPass(Dissection::Mode::Summary), treePass(Dissection::Mode::Tree);
    summaryPass.prefs.tcpRelativeSequenceNumbers = o.tcpRelativeSequenceNumbers;
    treePass.prefs.tcpRelativeSequenceNumbers = o.tcpRelativeSequenceNumbers;
    // As the packet store and tshark: summary lines never show a checksum's status; a tree
    // (the details pane, -V) does.
    summaryPass.prefs.verifyChecksums = false;
    treePass.prefs.verifyChecksums = true;
    Session session;

    std::string out;
    out.reserve(kFlushAt + 65536);
    print::JsonPrinter json(o.jsonRaw);
    print::TextPrinter text({o.textSummary, o.textDetails, o.textBytes});
    if (o.format == Format::Csv)
        print::appendCsvHeader(out);
    else if (o.format == Format::Json)
        json.appendBegin(out);

    const auto &spans = o.range.spans();
    const uint64_t last = spans.empty() ? 0 : spans.back().last;
    size_t span = 0; // the first span that may still hold the next frame
    bool haveFirst = false;
    int64_t firstSec = 0;
    uint32_t firstNsec = 0;
    std::string src, dst;
    const qint64 total = qint64(reader.fileSize());
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    if (progress)
        progress(0, total);

    CapturedPacket p;
    auto fail = [&](QString why) {
        r.error = std::move(why);
        r.ok = false;
        return r; // ~TempFile removes the temporary file
    };
    for (uint64_t n = 1; n <= last; ++n) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            r.cancelled = true;
            return r;
        }
        if (!reader.next(p))
            break;
        if ((n & 255) == 0 && progress && sinceProgress.elapsed() >= kProgressMs) {
            progress(qint64(p.fileOffset), total);
            sinceProgress.restart();
        }
        if (!haveFirst) { // like tshark, even a frame without a time is the reference
            haveFirst = true;
            firstSec = p.frame.tsSec;
            firstNsec = p.frame.tsNsec;
        }
        while (span < spans.size() && spans[span].last < n)
            ++span;
        const bool wanted = span < spans.size() && spans[span].first <= n;

        if (capture) {
            if (!wanted)
                continue;
            const auto edited = o.comments.constFind(n);
            std::vector<std::string> comments;
            if (edited != o.comments.constEnd())
                comments = toStd(*edited);
            if (!copier.write(p, edited != o.comments.constEnd() ? &comments : nullptr))
                return fail(targetError(copier.error(), temp.path(), targetName));
            ++r.packets;
            continue;
        }

        Dissection &d = wanted && tree ? treePass : summaryPass;
        if (dissect)
            d.dissect(p.frame, &session);
        if (!wanted)
            continue;
        ++r.packets;
        if (o.format == Format::CArrays) {
            print::appendCArray(out, n, p.frame.data, p.frame.capLen);
        } else if (o.format == Format::Json) {
            json.appendFrame(out, d);
        } else {
            int64_t relSec = 0;
            uint32_t relNsec = 0;
            timeDifference(p.frame.tsSec, p.frame.tsNsec, firstSec, firstNsec, relSec, relNsec);
            const auto &ifs = reader.interfaces();
            const int digits =
                p.frame.interfaceId < ifs.size() ? ifs[p.frame.interfaceId].timeDigits() : 6;
            src.clear();
            dst.clear();
            d.source().appendTo(src);
            d.destination().appendTo(dst);
            print::SummaryColumns columns;
            columns.protocol = d.protocolColumn();
            columns.info = d.infoColumn();
            columns.number = n;
            columns.hasTime = p.frame.hasTimestamp;
            columns.relSec = relSec;
            columns.relNsec = relNsec;
            columns.digits = digits;
            columns.source = src;
            columns.destination = dst;
            columns.length = p.frame.wireLen;
            if (o.format == Format::Csv) {
                print::appendCsvRow(out, columns);
            } else {
                text.appendFrame(out, columns, d);
            }
        }
        if (out.size() >= kFlushAt) {
            if (!temp.append(out, error))
                return fail(QString::fromStdString(error));
            out.clear();
        }
    }
    if (reader.damaged()) {
        r.sourceDamaged = true;
        r.sourceError = QString::fromStdString(reader.error());
    }
    if (cancel && cancel->load(std::memory_order_relaxed)) {
        r.cancelled = true;
        return r;
    }

    if (capture) {
        if (!copier.finish())
            return fail(targetError(copier.error(), temp.path(), targetName));
        if (!writer.sync() || !writer.close())
            return fail(targetError(writer.error(), temp.path(), targetName));
    } else {
        if (o.format == Format::Json)
            json.appendEnd(out);
        if (!temp.append(out, error))
            return fail(QString::fromStdString(error));
    }
    if (!temp.commit(error))
        return fail(QString::fromStdString(error));
    if (progress)
        progress(total, total);
    r.ok = true;
    return r;
}

// --- the asynchronous wrapper ---

SessionExporter::SessionExporter(QObject *parent) : QObject(parent) {}

SessionExporter::~SessionExporter()
{
    m_cancel = true;
    if (m_worker.joinable())
        m_worker.join();
}

bool SessionExporter::start(const QString &source, const QString &target, const Options &options)
{
    if (m_running)
        return false;
    if (m_worker.joinable())
        m_worker.join();
    m_running = true;
    m_cancel = false;
    m_result = {};
    m_worker = std::thread([this, source, target, options] {
        const Result r =
            exportFile(source, target, options, &m_cancel, [this](qint64 done, qint64 total) {
                QMetaObject::invokeMethod(
                    this, [this, done, total] { emit progress(done, total); },
                    Qt::QueuedConnection);
            });
        QMetaObject::invokeMethod(
            this, [this, r] { finish(r); }, Qt::QueuedConnection);
    });
    return true;
}

void SessionExporter::cancel()
{
    if (m_running)
        m_cancel = true;
}

void SessionExporter::finish(const Result &result)
{
    if (m_worker.joinable())
        m_worker.join();
    m_running = false;
    m_result = result;
    emit finished(result.ok, result.error);
}

QString SessionExporter::suffix(Format format)
{
    switch (format) {
    case Format::PcapNg:
        return QStringLiteral("pcapng");
    case Format::PcapUsec:
    case Format::PcapNsec:
        return QStringLiteral("pcap");
    case Format::Csv:
        return QStringLiteral("csv");
    case Format::Json:
        return QStringLiteral("json");
    case Format::Text:
        return QStringLiteral("txt");
    case Format::CArrays:
        return QStringLiteral("c");
    }
    return {};
}

PacketRange SessionExporter::rangeOfBits(const RowBits &bits, uint64_t count)
{
    std::vector<PacketRange::Span> spans;
    const uint64_t words = std::min<uint64_t>(bits.size(), (count + 63) / 64);
    for (uint64_t w = 0; w < words; ++w) {
        for (uint64_t word = bits[w]; word;) {
            const int bit = __builtin_ctzll(word);
            word &= word - 1;
            const uint64_t frame = w * 64 + uint64_t(bit) + 1;
            if (frame > count)
                break;
            if (!spans.empty() && spans.back().last + 1 == frame)
                spans.back().last = frame;
            else
                spans.push_back({frame, frame});
        }
    }
    return PacketRange::fromSpans(std::move(spans));
}

PacketRange SessionExporter::firstToLastOfBits(const RowBits &bits, uint64_t count)
{
    const PacketRange marked = rangeOfBits(bits, count);
    if (marked.isEmpty())
        return marked;
    return PacketRange::fromSpans({{marked.spans().front().first, marked.spans().back().last}});
}

PacketRange SessionExporter::rangeOfFrames(std::vector<uint64_t> frames)
{
    std::sort(frames.begin(), frames.end());
    std::vector<PacketRange::Span> spans;
    for (const uint64_t f : frames) {
        if (f == 0)
            continue;
        if (!spans.empty() && f <= spans.back().last + 1)
            spans.back().last = std::max(spans.back().last, f);
        else
            spans.push_back({f, f});
    }
    return PacketRange::fromSpans(std::move(spans));
}

} // namespace pl
