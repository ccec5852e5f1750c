// packetlens: the desktop application.

#include "analysis/displayfilter.h"
#include "app/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PacketLens"));
    QApplication::setOrganizationName(QStringLiteral("PacketLens"));
    QApplication::setApplicationVersion(QStringLiteral(PACKETLENS_VERSION));

    QCommandLineParser options;
    options.setApplicationDescription(QStringLiteral("Capture and inspect network packets."));
    options.addHelpOption();
    options.addVersionOption();
    options.addPositionalArgument(QStringLiteral("file"),
                                  QStringLiteral("A capture file to open (pcap or pcapng)."),
                                  QStringLiteral("[file]"));
    // Wireshark's options, so that users' habits and launchers carry over.
    const QCommandLineOption interfaceOption(
        {QStringLiteral("i"), QStringLiteral("interface")},
        QStringLiteral("Capture from this interface (repeat for several)."),
        QStringLiteral("interface"));
    const QCommandLineOption filterOption(
        {QStringLiteral("f"), QStringLiteral("capture-filter")},
        QStringLiteral("Capture filter in tcpdump (libpcap) syntax."), QStringLiteral("filter"));
    const QCommandLineOption startOption(QStringLiteral("k"),
                                         QStringLiteral("Start capturing at once (needs -i)."));
    const QCommandLineOption displayFilterOption(
        {QStringLiteral("Y"), QStringLiteral("display-filter")},
        QStringLiteral("Display filter in Wireshark's language, applied at start."),
        QStringLiteral("filter"));
    options.addOption(interfaceOption);
    options.addOption(filterOption);
    options.addOption(startOption);
    options.addOption(displayFilterOption);
    options.process(app);

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
