#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# daemon.sh - optin-milter as a daemon: -n, -V, a pid file, inet
# sockets, a stale unix socket, socket-mode and user, SIGTERM
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

chmod 755 "$T"
test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null

check "-n good" 0 "$M" -c "$T/om.conf" -n
expect "-n says" "$out" "configuration ok (7 lists, 1 keys)"
printf 'list a {\n' > "$T/bad.conf"
check "-n bad" 78 "$M" -c "$T/bad.conf" -n
expect "-n bad says FILE:LINE" "$err" "$T/bad.conf:1: list a: missing '}'"
chmod 644 "$T/secret.key"
check "-n readable key" 78 "$M" -c "$T/om.conf" -n
expect "-n key says" "$err" "chmod 0600"
chmod 600 "$T/secret.key"
check "-V" 0 "$M" -V
expect "-V says" "$out" "optin-milter 0.1.0"
check "bad option" 64 "$M" -x

# a stale socket file left by a crash is replaced; a pid file is kept
python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.bind('$T/milter.sock')"
[ -S "$T/milter.sock" ] && ok || fail "no stale socket made"
"$M" -c "$T/om.conf" -f -p "$T/om.pid" 2>"$T/m1.log" &
milter_pid=$!
cleanup_hooks="$cleanup_hooks stop_milter_quiet"
sock="unix:$T/milter.sock"
lua monitor_free.lua
expect_eq "pid file" "$(cat "$T/om.pid" 2>/dev/null)" "$milter_pid"
check "second instance refused" 75 "$M" -c "$T/om.conf" -f -p "$T/om.pid"
expect "says running" "$err" "already running"
stop_milter
[ ! -e "$T/om.pid" ] && ok || fail "pid file left behind"
[ ! -e "$T/milter.sock" ] && ok || fail "socket left behind"

# inet socket
port=$(free_port)
sed -e "s|^socket .*|socket inet:$port@127.0.0.1|" "$T/om.conf" > "$T/inet.conf"
"$M" -c "$T/inet.conf" -f 2>"$T/m2.log" &
milter_pid=$!
sock="inet:$port@127.0.0.1"
lua monitor_free.lua
stop_milter

# user and socket-mode: the socket belongs to the user, the process too
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	sed -e 's/^#user .*/user nobody/' -e 's/^socket-mode .*/socket-mode 0660/' \
	    "$T/om.conf" > "$T/user.conf"
	chown -R nobody "$T/db" "$T/secret.key"
	"$M" -c "$T/user.conf" -f 2>"$T/m3.log" &
	milter_pid=$!
	sock="unix:$T/milter.sock"
	_i=0
	while [ ! -S "$T/milter.sock" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i+1)); done
	expect_eq "socket mode" "$(stat -c '%a %U' "$T/milter.sock")" "660 nobody"
	uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$milter_pid/status")
	expect_eq "running as nobody" "$uid" "$(id -u nobody) $(id -u nobody) $(id -u nobody) $(id -u nobody)"
	lua monitor_free.lua
	stop_milter
	expect_not "no database trouble as nobody" "$(cat "$T/m3.log")" "Permission denied"
fi
done_testing
