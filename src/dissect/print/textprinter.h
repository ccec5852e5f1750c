#pragma once

#include "dissect/dissection.h"
#include "summaryline.h"

#include <string>

namespace pl::print {

/// Wireshark's File > Export Packet Dissections > As Plain Text: for each packet its summary
/// line under a column heading (`No.     Time           Source  ...`), then the details
/// tree as tshark -V prints it, then the hex dump, a blank line between the parts and between
/// packets. The heading is repeated before a summary line that follows details or bytes, as
/// Wireshark does.
class TextPrinter
{
public:
    struct Parts
    {
        bool summary = true; ///< the heading and summary line
        bool details = true; ///< the details tree (all items expanded)
        bool bytes = false;  ///< the hex dump of the frame
    };

    explicit TextPrinter(Parts parts) : m_parts(parts) {}
    const Parts &parts() const { return m_parts; }

    /// Appends one packet. `columns` gives the summary line; `d` must be dissected in tree
    /// mode when details are printed; the bytes are `d.frame()`'s.
    void appendFrame(std::string &out, const SummaryColumns &columns, const Dissection &d);

    /// Wireshark's column heading line (with its newline).
    static void appendHeading(std::string &out);
    /// A summary line in Wireshark's text layout: columns padded to the heading's widths, the
    /// number right-aligned, Info last and unpadded.
    static void appendSummary(std::string &out, const SummaryColumns &c);

private:
    Parts m_parts;
    bool m_separator = false;
    bool m_heading = true;
};

} // namespace pl::print
