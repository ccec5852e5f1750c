#pragma once

#include <QString>
#include <QStringView>

#include <cstdint>
#include <limits>
#include <vector>

namespace pl {

/// Wireshark's packet range, as typed in Export Specified Packets: frame numbers (1-based)
/// and spans separated by commas or spaces, e.g. `1-10,20,30-` (`30-` runs to the last
/// packet, `-5` starts at the first). Spans are kept sorted and merged, so a range always
/// selects packets in capture order, however it was written.
class PacketRange
{
public:
    static constexpr uint64_t kEnd = std::numeric_limits<uint64_t>::max(); ///< an open end

    struct Span
    {
        uint64_t first = 1, last = kEnd; ///< inclusive frame numbers
        bool operator==(const Span &) const = default;
    };

    /// Parses `text`. On an error the range is invalid and `error` (when given) says what is
    /// wrong and where, e.g. `"x" at character 4 is not a packet number`.
    static PacketRange parse(QStringView text, QString *error = nullptr);
    /// A range of the given spans (merged and sorted).
    static PacketRange fromSpans(std::vector<Span> spans);

    bool isValid() const { return m_valid; }
    bool isEmpty() const { return m_spans.empty(); }
    const std::vector<Span> &spans() const { return m_spans; }
    /// Whether frame `number` (1-based) is in the range.
    bool contains(uint64_t number) const;
    /// How many of frames 1..`total` are in the range.
    uint64_t count(uint64_t total) const;
    /// The canonical text (`1-10,20,30-`); parse(toString()) gives the same range.
    QString toString() const;

private:
    std::vector<Span> m_spans;
    bool m_valid = true;
};

} // namespace pl
