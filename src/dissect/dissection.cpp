#include "dissection.h"

#include <bit>

namespace pl {

namespace {
// Deeper nesting than this is hostile input (VLAN tag upon VLAN tag, IP in IP ...).
constexpr int kMaxDepth = 40;
} // namespace

Dissection::Dissection(Mode mode)
    : m_mode(mode), m_registry(&Registry::instance()), m_ownSession(std::make_unique<Session>())
{
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
    if (tree())
        m_tree.clear();
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
}

Item Dissection::append(Item parent, FieldId f, size_t offset, size_t len, uint64_t value)
{
    FieldNode n;
    n.field = f;
    n.offset = uint32_t(offset);
    n.length = uint32_t(len);
    n.value = value;
    return Item{m_tree.append(parent.index, n)};
}

Item Dissection::addUIntToTree(Item parent, FieldId f, const Reader &r, size_t at, size_t len)
{
    const uint64_t raw = r.uint(at, len);
    const FieldDef &def = m_registry->field(f);
    uint64_t v = raw;
    if (def.mask)
        v = (raw & def.mask) >> std::countr_zero(def.mask);
    if (def.type == FieldType::Boolean)
        v = v != 0;
    return append(parent, f, r.frameOffset(at), len, v);
}

Item Dissection::addString(Item parent, FieldId f, const Reader &r, size_t at, size_t len,
                           std::string value)
{
    r.require(at, len);
    if (!parent)
        return {};
    Item it = append(parent, f, r.frameOffset(at), len, 0);
    m_tree.setText(it.index, std::move(value));
    return it;
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

Item Dissection::addProtocol(Item parent, FieldId protocolField, const Reader &r, size_t at,
                             size_t len)
{
    if (!parent)
        return {};
    const size_t have = r.capturedFrom(at);
    return append(parent, protocolField, r.frameOffset(at), len < have ? len : have, 0);
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

Item Dissection::expert(Item parent, const Reader &r, size_t at, size_t len, Severity severity,
                        std::string_view message, uint8_t flags)
{
    m_flags |= flags & (Malformed | Truncated | BadChecksum);
    if (!parent)
        return {};
    Item it = addText(parent, r, at, len, std::string(message));
    FieldNode &n = m_tree.node(it.index);
    n.flags |= uint8_t(Expert | flags);
    n.value = uint64_t(severity);
    return it;
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

void Dissection::flag(Item item, uint8_t flags)
{
    m_flags |= flags & (Malformed | Truncated | BadChecksum);
    if (item)
        m_tree.node(item.index).flags |= flags;
}

bool Dissection::dispatch(Table table, uint32_t key, const Reader &r, Item parent)
{
    DissectFn fn = m_registry->dissector(table, key);
    if (!fn)
        return false;
    call(fn, r, parent);
    return true;
}

void Dissection::call(DissectFn fn, const Reader &r, Item parent)
{
    if (m_depth >= kMaxDepth) {
        expert(parent, r, 0, r.captured(), Severity::Error,
               "[Malformed Packet: headers nested too deeply]", Malformed);
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

void Dissection::markBoundsError(const BoundsError &e, Item parent)
{
    const bool truncated = e.kind == BoundsError::Kind::Truncated;
    std::string text = truncated ? "[Packet size limited during capture" : "[Malformed Packet";
    if (!m_layer.empty()) {
        text += ": ";
        text += m_layer;
    }
    text += ']';
    // Inside a quoted packet the cut is expected (RFC 792 quotes only 8 bytes of payload):
    // note it in the tree but do not mark the frame.
    const uint8_t mark = m_frozen ? 0 : (truncated ? Truncated : Malformed);
    m_flags |= mark;
    if (parent) {
        Item it = append(parent, -1, e.frameOffset, 0, uint64_t(Severity::Error));
        m_tree.setText(it.index, text);
        m_tree.node(it.index).flags |= uint8_t(Expert | mark);
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
    if (r.captured() > 0)
        dispatch(Table::Core, CoreData, r, parent);
}

} // namespace pl
