#pragma once

#include "fielddef.h"

#include <array>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pl {

class Dissection;
class Reader;
struct Item;

/// A protocol's entry point: dissect `r` (the bytes this protocol owns and what follows) and
/// add its items under `parent`.
using DissectFn = void (*)(Dissection &d, const Reader &r, Item parent);
/// A heuristic dissector: looks at `r` and, only when the bytes are its protocol, dissects
/// them and returns true. It must add nothing (tree, columns, state) before deciding.
using HeuristicFn = bool (*)(Dissection &d, const Reader &r, Item parent);

/// The dispatch tables a protocol registers itself in, lowest layer first.
enum class Table : uint8_t {
    Core,       ///< keys from CoreKey: the frame itself and undissected data
    LinkType,   ///< LINKTYPE_* value from the capture file
    EtherType,  ///< Ethernet type / SLL protocol
    NullFamily, ///< BSD loopback address family (normalized, see null.cpp)
    IpProto,    ///< IPv4 protocol / IPv6 next header
    TcpPort,
    UdpPort,
    Count
};

enum CoreKey : uint32_t { CoreFrame = 0, CoreData = 1 };

/// A registered protocol: what `Protocols in frame` and the Protocol column call it.
struct ProtocolInfo
{
    std::string_view filterName; ///< `ip`
    std::string_view shortName;  ///< `IPv4`
    std::string_view longName;   ///< `Internet Protocol Version 4`
    FieldId field = -1;          ///< its FieldType::Protocol field
};

/// Every field and every dispatch entry, filled once by the protocols' registration
/// functions (see protocols/registerall.cpp.in) and read-only afterwards.
class Registry
{
public:
    /// The process-wide registry, built on first use (thread-safe).
    static const Registry &instance();

    /// Adds a protocol and its fields; returns the block of ids of `fields`. The protocol's
    /// own FieldType::Protocol field is created from `info`: the block's `protocol()`.
    FieldBlock addProtocol(ProtocolInfo info, std::span<const FieldDef> fields);
    /// Adds fields not tied to a new protocol (e.g. expert fields).
    FieldBlock addFields(std::span<const FieldDef> fields);
    void addDissector(Table table, uint32_t key, DissectFn fn);
    /// Adds a heuristic for payloads of `table` (TcpPort, UdpPort) that no port claimed;
    /// tried in registration order.
    void addHeuristic(Table table, HeuristicFn fn) { m_heuristics[size_t(table)].push_back(fn); }
    std::span<const HeuristicFn> heuristics(Table table) const
    {
        return m_heuristics[size_t(table)];
    }
    /// Declares that `f`'s presence or value depends on earlier frames of the capture (state
    /// kept in the Session: relative sequence numbers, the SEQ/ACK analysis, a response's
    /// request). Fields not marked depend on the frame alone, except, with reassembly on, on
    /// the earlier segments and fragments between the same two addresses.
    /// Call from register_<file>() after the field was added.
    void setCrossFrame(FieldId f);
    bool isCrossFrame(FieldId f) const
    {
        return f >= 0 && size_t(f) < m_crossFrame.size() && m_crossFrame[size_t(f)];
    }
    /// Declares that `f` depends on frames between other addresses too: numbering across the
    /// capture (tcp.stream) or times since other frames (frame.time_delta); cross-frame as
    /// well. A display filter reading none of these may split the frames by the addresses
    /// they travel between, a Session each, and match alike (framePartition;
    /// tests/capfile/tst_crossframe checks the marks over the corpus).
    void setCrossConversation(FieldId f);
    bool isCrossConversation(FieldId f) const
    {
        return f >= 0 && size_t(f) < m_crossFrame.size() && m_crossFrame[size_t(f)] == 2;
    }

    const FieldDef &field(FieldId id) const { return m_fields[size_t(id)]; }
    size_t fieldCount() const { return m_fields.size(); }
    /// The first field named `abbrev`, -1 when unknown.
    FieldId findField(std::string_view abbrev) const;
    /// Every field named `abbrev` (a name may be declared by several protocols or parents).
    std::span<const FieldId> fieldsNamed(std::string_view abbrev) const;
    DissectFn dissector(Table table, uint32_t key) const
    {
        const auto &t = m_tables[size_t(table)];
        size_t lo = 0, hi = t.size(); // binary search, inline: a few calls every packet
        while (lo < hi) {
            const size_t mid = (lo + hi) / 2;
            if (t[mid].first < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < t.size() && t[lo].first == key ? t[lo].second : nullptr;
    }

private:
    Registry() = default;
    std::vector<FieldDef> m_fields;
    // By FieldId (may be shorter): 1 setCrossFrame, 2 setCrossConversation.
    std::vector<uint8_t> m_crossFrame;
    std::unordered_map<std::string_view, std::vector<FieldId>> m_byName;
    // Sorted (key, dissector) pairs: a table holds a handful to a few hundred entries, and
    // a binary search over one small array beats hashing on the per-packet path.
    std::array<std::vector<std::pair<uint32_t, DissectFn>>, size_t(Table::Count)> m_tables;
    std::array<std::vector<HeuristicFn>, size_t(Table::Count)> m_heuristics;
};

/// Generated by CMake from the files in protocols/: calls `register_<file>()` for each.
void registerAllProtocols(Registry &reg);

} // namespace pl
