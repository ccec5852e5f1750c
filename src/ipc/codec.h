// Framing and (de)serialisation of pl::ipc messages.
//
// Frame:  u32 payload length (big endian) | u16 type | u16 protocol version | payload
// The payload is in QDataStream's Qt_6_4 big-endian format (integers big endian, bool as one
// byte, QString as u32 byte count + UTF-16BE or 0xffffffff for null, QByteArray as u32 count +
// bytes, lists as u32 count + elements). It is written and read by hand so that every length
// is checked against the bytes present and the bounds below before anything is allocated.
#pragma once

#include "ipc/messages.h"

#include <QByteArray>
#include <QString>

namespace pl::ipc {

constexpr qsizetype kFrameHeaderSize = 8;
constexpr qsizetype kMaxControlPayload = 64 * 1024; ///< Hello, Config, Started, Stats, Error, Stop
constexpr qsizetype kMaxBatchPayload = 16 * 1024 * 1024; ///< PacketBatch
constexpr qsizetype kMaxRecordBytes = 256 * 1024;        ///< PacketRecord::bytes
constexpr qsizetype kMaxNameChars = 256;  ///< names, versions, protocol/source/destination
constexpr qsizetype kMaxTextChars = 8192; ///< filter, privileges, info, error message and hint
constexpr qsizetype kMaxInterfaces = 256; ///< per Config/Started/Stats list

/// The payload bound of a message type (0 for an unknown type).
qsizetype maxPayloadSize(MessageType type);

/// A whole frame for `m`. Strings longer than their bound are cut (they are display texts);
/// a message that still exceeds its bound (too many interfaces, a record over kMaxRecordBytes,
/// a batch over kMaxBatchPayload) gives an empty QByteArray: split batches with
/// recordEncodedSize() before that.
QByteArray encode(const Message &m);

/// Bytes one record adds to a PacketBatch payload (exact, strings already cut to their bound).
qsizetype recordEncodedSize(const PacketRecord &r);

/// Payload bytes of a PacketBatch without records (its count field).
constexpr qsizetype kBatchOverhead = 4;

/// Incremental decoder: feed bytes as they arrive, then call next() until NeedMore.
/// After an Error it stays in Error: the stream cannot be resynchronised, close the connection.
class Decoder
{
public:
    /// Which side this decoder runs on; only used to word a version mismatch.
    enum class Side { Client, Helper };
    explicit Decoder(Side local = Side::Client) : m_local(local) {}

    void feed(const QByteArray &data);
    void feed(const char *data, qsizetype size);

    enum class Status { NeedMore, Ok, Error };
    /// Ok: `out` holds the next message. Error: errorText() says why (oversized, unknown type,
    /// truncated payload, trailing garbage in a payload, version mismatch).
    Status next(Message &out);

    const QString &errorText() const { return m_error; }
    /// Protocol, or VersionMismatch when the peer speaks another protocol version.
    ErrorCode errorCode() const { return m_errorCode; }
    /// Bytes fed but not yet consumed by next().
    qsizetype bufferedBytes() const { return m_buffer.size() - m_pos; }

private:
    Status fail(ErrorCode code, const QString &text);

    Side m_local;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_failed = false;
    ErrorCode m_errorCode = ErrorCode::Protocol;
    QString m_error;
};

/// "Hello", "Config", ... or "type 42".
QString messageTypeName(quint16 type);

} // namespace pl::ipc
