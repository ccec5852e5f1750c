#include "treetext.h"

#include "dissect/fieldformat.h"

namespace pl::print {

namespace {

void appendNode(std::string &out, const Dissection &d, int32_t i, int depth)
{
    const FieldTree &tree = d.fieldTree();
    for (; i >= 0; i = tree.node(i).next) {
        const FieldNode &n = tree.node(i);
        if (n.flags & Hidden)
            continue;
        out.append(size_t(depth) * 4, ' ');
        out += fieldformat::label(d.registry(), tree, i, d.nodeData(tree.node(i)));
        out += '\n';
        appendNode(out, d, n.firstChild, depth + 1);
    }
}

} // namespace

void appendTreeText(std::string &out, const Dissection &d)
{
    appendNode(out, d, d.fieldTree().node(FieldTree::root()).firstChild, 0);
}

void appendHexDump(std::string &out, const uint8_t *data, size_t len)
{
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t line = 0; line < len; line += 16) {
        char offset[8];
        const int n = snprintf(offset, sizeof offset, "%04zx", line & 0xffffff);
        out.append(offset, size_t(n));
        out += "  ";
        for (size_t i = 0; i < 16; ++i) {
            if (line + i < len) {
                out += kHex[data[line + i] >> 4];
                out += kHex[data[line + i] & 0xf];
                out += ' ';
            } else {
                out += "   ";
            }
        }
        out += "  ";
        for (size_t i = 0; i < 16 && line + i < len; ++i) {
            const uint8_t c = data[line + i];
            out += (c >= 0x20 && c < 0x7f) ? char(c) : '.';
        }
        out += '\n';
    }
}

void appendHexDumps(std::string &out, const Dissection &d)
{
    const size_t n = d.sourceCount();
    for (size_t i = 0; i < n; ++i) {
        if (n > 1) {
            out += d.sourceName(i);
            out += ":\n";
        }
        const auto bytes = d.sourceBytes(i);
        appendHexDump(out, bytes.data(), bytes.size());
    }
}

} // namespace pl::print
