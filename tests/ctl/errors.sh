#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# errors.sh - optinctl against broken surroundings: an unreadable or
# missing database, a damaged configuration; clear errors, right codes
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }

check "check before init" 69 ctl check a@example.org marketing
expect "says init" "$err" "run optinctl init"
check "init" 0 ctl init
check "subscribe" 0 ctl subscribe a@example.org marketing

# a database file that is not LMDB
cp "$T/db/data.mdb" "$T/data.good"
head -c 8192 /dev/urandom > "$T/db/data.mdb"
rm -f "$T/db/lock.mdb"
check "garbage database" 69 ctl check a@example.org marketing
expect "says database" "$err" "database"
cp "$T/data.good" "$T/db/data.mdb"
check "restored" 0 ctl check a@example.org marketing

# a damaged record: show --json prints no half document before its error
printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n a@example.org\\00releases\n \\01\\01\nDATA=END\n' |
    mdb_load -s consent "$T/db" || fail "mdb_load"
check "show --json of a damaged record" 75 ctl show a@example.org --json
expect "names the record" "$err" "corrupt consent record"
expect_eq "prints nothing" "$out" ""
check "the good list still decides" 0 ctl check a@example.org marketing

# a database directory that is a file
sed -e "s|^database .*|database $T/om.conf|" "$T/om.conf" > "$T/file.conf"
check "database is a file" 69 "$C" -c "$T/file.conf" stats
expect "not a directory" "$err" "not a directory"

# configuration damage: each gives 78 and FILE:LINE
printf 'list a {\n consent none\n' > "$T/c1.conf"
check "unclosed list" 78 "$C" -c "$T/c1.conf" lists
expect "unclosed says" "$err" "c1.conf:1: list a: missing '}'"
printf 'socket-mode 999\n' > "$T/c2.conf"
check "bad mode" 78 "$C" -c "$T/c2.conf" lists
expect "bad mode says" "$err" "c2.conf:1: socket-mode"
printf 'map-size 99999999999999\n' > "$T/c3.conf"
check "huge map" 78 "$C" -c "$T/c3.conf" lists
head -c 3000 /dev/urandom > "$T/c4.conf"
check "random bytes" 78 "$C" -c "$T/c4.conf" lists
check "a directory as configuration" 78 "$C" -c "$T" lists

done_testing
