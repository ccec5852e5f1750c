#pragma once

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

    /// Prints one frame, numbered and timed by the caller. `digits` is the time precision of
    /// its capture. Live frames pass the columns the helper decoded (`columns`, whose time
    /// fields are filled in here); otherwise the frame is dissected.
    void write(const Frame &frame, int digits, print::SummaryColumns *columns = nullptr);
    /// Writes what is buffered (and the closing `]` of JSON when `final`).
    void flush(bool final = false);

private:
    const CliOptions &m_options;
    FILE *m_out;
    Dissection m_dissection;
    Session m_session;
    std::optional<print::FieldsPrinter> m_fields;
    print::JsonPrinter m_json;
    std::string m_buf;
    bool m_first = true;
    bool m_closed = false;
    int64_t m_firstSec = 0;
    uint32_t m_firstNsec = 0;
};

} // namespace pl::cli
