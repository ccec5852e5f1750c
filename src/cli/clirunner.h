#pragma once

#include "clioptions.h"

#include <cstdio>

namespace pl::cli {

/// Reads the capture file named in `options` and prints it in the chosen form, as tshark
/// does. Returns the process exit status: 0, 1 for bad arguments, 2 for an unreadable or
/// damaged file (everything before the damage is printed first).
int run(const CliOptions &options, FILE *out, FILE *err);

} // namespace pl::cli
