# Relay for tls_loopback.py: python3 tls_relay.py <listen port> <server port>; writes in 300-byte pieces so TLS records span TCP segments.
import socket, threading, time, sys
lport, dport = int(sys.argv[1]), int(sys.argv[2])
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(('127.0.0.1', lport)); ls.listen(1)
def pump(a, b):
    b.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        data = a.recv(65536)
        if not data:
            try: b.shutdown(socket.SHUT_WR)
            except OSError: pass
            return
        for i in range(0, len(data), 300):
            b.sendall(data[i:i+300]); time.sleep(0.005)
c, _ = ls.accept()
s = socket.create_connection(('127.0.0.1', dport))
t1 = threading.Thread(target=pump, args=(c, s)); t2 = threading.Thread(target=pump, args=(s, c))
t1.start(); t2.start(); t1.join(); t2.join()
