#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ondisk.sh - an acknowledged one-click is on the disk, not only in the
# page cache: the database lives on a small ext4 file system on a loop
# device (journal commits once a minute, so nothing reaches the device
# unless it is synced); right after the answers optin-unsubd is killed
# with -9 and the device's image is copied as it is, which is what a
# power cut would leave. Every acknowledged unsubscribe must be in the
# copy. Negative control: a write made with MDB_NOSYNC is not in it, so
# the test can tell the difference. Needs root (mount); SKIP otherwise.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root to mount a loop device"
command -v mkfs.ext4 >/dev/null 2>&1 || skip "no mkfs.ext4"
command -v mdb_dump >/dev/null 2>&1 || skip "no mdb_dump (lmdb-utils)"

img="$T/disk.img"
truncate -s 64M "$img"
mkfs.ext4 -q -F "$img" >/dev/null 2>&1 || skip "mkfs.ext4 failed"
mkdir -p "$T/mnt" "$T/snap"
mount -o loop,commit=60 "$img" "$T/mnt" 2>/dev/null || skip "cannot mount a loop device here"
mounted="$T/mnt"
umount_all() {
	mountpoint -q "$T/snap" && umount "$T/snap"
	mountpoint -q "$T/mnt" && umount "$T/mnt"
	return 0
}
cleanup_hooks="$cleanup_hooks umount_all"

unsubd_conf
sed -i -e "s|^database .*|database $T/mnt/db|" "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
N=20
{
	echo "address,list,status"
	i=0
	while [ $i -lt $N ]; do echo "p$i@example.org,marketing,opt-in"; i=$((i+1)); done
} > "$T/people.csv"
"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null
sync -f "$T/mnt/db/data.mdb"

# snapshot NAME: the device as a power cut would leave it, mounted at
# $T/snap (the journal is replayed, as at boot)
snapshot() {
	mountpoint -q "$T/snap" && umount "$T/snap"
	cp --sparse=always "$img" "$T/$1.img"
	mount -o loop "$T/$1.img" "$T/snap"
}

# the negative control: MDB_NOSYNC leaves the write in the page cache
"$top_builddir/tests/unsubd/nosync" "$T/mnt/db" nosync-probe ||
    fail "nosync writer failed"
snapshot control
probe=$(mdb_dump -p -s meta "$T/snap/db" 2>&1 | grep -c nosync-probe)
if [ "$probe" != 0 ]; then
	skip "the page cache reached the device without a sync; this machine cannot tell"
fi
ok
umount "$T/snap"

i=0
while [ $i -lt $N ]; do
	echo "$i $(token "p$i@example.org" marketing)"
	i=$((i+1))
done > "$T/tokens"
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
xargs -P 4 -L 1 sh -c 'code=$(curl -s -o /dev/null -w "%{http_code}" \
    -d List-Unsubscribe=One-Click "'"$BASE"'/u/$1"); echo "$0 $code"' \
    < "$T/tokens" > "$T/acks"
kill -9 "$unsubd_pid"
wait "$unsubd_pid" 2>/dev/null
unsubd_pid=""
snapshot cut
acked=$(awk '$2 == 200' "$T/acks" | wc -l)
expect_eq "all acknowledged" "$acked" "$N"
sed -e "s|^database .*|database $T/snap/db|" "$T/om.conf" > "$T/snap.conf"
for i in $(awk '$2 == 200 { print $1 }' "$T/acks"); do
	out=$("$C" -c "$T/snap.conf" check "p$i@example.org" marketing)
	expect_eq "acknowledged p$i on the disk" "$out" "deny opted-out"
done
done_testing
