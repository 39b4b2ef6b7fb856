#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# erase.sh - optinctl erase: the tagged forms go too, with their history,
# the address is scrubbed from other people's rows, nothing of it is left
# in show, export or the raw database, and it stays suppressed
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
ctl init >/dev/null
ctl subscribe amy@example.org marketing >/dev/null
ctl subscribe amy+news@example.org releases >/dev/null
ctl unsubscribe amy+promo@example.org marketing >/dev/null
ctl suppress amy+old@example.org --reason bounce >/dev/null
ctl subscribe bob@example.org marketing --source "referred by amy+ref@example.org" >/dev/null
ctl suppress cy@example.org --reason manual --source "asked on behalf of AMY@Example.org" >/dev/null
ctl subscribe amyx@example.org marketing >/dev/null

check "erase" 0 ctl erase amy@example.org
for a in amy@example.org amy+news@example.org amy+promo@example.org amy+old@example.org; do
	check "show $a" 0 ctl show "$a"
	expect_not "$a: no consent left" "$out" "consent "
	expect_not "$a: no history left" "$out" "history "
done
check "still suppressed" 1 ctl check amy@example.org marketing
expect "legal" "$out" "deny suppressed:legal"
check "tagged suppressed too" 1 ctl check amy+news@example.org releases
check "bob kept" 0 ctl show bob@example.org
expect "bob scrubbed" "$out" 'referred by (erased)'
check "cy kept" 0 ctl show cy@example.org
expect "cy scrubbed" "$out" 'asked on behalf of (erased)'
check "neighbour kept" 0 ctl check amyx@example.org marketing
check "export" 0 ctl export
expect_not "export has no amy" "$(printf '%s\n' "$out" | grep -v amyx)" "amy"
# nothing of the address anywhere in the database file
if command -v mdb_dump >/dev/null 2>&1; then
	# (read it again once if mdb_dump itself fails: its failure is not
	# the property under test, and it says why in $T/dump.err)
	mdb_dump -p -a "$T/db" > "$T/dump" 2> "$T/dump.err" ||
	    mdb_dump -p -a "$T/db" > "$T/dump" 2> "$T/dump.err" ||
	    fail "mdb_dump: $(cat "$T/dump.err")"
	dump=$(grep -a -v amyx "$T/dump")
	# only the key of the suppression that keeps the person out
	expect_eq "raw database: amy@ once" "$(printf '%s\n' "$dump" | grep -a -c -i 'amy@')" 1
	expect_not "raw database: no amy+" "$dump" "amy+"
fi

# --- a list of consent none that does not honour legal: the person had
# opted out of it; the erasure took the opt-out with it, and its own
# suppression holds there all the same (it let her mail through before)
cat >> "$T/om.conf" <<'CONF'
list service-news {
    description "Service news"
    consent     none
    unsubscribe yes
    honor       bounce complaint unsubscribe-all
}
list receipts {
    description "Receipts"
    consent     none
    unsubscribe no
    honor       bounce complaint
}
CONF
check "eve out of service-news" 0 ctl unsubscribe eve@example.org service-news
check "eve held" 1 ctl check eve@example.org service-news
check "erase eve" 0 ctl erase eve@example.org
check "eve still held" 1 ctl check eve@example.org service-news
expect_eq "by the erasure" "$out" "deny suppressed:legal"
check "eve+x still held" 1 ctl check eve+x@example.org service-news
# a list nobody unsubscribes from keeps what the site made it honour
check "eve's receipts" 0 ctl check eve@example.org receipts
# another reason later does not replace the erasure (it held there
# only as an erasure)
check "suppress eve again" 0 ctl suppress eve@example.org --reason complaint
expect "says it stays" "$out" "eve@example.org is suppressed by an erasure: kept as it is"
check "eve held after it" 1 ctl check eve@example.org service-news
expect_eq "still the erasure" "$out" "deny suppressed:legal"
# lifting an erasure is remembered: a confirmation link sent before it
# (its pending request went with the erasure) confirms nothing
check "lift eve's erasure" 0 ctl unsuppress eve@example.org
check "show eve" 0 ctl show eve@example.org
expect "the lift kept" "$out" "lifted eve@example.org"

# --- spellings with no other record: a bounce score of a tagged form,
# and records of spellings that route on to the person
check "fay+soft bounced" 0 ctl suppress fay+soft@example.org --reason bounce
check "fay+soft lifted" 0 ctl unsuppress fay+soft@example.org
check "fay+soft's lift on file" 0 ctl show fay+soft@example.org
expect "lifted" "$out" "lifted fay+soft@example.org"
check "routed spelling" 0 ctl subscribe 'fay%example.org@relay.example.net' marketing
check "quoted routed spelling" 0 ctl subscribe '"fay@example.org"@relay.example.net' releases
# "(erased)" longer than the address: the field is cut, not dropped
src="web form 2026-11-30 campaign=autumn-offer referrer=partner-portal page=/landing/autumn ref q@b.io ip=198.51.100.7 sess=0123456"
check "hal's long source" 0 ctl subscribe hal@example.org marketing --source "$src"
check "erase q" 0 ctl erase q@b.io
check "ivy's source" 0 ctl subscribe ivy@example.org marketing --source "from=fay@example.org via \"fay\"@example.org"
# a restore of a backup made before an erasure erases again, and keeps
# what the person gave after it (it used to erase that too: the
# erasure ran after the changes carried over)
check "kim" 0 ctl subscribe kim@example.org marketing
check "backup before the erasure" 0 ctl backup "$T/kim.bak"
check "erase kim" 0 ctl erase kim@example.org
check "kim asks again" 0 ctl subscribe kim@example.org support \
    --source "asked again by phone"
check "restore" 0 ctl restore "$T/kim.bak"
expect "restore: the erasure kept" "$out" "1 later erasure"
check "kim after the restore" 0 ctl show kim@example.org
expect_not "kim: the erased opt-in stays gone" "$out" \
    "consent kim@example.org marketing"
expect "kim: what she gave since stays" "$out" \
    'consent kim@example.org support opt-in'
expect "kim: with its source" "$out" 'source="asked again by phone"'
# erased, asked again, backed up, erased again: the restore erases again
# (the backup's erasure suppression used to be taken for the later one)
check "backup after the first erasure" 0 ctl backup "$T/kim2.bak"
sleep 1.1
check "erase kim again" 0 ctl erase kim@example.org
check "restore" 0 ctl restore "$T/kim2.bak"
expect "restore: the second erasure kept" "$out" "1 later erasure"
check "kim after the second restore" 0 ctl show kim@example.org
expect_not "kim: what the second erasure took stays gone" "$out" \
    "consent kim@example.org support"

# reports optin-feedback kept (a Maildir beside the database)
mkdir -p "$T/db/kept/new" "$T/db/kept/cur"
printf 'From: MAILER-DAEMON\n\nFinal-Recipient: rfc822; FAY+x@example.org\n' > "$T/db/kept/new/1.a"
printf 'From: fay@example.org\n\nplease stop\000 and more\n' > "$T/db/kept/cur/2.b:2,S"
printf 'From: MAILER-DAEMON\n\nFinal-Recipient: rfc822; gil@example.org\n' > "$T/db/kept/new/3.c"
# other people whose local part ends in fay's: their reports stay whole
printf 'From: o'"'"'fay@example.org\n\nhi\n' > "$T/db/kept/new/4.d"
printf 'From: x=fay@example.org\n\nbob!fay@example.org malfay@example.org\n' > "$T/db/kept/new/5.e"
check "erase fay" 0 ctl erase fay@example.org
expect "says what it removed" "$out" "removed 2 kept reports naming it"
[ ! -e "$T/db/kept/new/1.a" ] && [ ! -e "$T/db/kept/cur/2.b:2,S" ] && ok ||
    fail "a kept report naming fay is left"
[ -f "$T/db/kept/new/3.c" ] && ok || fail "gil's kept report was removed"
[ -f "$T/db/kept/new/4.d" ] && [ -f "$T/db/kept/new/5.e" ] && ok ||
    fail "a kept report of somebody else was removed"
# a kept report is something held: its removal is not "nothing"
printf 'From: MAILER-DAEMON\n\nFinal-Recipient: rfc822; jo@example.org\n' > "$T/db/kept/new/6.f"
check "erase jo, named in a report only" 0 ctl erase jo@example.org
expect_not "not nothing" "$out" "nothing was held"
expect "jo's report" "$out" "removed 1 kept report naming it"
[ ! -e "$T/db/kept/new/6.f" ] && ok || fail "jo's kept report is left"
printf 'From: MAILER-DAEMON\n\nFinal-Recipient: rfc822; jo@example.org\n' > "$T/db/kept/new/7.g"
check "erase jo again, a report kept since" 0 ctl erase jo@example.org
expect_not "not already erased" "$out" "already erased"
expect "jo's second report" "$out" "removed 1 kept report naming it"

# kept/ pointed elsewhere by whoever can write the database directory:
# nothing there is touched
mkdir "$T/elsewhere"
printf 'Final-Recipient: rfc822; kay@example.org\n' > "$T/elsewhere/precious"
rm -rf "$T/db/kept/new"
ln -s "$T/elsewhere" "$T/db/kept/new"
check "erase past a linked kept/new" 74 ctl erase kay@example.org
expect "says so" "$err" "kept/new"
expect_not "the unread reports are not nothing" "$out" "nothing was held"
[ -f "$T/elsewhere/precious" ] && ok || fail "a file outside kept/ was removed"
check "kay erased all the same" 1 ctl check kay@example.org marketing
expect "kay suppressed" "$out" "deny suppressed:legal"
check "hal kept" 0 ctl show hal@example.org
expect "the rest of hal's source stays" "$out" "page=/landing/autumn ref (erased) ip=198.51.100.7 sess=01234"
check "ivy kept" 0 ctl show ivy@example.org
expect "ivy's source scrubbed" "$out" 'source="from=(erased) via (erased)"'

check "fay+soft after" 0 ctl show fay+soft@example.org
expect_not "no lift left" "$out" "lifted"
if command -v mdb_dump >/dev/null 2>&1; then
	mdb_dump -p -a "$T/db" > "$T/dump2" 2> "$T/dump.err" ||
	    fail "mdb_dump: $(cat "$T/dump.err")"
	expect_eq "raw database: fay@ once" "$(grep -a -c -i 'fay' "$T/dump2")" 1
fi

done_testing
