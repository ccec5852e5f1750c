// packetlens: the desktop application.

#include "analysis/displayfilter.h"
#include "app/capturecontroller.h"
#include "app/mainwindow.h"
#include "app/rootguard.h"
#include "ipc/clientsession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace {

/// Says why the application will not run as root: on stderr always, and in a message box when
/// there is a screen to show it on. Returns the exit status.
int refuseRoot(bool graphical)
{
    const QString text = pl::RootGuard::refusalText(
        pl::RootGuard::invokerFromEnvironment(), pl::ipc::ClientSession::findHelper(),
        !pl::CaptureController::pkexecProgram().isEmpty());
    std::fprintf(stderr, "packetlens: %s\n", qPrintable(text));
    if (graphical) {
        QMessageBox box(QMessageBox::Critical, QStringLiteral("PacketLens"),
                        text.section(QLatin1Char('\n'), 0, 0), QMessageBox::Close);
        box.setInformativeText(text.section(QLatin1Char('\n'), 2));
        box.setTextInteractionFlags(Qt::TextSelectableByMouse); // commands can be copied
        box.exec();
    }
    return pl::RootGuard::kExitRefused;
}

/// The command line: Wireshark's options, so that users' habits and launchers carry over.
struct Options
{
    QCommandLineParser parser;
    const QCommandLineOption interface {
        {QStringLiteral("i"), QStringLiteral("interface")},
            QStringLiteral("Capture from this interface (repeat for several)."),
            QStringLiteral("interface")
    };
    const QCommandLineOption filter{{QStringLiteral("f"), QStringLiteral("capture-filter")},
                                    QStringLiteral("Capture filter in tcpdump (libpcap) syntax."),
                                    QStringLiteral("filter")};
    const QCommandLineOption start{QStringLiteral("k"),
                                   QStringLiteral("Start capturing at once (needs -i).")};
    const QCommandLineOption displayFilter{
        {QStringLiteral("Y"), QStringLiteral("display-filter")},
        QStringLiteral("Display filter in Wireshark's language, applied at start."),
        QStringLiteral("filter")};
    const QCommandLineOption allowRoot{
        pl::RootGuard::overrideOption(),
        QStringLiteral("Run even as root (effective user id 0, as under sudo or pkexec). Not "
                       "recommended: only the capture helper needs privileges, and a crafted "
                       "packet decoded as root could take over the system.")};

    Options()
    {
        parser.setApplicationDescription(QStringLiteral("Capture and inspect network packets."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("file"),
                                     QStringLiteral("A capture file to open (pcap or pcapng)."),
                                     QStringLiteral("[file]"));
        for (const QCommandLineOption *o :
             {&interface, &filter, &start, &displayFilter, &allowRoot})
            parser.addOption(*o);
    }
};

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("PacketLens"));
    QCoreApplication::setOrganizationName(QStringLiteral("PacketLens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PACKETLENS_VERSION));
}

} // namespace

int main(int argc, char **argv)
{
    // As root with no display (sudo from a console), QApplication would abort before anything
    // could say why: say it first (--help and --version still work).
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        QCoreApplication core(argc, argv);
        setApplicationNames();
        Options early;
        early.parser.process(core);
        if (!early.parser.isSet(early.allowRoot))
            return refuseRoot(false);
    }
    QApplication app(argc, argv);
    setApplicationNames();
    // The installed desktop entry and icon (packaging/): docks and Wayland compositors match
    // the window to the menu entry by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.packetlens.PacketLens"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("org.packetlens.PacketLens")));
    Options o;
    QCommandLineParser &options = o.parser;
    options.process(app);
    const QCommandLineOption &interfaceOption = o.interface, &filterOption = o.filter,
                             &startOption = o.start, &displayFilterOption = o.displayFilter,
                             &allowRootOption = o.allowRoot;

    const bool capture = options.isSet(startOption);
    const char *misuse = nullptr;
    if (capture && !options.isSet(interfaceOption))
        misuse = "-k needs at least one -i INTERFACE";
    else if (capture && !options.positionalArguments().isEmpty())
        misuse = "-k captures; a file to open cannot go with it";
    if (misuse) {
        std::fprintf(stderr, "packetlens: %s\n", misuse);
        return 2;
    }
    const QString displayFilter = options.value(displayFilterOption);
    if (const pl::DisplayFilter f = pl::DisplayFilter::compile(displayFilter.toStdString());
        !f.ok()) {
        std::fprintf(stderr, "packetlens: -Y: %s\n", f.error().text.c_str());
        return 2;
    }

    switch (pl::RootGuard::decide(::geteuid(), options.isSet(allowRootOption))) {
    case pl::RootGuard::Verdict::Run:
        break;
    case pl::RootGuard::Verdict::RunAsRoot:
        std::fprintf(stderr, "%s\n", qPrintable(pl::RootGuard::overrideWarning()));
        break;
    case pl::RootGuard::Verdict::Refuse:
        // An offscreen or minimal platform has nobody to read a box: it would only hang.
        return refuseRoot(QGuiApplication::platformName() != QLatin1String("offscreen") &&
                          QGuiApplication::platformName() != QLatin1String("minimal"));
    }

    pl::MainWindow window;
    window.show();
    // A session that crashed left its spool behind: offer it back on a plain start.
    if (!capture && options.positionalArguments().isEmpty())
        window.offerRecovery();
    if (capture) {
        pl::ipc::Config config;
        config.interfaces = options.values(interfaceOption);
        config.filter = options.value(filterOption);
        window.startCapture(config);
    } else if (!options.positionalArguments().isEmpty()) {
        window.openFile(options.positionalArguments().constFirst());
    }
    if (!displayFilter.isEmpty())
        window.applyDisplayFilter(displayFilter);
    return QApplication::exec();
}
