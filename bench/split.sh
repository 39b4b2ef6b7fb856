#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# split.sh - what one message per recipient costs: list mail through a
# private Postfix wired from the shipped snippets (conf/postfix-*.snippet),
# submitted on the submission port, with optin-milter single stage (split
# no) and with the split (split yes), in interleaved rounds; prints a
# Markdown table for BENCHMARKS.md.
#
#   bench/split.sh		(root; environment: ROUNDS COUNT RCPTS SESSIONS)
#
# smtp-source sends COUNT messages from news@example.com (the list
# marketing) with RCPTS recipients each over SESSIONS sessions. Consent
# is on file for every recipient but the multiples of five (5user@...),
# so with 5 recipients a message keeps 4. A run is timed from the first
# connection until smtp-sink holds every message expected (one per
# submitted message single stage; one per kept recipient with the split)
# and the queue is empty. What reached the sink is counted, not assumed.
set -u
ROUNDS=${ROUNDS:-3}
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "split.sh: needs root" >&2; exit 77; }

e2e_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
# smtp-source -r N -t user@bench.example sends to user@ and 2user@ to
# Nuser@; all have consent but the multiples of five
{
	echo "address,list,status"
	echo "user@bench.example,marketing,opt-in"
	i=2
	kept=1
	while [ $i -le "$RCPTS" ]; do
		if [ $((i % 5)) -ne 0 ]; then
			echo "${i}user@bench.example,marketing,opt-in"
			kept=$((kept + 1))
		fi
		i=$((i + 1))
	done
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null

sed -e "s|^socket .*|socket unix:$T/single.sock|" -e 's/^split .*/split no/' \
    "$T/om.conf" > "$T/single.conf"
sed -e "s|^socket .*|socket unix:$T/split.sock|" -e 's/^split .*/split yes/' \
    "$T/om.conf" > "$T/split.conf"
start_milter "$T/single.conf" "$T/m-single.log" || exit 1
pid_single=$milter_pid
start_milter "$T/split.conf" "$T/m-split.log" || exit 1
pid_split=$milter_pid
stop_all() { kill "$pid_single" "$pid_split" 2>/dev/null; }
cleanup_hooks="$cleanup_hooks stop_all"

pf_start_site "unix:$T/single.sock" || exit 1
postconf -c "$PF" -e "default_process_limit = 100" >/dev/null

# run NAME: one timed run; appends "NAME rate messages copies recipients"
run() {
	case $1 in
	single)	want=$COUNT ;;
	split)	want=$((COUNT * kept)) ;;
	esac
	postconf -c "$PF" -e "optin_milters = unix:$T/$1.sock" >/dev/null
	pf_timed "$SUB_PORT" "$want"
	copies=$(ls "$SINK" | wc -l)
	rc=$(cat "$SINK"/* 2>/dev/null | grep -c '^X-Rcpt-Args:')
	post=$(grep -il '^List-Unsubscribe-Post:' "$SINK"/* 2>/dev/null | wc -l)
	checked "$1" "$want" $((COUNT * kept))
	# one-click on every copy with the split, on none without
	if [ "$post" != "$([ "$1" = split ] && echo "$want" || echo 0)" ]; then
		echo "bench: $1: $post copies with one-click" >&2
		failures=$((failures + 1))
	fi
	echo "$1 $(awk "BEGIN { printf \"%.1f\", $COUNT / $secs }") $COUNT $copies $rc $post" \
	    >> "$T/results"
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
	# in turns: single stage first in odd rounds, the split in even ones
	if [ $((r % 2)) = 1 ]; then
		run single
		run split
	else
		run split
		run single
	fi
	r=$((r + 1))
done

med() {
	awk -v n="$1" '$1 == n { print $2 }' "$T/results" | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
got() {
	awk -v n="$1" '$1 == n { print $4 " copies, " $5 " recipients, " $6 " with one-click" }' \
	    "$T/results" | sort -u | tr '\n' ';' | sed 's/;$//; s/;/; /g'
}
single=$(med single)
split=$(med split)
cat <<MD

## One message per recipient (split) against single stage

$COUNT list messages from news@example.com (list marketing), $RCPTS
recipients each ($kept with consent), $SESSIONS SMTP sessions, on the
submission port of a private Postfix wired from the shipped snippets,
relaying to smtp-sink; optin-milter over a unix socket. Timed until the
sink holds every copy expected and the queue is empty (a poll every
50 ms). Median of $ROUNDS interleaved rounds (single stage first in odd
rounds, the split first in even ones), each run after a Postfix reload
and checked (every copy expected at the sink, with one-click exactly
with the split, and the queue empty within two minutes). The ratio is
taken round by round and printed as the median of the rounds' ratios
with the lowest and highest in brackets.
messages/s counts submitted messages; with the split each becomes $kept
copies, each through a second smtpd and optin-milter.

| configuration | messages/s | copies/s | floor | floor messages/s | ratio | reached the sink (each run) |
|---|---:|---:|---|---:|---:|---|
| single stage (split no) | $single | $single | – | – | – | $(got single) |
| split (split yes) | $split | $(awk "BEGIN { printf \"%.1f\", $split * $kept }") | single stage | $single | $(awk -v a=split -v b=single -f "$top/bench/pair.awk" "$T/results") | $(got split) |

Single stage, a message with several recipients carries only the mailto
form of List-Unsubscribe with a list-only token and no
List-Unsubscribe-Post; with the split every copy has its own token, the
URL and List-Unsubscribe-Post.
MD
[ "$failures" -eq 0 ]
exit $?
