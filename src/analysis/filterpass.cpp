#include "filterpass.h"

#include "capfile/capturefilereader.h"

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
// (frame after frame), or batch by batch with a fresh session each (parallel batches; only
// for a filter that reads no cross-frame field, where that gives the same verdicts).
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
    std::vector<uint8_t> hits; ///< the verdicts, by frame (parallel batches)
    uint64_t first = 0;        ///< 0-based row of frames[0]
    uint64_t sequence = 0;     ///< batches are numbered in reading order
    bool last = false;         ///< the reader stopped after this batch

    void clear()
    {
        frames.clear();
        bytes.clear();
        dataAt.clear();
        name.clear();
        names.clear();
        commentsFrom.clear();
        comments.clear();
        hits.clear();
        last = false;
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

    // Points the frames into this batch's own storage, once it is filled.
    void seal()
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

// A reading thread filling batches from a pool, and the batches it filled, in order.
class Pipeline
{
public:
    Pipeline(CaptureFileReader &reader, uint64_t count, const std::atomic<bool> &cancel,
             size_t batches)
        : m_pool(batches), m_cancel(cancel)
    {
        for (Batch &b : m_pool)
            m_empty.put(&b);
        m_thread = std::thread([this, &reader, count] { read(reader, count); });
    }
    ~Pipeline()
    {
        m_empty.stop();
        m_filled.stop();
        m_thread.join();
    }

    /// The next filled batch, or null at the end or when cancelled (`cancelled` set then).
    Batch *next(bool &cancelled)
    {
        if (m_cancel.load(std::memory_order_relaxed)) {
            cancelled = true;
            m_filled.stop();
            return nullptr;
        }
        Batch *b = m_filled.take();
        if (b && b->last)
            m_filled.stop(); // nothing follows: the other consumer, if any, ends too
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
            b->seal();
            m_filled.put(b);
            if (b->last)
                return;
        }
    }

    std::vector<Batch> m_pool;
    BatchQueue m_empty, m_filled;
    const std::atomic<bool> &m_cancel;
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
    } else if (filter.isEmpty() || filter.readsCrossFrameFields() || prefs.tcpReassemble ||
               prefs.ipDefragment || prefs.ipv6Defragment) {
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
        // No field depends on earlier frames: batches are dissected on two threads, each
        // batch with a fresh session, while a third reads. The verdicts are the same
        // (tests/capfile/tst_crossframe.cpp checks every field that is not marked).
        Pipeline pipeline(reader, count, cancel, 6);
        std::mutex doneMutex;
        std::map<uint64_t, Batch *> done; // dissected, waiting for their turn to be written
        uint64_t nextToWrite = 0;
        bool cutShort = false;
        auto work = [&](bool writer) {
            Evaluator evaluate(filter, prefs);
            bool cancelled = false;
            while (Batch *b = pipeline.next(cancelled)) {
                Session session;
                b->hits.resize(b->frames.size());
                for (size_t i = 0; i < b->frames.size(); ++i) {
                    if (cancel.load(std::memory_order_relaxed)) {
                        b->hits.resize(i); // what was not evaluated is not written
                        break;
                    }
                    b->hits[i] = evaluate(b->frames[i], session);
                }
                // Bits are written in reading order, by whichever thread finishes the batch
                // that is next; the other one's finished batches wait in `done`.
                std::lock_guard lock(doneMutex);
                done.emplace(b->sequence, b);
                while (!done.empty() && done.begin()->first == nextToWrite) {
                    Batch *ready = done.begin()->second;
                    done.erase(done.begin());
                    // After a batch cut short by a cancel nothing more is written: the bits
                    // stay a prefix of the capture.
                    if (!cutShort)
                        for (const uint8_t hit : ready->hits)
                            bits.put(hit != 0);
                    cutShort = cutShort || ready->hits.size() < ready->frames.size();
                    ++nextToWrite;
                    pipeline.recycle(ready);
                }
                if (writer)
                    clock.tick(bits.rows());
            }
            if (writer)
                result.cancelled = cancelled;
        };
        std::thread second(work, false);
        work(true);
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
