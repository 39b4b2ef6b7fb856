#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# fifo.sh - data.mdb replaced by something that is not a file (a FIFO,
# a directory, a device) under a running optin-milter: list mail gets
# on-error (tempfail) at once, nothing hangs, and the milter serves
# again when the file is back. Opening a FIFO for reading blocks until
# a writer comes, so a milter that open()s what is at the path without
# looking hangs for good.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null
db="$T/db/data.mdb"
log="$T/milter.log"
start_milter "$T/om.conf" "$log" || done_testing
sock="unix:$T/milter.sock"
lua monitor_free.lua

# tlua SCRIPT: lua with a bound, so that a hang fails instead of waiting
tlua() {
	check "miltertest $1 within 20 s" 0 timeout 20 miltertest \
	    -s "$top_srcdir/tests/milter/$1" -D sock="$sock" \
	    -D lib="$top_srcdir/tests/milter/lib.lua"
}
mv "$db" "$T/away.mdb"
for kind in fifo dir null; do
	case $kind in
	fifo) mkfifo "$db" ;;
	dir) mkdir "$db" ;;
	null) ln -s /dev/null "$db" ;;
	esac
	sleep 1.1
	tlua nodb.lua
	kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter died ($kind)"
	rm -rf "$db"
done
mv "$T/away.mdb" "$db"
sleep 1.1
tlua monitor_free.lua
stop_milter
done_testing
