// Point-to-Point Protocol frames as GRE carries them for PPTP (ethertype 0x880b), and the
// header of the Link Control Protocol.
// Specification: RFC 1661 (PPP, LCP packet format and codes), RFC 1662 section 3.1 (the
// HDLC-like address 0xff and control 0x03, which address/control field compression drops),
// RFC 2637 section 4.1 (PPP in enhanced GRE, without FCS).
//
//  +----------+----------+----------+-------------+
//  | Address  | Control  | Protocol | Information |
//  | 0xff     | 0x03     | 1-2 bytes|     ...     |
//  +----------+----------+----------+-------------+
//
//  LCP:  | Code (1) | Identifier (1) | Length (2) | Data (options ...) |
//
// IPv4 (0x0021) and IPv6 (0x0057) are handed on; LCP gets its header and option names;
// other protocols (IPCP, PAP, CHAP, CCP ...) are shown as data.

#include "dissection.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F { Address, Control, Protocol, Count };
// clang-format off
enum L {
    Code, Identifier, Length, OptType, OptLength, OptData, OptMru, OptMagicNumber, OptOperation,
    OptMessage, OptMrru, OptEpDiscClass, OptMtuBytes, OptMagicNumberBytes, OptFieldCompress,
    OptAddrFieldCompress, OptCallback, OptMultilinkMrru, OptMultilinkSsnh, OptMultilinkEpDisc,
    LCount,
};
// clang-format on

constexpr ValueName kProtocolNames[] = {
    {0x0021, "Internet Protocol version 4"},
    {0x002d, "Van Jacobson Compressed TCP/IP"},
    {0x0031, "Bridging PDU"},
    {0x0057, "Internet Protocol version 6"},
    {0x00fd, "Compressed datagram"},
    {0x8021, "Internet Protocol Control Protocol"},
    {0x8057, "IPv6 Control Protocol"},
    {0x80fd, "Compression Control Protocol"},
    {0xc021, "Link Control Protocol"},
    {0xc023, "Password Authentication Protocol"},
    {0xc025, "Link Quality Report"},
    {0xc223, "Challenge Handshake Authentication Protocol"},
};

constexpr ValueName kLcpCodes[] = {
    {1, "Configuration Request"}, {2, "Configuration Ack"},   {3, "Configuration Nak"},
    {4, "Configuration Reject"},  {5, "Termination Request"}, {6, "Termination Ack"},
    {7, "Code Reject"},           {8, "Protocol Reject"},     {9, "Echo Request"},
    {10, "Echo Reply"},           {11, "Discard Request"},    {12, "Identification"},
    {13, "Time Remaining"},
};

constexpr ValueName kLcpOptions[] = {
    {1, "Maximum Receive Unit"},
    {2, "Async Control Character Map"},
    {3, "Authentication Protocol"},
    {4, "Quality Protocol"},
    {5, "Magic Number"},
    {7, "Protocol Field Compression"},
    {8, "Address and Control Field Compression"},
    {13, "Callback"},
    {17, "Multilink MRRU"},
    {18, "Multilink Short Sequence Number Header"},
    {19, "Multilink Endpoint Discriminator"},
};

constexpr FieldDef kFields[] = {
    {"ppp.address", "Address", FieldType::UInt8, Base::Hex},
    {"ppp.control", "Control", FieldType::UInt8, Base::Hex},
    {"ppp.protocol", "Protocol", FieldType::UInt16, Base::Hex, 0, kProtocolNames},
};
static_assert(std::size(kFields) == Count);

// LCP's header fields carry PPP's names in Wireshark (ppp.code), under the lcp protocol.
constexpr ValueName kCallbackOperations[] = {
    {0, "Location is determined by user authentication"},
    {1, "Message is dialing string"},
    {2, "Message is location identifier"},
    {3, "Message is E.164"},
    {4, "Message is distinguished name"},
    {5, "unassigned"},
    {6, "Location is determined during CBCP negotiation"},
};

constexpr ValueName kEpDiscClasses[] = {
    {0, "Null"},
    {1, "Locally assigned address"},
    {2, "Internet Protocol (IP) address"},
    {3, "IEEE 802.1 globally assigned MAC address"},
    {4, "PPP magic-number block"},
    {5, "Public switched network directory number"},
};

constexpr FieldDef kLcpFields[] = {
    {"ppp.code", "Code", FieldType::UInt8, Base::Dec, 0, kLcpCodes},
    {"ppp.identifier", "Identifier", FieldType::UInt8, Base::DecHex},
    {"ppp.length", "Length", FieldType::UInt16, Base::Dec},
    {"lcp.opt.type", "Type", FieldType::UInt8, Base::Dec, 0, kLcpOptions},
    {"lcp.opt.length", "Length", FieldType::UInt8, Base::Dec},
    {"lcp.opt.data", "Data", FieldType::Bytes},
    {"lcp.opt.mru", "Maximum Receive Unit", FieldType::UInt16, Base::Dec},
    {"lcp.opt.magic_number", "Magic Number", FieldType::UInt32, Base::Hex},
    {"lcp.opt.operation", "Operation", FieldType::UInt8, Base::Dec, 0, kCallbackOperations},
    {"lcp.opt.message", "Message", FieldType::Bytes},
    {"lcp.opt.mrru", "MRRU", FieldType::UInt16, Base::Dec},
    {"lcp.opt.ep_disc_class", "Class", FieldType::UInt8, Base::Dec, 0, kEpDiscClasses},
    // Each option's own item: Wireshark registers them as protocols in name only, whose
    // -T fields value is the option's bytes.
    {"lcp.opt.mtu_bytes", "Maximum Receive Unit", FieldType::Bytes},
    {"lcp.opt.magic_number_bytes", "Magic Number", FieldType::Bytes},
    {"lcp.opt.field_compress", "Protocol Field Compression", FieldType::Bytes},
    {"lcp.opt.addr_field_compress", "Address and Control Field Compression", FieldType::Bytes},
    {"lcp.opt.callback", "Callback", FieldType::Bytes},
    {"lcp.opt.multilink_mrru", "Multilink MRRU", FieldType::Bytes},
    {"lcp.opt.multilink_ssnh", "Multilink Short Sequence Number Header", FieldType::Bytes},
    {"lcp.opt.multilink_ep_disc", "Multilink Endpoint Discriminator", FieldType::Bytes},
};
static_assert(std::size(kLcpFields) == LCount);

FieldBlock s_f;
FieldBlock s_lcp;

/// One option: its item (named after the option, with its value), then type, length and
/// value below, as Wireshark shows them. Options this file does not know show as data.
void addLcpOption(Dissection &d, Item options, const Reader &r, size_t p, uint8_t type, uint8_t len)
{
    const Reader o = r.sub(p, len);
    int container = -1;
    switch (type) {
    case 1:
        container = len == 4 ? OptMtuBytes : -1;
        break;
    case 5:
        container = len == 6 ? OptMagicNumberBytes : -1;
        break;
    case 7:
        container = len == 2 ? OptFieldCompress : -1;
        break;
    case 8:
        container = len == 2 ? OptAddrFieldCompress : -1;
        break;
    case 13:
        container = len >= 3 ? OptCallback : -1;
        break;
    case 17:
        container = len == 4 ? OptMultilinkMrru : -1;
        break;
    case 18:
        container = len == 2 ? OptMultilinkSsnh : -1;
        break;
    case 19:
        container = len >= 3 ? OptMultilinkEpDisc : -1;
        break;
    default:
        break;
    }
    Item opt;
    if (container >= 0) {
        opt = d.addBytes(options, s_lcp[container], o, 0, len);
        if (opt) {
            std::string label(kLcpFields[container].name);
            switch (type) {
            case 1:
                label += ": ";
                text::appendUInt(label, o.u16(2));
                break;
            case 5:
                label += ": ";
                text::appendHex(label, o.u32(2), 8);
                break;
            case 13:
                label += ": ";
                label += nameOf(kCallbackOperations, o.u8(2));
                break;
            case 17:
                label += ": ";
                text::appendUInt(label, o.u16(2));
                break;
            case 19: {
                label += ": Class: ";
                const std::string_view c = nameOf(kEpDiscClasses, o.u8(2));
                label += c.empty() ? std::string_view("Unknown") : c;
                break;
            }
            default:
                break;
            }
            d.setText(opt, std::move(label));
        }
    } else if (options) {
        const std::string_view name = nameOf(kLcpOptions, type);
        opt = d.addText(options, o, 0, len, std::string(name.empty() ? "Unknown" : name));
    }
    d.addUInt(opt, s_lcp[OptType], o, 0, 1);
    d.addUInt(opt, s_lcp[OptLength], o, 1, 1);
    switch (container) {
    case OptMtuBytes:
        d.addUInt(opt, s_lcp[OptMru], o, 2, 2);
        break;
    case OptMagicNumberBytes:
        d.addUInt(opt, s_lcp[OptMagicNumber], o, 2, 4);
        break;
    case OptCallback:
        d.addUInt(opt, s_lcp[OptOperation], o, 2, 1);
        if (len > 3)
            d.addBytes(opt, s_lcp[OptMessage], o, 3, len - 3u);
        break;
    case OptMultilinkMrru:
        d.addUInt(opt, s_lcp[OptMrru], o, 2, 2);
        break;
    case OptMultilinkEpDisc:
        d.addUInt(opt, s_lcp[OptEpDiscClass], o, 2, 1);
        if (len > 3)
            d.addBytes(opt, s_lcp[OptData], o, 3, len - 3u);
        break;
    case -1:
        if (len > 2)
            d.addBytes(opt, s_lcp[OptData], o, 2, len - 2u);
        break;
    default:
        break;
    }
}

/// `Options: (40 bytes), Magic Number, Protocol Field Compression`, then each option.
void addLcpOptions(Dissection &d, Item lcp, const Reader &r, size_t at, size_t end)
{
    if (at >= end)
        return;
    std::string label;
    if (lcp) {
        label = "Options: (";
        text::appendUInt(label, end - at);
        label += " bytes)";
        for (size_t p = at; p + 2 <= end && r.has(p, 2);) {
            const uint8_t type = r.u8(p), len = r.u8(p + 1);
            label += ", ";
            const std::string_view name = nameOf(kLcpOptions, type);
            label += name.empty() ? std::string_view("Unknown") : name;
            if (len < 2)
                break; // a zero length would never advance
            p += len;
        }
    }
    Item options = d.addText(lcp, r, at, end - at, std::move(label));
    // Each option reads at least its two header bytes, so the loop ends with the bytes.
    for (size_t p = at; p + 2 <= end;) {
        const uint8_t type = r.u8(p), len = r.u8(p + 1);
        if (len < 2 || p + len > end)
            break; // Wireshark notes an invalid length; the rest is not options
        addLcpOption(d, options, r, p, type, len);
        p += len;
    }
}

void dissectLcp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("PPP LCP");
    Item lcp = d.addProtocol(parent, s_lcp.protocol(), r, 0, r.reported());
    const uint8_t code = r.u8(0);
    if (d.columns()) {
        const std::string_view name = nameOf(kLcpCodes, code);
        d.info() = name.empty() ? std::string_view("Unknown") : name;
    }
    d.addUInt(lcp, s_lcp[Code], r, 0, 1);
    d.addUInt(lcp, s_lcp[Identifier], r, 1, 1);
    d.addUInt(lcp, s_lcp[Length], r, 2, 2);
    const uint16_t length = r.u16(2);
    const size_t end = length < r.reported() ? length : r.reported();
    d.setLength(lcp, end);
    r.require(0, length); // a length past the packet is malformed (RFC 1661 5: at most MRU)
    if (code >= 1 && code <= 4)
        addLcpOptions(d, lcp, r, 4, end);
}

void dissectPpp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("PPP");
    Item ppp = d.addProtocol(parent, s_f.protocol(), r, 0, 4);
    size_t at = 0;
    // RFC 1662 3.2: address and control may be compressed away, detected by the 0xff.
    if (r.u8(0) == 0xff) {
        d.addUInt(ppp, s_f[Address], r, 0, 1);
        d.addUInt(ppp, s_f[Control], r, 1, 1);
        at = 2;
    }
    // RFC 1661 2: protocol numbers are odd in their low byte; with protocol field
    // compression a first odd byte is the whole (one-byte) protocol.
    uint16_t proto;
    if (r.u8(at) & 1) {
        proto = r.u8(at);
        d.addValue(ppp, s_f[Protocol], r, at, 1, proto);
        at += 1;
    } else {
        proto = r.u16(at);
        d.addUInt(ppp, s_f[Protocol], r, at, 2);
        at += 2;
    }
    d.setLength(ppp, at);

    const Reader payload = r.sub(at);
    bool done = false;
    // Wireshark's IPv4 and IPv6 dissectors start by clearing the Info column.
    if (proto == 0x0021 || proto == 0x0057)
        d.info().clear();
    if (proto == 0x0021)
        done = d.dispatch(Table::EtherType, 0x0800, payload, parent);
    else if (proto == 0x0057)
        done = d.dispatch(Table::EtherType, 0x86dd, payload, parent);
    else if (proto == 0xc021)
        done = (d.call(dissectLcp, payload, parent), true);
    if (done)
        return;
    // Wireshark's Info for a protocol it does not hand on: `PPP <name> (0x....)`. (Its
    // Protocol column then shows the number, `0x8021`; the column holds a string_view into
    // static text here, so it stays `PPP`.)
    if (d.columns()) {
        std::string &info = d.info();
        info = "PPP ";
        const std::string_view name = nameOf(kProtocolNames, proto);
        info += name.empty() ? std::string_view("Unknown") : name;
        info += " (";
        text::appendHex(info, proto, 4);
        info += ')';
    }
    d.data(payload, parent);
}

} // namespace

void register_ppp(Registry &reg)
{
    s_f = reg.addProtocol({"ppp", "PPP", "Point-to-Point Protocol"}, kFields);
    s_lcp = reg.addProtocol({"lcp", "PPP LCP", "PPP Link Control Protocol"}, kLcpFields);
    reg.addDissector(Table::EtherType, 0x880b, dissectPpp);
}

} // namespace pl::proto
