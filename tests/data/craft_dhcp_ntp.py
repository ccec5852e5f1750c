#!/usr/bin/env python3
"""Writes dhcp-options.pcap, dhcpv6-options.pcap and ntp-crafted.pcap: hand-made Ethernet/IP/UDP
frames (no traffic sent) for tests/dissect/tst_dhcp*, tst_ntp and tests/cli/protocolfields.
Run from tests/data: python3 craft_dhcp_ntp.py"""
import struct
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b))
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
def ip4(s): return bytes(int(x) for x in s.split('.'))
def udp4(src,dst,sp,dp,payload,mac1=b'\x00\x0b\x82\x01\xfc\x42',mac2=b'\xff'*6, udplen=None):
    ul = udplen if udplen is not None else 8+len(payload)
    u=struct.pack('!HHHH',sp,dp,ul,0)+payload
    ph=ip4(src)+ip4(dst)+struct.pack('!BBH',0,17,len(u))
    c=csum(ph+u); c = c or 0xffff
    u=u[:6]+struct.pack('!H',c)+u[8:]
    if udplen is not None: u=u[:6]+b'\0\0'+u[8:]
    ih=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(u),0,0,64,17,0,ip4(src),ip4(dst))
    ih=ih[:10]+struct.pack('!H',csum(ih))+ih[12:]
    return mac2+mac1+b'\x08\x00'+ih+u
def ip6(s):
    import socket; return socket.inet_pton(socket.AF_INET6,s)
def udp6(src,dst,sp,dp,payload,mac1=b'\x00\x01\x02\x03\x04\x05',mac2=b'\x33\x33\x00\x01\x00\x02'):
    u=struct.pack('!HHHH',sp,dp,8+len(payload),0)+payload
    ph=ip6(src)+ip6(dst)+struct.pack('!I3xB',len(u),17)
    c=csum(ph+u) or 0xffff
    u=u[:6]+struct.pack('!H',c)+u[8:]
    ih=struct.pack('!IHBB',0x60000000,len(u),17,64)+ip6(src)+ip6(dst)
    return mac2+mac1+b'\x86\xdd'+ih+u
def write(path,frames,t0=1700000000):
    with open(path,'wb') as f:
        f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
        for i,fr in enumerate(frames):
            if isinstance(fr,tuple): fr,caplen=fr
            else: caplen=len(fr)
            f.write(struct.pack('<IIII',t0+i,i*1000,caplen,len(fr)))
            f.write(fr[:caplen])
def bootp(op=1,xid=0x12345678,ciaddr='0.0.0.0',yiaddr='0.0.0.0',siaddr='0.0.0.0',giaddr='0.0.0.0',
          mac=b'\x00\x0b\x82\x01\xfc\x42',flags=0,secs=0,hops=0,htype=1,hlen=6,sname=b'',file=b'',cookie=True):
    chaddr=mac+b'\0'*(16-len(mac))
    h=struct.pack('!BBBBIHH4s4s4s4s16s64s128s',op,htype,hlen,hops,xid,secs,flags,ip4(ciaddr),ip4(yiaddr),ip4(siaddr),ip4(giaddr),chaddr,sname,file)
    if cookie: h+=b'\x63\x82\x53\x63'
    return h


def o(t, v): return bytes([t, len(v)]) + v

def dhcp_frames():
    fr = []
    opts = (o(53, b'\x03') + o(1, ip4('255.255.255.0')) + o(2, struct.pack('!i', -3600))
            + o(3, ip4('10.0.0.1') + ip4('10.0.0.2')) + o(6, ip4('8.8.8.8') + ip4('1.1.1.1'))
            + o(12, b'myhost') + o(15, b'example.com') + o(19, b'\x01') + o(26, b'\x05\xdc')
            + o(28, ip4('10.0.0.255')) + o(42, ip4('10.0.0.4')) + o(43, b'\x01\x02\x03')
            + o(50, ip4('10.0.0.9')) + o(51, b'\xff\xff\xff\xff') + o(54, ip4('10.0.0.1'))
            + o(57, b'\x05\xc0') + o(58, b'\x00\x00\x00\x00') + o(59, b'\x00\x01\x51\x80')
            + o(60, b'MSFT 5.0') + o(61, b'\x01\x00\x0b\x82\x01\xfc\x42') + o(61, b'\x00abc')
            + o(80, b'') + o(200, b'\xaa\xbb') + o(46, b'\x08') + b'\x00\x00'
            + o(55, bytes(range(1, 30))) + b'\xff' + b'\0' * 40)
    fr.append(udp4('10.0.0.1', '10.0.0.9', 67, 68, bootp(op=2, flags=0x8000) + opts))
    # option length past the end
    fr.append(udp4('0.0.0.0', '255.255.255.255', 68, 67, bootp() + o(53, b'\x01') + b'\x0c\x20abc'))
    # end option missing
    fr.append(udp4('0.0.0.0', '255.255.255.255', 68, 67, bootp() + o(53, b'\x01') + o(12, b'abc')))
    # option overload: options in both sname and file
    fb = (o(15, b'file.example') + b'\xff').ljust(128, b'\0')
    sn = (o(12, b'snamehost') + b'\xff').ljust(64, b'\0')
    fr.append(udp4('10.0.0.1', '10.0.0.9', 67, 68,
                   bootp(op=2, sname=sn, file=fb) + o(53, b'\x05') + o(52, b'\x03') + b'\xff'))
    fr.append(udp4('10.0.0.1', '10.0.0.9', 67, 68,
                   bootp(op=2, sname=b'srv1', file=b'/boot/pxe') + o(53, b'\x02') + b'\xff'))
    # RFC 951 BOOTP without the cookie
    fr.append(udp4('10.0.0.1', '10.0.0.9', 67, 68, bootp(op=2, cookie=False) + b'\x01' * 64))
    fr.append(udp4('0.0.0.0', '255.255.255.255', 68, 67, bootp() + o(53, b'\x63') + b'\xff'))
    # wrong fixed lengths
    fr.append(udp4('0.0.0.0', '255.255.255.255', 68, 67,
                   bootp() + o(53, b'\x08') + o(1, b'\xff\xff\xff') + o(51, b'\x00\x01')
                   + o(3, b'\x01\x02\x03\x04\x05') + o(55, b'') + b'\xff'))
    # 300 options
    many = b''.join(o(12, b'x') for _ in range(300))
    fr.append(udp4('0.0.0.0', '255.255.255.255', 68, 67, bootp() + o(53, b'\x01') + many + b'\xff'))
    # cut by the capture (snaplen 100)
    full = udp4('0.0.0.0', '255.255.255.255', 68, 67, bootp() + o(53, b'\x01') + b'\xff')
    fr.append((full, 100))
    # relay agent information, domain search (with a compression pointer), classless routes,
    # and empty options
    ext = (o(53, b'\x01') + o(82, o(1, b'eth0/1') + o(2, b'\x00\x11\x22\x33\x44\x55')
                                 + o(5, ip4('10.1.2.0')) + o(6, b'sub'))
           + o(119, b'\x07example\x03com\x00\x04corp\xc0\x00')
           + o(121, bytes([24, 192, 168, 1, 10, 0, 0, 1, 0, 10, 0, 0, 254]))
           + o(1, b'') + o(3, b'') + o(12, b'') + o(51, b'') + b'\xff')
    fr.append(udp4('0.0.0.0', '255.255.255.255', 68, 67, bootp() + ext))
    return fr

def opt(t,v): return struct.pack('!HH',t,len(v))+v
def dname(*names):
    out=b''
    for n in names:
        for l in n.split('.'): out+=bytes([len(l)])+l.encode()
        out+=b'\0'
    return out
def msg(t,xid,opts): return bytes([t])+xid.to_bytes(3,'big')+opts
cid=opt(1,bytes.fromhex('00030001000102030405'))
sid=opt(2,bytes.fromhex('000100011846488c001122334455'))

def dhcpv6_frames():
    fr = []
    fr.append(udp6('fe80::1', 'ff02::1:2', 546, 547, msg(1, 0x1234, cid + opt(6, b''.join(struct.pack('!H', i) for i in (23, 24, 31, 999))) + opt(8, b'\x00\x64'))))
    fr.append(udp6('fe80::2', 'fe80::1', 547, 546, msg(7, 0x1234, sid + cid + opt(13, b'\x00\x02no addrs') + opt(23, ip6('2001:db8::53') + ip6('2001:db8::54')) + opt(24, dname('example.com', 'corp.example')) + opt(14, b'') + opt(3, bytes.fromhex('0203040500000e1000001518') + opt(5, ip6('2001:db8::10') + bytes.fromhex('0000119400001c20') + opt(13, b'\x00\x00ok'))) + opt(999, b'\xaa\xbb') + opt(1, bytes.fromhex('0004' + '11' * 16)))))
    inner = msg(1, 0x5555, cid + opt(8, b'\x00\x00'))
    fr.append(udp6('2001:db8::1', '2001:db8::2', 547, 547, bytes([12, 1]) + ip6('2001:db8::1') + ip6('fe80::1') + opt(18, b'eth0') + opt(9, inner)))
    fr.append(udp6('fe80::2', 'fe80::1', 547, 546, msg(7, 0x99, opt(13, b'\x00\x00'))))
    # a client identifier claiming 48 bytes of the 2 there
    fr.append(udp6('fe80::2', 'fe80::1', 547, 546, msg(7, 0x77, b'\x00\x01\x00\x30\x00\x03')))
    return fr

def ntp(flags, stratum, poll, prec, rd, rdisp, refid, ts):
    return struct.pack('!BBBbII4s', flags, stratum, poll, prec, rd, rdisp, refid) + b''.join(struct.pack('!II', a, b) for a, b in ts)

def ntp_frames():
    z = [(0, 0)] * 4
    fr = []
    fr.append(udp4('127.0.0.1', '127.0.0.1', 40000, 123, ntp(0xe3, 0, 0, 0x20, 0, 0, b'\0\0\0\0', [(0, 0), (0, 0), (0, 0), (0xe9000000, 0x80000000)])))
    fr.append(udp4('127.0.0.1', '127.0.0.1', 123, 40000, ntp(0x24, 1, 4, -23, 0x00010000, 0x8000, b'GPS\0', [(0xe9000000, 1), (0xe9000000, 0x80000000), (0x10000000, 0xffffffff), (0x7fffffff, 0x12345678)])))
    fr.append(udp4('127.0.0.1', '127.0.0.1', 123, 40000, ntp(0x1c, 0, 17, 0, 0xffffffff, 0, b'RATE', z)))
    fr.append(udp4('127.0.0.1', '127.0.0.1', 123, 40000, ntp(0x5c, 16, 3, -6, 0, 0, b'\x0a\x00\x00\x01', z)))
    fr.append(udp4('127.0.0.1', '127.0.0.1', 123, 40000, ntp(0xd4, 200, 255, 127, 0, 0, b'LOCL', z)))
    fr.append(udp4('127.0.0.1', '127.0.0.1', 123, 40000, ntp(0xd4, 1, 6, -20, 0, 0, b'PPS\0', z)[:30]))
    fr.append(udp4('127.0.0.1', '127.0.0.1', 40000, 123, ntp(0x15, 2, 6, -20, 0, 0, b'\x7f\0\0\x01', z) + b'\x00' * 20))
    fr.append((udp4('127.0.0.1', '127.0.0.1', 40000, 123, ntp(0x23, 2, 6, -20, 0, 0, b'\x7f\0\0\x01', z)), 70))
    return fr

if __name__ == '__main__':
    write('dhcp-options.pcap', dhcp_frames())
    write('dhcpv6-options.pcap', dhcpv6_frames())
    write('ntp-crafted.pcap', ntp_frames())
