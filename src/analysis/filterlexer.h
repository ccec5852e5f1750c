#pragma once

// Display filter tokens (internal to the display filter engine).

#include <cstdint>
#include <string>
#include <string_view>

namespace pl::filter {

/// The value of a hex digit, -1 for any other character.
constexpr int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum class Tok : uint8_t {
    End,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket, ///< a slice follows: the parser reads its raw text up to ']'
    Comma,
    DotDot,
    And, ///< && and
    Or,  ///< || or
    Not, ///< ! not
    In,
    Compare, ///< see Token::op
    Word,    ///< unquoted: field name, number, address, byte string, value name
    String,  ///< "..." (Token::text holds the unescaped bytes)
    Char,    ///< 'c' (Token::text holds the byte)
    Error,   ///< Token::text holds the message
};

/// Comparison operators. `Ne` is Wireshark's `!=`, which since 3.6 means "all not equal".
enum class Op : uint8_t {
    Exists,
    Eq,    ///< == eq any_eq
    AllEq, ///< === all_eq
    Ne,    ///< != ne !== all_ne
    AnyNe, ///< ~= any_ne
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Matches, ///< matches ~
    BitAnd,  ///< & (a test: field & mask is not zero)
    In,
};

struct Token
{
    Tok kind = Tok::End;
    Op op = Op::Eq;
    size_t pos = 0; ///< byte offset in the filter text
    size_t len = 0;
    std::string text; ///< Word: the word; String/Char: unescaped content; Error: the message
};

/// Splits a filter text into tokens on demand.
class Lexer
{
public:
    explicit Lexer(std::string_view text) : m_text(text) {}
    Token next();
    /// After a LBracket: the raw text up to the matching ']' (consumed); false when missing.
    bool sliceText(std::string &out, size_t &pos);

private:
    Token quoted(char quote);
    std::string_view m_text;
    size_t m_pos = 0;
};

/// Whether `c` may appear in an unquoted word (field names, numbers, addresses, bytes).
constexpr bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '/' || c == '-';
}

} // namespace pl::filter
