# Crafts tests/data/quic-crafted.pcap: IETF QUIC packets (RFC 9000 17.2/17.3) over
# 127.0.0.1:50000 <-> 127.0.0.1:443, payloads random (no keys exist: nothing decrypts).
import struct, random, sys
random.seed(7)
def varint(v, n=None):
    if n is None:
        n = 1 if v < 64 else 2 if v < 16384 else 4 if v < 2**30 else 8
    code = {1: 0, 2: 1, 4: 2, 8: 3}[n]
    return (v | (code << (8 * n - 2))).to_bytes(n, 'big')
def rnd(n): return bytes(random.getrandbits(8) for _ in range(n))
DCID = bytes.fromhex('8394c8f03e515708'); SCID = bytes.fromhex('f067a5502a4262b5')
def long_hdr(ptype, version, dcid, scid, payload, token=None, pnlen=2):
    first = 0xc0 | (ptype << 4) | (pnlen - 1)
    b = bytes([first]) + struct.pack('>I', version) + bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid
    if ptype == 0:
        b += varint(len(token or b'')) + (token or b'')
    return b + varint(pnlen + len(payload), 2) + rnd(pnlen) + payload
def vn(dcid, scid, versions):
    return bytes([0x80 | random.getrandbits(7)]) + b'\0\0\0\0' + bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid + b''.join(struct.pack('>I', v) for v in versions)
def retry(dcid, scid, token):
    return bytes([0xf0]) + struct.pack('>I', 1) + bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid + token + rnd(16)
def short(dcid, payload):
    return bytes([0x40 | 0x01]) + dcid + rnd(2) + payload
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def frame(payload, c2s):
    sp, dp = (50000, 443) if c2s else (443, 50000)
    udp = struct.pack('>HHHH', sp, dp, 8 + len(payload), 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0, bytes([127,0,0,1]), bytes([127,0,0,1]))
    ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
    return b'\0' * 12 + b'\x08\x00' + ip + udp
pkts = [
    (long_hdr(0, 1, DCID, b'', rnd(60)), True),                               # Initial, no token
    (long_hdr(2, 1, SCID, DCID, rnd(40)) + long_hdr(2, 1, SCID, DCID, rnd(30)), False),  # 2 coalesced Handshake
    (long_hdr(1, 1, DCID, SCID, rnd(24)), True),                              # 0-RTT
    (vn(SCID, DCID, [0x00000001, 0xff00001d, 0x1a2a3a4a]), False),           # Version Negotiation
    (retry(SCID, bytes.fromhex('0011223344'), b'retrytoken-xyz'), False),     # Retry
    (long_hdr(0, 1, DCID, SCID, rnd(20), token=b'tok123'), True),           # Initial with token
    (short(DCID, rnd(30)), True),                                            # 1-RTT short header
]
out = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i, (p, c2s) in enumerate(pkts):
    f = frame(p, c2s)
    out += struct.pack('<IIII', 1700000000 + i, 0, len(f), len(f)) + f
open(sys.argv[1], 'wb').write(out)
