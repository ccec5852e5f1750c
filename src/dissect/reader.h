#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pl {

/// Thrown by Reader when a read runs past the bytes a layer owns.
///
/// Two cases differ, as in Wireshark: the bytes exist on the wire but the capture stopped
/// before them (truncated, "Packet size limited during capture"), or a length field claims
/// bytes that the packet does not contain at all (malformed).
struct BoundsError
{
    enum class Kind : uint8_t { Truncated, Malformed };
    Kind kind;
    size_t frameOffset; ///< where in the frame the failed read started
};

/// Bounds-checked, big-endian-by-default view over a window of a frame.
///
/// A Reader knows two lengths: `captured()` bytes really present and `reported()` bytes that
/// the enclosing headers say belong to this layer (reported >= captured). Every accessor
/// checks both and throws BoundsError; nothing reads outside `[0, captured())`.
class Reader
{
public:
    Reader() = default;
    /// A reader over a whole frame of `captured` bytes that was `reported` bytes on the wire.
    Reader(const uint8_t *frame, size_t captured, size_t reported)
        : m_frame(frame), m_begin(0), m_captured(captured),
          m_reported(reported < captured ? captured : reported)
    {
    }

    const uint8_t *frame() const { return m_frame; }
    /// Offset of this reader's first byte in the frame.
    size_t offset() const { return m_begin; }
    size_t captured() const { return m_captured; }
    size_t reported() const { return m_reported; }
    /// Frame offset of byte `at` in this reader.
    size_t frameOffset(size_t at) const { return m_begin + at; }

    bool has(size_t at, size_t len) const { return at <= m_captured && len <= m_captured - at; }
    /// Bytes present from `at` to the captured end (0 when `at` is past it).
    size_t capturedFrom(size_t at) const { return at < m_captured ? m_captured - at : 0; }
    size_t reportedFrom(size_t at) const { return at < m_reported ? m_reported - at : 0; }

    /// Throws unless `[at, at+len)` is captured.
    void require(size_t at, size_t len) const
    {
        if (!has(at, len))
            fail(at, len);
    }

    const uint8_t *ptr(size_t at, size_t len) const
    {
        require(at, len);
        return m_frame + m_begin + at;
    }

    uint8_t u8(size_t at) const { return *ptr(at, 1); }
    uint16_t u16(size_t at) const
    {
        const uint8_t *p = ptr(at, 2);
        return uint16_t(p[0] << 8 | p[1]);
    }
    uint32_t u24(size_t at) const
    {
        const uint8_t *p = ptr(at, 3);
        return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
    }
    uint32_t u32(size_t at) const
    {
        const uint8_t *p = ptr(at, 4);
        return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
    }
    uint64_t u64(size_t at) const { return uint64_t(u32(at)) << 32 | u32(at + 4); }
    uint16_t u16le(size_t at) const
    {
        const uint8_t *p = ptr(at, 2);
        return uint16_t(p[1] << 8 | p[0]);
    }
    uint32_t u32le(size_t at) const
    {
        const uint8_t *p = ptr(at, 4);
        return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
    }
    /// Big-endian unsigned integer of 1..8 bytes.
    uint64_t uint(size_t at, size_t len) const
    {
        const uint8_t *p = ptr(at, len);
        uint64_t v = 0;
        for (size_t i = 0; i < len && i < 8; ++i)
            v = v << 8 | p[i];
        return v;
    }

    /// The rest of this reader from `at`. `at` may equal reported() (an empty layer) but not
    /// exceed it.
    Reader sub(size_t at) const { return sub(at, reportedFrom(at)); }

    /// A child layer of `len` reported bytes at `at`. A length that runs past this reader's
    /// reported end is clipped to it: the caller decides whether that is a lie to flag.
    Reader sub(size_t at, size_t len) const
    {
        if (at > m_reported)
            fail(at, 0);
        Reader r;
        r.m_frame = m_frame;
        r.m_begin = m_begin + at;
        r.m_reported = len < m_reported - at ? len : m_reported - at;
        const size_t cap = capturedFrom(at);
        r.m_captured = cap < r.m_reported ? cap : r.m_reported;
        return r;
    }

    // Cold and out of line: every accessor inlines require(), and with the throw inlined too
    // the compiler stops inlining the accessors into the per-packet paths.
    [[noreturn, gnu::cold, gnu::noinline]] void fail(size_t at, size_t len) const
    {
        const bool withinReported = at <= m_reported && len <= m_reported - at;
        throw BoundsError{withinReported ? BoundsError::Kind::Truncated
                                         : BoundsError::Kind::Malformed,
                          m_begin + at};
    }

private:
    const uint8_t *m_frame = nullptr;
    size_t m_begin = 0;
    size_t m_captured = 0;
    size_t m_reported = 0;
};

} // namespace pl
