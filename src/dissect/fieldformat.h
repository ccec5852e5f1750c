#pragma once

#include "fieldtree.h"

#include <string>

namespace pl {

class Registry;

/// Text forms of a tree node's value and label.
namespace fieldformat {

/// The value as tshark prints it with `-T fields -e`: decimal integers, `0x…` for hex bases,
/// `1`/`0` for booleans, addresses in their usual text, bytes as plain lower-case hex.
void appendValue(std::string &out, const Registry &reg, const FieldTree &tree, int32_t node,
                 const uint8_t *frame);

/// The line the detail tree shows: the custom text if one was set, else Wireshark's
/// `Name: value` form with value names (`Protocol: TCP (6)`), units and, for bit fields,
/// the bit picture (`.1.. .... = Don't fragment: Set`).
std::string label(const Registry &reg, const FieldTree &tree, int32_t node, const uint8_t *frame);

} // namespace fieldformat
} // namespace pl
