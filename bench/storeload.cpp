// Issue 4's loading benchmark: opens a capture in the application's packet store (the same
// code the window uses) and reports the time to the first rows, the time until every packet is
// indexed, and the memory the store holds per packet. Run by bench/storeload.sh beside tshark.

#include "analysis/packetstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <cstdio>

namespace {

long residentKiB()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLong() * 4 : 0; // pages of 4 KiB
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        fprintf(stderr, "usage: packetlens-storebench FILE\n");
        return 2;
    }
    const long emptyKiB = residentKiB();
    pl::PacketStore store;
    QElapsedTimer clock;
    double firstRowsMs = -1;
    QObject::connect(&store, &pl::PacketStore::packetsAppended, [&](qsizetype, qsizetype) {
        if (firstRowsMs < 0) {
            firstRowsMs = double(clock.nsecsElapsed()) / 1e6;
            store.row(0); // what the view asks for first
        }
    });
    QObject::connect(&store, &pl::PacketStore::loadingFinished, [&] {
        const double totalMs = double(clock.nsecsElapsed()) / 1e6;
        const long loadedKiB = residentKiB();
        const double perPacket =
            store.count() ? double(loadedKiB - emptyKiB) * 1024.0 / double(store.count()) : 0;
        printf("packets %lld\nfirst_rows_ms %.1f\nloaded_ms %.1f\nrss_empty_kib %ld\n"
               "rss_loaded_kib %ld\nbytes_per_packet %.1f\n",
               static_cast<long long>(store.count()), firstRowsMs, totalMs, emptyKiB, loadedKiB,
               perPacket);
        QCoreApplication::exit(store.damaged() ? 1 : 0);
    });
    clock.start();
    if (!store.open(QString::fromLocal8Bit(argv[1]))) {
        fprintf(stderr, "%s\n", qPrintable(store.errorString()));
        return 2;
    }
    return QCoreApplication::exec();
}
