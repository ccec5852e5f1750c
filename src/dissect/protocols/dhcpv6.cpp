// DHCPv6, the Dynamic Host Configuration Protocol for IPv6 (UDP ports 546 and 547).
// Specification: RFC 8415 (messages, options, DUIDs, status codes), RFC 3646 (DNS servers and
// domain search list), RFC 5007 (leasequery), option names after IANA's registry as
// Wireshark spells them.
//
//  Client/server message:                 Relay message (Relay-forw 12, Relay-reply 13):
//   0               1               2               3
//  +---------------+-----------------------------------------------+
//  |    msg-type   |               transaction-id (24)             |
//  +---------------+-----------------------------------------------+
//  |   options: option-code (16), option-len (16), option-data ... |
//  +---------------------------------------------------------------+
//   msg-type (8) hop-count (8) link-address (128) peer-address (128) options
//
// Options nest (IA_NA holds IA Address, which holds Status code; Relay Message holds a whole
// message): nesting is bounded by kMaxDepth so a hostile packet cannot recurse without end.

#include "arphrd.h"
#include "dissection.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F {
    MsgType,
    HopCount,
    LinkAddr,
    PeerAddr,
    Xid,
    OptTypeStr,
    OptType,
    OptLength,
    DuidBytes,
    DuidType,
    DuidLltHwType,
    DuidLltTime,
    DuidLltLinkLayer,
    DuidLlHwType,
    DuidLlLinkLayer,
    DuidEnEnterprise,
    DuidEnIdentifier,
    DuidUuid,
    Iaid,
    IaidT1,
    IaidT2,
    Iata,
    IaAddrIp,
    IaAddrPref,
    IaAddrValid,
    RequestedOption,
    Preference,
    ElapsedTime,
    StatusCode,
    StatusMsg,
    InterfaceId,
    DnsServer,
    SearchListEntry,
    Count
};

constexpr ValueName kMessageTypes[] = {
    {1, "Solicit"},
    {2, "Advertise"},
    {3, "Request"},
    {4, "Confirm"},
    {5, "Renew"},
    {6, "Rebind"},
    {7, "Reply"},
    {8, "Release"},
    {9, "Decline"},
    {10, "Reconfigure"},
    {11, "Information-request"},
    {12, "Relay-forw"},
    {13, "Relay-reply"},
    {14, "Leasequery"},
    {15, "Leasequery-reply"},
    {16, "Leasequery-done"},
    {17, "Leasequery-data"},
    {18, "Reconfigure-request"},
    {19, "Reconfigure-reply"},
};

constexpr std::string_view kOptionNames[] = {
    "Unknown",
    "Client Identifier",
    "Server Identifier",
    "Identity Association for Non-temporary Address",
    "Identity Association for Temporary Address",
    "IA Address",
    "Option Request",
    "Preference",
    "Elapsed time",
    "Relay Message",
    "Unknown",
    "Authentication",
    "Server unicast",
    "Status code",
    "Rapid Commit",
    "User Class",
    "Vendor Class",
    "Vendor-specific Information",
    "Interface-Id",
    "Reconfigure Message",
    "Reconfigure Accept",
    "SIP Server Domain Name List",
    "SIP Servers IPv6 Address List",
    "DNS recursive name server",
    "Domain Search List",
    "Identity Association for Prefix Delegation",
    "IA Prefix",
    "Network Information Server",
    "Network Information Server V2",
    "Network Information Server Domain Name",
    "Network Information Server V2 Domain Name",
    "Simple Network Time Protocol Server",
    "Lifetime",
    "BCMCS Server Domain",
    "BCMCS Servers IPv6 Address List",
    "Unknown",
    "Geoconf Civic Address",
    "Remote Identifier",
    "Subscriber Identifier",
    "Client Fully Qualified Domain Name",
    "PANA Agents IPv6 Address List",
    "Time Zone",
    "Time Zone Database",
    "Echo Request Option",
    "Leasequery Query",
    "Leasequery Client Data",
    "Client Last Transaction Time",
    "Leasequery Relay Data",
    "Leasequery Client Link Address List",
    "Home Network Identifier FQDN",
    "Visited Home Network Information",
    "LoST Server",
    "CAPWAP Access Controllers",
    "Relay-ID",
    "MoS IPv6 Address",
    "MoS Domain Name List",
    "NTP Server",
    "Access Network Domain Name",
    "SIP User Agent Configuration Service Domains",
    "Boot File URL",
    "Boot File Parameters",
    "Client System Architecture Type",
    "Client Network Interface Identifier",
    "Geolocation",
    "Dual-Stack Lite AFTR Name",
    "ERP Local Domain Name",
    "Relay-Supplied Options",
    "Prefix Exclude",
    "Virtual Subnet Selection",
    "Identified Home Network Information",
    "Unrestricted Home Network Information",
    "Home Network Prefix",
    "Home Agent Address",
    "Home Agent FQDN",
    "RDNSS Selection",
    "Kerberos Principal Name",
    "Kerberos Realm Name",
    "Kerberos Default Realm Name",
    "Kerberos KDC",
    "Client Link-Layer Address",
    "Link Address",
    "RADIUS",
    "SOL_MAX_RT",
    "INF_MAX_RT",
    "Address Selection",
    "Address Selection table",
    "PCP Server",
    "DHCPv4 Message",
    "DHCP 4o6 Servers Address",
    "S46 Rule",
    "S46 BR",
    "S46 DMR",
    "S46 IPv4/IPv6 Address Binding",
    "S46 Port Parameters",
    "S46 MAP-E Container",
    "S46 MAP-T Container",
    "S46 Lightweight 4over6 Container",
    "4rd Options",
    "4rd Mapping Rule",
    "4rd Non-Mapping Rule",
    "LQ Server Base Time",
    "LQ Server Query Start Time",
    "LQ Server Query End Time",
    "Captive Portal",
    "MPL Parameter Configuration",
    "Access Technology Type",
    "Access Network Name",
    "Access Point Name",
    "Access Point BSSID",
    "Access Network Operator ID",
    "Access Network Operator Realm",
    "S46 Priority",
    "Manufacturer Usage Description",
    "IPv4/IPv6 Multicast Prefixes",
    "Failover Binding Status",
    "Failover Connect Flags",
    "Failover DNS Removal Info",
    "Failover DNS Hostname",
    "Failover DNS Zone Name",
    "Failover DNS Flags",
    "Failover Expiration Time",
    "Failover Maximum Number Unacked BNDUPD Messages",
    "Failover Maximum Client Lead Time (MCLT)",
    "Failover Partner Lifetime",
    "Failover Partner Lifetime Sent",
    "Failover Partner Down Time",
    "Failover Partner Raw Client Time",
    "Failover Protocol Version",
    "Failover Keepalive Time",
    "Failover Reconfigure Data",
    "Failover Relationship Name",
    "Failover Server Flags",
    "Failover Server State",
    "Failover Start Time of State",
    "Failover State Expiration Time",
    "Relay Source Port",
    "SZTP Redirect",
    "Softwire Source Binding Prefix Hint",
    "Unknown",
    "Unknown",
    "Unknown",
    "Unknown",
    "Unknown",
    "ANDSF IPv6 Address",
};

std::string_view optionName(uint16_t code)
{
    return code < std::size(kOptionNames) ? kOptionNames[code] : std::string_view("Unknown");
}

constexpr ValueName kStatusCodes[] = {
    {0, "Success"},        {1, "UnspecFail"},
    {2, "NoAddrAvail"},    {3, "NoBinding"},
    {4, "NotOnLink"},      {5, "UseMulticast"},
    {6, "NoPrefixAvail"},  {7, "UnknownQueryType"},
    {8, "MalformedQuery"}, {9, "NotConfigured"},
    {10, "NotAllowed"},    {11, "QueryTerminated"},
    {12, "DataMissing"},   {13, "CatchUpComplete"},
    {14, "NotSupported"},  {15, "TLSConnectionRefused"},
};

constexpr ValueName kDuidTypes[] = {{1, "link-layer address plus time"},
                                    {2, "assigned by vendor based on Enterprise number"},
                                    {3, "link-layer address"},
                                    {4, "Universally Unique IDentifier (UUID)"}};

constexpr FieldDef kFields[] = {
    {"dhcpv6.msgtype", "Message type", FieldType::UInt8, Base::Dec, 0, kMessageTypes},
    {"dhcpv6.hopcount", "Hopcount", FieldType::UInt8, Base::Dec},
    {"dhcpv6.linkaddr", "Link address", FieldType::IPv6},
    {"dhcpv6.peeraddr", "Peer address", FieldType::IPv6},
    {"dhcpv6.xid", "Transaction ID", FieldType::UInt24, Base::Hex},
    {"dhcpv6.option.type_str", "Option", FieldType::String, Base::ValueOnly},
    {"dhcpv6.option.type", "Option", FieldType::UInt16, Base::Dec},
    {"dhcpv6.option.length", "Length", FieldType::UInt16, Base::Dec},
    {"dhcpv6.duid.bytes", "DUID", FieldType::Bytes},
    {"dhcpv6.duid.type", "DUID Type", FieldType::UInt16, Base::Dec, 0, kDuidTypes},
    {"dhcpv6.duidllt.hwtype", "Hardware type", FieldType::UInt16, Base::Dec, 0, kArpHrdNames},
    {"dhcpv6.duidllt.time", "DUID Time", FieldType::AbsTime},
    {"dhcpv6.duidllt.link_layer_addr", "Link-layer address", FieldType::String},
    {"dhcpv6.duidll.hwtype", "Hardware type", FieldType::UInt16, Base::Dec, 0, kArpHrdNames},
    {"dhcpv6.duidll.link_layer_addr", "Link-layer address", FieldType::String},
    {"dhcpv6.duiden.enterprise", "Enterprise ID", FieldType::UInt32, Base::Dec},
    {"dhcpv6.duiden.identifier", "Identifier", FieldType::Bytes},
    {"dhcpv6.duiduuid.bytes", "UUID", FieldType::Bytes},
    {"dhcpv6.iaid", "IAID", FieldType::String},
    {"dhcpv6.iaid.t1", "T1", FieldType::UInt32, Base::Dec},
    {"dhcpv6.iaid.t2", "T2", FieldType::UInt32, Base::Dec},
    {"dhcpv6.iata", "IATA", FieldType::String},
    {"dhcpv6.iaaddr.ip", "IPv6 address", FieldType::IPv6},
    {"dhcpv6.iaaddr.pref_lifetime", "Preferred lifetime", FieldType::UInt32, Base::Dec},
    {"dhcpv6.iaaddr.valid_lifetime", "Valid lifetime", FieldType::UInt32, Base::Dec},
    {"dhcpv6.requested_option_code", "Requested Option code", FieldType::UInt16, Base::Dec},
    {"dhcpv6.preference", "Pref-value", FieldType::UInt8, Base::Dec},
    {"dhcpv6.elapsed_time", "Elapsed time", FieldType::UInt16, Base::Dec},
    {"dhcpv6.status_code", "Status Code", FieldType::UInt16, Base::Dec, 0, kStatusCodes},
    {"dhcpv6.status_msg", "Status Message", FieldType::String},
    {"dhcpv6.interface_id", "Interface-ID", FieldType::Bytes},
    {"dhcpv6.dns_server", "DNS server address", FieldType::IPv6},
    {"dhcpv6.search_list_entry", "List entry", FieldType::String},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

// Relay messages nest a whole message in an option; options nest options. Bound both.
constexpr int kMaxDepth = 32;
constexpr size_t kDuidTimeEpoch = 946684800; // 2000-01-01 00:00:00 UTC (RFC 8415 11.2)

std::string hexString(const Reader &r, size_t at, size_t len)
{
    std::string s;
    text::appendHexBytes(s, r.ptr(at, len), len);
    return s;
}

std::string colonHex(const Reader &r, size_t at, size_t len)
{
    std::string s;
    text::appendHexBytes(s, r.ptr(at, len), len, ':');
    return s;
}

void dissectMessage(Dissection &d, const Reader &r, Item parent, int depth);
void dissectOptions(Dissection &d, const Reader &r, size_t at, Item parent, int depth);

void dissectDuid(Dissection &d, const Reader &r, size_t at, size_t len, Item opt)
{
    d.addBytes(opt, s_f[DuidBytes], r, at, len);
    if (len < 2)
        return;
    const uint16_t type = r.u16(at);
    d.addUInt(opt, s_f[DuidType], r, at, 2);
    if (type == 1 && len >= 8) {
        d.addUInt(opt, s_f[DuidLltHwType], r, at + 2, 2);
        d.addValue(opt, s_f[DuidLltTime], r, at + 4, 4, r.u32(at + 4) + kDuidTimeEpoch);
        d.addString(opt, s_f[DuidLltLinkLayer], r, at + 8, len - 8,
                    d.wants(s_f[DuidLltLinkLayer]) ? colonHex(r, at + 8, len - 8) : std::string());
    } else if (type == 3 && len >= 4) {
        d.addUInt(opt, s_f[DuidLlHwType], r, at + 2, 2);
        d.addString(opt, s_f[DuidLlLinkLayer], r, at + 4, len - 4,
                    d.wants(s_f[DuidLlLinkLayer]) ? colonHex(r, at + 4, len - 4) : std::string());
    } else if (type == 2 && len >= 6) {
        d.addUInt(opt, s_f[DuidEnEnterprise], r, at + 2, 4);
        if (len > 6)
            d.addBytes(opt, s_f[DuidEnIdentifier], r, at + 6, len - 6);
    } else if (type == 4 && len == 18) {
        d.addBytes(opt, s_f[DuidUuid], r, at + 2, 16);
    }
}

/// RFC 1035 names, uncompressed (RFC 8415 10), in `len` bytes at `at`: "example.com." each.
void dissectDomainList(Dissection &d, const Reader &r, size_t at, size_t len, Item parent)
{
    const size_t end = at + len;
    while (at < end) {
        const size_t start = at;
        std::string name;
        // Each label consumes at least one byte: the loop is bounded by the option length.
        while (at < end) {
            const uint8_t l = r.u8(at++);
            if (l == 0)
                break;
            if (l > end - at) { // a label past the option: show the rest as what it is
                at = end;
                break;
            }
            text::appendEscaped(name,
                                std::string_view(reinterpret_cast<const char *>(r.ptr(at, l)), l));
            name += '.';
            at += l;
        }
        d.addString(parent, s_f[SearchListEntry], r, start, at - start, name);
    }
}

bool wantInfo(Dissection &d)
{
    return d.columns() && !d.columnsFrozen();
}

void appendInfo(Dissection &d, std::string_view what, const std::string &value)
{
    std::string &info = d.info();
    info += what;
    info += value;
    info += ' ';
}

void dissectOption(Dissection &d, const Reader &r, size_t at, Item parent, int depth)
{
    const uint16_t code = r.u16(at);
    const uint16_t len = r.u16(at + 2);
    const size_t v = at + 4;
    const std::string_view name = optionName(code);
    std::string title;
    if (d.wants(s_f[OptTypeStr])) {
        if (code < std::size(kOptionNames) && name != "Unknown") {
            title = name;
        } else {
            title = "DHCP option ";
            text::appendUInt(title, code);
        }
    }
    // The option's item spans what is captured of it (also when its length lies).
    const size_t span = r.capturedFrom(at) < 4u + len ? r.capturedFrom(at) : 4u + len;
    Item opt = d.addString(parent, s_f[OptTypeStr], r, at, span, std::move(title));
    Item t = d.addUInt(opt, s_f[OptType], r, at, 2);
    if (t)
        d.setText(t, "Option: " + std::string(name) + " (" + text::uintString(code) + ")");
    d.addUInt(opt, s_f[OptLength], r, at + 2, 2);
    r.require(v, len); // a length past the end makes the message malformed here

    switch (code) {
    case 1: // Client Identifier
    case 2: // Server Identifier
        dissectDuid(d, r, v, len, opt);
        if (code == 1 && len > 0 && wantInfo(d))
            appendInfo(d, "CID: ", hexString(r, v, len));
        break;
    case 3:  // IA_NA
    case 25: // IA_PD
        if (len < 12)
            break;
        d.addString(opt, s_f[Iaid], r, v, 4,
                    d.wants(s_f[Iaid]) ? hexString(r, v, 4) : std::string());
        d.addUInt(opt, s_f[IaidT1], r, v + 4, 4);
        d.addUInt(opt, s_f[IaidT2], r, v + 8, 4);
        if (depth < kMaxDepth)
            dissectOptions(d, r.sub(v, len), 12, opt, depth + 1);
        break;
    case 4: // IA_TA
        if (len < 4)
            break;
        d.addString(opt, s_f[Iata], r, v, 4,
                    d.wants(s_f[Iata]) ? hexString(r, v, 4) : std::string());
        if (depth < kMaxDepth)
            dissectOptions(d, r.sub(v, len), 4, opt, depth + 1);
        break;
    case 5: { // IA Address
        if (len < 24)
            break;
        d.addBytes(opt, s_f[IaAddrIp], r, v, 16);
        d.addUInt(opt, s_f[IaAddrPref], r, v + 16, 4);
        d.addUInt(opt, s_f[IaAddrValid], r, v + 20, 4);
        if (wantInfo(d)) {
            std::string addr;
            text::appendIPv6(addr, r.ptr(v, 16));
            appendInfo(d, "IAA: ", addr);
        }
        if (depth < kMaxDepth)
            dissectOptions(d, r.sub(v, len), 24, opt, depth + 1);
        break;
    }
    case 6: // Option Request
        for (size_t i = 0; i + 2 <= len; i += 2) {
            Item it = d.addUInt(opt, s_f[RequestedOption], r, v + i, 2);
            if (it) {
                const uint16_t c = r.u16(v + i);
                d.setText(it, "Requested Option code: " + std::string(optionName(c)) + " (" +
                                  text::uintString(c) + ")");
            }
        }
        break;
    case 7: // Preference
        if (len == 1)
            d.addUInt(opt, s_f[Preference], r, v, 1);
        break;
    case 8: // Elapsed time, in hundredths of a second
        if (len == 2) {
            // Wireshark's value is in milliseconds (-T fields prints 1000 for 100).
            Item it = d.addValue(opt, s_f[ElapsedTime], r, v, 2, uint64_t(r.u16(v)) * 10);
            if (it)
                d.setText(it, "Elapsed time: " + text::uintString(uint64_t(r.u16(v)) * 10) + "ms");
        }
        break;
    case 9: // Relay Message: a whole DHCPv6 message
        if (len > 0 && depth < kMaxDepth)
            dissectMessage(d, r.sub(v, len), opt, depth + 1);
        break;
    case 13: // Status code
        if (len < 2)
            break;
        d.addUInt(opt, s_f[StatusCode], r, v, 2);
        if (len > 2) {
            std::string msg;
            if (d.wants(s_f[StatusMsg]))
                text::appendEscaped(
                    msg, std::string_view(reinterpret_cast<const char *>(r.ptr(v + 2, len - 2u)),
                                          len - 2u));
            d.addString(opt, s_f[StatusMsg], r, v + 2, len - 2u, std::move(msg));
        }
        break;
    case 18: // Interface-Id
        d.addBytes(opt, s_f[InterfaceId], r, v, len);
        break;
    case 23: // DNS recursive name servers
        for (size_t i = 0; i + 16 <= len; i += 16) {
            Item it = d.addBytes(opt, s_f[DnsServer], r, v + i, 16);
            if (it) {
                std::string s = " " + text::uintString(i / 16 + 1) + " DNS server address: ";
                text::appendIPv6(s, r.ptr(v + i, 16));
                d.setText(it, std::move(s));
            }
        }
        break;
    case 24: { // Domain Search List
        Item list = d.addText(opt, r, v, len, "Domain name suffix search list");
        if (list || d.wants(s_f[SearchListEntry]))
            dissectDomainList(d, r, v, len, list);
        else
            r.require(v, len);
        break;
    }
    default:
        break;
    }
}

void dissectOptions(Dissection &d, const Reader &r, size_t at, Item parent, int depth)
{
    // Each option consumes at least its 4-byte header: bounded by the reader's length.
    while (r.reportedFrom(at) >= 4) {
        dissectOption(d, r, at, parent, depth);
        at += 4u + r.u16(at + 2);
    }
}

void dissectMessage(Dissection &d, const Reader &r, Item parent, int depth)
{
    Item dh = d.addProtocol(parent, s_f.protocol(), r, 0, r.reported());
    if (dh)
        d.setText(dh, "DHCPv6");
    const uint8_t type = r.u8(0);
    d.addUInt(dh, s_f[MsgType], r, 0, 1);
    std::string_view typeName = nameOf(kMessageTypes, type);
    if (wantInfo(d)) {
        std::string &info = d.info();
        if (typeName.empty())
            info += "Message Type " + text::uintString(type);
        else
            info += typeName;
        info += ' ';
    }
    if (type == 12 || type == 13) {
        d.addUInt(dh, s_f[HopCount], r, 1, 1);
        d.addBytes(dh, s_f[LinkAddr], r, 2, 16);
        d.addBytes(dh, s_f[PeerAddr], r, 18, 16);
        if (wantInfo(d)) {
            std::string link;
            text::appendIPv6(link, r.ptr(2, 16));
            appendInfo(d, "L: ", link);
        }
        dissectOptions(d, r, 34, dh, depth);
        return;
    }
    d.addUInt(dh, s_f[Xid], r, 1, 3);
    if (wantInfo(d)) {
        std::string xid;
        text::appendHex(xid, r.u24(1), 6);
        appendInfo(d, "XID: ", xid);
    }
    dissectOptions(d, r, 4, dh, depth);
}

void dissectDhcpv6(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("DHCPv6");
    if (d.columns())
        d.info().clear();
    dissectMessage(d, r, parent, 0);
}

} // namespace

void register_dhcpv6(Registry &reg)
{
    s_f = reg.addProtocol({"dhcpv6", "DHCPv6", "DHCPv6"}, kFields);
    reg.addDissector(Table::UdpPort, 546, dissectDhcpv6);
    reg.addDissector(Table::UdpPort, 547, dissectDhcpv6);
}

} // namespace pl::proto
