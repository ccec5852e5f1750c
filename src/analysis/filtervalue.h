#pragma once

// Display filter literals: from their text to the binary form a field's values compare with
// (internal to the engine). Messages follow Wireshark 4.0's wording.

#include "filterprogram.h"

#include <string>

namespace pl::filter {

/// Wireshark's name of a field type in messages: "Unsigned integer (2 bytes)".
std::string_view typeName(FieldType t);

/// The comparison class of a field type.
Cat categoryOf(FieldType t);

/// Converts the literal token `tok` (Word, String or Char) to a value of `ref`'s category
/// (`def` gives the bounds, value names and base; `raw` is the token as written, for
/// messages). Returns an error message, empty on success.
std::string parseLiteral(const FieldRef &ref, const FieldDef &def, const Token &tok,
                         std::string_view raw, Literal &lit);

/// Parses a slice's text (`0:3`, `1-2`, `-4:`, `0:2,4:2`); an error message, empty on success.
std::string parseSlice(const std::string &text, std::vector<SliceRange> &out);

} // namespace pl::filter
