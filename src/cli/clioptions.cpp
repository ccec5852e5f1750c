#include "clioptions.h"

#include <charconv>

namespace pl::cli {

namespace {

// Options that take an argument.
constexpr std::string_view kWithArgument = "rcTeEoiYfwFsBaz";

bool parseNumber(const std::string &value, uint64_t &n)
{
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    return ec == std::errc() && p == value.data() + value.size();
}

} // namespace

std::string usageText()
{
    return "Usage: packetlens-cli [options] -r <infile>\n"
           "\n"
           "  -r <infile>              read packets from a pcap or pcapng file\n"
           "  -c <packet count>        stop after n packets read\n"
           "  -Y <display filter>      print (or write with -w) only the packets it matches,\n"
           "                           e.g. \"ip.addr == 10.0.0.5 && tcp.port in {80 443}\"\n"
           "  -V                       print the packet details tree\n"
           "  -x                       print a hex and ASCII dump of the packet data (with -T\n"
           "                           json: each field's bytes, offset and length as _raw)\n"
           "  -T text|fields|json      output format (default text: summary lines, or -V tree)\n"
           "  -e <field>               field to print with -T fields (repeatable)\n"
           "  -E <fieldsoption>=<value>  header=y|n, separator=/t|/s|<char>,\n"
           "                           aggregator=,|/s|<char>, quote=d|s|n, occurrence=f|l|a\n"
           "  -q                       no line per packet (with -z: only the report)\n"
           "  -z follow,tcp|udp,ascii|hex|raw,<index>\n"
           "                           after the packets, the stream's bytes as tshark prints "
           "them\n"
           "  -o <name>:TRUE|FALSE     preference: tcp.relative_sequence_numbers,\n"
           "                           tcp.desegment_tcp_streams, ip.defragment, ipv6.defragment\n"
           "\n"
           "Live capture (through the packetlens-capture helper):\n"
           "  -D                       list the interfaces\n"
           "  -i <interface>           capture on this interface (repeatable)\n"
           "  -f <capture filter>      tcpdump filter syntax\n"
           "  -s <snaplen>             bytes kept per packet (default 262144)\n"
           "  -p                       do not put the interface in promiscuous mode\n"
           "  -B <MiB>                 kernel ring size (default 32)\n"
           "  -a duration:<seconds>    stop after this many seconds\n"
           "  -w <outfile>             write packets to a file instead of printing them\n"
           "  -F pcapng|pcap|pcap-ns   format of the -w file (default pcapng)\n"
           "  -h                       this help\n"
           "  -v                       version\n";
}

ParseResult parseArguments(const std::vector<std::string> &args)
{
    ParseResult res;
    CliOptions &o = res.options;
    auto fail = [&](std::string message, int code = 1) {
        res.error = std::move(message);
        res.exitCode = code;
        return res;
    };

    for (size_t i = 1; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg.size() < 2 || arg[0] != '-')
            return fail("unexpected argument \"" + arg +
                        "\" (capture filters as arguments need live capture, not available yet)");
        for (size_t k = 1; k < arg.size(); ++k) {
            const char opt = arg[k];
            std::string value;
            if (kWithArgument.find(opt) != std::string_view::npos) {
                if (k + 1 < arg.size())
                    value = arg.substr(k + 1);
                else if (i + 1 < args.size())
                    value = args[++i];
                else
                    return fail(std::string("option requires an argument -- '") + opt + "'");
                k = arg.size();
            }
            switch (opt) {
            case 'r':
                o.readFile = value;
                break;
            case 'Y': // compiled by the runner, which reports an error with its position
                o.displayFilter = value;
                break;
            case 'c': {
                uint64_t n = 0;
                auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
                if (ec != std::errc() || p != value.data() + value.size())
                    return fail("The specified packet count \"" + value +
                                "\" isn't a decimal number");
                if (n == 0)
                    return fail("The specified packet count is zero");
                o.count = n;
                break;
            }
            case 'V':
                o.verbose = true;
                break;
            case 'q':
                o.quiet = true;
                break;
            case 'z': {
                // follow,tcp,ascii,3 (tshark also accepts an address filter in place of the
                // index; only the index form is supported)
                std::vector<std::string> parts;
                for (size_t start = 0;;) {
                    const size_t comma = value.find(',', start);
                    parts.push_back(value.substr(start, comma - start));
                    if (comma == std::string::npos)
                        break;
                    start = comma + 1;
                }
                uint32_t index = 0;
                const std::string &n = parts.size() == 4 ? parts[3] : std::string();
                auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), index);
                if (parts.size() != 4 || parts[0] != "follow" ||
                    (parts[1] != "tcp" && parts[1] != "udp") ||
                    (parts[2] != "ascii" && parts[2] != "hex" && parts[2] != "raw") || n.empty() ||
                    ec != std::errc() || end != n.data() + n.size())
                    return fail("Invalid -z argument \"" + value +
                                "\" (supported: follow,tcp|udp,ascii|hex|raw,<stream index>)");
                o.follow = CliOptions::Follow{parts[1] == "tcp", parts[2], index};
                break;
            }
            case 'x':
                o.hex = true;
                break;
            case 'T':
                if (value == "fields")
                    o.output = CliOptions::Output::Fields;
                else if (value == "json")
                    o.output = CliOptions::Output::Json;
                else if (value == "text")
                    o.output = CliOptions::Output::Summary;
                else
                    return fail("Invalid -T parameter \"" + value +
                                "\"; it must be one of: fields, json, text");
                o.outputSet = true;
                break;
            case 'e':
                o.fields.push_back(value);
                break;
            case 'E': {
                std::string error;
                if (!o.fieldsOptions.set(value, error))
                    return fail(error);
                break;
            }
            case 'o': {
                // tshark's -o name:value
                const size_t colon = value.find(':');
                std::string error;
                if (colon == std::string::npos)
                    return fail("Invalid -o flag \"" + value + "\": expected name:value (" +
                                Preferences::names() + ")");
                if (!o.prefs.set(value.substr(0, colon), value.substr(colon + 1), error))
                    return fail("Invalid -o flag \"" + value + "\": " + error);
                break;
            }
            case 'i':
                o.interfaces.push_back(value);
                break;
            case 'f':
                o.captureFilter = value;
                break;
            case 's': {
                uint64_t n = 0;
                if (!parseNumber(value, n) || n > 262144)
                    return fail("The specified snapshot length \"" + value +
                                "\" isn't a number from 0 to 262144");
                o.snaplen = n ? uint32_t(n) : 262144;
                break;
            }
            case 'p':
                o.promiscuous = false;
                break;
            case 'B': {
                uint64_t n = 0;
                if (!parseNumber(value, n) || n == 0 || n > 4096)
                    return fail("The specified buffer size \"" + value +
                                "\" isn't a number of MiB from 1 to 4096");
                o.bufferMiB = uint32_t(n);
                break;
            }
            case 'a': {
                uint64_t n = 0;
                const std::string prefix = "duration:";
                if (value.rfind(prefix, 0) != 0 || !parseNumber(value.substr(prefix.size()), n) ||
                    n == 0 || n > 0xffffffffu)
                    return fail("Invalid -a value \"" + value + "\" (supported: duration:SECONDS)");
                o.durationSeconds = uint32_t(n);
                break;
            }
            case 'w':
                o.writeFile = value;
                break;
            case 'F':
                if (value == "pcapng")
                    o.writeFormat = CaptureFileWriter::Format::PcapNg;
                else if (value == "pcap")
                    o.writeFormat = CaptureFileWriter::Format::PcapUsec;
                else if (value == "pcap-ns" || value == "nsecpcap")
                    o.writeFormat = CaptureFileWriter::Format::PcapNsec;
                else
                    return fail("Invalid -F file type \"" + value +
                                "\" (supported: pcapng, pcap, pcap-ns)");
                break;
            case 'D':
                o.listInterfaces = true;
                break;
            case 'h':
                o.help = true;
                break;
            case 'v':
                o.version = true;
                break;
            default:
                return fail(std::string("invalid option -- '") + opt + "'");
            }
        }
    }
    if (o.help || o.version || o.listInterfaces)
        return res;
    if (!o.readFile.empty() && !o.interfaces.empty())
        return fail("-r and -i cannot be used together: read a file or capture live");
    if (!o.readFile.empty() && (!o.captureFilter.empty() || o.durationSeconds))
        return fail("-f and -a apply to live capture (-i), not to reading a file");
    if (!o.writeFile.empty() && (o.verbose || o.output != CliOptions::Output::Summary))
        return fail("-w writes packets to a file: -V and -T print nothing with it");
    if (o.output == CliOptions::Output::Fields && o.fields.empty())
        return fail("\"-T fields\" was specified, but no fields were specified with \"-e\".");
    if (!o.fields.empty() && o.output != CliOptions::Output::Fields)
        return fail("\"-e\" was specified, but \"-T fields\" was not.");
    if (o.readFile.empty() && o.interfaces.empty())
        return fail("no input: read a capture file with -r FILE or capture with -i INTERFACE "
                    "(-D lists them)");
    return res;
}

} // namespace pl::cli
