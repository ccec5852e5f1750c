#pragma once

// Ethertype names and the shared "hand the payload to the next layer by ethertype" step,
// used by Ethernet, 802.1Q, SLL, SLL2 and anything else that carries an ethertype.

#include "dissection.h"

namespace pl::proto {

inline constexpr ValueName kEtherTypeNames[] = {
    {0x0800, "IPv4"},
    {0x0806, "ARP"},
    {0x8035, "RARP"},
    {0x8100, "802.1Q Virtual LAN"},
    {0x86dd, "IPv6"},
    {0x8847, "MPLS label switched packet"},
    {0x8863, "PPPoE Discovery"},
    {0x8864, "PPPoE Session"},
    {0x888e, "802.1X Authentication"},
    {0x88a8, "802.1ad Provider Bridge (Q-in-Q)"},
    {0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"},
    {0x88e5, "802.1AE (MACsec)"},
    {0x9100, "VLAN-tagged frame (Q-in-Q)"},
};

/// Dissects `payload` by `type`; unknown types become data with the type in the Info column.
void dispatchEtherType(Dissection &d, uint16_t type, const Reader &payload, Item parent);

/// The bytes of a link layer `r` from `at` on, past what its payload's protocol claimed
/// (Dissection::LengthClaim): zero padding up to the 60-byte minimum frame (`eth.padding`),
/// an assumed frame check sequence when `fcsPossible` and the layer is 64 bytes or more
/// (`eth.fcs`), and the rest as `trailerField` (`eth.trailer`, `vlan.trailer`), noted when
/// the padding was not zeros. The items go under `link`, the link layer's own item.
void addEthernetTrailer(Dissection &d, Item link, const Reader &r, size_t at, FieldId trailerField,
                        bool fcsPossible);

/// Hands the bytes of the link layer `r` from `at` on with `handOn(payload)`, listening for
/// the length their protocol claims (Dissection::LengthClaim), then shows the rest with
/// addEthernetTrailer: what Ethernet, VLAN tags and Linux cooked headers all do with their
/// ethertype's payload.
template <class HandOn>
void handOnWithTrailer(Dissection &d, const Reader &r, size_t at, Item link, FieldId trailerField,
                       bool fcsPossible, HandOn &&handOn)
{
    const Reader payload = r.sub(at);
    size_t used = 0;
    {
        Dissection::LengthClaim claim(d, payload);
        handOn(payload);
        used = claim.length();
    }
    if (used < payload.reported())
        addEthernetTrailer(d, link, r, at + used, trailerField, fcsPossible);
}

/// An Ethernet frame carried inside another protocol (VXLAN, GRE, Linux cooked capture):
/// without an FCS.
void dissectEthernetWithoutFcs(Dissection &d, const Reader &r, Item parent);

} // namespace pl::proto
