#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# lockroom.sh - LMDB makes lock.mdb at its full size as a sparse file
# and writes reader slots through its map: the first reader on its
# second page (the 63rd at once, across processes) needs a block, and on
# a full file system the kernel killed optin-unsubd with SIGBUS. The
# store now gives lock.mdb its blocks when it opens the database, and
# refuses to open it (a clear error, no crash) when the file system has
# no room for them. The database is on a tmpfs in a mount namespace of
# its own (unshare -m); needs root.
NS=-m . "$(dirname "$0")/../unshare.sh"
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

H="$top_builddir/tests/unsubd/holdreaders"
mkdir "$T/small"
mount -t tmpfs -o size=4m tmpfs "$T/small" || { fail "mount tmpfs"; done_testing; }
unsubd_conf
sed -i -e "s|^database .*|database $T/small/db|" "$T/om.conf"
check "init" 0 "$C" -c "$T/om.conf" init
check "subscribe" 0 "$C" -c "$T/om.conf" subscribe amy@example.org marketing
TOK=$(token amy@example.org marketing)

# allocated: blocks * 512 >= size
allocated() {
	set -- $(stat -c '%b %s' "$1")
	[ $(($1 * 512)) -ge "$2" ]
}
allocated "$T/small/db/lock.mdb" && ok || fail "lock.mdb is sparse: $(stat -c '%b blocks, %s octets' "$T/small/db/lock.mdb")"

# the file system full, then more readers at once than lock.mdb's
# first page holds
dd if=/dev/zero of="$T/small/filler" bs=64k 2>/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
"$H" "$T/small/db" 62 3000 > "$T/held" 2>&1 &
hp=$!
i=0
until grep -q holding "$T/held" || [ $i -ge 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
expect "62 readers held" "$(cat "$T/held")" "holding 62"
http "full, 63rd reader: healthz" 200 "$BASE/healthz"
http "full, 63rd reader: the unsubscribe page" 200 "$BASE/u/$TOK"
kill -0 "$unsubd_pid" 2>/dev/null && ok || fail "optin-unsubd died: $(tail -n 3 "$T/unsubd.log")"
wait "$hp"
stop_unsubd

# lock.mdb made anew on the full file system: not opened, said why
rm "$T/small/db/lock.mdb"
dd if=/dev/zero of="$T/small/filler2" bs=4k 2>/dev/null	# its blocks too
out=$("$C" -c "$T/om.conf" check amy@example.org marketing 2>&1)
expect "no room for lock.mdb: refused" "$out" "lock.mdb cannot have the"
expect "no room for lock.mdb: says why" "$out" "No space left on device"
rm "$T/small/filler" "$T/small/filler2"
check "room again: opened" 0 "$C" -c "$T/om.conf" check amy@example.org marketing
expect "room again: the answer" "$out" "deliver"
allocated "$T/small/db/lock.mdb" && ok || fail "lock.mdb is sparse after the room came back"
umount "$T/small"
done_testing
