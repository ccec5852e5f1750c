// Frame: the capture's own facts about a packet (lengths, time, interface), the root of
// every dissection. Not a wire protocol; mirrors Wireshark's "frame" pseudo-protocol.

#include "dissection.h"
#include "session.h"
#include "textformat.h"

#include <vector>

namespace pl::proto {

namespace {

enum F {
    Number,
    Len,
    CapLen,
    Time,
    TimeEpoch,
    TimeRelative,
    TimeDelta,
    InterfaceId,
    Encap,
    TimeShift,
    TimeDeltaDisplayed,
    Marked,
    Ignored,
    Protocols,
    Section,
    InterfaceName,
    Comment,
    CommentExpert,
    Count
};

// Wireshark's wiretap encapsulation numbers and names for the link types dissected here
// (frame.encap_type is the WTAP_ENCAP_* value, not the LINKTYPE_* of the file).
constexpr ValueName kEncapNames[] = {
    {1, "Ethernet"},        {7, "Raw IP"},
    {15, "NULL/Loopback"},  {25, "Linux cooked-mode capture v1"},
    {158, "Linux Netlink"}, {210, "Linux cooked-mode capture v2"},
};

/// LINKTYPE_* to WTAP_ENCAP_*; -1 (shown "Unknown") for a link type not mapped here.
int32_t wtapEncap(uint32_t linkType)
{
    switch (linkType) {
    case 1:
        return 1;
    case 12:
    case 14:
    case 101:
        return 7;
    case 0:
        return 15;
    case 113:
        return 25;
    case 253:
        return 158;
    case 276:
        return 210;
    default:
        return -1;
    }
}

constexpr FieldDef kFields[] = {
    {"frame.number", "Frame Number", FieldType::FrameNum, Base::Dec},
    {"frame.len", "Frame Length", FieldType::UInt32, Base::Dec, 0, {}, " bytes"},
    {"frame.cap_len", "Capture Length", FieldType::UInt32, Base::Dec, 0, {}, " bytes"},
    {"frame.time", "Arrival Time", FieldType::AbsTime},
    {"frame.time_epoch", "Epoch Time", FieldType::AbsTime, Base::Dec, 0, {}, " seconds"},
    {"frame.time_relative", "Time since reference or first frame", FieldType::RelTime},
    {"frame.time_delta", "Time delta from previous captured frame", FieldType::RelTime},
    {"frame.interface_id", "Interface id", FieldType::UInt32, Base::Dec},
    {"frame.encap_type", "Encapsulation type", FieldType::Int32, Base::Dec, 0, kEncapNames},
    {"frame.offset_shift", "Time shift for this packet", FieldType::RelTime},
    {"frame.time_delta_displayed", "Time delta from previous displayed frame", FieldType::RelTime},
    {"frame.marked", "Frame is marked", FieldType::Boolean, Base::None, 0, {}, {}, "True", "False"},
    {"frame.ignored",
     "Frame is ignored",
     FieldType::Boolean,
     Base::None,
     0,
     {},
     {},
     "True",
     "False"},
    {"frame.protocols", "Protocols in frame", FieldType::String},
    {"frame.section_number", "Section number", FieldType::UInt32, Base::Dec},
    {"frame.interface_name", "Interface name", FieldType::String},
    {"frame.comment", "Comment", FieldType::String, Base::ValueOnly},
    {"frame.comment.expert", "Formatted comment", FieldType::None},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;
FieldBlock s_comments; ///< Wireshark's "Packet comments" (pkt_comment) above the Frame item

/// First and previous frame times of the capture, for relative and delta times.
struct FrameTimes
{
    bool seen = false;
    int64_t firstSec = 0, prevSec = 0;
    uint32_t firstNsec = 0, prevNsec = 0;
};

/// The previous frame's time, for time_delta on a revisit. Every frame has one, so they are
/// kept densely by frame number and packed to 12 bytes: this is most of what the application
/// holds per packet besides the file's offset index.
#pragma pack(push, 4)
struct PreviousTime
{
    int64_t sec;
    uint32_t nsec;
};
#pragma pack(pop)
static_assert(sizeof(PreviousTime) == 12);

struct PreviousTimes
{
    std::vector<PreviousTime> byFrame; ///< index = frame number - 1

    void record(uint64_t number, const PreviousTime &t)
    {
        if (number == byFrame.size() + 1) // the first pass numbers frames 1, 2, 3 ...
            byFrame.push_back(t);
    }
    const PreviousTime *find(uint64_t number) const
    {
        return number >= 1 && number <= byFrame.size() ? &byFrame[number - 1] : nullptr;
    }
};

std::string lengthLabel(std::string_view name, uint32_t bytes)
{
    std::string label(name);
    text::appendUInt(label, bytes);
    label += " bytes (";
    text::appendUInt(label, uint64_t(bytes) * 8);
    label += " bits)";
    return label;
}

void dissectFrame(Dissection &d, const Reader &r, Item parent)
{
    const Frame &f = d.frame();
    FrameTimes &times = d.session().state<FrameTimes>();
    if (!times.seen) {
        times = {true, f.tsSec, f.tsSec, f.tsNsec, f.tsNsec};
    }
    PreviousTime prev{times.prevSec, times.prevNsec};
    if (d.revisit()) {
        if (const PreviousTime *logged = d.session().state<PreviousTimes>().find(f.number))
            prev = *logged;
    } else if (d.recording()) {
        d.session().state<PreviousTimes>().record(f.number, prev);
    }

    if (!f.comments.empty()) {
        // Each comment with its expert note, as Wireshark lists them above the frame.
        Item comments = d.addProtocol(parent, s_comments.protocol(), r, 0, 0);
        d.setText(comments, "Packet comments");
        for (const std::string &comment : f.comments) {
            Item c = d.addString(comments, s_f[Comment], r, 0, 0, comment);
            d.expert(c, r, 0, 0, Severity::Comment, ExpertGroup::Comment, comment, 0,
                     s_f[CommentExpert]);
        }
    }
    Item frame = d.addProtocol(parent, s_f.protocol(), r, 0, r.captured());
    Item protocols;
    // The fields are added in summary mode too when a display filter reads some (an invalid
    // item collects what is wanted); without interest summary mode skips them all.
    if (frame || d.interest()) {
        // The file names the interface: escaped, so a newline in it cannot break the tree.
        std::string ifName;
        if (d.wants(s_f[InterfaceName]) || frame) {
            if (f.interfaceName.empty())
                ifName = "unknown";
            else
                text::appendEscaped(ifName, f.interfaceName);
        }
        if (frame) {
            std::string label = "Frame ";
            text::appendUInt(label, f.number);
            label += ": ";
            text::appendUInt(label, f.wireLen);
            label += " bytes on wire (";
            text::appendUInt(label, uint64_t(f.wireLen) * 8);
            label += " bits), ";
            text::appendUInt(label, f.capLen);
            label += " bytes captured (";
            text::appendUInt(label, uint64_t(f.capLen) * 8);
            label += " bits)";
            if (f.section) {
                label += " on interface ";
                label += ifName;
                label += ", id ";
                text::appendUInt(label, f.interfaceId);
            }
            d.setText(frame, std::move(label));
        }

        if (f.section) { // only a file with interface blocks has these (tshark alike)
            d.addGenerated(frame, s_f[Section], f.section, 0, false);
            Item ifId = d.addGenerated(frame, s_f[InterfaceId], f.interfaceId, 0, false);
            if (ifId) {
                std::string idLabel = "Interface id: ";
                text::appendUInt(idLabel, f.interfaceId);
                idLabel += " (";
                idLabel += ifName;
                idLabel += ')';
                d.setText(ifId, std::move(idLabel));
            }
            d.addGeneratedString(ifId, s_f[InterfaceName], std::move(ifName), false);
        }
        d.addGenerated(frame, s_f[Encap], uint64_t(uint32_t(wtapEncap(f.linkType))), 0, false);
        if (f.hasTimestamp) { // like tshark: no time fields at all for a frame without one
            d.addGenerated(frame, s_f[Time], uint64_t(f.tsSec), f.tsNsec, false);
            d.addGenerated(frame, s_f[TimeShift], 0, 0); // time shifts are not supported
            d.addGenerated(frame, s_f[TimeEpoch], uint64_t(f.tsSec), f.tsNsec, false);
            int64_t sec;
            uint32_t nsec;
            timeDifference(f.tsSec, f.tsNsec, prev.sec, prev.nsec, sec, nsec);
            d.addGenerated(frame, s_f[TimeDelta], uint64_t(sec), nsec);
            // No display filter hides frames while dissecting: the previous displayed frame
            // is the previous captured one.
            d.addGenerated(frame, s_f[TimeDeltaDisplayed], uint64_t(sec), nsec);
            timeDifference(f.tsSec, f.tsNsec, times.firstSec, times.firstNsec, sec, nsec);
            d.addGenerated(frame, s_f[TimeRelative], uint64_t(sec), nsec);
        }
        d.addGenerated(frame, s_f[Number], f.number, 0, false);
        Item len = d.addGenerated(frame, s_f[Len], f.wireLen, 0, false);
        Item capLen = d.addGenerated(frame, s_f[CapLen], f.capLen, 0, false);
        if (frame) {
            d.setText(len, lengthLabel("Frame Length: ", f.wireLen));
            d.setText(capLen, lengthLabel("Capture Length: ", f.capLen));
        }
        d.addGenerated(frame, s_f[Marked], 0);
        d.addGenerated(frame, s_f[Ignored], 0);
        if (frame) // summary mode collects it once the layers are known, below
            protocols = d.addGenerated(frame, s_f[Protocols], 0);
    }
    if (!d.revisit()) {
        times.prevSec = f.tsSec;
        times.prevNsec = f.tsNsec;
    }

    if (!d.dispatch(Table::LinkType, f.linkType, r, parent)) {
        d.setProtocol("UNKNOWN");
        d.info() = "Link type ";
        text::appendUInt(d.info(), f.linkType);
        d.info() += " is not supported";
        d.data(r, parent);
    }
    if (protocols || (!frame && d.wants(s_f[Protocols]))) {
        // Known only now: the layers the dissectors below added, in order.
        std::string list;
        for (const FieldId layer : d.layers()) {
            if (layer == s_f.protocol())
                continue;
            if (!list.empty())
                list += ':';
            list += layer == Dissection::kEtherTypeLayer ? std::string_view("ethertype")
                                                         : d.registry().field(layer).abbrev;
        }
        if (protocols)
            d.setText(protocols, std::move(list));
        else // summary mode: collected now, after the layers
            d.addGeneratedString(protocols, s_f[Protocols], std::move(list));
    }
}

} // namespace

void register_frame(Registry &reg)
{
    s_f = reg.addProtocol({"frame", "Frame", "Frame"}, kFields);
    // Measured from the previous / first frame the session saw, whatever its addresses.
    for (int f : {TimeDelta, TimeDeltaDisplayed, TimeRelative})
        reg.setCrossConversation(s_f[f]);
    // The layers above TCP/UDP can depend on earlier frames (a conversation a heuristic took).
    reg.setCrossFrame(s_f[Protocols]);
    s_comments = reg.addProtocol({"pkt_comment", "Packet comments", "Packet comments"}, {});
    reg.addDissector(Table::Core, CoreFrame, dissectFrame);
}

} // namespace pl::proto
