#pragma once

// Transport conversations (address pair + port pair, both directions) for TCP and UDP: the
// stream index Wireshark shows as tcp.stream / udp.stream and per-direction state such as the
// initial sequence numbers. Kept in the capture's Session; bounded so that a scan or a
// hostile capture with millions of 5-tuples cannot grow memory without limit.

#include "dissect/dissection.h"

#include <array>
#include <bit>
#include <cstring>
#include <deque>
#include <unordered_map>

namespace pl::proto {

// The key's address comparisons run for every TCP and UDP packet; memcmp on 16 bytes is a
// libc call each time. Eight bytes at a time, inline.
inline uint64_t loadWord(const uint8_t *p)
{
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}
inline bool equal16(const uint8_t *a, const uint8_t *b)
{
    return ((loadWord(a) ^ loadWord(b)) | (loadWord(a + 8) ^ loadWord(b + 8))) == 0;
}
/// memcmp(a, b, 16)'s sign: bytes in order, compared as big-endian words.
inline int compare16(const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < 16; i += 8) {
        uint64_t x = loadWord(a + i), y = loadWord(b + i);
        if (x != y) {
            if constexpr (std::endian::native == std::endian::little) {
                x = __builtin_bswap64(x);
                y = __builtin_bswap64(y);
            }
            return x < y ? -1 : 1;
        }
    }
    return 0;
}

/// A conversation's key, normalized so that both directions give the same key.
struct ConversationKey
{
    uint8_t version = 0;
    uint8_t addrA[16] = {};
    uint8_t addrB[16] = {};
    uint16_t portA = 0;
    uint16_t portB = 0;

    bool operator==(const ConversationKey &o) const
    {
        return version == o.version && portA == o.portA && portB == o.portB &&
               equal16(addrA, o.addrA) && equal16(addrB, o.addrB);
    }

    /// The key for a packet from (net.src, srcPort) to (net.dst, dstPort); `reversed` is set
    /// when the packet goes from the key's B side to its A side.
    static ConversationKey make(const NetworkLayer &net, uint16_t srcPort, uint16_t dstPort,
                                bool &reversed)
    {
        ConversationKey k;
        k.version = net.version;
        const int cmp = compare16(net.src, net.dst);
        reversed = cmp > 0 || (cmp == 0 && srcPort > dstPort);
        std::memcpy(k.addrA, reversed ? net.dst : net.src, 16);
        std::memcpy(k.addrB, reversed ? net.src : net.dst, 16);
        k.portA = reversed ? dstPort : srcPort;
        k.portB = reversed ? srcPort : dstPort;
        return k;
    }
};

struct ConversationKeyHash
{
    size_t operator()(const ConversationKey &k) const
    {
        // Eight bytes at a time with a multiply-xorshift mix: this runs for every TCP and
        // UDP packet, and byte-wise hashing of the 37-byte key showed in profiles.
        const auto word = loadWord;
        uint64_t h = k.version | uint64_t(k.portA) << 16 | uint64_t(k.portB) << 32;
        for (const uint64_t w :
             {word(k.addrA), word(k.addrA + 8), word(k.addrB), word(k.addrB + 8)}) {
            h = (h ^ w) * 0x9e3779b97f4a7c15ull;
            h ^= h >> 29;
        }
        return size_t(h);
    }
};

/// Conversations in first-seen order, numbered from 0 like Wireshark's stream index. At
/// `kMaxConversations` the oldest is forgotten; should it come back it gets a new index.
template <class Data> class ConversationTable
{
public:
    static constexpr size_t kMaxConversations = 100000;

    struct Entry
    {
        uint32_t index = 0;
        Data data{};
    };

    /// The conversation of `key`, created when unknown (`created` tells).
    Entry &findOrCreate(const ConversationKey &key, bool &created)
    {
        const size_t h = ConversationKeyHash()(key);
        Recent &r = m_recent[h % kRecent];
        created = false;
        if (r.node && r.hash == h && r.node->first == key)
            return r.node->second;
        auto it = m_map.find(key);
        if (it == m_map.end()) {
            created = true;
            it = create(key);
        }
        r = {h, &*it};
        return it->second;
    }

    /// Replaces the conversation of `key` with a new one (a new connection reusing the
    /// same addresses and ports).
    Entry &restart(const ConversationKey &key)
    {
        if (auto old = m_map.find(key); old != m_map.end())
            erase(old);
        bool created = false;
        return findOrCreate(key, created);
    }

    size_t size() const { return m_map.size(); }

private:
    using Map = std::unordered_map<ConversationKey, Entry, ConversationKeyHash>;

    typename Map::iterator create(const ConversationKey &key)
    {
        while (m_map.size() >= kMaxConversations && !m_order.empty()) {
            const auto [oldKey, oldIndex] = m_order.front();
            m_order.pop_front();
            auto old = m_map.find(oldKey);
            if (old != m_map.end() && old->second.index == oldIndex)
                erase(old);
        }
        // Restarts leave stale records in the queue; never let either container grow past
        // its bound, even if that forgets a live conversation early.
        if (m_map.size() >= kMaxConversations) {
            m_map.clear();
            m_recent = {};
        }
        if (m_order.size() >= 2 * kMaxConversations)
            m_order.pop_front();
        const auto it = m_map.try_emplace(key).first;
        it->second = Entry{};
        it->second.index = m_next++;
        m_order.emplace_back(key, it->second.index);
        return it;
    }

    void erase(typename Map::iterator it)
    {
        Recent &r = m_recent[ConversationKeyHash()(it->first) % kRecent];
        if (r.node == &*it)
            r = {};
        m_map.erase(it);
    }

    // The conversations seen last, by hash: most packets belong to a few busy conversations,
    // and the map's lookup divides by its prime bucket count and follows two pointers.
    // Holds nodes of m_map (stable until erased; erase() forgets them here).
    struct Recent
    {
        size_t hash = 0;
        typename Map::value_type *node = nullptr;
    };
    static constexpr size_t kRecent = 256;

    Map m_map;
    std::array<Recent, kRecent> m_recent{};
    std::deque<std::pair<ConversationKey, uint32_t>> m_order;
    uint32_t m_next = 0;
};

} // namespace pl::proto
