// The display filter engine timed alone (bench/filter.sh): the pass the application makes
// when a filter is applied to a loaded file (pl::filterPass: reading on one thread, summary
// dissection collecting only the fields the filter reads, and evaluation; batches dissected
// on two threads when the filter reads no cross-frame field), without printing anything.
// It is told the packet count, as the application knows it from its first pass.
//
// Usage: packetlens-filterbench FILE FILTER...
// Prints one line per filter: matches<TAB>seconds<TAB>filter. Exit status 2 on a filter that
// does not compile or an unreadable file.

#include "analysis/displayfilter.h"
#include "analysis/filterpass.h"
#include "capfile/capturefilereader.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: packetlens-filterbench FILE FILTER...\n", stderr);
        return 2;
    }
    // The packet count, as the application's first pass gives it (not timed).
    uint64_t count = 0;
    {
        pl::CaptureFileReader reader;
        reader.setZeroCopy(true);
        if (!reader.open(argv[1])) {
            fprintf(stderr, "packetlens-filterbench: %s\n", reader.error().c_str());
            return 2;
        }
        pl::CapturedPacket p;
        while (reader.next(p))
            ++count;
    }
    for (int i = 2; i < argc; ++i) {
        const pl::DisplayFilter filter = pl::DisplayFilter::compile(argv[i]);
        if (!filter.ok()) {
            fprintf(stderr, "packetlens-filterbench: %s: %s\n", argv[i],
                    filter.error().text.c_str());
            return 2;
        }
        const std::atomic<bool> cancel{false};
        const auto start = std::chrono::steady_clock::now();
        const pl::FilterPassResult r = pl::filterPass(argv[1], false, count, filter, cancel, {});
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        printf("%llu\t%.3f\t%s\n", static_cast<unsigned long long>(pl::countBits(r.bits, r.rows)),
               took.count(), argv[i]);
        fflush(stdout);
    }
    return 0;
}
