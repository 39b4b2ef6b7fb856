#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# restore_keys.sh - a backup whose records decode but whose keys no verb
# could write: a suppression key holding a line break (export-suppression
# printed it as two addresses) and a consent record whose list name holds
# a quote and a line break (plain stats printed a line of its own). Made
# from a real backup with mdb_dump and mdb_load, without its sum (a
# backup older than the sum is taken without one). Restore refuses it
# (74), and the database stays as it was.
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
if ! command -v mdb_dump >/dev/null 2>&1 ||
    ! command -v mdb_load >/dev/null 2>&1; then
	echo "# skipped: no mdb_dump/mdb_load (lmdb-utils; quickstart installs it)"
	exit 77
fi
check "init" 0 ctl init
check "alice" 0 ctl subscribe alice@example.org marketing
check "a suppression" 0 ctl suppress bob@example.org --reason manual
check "backup" 0 ctl backup "$T/good.bak"
check "good restores" 0 ctl restore "$T/good.bak"

# bad KIND: good.bak with one hostile key added (KIND supp or list), no sum
bad() {
	mdb_dump -a -n "$T/good.bak" > "$T/dump" || return 1
	python3 - "$1" "$T/dump" > "$T/bad.dump" <<'PY' || return 1
import sys
kind, lines = sys.argv[1], open(sys.argv[2]).read().split("\n")
out, db, pairs, i = [], None, [], 0
hx = lambda b: " " + b.hex()
while i < len(lines):
    l = lines[i]
    if l.startswith("database="):
        db = l[len("database="):]
    if l == "HEADER=END":
        out.append(l)
        i += 1
        body = []
        while lines[i] != "DATA=END":
            body.append((lines[i], lines[i + 1]))
            i += 2
        if db == "meta":
            body = [p for p in body if p[0] != hx(b"backup-sum")]
        if db == "suppression" and kind == "supp":
            body.append((hx(b"partner-a@example.org\nvictim@example.com"),
                         body[0][1]))
        if db == "consent" and kind == "list":
            body.append((hx(b"carol@example.org\0mark\"eting\nfake_metric 1"),
                         body[0][1]))
        for k, v in body:
            out += [k, v]
        out.append("DATA=END")
        i += 1
        continue
    out.append(l)
    i += 1
print("\n".join(out), end="")
PY
	rm -f "$T/bad.bak" "$T/bad.bak-lock"
	mdb_load -n -f "$T/bad.dump" "$T/bad.bak"
}
for kind in supp list; do
	bad "$kind" && ok || fail "$kind: could not make the backup"
	check "$kind: refused" 74 ctl restore "$T/bad.bak"
	expect "$kind: said why" "$err" "a damaged"
	check "$kind: export-suppression" 0 ctl export-suppression
	expect_not "$kind: no victim" "$out" "victim@example.com"
	check "$kind: stats" 0 ctl stats
	expect_not "$kind: no forged line" "$out" "fake_metric"
done
check "alice still in" 0 ctl check alice@example.org marketing
done_testing
