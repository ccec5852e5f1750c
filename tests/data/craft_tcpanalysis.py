import struct, sys
# Crafted TCP conversations for the SEQ/ACK analysis (see tests/data/README.md).
# Usage: craft_tcpanalysis.py OUT.pcap [scenario,...]
# Each scenario: list of (t_ms, dir, seq_rel, ack_rel, flags, win, paylen[, opts])
A=('10.0.0.1',40000); B=('10.0.0.2',5001)
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return (~s)&0xffff
def ip4(a): return bytes(int(x) for x in a.split('.'))
F={'F':1,'S':2,'R':4,'P':8,'A':16}
def pkt(src,dst,seq,ack,flags,win,plen,opts=b''):
    fl=sum(F[c] for c in flags)
    hl=20+len(opts)
    tcp=struct.pack('!HHIIBBHHH',src[1],dst[1],seq&0xffffffff,ack&0xffffffff,(hl//4)<<4,fl,win,0,0)+opts+b'x'*plen
    ph=ip4(src[0])+ip4(dst[0])+struct.pack('!BBH',0,6,len(tcp))
    c=csum(ph+tcp); tcp=tcp[:16]+struct.pack('!H',c)+tcp[18:]
    ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(tcp),1,0,64,6,0,ip4(src[0]),ip4(dst[0]))
    ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
    return b'\0\1\2\3\4\5'+b'\0\1\2\3\4\6'+b'\x08\x00'+ip+tcp
def write(name, scenarios):
    out=open(name,'wb'); out.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
    t0=1700000000.0; base=0
    for i,sc in enumerate(scenarios):
        a=(A[0],A[1]+i); b=B
        isnA,isnB=1000000*(i+1),5000000*(i+1)
        for row in sc:
            tms,d,seq,ack,flags,win,plen=row[:7]; opts=row[7] if len(row)>7 else b''
            src,dst=(a,b) if d=='>' else (b,a)
            s=(isnA if d=='>' else isnB)+seq; k=(isnB if d=='>' else isnA)+ack
            if 'A' not in flags: k=0
            p=pkt(src,dst,s,k,flags,win,plen,opts)
            t=t0+base+tms/1000.0
            out.write(struct.pack('<IIII',int(t),int(round((t-int(t))*1e6)),len(p),len(p))+p)
        base+=10
hs=[(0,'>',0,0,'S',65535,0),(1,'<',0,1,'SA',65535,0),(2,'>',1,1,'A',65535,0)]
sc={}
# retransmission (RTO) + spurious + dup acks + fast retrans + ooo
sc['retrans']=hs+[(10,'>',1,1,'PA',65535,100),(11,'<',1,101,'A',65535,0),(12,'>',101,1,'PA',65535,100),(300,'>',101,1,'PA',65535,100),(301,'<',1,201,'A',65535,0)]
sc['spurious']=hs+[(10,'>',1,1,'PA',65535,100),(11,'<',1,101,'A',65535,0),(200,'>',1,1,'PA',65535,100),(201,'<',1,101,'A',65535,0)]
sc['dupfast']=hs+[(10,'>',1,1,'A',65535,100),(10.1,'>',201,1,'A',65535,100),(10.2,'>',301,1,'A',65535,100),(10.3,'>',401,1,'A',65535,100),
  (11,'<',1,101,'A',65535,0),(11.1,'<',1,101,'A',65535,0),(11.2,'<',1,101,'A',65535,0),(11.3,'<',1,101,'A',65535,0),(12,'>',101,1,'A',65535,100),(13,'<',1,501,'A',65535,0)]
sc['ooo']=hs+[(10,'>',1,1,'A',65535,100),(10.5,'>',201,1,'A',65535,100),(11,'>',101,1,'A',65535,100),(12,'<',1,301,'A',65535,0)]
sc['acklost']=hs+[(10,'>',1,1,'A',65535,100),(12,'<',1,301,'A',65535,0),(13,'>',301,1,'A',65535,100),(14,'<',1,401,'A',65535,0)]
sc['zerowin']=hs+[(10,'>',1,1,'A',65535,1000),(11,'<',1,1001,'A',1000,0),(12,'>',1001,1,'A',65535,1000),(13,'<',1,2001,'A',0,0),(500,'>',2001,1,'A',65535,1),(501,'<',1,2001,'A',0,0),(1500,'>',2001,1,'A',65535,1),(1501,'<',1,2001,'A',0,0),(2000,'<',1,2001,'A',4000,0),(2001,'>',2001,1,'A',65535,100),(2002,'<',1,2101,'A',4000,0)]
sc['keepalive']=hs+[(10,'>',1,1,'PA',65535,10),(11,'<',1,11,'A',65535,0),(5000,'>',10,1,'A',65535,0),(5001,'<',1,11,'A',65535,0),(9000,'>',10,1,'A',65535,1),(9001,'<',1,11,'A',65535,0)]
sc['winupd']=hs+[(10,'>',1,1,'A',65535,100),(11,'<',1,101,'A',30000,0),(12,'<',1,101,'A',40000,0),(13,'<',1,101,'A',40000,0),(14,'<',1,101,'FA',40000,0),(15,'>',101,2,'FA',65535,0),(16,'<',2,102,'A',40000,0)]
sc['rst']=hs+[(10,'>',1,1,'PA',65535,10),(11,'<',1,11,'RA',0,0)]
sc['reuse']=hs+[(10,'>',1,1,'FA',65535,0),(11,'<',1,2,'FA',65535,0),(12,'>',2,2,'A',65535,0),(1000,'>',100000,0,'S',65535,0),(1001,'<',200000,100001,'SA',65535,0),(1002,'>',100001,200001,'A',65535,0),(1010,'>',100001,200001,'PA',65535,20),(1011,'<',200001,100021,'A',65535,0)]
sc['midstream']=[(0,'>',100,1,'A',65535,100),(1,'<',1,200,'A',65535,0),(2,'>',200,1,'A',65535,100),(3,'<',1,500,'A',65535,0)]
sc['synretrans']=[(0,'>',0,0,'S',65535,0),(1000,'>',0,0,'S',65535,0),(1001,'<',0,1,'SA',65535,0),(1002,'>',1,1,'A',65535,0)]
sc['finretrans']=hs+[(10,'>',1,1,'FA',65535,0),(300,'>',1,1,'FA',65535,0),(301,'<',1,2,'FA',65535,0),(302,'>',2,2,'A',65535,0)]
# a data segment with FIN retransmitted, and a data segment retransmitted after it (bytes in flight)
sc['datafinretrans']=hs+[(10,'>',1,1,'PA',65535,100),(11,'>',101,1,'FPA',65535,100),(300,'>',1,1,'PA',65535,100),(301,'>',101,1,'FPA',65535,100),(302,'<',1,202,'FA',65535,0),(303,'>',202,2,'A',65535,0)]
names=sys.argv[2].split(',') if len(sys.argv)>2 else list(sc)
write(sys.argv[1],[sc[n] for n in names])
