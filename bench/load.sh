#!/bin/sh
# load.sh - messages per second through a private Postfix with
# optin-milter, next to the same Postfix without a milter (the baseline),
# in the same run. Loopback only, bounded in count.
#
#   bench/load.sh [MESSAGES] [RECIPIENTS-PER-MESSAGE]   (default 2000 5)
#
# Needs a build in build/werror (./quickstart check makes one).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$top
top_builddir=$top/build/werror
export top_srcdir top_builddir
MSGS=${1:-2000}
RCPTS=${2:-5}
. "$top/tests/lib.sh"
. "$top/tests/milter/lib.sh"
. "$top/tests/e2e/lib.sh"

test_conf "$T/om.conf"
sed -i 's/^socket-mode .*/socket-mode 0666/' "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
{
	echo "address,list,status"
	i=1
	while [ $i -le "$RCPTS" ]; do
		# smtp-source numbers its recipients: 1user@, 2user@, ...
		[ $((i % 5)) -ne 0 ] && echo "${i}user@bench.example,marketing,opt-in"
		i=$((i + 1))
	done
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null

# run NAME: push MSGS messages, wait for the queue to drain; seconds
run() {
	t0=$(date +%s.%N)
	smtp-source -c -m "$MSGS" -s 8 -r "$RCPTS" -f news@example.com \
	    -t user@bench.example "127.0.0.1:$SMTP_PORT" >/dev/null 2>&1
	until [ "$(postqueue -c "$PF" -j 2>/dev/null | wc -l)" -eq 0 ]; do
		sleep 0.2
	done
	t1=$(date +%s.%N)
	awk "BEGIN { print $t1 - $t0 }"
}

start_milter "$T/om.conf" "$T/milter.log" || exit 1
pf_start "unix:$T/milter.sock" || exit 1
kill "$sink_pid"
smtp-sink -u postfix "127.0.0.1:$SINK_PORT" 256 &
sink_pid=$!
with=$(run)
postconf -c "$PF" -e "smtpd_milters =" "non_smtpd_milters ="
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1
without=$(run)
stop_milter
n=$(grep -c "mode=enforce" "$T/milter.log")
rate() { awk "BEGIN { printf \"%.0f\", $MSGS / $1 }"; }
cat <<MD

## Load through Postfix

\`bench/load.sh $MSGS $RCPTS\` on $(date -u +%Y-%m-%d): $MSGS messages of
$RCPTS recipients (one in five without consent) sent by smtp-source over 8
sessions to a private Postfix on loopback, relayed to smtp-sink; timed
until the queue is empty. The baseline is the same Postfix with no milter,
measured right after in the same run.

| what | seconds | messages per second | baseline seconds | baseline messages per second |
|---|---:|---:|---:|---:|
| Postfix with optin-milter | $(printf '%.2f' "$with") | $(rate "$with") | $(printf '%.2f' "$without") | $(rate "$without") |

The milter logged $n list messages.
MD
done_testing >/dev/null
