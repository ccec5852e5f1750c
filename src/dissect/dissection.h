#pragma once

#include "address.h"
#include "fieldtree.h"
#include "frame.h"
#include "preferences.h"
#include "reader.h"
#include "registry.h"
#include "session.h"

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pl {

/// A handle on a tree item. Invalid in summary mode, where every add is a no-op, so protocol
/// code is written once for both modes.
struct Item
{
    int32_t index = -1;
    explicit operator bool() const { return index >= 0; }
};

/// The network layer a transport header sits on, for pseudo-header checksums.
struct NetworkLayer
{
    uint8_t version = 0;  ///< 4 or 6; 0 when there is none
    uint8_t hopLimit = 0; ///< IPv4 TTL / IPv6 hop limit (ICMP's Info shows it)
    uint8_t src[16] = {};
    uint8_t dst[16] = {};
};

/// The transport header under an application payload: set by TCP and UDP before their
/// payload's dissector runs (proto 0 when there is none).
struct TransportLayer
{
    uint8_t proto = 0; ///< 6 TCP, 17 UDP
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    uint32_t stream = 0; ///< tcp.stream / udp.stream
};

/// A byte source besides the frame: a reassembled IP datagram or TCP PDU. The hex pane shows
/// it as its own tab (`Reassembled TCP (1234 bytes)`), tshark -x prints it after the frame.
struct DataSource
{
    std::string name;
    std::vector<uint8_t> bytes;
};

/// TCP reassembly of application messages (Wireshark's desegment_offset/desegment_len): a
/// dissector running on a TCP payload that holds only the start of a message asks for the
/// rest with Dissection::desegment(); TCP keeps the bytes and calls it again, on the last
/// segment, with the whole message in a reassembled data source.
struct Desegment
{
    /// desegment()'s `more` when the length is not known yet (HTTP headers without their
    /// blank line): at least one more segment.
    static constexpr size_t kOneMoreSegment = ~size_t(0);
    bool allowed = false; ///< set by TCP around its payload's dissector
    size_t at = 0;        ///< where the unfinished message starts in the payload
    size_t more = 0;      ///< bytes still missing past the payload's end; 0: none asked
};

/// Wireshark's expert groups (PI_CHECKSUM ...), in its order: the value of _ws.expert.group
/// is the enumerator << 24.
enum class ExpertGroup : uint8_t {
    Checksum = 1,
    Sequence,
    ResponseCode,
    RequestCode,
    Undecoded,
    Reassemble,
    Malformed,
    Debug,
    Protocol,
    Security,
    Comment,
    Decryption,
    Assumption,
    Deprecated,
};

/// The fields a display filter reads, by FieldId (non-zero = wanted). Summary mode collects
/// them (Dissection::setInterest) so a filter is evaluated without building the whole tree.
using FieldInterest = std::vector<uint8_t>;

/// The state of dissecting one frame: the tree being built (tree mode), the summary columns,
/// and the frame's malformed/truncated/bad-checksum marks. Reuse one object for many frames:
/// `begin()` keeps the allocated capacity, so summary mode allocates nothing per frame.
class Dissection
{
public:
    enum class Mode : uint8_t { Summary, Tree };

    explicit Dissection(Mode mode = Mode::Summary);

    /// Dissects `frame` from its link layer up (begin() + the frame dissector).
    void dissect(const Frame &frame, Session *session);

    /// Starts a new frame. `session` carries cross-frame state (may be null: a fresh
    /// per-frame session is used, so relative sequence numbers start at each frame).
    void begin(const Frame &frame, Session *session);

    Mode mode() const { return m_mode; }
    bool tree() const { return m_mode == Mode::Tree; }

    /// Summary mode: also collect the fields `interest` marks, flat under the root of
    /// fieldTree() with their offsets and values as tree mode has them (null: collect none,
    /// the fast path). Protocol code needs nothing for this: every add*() collects a wanted
    /// field even when its parent item is invalid. `interest` must outlive the dissections.
    void setInterest(const FieldInterest *interest) { m_interest = interest; }
    const FieldInterest *interest() const { return m_interest; }
    /// Whether the summary columns are wanted (default). A display filter pass reads fields
    /// only: with false, protocols may skip formatting their Info text (the column then holds
    /// whatever was cheap to write).
    void setColumns(bool on) { m_columns = on; }
    bool columns() const { return m_columns; }
    /// Whether TCP hands its payloads on (default): reassembly and the application protocols.
    /// A display filter that reads only the headers up to TCP (DisplayFilter::readsOnlyHeaders)
    /// needs none of it; the fields of those headers come out the same.
    void setTcpPayloads(bool on) { m_tcpPayloads = on; }
    bool tcpPayloads() const { return m_tcpPayloads; }
    /// Whether the field `f` is kept: always in tree mode, when wanted in summary mode. For a
    /// value the caller must build (a string) only when somebody reads it.
    bool wants(FieldId f) const
    {
        return tree() ||
               (m_interest && f >= 0 && size_t(f) < m_interest->size() && (*m_interest)[size_t(f)]);
    }
    const Frame &frame() const { return *m_frame; }
    Session &session() { return *m_session; }
    /// This frame was dissected before in this session: protocols answer from their FrameLog
    /// (when the session remembers frames) instead of updating their cross-frame state.
    bool revisit() const { return m_revisit; }
    /// First pass with a session that remembers frames: protocols record into their FrameLog.
    bool recording() const { return !m_revisit && m_session->remembersFrames(); }
    /// On a revisit, `log`'s next record for this frame (null when none or not a revisit).
    template <class Log> auto logged(Log &log) -> decltype(log.next(0, 0))
    {
        return m_revisit ? log.next(m_frame->number, m_session->serial()) : nullptr;
    }
    const Registry &registry() const { return *m_registry; }
    const FieldTree &fieldTree() const { return m_tree; }

    /// Where top-level protocol items go.
    Item root() const { return tree() ? Item{FieldTree::root()} : Item{}; }

    // --- Building the tree (all no-ops on an invalid parent) ---

    /// Reads a big-endian integer of `len` bytes and adds it, masked and shifted by the
    /// field's mask. The read is bounds-checked in both modes, so truncation is found alike.
    // Always inline: summary mode calls this for every field of every packet, and then it is
    // only a bounds check, cheaper than the call.
    [[gnu::always_inline]] Item addUInt(Item parent, FieldId f, const Reader &r, size_t at,
                                        size_t len)
    {
        if (!parent) { // summary mode: only the bounds check, so truncation is found alike
            r.require(at, len);
            if (m_interest && size_t(f) < m_interest->size() && (*m_interest)[size_t(f)])
                [[unlikely]]
                collectUInt(f, r, at, len); // checked here: most are not wanted
            return {};
        }
        return addUIntToTree(parent, f, r, at, len);
    }
    /// Adds a field whose value the caller computed (little-endian, derived, ...).
    [[gnu::always_inline]] Item addValue(Item parent, FieldId f, const Reader &r, size_t at,
                                         size_t len, uint64_t value)
    {
        r.require(at, len);
        if (parent)
            return append(parent, f, r.frameOffset(at), len, value);
        if (m_interest) [[unlikely]]
            collectOutOfLine(f, r.frameOffset(at), len, value, 0);
        return {};
    }
    /// Adds an Ether/IPv4/IPv6/Bytes field; its value is the bytes themselves.
    [[gnu::always_inline]] Item addBytes(Item parent, FieldId f, const Reader &r, size_t at,
                                         size_t len)
    {
        r.require(at, len);
        if (parent)
            return append(parent, f, r.frameOffset(at), len, 0);
        if (m_interest) [[unlikely]]
            collectOutOfLine(f, r.frameOffset(at), len, 0, 0);
        return {};
    }
    Item addString(Item parent, FieldId f, const Reader &r, size_t at, size_t len,
                   std::string value);
    /// An AbsTime/RelTime field read from (or computed over) bytes: `sec` and `nsec` as the
    /// caller decoded them (NTP, ICMP data time stamps).
    Item addTime(Item parent, FieldId f, const Reader &r, size_t at, size_t len, int64_t sec,
                 uint32_t nsec)
    {
        r.require(at, len);
        if (parent) {
            const Item it = append(parent, f, r.frameOffset(at), len, uint64_t(sec));
            m_tree.node(it.index).aux = nsec;
            return it;
        }
        if (m_interest) [[unlikely]]
            collectOutOfLine(f, r.frameOffset(at), len, uint64_t(sec), nsec);
        return {};
    }
    /// A generated string field (no bytes): build `value` only when wants(f).
    Item addGeneratedString(Item parent, FieldId f, std::string value, bool bracketed = true);
    /// A label without a field (`Options: (20 bytes)`).
    Item addText(Item parent, const Reader &r, size_t at, size_t len, std::string label);
    /// A protocol's top item; give it its label with setText once the header is read. Its
    /// FieldNode::value is the number of captured bytes from `at` to the end of `r`: the
    /// bytes a filter's `ip contains ...` searches, header and payload, as in Wireshark.
    Item addProtocol(Item parent, FieldId protocolField, const Reader &r, size_t at, size_t len)
    {
        if (!parent && !m_interest) // summary mode: nothing to keep
            return {};
        return addProtocolItem(parent, protocolField, r, at, len);
    }
    /// A field with no bytes: computed (Wireshark's [generated] items, `bracketed`) or a
    /// fact of the capture (frame.len). `aux` holds the nanoseconds of a time.
    [[gnu::always_inline]] Item addGenerated(Item parent, FieldId f, uint64_t value,
                                             uint32_t aux = 0, bool bracketed = true)
    {
        if (parent)
            return addGeneratedToTree(parent, f, value, aux, bracketed);
        if (m_interest) [[unlikely]]
            collectOutOfLine(f, 0, 0, value, aux);
        return {};
    }
    /// An expert note (`Bad checksum`, `Bogus IP header length`) as Wireshark shows it:
    /// `[Expert Info (Error/Checksum): message]` with the message (under the protocol's
    /// expert field `field`, e.g. tcp.connection.syn, when given), severity and group below.
    /// A Malformed/Truncated/BadChecksum flag also marks the frame. The returned item has
    /// the Expert flag and its Severity in FieldNode::value, its group in FieldNode::aux.
    Item expert(Item parent, const Reader &r, size_t at, size_t len, Severity severity,
                ExpertGroup group, std::string_view message, uint8_t flags = 0, FieldId field = -1);
    /// The `[Malformed Packet: X]` / `[Packet size limited during capture: X truncated]` item
    /// for a layer that found its bytes impossible or cut short, and the Info column mark.
    void markLayerError(Item parent, size_t frameOffset, bool truncated, std::string_view layer);

    void setText(Item item, std::string label);
    void setLength(Item item, size_t len);
    /// Marks an item; Malformed, Truncated and BadChecksum also mark the frame (both modes).
    /// Inline: in summary mode (no item) it is one OR.
    void flag(Item item, uint8_t flags)
    {
        m_flags |= flags & (Malformed | Truncated | BadChecksum);
        if (item)
            flagItem(item, flags);
    }
    /// Marks the frame without an item (summary mode paths).
    void flagFrame(uint8_t flags) { m_flags |= flags; }

    // --- Data sources (reassembled bytes) ---

    /// Adds a source of `bytes` named `name` (`Reassembled TCP (N bytes)`) and returns its
    /// index (>= 1), or 0 when a frame already has the maximum (the caller then shows the
    /// bytes it has, unassembled). Dissect it with sourceReader() inside a SourceScope.
    int addSource(std::string name, std::vector<uint8_t> bytes);
    /// addSource() without a copy: takes `bytes`' contents and leaves `bytes` empty, holding
    /// the buffer of a source an earlier frame used (so that a message a frame does not
    /// grow allocates nothing). On 0 `bytes` is untouched.
    int lendSource(std::string name, std::vector<uint8_t> &bytes);
    /// 1 + the sources added to this frame; source 0 is the frame.
    size_t sourceCount() const { return 1 + m_sourceCount; }
    /// Source `i`'s bytes; 0 is the frame's captured bytes.
    std::span<const uint8_t> sourceBytes(size_t i) const
    {
        if (i == 0)
            return {m_frame->data, m_frame->capLen};
        return i <= m_sourceCount ? std::span<const uint8_t>(m_sources[i - 1].bytes)
                                  : std::span<const uint8_t>();
    }
    /// Source `i`'s name; `Frame (N bytes)` for 0.
    std::string sourceName(size_t i) const;
    /// A reader over source `i` (every byte captured).
    Reader sourceReader(size_t i) const
    {
        const auto b = sourceBytes(i);
        return Reader(b.data(), b.size(), b.size());
    }
    /// The source items added now refer to (0: the frame).
    int currentSource() const { return m_source; }
    /// The bytes a node's offset refers to (its source's first byte).
    const uint8_t *nodeData(const FieldNode &n) const { return sourceBytes(n.source).data(); }
    /// Items added while a SourceScope is alive refer to its source's bytes.
    class SourceScope
    {
    public:
        SourceScope(Dissection &d, int source) : m_d(d), m_previous(d.m_source)
        {
            d.m_source = uint8_t(source);
        }
        ~SourceScope() { m_d.m_source = m_previous; }
        SourceScope(const SourceScope &) = delete;
        SourceScope &operator=(const SourceScope &) = delete;

    private:
        Dissection &m_d;
        uint8_t m_previous;
    };

    /// What the dissection holds at a point, to undo what a payload's dissector added when
    /// it asked for more bytes instead (Wireshark shows such a segment as TCP's only).
    struct Checkpoint
    {
        size_t nodes = 0, texts = 0, layers = 0, sources = 0;
        std::string_view protocol, layer;
    };
    Checkpoint checkpoint() const
    {
        return {m_tree.size(), m_tree.textCount(), m_layers.size(),
                m_sourceCount, m_protocol,         m_layer};
    }
    /// Undoes the tree items, layers and sources added since `c` and restores the Protocol
    /// column; the Info column stays (tshark keeps what the payload's dissector wrote).
    void rollback(const Checkpoint &c)
    {
        m_tree.truncate(c.nodes, c.texts);
        if (c.layers < m_layers.size())
            m_layers.resize(c.layers);
        m_sourceCount = std::min(m_sourceCount, c.sources);
        m_layer = c.layer;
        if (!m_frozen)
            m_protocol = c.protocol;
    }

    // --- Link-layer trailers ---

    /// The payload a LengthClaim listens for, and the length claimed so far.
    struct Claim
    {
        const uint8_t *frame = nullptr; ///< its bytes' base (a frame or a data source)
        size_t begin = 0;               ///< its offset there
        size_t length = 0;
    };
    /// A protocol whose header gives its own length (IPv4's total length, IPv6's payload
    /// length, ARP's address sizes) says that only the first `length` bytes of `r` are its
    /// own: the rest is the link layer's (Ethernet padding, trailer, FCS). Heard only by the
    /// LengthClaim listening for exactly `r`, and only when it shortens it.
    void claimLength(const Reader &r, size_t length)
    {
        if (r.frame() == m_claim.frame && r.frameOffset(0) == m_claim.begin &&
            length < m_claim.length)
            m_claim.length = length;
    }
    /// While alive, listens for a claimLength() on exactly `payload`, the bytes a link layer
    /// hands on; a nested link layer listens for its own, and this one's listening resumes
    /// after it.
    class LengthClaim
    {
    public:
        LengthClaim(Dissection &d, const Reader &payload) : m_d(d), m_previous(d.m_claim)
        {
            d.m_claim = {payload.frame(), payload.frameOffset(0), payload.reported()};
        }
        ~LengthClaim() { m_d.m_claim = m_previous; }
        LengthClaim(const LengthClaim &) = delete;
        LengthClaim &operator=(const LengthClaim &) = delete;
        /// The length claimed; the payload's reported length when nothing claimed less.
        size_t length() const { return m_d.m_claim.length; }

    private:
        Dissection &m_d;
        Claim m_previous;
    };

    // --- TCP reassembly (see Desegment) ---

    /// Whether the payload being dissected may ask TCP for more bytes.
    bool canDesegment() const { return m_desegment.allowed; }
    /// The message starting at `at` of the TCP payload needs `more` bytes past the payload's
    /// end (Desegment::kOneMoreSegment when unknown). The dissector then returns without
    /// dissecting the unfinished message; TCP calls it again with the whole one.
    void desegment(size_t at, size_t more)
    {
        m_desegment.at = at;
        m_desegment.more = more ? more : 1;
    }
    /// TCP's side of the exchange.
    Desegment &desegmentState() { return m_desegment; }

    // --- Dispatch ---

    /// Hands `r` to the dissector registered for `key` in `table`; false when none is.
    /// A bounds error inside is caught here, marked, and does not stop the caller.
    bool dispatch(Table table, uint32_t key, const Reader &r, Item parent);
    void call(DissectFn fn, const Reader &r, Item parent);
    /// Transport payload: tries the lower port first, like Wireshark (it is more likely the
    /// well-known one), then the other; false when neither is registered.
    bool dispatchPorts(Table table, uint16_t portA, uint16_t portB, const Reader &r, Item parent)
    {
        const uint16_t lo = portA < portB ? portA : portB, hi = portA < portB ? portB : portA;
        return dispatch(table, lo, r, parent) || (hi != lo && dispatch(table, hi, r, parent));
    }
    /// Tries the heuristics registered for `table` (Registry::addHeuristic); true when one
    /// took the payload.
    bool tryHeuristics(Table table, const Reader &r, Item parent);
    /// Shows the bytes of `r` as undissected data, `Data (N bytes)`, if there are any.
    void data(const Reader &r, Item parent);

    // --- Columns ---

    /// Names the protocol being dissected: the Protocol column (unless frozen) and the
    /// layer named in `[Malformed Packet: X]`.
    void setProtocol(std::string_view name);
    /// The Source column: the address of type `t` at `p`.
    void setSource(Address::Type t, const uint8_t *p)
    {
        if (!m_frozen)
            m_src.assign(t, p);
    }
    void setDestination(Address::Type t, const uint8_t *p)
    {
        if (!m_frozen)
            m_dst.assign(t, p);
    }
    /// The Info column to write to; while columns are frozen (inside the packet quoted by an
    /// ICMP error) a scratch string that nobody shows.
    std::string &info() { return m_frozen ? m_scratch : m_info; }
    /// Freezes the columns; returns the previous state to restore.
    bool freezeColumns(bool frozen)
    {
        const bool was = m_frozen;
        m_frozen = frozen;
        if (frozen)
            m_scratch.clear();
        return was;
    }
    bool columnsFrozen() const { return m_frozen; }

    std::string_view protocolColumn() const { return m_protocol; }
    const Address &source() const { return m_src; }
    const Address &destination() const { return m_dst; }
    const std::string &infoColumn() const { return m_info; }
    /// Protocol fields (FieldType::Protocol) of the layers dissected so far, in order, for
    /// frame.protocols; kEtherTypeLayer stands for Wireshark's `ethertype` pseudo layer.
    /// Tree mode, or summary mode collecting fields (empty otherwise).
    const std::vector<FieldId> &layers() const { return m_layers; }
    static constexpr FieldId kEtherTypeLayer = -2;
    /// Notes Wireshark's `ethertype` layer: Ethernet II, SLL and VLAN hand their payload on
    /// through it (tree mode only).
    void etherTypeLayer()
    {
        if (tree() || m_interest)
            addLayer(kEtherTypeLayer);
    }

    /// Union of NodeFlag marks of the frame.
    uint8_t flags() const { return m_flags; }

    /// The layer under the current transport header.
    NetworkLayer net;
    /// The transport header under the current application payload.
    TransportLayer transport;
    Preferences prefs;

private:
    Item append(Item parent, FieldId f, size_t offset, size_t len, uint64_t value);
    /// The next source slot, named; null past the maximum.
    DataSource *newSource(std::string name);
    /// Summary mode: keeps a wanted field flat under the root; the index, or -1.
    int32_t collect(FieldId f, size_t offset, size_t len, uint64_t value, uint32_t aux = 0)
    {
        if (!m_interest || f < 0 || size_t(f) >= m_interest->size() || !(*m_interest)[size_t(f)])
            return -1;
        return collectNode(f, offset, len, value, aux);
    }
    int32_t collectNode(FieldId f, size_t offset, size_t len, uint64_t value, uint32_t aux);
    /// collect() behind a call: keeps the inline add*() small on the summary fast path.
    [[gnu::noinline]] void collectOutOfLine(FieldId f, size_t offset, size_t len, uint64_t value,
                                            uint32_t aux);
    void collectUInt(FieldId f, const Reader &r, size_t at, size_t len);
    /// The index of the collected _ws.expert node, or -1.
    int32_t collectExpert(size_t offset, size_t length, Severity severity, ExpertGroup group,
                          std::string_view message, FieldId field);
    void flagItem(Item item, uint8_t flags);
    /// A big-endian integer field's value: masked, shifted, 0/1 for a Boolean.
    uint64_t uintValue(FieldId f, const Reader &r, size_t at, size_t len) const;
    Item addUIntToTree(Item parent, FieldId f, const Reader &r, size_t at, size_t len);
    Item addGeneratedToTree(Item parent, FieldId f, uint64_t value, uint32_t aux, bool bracketed);
    Item addProtocolItem(Item parent, FieldId protocolField, const Reader &r, size_t at,
                         size_t len);
    void markBoundsError(const BoundsError &e, Item parent);
    void addLayer(FieldId f)
    {
        if (m_layers.empty() || m_layers.back() != f)
            m_layers.push_back(f);
    }

    Mode m_mode;
    const Registry *m_registry;
    /// The last key dispatch() looked up in each table and what it found (no table has the
    /// key ~0, so the initial entries answer "none" truly). The registry does not change once
    /// built.
    struct Lookup
    {
        uint32_t key = ~uint32_t(0);
        DissectFn fn = nullptr;
    };
    std::array<Lookup, size_t(Table::Count)> m_lookups{};
    const Frame *m_frame = nullptr;
    Session *m_session = nullptr;
    std::unique_ptr<Session> m_ownSession;
    FieldTree m_tree;
    std::string_view m_protocol;
    std::string_view m_layer;
    Address m_src;
    Address m_dst;
    std::string m_info;
    std::string m_scratch;
    uint8_t m_flags = 0;
    bool m_frozen = false;
    Claim m_claim;
    bool m_revisit = false;
    int m_depth = 0;
    std::vector<FieldId> m_layers;
    const FieldInterest *m_interest = nullptr;
    bool m_columns = true;
    bool m_tcpPayloads = true;
    uint8_t m_source = 0;     // the source new items refer to (SourceScope)
    size_t m_sourceCount = 0; // m_sources in use this frame (the vector keeps its capacity)
    std::vector<DataSource> m_sources;
    Desegment m_desegment;
    // The _ws.expert fields, looked up once.
    FieldId m_expertField = -1, m_expertMessage = -1, m_expertSeverity = -1, m_expertGroup = -1;
    FieldId m_malformedField = -1, m_malformedExpert = -1, m_shortField = -1;
};

} // namespace pl
