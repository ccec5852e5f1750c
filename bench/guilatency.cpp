// Issue 4's live benchmark: how responsive the main window stays while the helper delivers a
// high packet rate. Run by bench/guilatency.sh, which makes a namespace pair and a paced sender.
//
// packetlens-guibench [options] INTERFACE creates the real pl::MainWindow, shows it (offscreen
// platform unless a display is set), starts a live capture on INTERFACE through the helper
// exactly as Capture > Start does, and from the first captured packet on, for --seconds, probes
// the GUI thread's event loop:
//   - a single-shot Qt::PreciseTimer re-armed every --tick ms; its lateness (the time it fired
//     minus the time it was due) is how long the event loop was busy with something else, which
//     is what a user feels as a stuck window (a key press or a paint waits just as long);
//   - with every tick an event posted to itself; the time until it is delivered is the same
//     delay seen by queued signals and posted events (a second view of the same stall).
// Meanwhile the window runs as it does for a user: the list grows in batches and follows the
// newest packet (auto-scroll), and every --select-every ms a simulated user picks the newest
// row (the detail tree and hex pane dissect it, auto-scroll pauses) and, --resume ms later,
// scrolls back to the bottom (auto-scroll resumes). Then Stop, as the toolbar does: it returns
// at once (the helper's last packets and its exit arrive through the event loop), its own
// duration is reported as well, and the probe keeps running until the list has caught up with
// the spool.
//
// Output (stdout): "key value" lines, parsed by guilatency.sh, then the worst ticks. On stderr
// "Capturing on INTERFACE" once the helper has started (the script starts its sender then).
// Exit status: 0 when packets were captured, 1 when the capture could not start, failed, or
// saw no packet, 2 for bad arguments.

#include "app/capturecontroller.h"
#include "app/mainwindow.h"
#include "app/packetlistmodel.h"
#include "app/prototreemodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEvent>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

/// Nearest-rank percentile of `sorted` (ascending), 0 for an empty list.
double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const auto rank = size_t(p / 100.0 * double(sorted.size()) + 0.999999);
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

double cpuSeconds(int who)
{
    rusage u{};
    getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// Carries the time it was posted, so that its delivery measures the posted-event delay.
class ProbeEvent : public QEvent
{
public:
    static inline const Type kType = Type(QEvent::registerEventType());
    explicit ProbeEvent(qint64 postedNs) : QEvent(kType), postedNs(postedNs) {}
    const qint64 postedNs;
};

/// Measures the GUI thread's event-loop latency: ticks are kept while setRecording(true).
class LatencyProbe : public QObject
{
public:
    /// One recorded tick, kept to show when the worst stalls happened.
    struct Tick
    {
        double lateMs;
        double atS;  ///< since the first packet
        qint64 rows; ///< rows in the list then
    };

    LatencyProbe(const QElapsedTimer &clock, int tickMs)
        : m_clock(clock), m_tickNs(tickMs * 1000000LL)
    {
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(tickMs);
        connect(&m_timer, &QTimer::timeout, this, &LatencyProbe::onTick);
    }

    /// `rows` and `captured` are asked at every recorded tick, for the worst-tick report and
    /// the list's lag; `check` runs then too (after the lateness is taken).
    void start(std::function<qint64()> rows, std::function<qint64()> captured,
               std::function<void()> check)
    {
        m_rows = std::move(rows);
        m_captured = std::move(captured);
        m_check = std::move(check);
        arm();
    }
    void setRecording(bool on, qint64 originNs = 0)
    {
        m_recording = on;
        if (on && m_originNs == 0)
            m_originNs = originNs;
    }

    std::vector<double> timerMs, postedMs;
    std::vector<Tick> ticks;
    qint64 maxLag = 0; ///< most packets the helper had delivered that the list did not show

protected:
    void customEvent(QEvent *event) override
    {
        if (event->type() != ProbeEvent::kType || !m_recording)
            return;
        const qint64 posted = static_cast<ProbeEvent *>(event)->postedNs;
        postedMs.push_back(double(m_clock.nsecsElapsed() - posted) / 1e6);
    }

private:
    void arm()
    {
        m_dueNs = m_clock.nsecsElapsed() + m_tickNs;
        m_timer.start();
    }
    void onTick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        if (m_recording) {
            const double late = double(std::max<qint64>(0, now - m_dueNs)) / 1e6;
            const qint64 rows = m_rows();
            timerMs.push_back(late);
            ticks.push_back({late, double(now - m_originNs) / 1e9, rows});
            maxLag = std::max(maxLag, m_captured() - rows);
            m_check();
            QCoreApplication::postEvent(this, new ProbeEvent(now));
        }
        arm();
    }

    const QElapsedTimer &m_clock;
    const qint64 m_tickNs;
    QTimer m_timer;
    qint64 m_dueNs = 0;
    qint64 m_originNs = 0;
    bool m_recording = false;
    std::function<qint64()> m_rows, m_captured;
    std::function<void()> m_check;
};

/// Counts the paint events a widget receives: shows that the list is really drawn as it grows.
class PaintCounter : public QObject
{
public:
    int paints = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

int main(int argc, char **argv)
{
    // Offscreen unless the caller gave a display (guilatency.sh --xvfb sets DISPLAY).
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PacketLens"));
    QApplication::setOrganizationName(QStringLiteral("PacketLens"));

    QCommandLineParser options;
    options.setApplicationDescription(
        QStringLiteral("Event-loop latency of the PacketLens window during a live capture."));
    options.addHelpOption();
    options.addPositionalArgument(QStringLiteral("interface"),
                                  QStringLiteral("Interface to capture on."));
    const QCommandLineOption secondsOpt(
        QStringLiteral("seconds"), QStringLiteral("Capture for S s after the first packet (10)."),
        QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption tickOpt(QStringLiteral("tick"),
                                     QStringLiteral("Probe timer interval in ms (5)."),
                                     QStringLiteral("MS"), QStringLiteral("5"));
    const QCommandLineOption selectOpt(
        QStringLiteral("select-every"),
        QStringLiteral("Simulated user picks the newest row every MS ms; 0: never (1000)."),
        QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption resumeOpt(
        QStringLiteral("resume"),
        QStringLiteral("...and scrolls back to the bottom MS ms later (300)."),
        QStringLiteral("MS"), QStringLiteral("300"));
    const QCommandLineOption waitOpt(
        QStringLiteral("wait"),
        QStringLiteral("Give up when no packet arrives within S s of the start (20)."),
        QStringLiteral("S"), QStringLiteral("20"));
    const QCommandLineOption filterOpt(
        QStringLiteral("filter"), QStringLiteral("Capture filter (none)."), QStringLiteral("EXPR"));
    const QCommandLineOption bufferOpt(QStringLiteral("buffer"),
                                       QStringLiteral("Kernel capture buffer in MiB (32)."),
                                       QStringLiteral("MIB"), QStringLiteral("32"));
    options.addOptions({secondsOpt, tickOpt, selectOpt, resumeOpt, waitOpt, filterOpt, bufferOpt});
    options.process(app);
    const double seconds = options.value(secondsOpt).toDouble();
    const int tickMs = options.value(tickOpt).toInt();
    const int selectEvery = options.value(selectOpt).toInt();
    const int resumeMs = options.value(resumeOpt).toInt();
    const double waitS = options.value(waitOpt).toDouble();
    const uint buffer = options.value(bufferOpt).toUInt();
    if (options.positionalArguments().size() != 1 || seconds <= 0 || tickMs <= 0 ||
        selectEvery < 0 || resumeMs < 0 || waitS <= 0 || buffer == 0) {
        fprintf(stderr, "packetlens-guibench: bad arguments (see --help)\n");
        return 2;
    }
    const QString interface = options.positionalArguments().constFirst();

    // Settings and the spool go to a directory of the run's own, removed at the end: the
    // benchmark neither reads the user's window layout nor leaves a 100 MB spool behind.
    QTemporaryDir home;
    if (!home.isValid()) {
        fprintf(stderr, "packetlens-guibench: cannot make a temporary directory\n");
        return 1;
    }
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.path());
    qputenv("XDG_CACHE_HOME", home.path().toUtf8());
#ifdef PACKETLENS_HELPER_BUILT
    if (qEnvironmentVariableIsEmpty("PACKETLENS_HELPER"))
        qputenv("PACKETLENS_HELPER", PACKETLENS_HELPER_BUILT);
#endif

    pl::MainWindow window;
    window.resize(1280, 800); // a fixed number of visible rows from run to run
    window.show();
    pl::CaptureController *capture = window.captureController();
    pl::PacketListModel *list = window.packetModel();

    PaintCounter listPaints;
    window.packetList()->viewport()->installEventFilter(&listPaints);

    QElapsedTimer clock;
    clock.start();
    LatencyProbe probe(clock, tickMs);

    int status = 0;
    qint64 firstPacketNs = -1, lastPacketNs = -1, stopMs = -1;
    quint64 capturedAtStop = 0;
    bool stopping = false;
    std::vector<double> selectMs;
    int selectionsDissected = 0;
    const auto fail = [&](const QString &why) {
        fprintf(stderr, "packetlens-guibench: %s\n", qPrintable(why));
        status = 1;
    };
    // Leaves the event loop once the capture is over and the list shows the whole spool.
    const auto finishWhenCaughtUp = [&] {
        if (stopping && !capture->isCapturing() && !window.store()->isLoading())
            QApplication::quit();
    };

    // Auto-scroll as the user sees it: while following, every tick finds the newest row in view;
    // a pick holds the view where it is while rows arrive; scrolling back resumes following.
    int followTicks = 0, followMissed = 0, pausesHeld = 0, resumes = 0, resumesFollowing = 0;
    bool userPaused = false;
    QScrollBar *scroll = window.packetList()->verticalScrollBar();
    probe.start([list] { return qint64(list->rowCount()); },
                [capture] { return qint64(capture->captured()); },
                [&] {
                    if (capture->isCapturing() && !userPaused && window.autoScroll()) {
                        ++followTicks;
                        if (scroll->value() < scroll->maximum())
                            ++followMissed;
                    }
                });

    QTimer userTimer;
    userTimer.setInterval(selectEvery > 0 ? selectEvery : 1000);
    QObject::connect(&userTimer, &QTimer::timeout, &window, [&] {
        const int rows = list->rowCount();
        if (rows == 0 || stopping)
            return;
        // A click on the newest row: selection, dissection into the tree and hex pane.
        userPaused = true;
        QElapsedTimer t;
        t.start();
        window.packetList()->selectRow(rows - 1);
        selectMs.push_back(double(t.nsecsElapsed()) / 1e6);
        if (window.treeModel()->rowCount() > 0)
            ++selectionsDissected;
        // Then back to the bottom, as a user drags the scroll bar down: following resumes
        // (when rows came meanwhile; at the bottom already, there is nothing to scroll).
        QTimer::singleShot(resumeMs, &window, [&, rows] {
            userPaused = false;
            const bool grew = list->rowCount() > rows;
            if (grew) {
                ++resumes;
                if (!window.autoScroll() && scroll->value() < scroll->maximum())
                    ++pausesHeld;
            }
            window.packetList()->scrollToBottom();
            if (grew && window.autoScroll())
                ++resumesFollowing;
        });
    });

    const auto stop = [&] {
        if (stopping)
            return;
        stopping = true;
        userTimer.stop();
        capturedAtStop = capture->captured();
        // Stop does not wait for the helper: its time counts in the ticks like anything else.
        QElapsedTimer t;
        t.start();
        window.stopCapture();
        stopMs = t.elapsed();
        finishWhenCaughtUp();
    };

    QObject::connect(capture, &pl::CaptureController::started, &window,
                     [&] { fprintf(stderr, "Capturing on %s\n", qPrintable(interface)); });
    QObject::connect(
        capture, &pl::CaptureController::failed, &window,
        [&](const QString &message, const QString &hint) {
            fail(QStringLiteral("capture failed: ") + message +
                 (hint.isEmpty() ? QString() : QStringLiteral(" (") + hint + QStringLiteral(")")));
            stop();
        });
    QObject::connect(capture, &pl::CaptureController::packetsWritten, &window, [&](quint64 n) {
        if (n == 0)
            return;
        lastPacketNs = clock.nsecsElapsed();
        if (firstPacketNs >= 0)
            return;
        // The measured window starts with the traffic, not with the helper's start-up.
        firstPacketNs = lastPacketNs;
        probe.setRecording(true, firstPacketNs);
        if (selectEvery > 0)
            userTimer.start();
        QTimer::singleShot(int(seconds * 1000), Qt::PreciseTimer, &window, stop);
    });
    QObject::connect(capture, &pl::CaptureController::finished, &window, finishWhenCaughtUp,
                     Qt::QueuedConnection);
    QObject::connect(window.store(), &pl::PacketStore::loadingFinished, &window, finishWhenCaughtUp,
                     Qt::QueuedConnection);
    QTimer::singleShot(int(waitS * 1000), &window, [&] {
        if (firstPacketNs < 0) {
            fail(capture->isCapturing()
                     ? QStringLiteral("no packet within %1 s").arg(waitS)
                     : QStringLiteral("the capture did not start: ") + capture->errorString());
            stop();
        }
    });
    // A last resort, so that a window that never catches up still reports.
    QTimer::singleShot(int((waitS + seconds + 60) * 1000), &window, [&] {
        fail(QStringLiteral("gave up waiting for the list to catch up"));
        QApplication::quit();
    });

    if (!window.startCapture(pl::ipc::Config{
            .interfaces = {interface}, .filter = options.value(filterOpt), .bufferMiB = buffer})) {
        fail(QStringLiteral("cannot start the capture: ") + capture->errorString());
        return 1;
    }
    QApplication::exec();
    const qint64 endNs = clock.nsecsElapsed();
    probe.setRecording(false);
    if (capture->isCapturing()) // the last-resort timer fired
        window.stopCapture();
    if (status == 0 && capture->captured() == 0)
        fail(QStringLiteral("no packets captured"));

    std::vector<double> timer = probe.timerMs, posted = probe.postedMs;
    std::sort(timer.begin(), timer.end());
    std::sort(posted.begin(), posted.end());
    std::sort(selectMs.begin(), selectMs.end());
    const double activeS = firstPacketNs >= 0 ? double(endNs - firstPacketNs) / 1e9 : 0;
    const double trafficS = firstPacketNs >= 0 ? double(lastPacketNs - firstPacketNs) / 1e9 : 0;
    const auto over = [&](double ms) {
        return std::count_if(timer.begin(), timer.end(), [ms](double v) { return v > ms; });
    };

    printf("interface %s\n", qPrintable(interface));
    printf("platform %s\n", qPrintable(QGuiApplication::platformName()));
    printf("tick_ms %d\n", tickMs);
    printf("measured_s %.3f\n", activeS);
    printf("ticks %zu\n", timer.size());
    printf("latency_p50_ms %.3f\n", percentile(timer, 50));
    printf("latency_p95_ms %.3f\n", percentile(timer, 95));
    printf("latency_p99_ms %.3f\n", percentile(timer, 99));
    printf("latency_max_ms %.3f\n", timer.empty() ? 0.0 : timer.back());
    printf("ticks_over_16ms %td\n", over(16));
    printf("ticks_over_50ms %td\n", over(50));
    printf("posted_p50_ms %.3f\n", percentile(posted, 50));
    printf("posted_p99_ms %.3f\n", percentile(posted, 99));
    printf("posted_max_ms %.3f\n", posted.empty() ? 0.0 : posted.back());
    printf("list_rows %d\n", list->rowCount());
    printf("list_paints %d\n", listPaints.paints);
    printf("follow_ticks %d\n", followTicks);
    printf("follow_ticks_not_at_bottom %d\n", followMissed);
    printf("pauses_held %d\n", pausesHeld);
    printf("resumes %d\n", resumes);
    printf("resumes_following %d\n", resumesFollowing);
    printf("captured %llu\n", static_cast<unsigned long long>(capture->captured()));
    printf("captured_at_stop %llu\n", static_cast<unsigned long long>(capturedAtStop));
    printf("dropped %llu\n", static_cast<unsigned long long>(capture->dropped()));
    printf("traffic_s %.3f\n", trafficS);
    printf("delivered_pps %.0f\n", trafficS > 0 ? double(capture->captured()) / trafficS : 0.0);
    printf("max_list_lag_packets %lld\n", static_cast<long long>(probe.maxLag));
    printf("selections %zu\n", selectMs.size());
    printf("selections_dissected %d\n", selectionsDissected);
    printf("select_max_ms %.3f\n", selectMs.empty() ? 0.0 : selectMs.back());
    printf("stop_ms %lld\n", static_cast<long long>(stopMs));
    printf("cpu_self_s %.2f\n", cpuSeconds(RUSAGE_SELF));
    printf("cpu_helper_s %.2f\n", cpuSeconds(RUSAGE_CHILDREN));
    // The worst stalls, with when they happened and how long the list was then.
    std::vector<LatencyProbe::Tick> worst = probe.ticks;
    std::sort(worst.begin(), worst.end(),
              [](const auto &a, const auto &b) { return a.lateMs > b.lateMs; });
    worst.resize(std::min<size_t>(worst.size(), 8));
    for (const auto &t : worst)
        printf("worst_tick %.3f ms at %.3f s (%lld rows)\n", t.lateMs, t.atS,
               static_cast<long long>(t.rows));
    fflush(stdout);
    return status;
}
