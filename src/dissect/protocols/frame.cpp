// Frame: the capture's own facts about a packet (lengths, time, interface), the root of
// every dissection. Not a wire protocol; mirrors Wireshark's "frame" pseudo-protocol.

#include "dissection.h"
#include "session.h"
#include "textformat.h"

#include <vector>

namespace pl::proto {

namespace {

enum F { Number, Len, CapLen, Time, TimeEpoch, TimeRelative, TimeDelta, InterfaceId, Encap, Count };

constexpr FieldDef kFields[] = {
    {"frame.number", "Frame Number", FieldType::FrameNum, Base::Dec},
    {"frame.len", "Frame Length", FieldType::UInt32, Base::Dec, 0, {}, " bytes"},
    {"frame.cap_len", "Capture Length", FieldType::UInt32, Base::Dec, 0, {}, " bytes"},
    {"frame.time", "Arrival Time", FieldType::AbsTime},
    {"frame.time_epoch", "Epoch Time", FieldType::AbsTime, Base::Dec, 0, {}, " seconds"},
    {"frame.time_relative", "Time since reference or first frame", FieldType::RelTime},
    {"frame.time_delta", "Time delta from previous captured frame", FieldType::RelTime},
    {"frame.interface_id", "Interface id", FieldType::UInt32, Base::Dec},
    {"frame.encap_type", "Encapsulation type", FieldType::Int32, Base::Dec},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

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

    Item frame = d.addProtocol(parent, s_f.protocol(), r, 0, r.captured());
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
        d.setText(frame, std::move(label));

        d.addGenerated(frame, s_f[Encap], f.linkType);
        if (f.hasTimestamp) { // like tshark: no time fields at all for a frame without one
            d.addGenerated(frame, s_f[Time], uint64_t(f.tsSec), f.tsNsec, false);
            d.addGenerated(frame, s_f[TimeEpoch], uint64_t(f.tsSec), f.tsNsec, false);
            int64_t sec;
            uint32_t nsec;
            timeDifference(f.tsSec, f.tsNsec, prev.sec, prev.nsec, sec, nsec);
            d.addGenerated(frame, s_f[TimeDelta], uint64_t(sec), nsec);
            timeDifference(f.tsSec, f.tsNsec, times.firstSec, times.firstNsec, sec, nsec);
            d.addGenerated(frame, s_f[TimeRelative], uint64_t(sec), nsec);
        }
        d.addGenerated(frame, s_f[InterfaceId], f.interfaceId, 0, false);
        d.addGenerated(frame, s_f[Number], f.number, 0, false);
        d.addGenerated(frame, s_f[Len], f.wireLen, 0, false);
        d.addGenerated(frame, s_f[CapLen], f.capLen, 0, false);
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
}

} // namespace

void register_frame(Registry &reg)
{
    s_f = reg.addProtocol({"frame", "Frame", "Frame"}, kFields);
    reg.addDissector(Table::Core, CoreFrame, dissectFrame);
}

} // namespace pl::proto
