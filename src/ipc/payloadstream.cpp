// Payload field writing and bounds-checked reading; see payloadstream.h.

#include "ipc/payloadstream.h"

namespace pl::ipc {

namespace {

QString name(const char *what)
{
    return QString::fromLatin1(what);
}

} // namespace

qsizetype PayloadWriter::clampedLength(const QString &s, qsizetype maxChars)
{
    qsizetype n = std::min(s.size(), maxChars);
    // Never cut a surrogate pair in half: the reader would see an unpaired high surrogate.
    if (n < s.size() && n > 0 && s.at(n - 1).isHighSurrogate())
        --n;
    return n;
}

void PayloadWriter::string(const QString &s, qsizetype maxChars)
{
    if (s.isNull()) {
        put(kNullMarker);
        return;
    }
    const qsizetype n = clampedLength(s, maxChars);
    put(quint32(2 * n));
    const qsizetype at = m_out.size();
    m_out.resize(at + 2 * n);
    qToBigEndian<char16_t>(s.utf16(), n, m_out.data() + at);
}

void PayloadWriter::bytes(const QByteArray &b)
{
    if (b.isNull()) {
        put(kNullMarker);
        return;
    }
    put(quint32(b.size()));
    m_out.append(b);
}

void PayloadReader::setError(const QString &text)
{
    if (ok())
        m_error = text;
}

bool PayloadReader::boolean()
{
    const quint8 v = get<quint8>();
    if (v > 1)
        setError(QStringLiteral("boolean byte %1 is neither 0 nor 1").arg(v));
    return v == 1;
}

void PayloadReader::string(QString &out, qsizetype maxChars, const char *what)
{
    const quint32 n = get<quint32>();
    if (!ok() || n == kNullMarker)
        return;
    if (n % 2)
        return setError(QStringLiteral("%1: odd UTF-16 byte count %2").arg(name(what)).arg(n));
    if (qsizetype(n / 2) > maxChars)
        return setError(QStringLiteral("%1: %2 characters exceed the bound of %3")
                            .arg(name(what))
                            .arg(n / 2)
                            .arg(maxChars));
    if (qsizetype(n) > remaining())
        return setError(QStringLiteral("truncated payload in %1").arg(name(what)));
    out.resize(n / 2);
    qFromBigEndian<char16_t>(m_p, n / 2, out.data());
    m_p += n;
}

void PayloadReader::bytes(QByteArray &out, qsizetype maxBytes, const char *what)
{
    const quint32 n = get<quint32>();
    if (!ok() || n == kNullMarker)
        return;
    if (qsizetype(n) > maxBytes)
        return setError(QStringLiteral("%1: %2 bytes exceed the bound of %3")
                            .arg(name(what))
                            .arg(n)
                            .arg(maxBytes));
    if (qsizetype(n) > remaining())
        return setError(QStringLiteral("truncated payload in %1").arg(name(what)));
    out = QByteArray(m_p, n);
    m_p += n;
}

quint32 PayloadReader::count(qsizetype maxCount, qsizetype minElementSize, const char *what)
{
    const quint32 n = get<quint32>();
    if (!ok())
        return 0;
    if (qsizetype(n) > maxCount) {
        setError(QStringLiteral("%1: count %2 exceeds the bound of %3")
                     .arg(name(what))
                     .arg(n)
                     .arg(maxCount));
        return 0;
    }
    if (qsizetype(n) * minElementSize > remaining()) {
        setError(QStringLiteral("truncated payload: %1 claims %2 entries").arg(name(what)).arg(n));
        return 0;
    }
    return n;
}

} // namespace pl::ipc
