#include "jsonprinter.h"

#include "dissect/fieldformat.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace pl::print {

void appendJsonString(std::string &out, std::string_view s)
{
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uint8_t(c) < 0x20) {
                char buf[8];
                snprintf(buf, sizeof buf, "\\u%04x", unsigned(uint8_t(c)));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

int wiresharkFieldType(FieldType t)
{
    switch (t) {
    case FieldType::None:
        return 0; // FT_NONE
    case FieldType::Protocol:
        return 1;
    case FieldType::Boolean:
        return 2;
    case FieldType::UInt8:
        return 4;
    case FieldType::UInt16:
        return 5;
    case FieldType::UInt24:
        return 6;
    case FieldType::UInt32:
        return 7;
    case FieldType::UInt64:
        return 11;
    case FieldType::Int32:
        return 15;
    case FieldType::AbsTime:
        return 24;
    case FieldType::RelTime:
        return 25;
    case FieldType::String:
        return 26;
    case FieldType::Ether:
        return 29;
    case FieldType::Bytes:
        return 30;
    case FieldType::IPv4:
        return 32;
    case FieldType::IPv6:
        return 33;
    case FieldType::FrameNum:
        return 35;
    }
    return 0;
}

namespace {

/// `"<abbrev>_raw": [...]` as tshark -x writes it, for an item that covers bytes.
void appendRaw(std::string &out, const FieldDef &def, const FieldNode &n,
               std::span<const uint8_t> bytes, const std::string &pad)
{
    out += "[\n" + pad + "  \"";
    if (def.mask != 0) {
        // tshark prints a bit field's value, not its bytes ("%X"; signed types as 32 bits).
        char buf[24];
        const uint64_t v = def.type == FieldType::Int32 ? uint64_t(uint32_t(n.value)) : n.value;
        snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(v));
        out += buf;
    } else {
        static constexpr char kHex[] = "0123456789abcdef";
        // The tree never points past the captured bytes, but clamp rather than trust it.
        const uint64_t begin = std::min<uint64_t>(n.offset, bytes.size());
        const uint64_t end = std::min<uint64_t>(uint64_t(n.offset) + n.length, bytes.size());
        for (uint64_t i = begin; i < end; ++i) {
            out += kHex[bytes[i] >> 4];
            out += kHex[bytes[i] & 0xf];
        }
    }
    out += '"';
    const std::string item = ",\n" + pad + "  ";
    for (const uint64_t v : {uint64_t(n.offset), uint64_t(n.length), def.mask,
                             uint64_t(wiresharkFieldType(def.type))}) {
        out += item;
        out += std::to_string(v);
    }
    out += '\n' + pad + ']';
}

} // namespace

void JsonPrinter::appendChildren(std::string &out, const Dissection &d, int32_t first, int indent)
{
    const FieldTree &tree = d.fieldTree();
    const Registry &reg = d.registry();
    const std::string pad(size_t(indent) * 2, ' ');
    bool firstMember = true;
    auto member = [&](std::string_view key) {
        out += firstMember ? "\n" : ",\n";
        firstMember = false;
        out += pad;
        appendJsonString(out, key);
        out += ": ";
    };
    for (int32_t i = first; i >= 0; i = tree.node(i).next) {
        const FieldNode &n = tree.node(i);
        const FieldDef *def = n.field >= 0 ? &reg.field(n.field) : nullptr;
        const bool hasChildren = n.firstChild >= 0;
        // tshark -x: fields and protocols with bytes get `_raw`; text items and generated
        // items without bytes (length 0) do not.
        auto raw = [&] {
            // Expert info is about another item's bytes: tshark gives its parts no `_raw`.
            if (m_raw && n.length > 0 && !def->abbrev.starts_with("_ws.expert")) {
                member(std::string(def->abbrev) + "_raw");
                appendRaw(out, *def, n, d.sourceBytes(n.source), pad);
            }
        };
        auto subtree = [&] {
            out += '{';
            appendChildren(out, d, n.firstChild, indent + 1);
            out += '\n' + pad + '}';
        };
        if (!def || def->type == FieldType::None) {
            member(fieldformat::label(reg, tree, i, d.nodeData(tree.node(i))));
            if (hasChildren)
                subtree();
            else
                out += "\"\"";
        } else if (def->type == FieldType::Protocol) {
            raw();
            member(def->abbrev);
            subtree();
        } else {
            std::string value;
            fieldformat::appendValue(value, reg, tree, i, d.nodeData(tree.node(i)));
            raw();
            member(def->abbrev);
            appendJsonString(out, value);
            if (hasChildren) {
                member(std::string(def->abbrev) + "_tree");
                subtree();
            }
        }
    }
}

void JsonPrinter::appendFrame(std::string &out, const Dissection &d)
{
    out += m_count++ ? ",\n" : "\n";
    char date[32] = "packets";
    const time_t t = time_t(d.frame().tsSec);
    struct tm tm
    {
    };
    if (gmtime_r(&t, &tm))
        strftime(date, sizeof date, "packets-%Y-%m-%d", &tm);
    out += "  {\n    \"_index\": ";
    appendJsonString(out, date);
    out += ",\n    \"_type\": \"doc\",\n    \"_score\": null,\n    \"_source\": {\n"
           "      \"layers\": {";
    appendChildren(out, d, d.fieldTree().node(FieldTree::root()).firstChild, 4);
    out += "\n      }\n    }\n  }";
}

} // namespace pl::print
