// Raw IP (LINKTYPE_RAW = 101, and the historical DLT_RAW values 12 and 14 that some systems
// wrote into pcap headers): no link header at all, the packet starts with the IP header.
// Specification: https://www.tcpdump.org/linktypes/LINKTYPE_RAW.html
//
//   0 1 2 3 4 5 6 7
//  +-+-+-+-+-+-+-+-+---
//  |Version|  ...  |  IPv4 (RFC 791) or IPv6 (RFC 8200) header
//  +-+-+-+-+-+-+-+-+---
//
// The version nibble picks the network layer; Wireshark shows an empty "Raw packet data"
// item first, then the IP layer.

#include "dissection.h"

namespace pl::proto {

namespace {

FieldBlock s_f;

void malformed(Dissection &d, const Reader &r, Item parent)
{
    // Wireshark names the layer "Raw" in the tree but leaves the Protocol column unset
    // ("N/A"), so the mark is made here rather than by a thrown BoundsError.
    d.markLayerError(parent, r.frameOffset(0), false, "Raw");
}

void dissectRaw(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("N/A");
    d.info() = "Raw packet data";
    Item raw = d.addProtocol(parent, s_f.protocol(), r, 0, r.captured());
    d.setText(raw, "Raw packet data");

    if (!r.has(0, 1)) {
        if (r.reported() > 0) {
            // The capture kept no byte of a packet that had some: truncated, not malformed.
            d.markLayerError(parent, r.frameOffset(0), true, "Raw");
            return;
        }
        malformed(d, r, parent);
        return;
    }
    const uint8_t version = r.u8(0) >> 4;
    const uint16_t type = version == 4 ? 0x0800 : version == 6 ? 0x86dd : 0;
    if (type == 0) {
        // Wireshark shows no data after this mark; neither do we.
        malformed(d, r, parent);
        return;
    }
    if (!d.dispatch(Table::EtherType, type, r, parent))
        d.data(r, parent);
}

} // namespace

void register_rawip(Registry &reg)
{
    s_f = reg.addProtocol({"raw", "Raw", "Raw packet data"}, {});
    reg.addDissector(Table::LinkType, 101, dissectRaw);
    reg.addDissector(Table::LinkType, 12, dissectRaw);
    reg.addDissector(Table::LinkType, 14, dissectRaw);
}

} // namespace pl::proto
