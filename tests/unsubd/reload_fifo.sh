#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# reload_fifo.sh - a FIFO where the configuration or the secret file should be
# (a mistake, or a file being replaced) makes a reload fail at once with
# the reason, in optin-unsubd and optin-milter: the daemon keeps serving
# with the old files and still stops at once on SIGTERM. Before, opening
# the FIFO waited for a writer: the reload hung, and optin-unsubd never
# saw the SIGTERM. optinctl and optin-milter -n say so as well.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../milter/lib.sh"

unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null

# wait_for FILE TEXT: up to 5 s for TEXT to appear in FILE
wait_for() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
}

# gone PID: 1 when PID has exited within 2 s
gone() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 40 ]; do sleep 0.05; _i=$((_i+1)); done
	! kill -0 "$1" 2>/dev/null
}

# fifo_at FILE: a FIFO at FILE, the file kept as FILE.real
fifo_at() {
	mv "$1" "$1.real" && mkfifo "$1"
}

unfifo() {
	rm -f "$1" && mv "$1.real" "$1"
}

for f in secret.key om.conf; do
	start_unsubd "$T/om.conf" "$T/u-$f.log" || done_testing
	fifo_at "$T/$f"
	kill -HUP "$unsubd_pid"
	wait_for "$T/u-$f.log" "reload failed"
	expect "unsubd: $f reload fails" "$(cat "$T/u-$f.log")" "not a regular file"
	http "unsubd: $f still serves" 200 "$BASE/healthz"
	kill -TERM "$unsubd_pid"
	if gone "$unsubd_pid"; then
		ok
		wait "$unsubd_pid"
		expect_eq "unsubd: $f exit" "$?" 0
	else
		fail "unsubd: $f: SIGTERM after the reload did not stop it"
		kill -KILL "$unsubd_pid"
	fi
	unsubd_pid=""
	unfifo "$T/$f"

	start_milter "$T/om.conf" "$T/m-$f.log" || done_testing
	fifo_at "$T/$f"
	kill -USR1 "$milter_pid"
	wait_for "$T/m-$f.log" "reload failed"
	expect "milter: $f reload fails" "$(cat "$T/m-$f.log")" "not a regular file"
	kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter: $f: died"
	kill -TERM "$milter_pid"
	if gone "$milter_pid"; then
		ok
		wait "$milter_pid"
		expect_eq "milter: $f exit" "$?" 0
	else
		fail "milter: $f: SIGTERM after the reload did not stop it"
		kill -KILL "$milter_pid"
	fi
	milter_pid=""

	# the tools refuse it too, at once (timeout: the old hang)
	timeout 5 "$C" -c "$T/om.conf" token amy@example.org marketing \
	    > "$T/ctl.out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && ok ||
	    fail "optinctl with a FIFO at $f: exit $rc"
	expect "optinctl: $f" "$(cat "$T/ctl.out")" "not a regular file"
	timeout 5 "$M" -n -c "$T/om.conf" > "$T/n.out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && ok ||
	    fail "optin-milter -n with a FIFO at $f: exit $rc"
	unfifo "$T/$f"
done
done_testing
