#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# framing.sh - optin-unsubd reads every request body one way only: two
# Content-Length headers, Content-Length with Transfer-Encoding, or a
# Transfer-Encoding other than chunked get 400 and the connection is
# closed, so that nothing smuggled after them is executed; a chunked
# body over the limit gets 413. Raw sockets, loopback only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

RAW="python3 $top_srcdir/tests/unsubd/rawhttp.py"
unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
for a in amy bea cat; do
	"$C" -c "$T/om.conf" subscribe "$a@example.org" marketing >/dev/null
done
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# smuggle NAME HEADERS BODY: a POST /u/ with HEADERS (one per line) and
# BODY, then a hidden one-click for amy in the same packet
amy=$(token amy@example.org marketing)
hidden="POST /u/$amy HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\nList-Unsubscribe=One-Click"
send() {
	printf "$1" > "$T/req"
	out=$($RAW "$PORT" "$T/req")
}

bea=$(token bea@example.org marketing)
# the two readings of the same bytes: Content-Length 0, or the hidden
# request as the body of the first
n=$(printf "$hidden" | wc -c)
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nContent-Length: $n\r\n\r\n$hidden"
expect_eq "two Content-Length: 400 and closed" "$out" "HTTP/1.1 400 Bad Request
closed"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: $n\r\nContent-Length: 0\r\n\r\n$hidden"
expect_eq "two Content-Length (other order)" "$out" "HTTP/1.1 400 Bad Request
closed"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nContent-Length: $n\r\ncontent-length: $n\r\n\r\n$hidden"
expect_eq "two equal Content-Length" "$out" "HTTP/1.1 400 Bad Request
closed"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n$hidden"
expect_eq "Content-Length and chunked: 400 and closed" "$out" "HTTP/1.1 400 Bad Request
closed"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n$hidden"
expect_eq "chunked and Content-Length (other order)" "$out" "HTTP/1.1 400 Bad Request
closed"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n$hidden"
expect_eq "two Transfer-Encoding" "$out" "HTTP/1.1 400 Bad Request
closed"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n$hidden"
expect_eq "Transfer-Encoding other than chunked" "$out" "HTTP/1.1 400 Bad Request
closed"
send "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n$hidden"
expect_eq "GET with two Content-Length" "$out" "HTTP/1.1 400 Bad Request
closed"
check "the hidden requests did nothing" 0 "$C" -c "$T/om.conf" check amy@example.org marketing
check "bea untouched" 0 "$C" -c "$T/om.conf" check bea@example.org marketing
expect "logged" "$(cat "$T/unsubd.log")" "ambiguous framing"

# what is well framed still works, kept alive: two requests, two answers
body="List-Unsubscribe=One-Click"
send "POST /u/$bea HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\n${body}GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
expect_eq "pipelined, well framed" "$out" "HTTP/1.1 200 OK
HTTP/1.1 200 OK
closed"
check "bea unsubscribed" 1 "$C" -c "$T/om.conf" check bea@example.org marketing
cat=$(token cat@example.org marketing)
send "POST /u/$cat HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1a\r\n${body}\r\n0\r\n\r\n"
expect_eq "chunked one-click" "$out" "HTTP/1.1 200 OK
closed"
check "cat unsubscribed" 1 "$C" -c "$T/om.conf" check cat@example.org marketing

# a chunked body over the limit: 413, whatever its size, not a dropped
# connection; then the connection is closed
"$C" -c "$T/om.conf" subscribe cat@example.org marketing >/dev/null
for kib in 9 1100 4096; do
	python3 - "$T/req" "$cat" "$kib" <<'PY'
import sys
path, tok, kib = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunk = b"a" * 4096
with open(path, "wb") as f:
    f.write(b"POST /u/%s HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked"
            b"\r\n\r\n" % tok.encode())
    f.write(b"1a\r\nList-Unsubscribe=One-Click\r\n")
    for _ in range(kib // 4):
        f.write(b"1000\r\n" + chunk + b"\r\n")
    f.write(b"0\r\n\r\n")
PY
	out=$($RAW "$PORT" "$T/req" 10)
	expect_eq "chunked body of $kib KiB: 413 and closed" "$out" "HTTP/1.1 413 Content Too Large
closed"
done
check "cat still subscribed" 0 "$C" -c "$T/om.conf" check cat@example.org marketing
send "POST /u/$cat HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
expect_eq "declared oversized body: 413 at once, closed" "$out" "HTTP/1.1 413 Content Too Large
closed"

http "still serving" 200 "$BASE/healthz"
stop_unsubd
done_testing
