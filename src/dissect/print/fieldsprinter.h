#pragma once

#include "dissect/dissection.h"

#include <string>
#include <vector>

namespace pl::print {

/// tshark's -E options for -T fields.
struct FieldsOptions
{
    bool header = false;
    char separator = '\t';
    char aggregator = ',';
    char quote = 0;        ///< 0, '"' or '\''
    char occurrence = 'a'; ///< 'f' first, 'l' last, 'a' all

    /// Applies one `-E name=value`; false with `error` set when it is not valid.
    bool set(const std::string &option, std::string &error);
};

/// Prints the values of chosen fields, one line a frame, as `tshark -T fields -e …` does.
class FieldsPrinter
{
public:
    FieldsPrinter(std::vector<std::string> fields, FieldsOptions options);

    /// The requested names that are not fields, in order (tshark refuses to start then).
    std::vector<std::string> unknownFields() const;
    void appendHeader(std::string &out) const;
    /// Appends one line for a frame dissected in tree mode.
    void appendRow(std::string &out, const Dissection &d);

private:
    std::vector<std::string> m_names;
    FieldsOptions m_options;
    /// For each registry field id, the columns that want it (usually none or one).
    std::vector<std::vector<uint16_t>> m_columnsOf;
    std::vector<std::vector<std::string>> m_values;
};

} // namespace pl::print
