#pragma once

#include "capfile/capturefilewriter.h"
#include "dissect/preferences.h"
#include "dissect/print/fieldsprinter.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pl::cli {

/// What packetlens-cli was asked to do: tshark's options, the part implemented so far.
struct CliOptions
{
    enum class Output : uint8_t { Summary, Fields, Json };

    std::string readFile;               ///< -r
    std::optional<uint64_t> count;      ///< -c
    bool verbose = false;               ///< -V
    bool hex = false;                   ///< -x
    Output output = Output::Summary;    ///< -T (text = summary lines, or the tree with -V)
    bool outputSet = false;             ///< -T given explicitly
    std::vector<std::string> fields;    ///< -e
    print::FieldsOptions fieldsOptions; ///< -E
    Preferences prefs;         ///< -o name:value (verifyChecksums is the output's business)
    std::string displayFilter; ///< -Y: only packets it matches are printed/written
    bool quiet = false;        ///< -q: no line per packet (only reports, e.g. -z follow)
    /// -z follow,tcp|udp,ascii|hex|raw,<stream index>: the stream's bytes after the packets
    struct Follow
    {
        bool tcp = true;
        std::string mode; ///< ascii, hex or raw
        uint32_t index = 0;
    };
    std::optional<Follow> follow;
    // Live capture (through the packetlens-capture helper).
    std::vector<std::string> interfaces;     ///< -i (repeatable)
    std::string captureFilter;               ///< -f, tcpdump syntax
    uint32_t snaplen = 262144;               ///< -s (0 = 262144, as tshark)
    bool promiscuous = true;                 ///< -p turns it off
    uint32_t bufferMiB = 32;                 ///< -B
    std::optional<uint32_t> durationSeconds; ///< -a duration:S
    std::string writeFile;                   ///< -w
    /// -F pcapng|pcap|pcap-ns (alias nsecpcap)
    CaptureFileWriter::Format writeFormat = CaptureFileWriter::Format::PcapNg;
    bool listInterfaces = false; ///< -D
    bool help = false;           ///< -h
    bool version = false;        ///< -v
};

/// Result of parsing: options, or an error message and tshark's exit status for it.
struct ParseResult
{
    CliOptions options;
    std::string error;
    int exitCode = 0;
    bool ok() const { return error.empty(); }
};

/// Parses argv like tshark (getopt style: `-c 10`, `-c10`, grouped flags `-Vx`).
ParseResult parseArguments(const std::vector<std::string> &args);

std::string usageText();

} // namespace pl::cli
