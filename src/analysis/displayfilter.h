#pragma once

#include "dissect/dissection.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pl {

/// What is wrong or doubtful in a display filter's text, and the characters it is about.
struct FilterMessage
{
    /// `"tcp.prot" is neither a field nor a protocol name. Did you mean "tcp.port"?`
    std::string text;
    size_t position = 0; ///< byte offset of the token in the filter text
    size_t length = 0;   ///< the token's length in bytes (0: the end of the text)
};

/// Whether a filter reading the fields `interest` marks needs checksums verified
/// (Preferences::verifyChecksums): checksum status fields and bad-checksum notes exist only then.
bool needsChecksums(const FieldInterest &interest);

/// A display filter in Wireshark's language (`ip.addr == 10.0.0.0/8 && tcp.port in {80 443}`),
/// compiled against the registry's fields.
///
/// Use: compile once, give interest() to the Dissection (summary mode collects just those
/// fields, which keeps filtering a million packets fast; tree mode has them all anyway),
/// dissect the frame, then ask matches(). A compiled filter is immutable: copies share it and
/// matches() may run on several threads at once, each with its own Dissection.
///
/// Semantics are Wireshark 4.0's: a comparison is true when any occurrence of the field
/// satisfies it (`ip.addr == X` tests source and destination), `!=` is true when all
/// occurrences differ (`!(a == b)`), and a comparison with an absent field is false.
class DisplayFilter
{
public:
    /// The empty filter: every frame matches, no fields are needed.
    DisplayFilter();
    ~DisplayFilter();
    DisplayFilter(const DisplayFilter &);
    DisplayFilter &operator=(const DisplayFilter &);

    /// Compiles `text` (blank text gives the empty filter). Never throws: see ok() and error().
    static DisplayFilter compile(std::string_view text);

    /// The text compiled without error (the empty filter is ok).
    bool ok() const;
    /// Blank text: matches every frame.
    bool isEmpty() const;
    const std::string &text() const;
    /// Why compile() failed, pointing at the token; empty text when ok().
    const FilterMessage &error() const;
    /// Valid but doubtful constructs (Wireshark's yellow filter bar), e.g. a deprecated
    /// spelling. Empty for most filters.
    const std::vector<FilterMessage> &warnings() const;

    /// The fields matches() reads, for Dissection::setInterest(). Empty for the empty filter.
    const FieldInterest &interest() const;
    /// Whether it reads a field whose value depends on earlier frames (tcp.stream, relative
    /// sequence numbers, frame.time_delta: Registry::isCrossFrame).
    bool readsCrossFrameFields() const;
    /// Whether it reads a field that depends on frames between other addresses (tcp.stream,
    /// frame.time_delta: Registry::isCrossConversation). When not, frames split by the
    /// addresses they travel between (framePartition), a session each, match alike.
    bool readsCrossConversationFields() const;
    /// Whether it reads only fields of the headers up to TCP and UDP (isHeaderField): then
    /// TCP need not hand its payloads on (Dissection::setTcpPayloads) for it to match alike.
    /// False for the empty filter.
    bool readsOnlyHeaders() const;
    /// Whether the field named `abbrev` belongs to the link, network or transport headers and
    /// does not depend on what TCP's payload holds (tests/analysis/tst_headerfields checks
    /// this over the corpus).
    static bool isHeaderField(std::string_view abbrev);
    /// Whether it reads checksum results (their status fields, the bad-checksum notes, any
    /// expert field): dissect with Preferences::verifyChecksums then.
    bool needsChecksums() const;
    /// Whether the frame `d` has just dissected passes (its tree, or the fields it collected
    /// in summary mode with interest() set). Always true for the empty filter, false for a
    /// filter that did not compile.
    bool matches(const Dissection &d) const;

private:
    struct Program;
    std::shared_ptr<const Program> m_program;
};

/// Marks in `into` every field `interest` marks (for evaluating several filters on one
/// dissection: coloring rules).
void mergeInterest(FieldInterest &into, const FieldInterest &interest);

} // namespace pl
