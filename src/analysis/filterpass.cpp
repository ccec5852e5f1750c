#include "filterpass.h"

#include "capfile/capturefilereader.h"
#include "dissect/framepartition.h"

#include <array>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <span>
#include <thread>

namespace pl {

namespace {

constexpr auto kProgressEvery = std::chrono::milliseconds(100);

} // namespace

namespace {

// Evaluates the filter on frames and keeps the verdicts: in capture order with one session
// (frame after frame), or the frames of one partition (framePartition) with a session of its
// own, for a filter that reads no cross-frame field, where that gives the same verdicts.
class Evaluator
{
public:
    Evaluator(const DisplayFilter &filter, const Preferences &prefs)
        : m_filter(filter), m_all(filter.isEmpty())
    {
        m_d.prefs = prefs;
        // Checksums verified only when the filter reads them: what the detail pane shows.
        m_d.prefs.verifyChecksums = filter.needsChecksums();
        m_d.setColumns(false); // only the verdict is kept: no Info text to format
        // A filter of header fields needs no application protocol, no reassembly.
        m_d.setTcpPayloads(!filter.readsOnlyHeaders());
        if (!m_all)
            m_d.setInterest(&m_filter.interest());
    }

    bool operator()(const Frame &frame, Session &session)
    {
        m_d.dissect(frame, &session);
        return m_all || m_filter.matches(m_d);
    }

private:
    const DisplayFilter &m_filter;
    const bool m_all;
    Dissection m_d{Dissection::Mode::Summary};
};

// The verdicts as bits, filled in capture order.
class BitWriter
{
public:
    explicit BitWriter(uint64_t count) { m_bits.assign((count + 63) / 64, 0); }
    void put(bool on)
    {
        if (on)
            m_word |= uint64_t(1) << (m_rows % 64);
        if (++m_rows % 64 == 0) {
            m_bits[m_rows / 64 - 1] = m_word;
            m_word = 0;
        }
    }
    uint64_t rows() const { return m_rows; }
    RowBits take()
    {
        if (m_rows % 64)
            m_bits[m_rows / 64] = m_word;
        return std::move(m_bits);
    }

private:
    RowBits m_bits;
    uint64_t m_word = 0;
    uint64_t m_rows = 0;
};

// Calls progress() at most every kProgressEvery.
class ProgressClock
{
public:
    explicit ProgressClock(const std::function<void(uint64_t)> &progress) : m_progress(progress) {}
    void tick(uint64_t done)
    {
        if (!m_progress)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last >= kProgressEvery) {
            m_last = now;
            m_progress(done);
        }
    }

private:
    const std::function<void(uint64_t)> &m_progress;
    std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

// Packets the reading thread hands to the dissecting one: copies of the frames, since a
// zero-copy frame lives only until the reader's next call, and so do its comments and its
// interface name.
struct Batch
{
    static constexpr size_t kFrames = 1024;
    static constexpr size_t kBytes = size_t(2) << 20;

    std::vector<Frame> frames;
    std::vector<uint8_t> bytes;
    std::vector<size_t> dataAt;         ///< frames[i].data is bytes.data() + dataAt[i]
    std::vector<int32_t> name;          ///< index in names, -1: none
    std::vector<std::string> names;     ///< interface names of these frames
    std::vector<uint32_t> commentsFrom; ///< frames[i]'s comments start here in comments
    std::vector<std::string> comments;
    std::vector<uint8_t> part;    ///< framePartition() of each frame (partitioned passes)
    std::vector<uint8_t> hits;    ///< the verdicts, by frame (partitioned passes)
    uint64_t first = 0;           ///< 0-based row of frames[0]
    uint64_t sequence = 0;        ///< batches are numbered in reading order
    bool last = false;            ///< the reader stopped after this batch
    std::atomic<int> pending{0};  ///< partitioned: workers still dissecting their frames
    std::atomic<bool> cut{false}; ///< partitioned: a worker stopped in it (cancelled)

    void clear()
    {
        frames.clear();
        bytes.clear();
        dataAt.clear();
        name.clear();
        names.clear();
        commentsFrom.clear();
        comments.clear();
        part.clear();
        hits.clear();
        last = false;
        cut = false;
    }

    bool full() const { return frames.size() >= kFrames || bytes.size() >= kBytes; }

    void add(const CapturedPacket &p)
    {
        const Frame &f = p.frame;
        frames.push_back(f);
        dataAt.push_back(bytes.size());
        bytes.insert(bytes.end(), f.data, f.data + f.capLen);
        int32_t n = -1;
        if (!f.interfaceName.empty()) {
            if (names.empty() || names.back() != f.interfaceName)
                names.emplace_back(f.interfaceName);
            n = int32_t(names.size() - 1);
        }
        name.push_back(n);
        commentsFrom.push_back(uint32_t(comments.size()));
        for (const std::string &c : f.comments)
            comments.push_back(c);
    }

    // Points the frames into this batch's own storage, once it is filled; with `parts` > 1,
    // says which worker dissects each frame.
    void seal(uint32_t parts)
    {
        for (size_t i = 0; i < frames.size(); ++i) {
            Frame &f = frames[i];
            f.data = bytes.data() + dataAt[i];
            f.interfaceName = name[i] < 0 ? std::string_view() : names[size_t(name[i])];
            const uint32_t from = commentsFrom[i];
            const uint32_t to =
                i + 1 < frames.size() ? commentsFrom[i + 1] : uint32_t(comments.size());
            f.comments = std::span<const std::string>(comments.data() + from, to - from);
        }
        hits.assign(frames.size(), 0);
        if (parts > 1)
            for (const Frame &f : frames)
                part.push_back(uint8_t(framePartition(f, parts)));
        pending = int(parts);
    }
};

// A queue of batches between the two threads.
class BatchQueue
{
public:
    void put(Batch *b)
    {
        {
            std::lock_guard lock(m_mutex);
            m_batches.push_back(b);
        }
        m_ready.notify_one();
    }
    /// null once stop() was called.
    Batch *take()
    {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_stopped || !m_batches.empty(); });
        if (m_stopped)
            return nullptr;
        Batch *b = m_batches.front();
        m_batches.pop_front();
        return b;
    }
    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopped = true;
        }
        m_ready.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<Batch *> m_batches;
    bool m_stopped = false;
};

// A reading thread filling batches from a pool, and the batches it filled, in order: to one
// consumer or, partitioned, every batch to each of `parts` consumers.
class Pipeline
{
public:
    Pipeline(CaptureFileReader &reader, uint64_t count, const std::atomic<bool> &cancel,
             size_t batches, uint32_t parts = 1)
        : m_pool(batches), m_filled(parts), m_cancel(cancel), m_parts(parts)
    {
        for (Batch &b : m_pool)
            m_empty.put(&b);
        m_thread = std::thread([this, &reader, count] { read(reader, count); });
    }
    ~Pipeline()
    {
        m_empty.stop();
        for (BatchQueue &q : m_filled)
            q.stop();
        m_thread.join();
    }

    /// Consumer `part`'s next filled batch, or null at the end or when cancelled
    /// (`cancelled` set then).
    Batch *next(bool &cancelled, uint32_t part = 0)
    {
        BatchQueue &filled = m_filled[part];
        if (m_cancel.load(std::memory_order_relaxed)) {
            cancelled = true;
            filled.stop();
            return nullptr;
        }
        Batch *b = filled.take();
        if (b && b->last)
            filled.stop(); // nothing follows
        return b;
    }
    void recycle(Batch *b) { m_empty.put(b); }

private:
    void read(CaptureFileReader &reader, uint64_t count)
    {
        CapturedPacket p;
        uint64_t read = 0, sequence = 0;
        for (;;) {
            Batch *b = m_empty.take();
            if (!b)
                return;
            b->clear();
            b->first = read;
            b->sequence = sequence++;
            while (!b->full() && read < count && reader.next(p)) {
                b->add(p);
                ++read;
            }
            b->last = read >= count || !b->full() || m_cancel.load(std::memory_order_relaxed);
            b->seal(m_parts);
            for (BatchQueue &q : m_filled)
                q.put(b);
            if (b->last)
                return;
        }
    }

    std::vector<Batch> m_pool;
    BatchQueue m_empty;
    std::vector<BatchQueue> m_filled; // one a consumer
    const std::atomic<bool> &m_cancel;
    const uint32_t m_parts;
    std::thread m_thread;
};

// Below this many packets one thread does it all: a second would not pay for itself.
constexpr uint64_t kPipelineFrom = 16384;

} // namespace

FilterPassResult filterPass(const std::string &path, bool following, uint64_t count,
                            const DisplayFilter &filter, const std::atomic<bool> &cancel,
                            const std::function<void(uint64_t done)> &progress,
                            const Preferences &prefs)
{
    FilterPassResult result;
    CaptureFileReader reader;
    if (count == 0 || !reader.open(path)) {
        result.bits.assign((count + 63) / 64, 0);
        return result;
    }
    reader.setFollowing(following);
    reader.setZeroCopy(true); // each packet is looked at once, before the next read
    BitWriter bits(count);
    ProgressClock clock(progress);
    CapturedPacket p;

    if (count < kPipelineFrom) {
        Evaluator evaluate(filter, prefs);
        Session session;
        // Cancel is looked at before every frame: one slow frame (a costly regular expression)
        // must not keep a superseded pass, and the GUI thread joining it, waiting.
        while (bits.rows() < count && !cancel.load(std::memory_order_relaxed)) {
            if ((bits.rows() & 1023) == 0)
                clock.tick(bits.rows());
            if (!reader.next(p))
                break;
            bits.put(evaluate(p.frame, session));
        }
    } else if (filter.isEmpty() || filter.readsCrossConversationFields()) {
        // Reading (system calls, copying from the page cache, parsing records) takes about a
        // third of the time of a summary dissection: on a second thread it overlaps with it.
        Pipeline pipeline(reader, count, cancel, 4);
        Evaluator evaluate(filter, prefs);
        Session session;
        while (Batch *b = pipeline.next(result.cancelled)) {
            clock.tick(bits.rows());
            for (const Frame &f : b->frames) {
                if (cancel.load(std::memory_order_relaxed))
                    break;
                bits.put(evaluate(f, session));
            }
            pipeline.recycle(b);
        }
    } else {
        // No field the filter reads depends on frames between other addresses: the frames
        // between each pair of addresses (framePartition) go to one of two dissecting
        // threads, each with a session of its own that sees all of their state in capture
        // order, while a third thread reads. tests/capfile/tst_crossframe.cpp checks over the
        // corpus that every field not marked cross-frame comes out the same.
        constexpr uint32_t kParts = 2;
        Pipeline pipeline(reader, count, cancel, 8, kParts);
        std::mutex doneMutex;
        std::map<uint64_t, Batch *> done; // dissected, waiting for their turn to be written
        uint64_t nextToWrite = 0;
        bool cutShort = false;
        auto work = [&](uint32_t part) {
            Evaluator evaluate(filter, prefs);
            Session session;
            bool cancelled = false;
            while (Batch *b = pipeline.next(cancelled, part)) {
                if (part == 0) { // progress() is called on the calling thread only
                    uint64_t rows;
                    {
                        std::lock_guard lock(doneMutex);
                        rows = bits.rows();
                    }
                    clock.tick(rows);
                }
                for (size_t i = 0; i < b->frames.size(); ++i) {
                    if (b->part[i] != part)
                        continue;
                    if (cancel.load(std::memory_order_relaxed)) {
                        b->cut = true; // what was not evaluated is not written
                        break;
                    }
                    b->hits[i] = evaluate(b->frames[i], session);
                }
                if (b->pending.fetch_sub(1) != 1)
                    continue; // the other thread has its frames still to do
                // Bits are written in reading order, by whichever thread finishes the batch
                // that is next; finished batches wait in `done` for their turn.
                std::lock_guard lock(doneMutex);
                done.emplace(b->sequence, b);
                while (!done.empty() && done.begin()->first == nextToWrite) {
                    Batch *ready = done.begin()->second;
                    done.erase(done.begin());
                    // After a batch cut short by a cancel nothing more is written: the bits
                    // stay a prefix of the capture.
                    cutShort = cutShort || ready->cut;
                    if (!cutShort)
                        for (const uint8_t hit : ready->hits)
                            bits.put(hit != 0);
                    ++nextToWrite;
                    pipeline.recycle(ready);
                }
            }
            if (part == 0)
                result.cancelled = cancelled;
        };
        std::thread second(work, 1);
        work(0);
        second.join();
    }
    // Whichever thread saw the cancel first, a pass that stopped short because of it says so.
    result.cancelled = result.cancelled || (bits.rows() < count && cancel.load());
    result.rows = bits.rows();
    result.bits = bits.take();
    result.bits.resize((count + 63) / 64, 0);
    return result;
}

} // namespace pl
