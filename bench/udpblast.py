#!/usr/bin/env python3
"""Send UDP datagrams to ADDR:PORT as fast as one Python loop can, for SECONDS (fallback sender
of livecapture.sh when no C compiler is installed; expect a few hundred thousand packets/s).

    udpblast.py ADDR PORT PAYLOAD_BYTES SECONDS

Prints "sent N packets in T s" on stdout. Datagrams the kernel refuses (ENOBUFS and the like) are
not counted.
"""

import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    addr, port, size, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Not connected: a connected socket would report the ICMP port-unreachable replies of the
    # receiving side as errors on later sends.
    dest = (addr, port)
    payload = bytes(size)
    send = s.sendto
    sent = 0
    t0 = time.monotonic()
    end = t0 + seconds
    while True:
        for _ in range(1024):
            try:
                send(payload, dest)
                sent += 1
            except OSError:
                pass
        if time.monotonic() >= end:
            break
    print(f"sent {sent} packets in {time.monotonic() - t0:.3f} s")


if __name__ == "__main__":
    main()
