// Display filter parser and semantic checks: text -> DisplayFilter::Program.
//
// Grammar (Wireshark 4.0's common part; precedence low to high: or, and, not):
//   expr    := and ( ("||" | "or") and )*
//   and     := unary ( ("&&" | "and") unary )*
//   unary   := ("!" | "not") unary | primary
//   primary := "(" expr ")" | test
//   test    := field [ compare value | "in" "{" item ("," item)* "}" ]
//   field   := NAME [ "[" slice ("," slice)* "]" ]
//   compare := == != === !== ~= < > <= >= eq ne all_eq any_eq all_ne any_ne lt gt le ge
//              contains matches ~ &
//   value   := WORD | "string" | 'c' | field
//   item    := value [ ".." value ]
// Set items separated by white space only (Wireshark 3.6 and older) are accepted with a
// warning; Wireshark 4.0 requires commas.

#include "filterprogram.h"
#include "filtervalue.h"

#include "dissect/registry.h"

#include <algorithm>

namespace pl::filter {

namespace {

struct CompileError
{
    std::string text;
    size_t pos;
    size_t len;
};

// Optimal string alignment distance (Levenshtein plus adjacent transpositions): `tcp.prot`
// is one step from `tcp.port`.
size_t editDistance(std::string_view a, std::string_view b, size_t limit)
{
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit)
        return limit + 1;
    std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        size_t rowMin = cur[0];
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            rowMin = std::min(rowMin, cur[j]);
        }
        if (rowMin > limit)
            return limit + 1;
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[b.size()];
}

std::string suggestion(const Registry &reg, std::string_view name)
{
    const size_t limit = std::max<size_t>(2, name.size() / 4);
    size_t best = limit + 1;
    std::string_view bestName;
    for (size_t id = 0; id < reg.fieldCount(); ++id) {
        const std::string_view candidate = reg.field(FieldId(id)).abbrev;
        const size_t d = editDistance(name, candidate, std::min(limit, best));
        if (d < best) {
            best = d;
            bestName = candidate;
        }
    }
    return std::string(bestName);
}

bool looksLikeName(std::string_view w)
{
    if (w.empty() || !((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z') || w[0] == '_'))
        return false;
    return w.find(':') == std::string_view::npos && w.find('/') == std::string_view::npos;
}

bool allowed(Cat cat, Op op)
{
    switch (op) {
    case Op::Exists:
        return true;
    case Op::Contains:
    case Op::Matches:
        return cat == Cat::Bytes || cat == Cat::String || cat == Cat::Ether;
    case Op::BitAnd:
        return cat == Cat::Int;
    default:
        return cat != Cat::None;
    }
}

bool compatible(Cat a, Cat b)
{
    if (a == b)
        return true;
    const auto bytesLike = [](Cat c) { return c == Cat::Bytes || c == Cat::String; };
    return bytesLike(a) && bytesLike(b);
}

// Hostile or pasted text must not exhaust the stack: parsing recurses once per `(` or `!`,
// evaluating once per level of the tree (a chain of `&&` is a chain of nodes). Real filters
// stay far below both limits.
constexpr int kMaxNesting = 256;
constexpr size_t kMaxNodes = 4096;

class Parser
{
public:
    Parser(ProgramData &p, std::string_view text)
        : m_p(p), m_text(text), m_lex(text), m_reg(Registry::instance())
    {
    }

    void run()
    {
        advance();
        m_p.root = parseOr();
        if (m_cur.kind != Tok::End)
            unexpected();
    }

private:
    [[noreturn]] void fail(std::string text, size_t pos, size_t len)
    {
        throw CompileError{std::move(text), pos, len};
    }
    std::string_view raw(const Token &t) const { return m_text.substr(t.pos, t.len); }
    [[noreturn]] void unexpected()
    {
        if (m_cur.kind == Tok::End)
            fail("Unexpected end of filter expression.", m_text.size(), 0);
        fail('"' + std::string(raw(m_cur)) + "\" was unexpected in this context.", m_cur.pos,
             m_cur.len);
    }
    void advance()
    {
        m_cur = m_lex.next();
        if (m_cur.kind == Tok::Error)
            fail(m_cur.text, m_cur.pos, m_cur.len);
    }
    int32_t add(filter::Node n)
    {
        if (m_p.nodes.size() >= kMaxNodes)
            fail("The filter is too long: more than " + std::to_string(kMaxNodes) +
                     " tests and operators.",
                 m_cur.pos, m_cur.len);
        m_p.nodes.push_back(std::move(n));
        return int32_t(m_p.nodes.size() - 1);
    }
    int32_t binary(Node::Kind kind, int32_t a, int32_t b)
    {
        Node n;
        n.kind = kind;
        n.a = a;
        n.b = b;
        return add(std::move(n));
    }

    int32_t parseOr()
    {
        int32_t left = parseAnd();
        while (m_cur.kind == Tok::Or) {
            advance();
            left = binary(Node::Kind::Or, left, parseAnd());
        }
        return left;
    }
    int32_t parseAnd()
    {
        int32_t left = parseUnary();
        while (m_cur.kind == Tok::And) {
            advance();
            left = binary(Node::Kind::And, left, parseUnary());
        }
        return left;
    }
    // Counts the levels of `(` and `!` around the current token.
    class Nesting
    {
    public:
        explicit Nesting(Parser &p) : m_parser(p)
        {
            if (++p.m_nesting > kMaxNesting)
                p.fail("The filter is nested too deeply: more than " + std::to_string(kMaxNesting) +
                           " levels of parentheses and negations.",
                       p.m_cur.pos, p.m_cur.len);
        }
        ~Nesting() { --m_parser.m_nesting; }
        Nesting(const Nesting &) = delete;
        Nesting &operator=(const Nesting &) = delete;

    private:
        Parser &m_parser;
    };

    int32_t parseUnary()
    {
        if (m_cur.kind == Tok::Not) {
            Nesting level(*this);
            advance();
            return binary(Node::Kind::Not, parseUnary(), -1);
        }
        return parsePrimary();
    }
    int32_t parsePrimary()
    {
        if (m_cur.kind == Tok::LParen) {
            Nesting level(*this);
            advance();
            const int32_t e = parseOr();
            if (m_cur.kind != Tok::RParen)
                unexpected();
            advance();
            return e;
        }
        if (m_cur.kind == Tok::Word)
            return parseTest();
        unexpected();
    }

    // A field name at m_cur (a Word), with its slice; advances past both.
    FieldRef parseField()
    {
        const Token name = m_cur;
        FieldRef ref;
        const auto ids = m_reg.fieldsNamed(name.text);
        ref.ids.assign(ids.begin(), ids.end());
        ref.name = name.text;
        ref.type = m_reg.field(ref.ids.front()).type;
        ref.cat = categoryOf(ref.type);
        advance();
        if (m_cur.kind == Tok::LBracket) {
            const size_t bracket = m_cur.pos;
            std::string sliceText;
            size_t slicePos = 0;
            if (!m_lex.sliceText(sliceText, slicePos))
                fail("The right bracket was missing from a slice.", bracket, 1);
            const FieldType t = ref.type;
            if (t != FieldType::Bytes && t != FieldType::Protocol && t != FieldType::Ether &&
                t != FieldType::IPv4 && t != FieldType::IPv6 && t != FieldType::String)
                fail('"' + name.text + "\" is a " + std::string(typeName(t)) +
                         " and cannot be sliced into a sequence of bytes.",
                     name.pos, name.len);
            if (std::string e = parseSlice(sliceText, ref.slice); !e.empty())
                fail(std::move(e), slicePos, sliceText.size());
            ref.cat = Cat::Bytes;
            advance();
        }
        for (FieldId id : ref.ids)
            m_p.interest[size_t(id)] = 1;
        return ref;
    }

    bool isField(const Token &t) const
    {
        return t.kind == Tok::Word && !m_reg.fieldsNamed(t.text).empty();
    }

    int32_t parseTest()
    {
        const Token name = m_cur;
        if (!isField(name)) {
            const Token save = m_cur;
            advance();
            if (!looksLikeName(name.text) && (m_cur.kind == Tok::Compare || m_cur.kind == Tok::In))
                fail("Left side of \"" + std::string(raw(m_cur)) +
                         "\" expression must be a field or function, not " + name.text + ".",
                     save.pos, save.len);
            std::string msg = '"' + name.text + "\" is neither a field nor a protocol name.";
            if (looksLikeName(name.text))
                if (const std::string s = suggestion(m_reg, name.text); !s.empty())
                    msg += " Did you mean \"" + s + "\"?";
            fail(std::move(msg), save.pos, save.len);
        }
        Node n;
        n.lhs = parseField();
        const FieldDef &def = m_reg.field(n.lhs.ids.front());
        if (m_cur.kind == Tok::In) {
            n.op = Op::In;
            if (!allowed(n.lhs.cat, n.op))
                cannotParticipate(n.lhs, name, "in");
            advance();
            parseSet(n, def);
            return add(std::move(n));
        }
        if (m_cur.kind != Tok::Compare) {
            n.op = Op::Exists;
            return add(std::move(n));
        }
        const Token opTok = m_cur;
        n.op = opTok.op;
        if (!allowed(n.lhs.cat, n.op))
            cannotParticipate(n.lhs, name, raw(opTok));
        advance();
        const Token value = m_cur;
        if (value.kind == Tok::End)
            unexpected();
        if (value.kind != Tok::Word && value.kind != Tok::String && value.kind != Tok::Char)
            unexpected();
        if (n.op == Op::Matches) {
            if (value.kind == Tok::Char || isField(value))
                fail("Regular expressions must be given as a string.", value.pos, value.len);
            n.re = QRegularExpression(
                QString::fromUtf8(value.text.data(), qsizetype(value.text.size())),
                QRegularExpression::CaseInsensitiveOption);
            if (!n.re.isValid())
                fail("Regex compilation error: " + n.re.errorString().toStdString() + ".",
                     value.pos, value.len);
            n.re.optimize(); // compiled now, so matches() on several threads only reads it
            advance();
            return add(std::move(n));
        }
        if (isField(value)) {
            n.rhsIsField = true;
            n.rhs = parseField();
            if (!compatible(n.lhs.cat, n.rhs.cat) || n.op == Op::BitAnd)
                fail(n.lhs.name + " and " + n.rhs.name + " are not of compatible types.", value.pos,
                     value.len);
            return add(std::move(n));
        }
        FieldRef as = n.lhs;
        if (n.op == Op::Contains && as.cat == Cat::Ether)
            as.cat = Cat::Bytes; // `eth.src contains 1b:21`: any bytes, not a whole address
        if (std::string e = parseLiteral(as, def, value, raw(value), n.lit); !e.empty())
            fail(std::move(e), value.pos, value.len);
        advance();
        return add(std::move(n));
    }

    [[noreturn]] void cannotParticipate(const FieldRef &ref, const Token &name, std::string_view op)
    {
        fail(ref.name + " (type=" +
                 std::string(ref.slice.empty() ? typeName(ref.type) : typeName(FieldType::Bytes)) +
                 ") cannot participate in " + std::string(op) + " comparison.",
             name.pos, name.len);
    }

    void parseLiteralAt(const FieldRef &ref, const FieldDef &def, Literal &lit)
    {
        const Token value = m_cur;
        if (value.kind != Tok::Word && value.kind != Tok::String && value.kind != Tok::Char)
            unexpected();
        if (std::string e = parseLiteral(ref, def, value, raw(value), lit); !e.empty())
            fail(std::move(e), value.pos, value.len);
        advance();
    }

    void parseSet(Node &n, const FieldDef &def)
    {
        if (m_cur.kind != Tok::LBrace)
            unexpected();
        advance();
        bool warned = false;
        while (true) {
            SetItem item;
            parseLiteralAt(n.lhs, def, item.lo);
            if (m_cur.kind == Tok::DotDot) {
                advance();
                parseLiteralAt(n.lhs, def, item.hi);
                item.range = true;
            }
            n.set.push_back(std::move(item));
            if (m_cur.kind == Tok::RBrace) {
                advance();
                return;
            }
            if (m_cur.kind == Tok::Comma) {
                advance();
                continue;
            }
            if (m_cur.kind == Tok::Word || m_cur.kind == Tok::String || m_cur.kind == Tok::Char) {
                if (!warned) {
                    m_p.warnings.push_back(
                        {"Set elements should be separated by commas: a space alone is "
                         "deprecated, and Wireshark 4.0 refuses it.",
                         m_cur.pos, m_cur.len});
                    warned = true;
                }
                continue;
            }
            unexpected();
        }
    }

    ProgramData &m_p;
    std::string_view m_text;
    Lexer m_lex;
    const Registry &m_reg;
    Token m_cur;
    int m_nesting = 0; ///< levels of `(` and `!` open (Nesting)
};

} // namespace

void compile(ProgramData &p, std::string_view text)
{
    p.interest.assign(Registry::instance().fieldCount(), 0);
    try {
        Parser(p, text).run();
        p.ok = true;
    } catch (const CompileError &e) {
        p.ok = false;
        p.error = FilterMessage{e.text, e.pos, e.len};
        p.nodes.clear();
        p.root = -1;
        p.warnings.clear();
        p.interest.assign(p.interest.size(), 0);
    }
}

} // namespace pl::filter
