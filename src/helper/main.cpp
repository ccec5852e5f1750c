// packetlens-capture: the privileged capture helper. Opens its sockets with CAP_NET_RAW, drops
// every privilege, then streams decoded packets to the client that started it.

#include "capture/interfacelist.h"
#include "capturehelper.h"

#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

std::string ownPath()
{
    char buf[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, size_t(n)) : std::string("packetlens-capture");
}

int usage(FILE *to, int status)
{
    fputs("Usage: packetlens-capture --socket PATH    (started by packetlens or packetlens-cli)\n"
          "       packetlens-capture --list-interfaces\n"
          "       packetlens-capture --version\n",
          to);
    return status;
}

} // namespace

int main(int argc, char **argv)
{
    // Exit with the client: a helper must never outlive the program that started it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // Ctrl+C in a terminal reaches the whole process group: the client turns it into Stop,
    // after which the helper delivers what it holds. Dying on the signal would lose that.
    signal(SIGINT, SIG_IGN);
    if (getppid() == 1)
        return 1;

    std::string socketPath;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
            socketPath = argv[++i];
        } else if (!strcmp(argv[i], "--list-interfaces")) {
            std::string error;
            const auto list = pl::capture::listInterfaces(&error);
            if (list.empty() && !error.empty()) {
                fprintf(stderr, "packetlens-capture: %s\n", error.c_str());
                return 1;
            }
            fputs(pl::capture::interfacesAsText(list).c_str(), stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("packetlens-capture %s\n", PACKETLENS_VERSION);
            return 0;
        } else {
            return usage(stderr, 2);
        }
    }
    if (socketPath.empty())
        return usage(stderr, 2);

    pl::ipc::HelperConnection connection;
    if (!connection.connectTo(QString::fromStdString(socketPath))) {
        fprintf(stderr, "packetlens-capture: cannot connect to %s: %s\n", socketPath.c_str(),
                qPrintable(connection.errorText()));
        return 1;
    }
    return pl::helper::CaptureHelper(ownPath()).run(connection);
}
