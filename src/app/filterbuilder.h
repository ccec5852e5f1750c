#pragma once

#include "dissect/fieldtree.h"

#include <QString>
#include <QStringView>

namespace pl {

class Registry;

/// Builds display filters from the detail tree, as Wireshark's Apply as Filter / Prepare as
/// Filter do: a field item gives `name == value` in the filter language's own spelling
/// (`tcp.srcport == 443`, `ip.src == 10.0.0.1`, `eth.dst == ff:ff:ff:ff:ff:ff`,
/// `http.host == "a.example"` with quotes and escapes), a protocol item its name (`tcp`), a
/// field with no value its presence; then combines it with the filter in the bar.
class FilterBuilder
{
public:
    /// The six entries of Wireshark's Apply as Filter menu.
    enum class Combine {
        Selected,
        NotSelected,
        AndSelected,
        OrSelected,
        AndNotSelected,
        OrNotSelected
    };

    /// The filter for tree node `node` of a dissection of the frame `frame` (its bytes);
    /// empty for a text item, which no filter can name.
    static QString expression(const Registry &registry, const FieldTree &tree, int32_t node,
                              const uint8_t *frame);
    /// `expression` combined with `current` (the bar's text): `!(e)`, `(current) && (e)`,
    /// `(current) || !(e)`, ...; the and/or forms are `e` alone (or `!(e)`) when `current` is
    /// blank.
    static QString combine(const QString &current, const QString &expression, Combine how);
    /// `s` as a quoted string literal: `"` and `\` escaped, control characters and bytes that
    /// are not UTF-8 as `\xNN`.
    static QString quoted(const std::string &s);
};

} // namespace pl
