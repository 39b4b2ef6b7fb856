#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# durability.sh - kill -9 of optin-unsubd right after a burst of
# acknowledged one-click POSTs: after a restart every acknowledged
# unsubscribe is in the database
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
N=300
people $N
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# 32 clients at once (one-click POSTs share group commits); each line records what the client was told
xargs -P 32 -L 1 sh -c 'code=$(curl -s -o /dev/null -w "%{http_code}" \
    -d List-Unsubscribe=One-Click "'"$BASE"'/u/$1"); echo "$0 $code"' \
    < "$T/tokens" > "$T/acks" &
burst=$!
# kill it hard as soon as the first one is acknowledged, while the burst
# goes on (a fixed pause let nothing through in time on a slow machine)
i=0
until grep -q ' 200$' "$T/acks" 2>/dev/null || [ $i -ge 2000 ]; do
	sleep 0.01
	i=$((i + 1))
done
kill -9 "$unsubd_pid"
wait "$unsubd_pid" 2>/dev/null
unsubd_pid=""
wait "$burst"
acked=$(awk '$2 == 200' "$T/acks" | wc -l)
echo "# $acked of $N acknowledged before the kill"
[ "$acked" -gt 0 ] && ok || fail "nothing was acknowledged before the kill"

# restart on the same database; every acknowledged one holds
start_unsubd "$T/om.conf" "$T/unsubd2.log" || done_testing
for i in $(awk '$2 == 200 { print $1 }' "$T/acks"); do
	out=$("$C" -c "$T/om.conf" check "p$i@example.org" marketing)
	expect_eq "acknowledged p$i kept" "$out" "deny opted-out"
done
# and the ones not acknowledged can simply be sent again
for i in $(awk '$2 != 200 { print $1 }' "$T/acks"); do
	tok=$(awk -v i="$i" '$1 == i { print $2 }' "$T/tokens")
	http "retry p$i" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
done
stop_unsubd
check "stats" 0 "$C" -c "$T/om.conf" stats
expect "all $N out" "$out" "list marketing opt-in=0 relationship=0 opt-out=$N"
done_testing
