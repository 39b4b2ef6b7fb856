# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - what bench/postfix.sh and bench/split.sh share; sourced after
# tests/e2e/lib.sh (PF, SINK), with COUNT, RCPTS and SESSIONS set

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
