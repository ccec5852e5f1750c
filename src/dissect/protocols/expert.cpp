// Expert info: Wireshark's `_ws.expert` items, the notes a dissector attaches to a field
// (`[Expert Info (Chat/Sequence): Connection establish request (SYN): server port 80]`), and
// the `_ws.malformed` / `_ws.short` items for a layer whose bytes were impossible or cut
// short. Not a wire protocol: Dissection::expert() and markLayerError() build these items
// and look the fields up by name.

#include "dissection.h"

namespace pl::proto {

namespace {

// _ws.expert.severity / .group hold Wireshark's PI_* values: severity << 20, group << 24.
constexpr ValueName kSeverityNames[] = {
    {0x00100000, "Comment"}, {0x00200000, "Chat"},  {0x00400000, "Note"},
    {0x00600000, "Warning"}, {0x00800000, "Error"},
};

constexpr ValueName kGroupNames[] = {
    {0x01000000, "Checksum"},   {0x02000000, "Sequence"},   {0x03000000, "Response"},
    {0x04000000, "Request"},    {0x05000000, "Undecoded"},  {0x06000000, "Reassemble"},
    {0x07000000, "Malformed"},  {0x08000000, "Debug"},      {0x09000000, "Protocol"},
    {0x0a000000, "Security"},   {0x0b000000, "Comment"},    {0x0c000000, "Decryption"},
    {0x0d000000, "Assumption"}, {0x0e000000, "Deprecated"},
};

constexpr FieldDef kExpertFields[] = {
    {"_ws.expert.message", "Message", FieldType::String},
    {"_ws.expert.severity", "Severity level", FieldType::UInt32, Base::None, 0, kSeverityNames},
    {"_ws.expert.group", "Group", FieldType::UInt32, Base::None, 0, kGroupNames},
};

constexpr FieldDef kMalformedFields[] = {
    {"_ws.malformed.expert", "Malformed Packet (Exception occurred)", FieldType::None},
};

} // namespace

void register_expert(Registry &reg)
{
    const FieldBlock expert =
        reg.addProtocol({"_ws.expert", "Expert", "Expert Info"}, kExpertFields);
    // Many notes come from state across frames (TCP analysis, DNS retransmissions): whether a
    // frame has one, and which, depends on the frames before it.
    reg.setCrossFrame(expert.protocol());
    for (int f = 0; f < int(std::size(kExpertFields)); ++f)
        reg.setCrossFrame(expert[f]);
    reg.addProtocol({"_ws.malformed", "Malformed", "Malformed Packet"}, kMalformedFields);
    reg.addProtocol({"_ws.short", "Short", "Short Frame"}, {});
}

} // namespace pl::proto
