#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# faults.sh - the milter killed under a running Postfix: list mail waits
# (milter_default_action = tempfail) and nothing goes out unchecked; after
# a restart the same mail is checked and delivered. The database removed
# or cut short under the running milter: list mail waits, the milter
# lives, and it decides again once the file is back
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing
send_smtp "f1" news@example.com "alice@example.org,carol@example.org"
expect "f1 queued" "$out" "250 2.0.0 Ok: queued"

# kill -9: the socket stays behind, nobody answers it
kill -9 "$milter_pid"
wait "$milter_pid" 2>/dev/null
milter_pid=""
send_smtp "f2" news@example.com "alice@example.org,carol@example.org"
expect "f2 waits" "$out" "451 4.7.1"
expect_not "f2 not queued" "$out" "queued"

# restart on the stale socket: mail flows again, checked
start_milter "$T/om.conf" "$T/milter2.log" || done_testing
send_smtp "f3" news@example.com "alice@example.org,carol@example.org"
expect "f3 queued" "$out" "250 2.0.0 Ok: queued"
pf_wait 2 || true
expect_eq "f1 checked" "$(rcpts "$(sink_for f1)")" "alice@example.org "
expect_eq "f3 checked" "$(rcpts "$(sink_for f3)")" "alice@example.org "
[ -z "$(sink_for f2)" ] && ok || fail "f2 went out while the milter was dead"
expect "f3 headers" "$(cat "$(sink_for f3)")" "List-Unsubscribe-Post: List-Unsubscribe=One-Click"

# the database vanishes under a running milter, then returns: no
# decision from a file that is no longer at the path; list mail waits
mv "$T/db" "$T/db.away"
sleep 1.1
send_smtp "f4" news@example.com "alice@example.org"
expect "f4 waits" "$out" "451 4.3.0"
expect_not "f4 not queued" "$out" "queued"
expect "f4 logged" "$(cat "$T/milter2.log")" "data.mdb was removed"
mv "$T/db.away" "$T/db"
sleep 1.1
send_smtp "f5" news@example.com "alice@example.org,carol@example.org"
expect "f5 queued" "$out" "250 2.0.0 Ok: queued"
pf_wait 1 || true
expect_eq "f5 checked" "$(rcpts "$(sink_for f5)")" "alice@example.org "

# truncated under the running milter (8 KiB, then nothing): list mail
# waits, the milter lives (a SIGBUS would have killed it), and once the
# file is put back it decides again without a restart
cp "$T/db/data.mdb" "$T/saved.mdb"
for size in 8192 0; do
	truncate -s "$size" "$T/db/data.mdb"
	send_smtp "t$size" news@example.com "alice@example.org,carol@example.org"
	expect "t$size waits" "$out" "451 4.3.0"
	expect_not "t$size not queued" "$out" "queued"
	kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter died on a file cut to $size"
	cp "$T/saved.mdb" "$T/db/data.mdb"
	sleep 1.1
done
send_smtp "f6" news@example.com "alice@example.org,carol@example.org"
expect "f6 queued" "$out" "250 2.0.0 Ok: queued"
pf_wait 1 || true
expect_eq "f6 checked" "$(rcpts "$(sink_for f6)")" "alice@example.org "
[ -z "$(sink_for t8192)$(sink_for t0)" ] && ok || fail "mail went out while the file was cut short"
stop_milter
done_testing
