#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# restore.sh - optinctl restore keeps every change made after the backup
# it restores, also after an import, after a restore --no-replay and
# after a damaged database was replaced by an older backup (history
# numbers are never given out twice)
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
decides() { ctl check "$1" marketing; }

check "init" 0 ctl init
printf 'address,list,status\nalice@example.org,marketing,opt-in\nbob@example.org,marketing,opt-in\n' > "$T/a.csv"
check "import" 0 ctl import "$T/a.csv"

# an import after the backup: its note has no address (restore failed
# with "reading the newer history failed", exit 74)
check "backup 1" 0 ctl backup "$T/b1.mdb"
check "alice out" 0 ctl unsubscribe alice@example.org marketing
printf 'address,list,status\ncarol@example.org,marketing,opt-in\n' > "$T/c.csv"
check "import after the backup" 0 ctl import "$T/c.csv"
check "restore over an import" 0 ctl restore "$T/b1.mdb"
expect "restore says" "$out" "kept 3 later changes"
expect_eq "alice kept out" "$(decides alice@example.org)" "deny opted-out"
expect_eq "carol kept in" "$(decides carol@example.org)" "deliver"

# back to b1 as it was; bob opts out; then the newer b2 with replay
check "dave in" 0 ctl subscribe dave@example.org marketing
check "backup 2" 0 ctl backup "$T/b2.mdb"
check "restore --no-replay" 0 ctl restore "$T/b1.mdb" --no-replay
expect_eq "alice as in b1" "$(decides alice@example.org)" "deliver"
check "bob out" 0 ctl unsubscribe bob@example.org marketing
check "restore the newer backup" 0 ctl restore "$T/b2.mdb"
expect "kept bob" "$out" "kept 1 later change"
expect_eq "bob kept out" "$(decides bob@example.org)" "deny opted-out"
expect_eq "dave as in b2" "$(decides dave@example.org)" "deliver"

# the same when the database could not be read and b1 was put in its place
check "backup 3" 0 ctl backup "$T/b3.mdb"
truncate -s 0 "$T/db/data.mdb"
check "restore over a damaged file" 0 ctl restore "$T/b1.mdb"
expect "put in place" "$out" "put in place of $T/db/data.mdb"
check "erin out" 0 ctl unsubscribe erin@example.org marketing
check "restore the newer backup again" 0 ctl restore "$T/b3.mdb"
expect "kept erin" "$out" "kept 1 later change"
expect_eq "erin kept out" "$(decides erin@example.org)" "deny opted-out"
expect_eq "bob still out" "$(decides bob@example.org)" "deny opted-out"
done_testing
