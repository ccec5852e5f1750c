// packetlens: the desktop application.

#include "app/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

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
                                  QStringLiteral("A capture file to open (pcap or pcapng)."));
    options.process(app);

    pl::MainWindow window;
    window.show();
    if (!options.positionalArguments().isEmpty())
        window.openFile(options.positionalArguments().constFirst());
    return QApplication::exec();
}
