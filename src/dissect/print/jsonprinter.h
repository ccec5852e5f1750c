#pragma once

#include "dissect/dissection.h"

#include <string>

namespace pl::print {

/// Prints frames as tshark -T json does: an array of `{"_index", "_type", "_score",
/// "_source": {"layers": {...}}}` objects, a field as `"name": "value"` and its subtree as
/// `"name_tree": {...}`, a protocol as `"name": {...}`, a text item as `"text": ""`.
/// With raw entries (tshark -T json -x), every field and protocol that covers bytes is
/// preceded by `"name_raw": ["<hex>", offset, length, bitmask, type]`: its bytes in lower-case
/// hex (for a bit field the value in upper-case hex), where it lies in the frame, its mask,
/// and Wireshark's ftenum number of its type.
class JsonPrinter
{
public:
    JsonPrinter() = default;
    explicit JsonPrinter(bool raw) : m_raw(raw) {}

    void appendBegin(std::string &out) const { out += '['; }
    /// Appends one frame dissected in tree mode.
    void appendFrame(std::string &out, const Dissection &d);
    /// An empty capture gives `[]`, as tshark writes it.
    void appendEnd(std::string &out) const { out += m_count ? "\n]\n" : "]\n"; }

private:
    void appendChildren(std::string &out, const Dissection &d, int32_t first, int indent);
    size_t m_count = 0;
    bool m_raw = false;
};

/// Wireshark 4.0's ftenum number for a field type (the last item of a `_raw` entry).
int wiresharkFieldType(FieldType t);

/// Appends `s` as a JSON string literal (quotes included).
void appendJsonString(std::string &out, std::string_view s);

} // namespace pl::print
