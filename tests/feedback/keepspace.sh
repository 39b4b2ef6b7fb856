#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# keepspace.sh - what optin-feedback keeps (anybody may write to the
# bounce address) never takes the room the database needs: on a file
# system of 128 MB with 28 MB free, under the 64 MB kept for the
# database, a message that is no report is not kept (exit 75: Postfix
# keeps it in its queue) and a one-click unsubscribe still commits;
# with the room back it is kept. The database is on a tmpfs mounted in
# a mount namespace of its own (unshare -m); needs root.
NS=-m . "$(dirname "$0")/../unshare.sh"
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
mkdir "$T/small"
mount -t tmpfs -o size=128m tmpfs "$T/small" || { fail "mount tmpfs"; done_testing; }
test_conf "$T/om.conf"
sed -i -e "s|^database .*|database $T/small/db|" "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
check "init" 0 "$C" -c "$T/om.conf" init
check "subscribe" 0 "$C" -c "$T/om.conf" subscribe amy@example.org marketing
dd if=/dev/zero of="$T/small/filler" bs=1M count=100 2>/dev/null

cat > "$T/note.eml" <<'EML'
From: Carol <carol@example.org>
To: bounces@example.com
Subject: Are you there?

Just a note to the bounce address.
EML
check "low on space: not kept, for later" 75 \
    "$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/note.eml"
expect "low on space: says why" "$err" "kept for the database"
expect_eq "low on space: nothing in kept/new" \
    "$(ls "$T/small/db/kept/new" 2>/dev/null | wc -l)" 0
check "the database still takes an unsubscribe" 0 \
    "$C" -c "$T/om.conf" unsubscribe amy@example.org marketing
check "amy out" 1 "$C" -c "$T/om.conf" check amy@example.org marketing

rm -f "$T/small/filler"
check "room again: kept" 0 \
    "$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/note.eml"
expect_eq "room again: one in kept/new" "$(ls "$T/small/db/kept/new" | wc -l)" 1
umount "$T/small"
done_testing
