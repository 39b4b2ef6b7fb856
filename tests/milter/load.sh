#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# load.sh - the benchmark's milter-protocol driver against the null
# filter (also making changes with -D, -R and -a) and against optin-milter,
# over unix and inet sockets: every message answered, and the recipients
# optin-milter deletes are exactly the ones without consent. No timing is
# asserted here.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

L="$top_builddir/bench/milterload"
N="$top_builddir/bench/nullfilter"
null_pid=""

stop_null() {
	[ -n "$null_pid" ] && kill "$null_pid" 2>/dev/null
	[ -n "$null_pid" ] && wait "$null_pid" 2>/dev/null
	null_pid=""
}
cleanup_hooks="$cleanup_hooks stop_null"

# up SOCKET: wait until a filter answers on SOCKET
up() {
	_i=0
	until "$L" -q -s "$1" -m 1 2>/dev/null || [ $_i -ge 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# start_null SOCKET [OPTION...]: the null filter on SOCKET, answering
start_null() {
	_s=$1
	shift
	"$N" "$@" -s "$_s" &
	null_pid=$!
	up "$_s"
}

# field NAME: the value of NAME= in the driver's line in $out
field() {
	printf '%s\n' "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

port=$(free_port)
for s in "unix:$T/null.sock" "inet:$port@127.0.0.1"; do
	start_null "$s"
	check "null filter $s" 0 "$L" -s "$s" -c 3 -m 30 -r 4
	expect_eq "null $s messages" "$(field messages)" 30
	expect_eq "null $s recipients" "$(field rcpts)" 120
	expect_eq "null $s deleted" "$(field delrcpt)" 0
	expect_eq "null $s accepted" "$(field accepted)" 30
	expect_eq "null $s connections" "$(field connections)" 3
	# -n: a connection for each message, as Postfix for an SMTP
	# session of one message
	check "null filter $s, -n" 0 "$L" -n -s "$s" -c 3 -m 30 -r 4
	expect_eq "null $s -n messages" "$(field messages)" 30
	expect_eq "null $s -n accepted" "$(field accepted)" 30
	expect_eq "null $s -n connections" "$(field connections)" 30
	stop_null
done
# -D and -a: the changes without a decision, at the end of every message
start_null "unix:$T/mod.sock" -D "<user0000001@bench.example>" -a 2
check "null filter -D -a" 0 "$L" -s "unix:$T/mod.sock" -c 2 -m 20 -r 3
expect_eq "null -D -a deleted" "$(field delrcpt)" 20
expect_eq "null -D -a headers" "$(field addhdr)" 40
expect_eq "null -D -a accepted" "$(field accepted)" 20
stop_null
# -R: the first N recipients of each message, never more than it has,
# and none left over from the message before on the same connection
start_null "unix:$T/first.sock" -R 2 -a 1
check "null filter -R 2" 0 "$L" -s "unix:$T/first.sock" -c 2 -m 20 -r 3
expect_eq "null -R 2 deleted" "$(field delrcpt)" 40
expect_eq "null -R 2 headers" "$(field addhdr)" 20
stop_null
start_null "unix:$T/first5.sock" -R 5
check "null filter -R 5, 3 recipients" 0 "$L" -s "unix:$T/first5.sock" -c 2 -m 20 -r 3
expect_eq "null -R 5 deleted" "$(field delrcpt)" 60
stop_null
check "null filter -R 17 refused" 64 "$N" -R 17 -s "unix:$T/never.sock"

# ten addresses, user0000000 .. user0000009; every fifth has no consent
test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
{
	echo "address,list,status"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		[ $((i % 5)) -ne 0 ] &&
		    echo "user000000$i@bench.example,marketing,opt-in"
	done
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null
port=$(free_port)
cp "$T/om.conf" "$T/inet.conf"
sed -i "s|^socket .*|socket inet:$port@127.0.0.1|" "$T/inet.conf"
for conf in om inet; do
	start_milter "$T/$conf.conf" "$T/$conf.log" || break
	s=$(sed -n "s/^socket  *//p" "$T/$conf.conf")
	check "optin-milter $conf" 0 "$L" -s "$s" -c 2 -m 20 -r 5 -a 10
	expect_eq "$conf messages" "$(field messages)" 20
	expect_eq "$conf recipients" "$(field rcpts)" 100
	expect_eq "$conf deleted (1 in 5)" "$(field delrcpt)" 20
	expect_eq "$conf accepted" "$(field accepted)" 20
	expect_eq "$conf errors" "$(field errors)" 0
	n=$(grep -c 'verdict=strip reason=no-consent' "$T/$conf.log")
	expect_eq "$conf log: stripped" "$n" 20
	# a connection for each message: the same decisions
	check "optin-milter $conf, -n" 0 "$L" -n -s "$s" -c 2 -m 20 -r 5 -a 10
	expect_eq "$conf -n connections" "$(field connections)" 20
	expect_eq "$conf -n deleted (1 in 5)" "$(field delrcpt)" 20
	expect_eq "$conf -n accepted" "$(field accepted)" 20
	expect_eq "$conf -n errors" "$(field errors)" 0
	n=$(grep -c 'verdict=strip reason=no-consent' "$T/$conf.log")
	expect_eq "$conf -n log: stripped" "$n" 40
	stop_milter
done
# bench/ab.sh on one build against itself: it runs, checks its runs and
# prints its table (no timing asserted)
check "bench/ab.sh" 0 env ROUNDS=1 MSGS=200 sh "$top_srcdir/bench/ab.sh" \
    "$top_builddir" "$top_builddir"
expect_eq "bench/ab.sh: eight rows" \
    "$(echo "$out" | grep -c '^| \(unix\|inet\) | ')" 8
expect "bench/ab.sh: every run checked" "$out" "every run checked: yes"
# a directory that holds no build: refused before anything starts
check "bench/ab.sh without a build" 66 sh "$top_srcdir/bench/ab.sh" \
    "$top_builddir" "$T"
# bench/pool.sh needs a sendmail source tree, which a test machine lacks:
# only that it refuses what is not one, and a wrong call, before building
check "bench/pool.sh without a sendmail source" 66 sh \
    "$top_srcdir/bench/pool.sh" "$T"
expect "bench/pool.sh says why" "$err" "no sendmail source"
check "bench/pool.sh without an argument" 64 sh "$top_srcdir/bench/pool.sh"
done_testing
