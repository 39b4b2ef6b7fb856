#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# slow.sh - optin-unsubd stays reachable under slow clients: while 200
# connections sit idle, or 70 trickle header bytes, normal requests are
# answered within 2 s (a functional deadline, curl --max-time); every
# slow connection is cut at the request deadline (10 s) although the
# trickle keeps it active; an address that is not a trusted proxy holds
# at most 64 connections. Attacks bounded in count and time, loopback.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

SLOW="python3 $top_srcdir/tests/unsubd/slowclients.py"
unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
for i in 1 2 3 4 5 6; do
	"$C" -c "$T/om.conf" subscribe "p$i@example.org" marketing >/dev/null
done
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# normal ROUND: a page, a one-click and health, each within 2 s
normal() {
	tok=$(token "p$1@example.org" marketing)
	for what in "healthz|$BASE/healthz" "page|$BASE/u/$tok" \
	    "one-click|-d List-Unsubscribe=One-Click $BASE/u/$tok"; do
		name=${what%%|*}
		# shellcheck disable=SC2086
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 ${what#*|})
		expect_eq "$2: $name within 2 s" "$code" 200
	done
}

# attack NAME MODE COUNT [SOURCE]: run it for 18 s, serve normal clients
# meanwhile, then report how its connections ended in $res
attack() {
	rm -f "$T/ready"
	$SLOW "$2" "$PORT" "$3" 18 "$T/ready" ${4:-} > "$T/res" &
	apid=$!
	_i=0
	until [ -e "$T/ready" ] || [ $_i -ge 200 ]; do sleep 0.05; _i=$((_i + 1)); done
	[ -e "$T/ready" ] && ok || fail "$1: attack did not start"
	sleep 1
	normal "$round" "$1"
	round=$((round + 1))
	sleep 3
	normal "$round" "$1, later"
	round=$((round + 1))
	wait "$apid"
	res=$(cat "$T/res")
}

# maxcut_below RES SECONDS: the last cut within SECONDS of its connect;
# the deadline is 10 s, the watch runs every 0.2 s, and on a loaded
# machine the server may accept a connection seconds after the client's
# connect() returned (the kernel's backlog holds it meanwhile)
maxcut_below() {
	awk -v r="$1" -v s="$2" 'BEGIN { split(r, a, "maxcut="); exit !(a[2] + 0 < s) }'
}

round=1
attack "200 idle" idle 200
expect "200 idle: all cut at the deadline" "$res" "open=0 cut=200"
maxcut_below "$res" 16 && ok || fail "200 idle: cut too late: $res"

attack "70 trickling" trickle 70
expect "70 trickling: all cut despite activity" "$res" "open=0 cut=70"
maxcut_below "$res" 16 && ok || fail "70 trickling: cut too late: $res"
check "the one-clicks were recorded" 1 "$C" -c "$T/om.conf" check p4@example.org marketing

# an address that is no proxy of ours: 64 connections, the rest refused
# at once; the proxy's clients are still served
rm -f "$T/ready"
# (8 s: on a loaded machine the server may take a while to accept and
# refuse the last of them; one it has not accepted yet looks open)
$SLOW idle "$PORT" 70 8 "$T/ready" 127.0.0.2 > "$T/res" &
apid=$!
_i=0
until [ -e "$T/ready" ] || [ $_i -ge 200 ]; do sleep 0.05; _i=$((_i + 1)); done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz")
expect_eq "served beside an untrusted address's 64" "$code" 200
wait "$apid"
expect "untrusted address: 64 kept, 6 refused" "$(cat "$T/res")" "open=64 cut=6"

http "still serving" 200 "$BASE/healthz"
stop_unsubd
expect_not "no sanitizer report" "$(cat "$T/unsubd.log")" "Sanitizer"
done_testing
