#pragma once

// Differentiated Services (RFC 2474, 3260, 5865, 8622) and ECN (RFC 3168) names, shared by
// IPv4's DS field and IPv6's Traffic Class, as Wireshark names them.

#include "fielddef.h"

#include <string_view>

namespace pl::proto {

inline constexpr ValueName kDscpNames[] = {
    {0, "Default"},
    {1, "Lower Effort"},
    {8, "Class Selector 1"},
    {10, "Assured Forwarding 11"},
    {12, "Assured Forwarding 12"},
    {14, "Assured Forwarding 13"},
    {16, "Class Selector 2"},
    {18, "Assured Forwarding 21"},
    {20, "Assured Forwarding 22"},
    {22, "Assured Forwarding 23"},
    {24, "Class Selector 3"},
    {26, "Assured Forwarding 31"},
    {28, "Assured Forwarding 32"},
    {30, "Assured Forwarding 33"},
    {32, "Class Selector 4"},
    {34, "Assured Forwarding 41"},
    {36, "Assured Forwarding 42"},
    {38, "Assured Forwarding 43"},
    {40, "Class Selector 5"},
    {44, "Voice Admit"},
    {46, "Expedited Forwarding"},
    {48, "Class Selector 6"},
    {56, "Class Selector 7"},
};

inline constexpr ValueName kEcnNames[] = {
    {0, "Not ECN-Capable Transport"},
    {1, "ECN-Capable Transport codepoint '01'"},
    {2, "ECN-Capable Transport codepoint '10'"},
    {3, "Congestion Experienced"},
};
inline constexpr std::string_view kEcnShort[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};

} // namespace pl::proto
