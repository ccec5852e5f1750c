#include "clioptions.h"

#include <charconv>

namespace pl::cli {

namespace {

// Options that take an argument, and those that are tshark's but arrive in later issues
// (live capture, writing, display filters): refused with a clear message, never ignored.
constexpr std::string_view kWithArgument = "rcTeEoiYfwF";
constexpr std::string_view kNotYet = "ifwFYD";

std::string notYetMessage(char opt)
{
    switch (opt) {
    case 'i':
    case 'f':
    case 'D':
        return "live capture (-i, -f, -D) is not available yet: it arrives with the capture "
               "helper; read a file with -r";
    case 'w':
    case 'F':
        return "writing capture files (-w, -F) is not available yet";
    default:
        return "display filters (-Y) are not available yet";
    }
}

} // namespace

std::string usageText()
{
    return "Usage: packetlens-cli [options] -r <infile>\n"
           "\n"
           "  -r <infile>              read packets from a pcap or pcapng file\n"
           "  -c <packet count>        stop after n packets\n"
           "  -V                       print the packet details tree\n"
           "  -x                       print a hex and ASCII dump of the packet data\n"
           "  -T text|fields|json      output format (default text: summary lines, or -V tree)\n"
           "  -e <field>               field to print with -T fields (repeatable)\n"
           "  -E <fieldsoption>=<value>  header=y|n, separator=/t|/s|<char>,\n"
           "                           aggregator=,|/s|<char>, quote=d|s|n, occurrence=f|l|a\n"
           "  -o tcp.relative_sequence_numbers:TRUE|FALSE\n"
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
            if (kNotYet.find(opt) != std::string_view::npos)
                return fail(notYetMessage(opt));
            switch (opt) {
            case 'r':
                o.readFile = value;
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
                const size_t colon = value.find(':');
                const std::string name = value.substr(0, colon);
                std::string v = colon == std::string::npos ? "" : value.substr(colon + 1);
                for (char &c : v)
                    c = char(toupper(uint8_t(c)));
                if (name != "tcp.relative_sequence_numbers" || (v != "TRUE" && v != "FALSE"))
                    return fail("Invalid -o flag \"" + value +
                                "\" (supported: tcp.relative_sequence_numbers:TRUE|FALSE)");
                o.tcpRelativeSeq = v == "TRUE";
                break;
            }
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
    if (o.help || o.version)
        return res;
    if (o.output == CliOptions::Output::Fields && o.fields.empty())
        return fail("\"-T fields\" was specified, but no fields were specified with \"-e\".");
    if (!o.fields.empty() && o.output != CliOptions::Output::Fields)
        return fail("\"-e\" was specified, but \"-T fields\" was not.");
    if (o.readFile.empty())
        return fail("no input: give a capture file with -r (live capture is not available "
                    "yet)");
    return res;
}

} // namespace pl::cli
