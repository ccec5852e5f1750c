#pragma once

#include "analysis/displayfilter.h"
#include "clioptions.h"
#include "dissect/dissection.h"
#include "dissect/print/fieldsprinter.h"
#include "dissect/print/jsonprinter.h"
#include "dissect/print/summaryline.h"

#include <cstdio>
#include <optional>
#include <string>

namespace pl::cli {

/// Prints frames in the form the options ask for (summary lines, -V tree, -x dump,
/// -T fields, -T json), the same for frames read from a file and frames captured live.
/// Output is gathered and written in large pieces: one fwrite a packet would dominate the
/// summary fast path.
class FrameWriter
{
public:
    FrameWriter(const CliOptions &options, FILE *out);
    ~FrameWriter();

    /// -Y: only frames `filter` matches are printed (a compiled filter; the writer keeps a
    /// copy). Summary lines collect just the fields it reads; trees are evaluated as built.
    void setDisplayFilter(const DisplayFilter &filter);
    /// Prints one frame, numbered and timed by the caller. `digits` is the time precision of
    /// its capture. Live frames pass the columns the helper decoded (`columns`, whose time
    /// fields are filled in here; not with a display filter); otherwise the frame is
    /// dissected. false: the display filter hid it (times stay relative to the first frame
    /// read, as tshark's).
    bool write(const Frame &frame, int digits, print::SummaryColumns *columns = nullptr);
    /// -w with -Y: dissects `frame` and says whether the display filter matches it (true
    /// without one, without dissecting).
    bool select(const Frame &frame);
    /// Writes what is buffered (and the closing `]` of JSON when `final`).
    void flush(bool final = false);

private:
    const CliOptions &m_options;
    FILE *m_out;
    Dissection m_dissection;
    Session m_session;
    std::optional<DisplayFilter> m_filter;
    std::optional<print::FieldsPrinter> m_fields;
    print::JsonPrinter m_json;
    std::string m_buf;
    bool m_first = true;
    bool m_closed = false;
    int64_t m_firstSec = 0;
    uint32_t m_firstNsec = 0;
};

} // namespace pl::cli
