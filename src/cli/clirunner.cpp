#include "clirunner.h"

#include "capfile/capturefilereader.h"
#include "dissect/print/jsonprinter.h"
#include "dissect/print/summaryline.h"
#include "dissect/print/treetext.h"

namespace pl::cli {

namespace {

// Output is gathered and written in large pieces: one fwrite a packet would dominate the
// summary fast path.
constexpr size_t kFlushAt = 1 << 20;

void flush(std::string &buf, FILE *out)
{
    if (!buf.empty())
        fwrite(buf.data(), 1, buf.size(), out);
    buf.clear();
}

int digitsFor(uint64_t unitsPerSecond)
{
    int digits = 0;
    for (uint64_t u = 1; u < unitsPerSecond && digits < 9; u *= 10)
        ++digits;
    return digits;
}

} // namespace

int run(const CliOptions &o, FILE *out, FILE *err)
{
    std::optional<print::FieldsPrinter> fields;
    if (o.output == CliOptions::Output::Fields) {
        fields.emplace(o.fields, o.fieldsOptions);
        const auto unknown = fields->unknownFields();
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

    const bool tree = o.verbose || o.output != CliOptions::Output::Summary;
    Dissection d(tree ? Dissection::Mode::Tree : Dissection::Mode::Summary);
    d.prefs.tcpRelativeSequenceNumbers = o.tcpRelativeSeq;
    d.prefs.verifyChecksums = tree; // summary lines never show a checksum's status
    Session session;
    print::JsonPrinter json;
    std::string buf;
    buf.reserve(kFlushAt + 4096);
    if (fields && o.fieldsOptions.header)
        fields->appendHeader(buf);
    if (o.output == CliOptions::Output::Json)
        json.appendBegin(buf);

    CapturedPacket p;
    uint64_t printed = 0;
    bool first = true;
    int64_t firstSec = 0;
    uint32_t firstNsec = 0;
    while ((!o.count || printed < *o.count) && reader.next(p)) {
        ++printed;
        d.dissect(p.frame, &session);
        switch (o.output) {
        case CliOptions::Output::Fields:
            fields->appendRow(buf, d);
            break;
        case CliOptions::Output::Json:
            json.appendFrame(buf, d);
            break;
        case CliOptions::Output::Summary:
            if (o.verbose) {
                print::appendTreeText(buf, d);
                buf += '\n';
            } else if (!o.hex) {
                if (first) {
                    firstSec = p.frame.tsSec;
                    firstNsec = p.frame.tsNsec;
                }
                int64_t sec = p.frame.tsSec - firstSec;
                int64_t nsec = int64_t(p.frame.tsNsec) - int64_t(firstNsec);
                if (nsec < 0) {
                    nsec += 1000000000;
                    --sec;
                }
                const auto &ifs = reader.interfaces();
                const int digits = p.frame.interfaceId < ifs.size()
                                       ? digitsFor(ifs[p.frame.interfaceId].tsUnitsPerSecond)
                                       : 6;
                print::appendSummaryLine(buf, d, sec, uint32_t(nsec), digits);
            }
            if (o.hex) {
                print::appendHexDump(buf, p.frame.data, p.frame.capLen);
                buf += '\n';
            }
            break;
        }
        first = false;
        if (buf.size() >= kFlushAt)
            flush(buf, out);
    }
    if (o.output == CliOptions::Output::Json)
        json.appendEnd(buf);
    flush(buf, out);
    fflush(out);
    if (reader.damaged()) {
        fprintf(err, "packetlens-cli: %s (%llu packets before it were read)\n",
                reader.error().c_str(), static_cast<unsigned long long>(printed));
        return 2;
    }
    return 0;
}

} // namespace pl::cli
