#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# restore_swap.sh - optinctl restore checks the backup on one descriptor,
# has a child read it through by its name, then lets LMDB open it by its
# name again. A file put in its place in between was restored unchecked
# (a damaged one damaged the live database). Here the window is widened
# with strace (the child's exit is held 3 s) and another backup is moved
# in place of the one given: the restore must refuse, and the database
# stay as it was.
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
if ! command -v strace >/dev/null 2>&1; then
	echo "# skipped: no strace (quickstart installs it)"
	exit 77
fi
check "init" 0 ctl init
check "alice" 0 ctl subscribe alice@example.org marketing
check "backup" 0 ctl backup "$T/in.bak"
check "mallory" 0 ctl subscribe mallory@example.org marketing
check "the other backup" 0 ctl backup "$T/other.bak"
check "mallory leaves" 0 ctl unsubscribe mallory@example.org marketing

ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -o /dev/null -e trace=wait4 -e inject=wait4:delay_exit=3000000 \
    "$C" -c "$T/om.conf" restore "$T/in.bak" > "$T/out" 2> "$T/err" &
pid=$!
sleep 1.5
cp "$T/other.bak" "$T/n"
mv "$T/n" "$T/in.bak"
wait "$pid"
rc=$?
echo "# restore: exit $rc: $(cat "$T/out" "$T/err")"
[ "$rc" -ne 0 ] && ok || fail "restore of a file swapped in: exit 0"
expect "said why" "$(cat "$T/err")" "replaced or changed while it was checked"
check "mallory still out" 1 ctl check mallory@example.org marketing
expect "mallory: opted out" "$out" "deny opted-out"
check "alice still in" 0 ctl check alice@example.org marketing
# the file as it is now restores
check "restore again" 0 ctl restore "$T/in.bak"
# a backup that is not there: no input file
check "no such backup" 66 ctl restore "$T/none.bak"
done_testing
