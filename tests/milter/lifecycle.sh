#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# lifecycle.sh - reload and stop: SIGUSR1 reloads (also after daemon(3)
# with a relative -c, and as an unprivileged user whose secret file is
# root's), SIGTERM, SIGHUP and SIGINT stop an idle milter at once and
# cleanly, also during a reload and right after the start, SIGUSR2 does
# nothing, a stop waits for the session under way, and a database the
# user may not open says so
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

chmod 755 "$T"
test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null
sock="unix:$T/milter.sock"

# wait_for FILE TEXT: up to 5 s for TEXT to appear in FILE
wait_for() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
}

# detached, with a relative -c: a reload after daemon(3) changed to /
# still finds the file (monitor mode afterwards: nobody is removed)
(cd "$T" && "$M" -c om.conf -p "$T/om.pid") || fail "daemon did not start"
_i=0
while [ ! -S "$T/milter.sock" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i+1)); done
milter_pid=$(cat "$T/om.pid" 2>/dev/null)
cleanup_hooks="$cleanup_hooks stop_milter_quiet"
lua monitor_free.lua
sed -i 's/^mode .*/mode monitor/' "$T/om.conf"
kill -USR1 "$milter_pid"
# detached, it logs to syslog: wait (up to 5 s) for a session in monitor
# mode, then check it once more
_i=0
until miltertest -s "$top_srcdir/tests/milter/monitor.lua" -D sock="$sock" \
    -D lib="$top_srcdir/tests/milter/lib.lua" >/dev/null 2>&1 || [ $_i -ge 50 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
lua monitor.lua
kill -0 "$milter_pid" 2>/dev/null && ok || fail "daemon died on SIGUSR1"
# SIGHUP stops, cleanly
kill -HUP "$milter_pid"
_i=0
while kill -0 "$milter_pid" 2>/dev/null && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i+1)); done
kill -0 "$milter_pid" 2>/dev/null && fail "SIGHUP did not stop it" || ok
[ ! -e "$T/milter.sock" ] && ok || fail "socket left behind after SIGHUP"
[ ! -e "$T/om.pid" ] && ok || fail "pid file left behind after SIGHUP"
milter_pid=""
sed -i 's/^mode .*/mode enforce/' "$T/om.conf"

# a stop with a session open: callbacks under way end first, later ones
# touch nothing, and the milter exits at once and cleanly
start_milter "$T/om.conf" "$T/m2.log" || done_testing
miltertest -s "$top_srcdir/tests/milter/slow.lua" -D sock="$sock" \
    -D lib="$top_srcdir/tests/milter/lib.lua" -D ready="$T/ready" > "$T/slow.out" 2>&1 &
lua_pid=$!
# the session has sent its envelope and waits 3 s
_i=0
until [ -e "$T/ready" ] || [ $_i -ge 100 ]; do sleep 0.02; _i=$((_i + 1)); done
[ -e "$T/ready" ] && ok || fail "the slow session did not start: $(cat "$T/slow.out")"
kill -TERM "$milter_pid"
wait "$milter_pid"
expect_eq "exit 0 with a session open" "$?" 0
milter_pid=""
wait "$lua_pid"
expect "session counted" "$(cat "$T/m2.log")" "stopped; 1 session cut short"
expect_not "nothing left running" "$(cat "$T/m2.log")" "still running"

# an idle milter stops at once: libmilter's listener looks at a stop
# only between polls of up to 5 s, so the stop interrupts the poll (it
# took 0 to 5 s, three in a row under 2 s by chance one time in 16);
# SIGUSR2, which does that, neither stops nor harms it
for sig in TERM HUP INT; do
	start_milter "$T/om.conf" "$T/m-$sig.log" || done_testing
	sleep 0.3
	if [ "$sig" = TERM ]; then
		kill -USR2 "$milter_pid"
		sleep 0.2
		kill -0 "$milter_pid" 2>/dev/null && ok || fail "SIGUSR2 killed it"
		lua monitor_free.lua
	fi
	t0=$(date +%s%N)
	kill -"$sig" "$milter_pid"
	wait "$milter_pid"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	milter_pid=""
	expect_eq "SIG$sig: exit 0" "$rc" 0
	[ "$ms" -lt 2000 ] && ok || fail "SIG$sig: stopped after $ms ms"
	expect "SIG$sig: stopped" "$(cat "$T/m-$sig.log")" "]: stopped"
	[ ! -e "$T/milter.sock" ] && ok || fail "SIG$sig: socket left behind"
done

# a stop that comes while a reload runs is as quick: the reload runs in
# a thread of its own, so the main thread takes the signal, not
# libmilter's (which waited for its poll, 0 to 5 s). A configuration of
# 12000 lists, just under the 1 MiB a configuration may have, makes the
# reload last (about 30 ms here, 400 ms with sanitizers); SIGTERM comes
# a few ms after SIGUSR1 (rounds 1 to 3) or at once after it (rounds 4
# to 8: the kernel gave it to libmilter's signal thread 12 times in 30
# while the main thread had not yet taken the SIGUSR1, and the stop then
# waited for libmilter's poll). The stop may wait for the reload under
# way, which ends before the exit (one not yet begun is dropped); a
# stop that waited for the poll took 0 to 5 s, so the bound (twice the
# reload and 1.5 s) catches it in most rounds and never fails a stop
# that did not wait.
cp "$T/om.conf" "$T/big.conf"
awk 'BEGIN { for (i = 0; i < 12000; i++)
	printf "list l%d {\n    description \"List %d, one of many\"\n    consent express\n}\n", i, i }' >> "$T/big.conf"
t0=$(date +%s%N)
"$M" -n -c "$T/big.conf" >/dev/null 2>&1
expect_eq "12000 lists are a valid configuration" "$?" 0
reload_ms=$((($(date +%s%N) - t0) / 1000000))
nlists=$(grep -c '^list ' "$T/big.conf")
for round in 1 2 3 4 5 6 7 8; do
	start_milter "$T/big.conf" "$T/m-r$round.log" || done_testing
	sleep 0.3
	t0=$(date +%s%N)
	if [ $round -le 3 ]; then
		kill -USR1 "$milter_pid"
		sleep 0.005
		kill -TERM "$milter_pid"
	else
		perl -e 'kill "USR1", $ARGV[0]; kill "TERM", $ARGV[0]' \
		    "$milter_pid"
	fi
	wait "$milter_pid"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	milter_pid=""
	expect_eq "stop during reload $round: exit 0" "$rc" 0
	[ "$ms" -lt $((2 * reload_ms + 1500)) ] && ok ||
	    fail "stop during reload $round: stopped after $ms ms (a reload takes $reload_ms)"
	expect "stop during reload $round: stopped" \
	    "$(cat "$T/m-r$round.log")" "]: stopped"
	# a reload that began ends (one not begun when the stop came is
	# not begun: rounds 4 to 8 at times)
	if grep -q "SIGUSR1: reloading" "$T/m-r$round.log"; then
		expect "stop during reload $round: the reload ended" \
		    "$(cat "$T/m-r$round.log")" "big.conf reloaded ($nlists lists"
	else
		echo "# round $round: the stop came before the reload began"
	fi
done

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "# SKIP: the user part needs root and user nobody"
	done_testing
fi
# as user nobody: the secret file stays root's (0600) and a reload works
sed -e 's/^#user .*/user nobody/' "$T/om.conf" > "$T/user.conf"
chown -R nobody "$T/db"
chown root "$T/secret.key"
chmod 600 "$T/secret.key"
start_milter "$T/user.conf" "$T/m3.log" || done_testing
lua monitor_free.lua
sed -i 's/^mode .*/mode monitor/' "$T/user.conf"
kill -USR1 "$milter_pid"
wait_for "$T/m3.log" "reloaded\|reload failed"
expect "reload as nobody" "$(cat "$T/m3.log")" "configuration $T/user.conf reloaded"
lua monitor.lua
stop_milter

# a database the user may not open: the message says so
chown -R root "$T/db"
chmod 700 "$T/db"
sed -i 's/^mode .*/mode enforce/' "$T/user.conf"
start_milter "$T/user.conf" "$T/m4.log" || done_testing
lua nodb.lua
expect "permission named" "$(cat "$T/m4.log")" "Permission denied (running as uid $(id -u nobody), user nobody"
expect_not "not called missing" "$(cat "$T/m4.log")" "run optinctl init"
stop_milter

# a stop as soon as the socket is there, while libmilter starts: exit 0
# (it exited 70 in about 1 of 30 starts: the stop closed the socket
# between the listener's look at the stop and its lock, or libmilter's
# signal thread took a stop that came before the main thread waited)
n=0 bad=0
while [ $n -lt 40 ]; do
	n=$((n + 1))
	rm -f "$T/milter.sock"	# one left by a milter that ran as nobody
	"$M" -c "$T/om.conf" -f 2>"$T/early.log" &
	early=$!
	_i=0
	while [ ! -S "$T/milter.sock" ] && [ $_i -lt 1000 ]; do
		sleep 0.005
		_i=$((_i + 1))
	done
	kill -TERM "$early"
	wait "$early"
	_rc=$?
	if [ "$_rc" != 0 ]; then
		bad=$((bad + 1))
		echo "# early stop $n: exit $_rc"
		sed 's/^/#   /' "$T/early.log"
	fi
done
expect_eq "stops right after the start that did not exit 0, of $n" "$bad" 0
done_testing
