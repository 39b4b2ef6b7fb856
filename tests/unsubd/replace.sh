#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# replace.sh - data.mdb replaced or removed under a running optin-unsubd
# (a restore by hand): every one-click answered 200 afterwards is in the
# file optinctl reads; while there is no file, one-clicks and /healthz
# get 503, never 200; a file put back is used again by itself
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../milter/lib.sh"

unsubd_conf
N=40
people $N
cp "$T/db/data.mdb" "$T/copy.mdb"
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
tok0=$(awk '$1 == 0 { print $2 }' "$T/tokens")
http "before: one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok0"
check "before: p0 out" 1 "$C" -c "$T/om.conf" check p0@example.org marketing

# replaced by rename (the copy from before p0 went out): the next
# one-clicks land in the new file, none in the old one
cp "$T/copy.mdb" "$T/db/new.mdb"
mv "$T/db/new.mdb" "$T/db/data.mdb"
check "restored: p0 back in" 0 "$C" -c "$T/om.conf" check p0@example.org marketing
awk '$1 >= 1 && $1 < 30' "$T/tokens" |
xargs -P 8 -L 1 sh -c 'code=$(curl -s -o /dev/null -w "%{http_code}" \
    -d List-Unsubscribe=One-Click "'"$BASE"'/u/$1"); echo "$0 $code"' > "$T/acks"
acked=$(awk '$2 == 200' "$T/acks" | wc -l)
expect_eq "all acknowledged" "$acked" 29
for i in $(awk '$2 == 200 { print $1 }' "$T/acks"); do
	out=$("$C" -c "$T/om.conf" check "p$i@example.org" marketing)
	expect_eq "acknowledged p$i readable" "$out" "deny opted-out"
done
expect "replacement logged" "$(cat "$T/unsubd.log")" "data.mdb was replaced"

# removed: 503 for one-clicks and /healthz, never 200
mv "$T/db/data.mdb" "$T/away.mdb"
tok=$(awk '$1 == 30 { print $2 }' "$T/tokens")
http "removed: one-click" 503 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
sleep 1.1
http "removed: healthz" 503 "$BASE/healthz"
# put back: served again, and the one-click lands
mv "$T/away.mdb" "$T/db/data.mdb"
sleep 1.1
http "back: healthz" 200 "$BASE/healthz"
http "back: one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "back: p30 out" 1 "$C" -c "$T/om.conf" check p30@example.org marketing

# truncated: 503, not a crash
cp "$T/db/data.mdb" "$T/saved.mdb"
truncate -s 8192 "$T/db/data.mdb"
tok=$(awk '$1 == 31 { print $2 }' "$T/tokens")
http "truncated: one-click" 503 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
http "truncated: healthz" 503 "$BASE/healthz"
kill -0 "$unsubd_pid" 2>/dev/null && ok || fail "unsubd died on a truncated file"
cp "$T/saved.mdb" "$T/db/data.mdb"
sleep 1.1
http "repaired: one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "repaired: p31 out" 1 "$C" -c "$T/om.conf" check p31@example.org marketing

# a database made elsewhere whose transaction ids run ahead of the live
# lock.mdb's (it saw more changes): LMDB would read and write it through
# the older of its two meta pages, and the lock file made anew later
# would drop what was written. It is refused until the lock file is its
# own, and a one-click answered 200 afterwards lasts, as does the new
# file's newest change.
# optin-milter keeps the old lock.mdb open meanwhile, as on a mail server
stage_txnid() { mdb_stat -e "$1" | awk '/Last transaction ID/ { print $NF }'; }
start_milter "$T/om.conf" "$T/milter.log" || done_testing
live=$(stage_txnid "$T/db")
sed -e "s|^database .*|database $T/stage|" \
    -e "s|^secret-file .*|secret-file $T/stage.key|" "$T/om.conf" > "$T/stage.conf"
mkdir "$T/stage"
check "ahead: made elsewhere" 0 "$C" -c "$T/stage.conf" init
"$C" -c "$T/stage.conf" import "$T/people.csv" >/dev/null
i=0
while [ "$(stage_txnid "$T/stage")" -le $((live + 2)) ] && [ $i -lt 500 ]; do
	"$C" -c "$T/stage.conf" subscribe "x$i@example.org" marketing >/dev/null
	i=$((i + 1))
done
"$C" -c "$T/stage.conf" unsubscribe p35@example.org marketing >/dev/null
[ "$(stage_txnid "$T/stage")" -gt $((live + 2)) ] && ok ||
    fail "ahead: the new file's ids do not run ahead of $live"
mv "$T/stage/data.mdb" "$T/db/data.mdb" && ok || fail "ahead: no rename"
tok=$(awk '$1 == 36 { print $2 }' "$T/tokens")
i=0 code=503
while [ "$code" != 200 ] && [ $i -lt 100 ]; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -d List-Unsubscribe=One-Click "$BASE/u/$tok")
	[ "$code" = 200 ] || [ "$code" = 503 ] || break
	[ "$code" = 200 ] || sleep 0.1
	i=$((i + 1))
done
expect_eq "ahead: one-click" "$code" 200
stop_unsubd
stop_milter
check "ahead: p36 out after the stop" 1 "$C" -c "$T/om.conf" check p36@example.org marketing
check "ahead: p35 as the new file has it" 1 "$C" -c "$T/om.conf" check p35@example.org marketing
check "ahead: the new file's own change" 0 "$C" -c "$T/om.conf" check x0@example.org marketing
done_testing
