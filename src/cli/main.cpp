// packetlens-cli: tshark's command line over the PacketLens core.

#include "clioptions.h"
#include "clirunner.h"
#include "livecapture.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    const pl::cli::ParseResult parsed =
        pl::cli::parseArguments(std::vector<std::string>(argv, argv + argc));
    if (!parsed.ok()) {
        fprintf(stderr, "packetlens-cli: %s\n\n%s", parsed.error.c_str(),
                pl::cli::usageText().c_str());
        return parsed.exitCode;
    }
    if (parsed.options.help) {
        fputs(pl::cli::usageText().c_str(), stdout);
        return 0;
    }
    if (parsed.options.version) {
        printf("packetlens-cli %s\n", PACKETLENS_VERSION);
        return 0;
    }
    const pl::cli::CliOptions &o = parsed.options;
    if (o.readFile.empty()) { // live capture and interface listing run Qt's event loop
        QCoreApplication app(argc, argv);
        return o.listInterfaces ? pl::cli::listInterfaces(stdout, stderr)
                                : pl::cli::runLiveCapture(o, stdout, stderr);
    }
    return pl::cli::run(o, stdout, stderr);
}
