// Issue 4's loading benchmark: opens a capture in the application's packet store (the same
// code the window uses) and reports the time to the first rows, the time until every packet is
// indexed, and the memory the store holds per packet. Then it sorts every row by Info and by
// Source with the packet list's sorter (a worker thread, as a header click does) and reports
// each sort's time, the extra peak memory it took above the loaded store, and the longest
// the main thread's event loop went without running meanwhile. Then (issue 6) it applies
// display filters of growing complexity to the loaded store and reports the time from
// setDisplayFilter() to displayFilterApplied() for each, with the longest the event loop went
// unserved; and the loading time with a filter set before the file is opened (the first pass
// filters as it goes). Run by bench/storeload.sh beside tshark.

#include "analysis/displayfilter.h"
#include "analysis/packetsorter.h"
#include "analysis/packetstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <ctime>
#include <functional>
#include <malloc.h>
#include <memory>

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
    explicit SortBench(pl::PacketStore *s, std::function<void()> then)
        : store(s), done(std::move(then))
    {
    }

    pl::PacketStore *store;
    std::function<void()> done;
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
            QTimer::singleShot(0, [this] { done(); });
    }
};

// Display filters of growing complexity, applied one after the other to the loaded store;
// the last ones read stateful fields (tcp.stream, frame.time_delta).
const char *const kFilters[] = {
    "tcp",
    "ip.addr == 192.168.1.15",
    "tcp.port == 443 && tcp.len > 0",
    "(udp.port == 53 || udp.port == 123) && frame.len > 100 || icmp || arp",
    "tcp.stream == 5 || frame.time_delta > 0.001 && ip.src == 192.168.1.0/24",
    "tcp.flags.syn == 1 && tcp.seq == 0 || ip.ttl < 50 && !(tcp.port in {80 443})",
};

// CPU time of the whole process: on a busy machine, what a pass costs regardless of how long
// it waited for a core.
double processCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

struct FilterBench
{
    explicit FilterBench(pl::PacketStore *s) : store(s) {}

    pl::PacketStore *store;
    QTimer ticker;
    QElapsedTimer clock, sinceTick;
    double maxGapMs = 0;
    double cpuBefore = 0;
    size_t step = 0;

    void start()
    {
        ticker.setInterval(5);
        QObject::connect(&ticker, &QTimer::timeout, [this] {
            maxGapMs = qMax(maxGapMs, double(sinceTick.nsecsElapsed()) / 1e6 - 5.0);
            sinceTick.restart();
        });
        QObject::connect(store, &pl::PacketStore::displayFilterApplied, [this] { applied(); });
        next();
    }

    void next()
    {
        const pl::DisplayFilter f = pl::DisplayFilter::compile(kFilters[step]);
        if (!f.ok()) {
            fprintf(stderr, "filter '%s': %s\n", kFilters[step], f.error().text.c_str());
            QCoreApplication::exit(1);
            return;
        }
        maxGapMs = 0;
        sinceTick.start();
        ticker.start();
        cpuBefore = processCpuMs();
        clock.start();
        store->setDisplayFilter(f);
    }

    void applied()
    {
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        ticker.stop();
        printf("filter_%zu_text %s\nfilter_%zu_ms %.1f\nfilter_%zu_displayed %lld\n"
               "filter_%zu_max_gui_gap_ms %.1f\nfilter_%zu_cpu_ms %.1f\n",
               step + 1, kFilters[step], step + 1, ms, step + 1,
               static_cast<long long>(store->displayedCount()), step + 1, maxGapMs, step + 1,
               processCpuMs() - cpuBefore);
        fflush(stdout);
        if (++step < std::size(kFilters))
            QTimer::singleShot(0, [this] { next(); });
        else
            QTimer::singleShot(0, [this] { loadFiltered(); });
    }

    // Loading with a filter already set: what filtering as the first pass goes costs.
    std::unique_ptr<pl::PacketStore> second;
    void loadFiltered()
    {
        second = std::make_unique<pl::PacketStore>();
        second->setDisplayFilter(pl::DisplayFilter::compile(kFilters[2]));
        QObject::connect(second.get(), &pl::PacketStore::loadingFinished, [this] {
            printf("loaded_filtered_ms %.1f\nloaded_filtered_displayed %lld\n",
                   double(clock.nsecsElapsed()) / 1e6,
                   static_cast<long long>(second->displayedCount()));
            fflush(stdout);
            QCoreApplication::exit(second->damaged() ? 1 : 0);
        });
        clock.start();
        second->open(store->filePath());
    }
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool filtersOnly = argc == 3 && qstrcmp(argv[2], "--filters-only") == 0;
    if (argc != 2 && !filtersOnly) {
        fprintf(stderr, "usage: packetlens-storebench FILE [--filters-only]\n");
        return 2;
    }
    const long emptyKiB = residentKiB();
    pl::PacketStore store;
    FilterBench filters(&store);
    SortBench sorts(&store, [&filters] { filters.start(); });
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
        else if (filtersOnly)
            filters.start();
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
