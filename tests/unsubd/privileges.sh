#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# privileges.sh - optin-unsubd binds, drops privileges, then serves: a
# privileged port works under "user nobody", every thread runs as
# nobody, and the lock file the first request creates belongs to nobody.
# Needs root: SKIP (77) otherwise.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "SKIP: needs root and a user nobody"
	exit 77
fi
unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe amy@example.org marketing >/dev/null
# a free port below 1024: only root may bind it
PORT=$(python3 - <<'PY'
import socket
for p in range(1000, 600, -1):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    s.close()
    print(p)
    break
PY
)
[ -n "$PORT" ] || { echo "SKIP: no free privileged port"; exit 77; }
sed -i -e "s/^listen .*/listen 127.0.0.1:$PORT/" -e 's/^#user .*/user nobody/' "$T/om.conf"
grep -q '^user nobody' "$T/om.conf" || echo "user nobody" >> "$T/om.conf"
chmod 755 "$T"
rm -f "$T/db/lock.mdb"
chown -R nobody "$T/db" "$T/secret.key"
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
for task in /proc/"$unsubd_pid"/task/*; do
	uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$task/status")
	n=$(id -u nobody)
	expect_eq "thread $(basename "$task") runs as nobody" "$uid" "$n $n $n $n"
done
tok=$(token amy@example.org marketing)
http "one-click as nobody" 200 -d List-Unsubscribe=One-Click "$BASE/u/$tok"
expect_eq "lock.mdb belongs to nobody" "$(stat -c %U "$T/db/lock.mdb")" nobody
expect_eq "data.mdb belongs to nobody" "$(stat -c %U "$T/db/data.mdb")" nobody
stop_unsubd
done_testing
