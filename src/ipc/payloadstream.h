// Internal to the codec: writing and bounds-checked reading of payload fields in QDataStream's
// Qt_6_4 big-endian layout, without QDataStream's QIODevice overhead and with every length
// checked against the bytes present and a bound before anything is allocated.
#pragma once

#include <QByteArray>
#include <QString>
#include <QtEndian>

namespace pl::ipc {

/// QString and QByteArray use this length value for a null object.
constexpr quint32 kNullMarker = 0xffffffffu;

class PayloadWriter
{
public:
    explicit PayloadWriter(QByteArray &out) : m_out(out) {}

    template <typename T> void put(T v)
    {
        char b[sizeof(T)];
        qToBigEndian(v, b);
        m_out.append(b, sizeof(T));
    }
    void boolean(bool v) { put<quint8>(v ? 1 : 0); }
    /// Cuts `s` to `maxChars` UTF-16 units (never inside a surrogate pair).
    void string(const QString &s, qsizetype maxChars);
    void bytes(const QByteArray &b);

    /// The characters of `s` that string() writes.
    static qsizetype clampedLength(const QString &s, qsizetype maxChars);
    /// The bytes string() writes for `s`.
    static qsizetype stringSize(const QString &s, qsizetype maxChars)
    {
        return 4 + (s.isNull() ? 0 : 2 * clampedLength(s, maxChars));
    }

private:
    QByteArray &m_out;
};

/// Reads fields; the first failure is kept in error() and every later read returns a default.
class PayloadReader
{
public:
    PayloadReader(const char *data, qsizetype size) : m_p(data), m_end(data + size) {}

    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    qsizetype remaining() const { return m_end - m_p; }

    template <typename T> T get()
    {
        if (!ok() || remaining() < qsizetype(sizeof(T))) {
            setError(QStringLiteral("truncated payload"));
            return T{};
        }
        const T v = qFromBigEndian<T>(m_p);
        m_p += sizeof(T);
        return v;
    }
    /// One byte that must be 0 or 1.
    bool boolean();
    /// `what` names the field in the error text.
    void string(QString &out, qsizetype maxChars, const char *what);
    void bytes(QByteArray &out, qsizetype maxBytes, const char *what);
    /// A list count, bounded by `maxCount` and by the bytes its elements need at least, so
    /// a lying count cannot make the caller reserve memory.
    quint32 count(qsizetype maxCount, qsizetype minElementSize, const char *what);
    void setError(const QString &text);

private:
    const char *m_p;
    const char *m_end;
    QString m_error;
};

} // namespace pl::ipc
