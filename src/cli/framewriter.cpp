#include "framewriter.h"

#include "dissect/print/treetext.h"

namespace pl::cli {

namespace {
constexpr size_t kFlushAt = 1 << 20;

bool wantsTree(const CliOptions &o)
{
    return o.verbose || o.output != CliOptions::Output::Summary;
}

} // namespace

FrameWriter::FrameWriter(const CliOptions &o, FILE *out)
    : m_options(o), m_out(out),
      m_dissection(wantsTree(o) ? Dissection::Mode::Tree : Dissection::Mode::Summary),
      m_json(o.hex) // tshark -T json -x: `_raw` entries next to the fields, no hex dump
{
    m_dissection.prefs = o.prefs;
    // Summary lines never show a checksum's status: verify only when a tree is printed.
    m_dissection.prefs.verifyChecksums = wantsTree(o);
    m_buf.reserve(kFlushAt + 4096);
    if (o.output == CliOptions::Output::Fields) {
        m_fields.emplace(o.fields, o.fieldsOptions);
        if (o.fieldsOptions.header)
            m_fields->appendHeader(m_buf);
    }
    if (o.output == CliOptions::Output::Json)
        m_json.appendBegin(m_buf);
}

FrameWriter::~FrameWriter()
{
    flush(true);
}

void FrameWriter::setDisplayFilter(const DisplayFilter &filter)
{
    if (filter.isEmpty()) {
        m_filter.reset();
        m_dissection.setInterest(nullptr);
        return;
    }
    m_filter = filter;
    if (m_dissection.tree())
        return;
    m_dissection.setInterest(&m_filter->interest());
    // Summary lines skip checksum verification (they never show it); a filter may read it.
    if (m_filter->needsChecksums())
        m_dissection.prefs.verifyChecksums = true;
}

bool FrameWriter::select(const Frame &f)
{
    if (!m_filter)
        return true;
    m_dissection.dissect(f, &m_session);
    return m_filter->matches(m_dissection);
}

bool FrameWriter::write(const Frame &f, int digits, print::SummaryColumns *columns)
{
    if (m_first) { // like tshark, even a frame without a time (0) is the reference
        m_firstSec = f.tsSec;
        m_firstNsec = f.tsNsec;
        m_first = false;
    }
    const bool summaryLine =
        m_options.output == CliOptions::Output::Summary && !m_options.verbose && !m_options.hex;
    if (!(summaryLine && columns)) {
        m_dissection.dissect(f, &m_session);
        if (m_filter && !m_filter->matches(m_dissection))
            return false;
    }

    switch (m_options.output) {
    case CliOptions::Output::Fields:
        m_fields->appendRow(m_buf, m_dissection);
        break;
    case CliOptions::Output::Json:
        m_json.appendFrame(m_buf, m_dissection);
        break;
    case CliOptions::Output::Summary:
        if (m_options.verbose) {
            print::appendTreeText(m_buf, m_dissection);
            m_buf += '\n';
        } else if (!m_options.hex) {
            int64_t sec;
            uint32_t nsec;
            timeDifference(f.tsSec, f.tsNsec, m_firstSec, m_firstNsec, sec, nsec);
            if (columns) {
                columns->number = f.number;
                columns->hasTime = f.hasTimestamp;
                columns->relSec = sec;
                columns->relNsec = nsec;
                columns->digits = digits;
                columns->length = f.wireLen;
                print::appendSummaryLine(m_buf, *columns);
            } else {
                print::appendSummaryLine(m_buf, m_dissection, sec, nsec, digits);
            }
        }
        if (m_options.hex) {
            print::appendHexDumps(m_buf, m_dissection);
            m_buf += '\n';
        }
        break;
    }
    if (m_buf.size() >= kFlushAt)
        flush();
    return true;
}

void FrameWriter::flush(bool final)
{
    if (final && !m_closed && m_options.output == CliOptions::Output::Json) {
        m_json.appendEnd(m_buf);
        m_closed = true;
    }
    if (!m_buf.empty())
        fwrite(m_buf.data(), 1, m_buf.size(), m_out);
    m_buf.clear();
    fflush(m_out);
}

} // namespace pl::cli
