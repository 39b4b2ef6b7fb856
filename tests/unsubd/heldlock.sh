#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# heldlock.sh - a process run as root that has the database open keeps
# LMDB's fcntl(2) lock on lock.mdb. Closing any descriptor of lock.mdb
# drops every such lock of the process: root's optinctl and daemons
# opened lock.mdb once more to give it to data.mdb's owner, and from then
# on the next process to open the database took them for gone. It set
# up lock.mdb anew under them (a writer waited forever on a writer mutex
# made again) and cleared their reader slots (an import, reading pages a
# writer had reused, died of SIGSEGV).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP: only root gives lock.mdb to data.mdb's owner"
	exit 77
fi

unsubd_conf
people 2
ino=$(stat -c %i "$T/db/lock.mdb")
# shared PID: how many locks of process PID on byte 0 of lock.mdb (LMDB's
# "I have it open"; /proc/locks: N: POSIX ADVISORY TYPE PID MAJ:MIN:INO
# START END)
shared() {
	awk -v p="$1" -v i="$ino" '$2 == "POSIX" && $5 == p && $7 == "0" &&
	    $8 == "0" { n = split($6, f, ":"); if (f[n] == i) c++ }
	    END { print c + 0 }' /proc/locks
}

# a daemon: from its start, and after it has written
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
expect_eq "optin-unsubd holds its lock after it started" "$(shared "$unsubd_pid")" 1
tok0=$(awk '$1 == 0 { print $2 }' "$T/tokens")
http "one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok0"
expect_eq "optin-unsubd holds its lock after a one-click" "$(shared "$unsubd_pid")" 1

# optinctl: all through an import that runs long enough to be seen
awk 'BEGIN { print "address,list,status"
	for (i = 0; i < 150000; i++)
		printf "bulk-%d@bulk.example,marketing,opt-in\n", i }' > "$T/bulk.csv"
"$C" -c "$T/om.conf" import "$T/bulk.csv" > "$T/import.out" 2>&1 &
ip=$!
seen=0 without=0
# mapped PID: has PID data.mdb mapped now (the database open)?
mapped() { grep -q "$T/db/data.mdb" "/proc/$1/maps" 2>/dev/null; }
while kill -0 "$ip" 2>/dev/null; do
	mapped "$ip" || continue
	if [ "$(shared "$ip")" = 1 ]; then
		seen=$((seen + 1))
	elif mapped "$ip"; then
		without=$((without + 1))	# open then and still: no lock
	fi
done
wait "$ip"
expect_eq "the import" "$?" 0
expect "the import's count" "$(cat "$T/import.out")" "imported 150000 records"
expect_eq "optinctl never had the database open without its lock" "$without" 0
[ "$seen" -gt 0 ] && ok || fail "optinctl was never seen holding its lock"

stop_unsubd
done_testing
