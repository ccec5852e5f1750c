// NTP, the Network Time Protocol (UDP port 123), modes 0-5 (the time exchange).
// Specification: RFC 5905 (NTPv4, section 7.3 the packet header, 6 the timestamp eras),
// RFC 1305 (NTPv3); the reference identifiers of primary sources as in RFC 5905 figure 12.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |LI | VN  |Mode |    Stratum     |     Poll      |  Precision   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                 Root Delay (16.16 seconds)                    |
//  |               Root Dispersion (16.16 seconds)                 |
//  |                      Reference ID                             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Reference / Origin / Receive / Transmit Timestamp (64 each)  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  [Key Identifier (32) + Message Digest (128 or 160)]          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// A timestamp is 32 bits of seconds since 1900 and 32 bits of fraction. RFC 5905 section 6:
// seconds with the top bit clear belong to era 1 (from 2036-02-07), as Wireshark reads them.

#include "dissection.h"
#include "textformat.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace pl::proto {

namespace {

enum F {
    Flags,
    Li,
    Vn,
    Mode,
    Stratum,
    Poll,
    Precision,
    RootDelay,
    RootDispersion,
    RefId,
    RefTime,
    Org,
    Rec,
    Xmt,
    KeyId,
    Mac,
    Count
};

constexpr ValueName kLiNames[] = {{0, "no warning"},
                                  {1, "last minute of the day has 61 seconds"},
                                  {2, "last minute of the day has 59 seconds"},
                                  {3, "unknown (clock unsynchronized)"}};
constexpr ValueName kVnNames[] = {{0, "reserved"},      {1, "NTP Version 1"}, {2, "NTP Version 2"},
                                  {3, "NTP Version 3"}, {4, "NTP Version 4"}, {5, "reserved"},
                                  {6, "reserved"},      {7, "reserved"}};
constexpr ValueName kModeNames[] = {{0, "reserved"},
                                    {1, "symmetric active"},
                                    {2, "symmetric passive"},
                                    {3, "client"},
                                    {4, "server"},
                                    {5, "broadcast"},
                                    {6, "reserved for NTP control message"},
                                    {7, "reserved for private use"}};

constexpr FieldDef kFields[] = {
    {"ntp.flags", "Flags", FieldType::UInt8, Base::Hex},
    {"ntp.flags.li", "Leap Indicator", FieldType::UInt8, Base::Dec, 0xc0, kLiNames},
    {"ntp.flags.vn", "Version number", FieldType::UInt8, Base::Dec, 0x38, kVnNames},
    {"ntp.flags.mode", "Mode", FieldType::UInt8, Base::Dec, 0x07, kModeNames},
    {"ntp.stratum", "Peer Clock Stratum", FieldType::UInt8, Base::Dec},
    {"ntp.ppoll", "Peer Polling Interval", FieldType::UInt8, Base::Dec},
    {"ntp.precision", "Peer Clock Precision", FieldType::UInt8, Base::Dec},
    {"ntp.rootdelay", "Root Delay", FieldType::UInt32, Base::Dec},
    {"ntp.rootdispersion", "Root Dispersion", FieldType::UInt32, Base::Dec},
    {"ntp.refid", "Reference ID", FieldType::Bytes},
    // Times as the text tshark prints (an all-zero one is "NULL"): the core has no way to add
    // an AbsTime with its nanoseconds over bytes of the packet (addValue carries no aux).
    {"ntp.reftime", "Reference Timestamp", FieldType::String},
    {"ntp.org", "Origin Timestamp", FieldType::String},
    {"ntp.rec", "Receive Timestamp", FieldType::String},
    {"ntp.xmt", "Transmit Timestamp", FieldType::String},
    {"ntp.keyid", "Key ID", FieldType::Bytes},
    {"ntp.mac", "Message Authentication Code", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

// RFC 5905 figure 12 and older usage, with Wireshark's texts (stratum 0 and 1).
struct RefSource
{
    char code[4];
    std::string_view name;
};
constexpr RefSource kPrimarySources[] = {
    {{'G', 'O', 'E', 'S'}, "Geostationary Orbit Environment Satellite"},
    {{'G', 'P', 'S', 0}, "Global Position System"},
    {{'G', 'A', 'L', 0}, "Galileo Positioning System"},
    {{'P', 'P', 'S', 0}, "Generic pulse-per-second"},
    {{'I', 'R', 'I', 'G'}, "Inter-Range Instrumentation Group"},
    {{'W', 'W', 'V', 'B'}, "LF Radio WWVB Ft. Collins, CO 60 kHz"},
    {{'D', 'C', 'F', 0}, "LF Radio DCF77 Mainflingen, DE 77.5 kHz"},
    {{'H', 'B', 'G', 0}, "LF Radio HBG Prangins, HB 75 kHz"},
    {{'M', 'S', 'F', 0}, "LF Radio MSF Anthorn, UK 60 kHz"},
    {{'J', 'J', 'Y', 0}, "LF Radio JJY Fukushima, JP 40 kHz, Saga, JP 60 kHz"},
    {{'L', 'O', 'R', 'C'}, "MF Radio LORAN C station, 100 kHz"},
    {{'T', 'D', 'F', 0}, "MF Radio Allouis, FR 162 kHz"},
    {{'C', 'H', 'U', 0}, "HF Radio CHU Ottawa, Ontario"},
    {{'W', 'W', 'V', 0}, "HF Radio WWV Ft. Collins, CO"},
    {{'W', 'W', 'V', 'H'}, "HF Radio WWVH Kauai, HI"},
    {{'N', 'I', 'S', 'T'}, "NIST telephone modem"},
    {{'A', 'C', 'T', 'S'}, "NIST telephone modem"},
    {{'U', 'S', 'N', 'O'}, "USNO telephone modem"},
    {{'P', 'T', 'B', 0}, "European telephone modem"},
    {{'L', 'O', 'C', 'L'}, "uncalibrated local clock"},
    {{'C', 'E', 'S', 'M'}, "calibrated Cesium clock"},
    {{'R', 'B', 'D', 'M'}, "calibrated Rubidium clock"},
    {{'O', 'M', 'E', 'G'}, "OMEGA radionavigation system"},
    {{'D', 'C', 'N', 0}, "DCN routing protocol"},
    {{'T', 'S', 'P', 0}, "TSP time protocol"},
    {{'D', 'T', 'S', 0}, "Digital Time Service"},
    {{'A', 'T', 'O', 'M'}, "Atomic clock (calibrated)"},
    {{'V', 'L', 'F', 0}, "VLF radio (OMEGA,, etc.)"},
    {{'1', 'P', 'P', 'S'}, "External 1 PPS input"},
    {{'F', 'R', 'E', 'E'}, "(Internal clock)"},
    {{'I', 'N', 'I', 'T'}, "(Initialization)"},
};

constexpr int64_t kNtpToUnix = 2208988800; // seconds from 1900-01-01 to 1970-01-01

std::string_view stratumText(uint8_t s)
{
    if (s == 0)
        return "unspecified or invalid";
    if (s == 1)
        return "primary reference";
    if (s <= 15)
        return "secondary reference";
    if (s == 16)
        return "unsynchronized";
    return "reserved";
}

void appendFixed6(std::string &out, double v)
{
    char buf[400]; // 2^127 printed in full takes 46 characters; doubles up to 2^1023 fit
    const int n = snprintf(buf, sizeof buf, "%.6f", v);
    if (n > 0)
        out.append(buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

/// Wireshark's absolute time text: "Aug 16, 2015 19:25:48.749582159 UTC".
std::string timestampText(uint32_t secs, uint32_t frac)
{
    if (secs == 0 && frac == 0)
        return "NULL";
    // Era 0 when the top bit is set (1968-2036), else era 1 (2036-2104).
    const int64_t unix =
        int64_t(secs) + ((secs & 0x80000000u) ? 0 : (int64_t(1) << 32)) - kNtpToUnix;
    const uint32_t ns = uint32_t((uint64_t(frac) * 1000000000u) >> 32); // cut, not rounded
    static constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const time_t t = time_t(unix);
    struct tm tm
    {
    };
    if (!gmtime_r(&t, &tm))
        return "Not representable";
    char buf[64];
    const int n =
        snprintf(buf, sizeof buf, "%s %2d, %d %02d:%02d:%02d.%09u UTC", kMonths[tm.tm_mon],
                 tm.tm_mday, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
    return std::string(buf, size_t(n > 0 ? n : 0));
}

void addTimestamp(Dissection &d, Item ntp, const Reader &r, size_t at, int field)
{
    const uint32_t secs = r.u32(at), frac = r.u32(at + 4);
    d.addString(ntp, s_f[field], r, at, 8,
                d.wants(s_f[field]) ? timestampText(secs, frac) : std::string());
}

void dissectNtp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("NTP");
    const uint8_t flags = r.u8(0);
    const uint8_t vn = (flags >> 3) & 7, mode = flags & 7;
    // "NTP Version 4, client": the Info column and the protocol line.
    auto writeSummary = [&](std::string &out) {
        out += "NTP Version ";
        text::appendUInt(out, vn);
        out += ", ";
        out += nameOf(kModeNames, mode);
    };
    if (d.columns()) {
        d.info().clear();
        writeSummary(d.info());
    }

    Item ntp = d.addProtocol(parent, s_f.protocol(), r, 0, r.reported());
    if (ntp) {
        std::string label = "Network Time Protocol (";
        writeSummary(label);
        d.setText(ntp, label + ")");
    }
    Item fl = d.addUInt(ntp, s_f[Flags], r, 0, 1);
    if (fl) {
        std::string s = "Flags: ";
        text::appendHex(s, flags, 2);
        s += ", Leap Indicator: ";
        s += nameOf(kLiNames, flags >> 6);
        s += ", Version number: ";
        s += nameOf(kVnNames, vn);
        s += ", Mode: ";
        s += nameOf(kModeNames, mode);
        d.setText(fl, std::move(s));
    }
    d.addUInt(fl, s_f[Li], r, 0, 1);
    d.addUInt(fl, s_f[Vn], r, 0, 1);
    d.addUInt(fl, s_f[Mode], r, 0, 1);
    if (mode == 6 || mode == 7) {
        // Control and private messages have formats of their own, not decoded here.
        d.data(r.sub(1), parent);
        return;
    }

    const uint8_t stratum = r.u8(1);
    Item it = d.addUInt(ntp, s_f[Stratum], r, 1, 1);
    if (it)
        d.setText(it, "Peer Clock Stratum: " + std::string(stratumText(stratum)) + " (" +
                          text::uintString(stratum) + ")");
    const uint8_t poll = r.u8(2);
    it = d.addUInt(ntp, s_f[Poll], r, 2, 1);
    if (it) {
        std::string s = "Peer Polling Interval: ";
        if (poll < 4 || poll > 17) {
            s += "invalid (" + text::uintString(poll) + ")";
        } else {
            s +=
                text::uintString(poll) + " (" + text::uintString(uint64_t(1) << poll) + " seconds)";
        }
        d.setText(it, std::move(s));
    }
    const int8_t precision = int8_t(r.u8(3));
    it = d.addUInt(ntp, s_f[Precision], r, 3, 1);
    if (it) {
        std::string s = "Peer Clock Precision: ";
        appendFixed6(s, std::ldexp(1.0, precision));
        s += " seconds";
        d.setText(it, std::move(s));
    }
    it = d.addUInt(ntp, s_f[RootDelay], r, 4, 4);
    if (it) {
        std::string s = "Root Delay: ";
        appendFixed6(s, r.u32(4) / 65536.0);
        d.setText(it, s + " seconds");
    }
    it = d.addUInt(ntp, s_f[RootDispersion], r, 8, 4);
    if (it) {
        std::string s = "Root Dispersion: ";
        appendFixed6(s, r.u32(8) / 65536.0);
        d.setText(it, s + " seconds");
    }
    it = d.addBytes(ntp, s_f[RefId], r, 12, 4);
    if (it) {
        const uint8_t *p = r.ptr(12, 4);
        std::string s = "Reference ID: ";
        if (!p[0] && !p[1] && !p[2] && !p[3]) {
            s += "NULL";
        } else if (stratum <= 1) {
            std::string_view name;
            for (const RefSource &src : kPrimarySources)
                if (std::memcmp(src.code, p, 4) == 0)
                    name = src.name;
            if (!name.empty()) {
                s += name;
            } else {
                size_t n = 0;
                while (n < 4 && p[n])
                    ++n;
                s += "Unidentified reference source '";
                text::appendEscaped(s, std::string_view(reinterpret_cast<const char *>(p), n));
                s += '\'';
            }
        } else {
            text::appendIPv4(s, p);
        }
        d.setText(it, std::move(s));
    }
    addTimestamp(d, ntp, r, 16, RefTime);
    addTimestamp(d, ntp, r, 24, Org);
    addTimestamp(d, ntp, r, 32, Rec);
    addTimestamp(d, ntp, r, 40, Xmt);

    // RFC 5905 7.3: an optional key identifier and message digest (MD5 16 or SHA-1 20 bytes).
    const size_t rest = r.reportedFrom(48);
    if (rest == 20 || rest == 24) {
        d.addBytes(ntp, s_f[KeyId], r, 48, 4);
        d.addBytes(ntp, s_f[Mac], r, 52, rest - 4);
    }
}

} // namespace

void register_ntp(Registry &reg)
{
    s_f = reg.addProtocol({"ntp", "NTP", "Network Time Protocol"}, kFields);
    reg.addDissector(Table::UdpPort, 123, dissectNtp);
}

} // namespace pl::proto
