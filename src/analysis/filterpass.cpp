#include "filterpass.h"

#include "capfile/capturefilereader.h"

#include <array>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <span>
#include <thread>

namespace pl {

namespace {

constexpr auto kProgressEvery = std::chrono::milliseconds(100);

} // namespace

uint64_t countBits(const RowBits &bits, uint64_t rows)
{
    uint64_t n = 0;
    const uint64_t full = rows / 64;
    for (uint64_t w = 0; w < full && w < bits.size(); ++w)
        n += uint64_t(std::popcount(bits[w]));
    if (rows % 64 && full < bits.size())
        n += uint64_t(std::popcount(bits[full] & ((uint64_t(1) << (rows % 64)) - 1)));
    return n;
}

namespace {

// Evaluates the filter on frames in capture order and keeps the bits; one per pass.
class Evaluator
{
public:
    Evaluator(const DisplayFilter &filter, uint64_t count)
        : m_filter(filter), m_all(filter.isEmpty())
    {
        m_d.prefs.verifyChecksums = false; // as the store's first pass and rows
        if (!m_all)
            m_d.setInterest(&m_filter.interest());
        m_bits.assign((count + 63) / 64, 0);
    }

    void operator()(const Frame &frame)
    {
        m_d.dissect(frame, &m_session);
        if (m_all || m_filter.matches(m_d))
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
    const DisplayFilter &m_filter;
    const bool m_all;
    Session m_session;
    Dissection m_d{Dissection::Mode::Summary};
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
    bool last = false; ///< the reader stopped after this batch

    void clear()
    {
        frames.clear();
        bytes.clear();
        dataAt.clear();
        name.clear();
        names.clear();
        commentsFrom.clear();
        comments.clear();
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

// Below this many packets one thread does it all: a second would not pay for itself.
constexpr uint64_t kPipelineFrom = 16384;

} // namespace

FilterPassResult filterPass(const std::string &path, bool following, uint64_t count,
                            const DisplayFilter &filter, const std::atomic<bool> &cancel,
                            const std::function<void(uint64_t done)> &progress)
{
    FilterPassResult result;
    CaptureFileReader reader;
    if (count == 0 || !reader.open(path)) {
        result.bits.assign((count + 63) / 64, 0);
        return result;
    }
    reader.setFollowing(following);
    reader.setZeroCopy(true); // each packet is looked at once, before the next read
    Evaluator evaluate(filter, count);
    ProgressClock clock(progress);
    CapturedPacket p;

    if (count < kPipelineFrom) {
        while (evaluate.rows() < count) {
            if ((evaluate.rows() & 1023) == 0) {
                if (cancel.load(std::memory_order_relaxed)) {
                    result.cancelled = true;
                    break;
                }
                clock.tick(evaluate.rows());
            }
            if (!reader.next(p))
                break;
            evaluate(p.frame);
        }
    } else {
        // Reading (system calls, copying from the page cache, parsing records) takes about a
        // third of the time of a summary dissection: on a second thread it overlaps with it.
        std::array<Batch, 4> pool;
        BatchQueue empty, filled;
        for (Batch &b : pool)
            empty.put(&b);
        std::thread readerThread([&] {
            uint64_t read = 0;
            for (;;) {
                Batch *b = empty.take();
                if (!b)
                    return;
                b->clear();
                while (!b->full() && read < count && reader.next(p)) {
                    b->add(p);
                    ++read;
                }
                b->last = read >= count || !b->full() || cancel.load(std::memory_order_relaxed);
                b->seal();
                filled.put(b);
                if (b->last)
                    return;
            }
        });
        for (;;) {
            if (cancel.load(std::memory_order_relaxed)) {
                result.cancelled = true;
                break;
            }
            clock.tick(evaluate.rows());
            Batch *b = filled.take();
            for (const Frame &f : b->frames)
                evaluate(f);
            const bool last = b->last;
            empty.put(b);
            if (last)
                break;
        }
        empty.stop();
        filled.stop();
        readerThread.join();
    }
    result.rows = evaluate.rows();
    result.bits = evaluate.take();
    result.bits.resize((count + 63) / 64, 0);
    return result;
}

} // namespace pl
