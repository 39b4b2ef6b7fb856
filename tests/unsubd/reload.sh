#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# reload.sh - optin-unsubd as user nobody: a reload works although the
# secret file stays root's (0600), a relative -c still names the file,
# and a database the user may not open says so (503 meanwhile).
# Needs root: SKIP (77) otherwise.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "SKIP: needs root and a user nobody"
	exit 77
fi
unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
sed -i -e 's/^#user .*/user nobody/' "$T/om.conf"
grep -q '^user nobody' "$T/om.conf" || echo "user nobody" >> "$T/om.conf"
chmod 755 "$T"
chown -R nobody "$T/db"
chown root "$T/secret.key"
chmod 600 "$T/secret.key"
BASE="http://127.0.0.1:$PORT"
(cd "$T" && "$U" -c om.conf -f 2>>"$T/unsubd.log") &
unsubd_pid=$!
cleanup_hooks="$cleanup_hooks stop_unsubd_quiet"
_i=0
until curl -s -o /dev/null "$BASE/healthz" || [ $_i -ge 200 ]; do sleep 0.05; _i=$((_i+1)); done
http "healthz as nobody" 200 "$BASE/healthz"
tok=$("$C" -c "$T/om.conf" token amy@example.org marketing | sed -n 's/^token: //p')
kill -HUP "$unsubd_pid"
_i=0
until grep -q -e "reloaded" -e "reload failed" "$T/unsubd.log" || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
sleep 0.2
expect "reloaded as nobody" "$(cat "$T/unsubd.log")" "configuration $T/om.conf reloaded"
expect_not "no key trouble" "$(cat "$T/unsubd.log")" "reload failed"
http "one-click after the reload" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
stop_unsubd

# a database nobody may open: the log says so, not "run optinctl init"
chown -R root "$T/db"
chmod 700 "$T/db"
start_unsubd "$T/om.conf" "$T/unsubd2.log" || done_testing
http "healthz without access" 503 "$BASE/healthz"
expect "permission named" "$(cat "$T/unsubd2.log")" "Permission denied (running as uid $(id -u nobody), user nobody"
expect_not "not called missing" "$(cat "$T/unsubd2.log")" "run optinctl init"
stop_unsubd
done_testing
