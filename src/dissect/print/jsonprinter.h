#pragma once

#include "dissect/dissection.h"

#include <string>

namespace pl::print {

/// Prints frames as tshark -T json does: an array of `{"_index", "_type", "_score",
/// "_source": {"layers": {...}}}` objects, a field as `"name": "value"` and its subtree as
/// `"name_tree": {...}`, a protocol as `"name": {...}`, a text item as `"text": ""`.
class JsonPrinter
{
public:
    void appendBegin(std::string &out) const { out += '['; }
    /// Appends one frame dissected in tree mode.
    void appendFrame(std::string &out, const Dissection &d);
    /// An empty capture gives `[]`, as tshark writes it.
    void appendEnd(std::string &out) const { out += m_count ? "\n]\n" : "]\n"; }

private:
    void appendChildren(std::string &out, const Dissection &d, int32_t first, int indent);
    size_t m_count = 0;
};

/// Appends `s` as a JSON string literal (quotes included).
void appendJsonString(std::string &out, std::string_view s);

} // namespace pl::print
