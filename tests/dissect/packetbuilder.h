#pragma once

// Test helpers: frames from hex text, dissection in tree mode, and a field lookup that
// returns value text and byte range, so tests assert what a user sees.

#include "dissect/checksum.h"
#include "dissect/dissection.h"
#include "dissect/fieldformat.h"

#include <QByteArray>
#include <QString>
#include <string>
#include <vector>

namespace pltest {

/// Bytes from hex text; whitespace and '|' separators ignored ("00 1b 21 | 08 00").
inline std::vector<uint8_t> hex(const char *text)
{
    const QByteArray clean =
        QByteArray(text).replace(' ', "").replace('\n', "").replace('|', "").replace('\t', "");
    const QByteArray bytes = QByteArray::fromHex(clean);
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

/// Writes the header checksum (bytes 10-11) of the IPv4 header of `len` bytes at `ip`.
inline void setIpv4Checksum(uint8_t *ip, size_t len = 20)
{
    ip[10] = ip[11] = 0;
    const uint16_t c = pl::checksum::finish(pl::checksum::add(0, ip, len));
    ip[10] = uint8_t(c >> 8);
    ip[11] = uint8_t(c);
}

/// Ethernet + IPv4 (10.0.0.`srcHost` → 10.0.0.`dstHost`, protocol `proto`) around
/// `transport` (its header and payload), the IPv4 checksum set.
inline std::vector<uint8_t> ipv4Frame(uint8_t srcHost, uint8_t dstHost, uint8_t proto,
                                      const std::vector<uint8_t> &transport)
{
    const size_t ipLen = 20 + transport.size();
    std::vector<uint8_t> f;
    f.reserve(14 + ipLen);
    f = {0, 1, 2, 3, 4, dstHost, 0, 1, 2, 3, 4, srcHost, 0x08, 0x00};
    const uint8_t ip[20] = {0x45,
                            0,
                            uint8_t(ipLen >> 8),
                            uint8_t(ipLen),
                            0,
                            1,
                            0x40,
                            0,
                            64,
                            proto,
                            0,
                            0,
                            10,
                            0,
                            0,
                            srcHost,
                            10,
                            0,
                            0,
                            dstHost};
    f.insert(f.end(), ip, ip + 20);
    setIpv4Checksum(f.data() + 14);
    f.insert(f.end(), transport.begin(), transport.end());
    return f;
}

/// Ethernet + IPv4 + TCP without options (TCP checksum zero: tests that need it verified
/// build their bytes by hand).
inline std::vector<uint8_t> tcpv4Frame(uint8_t srcHost, uint8_t dstHost, uint16_t sport,
                                       uint16_t dport, uint32_t seq, uint8_t flags,
                                       const std::string &payload, uint32_t ack = 0)
{
    std::vector<uint8_t> t = {uint8_t(sport >> 8),
                              uint8_t(sport),
                              uint8_t(dport >> 8),
                              uint8_t(dport),
                              uint8_t(seq >> 24),
                              uint8_t(seq >> 16),
                              uint8_t(seq >> 8),
                              uint8_t(seq),
                              uint8_t(ack >> 24),
                              uint8_t(ack >> 16),
                              uint8_t(ack >> 8),
                              uint8_t(ack),
                              0x50,
                              flags,
                              0xff,
                              0xff,
                              0,
                              0,
                              0,
                              0};
    t.insert(t.end(), payload.begin(), payload.end());
    return ipv4Frame(srcHost, dstHost, 6, t);
}

/// Ethernet + IPv4 + UDP, as tcpv4Frame.
inline std::vector<uint8_t> udpv4Frame(uint8_t srcHost, uint8_t dstHost, uint16_t sport,
                                       uint16_t dport, const std::string &payload)
{
    const size_t udpLen = 8 + payload.size();
    std::vector<uint8_t> u = {uint8_t(sport >> 8),
                              uint8_t(sport),
                              uint8_t(dport >> 8),
                              uint8_t(dport),
                              uint8_t(udpLen >> 8),
                              uint8_t(udpLen),
                              0,
                              0};
    u.insert(u.end(), payload.begin(), payload.end());
    return ipv4Frame(srcHost, dstHost, 17, u);
}

/// One dissected frame kept alive with its bytes.
struct Dissected
{
    std::vector<uint8_t> bytes;
    pl::Frame frame;
    pl::Dissection d{pl::Dissection::Mode::Tree};

    Dissected(std::vector<uint8_t> b, uint32_t linkType, uint32_t wireLen = 0,
              pl::Session *session = nullptr, const pl::Preferences &prefs = {},
              pl::Dissection::Mode mode = pl::Dissection::Mode::Tree, uint64_t number = 1)
        : bytes(std::move(b)), d(mode)
    {
        d.prefs = prefs;
        frame.data = bytes.data();
        frame.capLen = uint32_t(bytes.size());
        frame.wireLen = wireLen ? wireLen : uint32_t(bytes.size());
        frame.linkType = linkType;
        frame.number = number;
        d.dissect(frame, session);
    }

    const pl::FieldTree &tree() const { return d.fieldTree(); }

    /// All nodes of field `abbrev`, in tree order.
    std::vector<int32_t> nodes(const char *abbrev) const
    {
        std::vector<int32_t> out;
        const auto ids = pl::Registry::instance().fieldsNamed(abbrev);
        for (size_t i = 1; i < tree().size(); ++i)
            for (pl::FieldId id : ids)
                if (tree().node(int32_t(i)).field == id)
                    out.push_back(int32_t(i));
        return out;
    }

    /// tshark's -T fields text of the `occurrence`-th `abbrev`, or "<absent>".
    QString value(const char *abbrev, size_t occurrence = 0) const
    {
        const auto n = nodes(abbrev);
        if (occurrence >= n.size())
            return QStringLiteral("<absent>");
        std::string s;
        pl::fieldformat::appendValue(s, pl::Registry::instance(), tree(), n[occurrence],
                                     d.nodeData(tree().node(n[occurrence])));
        return QString::fromStdString(s);
    }

    /// "offset+length" of the first `abbrev`, for byte-range assertions.
    QString range(const char *abbrev) const
    {
        const auto n = nodes(abbrev);
        if (n.empty())
            return QStringLiteral("<absent>");
        const pl::FieldNode &node = tree().node(n.front());
        return QStringLiteral("%1+%2").arg(node.offset).arg(node.length);
    }

    QString label(const char *abbrev) const
    {
        const auto n = nodes(abbrev);
        if (n.empty())
            return QStringLiteral("<absent>");
        return QString::fromStdString(pl::fieldformat::label(
            pl::Registry::instance(), tree(), n.front(), d.nodeData(tree().node(n.front()))));
    }

    /// Every label in the tree, depth-first, indented by four spaces a level: a text dump.
    QString dump() const
    {
        QString out;
        dumpNode(out, tree().node(pl::FieldTree::root()).firstChild, 0);
        return out;
    }

    bool hasText(const QString &needle) const { return dump().contains(needle); }

    QString info() const { return QString::fromStdString(d.infoColumn()); }
    QString protocol() const { return QString::fromStdString(std::string(d.protocolColumn())); }
    QString source() const { return QString::fromStdString(d.source().toString()); }
    QString destination() const { return QString::fromStdString(d.destination().toString()); }
    bool malformed() const { return d.flags() & pl::Malformed; }
    bool truncated() const { return d.flags() & pl::Truncated; }
    bool badChecksum() const { return d.flags() & pl::BadChecksum; }

private:
    void dumpNode(QString &out, int32_t i, int depth) const
    {
        for (; i >= 0; i = tree().node(i).next) {
            if (tree().node(i).flags & pl::Hidden)
                continue;
            out += QString(depth * 4, QLatin1Char(' '));
            out += QString::fromStdString(pl::fieldformat::label(pl::Registry::instance(), tree(),
                                                                 i, d.nodeData(tree().node(i))));
            out += QLatin1Char('\n');
            dumpNode(out, tree().node(i).firstChild, depth + 1);
        }
    }
};

} // namespace pltest
