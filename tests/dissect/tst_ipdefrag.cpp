// IPv4 and IPv6 defragmentation (fragmentreassembler.h, ipv4.cpp, ipv6.cpp): crafted fragment
// sequences checked against what tshark 4.0 shows for the same bytes (in order, reverse order,
// duplicates, conflicting overlaps, several tails, a missing piece, a datagram past 65535
// bytes), revisits (the GUI's clicks, tshark -2), the ip.defragment preference, bounded memory
// under a flood, and PcapPlusPlus's expected reassembled bytes.

#include "dissect/fieldformat.h"
#include "dissect/fragmentreassembler.h"
#include "packetbuilder.h"

#include <QDebug>
#include <QFile>
#include <QTest>

#include <memory>

using pltest::hex;

namespace {

uint16_t checksum(const std::vector<uint8_t> &b)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < b.size(); i += 2)
        sum += uint32_t(b[i] << 8 | b[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

/// The UDP datagram 1234 -> 9999 (checksum 0) around `data`, as the fragments carry it.
std::vector<uint8_t> udp(size_t dataLen, uint8_t first = 0)
{
    std::vector<uint8_t> d = {
        0x04, 0xd2, 0x27, 0x0f, uint8_t((8 + dataLen) >> 8), uint8_t(8 + dataLen), 0, 0};
    for (size_t i = 0; i < dataLen; ++i)
        d.push_back(uint8_t(first + i));
    return d;
}

std::vector<uint8_t> slice(const std::vector<uint8_t> &b, size_t at, size_t len)
{
    return std::vector<uint8_t>(b.begin() + ptrdiff_t(at), b.begin() + ptrdiff_t(at + len));
}

/// Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 fragment of datagram `id` at byte `offset`.
std::vector<uint8_t> ip4(uint16_t id, uint32_t offset, bool more,
                         const std::vector<uint8_t> &payload, uint8_t proto = 17)
{
    const size_t total = 20 + payload.size();
    const uint16_t frag = uint16_t((more ? 0x2000 : 0) | (offset / 8));
    std::vector<uint8_t> ip = {0x45,
                               0,
                               uint8_t(total >> 8),
                               uint8_t(total),
                               uint8_t(id >> 8),
                               uint8_t(id),
                               uint8_t(frag >> 8),
                               uint8_t(frag),
                               64,
                               proto,
                               0,
                               0,
                               10,
                               0,
                               0,
                               1,
                               10,
                               0,
                               0,
                               2};
    const uint16_t c = checksum(ip);
    ip[10] = uint8_t(c >> 8);
    ip[11] = uint8_t(c);
    std::vector<uint8_t> f = hex("000000000002 000000000001 0800");
    f.insert(f.end(), ip.begin(), ip.end());
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

/// Ethernet + IPv6 fe80::1 -> fe80::2 with a fragment header (next header UDP).
std::vector<uint8_t> ip6(uint32_t ident, uint32_t offset, bool more,
                         const std::vector<uint8_t> &payload)
{
    std::vector<uint8_t> f = hex("000000000002 000000000001 86dd 60000000");
    const size_t plen = 8 + payload.size();
    f.push_back(uint8_t(plen >> 8));
    f.push_back(uint8_t(plen));
    f.push_back(44);
    f.push_back(64);
    const auto addrs = hex("fe800000000000000000000000000001 fe800000000000000000000000000002");
    f.insert(f.end(), addrs.begin(), addrs.end());
    const uint16_t off = uint16_t((offset / 8) << 3 | (more ? 1 : 0));
    const std::vector<uint8_t> fh = {17,
                                     0,
                                     uint8_t(off >> 8),
                                     uint8_t(off),
                                     uint8_t(ident >> 24),
                                     uint8_t(ident >> 16),
                                     uint8_t(ident >> 8),
                                     uint8_t(ident)};
    f.insert(f.end(), fh.begin(), fh.end());
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

/// A capture of frames dissected in one Session, in order first; any frame may then be
/// dissected again (a revisit, as the GUI does on a click).
class Capture
{
public:
    explicit Capture(bool remember = false, pl::Preferences prefs = {})
    {
        m_session.setRemembersFrames(remember);
        m_tree.prefs = prefs;
        m_summary.prefs = prefs;
    }

    void add(std::vector<uint8_t> bytes) { m_frames.push_back(std::move(bytes)); }
    size_t size() const { return m_frames.size(); }

    /// Dissects frame `number` (1-based) in tree mode (or summary mode).
    pl::Dissection &dissect(size_t number, bool tree = true)
    {
        pl::Dissection &d = tree ? m_tree : m_summary;
        const std::vector<uint8_t> &b = m_frames[number - 1];
        m_frame.data = b.data();
        m_frame.capLen = m_frame.wireLen = uint32_t(b.size());
        m_frame.linkType = 1;
        m_frame.number = number;
        m_frame.tsSec = 1700000000 + int64_t(number);
        d.dissect(m_frame, &m_session);
        return d;
    }
    /// Every frame in order (the first pass); returns the Info column of each.
    QStringList firstPass(bool tree = false)
    {
        QStringList infos;
        for (size_t i = 1; i <= m_frames.size(); ++i)
            infos << QString::fromStdString(dissect(i, tree).infoColumn());
        return infos;
    }

    const pl::Dissection &tree() const { return m_tree; }

    std::vector<int32_t> nodes(const char *abbrev) const
    {
        std::vector<int32_t> out;
        const pl::FieldTree &t = m_tree.fieldTree();
        const auto ids = pl::Registry::instance().fieldsNamed(abbrev);
        for (size_t i = 1; i < t.size(); ++i)
            for (pl::FieldId id : ids)
                if (t.node(int32_t(i)).field == id)
                    out.push_back(int32_t(i));
        return out;
    }
    /// Every occurrence's -T fields text, comma separated (tshark's occurrence=a).
    QString values(const char *abbrev) const
    {
        QStringList out;
        for (int32_t n : nodes(abbrev)) {
            std::string s;
            pl::fieldformat::appendValue(s, pl::Registry::instance(), m_tree.fieldTree(), n,
                                         m_tree.nodeData(m_tree.fieldTree().node(n)));
            out << QString::fromStdString(s);
        }
        return out.isEmpty() ? QStringLiteral("<absent>") : out.join(QLatin1Char(','));
    }
    /// "source:offset+length" of the first `abbrev`.
    QString range(const char *abbrev) const
    {
        const auto n = nodes(abbrev);
        if (n.empty())
            return QStringLiteral("<absent>");
        const pl::FieldNode &node = m_tree.fieldTree().node(n.front());
        return QStringLiteral("%1:%2+%3").arg(node.source).arg(node.offset).arg(node.length);
    }
    /// The tree as text, source-aware.
    QString dump() const
    {
        QString out;
        dumpNode(out, m_tree.fieldTree().node(pl::FieldTree::root()).firstChild, 0);
        return out;
    }
    QString info() const { return QString::fromStdString(m_tree.infoColumn()); }
    QString protocol() const
    {
        return QString::fromStdString(std::string(m_tree.protocolColumn()));
    }

private:
    void dumpNode(QString &out, int32_t i, int depth) const
    {
        const pl::FieldTree &t = m_tree.fieldTree();
        for (; i >= 0; i = t.node(i).next) {
            if (t.node(i).flags & pl::Hidden)
                continue;
            out += QString(depth * 4, QLatin1Char(' '));
            out += QString::fromStdString(
                pl::fieldformat::label(pl::Registry::instance(), t, i, m_tree.nodeData(t.node(i))));
            out += QLatin1Char('\n');
            dumpNode(out, t.node(i).firstChild, depth + 1);
        }
    }

    std::vector<std::vector<uint8_t>> m_frames;
    pl::Session m_session;
    pl::Frame m_frame;
    pl::Dissection m_tree{pl::Dissection::Mode::Tree};
    pl::Dissection m_summary{pl::Dissection::Mode::Summary};
};

QByteArray bytesOf(std::span<const uint8_t> s)
{
    return QByteArray(reinterpret_cast<const char *>(s.data()), qsizetype(s.size()));
}

/// The frames of a classic little-endian pcap file (enough for the corpus files used here).
std::vector<std::vector<uint8_t>> readPcap(const QString &path)
{
    QFile f(path);
    std::vector<std::vector<uint8_t>> frames;
    if (!f.open(QIODevice::ReadOnly))
        return frames;
    const QByteArray all = f.readAll();
    auto u32 = [&](qsizetype at) {
        return uint32_t(uint8_t(all[at])) | uint32_t(uint8_t(all[at + 1])) << 8 |
               uint32_t(uint8_t(all[at + 2])) << 16 | uint32_t(uint8_t(all[at + 3])) << 24;
    };
    if (all.size() < 24 || u32(0) != 0xa1b2c3d4)
        return frames;
    for (qsizetype at = 24; at + 16 <= all.size();) {
        const uint32_t len = u32(at + 8);
        at += 16;
        if (at + qsizetype(len) > all.size())
            break;
        frames.emplace_back(all.begin() + at, all.begin() + at + len);
        at += len;
    }
    return frames;
}

QString corpus(const char *file)
{
    return QString::fromLocal8Bit(qgetenv("PACKETLENS_CORPUS")) + QLatin1Char('/') +
           QLatin1String(file);
}

} // namespace

class TestIpDefrag : public QObject
{
    Q_OBJECT
private slots:
    void inOrder()
    {
        const auto d = udp(32);
        Capture c;
        c.add(ip4(1, 0, true, slice(d, 0, 16)));
        c.add(ip4(1, 16, true, slice(d, 16, 16)));
        c.add(ip4(1, 32, false, slice(d, 32, 8)));
        c.dissect(1);
        // tshark's one pass: the completing frame is not known yet.
        QCOMPARE(c.info(), QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=0, ID=0001)"));
        QCOMPARE(c.protocol(), QStringLiteral("IPv4"));
        QCOMPARE(c.values("ip.reassembled_in"), QStringLiteral("<absent>"));
        QCOMPARE(c.values("data.data"), QStringLiteral("04d2270f002800000001020304050607"));
        QCOMPARE(c.tree().sourceCount(), size_t(1));
        c.dissect(2);
        QCOMPARE(c.info(),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=16, ID=0001)"));
        pl::Dissection &last = c.dissect(3);
        QCOMPARE(c.protocol(), QStringLiteral("UDP"));
        QCOMPARE(c.info(), QStringLiteral("1234 → 9999 Len=32"));
        QCOMPARE(last.sourceCount(), size_t(2));
        QCOMPARE(last.sourceName(1), std::string("Reassembled IPv4 (40 bytes)"));
        QCOMPARE(bytesOf(last.sourceBytes(1)), bytesOf(d));
        QCOMPARE(c.values("ip.fragment"), QStringLiteral("1,2,3"));
        QCOMPARE(c.values("ip.fragment.count"), QStringLiteral("3"));
        QCOMPARE(c.values("ip.reassembled.length"), QStringLiteral("40"));
        QCOMPARE(c.values("ip.reassembled.data"),
                 QString::fromLatin1(QByteArray(bytesOf(d)).toHex()));
        QCOMPARE(c.values("ip.fragments"), QString::fromLatin1(QByteArray(bytesOf(d)).toHex()));
        QCOMPARE(c.values("udp.length"), QStringLiteral("40"));
        QCOMPARE(c.values("udp.srcport"), QStringLiteral("1234"));
        // The fragment items and the UDP header refer to the reassembled bytes.
        QCOMPARE(c.range("ip.fragments"), QStringLiteral("1:0+40"));
        QCOMPARE(c.range("ip.fragment"), QStringLiteral("1:0+16"));
        QCOMPARE(c.range("udp.srcport"), QStringLiteral("1:0+2"));
        QCOMPARE(c.range("ip.len"), QStringLiteral("0:16+2"));
        const QString expected = QStringLiteral(
            "    [3 IPv4 Fragments (40 bytes): #1(16), #2(16), #3(8)]\n"
            "        [Frame: 1, payload: 0-15 (16 bytes)]\n"
            "        [Frame: 2, payload: 16-31 (16 bytes)]\n"
            "        [Frame: 3, payload: 32-39 (8 bytes)]\n"
            "        [Fragment count: 3]\n"
            "        [Reassembled IPv4 length: 40]\n"
            "        [Reassembled IPv4 data: "
            "04d2270f00280000000102030405060708090a0b0c0d0e0f101112131415161718191a1b…]\n"
            "User Datagram Protocol, Src Port: 1234, Dst Port: 9999\n");
        if (!c.dump().contains(expected))
            qWarning().noquote() << c.dump(); // QVERIFY2 cuts long messages
        QVERIFY(c.dump().contains(expected));
    }

    void reverseOrderCompletesAtTheFirstFragment()
    {
        const auto d = udp(32, 100);
        Capture c;
        c.add(ip4(2, 32, false, slice(d, 32, 8)));
        c.add(ip4(2, 16, true, slice(d, 16, 16)));
        c.add(ip4(2, 0, true, slice(d, 0, 16)));
        const QStringList infos = c.firstPass();
        QCOMPARE(infos.at(0),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=32, ID=0002)"));
        QCOMPARE(infos.at(2), QStringLiteral("1234 → 9999 Len=32"));
        Capture again;
        again.add(ip4(2, 32, false, slice(d, 32, 8)));
        again.add(ip4(2, 16, true, slice(d, 16, 16)));
        again.add(ip4(2, 0, true, slice(d, 0, 16)));
        again.firstPass(true); // the tree of the last frame stays
        QCOMPARE(bytesOf(again.tree().sourceBytes(1)), bytesOf(d));
        // Wireshark lists the fragments by offset.
        QCOMPARE(again.values("ip.fragment"), QStringLiteral("3,2,1"));
        QVERIFY(again.dump().contains(
            QStringLiteral("[3 IPv4 Fragments (40 bytes): #3(16), #2(16), #1(8)]")));
    }

    void duplicateIsAnOverlap()
    {
        const auto d = udp(32);
        Capture c;
        c.add(ip4(7, 0, true, slice(d, 0, 16)));
        c.add(ip4(7, 0, true, slice(d, 0, 16)));
        c.add(ip4(7, 16, false, slice(d, 16, 24)));
        c.firstPass(true);
        const Capture &t = c;
        QCOMPARE(bytesOf(t.tree().sourceBytes(1)), bytesOf(d));
        QCOMPARE(t.values("ip.fragment"), QStringLiteral("1,2,3"));
        QCOMPARE(t.values("ip.fragment.overlap"), QStringLiteral("1"));
        QCOMPARE(t.values("ip.fragment.overlap.conflict"), QStringLiteral("<absent>"));
        QCOMPARE(t.values("ip.fragment.error"), QStringLiteral("<absent>"));
        QVERIFY2(t.dump().contains(QStringLiteral("        [Frame: 2, payload: 0-15 (16 bytes)]\n"
                                                  "            [Fragment overlap: True]\n")),
                 qPrintable(t.dump()));
    }

    void conflictingOverlapIsAnError()
    {
        const auto d = udp(32);
        auto bad = slice(d, 8, 16);
        bad[0] ^= 0xff;
        Capture c;
        c.add(ip4(3, 0, true, slice(d, 0, 16)));
        c.add(ip4(3, 8, true, bad));
        c.add(ip4(3, 24, false, slice(d, 24, 16)));
        c.dissect(1);
        c.dissect(2);
        pl::Dissection &done = c.dissect(3);
        // The first fragment's bytes stay (tshark's reassembled data is the same).
        QCOMPARE(bytesOf(done.sourceBytes(1)), bytesOf(d));
        QCOMPARE(c.values("ip.fragment"), QStringLiteral("1,3"));
        QCOMPARE(c.values("ip.fragment.error"), QStringLiteral("2"));
        QCOMPARE(c.values("ip.fragment.overlap"), QStringLiteral("1"));
        QCOMPARE(c.values("ip.fragment.overlap.conflict"), QStringLiteral("1"));
        QVERIFY2(c.dump().contains(
                     QStringLiteral("        [Frame: 2, payload: 8-23 (16 bytes)]\n"
                                    "            [Fragment overlap: True]\n"
                                    "            [Conflicting data in fragment overlap: True]\n")),
                 qPrintable(c.dump()));
    }

    void multipleTails()
    {
        // tshark: the first tail gives the end (32); the second (end 24) is flagged.
        const auto d = udp(24);
        auto tail1 = slice(d, 16, 16);
        Capture c;
        c.add(ip4(4, 16, false, tail1));
        c.add(ip4(4, 16, false, slice(d, 16, 8)));
        c.add(ip4(4, 0, true, slice(d, 0, 16)));
        c.dissect(1);
        c.dissect(2);
        pl::Dissection &done = c.dissect(3);
        QCOMPARE(done.sourceName(1), std::string("Reassembled IPv4 (32 bytes)"));
        QCOMPARE(c.values("ip.fragment"), QStringLiteral("3,1"));
        QCOMPARE(c.values("ip.fragment.error"), QStringLiteral("2"));
        QCOMPARE(c.values("ip.fragment.multipletails"), QStringLiteral("1"));
        QCOMPARE(c.values("ip.fragment.overlap"), QStringLiteral("1"));
        QVERIFY(c.dump().contains(QStringLiteral("[3 IPv4 Fragments (32 bytes): #3(16), #1(16), "
                                                 "#2(8)]")));
    }

    void missingPieceNeverCompletes()
    {
        const auto d = udp(32);
        Capture c(true);
        c.add(ip4(5, 0, true, slice(d, 0, 16)));
        c.add(ip4(5, 32, false, slice(d, 32, 8)));
        const QStringList infos = c.firstPass();
        QCOMPARE(infos.at(1),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=32, ID=0005)"));
        for (size_t i = 1; i <= 2; ++i) {
            pl::Dissection &f = c.dissect(i);
            QCOMPARE(f.sourceCount(), size_t(1));
            QCOMPARE(c.values("ip.reassembled_in"), QStringLiteral("<absent>"));
            QCOMPARE(c.values("udp.srcport"), QStringLiteral("<absent>"));
            QVERIFY(c.values("data.data") != QStringLiteral("<absent>"));
        }
    }

    void tooLongIsNotKept()
    {
        // Offset 65528 + 16 bytes ends past 65535: never joined, flagged in its own frame.
        Capture c(true);
        c.add(ip4(6, 65528, false, std::vector<uint8_t>(16)));
        c.dissect(1);
        QCOMPARE(c.values("ip.fragment.toolongfragment"), QStringLiteral("1"));
        QVERIFY(c.dissect(1).revisit()); // a click shows the same
        QCOMPARE(c.values("ip.fragment.toolongfragment"), QStringLiteral("1"));
        QCOMPARE(c.info(),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=65528, ID=0006)"));
        pl::FragmentReassembler r;
        const uint8_t a[4] = {10, 0, 0, 1};
        const std::vector<uint8_t> big(16);
        QCOMPARE(r.add(pl::FragmentKey::ipv4(a, a, 1, 17), 1, 0, false, 65528, big, false, false),
                 pl::FragmentReassembler::Outcome::TooLong);
        QCOMPARE(r.datagramsInProgress(), size_t(0));
        QCOMPARE(r.bytesInProgress(), size_t(0));
    }

    void revisitsAnswerLikeTsharkTwoPass()
    {
        const auto d = udp(32);
        Capture c(true);
        c.add(ip4(1, 0, true, slice(d, 0, 16)));
        c.add(ip4(1, 16, true, slice(d, 16, 16)));
        c.add(ip4(1, 32, false, slice(d, 32, 8)));
        c.add(hex("000000000002 000000000001 0800 45000020 0009 0000 40 11 0000 0a000001 0a000002"
                  "04d2 270f 000c 0000 aabbccdd"));
        c.firstPass(); // summary mode, as the packet store's first pass
        // Any order of clicks, several times: tshark -2's answers every time.
        for (size_t n : {3, 1, 2, 3, 4, 1}) {
            pl::Dissection &f = c.dissect(n);
            QVERIFY(f.revisit());
            if (n == 3) {
                QCOMPARE(c.protocol(), QStringLiteral("UDP"));
                QCOMPARE(f.sourceName(1), std::string("Reassembled IPv4 (40 bytes)"));
                QCOMPARE(bytesOf(f.sourceBytes(1)), bytesOf(d));
                QCOMPARE(c.values("ip.fragment"), QStringLiteral("1,2,3"));
                QCOMPARE(c.values("ip.reassembled_in"), QStringLiteral("<absent>"));
            } else if (n == 4) {
                QCOMPARE(c.values("ip.reassembled_in"), QStringLiteral("<absent>"));
                QCOMPARE(f.sourceCount(), size_t(1));
            } else {
                QCOMPARE(c.values("ip.reassembled_in"), QStringLiteral("3"));
                QVERIFY2(c.info().endsWith(QStringLiteral(", ID=0001) [Reassembled in #3]")),
                         qPrintable(c.info()));
                QVERIFY(c.dump().contains(QStringLiteral("    [Reassembled IPv4 in frame: 3]\n"
                                                         "Data (16 bytes)\n")));
                QCOMPARE(f.sourceCount(), size_t(1));
            }
        }
    }

    void preferenceOffShowsEveryFragmentAsData()
    {
        pl::Preferences prefs;
        prefs.ipDefragment = false;
        const auto d = udp(32);
        Capture c(false, prefs);
        c.add(ip4(1, 0, true, slice(d, 0, 16)));
        c.add(ip4(1, 16, false, slice(d, 16, 24)));
        c.dissect(1);
        c.dissect(2);
        QCOMPARE(c.info(),
                 QStringLiteral("Fragmented IP protocol (proto=UDP 17, off=16, ID=0001)"));
        QCOMPARE(c.tree().sourceCount(), size_t(1));
        QCOMPARE(c.values("ip.fragment"), QStringLiteral("<absent>"));
    }

    void summaryModeCollectsTheSameFields()
    {
        // A display filter pass (summary + interest) sees what the tree has.
        const auto d = udp(32);
        Capture c;
        c.add(ip4(1, 0, true, slice(d, 0, 16)));
        c.add(ip4(1, 16, false, slice(d, 16, 24)));
        const pl::Registry &reg = pl::Registry::instance();
        pl::FieldInterest want(reg.fieldCount(), 0);
        for (const char *name : {"ip.fragment", "ip.reassembled.length", "udp.srcport"})
            for (pl::FieldId f : reg.fieldsNamed(name))
                want[size_t(f)] = 1;
        pl::Dissection s(pl::Dissection::Mode::Summary);
        s.setInterest(&want);
        pl::Session session;
        std::vector<std::vector<uint8_t>> frames = {ip4(1, 0, true, slice(d, 0, 16)),
                                                    ip4(1, 16, false, slice(d, 16, 24))};
        QStringList got;
        for (size_t i = 0; i < frames.size(); ++i) {
            pl::Frame f;
            f.data = frames[i].data();
            f.capLen = f.wireLen = uint32_t(frames[i].size());
            f.linkType = 1;
            f.number = i + 1;
            s.dissect(f, &session);
        }
        const pl::FieldTree &t = s.fieldTree();
        for (int32_t i = t.node(0).firstChild; i >= 0; i = t.node(i).next) {
            std::string v;
            pl::fieldformat::appendValue(v, reg, t, i, s.nodeData(t.node(i)));
            got << QString::fromStdString(std::string(reg.field(t.node(i).field).abbrev) + "=" + v);
        }
        QCOMPARE(got.join(QLatin1Char(' ')),
                 QStringLiteral("ip.fragment=1 ip.fragment=2 ip.reassembled.length=40 "
                                "udp.srcport=1234"));
        QCOMPARE(s.protocolColumn(), std::string_view("UDP"));
    }

    void ipv6InOrderAndReverse()
    {
        const auto d = udp(32);
        Capture c(true);
        c.add(ip6(0x11, 0, true, slice(d, 0, 16)));
        c.add(ip6(0x11, 16, true, slice(d, 16, 16)));
        c.add(ip6(0x11, 32, false, slice(d, 32, 8)));
        c.add(ip6(0x12, 32, false, slice(d, 32, 8)));
        c.add(ip6(0x12, 16, true, slice(d, 16, 16)));
        c.add(ip6(0x12, 0, true, slice(d, 0, 16)));
        const QStringList infos = c.firstPass();
        QCOMPARE(infos.at(0),
                 QStringLiteral("IPv6 fragment (off=0 more=y ident=0x00000011 nxt=17)"));
        QCOMPARE(infos.at(2), QStringLiteral("1234 → 9999 Len=32 [ILLEGAL CHECKSUM (0)]"));
        QCOMPARE(infos.at(5), QStringLiteral("1234 → 9999 Len=32 [ILLEGAL CHECKSUM (0)]"));
        pl::Dissection &f = c.dissect(6);
        QCOMPARE(f.sourceName(1), std::string("Reassembled IPv6 (40 bytes)"));
        QCOMPARE(bytesOf(f.sourceBytes(1)), bytesOf(d));
        QCOMPARE(c.values("ipv6.fragment"), QStringLiteral("6,5,4"));
        QCOMPARE(c.values("ipv6.fragment.count"), QStringLiteral("3"));
        QCOMPARE(c.values("ipv6.reassembled.length"), QStringLiteral("40"));
        QCOMPARE(c.range("ipv6.reassembled.data"), QStringLiteral("1:0+40"));
        QVERIFY2(c.dump().contains(
                     QStringLiteral("        Identification: 0x00000012\n"
                                    "    [3 IPv6 Fragments (40 bytes): #6(16), #5(16), #4(8)]\n")),
                 qPrintable(c.dump()));
        c.dissect(2);
        QCOMPARE(c.values("ipv6.reassembled.in"), QStringLiteral("3"));
        // tshark -2 adds no "[Reassembled in #N]" to an IPv6 fragment's Info.
        QCOMPARE(c.info(), QStringLiteral("IPv6 fragment (off=16 more=y ident=0x00000011 nxt=17)"));
        QVERIFY(c.dump().contains(
            QStringLiteral("    [Reassembled IPv6 in frame: 3]\nData (16 bytes)")));
    }

    void floodStaysBounded()
    {
        // Fragments that never complete, each of a new datagram: the table keeps its limits.
        pl::FragmentReassembler::Limits limits;
        pl::FragmentReassembler r(limits);
        const std::vector<uint8_t> data(1000, 0x5a);
        uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
        for (uint32_t i = 0; i < 200000; ++i) {
            src[2] = uint8_t(i >> 16);
            const auto key = pl::FragmentKey::ipv4(src, dst, uint16_t(i), 17);
            QCOMPARE(r.add(key, i + 1, 0, false, 0, data, true, true),
                     pl::FragmentReassembler::Outcome::Pending);
            QVERIFY(r.datagramsInProgress() <= limits.maxDatagrams);
            QVERIFY(r.bytesInProgress() <= limits.maxBytes);
        }
        QCOMPARE(r.datagramsInProgress(), limits.maxDatagrams);
        // One datagram fed overlapping copies forever: the byte budget drops it.
        pl::FragmentReassembler one(limits);
        const auto key = pl::FragmentKey::ipv4(src, dst, 1, 17);
        for (uint32_t i = 0; i < 40000; ++i) {
            one.add(key, i + 1, 0, false, 8, data, true, false);
            QVERIFY(one.bytesInProgress() <= limits.maxBytes);
        }
        // The oldest go first: a datagram started before the flood is gone, a recent one is
        // still completed.
        pl::FragmentReassembler::Limits small;
        small.maxDatagrams = 4;
        pl::FragmentReassembler s(small);
        for (uint16_t id = 1; id <= 6; ++id)
            s.add(pl::FragmentKey::ipv4(src, dst, id, 17), id, 0, false, 0, data, true, false);
        QCOMPARE(s.datagramsInProgress(), size_t(4));
        QCOMPARE(
            s.add(pl::FragmentKey::ipv4(src, dst, 1, 17), 7, 0, false, 1000, data, false, false),
            pl::FragmentReassembler::Outcome::Pending);
        QCOMPARE(
            s.add(pl::FragmentKey::ipv4(src, dst, 6, 17), 8, 0, false, 1000, data, false, false),
            pl::FragmentReassembler::Outcome::Complete);
        QCOMPARE(s.completed().length, uint32_t(2000));
    }

    void floodThroughTheDissector()
    {
        // 20000 first fragments of distinct datagrams through IPv4 (summary mode).
        Capture c;
        std::vector<uint8_t> payload(1200, 0x11);
        for (uint32_t i = 0; i < 20000; ++i) {
            auto f = ip4(uint16_t(i), 0, true, payload);
            f[14 + 13] = uint8_t(i >> 16); // another source: another key past 65536 ids
            c.add(std::move(f));
        }
        c.firstPass();
        // Bounded: nothing to assert from outside but that it ran; the limits are the
        // reassembler's, tested above. A last fragment of an old datagram finds nothing.
        c.add(ip4(0, 1200, false, payload));
        pl::Dissection &last = c.dissect(c.size(), true);
        QCOMPARE(last.sourceCount(), size_t(1));
    }

    void timeoutSeparatesDatagrams()
    {
        pl::FragmentReassembler r;
        uint8_t a[4] = {10, 0, 0, 1};
        const auto key = pl::FragmentKey::ipv4(a, a, 9, 17);
        const std::vector<uint8_t> data(8, 1);
        r.add(key, 1, 1000, true, 0, data, true, false);
        // 61 s later: the first fragment was given up; this tail starts a new datagram.
        QCOMPARE(r.add(key, 2, 1061, true, 8, data, false, false),
                 pl::FragmentReassembler::Outcome::Pending);
        QCOMPARE(r.datagramsInProgress(), size_t(1));
        QCOMPARE(r.add(key, 3, 1062, true, 0, data, true, false),
                 pl::FragmentReassembler::Outcome::Complete);
        QCOMPARE(r.completed().fragments.size(), size_t(2));
        QCOMPARE(r.completed().fragments[0].frame, uint64_t(3));
    }

    void icmpErrorQuoteIsNotReassembled()
    {
        // An ICMP error quoting a fragment must not feed the reassembler (Wireshark neither).
        const auto d = udp(32);
        auto quoted = ip4(1, 16, false, slice(d, 16, 8));
        std::vector<uint8_t> icmp = {3, 3, 0, 0, 0, 0, 0, 0};
        icmp.insert(icmp.end(), quoted.begin() + 14, quoted.end());
        Capture c;
        c.add(ip4(1, 0, true, slice(d, 0, 16)));
        auto err = ip4(2, 0, false, icmp, 1);
        c.add(err);
        c.add(ip4(1, 16, true, slice(d, 16, 16)));
        c.add(ip4(1, 32, false, slice(d, 32, 8)));
        c.dissect(1);
        c.dissect(2);
        QCOMPARE(c.tree().sourceCount(), size_t(1));
        c.dissect(3);
        pl::Dissection &done = c.dissect(4);
        QCOMPARE(c.values("ip.fragment"), QStringLiteral("1,3,4"));
        QCOMPARE(bytesOf(done.sourceBytes(1)), bytesOf(d));
    }

    void truncatedFragmentIsNotJoined()
    {
        // A fragment whose payload the capture cut: Wireshark does not reassemble it.
        const auto d = udp(32);
        Capture c;
        c.add(ip4(1, 0, true, slice(d, 0, 16)));
        auto cut = ip4(1, 16, false, slice(d, 16, 24));
        cut.resize(cut.size() - 4);
        c.add(cut);
        c.dissect(1);
        c.dissect(2);
        QCOMPARE(c.tree().sourceCount(), size_t(1));
        QVERIFY(c.info().startsWith(QStringLiteral("Fragmented IP protocol")));
    }

    void pcapPlusPlusExpectedBytes_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("frame");
        QTest::addColumn<int>("headers"); // link + network header bytes before the payload
        QTest::newRow("frag_http_req")
            << QStringLiteral("pcapplusplus/frag_http_req.pcap")
            << QStringLiteral("pcapplusplus/expected/frag_http_req_reassembled.txt") << 11 << 34;
        QTest::newRow("ip6_fragments")
            << QStringLiteral("pcapplusplus/ip6_fragments.pcap")
            << QStringLiteral("pcapplusplus/expected/ip6_fragments_packet1.txt") << 7 << 54;
    }

    void pcapPlusPlusExpectedBytes()
    {
        QFETCH(QString, capture);
        QFETCH(QString, expected);
        QFETCH(int, frame);
        QFETCH(int, headers);
        if (qEnvironmentVariableIsEmpty("PACKETLENS_CORPUS"))
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory");
        const auto frames = readPcap(corpus(capture.toLatin1().constData()));
        QVERIFY(size_t(frame) <= frames.size());
        QFile e(corpus(expected.toLatin1().constData()));
        QVERIFY(e.open(QIODevice::ReadOnly));
        const QByteArray want = QByteArray::fromHex(e.readAll().trimmed());
        Capture c;
        for (const auto &f : frames)
            c.add(f);
        for (int i = 1; i < frame; ++i)
            c.dissect(size_t(i), false);
        pl::Dissection &done = c.dissect(size_t(frame));
        QCOMPARE(done.sourceCount(), size_t(2));
        // PcapPlusPlus writes the whole packet; the reassembled source is the payload after
        // its link and network headers, byte for byte.
        QCOMPARE(bytesOf(done.sourceBytes(1)).toHex(), want.mid(headers).toHex());
        QCOMPARE(done.sourceName(1), "Reassembled IPv" + std::string(headers == 34 ? "4" : "6") +
                                         " (" + std::to_string(want.size() - headers) + " bytes)");
    }
};

QTEST_APPLESS_MAIN(TestIpDefrag)
#include "tst_ipdefrag.moc"
