// Issue 4's loading benchmark: opens a capture in the application's packet store (the same
// code the window uses) and reports the time to the first rows, the time until every packet is
// indexed, and the memory the store holds per packet. Then it sorts every row by Info and by
// Source with the packet list's sorter (a worker thread, as a header click does) and reports
// each sort's time, the extra peak memory it took above the loaded store, and the longest
// the main thread's event loop went without running meanwhile. Run by bench/storeload.sh
// beside tshark.

#include "analysis/packetsorter.h"
#include "analysis/packetstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <malloc.h>

namespace {

long residentKiB()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLong() * 4 : 0; // pages of 4 KiB
}

// Peak resident memory (VmHWM) in KiB.
long peakKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    return 0;
}

// Starts a new peak from the current resident size (Linux >= 4.0: "5" resets VmHWM).
bool resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

// One sort after the other, each measured alone.
struct SortBench
{
    explicit SortBench(pl::PacketStore *s) : store(s) {}

    pl::PacketStore *store;
    pl::PacketSorter sorter;
    QTimer ticker; // the GUI's event loop: how late does each tick come?
    QElapsedTimer clock, sinceTick;
    double maxGapMs = 0;
    long rssBefore = 0;
    bool peakReset = false;
    int step = 0;
    static constexpr pl::PacketSorter::Key keys[] = {pl::PacketSorter::Key::Info,
                                                     pl::PacketSorter::Key::Source};
    static constexpr const char *names[] = {"info", "source"};

    void start()
    {
        ticker.setInterval(5);
        QObject::connect(&ticker, &QTimer::timeout, [this] {
            maxGapMs = qMax(maxGapMs, double(sinceTick.nsecsElapsed()) / 1e6 - 5.0);
            sinceTick.restart();
        });
        QObject::connect(
            &sorter, &pl::PacketSorter::sorted,
            [this](quint64, const pl::PacketSorter::Order &order) { finished(order); });
        QObject::connect(&sorter, &pl::PacketSorter::failed, [](quint64, const QString &e) {
            fprintf(stderr, "sort failed: %s\n", qPrintable(e));
            QCoreApplication::exit(1);
        });
        next();
    }

    void next()
    {
        // What an earlier sort freed goes back to the kernel, so it is not counted as
        // resident before this one and then reused unseen.
        malloc_trim(0);
        rssBefore = residentKiB();
        peakReset = resetPeak();
        maxGapMs = 0;
        sinceTick.start();
        ticker.start();
        clock.start();
        sorter.sort(store->filePath(), store->count(), keys[step], Qt::AscendingOrder);
    }

    void finished(const pl::PacketSorter::Order &order)
    {
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        ticker.stop();
        const long extra = peakReset ? peakKiB() - rssBefore : -1;
        printf("sort_%s_ms %.1f\nsort_%s_peak_extra_kib %ld\nsort_%s_max_gui_gap_ms %.1f\n",
               names[step], ms, names[step], extra, names[step], maxGapMs);
        fflush(stdout);
        if (order.size() != store->count())
            QCoreApplication::exit(1);
        else if (++step < 2)
            QTimer::singleShot(0, [this] { next(); });
        else
            QCoreApplication::exit(store->damaged() ? 1 : 0);
    }
};

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
    SortBench sorts(&store);
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
        fflush(stdout);
        if (store.damaged())
            QCoreApplication::exit(1);
        else
            sorts.start();
    });
    clock.start();
    if (!store.open(QString::fromLocal8Bit(argv[1]))) {
        fprintf(stderr, "%s\n", qPrintable(store.errorString()));
        return 2;
    }
    return QCoreApplication::exec();
}
