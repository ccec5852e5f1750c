// TCP reassembly of application messages that span segments (Wireshark's "Allow subdissector
// to reassemble TCP streams", tcp.desegment_tcp_streams), RFC 9293 sequence space.
//
// A payload's dissector that finds only the start of its message asks for the rest
// (Dissection::desegment). The bytes from there to the segment's end are kept per stream and
// direction; following segments in sequence are appended (`TCP segment data`,
// `[TCP segment of a reassembled PDU]` in Info) until the message is whole. The segment that
// completes it shows `[N Reassembled TCP Segments (B bytes): #a(x), #b(y)]` and the message is
// dissected from a data source `Reassembled TCP (B bytes)`. A gap (a lost segment) abandons the
// message; a retransmission of bytes already kept is not handed on again.
//
// Memory is bounded: a message larger than kMaxPduBytes is not reassembled, the bytes waiting
// in all directions together stay under kMaxPendingBytes, and the completed messages a
// revisit shows again (the GUI) keep at most kMaxKeptBytes, oldest dropped first.

#include "tcpreassembly.h"

#include "dissect/textformat.h"

#include <deque>
#include <unordered_map>

namespace pl::proto {

namespace {

constexpr size_t kMaxPduBytes = size_t(16) << 20;
constexpr size_t kMaxPendingBytes = size_t(256) << 20;
constexpr size_t kMaxKeptBytes = size_t(256) << 20;
constexpr uint32_t kNone = ~uint32_t(0);

enum {
    SegmentData,
    ReassembledIn,
    Segments,
    Segment,
    SegmentCount,
    ReassembledLength,
    ReassembledData,
    FieldCount
};

// Wireshark's names (tshark -G fields); they belong to the tcp protocol.
constexpr FieldDef kFields[] = {
    {"tcp.segment_data", "TCP segment data", FieldType::Bytes},
    {"tcp.reassembled_in", "Reassembled PDU in frame", FieldType::FrameNum, Base::Dec},
    {"tcp.segments", "Reassembled TCP Segments", FieldType::None},
    {"tcp.segment", "TCP Segment", FieldType::FrameNum, Base::Dec},
    {"tcp.segment.count", "Segment count", FieldType::UInt32, Base::Dec},
    {"tcp.reassembled.length", "Reassembled TCP length", FieldType::UInt32, Base::Dec},
    {"tcp.reassembled.data", "Reassembled TCP Data", FieldType::Bytes},
};
static_assert(std::size(kFields) == FieldCount);

FieldBlock s_f;

struct Piece
{
    uint64_t frame;
    uint32_t length;
};

/// One application message being gathered, or gathered.
struct Pdu
{
    uint32_t startSeq = 0; ///< raw sequence number of its first byte
    size_t needed = 0;     ///< its total length; 0 while unknown (one more segment)
    std::vector<uint8_t> bytes;
    std::vector<Piece> pieces;
    uint64_t completedIn = 0; ///< the frame that completed it, 0 while open
};

/// What one frame's payload did, for revisits: complete a message with its first `take`
/// bytes, and/or hold bytes from `heldAt` on for message `held`; or nothing but repeat bytes
/// already held.
struct SegmentLog
{
    uint32_t completes = kNone;
    uint32_t take = 0;
    uint32_t held = kNone;
    uint32_t heldAt = 0;
    bool continued = false; ///< the whole payload went on with an earlier message
    bool retransmitted = false;
    bool refused = false; ///< a request past the memory bounds: dissected as it was
};

struct TcpReassembly
{
    std::deque<Pdu> pdus; // by id; a deque keeps references valid as it grows
    std::unordered_map<uint64_t, uint32_t> pending; // stream << 1 | direction → pdu id
    std::vector<uint32_t> freeIds; // a single pass (no revisits) reuses finished messages
    size_t pendingBytes = 0;
    size_t keptBytes = 0;
    size_t oldestKept = 0; // the first pdu whose bytes may still be kept
    FrameLog<SegmentLog> log;

    uint32_t newPdu(bool remembers)
    {
        if (!remembers && !freeIds.empty()) {
            const uint32_t id = freeIds.back();
            freeIds.pop_back();
            return id;
        }
        pdus.emplace_back();
        return uint32_t(pdus.size() - 1);
    }

    void release(Pdu &p, bool wasPending)
    {
        (wasPending ? pendingBytes : keptBytes) -= p.bytes.size();
        std::vector<uint8_t>().swap(p.bytes);
    }

    /// A message is done with (completed or abandoned): its bytes are kept for revisits
    /// (dropping the oldest kept ones past the budget), or, in a single pass, it is freed
    /// for reuse so that memory does not grow with the capture.
    void finished(uint32_t id, bool remembers)
    {
        Pdu &p = pdus[id];
        if (!remembers) {
            pendingBytes -= p.completedIn ? 0 : p.bytes.size();
            p = Pdu{};
            freeIds.push_back(id);
            return;
        }
        if (!p.completedIn) {
            release(p, true);
            return;
        }
        keptBytes += p.bytes.size();
        while (keptBytes > kMaxKeptBytes && oldestKept < pdus.size()) {
            Pdu &old = pdus[oldestKept++];
            if (old.completedIn)
                release(old, false);
        }
    }

    /// Gives up the message waiting in `flow`, if any.
    void drop(uint64_t flow, bool remembers)
    {
        const auto it = pending.find(flow);
        if (it == pending.end())
            return;
        const uint32_t id = it->second;
        pending.erase(it);
        finished(id, remembers);
    }
};

void handOn(Dissection &d, const Reader &r, const TcpPayloadContext &c)
{
    if (!d.dispatchPorts(Table::TcpPort, c.srcPort, c.dstPort, r, c.parent) &&
        !d.tryHeuristics(Table::TcpPort, r, c.parent))
        d.data(r, c.parent);
}

/// Hands `r` on with desegmenting allowed or not; returns the dissector's request.
Desegment handOnAsking(Dissection &d, const Reader &r, const TcpPayloadContext &c, bool allowed)
{
    d.desegmentState() = {};
    d.desegmentState().allowed = allowed;
    handOn(d, r, c);
    const Desegment asked = d.desegmentState();
    d.desegmentState() = {};
    return allowed ? asked : Desegment{};
}

void addSegmentData(Dissection &d, const TcpPayloadContext &c, const Reader &payload, size_t at,
                    size_t len)
{
    Item it = d.addBytes(c.tcp, s_f[SegmentData], payload, at, len);
    if (it)
        d.setText(it, "TCP segment data (" + text::uintString(len) + " bytes)");
}

/// The segment that completes (or may complete) `p`: the segments subtree and the message
/// from its own data source. Returns the dissector's request for more.
Desegment dissectPdu(Dissection &d, const Pdu &p, const TcpPayloadContext &c, bool allowed)
{
    const size_t n = p.bytes.size();
    const int src = d.addSource("Reassembled TCP (" + text::uintString(n) + " bytes)", p.bytes);
    if (src == 0)
        return {}; // hostile: hundreds of messages in one frame; the segment data shows
    Dissection::SourceScope scope(d, src);
    const Reader whole = d.sourceReader(size_t(src));
    Item segs = d.addBytes(c.parent, s_f[Segments], whole, 0, n);
    if (segs) {
        std::string l = text::uintString(p.pieces.size()) + " Reassembled TCP Segments (" +
                        text::uintString(n) + " bytes): ";
        for (size_t i = 0; i < p.pieces.size(); ++i) {
            if (i)
                l += ", ";
            l += '#' + text::uintString(p.pieces[i].frame) + '(' +
                 text::uintString(p.pieces[i].length) + ')';
        }
        d.setText(segs, std::move(l));
        d.flag(segs, Generated);
    }
    size_t at = 0;
    for (const Piece &piece : p.pieces) {
        const size_t len = std::min<size_t>(piece.length, n - at);
        Item it = d.addValue(segs, s_f[Segment], whole, at, len, piece.frame);
        if (it) {
            d.setText(it, "Frame: " + text::uintString(piece.frame) + ", payload: " +
                              text::uintString(at) + '-' + text::uintString(at + len - 1) + " (" +
                              text::uintString(len) + " bytes)");
            d.flag(it, Generated);
        }
        at += len;
    }
    d.addGenerated(segs, s_f[SegmentCount], p.pieces.size());
    d.addGenerated(segs, s_f[ReassembledLength], n);
    d.flag(d.addBytes(segs, s_f[ReassembledData], whole, 0, n), Generated);
    return handOnAsking(d, whole, c, allowed);
}

/// Starts a message held from payload offset `at` (the first pass), replacing any waiting in
/// the same direction.
uint32_t holdNew(Dissection &d, TcpReassembly &st, const TcpPayloadContext &c, const uint8_t *b,
                 size_t n, uint32_t seq, size_t needed)
{
    const uint64_t flow = uint64_t(c.stream) << 1 | c.direction;
    const bool remembers = d.session().remembersFrames();
    st.drop(flow, remembers);
    const uint32_t id = st.newPdu(remembers);
    Pdu &p = st.pdus[id];
    p.startSeq = seq;
    p.needed = needed;
    p.bytes.assign(b, b + n);
    p.pieces.push_back({d.frame().number, uint32_t(n)});
    st.pendingBytes += n;
    st.pending[flow] = id;
    return id;
}

/// Hands the payload from `pos` on; when the dissector asks for more, undoes what it added
/// for a message that starts the segment and holds the rest (a new message in the first
/// pass; on a revisit `rec` says what the first pass did). A request past the memory bounds
/// is refused: the payload is then dissected as it is, as with reassembly off.
void dissectFrom(Dissection &d, const Reader &payload, size_t pos, const TcpPayloadContext &c,
                 TcpReassembly &st, bool firstPass, SegmentLog &rec)
{
    const size_t len = payload.reported();
    const Dissection::Checkpoint before = d.checkpoint();
    const Desegment asked = handOnAsking(d, payload.sub(pos), c, true);
    if (!asked.more || asked.at >= len - pos)
        return;
    const size_t at = pos + asked.at;
    const bool unknown = asked.more == Desegment::kOneMoreSegment;
    const size_t needed = unknown ? 0 : len - at + asked.more;
    if (firstPass)
        rec.refused = (!unknown && (asked.more > kMaxPduBytes || needed > kMaxPduBytes)) ||
                      st.pendingBytes + (len - at) > kMaxPendingBytes;
    if (rec.refused) {
        d.rollback(before);
        handOnAsking(d, payload.sub(pos), c, false);
        return;
    }
    if (asked.at == 0)
        d.rollback(before); // the message starts here: TCP alone shows this segment
    if (firstPass) {
        rec.held =
            holdNew(d, st, c, payload.ptr(at, len - at), len - at, c.seq + uint32_t(at), needed);
        rec.heldAt = uint32_t(at);
    } else if (rec.held != kNone && rec.held < st.pdus.size()) {
        if (const uint64_t in = st.pdus[rec.held].completedIn)
            d.addGenerated(c.tcp, s_f[ReassembledIn], in);
    }
    addSegmentData(d, c, payload, at, len - at);
    if (at == 0)
        d.info() += " [TCP segment of a reassembled PDU]";
}

/// A revisit: says again what the first pass decided.
void revisit(Dissection &d, const Reader &payload, const TcpPayloadContext &c, TcpReassembly &st,
             const SegmentLog *logged)
{
    if (!logged) {
        handOnAsking(d, payload, c, false);
        return;
    }
    SegmentLog rec = *logged;
    const size_t len = payload.reported();
    if (rec.retransmitted)
        return;
    size_t pos = 0;
    if (rec.completes != kNone && rec.completes < st.pdus.size()) {
        const Pdu &p = st.pdus[rec.completes];
        addSegmentData(d, c, payload, 0, rec.take);
        if (p.bytes.empty() && !p.pieces.empty())
            d.addText(c.parent, payload, 0, 0,
                      "[Reassembled TCP data no longer kept (memory bound): see frames " +
                          text::uintString(p.pieces.front().frame) + " to " +
                          text::uintString(p.completedIn) + "]");
        else
            dissectPdu(d, p, c, true); // asks as in the first pass; the answer is known
        pos = rec.take;
    }
    if (rec.continued && rec.held < st.pdus.size()) {
        // The whole payload continued a message.
        if (const uint64_t in = st.pdus[rec.held].completedIn)
            d.addGenerated(c.tcp, s_f[ReassembledIn], in);
        addSegmentData(d, c, payload, 0, rec.take);
        d.info() += " [TCP segment of a reassembled PDU]";
        return;
    }
    if (pos < len)
        dissectFrom(d, payload, pos, c, st, false, rec);
}

/// A message of unknown length was whole, and the dissector found the start of the next one
/// at `asked.at` in it: those bytes wait for their rest as a new message.
void holdTail(Dissection &d, TcpReassembly &st, const TcpPayloadContext &c, const Pdu &done,
              const Desegment &asked, SegmentLog &rec)
{
    const size_t tail = done.bytes.size() - asked.at;
    const size_t needed = asked.more == Desegment::kOneMoreSegment ? 0 : tail + asked.more;
    if (needed > kMaxPduBytes || st.pendingBytes + tail > kMaxPendingBytes)
        return;
    // `done` stays valid: it has left `pending` (holdNew drops nothing of it), is not free
    // for reuse yet, and a deque's growth keeps references to its elements.
    rec.held = holdNew(d, st, c, done.bytes.data() + asked.at, tail,
                       done.startSeq + uint32_t(asked.at), needed);
}

} // namespace

void dissectTcpPayload(Dissection &d, const Reader &payload, const TcpPayloadContext &c)
{
    const size_t len = payload.reported();
    if (!c.tracked || !d.prefs.tcpReassemble || d.columnsFrozen() || len == 0 ||
        payload.captured() != len) {
        handOnAsking(d, payload, c, false);
        return;
    }
    TcpReassembly &st = d.session().state<TcpReassembly>();
    if (d.revisit()) {
        revisit(d, payload, c, st, d.logged(st.log));
        return;
    }
    SegmentLog rec;
    size_t pos = 0;
    const bool remembers = d.session().remembersFrames();
    const uint64_t flow = uint64_t(c.stream) << 1 | c.direction;
    auto it = st.pending.empty() ? st.pending.end() : st.pending.find(flow);
    if (it != st.pending.end()) {
        const uint32_t id = it->second;
        Pdu &p = st.pdus[id];
        const uint32_t expected = p.startSeq + uint32_t(p.bytes.size());
        const uint32_t end = c.seq + uint32_t(len);
        if (c.seq == expected) {
            // Take what the message still needs; when the dissector, given it, asks for more
            // (a record whose header only now is whole), take more of this segment: the loop
            // ends when the segment is used up or the message is whole.
            size_t used = 0;
            bool held = false, dropped = false;
            Desegment asked;
            for (;;) {
                const size_t want = p.needed ? p.needed - p.bytes.size() : len - used;
                const size_t take = std::min(want, len - used);
                if (p.bytes.size() + take > kMaxPduBytes ||
                    st.pendingBytes + take > kMaxPendingBytes) {
                    dropped = true; // too big to keep: given up, the rest stands alone
                    break;
                }
                const uint8_t *b = payload.ptr(used, take);
                p.bytes.insert(p.bytes.end(), b, b + take);
                if (!p.pieces.empty() && p.pieces.back().frame == d.frame().number)
                    p.pieces.back().length += uint32_t(take);
                else
                    p.pieces.push_back({d.frame().number, uint32_t(take)});
                st.pendingBytes += take;
                used += take;
                if (p.needed && p.bytes.size() < p.needed) {
                    held = true;
                    break;
                }
                const Dissection::Checkpoint before = d.checkpoint();
                // A try on a continued message leaves Info as TCP's, so that a revisit (which
                // knows the message goes on and does not try) shows the same, as tshark -2.
                const std::string info = d.columns() ? d.info() : std::string();
                asked = dissectPdu(d, p, c, true);
                if (!asked.more || asked.at != 0)
                    break; // whole
                d.rollback(before);
                if (d.columns())
                    d.info() = info;
                p.needed = asked.more == Desegment::kOneMoreSegment
                               ? 0
                               : p.bytes.size() + std::min(asked.more, kMaxPduBytes);
                if (p.needed == 0 || used == len) {
                    held = true;
                    break;
                }
            }
            if (used)
                addSegmentData(d, c, payload, 0, used);
            rec.take = uint32_t(used);
            if (dropped) {
                st.drop(flow, remembers);
                pos = used;
                rec.take = 0;
            } else if (held) {
                rec.held = id;
                rec.continued = true;
                d.info() += " [TCP segment of a reassembled PDU]";
                if (d.recording())
                    st.log.record(d.frame().number, rec);
                return;
            } else {
                p.completedIn = d.frame().number;
                st.pending.erase(it);
                st.pendingBytes -= p.bytes.size();
                rec.completes = id;
                pos = used;
                if (asked.more && asked.at < p.bytes.size())
                    holdTail(d, st, c, p, asked, rec);
                st.finished(id, remembers);
            }
        } else if (int32_t(end - expected) <= 0 && int32_t(end - p.startSeq) > 0) {
            // Bytes already held: a retransmission, not handed on twice.
            rec.retransmitted = true;
            if (d.recording())
                st.log.record(d.frame().number, rec);
            return;
        } else {
            // A gap (a segment not captured) or a jump: the message cannot be completed.
            st.drop(flow, remembers);
        }
    }
    if (pos < len)
        dissectFrom(d, payload, pos, c, st, true, rec);
    if (d.recording() && (rec.completes != kNone || rec.held != kNone || rec.refused))
        st.log.record(d.frame().number, rec);
}

void endTcpFlow(Dissection &d, uint32_t stream, uint8_t direction, bool both)
{
    if (d.revisit() || !d.prefs.tcpReassemble)
        return;
    TcpReassembly &st = d.session().state<TcpReassembly>();
    if (st.pending.empty())
        return;
    const bool remembers = d.session().remembersFrames();
    st.drop(uint64_t(stream) << 1 | direction, remembers);
    if (both)
        st.drop(uint64_t(stream) << 1 | (direction ^ 1u), remembers);
}

void register_tcpreassembly(Registry &reg)
{
    s_f = reg.addFields(kFields);
    // Which segments make a message, and where it completes, depend on the other segments.
    for (int f = 0; f < FieldCount; ++f)
        reg.setCrossFrame(s_f[f]);
}

} // namespace pl::proto
