#include "dissection.h"

#include "textformat.h"

#include <bit>

namespace pl {

namespace {
// Deeper nesting than this is hostile input (VLAN tag upon VLAN tag, IP in IP ...).
constexpr int kMaxDepth = 40;
} // namespace

Dissection::Dissection(Mode mode)
    : m_mode(mode), m_registry(&Registry::instance()), m_ownSession(std::make_unique<Session>())
{
    m_expertField = m_registry->findField("_ws.expert");
    m_expertMessage = m_registry->findField("_ws.expert.message");
    m_expertSeverity = m_registry->findField("_ws.expert.severity");
    m_expertGroup = m_registry->findField("_ws.expert.group");
    m_malformedField = m_registry->findField("_ws.malformed");
    m_malformedExpert = m_registry->findField("_ws.malformed.expert");
    m_shortField = m_registry->findField("_ws.short");
}

void Dissection::dissect(const Frame &frame, Session *session)
{
    begin(frame, session);
    m_revisit = session && frame.number <= session->framesSeen();
    m_session->nextSerial();
    dispatch(Table::Core, CoreFrame, Reader(frame.data, frame.capLen, frame.wireLen), root());
    m_session->frameDone(frame.number);
}

void Dissection::begin(const Frame &frame, Session *session)
{
    m_frame = &frame;
    if (session) {
        m_session = session;
    } else {
        m_ownSession->clear();
        m_session = m_ownSession.get();
    }
    if (tree() || m_interest) {
        m_tree.clear();
        m_layers.clear();
    }
    m_protocol = {};
    m_layer = {};
    m_src = {};
    m_dst = {};
    m_info.clear();
    m_scratch.clear();
    m_flags = 0;
    m_frozen = false;
    m_revisit = false;
    m_depth = 0;
    net = {};
    transport = {};
    m_source = 0;
    m_sourceCount = 0;
    m_desegment = {};
}

DataSource *Dissection::newSource(std::string name)
{
    // FieldNode::source is one byte; a frame with hundreds of reassemblies is hostile.
    if (m_sourceCount >= 255)
        return nullptr;
    if (m_sources.size() <= m_sourceCount)
        m_sources.emplace_back();
    DataSource &s = m_sources[m_sourceCount++];
    s.name = std::move(name);
    return &s;
}

int Dissection::addSource(std::string name, std::vector<uint8_t> bytes)
{
    DataSource *s = newSource(std::move(name));
    if (!s)
        return 0;
    s->bytes = std::move(bytes);
    return int(m_sourceCount);
}

int Dissection::lendSource(std::string name, std::vector<uint8_t> &bytes)
{
    DataSource *s = newSource(std::move(name));
    if (!s)
        return 0;
    s->bytes.swap(bytes);
    bytes.clear();
    return int(m_sourceCount);
}

std::string Dissection::sourceName(size_t i) const
{
    if (i == 0)
        return "Frame (" + std::to_string(m_frame ? m_frame->capLen : 0) + " bytes)";
    return i <= m_sourceCount ? m_sources[i - 1].name : std::string();
}

Item Dissection::append(Item parent, FieldId f, size_t offset, size_t len, uint64_t value)
{
    FieldNode n;
    n.field = f;
    n.offset = uint32_t(offset);
    n.length = uint32_t(len);
    n.value = value;
    n.source = m_source;
    return Item{m_tree.append(parent.index, n)};
}

uint64_t Dissection::uintValue(FieldId f, const Reader &r, size_t at, size_t len) const
{
    const uint64_t raw = r.uint(at, len);
    const FieldDef &def = m_registry->field(f);
    uint64_t v = raw;
    if (def.mask)
        v = (raw & def.mask) >> std::countr_zero(def.mask);
    if (def.type == FieldType::Boolean)
        v = v != 0;
    return v;
}

Item Dissection::addUIntToTree(Item parent, FieldId f, const Reader &r, size_t at, size_t len)
{
    return append(parent, f, r.frameOffset(at), len, uintValue(f, r, at, len));
}

Item Dissection::addString(Item parent, FieldId f, const Reader &r, size_t at, size_t len,
                           std::string value)
{
    r.require(at, len);
    if (!parent) {
        if (const int32_t c = collect(f, r.frameOffset(at), len, 0); c >= 0)
            m_tree.setText(c, std::move(value));
        return {};
    }
    Item it = append(parent, f, r.frameOffset(at), len, 0);
    m_tree.setText(it.index, std::move(value));
    return it;
}

Item Dissection::addGeneratedString(Item parent, FieldId f, std::string value, bool bracketed)
{
    if (!parent) {
        if (const int32_t c = collect(f, 0, 0, 0); c >= 0)
            m_tree.setText(c, std::move(value));
        return {};
    }
    Item it = addGeneratedToTree(parent, f, 0, 0, bracketed);
    m_tree.setText(it.index, std::move(value));
    return it;
}

int32_t Dissection::collectNode(FieldId f, size_t offset, size_t len, uint64_t value, uint32_t aux)
{
    const Item it = append(Item{FieldTree::root()}, f, offset, len, value);
    m_tree.node(it.index).aux = aux;
    return it.index;
}

void Dissection::collectOutOfLine(FieldId f, size_t offset, size_t len, uint64_t value,
                                  uint32_t aux)
{
    collect(f, offset, len, value, aux);
}

void Dissection::collectUInt(FieldId f, const Reader &r, size_t at, size_t len)
{
    // addUInt() checked that `f` is wanted.
    collectNode(f, r.frameOffset(at), len, uintValue(f, r, at, len), 0);
}

Item Dissection::addText(Item parent, const Reader &r, size_t at, size_t len, std::string label)
{
    if (!parent)
        return {};
    // A label may describe bytes that are not all captured; clip its range, do not throw.
    const size_t have = r.capturedFrom(at);
    Item it = append(parent, -1, r.frameOffset(at), len < have ? len : have, 0);
    m_tree.setText(it.index, std::move(label));
    return it;
}

Item Dissection::addProtocolItem(Item parent, FieldId protocolField, const Reader &r, size_t at,
                                 size_t len)
{
    if (!parent) { // summary mode with fields to collect
        const size_t have = r.capturedFrom(at);
        addLayer(protocolField);
        collect(protocolField, r.frameOffset(at), len < have ? len : have, have);
        return {};
    }
    const size_t have = r.capturedFrom(at);
    addLayer(protocolField);
    return append(parent, protocolField, r.frameOffset(at), len < have ? len : have, have);
}

Item Dissection::addGeneratedToTree(Item parent, FieldId f, uint64_t value, uint32_t aux,
                                    bool bracketed)
{
    Item it = append(parent, f, 0, 0, value);
    FieldNode &n = m_tree.node(it.index);
    n.aux = aux;
    if (bracketed)
        n.flags |= Generated;
    return it;
}

namespace {

std::string_view severityName(Severity s)
{
    switch (s) {
    case Severity::Comment:
        return "Comment";
    case Severity::Chat:
        return "Chat";
    case Severity::Note:
        return "Note";
    case Severity::Warning:
        return "Warning";
    case Severity::Error:
        return "Error";
    }
    return "Unknown";
}

// Wireshark's PI_* values: severity in bits 20-23, group in bits 24-31.
uint64_t severityValue(Severity severity)
{
    static constexpr uint64_t kSeverityValues[] = {0,        0x100000, 0x200000,
                                                   0x400000, 0x600000, 0x800000};
    return kSeverityValues[size_t(severity) < 6 ? size_t(severity) : 0];
}

constexpr std::string_view kGroupNames[] = {"",           "Checksum",   "Sequence",   "Response",
                                            "Request",    "Undecoded",  "Reassemble", "Malformed",
                                            "Debug",      "Protocol",   "Security",   "Comment",
                                            "Decryption", "Assumption", "Deprecated"};

} // namespace

Item Dissection::expert(Item parent, const Reader &r, size_t at, size_t len, Severity severity,
                        ExpertGroup group, std::string_view message, uint8_t flags, FieldId field)
{
    m_flags |= flags & (Malformed | Truncated | BadChecksum);
    if (!parent) {
        if (m_interest) {
            const size_t have = r.capturedFrom(at);
            collectExpert(r.frameOffset(at), len < have ? len : have, severity, group, message,
                          field);
        }
        return {};
    }
    // Wireshark's layout: the note, then the message (under the protocol's own expert field),
    // the severity and the group; all generated, so bracketed.
    const size_t have = r.capturedFrom(at);
    const size_t offset = r.frameOffset(at), length = len < have ? len : have;
    std::string label = "Expert Info (";
    label += severityName(severity);
    label += '/';
    label += kGroupNames[size_t(group) < std::size(kGroupNames) ? size_t(group) : 0];
    label += "): ";
    // Shown escaped, as every text from a packet or file (a comment may hold a newline); the
    // hidden field below keeps the message as it is, for filters and JSON.
    std::string shown;
    text::appendEscaped(shown, message);
    label += shown;
    Item it = append(parent, m_expertField, offset, length, uint64_t(severity));
    m_tree.setText(it.index, std::move(label));
    {
        FieldNode &n = m_tree.node(it.index);
        n.flags |= uint8_t(Expert | Generated | flags);
        n.aux = uint32_t(group);
    }
    Item msg = append(it, field, offset, length, 0);
    m_tree.setText(msg.index, std::move(shown));
    m_tree.node(msg.index).flags |= Generated;
    // The message as a field for filters and -T json; hidden like in Wireshark's tree.
    Item hidden = append(it, m_expertMessage, offset, length, 0);
    m_tree.setText(hidden.index, std::string(message));
    m_tree.node(hidden.index).flags |= Hidden;
    m_tree.node(append(it, m_expertSeverity, offset, length, severityValue(severity)).index)
        .flags |= Generated;
    const uint64_t groupValue = uint64_t(group) << 24;
    m_tree.node(append(it, m_expertGroup, offset, length, groupValue).index).flags |= Generated;
    return it;
}

int32_t Dissection::collectExpert(size_t offset, size_t length, Severity severity,
                                  ExpertGroup group, std::string_view message, FieldId field)
{
    // The same fields as the tree's note, flat: see expert().
    const int32_t note =
        collect(m_expertField, offset, length, uint64_t(severity), uint32_t(group));
    if (const int32_t c = collect(field, offset, length, 0); c >= 0) {
        std::string shown;
        text::appendEscaped(shown, message);
        m_tree.setText(c, std::move(shown));
    }
    if (const int32_t c = collect(m_expertMessage, offset, length, 0); c >= 0)
        m_tree.setText(c, std::string(message));
    collect(m_expertSeverity, offset, length, severityValue(severity));
    collect(m_expertGroup, offset, length, uint64_t(group) << 24);
    return note;
}

void Dissection::setText(Item item, std::string label)
{
    if (item)
        m_tree.setText(item.index, std::move(label));
}

void Dissection::setLength(Item item, size_t len)
{
    if (item)
        m_tree.node(item.index).length = uint32_t(len);
}

void Dissection::flagItem(Item item, uint8_t flags)
{
    m_tree.node(item.index).flags |= flags;
}

bool Dissection::dispatch(Table table, uint32_t key, const Reader &r, Item parent)
{
    // Most frames look up what the one before did (Ethernet's IPv4, IPv4's TCP, port 443):
    // the last answer of each table saves the search, whose compares a predictor guesses badly.
    Lookup &last = m_lookups[size_t(table)];
    if (last.key != key)
        last = {key, m_registry->dissector(table, key)};
    if (!last.fn)
        return false;
    call(last.fn, r, parent);
    return true;
}

void Dissection::call(DissectFn fn, const Reader &r, Item parent)
{
    if (m_depth >= kMaxDepth) {
        expert(parent, r, 0, r.captured(), Severity::Error, ExpertGroup::Malformed,
               "Malformed Packet: headers nested too deeply", Malformed);
        return;
    }
    ++m_depth;
    try {
        fn(*this, r, parent);
    } catch (const BoundsError &e) {
        markBoundsError(e, parent);
    }
    --m_depth;
}

bool Dissection::tryHeuristics(Table table, const Reader &r, Item parent)
{
    if (m_depth >= kMaxDepth)
        return false;
    for (HeuristicFn fn : m_registry->heuristics(table)) {
        ++m_depth;
        bool taken = false;
        try {
            taken = fn(*this, r, parent);
        } catch (const BoundsError &e) {
            markBoundsError(e, parent); // it had claimed the bytes before failing
            taken = true;
        }
        --m_depth;
        if (taken)
            return true;
    }
    return false;
}

void Dissection::markBoundsError(const BoundsError &e, Item parent)
{
    markLayerError(parent, e.frameOffset, e.kind == BoundsError::Kind::Truncated, m_layer);
}

void Dissection::markLayerError(Item parent, size_t frameOffset, bool truncated,
                                std::string_view layer)
{
    // Inside a quoted packet the cut is expected (RFC 792 quotes only 8 bytes of payload):
    // note it in the tree but do not mark the frame.
    const uint8_t mark = m_frozen ? 0 : (truncated ? Truncated : Malformed);
    m_flags |= mark;
    if (parent) {
        // Wireshark: `[Packet size limited during capture: UDP truncated]` (_ws.short), or
        // `[Malformed Packet: TCP]` (_ws.malformed) with an expert note below.
        std::string text = truncated ? "[Packet size limited during capture" : "[Malformed Packet";
        if (!layer.empty()) {
            text += ": ";
            text += layer;
            if (truncated)
                text += " truncated";
        }
        text += ']';
        Item it = append(parent, truncated ? m_shortField : m_malformedField, frameOffset, 0,
                         uint64_t(Severity::Error));
        m_tree.setText(it.index, std::move(text));
        m_tree.node(it.index).flags |= mark;
        if (!truncated) {
            // The frame is already marked; the note itself carries no frame mark.
            Reader none(nullptr, 0, 0);
            Item note = expert(it, none, 0, 0, Severity::Error, ExpertGroup::Malformed,
                               "Malformed Packet (Exception occurred)", 0, m_malformedExpert);
            m_tree.node(note.index).offset = uint32_t(frameOffset);
        }
        m_tree.node(it.index).flags |= Expert;
    } else if (m_interest) {
        collect(truncated ? m_shortField : m_malformedField, frameOffset, 0,
                uint64_t(Severity::Error));
        if (!truncated) {
            // As in the tree: the note at the error, the fields below it at offset 0.
            const int32_t note =
                collectExpert(0, 0, Severity::Error, ExpertGroup::Malformed,
                              "Malformed Packet (Exception occurred)", m_malformedExpert);
            if (note >= 0)
                m_tree.node(note).offset = uint32_t(frameOffset);
        }
    }
    // tshark appends the mark with no space before it.
    if (!m_frozen)
        m_info += truncated ? "[Packet size limited during capture]" : "[Malformed Packet]";
}

void Dissection::setProtocol(std::string_view name)
{
    m_layer = name;
    if (!m_frozen)
        m_protocol = name;
}

} // namespace pl

namespace pl {

void Dissection::data(const Reader &r, Item parent)
{
    // The data dissector only adds tree items (Wireshark's touches no column): summary mode,
    // where most TCP and UDP payloads end up here, skips the dispatch unless a filter reads
    // fields.
    if (r.captured() > 0 && (parent || m_interest))
        dispatch(Table::Core, CoreData, r, parent);
}

} // namespace pl
