#!/usr/bin/env python3
"""Writes dns-crafted.pcap: DNS, mDNS and LLMNR messages over raw IPv4/UDP (LINKTYPE_RAW)
between 10.0.0.1 and 10.0.0.2, each checked against tshark 4.0: unsolicited and retransmitted
messages, pointer loops, a pointer and labels past the end, names too long, forward pointers,
unprintable labels, many record types, EDNS options (cookie, client subnet, padding,
keepalive, chain, extended errors, DAU/DHU/N3U) and options whose lengths lie."""
import struct
import sys


def ip4(src, dst, proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes(map(int, src.split('.'))), bytes(map(int, dst.split('.'))))
    s = sum(struct.unpack('!10H', h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return h[:10] + struct.pack('!H', ~s & 0xffff) + h[12:] + payload


def udp(sp, dp, payload):
    return struct.pack('!HHHH', sp, dp, 8 + len(payload), 0) + payload


def name(n):
    out = b''
    for label in n.split('.'):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def hdr(i, flags, qd, an, ns, ar):
    return struct.pack('!HHHHHH', i, flags, qd, an, ns, ar)


def q(n, t=1, c=1):
    return name(n) + struct.pack('!HH', t, c)


def rr(owner, t, c, ttl, rdata):
    return owner + struct.pack('!HHIH', t, c, ttl, len(rdata)) + rdata


def opt(code, data):
    return struct.pack('!HH', code, len(data)) + data


C, S = '10.0.0.1', '10.0.0.2'
P = []


def to_server(sport, msg, dport=53):
    P.append(ip4(C, S, 17, udp(sport, dport, msg)))


def to_client(dport, msg, sport=53):
    P.append(ip4(S, C, 17, udp(sport, dport, msg)))


# Matching: an unsolicited response; a query, its retransmission, the response, a repeat.
to_client(1111, hdr(0x1111, 0x8180, 1, 1, 0, 0) + q('a.example') +
          rr(b'\xc0\x0c', 1, 1, 60, b'\x01\x02\x03\x04'))
for _ in range(2):
    to_server(2222, hdr(0x2222, 0x0100, 1, 0, 0, 0) + q('b.example', 28))
for _ in range(2):
    to_client(2222, hdr(0x2222, 0x8183, 1, 0, 0, 0) + q('b.example', 28))
# Names: a self pointer, a pointer to a pointer, a label looping back, a pointer past the end,
# a label past the end, 65535 answers in a tiny message, 306 and 261 bytes of labels, a
# forward pointer, unprintable bytes, extended label types.
to_server(3333, hdr(0x3333, 0x0100, 1, 0, 0, 0) + b'\xc0\x0c\x00\x01\x00\x01')
to_server(3334, hdr(0x3334, 0x0100, 1, 0, 0, 0) + b'\x01a\xc0\x0e\x00\x01\x00\x01')
to_server(3334, hdr(0x3335, 0x0100, 1, 0, 0, 0) + b'\x3f' + b'a' * 63 + b'\xc0\x0c\x00\x01\x00\x01')
to_server(3335, hdr(0x3336, 0x0100, 1, 0, 0, 0) + b'\x01a\xc0\xff\x00\x01\x00\x01')
to_server(3336, hdr(0x3337, 0x0100, 1, 0, 0, 0) + b'\x3fabc')
to_client(3337, hdr(0x3338, 0x8180, 0, 65535, 0, 0) + rr(b'\0', 1, 1, 1, b'\1\2\3\4'))
to_server(3338, hdr(0x3339, 0x0100, 1, 0, 0, 0) + q('.'.join(['a' * 60] * 5)))
to_server(3339, hdr(0x333a, 0x0100, 1, 0, 0, 0) + b'\x01x' * 130 + b'\0\0\1\0\1')
to_server(3340, hdr(0x333b, 0x0100, 1, 0, 0, 0) + b'\xc0\x12\x00\x01\x00\x01' + name('fwd.example'))
to_server(3341, hdr(0x333c, 0x0100, 1, 0, 0, 0) + b'\x05a.b\x01\xff\x00\x00\x01\x00\x01')
to_server(3341, hdr(0x333d, 0x0100, 1, 0, 0, 0) + b'\x08\x07\x0a\x5c\x7f\x09\x22\x20\x27\x00\x00\x01\x00\x01')
to_server(3342, hdr(0x333e, 0x0100, 1, 0, 0, 0) + b'\x41\x00\x00\x01\x00\x01')
to_server(3343, hdr(0x333f, 0x0100, 1, 0, 0, 0) + q('x', 1, 5))
to_server(3344, hdr(0x3340, 0x0100, 2, 0, 0, 0) + q('.'.join(['b' * 60] * 3)) +
          b'\x3f' + b'c' * 63 + b'\x3f' + b'c' * 63 + b'\xc0\x0c\x00\x01\x00\x01')
to_server(3345, b'\x00\x07\x01\x00\x00')  # a header cut short
# Records: MX, TXT, CNAME with the TTL's top bit, an unknown type, SRV, SOA, NS, PTR, AAAA.
rrs = rr(b'\xc0\x0c', 15, 1, 300, b'\x00\x0a' + name('mail.c.example'))
rrs += rr(b'\xc0\x0c', 16, 1, 300, b'\x05hello\x03a=b')
rrs += rr(b'\xc0\x0c', 5, 1, 0x80000001, name('alias.example'))
rrs += rr(b'\xc0\x0c', 65280, 1, 300, b'\xde\xad')
rrs += rr(b'\xc0\x0c', 33, 1, 300, b'\x00\x01\x00\x02\x00\x50' + name('srv.example'))
rrs += rr(b'\xc0\x0c', 6, 1, 3600, name('ns1.c.example') + name('admin.c.example') +
          struct.pack('!IIIII', 2024010101, 7200, 900, 1209600, 0))
rrs += rr(b'\xc0\x0c', 2, 1, 90061, name('ns2.c.example'))
rrs += rr(b'\xc0\x0c', 12, 1, 0, name('ptr.c.example'))
rrs += rr(b'\xc0\x0c', 28, 1, 60, bytes(15) + b'\x01')
to_client(4444, hdr(0x4444, 0x8580, 1, 9, 0, 0) + q('c.example', 255) + rrs)
to_client(4445, hdr(0x4445, 0xffff, 1, 1, 0, 0) + q('d.example', 1, 5) +
          rr(b'\xc0\x0c', 1, 5, 1, b'\1\2\3\4'))  # every flag, unknown opcode, rcode, class
to_server(4446, hdr(0x4446, 0x2800, 1, 1, 1, 0) + q('zone.example', 6) +
          rr(b'\xc0\x0c', 1, 255, 0, b'') + rr(b'\xc0\x0c', 1, 1, 60, b'\x0a\x00\x00\x01'))
# EDNS: cookies of 20 and 5 bytes, an option past its record, every decoded option.
to_server(5000, hdr(0x5000, 0x0100, 0, 0, 0, 1) + rr(b'\0', 41, 1232, 0x00018000,
          opt(10, bytes(range(20))) + opt(10, bytes(5)) + opt(3, b'ab')))
to_server(5001, hdr(0x5001, 0x0100, 0, 0, 0, 1) + rr(b'\0', 41, 1232, 0, struct.pack('!HH', 10, 40) + bytes(8)))
to_server(5002, hdr(0x5002, 0x0100, 0, 0, 0, 1) + rr(b'\0', 41, 512, 0,
          opt(5, bytes(range(0, 24))) + opt(6, bytes(range(0, 8))) + opt(7, bytes(range(0, 4)))))
to_server(5003, hdr(0x5003, 0x0100, 0, 0, 0, 1) + rr(b'\0', 41, 512, 0,
          opt(8, b'\x00\x01\x18\x00\xc0\x00\x02') + opt(8, b'\x00\x02\x38\x00\x20\x01\x0d\xb8\x00\x00\x00') +
          opt(8, b'\x00\x03\x08\x00\xab') + opt(8, b'\x00\x01\x20\x00\x01\x02\x03\x04')))
to_server(5004, hdr(0x5004, 0x0100, 0, 0, 0, 1) + rr(b'\0', 41, 512, 0,
          opt(11, b'') + opt(11, b'\x00\x64') + opt(12, b'\0\0\0') + opt(12, b'') +
          opt(13, b'\x07example\x00') + opt(15, b'\x00\x00hi') + opt(15, b'\x00\x12') + opt(99, b'\x01')))
# mDNS: QU and QM questions, cache flush, an OPT under the cache-flush bit; LLMNR flags.
to_server(5353, hdr(0, 0, 1, 0, 0, 1) + q('host.local', 1, 0x8001) +
          rr(b'\0', 41, 0x05a0, 0x1194, opt(4, bytes(6))), dport=5353)
to_client(5353, hdr(0, 0x8400, 1, 1, 0, 0) + q('host.local', 1, 1) +
          rr(b'\xc0\x0c', 1, 0x8001, 120, b'\xc0\xa8\x01\x03'), sport=5353)
to_server(5355, hdr(0x5555, 0x0700, 1, 0, 0, 0) + q('host'), dport=5355)
to_client(5355, hdr(0x5555, 0x8700, 1, 1, 0, 0) + q('host') +
          rr(b'\xc0\x0c', 1, 1, 30, b'\x0a\x00\x00\x07'), sport=5355)

with open(sys.argv[1] if len(sys.argv) > 1 else 'dns-crafted.pcap', 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for i, p in enumerate(P):
        f.write(struct.pack('<IIII', 1700000000 + i, 0, len(p), len(p)) + p)
