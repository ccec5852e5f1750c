// Framing and payload (de)serialisation; see codec.h for the wire format.

#include "ipc/codec.h"
#include "ipc/payloadstream.h"

#include <QtEndian>

namespace pl::ipc {

namespace {

// Smallest encodings, used to bound list counts by the bytes present before reserving.
constexpr qsizetype kMinStringSize = 4;
constexpr qsizetype kMinRecordSize = 4 + 8 + 4 + 4 + 4 + 4 * kMinStringSize + 1;
constexpr qsizetype kMinStartedInterfaceSize = 4 + kMinStringSize + 4;
constexpr qsizetype kInterfaceStatsSize = 4 + 8 + 8;

void write(PayloadWriter &w, const Hello &m)
{
    w.put(m.protocolVersion);
    w.string(m.helperVersion, kMaxNameChars);
    w.string(m.privileges, kMaxTextChars);
    w.put(m.pid);
}

void write(PayloadWriter &w, const Config &m)
{
    w.put(quint32(m.interfaces.size()));
    for (const QString &name : m.interfaces)
        w.string(name, kMaxNameChars);
    w.string(m.filter, kMaxTextChars);
    w.put(m.snaplen);
    w.boolean(m.promiscuous);
    w.put(m.bufferMiB);
    w.put(m.queueLimitBytes);
    w.boolean(m.summaries);
}

void write(PayloadWriter &w, const Started &m)
{
    w.put(quint32(m.interfaces.size()));
    for (const StartedInterface &i : m.interfaces) {
        w.put(i.id);
        w.string(i.name, kMaxNameChars);
        w.put(i.linkType);
    }
}

void write(PayloadWriter &w, const PacketBatch &m)
{
    w.put(quint32(m.packets.size()));
    for (const PacketRecord &r : m.packets) {
        w.put(r.interfaceId);
        w.put(r.tsSec);
        w.put(r.tsNsec);
        w.put(r.wireLen);
        w.bytes(r.bytes);
        w.string(r.protocol, kMaxNameChars);
        w.string(r.source, kMaxNameChars);
        w.string(r.destination, kMaxNameChars);
        w.string(r.info, kMaxTextChars);
        w.put(r.flags);
    }
}

void write(PayloadWriter &w, const Stats &m)
{
    w.put(quint32(m.interfaces.size()));
    for (const InterfaceStats &i : m.interfaces) {
        w.put(i.id);
        w.put(i.received);
        w.put(i.kernelDropped);
    }
    w.put(m.helperDropped);
    w.put(m.delivered);
}

void write(PayloadWriter &w, const Error &m)
{
    w.put(m.code);
    w.string(m.message, kMaxTextChars);
    w.string(m.hint, kMaxTextChars);
}

void write(PayloadWriter &, const Stop &) {}

// Fails early for lists that the decoder would refuse anyway.
bool withinListBounds(const Message &m)
{
    if (const auto *c = std::get_if<Config>(&m))
        return c->interfaces.size() <= kMaxInterfaces;
    if (const auto *s = std::get_if<Started>(&m))
        return s->interfaces.size() <= kMaxInterfaces;
    if (const auto *s = std::get_if<Stats>(&m))
        return s->interfaces.size() <= kMaxInterfaces;
    if (const auto *b = std::get_if<PacketBatch>(&m)) {
        for (const PacketRecord &r : b->packets) {
            if (r.bytes.size() > kMaxRecordBytes)
                return false;
        }
    }
    return true;
}

void read(PayloadReader &r, Hello &m)
{
    m.protocolVersion = r.get<quint16>();
    r.string(m.helperVersion, kMaxNameChars, "helper version");
    r.string(m.privileges, kMaxTextChars, "privileges");
    m.pid = r.get<qint64>();
}

void read(PayloadReader &r, Config &m)
{
    const quint32 n = r.count(kMaxInterfaces, kMinStringSize, "interface list");
    m.interfaces.reserve(n);
    for (quint32 i = 0; i < n && r.ok(); ++i) {
        QString name;
        r.string(name, kMaxNameChars, "interface name");
        m.interfaces.append(name);
    }
    r.string(m.filter, kMaxTextChars, "filter");
    m.snaplen = r.get<quint32>();
    m.promiscuous = r.boolean();
    m.bufferMiB = r.get<quint32>();
    m.queueLimitBytes = r.get<quint64>();
    m.summaries = r.boolean();
}

void read(PayloadReader &r, Started &m)
{
    const quint32 n = r.count(kMaxInterfaces, kMinStartedInterfaceSize, "interface list");
    m.interfaces.reserve(n);
    for (quint32 i = 0; i < n && r.ok(); ++i) {
        StartedInterface s;
        s.id = r.get<quint32>();
        r.string(s.name, kMaxNameChars, "interface name");
        s.linkType = r.get<quint32>();
        m.interfaces.append(s);
    }
}

void read(PayloadReader &r, PacketBatch &m)
{
    const quint32 n = r.count(kMaxBatchPayload, kMinRecordSize, "packet batch");
    m.packets.reserve(n);
    for (quint32 i = 0; i < n && r.ok(); ++i) {
        PacketRecord p;
        p.interfaceId = r.get<quint32>();
        p.tsSec = r.get<qint64>();
        p.tsNsec = r.get<quint32>();
        if (p.tsNsec >= 1000000000u)
            r.setError(QStringLiteral("timestamp nanoseconds %1 out of range").arg(p.tsNsec));
        p.wireLen = r.get<quint32>();
        r.bytes(p.bytes, kMaxRecordBytes, "packet bytes");
        r.string(p.protocol, kMaxNameChars, "protocol column");
        r.string(p.source, kMaxNameChars, "source column");
        r.string(p.destination, kMaxNameChars, "destination column");
        r.string(p.info, kMaxTextChars, "info column");
        p.flags = r.get<quint8>();
        m.packets.append(std::move(p));
    }
}

void read(PayloadReader &r, Stats &m)
{
    const quint32 n = r.count(kMaxInterfaces, kInterfaceStatsSize, "interface statistics");
    m.interfaces.reserve(n);
    for (quint32 i = 0; i < n && r.ok(); ++i) {
        InterfaceStats s;
        s.id = r.get<quint32>();
        s.received = r.get<quint64>();
        s.kernelDropped = r.get<quint64>();
        m.interfaces.append(s);
    }
    m.helperDropped = r.get<quint64>();
    m.delivered = r.get<quint64>();
}

void read(PayloadReader &r, Error &m)
{
    m.code = r.get<quint32>();
    r.string(m.message, kMaxTextChars, "error message");
    r.string(m.hint, kMaxTextChars, "error hint");
}

void read(PayloadReader &, Stop &) {}

template <typename T> Message decodePayload(PayloadReader &r)
{
    T m;
    read(r, m);
    return m;
}

} // namespace

QString messageTypeName(quint16 type)
{
    static const char *const names[] = {"Hello", "Config", "Started", "PacketBatch",
                                        "Stats", "Error",  "Stop"};
    if (type >= 1 && type <= std::size(names))
        return QString::fromLatin1(names[type - 1]);
    return QStringLiteral("type %1").arg(type);
}

qsizetype maxPayloadSize(MessageType type)
{
    switch (type) {
    case MessageType::PacketBatch:
        return kMaxBatchPayload;
    case MessageType::Hello:
    case MessageType::Config:
    case MessageType::Started:
    case MessageType::Stats:
    case MessageType::Error:
    case MessageType::Stop:
        return kMaxControlPayload;
    }
    return 0;
}

qsizetype recordEncodedSize(const PacketRecord &r)
{
    return 4 + 8 + 4 + 4 + 4 + (r.bytes.isNull() ? 0 : r.bytes.size()) +
           PayloadWriter::stringSize(r.protocol, kMaxNameChars) +
           PayloadWriter::stringSize(r.source, kMaxNameChars) +
           PayloadWriter::stringSize(r.destination, kMaxNameChars) +
           PayloadWriter::stringSize(r.info, kMaxTextChars) + 1;
}

QByteArray encode(const Message &m)
{
    if (!withinListBounds(m))
        return {};
    QByteArray frame;
    if (const auto *b = std::get_if<PacketBatch>(&m)) {
        qsizetype size = kFrameHeaderSize + kBatchOverhead;
        for (const PacketRecord &r : b->packets)
            size += recordEncodedSize(r);
        if (size - kFrameHeaderSize > kMaxBatchPayload)
            return {};
        frame.reserve(size);
    }
    frame.resize(kFrameHeaderSize);
    PayloadWriter w(frame);
    std::visit([&w](const auto &msg) { write(w, msg); }, m);
    const qsizetype payload = frame.size() - kFrameHeaderSize;
    if (payload > maxPayloadSize(typeOf(m)))
        return {};
    qToBigEndian(quint32(payload), frame.data());
    qToBigEndian(quint16(typeOf(m)), frame.data() + 4);
    qToBigEndian(kProtocolVersion, frame.data() + 6);
    return frame;
}

void Decoder::feed(const QByteArray &data)
{
    feed(data.constData(), data.size());
}

void Decoder::feed(const char *data, qsizetype size)
{
    if (m_failed || size <= 0)
        return;
    // Drop consumed bytes before growing, so the buffer stays about one frame large.
    if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos >= 64 * 1024)) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    m_buffer.append(data, size);
}

Decoder::Status Decoder::fail(ErrorCode code, const QString &text)
{
    m_failed = true;
    m_errorCode = code;
    m_error = text;
    m_buffer.clear();
    m_pos = 0;
    return Status::Error;
}

Decoder::Status Decoder::next(Message &out)
{
    if (m_failed)
        return Status::Error;
    const qsizetype available = m_buffer.size() - m_pos;
    if (available < kFrameHeaderSize)
        return Status::NeedMore;
    const char *header = m_buffer.constData() + m_pos;
    const quint32 length = qFromBigEndian<quint32>(header);
    const quint16 type = qFromBigEndian<quint16>(header + 4);
    const quint16 version = qFromBigEndian<quint16>(header + 6);

    if (length > quint32(kMaxBatchPayload))
        return fail(ErrorCode::Protocol,
                    QStringLiteral("oversized frame: %1 bytes of payload, the limit is %2")
                        .arg(length)
                        .arg(kMaxBatchPayload));
    if (version != kProtocolVersion) {
        const bool client = m_local == Side::Client;
        return fail(ErrorCode::VersionMismatch,
                    QStringLiteral("%1 speaks protocol %2, this %3 %4")
                        .arg(client ? QStringLiteral("helper") : QStringLiteral("client"))
                        .arg(version)
                        .arg(client ? QStringLiteral("client") : QStringLiteral("helper"))
                        .arg(kProtocolVersion));
    }
    const qsizetype bound = maxPayloadSize(static_cast<MessageType>(type));
    if (bound == 0)
        return fail(ErrorCode::Protocol, QStringLiteral("unknown message type %1").arg(type));
    if (length > quint32(bound))
        return fail(ErrorCode::Protocol,
                    QStringLiteral("oversized %1 message: %2 bytes, the bound is %3")
                        .arg(messageTypeName(type))
                        .arg(length)
                        .arg(bound));
    if (available < kFrameHeaderSize + qsizetype(length))
        return Status::NeedMore;

    PayloadReader r(header + kFrameHeaderSize, length);
    Message m;
    switch (static_cast<MessageType>(type)) {
    case MessageType::Hello:
        m = decodePayload<Hello>(r);
        break;
    case MessageType::Config:
        m = decodePayload<Config>(r);
        break;
    case MessageType::Started:
        m = decodePayload<Started>(r);
        break;
    case MessageType::PacketBatch:
        m = decodePayload<PacketBatch>(r);
        break;
    case MessageType::Stats:
        m = decodePayload<Stats>(r);
        break;
    case MessageType::Error:
        m = decodePayload<Error>(r);
        break;
    case MessageType::Stop:
        m = decodePayload<Stop>(r);
        break;
    }
    if (r.ok() && r.remaining() > 0)
        r.setError(
            QStringLiteral("trailing garbage: %1 bytes after the payload").arg(r.remaining()));
    if (!r.ok())
        return fail(
            ErrorCode::Protocol,
            QStringLiteral("malformed %1 message: %2").arg(messageTypeName(type), r.error()));
    m_pos += kFrameHeaderSize + length;
    out = std::move(m);
    return Status::Ok;
}

} // namespace pl::ipc
