#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# import.sh - optinctl import: one transaction, every bad line reported
# as FILE:LINE, nothing written on any error; export reads back in
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init

# --- a good file: columns in another order, quoting, CRLF, optional columns
printf 'list,address,status,source,expires\r\n' > "$T/good.csv"
printf 'marketing,Amy@Example.org,opt-in,"signup form, page 2",\r\n' >> "$T/good.csv"
printf 'maintenance,@cust.example,relationship,"contract ""A-17""",2099-01-01\r\n' >> "$T/good.csv"
printf 'marketing,ben@example.org,pending,,\r\n' >> "$T/good.csv"
printf 'status,cy@example.org,opt-out,,\r\n' >> "$T/good.csv"
check "import good" 0 ctl import "$T/good.csv"
expect "import count" "$out" "imported 4 records"
check "amy" 0 ctl check amy@example.org marketing
check "domain" 0 ctl check x@cust.example maintenance
check "ben pending" 1 ctl check ben@example.org marketing
check "cy opted out" 1 ctl check cy@example.org status
check "show source" 0 ctl show @cust.example
expect "quoted source kept, quotes escaped" "$out" 'source="contract \x22A-17\x22"'
expect "actor import" "$out" " import @cust.example"
# a source with a line break cannot print as a forged history line
printf 'address,list,status,source\r\n' > "$T/forge.csv"
printf 'forge@example.org,marketing,opt-in,"ok\nhistory 2001-01-01T00:00:00Z cli forge@example.org list=marketing opt-out -> opt-in source=""x"" evidence="""""\r\n' >> "$T/forge.csv"
check "import a source with a line break" 0 ctl import "$T/forge.csv"
check "show it" 0 ctl show forge@example.org
expect_eq "one history line" "$(printf '%s\n' "$out" | grep -c '^history')" 1
expect "line break escaped" "$out" 'source="ok\x0ahistory 2001-01-01T00:00:00Z cli forge@example.org list=marketing opt-out -> opt-in source=\x22x\x22'

# --- an opt-out on file outlives a line that is older or has no date:
# a list exported before people unsubscribed and imported again must not
# subscribe them again
printf 'address,list,status,changed\n' > "$T/out.csv"
printf 'zed@example.org,marketing,opt-out,2021-06-01\n' >> "$T/out.csv"
printf 'yan@example.org,marketing,opt-out,2021-06-01\n' >> "$T/out.csv"
printf 'xia@example.org,marketing,opt-out,2021-06-01\n' >> "$T/out.csv"
printf 'wes@example.org,marketing,opt-in,2021-06-01\n' >> "$T/out.csv"
check "import opt-outs" 0 ctl import "$T/out.csv"
printf 'address,list,status,changed\n' > "$T/again.csv"
printf 'zed@example.org,marketing,opt-in,\n' >> "$T/again.csv"
printf 'yan@example.org,marketing,relationship,2021-01-01\n' >> "$T/again.csv"
printf 'xia@example.org,marketing,opt-in,2022-01-01\n' >> "$T/again.csv"
printf 'wes@example.org,marketing,opt-out,\n' >> "$T/again.csv"
printf 'zed@example.org,status,opt-in,\n' >> "$T/again.csv"
check "import over opt-outs" 0 ctl import "$T/again.csv"
expect "written" "$out" "imported 3 records"
expect "kept" "$out" "kept 2 opt-outs on file over older or undated lines"
expect "zed named" "$err" "$T/again.csv:2: zed@example.org has opted out of marketing; the line is not applied"
expect "yan named" "$err" "$T/again.csv:3: yan@example.org has opted out of marketing"
check "zed still out" 1 ctl check zed@example.org marketing
check "yan still out" 1 ctl check yan@example.org marketing
check "xia in: her line is dated after her opt-out" 0 ctl check xia@example.org marketing
check "wes out: an opt-out always applies" 1 ctl check wes@example.org marketing
check "zed in on another list" 0 ctl check zed@example.org status
# an export from before an unsubscribe, imported after it
check "vic in" 0 ctl subscribe vic@example.org marketing
check "old export" 0 ctl export --list marketing
printf '%s\n' "$out" > "$T/old-export.csv"
check "vic unsubscribes" 0 ctl unsubscribe vic@example.org marketing
check "import the old export" 0 ctl import "$T/old-export.csv"
expect "vic named" "$err" "vic@example.org has opted out of marketing"
check "vic still out" 1 ctl check vic@example.org marketing
# every spelling of an address that opted out is the same address: an
# undated line cannot subscribe it again by writing it otherwise
cat > "$T/spell.csv" <<'CSV'
address,list,status
ZED@Example.ORG,marketing,opt-in
"""zed""@example.org",marketing,opt-in
<zed@example.org>,marketing,opt-in
"@relay.example:zed@example.org",marketing,opt-in
zed@EXAMPLE.org.,marketing,opt-in
"""z\ed""@example.org",marketing,opt-in
CSV
check "import spellings" 0 ctl import "$T/spell.csv"
expect "spellings written" "$out" "imported 0 records"
expect "spellings kept" "$out" "kept 6 opt-outs on file over older or undated lines"
for n in 2 3 4 5 6 7; do
	expect "spelling line $n named" "$err" "$T/spell.csv:$n: zed@example.org has opted out of marketing"
done
check "zed out after the spellings" 1 ctl check zed@example.org marketing
check "zed's export unchanged" 0 ctl export --list marketing
expect_eq "one record for zed" "$(printf '%s\n' "$out" | grep -c '^zed')" 1
# a tagged address reaches the person who opted out: an undated line for
# it (it would be dated now) is not applied either; an older one is, and
# the later opt-out holds it back; a later one, another list and an
# opt-out are applied
printf 'address,list,status,changed\n' > "$T/tag.csv"
printf 'zed+news@example.org,marketing,opt-in,\n' >> "$T/tag.csv"
printf 'Zed+Old@Example.org,marketing,relationship,2021-01-01\n' >> "$T/tag.csv"
printf 'zed+new@example.org,marketing,opt-in,2022-01-01\n' >> "$T/tag.csv"
printf 'zed+x@example.org,status,opt-in,\n' >> "$T/tag.csv"
printf 'zed+y@example.org,marketing,opt-out,\n' >> "$T/tag.csv"
check "import tagged" 0 ctl import "$T/tag.csv"
expect "tagged written" "$out" "imported 4 records"
expect "tagged kept" "$out" "kept 1 opt-out on file over older or undated lines"
expect "tagged named" "$err" "$T/tag.csv:2: zed+news@example.org: zed@example.org has opted out of marketing; the line is not applied"
expect_not "older tagged written" "$err" "zed+old@example.org:"
check "zed+news out" 1 ctl check zed+news@example.org marketing
check "zed+old out" 1 ctl check zed+old@example.org marketing
check "zed+new in: dated after the opt-out" 0 ctl check zed+new@example.org marketing
check "zed+x in on another list" 0 ctl check zed+x@example.org status
check "zed+y out" 1 ctl check zed+y@example.org marketing

# an old export's opt-out does not move a later one back in time, under
# which a tagged opt-in of between would deliver again
printf 'address,list,status,changed\nned+news@example.org,marketing,opt-in,2024-06-01\n' > "$T/ned.csv"
check "ned+news in" 0 ctl import "$T/ned.csv"
check "ned unsubscribes" 0 ctl unsubscribe ned@example.org marketing --source one-click
check "ned+news out" 1 ctl check ned+news@example.org marketing
printf 'address,list,status,source,changed\nned@example.org,marketing,opt-out,old-crm,2023-01-01\n' > "$T/ned2.csv"
check "import the old opt-out" 0 ctl import "$T/ned2.csv"
expect "old opt-out kept back" "$out" "kept 1 opt-out on file over older or undated lines"
check "ned+news still out" 1 ctl check ned+news@example.org marketing
check "ned's export" 0 ctl export --list marketing
expect "ned's own opt-out" "$out" "ned@example.org,marketing,opt-out,one-click,"

# so does a domain's opt-out reach every address of the domain: an
# undated line for one of them is not applied; older and later ones are,
# and the later of line and opt-out decides
printf 'address,list,status,changed\n' > "$T/dom0.csv"
printf '@optout.example,status,opt-out,2022-01-01\n' >> "$T/dom0.csv"
check "import a domain's opt-out" 0 ctl import "$T/dom0.csv"
printf 'address,list,status,changed\n' > "$T/dom.csv"
printf 'rob@optout.example,status,relationship,\n' >> "$T/dom.csv"
printf 'rob+x@optout.example,status,opt-in,2020-01-01\n' >> "$T/dom.csv"
printf 'sue@optout.example,status,opt-in,2023-01-01\n' >> "$T/dom.csv"
check "import under a domain opt-out" 0 ctl import "$T/dom.csv"
expect "domain: two written" "$out" "imported 2 records"
expect "domain: one kept" "$out" "kept 1 opt-out on file"
expect "domain named" "$err" "$T/dom.csv:2: rob@optout.example: @optout.example has opted out of status; the line is not applied"
check "rob out" 1 ctl check rob@optout.example status
check "rob+x out" 1 ctl check rob+x@optout.example status
check "sue in: dated after the domain's opt-out" 0 ctl check sue@optout.example status
# the domain's opt-out in the same file counts from its line on
printf 'address,list,status\n' > "$T/dom2.csv"
printf 'tom@later.example,status,relationship\n' >> "$T/dom2.csv"
printf '@later.example,status,opt-out\n' >> "$T/dom2.csv"
printf 'uma@later.example,status,relationship\n' >> "$T/dom2.csv"
check "import with a domain line" 0 ctl import "$T/dom2.csv"
expect "domain line: two written" "$out" "imported 2 records"
expect "uma named" "$err" "$T/dom2.csv:4: uma@later.example: @later.example has opted out of status"
check "uma out" 1 ctl check uma@later.example status
check "tom out: the domain's opt-out is as new" 1 ctl check tom@later.example status

# --- the person's unsubscribe-all: an undated opt-in line (dated now, it
# would stand over it) is not applied; a dated one later than it is
ctl subscribe uli@example.org marketing >/dev/null
ctl unsubscribe uli@example.org --all >/dev/null
printf 'address,list,status\nuli@example.org,marketing,opt-in\nuli+x@example.org,marketing,opt-in\n' > "$T/uli.csv"
check "import under an unsubscribe-all" 0 ctl import "$T/uli.csv"
expect "uli named" "$err" "$T/uli.csv:2: uli@example.org has unsubscribed from all; the line is not applied (only their confirmation passes it)"
expect "uli+x named" "$err" "$T/uli.csv:3: uli+x@example.org: uli@example.org has unsubscribed from all"
printf 'address,list,status,changed\nuli@example.org,status,opt-in,2026-11-30\n' > "$T/uli2.csv"
check "a dated line" 0 ctl import "$T/uli2.csv"
expect "is kept back as well" "$out" "imported 0 records"
check "uli held back" 1 ctl check uli@example.org marketing
check "uli+x held back" 1 ctl check uli+x@example.org marketing

# --- a changed date in the future would outlive every opt-out until then
printf 'address,list,status,changed\n' > "$T/future.csv"
printf 'tim@example.org,marketing,opt-in,2099-01-01\n' >> "$T/future.csv"
check "import a future date" 65 ctl import "$T/future.csv"
expect "future named" "$err" "$T/future.csv:2: changed date \"2099-01-01\" is in the future"
check "tim not written" 1 ctl check tim@example.org marketing

# --- a bad file: every bad line named, nothing written
cat > "$T/bad.csv" <<'CSV'
address,list,status,changed
dora@example.org,marketing,opt-in,2020-01-01
not-an-address,marketing,opt-in,
eve@example.org,nosuch,opt-in,
fay@example.org,marketing,maybe,
gus@example.org,marketing,opt-in,2020-13-01
hal@example.org,marketing
@dom.example,marketing,opt-in,
CSV
check "import bad" 65 ctl import "$T/bad.csv"
expect "line 3" "$err" "$T/bad.csv:3: bad address \"not-an-address\": missing '@' and domain"
expect "line 4" "$err" "$T/bad.csv:4: unknown list \"nosuch\""
expect "line 5" "$err" "$T/bad.csv:5: bad status \"maybe\""
expect "line 6" "$err" "$T/bad.csv:6: bad changed date \"2020-13-01\""
expect "line 7" "$err" "$T/bad.csv:7: 2 fields, the header has 4"
expect "line 8" "$err" "$T/bad.csv:8: @dom.example: express consent is given by a person"
expect "nothing imported" "$err" "6 bad lines; nothing imported"
expect_not "good line not reported" "$err" "bad.csv:2:"
check "good line of a bad file not written" 1 ctl check dora@example.org marketing
expect_eq "dora" "$out" "deny no-consent"

# --- structural errors
printf 'address,list\nx@example.org,marketing\n' > "$T/nostatus.csv"
check "missing column" 65 ctl import "$T/nostatus.csv"
expect "missing column says" "$err" "nostatus.csv:1: missing column status"
printf 'address,list,status,colour\n' > "$T/extra.csv"
check "unknown column" 65 ctl import "$T/extra.csv"
expect "unknown column says" "$err" "extra.csv:1: unknown column \"colour\""
: > "$T/empty.csv"
check "empty file" 65 ctl import "$T/empty.csv"
expect "empty says" "$err" "header line is required"
printf 'address,list,status\n"open,marketing,opt-in\n' > "$T/quote.csv"
check "unterminated quote" 65 ctl import "$T/quote.csv"
expect "quote says" "$err" "quote.csv:2: unterminated quoted field"
printf 'address,list,status\nx@example.org,marketing,opt-in\0\n' > "$T/nul.csv"
check "NUL byte" 65 ctl import "$T/nul.csv"
check "missing file" 66 ctl import "$T/nope.csv"
check "nothing from bad files" 1 ctl check x@example.org marketing

# --- export, then import into a new database: the same records
check "export" 0 ctl export
echo "$out" > "$T/export.csv"
sed -e "s|^database .*|database $T/db2|" -e "s|^secret-file .*|secret-file $T/s2.key|" \
    "$T/om.conf" > "$T/om2.conf"
check "init 2" 0 "$C" -c "$T/om2.conf" init
check "import export" 0 "$C" -c "$T/om2.conf" import "$T/export.csv"
check "export 2" 0 "$C" -c "$T/om2.conf" export
sort "$T/export.csv" | tr -d '\r' > "$T/a"
echo "$out" | sort | tr -d '\r' > "$T/b"
if cmp -s "$T/a" "$T/b"; then ok; else fail "round trip differs: $(diff "$T/a" "$T/b")"; fi

# --- a large import into a small map grows the map
sed -e "s|^database .*|database $T/db3|" -e "s|^secret-file .*|secret-file $T/s3.key|" \
    -e "s|^map-size .*|map-size 64K|" "$T/om.conf" > "$T/om3.conf"
check "init 3" 0 "$C" -c "$T/om3.conf" init
{
	echo "address,list,status,source"
	i=0
	while [ $i -lt 5000 ]; do
		echo "user$i@bulk.example,marketing,opt-in,bulk"
		i=$((i + 1))
	done
} > "$T/bulk.csv"
check "bulk import" 0 "$C" -c "$T/om3.conf" import "$T/bulk.csv"
expect "bulk count" "$out" "imported 5000 records"
check "bulk last" 0 "$C" -c "$T/om3.conf" check user4999@bulk.example marketing
size=$(stat -c %s "$T/db3/data.mdb")
[ "$size" -gt 65536 ] && ok || fail "data.mdb did not grow ($size)"
check "bulk stats" 0 "$C" -c "$T/om3.conf" stats
expect "bulk stats count" "$out" "list marketing opt-in=5000"
# one record per line, and one naming the file for the whole import
expect "bulk history" "$out" "history records=5001"
check "bulk show" 0 "$C" -c "$T/om3.conf" show user7@bulk.example
expect "line's evidence refers to the import" "$out" 'evidence="import #1"'
expect_not "the file is not named per line" "$out" "bulk.csv"

# --- a file larger than the reader's window (1 MB), with line breaks
# inside quoted fields across it; standard input; a bad last line
awk 'BEGIN {
	print "address,list,status,source"
	for (i = 0; i < 40000; i++)
		if (i % 97 == 0)
			printf "big%d@bulk.example,marketing,opt-in,\"two\nlines\"\n", i
		else
			printf "big%d@bulk.example,marketing,opt-in,bulk\n", i
}' > "$T/big.csv"
check "big import" 0 "$C" -c "$T/om3.conf" import - < "$T/big.csv"
expect "big count" "$out" "imported 40000 records from -"
check "big last" 0 "$C" -c "$T/om3.conf" check big39999@bulk.example marketing
lines=$(wc -l < "$T/big.csv")
{ cat "$T/big.csv"; echo "bad-address,marketing,opt-in,x"; } > "$T/bigbad.csv"
check "big bad" 65 "$C" -c "$T/om3.conf" import "$T/bigbad.csv"
expect "big bad line number" "$err" "$T/bigbad.csv:$((lines + 1)): bad address"
expect "big bad nothing" "$err" "1 bad line; nothing imported"
check "big stats" 0 "$C" -c "$T/om3.conf" stats
expect "big history" "$out" "history records=45002"

# --- no quote anywhere, larger than the window: records end at its last
# line break; a bad line near the end is named by its number
awk 'BEGIN {
	print "address,list,status,source"
	for (i = 0; i < 60000; i++)
		printf "plain%d@bulk.example,marketing,opt-in,bulk\n", i
}' > "$T/plain.csv"
check "plain import" 0 "$C" -c "$T/om3.conf" import "$T/plain.csv"
expect "plain count" "$out" "imported 60000 records"
check "plain last" 0 "$C" -c "$T/om3.conf" check plain59999@bulk.example marketing
{ head -n 59000 "$T/plain.csv"; echo "plain,marketing,opt-in,x"; \
    tail -n +59001 "$T/plain.csv"; } > "$T/plainbad.csv"
check "plain bad" 65 "$C" -c "$T/om3.conf" import "$T/plainbad.csv"
expect "plain bad line number" "$err" "$T/plainbad.csv:59001: bad address \"plain\""
expect "plain bad nothing" "$err" "1 bad line; nothing imported"

# --- a quoted field with line breaks across the window's edge (1 MiB):
# the window's last line break lies inside the quotes
awk 'BEGIN {
	print "address,list,status,source"
	n = 27
	for (i = 0; n + 50 < 1048576 - 60; i++) {
		s = sprintf("edge%07d@bulk.example,marketing,opt-in,bulk", i)
		print s
		n += length(s) + 1
	}
	printf "edgeq@bulk.example,marketing,opt-in,\"q"
	for (j = 0; j < 40; j++)
		printf "\nx"
	printf "\"\n"
	for (k = 0; k < 10; k++)
		printf "edgez%d@bulk.example,marketing,opt-in,bulk\n", k
}' > "$T/edge.csv"
size=$(stat -c %s "$T/edge.csv")
[ "$size" -gt 1048576 ] && ok || fail "edge.csv too short ($size)"
n=$(($(grep -c '^edge' "$T/edge.csv")))
check "edge import" 0 "$C" -c "$T/om3.conf" import "$T/edge.csv"
expect "edge count" "$out" "imported $n records"
check "edge quoted" 0 "$C" -c "$T/om3.conf" check edgeq@bulk.example marketing
check "edge after" 0 "$C" -c "$T/om3.conf" check edgez9@bulk.example marketing
printf 'bad,marketing,opt-in,x\n' >> "$T/edge.csv"
check "edge bad" 65 "$C" -c "$T/om3.conf" import "$T/edge.csv"
expect "edge bad line number" "$err" "$T/edge.csv:$(wc -l < "$T/edge.csv"): bad address"

# --- one record longer than the window: checked, named, and the lines
# after it still checked
{
	echo "address,list,status,source"
	echo "long1@bulk.example,marketing,opt-in,ok"
	printf 'long2@bulk.example,marketing,opt-in,"'
	head -c 1500000 /dev/zero | tr '\0' 's'
	printf '"\n'
	echo "long3@bulk.example,nosuch,opt-in,ok"
} > "$T/long.csv"
check "long record" 65 "$C" -c "$T/om3.conf" import "$T/long.csv"
expect "long record named" "$err" "$T/long.csv:3: source longer than 127 octets"
expect "after the long record" "$err" "$T/long.csv:4: unknown list \"nosuch\""
expect "long nothing" "$err" "2 bad lines; nothing imported"

# --- a line longer than the window (16 MiB): named once, skipped, and the
# lines after it still checked; the last one without a line feed
{
	echo "address,list,status,source"
	echo "huge1@bulk.example,marketing,opt-in,ok"
	head -c 17000000 /dev/zero | tr '\0' 'x'
	echo ",marketing,opt-in,ok"
	echo "huge3@bulk.example,nosuch,opt-in,ok"
	head -c 17000000 /dev/zero | tr '\0' 'y'
} > "$T/huge.csv"
check "huge line" 65 "$C" -c "$T/om3.conf" import "$T/huge.csv"
expect "huge line named" "$err" "$T/huge.csv:3: line longer than 16 MiB"
expect "after the huge line" "$err" "$T/huge.csv:4: unknown list \"nosuch\""
expect "huge last line" "$err" "$T/huge.csv:5: line longer than 16 MiB"
expect_eq "each line once" "$(echo "$err" | grep -c 'huge.csv:[0-9]')" 3
expect "huge nothing" "$err" "3 bad lines; nothing imported"
rm -f "$T/huge.csv"

# --- a large file into a small map: the map is grown before the
# transaction to eight times the file's size more than the data (grown
# when full instead, it would end at 64M: the records need about 40M)
sed -e "s|^database .*|database $T/db4|" -e "s|^secret-file .*|secret-file $T/s4.key|" \
    -e "s|^map-size .*|map-size 64K|" "$T/om.conf" > "$T/om4.conf"
check "init 4" 0 "$C" -c "$T/om4.conf" init
awk 'BEGIN {
	print "address,list,status,source"
	for (i = 0; i < 200000; i++)
		printf "reserve%d@bulk.example,marketing,opt-in,bulk\n", i
}' > "$T/reserve.csv"
size=$(stat -c %s "$T/reserve.csv")
check "reserve import" 0 "$C" -c "$T/om4.conf" import - < "$T/reserve.csv"
expect "reserve count" "$out" "imported 200000 records"
check "reserve last" 0 "$C" -c "$T/om4.conf" check reserve199999@bulk.example marketing
if command -v mdb_stat >/dev/null 2>&1; then
	map=$(mdb_stat -e "$T/db4" | sed -n 's/^ *Map size: //p')
	[ "${map:-0}" -ge $((size * 8)) ] && ok ||
	    fail "map of $map octets after a $size-octet import"
fi

# a changed date at the epoch is bad: 0 means no date (it was dated now)
printf 'address,list,status,changed\nepo@example.org,marketing,opt-out,1970-01-01T00:00:00Z\n' > "$T/epoch.csv"
check "epoch date" 65 ctl import "$T/epoch.csv"
expect "epoch says" "$err" "epoch.csv:2: changed date \"1970-01-01T00:00:00Z\" is not after 1970-01-01T00:00:00Z"

# an empty source comes back empty: an export imports back unchanged
check "empty source" 0 ctl subscribe ess@example.org status --source ""
check "export it" 0 ctl export --list status
printf '%s\n' "$out" | grep -e '^address,' -e '^ess@' > "$T/ess.csv"
sed -e "s|^database .*|database $T/db6|" -e "s|^secret-file .*|secret-file $T/s6.key|" \
    "$T/om.conf" > "$T/om6.conf"
check "init 6" 0 "$C" -c "$T/om6.conf" init
check "import it" 0 "$C" -c "$T/om6.conf" import "$T/ess.csv"
check "export again" 0 "$C" -c "$T/om6.conf" export --list status
expect_eq "the same line" "$(printf '%s\n' "$out" | grep '^ess@')" "$(grep '^ess@' "$T/ess.csv")"
# standard input that cannot be copied is an I/O error, not a missing file
# (the copy goes to /tmp: a small one of its own, in a mount namespace
# where the /tmp it hides, with this test and maybe the build in it, is
# seen at /mnt)
awk 'BEGIN { print "address,list,status"
	for (i = 0; i < 20000; i++) printf "full%d@example.org,status,opt-in\n", i }' > "$T/full.csv"
in_mnt() { case $1 in /tmp/*) echo "/mnt/${1#/tmp/}" ;; *) echo "$1" ;; esac; }
if unshare -m true 2>/dev/null && [ -d /mnt ]; then
	check "stdin on a full /tmp" 74 unshare -m sh -c 'mount --rbind /tmp /mnt &&
	    mount -t tmpfs -o size=64k tmpfs /tmp && exec "$@"' sh \
	    "$(in_mnt "$C")" -c "$(in_mnt "$T")/om6.conf" import - < "$T/full.csv"
	expect "says why" "$err" "No space left on device"
fi

# the database's own file system full during the commit: LMDB's short
# write reads "Input/output error", so the error says what it was; the
# transaction is rolled back and the database still takes an unsubscribe
if unshare -m true 2>/dev/null; then
	mkdir "$T/small"
	sed -e "s|^database .*|database $T/small/db|" \
	    -e "s|^secret-file .*|secret-file $T/small/s.key|" "$T/om.conf" > "$T/om7.conf"
	awk 'BEGIN { print "address,list,status"
		for (i = 0; i < 40000; i++) printf "fill%d@example.org,status,opt-in\n", i }' > "$T/fill.csv"
	check "import on a full disk" 0 unshare -m sh -c '
	    mount -t tmpfs -o size=2m tmpfs "$2/small" || exit 99
	    "$1" -c "$2/om7.conf" init >/dev/null || exit 98
	    "$1" -c "$2/om7.conf" import "$2/fill.csv"; echo "import=$?"
	    "$1" -c "$2/om7.conf" check fill0@example.org status; echo "check=$?"
	    "$1" -c "$2/om7.conf" unsubscribe fu@example.org marketing; echo "unsub=$?"
	    "$1" -c "$2/om7.conf" check fu@example.org marketing; echo "after=$?"' \
	    sh "$C" "$T"
	expect "full import fails" "$out" "import=75"
	expect "full says why" "$err" "commit: Input/output error (the file system of $T/small/db is full)"
	expect "full rolled back" "$out" "deny no-consent"
	expect "full check" "$out" "check=1"
	expect "full then unsubscribe" "$out" "unsub=0"
	expect "full unsubscribe held" "$out" "deny opted-out"
fi

# writers that open the database while imports grow the map: each takes
# the new size (MDB_MAP_RESIZED at the open's first transaction was
# "database unavailable", exit 69, for about one in 300)
sed -e "s|^database .*|database $T/db5|" -e "s|^secret-file .*|secret-file $T/s5.key|" \
    -e "s|^map-size .*|map-size 64K|" "$T/om.conf" > "$T/om5.conf"
check "init 5" 0 "$C" -c "$T/om5.conf" init
for n in 1 2; do
	awk -v n=$n 'BEGIN { print "address,list,status"
		for (i = 0; i < 30000; i++)
			printf "grow%d-%d@bulk.example,marketing,opt-in\n", n, i }' > "$T/grow$n.csv"
done
: > "$T/w.rc"
( i=0; while [ ! -f "$T/w.stop" ]; do
	"$C" -c "$T/om5.conf" unsubscribe "w$i@example.org" marketing \
	    >/dev/null 2>>"$T/w.err"
	echo $? >> "$T/w.rc"
	i=$((i + 1))
done ) &
wp=$!
"$C" -c "$T/om5.conf" import "$T/grow1.csv" > /dev/null & ip=$!
check "import while another grows the map" 0 "$C" -c "$T/om5.conf" import "$T/grow2.csv"
wait $ip || fail "the other import: exit $?"
touch "$T/w.stop"
wait $wp
expect_eq "every unsubscribe written ($(sort "$T/w.err" | uniq -c | head -c 300))" \
    "$(sort -u "$T/w.rc" | tr '\n' ' ')" "0 "

done_testing
