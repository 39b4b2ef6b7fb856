#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# restore_race.sh - optinctl opening a healthy database while another
# process commits. store_file_check() took data.mdb's size, then read the
# meta pages: a commit in between (its pages written, growing the file,
# then the meta page naming them) read as "data.mdb is N octets but meta
# page M names page P (truncated?)". optinctl unsubscribe then failed
# (exit 69), and optinctl restore took the healthy database for a damaged
# one and put the backup in its place: every change made since the
# backup was gone, acknowledged unsubscribes among them. The window is
# widened here by slowpread.so (sleeps 20 ms before the meta read, as a
# process preempted on a busy machine).
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
SHIM="$top_builddir/tests/ctl/slowpread.so"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
# the shim is built without the sanitizers and goes in front of them
slow() {
	LD_PRELOAD="$SHIM" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$C" -c "$T/om.conf" "$@"
}
check "init" 0 ctl init
{ echo "address,list,status"
  i=1; while [ $i -le 20 ]; do echo "u$i@click.example,marketing,opt-in"; i=$((i + 1)); done
} > "$T/s.csv"
check "import the people" 0 ctl import "$T/s.csv"

# a writer that keeps growing the file
awk 'BEGIN { print "address,list,status"
	for (i = 0; i < 3000; i++) printf "g%d@bulk.example,marketing,opt-in\n", i }' > "$T/g.csv"
writer() {
	rm -f "$T/stop"
	( while [ ! -f "$T/stop" ]; do ctl import "$T/g.csv" > /dev/null 2>&1; done ) &
	wp=$!
	sleep 0.3
}
writer_stop() { touch "$T/stop"; wait "$wp"; }

# opening for a write while the file grows: never a false "truncated"
writer
i=0 bad=0
while [ $i -lt 8 ]; do
	slow unsubscribe "x$i@click.example" marketing > /dev/null 2> "$T/x.err" ||
	    { bad=$((bad + 1)); echo "# $(cat "$T/x.err")"; }
	i=$((i + 1))
done
writer_stop
expect_eq "unsubscribes opened the growing database" "$bad" 0

for round in 1 2 3; do
	rm -f "$T/bk.mdb"
	check "backup $round" 0 ctl backup "$T/bk.mdb"
	i=1
	while [ $i -le 20 ]; do
		check "unsubscribe u$i ($round)" 0 ctl unsubscribe "u$i@click.example" marketing
		i=$((i + 1))
	done
	writer
	check "restore $round while another commits" 0 slow restore "$T/bk.mdb"
	writer_stop
	expect_not "restore $round: not a fallback" "$out" "put in place of"
	expect "restore $round: the later changes kept" "$out" "kept "
	lost=0
	i=1
	while [ $i -le 20 ]; do
		case $(ctl check "u$i@click.example" marketing 2>&1) in
		*"deny opted-out"*) ;;
		*) lost=$((lost + 1)) ;;
		esac
		i=$((i + 1))
	done
	expect_eq "restore $round: acknowledged unsubscribes kept" "$lost" 0
	# opted in again for the next round
	i=1
	while [ $i -le 20 ]; do
		ctl subscribe "u$i@click.example" marketing > /dev/null 2>&1
		i=$((i + 1))
	done
done
done_testing
