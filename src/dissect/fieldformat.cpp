#include "fieldformat.h"

#include "registry.h"
#include "textformat.h"

#include <bit>
#include <ctime>

namespace pl::fieldformat {

namespace {

int typeHexDigits(FieldType t)
{
    switch (t) {
    case FieldType::UInt8:
        return 2;
    case FieldType::UInt16:
        return 4;
    case FieldType::UInt24:
        return 6;
    case FieldType::UInt32:
        return 8;
    case FieldType::UInt64:
        return 16;
    default:
        return 1;
    }
}

// The tree shows a bit field's hex with as many digits as the field has bits.
int maskHexDigits(const FieldDef &def)
{
    if (!def.mask)
        return typeHexDigits(def.type);
    const uint64_t shifted = def.mask >> std::countr_zero(def.mask);
    return (64 - std::countl_zero(shifted) + 3) / 4;
}

bool isInteger(FieldType t)
{
    return t == FieldType::UInt8 || t == FieldType::UInt16 || t == FieldType::UInt24 ||
           t == FieldType::UInt32 || t == FieldType::UInt64 || t == FieldType::Int32 ||
           t == FieldType::FrameNum;
}

void appendInteger(std::string &out, const FieldDef &def, uint64_t v, int hexDigits)
{
    if (def.type == FieldType::Int32) {
        text::appendInt(out, int64_t(int32_t(uint32_t(v))));
        return;
    }
    switch (def.base) {
    case Base::Hex:
    case Base::HexDec: // tshark -T fields prints the first of the two forms
        text::appendHex(out, v, hexDigits);
        break;
    case Base::Oct: {
        out += '0';
        char buf[24];
        int n = 0;
        do {
            buf[n++] = char('0' + (v & 7));
            v >>= 3;
        } while (v && n < 23);
        while (n)
            out += buf[--n];
        break;
    }
    default:
        text::appendUInt(out, v);
        break;
    }
}

void appendDate(std::string &out, int64_t sec, uint32_t nsec)
{
    static constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const time_t t = time_t(sec);
    struct tm tm
    {
    };
    if (!gmtime_r(&t, &tm)) {
        out += "Not representable";
        return;
    }
    char buf[64];
    const int n =
        snprintf(buf, sizeof buf, "%s %2d, %lld %02d:%02d:%02d.%09u UTC", kMonths[tm.tm_mon],
                 tm.tm_mday, (long long)tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
    out.append(buf, size_t(n > 0 ? n : 0));
}

} // namespace

void appendValue(std::string &out, const Registry &reg, const FieldTree &tree, int32_t idx,
                 const uint8_t *frame)
{
    const FieldNode &n = tree.node(idx);
    if (n.field < 0)
        return;
    const FieldDef &def = reg.field(n.field);
    const uint8_t *bytes = frame + n.offset;
    switch (def.type) {
    case FieldType::None:
    case FieldType::Protocol:
        break;
    case FieldType::Boolean:
        out += n.value ? '1' : '0';
        break;
    case FieldType::Ether:
        if (n.length == 6)
            text::appendEther(out, bytes);
        break;
    case FieldType::IPv4:
        if (n.length == 4)
            text::appendIPv4(out, bytes);
        break;
    case FieldType::IPv6:
        if (n.length == 16)
            text::appendIPv6(out, bytes);
        break;
    case FieldType::Bytes:
        if (n.length == 0 && !(n.flags & Generated))
            out += "<MISSING>"; // tshark's text for an empty byte string, -T fields too
        else
            text::appendHexBytes(out, bytes, n.length);
        break;
    case FieldType::String:
        if (const std::string *t = tree.text(n.text))
            out += *t;
        break;
    case FieldType::AbsTime:
        if (def.base == Base::Dec)
            text::appendSecondsNs(out, int64_t(n.value), n.aux);
        else
            appendDate(out, int64_t(n.value), n.aux);
        break;
    case FieldType::RelTime:
        text::appendSecondsNs(out, int64_t(n.value), n.aux);
        break;
    default:
        appendInteger(out, def, n.value, typeHexDigits(def.type));
        break;
    }
}

std::string label(const Registry &reg, const FieldTree &tree, int32_t idx, const uint8_t *frame)
{
    const FieldNode &n = tree.node(idx);
    std::string out;
    const std::string *custom = tree.text(n.text);
    const FieldDef *def = n.field >= 0 ? &reg.field(n.field) : nullptr;
    const bool plain = !def || def->type == FieldType::None || def->type == FieldType::Protocol;
    if (custom && (plain || def->type != FieldType::String)) {
        out = *custom;
    } else if (!def) {
        return out;
    } else {
        if (def->mask && n.length > 0 && n.length <= 8) {
            uint64_t raw = 0;
            for (uint32_t i = 0; i < n.length; ++i)
                raw = raw << 8 | frame[n.offset + i];
            text::appendBitPattern(out, raw, def->mask, int(n.length * 8));
            out += " = ";
        }
        if (def->base == Base::ValueOnly && def->type == FieldType::String) {
            if (custom)
                text::appendEscaped(out, *custom);
            return out;
        }
        out += def->name;
        if (def->type == FieldType::Protocol || def->type == FieldType::None)
            return out;
        out += ": ";
        if (def->type == FieldType::Boolean) {
            if (n.value)
                out += def->trueText.empty() ? std::string_view("Set") : def->trueText;
            else
                out += def->falseText.empty() ? std::string_view("Not set") : def->falseText;
        } else if (isInteger(def->type)) {
            const std::string_view name = nameOf(def->names, n.value);
            const int digits = maskHexDigits(*def);
            if (!name.empty() && def->base == Base::None) {
                out += name; // Wireshark's BASE_NONE with names: the name alone
            } else if (!name.empty() || !def->names.empty()) {
                out += name.empty() ? std::string_view("Unknown") : name;
                out += " (";
                appendInteger(out, *def, n.value, digits);
                out += ')';
            } else if (def->base == Base::DecHex || def->base == Base::HexDec) {
                const bool hexFirst = def->base == Base::HexDec;
                if (hexFirst)
                    text::appendHex(out, n.value, digits);
                else
                    text::appendUInt(out, n.value);
                out += " (";
                if (hexFirst)
                    text::appendUInt(out, n.value);
                else
                    text::appendHex(out, n.value, digits);
                out += ')';
            } else {
                appendInteger(out, *def, n.value, digits);
            }
        } else if (def->type == FieldType::Bytes && n.length > 36) {
            // Wireshark's labels show 36 bytes (its bytes_to_str limit), then an ellipsis.
            text::appendHexBytes(out, frame + n.offset, 36);
            out += "…";
        } else {
            appendValue(out, reg, tree, idx, frame);
        }
        if (def->type == FieldType::RelTime)
            out += " seconds";
        out += def->unit;
    }
    if (n.flags & Generated)
        out = '[' + out + ']';
    return out;
}

} // namespace pl::fieldformat
