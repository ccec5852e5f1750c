#pragma once

// IP defragmentation (RFC 791 3.2, RFC 8200 4.5) as Wireshark 4.0's reassemble.c does it:
// fragments of one datagram are kept, sorted by offset, until the bytes 0..end are all there
// (the fragment without More Fragments gives the end); the fragment that fills the last hole
// completes the datagram, whatever its place in the capture. Overlaps, conflicting overlaps,
// several tails and bytes past the end are flagged per fragment (Wireshark's FD_* flags).
//
// Memory and time are bounded: a fixed number of datagrams in progress and a byte budget
// (oldest dropped first), and a datagram whose first fragment is older than the timeout is
// dropped when the next fragment arrives, so a fragment flood cannot grow memory.

#include "fielddef.h"

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pl {

class Dissection;
struct Item;

/// Wireshark's fragment flags (FD_OVERLAP ...), per fragment and their union per datagram.
enum FragmentFlag : uint8_t {
    FragOverlap = 1 << 0,         ///< bytes seen before, with the same data
    FragOverlapConflict = 1 << 1, ///< bytes seen before, with other data
    FragMultipleTails = 1 << 2,   ///< a second last fragment giving another end
    FragTooLong = 1 << 3,         ///< data past the datagram's end
};

/// What identifies one datagram: IPv4 (src, dst, id, protocol), IPv6 (src, dst, id).
struct FragmentKey
{
    std::array<uint8_t, 40> bytes{};
    bool operator==(const FragmentKey &) const = default;

    static FragmentKey ipv4(const uint8_t *src, const uint8_t *dst, uint16_t id, uint8_t proto);
    static FragmentKey ipv6(const uint8_t *src, const uint8_t *dst, uint32_t id);
};

struct FragmentKeyHash
{
    size_t operator()(const FragmentKey &k) const;
};

/// One fragment of a datagram: where its payload lies in the reassembled bytes.
struct FragmentInfo
{
    uint64_t frame = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
    uint8_t flags = 0; ///< FragmentFlag
};

/// A datagram whose bytes are all there.
struct ReassembledDatagram
{
    FragmentKey key;
    uint64_t reassembledIn = 0;          ///< the frame that completed it
    uint8_t flags = 0;                   ///< union of the fragments' flags
    uint32_t length = 0;                 ///< reassembled payload length
    std::vector<FragmentInfo> fragments; ///< in offset order (Wireshark's list order)
    /// The payload; empty when a revisit store dropped it for its byte budget.
    std::vector<uint8_t> bytes;
};

class FragmentReassembler
{
public:
    struct Limits
    {
        size_t maxDatagrams = 4096;           ///< datagrams in progress
        size_t maxBytes = 16u << 20;          ///< their bytes (payload + bookkeeping)
        int64_t timeoutSec = 60;              ///< RFC 8200 4.5: 60 s after the first fragment
        size_t maxDatagramLength = 65535;     ///< an end past this is a too long fragment
        size_t maxCompletedBytes = 64u << 20; ///< reassembled bytes kept for revisits
    };

    explicit FragmentReassembler(Limits limits) : m_limits(limits) {}
    FragmentReassembler() : FragmentReassembler(Limits{}) {}

    enum class Outcome : uint8_t {
        Pending,  ///< kept, the datagram is not complete yet
        Complete, ///< this fragment completed it: completed() holds it
        TooLong,  ///< its end is past maxDatagramLength: not kept
    };

    /// First pass: adds the fragment of `key` carried by `frame` (`tsSec`, 0 when the frame
    /// has no time) at byte `offset` of the datagram's payload. `keep`: remember the result
    /// for revisits (Session::remembersFrames()).
    Outcome add(const FragmentKey &key, uint64_t frame, int64_t tsSec, bool hasTime,
                uint32_t offset, std::span<const uint8_t> data, bool more, bool keep);
    /// The datagram add() last completed (valid until the next add()).
    const ReassembledDatagram &completed() const { return m_last; }

    /// Revisit: the completed datagram that `frame`'s fragment of `key` belongs to, or null
    /// (never completed, or the frame was not kept).
    const ReassembledDatagram *lookup(uint64_t frame, const FragmentKey &key) const;

    size_t datagramsInProgress() const { return m_pending.size(); }
    size_t bytesInProgress() const { return m_bytes; }
    size_t completedBytesKept() const { return m_completedBytes; }

private:
    struct Fragment
    {
        FragmentInfo info;
        std::vector<uint8_t> data;
    };
    struct Pending
    {
        uint64_t seq = 0; ///< creation order, for dropping the oldest
        int64_t firstTs = 0;
        bool hasTime = false;
        bool endKnown = false;
        uint32_t end = 0;
        uint8_t flags = 0;
        size_t bytes = 0;
        std::vector<Fragment> fragments; ///< sorted by offset
    };
    void drop(std::unordered_map<FragmentKey, Pending, FragmentKeyHash>::iterator it);
    void enforceLimits();
    void defragment(const FragmentKey &key, Pending &p, uint64_t frame);
    void keepCompleted();

    Limits m_limits;
    std::unordered_map<FragmentKey, Pending, FragmentKeyHash> m_pending;
    std::map<uint64_t, FragmentKey> m_age; // seq -> key, oldest first
    uint64_t m_seq = 0;
    size_t m_bytes = 0;
    ReassembledDatagram m_last;
    // Revisits: every completed datagram, and which frames' fragments went into which.
    std::deque<ReassembledDatagram> m_completed;
    std::unordered_multimap<uint64_t, uint32_t> m_byFrame;
    size_t m_completedBytes = 0;
    size_t m_oldestWithBytes = 0; // m_completed below it had their bytes dropped
};

/// The field ids of a protocol's reassembly fields (ip.fragments ... or ipv6.fragments ...).
struct FragmentFields
{
    FieldId fragments = -1, fragment = -1, overlap = -1, overlapConflict = -1, multipleTails = -1,
            tooLong = -1, error = -1, count = -1, reassembledIn = -1, length = -1, data = -1;
};

/// Adds Wireshark's `[N IPv4 Fragments (B bytes): #a(x), ...]` subtree under `parent` for
/// `dg`, whose bytes are data source `source` (`what` is "IPv4" / "IPv6"). Both modes.
void addFragmentTree(Dissection &d, Item parent, const FragmentFields &f,
                     const ReassembledDatagram &dg, int source, std::string_view what);

} // namespace pl
