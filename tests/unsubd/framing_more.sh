#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# framing_more.sh - framing that a proxy in front could read otherwise
# than optin-unsubd does: white space before a header's colon, obs-fold
# (RFC 9112 5.2: reject, or replace by a space), a chunk extension whose
# quoted string holds CR LF, a bare CR in a header value, a trailer or
# the request line (method, path or query as it came), %00 or a tab in
# the path, a request line that is not HTTP/1.0 or 1.1. Each must get 400 and the connection
# closed, and the one-click hidden behind it must do nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

RAW="python3 $top_srcdir/tests/unsubd/rawhttp.py"
unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
for a in amy bea; do
	"$C" -c "$T/om.conf" subscribe "$a@example.org" marketing >/dev/null
done
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
amy=$(token amy@example.org marketing)
bea=$(token bea@example.org marketing)
hidden="POST /u/$amy HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\nList-Unsubscribe=One-Click"
n=$(printf "$hidden" | wc -c)
P="POST /u/$bea HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"

# try NAME REQUEST: 400, closed, and amy still subscribed
try() {
	printf "$2" > "$T/req"
	out=$($RAW "$PORT" "$T/req" 3)
	expect_eq "$1: 400 and closed" "$out" "HTTP/1.1 400 Bad Request
closed"
	check "$1: the hidden one-click did nothing" 0 \
	    "$C" -c "$T/om.conf" check amy@example.org marketing
	"$C" -c "$T/om.conf" subscribe amy@example.org marketing >/dev/null
}
try "Content-Length with a space before the colon" \
    "${P}Content-Length : $n\r\n\r\n$hidden"
try "Transfer-Encoding with a space before the colon" \
    "${P}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n$hidden"
try "Content-Length folded onto the next line" \
    "${P}Content-Length: 0\r\n $n\r\n\r\n$hidden"
try "Content-Length hidden in a folded header" \
    "${P}X-A: a\r\n Content-Length: $n\r\nContent-Length: 0\r\n\r\n$hidden"
try "chunk extension with CR LF in a quoted string" \
    "${P}Transfer-Encoding: chunked\r\n\r\n0;ext=\"x\r\n\r\n$hidden\"\r\n\r\n"
# a bare CR ends a line for some readers (RFC 9112 2.2: reject it): it
# hides a Content-Length (a raw NUL in a value or the request line cannot
# be seen: libmicrohttpd 0.9.75 hands over only what comes before it;
# nginx refuses both)
G="GET /healthz HTTP/1.1\r\nHost: x\r\n"
try "Content-Length behind a bare CR in a value" \
    "${G}X-A: a\rContent-Length: $n\r\n\r\n$hidden"
try "Content-Length behind a bare CR in the request line" \
    "GET /healthz\rContent-Length: $n HTTP/1.1\r\nHost: x\r\n\r\n$hidden"
try "Content-Length behind a bare CR in the query" \
    "GET /healthz?a\rContent-Length: $n HTTP/1.1\r\nHost: x\r\n\r\n$hidden"
try "Content-Length behind a bare CR in the method" \
    "GET\rContent-Length: $n /healthz HTTP/1.1\r\nHost: x\r\n\r\n$hidden"
try "a tab in the path" "GET /heal\tthz HTTP/1.1\r\nHost: x\r\n\r\n"
try "a request line without a version" "GET /healthz\r\nHost: x\r\n\r\n"
try "HTTP/1.2" "GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n"
# a chunked one-click whose trailer holds a bare CR
printf "${P}Transfer-Encoding: chunked\r\n\r\n1a\r\nList-Unsubscribe=One-Click\r\n0\r\nX-T: a\rContent-Length: 5\r\n\r\n" > "$T/req"
expect_eq "a bare CR in a trailer: 400 and closed" "$($RAW "$PORT" "$T/req" 3)" "HTTP/1.1 400 Bad Request
closed"
# %00 in the path: the path is not cut short at it
try "a one-click with %00 and more after its token" \
    "POST /u/$amy%%00junk HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\nList-Unsubscribe=One-Click"
try "a route with %00 and more after it" \
    "GET /healthz%%00junk HTTP/1.1\r\nHost: x\r\n\r\n"
# a control character encoded in the query frames nothing: served
printf "GET /healthz?utm_content=a%%0Ab&q=%%09&x=%%0D%%0A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" > "$T/req"
expect_eq "encoded control characters in the query" "$($RAW "$PORT" "$T/req" 3)" "HTTP/1.1 200 OK
closed"
# a value with a tab, or octets above 127, is fine
printf "GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: a\tb \303\251\r\nConnection: close\r\n\r\n" > "$T/req"
expect_eq "tab and UTF-8 in a value" "$($RAW "$PORT" "$T/req" 3)" "HTTP/1.1 200 OK
closed"
# a one-click link that a mail program broke: the link page, and closed
printf "GET /u/$amy%%0d%%0a HTTP/1.1\r\nHost: x\r\n\r\n" > "$T/req"
expect_eq "a link with %0d%0a: 400 and closed" "$($RAW "$PORT" "$T/req" 3)" "HTTP/1.1 400 Bad Request
closed"
check "bea untouched" 0 "$C" -c "$T/om.conf" check bea@example.org marketing
stop_unsubd
done_testing
