# Crafts igmp.pcap, gre.pcap and vxlan-crafted.pcap byte by byte (no traffic is sent).
# Usage: python3 tests/data/craft_tunnels.py tests/data
import struct, sys

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ipv4(proto, src, dst, payload, ttl=1, opts=b'', ident=0x1234):
    ihl = 5 + len(opts)//4
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0xc0 if proto == 2 else 0, 20+len(opts)+len(payload),
                    ident, 0, ttl, proto, 0, bytes(map(int, src.split('.'))), bytes(map(int, dst.split('.')))) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def eth(dst, src, etype, payload):
    return bytes.fromhex(dst.replace(':','')) + bytes.fromhex(src.replace(':','')) + struct.pack('!H', etype) + payload

def mcastmac(ip):
    o = list(map(int, ip.split('.')))
    return '01:00:5e:%02x:%02x:%02x' % (o[1] & 0x7f, o[2], o[3])

def pcap(path, frames, snaplen=65535):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snaplen, 1))
        t = 1700000000
        for i, fr in enumerate(frames):
            if isinstance(fr, tuple): data, orig = fr
            else: data, orig = fr, len(fr)
            f.write(struct.pack('<IIII', t + i, 0, len(data), orig))
            f.write(data)

RA = bytes([0x94, 0x04, 0, 0])  # Router Alert option (RFC 2113)
HOST = '00:11:22:33:44:55'
def igmpframe(dst, body, fix=True, src='192.168.1.10', opts=RA):
    if fix:
        body = body[:2] + struct.pack('!H', csum(body[:2] + b'\0\0' + body[4:])) + body[4:]
    return eth(mcastmac(dst), HOST, 0x0800, ipv4(2, src, dst, body, opts=opts))

def ip(s): return bytes(map(int, s.split('.')))

def igmp_frames():
    fr = []
    # v1 query and report (max resp 0, RFC 1112)
    fr.append(igmpframe('224.0.0.1', bytes([0x11, 0, 0, 0]) + ip('0.0.0.0'), opts=b''))
    fr.append(igmpframe('224.1.2.3', bytes([0x12, 0, 0, 0]) + ip('224.1.2.3'), opts=b''))
    # v2 general query, group-specific query, report, leave (RFC 2236)
    fr.append(igmpframe('224.0.0.1', bytes([0x11, 100, 0, 0]) + ip('0.0.0.0')))
    fr.append(igmpframe('239.1.1.1', bytes([0x11, 10, 0, 0]) + ip('239.1.1.1')))
    fr.append(igmpframe('224.0.0.251', bytes([0x16, 0, 0, 0]) + ip('224.0.0.251')))
    fr.append(igmpframe('224.0.0.2', bytes([0x17, 0, 0, 0]) + ip('239.1.1.1')))
    # v3 general query (RFC 3376 4.1): max resp code 0x64, S=0 QRV=2 QQIC 125, no sources
    fr.append(igmpframe('224.0.0.1', bytes([0x11, 0x64, 0, 0]) + ip('0.0.0.0') + bytes([0x02, 125]) + struct.pack('!H', 0)))
    # v3 group-and-source-specific query, exponential max resp code 0x8a, S=1 QRV=7 QQIC 0x90
    fr.append(igmpframe('239.2.2.2', bytes([0x11, 0x8a, 0, 0]) + ip('239.2.2.2') + bytes([0x0f, 0x90]) + struct.pack('!H', 2) + ip('10.0.0.1') + ip('10.0.0.2')))
    # v3 report (RFC 3376 4.2): records of every type
    recs = b''
    recs += bytes([4, 0]) + struct.pack('!H', 0) + ip('239.1.1.1')                       # CHANGE_TO_EXCLUDE, no sources: join any
    recs += bytes([3, 0]) + struct.pack('!H', 0) + ip('239.1.1.2')                       # CHANGE_TO_INCLUDE, none: leave
    recs += bytes([1, 0]) + struct.pack('!H', 2) + ip('232.1.1.1') + ip('10.1.1.1') + ip('10.1.1.2')  # MODE_IS_INCLUDE
    recs += bytes([2, 1]) + struct.pack('!H', 1) + ip('232.1.1.2') + ip('10.1.1.3') + b'\xde\xad\xbe\xef'  # MODE_IS_EXCLUDE + aux
    recs += bytes([5, 0]) + struct.pack('!H', 1) + ip('232.1.1.3') + ip('10.1.1.4')      # ALLOW_NEW_SOURCES
    recs += bytes([6, 0]) + struct.pack('!H', 1) + ip('232.1.1.4') + ip('10.1.1.5')      # BLOCK_OLD_SOURCES
    fr.append(igmpframe('224.0.0.22', bytes([0x22, 0, 0, 0]) + struct.pack('!HH', 0, 6) + recs))
    # v3 report, one join: the common case
    fr.append(igmpframe('224.0.0.22', bytes([0x22, 0, 0, 0]) + struct.pack('!HH', 0, 1) + bytes([4, 0, 0, 0]) + ip('239.255.255.250')))
    # v2 report with a bad checksum
    fr.append(igmpframe('224.0.0.252', bytes([0x16, 0, 0x12, 0x34]) + ip('224.0.0.252'), fix=False))
    # hostile: v3 report whose record claims 1000 sources; v3 query claiming 500 sources
    fr.append(igmpframe('224.0.0.22', bytes([0x22, 0, 0, 0]) + struct.pack('!HH', 0, 1) + bytes([1, 0]) + struct.pack('!H', 1000) + ip('232.9.9.9') + ip('10.9.9.9')))
    fr.append(igmpframe('224.0.0.1', bytes([0x11, 0x64, 0, 0]) + ip('0.0.0.0') + bytes([0x02, 125]) + struct.pack('!H', 500) + ip('10.0.0.1')))
    # hostile: report claiming 65535 group records, one present
    fr.append(igmpframe('224.0.0.22', bytes([0x22, 0, 0, 0]) + struct.pack('!HH', 0, 65535) + bytes([4, 0, 0, 0]) + ip('239.1.1.9')))
    # an unknown type, shown as data
    fr.append(igmpframe('224.0.0.1', bytes([0x7f, 0, 0, 0]) + ip('1.2.3.4')))
    # truncated capture: a v2 report cut after 6 IGMP bytes
    full = igmpframe('224.0.0.251', bytes([0x16, 0, 0, 0]) + ip('224.0.0.251'))
    fr.append((full[:len(full) - 2], len(full)))
    return fr

def gre(flags, proto, payload, key=None, seq=None, ack=None, csum_on=False, badsum=False, payload_len_callid=None):
    h = struct.pack('!HH', flags, proto)
    if csum_on: h += b'\0\0\0\0'
    if key is not None: h += struct.pack('!I', key)
    if payload_len_callid is not None: h += struct.pack('!HH', *payload_len_callid)
    if seq is not None: h += struct.pack('!I', seq)
    if ack is not None: h += struct.pack('!I', ack)
    pkt = h + payload
    if csum_on:
        c = csum(pkt) ^ (0x1111 if badsum else 0)
        pkt = pkt[:4] + struct.pack('!H', c) + pkt[6:]
    return pkt

A, B = '192.0.2.1', '192.0.2.2'
R1, R2 = '00:00:5e:00:53:01', '00:00:5e:00:53:02'
def greframe(body, ttl=64): return eth(R2, R1, 0x0800, ipv4(47, A, B, body, ttl=ttl))
def icmpecho(src, dst):
    b = bytes([8, 0, 0, 0]) + struct.pack('!HH', 0x42, 1) + b'abcdefgh'
    b = b[:2] + struct.pack('!H', csum(b)) + b[4:]
    return ipv4(1, src, dst, b, ttl=63)

def gre_frames():
    inner = icmpecho('10.0.0.1', '10.0.0.2')
    fr = []
    fr.append(greframe(gre(0x0000, 0x0800, inner)))                                   # plain RFC 2784
    fr.append(greframe(gre(0xb000, 0x0800, inner, key=0x1001, seq=7, csum_on=True)))  # C K S
    fr.append(greframe(gre(0x8000, 0x0800, inner, csum_on=True, badsum=True)))        # bad checksum
    ethinner = eth('02:00:00:00:00:02', '02:00:00:00:00:01', 0x0800, inner)
    fr.append(greframe(gre(0x2000, 0x6558, ethinner, key=100)))                       # Ethernet over GRE (NVGRE-like)
    v6 = struct.pack('!IHBB', 0x60000000, 8, 59, 64) + bytes(15) + b'\1' + bytes(15) + b'\2' + bytes(8)
    fr.append(greframe(gre(0x0000, 0x86dd, v6)))                                     # IPv6 over GRE
    # PPTP enhanced GRE: PPP/IPv4 with seq and ack; an ack-only packet
    ppp = bytes([0xff, 0x03, 0x00, 0x21]) + inner
    fr.append(greframe(gre(0x3081, 0x880b, ppp, payload_len_callid=(len(ppp), 5), seq=3, ack=2)))
    fr.append(greframe(gre(0x2081, 0x880b, b'', payload_len_callid=(0, 5), ack=3)))
    # GRE in GRE, 3 levels
    p = inner
    for _ in range(3):
        p = ipv4(47, A, B, gre(0x0000, 0x0800, p), ttl=64)
    fr.append(eth(R2, R1, 0x0800, p))
    # unknown protocol type, and a truncated header (key bit set, key cut)
    fr.append(greframe(gre(0x0000, 0x1234, b'\x01\x02\x03')))
    full = greframe(gre(0x2000, 0x0800, b'', key=5))
    fr.append((full[:len(full) - 2], len(full)))
    # version 2 (unknown): flags only
    fr.append(greframe(gre(0x0002, 0x0800, inner)))
    # routing bit (RFC 1701): checksum/offset present, SRE list to a null SRE
    body = struct.pack('!HH', 0x4000, 0x0800) + b'\0\0\0\0' + struct.pack('!HBB', 0x0800, 0, 4) + ip('10.9.9.9') + struct.pack('!HBB', 0, 0, 0) + inner
    fr.append(greframe(body))
    return fr

def vxlan_frames():
    inner = eth('02:00:00:00:00:02', '02:00:00:00:00:01', 0x0800, icmpecho('10.0.0.1', '10.0.0.2'))
    def udp(sp, dp, pl):
        return struct.pack('!HHHH', sp, dp, 8 + len(pl), 0) + pl
    def vx(flags, vni, pl, gbp=0): return struct.pack('!HHI', flags, gbp, vni << 8) + pl
    fr = []
    fr.append(eth(R2, R1, 0x0800, ipv4(17, A, B, udp(50000, 4789, vx(0x0800, 42, inner)), ttl=64)))
    fr.append(eth(R2, R1, 0x0800, ipv4(17, A, B, udp(50000, 4789, vx(0x88c8, 0xabcdef, inner, gbp=0x1234)), ttl=64)))  # GBP + D + A
    fr.append(eth(R2, R1, 0x0800, ipv4(17, A, B, udp(50000, 4789, b'\x08\x00\x00'), ttl=64)))  # reported short header
    full = eth(R2, R1, 0x0800, ipv4(17, A, B, udp(50000, 4789, vx(0x0800, 7, inner)), ttl=64))
    fr.append((full[:42 + 5], len(full)))   # capture cut inside VXLAN
    fr.append((full[:42 + 8 + 10], len(full)))  # capture cut inside the inner Ethernet
    return fr

pcap(sys.argv[1] + '/igmp.pcap', igmp_frames())
pcap(sys.argv[1] + '/gre.pcap', gre_frames())
pcap(sys.argv[1] + '/vxlan-crafted.pcap', vxlan_frames())
