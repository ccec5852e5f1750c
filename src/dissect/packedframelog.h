#pragma once

// A FrameLog (session.h) that keeps its records packed: variable-length integers in blocks of
// bytes, with a sparse index for finding a frame's records. The logs that hold a record for
// nearly every frame (TCP's analysis, TLS's conversation state) would otherwise cost the store
// tens of bytes a packet.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace pl {

/// Writes a record's values: unsigned and signed (zigzag) integers in LEB128, 7 bits a byte
/// (10 bytes at most a number).
class PackWriter
{
public:
    explicit PackWriter(uint8_t *out) : m_begin(out), m_p(out) {}
    void u(uint64_t v)
    {
        while (v >= 0x80) {
            *m_p++ = uint8_t(v) | 0x80;
            v >>= 7;
        }
        *m_p++ = uint8_t(v);
    }
    void s(int64_t v) { u((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
    size_t size() const { return size_t(m_p - m_begin); }

private:
    uint8_t *m_begin;
    uint8_t *m_p;
};

/// Reads what a PackWriter wrote (the log only reads its own records back).
class PackReader
{
public:
    explicit PackReader(const uint8_t *in) : m_p(in) {}
    uint64_t u()
    {
        uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            const uint8_t b = *m_p++;
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80) || shift >= 63)
                return v;
        }
    }
    int64_t s()
    {
        const uint64_t v = u();
        return int64_t(v >> 1) ^ -int64_t(v & 1);
    }
    const uint8_t *position() const { return m_p; }

private:
    const uint8_t *m_p;
};

/// FrameLog's interface over packed records. `Codec` has
///   static constexpr size_t kMaxBytes   the most put() writes (10 a number at most), at most
///       kMaxRecord;
///   static void put(PackWriter &, uint64_t frame, const T &)   (frame numbers in a record
///       are best written as distances from `frame`), and
///   static T get(PackReader &, uint64_t frame).
/// Records are appended in frame order; a frame may hold several, found again in order.
template <class T, class Codec> class PackedFrameLog
{
public:
    static constexpr size_t kMaxRecord = 128;
    static_assert(Codec::kMaxBytes <= kMaxRecord, "a record must fit record()'s buffer");

    void record(uint64_t frame, const T &value)
    {
        uint8_t buf[kMaxRecord];
        // A group's first record has its frame in the group's mark; the others a delta.
        uint8_t delta[10];
        PackWriter dw(delta);
        dw.u(frame - m_lastFrame);
        PackWriter w(buf);
        Codec::put(w, frame, value);
        const bool newBlock = m_blocks.empty() || m_used + dw.size() + w.size() > kBlock;
        if (newBlock) {
            m_blocks.push_back(std::make_unique<uint8_t[]>(kBlock));
            m_used = 0;
        }
        uint8_t *out = m_blocks.back().get() + m_used;
        const uint64_t at = uint64_t(m_blocks.size() - 1) * kBlock + m_used;
        // Records of a group lie one after the other in one block.
        if (newBlock || m_count - m_marks.back().index == kMarkEvery) {
            m_marks.push_back({frame, at, m_count});
        } else {
            std::memcpy(out, delta, dw.size());
            out += dw.size();
            m_used += dw.size();
        }
        std::memcpy(out, buf, w.size());
        m_used += w.size();
        m_lastFrame = frame;
        ++m_count;
    }

    /// On a revisit: the next record of `frame` (the first, then the second ... as the
    /// dissection meets the protocol again in that frame), or null. `serial` is
    /// Session::serial(): a new dissection starts again at the first record.
    const T *next(uint64_t frame, uint64_t serial)
    {
        if (frame != m_cursorFrame || serial != m_cursorSerial) {
            m_cursorFrame = frame;
            m_cursorSerial = serial;
            // From the group before the first mark at or past `frame`: a frame's records may
            // begin there.
            const auto it = std::lower_bound(m_marks.begin(), m_marks.end(), frame,
                                             [](const Mark &m, uint64_t f) { return m.frame < f; });
            m_group = it == m_marks.begin() ? 0 : size_t(it - m_marks.begin()) - 1;
            m_index = m_marks.empty() ? 0 : m_marks[m_group].index;
            while (step()) {
                if (m_frame == frame)
                    return &m_value;
                if (m_frame > frame)
                    break;
            }
            m_index = m_count; // nothing more for this frame
            return nullptr;
        }
        return step() && m_frame == frame ? &m_value : nullptr;
    }

private:
    static constexpr size_t kBlock = 64 * 1024;
    static constexpr uint64_t kMarkEvery = 16;
    struct Mark
    {
        uint64_t frame;
        uint64_t at;    // byte position: block * kBlock + offset
        uint64_t index; // the record's number
    };

    /// Decodes the record at m_index into m_frame/m_value and moves on; false past the end.
    bool step()
    {
        if (m_index >= m_count)
            return false;
        const bool mark = m_group < m_marks.size() && m_marks[m_group].index == m_index;
        const bool nextMark = m_group + 1 < m_marks.size() && m_marks[m_group + 1].index == m_index;
        if (nextMark)
            ++m_group;
        if (mark || nextMark) {
            m_at = m_marks[m_group].at;
            m_frame = m_marks[m_group].frame;
        }
        const uint8_t *p = m_blocks[m_at / kBlock].get() + m_at % kBlock;
        PackReader r(p);
        if (!(mark || nextMark))
            m_frame += r.u();
        m_value = Codec::get(r, m_frame);
        m_at += uint64_t(r.position() - p);
        ++m_index;
        return true;
    }

    std::vector<std::unique_ptr<uint8_t[]>> m_blocks;
    size_t m_used = 0;
    std::vector<Mark> m_marks; // a record's frame and place, every kMarkEvery and each block
    uint64_t m_count = 0;
    uint64_t m_lastFrame = 0;
    // The revisit cursor.
    uint64_t m_cursorFrame = 0;
    uint64_t m_cursorSerial = 0;
    size_t m_group = 0;
    uint64_t m_index = 0;
    uint64_t m_at = 0;
    uint64_t m_frame = 0;
    T m_value{};
};

} // namespace pl

namespace pl {

/// A FrameLog for a conversation's state as each of its frames saw it: the state changes a
/// few times a conversation, so each version is kept once and a frame's record (packed, 2 or 3
/// bytes) names its version, with `ExtraBits` bits of its own (a direction). T needs ==.
template <class T, unsigned ExtraBits = 0> class VersionedFrameLog
{
public:
    void record(uint64_t frame, uint32_t conversation, const T &value, uint32_t extra = 0)
    {
        if (m_latest.size() <= conversation)
            m_latest.resize(size_t(conversation) + 1, kNone);
        uint32_t &latest = m_latest[conversation];
        if (latest == kNone || !(m_versions[latest] == value)) {
            latest = uint32_t(m_versions.size());
            m_versions.push_back(value);
        }
        m_log.record(frame, uint64_t(latest) << ExtraBits | (extra & kExtraMask));
    }

    /// As FrameLog::next; `extra` (optional) receives the record's extra bits.
    const T *next(uint64_t frame, uint64_t serial, uint32_t *extra = nullptr)
    {
        const uint64_t *entry = m_log.next(frame, serial);
        if (!entry || (*entry >> ExtraBits) >= m_versions.size())
            return nullptr;
        if (extra)
            *extra = uint32_t(*entry & kExtraMask);
        return &m_versions[size_t(*entry >> ExtraBits)];
    }

private:
    static constexpr uint32_t kNone = ~uint32_t(0);
    static constexpr uint64_t kExtraMask = (uint64_t(1) << ExtraBits) - 1;
    struct Codec
    {
        static constexpr size_t kMaxBytes = 10;
        static void put(PackWriter &w, uint64_t, uint64_t v) { w.u(v); }
        static uint64_t get(PackReader &r, uint64_t) { return r.u(); }
    };
    PackedFrameLog<uint64_t, Codec> m_log;
    std::vector<T> m_versions;      // stable: records refer to them by index
    std::vector<uint32_t> m_latest; // by conversation: its latest version
};

} // namespace pl
