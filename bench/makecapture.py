#!/usr/bin/env python3
"""Write a large, realistic pcap file for PacketLens's file-reading benchmark.

The capture looks like a client LAN seen at its uplink: TCP conversations (HTTP on port 80,
TLS application data on 443) with full handshakes, options, timestamps, delayed ACKs and FIN
teardown; DNS over UDP in real wire format (compressed names, CNAME chains, NODATA/NXDOMAIN with
SOA, EDNS OPT); NTP; an RTP-like UDP media stream; ICMP and ICMPv6 echo; ARP who-has/reply;
ICMPv6 neighbor solicitation/advertisement; a few 802.1Q-tagged conversations. About a quarter
of the packets are IPv6. Lengths and checksums (IPv4, TCP, UDP, ICMP, ICMPv6) are correct and
frames are 60..1514 bytes. Timestamps increase strictly.

Output: pcap, little-endian, microsecond resolution, LINKTYPE_ETHERNET. The randomness is
seeded, so the same --seed and --packets give the same file byte for byte.

Speed: payloads are built once with their checksum partial sums; per packet only the headers are
packed and their sums added, and records go through one buffered file (1M packets in ~8 s).
Conversations run concurrently and are interleaved by an event queue ordered by time.

Standard library only.  Usage: makecapture.py [--packets N] [--out PATH] [--seed S]
"""

import argparse
import heapq
import math
import random
import struct
import sys
import time

# ---------------------------------------------------------------------------------------------
# Checksums (RFC 1071): partial sums are plain ints, folded once per packet.


def words_sum(data):
    """Sum of the big-endian 16-bit words of data (odd length padded with a zero byte)."""
    n = len(data)
    s = sum(struct.unpack_from("!%dH" % (n // 2), data)) if n >= 2 else 0
    if n & 1:
        s += data[-1] << 8
    return s


def fold(s):
    """One's-complement checksum from a partial sum (< 2**32)."""
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


# ---------------------------------------------------------------------------------------------
# Wire structures

PCAP_GLOBAL = struct.Struct("<IHHiIII")
PCAP_RECORD = struct.Struct("<IIII")
IP4 = struct.Struct("!BBHHHBBH4s4s")
IP6 = struct.Struct("!IHBB16s16s")
TCP = struct.Struct("!HHIIHHHH")
UDP = struct.Struct("!HHHH")
TS_OPT = struct.Struct("!HHII")  # NOP NOP, kind 8 len 10, TSval, TSecr
SYN_OPTS = struct.Struct("!BBHBBBBIIBBBB")  # MSS, SACK_PERM, TS, NOP, WS (Linux order)
DNS_HDR = struct.Struct("!HHHHHH")

ETH_IP4, ETH_IP6, ETH_ARP, ETH_VLAN = 0x0800, 0x86DD, 0x0806, 0x8100
PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_ICMP6 = 1, 6, 17, 58
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
MIN_FRAME = 60  # Ethernet minimum without FCS; shorter frames get zero padding
ETH_MTU = 1500

BROADCAST = b"\xff" * 6
ZERO_MAC = b"\x00" * 6


class Host:
    """An endpoint: MAC (or the gateway's MAC for remote hosts), IPv4 and IPv6 addresses."""

    def __init__(self, mac, ip4, ip6, ll6=None, ttl=64):
        self.mac = mac
        self.ip4 = ip4
        self.ip6 = ip6
        self.ll6 = ll6
        self.ttl = ttl  # TTL/hop limit as seen at the capture point


class Path:
    """One direction between two hosts over IPv4 or IPv6, with everything that is constant for
    the packets that go that way precomputed: Ethernet header, IP header partial sum and the
    transport pseudo-header partial sum."""

    def __init__(self, rng, src_mac, dst_mac, src, dst, v6, ttl, vlan=None):
        self.v6 = v6
        self.src = src
        self.dst = dst
        self.ttl = ttl
        etype = ETH_IP6 if v6 else ETH_IP4
        if vlan is None:
            self.eth = dst_mac + src_mac + struct.pack("!H", etype)
        else:
            self.eth = dst_mac + src_mac + struct.pack("!HHH", ETH_VLAN, vlan, etype)
        self.addr_sum = words_sum(src) + words_sum(dst)
        if v6:
            self.flow = rng.getrandbits(20)
        else:
            self.ident = rng.getrandbits(16)
            # version/IHL/TOS word, flags (DF) and the addresses; TTL/proto are added per packet
            self.ip_sum = 0x4500 + 0x4000 + self.addr_sum

    def ip(self, proto, l4len, ttl=None):
        """IP header for an upper-layer payload of l4len bytes."""
        ttl = self.ttl if ttl is None else ttl
        if self.v6:
            return IP6.pack(0x60000000 | self.flow, l4len, proto, ttl, self.src, self.dst)
        ident = self.ident
        self.ident = (ident + 1) & 0xFFFF
        total = 20 + l4len
        csum = fold(self.ip_sum + total + ident + ((ttl << 8) | proto))
        return IP4.pack(0x45, 0, total, ident, 0x4000, ttl, proto, csum, self.src, self.dst)

    def pseudo(self, proto, l4len):
        """Partial sum of the transport pseudo-header (RFC 793 / RFC 8200 8.1)."""
        return self.addr_sum + proto + l4len


# ---------------------------------------------------------------------------------------------
# DNS wire format (RFC 1035) with name compression


class DnsWriter:
    def __init__(self, ident, flags):
        self.buf = bytearray(12)
        self.ident = ident
        self.flags = flags
        self.counts = [0, 0, 0, 0]
        self.offsets = {}

    def name(self, name):
        if not name:  # the root
            self.buf.append(0)
            return
        labels = name.split(".")
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            off = self.offsets.get(suffix)
            if off is not None:
                self.buf += struct.pack("!H", 0xC000 | off)
                return
            if len(self.buf) < 0x3FFF:
                self.offsets[suffix] = len(self.buf)
            lab = labels[i].encode("ascii")
            self.buf.append(len(lab))
            self.buf += lab
        self.buf.append(0)

    def question(self, name, qtype):
        self.name(name)
        self.buf += struct.pack("!HH", qtype, 1)
        self.counts[0] += 1

    def rr(self, section, name, rtype, ttl, rdata_writer):
        self.name(name)
        self.buf += struct.pack("!HHIH", rtype, 1, ttl, 0)
        start = len(self.buf)
        rdata_writer(self)
        struct.pack_into("!H", self.buf, start - 2, len(self.buf) - start)
        self.counts[section] += 1

    def opt(self, udp_size=1232):
        self.buf += struct.pack("!BHHIH", 0, 41, udp_size, 0, 0)
        self.counts[3] += 1

    def bytes(self):
        DNS_HDR.pack_into(self.buf, 0, self.ident, self.flags, *self.counts)
        return bytes(self.buf)


T_A, T_CNAME, T_SOA, T_MX, T_TXT, T_AAAA = 1, 5, 6, 15, 16, 28


def rd_raw(data):
    return lambda w: w.buf.extend(data)


def rd_name(name):
    return lambda w: w.name(name)


def rd_mx(pref, name):
    def f(w):
        w.buf += struct.pack("!H", pref)
        w.name(name)

    return f


def rd_soa(mname, rname, serial):
    def f(w):
        w.name(mname)
        w.name(rname)
        w.buf += struct.pack("!IIIII", serial, 7200, 3600, 1209600, 300)

    return f


# ---------------------------------------------------------------------------------------------
# The simulated network

PREFIXES = ["www", "api", "cdn", "static", "img", "mail", "login", "docs", "news", "download",
            "media", "assets", "m", "app", "update"]
DOMAINS = ["example", "wikipedia", "openstreetmap", "debian", "kernel", "python", "mozilla",
           "gnu", "apache", "wireshark", "tcpdump", "videolan", "gimp", "kde", "gnome", "xiph",
           "libreoffice", "postgresql", "sqlite", "rust-lang", "golang", "nodejs", "qt",
           "ietf", "iana", "w3", "archive", "fsf", "eff", "letsencrypt"]
TLDS = ["com", "org", "net", "io", "de", "co.uk", "fr", "nl"]
CDNS = ["edge.cdnprovider.net", "global.fastcache.com", "a.edgenode.org"]
USER_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "curl/7.88.1",
    "Wget/1.21.3",
    "Debian APT-HTTP/1.3 (2.6.1)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"
    " Safari/537.36",
]
PUBLIC_FIRST_OCTETS = [13, 23, 31, 34, 35, 52, 54, 64, 66, 72, 74, 91, 93, 104, 130, 140, 142,
                       151, 157, 185, 199, 208, 216]
OUIS = [b"\x00\x1b\x21", b"\x3c\x22\xfb", b"\xb8\x27\xeb", b"\xf0\x9f\xc2", b"\x00\x50\x56",
        b"\xdc\xa6\x32", b"\x8c\x85\x90", b"\x00\x0c\x29"]
NTP_EPOCH_OFFSET = 2208988800
START_SEC = 1718006400  # first packet: 2024-06-10 08:00:00 UTC


class Site:
    def __init__(self, name, ip4s, ip6s, cname):
        self.name = name
        self.ip4s = ip4s
        self.ip6s = ip6s
        self.cname = cname
        self.domain = name.split(".", 1)[1]


class Network:
    def __init__(self, rng):
        self.rng = rng
        self.gw_mac = b"\xf0\x9f\xc2" + rng.randbytes(3)
        self.gateway = Host(self.gw_mac, bytes([192, 168, 1, 1]),
                            bytes.fromhex("20010db8000100000000000000000001"),
                            ll6=bytes.fromhex("fe800000000000000000000000000001"))
        self.clients = []
        used = set()
        for _ in range(40):
            last = rng.randrange(10, 250)
            while last in used:
                last = rng.randrange(10, 250)
            used.add(last)
            mac = rng.choice(OUIS) + rng.randbytes(3)
            iid = rng.randbytes(8)
            self.clients.append(Host(mac, bytes([192, 168, 1, last]),
                                     bytes.fromhex("20010db800010000") + iid,
                                     ll6=bytes.fromhex("fe80000000000000") + iid))
        self.sites = []
        names = set()
        while len(self.sites) < 150:
            name = "%s.%s.%s" % (rng.choice(PREFIXES), rng.choice(DOMAINS), rng.choice(TLDS))
            if name in names:
                continue
            names.add(name)
            ip4s = [self.public_ip4() for _ in range(rng.choice([1, 1, 1, 2, 2, 4]))]
            ip6s = []
            if rng.random() < 0.7:
                ip6s = [bytes.fromhex("20010db8") + rng.randbytes(2) + bytes(8) + rng.randbytes(2)
                        for _ in range(rng.choice([1, 1, 2]))]
            cname = None
            if rng.random() < 0.3:
                cname = "%s.%s" % (name.split(".")[1], rng.choice(CDNS))
            self.sites.append(Site(name, ip4s, ip6s, cname))
        self.sites6 = [s for s in self.sites if s.ip6s]
        self.ntp4 = [self.public_ip4() for _ in range(4)]
        self.ntp6 = [bytes.fromhex("20010db8ff00") + rng.randbytes(10) for _ in range(2)]

    def public_ip4(self):
        r = self.rng
        return bytes([r.choice(PUBLIC_FIRST_OCTETS), r.randrange(256), r.randrange(256),
                      r.randrange(1, 255)])

    def remote(self, ip4=None, ip6=None):
        """A host beyond the gateway: frames carry the gateway's MAC."""
        return Host(self.gw_mac, ip4, ip6, ttl=self.rng.choice([49, 52, 54, 56, 57, 58, 115, 117]))


# ---------------------------------------------------------------------------------------------
# Payload pools (built once, with checksum partial sums)


def html_body(rng, size):
    words = ["packet", "capture", "network", "protocol", "header", "stream", "frame", "filter",
             "analysis", "segment", "window", "latency", "address", "payload", "checksum"]
    out = ["<!DOCTYPE html>\n<html><head><title>Page</title></head>\n<body>\n"]
    n = len(out[0])
    while n < size - 16:
        line = "<p>%s</p>\n" % " ".join(rng.choice(words) for _ in range(rng.randrange(4, 14)))
        out.append(line)
        n += len(line)
    out.append("</body></html>\n")
    return "".join(out).encode()[:size] if n > size else "".join(out).encode()


def segment(data, mss):
    return [(data[i:i + mss], words_sum(data[i:i + mss])) for i in range(0, len(data), mss)]


def response_size(rng):
    r = rng.random()
    if r < 0.30:
        return rng.randrange(200, 3000)
    if r < 0.70:
        return rng.randrange(3000, 30000)
    if r < 0.95:
        return rng.randrange(30000, 200000)
    return rng.randrange(200000, 1000000)


class Pools:
    # TCP payload per segment with the timestamp option (12 bytes) in the header
    MSS4 = 1460 - 12
    MSS6 = 1440 - 12

    def __init__(self, rng, net):
        self.rng = rng
        # HTTP: (request, sum) and responses segmented for both MSS values
        self.http_requests = []
        for _ in range(60):
            site = rng.choice(net.sites)
            path = rng.choice(["/", "/index.html", "/favicon.ico", "/static/app.js",
                               "/debian/dists/bookworm/InRelease",
                               "/api/v1/items?page=%d" % rng.randrange(50), "/images/logo.png",
                               "/downloads/file-%d.tar.xz" % rng.randrange(1000)])
            req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
                   "Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n"
                   % (path, site.name, rng.choice(USER_AGENTS))).encode()
            self.http_requests.append((req, words_sum(req)))
        self.http_responses = []
        for _ in range(48):
            size = response_size(rng)
            if rng.random() < 0.3:
                body, ctype = html_body(rng, min(size, 60000)), "text/html; charset=utf-8"
            else:
                body, ctype = rng.randbytes(size), "application/octet-stream"
            head = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Mon, 10 Jun 2024 08:00:00 GMT\r\n"
                    "Content-Type: %s\r\nContent-Length: %d\r\nConnection: keep-alive\r\n"
                    "Cache-Control: max-age=3600\r\n\r\n" % (ctype, len(body))).encode()
            data = head + body
            self.http_responses.append((segment(data, self.MSS4), segment(data, self.MSS6)))
        # TLS application data: one record per segment (full-size ones from a pool)
        self.tls_full = {m: [self._tls_record(m) for _ in range(32)]
                         for m in (self.MSS4, self.MSS6)}
        self.tls_cache = {}
        # Echo payload after the 16-byte timeval, as Linux ping sends it
        self.ping_pattern = bytes(range(0x10, 0x38))

    def _tls_record(self, n):
        data = struct.pack("!BHH", 23, 0x0303, n - 5) + self.rng.randbytes(n - 5)
        return data, words_sum(data)

    def tls(self, n):
        if n in self.tls_full:
            pool = self.tls_full[n]
            return pool[int(self.rng.random() * len(pool))]
        rec = self.tls_cache.get(n)
        if rec is None:
            rec = self.tls_cache[n] = self._tls_record(n)
        return rec


# ---------------------------------------------------------------------------------------------
# Conversations: generators that yield (frame, delay in microseconds until their next frame)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.net = Network(self.rng)
        self.pools = Pools(self.rng, self.net)
        self.now = 0  # microseconds since start, set by the scheduler before each resume
        self.dns_templates = self._dns_templates()

    # --- helpers -----------------------------------------------------------------------------

    def _client(self):
        return self.rng.choice(self.net.clients)

    def _vlan(self):
        # A few conversations are seen on a trunk port, tagged VLAN 10 or 20 (PCP 0)
        return self.rng.choice([10, 20]) if self.rng.random() < 0.08 else None

    def _paths(self, a, b, v6, vlan=None):
        """Both directions between a (local) and b, as Paths."""
        if v6:
            sa, sb = a.ip6, b.ip6
        else:
            sa, sb = a.ip4, b.ip4
        return (Path(self.rng, a.mac, b.mac, sa, sb, v6, a.ttl, vlan),
                Path(self.rng, b.mac, a.mac, sb, sa, v6, b.ttl, vlan))

    def _udp(self, path, sport, dport, payload, psum=None):
        l4len = 8 + len(payload)
        if psum is None:
            psum = words_sum(payload)
        s = path.pseudo(PROTO_UDP, l4len) + sport + dport + l4len + psum
        csum = fold(s) or 0xFFFF
        return b"".join((path.eth, path.ip(PROTO_UDP, l4len),
                         UDP.pack(sport, dport, l4len, csum), payload))

    def _icmp(self, path, proto, msg, ttl=None):
        """msg is an ICMP/ICMPv6 message with a zero checksum at offset 2."""
        s = words_sum(msg)
        if proto == PROTO_ICMP6:
            s += path.pseudo(PROTO_ICMP6, len(msg))
        msg = bytearray(msg)
        struct.pack_into("!H", msg, 2, fold(s))
        return b"".join((path.eth, path.ip(proto, len(msg), ttl), msg))

    def _ephemeral(self):
        return self.rng.randrange(32768, 61000)

    def _rtt(self):
        return int(self.rng.choice([2000, 8000, 15000, 25000, 40000, 90000]) *
                   (0.8 + 0.4 * self.rng.random()))

    # --- TCP ---------------------------------------------------------------------------------

    def tcp_conversation(self):
        rng = self.rng
        net = self.net
        pools = self.pools
        v6 = rng.random() < 0.25
        client = self._client()
        site = rng.choice(net.sites6 if v6 else net.sites)
        server = net.remote(ip4=rng.choice(site.ip4s), ip6=rng.choice(site.ip6s) if v6 else None)
        c2s, s2c = self._paths(client, server, v6)
        https = rng.random() < 0.55
        sport, dport = self._ephemeral(), 443 if https else 80
        mss = Pools.MSS6 if v6 else Pools.MSS4
        rtt = self._rtt()
        cseq, sseq = rng.getrandbits(32), rng.getrandbits(32)
        cts0, sts0 = rng.getrandbits(32), rng.getrandbits(32)
        cwin = rng.choice([501, 502, 1024, 2048])  # scaled by 2**7 after the handshake
        swin = rng.choice([501, 509, 1010, 4096])
        c_pseudo = c2s.addr_sum + PROTO_TCP + sport + dport
        s_pseudo = s2c.addr_sum + PROTO_TCP + sport + dport
        last = {"c": 0, "s": 0}  # last TSval sent by each side (echoed as TSecr)

        def seg(client_side, seq, ack, flags, win, payload=b"", psum=0, syn=False):
            if client_side:
                path, pseudo, ts0, src_port, dst_port, peer = c2s, c_pseudo, cts0, sport, dport, "s"
            else:
                path, pseudo, ts0, src_port, dst_port, peer = s2c, s_pseudo, sts0, dport, sport, "c"
            tsval = (ts0 + self.now // 1000) & 0xFFFFFFFF
            tsecr = last[peer] if flags & ACK else 0
            last["c" if client_side else "s"] = tsval
            if syn:
                opts = SYN_OPTS.pack(2, 4, 1440 if v6 else 1460, 4, 2, 8, 10, tsval, tsecr,
                                     1, 3, 3, 7)
            else:
                opts = TS_OPT.pack(0x0101, 0x080A, tsval, tsecr)
            hlen = 20 + len(opts)
            l4len = hlen + len(payload)
            offflags = (hlen << 10) | flags  # data offset in 32-bit words in the top 4 bits
            s = (pseudo + l4len + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16) + (ack & 0xFFFF)
                 + offflags + win + words_sum(opts) + psum)
            hdr = TCP.pack(src_port, dst_port, seq, ack, offflags, win, fold(s), 0)
            return b"".join((path.eth, path.ip(PROTO_TCP, l4len), hdr, opts, payload))

        # Three-way handshake
        yield seg(True, cseq, 0, SYN, 64800 if v6 else 64240, syn=True), rtt
        yield seg(False, sseq, (cseq + 1) & 0xFFFFFFFF, SYN | ACK, 64800 if v6 else 65160,
                  syn=True), rng.randrange(50, 300)
        cseq = (cseq + 1) & 0xFFFFFFFF
        sseq = (sseq + 1) & 0xFFFFFFFF
        yield seg(True, cseq, sseq, ACK, cwin), rng.randrange(20, 400)

        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 5])):
            # Request
            if https:
                req, rsum = pools.tls(rng.randrange(90, 700))
            else:
                req, rsum = rng.choice(pools.http_requests)
            yield seg(True, cseq, sseq, PSH | ACK, cwin, req, rsum), rtt
            cseq = (cseq + len(req)) & 0xFFFFFFFF
            if rng.random() < 0.4:  # the server ACKs before its answer is ready
                yield seg(False, sseq, cseq, ACK, swin), rng.randrange(100, 5000)
            # Response, the client ACKing every second segment
            if https:
                total = response_size(rng)
                sizes = [mss] * (total // mss) + ([total % mss] if total % mss > 5 else [])
                chunks = [pools.tls(n) for n in sizes]
            else:
                resp = rng.choice(pools.http_responses)
                chunks = resp[1] if v6 else resp[0]
            n = len(chunks)
            for i, (data, dsum) in enumerate(chunks):
                final = i == n - 1
                # back to back within a pair, a little longer when the client ACKs next
                pair = (i & 1) == 0 and not final
                gap = rng.randrange(12, 60) if pair else rng.randrange(20, 120)
                yield seg(False, sseq, cseq, (PSH | ACK) if final else ACK, swin, data, dsum), gap
                sseq = (sseq + len(data)) & 0xFFFFFFFF
                if (i & 1) or final:
                    yield seg(True, cseq, sseq, ACK, cwin), rng.randrange(10, 80)
            yield None, rng.choice([200, 2000, 20000, 150000])  # think time before the next request

        # Teardown, started by the client
        yield seg(True, cseq, sseq, FIN | ACK, cwin), rtt
        cseq = (cseq + 1) & 0xFFFFFFFF
        yield seg(False, sseq, cseq, FIN | ACK, swin), rng.randrange(30, 300)
        sseq = (sseq + 1) & 0xFFFFFFFF
        yield seg(True, cseq, sseq, ACK, cwin), 0

    # --- DNS ---------------------------------------------------------------------------------

    def _dns_templates(self):
        """(query, response) payload pairs without the transaction ID: (bytes, sum-after-ID)."""
        rng = self.rng
        out = []
        for _ in range(600):
            site = rng.choice(self.net.sites)
            r = rng.random()
            edns = rng.random() < 0.35
            if r < 0.55:
                qname, qtype = site.name, T_A
            elif r < 0.88:
                qname, qtype = site.name, T_AAAA
            elif r < 0.93:
                qname, qtype = site.domain, T_MX
            elif r < 0.95:
                qname, qtype = site.domain, T_TXT
            else:  # typo or search-domain suffix: NXDOMAIN
                qname, qtype = site.name + rng.choice([".lan", ".home"]), T_A
                if rng.random() < 0.5:
                    qname = "w" + site.name
            q = DnsWriter(0, 0x0100)
            q.question(qname, qtype)
            if edns:
                q.opt()
            a = DnsWriter(0, 0x8180)
            a.question(qname, qtype)
            ttl = rng.choice([30, 60, 300, 600, 3600, 86400])
            owner = qname
            soa = lambda w: w.rr(2, site.domain, T_SOA, 300,
                                 rd_soa("ns1." + site.domain, "hostmaster." + site.domain,
                                        2024060100 + rng.randrange(100)))
            if qtype in (T_A, T_AAAA) and qname == site.name:
                addrs = site.ip4s if qtype == T_A else site.ip6s
                if site.cname and addrs:
                    a.rr(1, owner, T_CNAME, ttl, rd_name(site.cname))
                    owner = site.cname
                for addr in addrs:
                    a.rr(1, owner, qtype, ttl, rd_raw(addr))
                if not addrs:
                    soa(a)  # NODATA
            elif qtype == T_MX:
                a.rr(1, qname, T_MX, ttl, rd_mx(10, "mail." + site.domain))
                a.rr(1, qname, T_MX, ttl, rd_mx(20, "mx2." + site.domain))
            elif qtype == T_TXT:
                txt = b"v=spf1 mx -all"
                a.rr(1, qname, T_TXT, ttl, rd_raw(bytes([len(txt)]) + txt))
            else:
                a.flags = 0x8183
                if qname.startswith("w" + site.name):
                    soa(a)
                else:
                    a.rr(2, "", T_SOA, 900,
                         rd_soa("a.root-servers.net", "nstld.verisign-grs.com", 2024061000))
            if edns:
                a.opt()
            qb, ab = q.bytes(), a.bytes()
            out.append(((qb, words_sum(qb[2:])), (ab, words_sum(ab[2:]))))
        return out

    def dns_conversation(self):
        rng = self.rng
        v6 = rng.random() < 0.25
        vlan = self._vlan()
        client = self._client()
        c2s, s2c = self._paths(client, self.net.gateway, v6, vlan)
        sport = self._ephemeral()
        # Stub resolvers often ask A and AAAA back to back from one socket
        pairs = [rng.choice(self.dns_templates) for _ in range(1 if rng.random() < 0.6 else 2)]
        ids = [rng.getrandbits(16) for _ in pairs]
        for i, ((q, qsum), _) in enumerate(pairs):
            pkt = bytearray(q)
            struct.pack_into("!H", pkt, 0, ids[i])
            yield self._udp(c2s, sport, 53, bytes(pkt), qsum + ids[i]), rng.randrange(20, 200)
        yield None, rng.choice([300, 1500, 8000, 30000])
        for i, (_, (a, asum)) in enumerate(pairs):
            pkt = bytearray(a)
            struct.pack_into("!H", pkt, 0, ids[i])
            yield self._udp(s2c, 53, sport, bytes(pkt), asum + ids[i]), rng.randrange(20, 200)

    # --- NTP and an RTP-like media stream ----------------------------------------------------

    def ntp_conversation(self):
        rng = self.rng
        v6 = rng.random() < 0.25
        client = self._client()
        server = self.net.remote(ip4=rng.choice(self.net.ntp4), ip6=rng.choice(self.net.ntp6))
        c2s, s2c = self._paths(client, server, v6)

        def ntp_ts(later=0):
            us = self.now + later
            sec = START_SEC + us // 1000000 + NTP_EPOCH_OFFSET
            return sec, ((us % 1000000) << 32) // 1000000

        t1 = ntp_ts()
        req = struct.pack("!BBbb II 4s II II II II", 0x23, 0, 0, 0, 0, 0, b"\0" * 4,
                          0, 0, 0, 0, 0, 0, *t1)
        rtt = self._rtt()
        yield self._udp(c2s, 123, 123, req), rtt
        t2 = ntp_ts()
        resp = struct.pack("!BBbb II 4s II II II II", 0x24, 2, 6, -23, 0x00000120, 0x00000350,
                           b"\xc0\xa8\x00\x02" if not v6 else b"\x5b\x2e\x11\x04",
                           t2[0] - 64, 0, *t1, *t2, *ntp_ts(40))
        yield self._udp(s2c, 123, 123, resp), 0

    def media_conversation(self):
        rng = self.rng
        v6 = rng.random() < 0.25
        client = self._client()
        peer = self.net.remote(ip4=self.net.public_ip4(),
                               ip6=bytes.fromhex("20010db8ee00") + rng.randbytes(10))
        c2s, s2c = self._paths(client, peer, v6)
        cport, pport = rng.randrange(25000, 30000) * 2, rng.randrange(8000, 16000) * 2
        video = rng.random() < 0.3
        state = {}
        for side in (0, 1):
            state[side] = [rng.getrandbits(16), rng.getrandbits(32), rng.getrandbits(32)]
        for i in range(rng.randrange(100, 800)):
            side = i & 1
            seq, ts, ssrc = state[side]
            state[side] = [(seq + 1) & 0xFFFF, (ts + 960) & 0xFFFFFFFF, ssrc]
            n = rng.randrange(700, 1200) if video else rng.randrange(60, 180)
            payload = (struct.pack("!BBHII", 0x80, 96 if video else 111, seq, ts, ssrc)
                       + rng.randbytes(n))
            if side == 0:
                yield self._udp(c2s, cport, pport, payload), rng.randrange(100, 2000)
            else:
                yield self._udp(s2c, pport, cport, payload), rng.randrange(17000, 21000)

    # --- ICMP / ICMPv6 -----------------------------------------------------------------------

    def ping_conversation(self):
        rng = self.rng
        v6 = rng.random() < 0.25
        vlan = self._vlan()
        client = self._client()
        site = rng.choice(self.net.sites6 if v6 else self.net.sites)
        server = self.net.remote(ip4=site.ip4s[0], ip6=site.ip6s[0] if v6 else None)
        c2s, s2c = self._paths(client, server, v6, vlan)
        ident = rng.getrandbits(16)
        rtt = self._rtt()
        proto = PROTO_ICMP6 if v6 else PROTO_ICMP
        req_type, rep_type = (128, 129) if v6 else (8, 0)
        for seq in range(1, rng.randrange(2, 8)):
            us = START_SEC * 1000000 + self.now
            data = struct.pack("<QQ", us // 1000000, us % 1000000) + self.pools.ping_pattern
            req = struct.pack("!BBHHH", req_type, 0, 0, ident, seq) + data
            yield self._icmp(c2s, proto, req), rtt
            yield (self._icmp(s2c, proto, struct.pack("!BBHHH", rep_type, 0, 0, ident, seq) + data),
                   1000000 - rtt)

    def ndp_conversation(self):
        """Neighbor solicitation (RFC 4861 4.3) for a LAN neighbour, and its advertisement."""
        rng = self.rng
        a = self._client()
        b = rng.choice(self.net.clients + [self.net.gateway] * 10)
        if a is b:
            b = self.net.gateway
        target = rng.choice([b.ip6, b.ll6])
        snm = bytes.fromhex("ff0200000000000000000001ff") + target[13:]
        ns_path = Path(rng, a.mac, b"\x33\x33" + snm[12:], a.ll6, snm, True, 255)
        ns = struct.pack("!BBHI16sBB6s", 135, 0, 0, 0, target, 1, 1, a.mac)
        yield self._icmp(ns_path, PROTO_ICMP6, ns, 255), rng.randrange(100, 3000)
        na_path = Path(rng, b.mac, a.mac, b.ll6, a.ll6, True, 255)
        flags = 0x60000000 | (0x80000000 if b is self.net.gateway else 0)  # S, O (+ R)
        na = struct.pack("!BBHI16sBB6s", 136, 0, 0, flags, target, 2, 1, b.mac)
        yield self._icmp(na_path, PROTO_ICMP6, na, 255), 0

    # --- ARP ---------------------------------------------------------------------------------

    def arp_conversation(self):
        rng = self.rng
        vlan = self._vlan()
        a = self._client()
        b = rng.choice(self.net.clients + [self.net.gateway] * 10)
        if a is b:
            b = self.net.gateway

        def frame(dst, src, op, sha, spa, tha, tpa):
            tag = b"" if vlan is None else struct.pack("!HH", ETH_VLAN, vlan)
            return (dst + src + tag + struct.pack("!H", ETH_ARP)
                    + struct.pack("!HHBBH6s4s6s4s", 1, ETH_IP4, 6, 4, op, sha, spa, tha, tpa))

        yield frame(BROADCAST, a.mac, 1, a.mac, a.ip4, ZERO_MAC, b.ip4), rng.randrange(100, 2000)
        yield frame(a.mac, b.mac, 2, b.mac, b.ip4, a.mac, a.ip4), 0

    # --- scheduling --------------------------------------------------------------------------

    def new_conversation(self):
        r = self.rng.random()
        if r < 0.42:
            return self.tcp_conversation()
        if r < 0.72:
            return self.dns_conversation()
        if r < 0.78:
            return self.ping_conversation()
        if r < 0.83:
            return self.ntp_conversation()
        if r < 0.835:
            return self.media_conversation()
        if r < 0.93:
            return self.arp_conversation()
        return self.ndp_conversation()


def write_capture(path, packets, seed, concurrency=160):
    gen = Generator(seed)
    rng = gen.rng
    heap = []
    counter = 0
    for _ in range(concurrency):
        counter += 1
        heap.append((rng.randrange(0, 200000), counter, gen.new_conversation()))
    heapq.heapify(heap)
    last = -1
    written = 0
    total_bytes = 0
    heappop, heappush = heapq.heappop, heapq.heappush
    rec = PCAP_RECORD.pack
    with open(path, "wb", buffering=1 << 22) as out:
        out.write(PCAP_GLOBAL.pack(0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        write = out.write
        while written < packets:
            t, _, conv = heappop(heap)
            if t <= last:
                t = last + 1  # strictly increasing timestamps
            gen.now = t
            try:
                frame, delay = next(conv)
            except StopIteration:
                counter += 1
                # a new conversation starts a little later in this slot
                heappush(heap, (t + int(-math.log(1.0 - rng.random()) * 3000), counter,
                                gen.new_conversation()))
                continue
            counter += 1
            heappush(heap, (t + delay, counter, conv))
            if frame is None:
                continue  # the conversation only waits
            n = len(frame)
            if n < MIN_FRAME:
                frame += bytes(MIN_FRAME - n)
                n = MIN_FRAME
            last = t
            write(rec(START_SEC + t // 1000000, t % 1000000, n, n))
            write(frame)
            written += 1
            total_bytes += n
    return written, total_bytes, last


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packets", type=int, default=1000000, help="number of packets (1000000)")
    ap.add_argument("--out", default="capture.pcap", help="output file (capture.pcap)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = ap.parse_args()
    if args.packets < 0:
        ap.error("--packets must be >= 0")
    t0 = time.monotonic()
    n, nbytes, last = write_capture(args.out, args.packets, args.seed)
    dt = time.monotonic() - t0
    print("%s: %d packets, %d bytes of frames (avg %.0f), %.1f s of traffic, written in %.1f s"
          % (args.out, n, nbytes, nbytes / max(n, 1), max(last, 0) / 1e6, dt), file=sys.stderr)


if __name__ == "__main__":
    main()
