#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# groupcommit.sh - 16 one-click POSTs at a time: optin-unsubd answers every
# one 200 after it is recorded, and shares commits between them (fewer
# write transactions than unsubscribes, counted by LMDB's transaction
# id); bench/unsubd_each, the benchmark's floor built from the same
# sources with -DCOMMIT_EACH, commits exactly once per unsubscribe
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

command -v mdb_stat >/dev/null || { echo "SKIP: mdb_stat (lmdb-utils) missing"; exit 77; }
unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
N=400
{
	echo "address,list,status"
	i=0
	while [ $i -lt $((2 * N)) ]; do
		echo "g$i@example.org,marketing,opt-in"
		i=$((i + 1))
	done
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null

# txn: the id of the last committed write transaction
txn() {
	mdb_stat -e "$T/db" | awk '/Last transaction ID/ { print $NF }'
}

# burst FIRST: one curl, 16 transfers at a time, a POST for each of
# g$FIRST .. g$(FIRST + N - 1); prints one status per line
burst() {
	_i=$1
	: > "$T/urls"
	while [ "$_i" -lt $(($1 + N)) ]; do
		printf 'url = "%s/u/%s"\noutput = "/dev/null"\n' "$BASE" \
		    "$(token "g$_i@example.org" marketing)" >> "$T/urls"
		_i=$((_i + 1))
	done
	curl -s --no-progress-meter -Z --parallel-max 16 -d List-Unsubscribe=One-Click \
	    -w '%{http_code}\n' --config "$T/urls"
}

# optin-unsubd: every POST 200, every one recorded, fewer commits
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
t0=$(txn)
burst 0 > "$T/codes"
t1=$(txn)
stop_unsubd
expect_eq "optin-unsubd: $N answers of 200" \
    "$(grep -c '^200$' "$T/codes")/$(wc -l < "$T/codes")" "$N/$N"
commits=$((t1 - t0))
echo "# optin-unsubd: $N unsubscribes in $commits commits"
[ "$commits" -ge 1 ] && [ "$commits" -lt "$N" ] && ok ||
    fail "optin-unsubd: $N unsubscribes in $commits commits (no commit shared)"

# the floor: one commit per unsubscribe
U="$top_builddir/bench/unsubd_each"
start_unsubd "$T/om.conf" "$T/each.log" || done_testing
t0=$(txn)
burst $N > "$T/codes"
t1=$(txn)
stop_unsubd
expect_eq "unsubd_each: $N answers of 200" \
    "$(grep -c '^200$' "$T/codes")/$(wc -l < "$T/codes")" "$N/$N"
expect_eq "unsubd_each: one commit per unsubscribe" "$((t1 - t0))" "$N"

# every one of the 2N is out, nothing else changed
check "stats" 0 "$C" -c "$T/om.conf" stats
expect "all out" "$out" "list marketing opt-in=0 relationship=0 opt-out=$((2 * N))"
done_testing
