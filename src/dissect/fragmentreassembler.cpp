#include "fragmentreassembler.h"

#include "dissection.h"
#include "textformat.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace pl {

namespace {

// What a kept fragment costs besides its bytes (the vector, its info, the allocation), so
// that a flood of tiny fragments meets the byte budget too.
constexpr size_t kFragmentOverhead = 64;
constexpr size_t kDatagramOverhead = 128;

} // namespace

FragmentKey FragmentKey::ipv4(const uint8_t *src, const uint8_t *dst, uint16_t id, uint8_t proto)
{
    FragmentKey k;
    k.bytes[0] = 4;
    k.bytes[1] = proto;
    k.bytes[2] = uint8_t(id >> 8);
    k.bytes[3] = uint8_t(id);
    std::memcpy(&k.bytes[8], src, 4);
    std::memcpy(&k.bytes[24], dst, 4);
    return k;
}

FragmentKey FragmentKey::ipv6(const uint8_t *src, const uint8_t *dst, uint32_t id)
{
    FragmentKey k;
    k.bytes[0] = 6;
    k.bytes[2] = uint8_t(id >> 24);
    k.bytes[3] = uint8_t(id >> 16);
    k.bytes[4] = uint8_t(id >> 8);
    k.bytes[5] = uint8_t(id);
    std::memcpy(&k.bytes[8], src, 16);
    std::memcpy(&k.bytes[24], dst, 16);
    return k;
}

size_t FragmentKeyHash::operator()(const FragmentKey &k) const
{
    return std::hash<std::string_view>()(
        std::string_view(reinterpret_cast<const char *>(k.bytes.data()), k.bytes.size()));
}

FragmentReassembler::Outcome FragmentReassembler::add(const FragmentKey &key, uint64_t frame,
                                                      int64_t tsSec, bool hasTime, uint32_t offset,
                                                      std::span<const uint8_t> data, bool more,
                                                      bool keep)
{
    const uint64_t fragEnd = uint64_t(offset) + data.size();
    if (fragEnd > m_limits.maxDatagramLength)
        return Outcome::TooLong;

    auto it = m_pending.find(key);
    if (it != m_pending.end() && hasTime && it->second.hasTime) {
        // A datagram not completed within the timeout is given up (RFC 8200 4.5, RFC 791's
        // timer): a later fragment with the same id starts a new one.
        const int64_t age = tsSec - it->second.firstTs;
        if (age > m_limits.timeoutSec || age < -m_limits.timeoutSec) {
            drop(it);
            it = m_pending.end();
        }
    }
    if (it == m_pending.end()) {
        Pending p;
        p.seq = ++m_seq;
        p.firstTs = tsSec;
        p.hasTime = hasTime;
        p.bytes = kDatagramOverhead;
        m_bytes += kDatagramOverhead;
        m_age.emplace(p.seq, key);
        it = m_pending.emplace(key, std::move(p)).first;
    }
    Pending &p = it->second;

    Fragment fr;
    fr.info = {frame, offset, uint32_t(data.size()), 0};
    if (!more) {
        // The tail: it gives the datagram's end; another tail with another end is suspicious.
        if (p.endKnown) {
            if (p.end != fragEnd) {
                fr.info.flags |= FragMultipleTails;
                p.flags |= FragMultipleTails;
            }
        } else {
            p.endKnown = true;
            p.end = uint32_t(fragEnd);
        }
    }
    fr.data.assign(data.begin(), data.end());
    // Sorted by offset, a new fragment after those with the same offset (Wireshark's order).
    const auto pos =
        std::upper_bound(p.fragments.begin(), p.fragments.end(), offset,
                         [](uint32_t o, const Fragment &f) { return o < f.info.offset; });
    const size_t index = size_t(pos - p.fragments.begin());
    p.fragments.insert(pos, std::move(fr));
    const size_t cost = data.size() + kFragmentOverhead;
    p.bytes += cost;
    m_bytes += cost;

    enforceLimits();
    it = m_pending.find(key);
    if (it == m_pending.end()) // the budget took this datagram itself
        return Outcome::Pending;
    Pending &q = it->second;
    if (!q.endKnown)
        return Outcome::Pending;
    // Contiguous bytes from 0: the list is sorted, so one scan.
    uint64_t max = 0;
    for (const Fragment &f : q.fragments) {
        const uint64_t e = uint64_t(f.info.offset) + f.info.length;
        if (f.info.offset <= max && e > max)
            max = e;
    }
    if (max < q.end)
        return Outcome::Pending;
    if (max > q.end) {
        // Wireshark blames the fragment that completed the datagram.
        q.fragments[index].info.flags |= FragTooLong;
        q.flags |= FragTooLong;
    }
    defragment(key, q, frame);
    drop(it);
    if (keep)
        keepCompleted();
    return Outcome::Complete;
}

void FragmentReassembler::defragment(const FragmentKey &key, Pending &p, uint64_t frame)
{
    ReassembledDatagram &dg = m_last;
    dg.key = key;
    dg.reassembledIn = frame;
    dg.length = p.end;
    dg.bytes.assign(p.end, 0);
    dg.fragments.clear();
    const size_t datalen = p.end;
    size_t dfpos = 0;
    for (Fragment &f : p.fragments) {
        FragmentInfo &fi = f.info;
        const size_t off = fi.offset, len = fi.length, end = off + len;
        if (len > 0) {
            if (end > dfpos) {
                if (off >= datalen) {
                    fi.flags |= FragTooLong; // starts past the end a tail gave
                } else if (off <= dfpos) {   // contiguous: guaranteed below datalen
                    size_t fraglen = len;
                    if (off + fraglen > datalen) {
                        fi.flags |= FragTooLong;
                        fraglen = datalen - off;
                    }
                    size_t overlap = dfpos - off;
                    if (overlap > 0) {
                        if (overlap > fraglen)
                            overlap = fraglen;
                        fi.flags |= FragOverlap;
                        if (std::memcmp(dg.bytes.data() + off, f.data.data(), overlap) != 0)
                            fi.flags |= FragOverlapConflict;
                    }
                    if (fraglen > overlap)
                        std::memcpy(dg.bytes.data() + off + overlap, f.data.data() + overlap,
                                    fraglen - overlap);
                }
            } else {
                // Entirely within bytes already placed: a duplicate, or a conflicting one.
                fi.flags |= FragOverlap;
                const size_t cmp = off < datalen ? std::min(len, datalen - off) : 0;
                if (cmp && std::memcmp(dg.bytes.data() + off, f.data.data(), cmp) != 0)
                    fi.flags |= FragOverlapConflict;
            }
        }
        dfpos = std::max(dfpos, end);
        p.flags |= fi.flags;
        dg.fragments.push_back(fi);
    }
    dg.flags = p.flags;
}

void FragmentReassembler::drop(
    std::unordered_map<FragmentKey, Pending, FragmentKeyHash>::iterator it)
{
    m_bytes -= it->second.bytes;
    m_age.erase(it->second.seq);
    m_pending.erase(it);
}

void FragmentReassembler::enforceLimits()
{
    while ((m_pending.size() > m_limits.maxDatagrams || m_bytes > m_limits.maxBytes) &&
           !m_age.empty()) {
        const auto oldest = m_pending.find(m_age.begin()->second);
        if (oldest == m_pending.end()) { // cannot happen; keep the loop finite anyway
            m_age.erase(m_age.begin());
            continue;
        }
        drop(oldest);
    }
}

void FragmentReassembler::keepCompleted()
{
    const auto idx = uint32_t(m_completed.size());
    m_completed.push_back(m_last);
    for (const FragmentInfo &f : m_last.fragments)
        m_byFrame.emplace(f.frame, idx);
    m_completedBytes += m_last.bytes.size();
    // The oldest reassembled bytes go first; the record stays, so the other fragments still
    // say where their datagram was reassembled.
    while (m_completedBytes > m_limits.maxCompletedBytes &&
           m_oldestWithBytes < m_completed.size()) {
        std::vector<uint8_t> &b = m_completed[m_oldestWithBytes++].bytes;
        m_completedBytes -= b.size();
        std::vector<uint8_t>().swap(b);
    }
}

const ReassembledDatagram *FragmentReassembler::lookup(uint64_t frame, const FragmentKey &key) const
{
    const auto [first, last] = m_byFrame.equal_range(frame);
    for (auto i = first; i != last; ++i) {
        const ReassembledDatagram &dg = m_completed[i->second];
        if (dg.key == key)
            return &dg;
    }
    return nullptr;
}

namespace {

void appendBytesCount(std::string &s, size_t n)
{
    text::appendUInt(s, n);
    s += n == 1 ? " byte" : " bytes";
}

} // namespace

void addFragmentTree(Dissection &d, Item parent, const FragmentFields &f,
                     const ReassembledDatagram &dg, int source, std::string_view what)
{
    Dissection::SourceScope scope(d, source);
    const Reader rr = d.sourceReader(size_t(source));
    const size_t total = rr.captured();
    Item tree = d.addBytes(parent, f.fragments, rr, 0, total);
    if (tree) {
        d.flag(tree, Generated);
        std::string label;
        const size_t count = dg.fragments.size();
        text::appendUInt(label, count);
        label += ' ';
        label += what;
        label += count == 1 ? " Fragment (" : " Fragments (";
        appendBytesCount(label, total);
        label += "): ";
        for (size_t i = 0; i < count; ++i) {
            if (i)
                label += ", ";
            label += '#';
            text::appendUInt(label, dg.fragments[i].frame);
            label += '(';
            text::appendUInt(label, dg.fragments[i].length);
            label += ')';
        }
        d.setText(tree, std::move(label));
    }
    constexpr uint8_t kErrors = FragOverlapConflict | FragMultipleTails | FragTooLong;
    for (const FragmentInfo &fi : dg.fragments) {
        // The item covers the fragment's bytes in the reassembled data (clipped to it: a too
        // long fragment runs past the end).
        const size_t at = std::min<size_t>(fi.offset, total);
        const size_t len = std::min<size_t>(fi.length, total - at);
        Item it =
            d.addValue(tree, (fi.flags & kErrors) ? f.error : f.fragment, rr, at, len, fi.frame);
        if (it) {
            d.flag(it, Generated);
            std::string label = "Frame: ";
            text::appendUInt(label, fi.frame);
            if (fi.length == 0) {
                label += " (no data)";
            } else {
                label += ", payload: ";
                text::appendUInt(label, fi.offset);
                label += '-';
                text::appendUInt(label, uint64_t(fi.offset) + fi.length - 1);
                label += " (";
                appendBytesCount(label, fi.length);
                label += ')';
            }
            d.setText(it, std::move(label));
        }
        const struct
        {
            uint8_t flag;
            FieldId field;
            std::string_view label;
        } marks[] = {
            {FragOverlap, f.overlap, "Fragment overlap: True"},
            {FragOverlapConflict, f.overlapConflict, "Conflicting data in fragment overlap: True"},
            {FragMultipleTails, f.multipleTails, "Multiple tail fragments found: True"},
            {FragTooLong, f.tooLong, "Fragment too long: True"},
        };
        for (const auto &m : marks) {
            if (!(fi.flags & m.flag))
                continue;
            Item b = d.addGenerated(it, m.field, 1);
            if (b)
                d.setText(b, std::string(m.label));
        }
    }
    d.addGenerated(tree, f.count, dg.fragments.size());
    Item len = d.addGenerated(tree, f.length, total);
    if (len) {
        std::string label = "Reassembled ";
        label += what;
        label += " length: ";
        text::appendUInt(label, total);
        d.setText(len, std::move(label));
    }
    d.flag(d.addBytes(tree, f.data, rr, 0, total), Generated);
}

} // namespace pl
