#include "clirunner.h"

#include "analysis/sessionexporter.h"
#include "analysis/streamfollower.h"
#include "analysis/streamformat.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"
#include "framewriter.h"

#include <algorithm>

namespace pl::cli {

bool compileDisplayFilter(const CliOptions &o, DisplayFilter &filter, FILE *err)
{
    filter = DisplayFilter::compile(o.displayFilter);
    if (filter.ok())
        return true;
    // tshark's form:  tshark: "tcp.prot" is neither ...\n    tcp.prot == 1\n    ^~~~~~~~
    const FilterMessage &e = filter.error();
    const std::string &text = o.displayFilter;
    std::string msg = "packetlens-cli: " + e.text + "\n    " + text + "\n    ";
    // The caret goes under the token's first character: count characters, not UTF-8 bytes.
    const size_t at = std::min(e.position, text.size());
    for (size_t i = 0; i < at; ++i)
        if ((uint8_t(text[i]) & 0xc0) != 0x80)
            msg += text[i] == '\t' ? '\t' : ' ';
    msg += '^';
    size_t chars = 0;
    for (size_t i = at; i < std::min(at + e.length, text.size()); ++i)
        chars += (uint8_t(text[i]) & 0xc0) != 0x80;
    for (size_t i = 1; i < chars; ++i)
        msg += '~';
    msg += '\n';
    fputs(msg.c_str(), err);
    return false;
}

int run(const CliOptions &o, FILE *out, FILE *err)
{
    // Like tshark, a bad filter is reported before the file is even opened.
    DisplayFilter filter;
    if (!compileDisplayFilter(o, filter, err))
        return 2;

    if (o.output == CliOptions::Output::Fields) {
        const auto unknown = print::FieldsPrinter(o.fields, o.fieldsOptions).unknownFields();
        if (!unknown.empty()) {
            std::string msg = "packetlens-cli: Some fields aren't valid:\n";
            for (const std::string &f : unknown)
                msg += "\t" + f + "\n";
            fputs(msg.c_str(), err);
            return 1;
        }
    }

    CaptureFileReader reader;
    reader.setZeroCopy(true); // each packet is printed once and never kept
    if (!reader.open(o.readFile)) {
        fprintf(err, "packetlens-cli: %s\n", reader.error().c_str());
        return 2;
    }
    CaptureFileWriter writer;
    // -w: the packets with their interfaces and comments, as the application's export does.
    PacketCopier copier(reader, writer, o.writeFile);
    if (!o.writeFile.empty() &&
        !writer.open(o.writeFile, o.writeFormat, "PacketLens " PACKETLENS_VERSION)) {
        fprintf(err, "packetlens-cli: %s\n", writer.error().c_str());
        return 2;
    }

    FrameWriter printer(o, out);
    printer.setDisplayFilter(filter);
    std::optional<StreamFollower> follower;
    Dissection followDissection(Dissection::Mode::Summary);
    Session followSession;
    if (o.follow) {
        follower.emplace(o.follow->tcp ? FollowedStream::Kind::Tcp : FollowedStream::Kind::Udp,
                         o.follow->index);
        followDissection.prefs = o.prefs;
        followDissection.prefs.verifyChecksums = false;
        followDissection.setColumns(false);
        followDissection.setInterest(&follower->interest());
    }
    CapturedPacket p;
    uint64_t done = 0;
    // -c counts the packets read, displayed or not (tshark 4.0 alike).
    while ((!o.count || done < *o.count) && reader.next(p)) {
        ++done;
        if (follower) { // its own dissection and session: the printer's may be a tree's
            followDissection.dissect(p.frame, &followSession);
            follower->add(followDissection);
        }
        if (writer.isOpen()) {
            if (!printer.select(p.frame))
                continue;
            if (!copier.write(p)) {
                fprintf(err, "packetlens-cli: %s\n", copier.error().c_str());
                return 2;
            }
            continue;
        }
        if (o.quiet)
            continue;
        const auto &ifs = reader.interfaces();
        const int digits =
            p.frame.interfaceId < ifs.size() ? ifs[p.frame.interfaceId].timeDigits() : 6;
        printer.write(p.frame, digits);
    }
    printer.flush(true);
    if (writer.isOpen() && !copier.finish()) {
        fprintf(err, "packetlens-cli: %s\n", copier.error().c_str());
        return 2;
    }
    if (writer.isOpen() && !writer.close()) {
        fprintf(err, "packetlens-cli: %s\n", writer.error().c_str());
        return 2;
    }
    if (follower) {
        follower->finish();
        const std::string report = streamformat::tsharkReport(
            follower->result(), *streamformat::parseMode(o.follow->mode));
        fputs(report.c_str(), out);
    }
    if (reader.damaged()) {
        fprintf(err, "packetlens-cli: %s (%llu packets before it were read)\n",
                reader.error().c_str(), static_cast<unsigned long long>(done));
        return 2;
    }
    return 0;
}

} // namespace pl::cli
