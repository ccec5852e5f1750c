// The display filter engine timed alone (bench/filter.sh): reads a capture, dissects every
// packet in summary mode collecting only the fields the filter reads (Dissection::
// setInterest), and evaluates the filter, on one thread, as the packet store and
// `packetlens-cli -Y` do, without printing anything.
//
// Usage: packetlens-filterbench FILE FILTER...
// Prints one line per filter: matches<TAB>seconds<TAB>filter. Exit status 2 on a filter that
// does not compile or an unreadable file.

#include "analysis/displayfilter.h"
#include "capfile/capturefilereader.h"
#include "dissect/dissection.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace {

// As packetlens-cli: checksums are verified only when the filter reads their results.
bool readsChecksumResults(const pl::FieldInterest &interest)
{
    const pl::Registry &reg = pl::Registry::instance();
    for (size_t f = 0; f < interest.size(); ++f) {
        if (!interest[f])
            continue;
        const std::string_view name = reg.field(pl::FieldId(f)).abbrev;
        if (name.find("checksum") != std::string_view::npos || name.starts_with("_ws.expert"))
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: packetlens-filterbench FILE FILTER...\n", stderr);
        return 2;
    }
    for (int i = 2; i < argc; ++i) {
        const pl::DisplayFilter filter = pl::DisplayFilter::compile(argv[i]);
        if (!filter.ok()) {
            fprintf(stderr, "packetlens-filterbench: %s: %s\n", argv[i],
                    filter.error().text.c_str());
            return 2;
        }
        const auto start = std::chrono::steady_clock::now();
        pl::CaptureFileReader reader;
        reader.setZeroCopy(true);
        if (!reader.open(argv[1])) {
            fprintf(stderr, "packetlens-filterbench: %s\n", reader.error().c_str());
            return 2;
        }
        pl::Dissection d(pl::Dissection::Mode::Summary);
        if (!filter.isEmpty())
            d.setInterest(&filter.interest());
        d.prefs.verifyChecksums = readsChecksumResults(filter.interest());
        pl::Session session;
        pl::CapturedPacket p;
        uint64_t matches = 0;
        while (reader.next(p)) {
            d.dissect(p.frame, &session);
            matches += filter.matches(d);
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        printf("%llu\t%.3f\t%s\n", static_cast<unsigned long long>(matches), took.count(), argv[i]);
        fflush(stdout);
    }
    return 0;
}
