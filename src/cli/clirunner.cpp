#include "clirunner.h"

#include "analysis/sessionexporter.h"
#include "capfile/capturefilereader.h"
#include "capfile/capturefilewriter.h"
#include "framewriter.h"

namespace pl::cli {

int run(const CliOptions &o, FILE *out, FILE *err)
{
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
    CapturedPacket p;
    uint64_t done = 0;
    while ((!o.count || done < *o.count) && reader.next(p)) {
        ++done;
        if (writer.isOpen()) {
            if (!copier.write(p)) {
                fprintf(err, "packetlens-cli: %s\n", copier.error().c_str());
                return 2;
            }
            continue;
        }
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
    if (reader.damaged()) {
        fprintf(err, "packetlens-cli: %s (%llu packets before it were read)\n",
                reader.error().c_str(), static_cast<unsigned long long>(done));
        return 2;
    }
    return 0;
}

} // namespace pl::cli
