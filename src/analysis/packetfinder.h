#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace pl {

class PacketStore;

/// What Edit > Find Packet looks for, as Wireshark's find bar asks it.
struct FindQuery
{
    /// Display filter: a row matches when the filter does. Hex: a byte sequence
    /// (`00:1b:21`, `001b21`, `00 1b 21`) in the packet bytes. String: text in `scope`.
    enum class Method { DisplayFilter, Hex, String } method = Method::DisplayFilter;
    /// Where a String is looked for: the packet bytes as narrow (UTF-8/ASCII) text, the Info
    /// column, or the labels of the detail tree as shown.
    enum class Scope { Bytes, Info, Tree } scope = Scope::Info;
    QString text;
    /// String only: otherwise ASCII letters match either case (Wireshark's default).
    bool caseSensitive = false;

    bool operator==(const FindQuery &) const = default;
};

/// Finds the next or previous packet in view order that matches a FindQuery, wrapping around
/// the ends once, as Wireshark's Find Packet does.
///
/// Cost per packet depends on the method, so a search over a million packets that finds
/// nothing stays short: Hex and String in bytes only read the bytes (through a reader of its
/// own on the store's file, no dissection, no lock the store's worker waits on); String in
/// Info dissects in summary mode; a display filter asks PacketStore::matches() (summary mode
/// with just the filter's fields); String in the tree builds the whole tree and every label
/// (the slow one: about 10 µs a packet).
/// Synchronous, on the thread that owns the store; a progress callback or a cancel flag lets
/// a long search be stopped.
class PacketFinder
{
public:
    explicit PacketFinder(PacketStore &store);
    ~PacketFinder();
    PacketFinder(const PacketFinder &) = delete;
    PacketFinder &operator=(const PacketFinder &) = delete;

    /// false + *error when the query is invalid (bad filter, bad hex, empty text); used for
    /// the find bar's colour. An empty display filter is invalid here: it would match any
    /// packet, which is not a search.
    static bool validate(const FindQuery &q, QString *error);
    /// The bytes of a Wireshark "Hex value": pairs of hex digits, optionally separated by
    /// blanks, `:`, `.` or `-`. nullopt + *error otherwise (odd digit count, other characters,
    /// nothing at all).
    static std::optional<QByteArray> parseHex(const QString &text, QString *error = nullptr);

    /// Searches the rows in view order starting after `fromViewRow` (forward) or before it,
    /// wrapping once (`fromViewRow` itself is tried last); `storeRowOf(viewRow)` maps a view
    /// row to a store row; returns the view row found or -1 (nothing matched, an invalid
    /// query, or the search was cancelled). A `fromViewRow` outside 0 .. viewCount-1 (no
    /// selection) searches from the first row forward or from the last backward.
    int find(const FindQuery &q, int viewCount, const std::function<qsizetype(int)> &storeRowOf,
             int fromViewRow, bool forward);

    /// The last find() went past the last row (forward) or the first (backward) to find its
    /// result: the bar says "Search wrapped" like Wireshark's status bar.
    bool wrapped() const { return m_wrapped; }
    /// The last find() was stopped by the cancel flag or the progress callback.
    bool cancelled() const { return m_cancelled; }

    /// Stops a running find() when `*flag` becomes true (checked every few hundred rows);
    /// null: never. The flag must outlive the finder or be reset.
    void setCancelFlag(const std::atomic<bool> *flag) { m_cancelFlag = flag; }
    /// Called after the first 256 rows of a find() and then about every 50 ms with the rows
    /// looked at and the rows to look at; returning false stops the search (the GUI can
    /// process events in it to keep a Cancel button alive, or show progress).
    using Progress = std::function<bool(int done, int total)>;
    void setProgressCallback(Progress progress) { m_progress = std::move(progress); }

private:
    struct Impl;
    PacketStore &m_store;
    std::unique_ptr<Impl> m_impl;
    const std::atomic<bool> *m_cancelFlag = nullptr;
    Progress m_progress;
    bool m_wrapped = false;
    bool m_cancelled = false;
};

} // namespace pl
