#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# damage.sh - a damaged, replaced or removed data.mdb under a running
# optin-milter: list mail tempfails (never a crash), the reason is
# logged, and the milter recovers by itself once the file is good again
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null
# enough records that the file has pages past the first few
i=0
{
	echo "address,list,status"
	while [ $i -lt 400 ]; do echo "user$i@example.net,marketing,opt-in"; i=$((i + 1)); done
} > "$T/many.csv"
"$C" -c "$T/om.conf" import "$T/many.csv" >/dev/null
db="$T/db/data.mdb"
cp "$db" "$T/saved.mdb"
log="$T/milter.log"
start_milter "$T/om.conf" "$log" || done_testing
sock="unix:$T/milter.sock"
lua monitor_free.lua

# alive - the milter still runs (a SIGBUS would have killed it)
alive() {
	kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter died: $1"
}

for size in 8192 0 20480; do
	truncate -s "$size" "$db"
	lua nodb.lua
	alive "truncated to $size"
	expect "truncation to $size logged" "$(cat "$log")" "list mail gets on-error (tempfail)"
	# put back in place (same inode): it recovers without a restart
	cp "$T/saved.mdb" "$db"
	sleep 1.1
	lua monitor_free.lua
	alive "restored after $size"
done
expect "why logged" "$(cat "$log")" "(truncated?)"

# garbage over the meta pages
dd if=/dev/zero of="$db" bs=4096 count=2 conv=notrunc 2>/dev/null
sleep 1.1
lua nodb.lua
alive "meta pages zeroed"
expect "bad meta logged" "$(cat "$log")" "not an LMDB meta page"
cp "$T/saved.mdb" "$db"
sleep 1.1
lua monitor_free.lua

# removed: list mail waits, from the next message on (not a second
# later); put back by rename: served again
mv "$db" "$T/away.mdb"
lua nodb.lua
alive "removed"
mv "$T/away.mdb" "$db"
sleep 1.1
lua monitor_free.lua

# replaced by another database (as a restore does): decisions come from
# the new file from the next message on; here alice has no consent in it
sed -e "s|^database .*|database $T/db2|" \
    -e "s|^secret-file .*|secret-file $T/secret2.key|" "$T/om.conf" > "$T/db2.conf"
"$C" -c "$T/db2.conf" init >/dev/null
"$C" -c "$T/db2.conf" subscribe carol@example.org marketing >/dev/null
mv "$T/db2/data.mdb" "$db"
lua replaced.lua
alive "replaced"
expect "replacement logged" "$(cat "$log")" "data.mdb was replaced"
stop_milter
done_testing
