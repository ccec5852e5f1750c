#pragma once

#include "clioptions.h"

#include <QString>
#include <cstdio>

namespace pl::cli {

/// -D: the interfaces, numbered like tshark -D (`1. eth0`, `2. lo (Loopback)`). Needs no
/// privileges.
int listInterfaces(FILE *out, FILE *err);

/// -i: captures through the helper and prints summary lines (or the tree, fields, JSON), or
/// writes a capture file with -w, until -c packets, -a duration:S, Ctrl+C or an error. Ends
/// with `N packets captured, K dropped` on `err`. Needs a QCoreApplication.
int runLiveCapture(const CliOptions &options, FILE *out, FILE *err);

} // namespace pl::cli
