# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - what bench/postfix.sh and bench/split.sh share: the test
# libraries (a scratch directory $T, a private Postfix: PF, SINK), the
# build (top_builddir, default build/) and COUNT, RCPTS and SESSIONS
# (defaults 1000, 5 and 8)
top=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$top
top_builddir=${top_builddir:-$top/build}
export top_srcdir top_builddir
COUNT=${COUNT:-1000}
RCPTS=${RCPTS:-5}
SESSIONS=${SESSIONS:-8}
. "$top/tests/lib.sh"
. "$top/tests/milter/lib.sh"
. "$top/tests/e2e/lib.sh"

# pf_timed PORT WANT: reload Postfix, send COUNT messages from
# news@example.com with RCPTS recipients each over SESSIONS sessions to
# PORT, and wait (a poll every 50 ms, two minutes at most) until the sink
# holds WANT messages and the queue is empty; the seconds from the first
# connection to then go into $secs
pf_timed() {
	postfix -c "$PF" reload >/dev/null 2>&1
	sleep 1
	rm -f "$SINK"/*
	_t0=$(date +%s.%N)
	smtp-source -m "$COUNT" -s "$SESSIONS" -r "$RCPTS" \
	    -f news@example.com -t user@bench.example \
	    "127.0.0.1:$1" >/dev/null 2>&1
	_i=0
	while [ $_i -lt 2400 ]; do
		[ "$(ls "$SINK" | wc -l)" -ge "$2" ] &&
		    [ "$(postqueue -c "$PF" -j 2>/dev/null | wc -l)" -eq 0 ] &&
		    break
		sleep 0.05
		_i=$((_i + 1))
	done
	secs=$(awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
}
