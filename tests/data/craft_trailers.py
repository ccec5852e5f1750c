# Crafts ethernet-trailers.pcap byte by byte (no traffic is sent): the bytes an Ethernet frame
# carries past what its payload's protocol claims, which tshark shows as zero padding up to
# 60 bytes, a trailer (with "Didn't find padding of zeros" when the padding is not zeros) and
# an assumed frame check sequence in frames of 64 bytes or more; under VLAN tags, and inside
# VXLAN, neither of which has an FCS. sll-trailers.pcap and sll2-trailers.pcap: the same after
# Linux cooked headers (v1 and v2), whose trailer is sll.trailer.
# Usage: python3 tests/data/craft_trailers.py tests/data
import struct, sys

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip(s): return bytes(map(int, s.split('.')))

def ipv4(proto, src, dst, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0x4242, 0x4000, 64, proto, 0,
                    ip(src), ip(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def tcp(sport, dport, seq, ack, flags, data=b''):
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 502, 0, 0) + data

def udp(sport, dport, data):
    return struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data

def icmp_echo(ident, seq, data=b''):
    b = struct.pack('!BBHHH', 8, 0, 0, ident, seq) + data
    return b[:2] + struct.pack('!H', csum(b)) + b[4:]

def ipv6_udp(data):
    src = bytes.fromhex('20010db8000000000000000000000001')
    dst = bytes.fromhex('20010db8000000000000000000000002')
    u = udp(5000, 5001, data)
    return struct.pack('!IHBB', 0x60000000, len(u), 17, 64) + src + dst + u

def arp_request():
    return struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, bytes.fromhex('001122334455'),
                       ip('10.0.0.1'), bytes(6), ip('10.0.0.2'))

A, B = bytes.fromhex('001122334455'), bytes.fromhex('66778899aabb')
def eth(etype, payload, dst=B, src=A):
    return dst + src + struct.pack('!H', etype) + payload

def vlan(vid, etype, payload):
    return struct.pack('!HH', vid, etype) + payload

def pcap(path, frames, linktype=1):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            data, orig = fr if isinstance(fr, tuple) else (fr, len(fr))
            f.write(struct.pack('<IIII', 1700000000 + i, 0, len(data), orig))
            f.write(data)

def frames():
    ack = ipv4(6, '10.0.0.1', '10.0.0.2', tcp(40000, 80, 1000, 2000, 0x10))  # 40 bytes
    big = ipv4(17, '10.0.0.1', '10.0.0.2', udp(5000, 9999, bytes(range(200))))
    fr = []
    fr.append(eth(0x0800, ack) + bytes(6))                         # 1 zero padding to 60
    fr.append(eth(0x0800, ack) + b'\x20' * 6)                      # 2 padding not zeros: trailer + note
    fr.append(eth(0x0800, ack) + b'\x00\x00\x00\x07\x00\x00')      # 3 one byte not zero
    fr.append(eth(0x0800, ack) + bytes(6) + b'\xde\xad\xbe\xef')   # 4 64 bytes: padding + FCS
    fr.append(eth(0x0800, ack) + b'\x11' * 6 + b'\xde\xad\xbe\xef')  # 5 64 bytes, bad padding + FCS
    fr.append(eth(0x0800, big) + b'\xaa' * 6 + b'\x01\x02\x03\x04')  # 6 big: trailer + FCS
    fr.append(eth(0x0800, big) + b'\xaa\xbb\xcc')                   # 7 big, 3 bytes: trailer, no FCS
    fr.append(eth(0x0800, big) + b'\x01\x02\x03\x04')              # 8 big, 4 bytes: FCS only
    fr.append(eth(0x0800, ack) + b'\x55' * 2)                    # 9 56 bytes (< 60): trailer only
    fr.append(eth(0x0806, arp_request()) + bytes(18))              # 10 ARP padded to 60
    fr.append(eth(0x0806, arp_request()) + bytes(18) + b'\xca\xfe\xf0\x0d')  # 11 ARP 64 + FCS
    fr.append(eth(0x86dd, ipv6_udp(b'hello')) + b'\x99' * 8)        # 12 IPv6 + trailer + FCS
    fr.append(eth(0x0800, ipv4(1, '10.0.0.1', '10.0.0.2', icmp_echo(1, 1))) + bytes(14))  # 13 ICMP 28 + 14
    # 14 cut by the snapshot length inside the padding: nothing past the capture is shown
    f = eth(0x0800, ack) + bytes(6) + b'\xde\xad\xbe\xef'
    fr.append((f[:56], len(f)))
    # 15 cut inside an assumed FCS of a big frame
    f = eth(0x0800, big) + b'\xaa' * 6 + b'\x01\x02\x03\x04'
    fr.append((f[:len(f) - 2], len(f)))
    # 16-18 VLAN: the trailer is the tag's (vlan.trailer), and a tag has no FCS
    fr.append(eth(0x8100, vlan(10, 0x0806, arp_request())) + bytes(14))           # padding
    fr.append(eth(0x8100, vlan(10, 0x0800, big)) + b'\x77' * 8)                   # trailer 8
    fr.append(eth(0x8100, vlan(10, 0x0800, ack)) + b'\x33' * 2 + bytes(4))        # bad padding
    # 19 Q-in-Q: an 802.1ad tag then a VLAN tag
    fr.append(eth(0x88a8, vlan(200, 0x8100, vlan(10, 0x0806, arp_request()))) + bytes(14))
    # 20 an 802.1ad tag alone
    fr.append(eth(0x88a8, vlan(200, 0x0806, arp_request())) + bytes(14))
    # 21 VXLAN: the inner frame's own trailer, no FCS
    inner = eth(0x0800, ack) + b'\x44' * 10
    vx = struct.pack('!BBHI', 0x08, 0, 0, 100 << 8) + inner
    fr.append(eth(0x0800, ipv4(17, '10.1.0.1', '10.1.0.2', udp(40001, 4789, vx))))
    # 22 an IPv4 total length past the frame: nothing is a trailer
    bad = bytearray(ack); bad[2:4] = struct.pack('!H', 400)
    fr.append(eth(0x0800, bytes(bad)) + bytes(6))
    return fr

def sll(payload, etype):
    return struct.pack('!HHH8sH', 0, 1, 6, A + bytes(2), etype) + payload

def sll2(payload, etype):
    return struct.pack('!HHIHBB8s', etype, 0, 2, 1, 0, 6, A + bytes(2)) + payload

def cooked(header):
    ack = ipv4(6, '10.0.0.1', '10.0.0.2', tcp(40000, 80, 1000, 2000, 0x10))
    big = ipv4(17, '10.0.0.1', '10.0.0.2', udp(5000, 9999, bytes(100)))
    return [header(ack + bytes(6), 0x0800),             # padding (v1: 60-byte rule on the whole)
            header(ack + b'\x20' * 6, 0x0800),          # not zeros
            header(big + b'\x77' * 8, 0x0800),          # a trailer, never an FCS
            header(arp_request() + bytes(18), 0x0806)]

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    pcap(out + '/ethernet-trailers.pcap', frames())
    pcap(out + '/sll-trailers.pcap', cooked(sll), 113)
    pcap(out + '/sll2-trailers.pcap', cooked(sll2), 276)
