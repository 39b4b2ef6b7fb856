#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# syslog.sh - without -f, as the systemd units run them, optin-milter and
# optin-unsubd log to syslog with facility mail (mail.log): every line
# they send to /dev/log carries a priority of facility 2 (mail)
#
# /dev/log is this test's own socket, in a private mount namespace, so
# that the machine's syslog (if any) is neither needed nor touched.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: syslog.sh needs root (a private mount namespace)"
	exit 77
fi
if ! unshare -m true 2>/dev/null; then
	echo "SKIP: syslog.sh: unshare -m is not allowed here"
	exit 77
fi

M="$top_builddir/optin-milter"
U="$top_builddir/optin-unsubd"
C="$top_builddir/optinctl"
test_conf "$T/om.conf"
port=$(free_port)
sed -i -e "s|^listen .*|listen 127.0.0.1:$port|" "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null || fail "init"

# the receiver: every datagram to $T/dev/log, one per line, in $T/syslog
cat > "$T/recv.py" <<'PY'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).replace(b"\n", b" ") + b"\n")
PY
mkdir "$T/dev"

# in the namespace: /dev is a tmpfs with the devices the daemons need
# and the receiver's socket as /dev/log; then both daemons start as the
# units start them (no -f), run a moment and are stopped with SIGTERM
cat > "$T/ns.sh" <<NS
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=755 none "$T/dev"
for d in null zero random urandom; do
	touch "$T/dev/\$d"
	mount --bind "/dev/\$d" "$T/dev/\$d"
done
python3 "$T/recv.py" "$T/dev/log" "$T/syslog" &
recv=\$!
i=0
while [ ! -S "$T/dev/log" ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
mount --rbind "$T/dev" /dev
"$M" -c "$T/om.conf" -p "$T/milter.pid"
"$U" -c "$T/om.conf" -p "$T/unsubd.pid"
i=0
while [ \$i -lt 200 ]; do
	grep -q 'optin-milter.*listening on' "$T/syslog" 2>/dev/null &&
	    grep -q 'optin-unsubd' "$T/syslog" 2>/dev/null && break
	sleep 0.05
	i=\$((i + 1))
done
# two list messages: their lines go out per message, one call each
"$top_builddir/bench/milterload" -s "unix:$T/milter.sock" -m 2 -r 2 -a 10 \
    >"$T/load.out" 2>&1 || true
sleep 0.2
kill -TERM "\$(cat "$T/milter.pid")" "\$(cat "$T/unsubd.pid")"
i=0
while { [ -e "$T/milter.pid" ] || [ -e "$T/unsubd.pid" ]; } && [ \$i -lt 200 ]; do
	sleep 0.05
	i=\$((i + 1))
done
sleep 0.2
kill \$recv
NS
unshare -m sh "$T/ns.sh" >"$T/ns.out" 2>&1 || fail "namespace: $(cat "$T/ns.out")"

log=$(cat "$T/syslog" 2>/dev/null)
expect "milter logged to syslog" "$log" "optin-milter["
expect "milter says it listens" "$log" "listening on unix:$T/milter.sock"
expect "unsubd logged to syslog" "$log" "optin-unsubd["
expect "milter says it stopped" "$log" "stopped"
expect "a recipient's line" "$log" \
    "list=marketing rcpt=<user0000001@bench.example> verdict=strip reason=no-consent"
expect "a message's line" "$log" \
    "list=marketing from=<news@example.com> rcpts=2 delivered=0 stripped=2"
expect_eq "both messages logged" \
    "$(grep -c 'rcpts=2 delivered=0 stripped=2' "$T/syslog")" 2

# <PRI> = facility * 8 + severity; mail is facility 2 (PRI 16..23)
n=0
while IFS= read -r line; do
	n=$((n + 1))
	pri=$(printf '%s\n' "$line" | sed -n 's/^<\([0-9]*\)>.*/\1/p')
	if [ -z "$pri" ] || [ $((pri / 8)) -ne 2 ]; then
		fail "not facility mail: $line"
	else
		ok
	fi
done < "$T/syslog"
[ "$n" -ge 3 ] && ok || fail "only $n syslog lines"
done_testing
