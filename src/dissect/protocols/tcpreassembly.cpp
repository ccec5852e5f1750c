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
// Memory is bounded: a message larger than kMaxPduBytes is not reassembled, and the bytes
// waiting in all directions together stay under kMaxPendingBytes. A completed message keeps
// only where its pieces lie in their frames: a revisit (the GUI) reads those frames again
// through the session's frame reader. Without one, or for a message whose bytes came from a
// reassembled IP datagram, the completed messages keep their bytes, at most kMaxKeptBytes,
// oldest dropped first.

#include "tcpreassembly.h"

#include "dissect/packedframelog.h"
#include "dissect/textformat.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace pl::proto {

namespace {

constexpr size_t kMaxPduBytes = size_t(16) << 20;
constexpr size_t kMaxPendingBytes = size_t(256) << 20;
constexpr size_t kMaxKeptBytes = size_t(256) << 20;
constexpr size_t kReserveBytes = size_t(64) << 10; // reserved ahead for a message at most
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

/// A segment's bytes in a message: `length` bytes from `offset` in frame `frame`'s bytes
/// (or in the data source its payload was in, when the message is not `inFrames`).
struct Piece
{
    uint64_t frame;
    uint32_t offset;
    uint32_t length;
};

/// One application message being gathered, or gathered.
struct Pdu
{
    uint32_t startSeq = 0;      ///< raw sequence number of its first byte
    size_t needed = 0;          ///< its total length; 0 while unknown (one more segment)
    std::vector<uint8_t> bytes; ///< while open; when done, only if not `inFrames`
    std::vector<Piece> pieces;
    uint64_t completedIn = 0; ///< the frame that completed it, 0 while open
    bool inFrames = true;     ///< every piece lies in its frame's own bytes: can be read again
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

/// SegmentLog packed for the revisit log: a few bytes a record.
struct SegmentLogCodec
{
    static constexpr size_t kMaxBytes = 5 * 10;
    static void put(PackWriter &w, uint64_t, const SegmentLog &r)
    {
        const bool completes = r.completes != kNone, held = r.held != kNone;
        w.u(uint64_t(r.continued) | uint64_t(r.retransmitted) << 1 | uint64_t(r.refused) << 2 |
            uint64_t(completes) << 3 | uint64_t(held) << 4);
        w.u(r.take);
        if (completes)
            w.u(r.completes);
        if (held) {
            w.u(r.held);
            w.u(r.heldAt);
        }
    }
    static SegmentLog get(PackReader &in, uint64_t)
    {
        SegmentLog r;
        const uint64_t bits = in.u();
        r.continued = bits & 1;
        r.retransmitted = bits & 2;
        r.refused = bits & 4;
        r.take = uint32_t(in.u());
        if (bits & 8)
            r.completes = uint32_t(in.u());
        if (bits & 16) {
            r.held = uint32_t(in.u());
            r.heldAt = uint32_t(in.u());
        }
        return r;
    }
};

struct TcpReassembly
{
    std::deque<Pdu> pdus; // by id; a deque keeps references valid as it grows
    std::unordered_map<uint64_t, uint32_t> pending; // stream << 1 | direction → pdu id
    std::vector<uint32_t> freeIds; // a single pass (no revisits) reuses finished messages
    size_t pendingBytes = 0;
    size_t keptBytes = 0;
    size_t oldestKept = 0; // the first pdu whose bytes may still be kept
    PackedFrameLog<SegmentLog, SegmentLogCodec> log;

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

    /// Whether a completed message keeps its bytes for revisits: they cannot be read again.
    static bool keepsBytes(const Pdu &p, const Session &session)
    {
        return session.remembersFrames() && !(p.inFrames && session.frameReader());
    }

    /// A message is done with (completed or abandoned). In a single pass it is freed for
    /// reuse so that memory does not grow with the capture. For revisits a completed one
    /// keeps where its pieces are, and its bytes only when they cannot be read again from
    /// the frames (dropping the oldest kept ones past the budget).
    void finished(uint32_t id, const Session &session)
    {
        Pdu &p = pdus[id];
        if (!session.remembersFrames()) {
            pendingBytes -= p.completedIn ? 0 : p.bytes.size();
            p = Pdu{};
            freeIds.push_back(id);
            return;
        }
        if (!p.completedIn) {
            release(p, true);
            return;
        }
        if (!keepsBytes(p, session)) {
            std::vector<uint8_t>().swap(p.bytes);
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
    void drop(uint64_t flow, const Session &session)
    {
        const auto it = pending.find(flow);
        if (it == pending.end())
            return;
        const uint32_t id = it->second;
        pending.erase(it);
        finished(id, session);
    }
};

/// Adds `len` payload bytes from `at` to `p`'s pieces, extending the frame's last piece.
void addPiece(const Dissection &d, Pdu &p, const Reader &payload, size_t at, size_t len)
{
    const uint64_t frame = d.frame().number;
    const uint32_t offset = uint32_t(payload.frameOffset(at));
    if (d.currentSource() != 0)
        p.inFrames = false; // the bytes of a reassembled datagram: kept, not read again
    if (!p.pieces.empty() && p.pieces.back().frame == frame &&
        p.pieces.back().offset + p.pieces.back().length == offset)
        p.pieces.back().length += uint32_t(len);
    else
        p.pieces.push_back({frame, offset, uint32_t(len)});
}

/// A completed message's bytes on a revisit: kept, or read again from its frames. Returns
/// why they are not available, or null.
const char *gather(Dissection &d, const Pdu &p, std::vector<uint8_t> &out)
{
    if (!p.bytes.empty()) {
        out = p.bytes;
        return nullptr;
    }
    const Session::FrameReader &read = d.session().frameReader();
    if (!p.inFrames || !read)
        return "no longer kept (memory bound)";
    std::vector<uint8_t> frame;
    for (const Piece &piece : p.pieces) {
        if (!read(piece.frame, frame) || piece.offset > frame.size() ||
            piece.length > frame.size() - piece.offset)
            return "could not be read again from the capture file";
        out.insert(out.end(), frame.begin() + piece.offset,
                   frame.begin() + piece.offset + piece.length);
    }
    return nullptr;
}

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

/// The segment that completes (or may complete) a message of `bytes` gathered from `pieces`:
/// the segments subtree and the message from its own data source, which `bytes` is lent to
/// without a copy. Returns the dissector's request for more; `bytes` then holds the message
/// again (the caller goes on with it), else it is left empty.
Desegment dissectPdu(Dissection &d, std::vector<uint8_t> &bytes, const std::vector<Piece> &pieces,
                     const TcpPayloadContext &c, bool allowed)
{
    const size_t n = bytes.size();
    const int src = d.lendSource("Reassembled TCP (" + text::uintString(n) + " bytes)", bytes);
    if (src == 0)
        return {}; // hostile: hundreds of messages in one frame; the segment data shows
    Dissection::SourceScope scope(d, src);
    const Reader whole = d.sourceReader(size_t(src));
    Item segs = d.addBytes(c.parent, s_f[Segments], whole, 0, n);
    if (segs) {
        std::string l = text::uintString(pieces.size()) + " Reassembled TCP Segments (" +
                        text::uintString(n) + " bytes): ";
        for (size_t i = 0; i < pieces.size(); ++i) {
            if (i)
                l += ", ";
            l += '#' + text::uintString(pieces[i].frame) + '(' +
                 text::uintString(pieces[i].length) + ')';
        }
        d.setText(segs, std::move(l));
        d.flag(segs, Generated);
    }
    size_t at = 0;
    for (const Piece &piece : pieces) {
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
    d.addGenerated(segs, s_f[SegmentCount], pieces.size());
    d.addGenerated(segs, s_f[ReassembledLength], n);
    d.flag(d.addBytes(segs, s_f[ReassembledData], whole, 0, n), Generated);
    const Desegment asked = handOnAsking(d, whole, c, allowed);
    if (asked.more)
        bytes.assign(whole.ptr(0, n), whole.ptr(0, n) + n);
    return asked;
}

/// Starts a message of the `n` bytes at `b` (the first pass), replacing any waiting in the
/// same direction; the caller adds its pieces.
uint32_t holdNew(Dissection &d, TcpReassembly &st, const TcpPayloadContext &c, const uint8_t *b,
                 size_t n, uint32_t seq, size_t needed)
{
    const uint64_t flow = uint64_t(c.stream) << 1 | c.direction;
    st.drop(flow, d.session());
    const uint32_t id = st.newPdu(d.session().remembersFrames());
    Pdu &p = st.pdus[id];
    p.startSeq = seq;
    p.needed = needed;
    // Room for the whole message when its length is known, up to a bound that hostile
    // lengths cannot stretch: the segments then append without moving what is held.
    p.bytes.reserve(std::clamp(needed, n, std::max(n, kReserveBytes)));
    p.bytes.assign(b, b + n);
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
        addPiece(d, st.pdus[rec.held], payload, at, len - at);
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
        std::vector<uint8_t> bytes;
        if (const char *why = p.pieces.empty() ? nullptr : gather(d, p, bytes))
            d.addText(c.parent, payload, 0, 0,
                      std::string("[Reassembled TCP data ") + why + ": see frames " +
                          text::uintString(p.pieces.front().frame) + " to " +
                          text::uintString(p.completedIn) + "]");
        else
            dissectPdu(d, bytes, p.pieces, c, true); // asks as the first pass did
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
    // Its pieces: those of `done` from asked.at on.
    Pdu &p = st.pdus[rec.held];
    p.inFrames = done.inFrames;
    size_t skip = asked.at;
    for (const Piece &piece : done.pieces) {
        if (skip >= piece.length) {
            skip -= piece.length;
            continue;
        }
        p.pieces.push_back(
            {piece.frame, piece.offset + uint32_t(skip), piece.length - uint32_t(skip)});
        skip = 0;
    }
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
            size_t have = 0; // the message's length when it was last tried
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
                addPiece(d, p, payload, used, take);
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
                have = p.bytes.size();
                if (st.keepsBytes(p, d.session())) {
                    std::vector<uint8_t> lent = p.bytes;
                    asked = dissectPdu(d, lent, p.pieces, c, true);
                } else {
                    asked = dissectPdu(d, p.bytes, p.pieces, c, true); // back when it asks more
                }
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
                st.drop(flow, d.session());
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
                st.pendingBytes -= have;
                rec.completes = id;
                pos = used;
                if (asked.more && asked.at < p.bytes.size())
                    holdTail(d, st, c, p, asked, rec);
                st.finished(id, d.session());
            }
        } else if (int32_t(end - expected) <= 0 && int32_t(end - p.startSeq) > 0) {
            // Bytes already held: a retransmission, not handed on twice.
            rec.retransmitted = true;
            if (d.recording())
                st.log.record(d.frame().number, rec);
            return;
        } else {
            // A gap (a segment not captured) or a jump: the message cannot be completed.
            st.drop(flow, d.session());
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
    st.drop(uint64_t(stream) << 1 | direction, d.session());
    if (both)
        st.drop(uint64_t(stream) << 1 | (direction ^ 1u), d.session());
}

void register_tcpreassembly(Registry &reg)
{
    s_f = reg.addFields(kFields);
    // Which segments make a message, and where it completes, depend on the other segments.
    for (int f = 0; f < FieldCount; ++f)
        reg.setCrossFrame(s_f[f]);
}

} // namespace pl::proto
