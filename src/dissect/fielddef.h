#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace pl {

/// Value type of a field, after Wireshark's ftypes: the width of an unsigned type decides how
/// many hex digits tshark prints for it (UInt16 with Base::Hex prints `0x0800`).
enum class FieldType : uint8_t {
    None,     ///< a label with no value (a subtree heading or a note)
    Protocol, ///< a protocol's top item (`ip`, `tcp`): present or not
    Boolean,
    UInt8,
    UInt16,
    UInt24,
    UInt32,
    UInt64,
    Int32,
    Ether,    ///< 6 bytes, printed `00:1b:21:aa:bb:cc`
    IPv4,     ///< 4 bytes
    IPv6,     ///< 16 bytes, printed in RFC 5952 compressed form
    Bytes,    ///< raw bytes, printed as lower-case hex without separators
    String,   ///< text stored in the tree
    AbsTime,  ///< nanoseconds since the epoch (int64 in the value)
    RelTime,  ///< signed nanoseconds
    FrameNum, ///< a frame number
};

/// How an integer is shown: Wireshark's BASE_*.
/// How a value shows. `ValueOnly` (strings): the tree line is the value alone, without
/// `Name: ` (Wireshark's packet comments).
enum class Base : uint8_t { None, Dec, Hex, DecHex, HexDec, Oct, ValueOnly };

/// A value-to-name pair (Wireshark's value_string).
struct ValueName
{
    uint64_t value;
    std::string_view name;
};

using ValueNames = std::span<const ValueName>;

/// Looks `value` up; empty when absent.
constexpr std::string_view nameOf(ValueNames names, uint64_t value)
{
    for (const ValueName &n : names)
        if (n.value == value)
            return n.name;
    return {};
}

/// One field as a protocol declares it: `{"ip.ttl", "Time to Live", FieldType::UInt8}`.
struct FieldDef
{
    std::string_view abbrev; ///< display-filter name, Wireshark's
    std::string_view name;   ///< shown in the tree: `Time to Live: 64`
    FieldType type = FieldType::None;
    Base base = Base::None;
    uint64_t mask = 0;       ///< bit fields: the bits within the bytes read, 0 = all
    ValueNames names{};      ///< value names for integers
    std::string_view unit{}; ///< appended after the value in the tree (" bytes")
    /// For Boolean: the texts for true and false; empty means "Set" / "Not set".
    std::string_view trueText{};
    std::string_view falseText{};
};

/// Registry index of a field; -1 for none.
using FieldId = int32_t;

/// A protocol's block of consecutive field ids: `fields[F::Ttl]` is the registry id of the
/// protocol's `F::Ttl`-th declared field.
class FieldBlock
{
public:
    FieldBlock() = default;
    explicit FieldBlock(FieldId base, FieldId protocol = -1) : m_base(base), m_protocol(protocol) {}
    FieldId operator[](int local) const { return m_base + local; }
    /// The protocol's own field (`ip`), when the block came from Registry::addProtocol.
    FieldId protocol() const { return m_protocol; }

private:
    FieldId m_base = -1;
    FieldId m_protocol = -1;
};

} // namespace pl
