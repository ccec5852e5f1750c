#pragma once

#include "dissect/dissection.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pl {

/// What one peer sent in one packet of a followed stream.
struct StreamChunk
{
    uint8_t peer = 0;   ///< 0: the client (who spoke first), 1: the server
    uint64_t frame = 0; ///< frame number
    std::vector<uint8_t> bytes;
    /// Not the peer's bytes but tshark's note in their place, `[1418 bytes missing in capture
    /// file].`: the segment was cut by the capture's snapshot length.
    bool missing = false;
};

/// A conversation's application bytes, both directions, in the order they were sent.
struct FollowedStream
{
    enum class Kind : uint8_t { Tcp, Udp };
    Kind kind = Kind::Tcp;
    uint32_t index = 0;
    bool found = false; ///< a packet of the stream was seen
    /// `10.0.0.1:80`, `[2001:db8::1]:443`; tshark's `:0` while no packet was found
    std::string peers[2] = {":0", ":0"};
    uint64_t sent[2] = {}; ///< bytes each peer sent (as followed: no repeats)
    /// TCP: bytes that never arrived in the capture, per peer (gaps left by lost segments).
    uint64_t missing[2] = {};
    std::vector<StreamChunk> chunks;
    std::vector<uint64_t> frames; ///< every frame of the stream, with or without payload
    bool cut = false;             ///< more than StreamFollower::kMaxBytes: the rest was not kept

    /// The display filter that selects the stream, `tcp.stream eq 3`.
    std::string filter() const;
};

/// Follows one TCP or UDP stream: give it every frame of the capture in order (dissected in
/// summary mode with interest(), with one session from frame 1 so that stream indexes are the
/// ones the packet list shows), then finish(). TCP bytes come out in sequence order per
/// direction: a retransmission adds only the bytes not seen yet, segments that arrive early
/// wait for the gap before them (when it never fills, the gap is counted as missing and what
/// waited behind it is not shown, as tshark); bytes a short snapshot length cut off are noted
/// in their place, as tshark. Bounded: at most kMaxBytes are kept, waiting ones included;
/// past that the stream is cut and FollowedStream::cut set.
class StreamFollower
{
public:
    static constexpr uint64_t kMaxBytes = uint64_t(256) << 20;

    StreamFollower(FollowedStream::Kind kind, uint32_t index);
    /// The fields this needs collected (Dissection::setInterest).
    const FieldInterest &interest() const { return m_interest; }
    void add(const Dissection &d);
    /// Counts the gaps that never filled.
    void finish();
    const FollowedStream &result() const { return m_stream; }
    FollowedStream takeResult() { return std::move(m_stream); }

private:
    struct Pending
    {
        uint32_t seq;
        uint64_t frame;
        std::vector<uint8_t> bytes; ///< as captured
        size_t length;              ///< on the wire (tcp.len)
    };
    struct Direction
    {
        bool started = false;
        uint32_t next = 0; ///< raw sequence number of the next byte expected
        std::vector<Pending> early;
    };

    void append(uint8_t peer, uint64_t frame, const uint8_t *p, size_t n, bool missing = false);
    /// `n` bytes captured of a segment of `length` bytes.
    void addTcp(uint8_t peer, uint64_t frame, uint32_t seq, uint16_t flags, const uint8_t *p,
                size_t n, size_t length);
    /// Bytes [from, ...) of a segment at `seq` whose first `n` of `length` were captured.
    void follow(uint8_t peer, uint64_t frame, uint32_t seq, const uint8_t *p, size_t n,
                size_t length);
    void drain(uint8_t peer);

    FollowedStream m_stream;
    FieldInterest m_interest;
    FieldId m_streamField, m_srcPort, m_dstPort, m_seq, m_flags, m_payload;
    FieldId m_ipSrc, m_ipDst, m_ip6Src, m_ip6Dst, m_icmp, m_icmp6;
    FieldId m_resetCause, m_udpLength, m_malformed, m_short, m_tcpLen;
    uint8_t m_clientAddr[16] = {};
    uint8_t m_clientVersion = 0;
    uint16_t m_clientPort = 0;
    Direction m_dir[2];
    uint64_t m_kept = 0; ///< bytes in chunks and waiting early
};

/// Follows stream `index` over the first `count` packets (all when 0) of the file at `path`:
/// its own reader and session, so it can run on a worker thread while the store serves the
/// GUI. `cancel` is looked at before every frame; `progress(done)` about every 100 ms. false
/// when the file cannot be read (`error` says why) or when cancelled. `prefs`: the store's
/// dissection preferences (PacketStore::preferences()), so that stream indexes and sequence
/// numbers are the ones the packet list shows (verifyChecksums is not used).
bool followStream(const std::string &path, uint64_t count, StreamFollower &follower,
                  const std::atomic<bool> &cancel,
                  const std::function<void(uint64_t done)> &progress, std::string &error,
                  const Preferences &prefs = {});

} // namespace pl
