#pragma once

// TCP SEQ/ACK analysis as Wireshark 4.0 shows it (tcp.analysis.*): retransmissions, lost and
// out-of-order segments, duplicate ACKs, window and keep-alive events, the segment an ACK
// acknowledges and its RTT, bytes in flight; plus the per-stream times (tcp.time_relative,
// tcp.time_delta) and the conversation completeness bits (tcp.completeness).
//
// The rules are the ones the Wireshark User's Guide lists under "TCP Analysis" (section 7.5),
// checked against tshark 4.0 on crafted and lossy captures where the guide is silent (bytes in
// flight, which frames count for the push bytes, which ACK a duplicate refers to).
//
// One Analyzer per conversation, one Direction per side. Frames must be fed in capture order;
// the Result is all a revisit needs.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pl::proto::tcpa {

/// Serial number arithmetic (RFC 1982) on sequence numbers.
inline bool seqLt(uint32_t a, uint32_t b)
{
    return int32_t(a - b) < 0;
}
inline bool seqGt(uint32_t a, uint32_t b)
{
    return int32_t(a - b) > 0;
}
inline bool seqLe(uint32_t a, uint32_t b)
{
    return int32_t(a - b) <= 0;
}

/// a - b in nanoseconds, wrapping instead of overflowing (hostile timestamps).
inline int64_t elapsed(int64_t a, int64_t b)
{
    return int64_t(uint64_t(a) - uint64_t(b));
}

/// The analysis flags, in the order Wireshark lists them under [TCP Analysis Flags].
enum Flag : uint16_t {
    ReusedPorts = 1 << 0,
    FastRetransmission = 1 << 1,
    SpuriousRetransmission = 1 << 2,
    Retransmission = 1 << 3,
    LostSegment = 1 << 4,
    AckLostSegment = 1 << 5,
    WindowUpdate = 1 << 6,
    WindowFull = 1 << 7,
    KeepAlive = 1 << 8,
    KeepAliveAck = 1 << 9,
    DuplicateAck = 1 << 10,
    ZeroWindowProbe = 1 << 11,
    ZeroWindow = 1 << 12,
    ZeroWindowProbeAck = 1 << 13,
    OutOfOrder = 1 << 14,
};

/// Completeness bits (tcp.completeness).
enum Completeness : uint8_t {
    CSyn = 1,
    CSynAck = 2,
    CAck = 4,
    CData = 8,
    CFin = 16,
    CRst = 32,
};

constexpr uint16_t kFin = 0x001, kSyn = 0x002, kRst = 0x004, kPsh = 0x008, kAck = 0x010;

/// One segment as the analysis needs it (raw sequence numbers).
struct Segment
{
    uint64_t frame = 0;
    int64_t time = 0; ///< nanoseconds since the epoch
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t len = 0;    ///< TCP payload length
    uint32_t window = 0; ///< scaled window
    uint16_t flags = 0;
    uint8_t sackCount = 0;
    uint32_t sackLe[4] = {};
    uint32_t sackRe[4] = {};
    bool reusedPorts = false; ///< this SYN started a new conversation on the same ports
};

/// What the analysis found for one frame: all a revisit shows again.
struct Result
{
    enum Has : uint8_t {
        HasAnalysis = 1,  ///< the [SEQ/ACK analysis] subtree exists
        HasAcks = 2,      ///< acksFrame and ackRtt
        HasIrtt = 4,      ///< irtt
        HasBif = 8,       ///< bytesInFlight and pushBytesSent
        HasRto = 16,      ///< rto and rtoFrame
        HasTimes = 32,    ///< timeRelative and timeDelta
        HasComplete = 64, ///< completeness
    };
    uint16_t flags = 0;
    uint8_t has = 0;
    uint8_t completeness = 0;
    uint32_t dupAckNum = 0;
    uint32_t dupAckFrame = 0;
    uint32_t acksFrame = 0;
    uint32_t rtoFrame = 0;
    uint32_t bytesInFlight = 0;
    uint32_t pushBytesSent = 0;
    int64_t ackRtt = 0;
    int64_t irtt = 0;
    int64_t rto = 0;
    int64_t timeRelative = 0;
    int64_t timeDelta = 0;
};

/// One side's state.
struct Direction
{
    struct Unacked
    {
        uint32_t seq;
        uint32_t nextseq; ///< seq + length, + 1 for a SYN or FIN
        uint32_t frame;
        uint8_t control; ///< 1 when nextseq counts a SYN or FIN
        int64_t time;
    };
    /// Segments not yet acknowledged, oldest first; bounded, the oldest dropped when full.
    static constexpr size_t kMaxUnacked = 64;
    std::vector<Unacked> unacked;
    /// The lowest seq and the highest nextseq in `unacked` (when not empty): kept up to date
    /// so that the bytes in flight of a data segment cost no walk over the list.
    uint32_t unackedLo = 0;
    uint32_t unackedHi = 0;

    void boundsFromList()
    {
        for (size_t i = 0; i < unacked.size(); ++i) {
            if (i == 0 || seqLt(unacked[i].seq, unackedLo))
                unackedLo = unacked[i].seq;
            if (i == 0 || seqGt(unacked[i].nextseq, unackedHi))
                unackedHi = unacked[i].nextseq;
        }
    }

    uint32_t nextseq = 0;
    uint32_t maxSeqToBeAcked = 0;
    uint32_t lastAck = 0;
    uint32_t window = 0;
    uint32_t dupAckCount = 0;
    uint32_t lastNonDupAck = 0;
    uint32_t nextseqFrame = 0;
    uint32_t pushBytes = 0;
    int64_t nextseqTime = 0;
    int64_t lastAckTime = 0;
    uint16_t lastSegmentFlags = 0;
    bool nextseqSet = false;
    bool maxSeqSet = false;
    bool lastAckSet = false;
    bool windowSet = false;
    bool validBif = true;
    bool seen = false;
    /// The SACK blocks of this side's last segment (they describe the peer's data).
    uint8_t sackCount = 0;
    uint32_t sackLe[4] = {};
    uint32_t sackRe[4] = {};
};

class Analyzer
{
public:
    Direction dir[2];

    /// The completeness bits of the frames analysed so far.
    uint8_t completeness() const { return m_completeness; }

    /// A segment too short for its header (tshark's "Short segment"): only the stream's
    /// times and the completeness so far, no analysis.
    Result timesOnly(const Segment &s)
    {
        Result r;
        stamp(s, r);
        return r;
    }

    /// Analyzes segment `s` sent by side `d` (0 or 1) and updates the state.
    Result analyze(const Segment &s, int d)
    {
        Result r;
        analyze(s, d, r);
        return r;
    }
    /// The same into `r`, for the per-packet path: a returned Result copied into the
    /// caller's would read back, a few words at once, the fields just stored one by one.
    void analyze(const Segment &s, int d, Result &r)
    {
        r = Result{};
        stamp(s, r);
        Direction &fwd = dir[d];
        Direction &rev = dir[1 - d];
        const uint32_t seq = s.seq, ack = s.ack, len = s.len, window = s.window;
        const uint16_t fl = s.flags;
        const bool synFinRst = fl & (kSyn | kFin | kRst);
        const bool hasAck = fl & kAck;
        uint16_t a = s.reusedPorts ? ReusedPorts : 0;
        bool lost = false;

        // The completeness shown is the one before this frame. A conversation's first
        // segment counts only when it is a SYN (tshark: a capture that starts mid-stream
        // shows "Incomplete (12)", not 28).
        if (m_frames++ > 0 || (fl & kSyn)) {
            if (fl & kSyn)
                m_completeness |= hasAck ? CSynAck : CSyn;
            else if (hasAck && len == 0) // an ACK carrying data counts as DATA only (tshark)
                m_completeness |= CAck;
            if (len > 0)
                m_completeness |= CData;
            if (fl & kFin)
                m_completeness |= CFin;
            if (fl & kRst)
                m_completeness |= CRst;
        }
        if (s.reusedPorts)
            r.completeness = m_completeness; // tshark counts the reusing SYN at once

        // The initial RTT: from the (last) SYN to the first ACK without SYN, the one that
        // completes the handshake (or a RST+ACK refusing it: tshark counts that too).
        if ((fl & (kSyn | kAck)) == kSyn) {
            m_synTime = s.time;
            m_synSeen = true;
        } else if ((fl & (kSyn | kAck)) == kAck && !m_irttSet && m_synSeen) {
            m_irtt = elapsed(s.time, m_synTime);
            m_irttSet = true;
        }

        const bool atNext = fwd.nextseqSet && seq == fwd.nextseq;
        const bool sameAck = hasAck && fwd.lastAckSet && ack == fwd.lastAck;
        if (len == 1 && atNext && rev.windowSet && rev.window == 0) {
            a |= ZeroWindowProbe;
        } else {
            if (window == 0 && !synFinRst)
                a |= ZeroWindow;
            if (fwd.nextseqSet && seqGt(seq, fwd.nextseq) && !(fl & kRst)) {
                a |= LostSegment;
                lost = true;
                fwd.validBif = false; // until the peer acknowledges something
            }
            if (len <= 1 && fwd.nextseqSet && seq == fwd.nextseq - 1 && !synFinRst)
                a |= KeepAlive;
            if (len == 0 && window != 0 && fwd.windowSet && window != fwd.window && atNext &&
                sameAck && !synFinRst)
                a |= WindowUpdate;
            if (len > 0 && rev.windowSet && rev.lastAckSet &&
                seq + len == rev.lastAck + rev.window && !synFinRst)
                a |= WindowFull;
            const bool pureRepeat = len == 0 && fwd.windowSet && window == fwd.window && atNext &&
                                    sameAck && !synFinRst;
            if (pureRepeat && window != 0 && (rev.lastSegmentFlags & KeepAlive)) {
                a |= KeepAliveAck;
            } else if (pureRepeat && window == 0 && (rev.lastSegmentFlags & ZeroWindowProbe)) {
                a |= ZeroWindowProbeAck;
            } else if (pureRepeat && window != 0) {
                ++fwd.dupAckCount;
                a |= DuplicateAck;
                r.dupAckNum = fwd.dupAckCount;
                r.dupAckFrame = fwd.lastNonDupAck;
            }
        }
        // Duplicates count from the last pure ACK (no data, SYN, FIN or RST) that was neither
        // a duplicate nor a window update: a window update, a data segment or a FIN between
        // them changes neither the count nor the frame they refer to (tshark: "Dup ACK 64#4"
        // after the update in 75; tests/data/tcp-dupack-after-fin.pcap frame 310 names 305).
        if (!(a & (DuplicateAck | WindowUpdate)) && len == 0 && !synFinRst) {
            fwd.lastNonDupAck = uint32_t(s.frame);
            fwd.dupAckCount = 0;
        }

        // An ACK past everything the peer was seen sending: its segment was not captured.
        if (hasAck && rev.maxSeqSet && seqGt(ack, rev.maxSeqToBeAcked)) {
            a |= AckLostSegment;
            rev.maxSeqToBeAcked = rev.nextseq;
        }

        // Data (or SYN/FIN) before the highest sequence number seen: a retransmission of
        // some kind.
        bool retransmitted = false;
        if ((len > 0 || (fl & (kSyn | kFin))) && fwd.nextseqSet && seqLt(seq, fwd.nextseq) &&
            !(a & KeepAlive)) {
            retransmitted = true;
            const int64_t sinceDupAck = elapsed(s.time, rev.lastAckTime);
            const int64_t sinceNext = elapsed(s.time, fwd.nextseqTime);
            const int64_t oooThreshold = m_irttSet && m_irtt != 0 ? m_irtt : 3000000;
            const uint32_t end = seq + len + ((fl & (kSyn | kFin)) ? 1 : 0);
            if (rev.dupAckCount >= 2 && rev.lastAckSet && rev.lastAck == seq &&
                sinceDupAck < 20000000) {
                a |= FastRetransmission | Retransmission;
            } else if (sinceNext < oooThreshold && fwd.nextseq != end) {
                a |= OutOfOrder;
            } else if (len > 0 && rev.lastAckSet && seqLe(seq + len, rev.lastAck)) {
                a |= SpuriousRetransmission | Retransmission;
            } else {
                a |= Retransmission;
                // The RTO counts from the oldest segment sent and still unacknowledged, whose
                // timer ran out (tshark); from the highest segment when none is.
                uint32_t frame = fwd.nextseqFrame;
                int64_t from = fwd.nextseqTime;
                if (!fwd.unacked.empty()) {
                    frame = fwd.unacked.front().frame;
                    from = fwd.unacked.front().time;
                }
                r.rto = elapsed(s.time, from);
                r.rtoFrame = frame;
                r.has |= Result::HasRto;
            }
        }
        (void)retransmitted;

        // Every segment, a pure ACK too, moves nextseq on (tshark: seq + len for all, so that
        // a direction seen only acknowledging still has duplicate ACKs); only data, SYN and
        // FIN wait for an acknowledgement.
        const uint32_t next = seq + len + ((fl & (kSyn | kFin)) ? 1 : 0);
        if (len > 0 || (fl & (kSyn | kFin))) {
            if (fwd.unacked.size() >= Direction::kMaxUnacked) {
                fwd.unacked.erase(fwd.unacked.begin());
                fwd.boundsFromList();
            }
            if (fwd.unacked.empty() || seqLt(seq, fwd.unackedLo))
                fwd.unackedLo = seq;
            if (fwd.unacked.empty() || seqGt(next, fwd.unackedHi))
                fwd.unackedHi = next;
            fwd.unacked.push_back(
                {seq, next, uint32_t(s.frame), uint8_t((fl & (kSyn | kFin)) ? 1 : 0), s.time});
        }
        if (!(a & ZeroWindowProbe)) {
            if (!fwd.nextseqSet || seqGt(next, fwd.nextseq)) {
                fwd.nextseq = next;
                fwd.nextseqFrame = uint32_t(s.frame);
                fwd.nextseqTime = s.time;
                fwd.nextseqSet = true;
            }
            // The lost segment's own end is not expected to be acknowledged: an ACK past it
            // is "ACKed unseen" (tshark), until later data moves this on.
            if (!lost && (!fwd.maxSeqSet || seqGt(next, fwd.maxSeqToBeAcked))) {
                fwd.maxSeqToBeAcked = fwd.nextseq;
                fwd.maxSeqSet = true;
            }
        }

        fwd.window = window;
        fwd.windowSet = true;
        if (hasAck) {
            fwd.lastAck = ack;
            fwd.lastAckSet = true;
            fwd.lastAckTime = s.time;
        }
        fwd.lastSegmentFlags = a;
        fwd.sackCount = s.sackCount;
        for (int i = 0; i < s.sackCount && i < 4; ++i) {
            fwd.sackLe[i] = s.sackLe[i];
            fwd.sackRe[i] = s.sackRe[i];
        }

        // The peer's segments this ACK covers: the oldest one it ends exactly at is the one
        // acknowledged (tshark names the original, not a later retransmission).
        if (hasAck) {
            bool matched = false;
            size_t keep = 0;
            for (size_t i = 0; i < rev.unacked.size(); ++i) {
                Direction::Unacked u = rev.unacked[i];
                if (ack == u.nextseq) {
                    if (!matched) {
                        matched = true;
                        r.acksFrame = u.frame;
                        r.ackRtt = elapsed(s.time, u.time);
                        r.has |= Result::HasAcks;
                    }
                    continue; // acknowledged: dropped
                }
                if (seqGt(ack, u.seq) && seqLe(ack, u.nextseq))
                    u.seq = ack; // partly acknowledged
                else if (!seqGt(u.nextseq, ack))
                    continue; // acknowledged before
                if (keep == 0 || seqLt(u.seq, rev.unackedLo))
                    rev.unackedLo = u.seq;
                if (keep == 0 || seqGt(u.nextseq, rev.unackedHi))
                    rev.unackedHi = u.nextseq;
                rev.unacked[keep++] = u;
            }
            rev.unacked.resize(keep);
            rev.validBif = true;
        }

        // Bytes in flight: from the lowest unacknowledged byte seen to the highest (a FIN or SYN
        // counting one), less what the peer's last SACK blocks cover, less one when this segment
        // carries SYN or FIN (tshark). Not after a gap until the peer ACKs again.
        if (len > 0 && fwd.validBif) {
            int64_t inFlight =
                fwd.unacked.empty() ? 0 : int64_t(uint32_t(fwd.unackedHi - fwd.unackedLo));
            // Every block counts, a D-SACK below the ACK too (RFC 2883): tshark then finds
            // nothing in flight and shows neither number.
            for (int i = 0; i < rev.sackCount && i < 4; ++i) {
                if (seqLt(rev.sackLe[i], rev.sackRe[i]))
                    inFlight -= int64_t(uint32_t(rev.sackRe[i] - rev.sackLe[i]));
            }
            if (fl & (kSyn | kFin))
                inFlight = inFlight > 0 && inFlight < 2000000000 ? inFlight - 1 : 0;
            fwd.pushBytes += len;
            const uint32_t pushed = fwd.pushBytes;
            if (fl & kPsh)
                fwd.pushBytes = 0;
            if (inFlight > 0 && inFlight < 2000000000) {
                r.bytesInFlight = uint32_t(inFlight);
                r.pushBytesSent = pushed;
                r.has |= Result::HasBif;
            }
        }

        r.flags = a;
        if (m_irttSet) {
            r.irtt = m_irtt;
            r.has |= Result::HasIrtt;
        }
        if (a || (r.has & (Result::HasAcks | Result::HasBif | Result::HasRto)))
            r.has |= Result::HasAnalysis;
    }

private:
    /// Per-stream times and the completeness before this frame.
    void stamp(const Segment &s, Result &r)
    {
        if (!m_started) {
            m_started = true;
            m_firstTime = s.time;
            m_lastTime = s.time;
        }
        r.timeRelative = elapsed(s.time, m_firstTime);
        r.timeDelta = elapsed(s.time, m_lastTime);
        m_lastTime = s.time;
        r.has |= Result::HasTimes | Result::HasComplete;
        r.completeness = m_completeness;
    }

    int64_t m_firstTime = 0;
    int64_t m_lastTime = 0;
    int64_t m_synTime = 0;
    int64_t m_irtt = 0;
    uint32_t m_frames = 0;
    uint8_t m_completeness = 0;
    bool m_started = false;
    bool m_synSeen = false;
    bool m_irttSet = false;
};

} // namespace pl::proto::tcpa
