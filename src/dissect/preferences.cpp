#include "preferences.h"

#include <cctype>

namespace pl {

namespace {

struct Entry
{
    std::string_view name;
    bool Preferences::*member;
};

constexpr Entry kEntries[] = {
    {"tcp.relative_sequence_numbers", &Preferences::tcpRelativeSequenceNumbers},
    {"tcp.desegment_tcp_streams", &Preferences::tcpReassemble},
    {"ip.defragment", &Preferences::ipDefragment},
    {"ipv6.defragment", &Preferences::ipv6Defragment},
};

} // namespace

bool Preferences::set(std::string_view name, std::string_view value, std::string &error)
{
    std::string v(value);
    for (char &c : v)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    for (const Entry &e : kEntries) {
        if (e.name != name)
            continue;
        if (v != "TRUE" && v != "FALSE") {
            error = "\"" + std::string(value) + "\" is not a valid value for " + std::string(name) +
                    " (TRUE or FALSE)";
            return false;
        }
        this->*e.member = v == "TRUE";
        return true;
    }
    error = "unknown preference \"" + std::string(name) + "\" (supported: " + names() + ")";
    return false;
}

std::string Preferences::names()
{
    std::string s;
    for (const Entry &e : kEntries) {
        if (!s.empty())
            s += ", ";
        s += e.name;
    }
    return s;
}

} // namespace pl
