// IEEE 802.1Q VLAN tags (ethertype 0x8100, and 0x9100 used by pre-standard Q-in-Q gear) and
// IEEE 802.1ad provider (S-)tags (0x88a8). Tags stack: each one is a separate tree item.
// Specification: IEEE 802.1Q-2018 clause 9.6 (tag control information).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | PCP |D|         VLAN ID       |  Type (>= 0x0600) or Length   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  (the tag's own ethertype precedes it, in the enclosing header)
//
// Stacked tags are walked in a loop rather than by re-dispatching, so that a frame of
// thousands of tags costs no recursion; like Wireshark, 20 802.1Q tags is the limit.

#include "ethertypes.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F { Priority, Dei, Id, Etype, Len, Trailer, Count };
enum AdF { AdPriority, AdDei, AdId, AdEtype, AdTrailer, AdCount };

constexpr ValueName kPriorityNames[] = {
    {0, "Best Effort (default)"},
    {1, "Background"},
    {2, "Excellent Effort"},
    {3, "Critical Applications"},
    {4, "Video, < 100ms latency and jitter"},
    {5, "Voice, < 10ms latency and jitter"},
    {6, "Internetwork Control"},
    {7, "Network Control"},
};

constexpr FieldDef kFields[] = {
    {"vlan.priority", "Priority", FieldType::UInt16, Base::Dec, 0xe000, kPriorityNames},
    {"vlan.dei", "DEI", FieldType::Boolean, Base::None, 0x1000, {}, {}, "Eligible", "Ineligible"},
    {"vlan.id", "ID", FieldType::UInt16, Base::Dec, 0x0fff},
    {"vlan.etype", "Type", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"vlan.len", "Length", FieldType::UInt16, Base::Dec},
    {"vlan.trailer", "Trailer", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

// Wireshark 4.0 shows 802.1ad tags as their own protocol with plain integers; the type field
// is named after 802.1ah, whose dissector shares it.
constexpr FieldDef kAdFields[] = {
    {"ieee8021ad.priority", "Priority", FieldType::UInt16, Base::Dec, 0xe000},
    {"ieee8021ad.dei", "DEI", FieldType::UInt16, Base::Dec, 0x1000},
    {"ieee8021ad.id", "ID", FieldType::UInt16, Base::Dec, 0x0fff},
    {"ieee8021ah.etype", "Type", FieldType::UInt16, Base::Hex, 0, kEtherTypeNames},
    {"ieee8021ah.trailer", "Trailer", FieldType::Bytes},
};
static_assert(std::size(kAdFields) == AdCount);

constexpr uint16_t kVlan = 0x8100;
constexpr uint16_t kVlanQinQ = 0x9100;
constexpr uint16_t kProviderBridge = 0x88a8;
constexpr int kMaxVlanTags = 20;
constexpr uint16_t kMaxLength = 1500; // IEEE 802.3: a type field at or below is a length

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E { LenPastEnd, TooManyTags, ECount };
constexpr FieldDef kExperts[] = {
    {"vlan.len.past_end", "Length field value goes past the end of the payload", FieldType::None},
    {"vlan.too_many_tags", "Too many nested VLAN tags", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;
FieldBlock s_ad;

bool isTag(uint16_t type)
{
    return type == kVlan || type == kVlanQinQ || type == kProviderBridge;
}

void setTagInfo(Dissection &d, uint16_t tci, bool provider)
{
    std::string &info = d.info();
    info = "PRI: ";
    text::appendUInt(info, tci >> 13);
    info += provider ? "  DROP: " : "  DEI: ";
    text::appendUInt(info, tci >> 12 & 1);
    info += provider ? " ID: " : "  ID: ";
    text::appendUInt(info, tci & 0x0fff);
}

/// One 802.1ad S-tag at `at`; returns the type that follows it.
uint16_t dissectProviderTag(Dissection &d, const Reader &r, size_t at, Item parent, Item &tag)
{
    d.setProtocol("802.1ad");
    const uint16_t tci = r.u16(at);
    setTagInfo(d, tci, true);
    tag = d.addProtocol(parent, s_ad.protocol(), r, at, 4);
    if (tag) {
        std::string label = "IEEE 802.1ad, ID: ";
        text::appendUInt(label, tci & 0x0fff);
        d.setText(tag, std::move(label));
    }
    d.addUInt(tag, s_ad[AdPriority], r, at, 2);
    d.addUInt(tag, s_ad[AdDei], r, at, 2);
    d.addUInt(tag, s_ad[AdId], r, at, 2);
    const uint16_t type = r.u16(at + 2);
    d.addUInt(tag, s_ad[AdEtype], r, at + 2, 2);
    return type;
}

/// One 802.1Q C-tag at `at`; returns the type or length that follows it.
uint16_t dissectVlanTag(Dissection &d, const Reader &r, size_t at, Item parent, Item &tag)
{
    d.setProtocol("VLAN");
    const uint16_t tci = r.u16(at);
    setTagInfo(d, tci, false);
    tag = d.addProtocol(parent, s_f.protocol(), r, at, 4);
    if (tag) {
        std::string label = "802.1Q Virtual LAN, PRI: ";
        text::appendUInt(label, tci >> 13);
        label += ", DEI: ";
        text::appendUInt(label, tci >> 12 & 1);
        label += ", ID: ";
        text::appendUInt(label, tci & 0x0fff);
        d.setText(tag, std::move(label));
    }
    d.addUInt(tag, s_f[Priority], r, at, 2);
    d.addUInt(tag, s_f[Dei], r, at, 2);
    d.addUInt(tag, s_f[Id], r, at, 2);
    const uint16_t type = r.u16(at + 2);
    if (type > kMaxLength)
        d.addUInt(tag, s_f[Etype], r, at + 2, 2);
    return type;
}

/// `r` starts at the first tag; `type` is the ethertype that announced it.
void dissectTags(Dissection &d, const Reader &r, Item parent, uint16_t type)
{
    size_t at = 0;
    int vlanTags = 0;
    Item lastVlan, lastTag;
    bool lastWasVlan = false;
    while (isTag(type)) {
        if (type == kProviderBridge) {
            type = dissectProviderTag(d, r, at, parent, lastTag);
            lastWasVlan = false;
        } else {
            if (vlanTags == kMaxVlanTags) {
                // Wireshark still names the tag in Info, then gives up on the frame.
                d.setProtocol("VLAN");
                setTagInfo(d, r.u16(at), false);
                Item tag = d.addProtocol(parent, s_f.protocol(), r, at, 4);
                d.setText(tag, "802.1Q Virtual LAN");
                d.expert(tag, r, at, 0, Severity::Warning, ExpertGroup::Protocol,
                         "Too many nested VLAN tags", 0, s_ei[TooManyTags]);
                return;
            }
            ++vlanTags;
            type = dissectVlanTag(d, r, at, parent, lastVlan);
            lastTag = lastVlan;
            lastWasVlan = true;
        }
        if (type > kMaxLength)
            d.etherTypeLayer();
        at += 4;
    }

    const Reader payload = r.sub(at);
    // What the payload's protocol leaves is the last tag's trailer (a tag has no FCS).
    const FieldId trailer = lastWasVlan ? s_f[Trailer] : s_ad[AdTrailer];
    if (lastWasVlan && type <= kMaxLength) {
        // An 802.3 length after the tag: the payload (an LLC frame, not dissected here) is
        // that long and whatever follows is padding.
        Item len = d.addUInt(lastVlan, s_f[Len], r, at - 2, 2);
        if (type > payload.reported())
            d.expert(len, r, at - 2, 2, Severity::Error, ExpertGroup::Malformed,
                     "Length field value goes past the end of the payload", Malformed,
                     s_ei[LenPastEnd]);
        d.data(payload.sub(0, type), parent);
        if (type < payload.reported())
            addEthernetTrailer(d, lastTag, r, at + type, trailer, false);
        return;
    }
    handOnWithTrailer(d, r, at, lastTag, trailer, false, [&](const Reader &p) {
        // An ethertype nobody dissects leaves the tag in Info, as in Wireshark.
        if (!d.dispatch(Table::EtherType, type, p, parent))
            d.data(p, parent);
    });
}

void dissectVlan(Dissection &d, const Reader &r, Item parent)
{
    dissectTags(d, r, parent, kVlan);
}

void dissectProvider(Dissection &d, const Reader &r, Item parent)
{
    dissectTags(d, r, parent, kProviderBridge);
}

} // namespace

void register_vlan(Registry &reg)
{
    s_f = reg.addProtocol({"vlan", "VLAN", "802.1Q Virtual LAN"}, kFields);
    s_ei = reg.addFields(kExperts);
    s_ad = reg.addProtocol({"ieee8021ad", "802.1ad", "IEEE 802.1ad"}, kAdFields);
    reg.addDissector(Table::EtherType, kVlan, dissectVlan);
    reg.addDissector(Table::EtherType, kVlanQinQ, dissectVlan);
    reg.addDissector(Table::EtherType, kProviderBridge, dissectProvider);
}

} // namespace pl::proto
