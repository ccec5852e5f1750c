#include "packetsorter.h"

#include "capfile/capturefilereader.h"
#include "dissect/dissection.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pl {

namespace {

struct Cancelled
{
};

// std::sort cannot be interrupted, but its comparator can throw: the range is then left in
// some valid order, which nobody looks at. Checking an atomic on every comparison would cost
// more than the comparison, so it is looked at every 4096.
class CancelCheck
{
public:
    explicit CancelCheck(const std::atomic<bool> *flag) : m_flag(flag) {}
    void tick()
    {
        if (m_flag && (++m_ticks & 0xfff) == 0)
            now();
    }
    void now() const
    {
        if (m_flag && m_flag->load(std::memory_order_relaxed))
            throw Cancelled{};
    }

private:
    const std::atomic<bool> *m_flag;
    uint32_t m_ticks = 0;
};

// The first pass over `count` packets in capture order, as PacketStore's worker makes it: a
// fresh session sees every frame once, in order, so each column comes out as the store's
// revisits show it. `visit(index, packet, dissection)`; returns the packets read.
template <class Visit>
uint32_t firstPass(CaptureFileReader &reader, uint32_t count, bool dissect, CancelCheck &cancel,
                   Visit visit)
{
    Session session;
    Dissection d(Dissection::Mode::Summary);
    d.prefs.verifyChecksums = false; // as PacketStore's rows (its setSummaryPrefs)
    CapturedPacket p;
    reader.setZeroCopy(true); // each packet is looked at once, before the next read
    uint32_t n = 0;
    while (n < count && reader.next(p)) {
        if ((n & 255) == 0)
            cancel.now();
        if (dissect)
            d.dissect(p.frame, &session);
        visit(n, p, d);
        ++n;
    }
    return n;
}

// (key << 32 | row) sorted as one number: ascending key, ties by capture order. Descending
// sorts the complemented key, so ties still come in capture order.
void sortPacked(std::vector<uint64_t> &records, CancelCheck &cancel)
{
    std::sort(records.begin(), records.end(), [&cancel](uint64_t a, uint64_t b) {
        cancel.tick();
        return a < b;
    });
}

uint64_t packed(uint32_t key, uint32_t row, bool descending)
{
    return uint64_t(descending ? ~key : key) << 32 | row;
}

// Time keys: seconds and nanoseconds, complemented for descending (~ reverses the order of
// int64 without overflow).
struct TimeRecord
{
    int64_t sec;
    uint32_t nsec;
    uint32_t row;
};

// Addresses as 17 bytes: the kind first, so that one memcmp gives the order.
using AddressKey = std::array<uint8_t, 17>;

struct AddressKeyHash
{
    size_t operator()(const AddressKey &k) const
    {
        uint64_t a, b;
        std::memcpy(&a, k.data() + 1, 8);
        std::memcpy(&b, k.data() + 9, 8);
        return size_t((a * 0x9e3779b97f4a7c15ull) ^ (b + k[0]) * 0xc2b2ae3d27d4eb4full);
    }
};

AddressKey addressKey(const Address &a)
{
    // Wireshark's address-type order (AT_NONE, AT_ETHER, AT_IPv4, AT_IPv6): an empty column
    // first, then MAC, IPv4, IPv6 addresses.
    uint8_t kind = 0;
    switch (a.type) {
    case Address::None:
        kind = 0;
        break;
    case Address::Ether:
        kind = 1;
        break;
    case Address::IPv4:
        kind = 2;
        break;
    case Address::IPv6:
        kind = 3;
        break;
    }
    AddressKey k{};
    k[0] = kind;
    std::memcpy(k.data() + 1, a.bytes, Address::size(a.type));
    return k;
}

// Ranks of distinct values: rank[id] is the position of value `id` in sorted order.
template <class Less> std::vector<uint32_t> ranks(size_t distinct, Less less, CancelCheck &cancel)
{
    std::vector<uint32_t> byValue(distinct);
    for (size_t i = 0; i < distinct; ++i)
        byValue[i] = uint32_t(i);
    std::sort(byValue.begin(), byValue.end(), [&](uint32_t a, uint32_t b) {
        cancel.tick();
        return less(a, b);
    });
    std::vector<uint32_t> rank(distinct);
    for (size_t i = 0; i < distinct; ++i)
        rank[byValue[i]] = uint32_t(i);
    return rank;
}

uint32_t sortByTime(CaptureFileReader &reader, uint32_t count, bool delta, bool descending,
                    CancelCheck &cancel, PacketSorter::Order &out)
{
    std::vector<TimeRecord> records;
    records.reserve(count);
    int64_t prevSec = 0;
    uint32_t prevNsec = 0;
    const uint32_t n =
        firstPass(reader, count, false, cancel, [&](uint32_t i, const CapturedPacket &p, auto &) {
            const Frame &f = p.frame;
            int64_t sec = f.tsSec;
            uint32_t nsec = f.tsNsec;
            // The Time column: empty without a time stamp, so first; Delta of the first
            // packet is 0, of the others the difference to the previous frame's raw time
            // stamp (PacketListModel::timeText).
            if (!f.hasTimestamp) {
                sec = std::numeric_limits<int64_t>::min();
                nsec = 0;
            } else if (delta) {
                if (i == 0)
                    sec = nsec = 0;
                else
                    timeDifference(f.tsSec, f.tsNsec, prevSec, prevNsec, sec, nsec);
            }
            prevSec = f.tsSec;
            prevNsec = f.tsNsec;
            if (descending) {
                sec = ~sec;
                nsec = ~nsec;
            }
            records.push_back({sec, nsec, i});
        });
    std::sort(records.begin(), records.end(), [&cancel](const TimeRecord &a, const TimeRecord &b) {
        cancel.tick();
        if (a.sec != b.sec)
            return a.sec < b.sec;
        if (a.nsec != b.nsec)
            return a.nsec < b.nsec;
        return a.row < b.row;
    });
    for (uint32_t i = 0; i < n; ++i)
        out[i] = records[i].row;
    return n;
}

/// Sorts packed (key << 32 | row) records and writes the first `n` rows in that order.
void writeSorted(std::vector<uint64_t> &records, uint32_t n, CancelCheck &cancel,
                 PacketSorter::Order &out)
{
    sortPacked(records, cancel);
    for (uint32_t i = 0; i < n; ++i)
        out[i] = uint32_t(records[i]);
}

/// (id << 32 | row) records to (rank of id << 32 | row), then sorted into `out`.
void writeRanked(std::vector<uint64_t> &records, const std::vector<uint32_t> &rank, uint32_t n,
                 bool descending, CancelCheck &cancel, PacketSorter::Order &out)
{
    for (uint64_t &r : records)
        r = packed(rank[r >> 32], uint32_t(r), descending);
    writeSorted(records, n, cancel, out);
}

uint32_t sortByLength(CaptureFileReader &reader, uint32_t count, bool descending,
                      CancelCheck &cancel, PacketSorter::Order &out)
{
    std::vector<uint64_t> records;
    records.reserve(count);
    const uint32_t n =
        firstPass(reader, count, false, cancel, [&](uint32_t i, const CapturedPacket &p, auto &) {
            records.push_back(packed(p.frame.wireLen, i, descending));
        });
    writeSorted(records, n, cancel, out);
    return n;
}

// Source/Destination: most captures hold few distinct addresses, so each row keeps only the
// id of its address beside its row (8 bytes), and the distinct addresses are ranked once.
uint32_t sortByAddress(CaptureFileReader &reader, uint32_t count, bool source, bool descending,
                       CancelCheck &cancel, PacketSorter::Order &out)
{
    std::unordered_map<AddressKey, uint32_t, AddressKeyHash> ids;
    std::vector<AddressKey> distinct;
    std::vector<uint64_t> records; // (id << 32 | row) during the pass, then (rank << 32 | row)
    records.reserve(count);
    const uint32_t n = firstPass(
        reader, count, true, cancel, [&](uint32_t i, const CapturedPacket &, const Dissection &d) {
            const AddressKey k = addressKey(source ? d.source() : d.destination());
            const auto [it, added] = ids.try_emplace(k, uint32_t(distinct.size()));
            if (added)
                distinct.push_back(k);
            records.push_back(packed(it->second, i, false));
        });
    ids = {};
    const std::vector<uint32_t> rank = ranks(
        distinct.size(), [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; }, cancel);
    writeRanked(records, rank, n, descending, cancel, out);
    return n;
}

uint32_t sortByProtocol(CaptureFileReader &reader, uint32_t count, bool descending,
                        CancelCheck &cancel, PacketSorter::Order &out)
{
    // A handful of distinct names: an ordered map gives their ranks by walking it.
    std::map<std::string, uint32_t, std::less<>> ids;
    std::vector<uint64_t> records; // (id << 32 | row) during the pass, then (rank << 32 | row)
    records.reserve(count);
    const uint32_t n = firstPass(
        reader, count, true, cancel, [&](uint32_t i, const CapturedPacket &, const Dissection &d) {
            const std::string_view name = d.protocolColumn();
            auto it = ids.find(name);
            if (it == ids.end())
                it = ids.emplace(std::string(name), uint32_t(ids.size())).first;
            records.push_back(packed(it->second, i, false));
        });
    std::vector<uint32_t> rank(ids.size());
    uint32_t next = 0;
    for (const auto &[name, id] : ids)
        rank[id] = next++;
    writeRanked(records, rank, n, descending, cancel, out);
    return n;
}

// Info: nearly every row differs, so the texts go into one arena (no allocation per row), each
// as a varint length and its bytes, 4-byte aligned. A record is 16 bytes: the first 8 bytes of
// the text as a big-endian number, which settles most comparisons without touching the arena,
// the row, and where its text starts (in 4-byte units: 16 GiB of text).
uint32_t sortByInfo(CaptureFileReader &reader, uint32_t count, bool descending, CancelCheck &cancel,
                    PacketSorter::Order &out)
{
    struct Record
    {
        uint64_t prefix;
        uint32_t row;
        uint32_t at;
    };
    static_assert(sizeof(Record) == 16);
    constexpr uint32_t kEstimateAfter = 4096;
    std::string arena;
    std::vector<Record> records;
    records.reserve(count);
    const uint32_t n = firstPass(
        reader, count, true, cancel, [&](uint32_t i, const CapturedPacket &, const Dissection &d) {
            const std::string &info = d.infoColumn();
            uint64_t prefix = 0;
            for (size_t b = 0; b < 8; ++b)
                prefix = prefix << 8 | (b < info.size() ? uint8_t(info[b]) : 0u);
            if (arena.size() / 4 > std::numeric_limits<uint32_t>::max())
                throw std::length_error("Info texts too long to sort");
            records.push_back({prefix, i, uint32_t(arena.size() / 4)});
            for (size_t len = info.size();; len >>= 7) {
                arena.push_back(char(len < 0x80 ? len : (len & 0x7f) | 0x80));
                if (len < 0x80)
                    break;
            }
            arena += info;
            arena.resize((arena.size() + 3) & ~size_t(3));
            // Growing by copying would hold the old and the new arena at once; reserve what
            // the first rows suggest instead (pages never written are never resident).
            if (i + 1 == kEstimateAfter && count > kEstimateAfter)
                arena.reserve(arena.size() / kEstimateAfter * count / 4 * 5);
        });
    const auto text = [&arena](uint32_t at) {
        size_t pos = size_t(at) * 4, len = 0;
        for (int shift = 0;; shift += 7) {
            const uint8_t b = uint8_t(arena[pos++]);
            len |= size_t(b & 0x7f) << shift;
            if (b < 0x80)
                break;
        }
        return std::string_view(arena).substr(pos, len);
    };
    const auto less = [&](const Record &a, const Record &b) {
        cancel.tick();
        if (a.prefix != b.prefix)
            return (a.prefix < b.prefix) != descending;
        // char_traits<char> compares as unsigned char: UTF-8 byte order = code point order.
        const int c = text(a.at).compare(text(b.at));
        if (c != 0)
            return (c < 0) != descending;
        return a.row < b.row;
    };
    std::sort(records.begin(), records.end(), less);
    for (uint32_t i = 0; i < n; ++i)
        out[i] = records[i].row;
    return n;
}

} // namespace

PacketSorter::PacketSorter(QObject *parent) : QObject(parent) {}

PacketSorter::~PacketSorter()
{
    stopWorker();
}

void PacketSorter::stopWorker()
{
    if (m_cancel)
        *m_cancel = true;
    if (m_worker.joinable())
        m_worker.join();
    m_cancel.reset();
}

void PacketSorter::cancel()
{
    stopWorker();
    m_busy = false; // a result already queued is dropped by deliver()
}

quint64 PacketSorter::sort(const QString &path, qsizetype count, Key key, Qt::SortOrder order)
{
    stopWorker();
    const quint64 request = ++m_request;
    m_busy = true;
    if (key == Key::Number) {
        Order result;
        computeOrder(path, count, key, order, result);
        QMetaObject::invokeMethod(
            this, [this, request, result] { deliver(request, result, true, {}); },
            Qt::QueuedConnection);
        return request;
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    m_worker = std::thread([this, path, count, key, order, request, cancel] {
        Order result;
        QString error;
        const bool ok = computeOrder(path, count, key, order, result, &error, cancel.get());
        if (cancel->load())
            return;
        // The sorter outlives this call: its destructor joins this thread first, and a
        // queued call to a deleted object is dropped.
        QMetaObject::invokeMethod(
            this, [this, request, result, ok, error] { deliver(request, result, ok, error); },
            Qt::QueuedConnection);
    });
    return request;
}

void PacketSorter::deliver(quint64 request, const Order &order, bool ok, const QString &error)
{
    if (request != m_request || !m_busy)
        return;   // replaced or cancelled meanwhile
    stopWorker(); // it has returned: posting this was its last act
    m_busy = false;
    if (ok)
        emit sorted(request, order);
    else
        emit failed(request, error);
}

bool PacketSorter::computeOrder(const QString &path, qsizetype count, Key key, Qt::SortOrder order,
                                Order &result, QString *error, const std::atomic<bool> *cancel)
{
    const uint32_t n =
        uint32_t(std::clamp<qsizetype>(count, 0, std::numeric_limits<uint32_t>::max()));
    const bool descending = order == Qt::DescendingOrder;
    result.clear();
    if (key == Key::Number) {
        result.resize(n);
        for (uint32_t i = 0; i < n; ++i)
            result[i] = descending ? n - 1 - i : i;
        return true;
    }
    CaptureFileReader reader;
    if (!reader.open(path.toStdString())) {
        if (error)
            *error = QString::fromStdString(reader.error());
        return false;
    }
    result.resize(n);
    CancelCheck check(cancel);
    uint32_t sorted = 0;
    try {
        switch (key) {
        case Key::Number:
            break;
        case Key::Time:
        case Key::Delta:
            sorted = sortByTime(reader, n, key == Key::Delta, descending, check, result);
            break;
        case Key::Length:
            sorted = sortByLength(reader, n, descending, check, result);
            break;
        case Key::Source:
        case Key::Destination:
            sorted = sortByAddress(reader, n, key == Key::Source, descending, check, result);
            break;
        case Key::Protocol:
            sorted = sortByProtocol(reader, n, descending, check, result);
            break;
        case Key::Info:
            sorted = sortByInfo(reader, n, descending, check, result);
            break;
        }
    } catch (const Cancelled &) {
        result.clear();
        return false;
    } catch (const std::exception &e) { // out of memory, or more text than an arena holds
        result.clear();
        if (error)
            *error = QString::fromLocal8Bit(e.what());
        return false;
    }
    // What the file no longer holds keeps its place after the rest.
    for (uint32_t i = sorted; i < n; ++i)
        result[i] = i;
    return true;
}

} // namespace pl
