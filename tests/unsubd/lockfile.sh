#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# lockfile.sh - lock.mdb removed under a running optin-unsubd (a
# postmaster "cleaning a stale lock"): the next writer makes a new
# lock.mdb, and two processes then hold the writer lock at once. A
# one-click answered 200 while another writer's transaction is open
# must still be in the file when that writer has committed: optinctl
# check must see every acknowledged unsubscribe.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
N=6
people $N
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
tok0=$(awk '$1 == 0 { print $2 }' "$T/tokens")
http "before: one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok0"

rm -f "$T/db/lock.mdb"
# another writer opens a transaction and keeps it for 3 s
"$top_builddir/tests/unsubd/holdwrite" "$T/db" hold 3000 > "$T/hold.out" 2>&1 &
hold=$!
i=0
until grep -q holding "$T/hold.out" || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done
expect "the other writer holds its transaction" "$(cat "$T/hold.out")" "holding"
# one-clicks meanwhile: 200 (after the other commits) or 503, never lost
awk '$1 >= 1' "$T/tokens" | while read -r i tok; do
	code=$(curl -s -m 15 -o /dev/null -w '%{http_code}' \
	    -d List-Unsubscribe=One-Click "$BASE/u/$tok")
	echo "$i $code"
done > "$T/acks"
wait "$hold"
expect_eq "the other writer committed" "$?" 0
acked=0
for i in $(awk '$2 == 200 { print $1 }' "$T/acks"); do
	acked=$((acked + 1))
	out=$("$C" -c "$T/om.conf" check "p$i@example.org" marketing 2>&1)
	expect_eq "acknowledged p$i is opted out" "$out" "deny opted-out"
done
echo "# $acked of $((N - 1)) acknowledged: $(awk '{ print $2 }' "$T/acks" | tr '\n' ' ')"
out=$("$C" -c "$T/om.conf" check p0@example.org marketing 2>&1)
expect_eq "the one from before is still opted out" "$out" "deny opted-out"
stop_unsubd
done_testing
