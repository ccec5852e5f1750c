# Crafts ipfrag-crafted.pcap: IPv4 and IPv6 fragment sequences for the defragmentation tests
# (in order, reverse order, conflicting overlap, several tails, a missing piece, a fragment
# ending past 65535, a duplicate). Usage: python3 craft_ipfrag.py ipfrag-crafted.pcap
import struct, sys
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); 
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
SRC=bytes([10,0,0,1]); DST=bytes([10,0,0,2])
def ip4(id_, off, mf, payload, proto=17, src=SRC, dst=DST):
    h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(payload),id_,(0x2000 if mf else 0)|(off//8),64,proto,0,src,dst)
    h=h[:10]+struct.pack('!H',csum(h))+h[12:]
    return h+payload
def eth(p, t=0x0800): return bytes.fromhex('000000000002000000000001')+struct.pack('!H',t)+p
def udp(data, sp=1234, dp=9999): return struct.pack('!HHHH',sp,dp,8+len(data),0)+data
frames=[]
def add(p, t=0x0800): frames.append(eth(p,t))
# A: in order, id 1: udp 8 + 32 data = 40 bytes: 0-15,16-31,32-39
d=udp(bytes(range(32)))
add(ip4(1,0,1,d[0:16])); add(ip4(1,16,1,d[16:32])); add(ip4(1,32,0,d[32:40]))
# B: reverse, id 2
d=udp(bytes(range(100,132)))
add(ip4(2,32,0,d[32:40])); add(ip4(2,16,1,d[16:32])); add(ip4(2,0,1,d[0:16]))
# C: overlap conflict id 3: 0-15, 8-23 (different), 24-39 tail
d=udp(bytes(range(32)))
bad=bytearray(d[8:24]); bad[0]^=0xff
add(ip4(3,0,1,d[0:16])); add(ip4(3,8,1,bytes(bad))); add(ip4(3,24,0,d[24:40]))
# D: multiple tails id 4: tail 16-31 (end 32), tail 16-23 (end 24), first 0-15
d=udp(bytes(range(24)))
add(ip4(4,16,0,d[16:32]+b'\0'*0 if len(d)>=32 else d[16:32]+bytes(32-len(d)))); add(ip4(4,16,0,d[16:24])); add(ip4(4,0,1,d[0:16]))
# E: missing piece id 5
d=udp(bytes(range(32)))
add(ip4(5,0,1,d[0:16])); add(ip4(5,32,0,d[32:40]))
# F: too long id 6: offset 65528 + 16 bytes
add(ip4(6,65528,0,bytes(16)))
# G: duplicate same data id 7: 0-15, 0-15, 16-39 tail
d=udp(bytes(range(32)))
add(ip4(7,0,1,d[0:16])); add(ip4(7,0,1,d[0:16])); add(ip4(7,16,0,d[16:40]))
# IPv6 in order and reverse
S6=bytes.fromhex('fe800000000000000000000000000001'); D6=bytes.fromhex('fe800000000000000000000000000002')
def ip6(ident, off, m, payload, nxt=17):
    fh=struct.pack('!BBHI',nxt,0,(off//8)<<3|(1 if m else 0),ident)
    return struct.pack('!IHBB16s16s',0x60000000,8+len(payload),44,64,S6,D6)+fh+payload
d=udp(bytes(range(32)))
add(ip6(0x11,0,1,d[0:16]),0x86dd); add(ip6(0x11,16,1,d[16:32]),0x86dd); add(ip6(0x11,32,0,d[32:40]),0x86dd)
add(ip6(0x12,32,0,d[32:40]),0x86dd); add(ip6(0x12,16,1,d[16:32]),0x86dd); add(ip6(0x12,0,1,d[0:16]),0x86dd)
with open(sys.argv[1],'wb') as f:
    f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
    for i,fr in enumerate(frames):
        f.write(struct.pack('<IIII',1700000000+i,0,len(fr),len(fr))); f.write(fr)
