#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# restore.sh - optinctl backup and restore under a running optin-unsubd:
# the backup is a consistent copy; a restore keeps every unsubscribe
# acknowledged after the backup (and during the restore) and redoes
# erasures; --no-replay gives the backup as it was; a database that
# cannot be opened is replaced by the backup and used within a second
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
N=60
{
	echo "address,list,status"
	i=0
	while [ $i -lt 2000 ]; do echo "x$i@example.net,marketing,opt-in"; i=$((i+1)); done
	i=0
	while [ $i -lt $N ]; do echo "p$i@example.org,marketing,opt-in"; i=$((i+1)); done
	echo "dave@example.org,marketing,opt-in"
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null
i=0
while [ $i -lt $N ]; do
	echo "$i $(token "p$i@example.org" marketing)"
	i=$((i+1))
done > "$T/tokens"
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# a hot backup
check "backup" 0 "$C" -c "$T/om.conf" backup "$T/b1.mdb"
expect_eq "backup mode" "$(stat -c %a "$T/b1.mdb")" "600"
check "backup readable" 0 sh -c "mdb_stat -n -a '$T/b1.mdb' >/dev/null"

# after it: p0 unsubscribes, dave is erased
tok0=$(awk '$1 == 0 { print $2 }' "$T/tokens")
http "p0 one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok0"
check "erase dave" 0 "$C" -c "$T/om.conf" erase dave@example.org

# restore while one-clicks keep coming: every 200 holds afterwards
awk '$1 >= 1' "$T/tokens" |
xargs -P 6 -L 1 sh -c 'code=$(curl -s -o /dev/null -w "%{http_code}" \
    -d List-Unsubscribe=One-Click "'"$BASE"'/u/$1"); echo "$0 $code"' > "$T/acks" &
burst=$!
sleep 0.2
check "restore" 0 "$C" -c "$T/om.conf" restore "$T/b1.mdb"
expect "restore says" "$out" "restored $T/b1.mdb into $T/db; kept"
wait "$burst"
acked=$(awk '$2 == 200' "$T/acks" | wc -l)
echo "# $acked one-clicks acknowledged around the restore"
expect_eq "none refused" "$(awk '$2 != 200' "$T/acks" | wc -l)" 0
for i in 0 $(awk '$2 == 200 { print $1 }' "$T/acks"); do
	out=$("$C" -c "$T/om.conf" check "p$i@example.org" marketing)
	expect_eq "acknowledged p$i kept" "$out" "deny opted-out"
done
check "dave still erased" 0 "$C" -c "$T/om.conf" show dave@example.org
expect_not "dave has no consent" "$out" "opt-in"
out=$("$C" -c "$T/om.conf" check dave@example.org marketing)
expect "dave suppressed" "$out" "deny suppressed:legal"
check "history of dave gone" 0 sh -c "'$C' -c '$T/om.conf' show dave@example.org | grep -c '^history.*dave' || true"
expect_eq "no dave in history" "$out" "0"

# --no-replay: the backup as it was
check "restore --no-replay" 0 "$C" -c "$T/om.conf" restore "$T/b1.mdb" --no-replay
check "p0 back in" 0 "$C" -c "$T/om.conf" check p0@example.org marketing
http "healthz after restores" 200 "$BASE/healthz"

# a database that cannot be opened: the file is replaced
truncate -s 0 "$T/db/data.mdb"
http "truncated: healthz" 503 "$BASE/healthz"
check "restore over a damaged file" 0 "$C" -c "$T/om.conf" restore "$T/b1.mdb"
expect "put in place" "$out" "put in place of $T/db/data.mdb"
sleep 1.1
http "replaced: healthz" 200 "$BASE/healthz"
tok=$(awk '$1 == 5 { print $2 }' "$T/tokens")
http "replaced: one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "replaced: p5 out" 1 "$C" -c "$T/om.conf" check p5@example.org marketing

# a backup of another database: restored, nothing carried over
sed -e "s|^database .*|database $T/other|" \
    -e "s|^secret-file .*|secret-file $T/other.key|" "$T/om.conf" > "$T/other.conf"
"$C" -c "$T/other.conf" init >/dev/null
"$C" -c "$T/other.conf" backup "$T/b2.mdb" >/dev/null
check "restore another" 0 "$C" -c "$T/om.conf" restore "$T/b2.mdb"
expect "another says" "$out" "another database"
# not a backup at all
echo "not lmdb" > "$T/junk.mdb"
check "junk refused" 74 "$C" -c "$T/om.conf" restore "$T/junk.mdb"
stop_unsubd
done_testing
