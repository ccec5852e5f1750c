# Makes the TLS exchange of tests/data/tls-1{2,3}-split.pcap on loopback: python3 tls_loopback.py 1.2|1.3 <server port> <client port>
# (client connects to the relay tls_relay.py on 443, which forwards in 300-byte writes); run under tcpdump -i lo -w.
# Certificate: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -days 3650 -subj "/CN=test.packetlens.example"
import ssl, socket, threading, sys, time
ver = sys.argv[1]; port = int(sys.argv[2]); cport = int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain('cert.pem', 'key.pem')
ctx.set_alpn_protocols(['h2', 'http/1.1'])
if ver == '1.2':
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers('ECDHE-ECDSA-AES128-GCM-SHA256')
srv = socket.socket(); srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 400); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    s = ctx.wrap_socket(c, server_side=True)
    data = s.recv(100)
    s.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello')
    s.unwrap() if False else None
    s.close()
t = threading.Thread(target=serve); t.start()
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
cctx.set_alpn_protocols(['h2', 'http/1.1'])
if ver == '1.2':
    cctx.maximum_version = ssl.TLSVersion.TLSv1_2
c = socket.socket(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 400); c.connect(("127.0.0.1", cport))
s = cctx.wrap_socket(c, server_hostname='test.packetlens.example')
s.sendall(b'GET / HTTP/1.1\r\nHost: test.packetlens.example\r\n\r\n')
print(s.recv(100), s.version(), s.selected_alpn_protocol())
s.close(); t.join()
