# Crafts tests/data/tls-hostile.pcap: TLS ClientHellos over TCP 443 (raw IPv4) whose lengths
# lie: 65535 bytes of cipher suites, an extension past the extensions block, an SNI list and
# name longer than their extension, a handshake message longer than its record.
import struct, sys
def rec(t, v, body): return bytes([t]) + struct.pack('>HH', v, len(body)) + body
def hs(t, body): return bytes([t]) + len(body).to_bytes(3, 'big') + body
R = bytes(range(32))
cases = [
  rec(22, 0x0301, hs(1, b'\x03\x03' + R + b'\x00' + b'\xff\xff' + b'\x13\x01')),
  rec(22, 0x0301, hs(1, b'\x03\x03' + R + b'\x00' + b'\x00\x02\x13\x01' + b'\x01\x00' + struct.pack('>H', 6) + b'\x00\x00\x01\xf4\x00\x03')),
  rec(22, 0x0301, hs(1, b'\x03\x03' + R + b'\x00' + b'\x00\x02\x13\x01' + b'\x01\x00' + struct.pack('>H', 12) + b'\x00\x00\x00\x08' + b'\x00\x28\x00\x00\xc8a.b')),
  rec(22, 0x0301, b'\x01' + (5000).to_bytes(3,'big') + b'\x03\x03'),
]
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b)//2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
out = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)
for i, p in enumerate(cases):
    tcp = struct.pack('>HHIIBBHHH', 40000 + i, 443, 1, 1, 0x50, 0x18, 65535, 0, 0) + p
    pseudo = bytes([10,0,0,1, 10,0,0,2, 0, 6]) + struct.pack('>H', len(tcp))
    tcp = tcp[:16] + struct.pack('>H', csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, bytes([10,0,0,1]), bytes([10,0,0,2]))
    ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
    f = ip + tcp
    out += struct.pack('<IIII', i, 0, len(f), len(f)) + f
open(sys.argv[1] if len(sys.argv) > 1 else 'tls-hostile.pcap', 'wb').write(out)
