#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

namespace pl {

/// Sorts the packets of a capture file by one column without the GUI waiting: a worker thread
/// makes its own first pass over the file (its own reader, session and summary dissection, in
/// capture order, which gives exactly the columns PacketStore::row() shows) and keeps only the
/// one key asked for, compactly (numbers inline, addresses and protocols as ranks of their
/// distinct values, Info as one character arena with offsets). It never touches a
/// PacketStore, so it takes no lock the GUI could wait on.
///
/// One request at a time: a new sort() cancels the one running; cancel() and the destructor
/// stop and join the worker. Results arrive by sorted() in the thread that owns the sorter,
/// tagged with the request id sort() returned, so a stale result is never seen.
///
/// Orders: ties keep capture order in both directions (a stable sort). Addresses sort by kind
/// first, in Wireshark's address-type order (none/empty, MAC, IPv4, IPv6), then by their bytes
/// (numerically: 10.0.0.9 before 10.0.0.10). Text sorts by its UTF-8 bytes (code point
/// order, case-sensitive). Time stamps sort as numbers; a packet without one (a pcapng Simple
/// Packet Block, shown with an empty Time) sorts before every time stamp.
class PacketSorter : public QObject
{
    Q_OBJECT
public:
    /// What to sort by: the packet list's columns; Time is the absolute time stamp (every
    /// format but Delta reads in the same order), Delta the time since the previous packet in
    /// capture order.
    enum class Key : uint8_t { Number, Time, Delta, Source, Destination, Protocol, Length, Info };
    /// Store rows (capture order, 0-based) in display order: order[viewRow] = storeRow.
    using Order = QList<quint32>;

    explicit PacketSorter(QObject *parent = nullptr);
    /// Cancels the running request and joins its worker.
    ~PacketSorter() override;

    /// Starts sorting the first `count` packets of the capture file `path` and returns the
    /// request's id (increasing); sorted() or failed() will carry it. A request still running
    /// is cancelled first. Key::Number needs no pass: its order is made here and only its
    /// delivery is queued.
    quint64 sort(const QString &path, qsizetype count, Key key, Qt::SortOrder order);
    /// Stops the running request (its result never comes) and joins the worker.
    void cancel();
    /// A request was started and its result has not been delivered yet.
    bool isBusy() const { return m_busy; }
    /// The id of the latest request (0 before the first).
    quint64 currentRequest() const { return m_request; }

    /// The sort itself, synchronous, in the calling thread (the worker's body; also for tests
    /// and benchmarks). Packets the file does not hold (it is shorter than `count`, or damaged
    /// before) come last in capture order. false when the file cannot be opened (`error` says
    /// why) or when `cancel` became true (checked every few hundred packets and every few
    /// thousand comparisons).
    static bool computeOrder(const QString &path, qsizetype count, Key key, Qt::SortOrder order,
                             Order &result, QString *error = nullptr,
                             const std::atomic<bool> *cancel = nullptr);

signals:
    /// The result of request `request`: a permutation of 0 .. count-1.
    void sorted(quint64 request, const pl::PacketSorter::Order &order);
    /// Request `request` could not be done (the file could not be opened).
    void failed(quint64 request, const QString &error);

private:
    void stopWorker();
    void deliver(quint64 request, const Order &order, bool ok, const QString &error);

    std::thread m_worker;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_request = 0;
    bool m_busy = false;
};

} // namespace pl
