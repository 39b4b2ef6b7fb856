#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# guard64.sh - the connection limit counts an IPv6 /64 as one client,
# and a trusted proxy's connections count against nobody: with the
# proxy (2001:db8::10) holding 64 connections, another host of its /64
# is still served; 64 connections of one host keep out another host of
# the same /64, not one of another /64. Runs in a network namespace of
# its own (unshare -n) with addresses on lo; needs root.
NS=-n NS_NEEDS=ip . "$(dirname "$0")/../unshare.sh"
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
ip link set lo up
for a in 2001:db8::10 2001:db8::20 2001:db8::30 2001:db8:1::20; do
	ip -6 addr add "$a/128" dev lo nodad
done
unsubd_conf
sed -i -e "s/^listen .*/listen [2001:db8::10]:$PORT/" "$T/om.conf"
sed -i -e '/^trusted-proxy/d' "$T/om.conf"
echo "trusted-proxy 2001:db8::10" >> "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" 2>/dev/null
# start_unsubd's curl cannot name the address: wait for the socket here
_i=0
until curl -s -o /dev/null "http://[2001:db8::10]:$PORT/healthz" || [ $_i -ge 200 ]; do
	sleep 0.05
	_i=$((_i + 1))
done

# hold HOST N OTHER...: N idle connections from HOST, then one GET
# /healthz from each OTHER host; prints "OTHER STATUS" for each. An OTHER
# written !ADDR is to be refused: until it is, up to 20 times in 2 s,
# its GET is sent again (the server may not have accepted all N yet)
hold() {
	python3 - "$PORT" "$@" <<'PY'
import socket, sys, time
port, src, n, others = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
held = []
for i in range(n):
    s = socket.socket(socket.AF_INET6)
    s.bind((src, 0))
    s.connect(("2001:db8::10", port))
    held.append(s)
time.sleep(0.3)
def get(o):
    s = socket.socket(socket.AF_INET6)
    s.settimeout(3)
    s.bind((o, 0))
    try:
        s.connect(("2001:db8::10", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        d = s.recv(100)
        line = d.split(b"\r\n")[0].decode() or "closed"
    except Exception:
        line = "closed"
    s.close()
    return line.split(" ")[1] if line.startswith("HTTP/") else line
for o in others:
    refused = o.startswith("!")
    o = o.lstrip("!")
    got = get(o)
    for i in range(19):
        if not refused or got == "closed":
            break
        time.sleep(0.1)
        got = get(o)
    print(o, got)
for s in held:
    s.close()
time.sleep(0.3)
PY
}
out=$(hold 2001:db8::10 64 2001:db8::20 2001:db8:1::20)
expect "the proxy holds 64: a host of its /64 is served" "$out" "2001:db8::20 200"
expect "and one of another /64" "$out" "2001:db8:1::20 200"
out=$(hold 2001:db8::20 64 !2001:db8::30 2001:db8:1::20)
expect "a host holds 64: another of its /64 is not served" "$out" "2001:db8::30 closed"
expect "one of another /64 is" "$out" "2001:db8:1::20 200"
stop_unsubd
done_testing
