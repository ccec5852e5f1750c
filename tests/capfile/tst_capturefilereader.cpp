// CaptureFileReader on synthetic files written by the test: pcap in both byte orders and
// resolutions, pcapng sections of different byte order, time stamp resolutions and offsets,
// comments, the obsolete and simple packet blocks, and every kind of damage with its message.

#include "capfile/capturefilereader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>
#include <vector>

using pl::CapturedPacket;
using pl::CaptureFileReader;

namespace {

using Bytes = std::vector<uint8_t>;

/// Appends integers in a chosen byte order.
class Writer
{
public:
    explicit Writer(bool bigEndian = false) : m_be(bigEndian) {}
    Writer &u8(uint8_t v)
    {
        m_d.push_back(v);
        return *this;
    }
    Writer &u16(uint16_t v) { return put(v, 2); }
    Writer &u32(uint32_t v) { return put(v, 4); }
    Writer &u64(uint64_t v) { return put(v, 8); }
    Writer &raw(const Bytes &b)
    {
        m_d.insert(m_d.end(), b.begin(), b.end());
        return *this;
    }
    Writer &pad4()
    {
        while (m_d.size() % 4)
            m_d.push_back(0);
        return *this;
    }
    const Bytes &bytes() const { return m_d; }

private:
    Writer &put(uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i)
            m_d.push_back(uint8_t(v >> (8 * (m_be ? n - 1 - i : i))));
        return *this;
    }
    bool m_be;
    Bytes m_d;
};

Bytes payload(size_t n, uint8_t seed)
{
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = uint8_t(seed + i);
    return b;
}

Bytes text(const std::string &s)
{
    return Bytes(s.begin(), s.end());
}

Bytes operator+(Bytes a, const Bytes &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// --- pcap ---

Bytes pcapHeader(bool be, uint32_t magic, uint32_t linkField = 1, uint32_t snap = 65535,
                 uint16_t major = 2, uint16_t minor = 4)
{
    return Writer(be)
        .u32(magic)
        .u16(major)
        .u16(minor)
        .u32(0)
        .u32(0)
        .u32(snap)
        .u32(linkField)
        .bytes();
}

Bytes pcapRecord(bool be, uint32_t sec, uint32_t frac, const Bytes &data, uint32_t wireLen = 0)
{
    return Writer(be)
        .u32(sec)
        .u32(frac)
        .u32(uint32_t(data.size()))
        .u32(wireLen ? wireLen : uint32_t(data.size()))
        .raw(data)
        .bytes();
}

// --- pcapng ---

Bytes option(bool be, uint16_t code, const Bytes &value)
{
    return Writer(be).u16(code).u16(uint16_t(value.size())).raw(value).pad4().bytes();
}

Bytes endOfOptions(bool be)
{
    return Writer(be).u32(0).bytes();
}

Bytes block(bool be, uint32_t type, const Bytes &body)
{
    Writer w(be);
    const uint32_t len = uint32_t(12 + ((body.size() + 3) & ~size_t(3)));
    return w.u32(type).u32(len).raw(body).pad4().u32(len).bytes();
}

Bytes shb(bool be, const Bytes &options = {}, uint16_t major = 1, uint16_t minor = 0)
{
    return block(be, 0x0A0D0D0A,
                 Writer(be).u32(0x1A2B3C4D).u16(major).u16(minor).u64(~0ull).raw(options).bytes());
}

Bytes idb(bool be, uint16_t linkType, uint32_t snap, const Bytes &options = {})
{
    return block(be, 1, Writer(be).u16(linkType).u16(0).u32(snap).raw(options).bytes());
}

Bytes epb(bool be, uint32_t ifid, uint64_t ts, const Bytes &data, uint32_t wireLen = 0,
          const Bytes &options = {})
{
    return block(be, 6,
                 Writer(be)
                     .u32(ifid)
                     .u32(uint32_t(ts >> 32))
                     .u32(uint32_t(ts))
                     .u32(uint32_t(data.size()))
                     .u32(wireLen ? wireLen : uint32_t(data.size()))
                     .raw(data)
                     .pad4()
                     .raw(options)
                     .bytes());
}

Bytes spb(bool be, uint32_t wireLen, const Bytes &data)
{
    return block(be, 3, Writer(be).u32(wireLen).raw(data).pad4().bytes());
}

Bytes obsoletePb(bool be, uint16_t ifid, uint64_t ts, const Bytes &data)
{
    return block(be, 2,
                 Writer(be)
                     .u16(ifid)
                     .u16(0)
                     .u32(uint32_t(ts >> 32))
                     .u32(uint32_t(ts))
                     .u32(uint32_t(data.size()))
                     .u32(uint32_t(data.size()))
                     .raw(data)
                     .pad4()
                     .bytes());
}

} // namespace

class TestCaptureFileReader : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string write(const QString &name, const Bytes &content)
    {
        const QString p = m_dir.filePath(name);
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(p));
        f.write(reinterpret_cast<const char *>(content.data()), qint64(content.size()));
        return p.toStdString();
    }

    static std::vector<CapturedPacket> readAll(CaptureFileReader &r)
    {
        std::vector<CapturedPacket> out;
        CapturedPacket p;
        while (r.next(p))
            out.push_back(p);
        return out;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void pcapBothByteOrdersAndResolutions_data()
    {
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<bool>("nano");
        QTest::newRow("LE usec") << false << false;
        QTest::newRow("BE usec") << true << false;
        QTest::newRow("LE nsec") << false << true;
        QTest::newRow("BE nsec") << true << true;
    }

    void pcapBothByteOrdersAndResolutions()
    {
        QFETCH(bool, bigEndian);
        QFETCH(bool, nano);
        const uint32_t magic = nano ? 0xa1b23c4d : 0xa1b2c3d4;
        const Bytes file =
            pcapHeader(bigEndian, magic, 113, 96) +
            pcapRecord(bigEndian, 1700000000, nano ? 123456789 : 123456, payload(60, 1)) +
            pcapRecord(bigEndian, 4294967295u, 0, payload(20, 7), 1500) +
            // caplen > wire length: kept, wire length raised to match.
            pcapRecord(bigEndian, 5, 1, payload(40, 3), 30);
        CaptureFileReader r;
        QVERIFY2(r.open(write(QStringLiteral("x.pcap"), file)), r.error().c_str());
        QCOMPARE(r.format(), CaptureFileReader::Format::Pcap);
        QCOMPARE(r.interfaces().size(), size_t(1));
        QCOMPARE(r.interfaces()[0].linkType, 113u);
        QCOMPARE(r.interfaces()[0].snapLen, 96u);
        QCOMPARE(r.interfaces()[0].tsUnitsPerSecond, nano ? uint64_t(1000000000) : 1000000u);
        const auto all = readAll(r);
        QVERIFY2(!r.damaged(), r.error().c_str());
        QCOMPARE(all.size(), size_t(3));
        QCOMPARE(all[0].frame.number, uint64_t(1));
        QCOMPARE(all[0].frame.tsSec, int64_t(1700000000));
        QCOMPARE(all[0].frame.tsNsec, nano ? 123456789u : 123456000u);
        QCOMPARE(all[0].bytes, payload(60, 1));
        QCOMPARE(all[0].frame.linkType, 113u);
        QCOMPARE(all[0].fileOffset, uint64_t(24));
        QCOMPARE(all[1].frame.tsSec, int64_t(4294967295));
        QCOMPARE(all[1].frame.capLen, 20u);
        QCOMPARE(all[1].frame.wireLen, 1500u);
        QCOMPARE(all[1].fileOffset, uint64_t(24 + 16 + 60));
        QCOMPARE(all[2].frame.capLen, 40u);
        QCOMPARE(all[2].frame.wireLen, 40u);
        QCOMPARE(all[2].frame.number, uint64_t(3));
        QVERIFY(r.blockCounts().empty());
    }

    void pcapEmptyAndNotACaptureFile()
    {
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("empty.pcap"), pcapHeader(false, 0xa1b2c3d4))));
        CapturedPacket p;
        QVERIFY(!r.next(p));
        QVERIFY(!r.damaged());
        QVERIFY(r.error().empty());
        QCOMPARE(r.packetCount(), uint64_t(0));
        QVERIFY(r.buildIndex());

        const std::string zero = write(QStringLiteral("zero.pcap"), {});
        QVERIFY(!r.open(zero));
        QCOMPARE(r.error(), zero + ": byte 0: the file is empty");

        const std::string junk = write(QStringLiteral("junk.pcap"), text("\x12\x34\x56\x78junk"));
        QVERIFY(!r.open(junk));
        QCOMPARE(r.error(), junk + ": byte 0: not a pcap or pcapng file (magic 0x12345678)");

        const std::string shortHdr =
            write(QStringLiteral("short.pcap"), Writer().u32(0xa1b2c3d4).u16(2).bytes());
        QVERIFY(!r.open(shortHdr));
        QVERIFY2(r.error().find("needs 24 bytes, 6 left") != std::string::npos, r.error().c_str());

        QVERIFY(!r.open(m_dir.filePath(QStringLiteral("missing.pcap")).toStdString()));
        QVERIFY2(r.error().find("No such file") != std::string::npos, r.error().c_str());
    }

    void pcapHeaderChecks()
    {
        CaptureFileReader r;
        // FCS length and flag bits above the reserved field are allowed.
        QVERIFY(
            r.open(write(QStringLiteral("fcs.pcap"), pcapHeader(false, 0xa1b2c3d4, 0x34000001u))));
        QCOMPARE(r.interfaces()[0].linkType, 1u);
        const std::string reserved =
            write(QStringLiteral("res.pcap"), pcapHeader(true, 0xa1b2c3d4, 0x00010001u));
        QVERIFY(!r.open(reserved));
        QCOMPARE(r.error(), reserved + ": byte 20: savefile linktype reserved field not zero "
                                       "(0x00010000)");
        // libpcap reads 2.0..2.4 (and DG/UX's 543.0), nothing else.
        QVERIFY(r.open(
            write(QStringLiteral("v22.pcap"), pcapHeader(false, 0xa1b2c3d4, 1, 65535, 2, 2))));
        QVERIFY(r.open(
            write(QStringLiteral("v543.pcap"), pcapHeader(false, 0xa1b2c3d4, 1, 65535, 543, 0))));
        const std::string v25 =
            write(QStringLiteral("v25.pcap"), pcapHeader(false, 0xa1b2c3d4, 1, 65535, 2, 5));
        QVERIFY(!r.open(v25));
        QCOMPARE(r.error(), v25 + ": byte 4: unsupported pcap savefile version 2.5");
    }

    void pcapModifiedFormat()
    {
        // Kuznetzov's patched libpcap: 8 more bytes a record (ifindex, protocol, type, pad).
        Writer w;
        w.raw(pcapHeader(false, 0xa1b2cd34));
        w.u32(10).u32(20).u32(4).u32(4).u32(2).u16(0x0800).u8(0).u8(0).raw(payload(4, 9));
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("mod.pcap"), w.bytes())));
        const auto all = readAll(r);
        QVERIFY2(!r.damaged(), r.error().c_str());
        QCOMPARE(all.size(), size_t(1));
        QCOMPARE(all[0].bytes, payload(4, 9));
        QCOMPARE(all[0].frame.tsNsec, 20000u);
    }

    void pcapCutInTheMiddle()
    {
        const Bytes good = pcapHeader(false, 0xa1b2c3d4) + pcapRecord(false, 1, 0, payload(60, 0)) +
                           pcapRecord(false, 2, 0, payload(74, 0));
        const uint64_t cutAt = good.size(); // 24 + 76 + 90 = 190
        Bytes cut = good + pcapRecord(false, 3, 0, payload(74, 0));
        cut.resize(cut.size() - 54); // 16-byte header and 20 of 74 data bytes remain
        CaptureFileReader r;
        const std::string path = write(QStringLiteral("cut.pcap"), cut);
        QVERIFY(r.open(path));
        const auto all = readAll(r);
        QCOMPARE(all.size(), size_t(2));
        QVERIFY(r.damaged());
        QCOMPARE(r.error(), path + ": byte " + std::to_string(cutAt) +
                                ": file ends in the middle of a packet (needs 74 bytes, 20 left)");
        CapturedPacket p;
        QVERIFY(!r.next(p)); // stays stopped
        QCOMPARE(r.packetCount(), uint64_t(2));
        QVERIFY(!r.buildIndex());
        QVERIFY(r.readPacket(1, p));
        QCOMPARE(p.frame.tsSec, int64_t(2));

        // Cut inside a record header; buildIndex alone finds it too.
        Bytes cutHeader = good + Bytes(5, 0);
        const std::string path2 = write(QStringLiteral("cuthdr.pcap"), cutHeader);
        CaptureFileReader r2;
        QVERIFY(r2.open(path2));
        QVERIFY(!r2.buildIndex());
        QCOMPARE(r2.packetCount(), uint64_t(2));
        QCOMPARE(r2.error(), path2 + ": byte 190: file ends in the middle of a packet record "
                                     "header (needs 16 bytes, 5 left)");
    }

    void pcapRecordLongerThanSnapshotAllows()
    {
        CaptureFileReader r;
        // Up to max(snaplen, 262144) is read (libpcap accepts it too), beyond is damage.
        Bytes file = pcapHeader(false, 0xa1b2c3d4, 1, 96) +
                     pcapRecord(false, 1, 0, payload(1000, 0)) +
                     Writer().u32(2).u32(0).u32(300000).u32(300000).bytes() + payload(64, 0);
        const std::string path = write(QStringLiteral("long.pcap"), file);
        QVERIFY(r.open(path));
        const auto all = readAll(r);
        QCOMPARE(all.size(), size_t(1));
        QVERIFY(r.damaged());
        QCOMPARE(r.error(), path + ": byte 1040: packet record claims 300000 bytes, more than "
                                   "the snapshot length allows (at most 262144)");
    }

    void pcapGrowingFile()
    {
        // A file still being written: the clean end is not final.
        const std::string path =
            write(QStringLiteral("grow.pcap"),
                  pcapHeader(false, 0xa1b2c3d4) + pcapRecord(false, 1, 0, payload(10, 0)));
        CaptureFileReader r;
        QVERIFY(r.open(path));
        CapturedPacket p;
        QVERIFY(r.next(p));
        QVERIFY(!r.next(p));
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::Append));
        const Bytes more = pcapRecord(false, 2, 0, payload(12, 0));
        f.write(reinterpret_cast<const char *>(more.data()), qint64(more.size()));
        f.close();
        QVERIFY(r.next(p));
        QCOMPARE(p.frame.number, uint64_t(2));
        QCOMPARE(p.frame.capLen, 12u);
    }

    void pcapngSectionsOfDifferentByteOrder()
    {
        const Bytes file = shb(false, option(false, 1, text("first")) +
                                          option(false, 4, text("test")) + endOfOptions(false)) +
                           idb(false, 1, 0, option(false, 2, text("eth0")) + endOfOptions(false)) +
                           epb(false, 0, 1000000ull * 1700000000 + 5, payload(60, 1)) +
                           shb(true, option(true, 1, text("second"))) + idb(true, 101, 0) +
                           idb(true, 1, 128, option(true, 3, text("descr"))) +
                           epb(true, 1, 2000000, payload(42, 2), 100) +
                           epb(true, 0, 3000000, payload(20, 3));
        CaptureFileReader r;
        const std::string path = write(QStringLiteral("sections.pcapng"), file);
        QVERIFY2(r.open(path), r.error().c_str());
        QCOMPARE(r.format(), CaptureFileReader::Format::PcapNg);
        QCOMPARE(r.interfaces().size(), size_t(1)); // the IDBs after the first SHB, read by open
        QCOMPARE(r.sectionComments(), std::vector<std::string>{"first"});
        QCOMPARE(r.sectionDescription(), std::string("Application: test"));
        const auto all = readAll(r);
        QVERIFY2(!r.damaged(), r.error().c_str());
        QCOMPARE(all.size(), size_t(3));
        QCOMPARE(r.sectionCount(), 2u);
        QCOMPARE(r.interfaces().size(), size_t(3));
        QCOMPARE(r.interfaces()[0].name, std::string("eth0"));
        QCOMPARE(r.interfaces()[2].description, std::string("descr"));
        QCOMPARE(r.interfaces()[2].section, 1u);
        QCOMPARE(all[0].frame.interfaceId, 0u);
        QCOMPARE(all[0].frame.tsSec, int64_t(1700000000));
        QCOMPARE(all[0].frame.tsNsec, 5000u);
        QCOMPARE(all[1].frame.interfaceId, 2u); // section 2's interface 1
        QCOMPARE(all[1].frame.linkType, 1u);
        QCOMPARE(all[1].frame.wireLen, 100u);
        QCOMPARE(all[1].bytes, payload(42, 2));
        QCOMPARE(all[1].frame.tsSec, int64_t(2));
        QCOMPARE(all[2].frame.interfaceId, 1u);
        QCOMPARE(all[2].frame.linkType, 101u);
        QCOMPARE(r.blockCounts().at(0x0A0D0D0A), uint64_t(2));
        QCOMPARE(r.blockCounts().at(1), uint64_t(3));
        QCOMPARE(r.blockCounts().at(6), uint64_t(3));
        // Random access into the big-endian section.
        CapturedPacket p;
        QVERIFY(r.readPacket(2, p));
        QCOMPARE(p.bytes, payload(20, 3));
        QCOMPARE(p.frame.tsSec, int64_t(3));
    }

    void pcapngTimeResolutionsAndOffset()
    {
        const bool be = false;
        const Bytes file =
            shb(be) + idb(be, 1, 0, option(be, 9, {9}) + endOfOptions(be)) +
            idb(be, 1, 0, option(be, 9, {0x8A}) + endOfOptions(be)) + // 2^-10 s
            idb(be, 1, 0,
                option(be, 9, {0}) + option(be, 14, Writer().u64(uint64_t(-100)).bytes())) +
            epb(be, 0, 1700000000ull * 1000000000 + 123456789, payload(4, 0)) +
            epb(be, 1, 1024 * 5 + 512 + 1, payload(4, 0)) + epb(be, 2, 1000, payload(4, 0));
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("tsresol.pcapng"), file)));
        QCOMPARE(r.interfaces().size(), size_t(3));
        QCOMPARE(r.interfaces()[0].tsUnitsPerSecond, uint64_t(1000000000));
        QCOMPARE(r.interfaces()[1].tsUnitsPerSecond, uint64_t(1024));
        QCOMPARE(r.interfaces()[2].tsUnitsPerSecond, uint64_t(1));
        QCOMPARE(r.interfaces()[2].tsOffsetSeconds, int64_t(-100));
        const auto all = readAll(r);
        QCOMPARE(all.size(), size_t(3));
        QCOMPARE(all[0].frame.tsSec, int64_t(1700000000));
        QCOMPARE(all[0].frame.tsNsec, 123456789u);
        QCOMPARE(all[1].frame.tsSec, int64_t(5));
        QCOMPARE(all[1].frame.tsNsec, 500976562u); // 513/1024 s, truncated to ns
        QCOMPARE(all[2].frame.tsSec, int64_t(900));
        QCOMPARE(all[2].frame.tsNsec, 0u);

        // 2^-63 units and the largest count: no overflow on the way to nanoseconds.
        const Bytes fine =
            shb(be) + idb(be, 1, 0, option(be, 9, {0xBF})) + epb(be, 0, ~0ull, payload(1, 0));
        QVERIFY(r.open(write(QStringLiteral("fine.pcapng"), fine)));
        CapturedPacket p;
        QVERIFY2(r.next(p), r.error().c_str());
        QCOMPARE(p.frame.tsSec, int64_t(1));
        QCOMPARE(p.frame.tsNsec, 999999999u);

        // 10^-20 cannot be counted in 64 bits: refused as damage, not silently wrong.
        const Bytes tooFine =
            shb(be) + idb(be, 1, 0, option(be, 9, {20})) + epb(be, 0, 1, payload(1, 0));
        QVERIFY(r.open(write(QStringLiteral("toofine.pcapng"), tooFine)));
        QVERIFY(!r.next(p));
        QVERIFY(r.damaged());
        QVERIFY2(r.error().find("if_tsresol 0x14") != std::string::npos, r.error().c_str());
    }

    void pcapngAfter2106()
    {
        // 2200-01-01T00:00:00Z in microseconds does not fit the 32 bits of a pcap record.
        const Bytes file =
            shb(true) + idb(true, 1, 0) + epb(true, 0, 7258118400ull * 1000000 + 7, payload(8, 0));
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("2200.pcapng"), file)));
        CapturedPacket p;
        QVERIFY(r.next(p));
        QCOMPARE(p.frame.tsSec, int64_t(7258118400));
        QCOMPARE(p.frame.tsNsec, 7000u);
        // 1 unit a second and the largest count: seconds exceed int64 and saturate.
        const Bytes huge = shb(false) + idb(false, 1, 0, option(false, 9, {0})) +
                           epb(false, 0, ~0ull, payload(8, 0));
        QVERIFY(r.open(write(QStringLiteral("huge.pcapng"), huge)));
        QVERIFY(r.next(p));
        QCOMPARE(p.frame.tsSec, std::numeric_limits<int64_t>::max());
    }

    void pcapngPacketComments()
    {
        const Bytes file = shb(false) + idb(false, 1, 0) +
                           epb(false, 0, 1, payload(3, 0), 0,
                               option(false, 1, text("hello")) + option(false, 2, {0, 0, 0, 1}) +
                                   option(false, 1, text("world!")) + endOfOptions(false)) +
                           epb(false, 0, 2, payload(3, 0));
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("comments.pcapng"), file)));
        CapturedPacket p;
        QVERIFY(r.next(p));
        QCOMPARE(p.comments, (std::vector<std::string>{"hello", "world!"}));
        QCOMPARE(p.bytes, payload(3, 0));
        QVERIFY(r.next(p));
        QVERIFY(p.comments.empty());
    }

    void pcapngSimpleAndObsoletePacketBlocks()
    {
        const Bytes file = shb(false) + idb(false, 1, 64) + spb(false, 100, payload(64, 1)) +
                           spb(false, 10, payload(10, 2)) +
                           obsoletePb(false, 0, 7000000, payload(5, 3)) +
                           block(false, 0x0BAD, payload(8, 0)) + block(false, 0x40000BAD, {}) +
                           block(false, 0x12345, payload(4, 0)) + block(false, 5, payload(12, 0));
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("spb.pcapng"), file)));
        const auto all = readAll(r);
        QVERIFY2(!r.damaged(), r.error().c_str());
        QCOMPARE(all.size(), size_t(3));
        QCOMPARE(all[0].frame.capLen, 64u); // cut by interface 0's snaplen
        QCOMPARE(all[0].frame.wireLen, 100u);
        QVERIFY(!all[0].hasTimestamp);
        QCOMPARE(all[1].frame.capLen, 10u);
        QCOMPARE(all[2].frame.tsSec, int64_t(7));
        QVERIFY(all[2].hasTimestamp);
        QCOMPARE(all[2].bytes, payload(5, 3));
        QCOMPARE(r.blockCounts().at(3), uint64_t(2));
        QCOMPARE(r.blockCounts().at(2), uint64_t(1));
        QCOMPARE(r.blockCounts().at(0xBAD), uint64_t(1));
        QCOMPARE(r.blockCounts().at(0x40000BAD), uint64_t(1));
        QCOMPARE(r.blockCounts().at(0x12345), uint64_t(1));
        QCOMPARE(r.blockCounts().at(5), uint64_t(1));
        QCOMPARE(CaptureFileReader::blockTypeName(0x12345), std::string("0x00012345"));
    }

    void pcapngVersions()
    {
        CaptureFileReader r;
        QVERIFY(
            r.open(write(QStringLiteral("v12.pcapng"), shb(false, {}, 1, 2) + idb(false, 1, 0))));
        const std::string v2 = write(QStringLiteral("v20.pcapng"), shb(true, {}, 2, 0));
        QVERIFY(!r.open(v2));
        QCOMPARE(r.error(), v2 + ": byte 12: unsupported pcapng savefile version 2.0");
        // A later section with a bad version is damage after the good packets.
        const std::string later =
            write(QStringLiteral("later.pcapng"),
                  shb(false) + idb(false, 1, 0) + epb(false, 0, 1, {1}) + shb(false, {}, 1, 1));
        QVERIFY(r.open(later));
        QCOMPARE(readAll(r).size(), size_t(1));
        QVERIFY(r.damaged());
        QCOMPARE(r.error(), later + ": byte 96: unsupported pcapng savefile version 1.1");
    }

    void pcapngOptionRunsPastItsBlock()
    {
        // In the SHB: refused at open.
        Bytes bad = shb(false, option(false, 1, text("abcd")));
        bad[26] = 40; // the comment's length now runs past the block
        CaptureFileReader r;
        const std::string s = write(QStringLiteral("shbopt.pcapng"), bad);
        QVERIFY(!r.open(s));
        QCOMPARE(r.error(), s + ": byte 24: option 1 of length 40 runs past the end of the "
                                "section header block at byte 0");

        // In an EPB: the packets before it load, then damage.
        Bytes good = shb(false) + idb(false, 1, 0) + epb(false, 0, 1, payload(4, 0));
        const size_t at = good.size();
        Bytes withBad = good + epb(false, 0, 2, payload(4, 0), 0, option(false, 1, text("xy")));
        withBad[at + 32 + 2] = 0xff;
        const std::string e = write(QStringLiteral("epbopt.pcapng"), withBad);
        QVERIFY(r.open(e));
        QCOMPARE(readAll(r).size(), size_t(1));
        QVERIFY(r.damaged());
        QCOMPARE(r.error(), e + ": byte " + std::to_string(at + 32) +
                                ": option 1 of length 255 runs past the end of the enhanced "
                                "packet block at byte " +
                                std::to_string(at));

        // In an IDB right after the SHB: open succeeds, next() reports it.
        Bytes idbBad = shb(false) + idb(false, 1, 0, option(false, 2, text("eth0")));
        idbBad[28 + 16 + 2] = 9;
        const std::string i = write(QStringLiteral("idbopt.pcapng"), idbBad);
        QVERIFY(r.open(i));
        CapturedPacket p;
        QVERIFY(!r.next(p));
        QVERIFY(r.damaged());
        QVERIFY2(r.error().find("byte 44: option 2 of length 9 runs past the end of the "
                                "interface description block at byte 28") != std::string::npos,
                 r.error().c_str());
    }

    void pcapngBlockLengthDamage_data()
    {
        QTest::addColumn<QByteArray>("tail"); // little-endian block bytes after one good packet
        QTest::addColumn<QString>("reason");
        QTest::newRow("not multiple of 4")
            << QByteArray::fromHex("06000000 1e000000 0000000000000000000000000000000000000000")
            << QStringLiteral("block total length 30 is not a multiple of 4");
        QTest::newRow("too small") << QByteArray::fromHex("06000000 08000000 08000000")
                                   << QStringLiteral("block total length 8 is less than the "
                                                     "minimum of 12");
        QTest::newRow("trailer") << QByteArray::fromHex("06000000 10000000 00000000 14000000")
                                 << QStringLiteral("block total length in header 16 and trailer "
                                                   "20 don't match");
        QTest::newRow("cut block") << QByteArray::fromHex("06000000 40000000 00000000")
                                   << QStringLiteral("file ends before the end of the enhanced "
                                                     "packet block (needs 64 bytes, 12 left)");
        QTest::newRow("cut header") << QByteArray::fromHex("060000")
                                    << QStringLiteral("file ends in the middle of a block header "
                                                      "(needs 12 bytes, 3 left)");
        QTest::newRow("no interface")
            << QByteArray::fromHex("06000000 24000000 05000000 00000000 00000000 04000000 "
                                   "04000000 01020304 24000000")
            << QStringLiteral("enhanced packet block refers to interface 5, but its section has "
                              "1 interface(s)");
        QTest::newRow("caplen past block")
            << QByteArray::fromHex("06000000 24000000 00000000 00000000 00000000 08000000 "
                                   "08000000 01020304 24000000")
            << QStringLiteral("captured length 8 runs past the end of the enhanced packet block "
                              "(room for 4 bytes)");
        QTest::newRow("garbage") << QByteArray("this is not a block at all")
                                 << QStringLiteral("block total length 544434464 is larger than "
                                                   "the maximum of 268435456");
    }

    void pcapngBlockLengthDamage()
    {
        QFETCH(QByteArray, tail);
        QFETCH(QString, reason);
        const Bytes good = shb(false) + idb(false, 1, 0) + epb(false, 0, 1, payload(4, 0));
        const Bytes file = good + Bytes(tail.begin(), tail.end());
        CaptureFileReader r;
        const std::string path = write(QStringLiteral("damage.pcapng"), file);
        QVERIFY(r.open(path));
        QCOMPARE(readAll(r).size(), size_t(1));
        QVERIFY(r.damaged());
        const QString err = QString::fromStdString(r.error());
        QVERIFY2(err.startsWith(QString::fromStdString(path)), qPrintable(err));
        QVERIFY2(err.contains(reason), qPrintable(err));
        // The byte offset names the damaged block (after 28 + 20 + 36 good bytes), or a
        // field inside it.
        QVERIFY2(err.contains(QStringLiteral(": byte 84: ")) ||
                     err.contains(QStringLiteral(": byte 92: ")) ||
                     err.contains(QStringLiteral(": byte 104: ")),
                 qPrintable(err));
    }

    void pcapngNotAnShb()
    {
        // Byte-order magic neither way round.
        Bytes file = shb(false);
        file[8] = 0x11;
        CaptureFileReader r;
        const std::string path = write(QStringLiteral("bom.pcapng"), file);
        QVERIFY(!r.open(path));
        QCOMPARE(r.error(), path + ": byte 8: section header block has an unknown byte-order "
                                   "magic 0x1a2b3c11");
    }

    void bigFileIndexIsCompact()
    {
        // 100k packets: index by next(), then random access at both ends.
        Writer w;
        w.raw(pcapHeader(false, 0xa1b2c3d4));
        for (uint32_t i = 0; i < 100000; ++i)
            w.u32(i).u32(0).u32(16).u32(60).u32(i).u32(~i).u32(i * 3).u32(7);
        CaptureFileReader r;
        QVERIFY(r.open(write(QStringLiteral("big.pcap"), w.bytes())));
        CapturedPacket p;
        const uint8_t *storage = nullptr;
        uint64_t n = 0;
        while (r.next(p)) {
            if (n == 1)
                storage = p.bytes.data();
            ++n;
            if (n > 1)
                QVERIFY(p.bytes.data() == storage); // no reallocation in steady state
        }
        QCOMPARE(n, uint64_t(100000));
        QVERIFY(r.readPacket(99999, p));
        QCOMPARE(p.frame.tsSec, int64_t(99999));
        QVERIFY(r.readPacket(0, p));
        QCOMPARE(p.frame.tsSec, int64_t(0));
    }
};

QTEST_APPLESS_MAIN(TestCaptureFileReader)
#include "tst_capturefilereader.moc"
