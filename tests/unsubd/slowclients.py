#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# slowclients.py - slow HTTP clients for optin-unsubd's tests, bounded
# in count and time, loopback only
#
# usage: slowclients.py MODE PORT COUNT SECONDS READYFILE [SOURCE]
#   idle     COUNT connections that send nothing
#   trickle  COUNT connections that send a request's header one byte
#            every 0.5 s, never finishing it
# Writes READYFILE once the connections are open, runs for SECONDS, then
# prints "open=N cut=N maxcut=S": how many connections were still open
# at the end, how many the server closed, and the latest time (seconds
# after opening) at which it closed one. SOURCE binds the clients to
# that local address (default 127.0.0.1).
import selectors
import socket
import sys
import time

mode, port, count, seconds, ready = (sys.argv[1], int(sys.argv[2]),
                                     int(sys.argv[3]), float(sys.argv[4]),
                                     sys.argv[5])
source = sys.argv[6] if len(sys.argv) > 6 else "127.0.0.1"
head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10000
sel = selectors.DefaultSelector()
conns = []
start = time.monotonic()
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    s.setblocking(False)
    c = {"s": s, "at": time.monotonic(), "sent": 0, "cut": None}
    conns.append(c)
    sel.register(s, selectors.EVENT_READ, c)
open(ready, "w").close()
end = start + seconds
next_byte = time.monotonic()
while time.monotonic() < end:
    now = time.monotonic()
    if mode == "trickle" and now >= next_byte:
        for c in conns:
            if c["cut"] is None and c["sent"] < len(head):
                try:
                    c["s"].send(head[c["sent"]:c["sent"] + 1])
                    c["sent"] += 1
                except OSError:
                    c["cut"] = now - c["at"]
        next_byte = now + 0.5
    for key, _ in sel.select(timeout=0.1):
        c = key.data
        try:
            data = c["s"].recv(4096)
        except OSError:
            data = b""
        if not data and c["cut"] is None:
            c["cut"] = time.monotonic() - c["at"]
            sel.unregister(c["s"])
cut = [c["cut"] for c in conns if c["cut"] is not None]
print("open=%d cut=%d maxcut=%.1f" % (len(conns) - len(cut), len(cut),
                                       max(cut) if cut else 0.0))
for c in conns:
    c["s"].close()
