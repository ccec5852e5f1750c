#pragma once

// The compiled form of a display filter (internal to the engine): field names resolved to
// FieldId lists, literals parsed into their binary form, so that evaluating a frame reads
// the dissection's nodes and compares numbers and bytes, without allocating.

#include "analysis/displayfilter.h"
#include "filterlexer.h"

#include <QRegularExpression>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace pl::filter {

/// 128-bit integers: every unsigned 64-bit and signed 32-bit value, and their differences.
__extension__ typedef __int128 Int128;

/// How values of a field compare: one class per group of field types.
enum class Cat : uint8_t {
    None,  ///< FieldType::None: presence only
    Int,   ///< integers, Boolean, FrameNum
    Ether, ///< 6 bytes
    IPv4,
    IPv6,
    Bytes, ///< Bytes, Protocol, and every slice
    String,
    Time, ///< AbsTime, RelTime: seconds (signed) and nanoseconds [0, 1e9)
};

/// One range of a slice, `[start:len]`, `[start-end]`, `[start]`, `[start:]`.
struct SliceRange
{
    int32_t start = 0; ///< negative: from the end
    int32_t length = 1;
    bool toEnd = false;
};

/// A field a test reads: every FieldId with that name, optionally sliced.
struct FieldRef
{
    std::vector<FieldId> ids;
    FieldType type = FieldType::None;
    Cat cat = Cat::None; ///< Bytes when sliced
    std::vector<SliceRange> slice;
    std::string name;

    bool has(FieldId f) const
    {
        for (FieldId id : ids)
            if (id == f)
                return true;
        return false;
    }
};

/// A constant, in the form of its category.
struct Literal
{
    Int128 i = 0;         ///< Int
    uint32_t v4 = 0;      ///< IPv4, host order
    uint32_t mask4 = ~0u; ///< IPv4 CIDR mask, host order
    std::array<uint8_t, 16> v6{};
    int prefix6 = 128; ///< IPv6 prefix length
    std::string bytes; ///< Ether (6), Bytes, String
    int64_t sec = 0;   ///< Time
    uint32_t nsec = 0;
};

struct SetItem
{
    Literal lo, hi;
    bool range = false;
};

struct Node
{
    enum class Kind : uint8_t { And, Or, Not, Test };
    Kind kind = Kind::Test;
    int32_t a = -1, b = -1; ///< operands of And/Or/Not (node indices)
    Op op = Op::Exists;
    FieldRef lhs;
    bool rhsIsField = false;
    FieldRef rhs;
    Literal lit;
    std::vector<SetItem> set;
    QRegularExpression re;
};

/// A compiled filter (DisplayFilter::Program derives from it).
struct ProgramData
{
    std::string text;
    bool ok = true;
    bool empty = true;
    FilterMessage error;
    std::vector<FilterMessage> warnings;
    FieldInterest interest;
    std::vector<filter::Node> nodes;
    int32_t root = -1;
    // Derived from `interest` once, at compile time: Find asks for every row.
    bool crossFrame = false;        ///< DisplayFilter::readsCrossFrameFields()
    bool crossConversation = false; ///< DisplayFilter::readsCrossConversationFields()
    bool headersOnly = false;       ///< DisplayFilter::readsOnlyHeaders()
    bool needsChecksums = false;    ///< DisplayFilter::needsChecksums()
};

/// Parses and checks `text` into `p` (nodes, root, interest), or sets p.ok/p.error.
void compile(ProgramData &p, std::string_view text);
/// Evaluates node `n` of `p` on the dissection `d`.
bool evaluate(const ProgramData &p, int32_t n, const Dissection &d);

} // namespace pl::filter
