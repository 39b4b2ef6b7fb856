# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - start and stop optin-milter for protocol tests; sourced after
# ../lib.sh.

M="$top_builddir/optin-milter"
C="$top_builddir/optinctl"
milter_pid=""

# listening LOG: how many times the log says the milter listens
listening() {
	_n=$(grep -c 'listening on' "$1" 2>/dev/null)
	echo "${_n:-0}"
}

# start_milter CONF LOG: run it in the foreground, wait until it listens
start_milter() {
	: >> "$2"
	_before=$(listening "$2")
	"$M" -c "$1" -f 2>>"$2" &
	milter_pid=$!
	cleanup_hooks="$cleanup_hooks stop_milter_quiet"
	_i=0
	while [ "$(listening "$2")" -le "$_before" ] && [ $_i -lt 400 ]; do
		kill -0 "$milter_pid" 2>/dev/null || break
		sleep 0.05
		_i=$((_i + 1))
	done
	[ "$(listening "$2")" -gt "$_before" ] ||
	    { fail "milter did not start: $(cat "$2")"; return 1; }
}

stop_milter_quiet() {
	[ -n "$milter_pid" ] && kill "$milter_pid" 2>/dev/null
	[ -n "$milter_pid" ] && wait "$milter_pid" 2>/dev/null
	milter_pid=""
}

# stop_milter: SIGTERM must stop it cleanly (exit 0)
stop_milter() {
	kill -TERM "$milter_pid"
	wait "$milter_pid"
	_rc=$?
	milter_pid=""
	expect_eq "milter exits 0 on SIGTERM" "$_rc" 0
}

# lua SCRIPT [-D name=value...]: run a miltertest script against $sock
lua() {
	_s=$1
	shift
	check "miltertest $_s" 0 miltertest -s "$top_srcdir/tests/milter/$_s" \
	    -D sock="$sock" -D lib="$top_srcdir/tests/milter/lib.lua" "$@"
	echo "$out" | sed 's/^/# /'
}
