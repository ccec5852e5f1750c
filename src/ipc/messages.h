// The messages exchanged between the client (CLI, GUI) and the capture helper. Plain structs;
// codec.h turns them into framed bytes and back.
//
// Conversation:  client → Config (as soon as it accepts the helper's connection);
//                helper opens its sockets and drops every privilege, then → Hello (saying what
//                it dropped), → Started (or Error and exit); helper → PacketBatch* / Stats* ...;
//                client → Stop;  helper → final Stats, exit.
#pragma once

#include "dissect/frame.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <variant>

namespace pl::ipc {

constexpr uint16_t kProtocolVersion = 2; ///< 2: Config.summaries

/// The helper's exit status when it lacks CAP_NET_RAW (or CAP_NET_ADMIN for promiscuous mode);
/// its stderr then holds the exact fix, which the client shows as the error's hint.
constexpr int kExitNoPermission = 77;

enum class MessageType : uint16_t {
    Hello = 1,
    Config = 2,
    Started = 3,
    PacketBatch = 4,
    Stats = 5,
    Error = 6,
    Stop = 7,
};

/// Error::code values.
enum class ErrorCode : quint32 {
    NoPermission = 1,    ///< missing capability; hint names the fix
    BadFilter = 2,       ///< pcap_compile refused the capture filter; message is pcap's text
    NoSuchInterface = 3, ///< a configured interface does not exist
    VersionMismatch = 4, ///< the two sides speak different protocol versions
    Protocol = 5,        ///< a malformed, oversized or unexpected message
    Internal = 6,        ///< anything else inside the helper (a failing system call, ...)
    HelperFailed = 7,    ///< client side: the helper could not start, crashed or exited early
};

struct Hello
{
    uint16_t protocolVersion = kProtocolVersion;
    QString helperVersion;
    QString privileges; ///< e.g. "dropped CAP_NET_RAW; CapEff=0 CapPrm=0"
    qint64 pid = 0;
    bool operator==(const Hello &) const = default;
};

struct Config
{
    QStringList interfaces;
    QString filter; ///< tcpdump syntax, empty = everything
    quint32 snaplen = 262144;
    bool promiscuous = true;
    quint32 bufferMiB = 32;
    quint64 queueLimitBytes = 64ull << 20;
    /// Decoded columns (protocol, addresses, info) in every record. Off for clients that keep
    /// only the bytes (the application's spool, `-w`): the helper then skips dissecting.
    bool summaries = true;
    bool operator==(const Config &) const = default;
};

struct StartedInterface
{
    quint32 id = 0;
    QString name;
    quint32 linkType = 0; ///< LINKTYPE_* as in pcap/pcapng
    bool operator==(const StartedInterface &) const = default;
};

struct Started
{
    QList<StartedInterface> interfaces;
    bool operator==(const Started &) const = default;
};

struct PacketRecord
{
    quint32 interfaceId = 0;
    qint64 tsSec = 0;
    quint32 tsNsec = 0; ///< < 1e9, checked by the decoder
    quint32 wireLen = 0;
    QByteArray bytes; ///< the captured bytes, at most kMaxRecordBytes
    QString protocol, source, destination, info;
    quint8 flags = 0; ///< pl::NodeFlag bits
    bool operator==(const PacketRecord &) const = default;
};

/// The frame a record carries (its bytes stay owned by the record; link type and number are
/// the receiver's to fill in).
inline Frame frameOf(const PacketRecord &rec)
{
    Frame f;
    f.data = reinterpret_cast<const uint8_t *>(rec.bytes.constData());
    f.capLen = uint32_t(rec.bytes.size());
    f.wireLen = rec.wireLen;
    f.tsSec = rec.tsSec;
    f.tsNsec = rec.tsNsec;
    f.interfaceId = rec.interfaceId;
    return f;
}

struct PacketBatch
{
    QList<PacketRecord> packets;
    bool operator==(const PacketBatch &) const = default;
};

struct InterfaceStats
{
    quint32 id = 0;
    quint64 received = 0, kernelDropped = 0;
    bool operator==(const InterfaceStats &) const = default;
};

struct Stats
{
    QList<InterfaceStats> interfaces;
    quint64 helperDropped = 0; ///< dropped because the helper's queue was full (slow client)
    quint64 delivered = 0;     ///< records handed to the socket
    bool operator==(const Stats &) const = default;
};

struct Error
{
    quint32 code = 0; ///< an ErrorCode
    QString message;
    QString hint;
    bool operator==(const Error &) const = default;
};

struct Stop
{
    bool operator==(const Stop &) const = default;
};

using Message = std::variant<Hello, Config, Started, PacketBatch, Stats, Error, Stop>;

/// The wire type of a message (the variant index + 1 by construction).
inline MessageType typeOf(const Message &m)
{
    return static_cast<MessageType>(m.index() + 1);
}

inline Error makeError(ErrorCode code, const QString &message, const QString &hint = {})
{
    return Error{static_cast<quint32>(code), message, hint};
}

} // namespace pl::ipc
