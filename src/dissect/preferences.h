#pragma once

#include <string>
#include <string_view>

namespace pl {

/// User preferences that change dissection (tshark's `-o name:value`).
struct Preferences
{
    bool tcpRelativeSequenceNumbers = true; ///< tcp.relative_sequence_numbers
    bool tcpReassemble = true;              ///< tcp.desegment_tcp_streams
    bool ipDefragment = true;               ///< ip.defragment
    bool ipv6Defragment = true;             ///< ipv6.defragment
    /// Verify IPv4/ICMP/ICMPv6/TCP/UDP checksums (status Good/Bad, BadChecksum marks). A
    /// reader that shows only summary lines, where the result never appears, turns it off:
    /// it is a tenth of the summary fast path. Off gives status Unverified, as tshark.
    bool verifyChecksums = true;

    /// Sets the preference `name` (Wireshark's name, e.g. `tcp.desegment_tcp_streams`) from
    /// `value` (TRUE/FALSE, any case). False with `error` set when the name is unknown or
    /// the value is not a boolean.
    bool set(std::string_view name, std::string_view value, std::string &error);
    /// The names set() knows, for an error message: `a, b, c`.
    static std::string names();
};

} // namespace pl
