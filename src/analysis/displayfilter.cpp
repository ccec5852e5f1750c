// DisplayFilter: the public face of the display filter engine, and the evaluator.
//
// Evaluation reads the dissection's field nodes in one linear pass per test (summary mode
// with interest() gives a short flat list; tree mode the whole tree, in index order), pulls
// each occurrence's value out in binary form and compares it with a pre-parsed literal. The
// common tests (integers, addresses, CIDR, ports, presence, sets) allocate nothing.

#include "displayfilter.h"

#include "filterprogram.h"

#include <cstring>

namespace pl {

struct DisplayFilter::Program : filter::ProgramData
{
};

namespace filter {

namespace {

/// One occurrence's value in its category's form.
struct Val
{
    Int128 i = 0;
    uint32_t v4 = 0;
    const uint8_t *p = nullptr; ///< Ether/IPv6/Bytes/String bytes
    size_t n = 0;
    int64_t sec = 0;
    uint32_t nsec = 0;
};

// Slices that gather several ranges are built here: one buffer per side and thread, so
// matches() stays const and thread-safe.
thread_local std::vector<uint8_t> t_sliceBuf[2];

bool applySlice(const std::vector<SliceRange> &slice, Val &v, int side)
{
    auto one = [&](const SliceRange &r, const uint8_t *&p, size_t &n) {
        int64_t start = r.start;
        if (start < 0)
            start += int64_t(v.n);
        if (start < 0 || start >= int64_t(v.n))
            return false;
        const int64_t len = r.toEnd ? int64_t(v.n) - start : r.length;
        if (len <= 0 || start + len > int64_t(v.n))
            return false;
        p = v.p + start;
        n = size_t(len);
        return true;
    };
    if (slice.size() == 1)
        return one(slice[0], v.p, v.n);
    std::vector<uint8_t> &buf = t_sliceBuf[side];
    buf.clear();
    for (const SliceRange &r : slice) {
        const uint8_t *p;
        size_t n;
        if (!one(r, p, n))
            return false;
        buf.insert(buf.end(), p, p + n);
    }
    v.p = buf.data();
    v.n = buf.size();
    return true;
}

// The value of `node` as `ref` reads it; false when it has none (an address of the wrong
// size, bytes outside the frame, a slice beyond the value).
bool extract(const FieldRef &ref, const FieldNode &node, const Dissection &d, Val &v, int side)
{
    // The node's bytes: in the frame, or in a reassembled source.
    const std::span<const uint8_t> bytes = d.sourceBytes(node.source);
    auto frameBytes = [&](size_t len) {
        if (node.offset > bytes.size() || len > bytes.size() - node.offset)
            return false;
        v.p = bytes.data() + node.offset;
        v.n = len;
        return true;
    };
    switch (ref.type) {
    case FieldType::None:
        return true;
    case FieldType::Protocol: {
        const size_t have = node.offset <= bytes.size() ? bytes.size() - node.offset : 0;
        if (!frameBytes(node.value < have ? size_t(node.value) : have))
            return false;
        break;
    }
    case FieldType::Bytes:
        if (!frameBytes(node.length))
            return false;
        break;
    case FieldType::Ether:
        if (node.length != 6 || !frameBytes(6))
            return false;
        break;
    case FieldType::IPv4:
        if (node.length != 4 || !frameBytes(4))
            return false;
        v.v4 = uint32_t(v.p[0]) << 24 | uint32_t(v.p[1]) << 16 | uint32_t(v.p[2]) << 8 | v.p[3];
        break;
    case FieldType::IPv6:
        if (node.length != 16 || !frameBytes(16))
            return false;
        break;
    case FieldType::String: {
        static const std::string kEmpty;
        const std::string *t = d.fieldTree().text(node.text);
        if (!t)
            t = &kEmpty;
        v.p = reinterpret_cast<const uint8_t *>(t->data());
        v.n = t->size();
        break;
    }
    case FieldType::AbsTime:
    case FieldType::RelTime:
        v.sec = int64_t(node.value);
        v.nsec = node.aux;
        return true;
    case FieldType::Int32:
        v.i = int32_t(uint32_t(node.value));
        return true;
    case FieldType::Boolean:
        v.i = node.value != 0;
        return true;
    default:
        v.i = node.value;
        return true;
    }
    return ref.slice.empty() || applySlice(ref.slice, v, side);
}

Val literalVal(Cat cat, const Literal &l)
{
    Val v;
    v.i = l.i;
    v.v4 = l.v4;
    v.sec = l.sec;
    v.nsec = l.nsec;
    if (cat == Cat::IPv6) {
        v.p = l.v6.data();
        v.n = 16;
    } else {
        v.p = reinterpret_cast<const uint8_t *>(l.bytes.data());
        v.n = l.bytes.size();
    }
    return v;
}

int sign(int c)
{
    return (c > 0) - (c < 0);
}

// Three-way comparison in the category's order. IPv4/IPv6 compare under the literal's
// netmask/prefix (CIDR); bytes order by length first, then content, as Wireshark does.
int compare(Cat cat, const Val &a, const Val &b, uint32_t mask4, int prefix6)
{
    switch (cat) {
    case Cat::Int:
        return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case Cat::IPv4: {
        const uint32_t x = a.v4 & mask4, y = b.v4 & mask4;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    case Cat::IPv6: {
        const int whole = prefix6 / 8;
        if (const int c = std::memcmp(a.p, b.p, size_t(whole)))
            return sign(c);
        if (whole < 16 && prefix6 % 8) {
            const uint8_t m = uint8_t(0xff << (8 - prefix6 % 8));
            const uint8_t x = a.p[whole] & m, y = b.p[whole] & m;
            return x < y ? -1 : x > y ? 1 : 0;
        }
        return 0;
    }
    case Cat::Ether:
    case Cat::Bytes:
        if (a.n != b.n)
            return a.n < b.n ? -1 : 1;
        return a.n ? sign(std::memcmp(a.p, b.p, a.n)) : 0;
    case Cat::String: {
        const size_t n = a.n < b.n ? a.n : b.n;
        if (const int c = n ? std::memcmp(a.p, b.p, n) : 0)
            return sign(c);
        return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
    }
    case Cat::Time:
        if (a.sec != b.sec)
            return a.sec < b.sec ? -1 : 1;
        return a.nsec < b.nsec ? -1 : a.nsec > b.nsec ? 1 : 0;
    case Cat::None:
        return 0;
    }
    return 0;
}

bool contains(const Val &hay, const Val &needle)
{
    if (needle.n == 0)
        return true;
    if (needle.n > hay.n)
        return false;
    const uint8_t first = needle.p[0];
    const uint8_t *p = hay.p;
    const uint8_t *const last = hay.p + (hay.n - needle.n);
    while (p <= last) {
        p = static_cast<const uint8_t *>(std::memchr(p, first, size_t(last - p) + 1));
        if (!p)
            return false;
        if (std::memcmp(p, needle.p, needle.n) == 0)
            return true;
        ++p;
    }
    return false;
}

bool relation(Op op, int c)
{
    switch (op) {
    case Op::Eq:
    case Op::AllEq:
        return c == 0;
    case Op::Ne:
    case Op::AnyNe:
        return c != 0;
    case Op::Lt:
        return c < 0;
    case Op::Le:
        return c <= 0;
    case Op::Gt:
        return c > 0;
    case Op::Ge:
        return c >= 0;
    default:
        return false;
    }
}

// The test of one occurrence `a` against the node's literal, set or regex.
bool testLiteral(const Node &n, Cat cat, const Val &a)
{
    switch (n.op) {
    case Op::Exists:
        return true;
    case Op::Contains:
        return contains(a, literalVal(Cat::Bytes, n.lit));
    case Op::Matches: {
        const QString s =
            n.lhs.type == FieldType::String && n.lhs.slice.empty()
                ? QString::fromUtf8(reinterpret_cast<const char *>(a.p), qsizetype(a.n))
                : QString::fromLatin1(reinterpret_cast<const char *>(a.p), qsizetype(a.n));
        return n.re.match(s).hasMatch();
    }
    case Op::BitAnd:
        return (a.i & n.lit.i) != 0;
    case Op::In:
        for (const SetItem &item : n.set) {
            const Val lo = literalVal(cat, item.lo);
            if (!item.range) {
                if (compare(cat, a, lo, item.lo.mask4, item.lo.prefix6) == 0)
                    return true;
            } else if (compare(cat, a, lo, item.lo.mask4, item.lo.prefix6) >= 0 &&
                       compare(cat, a, literalVal(cat, item.hi), item.hi.mask4, item.hi.prefix6) <=
                           0) {
                return true;
            }
        }
        return false;
    default:
        return relation(n.op, compare(cat, a, literalVal(cat, n.lit), n.lit.mask4, n.lit.prefix6));
    }
}

bool testPair(const Node &n, Cat cat, const Val &a, const Val &b)
{
    if (n.op == Op::Contains)
        return contains(a, b);
    return relation(n.op, compare(cat, a, b, ~0u, 128));
}

// `!=` and `===` need every occurrence to pass (and at least one); the rest any one.
bool allMode(Op op)
{
    return op == Op::Ne || op == Op::AllEq;
}

bool evalTest(const Node &n, const Dissection &d)
{
    const FieldTree &tree = d.fieldTree();
    const size_t size = tree.size();
    const Cat cat = n.lhs.cat;
    const bool all = allMode(n.op);
    bool seen = false;
    for (size_t i = 1; i < size; ++i) {
        const FieldNode &node = tree.node(int32_t(i));
        if (!n.lhs.has(node.field))
            continue;
        Val a;
        if (!extract(n.lhs, node, d, a, 0))
            continue;
        bool r;
        if (!n.rhsIsField) {
            r = testLiteral(n, cat, a);
        } else {
            // Two fields: any pair of occurrences (every pair for != and ===).
            bool pairSeen = false;
            r = all;
            for (size_t j = 1; j < size; ++j) {
                const FieldNode &other = tree.node(int32_t(j));
                if (!n.rhs.has(other.field))
                    continue;
                Val b;
                if (!extract(n.rhs, other, d, b, 1))
                    continue;
                pairSeen = true;
                const bool t = testPair(n, cat, a, b);
                if (all && !t) {
                    r = false;
                    break;
                }
                if (!all && t) {
                    r = true;
                    break;
                }
            }
            if (!pairSeen)
                continue;
        }
        if (all) {
            if (!r)
                return false;
            seen = true;
        } else if (r) {
            return true;
        }
    }
    return all && seen;
}

} // namespace

bool evaluate(const ProgramData &p, int32_t idx, const Dissection &d)
{
    const Node &n = p.nodes[size_t(idx)];
    switch (n.kind) {
    case Node::Kind::And:
        return evaluate(p, n.a, d) && evaluate(p, n.b, d);
    case Node::Kind::Or:
        return evaluate(p, n.a, d) || evaluate(p, n.b, d);
    case Node::Kind::Not:
        return !evaluate(p, n.a, d);
    case Node::Kind::Test:
        return evalTest(n, d);
    }
    return false;
}

} // namespace filter

DisplayFilter::DisplayFilter()
{
    // Every empty filter shares one program: default construction allocates nothing.
    static const std::shared_ptr<const Program> empty = std::make_shared<const Program>();
    m_program = empty;
}
DisplayFilter::~DisplayFilter() = default;
DisplayFilter::DisplayFilter(const DisplayFilter &) = default;
DisplayFilter &DisplayFilter::operator=(const DisplayFilter &) = default;

DisplayFilter DisplayFilter::compile(std::string_view text)
{
    auto p = std::make_shared<Program>();
    p->text = std::string(text);
    p->empty = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!p->empty)
        filter::compile(*p, text);
    p->needsChecksums = pl::needsChecksums(p->interest);
    const Registry &reg = Registry::instance();
    p->headersOnly = !p->empty;
    for (size_t id = 0; id < p->interest.size(); ++id) {
        if (!p->interest[id])
            continue;
        p->crossFrame = p->crossFrame || reg.isCrossFrame(FieldId(id));
        p->crossConversation = p->crossConversation || reg.isCrossConversation(FieldId(id));
        p->headersOnly = p->headersOnly && isHeaderField(reg.field(FieldId(id)).abbrev);
    }
    DisplayFilter f;
    f.m_program = std::move(p);
    return f;
}

bool DisplayFilter::ok() const
{
    return m_program->ok;
}
bool DisplayFilter::isEmpty() const
{
    return m_program->empty;
}
const std::string &DisplayFilter::text() const
{
    return m_program->text;
}
const FilterMessage &DisplayFilter::error() const
{
    return m_program->error;
}
const std::vector<FilterMessage> &DisplayFilter::warnings() const
{
    return m_program->warnings;
}
const FieldInterest &DisplayFilter::interest() const
{
    return m_program->interest;
}

bool DisplayFilter::matches(const Dissection &d) const
{
    const Program &p = *m_program;
    if (p.empty)
        return true;
    if (!p.ok || p.root < 0)
        return false;
    return filter::evaluate(p, p.root, d);
}

bool DisplayFilter::readsCrossFrameFields() const
{
    return m_program->crossFrame;
}

bool DisplayFilter::readsCrossConversationFields() const
{
    return m_program->crossConversation;
}

bool DisplayFilter::readsOnlyHeaders() const
{
    return m_program->headersOnly;
}

bool DisplayFilter::isHeaderField(std::string_view abbrev)
{
    // The protocols of the link, network and transport headers (the files that register
    // these names: frame, ethernet, vlan, arp, ipv4/ipv6, icmp/icmpv6, udp, tcp, sll, null,
    // rawip) ...
    static constexpr std::string_view kProtocols[] = {"frame", "eth",  "vlan",   "arp", "ip",
                                                      "ipv6",  "icmp", "icmpv6", "udp", "tcp",
                                                      "sll",   "null", "raw"};
    // ... less what depends on the payloads TCP hands on: the protocols a frame holds, and
    // TCP reassembly's fields.
    static constexpr std::string_view kPayloadDependent[] = {
        "frame.protocols",        "tcp.segment",         "tcp.segments",
        "tcp.segment_data",       "tcp.segment.count",   "tcp.reassembled_in",
        "tcp.reassembled.length", "tcp.reassembled.data"};
    for (std::string_view f : kPayloadDependent)
        if (abbrev == f)
            return false;
    const std::string_view protocol = abbrev.substr(0, abbrev.find('.'));
    for (std::string_view p : kProtocols)
        if (protocol == p)
            return true;
    return false;
}

bool DisplayFilter::needsChecksums() const
{
    return m_program->needsChecksums;
}

bool needsChecksums(const FieldInterest &interest)
{
    const Registry &reg = Registry::instance();
    for (size_t f = 0; f < interest.size(); ++f) {
        if (!interest[f])
            continue;
        const std::string_view name = reg.field(FieldId(f)).abbrev;
        if (name.find("checksum") != std::string_view::npos || name.starts_with("_ws.expert"))
            return true;
    }
    return false;
}

void mergeInterest(FieldInterest &into, const FieldInterest &interest)
{
    if (into.size() < interest.size())
        into.resize(interest.size(), 0);
    for (size_t i = 0; i < interest.size(); ++i)
        if (interest[i])
            into[i] = 1;
}

} // namespace pl
