#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace pl {

/// A column address kept raw and formatted only when shown, so that summary mode does no
/// string work for packets nobody looks at.
struct Address
{
    enum Type : uint8_t { None, Ether, IPv4, IPv6 };
    Type type = None;
    uint8_t bytes[16] = {};

    static Address make(Type t, const uint8_t *p)
    {
        Address a;
        a.assign(t, p);
        return a;
    }
    /// Becomes the address of type `t` at `p` (size(t) bytes), in place: no temporary
    /// whose copy would read back the bytes just stored.
    void assign(Type t, const uint8_t *p)
    {
        type = t;
        std::memset(bytes, 0, sizeof bytes);
        std::memcpy(bytes, p, size(t));
    }
    static constexpr size_t size(Type t)
    {
        return t == Ether ? 6 : t == IPv4 ? 4 : t == IPv6 ? 16 : 0;
    }
    void appendTo(std::string &out) const;
    /// The text at `o`, which has room for kMaxText bytes; returns its end.
    char *writeTo(char *o) const;
    static constexpr size_t kMaxText = 46; ///< IPv6 text, and the scratch byte of the others
    std::string toString() const
    {
        std::string s;
        appendTo(s);
        return s;
    }
};

} // namespace pl
