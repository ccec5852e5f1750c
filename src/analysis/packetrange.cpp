#include "packetrange.h"

#include <QCoreApplication>

#include <algorithm>

namespace pl {

namespace {

bool isSeparator(QChar c)
{
    return c == QLatin1Char(',') || c.isSpace();
}

/// Reads a decimal frame number at `pos`; false (nothing consumed) when there is none or it
/// does not fit 64 bits.
bool readNumber(QStringView text, qsizetype &pos, uint64_t &value)
{
    const qsizetype start = pos;
    uint64_t v = 0;
    while (pos < text.size() && text[pos].isDigit() && text[pos].unicode() < 128) {
        const uint64_t digit = uint64_t(text[pos].unicode() - u'0');
        if (v > (PacketRange::kEnd - 1 - digit) / 10) { // kEnd stays the open end's marker
            pos = start;
            return false;
        }
        v = v * 10 + digit;
        ++pos;
    }
    value = v;
    return pos > start;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("PacketRange", text);
}

} // namespace

PacketRange PacketRange::fromSpans(std::vector<Span> spans)
{
    std::sort(spans.begin(), spans.end(),
              [](const Span &a, const Span &b) { return a.first < b.first; });
    PacketRange range;
    for (const Span &s : spans) {
        if (!range.m_spans.empty() &&
            (range.m_spans.back().last == kEnd || s.first <= range.m_spans.back().last + 1))
            range.m_spans.back().last = std::max(range.m_spans.back().last, s.last);
        else
            range.m_spans.push_back(s);
    }
    return range;
}

PacketRange PacketRange::parse(QStringView text, QString *error)
{
    PacketRange bad;
    bad.m_valid = false;
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return bad;
    };
    auto notANumber = [&](qsizetype pos) {
        return fail(
            tr("\"%1\" at character %2 is not a packet number").arg(text[pos]).arg(pos + 1));
    };
    auto skipBlanks = [&](qsizetype &pos) {
        while (pos < text.size() && text[pos] == QLatin1Char(' '))
            ++pos;
    };

    std::vector<Span> spans;
    qsizetype pos = 0;
    while (true) {
        while (pos < text.size() && isSeparator(text[pos]))
            ++pos;
        if (pos >= text.size())
            break;
        const qsizetype start = pos;
        Span span;
        const bool hasFirst = readNumber(text, pos, span.first);
        qsizetype dash = pos; // blanks may stand around a dash, else they separate
        skipBlanks(dash);
        if (dash < text.size() && text[dash] == QLatin1Char('-')) {
            pos = dash + 1;
            skipBlanks(pos);
            if (!readNumber(text, pos, span.last)) {
                if (!hasFirst)
                    return fail(tr("\"-\" at character %1 needs a packet number on at least "
                                   "one side")
                                    .arg(start + 1));
                span.last = kEnd;
            }
            if (!hasFirst)
                span.first = 1;
        } else if (hasFirst) {
            span.last = span.first;
        } else {
            return notANumber(pos);
        }
        if (pos < text.size() && !isSeparator(text[pos]))
            return notANumber(pos);
        if (span.first == 0 || span.last == 0)
            return fail(tr("packet 0 at character %1 does not exist: packets are numbered "
                           "from 1")
                            .arg(start + 1));
        if (span.first > span.last) // Wireshark reads 10-1 as 1-10
            std::swap(span.first, span.last);
        spans.push_back(span);
    }
    return fromSpans(std::move(spans));
}

bool PacketRange::contains(uint64_t number) const
{
    // The span that starts last at or before `number`.
    auto it = std::upper_bound(m_spans.begin(), m_spans.end(), number,
                               [](uint64_t n, const Span &s) { return n < s.first; });
    return it != m_spans.begin() && number <= std::prev(it)->last;
}

uint64_t PacketRange::count(uint64_t total) const
{
    uint64_t n = 0;
    for (const Span &s : m_spans) {
        if (s.first > total)
            break;
        n += std::min(s.last, total) - s.first + 1;
    }
    return n;
}

QString PacketRange::toString() const
{
    QStringList parts;
    for (const Span &s : m_spans) {
        if (s.first == s.last)
            parts << QString::number(s.first);
        else if (s.last == kEnd)
            parts << QStringLiteral("%1-").arg(s.first);
        else
            parts << QStringLiteral("%1-%2").arg(s.first).arg(s.last);
    }
    return parts.join(QLatin1Char(','));
}

} // namespace pl
