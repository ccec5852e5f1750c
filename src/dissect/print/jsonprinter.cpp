#include "jsonprinter.h"

#include "dissect/fieldformat.h"

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
        auto subtree = [&] {
            out += '{';
            appendChildren(out, d, n.firstChild, indent + 1);
            out += '\n' + pad + '}';
        };
        if (!def || def->type == FieldType::None) {
            member(fieldformat::label(reg, tree, i, d.frame().data));
            if (hasChildren)
                subtree();
            else
                out += "\"\"";
        } else if (def->type == FieldType::Protocol) {
            member(def->abbrev);
            subtree();
        } else {
            std::string value;
            fieldformat::appendValue(value, reg, tree, i, d.frame().data);
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
