#include "filterlexer.h"

namespace pl::filter {

namespace {

struct Keyword
{
    std::string_view word;
    Tok kind;
    Op op;
};

// Wireshark's word operators (lower case only, as in its grammar).
constexpr Keyword kKeywords[] = {
    {"and", Tok::And, Op::Eq},
    {"or", Tok::Or, Op::Eq},
    {"not", Tok::Not, Op::Eq},
    {"in", Tok::In, Op::In},
    {"eq", Tok::Compare, Op::Eq},
    {"any_eq", Tok::Compare, Op::Eq},
    {"all_eq", Tok::Compare, Op::AllEq},
    {"ne", Tok::Compare, Op::Ne},
    {"all_ne", Tok::Compare, Op::Ne},
    {"any_ne", Tok::Compare, Op::AnyNe},
    {"lt", Tok::Compare, Op::Lt},
    {"le", Tok::Compare, Op::Le},
    {"gt", Tok::Compare, Op::Gt},
    {"ge", Tok::Compare, Op::Ge},
    {"contains", Tok::Compare, Op::Contains},
    {"matches", Tok::Compare, Op::Matches},
};

} // namespace

Token Lexer::next()
{
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                     m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
        ++m_pos;
    Token t;
    t.pos = m_pos;
    if (m_pos >= m_text.size())
        return t; // End, length 0
    const char c = m_text[m_pos];
    const char c1 = m_pos + 1 < m_text.size() ? m_text[m_pos + 1] : '\0';
    const char c2 = m_pos + 2 < m_text.size() ? m_text[m_pos + 2] : '\0';
    auto sym = [&](Tok kind, size_t len, Op op = Op::Eq) {
        t.kind = kind;
        t.op = op;
        t.len = len;
        m_pos += len;
        return t;
    };
    switch (c) {
    case '(':
        return sym(Tok::LParen, 1);
    case ')':
        return sym(Tok::RParen, 1);
    case '{':
        return sym(Tok::LBrace, 1);
    case '}':
        return sym(Tok::RBrace, 1);
    case '[':
        return sym(Tok::LBracket, 1);
    case ',':
        return sym(Tok::Comma, 1);
    case '"':
    case '\'':
        return quoted(c);
    case '=':
        if (c1 == '=')
            return c2 == '=' ? sym(Tok::Compare, 3, Op::AllEq) : sym(Tok::Compare, 2, Op::Eq);
        break;
    case '!':
        if (c1 == '=')
            return c2 == '=' ? sym(Tok::Compare, 3, Op::Ne) : sym(Tok::Compare, 2, Op::Ne);
        return sym(Tok::Not, 1);
    case '~':
        return c1 == '=' ? sym(Tok::Compare, 2, Op::AnyNe) : sym(Tok::Compare, 1, Op::Matches);
    case '<':
        return c1 == '=' ? sym(Tok::Compare, 2, Op::Le) : sym(Tok::Compare, 1, Op::Lt);
    case '>':
        return c1 == '=' ? sym(Tok::Compare, 2, Op::Ge) : sym(Tok::Compare, 1, Op::Gt);
    case '&':
        return c1 == '&' ? sym(Tok::And, 2) : sym(Tok::Compare, 1, Op::BitAnd);
    case '|':
        if (c1 == '|')
            return sym(Tok::Or, 2);
        break;
    case '.':
        if (c1 == '.')
            return sym(Tok::DotDot, 2);
        break;
    default:
        break;
    }
    if (isWordChar(c)) {
        size_t end = m_pos;
        // A word ends before "..": `8000..8999` is a range of two words.
        while (end < m_text.size() && isWordChar(m_text[end]) &&
               !(m_text[end] == '.' && end + 1 < m_text.size() && m_text[end + 1] == '.'))
            ++end;
        t.kind = Tok::Word;
        t.len = end - m_pos;
        t.text = std::string(m_text.substr(m_pos, t.len));
        m_pos = end;
        for (const Keyword &k : kKeywords) {
            if (k.word == t.text) {
                t.kind = k.kind;
                t.op = k.op;
                break;
            }
        }
        return t;
    }
    // Anything else (a lone '=', '|', '^', ...) is reported where it stands, the way
    // Wireshark reports an unexpected token.
    size_t len = 1;
    if ((unsigned char)c >= 0x80) // the whole UTF-8 sequence, not half a character
        while (m_pos + len < m_text.size() && ((unsigned char)m_text[m_pos + len] & 0xc0) == 0x80)
            ++len;
    t.kind = Tok::Error;
    t.len = len;
    t.text = '"' + std::string(m_text.substr(m_pos, len)) + "\" was unexpected in this context.";
    m_pos += len;
    return t;
}

Token Lexer::quoted(char quote)
{
    Token t;
    t.pos = m_pos;
    t.kind = quote == '"' ? Tok::String : Tok::Char;
    size_t i = m_pos + 1;
    while (true) {
        if (i >= m_text.size()) {
            t.kind = Tok::Error;
            t.len = 1;
            t.text = quote == '"' ? "The final quote was missing from a quoted string."
                                  : "The final quote was missing from a character constant.";
            m_pos = m_text.size();
            return t;
        }
        const char c = m_text[i];
        if (c == quote) {
            ++i;
            break;
        }
        if (c != '\\') {
            t.text += c;
            ++i;
            continue;
        }
        // Escapes: the C ones, \xhh and \ooo, as Wireshark's scanner takes them.
        const size_t at = i;
        const char e = i + 1 < m_text.size() ? m_text[i + 1] : '\0';
        i += 2;
        switch (e) {
        case 'n':
            t.text += '\n';
            break;
        case 't':
            t.text += '\t';
            break;
        case 'r':
            t.text += '\r';
            break;
        case 'a':
            t.text += '\a';
            break;
        case 'b':
            t.text += '\b';
            break;
        case 'f':
            t.text += '\f';
            break;
        case 'v':
            t.text += '\v';
            break;
        case '\\':
        case '"':
        case '\'':
            t.text += e;
            break;
        case 'x': {
            int v = 0, n = 0;
            while (n < 2 && i < m_text.size() && hexDigit(m_text[i]) >= 0)
                v = v * 16 + hexDigit(m_text[i++]), ++n;
            if (n == 0) {
                t.kind = Tok::Error;
                t.pos = at;
                t.len = 2;
                t.text = "\\x is not a valid character escape sequence";
                m_pos = m_text.size();
                return t;
            }
            t.text += char(v);
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                int v = e - '0', n = 1;
                while (n < 3 && i < m_text.size() && m_text[i] >= '0' && m_text[i] <= '7')
                    v = v * 8 + (m_text[i++] - '0'), ++n;
                if (v > 255) {
                    t.kind = Tok::Error;
                    t.pos = at;
                    t.len = i - at;
                    t.text = std::string(m_text.substr(at, i - at)) +
                             " is not a valid character escape sequence";
                    m_pos = m_text.size();
                    return t;
                }
                t.text += char(v);
                break;
            }
            t.kind = Tok::Error;
            t.pos = at;
            t.len = e ? 2 : 1;
            t.text =
                std::string(m_text.substr(at, t.len)) + " is not a valid character escape sequence";
            m_pos = m_text.size();
            return t;
        }
    }
    t.len = i - m_pos;
    m_pos = i;
    if (t.kind == Tok::Char && t.text.size() != 1) {
        t.kind = Tok::Error;
        t.text = std::string(m_text.substr(t.pos, t.len)) + " is not a valid character constant.";
    }
    return t;
}

bool Lexer::sliceText(std::string &out, size_t &pos)
{
    pos = m_pos;
    const size_t close = m_text.find(']', m_pos);
    if (close == std::string_view::npos) {
        m_pos = m_text.size();
        return false;
    }
    out = std::string(m_text.substr(m_pos, close - m_pos));
    m_pos = close + 1;
    return true;
}

} // namespace pl::filter
