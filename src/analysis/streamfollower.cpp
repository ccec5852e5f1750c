#include "streamfollower.h"

#include "capfile/capturefilereader.h"
#include "dissect/address.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace pl {

namespace {

constexpr uint16_t kSyn = 0x002;
constexpr size_t kMaxEarly = 4096; // segments waiting behind a gap, per direction

std::string endpoint(uint8_t version, const uint8_t *addr, uint16_t port)
{
    std::string s;
    if (version == 6) {
        s += '[';
        Address::make(Address::IPv6, addr).appendTo(s);
        s += ']';
    } else {
        Address::make(Address::IPv4, addr).appendTo(s);
    }
    s += ':';
    s += std::to_string(port);
    return s;
}

} // namespace

std::string FollowedStream::filter() const
{
    return std::string(kind == Kind::Tcp ? "tcp" : "udp") + ".stream eq " + std::to_string(index);
}

StreamFollower::StreamFollower(FollowedStream::Kind kind, uint32_t index)
{
    m_stream.kind = kind;
    m_stream.index = index;
    const Registry &reg = Registry::instance();
    const bool tcp = kind == FollowedStream::Kind::Tcp;
    m_streamField = reg.findField(tcp ? "tcp.stream" : "udp.stream");
    m_srcPort = reg.findField(tcp ? "tcp.srcport" : "udp.srcport");
    m_dstPort = reg.findField(tcp ? "tcp.dstport" : "udp.dstport");
    m_seq = tcp ? reg.findField("tcp.seq_raw") : -1;
    m_flags = tcp ? reg.findField("tcp.flags") : -1;
    m_payload = reg.findField(tcp ? "tcp.payload" : "udp.payload");
    m_ipSrc = reg.findField("ip.src");
    m_ipDst = reg.findField("ip.dst");
    m_ip6Src = reg.findField("ipv6.src");
    m_ip6Dst = reg.findField("ipv6.dst");
    m_icmp = reg.findField("icmp");
    m_icmp6 = reg.findField("icmpv6");
    m_resetCause = tcp ? reg.findField("tcp.reset_cause") : -1;
    m_udpLength = tcp ? -1 : reg.findField("udp.length");
    m_tcpLen = tcp ? reg.findField("tcp.len") : -1;
    m_malformed = reg.findField("_ws.malformed");
    m_short = reg.findField("_ws.short");
    m_interest.assign(reg.fieldCount(), 0);
    for (FieldId f :
         {m_streamField, m_srcPort, m_dstPort, m_seq, m_flags, m_payload, m_ipSrc, m_ipDst,
          m_ip6Src, m_ip6Dst, m_icmp, m_icmp6, m_resetCause, m_udpLength, m_malformed, m_short})
        if (f >= 0)
            m_interest[size_t(f)] = 1;
}

void StreamFollower::add(const Dissection &d)
{
    // The collected fields lie flat under the root in dissection order: the addresses and
    // ports of a layer come before its stream index, its sequence number, flags and payload
    // after it. Inside a tunnel or an ICMP error the last addresses before the index are the
    // right ones; a quoted TCP header has no index.
    const FieldTree &t = d.fieldTree();
    const uint8_t *src = nullptr, *dst = nullptr;
    uint8_t version = 0;
    uint16_t sport = 0, dport = 0;
    bool inStream = false, haveSeq = false, haveFlags = false, haveLen = false;
    size_t tcpLen = 0;
    uint32_t seq = 0;
    uint16_t flags = 0;
    const uint8_t *payload = nullptr;
    size_t payloadLen = 0;
    size_t udpLength = SIZE_MAX; // udp.payload runs to the IP payload's end; the data does not
    for (int32_t i = t.node(FieldTree::root()).firstChild; i >= 0; i = t.node(i).next) {
        const FieldNode &n = t.node(i);
        const FieldId f = n.field;
        if (!inStream) {
            if ((f == m_ipSrc || f == m_ip6Src || f == m_ipDst || f == m_ip6Dst) &&
                n.length == (f == m_ipSrc || f == m_ipDst ? 4u : 16u)) {
                const auto bytes = d.sourceBytes(n.source);
                if (n.offset + n.length > bytes.size())
                    continue;
                const uint8_t *p = bytes.data() + n.offset;
                version = f == m_ipSrc || f == m_ipDst ? 4 : 6;
                (f == m_ipSrc || f == m_ip6Src ? src : dst) = p;
            } else if (f == m_udpLength) {
                udpLength = n.value >= 8 ? size_t(n.value - 8) : 0;
            } else if (f == m_srcPort) {
                sport = uint16_t(n.value);
            } else if (f == m_dstPort) {
                dport = uint16_t(n.value);
            } else if (f == m_streamField && n.value == m_stream.index) {
                inStream = true;
            } else if (f == m_icmp || f == m_icmp6) {
                return; // a header quoted by an ICMP error is not the conversation's (tshark)
            }
            continue;
        }
        if (f == m_streamField)
            break; // a second transport layer: not ours
        if ((f == m_malformed || f == m_short) && !payload)
            return; // the header itself is broken: tshark's follow never sees the packet
        if (f == m_tcpLen && !haveLen) {
            tcpLen = size_t(n.value);
            haveLen = true;
        } else if (f == m_seq && !haveSeq) {
            seq = uint32_t(n.value);
            haveSeq = true;
        } else if (f == m_flags && !haveFlags) {
            flags = uint16_t(n.value);
            haveFlags = true;
        } else if ((f == m_payload || f == m_resetCause) && !payload) {
            // A RST's payload is shown as its reason; it is still bytes the peer sent.
            const auto bytes = d.sourceBytes(n.source);
            if (n.offset <= bytes.size()) {
                payload = bytes.data() + n.offset;
                payloadLen = std::min<size_t>(n.length, bytes.size() - n.offset);
            }
        }
    }
    if (!inStream || !src || !dst)
        return;
    payloadLen = std::min(payloadLen, udpLength);
    const uint64_t frame = d.frame().number;
    const size_t addrLen = version == 6 ? 16 : 4;
    if (!m_stream.found) {
        // Who sent the first packet is the client (Wireshark's "Node 0").
        m_stream.found = true;
        m_clientVersion = version;
        std::memcpy(m_clientAddr, src, addrLen);
        m_clientPort = sport;
        m_stream.peers[0] = endpoint(version, src, sport);
        m_stream.peers[1] = endpoint(version, dst, dport);
    }
    const bool fromClient = version == m_clientVersion && sport == m_clientPort &&
                            std::memcmp(src, m_clientAddr, addrLen) == 0;
    const uint8_t peer = fromClient ? 0 : 1;
    m_stream.frames.push_back(frame);
    if (m_stream.kind == FollowedStream::Kind::Tcp)
        addTcp(peer, frame, seq, flags, payload, payloadLen,
               haveLen ? std::max(tcpLen, payloadLen) : payloadLen);
    else if (payloadLen)
        append(peer, frame, payload, payloadLen);
}

void StreamFollower::append(uint8_t peer, uint64_t frame, const uint8_t *p, size_t n, bool missing)
{
    if (m_stream.cut || n == 0)
        return;
    if (m_kept + n > kMaxBytes) {
        m_stream.cut = true;
        return;
    }
    m_kept += n;
    if (!missing)
        m_stream.sent[peer] += n;
    if (!missing && !m_stream.chunks.empty() && m_stream.chunks.back().peer == peer &&
        m_stream.chunks.back().frame == frame && !m_stream.chunks.back().missing) {
        auto &b = m_stream.chunks.back().bytes;
        b.insert(b.end(), p, p + n);
        return;
    }
    m_stream.chunks.push_back({peer, frame, std::vector<uint8_t>(p, p + n), missing});
}

void StreamFollower::follow(uint8_t peer, uint64_t frame, uint32_t seq, const uint8_t *p, size_t n,
                            size_t length)
{
    Direction &dir = m_dir[peer];
    const size_t seen = size_t(-int64_t(int32_t(seq - dir.next))); // already followed
    if (seen >= length)
        return;
    if (seen < n)
        append(peer, frame, p + seen, n - seen);
    if (length > n) {
        // Cut by the snapshot length: tshark writes a note in the bytes' place.
        const size_t lost = length - std::max(n, seen);
        const std::string note = "[" + std::to_string(lost) + " bytes missing in capture file].";
        append(peer, frame, reinterpret_cast<const uint8_t *>(note.data()), note.size(), true);
        m_stream.missing[peer] += lost;
    }
    dir.next = seq + uint32_t(length);
}

void StreamFollower::addTcp(uint8_t peer, uint64_t frame, uint32_t seq, uint16_t flags,
                            const uint8_t *p, size_t n, size_t length)
{
    Direction &dir = m_dir[peer];
    if (flags & kSyn) {
        dir.started = true;
        dir.next = seq + 1;
        seq += 1; // data on a SYN starts after its sequence number
    }
    if (length == 0)
        return;
    if (!dir.started) { // joined mid-stream
        dir.started = true;
        dir.next = seq;
    }
    if (int32_t(seq - dir.next) > 0) { // a gap before it: wait for the gap to fill
        if (dir.early.size() < kMaxEarly && m_kept + n <= kMaxBytes) {
            m_kept += n;
            dir.early.push_back({seq, frame, std::vector<uint8_t>(p, p + n), length});
        } else {
            m_stream.cut = true;
        }
        return;
    }
    follow(peer, frame, seq, p, n, length);
    drain(peer);
}

void StreamFollower::drain(uint8_t peer)
{
    Direction &dir = m_dir[peer];
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < dir.early.size(); ++i) {
            Pending e = std::move(dir.early[i]);
            if (int32_t(e.seq - dir.next) > 0) {
                dir.early[i] = std::move(e);
                continue;
            }
            dir.early.erase(dir.early.begin() + ptrdiff_t(i));
            m_kept -= e.bytes.size();
            follow(peer, e.frame, e.seq, e.bytes.data(), e.bytes.size(), e.length);
            more = true;
            break;
        }
    }
}

void StreamFollower::finish()
{
    // tshark shows nothing past a gap that never filled: the gap is counted, what waited
    // behind it dropped.
    for (uint8_t peer = 0; peer < 2; ++peer) {
        Direction &dir = m_dir[peer];
        uint32_t first = 0;
        bool any = false;
        for (const Pending &e : dir.early)
            if (!any || int32_t(e.seq - dir.next) < int32_t(first - dir.next)) {
                first = e.seq;
                any = true;
            }
        if (any)
            m_stream.missing[peer] += uint32_t(first - dir.next);
        dir.early.clear();
    }
}

bool followStream(const std::string &path, uint64_t count, StreamFollower &follower,
                  const std::atomic<bool> &cancel,
                  const std::function<void(uint64_t done)> &progress, std::string &error,
                  const Preferences &prefs)
{
    CaptureFileReader reader;
    if (!reader.open(path)) {
        error = reader.error();
        return false;
    }
    reader.setZeroCopy(true);
    Session session;
    Dissection d(Dissection::Mode::Summary);
    d.setColumns(false);
    d.setInterest(&follower.interest());
    d.prefs = prefs;
    d.prefs.verifyChecksums = false;
    CapturedPacket p;
    uint64_t done = 0;
    auto last = std::chrono::steady_clock::now();
    while ((count == 0 || done < count) && reader.next(p)) {
        if (cancel.load(std::memory_order_relaxed))
            return false;
        d.dissect(p.frame, &session);
        follower.add(d);
        ++done;
        if (progress && (done & 1023) == 0) {
            const auto now = std::chrono::steady_clock::now();
            if (now - last >= std::chrono::milliseconds(100)) {
                last = now;
                progress(done);
            }
        }
    }
    follower.finish();
    return true;
}

} // namespace pl
