#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# postfix.sh - messages per second through a private Postfix on loopback:
# no milter, the null filter and optin-milter, over a unix and an inet
# socket, in interleaved rounds; prints a Markdown table.
#
#   bench/postfix.sh		(root; environment: ROUNDS COUNT RCPTS SESSIONS)
#   PF_CONFIGS="optin-unix optin-inet" bench/postfix.sh
#				(only those, each against the first)
#
# smtp-source sends COUNT messages from news@example.com (the list
# marketing) with RCPTS recipients each over SESSIONS sessions; a run is
# timed from the first connection until the queue is empty and smtp-sink
# holds every message. What reached the sink is counted, not assumed.
# optin-milter also runs on a database where every recipient has consent
# (nothing stripped), so that it delivers what the null filter delivers;
# and the null filter also makes optin-milter's changes without deciding
# anything (-D 5user@ -a 2: the recipient it strips, the two headers it
# adds), so that Postfix's cost of applying them shows on its own.
# Also measured: the null filter skipping DATA (-d, as optin-milter did
# before) against answering it, and with TCP_NODELAY left off (-N), also
# while making the changes (a filter that answers end of message with one
# write gives Nagle nothing to hold back), to show what the negotiation and
# the socket option do on each transport. Needs a build (top_builddir,
# default build/).
set -u
ROUNDS=${ROUNDS:-7}
. "$(dirname "$0")/lib.sh"
NF="$top_builddir/bench/nullfilter"

[ "$(id -u)" = 0 ] || { echo "postfix.sh: needs root" >&2; exit 77; }

CONFIGS="none null-unix optin-unix optin-unix-all null-unix-mod null-inet optin-inet
    null-inet-mod null-unix-skip
    null-inet-skip null-inet-nagle null-inet-mod-nagle null-inet-skip-nagle"
# PF_CONFIGS: only these (names as in milter()), and a short table of each
# against the first instead of the whole one
if [ -n "${PF_CONFIGS:-}" ]; then
	all=" $(echo $CONFIGS) "
	for c in $PF_CONFIGS; do
		case $all in
		*" $c "*) ;;
		*) echo "postfix.sh: PF_CONFIGS: no configuration $c" >&2; exit 2 ;;
		esac
	done
	CONFIGS=$PF_CONFIGS
fi

e2e_conf "$T/om.conf"
sed -i -e 's/^split .*/split no/' "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
# consent for user@ and the numbered users, except every fifth number
{
	echo "address,list,status"
	echo "user@bench.example,marketing,opt-in"
	i=0
	while [ $i -le "$RCPTS" ]; do
		[ $((i % 5)) -ne 0 ] && echo "${i}user@bench.example,marketing,opt-in"
		i=$((i + 1))
	done
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null

# the same with consent for every recipient, 5user@ too
sed -e "s|^database .*|database $T/db-all|" \
    -e "s|^secret-file .*|secret-file $T/all.key|" \
    -e "s|^socket .*|socket unix:$T/milter-all.sock|" "$T/om.conf" > "$T/all.conf"
"$C" -c "$T/all.conf" init >/dev/null
awk -v n="$RCPTS" 'BEGIN { print "address,list,status"
	print "user@bench.example,marketing,opt-in"
	for (i = 1; i <= n; i++) printf "%duser@bench.example,marketing,opt-in\n", i }' \
    > "$T/people-all.csv"
"$C" -c "$T/all.conf" import "$T/people-all.csv" >/dev/null

OM_INET=$(free_port)
NF_INET=$(free_port)
NFD_INET=$(free_port)
NFN_INET=$(free_port)
NFND_INET=$(free_port)
NFM_INET=$(free_port)
NFMN_INET=$(free_port)
sed "s|^socket .*|socket inet:$OM_INET@127.0.0.1|" "$T/om.conf" > "$T/inet.conf"
start_milter "$T/om.conf" "$T/m-unix.log" || exit 1
pid_unix=$milter_pid
start_milter "$T/inet.conf" "$T/m-inet.log" || exit 1
pid_inet=$milter_pid
start_milter "$T/all.conf" "$T/m-all.log" || exit 1
pid_all=$milter_pid
pids=""
# nf NAME ARGS...: a null filter for configuration NAME, its process id
# in pid_NAME (with _ for -)
nf() {
	_n=$(echo "$1" | tr - _)
	shift
	"$NF" "$@" & pids="$pids $!"
	eval "pid_$_n=$!"
}
nf null-unix -s "unix:$T/null.sock"
nf null-inet -s "inet:$NF_INET@127.0.0.1"
nf null-unix-skip -d -s "unix:$T/null-d.sock"
nf null-inet-skip -d -s "inet:$NFD_INET@127.0.0.1"
nf null-inet-nagle -N -s "inet:$NFN_INET@127.0.0.1"
nf null-inet-skip-nagle -d -N -s "inet:$NFND_INET@127.0.0.1"
nf null-unix-mod -D "<5user@bench.example>" -a 2 -s "unix:$T/null-mod.sock"
nf null-inet-mod -D "<5user@bench.example>" -a 2 -s "inet:$NFM_INET@127.0.0.1"
nf null-inet-mod-nagle -N -D "<5user@bench.example>" -a 2 \
    -s "inet:$NFMN_INET@127.0.0.1"
pid_optin_unix=$pid_unix
pid_optin_inet=$pid_inet
pid_optin_unix_all=$pid_all
pid_none=""
for s in "unix:$T/null.sock" "inet:$NF_INET@127.0.0.1" "unix:$T/null-d.sock" \
    "inet:$NFD_INET@127.0.0.1" "inet:$NFN_INET@127.0.0.1" \
    "inet:$NFND_INET@127.0.0.1" "unix:$T/null-mod.sock" \
    "inet:$NFM_INET@127.0.0.1" "inet:$NFMN_INET@127.0.0.1"; do
	nf_up "$s" || { echo "postfix.sh: no null filter on $s" >&2; exit 1; }
done
stop_all() {
	for p in $pids $pid_unix $pid_inet $pid_all; do kill "$p" 2>/dev/null; done
}
cleanup_hooks="$cleanup_hooks stop_all"

pf_start "unix:$T/milter.sock" || exit 1
postconf -c "$PF" -e "milter_connect_timeout = 10s" \
    "default_process_limit = 100" >/dev/null

# milter NAME: the smtpd_milters value of configuration NAME
milter() {
	case $1 in
	none)		echo "" ;;
	null-unix)	echo "unix:$T/null.sock" ;;
	optin-unix)	echo "unix:$T/milter.sock" ;;
	optin-unix-all)	echo "unix:$T/milter-all.sock" ;;
	null-unix-mod)	echo "unix:$T/null-mod.sock" ;;
	null-inet-mod)	echo "inet:127.0.0.1:$NFM_INET" ;;
	null-inet-mod-nagle) echo "inet:127.0.0.1:$NFMN_INET" ;;
	null-inet)	echo "inet:127.0.0.1:$NF_INET" ;;
	optin-inet)	echo "inet:127.0.0.1:$OM_INET" ;;
	null-unix-skip)	echo "unix:$T/null-d.sock" ;;
	null-inet-skip)	echo "inet:127.0.0.1:$NFD_INET" ;;
	null-inet-nagle) echo "inet:127.0.0.1:$NFN_INET" ;;
	null-inet-skip-nagle) echo "inet:127.0.0.1:$NFND_INET" ;;
	esac
}

# label NAME: configuration NAME in words, as in the tables
label() {
	case $1 in
	none)		echo "Postfix, no milter" ;;
	optin-unix-all)	echo "optin-milter, unix, every recipient with consent" ;;
	optin-*)	echo "optin-milter, ${1#optin-}" ;;
	null-*)		echo "null filter$(echo "${1#null-}" | sed -e 's/^\([a-z]*\)/, \1/' \
			    -e 's/-mod/, making optin-milter'"'"'s changes/' \
			    -e 's/-skip/, skipping DATA/' -e 's/-nagle/, without TCP_NODELAY/')" ;;
	esac
}

# want NAME: the recipients that must reach the sink through NAME in a
# run: optin-milter strips the multiples of five (2user@ ... RCPTSuser@,
# user@ has consent), the null filter making its changes 5user@ alone
want() {
	case $1 in
	optin-unix|optin-inet)	echo $((COUNT * (RCPTS - RCPTS / 5))) ;;
	null-*-mod*)	echo $((COUNT * (RCPTS >= 5 ? RCPTS - 1 : RCPTS))) ;;
	*)		echo $((COUNT * RCPTS)) ;;
	esac
}

# delacks: TCP's delayed ACKs so far on this host (nstat, iproute2), or -
delacks() {
	command -v nstat >/dev/null 2>&1 || { echo -; return; }
	nstat -asz TcpExtDelayedACKs 2>/dev/null |
	    awk '$1 == "TcpExtDelayedACKs" { print $2; f = 1 } END { if (!f) print "-" }'
}

# run NAME [FILE]: one timed run; appends "NAME rate messages recipients
# delayed-ACKs busy steal milter" to FILE (default $T/results), one line
# per round; what reached the sink must be every message and want's
# recipients (checked()); the delayed ACKs are every one on the host
# during the run; busy and steal the milliseconds of processor time a
# message, of the whole machine, that it used and that its hypervisor
# took (/proc/stat); milter the microseconds of processor time a message
# of the milter's own process
run() {
	postconf -c "$PF" -e "smtpd_milters = $(milter "$1")" \
	    "non_smtpd_milters = $(milter "$1")" >/dev/null
	eval "_p=\$pid_$(echo "$1" | tr - _)"
	_m0=$(ticks "$_p")
	_d0=$(delacks)
	pf_timed "$SMTP_PORT" "$COUNT"
	_d1=$(delacks)
	_m1=$(ticks "$_p")
	copies=$(ls "$SINK" | wc -l)
	rc=$(cat "$SINK"/* 2>/dev/null | grep -c '^X-Rcpt-Args:')
	checked "$1" "$COUNT" "$(want "$1")"
	echo "$1 $(awk "BEGIN { printf \"%.1f\", $copies / $secs }") $copies $rc" \
	    "$([ "$_d0" = - ] || [ "$_d1" = - ] && echo - || echo $((_d1 - _d0)))" \
	    "$(awk -v b="$cpu_busy" -v s="$cpu_steal" -v m=$((_m1 - _m0)) \
		-v p="$_p" -v n="$COUNT" -v hz="$HZ" 'BEGIN {
		printf "%.2f %.2f ", b * 1000 / hz / n, s * 1000 / hz / n
		if (p == "") print "-"; else printf "%.0f\n", m * 1000000 / hz / n }')" \
	    >> "${2:-$T/results}"
}

# each round starts one configuration later, so that none always runs
# right after the same other one
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for c in $(echo $CONFIGS | awk -v r="$r" '{
	    for (i = 0; i < NF; i++) print $(((i + r - 1) % NF) + 1) }'); do
		run "$c"
	done
	r=$((r + 1))
done
# med NAME [FIELD]: the median of NAME's rounds (FIELD 2, the rate, or 5,
# the delayed ACKs)
med() {
	awk -v n="$1" -v f="${2:-2}" '$1 == n && $f != "-" { print $f }' \
	    "$T/results" | sort -n |
	    awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }'
}
# rngf NAME FIELD: the lowest and the highest of NAME's rounds, "a–b"
rngf() {
	awk -v n="$1" -v f="$2" '$1 == n && $f != "-" { print $f }' \
	    "$T/results" | sort -g |
	    awk 'NR == 1 { a = $1 } { b = $1 } END { print (NR ? a "–" b : "-") }'
}
# mr NAME FIELD: the median of NAME's rounds and in brackets their range,
# or – when NAME has none (the milter's time without a milter)
mr() {
	_m=$(med "$1" "$2")
	[ "$_m" = - ] && echo "–" || echo "$_m ($(rngf "$1" "$2"))"
}
# got NAME: messages and recipients that reached the sink, every run alike?
got() {
	awk -v n="$1" '$1 == n { print $3 " messages, " $4 " recipients" }' \
	    "$T/results" | sort -u | tr '\n' ';' | sed 's/;$//; s/;/; /g'
}
# ratio A B: A over B round by round (bench/pair.awk)
ratio() { awk -v a="$1" -v b="$2" -f "$top/bench/pair.awk" "$T/results"; }

if [ -n "${PF_CONFIGS:-}" ]; then
	first=${PF_CONFIGS%% *}
	cat <<MD

## Through Postfix, some configurations

$COUNT messages from news@example.com (list marketing), $RCPTS recipients
each, $SESSIONS SMTP sessions, to a private Postfix relaying to smtp-sink,
as in the whole table; $ROUNDS rounds of $(echo $CONFIGS | wc -w) configurations, each round
starting one configuration later. Every run checked as there. Delayed
ACKs: TCP's on the whole host during a run (nstat), the median of the
rounds; a delayed ACK can hold a sender's next segment back up to 40 ms.
Processor time a message: of the whole machine ($(nproc) cores; /proc/stat,
from the first connection until the queue is empty, the time its
hypervisor took for other guests apart), and of the milter's own
process (/proc/PID/stat, user and system, all its threads); the median
of the rounds, the lowest and the highest in brackets.

| configuration | messages/s | against $first | delayed ACKs | machine, ms a message | stolen, ms a message | milter, µs a message | reached the sink |
|---|---:|---:|---:|---:|---:|---:|---|
MD
	for c in $CONFIGS; do
		echo "| $c | $(med "$c") | $(ratio "$c" "$first") | $(med "$c" 5) | $(mr "$c" 6) | $(med "$c" 7) | $(mr "$c" 8) | $(got "$c") |"
	done
	echo
	echo "Every run, in order (configuration, messages/s, delayed ACKs, machine ms, milter µs a message):"
	echo
	awk '{ printf "%s%s %s %s %s %s", (NR > 1 ? "; " : ""), $1, $2, $5, $6, $8 } END { print "" }' \
	    "$T/results"
	[ "$failures" -eq 0 ]
	exit $?
fi

# which recipients smtp-source sent (null filter) and which reached the
# sink through optin-milter
mix() {
	sed -n 's/^X-Rcpt-Args: <\([^>]*\)>.*/\1/p' "$SINK"/* | sort | uniq -c |
	    awk '{ printf "%s`%s` x%s", (NR > 1 ? ", " : ""), $2, $1 } END { print "" }'
}
run null-unix "$T/mix"
sent_mix=$(mix)
run optin-unix "$T/mix"
got_mix=$(mix)

none=$(med none)
nu=$(med null-unix)
ou=$(med optin-unix)
oa=$(med optin-unix-all)
nm=$(med null-unix-mod)
nim=$(med null-inet-mod)
ni=$(med null-inet)
oi=$(med optin-inet)
nus=$(med null-unix-skip)
nis=$(med null-inet-skip)
nn=$(med null-inet-nagle)
nsn=$(med null-inet-skip-nagle)
nmn=$(med null-inet-mod-nagle)
sent=$((COUNT * RCPTS))
cat <<MD

## Through Postfix (smtp-source, loopback)

$COUNT messages from news@example.com (list marketing), $RCPTS recipients
each, $SESSIONS SMTP sessions, to a private Postfix relaying to smtp-sink;
timed until the sink holds every message and the queue is empty (a poll
every 50 ms). Median of $ROUNDS rounds; a round runs each of the
$(echo $CONFIGS | wc -w) configurations once, one after the other, and each round starts one
configuration later than the one before, so that a configuration and
its floor are not always measured in the same order, nor always next to
each other. Every run after a Postfix reload. $sent recipients sent per run;
every run is checked: the sink must hold every message and the
recipients the configuration delivers (below), and the queue must be
empty within two minutes, or bench/run reports a failure. A ratio is
taken round by round (a configuration over its floor from the same
round) and printed as the median of the rounds' ratios with the lowest
and highest in brackets.

| configuration | messages/s | floor | floor messages/s | ratio | reached the sink |
|---|---:|---|---:|---:|---|
| Postfix, no milter | $none | – | – | – | $(got none) |
| null filter, unix | $nu | no milter | $none | $(ratio null-unix none) | $(got null-unix) |
| optin-milter, unix | $ou | null filter, unix | $nu | $(ratio optin-unix null-unix) | $(got optin-unix) |
| optin-milter, unix, every recipient with consent | $oa | null filter, unix | $nu | $(ratio optin-unix-all null-unix) | $(got optin-unix-all) |
| null filter making optin-milter's changes, unix | $nm | null filter, unix | $nu | $(ratio null-unix-mod null-unix) | $(got null-unix-mod) |
| optin-milter, unix | $ou | null filter making its changes, unix | $nm | $(ratio optin-unix null-unix-mod) | |
| null filter, inet | $ni | no milter | $none | $(ratio null-inet none) | $(got null-inet) |
| optin-milter, inet | $oi | null filter, inet | $ni | $(ratio optin-inet null-inet) | $(got optin-inet) |
| null filter making optin-milter's changes, inet | $nim | null filter, inet | $ni | $(ratio null-inet-mod null-inet) | $(got null-inet-mod) |
| optin-milter, inet | $oi | null filter making its changes, inet | $nim | $(ratio optin-inet null-inet-mod) | |
| optin-milter, inet against unix | $oi | optin-milter, unix | $ou | $(ratio optin-inet optin-unix) | |
| null filter skipping DATA, unix | $nus | null filter, unix | $nu | $(ratio null-unix-skip null-unix) | $(got null-unix-skip) |
| null filter skipping DATA, inet | $nis | null filter, inet | $ni | $(ratio null-inet-skip null-inet) | $(got null-inet-skip) |
| null filter without TCP_NODELAY, inet | $nn | null filter, inet | $ni | $(ratio null-inet-nagle null-inet) | $(got null-inet-nagle) |
| null filter making optin-milter's changes, without TCP_NODELAY, inet | $nmn | the same with TCP_NODELAY | $nim | $(ratio null-inet-mod-nagle null-inet-mod) | $(got null-inet-mod-nagle) |
| null filter skipping DATA, without TCP_NODELAY, inet | $nsn | null filter, inet | $ni | $(ratio null-inet-skip-nagle null-inet) | $(got null-inet-skip-nagle) |

The null filter and optin-milter negotiate alike (the same actions and
skipped steps; both answer DATA and set TCP_NODELAY on inet unless a row
says otherwise). Recipients per message as smtp-source generates them, and
the copies that reached the sink in one run each:

- sent (null filter): $sent_mix
- through optin-milter: $got_mix

Consent is on file for user@bench.example and the numbered users except
multiples of five (with 5 recipients, 5user@ alone has none); in the row
"every recipient with consent" for all of them, so that optin-milter
strips nothing and Postfix delivers as much as with the null filter.

Processor time a message in the same runs: of the whole machine
($(nproc) cores; /proc/stat, from the first connection until the queue is
empty), the part of it its hypervisor gave to other guests (stolen), and
that of the milter's own process (/proc/PID/stat, user and system, all
its threads). The median of the rounds, the lowest and the highest in
brackets. The milter's own time varies least from round to round: it
is the figure to compare two milters by.

| configuration | machine, ms a message | stolen, ms a message | milter, µs a message |
|---|---:|---:|---:|
MD
for c in $CONFIGS; do
	echo "| $(label "$c") | $(mr "$c" 6) | $(med "$c" 7) | $(mr "$c" 8) |"
done
[ "$failures" -eq 0 ]
exit $?
