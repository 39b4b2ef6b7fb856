#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# rawhttp.py - send raw bytes to an HTTP server, report what came back
#
# usage: rawhttp.py PORT FILE [WAIT]
# Sends FILE as is to 127.0.0.1:PORT, reads until the server closes the
# connection or WAIT seconds (default 3) pass without data. Prints the
# status line of every response seen, then "closed" or "open".
import socket
import sys

port, path = int(sys.argv[1]), sys.argv[2]
wait = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
with open(path, "rb") as f:
    data = f.read()
s = socket.create_connection(("127.0.0.1", port), timeout=wait)
state = "open"
got = b""
try:
    s.sendall(data)
except OSError:
    pass
try:
    while True:
        b = s.recv(65536)
        if not b:
            state = "closed"
            break
        got += b
except socket.timeout:
    pass
except OSError:
    state = "closed"
s.close()
# walk the responses: status line, headers, Content-Length bytes of body
while got:
    end = got.find(b"\r\n\r\n")
    if end < 0:
        print("partial: " + got[:60].decode("latin-1"))
        break
    head = got[:end].split(b"\r\n")
    print(head[0].decode("latin-1"))
    n = 0
    for h in head[1:]:
        k, _, v = h.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
    got = got[end + 4 + n:]
print(state)
