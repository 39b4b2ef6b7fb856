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

# the lift of a bounce after the backup is kept with it: the time a late
# report about older mail is weighed against (it was lost before)
check "pia bounced" 0 ctl suppress pia@example.org --reason bounce
check "backup 5" 0 ctl backup "$T/b5.mdb"
check "pia lifted" 0 ctl unsuppress pia@example.org
check "lift shown" 0 ctl show pia@example.org
lifted=$(echo "$out" | grep '^lifted')
expect "lifted" "$lifted" "lifted pia@example.org"
check "restore over the lift" 0 ctl restore "$T/b5.mdb"
check "show after" 0 ctl show pia@example.org
expect_eq "lift kept" "$(echo "$out" | grep '^lifted')" "$lifted"
expect_not "suppression not back" "$out" "suppression pia@example.org"

# --- a damaged backup is refused and changes nothing: LMDB has no
# checksums, so a backup carries the sum of its records, and it is read
# through in a child process before it is trusted (a page that makes
# LMDB fault is a refusal, not a crash)
{ echo "address,list,status,source"; i=0
  while [ $i -lt 300 ]; do echo "u$i@example.org,marketing,opt-in,src$i"; i=$((i+1)); done; } > "$T/u.csv"
check "import 300" 0 ctl import "$T/u.csv"
check "u1 out" 0 ctl unsubscribe u1@example.org marketing
check "backup 4" 0 ctl backup "$T/b4.mdb"
check "it carries its sum" 0 sh -c "mdb_dump -n -p -s meta '$T/b4.mdb' | grep -q backup-sum"
python3 - "$T/b4.mdb" "$T" <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], 'rb').read())
# one letter of an address: every record still decodes
f = bytearray(b); f[f.find(b'u123@example.org')] = ord('v')
open(sys.argv[2] + '/flip.mdb', 'wb').write(f)
# a page of 0xff
g = bytearray(b); g[4 * 4096:5 * 4096] = b'\xff' * 4096
open(sys.argv[2] + '/page.mdb', 'wb').write(g)
# bytes changed at random past the meta pages
for seed in range(40):
    random.seed(seed)
    h = bytearray(b)
    for _ in range(random.randint(1, 8)):
        h[random.randrange(8192, len(h))] = random.randrange(256)
    open('%s/rnd%d.mdb' % (sys.argv[2], seed), 'wb').write(h)
PY
check "a changed address refused" 74 ctl restore "$T/flip.mdb"
expect "says why" "$err" "its records do not match the sum it was made with"
check "a page of 0xff refused" 74 ctl restore "$T/page.mdb"
expect "says damaged" "$err" "damaged"
expect_eq "u1 still out" "$(decides u1@example.org)" "deny opted-out"
expect_eq "u123 still in" "$(decides u123@example.org)" "deliver"
bad=""
seed=0
while [ $seed -lt 40 ]; do
	ctl restore "$T/rnd$seed.mdb" >/dev/null 2>"$T/rnd.err"
	rc=$?
	case $rc in
	74) ;;
	0)	# bytes no record uses: the records are the backup's
		[ "$(decides u1@example.org)" = "deny opted-out" ] &&
		    [ "$(decides u299@example.org)" = "deliver" ] &&
		    ctl export > /dev/null 2>&1 || bad="$bad $seed:restored-broken" ;;
	*) bad="$bad $seed:exit$rc" ;;
	esac
	seed=$((seed + 1))
done
expect_eq "every damaged copy refused or sound" "$bad" ""
check "stats after them" 0 ctl stats
check "the sum does not stay in the database" 0 ctl restore "$T/b4.mdb"
expect_eq "no sum in meta" "$(mdb_dump -p -s meta "$T/db" | grep -c backup-sum)" "0"

# the same before a damaged database is replaced: nothing put in place
truncate -s 0 "$T/db/data.mdb"
check "fallback refuses a damaged backup" 74 ctl restore "$T/page.mdb"
expect_eq "nothing put in place" "$(stat -c %s "$T/db/data.mdb")" "0"
check "fallback takes a sound one" 0 ctl restore "$T/b4.mdb"
expect_eq "u1 out again" "$(decides u1@example.org)" "deny opted-out"
expect_eq "no sum in meta after it" "$(mdb_dump -p -s meta "$T/db" | grep -c backup-sum)" "0"

# a free-page list pointing at pages in use (one flipped bit in it does
# that) is not read by the check: the fallback puts a compacting copy in
# place, which has none, so later writes cannot take pages still in use
python3 - "$T/b4.mdb" "$T/free.mdb" <<'PY'
import struct, sys
PS = 4096
b = bytearray(open(sys.argv[1], 'rb').read())
metas = [(struct.unpack_from('<Q', b, p * PS + 144)[0], p * PS) for p in (0, 1)]
m = max(metas)[1]
def db(off):
    return struct.unpack_from('<IHHQQQQQ', b, off)
def nodes(pg):
    o = pg * PS
    lower, = struct.unpack_from('<H', b, o + 12)
    out = []
    for i in range((lower - 16) // 2):
        no, = struct.unpack_from('<H', b, o + 16 + 2 * i)
        lo, hi, fl, ks = struct.unpack_from('<HHHH', b, o + no)
        out.append((bytes(b[o + no + 8:o + no + 8 + ks]), lo | (hi << 16),
                    o + no + 8 + ks))
    return out
free_root = db(m + 40)[7]
main_root = db(m + 88)[7]
consent_root = [db(d)[7] for k, n, d in nodes(main_root) if k == b'consent'][0]
assert free_root != 0xffffffffffffffff, "no free-page list"
k, size, d = nodes(free_root)[0]
for i in range(1, size // 8):
    struct.pack_into('<Q', b, d + 8 * i, consent_root)
open(sys.argv[2], 'wb').write(b)
PY
check "a bad free-page list made" 0 test -s "$T/free.mdb"
lines=$(ctl export | wc -l)
truncate -s 0 "$T/db/data.mdb"
check "fallback past a bad free-page list" 0 ctl restore "$T/free.mdb"
for i in 1 2 3; do check "then a write $i" 0 ctl subscribe "w$i@example.org" marketing; done
expect_eq "nothing overwritten" "$(ctl export | wc -l)" $((lines + 3))
expect_eq "u1 still out" "$(decides u1@example.org)" "deny opted-out"
expect_eq "u150 still in" "$(decides u150@example.org)" "deliver"

# started by a parent that ignores SIGCHLD (inherited across exec): the
# check's child is still waited for
ign() { python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$C" -c "$T/om.conf" "$@"; }
check "backup, SIGCHLD ignored" 0 ign backup "$T/b6.mdb"
check "restore, SIGCHLD ignored" 0 ign restore "$T/b6.mdb"
done_testing
