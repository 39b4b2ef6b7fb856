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
. "$top/bench/util.sh"
. "$top/tests/lib.sh"
. "$top/tests/milter/lib.sh"
. "$top/tests/e2e/lib.sh"

# pf_timed PORT WANT: reload Postfix, send COUNT messages from
# news@example.com with RCPTS recipients each over SESSIONS sessions to
# PORT, and wait (a poll every 50 ms, two minutes at most) until the sink
# holds WANT messages and the queue is empty; the seconds from the first
# connection to then go into $secs, and timed_out is 1 when the two
# minutes ran out first
pf_timed() {
	postfix -c "$PF" reload >/dev/null 2>&1
	sleep 1
	rm -f "$SINK"/*
	_c0=$(cpustat)
	_t0=$(date +%s.%N)
	smtp-source -m "$COUNT" -s "$SESSIONS" -r "$RCPTS" \
	    -f news@example.com -t user@bench.example \
	    "127.0.0.1:$1" >/dev/null 2>&1
	_i=0
	timed_out=1
	while [ $_i -lt 2400 ]; do
		[ "$(ls "$SINK" | wc -l)" -ge "$2" ] &&
		    [ "$(postqueue -c "$PF" -j 2>/dev/null | wc -l)" -eq 0 ] &&
		    { timed_out=0; break; }
		sleep 0.05
		_i=$((_i + 1))
	done
	secs=$(awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	set -- $_c0 $(cpustat)
	cpu_busy=$(($3 - $1))
	cpu_steal=$(($4 - $2))
}

# cpustat: the whole machine's busy and stolen clock ticks so far
# (/proc/stat: user nice system irq softirq; steal)
cpustat() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat
}

# nf_up SOCKET: wait until a milter answers there (five seconds at
# most); 1 when none did
nf_up() {
	_i=0
	until "$top_builddir/bench/milterload" -q -s "$1" -m 1 -a 1 \
	    >/dev/null 2>&1; do
		[ $_i -ge 100 ] && return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

# checked NAME WANT_COPIES WANT_RCPTS: a run that timed out, or whose
# sink holds other than what the configuration must deliver, is a
# failure (its rate would be wrong), said on standard error
checked() {
	if [ "$timed_out" = 1 ] || [ "$copies" != "$2" ] || [ "$rc" != "$3" ]; then
		_why=""
		[ "$timed_out" = 1 ] && _why=" (the two minutes ran out)"
		echo "bench: $1: $copies copies and $rc recipients reached the sink, want $2 and $3$_why" >&2
		failures=$((failures + 1))
	fi
}
