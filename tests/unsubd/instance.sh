#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# instance.sh - one optin-unsubd per address: a second one on the same
# listen address refuses to start (no SO_REUSEPORT sharing), and the
# first keeps every request
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe amy@example.org marketing >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
first=$unsubd_pid

# the second, with its own database, so that a share of the requests
# would show there
sed -e "s|^database .*|database $T/db2|" "$T/om.conf" > "$T/om2.conf"
cp -r "$T/db" "$T/db2"
"$U" -c "$T/om2.conf" -f 2>"$T/second.log" &
second=$!
_i=0
while kill -0 "$second" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
if kill -0 "$second" 2>/dev/null; then
	fail "a second optin-unsubd runs on the same address"
	kill "$second"
	wait "$second"
else
	wait "$second"
	expect_eq "second instance exits 69" "$?" 69
fi
expect "says why" "$(cat "$T/second.log")" "cannot listen on 127.0.0.1:$PORT: Address already in use"

tok=$(token amy@example.org marketing)
for i in 1 2 3 4 5 6 7 8; do
	curl -s -o /dev/null -d List-Unsubscribe=One-Click "$BASE/u/$tok"
done
check "the first recorded it" 1 "$C" -c "$T/om.conf" check amy@example.org marketing
check "the second recorded nothing" 0 "$C" -c "$T/om2.conf" check amy@example.org marketing
expect_eq "the first still runs" "$unsubd_pid" "$first"
stop_unsubd

# once the address is free again, a restart binds at once (TIME_WAIT of
# the connections just served does not stop it)
start_unsubd "$T/om.conf" "$T/unsubd3.log" || done_testing
http "restarted" 200 "$BASE/healthz"
stop_unsubd
done_testing
