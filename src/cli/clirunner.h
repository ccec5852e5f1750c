#pragma once

#include "analysis/displayfilter.h"
#include "clioptions.h"

#include <cstdio>

namespace pl::cli {

/// Reads the capture file named in `options` and prints it in the chosen form, as tshark
/// does. Returns the process exit status: 0, 1 for bad arguments, 2 for a display filter
/// that does not compile or an unreadable or damaged file (everything before the damage is
/// printed first).
int run(const CliOptions &options, FILE *out, FILE *err);

/// Compiles -Y's filter into `filter`; on an error prints it as tshark does (the message,
/// then the filter with a caret line under the token) and returns false.
bool compileDisplayFilter(const CliOptions &options, DisplayFilter &filter, FILE *err);

} // namespace pl::cli
