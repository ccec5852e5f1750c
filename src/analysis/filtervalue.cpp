#include "filtervalue.h"

#include "filterlexer.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <ctime>

namespace pl::filter {

namespace {

__extension__ typedef unsigned __int128 UInt128;

std::string quote(std::string_view s)
{
    std::string out = "\"";
    out += s;
    out += '"';
    return out;
}

enum class Num { Ok, Invalid, Overflow };

// Wireshark's integer forms: decimal, 0x hex, 0b binary, leading-0 octal, optional sign.
Num parseInteger(std::string_view s, Int128 &out)
{
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty())
        return Num::Invalid;
    int base = 10;
    if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    } else if (s.size() > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s.remove_prefix(2);
    } else if (s.size() > 1 && s[0] == '0') {
        base = 8;
        s.remove_prefix(1);
    }
    if (s.empty())
        return Num::Invalid;
    UInt128 v = 0;
    bool overflow = false;
    for (char c : s) {
        const int d = hexDigit(c);
        if (d < 0 || d >= base)
            return Num::Invalid;
        v = v * unsigned(base) + unsigned(d);
        if (v > (UInt128)UINT64_MAX)
            overflow = true;
    }
    if (overflow)
        return Num::Overflow;
    out = neg ? -Int128(v) : Int128(v);
    return Num::Ok;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

// Hex bytes: `00:1b:21`, `00-1b-21`, `0011.2233.4466`, `001b21`, or one or two digits.
bool parseBytes(std::string_view s, std::string &out)
{
    out.clear();
    if (s.empty())
        return false;
    if (s.size() <= 2) {
        int v = 0;
        for (char c : s) {
            if (hexDigit(c) < 0)
                return false;
            v = v * 16 + hexDigit(c);
        }
        out += char(v);
        return true;
    }
    char sep = 0;
    size_t group = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == ':' || c == '-' || c == '.') {
            if ((sep && c != sep) || group == 0 || group % 2)
                return false;
            sep = c;
            group = 0;
            continue;
        }
        if (hexDigit(c) < 0)
            return false;
        if (++group % 2 == 0)
            out += char(hexDigit(s[i - 1]) * 16 + hexDigit(c));
    }
    return group > 0 && group % 2 == 0;
}

bool parseIPv4(std::string_view s, uint32_t &v)
{
    v = 0;
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9')
            return false;
        unsigned n = 0;
        size_t digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4)
            n = n * 10 + unsigned(s[i++] - '0'), ++digits;
        if (n > 255)
            return false;
        v = v << 8 | n;
        if (++parts < 4) {
            if (i >= s.size() || s[i] != '.')
                return false;
            ++i;
        }
    }
    return i == s.size();
}

// `[-]seconds[.fraction]` into floor form: seconds, and nanoseconds in [0, 1e9).
bool parseSeconds(std::string_view s, int64_t &sec, uint32_t &nsec)
{
    bool neg = false;
    if (!s.empty() && s[0] == '-') {
        neg = true;
        s.remove_prefix(1);
    }
    const size_t dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    const std::string_view frac =
        dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if ((whole.empty() && frac.empty()) || whole.size() > 12 || frac.size() > 9 ||
        (dot != std::string_view::npos && frac.empty() && whole.empty()))
        return false;
    int64_t w = 0;
    for (char c : whole) {
        if (c < '0' || c > '9')
            return false;
        w = w * 10 + (c - '0');
    }
    int64_t n = 0;
    for (size_t k = 0; k < 9; ++k) {
        const char c = k < frac.size() ? frac[k] : '0';
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + (c - '0');
    }
    if (neg && (w || n)) {
        w = -w;
        if (n) {
            w -= 1;
            n = 1000000000 - n;
        }
    }
    sec = w;
    nsec = uint32_t(n);
    return true;
}

// "2011-07-04 12:34:56[.123]" (or with 'T') and "Nov 12, 1999 08:55:44[.123]", local time
// unless followed by "Z" or " UTC", as Wireshark reads them.
bool parseAbsTime(std::string_view s, int64_t &sec, uint32_t &nsec)
{
    const std::string text(s);
    struct tm tm
    {
    };
    int consumed = 0;
    char sep = 0;
    static constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char mon[4] = {};
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) == 7 &&
        (sep == ' ' || sep == 'T')) {
        tm.tm_mon -= 1;
    } else if (std::sscanf(text.c_str(), "%3s %2d, %d %2d:%2d:%2d%n", mon, &tm.tm_mday, &tm.tm_year,
                           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) == 6) {
        tm.tm_mon = -1;
        for (int m = 0; m < 12; ++m)
            if (equalsNoCase(mon, kMonths[m]))
                tm.tm_mon = m;
        if (tm.tm_mon < 0)
            return false;
    } else {
        return false;
    }
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    tm.tm_year -= 1900;
    std::string_view rest = std::string_view(text).substr(size_t(consumed));
    nsec = 0;
    if (!rest.empty() && rest[0] == '.') {
        size_t k = 1;
        uint32_t scale = 100000000;
        while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') {
            nsec += uint32_t(rest[k] - '0') * scale;
            scale /= 10;
            ++k;
        }
        if (k == 1)
            return false;
        rest.remove_prefix(k);
    }
    bool utc = false;
    if (rest == "Z" || rest == " UTC" || rest == " GMT") {
        utc = true;
    } else if (!rest.empty()) {
        return false;
    }
    tm.tm_isdst = -1;
    const time_t t = utc ? timegm(&tm) : mktime(&tm);
    sec = int64_t(t);
    return true;
}

uint64_t maxOf(FieldType t)
{
    switch (t) {
    case FieldType::Boolean:
        return 1;
    case FieldType::UInt8:
        return 0xff;
    case FieldType::UInt16:
        return 0xffff;
    case FieldType::UInt24:
        return 0xffffff;
    case FieldType::UInt32:
    case FieldType::FrameNum:
        return 0xffffffff;
    case FieldType::Int32:
        return 0x7fffffff;
    default:
        return UINT64_MAX;
    }
}

std::string notFromString(FieldType t, std::string_view raw)
{
    std::string m(typeName(t));
    m += " cannot be converted from a string (";
    m += raw;
    m += ").";
    return m;
}

std::string parseInt(const FieldRef &ref, const FieldDef &def, const Token &tok,
                     std::string_view raw, Literal &lit)
{
    if (tok.kind == Tok::Char) {
        lit.i = (unsigned char)tok.text[0];
    } else {
        const bool isBool = ref.type == FieldType::Boolean;
        if (tok.kind == Tok::Word && isBool) {
            const std::string &w = tok.text;
            if (w == "True" || w == "TRUE") {
                lit.i = 1;
                return {};
            }
            if (w == "False" || w == "FALSE") {
                lit.i = 0;
                return {};
            }
        }
        Int128 v = 0;
        const Num n = tok.kind == Tok::Word ? parseInteger(tok.text, v) : Num::Invalid;
        if (n == Num::Invalid) {
            for (const ValueName &vn : def.names) {
                if (equalsNoCase(vn.name, tok.text)) {
                    lit.i = vn.value;
                    return {};
                }
            }
            if (!def.names.empty() || isBool)
                return quote(tok.text) + " cannot be found among the possible values for " +
                       ref.name + ".";
            if (tok.kind == Tok::String)
                return notFromString(ref.type, raw);
            return quote(tok.text) + " is not a valid number.";
        }
        if (isBool) { // any number: zero is false, the rest true (as tshark takes `== 2`)
            lit.i = v != 0;
            return {};
        }
        const Int128 maxV = maxOf(ref.type);
        const Int128 minV = ref.type == FieldType::Int32 ? -Int128(0x80000000) : 0;
        if (n == Num::Overflow || v > maxV)
            return quote(tok.text) + " too big for this field, maximum " +
                   std::to_string(uint64_t(maxV)) + ".";
        if (v < minV)
            return quote(tok.text) + " too small for this field, minimum " +
                   std::to_string(int64_t(minV)) + ".";
        lit.i = v;
    }
    return {};
}

} // namespace

std::string_view typeName(FieldType t)
{
    switch (t) {
    case FieldType::None:
        return "Label";
    case FieldType::Protocol:
        return "Protocol";
    case FieldType::Boolean:
        return "Boolean";
    case FieldType::UInt8:
        return "Unsigned integer (1 byte)";
    case FieldType::UInt16:
        return "Unsigned integer (2 bytes)";
    case FieldType::UInt24:
        return "Unsigned integer (3 bytes)";
    case FieldType::UInt32:
        return "Unsigned integer (4 bytes)";
    case FieldType::UInt64:
        return "Unsigned integer (8 bytes)";
    case FieldType::Int32:
        return "Signed integer (4 bytes)";
    case FieldType::Ether:
        return "Ethernet or other MAC address";
    case FieldType::IPv4:
        return "IPv4 address";
    case FieldType::IPv6:
        return "IPv6 address";
    case FieldType::Bytes:
        return "Byte sequence";
    case FieldType::String:
        return "Character string";
    case FieldType::AbsTime:
        return "Date and time";
    case FieldType::RelTime:
        return "Time offset";
    case FieldType::FrameNum:
        return "Frame number";
    }
    return "Unknown";
}

Cat categoryOf(FieldType t)
{
    switch (t) {
    case FieldType::None:
        return Cat::None;
    case FieldType::Protocol:
    case FieldType::Bytes:
        return Cat::Bytes;
    case FieldType::Ether:
        return Cat::Ether;
    case FieldType::IPv4:
        return Cat::IPv4;
    case FieldType::IPv6:
        return Cat::IPv6;
    case FieldType::String:
        return Cat::String;
    case FieldType::AbsTime:
    case FieldType::RelTime:
        return Cat::Time;
    default:
        return Cat::Int;
    }
}

std::string parseLiteral(const FieldRef &ref, const FieldDef &def, const Token &tok,
                         std::string_view raw, Literal &lit)
{
    const std::string &s = tok.text;
    switch (ref.cat) {
    case Cat::None:
        return {};
    case Cat::Int:
        return parseInt(ref, def, tok, raw, lit);
    case Cat::Ether:
        if (tok.kind != Tok::Word)
            return notFromString(ref.type, raw);
        if (!parseBytes(s, lit.bytes))
            return quote(s) + " is not a valid Ethernet address.";
        if (lit.bytes.size() < 6)
            return quote(s) + " contains too few bytes to be a valid Ethernet address.";
        if (lit.bytes.size() > 6)
            return quote(s) + " contains too many bytes to be a valid Ethernet address.";
        return {};
    case Cat::IPv4: {
        if (tok.kind != Tok::Word)
            return notFromString(ref.type, raw);
        const size_t slash = s.find('/');
        if (!parseIPv4(std::string_view(s).substr(0, slash), lit.v4))
            return quote(s) + " is not a valid IPv4 address.";
        if (slash != std::string::npos) {
            Int128 bits = 0;
            const std::string_view b = std::string_view(s).substr(slash + 1);
            if (b.empty() || b[0] < '0' || b[0] > '9' || parseInteger(b, bits) != Num::Ok)
                return quote(s) + " is not a valid IPv4 address.";
            if (bits > 32)
                return "Netmask bits in a CIDR IPv4 address should be <= 32, not " + std::string(b);
            lit.mask4 = bits == 0 ? 0 : ~0u << (32 - int(bits));
        }
        return {};
    }
    case Cat::IPv6: {
        if (tok.kind != Tok::Word)
            return notFromString(ref.type, raw);
        const size_t slash = s.find('/');
        const std::string addr = s.substr(0, slash);
        if (inet_pton(AF_INET6, addr.c_str(), lit.v6.data()) != 1)
            return quote(s) + " is not a valid IPv6 address.";
        if (slash != std::string::npos) {
            Int128 bits = 0;
            const std::string_view b = std::string_view(s).substr(slash + 1);
            if (b.empty() || b[0] < '0' || b[0] > '9' || parseInteger(b, bits) != Num::Ok)
                return quote(s) + " is not a valid IPv6 address.";
            if (bits > 128)
                return "Prefix in a IPv6 address should be <= 128, not " + std::string(b);
            lit.prefix6 = int(bits);
        }
        return {};
    }
    case Cat::Bytes:
        if (tok.kind != Tok::Word) {
            lit.bytes = s;
            return {};
        }
        if (!parseBytes(s, lit.bytes))
            return quote(s) + " is not a valid byte string.";
        return {};
    case Cat::String:
        lit.bytes = s; // a word is taken as the text it spells (`frame.protocols == 1`)
        return {};
    case Cat::Time: {
        const bool offset = ref.type == FieldType::RelTime || def.base == Base::Dec;
        if (offset) {
            if (tok.kind != Tok::Word)
                return "Time offset cannot be converted from a string (" + std::string(raw) + ").";
            if (!parseSeconds(s, lit.sec, lit.nsec))
                return quote(s) + " is not a valid time.";
            return {};
        }
        if (tok.kind != Tok::String || !parseAbsTime(s, lit.sec, lit.nsec))
            return quote(s) +
                   " is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or "
                   "\"2011-07-04 12:34:56\"";
        return {};
    }
    }
    return {};
}

std::string parseSlice(const std::string &text, std::vector<SliceRange> &out)
{
    out.clear();
    size_t i = 0;
    auto bad = [&](std::string_view part) { return quote(part) + " is not a valid slice range."; };
    auto number = [&](std::string_view s, size_t &k, int32_t &v) {
        bool neg = false;
        if (k < s.size() && s[k] == '-') {
            neg = true;
            ++k;
        }
        const size_t start = k;
        int64_t n = 0;
        while (k < s.size() && s[k] >= '0' && s[k] <= '9' && n < 100000000)
            n = n * 10 + (s[k++] - '0');
        if (k == start)
            return false;
        v = int32_t(neg ? -n : n);
        return true;
    };
    if (text.find_first_not_of(" \t") == std::string::npos)
        return bad(text);
    while (i <= text.size()) {
        size_t end = text.find(',', i);
        if (end == std::string::npos)
            end = text.size();
        std::string part = text.substr(i, end - i);
        std::string trimmed;
        for (char c : part)
            if (c != ' ' && c != '\t')
                trimmed += c;
        const std::string_view s = trimmed;
        SliceRange r;
        size_t k = 0;
        if (s.empty())
            return bad(part);
        if (s[0] == ':') { // [:n]: the first n bytes
            r.start = 0;
        } else if (!number(s, k, r.start)) {
            return bad(part);
        }
        if (k == s.size()) {
            r.length = 1;
        } else if (s[k] == ':') {
            ++k;
            if (k == s.size()) {
                r.toEnd = true;
            } else if (!number(s, k, r.length) || k != s.size() || r.length <= 0) {
                return bad(part);
            }
        } else if (s[k] == '-') {
            ++k;
            int32_t last = 0;
            if (!number(s, k, last) || k != s.size() || r.start < 0 || last < r.start)
                return bad(part);
            r.length = last - r.start + 1;
        } else {
            return bad(part);
        }
        out.push_back(r);
        i = end + 1;
    }
    return {};
}

} // namespace pl::filter
