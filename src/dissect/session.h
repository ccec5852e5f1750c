#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace pl {

/// State that lives across the frames of one capture (TCP conversations for relative
/// sequence numbers, later reassembly). Each protocol keeps its own type here, created on
/// first use, so the session knows nothing about protocols.
///
/// Frames must be dissected in capture order the first time for the state to be right.
/// Dissecting a frame again later (a click in the packet list) is a *revisit*: with
/// setRemembersFrames(true), protocols log what they decided in the first pass (FrameLog) and
/// say exactly the same again, whatever the order of the revisits.
class Session
{
public:
    /// Keep per-frame first-pass results for revisits (costs a few bytes a packet; the
    /// CLI's single pass leaves it off).
    void setRemembersFrames(bool on) { m_remembersFrames = on; }
    bool remembersFrames() const { return m_remembersFrames; }
    /// Reads frame `number`'s captured bytes again (from the capture file), or returns false.
    using FrameReader = std::function<bool(uint64_t number, std::vector<uint8_t> &bytes)>;
    /// With a frame reader, a revisit gathers a reassembled message again from its segments'
    /// frames, so the session need not keep the messages' bytes (the store gives its file).
    /// Called during a dissection: it must not disturb the frame being dissected.
    void setFrameReader(FrameReader reader) { m_frameReader = std::move(reader); }
    const FrameReader &frameReader() const { return m_frameReader; }
    /// The highest frame number dissected so far: frames up to it are revisits.
    uint64_t framesSeen() const { return m_framesSeen; }
    void frameDone(uint64_t number) { m_framesSeen = std::max(m_framesSeen, number); }
    /// Counts dissections: tells a FrameLog that a new one of the same frame has begun.
    uint64_t serial() const { return m_serial; }
    void nextSerial() { ++m_serial; }

    template <class T> T &state()
    {
        const size_t k = key<T>();
        if (m_states.size() <= k)
            m_states.resize(k + 1);
        if (!m_states[k])
            m_states[k] = Holder(new T, Deleter{[](void *p) { delete static_cast<T *>(p); }});
        return *static_cast<T *>(m_states[k].get());
    }

    void clear()
    {
        m_states.clear();
        m_framesSeen = 0;
    }

private:
    struct Deleter
    {
        void (*destroy)(void *) = nullptr;
        void operator()(void *p) const { destroy(p); }
    };
    using Holder = std::unique_ptr<void, Deleter>;
    static size_t nextKey();
    template <class T> static size_t key()
    {
        static const size_t k = nextKey();
        return k;
    }
    std::vector<Holder> m_states;
    FrameReader m_frameReader;
    uint64_t m_framesSeen = 0;
    uint64_t m_serial = 0;
    bool m_remembersFrames = false;
};

/// What one protocol decided about each frame in the first pass, kept to say the same on a
/// revisit. Records are appended in frame order; a frame may hold several (a tunnel carrying
/// two TCP headers), found again in the same order.
template <class T> class FrameLog
{
public:
    void record(uint64_t frame, const T &value) { m_entries.push_back({frame, value}); }

    /// On a revisit: the next record of `frame` (the first one, then the second ... as the
    /// dissection meets the protocol again in that frame), or null. `serial` is
    /// Session::serial(): a new dissection starts again at the first record.
    const T *next(uint64_t frame, uint64_t serial)
    {
        if (frame != m_cursorFrame || serial != m_cursorSerial) {
            m_cursorFrame = frame;
            m_cursorSerial = serial;
            m_cursor =
                size_t(std::lower_bound(m_entries.begin(), m_entries.end(), frame,
                                        [](const Entry &e, uint64_t f) { return e.frame < f; }) -
                       m_entries.begin());
        } else {
            ++m_cursor;
        }
        return m_cursor < m_entries.size() && m_entries[m_cursor].frame == frame
                   ? &m_entries[m_cursor].value
                   : nullptr;
    }

private:
    struct Entry
    {
        uint64_t frame;
        T value;
    };
    std::vector<Entry> m_entries;
    uint64_t m_cursorFrame = 0;
    uint64_t m_cursorSerial = 0;
    size_t m_cursor = 0;
};

} // namespace pl
