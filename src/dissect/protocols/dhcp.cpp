// DHCP and BOOTP, the Dynamic Host Configuration Protocol (UDP ports 67 and 68).
// Specification: RFC 951 (BOOTP), RFC 2131 (DHCP), RFC 2132 (options and the magic cookie),
// RFC 4388 (leasequery message types 10-13 and options 91/92), option names after IANA's
// "BOOTP and DHCP parameters" registry as Wireshark spells them.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------+---------------+---------------+---------------+
//  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
//  +---------------+---------------+---------------+---------------+
//  |                            xid (4)                            |
//  +-------------------------------+-------------------------------+
//  |           secs (2)            |           flags (2)           |
//  +-------------------------------+-------------------------------+
//  |          ciaddr (4)  /  yiaddr (4)  /  siaddr (4)  /  giaddr  |
//  +---------------------------------------------------------------+
//  |                          chaddr (16)                          |
//  +---------------------------------------------------------------+
//  |                          sname (64)                           |
//  +---------------------------------------------------------------+
//  |                          file (128)                           |
//  +---------------------------------------------------------------+
//  |  magic cookie 99.130.83.99 (4) | options: code, length, value |
//  +---------------------------------------------------------------+
//
// Options are TLVs (code 0 pad and 255 end have no length). Option 52 (overload) moves more
// options into the sname and/or file fields; they are decoded below that option, as Wireshark
// shows them, and never recursively (an overload inside an overloaded field is plain data).

#include "arphrd.h"
#include "dissection.h"
#include "textformat.h"

#include <array>
#include <cstring>
#include <vector>

namespace pl::proto {

namespace {

enum F {
    Type,
    HwType,
    HwLen,
    Hops,
    Id,
    Secs,
    Flags,
    FlagsBc,
    FlagsReserved,
    IpClient,
    IpYour,
    IpServer,
    IpRelay,
    HwMacAddr,
    HwAddr,
    HwAddrPadding,
    Server,
    File,
    Cookie,
    Bootp,
    VendorSpecific,
    OptType,
    OptLength,
    OptValue,
    OptValueMissing,
    OptPadding,
    OptEnd,
    OptDhcp,
    OptPrlItem,
    OptOverload,
    OptVendorValue,
    ClientIdType,
    ClientIdUndef,
    ClientId,
    ServerNotGiven,
    FileNotGiven,
    AgentSuboption,
    SuboptionLength,
    AgentValue,
    AgentCircuitId,
    AgentRemoteId,
    AgentLinkSelection,
    AgentSubscriberId,
    SearchListFqdn,
    ClasslessRoute,
    Count
};

constexpr ValueName kOpNames[] = {{1, "Boot Request"}, {2, "Boot Reply"}};

// RFC 2132 9.6, RFC 3203 (FORCERENEW), RFC 4388 (leasequery), RFC 6926 (bulk leasequery),
// RFC 7724 (active leasequery).
constexpr ValueName kMessageTypes[] = {
    {1, "Discover"},
    {2, "Offer"},
    {3, "Request"},
    {4, "Decline"},
    {5, "ACK"},
    {6, "NAK"},
    {7, "Release"},
    {8, "Inform"},
    {9, "Force Renew"},
    {10, "Lease query"},
    {11, "Lease Unassigned"},
    {12, "Lease Unknown"},
    {13, "Lease Active"},
    {14, "Bulk Lease Query"},
    {15, "Lease Query Done"},
    {16, "Active LeaseQuery"},
    {17, "Lease Query Status"},
    {18, "TLS"},
};

constexpr ValueName kOverloadNames[] = {{1, "Boot file name holds options"},
                                        {2, "Server host name holds options"},
                                        {3, "Boot file and server host names hold options"}};

constexpr FieldDef kFields[] = {
    {"dhcp.type", "Message type", FieldType::UInt8, Base::Dec, 0, kOpNames},
    {"dhcp.hw.type", "Hardware type", FieldType::UInt8, Base::Hex, 0, kArpHrdNames},
    {"dhcp.hw.len", "Hardware address length", FieldType::UInt8, Base::Dec},
    {"dhcp.hops", "Hops", FieldType::UInt8, Base::Dec},
    {"dhcp.id", "Transaction ID", FieldType::UInt32, Base::Hex},
    {"dhcp.secs", "Seconds elapsed", FieldType::UInt16, Base::Dec},
    {"dhcp.flags", "Bootp flags", FieldType::UInt16, Base::Hex},
    {"dhcp.flags.bc",
     "Broadcast flag",
     FieldType::Boolean,
     Base::None,
     0x8000,
     {},
     {},
     "Broadcast",
     "Unicast"},
    {"dhcp.flags.reserved", "Reserved flags", FieldType::UInt16, Base::Hex, 0x7fff},
    {"dhcp.ip.client", "Client IP address", FieldType::IPv4},
    {"dhcp.ip.your", "Your (client) IP address", FieldType::IPv4},
    {"dhcp.ip.server", "Next server IP address", FieldType::IPv4},
    {"dhcp.ip.relay", "Relay agent IP address", FieldType::IPv4},
    {"dhcp.hw.mac_addr", "Client MAC address", FieldType::Ether},
    {"dhcp.hw.addr", "Client hardware address", FieldType::Bytes},
    {"dhcp.hw.addr_padding", "Client hardware address padding", FieldType::Bytes},
    {"dhcp.server", "Server host name", FieldType::String},
    {"dhcp.file", "Boot file name", FieldType::String},
    {"dhcp.cookie", "Magic cookie", FieldType::IPv4},
    {"dhcp.bootp", "Frame is BOOTP", FieldType::Boolean, Base::None, 0, {}, {}, "True", "False"},
    {"dhcp.vendor_specific_options", "Bootp vendor specific options", FieldType::Bytes},
    {"dhcp.option.type", "Option", FieldType::UInt8, Base::Dec},
    {"dhcp.option.length", "Length", FieldType::UInt8, Base::Dec},
    {"dhcp.option.value", "Value", FieldType::Bytes},
    // Wireshark shows an empty value as "<MISSING>" (-T fields too): a string of that text.
    {"dhcp.option.value", "Value", FieldType::String},
    {"dhcp.option.padding", "Padding", FieldType::Bytes},
    {"dhcp.option.end", "Option End", FieldType::UInt8, Base::Dec},
    {"dhcp.option.dhcp", "DHCP", FieldType::UInt8, Base::Dec, 0, kMessageTypes},
    {"dhcp.option.request_list_item", "Parameter Request List Item", FieldType::UInt8, Base::Dec},
    {"dhcp.option.option_overload", "Option Overload", FieldType::UInt8, Base::Dec, 0,
     kOverloadNames},
    {"dhcp.option.vendor.value", "Value", FieldType::Bytes},
    {"dhcp.client_id.type", "Type", FieldType::UInt8, Base::Dec},
    {"dhcp.client_id.undef", "Client Identifier", FieldType::String},
    {"dhcp.client_id", "Identifier", FieldType::Bytes},
    // An empty name: tshark's -T fields prints nothing, its tree "... not given".
    {"dhcp.server", "Server host name not given", FieldType::None},
    {"dhcp.file", "Boot file name not given", FieldType::None},
    {"dhcp.option.agent_information_option.suboption", "Option 82 Suboption", FieldType::UInt8,
     Base::Dec},
    {"dhcp.option.suboption_length", "Length", FieldType::UInt8, Base::Dec},
    {"dhcp.option.agent_information_option.value", "Value", FieldType::Bytes},
    {"dhcp.option.agent_information_option.agent_circuit_id", "Agent Circuit ID", FieldType::Bytes},
    {"dhcp.option.agent_information_option.agent_remote_id", "Agent Remote ID", FieldType::Bytes},
    {"dhcp.option.agent_information_option.link_selection", "Link selection", FieldType::IPv4},
    {"dhcp.option.agent_information_option.subscriber_id", "Subscriber ID", FieldType::String},
    {"dhcp.option.dhcp_dns_domain_search_list_fqdn", "FQDN", FieldType::String},
    {"dhcp.option.classless_static_route", "Subnet/MaskWidth-Router", FieldType::Bytes},
};
static_assert(std::size(kFields) == Count);

enum E {
    EndMissing,
    BadLength,
    ServerOverloaded,
    FileOverloaded,
    MaskWidth,
    SecsLe,
    SubLength,
    SubValue,
    AddrNotGiven,
    ECount
};
constexpr FieldDef kExperts[] = {
    {"dhcp.end_option_missing", "End option missing", FieldType::None},
    {"dhcp.bad_length", "length isn't 0", FieldType::None},
    {"dhcp.server_name_overloaded_by_dhcp", "Server name option overloaded by DHCP",
     FieldType::None},
    {"dhcp.boot_filename_overloaded_by_dhcp", "Boot file name option overloaded by DHCP",
     FieldType::None},
    {"dhcp.option.classless_static.route", "Mask width > 32", FieldType::None},
    {"dhcp.secs_le", "Seconds elapsed appears to be encoded as little-endian", FieldType::None},
    {"dhcp.missing_subopt_length", "no room left in option for suboption length", FieldType::None},
    {"dhcp.missing_subopt_value", "no room left in option for suboption value", FieldType::None},
    {"dhcp.client_address_not_given", "Client address not given", FieldType::None},
};
static_assert(std::size(kExperts) == ECount);

// How an option's value is decoded.
enum class Kind : uint8_t {
    Bytes,    // unknown to us: dhcp.option.value shown
    IPv4,     // one address; the option line shows it in parentheses
    IPv4List, // n addresses
    String,   // text, up to a NUL (Wireshark's FT_STRINGZ)
    Bool,     // 1 byte, Enabled/Disabled
    UInt8,
    UInt16,
    UInt16List,
    Time,       // unsigned seconds, "(43187s) 11 hours, 59 minutes, 47 seconds"
    TimeSigned, // option 2
};

struct OptionSpec
{
    uint8_t code;
    Kind kind;
    std::string_view abbrev;
    std::string_view name;
};

// The options decoded into fields of their own (abbrev and label as Wireshark's).
constexpr OptionSpec kOptionSpecs[] = {
    {1, Kind::IPv4, "dhcp.option.subnet_mask", "Subnet Mask"},
    {2, Kind::TimeSigned, "dhcp.option.time_offset", "Time Offset"},
    {3, Kind::IPv4List, "dhcp.option.router", "Router"},
    {4, Kind::IPv4List, "dhcp.option.time_server", "Time Server"},
    {5, Kind::IPv4List, "dhcp.option.name_server", "Name Server"},
    {6, Kind::IPv4List, "dhcp.option.domain_name_server", "Domain Name Server"},
    {7, Kind::IPv4List, "dhcp.option.log_server", "Log Server"},
    {8, Kind::IPv4List, "dhcp.option.quotes_server", "Quotes Server"},
    {9, Kind::IPv4List, "dhcp.option.lpr_server", "LPR Server"},
    {10, Kind::IPv4List, "dhcp.option.impress_server", "Impress Server"},
    {11, Kind::IPv4List, "dhcp.option.resource_location_server", "Resource Location Server"},
    {12, Kind::String, "dhcp.option.hostname", "Host Name"},
    {13, Kind::UInt16, "dhcp.option.boot_file_size", "Boot File Size"},
    {14, Kind::String, "dhcp.option.merit_dump_file", "Merit Dump File"},
    {15, Kind::String, "dhcp.option.domain_name", "Domain Name"},
    {16, Kind::IPv4, "dhcp.option.swap_server", "Swap Server"},
    {17, Kind::String, "dhcp.option.root_path", "Root Path"},
    {18, Kind::String, "dhcp.option.extension_path", "Extensions Path"},
    {19, Kind::Bool, "dhcp.option.ip_forwarding", "IP Forwarding"},
    {20, Kind::Bool, "dhcp.option.non_local_source_routing", "Non-Local Source Routing"},
    {22, Kind::UInt16, "dhcp.option.max_datagram_reassembly_size",
     "Maximum Datagram Reassembly Size"},
    {23, Kind::UInt8, "dhcp.option.default_ip_ttl", "Default IP Time-to-Live"},
    {24, Kind::Time, "dhcp.option.path_mtu_aging_timeout", "Path MTU Aging Timeout"},
    {25, Kind::UInt16List, "dhcp.option.path_mtu_plateau_table_item",
     "Path MTU Plateau Table Item"},
    {26, Kind::UInt16, "dhcp.option.interface_mtu", "Interface MTU"},
    {27, Kind::Bool, "dhcp.option.all_subnets_are_local", "All Subnets are Local"},
    {28, Kind::IPv4, "dhcp.option.broadcast_address", "Broadcast Address"},
    {29, Kind::Bool, "dhcp.option.perform_mask_discovery", "Perform Mask Discovery"},
    {30, Kind::Bool, "dhcp.option.mask_supplier", "Mask Supplier"},
    {31, Kind::Bool, "dhcp.option.perform_router_discover", "Perform Router Discover"},
    {32, Kind::IPv4, "dhcp.option.router_solicitation_address", "Router Solicitation Address"},
    {34, Kind::Bool, "dhcp.option.trailer_encapsulation", "Trailer Encapsulation"},
    {35, Kind::Time, "dhcp.option.arp_cache_timeout", "ARP Cache Timeout"},
    {36, Kind::Bool, "dhcp.option.ethernet_encapsulation", "Ethernet Encapsulation"},
    {37, Kind::UInt8, "dhcp.option.tcp_default_ttl", "TCP Default TTL"},
    {38, Kind::Time, "dhcp.option.tcp_keepalive_interval", "TCP Keepalive Interval"},
    {39, Kind::Bool, "dhcp.option.tcp_keepalive_garbage", "TCP Keepalive Garbage"},
    {40, Kind::String, "dhcp.option.nis_domain", "Network Information Service Domain"},
    {41, Kind::IPv4List, "dhcp.option.nis_server", "Network Information Service Server"},
    {42, Kind::IPv4List, "dhcp.option.ntp_server", "Network Time Protocol Server"},
    {44, Kind::IPv4List, "dhcp.option.netbios_over_tcpip_name_server",
     "NetBIOS over TCP/IP Name Server"},
    {45, Kind::IPv4List, "dhcp.option.netbios_over_tcpip_dd_name_server",
     "NetBIOS over TCP/IP Datagram Distribution Name Server"},
    {46, Kind::UInt8, "dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type"},
    {47, Kind::String, "dhcp.option.netbios_over_tcpip_scope", "NetBIOS over TCP/IP Scope"},
    {48, Kind::IPv4List, "dhcp.option.xwindows_system_font_server", "X Window System Font Server"},
    {49, Kind::IPv4List, "dhcp.option.xwindows_system_display_manager",
     "X Window System Display Manager"},
    {50, Kind::IPv4, "dhcp.option.requested_ip_address", "Requested IP Address"},
    {51, Kind::Time, "dhcp.option.ip_address_lease_time", "IP Address Lease Time"},
    {54, Kind::IPv4, "dhcp.option.dhcp_server_id", "DHCP Server Identifier"},
    {56, Kind::String, "dhcp.option.message", "Message"},
    {57, Kind::UInt16, "dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size"},
    {58, Kind::Time, "dhcp.option.renewal_time_value", "Renewal Time Value"},
    {59, Kind::Time, "dhcp.option.rebinding_time_value", "Rebinding Time Value"},
    {60, Kind::String, "dhcp.option.vendor_class_id", "Vendor class identifier"},
    {62, Kind::String, "dhcp.option.novell_netware_ip_domain", "Novell/Netware IP domain"},
    {64, Kind::String, "dhcp.option.nis_plus_domain", "Network Information Service+ Domain"},
    {65, Kind::IPv4List, "dhcp.option.nis_plus_server", "Network Information Service+ Server"},
    {66, Kind::String, "dhcp.option.tftp_server_name", "TFTP Server Name"},
    {67, Kind::String, "dhcp.option.bootfile_name", "Bootfile name"},
    {68, Kind::IPv4List, "dhcp.option.mobile_ip_home_agent", "Mobile IP Home Agent"},
    {69, Kind::IPv4List, "dhcp.option.smtp_server", "SMTP Server"},
    {70, Kind::IPv4List, "dhcp.option.pop3_server", "POP3 Server"},
    {71, Kind::IPv4List, "dhcp.option.nntp_server", "NNTP Server"},
    {72, Kind::IPv4List, "dhcp.option.default_www_server", "Default WWW Server"},
    {73, Kind::IPv4List, "dhcp.option.default_finger_server", "Default Finger Server"},
    {74, Kind::IPv4List, "dhcp.option.default_irc_server", "Default IRC Server"},
    {75, Kind::IPv4List, "dhcp.option.streettalk_server", "StreetTalk Server"},
    {76, Kind::IPv4List, "dhcp.option.streettalk_da_server",
     "StreetTalk Directory Assistance Server"},
    {86, Kind::String, "dhcp.option.novell_ds_tree_name", "Novell Directory Services Tree Name"},
    {87, Kind::String, "dhcp.option.novell_ds_context", "Novell Directory Services Context"},
    {91, Kind::Time, "dhcp.option.client_last_transaction_time", "Client last transaction time"},
    {92, Kind::IPv4List, "dhcp.option.associated_ip_option", "Associated IP option"},
    {93, Kind::UInt16, "dhcp.option.client_system_architecture", "Client System Architecture"},
    {112, Kind::IPv4List, "dhcp.option.netinfo_parent_server_address",
     "NetInfo Parent Server Address"},
    {113, Kind::String, "dhcp.option.netinfo_parent_server_tag", "NetInfo Parent Server Tag"},
    {118, Kind::IPv4List, "dhcp.option.subnet_selection_option", "Subnet Selection Option"},
    {150, Kind::IPv4List, "dhcp.option.tftp_server_address", "TFTP Server Address"},
};

// RFC 1001/1002 node types (option 46).
constexpr ValueName kNodeTypes[] = {{1, "B-node"}, {2, "P-node"}, {4, "M-node"}, {8, "H-node"}};

// Option names, as Wireshark's table spells them (the option line and the parameter request
// list items), by code.
constexpr std::string_view kOptionNames[256] = {
    "Padding",
    "Subnet Mask",
    "Time Offset",
    "Router",
    "Time Server",
    "Name Server",
    "Domain Name Server",
    "Log Server",
    "Quotes Server",
    "LPR Server",
    "Impress Server",
    "Resource Location Server",
    "Host Name",
    "Boot File Size",
    "Merit Dump File",
    "Domain Name",
    "Swap Server",
    "Root Path",
    "Extensions Path",
    "IP Forwarding",
    "Non-Local Source Routing",
    "Policy Filter",
    "Maximum Datagram Reassembly Size",
    "Default IP Time-to-Live",
    "Path MTU Aging Timeout",
    "Path MTU Plateau Table",
    "Interface MTU",
    "All Subnets are Local",
    "Broadcast Address",
    "Perform Mask Discovery",
    "Mask Supplier",
    "Perform Router Discover",
    "Router Solicitation Address",
    "Static Route",
    "Trailer Encapsulation",
    "ARP Cache Timeout",
    "Ethernet Encapsulation",
    "TCP Default TTL",
    "TCP Keepalive Interval",
    "TCP Keepalive Garbage",
    "Network Information Service Domain",
    "Network Information Service Servers",
    "Network Time Protocol Servers",
    "Vendor-Specific Information",
    "NetBIOS over TCP/IP Name Server",
    "NetBIOS over TCP/IP Datagram Distribution Name Server",
    "NetBIOS over TCP/IP Node Type",
    "NetBIOS over TCP/IP Scope",
    "X Window System Font Server",
    "X Window System Display Manager",
    "Requested IP Address",
    "IP Address Lease Time",
    "Option Overload",
    "DHCP Message Type",
    "DHCP Server Identifier",
    "Parameter Request List",
    "Message",
    "Maximum DHCP Message Size",
    "Renewal Time Value",
    "Rebinding Time Value",
    "Vendor class identifier",
    "Client identifier",
    "Novell/Netware IP domain",
    "Novell Options",
    "Network Information Service+ Domain",
    "Network Information Service+ Servers",
    "TFTP Server Name",
    "Bootfile name",
    "Mobile IP Home Agent",
    "SMTP Server",
    "POP3 Server",
    "NNTP Server",
    "Default WWW Server",
    "Default Finger Server",
    "Default IRC Server",
    "StreetTalk Server",
    "StreetTalk Directory Assistance Server",
    "User Class Information",
    "Directory Agent Information",
    "Service Location Agent Scope",
    "Rapid commit",
    "Client Fully Qualified Domain Name",
    "Agent Information Option",
    "iSNS",
    "Removed/Unassigned",
    "Novell Directory Services Servers",
    "Novell Directory Services Tree Name",
    "Novell Directory Services Context",
    "BCMCS Controller Domain Name [TODO:RFC4280]",
    "BCMCS Controller IPv4 address [TODO:RFC4280]",
    "Authentication",
    "Client last transaction time",
    "Associated IP option",
    "Client System Architecture",
    "Client Network Device Interface",
    "LDAP [TODO:RFC3679]",
    "Removed/Unassigned",
    "UUID/GUID-based Client Identifier",
    "Open Group's User Authentication [TODO:RFC2485]",
    "Civic Addresses Configuration",
    "PCode",
    "TCode",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "IPv6-Only Preferred",
    "Unassigned",
    "Removed/Unassigned",
    "Unassigned",
    "NetInfo Parent Server Address",
    "NetInfo Parent Server Tag",
    "DHCP Captive-Portal",
    "Removed/Unassigned",
    "DHCP Auto-Configuration",
    "Name Service Search",
    "Subnet Selection Option",
    "Domain Search",
    "SIP Servers",
    "Classless Static Route",
    "CableLabs Client Configuration [TODO:RFC3495]",
    "Coordinate-based Location Configuration",
    "V-I Vendor Class",
    "V-I Vendor-specific Information",
    "Removed/Unassigned",
    "Removed/Unassigned",
    "DOCSIS full security server IP [TODO]",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PANA Authentication Agent",
    "LoST Server Domain Name",
    "CAPWAP Access Controllers",
    "IPv4 Address-MoS",
    "IPv4 FQDN-MoS",
    "SIP UA Configuration Domains",
    "IPv4 Address ANDSF",
    "Zerotouch Redirect [TODO: draft-ietf-netconf-zerotouch]",
    "Geospatial Location [TODO:RFC6225]",
    "Forcerenew Nonce Capable",
    "RDNSS Selection",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "TFTP Server Address",
    "Leasequery Status code",
    "Leasequery Base Time",
    "Leasequery Start Time of State",
    "Leasequery Query Start Time",
    "Leasequery Query End Time",
    "Leasequery Dhcp State",
    "Leasequery Data Source",
    "PCP Server",
    "Portparams",
    "Unassigned (ex DHCP Captive-Portal)",
    "Manufacturer Usage Description",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Etherboot",
    "IP Telephone",
    "Etherboot",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "PXELINUX Magic",
    "PXE Configuration file",
    "PXE Path Prefix",
    "Reboot Time",
    "6RD",
    "V4 Access Domain",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Subnet Allocation",
    "Virtual Subnet Selection",
    "Unassigned",
    "Unassigned",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private/Avaya IP Telephone",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private",
    "Private/Classless Static Route (Microsoft)",
    "Private",
    "Private",
    "Private/Proxy autodiscovery",
    "Private",
    "Private",
    "End",
};

FieldBlock s_f;
FieldBlock s_ei;
// Per option code: the spec index + 1 (0: none) and its field.
std::array<uint8_t, 256> s_specOf{};
std::array<FieldId, 256> s_fieldOf{};
std::vector<FieldDef> s_optionFields; // the registry keeps views into these

constexpr uint8_t kPad = 0, kEnd = 255, kOverload = 52, kMessageType = 53, kPrl = 55,
                  kClientId = 61, kVendor = 43, kAgentInfo = 82, kDomainSearch = 119,
                  kClasslessRoute = 121;
constexpr size_t kHeaderLen = 236;
constexpr uint32_t kMagicCookie = 0x63825363;

/// Wireshark's time_secs_to_str: "11 hours, 59 minutes, 47 seconds", "1 day", "0 seconds".
void appendDuration(std::string &out, uint64_t secs)
{
    if (secs == 0) {
        out += "0 seconds";
        return;
    }
    const uint64_t parts[] = {secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60};
    static constexpr std::string_view kUnits[] = {"day", "hour", "minute", "second"};
    bool first = true;
    for (int i = 0; i < 4; ++i) {
        if (!parts[i])
            continue;
        if (!first)
            out += ", ";
        first = false;
        text::appendUInt(out, parts[i]);
        out += ' ';
        out += kUnits[i];
        if (parts[i] != 1)
            out += 's';
    }
}

/// Text up to the first NUL of `len` bytes at `at` (the bytes must be captured).
std::string cString(const Reader &r, size_t at, size_t len)
{
    const uint8_t *p = r.ptr(at, len);
    size_t n = 0;
    while (n < len && p[n])
        ++n;
    std::string out;
    text::appendEscaped(out, std::string_view(reinterpret_cast<const char *>(p), n));
    return out;
}

/// tshark's label of a long byte field: the first 36 bytes in hex and an ellipsis.
void setBytesLabel(Dissection &d, Item it, std::string_view name, const Reader &r, size_t at,
                   size_t len)
{
    if (!it)
        return;
    std::string s(name);
    s += ": ";
    text::appendHexBytes(s, r.ptr(at, len > 36 ? 36 : len), len > 36 ? 36 : len);
    if (len > 36)
        s += "\xe2\x80\xa6";
    d.setText(it, std::move(s));
}

std::string optionLine(uint8_t code)
{
    std::string s = "Option: (";
    text::appendUInt(s, code);
    s += ") ";
    s += kOptionNames[code];
    return s;
}

// RFC 3046 relay agent sub-options (option 82); the ones decoded into fields of their own.
constexpr ValueName kAgentSuboptions[] = {
    {1, "Agent Circuit ID"},
    {2, "Agent Remote ID"},
    {3, "Reserved"},
    {4, "DOCSIS Device Class"},
    {5, "Link selection"},
    {6, "Subscriber ID"},
    {7, "RADIUS Attributes"},
    {8, "Authentication"},
    {9, "Vendor-Specific Information"},
    {10, "Flags"},
    {11, "Server ID Override"},
    {12, "Relay Agent Identifier"},
};

void dissectAgentInfo(Dissection &d, const Reader &r, Item opt)
{
    // Each sub-option consumes at least its 2-byte header: bounded by the option's length.
    for (size_t at = 0; at < r.reported();) {
        const uint8_t code = r.u8(at);
        if (r.reportedFrom(at) < 2) {
            d.expert(opt, r, at, 1, Severity::Error, ExpertGroup::Protocol,
                     "Suboption " + text::uintString(code) +
                         ": no room left in option for suboption length",
                     0, s_ei[SubLength]);
            return;
        }
        const uint8_t len = r.u8(at + 1);
        if (r.reportedFrom(at + 2) < len) {
            d.expert(opt, r, at, 2, Severity::Error, ExpertGroup::Protocol,
                     "Suboption " + text::uintString(code) +
                         ": no room left in option for suboption value",
                     0, s_ei[SubValue]);
            return;
        }
        const size_t span = r.capturedFrom(at) < 2u + len ? r.capturedFrom(at) : 2u + len;
        Item sub = d.addValue(opt, s_f[AgentSuboption], r, at, span, code);
        if (sub) {
            std::string s = "Option 82 Suboption: (";
            text::appendUInt(s, code);
            s += ") ";
            const std::string_view name = nameOf(kAgentSuboptions, code);
            s += name.empty() ? std::string_view("Unknown") : name;
            if (code == 5 && len == 4 && r.has(at + 2, 4)) {
                s += " (";
                text::appendIPv4(s, r.ptr(at + 2, 4));
                s += ')';
            }
            d.setText(sub, std::move(s));
        }
        d.addUInt(sub, s_f[SuboptionLength], r, at + 1, 1);
        r.require(at + 2, len);
        if (len > 0) {
            const bool decoded = code == 1 || code == 2 || (code == 5 && len == 4) || code == 6;
            Item val = d.addBytes(sub, s_f[AgentValue], r, at + 2, len);
            if (decoded)
                d.flag(val, Hidden);
            if (code == 1)
                d.addBytes(sub, s_f[AgentCircuitId], r, at + 2, len);
            else if (code == 2)
                d.addBytes(sub, s_f[AgentRemoteId], r, at + 2, len);
            else if (code == 5 && len == 4)
                d.addBytes(sub, s_f[AgentLinkSelection], r, at + 2, 4);
            else if (code == 6)
                d.addString(sub, s_f[AgentSubscriberId], r, at + 2, len,
                            d.wants(s_f[AgentSubscriberId]) ? cString(r, at + 2, len)
                                                            : std::string());
        }
        at += 2u + len;
    }
}

/// RFC 3397 (option 119): DNS names, compressed with pointers into the option's own bytes.
void dissectDomainSearch(Dissection &d, const Reader &r, Item opt)
{
    const size_t end = r.reported();
    for (size_t at = 0; at < end;) {
        const size_t start = at;
        std::string name;
        size_t pos = at;
        bool jumped = false;
        // A name is at most 255 bytes; pointers can loop, so bound the labels followed.
        for (int steps = 0; steps < 128; ++steps) {
            const uint8_t l = r.u8(pos);
            if (l == 0) {
                if (!jumped)
                    at = pos + 1;
                break;
            }
            if ((l & 0xc0) == 0xc0) {
                const size_t target = size_t(l & 0x3f) << 8 | r.u8(pos + 1);
                if (!jumped)
                    at = pos + 2;
                jumped = true;
                pos = target;
                continue;
            }
            if (!name.empty())
                name += '.';
            text::appendEscaped(
                name, std::string_view(reinterpret_cast<const char *>(r.ptr(pos + 1, l)), l));
            pos += 1u + l;
            if (!jumped)
                at = pos;
        }
        if (at <= start)
            at = end; // a loop with no progress: stop
        d.addString(opt, s_f[SearchListFqdn], r, start, at - start, name);
    }
}

/// RFC 3442 (option 121): mask width, the significant octets of the subnet, the router.
void dissectClasslessRoutes(Dissection &d, const Reader &r, Item opt)
{
    for (size_t at = 0; at < r.reported();) {
        const uint8_t width = r.u8(at);
        if (width > 32) {
            r.require(at, r.reported() - at);
            d.expert(opt, r, at, 1, Severity::Error, ExpertGroup::Protocol, "Mask width > 32", 0,
                     s_ei[MaskWidth]);
            return;
        }
        const size_t octets = (width + 7u) / 8u;
        const size_t len = 1 + octets + 4;
        Item it = d.addBytes(opt, s_f[ClasslessRoute], r, at, len);
        if (it) {
            std::string s = " ";
            if (width == 0) {
                s += "default";
            } else {
                uint8_t net[4] = {};
                std::memcpy(net, r.ptr(at + 1, octets), octets);
                text::appendIPv4(s, net);
                s += '/';
                text::appendUInt(s, width);
            }
            s += '-';
            text::appendIPv4(s, r.ptr(at + 1 + octets, 4));
            d.setText(it, std::move(s));
        }
        at += len;
    }
}

struct State
{
    bool sawEnd = false;
    int messageType = -1; // option 53's value, -1 when none
    uint32_t xid = 0;
    Item protocolItem;
};

/// Once option 53 was seen: the Protocol column, the protocol line and the Info column.
void applyMessageType(Dissection &d, const State &st)
{
    if (st.messageType < 0)
        return;
    d.setProtocol("DHCP");
    const std::string_view name = nameOf(kMessageTypes, uint64_t(st.messageType));
    std::string typeText;
    if (name.empty()) {
        typeText = "Unknown Message Type (";
        text::appendHex(typeText, uint64_t(st.messageType), 2);
        typeText += ')';
    } else {
        typeText = name;
    }
    if (st.protocolItem)
        d.setText(st.protocolItem, "Dynamic Host Configuration Protocol (" + typeText + ")");
    if (d.columns()) {
        std::string &info = d.info();
        info = "DHCP ";
        info += typeText;
        for (size_t i = typeText.size(); i < 8; ++i)
            info += ' '; // Wireshark's "%-8s"
        info += " - Transaction ID 0x";
        char buf[16];
        const int n = snprintf(buf, sizeof buf, "%x", st.xid);
        info.append(buf, size_t(n > 0 ? n : 0));
    }
}

void dissectOptions(Dissection &d, const Reader &r, size_t at, size_t end, Item parent, State &st,
                    bool overloadAllowed, const Reader &whole);

/// One option with a length byte at `at`; returns the offset after it.
size_t dissectOption(Dissection &d, const Reader &r, size_t at, Item parent, State &st,
                     bool overloadAllowed, const Reader &whole)
{
    const uint8_t code = r.u8(at);
    const uint8_t len = r.u8(at + 1);
    const size_t v = at + 2;
    // The option's item spans what is captured of it (also when its length lies).
    const size_t span = r.capturedFrom(at) < 2u + len ? r.capturedFrom(at) : 2u + len;
    Item opt = d.addValue(parent, s_f[OptType], r, at, span, code);
    if (opt) {
        std::string line = optionLine(code);
        const uint8_t spec = s_specOf[code];
        if (code == kMessageType && len >= 1 && r.has(v, 1)) {
            const std::string_view name = nameOf(kMessageTypes, r.u8(v));
            line += " (";
            if (name.empty()) {
                line += "Unknown Message Type (";
                text::appendHex(line, r.u8(v), 2);
                line += ')';
            } else {
                line += name;
            }
            line += ')';
        } else if (spec && kOptionSpecs[spec - 1].kind == Kind::IPv4 && len == 4 && r.has(v, 4)) {
            line += " (";
            text::appendIPv4(line, r.ptr(v, 4));
            line += ')';
        }
        d.setText(opt, std::move(line));
    }
    d.addUInt(opt, s_f[OptLength], r, at + 1, 1);
    r.require(v, len); // a length past the end: the option stays, the layer is malformed

    // An empty value shows as "<MISSING>"; the option's own checks still run on it (a
    // fixed-size option notes its length, a string option is the empty string).
    if (len == 0 && code == kMessageType)
        r.sub(v, 0).u8(0); // Wireshark reads the type first: an empty one is malformed
    if (len == 0)
        d.addString(opt, s_f[OptValueMissing], r, v, 0, "<MISSING>");
    const uint8_t specIndex = s_specOf[code];
    const bool known = specIndex || code == kMessageType || code == kPrl || code == kClientId ||
                       code == kOverload || code == kVendor || code == kAgentInfo ||
                       code == kDomainSearch || code == kClasslessRoute;
    // Wireshark checks the length of fixed-size options: a wrong one shows the value as
    // bytes only (not hidden), with an error note.
    size_t want = 0;
    if (code == kOverload) {
        want = 1;
    } else if (specIndex) {
        switch (kOptionSpecs[specIndex - 1].kind) {
        case Kind::IPv4:
        case Kind::Time:
        case Kind::TimeSigned:
            want = 4;
            break;
        case Kind::Bool:
        case Kind::UInt8:
            want = 1;
            break;
        case Kind::UInt16:
            want = 2;
            break;
        default:
            break;
        }
    }
    const bool wrongLength = want && len != want;
    if (len > 0) {
        Item val = d.addBytes(opt, s_f[OptValue], r, v, len);
        if (known && !wrongLength)
            d.flag(val, Hidden);
    }
    auto badLength = [&](size_t) {
        if (!wrongLength)
            return false;
        d.expert(opt, r, at + 1, 1, Severity::Error, ExpertGroup::Protocol,
                 "length isn't " + text::uintString(want), 0, s_ei[BadLength]);
        return true;
    };

    switch (code) {
    case kMessageType: {
        // Read inside the option: an empty one is malformed (as in Wireshark).
        const uint8_t type = r.sub(v, len).u8(0);
        Item t = d.addUInt(opt, s_f[OptDhcp], r, v, 1);
        if (t && nameOf(kMessageTypes, type).empty())
            d.setText(t, "DHCP: Unknown (" + text::uintString(type) + ")");
        if (st.messageType < 0)
            st.messageType = type;
        return v + len;
    }
    case kPrl:
        for (size_t i = 0; i < len; ++i) {
            Item it = d.addUInt(opt, s_f[OptPrlItem], r, v + i, 1);
            if (it) {
                const uint8_t c = r.u8(v + i);
                std::string s = "Parameter Request List Item: (";
                text::appendUInt(s, c);
                s += ") ";
                s += kOptionNames[c];
                d.setText(it, std::move(s));
            }
        }
        return v + len;
    case kClientId: {
        if (len == 0)
            return v;
        const uint8_t type = r.u8(v);
        if (len == 7 && type == 1) { // hardware type Ethernet and a MAC address
            d.addUInt(opt, s_f[HwType], r, v, 1);
            d.addBytes(opt, s_f[HwMacAddr], r, v + 1, 6);
        } else if (type == 0) {
            d.addUInt(opt, s_f[ClientIdType], r, v, 1);
            d.addString(opt, s_f[ClientIdUndef], r, v + 1, len - 1u,
                        d.wants(s_f[ClientIdUndef]) ? cString(r, v + 1, len - 1u) : std::string());
        } else {
            d.addUInt(opt, s_f[ClientIdType], r, v, 1);
            if (len > 1)
                d.addBytes(opt, s_f[ClientId], r, v + 1, len - 1u);
        }
        return v + len;
    }
    case kVendor:
        if (len > 0)
            d.addBytes(opt, s_f[OptVendorValue], r, v, len);
        return v + len;
    case kAgentInfo:
        dissectAgentInfo(d, r.sub(v, len), opt);
        return v + len;
    case kDomainSearch:
        dissectDomainSearch(d, r.sub(v, len), opt);
        return v + len;
    case kClasslessRoute:
        dissectClasslessRoutes(d, r.sub(v, len), opt);
        return v + len;
    case kOverload: {
        if (badLength(1))
            return v + len;
        const uint8_t which = r.u8(v);
        d.addUInt(opt, s_f[OptOverload], r, v, 1);
        if (!overloadAllowed)
            return v + len;
        // RFC 2131 4.1 has the file field read first; Wireshark shows sname first.
        // Each field is its own bounded area: an option running past it is malformed.
        if (which & 2) {
            Item sub = d.addText(opt, whole, 44, 64, "Server host name option overload");
            const Reader area = whole.sub(44, 64);
            dissectOptions(d, area, 0, area.reported(), sub, st, false, whole);
        }
        if (which & 1) {
            Item sub = d.addText(opt, whole, 108, 128, "Boot file name option overload");
            const Reader area = whole.sub(108, 128);
            dissectOptions(d, area, 0, area.reported(), sub, st, false, whole);
        }
        return v + len;
    }
    default:
        break;
    }
    if (!specIndex)
        return v + len;
    const OptionSpec &spec = kOptionSpecs[specIndex - 1];
    const FieldId f = s_fieldOf[code];
    switch (spec.kind) {
    case Kind::IPv4:
        if (!badLength(4))
            d.addBytes(opt, f, r, v, 4);
        break;
    case Kind::IPv4List:
        for (size_t i = 0; i + 4 <= len; i += 4)
            d.addBytes(opt, f, r, v + i, 4);
        if (len % 4)
            d.expert(opt, r, at + 1, 1, Severity::Error, ExpertGroup::Protocol,
                     "Option length isn't a multiple of 4", 0, s_ei[BadLength]);
        break;
    case Kind::String:
        d.addString(opt, f, r, v, len, d.wants(f) ? cString(r, v, len) : std::string());
        break;
    case Kind::Bool:
        if (!badLength(1)) {
            Item b = d.addValue(opt, f, r, v, 1, r.u8(v) != 0);
            if (b)
                d.setText(b, std::string(spec.name) + (r.u8(v) ? ": Enabled" : ": Disabled"));
        }
        break;
    case Kind::UInt8:
        if (!badLength(1)) {
            Item it = d.addUInt(opt, f, r, v, 1);
            if (it && code == 46) {
                const std::string_view n = nameOf(kNodeTypes, r.u8(v));
                d.setText(it, std::string(spec.name) + ": " +
                                  std::string(n.empty() ? "Unknown" : n) + " (" +
                                  text::uintString(r.u8(v)) + ")");
            }
        }
        break;
    case Kind::UInt16:
        if (!badLength(2))
            d.addUInt(opt, f, r, v, 2);
        break;
    case Kind::UInt16List:
        for (size_t i = 0; i + 2 <= len; i += 2)
            d.addUInt(opt, f, r, v + i, 2);
        break;
    case Kind::Time:
    case Kind::TimeSigned:
        if (!badLength(4)) {
            const uint32_t raw = r.u32(v);
            Item it = d.addUInt(opt, f, r, v, 4);
            if (it) {
                std::string s(spec.name);
                s += ": (";
                if (spec.kind == Kind::TimeSigned) {
                    const int32_t sv = int32_t(raw);
                    text::appendInt(s, sv);
                    s += "s) ";
                    if (sv < 0)
                        s += '-';
                    appendDuration(s, sv < 0 ? uint64_t(-int64_t(sv)) : uint64_t(sv));
                } else {
                    text::appendUInt(s, raw);
                    s += "s) ";
                    if (raw == 0xffffffffu && (code == 51 || code == 58 || code == 59))
                        s += "infinity";
                    else
                        appendDuration(s, raw);
                }
                d.setText(it, std::move(s));
            }
        }
        break;
    case Kind::Bytes:
        break;
    }
    return v + len;
}

void dissectOptions(Dissection &d, const Reader &r, size_t at, size_t end, Item parent, State &st,
                    bool overloadAllowed, const Reader &whole)
{
    // Each step consumes at least one byte, so the loop ends after at most `end - at` steps.
    while (at < end) {
        const uint8_t code = r.u8(at);
        if (code == kEnd) {
            Item e = d.addValue(parent, s_f[OptType], r, at, 1, 0); // Wireshark's value: 0
            if (e)
                d.setText(e, "Option: (255) End");
            d.addUInt(e, s_f[OptEnd], r, at, 1);
            if (overloadAllowed)
                st.sawEnd = true;
            ++at;
            if (overloadAllowed && at < end && r.capturedFrom(at) > 0) {
                // What follows the end option (to the end of the datagram) is padding.
                const size_t n = r.capturedFrom(at) < end - at ? r.capturedFrom(at) : end - at;
                setBytesLabel(d, d.addBytes(st.protocolItem, s_f[OptPadding], r, at, n), "Padding",
                              r, at, n);
            }
            return;
        }
        if (code == kPad) {
            size_t n = 1;
            while (at + n < end && r.has(at + n, 1) && r.u8(at + n) == kPad)
                ++n;
            Item o = d.addValue(parent, s_f[OptType], r, at, 1, 0);
            if (o)
                d.setText(o, "Option: (0) Padding");
            d.addBytes(o, s_f[OptPadding], r, at, n);
            at += n;
            continue;
        }
        at = dissectOption(d, r, at, parent, st, overloadAllowed, whole);
    }
}

void dissectDhcp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("BOOTP");
    Item dhcp = d.addProtocol(parent, s_f.protocol(), r, 0, r.reported());
    if (dhcp)
        d.setText(dhcp, "Dynamic Host Configuration Protocol");
    State st;
    st.protocolItem = dhcp;
    try {
        // Wireshark writes the Info column first, reading the client's hardware address
        // (hlen bytes, whatever hlen says): when they are not there, no field is added.
        const uint8_t op = r.u8(0);
        const uint8_t htype = r.u8(1), hlen = r.u8(2);
        const bool etherAddr = htype == kArpHrdEther && hlen == 6;
        if (op == 1)
            r.require(28, hlen);
        if (d.columns()) {
            std::string &info = d.info();
            info.clear();
            if (op == 1) {
                info = "Boot Request from ";
                if (etherAddr) {
                    // tshark -n shows the address with itself as the "resolved" name.
                    std::string mac;
                    text::appendEther(mac, r.ptr(28, 6));
                    info += mac + " (" + mac + ")";
                } else {
                    const size_t shown = hlen > 36 ? 36 : hlen;
                    text::appendHexBytes(info, r.ptr(28, shown), shown);
                    if (hlen > 36)
                        info += "\xe2\x80\xa6";
                }
            } else if (op == 2) {
                info = "Boot Reply";
            } else {
                info = "Unknown BOOTP message type (" + text::uintString(op) + ")";
            }
        }
        // Wireshark's first pass over the options (before any item): it finds the overload
        // option, which changes how sname and file show, and reads each option's code and
        // length, so options cut by the capture leave no tree at all, as in tshark.
        uint8_t overload = 0;
        bool dhcpMessage = false;
        const bool hasCookie = r.has(kHeaderLen, 4) && r.u32(kHeaderLen) == kMagicCookie;
        for (size_t at = kHeaderLen + (hasCookie ? 4 : 64); at < r.reported();) {
            const uint8_t c = r.u8(at);
            if (c == kEnd)
                break;
            if (c == kPad) {
                ++at;
                continue;
            }
            if (at + 1 >= r.reported())
                break; // the tree pass shows what is wrong with it
            const uint8_t l = r.u8(at + 1);
            if (c == kOverload && at + 2 < r.reported())
                overload = r.u8(at + 2) & 3; // read whatever the length says
            if (c == kMessageType && at + 2 < r.reported())
                dhcpMessage = true;
            at += 2u + l;
        }

        d.addUInt(dhcp, s_f[Type], r, 0, 1);
        d.addUInt(dhcp, s_f[HwType], r, 1, 1);
        d.addUInt(dhcp, s_f[HwLen], r, 2, 1);
        d.addUInt(dhcp, s_f[Hops], r, 3, 1);
        d.addUInt(dhcp, s_f[Id], r, 4, 4);
        st.xid = r.u32(4);
        {
            // Some clients send the seconds little-endian; Wireshark then shows them swapped
            // (a high byte set and a zero low byte).
            const uint16_t secs = r.u16(8);
            if (secs > 0xff && (secs & 0xff) == 0) {
                Item it = d.addValue(dhcp, s_f[Secs], r, 8, 2, secs >> 8);
                d.expert(it, r, 8, 2, Severity::Note, ExpertGroup::Protocol,
                         "Seconds elapsed appears to be encoded as little-endian", 0, s_ei[SecsLe]);
            } else {
                d.addUInt(dhcp, s_f[Secs], r, 8, 2);
            }
        }
        const uint16_t flags = r.u16(10);
        Item fl = d.addUInt(dhcp, s_f[Flags], r, 10, 2);
        if (fl) {
            std::string s = "Bootp flags: ";
            text::appendHex(s, flags, 4);
            s += flags & 0x8000 ? ", Broadcast flag (Broadcast)" : " (Unicast)";
            d.setText(fl, std::move(s));
        }
        d.addUInt(fl, s_f[FlagsBc], r, 10, 2);
        d.addUInt(fl, s_f[FlagsReserved], r, 10, 2);
        d.addBytes(dhcp, s_f[IpClient], r, 12, 4);
        d.addBytes(dhcp, s_f[IpYour], r, 16, 4);
        d.addBytes(dhcp, s_f[IpServer], r, 20, 4);
        d.addBytes(dhcp, s_f[IpRelay], r, 24, 4);
        if (etherAddr) {
            d.addBytes(dhcp, s_f[HwMacAddr], r, 28, 6);
            d.addBytes(dhcp, s_f[HwAddrPadding], r, 34, 10);
        } else if (hlen > 0 && hlen <= 16) {
            d.addBytes(dhcp, s_f[HwAddr], r, 28, hlen);
            if (hlen < 16)
                d.addBytes(dhcp, s_f[HwAddrPadding], r, 28 + hlen, 16u - hlen);
        } else {
            Item it = d.addText(dhcp, r, 28, 16, "Client address not given");
            d.expert(it, r, 28, 16, Severity::Note, ExpertGroup::Protocol,
                     "Client address not given", 0, s_ei[AddrNotGiven]);
        }

        auto nameField = [&](int field, int notGivenField, size_t at, size_t len, bool overloaded,
                             int expertField, std::string_view expertText) {
            r.require(at, len);
            if (overloaded) {
                Item it = d.addText(dhcp, r, at, len, std::string(expertText));
                d.expert(it, r, at, 0, Severity::Note, ExpertGroup::Protocol, expertText, 0,
                         s_ei[expertField]);
                return;
            }
            if (r.u8(at) == 0) {
                d.addBytes(dhcp, s_f[notGivenField], r, at, len);
                return;
            }
            d.addString(dhcp, s_f[field], r, at, len,
                        d.wants(s_f[field]) ? cString(r, at, len) : std::string());
        };
        nameField(Server, ServerNotGiven, 44, 64, overload & 2, ServerOverloaded,
                  "Server name option overloaded by DHCP");
        nameField(File, FileNotGiven, 108, 128, overload & 1, FileOverloaded,
                  "Boot file name option overloaded by DHCP");

        if (!dhcpMessage) // no message type option: plain BOOTP
            d.flag(d.addGenerated(dhcp, s_f[Bootp], 1, 0, false), Hidden);
        if (!hasCookie) {
            // RFC 951 BOOTP: 64 bytes of vendor-specific area instead of options.
            r.require(kHeaderLen, 64);
            setBytesLabel(d, d.addBytes(dhcp, s_f[VendorSpecific], r, kHeaderLen, 64),
                          "Bootp vendor specific options", r, kHeaderLen, 64);
            // Wireshark reads options after the vendor area too, when there are any.
            if (r.reportedFrom(kHeaderLen + 64) == 0)
                return;
        } else {
            Item cookie = d.addBytes(dhcp, s_f[Cookie], r, kHeaderLen, 4);
            if (cookie)
                d.setText(cookie, "Magic cookie: DHCP");
        }

        const size_t end = r.reported();
        dissectOptions(d, r, kHeaderLen + (hasCookie ? 4 : 64), end, dhcp, st, true, r);
        applyMessageType(d, st);
        if (!st.sawEnd)
            d.expert(dhcp, r, 0, 0, Severity::Error, ExpertGroup::Protocol, "End option missing", 0,
                     s_ei[EndMissing]);
    } catch (const BoundsError &e) {
        // Wireshark names the layer "DHCP/BOOTP" in its malformed/truncated marks, while the
        // Protocol column says BOOTP or DHCP.
        applyMessageType(d, st);
        d.markLayerError(parent, e.frameOffset, e.kind == BoundsError::Kind::Truncated,
                         "DHCP/BOOTP");
    }
}

} // namespace

void register_dhcp(Registry &reg)
{
    s_f = reg.addProtocol({"dhcp", "DHCP", "Dynamic Host Configuration Protocol"}, kFields);
    s_ei = reg.addFields(kExperts);
    s_optionFields.reserve(std::size(kOptionSpecs));
    for (size_t i = 0; i < std::size(kOptionSpecs); ++i) {
        const OptionSpec &o = kOptionSpecs[i];
        FieldDef f{o.abbrev, o.name, FieldType::None};
        switch (o.kind) {
        case Kind::IPv4:
        case Kind::IPv4List:
            f.type = FieldType::IPv4;
            break;
        case Kind::String:
            f.type = FieldType::String;
            break;
        case Kind::Bool:
            f.type = FieldType::Boolean;
            break;
        case Kind::UInt8:
            f = {o.abbrev, o.name, FieldType::UInt8, Base::Dec};
            break;
        case Kind::UInt16:
        case Kind::UInt16List:
            f = {o.abbrev, o.name, FieldType::UInt16, Base::Dec};
            break;
        case Kind::Time:
            f = {o.abbrev, o.name, FieldType::UInt32, Base::Dec};
            break;
        case Kind::TimeSigned:
            f = {o.abbrev, o.name, FieldType::Int32, Base::Dec};
            break;
        case Kind::Bytes:
            f.type = FieldType::Bytes;
            break;
        }
        s_optionFields.push_back(f);
        s_specOf[o.code] = uint8_t(i + 1);
    }
    const FieldBlock opts = reg.addFields(s_optionFields);
    for (size_t i = 0; i < std::size(kOptionSpecs); ++i)
        s_fieldOf[kOptionSpecs[i].code] = opts[int(i)];
    reg.addDissector(Table::UdpPort, 67, dissectDhcp);
    reg.addDissector(Table::UdpPort, 68, dissectDhcp);
}

} // namespace pl::proto
