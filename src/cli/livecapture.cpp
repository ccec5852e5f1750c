#include "livecapture.h"

#include "capfile/capturefilewriter.h"
#include "capture/interfacelist.h"
#include "capture/privileges.h"
#include "clirunner.h"
#include "framewriter.h"
#include "ipc/clientsession.h"

#include <QCoreApplication>
#include <QDir>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace pl::cli {

namespace {

std::atomic<bool> s_interrupted{false};

void onSignal(int)
{
    s_interrupted = true;
}

capture::CapabilityHintContext cliHintContext(const QString &helper)
{
    capture::CapabilityHintContext c = capture::capabilityHintContext(helper.toStdString());
    c.client = capture::CapabilityHintContext::Client::Cli;
    return c;
}

/// tshark's words (from dumpcap), with the real user and group names.
std::string rootWarning()
{
    const passwd *pw = ::getpwuid(::getuid());
    const std::string user = pw ? pw->pw_name : std::to_string(::getuid());
    const group *gr = ::getgrgid(::getgid());
    const std::string groupName = gr ? gr->gr_name : std::to_string(::getgid());
    return "Running as user \"" + user + "\" and group \"" + groupName +
           "\". This could be dangerous.";
}

} // namespace

int listInterfaces(FILE *out, FILE *err)
{
    std::string error;
    const auto list = capture::listInterfaces(&error);
    if (list.empty()) {
        fprintf(err, "packetlens-cli: no interfaces found%s%s\n", error.empty() ? "" : ": ",
                error.c_str());
        return 2;
    }
    int n = 0;
    for (const auto &ifc : list)
        fprintf(out, "%d. %s%s\n", ++n, ifc.name.c_str(), ifc.loopback ? " (Loopback)" : "");
    return 0;
}

int runLiveCapture(const CliOptions &o, FILE *out, FILE *err)
{
    QString helper = ipc::ClientSession::findHelper();
    if (helper.isEmpty()) {
        // findHelper() skips a helper this user may not execute: the Debian package's is
        // root:packetlens 0750, and a user outside the group must learn that, not "not found".
        const QString installed = QDir::cleanPath(QCoreApplication::applicationDirPath() +
                                                  QStringLiteral("/../libexec/packetlens/"
                                                                 "packetlens-capture"));
        if (capture::helperDeniedToUser(installed.toStdString()))
            helper = installed;
    }
    if (helper.isEmpty()) {
        fputs("packetlens-cli: the capture helper packetlens-capture was not found beside this "
              "program; set PACKETLENS_HELPER to its path\n",
              err);
        return 2;
    }
    if (capture::helperDeniedToUser(helper.toStdString())) {
        const capture::CapabilityHintContext c = cliHintContext(helper);
        fprintf(err, "packetlens-cli: %s\n%s\n", capture::capabilityProblemSummary(c).c_str(),
                capture::missingCapabilityHint(c).c_str());
        return 2;
    }
    // As tshark (dumpcap) does: root may capture, but is told what it risks. The helper drops
    // to the sudo user (or nobody) after opening its sockets; this process decodes as root.
    if (::geteuid() == 0)
        fprintf(err, "%s\n", rootWarning().c_str());

    DisplayFilter filter;
    if (!compileDisplayFilter(o, filter, err))
        return 2;
    FrameWriter printer(o, out);
    printer.setDisplayFilter(filter);
    CaptureFileWriter file;
    if (!o.writeFile.empty() &&
        !file.open(o.writeFile, o.writeFormat, "PacketLens " PACKETLENS_VERSION)) {
        fprintf(err, "packetlens-cli: %s\n", file.error().c_str());
        return 2;
    }

    ipc::Config config;
    for (const std::string &i : o.interfaces)
        config.interfaces << QString::fromStdString(i);
    config.filter = QString::fromStdString(o.captureFilter);
    config.snaplen = o.snaplen;
    config.promiscuous = o.promiscuous;
    config.bufferMiB = o.bufferMiB;
    // The helper's decoded columns serve the summary lines only; -w, -V, -x and -T dissect
    // (or just store) the bytes here.
    // A display filter needs the fields: the frames are dissected here then.
    config.summaries = o.writeFile.empty() && o.output == CliOptions::Output::Summary &&
                       !o.verbose && !o.hex && o.displayFilter.empty();

    ipc::ClientSession session;
    // Per interface id: its link type and name (a live capture is one pcapng-like section,
    // so frames show tshark's interface lines).
    std::vector<uint32_t> linkTypes;
    std::vector<std::string> names;
    ipc::Stats lastStats;
    uint64_t captured = 0;
    int status = 0;
    bool stopRequested = false;
    bool failed = false;    // a write error: stop, and take nothing more
    bool capturing = false; // the helper started: a final count is worth printing
    auto requestStop = [&] {
        if (!stopRequested && session.isRunning()) {
            stopRequested = true;
            QTimer::singleShot(0, &session, [&session] { session.stop(); });
        }
    };

    QObject::connect(&session, &ipc::ClientSession::started, [&](const ipc::Started &s) {
        capturing = true;
        for (const auto &ifc : s.interfaces) {
            if (linkTypes.size() <= ifc.id) {
                linkTypes.resize(ifc.id + 1);
                names.resize(ifc.id + 1);
            }
            linkTypes[ifc.id] = ifc.linkType;
            names[ifc.id] = ifc.name.toStdString();
            if (file.isOpen() &&
                file.addInterface({ifc.linkType, o.snaplen, ifc.name.toStdString(), {}}) < 0) {
                fprintf(err, "packetlens-cli: %s\n", file.error().c_str());
                status = 2;
                requestStop();
            }
        }
        const QString names = [&] {
            QStringList l;
            for (const auto &ifc : s.interfaces)
                l << ifc.name;
            return l.join(QStringLiteral(", "));
        }();
        fprintf(err, "Capturing on '%s'\n", qPrintable(names));
    });
    QObject::connect(&session, &ipc::ClientSession::packets, [&](const ipc::PacketBatch &b) {
        for (const ipc::PacketRecord &rec : b.packets) {
            // After Ctrl+C or -a the helper still delivers what it had captured: keep it all.
            // Only -c cuts, at exactly N packets, as tshark does.
            if (failed || (o.count && captured >= *o.count))
                break;
            ++captured;
            Frame f = ipc::frameOf(rec);
            if (rec.interfaceId < linkTypes.size()) {
                f.linkType = linkTypes[rec.interfaceId];
                f.section = 1;
                f.interfaceName = names[rec.interfaceId];
            }
            f.number = captured;
            if (file.isOpen()) {
                if (!printer.select(f))
                    continue;
                if (!file.write(f, rec.interfaceId)) {
                    fprintf(err, "packetlens-cli: %s\n", file.error().c_str());
                    status = 2;
                    failed = true;
                    requestStop();
                    return;
                }
            } else {
                const std::string src = rec.source.toStdString();
                const std::string dst = rec.destination.toStdString();
                const std::string proto = rec.protocol.toStdString();
                const std::string info = rec.info.toStdString();
                print::SummaryColumns columns;
                columns.source = src;
                columns.destination = dst;
                columns.protocol = proto;
                columns.info = info;
                // Ring timestamps are nanoseconds.
                printer.write(f, 9, config.summaries ? &columns : nullptr);
            }
        }
        printer.flush();
        if (file.isOpen() && !failed && !file.flush()) {
            fprintf(err, "packetlens-cli: %s\n", file.error().c_str());
            status = 2;
            failed = true;
            requestStop();
        }
        if (o.count && captured >= *o.count)
            requestStop();
    });
    QObject::connect(&session, &ipc::ClientSession::stats,
                     [&](const ipc::Stats &s) { lastStats = s; });
    QObject::connect(&session, &ipc::ClientSession::error, [&](const ipc::Error &e) {
        fprintf(err, "packetlens-cli: %s\n", qPrintable(e.message));
        // The helper's hint for a missing capability is written for the helper; the CLI's
        // names the same commands, with sudo as the way for one capture.
        const std::string hint = e.code == quint32(ipc::ErrorCode::NoPermission)
                                     ? capture::missingCapabilityHint(cliHintContext(helper))
                                     : e.hint.toStdString();
        if (!hint.empty())
            fprintf(err, "%s\n", hint.c_str());
        status = 2;
    });
    QObject::connect(&session, &ipc::ClientSession::finished,
                     [&](int) { QCoreApplication::exit(0); });

    if (!session.start(helper, {}, config)) {
        fprintf(err, "packetlens-cli: %s\n", qPrintable(session.errorString()));
        return 2;
    }

    // Ctrl+C and -a duration:S stop cleanly: the helper delivers what it holds, then exits.
    s_interrupted = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (s_interrupted)
            requestStop();
    });
    poll.start(50);
    QTimer duration;
    if (o.durationSeconds) {
        duration.setSingleShot(true);
        QObject::connect(&duration, &QTimer::timeout, requestStop);
        duration.start(int(std::min<uint64_t>(uint64_t(*o.durationSeconds) * 1000, INT32_MAX)));
    }
    QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    printer.flush(true);
    if (file.isOpen() && !file.close()) {
        fprintf(err, "packetlens-cli: %s\n", file.error().c_str());
        status = 2;
    }
    if (!capturing)
        return status ? status : 2;
    uint64_t kernelDropped = 0;
    for (const auto &i : lastStats.interfaces)
        kernelDropped += i.kernelDropped;
    fprintf(err, "%llu packets captured, %llu dropped (kernel %llu, helper %llu)\n",
            static_cast<unsigned long long>(captured),
            static_cast<unsigned long long>(kernelDropped + lastStats.helperDropped),
            static_cast<unsigned long long>(kernelDropped),
            static_cast<unsigned long long>(lastStats.helperDropped));
    return status;
}

} // namespace pl::cli
