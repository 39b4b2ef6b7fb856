#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# growth.sh - another process grows the map under a running milter
# (optinctl import into a 64K map); the milter adopts the new size and
# decides on the new records at once
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

test_conf "$T/om.conf"
sed -i 's/^map-size .*/map-size 64K/' "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe dave@example.org marketing >/dev/null
sock="unix:$T/milter.sock"
start_milter "$T/om.conf" "$T/milter.log" || done_testing
size0=$(stat -c %s "$T/db/data.mdb")

{
	echo "address,list,status"
	i=0
	while [ $i -lt 4000 ]; do echo "grow$i@example.org,marketing,opt-in"; i=$((i+1)); done
	echo "alice@example.org,marketing,opt-in"
} > "$T/grow.csv"
check "import grows the map" 0 "$C" -c "$T/om.conf" import "$T/grow.csv"
size1=$(stat -c %s "$T/db/data.mdb")
[ "$size1" -gt "$size0" ] && ok || fail "the map did not grow ($size0 -> $size1)"

# alice was written by another process into a larger map
lua monitor_free.lua
kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter died"
expect "alice decided" "$(cat "$T/milter.log")" "F1: list=marketing rcpt=<alice@example.org> verdict=deliver reason=opt-in"
expect_not "no database error" "$(cat "$T/milter.log")" "error="
stop_milter
done_testing
