#include "streamformat.h"

namespace pl::streamformat {

namespace {

constexpr char kHex[] = "0123456789abcdef";
const std::string kRule(67, '=');

void hexByte(std::string &out, uint8_t b)
{
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
}

char shown(uint8_t b)
{
    return b >= 0x20 && b < 0x7f ? char(b) : '.';
}

} // namespace

std::optional<Mode> parseMode(std::string_view name)
{
    if (name == "ascii")
        return Mode::Ascii;
    if (name == "hex")
        return Mode::Hex;
    if (name == "raw")
        return Mode::Raw;
    if (name == "carrays")
        return Mode::CArrays;
    return std::nullopt;
}

std::string chunk(const StreamChunk &c, Mode mode, uint64_t peerOffset, size_t number)
{
    std::string out;
    const std::vector<uint8_t> &b = c.bytes;
    const char *indent = c.peer ? "\t" : "";
    switch (mode) {
    case Mode::Ascii:
        out.reserve(b.size());
        for (uint8_t x : b)
            out += x == '\r' || x == '\n' ? char(x) : shown(x);
        break;
    case Mode::Raw:
        out += indent;
        for (uint8_t x : b)
            hexByte(out, x);
        out += '\n';
        break;
    case Mode::Hex:
        for (size_t line = 0; line < b.size(); line += 16) {
            char offset[16];
            snprintf(offset, sizeof offset, "%08llX",
                     static_cast<unsigned long long>(peerOffset + line));
            out += indent;
            out += offset;
            out += "  ";
            for (size_t i = 0; i < 16; ++i) {
                if (line + i < b.size()) {
                    hexByte(out, b[line + i]);
                    out += ' ';
                } else {
                    out += "   ";
                }
                if (i == 7)
                    out += ' ';
            }
            out += ' ';
            for (size_t i = 0; i < 16 && line + i < b.size(); ++i) {
                if (i == 8)
                    out += ' ';
                out += shown(b[line + i]);
            }
            if (out.back() == ' ') // tshark drops one trailing space (its line buffer)
                out.pop_back();
            out += '\n';
        }
        break;
    case Mode::CArrays:
        out += "char peer" + std::to_string(c.peer) + '_' + std::to_string(number) +
               "[] = { /* Packet " + std::to_string(c.frame) + " */\n";
        for (size_t i = 0; i < b.size(); ++i) {
            out += "0x";
            hexByte(out, b[i]);
            if (i + 1 < b.size())
                out += (i % 8 == 7) ? ",\n" : ", ";
        }
        out += " };\n";
        break;
    }
    return out;
}

std::string tsharkReport(const FollowedStream &s, Mode mode)
{
    const char *kind = s.kind == FollowedStream::Kind::Tcp ? "tcp" : "udp";
    const char *modeName = mode == Mode::Ascii ? "ascii" : mode == Mode::Hex ? "hex" : "raw";
    std::string out = "\n" + kRule + "\nFollow: " + kind + ',' + modeName +
                      "\nFilter: " + s.filter() + "\nNode 0: " + s.peers[0] +
                      "\nNode 1: " + s.peers[1] + '\n';
    uint64_t offset[2] = {};
    size_t number[2] = {};
    for (const StreamChunk &c : s.chunks) {
        if (mode == Mode::Ascii) {
            if (c.peer)
                out += '\t';
            out += std::to_string(c.bytes.size()) + '\n';
            out += chunk(c, mode, 0, 0);
            out += '\n';
        } else {
            out += chunk(c, mode, offset[c.peer], number[c.peer]);
        }
        offset[c.peer] += c.bytes.size();
        ++number[c.peer];
    }
    out += kRule + '\n';
    return out;
}

} // namespace pl::streamformat
